#!/bin/bash
# kill -9 during a boot (issue 8's fault suite). chaos.service, inside weft's
# namespace, SIGKILLs the main process of every one of 200 units as soon as
# it records its pid, while the boot (five layers behind 0.3 s gates) is
# still going; a unit with Restart=on-failure is killed once more after its
# restart. Then:
#  - every unit ends in a state its configuration explains: Restart=on-failure
#    ones (even numbers) restarted and active; the others (odd) failed with
#    Result=signal if chaos killed them, active if it never got to them;
#  - weft answers list-units within 1 s during the chaos and after;
#  - no zombie; a clean SIGTERM: exit 0 within 15 s, every unit still
#    running got SIGTERM.
. "$(dirname "$0")/../lib/weft.sh"
wt_init kill9-during-boot

OUT=$TMP/out
N=200
mkdir -p "$OUT"
cc -O2 -o "$TMP/termstamp" test/tools/termstamp.c || { wt_fail "cannot build termstamp"; wt_finish ""; }

# chaos OUT SECS: for SECS s, SIGKILL each unit's current main pid (from
# its .start stamp), at most twice per unit; then OUT/NAME.killed holds the
# count. 4 s, times WT_TIME_SCALE: under ThreadSanitizer the boot of the
# 200 units can outlast a fixed 4 s, and chaos then misses the last ones.
SCALE=${WT_TIME_SCALE:-1}
CHAOS_SECS=$((4 * SCALE))
cat >"$TMP/chaos.sh" <<'EOF'
out=$1
declare -A count seen
end=$((SECONDS + $2))
while [ $SECONDS -lt $end ]; do
        for f in "$out"/s*.start; do
                [ -e "$f" ] || continue
                n=${f##*/}
                n=${n%.start}
                pid=
                read -r pid <"$f" 2>/dev/null
                [ -n "$pid" ] && [ -z "${seen[$pid]:-}" ] && [ "${count[$n]:-0}" -lt 2 ] || continue
                seen[$pid]=1
                kill -9 "$pid" 2>/dev/null && count[$n]=$((${count[$n]:-0} + 1))
        done
        sleep 0.02
done
for n in "${!count[@]}"; do echo "${count[$n]}" >"$out/$n.killed"; done
echo done >"$out/chaos.done"
EOF

wants="chaos.service"
for g in 1 2 3 4 5; do
        wants="$wants gate$g.service"
        after=
        [ $g -gt 1 ] && after=gate$((g - 1)).service
        wt_unit gate$g.service <<EOF
[Unit]
DefaultDependencies=no
After=$after
[Service]
Type=oneshot
ExecStart=/bin/sleep 0.3
EOF
done
for i in $(seq -w 1 $N); do
        n=$((10#$i))
        wants="$wants s$i.service"
        restart=no
        [ $((n % 2)) = 0 ] && restart=on-failure
        wt_unit s$i.service <<EOF
[Unit]
DefaultDependencies=no
After=gate$(( (n - 1) / 40 + 1 )).service
[Service]
ExecStart=$TMP/termstamp $OUT/s$i
Restart=$restart
RestartSec=100ms
TimeoutStopSec=3s
EOF
done
wt_unit chaos.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/bash $TMP/chaos.sh $OUT $CHAOS_SECS
TimeoutStartSec=$((30 * SCALE))s
EOF
wt_unit t.target <<EOF
[Unit]
DefaultDependencies=no
Wants=$wants
EOF

wt_start --target t.target || wt_finish "no start"
# During the chaos weft keeps answering.
for i in $(seq 40); do
        [ -e "$OUT/chaos.done" ] && break
        wt_assert_answers
        sleep 0.15
done
for i in $(seq $((100 * SCALE))); do [ -e "$OUT/chaos.done" ] && break; sleep 0.1; done
[ -e "$OUT/chaos.done" ] || wt_fail "chaos.service did not finish"

# Settle: every unit active or failed, none on its way (bounded 15 s).
states() { wt_ctl list-units --all 2>/dev/null | sed 's/^●//' | awk '$1 ~ /^s[0-9]+\.service$/ { print $1, $3, $4 }'; }
for i in $(seq 150); do
        busy=$(states | awk '$2 != "active" && $2 != "failed"' | wc -l)
        [ "$busy" = 0 ] && [ "$(states | wc -l)" = $N ] && break
        sleep 0.1
done
wt_assert_answers
states >"$TMP/states"
# One line per unit: name, state/sub, kill count, Restart=.
for i in $(seq -w 1 $N); do
        echo "s$i.service $(cat "$OUT/s$i.killed" 2>/dev/null || echo 0) $((10#$i % 2))"
done >"$TMP/kills"
awk 'NR == FNR { st[$1] = $2 "/" $3; next }
     { want = ($3 == 0 || $2 == 0) ? "active/running" : "failed/failed"
       print $1, (st[$1] == "" ? "missing" : st[$1]), want, $2, ($3 == 0 ? "on-failure" : "no") }' \
        "$TMP/states" "$TMP/kills" >"$TMP/verdict"
killed_total=$(awk '{ k += $2 } END { print k + 0 }' "$TMP/kills")
bad=$(awk '$2 != $3' "$TMP/verdict" | wc -l)
while read -r line; do wt_fail "$line"; done < <(awk '$2 != $3 { print $1 " (killed " $4 " times, Restart=" $5 ") is " $2 ", not " $3 }' "$TMP/verdict" | head -5)
[ "$bad" = 0 ] || wt_fail "$bad units in an unexplained state"
# A failed one says why: the signal.
for u in $(awk '$3 == "failed/failed" { print $1 }' "$TMP/verdict" | head -5); do
        r=$(wt_ctl show "$u" -P Result 2>/dev/null)
        [ "$r" = signal ] || wt_fail "$u: Result=$r, not signal"
done
[ "$killed_total" -ge $N ] || wt_fail "chaos killed only $killed_total main processes"
wt_assert_no_zombies 2

wt_stop 15
[ "$WEFT_RC" = 0 ] || wt_fail "weft exited $WEFT_RC"
for u in $(awk '$2 == "active" { print $1 }' "$TMP/states"); do
        [ -e "$OUT/${u%.service}.term" ] || wt_fail "$u was running but got no SIGTERM at shutdown"
done

wt_finish "$killed_total SIGKILLs during a boot of $N units: each unit restarted or failed as configured, weft answered throughout, 0 zombies, clean stop"
