/* The bus thread; see bus_thread.h.
 *
 * Ownership: the sd_bus connection, the watched names, the pending calls
 * and the rate limits are the bus thread's alone. Other threads touch only
 * the command list and the stop flag, under t->lock, and wake the thread
 * through its eventfd. */
#include "core/bus_thread.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "base/idmap.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/thread_start.h"
#include "sockets/control_proto.h"

#define BUS_SYSTEM_ADDRESS "unix:path=/run/dbus/system_bus_socket"
#define SD1_NAME "org.freedesktop.systemd1"
#define SD1_PATH "/org/freedesktop/systemd1"
#define SD1_UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define SD1_MANAGER "org.freedesktop.systemd1.Manager"
#define SD1_UNIT "org.freedesktop.systemd1.Unit"
#define SD1_ACTIVATOR "org.freedesktop.systemd1.Activator"

#define BUS_PENDING_MAX 256       /* calls waiting for the scheduler; more are refused */
#define BUS_NAMES_MAX 4096        /* watched names */
#define BUS_PROCESS_BATCH 64      /* messages handled before the command queue is looked at again */
#define BUS_RETRY_USEC (1000 * 1000ULL)
#define BUS_LOG_INTERVAL_USEC (10 * 1000 * 1000ULL)
#define BUS_LOG_BURST 5
#define BUS_UNIT_NAME_MAX 256

/* The Unit properties served, from the control verb "status": strings,
 * and lists of unit names (space-separated there). */
static const char *const unit_properties[] = { "Id",       "Description", "LoadState",  "ActiveState",
                                               "SubState", "Triggers",    "TriggeredBy" };

static bool property_is_list(const char *name)
{
        return !strcmp(name, "Triggers") || !strcmp(name, "TriggeredBy");
}

/* Append property name's value v as a variant: "s", or "as" split at spaces. */
static int append_property(sd_bus_message *m, const char *name, const char *v)
{
        int r;

        if (!property_is_list(name))
                return sd_bus_message_append(m, "v", "s", v);
        r = sd_bus_message_open_container(m, 'v', "as");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "s");
        for (const char *p = v; r >= 0 && *p;) {
                size_t n = strcspn(p, " ");
                if (n > 0) {
                        char *w = strndup(p, n);
                        r = w ? sd_bus_message_append(m, "s", w) : -ENOMEM;
                        free(w);
                }
                p += n;
                p += strspn(p, " ");
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}
#define N_UNIT_PROPERTIES (sizeof unit_properties / sizeof unit_properties[0])

enum bus_call {
        CALL_ACTIVATE,  /* an ActivationRequest: no reply, ActivationFailure on failure */
        CALL_GET_UNIT,
        CALL_LOAD_UNIT,
        CALL_START_UNIT,
        CALL_STOP_UNIT,
        CALL_JOB,       /* the job a StartUnit/StopUnit answered with: JobRemoved when it ends */
        CALL_GET,       /* Properties.Get of a unit object */
        CALL_GET_ALL,
};

struct bus_pending {
        enum bus_call call;
        sd_bus_message *m; /* the call to answer (referenced); NULL for activation */
        char *unit;
        char *prop;        /* CALL_GET */
        uint64_t job;      /* CALL_JOB: the number in its object path */
};

/* What the scheduler answered, copied off its reply on its thread. */
struct bus_answer {
        uint64_t id;
        int code;
        char *error;
        char **kv; /* the served properties present: key, value, key, value... */
};

enum bus_command_kind {
        CMD_UP,
        CMD_DOWN,
        CMD_WATCH,
        CMD_ANSWER,
};

struct bus_command {
        enum bus_command_kind kind;
        char *name;               /* CMD_WATCH */
        struct bus_answer *answer; /* CMD_ANSWER */
};

struct bus_watch {
        struct bus_thread *t;
        char *name;
        int owned; /* -1: not known since the last (re)connection */
};

struct bus_thread {
        pthread_t thread;
        struct event_queue *queue;
        int wake_fd;
        struct bus_thread_config cfg;

        /* The bus thread's own. */
        sd_bus *bus;
        bool want_up;
        uint64_t retry_at;        /* when to connect again, 0: now */
        struct bus_watch **watches;
        size_t n_watches, cap_watches;
        struct idmap pending;     /* request id -> struct bus_pending */
        uint64_t next_id;
        uint64_t next_job;
        struct log_ratelimit rl_refused; /* calls and activations refused or failed */
        struct log_ratelimit rl_names;   /* name owner changes */

        /* Shared, under lock. */
        pthread_mutex_t lock;
        struct bus_command *cmds;
        size_t n_cmds, cap_cmds;
        bool stop;
};

static void answer_free(struct bus_answer *a)
{
        if (!a)
                return;
        free(a->error);
        strv_free(a->kv);
        free(a);
}

static void pending_free(struct bus_pending *p)
{
        if (!p)
                return;
        sd_bus_message_unref(p->m);
        free(p->unit);
        free(p->prop);
        free(p);
}

/* ---- the command queue (any thread) ---- */

static int command_push(struct bus_thread *t, struct bus_command c)
{
        uint64_t one = 1;
        int r = 0;

        pthread_mutex_lock(&t->lock);
        if (t->n_cmds == t->cap_cmds) {
                size_t ncap = t->cap_cmds ? 2 * t->cap_cmds : 16;
                struct bus_command *n = realloc(t->cmds, ncap * sizeof *n);
                if (!n)
                        r = -ENOMEM;
                else {
                        t->cmds = n;
                        t->cap_cmds = ncap;
                }
        }
        if (r == 0)
                t->cmds[t->n_cmds++] = c;
        pthread_mutex_unlock(&t->lock);
        if (r == 0)
                while (write(t->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
                        ;
        return r;
}

int bus_thread_set_up(struct bus_thread *t, bool up)
{
        return t ? command_push(t, (struct bus_command) { .kind = up ? CMD_UP : CMD_DOWN }) : -EINVAL;
}

int bus_thread_watch_name(struct bus_thread *t, const char *name)
{
        char *n;
        int r;

        if (!t || !name)
                return -EINVAL;
        n = strdup(name);
        if (!n)
                return -ENOMEM;
        r = command_push(t, (struct bus_command) { .kind = CMD_WATCH, .name = n });
        if (r < 0)
                free(n);
        return r;
}

static bool served_property(const char *key)
{
        for (size_t i = 0; i < N_UNIT_PROPERTIES; i++)
                if (!strcmp(key, unit_properties[i]))
                        return true;
        return false;
}

int bus_thread_reply(struct bus_thread *t, uint64_t id, const struct control_reply *reply)
{
        struct bus_answer *a = calloc(1, sizeof *a);
        int r = -ENOMEM;

        if (!a)
                return -ENOMEM;
        a->id = id;
        a->code = reply->code;
        if (reply->error && !(a->error = strdup(reply->error)))
                goto fail;
        if (reply->n_units > 0) {
                const struct control_unit *cu = &reply->units[0];
                for (size_t i = 0; i < cu->n; i++)
                        if ((served_property(cu->keys[i]) || !strcmp(cu->keys[i], "JobResult")) &&
                            (strv_extend(&a->kv, cu->keys[i]) < 0 || strv_extend(&a->kv, cu->values[i]) < 0))
                                goto fail;
        }
        r = command_push(t, (struct bus_command) { .kind = CMD_ANSWER, .answer = a });
        if (r == 0)
                return 0;
fail:
        answer_free(a);
        return r;
}

/* ---- asking the scheduler ---- */

static void post(struct bus_thread *t, const struct event *ev)
{
        int r = event_queue_push(t->queue, ev);
        if (r < 0)
                log_error_errno(r, "bus: unable to queue event %d: %s", (int) ev->type, strerror(-r));
}

/* Ask the scheduler verb about unit as a control request; answer(call)
 * follows when it replies. m (may be NULL) is referenced until then;
 * job is CALL_JOB's number. */
static int ask(struct bus_thread *t, enum bus_call call, sd_bus_message *m, const char *unit, const char *prop,
               const char *verb, bool no_block, uid_t uid, uint64_t job)
{
        struct bus_pending *p = NULL;
        struct control_request *q = NULL;
        uint64_t id;
        int r = -ENOMEM;

        if (t->pending.n_items >= BUS_PENDING_MAX)
                return -EBUSY;
        p = calloc(1, sizeof *p);
        q = calloc(1, sizeof *q);
        if (!p || !q)
                goto fail;
        p->call = call;
        p->job = job;
        if (!(p->unit = strdup(unit)) || (prop && !(p->prop = strdup(prop))))
                goto fail;
        q->version = CONTROL_PROTOCOL_VERSION;
        q->no_block = no_block;
        if (!(q->verb = strdup(verb)) || strv_extend(&q->units, unit) < 0)
                goto fail;
        id = ++t->next_id;
        if (idmap_put(&t->pending, id, p) < 0)
                goto fail;
        p->m = sd_bus_message_ref(m);

        struct event ev = { .type = EVENT_CONTROL, .stamp_usec = now_usec() };
        ev.control.conn_id = BUS_CONN_FLAG | id;
        ev.control.uid = uid;
        ev.control.request = q;
        r = event_queue_push(t->queue, &ev);
        if (r < 0) {
                idmap_remove(&t->pending, id);
                goto fail;
        }
        return 0;
fail:
        pending_free(p);
        if (q) {
                control_request_done(q);
                free(q);
        }
        return r;
}

/* ---- bus names ---- */

static void name_set_owned(struct bus_watch *w, bool owned)
{
        struct bus_thread *t = w->t;

        if (w->owned == (int) owned)
                return; /* a new owner replacing the old one, or a repeat */
        w->owned = owned;
        log_full_ratelimited(&t->rl_names, LOG_LEVEL_DEBUG, 0, "bus: name %s is %s", w->name,
                             owned ? "owned" : "not owned");
        struct event ev = { .type = EVENT_BUS_NAME, .stamp_usec = now_usec() };
        ev.bus_name.name = strdup(w->name);
        ev.bus_name.owned = owned;
        if (!ev.bus_name.name) {
                log_error("bus: out of memory reporting bus name %s", w->name);
                w->owned = -1; /* report it again at the next change */
                return;
        }
        if (event_queue_push(t->queue, &ev) < 0) {
                free(ev.bus_name.name);
                w->owned = -1;
        }
}

static int on_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_watch *w = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || strcmp(name, w->name) != 0)
                return 0; /* malformed or not ours: the daemon's match should not send it */
        name_set_owned(w, new_owner[0] != '\0');
        return 0;
}

static int on_name_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_watch *w = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);

        if (e) {
                if (sd_bus_error_has_name(e, "org.freedesktop.DBus.Error.NameHasNoOwner"))
                        name_set_owned(w, false);
                else
                        log_debug("bus: GetNameOwner(%s): %s", w->name, e->message ? e->message : e->name);
                return 0;
        }
        name_set_owned(w, true);
        return 0;
}

/* On the current connection: the match first, then the question, so a
 * change between the two is seen (the daemon handles them in order). */
static void name_subscribe(struct bus_thread *t, struct bus_watch *w)
{
        char rule[512];
        int r;

        w->owned = -1;
        if (!t->bus)
                return;
        snprintf(rule, sizeof rule,
                 "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                 "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'", w->name);
        r = sd_bus_add_match_async(t->bus, NULL, rule, on_owner_changed, NULL, w);
        if (r >= 0)
                r = sd_bus_call_method_async(t->bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "GetNameOwner", on_name_owner, w, "s",
                                             w->name);
        if (r < 0)
                log_warning("bus: cannot watch name %s: %s", w->name, strerror(-r));
}

static void watch_name(struct bus_thread *t, char *name)
{
        struct bus_watch *w;

        for (size_t i = 0; i < t->n_watches; i++)
                if (!strcmp(t->watches[i]->name, name)) {
                        free(name);
                        return;
                }
        if (t->n_watches >= BUS_NAMES_MAX || !sd_bus_service_name_is_valid(name)) {
                log_warning_ratelimited(&t->rl_refused, "bus: not watching bus name %s: %s", name,
                                        t->n_watches >= BUS_NAMES_MAX ? "too many names" : "invalid name");
                free(name);
                return;
        }
        if (t->n_watches == t->cap_watches) {
                size_t ncap = t->cap_watches ? 2 * t->cap_watches : 16;
                struct bus_watch **n = realloc(t->watches, ncap * sizeof *n);
                if (!n) {
                        free(name);
                        return;
                }
                t->watches = n;
                t->cap_watches = ncap;
        }
        w = calloc(1, sizeof *w);
        if (!w) {
                free(name);
                return;
        }
        *w = (struct bus_watch) { .t = t, .name = name, .owned = -1 };
        t->watches[t->n_watches++] = w;
        name_subscribe(t, w);
}

/* ---- answering ---- */

static const char *answer_get(const struct bus_answer *a, const char *key)
{
        for (char **k = a->kv; k && k[0] && k[1]; k += 2)
                if (!strcmp(k[0], key))
                        return k[1];
        return NULL;
}

static const char *error_name_of(const struct bus_answer *a)
{
        if (a->code == 4)
                return "org.freedesktop.systemd1.NoSuchUnit";
        if (a->code == 5)
                return "org.freedesktop.systemd1.LoadFailed";
        return "org.freedesktop.systemd1.JobFailed";
}

static int reply_unit_path(sd_bus_message *m, const char *unit)
{
        char *path = NULL;
        int r = sd_bus_path_encode(SD1_UNIT_PREFIX, unit, &path);
        if (r < 0)
                return r;
        r = sd_bus_reply_method_return(m, "o", path);
        free(path);
        return r;
}

static int reply_property(sd_bus_message *m, const char *name, const char *v)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(m, &reply);

        if (r >= 0)
                r = append_property(reply, name, v);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int reply_get_all(sd_bus_message *m, const struct bus_answer *a)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(m, &reply);

        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{sv}");
        for (size_t i = 0; r >= 0 && i < N_UNIT_PROPERTIES; i++) {
                const char *v = answer_get(a, unit_properties[i]);
                if (!v)
                        continue;
                r = sd_bus_message_open_container(reply, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", unit_properties[i]);
                if (r >= 0)
                        r = append_property(reply, unit_properties[i], v);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static void activation_failed(struct bus_thread *t, const char *unit, const char *error_name, const char *message)
{
        sd_bus_message *m = NULL;
        int r;

        log_warning_ratelimited(&t->rl_refused, "bus: activation of %s failed: %s", unit, message);
        if (!t->bus)
                return;
        /* Addressed to the bus itself: dbus-daemon acts on an
         * ActivationFailure only when it is the destination. */
        r = sd_bus_message_new_signal(t->bus, &m, SD1_PATH, SD1_ACTIVATOR, "ActivationFailure");
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", unit, error_name, message);
        if (r >= 0)
                r = sd_bus_send_to(t->bus, m, "org.freedesktop.DBus", NULL);
        if (r < 0)
                log_debug("bus: cannot send ActivationFailure for %s: %s", unit, strerror(-r));
        sd_bus_message_unref(m);
}

static void job_path(char *buf, size_t n, uint64_t job)
{
        snprintf(buf, n, SD1_PATH "/job/%llu", (unsigned long long) job);
}

/* Manager.JobRemoved, which a client that called StartUnit waits for. */
static void job_removed(struct bus_thread *t, uint64_t job, const char *unit, const char *result)
{
        char path[64];
        int r;

        job_path(path, sizeof path, job);
        r = sd_bus_emit_signal(t->bus, SD1_PATH, SD1_MANAGER, "JobRemoved", "uoss", (uint32_t) job, path, unit,
                               result);
        if (r < 0)
                log_debug("bus: cannot emit JobRemoved for %s: %s", unit, strerror(-r));
}

/* The unit exists: answer the call with a job path, then have the job
 * run; its end is announced with JobRemoved. */
static int start_job(struct bus_thread *t, struct bus_pending *p)
{
        uint64_t job = ++t->next_job;
        char path[64];
        int r;

        job_path(path, sizeof path, job);
        r = sd_bus_reply_method_return(p->m, "o", path);
        if (r < 0)
                return r;
        r = ask(t, CALL_JOB, NULL, p->unit, NULL, p->call == CALL_START_UNIT ? "start" : "stop", false, 0, job);
        if (r < 0)
                job_removed(t, job, p->unit, "failed");
        return 0;
}

static void answer(struct bus_thread *t, struct bus_answer *a)
{
        struct bus_pending *p = idmap_remove(&t->pending, a->id);
        const char *msg = a->error ? a->error : "failed";
        const char *v;
        bool missing = a->code == 4 || ((v = answer_get(a, "LoadState")) && !strcmp(v, "not-found"));
        int r = 0;

        if (!p || !t->bus)
                goto out; /* the connection it came on is gone */
        switch (p->call) {
        case CALL_ACTIVATE:
                if (a->code != 0)
                        activation_failed(t, p->unit, error_name_of(a), msg);
                break;
        case CALL_GET_UNIT:
        case CALL_LOAD_UNIT:
                if (missing)
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoSuchUnit",
                                                       "Unit %s not loaded.", p->unit);
                else
                        r = reply_unit_path(p->m, p->unit);
                break;
        case CALL_START_UNIT:
        case CALL_STOP_UNIT:
                if (missing)
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoSuchUnit",
                                                       "Unit %s not found.", p->unit);
                else if ((v = answer_get(a, "LoadState")) && strcmp(v, "loaded") != 0)
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.LoadFailed",
                                                       "Unit %s is %s.", p->unit, v);
                else
                        r = start_job(t, p);
                break;
        case CALL_JOB:
                job_removed(t, p->job, p->unit,
                            (v = answer_get(a, "JobResult")) ? v : a->code == 0 ? "done" : "failed");
                break;
        case CALL_GET:
                if (missing)
                        r = sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unit %s not loaded.",
                                                       p->unit);
                else if ((v = answer_get(a, p->prop)))
                        r = reply_property(p->m, p->prop, v);
                else
                        r = sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_UNKNOWN_PROPERTY,
                                                       "Unknown property %s.", p->prop);
                break;
        case CALL_GET_ALL:
                if (missing)
                        r = sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unit %s not loaded.",
                                                       p->unit);
                else
                        r = reply_get_all(p->m, a);
                break;
        }
        if (r < 0)
                log_debug("bus: cannot answer a call about %s: %s", p->unit, strerror(-r));
out:
        pending_free(p);
        answer_free(a);
}

/* ---- what the bus asks ---- */

static bool unit_name_ok(const char *name)
{
        size_t n = strlen(name);
        if (n == 0 || n >= BUS_UNIT_NAME_MAX || !strchr(name, '.'))
                return false;
        for (const char *c = name; *c; c++)
                if (*c <= ' ' || *c == '/' || (unsigned char) *c >= 0x7f)
                        return false;
        return true;
}

static int on_activation_request(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *sender = sd_bus_message_get_sender(m), *unit;
        int r;

        if (!sender || strcmp(sender, "org.freedesktop.DBus") != 0)
                return 0; /* only the bus itself asks for activation */
        if (sd_bus_message_read(m, "s", &unit) < 0) {
                log_warning_ratelimited(&t->rl_refused, "%s", "bus: malformed ActivationRequest, ignoring");
                return 0;
        }
        if (!unit_name_ok(unit)) {
                activation_failed(t, unit, "org.freedesktop.systemd1.NoSuchUnit", "Invalid unit name.");
                return 0;
        }
        log_debug("bus: activation request for %s", unit);
        /* A start that replies when its job ends: a start that fails then
         * still fails the activation, instead of leaving the client waiting. */
        r = ask(t, CALL_ACTIVATE, NULL, unit, NULL, "start", false, 0, 0);
        if (r < 0)
                activation_failed(t, unit, "org.freedesktop.systemd1.LimitsExceeded",
                                  r == -EBUSY ? "Too many requests pending." : "Out of memory.");
        return 0;
}

static uid_t sender_uid(sd_bus_message *m)
{
        sd_bus_creds *c = NULL;
        uid_t uid = (uid_t) -1;

        if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &c) >= 0 && sd_bus_creds_get_euid(c, &uid) < 0)
                uid = (uid_t) -1;
        sd_bus_creds_unref(c);
        return uid;
}

static int method_subscribe(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        /* weft sends no Manager signals yet: subscribing is accepted and means nothing. */
        return sd_bus_reply_method_return(m, NULL);
}

static int method_unit(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m), *unit, *mode = NULL;
        enum bus_call call;
        const char *verb;
        int r;

        if (!strcmp(member, "GetUnit") || !strcmp(member, "LoadUnit")) {
                call = member[0] == 'G' ? CALL_GET_UNIT : CALL_LOAD_UNIT;
                /* GetUnit never loads (as systemd's); LoadUnit does for root
                 * only: weft keeps every unit it loaded, so any caller's
                 * made-up names would grow its table for good. */
                verb = call == CALL_LOAD_UNIT && sender_uid(m) == 0 ? "status" : "status-loaded";
                r = sd_bus_message_read(m, "s", &unit);
        } else {
                call = !strcmp(member, "StartUnit") ? CALL_START_UNIT : CALL_STOP_UNIT;
                /* First whether the unit exists (the reply is a job or
                 * NoSuchUnit), then the job itself (answer()). */
                verb = "status";
                r = sd_bus_message_read(m, "ss", &unit, &mode);
        }
        if (r < 0)
                return r;
        if (!unit_name_ok(unit))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Invalid unit name.");
        if (mode && strcmp(mode, "replace") != 0 && strcmp(mode, "fail") != 0)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_NOT_SUPPORTED, "Job mode %s is not supported.",
                                         mode);
        /* Starting and stopping need root, as on the control socket. */
        if (mode && sender_uid(m) != 0)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_ACCESS_DENIED, "%s needs root.", member);
        r = ask(t, call, m, unit, NULL, verb, true, mode ? 0 : 65534, 0);
        if (r < 0) {
                log_warning_ratelimited(&t->rl_refused, "bus: refusing %s(%s): %s", member, unit, strerror(-r));
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s",
                                         strerror(-r));
        }
        return 1; /* answered when the scheduler replies */
}

static int property_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        return sd_bus_message_append(reply, "s", "weft");
}

static int property_timestamp(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        bool mono = strstr(property, "Monotonic") != NULL;
        return sd_bus_message_append(reply, "t", mono ? t->cfg.userspace_monotonic : t->cfg.userspace_realtime);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("UserspaceTimestamp", "t", property_timestamp, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("UserspaceTimestampMonotonic", "t", property_timestamp, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD("Subscribe", "", "", method_subscribe, 0),
        SD_BUS_METHOD("Unsubscribe", "", "", method_subscribe, 0),
        SD_BUS_METHOD("GetUnit", "s", "o", method_unit, 0),
        SD_BUS_METHOD("LoadUnit", "s", "o", method_unit, 0),
        SD_BUS_METHOD("StartUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("StopUnit", "ss", "o", method_unit, 0),
        SD_BUS_VTABLE_END,
};

/* Properties of /org/freedesktop/systemd1/unit/NAME: asked of the
 * scheduler, answered later. Anything else falls through to sd-bus's
 * standard errors. */
static int unit_object(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m), *iface, *prop = NULL;
        char *unit = NULL;
        int r;

        if (!sd_bus_message_is_method_call(m, "org.freedesktop.DBus.Properties", NULL) ||
            (strcmp(member, "Get") != 0 && strcmp(member, "GetAll") != 0))
                return 0;
        r = sd_bus_path_decode(sd_bus_message_get_path(m), SD1_UNIT_PREFIX, &unit);
        if (r <= 0)
                return r;
        r = !strcmp(member, "Get") ? sd_bus_message_read(m, "ss", &iface, &prop) : sd_bus_message_read(m, "s", &iface);
        if (r < 0)
                goto out;
        if (!unit_name_ok(unit)) {
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_OBJECT, "Invalid unit name.");
                goto out;
        }
        if (iface[0] && strcmp(iface, SD1_UNIT) != 0) {
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_INTERFACE, "Interface %s is not served.", iface);
                goto out;
        }
        if (prop && !served_property(prop)) {
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", prop);
                goto out;
        }
        r = ask(t, prop ? CALL_GET : CALL_GET_ALL, m, unit, prop, sender_uid(m) == 0 ? "status" : "status-loaded",
                true, 65534, 0);
        if (r < 0)
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s", strerror(-r));
        else
                r = 1;
out:
        free(unit);
        return r;
}

static int on_name_request(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        const sd_bus_error *e = sd_bus_message_get_error(m);
        if (e)
                log_warning("bus: cannot own " SD1_NAME ": %s", e->message ? e->message : e->name);
        else
                log_info("bus: connected to the system bus as " SD1_NAME);
        return 0;
}

/* ---- the connection ---- */

static void disconnect(struct bus_thread *t, int error)
{
        if (!t->bus)
                return;
        if (error)
                log_info("bus: connection to the system bus lost: %s", strerror(-error));
        t->bus = sd_bus_close_unref(t->bus);
        /* Calls waiting for the scheduler have no one to answer to now. */
        for (size_t i = 0; i < t->pending.n_slots; i++)
                if (t->pending.slots[i].key)
                        pending_free(t->pending.slots[i].value);
        idmap_done(&t->pending);
        idmap_init(&t->pending);
        for (size_t i = 0; i < t->n_watches; i++)
                t->watches[i]->owned = -1;
        struct event ev = { .type = EVENT_BUS_STATE, .stamp_usec = now_usec() };
        ev.bus_state.connected = false;
        post(t, &ev);
        t->retry_at = now_usec() + BUS_RETRY_USEC;
}

static void connect_bus(struct bus_thread *t)
{
        const char *address = t->cfg.address ? t->cfg.address : BUS_SYSTEM_ADDRESS;
        sd_bus *b = NULL;
        int r;

        r = sd_bus_new(&b);
        if (r >= 0)
                r = sd_bus_set_address(b, address);
        if (r >= 0)
                r = sd_bus_set_bus_client(b, 1);
        if (r >= 0)
                r = sd_bus_set_description(b, "weft");
        if (r >= 0)
                r = sd_bus_start(b);
        if (r < 0) {
                log_full_ratelimited(&t->rl_refused, LOG_LEVEL_INFO, r, "bus: cannot connect to %s: %s", address,
                                     strerror(-r));
                sd_bus_unref(b);
                t->retry_at = now_usec() + BUS_RETRY_USEC;
                return;
        }
        t->bus = b;
        r = sd_bus_add_object_vtable(b, NULL, SD1_PATH, SD1_MANAGER, manager_vtable, t);
        if (r >= 0)
                r = sd_bus_add_fallback(b, NULL, SD1_UNIT_PREFIX, unit_object, t);
        if (r >= 0)
                r = sd_bus_match_signal_async(b, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus", SD1_ACTIVATOR,
                                              "ActivationRequest", on_activation_request, NULL, t);
        if (r >= 0)
                r = sd_bus_request_name_async(b, NULL, SD1_NAME, 0, on_name_request, t);
        if (r < 0) {
                log_error("bus: cannot set up the connection: %s", strerror(-r));
                disconnect(t, r);
                return;
        }
        for (size_t i = 0; i < t->n_watches; i++)
                name_subscribe(t, t->watches[i]);
        struct event ev = { .type = EVENT_BUS_STATE, .stamp_usec = now_usec() };
        ev.bus_state.connected = true;
        post(t, &ev);
}

/* ---- the loop ---- */

/* Returns false once asked to stop. */
static bool run_commands(struct bus_thread *t)
{
        struct bus_command *cmds;
        size_t n;
        bool stop;
        uint64_t v;

        while (read(t->wake_fd, &v, sizeof v) < 0 && errno == EINTR)
                ;
        pthread_mutex_lock(&t->lock);
        cmds = t->cmds;
        n = t->n_cmds;
        stop = t->stop;
        t->cmds = NULL;
        t->n_cmds = t->cap_cmds = 0;
        pthread_mutex_unlock(&t->lock);

        for (size_t i = 0; i < n; i++)
                switch (cmds[i].kind) {
                case CMD_UP:
                        if (!t->want_up)
                                t->retry_at = 0;
                        t->want_up = true;
                        break;
                case CMD_DOWN:
                        t->want_up = false;
                        break;
                case CMD_WATCH:
                        watch_name(t, cmds[i].name);
                        break;
                case CMD_ANSWER:
                        answer(t, cmds[i].answer);
                        break;
                }
        free(cmds);
        return !stop;
}

static void *bus_main(void *userdata)
{
        struct bus_thread *t = userdata;

        while (run_commands(t)) {
                uint64_t now = now_usec(), until = UINT64_MAX;
                struct pollfd p[2] = { { .fd = t->wake_fd, .events = POLLIN }, { .fd = -1 } };
                int timeout = -1;

                if (!t->bus && t->want_up && now >= t->retry_at)
                        connect_bus(t);
                if (t->bus) {
                        int r = 0;
                        for (int i = 0; i < BUS_PROCESS_BATCH && (r = sd_bus_process(t->bus, NULL)) > 0; i++)
                                ;
                        if (r < 0 || sd_bus_is_open(t->bus) <= 0) {
                                disconnect(t, r < 0 ? r : -ECONNRESET);
                                continue;
                        }
                        if (r > 0)
                                timeout = 0; /* more to read: look at the commands, then go on */
                }
                if (t->bus) {
                        int events = sd_bus_get_events(t->bus);
                        p[1].fd = sd_bus_get_fd(t->bus);
                        p[1].events = events > 0 ? (short) events : POLLIN;
                        if (sd_bus_get_timeout(t->bus, &until) < 0)
                                until = UINT64_MAX;
                } else if (t->want_up)
                        until = t->retry_at;
                if (timeout < 0 && until != UINT64_MAX) {
                        now = now_usec();
                        timeout = until <= now ? 0 : (int) ((until - now + 999) / 1000);
                        if (until - now > 60ULL * 1000 * 1000)
                                timeout = 60 * 1000;
                }
                if (poll(p, p[1].fd >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR)
                        log_error_errno(errno, "bus: poll: %s", strerror(errno));
        }
        disconnect(t, 0);
        return NULL;
}

int bus_thread_start(struct event_queue *q, const struct bus_thread_config *c, struct bus_thread **ret)
{
        struct bus_thread *t = calloc(1, sizeof *t);
        int r;

        if (!t)
                return -ENOMEM;
        t->queue = q;
        t->cfg = *c;
        t->cfg.address = NULL;
        if (c->address && !(t->cfg.address = strdup(c->address))) {
                free(t);
                return -ENOMEM;
        }
        idmap_init(&t->pending);
        t->rl_refused = (struct log_ratelimit) LOG_RATELIMIT_INIT(BUS_LOG_INTERVAL_USEC, BUS_LOG_BURST);
        t->rl_names = (struct log_ratelimit) LOG_RATELIMIT_INIT(BUS_LOG_INTERVAL_USEC, BUS_LOG_BURST);
        pthread_mutex_init(&t->lock, NULL);
        t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (t->wake_fd < 0) {
                r = -errno;
                goto fail;
        }
        r = thread_start(&t->thread, NULL, bus_main, t, "the bus thread", THREAD_WAIT_FOREVER);
        if (r < 0)
                goto fail;
        *ret = t;
        return 0;
fail:
        if (t->wake_fd >= 0)
                close(t->wake_fd);
        pthread_mutex_destroy(&t->lock);
        free((char *) t->cfg.address);
        free(t);
        return r;
}

void bus_thread_stop(struct bus_thread *t)
{
        uint64_t one = 1;

        if (!t)
                return;
        pthread_mutex_lock(&t->lock);
        t->stop = true;
        pthread_mutex_unlock(&t->lock);
        while (write(t->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
                ;
        pthread_join(t->thread, NULL);
        /* Commands that came after the last look. */
        for (size_t i = 0; i < t->n_cmds; i++) {
                free(t->cmds[i].name);
                answer_free(t->cmds[i].answer);
        }
        free(t->cmds);
        for (size_t i = 0; i < t->n_watches; i++) {
                free(t->watches[i]->name);
                free(t->watches[i]);
        }
        free(t->watches);
        idmap_done(&t->pending);
        close(t->wake_fd);
        pthread_mutex_destroy(&t->lock);
        free((char *) t->cfg.address);
        free(t);
}
