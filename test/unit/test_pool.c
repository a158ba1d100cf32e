/* Tests for the worker pool: every submitted request is reported exactly
 * once through the done callback, in order on one worker, and pool_stop
 * runs what is still queued. Every child is reaped here by its pid. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/strv.h"
#include "test/unit/test.h"
#include "workers/pool.h"

#define MAX_REQUESTS 200
#define WAIT_MS      10000

/* What the done callback saw; it runs on the worker threads. */
struct reports {
        pthread_mutex_t lock;
        unsigned calls[MAX_REQUESTS];
        pid_t pid[MAX_REQUESTS];
        int error[MAX_REQUESTS];
        uint64_t order[MAX_REQUESTS]; /* request ids in report order */
        unsigned n, bad_ids;
};

static void on_done(void *userdata, uint64_t id, pid_t pid, int error, uint64_t exec_usec)
{
        struct reports *rep = userdata;
        pthread_mutex_lock(&rep->lock);
        if (id < MAX_REQUESTS) {
                rep->calls[id]++;
                rep->pid[id] = pid;
                rep->error[id] = error;
                rep->order[rep->n++] = id;
        } else
                rep->bad_ids++;
        pthread_mutex_unlock(&rep->lock);
}

static struct reports *reports_new(void)
{
        struct reports *rep = calloc(1, sizeof *rep);
        CU_ASSERT_FATAL(rep != NULL);
        pthread_mutex_init(&rep->lock, NULL);
        return rep;
}

static void reports_free(struct reports *rep)
{
        pthread_mutex_destroy(&rep->lock);
        free(rep);
}

static struct spawn_request *request_new(uint64_t id, const char *path)
{
        struct spawn_request *r = calloc(1, sizeof *r);
        CU_ASSERT_FATAL(r != NULL);
        r->id = id;
        r->path = strdup(path);
        CU_ASSERT_FATAL(strv_extend(&r->argv, "prog") == 0);
        r->envp = calloc(1, sizeof(char *));
        r->fds = malloc(3 * sizeof(int));
        CU_ASSERT_FATAL(r->path && r->envp && r->fds);
        r->fds[0] = r->fds[1] = r->fds[2] = -1;
        r->n_fds = 3;
        r->umask = 022;
        return r;
}

/* Reap pid, waiting at most WAIT_MS before killing it. Returns its exit code. */
static int reap(pid_t pid)
{
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd >= 0) {
                struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
                if (poll(&pfd, 1, WAIT_MS) == 0)
                        kill(pid, SIGKILL);
                close(pidfd);
        }
        int status = 0;
        pid_t r;
        do
                r = waitpid(pid, &status, 0);
        while (r < 0 && errno == EINTR);
        CU_ASSERT_EQUAL(r, pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_all_requests_reported_exactly_once(void)
{
        struct reports *rep = reports_new();
        struct worker_pool *p = NULL;
        CU_ASSERT_FATAL(pool_start(4, 0, on_done, rep, &p) == 0);
        for (uint64_t id = 0; id < MAX_REQUESTS; id++)
                CU_ASSERT_EQUAL(pool_submit(p, request_new(id, "/bin/true")), 0);
        pool_stop(p);

        CU_ASSERT_EQUAL(rep->n, MAX_REQUESTS);
        CU_ASSERT_EQUAL(rep->bad_ids, 0);
        for (unsigned id = 0; id < MAX_REQUESTS; id++) {
                CU_ASSERT_EQUAL(rep->calls[id], 1);
                CU_ASSERT_EQUAL(rep->error[id], 0);
                CU_ASSERT(rep->pid[id] > 0);
                if (rep->pid[id] > 0) {
                        CU_ASSERT_EQUAL(reap(rep->pid[id]), 0);
                }
        }
        reports_free(rep);
}

static void test_stop_runs_queued_requests(void)
{
        struct reports *rep = reports_new();
        struct worker_pool *p = NULL;
        CU_ASSERT_FATAL(pool_start(1, 0, on_done, rep, &p) == 0);
        /* One worker cannot have run 50 spawns yet: most are still queued. */
        for (uint64_t id = 0; id < 50; id++)
                CU_ASSERT_EQUAL(pool_submit(p, request_new(id, "/bin/true")), 0);
        pool_stop(p);

        CU_ASSERT_EQUAL(rep->n, 50);
        for (unsigned id = 0; id < 50; id++) {
                CU_ASSERT_EQUAL(rep->calls[id], 1);
                if (rep->pid[id] > 0)
                        reap(rep->pid[id]);
        }
        reports_free(rep);
}

static void test_single_worker_runs_requests_in_order(void)
{
        struct reports *rep = reports_new();
        struct worker_pool *p = NULL;
        CU_ASSERT_FATAL(pool_start(1, 0, on_done, rep, &p) == 0);
        for (uint64_t id = 0; id < 20; id++)
                CU_ASSERT_EQUAL(pool_submit(p, request_new(id, "/bin/true")), 0);
        pool_stop(p);

        CU_ASSERT_EQUAL(rep->n, 20);
        for (unsigned i = 0; i < rep->n; i++) {
                CU_ASSERT_EQUAL(rep->order[i], i);
                if (rep->pid[rep->order[i]] > 0)
                        reap(rep->pid[rep->order[i]]);
        }
        reports_free(rep);
}

static void test_spawn_failure_is_reported_to_done(void)
{
        struct reports *rep = reports_new();
        struct worker_pool *p = NULL;
        CU_ASSERT_FATAL(pool_start(2, 0, on_done, rep, &p) == 0);
        CU_ASSERT_EQUAL(pool_submit(p, request_new(7, "/nonexistent/weft-test-program")), 0);
        pool_stop(p);

        CU_ASSERT_EQUAL(rep->calls[7], 1);
        CU_ASSERT_EQUAL(rep->error[7], -ENOENT);
        CU_ASSERT_FATAL(rep->pid[7] > 0);
        CU_ASSERT_EQUAL(reap(rep->pid[7]), 203);
        reports_free(rep);
}

static void test_zero_workers_is_rejected(void)
{
        struct reports *rep = reports_new();
        struct worker_pool *p = NULL;
        CU_ASSERT_EQUAL(pool_start(0, 0, on_done, rep, &p), -EINVAL);
        CU_ASSERT_PTR_NULL(p);
        reports_free(rep);
}

static void test_stop_of_idle_pool_returns(void)
{
        struct reports *rep = reports_new();
        struct worker_pool *p = NULL;
        CU_ASSERT_FATAL(pool_start(8, 0, on_done, rep, &p) == 0);
        pool_stop(p);
        CU_ASSERT_EQUAL(rep->n, 0);
        reports_free(rep);
}

/* In a throw-away process whose user may own only a few more tasks, so
 * that pthread_create fails after 0, 1, 2 and 3 workers in turn (B5): with
 * none, pool_start fails with -EAGAIN and leaves nothing; with k < 4 it
 * runs with k, and the pool works; then with all 4. */
static void test_pool_short_of_tasks_runs_with_the_workers_it_got(void)
{
#if defined(__SANITIZE_THREAD__)
        return; /* TSan does not allow threads after a multi-threaded fork */
#endif
        if (geteuid() != 0)
                return; /* needs root to switch to an unprivileged user */
        pid_t helper = fork();
        CU_ASSERT_FATAL(helper >= 0);
        if (helper == 0) {
                struct rlimit rl = { 0, 256 };
                if (setrlimit(RLIMIT_NPROC, &rl) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
                        _exit(3);
                bool partial = false;
                struct reports *rep = reports_new();
                for (rl.rlim_cur = 0; rl.rlim_cur < rl.rlim_max; rl.rlim_cur++) {
                        struct worker_pool *p = NULL;
                        if (setrlimit(RLIMIT_NPROC, &rl) < 0)
                                _exit(4);
                        int r = pool_start(4, 0, on_done, rep, &p);
                        if (r == -EAGAIN && !p)
                                continue;
                        if (r < 0)
                                _exit(5);
                        unsigned n = pool_n_workers(p);
                        pool_stop(p);
                        if (n < 1 || n > 4)
                                _exit(6);
                        if (n == 4)
                                _exit(partial ? 0 : 8);
                        partial = true;
                }
                _exit(7);
        }
        int code = reap(helper);
        if (code == 3)
                return; /* could not drop privileges here; nothing to test */
        CU_ASSERT_EQUAL(code, 0);
}

/* The first worker is waited for, up to the time given: with no task to
 * be had, pool_start gives up with -EAGAIN after that time, not before. */
static void test_first_worker_is_waited_for(void)
{
#if defined(__SANITIZE_THREAD__)
        return;
#endif
        if (geteuid() != 0)
                return;
        pid_t helper = fork();
        CU_ASSERT_FATAL(helper >= 0);
        if (helper == 0) {
                struct rlimit rl = { 0, 256 };
                struct timespec a, b;
                struct worker_pool *p = NULL;
                if (setrlimit(RLIMIT_NPROC, &rl) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
                        _exit(3);
                clock_gettime(CLOCK_MONOTONIC, &a);
                int r = pool_start(2, 200 * 1000, on_done, reports_new(), &p);
                clock_gettime(CLOCK_MONOTONIC, &b);
                long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
                _exit(r == -EAGAIN && !p && ms >= 200 && ms < 5000 ? 0 : 4);
        }
        int code = reap(helper);
        if (code == 3)
                return;
        CU_ASSERT_EQUAL(code, 0);
}

static const struct test_case tests[] = {
        { "all_requests_reported_exactly_once", test_all_requests_reported_exactly_once },
        { "stop_runs_queued_requests", test_stop_runs_queued_requests },
        { "single_worker_runs_requests_in_order", test_single_worker_runs_requests_in_order },
        { "spawn_failure_is_reported_to_done", test_spawn_failure_is_reported_to_done },
        { "zero_workers_is_rejected", test_zero_workers_is_rejected },
        { "stop_of_idle_pool_returns", test_stop_of_idle_pool_returns },
        { "pool_short_of_tasks_runs_with_the_workers_it_got", test_pool_short_of_tasks_runs_with_the_workers_it_got },
        { "first_worker_is_waited_for", test_first_worker_is_waited_for },
        { 0 },
};
TEST_SUITE("pool", tests);
