"""One QEMU booting an ESP for `make bench` (tools/bench.py), its serial
console on a pty: the clock starts just before the spawn, every wait
returns the seconds since, and a shell command's output comes back as
lines (an `error:` line raises BootError)."""
import os
import re
import sys
import time

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

PROMPT = "hv> "
# -icount shift=0: RDTSC counts guest instructions (README: Figures);
# sleep=off keeps idle firmware waits from adding host time to the count.
ICOUNT = ["-icount", "shift=0,sleep=off"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>c]")


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


class BootError(Exception):
    pass


class Qemu:
    """One QEMU, serial on a pty; the clock starts just before the spawn."""

    def __init__(self, name, drive, work, mem="512M", extra=(), vars_path=None, timeout=600):
        self.name = name
        self.timeout = timeout
        if vars_path is None:
            vars_path = hvqemu.fresh_vars(os.path.join(work, f"vars-{name}.fd"))
        argv = hvqemu.command(drive, vars_path=vars_path, mem=mem, extra=list(extra))
        self.log_path = os.path.join(work, "logs", f"{name}.log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self.t0 = time.monotonic()
        self.p = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", codec_errors="replace",
                               timeout=timeout, dimensions=(50, 200))
        self.p.logfile_read = self.log

    def wait(self, pattern, timeout=None):
        """Seconds from the spawn until pattern appeared."""
        try:
            self.p.expect(pattern, timeout=timeout or self.timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise BootError(f"{self.name}: waiting for {pattern!r}: {type(e).__name__}; "
                            f"serial log: {self.log_path}") from None
        return time.monotonic() - self.t0

    def cmd(self, line, timeout=600):
        self.p.send(line + "\r")
        self.wait(PROMPT, timeout)
        lines = clean(self.p.before).split("\n")
        if lines and lines[0].strip() == line:
            lines = lines[1:]
        out = [l for l in lines if l.strip()]
        errors = [l for l in out if l.startswith("error: ")]
        if errors:
            raise BootError(f"{self.name}: {line}: {errors[0]}")
        return out

    def close(self):
        if self.p.isalive():
            self.p.terminate(force=True)
        self.log.close()
