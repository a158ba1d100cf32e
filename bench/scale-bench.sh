#!/bin/bash
# Scale benchmark (issue 9): how weft's boot time and peak memory grow with
# the number of units. Workloads from bench/gendag.c, W=0 (every unit is a
# oneshot that only stamps), for N = 1,000, 10,000 and 100,000:
#   chain   u_i after u_{i-1}: one long ordering chain;
#   random  each unit after up to 3 earlier ones (seed 1): about a quarter
#           of the units are ready at once.
# Runners, all in the same run and one after the other per workload (see
# bench/lib-boot.sh, shared with bench/boot-bench.sh): weft as PID 1 of a
# PID namespace, the ideal executor (the floor), and systemd 252 fenced as
# boot-bench.sh runs it, up to SCALE_SYSTEMD_MAX units (default 10,000:
# systemd needs minutes there already).
# Printed per workload: done_s (exec -> last payload's end), exit_s,
# tree_kib (peak RSS of the biggest process of the runner's tree), init_kib
# (the init's own VmHWM, just before it is asked to stop), the check (every
# unit ran once, every After= held); then the ratios weft/ideal and
# weft/systemd of time and peak RSS, and at the end 100k/10k (and 10k/1k)
# for weft and for the floor.
#
# Knobs: SCALE_MAX=10000 skips N above it (a quick run); SCALE_SHAPES
# ("chain random"); SCALE_REPEAT (default 1, the best run is kept);
# SCALE_TIMEOUT (seconds per run; default 60 + 12 s per 1,000 units,
# systemd 60 + 60 s per 1,000); BENCH_KEEP=1 keeps the work dir.
# Every run has a timeout; only processes this script started are killed;
# each workload's unit files are removed once it is measured. A benchmark
# measures: it exits 0 whatever the numbers.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MAX=${SCALE_MAX:-100000}
SYSTEMD_MAX=${SCALE_SYSTEMD_MAX:-10000}
REPEAT=${SCALE_REPEAT:-1}
SHAPES=${SCALE_SHAPES:-chain random}
EXIT_GRACE=30    # seconds an init gets to exit after bench-done's SIGTERM (100,000 stops)
. bench/lib-boot.sh
bench_init scale-bench

SIZES=()
for n in 1000 10000 100000; do [ "$n" -le "$MAX" ] && SIZES+=("$n"); done
echo "scale-bench: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)," \
        "sizes ${SIZES[*]}, best of $REPEAT, work dir $WORK"
[ -x "$WEFT" ] || echo "scale-bench: weft: skipped, $WEFT is not built yet"
[ -n "$systemd_skip" ] && echo "scale-bench: systemd: skipped, $systemd_skip"

# Results by "runner shape n": done_s, init_kib (tree_kib for the floor), status.
declare -A T=() M=() S=()

# rss_of RUNNER: the runner's own peak. An init's VmHWM is its own; the
# floor's is the biggest process of its tree (itself).
rss_of() { if [ "$1" = ideal ] || [ "$R_HWM" = - ]; then echo "$R_RSS"; else echo "$R_HWM"; fi; }

for shape in $SHAPES; do
        for N in "${SIZES[@]}"; do
                units=$WORK/$shape-$N
                bench_workload "$units" "$shape" "$N" 0 >/dev/null || { echo "scale-bench: gendag failed"; exit 1; }
                echo
                echo "== $shape N=$N W=0 ($(awk '{ e += NF - 1 } END { print e }' "$units/dag.txt") edges)"
                # A peer that failed one workload still gets the next (systemd 252
                # has crashed on the 10,000 chain and booted the random DAG).
                systemd_broken=""
                runners=(ideal)
                [ -x "$WEFT" ] && runners+=(weft)
                [ -z "$systemd_skip" ] && [ "$N" -le "$SYSTEMD_MAX" ] && runners+=(systemd)
                printf '%-9s %9s %9s %10s %10s  %s\n' runner done_s exit_s tree_kib init_kib check
                for r in "${runners[@]}"; do
                        if [ "$r" = systemd ] && [ -n "$systemd_broken" ]; then
                                printf '%-9s skipped: %s\n' "$r" "$systemd_broken"
                                continue
                        fi
                        per_k=12
                        [ "$r" = systemd ] && per_k=60
                        RUN_TIMEOUT=${SCALE_TIMEOUT:-$((60 + per_k * N / 1000))}
                        k="$r $shape $N"
                        for ((rep = 1; rep <= REPEAT; rep++)); do
                                bench_run "$r" "$units" 0
                                st="$R_OK${R_NOTE:+ ($R_NOTE)}"
                                if [ -z "${T[$k]:-}" ] || { [ "$R_OK" = ok ] && { [ "${S[$k]}" != ok ] ||
                                        awk "BEGIN { exit !($R_DONE < ${T[$k]}) }"; }; }; then
                                        T[$k]=$R_DONE M[$k]=$(rss_of "$r") S[$k]=$st
                                        line=$(printf '%-9s %9s %9s %10s %10s  %s' "$r" "$R_DONE" "$R_EXIT" "$R_RSS" "$R_HWM" "$st")
                                fi
                        done
                        echo "$line"
                done
                # Ratios only between runs that both checked ok.
                tr_() { [ "${S[$1 $shape $N]:-}" = ok ] && [ "${S[$2 $shape $N]:-}" = ok ] &&
                        bench_ratio "${T[$1 $shape $N]}" "${T[$2 $shape $N]}" || echo n/a; }
                mr_() { [ "${S[$1 $shape $N]:-}" = ok ] && [ "${S[$2 $shape $N]:-}" = ok ] &&
                        bench_ratio "${M[$1 $shape $N]}" "${M[$2 $shape $N]}" || echo n/a; }
                echo "ratios: time weft/ideal $(tr_ weft ideal), weft/systemd $(tr_ weft systemd);" \
                        "peak RSS weft/ideal $(mr_ weft ideal), weft/systemd $(mr_ weft systemd)"
                [ -n "${BENCH_KEEP:-}" ] || rm -rf "$units"
        done
done

# How each runner grows from one size to the next, same run.
growth() { # RUNNER SHAPE FROM TO
        local a="$1 $2 $4" b="$1 $2 $3"
        if [ "${S[$a]:-}" = ok ] && [ "${S[$b]:-}" = ok ]; then
                echo "time $(bench_ratio "${T[$a]}" "${T[$b]}"), peak RSS $(bench_ratio "${M[$a]}" "${M[$b]}")"
        else echo n/a; fi
}
echo
echo "== growth (same run; N grows 10x per step)"
for shape in $SHAPES; do
        for r in weft ideal systemd; do
                line=""
                [ "${#SIZES[@]}" -ge 2 ] && line="10k/1k: $(growth "$r" "$shape" 1000 10000)"
                [ "${#SIZES[@]}" -ge 3 ] && line="$line; 100k/10k: $(growth "$r" "$shape" 10000 100000)"
                [ -n "$line" ] && printf '%-7s %-8s %s\n' "$shape" "$r" "$line"
        done
done
echo "goals (issue 9): weft at 100,000 units boots with every check ok, in <= 11x its 10,000-unit" \
        "time, under 131072 KiB; weft/ideal <= 1.05x at 10,000"
exit 0
