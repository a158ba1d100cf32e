/* Tests for the signal thread: reaping into EVENT_EXITED, the signal to
 * event mapping, and a clean stop. The CUnit runner runs every suite in one
 * process, so each test restores the signal mask and SIGPIPE's disposition
 * it found, drains what it left pending, and joins its thread. Events for
 * pids a test did not fork (zombies of other suites) are skipped. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/event_queue.h"
#include "core/signal_thread.h"
#include "test/unit/test.h"

#define WAIT_USEC (30 * 1000000ULL) /* only reached when something is broken */

struct fixture {
        sigset_t old_mask;
        struct sigaction old_sigpipe;
        struct event_queue q;
        struct signal_thread *t;
};

static void fixture_block(struct fixture *f)
{
        CU_ASSERT_FATAL(pthread_sigmask(SIG_BLOCK, NULL, &f->old_mask) == 0);
        CU_ASSERT_FATAL(sigaction(SIGPIPE, NULL, &f->old_sigpipe) == 0);
        CU_ASSERT_FATAL(signal_block_handled() == 0);
}

static void fixture_start(struct fixture *f)
{
        fixture_block(f);
        CU_ASSERT_FATAL(event_queue_init(&f->q) == 0);
        CU_ASSERT_FATAL(signal_thread_start(&f->q, &f->t) == 0);
}

static void fixture_restore(struct fixture *f)
{
        struct timespec zero = { 0 };
        sigset_t set;

        /* Unblocking a pending SIGHUP or SIGTERM would kill the runner. */
        signal_thread_sigset(&set);
        while (sigtimedwait(&set, NULL, &zero) > 0)
                ;
        pthread_sigmask(SIG_SETMASK, &f->old_mask, NULL);
        sigaction(SIGPIPE, &f->old_sigpipe, NULL);
}

/* Stop and join the thread and restore the mask; what the thread posted
 * stays in f->q for the test to inspect, then event_queue_destroy(). */
static void fixture_stop(struct fixture *f)
{
        signal_thread_stop(f->t);
        f->t = NULL;
        fixture_restore(f);
}

/* The next event of one of the given types, skipping exits of pids we did
 * not fork. false when none came in WAIT_USEC. */
static bool next_event(struct fixture *f, enum event_type type, struct event *ret)
{
        uint64_t deadline = now_usec() + WAIT_USEC;
        struct event ev;

        while (event_queue_pop(&f->q, deadline, &ev) == 1)
                if (ev.type == type) {
                        *ret = ev;
                        return true;
                }
        return false;
}

static pid_t fork_exiting(int status)
{
        pid_t pid = fork();

        if (pid == 0)
                _exit(status);
        CU_ASSERT_FATAL(pid > 0);
        return pid;
}

/* The process's threads (their tids), at most max of them. */
static int list_tids(pid_t *tids, int max)
{
        DIR *d = opendir("/proc/self/task");
        struct dirent *de;
        int n = 0;

        if (!d)
                return -errno;
        while ((de = readdir(d)) && n < max)
                if (de->d_name[0] != '.')
                        tids[n++] = (pid_t) atoi(de->d_name);
        closedir(d);
        return n;
}

/* The one thread in now[] that was not in before[], or -1 when there is
 * not exactly one. Threads of earlier tests may still be leaving (see
 * task_gone), so counts alone would not say which is the new one. */
static pid_t new_tid(const pid_t *before, int nb, const pid_t *now, int nn)
{
        pid_t found = -1;
        int fresh = 0;

        for (int i = 0; i < nn; i++) {
                bool old = false;
                for (int j = 0; j < nb && !old; j++)
                        old = now[i] == before[j];
                if (!old) {
                        found = now[i];
                        fresh++;
                }
        }
        return fresh == 1 ? found : -1;
}

/* Whether thread tid has left /proc/self/task, waiting up to 1 s:
 * pthread_join() returns when the kernel clears the thread's tid, a
 * moment before the task leaves the directory. */
static bool task_gone(pid_t tid)
{
        struct timespec ms = { .tv_sec = 0, .tv_nsec = 1000000 };
        char path[64];

        snprintf(path, sizeof path, "/proc/self/task/%d", (int) tid);
        for (int i = 0; i < 1000; i++) {
                if (access(path, F_OK) < 0 && errno == ENOENT)
                        return true;
                nanosleep(&ms, NULL);
        }
        return false;
}

static void test_child_exit_posts_one_exited_event(void)
{
        struct fixture f;
        struct event ev;
        pid_t pid;
        int seen = 0;

        fixture_start(&f);
        pid = fork_exiting(3);
        while (next_event(&f, EVENT_EXITED, &ev))
                if (ev.exited.pid == pid) {
                        seen++;
                        CU_ASSERT_EQUAL(ev.exited.code, CLD_EXITED);
                        CU_ASSERT_EQUAL(ev.exited.status, 3);
                        CU_ASSERT(ev.stamp_usec > 0);
                        break;
                }
        fixture_stop(&f);
        /* Everything the thread posted is in the queue now: no second one. */
        while (event_queue_pop(&f.q, 0, &ev) == 1)
                if (ev.type == EVENT_EXITED && ev.exited.pid == pid)
                        seen++;
        CU_ASSERT_EQUAL(seen, 1);
        event_queue_destroy(&f.q);
}

#define N_CHILDREN 50

static void test_fifty_children_post_fifty_events(void)
{
        struct fixture f;
        struct event ev;
        pid_t pids[N_CHILDREN];
        bool seen[N_CHILDREN] = { false };
        int n_seen = 0;

        fixture_start(&f);
        /* Their SIGCHLDs coalesce: the thread must drain, not count signals. */
        for (int i = 0; i < N_CHILDREN; i++)
                pids[i] = fork_exiting(i);
        while (n_seen < N_CHILDREN && next_event(&f, EVENT_EXITED, &ev))
                for (int i = 0; i < N_CHILDREN; i++)
                        if (ev.exited.pid == pids[i]) {
                                CU_ASSERT_FALSE(seen[i]);
                                CU_ASSERT_EQUAL(ev.exited.code, CLD_EXITED);
                                CU_ASSERT_EQUAL(ev.exited.status, i);
                                if (!seen[i])
                                        n_seen++;
                                seen[i] = true;
                        }
        CU_ASSERT_EQUAL(n_seen, N_CHILDREN);
        fixture_stop(&f);
        event_queue_destroy(&f.q);
}

static void test_killed_child_reports_signal(void)
{
        struct fixture f;
        struct event ev;
        pid_t pid;
        bool found = false;

        fixture_start(&f);
        pid = fork();
        if (pid == 0) {
                for (;;)
                        pause();
        }
        CU_ASSERT_FATAL(pid > 0);
        CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
        while (!found && next_event(&f, EVENT_EXITED, &ev))
                if (ev.exited.pid == pid) {
                        found = true;
                        CU_ASSERT_EQUAL(ev.exited.code, CLD_KILLED);
                        CU_ASSERT_EQUAL(ev.exited.status, SIGKILL);
                }
        CU_ASSERT(found);
        fixture_stop(&f);
        event_queue_destroy(&f.q);
}

static void test_sighup_posts_reload(void)
{
        struct fixture f;
        struct event ev;

        fixture_start(&f);
        CU_ASSERT_EQUAL(kill(getpid(), SIGHUP), 0);
        CU_ASSERT(next_event(&f, EVENT_RELOAD, &ev));
        fixture_stop(&f);
        event_queue_destroy(&f.q);
}

static void test_shutdown_signals_map_to_kinds(void)
{
        const struct {
                int sig;
                enum shutdown_kind kind;
                bool immediate;
        } cases[] = {
                /* The runner is not the PID 1 of a VM: SIGTERM means exit. */
                { SIGTERM, SHUTDOWN_EXIT, false },
                { SIGINT, SHUTDOWN_REBOOT, false },
                { SIGRTMIN + 3, SHUTDOWN_HALT, false },
                { SIGRTMIN + 4, SHUTDOWN_POWEROFF, false },
                { SIGRTMIN + 5, SHUTDOWN_REBOOT, false },
                { SIGRTMIN + 13, SHUTDOWN_HALT, true },
                { SIGRTMIN + 14, SHUTDOWN_POWEROFF, true },
                { SIGRTMIN + 15, SHUTDOWN_REBOOT, true },
        };
        struct fixture f;

        fixture_start(&f);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct event ev;

                CU_ASSERT_EQUAL(kill(getpid(), cases[i].sig), 0);
                if (!next_event(&f, EVENT_SHUTDOWN, &ev)) {
                        CU_FAIL("no EVENT_SHUTDOWN");
                        break;
                }
                CU_ASSERT_EQUAL(ev.shutdown.signal, cases[i].sig);
                CU_ASSERT_EQUAL(ev.shutdown.kind, cases[i].kind);
                CU_ASSERT_EQUAL(ev.shutdown.exit_code, 0);
                CU_ASSERT_EQUAL(signal_shutdown_is_immediate(ev.shutdown.signal), cases[i].immediate);
        }
        fixture_stop(&f);
        event_queue_destroy(&f.q);
}

static void test_stop_joins_and_leaves_nothing_pending(void)
{
        struct fixture f;
        sigset_t handled, pending;
        pid_t before[256], now[256], tid;
        int nb = list_tids(before, 256);

        fixture_start(&f);
        tid = new_tid(before, nb, now, list_tids(now, 256));
        CU_ASSERT(tid > 0);
        signal_thread_stop(f.t);
        f.t = NULL;
        CU_ASSERT(tid > 0 && task_gone(tid));
        signal_thread_sigset(&handled);
        CU_ASSERT_EQUAL(sigpending(&pending), 0);
        for (int sig = 1; sig < NSIG; sig++)
                if (sigismember(&handled, sig) == 1)
                        CU_ASSERT_FALSE(sigismember(&pending, sig) == 1);
        fixture_restore(&f);
        event_queue_destroy(&f.q);
}

static void test_start_refuses_unblocked_signals(void)
{
        struct event_queue q;
        struct signal_thread *t = NULL;
        sigset_t handled, old;

        signal_thread_sigset(&handled);
        CU_ASSERT_FATAL(pthread_sigmask(SIG_UNBLOCK, &handled, &old) == 0);
        CU_ASSERT_FATAL(event_queue_init(&q) == 0);
        CU_ASSERT_EQUAL(signal_thread_start(&q, &t), -EINVAL);
        CU_ASSERT_PTR_NULL(t);
        event_queue_destroy(&q);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Until pid has exited, without reaping it. */
static void wait_exited(pid_t pid)
{
        siginfo_t si = { 0 };
        CU_ASSERT_EQUAL(waitid(P_PID, (id_t) pid, &si, WEXITED | WNOWAIT), 0);
}

/* Past every signal raised before now: SIGRTMIN+3, raised last, is taken
 * after any lower signal pending (a SIGCHLD), and posts EVENT_SHUTDOWN. */
static void wait_signals_handled(struct fixture *f)
{
        struct event ev;
        CU_ASSERT_EQUAL(kill(getpid(), SIGRTMIN + 3), 0);
        CU_ASSERT(next_event(f, EVENT_SHUTDOWN, &ev));
}

/* Held, the thread reaps nothing: a daemon-reload's generators keep
 * their exit status for their own waitid. Let go, it reaps what exited
 * meanwhile, with no SIGCHLD of its own. */
static void test_held_reaping_leaves_the_status_to_the_parent(void)
{
        struct fixture f;
        struct event ev;
        siginfo_t si = { 0 };

        fixture_start(&f);
        signal_thread_hold_reaping(f.t, true);
        pid_t own = fork_exiting(5);
        wait_exited(own);
        wait_signals_handled(&f);
        CU_ASSERT_EQUAL(waitid(P_PID, (id_t) own, &si, WEXITED), 0);
        CU_ASSERT_EQUAL(si.si_status, 5);

        pid_t later = fork_exiting(6);
        wait_exited(later);
        wait_signals_handled(&f);
        signal_thread_hold_reaping(f.t, false);
        bool seen = false;
        while (!seen && next_event(&f, EVENT_EXITED, &ev))
                seen = ev.exited.pid == later && ev.exited.status == 6;
        CU_ASSERT(seen);
        fixture_stop(&f);
        event_queue_destroy(&f.q);
}

static const struct test_case tests[] = {
        { "child_exit_posts_one_exited_event", test_child_exit_posts_one_exited_event },
        { "fifty_children_post_fifty_events", test_fifty_children_post_fifty_events },
        { "killed_child_reports_signal", test_killed_child_reports_signal },
        { "sighup_posts_reload", test_sighup_posts_reload },
        { "shutdown_signals_map_to_kinds", test_shutdown_signals_map_to_kinds },
        { "stop_joins_and_leaves_nothing_pending", test_stop_joins_and_leaves_nothing_pending },
        { "start_refuses_unblocked_signals", test_start_refuses_unblocked_signals },
        { "held_reaping_leaves_the_status_to_the_parent", test_held_reaping_leaves_the_status_to_the_parent },
        { 0 },
};
TEST_SUITE("signal_thread", tests);
