/* The scheduler and the sd_notify protocol and socket activation, against
 * the fake world of sched_fake.h: READY=1 readiness, NotifyAccess=, early
 * messages, EXTEND_TIMEOUT_USEC=, the watchdog, the fd store, and a socket
 * unit starting its service with LISTEN_FDS; and what a hostile sender
 * must not get: a MAINPID= outside its unit, fds parked in weft. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/strv.h"
#include "core/sched_internal.h"
#include "parse/load.h"
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

/* ---- MAINPID= from a hostile sender (issue 8, B2) ---------------------- */

#define NOBODY 65534

/* A real "main process" M in its own session (as weft's children are)
 * with a child, which leaves for a session of its own if told to.
 * Returns M; *ret_child is the child, which M waits for. */
static pid_t spawn_main_with_child(bool child_setsid, pid_t *ret_child)
{
        int p[2];
        CU_ASSERT_FATAL(pipe(p) == 0);
        pid_t m = fork();
        CU_ASSERT_FATAL(m >= 0);
        if (m == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                setsid();
                pid_t c = fork();
                if (c == 0) {
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        if (child_setsid)
                                setsid();
                        pid_t self = getpid();
                        (void) !write(p[1], &self, sizeof self);
                        pause();
                        _exit(0);
                }
                waitpid(c, NULL, 0);
                _exit(0);
        }
        close(p[1]);
        CU_ASSERT_FATAL(read(p[0], ret_child, sizeof *ret_child) == (ssize_t) sizeof *ret_child);
        close(p[0]);
        return m;
}

/* a.service is up with main pid a (fake); returns a. */
static pid_t start_a(const char *d, const char *extra)
{
        char unit[256];
        snprintf(unit, sizeof unit, NOTIFY("%s"), extra);
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", unit);
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        fake_notify(a, "READY=1", NULL, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        return a;
}

static void notify_mainpid(pid_t from, pid_t pid)
{
        char text[64];
        snprintf(text, sizeof text, "MAINPID=%d", (int) pid);
        fake_notify(from, text, NULL, 0);
}

static void test_mainpid_of_a_process_of_no_unit_is_refused_from_a_non_root_sender(void)
{
        pid_t victim = fake_spawn_sleeper();
        pid_t a = start_a(test_tmpdir(), "");
        F.notify_uid = NOBODY;
        notify_mainpid(a, victim);
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), a);
        fake_notify(a, "WATCHDOG=trigger", NULL, 0);
        CU_ASSERT_FALSE(fake_killed(victim, SIGABRT));
        CU_ASSERT_TRUE(fake_killed(a, SIGABRT)); /* the trigger hits the unit's own process */
        fake_teardown();
        fake_reap(victim);
}

static void *idle_thread(void *arg)
{
        atomic_store((_Atomic pid_t *) arg, gettid());
        pause();
        return NULL;
}

static void test_mainpid_of_pid1_the_manager_or_its_thread_is_refused_even_from_root(void)
{
        pthread_t th;
        _Atomic pid_t tid = 0;
        CU_ASSERT_FATAL(pthread_create(&th, NULL, idle_thread, (void *) &tid) == 0);
        while (atomic_load(&tid) == 0)
                sched_yield();
        pid_t a = start_a(test_tmpdir(), "");
        F.notify_uid = 0;
        pid_t bad[] = { 1, getpid(), tid };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                notify_mainpid(a, bad[i]);
                CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), a);
        }
        fake_notify(a, "WATCHDOG=trigger", NULL, 0);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                CU_ASSERT_FALSE(fake_killed(bad[i], SIGABRT));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "deactivating");
        fake_teardown();
        pthread_cancel(th);
        pthread_join(th, NULL);
}

static void test_mainpid_of_another_units_process_is_refused_even_from_root(void)
{
        const char *d = test_tmpdir();
        pid_t real = fake_spawn_sleeper();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", NOTIFY(""));
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 55\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        F.next_pid = real; /* b's main process is a real one, so it exists */
        pid_t b = fake_report(fake_find_spawn("55"));
        fake_notify(a, "READY=1", NULL, 0);
        F.notify_uid = 0;
        notify_mainpid(a, b);
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), a);
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "b.service"), b);
        fake_notify(a, "WATCHDOG=trigger", NULL, 0);
        CU_ASSERT_FALSE(fake_killed(b, SIGABRT));
        CU_ASSERT_FALSE(fake_killed(-b, SIGTERM));
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "active");
        /* b's exit is still b's. */
        fake_exit(b, CLD_EXITED, 3);
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "failed");
        fake_teardown();
        fake_reap(real);
}

static void test_mainpid_of_a_child_in_the_units_process_group_is_accepted(void)
{
        pid_t child;
        pid_t m = spawn_main_with_child(false, &child);
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY(""));
        fake_setup(d, "t.target");
        F.next_pid = m; /* the unit's main process is the real m */
        fake_report(fake_find_spawn("77"));
        F.notify_uid = NOBODY;
        notify_mainpid(m, child);
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), child);
        fake_teardown();
        kill(child, SIGKILL);
        fake_reap(m);
}

static void test_mainpid_of_a_descendant_that_left_the_session_is_accepted(void)
{
        pid_t child;
        pid_t m = spawn_main_with_child(true, &child);
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY(""));
        fake_setup(d, "t.target");
        F.next_pid = m;
        fake_report(fake_find_spawn("77"));
        F.notify_uid = NOBODY;
        notify_mainpid(m, child);
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), child);
        fake_teardown();
        kill(child, SIGKILL);
        fake_reap(m);
}

static void test_mainpid_outside_the_unit_is_accepted_from_root(void)
{
        pid_t other = fake_spawn_sleeper();
        pid_t a = start_a(test_tmpdir(), "");
        F.notify_uid = 0;
        notify_mainpid(a, other);
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), other);
        fake_teardown();
        fake_reap(other);
}

/* ---- fds a sender must not park in weft (issue 8, B9) ------------------ */

static unsigned count_open_fds(void)
{
        DIR *dir = opendir("/proc/self/fd");
        unsigned n = 0;
        CU_ASSERT_FATAL(dir != NULL);
        while (readdir(dir))
                n++;
        closedir(dir);
        return n;
}

static bool write_end_gone(int read_end)
{
        struct pollfd p = { .fd = read_end, .events = POLLIN };
        return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

static void test_early_messages_are_bounded_in_number_and_fds(void)
{
        const char *d = test_tmpdir();
        int p[2];
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", NOTIFY(""));
        fake_setup(d, "t.target"); /* a's spawn is in flight */
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
        unsigned before = count_open_fds();
        for (int i = 0; i < 300; i++) {
                int fd = dup(p[1]);
                CU_ASSERT_FATAL(fd >= 0);
                fake_notify(50000 + i, "FDSTORE=1", &fd, 1);
        }
        CU_ASSERT(count_open_fds() <= before + 64);
        fake_report(fake_find_spawn("77")); /* nothing in flight: the rest go */
        CU_ASSERT_EQUAL(count_open_fds(), before);
        close(p[1]);
        CU_ASSERT_TRUE(write_end_gone(p[0]));
        close(p[0]);
        fake_teardown();
}

static void test_fds_of_a_sender_of_no_unit_are_closed_at_once(void)
{
        int p[2];
        pid_t a = start_a(test_tmpdir(), "FileDescriptorStoreMax=4\n");
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
        fake_notify(a + 500, "FDSTORE=1", &p[1], 1);
        CU_ASSERT_TRUE(write_end_gone(p[0]));
        close(p[0]);
        fake_teardown();
}

static void test_fd_store_keeps_its_max_and_closes_the_excess_at_once(void)
{
        int p[3][2], send[3];
        pid_t a = start_a(test_tmpdir(), "FileDescriptorStoreMax=2\n");
        for (int i = 0; i < 3; i++) {
                CU_ASSERT_FATAL(pipe2(p[i], O_CLOEXEC) == 0);
                send[i] = p[i][1];
        }
        fake_notify(a, "FDSTORE=1", send, 3);
        CU_ASSERT_FALSE(write_end_gone(p[0][0]));
        CU_ASSERT_FALSE(write_end_gone(p[1][0]));
        CU_ASSERT_TRUE(write_end_gone(p[2][0]));
        fake_teardown(); /* closes the store */
        for (int i = 0; i < 3; i++) {
                CU_ASSERT_TRUE(write_end_gone(p[i][0]));
                close(p[i][0]);
        }
}

/* systemd's table: NOTIFY_SOCKET only for a process whose messages the
 * service's NotifyAccess= would hear. */
static void test_notify_socket_only_where_heard(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=simple.service notify.service all.service\n");
        test_write_file(d, "simple.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 71\n");
        test_write_file(d, "notify.service", NOTIFY("ExecStartPre=/bin/echo pre-main\n"));
        test_write_file(d, "all.service", "[Unit]\nDefaultDependencies=no\n[Service]\nNotifyAccess=all\n"
                                          "ExecStartPre=/bin/echo pre-all\nExecStart=/bin/sleep 73\n");
        fake_setup_with(d, "t.target", NULL, "/run/weft/notify");
        const char *sock = "NOTIFY_SOCKET=/run/weft/notify";
        int simple = fake_find_spawn("71"), pre_main = fake_find_spawn("pre-main"), pre_all = fake_find_spawn("pre-all");
        CU_ASSERT_FATAL(simple >= 0 && pre_main >= 0 && pre_all >= 0);
        CU_ASSERT_FALSE(env_has(simple, sock));   /* NotifyAccess=none */
        CU_ASSERT_FALSE(env_has(pre_main, sock)); /* a control process, NotifyAccess=main */
        CU_ASSERT_TRUE(env_has(pre_all, sock));   /* a control process, NotifyAccess=all */
        fake_exit(fake_report(pre_main), CLD_EXITED, 0);
        int main_notify = fake_find_spawn("77");
        CU_ASSERT_FATAL(main_notify >= 0);
        CU_ASSERT_TRUE(env_has(main_notify, sock)); /* the main process, NotifyAccess=main */
        fake_teardown();
}

/* Notify state costs memory only where the config can use it (issue 9),
 * and a daemon-reload that lets a running service notify gives it the
 * state then: its STATUS= is kept, not dropped. */
static void test_notify_state_only_where_the_config_can_use_it(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service n.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 77\n");
        test_write_file(d, "n.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\n"
                                        "ExecStart=/bin/sleep 88\n");
        fake_setup_with(d, "t.target", NULL, "/run/weft/notify");
        pid_t a = fake_report(fake_find_spawn("77"));
        fake_notify(fake_report(fake_find_spawn("88")), "READY=1", NULL, 0);
        CU_ASSERT_PTR_NULL(unit_table_get(&F.table, "a.service")->rt->notify);
        CU_ASSERT_PTR_NOT_NULL(unit_table_get(&F.table, "n.service")->rt->notify);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("n.service"), "active");
        fake_notify(a, "STATUS=before", NULL, 0); /* NotifyAccess=none: refused */
        CU_ASSERT_PTR_NULL(unit_table_get(&F.table, "a.service")->rt->notify);

        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nNotifyAccess=main\n"
                                        "ExecStart=/bin/sleep 77\n");
        fake_reload(d, "t.target");
        struct unit_runtime *rt = unit_table_get(&F.table, "a.service")->rt;
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_PTR_NOT_NULL_FATAL(rt->notify);
        fake_notify(a, "STATUS=after", NULL, 0);
        CU_ASSERT_STRING_EQUAL(rt->notify->status_text, "after");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "notify_state_only_where_the_config_can_use_it", test_notify_state_only_where_the_config_can_use_it },
        { "notify_socket_only_where_heard", test_notify_socket_only_where_heard },
        { "notify_service_is_active_at_ready", test_notify_service_is_active_at_ready },
        { "notify_access_main_refuses_other_pids", test_notify_access_main_refuses_other_pids },
        { "ready_before_spawn_report_is_not_lost", test_ready_before_spawn_report_is_not_lost },
        { "extend_timeout_postpones_the_start_timeout", test_extend_timeout_postpones_the_start_timeout },
        { "watchdog_without_pings_fails_the_service", test_watchdog_without_pings_fails_the_service },
        { "fd_store_survives_a_restart_and_comes_back_named", test_fd_store_survives_a_restart_and_comes_back_named },
        { "socket_starts_its_service_on_traffic", test_socket_starts_its_service_on_traffic },
        { "mainpid_of_a_process_of_no_unit_is_refused_from_a_non_root_sender",
          test_mainpid_of_a_process_of_no_unit_is_refused_from_a_non_root_sender },
        { "mainpid_of_pid1_the_manager_or_its_thread_is_refused_even_from_root",
          test_mainpid_of_pid1_the_manager_or_its_thread_is_refused_even_from_root },
        { "mainpid_of_another_units_process_is_refused_even_from_root",
          test_mainpid_of_another_units_process_is_refused_even_from_root },
        { "mainpid_of_a_child_in_the_units_process_group_is_accepted",
          test_mainpid_of_a_child_in_the_units_process_group_is_accepted },
        { "mainpid_of_a_descendant_that_left_the_session_is_accepted",
          test_mainpid_of_a_descendant_that_left_the_session_is_accepted },
        { "mainpid_outside_the_unit_is_accepted_from_root", test_mainpid_outside_the_unit_is_accepted_from_root },
        { "early_messages_are_bounded_in_number_and_fds", test_early_messages_are_bounded_in_number_and_fds },
        { "fds_of_a_sender_of_no_unit_are_closed_at_once", test_fds_of_a_sender_of_no_unit_are_closed_at_once },
        { "fd_store_keeps_its_max_and_closes_the_excess_at_once",
          test_fd_store_keeps_its_max_and_closes_the_excess_at_once },
        { 0 },
};
TEST_SUITE("sched_notify", tests);
