/* maxrss CMD [ARGS...]: run CMD, then print its wall time and peak RSS to
 * stderr as "wall_s=… maxrss_kib=…" (GNU time is not on a fresh machine). */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct timespec t0, t1;
        struct rusage ru;
        int status;

        if (argc < 2)
                return 2;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid_t pid = fork();
        if (pid < 0)
                return 2;
        if (pid == 0) {
                execvp(argv[1], argv + 1);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return 2;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        fprintf(stderr, "wall_s=%.6f maxrss_kib=%ld\n",
                (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
