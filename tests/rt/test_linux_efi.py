"""The Linux guest's own EFI (README: Guests, The Linux guest's EFI): Debian's
cloud kernel, unmodified, booted by `guest run linux` with the zero page's
efi_info naming the system table the hypervisor placed in guest memory.
Linux finds EFI 2.70 by hvboot, calls SetVirtualAddressMap through the shim
and then its runtime services on its own page tables: /sys/firmware/efi is
there, the runtime table it names is at a kernel-virtual address, the
variable services work by hypercall, and with `reboot=efi` a reboot is
ResetSystem, which ends the guest and never the machine. One boot for the
module; TCG under load is slow, so the waits are generous."""
import re

import pytest

from conftest import PROMPT, Machine, copy_esp
from test_linux import BOOT, CMD, MARKER, settle, sh

ARGS = "console=ttyS0 acpi=off nolapic noapic pci=off panic=-1 quiet reboot=efi"


@pytest.fixture(scope="module")
def linux(tmp_path_factory):
    """hvboot at its prompt with Linux (reboot=efi) at its shell."""
    work = tmp_path_factory.mktemp("linux-efi")
    esp = copy_esp(str(work / "esp"))
    m = Machine(f"linux-efi-{work.name}", esp, workdir=str(work), cpu="max")
    try:
        m.expect(PROMPT)
        m.p.send(f"guest run linux {ARGS}\r")
        m.expect(re.escape(MARKER), timeout=BOOT)
        settle(m)
        yield m
    finally:
        m.close()


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


def test_linux_reboot_is_efi_reset_system_and_ends_only_the_guest(linux):
    linux.p.send("reboot -f\r")
    out = linux.expect(PROMPT, timeout=CMD)
    lines = [l for l in out.split("\n") if l.strip()]
    assert lines[-1] == "guest linux: stopped: reset (EfiResetCold)", lines[-5:]
    # The machine and its firmware are untouched: the shell reads time.
    assert linux.cmd("time")


def test_linux_called_the_runtime_services_by_hypercall(linux):
    # After the reboot above: the shell is back, the run's record kept.
    # Linux deletes its dummy variable right after SetVirtualAddressMap and
    # reads the platform's key databases: hypercalls, not firmware calls.
    out = linux.cmd("guest info linux")
    calls = next(l for l in out if l.startswith("hypercalls:"))
    assert re.search(r"\b(GetVariable|SetVariable|GetNextVariableName|QueryVariableInfo|GetTime) "
                     r"[1-9]", calls), calls
