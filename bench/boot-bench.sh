#!/bin/bash
# Boot benchmark (issue 3): generated DAGs of oneshot units, booted in the
# same run by
#   forkloop  N sequential fork+exec of the payload (bench/forkloop.c)
#   ideal     the minimal DAG executor (bench/ideal.c): the floor
#   weft      $BUILD/weft as PID 1 of `unshare --pid --fork --mount-proc`
#   systemd   /lib/systemd/systemd as PID 1 of a fenced namespace
#             (private pid, mount, uts, ipc, net and cgroup namespaces,
#             inherited mounts read-only), booting the very same unit files.
# Workloads: N=1000 chain W=0 and N=1000 random DAG W=20 (--quick: N=100).
# Reported per runner (best of $BENCH_REPEAT, default 3):
#   done_s   exec of the runner -> last payload's end stamp (CLOCK_MONOTONIC;
#            the runner is exec'd by `payload --stamp-exec`, which stamps t0);
#   exit_s   exec -> the runner exited (for inits: boot + shutdown);
#   tree_kib peak RSS of the biggest process in the runner's tree (maxrss);
#   init_kib VmHWM of the init itself, read from /proc/1/status by
#            bench-done.service just before it asks PID 1 to stop.
# BENCH_KEEP=1 keeps the work dir (units, logs, systemd's console).
# Every run has a timeout; only processes this script started are killed.
# A benchmark measures; it does not fail on a goal.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
REPEAT=${BENCH_REPEAT:-3}
RUN_TIMEOUT=${BENCH_TIMEOUT:-180}
EXIT_GRACE=15    # seconds an init gets to exit after bench-done's SIGTERM

for p in gendag payload ideal forkloop maxrss; do
        [ -x "$BUILD/$p" ] || { echo "boot-bench: $BUILD/$p missing (make BUILD=$BUILD bench-boot)"; exit 1; }
done
ABS_BUILD=$(realpath "$BUILD")
PAYLOAD=$ABS_BUILD/payload
# Under $BUILD, not /tmp: the fenced systemd gets a private /tmp, and the unit
# files and stamps must be the same paths inside and out.
WORK=$(mktemp -d "$ABS_BUILD/boot-bench.XXXXXX") || exit 1
CGROUP=""
cleanup() {
        if [ -n "$CGROUP" ] && [ -d "$CGROUP" ]; then
                find "$CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null ||
                        echo "boot-bench: warning: unable to remove cgroup $CGROUP"
        fi
        if [ -n "${BENCH_KEEP:-}" ]; then echo "boot-bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkfifo "$WORK/never" && exec {NEVER}<>"$WORK/never"
nap() { read -r -t "$1" -u "$NEVER" _ || true; }   # sleeps without forking

# ---------- the systemd peer: can it run here, safely? ----------
SYSTEMD=/lib/systemd/systemd
systemd_skip=""
cg2=""
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
        CGROUP=$cg2/weft-boot-bench.$$
        mkdir "$CGROUP" 2>/dev/null || systemd_skip="cannot create cgroup $CGROUP"
fi

# The fence, run as PID 1 of the new namespaces before exec'ing systemd.
# Any step failing aborts the run (set -e): systemd never starts unfenced.
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

# ---------- one measured run ----------
# run_one LABEL KIND UNITS CMD...: KIND is "exits" (the runner exits by itself)
# or "init" (wait for bench-done's init-status.txt, then EXIT_GRACE seconds
# for the init to exit; "init-kill": kill it at once, systemd re-executes on
# SIGTERM rather than stopping). Sets R_DONE R_EXIT R_RSS R_HWM R_OK R_NOTE.
run_one() {
        local label=$1 kind=$2 units=$3; shift 3
        local stamps=$units/stamps.txt status=$units/init-status.txt log=$WORK/$label.log
        rm -f "$stamps" "$status"
        R_DONE="" R_EXIT="" R_RSS="" R_HWM="-" R_OK="" R_NOTE=""
        timeout -k 5 "$RUN_TIMEOUT" "$BUILD/maxrss" "$PAYLOAD" --stamp-exec "$stamps" "$@" >"$log" 2>&1 &
        local tpid=$! deadline=$((SECONDS + RUN_TIMEOUT)) waited=0
        if [ "$kind" != exits ]; then
                while [ ! -e "$status" ] && kill -0 "$tpid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do nap 0.05; done
                if [ -e "$status" ]; then
                        [ "$kind" = init ] && waited=$EXIT_GRACE
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
                echo "boot-bench: warning: cgroup $CGROUP not empty"
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

# ---------- the workloads ----------
if [ $QUICK = 1 ]; then
        workloads=("chain 100 0" "random 100 20")
else
        workloads=("chain 1000 0" "random 1000 20")
fi
WEFT=$BUILD/weft
echo "boot-bench: $(nproc) CPUs, $(uname -r), best of $REPEAT runs, work dir $WORK"
[ -x "$WEFT" ] || echo "boot-bench: weft: skipped, $WEFT is not built yet"
[ -n "$systemd_skip" ] && echo "boot-bench: systemd: skipped, $systemd_skip"
systemd_broken=""

for w in "${workloads[@]}"; do
        read -r shape N W <<<"$w"
        units=$WORK/$shape-$N
        "$BUILD/gendag" --shape "$shape" --units "$N" --work-ms "$W" --seed 1 --edges-per-unit 3 \
                --payload "$PAYLOAD" --out "$units" || exit 1
        echo
        echo "== $shape N=$N W=${W}ms ($(awk '{ e += NF - 1 } END { print e }' "$units/dag.txt") edges)"
        declare -A best_done=() best_exit=() best_rss=() best_hwm=() status=()
        runners=(forkloop ideal)
        [ -x "$WEFT" ] && runners+=(weft)
        [ -z "$systemd_skip" ] && runners+=(systemd)
        for ((rep = 1; rep <= REPEAT; rep++)); do
                for r in "${runners[@]}"; do
                        case $r in
                        forkloop) run_one forkloop exits "$units" "$ABS_BUILD/forkloop" "$N" "$PAYLOAD" "$W" "$units/stamps.txt" ;;
                        ideal) run_one ideal exits "$units" "$ABS_BUILD/ideal" "$units/dag.txt" "$PAYLOAD" "$W" "$units/stamps.txt" ;;
                        weft)
                                rm -rf "$WORK/weft-run"; mkdir -p "$WORK/weft-run"
                                run_one weft init "$units" unshare --pid --fork --mount-proc \
                                        "$(realpath "$WEFT")" --unit-path "$units" --target bench.target \
                                        --runtime-dir "$WORK/weft-run" ;;
                        systemd)
                                [ -n "$systemd_broken" ] && continue
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
                        [ "$r" = systemd ] && [ -n "$systemd_broken" ] && { status[$r]="skipped: $systemd_broken"; continue; }
                        if [ -z "${best_done[$r]:-}" ] || { [ "$R_OK" = ok ] && { [ "${status[$r]}" != ok ] ||
                                awk "BEGIN { exit !($R_DONE < ${best_done[$r]}) }"; }; }; then
                                best_done[$r]=$R_DONE best_exit[$r]=$R_EXIT best_rss[$r]=$R_RSS best_hwm[$r]=$R_HWM
                                status[$r]="$R_OK${R_NOTE:+ ($R_NOTE)}"
                        fi
                done
        done
        printf '%-9s %9s %9s %10s %10s  %s\n' runner done_s exit_s tree_kib init_kib check
        for r in "${runners[@]}"; do
                if [ -z "${best_done[$r]:-}" ]; then printf '%-9s %s\n' "$r" "${status[$r]:-not run}"; continue; fi
                printf '%-9s %9s %9s %10s %10s  %s\n' "$r" "${best_done[$r]}" "${best_exit[$r]}" \
                        "${best_rss[$r]}" "${best_hwm[$r]}" "${status[$r]}"
        done
        ratio() { # A B -> A/B or n/a
                local a=${best_done[$1]:-} b=${best_done[$2]:-}
                if [ -n "$a" ] && [ -n "$b" ] && [ "${status[$1]}" = ok ] && [ "${status[$2]}" = ok ]; then
                        awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'
                else echo n/a; fi
        }
        echo "ratios (done_s): ideal/forkloop $(ratio ideal forkloop), systemd/ideal $(ratio systemd ideal)," \
                "weft/ideal $(ratio weft ideal), weft/systemd $(ratio weft systemd)"
        if [ "$shape" = chain ]; then echo "goals: weft/ideal <= 1.10x, weft/systemd <= 0.40x, weft init_kib < 4096"
        else echo "goals: weft/ideal <= 1.05x, weft init_kib < 4096"; fi
        unset best_done best_exit best_rss best_hwm status
done
