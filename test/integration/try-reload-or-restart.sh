#!/bin/bash
# systemctl try-reload-or-restart (force-reload, reload-or-try-restart:
# what Debian's invoke-rc.d and init scripts' force-reload become), on
# weft's private bus (ReloadOrTryRestartUnit) and with weftctl, as
# systemd's: a running unit that can reload is reloaded (same main
# process, its ExecReload= ran), one that cannot is restarted (a new main
# process), and a stopped one stays stopped. systemctl's part skips
# without systemctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init try-reload-or-restart

for t in sysinit basic shutdown; do
        printf '[Unit]\nDefaultDependencies=no\n' | wt_unit $t.target
done
printf '[Unit]\nWants=rl.service plain.service\n' | wt_unit t.target
printf '[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/sh -c "echo x >> %s/reloads"\n' "$TMP" | wt_unit rl.service
printf '[Service]\nExecStart=/bin/sleep 1000\n' | wt_unit plain.service
printf '[Service]\nExecStart=/bin/sleep 1000\n' | wt_unit idle.service
wt_start --target t.target --private-bus /run/systemd/private || wt_finish ""
wt_wait_state rl.service active
wt_wait_state plain.service active
pid() { wt_ctl show "$1" -P MainPID; }

# check CLIENT VERB N: after the verb, rl.service reloaded N times in all.
check() {
        local rl plain
        rl=$(pid rl.service) plain=$(pid plain.service)
        out=$("$@" rl.service plain.service idle.service 2>&1) || wt_fail "$*: $out"
        [ "$(pid rl.service)" = "$rl" ] || wt_fail "$*: rl.service, which can reload, was restarted"
        n=$(cat "$TMP/reloads" 2>/dev/null | wc -l)
        [ "$n" = "$N" ] || wt_fail "$*: rl.service reloaded $n times, not $N"
        [ "$(pid plain.service)" != "$plain" ] && [ "$(pid plain.service)" != 0 ] ||
                wt_fail "$*: plain.service, which cannot reload, was not restarted"
        [ "$(wt_ctl show idle.service -P ActiveState)" = inactive ] || wt_fail "$*: the stopped idle.service was started"
}
N=1 check wt_ctl try-reload-or-restart
N=2 check wt_ctl force-reload
if command -v systemctl >/dev/null; then
        N=3 check wt_systemctl try-reload-or-restart
        N=4 check wt_systemctl force-reload
else
        echo "try-reload-or-restart: no systemctl, its part skipped"
fi

wt_assert_answers
wt_stop
wt_finish "try-reload-or-restart reloads what can, restarts what cannot, leaves what is stopped"
