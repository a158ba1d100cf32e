/* JobTimeoutSec=, JobRunningTimeoutSec= and JobTimeoutAction= (systemd's
 * job_start_timer and job_dispatch_timer), against the fake world of
 * sched_fake.h: the job's clock starts at install, the running one when it
 * runs, whichever ends first ends the job with "timeout" and leaves the unit
 * as it is; the client hears "timed out"; the action is asked for; a job that
 * ends in time leaves nothing on the heap; a device waits 90 s unless told. */
#include <stdint.h>
#include <sys/wait.h>

#include "base/macro.h"
#include "core/event.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define SEC USEC_PER_SEC

/* slow.service (started by the boot, never done unless the test says so)
 * and a.service, ordered after it and started by a client. */
static void boot(const char *a_unit_section, const char *a_type)
{
        const char *d = test_tmpdir();
        char a[512];
        snprintf(a, sizeof a,
                 "[Unit]\nDefaultDependencies=no\nAfter=slow.service\n%s"
                 "[Service]\nType=%s\nExecStart=/bin/echo AAA\n",
                 a_unit_section, a_type);
        test_write_file(d, "t.target", "[Unit]\nWants=slow.service\n");
        test_write_file(d, "slow.service",
                        "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo SLOW\n");
        test_write_file(d, "a.service", a);
        fake_setup_with(d, "t.target", "a.service", NULL);
        fake_control("start", "a.service");
}

static void test_waiting_job_times_out_and_asks_for_the_action(void)
{
        boot("JobTimeoutSec=5s\nJobTimeoutAction=poweroff-force\n", "oneshot");
        fake_advance(4 * SEC);
        CU_ASSERT_EQUAL(F.replies, 0);
        fake_advance(1 * SEC);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Job for a.service timed out.");
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "a.service"), "timeout");
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_EQUAL(fake_count_spawns("AAA"), 0);
        CU_ASSERT_STRING_EQUAL(fake_state("slow.service"), "activating"); /* only a's job ended */
        CU_ASSERT_EQUAL(F.n_shutdown_requests, 1);
        CU_ASSERT_EQUAL(F.shutdown_kind, SHUTDOWN_POWEROFF);
        CU_ASSERT_EQUAL(F.n_exit_requests, 0);
        /* slow finishing later runs nothing of a's. */
        fake_run_to_exit("SLOW", 0);
        CU_ASSERT_EQUAL(fake_count_spawns("AAA"), 0);
        fake_teardown();
}

static void test_running_timeout_counts_from_the_run(void)
{
        boot("JobRunningTimeoutSec=3s\nJobTimeoutAction=exit\n", "oneshot");
        fake_advance(10 * SEC); /* waiting: no running clock yet */
        CU_ASSERT_EQUAL(F.replies, 0);
        fake_run_to_exit("SLOW", 0);
        CU_ASSERT_EQUAL(fake_count_spawns("AAA"), 1);
        fake_advance(2 * SEC);
        CU_ASSERT_EQUAL(F.replies, 0);
        fake_advance(1 * SEC);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Job for a.service timed out.");
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "a.service"), "timeout");
        /* The job ended; the unit's start goes on under its own timeout. */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        CU_ASSERT_EQUAL(F.n_exit_requests, 1);
        CU_ASSERT_EQUAL(F.exit_code, 0);
        CU_ASSERT_FALSE(F.exit_force);
        fake_teardown();
}

/* Whichever clock ends first wins: the install's here. */
static void test_install_clock_beats_a_longer_running_one(void)
{
        boot("JobTimeoutSec=5s\nJobRunningTimeoutSec=10s\n", "oneshot");
        fake_advance(2 * SEC);
        fake_run_to_exit("SLOW", 0);
        fake_advance(3 * SEC);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "a.service"), "timeout");
        fake_teardown();
}

static void test_job_done_in_time_disarms_its_timer(void)
{
        boot("JobTimeoutSec=5s\nJobTimeoutAction=poweroff-force\n", "oneshot");
        CU_ASSERT_NOT_EQUAL(sched_next_deadline(F.s), UINT64_MAX);
        fake_advance(2 * SEC);
        fake_run_to_exit("SLOW", 0);
        fake_run_to_exit("AAA", 0);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "a.service"), "done");
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), UINT64_MAX);
        fake_advance(60 * SEC);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.n_shutdown_requests, 0);
        fake_teardown();
}

/* A second start merges into the installed job, whose clock goes on. */
static void test_merged_start_keeps_the_first_clock(void)
{
        boot("JobTimeoutSec=5s\n", "oneshot");
        fake_advance(3 * SEC);
        fake_control("start", "a.service");
        fake_advance(2 * SEC);
        CU_ASSERT_EQUAL(F.replies, 2);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "a.service"), "timeout");
        fake_teardown();
}

static void test_no_timeout_set_waits(void)
{
        boot("JobTimeoutSec=0\n", "oneshot"); /* 0: none, as infinity */
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), UINT64_MAX);
        fake_advance(3600 * SEC);
        CU_ASSERT_EQUAL(F.replies, 0);
        fake_teardown();
}

/* A device's start waits for the hardware: 90 s of running by default,
 * JobTimeoutSec= alone replaces that (infinity: forever). */
static void device_boot(const char *dropin)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=dev-weftjtnope.device\n");
        if (dropin)
                test_write_file(d, "dev-weftjtnope.device", dropin);
        fake_setup(d, "t.target");
}

static void test_device_waits_90s_by_default(void)
{
        device_boot(NULL);
        fake_advance(89 * SEC);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "dev-weftjtnope.device"), "");
        fake_advance(1 * SEC);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "dev-weftjtnope.device"), "timeout");
        fake_teardown();
}

static void test_device_job_timeout_infinity_waits_forever(void)
{
        device_boot("[Unit]\nJobTimeoutSec=infinity\n");
        fake_advance(3600 * SEC);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "dev-weftjtnope.device"), "");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "waiting_job_times_out_and_asks_for_the_action", test_waiting_job_times_out_and_asks_for_the_action },
        { "running_timeout_counts_from_the_run", test_running_timeout_counts_from_the_run },
        { "install_clock_beats_a_longer_running_one", test_install_clock_beats_a_longer_running_one },
        { "job_done_in_time_disarms_its_timer", test_job_done_in_time_disarms_its_timer },
        { "merged_start_keeps_the_first_clock", test_merged_start_keeps_the_first_clock },
        { "no_timeout_set_waits", test_no_timeout_set_waits },
        { "device_waits_90s_by_default", test_device_waits_90s_by_default },
        { "device_job_timeout_infinity_waits_forever", test_device_job_timeout_infinity_waits_forever },
        { 0 },
};
TEST_SUITE("sched_job_timeout", tests);
