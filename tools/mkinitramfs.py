#!/usr/bin/python3
"""The Linux guest's initramfs: a gzip'd cpio "newc" archive (the kernel's
initramfs buffer format) holding a static busybox with a link per applet,
/init, /dev/console, the kernel modules named on the command line and
files of the unpacked packages kept at their own paths (--file: a dynamically
linked program, its libraries and the dynamic loader; symlinks stay symlinks).
Written here rather than with cpio(1) so that no root and no extra package
is needed and the archive is the same bytes for the same inputs.

usage: mkinitramfs.py --root UNPACKED_DEBS --init INIT [--module PATH_IN_ROOT]...
                      [--file PATH_IN_ROOT]... OUT
"""
import argparse
import gzip
import os
import stat
import subprocess
import sys

MTIME = 0  # fixed: the same inputs give the same archive


class Cpio:
    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def _pad4(self):
        self.out += b"\0" * (-len(self.out) % 4)

    def entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, MTIME, len(data),
                  0, 0, rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        self.out += b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out += name_b
        self._pad4()
        self.out += data
        self._pad4()

    def trailer(self):
        self.ino = 0
        self.entry("TRAILER!!!", 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--module", action="append", default=[])
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("out")
    a = ap.parse_args()

    busybox = os.path.join(a.root, "bin/busybox")
    applets = subprocess.run([busybox, "--list-full"], check=True, capture_output=True,
                             text=True).stdout.split()
    dirs = {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp", "root",
            "lib", "lib/modules"}
    for p in applets + a.file:
        d = os.path.dirname(p)
        while d:
            dirs.add(d)
            d = os.path.dirname(d)

    c = Cpio()
    for d in sorted(dirs):
        c.entry(d, stat.S_IFDIR | 0o755)
    c.entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    with open(busybox, "rb") as f:
        c.entry("bin/busybox", stat.S_IFREG | 0o755, f.read())
    for p in sorted(set(applets)):
        if p == "bin/busybox":
            continue
        target = os.path.relpath("bin/busybox", os.path.dirname(p))
        c.entry(p, stat.S_IFLNK | 0o777, target.encode())
    with open(a.init, "rb") as f:
        c.entry("init", stat.S_IFREG | 0o755, f.read())
    for m in a.module:
        with open(os.path.join(a.root, m), "rb") as f:
            c.entry("lib/modules/" + os.path.basename(m), stat.S_IFREG | 0o644, f.read())
    for p in sorted(set(a.file)):
        src = os.path.join(a.root, p)
        st = os.lstat(src)
        if stat.S_ISLNK(st.st_mode):
            c.entry(p, stat.S_IFLNK | 0o777, os.readlink(src).encode())
        else:
            with open(src, "rb") as f:
                c.entry(p, stat.S_IFREG | (st.st_mode & 0o755), f.read())
    c.trailer()

    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        # mtime=0 and no name: the gzip header carries no build time.
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(bytes(c.out))
    os.replace(tmp, a.out)


if __name__ == "__main__":
    sys.exit(main())
