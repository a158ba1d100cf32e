#!/bin/bash
# daemon-reload with weft as PID 1 of a private PID namespace: running
# services keep running (same main pid), changed files apply at the next
# start, a new unit can be started, a running unit whose file was deleted
# keeps running on its old configuration, a socket still activates its
# service afterwards, and SIGHUP reloads too.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
NAME=daemon-reload
failed=0
fail() { echo "$NAME: FAIL: $*"; failed=1; }
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "$NAME: unshare not permitted, skipping"; exit 0; }
command -v socat >/dev/null || { echo "$NAME: socat not installed, skipping"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-reload.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
u=$tmp/units
mkdir -p "$u"
printf '[Unit]\nWants=a.service b.service echo.socket\n' >"$u/t.target"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo a-v1; exec sleep 1000"\n' >"$u/a.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo b-v1; exec sleep 1000"\n' >"$u/b.service"
printf '[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s/echo.sock\nAccept=yes\n' "$tmp" >"$u/echo.socket"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/echo pong\nStandardInput=socket\n' >"$u/echo@.service"

timeout 60 unshare --pid --fork --mount-proc --kill-child "$BUILD/weft" --unit-path "$u" --target t.target \
        --runtime-dir "$tmp/run" >"$tmp/weft.log" 2>&1 &
weft=$!
ctl() { timeout 30 "$BUILD/weftctl" --runtime-dir "$tmp/run" "$@"; }
for _ in $(seq 100); do ctl is-active a.service b.service >/dev/null 2>&1 && break; sleep 0.05; done
pid_a=$(ctl show a.service -P MainPID)
pid_b=$(ctl show b.service -P MainPID)

printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo a-v2; exec sleep 1000"\n' >"$u/a.service"
rm "$u/b.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo c-ran\n' >"$u/c.service"
ctl daemon-reload || fail "daemon-reload exited $?"

[ "$(ctl show a.service -P MainPID)" = "$pid_a" ] || fail "a.service was disturbed by the reload"
[ "$(ctl show b.service -P MainPID)" = "$pid_b" ] || fail "b.service (file deleted) was disturbed"
ctl is-active b.service >/dev/null || fail "b.service is no longer active"
ctl start c.service || fail "starting the new c.service exited $?"
grep -q c-ran "$tmp/run/log/c.service.log" 2>/dev/null || fail "c.service did not run"
ctl restart a.service || fail "restart a.service exited $?"
grep -q a-v2 "$tmp/run/log/a.service.log" || fail "a.service did not pick up its new ExecStart"
reply=$(echo ping | timeout 10 socat -t 5 - "UNIX-CONNECT:$tmp/echo.sock")
[ "$reply" = pong ] || fail "the socket no longer activates its service after the reload: '$reply'"
ctl stop b.service || fail "stopping b.service (running on its old file) exited $?"

# SIGHUP: the signal thread turns it into a reload.
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo d-ran\n' >"$u/d.service"
# weft is the grandchild of the timeout we started (timeout -> unshare -> weft).
us=$(cat /proc/$weft/task/*/children 2>/dev/null | awk '{print $1}' | head -1)
wpid=$(cat /proc/$us/task/*/children 2>/dev/null | awk '{print $1}' | head -1)
[ -n "$wpid" ] && kill -HUP "$wpid"
for _ in $(seq 100); do grep -q Reloaded "$tmp/weft.log" && [ "$(grep -c Reloaded "$tmp/weft.log")" -ge 2 ] && break; sleep 0.05; done
ctl start d.service || fail "starting d.service after SIGHUP exited $?"

ctl exit 0 || fail "exit failed"
wait "$weft"; rc=$?
[ $rc = 0 ] || fail "weft exited $rc"
if grep -qE 'runtime error|ERROR: AddressSanitizer|LeakSanitizer|ThreadSanitizer' "$tmp/weft.log"; then
        fail "sanitizer report in weft's log"; cat "$tmp/weft.log"
fi
[ $failed = 0 ] && echo "$NAME: running units undisturbed, new files at the next start, deleted ones kept, sockets live, SIGHUP reloads"
exit $failed
