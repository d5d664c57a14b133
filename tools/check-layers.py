#!/usr/bin/python3
"""The tree's rules (README: How the code is laid out), for every source
file of include/ loader/ rt/ hv/ (hv/vm/ and its folders included), and
the comment rule for every source file of tools/ and tests/: the
folder graph stays acyclic (include <- loader <- rt <- hv <- hv/vm, with
the shell commands of hv/ the one way into hv/vm/; cross-folder includes
name the folder), the emulated devices of hv/vm/dev/ include only
<stdint.h> <stddef.h> <stdbool.h> and each other, no weak symbols, no
private copies of the shared helpers, comments cite only what a reader of
the repository can open (never a team document outside it, nor an issue
number), every firmware quirk is tagged `Quirk (FIRMWARE): symptom`, and
each shared constant and helper has one definition (EFI statuses, CPU
bits, RDTSC and port I/O, the page size, the page-table index, the
runtime table's layout, the guest ABI, str_len): the names their home
header defines are defined nowhere else, and the usual hand-made copies
of their values are flagged too; a constant a NASM file states again (it
cannot include a C header) equals the C #define of the same name. The
one-definition, citation and quirk rules cover tools/ and tests/ as well.

Before the tree, the checker runs its own cases (CASES below): each rule
must catch the break it is written for and pass a clean file; a rule that
stops firing fails the run.
Prints one line per rule broken, then `layers: N passed, M failed`
(N = files that keep every rule)."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every folder with its own rule, and the folders each may include from
# (besides itself). A file belongs to the deepest folder that holds it.
ABOVE_RT = ["include", "loader", "rt"]
MAY_INCLUDE = {
    "include": [],
    "loader": ["include"],
    "rt": ["include", "loader"],
    "hv": ABOVE_RT,                     # + hv/vm/, from the shell commands only
    "hv/vm": ABOVE_RT + ["hv", "hv/vm/dev", "hv/vm/linux", "hv/vm/efi"],
    "hv/vm/linux": ABOVE_RT + ["hv", "hv/vm/dev"],
    "hv/vm/efi": ABOVE_RT + ["hv", "hv/vm/dev"],
    "hv/vm/dev": [],                    # pure state machines
}
FOLDERS = sorted(MAY_INCLUDE, key=len, reverse=True)
# In hv/, only the shell commands reach into hv/vm/ (the guests are a
# mechanism the shell drives); hv/vm/ never includes the shell.
VM_USERS = re.compile(r"^hv/cmd_\w+\.c$")
SHELL_HEADERS = re.compile(r"^hv/(shell\w*|cmd_\w+)\.h$")
DEV_SYSTEM_HEADERS = {"stdint.h", "stddef.h", "stdbool.h"}
SYSTEM_INCLUDE = re.compile(r'^\s*#\s*include\s+<([^>]+)>', re.M)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
WEAK = re.compile(r"__attribute__\s*\(\(\s*weak")
# Helpers that exist once, in the pure library (loader/bytes.h, loader/txt.h).
PRIVATE_COPY = re.compile(r"^\s*(static\s+)?(inline\s+)?uint\d+_t\s+ld(16|32|64)\s*\(|^struct txt\s*\{", re.M)
SHARED_HOME = {"loader/bytes.h", "loader/txt.h"}
OUTSIDE_CITE = re.compile(r"PRODUCT[.]md|\b[Ii]ssue #?\d")
# In tools/ and tests/ too: a team document by name, or one of its
# sections by a bare number (a spec citation names the spec before its §).
TEAM_DOC_CITE = re.compile(r"FIELD[-]NOTES|\bthe §\d|§\d[\d.]* text\b")
TOOL_SOURCES = (".c", ".h", ".py", ".sh", ".mk", ".asm", ".gdb")
QUIRK = re.compile(r"\bQuirk\b(?! \([^)]+\): \S)")


# One definition each (README: How the code is laid out). The names a home
# header defines (#define NAME, or an inline function NAME) may be defined
# in no other file; COPY_PATTERNS catch a copy under another name.
HOMES = ["include/efi_status.h", "include/x86.h", "include/hvguest.h", "include/layout.h",
         "loader/str.h", "loader/pt.h", "loader/rttable.h", "loader/bytes.h"]
HOME_NAMES = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)|"
                        r"^static\s+inline\s+[\w\s*]+?\b([a-z_]\w*)\s*\(", re.M)
DEFINES = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)|"
                     r"^(?:static\s+)?(?:inline\s+)?[a-z_][\w\s*]*?\b([a-z_]\w*)\s*\([^;{]*\)\s*\{",
                     re.M)
# Names a home defines that others may define for themselves: include
# guards, and gnu-efi's own header guard efi_status.h claims.
NOT_SHARED = re.compile(r"^(HVBOOT_\w+_H|_EFI_ERR_H|EFIWARN|EFI_ERROR|VAR|VARINFO|TIME|NELEM)$")
COPY_PATTERNS = [
    (re.compile(r"0x8000000000000000U?L*\s*\|"), "include/efi_status.h", "an EFI status built by hand"),
    (re.compile(r"\bEFI_ERR\s*\(|#\s*define\s+(RT|HCALL)_(SUCCESS|INVALID_PARAMETER|UNSUPPORTED|"
                r"BAD_BUFFER_SIZE|BUFFER_TOO_SMALL|DEVICE_ERROR|WRITE_PROTECTED|NOT_FOUND|"
                r"ACCESS_DENIED|ABORTED)\b"), "include/efi_status.h", "an EFI status under another name"),
    (re.compile(r'"rdtsc"'), "include/x86.h", "RDTSC"),
    (re.compile(r'"(in|out)[bwl]\s+%'), "include/x86.h", "port I/O"),
    (re.compile(r"#\s*define\s+(\w+_)?(CR[034]|EFER|RFLAGS|XCR0)_\w*\s+\(?1U?L*L?\s*<<|"
                r"#\s*define\s+MSR_\w*\s+0x"), "include/x86.h", "a CPU bit or MSR number"),
    (re.compile(r"#\s*define\s+\w*PAGE(_SIZE|_BYTES)?\s+\(?(4096|0x1000)U?L*L?\)?\s"),
     "include/layout.h", "the page size"),
    (re.compile(r">>\s*\(?\s*39\b[^;]*&\s*(511|0x1[fF][fF])\b|\(\s*39\s*-\s*9\s*\*"),
     "loader/pt.h", "a page-table index"),
    (re.compile(r"0x56524553544[eE]5552"), "loader/rttable.h", "the runtime table's signature"),
    (re.compile(r"while\s*\(\s*(\w+)\[(\w+)\]\s*\)\s*\n\s*\2\+\+;"), "loader/str.h",
     "a string-length loop"),
]


def home_names(root):
    """{name: home} for every name a home header defines."""
    names = {}
    for home in HOMES:
        with open(os.path.join(root, home), encoding="utf-8") as fh:
            for m in HOME_NAMES.finditer(fh.read()):
                name = m.group(1) or m.group(2)
                if not NOT_SHARED.match(name):
                    names.setdefault(name, home)
    return names


def check_copies(path, text, names):
    """One line per private copy of a shared name or value in path."""
    errs = []
    if path in HOMES:
        return errs
    for m in DEFINES.finditer(text):
        name = m.group(1) or m.group(2)
        if name in names:
            line = text.count("\n", 0, m.start()) + 1
            errs.append(f"{path}:{line}: a private copy of {name} (its one home is {names[name]})")
    for pattern, home, what in COPY_PATTERNS:
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            errs.append(f"{path}:{line}: a private copy of {what} (its one home is {home})")
    return errs


# NASM cannot include a C header, so an assembly file that needs a C
# constant states it again; the checker holds the two equal: a name an
# .asm file defines (`NAME equ V`, `%define NAME V`) that a C header of
# the tree #defines too must have the same value.
ASM_CONST = re.compile(r"^[ \t]*(?:%define[ \t]+([A-Za-z_]\w*)[ \t]+([^;\n]+?)|"
                       r"([A-Za-z_]\w*)[ \t]+equ[ \t]+([^;\n]+?))[ \t]*(?:;.*)?$", re.M)
C_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*?)[ \t]*"
                      r"(?:/\*.*)?$", re.M)
_c_defines = {}


def c_defines():
    """{name: (value text, header)} for every object-like #define of a
    header in the tree (the first wins)."""
    if not _c_defines:
        for path in sources():
            if path.endswith(".h"):
                with open(os.path.join(ROOT, path), encoding="utf-8") as fh:
                    for m in C_DEFINE.finditer(fh.read()):
                        _c_defines.setdefault(m.group(1), (m.group(2), path))
    return _c_defines


def const_value(text, defs, depth=0):
    """The integer a constant expression of C or NASM spells (literals with
    C suffixes, casts to uintN_t, | & << >> + - * ~ and names of other C
    defines), or None when it is something else."""
    e = re.sub(r"\(\s*u?int\d+_t\s*\)", "", text)
    e = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b", r"\1", e)
    if depth > 4 or not e.strip() or not re.fullmatch(r"[\w\s()<>|&+\-*~^]+", e):
        return None
    env = {}
    for name in set(re.findall(r"\b[A-Za-z_]\w*\b", e)):
        if name not in defs:
            return None
        env[name] = const_value(defs[name][0], defs, depth + 1)
        if env[name] is None:
            return None
    try:
        return eval(e, {"__builtins__": {}}, env)  # noqa: S307 (checked to be arithmetic)
    except (SyntaxError, TypeError, ValueError, ZeroDivisionError):
        return None


def check_asm(path, text, defs):
    """One line per constant of an .asm file that differs from the C
    #define of the same name."""
    errs = []
    for m in ASM_CONST.finditer(text):
        name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if name not in defs:
            continue
        line = text.count("\n", 0, m.start()) + 1
        ours, theirs = const_value(value, {}), const_value(defs[name][0], defs)
        if ours is None or theirs is None:
            errs.append(f"{path}:{line}: {name} is also #defined in {defs[name][1]}, "
                        "but the two values cannot be compared: spell both as numbers")
        elif ours != theirs:
            errs.append(f"{path}:{line}: {name} = {ours:#x} here but {theirs:#x} in "
                        f"{defs[name][1]}: the asm copy of a C constant must equal it")
    return errs


def folder_of(path):
    """The deepest folder with a rule that holds path, or None."""
    d = os.path.dirname(path)
    for f in FOLDERS:
        if d == f or d.startswith(f + "/"):
            return f
    return None


def check_include(path, folder, name, line):
    """The error for `#include "name"` at path:line, or None."""
    if "/" not in name:
        if os.path.exists(os.path.join(ROOT, os.path.dirname(path), name)) or \
                (folder != "hv/vm/dev" and os.path.exists(os.path.join(ROOT, "include", name))):
            return None
        if folder == "hv/vm/dev":
            return f"{path}:{line}: hv/vm/dev/ includes \"{name}\": a device includes only its own folder"
        return f"{path}:{line}: \"{name}\" is in another folder: name it (\"folder/{name}\")"
    target = folder_of(name)
    if target is None or not os.path.exists(os.path.join(ROOT, name)):
        return f"{path}:{line}: \"{name}\" is not a header of include/ loader/ rt/ hv/"
    if os.path.dirname(name) == os.path.dirname(path):
        return f"{path}:{line}: \"{name}\": a header of the same folder is included without it"
    if target == "hv/vm" and folder == "hv" and VM_USERS.match(path):
        return None
    if folder.startswith("hv/vm") and SHELL_HEADERS.match(name):
        return f"{path}:{line}: {folder}/ includes the shell's \"{name}\": return a reason instead"
    if target not in MAY_INCLUDE[folder]:
        if folder == "hv/vm/dev":
            return f"{path}:{line}: hv/vm/dev/ includes \"{name}\": a device includes only its own folder"
        if target.startswith("hv/vm") and folder == "hv":
            return f"{path}:{line}: hv/ includes \"{name}\": only the shell commands (cmd_*.c) reach hv/vm/"
        return f"{path}:{line}: {folder}/ includes \"{name}\": {folder}/ is below {target}/"
    return None


def check_comments(path, text):
    """The comment rules: citations a reader can open, the quirk tag."""
    errs = []
    for n, line in enumerate(text.split("\n"), 1):
        if OUTSIDE_CITE.search(line):
            errs.append(f"{path}:{n}: cites a document outside the repository (cite the README or the spec)")
        if QUIRK.search(line):
            errs.append(f"{path}:{n}: a quirk not in the form `Quirk (FIRMWARE): symptom`")
    return errs


def check(path, text, names):
    if path.endswith(".asm"):
        return check_asm(path, text, c_defines()) + check_comments(path, text)
    folder = folder_of(path)
    errs = check_copies(path, text, names)
    for m in INCLUDE.finditer(text if folder else ""):
        err = check_include(path, folder, m.group(1), text.count("\n", 0, m.start()) + 1)
        if err:
            errs.append(err)
    if folder == "hv/vm/dev":
        for m in SYSTEM_INCLUDE.finditer(text):
            if m.group(1) not in DEV_SYSTEM_HEADERS:
                line = text.count("\n", 0, m.start()) + 1
                errs.append(f"{path}:{line}: hv/vm/dev/ includes <{m.group(1)}>: a device "
                            "includes only <stdint.h> <stddef.h> <stdbool.h>")
    if folder and WEAK.search(text):
        errs.append(f"{path}: a weak symbol: call what the layer below declares instead")
    if folder and path not in SHARED_HOME and PRIVATE_COPY.search(text):
        errs.append(f"{path}: a private copy of ld16/32/64 or struct txt (use loader/bytes.h, loader/txt.h)")
    return errs + check_comments(path, text)


# The checker's own cases: (path, text, what the output must hold; None
# for a file that keeps every rule). Run against the real home headers.
CASES = [
    ("rt/x.c", '#include "loader/str.h"\nsize_t f(const char *s) { return str_len(s); }\n', None),
    ("rt/x.c", "#define EFI_NOT_FOUND 14\n", "a private copy of EFI_NOT_FOUND"),
    ("hv/x.c", "#define RT_ABORTED (1ULL << 63 | 21)\n", "an EFI status under another name"),
    ("tests/guest/x.c", "#define ERR(n) (0x8000000000000000ULL | (n))\n", "an EFI status built by hand"),
    ("loader/x.c", "#define CR4_LA57 (1ULL << 12)\n", "a private copy of CR4_LA57"),
    ("hv/x.c", "#define MY_CR4_BIT (1ULL << 5)\n", "a CPU bit or MSR number"),
    ("hv/x.c", "#define MSR_TSC_AUX 0xC0000103U\n", "a CPU bit or MSR number"),
    ("hv/vm/dev/x.h", "#define UART_MSR_DCD 0x80\n", None),   # the modem status register
    ("rt/x.c", "static inline uint64_t tsc(void)\n{\n\t__asm__ volatile(\"rdtsc\");\n}\n", "RDTSC"),
    ("loader/x.c", 'static void out8(uint16_t p, uint8_t v)\n{\n\t__asm__("outb %0, %1");\n}\n',
     "port I/O"),
    ("hv/x.c", "static inline uint8_t inb(uint16_t port)\n{\n\treturn 0;\n}\n", "a private copy of inb"),
    ("rt/x.c", "#define PAGE 4096ULL\n", "the page size"),
    ("hv/x.c", "unsigned slot = (va >> 39) & 511;\n", "a page-table index"),
    ("hv/x.c", "#define SIG 0x56524553544e5552ULL\n", "the runtime table's signature"),
    ("rt/x.c", "static size_t str_len(const char *s)\n{\n\treturn 0;\n}\n", "a private copy of str_len"),
    ("rt/x.c", "size_t n = 0;\nwhile (s[n])\n\tn++;\n", "a string-length loop"),
    ("tools/x.c", "#define HVCALL_ABI_VERSION 0x10000\n", "a private copy of HVCALL_ABI_VERSION"),
    ("hv/vm/x.c", '#include "hv/shell.h"\n', "includes the shell's"),
    ("hv/vm/dev/x.c", "#include <string.h>\n", "a device includes only"),
    ("hv/x.c", '#include "hv/vm/guest.h"\n', "only the shell commands"),
    ("loader/x.c", '#include "rt/rt.h"\n', "loader/ is below rt/"),
    ("rt/x.asm", "RFLAGS_IF\tequ 1 << 9\nLAPIC_TIMER_INIT equ 0x380\nMINE equ 3\n", None),
    ("rt/x.asm", "RFLAGS_IF\tequ 1 << 8\t; wrong\n", "RFLAGS_IF = 0x100 here but 0x200"),
    ("hv/x.asm", "%define LAPIC_LVT_TIMER 0x330\n", "the asm copy of a C constant must equal it"),
    ("hv/x.asm", "%define RFLAGS_TF some_label\n", "cannot be compared"),
]


def self_test(names):
    """Messages for the cases the rules got wrong (empty: all right)."""
    wrong = []
    for path, text, want in CASES:
        got = "\n".join(check(path, text, names))
        if want is None and got:
            wrong.append(f"checker self-test: {path} should pass, got: {got}")
        elif want is not None and want not in got:
            wrong.append(f"checker self-test: {path} ({text.strip()!r}) should give "
                         f"'{want}', got: {got or 'nothing'}")
    return wrong


def sources():
    """Every C source and header and every NASM file the rules cover, as
    paths from ROOT."""
    for folder in ["include", "loader", "rt", "hv", "tools", "tests"]:
        for dirpath, _, files in os.walk(os.path.join(ROOT, folder)):
            for f in sorted(files):
                if f.endswith((".c", ".h", ".asm")):
                    yield os.path.relpath(os.path.join(dirpath, f), ROOT)


def check_tool_comments(path, text):
    """The comment rules for a script or build file of tools/ or tests/
    (the C sources there get every rule, above): it cites only what a
    reader of the repository can open."""
    return [f"{path}:{n}: cites a document outside the repository (cite the README or the spec)"
            for n, line in enumerate(text.split("\n"), 1)
            if OUTSIDE_CITE.search(line) or TEAM_DOC_CITE.search(line)]


def scan_tools_and_tests():
    """(files that keep the comment rules, files that break them) among the
    scripts and build files of tools/ and tests/."""
    ok = bad = 0
    for folder in ["tools", "tests"]:
        for dirpath, _, files in os.walk(os.path.join(ROOT, folder)):
            for f in sorted(files):
                if not f.endswith(TOOL_SOURCES) or f.endswith((".c", ".h", ".asm")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, f), ROOT)
                with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as fh:
                    errs = check_tool_comments(path, fh.read())
                for e in errs:
                    print(e)
                ok, bad = (ok, bad + 1) if errs else (ok + 1, bad)
    return ok, bad


def main():
    ok, bad = scan_tools_and_tests()
    names = home_names(ROOT)
    wrong = self_test(names)
    for w in wrong:
        print(w)
    for path in sources():
        with open(os.path.join(ROOT, path), encoding="utf-8") as fh:
            errs = check(path, fh.read(), names)
        for e in errs:
            print(e)
        if errs:
            bad += 1
        else:
            ok += 1
    print(f"layers: {ok} passed, {bad + len(wrong)} failed")
    return 1 if bad or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
