#!/bin/bash
# The control processes of mount and swap units, bounded by TimeoutSec=
# (systemd.mount(5), systemd.swap(5)): a mount(8) or swapon(8) that hangs
# and ignores SIGTERM is told it timed out, gets SIGTERM, then SIGKILL one
# TimeoutSec= later, and its unit ends failed with Result=timeout; a stop
# while mount(8) still runs ends it with SIGTERM, which for a command (not
# a daemon) is no clean exit in systemd's is_clean_exit: failed, signal.
# The hanging programs are scripts bound over mount(8) and swapon(8) in
# weft's own mount namespace only; no mount or swap is ever made.
. "$(dirname "$0")/../lib/weft.sh"
wt_init kernel-table-timeouts
wt_need systemd-escape

M=$(systemd-escape --path --suffix=mount "$TMP/hang")
Q=$(systemd-escape --path --suffix=mount "$TMP/quit")
S=$(systemd-escape --path --suffix=swap "$TMP/hangswap")
mkdir -p "$TMP/hang" "$TMP/quit"
printf '[Unit]\nDefaultDependencies=no\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\n[Mount]\nWhat=tmpfs\nWhere=%s/hang\nType=tmpfs\nTimeoutSec=1\n' "$TMP" | wt_unit "$M"
printf '[Unit]\nDefaultDependencies=no\n[Mount]\nWhat=tmpfs\nWhere=%s/quit\nType=tmpfs\nTimeoutSec=60\n' "$TMP" | wt_unit "$Q"
printf '[Unit]\nDefaultDependencies=no\n[Swap]\nWhat=%s/hangswap\nTimeoutSec=1\n' "$TMP" | wt_unit "$S"

# Deaf to SIGTERM for the timeouts; the stop's mount(8) is killed by it.
printf '#!/bin/sh\ncase "$*" in *quit*) exec sleep 120 ;; esac\ntrap "" TERM\nexec sleep 120\n' >"$TMP/hang.sh"
chmod 755 "$TMP/hang.sh"

wt_start --target t.target
# swapon first: once mount(8) is bound over, wt_ns mount would hang.
for prog in swapon mount; do
        path=$(wt_ns sh -c "readlink -f \$(command -v $prog)") || wt_fail "no $prog in weft's namespace"
        wt_ns mount --bind "$TMP/hang.sh" "$path" || wt_fail "cannot bind the hanging script over $path"
done

wt_ctl start --no-block "$M" "$S" "$Q" >/dev/null || wt_fail "cannot queue the starts"
wt_wait_state "$Q" activating
wt_ctl stop "$Q" >/dev/null || wt_fail "stopping $Q while mount(8) runs failed"
[ "$(wt_ctl show "$Q" -P ActiveState)/$(wt_ctl show "$Q" -P Result)" = failed/signal ] ||
        wt_fail "$Q is $(wt_ctl show "$Q" -P ActiveState)/$(wt_ctl show "$Q" -P Result), not failed/signal"

wt_wait_state "$M" failed 15
wt_wait_state "$S" failed 15
for u in "$M" "$S"; do
        [ "$(wt_ctl show "$u" -P Result)" = timeout ] || wt_fail "$u ended with Result=$(wt_ctl show "$u" -P Result)"
done
for line in "$M: Mounting timed out. Terminating." "$M: Mount process timed out. Killing." \
        "$S: Activation timed out. Terminating." "$S: Swap process timed out. Killing."; do
        grep -qF "$line" "$WT_LOG" || wt_fail "no line '$line'"
done
wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "hung mount(8) and swapon(8) time out through SIGTERM and SIGKILL; a stop ends a running mount(8)"
