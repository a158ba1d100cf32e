#!/bin/bash
# weft crashes as PID 1 (a SIGSEGV, then a SIGABRT on top). PID 1 must not
# exit, since in a VM that is a kernel panic: it says what it caught, closes
# its sockets so no client hangs, and freezes, still reaping the orphans a
# service keeps making. With --crash-shell a shell runs on its stdio; with
# --crash-reboot it reboots, which in a PID namespace ends the namespace.
. "$(dirname "$0")/../lib/weft.sh"
wt_init pid1-crash
WT_CRASH_EXPECTED=1

wt_unit t.target <<EOF
[Unit]
Wants=orphan-maker.service
EOF
# An orphan every 0.1 s: the inner shell exits at once, its sleep goes to PID 1.
wt_unit orphan-maker.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sh -c 'while :; do sh -c "sleep 0.05 &"; sleep 0.1; done'
EOF

crashed() { grep -c "PID 1 crashed" "$WT_LOG"; }
# end_run: this run's weft and its namespace gone, by PID.
end_run() {
        kill -KILL "$WEFT_PID" 2>/dev/null
        wait "$WT_HOLDER" 2>/dev/null
        WT_HOLDER=
}

# 1. The freeze.
wt_start --target t.target
wt_wait_state orphan-maker.service active 10
kill -SEGV "$WEFT_PID"
wt_until 5 grep -q "freezing" "$WT_LOG" || wt_fail "no freeze line after SIGSEGV"
grep -q "PID 1 crashed: caught SIGSEGV from outside the PID namespace" "$WT_LOG" ||
        wt_fail "the crash line does not name the signal and its origin"
grep -q "not dumping core" "$WT_LOG" || wt_fail "no word on the core dump"
kill -ABRT "$WEFT_PID"
sleep 1
kill -0 "$WEFT_PID" 2>/dev/null || wt_fail "PID 1 exited after a crash"
[ "$(crashed)" = 1 ] || wt_fail "$(crashed) crash reports, want 1 (the second signal joins the first)"
timeout 5 "$WEFTCTL" --runtime-dir "$RUN" list-units >/dev/null 2>&1
rc=$?
[ "$rc" = 124 ] && wt_fail "weftctl hung on a frozen PID 1 (its control socket should be closed)"
[ "$rc" = 0 ] && wt_fail "a frozen PID 1 still answered weftctl"
wt_assert_no_zombies 3
end_run

# 2. The crash shell, on weft's stdio in a namespace.
echo "echo shell-ran >$TMP/shell-ran" >"$TMP/shell-input"
WT_STDIN=$TMP/shell-input wt_start --target t.target --crash-shell
kill -SEGV "$WEFT_PID"
wt_until 5 test -s "$TMP/shell-ran" || wt_fail "the crash shell did not run"
grep -q "crash shell is PID" "$WT_LOG" || wt_fail "the crash shell's PID was not logged"
kill -0 "$WEFT_PID" 2>/dev/null || wt_fail "PID 1 exited after the crash shell"
wt_assert_no_zombies 3
end_run

# 3. The crash reboot: reboot(2) in a PID namespace kills its init by SIGHUP.
wt_start --target t.target --crash-reboot
kill -BUS "$WEFT_PID"
wt_wait_exit 10
grep -q "caught SIGBUS" "$WT_LOG" || wt_fail "no crash line for SIGBUS"
grep -q "rebooting now" "$WT_LOG" || wt_fail "no reboot line"
[ "$WEFT_RC" = 129 ] || wt_fail "the namespace ended with $WEFT_RC, want 129 (its init killed by SIGHUP)"

wt_finish "a crashed PID 1 froze, reaped and closed its sockets; the shell and reboot options did their part"
