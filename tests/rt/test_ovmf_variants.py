"""Debian's OVMF builds and the machines they run on: each boots to the shell
once, its selftest is clean, and its variables behave as that firmware
promises. One boot per variant and one test per boot, so two workers never
boot the same variant twice.

The stores (measured with OVMF 2022.11; README "Runtime services after boot"):
- 4 MiB code + VARS (q35, pc, -cpu max, 3 GiB, SMP 4): the flash at
  MemoryMappedIO 0xFFC00000, 1024 pages; QueryVariableInfo max storage
  0x3FF9C.
- 2 MiB OVMF_CODE.fd + OVMF_VARS.fd: the flash at 0xFFE00000, 512 pages;
  max storage 0xDF9C.
- The combined OVMF.fd as -bios, no pflash: no flash region at all; the
  store is emulated in RAM (max storage 0xDF9C). It is writable at runtime,
  and volatile: a variable written at runtime is gone after a reset, and
  the boot options are made afresh each boot.
- The secboot (SMM) build: variables go through SMM, so only the two
  runtime code/data regions are in the window.
- The ms VARS (Secure Boot on with Microsoft keys): the unsigned loader is
  refused with "Access Denied" and the firmware then waits for a key."""
import os
import re

import pytest

import hvqemu
from conftest import PROMPT, Machine, copy_esp
from shellvars import GLOBAL, NV_BS_RT, TEST_GUID, get_lines, varinfo

OVMF = hvqemu.OVMF_DIR
FLASH_4M = (0xFFC00000, 1024)
STORE_4M = 0x3FF9C
STORE_2M = 0xDF9C

VARIANTS = {
    "q35": dict(kw={}, mmio=FLASH_4M, regions=5, store=STORE_4M),
    "pc": dict(kw=dict(machine="pc"), mmio=FLASH_4M, regions=5, store=STORE_4M),
    "code-2m": dict(kw=dict(code=f"{OVMF}/OVMF_CODE.fd", vars_template=f"{OVMF}/OVMF_VARS.fd"),
                    mmio=(0xFFE00000, 512), regions=5, store=STORE_2M),
    "combined-bios": dict(kw=dict(bios=hvqemu.OVMF_FD, no_reboot=False), mmio=None, regions=4,
                          store=STORE_2M, volatile=True),
    "secboot-smm": dict(kw=dict(code=hvqemu.SECBOOT_CODE), mmio=None, regions=2, store=STORE_4M),
    "cpu-max": dict(kw=dict(cpu="max"), mmio=FLASH_4M, regions=5, store=STORE_4M,
                    cpu_flags="nx 1g-pages"),
    "ram-3g": dict(kw=dict(mem="3G"), mmio=FLASH_4M, regions=5, store=STORE_4M, ram_mib=3071),
    "smp-4": dict(kw=dict(smp=4), mmio=FLASH_4M, regions=5, store=STORE_4M),
}
# What OVMF's selftest may skip: the services that cannot be called again
# (or would reset or flash the machine), and their two boot-time pointers.
OVMF_SKIPS = {"SKIP map SetVirtualAddressMap", "SKIP map ConvertPointer", "SKIP ResetSystem",
              "SKIP UpdateCapsule", "SKIP SetVirtualAddressMap", "SKIP ConvertPointer"}
VAR = f"{TEST_GUID}-MatrixTest"


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request, tmp_path_factory):
    """One boot of one variant, at the hv> prompt."""
    spec = VARIANTS[request.param]
    work = tmp_path_factory.mktemp(request.param)
    esp = copy_esp(str(work / "esp"))
    m = Machine(f"ovmf-{request.param}-{os.getpid()}-{work.name}", esp, workdir=str(work),
                **spec["kw"])
    m.spec = spec
    try:
        m.banner = m.expect(PROMPT)
        yield m
    finally:
        m.close()


def check_boot(m):
    spec = m.spec
    assert "hvboot hypervisor" in m.banner
    assert (f"  runtime      enabled (offset layout, window 0xffffff0000000000, "
            f"{spec['regions']} regions)") in m.banner, m.banner[-2000:]
    rt = "\n".join(m.cmd("rt"))
    mmio = re.findall(r"^\s+\d+ EfiMemoryMappedIO\s+pa 0x([0-9a-f]{12})\s+(\d+) pages", rt, re.M)
    assert [(int(pa, 16), int(n)) for pa, n in mmio] == ([spec["mmio"]] if spec["mmio"] else []), rt
    assert rt.endswith("runtime: enabled"), rt


def check_selftest(m):
    out = m.cmd("selftest", timeout=120)
    assert not [l for l in out if l.startswith("FAIL ")], out
    passes = [l for l in out if l.startswith("PASS ")]
    assert {l.split(":")[0] for l in out if l.startswith("SKIP ")} == OVMF_SKIPS, out
    for svc in ("GetTime", "SetTime", "GetVariable", "SetVariable", "QueryVariableInfo",
                "GetNextHighMonotonicCount", "audit hypervisor tables", "audit runtime tables"):
        assert f"PASS {svc}" in passes, (svc, out)
    assert out[-1] == f"selftest: {len(passes)} passed, 0 failed", out[-1]


def check_round_trip(m):
    assert m.cmd(f'set {VAR} nv,bs,rt "matrix"') == ["ok"]
    assert m.cmd(f"get {VAR}") == get_lines(TEST_GUID, "MatrixTest", NV_BS_RT, b"matrix")
    assert m.cmd(f"del {VAR}") == ["ok"]
    assert m.cmd(f"get {VAR}") == ["error: no such variable (EFI_NOT_FOUND)"]
    info = varinfo(m)
    assert info["max storage"] == m.spec["store"], info
    assert 0 < info["remaining"] <= info["max storage"], info


def check_volatile_store(m):
    """The emulated store forgets a runtime write at the next reset (the
    machine reboots in the same QEMU: it runs without -no-reboot)."""
    assert m.cmd(f'set {VAR} nv,bs,rt "gone"') == ["ok"]
    m.p.send("reset\r")
    m.banner = m.expect(PROMPT)
    assert m.cmd(f"get {VAR}") == ["error: no such variable (EFI_NOT_FOUND)"]
    assert m.cmd(f"get {GLOBAL}-BootOrder")[0] == f"GUID: {GLOBAL}"


def test_variant_boots_selftests_clean_and_keeps_its_variable_promise(variant):
    m, spec = variant, variant.spec
    check_boot(m)
    check_round_trip(m)
    if "ram_mib" in spec:
        # Above the 32-bit PCI hole: RAM at 4 GiB is in the direct map, the
        # hole itself (3 GiB, where q35 puts PCI MMIO) is not.
        assert f"RAM {spec['ram_mib']} MiB" in m.banner
        walk = m.cmd("pt 0xffff800100000000")
        assert re.fullmatch(r"0xffff800100000000 -> 0x100000000 (2M|1G) RW NX cache=WB",
                            walk[-1]), walk
        assert "not mapped" in "\n".join(m.cmd("pt 0xffff8000c0000000"))
    if "cpu_flags" in spec:
        assert f"  cpu                {spec['cpu_flags']}" in m.cmd("bootinfo")
    check_selftest(m)
    if spec.get("volatile"):
        check_volatile_store(m)


@pytest.mark.parametrize("variant", ["q35"], indirect=True)
def test_loader_prints_uefi_2_7_for_ovmf(variant):
    # UEFI 2.10 §4.2.1: 0x00020046 is "2.7" (minor 70 -> "7").
    assert re.search(r"^hvboot: UEFI 2\.7, EDK II;", variant.banner, re.M), \
        [l for l in variant.banner.split("\n") if l.startswith("hvboot: UEFI")]


def test_ms_keys_refuse_the_unsigned_loader(machines, tmp_path):
    esp = copy_esp(str(tmp_path / "esp"))
    m = machines(f"ovmf-ms-{tmp_path.name}", esp, workdir=str(tmp_path),
                 code=f"{OVMF}/OVMF_CODE_4M.ms.fd", vars_template=f"{OVMF}/OVMF_VARS_4M.ms.fd")
    # The firmware's verdict, then it waits for a key: the timeout is the
    # outer bound, and QEMU is killed at teardown.
    before = m.expect(r"BdsDxe: failed to load Boot\d+ [^\n]*: Access Denied", timeout=120)
    assert "hvboot:" not in before and PROMPT not in before, before[-2000:]
