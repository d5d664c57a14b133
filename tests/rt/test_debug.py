"""make debug (README: Debugging): QEMU halted with its gdb stub, and the gdb
line it prints, run here in batch mode: it stops at hv_main with the
hypervisor's symbols, loads the loader's at the base the loader logged, and
the helpers of tools/hvboot.gdb walk the live tables and show rt/'s state.
One boot, every wait bounded."""
import os
import re
import select
import shlex
import signal
import socket
import subprocess
import time

from conftest import BUILD, ROOT


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_until(p, pattern, timeout):
    """Lines of p's stdout until one matches pattern; that match."""
    deadline, buf = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 1)
        if r:
            chunk = os.read(p.stdout.fileno(), 4096).decode(errors="replace")
            if not chunk:
                break
            buf += chunk
            m = re.search(pattern, buf, re.M)
            if m:
                return m
    raise AssertionError(f"make debug: no {pattern!r} in:\n{buf[-3000:]}")


def test_make_debug_prints_a_gdb_line_that_reaches_hv_main_with_both_symbol_sets():
    port = free_port()
    make = subprocess.Popen(["make", "-s", "-C", ROOT, "debug", f"GDB_PORT={port}",
                             f"BUILD={BUILD}"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        line = read_until(make, r"^  (gdb .*)$", 300).group(1)
        assert f"target remote :{port}" in line and "hv.dbg" in line
        argv = shlex.split(line) + ["-batch", "-ex", "info symbol $pc",
                                    "-ex", "info address efi_main", "-ex", "hv-pt hv_main",
                                    "-ex", "hv-pt 0", "-ex", "hv-rt", "-ex", "monitor quit"]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=180, cwd=ROOT)
        out = r.stdout + r.stderr
        assert re.search(r"Breakpoint 1, hv_main \(bi=0x[0-9a-f]+\) at hv/main\.c", out), out
        assert "hv_main in section .text of" in out, out
        # The loader's symbols sit at the base it logged, plus each
        # symbol's offset in the .so (nm, independently of gdb).
        log = open(os.path.join(BUILD, "debug", "serial.log"), errors="replace").read()
        base = int(re.search(r"hvboot: loader image base (0x[0-9a-f]+)", log).group(1), 16)
        nm = subprocess.run(["nm", os.path.join(BUILD, "BOOTX64.so")], capture_output=True,
                            text=True, check=True).stdout
        off = int(re.search(r"^([0-9a-f]+) [tT] efi_main$", nm, re.M).group(1), 16)
        m = re.search(r'Symbol "efi_main" is at (0x[0-9a-f]+)', out)
        assert m and int(m.group(1), 16) == base + off, out
        # hv-pt: hv_main's page is a present 4 KiB leaf, page 0 is absent.
        walks = out.split("va 0x")
        assert re.search(r"PT +\[ *\d+\] 0x[0-9a-f]+ +P\b.*\n +-> pa 0x[0-9a-f]+ \(4 KiB page\)",
                         walks[1]), out
        assert "not present" in walks[2], out
        assert re.search(r"^rt_gate\.enabled = (true|false)$", out, re.M), out
        assert "rt_gate.stats = {" in out, out
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
