#!/bin/bash
# hvboot's dependencies, two kinds (README: Building).
#   tools/deps.sh                  the Debian packages the build and the tests
#                                  run with: installed if missing (as root),
#                                  otherwise the one apt-get line is printed.
#   tools/deps.sh guest-linux DIR  the Linux guest's parts, fetched with
#                                  `apt-get download` and unpacked with `dpkg -x`
#                                  under DIR/root, never installed. Cached: a
#                                  second run with the same package set does
#                                  nothing.
set -euo pipefail

# The Linux guest: Debian's cloud kernel (the metapackage names the versioned
# image), a static busybox for the initramfs, and efibootmgr and efivar with
# the libraries they link (run inside the guest against its own EFI), and
# chattr from e2fsprogs (efivarfs marks variable files immutable; busybox has
# no chattr).
GUEST_LINUX_PKGS="busybox-static efibootmgr efivar libefivar1 libefiboot1 libpopt0 libc6 e2fsprogs libext2fs2 libcom-err2"
GUEST_LINUX_META="linux-image-cloud-amd64"

apt_quiet() { DEBIAN_FRONTEND=noninteractive "$@" </dev/null; }

# The versioned package a metapackage depends on, e.g. linux-image-6.1.0-57-cloud-amd64.
resolve_meta() {
	apt_quiet apt-cache depends "$1" 2>/dev/null |
		awk -v p="${1%-cloud-amd64}" '$1 == "Depends:" && index($2, p "-") == 1 { print $2; exit }'
}

guest_linux() {
	local dir=$1 log
	mkdir -p "$dir/debs"
	log="$dir/deps.log"
	local kpkg
	kpkg=$(resolve_meta "$GUEST_LINUX_META")
	if [ -z "$kpkg" ] && [ "$(id -u)" = 0 ]; then
		apt_quiet apt-get update -q >>"$log" 2>&1 || true
		kpkg=$(resolve_meta "$GUEST_LINUX_META")
	fi
	if [ -z "$kpkg" ] && [ -f "$dir/root/.packages" ]; then
		return 0	# no package lists (offline): keep what was fetched before
	fi
	if [ -z "$kpkg" ]; then
		echo "hvboot: $GUEST_LINUX_META: no versioned linux-image package found (apt-get update as root?)" >&2
		exit 1
	fi
	local want="$kpkg $GUEST_LINUX_PKGS"
	if [ -f "$dir/root/.packages" ] && [ "$(cat "$dir/root/.packages")" = "$want" ]; then
		return 0
	fi
	echo "hvboot: fetching $want"
	rm -rf "$dir/debs" "$dir/root"
	mkdir -p "$dir/debs" "$dir/root"
	# apt-get download writes into the current folder; as root, apt's sandbox
	# user must be able to write there too, so the download goes to a fresh
	# world-writable folder and is moved after.
	local tmp
	tmp=$(mktemp -d)
	chmod 0777 "$tmp"
	local fetch_ok=1
	(cd "$tmp" && apt_quiet apt-get download -q $want) >>"$log" 2>&1 || fetch_ok=0
	if [ $fetch_ok = 0 ] && [ "$(id -u)" = 0 ]; then
		apt_quiet apt-get update -q >>"$log" 2>&1 || true
		fetch_ok=1
		(cd "$tmp" && apt_quiet apt-get download -q $want) >>"$log" 2>&1 || fetch_ok=0
	fi
	if [ $fetch_ok = 0 ]; then
		tail -20 "$log" >&2
		rm -rf "$tmp"
		echo "hvboot: apt-get download $want failed" >&2
		exit 1
	fi
	mv "$tmp"/*.deb "$dir/debs/"
	rm -rf "$tmp"
	local deb
	for deb in "$dir"/debs/*.deb; do
		dpkg -x "$deb" "$dir/root"
	done
	echo "$want" >"$dir/root/.packages"
}

if [ "${1:-}" = guest-linux ]; then
	guest_linux "${2:?usage: tools/deps.sh guest-linux DIR}"
	exit 0
fi

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
