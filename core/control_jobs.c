/* The job verbs, answered on the scheduler thread (see control.h):
 * start, stop, restart, reload, isolate and the rest (verb_job, whose
 * clients are answered when their jobs end, control_job_finished),
 * list-jobs, job-after and job-before, and cancel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "core/control_internal.h"
#include "core/unit_type.h"
#include "parse/load.h"
#include "parse/value.h"

static int add_wait(struct job *j, struct control_wait *w)
{
        struct control_wait **n = realloc(j->waits, (j->n_waits + 1) * sizeof *n);
        if (!n)
                return -ENOMEM;
        j->waits = n;
        j->waits[j->n_waits++] = w;
        w->outstanding++;
        return 0;
}

/* Why a unit's job failed, by its Result=, in systemctl's words
 * (log_job_error_with_service_result), for "Job for X failed because ...". */
static const char *const failure_reason[_UNIT_RESULT_MAX] = {
        [RESULT_RESOURCES] = "of unavailable resources or another system error",
        [RESULT_TIMEOUT] = "a timeout was exceeded",
        [RESULT_EXIT_CODE] = "the control process exited with error code",
        [RESULT_SIGNAL] = "a fatal signal was delivered to the control process",
        [RESULT_CORE_DUMP] = "a fatal signal was delivered causing the control process to dump core",
        [RESULT_WATCHDOG] = "the service failed to send watchdog ping",
        [RESULT_START_LIMIT_HIT] = "the start limit was hit (start of the service was attempted too often)",
        [RESULT_TRIGGER_LIMIT_HIT] = "the socket's trigger limit was hit",
        [RESULT_SERVICE_START_LIMIT_HIT] = "the service it triggers hit its start limit",
};

/* What became of the unit a dependency job waited for. */
static void describe_cause(const struct unit *cause, char *buf, size_t n)
{
        if (cause->load_state != UNIT_LOADED)
                snprintf(buf, n, "%s is %s", cause->id, unit_load_state_to_string(cause->load_state));
        else if (cause->rt && cause->rt->active == UNIT_FAILED)
                snprintf(buf, n, "%s failed with result '%s'", cause->id, unit_result_to_string(cause->rt->result));
        else
                snprintf(buf, n, "%s did not start", cause->id);
}

/* Add u's job result to r, and for a failure the error line a client
 * prints (systemctl's check_wait_response), naming the cause. */
static void reply_job_result(struct control_reply *r, const struct unit *u, enum job_result result)
{
        struct control_unit *cu = control_reply_add_unit(r);
        char buf[768], cause[320];

        if (cu) {
                control_unit_add(cu, "Id", u->id);
                control_unit_add(cu, "JobResult", job_result_to_string(result));
        }
        if (result == JOB_DONE || result == JOB_SKIPPED || r->code != 0)
                return;
        enum unit_result ur = u->rt->result;
        if (result == JOB_CANCELED)
                snprintf(buf, sizeof buf, "Job for %s canceled.", u->id);
        else if (result == JOB_TIMEOUT)
                snprintf(buf, sizeof buf, "Job for %s timed out.", u->id); /* systemctl's words */
        else if (result == JOB_DEPENDENCY && u->rt->failed_dependency) {
                describe_cause(u->rt->failed_dependency, cause, sizeof cause);
                snprintf(buf, sizeof buf, "A dependency job for %s failed: %s.", u->id, cause);
        } else if (result == JOB_DEPENDENCY)
                snprintf(buf, sizeof buf, "A dependency job for %s failed.", u->id);
        else if (failure_reason[ur] && ur == RESULT_START_LIMIT_HIT)
                snprintf(buf, sizeof buf,
                         "Job for %s failed because %s.\nTo force a start use \"weftctl reset-failed %s\" "
                         "followed by \"weftctl start %s\" again.",
                         u->id, failure_reason[ur], u->id, u->id);
        else if (failure_reason[ur])
                snprintf(buf, sizeof buf, "Job for %s failed because %s.", u->id, failure_reason[ur]);
        else
                snprintf(buf, sizeof buf, "Job for %s failed (result '%s').", u->id, unit_result_to_string(ur));
        r->code = 1;
        free(r->error);
        r->error = strdup(buf);
}

/* Why a job cannot be had for u, which did not load. A unit not found
 * whose file appeared since was loaded when it was named
 * (sched_retry_load), unless the file made it an alias: say so. */
static void not_loaded(struct sched *s, struct control_reply *r, const struct unit *u)
{
        const struct unit_path_index *idx = s->config.load ? s->config.load->index : NULL;
        if (u->load_state != UNIT_NOT_FOUND)
                control_fail(r, 5, "Unit %s failed to load properly or is masked.", u->id);
        else if (idx && unit_path_index_refresh(s->config.load->index) >= 0 && unit_path_has_fragment(idx, u->id))
                control_fail(r, 5, "Unit %s was not found when weft last read it; its file is there now: run daemon-reload.",
                             u->id);
        else
                control_fail(r, 5, "Unit %s not found.", u->id);
}


/* The bus's job call is answered with the job's path as soon as it is
 * queued (announce_job): an interim reply with its id. Lacking memory, the
 * final reply is the only one, and the call fails. */
static void announce_job(struct sched *s, uint64_t conn_id, uint32_t id)
{
        struct control_reply a = { .interim = true };
        struct control_unit *cu = control_reply_add_unit(&a);
        if (cu && control_add_num(cu, "JobId", id) == 0)
                control_send_reply(s, conn_id, &a);
        else
                control_reply_done(&a);
}

void verb_job(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        enum job_verb verb = arg;
        /* Each isolate would stop what the one before started. */
        if (verb == VERB_ISOLATE && strv_length(q->units) > 1) {
                control_fail(r, 1, "%s", "isolate takes one unit.");
                return;
        }
        struct control_wait *w = q->no_block ? NULL : calloc(1, sizeof *w);

        if (!q->no_block && !w) {
                control_fail(r, 1, "%s", "out of memory");
                return;
        }
        if (w) {
                /* The reply is built in w from here on, so a job that ends
                 * while later units are handled reports into it. One extra
                 * count holds it until every unit is handled. */
                w->conn_id = conn_id;
                w->outstanding = 1;
                w->reply = *r;
                *r = (struct control_reply) { .code = -1 };
                r = &w->reply;
        }
        enum job_verb asked = verb;
        uint32_t announced = 0;
        STRV_FOREACH(name, q->units) {
                int why;
                struct unit *u = control_find_or_load(s, *name, &why);
                struct job *j = NULL;
                bool nothing;
                verb = asked;
                if (!u) {
                        control_fail(r, 5,
                                     why == -EEXIST ? "Unit %s is held, collected, with other dependencies; run "
                                                      "daemon-reload to define it again."
                                                    : "Unit %s not found.",
                                     *name);
                        continue;
                }
                if (u->load_state != UNIT_LOADED) {
                        not_loaded(s, r, u);
                        continue;
                }
                if (s->shutting_down && verb != VERB_STOP) {
                        control_fail(r, 1, "Refusing to start %s: the system is shutting down.", *name);
                        continue;
                }
                /* systemd-run --pipe's stdio, with its transient unit's start. */
                if (q->stdio_fds && sched_stdio_set(s, u, q->stdio_fds) < 0) {
                        control_fail(r, 1, "Cannot keep the stdio of %s.", *name);
                        continue;
                }
                /* A transient scope's processes, with its start. */
                int k = q->n_pids ? scope_add_pids(s, u, q->pids, q->n_pids) : 0;
                if (k < 0) {
                        control_fail(r, 1,
                                     k == -ESRCH ? "Failed to add PIDs to %s: a process does not exist."
                                                 : "Failed to add PIDs to %s.",
                                     *name);
                        continue;
                }
                if ((verb == VERB_TRY_RESTART || verb == VERB_TRY_RELOAD_OR_RESTART) &&
                    unit_state_is_down(u->rt->active))
                        continue;
                if (verb == VERB_ISOLATE && !u->allow_isolate) {
                        control_fail(r, 1, "Failed to start %s: Operation refused, unit may not be isolated.", u->id);
                        continue;
                }
                bool reloadable = unit_ops(u)->can_reload && unit_ops(u)->can_reload(s, u);
                if (verb == VERB_RELOAD_OR_RESTART || verb == VERB_TRY_RELOAD_OR_RESTART)
                        verb = reloadable ? VERB_RELOAD : VERB_RESTART;
                if (verb == VERB_RELOAD) {
                        j = job_install(s, u, JOB_RELOAD, false);
                } else if (verb == VERB_START || verb == VERB_START_IRREVERSIBLY || verb == VERB_ISOLATE ||
                           ((verb == VERB_RESTART || verb == VERB_TRY_RESTART) && unit_state_is_down(u->rt->active))) {
                        uint32_t before = s->next_job_id;
                        enum job_mode mode = verb == VERB_START_IRREVERSIBLY ? JOB_MODE_REPLACE_IRREVERSIBLY
                                             : verb == VERB_ISOLATE         ? JOB_MODE_ISOLATE
                                                                            : JOB_MODE_REPLACE;
                        int tr = transaction_add(s, u, mode, &nothing);
                        if (tr == -EPERM)
                                control_fail(r, 1, "Failed to start %s: transaction is destructive (an irreversible job is queued).",
                                             u->id);
                        else if (tr < 0)
                                control_fail(r, 1, "Failed to start %s: out of memory.", u->id);
                        else
                                j = u->rt->job;
                        /* The start job may be over already: failed while the
                         * transaction was built (a required unit that does not
                         * exist). Its recorded result is the answer. */
                        if (!j && job_id_newer(u->rt->start_job_id, before))
                                reply_job_result(r, u, u->rt->start_job_result);
                } else {
                        j = job_install(s, u, JOB_STOP, false);
                        if (j) {
                                j->restart = verb != VERB_STOP;
                                job_propagate_stop(s, u);
                        }
                }
                /* Never keep j past the next unit: a later unit's
                 * transaction may finish (and free) it (issue 8, B1). */
                if (j && w && add_wait(j, w) < 0)
                        control_fail(r, 1, "%s", "out of memory");
                if (j && !announced)
                        announced = j->id;
        }
        /* A request that asks for nothing still gets a job, done at
         * once, as systemd's does (try-restart of a stopped unit). */
        if (q->announce_job && (announced || r->code == 0))
                announce_job(s, conn_id, announced ? announced : job_next_id(s));
        /* Only now does any job run, so the units of one request order
         * against each other whatever order they were named in. */
        transaction_run_ready(s);
        if (w && --w->outstanding == 0) {
                control_send_reply(s, w->conn_id, &w->reply);
                free(w);
        }
}

void control_job_finished(struct sched *s, struct job *j, enum job_result result)
{
        struct unit *u = j->unit;
        if (j->restart && result == JOB_DONE) {
                /* A restart's stop is done: now the start, and the same
                 * clients wait for it instead (each still counts one job). */
                bool nothing;
                uint32_t before = s->next_job_id;
                if (transaction_start(s, u, &nothing) >= 0 && u->rt->job && u->rt->job != j) {
                        struct job *nj = u->rt->job;
                        /* One restart, one job id (the one its callers were
                         * told), as systemd's restart job turns into a start. */
                        nj->id = j->id;
                        sched_bus_signal(s, u);
                        unsigned moved = 0;
                        for (unsigned i = 0; i < j->n_waits; i++)
                                if (add_wait(nj, j->waits[i]) == 0) {
                                        j->waits[i]->outstanding--;
                                        j->waits[i] = NULL;
                                        moved++;
                                }
                        if (moved == j->n_waits) {
                                j->n_waits = 0;
                                return;
                        }
                        /* Out of memory for some: they get the stop's result below. */
                        unsigned n = 0;
                        for (unsigned i = 0; i < j->n_waits; i++)
                                if (j->waits[i])
                                        j->waits[n++] = j->waits[i];
                        j->n_waits = n;
                } else if (job_id_newer(u->rt->start_job_id, before))
                        result = u->rt->start_job_result; /* the start is over already: its result counts */
        }
        for (unsigned i = 0; i < j->n_waits; i++) {
                struct control_wait *w = j->waits[i];
                reply_job_result(&w->reply, u, result);
                if (--w->outstanding == 0) {
                        control_send_reply(s, w->conn_id, &w->reply);
                        free(w);
                }
        }
        j->n_waits = 0;
}

static int add_job(struct control_reply *r, const struct job *j)
{
        struct control_unit *cu = control_reply_add_unit(r);
        /* Id first: a record starts there (the bus's ListJobs reads them so). */
        if (!cu || control_unit_add(cu, "Id", j->unit->id) < 0 || control_add_num(cu, "JobId", j->id) < 0 ||
            control_unit_add(cu, "JobType", job_type_to_string(j->type)) < 0 ||
            control_unit_add(cu, "JobState", j->state == JOB_RUNNING ? "running" : "waiting") < 0)
                return -ENOMEM;
        return 0;
}

static int compare_job_ids(const void *a, const void *b)
{
        uint32_t x = (*(const struct job *const *) a)->id, y = (*(const struct job *const *) b)->id;
        return x < y ? -1 : x > y;
}

/* job-after ID, job-before ID (GetJobAfter, GetJobBefore, list-jobs
 * --after/--before): the jobs that wait for job ID, or that it waits
 * for, by id, as list-jobs describes them. */
void verb_job_waits(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                           int arg)
{
        unsigned id;
        struct job *j = q->units && q->units[0] && !q->units[1] && parse_unsigned(q->units[0], &id) == 0
                                ? job_find(s, id) : NULL;
        if (!j) {
                control_fail(r, 1, "Job %s does not exist.", q->units && q->units[0] ? q->units[0] : "");
                return;
        }
        size_t edges = 0;
        for (size_t i = 0; sched_next_edge(j->unit, &i);)
                edges++; /* at most one job each */
        const struct job **list = calloc(edges ? edges : 1, sizeof *list);
        size_t n = list ? job_waits(s, j, arg == WAITS_BEFORE, list, edges) : 0;
        int k = list ? 0 : -ENOMEM;
        if (n)
                qsort(list, n, sizeof *list, compare_job_ids);
        for (size_t i = 0; k == 0 && i < n; i++)
                k = add_job(r, list[i]);
        if (k < 0)
                control_fail(r, 1, "%s", "out of memory");
        free(list);
}

void verb_list_jobs(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                struct job *j = u->rt->job;
                if (!j)
                        continue;
                if (add_job(r, j) < 0) {
                        control_fail(r, 1, "%s", "out of memory");
                        return;
                }
        }
}

/* cancel [JOB...]: systemd's CancelJob for each id, its ClearJobs for
 * none. Only the jobs end ("canceled", so start jobs that require one
 * fail); their units go on as they are, a running start still starting. */
void verb_cancel(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                        int arg)
{
        if (!q->units || !q->units[0]) {
                job_cancel_all(s);
                return;
        }
        STRV_FOREACH(id, q->units) {
                unsigned n;
                struct job *j;
                if (parse_unsigned(*id, &n) < 0)
                        control_fail(r, 1, "Failed to parse job id \"%s\".", *id);
                else if (!(j = job_find(s, n)))
                        control_fail(r, 1, "Job %s does not exist.", *id);
                else
                        job_finish(s, j, JOB_CANCELED);
        }
}

