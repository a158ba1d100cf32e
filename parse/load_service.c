/* Loading service units (systemd.service(5)): the configuration's
 * defaults, what it owns, and the finish: Type= by default, implied
 * NotifyAccess=, the refusals of systemd's service_verify, and the
 * implicit and default dependencies of service_add_extras. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/strv.h"
#include "parse/load_internal.h"

const struct service_exit_status service_exit_status_empty;
const struct service_extra service_extra_defaults;

struct service_extra *service_config_extra(struct service_config *s)
{
        if (!s->extra)
                s->extra = calloc(1, sizeof *s->extra);
        return s->extra;
}

static int service_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct service_config *s = malloc(sizeof *s);
        if (!s)
                return -ENOMEM;
        *s = (struct service_config) {
                .restart_usec = 100 * USEC_PER_MSEC,
                .timeout_start_usec = timeout_start_usec,
                .timeout_stop_usec = timeout_stop_usec,
                .guess_main_pid = true,
        };
        kill_context_init(&s->kill);
        exec_context_init(&s->exec_ctx);
        u->service = s;
        return 0;
}

static void service_free(struct unit *u)
{
        struct service_config *s = u->service;
        exec_command_free_list(s->exec_start);
        for (int i = 0; i < _SERVICE_EXEC_MAX; i++)
                if (i != SERVICE_EXEC_START)
                        exec_command_free_list(service_exec(s, i));
        if (s->extra) {
                free(s->extra->pid_file);
                free(s->extra->bus_name);
                strv_free(s->extra->sockets);
                free(s->extra->exec_more);
                free(s->extra->exit_status);
                free(s->extra);
        }
        exec_context_free(&s->exec_ctx);
}

static bool exec_output_to_journal(enum exec_output o)
{
        return o == EXEC_OUTPUT_JOURNAL || o == EXEC_OUTPUT_JOURNAL_AND_CONSOLE || o == EXEC_OUTPUT_KMSG ||
               o == EXEC_OUTPUT_KMSG_AND_CONSOLE;
}

int load_add_exec_dependencies(struct load_context *ctx, struct unit *u, const struct exec_context *ec)
{
        int r = 0;

        if (!exec_extra(ec)->private_tmp)
                return 0;
        if ((r = load_add_mounts_for(ctx, u, "/tmp")) >= 0 && (r = load_add_mounts_for(ctx, u, "/var/tmp")) >= 0)
                r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "systemd-tmpfiles-setup.service");
        return r;
}

/* systemd's service_add_extras and service_verify. */
static int service_finish(struct load_context *ctx, struct unit *u)
{
        struct service_config *s = u->service;
        struct exec_context *ec = &s->exec_ctx;
        const struct exec_command *start = s->exec_start;
        const struct service_extra *x = service_extra(s);
        int r;

        if (!s->type_set)
                s->type = x->bus_name ? SERVICE_DBUS : start ? SERVICE_SIMPLE : SERVICE_ONESHOT;
        if (s->type == SERVICE_ONESHOT && !s->timeout_start_set)
                s->timeout_start_usec = USEC_INFINITY;
        if (s->notify_access == NOTIFY_NONE && !s->notify_access_set &&
            (s->type == SERVICE_NOTIFY || x->watchdog_usec > 0 || x->fd_store_max > 0))
                s->notify_access = NOTIFY_MAIN;
        /* stdout follows a tty or socket stdin; otherwise it goes to the log. */
        if (ec->std_output == EXEC_OUTPUT_INHERIT && ec->std_input == EXEC_INPUT_NULL)
                ec->std_output = EXEC_OUTPUT_JOURNAL;

        if (!start && !service_exec(s, SERVICE_EXEC_STOP) && unit_extra(u)->success_action == EMERGENCY_ACTION_NONE)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                            "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        if (s->type != SERVICE_ONESHOT && !start)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                            "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        if (!s->remain_after_exit && !start && unit_extra(u)->success_action == EMERGENCY_ACTION_NONE)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                            "Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.");
        if (s->type != SERVICE_ONESHOT && start && start->next)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                            "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        if (s->type == SERVICE_ONESHOT &&
            (s->restart == SERVICE_RESTART_ALWAYS || s->restart == SERVICE_RESTART_ON_SUCCESS))
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                            "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.");
        if (s->type == SERVICE_DBUS && !x->bus_name)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                            "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.");

        STRV_FOREACH(name, x->sockets) {
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_WANTS, UNIT_AFTER, *name);
                if (r < 0)
                        return r;
        }
        if (s->type == SERVICE_DBUS) {
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_REQUIRES, UNIT_AFTER, "dbus.socket");
                if (r < 0)
                        return r;
        }
        /* systemd's unit_add_exec_dependencies(): output for the journal
         * waits for journald's socket, so an early service's lines reach
         * journald instead of weft's log file (workers/exec_journal.c). */
        if (exec_output_to_journal(ec->std_output) || exec_output_to_journal(ec->std_error)) {
                r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "systemd-journald.socket");
                if (r < 0)
                        return r;
        }
        r = load_add_exec_dependencies(ctx, u, ec);
        if (r < 0)
                return r;
        if (!u->default_dependencies)
                return 0;
        r = load_add_two_dependencies_by_name(ctx, u, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target");
        if (r >= 0)
                r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "basic.target");
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
        return r;
}

static uint64_t service_timeout_stop_usec(const struct unit *u)
{
        return u->service->timeout_stop_usec;
}

const struct unit_load_ops service_load_ops = {
        .section = "Service",
        .alloc = service_alloc,
        .free = service_free,
        .finish = service_finish,
        .runs_processes = true,
        .exec_context_offset = offsetof(struct service_config, exec_ctx),
        .kill_context_offset = offsetof(struct service_config, kill),
        .timeout_stop_usec = service_timeout_stop_usec,
};
