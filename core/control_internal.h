/* What core/control.c's verbs share with the job verbs in
 * core/control_jobs.c: the reply helpers, unit lookups and the verbs'
 * common signature. Scheduler thread only. */
#pragma once
#include "core/control.h"
#include "core/sched_internal.h"

/* A client waiting for jobs: answered when the last one finishes. */
struct control_wait {
        uint64_t conn_id;
        unsigned outstanding;
        struct control_reply reply;
};

/* Send r (and free what it holds) to connection conn_id. */
void control_send_reply(struct sched *s, uint64_t conn_id, struct control_reply *r);
/* Set r's code and, unless one is there, its error (fmt with arg). */
void control_fail(struct control_reply *r, int code, const char *fmt, const char *arg);
/* A unit weft knows; a collected one (core/sched_gc.c) is not known. */
struct unit *control_find(struct sched *s, const char *name);
/* The unit a request names (mangled as systemctl does), loaded if weft
 * has not seen it yet; NULL: none, and *ret_error (if not NULL) says why:
 * -EEXIST for a transient unit defined again with other dependencies
 * (core/sched_transient.c), else -ENOENT or -ENOMEM. */
struct unit *control_find_or_load(struct sched *s, const char *name, int *ret_error);

enum job_verb {
        VERB_START,
        VERB_START_IRREVERSIBLY, /* the bus's job mode replace-irreversibly (systemctl poweroff) */
        VERB_ISOLATE,            /* start, and stop every unit it does not pull in */
        VERB_STOP,
        VERB_RESTART,
        VERB_TRY_RESTART,
        VERB_RELOAD,
        VERB_RELOAD_OR_RESTART,     /* reload if it can (it runs), else restart */
        VERB_TRY_RELOAD_OR_RESTART, /* the same, only if it runs (force-reload) */
};

/* The job verbs (core/control_jobs.c), each a row of control.c's table. */
void verb_job(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r, int arg);
void verb_list_jobs(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                    int arg);
enum { WAITS_AFTER, WAITS_BEFORE };
void verb_job_waits(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                    int arg);
void verb_cancel(struct sched *s, uint64_t conn_id, const struct control_request *q, struct control_reply *r,
                 int arg);
