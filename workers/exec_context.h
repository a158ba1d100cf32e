/* Turning a unit's execution settings (struct exec_context, systemd.exec(5))
 * and one command line into a complete spawn request: the environment,
 * argv after $VAR expansion, the program's path, user and group ids, the
 * working directory, stdio fds, limits. Everything that can fail fails here,
 * on the scheduler thread, with a message naming the unit, so the child
 * after clone has nothing left to decide.
 *
 * Called by the scheduler each time it runs an Exec* command. */
#pragma once
#include <stdbool.h>
#include <sys/resource.h>

#include "parse/unit.h"
#include "workers/spawn.h"

struct exec_params {
        const char *unit_id;
        const char *log_dir;     /* StandardOutput=journal: LOG_DIR/UNIT.log, appended;
                                    NULL: weft's own stderr */
        const char *invocation_id; /* 32 hex chars, one per start of the unit (shared by its
                                      ExecStartPre/ExecStart...); NULL: a fresh random one */
        char *const *manager_environment; /* the manager's block ("K=V", core/sched_env.c), first
                                    and lowest in priority; NULL: exec_manager_environment_default()'s */
        char *const *extra_env;  /* "K=V" the manager adds for this command ($MAINPID,
                                    $SERVICE_RESULT, $EXIT_CODE, $EXIT_STATUS, NOTIFY_SOCKET...) */
        const int *listen_fds;   /* socket activation (fds 3...), may be NULL; the request
                                    gets duplicates, the caller keeps these */
        unsigned n_listen_fds;
        unsigned n_socket_fds;   /* how many of listen_fds are sockets (cleared of
                                    O_NONBLOCK in the child); the rest is the fd store */
        const char *listen_fdnames; /* ":"-joined, one per fd */
        bool listen_pid;         /* add LISTEN_PID (completed in the child) */
        bool has_socket;         /* Accept=yes: socket_fd is the connection, for */
        int socket_fd;           /* StandardInput=socket and StandardOutput=socket */
        bool control;            /* a control command (ExecStartPre/Post, ExecStop...) rather than the main process */
        bool container_main;     /* `weft -- CMD`'s main process: weft's own fds 0, 1 and 2
                                    whatever the unit says, and spawn_request.container_main */
        const int *stdio_fds;    /* 3 fds that are 0, 1, 2 whatever the unit says (-1: its
                                    setting), systemd-run --pipe's; NULL: none. Duplicated */
};

/* Build *ret for running cmd of unit u (a service or socket) with params p.
 * The request owns every fd in it (owns_fds: stdio it opened, and
 * duplicates of weft's own fds and of the listen fds), so
 * spawn_request_free closes them all.
 * Returns 0, or a negative errno after logging "UNIT: what failed: why"
 * (e.g. -ENOENT for a missing program or EnvironmentFile without "-",
 * -ESRCH for an unknown User=/Group=). */
/* systemd's DefaultLimitNOFILE=: what a command gets when its unit sets no
 * LimitNOFILE= (not `weft -- CMD`'s CMD, which keeps weft's as under tini).
 * From the limit weft was started with, as systemd's fallback_rlimit_nofile():
 * the soft one at most 1024 (select() fails on higher fds), the hard one at
 * least 524288, and never above weft's own hard limit (hard_now), which a
 * container or a non-root weft may keep lower. */
struct rlimit exec_nofile_default(struct rlimit inherited, rlim_t hard_now);

/* Remember the RLIMIT_NOFILE weft was started with, before PID 1's duties
 * raise its own hard limit to fs.nr_open; called by main before any thread
 * starts. Without it, the limit at the first spawn stands in. */
void exec_nofile_inherited_save(void);

/* Is fd i (0, 1, 2) one of p->stdio_fds rather than the unit's setting? */
static inline bool exec_stdio_given(const struct exec_params *p, int i)
{
        return p->stdio_fds && p->stdio_fds[i] >= 0;
}

int exec_build_request(const struct unit *u, const struct exec_context *c, const struct exec_command *cmd,
                       const struct exec_params *p, struct spawn_request **ret);

/* What the manager's environment block starts as, systemd's: PATH (the
 * default search path) and LANG when weft has it; *ret sorted by name.
 * 0 or -ENOMEM. */
int exec_manager_environment_default(char ***ret);

/* The environment a command of unit u gets, without running anything.
 * Clean (the manager's own environment is not inherited), built in this
 * order, a later assignment of a name replacing an earlier one:
 * the manager's block (p->manager_environment: systemctl set-environment),
 * the manager's variables (MANAGERPID, INVOCATION_ID; USER, LOGNAME, HOME, SHELL when User= is set),
 * PassEnvironment= (copied from the manager's environment), Environment=,
 * EnvironmentFile= (read now, in order), LISTEN_FDS/LISTEN_FDNAMES/
 * LISTEN_PID, p->extra_env; then UnsetEnvironment= removes names (or exact
 * "K=V" entries) from all of it, as its final step (systemd.exec(5)).
 * Exposed for tests. */
int exec_build_environment(const struct unit *u, const struct exec_context *c, const struct exec_params *p,
                           char ***ret);
