#!/bin/bash
# systemctl daemon-reexec (Manager.Reexecute), which Debian's libc6
# postinst runs under set -e when /run/systemd/system exists: weft does
# not re-execute itself, so it says so and reloads, and the call
# succeeds (a refusal would fail the upgrade). Running services keep
# their main process; an edited unit file applies. With weftctl and with
# the distribution's systemctl on the private bus (skipped without it).
# KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init daemon-reexec

printf '[Unit]\nDefaultDependencies=no\nWants=run.service\n' | wt_unit t.target
printf '[Unit]\nDescription=first\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' | wt_unit run.service
wt_start --target t.target --private-bus /run/systemd/private || wt_finish ""
wt_wait_state run.service active
pid=$(wt_ctl show run.service -P MainPID)

# reexec CLIENT... DESCRIPTION: the call succeeds and the new file applies.
reexec() {
        local want=${*: -1} out
        printf '[Unit]\nDescription=%s\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' "$want" |
                wt_unit run.service
        out=$("${@:1:$#-1}" 2>&1) || wt_fail "${*:1:$#-1}: $out"
        [ "$(wt_ctl show run.service -P Description)" = "$want" ] || wt_fail "${*:1:$#-1}: the edit did not apply"
        [ "$(wt_ctl show run.service -P MainPID)" = "$pid" ] || wt_fail "${*:1:$#-1}: run.service was restarted"
}
reexec wt_ctl daemon-reexec second
grep -q "daemon-reexec: weft does not re-execute itself" "$WT_LOG" || wt_fail "no log line saying it did not re-execute"
if command -v systemctl >/dev/null; then
        reexec wt_systemctl daemon-reexec third
        # As libc6.postinst runs it.
        reexec wt_ns sh -ec 'systemctl daemon-reexec; echo done' fourth
else
        echo "daemon-reexec: no systemctl, its part skipped"
fi

wt_assert_answers
wt_stop
wt_finish "daemon-reexec reloads, says it does not re-execute, and succeeds"
