"""Guests under SVM + nested paging (README: Guests): the test guest
(tests/guest) on OVMF with `-cpu max` (TCG: AMD with SVM and NPT), booted
once; it prints, calls every hypercall, is refused what the policy
forbids, and each isolation probe ends with a named stop or an error
status while the hypervisor and the variable store stay intact. Then a
CPU without nested paging, and a module file that is missing."""
import re

import pytest

from conftest import PROMPT, Machine, copy_esp

GUID = "3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10"


@pytest.fixture(scope="module")
def svm(tmp_path_factory):
    work = tmp_path_factory.mktemp("guest")
    esp = copy_esp(str(work / "esp"))
    m = Machine(f"guest-{work.name}", esp, workdir=str(work), cpu="max")
    try:
        m.expect(PROMPT)
        yield m
    finally:
        m.close()


def run(m, line):
    """Output of `guest run …`: the [test] lines and the final line."""
    out = m.cmd(line, timeout=120)
    assert out and out[-1].startswith("guest test: "), out
    return out


def bootinfo_pa(m, field):
    for line in m.cmd("bootinfo"):
        hit = re.match(rf"\s+{field}\s+(?:pa )?(0x[0-9a-f]+)", line)
        if hit:
            return int(hit.group(1), 16)
    raise AssertionError(f"bootinfo has no {field}")


def test_guest_list_names_the_module_before_it_runs(svm):
    out = svm.cmd("guest list")
    assert len(out) == 2 and re.fullmatch(r"test\s+\d+ bytes  not run", out[0]), out
    assert re.fullmatch(r"linux\s+\d+ bytes  not run", out[1]), out


def test_guest_demo_reads_writes_and_is_refused_bootorder(svm):
    out = run(svm, "guest run test")
    assert out[:2] == ["[test] hello from the test guest", "[test] version 0x00010000"], out
    tail = out[-8:]
    assert re.fullmatch(r"\[test\] get BootOrder: EFI_SUCCESS( [0-9a-f]{4})+", tail[0]), tail
    assert tail[1:6] == [
        "[test] set HvGuestTest: EFI_SUCCESS",
        '[test] get HvGuestTest: EFI_SUCCESS "guest" attributes 7',
        "[test] del HvGuestTest: EFI_SUCCESS",
        "[test] get HvGuestTest: EFI_NOT_FOUND",
        "[test] set BootOrder: EFI_WRITE_PROTECTED",
    ], tail
    assert re.fullmatch(r"\[test\] time: EFI_SUCCESS 20\d\d-\d+-\d+", tail[6]), tail
    assert tail[7] == "guest test: exited with code 0", tail


def test_guest_lists_the_same_variables_as_the_shell(svm):
    out = run(svm, "guest run test")
    guest = [l[len("[test] var "):] for l in out if l.startswith("[test] var ")]
    listed = [l for l in out if l.startswith("[test] listed ")]
    assert listed == [f"[test] listed {len(guest)} variables (EFI_NOT_FOUND)"], listed
    shell = svm.cmd("vars")
    assert shell[-1] == f"{len(shell) - 1} variables", shell[-3:]
    assert guest == shell[:-1]
    assert "8be4df61-93ca-11d2-aa0d-00e098032b8c-BootOrder" in guest


def test_guest_bootorder_matches_the_shell(svm):
    out = run(svm, "guest run test")
    line = next(l for l in out if l.startswith("[test] get BootOrder: "))
    order = [x.upper() for x in line.split("EFI_SUCCESS", 1)[1].split()]
    shell = [l for l in svm.cmd("boot") if l.startswith("BootOrder")]
    assert len(shell) == 1, shell
    assert re.findall(r"[0-9A-F]{4}", shell[0].upper()) == order, (order, shell)


@pytest.mark.parametrize("what", ["flash", "runtime-table", "hv-image"])
def test_guest_touching_host_memory_stops_with_a_nested_page_fault(svm, what):
    pa = {"flash": 0xFFC00000,
          "runtime-table": bootinfo_pa(svm, "runtime table pa"),
          "hv-image": bootinfo_pa(svm, "image")}[what]
    op = "write" if what == "hv-image" else "read"
    stop = f"nested page fault at gpa {pa:#x} (not guest memory)"
    out = run(svm, f"guest run test probe {op} {pa:#x}")
    assert out == [f"[test] touching pa 0x{pa:016x}", f"guest test: stopped: {stop}"], out
    listed = svm.cmd("guest list")
    assert re.fullmatch(rf"test\s+\d+ bytes  stopped: {re.escape(stop)}", listed[0]), listed


@pytest.mark.parametrize("probe", ["past-end", "wrap", "no-nul", "big-data"])
def test_guest_malformed_request_is_invalid_parameter(svm, probe):
    out = run(svm, f"guest run test probe {probe}")
    assert out == [f"[test] {probe}: EFI_INVALID_PARAMETER", "guest test: exited with code 0"], out


def test_ctrl_rbracket_stops_a_spinning_guest(svm):
    svm.p.send("guest run test probe spin\r")
    svm.expect(re.escape("[test] spinning"), timeout=60)
    svm.p.send("\x1d")
    out = svm.expect(PROMPT, timeout=30).split("\n")
    assert [l for l in out if l.strip()][-1] == "guest test: stopped: stopped by Ctrl-]", out
    info = svm.cmd("guest info test")
    assert re.fullmatch(r"exits: IOIO \d+ INTR \d+", info[2]), info


def test_guest_info_counts_exits_and_hypercalls(svm):
    run(svm, "guest run test")
    info = svm.cmd("guest info test")
    assert re.fullmatch(r"guest test: image \d+ bytes at pa 0x[0-9a-f]+", info[0]), info
    assert re.fullmatch(r"memory: 64 MiB at pa 0x[0-9a-f]+, variables by hypercall: write",
                        info[1]), info
    assert re.fullmatch(r"exits: IOIO \d+ VMMCALL \d+( INTR \d+)?", info[2]), info
    hc = re.fullmatch(r"hypercalls: version 1 GetVariable (\d+) GetNextVariableName (\d+) "
                      r"SetVariable 3 GetTime 1", info[3])
    assert hc and int(hc.group(1)) == 3, info
    assert info[4] == "last stop: exited with code 0", info


def test_hypervisor_and_store_intact_after_the_probes(svm):
    before = svm.cmd("vars")
    for line in ("guest run test probe read 0xffc00000", "guest run test probe no-nul",
                 "guest run test probe big-data"):
        run(svm, line)
    assert svm.cmd("vars") == before
    assert svm.cmd(f"get {GUID}-Big!") == ["error: no such variable (EFI_NOT_FOUND)"]
    out = svm.cmd("selftest", timeout=120)
    assert re.fullmatch(r"selftest: \d+ passed, 0 failed", out[-1]), out[-5:]


def test_guest_unknown_name_is_one_error(svm):
    assert svm.cmd("guest run nosuch") == [
        "error: no guest named 'nosuch' (guest list shows them)"]
    assert svm.cmd("guest frob") == [
        "error: usage: guest list | guest run NAME [ARGS] | guest info NAME"]


def test_guest_needs_svm_with_nested_paging(machines, tmp_path):
    """QEMU's default CPU model: one error line, nothing else changes."""
    esp = copy_esp(str(tmp_path / "esp"))
    m = machines("guest-nosvm", esp, workdir=str(tmp_path))
    m.expect(PROMPT)
    out = m.cmd("guest run test")
    assert len(out) == 1 and re.fullmatch(
        r"error: guest test: this CPU('s SVM has no nested paging \(NPT\)| has no SVM .*)",
        out[0]), out
    assert m.cmd("guest list")[0].endswith("not run")


def test_missing_module_stops_the_boot_with_one_line(machines, tmp_path):
    esp = copy_esp(str(tmp_path / "esp"),
                   cfg_text="module = gone \\hvboot\\gone.elf\n")
    m = machines("guest-missing", esp, workdir=str(tmp_path))
    m.expect(re.escape(r"hvboot: module gone: \hvboot\gone.elf: not found on the boot volume"))
