/* The control protocol between weftctl and weft: one request, one reply,
 * over an AF_UNIX stream socket (RUNTIME_DIR/control, mode 0600).
 *
 * Framing: each message is one JSON object (valid YAML flow style, read
 * with libyaml) on a single line ending in "\n". A request is at most
 * CONTROL_MESSAGE_MAX bytes including the newline; a reply has no limit on
 * its size, its strings or its lists (it comes from weft, which weftctl
 * trusts, and grows with the manager: list-units --all of 100,000 units,
 * show of a unit with thousands of drop-ins). Versioning: every
 * message carries "version"; a peer accepts any version >= 1 and ignores
 * keys it does not know, so a newer weftctl can talk to an older weft.
 *
 *   request: {"version":1,"verb":"status","units":["a.service"],
 *             "options":{"no_block":false,"signal":15,"properties":["MainPID"]}}
 *   reply:   {"version":1,"code":0,"error":"...","units":[{...},...],
 *             "text":"..."}
 *
 * code is the exit status weftctl should use (systemctl's: 0, 1, 3 not
 * active, 4 no such unit, 5 not loaded/invalid).
 *
 * Request options are all inside "options": no_block, signal, properties,
 * all, state, exit_code, lines. The encoder always writes every list and
 * number (an empty list as []) and leaves out a NULL string; it writes
 * r->version, or CONTROL_PROTOCOL_VERSION when that is 0.
 *
 * The decoder is strict about types and lenient about everything else:
 * required are "version" (an integer >= 1) and "verb" (request) or "code"
 * (reply); unknown keys are skipped at every level, whatever they hold; a
 * JSON null counts as the key being absent; an empty list decodes to NULL;
 * strings must be quoted, numbers and booleans must not. Duplicate keys,
 * YAML aliases, nesting deeper than CONTROL_DEPTH_MAX, a second document
 * and a request over the limits below are refused. Nothing here logs: the caller logs the one line.
 *
 * Used by the control socket server (sockets/) and by weftctl (ctl/). */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_PROTOCOL_VERSION 1
/* Requests only (see above). */
#define CONTROL_MESSAGE_MAX (1024 * 1024)
/* Elements of one list: units, properties. */
#define CONTROL_LIST_MAX 65536
/* Bytes of one string, once decoded. */
#define CONTROL_STRING_MAX (64 * 1024)
/* Nesting of lists and mappings, the top-level mapping counting as 1. */
#define CONTROL_DEPTH_MAX 16
/* Bytes of one key of a reply's unit, as encoded: libyaml reads an
 * implicit key of at most 1024 characters, so a longer one could not be
 * decoded again; the encoder refuses it (-EMSGSIZE). */
#define CONTROL_KEY_MAX 1024

struct control_request {
        unsigned version;
        char *verb;          /* "status", "start", "list-units"... */
        char **units;        /* strv, may be NULL */
        bool no_block;
        int signal;          /* kill --signal=, 0: default */
        char *kill_whom;     /* kill --kill-whom=: main, control, all (NULL), each with -fail */
        char **properties;   /* show -p, strv */
        bool all;            /* --all */
        char *state;         /* list-units --state= */
        int exit_code;       /* exit CODE */
        unsigned lines;      /* logs -n */
        /* In-process only (the bus's StartTransientUnit, systemd-run
         * --pipe): 3 fds the unit's commands get as 0, 1, 2 (-1: their
         * own setting); closed and freed by control_request_done. */
        int *stdio_fds;
        /* In-process only (the bus's job calls): a first, interim reply
         * names the job ({JobId}) as soon as it is queued. */
        bool announce_job;
        /* In-process only (StartTransientUnit of a scope): the processes
         * the scope is given; freed by control_request_done. */
        pid_t *pids;
        size_t n_pids;
};

/* One unit in a reply: properties as ordered key/value strings. */
struct control_unit {
        char **keys;   /* strv */
        char **values; /* strv, same length */
        size_t n;      /* entries, when built with control_unit_add */
        size_t cap;    /* slots allocated in keys and values */
        bool static_keys; /* keys are string literals: not copied, not freed */
        bool borrowed;    /* keys and values point into memory that outlives the
                             reply (encoded before the owner changes it): not
                             copied, not freed */
};

struct control_reply {
        unsigned version;
        int code;
        char *error;            /* NULL on success */
        char *text;             /* free text (cat, logs, analyze), may be NULL */
        struct control_unit *units;
        size_t n_units;
        bool interim;           /* in-process only: announce_job's reply; the final one follows */
};

/* Encode to one line (with the trailing "\n"); malloc'd, NUL-terminated,
 * *ret_len without the NUL. -EINVAL for a string that is not valid UTF-8, a
 * request without a verb, a unit whose keys and values differ in number,
 * and in a request a string over CONTROL_STRING_MAX or a list over
 * CONTROL_LIST_MAX; -EMSGSIZE when a request would exceed
 * CONTROL_MESSAGE_MAX. A reply fails on size only for lack of memory. */
int control_request_encode(const struct control_request *r, char **ret, size_t *ret_len);
int control_reply_encode(const struct control_reply *r, char **ret, size_t *ret_len);

/* Decode one message (the line, newline optional). A malformed, truncated,
 * oversized or unversioned message is -EBADMSG with a malloc'd reason in
 * *ret_error (e.g. "line 1 column 17: expected a mapping"), which is
 * NULL otherwise; ret_error may be NULL. *ret is written on success only. */
int control_request_decode(const char *buf, size_t len, struct control_request *ret, char **ret_error);
int control_reply_decode(const char *buf, size_t len, struct control_reply *ret, char **ret_error);

void control_request_done(struct control_request *r);
void control_reply_done(struct control_reply *r);

/* Append a property to a reply unit (copies the value, and the key unless
 * static_keys is set). Amortised O(1). */
int control_unit_add(struct control_unit *u, const char *key, const char *value);
/* Add an empty unit to a reply; returns it or NULL on -ENOMEM. r->units
 * grows in powers of two, so fill it only through this function. */
struct control_unit *control_reply_add_unit(struct control_reply *r);
/* The value of key in u, or NULL. */
const char *control_unit_get(const struct control_unit *u, const char *key);
