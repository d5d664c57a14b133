"""QEMU + OVMF command lines for hvboot: one place for `make run`, the tests
and the benchmark. Flags: ../shared/FIELD-NOTES.md (QEMU section)."""
import os
import shutil
import sys

OVMF_DIR = "/usr/share/OVMF"
CODE = f"{OVMF_DIR}/OVMF_CODE_4M.fd"
VARS = f"{OVMF_DIR}/OVMF_VARS_4M.fd"
SECBOOT_CODE = f"{OVMF_DIR}/OVMF_CODE_4M.secboot.fd"
SNAKEOIL_CODE = f"{OVMF_DIR}/OVMF_CODE_4M.snakeoil.fd"
SNAKEOIL_VARS = f"{OVMF_DIR}/OVMF_VARS_4M.snakeoil.fd"
DEBUG_EXIT_PORT = 0xF4


def needs_smm(code):
    """The secboot/snakeoil/ms builds keep variables behind SMM: without
    smm=on and a secure pflash they hang without a word."""
    base = os.path.basename(code)
    return any(k in base for k in ("secboot", "snakeoil", ".ms."))


def fresh_vars(dst, template=VARS):
    shutil.copyfile(template, dst)
    return dst


def command(drive, code=CODE, vars_path=None, mem="512M", smp=1, machine="q35",
            extra=(), debug_exit=True, cpu=None, more_drives=(), no_reboot=True):
    """drive: a folder (booted as vvfat) or an image file. more_drives:
    further folders or images as virtio disks, each a boot option of its own
    that OVMF tries in turn."""
    mach = machine
    args = []
    if needs_smm(code):
        mach += ",smm=on"
        args += ["-global", "driver=cfi.pflash01,property=secure,value=on"]
    mem_args = ["-m", mem]
    if mem.upper().endswith(("G", "T")) and _size_bytes(mem) > 8 << 30:
        # Guest RAM larger than the host: allocate lazily (FIELD-NOTES).
        mach += ",memory-backend=m0"
        mem_args = ["-object", f"memory-backend-ram,id=m0,size={mem},reserve=off", "-m", mem]
    if cpu is None and _size_bytes(mem) > (1 << 40) - 1:
        cpu = "max,phys-bits=46"
    args = ["qemu-system-x86_64", "-machine", mach] + args + mem_args + [
        "-smp", str(smp), "-nographic", "-net", "none",
        "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}",
    ]
    if no_reboot:
        args += ["-no-reboot"]   # a reset ends QEMU (tests see it as an exit)
    if vars_path:
        args += ["-drive", f"if=pflash,format=raw,unit=1,file={vars_path}"]
    if cpu:
        args += ["-cpu", cpu]
    if os.path.isdir(drive):
        args += ["-drive", f"file=fat:rw:{drive},format=raw"]
    else:
        args += ["-drive", f"file={drive},format=raw"]
    for d in more_drives:
        src = f"fat:rw:{d}" if os.path.isdir(d) else d
        args += ["-drive", f"file={src},format=raw,if=virtio"]
    if debug_exit:
        args += ["-device", f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04"]
    return args + list(extra)


def _size_bytes(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    s = s.strip().upper()
    if s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s) << 20


def main(argv):
    import argparse
    p = argparse.ArgumentParser(description="Boot hvboot in QEMU + OVMF (serial on this terminal; Ctrl-A x quits).")
    p.add_argument("--esp", default="build/esp", help="ESP folder or image")
    p.add_argument("--code", default="")
    p.add_argument("--vars", default="", help="VARS file to boot with and keep (default: a fresh copy under build/)")
    p.add_argument("--mem", default="512M")
    p.add_argument("--smp", default="1")
    p.add_argument("--machine", default="q35")
    p.add_argument("--build", default="build")
    a = p.parse_args(argv)
    code = a.code or CODE
    vars_path = a.vars
    if not vars_path:
        template = SNAKEOIL_VARS if "snakeoil" in code else VARS
        vars_path = fresh_vars(os.path.join(a.build, "vars.fd"), template)
    # Interactive: `reset cold` reboots into the loader, as on a machine.
    cmd = command(a.esp, code=code, vars_path=vars_path, mem=a.mem, smp=a.smp, machine=a.machine,
                  no_reboot=False)
    print("+ " + " ".join(cmd), flush=True)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
