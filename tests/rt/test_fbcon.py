"""The framebuffer console and the PS/2 keyboard, in one boot on QEMU's
std VGA (OVMF's GOP): keys typed through the QEMU monitor's `sendkey`
reach the shell, and the screen, read back with `screendump`, shows what
COM1 shows. The screen is read by decoding the PSF font here, from the
font file itself, with none of the hypervisor's drawing code."""
import gzip
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import BUILD, PROMPT, ROOT, Machine, clean, copy_esp
import hvqemu

FONT = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz"
MONITOR_TIMEOUT = 30


class Monitor:
    """The QEMU human monitor on a unix socket."""

    def __init__(self, path):
        deadline = time.monotonic() + MONITOR_TIMEOUT
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.s.settimeout(MONITOR_TIMEOUT)
        self._until_prompt()

    def _until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self.s.recv(4096)
            assert chunk, "monitor closed"
            buf += chunk
        return buf.decode(errors="replace")

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        return self._until_prompt()

    def keys(self, *names):
        for k in names:
            self.cmd(f"sendkey {k}")
            time.sleep(0.03)

    def type(self, text):
        names = {" ": "spc", "-": "minus", ".": "dot", "/": "slash", "=": "equal"}
        for ch in text:
            if ch.isupper():
                self.keys(f"shift-{ch.lower()}")
            else:
                self.keys(names.get(ch, ch))

    def close(self):
        self.s.close()


def psf_glyphs(path):
    """{16-byte bitmap: character} for printable ASCII, from a PSF1 font's
    Unicode table (the layout in README: The framebuffer console)."""
    d = gzip.open(path).read()
    assert d[:2] == b"\x36\x04", "a PSF1 font"
    mode, height = d[2], d[3]
    count = 512 if mode & 1 else 256
    table = d[4 + count * height:]
    by_code, off = {}, 0
    for g in range(count):
        seq = False
        while True:
            v = int.from_bytes(table[off:off + 2], "little")
            off += 2
            if v == 0xFFFF:
                break
            if v == 0xFFFE:
                seq = True
            elif not seq and v not in by_code:
                by_code[v] = g
    glyphs = {}
    for code in range(0x7E, 0x1F, -1):     # the lowest code wins a shared bitmap
        g = by_code[code]
        glyphs[d[4 + g * height:4 + (g + 1) * height]] = chr(code)
    return glyphs, height


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m, data[:20]
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def screen_text(ppm, glyphs, gh):
    """Each 8 x gh cell of the screendump, lit pixels as bits, looked up in
    the font; a cell drawn inverted (the cursor) is read inverted."""
    w, h, px = read_ppm(ppm)
    lines = []
    for row in range(h // gh):
        text = []
        for col in range(w // 8):
            bits = bytearray(gh)
            for y in range(gh):
                base = ((row * gh + y) * w + col * 8) * 3
                b = 0
                for x in range(8):
                    r, g, bl = px[base + 3 * x:base + 3 * x + 3]
                    b = b << 1 | (r + g + bl > 3 * 128)
                bits[y] = b
            ch = glyphs.get(bytes(bits)) or glyphs.get(bytes(0xFF ^ v for v in bits), "\0")
            text.append(ch)
        lines.append("".join(text).rstrip())
    return lines


@pytest.fixture(scope="module")
def screen(tmp_path_factory):
    work = tmp_path_factory.mktemp("fbcon")
    sock = str(work / "monitor.sock")
    esp = copy_esp(str(work / "esp"))
    # As `make run DISPLAY=1` boots without an X display: std VGA on VNC.
    m = Machine(f"fbcon-{os.getpid()}", esp, workdir=str(work), cpu="max",
                display=hvqemu.pick_display(""),
                extra=["-monitor", f"unix:{sock},server,nowait"])
    mon = None
    try:
        m.banner = m.expect(PROMPT)
        mon = Monitor(sock)
        m.mon = mon
        m.work = work
        m.glyphs, m.gh = psf_glyphs(FONT)
        yield m
    finally:
        if mon:
            mon.close()
        m.close()


def dump(m, name):
    # The screen catches up when the shell waits for input, right after
    # the prompt COM1 already showed: give it that moment.
    time.sleep(0.5)
    path = str(m.work / f"{name}.ppm")
    m.mon.cmd(f"screendump {path}")
    for _ in range(50):                    # written when the monitor answers; be sure
        if os.path.exists(path) and os.path.getsize(path) > 0:
            break
        time.sleep(0.1)
    keep = os.path.join(BUILD, "logs", "rt", f"fbcon-{name}.ppm")
    with open(path, "rb") as src, open(keep, "wb") as dst:
        dst.write(src.read())
    return screen_text(path, m.glyphs, m.gh)


def test_make_run_display_1_shows_std_vga_and_keeps_the_serial_console():
    """`make run DISPLAY=1` hands the runner --display 1 (and only the value
    1 counts: DISPLAY is X11's variable too); the runner then swaps
    -nographic for a display with serial and monitor still on stdio."""
    env = dict(os.environ, DISPLAY=":5")
    for arg, want in (("DISPLAY=1", '--display "1" --x-display ":5"'),
                      ("MEM=512M", '--display "" --x-display ":5"')):
        out = subprocess.run(["make", "-n", "--no-print-directory", "run", arg], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120).stdout
        assert want in out, out
    args = hvqemu.command("build/esp", display="vnc=127.0.0.1:0,to=99")
    assert "-nographic" not in args
    i = args.index("-display")
    assert args[i - 4:i + 2] == ["-serial", "mon:stdio", "-vga", "std", "-display",
                                 "vnc=127.0.0.1:0,to=99"], args
    assert "-nographic" in hvqemu.command("build/esp")
    assert hvqemu.pick_display("") == "vnc=127.0.0.1:0,to=99"
    assert hvqemu.pick_display("1") == "vnc=127.0.0.1:0,to=99"


def test_banner_names_the_screen_and_the_keyboard(screen):
    assert re.search(r"console      COM1, screen 1280x800 \(160x50 text\), "
                     r"keyboard i8042 scan-code set [12]\n", screen.banner), screen.banner


def test_screen_shows_the_banner_as_com1_does(screen):
    lines = dump(screen, "banner")
    serial = [l.rstrip() for l in clean(screen.banner).split("\n")]
    start = next(i for i, l in enumerate(serial) if l.startswith("hvboot hypervisor "))
    shown = serial[start:]
    while shown and not shown[-1]:
        shown.pop()
    while lines and not lines[0]:
        lines.pop(0)
    assert lines[:len(shown)] == shown, "\n".join(lines[:len(shown) + 2])
    assert lines[len(shown)] == "hv>", lines[len(shown)]
    assert not any(lines[len(shown) + 1:]), lines


def test_keyboard_types_a_command_and_the_screen_shows_its_output(screen):
    mon = screen.mon
    mon.type("help")
    mon.keys("ret")
    out = screen.expect(PROMPT, timeout=60)
    assert out.startswith("help\n"), out
    assert re.search(r"^\s*bootinfo\b", out, re.M), out
    # Shift for capitals, Ctrl-U to drop a line, the arrows and Backspace
    # (left then right leaves the cursor where it was in any line editor).
    mon.type("frob")
    mon.keys("ctrl-u")
    mon.type("get SecureBootx")
    mon.keys("left", "right", "backspace", "ret")
    out = screen.expect(PROMPT, timeout=60)
    assert 'Name: "SecureBoot"' in out, out
    mon.type("pt 0xffffffff80000000")
    mon.keys("ret")
    out = screen.expect(PROMPT, timeout=60)
    assert "0xffffffff80000000 -> " in out and "cache=WB" in out, out

    lines = dump(screen, "commands")
    while lines and not lines[-1]:
        lines.pop()
    assert lines[-1] == "hv>", lines[-5:]
    # The last command and its output, line for line as COM1 showed them.
    pt = [l.rstrip() for l in out.split("\n") if l.strip()][1:]     # after the echo
    assert lines[-1 - len(pt) - 1] == "hv> pt 0xffffffff80000000", lines[-12:]
    assert lines[-1 - len(pt):-1] == pt, "\n".join(lines[-12:])
    text = "\n".join(lines)
    assert 'Name: "SecureBoot"' in text, text
    assert "hv> get SecureBoot\n" in text + "\n", text
    assert "frob" not in text, text


@pytest.fixture(scope="module")
def ramfb(tmp_path_factory):
    """QEMU's ramfb alone (no VGA): OVMF's GOP on a framebuffer in RAM."""
    work = tmp_path_factory.mktemp("ramfb")
    sock = str(work / "monitor.sock")
    esp = copy_esp(str(work / "esp"))
    m = Machine(f"ramfb-{os.getpid()}", esp, workdir=str(work),
                extra=["-vga", "none", "-device", "ramfb",
                       "-monitor", f"unix:{sock},server,nowait"])
    mon = None
    try:
        m.banner = m.expect(PROMPT)
        mon = m.mon = Monitor(sock)
        m.work = work
        m.glyphs, m.gh = psf_glyphs(FONT)
        yield m
    finally:
        if mon:
            mon.close()
        m.close()


def test_ramfb_framebuffer_outside_the_direct_map_is_write_combining(ramfb):
    """OVMF puts ramfb's framebuffer in RAM it reserves (not a RAM type of
    the memory map): the direct map leaves it out, so nothing aliases it
    and it is mapped WC like a VGA BAR."""
    m = re.search(r"hvboot: framebuffer 800x600 bgrx, stride 800, at (0x[0-9a-f]+) "
                  r"\(\d+ KiB\), mapped at 0xfffffffe00000000", ramfb.banner)
    assert m, ramfb.banner
    assert "console      COM1, screen 800x600 (100x37 text)" in ramfb.banner, ramfb.banner
    pa = int(m.group(1), 16)
    raw = "\n".join(ramfb.cmd("memmap --raw"))
    holder = [l.split() for l in raw.split("\n") if l.startswith("Efi") and
              int(l.split()[1], 16) <= pa < int(l.split()[1], 16) + int(l.split()[2]) * 4096]
    assert len(holder) == 1 and holder[0][0] == "EfiReservedMemoryType", (holder, raw)
    out = "\n".join(ramfb.cmd("pt 0xfffffffe00000000"))
    assert out.endswith(f"0xfffffffe00000000 -> {pa:#x} 4K RW NX cache=WC"), out
    direct = "\n".join(ramfb.cmd(f"pt {0xffff800000000000 + pa:#x}"))
    assert "not mapped" in direct, direct
    # memmap's ~140 lines scrolled the 37-row screen: its tail is there.
    lines = [l for l in dump(ramfb, "ramfb") if l]
    assert len(lines) == 37, lines
    tail = [l for l in raw.split("\n") if l.strip()][-20:]
    assert all(t.rstrip() in lines for t in tail), (tail, lines)
    assert lines[-1] == "hv>", lines[-3:]
    assert "not mapped" in lines[-2], lines[-3:]


def test_ctrl_rbracket_on_the_keyboard_stops_a_running_guest(screen):
    """A running guest's input comes through the console layer, so Ctrl-]
    typed on the PS/2 keyboard stops it as Ctrl-] on COM1 does."""
    screen.p.send("guest run test probe spin\r")
    screen.expect(re.escape("[test] spinning"), timeout=60)
    reply = screen.mon.cmd("sendkey ctrl-bracket_right")     # QEMU's name for ]
    assert "sendkey ctrl-bracket_right" in reply and "nvalid" not in reply and "nknown" not in reply, reply
    out = screen.expect(PROMPT, timeout=30).split("\n")
    assert [l.strip() for l in out if l.strip()][-1] == "guest test: stopped: stopped by Ctrl-]", out


def test_keys_typed_on_the_keyboard_reach_the_running_guest(screen):
    screen.p.send("guest run test probe echo 2\r")
    screen.expect(re.escape("[test] reading"), timeout=60)
    screen.mon.keys("h", "i")
    out = screen.expect(PROMPT, timeout=30).split("\n")
    lines = [l.strip() for l in out if l.strip()]
    assert lines[-2:] == ["[test] echo: hi", "guest test: exited with code 0"], out
