"""Runtime services from the hypervisor's shell (README: The shell): variables in
efivar's formats, the clock, the monotonic counter, the boot options, the
runtime layer's state and its selftest — on OVMF's flash variable store
(reached at runtime through MMIO) and on its SMM store
(OVMF_CODE_4M.secboot.fd). One boot per store; the tests share it."""
import datetime
import os
import re

import pytest

import hvqemu
from conftest import PROMPT, Machine, copy_esp
from shellvars import (GLOBAL, NV_BS_RT, TEST_GUID, decode_load_option, expect_error, get_lines,
                       get_var, rt_table, set_bytes, var, varinfo, vars_list)

# A period that is no power of two: a dropped or repeated block shows.
PATTERN = bytes((i * 7 + 3) & 0xFF for i in range(90))


@pytest.fixture(scope="module", params=["flash", "smm"])
def store(request, shell, tmp_path_factory):
    """The shell on each variable store: the module's default boot
    (flash), then a boot of the SMM build with the plain VARS template."""
    if request.param == "flash":
        shell.kind = "flash"
        yield shell
        return
    work = tmp_path_factory.mktemp("smm")
    esp = copy_esp(str(work / "esp"))
    m = Machine(f"smm-{os.getpid()}-{work.name}", esp, code=hvqemu.SECBOOT_CODE,
                workdir=str(work))
    try:
        m.banner = m.expect(PROMPT)
        m.kind = "smm"
        yield m
    finally:
        m.close()


# ---------------------------------------------------------------- listing and reading

def test_vars_lists_ovmf_variables(shell):
    names = vars_list(shell)
    assert len(names) == len(set(names)), "a variable listed twice"
    glob = {n for g, n in names if g == GLOBAL}
    for n in ("BootOrder", "Boot0000", "BootCurrent", "PlatformLang", "Lang", "Timeout",
              "ConIn", "ConOut", "ErrOut", "PlatformLangCodes", "LangCodes", "SecureBoot",
              "SetupMode"):
        assert n in glob, n
    # The monotonic counter's own variable lives under another GUID.
    assert ("eb704011-1402-11d3-8e77-00a0c969723b", "MTC") in names


def test_get_prints_efivar_p_listing(shell):
    attrs, data = get_var(shell, "BootOrder")
    assert attrs == NV_BS_RT
    assert len(data) >= 2 and len(data) % 2 == 0
    # GUID-Name, Name-GUID and a bare name are the same variable.
    lines = shell.cmd(f"get {GLOBAL}-BootOrder")
    assert lines == get_lines(GLOBAL, "BootOrder", NV_BS_RT, data)
    assert shell.cmd(f"get BootOrder-{GLOBAL}") == lines
    # PlatformLang is an ASCII string with its NUL (UEFI 2.10 §3.3); OVMF says "en".
    attrs, data = get_var(shell, "PlatformLang")
    assert (attrs, data) == (NV_BS_RT, b"en\0")
    attrs, data = get_var(shell, "Lang")
    assert (attrs, data) == (NV_BS_RT, b"eng\0")
    attrs, data = get_var(shell, "Timeout")
    assert attrs == NV_BS_RT and len(data) == 2


def test_get_missing_variable_is_not_found(shell):
    expect_error(shell, f"get {var('NoSuchThing')}", "no such variable (EFI_NOT_FOUND)")


def test_boot_decodes_boot_order_and_every_option(shell):
    out = shell.cmd("boot")
    _, order = get_var(shell, "BootOrder")
    nums = [int.from_bytes(order[i:i + 2], "little") for i in range(0, len(order), 2)]
    assert f"BootOrder: {','.join(f'{n:04X}' for n in nums)}" in out, out
    _, cur = get_var(shell, "BootCurrent")
    assert f"BootCurrent: {int.from_bytes(cur, 'little'):04X}" in out, out

    heads = [i for i, l in enumerate(out) if re.match(r"Boot[0-9A-F]{4}[* ] ", l)]
    listed = [int(out[i][4:8], 16) for i in heads]
    boot_vars = sorted(int(n[4:], 16) for g, n in vars_list(shell)
                       if g == GLOBAL and re.fullmatch(r"Boot[0-9A-F]{4}", n))
    # BootOrder's options first, in its order; then the rest by number.
    assert listed[:len(nums)] == nums, out
    assert sorted(listed) == boot_vars, (listed, boot_vars)

    for k, i in enumerate(heads):
        num = listed[k]
        block = out[i:heads[k + 1] if k + 1 < len(heads) else len(out)]
        _, raw = get_var(shell, f"Boot{num:04X}")
        attrs, desc, path, optional = decode_load_option(raw)
        assert block[0] == f"Boot{num:04X}{'*' if attrs & 1 else ' '} {desc}", block
        flags = re.fullmatch(r"  flags       (.*) \(0x([0-9a-f]{8})\)", block[1])
        assert flags and int(flags.group(2), 16) == attrs, block
        assert flags.group(1).startswith("active" if attrs & 1 else "inactive")
        assert ("hidden" in flags.group(1)) == bool(attrs & 8), block
        assert block[2].startswith("  path        "), block
        if optional:
            assert block[3] == f"  data        {len(optional)} bytes", block
        else:
            assert len(block) == 3, block

    text = "\n".join(out)
    # EDK2's own applications, by their FFS file GUIDs.
    assert re.search(r"^Boot[0-9A-F]{4}\* UiApp\n  flags       active, hidden, app \(0x00000109\)\n"
                     r"  path        Fv\([0-9A-F-]{36}\)/FvFile\(462CAA21-7614-4503-836E-8AB6F4662331\)$",
                     text, re.M), text
    assert re.search(r"^Boot[0-9A-F]{4}\* EFI Internal Shell\n.*\n"
                     r"  path        Fv\([0-9A-F-]{36}\)/FvFile\(7C04A583-9E3E-4F1C-AD65-E05268D0B4D1\)$",
                     text, re.M), text
    # The disk we booted from (the ESP on q35's AHCI port 0) is BootCurrent.
    m = re.search(r"^Boot([0-9A-F]{4})\* UEFI QEMU HARDDISK QM00001 \n.*\n"
                  r"  path        PciRoot\(0x0\)/Pci\(0x1F,0x2\)/Sata\(0x0,0xFFFF,0x0\)$", text, re.M)
    assert m and int(m.group(1), 16) == int.from_bytes(cur, "little"), text


# ---------------------------------------------------------------- writing, on both stores

def test_ascii_text_round_trip(store):
    name = var("Ascii")
    assert store.cmd(f'set {name} nv,bs,rt "Hello, hvboot! \\"quoted\\" \\x01"') == ["ok"]
    assert get_var(store, name) == (NV_BS_RT, b'Hello, hvboot! "quoted" \x01')
    assert store.cmd(f"get {name}") == get_lines(TEST_GUID, "Ascii", NV_BS_RT,
                                                 b'Hello, hvboot! "quoted" \x01')


def test_utf16_text_round_trip_keeps_the_nul(store):
    name = var("Wide")
    assert store.cmd(f'set {name} nv,bs,rt u"Gr\\u00fc\\u00dfe \\u20ac!"') == ["ok"]
    assert get_var(store, name) == (NV_BS_RT, "Grüße €!".encode("utf-16-le") + b"\0\0")


def test_every_byte_value_round_trips(store):
    name = var("Bytes")
    data = bytes(range(256))
    assert set_bytes(store, name, "nv,bs,rt", data) > 1   # set, then appends
    assert get_var(store, name) == (NV_BS_RT, data)


@pytest.mark.parametrize("size", [1, 2, 15, 16, 17, 255, 4097])
def test_sizes_round_trip(store, size):
    name = var(f"Size{size}")
    data = (PATTERN * (size // len(PATTERN) + 1))[:size]
    whole, tail = divmod(size, len(PATTERN))
    if whole:
        assert store.cmd(f"set {name} nv,bs,rt {PATTERN.hex()}*{whole}") == ["ok"]
    if tail:
        assert store.cmd(f"set {name} nv,bs,rt{',ap' if whole else ''} "
                         f"{PATTERN[:tail].hex()}") == ["ok"]
    assert get_var(store, name) == (NV_BS_RT, data)
    assert store.cmd(f"del {name}") == ["ok"]


def test_largest_variable_and_one_byte_more(store):
    """UEFI 2.10 §8.2.6: QueryVariableInfo's maximum covers the name too.
    EDK2 counts the name with its NUL: the largest value is that maximum
    minus 2 * (len(name) + 1); one byte more is refused."""
    stem = "MaxSize"
    name = var(stem)
    before = varinfo(store)
    largest = before["max variable size"] - 2 * (len(stem) + 1)
    assert 1024 < largest < 64 * 1024

    expect_error(store, f"set {name} nv,bs,rt 5a*{largest + 1}",
                 "cannot set variable (EFI_INVALID_PARAMETER)")
    expect_error(store, f"get {name}", "no such variable (EFI_NOT_FOUND)")

    whole, tail = divmod(largest, len(PATTERN))
    data = PATTERN * whole + PATTERN[:tail]
    assert store.cmd(f"set {name} nv,bs,rt {PATTERN.hex()}*{whole}") == ["ok"]
    assert store.cmd(f"set {name} nv,bs,rt,ap {PATTERN[:tail].hex()}") == ["ok"]
    assert get_var(store, name) == (NV_BS_RT, data)
    after = varinfo(store)
    assert before["remaining"] - after["remaining"] >= largest
    # Growing it by one byte through an append is refused as well, and
    # leaves the value as it was.
    expect_error(store, f"set {name} nv,bs,rt,ap 00", "cannot set variable (EFI_INVALID_PARAMETER)")
    assert get_var(store, name) == (NV_BS_RT, data)
    assert store.cmd(f"del {name}") == ["ok"]


def test_append_adds_to_the_end(store):
    name = var("Append")
    assert store.cmd(f'set {name} nv,bs,rt "abc"') == ["ok"]
    assert store.cmd(f"set {name} nv,bs,rt,ap 00ff") == ["ok"]
    assert store.cmd(f'set {name} 0x47 "xyz"') == ["ok"]          # nv,bs,rt,ap as a number
    attrs, data = get_var(store, name)
    assert (attrs, data) == (NV_BS_RT, b"abc\x00\xffxyz")         # Append Write is not stored


def test_delete_then_get_is_not_found(store):
    name = var("Doomed")
    assert store.cmd(f"set {name} nv,bs,rt 0102") == ["ok"]
    assert (TEST_GUID, "Doomed") in vars_list(store)
    assert store.cmd(f"del {name}") == ["ok"]
    expect_error(store, f"get {name}", "no such variable (EFI_NOT_FOUND)")
    expect_error(store, f"del {name}", "no such variable (EFI_NOT_FOUND)")
    assert (TEST_GUID, "Doomed") not in vars_list(store)


def test_overwrite_replaces_the_value(store):
    name = var("Over")
    assert store.cmd(f"set {name} nv,bs,rt 01020304") == ["ok"]
    assert store.cmd(f"set {name} nv,bs,rt 09") == ["ok"]
    assert get_var(store, name) == (NV_BS_RT, b"\x09")


def test_read_only_variables_are_refused(store):
    for n in ("SecureBoot", "SetupMode"):
        before = get_var(store, n)
        expect_error(store, f"set {n} bs,rt 01", "cannot set variable (EFI_WRITE_PROTECTED)")
        expect_error(store, f"set {n} nv,bs,rt 01", "cannot set variable (EFI_WRITE_PROTECTED)")
        expect_error(store, f"del {n}", "cannot delete variable (EFI_WRITE_PROTECTED)")
        assert get_var(store, n) == before
    assert get_var(store, "SecureBoot") == (0x06, b"\x00")


def test_volatile_variable_cannot_be_created_at_runtime(store):
    # UEFI 2.10 §8.2: after ExitBootServices only NV+RT variables are writable.
    why = ("cannot set variable (EFI_INVALID_PARAMETER): after ExitBootServices "
           "only nv,rt variables can be written")
    expect_error(store, f"set {var('Volatile')} bs,rt 01", why)
    expect_error(store, f"set {var('Volatile')} nv,bs 01", why)
    expect_error(store, f"get {var('Volatile')}", "no such variable (EFI_NOT_FOUND)")


def test_varinfo_defaults_to_nv_bs_rt(store):
    default = store.cmd("varinfo")
    assert default[0] == "attributes         nv,bs,rt", default
    assert store.cmd("varinfo nv,bs,rt") == default
    v = varinfo(store)
    # OVMF 2022.11's store: 0x3FF9C bytes, variables up to 0x83C4.
    assert v["max storage"] == 0x3FF9C and v["max variable size"] == 0x83C4, v
    assert 0 < v["remaining"] <= v["max storage"]
    expect_error(store, "varinfo bs", "cannot query variable storage (EFI_INVALID_PARAMETER)")


def test_selftest_passes(store):
    out = store.cmd("selftest", timeout=120)
    fails = [l for l in out if l.startswith("FAIL ")]
    assert not fails, out
    passes = [l for l in out if l.startswith("PASS ")]
    skips = {l.split(":")[0] for l in out if l.startswith("SKIP ")}
    assert skips == {"SKIP map SetVirtualAddressMap", "SKIP map ConvertPointer",
                     "SKIP ResetSystem", "SKIP UpdateCapsule", "SKIP SetVirtualAddressMap",
                     "SKIP ConvertPointer"}, out
    for check in ("GetTime", "SetTime", "GetWakeupTime", "SetWakeupTime", "GetNextVariableName",
                  "GetVariable", "SetVariable", "SetVariable delete", "QueryVariableInfo",
                  "GetNextHighMonotonicCount", "QueryCapsuleCapabilities", "map runtime table",
                  "map GetVariable", "map VA 0 unmapped", "map trampoline unmapped",
                  "call counts", "audit hypervisor tables", "audit runtime tables"):
        assert f"PASS {check}" in passes, (check, out)
    # The CPU state set at the switch, live (README: CPU state): the PAT
    # value and CR0 are the same on every x86-64 CPU; CR4 must hold PAE
    # and the SSE bits and none of PGE, SMEP, SMAP, CET.
    assert "PASS cpu PAT 0x0007040600070106 (WC at index 1, UC at 3)" in passes, out
    assert "PASS cpu CR0 0x80010033 (WP on, caching on)" in passes, out
    cr4 = [l for l in passes if l.startswith("PASS cpu CR4 ")]
    assert len(cr4) == 1, out
    cr4 = int(cr4[0].split()[3], 16)
    assert cr4 & 0x620 == 0x620 and not cr4 & ((1 << 7) | (1 << 20) | (1 << 21) | (1 << 23)), out
    assert [l for l in passes if l.startswith("PASS cpu EFER 0x")], out
    # The page-table audit prints its counts for both spaces.
    audits = [l for l in out if l.startswith("audit ")]
    assert [a.split()[1] for a in audits] == ["hypervisor", "runtime"], out
    for a in audits:
        assert re.search(r" 0 W\+X, .* 0 lower-half, 0 stray, 0/\d+ runtime pages bad, "
                         r"0 guards mapped$", a), a
    assert len(out) == len(passes) + len(skips) + len(audits) + 1, \
        "only PASS/SKIP/audit lines and the total"
    assert out[-1] == f"selftest: {len(passes)} passed, 0 failed", out[-1]


def test_rt_lists_regions_and_counts_calls(store):
    out, before = rt_table(store)
    assert out[-1] == "runtime: enabled", out
    assert "last fault         none" in out
    assert "supported          all (no EFI_RT_PROPERTIES_TABLE)" in out
    # The quirks the loader worked around on OVMF 2022.11 (loader/quirks.c):
    # the MAT in boot-services data, and RuntimeDxe leaving two pointers
    # physical; nothing else.
    i = out.index("quirks             2 fired this boot")
    assert out[i + 1].startswith("  svam-physical    EDK2 RuntimeDxe: SetVirtualAddressMap "
                                 "and ConvertPointer stay physical after the switch; "), out
    assert out[i + 2].startswith("  mat-bs-data      EDK2, OVMF 2022.11: the Memory Attributes "
                                 "Table lives in EfiBootServicesData; copied before"), out
    # Well-behaved firmware leaves the CPU state as it found it.
    assert "  rflags           no call left DF, IF, AC or TF changed" in out, out
    assert "  fcw/mxcsr        no call left them changed" in out, out
    assert "  cr0/cr4          no call flipped a bit" in out, out
    window = re.search(r"^window             0x([0-9a-f]{16}), offset layout, (\d+) regions$",
                       "\n".join(out), re.M)
    assert window and int(window.group(1), 16) == 0xFFFFFF0000000000, out
    regions = [re.fullmatch(r"\s+(\d+) (Efi\w+)\s+pa 0x([0-9a-f]{12})\s+(\d+) pages  va 0x([0-9a-f]{16})", l)
               for l in out]
    regions = [(r.group(2), int(r.group(3), 16), int(r.group(4)), int(r.group(5), 16))
               for r in regions if r]
    assert len(regions) == int(window.group(2)), out
    for kind, pa, _pages, va in regions:
        assert va == 0xFFFFFF0000000000 + pa, (kind, hex(pa), hex(va))   # offset layout
    kinds = sorted(k for k, *_ in regions)
    if store.kind == "flash":
        # OVMF 2022.11: four RT code/data regions and the flash as MMIO.
        assert ("EfiMemoryMappedIO", 0xFFC00000, 1024, 0xFFFFFF00FFC00000) in regions, out
        assert len(regions) == 5, out
    else:
        assert kinds == ["EfiRuntimeServicesCode", "EfiRuntimeServicesData"], out
    # `memmap` shows the same virtual addresses.
    mm = "\n".join(store.cmd("memmap"))
    for _kind, pa, _pages, va in regions:
        assert re.search(rf"0x{pa:012x}-.* RT .*0x{va:016x}$", mm, re.M), hex(pa)

    store.cmd("get BootOrder")
    _, after = rt_table(store)
    assert after["GetVariable"][0] == before["GetVariable"][0] + 1
    assert after["GetVariable"][2] > 0
    assert {k: v for k, v in after.items() if k != "GetVariable"} == \
           {k: v for k, v in before.items() if k != "GetVariable"}
    assert all(f == 0 for _c, f, _t in after.values())


# ---------------------------------------------------------------- clock and counter

def _time(m):
    out = m.cmd("time")
    assert len(out) == 6, out
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", out[0]), out
    assert re.fullmatch(r"time zone     (UTC[+-]\d\d:\d\d|unspecified)", out[1]), out
    assert re.fullmatch(r"daylight      (none|adjust|in-daylight|adjust,in-daylight)", out[2]), out
    assert re.fullmatch(r"resolution    [1-9]\d* Hz", out[3]), out
    assert re.fullmatch(r"accuracy      \d+\.\d{6} ppm", out[4]), out
    assert re.fullmatch(r"sets to zero  (yes|no)", out[5]), out
    return datetime.datetime.strptime(out[0], "%Y-%m-%d %H:%M:%S"), out


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def test_time_is_the_host_clock(shell):
    t, out = _time(shell)
    assert t.year >= 2020
    # QEMU's RTC starts at the host's UTC time (-rtc base=utc).
    assert abs((t - _utcnow()).total_seconds()) < 300, out
    # OVMF's PcRtc: 1 Hz, 50 ppm, no time zone until one is set.
    assert out[1:] == ["time zone     unspecified", "daylight      none", "resolution    1 Hz",
                       "accuracy      50.000000 ppm", "sets to zero  no"]


def test_time_set_reads_back(shell):
    try:
        assert shell.cmd("time set 2031-07-04 12:34:56") == ["ok"]
        t, out = _time(shell)
        assert out[0].startswith("2031-07-04 12:3"), out
        assert datetime.datetime(2031, 7, 4, 12, 34, 56) <= t < \
            datetime.datetime(2031, 7, 4, 12, 36, 0), out
        assert out[1] == "time zone     unspecified", out     # zone kept
        assert shell.cmd("time set 2028-02-29 23:59:59") == ["ok"]   # a leap day
        t, out = _time(shell)
        assert datetime.datetime(2028, 2, 29, 23, 59, 59) <= t < \
            datetime.datetime(2028, 3, 1, 0, 1, 0), out
    finally:
        now = _utcnow()
        shell.cmd(f"time set {now:%Y-%m-%d %H:%M:%S}")
    assert abs((_time(shell)[0] - _utcnow()).total_seconds()) < 10


BAD_DATES = [
    ("2023-02-29 00:00:00", "day out of range for the month: '2023-02-29 00:00:00'"),
    ("2024-04-31 00:00:00", "day out of range for the month: '2024-04-31 00:00:00'"),
    ("2024-13-01 00:00:00", "month out of range (1-12): '2024-13-01 00:00:00'"),
    ("2024-01-01 24:00:00", "hour out of range (0-23): '2024-01-01 24:00:00'"),
    ("2024-01-01 23:60:00", "minute out of range (0-59): '2024-01-01 23:60:00'"),
    ("2024-01-01 23:59:60", "second out of range (0-59): '2024-01-01 23:59:60'"),
    ("24-01-01 00:00:00", "date must be YYYY-MM-DD: '24-01-01 00:00:00'"),
    ("2024-01-01 0:00", "time must be HH:MM:SS: '2024-01-01 0:00'"),
    # In range for UEFI, not for OVMF's PcRtc (it takes 1998..2097): the firmware says no.
    ("2098-01-01 00:00:00", "cannot set the clock (EFI_INVALID_PARAMETER)"),
    ("1997-12-31 23:59:59", "cannot set the clock (EFI_INVALID_PARAMETER)"),
]


@pytest.mark.parametrize("args, message", BAD_DATES, ids=[a for a, _ in BAD_DATES])
def test_time_set_refuses_bad_dates(shell, args, message):
    expect_error(shell, f"time set {args}", message)


def test_count_increases(shell):
    def count():
        out = shell.cmd("count")
        m = re.fullmatch(r"high monotonic count: (\d+)", out[0]) if len(out) == 1 else None
        assert m, out
        return int(m.group(1))

    a = count()
    b = count()
    c = count()
    # EDK2 adds one to the high 32 bits per call.
    assert b == a + 1 and c == b + 1, (a, b, c)


# ---------------------------------------------------------------- errors

BAD_ARGS = [
    ("set", "usage: set VAR ATTRS DATA"),
    (f"set {TEST_GUID}-X nv,bs,rt", "usage: set VAR ATTRS DATA"),
    (f"set {TEST_GUID}-X nv,bs,rt 012", "odd number of hex digits: '012'"),
    (f"set {TEST_GUID}-X nv,bs,rt 0g", "invalid hex digit: '0g'"),
    (f"set {TEST_GUID}-X frob 01", "unknown attribute: 'frob'"),
    (f"set {TEST_GUID}-X nv,,rt 01", "empty attribute in list: 'nv,,rt'"),
    (f'set {TEST_GUID}-X nv,bs,rt "abc', "unterminated quote"),
    (f"set {TEST_GUID}-X nv,bs,rt 01*0", "repeat count must be at least 1: '01*0'"),
    (f"set {TEST_GUID}-X nv,bs,rt 01*65537", "data too large: '01*65537'"),
    ("get 3f1d7a2c-zzzz-4c61-9a0f-1e2d3c4b5a69-X",
     "malformed GUID: '3f1d7a2c-zzzz-4c61-9a0f-1e2d3c4b5a69-X'"),
    (f"get {TEST_GUID}-", f"empty variable name: '{TEST_GUID}-'"),
    ("get", "usage: get VAR"),
    ("del a b", "usage: del VAR"),
    ("varinfo nv,zz", "unknown attribute: 'nv,zz'"),
    ("vars now", "usage: vars"),
    ("time now", "usage: time [set YYYY-MM-DD HH:MM:SS]"),
    ("count 2", "usage: count"),
    ("boot 1", "usage: boot [next XXXX | order XXXX,YYYY,... | active XXXX | inactive XXXX]"),
    ("rt 1", "usage: rt"),
    ("selftest 1", "usage: selftest"),
]


@pytest.mark.parametrize("line, message", BAD_ARGS, ids=[l for l, _ in BAD_ARGS])
def test_bad_arguments_are_one_error_line(shell, line, message):
    expect_error(shell, line, message)


def test_help_lists_the_runtime_commands(shell):
    out = "\n".join(shell.cmd("help"))
    for name in ("vars", "get", "set", "del", "varinfo", "time", "count", "boot", "rt",
                 "selftest"):
        assert re.search(rf"^{name}\b", out, re.M), name


# ---------------------------------------------------------------- runtime off
# (a fault inside firmware, and what `rt` says of it: test_misbehaving.py)

def test_runtime_off_makes_every_command_say_why(machines, tmp_path):
    esp = copy_esp(str(tmp_path / "esp"), cfg_text="runtime = off\n")
    m = machines("rt-off", esp, workdir=str(tmp_path))
    m.boot_to_shell()
    out = m.cmd("rt")
    last = re.fullmatch(r"runtime: disabled \((.+)\)", out[-1])
    assert last and "runtime = off" in last.group(1), out
    reason = last.group(1)
    assert "runtime table      none" in out[0]
    for line in ("vars", "get BootOrder", f"set {var('X')} nv,bs,rt 01", f"del {var('X')}",
                 "varinfo", "time", "time set 2030-01-01 00:00:00", "count", "boot", "selftest"):
        expect_error(m, line, f"runtime services unavailable ({reason})")
    expect_error(m, "reset shutdown",
                 f"shutdown needs ResetSystem (runtime services unavailable: {reason})")
    # Without ResetSystem, reset falls back to the hardware paths; with
    # -no-reboot the reset ends QEMU.
    m.p.send("reset cold\r")
    assert m.wait_exit(timeout=60) == 0

