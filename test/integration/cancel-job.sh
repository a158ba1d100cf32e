#!/bin/bash
# Canceling jobs (weftctl cancel, and systemctl cancel on the private bus):
#  - a running start job canceled by its id ends "canceled": the client
#    waiting for it hears so, a start that requires its unit fails with
#    "dependency", a start merely ordered after it runs, and the unit
#    itself goes on starting and becomes active without a job;
#  - an id that is no job, or not a number, is refused with systemd's words;
#  - cancel with no id ends every job (ClearJobs);
#  - systemctl: the id StartUnit answers with is the one list-jobs shows
#    and the unit's Job property holds; GetJob and the job object (Id,
#    Unit, JobType, State, GetBefore, Cancel) answer for it; CancelJob
#    ends it; cancel with no id ends all; an unknown id is NoSuchJob;
#    weftctl list-jobs --after --before prints what systemctl prints.
# The systemctl part skips without systemctl/busctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init cancel-job

SOCK=/run/systemd/private
T=$((10 * ${WT_TIME_SCALE:-1})) # a bound for what must happen, not a timing
wt_unit t.target <<EOF
[Unit]
DefaultDependencies=no
EOF
# gate waits for a file: its start job runs until then.
for g in gate gate2 gate3; do
        wt_unit $g.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'while [ ! -e $TMP/$g.go ]; do sleep 0.1; done'
EOF
done
wt_unit need.service <<EOF
[Unit]
DefaultDependencies=no
Requires=gate.service
After=gate.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
EOF
wt_unit after.service <<EOF
[Unit]
DefaultDependencies=no
After=gate.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
EOF
for w in w1 w2; do
        wt_unit $w.service <<EOF
[Unit]
DefaultDependencies=no
After=gate2.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
EOF
done
wt_unit s1.service <<EOF
[Unit]
DefaultDependencies=no
After=gate3.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
EOF
wt_start --target t.target --private-bus "$SOCK"

# The id list-jobs gives UNIT's job, "" when it has none.
job_of() { wt_ctl list-jobs --no-legend | awk -v u="$1" '$2 == u { print $1 }'; }
has_job() { test -n "$(job_of "$1")"; }
# Its type and state ("start running"), "" for none.
state_of() { wt_ctl list-jobs --no-legend | awk -v u="$1" '$2 == u { print $3, $4 }'; }

wt_ctl start --no-block gate.service after.service || wt_fail "start --no-block gate after"
wt_until "$T" has_job gate.service || wt_fail "gate.service has no job: $(wt_ctl list-jobs)"
wt_ctl start need.service >"$TMP/need.out" 2>&1 &
waiter=$!
wt_until "$T" has_job need.service || wt_fail "need.service has no job: $(wt_ctl list-jobs)"
id=$(job_of gate.service)
[ "$(state_of gate.service)" = "start running" ] || wt_fail "gate.service's job is not running: $(wt_ctl list-jobs)"

wt_ctl cancel "$id" || wt_fail "cancel $id failed"
wait "$waiter" && wt_fail "start need.service succeeded once gate's job was canceled"
grep -q "A dependency job for need.service failed" "$TMP/need.out" ||
        wt_fail "start need.service said: $(cat "$TMP/need.out")"
[ -z "$(job_of gate.service)" ] || wt_fail "gate.service's job is still there: $(wt_ctl list-jobs)"
wt_wait_state after.service active
[ "$(wt_ctl show gate.service -P ActiveState)" = activating ] ||
        wt_fail "gate.service stopped starting when its job was canceled: $(wt_ctl show gate.service -P ActiveState)"
touch "$TMP/gate.go"
wt_wait_state gate.service active
grep -q "gate.service: job start finished with result 'canceled'" "$WT_LOG" || wt_fail "no log line for the canceled job"

# Refusals.
out=$(wt_ctl cancel 99999 2>&1) && wt_fail "cancel of no job succeeded"
[ "$out" = "Job 99999 does not exist." ] || wt_fail "cancel 99999 said: $out"
out=$(wt_ctl cancel x1 2>&1) && wt_fail "cancel x1 succeeded"
[ "$out" = 'Failed to parse job id "x1".' ] || wt_fail "cancel x1 said: $out"

# No id: every job.
wt_ctl start --no-block gate2.service w1.service w2.service || wt_fail "start --no-block gate2 w1 w2"
wt_until "$T" has_job w2.service || wt_fail "w2.service has no job: $(wt_ctl list-jobs)"
wt_ctl cancel || wt_fail "cancel with no id failed"
out=$(wt_ctl list-jobs)
[ "$out" = "No jobs running." ] || wt_fail "jobs left after cancel: $out"
for w in w1 w2; do
        [ "$(wt_ctl show $w.service -P ActiveState)" = inactive ] || wt_fail "$w.service ran after its job was canceled"
done
touch "$TMP/gate2.go"
wt_wait_state gate2.service active

if command -v systemctl >/dev/null && command -v busctl >/dev/null; then
        bus() { wt_ns timeout 20 busctl --address="unix:path=$SOCK" "$@" 2>&1; }
        sd1=org.freedesktop.systemd1
        path=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager StartUnit ss gate3.service replace)
        path=${path#o \"}
        path=${path%\"}
        n=${path##*/}
        wt_until "$T" has_job gate3.service || wt_fail "gate3.service has no job: $(wt_ctl list-jobs)"
        [ "$(job_of gate3.service)" = "$n" ] || wt_fail "StartUnit answered $path, list-jobs says $(job_of gate3.service)"
        out=$(wt_systemctl list-jobs --no-legend | awk '$2 == "gate3.service" { print $1, $3, $4 }')
        [ "$out" = "$n start running" ] || wt_fail "systemctl list-jobs: $out"
        [ "$(state_of gate3.service)" = "start running" ] || wt_fail "gate3.service's job is not running"
        # A start of what is up answers with a job too, done at once.
        out=$(wt_systemctl start gate.service) || wt_fail "systemctl start of an active unit: $out"
        out=$(wt_systemctl show gate3.service -p Job --value)
        [ "$out" = "$n" ] || wt_fail "gate3.service's Job property: $out, want $n"
        out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager GetJob u "$n")
        [ "$out" = "o \"$path\"" ] || wt_fail "GetJob $n: $out"
        for p in "Id u $n" 'Unit (so) "gate3.service" "/org/freedesktop/systemd1/unit/gate3_2eservice"' \
                'JobType s "start"' 'State s "running"'; do
                out=$(bus get-property $sd1 "$path" $sd1.Job "${p%% *}")
                [ "$out" = "${p#* }" ] || wt_fail "job property ${p%% *}: $out, want ${p#* }"
        done
        out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager GetJob u 99999) &&
                wt_fail "GetJob of no job answered: $out"
        case $out in *"Job 99999 does not exist"*) ;; *) wt_fail "GetJob 99999: $out" ;; esac
        out=$(wt_systemctl cancel 99999) && wt_fail "systemctl cancel of no job succeeded: $out"
        case $out in *"Job 99999 does not exist"*) ;; *) wt_fail "systemctl cancel 99999: $out" ;; esac
        # The job object's own Cancel, systemctl cancel ID, then
        # systemctl cancel with no id (ClearJobs). s1 waits for gate3.
        s1_job() {
                wt_ctl start --no-block s1.service || wt_fail "start --no-block s1"
                wt_until "$T" has_job s1.service || wt_fail "s1.service has no job"
                s1=$(job_of s1.service)
        }
        s1_job
        # Which job waits for which: weftctl prints what systemctl prints
        # (GetJobAfter, GetJobBefore), and s1's job waits for gate3's.
        want=$(wt_systemctl list-jobs --after --before)
        out=$(wt_ctl list-jobs --after --before)
        [ "$out" = "$want" ] || wt_fail "list-jobs --after --before: weftctl printed
$out
systemctl printed
$want"
        case $want in *"blocking job $s1 (s1.service/start)"*"waiting for job $n (gate3.service/start)"*) ;;
        *) wt_fail "systemctl list-jobs --after --before: $want" ;; esac
        out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager GetJobBefore u 99999) &&
                wt_fail "GetJobBefore of no job answered: $out"
        case $out in *"Job 99999 does not exist"*) ;; *) wt_fail "GetJobBefore 99999: $out" ;; esac
        out=$(bus call $sd1 "/org/freedesktop/systemd1/job/$s1" $sd1.Job GetBefore)
        case $out in "a(usssoo) 1 $n \"gate3.service\" \"start\" \"running\""*) ;;
        *) wt_fail "Job.GetBefore of $s1: $out" ;; esac
        bus call $sd1 "/org/freedesktop/systemd1/job/$s1" $sd1.Job Cancel >/dev/null || wt_fail "Job.Cancel of $s1"
        [ -z "$(job_of s1.service)" ] || wt_fail "s1.service's job outlived Job.Cancel"
        out=$(wt_systemctl cancel 0) && wt_fail "systemctl cancel 0 succeeded: $out"
        [ -n "$(job_of gate3.service)" ] || wt_fail "systemctl cancel 0 canceled gate3.service's job"
        s1_job
        out=$(wt_systemctl cancel "$s1") || wt_fail "systemctl cancel $s1: $out"
        [ -z "$(job_of s1.service)" ] || wt_fail "s1.service's job outlived systemctl cancel"
        [ -n "$(job_of gate3.service)" ] || wt_fail "systemctl cancel $s1 canceled gate3.service's job"
        s1_job
        out=$(wt_systemctl cancel) || wt_fail "systemctl cancel: $out"
        out=$(wt_ctl list-jobs)
        [ "$out" = "No jobs running." ] || wt_fail "jobs left after systemctl cancel: $out"
        [ "$(wt_ctl show s1.service -P ActiveState)" = inactive ] || wt_fail "s1.service ran after ClearJobs"
        touch "$TMP/gate3.go"
        wt_wait_state gate3.service active
fi

wt_assert_answers
wt_stop
wt_finish "PASS (cancel by id and all: waiters told, requirers fail, units go on; systemctl and job objects agree on ids)"
