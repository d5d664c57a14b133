#!/bin/sh
# Emits the C initializers of the SHA-256 digests a signed loader pins:
#   gen_hash.sh FILE                  hv.elf's, as HV_ELF_SHA256
#   gen_hash.sh --modules [FILE...]   the guest images `make sign` is given,
#                                     as HV_MODULE_SHA256S / _COUNT
set -eu
bytes() {
	sha256sum "$1" | cut -d' ' -f1 | sed 's/../0x&, /g; s/, $//'
}
if [ "${1:-}" != "--modules" ]; then
	printf '#define HV_ELF_SHA256 { %s }\n' "$(bytes "$1")"
	exit 0
fi
shift
printf '#define HV_MODULE_SHA256_COUNT %d\n' "$#"
printf '#define HV_MODULE_SHA256S {'
[ "$#" -eq 0 ] && printf ' { 0 }'
for f in "$@"; do
	printf ' \\\n\t{ %s },' "$(bytes "$f")"
done
printf ' }\n'
