/* Events: what the signal thread, the worker pool and (later) the io thread
 * tell the scheduler thread. Plain data, copied into the event queue. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum shutdown_kind {
        SHUTDOWN_NONE,
        SHUTDOWN_EXIT,     /* container: stop everything and exit */
        SHUTDOWN_POWEROFF,
        SHUTDOWN_REBOOT,
        SHUTDOWN_HALT,
        _SHUTDOWN_KIND_MAX,
};

enum event_type {
        EVENT_SPAWNED,  /* a worker forked (and, for a successful exec, exec'd) a process */
        EVENT_EXITED,   /* the signal thread reaped a child */
        EVENT_SHUTDOWN, /* a signal asked for shutdown */
        EVENT_RELOAD,   /* SIGHUP: daemon-reload */
        EVENT_STOP_LOOP, /* internal: the scheduler thread should return */
        EVENT_FD_READY, /* the io thread: a watched fd became readable */
        EVENT_NOTIFY,   /* the io thread: one sd_notify datagram */
        EVENT_CONTROL,  /* the io thread: one control request */
        EVENT_BUS_NAME, /* the bus thread: a watched bus name got or lost its owner */
        EVENT_BUS_STATE, /* the bus thread: its connection to the system bus came up or went */
        EVENT_FORWARD,  /* `weft -- CMD`: a signal for CMD (core/container.h) */
        EVENT_TIME_CHANGE, /* the io thread: the wall clock was set (TFD_TIMER_CANCEL_ON_SET) */
        EVENT_TIMEZONE_CHANGE, /* the io thread: /etc/localtime changed */
};

struct notify_message;
struct control_request;

struct event {
        enum event_type type;
        uint64_t stamp_usec; /* CLOCK_MONOTONIC when it happened */
        union {
                struct {
                        uint64_t request_id; /* the spawn_request's id */
                        pid_t pid;           /* 0 when fork itself failed */
                        int error;           /* 0, or the negative errno of fork or of a setup step/exec in the child */
                        uint64_t exec_usec;  /* CLOCK_MONOTONIC when execve succeeded (0 if it did not) */
                } spawned;
                struct {
                        pid_t pid;
                        int code;   /* CLD_EXITED, CLD_KILLED, CLD_DUMPED (si_code of waitid) */
                        int status; /* exit status or signal number */
                } exited;
                struct {
                        int fd;
                        uint64_t cookie;
                } fd_ready;
                struct notify_message *notify; /* owned by the event's consumer */
                struct {
                        uint64_t conn_id;   /* the connection's fd, now the consumer's to answer and close */
                        uid_t uid;          /* the peer's, from SO_PEERCRED */
                        struct control_request *request; /* owned by the consumer */
                } control;
                struct {
                        char *name;      /* malloc'd, the consumer's to free */
                        bool owned;
                } bus_name;
                struct {
                        bool connected;
                } bus_state;
                struct {
                        enum shutdown_kind kind;
                        int signal; /* the signal that asked for it; signal_shutdown_is_immediate()
                                     * tells SIGRTMIN+13..15, which skip the orderly unit stops */
                        int exit_code; /* 0 from a signal; the scheduler may set its own */
                        bool force;    /* exit-force: end now, without stopping the units */
                } shutdown;
                struct {
                        int signal;
                } forward;
        };
};
