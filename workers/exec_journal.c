/* systemd-journald's stdout streams for a command; see exec_journal.h. */
#include "workers/exec_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "workers/spawn.h"

/* systemd asks for this much send buffer on a stream (the kernel caps it at
 * net.core.wmem_max), so a burst of output does not stall the service. */
#define JOURNAL_SNDBUF (8 * 1024 * 1024)

bool exec_journal_output(enum exec_output o)
{
        return o == EXEC_OUTPUT_JOURNAL || o == EXEC_OUTPUT_JOURNAL_AND_CONSOLE || o == EXEC_OUTPUT_KMSG ||
               o == EXEC_OUTPUT_KMSG_AND_CONSOLE;
}

/* One header line carries no newline: journald reads line by line. */
static void header_field(FILE *f, const char *s)
{
        for (; *s; s++)
                fputc(*s == '\n' ? ' ' : *s, f);
        fputc('\n', f);
}

static char *make_header(const char *ident, const char *unit_id, const struct exec_extra *x, enum exec_output o)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                return NULL;
        header_field(f, ident);
        header_field(f, unit_id);
        fprintf(f, "%d\n%d\n%d\n%d\n%d\n", x->syslog_priority, x->syslog_level_prefix ? 1 : 0,
                0 /* forward to syslog: journald's own setting decides */,
                o == EXEC_OUTPUT_KMSG || o == EXEC_OUTPUT_KMSG_AND_CONSOLE,
                o == EXEC_OUTPUT_KMSG_AND_CONSOLE || o == EXEC_OUTPUT_JOURNAL_AND_CONSOLE);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

int exec_journal_build(const char *id, const struct exec_context *c, const struct exec_command *cmd,
                       const struct exec_params *p, struct spawn_request *req)
{
        const struct exec_extra *x = exec_extra(c);
        enum exec_output o = c->std_output, e = c->std_error;
        /* systemd-run --pipe's fds are not the journal, whatever the unit says. */
        bool out = exec_journal_output(o) && !exec_stdio_given(p, 1);
        bool err = exec_journal_output(e) && !exec_stdio_given(p, 2);
        struct exec_journal *j;
        const char *ident;

        if (p->container_main || (!out && !err))
                return 0;
        /* systemd names the stream after the program unless told otherwise. */
        ident = x->syslog_identifier;
        if (!ident) {
                ident = strrchr(cmd->path, '/');
                ident = ident ? ident + 1 : cmd->path;
        }
        j = calloc(1, sizeof *j);
        if (!j)
                goto oom;
        req->journal = j;
        /* stderr shares stdout's stream where exec_stdio.c shares its fd. */
        j->stderr_shares = out && !exec_stdio_given(p, 2) && (e == EXEC_OUTPUT_INHERIT || e == o);
        if (out && !(j->header[0] = make_header(ident, id, x, o)))
                goto oom;
        if (err && !j->stderr_shares && !(j->header[1] = make_header(ident, id, x, e)))
                goto oom;
        return 0;
oom:
        return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
}

void exec_journal_free(struct exec_journal *j)
{
        if (!j)
                return;
        free(j->header[0]);
        free(j->header[1]);
        free(j);
}

/* One stream: connected, header written, read side shut, blocking again
 * for the service. Non-blocking until then, so a journald that does not
 * accept (a full backlog) means the log file, not a stuck worker. */
static int stream_open(const char *path, const char *header, int *ret)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t len = strlen(header);
        int fd, r, size = JOURNAL_SNDBUF;

        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        /* Before journald is up there is no socket: a stat says so for a
         * fifth of what making, connecting and closing a socket costs,
         * once per spawn on a unit's critical path. */
        struct stat st;
        if (stat(path, &st) < 0)
                return -errno;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                r = -errno;
                goto fail;
        }
        (void) shutdown(fd, SHUT_RD);
        (void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        ssize_t n = send(fd, header, len, MSG_NOSIGNAL);
        if (n != (ssize_t) len) {
                r = n < 0 ? -errno : -EAGAIN;
                goto fail;
        }
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
                r = -errno;
                goto fail;
        }
        *ret = fd;
        return 0;
fail:
        (void) close(fd);
        return r;
}

void exec_journal_connect(const struct spawn_request *req, const char *socket_path, struct exec_journal_conn *conn)
{
        const struct exec_journal *j = req->journal;
        const char *id = req->unit_id ? req->unit_id : "spawn";
        struct stat st;
        int r = 0;

        if (!j || req->n_fds < 3)
                return;
        if (!socket_path)
                socket_path = EXEC_JOURNAL_STDOUT_SOCKET;
        for (int i = 0; i < 2 && r == 0; i++)
                if (j->header[i])
                        r = stream_open(socket_path, j->header[i], &conn->sock[i]);
        if (r == 0 && !(conn->fds = malloc(req->n_fds * sizeof(int))))
                r = -ENOMEM;
        if (r < 0) {
                /* Before journald is up (no socket, ENOENT; nobody behind it,
                 * ECONNREFUSED) this is the normal case. */
                log_debug("%s: journal stream %s: %s; output goes to weft's log", id, socket_path, strerror(-r));
                exec_journal_conn_done(conn);
                return;
        }
        memcpy(conn->fds, req->fds, req->n_fds * sizeof(int));
        if (conn->sock[0] >= 0)
                conn->fds[1] = conn->sock[0];
        if (conn->sock[1] >= 0)
                conn->fds[2] = conn->sock[1];
        else if (j->stderr_shares)
                conn->fds[2] = conn->sock[0];
        /* systemd.exec(5): the last of stdout and stderr that is a stream. */
        int last = conn->sock[1] >= 0 ? conn->sock[1] : conn->sock[0];
        if (fstat(last, &st) == 0)
                snprintf(conn->env, sizeof conn->env, "JOURNAL_STREAM=%lu:%lu", (unsigned long) st.st_dev,
                         (unsigned long) st.st_ino);
}

void exec_journal_conn_done(struct exec_journal_conn *conn)
{
        for (int i = 0; i < 2; i++) {
                if (conn->sock[i] >= 0)
                        (void) close(conn->sock[i]);
                conn->sock[i] = -1;
        }
        free(conn->fds);
        conn->fds = NULL;
        conn->env[0] = 0;
}
