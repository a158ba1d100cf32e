#!/bin/bash
# A oneshot leaves 10,000 orphans behind (issue 8's fault suite: "10,000
# orphans"). Each is a forked shell blocked reading a pipe whose last writer
# is the service itself; KillMode=none leaves them alone when the unit
# ends, so when the service exits they are orphaned to PID 1, get EOF and
# exit all at once: a burst of 10,000 SIGCHLDs for weft to reap. Then weft
# answers list-units within 1 s, the unit ordered after the oneshot ran,
# and no zombie is left. Bounded: the orphans die with the namespace if
# anything hangs.
. "$(dirname "$0")/../lib/weft.sh"
wt_init orphans
N=10000

wt_unit t.target <<EOF
[Unit]
Wants=orphans.service after-orphans.service
EOF
# fd 3 opens the FIFO read-write so the read-only (4) and write-only (5)
# opens do not block; each orphan drops its copy of the write end and
# waits for EOF on the read end.
wt_unit orphans.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
KillMode=none
TimeoutStartSec=300
ExecStart=/bin/sh -c 'mkfifo $TMP/fifo && exec 3<>$TMP/fifo 4<$TMP/fifo 5>$TMP/fifo 3>&- && i=0 && while [ \$\$i -lt $N ]; do (exec 5>&-; read x <&4) & i=\$\$((i + 1)); done; echo \$\$i >$TMP/forked'
EOF
wt_unit after-orphans.service <<EOF
[Unit]
DefaultDependencies=no
After=orphans.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/after'
EOF

only_weft_left() { [ "$(wt_ns_pids | wc -l)" -le 1 ]; }

wt_start --target t.target
# Forking 10,000 shells takes seconds on a busy machine: up to 120 s.
wt_until 120 test -s "$TMP/after"
wt_assert_answers
[ "$(cat "$TMP/forked" 2>/dev/null)" = $N ] ||
        wt_fail "orphans.service forked '$(cat "$TMP/forked" 2>/dev/null)' orphans, want $N"
[ "$(wt_lines "$TMP/after")" = 1 ] || wt_fail "after-orphans.service (After=orphans.service) did not run once"
wt_until 60 only_weft_left ||
        wt_fail "$(($(wt_ns_pids | wc -l) - 1)) processes besides weft still in its namespace 60 s after the orphans were released"
wt_assert_answers
wt_assert_no_zombies
[ "$(wt_ctl show after-orphans.service -P Result)" = success ] ||
        wt_fail "after-orphans.service's result is '$(wt_ctl show after-orphans.service -P Result)', want success"
wt_stop
wt_assert_exit 0
wt_finish "$N orphans exited at once and were reaped: 0 zombies, weft answered, the unit after them ran"
