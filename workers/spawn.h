/* Spawning one process from a complete, immutable request. The child does
 * only async-signal-safe work between clone and execve (fd layout, session,
 * signal mask and dispositions, rlimits, umask, exec directories, mount
 * namespace, cwd, capabilities, credentials, no_new_privs, LISTEN_PID), then reports a failing step's errno through a close-on-exec
 * pipe, which is also how the caller learns that execve succeeded (EOF).
 * Settings a container may forbid are adapted as systemd adapts them, not
 * fatal: a limit above the hard limit we have is clamped to it
 * (setrlimit_closest), a nice level below RLIMIT_NICE's becomes the lowest
 * allowed, an OOMScoreAdjust= we may not set (EPERM/EACCES) is skipped, and
 * dropping supplementary groups is skipped where setgroups is denied. Each
 * adaptation is logged at debug level by the parent.
 *
 * Built by the scheduler (which resolves everything: program path, argv
 * after $VAR expansion, environment, user ids) and run by a worker thread. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* One RuntimeDirectory=, StateDirectory=... directory the child makes
 * before it changes directory or user (workers/exec_dirs.c). */
struct spawn_dir {
        char *path;         /* absolute, shorter than PATH_MAX */
        mode_t mode;        /* *DirectoryMode= */
        int status;         /* exit status when making it fails (233 RUNTIME_DIRECTORY...) */
        bool keep_existing; /* ConfigurationDirectory=: one that exists keeps its mode and owner */
};

/* One LoadCredential= or SetCredential= the child writes into the unit's
 * credentials directory (workers/exec_credentials.c). */
struct spawn_credential {
        char *id;
        char *path;         /* LoadCredential=: absolute source; NULL for SetCredential= */
        char *data;         /* SetCredential=: the bytes (NUL-terminated) */
        bool is_system;     /* path is a system credential: a file only, missing is fine */
        bool missing_ok;    /* a missing source is skipped (a SetCredential= falls back) */
};

struct spawn_tty;
struct exec_journal;

struct spawn_request {
        uint64_t id;        /* chosen by the scheduler, echoed in the result */
        char *unit_id;      /* the unit messages name ("spawn" when NULL) */
        char *path;         /* absolute path of the program */
        char **argv;        /* NULL-terminated */
        char **envp;        /* NULL-terminated; a "LISTEN_PID=" entry, if present, is
                               completed with the child's pid in the child */
        int *fds;           /* fds[i] becomes fd i in the child for i < n_fds; -1 opens
                               /dev/null there. fds 0, 1, 2 must be given. Every other
                               fd is closed in the child. */
        unsigned n_fds;
        bool owns_fds;      /* spawn_request_free closes fds[i] >= 0 (after the
                               spawn); otherwise the caller keeps its copies */
        unsigned n_blocking; /* fds 3 .. 3+n_blocking-1 (passed sockets) get
                               O_NONBLOCK cleared in the child, as systemd's
                               NonBlocking=no does */
        char *cwd;          /* NULL: "/" */
        bool cwd_missing_ok;
        bool cwd_is_there;  /* no chdir: cwd NULL, the manager in "/" and no new mount namespace */
        bool set_credentials;
        uid_t uid;
        gid_t gid;
        gid_t *groups;      /* supplementary groups, set with setgroups */
        unsigned n_groups;
        mode_t umask;
        struct spawn_dir *dirs; /* made in this order, with their parents (0755) */
        unsigned n_dirs;
        uid_t dirs_uid;     /* owner of each directory made (User=, else the manager's) */
        gid_t dirs_gid;
        char *cred_dir;     /* /run/credentials/UNIT, or NULL: no credentials; owned
                               by dirs_uid/dirs_gid too */
        struct spawn_credential *creds; /* loads first, in order, then the fallbacks */
        unsigned n_creds;
        struct rlimit rlimits[RLIM_NLIMITS];
        uint32_t rlimit_set; /* bit per resource to apply */
        bool nice_set;
        int nice;
        bool oom_score_adjust_set;
        int oom_score_adjust;
        bool ignore_sigpipe; /* SIGPIPE ignored in the child (IgnoreSIGPIPE=yes) */
        bool new_session;    /* setsid(): the service gets its own process group */
        bool stdin_ctty;     /* stdin is a given fd (systemd-run --pty's terminal): in the new
                                session, make it the controlling terminal if it is one */
        /* TTYPath= and StandardInput=tty*: the terminal the child resets
         * and takes after setsid(), an fds[0..2] slot of SPAWN_FD_TTY (-2)
         * standing for it (workers/exec_tty.h); NULL: none. */
        struct spawn_tty *tty;
        /* StandardOutput=journal: the streams the worker connects before
         * clone, in place of fds 1 and 2 (the fallback, weft's log file)
         * (workers/exec_journal.h); NULL: none. */
        struct exec_journal *journal;
        /* `weft -- CMD`'s main process, as tini runs its child: its own
         * process group in weft's session (setpgid) rather than a session,
         * made the terminal's foreground group (tcsetpgrp) when fd 0 is
         * one; and an execve failure exits as a shell's does, 127 for a
         * missing program and 126 for any other reason (not executable, a
         * directory), instead of systemd's 203. */
        bool container_main;
        struct spawn_sandbox *sandbox; /* PrivateTmp=, capabilities...: workers/exec_sandbox.h; NULL: none */
};

void spawn_request_free(struct spawn_request *r);

/* Fork and exec req. Returns 0 with *ret_pid once the child has exec'd
 * (*ret_exec_usec: CLOCK_MONOTONIC µs when that was known; ret_exec_usec
 * may be NULL and is written only on success); a negative errno when fork
 * failed or req is incomplete (-EINVAL: no path/argv/envp, fewer than 3
 * fds) (*ret_pid 0), or the child failed a setup step or execve (*ret_pid
 * is the child, which has exited with systemd's status for the failing
 * step: 203 EXEC for execve, 200 CHDIR, 205 LIMITS, 217 USER, 218
 * CAPABILITIES, 226 NAMESPACE, 227 NO_NEW_PRIVILEGES, 233
 * RUNTIME_DIRECTORY..., and will
 * be reaped by whoever reaps children; "UNIT: Failed at step LIMITS
 * spawning PATH: why" is logged then, as systemd logs it).
 * Never waits for the child. req is not modified. Thread-safe. */
/* A disposition that survives exec is an ignored one: handlers return to
 * the default by themselves. weft ignores only SIGPIPE, so every other
 * signal the process inherited ignored (GNU make hands some down) is set
 * back to its default once, before the first spawn, and a child has one
 * disposition to set instead of 62 (a chain of a thousand units spawns a
 * thousand times). Whoever ignores a signal after that (a test) calls
 * this again, or its services inherit the ignore. */
void spawn_reset_inherited_signals(void);

int spawn_process(const struct spawn_request *req, pid_t *ret_pid, uint64_t *ret_exec_usec);
