#!/bin/bash
# Fuzzers over their kept corpus. smoke: a short run each (make test);
# long SECONDS: each for SECONDS (make fuzz). New crashes are saved under
# $BUILD/fuzz/crashes/<name>/ and fail the run.
set -uo pipefail
B=${BUILD:-build}
mode=$1; shift
secs=0
[ "$mode" = long ] && { secs=$1; shift; }
pass=0 fail=0
for f in "$@"; do
	name=${f##*/fuzz_}
	corpus=tests/fuzz/corpus/$name
	crashes=$B/fuzz/crashes/$name
	mkdir -p "$corpus" "$crashes"
	if [ "$mode" = long ]; then
		work=$B/fuzz/corpus-$name; mkdir -p "$work"
		args=(-max_total_time="$secs" "$work" "$corpus")
	else
		work=$B/fuzz/scratch-$name; rm -rf "$work"; mkdir -p "$work"
		args=(-runs=20000 "$work" "$corpus")
	fi
	log=$B/fuzz/$name.log
	"$f" -artifact_prefix="$crashes/" -print_final_stats=1 "${args[@]}" >"$log" 2>&1
	rc=$?
	execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); printf '  fuzz_%-12s ok    %s execs\n' "$name" "${execs:-?}"
	else
		fail=$((fail + 1)); printf '  fuzz_%-12s CRASH (see %s, %s)\n' "$name" "$log" "$crashes"
		grep -E 'ERROR|SUMMARY' "$log" | head -5
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
