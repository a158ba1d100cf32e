/* The unit table, dependency edges, configuration defaults and the enum
 * string tables of parse/unit.h. */
#include "parse/unit.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/macro.h"
#include "base/strpool.h"
#include "base/strv.h"
#include "parse/load_types.h"

int string_table_lookup(const char *const *table, int n, const char *s)
{
        for (int i = 0; i < n; i++)
                if (table[i] && strcmp(table[i], s) == 0)
                        return i;
        return -1;
}

#define DEFINE_TO_STRING(name, type, table)                          \
        const char *name(type v)                                     \
        {                                                            \
                return (int) v >= 0 && (size_t) v < ELEMENTSOF(table) \
                               ? table[v]                            \
                               : NULL;                               \
        }

static const char *const load_state_table[_UNIT_LOAD_STATE_MAX] = {
        [UNIT_STUB] = "stub",
        [UNIT_LOADED] = "loaded",
        [UNIT_NOT_FOUND] = "not-found",
        [UNIT_BAD_SETTING] = "bad-setting",
        [UNIT_ERROR] = "error",
        [UNIT_MASKED] = "masked",
        [UNIT_MERGED] = "merged",
};
DEFINE_TO_STRING(unit_load_state_to_string, enum unit_load_state, load_state_table)

static const struct {
        const char *name;
        enum unit_dependency inverse;
} dependency_table[_UNIT_DEPENDENCY_MAX] = {
        [UNIT_REQUIRES] = { "Requires", UNIT_REQUIRED_BY },
        [UNIT_REQUISITE] = { "Requisite", UNIT_REQUISITE_OF },
        [UNIT_WANTS] = { "Wants", UNIT_WANTED_BY },
        [UNIT_BINDS_TO] = { "BindsTo", UNIT_BOUND_BY },
        [UNIT_PART_OF] = { "PartOf", UNIT_CONSISTS_OF },
        [UNIT_UPHOLDS] = { "Upholds", UNIT_UPHELD_BY },
        [UNIT_REQUIRED_BY] = { "RequiredBy", UNIT_REQUIRES },
        [UNIT_REQUISITE_OF] = { "RequisiteOf", UNIT_REQUISITE },
        [UNIT_WANTED_BY] = { "WantedBy", UNIT_WANTS },
        [UNIT_BOUND_BY] = { "BoundBy", UNIT_BINDS_TO },
        [UNIT_CONSISTS_OF] = { "ConsistsOf", UNIT_PART_OF },
        [UNIT_UPHELD_BY] = { "UpheldBy", UNIT_UPHOLDS },
        [UNIT_CONFLICTS] = { "Conflicts", UNIT_CONFLICTED_BY },
        [UNIT_CONFLICTED_BY] = { "ConflictedBy", UNIT_CONFLICTS },
        [UNIT_BEFORE] = { "Before", UNIT_AFTER },
        [UNIT_AFTER] = { "After", UNIT_BEFORE },
        [UNIT_ON_SUCCESS] = { "OnSuccess", UNIT_ON_SUCCESS_OF },
        [UNIT_ON_SUCCESS_OF] = { "OnSuccessOf", UNIT_ON_SUCCESS },
        [UNIT_ON_FAILURE] = { "OnFailure", UNIT_ON_FAILURE_OF },
        [UNIT_ON_FAILURE_OF] = { "OnFailureOf", UNIT_ON_FAILURE },
        [UNIT_TRIGGERS] = { "Triggers", UNIT_TRIGGERED_BY },
        [UNIT_TRIGGERED_BY] = { "TriggeredBy", UNIT_TRIGGERS },
        [UNIT_PROPAGATES_RELOAD_TO] = { "PropagatesReloadTo", UNIT_RELOAD_PROPAGATED_FROM },
        [UNIT_RELOAD_PROPAGATED_FROM] = { "ReloadPropagatedFrom", UNIT_PROPAGATES_RELOAD_TO },
        [UNIT_PROPAGATES_STOP_TO] = { "PropagatesStopTo", UNIT_STOP_PROPAGATED_FROM },
        [UNIT_STOP_PROPAGATED_FROM] = { "StopPropagatedFrom", UNIT_PROPAGATES_STOP_TO },
};

const char *unit_dependency_to_string(enum unit_dependency d)
{
        return (int) d >= 0 && d < _UNIT_DEPENDENCY_MAX ? dependency_table[d].name : NULL;
}

enum unit_dependency unit_dependency_inverse(enum unit_dependency d)
{
        return dependency_table[d].inverse;
}

static const char *const service_type_table[_SERVICE_TYPE_MAX] = {
        [SERVICE_SIMPLE] = "simple", [SERVICE_EXEC] = "exec",   [SERVICE_FORKING] = "forking",
        [SERVICE_ONESHOT] = "oneshot", [SERVICE_DBUS] = "dbus", [SERVICE_NOTIFY] = "notify",
        [SERVICE_IDLE] = "idle",
};
DEFINE_TO_STRING(service_type_to_string, enum service_type, service_type_table)

static const char *const service_restart_table[_SERVICE_RESTART_MAX] = {
        [SERVICE_RESTART_NO] = "no",
        [SERVICE_RESTART_ON_SUCCESS] = "on-success",
        [SERVICE_RESTART_ON_FAILURE] = "on-failure",
        [SERVICE_RESTART_ON_ABNORMAL] = "on-abnormal",
        [SERVICE_RESTART_ON_WATCHDOG] = "on-watchdog",
        [SERVICE_RESTART_ON_ABORT] = "on-abort",
        [SERVICE_RESTART_ALWAYS] = "always",
};
DEFINE_TO_STRING(service_restart_to_string, enum service_restart, service_restart_table)

static const char *const notify_access_table[_NOTIFY_ACCESS_MAX] = {
        [NOTIFY_NONE] = "none", [NOTIFY_MAIN] = "main", [NOTIFY_EXEC] = "exec", [NOTIFY_ALL] = "all",
};
DEFINE_TO_STRING(notify_access_to_string, enum notify_access, notify_access_table)

static const char *const kill_mode_table[_KILL_MODE_MAX] = {
        [KILL_CONTROL_GROUP] = "control-group", [KILL_PROCESS] = "process",
        [KILL_MIXED] = "mixed", [KILL_NONE] = "none",
};
DEFINE_TO_STRING(kill_mode_to_string, enum kill_mode, kill_mode_table)

static const char *const exec_input_table[_EXEC_INPUT_MAX] = {
        [EXEC_INPUT_NULL] = "null",         [EXEC_INPUT_TTY] = "tty",
        [EXEC_INPUT_TTY_FORCE] = "tty-force", [EXEC_INPUT_TTY_FAIL] = "tty-fail",
        [EXEC_INPUT_SOCKET] = "socket",     [EXEC_INPUT_NAMED_FD] = "fd",
        [EXEC_INPUT_DATA] = "data",         [EXEC_INPUT_FILE] = "file",
};
DEFINE_TO_STRING(exec_input_to_string, enum exec_input, exec_input_table)

static const char *const exec_output_table[_EXEC_OUTPUT_MAX] = {
        [EXEC_OUTPUT_INHERIT] = "inherit",
        [EXEC_OUTPUT_NULL] = "null",
        [EXEC_OUTPUT_TTY] = "tty",
        [EXEC_OUTPUT_KMSG] = "kmsg",
        [EXEC_OUTPUT_KMSG_AND_CONSOLE] = "kmsg+console",
        [EXEC_OUTPUT_JOURNAL] = "journal",
        [EXEC_OUTPUT_JOURNAL_AND_CONSOLE] = "journal+console",
        [EXEC_OUTPUT_SOCKET] = "socket",
        [EXEC_OUTPUT_NAMED_FD] = "fd",
        [EXEC_OUTPUT_FILE] = "file",
        [EXEC_OUTPUT_FILE_APPEND] = "append",
        [EXEC_OUTPUT_FILE_TRUNCATE] = "truncate",
};
DEFINE_TO_STRING(exec_output_to_string, enum exec_output, exec_output_table)

static const char *const timeout_failure_mode_table[_TIMEOUT_FAILURE_MODE_MAX] = {
        [TIMEOUT_TERMINATE] = "terminate", [TIMEOUT_ABORT] = "abort", [TIMEOUT_KILL] = "kill",
};
DEFINE_TO_STRING(timeout_failure_mode_to_string, enum timeout_failure_mode, timeout_failure_mode_table)

static const char *const exit_type_table[_EXIT_TYPE_MAX] = {
        [EXIT_TYPE_MAIN] = "main", [EXIT_TYPE_CGROUP] = "cgroup",
};
DEFINE_TO_STRING(exit_type_to_string, enum exit_type, exit_type_table)

static const char *const emergency_action_table[_EMERGENCY_ACTION_MAX] = {
        [EMERGENCY_ACTION_NONE] = "none",
        [EMERGENCY_ACTION_REBOOT] = "reboot",
        [EMERGENCY_ACTION_REBOOT_FORCE] = "reboot-force",
        [EMERGENCY_ACTION_REBOOT_IMMEDIATE] = "reboot-immediate",
        [EMERGENCY_ACTION_POWEROFF] = "poweroff",
        [EMERGENCY_ACTION_POWEROFF_FORCE] = "poweroff-force",
        [EMERGENCY_ACTION_POWEROFF_IMMEDIATE] = "poweroff-immediate",
        [EMERGENCY_ACTION_EXIT] = "exit",
        [EMERGENCY_ACTION_EXIT_FORCE] = "exit-force",
        [EMERGENCY_ACTION_HALT] = "halt",
        [EMERGENCY_ACTION_HALT_FORCE] = "halt-force",
        [EMERGENCY_ACTION_HALT_IMMEDIATE] = "halt-immediate",
};
DEFINE_TO_STRING(emergency_action_to_string, enum emergency_action, emergency_action_table)

static const char *const bind_ipv6_only_table[_BIND_IPV6_ONLY_MAX] = {
        [BIND_IPV6_ONLY_DEFAULT] = "default", [BIND_IPV6_ONLY_BOTH] = "both",
        [BIND_IPV6_ONLY_IPV6_ONLY] = "ipv6-only",
};
DEFINE_TO_STRING(bind_ipv6_only_to_string, enum bind_ipv6_only, bind_ipv6_only_table)

static const char *const collect_mode_table[_COLLECT_MODE_MAX] = {
        [COLLECT_INACTIVE] = "inactive", [COLLECT_INACTIVE_OR_FAILED] = "inactive-or-failed",
};
DEFINE_TO_STRING(collect_mode_to_string, enum collect_mode, collect_mode_table)

static const char *const exec_preserve_table[_EXEC_PRESERVE_MAX] = {
        [EXEC_PRESERVE_NO] = "no", [EXEC_PRESERVE_YES] = "yes", [EXEC_PRESERVE_RESTART] = "restart",
};
DEFINE_TO_STRING(exec_preserve_to_string, enum exec_preserve, exec_preserve_table)

static const char *const protect_system_table[_PROTECT_SYSTEM_MAX] = {
        [PROTECT_SYSTEM_NO] = "no", [PROTECT_SYSTEM_YES] = "yes", [PROTECT_SYSTEM_FULL] = "full",
        [PROTECT_SYSTEM_STRICT] = "strict",
};
DEFINE_TO_STRING(protect_system_to_string, enum protect_system, protect_system_table)

static const char *const protect_home_table[_PROTECT_HOME_MAX] = {
        [PROTECT_HOME_NO] = "no", [PROTECT_HOME_YES] = "yes", [PROTECT_HOME_READ_ONLY] = "read-only",
        [PROTECT_HOME_TMPFS] = "tmpfs",
};
DEFINE_TO_STRING(protect_home_to_string, enum protect_home, protect_home_table)

static const char *const service_exec_table[_SERVICE_EXEC_MAX] = {
        [SERVICE_EXEC_CONDITION] = "ExecCondition", [SERVICE_EXEC_START_PRE] = "ExecStartPre",
        [SERVICE_EXEC_START] = "ExecStart",         [SERVICE_EXEC_START_POST] = "ExecStartPost",
        [SERVICE_EXEC_RELOAD] = "ExecReload",       [SERVICE_EXEC_STOP] = "ExecStop",
        [SERVICE_EXEC_STOP_POST] = "ExecStopPost",
};
DEFINE_TO_STRING(service_exec_to_string, enum service_exec, service_exec_table)

static const char *const socket_exec_table[_SOCKET_EXEC_MAX] = {
        [SOCKET_EXEC_START_PRE] = "ExecStartPre", [SOCKET_EXEC_START_POST] = "ExecStartPost",
        [SOCKET_EXEC_STOP_PRE] = "ExecStopPre",   [SOCKET_EXEC_STOP_POST] = "ExecStopPost",
};
DEFINE_TO_STRING(socket_exec_to_string, enum socket_exec, socket_exec_table)

/* ---- configuration defaults ---- */

void kill_context_init(struct kill_context *k)
{
        *k = (struct kill_context) {
                .kill_mode = KILL_CONTROL_GROUP,
                .kill_signal = SIGTERM,
                .final_kill_signal = SIGKILL,
                .watchdog_signal = SIGABRT,
                .send_sigkill = true,
        };
}

const struct exec_extra exec_extra_defaults = {
        .syslog_priority = (3 << 3) | 6, /* daemon.info, as in systemd */
        .syslog_level_prefix = true,
        .runtime_directory_mode = 0755,
        .state_directory_mode = 0755,
        .cache_directory_mode = 0755,
        .logs_directory_mode = 0755,
        .configuration_directory_mode = 0755,
        .capability_bounding_set = UINT64_MAX,
};

void exec_context_init(struct exec_context *c)
{
        *c = (struct exec_context) {
                .umask = 0022,
                .std_input = EXEC_INPUT_NULL,
                .std_output = EXEC_OUTPUT_INHERIT, /* the loader picks the default, as systemd does */
                .std_error = EXEC_OUTPUT_INHERIT,
                .ignore_sigpipe = true,
        };
}

struct exec_extra *exec_context_extra(struct exec_context *c)
{
        if (!c->extra) {
                c->extra = malloc(sizeof *c->extra);
                if (c->extra)
                        *c->extra = exec_extra_defaults;
        }
        return c->extra;
}

void exec_context_free(struct exec_context *c)
{
        struct exec_extra *x = c->extra;
        strv_free(c->environment);
        strv_free(c->environment_files);
        free(c->user);
        free(c->group);
        free(c->working_directory);
        if (x) {
                strv_free(x->pass_environment);
                strv_free(x->unset_environment);
                strv_free(x->supplementary_groups);
                free(x->root_directory);
                free(x->std_input_path);
                free(x->std_output_path);
                free(x->std_error_path);
                free(x->rlimit);
                free(x->tty_path);
                free(x->syslog_identifier);
                strv_free(x->runtime_directory);
                strv_free(x->state_directory);
                strv_free(x->cache_directory);
                strv_free(x->logs_directory);
                strv_free(x->configuration_directory);
                strv_free(x->read_write_paths);
                strv_free(x->read_only_paths);
                strv_free(x->load_credential);
                strv_free(x->set_credential);
                free(x);
        }
        c->extra = NULL;
}

#define DEFAULT_TIMEOUT_USEC (90 * USEC_PER_SEC)

void unit_init_config(struct unit *u)
{
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        u->default_dependencies = true;
        u->ignore_on_isolate = ops && ops->ignore_on_isolate;
}

int unit_alloc_config(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        if (!timeout_start_usec)
                timeout_start_usec = DEFAULT_TIMEOUT_USEC;
        if (!timeout_stop_usec)
                timeout_stop_usec = DEFAULT_TIMEOUT_USEC;
        return ops && ops->alloc ? ops->alloc(u, timeout_start_usec, timeout_stop_usec) : 0;
}

static void conditions_free(struct unit_condition *c)
{
        while (c) {
                struct unit_condition *next = c->next;
                free(c->name);
                free(c->parameter);
                free(c);
                c = next;
        }
}

const struct unit_extra unit_extra_defaults = {
        .job_timeout_usec = USEC_INFINITY,
        .job_running_timeout_usec = USEC_INFINITY,
        .failure_action_exit_status = -1,
        .success_action_exit_status = -1,
        .start_limit_interval_usec = 10 * USEC_PER_SEC,
        .start_limit_burst = 5,
};

struct unit_extra *unit_config_extra(struct unit *u)
{
        if (!u->extra && (u->extra = malloc(sizeof *u->extra)))
                *u->extra = unit_extra_defaults;
        return u->extra;
}

void unit_free_config(struct unit *u)
{
        struct unit_extra *x = u->extra;
        if (!u->description_settled)
                free(u->description);
        u->description_settled = false;
        if (x) {
                strv_free(x->documentation);
                free(x->reboot_argument);
                free(x->source_path);
                strv_free(x->requires_mounts_for);
                strv_free(x->install_wanted_by);
                strv_free(x->install_required_by);
                strv_free(x->install_alias);
                strv_free(x->install_also);
                free(x->default_instance);
                conditions_free(x->asserts);
                free(x->slice);
                free(x);
                u->extra = NULL;
        }
        conditions_free(u->conditions);
        u->description = NULL;
        u->conditions = NULL;

        if (!u->config)
                return;
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        if (ops && ops->free)
                ops->free(u);
        if (!u->config_settled)
                free(u->config);
        u->config = NULL;
        u->config_settled = false;
}

/* Each piece on its own: one that cannot move stays malloc'd, which is
 * as correct. A service's config block moves whole (its fields are read
 * in place, never freed alone), and with it ExecStart=, which every
 * service has; the rarer settings stay behind their own pointers. */
void unit_settle(struct unit_table *t, struct unit *u)
{
        struct arena *a = &t->arena;
        if (u->description && !u->description_settled) {
                size_t n = strlen(u->description) + 1;
                char *d = arena_alloc(a, n);
                if (d) {
                        memcpy(d, u->description, n);
                        free(u->description);
                        u->description = d;
                        u->description_settled = true;
                }
        }
        if (u->type != UNIT_SERVICE || !u->service)
                return;
        (void) exec_command_repack_list(&u->service->exec_start, a);
        if (!u->config_settled) {
                struct service_config *s = arena_alloc(a, sizeof *s);
                if (s) {
                        *s = *u->service;
                        free(u->service);
                        u->service = s;
                        u->config_settled = true;
                }
        }
}

/* The inverse, for a config that leaves its table: every piece back to
 * malloc, or -ENOMEM with u still whole (pieces may be of either kind). */
static int unit_unsettle(struct unit *u)
{
        if (u->description_settled) {
                char *d = strdup(u->description);
                if (!d)
                        return -ENOMEM;
                u->description = d;
                u->description_settled = false;
        }
        if (u->type != UNIT_SERVICE || !u->service)
                return 0;
        if (u->config_settled) {
                struct service_config *s = malloc(sizeof *s);
                if (!s)
                        return -ENOMEM;
                *s = *u->service;
                u->service = s;
                u->config_settled = false;
        }
        return exec_command_repack_list(&u->service->exec_start, NULL);
}

/* ---- the table ---- */

void unit_table_init(struct unit_table *t)
{
        *t = (struct unit_table) { 0 };
}

int unit_set_fragment_path(struct unit *u, const char *path)
{
        /* The index gives absolute paths; one in "/" keeps "" as its
         * directory, so joined it reads "/NAME" again. */
        const char *slash = strrchr(path, '/');
        if (!slash)
                return -EINVAL;
        char *dir = strndup(path, (size_t) (slash - path));
        const char *d = dir ? strpool_ref(dir) : NULL, *f = NULL;
        bool is_id = strcmp(slash + 1, u->id) == 0;
        free(dir);
        if (d && !is_id)
                f = strpool_ref(slash + 1);
        if (!d || (!is_id && !f)) {
                strpool_unref(d);
                return -ENOMEM;
        }
        strpool_unref(u->fragment_dir);
        strpool_unref(u->fragment_name);
        u->fragment_dir = d;
        u->fragment_name = f;
        return 0;
}

const char *unit_fragment_path(const struct unit *u, char *buf, size_t size)
{
        if (!u->fragment_dir)
                return NULL;
        /* Asked for every specifier expanded: no printf when it fits. */
        const char *name = u->fragment_name ? u->fragment_name : u->id;
        size_t a = strlen(u->fragment_dir), b = strlen(name);
        if (a + 1 + b < size) {
                memcpy(buf, u->fragment_dir, a);
                buf[a] = '/';
                memcpy(buf + a + 1, name, b + 1);
        } else
                snprintf(buf, size, "%s/%s", u->fragment_dir, name);
        return buf;
}

/* Edge arrays grow by doubling in blocks of base/arena.h's pool, apart
 * from malloc's heap: the block for 2^k edges is the power of two of
 * bytes that holds them. */
static unsigned edges_block_log2(uint8_t k)
{
        unsigned b = 4;
        while (((size_t) 1 << b) < ((size_t) 1 << k) * sizeof(struct unit_edge))
                b++;
        return b;
}

/* Give up u's edge array: one still growing goes back to the pool, a
 * final one is the table's (EDGES_CAP_EXACT) and goes with it. */
static void edges_drop(struct unit *u)
{
        if (u->edges && u->edges_cap_log2 != EDGES_CAP_EXACT)
                arena_pool_put(u->edges, edges_block_log2(u->edges_cap_log2));
        u->edges = NULL;
        u->n_edges = 0;
        u->edges_cap_log2 = 0;
}

/* What u owns outside the table's arena; u itself is in it. */
static void unit_free(struct unit *u)
{
        unit_free_config(u);
        edges_drop(u);
        /* names may hold u->id itself (load_from_lookup): free it once. */
        for (char **n = u->names; n && *n; n++)
                if (*n != u->id)
                        free(*n);
        free(u->names);
        strv_free(u->dropin_paths);
        strpool_unref(u->fragment_dir);
        strpool_unref(u->fragment_name);
        free(u->instance);
}

void unit_table_done(struct unit_table *t)
{
        for (size_t i = 0; i < t->n_units; i++)
                unit_free(t->units[i]);
        free(t->units);
        free(t->by_name.slots);
        arena_done(&t->arena);
        unit_table_init(t);
}

struct unit *unit_follow(struct unit *u)
{
        while (u && u->merged_into)
                u = u->merged_into;
        return u;
}

/* The slot of name, or the empty slot where it would go. */
static struct unit **names_slot(struct unit **slots, size_t n_slots, const char *name)
{
        size_t mask = n_slots - 1;
        for (size_t i = hash_string(name) & mask;; i = (i + 1) & mask)
                if (!slots[i] || strcmp(slots[i]->id, name) == 0)
                        return &slots[i];
}

/* Add u under its id, which must be new. */
static int names_add(struct unit_names *m, struct unit *u)
{
        /* Keep the load factor under 3/4 so probes stay short. */
        if ((m->n_items + 1) * 4 > m->n_slots * 3) {
                size_t n = m->n_slots ? m->n_slots * 2 : 64;
                struct unit **slots = calloc(n, sizeof *slots);
                if (!slots)
                        return -ENOMEM;
                for (size_t i = 0; i < m->n_slots; i++)
                        if (m->slots[i])
                                *names_slot(slots, n, m->slots[i]->id) = m->slots[i];
                free(m->slots);
                m->slots = slots;
                m->n_slots = n;
        }
        struct unit **slot = names_slot(m->slots, m->n_slots, u->id);
        if (*slot)
                return -EEXIST;
        *slot = u;
        m->n_items++;
        return 0;
}

struct unit *unit_table_get(const struct unit_table *t, const char *name)
{
        if (t->by_name.n_slots == 0)
                return NULL;
        return unit_follow(*names_slot(t->by_name.slots, t->by_name.n_slots, name));
}

int unit_table_intern(struct unit_table *t, const char *name, struct unit **ret)
{
        struct unit *u = unit_table_get(t, name);
        int r = -ENOMEM;

        if (u) {
                *ret = u;
                return 0;
        }
        enum unit_type type = unit_name_to_type(name);
        if (type == _UNIT_TYPE_INVALID || !unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;

        if (t->n_units == t->cap_units) {
                size_t cap = t->cap_units ? t->cap_units * 2 : 64;
                struct unit **units = realloc(t->units, cap * sizeof *units);
                if (!units)
                        return -ENOMEM;
                t->units = units;
                t->cap_units = cap;
        }
        /* The id in the same block, in the table's arena: a unit lives
         * as long as its table. */
        size_t len = strlen(name) + 1;
        u = arena_alloc(&t->arena, sizeof *u + len);
        if (!u)
                return -ENOMEM;
        u->type = type;
        u->load_state = UNIT_STUB;
        u->id = memcpy(u + 1, name, len);
        unit_init_config(u);
        r = names_add(&t->by_name, u);
        if (r < 0)
                goto fail;
        t->units[t->n_units++] = u;
        *ret = u;
        return 0;
fail:
        /* Its bytes stay in the arena: only out of memory gets here. */
        return r;
}

uint32_t unit_edges_cap(const struct unit *u)
{
        if (!u->edges)
                return 0;
        return u->edges_cap_log2 == EDGES_CAP_EXACT ? u->n_edges : UINT32_C(1) << u->edges_cap_log2;
}

static int edge_append(struct unit *u, enum unit_dependency kind, struct unit *other, bool refs, bool ref_by)
{
        if (u->n_edges == unit_edges_cap(u)) {
                /* The next power of two, at least 4 (an exact array may
                 * hold any number). */
                uint8_t k = 2;
                while (k < 31 && (UINT32_C(1) << k) <= u->n_edges)
                        k++;
                if ((UINT32_C(1) << k) <= u->n_edges)
                        return -ENOMEM;
                struct unit_edge *e = arena_pool_get(edges_block_log2(k));
                if (!e)
                        return -ENOMEM;
                uint32_t n = u->n_edges;
                if (n)
                        memcpy(e, u->edges, n * sizeof *e);
                edges_drop(u);
                u->edges = e;
                u->n_edges = n;
                u->edges_cap_log2 = k;
        }
        u->edges[u->n_edges++] = (struct unit_edge) { other, (uint8_t) kind, refs, ref_by };
        return 0;
}

int unit_add_dependency(struct unit *u, enum unit_dependency kind, struct unit *other)
{
        u = unit_follow(u);
        other = unit_follow(other);
        int r = u->sealed ? 0 : edge_append(u, kind, other, true, false);
        if (r < 0 || other->sealed)
                return r;
        return edge_append(other, unit_dependency_inverse(kind), u, false, true);
}

void unit_table_seal(struct unit_table *t)
{
        for (; t->n_sealed < t->n_units; t->n_sealed++)
                t->units[t->n_sealed]->sealed = true;
}

int unit_swap_config(struct unit *a, struct unit *b)
{
        if (unit_unsettle(a) < 0 || unit_unsettle(b) < 0)
                return -ENOMEM;
        struct unit ta = *a, tb = *b;
        *a = tb;
        *b = ta;
        /* Identity, edges, runtime and sealing stay where they were. */
        a->id = ta.id;
        a->names = ta.names;
        a->edges = ta.edges;
        a->n_edges = ta.n_edges;
        a->edges_cap_log2 = ta.edges_cap_log2;
        a->rt = ta.rt;
        a->merged_into = ta.merged_into;
        a->sealed = ta.sealed;
        b->id = tb.id;
        b->names = tb.names;
        b->edges = tb.edges;
        b->n_edges = tb.n_edges;
        b->edges_cap_log2 = tb.edges_cap_log2;
        b->rt = tb.rt;
        b->merged_into = tb.merged_into;
        b->sealed = tb.sealed;
        return 0;
}

int unit_merge(struct unit_table *t, struct unit *alias, struct unit *into)
{
        int r;

        if (alias == into)
                return 0;
        /* A sealed unit keeps its names and edges: the alias still finds it
         * through the table, and the edges of the units loaded with the
         * alias, resolved through it, are the only record of their links. */
        if (!into->sealed && !strv_contains(into->names, alias->id)) {
                /* No list yet means the id alone: the list starts with it. */
                r = into->names ? 0 : strv_extend(&into->names, into->id);
                r = r < 0 ? r : strv_extend(&into->names, alias->id);
                if (r < 0)
                        return r;
        }
        for (uint32_t i = 0; !into->sealed && i < alias->n_edges; i++) {
                r = edge_append(into, alias->edges[i].kind, alias->edges[i].other, alias->edges[i].refs,
                                alias->edges[i].ref_by);
                if (r < 0)
                        return r;
        }
        edges_drop(alias);
        /* Its name still finds it, and unit_follow goes on to into. */
        alias->merged_into = into;
        alias->load_state = UNIT_MERGED;
        return 0;
}

static int edge_compare(const void *a, const void *b)
{
        const struct unit_edge *x = a, *y = b;
        if (x->kind != y->kind)
                return x->kind < y->kind ? -1 : 1;
        /* One unit, one id. */
        return x->other == y->other ? 0 : strcmp(x->other->id, y->other->id);
}

/* Edges in (kind, id) order: a merge sort with the comparison inline, by
 * insertion below 16 edges (most units have a few), and a merge skipped
 * where the halves are in order already (a list sorted before gets edges
 * appended: the targets' default orderings). tmp has room for n / 2.
 * Equal edges are merged by the caller, so their order does not matter. */
static void edges_sort(struct unit_edge *v, uint32_t n, struct unit_edge *tmp)
{
        if (n <= 16) {
                for (uint32_t j = 1; j < n; j++) {
                        struct unit_edge e = v[j];
                        uint32_t k = j;
                        for (; k > 0 && edge_compare(&v[k - 1], &e) > 0; k--)
                                v[k] = v[k - 1];
                        v[k] = e;
                }
                return;
        }
        uint32_t h = n / 2;
        edges_sort(v, h, tmp);
        edges_sort(v + h, n - h, tmp);
        if (edge_compare(&v[h - 1], &v[h]) <= 0)
                return;
        memcpy(tmp, v, h * sizeof *v);
        /* Writing from the left never passes the right half's reader. */
        uint32_t i = 0, j = h, k = 0;
        while (i < h && j < n)
                v[k++] = edge_compare(&tmp[i], &v[j]) <= 0 ? tmp[i++] : v[j++];
        while (i < h)
                v[k++] = tmp[i++];
}

int unit_table_finalize_edges(struct unit_table *t)
{
        for (size_t i = t->n_sealed; i < t->n_units; i++) {
                struct unit *u = t->units[i];
                if (u->merged_into) {
                        edges_drop(u);
                        continue;
                }
                uint32_t n = 0;
                for (uint32_t j = 0; j < u->n_edges; j++) {
                        struct unit_edge e = u->edges[j];
                        e.other = unit_follow(e.other);
                        if (e.other != u)
                                u->edges[n++] = e;
                }
                /* The second pass of unit_load_all finds most lists sorted
                 * already: a check is n - 1 comparisons, a sort n log n. */
                bool sorted = true;
                for (uint32_t j = 1; sorted && j < n; j++)
                        sorted = edge_compare(&u->edges[j - 1], &u->edges[j]) <= 0;
                if (!sorted) {
                        struct unit_edge small[8], *tmp = n / 2 <= 8 ? small : malloc(n / 2 * sizeof *tmp);
                        if (tmp)
                                edges_sort(u->edges, n, tmp);
                        else
                                qsort(u->edges, n, sizeof *u->edges, edge_compare);
                        if (tmp != small)
                                free(tmp);
                }
                uint32_t m = 0;
                for (uint32_t j = 0; j < n; j++)
                        /* Equal in the order is the same kind to the same unit. */
                        if (m == 0 || u->edges[m - 1].kind != u->edges[j].kind ||
                            u->edges[m - 1].other != u->edges[j].other)
                                u->edges[m++] = u->edges[j];
                        else {
                                /* The same edge named from both sides references both ways. */
                                u->edges[m - 1].refs |= u->edges[j].refs;
                                u->edges[m - 1].ref_by |= u->edges[j].ref_by;
                        }
                u->n_edges = m;
                /* The edges were grown by doubling while the file was
                 * read; from here on they are read only (run-time edges go
                 * to the runtime), so they move, exact, to the table's
                 * arena and the grown block goes back to the pool, which
                 * is unmapped once every array is final. (A shrink in
                 * place with realloc left the slack as a hole between
                 * long-lived malloc blocks: at 10,000 units most of the
                 * ~0.9 MiB malloc held free at the boot's end.) A failed
                 * copy keeps the pool's block, still correct. */
                if (m == 0) {
                        edges_drop(u);
                } else if (u->edges_cap_log2 != EDGES_CAP_EXACT) {
                        struct unit_edge *e = arena_alloc(&t->arena, m * sizeof *e);
                        if (e) {
                                memcpy(e, u->edges, m * sizeof *e);
                                edges_drop(u);
                                u->edges = e;
                                u->n_edges = m;
                                u->edges_cap_log2 = EDGES_CAP_EXACT;
                        }
                }
        }
        return 0;
}

struct unit *unit_next_dep(const struct unit *u, enum unit_dependency kind, size_t *i)
{
        for (; *i < u->n_edges; (*i)++)
                if (u->edges[*i].kind == kind)
                        return u->edges[(*i)++].other;
        return NULL;
}
