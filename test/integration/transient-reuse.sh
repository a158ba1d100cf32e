#!/bin/bash
# A transient unit's name used again once its unit was collected, as
# systemd allows (systemd-run --unit=NAME from a daily job), with
# systemd-run on the private bus, no daemon-reload in between:
#  - a collected transient unit is not found, as systemd's is not;
#  - a service defined again under its name runs its new command;
#  - a definition that names other dependencies is refused with a reason
#    (weft keeps the collected unit, whose edges others hold), its file
#    removed, and the name still takes the first kind again;
#  - a scope's name likewise.
# Skips without systemd-run. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init transient-reuse
wt_need systemd-run

SOCK=/run/systemd/private
DIR=$TMP/transient
T=$((10 * ${WT_TIME_SCALE:-1})) # a bound for what must happen, not a timing
for t in t sysinit basic shutdown; do
        printf '[Unit]\nDefaultDependencies=no\n' | wt_unit $t.target
done
wt_start --target t.target --private-bus "$SOCK" --transient-dir "$DIR" || wt_finish ""
run() { wt_ns timeout 30 env SYSTEMD_COLORS=0 systemd-run "$@" 2>&1; }
gone() { test ! -e "$DIR/$1"; }
collected() { gone "$1" && ! wt_ctl list-units --all --no-legend | grep -q "$1"; }

out=$(run --unit=daily sh -c "echo first >> $TMP/daily.out") || wt_fail "systemd-run --unit=daily: $out"
wt_until "$T" collected daily.service || wt_fail "daily.service was not collected"
# Collected, it is gone, as systemd's is.
out=$(wt_ctl status daily.service 2>&1); rc=$?
[ "$rc" = 4 ] && case $out in *"could not be found"*) true ;; *) false ;; esac ||
        wt_fail "weftctl status of the collected daily.service (exit $rc): $out"
out=$(run --unit=daily sh -c "echo second >> $TMP/daily.out") || wt_fail "daily.service again: $out"
wt_until "$T" collected daily.service || wt_fail "daily.service (again) was not collected"
[ "$(cat "$TMP/daily.out" 2>&1)" = "$(printf 'first\nsecond')" ] ||
        wt_fail "the two runs wrote: $(cat "$TMP/daily.out" 2>&1)"

out=$(run --unit=daily -p After=t.target sh -c "echo third >> $TMP/daily.out") &&
        wt_fail "daily.service with other dependencies was taken: $out"
case $out in *"run daemon-reload to define it again"*) ;; *) wt_fail "daily.service with other dependencies: $out" ;; esac
grep -q "daily.service: defined again with other dependencies" "$WT_LOG" || wt_fail "no log line for the refusal"
gone daily.service || wt_fail "the refused file is still there"
out=$(run --unit=daily sh -c "echo fourth >> $TMP/daily.out") || wt_fail "daily.service after a refusal: $out"
wt_until "$T" collected daily.service || wt_fail "daily.service (fourth) was not collected"
grep -q fourth "$TMP/daily.out" || wt_fail "the fourth run did not run: $(cat "$TMP/daily.out")"
grep -q third "$TMP/daily.out" && wt_fail "the refused run ran"

out=$(run --scope --unit=sc true) || wt_fail "systemd-run --scope --unit=sc: $out"
wt_until "$T" collected sc.scope || wt_fail "sc.scope was not collected"
out=$(run --scope --unit=sc true) || wt_fail "sc.scope again: $out"

wt_assert_answers
wt_stop
wt_finish "transient names used again once collected: new command run, other dependencies refused with a reason"
