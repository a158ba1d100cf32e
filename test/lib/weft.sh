# The test library: start weft as PID 1 of a fenced namespace, talk to it,
# check what every test checks. Sourced by test/integration/*.sh and
# test/faults/*.sh, which run from anywhere; paths are the repository's.
#   . "$(dirname "$0")/../lib/weft.sh"
#   wt_init NAME; wt_unit a.service <<EOF ... ; wt_start --target t.target
#   wt_ctl is-active a.service; wt_stop; wt_finish "what held"
# Every wait here is bounded; cleanup kills only the PIDs this test started.

WT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$WT_ROOT" || exit 1
BUILD=${BUILD:-build}
WEFT=$WT_ROOT/$BUILD/weft
WEFTCTL=$WT_ROOT/$BUILD/weftctl
WT_FAILED=0
WEFT_PID=
WT_HOLDER=

wt_fail() {
        echo "$WT_NAME: FAIL: $*"
        WT_FAILED=1
}

wt_cleanup() {
        if [ -n "$WT_HOLDER" ] && kill -0 "$WT_HOLDER" 2>/dev/null; then
                [ -n "$WEFT_PID" ] && kill -KILL "$WEFT_PID" 2>/dev/null
                kill -KILL "$WT_HOLDER" 2>/dev/null
                wait "$WT_HOLDER" 2>/dev/null
        fi
        if [ -n "${KEEP:-}" ]; then
                echo "$WT_NAME: kept $TMP"
        else
                rm -rf "$TMP"
        fi
}

# wt_init NAME: skip (exit 0) where namespaces are not allowed; make $TMP
# with the unit directory $U and the runtime directory $RUN.
wt_init() {
        WT_NAME=$1
        if ! timeout 10 unshare --pid --fork --kill-child --mount --mount-proc true >/dev/null 2>&1; then
                echo "$WT_NAME: unshare --pid --mount not permitted here, skipping"
                exit 0
        fi
        if [ ! -x "$WEFT" ] || [ ! -x "$WEFTCTL" ]; then
                timeout 600 make -s BUILD="$BUILD" "$BUILD/weft" "$BUILD/weftctl" ||
                        { echo "$WT_NAME: FAIL: cannot build weft"; exit 1; }
        fi
        TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-$WT_NAME.XXXXXX") || exit 1
        chmod 755 "$TMP"
        trap wt_cleanup EXIT
        case $TMP in *[!A-Za-z0-9/._-]*)
                echo "$WT_NAME: FAIL: temp dir $TMP has characters unit files would mangle"; exit 1 ;;
        esac
        U=$TMP/units
        RUN=$TMP/run
        mkdir -p "$U"
}

# wt_unit FILE: $U/FILE from stdin.
wt_unit() {
        cat >"$U/$1"
}

# wt_start [WEFT ARGS...]: weft as PID 1 of fresh pid and mount namespaces
# (fenced by fence.sh) in the background, with --unit-path $U and
# --runtime-dir $RUN. Waits up to 10 s for the control socket to answer.
# WEFT_PID is weft's PID on the host; its output goes to $TMP/weft.log.
# WT_PREFIX (e.g. "prlimit --nofile=64:64") runs in front of weft.
wt_start() {
        # shellcheck disable=SC2086
        unshare --pid --fork --kill-child --mount --propagation private --mount-proc \
                bash "$WT_ROOT/test/lib/fence.sh" "$TMP" -- ${WT_PREFIX:-} \
                "$WEFT" --unit-path "$U" --runtime-dir "$RUN" "$@" >"$TMP/weft.log" 2>&1 &
        WT_HOLDER=$!
        local i
        for i in $(seq 200); do
                WEFT_PID=$(cat "/proc/$WT_HOLDER/task/$WT_HOLDER/children" 2>/dev/null)
                WEFT_PID=${WEFT_PID%% *}
                [ -n "$WEFT_PID" ] && [ -S "$RUN/control" ] &&
                        timeout 2 "$WEFTCTL" --runtime-dir "$RUN" list-units >/dev/null 2>&1 && return 0
                kill -0 "$WT_HOLDER" 2>/dev/null || break
                sleep 0.05
        done
        wt_fail "weft did not answer on its control socket within 10 s"
        return 1
}

wt_ctl() {
        timeout 30 "$WEFTCTL" --runtime-dir "$RUN" "$@"
}

# wt_ns CMD...: CMD inside weft's pid and mount namespaces.
wt_ns() {
        nsenter -t "$WEFT_PID" -p -m -- "$@"
}

# wt_wait_state UNIT STATE [SECS]: until UNIT's ActiveState is STATE.
wt_wait_state() {
        local unit=$1 want=$2 secs=${3:-10} i
        for i in $(seq $((secs * 20))); do
                [ "$(wt_ctl show "$unit" -P ActiveState 2>/dev/null)" = "$want" ] && return 0
                sleep 0.05
        done
        wt_fail "$unit did not become $want within ${secs}s (it is $(wt_ctl show "$unit" -P ActiveState 2>&1))"
        return 1
}

# wt_assert_answers: weft is alive and answers list-units within 1 s.
wt_assert_answers() {
        if ! kill -0 "$WEFT_PID" 2>/dev/null; then
                wt_fail "weft (pid $WEFT_PID) is not alive"
                return 1
        fi
        timeout 1 "$WEFTCTL" --runtime-dir "$RUN" list-units --all >/dev/null 2>&1 ||
                { wt_fail "weftctl list-units did not answer within 1 s"; return 1; }
}

# wt_zombies: how many zombies weft's namespace holds now.
wt_zombies() {
        local n=0 p st
        for p in $(wt_ns_pids); do
                st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$p/stat" 2>/dev/null)
                [ "$st" = Z ] && n=$((n + 1))
        done
        echo "$n"
}

# wt_ns_pids: host PIDs of every process in weft's PID namespace.
wt_ns_pids() {
        local ns p
        ns=$(readlink "/proc/$WEFT_PID/ns/pid") || return 0
        for p in /proc/[0-9]*; do
                [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
        done
}

# wt_assert_no_zombies [SECS]: reaping is asynchronous; allow SECS (1).
wt_assert_no_zombies() {
        local i z
        for i in $(seq $((${1:-1} * 20))); do
                z=$(wt_zombies)
                [ "$z" = 0 ] && return 0
                sleep 0.05
        done
        wt_fail "$z zombies left in weft's namespace"
}

# wt_stop [SECS]: SIGTERM weft, wait up to SECS (30); WEFT_RC is its status.
wt_stop() {
        local secs=${1:-30} i
        kill -TERM "$WEFT_PID" 2>/dev/null
        for i in $(seq $((secs * 20))); do
                kill -0 "$WT_HOLDER" 2>/dev/null || break
                sleep 0.05
        done
        if kill -0 "$WT_HOLDER" 2>/dev/null; then
                wt_fail "weft did not exit within ${secs}s of SIGTERM"
                kill -KILL "$WEFT_PID" 2>/dev/null
        fi
        wait "$WT_HOLDER"
        WEFT_RC=$?
        WT_HOLDER=
}

# wt_finish SUMMARY: fail on sanitizer reports, print the verdict, exit.
wt_finish() {
        if grep -qE 'runtime error|ERROR: AddressSanitizer|LeakSanitizer|ThreadSanitizer' \
                "$TMP/weft.log" "$RUN/log"/* 2>/dev/null; then
                wt_fail "sanitizer report:"
                grep -hE -A30 'runtime error|ERROR: AddressSanitizer|LeakSanitizer|ThreadSanitizer' \
                        "$TMP/weft.log" "$RUN/log"/* 2>/dev/null | head -60
        fi
        if [ "$WT_FAILED" = 0 ]; then
                echo "$WT_NAME: $1"
        else
                echo "$WT_NAME: weft's log ends:"
                tail -30 "$TMP/weft.log" 2>/dev/null
        fi
        exit "$WT_FAILED"
}
