"""The ESP as a FAT image and as a GPT disk boot to the shell."""
import os
import shutil

import pytest

from conftest import BUILD


@pytest.mark.parametrize("image", ["esp.img", "disk.img"])
def test_boots_from_image(machines, tmp_path, image):
    img = tmp_path / image
    shutil.copyfile(os.path.join(BUILD, image), img)
    m = machines(f"image-{image}", str(img), workdir=str(tmp_path))
    m.boot_to_shell()
    assert m.cmd("help")




def test_config_beside_the_loader_wins(machines, tmp_path):
    """The `make install` layout: hvboot.cfg next to the loader names a
    hypervisor next to it; there is no \\hvboot folder at all."""
    esp = tmp_path / "esp"
    boot = esp / "EFI" / "BOOT"
    boot.mkdir(parents=True)
    shutil.copyfile(os.path.join(BUILD, "BOOTX64.EFI"), boot / "BOOTX64.EFI")
    shutil.copyfile(os.path.join(BUILD, "hv.elf"), boot / "hv.elf")
    (boot / "hvboot.cfg").write_text("hypervisor = \\EFI\\BOOT\\hv.elf\ncmdline = installed\n")
    m = machines("image-installed", str(esp), workdir=str(tmp_path))
    banner = m.expect("hv> ")
    assert r"hvboot: \EFI\BOOT\hv.elf: 3 segments" in banner, banner[-1500:]
    info = "\n".join(m.cmd("bootinfo"))
    assert 'cmdline            "installed"' in info, info
