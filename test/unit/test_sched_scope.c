/* Scopes given processes (StartTransientUnit's PIDs), against the fake
 * world with real processes, whose pidfds the scope watches: it runs while
 * one lives and is dead once the last exited; a stop sends KillSignal=,
 * SIGHUP with SendSIGHUP=yes and SIGCONT, then SIGKILL after
 * TimeoutStopSec=; unit-of-pid finds the
 * scope of its processes; PIDs that are not there, PID 1 and PIDs for a
 * unit that is no scope are refused; a daemon-reload watches again. */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/control.h"
#include "core/sched_internal.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

/* start UNIT as StartTransientUnit asks it, with these processes. */
static void start_with_pids(const char *unit, pid_t *pids, size_t n)
{
        char *units[] = { (char *) unit, NULL };
        struct control_request q = { .version = 1, .verb = (char *) "start", .units = units };
        q.pids = calloc(n, sizeof *q.pids);
        memcpy(q.pids, pids, n * sizeof *pids);
        q.n_pids = n;
        F.now++;
        control_handle(F.s, 1, 0, &q);
        free(q.pids);
}

static const char *dir;

static void setup(void)
{
        const char *d = dir = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDescription=nothing\n");
        test_write_file(d, "s.scope", "[Unit]\nDescription=a scope\nDefaultDependencies=no\n");
        test_write_file(d, "k.scope",
                        "[Unit]\nDefaultDependencies=no\n[Scope]\nSendSIGHUP=yes\nKillSignal=SIGINT\nTimeoutStopSec=5\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 5001\n");
        fake_setup(d, "t.target");
}

static void test_scope_runs_until_its_last_process_exits(void)
{
        setup();
        pid_t p[2] = { fake_spawn_sleeper(), fake_spawn_sleeper() };
        int watches = F.n_watches;
        start_with_pids("s.scope", p, 2);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("s.scope"), "active");
        CU_ASSERT_EQUAL(F.n_watches, watches + 2);
        int fd0 = F.watches[watches].fd, fd1 = F.watches[watches + 1].fd;
        fake_reap(p[0]);
        CU_ASSERT_TRUE(fake_fd_ready(fd0));
        CU_ASSERT_STRING_EQUAL(fake_state("s.scope"), "active");
        fake_reap(p[1]);
        CU_ASSERT_TRUE(fake_fd_ready(fd1));
        CU_ASSERT_STRING_EQUAL(fake_state("s.scope"), "inactive");
        fake_teardown();
}

/* A stop: KillSignal= (SIGTERM by default), SIGHUP with SendSIGHUP=yes
 * (logind's for a session, whose shell ignores SIGTERM), SIGCONT, then
 * SIGKILL after TimeoutStopSec=. */
static void test_scope_stop_terminates_then_kills(void)
{
        setup();
        pid_t p = fake_spawn_sleeper(), q = fake_spawn_sleeper();
        int watches = F.n_watches;
        start_with_pids("s.scope", &p, 1);
        start_with_pids("k.scope", &q, 1);
        int fd = F.watches[watches].fd;
        fake_control("stop", "s.scope");
        CU_ASSERT_TRUE(fake_killed(p, SIGTERM));
        CU_ASSERT_TRUE(fake_killed(p, SIGCONT));
        CU_ASSERT_FALSE(fake_killed(p, SIGHUP));
        fake_reap(p);
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_STRING_EQUAL(fake_state("s.scope"), "inactive");
        p = q;
        fd = F.watches[F.n_watches - 1].fd;
        fake_control("stop", "k.scope");
        CU_ASSERT_TRUE(fake_killed(p, SIGINT));
        CU_ASSERT_TRUE(fake_killed(p, SIGHUP));
        CU_ASSERT_TRUE(fake_killed(p, SIGCONT));
        CU_ASSERT_FALSE(fake_killed(p, SIGTERM));
        CU_ASSERT_STRING_EQUAL(fake_state("k.scope"), "deactivating");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 1);
        fake_advance(4 * 1000000ULL);
        CU_ASSERT_FALSE(fake_killed(p, SIGKILL));
        fake_advance(2 * 1000000ULL);
        CU_ASSERT_TRUE(fake_killed(p, SIGKILL));
        fake_reap(p);
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_STRING_EQUAL(fake_state("k.scope"), "inactive");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_teardown();
}

static void test_unit_of_pid_finds_the_scope(void)
{
        setup();
        pid_t p = fake_spawn_sleeper();
        start_with_pids("s.scope", &p, 1);
        char pid[16];
        snprintf(pid, sizeof pid, "%d", (int) p);
        /* The process, its group and session (its parent's), no ancestors. */
        char *units[] = { pid, (char *) "1", (char *) "1", NULL };
        struct control_request q = { .version = 1, .verb = (char *) "unit-of-pid", .units = units };
        F.last_text[0] = '\0';
        control_handle(F.s, 1, 0, &q);
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_reap(p);
        fake_teardown();
}

static void test_refused_pids(void)
{
        setup();
        pid_t gone = fake_spawn_sleeper();
        fake_reap(gone);
        start_with_pids("s.scope", &gone, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Failed to add PIDs to s.scope: a process does not exist.");
        CU_ASSERT_STRING_EQUAL(fake_state("s.scope"), "inactive");
        pid_t one = 1;
        start_with_pids("s.scope", &one, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Failed to add PIDs to s.scope.");
        pid_t p = fake_spawn_sleeper();
        start_with_pids("a.service", &p, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Failed to add PIDs to a.service.");
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        fake_reap(p);
        fake_teardown();
}

static void test_daemon_reload_watches_the_processes_again(void)
{
        setup();
        pid_t p = fake_spawn_sleeper();
        start_with_pids("s.scope", &p, 1);
        int fd = F.watches[F.n_watches - 1].fd;
        uint64_t cookie = F.watches[F.n_watches - 1].cookie;
        /* A new unit taken in first moves s.scope to a new index. */
        test_write_file(dir, "a.target", "[Unit]\nDescription=first\n");
        fake_reload(dir, "a.target");
        CU_ASSERT_STRING_EQUAL(fake_state("s.scope"), "active");
        CU_ASSERT_TRUE(fake_watched(fd));
        CU_ASSERT_NOT_EQUAL(F.watches[F.n_watches - 1].cookie, cookie); /* watched again, under its new index */
        fake_reap(p);
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_STRING_EQUAL(fake_state("s.scope"), "inactive");
        fake_teardown();
}

/* Its start waits for an After= unit's job; its process exits meanwhile:
 * the start fails and the scope stays down, the client is answered. */
static void test_processes_gone_before_the_start_fail_it(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDescription=nothing\n");
        test_write_file(d, "slow.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo 5101\n");
        test_write_file(d, "w.scope", "[Unit]\nDefaultDependencies=no\nWants=slow.service\nAfter=slow.service\n");
        fake_setup(d, "t.target");
        pid_t p = fake_spawn_sleeper();
        int watches = F.n_watches;
        start_with_pids("w.scope", &p, 1);
        CU_ASSERT_STRING_EQUAL(fake_state("w.scope"), "inactive");
        CU_ASSERT_EQUAL(F.replies, 0);
        fake_reap(p);
        CU_ASSERT_TRUE(fake_fd_ready(F.watches[watches].fd));
        fake_run_to_exit("5101", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("w.scope"), "inactive");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "processes_gone_before_the_start_fail_it", test_processes_gone_before_the_start_fail_it },
        { "scope_runs_until_its_last_process_exits", test_scope_runs_until_its_last_process_exits },
        { "scope_stop_terminates_then_kills", test_scope_stop_terminates_then_kills },
        { "unit_of_pid_finds_the_scope", test_unit_of_pid_finds_the_scope },
        { "refused_pids", test_refused_pids },
        { "daemon_reload_watches_the_processes_again", test_daemon_reload_watches_the_processes_again },
        { 0 },
};
TEST_SUITE("sched_scope", tests);
