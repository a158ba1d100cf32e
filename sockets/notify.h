/* The notify socket (sd_notify(3), SUBSET §2.10): one AF_UNIX datagram
 * socket for the whole manager, SO_PASSCRED set, each datagram one complete
 * message attributed by its SCM_CREDENTIALS pid. This module receives and
 * decodes; the scheduler decides what each key means for the unit
 * (NotifyAccess=, READY=1, FDSTORE=1...).
 *
 * Called by the io thread when the socket is readable; the io thread owns
 * the socket and its struct notify_ratelimit. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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
 * were suppressed. The caller owns one of these per socket; zero-initialise
 * it. Fields are private to notify.c. */
#define NOTIFY_LOG_INTERVAL_USEC 1000000ULL
#define NOTIFY_LOG_BURST 5

struct notify_ratelimit {
        uint64_t window_start_usec; /* CLOCK_MONOTONIC; 0: no window yet */
        unsigned logged;            /* lines logged in this window */
        unsigned suppressed;        /* drops not logged since the last line */
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
        int *fds;             /* SCM_RIGHTS fds received (owned, close-on-exec) */
        unsigned n_fds;
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
 * Any other negative errno is recvmsg's (or -ENOMEM); any fds are closed
 * then too. *ret is written only when 1 is returned. */
int notify_receive(int fd, struct notify_ratelimit *rl, struct notify_message *ret);

/* Close any fds still owned and free the strings. Safe on a zeroed
 * message and twice in a row. */
void notify_message_done(struct notify_message *m);
