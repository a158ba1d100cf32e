/* StandardOutput=journal (and journal+console, kmsg, kmsg+console; the
 * same for StandardError=): the command's output goes into
 * systemd-journald's stdout stream socket when journald is there, and to
 * weft's per-unit log file (workers/exec_stdio.c) when it is not.
 * Internal to the exec module.
 *
 * exec_journal_build() writes the stream header on the scheduler thread;
 * exec_journal_connect() connects on the worker thread, before clone (a
 * connect may wait on journald; the scheduler must not, and the child
 * cannot report a fallback). The header is journald's (journald-stream.c):
 * seven lines, identifier, unit id, priority, level prefix, forward to
 * syslog, to kmsg, to console. libsystemd's sd_journal_stream_fd() writes
 * an empty unit id line, and journald takes the unit id from a root peer
 * only from that line, so weft writes the header itself. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "workers/exec_context.h"

#define EXEC_JOURNAL_STDOUT_SOCKET "/run/systemd/journal/stdout"

struct exec_journal {
        char *header[2];    /* stdout's, stderr's; NULL: that fd is not the journal */
        bool stderr_shares; /* stderr is stdout's stream (one connection) */
};

/* What exec_journal_connect() made: fds 0..n-1 for the child (the request's
 * with the connected streams in place of the fallback), the connections it
 * owns, and JOURNAL_STREAM= for the environment. */
struct exec_journal_conn {
        int *fds;           /* NULL: not connected, use the request's */
        int sock[2];        /* owned; -1 */
        char env[64];       /* "JOURNAL_STREAM=DEV:INO", or "" */
};
#define EXEC_JOURNAL_CONN_INIT { .fds = NULL, .sock = { -1, -1 }, .env = "" }

/* Whether output o goes to the journal (and, without it, to weft's log). */
bool exec_journal_output(enum exec_output o);

/* Set req->journal for cmd of c (NULL when no output goes to the journal).
 * Returns 0, or -ENOMEM after logging. */
int exec_journal_build(const char *id, const struct exec_context *c, const struct exec_command *cmd,
                       const struct exec_params *p, struct spawn_request *req);

void exec_journal_free(struct exec_journal *j);

/* Worker side: connect req's journal streams to socket_path (NULL: the
 * default). Never fails the spawn: when journald's socket is missing or
 * refuses, conn stays empty and the request's fallback fds are used. */
void exec_journal_connect(const struct spawn_request *req, const char *socket_path, struct exec_journal_conn *conn);

void exec_journal_conn_done(struct exec_journal_conn *conn);
