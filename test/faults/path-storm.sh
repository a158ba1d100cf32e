#!/bin/bash
# A storm of file events on watched paths (issue 12). spool.path
# (DirectoryNotEmpty=, MakeDirectory=yes) triggers spool.service, a oneshot
# that empties the directory; hot.path (PathModified=) triggers hot.service,
# a oneshot that only counts. Writers outside weft create and delete
# thousands of files in the spool and append thousands of times to the hot
# file, for about 3 s. Asserts:
#  - weft answers list-units within 1 s all through the storm;
#  - the services' starts are bounded (each path unit watches nothing while
#    its service runs, and the trigger limit of 200 per 2 s caps the rest):
#    at least 1, at most 200 per path unit per 2 s of storm;
#  - after the storm, one more file in the spool starts spool.service once
#    more, unless spool.path failed with trigger-limit-hit (the only
#    failure its configuration explains);
#  - no zombie is left; SIGTERM ends weft with status 0.
# Prints weft's CPU time over the storm. Run from anywhere.
. "$(dirname "$0")/../lib/weft.sh"
wt_init path-storm

W=$TMP/w
C=$TMP/count
mkdir -p "$W" "$C"
: >"$W/hot"
wt_unit t.target <<EOF
[Unit]
Wants=spool.path hot.path
EOF
wt_unit spool.path <<EOF
[Unit]
DefaultDependencies=no
[Path]
DirectoryNotEmpty=$W/spool
MakeDirectory=yes
EOF
wt_unit spool.service <<EOF
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=0
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo x >>$C/spool; rm -f $W/spool/*'
EOF
wt_unit hot.path <<EOF
[Unit]
DefaultDependencies=no
[Path]
PathModified=$W/hot
EOF
wt_unit hot.service <<EOF
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=0
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo x >>$C/hot'
EOF

wt_start --target t.target || wt_finish "weft did not start"
wt_wait_state spool.path active 10
wt_wait_state hot.path active 10

cpu() { awk '{ print $14 + $15 }' "/proc/$WEFT_PID/stat"; }
cpu0=$(cpu)
t0=$SECONDS
(
        end=$((SECONDS + 3))
        n=0
        while [ $SECONDS -lt $end ]; do
                for i in $(seq 500); do : >"$W/spool/f$n-$i"; done
                rm -f "$W/spool"/f* 2>/dev/null
                n=$((n + 1))
        done
        echo "$n" >"$TMP/spool-rounds"
) &
SPOOL=$!
(
        end=$((SECONDS + 3))
        n=0
        while [ $SECONDS -lt $end ]; do
                for i in $(seq 500); do echo "$i" >>"$W/hot"; done
                : >"$W/hot"
                n=$((n + 1))
        done
        echo "$n" >"$TMP/hot-rounds"
) &
HOT=$!
slow=0
while kill -0 "$SPOOL" 2>/dev/null || kill -0 "$HOT" 2>/dev/null; do
        [ $((SECONDS - t0)) -gt 20 ] && { wt_fail "the writers did not end within 20 s"; break; }
        timeout 1 "$WEFTCTL" --runtime-dir "$RUN" list-units --all >/dev/null 2>&1 || slow=$((slow + 1))
        sleep 0.2
done
kill "$SPOOL" "$HOT" 2>/dev/null
wait "$SPOOL" "$HOT" 2>/dev/null
storm_secs=$((SECONDS - t0))
[ "$slow" = 0 ] || wt_fail "list-units did not answer within 1 s $slow times during the storm"
cpu1=$(cpu)
sleep 0.5
wt_assert_answers

max=$((200 * (storm_secs / 2 + 1)))
for p in spool hot; do
        n=$(wt_lines "$C/$p")
        [ "$n" -ge 1 ] || wt_fail "$p.service never started during the storm"
        [ "$n" -le "$max" ] || wt_fail "$p.service started $n times in ${storm_secs}s, over the bound $max"
        state=$(wt_ctl show $p.path -P ActiveState)
        result=$(wt_ctl show $p.path -P Result)
        case $state/$result in
        active/success | failed/trigger-limit-hit) ;;
        *) wt_fail "$p.path ended $state with Result=$result" ;;
        esac
done

# After the storm the spool still works (unless its trigger limit failed it).
if [ "$(wt_ctl show spool.path -P ActiveState)" = active ]; then
        waiting() { [ "$(wt_ctl show spool.path -P SubState)" = waiting ]; }
        wt_until 5 waiting || wt_fail "spool.path not back to waiting"
        before=$(wt_lines "$C/spool")
        more() { [ "$(wt_lines "$C/spool")" -gt "$before" ]; }
        : >"$W/spool/last"
        wt_until 5 more ||
                wt_fail "spool.path no longer starts its service after the storm"
fi

wt_assert_no_zombies 2
wt_stop 10
wt_assert_exit 0
ticks=$(getconf CLK_TCK)
wt_finish "$(cat "$TMP/spool-rounds" 2>/dev/null)x500 spool files and $(cat "$TMP/hot-rounds" 2>/dev/null)x500 hot writes in ${storm_secs}s: spool.service $(wt_lines "$C/spool") starts, hot.service $(wt_lines "$C/hot") starts, weft CPU $(((cpu1 - cpu0) * 1000 / ticks)) ms, list-units always within 1 s"
