# Shared by the boot benchmarks (bench/boot-bench.sh, bench/scale-bench.sh):
# source it from the repository root with BUILD set, then call bench_init.
#
#   bench_init NAME          checks the bench programs, makes the work dir
#                            WORK under $BUILD (removed at exit unless
#                            BENCH_KEEP=1), and finds out whether the
#                            systemd peer can run here (systemd_skip says
#                            why not); writes its fence
#   bench_workload DIR SHAPE N W
#                            gendag's units for one workload into DIR
#   bench_run RUNNER UNITS W one measured run of forkloop, ideal, weft or
#                            systemd on the units in UNITS; sets R_DONE
#                            R_EXIT R_RSS R_HWM R_OK R_NOTE (see run_one);
#                            a systemd run that fails sets systemd_broken
#   bench_ratio A B          A/B as "1.23x", or n/a when either is empty
#   nap SECS                 sleeps without forking
# Globals read: N (units in the workload, for the stamp check),
# RUN_TIMEOUT (seconds per run), EXIT_GRACE (seconds an init gets to exit
# after bench-done's SIGTERM).
#
# The runners, each exec'd by `payload --stamp-exec` (which stamps t0):
#   forkloop  N sequential fork+exec of the payload (bench/forkloop.c)
#   ideal     the minimal DAG executor (bench/ideal.c): the floor
#   weft      $BUILD/weft as PID 1 of fresh pid and mount namespaces fenced
#             by test/lib/fence.sh (inherited mounts read-only, fresh /run
#             and /tmp), its runtime dir (per-unit logs, boot record) on
#             that /run, a tmpfs as on a booted machine and as systemd's
#             fence gives systemd
#   systemd   /lib/systemd/systemd as PID 1 of a fenced namespace
#             (private pid, mount, uts, ipc, net and cgroup namespaces,
#             inherited mounts read-only), booting the very same unit files.
# Every run has a timeout; only processes these scripts started are killed.

: "${RUN_TIMEOUT:=180}" "${EXIT_GRACE:=15}"

bench_init() {
        local name=$1 p
        BENCH_NAME=$name
        for p in gendag payload ideal forkloop maxrss; do
                [ -x "$BUILD/$p" ] || { echo "$name: $BUILD/$p missing (make BUILD=$BUILD bench-boot)"; exit 1; }
        done
        ABS_BUILD=$(realpath "$BUILD")
        PAYLOAD=$ABS_BUILD/payload
        WEFT=$BUILD/weft
        # Under $BUILD, not /tmp: the fenced systemd gets a private /tmp, and
        # the unit files and stamps must be the same paths inside and out.
        WORK=$(mktemp -d "$ABS_BUILD/$name.XXXXXX") || exit 1
        CGROUP=""
        trap bench_cleanup EXIT
        trap 'exit 130' INT TERM
        mkfifo "$WORK/never" && exec {NEVER}<>"$WORK/never"
        systemd_probe
        systemd_broken=""
        [ -z "$systemd_skip" ] && write_fence
        return 0
}

bench_cleanup() {
        if [ -n "$CGROUP" ] && [ -d "$CGROUP" ]; then
                find "$CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null ||
                        echo "$BENCH_NAME: warning: unable to remove cgroup $CGROUP"
        fi
        if [ -n "${BENCH_KEEP:-}" ]; then echo "$BENCH_NAME: kept $WORK"; else rm -rf "$WORK"; fi
}

nap() { read -r -t "$1" -u "$NEVER" _ || true; }

# ---------- the systemd peer: can it run here, safely? ----------
systemd_probe() {
        SYSTEMD=/lib/systemd/systemd
        systemd_skip=""
        local cg2="" d
        if [ "$(id -u)" -ne 0 ]; then systemd_skip="not root"
        elif [ ! -x "$SYSTEMD" ]; then systemd_skip="$SYSTEMD not installed"
        elif ! command -v setpriv >/dev/null || ! command -v unshare >/dev/null; then systemd_skip="setpriv/unshare missing"
        else
                for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
                        [ "$(stat -fc %T "$d" 2>/dev/null)" = cgroup2fs ] && { cg2=$d; break; }
                done
                [ -n "$cg2" ] || systemd_skip="no cgroup2 hierarchy to give it a private cgroup"
        fi
        if [ -z "$systemd_skip" ]; then
                CGROUP=$cg2/weft-$BENCH_NAME.$$
                mkdir "$CGROUP" 2>/dev/null || { systemd_skip="cannot create cgroup $CGROUP"; CGROUP=""; }
        fi
}

# The fence, run as PID 1 of the new namespaces before exec'ing systemd.
# Any step failing aborts the run (set -e): systemd never starts unfenced.
write_fence() {
        cat >"$WORK/fence.sh" <<'EOF'
set -euo pipefail
keep=$1 units=$2 console=$3; shift 3
# Every inherited mount read-only (per-mount flag only; the host's stay rw).
while read -r mp; do
        mp=$(printf '%b' "$mp")
        case $mp in /proc|/proc/*) continue ;; esac
        mount -o remount,bind,ro "$mp"
done < <(awk '{ print $5 }' /proc/self/mountinfo)
# /proc is this namespace's own, but /proc/sys and sysrq reach the host.
# (No && lists below: set -e ignores a failure on the left of &&.)
for p in /proc/sys /proc/sysrq-trigger /proc/sys/kernel/core_pattern; do
        if [ -e "$p" ]; then
                mount --bind "$p" "$p"
                mount -o remount,bind,ro "$p"
        fi
done
for d in /run /tmp /var/tmp /var/log; do mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$d"; done
chmod 1777 /tmp /var/tmp
# The one writable place: the workload (stamps, init-status.txt, console).
mount --bind "$keep" "$keep"
mount -o remount,bind,rw "$keep"
# A private /dev: a few char devices, a file as the console, own devpts.
mkdir /run/hostdev
mount --bind /dev /run/hostdev
mount -t tmpfs -o mode=755,nosuid tmpfs /dev
for n in null zero full random urandom tty; do
        touch "/dev/$n"
        mount --bind "/run/hostdev/$n" "/dev/$n"
done
umount -l /run/hostdev
rmdir /run/hostdev
touch /dev/console
mount --bind "$console" /dev/console
mkdir /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd
# cgroup2 rooted at this run's fresh cgroup (the cgroup namespace's root).
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
# Empty read-only generator directories: no host fstab, disks or gettys.
for d in /etc/systemd/system-generators /usr/local/lib/systemd/system-generators \
         /usr/lib/systemd/system-generators /lib/systemd/system-generators \
         /etc/systemd/system-environment-generators /usr/local/lib/systemd/system-environment-generators \
         /usr/lib/systemd/system-environment-generators /lib/systemd/system-environment-generators; do
        if [ -d "$d" ]; then mount -t tmpfs -o ro,mode=755 tmpfs "$d"; fi
done
# Prove the fence before trusting it.
if touch /.weft-fence-probe 2>/dev/null || [ -w /proc/sys/kernel/core_pattern ]; then
        echo "fence: / or /proc/sys still writable, refusing to start systemd" >&2
        exit 1
fi
exec setpriv --bounding-set -sys_module,-sys_time,-sys_rawio,-syslog,-sys_boot,-mac_admin,-mac_override,-wake_alarm,-block_suspend,-sys_pacct,-audit_control,-audit_read,-audit_write \
        env -i container=weft-bench PATH=/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_UNIT_PATH="$units" "$@"
EOF
}

# ---------- one measured run ----------
# run_one LABEL KIND UNITS CMD...: CMD runs under `payload --stamp-exec`
# (t0) unless R_STAMP_INSIDE is set (CMD stamps itself). KIND is "exits" (the runner exits by itself)
# or "init" (wait for bench-done's init-status.txt, then EXIT_GRACE seconds
# for the init to exit; "init-kill": kill it at once, systemd re-executes on
# SIGTERM rather than stopping). Sets
#   R_DONE   exec of the runner -> last payload's end stamp (CLOCK_MONOTONIC);
#   R_EXIT   exec -> the runner exited (for inits: boot + shutdown);
#   R_RSS    peak RSS of the biggest process in the runner's tree (maxrss), KiB;
#   R_HWM    VmHWM of the init itself, KiB, read from /proc/1/status by
#            bench-done.service just before it asks PID 1 to stop ("-": none);
#   R_OK     "ok", or BAD(...) when a unit did not run once or an After= broke;
#   R_NOTE   why a run went wrong (timeout, killed), else empty.
run_one() {
        local label=$1 kind=$2 units=$3; shift 3
        local stamps=$units/stamps.txt status=$units/init-status.txt log=$WORK/$label.log
        rm -f "$stamps" "$status"
        R_DONE="" R_EXIT="" R_RSS="" R_HWM="-" R_OK="" R_NOTE=""
        [ -n "${R_STAMP_INSIDE:-}" ] || set -- "$PAYLOAD" --stamp-exec "$stamps" "$@"
        timeout -k 5 "$RUN_TIMEOUT" "$BUILD/maxrss" "$@" >"$log" 2>&1 &
        # An init is killed here a little before timeout fires: timeout signals
        # its own process group, which systemd (setsid) has left, so a
        # timed-out systemd outlived the run.
        local tpid=$! deadline=$((SECONDS + RUN_TIMEOUT - 3)) waited=0
        if [ "$kind" != exits ]; then
                while [ ! -e "$status" ] && kill -0 "$tpid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do nap 0.05; done
                if [ ! -e "$status" ] && kill -0 "$tpid" 2>/dev/null; then
                        R_NOTE="timed out after ${RUN_TIMEOUT}s"
                        kill_ns_init "$tpid"
                elif [ -e "$status" ]; then
                        [ "$kind" = init ] && waited=$((EXIT_GRACE * 10))  # tenths of a second
                        while kill -0 "$tpid" 2>/dev/null && [ $waited -gt 0 ]; do nap 0.1; waited=$((waited - 1)); done
                        if kill -0 "$tpid" 2>/dev/null; then
                                [ "$kind" = init ] && R_NOTE="did not exit ${EXIT_GRACE}s after SIGTERM; killed"
                                kill_ns_init "$tpid"
                        fi
                fi
        fi
        wait "$tpid"
        local rc=$?
        [ $rc -eq 124 ] || [ $rc -eq 137 -a "$kind" = exits ] && R_NOTE="timed out after ${RUN_TIMEOUT}s"
        local m
        m=$(grep '^wall_s=' "$log" | tail -1)
        R_EXIT=${m#wall_s=}; R_EXIT=${R_EXIT%% *}; R_RSS=${m##*maxrss_kib=}
        [ -e "$status" ] && R_HWM=$(awk '/^VmHWM:/ { print $2 }' "$status")
        # t0 = @exec; done = latest end stamp; check count and ordering.
        read -r R_DONE R_OK < <(awk -v n="$N" -v dag="$units/dag.txt" -v prefix="$label" '
                $1 == "@exec" { if (!t0) t0 = $2; next }
                { cnt++; seen[$1]++; s[$1] = $2; e[$1] = $3; if ($3 > last) last = $3 }
                END {
                        bad = 0
                        if (prefix != "forkloop") {
                                while ((getline line < dag) > 0) {
                                        k = split(line, f, " ")
                                        if (seen[f[1]] != 1) bad++
                                        for (i = 2; i <= k; i++) if (s[f[1]] < e[f[i]]) bad++
                                }
                        }
                        ok = (cnt == n && bad == 0) ? "ok" : sprintf("BAD(%d/%d ran, %d violations)", cnt, n, bad)
                        printf "%.3f %s\n", t0 && last ? (last - t0) / 1e9 : -1, ok
                }' "$stamps" 2>/dev/null || echo "-1 BAD(no stamps)")
        if [ "$R_OK" != ok ] && [ -z "$R_NOTE" ]; then R_NOTE="exit status $rc, see below"; fi
        if [ "$R_OK" != ok ]; then tail -5 "$log" | sed 's/^/    | /'; fi
}

# systemd leaves its slices and scopes behind in the run's cgroup.
cg_clean() {
        find "$CGROUP" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null ||
                echo "$BENCH_NAME: warning: cgroup $CGROUP not empty"
}

# The namespace's PID 1 is unshare's child: timeout -> maxrss -> unshare -> init.
kill_ns_init() {
        local p=$1 c
        for _ in 1 2 3; do
                c=$(cat "/proc/$p/task/$p/children" 2>/dev/null) || return 0
                p=${c%% *}
                [ -n "$p" ] || return 0
        done
        kill -KILL "$p" 2>/dev/null || true
}

bench_workload() {
        local dir=$1 shape=$2 n=$3 w=$4
        "$BUILD/gendag" --shape "$shape" --units "$n" --work-ms "$w" --seed 1 --edges-per-unit 3 \
                --payload "$PAYLOAD" --out "$dir"
}

bench_run() {
        local r=$1 units=$2 w=$3
        case $r in
        forkloop) run_one forkloop exits "$units" "$ABS_BUILD/forkloop" "$N" "$PAYLOAD" "$w" "$units/stamps.txt" ;;
        ideal) run_one ideal exits "$units" "$ABS_BUILD/ideal" "$units/dag.txt" "$PAYLOAD" "$w" "$units/stamps.txt" ;;
        weft)
                # Fenced as every weft run is (test/lib/fence.sh); t0 is stamped
                # inside, just before weft's exec; /run is the fence's tmpfs.
                R_STAMP_INSIDE=1 run_one weft init "$units" \
                        unshare --pid --fork --kill-child --mount --propagation private --mount-proc \
                        bash test/lib/fence.sh "$WORK" -- "$PAYLOAD" --stamp-exec "$units/stamps.txt" \
                        "$(realpath "$WEFT")" --unit-path "$units" --target bench.target --runtime-dir /run/weft ;;
        systemd)
                : >"$WORK/console.log"
                # Enter the run's fresh cgroup, then unshare: it is the cgroupns root.
                run_one systemd init-kill "$units" /bin/sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CGROUP" \
                        unshare --pid --fork --mount --propagation private --uts --ipc --net --cgroup --mount-proc \
                        /bin/bash "$WORK/fence.sh" "$WORK" "$units" "$WORK/console.log" \
                        "$SYSTEMD" --system --unit=bench.target --show-status=false \
                        --default-standard-output=null --log-target=console
                cg_clean
                if [ "$R_OK" != ok ]; then
                        systemd_broken="its run failed: ${R_NOTE:-$R_OK}"
                        echo "    systemd console (last lines):"; tail -8 "$WORK/console.log" | sed 's/^/    | /'
                fi ;;
        esac
}

bench_ratio() {
        if [ -n "$1" ] && [ -n "$2" ]; then
                awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'
        else echo n/a; fi
}
