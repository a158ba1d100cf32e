/* Exercises core/pid1.c for test/integration/pid1-namespace.sh.
 *
 *   pid1probe namespace   must run as PID 1 of a private PID namespace
 *                         (unshare --pid --fork --mount-proc): checks the
 *                         PID-1 predicates and pid1_setup(), then the final
 *                         sweep with kill(-1), then pid1_finish(EXIT, 7).
 *   pid1probe subreaper   must NOT be PID 1: pid1_setup() makes it a
 *                         subreaper, the sweep signals only its own
 *                         children, then pid1_finish(EXIT, 5).
 *
 * Each refuses to run in the other's situation, so it can never signal a
 * process outside its namespace or its own children. Prints one line per
 * failed check; any failure exits 1 before pid1_finish. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include "core/pid1.h"

#define SWEEP_USEC 300000 /* how long SIGTERM gets; the ignorers outlast it */

static int failures;

#define CHECK(cond)                                                        \
        do {                                                               \
                if (!(cond)) {                                             \
                        fprintf(stderr, "pid1probe: FAILED: %s\n", #cond); \
                        failures++;                                        \
                }                                                          \
        } while (0)

/* In a child: become a process that waits for signals, ignoring SIGTERM
 * or not, after telling the parent (one byte on ready) it is set up. */
static _Noreturn void sleeper(int ready, bool ignore_term)
{
        sigset_t none;

        signal(SIGTERM, ignore_term ? SIG_IGN : SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (write(ready, "x", 1) != 1)
                _exit(99);
        close(ready);
        for (;;)
                pause();
}

/* Children: n_ignorers that ignore SIGTERM, one that dies of it, one that
 * exited already (a zombie), and an orphan ignoring SIGTERM whose parent
 * exited, so it was re-parented to us. Returns 0 once all are set up. */
static int start_children(int n_ignorers)
{
        int p[2], n_ready = 1 + n_ignorers + 1;
        pid_t pid, orphan_parent;
        char c;

        if (pipe(p) < 0)
                return -errno;
        for (int i = 0; i < n_ignorers + 1; i++) {
                pid = fork();
                if (pid < 0)
                        return -errno;
                if (pid == 0) {
                        close(p[0]);
                        sleeper(p[1], i < n_ignorers);
                }
        }
        orphan_parent = fork();
        if (orphan_parent < 0)
                return -errno;
        if (orphan_parent == 0) {
                close(p[0]);
                if (fork() == 0)
                        sleeper(p[1], true);
                _exit(0);
        }
        close(p[1]);
        for (int i = 0; i < n_ready; i++)
                if (read(p[0], &c, 1) != 1) {
                        close(p[0]);
                        return -EIO;
                }
        close(p[0]);
        /* Reap the orphan's parent ourselves, so the orphan is certainly
         * ours before the sweep, and leave one more zombie for it. */
        if (waitpid(orphan_parent, NULL, 0) != orphan_parent)
                return -errno;
        pid = fork();
        if (pid == 0)
                _exit(0);
        return pid < 0 ? -errno : 0;
}

static bool no_children_left(void)
{
        siginfo_t si;

        return waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 && errno == ECHILD;
}

static void block_sigchld(void)
{
        sigset_t set;

        /* As signal_block_handled() would: the sweep waits with sigtimedwait. */
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        sigprocmask(SIG_BLOCK, &set, NULL);
}

static int run_namespace(void)
{
        struct statfs sf;
        int r;

        if (getpid() != 1) {
                fprintf(stderr, "pid1probe: not PID 1, refusing (run under unshare --pid --fork)\n");
                return 2;
        }
        CHECK(pid1_is_pid1());
        CHECK(pid1_in_container());
        if (!pid1_in_container()) {
                fprintf(stderr, "pid1probe: not recognised as a container, refusing to sweep\n");
                return 1;
        }
        block_sigchld();
        CHECK(pid1_setup() == 0);
        CHECK(statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC);
        CHECK(statfs("/run", &sf) == 0 && sf.f_type == TMPFS_MAGIC);
        {
                struct stat st; /* sd_booted(3)'s test */
                CHECK(stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode));
        }

        r = start_children(3);
        CHECK(r == 0);
        if (r < 0)
                return 1;
        r = pid1_final_sweep(SWEEP_USEC);
        fprintf(stderr, "pid1probe: namespace sweep: %d needed SIGKILL\n", r);
        CHECK(r == 4); /* 3 ignorers + the orphan */
        CHECK(no_children_left());
        if (failures)
                return 1;
        pid1_finish(SHUTDOWN_EXIT, 7);
}

static int run_subreaper(void)
{
        int r;

        if (getpid() == 1) {
                fprintf(stderr, "pid1probe: PID 1, refusing the subreaper mode\n");
                return 2;
        }
        CHECK(!pid1_is_pid1());
        CHECK(!pid1_in_container());
        block_sigchld();
        CHECK(pid1_setup() == 0);
        {
                struct stat st; /* not PID 1: no sd_booted(3) */
                CHECK(stat("/run/systemd/system", &st) < 0);
        }
        {
                int on = 0;
                CHECK(prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) == 0 && on == 1);
        }
        r = start_children(2);
        CHECK(r == 0);
        if (r < 0)
                return 1;
        r = pid1_final_sweep(SWEEP_USEC);
        fprintf(stderr, "pid1probe: subreaper sweep: %d needed SIGKILL\n", r);
        CHECK(r == 3); /* 2 ignorers + the orphan */
        CHECK(no_children_left());
        if (failures)
                return 1;
        pid1_finish(SHUTDOWN_EXIT, 5);
}

int main(int argc, char **argv)
{
        if (argc == 2 && strcmp(argv[1], "namespace") == 0)
                return run_namespace();
        if (argc == 2 && strcmp(argv[1], "subreaper") == 0)
                return run_subreaper();
        fprintf(stderr, "usage: pid1probe namespace|subreaper\n");
        return 2;
}
