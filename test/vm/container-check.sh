#!/bin/bash
# make container-check (issue 10, item 4): the Debian 12 tree that
# test/vm/build-image.sh debootstraps and caches, booted as PID 1 of a
# container (pid, mount, uts, ipc, net and cgroup namespaces, private /run,
# /tmp, /dev and cgroup2, `container=weft-test` in the environment, no
# CAP_SYS_RESOURCE or CAP_SYS_BOOT, as a docker-like runtime gives), once by
# the image's own systemd 252 and once by weft. Each boot runs on a throwaway
# overlay of the cached tree (the cache is never written), waits (bounded)
# for the boot to settle, dumps the unit table through nsenter, and is
# killed by its PID. Fails when a unit active under systemd is not active
# under weft, printing the difference.
#   WEFT_VM_CACHE          the image cache (default /var/cache/weft-vm)
#   WEFT_SYSCONT_ONLY      weft or systemd: boot only that one
#   WEFT_SYSCONT_TIMEOUT   seconds one boot may take to settle (default 60)
# Artifacts: $BUILD/syscont/{systemd,weft}/ (console.log, units.txt, jobs).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
OUT=$PWD/$BUILD/syscont
CACHE=${WEFT_VM_CACHE:-/var/cache/weft-vm}
SETTLE=${WEFT_SYSCONT_TIMEOUT:-60}
export PATH=$PATH:/usr/sbin:/sbin
t0=$(date +%s)
say() { echo "container-check: $*"; }

[ "$(id -u)" = 0 ] || { say "FAIL: needs root (namespaces, mounts)"; exit 1; }
for b in weft weftctl; do
        [ -x "$BUILD/vm/$b" ] || { say "$BUILD/vm/$b missing: use make container-check"; exit 1; }
done
for c in unshare nsenter setpriv flock socat; do
        command -v $c >/dev/null || { say "FAIL: $c missing (util-linux)"; exit 1; }
done

# The tree: the one build-image.sh keys by suite and package list. When it
# is not there (a fresh machine), build it with that same script.
suite=$(sed -n 's/^SUITE=//p' test/vm/build-image.sh)
pkgs=$(sed -n 's/^PACKAGES=//p' test/vm/build-image.sh)
TREE=$CACHE/tree-$(echo "$suite $pkgs" | sha256sum | cut -c1-12)
if [ ! -e "$TREE/.debootstrapped" ] || [ ! -s "$TREE/etc/hostname" ]; then
        say "no cached tree at $TREE: building it (test/vm/build-image.sh)"
        if ! test/vm/deps.sh >&2 || ! test/vm/build-image.sh >/dev/null; then
                say "FAIL: building the tree"; exit 1
        fi
fi
# A shared lock on the cache for the whole run: build-image.sh takes it
# exclusively before it touches the tree.
exec 9>"$CACHE/.lock"
flock -s -w 600 9 || { say "FAIL: the cache is locked"; exit 1; }

# A fresh cgroup2 directory per boot, the container's cgroup namespace root.
CG2=""
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
        [ "$(stat -fc %T "$d" 2>/dev/null)" = cgroup2fs ] && { CG2=$d; break; }
done
[ -n "$CG2" ] || { say "FAIL: no cgroup2 hierarchy to give the container"; exit 1; }

WORK=$(mktemp -d /tmp/weft-syscont.XXXXXX) || exit 1
CGROUP="" NSPID="" UPID="" SOCAT=""
cleanup() {
        [ -n "$NSPID" ] && kill -KILL "$NSPID" 2>/dev/null
        [ -n "$UPID" ] && { kill -KILL "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null; }
        [ -n "$SOCAT" ] && { kill "$SOCAT" 2>/dev/null; wait "$SOCAT" 2>/dev/null; }
        if [ -n "$CGROUP" ] && [ -d "$CGROUP" ]; then
                for _ in 1 2 3 4 5 6 7 8 9 10; do
                        find "$CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null && break
                        sleep 0.2
                done
                [ -d "$CGROUP" ] && say "warning: cgroup $CGROUP left behind"
        fi
        CGROUP="" NSPID="" UPID="" SOCAT=""
}
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# What is injected over /usr/local (as test/vm/run.sh does): weft, weftctl,
# their libraries beyond libc (found through their rpath /usr/local/lib/weft).
INJ=$WORK/inject
mkdir -p "$INJ"/{sbin,bin,lib/weft}
cp "$BUILD/vm/weft" "$INJ/sbin/weft"
cp "$BUILD/vm/weftctl" "$INJ/bin/weftctl"
ldd "$BUILD/vm/weft" "$BUILD/vm/weftctl" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
        grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' | while read -r l; do
                cp -L "$l" "$INJ/lib/weft/"
        done
# Loaded at first use (parse/lib_yaml.h): not in ldd's list.
cp -L "$(ldconfig -p | awk '$1 == "libyaml-0.so.2" && /x86-64/ { print $NF; exit }')" "$INJ/lib/weft/"

# The fence, run as PID 1 of the new namespaces: the overlay root, the API
# file systems a container runtime provides, pivot_root, then the init.
# Any step failing aborts (set -e): no init starts half-fenced.
cat >"$WORK/fence.sh" <<'EOF'
set -euo pipefail
tree=$1 layer=$2 inject=$3 console=$4 ctr=$5; shift 5
root=$layer/root
mount -t overlay overlay -o "lowerdir=$tree,upperdir=$layer/upper,workdir=$layer/work" "$root"
# A container image has no fstab entry for a disk it does not have.
: >"$root/etc/fstab"
# Probes, in the copy only: ConditionVirtualization= both ways, and
# settings a container without CAP_SYS_RESOURCE forbids (a negative
# OOMScoreAdjust=, limits above the hard ones), which systemd skips or
# clamps instead of failing the unit.
probe() { # NAME [Unit] LINE, [Service] LINES...
        local n=$1 u=$2 f=$root/etc/systemd/system/$1.service
        shift 2
        printf '[Unit]\n%s\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' "$u" >"$f"
        printf '%s\n' "$@" >>"$f"
        printf '[Install]\nWantedBy=multi-user.target\n' >>"$f"
        ln -s "../$n.service" "$root/etc/systemd/system/multi-user.target.wants/$n.service"
}
# A generator noting the virtualization PID 1 tells generators.
mkdir -p "$root/etc/systemd/system-generators"
printf '#!/bin/sh\necho "$SYSTEMD_VIRTUALIZATION" >/run/weft-probe-virt\n' \
        >"$root/etc/systemd/system-generators/weft-probe-virt"
chmod 755 "$root/etc/systemd/system-generators/weft-probe-virt"
probe weft-probe-container ConditionVirtualization=container
probe weft-probe-not-container ConditionVirtualization=!container
probe weft-probe-forbidden Description=forbidden-settings OOMScoreAdjust=-900 LimitNOFILE=infinity \
        LimitMEMLOCK=infinity LimitRTPRIO=infinity Nice=-5
mount --bind "$inject" "$root/usr/local"
mount -o remount,bind,ro "$root/usr/local"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
for p in sys sysrq-trigger; do
        if [ -e "$root/proc/$p" ]; then
                mount --bind "$root/proc/$p" "$root/proc/$p"
                mount -o remount,bind,ro "$root/proc/$p"
        fi
done
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
mount -t cgroup2 -o nsdelegate,nosuid,nodev,noexec cgroup2 "$root/sys/fs/cgroup"
mount -t tmpfs -o mode=755,nosuid tmpfs "$root/dev"
for n in null zero full random urandom tty; do
        touch "$root/dev/$n"
        mount --bind "/dev/$n" "$root/dev/$n"
done
touch "$root/dev/console"
mount --bind "$console" "$root/dev/console"
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$root/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
cd "$root"
mkdir -p .weft-oldroot
pivot_root . .weft-oldroot
cd /
umount -l /.weft-oldroot
rmdir /.weft-oldroot
exec >/dev/console 2>&1 </dev/null
exec setpriv --bounding-set -sys_resource,-sys_boot,-sys_module,-sys_time,-sys_rawio,-syslog,-mac_admin,-mac_override,-wake_alarm,-block_suspend,-sys_pacct,-audit_control,-audit_read \
        env -i container="$ctr" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
EOF

# in_ns CMD...: run CMD inside the container (its root, its namespaces),
# for at most IN_NS_SECS (10) s.
in_ns() {
        timeout -k 2 "${IN_NS_SECS:-10}" nsenter -t "$NSPID" -m -u -i -n -p -C -r -w -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin "$@"
}

# boot NAME CONTAINER VERB EXIT INIT [ARGS]: one container ($container set
# to CONTAINER), settled, its unit table dumped; then `CTL VERB` must end
# it with exit status EXIT within 30 s.
boot() {
        local name=$1 ctr=$2 verb=$3 want=$4 d=$OUT/$1 layer=$WORK/$1 ctl state c start end rc
        shift 4
        rm -rf "$d"; mkdir -p "$d" "$layer"/{upper,work,root}
        : >"$d/console.log"
        # The console is a pty (as under nspawn or docker -t), so gettys
        # behave as they would there; socat copies what it shows to a file,
        # and ends when PID 1, which holds it as stdio, is gone.
        socat -u PTY,link="$layer/console",raw,echo=0,wait-slave OPEN:"$d/console.log",creat,append \
                2>"$d/socat.log" &
        SOCAT=$!
        for _ in $(seq 50); do [ -e "$layer/console" ] && break; sleep 0.1; done
        [ -e "$layer/console" ] || { say "FAIL: $name: socat made no pty"; cleanup; return 1; }
        CGROUP=$CG2/weft-syscont.$$.$name
        mkdir "$CGROUP" || { say "FAIL: cannot create cgroup $CGROUP"; return 1; }
        start=$(date +%s.%N)
        # Enter the fresh cgroup, then unshare: it is the cgroupns root.
        /bin/sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CGROUP" \
                unshare --pid --fork --kill-child --mount --propagation private --uts --ipc --net --cgroup \
                /bin/bash "$WORK/fence.sh" "$TREE" "$layer" "$INJ" "$(readlink -f "$layer/console")" "$ctr" "$@" \
                >"$d/fence.log" 2>&1 </dev/null &
        UPID=$!
        # The container's PID 1: unshare's child that is PID 1 of its own
        # namespace (NSpid: HOSTPID 1), not a helper unshare may fork first.
        for _ in $(seq 50); do
                # shellcheck disable=SC2013 # one line of space-separated pids
                for c in $(cat "/proc/$UPID/task/$UPID/children" 2>/dev/null); do
                        awk '$1 == "NSpid:" && $NF == 1 { ok = 1 } END { exit !ok }' "/proc/$c/status" 2>/dev/null &&
                                NSPID=$c
                done
                [ -n "$NSPID" ] && break
                sleep 0.1
        done
        [ -n "$NSPID" ] || { say "FAIL: $name: no container PID 1"; cleanup; return 1; }
        case $name in weft*) ctl=weftctl ;; *) ctl=systemctl ;; esac
        # Settled: the default target's start is over (no job left) and
        # multi-user.target is active; at most $SETTLE seconds.
        state=timeout
        for _ in $(seq $((SETTLE * 4))); do
                kill -0 "$NSPID" 2>/dev/null || { state="PID 1 died"; break; }
                if in_ns $ctl is-active -q multi-user.target 2>/dev/null &&
                   ! in_ns $ctl list-jobs --no-legend 2>/dev/null | grep -qv '^No jobs'; then
                        state=settled; break
                fi
                sleep 0.25
        done
        end=$(date +%s.%N)
        say "$name: $state after $(echo "$end - $start" | bc) s"
        in_ns $ctl list-jobs >"$d/jobs.txt" 2>&1
        in_ns $ctl list-units --all --no-legend --plain 2>/dev/null |
                awk '{ if ($1 == "●") $1 = ""; $0 = $0; print $1, $3, $4 }' | sort >"$d/units.txt"
        in_ns $ctl --failed --no-legend --plain list-units >"$d/failed.txt" 2>&1
        in_ns cat /run/systemd/container >"$d/container.txt" 2>&1
        in_ns cat /run/weft-probe-virt >"$d/virt.txt" 2>&1
        [ "$ctl" = weftctl ] && in_ns tar -C /run/weft -c log 2>/dev/null | tar -C "$d" -x 2>/dev/null
        # PID 1's own unit, as `status PID` finds it: init.scope.
        local pid1_ok=yes
        if [ "$state" = settled ]; then
                in_ns $ctl status --no-pager 1 >"$d/status-1.txt" 2>&1
                head -1 "$d/status-1.txt" | grep -q 'init\.scope' || pid1_ok=no
                [ $pid1_ok = yes ] || say "FAIL: $name: $ctl status 1 is not init.scope's: $(head -3 "$d/status-1.txt")"
        fi
        # The end the container asks for: PID 1 exits by itself, never
        # reboot(2)s anything. unshare exits with its child's status.
        rc=none
        if [ "$state" = settled ]; then
                IN_NS_SECS=30 in_ns $ctl "$verb" >>"$d/fence.log" 2>&1
                c=$?
                [ "$c" = 0 ] || say "$name: $ctl $verb itself exited $c (124: still running after 30 s)"
                for _ in $(seq 120); do kill -0 "$UPID" 2>/dev/null || break; sleep 0.25; done
                # systemd is the reference here, not what is tested: once
                # (on a loaded CI machine) its systemctl poweroff never
                # reached it. Then its own poweroff signal ends it, loudly.
                if [ "$name" = systemd ] && kill -0 "$UPID" 2>/dev/null; then
                        say "$name: still running 30 s after $ctl $verb; sending SIGRTMIN+4 (systemd's poweroff signal)"
                        kill -s RTMIN+4 "$NSPID" 2>/dev/null
                        for _ in $(seq 120); do kill -0 "$UPID" 2>/dev/null || break; sleep 0.25; done
                fi
                if ! kill -0 "$UPID" 2>/dev/null; then
                        wait "$UPID"; rc=$?
                fi
        fi
        kill -KILL "$NSPID" 2>/dev/null
        wait "$UPID" 2>/dev/null
        NSPID="" UPID=""
        cleanup
        if [ "$state" = settled ]; then
                say "$name: $ctl $verb: exit status $rc (want $want)"
                [ "$rc" = "$want" ] || state="exit $rc after $verb"
        fi
        [ "$state" = settled ] || { say "$name console (last lines):"; tail -15 "$d/console.log" | sed 's/^/  | /'; }
        [ "$state" = settled ] && [ $pid1_ok = yes ]
}

status=0
rm -rf "$OUT"; mkdir -p "$OUT"
if [ "${WEFT_SYSCONT_ONLY:-systemd}" = systemd ]; then
        # Without CAP_SYS_BOOT its reboot(2) fails and systemd-shutdown exits 0.
        boot systemd weft-test poweroff 0 /lib/systemd/systemd --show-status=false --log-target=console || status=1
fi
if [ "${WEFT_SYSCONT_ONLY:-weft}" = weft ]; then
        boot weft weft-test poweroff 0 /usr/local/sbin/weft || status=1
        # A reboot exits 133, systemd-nspawn's "reboot me"; a container
        # manager systemd knows by name is named to generators.
        boot weft-reboot docker reboot 133 /usr/local/sbin/weft || status=1
        say "generators were told SYSTEMD_VIRTUALIZATION=$(cat "$OUT/weft/virt.txt") (systemd: $(cat "$OUT/systemd/virt.txt" 2>/dev/null))"
        for f in weft:container.txt:weft-test weft:virt.txt:container:container-other \
                 weft-reboot:container.txt:docker weft-reboot:virt.txt:container:docker; do
                IFS=: read -r b file want <<<"$f"
                [ "$(cat "$OUT/$b/$file")" = "$want" ] ||
                        { say "FAIL: $b: $file is '$(cat "$OUT/$b/$file")', not $want"; status=1; }
        done
fi
if [ -s "$OUT/systemd/units.txt" ] && [ -s "$OUT/weft/units.txt" ]; then
        join -a1 -a2 -e - -o 0,1.2,1.3,2.2,2.3 "$OUT/systemd/units.txt" "$OUT/weft/units.txt" >"$OUT/joined.txt"
        say "units active under systemd, not active under weft:"
        awk '$2 == "active" && $4 != "active" { printf "  %-50s systemd %s/%s  weft %s/%s\n", $1, $2, $3, $4, $5; n++ }
             END { printf "container-check: %d missing\n", n; exit n > 0 }' "$OUT/joined.txt" || status=1
        say "units active under weft, not active under systemd (not a failure):"
        awk '$4 == "active" && $2 != "active" { printf "  %-50s systemd %s/%s  weft %s/%s\n", $1, $2, $3, $4, $5 }' "$OUT/joined.txt"
        say "units in both, same active state, another sub-state (not a failure):"
        awk '$2 == $4 && $3 != $5 && $4 != "-" { printf "  %-50s systemd %s/%s  weft %s/%s\n", $1, $2, $3, $4, $5 }' "$OUT/joined.txt"
        say "services active under both: $(awk '$2 == "active" && $4 == "active" && $1 ~ /\.service$/ { printf "%s ", $1 }' "$OUT/joined.txt")"
elif [ -z "${WEFT_SYSCONT_ONLY:-}" ]; then
        status=1
fi
say "artifacts in $OUT/{systemd,weft}/ (console.log, units.txt, failed.txt, jobs.txt)"
say "$([ $status = 0 ] && echo PASS || echo FAIL) in $(( $(date +%s) - t0 )) s"
exit $status
