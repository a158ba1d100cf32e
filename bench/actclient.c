/* actclient: the client of bench/activation-bench.sh.
 *
 *   actclient PATH N [GONE]
 *
 * N times: connect to the unix stream socket PATH and read the first byte;
 * prints each latency (connect() called -> first byte read, CLOCK_MONOTONIC)
 * in microseconds, one per line. With GONE (a process name, e.g. actsrv),
 * each round first waits until no process of that name is left in /proc (at
 * most 5 s) and then 50 ms more, so that a socket-activated service is not
 * running when the connection comes. Every read has a 10 s timeout; the
 * first failed round ends the run (exit 1). Libc only. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void nap_ms(long ms)
{
        struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

        while (nanosleep(&t, &t) < 0 && errno == EINTR)
                ;
}

static int running(const char *name)
{
        DIR *d = opendir("/proc");
        struct dirent *e;
        int found = 0;

        if (!d)
                return 0;
        while (!found && (e = readdir(d))) {
                char path[300], comm[64] = "";
                FILE *f;
                if (e->d_name[0] < '0' || e->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
                if (!(f = fopen(path, "re")))
                        continue;
                if (fgets(comm, sizeof comm, f)) {
                        comm[strcspn(comm, "\n")] = 0;
                        found = strcmp(comm, name) == 0;
                }
                fclose(f);
        }
        closedir(d);
        return found;
}

int main(int argc, char **argv)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int n, bad = 0;

        if (argc < 3 || argc > 4 || strlen(argv[1]) >= sizeof sa.sun_path || (n = atoi(argv[2])) <= 0) {
                fprintf(stderr, "usage: actclient PATH N [GONE]\n");
                return 2;
        }
        strcpy(sa.sun_path, argv[1]);
        for (int i = 0; i < n; i++) {
                if (argc == 4) {
                        for (int w = 0; w < 500 && running(argv[3]); w++)
                                nap_ms(10);
                        nap_ms(50);
                }
                int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                struct timeval tv = { .tv_sec = 10 };
                char b;
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                double t0 = now_us();
                if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || read(fd, &b, 1) != 1) {
                        fprintf(stderr, "actclient: round %d: %s; stopping\n", i, strerror(errno));
                        bad = 1;
                        n = i;
                } else
                        printf("%.1f\n", now_us() - t0);
                fflush(stdout);
                if (fd >= 0)
                        close(fd);
        }
        return bad;
}
