/* notifyload: the notify-throughput load of bench/activation-bench.sh.
 *
 *   notifyload send K OUTDIR ID GATE
 *      A Type=notify main process (or, for the baseline, a plain process
 *      with NOTIFY_SOCKET set): sd_notify(READY=1), creates OUTDIR/ready.ID,
 *      waits at GATE (a FIFO: open() returns once the bench opens it for
 *      writing), then sends K "STATUS=..." messages with sd_notify() as fast
 *      as it can, then sd_notify_barrier() (30 s): the receiver has handled
 *      all K once the barrier returns. Writes "T0_US T1_US SENT BARRIER_R"
 *      (CLOCK_MONOTONIC) to OUTDIR/end.ID, then sleeps until killed.
 *   notifyload recv PATH
 *      The baseline receiver: an AF_UNIX datagram socket at PATH with
 *      SO_PASSCRED, a recvmsg() loop (credentials and up to 16 fds per
 *      message, the fds closed at once: that answers a barrier), counting
 *      messages; prints the count to stdout on SIGTERM.
 * Links libsystemd (the sender is a real sd_notify client). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

static double now_us(void)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int write_file(const char *dir, const char *what, const char *id, const char *text)
{
        char path[4096];
        FILE *f;

        snprintf(path, sizeof path, "%s/%s.%s.tmp", dir, what, id);
        if (!(f = fopen(path, "we")))
                return -1;
        fputs(text, f);
        if (fclose(f) != 0)
                return -1;
        char final[4096];
        snprintf(final, sizeof final, "%s/%s.%s", dir, what, id);
        return rename(path, final);
}

static int do_send(int k, const char *dir, const char *id, const char *gate)
{
        char line[200];
        int sent = 0, r;

        sd_notify(0, "READY=1");
        if (write_file(dir, "ready", id, "") < 0)
                return 2;
        int g = open(gate, O_RDONLY | O_CLOEXEC);
        if (g < 0)
                return 2;
        close(g);
        double t0 = now_us();
        for (int i = 0; i < k; i++) {
                r = sd_notifyf(0, "STATUS=sender %s message %d of %d", id, i + 1, k);
                if (r > 0)
                        sent++;
        }
        r = sd_notify_barrier(0, 30 * 1000000ULL);
        double t1 = now_us();
        snprintf(line, sizeof line, "%.0f %.0f %d %d\n", t0, t1, sent, r);
        if (write_file(dir, "end", id, line) < 0)
                return 2;
        for (;;)
                pause();
}

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
        (void) sig;
        stop = 1;
}

static int do_recv(const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;
        unsigned long count = 0;
        struct sigaction act = { .sa_handler = on_term };

        if (strlen(path) >= sizeof sa.sun_path)
                return 2;
        strcpy(sa.sun_path, path);
        unlink(path);
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ||
            bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                perror("notifyload recv");
                return 2;
        }
        sigaction(SIGTERM, &act, NULL); /* no SA_RESTART: recvmsg returns EINTR */
        while (!stop) {
                char buf[4097];
                union {
                        struct cmsghdr h;
                        char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(16 * sizeof(int))];
                } ctl;
                struct iovec iov = { buf, sizeof buf - 1 };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof ctl };
                ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("notifyload recv");
                        return 1;
                }
                count++;
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                                int *fds = (int *) CMSG_DATA(c);
                                size_t nf = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                                for (size_t i = 0; i < nf; i++)
                                        close(fds[i]);
                        }
        }
        printf("%lu\n", count);
        return 0;
}

int main(int argc, char **argv)
{
        if (argc == 6 && strcmp(argv[1], "send") == 0)
                return do_send(atoi(argv[2]), argv[3], argv[4], argv[5]);
        if (argc == 3 && strcmp(argv[1], "recv") == 0)
                return do_recv(argv[2]);
        fprintf(stderr, "usage: notifyload send K OUTDIR ID GATE | notifyload recv PATH\n");
        return 2;
}
