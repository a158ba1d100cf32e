/* Loading socket units (systemd.socket(5)): the configuration's
 * defaults, what it owns, and the finish: the refusals of systemd's
 * socket_verify and the service it triggers, with the default
 * dependencies of socket_add_extras. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "parse/load_internal.h"

static int socket_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct socket_config *s = malloc(sizeof *s);
        if (!s)
                return -ENOMEM;
        *s = (struct socket_config) {
                .max_connections = 64,
                .socket_mode = 0666,
                .directory_mode = 0755,
                .backlog = 4294967295u,
                .trigger_limit_interval_usec = USEC_INFINITY,
                .timeout_usec = timeout_start_usec,
        };
        kill_context_init(&s->kill);
        exec_context_init(&s->exec_ctx);
        u->socket = s;
        return 0;
}

static void socket_free(struct unit *u)
{
        struct socket_config *s = u->socket;
        listen_spec_free_list(s->listen);
        free(s->service);
        free(s->fd_name);
        free(s->socket_user);
        free(s->socket_group);
        strv_free(s->symlinks);
        for (int i = 0; i < _SOCKET_EXEC_MAX; i++)
                exec_command_free_list(s->exec[i]);
        exec_context_free(&s->exec_ctx);
}

/* The service a socket activates: Service=, else the socket's own name with
 * .service (a template for Accept=yes). */
static int socket_service_name(const struct unit *u, char **ret)
{
        const struct socket_config *s = u->socket;
        if (s->service)
                return (*ret = strdup(s->service)) ? 0 : -ENOMEM;
        size_t n = strlen(u->id) - strlen(".socket");
        char *name = malloc(n + sizeof(".service") + 1);
        if (!name)
                return -ENOMEM;
        if (s->accept && !u->instance) {
                /* foo.socket with Accept=yes spawns foo@.service instances. */
                memcpy(name, u->id, n);
                strcpy(name + n, "@.service");
        } else {
                memcpy(name, u->id, n);
                strcpy(name + n, ".service");
        }
        *ret = name;
        return 0;
}

static bool listen_accepts(const struct listen_spec *l)
{
        return l->kind == LISTEN_STREAM || l->kind == LISTEN_SEQPACKET;
}

/* systemd's socket_add_extras and socket_verify. */
static int socket_finish(struct load_context *ctx, struct unit *u)
{
        struct socket_config *s = u->socket;
        int r;

        if (!s->listen)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                            "Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.");
        if (s->accept) {
                for (const struct listen_spec *l = s->listen; l; l = l->next)
                        if (!listen_accepts(l))
                                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                            "Unit configured for accepting sockets, but sockets are non-accepting. Refusing.");
                if (s->max_connections == 0)
                        return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                    "MaxConnection= setting too small. Refusing.");
                if (s->service)
                        return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                    "Explicit service configuration for accepting socket units not supported. Refusing.");
        }
        if (s->symlinks) {
                unsigned nodes = 0;
                for (const struct listen_spec *l = s->listen; l; l = l->next)
                        if (l->path)
                                nodes++;
                if (nodes != 1)
                        return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                    "Unit has symlinks set but none or more than one node in the file system. Refusing.");
        }
        if (s->service && unit_name_to_type(s->service) != UNIT_SERVICE)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "Service= must name a .service unit: %s",
                            s->service);

        if (!s->accept) {
                char *name;
                r = socket_service_name(u, &name);
                if (r < 0)
                        return r;
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_BEFORE, UNIT_TRIGGERS, name);
                free(name);
                if (r < 0)
                        return r;
        }
        r = load_add_exec_dependencies(ctx, u, &s->exec_ctx);
        if (r < 0)
                return r;
        if (!u->default_dependencies)
                return 0;
        r = load_add_dependency_by_name(ctx, u, UNIT_BEFORE, "sockets.target");
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target");
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
        return r;
}

const struct unit_load_ops socket_load_ops = {
        .section = "Socket",
        .alloc = socket_alloc,
        .free = socket_free,
        .finish = socket_finish,
        .runs_processes = true,
        .exec_context_offset = offsetof(struct socket_config, exec_ctx),
        .kill_context_offset = offsetof(struct socket_config, kill),
};
