"""Boot-order edits as efibootmgr makes them (README: The shell): `boot next`,
`boot order`, `boot active|inactive`, refusals as one error line, every
other byte of a load option kept, and BootNext honoured by the firmware at
the next boot. One machine, two disks holding the same ESP with different
cmdlines, rebooted once (QEMU without -no-reboot)."""
import os
import re

import pytest

from conftest import PROMPT, Machine, copy_esp
from shellvars import NV_BS_RT, decode_load_option, expect_error, get_var

CFG = open(os.path.join(os.path.dirname(__file__), "..", "..", "tools", "hvboot.cfg")).read()


def with_cmdline(text):
    return re.sub(r"(?m)^cmdline *=.*$", f"cmdline = {text}", CFG)


@pytest.fixture(scope="module")
def two_disks(tmp_path_factory):
    work = tmp_path_factory.mktemp("bootedit")
    a = copy_esp(str(work / "esp-a"), cfg_text=with_cmdline("disk-a"))
    b = copy_esp(str(work / "esp-b"), cfg_text=with_cmdline("disk-b"))
    m = Machine(f"bootedit-{os.getpid()}-{work.name}", a, workdir=str(work), more_drives=[b],
                no_reboot=False)
    try:
        m.expect(PROMPT)
        yield m
    finally:
        m.close()


def boot_state(m):
    """`boot` → (BootCurrent, BootNext, BootOrder list, {num: description})."""
    out = m.cmd("boot")
    head = dict(l.split(": ", 1) for l in out[:4])
    opts = {}
    for l in out[4:]:
        mm = re.match(r"Boot([0-9A-F]{4})[* ] (.*)$", l)
        if mm:
            opts[mm.group(1)] = mm.group(2).strip()
    order = head["BootOrder"].split(",") if head["BootOrder"] != "none" else []
    return head["BootCurrent"], head["BootNext"], order, opts


def cmdline(m):
    out = m.cmd("bootinfo")
    line = next(l for l in out if l.strip().startswith("cmdline"))
    return line.split('"')[1]


def disk_options(opts):
    """The options OVMF made for the two disks (SATA and virtio)."""
    return sorted(n for n, d in opts.items() if "HARDDISK" in d or "Misc Device" in d)


REFUSALS = [
    ("boot next 7777", "no such boot option Boot7777 (EFI_NOT_FOUND)"),
    ("boot next zz", "boot option must be 1 to 4 hex digits: 'zz'"),
    ("boot next 00001", "boot option must be 1 to 4 hex digits: '00001'"),
    ("boot order 0000,1,0000", "boot option listed twice: '0000' (entry 3)"),
    ("boot order 0000,,0001", "boot option must be 1 to 4 hex digits: '' (entry 2)"),
    ("boot order 0000,7777", "no such boot option Boot7777 (EFI_NOT_FOUND)"),
    ("boot active 7777", "no such boot option Boot7777 (EFI_NOT_FOUND)"),
    ("boot inactive x", "boot option must be 1 to 4 hex digits: 'x'"),
    ("boot frob 1", "unknown boot edit 'frob' (next, order, active, inactive)"),
    ("boot next", "usage: boot [next XXXX | order XXXX,YYYY,... | active XXXX | inactive XXXX]"),
]


def test_bad_edits_are_one_error_line_and_change_nothing(two_disks):
    m = two_disks
    before = get_var(m, "BootOrder")
    for line, message in REFUSALS:
        expect_error(m, line, message)
    assert get_var(m, "BootOrder") == before
    assert boot_state(m)[1] == "none"


def test_inactive_and_active_flip_only_bit_0(two_disks):
    m = two_disks
    _, _, _, opts = boot_state(m)
    num = disk_options(opts)[0]
    attrs, orig = get_var(m, f"Boot{num}")
    assert attrs == NV_BS_RT and decode_load_option(orig)[0] & 1
    assert m.cmd(f"boot inactive {num}") == ["ok"]
    attrs2, off = get_var(m, f"Boot{num}")
    assert attrs2 == attrs
    assert off == bytes([orig[0] & ~1]) + orig[1:]
    assert re.search(rf"^Boot{num}  ", "\n".join(m.cmd("boot")), re.M)  # no '*'
    assert m.cmd(f"boot inactive {num}") == ["ok"]      # already: nothing written
    assert m.cmd(f"boot active {num}") == ["ok"]
    assert get_var(m, f"Boot{num}") == (attrs, orig)


def test_order_rewrites_bootorder_keeping_its_attributes(two_disks):
    m = two_disks
    attrs, orig = get_var(m, "BootOrder")
    _, _, order, _ = boot_state(m)
    new = list(reversed(order))
    assert m.cmd("boot order " + ",".join(new)) == ["ok"]
    assert boot_state(m)[2] == new
    assert get_var(m, "BootOrder") == (attrs, b"".join(int(n, 16).to_bytes(2, "little")
                                                       for n in new))
    # Lower case and short numbers are the same options.
    assert m.cmd("boot order " + ",".join(n.lstrip("0").lower() or "0" for n in order)) == ["ok"]
    assert get_var(m, "BootOrder") == (attrs, orig)


def test_next_is_honoured_at_the_next_boot(two_disks):
    m = two_disks
    current, nxt, _, opts = boot_state(m)
    assert nxt == "none"
    here = cmdline(m)
    other = next(n for n in disk_options(opts) if n != current)
    assert m.cmd(f"boot next {other}") == ["ok"]
    assert boot_state(m)[1] == other
    assert get_var(m, "BootNext") == (NV_BS_RT, int(other, 16).to_bytes(2, "little"))
    m.p.send("reset cold\r")
    m.expect(PROMPT)
    current2, nxt2, _, _ = boot_state(m)
    assert current2 == other
    assert nxt2 == "none"       # the boot manager deletes BootNext once used
    assert cmdline(m) != here and cmdline(m) in ("disk-a", "disk-b")
