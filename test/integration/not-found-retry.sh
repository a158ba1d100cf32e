#!/bin/bash
# A unit that was not found when weft read the unit path is loaded when a
# request names it once its file is there, with no daemon-reload, as
# systemd retries such a unit (its unit cache):
#  - asked for before its file was written (weftctl status), then written
#    and started: it runs, after the new unit it names (After=, Wants=),
#    and says it needs no reload;
#  - named by the boot target (Wants=) while missing, then written with
#    PartOf= that target: it starts, and stopping the target stops it
#    (the edge reaches the target, loaded long before);
#  - written as an alias of another unit: refused with a reason, and a
#    daemon-reload loads it;
#  - still missing: not found;
#  - a unit read at boot, edited afterwards, still needs a reload (the
#    retried unit's read time is its own).
# KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init not-found-retry

for t in sysinit basic shutdown; do
        printf '[Unit]\nDefaultDependencies=no\n' | wt_unit $t.target
done
printf '[Unit]\nWants=ref.service alias.service other.service\n' | wt_unit t.target
oneshot() { printf '[Unit]\n%s\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=%s\n' "$2" "$3" | wt_unit "$1"; }
oneshot other.service "" /bin/true
wt_start --target t.target || wt_finish ""
wt_wait_state t.target active

out=$(wt_ctl status late.service 2>&1); rc=$?
[ "$rc" = 4 ] || wt_fail "status of the missing late.service: exit $rc: $out"
# dep.service takes a while; late.service finds its mark only if it ran after.
oneshot dep.service "" "/bin/sh -c 'sleep 0.3; touch $TMP/dep.done'"
oneshot late.service "Wants=dep.service
After=dep.service" "/bin/test -e $TMP/dep.done"
out=$(wt_ctl start late.service 2>&1) || wt_fail "start late.service once written: $out"
[ "$(wt_ctl show late.service -P ActiveState)" = active ] || wt_fail "late.service: $(wt_ctl status late.service 2>&1)"
[ "$(wt_ctl show dep.service -P ActiveState)" = active ] || wt_fail "dep.service was not pulled in"
[ "$(wt_ctl show late.service -P LoadState)" = loaded ] || wt_fail "late.service is $(wt_ctl show late.service -P LoadState)"
[ "$(wt_ctl show late.service -P NeedDaemonReload)" = no ] || wt_fail "late.service needs a reload just after it was read"
grep -q "late.service: its file appeared since weft read the unit path: loaded it" "$WT_LOG" ||
        wt_fail "no log line for late.service's load"

[ "$(wt_ctl show ref.service -P LoadState 2>/dev/null)" = not-found ] || wt_fail "ref.service was found at boot"
oneshot ref.service "PartOf=t.target" /bin/true
out=$(wt_ctl start ref.service 2>&1) || wt_fail "start ref.service once written: $out"
[ "$(wt_ctl show ref.service -P ActiveState)" = active ] || wt_fail "ref.service: $(wt_ctl status ref.service 2>&1)"
wt_ctl stop t.target || wt_fail "stop t.target"
[ "$(wt_ctl show ref.service -P ActiveState)" = inactive ] ||
        wt_fail "ref.service (PartOf=t.target) was not stopped with t.target: $(wt_ctl show ref.service -P ActiveState)"
# other.service, read at boot next to ref.service, and edited now.
oneshot other.service "Description=edited" /bin/true
[ "$(wt_ctl show other.service -P NeedDaemonReload)" = yes ] || wt_fail "the edited other.service needs no reload"
[ "$(wt_ctl show ref.service -P NeedDaemonReload)" = no ] || wt_fail "ref.service needs a reload"

oneshot real.service "" /bin/true
ln -s real.service "$U/alias.service"
out=$(wt_ctl start alias.service 2>&1) && wt_fail "alias.service, now an alias, started: $out"
case $out in *"run daemon-reload"*) ;; *) wt_fail "alias.service refused without a reason: $out" ;; esac
grep -q "alias.service: its file appeared as an alias" "$WT_LOG" || wt_fail "no log line for alias.service"
wt_ctl daemon-reload || wt_fail "daemon-reload"
out=$(wt_ctl start alias.service 2>&1) || wt_fail "alias.service after daemon-reload: $out"
[ "$(wt_ctl show real.service -P ActiveState)" = active ] || wt_fail "real.service did not start through its alias"

out=$(wt_ctl start missing.service 2>&1); rc=$?
[ "$rc" = 5 ] && case $out in *"not found"*) true ;; *) false ;; esac ||
        wt_fail "start missing.service: exit $rc: $out"


wt_assert_answers
wt_stop
wt_finish "a unit not found at first is loaded once its file is there, with its edges, without a daemon-reload"
