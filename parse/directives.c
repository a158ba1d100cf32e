/* The directive table and its lookup; see directives.h.
 *
 * Each row names a key, the sections it may appear in, where its value goes
 * (an offset from one of the config structs in parse/unit.h) and the parser
 * that reads it (parse/directive_parsers.c). directive_apply() finds the
 * row, expands specifiers when the row asks for it, and calls the parser. */
#include "parse/directives.h"
#include "parse/load_types.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "base/macro.h"
#include "parse/directive_parsers.h"
#include "parse/load.h"

enum section_mask {
        SEC_UNIT = 1 << 0,
        SEC_INSTALL = 1 << 1,
        SEC_SERVICE = 1 << 2,
        SEC_SOCKET = 1 << 3,
        SEC_TIMER = 1 << 4,
        SEC_PATH = 1 << 5,
        SEC_MOUNT = 1 << 6,
        SEC_SWAP = 1 << 7,
        SEC_AUTOMOUNT = 1 << 8,
        SEC_SLICE = 1 << 9,
        SEC_SCOPE = 1 << 10,
        SEC_EXEC = SEC_SERVICE | SEC_SOCKET | SEC_MOUNT | SEC_SWAP, /* exec and kill settings */
        SEC_CGROUP = SEC_EXEC | SEC_SCOPE, /* Slice= */
        SEC_KILL = SEC_EXEC | SEC_SCOPE,   /* how processes are stopped */
};

/* Which struct a row's offset is relative to. */
enum base {
        BASE_UNIT,
        BASE_UNIT_EXTRA, /* the unit's rarely-set settings, allocated on first use */
        BASE_SERVICE,
        BASE_SOCKET,
        BASE_EXEC, /* the exec_context of the service or socket */
        BASE_KILL, /* the kill_context of the service or socket */
        BASE_EXEC_EXTRA, /* its exec_extra, allocated on first use */
        BASE_SERVICE_EXIT, /* the service's exit status sets, allocated on first use */
        BASE_SERVICE_EXTRA, /* the service's rarely-set settings, allocated on first use */
        BASE_SERVICE_EXEC,  /* the service's command lists but ExecStart=, likewise */
        BASE_TIMER,
        BASE_MOUNT,
        BASE_SWAP,
        BASE_SCOPE,
        BASE_AUTOMOUNT,
        BASE_PATH,
};

enum row_flags {
        EXPAND = 1 << 0, /* expand %-specifiers before parsing */
};

typedef int (*value_parser)(const struct directive_ctx *ctx, const char *value, void *dest, int arg);

struct directive {
        const char *key;
        unsigned sections;
        enum base base;
        size_t offset;
        value_parser parse;
        int arg;
        unsigned flags;
};

/* ---- the table ---- */

#define U(field) BASE_UNIT, offsetof(struct unit, field)
#define UX(field) BASE_UNIT_EXTRA, offsetof(struct unit_extra, field)
#define SV(field) BASE_SERVICE, offsetof(struct service_config, field)
#define SK(field) BASE_SOCKET, offsetof(struct socket_config, field)
#define MT(field) BASE_MOUNT, offsetof(struct mount_config, field)
#define SW(field) BASE_SWAP, offsetof(struct swap_config, field)
#define SC(field) BASE_SCOPE, offsetof(struct scope_config, field)
#define AM(field) BASE_AUTOMOUNT, offsetof(struct automount_config, field)

#define PA(field) BASE_PATH, offsetof(struct path_config, field)
#define EX(field) BASE_EXEC, offsetof(struct exec_context, field)
#define KL(field) BASE_KILL, offsetof(struct kill_context, field)
#define SX(field) BASE_SERVICE_EXIT, offsetof(struct service_exit_status, field)
#define SE(field) BASE_SERVICE_EXTRA, offsetof(struct service_extra, field)
#define SL(field) BASE_SERVICE_EXEC, offsetof(struct service_exec_lists, field)
#define XX(field) BASE_EXEC_EXTRA, offsetof(struct exec_extra, field)
#define TM(field) BASE_TIMER, offsetof(struct timer_config, field)
#define EXALL BASE_EXEC, 0
#define XXALL BASE_EXEC_EXTRA, 0

static const struct directive directives[] = {
        /* [Unit] */
        { "Description", SEC_UNIT, U(description), directive_parse_string, 0, EXPAND },
        { "Documentation", SEC_UNIT, UX(documentation), directive_parse_list, DIRECTIVE_LIST_ANY, EXPAND },
        { "Requires", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_REQUIRES, EXPAND },
        { "RequiresOverridable", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_REQUIRES, EXPAND },
        { "Requisite", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_REQUISITE, EXPAND },
        { "RequisiteOverridable", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_REQUISITE, EXPAND },
        { "Wants", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_WANTS, EXPAND },
        { "BindsTo", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_BINDS_TO, EXPAND },
        { "BindTo", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_BINDS_TO, EXPAND },
        { "PartOf", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_PART_OF, EXPAND },
        { "Upholds", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_UPHOLDS, EXPAND },
        { "Conflicts", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_CONFLICTS, EXPAND },
        { "Before", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_BEFORE, EXPAND },
        { "After", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_AFTER, EXPAND },
        { "OnFailure", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_ON_FAILURE, EXPAND },
        { "OnSuccess", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_ON_SUCCESS, EXPAND },
        { "PropagatesReloadTo", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_PROPAGATES_RELOAD_TO, EXPAND },
        { "PropagateReloadTo", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_PROPAGATES_RELOAD_TO, EXPAND },
        { "ReloadPropagatedFrom", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_RELOAD_PROPAGATED_FROM, EXPAND },
        { "PropagateReloadFrom", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_RELOAD_PROPAGATED_FROM, EXPAND },
        { "PropagatesStopTo", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_PROPAGATES_STOP_TO, EXPAND },
        { "StopPropagatedFrom", SEC_UNIT, U(edges), directive_parse_dependency, UNIT_STOP_PROPAGATED_FROM, EXPAND },
        { "DefaultDependencies", SEC_UNIT, U(default_dependencies), directive_parse_bool_field, 0, 0 },
        { "RefuseManualStart", SEC_UNIT, U(refuse_manual_start), directive_parse_bool_field, 0, 0 },
        { "RefuseManualStop", SEC_UNIT, U(refuse_manual_stop), directive_parse_bool_field, 0, 0 },
        { "AllowIsolate", SEC_UNIT, U(allow_isolate), directive_parse_bool_field, 0, 0 },
        { "StopWhenUnneeded", SEC_UNIT, U(stop_when_unneeded), directive_parse_bool_field, 0, 0 },
        { "IgnoreOnIsolate", SEC_UNIT, U(ignore_on_isolate), directive_parse_bool_field, 0, 0 },
        { "StartLimitIntervalSec", SEC_UNIT, UX(start_limit_interval_usec), directive_parse_timespan_field, 0, 0 },
        { "StartLimitInterval", SEC_UNIT | SEC_SERVICE, UX(start_limit_interval_usec), directive_parse_timespan_field, 0, 0 },
        { "StartLimitBurst", SEC_UNIT | SEC_SERVICE, UX(start_limit_burst), directive_parse_unsigned_field, 0, 0 },
        { "StartLimitAction", SEC_UNIT | SEC_SERVICE, UX(start_limit_action), directive_parse_enum, DIRECTIVE_ENUM_ACTION, 0 },
        { "FailureAction", SEC_UNIT | SEC_SERVICE, UX(failure_action), directive_parse_enum, DIRECTIVE_ENUM_ACTION, 0 },
        { "SuccessAction", SEC_UNIT, UX(success_action), directive_parse_enum, DIRECTIVE_ENUM_ACTION, 0 },
        { "FailureActionExitStatus", SEC_UNIT, UX(failure_action_exit_status), directive_parse_exit_status_code, 0, 0 },
        { "SuccessActionExitStatus", SEC_UNIT, UX(success_action_exit_status), directive_parse_exit_status_code, 0, 0 },
        { "JobTimeoutSec", SEC_UNIT, UX(job_timeout_usec), directive_parse_job_timeout, 0, 0 },
        { "JobRunningTimeoutSec", SEC_UNIT, UX(job_running_timeout_usec), directive_parse_job_timeout, 1, 0 },
        { "JobTimeoutAction", SEC_UNIT, UX(job_timeout_action), directive_parse_enum, DIRECTIVE_ENUM_ACTION, 0 },
        { "CollectMode", SEC_UNIT, UX(collect_mode), directive_parse_enum, DIRECTIVE_ENUM_COLLECT, 0 },
        { "RebootArgument", SEC_UNIT | SEC_SERVICE, UX(reboot_argument), directive_parse_string, 0, 0 },
        { "SourcePath", SEC_UNIT, UX(source_path), directive_parse_path, 0, EXPAND },
        { "RequiresMountsFor", SEC_UNIT, UX(requires_mounts_for), directive_parse_list, DIRECTIVE_LIST_PATHS, EXPAND },
        { "Condition*", SEC_UNIT, U(conditions), directive_parse_condition, 0, EXPAND },
        { "Assert*", SEC_UNIT, UX(asserts), directive_parse_condition, 0, EXPAND },

        /* [Install] */
        { "WantedBy", SEC_INSTALL, UX(install_wanted_by), directive_parse_list, DIRECTIVE_LIST_UNITS, EXPAND },
        { "RequiredBy", SEC_INSTALL, UX(install_required_by), directive_parse_list, DIRECTIVE_LIST_UNITS, EXPAND },
        { "Alias", SEC_INSTALL, UX(install_alias), directive_parse_list, DIRECTIVE_LIST_UNITS, EXPAND },
        { "Also", SEC_INSTALL, UX(install_also), directive_parse_list, DIRECTIVE_LIST_UNITS, EXPAND },
        { "DefaultInstance", SEC_INSTALL, UX(default_instance), directive_parse_string, 0, EXPAND },

        /* [Service] */
        { "Type", SEC_SERVICE, SV(type), directive_parse_enum8, DIRECTIVE_ENUM_TYPE, 0 },
        { "Restart", SEC_SERVICE, SV(restart), directive_parse_enum8, DIRECTIVE_ENUM_RESTART, 0 },
        { "RemainAfterExit", SEC_SERVICE, SV(remain_after_exit), directive_parse_bool_field, 0, 0 },
        { "GuessMainPID", SEC_SERVICE, SV(guess_main_pid), directive_parse_bool_field, 0, 0 },
        { "PIDFile", SEC_SERVICE, SE(pid_file), directive_parse_pid_file, 0, EXPAND },
        { "BusName", SEC_SERVICE, SE(bus_name), directive_parse_string, 0, EXPAND },
        { "ExecCondition", SEC_SERVICE, SL(exec[SERVICE_EXEC_CONDITION]), directive_parse_exec, 0, 0 },
        { "ExecStartPre", SEC_SERVICE, SL(exec[SERVICE_EXEC_START_PRE]), directive_parse_exec, 0, 0 },
        { "ExecStart", SEC_SERVICE, SV(exec_start), directive_parse_exec, 0, 0 },
        { "ExecStartPost", SEC_SERVICE, SL(exec[SERVICE_EXEC_START_POST]), directive_parse_exec, 0, 0 },
        { "ExecReload", SEC_SERVICE, SL(exec[SERVICE_EXEC_RELOAD]), directive_parse_exec, 0, 0 },
        { "ExecStop", SEC_SERVICE, SL(exec[SERVICE_EXEC_STOP]), directive_parse_exec, 0, 0 },
        { "ExecStopPost", SEC_SERVICE, SL(exec[SERVICE_EXEC_STOP_POST]), directive_parse_exec, 0, 0 },
        { "RestartSec", SEC_SERVICE, SV(restart_usec), directive_parse_timespan_field, 0, 0 },
        { "TimeoutStartSec", SEC_SERVICE, SV(timeout_start_usec), directive_parse_timeout, 1, 0 },
        { "TimeoutStopSec", SEC_SERVICE, SV(timeout_stop_usec), directive_parse_timeout, 0, 0 },
        { "TimeoutSec", SEC_SERVICE, SV(timeout_start_usec), directive_parse_timeout_both, 0, 0 },
        { "TimeoutAbortSec", SEC_SERVICE, SE(timeout_abort_usec), directive_parse_timeout_abort, 0, 0 },
        { "TimeoutStartFailureMode", SEC_SERVICE, SE(timeout_start_failure_mode), directive_parse_enum, DIRECTIVE_ENUM_TIMEOUT_MODE, 0 },
        { "TimeoutStopFailureMode", SEC_SERVICE, SE(timeout_stop_failure_mode), directive_parse_enum, DIRECTIVE_ENUM_TIMEOUT_MODE, 0 },
        { "RuntimeMaxSec", SEC_SERVICE, SE(runtime_max_usec), directive_parse_timeout, 0, 0 },
        { "WatchdogSec", SEC_SERVICE, SE(watchdog_usec), directive_parse_timespan_field, 0, 0 },
        { "SuccessExitStatus", SEC_SERVICE, SX(success), directive_parse_exit_status, 0, 0 },
        { "RestartPreventExitStatus", SEC_SERVICE, SX(restart_prevent), directive_parse_exit_status, 0, 0 },
        { "RestartForceExitStatus", SEC_SERVICE, SX(restart_force), directive_parse_exit_status, 0, 0 },
        { "NotifyAccess", SEC_SERVICE, SV(notify_access), directive_parse_enum8, DIRECTIVE_ENUM_NOTIFY, 0 },
        { "FileDescriptorStoreMax", SEC_SERVICE, SE(fd_store_max), directive_parse_unsigned_field, 0, 0 },
        { "ExitType", SEC_SERVICE, SE(exit_type), directive_parse_enum, DIRECTIVE_ENUM_EXIT_TYPE, 0 },
        { "Sockets", SEC_SERVICE, SE(sockets), directive_parse_list, DIRECTIVE_LIST_UNITS, EXPAND },

        /* [Socket] */
        { "ListenStream", SEC_SOCKET, SK(listen), directive_parse_listen, LISTEN_STREAM, EXPAND },
        { "ListenDatagram", SEC_SOCKET, SK(listen), directive_parse_listen, LISTEN_DATAGRAM, EXPAND },
        { "ListenSequentialPacket", SEC_SOCKET, SK(listen), directive_parse_listen, LISTEN_SEQPACKET, EXPAND },
        { "ListenFIFO", SEC_SOCKET, SK(listen), directive_parse_listen, LISTEN_FIFO, EXPAND },
        { "ListenSpecial", SEC_SOCKET, SK(listen), directive_parse_listen, LISTEN_SPECIAL, EXPAND },
        { "ListenNetlink", SEC_SOCKET, SK(listen), directive_parse_listen, LISTEN_NETLINK, EXPAND },
        { "Accept", SEC_SOCKET, SK(accept), directive_parse_accept, 0, 0 },
        { "MaxConnections", SEC_SOCKET, SK(max_connections), directive_parse_unsigned_field, 0, 0 },
        { "MaxConnectionsPerSource", SEC_SOCKET, SK(max_connections_per_source), directive_parse_unsigned_field, 0, 0 },
        { "Service", SEC_SOCKET, SK(service), directive_parse_unit_name_field, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE, EXPAND },
        { "FileDescriptorName", SEC_SOCKET, SK(fd_name), directive_parse_fd_name, 0, EXPAND },
        { "SocketMode", SEC_SOCKET, SK(socket_mode), directive_parse_mode_field, 0, 0 },
        { "DirectoryMode", SEC_SOCKET, SK(directory_mode), directive_parse_mode_field, 0, 0 },
        { "SocketUser", SEC_SOCKET, SK(socket_user), directive_parse_string, 0, EXPAND },
        { "SocketGroup", SEC_SOCKET, SK(socket_group), directive_parse_string, 0, EXPAND },
        { "Backlog", SEC_SOCKET, SK(backlog), directive_parse_unsigned_field, 0, 0 },
        { "BindIPv6Only", SEC_SOCKET, SK(bind_ipv6_only), directive_parse_enum, DIRECTIVE_ENUM_BIND6, 0 },
        { "ReusePort", SEC_SOCKET, SK(reuse_port), directive_parse_bool_field, 0, 0 },
        { "FreeBind", SEC_SOCKET, SK(free_bind), directive_parse_bool_field, 0, 0 },
        { "Transparent", SEC_SOCKET, SK(transparent), directive_parse_bool_field, 0, 0 },
        { "Broadcast", SEC_SOCKET, SK(broadcast), directive_parse_bool_field, 0, 0 },
        { "RemoveOnStop", SEC_SOCKET, SK(remove_on_stop), directive_parse_bool_field, 0, 0 },
        { "PassCredentials", SEC_SOCKET, SK(pass_credentials), directive_parse_bool_field, 0, 0 },
        { "PassSecurity", SEC_SOCKET, SK(pass_security), directive_parse_bool_field, 0, 0 },
        { "KeepAlive", SEC_SOCKET, SK(keep_alive), directive_parse_bool_field, 0, 0 },
        { "NoDelay", SEC_SOCKET, SK(no_delay), directive_parse_bool_field, 0, 0 },
        { "Writable", SEC_SOCKET, SK(writable), directive_parse_bool_field, 0, 0 },
        { "FlushPending", SEC_SOCKET, SK(flush_pending), directive_parse_bool_field, 0, 0 },
        { "Symlinks", SEC_SOCKET, SK(symlinks), directive_parse_list, DIRECTIVE_LIST_PATHS, EXPAND },
        { "TriggerLimitIntervalSec", SEC_SOCKET, SK(trigger_limit_interval_usec), directive_parse_timespan_field, 0, 0 },
        { "TriggerLimitBurst", SEC_SOCKET, SK(trigger_limit_burst), directive_parse_unsigned_field, 0, 0 },
        { "ReceiveBuffer", SEC_SOCKET, SK(receive_buffer), directive_parse_size_field, 0, 0 },
        { "SendBuffer", SEC_SOCKET, SK(send_buffer), directive_parse_size_field, 0, 0 },
        { "DeferAcceptSec", SEC_SOCKET, SK(defer_accept_usec), directive_parse_timespan_field, 0, 0 },
        { "TimeoutSec", SEC_SOCKET, SK(timeout_usec), directive_parse_timeout, 0, 0 },
        { "ExecStartPre", SEC_SOCKET, SK(exec[SOCKET_EXEC_START_PRE]), directive_parse_exec, 0, 0 },
        { "ExecStartPost", SEC_SOCKET, SK(exec[SOCKET_EXEC_START_POST]), directive_parse_exec, 0, 0 },
        { "ExecStopPre", SEC_SOCKET, SK(exec[SOCKET_EXEC_STOP_PRE]), directive_parse_exec, 0, 0 },
        { "ExecStopPost", SEC_SOCKET, SK(exec[SOCKET_EXEC_STOP_POST]), directive_parse_exec, 0, 0 },

        /* [Timer] */
        { "OnActiveSec", SEC_TIMER, TM(values), directive_parse_timer_value, TIMER_ACTIVE, 0 },
        { "OnBootSec", SEC_TIMER, TM(values), directive_parse_timer_value, TIMER_BOOT, 0 },
        { "OnStartupSec", SEC_TIMER, TM(values), directive_parse_timer_value, TIMER_STARTUP, 0 },
        { "OnUnitActiveSec", SEC_TIMER, TM(values), directive_parse_timer_value, TIMER_UNIT_ACTIVE, 0 },
        { "OnUnitInactiveSec", SEC_TIMER, TM(values), directive_parse_timer_value, TIMER_UNIT_INACTIVE, 0 },
        { "OnCalendar", SEC_TIMER, TM(values), directive_parse_timer_value, TIMER_CALENDAR, EXPAND },
        { "AccuracySec", SEC_TIMER, TM(accuracy_usec), directive_parse_timer_accuracy, 0, 0 },
        { "RandomizedDelaySec", SEC_TIMER, TM(randomized_delay_usec), directive_parse_timespan_field, 0, 0 },
        { "FixedRandomDelay", SEC_TIMER, TM(fixed_random_delay), directive_parse_bool_field, 0, 0 },
        { "Persistent", SEC_TIMER, TM(persistent), directive_parse_bool_field, 0, 0 },
        { "WakeSystem", SEC_TIMER, TM(wake_system), directive_parse_bool_field, 0, 0 },
        { "RemainAfterElapse", SEC_TIMER, TM(remain_after_elapse), directive_parse_bool_field, 0, 0 },
        { "OnClockChange", SEC_TIMER, TM(on_clock_change), directive_parse_bool_field, 0, 0 },
        { "OnTimezoneChange", SEC_TIMER, TM(on_timezone_change), directive_parse_bool_field, 0, 0 },
        { "Unit", SEC_TIMER, TM(unit), directive_parse_unit_name_field, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE, EXPAND },
        /* [Mount], [Swap], [Automount] (parse/load_mount.c, load_swap.c, load_automount.c) */
        { "What", SEC_MOUNT, MT(what), directive_parse_string, 0, EXPAND },
        { "Where", SEC_MOUNT, MT(where), directive_parse_located_path, 0, EXPAND },
        { "Type", SEC_MOUNT, MT(fs_type), directive_parse_string, 0, EXPAND },
        { "Options", SEC_MOUNT, MT(options), directive_parse_string, 0, EXPAND },
        { "SloppyOptions", SEC_MOUNT, MT(sloppy_options), directive_parse_bool_field, 0, 0 },
        { "LazyUnmount", SEC_MOUNT, MT(lazy_unmount), directive_parse_bool_field, 0, 0 },
        { "ForceUnmount", SEC_MOUNT, MT(force_unmount), directive_parse_bool_field, 0, 0 },
        { "ReadWriteOnly", SEC_MOUNT, MT(read_write_only), directive_parse_bool_field, 0, 0 },
        { "DirectoryMode", SEC_MOUNT, MT(directory_mode), directive_parse_mode_field, 0, 0 },
        { "TimeoutSec", SEC_MOUNT, MT(timeout_usec), directive_parse_timeout, 0, 0 },
        { "What", SEC_SWAP, SW(what), directive_parse_located_path, 0, EXPAND },
        { "Options", SEC_SWAP, SW(options), directive_parse_string, 0, EXPAND },
        { "Priority", SEC_SWAP, SW(priority), directive_parse_int_field, 0, 0 },
        { "TimeoutSec", SEC_SWAP, SW(timeout_usec), directive_parse_timeout, 0, 0 },
        { "Where", SEC_AUTOMOUNT, AM(where), directive_parse_located_path, 0, EXPAND },
        { "ExtraOptions", SEC_AUTOMOUNT, AM(extra_options), directive_parse_string, 0, EXPAND },
        { "DirectoryMode", SEC_AUTOMOUNT, AM(directory_mode), directive_parse_mode_field, 0, 0 },
        { "TimeoutIdleSec", SEC_AUTOMOUNT, AM(timeout_idle_usec), directive_parse_timespan_field, 0, 0 },
        { "Slice", SEC_CGROUP, UX(slice), directive_parse_unit_name_field, UNIT_NAME_PLAIN, EXPAND },
        /* [Path]; the five path settings append to one list (load_path.c) */
        { "PathExists", SEC_PATH, PA(specs), directive_parse_path_spec, PATH_EXISTS, EXPAND },
        { "PathExistsGlob", SEC_PATH, PA(specs), directive_parse_path_spec, PATH_EXISTS_GLOB, EXPAND },
        { "PathChanged", SEC_PATH, PA(specs), directive_parse_path_spec, PATH_CHANGED, EXPAND },
        { "PathModified", SEC_PATH, PA(specs), directive_parse_path_spec, PATH_MODIFIED, EXPAND },
        { "DirectoryNotEmpty", SEC_PATH, PA(specs), directive_parse_path_spec, PATH_DIRECTORY_NOT_EMPTY, EXPAND },
        { "Unit", SEC_PATH, PA(unit), directive_parse_unit_name_field, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE, EXPAND },
        { "MakeDirectory", SEC_PATH, PA(make_directory), directive_parse_bool_field, 0, 0 },
        { "DirectoryMode", SEC_PATH, PA(directory_mode), directive_parse_mode_field, 0, 0 },
        { "TriggerLimitIntervalSec", SEC_PATH, PA(trigger_limit_interval_usec), directive_parse_timespan_field, 0, 0 },
        { "TriggerLimitBurst", SEC_PATH, PA(trigger_limit_burst), directive_parse_unsigned_field, 0, 0 },

        /* Execution environment, in [Service] and [Socket] */
        { "Environment", SEC_EXEC, EX(environment), directive_parse_environment, 0, EXPAND },
        { "EnvironmentFile", SEC_EXEC, EX(environment_files), directive_parse_append_one, 0, EXPAND },
        { "PassEnvironment", SEC_EXEC, XX(pass_environment), directive_parse_list, DIRECTIVE_LIST_ANY, EXPAND },
        { "UnsetEnvironment", SEC_EXEC, XX(unset_environment), directive_parse_list, DIRECTIVE_LIST_ANY, EXPAND },
        { "User", SEC_EXEC, EX(user), directive_parse_string, 0, EXPAND },
        { "Group", SEC_EXEC, EX(group), directive_parse_string, 0, EXPAND },
        { "SupplementaryGroups", SEC_EXEC, XX(supplementary_groups), directive_parse_list, DIRECTIVE_LIST_ANY, EXPAND },
        { "WorkingDirectory", SEC_EXEC, EXALL, directive_parse_working_directory, 0, EXPAND },
        { "RootDirectory", SEC_EXEC, XX(root_directory), directive_parse_path, 0, EXPAND },
        { "UMask", SEC_EXEC, EX(umask), directive_parse_mode_field, 0, 0 },
        { "StandardInput", SEC_EXEC, EXALL, directive_parse_std, 0, EXPAND },
        { "StandardOutput", SEC_EXEC, EXALL, directive_parse_std, 1, EXPAND },
        { "StandardError", SEC_EXEC, EXALL, directive_parse_std, 2, EXPAND },
        { "Nice", SEC_EXEC, XXALL, directive_parse_nice, 0, 0 },
        { "OOMScoreAdjust", SEC_EXEC, XXALL, directive_parse_oom, 0, 0 },
        { "IgnoreSIGPIPE", SEC_EXEC, EX(ignore_sigpipe), directive_parse_bool_field, 0, 0 },
        { "TTYPath", SEC_EXEC, XX(tty_path), directive_parse_path, 0, EXPAND },
        { "SyslogIdentifier", SEC_EXEC, XX(syslog_identifier), directive_parse_string, 0, EXPAND },
        { "SyslogLevel", SEC_EXEC, XX(syslog_priority), directive_parse_syslog, 0, 0 },
        { "SyslogFacility", SEC_EXEC, XX(syslog_priority), directive_parse_syslog, 1, 0 },
        { "SyslogLevelPrefix", SEC_EXEC, XX(syslog_level_prefix), directive_parse_bool_field, 0, 0 },
        { "TTYReset", SEC_EXEC, XX(tty_reset), directive_parse_bool_field, 0, 0 },
        { "TTYVHangup", SEC_EXEC, XX(tty_vhangup), directive_parse_bool_field, 0, 0 },
        { "TTYVTDisallocate", SEC_EXEC, XX(tty_vt_disallocate), directive_parse_bool_field, 0, 0 },
        { "RuntimeDirectory", SEC_EXEC, XX(runtime_directory), directive_parse_list, DIRECTIVE_LIST_EXEC_DIRS, EXPAND },
        { "StateDirectory", SEC_EXEC, XX(state_directory), directive_parse_list, DIRECTIVE_LIST_EXEC_DIRS, EXPAND },
        { "CacheDirectory", SEC_EXEC, XX(cache_directory), directive_parse_list, DIRECTIVE_LIST_EXEC_DIRS, EXPAND },
        { "LogsDirectory", SEC_EXEC, XX(logs_directory), directive_parse_list, DIRECTIVE_LIST_EXEC_DIRS, EXPAND },
        { "ConfigurationDirectory", SEC_EXEC, XX(configuration_directory), directive_parse_list, DIRECTIVE_LIST_EXEC_DIRS, EXPAND },
        { "RuntimeDirectoryMode", SEC_EXEC, XX(runtime_directory_mode), directive_parse_mode_field, 0, 0 },
        { "StateDirectoryMode", SEC_EXEC, XX(state_directory_mode), directive_parse_mode_field, 0, 0 },
        { "CacheDirectoryMode", SEC_EXEC, XX(cache_directory_mode), directive_parse_mode_field, 0, 0 },
        { "LogsDirectoryMode", SEC_EXEC, XX(logs_directory_mode), directive_parse_mode_field, 0, 0 },
        { "ConfigurationDirectoryMode", SEC_EXEC, XX(configuration_directory_mode), directive_parse_mode_field, 0, 0 },
        { "RuntimeDirectoryPreserve", SEC_EXEC, XX(runtime_directory_preserve), directive_parse_enum, DIRECTIVE_ENUM_PRESERVE, 0 },
        { "PrivateTmp", SEC_EXEC, XX(private_tmp), directive_parse_bool_field, 0, 0 },
        { "PrivateDevices", SEC_EXEC, XX(private_devices), directive_parse_bool_field, 0, 0 },
        { "ProtectSystem", SEC_EXEC, XX(protect_system), directive_parse_enum, DIRECTIVE_ENUM_PROTECT_SYSTEM, 0 },
        { "ProtectHome", SEC_EXEC, XX(protect_home), directive_parse_enum, DIRECTIVE_ENUM_PROTECT_HOME, 0 },
        { "LoadCredential", SEC_SERVICE, XX(load_credential), directive_parse_load_credential, 0, EXPAND },
        { "SetCredential", SEC_SERVICE, XX(set_credential), directive_parse_set_credential, 0, EXPAND },
        { "ReadWritePaths", SEC_EXEC, XX(read_write_paths), directive_parse_list, DIRECTIVE_LIST_NAMESPACE_PATHS, EXPAND },
        { "ReadOnlyPaths", SEC_EXEC, XX(read_only_paths), directive_parse_list, DIRECTIVE_LIST_NAMESPACE_PATHS, EXPAND },
        { "NoNewPrivileges", SEC_EXEC, XX(no_new_privileges), directive_parse_bool_field, 0, 0 },
        { "CapabilityBoundingSet", SEC_EXEC, XX(capability_bounding_set), directive_parse_capability_set, 1, 0 },
        { "AmbientCapabilities", SEC_EXEC, XX(capability_ambient_set), directive_parse_capability_set, 0, 0 },
        { "LimitCPU", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_CPU, 0 },
        { "LimitFSIZE", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_FSIZE, 0 },
        { "LimitDATA", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_DATA, 0 },
        { "LimitSTACK", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_STACK, 0 },
        { "LimitCORE", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_CORE, 0 },
        { "LimitRSS", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_RSS, 0 },
        { "LimitNOFILE", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_NOFILE, 0 },
        { "LimitAS", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_AS, 0 },
        { "LimitNPROC", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_NPROC, 0 },
        { "LimitMEMLOCK", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_MEMLOCK, 0 },
        { "LimitLOCKS", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_LOCKS, 0 },
        { "LimitSIGPENDING", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_SIGPENDING, 0 },
        { "LimitMSGQUEUE", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_MSGQUEUE, 0 },
        { "LimitNICE", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_NICE, 0 },
        { "LimitRTPRIO", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_RTPRIO, 0 },
        { "LimitRTTIME", SEC_EXEC, XXALL, directive_parse_rlimit_field, RLIMIT_RTTIME, 0 },

        /* Killing, in [Service], [Socket], [Mount], [Swap] and (what it can) [Scope] */
        { "KillMode", SEC_KILL, KL(kill_mode), directive_parse_enum8, DIRECTIVE_ENUM_KILL_MODE, 0 },
        { "KillSignal", SEC_KILL, KL(kill_signal), directive_parse_signal_field, 0, 0 },
        { "RestartKillSignal", SEC_EXEC, KL(restart_kill_signal), directive_parse_signal_field, 0, 0 },
        { "FinalKillSignal", SEC_EXEC, KL(final_kill_signal), directive_parse_signal_field, 0, 0 },
        { "WatchdogSignal", SEC_EXEC, KL(watchdog_signal), directive_parse_signal_field, 0, 0 },
        { "SendSIGKILL", SEC_KILL, KL(send_sigkill), directive_parse_bool_field, 0, 0 },
        { "SendSIGHUP", SEC_KILL, KL(send_sighup), directive_parse_bool_field, 0, 0 },
        { "TimeoutStopSec", SEC_SCOPE, SC(timeout_stop_usec), directive_parse_timeout, 0, 0 },
};

#undef U
#undef SV
#undef SK
#undef EX
#undef KL
#undef EXALL
#undef TM

extern const char *const directive_unsupported[];
extern const size_t directive_unsupported_count;

static unsigned section_bit(const char *section)
{
        static const struct {
                const char *name;
                unsigned bit;
        } sections[] = {
                { "Unit", SEC_UNIT },
                { "Install", SEC_INSTALL },
                { "Service", SEC_SERVICE },
                { "Socket", SEC_SOCKET },
                { "Timer", SEC_TIMER },
                { "Mount", SEC_MOUNT },
                { "Swap", SEC_SWAP },
                { "Automount", SEC_AUTOMOUNT },
                { "Slice", SEC_SLICE },
                { "Scope", SEC_SCOPE },
                { "Path", SEC_PATH },
        };
        for (size_t i = 0; i < ELEMENTSOF(sections); i++)
                if (section[0] == sections[i].name[0] && strcmp(section, sections[i].name) == 0)
                        return sections[i].bit;
        return 0;
}

int directive_section_known(enum unit_type type, const char *section)
{
        unsigned bit = section_bit(section);
        const struct unit_load_ops *ops = unit_load_ops(type);
        return bit == SEC_UNIT || bit == SEC_INSTALL || (ops && ops->section && strcmp(section, ops->section) == 0);
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static const struct directive *find_directive(const char *section, const char *key);

/* Is Section.Key one of systemd's directives? */
static bool is_systemd_directive(const char *section, const char *key)
{
        char name[256];
        const char *p = name;
        size_t a = strlen(section), b = strlen(key);
        if (a + 1 + b < sizeof name) {
                memcpy(name, section, a);
                name[a] = '.';
                memcpy(name + a + 1, key, b + 1);
        } else
                snprintf(name, sizeof name, "%s.%s", section, key);
        if (bsearch(&p, directive_unsupported, directive_unsupported_count, sizeof(char *), compare_names))
                return true;
        /* The resource-control, exec and kill settings of a mount, swap,
         * slice or scope are the ones systemd takes in [Service] too. */
        static const char *const cgroup_sections[] = { "Mount", "Swap", "Slice", "Scope" };
        for (size_t i = 0; i < ELEMENTSOF(cgroup_sections); i++)
                if (strcmp(section, cgroup_sections[i]) == 0)
                        return is_systemd_directive("Service", key) || find_directive("Service", key);
        return false;
}

/* "Condition*" rows take every condition systemd knows, and only those. */
static bool key_matches(const char *pattern, const char *section, const char *key)
{
        /* Most rows differ in the first byte: settle those without a call. */
        if (pattern[0] != key[0])
                return false;
        size_t n = strlen(pattern);
        if (pattern[n - 1] == '*')
                return strncmp(pattern, key, n - 1) == 0 && is_systemd_directive(section, key);
        return strcmp(pattern, key) == 0;
}

/* Every assignment of every unit file looks its key up, so the table has
 * an index by key, built on first use: a hash of the exact keys, each
 * slot holding its key's first row and each row the next row with the same
 * key (the sections differ), and apart, the few pattern rows. A lookup
 * returns the first row in table order that takes the key in that section,
 * as a scan of the table would. */
#define KEY_SLOTS 1024 /* a power of two, over four times the rows */
static struct {
        uint16_t slot[KEY_SLOTS];                 /* first row + 1; 0: empty */
        uint16_t next[ELEMENTSOF(directives)];    /* next row with the key + 1; 0: none */
        uint16_t patterns[ELEMENTSOF(directives)]; /* the "Prefix*" rows, in table order */
        size_t n_patterns;
} key_index;
static pthread_once_t key_index_once = PTHREAD_ONCE_INIT;

static bool is_pattern(const char *key)
{
        return key[strlen(key) - 1] == '*';
}

static void key_index_build(void)
{
        _Static_assert(ELEMENTSOF(directives) * 4 <= KEY_SLOTS && ELEMENTSOF(directives) < UINT16_MAX,
                       "the directive index needs more slots");
        uint16_t *tail[KEY_SLOTS] = { 0 }; /* where the key's chain ends */

        for (size_t i = 0; i < ELEMENTSOF(directives); i++) {
                const char *key = directives[i].key;
                if (is_pattern(key)) {
                        key_index.patterns[key_index.n_patterns++] = i;
                        continue;
                }
                size_t s = hash_string(key) & (KEY_SLOTS - 1);
                while (key_index.slot[s] && strcmp(directives[key_index.slot[s] - 1].key, key) != 0)
                        s = (s + 1) & (KEY_SLOTS - 1);
                if (key_index.slot[s])
                        *tail[s] = i + 1;
                else
                        key_index.slot[s] = i + 1;
                tail[s] = &key_index.next[i];
        }
}

static const struct directive *find_directive(const char *section, const char *key)
{
        unsigned bit = section_bit(section);
        size_t best = SIZE_MAX;

        pthread_once(&key_index_once, key_index_build);
        for (size_t s = hash_string(key) & (KEY_SLOTS - 1); key_index.slot[s]; s = (s + 1) & (KEY_SLOTS - 1))
                if (strcmp(directives[key_index.slot[s] - 1].key, key) == 0) {
                        for (size_t i = key_index.slot[s]; i; i = key_index.next[i - 1])
                                if (directives[i - 1].sections & bit) {
                                        best = i - 1;
                                        break;
                                }
                        break;
                }
        for (size_t p = 0; p < key_index.n_patterns; p++) {
                size_t i = key_index.patterns[p];
                if (i < best && (directives[i].sections & bit) && key_matches(directives[i].key, section, key))
                        return &directives[i];
        }
        return best == SIZE_MAX ? NULL : &directives[best];
}

/* The exec and kill settings of the section's type. */
static void *destination(const struct directive *d, struct unit *u)
{
        struct service_extra *x;
        char *base;
        switch (d->base) {
        case BASE_UNIT:
                base = (char *) u;
                break;
        case BASE_UNIT_EXTRA:
                base = (char *) unit_config_extra(u);
                if (!base)
                        return NULL;
                break;
        case BASE_SERVICE:
                base = (char *) u->service;
                break;
        case BASE_SOCKET:
                base = (char *) u->socket;
                break;
        case BASE_TIMER:
                base = (char *) u->timer;
                break;
        case BASE_MOUNT:
                base = (char *) u->mount;
                break;
        case BASE_SWAP:
                base = (char *) u->swap;
                break;
        case BASE_SCOPE:
                base = (char *) u->scope;
                break;
        case BASE_AUTOMOUNT:
                base = (char *) u->automount;
                break;
        case BASE_PATH:
                base = (char *) u->path;
                break;
        case BASE_EXEC:
                base = (char *) unit_exec_context_mut(u);
                break;
        case BASE_KILL:
                base = (char *) unit_kill_context(u);
                break;
        case BASE_SERVICE_EXIT:
                if (!(x = service_config_extra(u->service)))
                        return NULL;
                if (!x->exit_status)
                        x->exit_status = calloc(1, sizeof *x->exit_status);
                base = (char *) x->exit_status;
                if (!base)
                        return NULL;
                break;
        case BASE_SERVICE_EXTRA:
                base = (char *) service_config_extra(u->service);
                if (!base)
                        return NULL;
                break;
        case BASE_SERVICE_EXEC:
                if (!(x = service_config_extra(u->service)))
                        return NULL;
                if (!x->exec_more)
                        x->exec_more = calloc(1, sizeof *x->exec_more);
                base = (char *) x->exec_more;
                if (!base)
                        return NULL;
                break;
        case BASE_EXEC_EXTRA:
                base = (char *) exec_context_extra(unit_exec_context_mut(u));
                if (!base)
                        return NULL;
                break;
        default:
                return NULL;
        }
        return base + d->offset;
}

int directive_apply(const struct directive_ctx *ctx, const char *value)
{
        const struct directive *d;
        char *expanded = NULL;
        int r;

        d = find_directive(ctx->section, ctx->key);
        if (!d) {
                if (is_systemd_directive(ctx->section, ctx->key)) {
                        log_syntax(LOG_LEVEL_DEBUG, 0, ctx->file, ctx->line,
                                   "%s= in section [%s] is not supported by weft, ignoring.", ctx->key,
                                   ctx->section);
                        return 0;
                }
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "Unknown key '%s' in section [%s], ignoring.", ctx->key, ctx->section);
                return 0;
        }
        if ((d->flags & EXPAND) && strchr(value, '%')) {
                r = directive_expand_specifiers(ctx, value, &expanded);
                if (r < 0)
                        return r == -ENOMEM ? r : 0;
                value = expanded;
        }
        void *dest = destination(d, ctx->unit);
        r = dest ? d->parse(ctx, value, dest, d->arg) : -ENOMEM;
        free(expanded);
        return r;
}
