/* The unit model: one struct unit per unit name the manager knows, its
 * configuration as loaded from unit files, and its dependency edges.
 *
 * Ownership: the unit table and every unit in it belong to the thread that
 * loads them (weftctl, or the scheduler thread in the daemon). The loaded
 * configuration is immutable once loading finishes; a daemon-reload builds
 * a new table. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "base/arena.h"
#include "parse/exec_line.h"
#include "parse/listen.h"
#include "parse/unit_name.h"
#include "parse/value.h"

enum unit_load_state {
        UNIT_STUB,        /* referenced, not loaded yet */
        UNIT_LOADED,
        UNIT_NOT_FOUND,
        UNIT_BAD_SETTING, /* a setting makes the unit unusable */
        UNIT_ERROR,       /* the file could not be read or lexed */
        UNIT_MASKED,
        UNIT_MERGED,      /* an alias: see merged_into */
        _UNIT_LOAD_STATE_MAX,
};
const char *unit_load_state_to_string(enum unit_load_state s);

/* Dependency kinds, each with its inverse (unit_dependency_inverse). */
enum unit_dependency {
        UNIT_REQUIRES,
        UNIT_REQUISITE,
        UNIT_WANTS,
        UNIT_BINDS_TO,
        UNIT_PART_OF,
        UNIT_UPHOLDS,
        UNIT_REQUIRED_BY,
        UNIT_REQUISITE_OF,
        UNIT_WANTED_BY,
        UNIT_BOUND_BY,
        UNIT_CONSISTS_OF,
        UNIT_UPHELD_BY,
        UNIT_CONFLICTS,
        UNIT_CONFLICTED_BY,
        UNIT_BEFORE,
        UNIT_AFTER,
        UNIT_ON_SUCCESS,
        UNIT_ON_SUCCESS_OF,
        UNIT_ON_FAILURE,
        UNIT_ON_FAILURE_OF,
        UNIT_TRIGGERS,
        UNIT_TRIGGERED_BY,
        UNIT_PROPAGATES_RELOAD_TO,
        UNIT_RELOAD_PROPAGATED_FROM,
        UNIT_PROPAGATES_STOP_TO,
        UNIT_STOP_PROPAGATED_FROM,
        _UNIT_DEPENDENCY_MAX,
};
const char *unit_dependency_to_string(enum unit_dependency d); /* "Requires" */
enum unit_dependency unit_dependency_inverse(enum unit_dependency d);

#define EDGES_CAP_EXACT UINT8_MAX

/* Packed (9 bytes, not 16): a unit has several edges and keeps them for
 * its lifetime. The compiler reads the unaligned pointer correctly on any
 * target; never take a member's address (-Waddress-of-packed-member).
 *
 * Which side named the dependency (systemd's References=/ReferencedBy=,
 * which the manager's garbage collection follows) rides in the kind's
 * byte: refs, this unit named it (in its file, its implicit or default
 * dependencies, a .wants/ directory of its own); ref_by, other named it.
 * An edge and its inverse carry the two swapped; both may be set. */
struct __attribute__((packed)) unit_edge {
        struct unit *other;
        uint8_t kind : 6; /* enum unit_dependency */
        uint8_t refs : 1;
        uint8_t ref_by : 1;
};

enum service_type {
        SERVICE_SIMPLE,
        SERVICE_EXEC,
        SERVICE_FORKING,
        SERVICE_ONESHOT,
        SERVICE_DBUS,
        SERVICE_NOTIFY,
        SERVICE_IDLE,
        _SERVICE_TYPE_MAX,
        _SERVICE_TYPE_INVALID = -1,
};

enum service_restart {
        SERVICE_RESTART_NO,
        SERVICE_RESTART_ON_SUCCESS,
        SERVICE_RESTART_ON_FAILURE,
        SERVICE_RESTART_ON_ABNORMAL,
        SERVICE_RESTART_ON_WATCHDOG,
        SERVICE_RESTART_ON_ABORT,
        SERVICE_RESTART_ALWAYS,
        _SERVICE_RESTART_MAX,
};

enum notify_access {
        NOTIFY_NONE,
        NOTIFY_MAIN,
        NOTIFY_EXEC,
        NOTIFY_ALL,
        _NOTIFY_ACCESS_MAX,
};

enum kill_mode {
        KILL_CONTROL_GROUP,
        KILL_PROCESS,
        KILL_MIXED,
        KILL_NONE,
        _KILL_MODE_MAX,
};

enum exec_input {
        EXEC_INPUT_NULL,
        EXEC_INPUT_TTY,
        EXEC_INPUT_TTY_FORCE,
        EXEC_INPUT_TTY_FAIL,
        EXEC_INPUT_SOCKET,
        EXEC_INPUT_NAMED_FD,
        EXEC_INPUT_DATA,
        EXEC_INPUT_FILE,
        _EXEC_INPUT_MAX,
};

enum exec_output {
        EXEC_OUTPUT_INHERIT,
        EXEC_OUTPUT_NULL,
        EXEC_OUTPUT_TTY,
        EXEC_OUTPUT_KMSG,
        EXEC_OUTPUT_KMSG_AND_CONSOLE,
        EXEC_OUTPUT_JOURNAL,
        EXEC_OUTPUT_JOURNAL_AND_CONSOLE,
        EXEC_OUTPUT_SOCKET,
        EXEC_OUTPUT_NAMED_FD,
        EXEC_OUTPUT_FILE,
        EXEC_OUTPUT_FILE_APPEND,
        EXEC_OUTPUT_FILE_TRUNCATE,
        _EXEC_OUTPUT_MAX,
};

enum timeout_failure_mode {
        TIMEOUT_TERMINATE,
        TIMEOUT_ABORT,
        TIMEOUT_KILL,
        _TIMEOUT_FAILURE_MODE_MAX,
};

enum exit_type {
        EXIT_TYPE_MAIN,
        EXIT_TYPE_CGROUP,
        _EXIT_TYPE_MAX,
};

/* SuccessAction=, FailureAction=, StartLimitAction= */
enum emergency_action {
        EMERGENCY_ACTION_NONE,
        EMERGENCY_ACTION_REBOOT,
        EMERGENCY_ACTION_REBOOT_FORCE,
        EMERGENCY_ACTION_REBOOT_IMMEDIATE,
        EMERGENCY_ACTION_POWEROFF,
        EMERGENCY_ACTION_POWEROFF_FORCE,
        EMERGENCY_ACTION_POWEROFF_IMMEDIATE,
        EMERGENCY_ACTION_EXIT,
        EMERGENCY_ACTION_EXIT_FORCE,
        EMERGENCY_ACTION_HALT,
        EMERGENCY_ACTION_HALT_FORCE,
        EMERGENCY_ACTION_HALT_IMMEDIATE,
        _EMERGENCY_ACTION_MAX,
};

/* CollectMode= (systemd.unit(5)): whether a failed unit that nothing
 * needs is garbage-collected too, or only an inactive one. */
enum collect_mode {
        COLLECT_INACTIVE,
        COLLECT_INACTIVE_OR_FAILED,
        _COLLECT_MODE_MAX,
};

enum bind_ipv6_only {
        BIND_IPV6_ONLY_DEFAULT,
        BIND_IPV6_ONLY_BOTH,
        BIND_IPV6_ONLY_IPV6_ONLY,
        _BIND_IPV6_ONLY_MAX,
};

/* Condition*= and Assert*= settings, kept for evaluation at start time. */
struct unit_condition {
        char *name;      /* "ConditionPathExists" */
        char *parameter; /* without the '!' and '|' prefixes */
        bool trigger;    /* '|' */
        bool negate;     /* '!' */
        struct unit_condition *next;
};

/* RuntimeDirectoryPreserve=: whether RuntimeDirectory= outlives a stop. */
enum exec_preserve {
        EXEC_PRESERVE_NO,
        EXEC_PRESERVE_YES,
        EXEC_PRESERVE_RESTART, /* kept across a restart, removed at a stop */
        _EXEC_PRESERVE_MAX,
};

/* ProtectSystem= and ProtectHome= (systemd.exec(5)). */
enum protect_system {
        PROTECT_SYSTEM_NO,
        PROTECT_SYSTEM_YES,    /* /usr, /boot, /efi read-only */
        PROTECT_SYSTEM_FULL,   /* and /etc */
        PROTECT_SYSTEM_STRICT, /* everything but /dev, /proc, /sys, the homes and what is private */
        _PROTECT_SYSTEM_MAX,
};

enum protect_home {
        PROTECT_HOME_NO,
        PROTECT_HOME_YES,       /* /home, /root, /run/user empty and inaccessible */
        PROTECT_HOME_READ_ONLY,
        PROTECT_HOME_TMPFS,     /* an empty read-only tmpfs on each */
        _PROTECT_HOME_MAX,
};

/* Bytes only (signals are 1..64): every service, socket, mount and swap
 * carries one, and in struct service_config it packs with the flags. */
struct kill_context {
        uint8_t kill_mode; /* enum kill_mode */
        uint8_t kill_signal;
        uint8_t restart_kill_signal; /* 0: same as kill_signal */
        uint8_t final_kill_signal;
        uint8_t watchdog_signal;
        bool send_sigkill;
        bool send_sighup;
};

/* The exec settings few units set, behind one pointer (struct
 * exec_context.extra) that is allocated by the first such directive. Read
 * them through exec_extra(), which gives the defaults when none was set. */
struct exec_extra {
        char **pass_environment;
        char **unset_environment;
        char **supplementary_groups;
        char *root_directory;
        char *std_input_path;   /* file: path, or fd: name */
        char *std_output_path;
        char *std_error_path;
        struct rlimit *rlimit; /* RLIM_NLIMITS entries, allocated on first Limit*=; NULL: none set */
        uint32_t rlimit_set;   /* bit per resource that a Limit*= set */
        int nice;
        bool nice_set;
        bool oom_score_adjust_set;
        int oom_score_adjust;
        char *tty_path;
        char *syslog_identifier;
        int syslog_priority;     /* SyslogFacility= | SyslogLevel=, as syslog(3) packs them */
        bool syslog_level_prefix; /* SyslogLevelPrefix= */
        bool tty_reset;          /* TTYReset= */
        bool tty_vhangup;        /* TTYVHangup= */
        bool tty_vt_disallocate; /* TTYVTDisallocate= */
        char **runtime_directory;
        char **state_directory;
        char **cache_directory;
        char **logs_directory;
        char **configuration_directory;
        mode_t runtime_directory_mode;
        mode_t state_directory_mode;
        mode_t cache_directory_mode;
        mode_t logs_directory_mode;
        mode_t configuration_directory_mode;
        int runtime_directory_preserve; /* enum exec_preserve */
        /* Sandboxing (workers/exec_sandbox.c) */
        uint64_t capability_bounding_set; /* CAPABILITY_SET_ALL when not set */
        uint64_t capability_ambient_set;
        int protect_system;               /* enum protect_system */
        int protect_home;                 /* enum protect_home */
        bool private_tmp;
        bool private_devices;
        bool no_new_privileges;
        char **read_write_paths;          /* ReadWritePaths=, items keep a "-" (missing is fine) */
        char **read_only_paths;           /* ReadOnlyPaths=, likewise */
        char **load_credential;           /* LoadCredential= "ID:SOURCE" (parse/directive_credential.c) */
        char **set_credential;            /* SetCredential= "ID:DATA", escapes decoded */
};

struct exec_context {
        char **environment;       /* "K=V", later assignments already merged */
        char **environment_files; /* "-/path" keeps its '-' */
        char *user;
        char *group;
        char *working_directory; /* "~" for home; NULL for "/" */
        mode_t umask;
        uint8_t std_input;  /* enum exec_input */
        uint8_t std_output; /* enum exec_output */
        uint8_t std_error;  /* enum exec_output */
        bool working_directory_missing_ok;
        bool ignore_sigpipe;
        struct exec_extra *extra; /* NULL: every rarely-set setting at its default */
};

extern const struct exec_extra exec_extra_defaults;

/* systemd's credential_name_valid for s[0..n) (parse/directive_credential.c). */
bool credential_name_valid(const char *s, size_t n);
static inline const struct exec_extra *exec_extra(const struct exec_context *c)
{
        return c->extra ? c->extra : &exec_extra_defaults;
}
/* The rarely-set settings for writing, allocated with their defaults on
 * first use; NULL when out of memory. */
struct exec_extra *exec_context_extra(struct exec_context *c);

enum service_exec {
        SERVICE_EXEC_CONDITION,
        SERVICE_EXEC_START_PRE,
        SERVICE_EXEC_START,
        SERVICE_EXEC_START_POST,
        SERVICE_EXEC_RELOAD,
        SERVICE_EXEC_STOP,
        SERVICE_EXEC_STOP_POST,
        _SERVICE_EXEC_MAX,
};

/* A service's command lists other than ExecStart= (ExecStartPre=,
 * ExecStop=, ExecReload=, ...), behind service_config.exec_more and
 * allocated by the first of them: many services have ExecStart= alone.
 * Indexed by enum service_exec; exec[SERVICE_EXEC_START] stays NULL.
 * Read any list through service_exec(). */
struct service_exec_lists {
        struct exec_command *exec[_SERVICE_EXEC_MAX];
};

/* SuccessExitStatus=, RestartPreventExitStatus=, RestartForceExitStatus=:
 * 120 bytes few services set, behind service_config.exit_status and
 * allocated by the first of them. Read through service_exit_status(). */
struct service_exit_status {
        struct exit_status_set success;
        struct exit_status_set restart_prevent;
        struct exit_status_set restart_force;
};

/* The service settings few units set, behind service_config.extra and
 * allocated by the first of them (at load). Read them through
 * service_extra(), which gives the defaults (all zero) when none was set. */
struct service_extra {
        char *pid_file;
        char *bus_name;
        char **sockets;
        uint64_t runtime_max_usec;
        uint64_t watchdog_usec;
        uint64_t timeout_abort_usec; /* TimeoutAbortSec= (timeout_abort_set) */
        enum timeout_failure_mode timeout_start_failure_mode;
        enum timeout_failure_mode timeout_stop_failure_mode;
        enum exit_type exit_type;
        unsigned fd_store_max;
        bool timeout_abort_set;      /* else TimeoutAbortSec= is TimeoutStopSec= */
        /* Each allocated by the first of its settings, behind this block
         * rather than in every service_config. */
        struct service_exit_status *exit_status; /* NULL: all three empty */
        struct service_exec_lists *exec_more;    /* NULL: no list but ExecStart= */
};

/* One per service, so small fields first and the three enums in a byte
 * each (uint8_t, written by directive_parse_enum8, as their offsets are
 * taken), the kill settings (bytes) with them, the command lists but
 * ExecStart=, the exit status sets and TimeoutAbortSec= behind extra:
 * 120 bytes, a 128-byte malloc chunk instead of 224. */
struct service_config {
        uint8_t type;          /* enum service_type */
        uint8_t restart;       /* enum service_restart */
        uint8_t notify_access; /* enum notify_access */
        bool type_set;
        bool remain_after_exit;
        bool guess_main_pid;
        bool notify_access_set;
        bool timeout_start_set;
        struct kill_context kill;
        struct exec_command *exec_start;         /* ExecStart= (the others: service_exec()) */
        uint64_t restart_usec;
        uint64_t timeout_start_usec;
        uint64_t timeout_stop_usec;
        struct service_extra *extra;             /* NULL: every one at its default */
        struct exec_context exec_ctx;
};

extern const struct service_extra service_extra_defaults;
static inline const struct service_extra *service_extra(const struct service_config *s)
{
        return s->extra ? s->extra : &service_extra_defaults;
}
/* The command list of one Exec setting (NULL: empty). */
static inline struct exec_command *service_exec(const struct service_config *s, enum service_exec i)
{
        if (i == SERVICE_EXEC_START)
                return s->exec_start;
        return s->extra && s->extra->exec_more ? s->extra->exec_more->exec[i] : NULL;
}
/* TimeoutAbortSec=: TimeoutStopSec= unless set. */
static inline uint64_t service_timeout_abort_usec(const struct service_config *s)
{
        return s->extra && s->extra->timeout_abort_set ? s->extra->timeout_abort_usec : s->timeout_stop_usec;
}
/* The rarely-set settings for writing, allocated with their defaults on
 * first use; NULL when out of memory. */
struct service_extra *service_config_extra(struct service_config *s);

extern const struct service_exit_status service_exit_status_empty;
static inline const struct service_exit_status *service_exit_status(const struct service_config *s)
{
        return s->extra && s->extra->exit_status ? s->extra->exit_status : &service_exit_status_empty;
}

enum socket_exec {
        SOCKET_EXEC_START_PRE,
        SOCKET_EXEC_START_POST,
        SOCKET_EXEC_STOP_PRE,
        SOCKET_EXEC_STOP_POST,
        _SOCKET_EXEC_MAX,
};

struct socket_config {
        struct listen_spec *listen; /* in configuration order */
        bool accept;
        unsigned max_connections;
        unsigned max_connections_per_source;
        char *service;              /* Service= */
        char *fd_name;              /* FileDescriptorName=; NULL: the unit's id */
        mode_t socket_mode;
        mode_t directory_mode;
        char *socket_user;
        char *socket_group;
        unsigned backlog;
        enum bind_ipv6_only bind_ipv6_only;
        bool reuse_port;
        bool free_bind;
        bool transparent;
        bool broadcast;
        bool remove_on_stop;
        bool pass_credentials;
        bool pass_security;
        bool keep_alive;
        bool no_delay;
        bool writable;
        bool flush_pending;
        char **symlinks;
        uint64_t trigger_limit_interval_usec; /* USEC_INFINITY: unset (default by Accept=) */
        unsigned trigger_limit_burst;         /* 0: unset */
        uint64_t receive_buffer;
        uint64_t send_buffer;
        uint64_t defer_accept_usec;
        uint64_t timeout_usec;
        struct exec_command *exec[_SOCKET_EXEC_MAX];
        struct kill_context kill;
        struct exec_context exec_ctx;
};

/* Timers (systemd.timer(5)): when each value counts from. */
enum timer_base {
        TIMER_ACTIVE,        /* OnActiveSec=: the timer's activation */
        TIMER_BOOT,          /* OnBootSec=: the kernel's boot */
        TIMER_STARTUP,       /* OnStartupSec=: the manager's start */
        TIMER_UNIT_ACTIVE,   /* OnUnitActiveSec=: the triggered unit's last activation */
        TIMER_UNIT_INACTIVE, /* OnUnitInactiveSec=: its last deactivation */
        TIMER_CALENDAR,      /* OnCalendar= */
        _TIMER_BASE_MAX,
};
const char *timer_base_to_string(enum timer_base b); /* "OnActiveSec" */

struct calendar_spec;

struct timer_value {
        uint8_t base;                  /* enum timer_base */
        uint64_t usec;                 /* the span, for the monotonic bases */
        struct calendar_spec *calendar; /* TIMER_CALENDAR */
};

struct timer_config {
        struct timer_value *values; /* in configuration order */
        unsigned n_values;
        uint64_t accuracy_usec;          /* AccuracySec=, default 1min */
        uint64_t randomized_delay_usec;  /* RandomizedDelaySec= */
        bool fixed_random_delay;
        bool persistent;
        bool wake_system;                /* accepted; weft never arms an alarm clock */
        bool remain_after_elapse;        /* default yes */
        bool on_clock_change;
        bool on_timezone_change;
        char *unit;                      /* Unit=; NULL: the timer's name with .service */
};
/* parse/load_timer.c */
bool timer_has_calendar(const struct timer_config *t);
/* The unit a timer triggers (Unit=, else NAME.service), malloc'd. */
struct unit;
int timer_unit_name(const struct unit *u, char **ret);
/* A path setting checked only once the unit is loaded, with where it
 * was set ("file:line"; NULL: not set in a file) for that check's message. */
struct located_path {
        char *path;
        char *origin;
};

/* [Mount] (systemd.mount(5)). */
struct mount_config {
        char *what;
        struct located_path where; /* absolute, normalized once loaded; NULL: unset */
        char *fs_type;        /* Type= */
        char *options;
        bool sloppy_options;
        bool lazy_unmount;
        bool force_unmount;
        bool read_write_only;
        mode_t directory_mode;
        uint64_t timeout_usec; /* TimeoutSec= */
        struct kill_context kill;
        struct exec_context exec_ctx;
};

/* [Swap] (systemd.swap(5)). */
struct swap_config {
        struct located_path what;
        char *options;
        int priority;         /* -1: unset, the kernel's default */
        uint64_t timeout_usec;
        struct kill_context kill;
        struct exec_context exec_ctx;
};

/* [Scope] (systemd.scope(5)): how the processes it is given are stopped. */
struct scope_config {
        struct kill_context kill;
        uint64_t timeout_stop_usec;
};

/* [Automount] (systemd.automount(5)). */
struct automount_config {
        struct located_path where;
        char *extra_options;
        mode_t directory_mode;
        uint64_t timeout_idle_usec;
};

/* [Path]: what a path unit watches (systemd.path(5)). */
enum path_type {
        PATH_EXISTS,
        PATH_EXISTS_GLOB,
        PATH_DIRECTORY_NOT_EMPTY,
        PATH_CHANGED,
        PATH_MODIFIED,
        _PATH_TYPE_MAX,
};
const char *path_type_to_string(enum path_type t); /* "PathExists" */

struct path_spec {
        enum path_type type;
        char *path; /* absolute, without "//", "/./" or a trailing "/" */
};

struct path_config {
        struct path_spec *specs; /* in configuration order */
        unsigned n_specs;
        char *unit;              /* Unit=; NULL: the path's own name with .service */
        bool make_directory;
        mode_t directory_mode;
        uint64_t trigger_limit_interval_usec; /* USEC_INFINITY: unset, 2 s */
        unsigned trigger_limit_burst;         /* UINT_MAX: unset, 200 */
};

/* The [Unit] and [Install] settings few units set, behind unit.extra and
 * allocated by the first of them (at load). Read them through
 * unit_extra(), which gives the defaults (all empty) when none was set. */
struct unit_extra {
        char **documentation;
        char *reboot_argument;
        char *source_path;
        char **requires_mounts_for;
        /* [Install], used only by enable/disable */
        char **install_wanted_by;
        char **install_required_by;
        char **install_alias;
        char **install_also;
        char *default_instance;
        /* [Unit] actions and job timeouts */
        uint64_t job_timeout_usec;          /* USEC_INFINITY: none */
        uint64_t job_running_timeout_usec;  /* USEC_INFINITY: none */
        enum emergency_action start_limit_action;
        enum emergency_action failure_action;
        enum emergency_action success_action;
        enum emergency_action job_timeout_action;
        int failure_action_exit_status;     /* -1: unset */
        int success_action_exit_status;
        enum collect_mode collect_mode;
        /* JobRunningTimeoutSec= was given (JobTimeoutSec= then leaves the
         * running timeout alone); either was given (a type's default
         * running timeout, a device's 90 s, no longer applies). */
        bool job_running_timeout_set;
        bool job_timeouts_set;
        /* StartLimitIntervalSec=, StartLimitBurst= (10 s and 5 unless set) */
        uint64_t start_limit_interval_usec;
        unsigned start_limit_burst;
        struct unit_condition *asserts; /* Assert*= */
        char *slice;                    /* Slice= of a service, socket, mount, swap or scope */
};

/* One per unit name, so the small fields sit together (no padding) and
 * the rarely-set settings are behind extra. */
struct unit {
        char *id;                 /* primary name, in the unit's own block */
        /* id and every alias (strv); the id's entry may be id itself. NULL
         * when the id is the only name, as for most units. */
        char **names;
        /* Small fields together, enums in 8 bits: one struct per unit,
         * with its id in the same block of the table's arena (120 bytes
         * and the id, rounded to 8). */
        enum unit_type type : 8;
        enum unit_load_state load_state : 8;
        /* Part of a running manager's configuration (unit_table_seal): its
         * edges and settings never change again. A unit loaded later that
         * points at it keeps only its own edge; the manager keeps the
         * reverse one at run time (core/sched_internal.h). */
        bool sealed : 1;
        /* Moved to the table's arena once loaded (unit_settle):
         * description, and a service's config block with its ExecStart=
         * commands. Not freed one by one; unit_swap_config copies them out
         * first, as the config then outlives its table. */
        bool description_settled : 1;
        bool config_settled : 1;
        /* [Unit] */
        bool default_dependencies;
        bool refuse_manual_start;
        bool refuse_manual_stop;
        bool allow_isolate;
        bool stop_when_unneeded;
        bool ignore_on_isolate;
        /* The edges' capacity: 1 << edges_cap_log2 entries while they grow
         * by doubling (load, malloc'd), EDGES_CAP_EXACT once copied to
         * n_edges in the table's arena (unit_table_finalize_edges; never
         * freed alone); no array: n_edges 0, edges NULL. */
        uint8_t edges_cap_log2;
        int16_t load_error;       /* negative errno when load_state is an error */
        uint32_t n_edges;

        /* The unit file (FragmentPath=), in two shared copies from
         * base/strpool.h: its directory, which the units of that directory
         * share, and its name, NULL when it is the id (most units).
         * NULL fragment_dir: no file. unit_fragment_path() joins them. */
        const char *fragment_dir;
        const char *fragment_name;
        char **dropin_paths;
        char *instance;           /* for foo@bar.service, "bar" */
        struct unit *merged_into; /* for UNIT_MERGED */
        struct unit_runtime *rt;  /* the scheduler thread's runtime state (core/sched_internal.h) */
        struct unit_edge *edges;

        char *description;
        struct unit_condition *conditions;
        struct unit_extra *extra; /* NULL: every rarely-set setting at its default */

        /* Type-specific configuration, allocated when the unit loads (a
         * stub carries none), so a referenced-but-absent unit stays small. */
        union {
                struct service_config *service;
                struct socket_config *socket;
                struct timer_config *timer;
                struct mount_config *mount;
                struct swap_config *swap;
                struct scope_config *scope;
                struct automount_config *automount;
                struct path_config *path;
                void *config;
        };
};

extern const struct unit_extra unit_extra_defaults;
static inline const struct unit_extra *unit_extra(const struct unit *u)
{
        return u->extra ? u->extra : &unit_extra_defaults;
}
/* The rarely-set settings for writing, allocated empty on first use;
 * NULL when out of memory. */
struct unit_extra *unit_config_extra(struct unit *u);

/* The units by name: open addressing over unit pointers, each slot keyed
 * by its unit's own id. An alias is a unit of its own until it is merged
 * (unit_follow), so every name is some unit's id, and a slot is 8 bytes
 * where a key and value map takes 16. */
struct unit_names {
        struct unit **slots; /* a power of two of them, or none */
        size_t n_slots;
        size_t n_items;
};

/* The set of units, keyed by every name of every unit. */
struct unit_table {
        struct unit_names by_name;
        struct unit **units; /* every unit, in creation order (aliases included) */
        size_t n_units;
        size_t cap_units;
        size_t n_sealed;     /* units[0..n_sealed) are sealed */
        /* Every unit (with its id) and every final edge array
         * (EDGES_CAP_EXACT): they live exactly as long as the table,
         * so they are bumped here and dropped with it (base/arena.h). */
        struct arena arena;
};

void unit_table_init(struct unit_table *t);
void unit_table_done(struct unit_table *t); /* frees every unit */

/* The unit named name, creating a stub if it is new (name must be valid).
 * Follows merges, so the result is the unit the name stands for now. */
int unit_table_intern(struct unit_table *t, const char *name, struct unit **ret);
/* NULL if unknown. Follows merges. */
struct unit *unit_table_get(const struct unit_table *t, const char *name);

/* Follow merged_into to the unit that holds the configuration. */
struct unit *unit_follow(struct unit *u);

/* Exchange everything a and b loaded from files (load state, paths, [Unit]
 * settings, the type-specific configuration), keeping each one's name,
 * edges and runtime. daemon-reload uses it to keep the old configuration of
 * a running unit whose file went away: a and b may be of different tables,
 * so what either has in its table's arena is copied out first. -ENOMEM
 * (nothing exchanged) or 0. */
int unit_swap_config(struct unit *a, struct unit *b);

/* Make alias (a stub whose file turned out to be a link to into's file) a
 * name of into: its edges move to into and lookups of its name give into. */
int unit_merge(struct unit_table *t, struct unit *alias, struct unit *into);

/* Add u -kind-> other and its inverse edge on other. Duplicates are allowed
 * while loading and removed by unit_table_finalize_edges(). A sealed side
 * gets nothing: the other side's edge is the only record, and whoever
 * sealed the table keeps the reverse (an edge between two sealed units is
 * dropped: only a repeat of the first load can ask for one). */
int unit_add_dependency(struct unit *u, enum unit_dependency kind, struct unit *other);
/* Resolve edges through merges, drop duplicates and self-edges, sort by
 * kind, and move the exact arrays to the table's arena. Run after loading; it touches only the units not sealed yet, so a
 * load at run time costs what it loaded, not the table. */
int unit_table_finalize_edges(struct unit_table *t);
/* Move what u loaded and keeps (its description, a service's config block
 * and ExecStart=) to t's arena, right after u's files are read: the malloc
 * chunks it gives back are the ones the next unit's load takes again, so
 * the long-lived config leaves no holes between the loader's short-lived
 * blocks. Nothing may free or replace those pieces afterwards, except
 * through unit_free_config and unit_swap_config. */
void unit_settle(struct unit_table *t, struct unit *u);
/* Seal every unit loaded so far: from now on loading more units changes
 * none of them (see struct unit's sealed). O(units added since the last
 * seal). The manager seals once it has taken the units over. */
void unit_table_seal(struct unit_table *t);

/* How many edges u->edges has room for. */
uint32_t unit_edges_cap(const struct unit *u);

/* Iterate the units of one kind of edge: for (size_t i = 0; (o = unit_next_dep(u, kind, &i)); ) */
struct unit *unit_next_dep(const struct unit *u, enum unit_dependency kind, size_t *i);

/* [Unit] defaults of a freshly created unit. */
void unit_init_config(struct unit *u);
/* Allocate the type-specific configuration with its defaults (before the
 * unit's files are parsed). The start and stop timeouts default to the
 * manager's (weft.yaml "timeouts"); 0 means systemd's 90 s. */
int unit_alloc_config(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec);
/* The defaults of the contexts a type's configuration embeds (the per-type
 * loaders in parse/load_*.c call them). */
void kill_context_init(struct kill_context *k);
void exec_context_init(struct exec_context *c);
void exec_context_free(struct exec_context *c);
void unit_free_config(struct unit *u);
/* Keep path as u's unit file (replacing any): 0 or -ENOMEM. */
int unit_set_fragment_path(struct unit *u, const char *path);
/* u's unit file joined into buf (PATH_MAX bytes make room for any path
 * that could be opened), or NULL when it has none. */
const char *unit_fragment_path(const struct unit *u, char *buf, size_t size);

/* String tables for the enums above (NULL / -1 when out of range). */
const char *service_type_to_string(enum service_type t);
const char *service_restart_to_string(enum service_restart r);
const char *notify_access_to_string(enum notify_access n);
const char *kill_mode_to_string(enum kill_mode k);
const char *exec_input_to_string(enum exec_input i);
const char *exec_output_to_string(enum exec_output o);
const char *timeout_failure_mode_to_string(enum timeout_failure_mode m);
const char *exit_type_to_string(enum exit_type t);
const char *emergency_action_to_string(enum emergency_action a);
const char *bind_ipv6_only_to_string(enum bind_ipv6_only b);
const char *collect_mode_to_string(enum collect_mode m);
const char *exec_preserve_to_string(enum exec_preserve p);
const char *protect_system_to_string(enum protect_system p);
const char *protect_home_to_string(enum protect_home p);
const char *service_exec_to_string(enum service_exec e); /* "ExecStart" */
const char *socket_exec_to_string(enum socket_exec e);

/* Look s up in a string table of n entries; -1 when absent. */
int string_table_lookup(const char *const *table, int n, const char *s);
