"""Line editing over COM1, as a terminal sends it (README: The shell, "Line
editing"): real escape sequences and control bytes, checked by what the
shell then ran. One boot; the tests share it, in order."""
import re

from conftest import PROMPT

UP, DOWN, RIGHT, LEFT = "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D"
HOME, END, DELETE = "\x1b[H", "\x1b[F", "\x1b[3~"
# QEMU's -nographic console takes Ctrl-A as its own escape key: Ctrl-A
# Ctrl-A sends one Ctrl-A through to the guest.
CTRL_A, CTRL_U, TAB = "\x01\x01", "\x15", "\t"


def send(m, keys, timeout=60):
    """Sends keys ending in CR; returns the output lines after the echo."""
    m.p.send(keys)
    text = m.expect(PROMPT, timeout=timeout)
    return [l for l in text.split("\n")[1:] if l.strip()]


def test_history_recall_runs_the_earlier_line(shell):
    first = send(shell, "varinfo\r")
    assert first[0].startswith("attributes") and first[1].startswith("max storage")
    assert send(shell, "count\r")[0].startswith("high monotonic count: ")
    # Up twice is varinfo again. The history is then varinfo, count,
    # varinfo: Up three times and Down once is count.
    again = send(shell, UP + UP + "\r")
    assert [l.split()[0] for l in again] == [l.split()[0] for l in first]
    assert send(shell, UP * 3 + DOWN + "\r")[0].startswith("high monotonic count: ")


def test_cursor_keys_edit_the_middle_of_the_line(shell):
    # "et BootOrder", Home, "g": get BootOrder; then a typo fixed with Left,
    # Backspace and Delete in the middle.
    out = send(shell, "et BootOrder" + HOME + "g\r")
    assert 'Name: "BootOrder"' in out
    # The cursor between the two X: Backspace takes one, Delete the other.
    out = send(shell, "get BootXXOrder" + LEFT * 6 + "\x7f" + DELETE + END + "\r")
    assert 'Name: "BootOrder"' in out
    out = send(shell, "garbage" + CTRL_U + "get Timeout" + CTRL_A + RIGHT * 3 + "\r")
    assert 'Name: "Timeout"' in out


def test_tab_completes_a_variable_name(shell):
    shell.p.send("get BootOr" + TAB)
    shell.expect("get BootOrder ", timeout=30)
    out = send(shell, "\r")
    assert 'Name: "BootOrder"' in out


def test_tab_lists_the_matching_variables_and_redraws_the_line(shell):
    shell.p.send("get BootC" + LEFT + TAB)
    # BootCurrent and BootOrder... only those starting "Boot" (the word
    # before the cursor): listed, then the prompt and the line again.
    text = shell.expect(re.escape(PROMPT) + "get BootC", timeout=30)
    listed = set(text.split())
    assert {"BootCurrent", "BootOrder", "Boot0000"} <= listed
    assert "Timeout" not in listed
    out = send(shell, END + CTRL_U + "\r")
    assert out == []


def test_tab_completes_a_command_name(shell):
    shell.p.send("varin" + TAB)
    shell.expect("varinfo ", timeout=30)
    assert send(shell, "\r")[1].startswith("max storage")


def test_ctrl_c_drops_the_line(shell):
    shell.p.send("del BootOrder\x03")
    shell.expect(r"\^C", timeout=30)
    shell.expect(PROMPT, timeout=30)
    assert send(shell, "get BootOrder\r")[0].startswith("GUID:")
