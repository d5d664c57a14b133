#!/usr/bin/python3
"""make bench: hvboot's figures (README: make targets) — a table on stdout and
build/bench.json. Figures, never pass/fail: the exit status is 0 unless a
boot could not be driven at all.

Two kinds of runs, each figure a median:

  wall time   QEMU start to `hv> ` (boot_prompt_s) and to the null app's
              "nullapp: done" (null_app_s; the same ESP with the null app as
              BOOTX64.EFI), 512 MiB, one QEMU at a time
              (the only figures another QEMU would disturb), each with a
              VARS file of its own warmed by one boot first; --wall-runs
              (default 11) of each, interleaved. Beside them: the share after
              OVMF starts the boot option, and QEMU's CPU time.
  icount      QEMU -icount shift=0,sleep=off: RDTSC counts guest
              instructions (README: Figures), so the loader's own work, the
              firmware's share and the runtime calls are instruction counts
              that do not depend on the host; sleep=off keeps idle firmware
              waits from adding host time to the count. --runs (default 5)
              of each, --jobs (default 2) QEMUs at a time.

  loader_insns     (tsc[hv_entry] - tsc[efi_main]) - fw_tsc - hash_tsc, from
                   `bootinfo`, at each --mems size (keys "512M", "4G", ...)
  rt_*             `rtbench N` in the bench build (build/bench/esp: the loader
                   with -DHVBOOT_BENCH times the same calls natively)
  hypercall_cycles GetVariable(BootOrder) timed inside the test guest (same
                   rt boot, -cpu max), against rt_call_cycles GetVariable;
                   vmexit_roundtrip_insns the version hypercall (one VMRUN ->
                   #VMEXIT -> VMRUN); guest_start_s one short guest run
  pt_*             bootinfo "pool pages used" against tools/mapplan's minimum
                   for the `memmap --raw` of the same boot

  linux (wall time, --linux-runs, default 3, one QEMU at a time):
  linux_boot_ratio `guest run linux` to the initramfs's user-space line,
                   over the same kernel, initramfs and command line (the
                   ESP config's `args = linux`) booted directly by QEMU
                   (-machine pc -cpu max -m 256M -kernel -initrd -append),
                   from its start to the same line
  guest_exits_per_s the Linux guest's exits by reason (`guest info linux`)
                   over the seconds of that run
  guest_getvariable_cycles (when --linux-runs is not 0; --runs -icount
                   boots, -cpu max) one GetVariable (BootOrder, with a data
                   buffer) that the Linux guest's efivarfs makes through its
                   EFI shim, in instructions, from Linux's call into the
                   shim to its return (the shim's own count, `guest info
                   linux`'s `efi calls` line: the hypercall, the exit, the
                   hypervisor's call into firmware); against rt_call_cycles
                   GetVariable. Beside it, the hypervisor's share (`cycles
                   per hypercall`) and
  guest_efivarfs_getvariable_cycles the same calls seen from user space: the
                   guest shell reads BootOrder's efivarfs file and a copy of
                   it on the initramfs the same number of times, the
                   difference of the two loops' guest time (the hypervisor's
                   TSC, which counts instructions) over the GetVariable
                   hypercalls they made; what is not the shim's is Linux's
                   own (guest_linux_efi_share_cycles: efivarfs, its EFI
                   runtime wrapper's lock, work queue, page tables and FPU)

Everything boots from private copies of the ESPs (others rebuild build/).
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import hvqemu  # noqa: E402
from benchqemu import ICOUNT, PROMPT, BootError, Qemu  # noqa: E402
from bench_linux import linux_args, linux_direct, linux_getvariable, linux_guest  # noqa: E402

NULL_DONE = "nullapp: done"
SERVICES = ["GetVariable", "SetVariable", "GetTime", "QueryVariableInfo"]
# A call through the layer costs a fixed number of instructions on top of
# the firmware's own: the address-space switch and back, the CPU state put
# back after it, the watchdog armed and masked (README: Runtime services
# after boot). For a call shorter than this the ratio says more about the
# call than the layer: its target is that fixed cost instead.
RT_RATIO_MIN_NATIVE = 2000

# The targets, shown beside the figures (never enforced).
TARGETS = {
    "pt_ratio": "<= 1.05",
    "loader_insns": "<= 500,000 at 4G",
    "loader_insns_1t_vs_4g": "<= 1.2",
    "rt_ratio": "<= 1.05",
    "rt_overhead": f"<= {200:,} insns over native",
    "boot_ratio": "<= 1.10",
    "loader_bytes": "<= 65,536",
    "hv_bytes": "<= 262,144",
    "hypercall_ratio": "<= 1.25",
    "linux_boot_ratio": "<= 1.5",
    "guest_getvariable_ratio": "<= 1.5",
}


# ---------------------------------------------------------------- parsing

def parse_bootinfo(lines):
    """The figures bench needs from `bootinfo` (hv/cmd_bootinfo.c)."""
    text = "\n".join(lines)
    stamps = {m.group(1): int(m.group(2))
              for m in re.finditer(r"^\s+(\w+)\s+\+(\d+)\s*$", text, re.M)}
    fields = {}
    for key, pattern in (("fw", r"^\s+in firmware calls\s+(\d+)"),
                         ("hash", r"^\s+hashing hv\.elf\s+(\d+)"),
                         ("pool_used", r"^\s+pool pages used\s+(\d+)"),
                         ("image_kib", r"^\s+image\s+pa .*?(\d+) KiB\s*$")):
        m = re.search(pattern, text, re.M)
        if not m:
            raise BootError(f"bootinfo: no {key!r} in its output")
        fields[key] = int(m.group(1))
    # The framebuffer the loader mapped (pa, KiB): mapplan counts it too.
    m = re.search(r"^\s+base\s+pa (0x[0-9a-f]+)\s+va 0x[0-9a-f]+\s+(\d+) KiB\s*$", text, re.M)
    fields["fb"] = f"{m.group(1)}:{m.group(2)}" if m else None
    m = re.search(r"^\s+cpu\s*(.*)$", text, re.M)
    fields["cpu_1g"] = bool(m and "1g-pages" in m.group(1))
    for s in ("efi_main", "hv_entry"):
        if s not in stamps:
            raise BootError(f"bootinfo: stamp {s} not recorded")
    fields["stamps"] = stamps
    fields["loader"] = stamps["hv_entry"] - stamps["efi_main"] - fields["fw"] - fields["hash"]
    return fields


def parse_rtbench(lines):
    out = {}
    for line in lines:
        m = re.match(r"^(\w+)\s+(\d+)\s+(\d+)\s+(\d+|-)\s", line + " ")
        if m and m.group(1) in SERVICES:
            out[m.group(1)] = {"hv": int(m.group(2)), "in_fw": int(m.group(3)),
                               "native": None if m.group(4) == "-" else int(m.group(4))}
    missing = [s for s in SERVICES if s not in out]
    if missing:
        raise BootError(f"rtbench: no figures for {', '.join(missing)}")
    return out


# ---------------------------------------------------------------- runs

def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


BDS_START = "BdsDxe: starting Boot"


def wall_boot(work, esp, vars_path, name, marker):
    """(wall seconds, seconds until OVMF starts the boot option, QEMU CPU
    seconds) from QEMU start to marker. QEMU is killed at the marker (the
    null app's exits by itself), so the CPU time of the reaped child is,
    within a few ms, its CPU time to the marker: a companion figure that
    another busy process on the host disturbs less than the wall time."""
    cpu0 = children_cpu()
    q = Qemu(name, esp, work, vars_path=vars_path, timeout=300)
    try:
        bds = q.wait(BDS_START)
        wall = q.wait(marker)
    finally:
        q.close()
    return wall, bds, children_cpu() - cpu0


def parse_guest_bench(lines):
    """`guest run test probe bench N`: median TSC deltas measured inside
    the guest (tests/guest/guest.c)."""
    out = {}
    for line in lines:
        m = re.fullmatch(r"\[test\] bench (\w+) (\d+)", line.strip())
        if m:
            out[m.group(1)] = int(m.group(2))
    if set(out) != {"GetVariable", "version"} or lines[-1] != "guest test: exited with code 0":
        raise BootError(f"guest bench: unexpected output {lines[-3:]}")
    return out


def icount_boot(work, esp, mem, i, rtbench_n=0, want_map=False):
    """One -icount boot to the prompt: bootinfo, optionally the raw map and
    rtbench (then, on the same boot with -cpu max, the test guest's
    hypercall timings and the wall time of one guest run). The VARS file
    is fresh, so every run starts alike."""
    name = f"icount-{'rt' if rtbench_n else 'boot'}-{mem}-{i}"
    extra = ICOUNT + (["-cpu", "max"] if rtbench_n else [])
    q = Qemu(name, esp, work, mem=mem, extra=extra, timeout=3000)
    try:
        q.wait(PROMPT)
        res = parse_bootinfo(q.cmd("bootinfo"))
        if want_map:
            res["memmap"] = q.cmd("memmap --raw")
        if rtbench_n:
            res["rt"] = parse_rtbench(q.cmd(f"rtbench {rtbench_n}", timeout=1800))
            res["guest"] = parse_guest_bench(q.cmd(f"guest run test probe bench {rtbench_n}",
                                                   timeout=1800))
            t0 = time.monotonic()
            q.cmd("guest run test probe no-nul", timeout=600)
            res["guest_start_s"] = time.monotonic() - t0
        res["mem"] = mem
        return res
    finally:
        q.close()


def copy_tree(src, dst):
    """A private copy of an ESP; retried, since a concurrent `make esp`
    empties and refills it."""
    for _ in range(5):
        shutil.rmtree(dst, ignore_errors=True)
        try:
            shutil.copytree(src, dst)
            if os.path.isfile(os.path.join(dst, "EFI", "BOOT", "BOOTX64.EFI")):
                return dst
        except (shutil.Error, OSError):
            pass
        time.sleep(1)
    raise SystemExit(f"bench: cannot copy {src} (is it built? make all bench-loader nullapp)")


def mapplan(work, mem, lines, image_kib, allow_1g, fb=None):
    path = os.path.join(work, f"memmap-{mem}.txt")
    with open(path, "w") as f:
        f.write(f"# memmap --raw from a {mem} bench boot\n")
        f.write("\n".join(l.strip() for l in lines) + "\n")
    argv = [os.path.join(ROOT, "tools", "mapplan"), path, "--json", "--image-kib", str(image_kib)]
    if not allow_1g:
        argv.append("--no-1g")
    if fb:
        argv += ["--fb", fb]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise BootError(f"mapplan {path}: {r.stderr.strip()}")
    return json.loads(r.stdout), path


def med(values):
    return statistics.median(values)


# ---------------------------------------------------------------- report

def fmt_int(v):
    return f"{v:,.0f}" if isinstance(v, (int, float)) else str(v)


def table(res):
    rows = []

    def row(name, value, target=""):
        rows.append((name, value, target))

    row("boot_prompt_s (512M, wall)", f"{res['boot_prompt_s']:.2f} s")
    row("null_app_s (512M, wall)", f"{res['null_app_s']:.2f} s")
    row("boot_ratio", f"{res['boot_ratio']:.3f}", TARGETS["boot_ratio"])
    row("  median of paired runs", f"{res['boot_ratio_paired']:.3f}")
    row("  after OVMF starts the option", f"{res['boot_prompt_after_bds_s']:.2f} / "
        f"{res['null_app_after_bds_s']:.2f} s")
    row("  same in QEMU CPU time", f"{res['boot_prompt_cpu_s']:.2f} / {res['null_app_cpu_s']:.2f} s"
        f" = {res['boot_cpu_ratio']:.3f}")
    for mem, v in res["loader_insns_by_mem"].items():
        row(f"loader_insns {mem}", fmt_int(v), TARGETS["loader_insns"] if mem == "4G" else "")
    if "1T" in res["loader_insns_by_mem"] and "4G" in res["loader_insns_by_mem"]:
        row("loader_insns 1T / 4G", f"{res['loader_insns_1t_vs_4g']:.3f}",
            TARGETS["loader_insns_1t_vs_4g"])
    for mem, v in res["firmware_insns_by_mem"].items():
        row(f"firmware_insns {mem}", fmt_int(v))
    for mem, v in res["hash_insns_by_mem"].items():
        row(f"hash_insns {mem}", fmt_int(v))
    for s in SERVICES:
        if s in res["rt_call_cycles"]:
            nat = res["rt_native_cycles"].get(s)
            ratio = res["rt_ratio"].get(s)
            short = nat is not None and nat < RT_RATIO_MIN_NATIVE
            row(f"rt {s} hv / native", f"{fmt_int(res['rt_call_cycles'][s])} / {fmt_int(nat)}"
                + (f" = {ratio:.3f}" if ratio else "")
                + (f" (+{fmt_int(res['rt_overhead'][s])})" if short else ""),
                TARGETS["rt_overhead"] if short else TARGETS["rt_ratio"])
    for mem in res["pt_pages"]:
        row(f"pt_pages / pt_min_pages {mem}",
            f"{res['pt_pages'][mem]} / {res['pt_min_pages'][mem]} = {res['pt_ratio'][mem]:.3f}",
            TARGETS["pt_ratio"])
    for mem, v in res["large_page_share"].items():
        row(f"large_page_share {mem}", f"{v:.4f}")
    if "hypercall_cycles" in res:
        row("hypercall_cycles GetVariable guest / hv", f"{fmt_int(res['hypercall_cycles'])} / "
            f"{fmt_int(res['rt_call_cycles']['GetVariable'])} = {res['hypercall_ratio']:.3f}",
            TARGETS["hypercall_ratio"])
        row("vmexit_roundtrip_insns (version hypercall)", fmt_int(res["vmexit_roundtrip_insns"]))
        row("guest_start_s (short guest run, -icount)", f"{res['guest_start_s']:.2f} s")
    if "guest_getvariable_cycles" in res:
        row("guest_getvariable_cycles Linux through the shim / hv",
            f"{fmt_int(res['guest_getvariable_cycles'])} / "
            f"{fmt_int(res['rt_call_cycles']['GetVariable'])} = "
            f"{res['guest_getvariable_ratio']:.3f} (in the hypervisor "
            f"{fmt_int(res['guest_getvariable_hv_cycles'])}; size query "
            f"{fmt_int(res['guest_getvariable_size_query_cycles'])})",
            TARGETS["guest_getvariable_ratio"])
        row("guest_efivarfs_getvariable_cycles from user space",
            fmt_int(res["guest_efivarfs_getvariable_cycles"]))
        row("  guest_linux_efi_share_cycles Linux's own of it",
            fmt_int(res["guest_linux_efi_share_cycles"]))
    if "linux_boot_ratio" in res:
        row("linux_boot_ratio (guest run / direct QEMU)", f"{res['linux_boot_s']:.2f} / "
            f"{res['linux_direct_s']:.2f} s = {res['linux_boot_ratio']:.3f}",
            TARGETS["linux_boot_ratio"])
        for k, v in res["guest_exits_per_s"].items():
            row(f"  guest_exits_per_s {k}", fmt_int(v))
    row("loader_bytes", fmt_int(res["loader_bytes"]), TARGETS["loader_bytes"])
    row("hv_bytes", fmt_int(res["hv_bytes"]), TARGETS["hv_bytes"])
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    out = [f"{'figure':<{w0}}  {'median':>{w1}}  target", "-" * (w0 + w1 + 20)]
    out += [f"{n:<{w0}}  {v:>{w1}}  {t}".rstrip() for n, v, t in rows]
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=5, help="runs per figure (median; default 5)")
    ap.add_argument("--mems", default="512M,4G,64G,1T", help="guest RAM sizes for loader_insns/pt_*")
    ap.add_argument("--wall-runs", type=int, default=11,
                    help="wall-time runs of each (default 11: they are cheap, and another "
                         "busy process on the host moves a wall time by tenths of a second)")
    ap.add_argument("--jobs", type=int, default=2, help="-icount QEMUs at a time (default 2)")
    ap.add_argument("--rtbench", type=int, default=11,
                    help="calls per service in one rtbench (default 11: each SetVariable "
                         "lengthens the variable store, so its median drifts with N)")
    ap.add_argument("--linux-runs", type=int, default=3,
                    help="Linux guest boots and direct QEMU boots (default 3 each; 0: none)")
    ap.add_argument("--json", default=None, help="where to write (default BUILD/bench.json)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (logs, maps)")
    a = ap.parse_args(argv)
    mems = [m.strip() for m in a.mems.split(",") if m.strip()]
    json_path = a.json or os.path.join(a.build, "bench.json")

    work = tempfile.mkdtemp(prefix="hvboot-bench-")
    esp = copy_tree(os.path.join(a.build, "esp"), os.path.join(work, "esp"))
    bench_esp = copy_tree(os.path.join(a.build, "bench", "esp"), os.path.join(work, "bench-esp"))
    # The null app boots from a copy of the same ESP, its BOOTX64.EFI the
    # only file changed: QEMU's FAT view of the folder and everything the
    # firmware does before it starts the boot option are then the same for
    # both, and the ratio measures the boot option alone.
    null_esp = copy_tree(os.path.join(a.build, "esp"), os.path.join(work, "null-esp"))
    shutil.copyfile(os.path.join(a.build, "nullapp", "esp", "EFI", "BOOT", "BOOTX64.EFI"),
                    os.path.join(null_esp, "EFI", "BOOT", "BOOTX64.EFI"))
    loader_bytes = os.path.getsize(os.path.join(esp, "EFI", "BOOT", "BOOTX64.EFI"))
    hv_bytes = os.path.getsize(os.path.join(esp, "hvboot", "hv.elf"))
    started = time.monotonic()
    print(f"bench: work folder {work}; {a.wall_runs} wall-time runs, {a.runs} -icount runs "
          f"per figure", flush=True)

    # Wall time: one QEMU at a time, hv and null app interleaved so a slow
    # patch of the host touches both; a warm-up boot of each fills its VARS.
    vars_hv = hvqemu.fresh_vars(os.path.join(work, "vars-wall-hv.fd"))
    vars_null = hvqemu.fresh_vars(os.path.join(work, "vars-wall-null.fd"))
    wall_boot(work, esp, vars_hv, "wall-hv-warmup", PROMPT)
    wall_boot(work, null_esp, vars_null, "wall-null-warmup", NULL_DONE)
    hv_s, null_s, hv_cpu, null_cpu, hv_bds, null_bds, loadavg = [], [], [], [], [], [], []
    for i in range(a.wall_runs):
        loadavg.append(os.getloadavg()[0])
        wall, bds, cpu = wall_boot(work, esp, vars_hv, f"wall-hv-{i}", PROMPT)
        hv_s.append(wall)
        hv_bds.append(bds)
        hv_cpu.append(cpu)
        wall, bds, cpu = wall_boot(work, null_esp, vars_null, f"wall-null-{i}", NULL_DONE)
        null_s.append(wall)
        null_bds.append(bds)
        null_cpu.append(cpu)
        print(f"bench: wall run {i + 1}/{a.wall_runs}: hv> {hv_s[-1]:.2f} s (boot option started "
              f"at {hv_bds[-1]:.2f} s, cpu {hv_cpu[-1]:.2f} s), null app {null_s[-1]:.2f} s "
              f"(started at {null_bds[-1]:.2f} s, cpu {null_cpu[-1]:.2f} s); "
              f"host load {loadavg[-1]:.1f}", flush=True)

    # The Linux guest against the same kernel booted by QEMU: one QEMU at a
    # time, interleaved, like the wall times above.
    lx_direct, lx_hv, lx_exits = [], [], []
    if a.linux_runs:
        args = linux_args(esp)
        os.makedirs(os.path.join(work, "logs"), exist_ok=True)
        for i in range(a.linux_runs):
            lx_direct.append(linux_direct(work, esp, args, i))
            boot_s, exits = linux_guest(work, esp, i)
            lx_hv.append(boot_s)
            lx_exits.append(exits)
            print(f"bench: linux run {i + 1}/{a.linux_runs}: guest run {boot_s:.2f} s, direct "
                  f"QEMU {lx_direct[-1]:.2f} s; exits/s " +
                  ", ".join(f"{k} {v:,.0f}" for k, v in sorted(exits.items())), flush=True)

    # Instruction counts: deterministic, so runs may share the host.
    jobs = []
    for mem in sorted(mems, key=hvqemu._size_bytes, reverse=True):  # longest first
        for i in range(a.runs):
            jobs.append(("boot", mem, i))
    for i in range(a.runs):
        jobs.append(("rt", "512M", i))
    for i in range(a.runs if a.linux_runs else 0):
        jobs.append(("linux-gv", "512M", i))
    boots = {m: [] for m in mems}
    rts, gvs = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futs = {}
        for kind, mem, i in jobs:
            if kind == "boot":
                f = pool.submit(icount_boot, work, esp, mem, i, want_map=(i == 0))
            elif kind == "linux-gv":
                f = pool.submit(linux_getvariable, work, esp, i)
            else:
                f = pool.submit(icount_boot, work, bench_esp, mem, i, rtbench_n=a.rtbench)
            futs[f] = (kind, mem, i)
        for f in concurrent.futures.as_completed(futs):
            kind, mem, i = futs[f]
            try:
                r = f.result()
            except BaseException:
                for other in futs:
                    other.cancel()
                raise
            if kind == "linux-gv":
                gvs.append(r)
                print(f"bench: icount linux-gv run {i + 1}: {r['calls']:,} GetVariable for "
                      f"{r['reads']:,} reads, efivarfs {r['efivarfs_s']:.2f} s, copy "
                      f"{r['copy_s']:.2f} s guest time: {r['efivarfs_insns_per_call']:,.0f} "
                      f"insns per call from user space, {r['insns_per_call']:,} in the shim "
                      f"(size queries {r['size_query_insns']:,}), {r['hv_insns_per_call']:,} "
                      f"in the hypervisor", flush=True)
                continue
            (boots[mem] if kind == "boot" else rts).append(r)
            rt = ""
            if kind == "rt":
                rt = ", rtbench " + ", ".join(f"{s} {v['hv']:,}" for s, v in r["rt"].items())
            print(f"bench: icount {kind} {mem} run {i + 1}: loader {r['loader']:,} insns, "
                  f"firmware {r['fw']:,}, hash {r['hash']:,}{rt}", flush=True)

    rev = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()
    res = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "source": rev,
        "runs": a.runs, "wall_runs": a.wall_runs,
        "icount": " ".join(ICOUNT),
        "boot_prompt_s": med(hv_s), "null_app_s": med(null_s),
        "boot_prompt_cpu_s": med(hv_cpu), "null_app_cpu_s": med(null_cpu),
        # From OVMF's "BdsDxe: starting Boot####" to the marker: the boot
        # option's own share of the wall time.
        "boot_prompt_after_bds_s": med([t - b for t, b in zip(hv_s, hv_bds)]),
        "null_app_after_bds_s": med([t - b for t, b in zip(null_s, null_bds)]),
        "loader_insns_by_mem": {}, "firmware_insns_by_mem": {}, "hash_insns_by_mem": {},
        "pt_pages": {}, "pt_min_pages": {}, "pt_ratio": {}, "large_page_share": {},
        "pt_min_pages_types_merged": {}, "pt_pages_mapplan": {},
        "rt_call_cycles": {}, "rt_in_firmware_cycles": {}, "rt_native_cycles": {}, "rt_ratio": {},
        "loader_bytes": loader_bytes, "hv_bytes": hv_bytes,
        "host_loadavg_during_wall_runs": loadavg, "host_cpus": os.cpu_count(),
        "rtbench_calls": a.rtbench,
        "samples": {"boot_prompt_s": hv_s, "null_app_s": null_s, "boot_prompt_cpu_s": hv_cpu,
                    "null_app_cpu_s": null_cpu, "boot_prompt_bds_s": hv_bds,
                    "null_app_bds_s": null_bds, "loader_insns": {},
                    "firmware_insns": {}, "rt_call_cycles": {}, "rt_native_cycles": {}},
    }
    res["boot_ratio"] = res["boot_prompt_s"] / res["null_app_s"]
    # Each hv run next to the null-app run after it: drifts of the host cancel.
    res["boot_ratio_paired"] = med([h / n for h, n in zip(hv_s, null_s)])
    res["boot_cpu_ratio"] = res["boot_prompt_cpu_s"] / res["null_app_cpu_s"]
    for mem in mems:
        runs = boots[mem]
        res["loader_insns_by_mem"][mem] = med([r["loader"] for r in runs])
        res["firmware_insns_by_mem"][mem] = med([r["fw"] for r in runs])
        res["hash_insns_by_mem"][mem] = med([r["hash"] for r in runs])
        res["samples"]["loader_insns"][mem] = [r["loader"] for r in runs]
        res["samples"]["firmware_insns"][mem] = [r["fw"] for r in runs]
        first = next(r for r in runs if "memmap" in r)
        pools = sorted({r["pool_used"] for r in runs})
        plan, map_path = mapplan(work, mem, first["memmap"], first["image_kib"], first["cpu_1g"],
                                 first.get("fb"))
        res["pt_pages"][mem] = med([r["pool_used"] for r in runs])
        res["pt_min_pages"][mem] = plan["pt_min_pages"]
        res["pt_ratio"][mem] = res["pt_pages"][mem] / plan["pt_min_pages"]
        res["large_page_share"][mem] = plan["large_page_share"]
        res["pt_min_pages_types_merged"][mem] = plan.get("pt_min_pages_types_merged")
        res["pt_pages_mapplan"][mem] = plan["pt_pages"]
        if len(pools) > 1 or plan["pt_pages"] != pools[0]:
            print(f"bench: note: {mem}: pool pages used {pools}, mapplan's replay "
                  f"{plan['pt_pages']}", flush=True)
    res["loader_insns"] = res["loader_insns_by_mem"].get("4G")
    res["firmware_insns"] = res["firmware_insns_by_mem"].get("4G")
    res["hash_insns"] = res["hash_insns_by_mem"].get("4G", next(iter(res["hash_insns_by_mem"].values())))
    if "1T" in res["loader_insns_by_mem"] and res["loader_insns_by_mem"].get("4G"):
        res["loader_insns_1t_vs_4g"] = res["loader_insns_by_mem"]["1T"] / res["loader_insns_by_mem"]["4G"]
    for s in SERVICES:
        hv = [r["rt"][s]["hv"] for r in rts]
        nat = [r["rt"][s]["native"] for r in rts if r["rt"][s]["native"]]
        res["rt_call_cycles"][s] = med(hv)
        res["rt_in_firmware_cycles"][s] = med([r["rt"][s]["in_fw"] for r in rts])
        res["samples"]["rt_call_cycles"][s] = hv
        res["samples"]["rt_native_cycles"][s] = nat
        if nat:
            res["rt_native_cycles"][s] = med(nat)
            res["rt_ratio"][s] = res["rt_call_cycles"][s] / res["rt_native_cycles"][s]
            res.setdefault("rt_overhead", {})[s] = res["rt_call_cycles"][s] - res["rt_native_cycles"][s]
    # Guests (README: Guests): GetVariable(BootOrder) by hypercall from the
    # test guest vs the same call made by the hypervisor (rtbench), both
    # in instructions; the version hypercall is one VMRUN -> #VMEXIT ->
    # VMRUN round trip; guest_start_s is the wall time of one short guest
    # run (image checks, 64 MiB zeroed, tables, run, stop) under -icount.
    res["hypercall_cycles"] = med([r["guest"]["GetVariable"] for r in rts])
    res["vmexit_roundtrip_insns"] = med([r["guest"]["version"] for r in rts])
    res["guest_start_s"] = med([r["guest_start_s"] for r in rts])
    res["hypercall_ratio"] = res["hypercall_cycles"] / res["rt_call_cycles"]["GetVariable"]
    res["samples"]["hypercall_cycles"] = [r["guest"]["GetVariable"] for r in rts]
    if gvs:
        res["guest_getvariable_cycles"] = med([r["insns_per_call"] for r in gvs])
        res["guest_getvariable_ratio"] = (res["guest_getvariable_cycles"]
                                          / res["rt_call_cycles"]["GetVariable"])
        res["guest_getvariable_size_query_cycles"] = med([r["size_query_insns"] for r in gvs])
        res["guest_getvariable_hv_cycles"] = med([r["hv_insns_per_call"] for r in gvs])
        res["guest_efivarfs_getvariable_cycles"] = med([r["efivarfs_insns_per_call"]
                                                        for r in gvs])
        res["guest_linux_efi_share_cycles"] = med([r["linux_share_insns"] for r in gvs])
        res["samples"]["guest_getvariable_cycles"] = [r["insns_per_call"] for r in gvs]
        res["samples"]["guest_efivarfs_getvariable_cycles"] = [r["efivarfs_insns_per_call"]
                                                               for r in gvs]
        res["guest_getvariable_calls_per_read"] = med([r["calls"] / r["reads"] for r in gvs])
    if lx_hv:
        res["linux_boot_s"] = med(lx_hv)
        res["linux_direct_s"] = med(lx_direct)
        res["linux_boot_ratio"] = res["linux_boot_s"] / res["linux_direct_s"]
        res["guest_exits_per_s"] = {k: med([e.get(k, 0) for e in lx_exits])
                                    for k in sorted({k for e in lx_exits for k in e})}
        res["samples"]["linux_boot_s"] = lx_hv
        res["samples"]["linux_direct_s"] = lx_direct
    res["bench_seconds"] = round(time.monotonic() - started, 1)

    os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
    with open(json_path, "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    print()
    print(f"hvboot bench ({rev}): medians of {a.wall_runs} wall-time runs (host load "
          f"{min(loadavg):.1f}..{max(loadavg):.1f} on {os.cpu_count()} CPUs) and {a.runs} "
          f"instruction-count runs (QEMU {' '.join(ICOUNT)})")
    print(table(res))
    print(f"\n{json_path} written ({res['bench_seconds']:.0f} s)")
    if a.keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BootError as e:
        print(f"bench: {e} (work folder kept for its logs)", file=sys.stderr)
        sys.exit(1)
