# What the bus tests share (sourced after weft.sh and wt_init): a real
# dbus-daemon --system under weft, from Debian's own dbus.socket and
# dbus.service copied unchanged into $U, and the sd-bus test service
# test/tools/bus_svc.c built as $SVC.
#   wt_dbus_setup NAME...: skips (exit 0) without dbus-daemon, dbus-send,
#     busctl, cc or libsystemd-dev; lets root own every name org.weft.* and
#     anyone call the NAMEs; writes the fence prelude ($WT_PREFIX) that
#     bind-mounts our policy and service files over /etc/dbus-1/system.d
#     and /usr/share/dbus-1/system-services inside the test's mount
#     namespace only.
#   wt_dbus_activatable NAME UNIT: a D-Bus service file for NAME with
#     SystemdService=UNIT (Exec=/bin/false: only weft may start it).
# shellcheck shell=bash

wt_dbus_setup() {
        local f n
        wt_need dbus-daemon dbus-send busctl cc
        for f in /lib/systemd/system/dbus.socket /lib/systemd/system/dbus.service /usr/share/dbus-1/system.conf; do
                [ -f "$f" ] || { echo "$WT_NAME: $f missing (package dbus), skipping"; exit 0; }
        done
        getent passwd messagebus >/dev/null || { echo "$WT_NAME: no messagebus user, skipping"; exit 0; }
        SVC=$TMP/bus_svc
        if ! timeout 60 cc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -o "$SVC" test/tools/bus_svc.c -lsystemd \
                >"$TMP/cc.out" 2>&1; then
                if grep -q 'systemd/sd-bus.h' "$TMP/cc.out"; then
                        echo "$WT_NAME: libsystemd-dev not installed, skipping"
                        exit 0
                fi
                wt_fail "cannot build test/tools/bus_svc.c: $(cat "$TMP/cc.out")"
                wt_finish ""
        fi
        mkdir -p "$TMP/system.d" "$TMP/system-services"
        cp -a /etc/dbus-1/system.d/. "$TMP/system.d/" 2>/dev/null
        cp -a /usr/share/dbus-1/system-services/. "$TMP/system-services/" 2>/dev/null
        {
                echo '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"'
                echo ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">'
                echo '<busconfig>'
                echo '  <policy user="root"><allow own_prefix="org.weft"/></policy>'
                echo '  <policy context="default">'
                for n in "$@"; do echo "    <allow send_destination=\"$n\"/>"; done
                echo '  </policy>'
                echo '</busconfig>'
        } >"$TMP/system.d/weft-test.conf"
        cat >"$TMP/prep.sh" <<EOF
mount --bind "$TMP/system.d" /etc/dbus-1/system.d || exit 1
mount --bind "$TMP/system-services" /usr/share/dbus-1/system-services || exit 1
exec "\$@"
EOF
        WT_PREFIX="bash $TMP/prep.sh"
        cp /lib/systemd/system/dbus.socket /lib/systemd/system/dbus.service "$U/"
        for n in sysinit basic sockets shutdown; do printf '[Unit]\nDescription=%s\n' "$n" >"$U/$n.target"; done
}

wt_dbus_activatable() {
        cat >"$TMP/system-services/$1.service" <<EOF
[D-BUS Service]
Name=$1
Exec=/bin/false
User=root
SystemdService=$2
EOF
}
