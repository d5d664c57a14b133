#!/usr/bin/python3
"""The tree's rules (README: How the code is laid out), for every source
file of include/ loader/ rt/ hv/ (hv/vm/ and its folders included): the
folder graph stays acyclic (include <- loader <- rt <- hv <- hv/vm, with
the shell commands of hv/ the one way into hv/vm/; cross-folder includes
name the folder), the emulated devices of hv/vm/dev/ include only
<stdint.h> <stddef.h> <stdbool.h> and each other, no weak symbols, no
private copies of the shared helpers, comments cite only what a reader of
the repository can open (never a team document outside it, nor an issue
number), and every firmware quirk is tagged `Quirk (FIRMWARE): symptom`.
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
QUIRK = re.compile(r"\bQuirk\b(?! \([^)]+\): \S)")


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


def check(path, text):
    folder = folder_of(path)
    errs = []
    for m in INCLUDE.finditer(text):
        err = check_include(path, folder, m.group(1), text.count("\n", 0, m.start()) + 1)
        if err:
            errs.append(err)
    if folder == "hv/vm/dev":
        for m in SYSTEM_INCLUDE.finditer(text):
            if m.group(1) not in DEV_SYSTEM_HEADERS:
                line = text.count("\n", 0, m.start()) + 1
                errs.append(f"{path}:{line}: hv/vm/dev/ includes <{m.group(1)}>: a device "
                            "includes only <stdint.h> <stddef.h> <stdbool.h>")
    if WEAK.search(text):
        errs.append(f"{path}: a weak symbol: call what the layer below declares instead")
    if path not in SHARED_HOME and PRIVATE_COPY.search(text):
        errs.append(f"{path}: a private copy of ld16/32/64 or struct txt (use loader/bytes.h, loader/txt.h)")
    for n, line in enumerate(text.split("\n"), 1):
        if OUTSIDE_CITE.search(line):
            errs.append(f"{path}:{n}: cites a document outside the repository (cite the README or the spec)")
        if QUIRK.search(line):
            errs.append(f"{path}:{n}: a quirk not in the form `Quirk (FIRMWARE): symptom`")
    return errs


def main():
    ok = bad = 0
    for folder in ["include", "loader", "rt", "hv"]:
        for dirpath, _, files in os.walk(os.path.join(ROOT, folder)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, f), ROOT)
                with open(os.path.join(ROOT, path), encoding="utf-8") as fh:
                    errs = check(path, fh.read())
                for e in errs:
                    print(e)
                if errs:
                    bad += 1
                else:
                    ok += 1
    print(f"layers: {ok} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
