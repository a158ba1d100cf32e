/* Shutdown, bounded by construction. sched_shutdown() is the one way in
 * (EVENT_SHUTDOWN, or the manager when the boot cannot run).
 *
 * From then on nothing starts: job_install() refuses start and reload jobs,
 * transaction_start() starts nothing (control requests, OnFailure=, socket
 * traffic) and job_run() runs none (core/job.c); Restart= is off
 * (service_stop.c). Every start or reload job already queued, waiting or
 * running, is cancelled, and every unit that is up gets a stop job; one whose
 * spawn is still in flight is signalled as soon as its pid is reported
 * (service_signal_late()).
 *
 * Each stop is bounded by its unit's TimeoutStopSec=. The shutdown as a whole
 * is bounded by a deadline, a timer of the scheduler's (its loop sleeps until
 * it, no polling): DefaultTimeoutStopSec, or the longest TimeoutStopSec= of a
 * unit being stopped. At two thirds of it weft says which units it still
 * waits for and why; when it passes, what is left of them is SIGKILLed,
 * every job ends with "timeout" and ops->shutdown_done is called, whatever
 * the units and jobs do. main.c's final sweep (SIGTERM, then SIGKILL) then
 * ends every process left in weft's namespace or among its children. */
#include <stdio.h>

#include "base/log.h"
#include "base/macro.h"
#include "core/sched_internal.h"
#include "core/unit_type.h"
#include "parse/load_types.h"

#define SHUTDOWN_DEFAULT_USEC (90 * USEC_PER_SEC) /* systemd's DefaultTimeoutStopSec */
#define SHUTDOWN_MAX_LISTED 32                    /* units named per report */

static double seconds(uint64_t usec)
{
        return (double) usec / 1e6;
}

static uint64_t finite_or_zero(uint64_t usec)
{
        return usec == USEC_INFINITY ? 0 : usec;
}

/* DefaultTimeoutStopSec, or the longest TimeoutStopSec= of a unit being
 * stopped when that is longer: no unit is cut short of its own bound. */
static uint64_t shutdown_bound(struct sched *s)
{
        uint64_t bound = finite_or_zero(s->config.default_timeout_stop_usec);
        if (!bound)
                bound = SHUTDOWN_DEFAULT_USEC;
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->rt->job) {
                        uint64_t t = finite_or_zero(unit_timeout_stop_usec(u));
                        if (t > bound)
                                bound = t;
                }
        }
        return bound;
}

/* Why u's job is not finished yet, in words. */
static void describe_wait(struct sched *s, struct unit *u, char *buf, size_t size)
{
        struct unit_runtime *rt = u->rt;
        struct job *j = rt->job;
        size_t n = 0;

#define ADD(...) (n += snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
        ADD("%s job %s, %s/%s", job_type_to_string(j->type), j->state == JOB_RUNNING ? "running" : "waiting",
            unit_active_state_to_string(rt->active), sub_state_to_string(rt->sub));
        if (j->state == JOB_WAITING) {
                struct unit *b = job_blocker(j);
                if (b)
                        ADD(", ordered after the %s job of %s", job_type_to_string(b->rt->job->type), b->id);
                else
                        ADD(", ready to run");
        }
        if (rt->main_pid > 0)
                ADD(", main pid %d", (int) rt->main_pid);
        if (rt->main_request)
                ADD(", main process spawn in flight");
        if (rt->control_pid > 0)
                ADD(", %s pid %d", service_exec_to_string(rt->control_list), (int) rt->control_pid);
        if (rt->control_request)
                ADD(", control process spawn in flight");
        if (rt->kill_waiting)
                ADD(", waiting for its processes to exit");
        if (j->state == JOB_RUNNING && rt->timer_when > s->now)
                ADD(" (state timeout in %.1fs)", seconds(rt->timer_when - s->now));
        else if (j->state == JOB_RUNNING && !rt->timer_when)
                ADD(" (no timeout in this state)");
#undef ADD
}

static void log_waits(struct sched *s, enum log_level level)
{
        char buf[512];
        size_t listed = 0;
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (!u->rt->job)
                        continue;
                if (listed++ == SHUTDOWN_MAX_LISTED)
                        continue;
                describe_wait(s, u, buf, sizeof buf);
                log_full(level, 0, "Shutdown waits for %s: %s", u->id, buf);
        }
        if (listed > SHUTDOWN_MAX_LISTED)
                log_full(level, 0, "Shutdown waits for %zu more units", listed - SHUTDOWN_MAX_LISTED);
}

static void report_done(struct sched *s)
{
        if (s->shutdown_reported)
                return;
        s->shutdown_reported = true;
        if (s->ops->shutdown_done)
                s->ops->shutdown_done(s->userdata);
}

/* Not while sched_shutdown() still swaps start jobs for stop jobs: the count
 * may touch 0 on the way. */
void sched_shutdown_check_done(struct sched *s)
{
        if (s->shutdown_queued && s->n_jobs == 0)
                report_done(s);
}

/* The deadline passed: what the remaining jobs wait for is killed and the
 * jobs end, so the shutdown is over whatever they would have done. */
static void shutdown_expire(struct sched *s)
{
        log_error("Shutdown deadline passed (%u jobs left); killing what is left.", s->n_jobs);
        log_waits(s, LOG_LEVEL_ERROR);
        s->shutdown_expired = true; /* job_run() runs nothing from here on */
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->rt->job && unit_ops(u)->kill_remaining)
                        unit_ops(u)->kill_remaining(s, u);
        }
        /* Finishing a job may release others (which then do not run): go
         * round until none is left. */
        bool any;
        do {
                any = false;
                for (size_t i = 0; i < s->n_rt; i++) {
                        struct job *j = s->units->units[i]->rt->job;
                        if (j) {
                                job_finish(s, j, JOB_TIMEOUT);
                                any = true;
                        }
                }
        } while (any);
        report_done(s);
}

uint64_t sched_shutdown_next_deadline(struct sched *s)
{
        if (s->shutdown_reported)
                return UINT64_MAX;
        if (s->shutdown_warn_at)
                return s->shutdown_warn_at;
        return s->shutdown_deadline ? s->shutdown_deadline : UINT64_MAX;
}

void sched_shutdown_run_timers(struct sched *s, uint64_t now)
{
        if (s->shutdown_reported)
                return;
        if (s->shutdown_warn_at && s->shutdown_warn_at <= now) {
                s->shutdown_warn_at = 0;
                log_warning("Shutdown still waits for %u jobs; deadline in %.0fs.", s->n_jobs,
                            seconds(s->shutdown_deadline > now ? s->shutdown_deadline - now : 0));
                log_waits(s, LOG_LEVEL_WARNING);
        }
        if (s->shutdown_deadline && s->shutdown_deadline <= now) {
                s->shutdown_deadline = 0;
                shutdown_expire(s);
        }
}

void sched_shutdown(struct sched *s, uint64_t now)
{
        s->now = now;
        if (s->shutting_down)
                return;
        s->shutting_down = true;
        log_info("[%9.6f] Stopping every unit.", seconds(now - s->config.manager_start));

        /* Every start and reload job goes, waiting or running (job_run()
         * cancels what finishing them releases). A unit whose start was
         * under way is up: it gets its stop job below. */
        for (size_t i = 0; i < s->n_rt; i++) {
                struct job *j = s->units->units[i]->rt->job;
                if (j && j->type != JOB_STOP)
                        job_finish(s, j, JOB_CANCELED);
        }
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                /* Waiting for RestartSec=: nothing restarts now; the stop job ends the wait. */
                if (u->rt->sub == SUB_AUTO_RESTART)
                        unit_disarm_timer(s, u);
                if (!unit_state_is_down(u->rt->active))
                        job_install(s, u, JOB_STOP, false);
        }
        s->shutdown_queued = true;
        /* An After= cycle becomes a cycle of stop jobs: broken here, else
         * it would wait for the deadline. */
        transaction_run_ready(s);
        sched_run_ready(s);
        if (s->n_jobs == 0) {
                report_done(s);
                return;
        }
        uint64_t bound = shutdown_bound(s);
        s->shutdown_deadline = now + bound;
        s->shutdown_warn_at = now + bound / 3 * 2;
        log_info("Shutdown deadline in %.0fs.", seconds(bound));
}
