"""Firmware that breaks its own stack (README "Fault containment"): the
simulated runtime driver (tests/fw, hvfwsim.efi) loads a non-canonical RSP
and pushes, points RSP at an unmapped page, or takes a divide error on a
non-canonical stack, which the CPU can only deliver as a double fault.
Each exception reaches the hypervisor on an IST stack of its own and is
contained: one error line naming it, the service's groups off, the shell,
the other groups and `selftest` as before.

Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/rt/test_hostile_stack.py"""
import re

import pytest

from test_misbehaving import (DATE, MARK, booted, fault_line, round_trip, sim_vars,  # noqa: F401
                              store_keeps_mark)

# SDM Vol. 3A §6.15: a stack reference at a non-canonical address is #SS(0);
# QEMU's TCG raises #GP(0) for it instead. Either is delivered on its IST.
BAD_STACK_FAULT = r"(?:stack-segment fault \(#SS\)|general protection \(#GP\))"


def selftest_fails_only(m, services):
    """`selftest` after the faults: both address spaces audit clean (the
    exception stacks' guard pages unmapped in each), and the only FAIL lines
    are services switched off, among them each of `services`."""
    out = m.cmd("selftest", timeout=120)
    text = "\n".join(out)
    fails = [l for l in out if l.startswith("FAIL")]
    assert fails and all(l.endswith(": switched off after a fault") for l in fails), text
    for s in services:
        assert f"FAIL {s}: switched off after a fault" in fails, (s, text)
    assert "PASS audit hypervisor tables" in out, text
    assert "PASS audit runtime tables" in out, text
    assert out[-1].endswith(f" passed, {len(fails)} failed"), text


class TestNonCanonicalStack:
    machine = booted("badstack:GetTime double-fault:GetNextHighMonotonicCount", "time")

    def test_driver_reports_its_plan(self):
        assert self.m.report == ["hvfwsim: badstack in GetTime",
                                 "hvfwsim: double-fault in GetNextHighMonotonicCount"]

    def test_push_on_a_non_canonical_stack_is_one_error_line(self):
        out = self.m.first
        assert len(out) == 1 and fault_line("cannot read the clock", BAD_STACK_FAULT, "GetTime",
                                            "time").match(out[0]), out

    def test_time_is_off_and_the_rest_works(self):
        out = self.m.cmd("time")
        assert len(out) == 1 and out[0].startswith("error: runtime services unavailable ("), out
        round_trip(self.m, "AfterBadStack")
        assert len(self.m.cmd("help")) > 10

    def test_double_fault_inside_firmware_is_contained(self):
        out = self.m.cmd("count")
        assert len(out) == 1 and fault_line("cannot read the monotonic count",
                                            r"double fault \(#DF\)", "GetNextHighMonotonicCount",
                                            "variable and misc").match(out[0]), out
        rt = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^last fault\s+double fault \(#DF\) \(vector 8, error 0x0\) in "
                         r"GetNextHighMonotonicCount$", rt, re.M), rt
        assert "rt-table-crc" not in rt, "the table's CRC32 matched: no quirk"
        out = self.m.cmd(f"get {MARK}")
        assert len(out) == 1 and out[0].startswith(
            "error: runtime services unavailable (double fault (#DF) at"), out
        assert self.m.cmd("bootinfo")[0], "the shell still answers"

    def test_selftest_is_consistent(self):
        selftest_fails_only(self.m, ["GetTime", "GetVariable", "GetNextHighMonotonicCount"])

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


class TestUnmappedStack:
    machine = booted("stack-unmapped:GetTime", "time")

    def test_push_on_an_unmapped_page_is_one_error_line(self):
        out = self.m.first
        assert len(out) == 1 and fault_line("cannot read the clock", r"page fault \(#PF\)",
                                            "GetTime", "time",
                                            cr2="0xffff8000000ffff8").match(out[0]), out

    def test_variables_and_the_shell_keep_working(self):
        round_trip(self.m, "AfterUnmappedStack")
        assert re.fullmatch(r"high monotonic count: \d+", self.m.cmd("count")[0])

    def test_selftest_is_consistent(self):
        selftest_fails_only(self.m, ["GetTime"])

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)
