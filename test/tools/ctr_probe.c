/* The CMD and the helpers of test/integration/container-parity.sh, which
 * runs each case under tini and under `weft --`. libc only.
 *
 *   ctr_probe exit N            exit with status N
 *   ctr_probe die SIG           die of signal SIG (no core file)
 *   ctr_probe signals           send the init (our parent) each of the 7
 *                               signals tini forwards, wait for each to come
 *                               back, print the names that did
 *   ctr_probe flood N           send the init SIGUSR1 N times, each once the
 *                               previous one came back; print how many came
 *                               (a duplicate shows as more than N)
 *   ctr_probe orphans N         make N orphans (a child forks a grandchild
 *                               and exits), then print the zombies left in
 *                               the PID namespace once they should be reaped
 *   ctr_probe storm N           N orphans that are zombies already when they
 *                               are orphaned, 1000 at a time; prints as above
 *   ctr_probe ignore-term       ignore SIGTERM, send the init SIGTERM, sleep 30 s
 *   ctr_probe sleep MS          sleep
 *   ctr_probe holder CMD...     as PID 1 of a namespace: run CMD and wait for
 *                               it alone (orphans are never reaped here);
 *                               exit with its status, 128+N after signal N
 *   ctr_probe execterm pid1|plain MAXUS SECS CMD...
 *                               fork, exec CMD (as PID 1 of a new PID
 *                               namespace with pid1), SIGTERM it 0..MAXUS µs later;
 *                               print "STATUS MS" (its exit, how long it took),
 *                               or "hang" after SECS s (then it is killed) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
static volatile sig_atomic_t got[65];

static void on_signal(int sig)
{
        got[sig]++;
}

static long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* Wait up to ms for got[sig] to reach want. */
static int wait_for(int sig, int want, long ms)
{
        long end = now_ms() + ms;
        while (got[sig] < want && now_ms() < end)
                sleep_ms(1);
        return got[sig] >= want;
}

static void catch(int sig)
{
        struct sigaction sa = { .sa_handler = on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, NULL);
}

static int cmd_signals(void)
{
        for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
                catch(forwarded[i]);
        for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
                kill(getppid(), forwarded[i]);
                if (wait_for(forwarded[i], 1, 3000))
                        printf("%s ", sigabbrev_np(forwarded[i]));
        }
        sleep_ms(50); /* anything extra arrives now */
        for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
                if (got[forwarded[i]] > 1)
                        printf("dup-%s ", sigabbrev_np(forwarded[i]));
        printf("\n");
        return 0;
}

static int cmd_flood(int n)
{
        catch(SIGUSR1);
        for (int i = 1; i <= n; i++) {
                kill(getppid(), SIGUSR1);
                if (!wait_for(SIGUSR1, i, 3000))
                        break;
        }
        sleep_ms(100);
        printf("%d\n", (int) got[SIGUSR1]);
        return 0;
}

/* Zombies in our PID namespace (its /proc), waiting up to ms for none. */
static int zombies_left(long ms)
{
        long end = now_ms() + ms;
        int z;
        do {
                DIR *d = opendir("/proc");
                struct dirent *de;
                z = 0;
                while (d && (de = readdir(d))) {
                        char path[64], buf[512], *p;
                        if (de->d_name[0] < '0' || de->d_name[0] > '9')
                                continue;
                        snprintf(path, sizeof path, "/proc/%.20s/stat", de->d_name);
                        int fd = open(path, O_RDONLY);
                        if (fd < 0)
                                continue;
                        ssize_t k = read(fd, buf, sizeof buf - 1);
                        close(fd);
                        if (k <= 0)
                                continue;
                        buf[k] = 0;
                        p = strrchr(buf, ')');
                        if (p && p[1] == ' ' && p[2] == 'Z')
                                z++;
                }
                if (d)
                        closedir(d);
                if (z == 0)
                        break;
                sleep_ms(10);
        } while (now_ms() < end);
        return z;
}

static int cmd_orphans(int n)
{
        for (int i = 0; i < n; i++) {
                pid_t c = fork();
                if (c == 0) {
                        if (fork() == 0) {
                                sleep_ms(5);
                                _exit(0);
                        }
                        _exit(0);
                }
                if (c > 0)
                        waitpid(c, NULL, 0);
        }
        printf("zombies=%d\n", zombies_left(5000));
        return 0;
}

/* Children that exit at once and are never waited for: zombies, handed
 * to the init all at once when we exit. */
static __attribute__((noinline)) void zombie_batch(int k)
{
        for (volatile int i = 0; i < k; i++)
                if (vfork() == 0)
                        _exit(0);
        _exit(0);
}

static int cmd_storm(int n)
{
        for (int done = 0; done < n; done += 1000) {
                pid_t c = fork();
                if (c == 0)
                        zombie_batch(n - done < 1000 ? n - done : 1000);
                if (c > 0)
                        waitpid(c, NULL, 0);
        }
        printf("zombies=%d\n", zombies_left(10000));
        return 0;
}

static int cmd_holder(char **argv)
{
        int st;
        pid_t c = fork();
        if (c == 0) {
                execvp(argv[0], argv);
                _exit(127);
        }
        if (c < 0)
                return 1;
        while (waitpid(c, &st, 0) < 0)
                if (errno != EINTR)
                        return 1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int cmd_execterm(int pid1, long max_us, int secs, char **argv)
{
        int st;
        if (pid1 && unshare(CLONE_NEWPID) < 0) {
                perror("unshare");
                return 1;
        }
        long start = now_ms();
        pid_t c = fork();
        if (c == 0) {
                execvp(argv[0], argv);
                _exit(127);
        }
        if (c < 0)
                return 1;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        long us = max_us > 0 ? (ts.tv_nsec / 1000) % (max_us + 1) : 0;
        if (us)
                usleep((useconds_t) us);
        kill(c, SIGTERM);
        for (;;) {
                pid_t r = waitpid(c, &st, WNOHANG);
                if (r == c)
                        break;
                if (now_ms() - start > secs * 1000L) {
                        kill(c, SIGKILL);
                        waitpid(c, &st, 0);
                        printf("hang\n");
                        return 0;
                }
                sleep_ms(1);
        }
        printf("%d %ld\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), now_ms() - start);
        return 0;
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IONBF, 0);
        if (argc < 2)
                return 2;
        const char *c = argv[1];
        if (!strcmp(c, "exit") && argc > 2)
                return atoi(argv[2]);
        if (!strcmp(c, "die") && argc > 2) {
                struct rlimit no_core = { 0, 0 };
                int sig = atoi(argv[2]);
                setrlimit(RLIMIT_CORE, &no_core);
                signal(sig, SIG_DFL);
                sigset_t s;
                sigemptyset(&s);
                sigaddset(&s, sig);
                sigprocmask(SIG_UNBLOCK, &s, NULL);
                raise(sig);
                return 99;
        }
        if (!strcmp(c, "signals"))
                return cmd_signals();
        if (!strcmp(c, "flood") && argc > 2)
                return cmd_flood(atoi(argv[2]));
        if (!strcmp(c, "orphans") && argc > 2)
                return cmd_orphans(atoi(argv[2]));
        if (!strcmp(c, "storm") && argc > 2)
                return cmd_storm(atoi(argv[2]));
        if (!strcmp(c, "ignore-term")) {
                signal(SIGTERM, SIG_IGN);
                kill(getppid(), SIGTERM);
                sleep_ms(30000);
                return 0;
        }
        if (!strcmp(c, "sleep") && argc > 2) {
                sleep_ms(atol(argv[2]));
                return 0;
        }
        if (!strcmp(c, "holder") && argc > 2)
                return cmd_holder(argv + 2);
        if (!strcmp(c, "execterm") && argc > 5)
                return cmd_execterm(!strcmp(argv[2], "pid1"), atol(argv[3]), atoi(argv[4]), argv + 5);
        return 2;
}
