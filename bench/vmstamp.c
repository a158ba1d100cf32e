/* make bench-vm's PID 1 shim (bench/vm-bench.sh), libc only, linked
 * statically: the guest's init= points here. It reads the clock the
 * inits' own unit timestamps use (CLOCK_MONOTONIC) and execs the init
 * named by WEFTVM_INIT (a kernel command line word, which the kernel and
 * the initramfs hand on in the environment), adding WEFTVM_EXEC_USEC=µs.
 * PID 1's /proc/1/environ keeps it, so the guest check reads the moment
 * of PID 1's exec the same way under weft and under systemd. Nothing is
 * mounted at this point, hence the environment and not a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
        static char stamp[64];
        struct timespec ts;
        const char *init = getenv("WEFTVM_INIT");
        size_t n = 0, i;
        char **env;

        (void) argc;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        snprintf(stamp, sizeof stamp, "WEFTVM_EXEC_USEC=%lld",
                 (long long) ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
        if (!init || !*init)
                init = "/sbin/init";
        while (environ[n])
                n++;
        env = calloc(n + 2, sizeof *env);
        if (env) {
                for (i = 0; i < n; i++)
                        env[i] = environ[i];
                env[n] = stamp;
                environ = env;
        }
        argv[0] = (char *) init;
        execv(init, argv);
        /* PID 1 must not exit: fall back to what the kernel would run. */
        perror("vmstamp: exec");
        execv("/sbin/init", argv);
        return 127;
}
