# The test library: start weft as PID 1 of a fenced namespace, talk to it,
# check what every test checks. Sourced by test/integration/*.sh and
# test/faults/*.sh, which run from anywhere; paths are the repository's.
#   . "$(dirname "$0")/../lib/weft.sh"
#   wt_init NAME; wt_unit a.service <<EOF ... ; wt_start --target t.target
#   wt_ctl is-active a.service; wt_stop; wt_assert_exit 0; wt_finish "what held"
# A boot that ends by itself (its last unit sends PID 1 SIGTERM) runs in the
# foreground instead: wt_run 60 --target t.target; wt_assert_exit 0; ...
# Every wait here is bounded; cleanup kills only the PIDs this test started.
# shellcheck shell=bash disable=SC2034

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
        WT_LOG=$TMP/weft.log
        mkdir -p "$U"
}

# wt_unit FILE: $U/FILE from stdin.
wt_unit() {
        cat >"$U/$1"
}

# wt_fence_cmd: sets WT_FENCE to the command that runs its arguments as PID 1
# of fresh pid and mount namespaces fenced by fence.sh (inherited mounts
# read-only, fresh /run and /tmp, only $TMP writable). WT_UNSHARE adds
# unshare flags (e.g. "--net"); WT_PREFIX (e.g. "prlimit --nofile=64:64")
# runs in front of the command, inside the fence.
wt_fence_cmd() {
        # shellcheck disable=SC2206
        WT_FENCE=(unshare --pid --fork --kill-child --mount --propagation private --mount-proc ${WT_UNSHARE:-}
                bash "$WT_ROOT/test/lib/fence.sh" "$TMP" -- ${WT_PREFIX:-})
}

# wt_start [WEFT ARGS...]: weft fenced (wt_fence_cmd) in the background,
# with --unit-path $U and --runtime-dir $RUN. Waits up to WT_START_SECS (60) for the
# control socket to answer; weft's stdin is WT_STDIN (/dev/null). WEFT_PID is weft's PID on the host; its output
# goes to $WT_LOG ($TMP/weft.log).
wt_start() {
        wt_fence_cmd
        "${WT_FENCE[@]}" "$WEFT" --unit-path "$U" --runtime-dir "$RUN" "$@" <"${WT_STDIN:-/dev/null}" >"$WT_LOG" 2>&1 &
        WT_HOLDER=$!
        # A hang guard, not a timing test: loading thousands of units under
        # ThreadSanitizer on a busy machine takes a while.
        local secs=${WT_START_SECS:-60} end=$((SECONDS + ${WT_START_SECS:-60}))
        while [ $SECONDS -lt $end ]; do
                WEFT_PID=$(cat "/proc/$WT_HOLDER/task/$WT_HOLDER/children" 2>/dev/null)
                WEFT_PID=${WEFT_PID%% *}
                [ -n "$WEFT_PID" ] && [ -S "$RUN/control" ] &&
                        timeout 5 "$WEFTCTL" --runtime-dir "$RUN" list-units >/dev/null 2>&1 && return 0
                kill -0 "$WT_HOLDER" 2>/dev/null || break
                sleep 0.05
        done
        wt_fail "weft did not answer on its control socket within $secs s"
        return 1
}

# wt_run [SECS] [WEFT ARGS...]: weft fenced in the foreground until it exits
# by itself (a unit sends PID 1 SIGTERM, say), killed after SECS (60);
# WEFT_RC is its exit status, and running out of time is a failure.
wt_run() {
        local secs=60
        case ${1:-} in [0-9]*) secs=$1; shift ;; esac
        wt_fence_cmd
        timeout -k 5 "$secs" "${WT_FENCE[@]}" "$WEFT" --unit-path "$U" --runtime-dir "$RUN" "$@" \
                >"$WT_LOG" 2>&1
        WEFT_RC=$?
        case $WEFT_RC in 124 | 137) wt_fail "weft did not exit within ${secs}s" ;; esac
}

# wt_fenced SECS CMD...: any other command fenced the same way, in the
# foreground, killed after SECS; returns its exit status.
wt_fenced() {
        local secs=$1
        shift
        wt_fence_cmd
        timeout -k 5 "$secs" "${WT_FENCE[@]}" "$@"
}

wt_ctl() {
        timeout 30 "$WEFTCTL" --runtime-dir "$RUN" "$@"
}

# wt_ns CMD...: CMD inside weft's pid and mount namespaces.
wt_ns() {
        nsenter -t "$WEFT_PID" -p -m -- "$@"
}

# wt_systemctl ARGS...: the distribution's systemctl inside weft's
# namespaces (where, as root, it talks to weft's private bus), bounded,
# stderr with stdout, no pager and no colours.
wt_systemctl() {
        timeout 20 nsenter -t "$WEFT_PID" -p -m -- env SYSTEMD_COLORS=0 systemctl --no-pager "$@" 2>&1
}

# wt_wait_state UNIT STATE [SECS]: until UNIT's ActiveState is STATE.
wt_wait_state() {
        local unit=$1 want=$2 secs=$((${3:-10} * ${WT_TIME_SCALE:-1})) i
        for i in $(seq $((secs * 20))); do
                [ "$(wt_ctl show "$unit" -P ActiveState 2>/dev/null)" = "$want" ] && return 0
                sleep 0.05
        done
        wt_fail "$unit did not become $want within ${secs}s (it is $(wt_ctl show "$unit" -P ActiveState 2>&1))"
        return 1
}

# wt_assert_answers: weft is alive and answers list-units within 1 s
# (times WT_TIME_SCALE, which the sanitizer builds set: their weft and
# weftctl run several times slower).
wt_assert_answers() {
        local secs=$((1 * ${WT_TIME_SCALE:-1}))
        if ! kill -0 "$WEFT_PID" 2>/dev/null; then
                wt_fail "weft (pid $WEFT_PID) is not alive"
                return 1
        fi
        timeout "$secs" "$WEFTCTL" --runtime-dir "$RUN" list-units --all >/dev/null 2>&1 ||
                { wt_fail "weftctl list-units did not answer within $secs s"; return 1; }
}

# wt_ns_ps: "PID STAT COMM" (host PIDs) of every process in weft's PID
# namespace; one ps, so it stays quick with thousands of processes.
wt_ns_ps() {
        local ns
        ns=$(readlink "/proc/$WEFT_PID/ns/pid") || return 0
        ns=${ns#pid:[}
        ps -e -o pidns=,pid=,stat=,comm= | awk -v ns="${ns%]}" '$1 == ns { print $2, $3, $4 }'
}

# wt_ns_pids: host PIDs of every process in weft's PID namespace.
wt_ns_pids() {
        wt_ns_ps | awk '{ print $1 }'
}

# wt_zombies: how many zombies weft's namespace holds now.
wt_zombies() {
        wt_ns_ps | awk '$2 ~ /^Z/ { n++ } END { print n + 0 }'
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

# wt_wait_exit [SECS]: waits up to SECS (30) for weft to exit by itself
# (after `weftctl exit`, or once a unit sent PID 1 SIGTERM); WEFT_RC is its
# exit status. Past SECS, weft is killed and the test fails.
wt_wait_exit() {
        local secs=$((${1:-30} * ${WT_TIME_SCALE:-1})) i
        for i in $(seq $((secs * 20))); do
                kill -0 "$WT_HOLDER" 2>/dev/null || break
                sleep 0.05
        done
        if kill -0 "$WT_HOLDER" 2>/dev/null; then
                wt_fail "weft did not exit within ${secs}s"
                kill -KILL "$WEFT_PID" 2>/dev/null
        fi
        wait "$WT_HOLDER"
        WEFT_RC=$?
        WT_HOLDER=
}

# wt_stop [SECS]: SIGTERM weft, wait up to SECS (30); WEFT_RC is its status.
wt_stop() {
        kill -TERM "$WEFT_PID" 2>/dev/null
        wt_wait_exit "${1:-30}"
}

# wt_assert_exit [STATUS]: weft exited with STATUS (0).
wt_assert_exit() {
        [ "${WEFT_RC:-}" = "${1:-0}" ] || wt_fail "weft exited ${WEFT_RC:-?}, want ${1:-0}"
}

# wt_until SECS CMD...: runs CMD every 50 ms until it succeeds (0) or SECS
# pass (1). Fails nothing by itself: the assertion after it says what held.
# CMD's arguments are expanded once, by the caller: to look at something
# again each time, make CMD a function (never `test "$(...)"`).
wt_until() {
        local secs=$1 i
        shift
        for i in $(seq $((secs * 20))); do
                "$@" && return 0
                sleep 0.05
        done
        return 1
}

# wt_lines FILE: FILE's line count, 0 when it does not exist.
wt_lines() {
        if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# wt_need CMD...: skip the test (exit 0, with a note) unless every CMD exists.
wt_need() {
        local c
        for c in "$@"; do
                command -v "$c" >/dev/null 2>&1 && continue
                echo "$WT_NAME: $c not found, skipping"
                exit 0
        done
}

# wt_build PROG...: builds $BUILD/PROG (gendag, payload...) where missing.
wt_build() {
        local p
        for p in "$@"; do
                [ -x "$BUILD/$p" ] && continue
                timeout 600 make -s BUILD="$BUILD" "${@/#/$BUILD/}" ||
                        { echo "$WT_NAME: FAIL: cannot build $*"; exit 1; }
                return 0
        done
}

# wt_assert_boot_record [UNIT...]: boot.yaml in $RUN (written when the boot
# is done; allow 10 s) names each UNIT, by default every unit file in $U
# but templates: units that failed are part of the boot too.
wt_assert_boot_record() {
        local u f
        wt_until 10 test -s "$RUN/boot.yaml" || { wt_fail "no boot.yaml in $RUN"; return 1; }
        if [ $# = 0 ]; then
                for f in "$U"/*.service "$U"/*.socket "$U"/*.target; do
                        u=${f##*/}
                        [ -f "$f" ] && [ "${u%@.*}" = "$u" ] && set -- "$@" "$u"
                done
        fi
        for u in "$@"; do
                grep -q "id: $u\$" "$RUN/boot.yaml" || wt_fail "boot.yaml does not name $u"
        done
}

# wt_assert_no_sanitizer_report: nothing in weft's output or its units' logs
# from ASan, UBSan, LSan or TSan.
wt_assert_no_sanitizer_report() {
        local re='runtime error|ERROR: AddressSanitizer|LeakSanitizer|ThreadSanitizer'
        grep -qE "$re" "$WT_LOG" "$RUN/log"/* 2>/dev/null || return 0
        wt_fail "sanitizer report:"
        grep -hE -A30 "$re" "$WT_LOG" "$RUN/log"/* 2>/dev/null | head -60
        return 1
}

# wt_finish SUMMARY: fail on sanitizer reports and on a crash of weft
# (unless the test sets WT_CRASH_EXPECTED), print the verdict, exit.
# wt_print_failed_output: the end of what each unit that weft logged as
# failed wrote, last, so that a failure's cause survives the tail that CI
# shows.
wt_print_failed_output() {
        local u
        sed -nE "s/^\[ *[0-9.]+\] ([^ ]+): Failed with result .*/\1/p" "$WT_LOG" 2>/dev/null | sort -u |
                while read -r u; do
                        [ -s "$RUN/log/$u.log" ] || continue
                        echo "$WT_NAME: $u wrote, at the end:"
                        tail -8 "$RUN/log/$u.log"
                done
}

wt_finish() {
        wt_assert_no_sanitizer_report
        if [ -z "${WT_CRASH_EXPECTED:-}" ] && grep -q "PID 1 crashed" "$WT_LOG" 2>/dev/null; then
                wt_fail "weft crashed:"
                grep -A5 "PID 1 crashed" "$WT_LOG"
        fi
        if [ "$WT_FAILED" = 0 ]; then
                echo "$WT_NAME: $1"
        else
                echo "$WT_NAME: weft's log ends:"
                tail -30 "$WT_LOG" 2>/dev/null
                wt_print_failed_output
        fi
        exit "$WT_FAILED"
}
