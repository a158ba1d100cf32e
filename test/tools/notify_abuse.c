/* notify_abuse: a hostile notify client for test/faults/notify-abuse.sh
 * (issue 8, B2 and B9). It speaks to $NOTIFY_SOCKET with raw sendmsg(2),
 * so it can send what no library would:
 *
 *   notify_abuse attack PIDFILE
 *      "MAINPID=<the pid in PIDFILE>\nWATCHDOG=trigger": if the manager
 *      takes the pid, the watchdog kills it. Then waits (at most 60 s) to be
 *      killed itself, which is what a refused MAINPID= leads to.
 *   notify_abuse flood N NFDS
 *      N datagrams, each carrying NFDS copies of one fd (at most 253, the
 *      kernel's SCM_MAX_FD), every other one with FDSTORE=1; then 10
 *      datagrams over the 4096-byte limit. Blocks while the manager does
 *      not read. Prints "sent N" and exits 0.
 *   notify_abuse fdpeak PID STOPFILE
 *      Counts the entries of /proc/PID/fd as fast as it can until STOPFILE
 *      exists (at most 120 s), then prints "peak N". Run by the test as
 *      root, outside the namespace: a sampler in the shell misses a flood
 *      that lasts 50 ms.
 *
 * Exit status 2 on a usage or setup error, 1 when a send fails. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FDS_MAX 253

static int sock = -1;
static struct sockaddr_un addr;
static socklen_t addr_len;

static int open_socket(void)
{
        const char *path = getenv("NOTIFY_SOCKET");
        size_t len;

        if (!path || !*path) {
                fprintf(stderr, "notify_abuse: NOTIFY_SOCKET is not set\n");
                return -1;
        }
        len = strlen(path);
        if (len >= sizeof addr.sun_path) {
                fprintf(stderr, "notify_abuse: NOTIFY_SOCKET too long\n");
                return -1;
        }
        addr.sun_family = AF_UNIX;
        memcpy(addr.sun_path, path, len);
        if (path[0] == '@')
                addr.sun_path[0] = 0;
        else
                len++;
        addr_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len);
        sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) {
                perror("notify_abuse: socket");
                return -1;
        }
        return 0;
}

/* One datagram of len bytes with n_fds copies of fd. */
static int send_one(const char *buf, size_t len, int fd, unsigned n_fds)
{
        union {
                struct cmsghdr align;
                char data[CMSG_SPACE(sizeof(int) * FDS_MAX)];
        } control;
        struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
        struct msghdr mh = { .msg_name = &addr, .msg_namelen = addr_len, .msg_iov = &iov, .msg_iovlen = 1 };

        if (n_fds > 0) {
                memset(&control, 0, sizeof control);
                mh.msg_control = &control;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
                for (unsigned i = 0; i < n_fds; i++)
                        memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof fd);
        }
        while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
                if (errno == EINTR)
                        continue;
                fprintf(stderr, "notify_abuse: sendmsg: %s\n", strerror(errno));
                return -1;
        }
        return 0;
}

static int send_str(const char *s)
{
        return send_one(s, strlen(s), -1, 0);
}

static int attack(const char *pidfile)
{
        char line[64], msg[96];
        FILE *f = fopen(pidfile, "re");
        long pid;

        if (!f || !fgets(line, sizeof line, f) || (pid = strtol(line, NULL, 10)) <= 0) {
                fprintf(stderr, "notify_abuse: no pid in %s\n", pidfile);
                return 2;
        }
        fclose(f);
        /* One datagram: after a separate MAINPID= the sender would no longer
         * be the main process, and its trigger would not count. */
        snprintf(msg, sizeof msg, "MAINPID=%ld\nWATCHDOG=trigger", pid);
        if (send_str(msg) < 0)
                return 1;
        printf("sent MAINPID=%ld WATCHDOG=trigger\n", pid);
        fflush(stdout);
        /* Bounded: the manager kills us (a refused MAINPID=) or we leave. */
        for (int i = 0; i < 60; i++)
                sleep(1);
        return 0;
}

static int flood(unsigned n, unsigned n_fds)
{
        static char big[4096 + 1000];
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

        if (fd < 0 || n_fds > FDS_MAX) {
                fprintf(stderr, "notify_abuse: bad fd count or no /dev/null\n");
                return 2;
        }
        for (unsigned i = 0; i < n; i++) {
                const char *text = i % 2 ? "FDSTORE=1\nFDNAME=flood" : "STATUS=flood";
                if (send_one(text, strlen(text), fd, n_fds) < 0)
                        return 1;
        }
        memset(big, 'x', sizeof big);
        memcpy(big, "STATUS=", 7);
        for (int i = 0; i < 10; i++)
                if (send_one(big, sizeof big, -1, 0) < 0)
                        return 1;
        printf("sent %u\n", n);
        return 0;
}

static int count_fds(const char *dir)
{
        DIR *d = opendir(dir);
        int n = 0;

        if (!d)
                return -1;
        for (struct dirent *e; (e = readdir(d));)
                n += e->d_name[0] != '.';
        closedir(d);
        return n;
}

static int fdpeak(const char *pid, const char *stopfile)
{
        char dir[64];
        struct timespec start, now;
        int peak = -1;

        snprintf(dir, sizeof dir, "/proc/%s/fd", pid);
        clock_gettime(CLOCK_MONOTONIC, &start);
        do {
                int n = count_fds(dir);
                if (n > peak)
                        peak = n;
                clock_gettime(CLOCK_MONOTONIC, &now);
        } while (access(stopfile, F_OK) < 0 && now.tv_sec - start.tv_sec < 120);
        printf("peak %d\n", peak);
        return peak < 0 ? 2 : 0;
}

int main(int argc, char **argv)
{
        if (argc == 4 && strcmp(argv[1], "fdpeak") == 0)
                return fdpeak(argv[2], argv[3]);
        if (open_socket() < 0)
                return 2;
        if (argc == 3 && strcmp(argv[1], "attack") == 0)
                return attack(argv[2]);
        if (argc == 4 && strcmp(argv[1], "flood") == 0)
                return flood((unsigned) strtoul(argv[2], NULL, 10), (unsigned) strtoul(argv[3], NULL, 10));
        fprintf(stderr, "usage: notify_abuse attack PIDFILE | flood N NFDS | fdpeak PID STOPFILE\n");
        return 2;
}
