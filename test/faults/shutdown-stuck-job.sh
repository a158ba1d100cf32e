#!/bin/bash
# The shutdown deadline ends a shutdown that would never end (issue 8,
# "Shutdown is bounded by construction"; issue 13's shutdown hang). With
# timeouts.stop = 3s (DefaultTimeoutStopSec) weft stops:
#  - stuck.service: ignores SIGTERM, TimeoutStopSec=infinity: its stop job
#    never finishes on its own;
#  - hang.service: its ExecStop= never returns, TimeoutStopSec=infinity;
#  - early.service (Before=stuck.service): its stop job waits for stuck's;
#  - flaky.service: failed and hit its start limit, then started again
#    (--no-block) as issue 8's B3 did, in case a start job is left behind.
# weft must answer list-units while it waits, name each unit it waits for
# and why, end the shutdown at the deadline (SIGKILL) and exit 0 within 15 s
# of SIGTERM (3 s deadline + the final sweep's 3 s + slack).
. "$(dirname "$0")/../lib/weft.sh"
wt_init shutdown-stuck-job

OUT=$TMP/out
mkdir -p "$OUT"
cc -O2 -o "$TMP/termstamp" test/tools/termstamp.c || { wt_fail "cannot build termstamp"; wt_finish ""; }
cat >"$TMP/weft.yaml" <<EOF
timeouts: { stop: 3s }
EOF

wt_unit t.target <<EOF
[Unit]
DefaultDependencies=no
Wants=stuck.service hang.service early.service flaky.service
EOF
wt_unit stuck.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=$TMP/termstamp $OUT/stuck --ignore
TimeoutStopSec=infinity
EOF
wt_unit hang.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=$TMP/termstamp $OUT/hang
ExecStop=/bin/sleep 600
TimeoutStopSec=infinity
EOF
wt_unit early.service <<EOF
[Unit]
DefaultDependencies=no
Before=stuck.service
[Service]
ExecStart=$TMP/termstamp $OUT/early
EOF
wt_unit flaky.service <<EOF
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=60
StartLimitBurst=1
[Service]
Type=oneshot
ExecStart=/bin/false
EOF

wt_start --config "$TMP/weft.yaml" --target t.target || wt_finish "no start"
for u in stuck hang early; do
        for i in $(seq 100); do [ -e "$OUT/$u.start" ] && break; sleep 0.05; done
        [ -e "$OUT/$u.start" ] || wt_fail "$u.service did not start"
done
wt_ctl start --no-block flaky.service >/dev/null 2>&1
wt_ctl start --no-block flaky.service >/dev/null 2>&1
wt_assert_answers
wt_assert_no_zombies

t0=$(date +%s%N)
kill -TERM "$WEFT_PID"
sleep 1
wt_assert_answers # still waiting, still answering
wt_stop 15
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$WEFT_RC" = 0 ] || wt_fail "weft exited $WEFT_RC"
[ $ms -ge 2500 ] || wt_fail "shutdown over in ${ms} ms: the stuck units were not waited for"
grep -q 'Shutdown deadline passed' "$TMP/weft.log" || wt_fail "no 'Shutdown deadline passed' line"
for u in stuck hang early; do
        grep -q "Shutdown waits for $u.service" "$TMP/weft.log" || wt_fail "the log does not say the shutdown waits for $u.service"
done
grep -q 'Shutdown waits for early.service: stop job waiting.*ordered after the stop job of stuck.service' "$TMP/weft.log" ||
        wt_fail "the log does not say why early.service waits"
grep -q 'Shutdown waits for hang.service: .*ExecStop pid' "$TMP/weft.log" ||
        wt_fail "the log does not name hang.service's ExecStop="
[ -e "$OUT/stuck.term" ] && wt_fail "stuck.service recorded SIGTERM though it ignores it"

wt_finish "a stop job that never ends, a hung ExecStop= and a job waiting on them: the deadline ended the shutdown in ${ms} ms, exit 0"
