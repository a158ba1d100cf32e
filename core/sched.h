/* The scheduler: the one owner of every unit's runtime state and of the
 * jobs. It is a plain state machine driven by events and a clock, with no
 * threads of its own: core/sched_thread.c runs it on the scheduler thread,
 * and the unit tests drive it with a fake spawner and a fake clock.
 *
 * Jobs are released with Kahn's algorithm: each job counts its unfinished
 * ordering predecessors, a finishing job decrements its successors, and a
 * job at zero runs. A whole boot is O(units + edges). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "parse/boot_record.h"
#include "core/event.h"
#include "parse/unit.h"
#include "workers/spawn.h"

struct control_reply;

/* How a job ended (systemd's job results). */
enum job_result {
        JOB_DONE,
        JOB_CANCELED,
        JOB_FAILED,
        JOB_DEPENDENCY,
        JOB_SKIPPED,
        JOB_TIMEOUT,  /* JobTimeoutSec=, JobRunningTimeoutSec= or the shutdown deadline passed first */
        _JOB_RESULT_MAX,
};

struct job;
struct control_request;

struct sched_ops {
        /* Queue req; the result comes back as EVENT_SPAWNED carrying req->id.
         * Takes ownership of req, also on failure. */
        int (*spawn)(void *userdata, struct spawn_request *req);
        /* kill(2): pid < 0 is a process group. */
        int (*kill)(void *userdata, pid_t pid, int sig);
        /* The default target was reached (or failed): the boot is over. */
        void (*boot_done)(void *userdata, bool success);
        /* Start-up finished at now (CLOCK_MONOTONIC µs): the boot's target
         * was reached and no job is left. May be NULL. */
        void (*startup_finished)(void *userdata, uint64_t now);
        /* Every stop job of a shutdown finished. */
        void (*shutdown_done)(void *userdata);
        /* Arm fd once for readability (the io thread posts EVENT_FD_READY
         * with cookie), and forget it. May be NULL (no socket activation). */
        int (*watch)(void *userdata, int fd, uint64_t cookie);
        void (*unwatch)(void *userdata, int fd);
        /* Send reply to control connection conn_id (the callee encodes it;
         * reply stays the caller's). May be NULL. */
        void (*control_reply)(void *userdata, uint64_t conn_id, const struct control_reply *reply);
        /* A control client asked for shutdown (poweroff, reboot, exit...). */
        void (*shutdown_request)(void *userdata, enum shutdown_kind kind, int exit_code);
        /* SuccessAction=/FailureAction= exit (force false: every unit is
         * stopped first) or exit-force (true: weft exits now, its final
         * sweep ends what runs) with exit_code. May be NULL (ignored). */
        void (*exit_request)(void *userdata, int exit_code, bool force);
        /* daemon-reload: reload the unit files (calls sched_swap_units). May be NULL. */
        int (*reload)(void *userdata);
        /* Many collected units (sched_wants_compaction): compact the unit
         * table, as a reload without generators (calls sched_swap_units
         * or sched_compaction_refused). May be NULL. */
        void (*compact)(void *userdata);
        /* The control layer above the scheduler (core/control.c), reached
         * through callbacks so that nothing here calls up into it: answer a
         * request (EVENT_CONTROL; it stays the caller's), and hear that a
         * job control clients wait for (or a restart's stop) finished. May
         * be NULL (no control socket). */
        void (*control)(void *userdata, uint64_t conn_id, uid_t uid, const struct control_request *request);
        void (*job_finished)(void *userdata, struct job *j, enum job_result result);
        /* The bus thread (core/bus_thread.h): watch a service's BusName=,
         * and hear that the unit providing the bus came up or went down.
         * May be NULL (no bus). */
        void (*bus_watch)(void *userdata, const char *name);
        void (*bus_up)(void *userdata, bool up);
        /* unit's ActiveState, SubState or job (its id, 0: none) changed. May be NULL. */
        void (*unit_changed)(void *userdata, const char *unit, const char *active, const char *sub, uint32_t job);
        /* CLOCK_REALTIME µs now (calendar timers). NULL: the system's
         * clock; the unit tests drive a fake one. */
        uint64_t (*realtime)(void *userdata);
};

struct load_context;

struct sched_config {
        const char *log_dir;      /* per-unit logs (StandardOutput=journal) */
        const char *notify_socket; /* NOTIFY_SOCKET for services, NULL: none */
        const char *default_target; /* for get-default */
        struct load_context *load; /* loads Accept=yes instances at run time; may be NULL */
        bool console;             /* print "Started X." lines on stderr */
        unsigned spawn_window;    /* start jobs of services run while fewer spawns than
                                     this are in flight, the rest wait their turn in
                                     order; 0: no limit */
        uint64_t manager_start;   /* CLOCK_MONOTONIC µs when weft started */
        /* For the boot record: when the generators ran and the units were
         * loaded (0: not known). */
        uint64_t generators_start, generators_finish;
        uint64_t units_load_start, units_load_finish;
        /* DefaultTimeoutStopSec (the config's timeouts.stop): with the longest
         * TimeoutStopSec= of the units it stops, it bounds a shutdown.
         * 0 or infinity: 90 s. */
        uint64_t default_timeout_stop_usec;
        /* Mirror the system into mount, swap and device units (the
         * kernel's mount table, /proc/swaps, udev); the manager sets it,
         * the unit tests do not. */
        bool watch_system;
        /* Where StartTransientUnit's files are (NULL: nowhere): a unit
         * loaded from there loses its file when it is collected. */
        const char *transient_dir;
        bool abort_on_illegal;    /* tests: an illegal state transition aborts (weft logs and refuses it) */
        /* `weft -- CMD`: the unit whose main process is CMD (its spawn
         * request gets exec_params.container_main); NULL: none. */
        const char *container_main;
        /* Timers: where Persistent= stamps go (NULL: /var/lib/systemd/timers);
         * the per-boot spot within each minute where AccuracySec= lets every
         * timer of the machine wake together (systemd derives it from the
         * boot id); the machine id (/etc/machine-id, all zero when there
         * is none) that seeds FixedRandomDelay=. The manager fills the last
         * two (core/manager.c). */
        const char *timer_stamp_dir;
        uint64_t timer_perturb_usec;
        uint8_t machine_id[16];
        /* PID 1 of a container: OnBootSec= counts from weft's start, as
         * systemd's does, not from the host's boot. */
        bool in_container;
        /* Garbage-collect units nothing needs (core/sched_gc.c), as
         * systemd does; the manager sets it, most unit tests do not. */
        bool collect;
        /* Ask for a compaction once this many units are collected, and at
         * least as many as are not (0: never; weft.yaml's
         * collected_units_max). */
        unsigned collected_max;
};

struct sched;

int sched_new(struct unit_table *units, const struct sched_ops *ops, void *userdata,
              const struct sched_config *config, struct sched **ret);
void sched_free(struct sched *s);
/* Give units added to the table since (instances loaded at run time) their
 * runtime state. */
int sched_adopt_units(struct sched *s);

/* daemon-reload, before new is loaded: intern in it every unit the
 * scheduler has (neither merged into another nor collected), so that none
 * is forgotten. A collected unit is left behind and its memory goes with
 * the old table: named again, it loads afresh, as systemd loads a unit it
 * had garbage-collected (transient units, one per systemd-run or login,
 * would otherwise add up until the next reboot). */
int sched_intern_known(struct sched *s, struct unit_table *new);

/* daemon-reload: carry every unit's runtime state over to new (a freshly
 * loaded table), so running services are not disturbed and new settings
 * apply from their next start; a running unit whose file went away keeps
 * its old configuration. Jobs are carried with their units, as systemd's
 * are, and wait by the new ordering. Nothing changes on -ESHUTDOWN (the
 * shutdown began) or -EBUSY (a unit the new files merge into another has
 * a job). On success the
 * scheduler uses new and *ret_old is the caller's to free. */
int sched_swap_units(struct sched *s, struct unit_table *new, struct unit_table **ret_old);
/* Why sched_swap_units (or the reload around it) failed with r, in words. */
const char *sched_swap_error(int r);

/* The whole table as adopted so far was read from disk no earlier than
 * at (CLOCK_REALTIME): the manager's stamp from before it read the
 * unit files, after sched_new and after sched_swap_units. Units loaded
 * later are stamped as they are adopted. NeedDaemonReload compares with it. */
void sched_loaded_since(struct sched *s, struct timespec at);

/* Compaction: a collected unit keeps its memory until a daemon-reload
 * leaves it behind (sched_intern_known), so with many of them the manager
 * should reload the unit files (without the generators) if nothing on the
 * unit path changed since they were loaded, which then changes nothing
 * else. Wanted once sched_config.collected_max units are collected and no
 * fewer than are not, never during a shutdown. When the manager finds the
 * unit path changed, sched_compaction_refused puts the next try another
 * collected_max collections away; a reload resets both. */
bool sched_wants_compaction(const struct sched *s);
void sched_compaction_refused(struct sched *s);

/* Start name with everything it pulls in (a transaction), now. The anchor
 * of the boot is the default target. Returns 0 or a negative errno (unknown
 * unit, nothing to do is 0). */
int sched_start(struct sched *s, const char *name, uint64_t now, bool is_boot);
/* Stop every unit, in reverse start order, in parallel where ordering
 * allows; then ops->shutdown_done. From here on no start or reload job is
 * accepted or run, and a deadline ends the shutdown whatever the units and
 * jobs do: what is left then is killed, and ops->shutdown_done is called. */
void sched_shutdown(struct sched *s, uint64_t now);

void sched_handle_event(struct sched *s, const struct event *ev);
/* Fire every timer due at or before now. */
void sched_run_timers(struct sched *s, uint64_t now);
/* The next deadline (CLOCK_MONOTONIC µs), UINT64_MAX when none. */
uint64_t sched_next_deadline(struct sched *s);

/* Fill r from the units' stamps (arrays owned by r, freed with
 * sched_boot_record_free). */
int sched_boot_record(struct sched *s, struct boot_record *r);
/* The same record for boot_record_write() only, handing it one unit at a
 * time (boot_record.next_unit): nothing per unit is held at once. Free it
 * with sched_boot_record_free() too; use it on the scheduler thread. */
int sched_boot_record_stream(struct sched *s, struct boot_record *r);
void sched_boot_record_free(struct boot_record *r);

/* For tests and status: the unit's active state ("active", "failed"...),
 * sub-state ("running", "exited", "auto-restart"...) and result. */
const char *sched_unit_active_state(struct sched *s, const char *name);
const char *sched_unit_sub_state(struct sched *s, const char *name);
const char *sched_unit_result(struct sched *s, const char *name);
pid_t sched_unit_main_pid(struct sched *s, const char *name);
/* The result of the unit's last start job ("" if none), and for
 * "dependency" the unit that did not start (NULL if none). */
const char *sched_unit_job_result(struct sched *s, const char *name);
const char *sched_unit_failed_dependency(struct sched *s, const char *name);
/* How many jobs are waiting or running. */
unsigned sched_n_jobs(struct sched *s);
/* core/sched_state.c: systemd's SystemState (initializing, starting,
 * running, degraded, maintenance, stopping), the failed units, and the
 * check, at the end of every entry point, for the end of start-up. */
const char *sched_system_state(struct sched *s);
unsigned sched_n_failed_units(struct sched *s);
void sched_startup_check(struct sched *s);
/* core/sched_env.c: the manager's environment block, which every
 * command spawned gets first and lowest in priority (systemctl
 * show-environment): PATH and LANG (exec_manager_environment_default),
 * overridden by the assignments clients made. sched_env_modify removes
 * unset's entries (names, or exact "K=V") from the clients' assignments,
 * then adds set's, all or nothing: -EINVAL if an entry is invalid (as
 * systemd's SetEnvironment and UnsetEnvironment check them), -ENOMEM;
 * nothing changes then. Scheduler thread; it lasts across daemon-reload. */
char *const *sched_env(const struct sched *s);
int sched_env_modify(struct sched *s, char *const *unset, char *const *set);
