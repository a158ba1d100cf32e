#!/bin/bash
# Notify abuse from another uid (issue 8, B2 and B9). User=nobody services
# speak to weft's notify socket with test/tools/notify_abuse.c:
#  - three attackers each send MAINPID= naming (a) victim.service's root
#    main process, (b) a root process of no unit, (c) PID 1, and then
#    WATCHDOG=trigger. weft must refuse every MAINPID=, so the trigger hits
#    the attacker itself (Result=watchdog) and nothing else: the victim and
#    the outsider live, victim.service is active with the same MainPID,
#    and weft does not start shutting down;
#  - a flooder sends 200 datagrams of 250 fds each (every other one with
#    FDSTORE=1, which a store of 0 refuses), then 10 oversized datagrams.
#    weft's own fd count stays bounded while it happens and is back where
#    it was afterwards; the oversized ones are dropped and logged.
# Then the fault suite's three: weft answers list-units within 1 s, every
# unit is in the state its configuration explains, 0 zombies.
. "$(dirname "$0")/../lib/weft.sh"
wt_init notify-abuse
command -v cc >/dev/null 2>&1 || { echo "$WT_NAME: cc not found, skipping"; exit 0; }
TOOL=$TMP/notify_abuse
timeout 60 cc -std=c11 -O1 -g -Wall -Wextra -o "$TOOL" test/tools/notify_abuse.c >"$TMP/cc.out" 2>&1 ||
        { wt_fail "cannot build test/tools/notify_abuse.c: $(cat "$TMP/cc.out")"; wt_finish ""; }
mkdir -p "$TMP/targets"
chmod 755 "$TMP/targets" "$TOOL"

wt_unit t.target <<EOF
[Unit]
Wants=victim.service
EOF
wt_unit victim.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 1000
EOF
for who in unit outsider pid1; do
        wt_unit "attack-$who.service" <<EOF
[Unit]
DefaultDependencies=no
[Service]
User=nobody
NotifyAccess=main
ExecStart=$TOOL attack $TMP/targets/$who
EOF
done
wt_unit flood.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
User=nobody
NotifyAccess=main
# Fds in flight count against the sender's soft RLIMIT_NOFILE: the default
# (DefaultLimitNOFILE=, soft 1024) would refuse the flood with ETOOMANYREFS.
LimitNOFILE=65536
ExecStart=$TOOL flood 200 250
TimeoutStartSec=60
EOF

weft_fds() { find "/proc/$WEFT_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

wt_start --target t.target || wt_finish ""
wt_wait_state victim.service active
VICTIM=$(wt_ctl show victim.service -P MainPID)
# A root process of no unit, in weft's namespace; $$ is its pid there.
wt_ns sh -c "echo \$\$ >$TMP/targets/outsider; exec sleep 1000" &
OUTSIDER_NSENTER=$!
for i in $(seq 100); do [ -s "$TMP/targets/outsider" ] && break; sleep 0.05; done
OUTSIDER=$(cat "$TMP/targets/outsider" 2>/dev/null)
echo "$VICTIM" >"$TMP/targets/unit"
echo 1 >"$TMP/targets/pid1"
[ -n "$VICTIM" ] && [ "$VICTIM" -gt 1 ] && [ -n "$OUTSIDER" ] ||
        { wt_fail "no victim ($VICTIM) or outsider ($OUTSIDER) pid"; wt_finish ""; }

# (c) last: on a weft that takes MAINPID=1, the rest would not be seen.
for who in unit outsider pid1; do
        wt_ctl start "attack-$who.service" >/dev/null
        # A refused MAINPID= leaves the trigger to the attacker's own process.
        wt_wait_state "attack-$who.service" failed 10
        r=$(wt_ctl show "attack-$who.service" -P Result)
        [ "$r" = watchdog ] || wt_fail "attack-$who.service's result is '$r', want watchdog"
        wt_assert_answers
done
wt_ns kill -0 "$VICTIM" 2>/dev/null || wt_fail "victim.service's process $VICTIM was killed"
wt_ns kill -0 "$OUTSIDER" 2>/dev/null || wt_fail "the root process $OUTSIDER of no unit was killed"
[ "$(wt_ctl show victim.service -P ActiveState)" = active ] ||
        wt_fail "victim.service is $(wt_ctl show victim.service -P ActiveState), want active"
[ "$(wt_ctl show victim.service -P MainPID)" = "$VICTIM" ] ||
        wt_fail "victim.service's MainPID is $(wt_ctl show victim.service -P MainPID), want $VICTIM"
grep -q "Stopping every unit" "$TMP/weft.log" && wt_fail "weft started shutting down"
n=$(grep -c "new main PID .*refusing" "$TMP/weft.log")
[ "$n" -ge 3 ] || wt_fail "$n refused MAINPID= lines logged, want 3"

# B9: 200 x 250 fds, weft's fd count sampled all along by a tight loop.
START_FDS=$(weft_fds)
"$TOOL" fdpeak "$WEFT_PID" "$TMP/flood-done" >"$TMP/peak" &
SAMPLER=$!
wt_ctl start flood.service --no-block >/dev/null
for i in $(seq 600); do # 60 s at most
        s=$(wt_ctl show flood.service -P ActiveState 2>/dev/null)
        [ "$i" -gt 5 ] && [ "$s" != activating ] && break
        sleep 0.1
done
touch "$TMP/flood-done"
wait "$SAMPLER"
PEAK=$(sed -n 's/^peak //p' "$TMP/peak")
[ "$(wt_ctl show flood.service -P Result)" = success ] ||
        wt_fail "flood.service's result is '$(wt_ctl show flood.service -P Result)', want success (it could not send)"
END_FDS=$(weft_fds)
# The bound by construction: the queue to the scheduler stops taking fds at
# NOTIFY_QUEUE_FDS_MAX (128), so at most one 250-fd datagram past it, one
# being received and one being handled; 20,000 fds were sent.
[ "$PEAK" -lt $((START_FDS + 128 + 3 * 253)) ] ||
        wt_fail "weft held $PEAK fds during the flood, $START_FDS before"
[ "$END_FDS" -le $((START_FDS + 2)) ] || wt_fail "weft holds $END_FDS fds after the flood, $START_FDS before"
grep -q "dropping datagram from pid .* over 4096" "$TMP/weft.log" ||
        wt_fail "the oversized datagrams were not logged as dropped"
wt_assert_answers

kill "$OUTSIDER_NSENTER" 2>/dev/null
wt_ns kill "$OUTSIDER" 2>/dev/null
wait "$OUTSIDER_NSENTER" 2>/dev/null
wt_assert_no_zombies 2
wt_stop
[ "$WEFT_RC" = 0 ] || wt_fail "weft exited with $WEFT_RC"
wt_finish "forged MAINPID= (another unit's, no unit's, PID 1) refused from uid nobody, each trigger hit the attacker; 200x250 fds: weft peaked at $PEAK fds from $START_FDS, back to $END_FDS"
