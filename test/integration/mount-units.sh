#!/bin/bash
# Mount units inside weft's private mount namespace (the fence): a tmpfs
# .mount mounts through mount(8) and shows mounted, its dependent runs on
# it, a stop unmounts it; a mount made by hand shows up as an active unit
# and a unit whose mount disappears goes dead; what was mounted before weft
# started is active at once (coldplug); a mount whose What= does not exist
# fails and its dependent is skipped, a mount without What= is refused
# with its file, and weft goes on. Nothing outside the namespace is touched.
. "$(dirname "$0")/../lib/weft.sh"
wt_init mount-units
wt_need systemd-escape findmnt

esc() { systemd-escape --path --suffix=mount "$1"; }
M=$(esc "$TMP/mnt")
H=$(esc "$TMP/hand")
B=$(esc "$TMP/bad")
N=$(esc "$TMP/nowhat")
mkdir -p "$TMP/hand"

printf '[Unit]\nWants=u.service dep.service nowhat-dep.service\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\n' | wt_unit umount.target
cat <<EOF2 | wt_unit "$M"
[Unit]
Description=scratch tmpfs
DefaultDependencies=no
[Mount]
What=tmpfs
Where=$TMP/mnt/
Type=tmpfs
Options=size=1m,mode=0700
DirectoryMode=0700
TimeoutSec=20
EOF2
cat <<EOF2 | wt_unit u.service
[Unit]
DefaultDependencies=no
Requires=$M
After=$M
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'findmnt -n -o FSTYPE $TMP/mnt > $TMP/u.seen'
EOF2
cat <<EOF2 | wt_unit "$B"
[Unit]
DefaultDependencies=no
[Mount]
What=$TMP/missing
Where=$TMP/bad
Options=bind
EOF2
printf '[Unit]\nDefaultDependencies=no\nRequires=%s\nAfter=%s\n[Service]\nType=oneshot\nExecStart=/bin/touch %s/dep.ran\n' "$B" "$B" "$TMP" | wt_unit dep.service
printf '[Unit]\nDefaultDependencies=no\n[Mount]\nWhere=%s/nowhat\nType=tmpfs\n' "$TMP" | wt_unit "$N"
printf '[Unit]\nDefaultDependencies=no\nRequires=%s\nAfter=%s\n[Service]\nType=oneshot\nExecStart=/bin/touch %s/nowhat.ran\n' "$N" "$N" "$TMP" | wt_unit nowhat-dep.service

# The name must be the escaped Where=: refused with the file:line that set it.
mkdir -p "$TMP/other"
printf '[Mount]\nWhat=tmpfs\nWhere=/srv/else\n' >"$TMP/other/srv-data.mount"
out=$("$WEFTCTL" verify --unit-path "$TMP/other" srv-data.mount 2>&1) && wt_fail "verify accepted a mount named otherwise than its Where="
echo "$out" | grep -q "$TMP/other/srv-data.mount:3: Where=/srv/else setting doesn't match unit name" ||
        wt_fail "verify did not name file:line and the mismatch: $out"

wt_start --target t.target
wt_wait_state u.service active
[ "$(cat "$TMP/u.seen" 2>/dev/null)" = tmpfs ] || wt_fail "u.service did not run on the mounted tmpfs: '$(cat "$TMP/u.seen" 2>/dev/null)'"
[ "$(wt_ctl show "$M" -P SubState)" = mounted ] || wt_fail "$M is not mounted: $(wt_ctl show "$M" -P SubState)"
[ "$(wt_ns findmnt -n -o FSTYPE "$TMP/mnt")" = tmpfs ] || wt_fail "no tmpfs on $TMP/mnt in weft's namespace"
findmnt "$TMP/mnt" >/dev/null && wt_fail "the mount leaked out of weft's namespace"

# What was mounted before weft: active, and quietly so (the fence's
# /tmp). API file systems (/proc, /run, ...) get no unit, as in systemd.
[ "$(wt_ctl show tmp.mount -P SubState)" = mounted ] || wt_fail "tmp.mount is not mounted: $(wt_ctl show tmp.mount -P SubState 2>&1)"
[ "$(wt_ctl show tmp.mount -P Type)" = tmpfs ] || wt_fail "tmp.mount does not show the kernel's Type=tmpfs: $(wt_ctl show tmp.mount -P Type 2>&1)"
for api in proc.mount run.mount; do
        [ "$(wt_ctl show $api -P LoadState 2>/dev/null)" = loaded ] && wt_fail "$api is a unit; systemd makes none for API file systems"
done
[ "$(wt_ctl show "$M" -P Where)" = "$TMP/mnt" ] || wt_fail "$M shows Where=$(wt_ctl show "$M" -P Where 2>&1)"
grep -q "tmp.mount" "$WT_LOG" && wt_fail "coldplugged mounts were announced on the console"

# The bad mount failed, its dependent was skipped, the boot went on.
wt_wait_state "$B" failed
wt_wait_state dep.service inactive
[ -e "$TMP/dep.ran" ] && wt_fail "dep.service ran although its mount failed"
[ "$(wt_ctl show "$N" -P LoadState)" = bad-setting ] || wt_fail "$N without What= is $(wt_ctl show "$N" -P LoadState)"
grep -q "What= setting is missing" "$WT_LOG" || wt_fail "no line saying What= is missing"
[ -e "$TMP/nowhat.ran" ] && wt_fail "nowhat-dep.service ran although its mount cannot load"

# A mount made by hand shows up; unmounting it by hand makes the unit dead.
wt_ns mount -t tmpfs -o size=1m hand "$TMP/hand" || wt_fail "mounting by hand failed"
wt_wait_state "$H" active 5
[ "$(wt_ctl show "$H" -P SubState)" = mounted ] || wt_fail "$H is not mounted"
# Like systemd's units from /proc/self/mountinfo, it has the default
# dependencies of a mount: Conflicts= and Before=umount.target, Before=
# local-fs.target, After=local-fs-pre.target; so have the mounts weft found
# at its start, but not /proc, /sys, /dev and below (extrinsic).
for m in "$H" tmp.mount; do
        case " $(wt_ctl show "$m" -P Conflicts) " in *" umount.target "*) ;; *) wt_fail "$m does not conflict with umount.target: $(wt_ctl show "$m" -P Conflicts 2>&1)" ;; esac
        for t in umount.target local-fs.target; do
                case " $(wt_ctl show "$m" -P Before) " in *" $t "*) ;; *) wt_fail "$m is not before $t: $(wt_ctl show "$m" -P Before 2>&1)" ;; esac
        done
        case " $(wt_ctl show "$m" -P After) " in *" local-fs-pre.target "*) ;; *) wt_fail "$m is not after local-fs-pre.target: $(wt_ctl show "$m" -P After 2>&1)" ;; esac
done
[ "$(wt_ctl show umount.target -P LoadState)" = loaded ] || wt_fail "umount.target is $(wt_ctl show umount.target -P LoadState 2>&1)"
wt_ns umount "$TMP/hand" || wt_fail "unmounting by hand failed"
wt_wait_state "$H" inactive 5

# A reload remounts with the unit's options, also after a daemon-reload
# changed them; the mount units' state survives the daemon-reload.
sed -i 's/size=1m/size=2m/' "$U/$M"
wt_ctl daemon-reload || wt_fail "daemon-reload exited $?"
[ "$(wt_ctl show "$M" -P SubState)" = mounted ] || wt_fail "$M is not mounted after daemon-reload"
[ "$(wt_ctl show tmp.mount -P SubState)" = mounted ] || wt_fail "tmp.mount is not mounted after daemon-reload"
case " $(wt_ctl show tmp.mount -P Conflicts) " in *" umount.target "*) ;; *) wt_fail "tmp.mount lost Conflicts=umount.target in the daemon-reload" ;; esac
wt_ctl reload "$M" || wt_fail "reload $M exited $?"
[ "$(wt_ctl show "$M" -P SubState)" = mounted ] || wt_fail "$M is not mounted after the reload"
case $(wt_ns findmnt -n -o OPTIONS "$TMP/mnt") in *size=2048k*) ;; *) wt_fail "the remount did not apply size=2m: $(wt_ns findmnt -n -o OPTIONS "$TMP/mnt")" ;; esac

# A stop unmounts through umount(8); a start mounts again.
wt_ctl stop "$M" || wt_fail "stop $M exited $?"
wt_ns findmnt "$TMP/mnt" >/dev/null && wt_fail "$TMP/mnt is still mounted after the stop"
[ "$(wt_ctl show "$M" -P ActiveState)" = inactive ] || wt_fail "$M is $(wt_ctl show "$M" -P ActiveState) after the stop"
wt_ctl start "$M" || wt_fail "start $M again exited $?"
[ "$(wt_ns findmnt -n -o FSTYPE "$TMP/mnt")" = tmpfs ] || wt_fail "no tmpfs on $TMP/mnt after the second start"

wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "tmpfs mounts and unmounts through mount(8), mounts by hand are seen, a bad mount fails alone"
