/* The terminal of a command: TTYPath=, StandardInput=tty/tty-force/
 * tty-fail, TTYReset=, TTYVHangup= and TTYVTDisallocate=, as systemd 252
 * does them (systemd.exec(5)). Internal to the exec module.
 *
 * The terminal is opened in the child, not on the scheduler thread: a
 * serial line without carrier blocks open(2), and only the child (a new
 * session) can make it its controlling terminal. exec_tty_build() decides
 * everything on the scheduler thread; exec_tty_child() runs in the child
 * between setsid() and execve() and makes async-signal-safe calls only. */
#pragma once
#include <stdbool.h>

#include "workers/exec_context.h"

/* In spawn_request.fds[0..2]: the terminal the child acquires. */
#define SPAWN_FD_TTY (-2)

enum spawn_tty_acquire {
        SPAWN_TTY_NONE,  /* no StandardInput=tty*: only the TTY*= steps */
        SPAWN_TTY_TRY,   /* tty-fail: another session has it: fail */
        SPAWN_TTY_FORCE, /* tty-force: take it from its session */
        SPAWN_TTY_WAIT,  /* tty: wait until its session closes it */
};

struct spawn_tty {
        char *path;      /* TTYPath=, /dev/console by default */
        int acquire;     /* enum spawn_tty_acquire */
        bool vhangup;    /* TTYVHangup= */
        bool reset;      /* TTYReset= */
        bool disallocate; /* TTYVTDisallocate= */
        unsigned vt;     /* N of /dev/ttyN, 0 when path is no virtual console */
};

/* Is i one of the StandardInput=tty* settings? */
bool exec_tty_input(enum exec_input i);

/* Fill req->tty for command p of c (NULL when there is nothing to do).
 * Control commands (ExecStartPre=...) do not take the terminal, as in
 * systemd (their StandardInput=tty becomes null), but the TTY*= steps run
 * for every command. Returns 0 or -ENOMEM after logging. */
int exec_tty_build(const char *id, const struct exec_context *c, const struct exec_params *p,
                   struct spawn_request *req);

void exec_tty_free(struct spawn_tty *t);

/* Child side, after setsid(): hang up, reset and disallocate as asked, then
 * acquire the terminal and put it at each of fds 0..2 whose request slot
 * is SPAWN_FD_TTY. Returns 0 or -errno (exit status 208 STDIN). */
int exec_tty_child(const struct spawn_request *req);
