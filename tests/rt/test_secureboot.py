"""Secure Boot with Debian's snakeoil OVMF: the signed loader
boots and variables work; an unsigned loader is refused by the firmware;
the signed loader refuses a hv.elf whose SHA-256 is not the pinned one;
the unsigned config's `write:` reaches only guest images the signed
loader pins."""
import os
import re
import shutil


import hvqemu
from conftest import BUILD, PROMPT, Machine, clean

SIGNED_ESP = os.path.join(BUILD, "esp-signed")
GUID = "3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10"


def sb_machine(name, work, drive, more=(), cpu=None):
    return Machine(name, drive, code=hvqemu.SNAKEOIL_CODE, vars_template=hvqemu.SNAKEOIL_VARS,
                   workdir=str(work), more_drives=more, cpu=cpu)


def test_signed_loader_boots_and_variables_work(tmp_path):
    esp = shutil.copytree(SIGNED_ESP, tmp_path / "esp")
    m = sb_machine(f"sb-signed-{tmp_path.name}", tmp_path, str(esp))
    try:
        banner = m.expect(PROMPT)
        assert "Secure Boot on" in banner
        info = "\n".join(m.cmd("bootinfo"))
        assert re.search(r"secure boot\s+on", info), info
        assert re.search(r"hv\.elf hash\s+matched", info), info
        assert m.cmd(f'set {GUID}-SbTest nv,bs,rt "signed"') == ["ok"]
        out = m.cmd(f"get {GUID}-SbTest")
        assert any("73 69 67 6e 65 64" in l for l in out), out
    finally:
        m.close()


def test_unsigned_loader_and_tampered_hypervisor_are_refused(tmp_path):
    unsigned = shutil.copytree(os.path.join(BUILD, "esp"), tmp_path / "unsigned")
    tampered = shutil.copytree(SIGNED_ESP, tmp_path / "tampered")
    hv = tampered / "hvboot" / "hv.elf"
    data = bytearray(hv.read_bytes())
    data[0x1000 + 0x40] ^= 0x01        # one bit inside the text segment
    hv.write_bytes(bytes(data))
    m = sb_machine(f"sb-refused-{tmp_path.name}", tmp_path, str(unsigned), more=[str(tampered)])
    try:
        # Secure Boot builds offer no UEFI Shell: the firmware ends in its menu.
        m.expect(r"UEFI Interactive Shell|Shell>|Press any key to enter the Boot Manager", timeout=300)
        text = clean(open(m.log_path, encoding="utf-8", errors="replace").read())
    finally:
        m.close()
    # The firmware's own verdict on the unsigned loader.
    assert re.search(r"BdsDxe: failed to (load|start) Boot\d+ .*Access Denied", text), text[-3000:]
    # Ours on the tampered hypervisor: one line, then back to the firmware.
    assert re.search(r"hvboot: \\hvboot\\hv\.elf: SHA-256 does not match the one pinned in this "
                     r"signed loader \(Secure Boot is on\)", text), text[-3000:]
    assert PROMPT not in text


def test_secure_boot_known_off_runs_a_hypervisor_that_differs_from_the_pin(tmp_path):
    """The pin is skipped only when SecureBoot reads as exactly one byte 0
    (plain OVMF); anything else enforces it (unit: test_fwinfo)."""
    esp = shutil.copytree(os.path.join(BUILD, "esp"), tmp_path / "esp")
    hv = esp / "hvboot" / "hv.elf"
    hv.write_bytes(hv.read_bytes() + b"\0" * 16)   # past every segment: still valid
    m = Machine(f"sb-off-{tmp_path.name}", str(esp), workdir=str(tmp_path))
    try:
        banner = m.expect(PROMPT)
        assert "Secure Boot off" in banner, banner
        info = "\n".join(m.cmd("bootinfo"))
        assert re.search(r"secure boot\s+off", info), info
        assert re.search(r"hv\.elf hash\s+differs", info), info
    finally:
        m.close()


def test_write_policy_reaches_only_modules_the_signed_loader_pins(tmp_path):
    """make sign pins the test guest (SIGN_MODULES). A copy with bytes
    appended past its segments is still a valid image, but not the pinned
    one: the unsigned config's write: gives it read, and guest info says
    why."""
    esp = shutil.copytree(SIGNED_ESP, tmp_path / "esp")
    guest = esp / "hvboot" / "testguest.elf"
    (esp / "hvboot" / "other.elf").write_bytes(guest.read_bytes() + b"\0" * 16)
    cfg = esp / "hvboot" / "hvboot.cfg"
    cfg.write_text(cfg.read_text() + "module = other \\hvboot\\other.elf\n")
    m = sb_machine(f"sb-pins-{tmp_path.name}", tmp_path, str(esp), cpu="max")
    try:
        banner = m.expect(PROMPT)
        assert "Secure Boot on" in banner, banner
        assert "hvboot: module test: SHA-256 pinned by this loader" in banner, banner
        assert ("hvboot: module other: SHA-256 not pinned: guest_vars write applies as read"
                in banner), banner
        info = m.cmd("guest info other")
        assert re.fullmatch(r"memory: 64 MiB, variables by hypercall: read \(write needs a "
                            r"module the signed loader pins \(Secure Boot is on\)\)",
                            info[1]), info
        assert re.fullmatch(r"memory: 64 MiB, variables by hypercall: write",
                            m.cmd("guest info test")[1])
        out = m.cmd("guest run other", timeout=300)
        assert "[other] set HvGuestTest: EFI_WRITE_PROTECTED" in out, out
        assert out[-1] == "guest other: exited with code 0", out
        out = m.cmd("guest run test", timeout=300)
        assert "[test] set HvGuestTest: EFI_SUCCESS" in out, out
        assert out[-1] == "guest test: exited with code 0", out
    finally:
        m.close()
