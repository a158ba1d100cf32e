#!/bin/bash
# Runs every test: the CUnit suites, each integration script in
# test/integration/, then a bounded fuzz run (skipped with WEFT_FUZZ=0, as the
# sanitizer builds do: the fuzz build has its own sanitizers).
# Prints one closing line "check: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
passed=0 failed=0
failures=()

run() { # name command...
        local name=$1; shift
        echo "=== $name"
        if timeout 600 "$@"; then
                passed=$((passed + 1))
        else
                failed=$((failed + 1)); failures+=("$name")
        fi
}

run unit-tests "$BUILD/unit-tests"
for t in test/integration/*.sh; do
        [ -e "$t" ] || continue
        run "$(basename "$t" .sh)" "$t"
done
if [ "${WEFT_FUZZ:-1}" != 0 ]; then
        run fuzz test/fuzz/run-fuzz.sh
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
