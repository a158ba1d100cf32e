#!/bin/bash
# Runs core/pid1.c for real: builds test/tools/pid1probe.c and runs it
#  - as PID 1 of a private PID and mount namespace (unshare --pid --fork
#    --mount-proc, private propagation): container detection, API mounts,
#    the final sweep with kill(-1) (which the kernel confines to the
#    namespace), and pid1_finish(SHUTDOWN_EXIT, 7) -> exit status 7;
#  - as an ordinary process (PID 2 under a shell in another namespace):
#    subreaper, a sweep of its own children only, exit status 5.
# Both run in a namespace with --kill-child, so a hung probe is cleaned up
# by the kernel with everything it started.
# Needs root for unshare; exits 0 with a message when that is not allowed.
# Every run is bounded by timeout 30. Run from the repository root
# (test/run-all.sh does).
set -u
cd "$(dirname "$0")/../.." || exit 1

if ! command -v unshare >/dev/null 2>&1; then
        echo "pid1-namespace: unshare not found, skipping"
        exit 0
fi
if ! timeout 10 unshare --pid --fork --kill-child --mount-proc --propagation private true >/dev/null 2>&1; then
        echo "pid1-namespace: unshare --pid --mount not permitted here, skipping"
        exit 0
fi

TMP=$(mktemp -d /tmp/weft-pid1.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

if ! timeout 120 ${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -I. \
        test/tools/pid1probe.c core/pid1.c core/event_queue.c core/log.c -lpthread -o "$TMP/pid1probe"; then
        echo "pid1-namespace: cannot build the probe"
        exit 1
fi

fail=0

# Should the probe hang: timeout ends unshare, --kill-child then kills the
# namespace's PID 1 by its PID, and the kernel kills the rest of it.
UNSHARE=(unshare --pid --fork --kill-child --mount-proc --propagation private)

timeout -k 5 30 "${UNSHARE[@]}" "$TMP/pid1probe" namespace
rc=$?
if [ $rc -ne 7 ]; then
        echo "pid1-namespace: as PID 1 of a namespace: exit status $rc, want 7"
        fail=1
fi

# The shell stays PID 1 (no exec: a command follows), the probe is not.
timeout -k 5 30 "${UNSHARE[@]}" sh -c '"$0" subreaper; exit $?' "$TMP/pid1probe"
rc=$?
if [ $rc -ne 5 ]; then
        echo "pid1-namespace: as a subreaper: exit status $rc, want 5"
        fail=1
fi

if [ $fail -ne 0 ]; then
        exit 1
fi
echo "pid1-namespace: PID 1 in a namespace and subreaper sweeps behave"
exit 0
