#!/bin/bash
# A service that crashes on every start (SIGSEGV) with Restart=on-failure
# is started exactly StartLimitBurst=3 times within StartLimitIntervalSec,
# then fails with result 'start-limit-hit' and is not started again.
. "$(dirname "$0")/../lib/weft.sh"
wt_init crash-loop-start-limit

wt_unit t.target <<EOF
[Unit]
Wants=crash.service
EOF
wt_unit crash.service <<EOF
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=10s
StartLimitBurst=3
[Service]
ExecStart=/bin/sh -c 'echo start >>$TMP/crash-starts; kill -SEGV \$\$\$\$'
Restart=on-failure
RestartSec=100ms
LimitCORE=0
WorkingDirectory=$TMP
EOF

wt_start --target t.target
wt_wait_state crash.service failed
sleep 0.6 # room for a fourth start (RestartSec=100ms) that must not come
wt_assert_answers
[ "$(wt_lines "$TMP/crash-starts")" = 3 ] ||
        wt_fail "crash.service started $(wt_lines "$TMP/crash-starts") times, want 3 (StartLimitBurst=3)"
grep -q "crash\.service: Failed with result 'start-limit-hit'" "$WT_LOG" ||
        wt_fail "crash.service did not fail with result 'start-limit-hit'"
[ "$(wt_ctl show crash.service -P Result)" = start-limit-hit ] ||
        wt_fail "crash.service shows Result=$(wt_ctl show crash.service -P Result), want start-limit-hit"
wt_assert_boot_record
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "a crash loop stops at StartLimitBurst=3 with result 'start-limit-hit'"
