"""The Linux guest's figures of `make bench` (tools/bench.py; README:
Figures): its boot against the same kernel booted directly by QEMU, its
exits per second, and what one GetVariable costs it, at its EFI shim and
from its user space."""
import os
import re
import time

import pexpect

from benchqemu import ICOUNT, PROMPT, BootError, Qemu

LINUX_MARKER = "linux-guest: user space up"


def linux_args(esp):
    """The Linux guest's command line: the ESP config's `args = linux` line."""
    with open(os.path.join(esp, "hvboot", "hvboot.cfg")) as f:
        for line in f:
            m = re.match(r"\s*args\s*=\s*linux\s+(.*?)\s*$", line.split("#", 1)[0])
            if m:
                return m.group(1)
    raise BootError("hvboot.cfg has no `args = linux` line")


def linux_direct(work, esp, args, i):
    """Seconds from QEMU's start to the user-space line, the kernel and
    initramfs of the ESP booted by QEMU itself."""
    kdir = os.path.join(esp, "hvboot", "linux")
    argv = ["qemu-system-x86_64", "-machine", "pc", "-cpu", "max", "-m", "256M", "-nographic",
            "-no-reboot", "-net", "none", "-kernel", os.path.join(kdir, "vmlinuz"),
            "-initrd", os.path.join(kdir, "initramfs.gz"), "-append", args]
    log = open(os.path.join(work, "logs", f"linux-direct-{i}.log"), "w", encoding="utf-8",
               errors="replace")
    t0 = time.monotonic()
    p = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", codec_errors="replace", timeout=600)
    p.logfile_read = log
    try:
        p.expect(LINUX_MARKER)
        return time.monotonic() - t0
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        raise BootError(f"linux-direct-{i}: waiting for {LINUX_MARKER!r}: {type(e).__name__}; "
                        f"serial log: {log.name}") from None
    finally:
        p.terminate(force=True)
        log.close()


def parse_guest_exits(lines):
    """`guest info NAME`'s `exits: KIND N KIND N …` line."""
    for line in lines:
        if line.startswith("exits:"):
            words = line.split()[1:]
            return {k: int(v) for k, v in zip(words[::2], words[1::2]) if v.isdigit()}
    raise BootError(f"guest info: no exits line in {lines[-3:]}")


def linux_guest(work, esp, i):
    """(seconds from `guest run linux` to the user-space line, exits by
    reason per second of the run) on hvboot with -cpu max."""
    q = Qemu(f"linux-hv-{i}", esp, work, extra=["-cpu", "max"], timeout=900)
    try:
        q.wait(PROMPT)
        q.p.send("guest run linux\r")
        t0 = time.monotonic()
        q.wait(re.escape("[linux] " + LINUX_MARKER))
        boot_s = time.monotonic() - t0
        q.p.send("\x1d")
        q.wait(re.escape("guest linux: stopped"))
        run_s = time.monotonic() - t0
        q.wait(PROMPT)
        exits = parse_guest_exits(q.cmd("guest info linux"))
        return boot_s, {k: v / run_s for k, v in exits.items()}
    finally:
        q.close()


GV_READS = 2000
EFIVAR_BOOTORDER = "/sys/firmware/efi/efivars/BootOrder-8be4df61-93ca-11d2-aa0d-00e098032b8c"


def linux_getvariable(work, esp, i, reads=GV_READS):
    """Instructions per GetVariable from the Linux guest's efivarfs, under
    -icount (README: Figures): the guest's shell reads BootOrder's efivarfs
    file `reads` times with its `read` builtin (no fork), then a copy of it
    on the initramfs the same number of times. The guest's clock is the
    hypervisor's TSC over its calibration (README: the Linux guest's
    platform), and the TSC counts instructions, so the difference of the
    two loops' guest seconds times the TSC's rate is the instructions the
    efivarfs reads cost over plain reads; `guest info linux` gives how many
    GetVariable hypercalls they made (each read() of an efivarfs file asks
    the size, then the data)."""
    q = Qemu(f"linux-gv-{i}", esp, work, extra=ICOUNT + ["-cpu", "max"], timeout=3000)
    try:
        q.wait(PROMPT)
        m = re.search(r"by the TSC \((\d+) kHz\)", "\n".join(q.cmd("rt")))
        if not m:
            raise BootError(f"{q.name}: `rt` shows no TSC rate")
        tsc_hz = int(m.group(1)) * 1000
        q.p.send("guest run linux\r")
        q.wait(re.escape("[linux] " + LINUX_MARKER))
        loop = ("i=0; while [ $i -lt {n} ]; do read -r x < {f}; i=$((i+1)); done; "
                "read u0 _ < /proc/uptime; ")
        script = (f"f={EFIVAR_BOOTORDER}; cat $f > /gvcopy; read t0 _ < /proc/uptime; "
                  + loop.format(n=reads, f="$f").replace("u0", "t1")
                  + loop.format(n=reads, f="/gvcopy").replace("u0", "t2")
                  + "echo gv-times $t0 $t1 $t2 $((3*1000+7))")
        q.p.send(script + "\r")
        q.wait(r"\[linux\] gv-times ([0-9.]+) ([0-9.]+) ([0-9.]+) 3007", timeout=3000)
        t0, t1, t2 = (float(g) for g in q.p.match.groups())
        q.p.send("\x1d")
        q.wait(re.escape("guest linux: stopped"))
        q.wait(PROMPT)
        calls, shim, hv_cycles = 0, {}, None
        for line in q.cmd("guest info linux"):
            m = re.search(r"\bGetVariable (\d+)", line)
            if line.startswith("hypercalls:") and m:
                calls = int(m.group(1))
            elif line.startswith("cycles per hypercall:") and m:
                hv_cycles = int(m.group(1))
            elif line.startswith("efi calls"):
                shim = {k: (int(n), int(c)) for k, n, c in
                        re.findall(r"(\S+) (\d+) x (\d+)", line.split(":", 1)[1])}
        if "GetVariable" not in shim or "GetVariable(size)" not in shim or hv_cycles is None:
            raise BootError(f"{q.name}: guest info linux: no shim or hypercall cycles")
        # Every read makes the same calls; the boot's few (fewer than
        # `reads`) are left out by the floor.
        per_read = calls // reads
        if not per_read:
            raise BootError(f"{q.name}: {calls} GetVariable hypercalls for {reads} reads")
        extra_insns = ((t1 - t0) - (t2 - t1)) * tsc_hz
        (n_data, c_data), (n_size, c_size) = shim["GetVariable"], shim["GetVariable(size)"]
        shim_mean = (n_data * c_data + n_size * c_size) / (n_data + n_size)
        e2e = extra_insns / (per_read * reads)
        return {"insns_per_call": c_data, "size_query_insns": c_size,
                "hv_insns_per_call": hv_cycles, "efivarfs_insns_per_call": e2e,
                "linux_share_insns": e2e - shim_mean, "calls": per_read * reads,
                "calls_total": calls, "reads": reads,
                "efivarfs_s": t1 - t0, "copy_s": t2 - t1, "tsc_hz": tsc_hz}
    finally:
        q.close()
