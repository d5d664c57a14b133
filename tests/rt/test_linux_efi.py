"""The Linux guest's own EFI (README: Guests, The Linux guest's EFI): Debian's
cloud kernel, unmodified, booted by `guest run linux` with the zero page's
efi_info naming the system table the hypervisor placed in guest memory.
Linux finds EFI 2.70 by hvboot, calls SetVirtualAddressMap through the shim
and then its runtime services on its own page tables: /sys/firmware/efi is
there, the runtime table it names is at a kernel-virtual address, the
variable services work by hypercall, and with `reboot=efi` a reboot is
ResetSystem, which ends the guest and never the machine. What the user sees
(README: The Linux guest's EFI): efivarfs lists the shell's variables with
the bytes `get` shows, Debian's efibootmgr prints the shell's `boot` and its
efivar lists `vars` and prints what `get` prints, Linux writes its policy's
GUID and not BootOrder, and what it wrote is in the shell and in the flash
file. One boot under `guest_vars = write:GUID`, the guest's side recorded
before the reboot and compared with the shell after it; one under `read`
(efivarfs read-only), one under `none`; one under the firmware simulator,
whose SetVariable faults in Linux's call. TCG under load is slow, so the
waits are generous."""
import os
import re

import pytest

from conftest import PROMPT, Machine, copy_esp
from test_misbehaving import DATE, sim_boot, sim_vars  # noqa: F401
from shellvars import GLOBAL, get_var, uefiextract, vars_list
from test_boot_edit import boot_state
import test_linux
from test_linux import BOOT, CMD, MARKER, settle, sh

ARGS = "console=ttyS0 acpi=off nolapic noapic pci=off panic=-1 quiet reboot=efi"
# The vendor GUID the guest may write here; nothing in OVMF uses it.
WRITE_GUID = "3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10"
EFIVARS = "/sys/firmware/efi/efivars"
EFIVARFS_NAME = re.compile(r"^(.+)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
SHOWN = ("BootOrder", "Boot0000", "PlatformLang")   # read byte for byte


def config_with(guest_vars):
    """The ESP's config (tools/hvboot.cfg) with guest_vars as given."""
    cfg = open(os.path.join(os.path.dirname(__file__), "..", "..", "tools", "hvboot.cfg")).read()
    return re.sub(r"(?m)^guest_vars = .*$", f"guest_vars = {guest_vars}", cfg)


def machine_with(work, guest_vars):
    """hvboot at its prompt, on its own ESP copy whose config has guest_vars
    as given, and Linux (reboot=efi) at its shell."""
    esp = copy_esp(str(work / "esp"), cfg_text=config_with(guest_vars))
    m = Machine(f"linux-efi-{work.name}", esp, workdir=str(work), cpu="max")
    try:
        m.expect(PROMPT)
        m.p.send(f"guest run linux {ARGS}\r")
        m.expect(re.escape(MARKER), timeout=BOOT)
        settle(m)
    except BaseException:
        m.close()
        raise
    return m


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("linux-efi")


@pytest.fixture(scope="module")
def linux(work):
    """hvboot at its prompt with Linux (reboot=efi) at its shell, under
    guest_vars = write:WRITE_GUID."""
    m = machine_with(work, f"write:{WRITE_GUID}")
    try:
        yield m
    finally:
        m.close()


def gsh(m, command):
    """sh(), without the echo of a command line the guest's shell wrapped:
    the leading lines that, prompt and escapes aside, spell out what was
    typed."""
    lines = sh(m, command)
    if lines and re.match(r"(/|~) # ", lines[0]):
        typed = re.sub(r"^(/|~) # (\x1b\[6n|\.\[6n)?", "", lines[0])
        lines = lines[1:]
        n = test_linux._seq[0]
        full = f"{command}; echo @@end-$(({n}*1000+7))"
        while lines and typed != full and full.startswith(typed + lines[0]):
            typed += lines[0]
            lines = lines[1:]
    return lines


def od_bytes(lines):
    """`od -An -tx1 -v` output → bytes."""
    return bytes(int(x, 16) for l in lines for x in l.split())


def efivarfs_list(m):
    """`ls` of efivarfs → set of (guid, name)."""
    out = gsh(m, f"ls -1 {EFIVARS}")
    names = set()
    for l in out:
        mm = EFIVARFS_NAME.match(l)
        assert mm, f"not Name-GUID: {l!r}"
        names.add((mm.group(2), mm.group(1)))
    return names


@pytest.fixture(scope="module")
def seen(linux):
    """What Linux saw and did through efivarfs and efibootmgr, recorded in
    the guest before it stops."""
    rec = {"listed": efivarfs_list(linux)}
    rec["mounts"] = gsh(linux, "grep efivarfs /proc/mounts")
    rec["bytes"] = {n: od_bytes(gsh(linux, f"od -An -tx1 -v {EFIVARS}/{n}-{GLOBAL}"))
                    for n in SHOWN}
    rec["efibootmgr"] = gsh(linux, "efibootmgr -v; echo rc=$?")
    # Debian's efivar, a second client of the same libefivar: its list, and
    # its `-p`, which the shell's `get` follows.
    rec["efivar_l"] = gsh(linux, "efivar -l; echo rc=$?")
    rec["efivar_p"] = {n: gsh(linux, f"efivar -p -n {GLOBAL}-{n}; echo rc=$?") for n in SHOWN}
    kept, gone = f"{EFIVARS}/LinuxKept-{WRITE_GUID}", f"{EFIVARS}/LinuxGone-{WRITE_GUID}"
    # Create, then change (a whole new value: attributes + data).
    rec["create"] = gsh(linux, f"printf '\\007\\000\\000\\000hello' > {kept}; echo rc=$?")
    rec["created"] = od_bytes(gsh(linux, f"od -An -tx1 -v {kept}"))
    # efivarfs makes the files of variables it does not know immutable, and
    # refuses to truncate, so chattr -i first, then the new value in one write
    # at offset 0 (conv=notrunc): SetVariable with the whole new value.
    rec["change"] = gsh(linux, f"chattr -i {kept}; printf '\\007\\000\\000\\000hello, shell' | "
                               f"dd of={kept} conv=notrunc 2>/dev/null; echo rc=$?")
    rec["changed"] = od_bytes(gsh(linux, f"od -An -tx1 -v {kept}"))
    # Create and delete (chattr -i, as above).
    rec["create2"] = gsh(linux, f"printf '\\007\\000\\000\\000bye' > {gone}; echo rc=$?")
    rec["delete"] = gsh(linux, f"chattr -i {gone}; rm -f {gone}; echo rc=$?; ls {EFIVARS} | grep -c LinuxGone")
    # BootOrder: efibootmgr clears efivarfs' immutable flag itself, so the
    # write reaches SetVariable and the policy refuses it.
    order = rec["bytes"]["BootOrder"][4:]
    nums = [int.from_bytes(order[i:i + 2], "little") for i in range(0, len(order), 2)]
    rec["new_order"] = ",".join(f"{n:04X}" for n in reversed(nums))
    rec["write_order"] = gsh(linux, f"efibootmgr -o {rec['new_order']}; echo rc=$?")
    rec["order_after"] = od_bytes(gsh(linux, f"od -An -tx1 -v {EFIVARS}/BootOrder-{GLOBAL}"))
    return rec


@pytest.fixture(scope="module")
def stopped(linux, seen):
    """The guest's `reboot` (init's, then ResetSystem): the lines up to the
    prompt."""
    linux.p.send("reboot\r")
    out = linux.expect(PROMPT, timeout=CMD)
    return [l for l in out.split("\n") if l.strip()]


def test_linux_finds_efi_2_70_by_hvboot(linux):
    out = sh(linux, "dmesg | grep -i efi")
    assert any(re.search(r"efi: EFI v2\.70 by hvboot$", l) for l in out), out
    assert not any("Unable to switch EFI into virtual mode" in l for l in out), out
    assert not any("System table signature incorrect" in l for l in out), out


def test_linux_has_sys_firmware_efi(linux):
    out = sh(linux, "ls -1 /sys/firmware/efi")
    for entry in ("fw_platform_size", "runtime", "systab", "config_table", "efivars",
                  "runtime-map"):
        assert entry in out, out
    assert sh(linux, "cat /sys/firmware/efi/fw_platform_size")[-1] == "64"


def test_linux_mapped_the_shim_regions_and_svam_took_the_map(linux):
    # The runtime map Linux gave SetVirtualAddressMap: the shim's code and
    # data regions (README: The Linux guest's EFI), each at a kernel virtual
    # address of its own.
    out = sh(linux, "for d in /sys/firmware/efi/runtime-map/*; do "
                    "echo map $(cat $d/type) $(cat $d/phys_addr) $(cat $d/virt_addr) "
                    "$(cat $d/attribute); done")
    maps = sorted(l.split()[1:] for l in out if l.startswith("map "))
    assert [m[0] for m in maps] == ["0x5", "0x6"], maps
    for typ, phys, virt, attr in maps:
        assert int(virt, 16) >= 0xFFFF800000000000 and int(virt, 16) != int(phys, 16), maps
        assert int(attr, 16) == 0x8000000000000008, maps
    assert int(maps[1][1], 16) == int(maps[0][1], 16) + 0x1000, maps


def test_linux_mounts_efivarfs_and_lists_variables(seen):
    assert any(l.split()[:3] == ["efivarfs", EFIVARS, "efivarfs"] for l in seen["mounts"]), seen
    assert (GLOBAL, "BootOrder") in seen["listed"], seen["listed"]


def test_linux_creates_and_changes_a_variable_of_its_guid(seen):
    assert seen["create"] == ["rc=0"] and seen["change"] == ["rc=0"], seen
    assert seen["created"] == b"\x07\0\0\0hello", seen["created"]
    assert seen["changed"] == b"\x07\0\0\0hello, shell", seen["changed"]


def test_linux_deletes_a_variable_of_its_guid(seen):
    assert seen["create2"] == ["rc=0"] and seen["delete"] == ["rc=0", "0"], seen


def test_linux_cannot_write_bootorder(seen):
    # EFI_WRITE_PROTECTED, as Linux reports it (efi_status_to_err: -EROFS).
    assert seen["write_order"] == ["Could not set BootOrder: Read-only file system", "rc=8"], seen

    assert seen["order_after"] == seen["bytes"]["BootOrder"], seen


def test_linux_reboot_is_efi_reset_system_and_ends_only_the_guest(linux, stopped):
    lines = stopped
    assert lines[-1] == "guest linux: stopped: reset (EfiResetCold)", lines[-5:]
    # The machine and its firmware are untouched: the shell reads time.
    assert linux.cmd("time")


def test_linux_called_the_runtime_services_by_hypercall(linux, stopped):
    # After the reboot above: the shell is back, the run's record kept.
    # Linux deletes its dummy variable right after SetVirtualAddressMap and
    # reads the platform's key databases: hypercalls, not firmware calls.
    out = linux.cmd("guest info linux")
    calls = next(l for l in out if l.startswith("hypercalls:"))
    assert re.search(r"\b(GetVariable|SetVariable|GetNextVariableName|QueryVariableInfo|GetTime) "
                     r"[1-9]", calls), calls
    # The shim's own count: every GetVariable Linux made (its efivarfs
    # reads ask the size first), each with the cycles it took; at least
    # as many as reached the hypervisor (it refuses bad ones itself).
    shim = next(l for l in out if l.startswith("efi calls (the shim's count, mean cycles):"))
    got = {k: (int(n), int(c)) for k, n, c in re.findall(r"(\S+) (\d+) x (\d+)", shim)}
    assert got["GetVariable"][0] and got["GetVariable(size)"][0], shim
    assert all(c > 0 for _, c in got.values()), shim
    hv = int(re.search(r"\bGetVariable (\d+)", calls).group(1))
    assert got["GetVariable"][0] + got["GetVariable(size)"][0] >= hv, (shim, calls)


def test_efivarfs_lists_the_shells_variables(linux, stopped, seen):
    # The guest listed before its writes; LinuxKept is the one it left.
    shell = set(vars_list(linux))
    assert shell == seen["listed"] | {(WRITE_GUID, "LinuxKept")}, (
        sorted(shell ^ (seen["listed"] | {(WRITE_GUID, "LinuxKept")})))


def test_efivarfs_files_are_the_attributes_and_data_get_shows(linux, stopped, seen):
    for name in SHOWN:
        attrs, data = get_var(linux, f"{GLOBAL}-{name}")
        assert seen["bytes"][name] == attrs.to_bytes(4, "little") + data, name


def test_efibootmgr_prints_the_shells_boot_entries(linux, stopped, seen):
    current, _next, order, opts = boot_state(linux)
    out = seen["efibootmgr"]
    assert out[-1] == "rc=0", out
    head = dict(l.split(": ", 1) for l in out if re.match(r"Boot(Current|Order): ", l))
    assert head["BootCurrent"] == current, (head, current)
    assert head["BootOrder"].split(",") == order, (head, order)
    entries = {}
    for l in out:
        mm = re.match(r"Boot([0-9A-F]{4})\*? ([^\t]*)", l)
        if mm:
            entries[mm.group(1)] = mm.group(2).strip()
    assert entries == opts, (entries, opts)


def test_efivar_lists_the_shells_variables(linux, stopped, seen):
    out = seen["efivar_l"]
    assert out[-1] == "rc=0", out
    listed = set(out[:-1])
    shell = {f"{g}-{n}" for g, n in vars_list(linux)} - {f"{WRITE_GUID}-LinuxKept"}
    assert listed == shell, sorted(listed ^ shell)


def unpad_ascii(line):
    """A hex dump line with its ASCII column's padding dropped: efivar pads
    the last line's column to 16 characters, the shell does not."""
    m = re.fullmatch(r"([0-9a-f]{8}  [^|]*\|)(.*)\|", line)   # the hex has no '|'
    return f"{m.group(1)}{m.group(2).rstrip(' ')}|" if m else line


def test_efivar_p_prints_what_the_shells_get_prints(linux, stopped, seen):
    for name in SHOWN:
        out = seen["efivar_p"][name]
        assert out[-1] == "rc=0", out
        ours = linux.cmd(f"get {GLOBAL}-{name}")
        assert [unpad_ascii(l) for l in out[:-1]] == [unpad_ascii(l) for l in ours], (out, ours)


def test_the_shell_reads_what_linux_wrote(linux, stopped):
    attrs, data = get_var(linux, f"{WRITE_GUID}-LinuxKept")
    assert (attrs, data) == (7, b"hello, shell")
    assert linux.cmd(f"get {WRITE_GUID}-LinuxGone")[0].startswith("error:")


def test_what_linux_wrote_is_in_the_flash_file(linux, stopped, work):
    # Last in the module: the machine ends here.
    linux.p.send("reset shutdown\r")
    assert linux.wait_exit(timeout=60) == 0
    live = uefiextract(linux.vars_path, str(work))
    assert live.get((WRITE_GUID, "LinuxKept")) == (7, b"hello, shell")
    assert (WRITE_GUID, "LinuxGone") not in live


def policy_machine(tmp_path_factory, guest_vars):
    """A module fixture's body: machine_with(guest_vars), closed after."""
    m = machine_with(tmp_path_factory.mktemp(f"linux-efi-{guest_vars}"), guest_vars)
    try:
        yield m
    finally:
        m.close()


@pytest.fixture(scope="module")
def linux_none(tmp_path_factory):
    yield from policy_machine(tmp_path_factory, "none")


def test_under_guest_vars_none_linux_boots_and_has_no_variables(linux_none):
    out = gsh(linux_none, f"ls -1 {EFIVARS} | wc -l; grep -c efivarfs /proc/mounts; "
                         f"efibootmgr; echo rc=$?")
    # The directory is there and empty: efivarfs does not mount without
    # the variable services (README: The Linux guest's EFI).
    assert out == ["0", "0", "EFI variables are not supported on this system.", "rc=2"], out


@pytest.fixture(scope="module")
def linux_read(tmp_path_factory):
    yield from policy_machine(tmp_path_factory, "read")


def test_under_guest_vars_read_linux_reads_every_variable_and_writes_none(linux_read):
    m = linux_read
    listed = efivarfs_list(m)
    order = od_bytes(gsh(m, f"od -An -tx1 -v {EFIVARS}/BootOrder-{GLOBAL}"))
    mounts = gsh(m, "grep efivarfs /proc/mounts")
    create = gsh(m, f"printf '\\007\\000\\000\\000x' > {EFIVARS}/Nope-{WRITE_GUID}; echo rc=$?")
    boot = gsh(m, "efibootmgr; echo rc=$?")
    # SetVariable is not in the RT properties table: Linux mounts efivarfs
    # read-only (README: The Linux guest's EFI), and reads all of it.
    assert len(mounts) == 1 and re.search(r"\bro\b", mounts[0]), mounts
    assert create[-1] == "rc=1" and any("Read-only file system" in l for l in create), create
    assert boot[-1] == "rc=0" and any(l.startswith("BootOrder: ") for l in boot), boot
    m.p.send("\x1d")
    m.expect(PROMPT, timeout=CMD)
    assert set(vars_list(m)) == listed
    attrs, data = get_var(m, f"{GLOBAL}-BootOrder")
    assert order == attrs.to_bytes(4, "little") + data
    assert m.cmd(f"get {WRITE_GUID}-Nope")[0].startswith("error:")


# ------------------------------------------ a firmware fault in Linux's call
# The guest's SetVariable reaches the same runtime layer as the shell's: a
# firmware fault in it is contained as ever and the guest gets EFI_ABORTED,
# the status Linux's own wrapper gives a runtime call it had to abandon, to
# which it answers the same way: one WARNING in its log, the write fails,
# and it goes on. The machine, the shell and the other service groups go on
# too (README: The Linux guest's EFI).

def test_a_firmware_fault_in_linuxs_setvariable_is_contained(tmp_path_factory, sim_vars):
    m = sim_boot(tmp_path_factory, sim_vars, "ud:SetVariable", "linux-fault", mark=False,
                 cpu="max", cfg=config_with(f"write:{WRITE_GUID}"))
    try:
        m.p.send(f"guest run linux {ARGS}\r")
        m.expect(re.escape(MARKER), timeout=BOOT)
        settle(m)
        write = (f"printf '\\007\\000\\000\\000x' | dd of={EFIVARS}/Faulty-{WRITE_GUID} 2>&1; "
                 f"echo rc=$?")
        out = gsh(m, write)
        assert out[-1] == "rc=1" and any(l.startswith("dd: error writing ") for l in out), out
        log = gsh(m, "dmesg")
        assert any(re.search(r"WARNING: .* virt_efi_set_variable", l) for l in log), log[-30:]
        # Linux goes on: its shell and its clock; its variable calls now
        # fail (the firmware's variable services are off), and say so.
        assert gsh(m, "echo alive; cat /proc/uptime | wc -w") == ["alive", "2"]
        out = gsh(m, f"cat {EFIVARS}/BootOrder-{GLOBAL} >/dev/null; echo rc=$?")
        assert out[-1] == "rc=1", out
        m.p.send("poweroff -f\r")
        m.expect(re.escape("guest linux: exited with code 0"), timeout=CMD)
        m.expect(PROMPT)
        # One contained fault, named; the time group still on; nothing stored.
        rt = "\n".join(m.cmd("rt"))
        assert re.search(r"invalid opcode \(#UD\) at 0x[0-9a-f]+ in SetVariable", rt), rt
        assert re.search(r"^  time\s+on$", rt, re.M), rt
        assert DATE.match(m.cmd("time")[0])
        calls = next(l for l in m.cmd("guest info linux") if l.startswith("hypercalls:"))
        assert re.search(r"\bSetVariable [1-9]", calls), calls
        m.p.send("reset shutdown\r")
        assert m.wait_exit(timeout=60) == 0
        live = uefiextract(m.vars_path, m.work)
        assert (WRITE_GUID, "Faulty") not in live and (GLOBAL, "BootOrder") in live
    finally:
        m.close()
