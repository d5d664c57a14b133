"""The shell on a second firmware: U-Boot's UEFI (Debian u-boot-qemu,
qemu-x86_64/u-boot.rom, machine pc, build/disk.img on virtio). One boot
serves the module; the two reset tests boot their own, since a reset ends
QEMU.

What this firmware is at runtime (README "Runtime services after boot";
measured with u-boot-qemu 2023.01):
- an EFI_RT_PROPERTIES_TABLE with RuntimeServicesSupported = 0x05b0, i.e.
  GetVariable, GetNextVariableName, SetVirtualAddressMap, ConvertPointer and
  ResetSystem (UEFI 2.10 §4.6.2 bit values, which are NOT the order of the
  runtime table's function pointers);
- 8 variables, all under the EFI global GUID, and no BootOrder: U-Boot
  booted the removable-media path with no boot option;
- SetVariable, QueryVariableInfo, GetTime and GetNextHighMonotonicCount
  return EFI_UNSUPPORTED;
- no Memory Attributes Table, 5 small runtime regions, UEFI revision
  0x00020064 ("2.10", UEFI 2.10 §4.2.1: minor 100 is written "10").
Each test asserts the right behaviour."""
import os
import re

import pytest

from conftest import BUILD, PROMPT, Machine
from shellvars import GLOBAL, TEST_GUID, get_lines, get_var, rt_table, vars_list

DISK = os.path.join(BUILD, "disk.img")
# U-Boot has taken ~40 s to reach the loader on a slow TCG host (~2 s on a
# fast one): the bound leaves room for both.
UBOOT_BOOT_TIMEOUT = int(os.environ.get("HVBOOT_UBOOT_BOOT_TIMEOUT", "240"))

BS_RT = 0x06
NV_BS_RT = 0x07
# The variables U-Boot offers at runtime, with their attributes and, where
# they are fixed for this firmware and an empty ubootefi.var, their values:
# Secure Boot off and in setup mode (no PK), "en-US" (RFC 4646, UEFI 2.10
# §3.3), no OsIndications features.
UBOOT_VARS = {
    "SecureBoot": (BS_RT, b"\x00"),
    "SetupMode": (BS_RT, b"\x01"),
    "AuditMode": (BS_RT, b"\x00"),
    "DeployedMode": (BS_RT, b"\x00"),
    "VendorKeys": (BS_RT, b"\x00"),
    "PlatformLangCodes": (BS_RT, b"en-US\x00"),
    "PlatformLang": (NV_BS_RT, b"en-US\x00"),
    "OsIndicationsSupported": (BS_RT, bytes(8)),
}
RT_SUPPORTED_MASK = 0x05B0
# UEFI 2.10 §4.6.2 EFI_RT_SUPPORTED_* bits.
RT_BITS = {
    "GetTime": 0x0001, "SetTime": 0x0002, "GetWakeupTime": 0x0004, "SetWakeupTime": 0x0008,
    "GetVariable": 0x0010, "GetNextVariableName": 0x0020, "SetVariable": 0x0040,
    "SetVirtualAddressMap": 0x0080, "ConvertPointer": 0x0100,
    "GetNextHighMonotonicCount": 0x0200, "ResetSystem": 0x0400, "UpdateCapsule": 0x0800,
    "QueryCapsuleCapabilities": 0x1000, "QueryVariableInfo": 0x2000,
}
SUPPORTED = {n for n, b in RT_BITS.items() if RT_SUPPORTED_MASK & b}
assert SUPPORTED == {"GetVariable", "GetNextVariableName", "SetVirtualAddressMap",
                     "ConvertPointer", "ResetSystem"}

WRONG_RT_BITS = ("rt/rt.c svc_bits[] gives SetVirtualAddressMap..QueryVariableInfo the wrong "
                 "EFI_RT_SUPPORTED_* bits")


def uboot_machine(name, work):
    m = Machine(name, DISK, firmware="uboot", workdir=str(work))
    m.banner = m.expect(PROMPT, timeout=UBOOT_BOOT_TIMEOUT)
    m.boot_secs = m.elapsed()
    return m


@pytest.fixture(scope="module")
def uboot(tmp_path_factory):
    """U-Boot booted once for the module, at the hv> prompt."""
    work = tmp_path_factory.mktemp("uboot")
    m = uboot_machine(f"uboot-{os.getpid()}-{work.name}", work)
    try:
        yield m
    finally:
        m.close()


def one_error_line(m, line):
    out = m.cmd(line)
    assert len(out) == 1 and out[0].startswith("error: "), (line, out)
    return out[0]


# ---------------------------------------------------------------- the boot

def test_uboot_starts_the_loader_from_the_removable_media_path(uboot):
    b = uboot.banner
    assert "Found EFI removable media binary efi/boot/bootx64.efi" in b, b[-3000:]
    # The loader's view: no MAT, an RT properties table; the hypervisor's:
    # runtime on, the five runtime regions in the window.
    assert re.search(r"^hvboot: UEFI .*, Das U-Boot; MAT absent \(0 entries\), "
                     r"RT properties present, Secure Boot off$", b, re.M), b[-3000:]
    assert ("  runtime      enabled (offset layout, window 0xffffff0000000000, 5 regions)"
            in b), b[-3000:]


def test_loader_prints_the_uefi_revision_as_the_spec_does(uboot):
    # UEFI 2.10 §4.2.1: 0x00020064 is "2.10" (minor 100 -> "10").
    assert re.search(r"^hvboot: UEFI 2\.10, Das U-Boot;", uboot.banner, re.M), \
        [l for l in uboot.banner.split("\n") if l.startswith("hvboot: UEFI")]


def test_bootinfo_names_the_firmware_and_its_rt_properties(uboot):
    info = uboot.cmd("bootinfo")
    for line in ('  uefi revision      2.10 (0x00020064)',
                 '  firmware vendor    "Das U-Boot"',
                 "  supported          0x000005b0 (EFI_RT_PROPERTIES_TABLE)",
                 "  secure boot        off",
                 "memory attributes table: 0 entries"):
        assert line in info, (line, info)


# ---------------------------------------------------------------- variables

def test_vars_lists_the_eight_runtime_variables(uboot):
    names = vars_list(uboot)
    assert sorted(names) == sorted((GLOBAL, n) for n in UBOOT_VARS), names


def test_get_shows_secureboot_and_platformlang(uboot):
    assert uboot.cmd("get SecureBoot") == get_lines(GLOBAL, "SecureBoot", *UBOOT_VARS["SecureBoot"])
    assert uboot.cmd(f"get {GLOBAL}-PlatformLang") == \
        get_lines(GLOBAL, "PlatformLang", *UBOOT_VARS["PlatformLang"])


def test_every_listed_variable_reads_back(uboot):
    for name, (attrs, data) in UBOOT_VARS.items():
        assert get_var(uboot, name) == (attrs, data), name


def test_get_boot_order_is_not_found(uboot):
    assert uboot.cmd("get BootOrder") == ["error: no such variable (EFI_NOT_FOUND)"]


@pytest.mark.parametrize("line", [
    f"set {TEST_GUID}-UbootTest nv,bs,rt 0102",
    f"del {TEST_GUID}-UbootTest",
    "set PlatformLang nv,bs,rt \"de\"",
    "varinfo",
    "time",
    "time set 2030-01-01 00:00:00",
    "count",
])
def test_unsupported_services_give_one_error_line(uboot, line):
    err = one_error_line(uboot, line)
    assert err.endswith("(EFI_UNSUPPORTED)"), err


def test_refused_writes_change_nothing(uboot):
    uboot.cmd(f"set {TEST_GUID}-UbootTest nv,bs,rt 0102")
    assert uboot.cmd(f"get {TEST_GUID}-UbootTest") == \
        ["error: no such variable (EFI_NOT_FOUND)"]
    assert get_var(uboot, "PlatformLang") == UBOOT_VARS["PlatformLang"]
    assert len(vars_list(uboot)) == len(UBOOT_VARS)


def test_services_the_table_marks_unsupported_are_never_called(uboot):
    # README: calls never go to a service EFI_RT_PROPERTIES_TABLE marks
    # unsupported; the shell answers for the firmware instead.
    for line in ("varinfo", "count", "time", f"set {TEST_GUID}-UbootTest nv,bs,rt 01"):
        uboot.cmd(line)
    _, stats = rt_table(uboot)
    called = {s: c for s, (c, _f, _t) in stats.items() if c and s not in SUPPORTED}
    assert called == {}, called


# ---------------------------------------------------------------- boot, rt, selftest

def test_boot_works_without_a_boot_order(uboot):
    assert uboot.cmd("boot") == ["BootCurrent: none", "BootNext: none", "Timeout: none",
                                 "BootOrder: none"]


def test_rt_maps_the_five_runtime_regions(uboot):
    out, _ = rt_table(uboot)
    text = "\n".join(out)
    assert re.search(r"^window             0xffffff0000000000, offset layout, 5 regions$",
                     text, re.M), text
    regions = re.findall(r"^\s+\d+ (EfiRuntimeServices\w+)\s+pa 0x([0-9a-f]{12})\s+(\d+) pages  "
                         r"va 0x([0-9a-f]{16})$", text, re.M)
    assert sorted(k for k, *_ in regions) == ["EfiRuntimeServicesCode"] + \
        ["EfiRuntimeServicesData"] * 4, text
    for _k, pa, pages, va in regions:
        assert int(va, 16) == 0xFFFFFF0000000000 + int(pa, 16), (pa, va)
        assert 1 <= int(pages) <= 4
    assert "last fault         none" in out
    assert out[-1] == "runtime: enabled", out


def test_rt_decodes_the_properties_table_by_the_spec_bits(uboot):
    out, _ = rt_table(uboot)
    line = [l for l in out if l.startswith("supported ")]
    assert len(line) == 1, out
    m = re.fullmatch(r"supported\s+(.*) \(0x05b0\)", line[0])
    assert m, line
    names = m.group(1).split(", ")
    assert len(names) == len(set(names)) and set(names) == SUPPORTED, line


def test_selftest_skips_what_the_firmware_does_not_support(uboot):
    out = uboot.cmd("selftest", timeout=120)
    assert not [l for l in out if l.startswith("FAIL ")], out
    passes = [l for l in out if l.startswith("PASS ")]
    skips = {l.split(":")[0] for l in out if l.startswith("SKIP ")}
    for svc in ("GetTime", "SetTime", "GetWakeupTime", "SetVariable", "QueryVariableInfo",
                "GetNextHighMonotonicCount", "QueryCapsuleCapabilities"):
        assert f"SKIP {svc}" in skips, (svc, out)
    for check in ("GetVariable", "GetNextVariableName", "map runtime table",
                  "audit hypervisor tables", "audit runtime tables", "call counts"):
        assert f"PASS {check}" in passes, (check, out)
    assert out[-1] == f"selftest: {len(passes)} passed, 0 failed", out[-1]


def test_memmap_and_pt_show_the_runtime_window(uboot):
    mm = uboot.cmd("memmap")
    m = re.fullmatch(r"(\d+) descriptors, RAM (\d+) MiB, 5 runtime regions", mm[-1])
    assert m, mm[-1]
    rt = [re.search(r"0x([0-9a-f]{12})-\S+ .* RT\s+0x([0-9a-f]{16})$", l) for l in mm]
    rt = [(int(x.group(1), 16), int(x.group(2), 16)) for x in rt if x]
    assert len(rt) == 5, mm
    for pa, va in rt:
        walk = uboot.cmd(f"pt {va:#x}")
        assert re.fullmatch(rf"0x{va:016x} -> 0x{pa:x} 4K RW N?X cache=WB", walk[-1]), walk
    assert "not mapped" in "\n".join(uboot.cmd("pt 0"))


# ---------------------------------------------------------------- resets: a boot each

def test_reset_shutdown_ends_qemu(tmp_path):
    # ResetSystem is supported (0x0400). U-Boot's x86 runtime ResetSystem
    # resets through port 0xCF9 for every type, shutdown included; under
    # -no-reboot any reset ends QEMU with status 0.
    m = uboot_machine(f"uboot-shutdown-{os.getpid()}-{tmp_path.name}", tmp_path)
    try:
        status, out = m.cmd_until_exit("reset shutdown", timeout=60)
        assert status == 0, out
    finally:
        m.close()


def test_reset_ends_qemu(tmp_path):
    m = uboot_machine(f"uboot-reset-{os.getpid()}-{tmp_path.name}", tmp_path)
    try:
        status, out = m.cmd_until_exit("reset", timeout=60)
        assert status == 0, out
    finally:
        m.close()
