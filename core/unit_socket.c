/* Socket units (systemd.socket(5)) on the scheduler thread: listen when
 * the unit starts, let the io thread watch the fds while the service is not
 * running, start the service on the first connection or datagram (or, with
 * Accept=yes, one instance per connection), and hand the fds over as
 * LISTEN_FDS in configuration order with their names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/sched_internal.h"
#include "base/strv.h"
#include "core/control.h"
#include "core/unit_type.h"
#include "parse/load.h"

static void arm(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        if (!s->ops->watch)
                return;
        for (unsigned i = 0; i < rt->sock->fds.n; i++)
                if (s->ops->watch(s->userdata, rt->sock->fds.fds[i], rt->index) < 0)
                        log_error("%s: cannot watch its socket", u->id);
}

static struct unit *triggered_service(const struct unit *u)
{
        size_t it = 0;
        return sched_next_dep(u, UNIT_TRIGGERS, &it);
}

static void socket_start(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        int r = socket_open_all(u, &rt->sock->fds);
        if (r < 0) {
                rt->result = RESULT_RESOURCES;
                unit_set_sub(s, u, SUB_FAILED);
                return;
        }
        rt->result = RESULT_SUCCESS;
        rt->sock->trigger_begin = 0;
        rt->sock->trigger_count = 0;
        unit_set_sub(s, u, SUB_LISTENING);
        struct unit *service = triggered_service(u);
        if (u->socket->accept || !service || unit_state_is_down(service->rt->active))
                arm(s, u);
}

/* Stop watching and close every fd: from here connections are refused. */
static void close_fds(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        for (unsigned i = 0; s->ops->unwatch && i < rt->sock->fds.n; i++)
                s->ops->unwatch(s->userdata, rt->sock->fds.fds[i]);
        socket_close_all(u, &rt->sock->fds);
}

static void socket_stop(struct sched *s, struct unit *u)
{
        close_fds(s, u);
        unit_set_sub(s, u, SUB_DEAD);
}

/* The socket gives up (systemd's socket_enter_stop_pre with a failure
 * result): it closes its fds and stays failed until started again. */
static void socket_enter_failed(struct sched *s, struct unit *u, enum unit_result f)
{
        close_fds(s, u);
        u->rt->result = f;
        unit_set_sub(s, u, SUB_FAILED);
}

/* TriggerLimitIntervalSec=/TriggerLimitBurst=: is one more trigger
 * allowed? Defaults per systemd.socket(5): 2 s, and a burst of 20, or 200
 * with Accept=yes; an interval of 0 turns the limit off. */
static bool trigger_allowed(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        const struct socket_config *c = u->socket;
        uint64_t interval = c->trigger_limit_interval_usec == USEC_INFINITY ? 2 * USEC_PER_SEC
                                                                            : c->trigger_limit_interval_usec;
        unsigned burst = c->trigger_limit_burst ? c->trigger_limit_burst : c->accept ? 200 : 20;

        if (interval == 0)
                return true;
        if (!rt->sock->trigger_begin || s->now - rt->sock->trigger_begin > interval) {
                rt->sock->trigger_begin = s->now;
                rt->sock->trigger_count = 0;
        }
        return ++rt->sock->trigger_count <= burst;
}

void socket_service_down(struct sched *s, struct unit *service)
{
        bool limit_hit = service->rt->result == RESULT_START_LIMIT_HIT;
        size_t it = 0;
        struct unit *sk;
        while ((sk = sched_next_dep(service, UNIT_TRIGGERED_BY, &it))) {
                if (!sk->rt || sk->rt->active != UNIT_ACTIVE || s->shutting_down || sk->type != UNIT_SOCKET)
                        continue;
                /* Accept=yes starts a fresh instance per connection: one
                 * instance's start limit says nothing about the next. */
                if (limit_hit && !sk->socket->accept) {
                        log_warning("%s: %s hit its start limit; refusing further connections.", sk->id,
                                    service->id);
                        socket_enter_failed(s, sk, RESULT_SERVICE_START_LIMIT_HIT);
                } else
                        arm(s, sk);
        }
        struct unit_runtime *rt = service->rt;
        if (rt->conn) {
                struct unit *sock = rt->conn->socket;
                if (sock && sock->rt && sock->rt->sock && sock->rt->sock->n_connections > 0)
                        sock->rt->sock->n_connections--;
                unit_conn_close(rt);
        }
}

/* Accept=yes: one instance of the template service per connection. */
static void accept_one(struct sched *s, struct unit *u, int fd)
{
        struct unit_runtime *rt = u->rt;
        char addr[64] = "", port[8] = "", name[UNIT_NAME_MAX + 1];
        struct unit *svc = NULL;
        bool nothing;
        int conn = socket_accept(fd, addr, sizeof addr, port, sizeof port);

        if (conn < 0) {
                if (conn != -EAGAIN)
                        log_warning("%s: accept failed: %s", u->id, strerror(-conn));
                return;
        }
        if (rt->sock->n_connections >= u->socket->max_connections) {
                log_warning("%s: Too many incoming connections (%u), dropping connection.", u->id,
                            rt->sock->n_connections);
                close(conn);
                return;
        }
        /* An instance whose connection ended is reused, so the unit table
         * grows with the peak number of connections, not their total. */
        size_t prefix = strlen(u->id) - strlen(".socket");
        for (unsigned i = 0; i < rt->sock->n_instances && !svc; i++) {
                snprintf(name, sizeof name, "%.*s@%u.service", (int) prefix, u->id, i);
                struct unit *c = unit_table_get(s->units, name);
                if (c && c->rt && !c->rt->conn && !c->rt->job && !c->rt->timer_when &&
                    c->rt->main_pid <= 0 && c->rt->control_pid <= 0 && !c->rt->main_request &&
                    !c->rt->control_request &&
                    unit_state_is_down(c->rt->active))
                        svc = c;
        }
        if (svc) {
                /* A new connection is a new instance: nothing of the last one
                 * (start limit, result, stamps) carries over. It may have
                 * been collected: what it references comes back with it. */
                sched_gc_revive(s, svc);
                struct unit_runtime *old = svc->rt;
                struct notify_runtime *nt = old->notify;
                if (nt) {
                        free(nt->status_text);
                        fdstore_close_all(old);
                        *nt = (struct notify_runtime) { 0 };
                }
                *old = (struct unit_runtime) { .notify = nt,
                                               .index = old->index, .extra_edges = old->extra_edges };
        }
        if (!svc)
                snprintf(name, sizeof name, "%.*s@%u.service", (int) prefix, u->id, rt->sock->n_instances++);
        rt->sock->n_accepted++;
        if (!svc && (!s->config.load || unit_table_intern(s->units, name, &svc) < 0 ||
                     unit_load_all(s->config.load) < 0 || sched_adopt_units(s) < 0)) {
                log_error("%s: cannot load %s for a connection", u->id, name);
                close(conn);
                return;
        }
        struct unit_conn *c = malloc(sizeof *c);
        if (!c) {
                log_error("%s: cannot take a connection for %s: out of memory", u->id, svc->id);
                close(conn);
                return;
        }
        *c = (struct unit_conn) { .fd = conn, .socket = u };
        snprintf(c->remote_addr, sizeof c->remote_addr, "%s", addr);
        snprintf(c->remote_port, sizeof c->remote_port, "%s", port);
        svc->rt->conn = c;
        rt->sock->n_connections++;
        log_debug("%s: connection from %s:%s -> %s", u->id, addr, port, svc->id);
        if (transaction_start(s, svc, &nothing) < 0)
                socket_service_down(s, svc);
}

static void socket_fd_ready(struct sched *s, struct unit *u, int fd)
{
        struct unit_runtime *rt = u->rt;
        bool ours = false, nothing;

        for (unsigned i = 0; i < rt->sock->fds.n; i++)
                ours |= rt->sock->fds.fds[i] == fd;
        if (rt->active != UNIT_ACTIVE || !ours)
                return; /* stale: the socket stopped since the io thread saw it */
        if (!trigger_allowed(s, u)) {
                log_warning("%s: Trigger limit hit, refusing further activation.", u->id);
                socket_enter_failed(s, u, RESULT_TRIGGER_LIMIT_HIT);
                return;
        }
        if (u->socket->accept) {
                accept_one(s, u, fd);
                if (s->ops->watch)
                        s->ops->watch(s->userdata, fd, rt->index);
                return;
        }
        struct unit *service = triggered_service(u);
        if (!service || service->load_state != UNIT_LOADED) {
                log_error("%s: incoming traffic, but its service is %s", u->id,
                          service ? unit_load_state_to_string(service->load_state) : "missing");
                return;
        }
        if (unit_state_is_down(service->rt->active) && !service->rt->job) {
                log_info("%s: incoming traffic, starting %s", u->id, service->id);
                transaction_start(s, service, &nothing);
        }
        /* systemd's socket_enter_running: the service has (or will
         * have) the fds. */
        if (rt->sub == SUB_LISTENING && rt->active == UNIT_ACTIVE && service->rt->job)
                unit_set_sub(s, u, SUB_RUNNING);
        /* The fds are watched again when the service goes down. */
}

static int append_fd(int **fds, unsigned *n, char ***names, int fd, const char *name)
{
        int *f = realloc(*fds, (*n + 1) * sizeof *f);
        if (!f)
                return -ENOMEM;
        *fds = f;
        f[(*n)++] = fd;
        return strv_extend(names, name);
}

int socket_collect_fds(struct sched *s, struct unit *service, bool with_connection, int **ret_fds, unsigned *ret_n,
                       unsigned *ret_n_sockets, char **ret_names)
{
        struct unit_runtime *rt = service->rt;
        int *fds = NULL;
        unsigned n = 0;
        char **names = NULL;
        int r = 0;
        size_t it = 0;
        struct unit *sk;

        if (rt->conn && with_connection)
                r = append_fd(&fds, &n, &names, rt->conn->fd, "connection");
        while (r >= 0 && (sk = sched_next_dep(service, UNIT_TRIGGERED_BY, &it))) {
                if (!sk->rt || sk->rt->active != UNIT_ACTIVE || sk->type != UNIT_SOCKET)
                        continue;
                const char *name = sk->socket->fd_name ? sk->socket->fd_name : sk->id;
                for (unsigned i = 0; r >= 0 && i < sk->rt->sock->fds.n; i++)
                        r = append_fd(&fds, &n, &names, sk->rt->sock->fds.fds[i], name);
        }
        unsigned n_sockets = n;
        for (unsigned i = 0; r >= 0 && rt->notify && i < rt->notify->n_fdstore; i++)
                r = append_fd(&fds, &n, &names, rt->notify->fdstore[i].fd, rt->notify->fdstore[i].name);
        /* Most services get no fds: then nothing is allocated. */
        char *joined = r >= 0 && n ? strv_join(names, ":") : NULL;
        strv_free(names);
        if (r < 0 || (n && !joined)) {
                free(fds);
                free(joined);
                return -ENOMEM;
        }
        *ret_fds = fds;
        *ret_n = n;
        *ret_n_sockets = n_sockets;
        *ret_names = joined;
        return 0;
}

/* After a daemon-reload the io thread's cookies name the new table. */
static void socket_rewatch(struct sched *s, struct unit *u)
{
        if (u->rt->active == UNIT_ACTIVE)
                arm(s, u);
}

/* systemd's socket_trigger_notify: an Accept=no socket whose service runs
 * is "running" (the service has the fds), and "listening" again once the
 * service is down for good (dead, failed, final kill, or waiting to
 * restart); nothing changes while the service has a job queued. Only the
 * sub-state: both are active, and the fds are watched as before. */
static void socket_trigger_notify(struct sched *s, struct unit *u, struct unit *other)
{
        struct unit_runtime *rt = u->rt;
        enum sub_state os;

        if ((rt->sub != SUB_LISTENING && rt->sub != SUB_RUNNING) || u->socket->accept ||
            other->type != UNIT_SERVICE || !other->rt || other->rt->job)
                return;
        os = other->rt->sub;
        if (os == SUB_RUNNING && rt->sub == SUB_LISTENING)
                unit_set_sub(s, u, SUB_RUNNING);
        else if (rt->sub == SUB_RUNNING && (os == SUB_DEAD || os == SUB_FAILED || os == SUB_FINAL_SIGTERM ||
                                            os == SUB_FINAL_SIGKILL || os == SUB_AUTO_RESTART))
                unit_set_sub(s, u, SUB_LISTENING);
}

/* Listen= once per address, as systemctl show prints it ("ADDRESS
 * (Stream)"; the bus makes its a(ss) of them), and the counters. */
static int socket_show(struct sched *s, struct unit *u, struct control_unit *cu)
{
        int r = 0;
        for (const struct listen_spec *l = u->socket->listen; r >= 0 && l; l = l->next) {
                char *listen = listen_spec_format_show(l);
                r = listen ? control_unit_add(cu, "Listen", listen) : -ENOMEM;
                free(listen);
        }
        r = r < 0 ? r : control_unit_add(cu, "Accept", u->socket->accept ? "yes" : "no");
        r = r < 0 ? r : control_add_num(cu, "NAccepted", u->rt->sock->n_accepted);
        return r < 0 ? r : control_add_num(cu, "NConnections", u->rt->sock->n_connections);
}

/* The listening fds and Accept=yes counters, allocated when the scheduler
 * takes the unit over (also for a runtime a daemon-reload carried over from
 * a stub of the same name), never at start. */
static int socket_adopt(struct sched *s, struct unit *u)
{
        if (!u->rt->sock && !(u->rt->sock = calloc(1, sizeof *u->rt->sock)))
                return -ENOMEM;
        return 0;
}

/* Not while it listens or an Accept=yes instance holds a connection. */
static bool socket_may_gc(struct sched *s, struct unit *u)
{
        const struct socket_runtime *k = u->rt->sock;
        return !k || (k->fds.n == 0 && k->n_connections == 0);
}

/* A fresh socket, but for n_instances: the instances it made keep their
 * names (foo@0.service...), which accept_one reuses. */
static void socket_collected(struct sched *s, struct unit *u)
{
        struct socket_runtime *k = u->rt->sock;
        if (k)
                *k = (struct socket_runtime) { .fds = k->fds, .n_instances = k->n_instances };
}

const struct unit_type_ops socket_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_LISTENING] = SUB_IS(UNIT_ACTIVE),
                [SUB_RUNNING] = SUB_IS(UNIT_ACTIVE),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .adopt = socket_adopt,
        .may_gc = socket_may_gc,
        .collected = socket_collected,
        .start = socket_start,
        .stop = socket_stop,
        .fd_ready = socket_fd_ready,
        .rewatch = socket_rewatch,
        .trigger_notify = socket_trigger_notify,
        .show = socket_show,
};
