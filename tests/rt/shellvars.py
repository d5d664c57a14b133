"""Helpers for the runtime-service tests: the shell's variable commands
(README: The shell, efivar formats) driven and parsed strictly, an independent
EFI_LOAD_OPTION decoder, the VARS file read offline with UEFIExtract."""
import os
import re
import shutil
import subprocess


GLOBAL = "8be4df61-93ca-11d2-aa0d-00e098032b8c"
# Our tests' own vendor GUID: nothing else in OVMF uses it.
TEST_GUID = "3f1d7a2c-5b8e-4c61-9a0f-1e2d3c4b5a69"
LINE_MAX = 255          # hv/shell.h SHELL_LINE_MAX

ATTR_NAMES = {          # efivar -p names, UEFI 2.10 §8.2 bit order
    0x01: "Non-Volatile",
    0x02: "Boot Service Access",
    0x04: "Runtime Service Access",
    0x08: "Hardware Error Record",
    0x10: "Authenticated Write Access",
    0x20: "Time-Based Authenticated Write Access",
    0x40: "Append Write",
}
NV_BS_RT = 0x07

GUID_NAME = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(.+)$")


def var(name, guid=TEST_GUID):
    return f"{guid}-{name}"


# ---------------------------------------------------------------- efivar -p

def hexdump(data):
    """The dump `get` must print (efivar.h efivar_hexdump_line), line by line."""
    lines = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        s = f"{off:08x}  "
        for i in range(16):
            s += f"{chunk[i]:02x} " if i < len(chunk) else "   "
            if i == 7:
                s += " "
        s += " |" + "".join(chr(b) if 0x20 <= b <= 0x7E else "." for b in chunk) + "|"
        lines.append(s)
    return lines


def attr_lines(attrs):
    return ["\t" + ATTR_NAMES[1 << b] for b in range(7) if attrs & (1 << b)]


def get_lines(guid, name, attrs, data):
    """The exact output of `get` for a variable."""
    return ([f"GUID: {guid}", f'Name: "{name}"', "Attributes:"] + attr_lines(attrs) +
            ["Value:"] + hexdump(data))


def parse_get(lines):
    """`get` output → (guid, name, attrs, data); asserts the format exactly
    (every dump line is re-generated from the bytes and compared)."""
    assert len(lines) >= 4, lines
    m = re.fullmatch(r"GUID: ([0-9a-f-]{36})", lines[0])
    assert m, lines[:3]
    guid = m.group(1)
    m = re.fullmatch(r'Name: "(.*)"', lines[1])
    assert m, lines[:3]
    name = m.group(1)
    assert lines[2] == "Attributes:", lines[:6]
    i, attrs = 3, 0
    by_name = {v: k for k, v in ATTR_NAMES.items()}
    while i < len(lines) and lines[i].startswith("\t"):
        bit = by_name.get(lines[i][1:])
        assert bit is not None, f"unknown attribute line {lines[i]!r}"
        assert bit > attrs, "attributes out of bit order"
        attrs |= bit
        i += 1
    assert lines[i] == "Value:", lines[i - 2:i + 2]
    data = bytearray()
    for line in lines[i + 1:]:
        m = re.match(r"([0-9a-f]{8})  ", line)
        assert m and int(m.group(1), 16) == len(data), f"bad dump line {line!r}"
        # 16 cells of "xx " and one more space after the eighth: 49 columns.
        data += bytes.fromhex("".join(re.findall(r"[0-9a-f]{2}", line[10:59])))
    assert hexdump(bytes(data)) == lines[i + 1:], "hex dump format"
    return guid, name, attrs, bytes(data)


def get_var(m, name):
    """Runs `get name` on machine m → (attrs, data); the output must be a
    well-formed efivar -p listing."""
    out = m.cmd(f"get {name}")
    assert not out or not out[0].startswith("error:"), out
    _, _, attrs, data = parse_get(out)
    return attrs, data


def hexlit(data):
    return data.hex()


def set_bytes(m, name, attrs, data):
    """Writes data with `set`, as one command or, when the line would be
    longer than the shell takes, as a `set` and `ap` appends. Each command
    must print exactly `ok`."""
    first = f"set {name} {attrs} "
    later = f"set {name} {attrs},ap "
    room = (LINE_MAX - len(later)) // 2
    assert room > 0
    chunks = [data[:(LINE_MAX - len(first)) // 2]]
    rest = data[len(chunks[0]):]
    while rest:
        chunks.append(rest[:room])
        rest = rest[room:]
    for i, c in enumerate(chunks):
        line = (first if i == 0 else later) + hexlit(c)
        assert len(line) <= LINE_MAX
        assert m.cmd(line) == ["ok"], line
    return len(chunks)


def expect_error(m, line, message):
    out = m.cmd(line)
    assert out == [f"error: {message}"], (line, out)


# ---------------------------------------------------------------- other outputs

def vars_list(m):
    """`vars` → list of (guid, name); checks the closing count line."""
    out = m.cmd("vars")
    mm = re.fullmatch(r"(\d+) variables", out[-1])
    assert mm, out[-3:]
    assert int(mm.group(1)) == len(out) - 1, out[-1]
    res = []
    for line in out[:-1]:
        g = GUID_NAME.match(line)
        assert g, f"not GUID-Name: {line!r}"
        res.append((g.group(1), g.group(2)))
    return res


def varinfo(m, attrs=None):
    out = m.cmd("varinfo" + (f" {attrs}" if attrs else ""))
    vals = {}
    for key in ("max storage", "remaining", "max variable size"):
        rx = re.compile(rf"^{key}\s+(\d+) bytes \(0x([0-9a-f]+)\)$")
        hits = [rx.match(l) for l in out if rx.match(l)]
        assert len(hits) == 1, out
        assert int(hits[0].group(1)) == int(hits[0].group(2), 16)
        vals[key] = int(hits[0].group(1))
    return vals


def rt_table(m):
    """`rt` → (lines, {service: (calls, faults, last_cycles)})."""
    out = m.cmd("rt")
    table = {}
    for line in out:
        mm = re.fullmatch(r"  ([A-Za-z]+)\s+(\d+)\s+(\d+)\s+(\d+)", line)
        if mm:
            table[mm.group(1)] = tuple(int(x) for x in mm.group(2, 3, 4))
    assert len(table) == 14, out
    return out, table


def decode_load_option(data):
    """EFI_LOAD_OPTION (UEFI 2.10 §3.1.3), decoded here independently of
    rt/devpath.c: (attributes, description, path bytes, optional data)."""
    attrs = int.from_bytes(data[0:4], "little")
    plen = int.from_bytes(data[4:6], "little")
    i = 6
    while data[i:i + 2] != b"\0\0":
        i += 2
    desc = data[6:i].decode("utf-16-le")
    path = data[i + 2:i + 2 + plen]
    return attrs, desc, path, data[i + 2 + plen:]


# ---------------------------------------------------------------- VARS offline

def _auth_header_key(hdr):
    """(guid, name) from an AUTHENTICATED_VARIABLE_HEADER as UEFIExtract
    dumps it (EDK2 AuthenticatedVariableFormat.h: 60 bytes, then the name).
    UEFIExtract names only entries in state ADDED; an entry left
    IN_DELETED_TRANSITION is shown as "Invalid", so decode the header."""
    assert len(hdr) >= 60 and hdr[0:2] == b"\xaa\x55", hdr[:4].hex()
    name_size = int.from_bytes(hdr[36:40], "little")
    g = hdr[44:60]
    guid = (f"{int.from_bytes(g[0:4], 'little'):08x}-{int.from_bytes(g[4:6], 'little'):04x}-"
            f"{int.from_bytes(g[6:8], 'little'):04x}-{g[8:10].hex()}-{g[10:16].hex()}")
    name = hdr[60:60 + name_size].decode("utf-16-le").rstrip("\0")
    return guid, name


AUTH_VAR_STORE_GUID = bytes.fromhex("782cf3aa7b949a43a1802e144ec37792")


def _torn_headers_as_edk2_reads_them(img):
    """A power cut can leave a variable header whose State is still FFh (or
    a size or the attributes still all ones; a cut right after the StartId
    leaves all of them so). EDK2 then counts no name and no data: the next
    header starts right after it (VariableParsing.c, NameSizeOfVariable and
    DataSizeOfVariable), and that is where later writes went. UEFIExtract
    trusts the sizes, and picks the header format from the attributes and
    the bytes of the monotonic counter (all ones: a 32-byte header of
    another format), and loses its way. Zero attributes, counter and sizes
    in this copy: it then reads a 60-byte header, as EDK2 does. A cut after
    a whole header (State VAR_HEADER_VALID_ONLY, 7Fh) but before all of the
    name leaves the name's tail erased (FFh): EDK2 steps over the variable by
    its sizes and never reports it; UEFIExtract reads the name up to a NUL
    far beyond and cannot make a file of it. That name becomes "Torn" (NULs
    after it) in this copy. Returns how many headers were mended."""
    with open(img, "r+b") as f:
        d = bytearray(f.read())
        fv_hdr = int.from_bytes(d[0x30:0x32], "little")
        assert d[fv_hdr:fv_hdr + 16] == AUTH_VAR_STORE_GUID, "no authenticated variable store"
        end = fv_hdr + int.from_bytes(d[fv_hdr + 16:fv_hdr + 20], "little")
        pos, torn = fv_hdr + 28, 0		# VARIABLE_STORE_HEADER is 28 bytes
        while pos + 60 <= end and d[pos:pos + 2] == b"\xaa\x55":
            state, attrs = d[pos + 2], int.from_bytes(d[pos + 4:pos + 8], "little")
            nsize = int.from_bytes(d[pos + 36:pos + 40], "little")
            dsize = int.from_bytes(d[pos + 40:pos + 44], "little")
            if 0xFFFFFFFF in (attrs, nsize, dsize) or state == 0xFF:
                d[pos + 4:pos + 16] = bytes(12)	# Attributes, MonotonicCount
                d[pos + 36:pos + 44] = bytes(8)		# NameSize, DataSize
                torn += 1
                pos += 60
            else:	# HEADER_ALIGN: the next header on 4 bytes
                name = d[pos + 60:pos + 60 + nsize]
                if state == 0x7F and (nsize < 2 or name[-2:] != b"\0\0" or
                                      b"\xff\xff" in name[::2] + name[1::2]):
                    d[pos + 60:pos + 60 + nsize] = "Torn".encode("utf-16-le")[:max(nsize - 2, 0)]\
                        .ljust(nsize, b"\0")
                    torn += 1
                pos += (60 + nsize + dsize + 3) & ~3
        if torn:
            f.seek(0)
            f.write(d)
    return torn


def uefiextract(vars_path, workdir):
    """Current variables of an OVMF VARS file, read with UEFIExtract:
    {(guid, name): (attributes, body bytes)}. EDK2's rule for which copy is
    current: the one in state ADDED (3Fh); if a power cut left none, the one
    IN_DELETED_TRANSITION (3Eh) — SetVariable marks the old copy so before it
    writes the new one (EDK2 Variable.c, UpdateVariable)."""
    work = os.path.join(workdir, "uefiextract")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    img = os.path.join(work, "vars.fd")
    shutil.copyfile(vars_path, img)
    _torn_headers_as_edk2_reads_them(img)
    r = subprocess.run(["UEFIExtract", img, "all"], capture_output=True, text=True, timeout=120)
    dump = img + ".dump"
    assert r.returncode == 0 and os.path.isdir(dump), r.stdout + r.stderr
    added, transition = {}, {}
    for root, _dirs, files in os.walk(dump):
        if "info.txt" not in files:
            continue
        with open(os.path.join(root, "info.txt"), encoding="utf-8", errors="replace") as f:
            info = f.read()
        if not re.search(r"^Type: VSS entry$", info, re.M):
            continue
        state = re.search(r"^State: (\w+)$", info, re.M)
        attrs = re.search(r"^Attributes: ([0-9A-Fa-f]+)h", info, re.M)
        into = {"3Fh": added, "3Eh": transition}.get(state.group(1) if state else "")
        if into is None or not attrs:
            continue
        with open(os.path.join(root, "body.bin"), "rb") as f:
            body = f.read()
        with open(os.path.join(root, "header.bin"), "rb") as f:
            key = _auth_header_key(f.read())
        guid = re.search(r"^Variable GUID: ([0-9A-Fa-f-]{36})$", info, re.M)
        text = re.search(r"^Text: (.*)$", info, re.M)
        if guid and text:
            assert key == (guid.group(1).lower(), text.group(1)), (key, info)
        assert key not in into, f"two {state.group(1)} entries for {key}"
        into[key] = (int(attrs.group(1), 16), body)
    found = dict(transition)
    found.update(added)
    assert found, f"no live variables in {vars_path}"
    return found


def uefi_shell_folder(path, script_lines):
    """A FAT folder with only startup.nsh: OVMF finds no boot loader on it,
    falls through to its built-in UEFI Shell, which runs the script."""
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "startup.nsh"), "w", newline="") as f:
        f.write("".join(l + "\r\n" for l in script_lines))
    return path
