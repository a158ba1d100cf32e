#!/bin/bash
# A start-limit storm through a socket (issue 8: B3, B10; the shutdown hang
# of issue 13). storm.socket (Accept=no, a unix stream socket) triggers
# storm.service, which exits 1 at once; its start limit is 3 starts in 60 s.
# A client loop keeps connecting (a bounded number of connections), so the
# socket keeps triggering the service until the start limit is hit.
# Asserts:
#  - storm.service ends failed with Result=start-limit-hit, after exactly 3
#    runs;
#  - storm.socket ends failed with Result=service-start-limit-hit, and a new
#    connection is refused (ECONNREFUSED), not left hanging;
#  - `weftctl start storm.service` fails within 2 s, naming the start limit;
#  - `weftctl list-jobs` shows no job;
#  - weft answers list-units within 1 s, and no zombie is left;
#  - SIGTERM ends weft within 10 s with exit status 0.
# Needs socat (skips without it). Run from anywhere.
. "$(dirname "$0")/../lib/weft.sh"
wt_init start-limit-storm
if ! command -v socat >/dev/null 2>&1; then
        echo "$WT_NAME: socat not found, skipping"
        exit 0
fi

SOCK=$TMP/storm.sock
wt_unit t.target <<EOF
[Unit]
Wants=storm.socket
EOF
wt_unit storm.socket <<EOF
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=$SOCK
EOF
wt_unit storm.service <<EOF
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=60s
StartLimitBurst=3
[Service]
ExecStart=/bin/false
EOF

wt_start --target t.target || wt_finish "weft did not start"
wt_wait_state storm.socket active 10

# connect OUT: connect once (bounded), print "ok", "refused" or "hung".
connect_once() {
        local err
        err=$(timeout 1 socat -u /dev/null "UNIX-CONNECT:$SOCK" 2>&1)
        case $? in
        0) echo ok ;;
        124) echo hung ;;
        *) case $err in *"Connection refused"*) echo refused ;; *) echo "error: $err" ;; esac ;;
        esac
}

# The storm: at most 60 connections, each bounded by 1 s; it ends early once
# the socket refuses.
(
        for _ in $(seq 60); do
                [ "$(connect_once)" = refused ] && break
                sleep 0.02
        done
) &
CLIENTS=$!
wt_wait_state storm.socket failed 20
for _ in $(seq 100); do
        kill -0 "$CLIENTS" 2>/dev/null || break
        sleep 0.05
done
kill "$CLIENTS" 2>/dev/null
wait "$CLIENTS" 2>/dev/null

[ "$(wt_ctl show storm.socket -P Result)" = service-start-limit-hit ] ||
        wt_fail "storm.socket: Result=$(wt_ctl show storm.socket -P Result), expected service-start-limit-hit"
[ "$(wt_ctl show storm.service -P ActiveState)" = failed ] ||
        wt_fail "storm.service is $(wt_ctl show storm.service -P ActiveState), expected failed"
[ "$(wt_ctl show storm.service -P Result)" = start-limit-hit ] ||
        wt_fail "storm.service: Result=$(wt_ctl show storm.service -P Result), expected start-limit-hit"
runs=$(grep -c 'storm.service: Main process exited' "$TMP/weft.log")
[ "$runs" = 3 ] || wt_fail "storm.service ran $runs times, expected 3 (its StartLimitBurst=)"
outcome=$(connect_once)
[ "$outcome" = refused ] || wt_fail "a connection to the failed socket: $outcome, expected refused"

# A start while the limit holds fails at once, for that reason.
t0=$(date +%s%N)
out=$(timeout 2 "$WEFTCTL" --runtime-dir "$RUN" start storm.service 2>&1)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 124 ] && wt_fail "weftctl start storm.service got no answer within 2 s"
[ "$rc" = 0 ] && wt_fail "weftctl start storm.service succeeded over the start limit"
case $out in
*"start limit"*) ;;
*) wt_fail "weftctl start storm.service said '$out', expected the start limit as the reason" ;;
esac
jobs=$(wt_ctl list-jobs 2>&1)
[ "$jobs" = "No jobs running." ] || wt_fail "jobs left: $jobs"

wt_assert_answers
wt_assert_no_zombies 2
t1=$(date +%s%N)
wt_stop 10
stop_ms=$((($(date +%s%N) - t1) / 1000000))
[ "$WEFT_RC" = 0 ] || wt_fail "weft exited with status $WEFT_RC after SIGTERM, expected 0"
wt_finish "service start-limit-hit after 3 runs, socket service-start-limit-hit and refusing, start refused in ${ms} ms, no jobs, SIGTERM exit in ${stop_ms} ms"
