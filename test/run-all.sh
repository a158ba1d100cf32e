#!/bin/bash
# Runs every test: the CUnit suites, each integration script in
# test/integration/, each fault test in test/faults/, then a bounded fuzz run (skipped with WEFT_FUZZ=0, as the
# sanitizer builds do: the fuzz build has its own sanitizers).
# Prints one closing line "check: N passed, N failed" (CUnit tests one by
# one, then one per script).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
passed=0 failed=0
failures=()
# Each script's output is kept so that a failure's cause is printed again
# at the end: CI shows only the tail of what ran.
OUT=$(mktemp -d "${TMPDIR:-/tmp}/weft-check.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

run() { # name command...
        local name=$1; shift
        echo "=== $name"
        local log=$OUT/${name//\//_} rc
        # A file, not a pipe: a stray child holding it open cannot stall us.
        timeout 600 "$@" >"$log" 2>&1; rc=$?
        cat "$log"
        if [ "$rc" -eq 0 ]; then
                passed=$((passed + 1))
        else
                failed=$((failed + 1)); failures+=("$name")
        fi
}

# The CUnit suites count test by test; each script below counts as one.
echo "=== unit-tests"
"$BUILD/unit-tests" 2>&1 | tee "${TMPDIR:-/tmp}/weft-unit-tests.$$"
unit_rc=${PIPESTATUS[0]}
read -r _ _ unit_run unit_passed unit_failed _ < <(grep -E '^ +tests ' "${TMPDIR:-/tmp}/weft-unit-tests.$$")
rm -f "${TMPDIR:-/tmp}/weft-unit-tests.$$"
passed=$((passed + ${unit_passed:-0}))
failed=$((failed + ${unit_failed:-0}))
if [ "$unit_rc" -ne 0 ] || [ -z "${unit_run:-}" ]; then
        failures+=("unit-tests")
        [ "${unit_failed:-0}" -gt 0 ] || failed=$((failed + 1))
fi
for t in test/integration/*.sh test/faults/*.sh; do
        [ -e "$t" ] || continue
        run "$(basename "$(dirname "$t")")/$(basename "$t" .sh)" "$t"
done
if [ "${WEFT_FUZZ:-1}" != 0 ]; then
        run fuzz test/fuzz/run-fuzz.sh
fi

for f in "${failures[@]}"; do
        echo "FAILED: $f"
        [ -f "$OUT/${f//\//_}" ] && tail -n 40 "$OUT/${f//\//_}" | sed 's/^/    /'
done
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
