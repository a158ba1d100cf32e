/* fd_dump: what a socket-activated service is handed, written down so that
 * test/integration/socket-activate-reference.sh can diff what weft hands a
 * service against what the reference sender systemd-socket-activate hands
 * it for the same socket (SYSTEMD-SUBSET §2.9, §3.1). libc only.
 *
 *   fd_dump OUT
 *
 * Before opening anything of its own it lists /proc/self/fd, so the record
 * holds exactly the fds it was started with. Then it writes OUT (through
 * OUT.tmp and a rename, so a reader never sees half a record), one line per
 * fact, in a stable order:
 *
 *   env LISTEN_FDS=VALUE|unset
 *   env LISTEN_FDNAMES=VALUE|unset
 *   env LISTEN_PID=self|other|unset
 *   env REMOTE_ADDR=VALUE|unset
 *   env REMOTE_PORT=set|unset
 *   env NAME=set          for any other LISTEN_* or REMOTE_* variable
 *   fd=N KIND ...         per open fd, in numeric order:
 *      socket family=unix|inet|inet6|netlink|F type=stream|dgram|seqpacket|T
 *             listening=yes|no cloexec=yes|no nonblock=yes|no
 *             local=ADDR peer=ADDR|none
 *        (unix ADDR: a path, @abstract or "unnamed"; inet ADDR: a.b.c.d:port,
 *        inet6: [addr]:port — the test normalises paths and ports)
 *      fifo|chr|reg|dir|other cloexec=yes|no access=rdonly|wronly|rdwr
 *        for fds 3 and up; fds 0-2 that are not sockets are just "stdio"
 *        (they are whatever the caller's stdio is, not part of the protocol)
 *
 * Then it serves, once, so the client that triggered the activation gets an
 * answer and the sender sees the service finish: every listening stream
 * socket accepts one connection (5 s at most) and writes "dumped\n"; a
 * connected stream socket (Accept=yes, or stdin in inetd mode) reads one
 * line (2 s at most) and writes "dumped\n"; a datagram or seqpacket
 * listening socket reads the message that triggered it (1 s at most; a
 * seqpacket listener accepts and reads). Then it exits 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 256

extern char **environ;

static int fds[MAX_FDS];
static int nfds;

static int cmp_int(const void *a, const void *b)
{
        return *(const int *) a - *(const int *) b;
}

/* Every fd open at start, except the directory stream's own. */
static int list_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;

        if (!d)
                return -1;
        while ((e = readdir(d)) && nfds < MAX_FDS) {
                char *end;
                long fd = strtol(e->d_name, &end, 10);
                if (*e->d_name == '.' || *end || fd == dirfd(d))
                        continue;
                fds[nfds++] = (int) fd;
        }
        closedir(d);
        qsort(fds, (size_t) nfds, sizeof fds[0], cmp_int);
        return 0;
}

static void addr_text(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t size)
{
        char host[INET6_ADDRSTRLEN];

        switch (ss->ss_family) {
        case AF_UNIX: {
                const struct sockaddr_un *un = (const void *) ss;
                size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
                if (n == 0)
                        snprintf(buf, size, "unnamed");
                else if (un->sun_path[0] == 0)
                        snprintf(buf, size, "@%.*s", (int) n - 1, un->sun_path + 1);
                else
                        snprintf(buf, size, "%.*s", (int) strnlen(un->sun_path, n), un->sun_path);
                return;
        }
        case AF_INET: {
                const struct sockaddr_in *in = (const void *) ss;
                inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
                snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
                return;
        }
        case AF_INET6: {
                const struct sockaddr_in6 *in6 = (const void *) ss;
                inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
                snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
                return;
        }
        default:
                snprintf(buf, size, "family-%d", ss->ss_family);
        }
}

static const char *family_name(int f)
{
        static char other[32];

        switch (f) {
        case AF_UNIX: return "unix";
        case AF_INET: return "inet";
        case AF_INET6: return "inet6";
        case AF_NETLINK: return "netlink";
        }
        snprintf(other, sizeof other, "%d", f);
        return other;
}

static const char *type_name(int t)
{
        static char other[32];

        switch (t) {
        case SOCK_STREAM: return "stream";
        case SOCK_DGRAM: return "dgram";
        case SOCK_SEQPACKET: return "seqpacket";
        }
        snprintf(other, sizeof other, "%d", t);
        return other;
}

/* Socket facts of fd; 0 if it is a socket, -1 if not. */
static int sock_info(int fd, int *domain, int *type, int *listening)
{
        socklen_t l = sizeof(int);

        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &l) < 0)
                return -1;
        l = sizeof(int);
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, domain, &l) < 0)
                *domain = -1;
        l = sizeof(int);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, listening, &l) < 0)
                *listening = 0;
        return 0;
}

static void describe(FILE *out, int fd)
{
        int domain, type, listening;
        int fdfl = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);
        const char *cloexec = fdfl >= 0 && (fdfl & FD_CLOEXEC) ? "yes" : "no";
        struct stat st;

        if (sock_info(fd, &domain, &type, &listening) == 0) {
                struct sockaddr_storage ss;
                socklen_t len = sizeof ss;
                char local[300] = "unknown", peer[300] = "none";

                memset(&ss, 0, sizeof ss);
                if (getsockname(fd, (struct sockaddr *) &ss, &len) == 0)
                        addr_text(&ss, len, local, sizeof local);
                len = sizeof ss;
                memset(&ss, 0, sizeof ss);
                if (getpeername(fd, (struct sockaddr *) &ss, &len) == 0)
                        addr_text(&ss, len, peer, sizeof peer);
                fprintf(out, "fd=%d socket family=%s type=%s listening=%s cloexec=%s nonblock=%s local=%s peer=%s\n",
                        fd, family_name(domain), type_name(type), listening ? "yes" : "no", cloexec,
                        fl >= 0 && (fl & O_NONBLOCK) ? "yes" : "no", local, peer);
                return;
        }
        if (fd <= 2) {
                fprintf(out, "fd=%d stdio\n", fd);
                return;
        }
        const char *kind = "other";
        if (fstat(fd, &st) == 0) {
                if (S_ISFIFO(st.st_mode))
                        kind = "fifo";
                else if (S_ISCHR(st.st_mode))
                        kind = "chr";
                else if (S_ISREG(st.st_mode))
                        kind = "reg";
                else if (S_ISDIR(st.st_mode))
                        kind = "dir";
        }
        fprintf(out, "fd=%d %s cloexec=%s access=%s\n", fd, kind, cloexec,
                fl < 0 ? "bad" : (fl & O_ACCMODE) == O_RDWR ? "rdwr" : (fl & O_ACCMODE) == O_WRONLY ? "wronly" : "rdonly");
}

static void env_line(FILE *out, const char *name)
{
        const char *v = getenv(name);

        if (!v) {
                fprintf(out, "env %s=unset\n", name);
                return;
        }
        if (strcmp(name, "LISTEN_PID") == 0) {
                char *end;
                long pid = strtol(v, &end, 10);
                fprintf(out, "env LISTEN_PID=%s\n", *v && !*end && pid == (long) getpid() ? "self" : "other");
        } else if (strcmp(name, "REMOTE_PORT") == 0)
                fprintf(out, "env REMOTE_PORT=set\n");
        else
                fprintf(out, "env %s=%s\n", name, v);
}

static int wait_in(int fd, int ms)
{
        struct pollfd p = { .fd = fd, .events = POLLIN };

        for (;;) {
                int r = poll(&p, 1, ms);
                if (r < 0 && errno == EINTR)
                        continue;
                return r > 0;
        }
}

static void reply(int c, int read_first)
{
        static const char msg[] = "dumped\n";
        char buf[256];

        if (read_first && wait_in(c, 2000))
                (void) read(c, buf, sizeof buf);
        (void) write(c, msg, sizeof msg - 1);
}

static void serve(int fd)
{
        int domain, type, listening;
        char buf[512];

        if (sock_info(fd, &domain, &type, &listening) < 0)
                return;
        if (type == SOCK_STREAM && !listening) {
                reply(fd, 1);
                return;
        }
        if (type == SOCK_STREAM || (type == SOCK_SEQPACKET && listening)) {
                if (!wait_in(fd, type == SOCK_STREAM ? 5000 : 1000))
                        return;
                int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                if (c < 0)
                        return;
                reply(c, 1);
                close(c);
                return;
        }
        if (wait_in(fd, 1000))
                (void) recv(fd, buf, sizeof buf, MSG_DONTWAIT);
}

int main(int argc, char **argv)
{
        char tmp[4096];

        if (argc != 2) {
                fprintf(stderr, "usage: fd_dump OUT\n");
                return 2;
        }
        if (list_fds() < 0) {
                fprintf(stderr, "fd_dump: /proc/self/fd: %s\n", strerror(errno));
                return 2;
        }
        snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
        FILE *out = fopen(tmp, "we");
        if (!out) {
                fprintf(stderr, "fd_dump: %s: %s\n", tmp, strerror(errno));
                return 2;
        }
        env_line(out, "LISTEN_FDS");
        env_line(out, "LISTEN_FDNAMES");
        env_line(out, "LISTEN_PID");
        env_line(out, "REMOTE_ADDR");
        env_line(out, "REMOTE_PORT");
        for (char **e = environ; *e; e++) {
                static const char *const known[] = { "LISTEN_FDS=", "LISTEN_FDNAMES=", "LISTEN_PID=", "REMOTE_ADDR=", "REMOTE_PORT=" };
                int skip = 0;
                if (strncmp(*e, "LISTEN_", 7) != 0 && strncmp(*e, "REMOTE_", 7) != 0)
                        continue;
                for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
                        skip |= strncmp(*e, known[i], strlen(known[i])) == 0;
                if (!skip)
                        fprintf(out, "env %.*s=set\n", (int) strcspn(*e, "="), *e);
        }
        for (int i = 0; i < nfds; i++)
                describe(out, fds[i]);
        if (fclose(out) != 0 || rename(tmp, argv[1]) < 0) {
                fprintf(stderr, "fd_dump: %s: %s\n", argv[1], strerror(errno));
                return 2;
        }
        for (int i = 0; i < nfds; i++)
                if (fds[i] == 0 || fds[i] > 2) /* inetd: 1 is 0 again */
                        serve(fds[i]);
        return 0;
}
