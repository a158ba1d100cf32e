#!/bin/bash
# A service whose ExecStart= binary does not exist fails with a log line
# naming the unit and the errno text, and the boot goes on. Being
# Type=simple it counts as started once forked (SYSTEMD-SUBSET §2.4; systemd
# logs status=203/EXEC after "Started"), so a unit with Requires= and After=
# on it still runs.
. "$(dirname "$0")/../lib/weft.sh"
wt_init missing-binary

wt_unit t.target <<EOF
[Unit]
Wants=missing.service req-missing.service
EOF
wt_unit missing.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/nonexistent/weft-test-binary
EOF
wt_unit req-missing.service <<EOF
[Unit]
DefaultDependencies=no
Requires=missing.service
After=missing.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/req-missing'
EOF

wt_start --target t.target
wt_wait_state missing.service failed
wt_until 10 test -s "$TMP/req-missing"
wt_assert_answers
grep -q 'missing\.service.*No such file or directory' "$WT_LOG" ||
        wt_fail "no log line names missing.service and 'No such file or directory' (ENOENT)"
grep -q "missing\.service: Failed with result" "$WT_LOG" || wt_fail "missing.service did not fail"
[ "$(wt_lines "$TMP/req-missing")" = 1 ] ||
        wt_fail "req-missing.service ran $(wt_lines "$TMP/req-missing") times, want 1: simple counts as started once forked"
wt_assert_boot_record
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "a missing binary is logged with its errno, the unit fails, its Requires= dependent still runs"
