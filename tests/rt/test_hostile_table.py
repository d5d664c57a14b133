"""A runtime services table tampered with (README "Fault containment"): the
simulated runtime driver (tests/fw, hvfwsim.efi) rewrites a service's entry
at runtime, after its first call, to a non-canonical address (ptr-noncanon)
or into runtime data (ptr-data), and makes the table's CRC32 wrong after
SetVirtualAddressMap (crc-bad). The gate refuses a call whose target is
not runtime code, with one line, and turns that service alone off; the CRC
mismatch is recorded as a quirk.

Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/rt/test_hostile_table.py"""
import re

from test_misbehaving import DATE, booted, round_trip, sim_vars, store_keeps_mark  # noqa: F401


def refused(line, svc):
    """The pointer named in the gate's refusal line for svc, or None."""
    hit = re.fullmatch(rf"error: {svc}: service pointer (0x[0-9a-f]+) is outside runtime code "
                       r"\(EFI_UNSUPPORTED\)", line)
    return int(hit.group(1), 16) if hit else None


def runtime_regions(rt):
    """(type, va, end) of each mapped runtime region `rt` lists."""
    out = []
    for t, pages, va in re.findall(r"^\s+\d+ (Efi\w+)\s+pa 0x[0-9a-f]+\s+(\d+) pages  "
                                   r"va 0x([0-9a-f]+)$", rt, re.M):
        out.append((t, int(va, 16), int(va, 16) + int(pages) * 4096))
    return out


class TestTamperedTable:
    machine = booted("ptr-noncanon:GetTime ptr-data:GetNextHighMonotonicCount crc-bad", "time")

    def test_driver_reports_its_plan(self):
        assert self.m.report == ["hvfwsim: ptr-noncanon in GetTime",
                                 "hvfwsim: ptr-data in GetNextHighMonotonicCount",
                                 "hvfwsim: crc-bad in SetVirtualAddressMap"]

    def test_first_call_goes_through(self):
        assert DATE.match(self.m.first[0]), self.m.first

    def test_non_canonical_pointer_is_refused_with_one_line(self):
        out = self.m.cmd("time")
        assert len(out) == 1, out
        fn = refused(out[0], "GetTime")
        assert fn is not None, out
        assert (fn >> 47) not in (0, 0x1FFFF), f"{fn:#x} is canonical"
        # Off for the rest of the boot, saying why; not a fault.
        assert self.m.cmd("time") == [f"error: GetTime is off: its service pointer {fn:#x} was "
                                      "outside runtime code (EFI_UNSUPPORTED)"]
        rt = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^last fault\s+none$", rt, re.M), rt

    def test_pointer_into_runtime_data_is_refused(self):
        assert re.fullmatch(r"high monotonic count: \d+", self.m.cmd("count")[0])
        out = self.m.cmd("count")
        assert len(out) == 1, out
        fn = refused(out[0], "GetNextHighMonotonicCount")
        assert fn is not None, out
        regions = runtime_regions("\n".join(self.m.cmd("rt")))
        home = [t for t, va, end in regions if va <= fn < end]
        assert home == ["EfiRuntimeServicesData"], (f"{fn:#x}", regions)

    def test_the_other_services_and_the_shell_keep_working(self):
        round_trip(self.m, "AfterTamper")
        out = self.m.cmd("selftest", timeout=120)
        text = "\n".join(out)
        assert "PASS audit hypervisor tables" in out and "PASS audit runtime tables" in out, text
        assert "PASS GetVariable" in out or any(l.startswith("PASS GetVariable") for l in out), text
        # The refused service fails for what it is, not as a fault.
        assert any(re.fullmatch(r"FAIL GetNextHighMonotonicCount: its service pointer 0x[0-9a-f]+ "
                                r"is outside runtime code", l) for l in out), text
        assert len(self.m.cmd("help")) > 10

    def test_crc_mismatch_is_a_quirk_and_runtime_stays_on(self):
        rt = "\n".join(self.m.cmd("rt"))
        assert re.search(r"^  rt-table-crc\s+any firmware whose table a driver patches: the runtime "
                         r"services table's CRC32 does not match after SetVirtualAddressMap; ",
                         rt, re.M), rt

    def test_store_keeps_what_was_written_before(self):
        store_keeps_mark(self.m)
