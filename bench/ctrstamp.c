/* The two ends of bench/container-bench.sh's measurement, libc only:
 *   ctrstamp exec FILE INIT [ARGS...]   append "t0 NS" (CLOCK_MONOTONIC) to FILE, exec INIT
 *   ctrstamp cmd FILE                   as CMD: append "t1 NS HWM_KIB" to FILE, HWM_KIB
 *                                       being our parent's (the init's) peak RSS so far */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void append(const char *file, const char *line)
{
        int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
                (void) !write(fd, line, strlen(line));
                close(fd);
        }
}

static long parent_hwm_kib(void)
{
        char path[64], line[256];
        long kib = -1;
        snprintf(path, sizeof path, "/proc/%d/status", (int) getppid());
        FILE *f = fopen(path, "re");
        while (f && fgets(line, sizeof line, f))
                if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
                        break;
        if (f)
                fclose(f);
        return kib;
}

int main(int argc, char **argv)
{
        char line[128];
        if (argc >= 4 && !strcmp(argv[1], "exec")) {
                snprintf(line, sizeof line, "t0 %lld\n", now_ns());
                append(argv[2], line);
                execvp(argv[3], argv + 3);
                return 127;
        }
        if (argc >= 3 && !strcmp(argv[1], "cmd")) {
                long long t1 = now_ns();
                snprintf(line, sizeof line, "t1 %lld %ld\n", t1, parent_hwm_kib());
                append(argv[2], line);
                return 0;
        }
        return 2;
}
