#!/bin/bash
# A service that ignores SIGTERM, with TimeoutStopSec=1s, does not hold up
# the shutdown: once the timeout passes weft kills it (SIGKILL), logs that,
# and exits 0. The shutdown is bounded at 30 s, well below the 90 s default
# stop timeout a weft that ignored TimeoutStopSec= would wait out.
. "$(dirname "$0")/../lib/weft.sh"
wt_init sigterm-ignoring-service

wt_unit t.target <<EOF
[Unit]
Wants=noterm.service
EOF
wt_unit noterm.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sh -c "trap '' TERM; echo started >>$TMP/noterm; exec sleep 1000"
TimeoutStopSec=1s
EOF

wt_start --target t.target
wt_until 10 test -s "$TMP/noterm" || wt_fail "noterm.service did not start"
wt_assert_answers
wt_assert_boot_record
wt_assert_no_zombies
wt_stop 30
wt_assert_exit 0
grep -qi 'noterm\.service.*kill' "$WT_LOG" || wt_fail "no log line says noterm.service was killed after its stop timeout"
wt_finish "a service that ignores SIGTERM is killed after TimeoutStopSec=1s; shutdown completes"
