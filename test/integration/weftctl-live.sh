#!/bin/bash
# weftctl against a live weft: the live verbs' output and systemctl's exit
# codes, restart twice in a row (a restart is a stop then a start, and its
# client waits for both), a start whose requirement is missing, and exit CODE.
. "$(dirname "$0")/../lib/weft.sh"
wt_init weftctl-live

printf '[Unit]\nWants=a.service b.service\n' | wt_unit t.target
printf '[Unit]\nDescription=Service A\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo a-started; exec sleep 1000"\n' | wt_unit a.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo b-ran\n' | wt_unit b.service
printf '[Unit]\nDefaultDependencies=no\nRequires=missing.service\nAfter=missing.service\n[Service]\nExecStart=/bin/true\n' | wt_unit needs-missing.service

wt_start --target t.target
wt_wait_state a.service active

out=$(wt_ctl status a.service); rc=$?
[ $rc = 0 ] || wt_fail "status a.service exited $rc"
case "$out" in *"Service A"*"active (running)"*"Main PID:"*) ;; *) wt_fail "status output: $out" ;; esac
wt_ctl status nosuch.service >/dev/null 2>&1; rc=$?
[ $rc = 4 ] || wt_fail "status of an unknown unit exited $rc, not 4"
wt_ctl list-units | grep -q '^  *a.service *loaded *active *running' || wt_fail "list-units: $(wt_ctl list-units)"
[ "$(wt_ctl show a.service -P SubState)" = running ] || wt_fail "show -P SubState: $(wt_ctl show a.service -P SubState)"
pid1=$(wt_ctl show a.service -P MainPID)
wt_ctl restart a.service || wt_fail "restart exited $?"
wt_ctl restart a.service || wt_fail "second restart exited $?"
pid2=$(wt_ctl show a.service -P MainPID)
[ "$pid1" != "$pid2" ] && [ "$pid2" -gt 0 ] || wt_fail "MainPID did not change across restarts: $pid1 -> $pid2"
# A simple service is up at its exec; its shell echoes a moment later.
started3() { [ "$(grep -c a-started "$RUN/log/a.service.log")" = 3 ]; }
wt_until 10 started3 || wt_fail "a.service did not start 3 times"
wt_ctl start needs-missing.service 2>"$TMP/err"; rc=$?
[ $rc = 1 ] && grep -q 'failed' "$TMP/err" || wt_fail "start with a missing requirement exited $rc: $(cat "$TMP/err")"
wt_ctl stop a.service || wt_fail "stop exited $?"
wt_ctl is-active a.service >/dev/null; rc=$?
[ $rc = 3 ] || wt_fail "is-active of a stopped unit exited $rc, not 3"
wt_ctl --json list-units | grep -q '"Id":"b.service"' || wt_fail "--json list-units"
wt_ctl logs b.service | grep -q b-ran || wt_fail "logs b.service"
wt_ctl exit 5 || wt_fail "exit 5 exited $?"
wt_wait_exit
wt_assert_exit 5
wt_finish "live verbs, exit codes, restarts and exit CODE behave"
