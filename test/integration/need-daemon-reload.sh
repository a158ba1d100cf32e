#!/bin/bash
# NeedDaemonReload, as systemd has it: a unit whose file or drop-ins
# changed on disk since weft read them says so (weftctl show, systemctl
# show on the private bus), and status warns as systemctl's does
# (systemctl's own status and restart warn too), until a daemon-reload:
#  - a unit file edited, a drop-in added, a drop-in edited: yes;
#  - a unit read at run time after the boot (a file added later), and the
#    units nobody touched: no;
#  - after daemon-reload: no.
# The systemctl part skips without systemctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init need-daemon-reload

oneshot() { printf '[Unit]\nDescription=%s\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' "$2" | wt_unit "$1"; }
printf '[Unit]\nDefaultDependencies=no\nWants=a.service b.service c.service\n' | wt_unit t.target
oneshot a.service "a first"
oneshot b.service "b first"
oneshot c.service "c first"
mkdir -p "$U/c.service.d"
printf '[Unit]\nDescription=c from its drop-in\n' >"$U/c.service.d/x.conf"
wt_start --target t.target --private-bus /run/systemd/private || wt_finish ""
wt_wait_state c.service active
need() { wt_ctl show "$1" -P NeedDaemonReload; }
for u in a.service b.service c.service t.target; do
        [ "$(need $u)" = no ] || wt_fail "$u needs a reload before anything changed: $(need $u)"
done

oneshot a.service "a edited"
mkdir -p "$U/b.service.d"
printf '[Unit]\nDescription=b from a new drop-in\n' >"$U/b.service.d/y.conf"
printf '[Unit]\nDescription=c from its edited drop-in\n' >"$U/c.service.d/x.conf"
oneshot late.service "late"
wt_ctl start late.service || wt_fail "start late.service"
for u in a.service b.service c.service; do
        [ "$(need $u)" = yes ] || wt_fail "$u changed on disk, NeedDaemonReload is $(need $u)"
done
[ "$(need t.target)" = no ] || wt_fail "t.target did not change, NeedDaemonReload is $(need t.target)"
[ "$(need late.service)" = no ] || wt_fail "late.service was read after its file was written, NeedDaemonReload is $(need late.service)"
[ "$(wt_ctl show a.service -P Description)" = "a first" ] || wt_fail "a.service changed without a reload"
out=$("$WEFTCTL" --runtime-dir "$RUN" status a.service 2>&1 >/dev/null)
case $out in *"Warning: The unit file, source configuration file or drop-ins of a.service changed on disk. Run 'weftctl daemon-reload' to reload units."*) ;;
*) wt_fail "weftctl status a.service warned: $out" ;; esac
if command -v systemctl >/dev/null 2>&1; then
        [ "$(wt_systemctl show -P NeedDaemonReload b.service)" = yes ] ||
                wt_fail "systemctl show -P NeedDaemonReload b.service: $(wt_systemctl show -P NeedDaemonReload b.service)"
        out=$(wt_systemctl status b.service)
        case $out in *"b.service changed on disk. Run 'systemctl daemon-reload' to reload units."*) ;;
        *) wt_fail "systemctl status b.service: $out" ;; esac
        out=$(wt_systemctl restart c.service)
        case $out in *"c.service changed on disk. Run 'systemctl daemon-reload' to reload units."*) ;;
        *) wt_fail "systemctl restart c.service: $out" ;; esac
fi

wt_ctl daemon-reload || wt_fail "daemon-reload failed"
for u in a.service b.service c.service late.service t.target; do
        [ "$(need $u)" = no ] || wt_fail "$u still needs a reload after daemon-reload"
done
[ "$(wt_ctl show b.service -P Description)" = "b from a new drop-in" ] || wt_fail "daemon-reload did not read b's drop-in"
out=$("$WEFTCTL" --runtime-dir "$RUN" status a.service 2>&1 >/dev/null)
[ -z "$out" ] || wt_fail "weftctl status a.service after daemon-reload still warned: $out"
wt_assert_answers
wt_stop
wt_finish "NeedDaemonReload says which units changed on disk since weft read them; status warns as systemctl does"
