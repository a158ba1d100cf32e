#!/bin/bash
# pids.max at start-up and mid-boot (B5). weft runs in a cgroup of its own
# whose pids.max is small:
# - at start-up, too small for weft's own threads: weft waits for them
#   (one line), never exits, and boots once the limit is raised;
# - mid-boot, room for weft's threads and two services of ten: the services
#   that could not fork fail with Result=resources, weft never exits, and
#   after the limit is raised `weftctl start` works.
# Needs a writable pids controller (cgroup2 with "pids", or cgroup v1's
# pids hierarchy); skips with a message otherwise.
. "$(dirname "$0")/../lib/weft.sh"
wt_init pids-max

# The pids controller: a cgroup2 mount that offers it, or v1's hierarchy.
CG=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
        grep -qw pids "$d/cgroup.controllers" 2>/dev/null || continue
        grep -qw pids "$d/cgroup.subtree_control" 2>/dev/null || echo +pids >"$d/cgroup.subtree_control" 2>/dev/null
        grep -qw pids "$d/cgroup.subtree_control" 2>/dev/null && CG=$d && break
done
[ -z "$CG" ] && [ -f /sys/fs/cgroup/pids/cgroup.procs ] && CG=/sys/fs/cgroup/pids
CGDIR=$CG/weft-fault-pids-max-$$
if [ -z "$CG" ] || ! mkdir "$CGDIR" 2>/dev/null; then
        echo "$WT_NAME: no writable pids cgroup controller under /sys/fs/cgroup, skipping"
        exit 0
fi
raiser=
cg_cleanup() {
        [ -n "$raiser" ] && kill "$raiser" 2>/dev/null
        wt_cleanup
        # weft and its children are gone (wt_cleanup): the cgroup is empty.
        local i
        for i in $(seq 50); do rmdir "$CGDIR" 2>/dev/null && return; sleep 0.1; done
        echo "$WT_NAME: could not remove $CGDIR"
}
trap cg_cleanup EXIT

# weft goes into the cgroup just before it is exec'd, so the limit counts
# only weft, its threads and its services. The fence makes /sys read-only
# inside weft's namespace, so the move is made from here: incg.sh waits
# (bounded) until mover() has found it by its unique path and moved it.
cat >"$TMP/incg.sh" <<EOF
#!/bin/sh
for i in \$(seq 200); do [ -e "$TMP/moved" ] && exec "\$@"; sleep 0.05; done
echo "incg.sh: not moved into the cgroup within 10 s" >&2
exit 1
EOF
chmod +x "$TMP/incg.sh"
mover() { # incg.sh is a child of wt_start's unshare, a child of this shell
        local h c pid=
        rm -f "$TMP/moved"
        for _ in $(seq 200); do
                for h in $(cat /proc/$$/task/*/children 2>/dev/null); do
                        for c in $(cat /proc/"$h"/task/*/children 2>/dev/null); do
                                case $(tr '\0' ' ' 2>/dev/null <"/proc/$c/cmdline") in
                                "/bin/sh $TMP/incg.sh "*) pid=$c ;;
                                esac
                        done
                done
                [ -n "$pid" ] && break
                sleep 0.05
        done
        [ -n "$pid" ] && echo "$pid" >"$CGDIR/cgroup.procs" && touch "$TMP/moved"
}

units="s01 s02 s03 s04 s05 s06 s07 s08 s09 s10"
wt_unit t.target <<EOF
[Unit]
Wants=$(for s in $units; do printf '%s.service ' "$s"; done)
EOF
for s in $units; do
        wt_unit "$s.service" <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 1000
EOF
done

# --- at start-up: 3 tasks, fewer than weft's 4 threads + 2 workers ---
echo 3 >"$CGDIR/pids.max"
mover &
( # Raise the limit once weft said it waits for a thread (bounded).
        for _ in $(seq 200); do
                grep -q 'retrying until a task is free' "$TMP/weft.log" 2>/dev/null && break
                sleep 0.05
        done
        sleep 1
        echo 64 >"$CGDIR/pids.max"
) &
raiser=$!
WT_PREFIX="$TMP/incg.sh" wt_start --target t.target --workers 2 || wt_finish "weft did not come up after pids.max was raised"
wait "$raiser"
n=$(grep -c 'retrying until a task is free' "$TMP/weft.log")
[ "$n" -ge 1 ] || wt_fail "weft never had to wait for a thread: the test did not test anything"
[ "$n" -le 4 ] || wt_fail "weft logged its wait $n times"
! grep -q 'exiting' "$TMP/weft.log" || wt_fail "weft tried to exit: $(grep -m1 exiting "$TMP/weft.log")"
for s in $units; do wt_wait_state "$s.service" active 10; done
wt_assert_answers
wt_assert_no_zombies
wt_stop
[ "$WEFT_RC" = 0 ] || wt_fail "weft exited $WEFT_RC after SIGTERM"
cp "$TMP/weft.log" "$TMP/startup.log"

# --- mid-boot: weft's 5 tasks (main, signal, io, scheduler, 1 worker) + 2 services ---
echo 7 >"$CGDIR/pids.max"
mover &
WT_PREFIX="$TMP/incg.sh" wt_start --target t.target --workers 1 || wt_finish "weft did not start"
running=0 resources=0
for s in $units; do
        for _ in $(seq 100); do
                st=$(wt_ctl show "$s.service" -P ActiveState 2>/dev/null)
                case $st in active | failed) break ;; esac
                sleep 0.05
        done
        result=$(wt_ctl show "$s.service" -P Result 2>/dev/null)
        case $st/$result in
        active/success) running=$((running + 1)) ;;
        failed/resources) resources=$((resources + 1)) ;;
        *) wt_fail "$s.service is $st with Result=$result: neither running nor failed for lack of resources" ;;
        esac
done
[ "$resources" -ge 1 ] || wt_fail "no service failed for lack of tasks: the test did not test anything"
[ $((running + resources)) = 10 ] || wt_fail "$running running + $resources failed (resources) is not 10"
grep -q 'exiting' "$TMP/weft.log" && wt_fail "weft tried to exit: $(grep -m1 exiting "$TMP/weft.log")"
wt_assert_answers

# Raised again: a start works.
echo 64 >"$CGDIR/pids.max"
failed=$(for s in $units; do [ "$(wt_ctl show "$s.service" -P ActiveState)" = failed ] && echo "$s.service"; done)
# shellcheck disable=SC2086
wt_ctl start $failed >/dev/null || wt_fail "weftctl start $failed failed after pids.max was raised"
for s in $units; do wt_wait_state "$s.service" active 10; done
wt_assert_answers
wt_assert_no_zombies
wt_stop
[ "$WEFT_RC" = 0 ] || wt_fail "weft exited $WEFT_RC after SIGTERM"
wt_finish "pids.max 3 at start-up: weft waited for its threads, booted when raised; pids.max 7 mid-boot: $running ran, $resources failed with Result=resources, all started once raised"
