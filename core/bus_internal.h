/* What the bus thread's two files share: core/bus_thread.c (the thread,
 * its queue, the connection, the watched names) and core/bus_manager.c
 * (what weft serves on the bus as org.freedesktop.systemd1). Bus thread
 * only, but for the lock-protected part of struct bus_thread. */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "base/idmap.h"
#include "base/log.h"
#include "core/bus_thread.h"

#define BUS_SYSTEM_ADDRESS "unix:path=/run/dbus/system_bus_socket"
#define SD1_NAME "org.freedesktop.systemd1"
#define SD1_PATH "/org/freedesktop/systemd1"
#define SD1_UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define SD1_MANAGER "org.freedesktop.systemd1.Manager"
#define SD1_UNIT "org.freedesktop.systemd1.Unit"
#define SD1_ACTIVATOR "org.freedesktop.systemd1.Activator"

#define BUS_PENDING_MAX 256       /* calls waiting for the scheduler; more are refused */
#define BUS_NAMES_MAX 4096        /* watched names */
#define BUS_PROCESS_BATCH 64      /* messages handled before the command queue is looked at again */
#define BUS_RETRY_USEC (1000 * 1000ULL)
#define BUS_LOG_INTERVAL_USEC (10 * 1000 * 1000ULL)
#define BUS_LOG_BURST 5
#define BUS_UNIT_NAME_MAX 256

enum bus_call {
        CALL_ACTIVATE,  /* an ActivationRequest: no reply, ActivationFailure on failure */
        CALL_GET_UNIT,
        CALL_LOAD_UNIT,
        CALL_START_UNIT,
        CALL_STOP_UNIT,
        CALL_JOB,       /* the job a StartUnit/StopUnit answered with: JobRemoved when it ends */
        CALL_GET,       /* Properties.Get of a unit object */
        CALL_GET_ALL,
};

struct bus_pending {
        enum bus_call call;
        sd_bus_message *m; /* the call to answer (referenced); NULL for activation */
        char *unit;
        char *prop;        /* CALL_GET */
        uint64_t job;      /* CALL_JOB: the number in its object path */
};

/* What the scheduler answered, copied off its reply on its thread. */
struct bus_answer {
        uint64_t id;
        int code;
        char *error;
        char **kv; /* the served properties present: key, value, key, value... */
};

enum bus_command_kind {
        CMD_UP,
        CMD_DOWN,
        CMD_WATCH,
        CMD_ANSWER,
};

struct bus_command {
        enum bus_command_kind kind;
        char *name;               /* CMD_WATCH */
        struct bus_answer *answer; /* CMD_ANSWER */
};

struct bus_watch {
        struct bus_thread *t;
        char *name;
        int owned; /* -1: not known since the last (re)connection */
};

struct bus_thread {
        pthread_t thread;
        struct event_queue *queue;
        int wake_fd;
        struct bus_thread_config cfg;

        /* The bus thread's own. */
        sd_bus *bus;
        bool want_up;
        uint64_t retry_at;        /* when to connect again, 0: now */
        struct bus_watch **watches;
        size_t n_watches, cap_watches;
        struct idmap pending;     /* request id -> struct bus_pending */
        uint64_t next_id;
        uint64_t next_job;
        struct log_ratelimit rl_refused; /* calls and activations refused or failed */
        struct log_ratelimit rl_names;   /* name owner changes */

        /* Shared, under lock. */
        pthread_mutex_t lock;
        struct bus_command *cmds;
        size_t n_cmds, cap_cmds;
        bool stop;
};

void bus_answer_free(struct bus_answer *a);
void bus_pending_free(struct bus_pending *p);
/* Ask the scheduler verb about unit as a control request; bus_answer_run
 * follows when it replies. m (may be NULL) is referenced until then; job
 * is CALL_JOB's number. */
int bus_ask(struct bus_thread *t, enum bus_call call, sd_bus_message *m, const char *unit, const char *prop,
            const char *verb, bool no_block, uid_t uid, uint64_t job);

/* core/bus_manager.c */
/* Is key a unit property served on the bus (or JobResult, which answers need)? */
bool bus_served_key(const char *key);
/* The scheduler answered: reply to the call waiting for it. Takes a. */
void bus_answer_run(struct bus_thread *t, struct bus_answer *a);
/* A new connection: export org.freedesktop.systemd1 on it. */
int bus_manager_attach(struct bus_thread *t);
