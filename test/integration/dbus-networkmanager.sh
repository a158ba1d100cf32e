#!/bin/bash
# The boot weft's origin could not do (issue 11): Debian's
# NetworkManager.service, unchanged (Type=dbus,
# BusName=org.freedesktop.NetworkManager), under weft with a real
# dbus-daemon started from Debian's units (test/lib/dbus.sh), in a private
# network namespace (only its own loopback for NetworkManager to see):
#  1. start NetworkManager with Type=dbus;
#  2. wait for it to take its bus name;
#  3. go on booting: after-nm.service (After=NetworkManager.service) starts
#     only once org.freedesktop.NetworkManager is owned; it asks the bus for
#     the owner and for NetworkManager's Version, and the boot record's
#     stamps say it started after NetworkManager became active.
# Skips without network-manager or the bus packages. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
. "$(dirname "$0")/../lib/dbus.sh"
wt_init dbus-networkmanager
[ -x /usr/sbin/NetworkManager ] && [ -f /lib/systemd/system/NetworkManager.service ] ||
        { echo "$WT_NAME: network-manager not installed, skipping"; exit 0; }
timeout 10 unshare --net true 2>/dev/null || { echo "$WT_NAME: unshare --net not permitted, skipping"; exit 0; }
wt_dbus_setup
cp /lib/systemd/system/NetworkManager.service "$U/"
for t in network-pre network; do printf '[Unit]\nDescription=%s\n' "$t" >"$U/$t.target"; done
wt_unit t.target <<EOF
[Unit]
Wants=NetworkManager.service after-nm.service
EOF
# NetworkManager takes its name before it exports its objects (its
# nm_dbus_manager_acquire_bus runs before nm_manager_setup), so a client
# that asks at once may get UnknownObject, under systemd as under weft. The
# name must be owned at once; the Version may take a few tries.
cat >"$TMP/nm-version.sh" <<'EOS'
#!/bin/sh
i=0
while [ $i -lt 100 ]; do
        busctl --system get-property org.freedesktop.NetworkManager /org/freedesktop/NetworkManager \
                org.freedesktop.NetworkManager Version && { echo "Version after $i retries"; exit 0; }
        i=$((i + 1))
        sleep 0.1
done
exit 1
EOS
chmod +x "$TMP/nm-version.sh"
wt_unit after-nm.service <<EOF
[Unit]
After=NetworkManager.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetNameOwner string:org.freedesktop.NetworkManager
ExecStart=$TMP/nm-version.sh
EOF
WT_UNSHARE="--net"
wt_start --target t.target || wt_finish ""
wt_wait_state after-nm.service active 30
[ "$(wt_ctl show NetworkManager.service -P ActiveState)" = active ] ||
        wt_fail "NetworkManager.service is $(wt_ctl show NetworkManager.service -P ActiveState)"
st=$(wt_ctl status NetworkManager.service 2>&1)
case $st in *"Bus name: org.freedesktop.NetworkManager (owned)"*) ;; *) wt_fail "status: $st" ;; esac
grep -q 'string ":1\.' "$RUN/log/after-nm.service.log" ||
        wt_fail "after-nm.service did not find the name owned: $(cat "$RUN/log/after-nm.service.log")"
grep -q '^s "' "$RUN/log/after-nm.service.log" ||
        wt_fail "after-nm.service got no Version: $(cat "$RUN/log/after-nm.service.log")"
wt_until 10 test -s "$RUN/boot.yaml" || wt_fail "no boot record"
stamp() { # UNIT FIELD: FIELD of UNIT in the boot record
        awk -v u="$1" -v f="$2" '$0 ~ "- id: "u"$" {on=1; next} /- id:/ {on=0} on && $1 == f":" {print $2}' "$RUN/boot.yaml"
}
nm_exec=$(stamp NetworkManager.service execed_usec)
nm_name=$(stamp NetworkManager.service bus_name_usec)
nm_active=$(stamp NetworkManager.service active_usec)
after=$(stamp after-nm.service activating_usec)
if [ -n "$nm_exec" ] && [ -n "$nm_name" ] && [ -n "$nm_active" ] && [ -n "$after" ]; then
        [ "$nm_active" -ge "$nm_name" ] || wt_fail "NetworkManager.service was active before its name"
        [ "$after" -ge "$nm_active" ] || wt_fail "after-nm.service started before NetworkManager.service was active"
        echo "$WT_NAME: NetworkManager took its name $(((nm_name - nm_exec) / 1000)) ms after exec; after-nm started $(((after - nm_active) / 1000)) ms after it was active"
else
        wt_fail "boot record stamps missing: exec '$nm_exec' name '$nm_name' active '$nm_active' after '$after'"
fi
"$WEFTCTL" analyze --from "$RUN/boot.yaml" blame 2>&1 | grep NetworkManager
wt_assert_answers
wt_stop
wt_finish "NetworkManager (Type=dbus) boots: its dependent starts once the name is owned"
