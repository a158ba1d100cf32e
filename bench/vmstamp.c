/* make bench-vm's PID 1 shim (bench/vm-bench.sh), libc only, linked
 * statically: the guest's init= points here. It reads the clock the
 * inits' own unit timestamps use (CLOCK_MONOTONIC) and execs the init
 * named by WEFTVM_INIT (a kernel command line word, which the kernel and
 * the initramfs hand on in the environment), adding WEFTVM_EXEC_USEC=µs
 * and WEFTVM_EXEC_CPU_NSEC=ns: PID 1's CPU time so far, the kernel's own
 * start-up and the initramfs, which ran as PID 1 too and which neither
 * init should be charged with. PID 1's /proc/1/environ keeps both, so
 * the guest check reads them the same way under weft and under systemd.
 * Nothing is mounted at this point, hence the environment and not a file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <unistd.h>

extern char **environ;

static ssize_t slurp(const char *path, char *buf, size_t size)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -1;
        n = read(fd, buf, size - 1);
        close(fd);
        buf[n > 0 ? n : 0] = 0;
        return n;
}

/* WEFTVM_SAMPLE=1 (profile mode): a poor man's profiler of PID 1's first
 * thread, the scheduler's. Every 10 ms, when that thread is runnable (so
 * preempted: the guest has one CPU and this sampler runs), one line to
 * /mnt/samples: CLOCK_MONOTONIC, "running" and its kernel stack,
 * "|"-joined (an empty stack: it was preempted in user mode). Costly under
 * emulation (~1 ms of CPU a sample): for where, not for how long. Boot with preempt=full so that a thread in
 * the kernel can be preempted anywhere. Until /mnt/stop exists or 300 s. */
static void sample_pid1(void)
{
        static char st[1024], sc[256], stack[4096], line[4096];
        struct timespec tick = { 0, 10000000 }, now;
        int out;

        while (access("/proc/1/task/1/stat", F_OK) < 0)
                nanosleep(&tick, NULL);
        out = open("/mnt/samples", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        for (int i = 0; out >= 0 && i < 75000 && access("/mnt/stop", F_OK) < 0; i++) {
                char *p, *q;
                size_t n = 0;

                nanosleep(&tick, NULL);
                if (slurp("/proc/1/task/1/stat", st, sizeof st) <= 0 || !(p = strrchr(st, ')')) || p[2] != 'R')
                        continue;
                if (slurp("/proc/1/task/1/syscall", sc, sizeof sc) < 0)
                        sc[0] = 0;
                sc[strcspn(sc, " \n")] = 0;
                if (slurp("/proc/1/task/1/stack", stack, sizeof stack) < 0)
                        stack[0] = 0;
                clock_gettime(CLOCK_MONOTONIC, &now);
                n = (size_t) snprintf(line, sizeof line, "%lld.%03ld %s", (long long) now.tv_sec, now.tv_nsec / 1000000, sc);
                /* "[<0>] func+0x12/0x34" lines: the function names only. */
                for (p = stack; (p = strstr(p, "] ")) && n < sizeof line - 80; p = q) {
                        p += 2;
                        q = p + strcspn(p, "+\n");
                        n += (size_t) snprintf(line + n, sizeof line - n, "|%.*s", (int) (q - p), p);
                        q += strcspn(q, "\n");
                }
                line[n++] = '\n';
                if (write(out, line, n) < 0)
                        break;
        }
        _exit(0);
}

int main(int argc, char **argv)
{
        static char stamp[64], cpu[64];
        struct timespec ts, used;
        const char *init = getenv("WEFTVM_INIT");
        size_t n = 0, i;
        char **env;

        (void) argc;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        snprintf(stamp, sizeof stamp, "WEFTVM_EXEC_USEC=%lld",
                 (long long) ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
        /* The scheduler's own count (sum_exec_runtime), as the guest
         * check's /proc/1/task/N/schedstat: not the tick-sampled stat. */
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
        snprintf(cpu, sizeof cpu, "WEFTVM_EXEC_CPU_NSEC=%lld", (long long) used.tv_sec * 1000000000LL + used.tv_nsec);
        if (!init || !*init)
                init = "/sbin/init";
        /* make bench-vm's profile mode (BENCH_VM_PROFILE=1 adds the word
         * WEFTVM_ACCT=1): BSD process accounting from PID 1's exec on, so
         * the guest check can count the CPU of every process that exited
         * before multi-user.target, under either manager. Its file lives
         * on a tmpfs over /mnt, which neither manager touches. */
        if (getenv("WEFTVM_ACCT") &&
            (mount("acct", "/mnt", "tmpfs", 0, "size=64m,mode=0700") < 0 ||
             close(open("/mnt/acct", O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
             acct("/mnt/acct") < 0))
                perror("vmstamp: accounting");
        /* ... and with WEFTVM_STRACE=1 also the system calls of PID 1's
         * first thread (the scheduler's), counted by an injected strace
         * once /proc is there (the guest check stops it). */
        if (getenv("WEFTVM_SAMPLE") && fork() == 0)
                sample_pid1();
        if (getenv("WEFTVM_STRACE") && fork() == 0) {
                char *sargv[] = { "sh", "-c",
                                  "while [ ! -e /proc/1/stat ]; do sleep 0.02; done; "
                                  "LD_LIBRARY_PATH=/usr/local/lib/weft-vm/tools "
                                  "exec /usr/local/lib/weft-vm/tools/strace -c -o /mnt/strace -p 1",
                                  NULL };
                execv("/bin/sh", sargv);
                _exit(127);
        }
        while (environ[n])
                n++;
        env = calloc(n + 3, sizeof *env);
        if (env) {
                for (i = 0; i < n; i++)
                        env[i] = environ[i];
                env[n] = stamp;
                env[n + 1] = cpu;
                environ = env;
        }
        argv[0] = (char *) init;
        execv(init, argv);
        /* PID 1 must not exit: fall back to what the kernel would run. */
        perror("vmstamp: exec");
        execv("/sbin/init", argv);
        return 127;
}
