#!/bin/bash
# Socket-activation and notify benchmark (issue 4), each against a baseline
# measured in the same run:
#  (a) activation latency: connect to the unix stream socket of a
#      socket-activated service that is not running yet -> first byte
#      answered (bench/actclient.c waits until the previous instance is gone,
#      bench/actsrv.c answers one byte and exits), N=20 rounds under weft as
#      PID 1 of fenced pid and mount namespaces (test/lib/fence.sh); baseline: the same
#      daemon started directly and already listening, same client, N=20.
#      Reported: median and p90 in µs, and weft/direct.
#  (b) notify throughput: 100 Type=notify services, each sending K=1000
#      STATUS= messages with sd_notify() as fast as it can, then
#      sd_notify_barrier() (bench/notifyload.c); rate = all messages / (last
#      barrier returned - first sender started), the senders released
#      together by a FIFO gate. Baseline: the same 100 senders started
#      directly with NOTIFY_SOCKET set to a trivial receiver (recvmsg loop,
#      SO_PASSCRED, closes any fd). Reported: messages/s and weft/baseline.
# BENCH_N, BENCH_SENDERS, BENCH_K override 20, 100, 1000; BENCH_KEEP=1 keeps
# the work dir. Every run has a timeout; loopback and unix sockets only; only
# processes this script started are killed. A benchmark measures; it does
# not fail on a goal.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${BENCH_N:-20}
SENDERS=${BENCH_SENDERS:-100}
K=${BENCH_K:-1000}
RUN_TIMEOUT=${BENCH_TIMEOUT:-120}

for p in weft actsrv actclient notifyload; do
        [ -x "$BUILD/$p" ] || { echo "activation-bench: $BUILD/$p missing (make BUILD=$BUILD bench-activation)"; exit 1; }
done
if ! timeout 10 unshare --pid --fork --kill-child --mount-proc true >/dev/null 2>&1; then
        echo "activation-bench: unshare --pid --mount-proc not permitted here (needs root)"; exit 1
fi
B=$(realpath "$BUILD")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/weft-activation-bench.XXXXXX") || exit 1
case $WORK in *[!A-Za-z0-9/._-]*) echo "activation-bench: work dir $WORK has characters unit files would mangle"; exit 1 ;; esac
PIDS=""
cleanup() {
        local p
        for p in $PIDS; do kill "$p" 2>/dev/null; done
        wait 2>/dev/null
        if [ -n "${BENCH_KEEP:-}" ]; then echo "activation-bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stats FILE: "median p90 count" of the numbers in FILE (nearest rank).
stats() {
        sort -n "$1" | awk '{ v[NR] = $1 } END {
                if (NR == 0) { print "- - 0"; exit }
                m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                i = int(0.9 * NR + 0.999999); if (i < 1) i = 1
                printf "%.0f %.0f %d\n", m, v[i], NR }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# weft_run DIR: boots DIR/units/bench.target, bounded by RUN_TIMEOUT.
weft_run() {
        timeout -k 5 "$RUN_TIMEOUT" unshare --pid --fork --kill-child --mount --propagation private --mount-proc \
                bash test/lib/fence.sh "$WORK" -- "$B/weft" --unit-path "$1/units" --target bench.target --runtime-dir "$1/run" --log-level notice \
                >"$1/weft.out" 2>&1
}

echo "activation-bench: $(nproc) CPUs, $(uname -r), work dir $WORK"

# ---------- (a) activation latency ----------
A=$WORK/act
mkdir -p "$A/units" "$A/out"
cat >"$A/units/bench.target" <<UNIT
[Unit]
DefaultDependencies=no
Wants=act.socket client.service
UNIT
cat >"$A/units/act.socket" <<UNIT
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=$A/act.sock
UNIT
# StartLimitIntervalSec=0: N starts in a few seconds would hit the default
# start rate limit (5 in 10 s), in systemd as in weft.
cat >"$A/units/act.service" <<UNIT
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=0
[Service]
ExecStart=$B/actsrv once
UNIT
cat >"$A/units/client.service" <<UNIT
[Unit]
DefaultDependencies=no
After=act.socket
[Service]
ExecStart=/bin/sh -c '$B/actclient $A/act.sock $N actsrv >$A/out/weft.us 2>$A/out/weft.err; echo \$\$? >$A/out/weft.rc; /bin/kill -TERM 1'
UNIT
weft_run "$A"
rc_a=$?
[ $rc_a -eq 0 ] || echo "activation-bench: weft run (a) exited $rc_a, see $A/weft.out"

timeout -k 2 30 "$B/actsrv" loop "$A/direct.sock" 2>"$A/out/direct-srv.err" &
srv=$!
PIDS="$PIDS $srv"
for _ in $(seq 100); do [ -S "$A/direct.sock" ] && break; sleep 0.02; done
timeout -k 2 60 "$B/actclient" "$A/direct.sock" "$N" >"$A/out/direct.us" 2>"$A/out/direct.err"
kill $srv 2>/dev/null; wait $srv 2>/dev/null

read -r w_med w_p90 w_n < <(stats "$A/out/weft.us")
read -r d_med d_p90 d_n < <(stats "$A/out/direct.us")
echo
echo "== (a) activation latency: connect -> first byte, N=$N (µs)"
printf '%-28s %9s %9s %6s\n' runner median p90 rounds
printf '%-28s %9s %9s %6s\n' "weft, socket-activated" "$w_med" "$w_p90" "$w_n/$N"
printf '%-28s %9s %9s %6s\n' "direct, already listening" "$d_med" "$d_p90" "$d_n/$N"
echo "ratios: weft/direct median $(ratio "$w_med" "$d_med"), p90 $(ratio "$w_p90" "$d_p90")"
[ -s "$A/out/weft.err" ] && sed 's/^/    | /' "$A/out/weft.err" | head -5

# ---------- (b) notify throughput ----------
# senders_rate DIR: "msgs/s total_sent barriers_ok" from DIR/end.*
senders_rate() {
        cat "$1"/end.* 2>/dev/null | awk -v n="$SENDERS" '
                { if (!t0 || $1 < t0) t0 = $1; if ($2 > t1) t1 = $2; sent += $3; ok += ($4 > 0); c++ }
                END { if (c < n || t1 <= t0) { printf "- %d %d\n", sent, ok; exit }
                      printf "%.0f %d %d\n", sent / ((t1 - t0) / 1e6), sent, ok }'
}
# gate DIR: waits for SENDERS ready files, opens the gate, waits for SENDERS
# end files (60 s at most), closes it.
gate_script() {
        cat <<SH
dir=\$1
n=0; while [ \$(ls \$dir | grep -c '^ready\\.[0-9]*\$') -lt $SENDERS ] && [ \$n -lt 600 ]; do sleep 0.1; n=\$((n + 1)); done
exec 9<>\$dir/gate
n=0; while [ \$(ls \$dir | grep -c '^end\\.[0-9]*\$') -lt $SENDERS ] && [ \$n -lt 600 ]; do sleep 0.1; n=\$((n + 1)); done
exec 9>&-
SH
}
NW=$WORK/notify
mkdir -p "$NW/units" "$NW/weft" "$NW/base"
gate_script >"$NW/gate.sh"
mkfifo "$NW/weft/gate" "$NW/base/gate"
{
        printf '[Unit]\nDefaultDependencies=no\nWants=driver.service'
        for i in $(seq "$SENDERS"); do printf ' n%d.service' "$i"; done
        printf '\n'
} >"$NW/units/bench.target"
for i in $(seq "$SENDERS"); do
        cat >"$NW/units/n$i.service" <<UNIT
[Unit]
DefaultDependencies=no
[Service]
Type=notify
TimeoutStartSec=60s
ExecStart=$B/notifyload send $K $NW/weft $i $NW/weft/gate
UNIT
done
cat >"$NW/units/driver.service" <<UNIT
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sh -c '/bin/sh $NW/gate.sh $NW/weft; /bin/kill -TERM 1'
UNIT
weft_run "$NW"
rc_b=$?
[ $rc_b -eq 0 ] || echo "activation-bench: weft run (b) exited $rc_b, see $NW/weft.out"

timeout -k 2 90 "$B/notifyload" recv "$NW/base/notify" >"$NW/base/recv.count" 2>"$NW/base/recv.err" &
recv=$!
PIDS="$PIDS $recv"
for _ in $(seq 100); do [ -S "$NW/base/notify" ] && break; sleep 0.02; done
senders=""
for i in $(seq "$SENDERS"); do
        NOTIFY_SOCKET=$NW/base/notify timeout -k 2 90 "$B/notifyload" send "$K" "$NW/base" "$i" "$NW/base/gate" &
        senders="$senders $!"
done
PIDS="$PIDS $senders"
timeout -k 2 90 /bin/sh "$NW/gate.sh" "$NW/base"
for p in $senders; do kill "$p" 2>/dev/null; done
kill $recv 2>/dev/null
wait 2>/dev/null

read -r w_rate w_sent w_ok < <(senders_rate "$NW/weft")
read -r b_rate b_sent b_ok < <(senders_rate "$NW/base")
echo
echo "== (b) notify throughput: $SENDERS senders x K=$K STATUS= messages, then a barrier each"
printf '%-34s %12s %10s %9s\n' receiver msgs_per_s sent barriers
printf '%-34s %12s %10s %9s\n' "weft (Type=notify services)" "$w_rate" "$w_sent" "$w_ok/$SENDERS"
printf '%-34s %12s %10s %9s\n' "baseline (recvmsg loop)" "$b_rate" "$b_sent" "$b_ok/$SENDERS"
echo "baseline receiver counted $(cat "$NW/base/recv.count" 2>/dev/null || echo ?) datagrams (READY=1, STATUS=, BARRIER=1)"
echo "ratio: weft/baseline $(ratio "$w_rate" "$b_rate")"
