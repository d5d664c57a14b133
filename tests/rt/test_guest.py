"""Guests under SVM + nested paging (README: Guests): the test guest
(tests/guest) on OVMF with `-cpu max` (TCG: AMD with SVM and NPT), booted
once; it prints, calls every hypercall, is refused what the policy
forbids, and each isolation probe ends with a named stop or an error
status while the hypervisor and the variable store stay intact: no
register of one guest reaches the next, ring 3 cannot call, XCR0 and AVX
state survive a thousand exits, the console shows what a guest prints
without obeying it. Then machines of their own for the store reserve and
the boot-chain GUIDs, a CPU without nested paging, and a module file that
is missing."""
import os
import re

import pytest

from conftest import PROMPT, Machine, copy_esp
from test_fbcon import Monitor

GUID = "3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10"
LOADER_GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
RESERVE_BYTES = 5120            # README: Policy
BUDGET_BYTES = 64 * 1024        # README: Policy
FILL_CHARGE = 4000 + 2 * len("FillA00") + 2     # probe fill: data + name, roughly
# The shell's prompt at the start of a line (README: Guest ABI: a guest line
# may contain "hv> " but never starts with it).
REAL_PROMPT = r"(?:^|\n)hv> "


@pytest.fixture(scope="module")
def svm(tmp_path_factory):
    work = tmp_path_factory.mktemp("guest")
    esp = copy_esp(str(work / "esp"))
    sock = str(work / "monitor.sock")
    m = Machine(f"guest-{work.name}", esp, workdir=str(work), cpu="max",
                extra=["-monitor", f"unix:{sock},server,nowait"])
    try:
        m.expect(PROMPT)
        m.monitor = Monitor(sock)
        yield m
        m.monitor.close()
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
    # What serving them cost the hypervisor, by the same kinds and
    # functions (host TSC cycles: wall time here, so only their presence).
    assert re.fullmatch(r"cycles per exit: IOIO [1-9]\d* VMMCALL [1-9]\d*( INTR [1-9]\d*)?",
                        info[5]), info
    assert re.fullmatch(r"cycles per hypercall: version [1-9]\d* GetVariable [1-9]\d* "
                        r"GetNextVariableName [1-9]\d* SetVariable [1-9]\d* GetTime [1-9]\d*",
                        info[6]), info


def test_hypervisor_and_store_intact_after_the_probes(svm):
    before = svm.cmd("vars")
    for line in ("guest run test probe read 0xffc00000", "guest run test probe no-nul",
                 "guest run test probe big-data"):
        run(svm, line)
    assert svm.cmd("vars") == before
    assert svm.cmd(f"get {GUID}-Big!") == ["error: no such variable (EFI_NOT_FOUND)"]
    out = svm.cmd("selftest", timeout=120)
    assert re.fullmatch(r"selftest: \d+ passed, 0 failed", out[-1]), out[-5:]


def guest_mem_pa(m):
    info = m.cmd("guest info test")
    hit = re.search(r"memory: \d+ MiB at pa (0x[0-9a-f]+)", info[1])
    assert hit, info
    return int(hit.group(1), 16)


def test_two_guests_in_a_row_read_none_of_each_others_registers(svm):
    out = run(svm, "guest run test probe hostile")
    assert out == ["[test] hostile: markers in xmm0-15, st0-7, fcw, mxcsr, dr0-3",
                   "guest test: exited with code 0"], out
    out = run(svm, "guest run test probe regs")
    regs = dict(l[len("[test] "):].split(" ", 1) for l in out[:-2] if l.startswith("[test] "))
    # A fresh FPU (SDM Vol. 1 §8.1.9 FNINIT/§10.2.3 MXCSR power-up) and
    # the architectural DR6/DR7 reset values (SDM Vol. 3B §17.2).
    assert regs.pop("fcw") == "037f fsw 0000 ftw 00 mxcsr 00001f80", out
    assert regs == {**{f"st{i}": "0" * 20 for i in range(8)},
                    **{f"xmm{i}": "0" * 32 for i in range(16)},
                    **{f"dr{i}": "0" * 16 for i in range(4)},
                    "dr6": "00000000ffff0ff0", "dr7": "0000000000000400"}, out
    assert out[-2:] == ["[test] regs: no marker", "guest test: exited with code 0"], out


def test_the_hypervisor_keeps_its_own_fpu_control_after_a_guest(svm):
    run(svm, "guest run test probe hostile")
    now = [l for l in svm.cmd("rt") if l.startswith("cpu state now")]
    assert len(now) == 1 and ", fcw 0x37f, mxcsr 0x1f80," in now[0], now


def test_a_ring3_hypercall_is_refused_and_touches_nothing(svm):
    out = run(svm, "guest run test probe ring3")
    assert out == ["[test] cpl 0: GetTime EFI_SUCCESS, buffer written",
                   "[test] cpl 3: GetTime EFI_ACCESS_DENIED, buffer untouched",
                   "[test] cpl 3: SetVariable EFI_ACCESS_DENIED",
                   "guest test: exited with code 0"], out
    assert svm.cmd(f"get {GUID}-Ring3") == ["error: no such variable (EFI_NOT_FOUND)"]


def test_avx_state_and_xcr0_survive_1000_exits(svm):
    out = run(svm, "guest run test probe avx 1000")
    assert out == ["[test] avx: 1000 exits, xcr0 0x7, ymm0-15 intact",
                   "guest test: exited with code 0"], out
    info = svm.cmd("guest info test")
    hit = re.search(r"CPUID (\d+)", info[2])
    assert hit and int(hit.group(1)) >= 990, info
    assert re.search(r"GetVariable 10\b", info[3]), info


def test_name_size_2048_is_served_and_2050_refused(svm):
    out = run(svm, "guest run test probe name-edge")
    assert out == ["[test] name_size 2048: EFI_NOT_FOUND",
                   "[test] name_size 2050: EFI_INVALID_PARAMETER",
                   "guest test: exited with code 0"], out


def test_invlpga_is_intercepted(svm):
    out = run(svm, "guest run test probe invlpga")
    assert out[0] == "[test] invlpga", out
    assert re.fullmatch(r"guest test: stopped: exit INVLPGA \(0x7a\) at rip 0x[0-9a-f]+",
                        out[1]) and len(out) == 2, out


def test_guest_memory_is_zeroed_when_the_guest_stops(svm):
    out = run(svm, "guest run test probe mark")
    assert out == ["[test] mark at 0x2000000, BootOrder copied: EFI_SUCCESS",
                   "guest test: exited with code 0"], out
    pa = guest_mem_pa(svm) + 0x2000000
    words = svm.monitor.cmd(f"xp /16gx {pa:#x}")
    values = re.findall(r"0x([0-9a-f]{16})", words)
    assert len(values) == 16 and set(values) == {"0" * 16}, words


def test_a_forged_prompt_is_shown_as_guest_output(svm):
    svm.p.send("guest run test probe forge\r")
    text = svm.expect(REAL_PROMPT, timeout=120)
    lines = [l for l in text.split("\n")[1:] if l.strip()]
    assert lines == ["[test] line one^Mhv> fake prompt",
                     "[test] ^Mhv> ",
                     "[test] tab\there, escape .[2K and bell .",
                     "[test] unterminated^Mhv> ",
                     "guest test: exited with code 0"], lines


def test_what_is_typed_on_com1_reaches_the_running_guest(svm):
    svm.p.send("guest run test probe echo 3\r")
    svm.expect(re.escape("[test] reading"), timeout=60)
    svm.p.send("hi!")
    out = svm.expect(PROMPT, timeout=30).split("\n")
    lines = [l.strip() for l in out if l.strip()]
    assert lines[-2:] == ["[test] echo: hi!", "guest test: exited with code 0"], out


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


def store_machine(tmp_path, name, guest_vars=f"write:{GUID}"):
    """A machine of its own, on a fresh store, with the build's config but
    guest_vars as given."""
    cfg = open(os.path.join(os.path.dirname(__file__), "..", "..", "tools", "hvboot.cfg")).read()
    cfg = re.sub(r"(?m)^guest_vars = .*$", f"guest_vars = {guest_vars}", cfg)
    esp = copy_esp(str(tmp_path / "esp"), cfg_text=cfg)
    m = Machine(f"{name}-{tmp_path.name}", esp, workdir=str(tmp_path), cpu="max")
    m.expect(PROMPT)
    return m


def fill(m, tag):
    out = run(m, f"guest run test probe fill {tag}")
    head = re.fullmatch(r"\[test\] fill: (\d+) variables, (\d+) bytes, then "
                        r"EFI_OUT_OF_RESOURCES", out[0])
    tail = re.fullmatch(r"\[test\] fill: remaining (\d+) \(EFI_SUCCESS\)", out[1])
    assert head and tail and out[2] == "guest test: exited with code 0", out
    return int(head.group(1)), int(head.group(2)), int(tail.group(1))


def test_guest_writes_stop_at_the_run_budget_and_the_store_reserve(tmp_path):
    m = store_machine(tmp_path, "guest-store")
    try:
        n, written, _ = fill(m, "A")
        assert BUDGET_BYTES - FILL_CHARGE < written <= BUDGET_BYTES and n > 0, (n, written)
        for tag in "BCDEFGHIJ":
            n, written, remaining = fill(m, tag)
            assert remaining >= RESERVE_BYTES, (tag, remaining)
            if written < BUDGET_BYTES - FILL_CHARGE:
                break                   # stopped by the reserve, not the budget
        else:
            raise AssertionError("the store never reached its reserve")
        assert fill(m, "Z")[:2] == (0, 0)
        info = m.cmd("varinfo")
        hit = re.search(r"remaining\s+(\d+) bytes", "\n".join(info))
        assert hit and int(hit.group(1)) >= RESERVE_BYTES, info
        # The reserve is the operator's: set is not limited by it.
        assert m.cmd(f'set {GUID}-Operator nv,bs,rt "still room"') == ["ok"]
        assert any("still room" in l for l in m.cmd(f"get {GUID}-Operator"))
    finally:
        m.close()


def test_write_guid_of_the_boot_chain_still_writes_nothing(tmp_path):
    """The reviewer's attack: guest_vars = write:systemd-boot's GUID, and
    the guest sets LoaderEntryOneShot to steer the next boot."""
    m = store_machine(tmp_path, "guest-chain", f"write:{LOADER_GUID}")
    try:
        out = run(m, "guest run test probe oneshot")
        assert out == ["[test] set LoaderEntryOneShot: EFI_WRITE_PROTECTED",
                       "guest test: exited with code 0"], out
        assert m.cmd(f"get {LOADER_GUID}-LoaderEntryOneShot") == [
            "error: no such variable (EFI_NOT_FOUND)"]
    finally:
        m.close()
