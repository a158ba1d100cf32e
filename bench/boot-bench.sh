#!/bin/bash
# Boot benchmark (issue 3): generated DAGs of oneshot units, booted in the
# same run by
#   forkloop  N sequential fork+exec of the payload (bench/forkloop.c)
#   ideal     the minimal DAG executor (bench/ideal.c): the floor
#   weft      $BUILD/weft as PID 1 of a namespace fenced by test/lib/fence.sh
#   systemd   /lib/systemd/systemd as PID 1 of a fenced namespace
#             (private pid, mount, uts, ipc, net and cgroup namespaces,
#             inherited mounts read-only), booting the very same unit files.
# How each is run and measured: bench/lib-boot.sh, shared with
# bench/scale-bench.sh (weft's runtime dir is on a tmpfs, as /run is).
# Workloads: N=1000 chain W=0 and N=1000 random DAG W=20 (--quick: N=100).
# Reported per runner (best of $BENCH_REPEAT, default 3):
#   done_s   exec of the runner -> last payload's end stamp (CLOCK_MONOTONIC;
#            the runner is exec'd by `payload --stamp-exec`, which stamps t0);
#   exit_s   exec -> the runner exited (for inits: boot + shutdown);
#   tree_kib peak RSS of the biggest process in the runner's tree (maxrss);
#   init_kib VmHWM of the init itself, read from /proc/1/status by
#            bench-done.service just before it asks PID 1 to stop.
# BENCH_KEEP=1 keeps the work dir (units, logs, systemd's console).
# Every run has a timeout; only processes this script started are killed.
# A benchmark measures; it does not fail on a goal.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
REPEAT=${BENCH_REPEAT:-3}
RUN_TIMEOUT=${BENCH_TIMEOUT:-180}
EXIT_GRACE=15    # seconds an init gets to exit after bench-done's SIGTERM
. bench/lib-boot.sh
bench_init boot-bench

# ---------- the workloads ----------
if [ $QUICK = 1 ]; then
        workloads=("chain 100 0" "random 100 20")
else
        workloads=("chain 1000 0" "random 1000 20")
fi
echo "boot-bench: $(nproc) CPUs, $(uname -r), best of $REPEAT runs, work dir $WORK"
[ -x "$WEFT" ] || echo "boot-bench: weft: skipped, $WEFT is not built yet"
[ -n "$systemd_skip" ] && echo "boot-bench: systemd: skipped, $systemd_skip"
systemd_broken=""

for w in "${workloads[@]}"; do
        read -r shape N W <<<"$w"
        units=$WORK/$shape-$N
        bench_workload "$units" "$shape" "$N" "$W" || exit 1
        echo
        echo "== $shape N=$N W=${W}ms ($(awk '{ e += NF - 1 } END { print e }' "$units/dag.txt") edges)"
        declare -A best_done=() best_exit=() best_rss=() best_hwm=() status=()
        runners=(forkloop ideal)
        [ -x "$WEFT" ] && runners+=(weft)
        [ -z "$systemd_skip" ] && runners+=(systemd)
        for ((rep = 1; rep <= REPEAT; rep++)); do
                for r in "${runners[@]}"; do
                        [ "$r" = systemd ] && [ -n "$systemd_broken" ] && continue
                        bench_run "$r" "$units" "$W"
                        [ "$r" = systemd ] && [ -n "$systemd_broken" ] && { status[$r]="skipped: $systemd_broken"; continue; }
                        if [ -z "${best_done[$r]:-}" ] || { [ "$R_OK" = ok ] && { [ "${status[$r]}" != ok ] ||
                                awk "BEGIN { exit !($R_DONE < ${best_done[$r]}) }"; }; }; then
                                best_done[$r]=$R_DONE best_exit[$r]=$R_EXIT best_rss[$r]=$R_RSS best_hwm[$r]=$R_HWM
                                status[$r]="$R_OK${R_NOTE:+ ($R_NOTE)}"
                        fi
                done
        done
        printf '%-9s %9s %9s %10s %10s  %s\n' runner done_s exit_s tree_kib init_kib check
        for r in "${runners[@]}"; do
                if [ -z "${best_done[$r]:-}" ]; then printf '%-9s %s\n' "$r" "${status[$r]:-not run}"; continue; fi
                printf '%-9s %9s %9s %10s %10s  %s\n' "$r" "${best_done[$r]}" "${best_exit[$r]}" \
                        "${best_rss[$r]}" "${best_hwm[$r]}" "${status[$r]}"
        done
        ratio() { # A B -> A/B of done_s, or n/a unless both runs are ok
                if [ "${status[$1]:-}" = ok ] && [ "${status[$2]:-}" = ok ]; then
                        bench_ratio "${best_done[$1]}" "${best_done[$2]}"
                else echo n/a; fi
        }
        echo "ratios (done_s): ideal/forkloop $(ratio ideal forkloop), systemd/ideal $(ratio systemd ideal)," \
                "weft/ideal $(ratio weft ideal), weft/systemd $(ratio weft systemd)"
        if [ "$shape" = chain ]; then echo "goals: weft/ideal <= 1.10x, weft/systemd <= 0.40x, weft init_kib < 4096"
        else echo "goals: weft/ideal <= 1.05x, weft init_kib < 4096"; fi
        unset best_done best_exit best_rss best_hwm status
done
