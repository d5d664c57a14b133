#!/bin/sh
# Emits the C initializer of hv.elf's SHA-256, pinned into the loader so a
# signed loader runs only the hypervisor it was built with.
set -eu
h=$(sha256sum "$1" | cut -d' ' -f1)
printf '#define HV_ELF_SHA256 { %s }\n' "$(echo "$h" | sed 's/../0x&, /g; s/, $//')"
