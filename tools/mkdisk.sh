#!/bin/bash
# build/disk.img: a GPT disk with one EFI System Partition holding the ESP
# image — what a user dd's to a USB stick. No root needed.
set -euo pipefail
B=${1:-build}
esp="$B/esp.img"
disk="$B/disk.img.tmp.$$"
esp_sectors=$(( $(stat -c %s "$esp") / 512 ))
rm -f "$disk"
truncate -s $(( (2048 + esp_sectors + 2048) * 512 )) "$disk"
sgdisk --clear --new=1:2048:+${esp_sectors} --typecode=1:ef00 --change-name=1:"EFI System" \
	"$disk" >/dev/null
dd if="$esp" of="$disk" bs=512 seek=2048 conv=notrunc status=none
mv "$disk" "$B/disk.img"
echo "disk: $B/disk.img"
