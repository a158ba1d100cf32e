#!/bin/bash
# systemd's private bus, with no dbus-daemon anywhere: weft, PID 1 of the
# fenced namespace (whose /run is a fresh tmpfs), serves
# /run/systemd/private (--private-bus), where systemd's own tools, as root,
# talk to PID 1 directly:
#  - busctl reads Manager.UserspaceTimestamp there: non-zero;
#  - systemctl is-active answers for a running unit and an unknown one;
#    systemctl stop, start, restart, reload, try-restart, isolate and
#    reload-or-restart wait for their jobs there; kill (--kill-who= main,
#    all, control-fail too), reset-failed and
#    daemon-reload are done when they answer; is-enabled reads the unit
#    files; list-units lists, by pattern and state; status shows its
#    Loaded (with the unit file's state and preset: systemd.preset(5)
#    files), Active and Main PID lines; cat shows the unit's file and
#    drop-in; list-dependencies follows Wants=; poweroff starts poweroff.target,
#    whose systemd-poweroff.service's SuccessAction= shuts weft down;
#    enable, reenable and disable
#    make and remove the links (--runtime is refused); list-unit-files
#    lists the unit files with their states, by state and pattern; mask
#    and unmask, revert, link (is-enabled: linked; a missing file
#    refused), set-default (get-default reads it) and preset (per a
#    preset file, and --preset-mode=enable-only) make and remove theirs,
#    all in a tmpfs on the namespace's /etc/systemd/system;
#  - Debian's systemd-update-utmp reboot (what failed in the VM before
#    dbus.service) exits 0 and writes its reboot record to wtmp (a tmpfs
#    on /var/log in weft's namespace);
#  - the socket is root's (0600);
#  - peers that send garbage or hang up mid-call cost only their own
#    connection: weft answers, on the socket and its control socket.
# Skips without busctl/systemctl/systemd-update-utmp. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init private-bus

UTMP=/lib/systemd/systemd-update-utmp
for t in busctl systemctl python3 socat; do
        command -v "$t" >/dev/null || { echo "private-bus: no $t, skipping"; exit 0; }
done
[ -x "$UTMP" ] || { echo "private-bus: no $UTMP, skipping"; exit 0; }

SOCK=/run/systemd/private
ADDR=unix:path=$SOCK
wt_unit test.target <<EOF
[Unit]
DefaultDependencies=no
Wants=sleeper.service reloader.service trapper.service
EOF
wt_unit sleeper.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 300
EOF
wt_unit reloader.service <<EOF
[Unit]
Description=before the reload
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 300
ExecReload=/bin/sh -c 'echo reloaded >>$TMP/reload.log'
[Install]
WantedBy=multi-user.target
EOF
wt_unit trapper.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sh -c 'trap "echo usr1 >>$TMP/usr1.log" USR1; while :; do sleep 1 & wait; done'
EOF
# kill --kill-whom: a main process and its child, each logging USR1.
cat >"$TMP/whom-child.sh" <<EOF
trap 'echo child >>$TMP/whom.log' USR1
while :; do sleep 1 & wait; done
EOF
cat >"$TMP/whom-main.sh" <<EOF
trap 'echo main >>$TMP/whom.log' USR1
sh $TMP/whom-child.sh &
while :; do wait; done
EOF
wt_unit whom.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sh $TMP/whom-main.sh
EOF
wt_unit failer.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/false
EOF
# For systemctl isolate: a target that keeps only sleeper.service, and one
# that may not be isolated.
wt_unit iso.target <<EOF
[Unit]
DefaultDependencies=no
AllowIsolate=yes
Wants=sleeper.service
EOF
wt_unit noiso.target <<EOF
[Unit]
DefaultDependencies=no
Wants=sleeper.service
EOF
wt_start --target test.target --private-bus "$SOCK"
wt_wait_state sleeper.service active 10
wt_wait_state reloader.service active 10
wt_wait_state trapper.service active 10

mode=$(wt_ns stat -c %a "$SOCK" 2>&1)
[ "$mode" = 600 ] || wt_fail "$SOCK has mode $mode, want 600"

v=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- busctl --address="$ADDR" get-property org.freedesktop.systemd1 \
        /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager UserspaceTimestamp 2>&1)
case $v in
"t "[1-9]*) ;;
*) wt_fail "busctl on $SOCK: UserspaceTimestamp is '$v', want 't N' with N > 0" ;;
esac

# systemctl as root asks the private socket first (and there is no system
# bus); it wants to see systemd's mark that PID 1 is a service manager,
# which weft as PID 1 makes.
wt_ns test -d /run/systemd/system || wt_fail "weft as PID 1 made no /run/systemd/system"
s=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- systemctl is-active sleeper.service 2>&1)
[ "$s" = active ] || wt_fail "systemctl is-active sleeper.service: '$s', want active"
# Jobs: the reply is a job path, JobRemoved comes on the same connection.
timeout 20 nsenter -t "$WEFT_PID" -p -m -- systemctl stop sleeper.service 2>&1 || wt_fail "systemctl stop failed"
s=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- systemctl is-active sleeper.service 2>&1)
[ "$s" = inactive ] || wt_fail "after systemctl stop: '$s', want inactive"
timeout 20 nsenter -t "$WEFT_PID" -p -m -- systemctl start sleeper.service 2>&1 || wt_fail "systemctl start failed"
s=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- systemctl is-active sleeper.service 2>&1)
[ "$s" = active ] || wt_fail "after systemctl start: '$s', want active"

# What systemctl restart, reload, try-restart, reload-or-restart, kill,
# reset-failed and daemon-reload send: RestartUnit... (a job, waited for
# through JobRemoved), KillUnit, ResetFailedUnit and Reload.
sctl() { wt_systemctl "$@"; }
pid1=$(wt_ctl show sleeper.service -P MainPID)
out=$(sctl restart sleeper.service) || wt_fail "systemctl restart failed: $out"
pid2=$(wt_ctl show sleeper.service -P MainPID)
[ "${pid2:-0}" -gt 0 ] && [ "$pid2" != "$pid1" ] || wt_fail "systemctl restart: MainPID $pid1 -> $pid2"
out=$(sctl reload reloader.service) || wt_fail "systemctl reload failed: $out"
grep -q reloaded "$TMP/reload.log" 2>/dev/null || wt_fail "systemctl reload ran no ExecReload="
out=$(sctl reload-or-restart sleeper.service) || wt_fail "systemctl reload-or-restart failed: $out"
pid3=$(wt_ctl show sleeper.service -P MainPID)
[ "${pid3:-0}" -gt 0 ] && [ "$pid3" != "$pid2" ] || wt_fail "reload-or-restart without ExecReload=: MainPID $pid2 -> $pid3"
out=$(sctl stop sleeper.service) || wt_fail "systemctl stop failed: $out"
out=$(sctl try-restart sleeper.service) || wt_fail "systemctl try-restart failed: $out"
[ "$(wt_ctl show sleeper.service -P ActiveState)" = inactive ] || wt_fail "try-restart started a stopped unit"
out=$(sctl kill -s USR1 trapper.service) || wt_fail "systemctl kill failed: $out"
wt_until 5 grep -q usr1 "$TMP/usr1.log" || wt_fail "systemctl kill -s USR1 did not reach trapper.service"
# --kill-who=main signals the main process only; all (the default) its
# children too; control-fail fails without a control process.
sctl start whom.service >/dev/null || wt_fail "systemctl start whom.service failed"
sleep 0.5
out=$(sctl kill --kill-who=main -s USR1 whom.service) || wt_fail "systemctl kill --kill-who=main failed: $out"
wt_until 5 grep -q main "$TMP/whom.log" || wt_fail "kill --kill-who=main did not reach the main process"
sleep 0.5
grep -q child "$TMP/whom.log" && wt_fail "kill --kill-who=main reached the child too"
out=$(sctl kill -s USR1 whom.service) || wt_fail "systemctl kill (all) failed: $out"
wt_until 5 grep -q child "$TMP/whom.log" || wt_fail "kill --kill-who=all did not reach the child"
out=$(sctl kill --kill-who=control-fail whom.service) && wt_fail "kill --kill-who=control-fail without a control process succeeded"
out=$(wt_ctl kill --kill-whom=bogus whom.service 2>&1) && wt_fail "weftctl kill --kill-whom=bogus succeeded"
case $out in *"Invalid whom"*) ;; *) wt_fail "weftctl kill --kill-whom=bogus: $out" ;; esac
sctl stop whom.service >/dev/null
sctl start failer.service >/dev/null && wt_fail "systemctl start failer.service succeeded"
[ "$(wt_ctl show failer.service -P ActiveState)" = failed ] || wt_fail "failer.service is not failed"
out=$(sctl reset-failed failer.service) || wt_fail "systemctl reset-failed failed: $out"
[ "$(wt_ctl show failer.service -P ActiveState)" = inactive ] || wt_fail "reset-failed left failer.service failed"
sed -i 's/^Description=before the reload/Description=after the reload/' "$U/reloader.service"
out=$(sctl daemon-reload) || wt_fail "systemctl daemon-reload failed: $out"
[ "$(wt_ctl show reloader.service -P Description)" = "after the reload" ] || wt_fail "systemctl daemon-reload did not reload"
out=$(sctl start sleeper.service) || wt_fail "systemctl start after the reload failed: $out"
# systemctl list-units (ListUnitsByPatterns, ListUnitsFiltered), --failed, --all.
out=$(sctl list-units --no-legend --plain 'sleep*')
case $out in "sleeper.service loaded active running"*) ;; *) wt_fail "list-units 'sleep*': $out" ;; esac
out=$(sctl list-units --no-legend --plain --all)
case $out in *reloader.service*trapper.service*) ;; *) wt_fail "list-units --all lacks units: $out" ;; esac
sctl start failer.service >/dev/null
out=$(sctl list-units --no-legend --plain --failed)
case $out in "failer.service loaded failed failed"*) ;; *) wt_fail "list-units --failed: $out" ;; esac
[ "$(echo "$out" | wc -l)" = 1 ] || wt_fail "list-units --failed lists more than failer.service: $out"
sctl reset-failed >/dev/null || wt_fail "systemctl reset-failed (every unit) failed"
[ -z "$(sctl list-units --no-legend --plain --failed)" ] || wt_fail "reset-failed left failed units"
# systemctl status and show: the Loaded, Active and Main PID lines.
pid=$(wt_ctl show sleeper.service -P MainPID)
[ "$(sctl show -P MainPID sleeper.service)" = "$pid" ] || wt_fail "systemctl show -P MainPID: $(sctl show -P MainPID sleeper.service), weft says $pid"
out=$(sctl status --no-pager --lines=0 sleeper.service)
case $out in *"Loaded: loaded ($U/sleeper.service; static)"*"Active: active (running) since "*"Main PID: $pid (sleep)"*) ;;
*) wt_fail "systemctl status sleeper.service: $out" ;; esac
# systemctl cat (FragmentPath, DropInPaths) and list-dependencies (Wants...).
mkdir -p "$U/reloader.service.d"
wt_unit reloader.service.d/x.conf <<EOF
[Unit]
Documentation=man:nothing
EOF
sctl daemon-reload >/dev/null || wt_fail "daemon-reload for the drop-in failed"
out=$(sctl cat reloader.service)
case $out in "# $U/reloader.service"*"# $U/reloader.service.d/x.conf"*"Documentation=man:nothing"*) ;;
*) wt_fail "systemctl cat reloader.service: $out" ;; esac
out=$(sctl list-dependencies --plain test.target)
case $out in *sleeper.service*reloader.service* | *reloader.service*sleeper.service*) ;;
*) wt_fail "systemctl list-dependencies test.target: $out" ;; esac
# systemctl is-enabled (GetUnitFileState), from the files on weft's unit path.
[ "$(sctl is-enabled sleeper.service)" = static ] || wt_fail "is-enabled sleeper.service: $(sctl is-enabled sleeper.service)"
[ "$(sctl is-enabled reloader.service)" = disabled ] || wt_fail "is-enabled reloader.service: $(sctl is-enabled reloader.service)"
out=$(sctl is-enabled nosuch.service) && wt_fail "is-enabled nosuch.service succeeded: $out"
case $out in *"No such file"*) ;; *) wt_fail "is-enabled nosuch.service: $out" ;; esac
# systemctl enable and disable (EnableUnitFilesWithFlags...), in a
# /etc/systemd/system of weft's namespace only.
wt_ns mount -t tmpfs -o mode=0755 tmpfs /etc/systemd/system || wt_fail "cannot mount a tmpfs on /etc/systemd/system"
link=/etc/systemd/system/multi-user.target.wants/reloader.service
out=$(sctl enable reloader.service) || wt_fail "systemctl enable failed: $out"
case $out in *"Created symlink $link"*) ;; *) wt_fail "systemctl enable said: $out" ;; esac
[ "$(wt_ns readlink "$link")" = "$U/reloader.service" ] || wt_fail "enable made no $link"
[ "$(sctl is-enabled reloader.service)" = enabled ] || wt_fail "after enable, is-enabled: $(sctl is-enabled reloader.service)"
# status's Loaded line: UnitFileState and UnitFilePreset, enabled by
# default (no preset file names it), then disabled by one in weft's /run.
out=$(sctl status --no-pager --lines=0 reloader.service)
case $out in *"Loaded: loaded ($U/reloader.service; enabled; preset: enabled)"*) ;;
*) wt_fail "systemctl status of an enabled unit: $out" ;; esac
wt_ns sh -c 'mkdir -p /run/systemd/system-preset &&
        printf "# weft test\\ndisable reloader.*\\n" >/run/systemd/system-preset/50-weft-test.preset'
out=$(sctl status --no-pager --lines=0 reloader.service)
case $out in *"Loaded: loaded ($U/reloader.service; enabled; preset: disabled)"*) ;;
*) wt_fail "systemctl status of a unit a preset file disables: $out" ;; esac
out=$(sctl enable sleeper.service) || wt_fail "systemctl enable of a unit without [Install] failed: $out"
case $out in *"no installation config"*) ;; *) wt_fail "enable without [Install] said: $out" ;; esac
out=$(sctl enable nosuch.service) && wt_fail "systemctl enable nosuch.service succeeded: $out"
case $out in *"does not exist"*) ;; *) wt_fail "enable nosuch.service said: $out" ;; esac
# reenable (ReenableUnitFiles): the link removed, then made again.
out=$(sctl reenable reloader.service) || wt_fail "systemctl reenable failed: $out"
case $out in *"Removed \"$link\""*"Created symlink $link"*) ;; *) wt_fail "systemctl reenable said: $out" ;; esac
[ "$(sctl is-enabled reloader.service)" = enabled ] || wt_fail "after reenable, is-enabled: $(sctl is-enabled reloader.service)"
out=$(sctl disable reloader.service) || wt_fail "systemctl disable failed: $out"
case $out in *"Removed \"$link\""*) ;; *) wt_fail "systemctl disable said: $out" ;; esac
wt_ns test -e "$link" && wt_fail "disable left $link"
out=$(sctl enable --runtime reloader.service) && wt_fail "systemctl enable --runtime succeeded: $out"

# systemctl list-unit-files (ListUnitFiles, ListUnitFilesByPatterns): the
# files on weft's unit path with their states (systemctl adds the preset).
out=$(sctl list-unit-files --no-legend)
echo "$out" | grep -qx 'reloader.service  *disabled  *disabled' || wt_fail "list-unit-files, reloader.service: $out"
echo "$out" | grep -qx 'sleeper.service  *static  *-' || wt_fail "list-unit-files, sleeper.service: $out"
echo "$out" | grep -qx 'iso.target  *static  *-' || wt_fail "list-unit-files, iso.target: $out"
out=$(sctl list-unit-files --no-legend --state=static 'sleep*' 'reload*')
[ "$(echo "$out" | tr -s ' ')" = "sleeper.service static -" ] || wt_fail "list-unit-files --state=static 'sleep*' 'reload*': $out"
out=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- busctl --address="$ADDR" call org.freedesktop.systemd1 \
        /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager ListUnitFilesByPatterns asas 1 static 1 'sleep*' 2>&1)
[ "$out" = "a(ss) 1 \"$U/sleeper.service\" \"static\"" ] || wt_fail "ListUnitFilesByPatterns static sleep*: $out"
# mask and unmask (MaskUnitFiles, UnmaskUnitFiles): a link to /dev/null in
# the namespace's /etc/systemd/system; --runtime is refused.
masklink=/etc/systemd/system/trapper.service
out=$(sctl mask trapper.service) || wt_fail "systemctl mask failed: $out"
case $out in *"Created symlink $masklink → /dev/null"*) ;; *) wt_fail "systemctl mask said: $out" ;; esac
[ "$(wt_ns readlink "$masklink")" = /dev/null ] || wt_fail "mask made no $masklink"
[ "$(sctl is-enabled trapper.service)" = masked ] || wt_fail "after mask, is-enabled: $(sctl is-enabled trapper.service)"
out=$(sctl list-unit-files --no-legend --state=masked)
[ "$(echo "$out" | tr -s ' ')" = "trapper.service masked enabled" ] || wt_fail "list-unit-files --state=masked: $out"
out=$(sctl mask --runtime sleeper.service) && wt_fail "systemctl mask --runtime succeeded: $out"
out=$(sctl unmask trapper.service) || wt_fail "systemctl unmask failed: $out"
case $out in *"Removed \"$masklink\""*) ;; *) wt_fail "systemctl unmask said: $out" ;; esac
wt_ns test -e "$masklink" && wt_fail "unmask left $masklink"
[ "$(sctl is-enabled trapper.service)" = static ] || wt_fail "after unmask, is-enabled: $(sctl is-enabled trapper.service)"
# revert (RevertUnitFiles): a drop-in in /etc/systemd/system goes.
dropin=/etc/systemd/system/trapper.service.d
wt_ns sh -c "mkdir -p $dropin && printf '[Unit]\nDescription=x\n' >$dropin/x.conf" || wt_fail "cannot make $dropin"
out=$(sctl revert trapper.service) || wt_fail "systemctl revert failed: $out"
case $out in *"Removed \"$dropin/x.conf\""*"Removed \"$dropin\""*) ;; *) wt_fail "systemctl revert said: $out" ;; esac
wt_ns test -e "$dropin" && wt_fail "revert left $dropin"
# link (LinkUnitFiles): a unit file outside the unit path, linked into
# /etc/systemd/system.
wt_ns sh -c "printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' >$TMP/outside.service" ||
        wt_fail "cannot write $TMP/outside.service"
out=$(sctl link "$TMP/outside.service") || wt_fail "systemctl link failed: $out"
case $out in *"Created symlink /etc/systemd/system/outside.service → $TMP/outside.service"*) ;;
*) wt_fail "systemctl link said: $out" ;; esac
[ "$(sctl is-enabled outside.service)" = linked ] || wt_fail "after link, is-enabled: $(sctl is-enabled outside.service)"
out=$(sctl link /nonexistent/missing.service) && wt_fail "systemctl link of a missing file succeeded: $out"
case $out in *"unit /nonexistent/missing.service does not exist"*) ;; *) wt_fail "systemctl link (missing) said: $out" ;; esac
# get-default and set-default (GetDefaultTarget, SetDefaultTarget): the
# default.target link in /etc/systemd/system; none at first.
deflink=/etc/systemd/system/default.target
out=$(sctl get-default) && wt_fail "get-default without default.target: $out"
out=$(sctl set-default iso.target) || wt_fail "systemctl set-default iso.target failed: $out"
[ "$(wt_ns readlink "$deflink")" = "$U/iso.target" ] || wt_fail "set-default made no $deflink to iso.target: $out"
[ "$(sctl get-default)" = iso.target ] || wt_fail "get-default after set-default iso.target: $(sctl get-default)"
out=$(sctl set-default noiso) || wt_fail "systemctl set-default noiso failed: $out"
[ "$(sctl get-default)" = noiso.target ] || wt_fail "get-default after set-default noiso: $(sctl get-default)"
wt_ns rm "$deflink"
# preset (PresetUnitFiles, PresetUnitFilesWithMode): as the preset files in
# weft's /run say; enable-only leaves what is to be disabled alone.
wt_unit presetme.service <<EOF
[Service]
ExecStart=/bin/true
[Install]
WantedBy=multi-user.target
EOF
wt_ns sh -c 'printf "enable presetme.service\\n" >/run/systemd/system-preset/40-weft-test.preset'
plink=/etc/systemd/system/multi-user.target.wants/presetme.service
out=$(sctl preset presetme.service) || wt_fail "systemctl preset presetme.service failed: $out"
[ "$(wt_ns readlink "$plink")" = "$U/presetme.service" ] || wt_fail "preset made no $plink: $out"
[ "$(sctl is-enabled presetme.service)" = enabled ] || wt_fail "after preset, is-enabled presetme.service: $(sctl is-enabled presetme.service)"
out=$(sctl enable reloader.service) || wt_fail "systemctl enable before preset failed: $out"
out=$(sctl preset --preset-mode=enable-only reloader.service) || wt_fail "preset --preset-mode=enable-only failed: $out"
[ "$(sctl is-enabled reloader.service)" = enabled ] || wt_fail "preset enable-only disabled reloader.service"
out=$(sctl preset reloader.service presetme.service) || wt_fail "systemctl preset reloader.service failed: $out"
case $out in *"Removed \"$link\""*) ;; *) wt_fail "systemctl preset reloader.service said: $out" ;; esac
[ "$(sctl is-enabled reloader.service)" = disabled ] || wt_fail "after preset, is-enabled reloader.service: $(sctl is-enabled reloader.service)"
wt_ns test -e "$plink" || wt_fail "preset of an enabled unit to enable removed $plink"

# A unit weft does not have: not active, and said by weft (systemd would
# say inactive; weft answers NoSuchUnit/UnknownObject as on the system bus).
s=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- systemctl is-active nosuch.service 2>&1)
case $s in
active | *connect*) wt_fail "systemctl is-active nosuch.service: '$s'" ;;
esac

# systemd-update-utmp reads the Manager's timestamps there; the wtmp it
# writes goes to a tmpfs in weft's namespace only (private propagation).
wt_ns mount -t tmpfs -o mode=0755 tmpfs /var/log || wt_fail "cannot mount a tmpfs on /var/log"
wt_ns touch /var/log/wtmp
out=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- "$UTMP" reboot 2>&1)
rc=$?
[ $rc = 0 ] || wt_fail "systemd-update-utmp reboot exited $rc: $out"
size=$(wt_ns stat -c %s /var/log/wtmp 2>&1)
[ "${size:-0}" -gt 0 ] 2>/dev/null || wt_fail "systemd-update-utmp wrote no wtmp record (size $size)"

# Garbage, and more half-open connections than weft keeps: the oldest are
# closed, and systemctl still gets through meanwhile.
timeout 20 nsenter -t "$WEFT_PID" -p -m -- python3 - "$SOCK" <<'EOF' || wt_fail "the garbage writers: see above"
import os, socket, subprocess, sys, time
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
for blob in (os.urandom(4096), b"\0AUTH EXTERNAL 30\r\nBEGIN\r\n" + os.urandom(2048), b"\0" * 65536):
    s = conn()
    try:
        s.sendall(blob)
    except OSError:
        pass
    s.close()
half = []
for _ in range(70):
    half.append(conn())
    half[-1].sendall(b"\0AUTH EXTERNAL 30\r\n")
    time.sleep(0.005)
out = subprocess.run(["systemctl", "is-active", "sleeper.service"], capture_output=True, text=True, timeout=10)
if out.stdout.strip() != "active":
    sys.exit("with 70 idle peers: systemctl is-active: %r %r" % (out.stdout, out.stderr))
# The first one was closed by weft: end of file after its auth answer.
half[0].settimeout(5)
while half[0].recv(4096):
    pass
for s in half:
    s.close()
EOF
grep -q "connections, closing the oldest" "$WT_LOG" || wt_fail "no log line about closing the oldest connection"
# A call whose caller is gone before the answer comes.
timeout 5 nsenter -t "$WEFT_PID" -p -m -- busctl --address="$ADDR" --expect-reply=no call org.freedesktop.systemd1 \
        /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager GetUnit s sleeper.service >/dev/null 2>&1
wt_assert_answers
s=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- systemctl is-active sleeper.service 2>&1)
[ "$s" = active ] || wt_fail "after the garbage: systemctl is-active sleeper.service: '$s', want active"

# systemctl isolate (StartUnit mode "isolate"; systemctl adds .target):
# what iso.target does not pull in stops, sleeper.service keeps running.
# A target without AllowIsolate=yes is refused with systemd's error.
out=$(sctl isolate noiso.target) && wt_fail "systemctl isolate noiso.target succeeded: $out"
case $out in *"unit may not be isolated"*) ;; *) wt_fail "systemctl isolate noiso.target said: $out" ;; esac
[ "$(sctl is-active reloader.service)" = active ] || wt_fail "a refused isolate stopped reloader.service"
pid=$(sctl show -P MainPID sleeper.service)
out=$(sctl isolate iso) || wt_fail "systemctl isolate iso failed: $out"
wt_wait_state reloader.service inactive 10
wt_wait_state trapper.service inactive 10
wt_wait_state test.target inactive 10
[ "$(sctl is-active iso.target)" = active ] || wt_fail "after systemctl isolate iso: iso.target is $(sctl is-active iso.target)"
[ "$(sctl show -P MainPID sleeper.service)" = "$pid" ] || wt_fail "systemctl isolate iso restarted or stopped sleeper.service"

# systemctl poweroff, as Debian's units make it: StartUnit(poweroff.target,
# replace-irreversibly) pulls shutdown.target (and what it wants: a hook
# that runs at shutdown) and systemd-poweroff.service, which is nothing
# but SuccessAction=poweroff-force: weft then shuts down, here by exiting.
wt_unit shutdown.target <<EOF
[Unit]
DefaultDependencies=no
Wants=bye.service
EOF
wt_unit bye.service <<EOF
[Unit]
DefaultDependencies=no
Before=shutdown.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'sleep 2; echo bye >>$TMP/bye.log'
EOF
# A socket whose service conflicts with shutdown.target, as rsyslog's:
# traffic while the poweroff runs must not cancel it (it did, in the VM).
wt_unit trig.socket <<EOF
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=$TMP/trig.sock
EOF
wt_unit trig.service <<EOF
[Unit]
DefaultDependencies=no
Conflicts=shutdown.target
[Service]
ExecStart=/bin/sleep 300
EOF
wt_unit systemd-poweroff.service <<EOF
[Unit]
DefaultDependencies=no
Requires=shutdown.target
After=shutdown.target
SuccessAction=poweroff-force
EOF
wt_unit poweroff.target <<EOF
[Unit]
DefaultDependencies=no
Requires=systemd-poweroff.service
After=systemd-poweroff.service
EOF
sctl daemon-reload >/dev/null || wt_fail "daemon-reload before poweroff failed"
sctl start trig.socket >/dev/null || wt_fail "cannot start trig.socket"
out=$(sctl poweroff) || wt_fail "systemctl poweroff failed: $out"
wt_until 5 grep -q "Starting bye.service" "$WT_LOG" || wt_fail "the poweroff did not start bye.service"
timeout 5 socat -u /dev/null "UNIX-CONNECT:$TMP/trig.sock" 2>/dev/null
wt_wait_exit 30
grep -q "trig.service: not starting it: trig.service would undo the irreversible start job of shutdown.target" "$WT_LOG" ||
        wt_fail "traffic during the poweroff: no refusal of trig.service"
grep -q bye "$TMP/bye.log" 2>/dev/null || wt_fail "systemctl poweroff ran no unit shutdown.target wants"
grep -q "systemd-poweroff.service: finished; SuccessAction=poweroff-force" "$WT_LOG" ||
        wt_fail "no SuccessAction=poweroff-force line"
wt_finish "busctl, systemctl and systemd-update-utmp answered on the private bus without dbus-daemon; systemctl poweroff went through poweroff.target"
