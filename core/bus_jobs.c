/* Jobs on the bus: the job a StartUnit (StopUnit...) call queues, its
 * object /org/freedesktop/systemd1/job/ID (Id, Unit, JobType, State,
 * ActivationDetails, GetAfter, GetBefore, Cancel), and the Manager's
 * ListJobs, GetJob, GetJobAfter, GetJobBefore, CancelJob and ClearJobs. Job ids are the scheduler's: it names the job
 * (an interim answer) as soon as it is queued, the call is answered with
 * that path, and JobRemoved carries the same id when the job ends. Bus
 * thread only; the Manager's vtable (core/bus_manager.c) points here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "core/bus_internal.h"

#define SD1_JOB "org.freedesktop.systemd1.Job"
#define SD1_JOB_PREFIX SD1_PATH "/job"

void job_path(char *buf, size_t n, uint64_t job)
{
        snprintf(buf, n, SD1_JOB_PREFIX "/%llu", (unsigned long long) job);
}

/* The list-jobs record (from its "Id" key) of job id, NULL: none. */
static char **job_record(const struct bus_answer *a, uint64_t id)
{
        for (char **k = a->kv; k && k[0] && k[1]; k += 2)
                if (!strcmp(k[0], "Id") && strtoull(bus_record_get(k, "JobId"), NULL, 10) == id)
                        return k;
        return NULL;
}

/* ListJobs: (id, unit, type, state, job path, unit path) per job. */
static int reply_job_list(const struct bus_pending *p, const struct bus_answer *a)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(p->m, &reply);

        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(usssoo)");
        for (char **k = a->kv; r >= 0 && k && k[0] && k[1]; k += 2) {
                char *path = NULL, job[64];
                if (strcmp(k[0], "Id") != 0)
                        continue;
                uint32_t id = (uint32_t) strtoul(bus_record_get(k, "JobId"), NULL, 10);
                job_path(job, sizeof job, id);
                r = sd_bus_path_encode(SD1_UNIT_PREFIX, k[1], &path);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "(usssoo)", id, k[1], bus_record_get(k, "JobType"),
                                                  bus_record_get(k, "JobState"), job, path);
                free(path);
        }
        return bus_send_array_reply(reply, r);
}

/* ---- the job object ---- */

static const struct job_property {
        const char *name, *signature;
} job_properties[] = {
        { "Id", "u" }, { "Unit", "(so)" }, { "JobType", "s" }, { "State", "s" }, { "ActivationDetails", "a(ss)" },
};

static const struct job_property *job_property_find(const char *name)
{
        for (size_t i = 0; i < sizeof job_properties / sizeof job_properties[0]; i++)
                if (!strcmp(name, job_properties[i].name))
                        return &job_properties[i];
        return NULL;
}

/* Property pr of the job in list-jobs record k, as a variant. */
static int append_job_property(sd_bus_message *m, const struct job_property *pr, char **k)
{
        char *path = NULL;
        int r = sd_bus_message_open_container(m, 'v', pr->signature);

        if (r < 0)
                return r;
        switch (pr->name[0]) {
        case 'I':
                r = sd_bus_message_append(m, "u", (uint32_t) strtoul(bus_record_get(k, "JobId"), NULL, 10));
                break;
        case 'U':
                r = sd_bus_path_encode(SD1_UNIT_PREFIX, k[1], &path);
                if (r >= 0)
                        r = sd_bus_message_append(m, "(so)", k[1], path);
                break;
        case 'J':
                r = sd_bus_message_append(m, "s", bus_record_get(k, "JobType"));
                break;
        case 'S':
                r = sd_bus_message_append(m, "s", bus_record_get(k, "JobState"));
                break;
        default: /* ActivationDetails: weft keeps none */
                r = sd_bus_message_append(m, "a(ss)", 0);
        }
        free(path);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int reply_job_property(const struct bus_pending *p, char **k)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(p->m, &reply);

        if (r >= 0 && p->prop)
                r = append_job_property(reply, job_property_find(p->prop), k);
        else if (r >= 0) {
                r = sd_bus_message_open_container(reply, 'a', "{sv}");
                for (size_t i = 0; r >= 0 && i < sizeof job_properties / sizeof job_properties[0]; i++) {
                        r = sd_bus_message_open_container(reply, 'e', "sv");
                        if (r >= 0)
                                r = sd_bus_message_append(reply, "s", job_properties[i].name);
                        if (r >= 0)
                                r = append_job_property(reply, &job_properties[i], k);
                        if (r >= 0)
                                r = sd_bus_message_close_container(reply);
                }
                return bus_send_array_reply(reply, r);
        }
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int reply_no_such_job(const struct bus_pending *p)
{
        return sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoSuchJob", "Job %llu does not exist.",
                                          (unsigned long long) p->job);
}

/* /org/freedesktop/systemd1/job/ID: Properties.Get and GetAll of the Job
 * interface (from list-jobs), Job.GetAfter and GetBefore, and Job.Cancel
 * (root only). */
static int job_object(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m), *iface = NULL, *prop = NULL, *path;
        bool cancel = sd_bus_message_is_method_call(m, SD1_JOB, "Cancel") > 0;
        bool after = sd_bus_message_is_method_call(m, SD1_JOB, "GetAfter") > 0;
        bool before = sd_bus_message_is_method_call(m, SD1_JOB, "GetBefore") > 0;
        bool get = sd_bus_message_is_method_call(m, "org.freedesktop.DBus.Properties", NULL) > 0 &&
                   (!strcmp(member, "Get") || !strcmp(member, "GetAll"));
        char id[32], *end;
        int r = 0;

        if (!cancel && !get && !after && !before)
                return 0;
        path = sd_bus_message_get_path(m);
        unsigned long long n = strtoull(path + strlen(SD1_JOB_PREFIX "/"), &end, 10);
        if (strncmp(path, SD1_JOB_PREFIX "/", strlen(SD1_JOB_PREFIX "/")) != 0 || *end || !n || n > UINT32_MAX)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unknown object '%s'.", path);
        if (get)
                r = !strcmp(member, "Get") ? sd_bus_message_read(m, "ss", &iface, &prop)
                                           : sd_bus_message_read(m, "s", &iface);
        else if (cancel)
                r = bus_check_root(m, ret_error);
        if (r < 0)
                return r;
        if (iface && iface[0] && strcmp(iface, SD1_JOB) != 0)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_INTERFACE, "Interface %s is not served.", iface);
        if (prop && !job_property_find(prop))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", prop);
        snprintf(id, sizeof id, "%llu", n);
        r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                .call = cancel ? CALL_CANCEL : get ? CALL_JOB_GET : CALL_LIST_JOBS, .m = m, .prop = prop, .job = n,
                .verb = cancel ? "cancel" : get ? "list-jobs" : after ? "job-after" : "job-before",
                .args = get ? NULL : (char *const[]) { id, NULL }, .uid = cancel ? 0 : 65534 });
        return r < 0 ? bus_refuse_busy(t, member, NULL, r, ret_error) : 1;
}

/* ---- the Manager's job methods ---- */

/* ListJobs, GetJob(u), GetJobAfter(u) and GetJobBefore(u) (anyone),
 * CancelJob(u) and ClearJobs (root). */
int bus_method_jobs(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m);
        struct bus_question q = { .m = m, .verb = "list-jobs", .uid = 65534, .call = CALL_LIST_JOBS };
        uint32_t n = 0;
        char id[16], *args[] = { id, NULL };
        int r = 0;

        if (strcmp(member, "ListJobs") != 0 && strcmp(member, "ClearJobs") != 0) {
                r = sd_bus_message_read(m, "u", &n);
                snprintf(id, sizeof id, "%u", n);
                q.call = !strcmp(member, "GetJob") ? CALL_GET_JOB : !strcmp(member, "CancelJob") ? CALL_CANCEL
                                                                                              : CALL_LIST_JOBS;
                if (q.call == CALL_LIST_JOBS)
                        q.verb = !strcmp(member, "GetJobAfter") ? "job-after" : "job-before";
                q.job = n;
                q.args = args; /* the one job: CancelJob(0) is no job, not all */
        } else if (!strcmp(member, "ClearJobs"))
                q.call = CALL_CANCEL;
        if (r >= 0 && q.call == CALL_CANCEL) {
                r = bus_check_root(m, ret_error);
                q.verb = "cancel";
                q.uid = 0;
        }
        if (r >= 0)
                r = bus_ask(t, sd_bus_message_get_bus(m), &q);
        if (r == -EBUSY || r == -ENOMEM)
                return bus_refuse_busy(t, member, NULL, r, ret_error);
        return r < 0 ? r : 1;
}

/* Manager.JobRemoved, which a client that called StartUnit waits for. */
static void job_removed(sd_bus *bus, uint64_t job, const char *unit, const char *result)
{
        char path[64];
        int r;

        job_path(path, sizeof path, job);
        r = sd_bus_emit_signal(bus, SD1_PATH, SD1_MANAGER, "JobRemoved", "uoss", (uint32_t) job, path, unit,
                               result);
        if (r < 0)
                log_debug("bus: cannot emit JobRemoved for %s: %s", unit, strerror(-r));
}

int bus_start_job(struct bus_thread *t, struct bus_pending *p)
{
        int r = bus_ask(t, p->bus, &(struct bus_question) {
                .call = CALL_JOB, .m = p->m, .unit = p->unit, .verb = p->job_verb, .uid = 0,
                .stdio_fds = p->stdio_fds, .pids = p->pids, .n_pids = p->n_pids });
        if (r < 0)
                return sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s",
                                                  strerror(-r));
        return 0;
}

void bus_job_queued(struct bus_pending *p, const struct bus_answer *a)
{
        char path[64];
        const char *id = a->kv && a->kv[0] && !strcmp(a->kv[0], "JobId") ? a->kv[1] : NULL;

        if (p->call != CALL_JOB || p->job || !id)
                return;
        p->job = strtoull(id, NULL, 10);
        job_path(path, sizeof path, p->job);
        if (sd_bus_reply_method_return(p->m, "o", path) < 0)
                log_debug("bus: cannot answer the job call for %s", p->unit);
}

int bus_job_answer(const struct bus_pending *p, const struct bus_answer *a, const char *error_name)
{
        const char *msg = a->error ? a->error : "failed", *v;
        char **k;

        /* A job never queued (refused; or never named, for lack of memory),
         * or no such job (CALL_CANCEL, and a CALL_LIST_JOBS of one job's waits). */
        if ((a->code != 0 && p->call != CALL_JOB) || (p->call == CALL_JOB && !p->job))
                return sd_bus_reply_method_errorf(p->m, p->call == CALL_CANCEL || (p->call == CALL_LIST_JOBS && p->job)
                                                                ? "org.freedesktop.systemd1.NoSuchJob" : error_name,
                                                  "%s", msg);
        switch (p->call) {
        case CALL_JOB:
                job_removed(p->bus, p->job, p->unit,
                            (v = bus_answer_get(a, "JobResult")) ? v : a->code == 0 ? "done" : "failed");
                return 0;
        case CALL_LIST_JOBS:
                return reply_job_list(p, a);
        case CALL_GET_JOB:
                if (!job_record(a, p->job))
                        return reply_no_such_job(p);
                char path[64];
                job_path(path, sizeof path, p->job);
                return sd_bus_reply_method_return(p->m, "o", path);
        case CALL_JOB_GET:
                if (!(k = job_record(a, p->job)))
                        return sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_UNKNOWN_OBJECT,
                                                          "Unknown object '%s'.", sd_bus_message_get_path(p->m));
                return reply_job_property(p, k);
        default: /* CALL_CANCEL */
                return sd_bus_reply_method_return(p->m, NULL);
        }
}

int bus_jobs_attach(struct bus_thread *t, sd_bus *bus)
{
        return sd_bus_add_fallback(bus, NULL, SD1_JOB_PREFIX, job_object, t);
}
