#!/bin/bash
# `weft --unit-path DIR -- CMD` (issue 10): DIR's default target comes up
# first (a Type=notify sidecar is ready, a socket listens) and CMD runs
# after it, as main.service (weftctl list-units, weftctl status main);
# when CMD exits the sidecars are stopped and weft exits with CMD's status.
# --no-wait starts CMD alongside. A sidecar with SuccessAction=exit ends the
# container with its status, stopping CMD; FailureAction=exit-force on a
# failing one ends it at once. A signal sent while the sidecars start waits
# for CMD and is delivered once it runs.
. "$(dirname "$0")/../lib/weft.sh"
wt_init container-sidecars

wt_unit default.target <<EOF
[Unit]
Wants=side.service side.socket
EOF
wt_unit side.service <<EOF
[Unit]
DefaultDependencies=no
Before=default.target
[Service]
Type=notify
NotifyAccess=all
ExecStart=/bin/sh -c 'trap "echo stopped >>$TMP/side; exit 0" TERM; sleep 0.3; echo ready >$TMP/side; systemd-notify --ready; while :; do sleep 0.05; done'
EOF
wt_unit side.socket <<EOF
[Unit]
DefaultDependencies=no
Before=default.target
[Socket]
ListenStream=$TMP/side.sock
Service=side.service
EOF

# 1. Sidecars first, CMD after them, main.service visible, reverse stop.
wt_fenced 30 "$WEFT" --unit-path "$U" --runtime-dir "$RUN" -- sh -c \
        "cat $TMP/side; $WEFTCTL --runtime-dir $RUN list-units --no-legend; $WEFTCTL --runtime-dir $RUN status main; exit 7" \
        >"$TMP/out1" 2>"$WT_LOG"
rc=$?
[ "$rc" = 7 ] || wt_fail "weft exited $rc, not CMD's 7"
grep -qx ready "$TMP/out1" || wt_fail "CMD ran before the notify sidecar was ready: $(head -3 "$TMP/out1")"
grep -q "main.service *loaded active running" "$TMP/out1" || wt_fail "main.service is not listed as running"
grep -q "side.service *loaded active running" "$TMP/out1" || wt_fail "side.service is not running while CMD runs"
# As systemd says of a socket whose service has its fds.
grep -q "side.socket *loaded active running" "$TMP/out1" || wt_fail "side.socket is not running (its service is)"
grep -q "^● main.service - sh -c" "$TMP/out1" || wt_fail "weftctl status main did not show main.service"
grep -qx stopped "$TMP/side" || wt_fail "the sidecar was not stopped when CMD exited"

# 2. --no-wait: CMD does not wait for the sidecar.
rm -f "$TMP/side"
wt_fenced 30 "$WEFT" --unit-path "$U" --runtime-dir "$RUN" --no-wait -- \
        sh -c "[ -e $TMP/side ] && echo waited || echo alongside" >"$TMP/out2" 2>>"$WT_LOG"
rc=$?
[ "$rc" = 0 ] || wt_fail "--no-wait: weft exited $rc"
grep -qx alongside "$TMP/out2" || wt_fail "--no-wait: CMD waited for the sidecar"

# 3. A sidecar's SuccessAction=exit ends the container with its status.
mkdir -p "$TMP/u3"
cat >"$TMP/u3/default.target" <<EOF
[Unit]
Wants=job.service
EOF
cat >"$TMP/u3/job.service" <<EOF
[Unit]
DefaultDependencies=no
SuccessAction=exit
SuccessActionExitStatus=42
[Service]
Type=exec
ExecStart=/bin/sleep 0.3
EOF
start=$SECONDS
wt_fenced 30 "$WEFT" --unit-path "$TMP/u3" --runtime-dir "$RUN" --no-wait -- \
        sh -c "trap 'echo term; exit 0' TERM; while :; do sleep 0.05; done" >"$TMP/out3" 2>>"$WT_LOG"
rc=$?
[ "$rc" = 42 ] || wt_fail "SuccessAction=exit of a sidecar: weft exited $rc, not 42"
grep -qx term "$TMP/out3" || wt_fail "SuccessAction=exit: CMD was not stopped with SIGTERM"
[ $((SECONDS - start)) -lt 10 ] || wt_fail "SuccessAction=exit took $((SECONDS - start)) s"

# 4. FailureAction=exit-force on a failing sidecar: the container ends at once.
cat >"$TMP/u3/job.service" <<EOF
[Unit]
DefaultDependencies=no
FailureAction=exit-force
[Service]
Type=exec
ExecStart=/bin/sh -c 'sleep 0.3; exit 5'
EOF
wt_fenced 30 "$WEFT" --unit-path "$TMP/u3" --runtime-dir "$RUN" --no-wait -- sleep 20 >/dev/null 2>>"$WT_LOG"
rc=$?
[ "$rc" = 5 ] || wt_fail "FailureAction=exit-force of a sidecar: weft exited $rc, not 5"

# 5. A signal that comes before CMD was exec'd waits for it: SIGUSR1 while
# the sidecar is still starting kills CMD (sh) as soon as it runs.
mkdir -p "$TMP/u5"
cat >"$TMP/u5/default.target" <<EOF
[Unit]
Wants=slow.service
EOF
cat >"$TMP/u5/slow.service" <<EOF
[Unit]
DefaultDependencies=no
Before=default.target
[Service]
Type=notify
NotifyAccess=all
ExecStart=/bin/sh -c 'echo starting >$TMP/slow; sleep 1; systemd-notify --ready; exec sleep 30'
EOF
wt_fence_cmd
"${WT_FENCE[@]}" "$WEFT" --unit-path "$TMP/u5" --runtime-dir "$RUN" -- sh -c 'echo cmd-ran-on; sleep 5' \
        >"$TMP/out5" 2>>"$WT_LOG" &
WT_HOLDER=$!
for _ in $(seq 200); do [ -e "$TMP/slow" ] && break; sleep 0.02; done
WEFT_PID=$(cat "/proc/$WT_HOLDER/task/$WT_HOLDER/children" 2>/dev/null)
WEFT_PID=${WEFT_PID%% *}
if [ -e "$TMP/slow" ] && [ -n "$WEFT_PID" ] && [ "$(cat "/proc/$WEFT_PID/comm" 2>/dev/null)" = weft ]; then
        start=$SECONDS
        kill -USR1 "$WEFT_PID"
        wait "$WT_HOLDER"
        rc=$?
        [ "$rc" = $((128 + 10)) ] || wt_fail "SIGUSR1 before CMD ran: weft exited $rc, not 138 (CMD killed by it)"
        [ $((SECONDS - start)) -lt 5 ] || wt_fail "SIGUSR1 before CMD ran: CMD was not signalled when it started"
else
        wt_fail "the slow sidecar did not start, or weft's pid was not found"
fi
WT_HOLDER=

wt_finish "sidecars up before CMD (notify, socket), main.service listed and shown, sidecars stopped after CMD, --no-wait, SuccessAction=exit and FailureAction=exit-force end the container with the unit's status"
