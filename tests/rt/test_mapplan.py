"""tools/mapplan (README: Memory maps as text), no boot needed: the sample maps in
tools/maps/ and broken maps written here. Each check recomputes what it can
from the map text itself rather than trusting mapplan's other output."""
import json
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAPPLAN = os.path.join(ROOT, "tools", "mapplan")
MAPS = os.path.join(ROOT, "tools", "maps")
SAMPLES = sorted(f for f in os.listdir(MAPS) if f.endswith(".txt"))
WINDOW = 0xFFFFFF0000000000
SLOT = 1 << 39
RUNTIME = 1 << 63
NOT_RAM = {"EfiReservedMemoryType", "EfiUnusableMemory", "EfiMemoryMappedIO",
           "EfiMemoryMappedIOPortSpace", "EfiPalCode", "EfiUnacceptedMemoryType"}


@pytest.fixture(scope="module", autouse=True)
def built():
    r = subprocess.run(["make", "-s", "-C", ROOT, "mapplan"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def run(*args):
    return subprocess.run([MAPPLAN, *args], capture_output=True, text=True, timeout=60)


def plan(path, *args):
    r = run(path, "--json", *args)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return json.loads(r.stdout)


def descriptors(path):
    """(line, type, phys, pages, attr) of every descriptor, parsed here."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if fields:
                out.append((n, fields[0], int(fields[1], 16), int(fields[2]), int(fields[3], 16)))
    return out


def is_runtime(d):
    return bool(d[4] & RUNTIME) or d[1] in ("EfiRuntimeServicesCode", "EfiRuntimeServicesData")


def is_ram(type_name):
    if type_name.startswith("0x"):
        v = int(type_name, 16)
        return v >= 0x70000000 or v < 16
    return type_name not in NOT_RAM


def test_there_are_the_four_kinds_of_sample():
    assert "ovmf-q35-512m.txt" in SAMPLES
    assert any("4g" in s for s in SAMPLES) and any("64g" in s for s in SAMPLES)
    server = [s for s in SAMPLES if s.startswith("server")]
    assert server
    for s in server:
        assert any(is_runtime(d) and d[2] >= 512 << 30 for d in descriptors(os.path.join(MAPS, s)))


@pytest.mark.parametrize("sample", SAMPLES)
def test_json_contract_keys_and_types(sample):
    p = plan(os.path.join(MAPS, sample))
    for key, typ in (("regions", list), ("direct", list), ("pt_pages", int),
                     ("pt_min_pages", int), ("large_page_share", float)):
        assert isinstance(p[key], typ), (key, p[key])
    for r in p["regions"]:
        assert isinstance(r["type"], str)
        for k in ("phys", "pages", "virt"):
            assert isinstance(r[k], int) and not isinstance(r[k], bool), (k, r)
    for d in p["direct"]:
        assert isinstance(d["phys"], int) and isinstance(d["pages"], int)
    assert 0.0 <= p["large_page_share"] <= 1.0


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_runtime_descriptor_is_listed_with_its_line(sample):
    path = os.path.join(MAPS, sample)
    want = sorted((d[0], d[1], d[2], d[3]) for d in descriptors(path) if is_runtime(d))
    p = plan(path)
    got = sorted((r["line"], r["type"], r["phys"], r["pages"]) for r in p["regions"])
    assert got == want


@pytest.mark.parametrize("sample", SAMPLES)
def test_direct_map_covers_exactly_the_ram(sample):
    path = os.path.join(MAPS, sample)
    ram = sorted((d[2], d[3]) for d in descriptors(path) if is_ram(d[1]) and d[3])
    p = plan(path)
    # mapplan joins adjacent runs of one type; compare the covered pages.
    assert sum(d["pages"] for d in p["direct"]) == sum(n for _, n in ram)
    covered = set()
    for d in p["direct"]:
        covered.add((d["phys"], d["phys"] + d["pages"] * 4096))
    for pa, n in ram:
        assert any(s <= pa and pa + n * 4096 <= e for s, e in covered), hex(pa)


@pytest.mark.parametrize("sample", SAMPLES)
def test_offset_layout_puts_each_region_at_window_plus_phys(sample):
    p = plan(os.path.join(MAPS, sample), "--layout", "offset")
    if p["layout"] != "offset":
        # Only when a region lies above 512 GiB (README: The ESP and the config, rt_layout).
        assert p["layout_fell_back"]
        assert any(r["phys"] + r["pages"] * 4096 > SLOT for r in p["regions"])
        return
    for r in p["regions"]:
        assert r["virt"] == WINDOW + r["phys"], r


@pytest.mark.parametrize("sample", SAMPLES)
def test_other_window_base_moves_every_region(sample):
    base = 0xFFFFFE8000000000
    p = plan(os.path.join(MAPS, sample), "--window", hex(base))
    for r in p["regions"]:
        assert base <= r["virt"] and r["virt"] + r["pages"] * 4096 <= base + SLOT, r
        if p["layout"] == "offset":
            assert r["virt"] == base + r["phys"]


@pytest.mark.parametrize("sample", SAMPLES)
def test_compact_layout_keeps_2m_offsets_inside_the_window(sample):
    p = plan(os.path.join(MAPS, sample), "--layout", "compact")
    assert p["layout"] == "compact"
    regions = sorted(p["regions"], key=lambda r: r["phys"])
    for r in regions:
        assert WINDOW <= r["virt"] and r["virt"] + r["pages"] * 4096 <= WINDOW + SLOT, r
        assert r["virt"] % (2 << 20) == r["phys"] % (2 << 20), r
    for a, b in zip(regions, regions[1:]):
        assert a["virt"] + a["pages"] * 4096 <= b["virt"], (a, b)


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("one_g", [True, False])
def test_loader_is_within_5_percent_of_the_minimum(sample, one_g):
    p = plan(os.path.join(MAPS, sample), *([] if one_g else ["--no-1g"]))
    assert p["pt_pages"] >= p["pt_min_pages"] >= 5   # PML4 + 4 PML4 slots at least
    assert p["pt_pages"] / p["pt_min_pages"] <= 1.05
    assert sum(p["pt_tables"].values()) == p["pt_pages"]
    assert p["pt_tables"]["pml4"] == 1


def test_no_1g_costs_a_pd_per_gib_of_ram():
    path = os.path.join(MAPS, "ovmf-q35-64g.txt")
    with_1g, without = plan(path), plan(path, "--no-1g")
    assert with_1g["leaves"]["1g"] > 0 and without["leaves"]["1g"] == 0
    # 64 GiB of RAM: one PD per GiB once 1 GiB pages are off.
    assert without["pt_tables"]["pd"] - with_1g["pt_tables"]["pd"] >= 60


# Maps written like real machines' (README: Memory maps as text): firmware
# that splits runtime data into neighbouring descriptors inside 2 MiB pages.
REAL_LIKE = ["macmini-8g.txt", "laptop-16g-rt-high.txt", "workstation-2s-768g.txt"]


@pytest.mark.parametrize("sample", REAL_LIKE)
@pytest.mark.parametrize("one_g", [True, False])
def test_loader_builds_the_minimum_on_real_machine_like_maps(sample, one_g):
    path = os.path.join(MAPS, sample)
    assert sample in SAMPLES
    p = plan(path, *([] if one_g else ["--no-1g"]))
    assert p["pt_pages"] == p["pt_min_pages"]
    assert p["runtime"] == "enabled"
    # Each has neighbouring runtime descriptors of one type whose boundary
    # falls inside a 2 MiB page: what used to cost a page table each.
    rt = [d for d in descriptors(path) if is_runtime(d)]
    assert any(a[1] == b[1] and a[2] + a[3] * 4096 == b[2] and b[2] % (2 << 20)
               for a, b in zip(rt, rt[1:]))


def test_real_machine_like_maps_cover_their_kinds():
    regions = {s: [d for d in descriptors(os.path.join(MAPS, s)) if is_runtime(d)] for s in REAL_LIKE}
    # Runtime MMIO below 4 GiB; runtime regions scattered above 4 GiB; one above 512 GiB.
    assert any(d[1] == "EfiMemoryMappedIO" and d[2] < 1 << 32 for d in regions["macmini-8g.txt"])
    assert sum(d[2] >= 1 << 32 for d in regions["laptop-16g-rt-high.txt"]) >= 10
    assert any(d[2] >= 512 << 30 for d in regions["workstation-2s-768g.txt"])
    assert plan(os.path.join(MAPS, "workstation-2s-768g.txt"))["layout_fell_back"]


def test_samples_captured_from_a_boot_match_that_boots_page_tables():
    """The captured samples record the loader's own count ("pool pages
    used") from the boot they came from; replaying the map must give it."""
    checked = 0
    for sample in SAMPLES:
        path = os.path.join(MAPS, sample)
        with open(path) as f:
            m = re.search(r"pool pages used (\d+), cpu ([^,]*), image (\d+) KiB", f.read())
        if not m:
            continue
        args = ["--image-kib", m.group(3)] + ([] if "1g-pages" in m.group(2) else ["--no-1g"])
        # The samples were captured from loaders that kept large pages
        # inside one EFI type, which built exactly that floor, and had no
        # exception stacks yet: theirs take one page table more (a PT for
        # 0xFFFFFFFFC0400000, beside the other stacks' in PML4 511).
        assert plan(path, *args)["pt_min_pages_types_split"] == int(m.group(1)) + 1, sample
        checked += 1
    assert checked >= 3


def test_image_size_changes_only_the_image_tables():
    path = os.path.join(MAPS, "ovmf-q35-512m.txt")
    small, big = plan(path, "--image-kib", "4"), plan(path, "--image-kib", "8192")
    # 8 MiB of 4 KiB pages from -2 GiB: 4 PTs instead of 1.
    assert big["pt_tables"]["pt"] - small["pt_tables"]["pt"] == 3
    assert big["pt_min_pages"] - small["pt_min_pages"] == 3


def test_text_output_names_regions_and_figures():
    r = run(os.path.join(MAPS, "ovmf-q35-512m.txt"))
    assert r.returncode == 0, r.stderr
    assert re.search(r"^\s+\d+\s+EfiRuntimeServicesCode\s+0x0*1F5EC000\s+256\s+0xFFFFFF001F5EC000$",
                     r.stdout, re.M), r.stdout
    assert re.search(r"^\s+loader \(hvmap_build\)(\s+\d+){5}", r.stdout, re.M)
    assert re.search(r"^\s+minimum \(ptmin\)(\s+\d+){5}\s+ratio 1\.\d{3}", r.stdout, re.M)


# ---------------------------------------------------------------- broken maps

GOOD = "EfiConventionalMemory 0x0 16 0xF\n"

BROKEN = [
    ("unknown type", GOOD + "# fine\nEfiBogusMemory 0x10000 1 0xF\n", 3, "unknown memory type"),
    ("bad start", GOOD + "EfiConventionalMemory 10000 1 0xF\n", 2,
     "PHYS_START must be a 0x hex number"),
    ("pages not decimal", GOOD + "EfiConventionalMemory 0x10000 0x10 0xF\n", 2,
     "NUM_PAGES must be a decimal number"),
    ("bad attribute", GOOD + "EfiConventionalMemory 0x10000 1 15\n", 2,
     "ATTRIBUTE must be a 0x hex number"),
    ("too few fields", "\n\nEfiConventionalMemory 0x10000 1\n", 3, "too few fields"),
    ("too many fields", GOOD + "EfiConventionalMemory 0x10000 1 0xF 7\n", 2, "too many fields"),
    ("wraps", "EfiConventionalMemory 0xFFFFFFFFFFFFF000 2 0xF\n", 1,
     "region wraps past the top of the address space"),
    ("non-ascii", GOOD + "EfiConventionalMemory 0x10000 1 0xF \u00e9\n", 2, "non-ASCII character"),
    ("overlap", GOOD + "EfiConventionalMemory 0x20000 16 0xF\nEfiBootServicesData 0x8000 4 0xF\n",
     3, "RAM overlaps the RAM on line 1"),
    ("runtime mmio beyond 52 bits", GOOD + "EfiMemoryMappedIO 0x10000000000000 1 0x8000000000000001\n",
     2, "cannot map runtime region"),
]


REPAIRED = [
    ("unaligned", GOOD + "EfiConventionalMemory 0x10800 2 0xF\n", 2,
     "not 4 KiB aligned: rounded inward"),
    ("reserved over ram", GOOD + "EfiReservedMemoryType 0x8000 2 0x1\n", 1,
     "RAM overlaps memory that is not RAM: clipped"),
    ("ram beyond the direct map", GOOD + "EfiConventionalMemory 0x7FFFFFFFF000 2 0xF\n", 2,
     "RAM beyond the direct map's reach: left out"),
]


@pytest.mark.parametrize("name,text,line,reason", REPAIRED, ids=[b[0] for b in REPAIRED])
def test_odd_map_is_repaired_with_one_warning_naming_the_line(tmp_path, name, text, line, reason):
    path = tmp_path / "odd.txt"
    path.write_text(text, encoding="utf-8")
    r = run(str(path), "--json")
    assert r.returncode == 0, (name, r.stderr)
    assert r.stderr == f"mapplan: {path}:{line}: warning: {reason}\n"
    assert json.loads(r.stdout)["pt_pages"] >= 5


@pytest.mark.parametrize("name,text,line,reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_map_is_one_error_naming_the_line(tmp_path, name, text, line, reason):
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    for args in ([], ["--json"]):
        r = run(str(path), *args)
        assert r.returncode == 1, (name, r.stdout, r.stderr)
        assert r.stdout == ""
        lines = r.stderr.strip().split("\n")
        assert len(lines) == 1, r.stderr
        assert lines[0].startswith(f"mapplan: {path}:{line}: {reason}"), lines[0]


def test_empty_map_is_an_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("# only a comment\n\n")
    r = run(str(path))
    assert r.returncode == 1
    assert r.stderr.strip() == f"mapplan: {path}: no memory descriptors"


def test_missing_file_is_an_error():
    r = run("/nonexistent/map.txt")
    assert r.returncode == 1
    assert r.stderr.startswith("mapplan: /nonexistent/map.txt: No such file")


@pytest.mark.parametrize("args", [[], ["--window", "0x1000"], ["--layout", "sideways"],
                                  ["--image-kib", "0"], ["--frobnicate"]])
def test_bad_command_line_is_status_2(args):
    r = run(*([os.path.join(MAPS, "ovmf-q35-512m.txt")] if args else []), *args)
    assert r.returncode == 2, (args, r.stderr)
    assert r.stderr.startswith("mapplan: ") and "usage:" in r.stderr


def test_map_on_stdin():
    with open(os.path.join(MAPS, "ovmf-q35-512m.txt")) as f:
        r = subprocess.run([MAPPLAN, "-", "--json"], stdin=f, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["pt_pages"] == plan(os.path.join(MAPS, "ovmf-q35-512m.txt"))["pt_pages"]


def test_runtime_window_over_the_direct_map_disables_runtime_as_the_loader_does():
    # RAM up to 512 GiB reaches into PML4 slot 257; a window there collides.
    p = plan(os.path.join(MAPS, "server-2s-1t.txt"), "--window", "0xFFFF808000000000")
    assert p["runtime"].startswith("disabled (rt_window overlaps the direct map")
    assert all(r["virt"] == 0 for r in p["regions"])


def test_runtime_window_in_slot_257_stays_on_beside_512_mib_of_ram():
    # The direct map of 512 MiB fills slot 256 only.
    p = plan(os.path.join(MAPS, "ovmf-q35-512m.txt"), "--window", "0xFFFF808000000000")
    assert p["runtime"] == "enabled"
    assert all(r["virt"] >= 0xFFFF808000000000 for r in p["regions"])


def test_too_many_runtime_regions_disables_runtime_but_lists_them(tmp_path):
    # rtwin_plan holds 256 regions; the loader then boots with runtime off.
    lines = [GOOD] + [f"EfiRuntimeServicesData {0x100000 + 0x2000 * i:#x} 1 0x800000000000000F\n"
                      for i in range(300)]
    path = tmp_path / "many.txt"
    path.write_text("".join(lines))
    p = plan(str(path))
    assert p["runtime"] == "disabled (too many runtime regions)"
    assert len(p["regions"]) == 300
    assert all(r["virt"] == 0 for r in p["regions"])
    assert p["pt_pages"] >= p["pt_min_pages"]


# ---------------------------------------------------------------- the picture (--svg)

RSVG = "rsvg-convert"


def server_12t(tmp_path):
    """A 12 TiB two-socket map written here: RAM to 12 TiB, firmware runtime
    regions near the top of the first 4 GiB and one at the top of RAM."""
    tib = 1 << 40
    lines = [
        "EfiConventionalMemory 0x0 159 0xF\n",
        "EfiConventionalMemory 0x100000 261888 0xF\n",
        f"EfiRuntimeServicesCode {0x40000000:#x} 2048 0x800000000000000F\n",
        f"EfiRuntimeServicesData {0x40800000:#x} 4096 0x800000000000000F\n",
        f"EfiConventionalMemory {0x41800000:#x} {(0xFE000000 - 0x41800000) >> 12} 0xF\n",
        f"EfiConventionalMemory {0x100000000:#x} {(12 * tib - 0x100000000 - 0x200000) >> 12} 0xF\n",
        f"EfiRuntimeServicesData {12 * tib - 0x200000:#x} 512 0x800000000000000F\n",
        "EfiMemoryMappedIO 0xFE000000 16 0x8000000000000001\n",
    ]
    path = tmp_path / "server-12t.txt"
    path.write_text("".join(lines))
    return str(path)


def png_pixels(path):
    """The raw scanlines of a PNG (filter bytes included), decoded here."""
    import zlib
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat, width, height = 8, b"", 0, 0
    while i < len(data):
        n = int.from_bytes(data[i:i + 4], "big")
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
        elif kind == b"IDAT":
            idat += body
        i += 12 + n
    return width, height, zlib.decompress(idat)


@pytest.mark.parametrize("name", SAMPLES + ["server-12t"])
def test_svg_is_well_formed_names_every_runtime_region_and_renders(name, tmp_path):
    import xml.etree.ElementTree as ET
    path = server_12t(tmp_path) if name == "server-12t" else os.path.join(MAPS, name)
    out = tmp_path / "map.svg"
    r = run(path, "--svg", str(out))
    assert r.returncode == 0, r.stderr
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    rt = [d for d in descriptors(path) if is_runtime(d)]
    assert rt
    for _, type_name, phys, pages, _ in rt:
        # Each runtime region: its type and physical range on the left, and
        # where it lands (its physical address again) on the right.
        assert f"{type_name[3:]} " in text
        assert f"0x{phys:016X}-0x{phys + pages * 4096 - 1:016X}" in text, hex(phys)
        assert f"<- pa 0x{phys:X}" in text, hex(phys)
    for label in ("direct map", "hv.elf image", "hypervisor stack", "runtime-call stack",
                  "trampoline (identity)"):
        assert label in text
    assert re.search(r"\b(1G|2M|4K) (pages|\d+%)", text), "no page sizes shown"
    # Readable at a glance: a 12 TiB server is no taller than a laptop.
    assert float(root.get("height")) < 2500
    png = tmp_path / "map.png"
    r = subprocess.run([RSVG, str(out), "-o", str(png)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    width, height, raw = png_pixels(png)
    assert (width, height) == (int(float(root.get("width"))), int(float(root.get("height"))))
    # Not blank: many distinct byte values, and a good share not white.
    assert len(set(raw)) > 50
    assert raw.count(b"\xff") < 0.9 * len(raw)


def test_svg_needs_a_file_name():
    r = run(os.path.join(MAPS, "ovmf-q35-512m.txt"), "--svg")
    assert r.returncode == 2 and "--svg needs a file name" in r.stderr
