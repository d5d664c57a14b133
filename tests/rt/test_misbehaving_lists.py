"""Misbehaving firmware lists and clocks (README "Bad firmware lists and
clocks"), simulated by build/fw/hvfwsim.efi as test_misbehaving.py does: a
GetNextVariableName that starts over, returns the name it was given, returns
a name without its NUL or claims more than the buffer, and a GetTime that
returns Month 13, Day 0, Hour 25. One boot per misbehaviour; each asserts
the exact lines, that the output stays bounded, that Tab offers no name
twice and that the shell keeps working.

Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/rt/test_misbehaving_lists.py"""
import re

from conftest import PROMPT
from shellvars import var
from test_misbehaving import DATE, MARK, booted, sim_vars, store_keeps_mark  # noqa: F401

GOOD = 3            # FWSIM_LIST_GOOD: real names before the misbehaviour
TAIL = "(firmware GetNextVariableName)"
NAME = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\S+$")
TAB = "\t"


def tab_words(m, prefix):
    """The words Tab lists for `get PREFIX` (a prefix two or more names
    share beyond it), the line then dropped with Ctrl-U."""
    m.p.send(f"get {prefix}{TAB}")
    text = m.expect(re.escape(PROMPT) + "get " + re.escape(prefix), timeout=60)
    m.p.send("\x15\r")
    m.expect(PROMPT, timeout=30)
    words = text.split()
    assert words[:2] == ["get", prefix], text
    return words[2:]


def name_buffer_bytes(m):
    """What the hypervisor offers GetNextVariableName (rt_name_cap): the
    firmware's maximum variable size, within 2 KiB..64 KiB."""
    out = "\n".join(m.cmd("varinfo"))
    max_var = int(re.search(r"^max variable size\s+(\d+) bytes", out, re.M).group(1))
    return min(max(max_var, 2048), 65536)


def shell_keeps_working(m):
    assert DATE.match(m.cmd("time")[0])
    assert m.cmd(f'set {var("AfterList")} nv,bs,rt 01') == ["ok"]
    assert m.cmd(f"get {var('AfterList')}")[0].startswith("GUID:")


class TestListStartsOver:
    """After its last name the list starts again at the first."""
    machine = booted("list-restart", "vars")

    def test_driver_reports_its_plan(self):
        assert self.m.report == ["hvfwsim: list-restart in GetNextVariableName"]

    def test_vars_prints_each_name_once_then_one_error(self):
        out = self.m.first
        names = out[:-1]
        assert names and all(NAME.match(n) for n in names), out
        assert len(set(names)) == len(names), out
        assert f"{MARK}" in names, out
        assert out[-1] == (f"error: variable list starts over at {names[0]} after "
                           f"{len(names)} names {TAIL}"), out

    def test_the_same_walk_again_gives_the_same_lines(self):
        assert self.m.cmd("vars") == self.m.first

    def test_tab_offers_no_name_twice(self):
        words = tab_words(self.m, "Boot")
        assert {"BootOrder", "Boot0000"} <= set(words), words
        assert len(words) == len(set(words)), words

    def test_boot_and_selftest_stop_with_the_same_line(self):
        out = self.m.cmd("boot")
        assert out[-1] == self.m.first[-1], out
        assert sum(l.startswith("error: ") for l in out) == 1, out
        # selftest's SetTime adds OVMF's own "RTC" variable (its time
        # zone) before the walk: one name more, the same first name.
        st = self.m.cmd("selftest", timeout=120)
        line = re.compile(rf"^FAIL GetNextVariableName: variable list starts over at "
                          rf"{re.escape(self.m.first[0])} after \d+ names {re.escape(TAIL)}$")
        assert sum(bool(line.match(l)) for l in st) == 1, st

    def test_shell_keeps_working(self):
        shell_keeps_working(self.m)

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


class TestListReturnsTheNameGiven:
    machine = booted("list-same", "vars")

    def test_vars_prints_the_good_names_then_one_error(self):
        out = self.m.first
        assert len(out) == GOOD + 1 and all(NAME.match(n) for n in out[:GOOD]), out
        assert out[GOOD] == (f"error: variable list returns the name it was given, "
                             f"{out[GOOD - 1]}, after {GOOD} names {TAIL}"), out

    def test_shell_keeps_working(self):
        shell_keeps_working(self.m)

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


class TestListNameWithoutNul:
    """A name that fills the whole buffer with no NUL: once printed and fed
    back, each one 16 KiB and more, it made vars run for ever."""
    machine = booted("list-nonul", "vars")

    def test_vars_prints_the_good_names_then_one_error(self):
        out = self.m.first
        size = name_buffer_bytes(self.m)
        assert len(out) == GOOD + 1 and all(NAME.match(n) for n in out[:GOOD]), out
        assert out[GOOD] == (f"error: variable name without its NUL in the {size} bytes "
                             f"returned after {GOOD} names {TAIL}"), out

    def test_no_unterminated_name_reaches_the_screen(self):
        assert not any("NNNN" in l for l in self.m.first)

    def test_shell_keeps_working(self):
        shell_keeps_working(self.m)

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


class TestListNameLargerThanTheBuffer:
    """EFI_SUCCESS with a VariableNameSize larger than the buffer given."""
    machine = booted("list-grow", "vars")

    def test_vars_prints_the_good_names_then_one_error(self):
        out = self.m.first
        size = name_buffer_bytes(self.m)
        assert len(out) == GOOD + 1 and all(NAME.match(n) for n in out[:GOOD]), out
        assert out[GOOD] == (f"error: variable name of {size + 16} bytes claimed for a buffer "
                             f"of {size} bytes after {GOOD} names {TAIL}"), out

    def test_shell_keeps_working(self):
        shell_keeps_working(self.m)

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


def set_time_calls(m):
    """SetTime's call count in `rt`'s table."""
    out = "\n".join(m.cmd("rt"))
    return int(re.search(r"^\s+SetTime\s+(\d+)\s", out, re.M).group(1))


class TestInvalidTime:
    """GetTime returns Month 13, Day 0, Hour 25 (the rest as the clock has it)."""
    machine = booted("time-invalid", "time")

    def test_driver_reports_its_plan(self):
        assert self.m.report == ["hvfwsim: time-invalid in GetTime"]

    def test_time_is_one_error_naming_the_first_bad_field(self):
        assert self.m.first == ["error: firmware returned an invalid time (Month 13)"]

    def test_selftest_fails_gettime_and_never_writes_the_time_back(self):
        before = set_time_calls(self.m)
        out = self.m.cmd("selftest", timeout=120)
        assert "FAIL GetTime: firmware returned an invalid time (Month 13)" in out, out
        assert "SKIP SetTime: not called: firmware returned an invalid time (Month 13)" in out
        assert not any(l.startswith("FAIL call counts") for l in out), out
        assert set_time_calls(self.m) == before == 0

    def test_time_set_writes_a_valid_time_the_user_typed(self):
        # The typed date and time replace the bad fields; the firmware's
        # zone and daylight are valid, so SetTime is called once.
        assert self.m.cmd("time set 2030-01-02 03:04:05") == ["ok"]
        assert set_time_calls(self.m) == 1
        assert self.m.cmd("time set 2030-13-02 03:04:05") == [
            "error: month out of range (1-12): '2030-13-02 03:04:05'"]
        assert set_time_calls(self.m) == 1

    def test_shell_keeps_working(self):
        assert self.m.cmd("time") == ["error: firmware returned an invalid time (Month 13)"]
        assert self.m.cmd(f'set {var("AfterTime")} nv,bs,rt 01') == ["ok"]
        assert self.m.cmd("count")[0].startswith("high monotonic count: ")

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)
