/* Tests for thread_start (B5): EAGAIN from pthread_create is retried
 * until a task is free, logged once; other outcomes return at once. Each
 * runs in a throw-away child whose user may own no more tasks
 * (RLIMIT_NPROC, enforced only for a user without CAP_SYS_RESOURCE). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/thread_start.h"
#include "test/unit/test.h"

static void *nothing(void *arg)
{
        return arg;
}

static int reap(pid_t pid)
{
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* In a child: no tasks for the user from now on. Exits 3 if it cannot. */
static void child_without_tasks(void)
{
        struct rlimit rl = { 0, 256 };
        if (setrlimit(RLIMIT_NPROC, &rl) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
                _exit(3);
}

static void raise_limit(int sig)
{
        struct rlimit rl = { 256, 256 };
        setrlimit(RLIMIT_NPROC, &rl); /* a plain system call: fine in a handler */
}

/* The limit is raised 300 ms in (by a timer, as an operator raising
 * pids.max would): the wait that started at the first EAGAIN ends then,
 * with one warning and one notice in the log, not one line per attempt. */
static void test_eagain_is_retried_until_a_task_is_free(void)
{
#if defined(__SANITIZE_THREAD__)
        return; /* TSan does not allow threads after a multi-threaded fork */
#endif
        if (geteuid() != 0)
                return;
        fflush(NULL);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
                char *buf = NULL;
                size_t len = 0;
                FILE *log = open_memstream(&buf, &len);
                pthread_t t;
                struct itimerval it = { .it_value = { .tv_usec = 300 * 1000 } };

                child_without_tasks();
                log_set_sink(log);
                signal(SIGALRM, raise_limit);
                if (setitimer(ITIMER_REAL, &it, NULL) < 0)
                        _exit(4);
                int r = thread_start(&t, NULL, nothing, NULL, "the test thread", THREAD_WAIT_FOREVER);
                if (r < 0)
                        _exit(5);
                pthread_join(t, NULL);
                fclose(log);
                unsigned lines = 0;
                for (size_t i = 0; i < len; i++)
                        lines += buf[i] == '\n';
                _exit(lines == 2 && strstr(buf, "cannot start the test thread") &&
                                      strstr(buf, "started the test thread after")
                              ? 0
                              : 6);
        }
        int code = reap(pid);
        if (code == 3)
                return; /* could not drop privileges here */
        CU_ASSERT_EQUAL(code, 0);
}

/* wait 0: one attempt, -EAGAIN, nothing logged (the caller says what it
 * does without the thread). */
static void test_no_wait_is_one_attempt(void)
{
#if defined(__SANITIZE_THREAD__)
        return;
#endif
        if (geteuid() != 0)
                return;
        fflush(NULL);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
                char *buf = NULL;
                size_t len = 0;
                FILE *log = open_memstream(&buf, &len);
                pthread_t t;

                child_without_tasks();
                log_set_sink(log);
                int r = thread_start(&t, NULL, nothing, NULL, "the test thread", 0);
                fclose(log);
                _exit(r == -EAGAIN && len == 0 ? 0 : 4);
        }
        int code = reap(pid);
        if (code == 3)
                return;
        CU_ASSERT_EQUAL(code, 0);
}

static const struct test_case tests[] = {
        { "eagain_is_retried_until_a_task_is_free", test_eagain_is_retried_until_a_task_is_free },
        { "no_wait_is_one_attempt", test_no_wait_is_one_attempt },
        { 0 },
};
TEST_SUITE("thread_start", tests);
