#!/bin/bash
# Transient unit memory: what a long-lived weft keeps of the transient
# units it has collected (one per systemd-run, one scope per login). weft
# (fenced, test/lib/weft.sh, on its private bus) runs BENCH_ROUNDS (4)
# rounds of BENCH_N (1,500) `systemd-run --scope true`; after each round it
# reads weft's VmRSS, then, in the second part, runs the same rounds with a
# daemon-reload after each. A collected unit stays in the table until a
# reload leaves it behind (sched_intern_known): the second part stays
# flat, and the first grows by what one collected unit costs until
# collected_units_max (4,096) are collected and weft compacts its table by
# itself (its RSS then stays near that peak: freed memory is reused, not
# given back). Prints the growth per 1,000 units of each part and their
# ratio. Measures; fails on nothing but errors. Needs systemd-run
# (Debian's systemd package).
set -u
BENCH_N=${BENCH_N:-1500}
BENCH_ROUNDS=${BENCH_ROUNDS:-4}
. "$(dirname "$0")/../test/lib/weft.sh"
WT_NAME=transient-bench
command -v systemd-run >/dev/null || { echo "$WT_NAME: systemd-run not installed"; exit 1; }

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$WEFT_PID/status"; }

run() { # RELOAD (0 or 1): prints the RSS after each round, in kB
        local reload=$1 round i out=""
        wt_init transient-bench
        printf '[Unit]\nDescription=nothing\n' | wt_unit t.target
        printf '[Unit]\n' | wt_unit sysinit.target
        wt_start --target t.target --private-bus /run/systemd/private --transient-dir /run/systemd/transient ||
                { echo "$WT_NAME: weft did not start" >&2; exit 1; }
        for round in $(seq "$BENCH_ROUNDS"); do
                for i in $(seq "$BENCH_N"); do
                        wt_ns timeout 10 systemd-run --scope --quiet true >/dev/null 2>&1 ||
                                { echo "$WT_NAME: systemd-run failed" >&2; exit 1; }
                done
                [ "$reload" = 1 ] && { wt_ctl daemon-reload >/dev/null || { echo "$WT_NAME: daemon-reload failed" >&2; exit 1; }; }
                out="$out $(rss)"
        done
        wt_stop
        wt_cleanup
        trap - EXIT
        echo "$out"
}

# kB per 1,000 units from the first round's RSS to the last's.
slope() { # RSS...
        local first=$1 last
        for last in "$@"; do :; done
        echo $(((last - first) * 1000 / (BENCH_N * ($# - 1))))
}

kept=$(run 0)
shed=$(run 1)
# shellcheck disable=SC2086
a=$(slope $kept) b=$(slope $shed)
echo "$WT_NAME: weft's VmRSS (kB) after each round of $BENCH_N transient scopes"
echo "  no daemon-reload:            $kept  (+$a kB per 1,000 units; compacts at 4,096)"
echo "  a daemon-reload every round: $shed  (+$b kB per 1,000 units)"
echo "$WT_NAME: growth with reloads / without: $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a ? b / a : 0 }')"
