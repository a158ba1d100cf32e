#!/bin/bash
# Runs core/pid1.c for real: builds test/tools/pid1probe.c and runs it
#  - as PID 1 of a private PID and mount namespace (unshare --pid --fork
#    --mount-proc, private propagation): container detection, API mounts,
#    the final sweep with kill(-1) (which the kernel confines to the
#    namespace), and pid1_finish(SHUTDOWN_EXIT, 7) -> exit status 7;
#  - as an ordinary process (PID 2 under a shell in another namespace):
#    subreaper, a sweep of its own children only, exit status 5.
# Both run fenced (test/lib/weft.sh's wt_fenced: fresh pid and mount
# namespaces, inherited mounts read-only, fresh /run and /tmp), so the API
# mounts land in the namespace only, and --kill-child cleans up a hung probe
# with everything it started. Every run is bounded by 30 s.
. "$(dirname "$0")/../lib/weft.sh"
wt_init pid1-namespace

if ! timeout 120 ${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -I. \
        test/tools/pid1probe.c core/pid1.c core/event_queue.c base/log.c -lpthread -o "$TMP/pid1probe"; then
        wt_fail "cannot build the probe"
        wt_finish ""
fi

wt_fenced 30 "$TMP/pid1probe" namespace >"$WT_LOG" 2>&1
rc=$?
[ $rc = 7 ] || wt_fail "as PID 1 of a namespace: exit status $rc, want 7"

# The shell stays PID 1 (no exec: a command follows), the probe is not.
wt_fenced 30 sh -c '"$0" subreaper; exit $?' "$TMP/pid1probe" >>"$WT_LOG" 2>&1
rc=$?
[ $rc = 5 ] || wt_fail "as a subreaper: exit status $rc, want 5"
wt_finish "PID 1 in a namespace and subreaper sweeps behave"
