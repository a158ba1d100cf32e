#!/bin/bash
# SIGTERM at every phase of a boot of ~150 units ends it cleanly (issue 8,
# B4 and "Shutdown is bounded by construction"). Four boots, each stopped
# at another moment:
#  - early: SIGTERM as soon as weft runs, while everything waits for a gate;
#  - in-flight: a unit sends SIGTERM to PID 1 just as 100 units are released
#    together, so their spawns are queued on a 2-worker pool;
#  - target: just after the target is reached;
#  - pre: during a slow ExecStartPre= that 40 units are ordered after.
# Each time: no unit is started after the "Stopping every unit" line (weft's
# log); every unit whose ExecStart ran got SIGTERM (test/tools/termstamp
# records both; TimeoutStopSec=3s would SIGKILL a unit whose stop was lost); nothing
# needed the deadline or the final SIGKILL; weft exits 0 within 15 s; no
# zombie before the stop. Bounded: ~4 x 15 s at worst.
. "$(dirname "$0")/../lib/weft.sh"
wt_init sigterm-every-phase

OUT=$TMP/out
N=150

# Every unit's main process records its start and, without races, SIGTERM.
cc -O2 -o "$TMP/termstamp" test/tools/termstamp.c || { wt_fail "cannot build termstamp"; wt_finish ""; }

# units GATE_AFTER: the tree, every unit After= GATE_AFTER (may be empty).
units() {
        local gate=$1 i wants=
        rm -rf "$U" "$OUT"
        mkdir -p "$U" "$OUT"
        for i in $(seq -w 1 $N); do
                wants="$wants u$i.service"
                # The first 100 start together, the others each after one of them.
                local after=$gate prev=$((10#$i - 100))
                [ $prev -ge 1 ] && after="$after u$(printf %03d $prev).service"
                wt_unit "u$i.service" <<EOF
[Unit]
DefaultDependencies=no
After=$after
[Service]
ExecStart=$TMP/termstamp $OUT/u$i
TimeoutStopSec=3s
EOF
        done
        wt_unit t.target <<EOF
[Unit]
DefaultDependencies=no
Wants=$wants $2
After=$wants
EOF
}

# check PHASE: what every phase asserts once weft exited.
check() {
        local phase=$1 n_start=0 n_term=0 f u
        [ "$WEFT_RC" = 0 ] || wt_fail "$phase: weft exited $WEFT_RC"
        if ! grep -q 'Stopping every unit' "$TMP/weft.log"; then
                wt_fail "$phase: no 'Stopping every unit' line"
                return
        fi
        local late
        late=$(sed -n '/Stopping every unit/,$p' "$TMP/weft.log" | grep -E '\] (Starting|Started|Reached) ' | head -3)
        [ -z "$late" ] || wt_fail "$phase: started after 'Stopping every unit': $late"
        for f in "$OUT"/*.start; do
                [ -e "$f" ] || continue
                n_start=$((n_start + 1))
                u=${f%.start}
                if [ -e "$u.term" ]; then
                        n_term=$((n_term + 1))
                else
                        wt_fail "$phase: ${u##*/} started but never got SIGTERM"
                fi
        done
        grep -qE 'Shutdown deadline passed|needed SIGKILL|timed out' "$TMP/weft.log" &&
                wt_fail "$phase: a stop needed a timeout: $(grep -E 'deadline passed|needed SIGKILL|timed out' "$TMP/weft.log" | head -3)"
        echo "sigterm-every-phase: $phase: $n_start started, $n_term got SIGTERM, exit in ${ELAPSED}s"
        cp "$TMP/weft.log" "$TMP/weft-$phase.log"
}

# stop_timed: wt_stop with the time it took in ELAPSED.
stop_timed() {
        local t0=$(date +%s%N)
        wt_stop 15
        ELAPSED=$(( ($(date +%s%N) - t0) / 1000000 ))
        ELAPSED=$((ELAPSED / 1000)).$(printf %03d $((ELAPSED % 1000)))
}

# Phase "early": all wait for gate.service; SIGTERM as soon as weft answers.
units gate.service gate.service
wt_unit gate.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/sleep 30
EOF
wt_start --target t.target --workers 2 || wt_finish "early: no start"
stop_timed
check early

# Phase "in-flight": trigger.service kills PID 1 as the first 100 units are
# released with it (gate.service ends at once).
units gate.service "gate.service trigger.service"
wt_unit gate.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/sleep 0.5
EOF
wt_unit trigger.service <<EOF
[Unit]
DefaultDependencies=no
After=gate.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'kill -TERM 1'
EOF
wt_start --target t.target --workers 2 || wt_finish "in-flight: no start"
# weft stops on its own; wt_stop's SIGTERM then only repeats it.
for i in $(seq 100); do grep -q 'Stopping every unit' "$TMP/weft.log" && break; sleep 0.05; done
stop_timed
check in-flight

# Phase "target": the whole tree up, then SIGTERM.
units "" ""
wt_start --target t.target --workers 4 || wt_finish "target: no start"
wt_wait_state t.target active 30
wt_assert_answers
wt_assert_no_zombies
stop_timed
check target
[ "$(ls "$OUT"/*.start 2>/dev/null | wc -l)" = $N ] || wt_fail "target: not every unit had started"

# Phase "pre": slow.service is in its ExecStartPre=, 40 units wait for it.
units "" slow.service
for i in $(seq 1 40); do
        sed -i "s/^After=/After=slow.service /" "$U/u$(printf %03d "$i").service"
done
wt_unit slow.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStartPre=$TMP/termstamp $OUT/slow-pre
ExecStart=/bin/sh -c 'echo started >$OUT/slow.start; exec sleep 600'
TimeoutStopSec=3s
EOF
wt_start --target t.target --workers 4 || wt_finish "pre: no start"
for i in $(seq 200); do [ -e "$OUT/slow-pre.start" ] && break; sleep 0.05; done
[ -e "$OUT/slow-pre.start" ] || wt_fail "pre: ExecStartPre= never ran"
wt_assert_answers
wt_assert_no_zombies
stop_timed
check pre
[ -e "$OUT/slow.start" ] && wt_fail "pre: slow.service's ExecStart= ran after the shutdown began"
[ -e "$OUT/u001.start" ] && wt_fail "pre: u001.service (After=slow.service) was started"

wt_finish "SIGTERM early, with spawns in flight, after the target and in ExecStartPre=: nothing started late, every unit got SIGTERM, exit 0 in time"
