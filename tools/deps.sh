#!/bin/bash
# Installs the Debian packages hvboot needs, if any are missing. As root it
# installs them; otherwise it prints the one line to run.
set -euo pipefail
PKGS="gnu-efi ovmf qemu-system-x86 qemu-utils nasm mtools dosfstools gdisk sbsigntool
uefitool-cli python3-pytest python3-pexpect python3-pytest-xdist libcmocka-dev clang u-boot-qemu
libclang-rt-14-dev binutils make gcc openssl librsvg2-bin gdb console-setup-linux"
missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "hvboot: missing packages; run as root:" >&2
	echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
echo "hvboot: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_install() { apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; }
if ! apt_install >/tmp/hvboot-apt.log 2>&1; then
	apt-get update -q </dev/null >>/tmp/hvboot-apt.log 2>&1 || true
	apt_install >>/tmp/hvboot-apt.log 2>&1 || { tail -20 /tmp/hvboot-apt.log >&2; exit 1; }
fi
