#!/bin/bash
# The ESP as a folder (build/esp) and as a FAT32 image (build/esp.img),
# with mtools: no root, no loop mount. Layout: README: The ESP and the config.
set -euo pipefail
B=${1:-build}
CFG=${HVBOOT_CFG:-tools/hvboot.cfg}
# Built aside and renamed, so a reader never sees a half-built ESP.
tmp="$B/esp.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/EFI/BOOT" "$tmp/hvboot"
cp "$B/BOOTX64.EFI" "$tmp/EFI/BOOT/BOOTX64.EFI"
cp "$B/hv.elf" "$tmp/hvboot/hv.elf"
cp "$CFG" "$tmp/hvboot/hvboot.cfg"
cp "$B/guest/testguest.elf" "$tmp/hvboot/testguest.elf"
# The Linux guest (README: Guests, the Linux kind): kernel and initramfs.
mkdir -p "$tmp/hvboot/linux"
cp "$B/linux/vmlinuz" "$tmp/hvboot/linux/vmlinuz"
cp "$B/linux/initramfs.gz" "$tmp/hvboot/linux/initramfs.gz"
rm -rf "$B/esp.old.$$"
[ -d "$B/esp" ] && mv "$B/esp" "$B/esp.old.$$"
mv "$tmp" "$B/esp"
rm -rf "$B/esp.old.$$"

img="$B/esp.img.tmp.$$"
rm -f "$img"
truncate -s 64M "$img"
mkfs.fat -F 32 -n HVBOOT "$img" >/dev/null
mmd -i "$img" ::/EFI ::/EFI/BOOT ::/hvboot ::/hvboot/linux
mcopy -i "$img" "$B/esp/EFI/BOOT/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$img" "$B/esp/hvboot/hv.elf" ::/hvboot/hv.elf
mcopy -i "$img" "$B/esp/hvboot/hvboot.cfg" ::/hvboot/hvboot.cfg
mcopy -i "$img" "$B/esp/hvboot/testguest.elf" ::/hvboot/testguest.elf
mcopy -i "$img" "$B/esp/hvboot/linux/vmlinuz" ::/hvboot/linux/vmlinuz
mcopy -i "$img" "$B/esp/hvboot/linux/initramfs.gz" ::/hvboot/linux/initramfs.gz
mv "$img" "$B/esp.img"
echo "esp: $B/esp/ and $B/esp.img"
