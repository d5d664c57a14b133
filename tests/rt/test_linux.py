"""The Linux guest (README: Guests, the Linux kind): Debian's own cloud
kernel with the busybox initramfs from tools/hvboot.cfg, booted by `guest
run linux` under SVM on OVMF (-cpu max, TCG), once for the module: user
space comes up, the guest shell runs commands typed on COM1, sees one CPU
without SVM and keeps its own time; then each way of ending, a run after
each, and the firmware's services intact at the end. TCG under load is
slow: the waits are generous, and no assertion is about host time."""
import re
import time

import pytest

from conftest import PROMPT, Machine, copy_esp
from test_fbcon import Monitor

MARKER = "[linux] linux-guest: user space up"
BOOT = 600          # guest run linux -> user space, TCG on a shared machine
CMD = 180           # one command in the guest shell
SHELL_READY = r"\[linux\] [^\n]*(/ #|~ #)"


@pytest.fixture(scope="module")
def linux(tmp_path_factory):
    """hvboot at its prompt with Linux running in the guest, at its shell."""
    work = tmp_path_factory.mktemp("linux")
    esp = copy_esp(str(work / "esp"))
    sock = str(work / "monitor.sock")
    # The monitor on its own socket (for PS/2 keys), so the serial line is
    # stdio alone; signal=off so that Ctrl-C reaches it, as under `make run`
    # (QEMU would make it a SIGINT that ends QEMU).
    m = Machine(f"linux-{work.name}", esp, workdir=str(work), cpu="max",
                extra=["-monitor", f"unix:{sock},server,nowait",
                       "-chardev", "stdio,id=ser,signal=off", "-serial", "chardev:ser"])
    m.mon = None
    try:
        m.expect(PROMPT)
        m.mon = Monitor(sock)
        start(m)
        yield m
    finally:
        if m.mon:
            m.mon.close()
        m.close()


def start(m):
    """`guest run linux` up to the user-space line; returns the lines before it."""
    m.p.send("guest run linux\r")
    before = m.expect(re.escape(MARKER), timeout=BOOT)
    settle(m)
    return before


def settle(m):
    """Waits until the guest's shell has printed its prompt's line (the
    prompt itself stays in the line buffer until the next newline, so a
    round trip through `echo` is the proof)."""
    sh(m, "true")


_seq = [0]


def sh(m, command, timeout=CMD):
    """Runs command in the guest shell; returns its output lines without
    the `[linux] ` prefix. The end is an echo whose text only the shell's
    arithmetic produces, so the echoed command line cannot match it."""
    _seq[0] += 1
    n = _seq[0]
    m.p.send(f"{command}; echo @@end-$(({n}*1000+7))\r")
    text = m.expect(re.escape(f"[linux] @@end-{n * 1000 + 7}"), timeout=timeout)
    lines = []
    for line in text.split("\n"):
        if line.startswith("[linux] "):
            body = line[len("[linux] "):]
            if f"echo @@end-$(({n}*1000+7))" in body:
                continue    # the echo of what we typed
            lines.append(body)
    return lines


def test_linux_boots_to_user_space_with_its_console_prefixed(linux):
    # The fixture reached the marker; the kernel's own lines are prefixed too.
    log = linux.tail(400)
    assert MARKER in log
    assert "guest linux:" not in log, log


def test_linux_sees_one_cpu_without_svm(linux):
    out = sh(linux, "grep -c ^processor /proc/cpuinfo; grep -c -w svm /proc/cpuinfo")
    assert out[-2:] == ["1", "0"], out
    flags = sh(linux, "grep -m1 ^flags /proc/cpuinfo")
    assert flags and flags[0].startswith("flags"), flags
    words = flags[0].split(":", 1)[1].split()
    assert "svm" not in words and "x2apic" not in words and "monitor" not in words, words
    assert "hypervisor" in words and "lm" in words, words


def test_linux_sleep_2_takes_about_2_s_of_guest_uptime(linux):
    out = sh(linux, "read a b < /proc/uptime; sleep 2; read c d < /proc/uptime; "
                    "echo uptime $a $c")
    line = next(l for l in out if l.startswith("uptime "))
    a, c = (float(x) for x in line.split()[1:])
    assert 1.9 <= c - a <= 2.6, line


def test_linux_reads_a_line_typed_on_com1(linux):
    linux.p.send("read line; echo got:$line\r")
    linux.p.send("typed-by-the-host 42\r")
    linux.expect(re.escape("[linux] got:typed-by-the-host 42"), timeout=CMD)
    settle(linux)


def test_linux_reads_keys_typed_on_the_ps2_keyboard(linux):
    """QEMU's sendkey into the host's i8042: the console layer hands the
    keys to the guest's UART like COM1's bytes."""
    linux.mon.type("echo ps2-")
    # $((6*7)) on a US layout; the shell's arithmetic makes the echo of
    # what was typed differ from its output.
    linux.mon.keys("shift-4", "shift-9", "shift-9", "6", "shift-8", "7", "shift-0", "shift-0",
                   "ret")
    linux.expect(re.escape("[linux] ps2-42"), timeout=CMD)
    settle(linux)


def test_linux_ctrl_c_interrupts_the_shells_command(linux):
    # The console is the shell's controlling terminal (/init's cttyhack):
    # Ctrl-C from COM1 reaches the guest and SIGINT ends the command.
    linux.p.send("sleep 1000\r")
    linux.expect(re.escape("sleep 1000"), timeout=CMD)
    time.sleep(1)
    linux.p.send("\x03")
    assert sh(linux, "echo status=$?")[-1] == "status=130"


def test_linux_poweroff_exits_with_code_0(linux):
    # busybox's poweroff asks init (SIGUSR2), which powers the kernel off.
    linux.p.send("poweroff\r")
    out = linux.expect(PROMPT, timeout=CMD)
    lines = [l for l in out.split("\n") if l.strip()]
    assert lines[-1] == "guest linux: exited with code 0", lines[-5:]
    listed = linux.cmd("guest list")
    assert any(re.fullmatch(r"linux\s+\d+ bytes  exited with code 0", l) for l in listed), listed


def test_linux_runs_again_and_reboot_stops_with_reset(linux):
    start(linux)
    linux.p.send("reboot\r")     # through init (SIGTERM), as a user types it
    out = linux.expect(PROMPT, timeout=CMD)
    lines = [l for l in out.split("\n") if l.strip()]
    assert lines[-1] == "guest linux: stopped: reset", lines[-5:]


def test_linux_kernel_panic_stops_with_reset(linux):
    """panic=-1 reboots at once; the reboot is a reset, which stops the guest."""
    start(linux)
    linux.p.send("echo c > /proc/sysrq-trigger\r")
    out = linux.expect(PROMPT, timeout=CMD)
    lines = [l for l in out.split("\n") if l.strip()]
    assert any("Kernel panic" in l for l in lines), lines[-20:]
    assert lines[-1] == "guest linux: stopped: reset", lines[-5:]


def test_linux_ctrl_rbracket_stops_it_even_spinning(linux):
    """A shell loop that never sleeps: the host timer still preempts it."""
    start(linux)
    linux.p.send("while :; do :; done\r")
    linux.expect(re.escape("while :; do :; done"), timeout=CMD)
    linux.p.send("\x1d")
    out = linux.expect(PROMPT, timeout=CMD)
    lines = [l for l in out.split("\n") if l.strip()]
    assert lines[-1] == "guest linux: stopped: stopped by Ctrl-]", lines[-5:]


def test_linux_guest_info_counts_its_exits(linux):
    out = linux.cmd("guest info linux")
    exits = next(l for l in out if l.startswith("exits:"))
    # The last run (stopped by Ctrl-] at its shell): ports, CPUID, and the
    # host timer's exits that deliver its clock's interrupts.
    for kind in ("IOIO", "CPUID", "INTR"):
        assert re.search(rf"\b{kind} [1-9]\d*", exits), exits
    plat = next(l for l in out if l.startswith("platform: "))
    assert re.match(r"platform: [1-9]\d* interrupts injected; ports no device claims: \d+ reads, "
                    r"\d+ writes.*; unknown MSRs: \d+ reads, \d+ writes", plat), plat


def test_selftest_is_clean_after_the_linux_runs(linux):
    out = linux.cmd("selftest", timeout=300)
    assert re.fullmatch(r"selftest: \d+ passed, 0 failed", out[-1]), out[-10:]


def test_too_little_memory_for_linux_is_one_line_and_other_guests_run(machines, tmp_path):
    """256 MiB of RAM has no 258 MiB run for the Linux guest: one error
    line, and the 64 MiB test guest still runs before and after."""
    esp = copy_esp(str(tmp_path / "esp"))
    m = machines("linux-small", esp, workdir=str(tmp_path), cpu="max", mem="256M")
    m.expect(PROMPT)
    assert m.cmd("guest run test probe no-nul", timeout=CMD)[-1].startswith("guest test: ")
    assert m.cmd("guest run linux", timeout=CMD) == [
        "error: no EfiConventionalMemory run of 258 MiB for guest memory"]
    assert m.cmd("guest run test probe no-nul", timeout=CMD)[-1].startswith("guest test: ")
