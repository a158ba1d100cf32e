#!/bin/bash
# The demo: lint examples/demo/ as systemd-analyze verify would, then boot
# it with weft as PID 1 of a private PID namespace, fenced like every run of
# weft (test/lib/fence.sh: a private mount namespace whose inherited mounts
# are read-only, fresh tmpfs on /run and /tmp, only the demo's own temp dir
# writable), so the demo cannot touch the machine. weft prints each unit's
# start and ready times as it goes; a demo-only unit asks PID 1 to shut down
# two seconds after the boot, and weft stops everything in reverse order and
# exits 0. Before that, the same unit connects once to greeter.socket
# (socket activation with Accept=yes, under the fence's fresh /run) with
# socat, if installed, and the reply is printed. Needs root, or unprivileged
# user namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
demo=$PWD/examples/demo
work=$(mktemp -d "${TMPDIR:-/tmp}/weft-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== weftctl verify: every unit of examples/demo"
units=$(cd "$demo" && ls *.service *.socket *.target | grep -v '@\.service$'; echo worker@1.service greeter@1.service)
# shellcheck disable=SC2086
"$BUILD/weftctl" verify --unit-path "$demo" $units
echo "all units load"

echo
echo "== weftctl show web.service (drop-in merged, implicit dependencies added)"
"$BUILD/weftctl" show --unit-path "$demo" web.service -p Id,Requires,Wants,After,Environment,RestartUSec,DropInPaths

# Only for the demo: a unit that says hello to the socket-activated greeter,
# then stops the machine once the boot is done.
mkdir -p "$work/units/multi-user.target.wants"
cat >"$work/units/demo-done.service" <<'UNIT'
[Unit]
Description=End the demo: ask PID 1 to shut down
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'sleep 2; if command -v socat >/dev/null; then echo demo | timeout 5 socat -t 5 - UNIX-CONNECT:%t/weft-demo/greeter.sock | sed "s/^/greeter replied: /"; else echo "socat not found: not connecting to the greeter"; fi; exec /bin/kill -TERM 1'
UNIT
ln -s ../demo-done.service "$work/units/multi-user.target.wants/demo-done.service"

echo
echo "== weft as PID 1 of a private PID namespace (fenced mounts), booting multi-user.target"
ns=(unshare --pid --fork --kill-child --mount --propagation private --mount-proc)
[ "$(id -u)" = 0 ] || ns=(unshare --user --map-root-user --pid --fork --kill-child --mount --propagation private --mount-proc)
status=0
timeout 60 "${ns[@]}" bash test/lib/fence.sh "$work" -- "$BUILD/weft" --unit-path "$work/units" --unit-path "$demo" \
        --runtime-dir "$work/run" || status=$?
echo "weft exited with status $status"

echo
echo "== socket activation: demo-done.service connected to greeter.socket"
grep -h -e 'greeter replied' -e 'socat not found' "$work"/run/log/demo-done*.log 2>/dev/null || echo "no reply from the greeter"

echo
echo "== what the services wrote (weft's per-unit logs)"
for f in "$work"/run/log/*.log; do
        [ -s "$f" ] && sed "s/^/$(basename "$f" .log): /" "$f"
done
echo
echo "== boot record: $(grep -c '^- id:' "$work/run/boot.yaml") units in boot.yaml (weftctl analyze will read it)"
exit "$status"
