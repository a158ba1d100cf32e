/* The bus thread; see bus_thread.h. This file: the thread, its command
 * queue, the connection and the watched bus names; core/bus_manager.c
 * serves org.freedesktop.systemd1 on that connection, core/bus_private.c
 * on systemd's private socket.
 *
 * Ownership: the sd_bus connection, the watched names, the pending calls
 * and the rate limits are the bus thread's alone. Other threads touch only
 * the command list and the stop flag, under t->lock, and wake the thread
 * through its eventfd. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/fds.h"
#include "base/strv.h"
#include "base/thread_start.h"
#include "core/bus_internal.h"
#include "sockets/control_proto.h"

void bus_answer_free(struct bus_answer *a)
{
        if (!a)
                return;
        free(a->error);
        strv_free(a->kv);
        free(a);
}

/* Copies of 3 fds (-1 stays -1), malloc'd; NULL when out of fds or memory. */
static int *stdio_copy(const int *fds)
{
        int *c = malloc(3 * sizeof *c);
        if (c && fds_copy(fds, c, 3) < 0) {
                free(c);
                c = NULL;
        }
        return c;
}

void bus_stdio_close(int *fds)
{
        if (fds)
                fds_close(fds, 3);
        free(fds);
}

void bus_pending_free(struct bus_pending *p)
{
        if (!p)
                return;
        bus_stdio_close(p->stdio_fds);
        sd_bus_message_unref(p->m);
        sd_bus_unref(p->bus);
        free(p->unit);
        free(p->prop);
        free(p->transient);
        free(p->pids);
        strv_free(p->states);
        strv_free(p->patterns);
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

int bus_thread_startup_finished(struct bus_thread *t, uint64_t when)
{
        return t ? command_push(t, (struct bus_command) { .kind = CMD_STARTUP_FINISHED, .when = when }) : -EINVAL;
}

int bus_thread_unit_changed(struct bus_thread *t, const char *unit, const char *active, const char *sub,
                            uint32_t job)
{
        char *n;
        int r;

        if (!t || !atomic_load(&t->want_changes))
                return 0;
        n = strdup(unit);
        if (!n)
                return -ENOMEM;
        r = command_push(t, (struct bus_command) {
                .kind = CMD_UNIT_CHANGED, .name = n, .active = active, .sub = sub, .job = job });
        if (r < 0)
                free(n);
        return r;
}

int bus_thread_reply(struct bus_thread *t, uint64_t id, const struct control_reply *reply)
{
        struct bus_answer *a = calloc(1, sizeof *a);
        int r = -ENOMEM;

        if (!a)
                return -ENOMEM;
        a->id = id;
        a->interim = reply->interim;
        a->code = reply->code;
        if (reply->error && !(a->error = strdup(reply->error)))
                goto fail;
        for (size_t u = 0; u < reply->n_units; u++) {
                const struct control_unit *cu = &reply->units[u];
                for (size_t i = 0; i < cu->n; i++)
                        if (bus_served_key(cu->keys[i]) &&
                            (strv_extend(&a->kv, cu->keys[i]) < 0 || strv_extend(&a->kv, cu->values[i]) < 0))
                                goto fail;
        }
        r = command_push(t, (struct bus_command) { .kind = CMD_ANSWER, .answer = a });
        if (r == 0)
                return 0;
fail:
        bus_answer_free(a);
        return r;
}

/* ---- asking the scheduler ---- */

static void post(struct bus_thread *t, const struct event *ev)
{
        int r = event_queue_push(t->queue, ev);
        if (r < 0)
                log_error_errno(r, "bus: unable to queue event %d: %s", (int) ev->type, strerror(-r));
}

int bus_ask(struct bus_thread *t, sd_bus *bus, const struct bus_question *bq)
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
        p->call = bq->call;
        p->job = bq->job;
        p->job_verb = bq->job_verb;
        p->add_ref = bq->add_ref;
        p->props[0] = bq->props[0];
        p->props[1] = bq->props[1];
        if ((bq->unit && !(p->unit = strdup(bq->unit))) || (bq->prop && !(p->prop = strdup(bq->prop))) ||
            (bq->states && !(p->states = strv_copy(bq->states))) ||
            (bq->patterns && !(p->patterns = strv_copy(bq->patterns))) ||
            (bq->transient && !(p->transient = strdup(bq->transient))))
                goto fail;
        q->version = CONTROL_PROTOCOL_VERSION;
        q->no_block = bq->no_block;
        q->announce_job = bq->call == CALL_JOB;
        q->signal = bq->signal;
        if (bq->kill_whom && *bq->kill_whom && !(q->kill_whom = strdup(bq->kill_whom)))
                goto fail;
        q->all = bq->all;
        if (!(q->verb = strdup(bq->verb)) || (bq->unit && strv_extend(&q->units, bq->unit) < 0) ||
            (bq->args && !(q->units = strv_copy(bq->args))))
                goto fail;
        if (bq->properties && !(q->properties = strv_copy(bq->properties)))
                goto fail;
        if (bq->stdio_fds && !(*(bq->call == CALL_TRANSIENT ? &p->stdio_fds : &q->stdio_fds) = stdio_copy(bq->stdio_fds)))
                goto fail;
        if (bq->n_pids && bq->call == CALL_TRANSIENT) {
                if (!(p->pids = calloc(bq->n_pids, sizeof *p->pids)))
                        goto fail;
                memcpy(p->pids, bq->pids, bq->n_pids * sizeof *p->pids);
                p->n_pids = bq->n_pids;
        } else if (bq->n_pids) {
                if (!(q->pids = calloc(bq->n_pids, sizeof *q->pids)))
                        goto fail;
                for (size_t i = 0; i < bq->n_pids; i++)
                        q->pids[i] = (pid_t) bq->pids[i];
                q->n_pids = bq->n_pids;
        }
        id = ++t->next_id;
        if (idmap_put(&t->pending, id, p) < 0)
                goto fail;
        p->m = sd_bus_message_ref(bq->m);
        p->bus = sd_bus_ref(bus);

        struct event ev = { .type = EVENT_CONTROL, .stamp_usec = now_usec() };
        ev.control.conn_id = BUS_CONN_FLAG | id;
        ev.control.uid = bq->uid;
        ev.control.request = q;
        r = event_queue_push(t->queue, &ev);
        if (r < 0) {
                idmap_remove(&t->pending, id);
                goto fail;
        }
        return 0;
fail:
        bus_pending_free(p);
        if (q) {
                control_request_done(q);
                free(q);
        }
        return r;
}

void bus_pending_drop(struct bus_thread *t, sd_bus *bus)
{
        struct idmap keep;

        idmap_init(&keep);
        for (size_t i = 0; i < t->pending.n_slots; i++) {
                struct bus_pending *p = t->pending.slots[i].value;
                if (!t->pending.slots[i].key)
                        continue;
                /* Out of memory keeping one: it is dropped, its caller times out. */
                if ((bus && p->bus != bus) && idmap_put(&keep, t->pending.slots[i].key, p) == 0)
                        continue;
                bus_pending_free(p);
        }
        idmap_done(&t->pending);
        t->pending = keep;
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
        if (bus_lib_load() < 0) { /* said once; no bus will ever come */
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

/* ---- the connection ---- */

static void disconnect(struct bus_thread *t, int error)
{
        if (!t->bus)
                return;
        if (error)
                log_info("bus: connection to the system bus lost: %s", strerror(-error));
        /* Calls waiting for the scheduler have no one to answer to now;
         * those from the private bus's connections still have. */
        bus_pending_drop(t, t->bus);
        bus_track_drop_all(t, error != 0);
        t->bus = sd_bus_close_unref(t->bus);
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

        if (bus_lib_load() < 0) {
                t->retry_at = UINT64_MAX; /* no library, no bus: said once, never tried again */
                return;
        }
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
        r = bus_manager_attach(t);
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
                        bus_answer_run(t, cmds[i].answer);
                        break;
                case CMD_STARTUP_FINISHED:
                        bus_emit_startup_finished(t, cmds[i].when);
                        break;
                case CMD_UNIT_CHANGED:
                        bus_track_emit(t, &cmds[i]);
                        free(cmds[i].name);
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
                struct pollfd p[2 + BUS_PRIVATE_NFDS] = { { .fd = t->wake_fd, .events = POLLIN }, { .fd = -1 } };
                int timeout = -1;
                size_t n;

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
                /* The private bus does not wait for the system bus. */
                if (bus_private_process(t))
                        timeout = 0;
                if (t->bus) {
                        int events = sd_bus_get_events(t->bus);
                        p[1].fd = sd_bus_get_fd(t->bus);
                        p[1].events = events > 0 ? (short) events : POLLIN;
                        if (sd_bus_get_timeout(t->bus, &until) < 0)
                                until = UINT64_MAX;
                } else if (t->want_up)
                        until = t->retry_at;
                n = 2 + bus_private_poll_fds(t, p + 2, &until);
                if (timeout < 0 && until != UINT64_MAX) {
                        now = now_usec();
                        timeout = until <= now ? 0 : (int) ((until - now + 999) / 1000);
                        if (until - now > 60ULL * 1000 * 1000)
                                timeout = 60 * 1000;
                }
                if (poll(p, n, timeout) < 0 && errno != EINTR)
                        log_error_errno(errno, "bus: poll: %s", strerror(errno));
        }
        disconnect(t, 0);
        bus_private_close(t, t->cfg.private_path);
        bus_pending_drop(t, NULL);
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
        t->cfg.address = t->cfg.private_path = NULL;
        t->private_fd = -1;
        if ((c->address && !(t->cfg.address = strdup(c->address))) ||
            (c->private_path && !(t->cfg.private_path = strdup(c->private_path)))) {
                free((char *) t->cfg.address);
                free(t);
                return -ENOMEM;
        }
        idmap_init(&t->pending);
        t->rl_refused = (struct log_ratelimit) LOG_RATELIMIT_INIT(BUS_LOG_INTERVAL_USEC, BUS_LOG_BURST);
        t->rl_names = (struct log_ratelimit) LOG_RATELIMIT_INIT(BUS_LOG_INTERVAL_USEC, BUS_LOG_BURST);
        t->rl_peers = (struct log_ratelimit) LOG_RATELIMIT_INIT(BUS_LOG_INTERVAL_USEC, BUS_LOG_BURST);
        /* Before dbus-daemon, and whatever becomes of the system bus:
         * systemd's tools ask here first. A socket that cannot be made
         * costs only that (they fall back to the system bus). */
        if (t->cfg.private_path) {
                r = bus_private_listen(t, t->cfg.private_path);
                if (r < 0)
                        log_warning("bus: no private bus at %s: %s", t->cfg.private_path, strerror(-r));
        }
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
        bus_private_close(t, t->cfg.private_path);
        pthread_mutex_destroy(&t->lock);
        free((char *) t->cfg.address);
        free((char *) t->cfg.private_path);
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
                bus_answer_free(t->cmds[i].answer);
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
        free((char *) t->cfg.private_path);
        free(t);
}
