/* SuccessAction= and FailureAction= (issue 10), against the fake world of
 * sched_fake.h: exit and exit-force on any unit ask the manager to end with
 * the unit's status (SuccessActionExitStatus=/FailureActionExitStatus=, else
 * its main process's exit status, 128+N after signal N); a unit that never
 * was up does not "succeed"; actions weft does not act on (reboot, ...) are
 * ignored, never turned into an exit. */
#include <signal.h>
#include <sys/wait.h>

#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define UNIT(actions, type, cmd) \
        "[Unit]\nDefaultDependencies=no\n" actions "[Service]\nType=" type "\nExecStart=" cmd "\n"

static void boot(const char *unit_text)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", unit_text);
        fake_setup(d, "t.target");
}

static void test_success_action_exit_ends_with_the_exit_status(void)
{
        boot(UNIT("SuccessAction=exit\n", "oneshot", "/bin/echo ACT"));
        CU_ASSERT_EQUAL(F.n_exit_requests, 0);
        fake_run_to_exit("ACT", 0);
        CU_ASSERT_EQUAL(F.n_exit_requests, 1);
        CU_ASSERT_EQUAL(F.exit_code, 0);
        CU_ASSERT_FALSE(F.exit_force);
        fake_teardown();
}

static void test_failure_action_exit_force_ends_with_the_failing_status(void)
{
        boot(UNIT("FailureAction=exit-force\nSuccessAction=exit\n", "exec", "/bin/echo ACT"));
        fake_run_to_exit("ACT", 3);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_EQUAL(F.n_exit_requests, 1); /* failed: FailureAction= only */
        CU_ASSERT_EQUAL(F.exit_code, 3);
        CU_ASSERT_TRUE(F.exit_force);
        fake_teardown();
}

static void test_death_by_signal_gives_128_plus_the_signal(void)
{
        boot(UNIT("FailureAction=exit\n", "exec", "/bin/echo ACT"));
        int i = fake_find_spawn("ACT");
        CU_ASSERT_FATAL(i >= 0);
        fake_exit(fake_report(i), CLD_KILLED, SIGSEGV);
        CU_ASSERT_EQUAL(F.n_exit_requests, 1);
        CU_ASSERT_EQUAL(F.exit_code, 128 + SIGSEGV);
        fake_teardown();
}

static void test_exit_status_setting_wins(void)
{
        boot(UNIT("SuccessAction=exit\nSuccessActionExitStatus=7\n", "oneshot", "/bin/echo ACT"));
        fake_run_to_exit("ACT", 0);
        CU_ASSERT_EQUAL(F.n_exit_requests, 1);
        CU_ASSERT_EQUAL(F.exit_code, 7);
        fake_teardown();
}

static void test_no_action_or_an_unsupported_one_asks_nothing(void)
{
        boot(UNIT("FailureAction=reboot\nSuccessAction=none\n", "exec", "/bin/echo ACT"));
        fake_run_to_exit("ACT", 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_EQUAL(F.n_exit_requests, 0);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "success_action_exit_ends_with_the_exit_status", test_success_action_exit_ends_with_the_exit_status },
        { "failure_action_exit_force_ends_with_the_failing_status",
          test_failure_action_exit_force_ends_with_the_failing_status },
        { "death_by_signal_gives_128_plus_the_signal", test_death_by_signal_gives_128_plus_the_signal },
        { "exit_status_setting_wins", test_exit_status_setting_wins },
        { "no_action_or_an_unsupported_one_asks_nothing", test_no_action_or_an_unsupported_one_asks_nothing },
        { 0 },
};
TEST_SUITE("sched_actions", tests);
