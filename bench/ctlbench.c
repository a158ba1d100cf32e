/* ctlbench: times control-socket round trips and whole client runs.
 *
 *   ctlbench rt SOCKET REQUEST_FILE ROUNDS [SAVE_REPLY_FILE]
 *       ROUNDS times, as weftctl does: socket(), connect() to SOCKET, send
 *       the request line (the whole of REQUEST_FILE, which ends in "\n"),
 *       read up to the first "\n" of the reply, close(). Timed from before
 *       socket() to after close(); the reply is not decoded. A tenth of
 *       ROUNDS (at least 3) goes first as an untimed warm-up.
 *       SAVE_REPLY_FILE, if given, receives the last reply line.
 *   ctlbench exec ROUNDS CMD [ARG...]
 *       ROUNDS times: fork, exec CMD with stdout and stderr to /dev/null,
 *       wait. Timed from before fork() to after waitpid(). Warm-up as above.
 *
 * Prints one line:
 *   rounds=R bytes=B min_us=.. median_us=.. p90_us=.. failures=F
 * (bytes: reply line length for rt, 0 for exec). Every wait is bounded
 * (10 s per round trip); exits 1 on a transport error or, for exec, when
 * a run fails (failures= counts exit statuses other than 0). Libc only. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_MS 10000

static long long now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
        long long x = *(const long long *) a, y = *(const long long *) b;
        return x < y ? -1 : x > y;
}

static void report(long long *t, int n, size_t bytes, int failures)
{
        qsort(t, (size_t) n, sizeof(*t), cmp_ll);
        int p90 = (int) ((n * 9 + 9) / 10) - 1; /* nearest rank */
        double med = n % 2 ? (double) t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0;
        printf("rounds=%d bytes=%zu min_us=%.1f median_us=%.1f p90_us=%.1f failures=%d\n", n, bytes,
               t[0] / 1e3, med / 1e3, t[p90 < 0 ? 0 : p90] / 1e3, failures);
}

static char *read_file(const char *path, size_t *ret_len)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t len = 0, cap = 0;

        if (!f)
                return NULL;
        for (;;) {
                if (len == cap) {
                        char *n = realloc(buf, cap ? cap * 2 : 4096);
                        if (!n) {
                                free(buf);
                                fclose(f);
                                return NULL;
                        }
                        buf = n;
                        cap = cap ? cap * 2 : 4096;
                }
                size_t k = fread(buf + len, 1, cap - len, f);
                if (k == 0)
                        break;
                len += k;
        }
        fclose(f);
        *ret_len = len;
        return buf;
}

static int wait_fd(int fd, short ev)
{
        struct pollfd p = { .fd = fd, .events = ev };
        for (;;) {
                int n = poll(&p, 1, IO_TIMEOUT_MS);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                return n == 0 ? -ETIMEDOUT : 0;
        }
}

/* One round trip; the reply line (with "\n") in *buf, its length returned. */
static long one_rt(const struct sockaddr_un *sa, const char *req, size_t req_len, char **buf, size_t *cap)
{
        size_t len = 0, off = 0;
        long r;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *) sa, sizeof(*sa)) < 0) {
                r = -errno;
                goto out;
        }
        while (off < req_len) {
                ssize_t n = send(fd, req + off, req_len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN) {
                        if ((r = wait_fd(fd, POLLOUT)) < 0)
                                goto out;
                        continue;
                }
                if (n < 0) {
                        r = -errno;
                        goto out;
                }
                off += (size_t) n;
        }
        for (;;) {
                if (len == *cap) {
                        size_t nc = *cap ? *cap * 2 : 65536;
                        char *nb = realloc(*buf, nc);
                        if (!nb) {
                                r = -ENOMEM;
                                goto out;
                        }
                        *buf = nb;
                        *cap = nc;
                }
                ssize_t n = recv(fd, *buf + len, *cap - len, MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN) {
                        if ((r = wait_fd(fd, POLLIN)) < 0)
                                goto out;
                        continue;
                }
                if (n < 0) {
                        r = -errno;
                        goto out;
                }
                if (n == 0) {
                        r = -ECONNRESET;
                        goto out;
                }
                char *nl = memchr(*buf + len, '\n', (size_t) n);
                len += (size_t) n;
                if (nl) {
                        r = (long) (nl - *buf) + 1;
                        goto out;
                }
        }
out:
        close(fd);
        return r;
}

static int cmd_rt(int argc, char **argv)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t req_len = 0, cap = 0, bytes = 0;
        char *buf = NULL, *req;
        int rounds, warm;

        if (argc < 5 || argc > 6 || (rounds = atoi(argv[4])) < 1) {
                fprintf(stderr, "usage: ctlbench rt SOCKET REQUEST_FILE ROUNDS [SAVE_REPLY_FILE]\n");
                return 2;
        }
        if (strlen(argv[2]) >= sizeof(sa.sun_path)) {
                fprintf(stderr, "ctlbench: socket path too long: %s\n", argv[2]);
                return 2;
        }
        strcpy(sa.sun_path, argv[2]);
        req = read_file(argv[3], &req_len);
        if (!req || req_len == 0 || req[req_len - 1] != '\n') {
                fprintf(stderr, "ctlbench: %s: unreadable, empty or not ending in a newline\n", argv[3]);
                return 2;
        }
        warm = rounds / 10 < 3 ? 3 : rounds / 10;
        long long *t = calloc((size_t) rounds, sizeof(*t));
        if (!t)
                return 1;
        for (int i = -warm; i < rounds; i++) {
                long long t0 = now_ns();
                long r = one_rt(&sa, req, req_len, &buf, &cap);
                long long t1 = now_ns();
                if (r < 0) {
                        fprintf(stderr, "ctlbench: round trip to %s: %s\n", argv[2], strerror((int) -r));
                        return 1;
                }
                if (i >= 0)
                        t[i] = t1 - t0;
                bytes = (size_t) r;
        }
        if (argc == 6) {
                FILE *f = fopen(argv[5], "wb");
                if (!f || fwrite(buf, 1, bytes, f) != bytes || fclose(f) != 0) {
                        fprintf(stderr, "ctlbench: cannot write %s\n", argv[5]);
                        return 1;
                }
        }
        report(t, rounds, bytes, 0);
        return 0;
}

static int cmd_exec(int argc, char **argv)
{
        int rounds, warm, failures = 0;

        if (argc < 4 || (rounds = atoi(argv[2])) < 1) {
                fprintf(stderr, "usage: ctlbench exec ROUNDS CMD [ARG...]\n");
                return 2;
        }
        warm = rounds / 10 < 3 ? 3 : rounds / 10;
        long long *t = calloc((size_t) rounds, sizeof(*t));
        if (!t)
                return 1;
        for (int i = -warm; i < rounds; i++) {
                long long t0 = now_ns();
                pid_t p = fork();
                if (p < 0) {
                        perror("ctlbench: fork");
                        return 1;
                }
                if (p == 0) {
                        int fd = open("/dev/null", O_WRONLY);
                        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
                                _exit(126);
                        execvp(argv[3], argv + 3);
                        _exit(127);
                }
                int st;
                while (waitpid(p, &st, 0) < 0)
                        if (errno != EINTR) {
                                perror("ctlbench: waitpid");
                                return 1;
                        }
                long long t1 = now_ns();
                if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                        failures++;
                if (i >= 0)
                        t[i] = t1 - t0;
        }
        report(t, rounds, 0, failures);
        return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
        if (argc >= 2 && strcmp(argv[1], "rt") == 0)
                return cmd_rt(argc, argv);
        if (argc >= 2 && strcmp(argv[1], "exec") == 0)
                return cmd_exec(argc, argv);
        fprintf(stderr, "usage: ctlbench rt SOCKET REQUEST_FILE ROUNDS [SAVE_REPLY_FILE]\n"
                        "       ctlbench exec ROUNDS CMD [ARG...]\n");
        return 2;
}
