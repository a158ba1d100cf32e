/* Control connections on the io thread; see io_control.h. */
#include "core/io_control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "sockets/control_proto.h"

/* Accepts per readiness report: the listener is level-triggered, so what
 * is left comes back once the other fds had their turn. */
#define ACCEPT_BATCH 64
/* Every line a client can cause: at most LOG_BURST per kind a window. */
#define LOG_INTERVAL_USEC (10 * 1000000ULL)
#define LOG_BURST 3

#define UID_UNKNOWN ((uid_t) -1)

struct conn {
        int fd;            /* -1: free slot */
        uid_t uid;         /* the peer's; UID_UNKNOWN counts as not root */
        uint64_t since;    /* accepted: the oldest one still reading goes first */
        uint64_t deadline; /* reading: the whole request by then; writing: progress by then */
        char *in;
        size_t in_len;
        char *out;         /* non-NULL: writing a reply */
        size_t out_len;
        size_t out_off;
};

enum {
        RL_FULL,    /* a newcomer refused */
        RL_EVICT,   /* an old client dropped for a newcomer */
        RL_PAUSE,   /* out of fds: the listener rests */
        RL_ACCEPT,  /* accept4 failed otherwise */
        RL_BAD,     /* a request that does not decode */
        RL_EXPIRED, /* a client past its deadline */
        _RL_MAX,
};

struct io_control {
        int epoll_fd;
        struct event_queue *queue;
        int listen_fd;
        bool paused;        /* listen_fd is out of the epoll set (out of fds) */
        uint64_t resume_at; /* paused: back in by then, or when a client leaves */
        int spare_fd;       /* /dev/null, given up to accept under EMFILE; -1 while lost */
        uint64_t read_timeout_usec;
        uint64_t write_timeout_usec;
        unsigned n_conns;
        struct log_ratelimit rl[_RL_MAX];
        /* conns[0..n_slots) are set up (fd -1 when free); the rest are
         * taken in order when those are all busy, and untouched until then,
         * so an idle manager's table (16 KiB) costs no resident pages (a
         * container's weft -- CMD, bench-container). */
        size_t n_slots;
        struct conn conns[IO_CONTROL_MAX_CONNECTIONS];
};

static int spare_open(void)
{
        return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

struct io_control *io_control_new(int epoll_fd, struct event_queue *q)
{
        struct io_control *c = malloc(sizeof *c);
        if (!c)
                return NULL;
        memset(c, 0, offsetof(struct io_control, conns));
        c->epoll_fd = epoll_fd;
        c->queue = q;
        c->listen_fd = -1;
        c->spare_fd = spare_open(); /* none (no /dev yet): the listener rests instead */
        c->read_timeout_usec = IO_CONTROL_READ_TIMEOUT_USEC;
        c->write_timeout_usec = IO_CONTROL_WRITE_TIMEOUT_USEC;
        for (size_t i = 0; i < _RL_MAX; i++)
                c->rl[i] = (struct log_ratelimit) LOG_RATELIMIT_INIT(LOG_INTERVAL_USEC, LOG_BURST);
        return c;
}

void io_control_set_timeouts(struct io_control *c, uint64_t read_usec, uint64_t write_usec)
{
        c->read_timeout_usec = read_usec;
        c->write_timeout_usec = write_usec;
}

unsigned io_control_n_connections(const struct io_control *c)
{
        return c->n_conns;
}

/* The slot no longer holds its fd (closed, or handed to the scheduler). */
static void slot_release(struct io_control *c, struct conn *k)
{
        free(k->in);
        free(k->out);
        *k = (struct conn) { .fd = -1 };
        c->n_conns--;
        /* An fd was freed: a resting listener may try again now. */
        if (c->paused)
                c->resume_at = 0;
}

static void conn_close(struct io_control *c, struct conn *k)
{
        if (k->fd < 0)
                return;
        epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, k->fd, NULL);
        close(k->fd);
        slot_release(c, k);
}

void io_control_set_epoll(struct io_control *c, int epoll_fd)
{
        c->epoll_fd = epoll_fd;
}

void io_control_free(struct io_control *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n_slots; i++)
                conn_close(c, &c->conns[i]);
        if (c->spare_fd >= 0)
                close(c->spare_fd);
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

/* Out of fds with no spare to accept with: leave the epoll set rather than
 * be woken for the same pending client again and again. */
static void listener_pause(struct io_control *c, int err)
{
        epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, c->listen_fd, NULL);
        c->paused = true;
        c->resume_at = now_usec() + IO_CONTROL_PAUSE_USEC;
        log_warning_ratelimited(&c->rl[RL_PAUSE], "control: cannot accept: %s; resting until a client leaves",
                                strerror(err));
}

static void listener_resume(struct io_control *c)
{
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = IO_TAG_CONTROL };
        if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, c->listen_fd, &ev) < 0 && errno != EEXIST) {
                c->resume_at = now_usec() + IO_CONTROL_PAUSE_USEC;
                log_warning_ratelimited(&c->rl[RL_PAUSE], "control: cannot watch the control socket again: %s",
                                        strerror(errno));
                return;
        }
        c->paused = false;
        if (c->spare_fd < 0)
                c->spare_fd = spare_open();
}

static struct conn *conn_by_fd(struct io_control *c, int fd)
{
        for (size_t i = 0; i < c->n_slots; i++)
                if (c->conns[i].fd == fd)
                        return &c->conns[i];
        return NULL;
}

static uid_t peer_uid(int fd)
{
        struct ucred cred = { 0 };
        socklen_t cl = sizeof cred;
        return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 ? UID_UNKNOWN : cred.uid;
}

/* Whose slot a newcomer of uid may take: a client still sending its
 * request (one that has sent it is being answered), another user's before
 * root's, the oldest first; root's only for root. NULL: nobody's. */
static struct conn *pick_victim(struct io_control *c, uid_t newcomer)
{
        struct conn *best = NULL;

        for (size_t i = 0; i < c->n_slots; i++) {
                struct conn *k = &c->conns[i];
                bool root = k->uid == 0;

                if (k->fd < 0 || k->out || (root && newcomer != 0))
                        continue;
                if (!best || (best->uid == 0 && !root) || ((best->uid == 0) == root && k->since < best->since))
                        best = k;
        }
        return best;
}

/* A slot for a newcomer of uid: a free one, else a victim's (see
 * pick_victim); with out_of_fds, a victim's always, since only a client
 * leaving frees an fd. NULL if there is none. */
static struct conn *make_room(struct io_control *c, uid_t uid, bool out_of_fds)
{
        struct conn *k = out_of_fds ? NULL : conn_by_fd(c, -1), *v;

        if (!k && !out_of_fds && c->n_slots < IO_CONTROL_MAX_CONNECTIONS) {
                k = &c->conns[c->n_slots++];
                *k = (struct conn) { .fd = -1 };
        }
        if (k)
                return k;
        v = pick_victim(c, uid);
        if (!v)
                return NULL;
        log_warning_ratelimited(&c->rl[RL_EVICT],
                                "control: %s; dropping the oldest client still sending its request (uid %d) for a "
                                "new one (uid %d)",
                                out_of_fds ? "out of file descriptors" : "too many clients", (int) v->uid, (int) uid);
        conn_close(c, v);
        return v;
}

/* Take fd into slot k (free) and watch it: reading, or writing when out. */
static int conn_add(struct io_control *c, struct conn *k, int fd, uid_t uid, char *out, size_t out_len)
{
        uint64_t now = now_usec();
        struct epoll_event ev = { .events = out ? EPOLLOUT : EPOLLIN, .data.u64 = IO_TAG_CONN | (uint32_t) fd };

        if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
                return -errno;
        *k = (struct conn) {
                .fd = fd,
                .uid = uid,
                .since = now,
                .deadline = now + (out ? c->write_timeout_usec : c->read_timeout_usec),
                .out = out,
                .out_len = out_len,
        };
        c->n_conns++;
        return 0;
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
                /* A reply of any size, to a client that keeps reading. */
                k->deadline = now_usec() + c->write_timeout_usec;
        }
        conn_close(c, k);
}

static void conn_send(struct io_control *c, struct conn *k, char *buf, size_t len)
{
        free(k->out);
        k->out = buf;
        k->out_len = len;
        k->out_off = 0;
        k->deadline = now_usec() + c->write_timeout_usec;
        conn_flush(c, k);
}

/* A request that cannot be decoded: say why, in the protocol's own words. */
static void reply_error(struct io_control *c, struct conn *k, const char *why)
{
        struct control_reply r = { .version = CONTROL_PROTOCOL_VERSION, .code = 1, .error = (char *) why };
        char *buf = NULL;
        size_t len = 0;
        log_warning_ratelimited(&c->rl[RL_BAD], "control: bad request from uid %d dropped: %s", (int) k->uid, why);
        if (control_reply_encode(&r, &buf, &len) < 0) {
                conn_close(c, k);
                return;
        }
        conn_send(c, k, buf, len);
}

/* A newcomer: its slot, or refused (see io_control.h). out_of_fds: fd
 * holds the spare's number, and the spare comes back once a slot is made
 * or the newcomer is refused. */
static void admit(struct io_control *c, int fd, bool out_of_fds)
{
        uid_t uid = peer_uid(fd);
        struct conn *k = make_room(c, uid, out_of_fds);
        int r;

        if (!k) {
                log_warning_ratelimited(&c->rl[RL_FULL], "control: %s; refusing a client (uid %d)",
                                        out_of_fds ? "out of file descriptors" : "too many clients", (int) uid);
                close(fd);
        }
        if (out_of_fds)
                c->spare_fd = spare_open(); /* the fd just freed; -1 if another thread took it */
        if (!k)
                return;
        r = conn_add(c, k, fd, uid, NULL, 0);
        if (r < 0) {
                log_warning_ratelimited(&c->rl[RL_ACCEPT], "control: cannot watch a client: %s", strerror(-r));
                close(fd);
        }
}

void io_control_accept(struct io_control *c)
{
        for (unsigned i = 0; i < ACCEPT_BATCH && !c->paused; i++) {
                bool out_of_fds = false;
                int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

                if (fd < 0 && (errno == EMFILE || errno == ENFILE) && c->spare_fd >= 0) {
                        /* Give up the spare to take the newcomer, and decide. */
                        close(c->spare_fd);
                        c->spare_fd = -1;
                        out_of_fds = true;
                        fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                        if (fd < 0) {
                                int e = errno;
                                c->spare_fd = spare_open();
                                errno = e;
                        }
                }
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        if (errno == EAGAIN)
                                return;
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                                listener_pause(c, errno);
                                return;
                        }
                        /* Unexpected: rest too, rather than spin on it. */
                        log_warning_ratelimited(&c->rl[RL_ACCEPT], "control: accept failed: %s", strerror(errno));
                        listener_pause(c, errno);
                        return;
                }
                admit(c, fd, out_of_fds);
        }
}

static void conn_request(struct io_control *c, struct conn *k, size_t line_len)
{
        struct control_request *req = calloc(1, sizeof *req);
        char *why = NULL;

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
        if (k->uid == UID_UNKNOWN) {
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
        e.control.uid = k->uid;
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
        slot_release(c, k);
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
                char *nl = memchr(k->in + k->in_len - n, '\n', n);
                if (nl) {
                        conn_request(c, k, nl - k->in + 1);
                        return;
                }
        }
}

void io_control_reply(struct io_control *c, int fd, char *buf, size_t len)
{
        uid_t uid = peer_uid(fd);
        struct conn *k = make_room(c, uid, false);

        if (!k) {
                log_warning_ratelimited(&c->rl[RL_FULL], "control: too many clients; dropping a reply to uid %d",
                                        (int) uid);
                close(fd);
                free(buf);
                return;
        }
        int r = conn_add(c, k, fd, uid, buf, len);
        if (r < 0) {
                log_warning_ratelimited(&c->rl[RL_ACCEPT], "control: cannot watch a client: %s", strerror(-r));
                close(fd);
                free(buf);
                return;
        }
        conn_flush(c, k);
}

int io_control_timeout_ms(struct io_control *c)
{
        uint64_t next = c->paused ? c->resume_at : UINT64_MAX, now = now_usec();

        for (size_t i = 0; i < c->n_slots; i++) {
                const struct conn *k = &c->conns[i];
                if (k->fd >= 0 && k->deadline < next)
                        next = k->deadline;
        }
        if (next == UINT64_MAX)
                return -1;
        if (next <= now)
                return 0;
        return next - now > 3600 * 1000000ULL ? 3600 * 1000 : (int) ((next - now + 999) / 1000);
}

void io_control_expire(struct io_control *c)
{
        uint64_t now = now_usec();

        for (size_t i = 0; i < c->n_slots; i++) {
                struct conn *k = &c->conns[i];
                if (k->fd < 0 || k->deadline > now)
                        continue;
                if (k->out)
                        log_warning_ratelimited(&c->rl[RL_EXPIRED],
                                                "control: a client (uid %d) read none of its reply for %llus, dropped",
                                                (int) k->uid, (unsigned long long) (c->write_timeout_usec / 1000000));
                else
                        log_warning_ratelimited(&c->rl[RL_EXPIRED],
                                                "control: a client (uid %d) sent no whole request within %llus, dropped",
                                                (int) k->uid, (unsigned long long) (c->read_timeout_usec / 1000000));
                conn_close(c, k);
        }
        if (c->paused && c->resume_at <= now)
                listener_resume(c);
}
