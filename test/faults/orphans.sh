#!/bin/bash
# A oneshot leaves 10,000 orphans behind (issue 8's fault suite: "10,000
# orphans"). Each is a forked shell blocked reading a pipe whose last writer
# is the service itself, so when the service exits they all get EOF and
# exit at once: a burst of 10,000 SIGCHLDs for PID 1 (or weft kills them
# first with the unit's process group; a burst either way). Afterwards:
# weft answers list-units within 1 s, the unit ordered after the oneshot
# ran, and no zombie is left in the namespace. Bounded: the orphans die
# with the namespace if anything hangs.
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
ExecStart=/bin/sh -c 'mkfifo $TMP/fifo && exec 3<>$TMP/fifo 4<$TMP/fifo 5>$TMP/fifo 3>&- && i=0 && while [ \$\$i -lt $N ]; do (exec 5>&-; read x <&4) & i=\$\$((i + 1)); done; echo \$\$i >$TMP/forked'
TimeoutStartSec=300
EOF
wt_unit after-orphans.service <<EOF
[Unit]
DefaultDependencies=no
After=orphans.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/after'
EOF

ns_procs() { wt_ns_pids | wc -l; }

wt_start --target t.target
for i in $(seq 1200); do # up to 120 s: forking 10,000 shells is slow on a busy machine
        [ -s "$TMP/after" ] && break
        sleep 0.1
done
wt_assert_answers
[ "$(cat "$TMP/forked" 2>/dev/null)" = $N ] ||
        wt_fail "orphans.service forked '$(cat "$TMP/forked" 2>/dev/null)' orphans, want $N"
[ "$(cat "$TMP/after" 2>/dev/null)" = ran ] || wt_fail "after-orphans.service (After=orphans.service) did not run once"
# Every orphan gone: only weft is left in its namespace (60 s bound).
for i in $(seq 60); do
        n=$(ns_procs)
        [ "$n" -le 1 ] && break
        sleep 1
done
[ "$n" -le 1 ] || wt_fail "$((n - 1)) processes besides weft still in its namespace 60 s after the orphans were released"
wt_assert_answers
z=$(wt_zombies)
[ "$z" = 0 ] || wt_fail "$z zombies in weft's namespace"
[ "$(wt_ctl show after-orphans.service -P Result)" = success ] ||
        wt_fail "after-orphans.service's result is '$(wt_ctl show after-orphans.service -P Result)', want success"
wt_stop
wt_finish "$N orphans exited at once and were reaped: 0 zombies, weft answered, the unit after them ran"
