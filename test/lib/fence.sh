#!/bin/bash
# Runs inside fresh pid + mount namespaces (see weft.sh's wt_start) and
# turns them into a fence before exec'ing the command: every inherited
# mount is read-only, /run and /tmp are fresh tmpfs, and only the test's
# own directory stays writable. So a weft that boots more than it should
# cannot touch the machine: no tmpfiles emptying the real /tmp again.
#   fence.sh KEEP_DIR -- CMD [ARGS...]
set -u
keep=$1
shift
[ "${1:-}" = -- ] && shift

mount --make-rprivate / || exit 1
# Every inherited mount read-only, deepest last so none is shadowed.
while read -r _ _ _ _ mp _; do
        mp=$(printf '%b' "$mp")
        case $mp in /proc | /proc/*) continue ;; esac
        mount -o remount,bind,ro "$mp" 2>/dev/null || true
done </proc/self/mountinfo
# The test's directory survives the fresh /tmp: park it, then move it back.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || exit 1
mkdir -p /run/.fence-keep
mount --bind "$keep" /run/.fence-keep || exit 1
mount -o remount,bind,rw /run/.fence-keep || exit 1
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp || exit 1
mkdir -p "$keep" 2>/dev/null || true
mount --move /run/.fence-keep "$keep" || exit 1
rmdir /run/.fence-keep 2>/dev/null
exec "$@"
