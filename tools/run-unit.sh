#!/bin/bash
# Runs every host unit-test binary (cmocka) and totals the results.
set -uo pipefail
pass=0 fail=0 bad=()
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	p=$(grep -oE '\[  PASSED  \] [0-9]+' <<<"$out" | awk '{s+=$4} END{print s+0}')
	f=$(grep -oE '\[  FAILED  \] [0-9]+ test' <<<"$out" | awk '{s+=$4} END{print s+0}')
	pass=$((pass + p)); fail=$((fail + f))
	if [ $rc -ne 0 ] || [ "$f" -ne 0 ]; then
		bad+=("$t"); [ "$f" -eq 0 ] && fail=$((fail + 1))
		echo "$out" | tail -40
	fi
	printf '  %-28s %3d passed, %d failed\n' "$(basename "$t")" "$p" "$f"
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
