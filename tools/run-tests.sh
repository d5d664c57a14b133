#!/bin/bash
# make test: host unit tests, fuzz smoke runs, then the QEMU boot tests.
# Ends with one summary line over all three.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build}
total_p=0 total_f=0
count() { # parses "X: N passed, M failed" from the last line of $1
	local l; l=$(grep -E '[0-9]+ passed' "$1" | tail -1)
	local p f
	p=$(grep -oE '[0-9]+ passed' <<<"$l" | grep -oE '[0-9]+'); f=$(grep -oE '[0-9]+ failed' <<<"$l" | grep -oE '[0-9]+')
	total_p=$((total_p + ${p:-0})); total_f=$((total_f + ${f:-0}))
}
mkdir -p "$B/logs"
rc=0
echo "== layers (the folder graph stays acyclic)"
tools/check-layers.py | tee "$B/logs/layers.log"; [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
count "$B/logs/layers.log"
echo "== docs (the README against the code)"
{ tools/check-docs.py --self-test && tools/check-docs.py; } | tee "$B/logs/docs.log"; [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
count "$B/logs/docs.log"
echo "== unit tests (cmocka, ASan+UBSan)"
tools/run-unit.sh "$B"/host/test_* | tee "$B/logs/unit.log"; [ "${PIPESTATUS[0]}" -eq 0 ] || { rc=1; grep -q failed "$B/logs/unit.log" || total_f=$((total_f+1)); }
count "$B/logs/unit.log"
echo "== fuzz smoke (libFuzzer over tests/fuzz/corpus)"
tools/run-fuzz.sh smoke "$B"/fuzz/fuzz_* | tee "$B/logs/fuzz.log"; [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
count "$B/logs/fuzz.log"
echo "== boot tests (QEMU TCG + OVMF)"
/usr/bin/python3 -m pytest -q -p no:cacheprovider ${PYTEST_ARGS:--n 2 --dist loadfile} tests/rt 2>&1 | tee "$B/logs/rt.log"
prc=${PIPESTATUS[0]}
if [ "$prc" -ne 0 ]; then rc=1; fi
l=$(grep -E '(passed|failed|error).* in [0-9.]+s' "$B/logs/rt.log" | tail -1)
p=$(grep -oE '[0-9]+ passed' <<<"$l" | grep -oE '[0-9]+')
f=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$l" | awk '{s+=$1} END{print s+0}')
[ "$prc" -eq 5 ] && { echo "boot tests: none collected"; f=$(( ${f:-0} + 1 )); }
total_p=$((total_p + ${p:-0})); total_f=$((total_f + ${f:-0}))
[ $rc -ne 0 ] && [ $total_f -eq 0 ] && total_f=1
echo "hvboot: $total_p passed, $total_f failed"
exit $rc
