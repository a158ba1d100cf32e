#!/bin/bash
# weftctl against a live weft (PID 1 of a private PID namespace): the live
# verbs' output and systemctl's exit codes, restart twice in a row (a
# restart is a stop then a start, and its client waits for both), a start
# whose requirement is missing, and exit CODE.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
NAME=weftctl-live
failed=0
fail() { echo "$NAME: FAIL: $*"; failed=1; }
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "$NAME: unshare not permitted, skipping"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-ctl-live.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
u=$tmp/units
mkdir -p "$u"
printf '[Unit]\nWants=a.service b.service\n' >"$u/t.target"
printf '[Unit]\nDescription=Service A\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo a-started; exec sleep 1000"\n' >"$u/a.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo b-ran\n' >"$u/b.service"
printf '[Unit]\nDefaultDependencies=no\nRequires=missing.service\nAfter=missing.service\n[Service]\nExecStart=/bin/true\n' >"$u/needs-missing.service"

timeout 60 unshare --pid --fork --mount-proc --kill-child "$BUILD/weft" --unit-path "$u" --target t.target \
        --runtime-dir "$tmp/run" >"$tmp/weft.log" 2>&1 &
weft=$!
ctl() { timeout 30 "$BUILD/weftctl" --runtime-dir "$tmp/run" "$@"; }
for _ in $(seq 100); do ctl is-active a.service >/dev/null 2>&1 && break; sleep 0.05; done

ctl is-active a.service >/dev/null || fail "a.service is not active"
out=$(ctl status a.service); rc=$?
[ $rc = 0 ] || fail "status a.service exited $rc"
case "$out" in *"Service A"*"active (running)"*"Main PID:"*) ;; *) fail "status output: $out" ;; esac
ctl status nosuch.service >/dev/null 2>&1; rc=$?
[ $rc = 4 ] || fail "status of an unknown unit exited $rc, not 4"
ctl list-units | grep -q '^  *a.service *loaded *active *running' || fail "list-units: $(ctl list-units)"
[ "$(ctl show a.service -P SubState)" = running ] || fail "show -P SubState: $(ctl show a.service -P SubState)"
pid1=$(ctl show a.service -P MainPID)
ctl restart a.service || fail "restart exited $?"
ctl restart a.service || fail "second restart exited $?"
pid2=$(ctl show a.service -P MainPID)
[ "$pid1" != "$pid2" ] && [ "$pid2" -gt 0 ] || fail "MainPID did not change across restarts: $pid1 -> $pid2"
[ "$(grep -c a-started "$tmp/run/log/a.service.log")" = 3 ] || fail "a.service did not start 3 times"
ctl start needs-missing.service 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q 'failed' "$tmp/err" || fail "start with a missing requirement exited $rc: $(cat "$tmp/err")"
ctl stop a.service || fail "stop exited $?"
ctl is-active a.service >/dev/null; rc=$?
[ $rc = 3 ] || fail "is-active of a stopped unit exited $rc, not 3"
ctl --json list-units | grep -q '"Id":"b.service"' || fail "--json list-units"
ctl logs b.service | grep -q b-ran || fail "logs b.service"
ctl exit 5 || fail "exit 5 exited $?"
wait "$weft"; rc=$?
[ $rc = 5 ] || fail "weft exited $rc after exit 5"
if grep -qE 'runtime error|ERROR: AddressSanitizer|LeakSanitizer|ThreadSanitizer' "$tmp/weft.log"; then
        fail "sanitizer report in weft's log"; cat "$tmp/weft.log"
fi
[ $failed = 0 ] && echo "$NAME: live verbs, exit codes, restarts and exit CODE behave"
exit $failed
