"""The boot path end to end: the ESP folder reaches the shell and
the address space is what the loader promised."""
import re

# ---------------------------------------------------------------- one boot, many checks

def test_shell_comes_up(shell):
    assert "hvboot" in shell.banner
    assert shell.cmd("help")


def test_help_lists_every_boot_command(shell):
    out = "\n".join(shell.cmd("help"))
    for name in ("help", "memmap", "pt", "bootinfo", "reset"):
        assert re.search(rf"^\s*{name}\b", out, re.M), out


def test_unknown_command_is_one_error_line(shell):
    out = shell.cmd("frobnicate now")
    assert out == ["error: unknown command 'frobnicate' (type help)"], out
    assert shell.cmd("help")  # still alive


def test_va0_is_unmapped(shell):
    out = "\n".join(shell.cmd("pt 0"))
    assert "not mapped" in out, out


def _bootinfo(shell):
    return "\n".join(shell.cmd("bootinfo"))


def test_trampoline_page_was_dropped(shell):
    info = _bootinfo(shell)
    m = re.search(r"trampoline\D*?(0x[0-9a-fA-F]+)", info)
    assert m, info
    out = "\n".join(shell.cmd(f"pt {m.group(1)}"))
    assert "not mapped" in out, out


def test_hypervisor_text_is_executable_not_writable(shell):
    out = "\n".join(shell.cmd("pt 0xffffffff80000000"))
    m = re.search(r"-> (0x[0-9a-fA-F]+) (4K|2M|1G) (R|RW) (X|NX)", out)
    assert m, out
    assert m.group(3) == "R" and m.group(4) == "X", out


def test_direct_map_is_writable_and_not_executable(shell):
    out = "\n".join(shell.cmd("pt 0xffff800000100000"))
    m = re.search(r"-> (0x[0-9a-fA-F]+) (4K|2M|1G) (R|RW) (X|NX)", out)
    assert m and m.group(3) == "RW" and m.group(4) == "NX", out
    assert int(m.group(1), 16) == 0x100000


def test_stack_guard_page_is_unmapped(shell):
    out = "\n".join(shell.cmd("pt 0xffffffffc0000000"))
    assert "not mapped" in out, out
    out = "\n".join(shell.cmd("pt 0xffffffffc0001000"))
    assert "RW NX" in out, out


def test_nothing_else_in_the_lower_half(shell):
    for va in ("0x1000", "0x100000", "0x7fffffff000", "0x80000000"):
        assert "not mapped" in "\n".join(shell.cmd(f"pt {va}")), va


def test_memmap_lists_the_firmware_regions(shell):
    out = "\n".join(shell.cmd("memmap"))
    for t in ("EfiConventionalMemory", "EfiRuntimeServicesCode", "EfiRuntimeServicesData",
              "EfiMemoryMappedIO", "0x80000000"):
        assert t in out, out


def test_memmap_raw_is_the_mapplan_text_format(shell):
    lines = shell.cmd("memmap --raw")
    pat = re.compile(r"^(Efi\w+|0x[0-9A-F]+) 0x[0-9A-F]+ \d+ 0x[0-9A-F]+$")
    assert len(lines) > 20
    assert all(pat.match(l) for l in lines), [l for l in lines if not pat.match(l)][:5]


def test_bad_pt_argument_is_an_error(shell):
    out = shell.cmd("pt 0x0000800000000000")
    assert len(out) == 1 and out[0].startswith("error: "), out
    out = shell.cmd("pt zzz")
    assert len(out) == 1 and out[0].startswith("error: "), out


def test_overlong_line_is_refused(shell):
    out = shell.cmd("x" * 300)
    assert out[-1].startswith("error: line too long"), out


def test_framebuffer_is_in_the_boot_info_and_mapped_write_combining(shell):
    """QEMU's default display (std VGA, even under -nographic) gives OVMF a
    GOP: the loader records its mode and maps it WC at 0xfffffffe00000000."""
    info = _bootinfo(shell)
    assert re.search(r"^  format +bgrx \(masks r 0x00ff0000 g 0x0000ff00 b 0x000000ff", info,
                     re.M), info
    m = re.search(r"^  mode +(\d+)x(\d+), stride (\d+) pixels", info, re.M)
    assert m and int(m.group(3)) >= int(m.group(1)) > 0, info
    base = re.search(r"^  base +pa (0x[0-9a-f]+)  va 0xfffffffe0+", info, re.M)
    assert base, info
    out = "\n".join(shell.cmd("pt 0xfffffffe00000000"))
    assert re.search(rf"-> {base.group(1)} (4K|2M) RW NX", out), out
    assert out.endswith("cache=WC"), out
