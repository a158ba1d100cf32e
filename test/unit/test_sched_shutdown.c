/* Shutdown is bounded by construction, against the fake world: once it
 * begins nothing starts (no start job is released or accepted, no Restart=
 * fires), every unit gets its stop, also one whose spawn is still in flight,
 * and a deadline on the scheduler ends the shutdown whatever a unit or a job
 * does. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "core/sched.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define UNIT "[Unit]\nDefaultDependencies=no\n"
#define SIMPLE(tag, extra) UNIT extra "\n[Service]\nExecStart=/bin/sleep " tag "\n"
#define SEC 1000000ULL

/* B4: the stop ran while the worker had not yet reported the main pid. */
static void test_stop_reaches_a_main_process_whose_spawn_was_in_flight(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("201", ""));
        fake_setup(d, "t.target");
        int i = fake_find_spawn("201");
        CU_ASSERT_FATAL(i >= 0);
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_EQUAL(F.n_kills, 0); /* nothing to signal yet */
        pid_t a = fake_report(i);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

/* The same through a control stop, outside any shutdown. */
static void test_control_stop_reaches_a_spawn_in_flight(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("202", ""));
        fake_setup(d, "t.target");
        int i = fake_find_spawn("202");
        fake_control("stop", "a.service");
        pid_t a = fake_report(i);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* A stop during ExecStartPre whose spawn is in flight: the control process
 * gets SIGTERM when it is reported, and ExecStart never runs. */
static void test_stop_reaches_a_control_process_whose_spawn_was_in_flight(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", UNIT "[Service]\nExecStartPre=/bin/sleep 203\nExecStart=/bin/sleep 204\n");
        fake_setup(d, "t.target");
        int i = fake_find_spawn("203");
        CU_ASSERT_FATAL(i >= 0);
        sched_shutdown(F.s, ++F.now);
        pid_t pre = fake_report(i);
        CU_ASSERT_TRUE(fake_killed(-pre, SIGTERM));
        fake_exit(pre, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(fake_find_spawn("204"), -1);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

/* B4: cancelling the waiting start jobs must not release the ones ordered
 * after them. */
static void test_shutdown_releases_no_start_job(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", SIMPLE("211", ""));
        test_write_file(d, "b.service", SIMPLE("212", "After=a.service"));
        test_write_file(d, "c.service", SIMPLE("213", "After=b.service"));
        fake_setup(d, "t.target");
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        pid_t a = fake_report(fake_find_spawn("211"));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(fake_find_spawn("212"), -1);
        CU_ASSERT_EQUAL(fake_find_spawn("213"), -1);
        CU_ASSERT_STRING_EQUAL(fake_state("c.service"), "inactive");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

static void test_start_request_is_refused_during_shutdown(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("221", ""));
        test_write_file(d, "b.service", SIMPLE("222", ""));
        fake_setup_with(d, "t.target", "b.service", NULL);
        fake_report(fake_find_spawn("221"));
        sched_shutdown(F.s, ++F.now);
        fake_control("start", "b.service");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_NOT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(fake_find_spawn("222"), -1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 1); /* a's stop only */
        fake_teardown();
}

/* A unit waiting for its RestartSec= when shutdown begins, whose stop job
 * waits for another unit's stop: the restart never happens. */
static void test_restart_does_not_fire_during_shutdown(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service x.service\n");
        test_write_file(d, "a.service", SIMPLE("231", "") "Restart=always\nRestartSec=1s\n");
        test_write_file(d, "x.service", SIMPLE("232", "After=a.service") "TimeoutStopSec=30s\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("231"));
        pid_t x = fake_report(fake_find_spawn("232"));
        fake_exit(a, CLD_EXITED, 1);
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "auto-restart");
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_TRUE(fake_killed(-x, SIGTERM)); /* x ignores it */
        fake_advance(2 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("231"), 1);
        fake_exit(x, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(fake_count_spawns("231"), 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

/* A stop job that never finishes on its own (no stop timeout, SIGTERM
 * ignored): the shutdown deadline (DefaultTimeoutStopSec, 90 s when not
 * configured) ends it with SIGKILL, and the shutdown is over. */
static void test_shutdown_deadline_ends_a_stuck_stop_job(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("241", "") "TimeoutStopSec=infinity\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("241"));
        uint64_t begin = ++F.now;
        sched_shutdown(F.s, begin);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        /* The deadline is a timer of the scheduler's: its loop sleeps until then. */
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), begin + 60 * SEC); /* the warning first */
        fake_advance(89 * SEC);
        CU_ASSERT_EQUAL(F.shutdown_done, 0);
        CU_ASSERT_FALSE(fake_killed(-a, SIGKILL));
        fake_advance(1 * SEC);
        CU_ASSERT_TRUE(fake_killed(-a, SIGKILL));
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* A stop job waiting for a spawn report that never comes. */
static void test_shutdown_deadline_ends_a_job_waiting_for_a_lost_spawn(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("251", "") "TimeoutStopSec=infinity\n");
        test_write_file(d, "b.service", SIMPLE("252", "After=a.service") "TimeoutStopSec=infinity\n");
        fake_setup(d, "t.target");
        sched_shutdown(F.s, ++F.now);
        fake_advance(90 * SEC);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(fake_find_spawn("252"), -1);
        fake_teardown();
}

/* A unit allowed a longer stop than the default gets it. */
static void test_shutdown_deadline_honours_a_longer_timeout_stop_sec(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("261", "") "TimeoutStopSec=120s\nSendSIGKILL=no\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("261"));
        sched_shutdown(F.s, ++F.now);
        fake_advance(100 * SEC);
        CU_ASSERT_EQUAL(F.shutdown_done, 0);
        CU_ASSERT_FALSE(fake_killed(-a, SIGKILL));
        fake_advance(20 * SEC);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "stop_reaches_a_main_process_whose_spawn_was_in_flight",
          test_stop_reaches_a_main_process_whose_spawn_was_in_flight },
        { "control_stop_reaches_a_spawn_in_flight", test_control_stop_reaches_a_spawn_in_flight },
        { "stop_reaches_a_control_process_whose_spawn_was_in_flight",
          test_stop_reaches_a_control_process_whose_spawn_was_in_flight },
        { "shutdown_releases_no_start_job", test_shutdown_releases_no_start_job },
        { "start_request_is_refused_during_shutdown", test_start_request_is_refused_during_shutdown },
        { "restart_does_not_fire_during_shutdown", test_restart_does_not_fire_during_shutdown },
        { "shutdown_deadline_ends_a_stuck_stop_job", test_shutdown_deadline_ends_a_stuck_stop_job },
        { "shutdown_deadline_ends_a_job_waiting_for_a_lost_spawn",
          test_shutdown_deadline_ends_a_job_waiting_for_a_lost_spawn },
        { "shutdown_deadline_honours_a_longer_timeout_stop_sec",
          test_shutdown_deadline_honours_a_longer_timeout_stop_sec },
        { 0 },
};
TEST_SUITE("sched_shutdown", tests);
