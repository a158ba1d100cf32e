#!/bin/bash
# Settings a container forbids are adapted, not fatal (issue 8, issue 10
# item 4). weft runs as PID 1 with RLIMIT_NOFILE 1024:4096 and without
# CAP_SYS_RESOURCE in its bounding and inheritable sets, as in a container.
# - LimitNOFILE=524288 is clamped to the hard limit weft has: the service
#   runs and sees 4096:4096 (systemd's setrlimit_closest), not 205/LIMITS;
# - OOMScoreAdjust=-900, which needs CAP_SYS_RESOURCE, is skipped with a
#   debug line: the service runs, not 206/OOM_ADJUST (Debian's dbus.service);
# - a step that really fails is logged naming the step, as systemd does:
#   "Failed at step CHDIR spawning /bin/true: No such file or directory".
. "$(dirname "$0")/../lib/weft.sh"
wt_init resource-clamp
wt_need prlimit setpriv

wt_unit t.target <<EOF
[Unit]
Wants=nofile.service oom.service chdir.service
EOF
wt_unit nofile.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
LimitNOFILE=524288
ExecStart=/bin/sh -c 'echo \$\$(ulimit -n):\$\$(ulimit -H -n) >$TMP/nofile'
EOF
wt_unit oom.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
OOMScoreAdjust=-900
ExecStart=/bin/sh -c 'cat /proc/self/oom_score_adj >$TMP/oom'
EOF
wt_unit chdir.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
WorkingDirectory=/nonexistent/weft-test-dir
ExecStart=/bin/true
EOF

WT_PREFIX="prlimit --nofile=1024:4096 setpriv --bounding-set -sys_resource --inh-caps -sys_resource" \
        wt_start --target t.target --log-level debug
# CAP_SYS_RESOURCE is capability 24.
capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$WEFT_PID/status" 2>/dev/null)
[ -n "$capeff" ] && [ $(( (0x$capeff >> 24) & 1 )) = 0 ] ||
        wt_fail "weft has CAP_SYS_RESOURCE (CapEff $capeff): the test would prove nothing"
wt_wait_state nofile.service active
wt_wait_state oom.service active
wt_wait_state chdir.service failed
wt_assert_answers

[ "$(cat "$TMP/nofile" 2>/dev/null)" = 4096:4096 ] ||
        wt_fail "LimitNOFILE=524288 under a hard limit of 4096: the service saw '$(cat "$TMP/nofile" 2>/dev/null)', want 4096:4096"
oom=$(cat "$TMP/oom" 2>/dev/null)
[ -n "$oom" ] && [ "$oom" != -900 ] ||
        wt_fail "OOMScoreAdjust=-900 without CAP_SYS_RESOURCE: the service saw '$oom', want it run with weft's own"
grep -q 'nofile\.service: Failed at setting rlimit 524288 for resource RLIMIT_NOFILE\. Will attempt setting value 4096 instead\.' "$WT_LOG" ||
        wt_fail "no debug line says RLIMIT_NOFILE was clamped to 4096"
grep -q 'oom\.service: Failed to adjust OOM setting, assuming containerized execution, ignoring: Permission denied' "$WT_LOG" ||
        wt_fail "no debug line says OOMScoreAdjust= was skipped"
grep -q 'chdir\.service: Failed at step CHDIR spawning /bin/true: No such file or directory' "$WT_LOG" ||
        wt_fail "a failing step is not logged as 'Failed at step CHDIR spawning /bin/true: No such file or directory'"
if grep -E '(nofile|oom)\.service: Failed at step' "$WT_LOG"; then
        wt_fail "a setting the container forbids failed its service"
fi

wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "LimitNOFILE= clamped to the hard limit (4096), OOMScoreAdjust= skipped without CAP_SYS_RESOURCE, a failing step named"
