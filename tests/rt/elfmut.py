"""Malformed variants of a real hv.elf, each breaking exactly one rule of
the loader's ELF validator (loader/elf.c)."""
import struct

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")  # type flags offset vaddr paddr filesz memsz align
PT_LOAD, PF_X, PF_W = 1, 1, 2


def _parse(data):
    e = list(EHDR.unpack_from(data, 0))
    phoff, phnum = e[5], e[10]
    ph = [list(PHDR.unpack_from(data, phoff + i * 56)) for i in range(phnum)]
    return e, ph


def _build(data, e, ph):
    out = bytearray(data)
    EHDR.pack_into(out, 0, *e)
    for i, p in enumerate(ph):
        PHDR.pack_into(out, e[5] + i * 56, *p)
    return bytes(out)


def loads(ph):
    return [i for i, p in enumerate(ph) if p[0] == PT_LOAD]


def text_index(ph):
    return next(i for i in loads(ph) if ph[i][1] & PF_X)


def data_index(ph):
    return next(i for i in loads(ph) if ph[i][1] & PF_W)


def truncated(data):
    return data[:40]


def wrong_machine(data):
    e, ph = _parse(data)
    e[2] = 3  # EM_386
    return _build(data, e, ph)


def overlapping(data):
    e, ph = _parse(data)
    t, d = text_index(ph), data_index(ph)
    # Move the data segment onto the text segment's pages, same page offset.
    ph[d][3] = (ph[t][3] & ~0xFFF) | (ph[d][2] & 0xFFF)
    ph[d][4] = ph[d][3]
    return _build(data, e, ph), d


def filesz_gt_memsz(data):
    e, ph = _parse(data)
    t = text_index(ph)
    ph[t][6] = ph[t][5] - 1  # p_memsz = p_filesz - 1
    return _build(data, e, ph), t


def entry_outside_text(data):
    e, ph = _parse(data)
    e[4] = ph[data_index(ph)][3]
    return _build(data, e, ph)


def lower_half(data):
    e, ph = _parse(data)
    d = data_index(ph)
    ph[d][3] = 0x200000 | (ph[d][2] & 0xFFF)
    ph[d][4] = ph[d][3]
    return _build(data, e, ph), d


def enormous_memsz(data):
    e, ph = _parse(data)
    d = data_index(ph)
    ph[d][6] = 0x7FFFFFFFFFFFF000  # p_memsz
    return _build(data, e, ph), d
