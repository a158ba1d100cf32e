/* Start limits, trigger limits and the results that explain them, against
 * the fake world of sched_fake.h (issue 8: B3, B10): a start refused by the
 * start limit finishes its job at once with that reason, and never leaves a
 * job running that later starts and shutdown would wait for; a socket whose
 * service hit its start limit, or whose own trigger limit was hit, fails and
 * closes its fds, so clients are refused; a unit skipped because a unit it
 * requires did not start keeps Result=success (as in systemd) but records
 * the job result "dependency" and which unit it was. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parse/boot_record.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define LIMITED(burst, type, cmd)                                                                    \
        "[Unit]\nDefaultDependencies=no\nStartLimitIntervalSec=60s\nStartLimitBurst=" burst "\n" \
        "[Service]\nType=" type "\nExecStart=" cmd "\n"

/* connect(2) to a unix stream socket at path: 0 or -errno. */
static int try_connect(const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        int r = connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0 ? -errno : 0;
        close(fd);
        return r;
}

/* The worker pool frees a request once the child runs, closing its copies
 * of the sockets; the fake keeps them for inspection, so drop them here. */
static void release_spawn_fds(void)
{
        for (int i = 0; i < F.n_spawns; i++)
                for (unsigned k = 3; F.spawns[i]->owns_fds && k < F.spawns[i]->n_fds; k++)
                        if (F.spawns[i]->fds[k] >= 0) {
                                close(F.spawns[i]->fds[k]);
                                F.spawns[i]->fds[k] = -1;
                        }
}

static void test_start_refused_by_the_start_limit_answers_at_once_with_that_reason(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", LIMITED("2", "oneshot", "/bin/echo LIM"));
        fake_setup(d, "t.target");
        fake_run_to_exit("LIM", 0); /* start 1 (the boot) */
        fake_control("start", "a.service");
        fake_run_to_exit("LIM", 0); /* start 2 */
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);

        /* Start 3 is over the limit: inactive -> failed, answered at once. */
        fake_control("start", "a.service");
        CU_ASSERT_EQUAL(F.replies, 2);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "start limit"));
        CU_ASSERT_PTR_NULL(strstr(F.last_error, "dependency"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "start-limit-hit");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);

        /* Start 4: failed -> failed is no state change; still answered at
         * once, and no job is left running. */
        fake_control("start", "a.service");
        CU_ASSERT_EQUAL(F.replies, 3);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "start limit"));
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(fake_count_spawns("LIM"), 2);

        /* reset-failed lifts the limit. */
        fake_control("reset-failed", "a.service");
        fake_control("start", "a.service");
        CU_ASSERT_EQUAL(fake_count_spawns("LIM"), 3);
        fake_run_to_exit("LIM", 0);
        CU_ASSERT_EQUAL(F.last_code, 0);

        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

static void test_start_limit_hit_through_restarts_leaves_no_job_for_shutdown(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", LIMITED("2", "simple", "/bin/sleep 31") "Restart=always\nRestartSec=1\n");
        fake_setup(d, "t.target");
        for (int i = 0; i < 2; i++) {
                fake_exit(fake_report(fake_find_spawn("31")), CLD_EXITED, 1);
                fake_advance(1000000);
        }
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "start-limit-hit");
        fake_control("start", "a.service");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

static void test_restart_refused_by_the_start_limit_is_reported_as_failed(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", LIMITED("1", "simple", "/bin/sleep 32"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("32"));
        fake_control("restart", "a.service");
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "start limit"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* s.socket triggers s.service, which ends with exit status `status` at
 * once; its start limit is 3 starts. */
static void socket_storm(int status)
{
        const char *d = test_tmpdir();
        char unit[512], path[400];
        snprintf(path, sizeof path, "%s/s.sock", d);
        snprintf(unit, sizeof unit, "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s\n", path);
        test_write_file(d, "t.target", "[Unit]\nWants=s.socket\n");
        test_write_file(d, "s.socket", unit);
        test_write_file(d, "s.service", LIMITED("3", "simple", "/bin/sleep 33"));
        fake_setup(d, "t.target");
        CU_ASSERT_FATAL(F.n_watches == 1);
        int fd = F.watches[0].fd;
        for (int i = 0; i < 3; i++) {
                CU_ASSERT_TRUE_FATAL(fake_fd_ready(fd));
                fake_exit(fake_report(fake_find_spawn("33")), CLD_EXITED, status);
                CU_ASSERT_TRUE(fake_watched(fd)); /* listening for the next trigger */
        }
        CU_ASSERT_EQUAL(try_connect(path), 0);
        CU_ASSERT_TRUE(fake_fd_ready(fd)); /* start 4: over the limit */
        CU_ASSERT_EQUAL(fake_count_spawns("33"), 3);
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "s.service"), "start-limit-hit");
        CU_ASSERT_STRING_EQUAL(fake_state("s.socket"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "s.socket"), "service-start-limit-hit");
        CU_ASSERT_FALSE(fake_watched(fd));
        release_spawn_fds();
        CU_ASSERT_EQUAL(try_connect(path), -ECONNREFUSED);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

static void test_socket_fails_and_refuses_when_its_failing_service_hits_the_start_limit(void)
{
        socket_storm(1); /* failed -> failed: no state change announces the limit */
}

static void test_socket_fails_and_refuses_when_its_exiting_service_hits_the_start_limit(void)
{
        socket_storm(0); /* inactive -> failed */
}

static void test_socket_trigger_limit_fails_the_socket(void)
{
        const char *d = test_tmpdir();
        char unit[512], path[400];
        snprintf(path, sizeof path, "%s/s.sock", d);
        snprintf(unit, sizeof unit,
                 "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s\nTriggerLimitIntervalSec=10s\n"
                 "TriggerLimitBurst=2\n",
                 path);
        test_write_file(d, "t.target", "[Unit]\nWants=s.socket\n");
        test_write_file(d, "s.socket", unit);
        test_write_file(d, "s.service", "[Unit]\nDefaultDependencies=no\nStartLimitIntervalSec=0\n"
                                        "[Service]\nExecStart=/bin/sleep 34\n");
        fake_setup(d, "t.target");
        int fd = F.watches[0].fd;
        for (int i = 0; i < 2; i++) {
                CU_ASSERT_TRUE_FATAL(fake_fd_ready(fd));
                fake_exit(fake_report(fake_find_spawn("34")), CLD_EXITED, 0);
        }
        CU_ASSERT_TRUE(fake_fd_ready(fd)); /* the third trigger within 10 s */
        CU_ASSERT_EQUAL(fake_count_spawns("34"), 2);
        CU_ASSERT_STRING_EQUAL(fake_state("s.socket"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "s.socket"), "trigger-limit-hit");
        CU_ASSERT_FALSE(fake_watched(fd));
        release_spawn_fds();
        CU_ASSERT_EQUAL(try_connect(path), -ECONNREFUSED);
        /* Started again, it listens with a fresh window. */
        fake_control("start", "s.socket");
        CU_ASSERT_STRING_EQUAL(fake_state("s.socket"), "active");
        CU_ASSERT_EQUAL(F.n_watches, 1);
        fake_teardown();
}

/* systemd's socket sub-states: "running" while its service runs (from the
 * trigger on), "listening" again once the service is down. */
static void test_socket_is_running_while_its_service_runs(void)
{
        const char *d = test_tmpdir();
        char unit[512];
        snprintf(unit, sizeof unit, "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s/r.sock\n", d);
        test_write_file(d, "t.target", "[Unit]\nWants=s.socket\n");
        test_write_file(d, "s.socket", unit);
        test_write_file(d, "s.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 35\n");
        fake_setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "s.socket"), "listening");
        CU_ASSERT_TRUE_FATAL(fake_fd_ready(F.watches[0].fd));
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "s.socket"), "running");
        pid_t p = fake_report(fake_find_spawn("35"));
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "s.service"), "running");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "s.socket"), "running");
        CU_ASSERT_STRING_EQUAL(fake_state("s.socket"), "active");
        fake_exit(p, CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "s.socket"), "listening");
        /* Started by hand (not by traffic), the service makes it running too. */
        fake_control("start", "s.service");
        p = fake_report(fake_find_spawn("35"));
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "s.socket"), "running");
        fake_control("stop", "s.service");
        fake_exit(p, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "s.socket"), "listening");
        release_spawn_fds();
        fake_teardown();
}

static void test_start_of_a_socket_that_cannot_listen_again_is_answered_at_once(void)
{
        const char *d = test_tmpdir();
        char unit[512];
        test_write_file(d, "blocker", "a file where a directory should be\n");
        snprintf(unit, sizeof unit, "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s/blocker/s.sock\n", d);
        test_write_file(d, "t.target", "[Unit]\nWants=s.socket\n");
        test_write_file(d, "s.socket", unit);
        test_write_file(d, "s.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 35\n");
        fake_setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL(fake_state("s.socket"), "failed");
        fake_control("start", "s.socket"); /* failed -> failed */
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_spawn_that_cannot_be_queued_fails_the_start_at_once(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 36\n"
                                        "TimeoutStopSec=infinity\n");
        fake_setup_with(d, "t.target", "a.service", NULL);
        F.spawn_error = -ENOMEM;
        fake_control("start", "a.service");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "resources");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        F.spawn_error = 0;
        fake_teardown();
}

static const char *record_result(const char *id)
{
        static char buf[64];
        struct boot_record r;
        buf[0] = 0;
        CU_ASSERT_FATAL(sched_boot_record(F.s, &r) == 0);
        for (size_t i = 0; i < r.n_units; i++)
                if (strcmp(r.units[i].id, id) == 0)
                        snprintf(buf, sizeof buf, "%s", r.units[i].result);
        sched_boot_record_free(&r);
        return buf;
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "r");
        char *buf = NULL;
        size_t n = 0;
        if (!f)
                return NULL;
        if (getdelim(&buf, &n, 0, f) < 0) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        return buf;
}

/* The record the daemon writes (one unit at a time, nothing per unit held
 * at once) is the same file as the one built as an array. */
static void assert_streamed_record_is_the_same(void)
{
        char a[512], b[512];
        struct boot_record r;
        snprintf(a, sizeof a, "%s/array.yaml", test_tmpdir());
        snprintf(b, sizeof b, "%s/stream.yaml", test_tmpdir());
        CU_ASSERT_FATAL(sched_boot_record(F.s, &r) == 0);
        CU_ASSERT_EQUAL(boot_record_write(a, &r), 0);
        sched_boot_record_free(&r);
        CU_ASSERT_FATAL(sched_boot_record_stream(F.s, &r) == 0);
        CU_ASSERT_PTR_NULL(r.units);
        CU_ASSERT_EQUAL(boot_record_write(b, &r), 0);
        sched_boot_record_free(&r);
        char *x = slurp(a), *y = slurp(b);
        CU_ASSERT_FATAL(x && y);
        CU_ASSERT_PTR_NOT_NULL(strstr(x, "id: b.service"));
        CU_ASSERT_PTR_NOT_NULL(strstr(x, "requires: [a.service]"));
        CU_ASSERT_STRING_EQUAL(x, y);
        free(x);
        free(y);
}

static void test_unit_skipped_for_a_failed_requirement_names_it(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo A\n");
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\nRequires=a.service\nAfter=a.service\n"
                                        "[Service]\nType=oneshot\nExecStart=/bin/echo B\n");
        fake_setup(d, "t.target");
        fake_run_to_exit("A", 1);
        CU_ASSERT_EQUAL(fake_find_spawn("B"), -1);
        /* systemd: the unit never ran, so it stays inactive with
         * Result=success; the job result and its cause say why. */
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "inactive");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "b.service"), "success");
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "b.service"), "dependency");
        CU_ASSERT_STRING_EQUAL(sched_unit_failed_dependency(F.s, "b.service"), "a.service");
        CU_ASSERT_STRING_EQUAL(record_result("b.service"), "dependency");
        CU_ASSERT_STRING_EQUAL(record_result("a.service"), "exit-code");
        assert_streamed_record_is_the_same();

        /* A client starting b is told which unit failed. */
        fake_control("start", "b.service");
        fake_run_to_exit("A", 1);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "A dependency job for b.service failed"));
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "a.service failed with result 'exit-code'"));

        /* Once it runs, the explanation is gone. */
        fake_control("start", "b.service");
        fake_run_to_exit("A", 0);
        fake_run_to_exit("B", 0);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "b.service"), "done");
        CU_ASSERT_PTR_NULL(sched_unit_failed_dependency(F.s, "b.service"));
        fake_teardown();
}

static void test_requiring_a_missing_unit_names_it(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\n");
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\nRequires=missing.service\n"
                                        "[Service]\nType=oneshot\nExecStart=/bin/echo B\n");
        fake_setup_with(d, "t.target", "b.service", NULL);
        fake_control("start", "b.service");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "missing.service is not-found"));
        CU_ASSERT_STRING_EQUAL(sched_unit_failed_dependency(F.s, "b.service"), "missing.service");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "start_refused_by_the_start_limit_answers_at_once_with_that_reason",
          test_start_refused_by_the_start_limit_answers_at_once_with_that_reason },
        { "start_limit_hit_through_restarts_leaves_no_job_for_shutdown",
          test_start_limit_hit_through_restarts_leaves_no_job_for_shutdown },
        { "restart_refused_by_the_start_limit_is_reported_as_failed",
          test_restart_refused_by_the_start_limit_is_reported_as_failed },
        { "socket_fails_and_refuses_when_its_failing_service_hits_the_start_limit",
          test_socket_fails_and_refuses_when_its_failing_service_hits_the_start_limit },
        { "socket_fails_and_refuses_when_its_exiting_service_hits_the_start_limit",
          test_socket_fails_and_refuses_when_its_exiting_service_hits_the_start_limit },
        { "socket_trigger_limit_fails_the_socket", test_socket_trigger_limit_fails_the_socket },
        { "socket_is_running_while_its_service_runs", test_socket_is_running_while_its_service_runs },
        { "start_of_a_socket_that_cannot_listen_again_is_answered_at_once",
          test_start_of_a_socket_that_cannot_listen_again_is_answered_at_once },
        { "spawn_that_cannot_be_queued_fails_the_start_at_once",
          test_spawn_that_cannot_be_queued_fails_the_start_at_once },
        { "unit_skipped_for_a_failed_requirement_names_it", test_unit_skipped_for_a_failed_requirement_names_it },
        { "requiring_a_missing_unit_names_it", test_requiring_a_missing_unit_names_it },
        { 0 },
};
TEST_SUITE("sched_limits", tests);
