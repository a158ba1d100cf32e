#!/bin/bash
# systemd-logind under weft (issue 11): Debian's systemd-logind.service,
# unchanged (BusName=org.freedesktop.login1, so Type=dbus), with a real
# dbus-daemon started by weft from Debian's units (test/lib/dbus.sh):
#  - it becomes active once its name is owned, and status says so;
#  - it answers on the bus (ListSessions);
#  - a login through PAM (su -, whose session stack has pam_systemd, which
#    asks logind for a session, which asks org.freedesktop.systemd1 for a
#    scope) takes under 0.5 s: weft owns that name and answers the scope
#    request with an error at once (under systemd a login takes 0.1-0.2 s;
#    with nobody owning org.freedesktop.systemd1 it took 50 s).
# Skips without logind, su or the bus packages. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
. "$(dirname "$0")/../lib/dbus.sh"
wt_init dbus-logind
[ -x /lib/systemd/systemd-logind ] && [ -f /lib/systemd/system/systemd-logind.service ] ||
        { echo "$WT_NAME: systemd-logind not installed, skipping"; exit 0; }
wt_need su
wt_dbus_setup
cp /lib/systemd/system/systemd-logind.service "$U/"
wt_unit t.target <<EOF
[Unit]
Wants=systemd-logind.service
EOF
# logind's StateDirectory=systemd/linger is made below /var/lib, which the
# fence keeps read-only (it would fail with 238 STATE_DIRECTORY, as under
# systemd): a tmpfs there, in weft's mount namespace only.
cat >"$TMP/pre.sh" <<'EOF'
#!/bin/sh
mount -t tmpfs -o mode=0755 tmpfs /var/lib/systemd || exit 1
exec "$@"
EOF
chmod +x "$TMP/pre.sh"
WT_PREFIX="$TMP/pre.sh" wt_start --target t.target || wt_finish ""
wt_wait_state systemd-logind.service active 15
st=$(wt_ctl status systemd-logind.service 2>&1)
case $st in *"Bus name: org.freedesktop.login1 (owned)"*) ;; *) wt_fail "logind's status: $st" ;; esac
out=$(wt_ns timeout 10 busctl --system call org.freedesktop.login1 /org/freedesktop/login1 \
        org.freedesktop.login1.Manager ListSessions 2>&1) || wt_fail "ListSessions: $out"
# pam_systemd asks logind only where a service manager says it runs
# (/run/systemd/system) and logind's seats exist (/run/systemd/seats, one of
# logind's RuntimeDirectory=, which weft makes): the fence's own /run.
wt_ns test -d /run/systemd/seats || wt_fail "logind's RuntimeDirectory=systemd/seats was not made"
wt_ns mkdir -p /run/systemd/system
best=999999
for i in 1 2 3; do
        s=$(date +%s%N)
        out=$(wt_ns timeout 60 su - nobody -s /bin/sh -c 'echo logged-in; cat /proc/self/loginuid' 2>&1)
        ms=$((($(date +%s%N) - s) / 1000000))
        case $out in *logged-in*) ;; *) wt_fail "su - nobody: $out" ;; esac
        [ $ms -lt $best ] && best=$ms
done
[ "$best" -lt $((500 * ${WT_TIME_SCALE:-1})) ] || wt_fail "a login through logind took $best ms"
echo "$WT_NAME: su - through pam_systemd and logind: $best ms (best of 3)"
wt_assert_answers
wt_stop
wt_finish "logind active with its name, a login under 0.5 s"
