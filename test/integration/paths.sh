#!/bin/bash
# .path units (issue 12, systemd.path(5)) with weft as PID 1 of a private
# namespace; every service appends a line to a count file, so each start
# is counted:
#  - exists.path (PathExists=): its service starts when the file appears,
#    and not again while the file stays (the service removes nothing and
#    stays active: RemainAfterExit=yes); list-paths shows it;
#  - eat.path (PathExists=, a oneshot service that removes the file): one
#    start per file, the path unit back to waiting, no loop;
#  - dir.path (DirectoryNotEmpty=, MakeDirectory=, DirectoryMode=0700): the
#    directory is made at start with that mode; a file in it starts the
#    service (which empties it);
#  - changed.path (PathChanged=): a write and close starts its oneshot once,
#    the unit goes back to waiting without starting again;
#  - deep.path (PathExists= under a directory that does not exist yet):
#    creating the directories later, then the file, starts the service; the
#    directory removed and made again, the next file starts it again;
#  - burst.path (PathExists=, TriggerLimitBurst=3, a oneshot that leaves
#    the file): it loops until the trigger limit fails it with
#    trigger-limit-hit after 3 starts;
#  - nounit.path (Unit= a missing unit): its start fails with a clear line;
#  - nopath.path (no path setting): refused at load, bad-setting;
#  - dir.path also has PathExistsGlob=: a matching file starts it;
#  - status of a path shows Triggers:, show gives Unit, Result, Paths (one
#    line per path, as systemctl), DirectoryMode, TriggerLimitBurst;
#  - after daemon-reload eat.path still triggers.
# Bounded well under 40 s. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init paths

W=$TMP/w      # the watched tree
C=$TMP/count  # one file per service, one line per start
mkdir -p "$W" "$C"

svc() { # NAME TYPE EXTRA-COMMAND: a service that counts its starts
        printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\n%bExecStart=/bin/sh -c "echo x >>%s/%s; %s"\n' \
                "$2" "$C" "$1" "$3" | wt_unit "$1.service"
}
pathunit() { # NAME BODY
        printf '[Unit]\nDefaultDependencies=no\n[Path]\n%b\n' "$2" | wt_unit "$1.path"
}
count() { wt_lines "$C/$1"; }
count_is() { [ "$(count "$1")" = "$2" ]; }
sub_is() { [ "$(wt_ctl show "$1" -P SubState)" = "$2" ]; }

svc exists 'RemainAfterExit=yes\n' true
pathunit exists "PathExists=$W/exists-flag"
svc eat '' "rm -f $W/eat-flag"
pathunit eat "PathExists=$W/eat-flag"
svc dir "" "rm -f $W/spool/* $W/spool-glob*"
pathunit dir "DirectoryNotEmpty=$W/spool\nPathExistsGlob=$W/spool-glob*\nMakeDirectory=yes\nDirectoryMode=0700"
svc changed '' true
pathunit changed "PathChanged=$W/changed-file"
svc deep '' "rm -f $W/a/b/c/flag"
pathunit deep "PathExists=$W/a/b/c/flag"
svc burst '' true
pathunit burst "PathExists=$W/burst-flag\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=30s"
pathunit nounit "PathExists=$W/x\nUnit=missing.service"
pathunit nopath "Unit=exists.service"
# After= nounit.path only names it, so that it stays loaded while inactive
# (a unit nothing names is collected, as in systemd) for list-paths --all.
printf '[Unit]\nWants=exists.path eat.path dir.path changed.path deep.path burst.path\nAfter=nounit.path\n' | wt_unit t.target

echo data >"$W/changed-file"
wt_start --target t.target
for p in exists eat dir changed deep burst; do
        wt_wait_state $p.path active
done
[ "$(wt_ctl show changed.path -P SubState)" = waiting ] || wt_fail "changed.path is not waiting at start"
[ "$(count changed)" = 0 ] || wt_fail "PathChanged= fired at start without a change"

# MakeDirectory= made the directory with DirectoryMode=.
[ -d "$W/spool" ] || wt_fail "MakeDirectory= did not make $W/spool"
[ "$(stat -c %a "$W/spool" 2>/dev/null)" = 700 ] || wt_fail "spool has mode $(stat -c %a "$W/spool"), want 700"

# PathExists=
touch "$W/exists-flag"
wt_until 5 count_is exists 1 || wt_fail "exists.service did not start when the file appeared"
wt_wait_state exists.service active
[ "$(wt_ctl show exists.path -P SubState)" = running ] || wt_fail "exists.path is not running while its service is up"
touch "$W/exists-flag"
sleep 0.3
[ "$(count exists)" = 1 ] || wt_fail "exists.service started $(count exists) times, want 1"

# PathExists= with a service that consumes the file: once per file, no loop.
for i in 1 2 3; do
        touch "$W/eat-flag"
        wt_until 5 count_is eat $i || wt_fail "eat.service: $(count eat) starts after file $i"
        wt_until 5 test ! -e "$W/eat-flag" || wt_fail "eat.service did not remove the file"
done
sleep 0.3
[ "$(count eat)" = 3 ] || wt_fail "eat.service started $(count eat) times for 3 files"
wt_until 5 sub_is eat.path waiting || wt_fail "eat.path is not back to waiting"

# DirectoryNotEmpty=
touch "$W/spool/job1"
wt_until 5 count_is dir 1 || wt_fail "dir.service did not start when the directory filled"
touch "$W/spool/.hidden"
sleep 0.3
[ "$(count dir)" = 1 ] || wt_fail "a hidden file started dir.service ($(count dir) starts)"

# PathChanged=: a write and close, once; the oneshot's end does not re-fire.
echo more >>"$W/changed-file"
wt_until 5 count_is changed 1 || wt_fail "changed.service did not start after a write+close"
sleep 0.5
[ "$(count changed)" = 1 ] || wt_fail "changed.service started $(count changed) times for one write"
wt_until 5 sub_is changed.path waiting || wt_fail "changed.path is not back to waiting"
echo again >>"$W/changed-file"
wt_until 5 count_is changed 2 || wt_fail "changed.service did not start after the second write"

# A path below directories that do not exist yet, then removed and made again.
mkdir -p "$W/a/b/c"
touch "$W/a/b/c/flag"
wt_until 5 count_is deep 1 || wt_fail "deep.service did not start when the path appeared under new directories"
wt_until 5 sub_is deep.path waiting || wt_fail "deep.path is not back to waiting"
rm -rf "$W/a"
sleep 0.2
mkdir -p "$W/a/b/c"
touch "$W/a/b/c/flag"
wt_until 5 count_is deep 2 || wt_fail "deep.path stopped working after its directory was removed and made again"

# TriggerLimitBurst=: the file stays, so the path unit loops until the limit.
touch "$W/burst-flag"
wt_wait_state burst.path failed 10
[ "$(wt_ctl show burst.path -P Result)" = trigger-limit-hit ] ||
        wt_fail "burst.path Result=$(wt_ctl show burst.path -P Result), want trigger-limit-hit"
[ "$(count burst)" = 3 ] || wt_fail "burst.service started $(count burst) times, want 3"

# A missing Unit= and a missing path setting.
wt_ctl start nounit.path >/dev/null 2>&1 && wt_fail "starting nounit.path (Unit=missing.service) succeeded"
grep -q "nounit.path: Refusing to start, unit missing.service to trigger not loaded" "$WT_LOG" ||
        wt_fail "no clear line for nounit.path's missing unit"
[ "$(wt_ctl show nopath.path -P LoadState)" = bad-setting ] ||
        wt_fail "nopath.path LoadState=$(wt_ctl show nopath.path -P LoadState), want bad-setting"
grep -q "nopath.path: Path unit lacks path setting. Refusing." "$WT_LOG" || wt_fail "no refusal line for nopath.path"

# weftctl: list-paths, status, show.
out=$(wt_ctl list-paths)
echo "$out" | head -1 | grep -q '^PATH  *CONDITION  *UNIT  *ACTIVATES$' || wt_fail "list-paths header: $(echo "$out" | head -1)"
echo "$out" | grep -q "^$W/exists-flag  *PathExists  *exists.path  *exists.service$" || wt_fail "list-paths lacks exists.path: $out"
echo "$out" | grep -q "^$W/spool  *DirectoryNotEmpty  *dir.path  *dir.service$" || wt_fail "list-paths lacks dir.path: $out"
echo "$out" | grep -q '^6 paths listed\.$' || wt_fail "list-paths footer: $out"
wt_ctl list-paths --all | grep -q "^$W/x  *PathExists  *nounit.path  *missing.service$" ||
        wt_fail "list-paths --all lacks the inactive nounit.path: $(wt_ctl list-paths --all)"
wt_ctl list-paths | grep -q nounit.path && wt_fail "list-paths without --all shows the inactive nounit.path"
wt_ctl status exists.path | grep -q 'Triggers: .*exists.service' || wt_fail "status exists.path shows no Triggers:"
[ "$(wt_ctl show exists.path -P Unit)" = exists.service ] || wt_fail "show -P Unit: $(wt_ctl show exists.path -P Unit)"
[ "$(wt_ctl show exists.path -P Result)" = success ] || wt_fail "show -P Result: $(wt_ctl show exists.path -P Result)"
paths=$(wt_ctl show dir.path -p Paths)
[ "$paths" = "Paths=$W/spool (DirectoryNotEmpty)
Paths=$W/spool-glob* (PathExistsGlob)" ] || wt_fail "show -p Paths: $paths"
[ "$(wt_ctl show dir.path -P DirectoryMode)" = 0700 ] || wt_fail "show -P DirectoryMode: $(wt_ctl show dir.path -P DirectoryMode)"
[ "$(wt_ctl show dir.path -P TriggerLimitBurst)" = 200 ] || wt_fail "show -P TriggerLimitBurst: $(wt_ctl show dir.path -P TriggerLimitBurst)"

# PathExistsGlob=, the second path of dir.path.
touch "$W/spool-globbed"
wt_until 5 count_is dir 2 || wt_fail "dir.service did not start when a file matched PathExistsGlob= ($(count dir) starts, dir.path $(wt_ctl show dir.path -P SubState), dir.service $(wt_ctl show dir.service -P SubState))"
rm -f "$W/spool-globbed"

# daemon-reload: the path units watch again, through the new table.
wt_until 5 sub_is eat.path waiting || wt_fail "eat.path is not waiting before the reload"
wt_ctl daemon-reload || wt_fail "daemon-reload exited $?"
[ "$(wt_ctl show eat.path -P SubState)" = waiting ] || wt_fail "eat.path is $(wt_ctl show eat.path -P SubState) after the reload"
touch "$W/eat-flag"
wt_until 5 count_is eat 4 || wt_fail "eat.path no longer triggers after daemon-reload ($(count eat) starts)"

wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "PathExists=, DirectoryNotEmpty=, PathChanged=, MakeDirectory=, a recreated directory, no loop, trigger-limit-hit, list-paths"
