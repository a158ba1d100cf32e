#!/bin/bash
# Timer benchmark (issue 12): what 10,000 armed timers cost weft while they
# wait. weft (fenced, test/lib/weft.sh) loads BENCH_TIMERS (10,000) timers
# with OnActiveSec=1h (armed on the scheduler's heap, none due within the
# run) and BENCH_FIRING (10) timers with OnActiveSec=1s, OnUnitActiveSec=2s,
# AccuracySec=1ms, each starting a oneshot /bin/true service. Over
# BENCH_PERIOD (20) seconds, after the boot settled, it counts:
#   - fires: the firing timers' triggers (their LastTriggerUSec moves; each
#     service also appends a line to a log, which is what is counted);
#   - wake-ups: the context switches of every weft thread
#     (/proc/PID/task/*/status: voluntary = it slept and was woken,
#     nonvoluntary = preempted), per thread and in total.
# Then the same with the firing timers alone, so the 10,000 idle timers'
# share is the difference (BENCH_BASELINE=0 skips that second run;
# BENCH_FIRING=0 BENCH_PERIOD=60 measures the idle timers alone). Each fire costs the scheduler three wake-ups
# (the elapse, the spawn report, the exit) plus the worker's and the signal
# thread's; the idle timers should cost nothing. Measures; fails on nothing.
set -u
BENCH_TIMERS=${BENCH_TIMERS:-10000}
BENCH_FIRING=${BENCH_FIRING:-10}
BENCH_PERIOD=${BENCH_PERIOD:-20}
. "$(dirname "$0")/../test/lib/weft.sh"
WT_NAME=timers-bench

switches() { # PID: "tid vol nonvol" per task
        local t
        for t in /proc/"$1"/task/*; do
                awk -v tid="${t##*/}" '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 }
                        END { print tid, v, n }' "$t/status" 2>/dev/null
        done
}

run() { # N_IDLE: one measured run, prints a summary line
        local idle=$1 i
        wt_init timers-bench
        wt_unit t.target <<EOF
[Unit]
Wants=idle.target firing.target
EOF
        {
                printf '[Unit]\nWants='
                for ((i = 0; i < idle; i++)); do printf 'idle%d.timer ' "$i"; done
                printf '\n'
        } | wt_unit idle.target
        {
                printf '[Unit]\nWants='
                for ((i = 0; i < BENCH_FIRING; i++)); do printf 'fire%d.timer ' "$i"; done
                printf '\n'
        } | wt_unit firing.target
        wt_unit idle.service <<EOF
[Service]
Type=oneshot
ExecStart=/bin/true
EOF
        for ((i = 0; i < idle; i++)); do
                printf '[Unit]\nDefaultDependencies=no\n[Timer]\nOnActiveSec=1h\nUnit=idle.service\n' >"$U/idle$i.timer"
        done
        for ((i = 0; i < BENCH_FIRING; i++)); do
                printf '[Unit]\nDefaultDependencies=no\n[Timer]\nOnActiveSec=1s\nOnUnitActiveSec=2s\nAccuracySec=1ms\n' \
                        >"$U/fire$i.timer"
                printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "echo >>%s/fires"\n' \
                        "$TMP" >"$U/fire$i.service"
        done
        WT_START_SECS=120 wt_start --target t.target --log-level warning || return 1
        wt_until 60 test -s "$RUN/boot.yaml" || { wt_fail "boot did not finish"; return 1; }
        sleep 2
        local listed
        listed=$(wt_ctl list-timers --no-legend | wc -l)
        switches "$WEFT_PID" >"$TMP/before"
        local f0
        f0=$(wt_lines "$TMP/fires")
        sleep "$BENCH_PERIOD"
        switches "$WEFT_PID" >"$TMP/after"
        local f1
        f1=$(wt_lines "$TMP/fires")
        wt_stop 60
        echo "== $idle idle timers + $BENCH_FIRING firing, ${BENCH_PERIOD}s ($listed timers listed as active)"
        echo "   fires: $((f1 - f0))"
        join "$TMP/before" "$TMP/after" | awk -v fires=$((f1 - f0)) '
                { dv = $4 - $2; dn = $5 - $3; tv += dv; tn += dn
                  printf "   thread %-8s woken %6d  preempted %6d\n", $1, dv, dn }
                END { printf "   total: woken %d, preempted %d; %.2f wake-ups per fire\n", tv, tn, fires ? tv / fires : 0 }'
        rm -rf "$TMP"
        trap - EXIT
}

run "$BENCH_TIMERS"
[ "${BENCH_BASELINE:-1}" = 0 ] || run 0
