/* sd_probe: a small daemon built against the real libsystemd, so that
 * test/integration/sockets-notify.sh checks weft with the client library
 * real services use, not with our own reading of the protocol
 * (SYSTEMD-SUBSET §2.9, §2.10). Each mode writes what it saw to OUT, one
 * "key=value ..." line per fact, flushed at once so the test can poll:
 *
 *   sd_probe listen OUT
 *      sd_listen_fds_with_names(): "n=N", then "fd=3 name=NAME type=TYPE
 *      access=ACCESS family=FAMILY" per fd (TYPE: stream-listening, stream,
 *      dgram, seqpacket-listening, seqpacket, fifo, other; FAMILY from
 *      sd_is_socket_unix/sd_is_socket_inet: unix, inet, inet6, none), then
 *      "ready". Then serves until killed: a stream or seqpacket listening
 *      fd accepts a connection and answers "probe:" + the line (message) it
 *      read; a datagram fd (unix or UDP) or a FIFO gets "got name=NAME
 *      data=..." in OUT.
 *   sd_probe notify-fdstore OUT
 *      Type=notify with FileDescriptorStoreMax=. With no fd passed (first
 *      start): READY=1 and STATUS=, a memfd holding MARKER stored with
 *      FDSTORE=1 FDNAME=marker, a barrier so weft has it, then exit 1 (for
 *      Restart=on-failure). With fds (next start): "restart n=N", and per
 *      fd "stored name=NAME content=...", READY=1, then sleeps.
 *   sd_probe barrier OUT
 *      READY=1; 20 messages carrying 8 pipe fds each without FDSTORE=1
 *      (the manager must close them all); FDSTORE=1 with an fd although
 *      FileDescriptorStoreMax=0; then sd_notify_barrier() with a 5 s
 *      timeout: "barrier r=R" (1 is success). Then sleeps.
 *
 * Exit status 2 on a usage or setup error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#define MARKER "weft-fdstore-marker"
#define MAX_FDS 64

static FILE *out;

static void say(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vfprintf(out, fmt, ap);
        va_end(ap);
        fputc('\n', out);
        fflush(out);
}

static const char *fd_type(int fd)
{
        if (sd_is_fifo(fd, NULL) > 0)
                return "fifo";
        if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) > 0)
                return "stream-listening";
        if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 0) > 0)
                return "stream";
        if (sd_is_socket(fd, AF_UNSPEC, SOCK_DGRAM, -1) > 0)
                return "dgram";
        if (sd_is_socket(fd, AF_UNSPEC, SOCK_SEQPACKET, 1) > 0)
                return "seqpacket-listening";
        if (sd_is_socket(fd, AF_UNSPEC, SOCK_SEQPACKET, -1) > 0)
                return "seqpacket";
        return "other";
}

static const char *fd_family(int fd)
{
        if (sd_is_socket_unix(fd, 0, -1, NULL, 0) > 0)
                return "unix";
        if (sd_is_socket_inet(fd, AF_INET, 0, -1, 0) > 0)
                return "inet";
        if (sd_is_socket_inet(fd, AF_INET6, 0, -1, 0) > 0)
                return "inet6";
        return "none";
}

/* Printable text of up to len bytes, one line. */
static void clean(char *s, ssize_t len)
{
        for (ssize_t i = 0; i < len; i++)
                if (s[i] == '\n' || s[i] == '\r' || s[i] == 0)
                        s[i] = ' ';
        s[len > 0 ? len : 0] = 0;
}

/* Reads one line (or up to EOF) from a connection, answers "probe:" + it. */
static void answer(int listen_fd, const char *name)
{
        char buf[512];
        size_t have = 0;
        int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

        if (c < 0) {
                if (errno != EAGAIN && errno != EINTR)
                        say("error name=%s accept: %s", name, strerror(errno));
                return;
        }
        struct timeval tv = { .tv_sec = 5 };
        (void) setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (have < sizeof buf - 1) {
                ssize_t n = read(c, buf + have, sizeof buf - 1 - have);
                if (n <= 0)
                        break;
                have += (size_t) n;
                if (memchr(buf, '\n', have))
                        break;
        }
        char reply[600];
        int len = snprintf(reply, sizeof reply, "probe:%.*s", (int) have, buf);
        if (len > 0 && write(c, reply, (size_t) len) < 0)
                say("error name=%s write: %s", name, strerror(errno));
        clean(buf, (ssize_t) have);
        say("got name=%s data=%s", name, buf);
        close(c);
}

static int do_listen(void)
{
        char **names = NULL;
        struct pollfd p[MAX_FDS];
        int n = sd_listen_fds_with_names(0, &names);

        say("n=%d", n);
        if (n < 0 || n > MAX_FDS)
                return 1;
        for (int i = 0; i < n; i++) {
                int fd = SD_LISTEN_FDS_START + i;
                int fl = fcntl(fd, F_GETFL);
                say("fd=%d name=%s type=%s access=%s family=%s", fd, names && names[i] ? names[i] : "(null)", fd_type(fd),
                    fl < 0 ? "bad-fd" : (fl & O_ACCMODE) == O_RDWR ? "rdwr" : (fl & O_ACCMODE) == O_WRONLY ? "wronly" : "rdonly",
                    fd_family(fd));
                p[i] = (struct pollfd) { .fd = fd, .events = POLLIN };
        }
        say("ready");
        for (;;) {
                if (poll(p, (nfds_t) n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        say("error poll: %s", strerror(errno));
                        return 1;
                }
                for (int i = 0; i < n; i++) {
                        if (!(p[i].revents & POLLIN))
                                continue;
                        const char *type = fd_type(p[i].fd);
                        if (strcmp(type, "stream-listening") == 0 || strcmp(type, "seqpacket-listening") == 0) {
                                answer(p[i].fd, names[i]);
                                continue;
                        }
                        char buf[512];
                        ssize_t len = read(p[i].fd, buf, sizeof buf - 1);
                        if (len <= 0) {
                                /* EOF on a FIFO: its writer left and the
                                 * manager did not open it O_RDWR as systemd
                                 * does; stop watching rather than spin. */
                                if (len == 0) {
                                        say("eof name=%s", names[i]);
                                        p[i].fd = -1;
                                }
                                continue;
                        }
                        clean(buf, len);
                        say("got name=%s data=%s", names[i], buf);
                }
        }
}

static int store_marker(void)
{
        int fd = memfd_create("weft-probe", MFD_CLOEXEC);
        int r;

        if (fd < 0 || write(fd, MARKER, strlen(MARKER)) != (ssize_t) strlen(MARKER)) {
                say("error memfd: %s", strerror(errno));
                return 2;
        }
        r = sd_notify(0, "READY=1\nSTATUS=first start, storing an fd");
        say("first ready r=%d", r);
        r = sd_pid_notify_with_fds(0, 0, "FDSTORE=1\nFDNAME=marker", &fd, 1);
        say("first fdstore r=%d", r);
        /* Exit only once weft has processed the message: it is attributed
         * by our pid, which must still be the main pid. */
        r = sd_notify_barrier(0, 5 * 1000000ULL);
        say("first barrier r=%d", r);
        close(fd);
        return 1; /* Restart=on-failure brings us back */
}

static int do_fdstore(void)
{
        char **names = NULL;
        int n = sd_listen_fds_with_names(0, &names);

        if (n <= 0)
                return store_marker();
        say("restart n=%d", n);
        for (int i = 0; i < n; i++) {
                int fd = SD_LISTEN_FDS_START + i;
                char buf[128];
                ssize_t len = pread(fd, buf, sizeof buf - 1, 0);
                clean(buf, len);
                say("stored name=%s content=%s", names && names[i] ? names[i] : "(null)", len >= 0 ? buf : "(unreadable)");
        }
        say("second ready r=%d", sd_notify(0, "READY=1\nSTATUS=second start, fd back"));
        for (;;)
                pause();
}

static int do_barrier(void)
{
        int fds[8];
        int r = sd_notify(0, "READY=1\nSTATUS=barrier probe");

        say("ready r=%d", r);
        for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 8; i += 2) {
                        if (pipe2(fds + i, O_CLOEXEC) < 0) {
                                say("error pipe: %s", strerror(errno));
                                return 2;
                        }
                }
                r = sd_pid_notify_with_fds(0, 0, "X_WEFT_JUNK=1", fds, 8);
                if (r <= 0)
                        say("junk r=%d", r);
                for (int i = 0; i < 8; i++)
                        close(fds[i]);
        }
        if (pipe2(fds, O_CLOEXEC) < 0)
                return 2;
        r = sd_pid_notify_with_fds(0, 0, "FDSTORE=1\nFDNAME=unwanted", fds, 1);
        say("fdstore-refused sent r=%d", r);
        close(fds[0]);
        close(fds[1]);
        r = sd_notify_barrier(0, 5 * 1000000ULL);
        say("barrier r=%d", r);
        for (;;)
                pause();
}

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: sd_probe listen|notify-fdstore|barrier OUT\n");
                return 2;
        }
        out = fopen(argv[2], "a");
        if (!out) {
                fprintf(stderr, "sd_probe: %s: %s\n", argv[2], strerror(errno));
                return 2;
        }
        if (strcmp(argv[1], "listen") == 0)
                return do_listen();
        if (strcmp(argv[1], "notify-fdstore") == 0)
                return do_fdstore();
        if (strcmp(argv[1], "barrier") == 0)
                return do_barrier();
        fprintf(stderr, "sd_probe: unknown mode %s\n", argv[1]);
        return 2;
}
