#!/usr/bin/python3
"""make debug (README: Debugging): QEMU + OVMF halted at the first
instruction with its gdb stub, and the gdb command line that loads the
hypervisor's symbols (build/hv.dbg), runs to hv_main, and loads the
loader's (build/BOOTX64.so) at the image base the loader logged. The serial console is on this terminal and
in BUILD/debug/serial.log; DEBUG_RUN=1 runs gdb here instead (the serial
then goes only to the log)."""
import argparse
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def gdb_line(build, port, log):
    return ["gdb", "-q", "-x", os.path.join(ROOT, "tools", "hvboot.gdb"),
            "-ex", f"file {os.path.join(build, 'hv.dbg')}",
            "-ex", f"target remote :{port}",
            "-ex", "hbreak hv_main", "-ex", "continue",
            "-ex", f"hv-loader {log} {os.path.join(build, 'BOOTX64.so')}"]


def qemu_line(a, log, background):
    vars_path = hvqemu.fresh_vars(os.path.join(a.build, "debug", "vars.fd"), hvqemu.VARS)
    cmd = hvqemu.command(a.esp, code=a.code or hvqemu.CODE, vars_path=vars_path, mem=a.mem,
                         smp=a.smp, machine=a.machine or None, no_reboot=False)
    # COM1 to the log (and this terminal, with QEMU's monitor on Ctrl-A c),
    # halted (-S) with the gdb stub on the port.
    cmd.remove("-nographic")
    if background:
        serial = ["-chardev", f"file,id=com1,path={log}", "-serial", "chardev:com1",
                  "-monitor", "none"]
    else:
        serial = ["-chardev", f"stdio,id=com1,mux=on,signal=off,logfile={log}",
                  "-serial", "chardev:com1", "-mon", "chardev=com1"]
    return cmd + ["-display", "none"] + serial + ["-gdb", f"tcp::{a.port}", "-S"]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--build", default="build")
    p.add_argument("--esp", default="")
    p.add_argument("--code", default="")
    p.add_argument("--mem", default="512M")
    p.add_argument("--smp", default="1")
    p.add_argument("--machine", default="")
    p.add_argument("--port", type=int, default=1234)
    p.add_argument("--run", action="store_true", help="run gdb here (DEBUG_RUN=1)")
    a = p.parse_args(argv)
    a.build = os.path.abspath(a.build)
    a.esp = a.esp or os.path.join(a.build, "esp")
    os.makedirs(os.path.join(a.build, "debug"), exist_ok=True)
    log = os.path.join(a.build, "debug", "serial.log")
    open(log, "w").close()
    gdb = gdb_line(a.build, a.port, log)
    qemu = qemu_line(a, log, a.run)
    print("+ " + " ".join(qemu), flush=True)
    if not a.run:
        print("hvboot: QEMU is halted with its gdb stub on :%d; in another terminal:" % a.port)
        print("  " + " ".join(shlex.quote(x) for x in gdb), flush=True)
        os.execvp(qemu[0], qemu)
    q = subprocess.Popen(qemu, stdin=subprocess.DEVNULL)
    try:
        return subprocess.call(gdb)
    finally:
        q.terminate()
        q.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
