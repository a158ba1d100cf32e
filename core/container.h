/* `weft [OPTIONS] -- CMD [ARGS...]`: weft as a container's init, tini's
 * job. CMD becomes a unit of its own, main.service, built here in memory
 * (no file is written or read for it) and started by the scheduler like
 * any service: Type=exec, weft's environment, working directory and fds 0-2,
 * its own process group with the terminal handed over (spawn.h's
 * container_main), SuccessAction=exit and FailureAction=exit, so that its
 * end is the container's end with its exit status (128+N after signal N).
 * With --unit-path DIR, main.service Wants= and is ordered After= DIR's
 * target (the sidecars), unless --no-wait starts it alongside.
 *
 * The manager's scheduler thread also forwards SIGTERM, SIGINT, SIGHUP,
 * SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH (EVENT_FORWARD) to CMD, or to its
 * process group (-g). A signal that comes before CMD was exec'd waits for
 * it; a SIGTERM starts --stop-timeout, after which a CMD still running is
 * SIGKILLed (or, if it never started, the container ends with 143). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "parse/load.h"

#define CONTAINER_MAIN_UNIT "main.service"
#define CONTAINER_STOP_TIMEOUT_USEC (10 * 1000000ULL) /* docker stop's */

struct container_options {
        char **argv;              /* CMD [ARGS...]; argv[0] as given */
        char *path;               /* the program: argv[0] found in $PATH (container_find_program) */
        bool forward_to_group;    /* -g: signals go to CMD's process group */
        bool no_wait;             /* --no-wait: CMD starts alongside the sidecars */
        uint64_t stop_timeout_usec;
};

/* argv[0] as execvp(3) finds it: a name with a '/' as is (made absolute
 * against the working directory), else the first executable regular file
 * of that name in $PATH (or the default path), else the first one found
 * there at all (its exec then fails with 126). -ENOENT: none. */
int container_find_program(const char *name, char **ret);

/* Add main.service to ctx's table as a loaded unit, before unit_load_all.
 * target (NULL: no sidecars) is interned and pulled in. */
int container_add_main(struct load_context *ctx, const struct container_options *o, const char *target);

struct sched;

/* Signal forwarding state, the scheduler thread's. */
struct container {
        const struct container_options *o;
        uint64_t pending;   /* bit per signal that came before CMD ran */
        uint64_t kill_at;   /* SIGKILL a CMD still running then; 0: none */
        bool started;       /* CMD ran (a main pid was seen) */
        bool ended;         /* the container is ending: nothing more is forwarded */
};

/* EVENT_FORWARD: send sig to CMD now, or when it runs. */
void container_forward(struct container *c, struct sched *s, int sig, uint64_t now);
/* After every event: deliver what waited for CMD, once it runs. */
void container_flush(struct container *c, struct sched *s);
/* The stop timeout's deadline (UINT64_MAX: none), and what it does when due;
 * returns true when the container must end now (CMD never ran). */
uint64_t container_next_deadline(const struct container *c);
bool container_run_timer(struct container *c, struct sched *s, uint64_t now);
