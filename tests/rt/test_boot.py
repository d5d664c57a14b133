"""The boot path end to end (issue 3): ESP folder, ESP image and GPT disk
reach the shell; the address space is what the loader promised; every
malformed hypervisor or config is refused with one line, and the firmware
moves on to its next boot option."""
import os
import re
import shutil

import pytest

import elfmut
from conftest import BUILD, PROMPT, copy_esp

HV = os.path.join(BUILD, "hv.elf")
HV_PATH = r"\hvboot\hv.elf"
# OVMF's next boot option after ours is its built-in UEFI Shell.
FIRMWARE_NEXT = [r"UEFI Interactive Shell", r"Shell>", r"Boot Manager"]


def hv_bytes():
    with open(HV, "rb") as f:
        return f.read()


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


# ---------------------------------------------------------------- images

@pytest.mark.parametrize("image", ["esp.img", "disk.img"])
def test_boots_from_image(machines, tmp_path, image):
    img = tmp_path / image
    shutil.copyfile(os.path.join(BUILD, image), img)
    m = machines(f"image-{image}", str(img), workdir=str(tmp_path))
    m.boot_to_shell()
    assert m.cmd("help")


# ---------------------------------------------------------------- refusals

MALFORMED = {
    "truncated": (elfmut.truncated, None, "truncated"),
    "wrong-machine": (elfmut.wrong_machine, None, "wrong machine (expected x86-64)"),
    "overlapping": (elfmut.overlapping, "seg", "segments overlap"),
    "filesz-gt-memsz": (elfmut.filesz_gt_memsz, "seg", "segment file size exceeds memory size"),
    "entry-outside-text": (elfmut.entry_outside_text, None,
                           "entry point outside executable segments"),
    "lower-half": (elfmut.lower_half, "seg", "segment in the lower half"),
    "enormous-memsz": (elfmut.enormous_memsz, "seg", None),
}


def refused(machines, tmp_path, name, message_re, **esp):
    esp_dir = copy_esp(str(tmp_path / "esp"), **esp)
    m = machines(name, esp_dir, workdir=str(tmp_path))
    m.expect(message_re)
    # Nothing hangs or resets: the firmware goes on to its next option.
    m.expect(FIRMWARE_NEXT, timeout=120)
    assert PROMPT not in m.tail(200)
    return m


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_hypervisor_is_refused(machines, tmp_path, case):
    mutate, kind, reason = MALFORMED[case]
    res = mutate(hv_bytes())
    data, seg = (res if kind == "seg" else (res, None))
    prefix = re.escape(f"hvboot: {HV_PATH}: ")
    if seg is not None:
        prefix += rf"segment {seg}: "
    pat = prefix + (re.escape(reason) if reason else r"(image too large|segment address range overflows)")
    refused(machines, tmp_path, f"elf-{case}", pat, hv_bytes=data)


BAD_CONFIGS = {
    "unknown-key": ("log = info\nfrobnicate = 1\n", 2, "unknown key"),
    "bad-log": ("log = loud\n", 1, "log must be quiet, info or debug"),
    "bad-runtime": ("# runtime services\nruntime = maybe\n", 2, "runtime must be on or off"),
    "no-equals": ("hypervisor\n", 1, "expected key = value"),
    "bad-window": ("rt_window = 0xFFFFFF0000001000\n", 1, "rt_window must be 512 GiB aligned"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_broken_config_is_refused(machines, tmp_path, case):
    text, line, reason = BAD_CONFIGS[case]
    pat = re.escape(r"hvboot: \hvboot\hvboot.cfg: line ") + f"{line}: .*" + re.escape(reason)
    refused(machines, tmp_path, f"cfg-{case}", pat, cfg_text=text)


def test_missing_hypervisor_is_refused(machines, tmp_path):
    pat = re.escape(r"hvboot: \hvboot\nothere.elf: not found on the boot volume")
    refused(machines, tmp_path, "cfg-missing-hv", pat, cfg_text="hypervisor = \\hvboot\\nothere.elf\n")
