/* The manager's side of the control protocol (sockets/control_proto.h):
 * what each verb answers. The io thread accepts connections and decodes
 * requests; the scheduler thread answers here, from the units it owns;
 * the io thread writes the reply, so a slow client never blocks the
 * scheduler. start/stop/restart reply when their job finishes, unless
 * no_block.
 *
 * Verbs and their replies (every reply has "code", systemctl's exit status):
 *   list-units [--all] [--state=S]: units [{Id, LoadState, ActiveState, SubState, Description}]
 *     (without --all: units that are loaded and not inactive, or have a job, or failed)
 *   status UNIT...: units [{Id, Description, LoadState, FragmentPath, DropInPaths, Type,
 *     ActiveState, SubState, Result, MainPID, ControlPID, StatusText, StatusErrno,
 *     InactiveExitTimestampMonotonic, ActiveEnterTimestampMonotonic,
 *     ActiveExitTimestampMonotonic, InactiveEnterTimestampMonotonic, ExecMainCode,
 *     ExecMainStatus, NRestarts, TriggeredBy, Triggers, LogPath, JobResult (of the last
 *     start job), FailedDependency (for JobResult=dependency)}]; code 3 if any is not
 *     active, 4 if any is unknown
 *   status-loaded UNIT...: as status, but a unit weft has not loaded is unknown rather
 *     than loaded now (the bus's GetUnit, and unit properties a non-root caller asks)
 *   show UNIT... [properties]: units [{every property systemctl show prints that weft
 *     tracks, config and live, in systemctl's order}], filtered by properties
 *   start|stop|restart|try-restart|reload-or-restart UNIT...: units [{Id, JobResult}];
 *     code 0, or 1 with error systemctl's line for the job result ("Job for X failed
 *     because ...", "A dependency job for X failed: Y ..."); 4/5 for unknown units
 *   kill UNIT... [signal]: code; reset-failed [UNIT...]: code
 *   is-active UNIT...: units [{Id, ActiveState}], code 0 if every one is active, else 3
 *   is-failed UNIT...: units [{Id, ActiveState}], code 0 if any is failed, else 1
 *   list-jobs: units [{Id, JobId, JobType, JobState}]
 *   job-after ID, job-before ID: the same for the jobs that wait for job ID, or that it
 *     waits for (systemd's GetJobAfter, GetJobBefore), by id
 *   abandon SCOPE: a running scope becomes "abandoned" (logind's Scope.Abandon); code 1
 *     and "Scope X is not running, cannot abandon." otherwise
 *   cancel [JOB...]: those jobs (none: every job) end with result "canceled"; their
 *     units stay as they are; code 1 and error "Job N does not exist." for one that is not
 *   is-known UNIT...: code 0 if weft holds a unit of each name (also one
 *     not found, or collected unless transient), else 4
 *   is-system-running: text and units [{SystemState, NNames, NFailedUnits, NJobs,
 *     FinishTimestampMonotonic}]; code 0 if the state is "running", else 1
 *   list-sockets: units [{Listen, Unit, Activates}]
 *   list-timers [--all]: units [{Id, Activates, Unit, NextElapseUSecRealtime,
 *     NextElapseUSecMonotonic, LastTriggerUSec, ...}] (µs; 0: none)
 *   list-paths [--all]: units [{Path, Condition, Unit, Activates}], one per path of each active
 *     (--all: loaded) path unit
 *   poweroff|reboot|halt|exit [exit_code]: code 0, then the manager shuts down
 *   daemon-reload: re-read the unit files; running units keep running (new settings
 *     apply at their next start); code 1 while jobs are queued
 *   log-level [LEVEL], log-target [TARGET]: text, the current one (systemd's names); with
 *     a value (root only) set it, "" restores weft's own; code 1 and error for a name
 *     weft does not know or a target it cannot do (core/log_control.h)
 *   ping: code 0, text "weft VERSION" (for clients to find a live manager)
 */
#pragma once
#include <stdint.h>
#include <sys/types.h>

#include "core/sched.h"
#include "sockets/control_proto.h"

struct sched;

/* Answer request (owned by the caller) from connection conn_id whose peer
 * has uid. The reply goes out through the scheduler's ops->control_reply,
 * now or when the jobs it waits for finish. */
void control_handle(struct sched *s, uint64_t conn_id, uid_t uid, const struct control_request *request);
struct job;
/* A job with waiting clients (or a restart's stop) finished: answer them,
 * or go on with the restart's start. The scheduler calls it through
 * sched_ops.job_finished. */
void control_job_finished(struct sched *s, struct job *j, enum job_result result);
/* Add key with the decimal value v to a reply unit (the unit types' show). */
int control_add_num(struct control_unit *cu, const char *key, unsigned long long v);
