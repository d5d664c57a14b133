"""Boot tests: QEMU (TCG) + Debian's OVMF or U-Boot's UEFI, driven over the
serial console. Every wait has a timeout; on failure the serial log is
printed."""
import os
import re
import shutil
import sys
import time

import pexpect
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import hvqemu  # noqa: E402

PROMPT = "hv> "
BOOT_TIMEOUT = int(os.environ.get("HVBOOT_BOOT_TIMEOUT", "180"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>c]")
LOG_DIR = os.path.join(BUILD, "logs", "rt")
# The one line the watchdog prints while a runtime call is slow (README
# "Runtime-call deadlines"). Whether a call crosses 2 s depends on the host's
# load, so cmd() leaves it out unless asked: tests that are about it pass
# notices=True and assert it exactly.
SLOW_NOTICE = re.compile(r"hv: [A-Za-z]+ still running after \d+ m?s")


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


class Machine:
    """One QEMU run. `out` collects everything the serial port printed."""

    def __init__(self, name, drive, code=hvqemu.CODE, vars_path=None, mem="512M",
                 machine=None, extra=(), vars_template=hvqemu.VARS, workdir=None,
                 more_drives=(), no_reboot=True, firmware="ovmf", bios=None, smp=1,
                 cpu=None, display=None):
        """firmware="uboot": drive is a disk image (build/disk.img); the
        machine boots a private copy, since U-Boot writes to it. bios: a
        -bios image instead of the pflash pair (the combined OVMF.fd); no
        VARS file then. machine None: the firmware's default (q35 / pc)."""
        os.makedirs(LOG_DIR, exist_ok=True)
        self.name = name
        self.firmware = firmware
        if firmware == "uboot":
            drive = hvqemu.private_disk(drive, os.path.join(workdir or BUILD, f"disk-{name}.img"))
            vars_path = None
        elif bios is None and vars_path is None:
            vars_path = os.path.join(workdir or BUILD, f"vars-{name}.fd")
            hvqemu.fresh_vars(vars_path, vars_template)
        self.vars_path = vars_path
        self.argv = hvqemu.command(drive, code=code, vars_path=vars_path, mem=mem, smp=smp,
                                  machine=machine, extra=extra, more_drives=more_drives,
                                  no_reboot=no_reboot, firmware=firmware, bios=bios, cpu=cpu,
                                  display=display)
        self.log_path = os.path.join(LOG_DIR, f"{name}.log")
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self.p = pexpect.spawn(self.argv[0], self.argv[1:], encoding="utf-8",
                               codec_errors="replace", timeout=BOOT_TIMEOUT,
                               dimensions=(50, 200))
        self.p.logfile_read = self.log
        self.started = time.monotonic()

    def expect(self, pattern, timeout=BOOT_TIMEOUT):
        """Waits for pattern (regex or list); returns the cleaned text before it."""
        try:
            idx = self.p.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise AssertionError(f"{self.name}: waiting for {pattern!r}: {type(e).__name__}\n"
                                 f"--- serial log tail ---\n{self.tail()}") from None
        self.last_index = idx
        return clean(self.p.before)

    def boot_to_shell(self):
        self.expect(PROMPT)
        return self.elapsed()

    def elapsed(self):
        return time.monotonic() - self.started

    def cmd(self, line, timeout=60, notices=False):
        """Runs one shell command; returns its output lines (echo removed),
        without the watchdog's slow-call notices unless notices=True."""
        self.p.send(line + "\r")
        text = self.expect(PROMPT, timeout=timeout)
        lines = text.split("\n")
        # First line is the echo of the command.
        if lines and lines[0].strip() == line.strip():
            lines = lines[1:]
        return [l for l in lines if l.strip() != "" and
                (notices or not SLOW_NOTICE.fullmatch(l.strip()))]

    def cmd_until_exit(self, line, timeout=60):
        """Sends a command that should end QEMU (a reset under -no-reboot).
        Returns (exit status, output); status None when the prompt came
        back instead, so a refusal fails at once rather than at a timeout."""
        self.p.send(line + "\r")
        text = self.expect([pexpect.EOF, PROMPT], timeout=timeout)
        if self.last_index == 1:
            return None, [l for l in text.split("\n")[1:] if l.strip()]
        self.p.close()
        return self.p.exitstatus, [l for l in text.split("\n")[1:] if l.strip()]

    def wait_exit(self, timeout=60):
        try:
            self.p.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError(f"{self.name}: QEMU did not exit\n{self.tail()}") from None
        self.p.close()
        return self.p.exitstatus

    def tail(self, n=60):
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "\n".join(clean(f.read()).split("\n")[-n:])

    def close(self):
        if self.p.isalive():
            self.p.terminate(force=True)
        self.log.close()


@pytest.fixture
def machines(request):
    """Factory: machines(name, drive, ...) → Machine, killed at teardown."""
    made = []

    def make(name, drive, **kw):
        m = Machine(name, drive, **kw)
        made.append(m)
        return m

    yield make
    failed = getattr(request.node, "rep_call", None)
    for m in made:
        if failed is not None and failed.failed:
            print(f"\n--- serial log of {m.name} ({m.log_path}) ---\n{m.tail(80)}")
        m.close()


@pytest.fixture(autouse=True)
def serial_tail_on_failure(request):
    """Prints the serial log tail of every Machine a failed test used,
    module-scoped ones included (the `machines` factory prints its own)."""
    yield
    rep = getattr(request.node, "rep_call", None)
    if rep is None or not rep.failed:
        return
    for value in getattr(request.node, "funcargs", {}).values():
        if isinstance(value, Machine):
            print(f"\n--- serial log of {value.name} ({value.log_path}) ---\n{value.tail(80)}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def copy_esp(dst, cfg=None, hv=None, hv_bytes=None, cfg_text=None):
    """A private copy of build/esp with an optional config or hypervisor swapped in."""
    shutil.copytree(os.path.join(BUILD, "esp"), dst)
    if cfg_text is not None:
        with open(os.path.join(dst, "hvboot", "hvboot.cfg"), "w") as f:
            f.write(cfg_text)
    if hv_bytes is not None:
        with open(os.path.join(dst, "hvboot", "hv.elf"), "wb") as f:
            f.write(hv_bytes)
    return dst


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    """The default ESP booted once per test module, at the hv> prompt."""
    work = tmp_path_factory.mktemp("shell")
    esp = copy_esp(str(work / "esp"))
    m = Machine(f"shell-{os.getpid()}-{work.name}", esp, workdir=str(work))
    try:
        m.banner = m.expect(PROMPT)
        m.boot_secs = m.elapsed()
        yield m
    finally:
        m.close()
