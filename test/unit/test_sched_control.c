/* Control verbs that drive jobs, against the fake world: reload runs
 * ExecReload= with $MAINPID and goes back to running; a failed reload fails
 * the reload job but not the service; restart is a stop then a start, and
 * its client is answered once the start is done. */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include "base/strv.h"
#include "core/sched_internal.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define RELOADABLE "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 66\nExecReload=/bin/echo RELOAD $MAINPID\n"

static pid_t boot(const char *unit_text)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", unit_text);
        fake_setup(d, "t.target");
        return fake_report(fake_find_spawn("66"));
}

static void test_reload_runs_exec_reload_and_returns_to_running(void)
{
        pid_t a = boot(RELOADABLE);
        fake_control("reload", "a.service");
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "reloading");
        int i = fake_find_spawn("RELOAD");
        CU_ASSERT_FATAL(i >= 0);
        char want[64];
        snprintf(want, sizeof want, "MAINPID=%d", (int) a);
        CU_ASSERT_TRUE(strv_contains(F.spawns[i]->envp, want));
        CU_ASSERT_EQUAL(F.replies, 0); /* the client waits for the job */
        fake_exit(fake_report(i), CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "running");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_teardown();
}

static void test_failed_reload_fails_the_job_not_the_service(void)
{
        boot(RELOADABLE);
        fake_control("reload", "a.service");
        fake_run_to_exit("RELOAD", 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        fake_teardown();
}

static void test_reload_without_exec_reload_is_refused(void)
{
        boot("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 66\n");
        fake_control("reload", "a.service");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_teardown();
}

static void test_restart_answers_after_the_new_start(void)
{
        pid_t a = boot(RELOADABLE);
        fake_control("restart", "a.service");
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(F.replies, 0); /* stopped, not yet started again */
        CU_ASSERT_EQUAL(fake_count_spawns("66"), 2);
        fake_report(fake_find_spawn("66"));
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_teardown();
}

static void test_reload_or_restart_restarts_without_exec_reload(void)
{
        pid_t a = boot("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 66\n");
        fake_control("reload-or-restart", "a.service");
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        fake_report(fake_find_spawn("66"));
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(fake_count_spawns("66"), 2);
        fake_teardown();
}

/* A start whose job is over before the request returns (it needs a unit
 * that does not exist) is answered with that job's result, also when the
 * job ids wrap around at 2^32 during the request. */
static void test_start_that_fails_at_once_is_answered_across_the_job_id_wrap(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\n");
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\nRequires=missing.service\n"
                                        "[Service]\nExecStart=/bin/sleep 77\n");
        fake_setup_with(d, "t.target", "b.service", NULL);
        F.s->next_job_id = UINT32_MAX;
        fake_control("start", "b.service");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_EQUAL(fake_count_spawns("77"), 0);
        fake_teardown();
}

/* systemctl is-system-running's states: initializing until basic.target
 * is up, starting until the boot's jobs are all done, then running;
 * degraded with a failed unit, maintenance while rescue.target is up,
 * stopping once the shutdown began. */
static void test_system_state_from_boot_to_shutdown(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDefaultDependencies=no\nWants=basic.target late.service\n");
        test_write_file(d, "basic.target", "[Unit]\nDefaultDependencies=no\nWants=early.service\nAfter=early.service\n");
        test_write_file(d, "early.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo 81\n");
        test_write_file(d, "late.service", "[Unit]\nDefaultDependencies=no\nAfter=basic.target\n[Service]\nType=oneshot\nExecStart=/bin/echo 82\n");
        test_write_file(d, "bad.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo 83\n");
        test_write_file(d, "rescue.target", "[Unit]\nDefaultDependencies=no\n");
        fake_setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL(sched_system_state(F.s), "initializing");
        fake_run_to_exit("81", 0);
        CU_ASSERT_STRING_EQUAL(sched_system_state(F.s), "starting");
        fake_run_to_exit("82", 0);
        CU_ASSERT_STRING_EQUAL(sched_system_state(F.s), "running");
        fake_control("start", "bad.service");
        fake_run_to_exit("83", 1);
        CU_ASSERT_STRING_EQUAL(sched_system_state(F.s), "degraded");
        CU_ASSERT_EQUAL(sched_n_failed_units(F.s), 1);
        fake_control("reset-failed", "bad.service");
        CU_ASSERT_STRING_EQUAL(sched_system_state(F.s), "running");
        fake_control("start", "rescue.target");
        CU_ASSERT_STRING_EQUAL(sched_system_state(F.s), "maintenance");
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_STRING_EQUAL(sched_system_state(F.s), "stopping");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "reload_runs_exec_reload_and_returns_to_running", test_reload_runs_exec_reload_and_returns_to_running },
        { "failed_reload_fails_the_job_not_the_service", test_failed_reload_fails_the_job_not_the_service },
        { "reload_without_exec_reload_is_refused", test_reload_without_exec_reload_is_refused },
        { "restart_answers_after_the_new_start", test_restart_answers_after_the_new_start },
        { "reload_or_restart_restarts_without_exec_reload", test_reload_or_restart_restarts_without_exec_reload },
        { "start_that_fails_at_once_is_answered_across_the_job_id_wrap",
          test_start_that_fails_at_once_is_answered_across_the_job_id_wrap },
        { "system_state_from_boot_to_shutdown", test_system_state_from_boot_to_shutdown },
        { 0 },
};
TEST_SUITE("sched_control", tests);
