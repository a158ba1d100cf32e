/* payload: the work one benchmark unit does.
 *
 *   payload NAME WORK_MS STAMPFILE [--busy]
 *       sleeps (or, with --busy, spins) WORK_MS milliseconds, then appends
 *       "NAME START_NS END_NS\n" (CLOCK_MONOTONIC) to STAMPFILE in one
 *       write(2) on an O_APPEND descriptor, so concurrent payloads never
 *       interleave their lines.
 *   payload --stamp-exec STAMPFILE CMD [ARGS...]
 *       appends "@exec NOW_NS\n" to STAMPFILE, then execs CMD: the runner's
 *       t0, taken in the very process that becomes the runner.
 *
 * Used by bench/gendag.c (ExecStart=), bench/ideal.c, bench/forkloop.c and
 * bench/boot-bench.sh. libc only, no allocation. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One write(2) per line: with O_APPEND the kernel places each line whole. */
static int append_line(const char *path, const char *line, size_t len)
{
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, line, len);
        int r = n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
        close(fd);
        return r;
}

static void work(long ms, int busy)
{
        if (ms <= 0)
                return;
        if (busy) {
                long long end = now_ns() + ms * 1000000LL;
                while (now_ns() < end)
                        ;
                return;
        }
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

int main(int argc, char **argv)
{
        long long start = now_ns();
        char line[512];
        int len, r;

        if (argc >= 4 && strcmp(argv[1], "--stamp-exec") == 0) {
                len = snprintf(line, sizeof(line), "@exec %lld\n", start);
                r = append_line(argv[2], line, (size_t)len);
                if (r < 0) {
                        fprintf(stderr, "payload: unable to append to %s: %s\n", argv[2], strerror(-r));
                        return 111;
                }
                execvp(argv[3], argv + 3);
                fprintf(stderr, "payload: unable to exec %s: %s\n", argv[3], strerror(errno));
                return 127;
        }
        if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "--busy") != 0)) {
                fprintf(stderr, "usage: payload NAME WORK_MS STAMPFILE [--busy]\n"
                                "       payload --stamp-exec STAMPFILE CMD [ARGS...]\n");
                return 2;
        }
        work(strtol(argv[2], NULL, 10), argc == 5);
        len = snprintf(line, sizeof(line), "%s %lld %lld\n", argv[1], start, now_ns());
        if (len < 0 || (size_t)len >= sizeof(line)) {
                fprintf(stderr, "payload: name too long: %s\n", argv[1]);
                return 2;
        }
        r = append_line(argv[3], line, (size_t)len);
        if (r < 0) {
                fprintf(stderr, "payload: %s: unable to append to %s: %s\n", argv[1], argv[3], strerror(-r));
                return 111;
        }
        return 0;
}
