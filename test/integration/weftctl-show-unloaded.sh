#!/bin/bash
# `weftctl show --all` of units that did not load (not found, bad setting,
# masked), of every type that needs a file, offline: each prints its LoadState= and no
# property that only a loaded unit's configuration has, and weftctl exits
# 0 (a custom renderer of one type used to read the missing configuration
# and crash: TimeoutStartUSec= of a service that was not found).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
NAME=weftctl-show-unloaded
WEFTCTL=$(realpath "$BUILD/weftctl" 2>/dev/null)
if [ ! -x "$WEFTCTL" ]; then
        timeout 300 make -s BUILD="$BUILD" "$BUILD/weftctl" || { echo "$NAME: FAIL: cannot build $BUILD/weftctl"; exit 1; }
        WEFTCTL=$(realpath "$BUILD/weftctl")
fi
TMP=$(mktemp -d /tmp/weftctl-show-unloaded.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "$NAME: FAIL: $*"; fails=$((fails + 1)); }

printf '[Service]\nExecStart=relative/path\n' >"$TMP/bad.service"
printf '[Socket]\n' >"$TMP/bad.socket"
ln -s /dev/null "$TMP/masked.service"
want() { # UNIT LOADSTATE
        local out rc
        out=$(timeout 20 "$WEFTCTL" --runtime-dir "$TMP/none" --unit-path "$TMP" show --all "$1" 2>&1)
        rc=$?
        [ $rc -eq 0 ] || { fail "show --all $1 exited $rc"; return; }
        grep -qx "LoadState=$2" <<<"$out" || fail "show --all $1 has no LoadState=$2"
        grep -q "^TimeoutStartUSec=\|^Listen=\|^WorkingDirectory=" <<<"$out" &&
                fail "show --all $1 shows a setting of a loaded unit"
}
for t in service socket target path timer mount swap scope automount; do
        want "nosuch.$t" not-found
done
# Devices and slices need no file, as in systemd.
want nosuch.device loaded
want nosuch.slice loaded
want bad.service bad-setting
want bad.socket bad-setting
want masked.service masked
if [ "$fails" -gt 0 ]; then
        echo "$NAME: $fails failures"
        exit 1
fi
echo "$NAME: show --all of units that did not load, of every type, exits 0 with their LoadState"
