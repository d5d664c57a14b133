"""QEMU command lines for hvboot, on OVMF or on U-Boot's UEFI: one place for
`make run`, the tests and the benchmark.

OVMF: the code image and a VARS copy as pflash, q35 by default; the ESP as
a folder (vvfat) or an image. The secboot/ms/snakeoil builds need SMM.
The combined OVMF.fd can be given as `bios` instead: no pflash at all.

U-Boot (Debian u-boot-qemu, qemu-x86_64/u-boot.rom): `-bios`, machine `pc`
(its default model, "QEMU x86 (I440FX)"), the GPT disk image on virtio
and no pflash. U-Boot's bootstd finds EFI/BOOT/BOOTX64.EFI by itself. It
writes its variable file (ubootefi.var) to the ESP, so it must boot a
copy of build/disk.img, never the build's own."""
import os
import re
import shutil
import subprocess
import sys

OVMF_DIR = "/usr/share/OVMF"
CODE = f"{OVMF_DIR}/OVMF_CODE_4M.fd"
VARS = f"{OVMF_DIR}/OVMF_VARS_4M.fd"
SECBOOT_CODE = f"{OVMF_DIR}/OVMF_CODE_4M.secboot.fd"
SNAKEOIL_CODE = f"{OVMF_DIR}/OVMF_CODE_4M.snakeoil.fd"
SNAKEOIL_VARS = f"{OVMF_DIR}/OVMF_VARS_4M.snakeoil.fd"
OVMF_FD = "/usr/share/ovmf/OVMF.fd"      # code + variables in one image, for -bios
UBOOT_ROM = "/usr/lib/u-boot/qemu-x86_64/u-boot.rom"
FIRMWARES = ("ovmf", "uboot")
DEFAULT_MACHINE = {"ovmf": "q35", "uboot": "pc"}
DEBUG_EXIT_PORT = 0xF4


def needs_smm(code):
    """The secboot/snakeoil/ms builds keep variables behind SMM: without
    smm=on and a secure pflash they hang without a word."""
    base = os.path.basename(code)
    return any(k in base for k in ("secboot", "snakeoil", ".ms."))


def fresh_vars(dst, template=VARS):
    shutil.copyfile(template, dst)
    return dst


def private_disk(src, dst):
    """A copy of a disk image for one QEMU run (U-Boot writes to it; two
    QEMUs cannot share a writable image)."""
    shutil.copyfile(src, dst)
    return dst


def display_args(display):
    """None: headless (-nographic: serial and monitor on stdio). "gtk": a
    window; "vnc=HOST:N[,to=M]": a VNC server. Both keep serial and monitor
    on stdio (Ctrl-A x still quits) and give OVMF QEMU's std VGA, whose
    GOP framebuffer the hypervisor's console draws on."""
    if display is None:
        return ["-nographic"]
    return ["-serial", "mon:stdio", "-vga", "std", "-display", display]


def pick_display(x_display):
    """`make run DISPLAY=1`: a gtk window when an X display is set and
    QEMU has its gtk module (Debian's qemu-system-gui), else VNC on
    localhost from port 5900 up."""
    if x_display and re.match(r"^[\w.-]*:\d+(\.\d+)?$", x_display):
        try:
            out = subprocess.run(["qemu-system-x86_64", "-display", "help"], capture_output=True,
                                 text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        if re.search(r"^gtk$", out, re.M):
            return "gtk"
    return "vnc=127.0.0.1:0,to=99"


def command(drive, code=CODE, vars_path=None, mem="512M", smp=1, machine=None,
            extra=(), debug_exit=True, cpu=None, more_drives=(), no_reboot=True,
            firmware="ovmf", bios=None, display=None):
    """drive: a folder (booted as vvfat) or an image file; for U-Boot an
    image file, attached as virtio. more_drives: further folders or images
    as virtio disks, each a boot option of its own that OVMF tries in turn.
    bios: a firmware image for -bios instead of the pflash pair (OVMF.fd);
    U-Boot always boots that way. display: see display_args."""
    if firmware not in FIRMWARES:
        raise ValueError(f"firmware {firmware!r}: one of {', '.join(FIRMWARES)}")
    if firmware == "uboot":
        if os.path.isdir(drive):
            raise ValueError("U-Boot boots a disk image (build/disk.img), not a folder")
        bios = bios or UBOOT_ROM
    mach = machine or DEFAULT_MACHINE[firmware]
    args = []
    if not bios and needs_smm(code):
        mach += ",smm=on"
        args += ["-global", "driver=cfi.pflash01,property=secure,value=on"]
    mem_args = ["-m", mem]
    if mem.upper().endswith(("G", "T")) and _size_bytes(mem) > 8 << 30:
        # Guest RAM larger than the host: allocate lazily.
        mach += ",memory-backend=m0"
        mem_args = ["-object", f"memory-backend-ram,id=m0,size={mem},reserve=off", "-m", mem]
    if cpu is None and _size_bytes(mem) > (1 << 40) - 1:
        cpu = "max,phys-bits=46"
    args = ["qemu-system-x86_64", "-machine", mach] + args + mem_args + [
        "-smp", str(smp)] + display_args(display) + ["-net", "none",
    ]
    if bios:
        args += ["-bios", bios]
    else:
        args += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}"]
    if no_reboot:
        args += ["-no-reboot"]   # a reset ends QEMU (tests see it as an exit)
    if vars_path and not bios:
        args += ["-drive", f"if=pflash,format=raw,unit=1,file={vars_path}"]
    if cpu:
        args += ["-cpu", cpu]
    if firmware == "uboot":
        args += ["-drive", f"file={drive},format=raw,if=virtio"]
    elif os.path.isdir(drive):
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
    p = argparse.ArgumentParser(description="Boot hvboot in QEMU + OVMF or U-Boot's UEFI "
                                "(serial on this terminal; Ctrl-A x quits).")
    p.add_argument("--firmware", default="ovmf", choices=FIRMWARES)
    p.add_argument("--esp", default="build/esp", help="ESP folder or image (OVMF)")
    p.add_argument("--disk", default="", help="GPT disk image U-Boot boots a copy of "
                   "(default: BUILD/disk.img)")
    p.add_argument("--code", default="", help="OVMF code image (OVMF only)")
    p.add_argument("--vars", default="", help="VARS file to boot with and keep (OVMF only; "
                   "default: a fresh copy under build/)")
    p.add_argument("--mem", default="512M")
    p.add_argument("--smp", default="1")
    p.add_argument("--machine", default="", help="q35 or pc (default: q35 for OVMF, pc for U-Boot)")
    p.add_argument("--cpu", default="max", help="QEMU CPU model (max: AMD SVM + NPT under TCG, "
                   "which guests need)")
    p.add_argument("--build", default="build")
    p.add_argument("--display", default="", help="1: show the screen (a gtk window on "
                   "--x-display, else VNC); anything else: headless")
    p.add_argument("--x-display", default="", help="the X display to open the window on")
    a = p.parse_args(argv)
    display = None
    if a.display == "1":
        display = pick_display(a.x_display)
        if display == "gtk":
            os.environ["DISPLAY"] = a.x_display
        else:
            print("hvboot: the screen is on VNC at 127.0.0.1:5900 (the next free port up to "
                  "5999 if taken; `info vnc` in the monitor, Ctrl-A c, says which)"
                  + ("" if not a.x_display else "; for a window install qemu-system-gui"),
                  flush=True)
    if a.firmware == "uboot":
        src = a.disk or os.path.join(a.build, "disk.img")
        if not os.path.isfile(src):
            p.error(f"{src}: no such disk image (make disk builds it)")
        disk = private_disk(src, os.path.join(a.build, "uboot-disk.img"))
        cmd = command(disk, firmware="uboot", mem=a.mem, smp=a.smp, machine=a.machine or None,
                      no_reboot=False, cpu=a.cpu or None,
                      display=display)
        print("+ " + " ".join(cmd), flush=True)
        os.execvp(cmd[0], cmd)
    code = a.code or CODE
    vars_path = a.vars
    if not vars_path:
        template = SNAKEOIL_VARS if "snakeoil" in code else VARS
        vars_path = fresh_vars(os.path.join(a.build, "vars.fd"), template)
    # Interactive: `reset cold` reboots into the loader, as on a machine.
    cmd = command(a.esp, code=code, vars_path=vars_path, mem=a.mem, smp=a.smp,
                  machine=a.machine or None, no_reboot=False, cpu=a.cpu or None,
                  display=display)
    print("+ " + " ".join(cmd), flush=True)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
