#!/usr/bin/python3
"""The tree's rules (README: How the code is laid out), for every source
file of include/ loader/ rt/ hv/: the folder graph stays acyclic
(include <- loader <- rt <- hv, cross-folder includes name the folder; a bare
name is a header of the file's own folder, a path one of another folder), the devices of hv/vm/dev/ include
nothing but <stdint.h> <stddef.h> <stdbool.h> and each other, no
weak symbols, no private copies of the shared helpers, comments cite only
what a reader of the repository can open (never a team document outside
it, nor an issue number), and every firmware quirk is tagged `Quirk (FIRMWARE): symptom`.
Prints one line per rule broken, then `layers: N passed, M failed`
(N = files that keep every rule)."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORDER = ["include", "loader", "rt", "hv"]        # each may include only those before it
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
WEAK = re.compile(r"__attribute__\s*\(\(\s*weak")
# Helpers that exist once, in the pure library (loader/bytes.h, loader/txt.h).
PRIVATE_COPY = re.compile(r"^\s*(static\s+)?(inline\s+)?uint\d+_t\s+ld(16|32|64)\s*\(|^struct txt\s*\{", re.M)
SHARED_HOME = {"loader/bytes.h", "loader/txt.h"}
OUTSIDE_CITE = re.compile(r"PRODUCT[.]md|\b[Ii]ssue #?\d")
# The emulated devices are pure state machines (README: How the code is laid
# out): only the fixed-width types and each other's headers.
PURE_DEVICES = "hv/vm/dev/"
ANY_INCLUDE = re.compile(r'^\s*#\s*include\s+([<"][^>"]+[>"])', re.M)
DEVICE_SYSTEM_HEADERS = {"<stdint.h>", "<stddef.h>", "<stdbool.h>"}
QUIRK = re.compile(r"\bQuirk\b(?! \([^)]+\): \S)")


def check(path, text):
    folder = path.split("/")[0]
    rank = ORDER.index(folder)
    errs = []
    for m in INCLUDE.finditer(text):
        name = m.group(1)
        line = text.count("\n", 0, m.start()) + 1
        if "/" in name:
            target = name.split("/")[0]
            if target not in ORDER or not os.path.exists(os.path.join(ROOT, name)):
                errs.append(f"{path}:{line}: \"{name}\" is not a header of include/ loader/ rt/ hv/")
            elif target == folder and os.path.dirname(name) == os.path.dirname(path):
                errs.append(f"{path}:{line}: \"{name}\": a header of the same folder is included without it")
            elif ORDER.index(target) > rank:
                errs.append(f"{path}:{line}: {folder}/ includes \"{name}\": {folder}/ is below {target}/")
        elif not (os.path.exists(os.path.join(ROOT, folder, name)) or
                  os.path.exists(os.path.join(ROOT, os.path.dirname(path), name)) or
                  os.path.exists(os.path.join(ROOT, "include", name))):
            errs.append(f"{path}:{line}: \"{name}\" is in another folder: name it (\"folder/{name}\")")
    if path.startswith(PURE_DEVICES):
        for m in ANY_INCLUDE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            name = m.group(1)
            if name.startswith("<") and name not in DEVICE_SYSTEM_HEADERS:
                errs.append(f"{path}:{line}: {name}: a device includes only <stdint.h> <stddef.h> <stdbool.h>")
            elif name.startswith('"') and not os.path.exists(os.path.join(ROOT, PURE_DEVICES, name.strip('"'))):
                errs.append(f"{path}:{line}: {name}: a device includes only its own folder's headers")
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
    for folder in ORDER:
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
