/* The notify socket (sd_notify(3), SUBSET §2.10): one AF_UNIX datagram
 * socket for the whole manager, SO_PASSCRED set, each datagram one complete
 * message attributed by its SCM_CREDENTIALS pid. This module receives and
 * decodes; the scheduler decides what each key means for the unit
 * (NotifyAccess=, READY=1, FDSTORE=1...).
 *
 * Called by the io thread when the socket is readable; the io thread owns
 * the socket and its struct notify_ratelimit. */
#pragma once
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/log.h"

#define NOTIFY_BUFFER_MAX 4096 /* systemd's PIPE_BUF cap */
#define NOTIFY_FD_MAX 768

/* Create the socket at path ("/run/weft/notify", or "@name" for the
 * abstract namespace), SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, SO_PASSCRED,
 * a receive buffer large enough for bursts (8 MiB, forced when privileged).
 * For a path: missing parent folders are made (0755), a stale socket left
 * at path is removed (anything else there is -EADDRINUSE), and the socket
 * is made writable by everyone (0777, as systemd's), so services running
 * under User= can notify. Returns the fd, or a negative errno after one
 * log line naming the path and the step that failed. */
int notify_socket_open(const char *path);

/* Dropped datagrams are logged at most NOTIFY_LOG_BURST times per
 * NOTIFY_LOG_INTERVAL_USEC; the first line of the next window says how many
 * were suppressed. The caller owns one of these per socket, initialised
 * with NOTIFY_RATELIMIT_INIT. */
#define NOTIFY_LOG_INTERVAL_USEC 1000000ULL
#define NOTIFY_LOG_BURST 5

struct notify_ratelimit {
        struct log_ratelimit drops;
        /* notify_receive's lines about fds closed from a datagram it kept
         * have a window of their own, so stray fds cannot hide drops. */
        struct log_ratelimit fds;
};
#define NOTIFY_RATELIMIT_INIT                                                         \
        {                                                                             \
                .drops = LOG_RATELIMIT_INIT(NOTIFY_LOG_INTERVAL_USEC, NOTIFY_LOG_BURST), \
                .fds = LOG_RATELIMIT_INIT(NOTIFY_LOG_INTERVAL_USEC, NOTIFY_LOG_BURST),   \
        }

/* What one process looked like when a datagram naming it (MAINPID=)
 * arrived, read from /proc by the io thread so that the scheduler can
 * judge the claim without touching the file system. Without cgroups this
 * is how weft tells "a process of the unit" (systemd's control group):
 * same process group or session, or a descendant of the unit's process. */
#define NOTIFY_ANCESTORS_MAX 16

struct notify_pid_info {
        bool alive;       /* exists and is not a zombie; nothing below is set otherwise */
        pid_t tgid;       /* != the pid: a thread, not a process */
        pid_t pgid;
        pid_t sid;
        pid_t ancestors[NOTIFY_ANCESTORS_MAX]; /* parent, grandparent, ..., stopping before pid 1 */
        unsigned n_ancestors;
};

/* Fill *ret for pid (> 0) from /proc/PID/stat, /proc/PID/status and its
 * parents' stat files (at most NOTIFY_ANCESTORS_MAX). A process that is
 * gone, a zombie, or unreadable gives alive = false. Never fails. */
void notify_pid_info_read(pid_t pid, struct notify_pid_info *ret);

/* The control verb unit-of-pid's arguments for pid: it, its process
 * group, its session and its ancestors, in decimal (a strv in *ret).
 * -ESRCH when pid is gone or a zombie, -ENOMEM. */
int notify_pid_info_args(pid_t pid, char ***ret);

/* How many messages, and how many fds they carry, may wait between the io
 * thread and the scheduler. The io thread stops reading the socket at
 * either mark (the datagrams, and their fds, then wait in the kernel, which
 * counts them against their sender) and reads again once the scheduler
 * took the queue below half of both. Shared by the two threads: atomics. */
#define NOTIFY_QUEUE_MSGS_MAX 256
#define NOTIFY_QUEUE_FDS_MAX 128

struct notify_budget {
        atomic_uint msgs;
        atomic_uint fds;
        atomic_bool paused;   /* the reader stopped and waits for resume() */
        void (*resume)(void *userdata); /* called once per pause, from the releasing thread */
        void *userdata;
};

/* One decoded datagram. Only the keys weft acts on are decoded; others are
 * ignored (custom keys should use X_). When a key appears twice the first
 * value counts, as in systemd. */
struct notify_message {
        pid_t pid;            /* SCM_CREDENTIALS pid, always > 0 */
        pid_t pgid;           /* its process group, looked up on receipt (the
                                 sender may be gone by the time the message is
                                 handled); 0 if unknown */
        uid_t uid;
        bool ready;           /* READY=1 */
        bool reloading;       /* RELOADING=1 */
        bool stopping;        /* STOPPING=1 */
        char *status;         /* STATUS=, NULL if absent ("" clears it) */
        int errno_value;      /* ERRNO= (0..4095), -1 if absent */
        pid_t main_pid;       /* MAINPID=, 0 if absent */
        bool watchdog;        /* WATCHDOG=1 */
        bool watchdog_trigger; /* WATCHDOG=trigger */
        uint64_t watchdog_usec; /* WATCHDOG_USEC=, 0 if absent */
        bool has_watchdog_usec; /* WATCHDOG_USEC= was sent: 0 is meaningful (turns the watchdog off) */
        uint64_t extend_timeout_usec; /* EXTEND_TIMEOUT_USEC=, 0 if absent */
        bool barrier;         /* BARRIER=1 */
        bool fdstore;         /* FDSTORE=1 */
        bool fdstore_remove;  /* FDSTOREREMOVE=1 */
        bool fdpoll_off;      /* FDPOLL=0 */
        char *fdname;         /* FDNAME=, NULL if absent */
        int *fds;             /* SCM_RIGHTS fds received (owned, close-on-exec);
                                 only FDSTORE=1 keeps them, BARRIER=1 its one */
        unsigned n_fds;
        struct notify_pid_info main_pid_info; /* about main_pid, when set */
        struct notify_budget *budget; /* charged for this message, NULL: not (any more) */
        unsigned charged_fds;
};

/* Receive one datagram without blocking. Returns 1 with *ret filled (the
 * caller then owns it: notify_message_done), or 0 when nothing is pending.
 *
 * The payload is KEY=VALUE lines separated by '\n', the last newline
 * optional; empty lines are skipped. A malformed datagram is dropped,
 * every fd it carried closed, and -EBADMSG returned after one rate-limited
 * log line; the caller just reads again. Malformed means: over
 * NOTIFY_BUFFER_MAX bytes; no credentials (or a credential pid of 0, the
 * sender being outside our pid namespace); control data truncated (fds
 * lost); an embedded NUL byte or invalid UTF-8; a non-empty line without
 * '=' or whose key is not [A-Za-z_][A-Za-z0-9_]*; a value other than those
 * listed above for a known key (READY=2, MAINPID=abc, WATCHDOG_USEC=x, an
 * FDNAME= with control characters or ':' or over 255 bytes).
 *
 * A well-formed datagram keeps its fds only for FDSTORE=1 (or the single
 * fd of BARRIER=1): any others are closed at once, with a rate-limited log
 * line, so a sender cannot park fds in weft.
 *
 * Any other negative errno is recvmsg's (or -ENOMEM); any fds are closed
 * then too. *ret is written only when 1 is returned. */
int notify_receive(int fd, struct notify_ratelimit *rl, struct notify_message *ret);

/* Count m (and its fds) against b. Returns true when b is now at one of
 * its marks: the reader should stop (notify_budget_pause). */
bool notify_budget_charge(struct notify_budget *b, struct notify_message *m);
/* The reader stopped reading. Returns false when the consumer already took
 * the queue below the low mark in the meantime: read on at once. */
bool notify_budget_pause(struct notify_budget *b);
/* The consumer took m: uncount it, and call b->resume when that ends a
 * pause. Safe on an uncharged message and twice in a row. */
void notify_message_release(struct notify_message *m);

/* Close any fds still owned and free the strings. Safe on a zeroed
 * message and twice in a row. */
void notify_message_done(struct notify_message *m);
