/* What the bus thread's files share: core/bus_thread.c (the thread,
 * its queue, the connection, the watched names), core/bus_manager.c
 * (what weft serves on the bus as org.freedesktop.systemd1) and
 * core/bus_private.c (the same, to root, on systemd's private socket).
 * Bus thread only, but for the lock-protected part of struct bus_thread. */
#pragma once
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/lib_bus.h"

#include "base/idmap.h"
#include "base/log.h"
#include "core/bus_thread.h"

#define BUS_SYSTEM_ADDRESS "unix:path=/run/dbus/system_bus_socket"
#define SD1_NAME "org.freedesktop.systemd1"
#define SD1_PATH "/org/freedesktop/systemd1"
#define SD1_UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define SD1_MANAGER "org.freedesktop.systemd1.Manager"
#define SD1_UNIT "org.freedesktop.systemd1.Unit"
#define SD1_ACTIVATOR "org.freedesktop.systemd1.Activator"

#define BUS_PENDING_MAX 256       /* calls waiting for the scheduler; more are refused */
#define BUS_NAMES_MAX 4096        /* watched names */
#define BUS_PROCESS_BATCH 64      /* messages handled before the command queue is looked at again */
#define BUS_RETRY_USEC (1000 * 1000ULL)
#define BUS_LOG_INTERVAL_USEC (10 * 1000 * 1000ULL)
#define BUS_LOG_BURST 5
#define BUS_UNIT_NAME_MAX 256
#define BUS_PEERS_MAX 64          /* private-bus connections; the oldest is closed for a new one */

enum bus_call {
        CALL_ACTIVATE,  /* an ActivationRequest: no reply, ActivationFailure on failure */
        CALL_GET_UNIT,
        CALL_LOAD_UNIT,
        CALL_UNIT_JOB,  /* StartUnit, RestartUnit...: is the unit there? then a CALL_JOB */
        CALL_TRANSIENT, /* StartTransientUnit: is the name free? then its file, then a CALL_UNIT_JOB */
        CALL_JOB,       /* such a call's job: answered when queued, JobRemoved when it ends */
        CALL_NOW,       /* KillUnit, ResetFailed, Reload...: the reply when the verb is done */
        CALL_LIST_UNITS, /* ListUnits, ListUnitsFiltered, ListUnitsByPatterns */
        CALL_LIST_JOBS,  /* ListJobs; GetJobAfter, GetJobBefore (job: the one asked) */
        CALL_GET_JOB,    /* GetJob: list-jobs, the path if the job is there */
        CALL_JOB_GET,    /* Properties.Get(All) of a job object, from list-jobs */
        CALL_CANCEL,     /* CancelJob, ClearJobs, Job.Cancel */
        CALL_UNIT_BY_PID, /* GetUnitByPID */
        CALL_ABANDON,   /* Scope.Abandon */
        CALL_SELF,      /* Properties.Get(All) of unit/self: its unit (unit-of-pid), then a CALL_GET(_ALL) */
        CALL_GET,       /* Properties.Get of a unit object */
        CALL_GET_ALL,
        CALL_MANAGER_GET, /* Properties.Get of the Manager (is-system-running) */
        CALL_MANAGER_GET_ALL,
        CALL_QUIET,     /* bus-ref, bus-unref for a client that left: nobody to answer */
        CALL_REF,       /* Unit.Ref's bus-ref: refused, the hold is forgotten */
};

struct property_table; /* core/bus_manager.c: an interface's properties */

struct bus_pending {
        enum bus_call call;
        /* CALL_GET, CALL_GET_ALL: the interface asked, or for "" the Unit
         * interface and the unit type's own (NULL: none). */
        const struct property_table *props[2];
        sd_bus *bus;       /* the connection to answer on (referenced) */
        sd_bus_message *m; /* the call to answer (referenced); NULL for activation */
        char *unit;
        char *prop;        /* CALL_GET */
        const char *job_verb; /* CALL_UNIT_JOB: the control verb of its job (static) */
        char **states, **patterns; /* CALL_LIST_UNITS: what to keep (strv; NULL: all) */
        uint64_t job;      /* CALL_JOB: the scheduler's id, once queued (0: not yet);
                              CALL_GET_JOB, CALL_JOB_GET, CALL_CANCEL: the id asked */
        char *transient;   /* CALL_TRANSIENT: the unit file's text */
        bool add_ref;      /* CALL_TRANSIENT: AddRef=yes */
        int *stdio_fds;    /* CALL_TRANSIENT: systemd-run --pipe's fds (3, -1 none), or NULL */
        uint32_t *pids;    /* CALL_TRANSIENT: a scope's PIDs */
        size_t n_pids;
};

/* One question for the scheduler (bus_ask). */
struct bus_question {
        enum bus_call call;
        const struct property_table *props[2]; /* CALL_GET, CALL_GET_ALL, as in bus_pending */
        sd_bus_message *m;    /* the call to answer; NULL for activation and jobs */
        const char *unit;     /* NULL: none (Reload, ResetFailed) */
        char *const *args;    /* the verb's arguments, when not one unit (unit-of-pid, set-environment) */
        const char *prop;     /* CALL_GET */
        const char *verb;     /* the control verb asked now */
        const char *job_verb; /* CALL_UNIT_JOB: the verb of the job once the unit is known (static) */
        bool no_block;        /* the reply when the job is queued, not when it ends */
        uid_t uid;            /* the caller's, for the scheduler's read-only check */
        uint64_t job;         /* CALL_GET_JOB, CALL_JOB_GET, CALL_CANCEL */
        int signal;           /* KillUnit */
        const char *kill_whom; /* KillUnit's whom */
        bool all;             /* list-units --all */
        char *const *states;  /* CALL_LIST_UNITS */
        char *const *patterns;
        const char *transient; /* CALL_TRANSIENT */
        bool add_ref;          /* CALL_TRANSIENT: AddRef=yes */
        /* 3 fds for the unit's 0, 1, 2 (-1 none), or NULL; copied: to the
         * pending call for CALL_TRANSIENT, to the scheduler's request else. */
        const int *stdio_fds;
        /* A scope's PIDs; copied as stdio_fds are. */
        const uint32_t *pids;
        size_t n_pids;
        char *const *properties; /* the request's properties (UnsetAndSetEnvironment's names) */
};

/* What the scheduler answered, copied off its reply on its thread. */
struct bus_answer {
        uint64_t id;
        bool interim; /* a first answer (a job queued); the final one follows */
        int code;
        char *error;
        char **kv; /* the served properties present: key, value, key, value...;
                      for several units one after the other, each from its "Id" */
};

enum bus_command_kind {
        CMD_UP,
        CMD_DOWN,
        CMD_WATCH,
        CMD_ANSWER,
        CMD_STARTUP_FINISHED,
        CMD_UNIT_CHANGED,
};

struct bus_command {
        enum bus_command_kind kind;
        char *name;               /* CMD_WATCH; CMD_UNIT_CHANGED: the unit */
        struct bus_answer *answer; /* CMD_ANSWER */
        uint64_t when;            /* CMD_STARTUP_FINISHED: CLOCK_MONOTONIC µs */
        const char *active, *sub; /* CMD_UNIT_CHANGED: static strings */
        uint32_t job;             /* CMD_UNIT_CHANGED: its job's id, 0: none */
};

/* The clients on the system bus that hold a reference to one unit. */
struct bus_unit_ref {
        struct bus_thread *t;
        char *unit;
        sd_bus_track *track;
};

struct bus_watch {
        struct bus_thread *t;
        char *name;
        int owned; /* -1: not known since the last (re)connection */
};

struct bus_thread {
        pthread_t thread;
        struct event_queue *queue;
        int wake_fd;
        struct bus_thread_config cfg;

        /* The bus thread's own. */
        sd_bus *bus;
        bool want_up;
        uint64_t retry_at;        /* when to connect again, 0: now */
        struct bus_watch **watches;
        size_t n_watches, cap_watches;
        struct idmap pending;     /* request id -> struct bus_pending */
        uint64_t next_id;
        struct log_ratelimit rl_refused; /* calls and activations refused or failed */
        struct log_ratelimit rl_names;   /* name owner changes */
        int private_fd;           /* the private bus's listening socket, or -1 */
        sd_bus *peers[BUS_PEERS_MAX]; /* its connections, oldest first */
        size_t n_peers;
        struct log_ratelimit rl_peers;
        /* On the system bus (core/bus_track.c): who called Subscribe, and
         * who holds a reference to which unit. */
        sd_bus_track *subscribers;
        struct bus_unit_ref **refs;
        size_t n_refs, cap_refs;
        /* Whether any of them is there: read by the scheduler's thread
         * (bus_thread_unit_changed), written here. */
        atomic_bool want_changes;

        /* Shared, under lock. */
        pthread_mutex_t lock;
        struct bus_command *cmds;
        size_t n_cmds, cap_cmds;
        bool stop;
};

/* Manager.StartupFinished to every connection (core/bus_manager.c). */
void bus_emit_startup_finished(struct bus_thread *t, uint64_t when);
void bus_answer_free(struct bus_answer *a);
void bus_pending_free(struct bus_pending *p);
/* Close the 3 fds (-1 skipped) and free them; NULL is nothing. */
void bus_stdio_close(int *fds);
/* Ask the scheduler q->verb (about q->unit) as a control request;
 * bus_answer_run follows when it replies, on bus. q->m (may be NULL) is
 * referenced until then. */
int bus_ask(struct bus_thread *t, sd_bus *bus, const struct bus_question *q);
/* Forget the calls waiting to be answered on bus (NULL: all). */
void bus_pending_drop(struct bus_thread *t, sd_bus *bus);

/* core/bus_manager.c */
/* key's value in answer a (the first), NULL: none. */
const char *bus_answer_get(const struct bus_answer *a, const char *key);
/* key's value in the record kv (from its "Id" to the next one), "": none. */
const char *bus_record_get(char *const *kv, const char *key);
/* LimitsExceeded for a call the scheduler could not be asked (r), logged. */
int bus_refuse_busy(struct bus_thread *t, const char *member, const char *unit, int r, sd_bus_error *ret_error);
/* Is key a unit property served on the bus (or JobResult, which answers need)? */
bool bus_served_key(const char *key);
/* The scheduler answered: reply to the call waiting for it. Takes a. */
void bus_answer_run(struct bus_thread *t, struct bus_answer *a);
/* A new connection to the system bus: export org.freedesktop.systemd1 on
 * it, own the name, take activation requests. */
int bus_manager_attach(struct bus_thread *t);
/* The objects alone (the Manager, the units, LogControl1), on any connection. */
int bus_manager_attach_objects(struct bus_thread *t, sd_bus *bus);
/* 0 for a caller that is root; else AccessDenied set in ret_error. */
int bus_check_root(sd_bus_message *m, sd_bus_error *ret_error);

/* Close reply's outer array and send it if all went well so far (r); the
 * reply is released either way. */
int bus_send_array_reply(sd_bus_message *reply, int r);
/* A unit name a call may carry: shorter than BUS_UNIT_NAME_MAX, with a
 * dot, printable ASCII without space or slash. */
bool bus_unit_name_ok(const char *name);

/* core/bus_unit_files.c: the Manager's unit-file methods (GetUnitFileState,
 * GetDefaultTarget, ListUnitFiles(ByPatterns), and the ones that make and
 * remove links: EnableUnitFiles... SetDefaultTarget). */
int bus_method_unit_file_state(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
int bus_method_get_default(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
int bus_method_list_unit_files(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
int bus_method_unit_files(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);

/* core/bus_jobs.c */
/* A job's object path, /org/freedesktop/systemd1/job/ID. */
void job_path(char *buf, size_t n, uint64_t job);
/* ListJobs, GetJob, CancelJob, ClearJobs. */
int bus_method_jobs(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
/* Ask for p's job (CALL_UNIT_JOB, CALL_TRANSIENT: the unit is there);
 * the call is answered once it is queued (bus_job_queued). */
int bus_start_job(struct bus_thread *t, struct bus_pending *p);
/* The scheduler named p's job (interim answer a): answer the call with its path. */
void bus_job_queued(struct bus_pending *p, const struct bus_answer *a);
/* Answer a job call (CALL_JOB, CALL_LIST_JOBS, CALL_GET_JOB, CALL_JOB_GET,
 * CALL_CANCEL); error_name for a refusal of the job. */
int bus_job_answer(const struct bus_pending *p, const struct bus_answer *a, const char *error_name);
/* The job objects, on bus. */
int bus_jobs_attach(struct bus_thread *t, sd_bus *bus);

/* core/bus_log_control.c */
/* /org/freedesktop/LogControl1 on bus. */
int bus_log_control_attach(sd_bus *bus);
/* LogLevel and LogTarget, shared with the Manager's vtable. */
int bus_log_level_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *ret_error);
int bus_log_level_set(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *value, void *userdata, sd_bus_error *ret_error);
int bus_log_target_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *ret_error);
int bus_log_target_set(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *value, void *userdata, sd_bus_error *ret_error);

/* core/bus_track.c */
/* Subscribe (on) or Unsubscribe from m's sender; replies to m. */
int bus_track_subscribe(struct bus_thread *t, sd_bus_message *m, bool on, sd_bus_error *ret_error);
/* Unit.Ref (ref) or Unit.Unref of unit by m's sender; replies to m (Ref:
 * once the scheduler holds the unit). */
int bus_track_method(struct bus_thread *t, sd_bus_message *m, const char *unit, bool ref, sd_bus_error *ret_error);
/* The scheduler refused to hold unit: forget its holders. */
void bus_track_forget(struct bus_thread *t, const char *unit);
/* StartTransientUnit's AddRef=yes: m's sender holds unit from now on. */
int bus_track_add_ref(struct bus_thread *t, sd_bus_message *m, const char *unit);
/* Emit c's PropertiesChanged on the system bus, if anyone listens. */
void bus_track_emit(struct bus_thread *t, const struct bus_command *c);

/* The connection is gone: every subscription and reference with it; tell:
 * the scheduler lets go of the units (not when weft stops). */
void bus_track_drop_all(struct bus_thread *t, bool tell);

/* core/bus_transient.c */
struct transient_unit;
/* StartTransientUnit's a(sv) properties and a(sa(sv)) auxiliary units
 * (none supported), read from m into t: 0, or -errno with ret_error set
 * (an unknown property: systemd's PropertyReadOnly error naming it). */
int bus_transient_read(sd_bus_message *m, struct transient_unit *t, sd_bus_error *ret_error);
/* Write text as dir/name, whole or not at all (a temporary file, then a
 * link that fails with -EEXIST when name is there already). */
int bus_transient_write(const char *dir, const char *name, const char *text);

/* core/bus_private.c */
/* Listen on path (root only); -errno. The thread is not running yet. */
int bus_private_listen(struct bus_thread *t, const char *path);
/* Add the listening socket and each connection to p (room for
 * bus_private_n_fds), lowering *until to the earliest sd-bus time-out. */
size_t bus_private_poll_fds(struct bus_thread *t, struct pollfd *p, uint64_t *until);
#define BUS_PRIVATE_NFDS (1 + BUS_PEERS_MAX)
/* Accept and serve what is ready; true when more is queued to process. */
bool bus_private_process(struct bus_thread *t);
/* Close every connection and the socket (path is unlinked). */
void bus_private_close(struct bus_thread *t, const char *path);
