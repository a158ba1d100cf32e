/* Service units (systemd.service(5)): the row of the type table. The
 * state machine is in service_events.c (the table of events and actions),
 * service.c (start, reload) and service_stop.c (stop, kill, Restart=);
 * this file says which sub-states a
 * service has, what a start, stop or reload job does to it, what it lets go
 * of when it goes down, and what status shows of it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/control.h"
#include "base/log.h"
#include "core/service_internal.h"
#include "core/unit_type.h"
#include "workers/exec_credentials.h"
#include "workers/exec_dirs.h"
#include "workers/exec_sandbox.h"

static void service_start_job(struct sched *s, struct unit *u)
{
        service_event(s, u, SEV_START_JOB, NULL);
}

static void service_stop_job(struct sched *s, struct unit *u)
{
        service_event(s, u, SEV_STOP_JOB, NULL);
}

static bool service_can_reload(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        return rt->active == UNIT_ACTIVE && (rt->sub == SUB_RUNNING || rt->sub == SUB_EXITED) &&
               service_exec(cfg(u), SERVICE_EXEC_RELOAD);
}

/* Stored fds live until the service is down for good; the sockets that
 * trigger it listen again. RuntimeDirectory= goes (RuntimeDirectoryPreserve=);
 * a start job waiting, or the stop half of a restart, means the unit
 * starts again, as systemd's unit_will_restart. */
static void service_went_down(struct sched *s, struct unit *u)
{
        const struct job *j = u->rt->job;
        bool restarting = j && (j->type == JOB_START || (j->type == JOB_STOP && j->restart));
        socket_service_down(s, u);
        if (!u->rt->job || u->rt->job->type != JOB_START)
                fdstore_close_all(u->rt);
        exec_dirs_remove_runtime(u->id, &cfg(u)->exec_ctx, restarting);
        exec_credentials_remove(u->id, &cfg(u)->exec_ctx);
        exec_sandbox_remove_tmp(u->id, &cfg(u)->exec_ctx);
        if (u->rt->notify)
                u->rt->notify->watchdog_when = 0;
}

/* Notify state only for a service whose config can use it: a process may
 * notify (NotifyAccess=, which Type=notify, WatchdogSec= and
 * FileDescriptorStoreMax= imply), WatchdogSec= arms the watchdog at start,
 * or BusName= is watched. Here, at adoption, because starting a unit
 * allocates nothing; a daemon-reload adopts every unit again, so a config
 * that gains one of these gets it then. */
static int service_adopt(struct sched *s, struct unit *u)
{
        const struct service_config *c = u->service;
        if (u->rt->notify || !c)
                return 0;
        const struct service_extra *x = service_extra(c);
        if (c->notify_access == NOTIFY_NONE && !x->watchdog_usec && !x->bus_name && c->type != SERVICE_DBUS)
                return 0;
        u->rt->notify = calloc(1, sizeof *u->rt->notify);
        return u->rt->notify ? 0 : -ENOMEM;
}

static int service_show(struct sched *s, struct unit *u, struct control_unit *cu)
{
        struct unit_runtime *rt = u->rt;
        const struct notify_runtime *nt = rt->notify;
        const struct service_config *c = cfg(u);
        char path[4096];
        int r = control_unit_add(cu, "Type", service_type_to_string(c->type));
        r = r < 0 ? r : control_unit_add(cu, "Restart", service_restart_to_string(c->restart));
        r = r < 0 ? r : control_add_num(cu, "MainPID", rt->main_pid > 0 ? rt->main_pid : 0);
        r = r < 0 ? r : control_add_num(cu, "ControlPID", rt->control_pid > 0 ? rt->control_pid : 0);
        r = r < 0 ? r : control_unit_add(cu, "StatusText", nt && nt->status_text ? nt->status_text : "");
        r = r < 0 ? r : control_add_num(cu, "StatusErrno", nt ? nt->status_errno : 0);
        r = r < 0 ? r : control_add_num(cu, "NRestarts", rt->n_restarts);
        r = r < 0 ? r : control_add_num(cu, "NFileDescriptorStore", nt ? nt->n_fdstore : 0);
        r = r < 0 ? r : control_add_num(cu, "ExecMainCode", rt->main_exit_code);
        r = r < 0 ? r : control_add_num(cu, "ExecMainStatus", rt->main_exit_status);
        if (service_extra(c)->bus_name) {
                r = r < 0 ? r : control_unit_add(cu, "BusName", service_extra(c)->bus_name);
                r = r < 0 ? r : control_unit_add(cu, "BusNameOwned", nt && nt->bus_name_good ? "yes" : "no");
                r = r < 0 ? r : control_add_num(cu, "BusNameTimestampMonotonic", nt ? nt->t_bus_name : 0);
        }
        snprintf(path, sizeof path, "%s/%s.log", s->config.log_dir ? s->config.log_dir : "", u->id);
        return r < 0 ? r : control_unit_add(cu, "LogPath", path);
}

/* systemd's table: the main process gets the socket unless
 * NotifyAccess=none, a control process only with exec or all: a process
 * whose messages would be refused is not told where to send them. */
static bool service_wants_notify_socket(const struct unit *u, bool control)
{
        enum notify_access a = u->service->notify_access;
        return control ? a == NOTIFY_EXEC || a == NOTIFY_ALL : a != NOTIFY_NONE;
}

static const char *service_record_kind(const struct unit *u)
{
        return u->service ? service_type_to_string(u->service->type) : NULL;
}

const struct unit_type_ops service_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_START_PRE] = SUB_IS(UNIT_ACTIVATING),
                [SUB_START] = SUB_IS(UNIT_ACTIVATING),
                [SUB_START_POST] = SUB_IS(UNIT_ACTIVATING),
                [SUB_RUNNING] = SUB_IS(UNIT_ACTIVE),
                [SUB_EXITED] = SUB_IS(UNIT_ACTIVE),
                [SUB_RELOAD] = SUB_IS(UNIT_RELOADING),
                [SUB_STOP] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_STOP_SIGTERM] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_STOP_SIGKILL] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_STOP_POST] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_FINAL_SIGTERM] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_FINAL_SIGKILL] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
                [SUB_AUTO_RESTART] = SUB_IS(UNIT_ACTIVATING),
        },
        .start_spawns = true,
        .adopt = service_adopt,
        .start = service_start_job,
        .stop = service_stop_job,
        .reload = service_reload,
        .can_reload = service_can_reload,
        .spawned = service_spawned,
        .exited = service_exited,
        .timer = service_timer,
        .watchdog = service_watchdog,
        .group_gone = service_group_gone,
        .kill_remaining = service_kill_remaining,
        .notify = notify_apply,
        .went_down = service_went_down,
        .show = service_show,
        .wants_notify_socket = service_wants_notify_socket,
        .record_kind = service_record_kind,
};
