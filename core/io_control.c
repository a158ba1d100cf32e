/* Control connections on the io thread; see io_control.h. */
#include "core/io_control.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "sockets/control_proto.h"

struct conn {
        int fd;            /* -1: free slot */
        uint64_t deadline; /* reading: drop after this */
        char *in;
        size_t in_len;
        char *out;
        size_t out_len;
        size_t out_off;
};

struct io_control {
        int epoll_fd;
        struct event_queue *queue;
        int listen_fd;
        struct conn conns[IO_CONTROL_MAX_CONNECTIONS];
};

struct io_control *io_control_new(int epoll_fd, struct event_queue *q)
{
        struct io_control *c = calloc(1, sizeof *c);
        if (!c)
                return NULL;
        c->epoll_fd = epoll_fd;
        c->queue = q;
        c->listen_fd = -1;
        for (size_t i = 0; i < IO_CONTROL_MAX_CONNECTIONS; i++)
                c->conns[i].fd = -1;
        return c;
}

static void conn_close(struct io_control *c, struct conn *k)
{
        if (k->fd < 0)
                return;
        epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, k->fd, NULL);
        close(k->fd);
        free(k->in);
        free(k->out);
        *k = (struct conn) { .fd = -1 };
}

void io_control_set_epoll(struct io_control *c, int epoll_fd)
{
        c->epoll_fd = epoll_fd;
}

void io_control_free(struct io_control *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < IO_CONTROL_MAX_CONNECTIONS; i++)
                conn_close(c, &c->conns[i]);
        free(c);
}

int io_control_listen(struct io_control *c, int listen_fd)
{
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = IO_TAG_CONTROL };
        if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
                return log_error_errno(errno, "control: cannot watch the control socket: %s", strerror(errno));
        c->listen_fd = listen_fd;
        return 0;
}

static struct conn *conn_by_fd(struct io_control *c, int fd)
{
        for (size_t i = 0; i < IO_CONTROL_MAX_CONNECTIONS; i++)
                if (c->conns[i].fd == fd)
                        return &c->conns[i];
        return NULL;
}

/* Write as much of the reply as the socket takes; close when done. */
static void conn_flush(struct io_control *c, struct conn *k)
{
        while (k->out_off < k->out_len) {
                ssize_t n = send(k->fd, k->out + k->out_off, k->out_len - k->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN) {
                        struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = IO_TAG_CONN | (uint32_t) k->fd };
                        epoll_ctl(c->epoll_fd, EPOLL_CTL_MOD, k->fd, &ev);
                        return;
                }
                if (n < 0)
                        break; /* the client went away: nothing more to say */
                k->out_off += n;
        }
        conn_close(c, k);
}

static void conn_send(struct io_control *c, struct conn *k, char *buf, size_t len)
{
        free(k->out);
        k->out = buf;
        k->out_len = len;
        k->out_off = 0;
        conn_flush(c, k);
}

/* A request that cannot be decoded: say why, in the protocol's own words. */
static void reply_error(struct io_control *c, struct conn *k, const char *why)
{
        struct control_reply r = { .version = CONTROL_PROTOCOL_VERSION, .code = 1, .error = (char *) why };
        char *buf = NULL;
        size_t len = 0;
        log_warning("control: bad request dropped: %s", why);
        if (control_reply_encode(&r, &buf, &len) < 0) {
                conn_close(c, k);
                return;
        }
        conn_send(c, k, buf, len);
}

void io_control_accept(struct io_control *c)
{
        for (;;) {
                int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        if (errno != EAGAIN)
                                log_warning("control: accept failed: %s", strerror(errno));
                        return;
                }
                struct conn *k = conn_by_fd(c, -1);
                if (!k) {
                        /* Bounded: weft's fd count stays bounded under a storm. */
                        log_warning("control: too many clients, refusing one");
                        close(fd);
                        continue;
                }
                *k = (struct conn) { .fd = fd, .deadline = now_usec() + IO_CONTROL_READ_TIMEOUT_USEC };
                struct epoll_event ev = { .events = EPOLLIN, .data.u64 = IO_TAG_CONN | (uint32_t) fd };
                if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                        log_warning("control: cannot watch a client: %s", strerror(errno));
                        conn_close(c, k);
                }
        }
}

static void conn_request(struct io_control *c, struct conn *k, size_t line_len)
{
        struct control_request *req = calloc(1, sizeof *req);
        char *why = NULL;
        struct ucred cred = { 0 };
        socklen_t cl = sizeof cred;

        if (!req) {
                reply_error(c, k, "out of memory");
                return;
        }
        int r = control_request_decode(k->in, line_len, req, &why);
        if (r < 0) {
                free(req);
                reply_error(c, k, why ? why : "malformed request");
                free(why);
                return;
        }
        if (getsockopt(k->fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
                control_request_done(req);
                free(req);
                reply_error(c, k, "cannot identify the peer");
                return;
        }
        /* The connection goes to the scheduler with the request: it answers
         * on it without blocking, and hands it back only if the reply does
         * not fit the socket at once (io_control_reply). One thread hop less
         * per request. */
        struct event e = { .type = EVENT_CONTROL, .stamp_usec = now_usec() };
        e.control.conn_id = (uint64_t) k->fd;
        e.control.uid = cred.uid;
        e.control.request = req;
        /* Out of the epoll set before the scheduler owns it: once the event is
         * queued, the scheduler may close the fd at any moment. */
        epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, k->fd, NULL);
        if (event_queue_push(c->queue, &e) < 0) {
                control_request_done(req);
                free(req);
                struct epoll_event ev = { .events = EPOLLIN, .data.u64 = IO_TAG_CONN | (uint32_t) k->fd };
                epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, k->fd, &ev);
                reply_error(c, k, "manager busy");
                return;
        }
        free(k->in);
        *k = (struct conn) { .fd = -1 };
}

void io_control_conn_event(struct io_control *c, uint64_t data, uint32_t events)
{
        struct conn *k = conn_by_fd(c, (int) (uint32_t) data);
        if (!k)
                return;
        if (k->out) {
                if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                        conn_flush(c, k);
                return;
        }
        for (;;) {
                char buf[4096];
                ssize_t n = recv(k->fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n <= 0) {
                        conn_close(c, k); /* closed or broken before a full request */
                        return;
                }
                if (k->in_len + n > CONTROL_MESSAGE_MAX) {
                        reply_error(c, k, "request too large");
                        return;
                }
                char *in = realloc(k->in, k->in_len + n + 1);
                if (!in) {
                        reply_error(c, k, "out of memory");
                        return;
                }
                memcpy(in + k->in_len, buf, n);
                k->in = in;
                k->in_len += n;
                k->in[k->in_len] = 0;
                char *nl = memchr(k->in, '\n', k->in_len);
                if (nl) {
                        conn_request(c, k, nl - k->in + 1);
                        return;
                }
        }
}

void io_control_reply(struct io_control *c, int fd, char *buf, size_t len)
{
        struct conn *k = conn_by_fd(c, -1);
        if (!k) {
                log_warning("control: too many clients, dropping a reply");
                close(fd);
                free(buf);
                return;
        }
        *k = (struct conn) { .fd = fd };
        struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = IO_TAG_CONN | (uint32_t) fd };
        if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                close(fd);
                *k = (struct conn) { .fd = -1 };
                free(buf);
                return;
        }
        conn_send(c, k, buf, len);
}

int io_control_timeout_ms(struct io_control *c)
{
        uint64_t next = UINT64_MAX, now = now_usec();
        for (size_t i = 0; i < IO_CONTROL_MAX_CONNECTIONS; i++) {
                const struct conn *k = &c->conns[i];
                if (k->fd >= 0 && !k->out && k->deadline < next)
                        next = k->deadline;
        }
        if (next == UINT64_MAX)
                return -1;
        return next <= now ? 0 : (int) ((next - now + 999) / 1000);
}

void io_control_expire(struct io_control *c)
{
        uint64_t now = now_usec();
        for (size_t i = 0; i < IO_CONTROL_MAX_CONNECTIONS; i++) {
                struct conn *k = &c->conns[i];
                if (k->fd >= 0 && !k->out && k->deadline <= now) {
                        log_warning("control: a client sent no request within %llus, dropped",
                                    (unsigned long long) (IO_CONTROL_READ_TIMEOUT_USEC / 1000000));
                        conn_close(c, k);
                }
        }
}
