/* A fake world for the scheduler's tests: a spawner that records
 * requests, a kill(2) that records signals and knows which fake pids live,
 * a clock the test moves, and helpers that play the worker pool, the signal
 * thread and the io thread by feeding events. One fake at a time (F). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/sched.h"
#include "parse/load.h"

#define MAX_SPAWNS 256
#define MAX_KILLS 256
#define MAX_WATCHES 64

struct fake {
        struct unit_table table;
        struct unit_path_index *index;
        struct load_context load;
        struct sched *s;
        uint64_t now;
        struct spawn_request *spawns[MAX_SPAWNS]; /* in order of request */
        int n_spawns;
        struct {
                pid_t pid;
                int sig;
        } kills[MAX_KILLS];
        int n_kills;
        pid_t alive[MAX_SPAWNS];
        int n_alive;
        pid_t next_pid;
        int boot_done;   /* 1 success, -1 failure */
        int shutdown_done;
        struct {
                int fd;
                uint64_t cookie;
        } watches[MAX_WATCHES]; /* armed, not yet fired */
        int n_watches;
        int replies;          /* control replies sent (final ones) */
        int interims;         /* interim replies naming a job (announce_job) */
        uint32_t last_job_id; /* the last one's JobId */
        int last_code;        /* the last reply's code */
        uid_t notify_uid;     /* the credentials' uid fake_notify sends (0: root) */
        char last_error[1024]; /* and its error line ("" if none) */
        char last_text[256];  /* and its text ("" if none) */
        int spawn_error;      /* nonzero: the spawner refuses requests with it */
        int n_exit_requests;  /* SuccessAction=/FailureAction= exit requests (ops.exit_request) */
        int exit_code;        /* the last one's status */
        bool exit_force;      /* and whether it was exit-force */
        int n_shutdown_requests; /* *Action= reboot, poweroff, halt (ops.shutdown_request) */
        int shutdown_kind;    /* the last one's enum shutdown_kind */
        /* ops.unit_changed: each "UNIT ACTIVE SUB JOB|", the first 8 KiB. */
        char changes[8192];
        /* The fake wall clock is F.now + realtime_offset; fake_set_clock
         * moves it as a clock set by hand would. */
        uint64_t realtime_offset;
};

/* For the next fake_setup*: where Persistent= timer stamps go, the
 * per-boot coalescing spot, and the machine id's first 8 bytes (the rest
 * zero) that seed FixedRandomDelay= (timers' tests). */
void fake_timer_config(const char *stamp_dir, uint64_t perturb_usec, uint64_t machine_seed);
/* Set the fake wall clock to realtime_usec (the monotonic clock does not
 * move) and tell the scheduler, as the io thread's timerfd would. */
void fake_set_clock(uint64_t realtime_usec);
uint64_t fake_realtime(void);
/* The io thread saw /etc/localtime change. */
void fake_timezone_change(void);

extern struct fake F;

void fake_setup_with(const char *dir, const char *target, const char *extra, const char *notify_socket);
void fake_setup(const char *dir, const char *target);
/* fake_setup with sched_config.spawn_window (fake_setup has none). */
void fake_setup_window(const char *dir, const char *target, unsigned spawn_window);
/* As fake_setup_with, and build() adds units and edges in memory after
 * loading (a graph too big to write as files), before the boot starts. */
void fake_setup_built(const char *dir, const char *target, const char *extra, const char *notify_socket,
                      void (*build)(struct unit_table *t));
void fake_teardown(void);
/* The fake's daemon-reload, as the manager's: load dir again into a new
 * table (target, every unit not collected, what they pull in), swap it in with
 * sched_swap_units, keep it as F.table with its own index, and run what
 * is ready. */
void fake_reload(const char *dir, const char *target);
/* The same, returning sched_swap_units' result (nothing changed if < 0). */
int fake_try_reload(const char *dir, const char *target);
int fake_find_spawn(const char *tag);
int fake_count_spawns(const char *tag);
pid_t fake_report(int i);
void fake_exit(pid_t pid, int code, int status);
void fake_run_to_exit(const char *tag, int status);
bool fake_killed(pid_t pid, int sig);
/* A real process of no unit (the test's child, in its session), killed
 * with the test if it dies; fake_reap kills and reaps it. */
pid_t fake_spawn_sleeper(void);
void fake_reap(pid_t pid);
void fake_advance(uint64_t usec);
/* For the next fake_setup*: garbage-collect units (sched_config.collect). */
/* For the next fake_setup*: sched_config.collected_max (compaction). */
void fake_collected_max_next(unsigned n);
void fake_collect_next(void);
const char *fake_state(const char *unit);
/* Deliver a notify message from pid ("KEY=VALUE\n..."), with fds (taken),
 * as uid F.notify_uid. A MAINPID= pid is described as the io thread would:
 * a fake live pid leads its own group and session, any other is read from
 * /proc (so a test can name a real process). */
void fake_notify(pid_t pid, const char *text, const int *fds, unsigned n_fds);
/* The io thread saw fd readable: deliver the armed watch's event. Returns
 * false if fd was not armed. */
bool fake_fd_ready(int fd);
bool fake_watched(int fd);
/* Send a control request (verb, one unit) as root on connection 1. */
void fake_control(const char *verb, const char *unit);
