/* The scheduler and the sd_notify protocol and socket activation, against
 * the fake world of sched_fake.h: READY=1 readiness, NotifyAccess=, early
 * messages, EXTEND_TIMEOUT_USEC=, the watchdog, the fd store, and a socket
 * unit starting its service with LISTEN_FDS. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/strv.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define NOTIFY(extra) "[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\nExecStart=/bin/sleep 77\n" extra

static bool env_has(int spawn, const char *entry)
{
        return strv_contains(F.spawns[spawn]->envp, entry);
}

static void test_notify_service_is_active_at_ready(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", NOTIFY(""));
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\nAfter=a.service\n[Service]\nType=oneshot\n"
                                        "ExecStart=/bin/echo B\n");
        fake_setup_with(d, "t.target", NULL, "/run/weft/notify");
        int i = fake_find_spawn("77");
        CU_ASSERT_TRUE(env_has(i, "NOTIFY_SOCKET=/run/weft/notify"));
        pid_t a = fake_report(i);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        CU_ASSERT_EQUAL(fake_find_spawn("B"), -1);
        fake_notify(a, "READY=1\nSTATUS=serving", NULL, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT(fake_find_spawn("B") >= 0);
        fake_teardown();
}

static void test_notify_access_main_refuses_other_pids(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY(""));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        fake_notify(a + 500, "READY=1", NULL, 0); /* a pid of no unit */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        fake_notify(a, "READY=1", NULL, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_teardown();
}

static void test_ready_before_spawn_report_is_not_lost(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY(""));
        fake_setup(d, "t.target");
        /* The io thread delivers READY=1 before the worker's report. */
        fake_notify(F.next_pid, "READY=1", NULL, 0);
        fake_report(fake_find_spawn("77"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_teardown();
}

static void test_extend_timeout_postpones_the_start_timeout(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY("TimeoutStartSec=2s\n"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        fake_advance(1500000);
        fake_notify(a, "EXTEND_TIMEOUT_USEC=3000000", NULL, 0);
        fake_advance(1000000); /* past the original 2 s */
        CU_ASSERT_FALSE(fake_killed(-a, SIGTERM));
        fake_advance(2100000);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "timeout");
        fake_teardown();
}

static void test_watchdog_without_pings_fails_the_service(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY("WatchdogSec=1s\n"));
        fake_setup(d, "t.target");
        int i = fake_find_spawn("77");
        CU_ASSERT_TRUE(env_has(i, "WATCHDOG_USEC=1000000"));
        pid_t a = fake_report(i);
        fake_notify(a, "READY=1", NULL, 0);
        fake_advance(800000);
        fake_notify(a, "WATCHDOG=1", NULL, 0); /* a ping pushes the deadline */
        fake_advance(800000);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_advance(300000);
        CU_ASSERT_TRUE(fake_killed(a, SIGABRT));
        fake_exit(a, CLD_DUMPED, SIGABRT);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "watchdog");
        fake_teardown();
}

static void test_fd_store_survives_a_restart_and_comes_back_named(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY("FileDescriptorStoreMax=4\nRestart=on-failure\nRestartSec=1s\n"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        fake_notify(a, "READY=1", NULL, 0);
        int p[2];
        CU_ASSERT_FATAL(pipe(p) == 0);
        fake_notify(a, "FDSTORE=1\nFDNAME=state", &p[0], 1);
        fake_exit(a, CLD_EXITED, 1);
        fake_advance(1000000);
        int i = fake_find_spawn("77");
        CU_ASSERT_EQUAL(fake_count_spawns("77"), 2);
        CU_ASSERT_TRUE(env_has(i, "LISTEN_FDS=1"));
        CU_ASSERT_TRUE(env_has(i, "LISTEN_FDNAMES=state"));
        CU_ASSERT_EQUAL(F.spawns[i]->n_fds, 4u);
        close(p[1]);
        fake_teardown();
}

static void test_socket_starts_its_service_on_traffic(void)
{
        const char *d = test_tmpdir();
        char unit[512];
        snprintf(unit, sizeof unit, "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s/s.sock\n", d);
        test_write_file(d, "t.target", "[Unit]\nWants=s.socket\n");
        test_write_file(d, "s.socket", unit);
        test_write_file(d, "s.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 88\n");
        fake_setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL(fake_state("s.socket"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("s.service"), "inactive");
        CU_ASSERT_EQUAL(F.n_watches, 1);
        int fd = F.watches[0].fd;
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        int i = fake_find_spawn("88");
        CU_ASSERT_FATAL(i >= 0);
        CU_ASSERT_TRUE(env_has(i, "LISTEN_FDS=1"));
        CU_ASSERT_TRUE(env_has(i, "LISTEN_FDNAMES=s.socket"));
        struct stat a, b;
        CU_ASSERT_FATAL(fstat(fd, &a) == 0 && fstat(F.spawns[i]->fds[3], &b) == 0);
        CU_ASSERT_EQUAL(a.st_ino, b.st_ino); /* fd 3 is the listening socket */
        pid_t pid = fake_report(i);
        CU_ASSERT_FALSE(fake_watched(fd)); /* the service has it now */
        fake_exit(pid, CLD_EXITED, 0);
        CU_ASSERT_TRUE(fake_watched(fd)); /* listening for the next trigger */
        fake_teardown();
}

static const struct test_case tests[] = {
        { "notify_service_is_active_at_ready", test_notify_service_is_active_at_ready },
        { "notify_access_main_refuses_other_pids", test_notify_access_main_refuses_other_pids },
        { "ready_before_spawn_report_is_not_lost", test_ready_before_spawn_report_is_not_lost },
        { "extend_timeout_postpones_the_start_timeout", test_extend_timeout_postpones_the_start_timeout },
        { "watchdog_without_pings_fails_the_service", test_watchdog_without_pings_fails_the_service },
        { "fd_store_survives_a_restart_and_comes_back_named", test_fd_store_survives_a_restart_and_comes_back_named },
        { "socket_starts_its_service_on_traffic", test_socket_starts_its_service_on_traffic },
        { 0 },
};
TEST_SUITE("sched_notify", tests);
