#!/bin/bash
# RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and
# ConfigurationDirectory= (systemd.exec(5), issue 13 item 4), as sshd's
# RuntimeDirectory=sshd needs them:
# - every process of the unit (ExecStartPre too) finds each listed
#   directory made with its parents, mode *DirectoryMode=, owned by User=,
#   and its absolute paths in $RUNTIME_DIRECTORY... (":"-joined);
# - RuntimeDirectory= is removed when the unit stops (the item, not its
#   parents), kept with RuntimeDirectoryPreserve=yes, kept across a restart
#   (manual or automatic) only with RuntimeDirectoryPreserve=restart;
# - StateDirectory=, CacheDirectory=, LogsDirectory= below /var (tmpfs
#   mounted in weft's namespace first: the fence keeps /var read-only);
# - an existing ConfigurationDirectory= keeps its mode (read-only /etc);
# - a directory that cannot be made fails the unit naming the step:
#   "Failed at step RUNTIME_DIRECTORY spawning ...", 233, and 241 for /etc.
. "$(dirname "$0")/../lib/weft.sh"
wt_init exec-directories
wt_need nsenter stat

wt_unit t.target <<EOF
[Unit]
Wants=rt.service keep.service rs.service
EOF
wt_unit rt.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
User=nobody
RuntimeDirectory=foo bar/baz
RuntimeDirectoryMode=0750
ExecStartPre=/bin/sh -c 'echo pre >/run/foo/pre'
ExecStart=/bin/sh -c 'echo "$$RUNTIME_DIRECTORY" >/run/foo/env; id -un >>/run/foo/env'
EOF
wt_unit keep.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=keep
RuntimeDirectoryPreserve=yes
ExecStart=/bin/true
EOF
wt_unit rs.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=rs
RuntimeDirectoryPreserve=restart
ExecStart=/bin/true
EOF
# Restart=on-failure: exits 1 twice, then stays. A run that finds the
# previous run's mark says so in a log outside the directory.
for k in ar:restart an:no; do
        n=${k%%:*}
        wt_unit "$n.service" <<EOF
[Unit]
DefaultDependencies=no
[Service]
RuntimeDirectory=$n
RuntimeDirectoryPreserve=${k#*:}
Restart=on-failure
RestartSec=100ms
ExecStart=/bin/sh -c 'test -e /run/$n/mark && echo kept >>/run/$n-log; touch /run/$n/mark; echo run >>/run/$n-log; [ \$\$(grep -c run /run/$n-log) -ge 3 ] && exec sleep 1000; exit 1'
EOF
done
wt_unit state.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
User=nobody
StateDirectory=st/deep
StateDirectoryMode=0700
CacheDirectory=ca
LogsDirectory=lg
LogsDirectoryMode=0711
ConfigurationDirectory=default
ConfigurationDirectoryMode=0700
ExecStart=/bin/sh -c 'echo "$$STATE_DIRECTORY $$CACHE_DIRECTORY $$LOGS_DIRECTORY $$CONFIGURATION_DIRECTORY" >/var/lib/st/deep/env'
EOF
wt_unit blocked.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RuntimeDirectory=blocker/sub
ExecStart=/bin/true
EOF
wt_unit rocfg.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ConfigurationDirectory=weft-exec-dirs-test
ExecStart=/bin/true
EOF

wt_start --target t.target
wt_wait_state rt.service active
wt_wait_state keep.service active
wt_wait_state rs.service active
wt_assert_answers

got=$(wt_ns stat -c '%a %U' /run/foo /run/bar/baz /run/bar 2>&1 | tr '\n' ' ')
[ "$got" = "750 nobody 750 nobody 755 root " ] ||
        wt_fail "RuntimeDirectory=foo bar/baz, Mode 0750, User=nobody: got '$got', want 750 nobody (twice) and the parent 755 root"
[ "$(wt_ns cat /run/foo/pre 2>/dev/null)" = pre ] || wt_fail "ExecStartPre= could not write into its RuntimeDirectory="
env=$(wt_ns cat /run/foo/env 2>/dev/null | tr '\n' ' ')
[ "$env" = "/run/foo:/run/bar/baz nobody " ] ||
        wt_fail "the service saw RUNTIME_DIRECTORY and user '$env', want '/run/foo:/run/bar/baz nobody'"

# A restart removes RuntimeDirectory= (Preserve=no) but keeps it with Preserve=restart.
wt_ns touch /run/bar/baz/marker /run/rs/marker || wt_fail "cannot touch the markers"
wt_ctl restart rt.service rs.service >/dev/null || wt_fail "restart failed"
wt_wait_state rt.service active
wt_wait_state rs.service active
wt_ns test -e /run/bar/baz/marker && wt_fail "RuntimeDirectoryPreserve=no: the directory survived a restart"
wt_ns test -e /run/rs/marker || wt_fail "RuntimeDirectoryPreserve=restart: the directory did not survive a restart"

wt_ctl stop rt.service keep.service rs.service >/dev/null || wt_fail "stop failed"
wt_wait_state rt.service inactive
wt_wait_state keep.service inactive
wt_wait_state rs.service inactive
wt_ns test -e /run/foo && wt_fail "RuntimeDirectory=foo was not removed at stop"
wt_ns test -e /run/bar/baz && wt_fail "RuntimeDirectory=bar/baz was not removed at stop"
wt_ns test -d /run/bar || wt_fail "the parent /run/bar of RuntimeDirectory=bar/baz was removed"
wt_ns test -d /run/keep || wt_fail "RuntimeDirectoryPreserve=yes: the directory was removed at stop"
wt_ns test -e /run/rs && wt_fail "RuntimeDirectoryPreserve=restart: the directory was not removed at stop"

# An automatic restart keeps the directory only with Preserve=restart.
wt_ctl start ar.service an.service >/dev/null
# shellcheck disable=SC2016 # expanded by the inner sh
wt_until 10 wt_ns sh -c '[ "$(grep -c run /run/ar-log)" -ge 3 ] && [ "$(grep -c run /run/an-log)" -ge 3 ]' ||
        wt_fail "ar.service and an.service did not run three times: $(wt_ns cat /run/ar-log /run/an-log 2>&1 | tr '\n' ' ')"
[ "$(wt_ns grep -c kept /run/ar-log)" = 2 ] ||
        wt_fail "RuntimeDirectoryPreserve=restart: the directory did not survive both automatic restarts"
[ "$(wt_ns grep -c kept /run/an-log)" = 0 ] ||
        wt_fail "RuntimeDirectoryPreserve=no: the directory survived an automatic restart"
wt_ctl stop ar.service an.service >/dev/null
wt_wait_state ar.service inactive
wt_ns test -e /run/ar && wt_fail "RuntimeDirectoryPreserve=restart: the directory was not removed at stop"

# /var is read-only in the fence: give weft's namespace writable /var/lib, /var/cache, /var/log.
for d in /var/lib /var/cache /var/log; do
        wt_ns mount -t tmpfs -o mode=0755 tmpfs "$d" || wt_fail "cannot mount a tmpfs on $d in weft's namespace"
done
mode_before=$(wt_ns stat -c '%a' /etc/default)
wt_ctl start state.service >/dev/null
wt_wait_state state.service active
got=$(wt_ns stat -c '%a %U' /var/lib/st/deep /var/lib/st /var/cache/ca /var/log/lg 2>&1 | tr '\n' ' ')
[ "$got" = "700 nobody 755 root 755 nobody 711 nobody " ] ||
        wt_fail "StateDirectory=st/deep (0700), CacheDirectory=ca, LogsDirectory=lg (0711), User=nobody: got '$got'"
env=$(wt_ns cat /var/lib/st/deep/env 2>/dev/null)
[ "$env" = "/var/lib/st/deep /var/cache/ca /var/log/lg /etc/default" ] ||
        wt_fail "the service saw '$env', want '/var/lib/st/deep /var/cache/ca /var/log/lg /etc/default'"
[ "$(wt_ns stat -c '%a' /etc/default)" = "$mode_before" ] ||
        wt_fail "an existing ConfigurationDirectory= had its mode changed"
wt_ctl stop state.service >/dev/null
wt_wait_state state.service inactive
wt_ns test -d /var/lib/st/deep || wt_fail "StateDirectory= was removed at stop"

# A parent that is a regular file, and a read-only /etc, fail the unit with the step named.
wt_ns touch /run/blocker
wt_ctl start blocked.service rocfg.service >/dev/null 2>&1
wt_wait_state blocked.service failed
wt_wait_state rocfg.service failed
grep -q 'blocked\.service: Failed at step RUNTIME_DIRECTORY spawning /bin/true: Not a directory' "$WT_LOG" ||
        wt_fail "no 'Failed at step RUNTIME_DIRECTORY spawning /bin/true: Not a directory' line"
grep -q 'rocfg\.service: Failed at step CONFIGURATION_DIRECTORY spawning /bin/true: Read-only file system' "$WT_LOG" ||
        wt_fail "no 'Failed at step CONFIGURATION_DIRECTORY spawning /bin/true: Read-only file system' line"
status=$(wt_ctl show -p ExecMainStatus blocked.service 2>/dev/null)
case $status in *233*) ;; *) wt_fail "blocked.service: ExecMainStatus '$status', want 233" ;; esac
wt_assert_answers

wt_stop
wt_finish "exec directories made, owned, exported, removed and preserved as systemd does; failures name the step"
