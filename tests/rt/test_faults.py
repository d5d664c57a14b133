"""Fault containment: with rt_inject = skip-mmio the variable
store's flash is left unmapped, so SetVariable faults inside OVMF. The
hypervisor must contain it: one error line, a diagnosis naming the service
and the descriptor, variable services off, everything else working."""
import re

import pytest

from conftest import PROMPT, Machine, copy_esp
from shellvars import NV_BS_RT, get_var

GUID = "3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10"


def _inject_machine(work, inject, tag):
    """A machine booted to the prompt with `rt_inject = <inject>`."""
    esp = copy_esp(str(work / "esp"), cfg_text=f"rt_inject = {inject}\n")
    m = Machine(f"{tag}-{work.name}", esp, workdir=str(work))
    try:
        m.expect(PROMPT)
    except BaseException:
        m.close()
        raise
    return m


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    m = _inject_machine(tmp_path_factory.mktemp("inject"), "skip-mmio", "inject")
    try:
        yield m
    finally:
        m.close()


def test_fault_in_setvariable_is_one_error_line(injected):
    out = injected.cmd(f'set {GUID}-Inject nv,bs,rt "boom"')
    assert len(out) == 1, out
    assert re.fullmatch(r"error: .*page fault at 0x[0-9a-f]+ in SetVariable.*\(EFI_ABORTED\)",
                        out[0]), out


def test_rt_names_the_fault_and_its_descriptors(injected):
    out = "\n".join(injected.cmd("rt"))
    m = re.search(r"cr2\s+(0x[0-9a-f]+) \(descriptor (\d+) \+ (0x[0-9a-f]+)\)", out)
    assert m, out
    cr2 = int(m.group(1), 16)
    # The flash lives at 0xFFC00000 (FIELD-NOTES): offset layout puts it at
    # window + pa, and the fault lies inside it.
    assert 0xFFFFFF00FFC00000 <= cr2 < 0xFFFFFF0100000000, out
    assert re.search(r"rip\s+0x[0-9a-f]+ \(descriptor \d+ \+ 0x[0-9a-f]+\)", out), out
    assert re.search(r"^runtime: disabled \(page fault at 0x[0-9a-f]+ in SetVariable", out, re.M), out
    assert re.search(r"^\s*SetVariable\s+1\s+1\b", out, re.M), out


def test_variable_services_stay_off(injected):
    out = injected.cmd("get BootOrder")
    assert len(out) == 1 and out[0].startswith("error: runtime services unavailable ("), out
    out = injected.cmd("vars")
    assert len(out) == 1 and out[0].startswith("error: "), out


def test_time_services_still_work(injected):
    out = injected.cmd("time")
    assert re.match(r"^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$", out[0]), out


def test_shell_still_works(injected):
    assert "not mapped" in "\n".join(injected.cmd("pt 0"))
    assert len(injected.cmd("help")) > 10


# ---------------------------------------------------------------- ResetSystem
# rt_inject = skip-reset leaves the page of ResetSystem's entry out of the
# runtime window: the call faults on its first instruction fetch.

RESET_FAULT = (r"ResetSystem faulted: page fault at 0x([0-9a-f]+) in ResetSystem, "
               r"cr2 0x([0-9a-f]+); reset services off \(EFI_ABORTED\)")


def test_fault_in_resetsystem_keeps_the_shell_and_other_services(tmp_path):
    m = _inject_machine(tmp_path, "skip-reset", "reset-fault")
    try:
        info = "\n".join(m.cmd("bootinfo"))
        hole = re.search(r"^  inject page\s+0x([0-9a-f]+) \(left unmapped\)$", info, re.M)
        assert hole and "skip-reset" in info, info
        hole = int(hole.group(1), 16)
        # The audits expect exactly that page missing; selftest names it.
        out = m.cmd("selftest", timeout=120)
        assert out[-1].endswith(" passed, 0 failed"), out
        assert any(re.match(r"SKIP map ResetSystem: 0x[0-9a-f]+ left unmapped by rt_inject", l)
                   for l in out), out

        out = m.cmd("reset shutdown")
        assert len(out) == 1, out
        hit = re.fullmatch(r"error: shutdown: " + RESET_FAULT, out[0])
        assert hit, out
        rip, cr2 = int(hit.group(1), 16), int(hit.group(2), 16)
        # An instruction fetch fault: the faulting address is the RIP, on
        # the page left out.
        assert rip == cr2 and cr2 & ~0xFFF == hole, (hex(rip), hex(cr2), hex(hole))

        out = "\n".join(m.cmd("rt"))
        assert re.search(r"^runtime: disabled \(page fault at 0x[0-9a-f]+ in ResetSystem", out, re.M), out
        assert re.search(r"^\s*ResetSystem\s+1\s+1\b", out, re.M), out
        # Time and variable services were not in the faulting group.
        assert re.match(r"^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$", m.cmd("time")[0])
        attrs, order = get_var(m, "BootOrder")
        assert attrs == NV_BS_RT and order and len(order) % 2 == 0, (attrs, order)
        # ResetSystem stays off: the next reset goes straight to the hardware.
        out = m.cmd("reset shutdown")
        assert len(out) == 1 and re.fullmatch(
            r"error: shutdown needs ResetSystem \(page fault at 0x[0-9a-f]+ in ResetSystem, "
            r"cr2 0x[0-9a-f]+; reset services off\)", out[0]), out
        m.p.send("reset warm\r")
        m.expect("resetting \\(warm\\)")
        assert m.wait_exit(timeout=60) == 0
    finally:
        m.close()


def test_fault_in_resetsystem_falls_back_to_the_acpi_reset(tmp_path):
    m = _inject_machine(tmp_path, "skip-reset", "reset-fallback")
    try:
        m.p.send("reset cold\r")
        m.expect(RESET_FAULT + r"; trying the hardware reset paths")
        m.expect("resetting \\(cold\\)")
        # QEMU runs with -no-reboot: the reset through the FADT's reset
        # register ends it; the later fallbacks print nothing first.
        assert m.wait_exit(timeout=60) == 0
        assert "ACPI reset:" not in m.p.before
    finally:
        m.close()


# ------------------------------------------------------------ #UD and #GP
# rt_inject = ud-varinfo puts UD2 at QueryVariableInfo's entry and
# gp-gettime a load from a non-canonical address at GetTime's: the fault is
# raised on the service's first instruction, at the address `bootinfo` names.

def _trap_address(m, inject):
    """The service entry `bootinfo` says was overwritten."""
    info = "\n".join(m.cmd("bootinfo"))
    trap = re.search(r"^  inject trap\s+0x([0-9a-f]+) \(a service entry overwritten", info, re.M)
    assert trap and re.search(rf"^  inject\s+{inject}$", info, re.M), info
    return int(trap.group(1), 16)


def _check_rt_diagnosis(m, fault, vector, svc, group, trap):
    out = "\n".join(m.cmd("rt"))
    assert re.search(rf"^last fault\s+{fault} \(vector {vector}, error 0x0\) in {svc}$",
                     out, re.M), out
    rip = re.search(r"^  rip  (0x[0-9a-f]+) \(descriptor \d+ \+ 0x[0-9a-f]+\)$", out, re.M)
    assert rip and int(rip.group(1), 16) == trap, (out, hex(trap))
    assert re.search(r"^  cr2  not loaded \(only a page fault sets it\)$", out, re.M), out
    assert re.search(rf"^runtime: disabled \({fault} at {hex(trap)} in {svc}; {group} services off\)$",
                     out, re.M), out
    assert re.search(rf"^\s*{svc}\s+1\s+1\b", out, re.M), out


def test_invalid_opcode_in_queryvariableinfo_is_contained(tmp_path):
    m = _inject_machine(tmp_path, "ud-varinfo", "ud-varinfo")
    try:
        trap = _trap_address(m, "ud-varinfo")
        out = m.cmd("varinfo")
        assert out == [f"error: cannot query variable storage: invalid opcode at {hex(trap)} "
                       "in QueryVariableInfo; variable services off (EFI_ABORTED)"], out
        _check_rt_diagnosis(m, "invalid opcode", 6, "QueryVariableInfo", "variable", trap)
        # The whole variable group is off, not just the faulting service.
        for line in ("get BootOrder", "vars", f"set {GUID}-Ud nv,bs,rt 01", "varinfo"):
            out = m.cmd(line)
            assert len(out) == 1 and out[0].startswith(
                "error: runtime services unavailable (invalid opcode at"), (line, out)
        assert re.match(r"^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$", m.cmd("time")[0])
        assert len(m.cmd("help")) > 10
    finally:
        m.close()


def test_general_protection_fault_in_gettime_is_contained(tmp_path):
    m = _inject_machine(tmp_path, "gp-gettime", "gp-gettime")
    try:
        trap = _trap_address(m, "gp-gettime")
        out = m.cmd("time")
        assert len(out) == 1 and out[0].endswith(
            f": general protection fault at {hex(trap)} in GetTime; time services off "
            "(EFI_ABORTED)") and out[0].startswith("error: "), out
        _check_rt_diagnosis(m, "general protection fault", 13, "GetTime", "time", trap)
        for line in ("time", "time set 2026-01-01 00:00:00"):
            out = m.cmd(line)
            assert len(out) == 1 and out[0].startswith(
                "error: runtime services unavailable (general protection fault at"), (line, out)
        # Variable services were not in the faulting group.
        name = f"{GUID}-Gp"
        assert m.cmd(f'set {name} nv,bs,rt "after #GP"') == ["ok"]
        assert get_var(m, name) == (NV_BS_RT, b"after #GP")
        assert m.cmd(f"del {name}") == ["ok"]
        assert "remaining" in "\n".join(m.cmd("varinfo"))
        assert len(m.cmd("help")) > 10
    finally:
        m.close()
