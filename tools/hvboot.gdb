# gdb helpers for hvboot (README: Debugging). `make debug` sources this file.
#   hv-loader [LOG [SO]]  load the loader's symbols at the image base it logged
#                         to the serial log (`log = info`, the default)
#   hv-pt VA              walk the live page tables (CR3) for VA
#   hv-rt                 the runtime layer's state (rt_gate)
# Physical memory and CR3 are read through QEMU's monitor (`monitor xp`,
# `monitor info registers`), so the walk works whatever is mapped.
set pagination off
set confirm off

python
import re

import gdb


def _monitor(cmd):
    return gdb.execute("monitor " + cmd, to_string=True)


def _phys_u64(pa):
    out = _monitor(f"xp /1gx {pa:#x}")
    m = re.search(r":\s*(0x[0-9a-fA-F]+)", out)
    if not m:
        raise gdb.GdbError(f"cannot read physical {pa:#x}: {out.strip()}")
    return int(m.group(1), 16)


def _cr3():
    m = re.search(r"CR3=([0-9a-fA-F]+)", _monitor("info registers"))
    if not m:
        raise gdb.GdbError("no CR3 in `monitor info registers`")
    return int(m.group(1), 16)


class HvLoader(gdb.Command):
    """hv-loader [LOG [SO]]: load the loader's symbols (SO, default
build/BOOTX64.so) at the base it logged to LOG (default
build/debug/serial.log)."""

    def __init__(self):
        super().__init__("hv-loader", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        log = args[0] if args else "build/debug/serial.log"
        so = args[1] if len(args) > 1 else "build/BOOTX64.so"
        pat = re.compile(r"hvboot: loader image base (0x[0-9a-fA-F]+)")

        def base():
            try:
                with open(log, errors="replace") as f:
                    m = pat.search(f.read())
            except OSError:
                return None
            return int(m.group(1), 16) if m else None

        b = base()
        if b is None:
            raise gdb.GdbError(f"{log}: no 'hvboot: loader image base' line yet: let the "
                               "loader run (e.g. hbreak hv_main, continue) and try again")
        gdb.execute(f"add-symbol-file {so} -o {b:#x}", to_string=True)
        print(f"hv-loader: {so} at {b:#x}")


class HvPt(gdb.Command):
    """hv-pt VA: the 4-level walk of VA in the live page tables."""

    def __init__(self):
        super().__init__("hv-pt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        va = int(gdb.parse_and_eval(f"(unsigned long)({arg})")) & (2**64 - 1)
        table = _cr3() & 0x000FFFFFFFFFF000
        names = ("PML4", "PDPT", "PD", "PT")
        print(f"va {va:#018x}  cr3 {table:#x}")
        for level, name in enumerate(names):
            shift = 39 - 9 * level
            idx = (va >> shift) & 0x1FF
            e = _phys_u64(table + 8 * idx)
            flags = [f for bit, f in ((0, "P"), (1, "W"), (2, "U"), (3, "PWT"), (4, "PCD"),
                                      (5, "A"), (6, "D"), (7, "PS"), (8, "G"), (63, "NX"))
                     if e >> bit & 1]
            print(f"  {name:4} [{idx:3}] {e:#018x}  {' '.join(flags)}")
            if not e & 1:
                print("  not present")
                return
            if level == 3 or (level in (1, 2) and e & 0x80):
                size = 1 << shift
                pa = (e & 0x000FFFFFFFFFF000 & ~(size - 1)) | (va & (size - 1))
                print(f"  -> pa {pa:#x} ({size >> 10} KiB page)")
                return
            table = e & 0x000FFFFFFFFFF000


class HvRt(gdb.Command):
    """hv-rt: the runtime layer's state: on or off and why, the call
counts, the last contained fault."""

    def __init__(self):
        super().__init__("hv-rt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        for expr in ("rt_gate.enabled", "rt_gate.reason", "rt_gate.group_off", "rt_gate.busy",
                     "rt_gate.current", "rt_gate.env", "rt_gate.stats", "rt_gate.fault"):
            try:
                print(f"{expr} = {gdb.parse_and_eval(expr).format_string(pretty_structs=True)}")
            except gdb.error as e:
                print(f"{expr}: {e}")


HvLoader()
HvPt()
HvRt()
end
