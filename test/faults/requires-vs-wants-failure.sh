#!/bin/bash
# When a oneshot fails, a unit with Requires= and After= on it never runs
# (its job fails with result 'dependency', and a log line says so), while a
# unit with Wants= and After= on it runs anyway (SYSTEMD-SUBSET §2.5).
. "$(dirname "$0")/../lib/weft.sh"
wt_init requires-vs-wants-failure

wt_unit t.target <<EOF
[Unit]
Wants=fail-oneshot.service req.service want.service
EOF
wt_unit fail-oneshot.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/fail-oneshot; exit 3'
EOF
wt_unit req.service <<EOF
[Unit]
DefaultDependencies=no
Requires=fail-oneshot.service
After=fail-oneshot.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/req'
EOF
wt_unit want.service <<EOF
[Unit]
DefaultDependencies=no
Wants=fail-oneshot.service
After=fail-oneshot.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/want'
EOF

wt_start --target t.target
wt_wait_state fail-oneshot.service failed
wt_until 10 test -s "$TMP/want"
wt_assert_answers
[ "$(wt_lines "$TMP/fail-oneshot")" = 1 ] ||
        wt_fail "fail-oneshot.service ran $(wt_lines "$TMP/fail-oneshot") times, want 1"
[ "$(wt_lines "$TMP/req")" = 0 ] || wt_fail "req.service (Requires+After a failed oneshot) ran; it must not start"
grep -q "req\.service.*dependency" "$WT_LOG" || wt_fail "no log line says req.service failed for a dependency"
[ "$(wt_ctl show req.service -P ActiveState)" = inactive ] ||
        wt_fail "req.service is $(wt_ctl show req.service -P ActiveState), want inactive: it never started"
[ "$(wt_lines "$TMP/want")" = 1 ] ||
        wt_fail "want.service (Wants+After a failed oneshot) ran $(wt_lines "$TMP/want") times, want 1"
wt_assert_boot_record
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "a failed oneshot cancels its Requires= dependent, not its Wants= dependent"
