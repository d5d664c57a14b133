"""Refusals: every malformed hypervisor and broken config is
refused with one line naming the file and the rule, and the firmware moves
on to its next boot option."""
import os
import re

import pytest

import elfmut
from conftest import BUILD, PROMPT, Machine, clean, copy_esp

HV = os.path.join(BUILD, "hv.elf")
HV_PATH = r"\hvboot\hv.elf"
# OVMF's last boot option after ours is its built-in UEFI Shell.
FIRMWARE_NEXT = [r"UEFI Interactive Shell", r"Shell>"]


def hv_bytes():
    with open(HV, "rb") as f:
        return f.read()


# ---------------------------------------------------------------- refusals
# Each broken ESP is a disk of its own: OVMF tries them one after another, so
# one boot shows every refusal, then the firmware reaches its last option
# (the built-in UEFI Shell) — proof that nothing hung or reset.

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

BAD_CONFIGS = {
    "unknown-key": ("log = info\nfrobnicate = 1\n", 2, "unknown key 'frobnicate'"),
    # The loader carries no fault-injection test aids: the old key is unknown.
    "rt-inject-gone": ("rt_inject = skip-mmio\n", 1, "unknown key 'rt_inject'"),
    "bad-log": ("log = loud\n", 1, "log must be quiet, info or debug"),
    "bad-runtime": ("# runtime services\nruntime = maybe\n", 2, "runtime must be on or off"),
    "no-equals": ("hypervisor\n", 1, "expected key = value"),
    "bad-window": ("rt_window = 0xFFFFFF0000001000\n", 1, "rt_window must be 512 GiB aligned"),
    "missing-hv": ("hypervisor = \\hvboot\\nothere.elf\n", None,
                   r"\hvboot\nothere.elf: not found on the boot volume"),
}


def _expected(case):
    if case in MALFORMED:
        mutate, kind, reason = MALFORMED[case]
        res = mutate(hv_bytes())
        data, seg = (res if kind == "seg" else (res, None))
        pat = re.escape(f"hvboot: {HV_PATH}: ")
        if seg is not None:
            pat += rf"segment {seg}: "
        pat += re.escape(reason) if reason else r"(image too large|segment address range overflows)"
        return pat, {"hv_bytes": data}
    text, line, reason = BAD_CONFIGS[case]
    if line is None:
        return re.escape("hvboot: " + reason), {"cfg_text": text}
    return (re.escape(r"hvboot: \hvboot\hvboot.cfg: line ") + f"{line}: " + re.escape(reason),
            {"cfg_text": text})


@pytest.fixture(scope="module")
def refusals(tmp_path_factory):
    """Boots every broken ESP in one QEMU; returns (serial text, patterns)."""
    work = tmp_path_factory.mktemp("refusals")
    cases = sorted(MALFORMED) + sorted(BAD_CONFIGS)
    drives, patterns = [], {}
    for case in cases:
        pat, esp = _expected(case)
        patterns[case] = pat
        drives.append(copy_esp(str(work / case), **esp))
    m = Machine(f"refusals-{work.name}", drives[0], workdir=str(work), more_drives=drives[1:])
    try:
        m.expect(FIRMWARE_NEXT, timeout=600)
        text = clean(open(m.log_path, encoding="utf-8", errors="replace").read()) \
            if m.log.flush() is None else ""
        yield text, patterns
    finally:
        m.close()


@pytest.mark.parametrize("case", sorted(MALFORMED) + sorted(BAD_CONFIGS))
def test_broken_esp_is_refused_and_firmware_moves_on(refusals, case):
    text, patterns = refusals
    lines = [l for l in text.split("\n") if l.startswith("hvboot: ")]
    assert any(re.fullmatch(patterns[case], l.strip()) for l in lines), \
        f"no line matches {patterns[case]!r}; hvboot lines:\n" + "\n".join(lines)
    assert PROMPT not in text


def test_every_refusal_returned_to_the_firmware(refusals):
    text, patterns = refusals
    failed = re.findall(r"BdsDxe: failed to start Boot\d+", text)
    assert len(failed) >= len(patterns), text[-3000:]
