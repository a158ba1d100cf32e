/* What the scheduler's files share: unit runtime state, jobs, and the
 * functions that move them. Only core/sched*.c, core/job.c,
 * core/transaction.c and core/service*.c include this; everything here is
 * touched by the scheduler thread alone. */
#pragma once
#include "base/hashmap.h"
#include "base/idmap.h"
#include "core/sched.h"
#include "base/timer_heap.h"
#include "sockets/listen.h"
#include "sockets/notify.h"

struct notify_message;

enum unit_active_state {
        UNIT_INACTIVE,
        UNIT_ACTIVATING,
        UNIT_ACTIVE,
        UNIT_RELOADING,
        UNIT_DEACTIVATING,
        UNIT_FAILED,
        _UNIT_ACTIVE_STATE_MAX,
};

/* A service's sub-state (systemd's names). Targets and sockets use
 * SUB_DEAD / SUB_ACTIVE only. */
enum sub_state {
        SUB_DEAD,
        SUB_START_PRE,
        SUB_START,
        SUB_START_POST,
        SUB_RUNNING,
        SUB_EXITED,
        SUB_STOP,
        SUB_STOP_SIGTERM,
        SUB_STOP_SIGKILL,
        SUB_STOP_POST,
        SUB_FINAL_SIGTERM,
        SUB_FINAL_SIGKILL,
        SUB_FAILED,
        SUB_AUTO_RESTART,
        SUB_ACTIVE, /* targets */
        SUB_LISTENING, /* sockets */
        SUB_RELOAD,    /* ExecReload= running */
        SUB_WAITING,   /* timers and paths: armed, waiting to trigger */
        SUB_ELAPSED,   /* timers: elapsed, RemainAfterElapse= */
        SUB_MOUNTING,  /* mounts (systemd's names): mount(8) runs */
        SUB_MOUNTING_DONE, /* the kernel has it, mount(8) still runs */
        SUB_MOUNTED,
        SUB_REMOUNTING,
        SUB_UNMOUNTING,
        SUB_UNMOUNTING_SIGTERM,
        SUB_UNMOUNTING_SIGKILL,
        SUB_ACTIVATING, /* swaps: swapon(8) runs */
        SUB_ACTIVATING_DONE,
        SUB_DEACTIVATING, /* swaps: swapoff(8) runs */
        SUB_DEACTIVATING_SIGTERM,
        SUB_DEACTIVATING_SIGKILL,
        SUB_TENTATIVE, /* devices: seen, not yet confirmed by udev */
        SUB_PLUGGED,
        SUB_ABANDONED, /* scopes: its creator let go (Scope.Abandon); still running */
        _SUB_STATE_MAX,
};

/* Why a unit ended up where it is (systemd's Result=). */
enum unit_result {
        RESULT_SUCCESS,
        RESULT_RESOURCES,
        RESULT_TIMEOUT,
        RESULT_EXIT_CODE,
        RESULT_SIGNAL,
        RESULT_CORE_DUMP,
        RESULT_WATCHDOG,
        RESULT_START_LIMIT_HIT,
        RESULT_TRIGGER_LIMIT_HIT,         /* sockets: TriggerLimitBurst= within TriggerLimitIntervalSec= */
        RESULT_SERVICE_START_LIMIT_HIT,   /* sockets: the service they trigger hit its start limit */
        RESULT_UNIT_START_LIMIT_HIT,      /* paths: the unit they trigger hit its start limit */
        _UNIT_RESULT_MAX,
};

enum job_type {
        JOB_START,
        JOB_STOP,
        JOB_RELOAD, /* ExecReload=; ordered like a start job */
};

enum job_state {
        JOB_WAITING,
        JOB_RUNNING,
};


struct control_wait;

/* The scheduler's two queues of jobs, each a FIFO threaded through the
 * jobs' link of the same index, so a job can be on both at once: READY,
 * released and not yet run (or, with fail_dependency, to be finished with
 * "dependency"), drained by sched_run_ready() so that a chain of any length
 * is walked in a loop, never by recursion; DEFERRED, ready start jobs of
 * services waiting, oldest first, for the spawn window. */
enum job_queue {
        JOB_QUEUE_READY,
        JOB_QUEUE_DEFERRED,
        _JOB_QUEUE_MAX,
};

struct job_link {
        struct job *prev, *next;
};

struct job_fifo {
        struct job *head, *tail;
};

/* Fields are ordered and narrowed (enum bit-fields, flags together) so
 * the job every unit's runtime embeds stays small: one per unit. */
struct job {
        struct unit *unit;
        /* When JobTimeoutSec= (from install) or JobRunningTimeoutSec=
         * (from running), whichever is first, ends the job with "timeout";
         * 0: never. On the scheduler's heap under the unit's entry. */
        uint64_t timeout_when;
        struct unit *cause; /* JOB_DEPENDENCY: the required unit that did not start */
        struct control_wait **waits; /* control clients waiting for the result */
        struct job_link link[_JOB_QUEUE_MAX];
        uint32_t id;        /* 32-bit, as systemd's (JobRemoved's "u") */
        unsigned pending;   /* unfinished jobs this one is ordered after */
        unsigned broken;    /* waits dropped to break an ordering cycle of stop jobs */
        unsigned n_waits;
        enum job_type type : 8;
        enum job_state state : 8;
        bool mandatory;     /* pulled in by Requires/BindsTo (not only Wants) */
        bool anchor;        /* the job the transaction was built for */
        bool restart;       /* a stop job that starts the unit again when done */
        bool fail_dependency; /* on the ready queue to be finished, not run */
        bool irreversible;  /* installed by a replace-irreversibly start (poweroff.target's):
                               no later transaction may undo it */
        bool on[_JOB_QUEUE_MAX]; /* in that queue (link[q]) */
};

/* One per unit, so ordered and narrowed as struct job is: the small
 * fields together, enums as 8-bit fields. */
struct fdstore_entry {
        int fd;
        char *name;
};

/* A service's sd_notify, watchdog and BusName= state (unit_runtime.notify):
 * allocated when the unit is adopted (sched_adopt_units, daemon-reload
 * included) if its config lets a process notify, sets WatchdogSec= or
 * BusName=, so that starting the unit allocates nothing. Kept, not freed,
 * when a daemon-reload takes that config away. */
struct notify_runtime {
        char *status_text;         /* STATUS= */
        struct fdstore_entry *fdstore;
        uint64_t watchdog_when;    /* next watchdog deadline, 0: off */
        uint64_t watchdog_usec;    /* the interval in force (WATCHDOG_USEC= may change it) */
        uint64_t t_bus_name;       /* see bus_name_good */
        int status_errno;          /* sd_notify ERRNO= */
        unsigned n_fdstore;
        /* BusName=: owned on the bus as last reported; acquired since the
         * current start began (a name still held by the last run's
         * process, whose loss is yet to be reported, does not make a
         * restart started); and when it was last acquired (t_bus_name,
         * CLOCK_MONOTONIC µs, 0: never). */
        bool bus_name_good;
        bool bus_name_acquired;
};

/* unit_runtime.extra_edges: one block, grown by doubling. */
struct extra_edges {
        uint32_t n, cap;
        struct unit_edge e[];
};

/* One per unit, so the 32-bit and 8-bit fields come first and fill 56
 * bytes exactly (ids and generations in 32 bits, flags as bits): 280
 * bytes, a 288-byte malloc chunk. */
struct unit_runtime {
        uint32_t index;           /* position in the unit table, for scratch arrays */
        uint32_t timer_generation;
        /* Spawns in flight for the main and the control process, 0: none
         * (sched_spawn's ids are 32-bit and skip 0). */
        uint32_t main_request;
        uint32_t control_request;
        /* The last start job that finished: its id and result
         * (start_job_result), and for "dependency" the unit that did not
         * start (failed_dependency: systemd keeps Result= of a unit it
         * never ran, so this is where the reason lives). */
        uint32_t start_job_id;
        /* This start's number for its InvocationID (core/sched_invocation.c). */
        uint32_t invocation;
        pid_t main_pid;
        pid_t control_pid;
        pid_t main_pgid;
        pid_t control_pgid;
        unsigned ratelimit_count;
        unsigned n_restarts;
        enum unit_active_state active : 8;
        enum sub_state sub : 8;
        enum unit_result result : 8;
        enum sub_state reload_from : 8; /* running or exited, to go back to */
        enum service_exec control_list : 8;     /* which Exec list is running */
        enum job_result start_job_result : 8;   /* see start_job_id */
        /* The last main process exit: CLD_* (1..6; 0: none) and its
         * status (exit status 0..255 or signal 1..64). */
        uint8_t main_exit_status;
        uint8_t main_exit_code : 3;
        bool forbid_restart : 1;  /* a stop job is stopping it: no auto-restart */
        bool kill_waiting : 1;    /* waiting for the unit's process groups to empty */
        bool reload_failed : 1;   /* an ExecReload= command failed: the reload job fails */
        /* Garbage-collected (core/sched_gc.c): hidden from lookups by
         * name, listings and the boot record, its runtime reset, until
         * something names it again (sched_gc_revive). */
        bool collected : 1;
        bool in_gc_queue : 1;     /* in s->gc_queue, to be looked at by the next sweep */
        /* Which command runs, as its place (1-based; 0: none) in its list
         * rather than a pointer: the control process's in control_list,
         * a oneshot's main process's in ExecStart= (service_control_cmd,
         * service_main_cmd). A unit's config does not change while it runs. */
        uint16_t control_cmd_pos;
        uint16_t main_cmd_pos;

        /* Edges of this unit that units loaded after it (at run time: an
         * Accept=yes instance, a unit a control request named) imply: the
         * reverse of their edges to it. The loaded unit itself is sealed
         * and never changes; sched_next_edge() walks both. NULL: none (most
         * units), so they cost every other unit one pointer. */
        struct extra_edges *extra_edges;
        struct job *job;          /* NULL, or &job_slot */
        /* The unit's one job lives here, so queueing it allocates nothing
         * (job_install); job_finish copies it out before anything can
         * queue the next one (a restart's start). */
        struct job job_slot;


        uint64_t timer_when;  /* the state's timeout (start, stop, RestartSec); 0: none */

        uint64_t ratelimit_begin; /* start limit window */

        struct unit *failed_dependency; /* see start_job_id */

        /* What only one type needs, allocated when the unit is adopted
         * (sched_adopt_units), so starting one allocates nothing; NULL
         * until then. One pointer: a unit's type never changes, so read
         * the member of u->type only (check the type first where the unit
         * could be of any type). */
        union {
                struct socket_runtime *sock; /* UNIT_SOCKET */
                struct path_runtime *path;   /* UNIT_PATH: core/unit_path.c's */
                struct timer_runtime *timer; /* UNIT_TIMER: core/unit_timer.c's */
                struct scope_runtime *scope; /* UNIT_SCOPE: core/unit_scope.c's */
                /* Mount, swap and device units: what the kernel or udev
                 * says of them, private to core/unit_TYPE.c; one
                 * allocation, freed with the runtime. */
                void *type_rt;
        };
        /* Accept=yes instances while they hold a connection, NULL otherwise:
         * allocated by the accept that creates or reuses the instance. Few
         * units ever have one, so it costs the others only a pointer. */
        struct unit_conn *conn;

        /* What sd_notify, the watchdog and BusName= keep: only services
         * whose config can use it have one (service_adopt), so the many
         * that cannot pay a pointer; NULL for every other unit. */
        struct notify_runtime *notify;

        /* The boot record's stamps (CLOCK_MONOTONIC µs, 0: not yet). */
        uint64_t t_queued, t_activating, t_forked, t_execed, t_active, t_exited, t_deactivating, t_inactive;
};

/* What only socket units need (unit_runtime.sock). */
struct socket_runtime {
        struct socket_fds fds;     /* the listening fds */
        unsigned n_connections;    /* live Accept=yes instances */
        unsigned n_accepted;       /* connections accepted so far (NAccepted=) */
        unsigned n_instances;      /* Accept=yes instances created (foo@0 .. foo@N-1), reused once idle */
        unsigned trigger_count;    /* TriggerLimitIntervalSec= window and its count */
        uint64_t trigger_begin;
};

/* What only timer units need (unit_runtime.timer). Monotonic times are
 * CLOCK_MONOTONIC µs, realtime ones CLOCK_REALTIME µs; 0: none. */
struct timer_runtime {
        uint64_t next_mono;      /* next elapse of the monotonic values (with the random delay) */
        uint64_t next_real;      /* next elapse of the calendar values (with the random delay) */
        uint64_t fire_mono;      /* when the heap wakes for next_mono, AccuracySec= applied */
        uint64_t fire_real;      /* the same for next_real, on the realtime clock */
        uint64_t last_trigger_mono;
        uint64_t last_trigger_real;
        uint64_t activated_real; /* the timer's start, on the wall clock */
        uint8_t *disabled;       /* per configured value: a one-time trigger that passed */
        unsigned n_disabled;
};

/* An Accept=yes instance's connection and where it came from (unit_runtime.conn). */
struct unit_conn {
        int fd;
        struct unit *socket;
        char remote_addr[64];
        char remote_port[8];
};

/* The io thread's cookie for a type-wide fd (unit_type_ops.enumerate):
 * above any unit index. */
#define SCHED_TYPE_COOKIE(t) ((UINT64_C(1) << 62) | (uint64_t) (t))

struct sched {
        struct unit_table *units;
        void *type_state[_UNIT_TYPE_MAX]; /* see unit_type_ops.enumerate */
        size_t n_rt;              /* units with a runtime so far (units->units[0..n_rt)) */
        size_t n_linked;          /* of those, units whose reverse edges are in place (sched_adopt_units) */
        const struct sched_ops *ops;
        void *userdata;
        struct sched_config config;

        struct idmap by_pid;       /* pid -> unit, main and control processes */
        struct idmap by_request;   /* spawn request id -> unit */
        struct idmap early_exits;  /* pid -> exit (packed), exits that beat their spawn report */
        unsigned spawns_in_flight;
        uint32_t next_request_id; /* wraps, skipping 0 (unit_runtime.main_request) */
        struct timer_heap timers;

        unsigned n_jobs;
        uint32_t next_job_id;
        uint64_t invocation_key[2]; /* core/sched_invocation.c */
        struct unit *boot_target;
        bool boot_reported;
        /* The boot's end, told at the end of the entry point that reached
         * it (sched_entry_done): boot_done writes the boot record, and the
         * spawns that entry point released go first. */
        bool boot_pending, boot_ok;
        /* Start-up is over: the boot was reported and no job was left
         * (core/sched_state.c), at that time. */
        bool startup_finished;
        uint64_t t_startup_finished;
        bool shutting_down;        /* no start or reload job is accepted or run */
        bool shutdown_queued;      /* every stop job is in: the shutdown ends with the last job */
        bool shutdown_reported;
        bool shutdown_expired;     /* the deadline passed: no job runs any more */
        uint64_t shutdown_warn_at; /* when to say what the shutdown waits for, 0: done */
        uint64_t shutdown_deadline; /* when the shutdown ends regardless, 0: none */
        uint64_t now;              /* the time of the event being handled */
        struct idmap early_notify; /* pid -> list of notify messages that beat their spawn report */
        unsigned n_early_msgs;     /* what early_notify holds, bounded (notify_route.c) */
        unsigned n_early_fds;
        struct log_ratelimit notify_rl; /* refused notify messages are logged at this rate */
        struct job_fifo queue[_JOB_QUEUE_MAX]; /* see enum job_queue */
        /* Scratch for transaction_start(), one entry per unit, grown when
         * units are adopted (at load), so a start allocates none of it. */
        struct unit **txn_queue;
        uint8_t *txn_seen;           /* all zero between transactions */
        struct txn_frame *txn_stack;
        uint32_t *txn_color;         /* the cycle search's marks: epoch << 1 | done */
        uint32_t txn_epoch;
        size_t txn_cap;
        bool in_transaction;
        bool had_irreversible; /* one was built: transactions check what they would undo */
        bool bus_connected;        /* the bus thread's last word on its connection */
        struct log_ratelimit bus_rl; /* bus name reports about no unit */
        struct unit **kill_waiters; /* units in kill_waiting state */
        size_t n_kill_waiters;
        size_t cap_kill_waiters;
        /* Units that may have become collectable since the last sweep
         * (core/sched_gc.c); sweeps run once the boot's transaction is in. */
        struct unit **gc_queue;
        size_t n_gc_queue, cap_gc_queue;
        /* And every unit taken over from this index on (units[i] for
         * gc_unswept_from <= i < n_rt), which a load or a daemon-reload
         * makes candidates all at once: a range, not 10,000 queue entries
         * at the boot's peak. */
        size_t gc_unswept_from;
        /* When the units were read from disk, by ranges of the table in
         * the order adopted (each from first on, until the next): what
         * NeedDaemonReload compares file times with (core/sched_reload.c). */
        struct load_batch {
                size_t first;
                struct timespec at;
        } *load_batches;
        size_t n_load_batches, cap_load_batches;
        /* Units collected now (revived ones leave the count), and the
         * count that asks for a compaction next (sched_wants_compaction). */
        size_t n_collected;
        size_t compact_at;
        bool gc_armed;
        /* Units a bus client holds a reference to (Ref, systemd-run's
         * AddRef): never collected while held (core/sched_bus.c). Names,
         * not units: they outlive a daemon-reload's new table. */
        char **bus_refs;
        /* Units' last failed Condition*= or Assert*= (core/sched_conditions.c). */
        struct hashmap condition_records;
        /* Transient units' stdio fds, systemd-run --pipe's (core/sched_stdio.c). */
        struct hashmap unit_stdio;
        /* The manager's environment block (core/sched_env.c): what weft
         * starts with, what clients set (sorted, without the names weft
         * sets itself), and the two merged, which every spawn gets. */
        char **env_defaults, **env_client, **env_effective;
};

/* Is job id a newer than b? Job ids are 32 bits and wrap (skipping 0, which
 * is "none"), so they compare as serial numbers, not as plain integers. */
static inline bool job_id_newer(uint32_t a, uint32_t b)
{
        return a != 0 && (int32_t) (a - b) > 0;
}

/* A frame of the transaction's cycle search (core/transaction.c). */
struct txn_frame {
        uint32_t index; /* the unit's rt->index: its place in s->units->units */
        uint32_t edge;  /* sched_next_edge()'s cursor */
};

struct unit_runtime *rt_of(struct sched *s, const struct unit *u);

/* Inactive or failed: nothing of the unit runs, nothing is on its way. */
static inline bool unit_state_is_down(enum unit_active_state a)
{
        return a == UNIT_INACTIVE || a == UNIT_FAILED;
}

/* Every edge of u the scheduler acts on: its loaded edges, then the ones
 * units loaded later added at run time (rt->extra_edges). Start with
 * *i = 0; NULL at the end. The index survives the arrays growing, so a
 * loop may start jobs (and load units) between two calls.
 *   for (size_t i = 0; (e = sched_next_edge(u, &i)); ) */
static inline const struct unit_edge *sched_next_edge(const struct unit *u, size_t *i)
{
        if (*i < u->n_edges)
                return &u->edges[(*i)++];
        size_t k = *i - u->n_edges;
        if (!u->rt || !u->rt->extra_edges || k >= u->rt->extra_edges->n)
                return NULL;
        (*i)++;
        return &u->rt->extra_edges->e[k];
}
/* The units of one kind of edge, as unit_next_dep() but over
 * sched_next_edge(): what core/ uses instead of unit_next_dep(). */
struct unit *sched_next_dep(const struct unit *u, enum unit_dependency kind, size_t *i);
/* Has u an edge of that kind to other (loaded or added at run time)? */
bool sched_has_dep(const struct unit *u, enum unit_dependency kind, const struct unit *other);

/* core/sched.c */
/* CLOCK_REALTIME µs now: ops->realtime, or the system's clock. */
uint64_t sched_realtime(struct sched *s);
/* Move u to sub-state sub; its active state is what u's type says sub
 * stands for. A sub-state the type does not have is refused, loudly. */
void unit_set_sub(struct sched *s, struct unit *u, enum sub_state sub);
void unit_arm_timer(struct sched *s, struct unit *u, uint64_t when);
void unit_disarm_timer(struct sched *s, struct unit *u);
/* Put u's heap entry at the earliest of timer_when, watchdog_when and its
 * job's timeout_when. */
void unit_reschedule(struct sched *s, struct unit *u);
/* Act on a unit's *Action= setting a (why: what happened; setting: its
 * name, for the log): a shutdown of its kind, or weft's exit with status. */
void unit_action(struct sched *s, struct unit *u, const char *why, const char *setting, enum emergency_action a,
                 int status);
/* Start u's OnFailure= units (none during a shutdown). */
void unit_start_on_failure(struct sched *s, struct unit *u);
int sched_spawn(struct sched *s, struct unit *u, const struct exec_command *cmd, bool control, char **extra_env);
/* core/sched_env.c: the block's first content (sched_new), and its end (sched_free). */
int sched_env_init(struct sched *s);
void sched_env_done(struct sched *s);
void sched_forget_pid(struct sched *s, pid_t pid);
/* Attribute pid's exit to u (a forking service's main process). */
void sched_track_pid(struct sched *s, struct unit *u, pid_t pid);
int sched_add_kill_waiter(struct sched *s, struct unit *u);
/* Append u to a growable list of units (*v, *n of *cap), doubling from 16.
 * 0, or -ENOMEM with the list unchanged. */
int unit_list_push(struct unit ***v, size_t *n, size_t *cap, struct unit *u);
const char *unit_active_state_to_string(enum unit_active_state a);
const char *sub_state_to_string(enum sub_state s);
const char *unit_result_to_string(enum unit_result r);

/* core/sched_shutdown.c: the shutdown's two timers (see sched_shutdown()). */
uint64_t sched_shutdown_next_deadline(struct sched *s);
void sched_shutdown_run_timers(struct sched *s, uint64_t now);
/* A job finished: was it the shutdown's last one? */
void sched_shutdown_check_done(struct sched *s);

/* core/sched_invocation.c */
void sched_invocation_init(struct sched *s);
/* u's InvocationID, 32 hex digits, from its running or last start job;
 * false and "" for a unit never started by a job. */
bool sched_invocation_id(const struct sched *s, const struct unit *u, char ret[static 33]);

/* core/job.c */
/* A new job id (never 0); also for a job that ends as it is asked for. */
uint32_t job_next_id(struct sched *s);
/* daemon-reload: every waiting job counts again what it waits for, by the
 * new ordering edges (transaction_run_ready then breaks a cycle they made
 * and releases what waits for nothing). */
void job_recount_all(struct sched *s);
struct job *job_install(struct sched *s, struct unit *u, enum job_type type, bool mandatory);
/* Stop, transitively, what requires u, is bound to it or is part of it and
 * is up, as systemd propagates a stop (u's own stop job is the caller's). */
void job_propagate_stop(struct sched *s, struct unit *u);
/* Must job a wait for job b, b's unit being ordered before a's (After=) or
 * not (Before=)? Start and reload jobs follow After=, stop jobs the
 * reverse, and a stop job goes before a start job either way. */
bool job_waits_for(const struct job *a, const struct job *b, bool b_before_a);
void job_finish(struct sched *s, struct job *j, enum job_result result);
/* The job numbered id, NULL: none (a walk over the units: for admins). */
struct job *job_find(struct sched *s, uint32_t id);
/* The jobs j waits for (before: systemd's job_get_before, GetJobBefore)
 * or that wait for j (job_get_after), at most max of them into out. */
size_t job_waits(struct sched *s, const struct job *j, bool before, const struct job **out, size_t max);
/* systemd's ClearJobs: every job ends "canceled"; the units go on as they
 * are. One by one (job_finish), so waiting clients get their answers. */
void job_cancel_all(struct sched *s);
/* The unit of one job that j waits for (for messages), NULL: none. */
struct unit *job_blocker(const struct job *j);
/* Queue j to run if nothing it is ordered after is unfinished. */
void job_run_if_ready(struct sched *s, struct job *j);
/* Run the ready list empty, and the start jobs waiting for the spawn
 * window while it has room; every entry point of the scheduler ends here. */
void sched_run_ready(struct sched *s);
/* The unit reached a state that may finish its job. */
void job_unit_changed(struct sched *s, struct unit *u);
/* u's job reached its timeout_when: it ends with "timeout". */
void job_timed_out(struct sched *s, struct unit *u);
const char *job_result_to_string(enum job_result r);
const char *job_type_to_string(enum job_type t);
/* A start job of u fails because cause (a unit it requires) did not start. */
void job_fail_dependency(struct sched *s, struct job *j, struct unit *cause);
/* The result the boot record shows: Result=, or "dependency" for a unit
 * whose start job ended so without running it. */
const char *job_record_result(const struct unit_runtime *rt);


/* core/transaction.c */
int transaction_start(struct sched *s, struct unit *anchor, bool *ret_nothing_to_do);
/* How a start treats what is already there (systemd's job modes). */
enum job_mode {
        JOB_MODE_REPLACE,               /* replace conflicting jobs */
        JOB_MODE_REPLACE_IRREVERSIBLY,  /* and no later start may undo them (systemctl poweroff) */
        JOB_MODE_ISOLATE,               /* and stop every unit that is not part of it */
};
/* Several requests that order against each other: build each with
 * transaction_add (nothing runs yet), then transaction_run_ready. */
int transaction_add(struct sched *s, struct unit *anchor, enum job_mode mode, bool *ret_nothing_to_do);
/* Break every ordering cycle of waiting jobs, then run every waiting job
 * that waits for nothing. O(units + edges) per cycle broken. */
void transaction_run_ready(struct sched *s);

/* core/unit_socket.c: what services need of the sockets that trigger them */
/* A service a socket triggers went down: listen for the next trigger, or,
 * when it hit its start limit, fail the Accept=no sockets that trigger it
 * (clients are refused instead of left waiting). */
void socket_service_down(struct sched *s, struct unit *service);
/* The fds a service gets at start (LISTEN_FDS), with ":"-joined names:
 * an Accept=yes connection (unless it is stdin), the fds of every socket
 * unit that triggers it, then the fd store. */
int socket_collect_fds(struct sched *s, struct unit *service, bool with_connection, int **ret_fds, unsigned *ret_n,
                       unsigned *ret_n_sockets, char **ret_names);

/* core/sched_bus.c: what the bus thread's events mean for units */
void sched_bus_name(struct sched *s, const char *name, bool owned);
void sched_bus_state(struct sched *s, bool connected);
/* u's active state changed: the unit that provides the bus tells the bus thread. */
void sched_bus_unit_changed(struct sched *s, struct unit *u, enum unit_active_state old);
/* u's state or job changed: its PropertiesChanged, for bus clients that
 * wait on it (systemctl start --wait, systemd-run --wait). */
void sched_bus_signal(struct sched *s, const struct unit *u);
/* The bus thread's clients took (ref) or dropped a hold of name (each
 * hold counts); 0 or -ENOMEM. */
int sched_bus_ref(struct sched *s, const char *name, bool ref);
bool sched_bus_referenced(const struct sched *s, const struct unit *u);
/* core/sched_conditions.c: a unit's last condition (assert false) or
 * assertion check, failed naming what failed or NULL for a pass; forget
 * them (the unit was collected); describe them (ConditionResult,
 * ConditionTimestampMonotonic, ConditionFailed and the Assert ones: only
 * for a unit that failed one at some time); free the table. */
void sched_conditions_record(struct sched *s, const struct unit *u, bool assert, const char *failed);
void sched_conditions_forget(struct sched *s, const struct unit *u);
struct control_unit;
int sched_conditions_describe(struct sched *s, const struct unit *u, struct control_unit *cu);
void sched_conditions_free(struct sched *s);
/* core/sched_stdio.c: the fds u's commands get as 0, 1, 2 (3, -1 for
 * the unit's own setting; the table keeps copies): set, get (NULL:
 * none), forget (u was collected), free the table. */
int sched_stdio_set(struct sched *s, const struct unit *u, const int *fds);
const int *sched_stdio_get(const struct sched *s, const struct unit *u);
void sched_stdio_forget(struct sched *s, const struct unit *u);
void sched_stdio_free(struct sched *s);
/* core/unit_timer.c: where in [a, b] a timer with an accuracy wakes,
 * given the per-boot perturbation (sd-event's sleep_between). */
uint64_t timer_coalesce(uint64_t perturb, uint64_t a, uint64_t b);
/* SipHash-2-4, as systemd hashes FixedRandomDelay='s seed. */
uint64_t timer_siphash24(const void *in, size_t n, const uint8_t key[16]);

/* core/unit_path.c: the path runtime's fd and memory (runtime_free). */
void path_runtime_free(struct path_runtime *p);
/* core/sched.c: tell every unit that triggers u (UNIT_TRIGGERED_BY) that u
 * changed state or finished a job, through its type's trigger_notify. */
void unit_trigger_notify(struct sched *s, struct unit *u);

/* core/sched_reload.c: the adopted units [first, n_rt) were read no
 * earlier than now (0, or -ENOMEM: they then count as read earlier). */
int sched_load_batch(struct sched *s, size_t first);
/* The unit at index i was read again now, alone (core/sched_reread.c). */
int sched_load_reread(struct sched *s, size_t i);
/* systemd's NeedDaemonReload for u. */
bool sched_need_daemon_reload(struct sched *s, const struct unit *u);

/* core/sched.c: the edge u -kind-> other and its inverse, at run time
 * (rt->extra_edges), each side unless it has it already. */
int sched_link_units(struct unit *u, enum unit_dependency kind, struct unit *other, bool refs, bool ref_by);
/* core/sched_reread.c: u's file read again into *t (initialized here,
 * freed by the caller with unit_table_done) as *ret, its edges final, the
 * unit path refreshed first. */
int sched_read_again(struct sched *s, const struct unit *u, struct unit_table *t, struct unit **ret);
/* u was not found when weft read the unit path: if its file is there now,
 * load it in place, with its edges (0; also 0 if it is still not there),
 * or say why not (-EEXIST: an alias now, or with aliases; -ENOMEM). */
int sched_retry_load(struct sched *s, struct unit *u);

/* core/sched_transient.c: transient units once collected. Is u one
 * (its file in the transient directory)? */
bool sched_transient_unit(const struct sched *s, const struct unit *u);
/* Remove u's transient file, if it is a transient unit. */
void sched_transient_forget_file(struct sched *s, const struct unit *u);
/* u, collected, named again: if it is a transient unit with a new file
 * under its name, read that in place (0), or refuse it and remove the
 * file (-EEXIST: it names other dependencies; -ENOMEM...); one without a
 * file is gone (-ENOENT), as systemd's is once collected. 0 and no change
 * for any other unit. */
int sched_transient_redefine(struct sched *s, struct unit *u);

/* core/sched_gc.c: garbage collection of units nothing needs. */
/* u may have become collectable (it went down, its job finished, it was
 * loaded at run time): look at it in the next sweep. */
void sched_gc_queue(struct sched *s, struct unit *u);
/* u is named or used again: if it was collected, it and what it
 * references come back, fresh. */
void sched_gc_revive(struct sched *s, struct unit *u);
/* The deferred sweep, at the end of each of the scheduler's entry points. */
void sched_gc_run(struct sched *s);
/* What every entry point of the scheduler (an event, the timers, the
 * boot's start) does last: the collector's sweep, then the boot's report. */
void sched_entry_done(struct sched *s);
/* Is u hidden because it was collected? */
static inline bool unit_collected(const struct unit *u)
{
        return u->rt && u->rt->collected;
}

/* core/notify_route.c */
void notify_handle(struct sched *s, struct notify_message *m);
void notify_replay_early(struct sched *s, pid_t pid);
/* No spawn is in flight: whatever is still early has no sender to wait for. */
void notify_drop_early(struct sched *s);
/* One warning line, unless the scheduler's notify lines are over their
 * rate (a sender controls how often this is reached). */
__attribute__((format(printf, 2, 3))) void notify_log_refused(struct sched *s, const char *fmt, ...);
/* core/service_notify.c */
/* What m means for u, a unit that takes notifications (m stays the caller's). */
void notify_apply(struct sched *s, struct unit *u, struct notify_message *m);
void fdstore_close_all(struct unit_runtime *rt);
/* The watchdog deadline, 0 (off) for a unit without notify state. */
static inline uint64_t rt_watchdog_when(const struct unit_runtime *rt)
{
        return rt->notify ? rt->notify->watchdog_when : 0;
}
/* core/sched.c: close and forget an Accept=yes instance's connection, if any. */
void unit_conn_close(struct unit_runtime *rt);
void watchdog_arm(struct sched *s, struct unit *u);

/* core/service.c, core/service_stop.c: the service state machine, which
 * core/unit_service.c's row of the type table calls */
/* Start from dead, failed or auto-restart; -ECANCELED: the start limit refused it. */
int service_start(struct sched *s, struct unit *u);
/* Run ExecReload=; the unit is running or exited and has one. */
void service_reload(struct sched *s, struct unit *u);
void service_spawned(struct sched *s, struct unit *u, pid_t pid, int error, uint64_t exec_usec, bool control);
void service_exited(struct sched *s, struct unit *u, pid_t pid, int code, int status);
void service_timer(struct sched *s, struct unit *u);
void service_group_gone(struct sched *s, struct unit *u);
/* A process of u was reported after u began to be killed (its spawn was in
 * flight): send it what the others got. Nothing in other sub-states. */
void service_signal_late(struct sched *s, struct unit *u, pid_t pid, bool control);
/* The shutdown deadline passed: SIGKILL what is left of u, whatever its state. */
void service_kill_remaining(struct sched *s, struct unit *u);
/* The watchdog expired. */
void service_watchdog(struct sched *s, struct unit *u);
