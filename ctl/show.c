/* `weftctl show`: a unit as loaded (drop-ins merged, template instantiated,
 * implicit dependencies added), one Key=Value per line with systemctl
 * show's property names and value formats. Offline, there is no runtime
 * state, so ActiveState and friends are not shown: a property weft does not
 * track is left out, never invented.
 *
 * Table-driven: each row is a property, the unit types it belongs to, where
 * its value lives and how to render it. Rows are in systemctl's order:
 * type-specific properties, then the exec and kill contexts, then [Unit]. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strv.h"
#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/offline.h"
#include "parse/capability.h"
#include "parse/load_types.h"

enum render {
        R_STR,
        R_STRV,
        R_BOOL,
        R_USEC,
        R_UNSIGNED,
        R_UINT64,
        R_INT,
        R_SIGNAL,
        R_MODE,
        R_ENUM,
        R_ENUM8, /* an enum kept in a uint8_t */
        R_DEPS,
        R_EXEC,
        R_EXIT_STATUS,
        R_CUSTOM,
};

enum base { B_UNIT, B_UNIT_EXTRA, B_SERVICE, B_SERVICE_EXIT, B_SERVICE_EXTRA, B_SERVICE_EXEC, B_SOCKET, B_EXEC, B_EXEC_EXTRA, B_KILL };

enum types { T_SERVICE = 1 << UNIT_SERVICE, T_SOCKET = 1 << UNIT_SOCKET, T_ALL = ~0u, T_EXEC = T_SERVICE | T_SOCKET };
enum { T_PATH = 1 << UNIT_PATH };

struct property;
typedef int (*custom_fn)(const struct property *p, const struct unit *u, char ***values);

struct property {
        const char *name;
        unsigned types;
        enum base base;
        size_t offset;
        enum render render;
        const void *arg; /* to_string function for R_ENUM, custom_fn for R_CUSTOM */
        int kind;        /* dependency kind, rlimit resource, std stream */
};

static int add(char ***values, const char *s)
{
        return strv_extend(values, s);
}

static int addf(char ***values, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int addf(char ***values, const char *fmt, ...)
{
        char *s;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&s, fmt, ap);
        va_end(ap);
        return n < 0 ? -ENOMEM : strv_consume(values, s);
}

static int custom_id(const struct property *p, const struct unit *u, char ***v)
{
        return add(v, u->id);
}

static int custom_names(const struct property *p, const struct unit *u, char ***v)
{
        if (!u->names)
                return add(v, u->id);
        char *j = strv_join(u->names, " ");
        if (!j)
                return -ENOMEM;
        return strv_consume(v, j);
}

static int custom_description(const struct property *p, const struct unit *u, char ***v)
{
        return add(v, u->description ? u->description : u->id);
}

static int custom_load_state(const struct property *p, const struct unit *u, char ***v)
{
        return add(v, unit_load_state_to_string(u->load_state == UNIT_STUB ? UNIT_NOT_FOUND : u->load_state));
}

static int custom_fragment_path(const struct property *p, const struct unit *u, char ***v)
{
        char buf[PATH_MAX];
        const char *fp = unit_fragment_path(u, buf, sizeof buf);
        return fp ? add(v, fp) : 0;
}

static int custom_load_error(const struct property *p, const struct unit *u, char ***v)
{
        switch (u->load_state) {
        case UNIT_NOT_FOUND:
        case UNIT_STUB:
                return addf(v, "org.freedesktop.systemd1.NoSuchUnit \"Unit %s not found.\"", u->id);
        case UNIT_BAD_SETTING:
                return addf(v, "org.freedesktop.systemd1.BadUnitSetting \"Unit %s has a bad unit file setting.\"",
                            u->id);
        case UNIT_MASKED:
                return addf(v, "org.freedesktop.systemd1.UnitMasked \"Unit %s is masked.\"", u->id);
        case UNIT_ERROR:
                return addf(v, "org.freedesktop.DBus.Error.Failed \"Unit %s failed to load properly: %s.\"", u->id,
                            strerror(-u->load_error));
        default:
                return 0;
        }
}

static int custom_documentation(const struct property *p, const struct unit *u, char ***v)
{
        /* systemctl quotes a URI where a shell would need it. */
        char *line = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&line, &len);
        if (!f)
                return -ENOMEM;
        char **doc = unit_extra(u)->documentation;
        STRV_FOREACH(d, doc) {
                if (d != doc)
                        fputc(' ', f);
                ctl_print_word(f, *d, strlen(*d));
        }
        fclose(f);
        if (!line)
                return -ENOMEM;
        if (!*line) {
                free(line);
                return 0;
        }
        return strv_consume(v, line);
}

static int custom_listen(const struct property *p, const struct unit *u, char ***v)
{
        for (const struct listen_spec *l = u->socket->listen; l; l = l->next) {
                char *s = listen_spec_format_show(l);
                if (!s || strv_consume(v, s) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* [Path] settings, by kind: 0 Unit, 1 Paths, 2 MakeDirectory, 3
 * DirectoryMode, 4 TriggerLimitIntervalUSec, 5 TriggerLimitBurst. */
static int custom_path(const struct property *p, const struct unit *u, char ***v)
{
        const struct path_config *c = u->path;
        size_t i = 0;
        char buf[64];
        if (u->load_state != UNIT_LOADED)
                return 0;
        switch (p->kind) {
        case 0: {
                struct unit *t = unit_next_dep(u, UNIT_TRIGGERS, &i);
                return add(v, t ? t->id : "");
        }
        case 1:
                for (unsigned k = 0; k < c->n_specs; k++)
                        if (addf(v, "%s (%s)", c->specs[k].path, path_type_to_string(c->specs[k].type)) < 0)
                                return -ENOMEM;
                return 0;
        case 2:
                return add(v, c->make_directory ? "yes" : "no");
        case 3:
                return addf(v, "%04o", (unsigned) c->directory_mode);
        case 4:
                return add(v, format_timespan(buf, sizeof buf,
                                              c->trigger_limit_interval_usec == USEC_INFINITY
                                                      ? 2 * USEC_PER_SEC
                                                      : c->trigger_limit_interval_usec));
        default:
                return addf(v, "%u", c->trigger_limit_burst == UINT_MAX ? 200 : c->trigger_limit_burst);
        }
}

static int custom_fd_name(const struct property *p, const struct unit *u, char ***v)
{
        return add(v, u->socket->fd_name ? u->socket->fd_name : u->id);
}

static const struct exec_context *exec_ctx(const struct unit *u)
{
        return u->type == UNIT_SERVICE ? &u->service->exec_ctx : &u->socket->exec_ctx;
}

static int custom_std(const struct property *p, const struct unit *u, char ***v)
{
        const struct exec_context *c = exec_ctx(u);
        const char *name, *path;
        const struct exec_extra *x = exec_extra(c);
        if (p->kind == 0) {
                name = exec_input_to_string(c->std_input);
                path = x->std_input_path;
        } else {
                enum exec_output o = p->kind == 1 ? c->std_output : c->std_error;
                name = exec_output_to_string(o);
                path = p->kind == 1 ? x->std_output_path : x->std_error_path;
        }
        if (path)
                return addf(v, "%s:%s", name, path);
        return add(v, name);
}

static int custom_working_directory(const struct property *p, const struct unit *u, char ***v)
{
        const struct exec_context *c = exec_ctx(u);
        if (!c->working_directory)
                return 0;
        return addf(v, "%s%s", c->working_directory_missing_ok ? "!" : "", c->working_directory);
}

static int custom_environment_files(const struct property *p, const struct unit *u, char ***v)
{
        STRV_FOREACH(f, exec_ctx(u)->environment_files) {
                bool ignore = (*f)[0] == '-';
                int r = addf(v, "%s (ignore_errors=%s)", *f + ignore, ignore ? "yes" : "no");
                if (r < 0)
                        return r;
        }
        return 0;
}

/* CapabilityBoundingSet= (kind 1) and AmbientCapabilities=: the names of
 * the capabilities the set holds, as systemctl show lists them. */
static int custom_capabilities(const struct property *p, const struct unit *u, char ***v)
{
        const struct exec_extra *x = exec_extra(exec_ctx(u));
        uint64_t set = p->kind ? x->capability_bounding_set : x->capability_ambient_set;
        char **names = NULL;
        int r = 0;
        for (int cap = 0; cap < 64 && r >= 0; cap++)
                if (capability_to_name(cap) && (set & (UINT64_C(1) << cap)))
                        r = add(&names, capability_to_name(cap));
        char *joined = r < 0 ? NULL : strv_join(names, " ");
        strv_free(names);
        return joined ? strv_consume(v, joined) : -ENOMEM;
}

/* LimitNOFILE= is the hard limit, LimitNOFILESoft= the soft one. */
static int custom_rlimit(const struct property *p, const struct unit *u, char ***v)
{
        const struct exec_extra *c = exec_extra(exec_ctx(u));
        bool soft = strstr(p->name, "Soft") != NULL;
        if (!(c->rlimit_set & (1u << p->kind)))
                return 0;
        const struct rlimit *rl = &c->rlimit[p->kind];
        rlim_t x = soft ? rl->rlim_cur : rl->rlim_max;
        if (x == RLIM_INFINITY)
                return add(v, "infinity");
        return addf(v, "%llu", (unsigned long long) x);
}

static int custom_timeout_start(const struct property *p, const struct unit *u, char ***v)
{
        char buf[64];
        return add(v, format_timespan(buf, sizeof buf, u->service->timeout_start_usec));
}

/* A device's 90 s default is its type's, not in its file (systemd shows it). */
static int custom_job_running_timeout(const struct property *p, const struct unit *u, char ***v)
{
        char buf[64];
        return add(v, format_timespan(buf, sizeof buf, unit_job_running_timeout_usec(u)));
}

static int custom_timeout_abort(const struct property *p, const struct unit *u, char ***v)
{
        char buf[64];
        return add(v, format_timespan(buf, sizeof buf, service_timeout_abort_usec(u->service)));
}

#define PU(name, field, render, arg, kind) { name, T_ALL, B_UNIT, offsetof(struct unit, field), render, arg, kind }
#define PUX(name, field, render, arg, kind) { name, T_ALL, B_UNIT_EXTRA, offsetof(struct unit_extra, field), render, arg, kind }
#define PS(name, field, render, arg) { name, T_SERVICE, B_SERVICE, offsetof(struct service_config, field), render, arg, 0 }
#define PSE(name, field, render, arg) { name, T_SERVICE, B_SERVICE_EXTRA, offsetof(struct service_extra, field), render, arg, 0 }
#define PSL(name, field, render, arg) { name, T_SERVICE, B_SERVICE_EXEC, offsetof(struct service_exec_lists, field), render, arg, 0 }
#define PSX(name, field) { name, T_SERVICE, B_SERVICE_EXIT, offsetof(struct service_exit_status, field), R_EXIT_STATUS, NULL, 0 }
#define PK(name, field, render, arg) { name, T_SOCKET, B_SOCKET, offsetof(struct socket_config, field), render, arg, 0 }
#define PE(name, field, render, arg) { name, T_EXEC, B_EXEC, offsetof(struct exec_context, field), render, arg, 0 }
#define PX(name, field, render, arg) { name, T_EXEC, B_EXEC_EXTRA, offsetof(struct exec_extra, field), render, arg, 0 }
#define PL(name, field, render, arg) { name, T_EXEC, B_KILL, offsetof(struct kill_context, field), render, arg, 0 }
#define CUSTOM(name, types, fn, kind) { name, types, B_UNIT, 0, R_CUSTOM, (const void *) fn, kind }
#define DEP(name, kind) { name, T_ALL, B_UNIT, 0, R_DEPS, NULL, kind }
#define LIMIT(name, res) CUSTOM(name, T_EXEC, custom_rlimit, res), CUSTOM(name "Soft", T_EXEC, custom_rlimit, res)

static const struct property properties[] = {
        PS("Type", type, R_ENUM8, service_type_to_string),
        PSE("ExitType", exit_type, R_ENUM, exit_type_to_string),
        PS("Restart", restart, R_ENUM8, service_restart_to_string),
        PSE("PIDFile", pid_file, R_STR, NULL),
        PS("NotifyAccess", notify_access, R_ENUM8, notify_access_to_string),
        PS("RestartUSec", restart_usec, R_USEC, NULL),
        CUSTOM("TimeoutStartUSec", T_SERVICE, custom_timeout_start, 0),
        PS("TimeoutStopUSec", timeout_stop_usec, R_USEC, NULL),
        /* B_SERVICE, not CUSTOM's B_UNIT: shown for loaded services only, as the field it replaces. */
        { "TimeoutAbortUSec", T_SERVICE, B_SERVICE, 0, R_CUSTOM, (const void *) custom_timeout_abort, 0 },
        PSE("TimeoutStartFailureMode", timeout_start_failure_mode, R_ENUM, timeout_failure_mode_to_string),
        PSE("TimeoutStopFailureMode", timeout_stop_failure_mode, R_ENUM, timeout_failure_mode_to_string),
        PSE("RuntimeMaxUSec", runtime_max_usec, R_USEC, NULL),
        PSE("WatchdogUSec", watchdog_usec, R_USEC, NULL),
        PSX("RestartPreventExitStatus", restart_prevent),
        PSX("RestartForceExitStatus", restart_force),
        PSX("SuccessExitStatus", success),
        PS("RemainAfterExit", remain_after_exit, R_BOOL, NULL),
        PS("GuessMainPID", guess_main_pid, R_BOOL, NULL),
        PSE("BusName", bus_name, R_STR, NULL),
        PSE("FileDescriptorStoreMax", fd_store_max, R_UNSIGNED, NULL),
        PSL("ExecCondition", exec[SERVICE_EXEC_CONDITION], R_EXEC, NULL),
        PSL("ExecStartPre", exec[SERVICE_EXEC_START_PRE], R_EXEC, NULL),
        PS("ExecStart", exec_start, R_EXEC, NULL),
        PSL("ExecStartPost", exec[SERVICE_EXEC_START_POST], R_EXEC, NULL),
        PSL("ExecReload", exec[SERVICE_EXEC_RELOAD], R_EXEC, NULL),
        PSL("ExecStop", exec[SERVICE_EXEC_STOP], R_EXEC, NULL),
        PSL("ExecStopPost", exec[SERVICE_EXEC_STOP_POST], R_EXEC, NULL),

        PK("BindIPv6Only", bind_ipv6_only, R_ENUM, bind_ipv6_only_to_string),
        PK("Backlog", backlog, R_UNSIGNED, NULL),
        PK("SocketMode", socket_mode, R_MODE, NULL),
        PK("DirectoryMode", directory_mode, R_MODE, NULL),
        PK("Accept", accept, R_BOOL, NULL),
        PK("FlushPending", flush_pending, R_BOOL, NULL),
        PK("Writable", writable, R_BOOL, NULL),
        PK("KeepAlive", keep_alive, R_BOOL, NULL),
        PK("DeferAcceptUSec", defer_accept_usec, R_USEC, NULL),
        PK("FreeBind", free_bind, R_BOOL, NULL),
        PK("Transparent", transparent, R_BOOL, NULL),
        PK("Broadcast", broadcast, R_BOOL, NULL),
        PK("PassCredentials", pass_credentials, R_BOOL, NULL),
        PK("PassSecurity", pass_security, R_BOOL, NULL),
        PK("RemoveOnStop", remove_on_stop, R_BOOL, NULL),
        CUSTOM("Listen", T_SOCKET, custom_listen, 0),
        PK("Symlinks", symlinks, R_STRV, NULL),
        PK("NoDelay", no_delay, R_BOOL, NULL),
        PK("ReusePort", reuse_port, R_BOOL, NULL),
        PK("ReceiveBuffer", receive_buffer, R_UINT64, NULL),
        PK("SendBuffer", send_buffer, R_UINT64, NULL),
        PK("SocketUser", socket_user, R_STR, NULL),
        PK("SocketGroup", socket_group, R_STR, NULL),
        PK("MaxConnections", max_connections, R_UNSIGNED, NULL),
        PK("MaxConnectionsPerSource", max_connections_per_source, R_UNSIGNED, NULL),
        CUSTOM("FileDescriptorName", T_SOCKET, custom_fd_name, 0),
        PK("TimeoutUSec", timeout_usec, R_USEC, NULL),
        PK("ExecStartPre", exec[SOCKET_EXEC_START_PRE], R_EXEC, NULL),
        PK("ExecStartPost", exec[SOCKET_EXEC_START_POST], R_EXEC, NULL),
        PK("ExecStopPre", exec[SOCKET_EXEC_STOP_PRE], R_EXEC, NULL),
        PK("ExecStopPost", exec[SOCKET_EXEC_STOP_POST], R_EXEC, NULL),

        CUSTOM("Unit", T_PATH, custom_path, 0),
        CUSTOM("Paths", T_PATH, custom_path, 1),
        CUSTOM("MakeDirectory", T_PATH, custom_path, 2),
        CUSTOM("DirectoryMode", T_PATH, custom_path, 3),
        CUSTOM("TriggerLimitIntervalUSec", T_PATH, custom_path, 4),
        CUSTOM("TriggerLimitBurst", T_PATH, custom_path, 5),

        PE("Environment", environment, R_STRV, NULL),
        CUSTOM("EnvironmentFiles", T_EXEC, custom_environment_files, 0),
        PX("PassEnvironment", pass_environment, R_STRV, NULL),
        PX("UnsetEnvironment", unset_environment, R_STRV, NULL),
        PE("UMask", umask, R_MODE, NULL),
        LIMIT("LimitCPU", RLIMIT_CPU),
        LIMIT("LimitFSIZE", RLIMIT_FSIZE),
        LIMIT("LimitDATA", RLIMIT_DATA),
        LIMIT("LimitSTACK", RLIMIT_STACK),
        LIMIT("LimitCORE", RLIMIT_CORE),
        LIMIT("LimitRSS", RLIMIT_RSS),
        LIMIT("LimitNOFILE", RLIMIT_NOFILE),
        LIMIT("LimitAS", RLIMIT_AS),
        LIMIT("LimitNPROC", RLIMIT_NPROC),
        LIMIT("LimitMEMLOCK", RLIMIT_MEMLOCK),
        LIMIT("LimitLOCKS", RLIMIT_LOCKS),
        LIMIT("LimitSIGPENDING", RLIMIT_SIGPENDING),
        LIMIT("LimitMSGQUEUE", RLIMIT_MSGQUEUE),
        LIMIT("LimitNICE", RLIMIT_NICE),
        LIMIT("LimitRTPRIO", RLIMIT_RTPRIO),
        LIMIT("LimitRTTIME", RLIMIT_RTTIME),
        CUSTOM("WorkingDirectory", T_EXEC, custom_working_directory, 0),
        PX("RootDirectory", root_directory, R_STR, NULL),
        PX("OOMScoreAdjust", oom_score_adjust, R_INT, NULL),
        PX("Nice", nice, R_INT, NULL),
        CUSTOM("StandardInput", T_EXEC, custom_std, 0),
        CUSTOM("StandardOutput", T_EXEC, custom_std, 1),
        CUSTOM("StandardError", T_EXEC, custom_std, 2),
        PX("TTYPath", tty_path, R_STR, NULL),
        PX("SyslogIdentifier", syslog_identifier, R_STR, NULL),
        PX("SyslogPriority", syslog_priority, R_INT, NULL),
        PX("SyslogLevelPrefix", syslog_level_prefix, R_BOOL, NULL),
        PX("TTYReset", tty_reset, R_BOOL, NULL),
        PX("TTYVHangup", tty_vhangup, R_BOOL, NULL),
        PX("TTYVTDisallocate", tty_vt_disallocate, R_BOOL, NULL),
        PE("User", user, R_STR, NULL),
        PE("Group", group, R_STR, NULL),
        PX("SupplementaryGroups", supplementary_groups, R_STRV, NULL),
        PE("IgnoreSIGPIPE", ignore_sigpipe, R_BOOL, NULL),
        PX("RuntimeDirectory", runtime_directory, R_STRV, NULL),
        PX("RuntimeDirectoryMode", runtime_directory_mode, R_MODE, NULL),
        PX("RuntimeDirectoryPreserve", runtime_directory_preserve, R_ENUM, exec_preserve_to_string),
        PX("StateDirectory", state_directory, R_STRV, NULL),
        PX("StateDirectoryMode", state_directory_mode, R_MODE, NULL),
        PX("CacheDirectory", cache_directory, R_STRV, NULL),
        PX("CacheDirectoryMode", cache_directory_mode, R_MODE, NULL),
        PX("LogsDirectory", logs_directory, R_STRV, NULL),
        PX("LogsDirectoryMode", logs_directory_mode, R_MODE, NULL),
        PX("ConfigurationDirectory", configuration_directory, R_STRV, NULL),
        PX("ConfigurationDirectoryMode", configuration_directory_mode, R_MODE, NULL),
        PX("PrivateTmp", private_tmp, R_BOOL, NULL),
        PX("PrivateDevices", private_devices, R_BOOL, NULL),
        PX("ProtectSystem", protect_system, R_ENUM, protect_system_to_string),
        PX("ProtectHome", protect_home, R_ENUM, protect_home_to_string),
        PX("NoNewPrivileges", no_new_privileges, R_BOOL, NULL),
        PX("ReadWritePaths", read_write_paths, R_STRV, NULL),
        PX("ReadOnlyPaths", read_only_paths, R_STRV, NULL),
        CUSTOM("CapabilityBoundingSet", T_EXEC, custom_capabilities, 1),
        CUSTOM("AmbientCapabilities", T_EXEC, custom_capabilities, 0),
        PL("KillMode", kill_mode, R_ENUM8, kill_mode_to_string),
        PL("KillSignal", kill_signal, R_SIGNAL, NULL),
        PL("RestartKillSignal", restart_kill_signal, R_SIGNAL, NULL),
        PL("FinalKillSignal", final_kill_signal, R_SIGNAL, NULL),
        PL("SendSIGKILL", send_sigkill, R_BOOL, NULL),
        PL("SendSIGHUP", send_sighup, R_BOOL, NULL),
        PL("WatchdogSignal", watchdog_signal, R_SIGNAL, NULL),

        CUSTOM("Id", T_ALL, custom_id, 0),
        CUSTOM("Names", T_ALL, custom_names, 0),
        DEP("Requires", UNIT_REQUIRES),
        DEP("Requisite", UNIT_REQUISITE),
        DEP("Wants", UNIT_WANTS),
        DEP("BindsTo", UNIT_BINDS_TO),
        DEP("PartOf", UNIT_PART_OF),
        DEP("Upholds", UNIT_UPHOLDS),
        DEP("RequiredBy", UNIT_REQUIRED_BY),
        DEP("RequisiteOf", UNIT_REQUISITE_OF),
        DEP("WantedBy", UNIT_WANTED_BY),
        DEP("BoundBy", UNIT_BOUND_BY),
        DEP("UpheldBy", UNIT_UPHELD_BY),
        DEP("ConsistsOf", UNIT_CONSISTS_OF),
        DEP("Conflicts", UNIT_CONFLICTS),
        DEP("ConflictedBy", UNIT_CONFLICTED_BY),
        DEP("Before", UNIT_BEFORE),
        DEP("After", UNIT_AFTER),
        DEP("OnSuccess", UNIT_ON_SUCCESS),
        DEP("OnSuccessOf", UNIT_ON_SUCCESS_OF),
        DEP("OnFailure", UNIT_ON_FAILURE),
        DEP("OnFailureOf", UNIT_ON_FAILURE_OF),
        DEP("Triggers", UNIT_TRIGGERS),
        DEP("TriggeredBy", UNIT_TRIGGERED_BY),
        DEP("PropagatesReloadTo", UNIT_PROPAGATES_RELOAD_TO),
        DEP("ReloadPropagatedFrom", UNIT_RELOAD_PROPAGATED_FROM),
        DEP("PropagatesStopTo", UNIT_PROPAGATES_STOP_TO),
        DEP("StopPropagatedFrom", UNIT_STOP_PROPAGATED_FROM),
        PUX("RequiresMountsFor", requires_mounts_for, R_STRV, NULL, 0),
        CUSTOM("Documentation", T_ALL, custom_documentation, 0),
        CUSTOM("Description", T_ALL, custom_description, 0),
        CUSTOM("LoadState", T_ALL, custom_load_state, 0),
        CUSTOM("FragmentPath", T_ALL, custom_fragment_path, 0),
        PUX("SourcePath", source_path, R_STR, NULL, 0),
        PU("DropInPaths", dropin_paths, R_STRV, NULL, 0),
        PU("StopWhenUnneeded", stop_when_unneeded, R_BOOL, NULL, 0),
        PU("RefuseManualStart", refuse_manual_start, R_BOOL, NULL, 0),
        PU("RefuseManualStop", refuse_manual_stop, R_BOOL, NULL, 0),
        PU("AllowIsolate", allow_isolate, R_BOOL, NULL, 0),
        PU("DefaultDependencies", default_dependencies, R_BOOL, NULL, 0),
        PU("IgnoreOnIsolate", ignore_on_isolate, R_BOOL, NULL, 0),
        PUX("JobTimeoutUSec", job_timeout_usec, R_USEC, NULL, 0),
        CUSTOM("JobRunningTimeoutUSec", T_ALL, custom_job_running_timeout, 0),
        PUX("JobTimeoutAction", job_timeout_action, R_ENUM, emergency_action_to_string, 0),
        PUX("StartLimitIntervalUSec", start_limit_interval_usec, R_USEC, NULL, 0),
        PUX("StartLimitBurst", start_limit_burst, R_UNSIGNED, NULL, 0),
        PUX("StartLimitAction", start_limit_action, R_ENUM, emergency_action_to_string, 0),
        PUX("FailureAction", failure_action, R_ENUM, emergency_action_to_string, 0),
        PUX("FailureActionExitStatus", failure_action_exit_status, R_INT, NULL, 0),
        PUX("SuccessAction", success_action, R_ENUM, emergency_action_to_string, 0),
        PUX("SuccessActionExitStatus", success_action_exit_status, R_INT, NULL, 0),
        PUX("RebootArgument", reboot_argument, R_STR, NULL, 0),
        CUSTOM("LoadError", T_ALL, custom_load_error, 0),
};

static const void *field(const struct property *p, const struct unit *u)
{
        const char *base;
        switch (p->base) {
        case B_UNIT_EXTRA:
                base = (const char *) unit_extra(u);
                break;
        case B_SERVICE:
                base = (const char *) u->service;
                break;
        case B_SERVICE_EXIT:
                base = (const char *) service_exit_status(u->service);
                break;
        case B_SERVICE_EXTRA:
                base = (const char *) service_extra(u->service);
                break;
        case B_SERVICE_EXEC: {
                static const struct service_exec_lists none;
                const struct service_exec_lists *l = service_extra(u->service)->exec_more;
                base = (const char *) (l ? l : &none);
                break;
        }
        case B_SOCKET:
                base = (const char *) u->socket;
                break;
        case B_EXEC:
                base = (const char *) exec_ctx(u);
                break;
        case B_EXEC_EXTRA:
                base = (const char *) exec_extra(exec_ctx(u));
                break;
        case B_KILL:
                base = (const char *) (u->type == UNIT_SERVICE ? &u->service->kill : &u->socket->kill);
                break;
        default:
                base = (const char *) u;
        }
        return base + p->offset;
}

/* The property's values (zero or more lines). */
static int render(const struct property *p, const struct unit *u, char ***v)
{
        const void *f = field(p, u);
        char buf[64];

        switch (p->render) {
        case R_STR:
                return *(char *const *) f ? add(v, *(char *const *) f) : 0;
        case R_STRV: {
                char *const *l = *(char **const *) f;
                if (!l)
                        return 0;
                char *j = strv_join(l, " ");
                return j ? strv_consume(v, j) : -ENOMEM;
        }
        case R_BOOL:
                return add(v, *(const bool *) f ? "yes" : "no");
        case R_USEC:
                return add(v, format_timespan(buf, sizeof buf, *(const uint64_t *) f));
        case R_UNSIGNED:
                return addf(v, "%u", *(const unsigned *) f);
        case R_UINT64:
                return addf(v, "%llu", (unsigned long long) *(const uint64_t *) f);
        case R_INT:
                return addf(v, "%d", *(const int *) f);
        case R_SIGNAL: {
                int sig = *(const uint8_t *) f; /* struct kill_context's are bytes */
                if (sig == 0 && strcmp(p->name, "RestartKillSignal") == 0)
                        sig = (u->type == UNIT_SERVICE ? &u->service->kill : &u->socket->kill)->kill_signal;
                return addf(v, "%d", sig);
        }
        case R_MODE:
                return addf(v, "%04o", (unsigned) *(const mode_t *) f);
        case R_ENUM:
        case R_ENUM8: {
                const char *(*to_string)(int) = (const char *(*)(int)) p->arg;
                const char *s = to_string(p->render == R_ENUM8 ? *(const uint8_t *) f : *(const int *) f);
                return s ? add(v, s) : 0;
        }
        case R_DEPS: {
                char *line = NULL;
                size_t len = 0, it = 0;
                struct unit *o;
                FILE *m = open_memstream(&line, &len);
                if (!m)
                        return -ENOMEM;
                for (bool first = true; (o = unit_next_dep(u, p->kind, &it)); first = false)
                        fprintf(m, "%s%s", first ? "" : " ", o->id);
                fclose(m);
                if (!line)
                        return -ENOMEM;
                if (!*line) {
                        free(line);
                        return 0;
                }
                return strv_consume(v, line);
        }
        case R_EXEC:
                for (const struct exec_command *c = *(struct exec_command *const *) f; c; c = c->next) {
                        char *s = exec_command_format_show(c);
                        if (!s || strv_consume(v, s) < 0)
                                return -ENOMEM;
                }
                return 0;
        case R_EXIT_STATUS: {
                char *s = exit_status_set_format(f);
                return s ? strv_consume(v, s) : -ENOMEM;
        }
        case R_CUSTOM:
                return p->arg ? ((custom_fn) p->arg)(p, u, v) : 0;
        }
        return 0;
}

static bool wanted(const struct ctl_options *opts, const char *name)
{
        return !opts->properties || strv_contains(opts->properties, name);
}

static bool applies(const struct property *p, const struct unit *u)
{
        if (!(p->types & (1u << u->type)))
                return false;
        /* Type-specific configuration exists only for a loaded unit; a
         * custom renderer of one type reads it too (TimeoutStartUSec=,
         * Listen=, WorkingDirectory=...). */
        bool of_every_unit = p->base == B_UNIT_EXTRA || (p->base == B_UNIT && p->types == T_ALL);
        return of_every_unit || u->load_state == UNIT_LOADED;
}

static int show_unit(const struct ctl_options *opts, const struct unit *u)
{
        for (size_t i = 0; i < sizeof properties / sizeof properties[0]; i++) {
                const struct property *p = &properties[i];
                char **values = NULL;
                if (!applies(p, u) || !wanted(opts, p->name))
                        continue;
                int r = render(p, u, &values);
                if (r < 0)
                        return r;
                bool empty = !values || (values[0] && !values[1] && !*values[0]);
                if (!values && (opts->all || opts->properties)) {
                        if (opts->value_only)
                                printf("\n");
                        else
                                printf("%s=\n", p->name);
                }
                if (!empty || opts->all || opts->properties)
                        STRV_FOREACH(val, values) {
                                if (opts->value_only)
                                        printf("%s\n", *val);
                                else
                                        printf("%s=%s\n", p->name, *val);
                        }
                strv_free(values);
        }
        return 0;
}

int cmd_show(const struct ctl_options *opts, char **args)
{
        char **names = NULL;
        struct offline o;

        if (!args || !*args) {
                log_error("show: name a unit.");
                return 2;
        }
        char **paths = NULL;
        if (offline_paths_for(opts, &paths) < 0)
                return 1;
        int bad = offline_load_arguments("show", paths, offline_root_for(opts), args, false, &o, &names);
        strv_free(paths);
        if (bad < 0)
                return 1;
        int result = bad > 0;
        STRV_FOREACH(n, names) {
                const struct unit *u = unit_table_get(&o.table, *n);
                if (!u)
                        continue;
                if (n != names)
                        printf("\n");
                if (show_unit(opts, u) < 0) {
                        log_error("show: out of memory");
                        result = 1;
                        break;
                }
        }
        offline_close(&o);
        strv_free(names);
        return result;
}
