"""Variables written at runtime reach the VARS file and survive resets and
power-off; and the other way round, a variable the firmware's own UEFI Shell
wrote is read back exactly by the hypervisor (README: The shell, and Tests:
UEFIExtract, startup.nsh)."""
import re

import hvqemu
from conftest import PROMPT, copy_esp
from shellvars import (NV_BS_RT, TEST_GUID, expect_error, get_var, set_bytes,
                       uefi_shell_folder, uefiextract, var, vars_list)

PATTERN = bytes((i * 11 + 5) & 0xFF for i in range(77))

# name -> (how the shell writes it, the bytes it must hold)
VALUES = {
    "PText": ('"persist me"', b"persist me"),
    "PWide": ('u"wide \\u00e9t\\u00e9"', "wide été".encode("utf-16-le") + b"\0\0"),
    "PBig": (f"{PATTERN.hex()}*200", PATTERN * 200),
    "POne": ("00", b"\x00"),
}
BYTES_NAME = "PBytes"
ALL_BYTES = bytes(range(255, -1, -1))
GONE = "PGone"


def _set_all(m):
    for name, (lit, _data) in VALUES.items():
        assert m.cmd(f"set {var(name)} nv,bs,rt {lit}") == ["ok"], name
    set_bytes(m, var(BYTES_NAME), "nv,bs,rt", ALL_BYTES)
    assert m.cmd(f"set {var(GONE)} nv,bs,rt 0badcafe") == ["ok"]


def _expected():
    exp = {name: data for name, (_lit, data) in VALUES.items()}
    exp[BYTES_NAME] = ALL_BYTES
    return exp


def _check_all(m):
    for name, data in _expected().items():
        assert get_var(m, var(name)) == (NV_BS_RT, data), name


def test_variables_survive_cold_reset_and_power_off(machines, tmp_path):
    vars_path = str(tmp_path / "vars.fd")
    hvqemu.fresh_vars(vars_path)
    esp = copy_esp(str(tmp_path / "esp"))

    # Boot 1, without -no-reboot: write, reset cold, read back in the new boot.
    m = machines("persist-reboot", esp, vars_path=vars_path, no_reboot=False)
    m.boot_to_shell()
    _set_all(m)
    _check_all(m)
    m.p.send("reset cold\r")
    banner = m.expect(PROMPT)        # firmware, loader and hypervisor again
    assert "hvboot hypervisor" in banner and "hvboot: " in banner, banner[-2000:]
    _check_all(m)
    assert m.cmd(f"del {var(GONE)}") == ["ok"]
    # Power off through ResetSystem: QEMU exits by itself, status 0.
    m.p.send("reset shutdown\r")
    assert m.wait_exit(timeout=60) == 0

    # Offline: every variable is in the file, live, with its exact bytes.
    live = uefiextract(vars_path, str(tmp_path))
    for name, data in _expected().items():
        assert live.get((TEST_GUID, name)) == (NV_BS_RT, data), name
    assert (TEST_GUID, GONE) not in live
    # ...and the firmware's own variables are still there.
    assert ("8be4df61-93ca-11d2-aa0d-00e098032b8c", "BootOrder") in live

    # Boot 2 (with -no-reboot) on the same file: everything reads back.
    m2 = machines("persist-again", esp, vars_path=vars_path)
    m2.boot_to_shell()
    _check_all(m2)
    expect_error(m2, f"get {var(GONE)}", "no such variable (EFI_NOT_FOUND)")
    names = {n for g, n in vars_list(m2) if g == TEST_GUID}
    assert names == set(_expected()), names
    # With -no-reboot, a cold reset through ResetSystem ends QEMU.
    m2.p.send("reset cold\r")
    assert m2.wait_exit(timeout=60) == 0


# setvar NAME -guid G -nv -bs -rt =0x0102A5FF stores ff a5 02 01 (the UEFI Shell of OVMF 2022.11);
# =L"text" stores the UTF-16 without a NUL.
SHELL_VARS = {
    "ShellNum": ("=0x0102A5FF", b"\xff\xa5\x02\x01"),
    "ShellStr": ('=L"from shell"', "from shell".encode("utf-16-le")),
}


def test_variable_written_by_uefi_shell_reads_back_exactly(machines, tmp_path):
    vars_path = str(tmp_path / "vars.fd")
    hvqemu.fresh_vars(vars_path)
    script = [f"setvar {n} -guid {TEST_GUID} -nv -bs -rt {v}" for n, (v, _d) in SHELL_VARS.items()]
    folder = uefi_shell_folder(str(tmp_path / "nsh"), script + ["reset -s"])

    sh = machines("persist-uefi-shell", folder, vars_path=vars_path)
    # The shell's 5 s countdown, the script, then `reset -s` powers off.
    assert sh.wait_exit(timeout=180) == 0
    log = sh.tail(40)
    assert "Shell> reset -s" in log, log
    assert not re.search(r"setvar: ", log), log

    live = uefiextract(vars_path, str(tmp_path))
    for name, (_v, data) in SHELL_VARS.items():
        assert live.get((TEST_GUID, name)) == (NV_BS_RT, data), name

    m = machines("persist-read-shell", copy_esp(str(tmp_path / "esp")), vars_path=vars_path)
    m.boot_to_shell()
    for name, (_v, data) in SHELL_VARS.items():
        assert get_var(m, var(name)) == (NV_BS_RT, data), name
    # And the hypervisor can replace and delete what the shell wrote.
    assert m.cmd(f"set {var('ShellNum')} nv,bs,rt 01020304") == ["ok"]
    assert get_var(m, var("ShellNum")) == (NV_BS_RT, b"\x01\x02\x03\x04")
    assert m.cmd(f"del {var('ShellStr')}") == ["ok"]
    m.p.send("reset shutdown\r")
    assert m.wait_exit(timeout=60) == 0
    live = uefiextract(vars_path, str(tmp_path))
    assert live.get((TEST_GUID, "ShellNum")) == (NV_BS_RT, b"\x01\x02\x03\x04")
    assert (TEST_GUID, "ShellStr") not in live


def test_smm_store_persists_to_the_vars_file(machines, tmp_path):
    """The SMM build writes through SMM, not runtime MMIO: the value must
    still reach the file."""
    vars_path = str(tmp_path / "vars.fd")
    hvqemu.fresh_vars(vars_path)
    m = machines("persist-smm", copy_esp(str(tmp_path / "esp")), code=hvqemu.SECBOOT_CODE,
                 vars_path=vars_path)
    m.boot_to_shell()
    data = PATTERN * 3
    assert m.cmd(f"set {var('SmmVar')} nv,bs,rt {PATTERN.hex()}*3") == ["ok"]
    m.p.send("reset shutdown\r")
    assert m.wait_exit(timeout=60) == 0
    live = uefiextract(vars_path, str(tmp_path))
    assert live.get((TEST_GUID, "SmmVar")) == (NV_BS_RT, data)
