/* The control verbs, answered on the scheduler thread; see control.h.
 * The job verbs (start, stop..., list-jobs, cancel) are core/control_jobs.c. */
#include "core/control.h"
#include "core/control_internal.h"

#include <limits.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "core/log_control.h"
#include "core/sched_internal.h"
#include "base/strv.h"
#include "core/unit_type.h"
#include "parse/load.h"
#include "sockets/notify.h"

void control_send_reply(struct sched *s, uint64_t conn_id, struct control_reply *r)
{
        r->version = CONTROL_PROTOCOL_VERSION;
        if (s->ops->control_reply)
                s->ops->control_reply(s->userdata, conn_id, r);
        control_reply_done(r);
}

void control_fail(struct control_reply *r, int code, const char *fmt, const char *arg)
{
        char buf[512];
        snprintf(buf, sizeof buf, fmt, arg);
        r->code = code;
        if (!r->error)
                r->error = strdup(buf);
}

int control_add_num(struct control_unit *cu, const char *key, unsigned long long v)
{
        char buf[32];
        snprintf(buf, sizeof buf, "%llu", v);
        return control_unit_add(cu, key, buf);
}

static char *deps_joined(const struct unit *u, enum unit_dependency kind)
{
        char **l = NULL;
        size_t it = 0;
        struct unit *o;
        while ((o = sched_next_dep(u, kind, &it)))
                if (!unit_collected(o)) /* gone, as far as anyone can see */
                        strv_extend(&l, o->id);
        char *j = strv_join(l, " ");
        strv_free(l);
        return j;
}

/* Properties of one unit: config identity plus everything live. */
static int describe_unit(struct sched *s, const struct unit *u, struct control_unit *cu, bool full)
{
        cu->static_keys = true; /* every key below is a literal */
        const struct unit_runtime *rt = u->rt;
        int r = control_unit_add(cu, "Id", u->id);
        r = r < 0 ? r : control_unit_add(cu, "Description", u->description ? u->description : u->id);
        r = r < 0 ? r : control_unit_add(cu, "LoadState", unit_load_state_to_string(u->load_state));
        r = r < 0 ? r : control_unit_add(cu, "ActiveState", unit_active_state_to_string(rt->active));
        r = r < 0 ? r : control_unit_add(cu, "SubState", sub_state_to_string(rt->sub));
        if (!full || r < 0)
                return r;
        r = control_add_num(cu, "Job", rt->job ? rt->job->id : 0);
        char invocation[33];
        sched_invocation_id(s, u, invocation);
        r = r < 0 ? r : control_unit_add(cu, "InvocationID", invocation);
        char *names = strv_join(u->names, " "), *dropins = strv_join(u->dropin_paths, " ");
        /* URIs: never a space in them (systemd checks Documentation= so). */
        char *docs = strv_join(unit_extra(u)->documentation, " ");
        char *triggers = deps_joined(u, UNIT_TRIGGERS), *triggered = deps_joined(u, UNIT_TRIGGERED_BY);
        r = r < 0 ? r : control_unit_add(cu, "Names", names && *names ? names : u->id);
        char fragment[PATH_MAX];
        const char *fp = unit_fragment_path(u, fragment, sizeof fragment);
        r = r < 0 ? r : control_unit_add(cu, "FragmentPath", fp ? fp : "");
        r = r < 0 ? r : control_unit_add(cu, "DropInPaths", dropins ? dropins : "");
        r = r < 0 ? r : control_unit_add(cu, "Documentation", docs ? docs : "");
        r = r < 0 ? r : control_unit_add(cu, "Triggers", triggers ? triggers : "");
        r = r < 0 ? r : control_unit_add(cu, "TriggeredBy", triggered ? triggered : "");
        free(names);
        free(dropins);
        free(docs);
        free(triggers);
        free(triggered);
        /* The edges in force, the runtime side table's included (a unit
         * loaded at run time, a mount from the kernel's table). */
        static const struct {
                const char *key;
                enum unit_dependency kind;
        } deps[] = {
                { "Requires", UNIT_REQUIRES },       { "Requisite", UNIT_REQUISITE },
                { "Wants", UNIT_WANTS },             { "BindsTo", UNIT_BINDS_TO },
                { "PartOf", UNIT_PART_OF },          { "RequiredBy", UNIT_REQUIRED_BY },
                { "RequisiteOf", UNIT_REQUISITE_OF }, { "WantedBy", UNIT_WANTED_BY },
                { "BoundBy", UNIT_BOUND_BY },        { "ConsistsOf", UNIT_CONSISTS_OF },
                { "Conflicts", UNIT_CONFLICTS },     { "Before", UNIT_BEFORE },
                { "After", UNIT_AFTER },
        };
        for (size_t i = 0; r >= 0 && i < sizeof deps / sizeof deps[0]; i++) {
                char *j = deps_joined(u, deps[i].kind);
                r = control_unit_add(cu, deps[i].key, j ? j : "");
                free(j);
        }
        r = r < 0 ? r : control_unit_add(cu, "Result", unit_result_to_string(rt->result));
        /* Not systemd properties: the last start job's result, and for
         * "dependency" the unit that did not start (status shows both). */
        r = r < 0 ? r : control_unit_add(cu, "JobResult", rt->start_job_id ? job_result_to_string(rt->start_job_result) : "");
        r = r < 0 ? r : control_unit_add(cu, "FailedDependency", rt->failed_dependency ? rt->failed_dependency->id : "");
        r = r < 0 ? r : control_unit_add(cu, "AllowIsolate", u->allow_isolate ? "yes" : "no");
        r = r < 0 ? r : control_unit_add(cu, "IgnoreOnIsolate", u->ignore_on_isolate ? "yes" : "no");
        r = r < 0 ? r : control_unit_add(cu, "NeedDaemonReload", sched_need_daemon_reload(s, u) ? "yes" : "no");
        if (u->load_state == UNIT_LOADED && unit_ops(u)->show)
                r = r < 0 ? r : unit_ops(u)->show(s, (struct unit *) u, cu);
        r = r < 0 ? r : control_add_num(cu, "InactiveExitTimestampMonotonic", rt->t_activating);
        r = r < 0 ? r : control_add_num(cu, "ActiveEnterTimestampMonotonic", rt->t_active);
        r = r < 0 ? r : control_add_num(cu, "ActiveExitTimestampMonotonic", rt->t_deactivating);
        r = r < 0 ? r : control_add_num(cu, "InactiveEnterTimestampMonotonic", rt->t_inactive);
        r = r < 0 ? r : sched_conditions_describe(s, u, cu);
        return r;
}

/* A unit weft knows; a collected one (core/sched_gc.c) is not known. */
struct unit *control_find(struct sched *s, const char *name)
{
        struct unit *u = unit_table_get(s->units, name);
        return u && u->rt && !u->rt->collected ? u : NULL;
}

/* The unit of a valid name, loaded if weft has not seen it yet. */
static struct unit *find_or_load_valid(struct sched *s, const char *name, int *ret_error)
{
        struct unit *u = unit_table_get(s->units, name);
        /* Named again after it was collected: it comes back fresh (a
         * transient unit only if defined again, with its new file), and
         * goes again after this request if nothing needs it. */
        if (u && unit_collected(u)) {
                int r = sched_transient_redefine(s, u);
                if (r < 0) {
                        *ret_error = r;
                        return NULL;
                }
                sched_gc_revive(s, u);
        }
        u = control_find(s, name);
        /* Not found when weft read it, and there now: loaded now, as
         * systemd retries such a unit without a daemon-reload. */
        if (u && u->load_state == UNIT_NOT_FOUND)
                (void) sched_retry_load(s, u);
        if (u || !s->config.load || !unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                return u;
        /* A unit file added since the unit path was read is found, as
         * systemd's unit cache finds it without a daemon-reload. */
        if (s->config.load->index && unit_path_index_refresh(s->config.load->index) > 0)
                log_info("The unit path changed since it was read: read it again for %s.", name);
        if (unit_table_intern(s->units, name, &u) < 0 || unit_load_all(s->config.load) < 0 ||
            sched_adopt_units(s) < 0)
                return NULL;
        return control_find(s, name);
}

/* The unit a request names, loading it if weft has not seen it yet. */
struct unit *control_find_or_load(struct sched *s, const char *name, int *ret_error)
{
        int ignored;
        if (!ret_error)
                ret_error = &ignored;
        *ret_error = -ENOENT;
        /* As systemctl mangles it: a bare name means a service (`weftctl
         * status main` in a container), /dev/sda its device. */
        char *mangled = NULL;
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) {
                if (unit_name_mangle(name, &mangled) < 0)
                        return NULL;
                name = mangled;
        }
        struct unit *u = find_or_load_valid(s, name, ret_error);
        free(mangled);
        return u;
}

static void verb_list_units(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                const struct unit_runtime *rt = u->rt;
                if (u->load_state == UNIT_MERGED || rt->collected)
                        continue;
                if (q->state && strcmp(q->state, unit_active_state_to_string(rt->active)) != 0 &&
                    strcmp(q->state, sub_state_to_string(rt->sub)) != 0 &&
                    strcmp(q->state, unit_load_state_to_string(u->load_state)) != 0)
                        continue;
                if (!q->all && !q->state && rt->active == UNIT_INACTIVE && !rt->job)
                        continue;
                struct control_unit *cu = control_reply_add_unit(r);
                if (!cu) {
                        control_fail(r, 1, "%s", "out of memory");
                        return;
                }
                /* Names and state strings outlive the reply, which is
                 * encoded before this function's caller returns. */
                cu->borrowed = true;
                if (describe_unit(s, u, cu, false) < 0) {
                        control_fail(r, 1, "%s", "out of memory");
                        return;
                }
        }
}

/* Does weft hold a unit of this name (not found or masked included)?
 * Code 4 if not. weft loads a unit once, so a transient unit may take
 * only a name weft does not hold (StartTransientUnit asks), or a reused
 * name would run what it was first loaded with; a collected transient
 * unit is not held, since it can be defined again in place
 * (core/sched_transient.c). */
static void verb_known(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                       int arg)
{
        STRV_FOREACH(name, q->units) {
                const struct unit *u = unit_table_get(s->units, *name);
                /* A collected transient unit may be defined again. */
                if (!u || (unit_collected(u) && sched_transient_unit(s, u)))
                        control_fail(r, 4, "Unit %s is not known.", *name);
        }
}

/* STATUS_NO_LOAD: a unit weft has not loaded is unknown rather than loaded
 * now (status-loaded, for the bus: GetUnit loads nothing). */
enum { STATUS_EXIT_3 = 1, STATUS_NO_LOAD = 2 };
static void verb_status(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        STRV_FOREACH(name, q->units) {
                struct unit *u = arg & STATUS_NO_LOAD ? control_find(s, *name) : control_find_or_load(s, *name, NULL);
                if (!u || u->load_state == UNIT_NOT_FOUND)
                        control_fail(r, 4, "Unit %s could not be found.", *name);
                if (!u)
                        continue;
                /* A unit without a file is described all the same, as
                 * systemctl show describes it (LoadState=not-found). */
                struct control_unit *cu = control_reply_add_unit(r);
                if (!cu || describe_unit(s, u, cu, true) < 0) {
                        control_fail(r, 1, "%s", "out of memory");
                        return;
                }
                /* status says 3 for a unit that is not active; show does not */
                if ((arg & STATUS_EXIT_3) && u->rt->active != UNIT_ACTIVE && (r->code == 0 || r->code == 3))
                        r->code = 3;
        }
}

enum { IS_FAILED = 1 };
static void verb_is(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        bool all_active = true, any_failed = false;
        STRV_FOREACH(name, q->units) {
                struct unit *u = control_find(s, *name);
                const char *state = u ? unit_active_state_to_string(u->rt->active) : "inactive";
                struct control_unit *cu = control_reply_add_unit(r);
                if (!cu || control_unit_add(cu, "Id", *name) < 0 || control_unit_add(cu, "ActiveState", state) < 0) {
                        control_fail(r, 1, "%s", "out of memory");
                        return;
                }
                all_active &= u && u->rt->active == UNIT_ACTIVE;
                any_failed |= u && u->rt->active == UNIT_FAILED;
        }
        r->code = arg == IS_FAILED ? (any_failed ? 0 : 1) : (all_active ? 0 : 3);
}

/* kill --kill-whom= (KillUnit's whom): "all" (or none) signals the
 * unit's processes, which without cgroups are the process groups its main
 * and control processes lead; "main" and "control" that one process only,
 * as systemd signals the PID; a "-fail" suffix fails when there is nothing
 * to signal. */
static void verb_kill(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        static const char *const whoms[] = { "all", "main", "control" };
        const char *whom = q->kill_whom && *q->kill_whom ? q->kill_whom : "all";
        size_t len = strcspn(whom, "-"), w = 0;
        bool must = !strcmp(whom + len, "-fail");
        int sig = q->signal > 0 ? q->signal : SIGTERM;

        while (w < ELEMENTSOF(whoms) && (strlen(whoms[w]) != len || strncmp(whom, whoms[w], len) != 0))
                w++;
        if (w == ELEMENTSOF(whoms) || (whom[len] && !must)) {
                control_fail(r, 1, "Invalid whom argument: %s", whom);
                return;
        }
        STRV_FOREACH(name, q->units) {
                struct unit *u = control_find(s, *name);
                if (!u || !u->rt) {
                        control_fail(r, 5, "Unit %s is not loaded.", *name);
                        continue;
                }
                const struct unit_runtime *rt = u->rt;
                pid_t targets[2] = { w == 0 ? -rt->main_pgid : w == 1 ? rt->main_pid : 0,
                                     w == 0 ? -rt->control_pgid : w == 2 ? rt->control_pid : 0 };
                bool any = false;
                for (int i = 0; i < 2; i++)
                        if (targets[i] != 0) {
                                s->ops->kill(s->userdata, targets[i], sig);
                                any = true;
                        }
                if (must && !any)
                        control_fail(r, 1, "No matching processes to kill in %s.", *name);
        }
}

static void verb_reset_failed(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if ((q->units && !strv_contains(q->units, u->id)) || u->rt->collected)
                        continue;
                u->rt->ratelimit_count = 0;
                u->rt->ratelimit_begin = 0;
                u->rt->n_restarts = 0;
                if (u->rt->active == UNIT_FAILED) {
                        u->rt->result = RESULT_SUCCESS;
                        unit_set_sub(s, u, SUB_DEAD);
                }
        }
}

/* bus-ref / bus-unref UNIT...: a bus client's reference (Ref, AddRef)
 * holds the unit against collection; a unit not loaded yet is loaded, as
 * systemd loads the object the client names. */
static void verb_bus_ref(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                         int ref)
{
        for (char **n = q->units; n && *n; n++) {
                /* Held by its own name, which an alias resolves to. */
                int why;
                struct unit *u = ref ? find_or_load_valid(s, *n, &why) : control_find(s, *n);
                if (ref && !u) {
                        control_fail(r, 4, "Unit %s not loaded.", *n);
                        return;
                }
                if (sched_bus_ref(s, u ? u->id : *n, ref) < 0) {
                        control_fail(r, 1, "%s", "out of memory");
                        return;
                }
        }
}

/* abandon SCOPE (logind's Scope.Abandon when a session ends). */
static void verb_abandon(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                         int arg)
{
        STRV_FOREACH(name, q->units) {
                struct unit *u = control_find(s, *name);
                if (!u || scope_abandon(s, u) < 0)
                        control_fail(r, 1, "Scope %s is not running, cannot abandon.", *name);
        }
}

static void verb_list_sockets(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->type != UNIT_SOCKET || !u->socket || u->rt->active != UNIT_ACTIVE) /* only socket units listen */
                        continue;
                char *activates = deps_joined(u, UNIT_TRIGGERS);
                for (const struct listen_spec *l = u->socket->listen; l; l = l->next) {
                        char *listen = listen_spec_format_show(l);
                        struct control_unit *cu = control_reply_add_unit(r);
                        if (!cu || !listen || control_unit_add(cu, "Listen", listen) < 0 ||
                            control_unit_add(cu, "Unit", u->id) < 0 ||
                            control_unit_add(cu, "Activates", activates ? activates : "") < 0)
                                control_fail(r, 1, "%s", "out of memory");
                        free(listen);
                }
                free(activates);
        }
}

/* Timer units (those with a timer runtime), what they activate and their
 * elapses; without --all only the active ones, as systemctl lists them. */
static void verb_list_timers(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->type != UNIT_TIMER || !u->rt->timer || u->load_state != UNIT_LOADED || u->rt->collected ||
                    (!q->all && u->rt->active != UNIT_ACTIVE))
                        continue;
                char *activates = deps_joined(u, UNIT_TRIGGERS);
                struct control_unit *cu = control_reply_add_unit(r);
                if (!cu || control_unit_add(cu, "Id", u->id) < 0 ||
                    control_unit_add(cu, "Activates", activates ? activates : "") < 0 ||
                    unit_ops(u)->show(s, u, cu) < 0)
                        control_fail(r, 1, "%s", "out of memory");
                free(activates);
        }
}

/* One row per watched path of every active path unit (--all: of every
 * loaded one, as systemctl). */
static void verb_list_paths(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->type != UNIT_PATH || u->load_state != UNIT_LOADED || u->rt->collected ||
                    (!q->all && u->rt->active != UNIT_ACTIVE))
                        continue;
                char *activates = deps_joined(u, UNIT_TRIGGERS);
                for (unsigned k = 0; k < u->path->n_specs; k++) {
                        struct control_unit *cu = control_reply_add_unit(r);
                        if (!cu || control_unit_add(cu, "Path", u->path->specs[k].path) < 0 ||
                            control_unit_add(cu, "Condition", path_type_to_string(u->path->specs[k].type)) < 0 ||
                            control_unit_add(cu, "Unit", u->id) < 0 ||
                            control_unit_add(cu, "Activates", activates ? activates : "") < 0)
                                control_fail(r, 1, "%s", "out of memory");
                }
                free(activates);
        }
}

static void verb_ping(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        r->text = strdup("weft");
}

/* A unit one of whose processes pid is (groups: whose process group or
 * session it leads; a scope's processes either way). */
static struct unit *unit_with_pid(struct sched *s, pid_t pid, bool groups)
{
        for (size_t i = 0; pid > 0 && i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                const struct unit_runtime *rt = u->rt;
                if (rt->collected)
                        continue;
                if (groups ? pid == rt->main_pgid || pid == rt->control_pgid
                           : pid == rt->main_pid || pid == rt->control_pid)
                        return u;
                if (unit_ops(u)->has_pid && unit_ops(u)->has_pid(u, pid))
                        return u; /* a scope's process, or the group or session one leads */
        }
        return NULL;
}

/* The unit a process belongs to (GetUnitByPID, systemctl status PID). The
 * request's units are the PID, its process group, its session and its
 * ancestors nearest first, read from /proc by the asker (the scheduler
 * does not touch the file system). Without cgroups a unit's processes are
 * its main and control processes, the groups and sessions they lead and
 * what descends from them, as MAINPID= is judged (service_notify.c);
 * weft's own are init.scope's, as systemd's are. */
static void verb_unit_of_pid(struct sched *s, uint64_t conn_id, const struct control_request *q,
                             struct control_reply *r, int arg)
{
        size_t n = strv_length(q->units);
        pid_t v[3 + NOTIFY_ANCESTORS_MAX] = { 0 };
        struct unit *u = NULL;

        for (size_t i = 0; i < n && i < ELEMENTSOF(v); i++) {
                char *end;
                long x = strtol(q->units[i], &end, 10);
                if (*end || x < 0 || x > INT_MAX) {
                        control_fail(r, 1, "Invalid PID: %s", q->units[i]);
                        return;
                }
                v[i] = (pid_t) x;
        }
        if (n < 3 || v[0] <= 0) {
                control_fail(r, 1, "%s", "unit-of-pid needs a PID, its group, its session and its ancestors");
                return;
        }
        if (v[0] == getpid())
                u = control_find(s, INIT_SCOPE);
        if (!u)
                u = unit_with_pid(s, v[0], false);
        for (size_t i = 1; !u && i < 3; i++)
                u = unit_with_pid(s, v[i], true);
        for (size_t i = 3; !u && i < n && i < ELEMENTSOF(v); i++)
                u = unit_with_pid(s, v[i], false);
        struct control_unit *cu = u ? control_reply_add_unit(r) : NULL;
        if (!u)
                control_fail(r, 4, "PID %s does not belong to any loaded unit.", q->units[0]);
        else if (!cu || control_unit_add(cu, "Id", u->id) < 0)
                control_fail(r, 1, "%s", "out of memory");
}

static void verb_get_default(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        r->text = strdup(s->config.default_target ? s->config.default_target : "default.target");
}

/* One reply unit per entry of the manager's environment block, each
 * {"Environment": "K=V"}: a value may hold any character but NUL, so
 * none can separate them in one string. */
static int add_environment(struct sched *s, struct control_reply *r)
{
        STRV_FOREACH(e, sched_env(s)) {
                struct control_unit *cu = control_reply_add_unit(r);
                if (!cu)
                        return -ENOMEM;
                cu->static_keys = true;
                if (control_unit_add(cu, "Environment", *e) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* manager-properties: is-system-running's, then the environment block
 * (add_environment), for the bus's Manager properties. */
enum { SYSTEM_STATE_ENVIRONMENT = 1 };
/* systemctl is-system-running, and the Manager's counters that
 * systemctl status shows: text and SystemState the state, code 0 only
 * when it is "running". */
static void verb_system_state(struct sched *s, uint64_t conn_id, const struct control_request *q,
                              struct control_reply *r, int arg)
{
        const char *state = sched_system_state(s);
        size_t n_names = 0;
        for (size_t i = 0; i < s->n_rt; i++) {
                const struct unit *u = s->units->units[i];
                n_names += !u->rt->collected && u->load_state != UNIT_MERGED;
        }
        struct control_unit *cu = control_reply_add_unit(r);
        int k = cu ? 0 : -ENOMEM;
        if (cu)
                cu->static_keys = true;
        k = k < 0 ? k : control_unit_add(cu, "SystemState", state);
        k = k < 0 ? k : control_add_num(cu, "NNames", n_names);
        k = k < 0 ? k : control_add_num(cu, "NFailedUnits", sched_n_failed_units(s));
        k = k < 0 ? k : control_add_num(cu, "NJobs", s->n_jobs);
        k = k < 0 ? k : control_add_num(cu, "FinishTimestampMonotonic", s->t_startup_finished);
        if (k < 0 || !(r->text = strdup(state))) {
                control_fail(r, 1, "%s", "out of memory");
                return;
        }
        r->code = strcmp(state, "running") != 0;
        if ((arg & SYSTEM_STATE_ENVIRONMENT) && add_environment(s, r) < 0)
                control_fail(r, 1, "%s", "out of memory");
}

static void verb_show_environment(struct sched *s, uint64_t conn_id, const struct control_request *q,
                                  struct control_reply *r, int arg)
{
        if (add_environment(s, r) < 0)
                control_fail(r, 1, "%s", "out of memory");
}

/* set-environment K=V..., unset-environment K|K=V..., and the bus's
 * UnsetAndSetEnvironment as unset-and-set-environment: the names to unset
 * in "properties", the assignments in "units". */
enum { ENV_SET, ENV_UNSET, ENV_UNSET_AND_SET };
static void verb_set_environment(struct sched *s, uint64_t conn_id, const struct control_request *q,
                                 struct control_reply *r, int arg)
{
        char *const *unset = arg == ENV_SET ? NULL : arg == ENV_UNSET ? q->units : q->properties;
        char *const *set = arg == ENV_UNSET ? NULL : q->units;
        int k = sched_env_modify(s, unset, set);

        if (k == -EINVAL)
                control_fail(r, 1, "%s", arg == ENV_UNSET ? "Invalid environment variable names or assignments"
                                                          : "Invalid environment assignments");
        else if (k < 0)
                control_fail(r, 1, "%s", "out of memory");
}

/* daemon-reload, and daemon-reexec (arg 1). weft cannot re-execute
 * itself (it would have to hand its whole state to the new image, as
 * systemd serializes it): it says so and reloads, which is the rest of
 * what a re-execution does (generators, unit files). A refusal would
 * fail Debian's libc6 upgrade, whose postinst runs daemon-reexec under
 * set -e whenever /run/systemd/system exists. */
static void verb_daemon_reload(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        if (arg)
                log_notice("daemon-reexec: weft does not re-execute itself (it keeps running its loaded binary "
                           "and libraries); reloading the unit files instead");
        int k = s->ops->reload ? s->ops->reload(s->userdata) : -EOPNOTSUPP;
        if (k < 0)
                control_fail(r, 1, arg ? "daemon-reexec failed: %s" : "daemon-reload failed: %s", sched_swap_error(k));
}

static void verb_shutdown(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg)
{
        if (s->ops->shutdown_request)
                s->ops->shutdown_request(s->userdata, (enum shutdown_kind) arg, q->exit_code);
}

/* log-level [LEVEL], log-target [TARGET]: the current one as text, or
 * set it (the first of units; "" restores weft's own). The level is
 * base/log.c's atomic, not the scheduler's: the bus thread sets it too. */
enum { LOG_SETTING_LEVEL, LOG_SETTING_TARGET };
static void verb_log_setting(struct sched *s, uint64_t conn_id, const struct control_request *q,
                             struct control_reply *r, int arg)
{
        char err[256];
        const char *value = q->units ? q->units[0] : NULL;

        if (value && q->units[1]) {
                control_fail(r, 1, "%s takes one value at most.", q->verb);
                return;
        }
        if (!value) {
                r->text = strdup(arg == LOG_SETTING_LEVEL ? log_control_level() : log_control_target());
                if (!r->text)
                        control_fail(r, 1, "%s", "out of memory");
                return;
        }
        int k = arg == LOG_SETTING_LEVEL ? log_control_set_level(value, err, sizeof err)
                                         : log_control_set_target(value, err, sizeof err);
        if (k < 0)
                control_fail(r, 1, "%s", err);
}

/* Every verb weftctl can send. Read-only verbs are open to every local
 * user; the others need root (needs_root). */
static const struct verb {
        const char *name;
        bool read_only;
        void (*run)(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                    int arg);
        int arg;
} verbs[] = {
        { "ping", true, verb_ping, 0 },
        { "list-units", true, verb_list_units, 0 },
        { "status", true, verb_status, STATUS_EXIT_3 },
        { "status-loaded", true, verb_status, STATUS_EXIT_3 | STATUS_NO_LOAD },
        { "is-known", true, verb_known, 0 },
        { "unit-of-pid", true, verb_unit_of_pid, 0 },
        { "show", true, verb_status, 0 },
        { "is-active", true, verb_is, 0 },
        { "is-failed", true, verb_is, IS_FAILED },
        { "list-jobs", true, verb_list_jobs, 0 },
        { "job-after", true, verb_job_waits, WAITS_AFTER },
        { "job-before", true, verb_job_waits, WAITS_BEFORE },
        { "list-sockets", true, verb_list_sockets, 0 },
        { "get-default", true, verb_get_default, 0 },
        { "is-system-running", true, verb_system_state, 0 },
        { "manager-properties", true, verb_system_state, SYSTEM_STATE_ENVIRONMENT },
        { "show-environment", true, verb_show_environment, 0 },
        { "list-paths", true, verb_list_paths, 0 },
        { "list-timers", true, verb_list_timers, 0 },
        { "log-level", true, verb_log_setting, LOG_SETTING_LEVEL },
        { "log-target", true, verb_log_setting, LOG_SETTING_TARGET },
        { "start", false, verb_job, VERB_START },
        { "start-irreversibly", false, verb_job, VERB_START_IRREVERSIBLY },
        { "isolate", false, verb_job, VERB_ISOLATE },
        { "stop", false, verb_job, VERB_STOP },
        { "restart", false, verb_job, VERB_RESTART },
        { "reload", false, verb_job, VERB_RELOAD },
        { "reload-or-restart", false, verb_job, VERB_RELOAD_OR_RESTART },
        { "try-restart", false, verb_job, VERB_TRY_RESTART },
        { "try-reload-or-restart", false, verb_job, VERB_TRY_RELOAD_OR_RESTART },
        { "kill", false, verb_kill, 0 },
        { "cancel", false, verb_cancel, 0 },
        { "abandon", false, verb_abandon, 0 },
        { "reset-failed", false, verb_reset_failed, 0 },
        { "bus-ref", false, verb_bus_ref, true },
        { "bus-unref", false, verb_bus_ref, false },
        { "daemon-reload", false, verb_daemon_reload, 0 },
        { "daemon-reexec", false, verb_daemon_reload, 1 },
        { "set-environment", false, verb_set_environment, ENV_SET },
        { "unset-environment", false, verb_set_environment, ENV_UNSET },
        { "unset-and-set-environment", false, verb_set_environment, ENV_UNSET_AND_SET },
        { "poweroff", false, verb_shutdown, SHUTDOWN_POWEROFF },
        { "reboot", false, verb_shutdown, SHUTDOWN_REBOOT },
        { "halt", false, verb_shutdown, SHUTDOWN_HALT },
        { "exit", false, verb_shutdown, SHUTDOWN_EXIT },
};

/* A read-only verb that sets what it reads when given a value (log-level)
 * needs root then. */
static bool needs_root(const struct verb *verb, const struct control_request *q)
{
        return !verb->read_only || (verb->run == verb_log_setting && q->units);
}

void control_handle(struct sched *s, uint64_t conn_id, uid_t uid, const struct control_request *q)
{
        struct control_reply r = { 0 };
        const char *v = q->verb ? q->verb : "";

        const struct verb *verb = NULL;
        for (size_t i = 0; i < ELEMENTSOF(verbs) && !verb; i++)
                if (!strcmp(v, verbs[i].name))
                        verb = &verbs[i];
        if (!verb)
                control_fail(&r, 1, "Unknown verb '%s'.", v);
        else if (uid != 0 && needs_root(verb, q))
                control_fail(&r, 4, "Access denied: '%s' needs root.", v);
        else
                verb->run(s, conn_id, q, &r, verb->arg);
        if (r.code >= 0)
                control_send_reply(s, conn_id, &r);
        sched_run_ready(s);
}
