#!/usr/bin/python3
"""The README against the code (README: How the code is laid out). Each
check reads both sides and prints one line per disagreement:

  quirks     every `Quirk (FIRMWARE): symptom` tag in include/ loader/ rt/
             hv/ names a row of loader/quirks.c's table by its firmware;
             every row has at least one tagged site and a row in the
             README's Firmware quirks table (same name, same firmware);
             no two rows share a firmware, so a tag names one row.
  commands   the commands listed at the top of the README's shell section
             are exactly those registered with SHELL_CMD.
  figures    a byte count in the README (`12,345 bytes`, `N KB`) is either
             a constant #defined in the code (a contract) or a measurement
             in a row of the Figures table that names the `make bench`
             figure it comes from; every name there is one bench.py prints.
  tests      every pure file the layout table names has its unit test
             (tests/unit/test_<unit>.c, or the test whose deps.mk line
             links it), and every file it says is fuzzed has a harness
             (tests/fuzz/fuzz_<unit>*.c).
  paths      every file of the repository that a comment or the README
             names by path (loader/pt.c, tests/unit/test_pt.c, …) exists.
  statuses   every EFI status the loader fails a boot with (boot_fail with
             a literal status) is named where the README says what a
             failed boot returns.
  hypercalls every function number of include/hvguest.h (HVCALL_*) has its
             name in hv/vm/hcall.c's table, a row `| N | Name |` in the
             README's Hypercall ABI, and, unless that row says it is
             reserved, a handler (`case HVCALL_X:` in hv/vm/) and a test
             under tests/ that names it.

Prints `docs: N passed, M failed` (N, M: checks) and exits 1 on a failure.
--self-test runs every check on a scratch tree, clean and then broken one
way per check, and exits 1 unless each break is caught."""
import os
import re
import shutil
import sys
import tempfile

QUIRK_ROW = re.compile(r'\[(HV_QUIRK_\w+)\]\s*=\s*\{\s*"([^"]*)",\s*"([^"]*)",')
QUIRK_TAG = re.compile(r"\bQuirk \(([^)]*)\):")
README_QUIRK_ROW = re.compile(r"^\| `([\w-]+)` \| ([^|]+?) \|", re.M)
SHELL_CMD = re.compile(r'^SHELL_CMD\(\s*\w+,\s*"([^"]+)"', re.M)
BYTE_COUNT = re.compile(r"\b\d{1,3}(?:,\d{3})+ bytes\b|\b\d+ KB\b")
BENCH_ROW = re.compile(r'\brow\(f?"([^"]*)"')
BOOT_FAIL = re.compile(r"boot_fail\(b, (EFI_[A-Z_]+)\b(?!\()")
REPO_PATH = re.compile(r"(?<![\w/.])(?:include|loader|rt|hv|tools|tests)/[\w/.-]+?"
                       r"\.(?:c|h|asm|py|sh|mk|txt|svg)\b")
HVCALL_NUM = re.compile(r"^\s*(HVCALL_\w+)\s*=\s*(\d+)\s*,", re.M)
HVCALL_NAME = re.compile(r'\[(HVCALL_\w+)\]\s*=\s*"([^"]+)"')
PRODUCT_DIRS = ["include", "loader", "rt", "hv"]
SOURCES = (".c", ".h", ".asm")
SCRIPTS = (".c", ".h", ".asm", ".py", ".sh", ".mk")


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        return f.read()


def sources(root, dirs, kinds=SOURCES):
    for d in dirs:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if f.endswith(kinds):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def section(readme, title):
    """The text of the README section whose heading starts with title."""
    m = re.search(r"^(#{2,3}) " + re.escape(title) + r".*?$(.*?)(?=^#{2,3} |\Z)", readme, re.M | re.S)
    return m.group(2) if m else ""


def check_quirks(root, readme):
    errs = []
    rows = QUIRK_ROW.findall(read(root, "loader/quirks.c"))
    if not rows:
        return ["loader/quirks.c: no quirk rows found"]
    by_fw = {}
    for enum, name, fw in rows:
        if fw in by_fw:
            errs.append(f"loader/quirks.c: `{name}` and `{by_fw[fw]}` share the firmware '{fw}': "
                        "a tag could not say which it means")
        by_fw[fw] = name
    tagged = set()
    for path in sources(root, PRODUCT_DIRS):
        for n, line in enumerate(read(root, path).split("\n"), 1):
            for m in QUIRK_TAG.finditer(line):
                if m.group(1) in by_fw:
                    tagged.add(by_fw[m.group(1)])
                elif path != "loader/quirks.h":
                    errs.append(f"{path}:{n}: Quirk ({m.group(1)}) names no row of loader/quirks.c "
                                "(its firmware must be a row's, spelled the same)")
    readme_rows = dict(README_QUIRK_ROW.findall(section(readme, "Firmware quirks")))
    for enum, name, fw in rows:
        if name not in tagged:
            errs.append(f"loader/quirks.c: `{name}` ({enum}) has no `Quirk ({fw}): …` site in the code")
        if name not in readme_rows:
            errs.append(f"README.md: Firmware quirks has no row for `{name}`")
        elif readme_rows[name].strip() != fw:
            errs.append(f"README.md: Firmware quirks: `{name}` says firmware "
                        f"'{readme_rows[name].strip()}', loader/quirks.c '{fw}'")
    for name in sorted(set(readme_rows) - {r[1] for r in rows}):
        errs.append(f"README.md: Firmware quirks lists `{name}`, which loader/quirks.c does not")
    return errs


def check_commands(root, readme):
    shell = section(readme, "The shell")
    para = shell.strip().split("\n\n")[0] if shell.strip() else ""
    listed = {m.split()[0] for m in re.findall(r"`([^`]+)`", para) if m.split()}
    registered = set()
    for path in sources(root, ["hv"]):
        if path.endswith(".c"):
            registered |= set(SHELL_CMD.findall(read(root, path)))
    if not registered:
        return ["hv/: no SHELL_CMD registrations found"]
    errs = [f"README.md: The shell lists `{c}`, which no SHELL_CMD registers"
            for c in sorted(listed - registered)]
    errs += [f"README.md: The shell does not list `{c}` (registered with SHELL_CMD)"
             for c in sorted(registered - listed)]
    return errs


def code_numbers(root):
    """Every decimal or hex number #defined in the product's sources: a
    byte count the README quotes from there is a contract, not a figure."""
    out = set()
    for path in sources(root, PRODUCT_DIRS):
        for m in re.finditer(r"^\s*#\s*define\s+\w+\s+\(?\s*(0[xX][0-9a-fA-F]+|\d+)", read(root, path),
                             re.M):
            out.add(int(m.group(1), 0))
    return out


def check_figures(root, readme):
    bench = {w for label in BENCH_ROW.findall(read(root, "tools/bench.py"))
             for w in re.findall(r"[a-z][a-z0-9_]*", label)}
    figures = section(readme, "Figures")
    errs = []
    constants = code_numbers(root)
    for n, line in enumerate(readme.split("\n"), 1):
        counts = [m.group(0) for m in BYTE_COUNT.finditer(line)
                  if int(re.sub(r"\D", "", m.group(0))) not in constants]
        if counts and not (line.startswith("|") and line in figures and
                           re.search(r"`[a-z][a-z0-9_]*`", line.split("|")[1])):
            errs.append(f"README.md:{n}: {counts[0]}: a byte count neither a constant of the "
                        "code nor in a Figures row that names its `make bench` figure")
    for line in figures.split("\n"):
        if not line.startswith("|") or line.startswith(("| figure", "|---")):
            continue
        names = re.findall(r"`([a-z][a-z0-9_]*)`", line.split("|")[1])
        if not names:
            errs.append(f"README.md: Figures row '{line.split('|')[1].strip()}' names no "
                        "`make bench` figure")
        for name in names:
            if name not in bench:
                errs.append(f"README.md: Figures names `{name}`, which tools/bench.py does not print")
    return errs


def check_tests(root, readme):
    layout = section(readme, "How the code is laid out")
    deps = read(root, "tests/unit/deps.mk") if os.path.exists(
        os.path.join(root, "tests/unit/deps.mk")) else ""
    errs = []
    for line in layout.split("\n"):
        cells = line.split("|")
        if len(cells) < 3 or not re.fullmatch(r" `[\w/]+/` ", cells[1]):
            continue
        folder = cells[1].strip(" `/")
        what = cells[2]
        pure = re.search(r"\bpure[^`]*`([^`]+)`", what)
        helpers = re.search(r"shared helpers `([^`]+)`", what)
        fuzzed = re.search(r"fuzzed: `([^`]+)`", what)
        names = (pure.group(1).split() if pure else []) + (helpers.group(1).split() if helpers else [])
        for name in names:
            if name.endswith(".h"):
                continue
            unit = name[:-2] if name.endswith(".c") else name
            src = f"{folder}/{unit}.c"
            linked = re.search(r"^UT_DEPS_\w+\s*:=.*(?<![\w/])" + re.escape(src) + r"\b", deps, re.M)
            if not os.path.exists(os.path.join(root, f"tests/unit/test_{unit}.c")) and not linked:
                errs.append(f"README.md: {src} is pure but has no tests/unit/test_{unit}.c "
                            "and no unit test links it")
        for name in (fuzzed.group(1).split() if fuzzed else []):
            unit = name[:-2] if name.endswith(".c") else name
            fuzz = os.path.join(root, "tests/fuzz")
            if not any(f.startswith(f"fuzz_{unit}") and f.endswith(".c")
                       for f in (os.listdir(fuzz) if os.path.isdir(fuzz) else [])):
                errs.append(f"README.md: {folder}/{unit}.c is said to be fuzzed but has no "
                            f"tests/fuzz/fuzz_{unit}*.c")
    return errs


def check_paths(root, readme):
    errs = []
    texts = [("README.md", readme)]
    texts += [(p, read(root, p)) for p in sources(root, PRODUCT_DIRS + ["tools", "tests"], SCRIPTS)
              if p not in ("tools/check-docs.py", "tools/check-layers.py")]  # their self-tests name scratch files
    for path, text in texts:
        for n, line in enumerate(text.split("\n"), 1):
            for m in REPO_PATH.finditer(line):
                if not os.path.exists(os.path.join(root, m.group(0))):
                    errs.append(f"{path}:{n}: names {m.group(0)}, which does not exist")
    return errs


def check_statuses(root, readme):
    used = set()
    for path in sources(root, ["loader"]):
        used |= set(BOOT_FAIL.findall(read(root, path)))
    boot = section(readme, "What happens at boot")
    return [f"README.md: What happens at boot does not say a failed boot can return {s} "
            "(boot_fail in loader/)" for s in sorted(used) if s not in boot]


def check_hypercalls(root, readme):
    if not os.path.exists(os.path.join(root, "include/hvguest.h")):
        return []
    names = dict(HVCALL_NAME.findall(read(root, "hv/vm/hcall.c")))
    vm = "".join(read(root, p) for p in sources(root, ["hv/vm"], (".c",)))
    tests = "".join(read(root, p) for p in sources(root, ["tests"], (".c", ".py")))
    table = section(readme, "Hypercall ABI")
    errs = []
    for sym, num in HVCALL_NUM.findall(read(root, "include/hvguest.h")):
        name = names.get(sym)
        if not name:
            errs.append(f"hv/vm/hcall.c: {sym} ({num}) has no name in the function table")
            continue
        row = re.search(rf"^\| {num} \| {re.escape(name)} \|(.*)$", table, re.M)
        if not row:
            errs.append(f"README.md: Hypercall ABI has no row `| {num} | {name} |` ({sym})")
            continue
        if "reserved" in row.group(1):
            continue
        if not re.search(rf"\bcase {sym}:", vm):
            errs.append(f"hv/vm/: {sym} ({name}) has no handler (case {sym}:)")
        if not re.search(rf"\b{sym}\b", tests):
            errs.append(f"tests/: no test names {sym} ({name})")
    return errs


CHECKS = [("quirks", check_quirks), ("commands", check_commands), ("figures", check_figures),
          ("tests", check_tests), ("paths", check_paths), ("statuses", check_statuses),
          ("hypercalls", check_hypercalls)]


def run(root, quiet=False):
    """{check: [errors]} for the tree at root."""
    readme = read(root, "README.md")
    out = {}
    for name, fn in CHECKS:
        out[name] = fn(root, readme)
        if not quiet:
            for e in out[name]:
                print(f"{name}: {e}")
    return out


# ---- self-test: a scratch tree, clean, then broken one way per check ----

SCRATCH = {
    "README.md": """# t
## What happens at boot
A failed boot returns `EFI_LOAD_ERROR` or `EFI_NOT_FOUND`.
## How the code is laid out
| folder | what | may include | errors |
|---|---|---|---|
| `loader/` | pure, host-tested: `elf`, and the shared helpers `fmt bytes.h`; fuzzed: `elf` | x | y |
## The shell (`hv> `)

`help`, `pt VA`.

More text `notacommand`, a reserve of 5,120 bytes.
## Firmware quirks
| name | firmware | symptom | what hvboot does |
|---|---|---|---|
| `one` | Vendor A | a | b |
## Guests
### Hypercall ABI
| RAX | function | request |
|---|---|---|
| 0 | version | none |
| 6 | ResetSystem | reserved |
## Figures (`make bench`)
| figure | value | target |
|---|---|---|
| `loader_bytes`: the loader | 52,000 bytes | |
""",
    "include/hvguest.h": "enum hvcall_fn {\n\tHVCALL_VERSION = 0,\n\tHVCALL_RESET_SYSTEM = 6,\n\tHVCALL_COUNT\n};\n",
    "hv/vm/hcall.c": '[HVCALL_VERSION] = "version",\n[HVCALL_RESET_SYSTEM] = "ResetSystem",\ncase HVCALL_VERSION:\n',
    "tests/unit/test_hcall.c": "hcall_dispatch(&env, HVCALL_VERSION, 0, 0);\n",
    "loader/quirks.c": '[HV_QUIRK_ONE] = {\n\t"one", "Vendor A",\n\t"a", "b" },\n',
    "loader/efi_x.c": "#define RESERVE_BYTES 5120\n/* Quirk (Vendor A): a; see loader/elf.c */\nboot_fail(b, EFI_LOAD_ERROR, \"x\");\n"
                      "boot_fail(b, st, \"y\");\n",
    "loader/elf.c": "", "loader/fmt.c": "",
    "hv/cmd_a.c": 'SHELL_CMD(help, "help", "", "h", f);\nSHELL_CMD(pt, "pt", "VA", "p", g);\n',
    "tools/bench.py": 'row("loader_bytes", 1)\n',
    "tests/unit/test_elf.c": "", "tests/unit/deps.mk": "UT_DEPS_other := loader/fmt.c\n",
    "tests/fuzz/fuzz_elf.c": "",
}

# (check that must catch it, file, text to replace, replacement)
BREAKS = [
    ("quirks", "loader/efi_x.c", "Quirk (Vendor A)", "Quirk (Vendor B)"),
    ("quirks", "README.md", "| `one` | Vendor A |", "| `one` | Vendor Z |"),
    ("quirks", "loader/quirks.c", '"one", "Vendor A",', '"one", "Vendor A",\n\t"a", "b" },\n'
     '[HV_QUIRK_TWO] = {\n\t"two", "Vendor C",'),
    ("commands", "README.md", "`help`, `pt VA`.", "`help`."),
    ("commands", "hv/cmd_a.c", 'SHELL_CMD(pt, "pt"', 'SHELL_CMD(pt, "walk"'),
    ("figures", "README.md", "More text", "It is 1,234 bytes. More text"),
    ("figures", "loader/efi_x.c", "RESERVE_BYTES 5120", "RESERVE_BYTES 4096"),
    ("figures", "README.md", "`loader_bytes`: the loader", "the loader"),
    ("figures", "tools/bench.py", 'row("loader_bytes"', 'row("efi_bytes"'),
    ("tests", "tests/unit/test_elf.c", None, None),
    ("tests", "tests/unit/deps.mk", "loader/fmt.c", "loader/fmtx.c"),
    ("tests", "tests/fuzz/fuzz_elf.c", None, None),
    ("paths", "loader/efi_x.c", "see loader/elf.c", "see loader/elves.c"),
    ("paths", "README.md", "## Firmware quirks", "Read tests/unit/test_gone.c.\n## Firmware quirks"),
    ("statuses", "loader/efi_x.c", "EFI_LOAD_ERROR", "EFI_ABORTED"),
    ("hypercalls", "hv/vm/hcall.c", "case HVCALL_VERSION:", "default:"),
    ("hypercalls", "tests/unit/test_hcall.c", "HVCALL_VERSION", "0"),
    ("hypercalls", "README.md", "| 0 | version |", "| 0 | Version |"),
    ("hypercalls", "hv/vm/hcall.c", '[HVCALL_RESET_SYSTEM] = "ResetSystem",', ""),
    ("hypercalls", "README.md", "| 6 | ResetSystem | reserved |", "| 6 | ResetSystem | served |"),
]


def write_tree(root, files):
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, path)) or root, exist_ok=True)
        with open(os.path.join(root, path), "w", encoding="utf-8") as f:
            f.write(text)


def self_test():
    ok = bad = 0
    tmp = tempfile.mkdtemp(prefix="check-docs.")
    try:
        clean = os.path.join(tmp, "clean")
        write_tree(clean, SCRATCH)
        res = run(clean, quiet=True)
        if any(res.values()):
            print(f"self-test: the clean tree fails: {res}")
            bad += 1
        else:
            ok += 1
        for i, (check, path, old, new) in enumerate(BREAKS):
            root = os.path.join(tmp, f"break{i}")
            files = dict(SCRATCH)
            if old is None:
                del files[path]
            else:
                assert old in files[path], (path, old)
                files[path] = files[path].replace(old, new)
            write_tree(root, files)
            res = run(root, quiet=True)
            if res[check]:
                ok += 1
            else:
                print(f"self-test: {check} missed a break of {path} ({old!r} -> {new!r})")
                bad += 1
    finally:
        shutil.rmtree(tmp)
    print(f"docs self-test: {ok} passed, {bad} failed")
    return 1 if bad else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if argv[1:]:
        print("usage: tools/check-docs.py [--self-test]", file=sys.stderr)
        return 2
    res = run(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    failed = sum(1 for e in res.values() if e)
    print(f"docs: {len(res) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
