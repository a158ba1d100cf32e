#!/bin/bash
# PID 1's start-up duties without a VM (--pid1-duties asks for them in the
# fence, with its own network and UTS namespaces): lo goes up, the host
# name comes from /etc/hostname, an empty read-only /etc/machine-id gets a
# transient ID bind-mounted from /run, umask 022, RLIMIT_NOFILE's hard
# limit is fs.nr_open while the soft one stays, and PATH is systemd's
# default (seen through a generator, which gets weft's PATH). Without --pid1-duties none of it happens.
. "$(dirname "$0")/../lib/weft.sh"
wt_init pid1-duties
command -v ip >/dev/null || { echo "pid1-duties: no ip(8), skipping"; exit 0; }

# Runs in the fence before weft: a different host name, an empty read-only
# machine-id, a known soft limit.
cat >"$TMP/pre.sh" <<EOS
#!/bin/sh
hostname wt-before || exit 1
: >"$TMP/machine-id"
mount --bind "$TMP/machine-id" /etc/machine-id || exit 1
mount -o remount,bind,ro /etc/machine-id || exit 1
exec prlimit --nofile=512:4096 "\$@"
EOS
chmod 755 "$TMP/pre.sh"
printf '[Unit]\nDefaultDependencies=no\nWants=commit.service\n' | wt_unit t.target
# As systemd-machine-id-commit.service: runs only when a file is mounted
# over /etc/machine-id (here in both runs: pre.sh mounts one).
printf '[Unit]\nDefaultDependencies=no\nConditionPathIsMountPoint=/etc/machine-id\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' | wt_unit commit.service

want_host=$(sed -n '/^[[:space:]]*[^#[:space:]]/{s/[[:space:]]//g;p;q}' /etc/hostname 2>/dev/null)
[ -n "$want_host" ] || want_host=localhost
nr_open=$(cat /proc/sys/fs/nr_open)
# Raising a hard limit needs CAP_SYS_RESOURCE, which a container may lack.
can_raise=1
bash -c "ulimit -Hn $nr_open" 2>/dev/null || can_raise=0
# A generator reports its environment: systemd's variables and weft's PATH.
mkdir -p "$TMP/gen"
printf '#!/bin/sh\n/usr/bin/env >"%s/env.out"\n' "$TMP" >"$TMP/gen/env"
chmod 755 "$TMP/gen/env"

check() { # ASKED: 1 when --pid1-duties was given
        local asked=$1 lo host mid soft hard umask env
        lo=$(nsenter -t "$WEFT_PID" -n ip -o link show lo)
        host=$(nsenter -t "$WEFT_PID" -u hostname)
        mid=$(nsenter -t "$WEFT_PID" -m cat /etc/machine-id)
        read -r soft hard < <(awk '/^Max open files/ { print $4, $5 }' "/proc/$WEFT_PID/limits")
        umask=$(awk '/^Umask/ { print $2 }' "/proc/$WEFT_PID/status")
        wt_wait_state commit.service active
        env=$(grep -v '^PWD=' "$TMP/env.out" | grep -v '^SHLVL=' | grep -v '^_=' | grep -v '^SYSTEMD_' | tr '\n' ' ')
        if [ "$asked" = 1 ]; then
                case $lo in *'<LOOPBACK,UP'*) ;; *) wt_fail "lo is not up: $lo" ;; esac
                [ "$host" = "$want_host" ] || wt_fail "host name is $host, /etc/hostname says $want_host"
                echo "$mid" | grep -Eqx '[0-9a-f]{32}' || wt_fail "machine ID is '$mid'"
                nsenter -t "$WEFT_PID" -m grep -Eqx '[0-9a-f]{32}' /run/machine-id ||
                        wt_fail "no transient /run/machine-id"
                # An empty machine-id is a stateless system, not a first boot.
                ! nsenter -t "$WEFT_PID" -m test -e /run/systemd/first-boot ||
                        wt_fail "an empty /etc/machine-id was taken for a first boot"
                [ "$can_raise" = 0 ] || [ "$hard" = "$nr_open" ] ||
                        wt_fail "RLIMIT_NOFILE hard limit is $hard, fs.nr_open is $nr_open"
                [ "$soft" = 512 ] || wt_fail "RLIMIT_NOFILE soft limit moved: $soft"
                [ "$umask" = 0022 ] || wt_fail "umask is $umask"
                [ "$env" = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin " ] ||
                        wt_fail "weft's PATH is not systemd's default: $env"
        else
                case $lo in *'<LOOPBACK,UP'*) wt_fail "lo is up without --pid1-duties" ;; esac
                [ "$host" = wt-before ] || wt_fail "host name changed without --pid1-duties: $host"
                [ -z "$mid" ] || wt_fail "machine ID set without --pid1-duties: $mid"
                [ "$hard" = 4096 ] || wt_fail "hard limit changed without --pid1-duties: $hard"
                case " $env" in *" PATH=$PATH "*) ;; *) wt_fail "PATH changed without --pid1-duties: $env" ;; esac
        fi
}

WT_UNSHARE="--net --uts" WT_PREFIX="$TMP/pre.sh"
wt_start --target t.target --generator-dir "$TMP/gen"
check 0
wt_ctl exit 0 || wt_fail "exit failed"
wt_wait_exit
wt_assert_exit 0

wt_start --target t.target --pid1-duties --generator-dir "$TMP/gen"
check 1
wt_assert_answers
wt_ctl exit 0 || wt_fail "exit failed"
wt_wait_exit
wt_assert_exit 0
[ "$can_raise" = 1 ] || echo "pid1-duties: no CAP_SYS_RESOURCE here, the NOFILE hard limit was not checked"
wt_finish "lo up, host name, transient machine ID, umask, NOFILE hard limit and PATH, only when asked"
