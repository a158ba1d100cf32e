#!/bin/bash
# Checks the boot benchmark's own tools, without weft: bench/gendag.c writes
# a 30-unit random DAG (W=0), bench/ideal.c executes its dag.txt, and the
# payload stamp file must show every unit ran exactly once and every
# ordering constraint held (a unit starts only after each dependency ended).
# The stamp check is test/integration/lib-stamps.awk, shared with
# boot-dag.sh. Also checks the unit files gendag wrote agree with dag.txt.
# Builds the bench programs into $BUILD (default build) if they are missing.
# Run from the repository root (test/run-all.sh does so).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=30

fail() { echo "bench-smoke: FAIL: $*"; exit 1; }

progs=("$BUILD/gendag" "$BUILD/payload" "$BUILD/ideal")
for p in "${progs[@]}"; do
        if [ ! -x "$p" ]; then
                timeout 120 make -s BUILD="$BUILD" "${progs[@]}" || fail "cannot build ${progs[*]}"
                break
        fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench-smoke.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

timeout 30 "$BUILD/gendag" --shape random --units $N --work-ms 0 --seed 42 \
        --edges-per-unit 3 --out "$TMP/dag" || fail "gendag exited $?"
units=$(find "$TMP/dag" -name 'u*.service' | wc -l)
[ "$units" -eq $N ] || fail "gendag wrote $units units, expected $N"
[ -f "$TMP/dag/bench.target" ] && [ -f "$TMP/dag/bench-done.service" ] ||
        fail "bench.target or bench-done.service missing"
[ "$(wc -l <"$TMP/dag/dag.txt")" -eq $N ] || fail "dag.txt does not have $N lines"

# Every dag.txt edge is an After= and Wants= of the unit, and nothing more.
while read -r name deps; do
        want=$(for d in $deps; do echo "$d.service"; done | sort | tr '\n' ' ')
        for key in After Wants; do
                got=$(sed -n "s/^$key=//p" "$TMP/dag/$name.service" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
                [ "$got" = "$want" ] || fail "$name.service $key= is '$got', dag.txt says '$want'"
        done
done <"$TMP/dag/dag.txt"

timeout 30 "$BUILD/ideal" "$TMP/dag/dag.txt" "$BUILD/payload" 0 "$TMP/stamps" ||
        fail "ideal exited $?"

# stamps: "name start_ns end_ns"; dag.txt: "name dep...".
awk -v prog=bench-smoke -v n=$N -f test/integration/lib-stamps.awk "$TMP/stamps" "$TMP/dag/dag.txt"
