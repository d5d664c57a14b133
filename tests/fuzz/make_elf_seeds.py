#!/usr/bin/env python3
"""Writes small ELF64 seed files for tests/fuzz/fuzz_elf.c: a few images
loader/elf.c accepts and one near-miss for each rule it checks, so the
fuzzer starts next to every branch. Stdlib only; every file < 8 KiB.

usage: make_elf_seeds.py [OUTDIR]   (default: corpus/elf beside this file)
"""
import os
import struct
import sys

BASE = 0xFFFFFFFF80000000
PT_LOAD, PT_NOTE, PT_GNU_STACK = 1, 4, 0x6474E551
R, W, X = 4, 2, 1
EHDR, PHDR = 64, 56


def elf(phdrs, entry, body_size, machine=62, etype=2, cls=2, data=1,
        phentsize=PHDR, phnum=None, phoff=EHDR, size=None):
    """phdrs: (type, flags, offset, vaddr, filesz, memsz). The headers are
    followed by a recognisable byte pattern up to body_size bytes."""
    ident = b"\x7fELF" + bytes([cls, data, 1, 0]) + bytes(8)
    hdr = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, 0, 0,
                              EHDR, phentsize,
                              len(phdrs) if phnum is None else phnum, 0, 0, 0)
    table = b"".join(struct.pack("<IIQQQQQQ", t, f, off, va, va - BASE if va >= BASE else va,
                                 fs, ms, 0x1000) for t, f, off, va, fs, ms in phdrs)
    out = bytearray(hdr + table)
    while len(out) < body_size:
        out.append((len(out) * 7 + 0x90) & 0xFF)
    if size is not None:
        out = out[:size]
    assert len(out) < 8192
    return bytes(out)


def text(size, off=0):
    return (PT_LOAD, R | X, off, BASE + off, size, size)


def seeds():
    s = {}
    # Accepted: headers mapped in the text segment, as ld lays out a kernel.
    s["good_one_segment"] = elf([text(0x180)], BASE + 0x100, 0x180)
    two = [text(0x300), (PT_GNU_STACK, R | W, 0, 0, 0, 0),
           (PT_LOAD, R | W, 0x300, BASE + 0x1300, 0x80, 0x2000)]
    s["good_text_data_bss"] = elf(two, BASE + 0x120, 0x380)
    three = [text(0x400), (PT_LOAD, R, 0x400, BASE + 0x1400, 0x100, 0x100),
             (PT_NOTE, R, 0x500, BASE + 0x1500, 0x20, 0x20),
             (PT_LOAD, R | W, 0x500, BASE + 0x2500, 0x100, 0x5000),
             (PT_LOAD, R | W, 0, BASE + 0x9000, 0, 0),       # empty: skipped
             (PT_GNU_STACK, R | W, 0, 0, 0, 0)]
    s["good_rodata_note_empty"] = elf(three, BASE + 0x200, 0x600)
    # Headers listed out of address order.
    s["good_unsorted"] = elf([(PT_LOAD, R | W, 0x300, BASE + 0x1300, 0x80, 0x80),
                              text(0x300)], BASE + 0x100, 0x380)
    # One near-miss per rule.
    s["bad_magic"] = b"\x7fELG" + s["good_one_segment"][4:]
    s["bad_elf32"] = elf([text(0x180)], BASE + 0x100, 0x180, cls=1)
    s["bad_big_endian"] = elf([text(0x180)], BASE + 0x100, 0x180, data=2)
    s["bad_truncated"] = s["good_one_segment"][:40]
    s["bad_machine"] = elf([text(0x180)], BASE + 0x100, 0x180, machine=183)
    s["bad_type_dyn"] = elf([text(0x180)], BASE + 0x100, 0x180, etype=3)
    s["bad_phentsize"] = elf([text(0x180)], BASE + 0x100, 0x180, phentsize=64)
    s["bad_phnum_zero"] = elf([text(0x180)], BASE + 0x100, 0x180, phnum=0)
    s["bad_phdrs_past_eof"] = elf([text(0x180)], BASE + 0x100, 0x180, phnum=9)
    s["bad_no_load"] = elf([(PT_NOTE, R, 0, BASE, 0x10, 0x10)], BASE, 0x100)
    s["bad_too_many_segments"] = elf(
        [(PT_LOAD, R | X if i == 0 else R, 0, BASE + 0x1000 * i, 0x10, 0x10) for i in range(17)],
        BASE + 8, 0x400)
    s["bad_filesz_gt_memsz"] = elf([(PT_LOAD, R | X, 0, BASE, 0x180, 0x100)], BASE + 8, 0x180)
    s["bad_past_eof"] = elf([text(0x180)], BASE + 0x100, 0x180, size=0x17F)
    s["bad_not_congruent"] = elf([(PT_LOAD, R | X, 0x10, BASE, 0x100, 0x100)], BASE + 8, 0x180)
    s["bad_va_wraps"] = elf([(PT_LOAD, R | X, 0, 0xFFFFFFFFFFFFF000, 0x180, 0x1000)],
                            0xFFFFFFFFFFFFF008, 0x180)
    s["bad_lower_half"] = elf([(PT_LOAD, R | X, 0, 0x400000, 0x180, 0x180)], 0x400008, 0x180)
    s["bad_outside_image_area"] = elf([(PT_LOAD, R | X, 0, 0xFFFFFFFFC0000000, 0x180, 0x180)],
                                      0xFFFFFFFFC0000008, 0x180)
    s["bad_writable_executable"] = elf([(PT_LOAD, R | W | X, 0, BASE, 0x180, 0x180)],
                                       BASE + 8, 0x180)
    s["bad_overlap_same_page"] = elf([text(0x200), (PT_LOAD, R | W, 0x280, BASE + 0x280, 0x10, 0x10)],
                                     BASE + 8, 0x300)
    s["bad_image_too_large"] = elf([text(0x180), (PT_LOAD, R | W, 0, BASE + (64 << 20), 0, 0x1000)],
                                   BASE + 8, 0x180)
    s["bad_entry_in_data"] = elf(two, BASE + 0x1300, 0x380)
    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "elf")
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(outdir, name + ".elf"), "wb") as f:
            f.write(data)
    print(f"{len(seeds())} seeds in {outdir}")


if __name__ == "__main__":
    main()
