#!/bin/bash
# `make bench-container` (issue 10): weft as a container's init against tini
# and catatonit, same run, interleaved. Each run is one init as PID 1 of a
# fresh PID namespace (unshare --pid --fork --mount-proc) with CMD a static
# stamp program ($BUILD/ctrstamp): latency is CLOCK_MONOTONIC from just
# before the init's execve to CMD's first instruction; peak RSS is the
# init's VmHWM read by CMD, i.e. with CMD started, the state a container
# spends its life in. Prints the median of RUNS (200) runs per init and
# weft's ratios to tini. Goals: <= 1.5x tini's latency, < 2 MiB RSS.
# Everything runs inside the test fence (test/lib/fence.sh: inherited
# mounts read-only, fresh /run and /tmp), like the tests' weft.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
RUNS=${RUNS:-200}
WEFT=$PWD/$BUILD/weft
STAMP=$PWD/$BUILD/ctrstamp
for p in "$WEFT" "$STAMP"; do
        [ -x "$p" ] || { echo "container-bench: $p missing (make BUILD=$BUILD bench-container)"; exit 1; }
done
inits=(weft)
# WEFT_STATIC=PATH adds a statically linked weft (make BUILD=build-static
# LDFLAGS=-static build-static/weft) as "weft-static".
[ -n "${WEFT_STATIC:-}" ] && inits+=(weft-static)
for i in tini catatonit; do
        if command -v "$i" >/dev/null; then inits+=("$i"); else echo "container-bench: $i not installed (.ci/deps), skipped"; fi
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/container-bench.XXXXXX") || exit 1
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
cat >"$WORK/runs.sh" <<'EOF'
set -u
W=$1 RUNS=$2 WEFT=$3 STAMP=$4 WEFT_STATIC=$5
shift 5
inits=("$@")
for i in $(seq "$RUNS"); do
        # A different init goes first each round: the first of a round
        # runs measurably slower (caches, the scheduler), which a fixed
        # order would charge to one init.
        for k in $(seq 0 $((${#inits[@]} - 1))); do
                init=${inits[$(((i + k) % ${#inits[@]}))]}
                case $init in
                weft) argv=("$WEFT" --) ;;
                weft-static) argv=("$WEFT_STATIC" --) ;;
                tini) argv=(tini --) ;;
                catatonit) argv=(catatonit --) ;;
                esac
                timeout -k 2 10 unshare --pid --fork --kill-child --mount-proc \
                        "$STAMP" exec "$W/$init.stamps" "${argv[@]}" "$STAMP" cmd "$W/$init.stamps" ||
                        echo "container-bench: a $init run failed" >&2
        done
done
EOF
timeout 900 unshare --pid --fork --kill-child --mount --propagation private --mount-proc \
        bash test/lib/fence.sh "$WORK" -- bash "$WORK/runs.sh" "$WORK" "$RUNS" "$WEFT" "$STAMP" \
        "${WEFT_STATIC:+$(realpath "$WEFT_STATIC")}" "${inits[@]}" ||
        { echo "container-bench: the runs did not finish"; exit 1; }

# init -> "median_us hwm_kib n" (each the median of its own column)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
summary() {
        awk '$1 == "t0" { t0 = $2 } $1 == "t1" && t0 { printf "%.0f %d\n", ($2 - t0) / 1000, $3; t0 = 0 }' \
                "$WORK/$1.stamps" >"$WORK/$1.pairs"
        echo "$(cut -d' ' -f1 "$WORK/$1.pairs" | median) $(cut -d' ' -f2 "$WORK/$1.pairs" | median)" \
                "$(wc -l <"$WORK/$1.pairs")"
}
printf "%-10s %14s %16s %6s\n" init "median_us" "peak_rss_kib" runs
for init in "${inits[@]}"; do
        read -r lat hwm n < <(summary "$init")
        eval "LAT_${init//-/_}=$lat HWM_${init//-/_}=$hwm"
        printf "%-10s %14s %16s %6s\n" "$init" "$lat" "$hwm" "$n"
done
echo "load average before: $LOAD (2 shared cores make the medians noisy: compare within a run)"
if [ "${LAT_tini:-n/a}" != n/a ] && [ "${LAT_weft_static:-n/a}" != n/a ]; then
        awk -v w="$LAT_weft_static" -v t="$LAT_tini" -v wr="$HWM_weft_static" 'BEGIN {
                printf "weft-static/tini latency: %.2fx   weft-static RSS %.2f MiB\n", w / t, wr / 1024 }'
fi
if [ "${LAT_tini:-n/a}" != n/a ] && [ "${LAT_weft:-n/a}" != n/a ]; then
        awk -v w="$LAT_weft" -v t="$LAT_tini" -v wr="$HWM_weft" -v tr="$HWM_tini" 'BEGIN {
                printf "weft/tini latency: %.2fx (goal <= 1.5x)   weft/tini RSS: %.2fx   weft RSS %.2f MiB (goal < 2 MiB)\n",
                        w / t, wr / tr, wr / 1024 }'
fi
