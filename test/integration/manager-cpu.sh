#!/bin/bash
# weft.yaml's manager_cpu (base/cpu_pin.h): weft's own threads share one
# CPU, so that its hand-offs do not wake another CPU, while everything it
# starts runs on the CPU set weft was started with.
#  - auto (the default): every thread of weft allows one CPU, and a
#    service's process allows the set weft had, as do ExecStartPre= and
#    ExecStart= alike, and a generator run again by daemon-reload;
#  - none: weft's threads keep the set;
#  - a CPU outside the set: a warning, nothing pinned, the boot goes on.
# With a single CPU allowed there is nothing to pin: then only the
# services' sets are checked. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init manager-cpu
wt_need nproc
WANT=$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)
NCPU=$(nproc)

wt_unit t.target <<'EOF2'
[Unit]
Wants=probe.service
EOF2
wt_unit probe.service <<EOF2
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/bin/sh -c 'grep ^Cpus_allowed_list: /proc/self/status >$TMP/pre'
ExecStart=/bin/sh -c 'grep ^Cpus_allowed_list: /proc/self/status >$TMP/main'
EOF2

G=$TMP/gen
mkdir -p "$G" "$TMP/gen-out"
cat >"$G/probe" <<EOF2
#!/bin/sh
grep ^Cpus_allowed_list: /proc/self/status >>$TMP/generator
EOF2
chmod +x "$G/probe"

# threads_allow: the distinct Cpus_allowed_list of weft's threads.
threads_allow() {
        cat /proc/"$WEFT_PID"/task/*/status 2>/dev/null | awk '/^Cpus_allowed_list:/ { print $2 }' | sort -u
}

# boot MODE: boot with manager_cpu: MODE, check the probe's sets.
boot() {
        printf 'manager_cpu: %s\n' "$1" >"$TMP/weft.yaml"
        rm -f "$TMP/pre" "$TMP/main" "$TMP/generator"
        wt_start --config "$TMP/weft.yaml" --target t.target --generator-dir "$G" --generator-output "$TMP/gen-out" ||
                return 1
        wt_wait_state probe.service active 30
        : >"$TMP/generator"
        wt_ctl daemon-reload >/dev/null || wt_fail "$1: daemon-reload failed"
        for f in pre main generator; do
                got=$(awk '{ print $2 }' "$TMP/$f" 2>/dev/null)
                [ "$got" = "$WANT" ] || wt_fail "$1: the service's $f process allows CPUs '$got', not weft's '$WANT'"
        done
        ALLOW=$(threads_allow)
}

boot auto
if [ "$NCPU" -gt 1 ]; then
        case $ALLOW in
        *[,-]* | *$'\n'* | "") wt_fail "auto: weft's threads allow '$ALLOW', not one CPU" ;;
        esac
fi
wt_stop
wt_assert_exit 0

boot none
[ "$ALLOW" = "$WANT" ] || wt_fail "none: weft's threads allow '$ALLOW', not '$WANT'"
wt_stop
wt_assert_exit 0

boot 1023
[ "$ALLOW" = "$WANT" ] || wt_fail "a CPU outside the set: weft's threads allow '$ALLOW', not '$WANT'"
grep -q "manager_cpu: cannot pin weft's threads" "$WT_LOG" || wt_fail "no warning for a CPU outside the set"
wt_stop
wt_assert_exit 0

wt_finish "weft's threads on one CPU ($NCPU allowed), its services on the set it started with"
