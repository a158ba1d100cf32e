#!/bin/bash
# Control-socket benchmark (issue 5, "Numbers"). Boots N=1000 generated
# units (bench/gendag.c, random DAG, seed 1, made Type=oneshot +
# RemainAfterExit=yes so that all of them stay active) with $BUILD/weft as
# PID 1 of a namespace fenced by test/lib/fence.sh, then measures in the same run:
#
#  1. round trips on the control socket (bench/ctlbench.c: a fresh
#     connection per request, as weftctl does; the reply is read, not
#     decoded) for `status u0500.service` and `list-units` (all units),
#     against bench/echoserver.c, a trivial AF_UNIX stream server that
#     answers every request line with weft's own reply to that request,
#     byte for byte (same reply size), on the same kind of socket in the
#     same directory tree. The request lines are the very ones weftctl
#     sends (recorded by the echo server). Batches alternate weft/echo;
#     reported: the batch with the best median, its p90, and the ratio of
#     the medians. Goals: status < 2x, list-units < 5x the echo baseline.
#  2. weftctl end to end (process start, decode, output included): against
#     weft, against the echo server replaying weft's reply (so the ratio is
#     what weft's side adds), and /bin/true as the fork+exec floor.
#  3. `weftctl analyze plot` of this boot's boot.yaml, and the time
#     rsvg-convert takes to render it (best of 3). Goal: < 1 s.
#
# Env: BENCH_REPEAT batches (default 5), BENCH_ROUNDS_STATUS (2000),
# BENCH_ROUNDS_LIST (200), BENCH_ROUNDS_EXEC (100), BENCH_UNITS (1000),
# BENCH_KEEP=1 keeps the work dir. Every step has a timeout; only processes
# this script started are stopped (weft with `weftctl exit`). A benchmark
# measures; it does not fail on a goal.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
REPEAT=${BENCH_REPEAT:-5}
R_STATUS=${BENCH_ROUNDS_STATUS:-2000}
R_LIST=${BENCH_ROUNDS_LIST:-200}
R_EXEC=${BENCH_ROUNDS_EXEC:-100}
N=${BENCH_UNITS:-1000}
NAME=control-bench

for p in weft weftctl gendag payload ctlbench echoserver; do
        [ -x "$BUILD/$p" ] || { echo "$NAME: $BUILD/$p missing (make BUILD=$BUILD bench-control)"; exit 1; }
done
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "$NAME: unshare not permitted, skipping"; exit 0; }
B=$(realpath "$BUILD")
WEFT=$B/weft CTL=$B/weftctl CB=$B/ctlbench ECHO=$B/echoserver
WORK=$(mktemp -d "${TMPDIR:-/tmp}/weft-ctlbench.XXXXXX") || exit 1
RUN=$WORK/run UNITS=$WORK/units
weft_pid="" echo_pids=()
cleanup() {
        local p
        for p in "${echo_pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
        if [ -n "$weft_pid" ] && kill -0 "$weft_pid" 2>/dev/null; then
                # timeout(1) passes SIGTERM to unshare; --kill-child takes weft down with it.
                kill -TERM "$weft_pid" 2>/dev/null
                wait "$weft_pid" 2>/dev/null
        fi
        if [ -n "${BENCH_KEEP:-}" ]; then echo "$NAME: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkfifo "$WORK/never" && exec {NEVER}<>"$WORK/never"
nap() { read -r -t "$1" -u "$NEVER" _ || true; }   # sleeps without forking
kv() { local k=$1 l=$2; l=${l#*"$k="}; echo "${l%% *}"; }   # KEY "a=1 b=2" -> value
ctl() { timeout 30 "$CTL" "$@"; }

# ---------- the workload: N units that stay active ----------
timeout 60 "$B/gendag" --shape random --units "$N" --work-ms 0 --seed 1 --edges-per-unit 3 \
        --payload "$B/payload" --out "$UNITS" >"$WORK/gendag.out" 2>&1 ||
        { echo "$NAME: gendag failed: $(cat "$WORK/gendag.out")"; exit 1; }
find "$UNITS" -name 'u*.service' -exec sed -i 's/^Type=oneshot$/Type=oneshot\nRemainAfterExit=yes/' {} +
# bench.target: After= every sink (as bench-done was), so that reaching it, and
# boot.yaml, mean every unit is up; no bench-done, which would stop the init.
sed -i '/^Wants=bench-done.service$/d' "$UNITS/bench.target"
grep '^After=' "$UNITS/bench-done.service" >>"$UNITS/bench.target"
rm -f "$UNITS/bench-done.service"
w=$(printf '%04d' $((N / 2))); [ "$N" -ge 10000 ] && w=$(printf '%05d' $((N / 2)))
SUNIT=u$w.service

echo "$NAME: $(nproc) CPUs, $(uname -r), $N units, best of $REPEAT alternating batches, work dir $WORK"
t0=$SECONDS
timeout -k 5 900 unshare --pid --fork --mount --propagation private --mount-proc --kill-child \
        bash test/lib/fence.sh "$WORK" -- "$WEFT" --unit-path "$UNITS" \
        --target bench.target --runtime-dir "$RUN" >"$WORK/weft.log" 2>&1 &
weft_pid=$!
deadline=$((SECONDS + 120))
until [ -f "$RUN/boot.yaml" ] && ctl --runtime-dir "$RUN" is-active bench.target >/dev/null 2>&1; do
        if ! kill -0 "$weft_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
                echo "$NAME: weft did not reach bench.target within 120 s"; tail -15 "$WORK/weft.log"; exit 1
        fi
        nap 0.1
done
active=$(ctl --runtime-dir "$RUN" list-units | grep -cE '^[^a-z]*u[0-9]+\.service +loaded +active +exited')
echo "$NAME: booted in ~$((SECONDS - t0)) s; list-units shows $active of $N units active (exited)"
[ "$active" -eq "$N" ] || echo "$NAME: warning: expected $N active units; list-units is smaller than intended"

# ---------- the exact request lines weftctl sends, and weft's replies ----------
start_echo() { # DIR REPLY [RECORD] -> appends to echo_pids, waits for the socket
        mkdir -p "$1"
        timeout 900 "$ECHO" "$1/control" "${@:2}" 2>>"$WORK/echo.log" &
        echo_pids+=($!)
        local i
        for ((i = 0; i < 100; i++)); do [ -S "$1/control" ] && return 0; nap 0.05; done
        echo "$NAME: echo server on $1/control did not start: $(cat "$WORK/echo.log")"; exit 1
}
printf '{"version":1,"code":0}\n' >"$WORK/empty.reply"
start_echo "$WORK/capture" "$WORK/empty.reply" "$WORK/captured"
for v in status list; do
        rm -f "$WORK/captured"
        if [ $v = status ]; then ctl --runtime-dir "$WORK/capture" status "$SUNIT" >/dev/null 2>&1
        else ctl --runtime-dir "$WORK/capture" list-units >/dev/null 2>&1; fi
        [ -s "$WORK/captured" ] || { echo "$NAME: weftctl sent no $v request to the echo server"; exit 1; }
        mv "$WORK/captured" "$WORK/$v.req"
        timeout 60 "$CB" rt "$RUN/control" "$WORK/$v.req" 3 "$WORK/$v.reply" >/dev/null ||
                { echo "$NAME: no $v reply from weft"; exit 1; }
        start_echo "$WORK/echo-$v" "$WORK/$v.reply"
done
# weftctl status also reads the unit's log under the runtime dir: same files for both.
ln -s "$RUN/log" "$WORK/echo-status/log"
ln -s "$RUN/log" "$WORK/echo-list/log"
echo "$NAME: requests: status $(wc -c <"$WORK/status.req") B, list-units $(wc -c <"$WORK/list.req") B;" \
        "replies: status $(wc -c <"$WORK/status.reply") B, list-units $(wc -c <"$WORK/list.reply") B"

# ---------- 1. socket round trips, weft vs echo, alternating batches ----------
declare -A best=() p90=() bytes=() note=()
measure() { # KEY CMD... : keeps the batch with the best median
        local out
        out=$(timeout 300 "${@:2}" 2>&1 | tail -1)
        case $out in rounds=*) ;; *) note[$1]="error: $out"; return ;; esac
        local m; m=$(kv median_us "$out")
        if [ -z "${best[$1]:-}" ] || awk -v a="$m" -v b="${best[$1]}" 'BEGIN { exit !(a < b) }'; then
                best[$1]=$m p90[$1]=$(kv p90_us "$out") bytes[$1]=$(kv bytes "$out")
        fi
        [ "$(kv failures "$out")" = 0 ] || note[$1]="$(kv failures "$out") failed runs"
}
for ((rep = 1; rep <= REPEAT; rep++)); do
        measure weft-status "$CB" rt "$RUN/control" "$WORK/status.req" "$R_STATUS"
        measure echo-status "$CB" rt "$WORK/echo-status/control" "$WORK/status.req" "$R_STATUS"
        measure weft-list "$CB" rt "$RUN/control" "$WORK/list.req" "$R_LIST"
        measure echo-list "$CB" rt "$WORK/echo-list/control" "$WORK/list.req" "$R_LIST"
done
ratio() { # A B -> A/B
        if [ -n "${best[$1]:-}" ] && [ -n "${best[$2]:-}" ]; then
                awk -v a="${best[$1]}" -v b="${best[$2]}" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'
        else echo n/a; fi
}
row() { printf '%-28s %9s %11s %10s  %s\n' "$1" "${3-${bytes[$2]:--}}" "${best[$2]:--}" "${p90[$2]:--}" "${note[$2]:-}"; }
echo
echo "== control socket round trip (fresh connection each; status x$R_STATUS, list-units x$R_LIST per batch)"
printf '%-28s %9s %11s %10s\n' server reply_B median_us p90_us
row "weft   status $SUNIT" weft-status
row "echo   status (same reply)" echo-status
row "weft   list-units ($N)" weft-list
row "echo   list-units (same reply)" echo-list
echo "ratios (median): status weft/echo $(ratio weft-status echo-status) (goal < 2x)," \
        "list-units weft/echo $(ratio weft-list echo-list) (goal < 5x)"

# ---------- 2. weftctl end to end ----------
for ((rep = 1; rep <= (REPEAT + 1) / 2; rep++)); do
        measure e2e-true "$CB" exec "$R_EXEC" /bin/true
        measure e2e-weft-status "$CB" exec "$R_EXEC" "$CTL" --runtime-dir "$RUN" status "$SUNIT"
        measure e2e-echo-status "$CB" exec "$R_EXEC" "$CTL" --runtime-dir "$WORK/echo-status" status "$SUNIT"
        measure e2e-weft-list "$CB" exec "$R_EXEC" "$CTL" --runtime-dir "$RUN" list-units
        measure e2e-echo-list "$CB" exec "$R_EXEC" "$CTL" --runtime-dir "$WORK/echo-list" list-units
done
echo
echo "== weftctl end to end (fork+exec+connect+decode+print, stdout to /dev/null; x$R_EXEC per batch)"
printf '%-28s %9s %11s %10s\n' command "" median_us p90_us
row "/bin/true (floor)" e2e-true ""
row "weftctl status -> weft" e2e-weft-status ""
row "weftctl status -> echo" e2e-echo-status ""
row "weftctl list-units -> weft" e2e-weft-list ""
row "weftctl list-units -> echo" e2e-echo-list ""
echo "ratios (median): status weft/echo $(ratio e2e-weft-status e2e-echo-status)," \
        "list-units weft/echo $(ratio e2e-weft-list e2e-echo-list) (no goal; informational)"

# ---------- stop weft ----------
ctl --runtime-dir "$RUN" exit 0 >/dev/null 2>&1 || echo "$NAME: warning: weftctl exit failed"
for ((i = 0; i < 150; i++)); do kill -0 "$weft_pid" 2>/dev/null || break; nap 0.1; done
if kill -0 "$weft_pid" 2>/dev/null; then
        echo "$NAME: warning: weft did not exit 15 s after weftctl exit; stopping it"
else
        wait "$weft_pid"; rc=$?
        [ $rc -eq 0 ] || echo "$NAME: warning: weft exited $rc after weftctl exit 0"
        weft_pid=""
fi
grep -E 'runtime error|AddressSanitizer|LeakSanitizer|ThreadSanitizer' "$WORK/weft.log" | head -3

# ---------- 3. the plot of this boot ----------
echo
echo "== weftctl analyze plot of this boot ($N units), rendered by rsvg-convert"
t_plot=$(timeout 120 "$CB" exec 3 /bin/sh -c '"$0" analyze --from "$1" plot >"$2"' "$CTL" "$RUN/boot.yaml" "$WORK/boot.svg" | tail -1)
svg_b=$(wc -c <"$WORK/boot.svg" 2>/dev/null || echo 0)
echo "analyze plot: median $(kv median_us "$t_plot") us, SVG $svg_b bytes, $(grep -o '<rect class="activating"' "$WORK/boot.svg" | wc -l) activating bars"
if ! command -v rsvg-convert >/dev/null; then
        echo "rsvg-convert: skipped, not installed"
elif [ "$svg_b" -eq 0 ]; then
        echo "rsvg-convert: skipped, no SVG"
else
        out=$(timeout 120 "$CB" exec 3 rsvg-convert -o "$WORK/boot.png" "$WORK/boot.svg" | tail -1)
        case $out in
        rounds=*)
                awk -v b="$(kv min_us "$out")" -v m="$(kv median_us "$out")" -v f="$(kv failures "$out")" 'BEGIN {
                        printf "rsvg-convert: best %.3f s, median %.3f s%s (goal < 1 s)\n", b / 1e6, m / 1e6,
                                (f > 0 ? sprintf(", %d runs FAILED", f) : "") }'
                [ -f "$WORK/boot.png" ] && command -v file >/dev/null && echo "rendered: $(file -b "$WORK/boot.png")" ;;
        *) echo "rsvg-convert: timed out or failed: $out" ;;
        esac
fi
