"""Misbehaving firmware, simulated from outside the product: build/fw/hvfwsim.efi
(tests/fw, README "Simulated misbehaving firmware") is a runtime driver that
OVMF loads from a Driver#### option before the loader; hvfwsim.txt on the ESP
names the misbehaviour. One boot per misbehaviour (a class each, so
`-n 2 --dist loadscope` spreads them). Each class asserts what the product
does today, line by line; where that is wrong, the right behaviour is an
xfail(strict=True) test that flips when the product is fixed. Every class
ends by checking, offline with UEFIExtract, that the variable store still
holds what was written before the fault.

Run: /usr/bin/python3 -m pytest -q -n 2 --dist loadscope tests/rt/test_misbehaving.py"""
import os
import re
import shutil

import pytest

from conftest import BUILD, PROMPT, Machine, copy_esp
from shellvars import NV_BS_RT, TEST_GUID, get_var, uefiextract, uefi_shell_folder, var

FWSIM = os.path.join(BUILD, "fw", "hvfwsim.efi")
MARK = var("FwsimMark")
MARK_VALUE = b"written before the fault"
DATE = re.compile(r"^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$")
HEX = r"0x[0-9a-f]+"



@pytest.fixture(scope="session")
def sim_vars(tmp_path_factory):
    """A VARS file whose Driver0000/DriverOrder load \\hvfwsim.efi from the
    first SATA disk. The Shell cannot run a driver as a command ("The image
    is not an application.") and its `load` passes no options; a driver
    loaded from the Shell also comes after ReadyToBoot. So one Shell boot
    writes the option with `bcfg` and powers off; every test boot then has
    BDS load the driver before the loader, from the same vvfat disk
    position (QEMU's vvfat MBR and geometry are fixed, so the device path
    matches)."""
    assert os.path.exists(FWSIM), f"{FWSIM} is missing: make fwsim (make test builds it)"
    work = tmp_path_factory.mktemp("simvars")
    drive = uefi_shell_folder(str(work / "drive"), [
        "fs0:",
        'bcfg driver add 0 fs0:\\hvfwsim.efi "hvfwsim"',
        "reset -s",
    ])
    shutil.copy(FWSIM, os.path.join(drive, "hvfwsim.efi"))
    m = Machine(f"fwsim-prep-{work.name}", drive, workdir=str(work))
    try:
        # Any key but ESC skips the Shell's 5 s startup.nsh countdown.
        m.expect(r"Press .{0,40}ESC", timeout=120)
        m.p.send("\r")
        m.expect(r"Add Driver0000 as 0", timeout=60)
        assert m.wait_exit(timeout=60) == 0
    finally:
        m.close()
    return m.vars_path


def sim_boot(tmp_path_factory, sim_vars, modes, tag, prompt=True, mark=True, cfg=None, cpu=None):
    """A machine booting build/esp with hvfwsim.efi doing `modes`; at the
    prompt, MARK written (unless mark=False: SetVariable is what faults).
    m.report: the driver's lines (printed at ReadyToBoot)."""
    work = tmp_path_factory.mktemp(tag)
    esp = copy_esp(str(work / "esp"), **({"cfg_text": cfg} if cfg else {}))
    shutil.copy(FWSIM, os.path.join(esp, "hvfwsim.efi"))
    with open(os.path.join(esp, "hvfwsim.txt"), "w") as f:
        f.write(modes + "\n")
    vars_path = str(work / "vars.fd")
    shutil.copyfile(sim_vars, vars_path)
    m = Machine(f"fwsim-{tag}-{work.name}", esp, vars_path=vars_path, cpu=cpu)
    m.work = str(work)
    if not prompt:
        return m
    try:
        text = m.expect(PROMPT)
        # The line may follow OVMF's own escapes ("\x1b[=3h").
        m.report = [l[l.index("hvfwsim: "):].strip() for l in text.split("\n") if "hvfwsim: " in l]
        if mark:
            assert m.cmd(f'set {MARK} nv,bs,rt "{MARK_VALUE.decode()}"') == ["ok"]
    except BaseException:
        m.close()
        raise
    return m


def report_value(m, key):
    """An address from the driver's report line, e.g. 'kept at pa 0x1F6..'."""
    for line in m.report:
        hit = re.search(key + r" (0x[0-9A-Fa-f]+)", line)
        if hit:
            return int(hit.group(1), 16)
    raise AssertionError(f"no '{key}' in {m.report}")


def store_keeps_mark(m, exited=True):
    """Powers off (or kills a stuck QEMU) and reads the VARS file offline."""
    if exited:
        m.p.send("reset shutdown\r")
        assert m.wait_exit(timeout=60) == 0
    m.close()
    found = uefiextract(m.vars_path, m.work)
    assert found.get((TEST_GUID, "FwsimMark")) == (NV_BS_RT, MARK_VALUE), sorted(found)


def round_trip(m, name):
    data = b"ABCDEFGHIJKLMNOP"
    assert m.cmd(f'set {var(name)} nv,bs,rt "{data.decode()}"') == ["ok"]
    assert get_var(m, var(name)) == (NV_BS_RT, data)


def fault_line(what, fault, svc, group, cr2=None):
    """The one line a contained fault gives (rt/rt.c rt_contain_fault)."""
    where = rf"{fault} at ({HEX}) in {svc}"
    if cr2 is not None:
        where += rf", cr2 {cr2}"
    return re.compile(rf"^error: {what}: {where}; {group} services off \(EFI_ABORTED\)$")


def booted(modes, first, **kw):
    """A test class's machine: booted once with `modes` (sim_boot's keywords
    in kw), `first` run, closed after the class (class_machine)."""
    @pytest.fixture(scope="class", autouse=True)
    def machine(self, request, tmp_path_factory, sim_vars):
        m = class_machine(request, tmp_path_factory, sim_vars, modes, first, **kw)
        yield m
        m.close()
    return machine


def class_machine(request, tmp_path_factory, sim_vars, modes, first, mark=True, cfg=None):
    m = sim_boot(tmp_path_factory, sim_vars, modes, request.cls.__name__.lower(), mark=mark,
                 cfg=cfg)
    m.first = m.cmd(first)
    request.cls.m = m
    return m


# ------------------------------------------------------------ #UD and #GP

class TestInvalidOpcodeAndGeneralProtection:
    machine = booted("ud:QueryVariableInfo gp:GetTime", "varinfo")

    def test_driver_reports_its_plan(self):
        assert self.m.report == ["hvfwsim: ud in QueryVariableInfo", "hvfwsim: gp in GetTime"]

    def test_varinfo_is_one_error_line(self):
        out = self.m.first
        assert len(out) == 1 and fault_line("cannot query variable storage", r"invalid opcode \(#UD\)",
                                            "QueryVariableInfo", "variable").match(out[0]), out

    def test_rt_names_the_invalid_opcode(self):
        hit = fault_line("cannot query variable storage", r"invalid opcode \(#UD\)", "QueryVariableInfo",
                         "variable").match(self.m.first[0])
        rip = int(hit.group(1), 16)
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^last fault\s+invalid opcode \(#UD\) \(vector 6, error 0x0\) in QueryVariableInfo$",
                         out, re.M), out
        assert re.search(rf"^  rip  {rip:#x} \(descriptor \d+ \+ {HEX}\)$", out, re.M), out
        assert re.search(r"^  cr2  not loaded \(only a page fault sets it\)$", out, re.M), out
        assert re.search(rf"^  variable\s+off \(invalid opcode \(#UD\) at {rip:#x} in QueryVariableInfo; "
                         r"variable services off\)$", out, re.M), out
        assert re.search(r"^  time\s+on$", out, re.M), out
        # One group off is not the whole layer.
        assert out.endswith("\nruntime: enabled"), out
        assert re.search(r"^\s*QueryVariableInfo\s+1\s+1\b", out, re.M), out

    def test_the_whole_variable_group_is_off(self):
        for line in ("get BootOrder", "vars", f"set {var('Ud')} nv,bs,rt 01", "varinfo"):
            out = self.m.cmd(line)
            assert len(out) == 1 and out[0].startswith(
                "error: runtime services unavailable (invalid opcode (#UD) at"), (line, out)

    def test_gettime_gp_is_contained_and_variables_stay_off(self):
        out = self.m.cmd("time")
        assert len(out) == 1 and fault_line("cannot read the clock", r"general protection \(#GP\)",
                                            "GetTime", "time").match(out[0]), out
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^last fault\s+general protection \(#GP\) \(vector 13, error 0x0\) in GetTime$",
                         out, re.M), out
        assert re.search(r"^\s*GetTime\s+\d+\s+1\b", out, re.M), out
        # Each group with its own fault; the rest still on.
        assert re.search(r"^  time\s+off \(general protection \(#GP\) at 0x[0-9a-f]+ in GetTime; "
                         r"time services off\)$", out, re.M), out
        assert re.search(r"^  variable\s+off \(invalid opcode \(#UD\) at 0x[0-9a-f]+ in QueryVariableInfo; "
                         r"variable services off\)$", out, re.M), out
        assert re.search(r"^  reset\s+on$", out, re.M), out
        assert out.endswith("\nruntime: enabled"), out
        for line in ("time", "time set 2026-01-01 00:00:00"):
            out = self.m.cmd(line)
            assert len(out) == 1 and out[0].startswith(
                "error: runtime services unavailable (general protection (#GP) at"), (line, out)
        assert len(self.m.cmd("help")) > 10

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


# ------------------------------ #PF in SetVariable, then in ResetSystem
# Both read the local APIC, which no runtime descriptor covers: a page fault
# at 0xfee00030 inside the service, contained.

class TestPageFaultInSetVariableAndResetSystem:
    machine = booted("mmio:SetVariable mmio:ResetSystem", f'set {var("Boom")} nv,bs,rt "boom"',
                     mark=False)

    def test_fault_in_setvariable_is_one_error_line(self):
        out = self.m.first
        assert len(out) == 1 and fault_line("cannot set variable", r"page fault \(#PF\)", "SetVariable",
                                            "variable", cr2="0xfee00030").match(out[0]), out

    def test_rt_names_the_fault_and_its_descriptor(self):
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^last fault\s+page fault \(#PF\) \(vector 14, error 0x0\) in SetVariable$",
                         out, re.M), out
        assert re.search(rf"^  rip  {HEX} \(descriptor \d+ \+ {HEX}\)$", out, re.M), out
        assert re.search(r"^  cr2  0x00000000fee00030 \(outside the runtime regions\)$", out, re.M), out
        assert re.search(r"^  variable\s+off \(page fault \(#PF\) at 0x[0-9a-f]+ in SetVariable", out, re.M), out
        assert out.endswith("\nruntime: enabled"), out
        assert re.search(r"^\s*SetVariable\s+1\s+1\b", out, re.M), out

    def test_variable_services_stay_off(self):
        for line in ("get BootOrder", "vars"):
            out = self.m.cmd(line)
            assert len(out) == 1 and out[0].startswith("error: runtime services unavailable ("), out

    def test_time_services_and_the_shell_still_work(self):
        assert DATE.match(self.m.cmd("time")[0])
        assert "not mapped" in "\n".join(self.m.cmd("pt 0"))
        assert len(self.m.cmd("help")) > 10

    def test_fault_in_resetsystem_keeps_the_shell(self):
        out = self.m.cmd("reset shutdown")
        assert len(out) == 1 and re.fullmatch(
            r"error: shutdown: ResetSystem faulted: page fault \(#PF\) at 0x[0-9a-f]+ in ResetSystem, "
            r"cr2 0xfee00030; reset services off \(EFI_ABORTED\)", out[0]), out
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^\s*ResetSystem\s+1\s+1\b", out, re.M), out
        assert DATE.match(self.m.cmd("time")[0])
        # ResetSystem stays off: the next reset goes straight to the hardware.
        out = self.m.cmd("reset shutdown")
        assert len(out) == 1 and re.fullmatch(
            r"error: shutdown needs ResetSystem \(page fault \(#PF\) at 0x[0-9a-f]+ in ResetSystem, "
            r"cr2 0xfee00030; reset services off\)", out[0]), out

    def test_reset_falls_back_to_the_acpi_reset_register(self):
        self.m.p.send("reset cold\r")
        self.m.expect("resetting \\(cold\\)", timeout=30)
        # QEMU runs with -no-reboot: the FADT's reset register ends it; the
        # later fallbacks would print nothing first.
        assert self.m.wait_exit(timeout=60) == 0
        assert "ACPI reset:" not in self.m.p.before

    def test_store_kept_its_driver_option_and_took_nothing(self):
        self.m.close()
        found = uefiextract(self.m.vars_path, self.m.work)
        assert ("8be4df61-93ca-11d2-aa0d-00e098032b8c", "DriverOrder") in found, sorted(found)
        assert (TEST_GUID, "Boom") not in found, sorted(found)


# ------------------------------------------------------------ DF/IF/AC leak

class TestDirectionFlagLeak:
    machine = booted("df", "time")

    def test_fault_with_df_set_is_one_error_line(self):
        out = self.m.first
        assert len(out) == 1 and fault_line("cannot read the clock", r"invalid opcode \(#UD\)", "GetTime",
                                            "time").match(out[0]), out

    def test_next_round_trip_stores_what_was_written(self):
        round_trip(self.m, "AfterDf")

    def test_rt_shows_the_flags_put_back(self):
        """The fault left DF, IF and AC set; the shell runs with none of
        them (read live by `rt`), and `rt` says which call left what."""
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^cpu state now\s+rflags 0x[0-9a-f]+ \(set: none\), fcw 0x37f, mxcsr 0x1f80,",
                         out, re.M), out
        # Entered with IF set (the watchdog's timer must reach it): DF and
        # AC are what changed; the shell runs with IF clear again.
        hit = re.search(r"^  rflags\s+1 call left them changed, put back \(last: GetTime left "
                        r"(0x[0-9a-f]+), DF AC changed\)$", out, re.M)
        assert hit and int(hit.group(1), 16) & 0x40600 == 0x40600, out
        assert re.search(r"^  cr0/cr4\s+no call flipped a bit$", out, re.M), out

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


# ------------------------------------------- page faults outside the window

PF_MODES = {
    # mode: report key for CR2, or a fixed CR2
    "page0": 0,
    "mmio": 0xFEE00030,
    "bs-data": "buffer at pa",
    "phys-ptr:GetTime": "kept at pa",
}


@pytest.fixture(scope="class")
def pf_machine(request, tmp_path_factory, sim_vars):
    m = class_machine(request, tmp_path_factory, sim_vars, request.cls.MODE, "time",
                      cfg=getattr(request.cls, "CFG", None))
    yield m
    m.close()


class PageFault:
    MODE = ""

    def cr2(self):
        want = PF_MODES[self.MODE]
        return want if isinstance(want, int) else report_value(self.m, want)



class PageFaultContained(PageFault):
    """A service touches an address no healable descriptor covers (or the
    rung is none): contained as a page fault at exactly that address."""

    def test_fault_is_one_error_line_naming_the_address(self, pf_machine):
        out = self.m.first
        hit = len(out) == 1 and fault_line("cannot read the clock", r"page fault \(#PF\)", "GetTime", "time",
                                           cr2=hex(self.cr2())).match(out[0])
        assert hit, (out, hex(self.cr2()))

    def test_rt_places_cr2_outside_the_runtime_regions(self, pf_machine):
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(rf"^  cr2  0x{self.cr2():016x} \(outside the runtime regions\)$",
                         out, re.M), out

    def test_variables_still_work(self, pf_machine):
        round_trip(self.m, "AfterPf")

    def test_store_keeps_what_was_written_before(self, pf_machine):
        store_keeps_mark(self.m)


class PageFaultHealed(PageFault):
    """rt_compat = heal (the default): the address is a physical one the
    firmware may still use; a 1:1 alias in the runtime space heals it, the
    call completes, `rt` logs the quirk, nothing is switched off."""
    TYPE = None		# the descriptor type the quirk names, None: any
    QUIRK = None	# its line in the quirks table (loader/quirks.c)

    def test_call_is_healed(self, pf_machine):
        out = self.m.first
        assert DATE.match(out[0]) and not any(l.startswith("error") for l in out), out
        rt = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^compat\s+heal \(1:1 aliases added where a call faults at a physical "
                         r"address\), [1-9]\d* quirks? healed, [1-9]\d* alias pages$", rt, re.M), rt
        quirk = re.search(rf"^  quirk\s+GetTime touched 0x{self.cr2():x} \(rip 0x[0-9a-f]+\): "
                          r"(descriptor \d+ (\w+)|page 0, no descriptor), "
                          r"aliased 1:1 (0x[0-9a-f]+)-(0x[0-9a-f]+)$", rt, re.M)
        assert quirk, rt
        assert int(quirk.group(3), 16) <= self.cr2() <= int(quirk.group(4), 16), rt
        if self.TYPE:
            assert quirk.group(2) == self.TYPE, rt
        # The healed kind is one line of the quirks table, beside OVMF's two.
        assert re.search(r"^quirks\s+3 fired this boot$", rt, re.M), rt
        assert re.search(rf"^  {self.QUIRK}\s+\S", rt, re.M), rt
        assert re.search(r"^last fault\s+none$", rt, re.M), rt
        assert re.search(r"^runtime: enabled$", rt, re.M), rt
        # Healed once: the next call runs without a new quirk.
        assert DATE.match(self.m.cmd("time")[0])

    def test_selftest_audits_both_spaces_clean_with_the_alias(self, pf_machine):
        out = self.m.cmd("selftest", timeout=120)
        assert out[-1].endswith(" passed, 0 failed"), out

    def test_variables_still_work(self, pf_machine):
        round_trip(self.m, "AfterPf")

    def test_store_keeps_what_was_written_before(self, pf_machine):
        store_keeps_mark(self.m)


@pytest.mark.usefixtures("pf_machine")
class TestPage0(PageFaultHealed):
    MODE = "page0"
    QUIRK = "page0"


@pytest.mark.usefixtures("pf_machine")
class TestPage0WithoutHealing(PageFaultContained):
    MODE = "page0"
    CFG = "rt_compat = none\n"


@pytest.mark.usefixtures("pf_machine")
class TestMmio(PageFaultContained):
    MODE = "mmio"


@pytest.mark.usefixtures("pf_machine")
class TestBootServicesData(PageFaultHealed):
    MODE = "bs-data"
    TYPE = "EfiBootServicesData"
    QUIRK = "bs-at-runtime"


@pytest.mark.usefixtures("pf_machine")
class TestPhysicalPointer(PageFaultHealed):
    MODE = "phys-ptr:GetTime"
    TYPE = "EfiRuntimeServicesCode"
    QUIRK = "phys-pointer"


# ------------------------------------------------------------ overruns

class TestDataOverrun:
    """GetVariable writes 16 bytes past the buffer it was offered: that
    buffer ends at an unmapped guard page, so the write is a page fault,
    contained (the saved RSP and CR3 values it could once reach are not
    even mapped, or read-only, in the firmware's address space)."""
    machine = booted("overrun-data:16", f"get {MARK}")

    def test_driver_reports_its_plan(self):
        assert self.m.report == ["hvfwsim: overrun-data in GetVariable, 16 bytes"]

    def test_data_overrun_is_one_error_line(self):
        out = self.m.first
        assert len(out) == 1 and fault_line("cannot read variable", r"page fault \(#PF\)", "GetVariable",
                                            "variable", cr2=HEX).match(out[0]), out

    def test_the_fault_is_at_the_guard_page_above_the_buffer(self):
        out = "\n".join(self.m.cmd("rt"))
        cr2 = re.search(r"^  cr2  0x([0-9a-f]{16}) \(outside the runtime regions\)$", out, re.M)
        assert cr2 and int(cr2.group(1), 16) % 4096 == 0, out
        assert DATE.match(self.m.cmd("time")[0])

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


class TestNameOverrun:
    machine = booted("overrun-name:16", "vars")

    def test_driver_reports_its_plan(self):
        assert self.m.report == ["hvfwsim: overrun-name in GetNextVariableName, 16 bytes"]

    def test_name_overrun_is_one_error_line(self):
        out = self.m.first
        assert len(out) == 1 and fault_line("cannot list variables", r"page fault \(#PF\)",
                                            "GetNextVariableName", "variable", cr2=HEX
                                            ).match(out[0]), out

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


# ------------------------------------------------------------ lies

class TestLyingStatus:
    machine = booted("overstate-size bad-status:GetTime ud:GetNextHighMonotonicCount",
                     f"get {MARK}")

    def test_overstated_size_is_refused(self):
        assert self.m.first == ["error: cannot read variable (EFI_DEVICE_ERROR)"]

    def test_garbage_status_is_printed_as_a_number(self):
        assert self.m.cmd("time") == ["error: cannot read the clock (0x8000000000000063)"]

    def test_no_fault_and_nothing_switched_off(self):
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^last fault\s+none$", out, re.M), out
        assert re.search(r"^runtime: enabled$", out, re.M), out
        assert self.m.cmd(f'set {var("Lies")} nv,bs,rt 01') == ["ok"]

    def test_fault_in_the_monotonic_count_switches_variables_off(self):
        """EDK2's GetNextHighMonotonicCount writes its counter with
        SetVariable (rt/rt_group.c): after a fault there the variable
        driver may be mid-write, so variables go off with it."""
        out = self.m.cmd("count")
        assert len(out) == 1 and fault_line("cannot read the monotonic count", r"invalid opcode \(#UD\)",
                                            "GetNextHighMonotonicCount", "variable and misc"
                                            ).match(out[0]), out
        out = self.m.cmd(f"get {MARK}")
        assert len(out) == 1 and out[0].startswith(
            "error: runtime services unavailable (invalid opcode (#UD) at"), out
        out = self.m.cmd("time set 2026-01-01 00:00:00")	# SetTime writes "RTC"
        assert len(out) == 1 and out[0].startswith("error: runtime services unavailable ("), out
        assert self.m.cmd("time") == ["error: cannot read the clock (0x8000000000000063)"]

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


# ------------------------------------------------------------ hang

class TestHang:
    """GetTime and ResetSystem never return (`sti; jmp $`): the watchdog's
    LAPIC timer abandons each at the read deadline, here 2 s
    (`rt_watchdog = 2s,60s`: at the notice's own 2 s, so no notice)."""
    @pytest.fixture(scope="class", autouse=True)
    def machine(self, request, tmp_path_factory, sim_vars):
        m = sim_boot(tmp_path_factory, sim_vars, "hang hang:ResetSystem", "hang",
                     cfg="rt_watchdog = 2s,60s\n")
        request.cls.m = m
        yield m
        m.close()

    def test_hung_call_is_abandoned_after_two_seconds(self):
        out = self.m.cmd("time", timeout=20, notices=True)
        assert len(out) == 1 and fault_line("cannot read the clock", "no return within 2 s",
                                            "GetTime", "time").match(out[0]), out

    def test_other_services_keep_working(self):
        round_trip(self.m, "AfterHang")
        assert re.fullmatch(r"high monotonic count: \d+", self.m.cmd("count")[0])
        out = self.m.cmd("time")
        assert len(out) == 1 and out[0].startswith("error: runtime services unavailable (no return"), out

    def test_rt_names_the_abandoned_call(self):
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^watchdog\s+reads 2 s, writes 60 s by the TSC \(\d+ kHz\), LAPIC timer "
                         r"every 50 ms while a call runs; \d+ ticks, 0 calls reported slow, "
                         r"1 call abandoned, 0 stray interrupts$", out, re.M), out
        assert re.search(r"^last fault\s+no return within 2 s \(vector 256, error 0x0\) in GetTime$",
                         out, re.M), out
        groups = out[out.index("\nservice groups\n") + 1:].split("\n")
        assert re.fullmatch(r"  time\s+off \(no return within 2 s at 0x[0-9a-f]+ in GetTime; "
                            r"time services off\)", groups[1]), groups
        assert [re.sub(r"\s+", " ", g) for g in groups[2:]] == [
            " variable on", " reset on", " capsule on", " misc on", "runtime: enabled"], groups
        assert re.search(rf"^  rip  {HEX} \(descriptor \d+ \+ {HEX}\)$", out, re.M), out
        # The firmware ran with IF set, as it was entered: nothing to put back.
        assert re.search(r"^cpu state now\s+rflags 0x[0-9a-f]+ \(set: none\)", out, re.M), out

    def test_hung_resetsystem_falls_back_to_the_acpi_reset(self):
        self.m.p.send("reset cold\r")
        self.m.expect(r"ResetSystem hung: no return within 2 s at 0x[0-9a-f]+ in ResetSystem; "
                      r"reset services off \(EFI_ABORTED\); trying the hardware reset paths",
                      timeout=20)
        self.m.expect("resetting \\(cold\\)", timeout=10)
        assert self.m.wait_exit(timeout=60) == 0

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m, exited=False)


# ------------------------------------------------------------ deadlines

SLOW_NOTICE = "hv: SetVariable still running after 2 s"


class TestSlowWriteAndHungRead:
    """A SetVariable that takes 4 s, as a reclaim on slow flash does, and a
    GetTime that never returns, with `rt_watchdog = 3s,30s`: the write runs
    past the read deadline, is reported once at 2 s and succeeds; the read
    is abandoned at its 3 s (README "Runtime-call deadlines")."""
    machine = booted("slow:SetVariable:4000 hang:GetTime", "rt", mark=False,
                     cfg="rt_watchdog = 3s,30s\n")

    def test_driver_reports_its_plan(self):
        assert re.fullmatch(r"hvfwsim: slow in SetVariable, 4000 ms \(TSC \d+ kHz\)",
                            self.m.report[0]), self.m.report
        assert self.m.report[1:] == ["hvfwsim: hang in GetTime"], self.m.report

    def test_rt_shows_the_configured_deadlines(self):
        assert re.search(r"^watchdog\s+reads 3 s, writes 30 s by the TSC", "\n".join(self.m.first),
                         re.M), self.m.first

    def test_slow_write_gives_one_notice_then_succeeds(self):
        assert self.m.cmd(f'set {MARK} nv,bs,rt "{MARK_VALUE.decode()}"',
                          timeout=60, notices=True) == [SLOW_NOTICE, "ok"]
        assert get_var(self.m, MARK) == (NV_BS_RT, MARK_VALUE)

    def test_each_slow_call_gets_its_own_notice(self):
        name = var("SlowAgain")
        assert self.m.cmd(f'set {name} nv,bs,rt "again"', timeout=60,
                          notices=True) == [SLOW_NOTICE, "ok"]
        assert self.m.cmd(f"del {name}", timeout=60, notices=True) == [SLOW_NOTICE, "ok"]

    def test_hung_read_is_abandoned_at_its_deadline(self):
        out = self.m.cmd("time", timeout=60, notices=True)
        assert len(out) == 2 and out[0] == "hv: GetTime still running after 2 s", out
        assert fault_line("cannot read the clock", "no return within 3 s", "GetTime",
                          "time").match(out[1]), out

    def test_rt_counts_the_slow_calls_and_the_abandoned_one(self):
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^watchdog\s+reads 3 s, writes 30 s by the TSC \(\d+ kHz\), LAPIC "
                         r"timer every 50 ms while a call runs; \d+ ticks, 4 calls reported "
                         r"slow, 1 call abandoned, 0 stray interrupts$", out, re.M), out
        assert re.search(r"^last fault\s+no return within 3 s \(vector 256, error 0x0\) in "
                         r"GetTime$", out, re.M), out

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


class TestWatchdogOff:
    """`rt_watchdog = off`: no timer, no notice, no deadline; the slow write
    simply takes its time."""
    machine = booted("slow:SetVariable:2500", "rt", mark=False, cfg="rt_watchdog = off\n")

    def test_rt_says_the_watchdog_is_off(self):
        assert "watchdog           off (rt_watchdog = off)" in self.m.first, self.m.first

    def test_slow_write_succeeds_without_a_notice(self):
        assert self.m.cmd(f'set {MARK} nv,bs,rt "{MARK_VALUE.decode()}"', timeout=60,
                          notices=True) == ["ok"]
        assert get_var(self.m, MARK) == (NV_BS_RT, MARK_VALUE)

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


# --------------------------------------- new VAs inside SetVirtualAddressMap

def test_svam_newva_faults_in_firmware_before_the_hypervisor(tmp_path_factory, sim_vars):
    """Today nobody maps the new addresses during SetVirtualAddressMap: OVMF
    takes the #PF at the new VA (in the window), prints its dump and stops;
    the boot never reaches the shell."""
    m = sim_boot(tmp_path_factory, sim_vars, "svam-newva", "svam", prompt=False)
    try:
        m.expect(r"hvboot: exiting boot services")
        m.expect(r"!!!! X64 Exception Type - 0E\(#PF - Page-Fault\)")
        text = m.expect(r"FXSAVE_STATE")
        cr2 = re.search(r"CR2 - ([0-9A-F]{16})", text)
        assert cr2 and 0xFFFFFF0000000000 <= int(cr2.group(1), 16) < 0xFFFFFF8000000000, text
        assert PROMPT not in m.p.before
    finally:
        m.close()
    # Written before the fault, by the preparing boot: the driver option.
    found = uefiextract(m.vars_path, m.work)
    assert ("8be4df61-93ca-11d2-aa0d-00e098032b8c", "DriverOrder") in found, sorted(found)


# ------------------------------------------------ strict memory protection
# Firmware that maps fresh pages NX offers EFI_MEMORY_ATTRIBUTE_PROTOCOL; the
# loader must use it to make the trampoline page executable before
# ExitBootServices (loader/efi_trampoline.c). The simulator's protocol
# records each call on the console.

def test_trampoline_is_made_executable_and_read_only_through_the_protocol(tmp_path_factory,
                                                                          sim_vars):
    m = sim_boot(tmp_path_factory, sim_vars, "memattr", "memattr", prompt=False)
    try:
        text = m.expect(PROMPT)
    finally:
        m.close()
    clear = re.search(r"hvfwsim: memattr clear 0x([0-9A-F]+) \+0x1000 0x4000$", text, re.M)
    ro = re.search(r"hvfwsim: memattr set 0x([0-9A-F]+) \+0x1000 0x20000$", text, re.M)
    said = re.search(r"^hvboot: trampoline 0x([0-9a-f]+) made read-only, executable "
                     r"\(EFI_MEMORY_ATTRIBUTE_PROTOCOL\)$", text, re.M)
    assert clear and ro and said, text[-3000:]
    assert int(clear.group(1), 16) == int(ro.group(1), 16) == int(said.group(1), 16)
    assert clear.start() < ro.start() < said.start(), "XP cleared, then RO set, then said"


def test_a_trampoline_the_firmware_will_not_make_executable_stops_the_boot(tmp_path_factory,
                                                                          sim_vars):
    m = sim_boot(tmp_path_factory, sim_vars, "memattr-refuse", "memattr-refuse", prompt=False)
    try:
        m.expect(r"hvboot: cannot make the trampoline page 0x[0-9a-f]+ executable "
                 r"\(EFI_MEMORY_ATTRIBUTE_PROTOCOL: EFI_ACCESS_DENIED\)")
        # Before ExitBootServices: back to the firmware, which goes on.
        text = m.expect(r"UEFI Interactive Shell|Shell>|Press .{0,40}ESC|Boot Manager", timeout=120)
        assert "exiting boot services" not in text and PROMPT not in text, text
    finally:
        m.close()


class TestAliasWithNewVaInSvam:
    """rt_compat = alias: every runtime region aliased 1:1 in the runtime
    space, and the window lent to the firmware's tables while
    SetVirtualAddressMap runs, so svam-newva boots."""
    machine = booted("svam-newva", "rt", cfg="rt_compat = alias\n")

    def test_boots_and_rt_shows_the_rung(self):
        out = "\n".join(self.m.first)
        assert re.search(r"^compat\s+alias \(1:1 aliases of every runtime region, and the window "
                         r"during SetVirtualAddressMap\), 0 quirks healed, [1-9]\d* alias pages$",
                         out, re.M), out
        assert re.search(r"^runtime: enabled$", out, re.M), out

    def test_services_work_and_selftest_audits_clean(self):
        assert DATE.match(self.m.cmd("time")[0])
        round_trip(self.m, "AfterAlias")
        out = self.m.cmd("selftest", timeout=120)
        assert out[-1].endswith(" passed, 0 failed"), out

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


class TestIdentity:
    """rt_compat = identity: VirtualStart = PhysicalStart for every runtime
    region, mapped only in the runtime space. A physical pointer kept after
    SetVirtualAddressMap is then simply right: no fault, no quirk."""
    machine = booted("phys-ptr:GetTime", "time", cfg="rt_compat = identity\n")

    def test_physical_pointer_call_just_works(self):
        assert DATE.match(self.m.first[0]), self.m.first

    def test_rt_shows_identity_and_regions_at_their_physical_addresses(self):
        out = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^window\s+0x[0-9a-f]+, identity layout, \d+ regions$", out, re.M), out
        regions = re.findall(r"^\s+\d+ Efi\w+\s+pa 0x([0-9a-f]+)\s+\d+ pages  va 0x([0-9a-f]+)$",
                             out, re.M)
        assert regions and all(int(pa, 16) == int(va, 16) for pa, va in regions), out
        assert re.search(r"^compat\s+identity \(VirtualStart = PhysicalStart\), 0 quirks healed, "
                         r"[1-9]\d* alias pages$", out, re.M), out
        assert re.search(r"^last fault\s+none$", out, re.M), out

    def test_services_work_and_selftest_audits_clean(self):
        round_trip(self.m, "AfterIdentity")
        assert re.fullmatch(r"high monotonic count: \d+", self.m.cmd("count")[0])
        out = self.m.cmd("selftest", timeout=120)
        assert out[-1].endswith(" passed, 0 failed"), out

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)


# ------------------------------------------------ a fault during a hypercall
# The guest's SetVariable goes through the same runtime layer as the
# shell's: a firmware fault there is contained the same way, and the guest
# gets EFI_ABORTED instead of the hypervisor going down (README: Guests).

def test_firmware_fault_in_a_guests_hypercall_is_contained(tmp_path_factory, sim_vars):
    guid = "3f1d4b7e-2c5a-4e8e-9d41-6a0b9c7e5f10"
    m = sim_boot(tmp_path_factory, sim_vars, "ud:SetVariable", "guest-fault", mark=False,
                 cpu="max", cfg=("module = test \\hvboot\\testguest.elf\n"
                                 f"guest_vars = write:{guid}\n"))
    try:
        m.p.send("guest run test\r")
        out = m.expect(r"guest test: exited with code \d+", timeout=120).split("\n")
        assert any("[test] set HvGuestTest: EFI_ABORTED" in l for l in out), out
        m.expect(PROMPT)
        rt = "\n".join(m.cmd("rt"))
        assert re.search(r"invalid opcode \(#UD\) at 0x[0-9a-f]+ in SetVariable", rt), rt
        assert m.cmd("guest run test probe wrap") == ["[test] wrap: EFI_INVALID_PARAMETER",
                                                      "guest test: exited with code 0"]
        assert DATE.match(m.cmd("time")[0])
    finally:
        m.close()
