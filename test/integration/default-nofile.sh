#!/bin/bash
# systemd's DefaultLimitNOFILE=1024:524288 (systemd-system.conf(5)): a
# command whose unit sets no LimitNOFILE= gets soft 1024, hard 524288, not
# the hard limit PID 1 raised for itself to fs.nr_open; LimitNOFILE= still
# gets what it asks, up to fs.nr_open, and "infinity" the highest weft may
# give. weft starts as a VM's init does, with a soft limit above 1024 (the
# default lowers it) and a hard one below 524288 (the default raises it):
# - with --pid1-duties (weft raises its own hard limit): 1024:524288 for a
#   service's ExecStart= and its ExecStartPre=, LimitNOFILE=4096 4096:4096,
#   2048:8192 as written, 524288 and fs.nr_open as asked, infinity
#   fs.nr_open:fs.nr_open (systemd's setrlimit_closest);
# - without them (weft's hard limit stays 8192): the default is clamped to
#   it, 1024:8192, never above what weft has.
. "$(dirname "$0")/../lib/weft.sh"
wt_init default-nofile
wt_need prlimit

nr_open=$(cat /proc/sys/fs/nr_open)
# Raising a hard limit needs CAP_SYS_RESOURCE, which a container may lack.
can_raise=1
bash -c "ulimit -Hn $nr_open" 2>/dev/null || can_raise=0

# name -> LimitNOFILE= (empty: none)
declare -A limit=([dflt]='' [l4096]=4096 [pair]=2048:8192 [big]=524288 [nr]=$nr_open [inf]=infinity)
wants=
for n in "${!limit[@]}"; do
        wants="$wants $n.service"
        pre=
        [ "$n" = dflt ] && pre="ExecStartPre=/bin/sh -c 'echo \$\$(ulimit -Sn):\$\$(ulimit -Hn) >$TMP/pre.out'"
        wt_unit "$n.service" <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
${limit[$n]:+LimitNOFILE=${limit[$n]}}
$pre
ExecStart=/bin/sh -c 'echo \$\$(ulimit -Sn):\$\$(ulimit -Hn) >$TMP/$n.out'
EOF
done
printf '[Unit]\nDefaultDependencies=no\nWants=%s\n' "$wants" | wt_unit t.target

# check NAME WANT: what NAME's command saw is WANT ("soft:hard").
check() {
        local got
        got=$(cat "$TMP/$1.out" 2>/dev/null)
        [ "$got" = "$2" ] || wt_fail "$1 (LimitNOFILE=${limit[$1]:-unset}): saw '$got', want $2"
}

run() { # DUTIES: --pid1-duties or nothing
        rm -f "$TMP"/*.out
        WT_UNSHARE="--net --uts" WT_PREFIX="prlimit --nofile=8192:8192" wt_start --target t.target "$@"
        for n in "${!limit[@]}"; do wt_wait_state "$n.service" active; done
        wt_assert_answers
}

run --pid1-duties
if [ "$can_raise" = 1 ]; then
        hard=$((nr_open < 524288 ? nr_open : 524288))
        check dflt "1024:$hard"
        check pre "1024:$hard"
        check big 524288:524288
        check nr "$nr_open:$nr_open"
        check inf "$nr_open:$nr_open"
else
        echo "default-nofile: no CAP_SYS_RESOURCE here, weft's hard limit stays 8192"
        check dflt 1024:8192
        check pre 1024:8192
fi
check l4096 4096:4096
check pair 2048:8192
wt_stop
wt_assert_exit 0

run
check dflt 1024:8192
check pre 1024:8192
check l4096 4096:4096
check big 8192:8192
check inf 8192:8192
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "DefaultLimitNOFILE=1024:524288 for services and their ExecStartPre=, LimitNOFILE= as asked, clamped to weft's hard limit"
