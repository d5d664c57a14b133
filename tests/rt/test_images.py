"""The ESP as a FAT image and as a GPT disk boot to the shell (issue 3)."""
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


