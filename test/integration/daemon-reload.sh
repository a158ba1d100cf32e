#!/bin/bash
# daemon-reload on a live weft: running services keep running (same main
# pid), changed files apply at the next start, a new unit can be started
# without a reload (also one weft knew as not-found), a
# running unit whose file was deleted keeps running on its old
# configuration, a socket still activates its service afterwards, and SIGHUP
# reloads too.
. "$(dirname "$0")/../lib/weft.sh"
wt_init daemon-reload
wt_need socat

printf '[Unit]\nWants=a.service b.service echo.socket\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo a-v1; exec sleep 1000"\n' | wt_unit a.service
printf '[Unit]\nDescription=b the first\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo b-v1; exec sleep 1000"\n' | wt_unit b.service
printf '[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s/echo.sock\nAccept=yes\n' "$TMP" | wt_unit echo.socket
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/echo pong\nStandardInput=socket\n' | wt_unit echo@.service

wt_start --target t.target
wt_wait_state a.service active
wt_wait_state b.service active
pid_a=$(wt_ctl show a.service -P MainPID)
pid_b=$(wt_ctl show b.service -P MainPID)

printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c "echo a-v2; exec sleep 1000"\n' | wt_unit a.service
rm "$U/b.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo c-ran\n' | wt_unit c.service
wt_ctl daemon-reload || wt_fail "daemon-reload exited $?"

[ "$(wt_ctl show a.service -P MainPID)" = "$pid_a" ] || wt_fail "a.service was disturbed by the reload"
[ "$(wt_ctl show b.service -P MainPID)" = "$pid_b" ] || wt_fail "b.service (file deleted) was disturbed"
wt_ctl is-active b.service >/dev/null || wt_fail "b.service is no longer active"
# Its old configuration outlived the old table (and its arena).
[ "$(wt_ctl show b.service -P Description)" = "b the first" ] || wt_fail "b.service lost its old Description"
wt_ctl start c.service || wt_fail "starting the new c.service exited $?"
grep -q c-ran "$RUN/log/c.service.log" 2>/dev/null || wt_fail "c.service did not run"
wt_ctl restart a.service || wt_fail "restart a.service exited $?"
# Type=simple is active once it runs, maybe before its echo is written.
wt_until 10 grep -q a-v2 "$RUN/log/a.service.log" || wt_fail "a.service did not pick up its new ExecStart"
# Read only (-u): echo@.service never reads, so a write of ours could meet
# its closed end (EPIPE) and end socat before the reply was read.
reply=$(timeout 10 socat -t 5 -u "UNIX-CONNECT:$TMP/echo.sock" -)
[ "$reply" = pong ] || wt_fail "the socket no longer activates its service after the reload: '$reply'"
wt_ctl stop b.service || wt_fail "stopping b.service (running on its old file) exited $?"

# SIGHUP: the signal thread turns it into a reload.
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo d-ran\n' | wt_unit d.service
reloads() { [ "$(grep -c Reloaded "$WT_LOG")" -ge 2 ]; }
kill -HUP "$WEFT_PID"
wt_until 5 reloads || wt_fail "no second 'Reloaded' in weft's log after SIGHUP"
wt_ctl start d.service || wt_fail "starting d.service after SIGHUP exited $?"

# A unit file added after weft read the unit path, under a name weft never
# saw, or one it knew as not-found: started without a daemon-reload, as
# systemd's unit cache allows (test/integration/not-found-retry.sh has more).
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo e-ran\n' | wt_unit e.service
wt_ctl start e.service || wt_fail "starting e.service, added after the last reload, exited $?"
wt_ctl is-active e.service >/dev/null || wt_fail "e.service, added after the last reload, is not active"
wt_ctl status f.service >/dev/null 2>&1
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo f-ran\n' | wt_unit f.service
out=$(wt_ctl start f.service 2>&1) || wt_fail "f.service, known as not-found, then written: $out"
wt_ctl is-active f.service >/dev/null || wt_fail "f.service, known as not-found, then written, is not active"

wt_ctl exit 0 || wt_fail "exit failed"
wt_wait_exit
wt_assert_exit 0
wt_finish "running units undisturbed, new files at the next start, deleted ones kept, sockets live, SIGHUP reloads"
