#!/bin/bash
# Chain latency (issue 9): a chain of N oneshot units (W=0 ms of work) booted
# by the ideal executor and by one or more weft binaries, ROUNDS times,
# interleaved (ideal, weft A, weft B, ideal, ...), so that a busy shared
# machine slows every runner alike. Prints each run's done_s (exec of the
# runner -> last payload's end stamp) and median gap between links (see
# measure), and, per weft binary, the medians of its per-round ratios to
# that round's ideal run.
#
#   bench/chain-latency.sh [WEFT...]     (default: $BUILD/weft)
#   N=1000 ROUNDS=5 BUILD=build
#
# Each weft runs as PID 1 of fresh pid and mount namespaces fenced by
# test/lib/fence.sh (inherited mounts read-only, fresh /run and /tmp), with
# its own --unit-path and its --runtime-dir on that fresh /run (a tmpfs, as
# on a booted system); bench-done.service SIGTERMs it. t0 is stamped inside
# the fence, just before weft's exec, so the fence's own set-up is not
# weft's time. Every run is bounded by `timeout`; only processes this
# script started are killed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${N:-1000}
ROUNDS=${ROUNDS:-5}
TMO=${BENCH_TIMEOUT:-120}
[ $# -gt 0 ] || set -- "$BUILD/weft"
for p in gendag payload ideal; do
        [ -x "$BUILD/$p" ] || { echo "chain-latency: $BUILD/$p missing"; exit 1; }
done
ABS_BUILD=$(realpath "$BUILD")
PAYLOAD=$ABS_BUILD/payload
WORK=$(mktemp -d "$ABS_BUILD/chain-latency.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
units=$WORK/units
"$BUILD/gendag" --shape chain --units "$N" --work-ms 0 --seed 1 --payload "$PAYLOAD" --out "$units" >/dev/null || exit 1

# "DONE_S GAP_US" of the stamps file: DONE_S = last end stamp - @exec
# stamp; GAP_US = the median gap between one link's end and the next one's
# start (exit, reap, release, spawn, exec: the executor's per-link cost,
# and far less sensitive than DONE_S to a burst of load from elsewhere).
# "BAD" unless N ran, in order.
measure() {
        local f=$units/stamps.txt done_s gap
        done_s=$(sort -k2,2n "$f" | awk -v n="$N" '
                $1 == "@exec" { t0 = $2; next }
                { cnt++; last = $3; if (prev && $2 < prev) bad++; prev = $3 }
                END { if (cnt != n || bad) print "BAD"; else printf "%.4f\n", (last - t0) / 1e9 }')
        [ "$done_s" = BAD ] && { echo BAD; return; }
        gap=$(grep -v '^@' "$f" | sort -k2,2n | awk 'NR > 1 { print ($2 - prev) / 1e3 } { prev = $3 }' |
                sort -g | awk '{ a[NR] = $1 } END { printf "%.0f\n", a[int((NR + 1) / 2)] }')
        echo "$done_s $gap"
}

run() { # LABEL CMD...: CMD stamps t0 itself when it starts with the fence
        local label=$1; shift
        rm -f "$units/stamps.txt"
        [ "$1" = unshare ] || set -- "$PAYLOAD" --stamp-exec "$units/stamps.txt" "$@"
        timeout -k 5 "$TMO" "$@" >"$WORK/$label.log" 2>&1
        measure
}

declare -a ideal_t
declare -A weft_t
for ((r = 0; r < ROUNDS; r++)); do
        ideal_t[r]=$(run ideal "$ABS_BUILD/ideal" "$units/dag.txt" "$PAYLOAD" 0 "$units/stamps.txt")
        line="round $r: ideal ${ideal_t[r]}"
        i=0
        for w in "$@"; do
                weft_t[$i,$r]=$(run weft unshare --pid --fork --kill-child --mount --propagation private --mount-proc \
                        bash test/lib/fence.sh "$WORK" -- "$PAYLOAD" --stamp-exec "$units/stamps.txt" \
                        "$(realpath "$w")" --unit-path "$units" --target bench.target --runtime-dir /run/weft)
                line+="  $w ${weft_t[$i,$r]}"
                i=$((i + 1))
        done
        echo "$line"
done
i=0
for w in "$@"; do
        ratios=""
        for ((r = 0; r < ROUNDS; r++)); do
                ratios+=$(awk -v a="${weft_t[$i,$r]}" -v b="${ideal_t[r]}" \
                        'BEGIN { if (a == "BAD" || b == "BAD") print "BAD"; else { split(a, x, " "); split(b, y, " ")
                                 printf "%.3f/%.2f", x[1] / y[1], x[2] / y[2] } }')" "
        done
        med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
        echo "$w: done_s ratio/median-gap ratio per round: $ratios"
        echo "$w: median done_s ratio $(tr ' ' '\n' <<<"$ratios" | cut -d/ -f1 | tr '\n' ' ' | med)x ideal," \
                "median gap ratio $(tr ' ' '\n' <<<"$ratios" | cut -d/ -f2 | tr '\n' ' ' | med)x ideal"
        i=$((i + 1))
done
