#!/bin/bash
# make install ESP=/path/to/mounted/esp: the loader as EFI/hvboot/hvboot.efi
# with the hypervisor and config beside it, then the efibootmgr line.
set -euo pipefail
esp=${1:-}; B=${2:-build}
if [ -z "$esp" ] || [ ! -d "$esp" ]; then
	echo "usage: make install ESP=/path/to/mounted/esp (a directory; got '${esp}')" >&2
	exit 1
fi
dst="$esp/EFI/hvboot"
mkdir -p "$dst"
cp "$B/BOOTX64.EFI" "$dst/hvboot.efi"
cp "$B/hv.elf" "$dst/hv.elf"
cp "$B/guest/testguest.elf" "$dst/testguest.elf"
mkdir -p "$dst/linux"
cp "$B/linux/vmlinuz" "$B/linux/initramfs.gz" "$dst/linux/"
# The loader reads the config beside itself first; point it at this hv.elf
# and the guest images beside it.
sed -e 's|^hypervisor *=.*|hypervisor = \\EFI\\hvboot\\hv.elf|' \
    -e 's|^\(\(module\|initrd\) *= *[^ ]*\) *\\hvboot\\|\1 \\EFI\\hvboot\\|' tools/hvboot.cfg > "$dst/hvboot.cfg"
echo "installed: $dst/{hvboot.efi,hv.elf,hvboot.cfg,testguest.elf,linux/}"
src=$(findmnt -n -o SOURCE --target "$esp" 2>/dev/null || true)
disk="" part=""
if [ -n "$src" ] && [ -b "$src" ]; then
	pk=$(lsblk -n -o PKNAME "$src" 2>/dev/null | head -1); [ -n "$pk" ] && disk=/dev/$pk
	part=$(cat "/sys/class/block/$(basename "$src")/partition" 2>/dev/null || true)
fi
echo "register it with:"
echo "  efibootmgr --create --disk ${disk:-/dev/DISK} --part ${part:-N} --label hvboot --loader '\\EFI\\hvboot\\hvboot.efi'"
