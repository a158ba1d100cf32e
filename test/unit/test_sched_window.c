/* The spawn window (sched_config.spawn_window): with many units ready at
 * once, start jobs of services run only while fewer spawns than the window
 * are in flight; the others wait, still inactive, and run oldest first as
 * spawn reports come in. Without it a boot of 100,000 units queued tens of
 * thousands of spawn requests, each holding open log fds (bench/scale-bench.sh). */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "core/sched.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define N_UNITS 12

/* t.target wants N_UNITS unordered oneshots u0..u11 (ExecStart=/bin/echo Un). */
static const char *write_wide(void)
{
        const char *d = test_tmpdir();
        char name[32], body[160], wants[512] = "[Unit]\nWants=";
        for (int i = 0; i < N_UNITS; i++) {
                snprintf(name, sizeof name, "u%d.service", i);
                snprintf(body, sizeof body,
                         "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo U%d-\n", i);
                test_write_file(d, name, body);
                strcat(wants, name);
                strcat(wants, " ");
        }
        strcat(wants, "\n");
        test_write_file(d, "t.target", wants);
        return d;
}

static int count_state(const char *state)
{
        char name[32];
        int n = 0;
        for (int i = 0; i < N_UNITS; i++) {
                snprintf(name, sizeof name, "u%d.service", i);
                n += strcmp(fake_state(name), state) == 0;
        }
        return n;
}

static void test_window_bounds_spawns_in_flight(void)
{
        fake_setup_window(write_wide(), "t.target", 3);
        CU_ASSERT_EQUAL(F.n_spawns, 3);
        /* The ones waiting for a slot have not begun to start. */
        CU_ASSERT_EQUAL(count_state("activating"), 3);
        CU_ASSERT_EQUAL(count_state("inactive"), N_UNITS - 3);
        /* A report frees a slot (the process runs on; it no longer holds one). */
        pid_t pid = fake_report(0);
        CU_ASSERT_EQUAL(F.n_spawns, 4);
        fake_exit(pid, CLD_EXITED, 0);
        CU_ASSERT_EQUAL(F.n_spawns, 4);
        fake_teardown();
}

static void test_window_runs_every_waiting_job_once(void)
{
        char tag[16];
        fake_setup_window(write_wide(), "t.target", 2);
        for (int i = 0; i < F.n_spawns; i++)
                fake_exit(fake_report(i), CLD_EXITED, 0);
        CU_ASSERT_EQUAL(F.n_spawns, N_UNITS);
        for (int i = 0; i < N_UNITS; i++) {
                snprintf(tag, sizeof tag, "U%d-", i);
                CU_ASSERT_EQUAL(fake_count_spawns(tag), 1);
        }
        CU_ASSERT_EQUAL(F.boot_done, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_shutdown_cancels_waiting_starts(void)
{
        fake_setup_window(write_wide(), "t.target", 2);
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        sched_shutdown(F.s, ++F.now);
        /* The waiting ones are dropped, not started when slots free up. */
        pid_t a = fake_report(0), b = fake_report(1);
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        fake_exit(a, CLD_EXITED, 0);
        fake_exit(b, CLD_EXITED, 0);
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_waiting_job_keeps_its_order_when_a_dependency_is_queued(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo A-\n");
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\nAfter=c.service\n"
                                        "[Service]\nType=oneshot\nExecStart=/bin/echo B-\n");
        test_write_file(d, "c.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo C-\n");
        fake_setup_window(d, "t.target", 1);
        CU_ASSERT_EQUAL(F.n_spawns, 1); /* a; b waits for the window */
        /* c is queued while b waits; b is ordered after it. */
        fake_control("start", "c.service");
        fake_run_to_exit("A-", 0);
        CU_ASSERT_EQUAL(fake_count_spawns("B-"), 0);
        CU_ASSERT_EQUAL(fake_count_spawns("C-"), 1);
        fake_run_to_exit("C-", 0);
        CU_ASSERT_EQUAL(fake_count_spawns("B-"), 1);
        fake_run_to_exit("B-", 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "window_bounds_spawns_in_flight", test_window_bounds_spawns_in_flight },
        { "window_runs_every_waiting_job_once", test_window_runs_every_waiting_job_once },
        { "shutdown_cancels_waiting_starts", test_shutdown_cancels_waiting_starts },
        { "waiting_job_keeps_its_order_when_a_dependency_is_queued",
          test_waiting_job_keeps_its_order_when_a_dependency_is_queued },
        { 0 }
};
TEST_SUITE("sched_window", tests);
