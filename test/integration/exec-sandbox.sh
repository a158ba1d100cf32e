#!/bin/bash
# PrivateTmp=, PrivateDevices=, ProtectSystem=, ProtectHome=,
# NoNewPrivileges=, CapabilityBoundingSet= and AmbientCapabilities=
# (systemd.exec(5), issue 13 item 4), checked from inside the services:
# - PrivateTmp=: /tmp and /var/tmp empty and the unit's own, shared by its
#   ExecStartPre and ExecStart, removed when it stops; without a writable
#   /var/tmp the unit still runs, with an empty read-only /var/tmp, as
#   systemd gives it (a unit failing with 226 there was the old behaviour);
# - PrivateDevices=: /dev holds only the basic nodes, which work, is
#   read-only itself but not /dev/shm below it (with ProtectSystem=strict too), and
#   CAP_MKNOD and CAP_SYS_RAWIO leave the bounding set;
# - ProtectSystem=strict: / read-only (also /run and this test's own
#   writable directory, keeping nosuid and nodev) but a private /tmp and
#   RuntimeDirectory= and ReadWritePaths=; ReadOnlyPaths= with a
#   ReadWritePaths= inside it; a missing ReadOnlyPaths= without "-" is 226;
#   =yes makes a mount below /usr read-only, =full one below /etc too;
# - ProtectHome=yes/read-only/tmpfs on a /home holding a file;
# - NoNewPrivs: 1 in /proc/self/status;
# - CapBnd and CapAmb masks for a few lists (one, "~", several lines, a
#   reset), and User=nobody with AmbientCapabilities=CAP_NET_BIND_SERVICE
#   binds 127.0.0.1:80 (in a private network namespace), which nobody
#   cannot do without it.
# Every service writes what it sees to StandardOutput=file:$OUT/UNIT
# (opened by weft, so read-only mounts in the service do not matter).
# shellcheck disable=SC2016 # the services' commands are expanded by their own sh
. "$(dirname "$0")/../lib/weft.sh"
wt_init exec-sandbox
wt_need nsenter socat
OUT=$TMP/out
mkdir -p "$OUT"
chmod 777 "$OUT"

svc() { # NAME SETTINGS COMMAND
        wt_unit "$1.service" <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
StandardOutput=file:$OUT/$1
StandardError=inherit
$2
ExecStart=/bin/sh -c '$3'
EOF
}
wt_unit t.target <<EOF
[Unit]
Description=nothing at boot
EOF

svc ptmp "PrivateTmp=yes
ExecStartPre=/bin/sh -c 'echo pre >/tmp/pre'" \
        'echo "tmp: $(ls -A /tmp | tr "\n" " ")"; echo "vartmp: $(ls -A /var/tmp | tr "\n" " ")"; stat -c "mode: %%a" /tmp; touch /var/tmp/v && echo vartmp-writable'
svc ptmpro "PrivateTmp=yes" \
        'echo ran; touch /var/tmp/x 2>/dev/null && echo vartmp-writable || echo vartmp-read-only; echo "vartmp: $(ls -A /var/tmp | tr "\n" " ")"; touch /tmp/y && echo tmp-writable'
svc pdev "PrivateDevices=yes" \
        'echo "dev: $(ls -A /dev | tr "\n" " ")"; echo x >/dev/null && head -c 4 /dev/zero | wc -c && echo null-zero-work; grep CapBnd /proc/self/status; for p in /dev/x /dev/shm/x; do touch $p 2>/dev/null && echo "$p writable" || echo "$p read-only"; done'
svc pdevstrict "PrivateDevices=yes
ProtectSystem=strict" \
        'for p in /dev/x /dev/shm/x /run/x; do touch $p 2>/dev/null && echo "$p writable" || echo "$p read-only"; done'
svc strict "ProtectSystem=strict
PrivateTmp=yes
RuntimeDirectory=strictrt" \
        "for p in /run/x $OUT/x /tmp/x /run/strictrt/x /usr/local/x /dev/shm/x; do touch \$p 2>/dev/null && echo \"\$p writable\" || echo \"\$p read-only\"; done"
svc rwpaths "ProtectSystem=strict
ReadWritePaths=/run/rw -/nonexistent" \
        'for p in /run/rw/x /run/x; do touch $p 2>/dev/null && echo "$p writable" || echo "$p read-only"; done'
svc ropaths "ReadOnlyPaths=/run/ro -/nonexistent
ReadWritePaths=/run/ro/rw" \
        'for p in /run/ro/x /run/ro/rw/x /run/x; do touch $p 2>/dev/null && echo "$p writable" || echo "$p read-only"; done'
svc romissing "ReadOnlyPaths=/nonexistent" 'echo ran'
svc strictopts "ProtectSystem=strict" 'grep " /run " /proc/self/mountinfo | tail -n 1 | cut -d " " -f 6'
svc psyes "ProtectSystem=yes" \
        'for p in /usr/local/x /etc/skel/x /run/x; do touch $p 2>/dev/null && echo "$p writable" || echo "$p read-only"; done'
svc psfull "ProtectSystem=full" \
        'for p in /usr/local/x /etc/skel/x /run/x; do touch $p 2>/dev/null && echo "$p writable" || echo "$p read-only"; done'
for h in yes read-only tmpfs; do
        svc "home-$h" "ProtectHome=$h" \
                'echo "home: $(ls -A /home | tr "\n" " ")"; stat -c "mode: %%a" /home; touch /home/new 2>/dev/null && echo writable || echo read-only'
done
svc nnp "NoNewPrivileges=yes" 'grep NoNewPrivs /proc/self/status'
svc nonnp "" 'grep NoNewPrivs /proc/self/status'
svc cb-list "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_KILL" 'grep CapBnd /proc/self/status'
svc cb-invert "CapabilityBoundingSet=~CAP_SYS_ADMIN" 'grep CapBnd /proc/self/status'
svc cb-merge "CapabilityBoundingSet=CAP_KILL
CapabilityBoundingSet=cap_chown" 'grep CapBnd /proc/self/status'
svc cb-reset "CapabilityBoundingSet=CAP_KILL
CapabilityBoundingSet=
CapabilityBoundingSet=CAP_SETUID" 'grep CapBnd /proc/self/status'
svc amb "User=nobody
AmbientCapabilities=CAP_NET_BIND_SERVICE" \
        'grep -E "CapAmb|CapEff" /proc/self/status; timeout 1 socat TCP-LISTEN:80,bind=127.0.0.1 - </dev/null; echo "listen: $?"'
svc noamb "User=nobody" \
        'grep -E "CapAmb|CapEff" /proc/self/status; timeout 1 socat TCP-LISTEN:80,bind=127.0.0.1 - </dev/null 2>/dev/null; echo "listen: $?"'

WT_UNSHARE=--net wt_start --target t.target
wt_assert_answers

# want UNIT TEXT: UNIT's output has the line TEXT.
want() {
        grep -qxF -- "$2" "$OUT/$1" 2>/dev/null ||
                wt_fail "$1: no line '$2' in what it saw: $(tr '\n' '|' <"$OUT/$1" 2>&1)"
}
start() {
        wt_ctl start "$1.service" >/dev/null 2>&1
        wt_wait_state "$1.service" "${2:-active}"
}

# /var/tmp is read-only in the fence: PrivateTmp= cannot make its directory
# there, and the unit gets an empty read-only /var/tmp instead (systemd's
# setup_one_tmp_dir), its private /tmp still writable.
start ptmpro
want ptmpro ran
want ptmpro vartmp-read-only
want ptmpro "vartmp: "
want ptmpro tmp-writable

# Writable places in weft's namespace for what follows, and things to hide.
wt_ns mount -t tmpfs -o mode=1777 tmpfs /var/tmp || wt_fail "cannot mount a tmpfs on /var/tmp"
wt_ns mount -t tmpfs -o mode=0755 tmpfs /usr/local || wt_fail "cannot mount a tmpfs on /usr/local"
wt_ns mount -t tmpfs -o mode=0755 tmpfs /etc/skel || wt_fail "cannot mount a tmpfs on /etc/skel"
wt_ns mount -t tmpfs -o mode=0755 tmpfs /home || wt_fail "cannot mount a tmpfs on /home"
wt_ns mount -t tmpfs -o mode=1777 tmpfs /dev/shm || wt_fail "cannot mount a tmpfs on /dev/shm"
wt_ns touch /tmp/host-tmp /var/tmp/host-vartmp /home/someone || wt_fail "cannot make the files to hide"

start ptmp
want ptmp "tmp: pre "
want ptmp "vartmp: "
want ptmp "mode: 1777"
want ptmp "vartmp-writable"
priv=$(wt_ns sh -c 'ls -d /tmp/systemd-private-*-ptmp.service 2>/dev/null')
if [ -z "$priv" ] || ! wt_ns test -f "$priv/tmp/pre"; then
        wt_fail "PrivateTmp=: no /tmp/systemd-private-*-ptmp.service/tmp/pre while the unit is up"
fi
wt_ns test -f /tmp/host-tmp || wt_fail "the service's PrivateTmp= changed weft's own /tmp"
wt_ctl stop ptmp.service >/dev/null
wt_wait_state ptmp.service inactive
wt_ns sh -c 'ls -d /tmp/systemd-private-*-ptmp.service /var/tmp/systemd-private-*-ptmp.service 2>/dev/null' |
        grep -q . && wt_fail "PrivateTmp= directories are left after the unit stopped"

start pdev
want pdev "dev: fd full hugepages log mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
want pdev "4"
want pdev "null-zero-work"
bnd=$(awk '/^CapBnd/ { print $2 }' /proc/self/status)
hex() { printf '%016x' "$1"; }
want pdev "CapBnd:	$(hex $((0x$bnd & ~(1 << 27) & ~(1 << 17))))"
want pdev "/dev/x read-only"
want pdev "/dev/shm/x writable"
start pdevstrict
want pdevstrict "/dev/x read-only"
want pdevstrict "/dev/shm/x writable"
want pdevstrict "/run/x read-only"

start strict
want strict "/run/x read-only"
want strict "$OUT/x read-only"
want strict "/tmp/x writable"
want strict "/run/strictrt/x writable"
want strict "/usr/local/x read-only"
want strict "/dev/shm/x writable"
# ReadWritePaths= inside ProtectSystem=strict, and inside ReadOnlyPaths=;
# a missing path without "-" fails the namespace.
wt_ns mkdir -p /run/rw /run/ro/rw || wt_fail "cannot make /run/rw and /run/ro/rw"
start rwpaths
want rwpaths "/run/rw/x writable"
want rwpaths "/run/x read-only"
start ropaths
want ropaths "/run/ro/x read-only"
want ropaths "/run/ro/rw/x writable"
want ropaths "/run/x writable"
start romissing failed
[ "$(wt_ctl show romissing.service -P ExecMainStatus)" = 226 ] ||
        wt_fail "ReadOnlyPaths= of a missing path: exit status $(wt_ctl show romissing.service -P ExecMainStatus), want 226"
# The read-only remount keeps a mount's nosuid and nodev.
start strictopts
grep -qE '^ro,(.*,)?nosuid,(.*,)?nodev' "$OUT/strictopts" ||
        wt_fail "ProtectSystem=strict: /run's options became '$(cat "$OUT/strictopts")', want ro with nosuid and nodev kept"
start psyes
want psyes "/usr/local/x read-only"
want psyes "/etc/skel/x writable"
want psyes "/run/x writable"
start psfull
want psfull "/usr/local/x read-only"
want psfull "/etc/skel/x read-only"
want psfull "/run/x writable"

start home-yes
want home-yes "home: "
want home-yes "mode: 0"
want home-yes "read-only"
start home-read-only
want home-read-only "home: someone "
want home-read-only "read-only"
start home-tmpfs
want home-tmpfs "home: "
want home-tmpfs "mode: 755"
want home-tmpfs "read-only"

start nnp
want nnp "NoNewPrivs:	1"
start nonnp
want nonnp "NoNewPrivs:	0"

start cb-list
want cb-list "CapBnd:	0000000000000420"
# The unit files' settings: weftctl show offline (the manager's show sends run-time values).
offline_show() {
        timeout 30 "$WEFTCTL" --runtime-dir "$TMP/none" --unit-path "$U" show "$1" -P "$2" 2>/dev/null
}
got=$(offline_show cb-list.service CapabilityBoundingSet)
[ "$got" = "cap_kill cap_net_bind_service" ] || wt_fail "weftctl show -P CapabilityBoundingSet of cb-list: got '$got'"
got=$(offline_show amb.service AmbientCapabilities)
[ "$got" = "cap_net_bind_service" ] || wt_fail "weftctl show -P AmbientCapabilities of amb: got '$got'"
start cb-invert
want cb-invert "CapBnd:	$(hex $((0x$bnd & ~(1 << 21))))"
start cb-merge
want cb-merge "CapBnd:	0000000000000021"
start cb-reset
want cb-reset "CapBnd:	0000000000000080"

start amb
want amb "CapAmb:	0000000000000400"
want amb "CapEff:	0000000000000400"
want amb "listen: 124"
start noamb
want noamb "CapAmb:	0000000000000000"
grep -q "listen: 124" "$OUT/noamb" && wt_fail "nobody could listen on port 80 without AmbientCapabilities=: the test proves nothing"

wt_assert_answers
wt_stop
wt_finish "PrivateTmp, PrivateDevices, ProtectSystem, ProtectHome, NoNewPrivileges and capabilities hold inside the services"
