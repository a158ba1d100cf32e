#!/bin/bash
# Timer units (issue 12) with weft as PID 1 of a private namespace. Each
# service appends its wall-clock start (date +%s.%N) to a log; over ~9 s:
#  - active.timer (OnActiveSec=1s): fires once, 1 s after the timer's
#    activation (weft's own stamps), and its service runs at once after;
#  - unit.timer (OnActiveSec=0.5s, OnUnitActiveSec=2s): fires again 2 s
#    after each start of its service;
#  - cal.timer (OnCalendar=*:*:0/5): fires on each wall-clock second
#    divisible by 5;
#  - persist.timer (OnCalendar=daily, Persistent=true), its stamp two days
#    old: fires once at start, and its stamp moves to that trigger;
#    fresh.timer, the same with a stamp from now: does not fire;
#  - every timer has AccuracySec=1ms; the bounds (50 ms early for a
#    service's own start jitter, 300 ms late; times WT_TIME_SCALE under
#    a sanitizer) are loose for a shared
#    machine, yet each fails a timer firing late, early or twice;
#  - weftctl list-timers lists them sorted by their next elapse, with the
#    trigger weft reports for each, and "N timers listed."; status of a
#    timer shows its Trigger: and Triggers: lines.
# The calendar checks need the calendar parser (parse/calendar.c); without
# it cal.timer and persist.timer fail to load and those checks say so.
. "$(dirname "$0")/../lib/weft.sh"
wt_init timers

stamp_unit() { # NAME: a oneshot that logs its start time
        wt_unit "$1.service" <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%%s.%%N >>$TMP/$1.log'
EOF
}
timer_unit() { # NAME SETTINGS...
        local name=$1
        shift
        {
                printf '[Unit]\nDefaultDependencies=no\n[Timer]\nAccuracySec=1ms\n'
                printf '%s\n' "$@"
        } | wt_unit "$name.timer"
        stamp_unit "$name"
}
wt_unit t.target <<EOF
[Unit]
Wants=active.timer unit.timer cal.timer persist.timer fresh.timer
EOF
timer_unit active OnActiveSec=1s
timer_unit unit OnActiveSec=0.5s OnUnitActiveSec=2s
timer_unit cal 'OnCalendar=*:*:0/5'
timer_unit persist OnCalendar=daily Persistent=true
timer_unit fresh OnCalendar=daily Persistent=true
mkdir -p "$TMP/state/timers"
touch -d '2 days ago' "$TMP/state/timers/stamp-persist.timer"
touch "$TMP/state/timers/stamp-fresh.timer"

t0=$(date +%s.%N)
wt_start --target t.target --state-dir "$TMP/state" || wt_finish ""
sleep 9
# What ran in those 9 s: the logs as they are now (the checks below take
# a while under a sanitizer, and the timers keep firing meanwhile).
for f in active unit cal persist fresh; do
        if [ -f "$TMP/$f.log" ]; then cp "$TMP/$f.log" "$TMP/$f.snap"; else : >"$TMP/$f.snap"; fi
done

# Sanitizer builds (WT_TIME_SCALE) spawn slower: the bounds on lateness,
# and on a service's own start jitter, grow with it.
K=${WT_TIME_SCALE:-1}
show() { wt_ctl show "$1" -P "$2"; }
# The µs value behind a property show prints as a date (the JSON reply's).
raw() { wt_ctl show "$1" --json | grep -o "\"$2\": *\"[0-9]*\"" | grep -o '[0-9]*"$' | tr -d '"'; }
lines() { wt_lines "$TMP/$1.snap"; }
# awk checks: each prints nothing when the bound holds, else why not.
check() { local out; out=$(awk "$@"); [ -z "$out" ] || wt_fail "$out"; }

# active.timer: once, 1 s after activation.
[ "$(lines active)" = 1 ] || wt_fail "active.timer fired $(lines active) times, want 1"
act=$(show active.timer InactiveExitTimestampMonotonic)
trig=$(show active.timer LastTriggerUSecMonotonic)
check -v a="$act" -v t="$trig" -v k="$K" 'BEGIN { d = (t - a) / 1e6; if (d < 0.999 || d > 1 + 0.25 * k) print "active.timer fired " d " s after activation, want 1 s" }'
check -v t="$(raw active.timer LastTriggerUSec)" -v k="$K" '{ d = $1 - t / 1e6; if (d < 0 || d > 0.5 * k) print "active.service started " d " s after its trigger" }' "$TMP/active.snap"
[ "$(show active.timer SubState)" = elapsed ] || wt_fail "active.timer is $(show active.timer SubState), want elapsed"

# unit.timer: 0.5 s, then every 2 s from each start: 4 runs in 9 s.
n=$(lines unit)
[ "$n" -ge 4 ] && [ "$n" -le 5 ] || wt_fail "unit.timer fired $n times in 9 s, want 4"
check -v k="$K" 'NR > 1 { d = $1 - prev; if (d < 2 - 0.05 * k || d > 2 + 0.3 * k) print "unit.timer: " d " s between two runs, want 2 s" } { prev = $1 }' "$TMP/unit.snap"
check -v t0="$t0" 'NR == 1 { d = $1 - t0; if (d < 0.5 || d > 3) print "unit.timer first ran " d " s after weft started" }' "$TMP/unit.snap"
# ...to the µs by weft's own stamps: the next elapse is the service's last
# activation + 2 s (one reply for both units, so nothing moves in between).
wt_ctl show unit.timer unit.service --json >"$TMP/both.json"
next=$(grep -o '"NextElapseUSecMonotonic": *"[0-9]*"' "$TMP/both.json" | grep -o '[0-9]*"$' | tr -d '"')
svc=$(grep -o '"InactiveExitTimestampMonotonic": *"[0-9]*"' "$TMP/both.json" | sed -n 2p | grep -o '[0-9]*"$' | tr -d '"')
sub=$(grep -o '"SubState": *"[a-z]*"' "$TMP/both.json" | sed -n 1p)
case $sub in *running*) ;; # caught while its service runs: nothing to compare
*) [ -n "$next" ] && [ "$next" = "$((svc + 2000000))" ] ||
        wt_fail "unit.timer's next elapse $next is not unit.service's activation $svc + 2 s" ;;
esac

calendar=yes
if [ "$(show cal.timer LoadState)" != loaded ]; then
        calendar=no
        grep -q "Failed to parse calendar specification" "$WT_LOG" ||
                wt_fail "cal.timer did not load, and not for its calendar expression"
        echo "timers: no calendar parser in this build: OnCalendar= and Persistent= checks skipped"
fi
if [ $calendar = yes ]; then
        n=$(lines cal)
        [ "$n" -ge 1 ] && [ "$n" -le 2 ] || wt_fail "cal.timer fired $n times in 9 s, want 1 or 2"
        check -v k="$K" '{ f = $1 - int($1 / 5) * 5; if (f > 0.3 * k) print "cal.timer ran at " $1 ", " f " s past a multiple of 5 s" }' "$TMP/cal.snap"
        check 'NR > 1 && $1 - prev < 4.5 { print "cal.timer ran twice within 5 s" } { prev = $1 }' "$TMP/cal.snap"
        [ "$(lines persist)" = 1 ] || wt_fail "persist.timer fired $(lines persist) times, want 1 (missed while off)"
        check -v t0="$t0" '{ d = $1 - t0; if (d > 3) print "persist.timer fired " d " s after start, want at once" }' "$TMP/persist.snap"
        m=$(stat -c %Y "$TMP/state/timers/stamp-persist.timer")
        check -v m="$m" -v t="$(raw persist.timer LastTriggerUSec)" 'BEGIN { if (int(t / 1e6) != m) print "stamp-persist.timer mtime " m ", last trigger " t }'
        [ "$(lines fresh)" = 0 ] || wt_fail "fresh.timer fired though its stamp is newer than its last elapse"
fi

# list-timers: each active timer, sorted by next elapse, n/a last.
wt_ctl list-timers >"$TMP/list" || wt_fail "list-timers failed"
head -1 "$TMP/list" | grep -qE '^NEXT +LEFT +LAST +PASSED +UNIT +ACTIVATES$' || wt_fail "list-timers header: $(head -1 "$TMP/list")"
want=5
[ $calendar = yes ] || want=2
grep -qx "$want timers listed." "$TMP/list" || wt_fail "list-timers footer: $(tail -2 "$TMP/list" | head -1)"
grep -E '^n/a +n/a +[A-Z][a-z][a-z] .* ago +active.timer +active.service$' "$TMP/list" >/dev/null ||
        wt_fail "list-timers: no elapsed active.timer row with its last trigger"
grep -E ' left +[A-Z][a-z][a-z] .* ago +unit.timer +unit.service$' "$TMP/list" >/dev/null ||
        wt_fail "list-timers: no unit.timer row with next and last"
awk 'NR > 1 && / left / { n++ } NR > 1 && /^n\/a/ { na = 1 } na && / left / { bad = 1 } END { exit bad }' "$TMP/list" ||
        wt_fail "list-timers: a timer with a next elapse after one without"
wt_ctl status unit.timer >"$TMP/status"
grep -qE '^ +Trigger: [A-Z][a-z][a-z] [0-9-]+ [0-9:]+ .*; .* left$' "$TMP/status" || wt_fail "status: no Trigger: line"
grep -qE '^ +Triggers: ● unit.service$' "$TMP/status" || wt_fail "status: no Triggers: line"
grep -qE '^ +Active: active \(waiting\)' "$TMP/status" || wt_fail "status: $(grep Active: "$TMP/status")"
# show: systemctl's shapes for the timer's properties.
wt_ctl show unit.timer >"$TMP/show"
for re in '^Unit=unit.service$' '^NextElapseUSecRealtime=n/a$' '^NextElapseUSecMonotonic=[0-9].*s$' \
        '^LastTriggerUSec=[A-Z][a-z][a-z] [0-9-]+ [0-9:]+ ' '^LastTriggerUSecMonotonic=[0-9]+$' '^AccuracyUSec=1ms$' \
        '^Result=success$'; do
        grep -qE "$re" "$TMP/show" || wt_fail "show unit.timer: nothing like $re"
done
wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
[ "$WT_FAILED" = 0 ] || { cat "$TMP/list" "$TMP/status"; }
wt_finish "timers fire on time (OnActiveSec, OnUnitActiveSec$([ $calendar = yes ] && echo ", OnCalendar, Persistent")); list-timers and status agree"
