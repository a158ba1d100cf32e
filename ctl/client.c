/* The control-socket client; see client.h. */
#include "ctl/client.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

const char *ctl_runtime_dir(const struct ctl_options *opts)
{
        const char *e;

        if (opts->runtime_dir)
                return opts->runtime_dir;
        e = getenv("WEFT_RUNTIME_DIR");
        return e && *e ? e : CTL_RUNTIME_DIR_DEFAULT;
}

struct control_request ctl_request(const struct ctl_options *opts, const char *verb, char **units)
{
        return (struct control_request) {
                .version = CONTROL_PROTOCOL_VERSION,
                .verb = (char *) verb,
                .units = units,
                .no_block = opts->no_block,
                .signal = opts->signal,
                .kill_whom = (char *) opts->kill_whom,
                .properties = opts->properties,
                .all = opts->all,
                .state = (char *) opts->state,
                .lines = opts->lines > 0 ? (unsigned) opts->lines : 0,
        };
}

bool ctl_unreachable(int r)
{
        return r == -ENOENT || r == -ECONNREFUSED || r == -ENOTDIR;
}

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for fd to be ready for events until deadline (ms, CLOCK_MONOTONIC). */
static int wait_fd(int fd, short events, long long deadline)
{
        for (;;) {
                long long left = deadline - now_ms();
                if (left <= 0)
                        return -ETIMEDOUT;
                struct pollfd p = { .fd = fd, .events = events };
                int n = poll(&p, 1, left > 0x7fffffff ? 0x7fffffff : (int) left);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n > 0)
                        return 0;
        }
}

static int send_all(int fd, const char *buf, size_t len, long long deadline)
{
        while (len > 0) {
                ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN) {
                        int r = wait_fd(fd, POLLOUT, deadline);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (n < 0)
                        return -errno;
                buf += n;
                len -= (size_t) n;
        }
        return 0;
}

/* Read up to the first "\n". A reply has no size limit (control_proto.h):
 * the buffer doubles as it fills, so a reply of n bytes costs O(n). */
static int read_line(int fd, long long deadline, char **ret, size_t *ret_len)
{
        size_t len = 0, cap = 64 * 1024;
        char *buf = malloc(cap);
        int r;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                r = wait_fd(fd, POLLIN, deadline);
                if (r < 0)
                        goto fail;
                if (len == cap) {
                        char *n = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
                        if (!n) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        buf = n;
                        cap *= 2;
                }
                ssize_t n = recv(fd, buf + len, cap - len, MSG_DONTWAIT);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n < 0) {
                        r = -errno;
                        goto fail;
                }
                if (n == 0) {
                        r = -ECONNRESET; /* closed before a whole line */
                        goto fail;
                }
                char *nl = memchr(buf + len, '\n', (size_t) n);
                len += (size_t) n;
                if (nl) {
                        *ret_len = (size_t) (nl - buf) + 1;
                        *ret = buf;
                        return 0;
                }
        }
fail:
        free(buf);
        return r;
}

int ctl_call(const struct ctl_options *opts, const struct control_request *req, int timeout_ms,
             bool quiet_unreachable, struct control_reply *ret)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *dir = ctl_runtime_dir(opts);
        char *msg = NULL, *line = NULL, *error = NULL;
        size_t msg_len = 0, line_len = 0;
        long long deadline = now_ms() + timeout_ms;
        int fd = -1, r;

        if ((size_t) snprintf(sa.sun_path, sizeof sa.sun_path, "%s/control", dir) >= sizeof sa.sun_path) {
                fprintf(stderr, "%s: runtime directory path too long: %s\n", opts->program, dir);
                return -ENAMETOOLONG;
        }
        r = control_request_encode(req, &msg, &msg_len);
        if (r < 0) {
                fprintf(stderr, "%s: cannot encode the request: %s\n", opts->program, strerror(-r));
                return r;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                r = -errno;
                if (!(quiet_unreachable && ctl_unreachable(r)))
                        fprintf(stderr, "%s: cannot reach weft at %s: %s\n", opts->program, sa.sun_path,
                                strerror(-r));
                goto out;
        }
        r = send_all(fd, msg, msg_len, deadline);
        if (r >= 0)
                r = read_line(fd, deadline, &line, &line_len);
        if (r == -ETIMEDOUT) {
                fprintf(stderr, "%s: no reply from weft at %s within %d s%s\n", opts->program, sa.sun_path,
                        timeout_ms / 1000, timeout_ms >= CTL_JOB_TIMEOUT_MS ? "; the job may still be running" : "");
                goto out;
        }
        if (r < 0) {
                fprintf(stderr, "%s: talking to weft at %s: %s\n", opts->program, sa.sun_path, strerror(-r));
                goto out;
        }
        r = control_reply_decode(line, line_len, ret, &error);
        if (r < 0)
                fprintf(stderr, "%s: bad reply from weft at %s: %s\n", opts->program, sa.sun_path,
                        error ? error : strerror(-r));
out:
        if (fd >= 0)
                close(fd);
        free(msg);
        free(line);
        free(error);
        return r;
}
