/* The notify socket: open it, receive one datagram, decode its KEY=VALUE
 * lines; see notify.h. Used by the io thread only. Everything a sender
 * controls (length, fds, bytes, values) is checked here, so the scheduler
 * only ever sees a well-formed message with a real credential pid. */
#include "sockets/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/value.h"
#include "parse/word.h"

#define NOTIFY_RCVBUF (8 * 1024 * 1024)
#define NOTIFY_ERRNO_MAX 4095 /* systemd's ERRNO_MAX */
#define NOTIFY_FDNAME_MAX 255 /* systemd's FDNAME_MAX */

/* ---- opening ----------------------------------------------------------- */

/* "@name" is the abstract namespace: sun_path starts with a NUL byte and
 * the address length counts only the name, no trailing NUL. */
static int notify_address(const char *path, struct sockaddr_un *ret, socklen_t *ret_len)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t len = strlen(path);

        if (len == 0 || (path[0] == '@' && len == 1))
                return -EINVAL;
        if (len >= sizeof sa.sun_path + (path[0] == '@'))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, len);
        if (path[0] == '@')
                sa.sun_path[0] = 0;
        else
                len++; /* the NUL */
        *ret = sa;
        *ret_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len);
        return 0;
}

/* mkdir -p of path's parent folders, 0755. */
static int mkdir_parents(const char *path)
{
        char *p = strdup(path);
        int r = 0;

        if (!p)
                return -ENOMEM;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST) {
                        r = -errno;
                        break;
                }
                *s = '/';
        }
        free(p);
        return r;
}

/* A socket left by an earlier run would make bind() fail; remove only a
 * socket, never a file someone put there by mistake. */
static int unlink_stale_socket(const char *path)
{
        struct stat st;

        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISSOCK(st.st_mode))
                return -EADDRINUSE;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int notify_socket_open(const char *path)
{
        struct sockaddr_un sa;
        socklen_t salen;
        const char *step;
        int fd = -1, one = 1, size = NOTIFY_RCVBUF, r;

        step = "bad address";
        r = notify_address(path, &sa, &salen);
        if (r < 0)
                goto fail;

        if (path[0] != '@') {
                step = "unable to create parent folder";
                r = mkdir_parents(path);
                if (r < 0)
                        goto fail;
                step = "unable to remove stale socket";
                r = unlink_stale_socket(path);
                if (r < 0)
                        goto fail;
        }

        step = "unable to create socket";
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                goto fail_errno;
        /* Before bind(), so no datagram can arrive without credentials. */
        step = "unable to set SO_PASSCRED";
        if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
                goto fail_errno;
        /* A burst of services starting at once must not drop READY=1.
         * FORCE needs CAP_NET_ADMIN; otherwise rmem_max caps it, quietly. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);

        step = "unable to bind";
        if (bind(fd, (struct sockaddr *) &sa, salen) < 0)
                goto fail_errno;
        step = "unable to make socket writable by services";
        if (path[0] != '@' && chmod(path, 0777) < 0)
                goto fail_errno;
        return fd;

fail_errno:
        r = -errno;
fail:
        if (fd >= 0)
                close(fd);
        return log_error_errno(r, "notify: %s: %s: %s", path, step, strerror(-r));
}

/* ---- decoding ---------------------------------------------------------- */

enum notify_field {
        FIELD_ONE,      /* bool, value must be "1" */
        FIELD_WATCHDOG, /* "1" or "trigger" */
        FIELD_FDPOLL,   /* "0" (sets fdpoll_off) or "1" */
        FIELD_STRING,   /* any UTF-8 line */
        FIELD_FDNAME,   /* a LISTEN_FDNAMES-safe name */
        FIELD_ERRNO,    /* 0..NOTIFY_ERRNO_MAX */
        FIELD_PID,      /* 1..INT_MAX */
        FIELD_USEC,     /* uint64 */
};

static const struct notify_key {
        const char *key;
        enum notify_field field;
        size_t offset; /* into struct notify_message */
} notify_keys[] = {
        { "READY", FIELD_ONE, offsetof(struct notify_message, ready) },
        { "RELOADING", FIELD_ONE, offsetof(struct notify_message, reloading) },
        { "STOPPING", FIELD_ONE, offsetof(struct notify_message, stopping) },
        { "STATUS", FIELD_STRING, offsetof(struct notify_message, status) },
        { "ERRNO", FIELD_ERRNO, offsetof(struct notify_message, errno_value) },
        { "MAINPID", FIELD_PID, offsetof(struct notify_message, main_pid) },
        { "WATCHDOG", FIELD_WATCHDOG, 0 },
        { "WATCHDOG_USEC", FIELD_USEC, offsetof(struct notify_message, watchdog_usec) },
        { "EXTEND_TIMEOUT_USEC", FIELD_USEC, offsetof(struct notify_message, extend_timeout_usec) },
        { "BARRIER", FIELD_ONE, offsetof(struct notify_message, barrier) },
        { "FDSTORE", FIELD_ONE, offsetof(struct notify_message, fdstore) },
        { "FDSTOREREMOVE", FIELD_ONE, offsetof(struct notify_message, fdstore_remove) },
        { "FDPOLL", FIELD_FDPOLL, offsetof(struct notify_message, fdpoll_off) },
        { "FDNAME", FIELD_FDNAME, offsetof(struct notify_message, fdname) },
};

/* systemd's fdname_is_valid(): printable ASCII without ':', at most 255. */
static bool fdname_is_valid(const char *s)
{
        size_t n = 0;

        for (; s[n]; n++)
                if (s[n] < ' ' || s[n] >= 127 || s[n] == ':')
                        return false;
        return n <= NOTIFY_FDNAME_MAX;
}

static bool key_is_valid(const char *k, size_t len)
{
        if (len == 0 || (k[0] >= '0' && k[0] <= '9'))
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = k[i];
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                        return false;
        }
        return true;
}

static const struct notify_key *find_key(const char *k, size_t len)
{
        for (size_t i = 0; i < ELEMENTSOF(notify_keys); i++)
                if (strlen(notify_keys[i].key) == len && memcmp(notify_keys[i].key, k, len) == 0)
                        return &notify_keys[i];
        return NULL;
}

/* Store value for key into m unless seen says the key came before (the
 * first value counts, as with systemd's strv_find_startswith()); the value
 * is checked either way. Returns 0, -EINVAL for a bad value, -ENOMEM. */
static int apply_field(struct notify_message *m, const struct notify_key *k, const char *value, bool seen)
{
        void *dst = (char *) m + k->offset;
        uint64_t u;
        char *s;

        switch (k->field) {
        case FIELD_ONE:
                if (strcmp(value, "1") != 0)
                        return -EINVAL;
                *(bool *) dst = true;
                return 0;
        case FIELD_WATCHDOG:
                if (strcmp(value, "1") == 0)
                        m->watchdog = true;
                else if (strcmp(value, "trigger") == 0)
                        m->watchdog_trigger = true;
                else
                        return -EINVAL;
                return 0;
        case FIELD_FDPOLL:
                if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
                        return -EINVAL;
                if (!seen)
                        *(bool *) dst = value[0] == '0';
                return 0;
        case FIELD_FDNAME:
                if (!fdname_is_valid(value))
                        return -EINVAL;
                /* fall through */
        case FIELD_STRING:
                if (seen)
                        return 0;
                s = strdup(value);
                if (!s)
                        return -ENOMEM;
                *(char **) dst = s;
                return 0;
        case FIELD_ERRNO:
                if (parse_uint64(value, &u) < 0 || u > NOTIFY_ERRNO_MAX)
                        return -EINVAL;
                if (!seen)
                        *(int *) dst = (int) u;
                return 0;
        case FIELD_PID:
                if (parse_uint64(value, &u) < 0 || u == 0 || u > INT_MAX)
                        return -EINVAL;
                if (!seen)
                        *(pid_t *) dst = (pid_t) u;
                return 0;
        case FIELD_USEC:
                if (parse_uint64(value, &u) < 0)
                        return -EINVAL;
                if (!seen) {
                        *(uint64_t *) dst = u;
                        if (k->offset == offsetof(struct notify_message, watchdog_usec))
                                m->has_watchdog_usec = true;
                }
                return 0;
        }
        return -EINVAL;
}

/* Decode buf[0..len) (NUL-terminated at len, modified in place) into m.
 * On -EBADMSG, reason says why (no value is echoed: it is the sender's). */
static int parse_payload(char *buf, size_t len, struct notify_message *m, char *reason, size_t reason_size)
{
        bool seen[ELEMENTSOF(notify_keys)] = { false };

        if (!utf8_is_valid_n(buf, len)) {
                snprintf(reason, reason_size, "not UTF-8 or an embedded NUL byte");
                return -EBADMSG;
        }
        for (char *line = buf, *next; line < buf + len; line = next) {
                char *eol = strchr(line, '\n');
                next = eol ? eol + 1 : buf + len;
                if (eol)
                        *eol = 0;
                if (!*line)
                        continue;

                char *eq = strchr(line, '=');
                if (!eq || !key_is_valid(line, (size_t) (eq - line))) {
                        snprintf(reason, reason_size, "line %s", eq ? "with a bad key" : "without '='");
                        return -EBADMSG;
                }
                const struct notify_key *k = find_key(line, (size_t) (eq - line));
                if (!k)
                        continue; /* unknown keys are ignored (sd_notify(3)) */
                size_t i = (size_t) (k - notify_keys);
                int r = apply_field(m, k, eq + 1, seen[i]);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        snprintf(reason, reason_size, "bad value for %s=", k->key);
                        return -EBADMSG;
                }
                seen[i] = true;
        }
        return 0;
}

/* ---- what a MAINPID= names ---------------------------------------------- */

/* The start of /proc/PID/NAME, NUL-terminated; -errno if unreadable. */
static int read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
        char path[64];
        ssize_t n;
        int fd;

        snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, name);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        do
                n = read(fd, buf, size - 1);
        while (n < 0 && errno == EINTR);
        int r = n < 0 ? -errno : 0;
        close(fd);
        if (r < 0)
                return r;
        buf[n] = 0;
        return 0;
}

/* State, parent, process group and session from /proc/PID/stat: the
 * fields after the command name, which may itself hold ") ". */
static int read_stat(pid_t pid, char *ret_state, pid_t *ret_ppid, pid_t *ret_pgid, pid_t *ret_sid)
{
        char buf[1024], state;
        int ppid, pgid, sid;
        int r = read_proc(pid, "stat", buf, sizeof buf);

        if (r < 0)
                return r;
        const char *p = strrchr(buf, ')');
        if (!p || sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgid, &sid) != 4)
                return -EIO;
        *ret_state = state;
        *ret_ppid = ppid;
        *ret_pgid = pgid;
        *ret_sid = sid;
        return 0;
}

static pid_t read_tgid(pid_t pid)
{
        char buf[2048];
        const char *p;
        int tgid;

        if (read_proc(pid, "status", buf, sizeof buf) < 0)
                return 0;
        p = strstr(buf, "\nTgid:");
        if (!p || sscanf(p + 6, "%d", &tgid) != 1)
                return 0;
        return tgid;
}

void notify_pid_info_read(pid_t pid, struct notify_pid_info *ret)
{
        struct notify_pid_info info = { 0 };
        pid_t ppid, pgid, sid;
        char state;

        if (read_stat(pid, &state, &ppid, &pgid, &sid) < 0 || state == 'Z' || state == 'X')
                goto out;
        info.tgid = read_tgid(pid);
        if (info.tgid <= 0)
                goto out;
        info.alive = true;
        info.pgid = pgid;
        info.sid = sid;
        /* Bounded: a chain longer than this is not worth telling apart. */
        while (ppid > 1 && info.n_ancestors < NOTIFY_ANCESTORS_MAX) {
                info.ancestors[info.n_ancestors++] = ppid;
                pid_t up, g, s;
                if (read_stat(ppid, &state, &up, &g, &s) < 0)
                        break;
                ppid = up;
        }
out:
        *ret = info;
}

int notify_pid_info_args(pid_t pid, char ***ret)
{
        struct notify_pid_info in;
        char **v = NULL, num[24];
        int r = 0;

        notify_pid_info_read(pid, &in);
        if (!in.alive)
                return -ESRCH;
        pid_t head[] = { pid, in.pgid, in.sid };
        for (size_t i = 0; r >= 0 && i < 3 + in.n_ancestors; i++) {
                snprintf(num, sizeof num, "%d", (int) (i < 3 ? head[i] : in.ancestors[i - 3]));
                r = strv_extend(&v, num);
        }
        if (r < 0) {
                strv_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

/* ---- the queue's budget ------------------------------------------------- */

bool notify_budget_charge(struct notify_budget *b, struct notify_message *m)
{
        unsigned msgs = atomic_fetch_add(&b->msgs, 1) + 1;
        unsigned fds = atomic_fetch_add(&b->fds, m->n_fds) + m->n_fds;

        m->budget = b;
        m->charged_fds = m->n_fds;
        return msgs >= NOTIFY_QUEUE_MSGS_MAX || fds >= NOTIFY_QUEUE_FDS_MAX;
}

static bool budget_low(struct notify_budget *b)
{
        return atomic_load(&b->msgs) <= NOTIFY_QUEUE_MSGS_MAX / 2 && atomic_load(&b->fds) <= NOTIFY_QUEUE_FDS_MAX / 2;
}

/* paused is set after the reader stopped, and whoever clears it first
 * (the reader here, or a release) restarts the reader: exactly once. */
bool notify_budget_pause(struct notify_budget *b)
{
        atomic_store(&b->paused, true);
        if (budget_low(b) && atomic_exchange(&b->paused, false))
                return false;
        return true;
}

void notify_message_release(struct notify_message *m)
{
        struct notify_budget *b = m->budget;

        if (!b)
                return;
        m->budget = NULL;
        atomic_fetch_sub(&b->msgs, 1);
        atomic_fetch_sub(&b->fds, m->charged_fds);
        m->charged_fds = 0;
        if (budget_low(b) && atomic_load(&b->paused) && atomic_exchange(&b->paused, false) && b->resume)
                b->resume(b->userdata);
}

/* ---- receiving --------------------------------------------------------- */

static uint64_t now_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return timespec_usec(ts);
}

/* One warning per dropped datagram, at most NOTIFY_LOG_BURST a window. */
static void log_dropped(struct notify_ratelimit *rl, pid_t pid, unsigned n_fds, const char *reason)
{
        unsigned suppressed;

        if (!log_ratelimit_allow(&rl->drops, now_usec(), &suppressed))
                return;
        if (suppressed > 0)
                log_warning("notify: dropping datagram from pid %d (%u fds closed): %s "
                            "(%u more dropped, not logged)", (int) pid, n_fds, reason, suppressed);
        else
                log_warning("notify: dropping datagram from pid %d (%u fds closed): %s",
                            (int) pid, n_fds, reason);
}

/* Fds closed from a datagram that is otherwise kept: a window of their own. */
static void log_fds_closed(struct notify_ratelimit *rl, pid_t pid, unsigned n_fds, const char *why)
{
        unsigned suppressed;

        if (!log_ratelimit_allow(&rl->fds, now_usec(), &suppressed))
                return;
        if (suppressed > 0)
                log_warning("notify: closing %u fds from pid %d: %s (%u more such datagrams, not logged)", n_fds,
                            (int) pid, why, suppressed);
        else
                log_warning("notify: closing %u fds from pid %d: %s", n_fds, (int) pid, why);
}

static void close_all(int *fds, unsigned n)
{
        for (unsigned i = 0; i < n; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
}

int notify_receive(int fd, struct notify_ratelimit *rl, struct notify_message *ret)
{
        char buf[NOTIFY_BUFFER_MAX + 1];
        union {
                struct cmsghdr align;
                char data[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NOTIFY_FD_MAX)];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof control,
        };
        struct notify_message m = { .errno_value = -1 };
        int fds[NOTIFY_FD_MAX];
        unsigned n_fds = 0;
        bool fds_lost = false;
        const struct ucred *cred = NULL;
        char reason[96];
        ssize_t n;
        int r;

        do
                n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;

        /* Take every fd first: whatever happens next, each is closed or
         * handed over, never leaked. */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                if (c->cmsg_level != SOL_SOCKET)
                        continue;
                if (c->cmsg_type == SCM_RIGHTS) {
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        const unsigned char *p = CMSG_DATA(c);
                        for (size_t i = 0; i < k; i++) {
                                int x;
                                memcpy(&x, p + i * sizeof(int), sizeof x);
                                if (n_fds < NOTIFY_FD_MAX)
                                        fds[n_fds++] = x;
                                else {
                                        close(x);
                                        fds_lost = true;
                                }
                        }
                } else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
                        cred = (const struct ucred *) (const void *) CMSG_DATA(c);
        }
        if (cred) {
                m.pid = cred->pid;
                m.pgid = getpgid(cred->pid) > 0 ? getpgid(cred->pid) : 0;
                m.uid = cred->uid;
        }

        if ((mh.msg_flags & MSG_CTRUNC) || fds_lost) {
                snprintf(reason, sizeof reason, "control data truncated, fds lost");
                goto drop;
        }
        if (!cred || cred->pid <= 0) {
                snprintf(reason, sizeof reason, "no sender credentials");
                goto drop;
        }
        if ((mh.msg_flags & MSG_TRUNC) || n > NOTIFY_BUFFER_MAX) {
                snprintf(reason, sizeof reason, "%zd bytes, over %d", n, NOTIFY_BUFFER_MAX);
                goto drop;
        }
        buf[n] = 0;
        r = parse_payload(buf, (size_t) n, &m, reason, sizeof reason);
        if (r == -EBADMSG)
                goto drop;
        if (r < 0)
                goto fail;

        /* fds are for the store, or the one a barrier waits on: no other
         * key uses them (systemd closes them too), so they never leave
         * here. A barrier with more than one is answered by closing all. */
        if (n_fds > 0 && !m.fdstore && !(m.barrier && n_fds == 1)) {
                log_fds_closed(rl, m.pid, n_fds, m.barrier ? "BARRIER=1 takes exactly one" : "sent without FDSTORE=1");
                close_all(fds, n_fds);
                n_fds = 0;
        }
        if (m.main_pid > 0)
                notify_pid_info_read(m.main_pid, &m.main_pid_info);

        if (n_fds > 0) {
                m.fds = malloc(n_fds * sizeof(int));
                if (!m.fds) {
                        r = -ENOMEM;
                        goto fail;
                }
                memcpy(m.fds, fds, n_fds * sizeof(int));
                m.n_fds = n_fds;
        }
        *ret = m;
        return 1;

drop:
        log_dropped(rl, m.pid, n_fds, reason);
        r = -EBADMSG;
fail:
        close_all(fds, n_fds);
        notify_message_done(&m);
        return r;
}

void notify_message_done(struct notify_message *m)
{
        if (m->fds)
                close_all(m->fds, m->n_fds);
        freep_clear(&m->fds);
        m->n_fds = 0;
        freep_clear(&m->status);
        freep_clear(&m->fdname);
}
