/* The scheduler against a fake spawner and a fake clock: ordering, the
 * Requires=/Wants= rules, cycles, Conflicts=, the restart table, the start
 * limit, stop order and timeouts, all deterministic. Each test loads a small
 * unit tree, starts a target, then plays the part of the worker pool and
 * the signal thread by feeding events. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/log.h"
#include "core/sched.h"
#include "base/strv.h"
#include "parse/load.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define ONESHOT(tag, extra) "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nType=oneshot\nExecStart=/bin/echo " tag "\n"
#define SIMPLE(tag, extra) "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nExecStart=/bin/sleep " tag "\n"

static void test_chain_starts_in_order(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n"
                                       "After=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "After=b.service"));
        fake_setup(d, "t.target");
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        CU_ASSERT(fake_find_spawn("A") >= 0);
        fake_run_to_exit("A", 0);
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        CU_ASSERT(fake_find_spawn("B") >= 0);
        fake_run_to_exit("B", 0);
        CU_ASSERT(fake_find_spawn("C") >= 0);
        CU_ASSERT_EQUAL(F.boot_done, 0);
        fake_run_to_exit("C", 0);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        CU_ASSERT_STRING_EQUAL(fake_state("t.target"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("c.service"), "inactive");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_unordered_units_start_together(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", ""));
        test_write_file(d, "c.service", ONESHOT("C", "Requires=a.service"));
        fake_setup(d, "t.target");
        /* No After=: all three at once, Requires= alone orders nothing. */
        CU_ASSERT_EQUAL(F.n_spawns, 3);
        fake_teardown();
}

static void test_requires_failure_cancels_dependent(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "Requires=a.service\nAfter=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "Wants=a.service\nAfter=a.service"));
        fake_setup(d, "t.target");
        fake_run_to_exit("A", 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "exit-code");
        CU_ASSERT_EQUAL(fake_find_spawn("B"), -1);          /* dependency: never started */
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "inactive");
        CU_ASSERT(fake_find_spawn("C") >= 0);               /* Wants= does not care */
        fake_teardown();
}

static void test_requires_failure_propagates_down_a_chain(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "Requires=a.service\nAfter=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "Requires=b.service\nAfter=b.service"));
        fake_setup(d, "t.target");
        fake_run_to_exit("A", 2);
        CU_ASSERT_EQUAL(fake_find_spawn("B"), -1);
        CU_ASSERT_EQUAL(fake_find_spawn("C"), -1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(F.boot_done, 1); /* the target only Wants= them */
        fake_teardown();
}

static void test_requiring_a_missing_unit_fails_at_once(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=b.service\n");
        test_write_file(d, "b.service", ONESHOT("B", "Requires=missing.service"));
        fake_setup(d, "t.target");
        CU_ASSERT_EQUAL(fake_find_spawn("B"), -1);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        fake_teardown();
}

static void test_ordering_cycle_is_broken_by_dropping_a_wanted_job(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", "After=c.service"));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "After=b.service"));
        fake_setup(d, "t.target");
        /* One of the three was dropped, so the other two run in order. */
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        for (int round = 0; round < 2 && F.n_spawns > 0; round++)
                fake_exit(fake_report(F.n_spawns - 1), CLD_EXITED, 0);
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        fake_teardown();
}

static void test_simple_service_is_active_once_forked(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("100", ""));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        fake_setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        pid_t pid = fake_report(fake_find_spawn("100"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "running");
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), pid);
        CU_ASSERT(fake_find_spawn("B") >= 0);
        fake_teardown();
}

static void test_exit_before_spawn_report_is_not_lost(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        fake_setup(d, "t.target");
        /* The signal thread reaps the child before the worker reports it. */
        pid_t pid = F.next_pid++;
        struct event ex = { .type = EVENT_EXITED, .stamp_usec = ++F.now };
        ex.exited.pid = pid;
        ex.exited.code = CLD_EXITED;
        sched_handle_event(F.s, &ex);
        struct event sp = { .type = EVENT_SPAWNED, .stamp_usec = ++F.now };
        sp.spawned.request_id = F.spawns[fake_find_spawn("A")]->id;
        sp.spawned.pid = pid;
        sched_handle_event(F.s, &sp);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT(fake_find_spawn("B") >= 0);
        fake_teardown();
}

static void test_restart_on_failure_restarts_after_restart_sec(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("200", "") "Restart=on-failure\nRestartSec=2s\n");
        fake_setup(d, "t.target");
        pid_t pid = fake_report(fake_find_spawn("200"));
        fake_exit(pid, CLD_EXITED, 3);
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "auto-restart");
        CU_ASSERT_EQUAL(fake_count_spawns("200"), 1);
        fake_advance(1999999);
        CU_ASSERT_EQUAL(fake_count_spawns("200"), 1);
        fake_advance(1);
        CU_ASSERT_EQUAL(fake_count_spawns("200"), 2);
        /* A clean exit is not a failure: no restart for on-failure. */
        fake_exit(fake_report(fake_find_spawn("200")), CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        fake_advance(10000000);
        CU_ASSERT_EQUAL(fake_count_spawns("200"), 2);
        fake_teardown();
}

struct restart_case {
        const char *restart;
        int code, status;
        bool restarts;
};

static void test_restart_table(void)
{
        static const struct restart_case cases[] = {
                { "no", CLD_EXITED, 1, false },           { "always", CLD_EXITED, 0, true },
                { "always", CLD_KILLED, SIGKILL, true },  { "on-success", CLD_EXITED, 0, true },
                { "on-success", CLD_EXITED, 1, false },   { "on-failure", CLD_EXITED, 1, true },
                { "on-failure", CLD_KILLED, SIGKILL, true }, { "on-failure", CLD_KILLED, SIGTERM, false },
                { "on-abnormal", CLD_EXITED, 1, false },  { "on-abnormal", CLD_KILLED, SIGSEGV, true },
                { "on-abort", CLD_DUMPED, SIGABRT, true }, { "on-abort", CLD_EXITED, 1, false },
                { "on-watchdog", CLD_EXITED, 1, false },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const struct restart_case *c = &cases[i];
                char unit[256];
                const char *d = test_tmpdir();
                snprintf(unit, sizeof unit, SIMPLE("300", "") "Restart=%s\n", c->restart);
                test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
                test_write_file(d, "a.service", unit);
                fake_setup(d, "t.target");
                fake_exit(fake_report(fake_find_spawn("300")), c->code, c->status);
                bool restarting = strcmp(sched_unit_sub_state(F.s, "a.service"), "auto-restart") == 0;
                if (restarting != c->restarts)
                        fprintf(stderr, "Restart=%s code=%d status=%d: expected %d\n", c->restart, c->code,
                                c->status, c->restarts);
                CU_ASSERT_EQUAL(restarting, c->restarts);
                fake_teardown();
        }
}

static void test_restart_prevent_and_force_exit_status(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("400", "") "Restart=always\nRestartPreventExitStatus=42\n");
        test_write_file(d, "b.service", SIMPLE("500", "") "Restart=no\nRestartForceExitStatus=7\n");
        fake_setup(d, "t.target");
        fake_exit(fake_report(fake_find_spawn("400")), CLD_EXITED, 42);
        fake_exit(fake_report(fake_find_spawn("500")), CLD_EXITED, 7);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "b.service"), "auto-restart");
        fake_teardown();
}

static void test_start_limit_stops_restarts(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service",
                        "[Unit]\nDefaultDependencies=no\nStartLimitIntervalSec=10s\nStartLimitBurst=3\n"
                        "[Service]\nExecStart=/bin/sleep 600\nRestart=always\nRestartSec=100ms\n");
        fake_setup(d, "t.target");
        for (int i = 0; i < 3; i++) {
                fake_exit(fake_report(fake_find_spawn("600")), CLD_EXITED, 1);
                fake_advance(100000);
        }
        CU_ASSERT_EQUAL(fake_count_spawns("600"), 3);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "start-limit-hit");
        fake_teardown();
}

static void test_exec_start_pre_failure_fails_the_unit(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStartPre=/bin/echo PRE\n"
                                        "ExecStart=/bin/sleep 700\nExecStopPost=/bin/echo POST $SERVICE_RESULT\n");
        fake_setup(d, "t.target");
        fake_run_to_exit("PRE", 1);
        CU_ASSERT_EQUAL(fake_find_spawn("700"), -1);
        int post = fake_find_spawn("POST");
        CU_ASSERT_FATAL(post >= 0);
        CU_ASSERT_TRUE(strv_contains(F.spawns[post]->envp, "SERVICE_RESULT=exit-code"));
        fake_exit(fake_report(post), CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        fake_teardown();
}

static void test_oneshot_remain_after_exit_stays_active(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", ONESHOT("A", "") "RemainAfterExit=yes\nExecStart=/bin/echo A2\n");
        fake_setup(d, "t.target");
        fake_run_to_exit("A", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        fake_run_to_exit("A2", 0); /* several ExecStart= run in sequence */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "exited");
        fake_teardown();
}

/* The runtime keeps which command runs as its place in the list: each
 * list runs in order, a "-" command's failure is ignored at its place,
 * and the next list starts from its first command. */
static void test_command_lists_run_in_order(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", ONESHOT("S1", "") "RemainAfterExit=yes\nExecStart=-/bin/echo S2\n"
                                        "ExecStart=/bin/echo S3\nExecStartPre=/bin/echo P1\n"
                                        "ExecStartPre=-/bin/echo P2\nExecStartPre=/bin/echo P3\n");
        fake_setup(d, "t.target");
        CU_ASSERT_EQUAL(fake_find_spawn("S1"), -1);
        fake_run_to_exit("P1", 0);
        fake_run_to_exit("P2", 1);
        CU_ASSERT_EQUAL(fake_find_spawn("S1"), -1);
        fake_run_to_exit("P3", 0);
        fake_run_to_exit("S1", 0);
        CU_ASSERT_EQUAL(fake_find_spawn("S3"), -1);
        fake_run_to_exit("S2", 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        fake_run_to_exit("S3", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "exited");
        fake_teardown();
}

/* A finished oneshot's stop lies on a chain's critical path: when its
 * process group is already empty (ESRCH), weft neither continues it nor
 * asks again whether anything is left, and the next unit starts. */
static void test_oneshot_stop_of_empty_group_is_one_kill(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("A"));
        int before = F.n_kills;
        fake_exit(a, CLD_EXITED, 0);
        CU_ASSERT_EQUAL(F.n_kills, before + 1);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        CU_ASSERT_FALSE(fake_killed(-a, SIGCONT));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_TRUE(fake_find_spawn("B") >= 0);
        fake_teardown();
}

static void test_shutdown_stops_in_reverse_order(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("801", ""));
        test_write_file(d, "b.service", SIMPLE("802", "After=a.service"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("801"));
        pid_t b = fake_report(fake_find_spawn("802"));
        sched_shutdown(F.s, ++F.now);
        /* b was started after a, so it is stopped first. */
        CU_ASSERT_EQUAL(F.n_kills, 2); /* SIGTERM + SIGCONT to b's group */
        CU_ASSERT_EQUAL(F.kills[0].pid, -b);
        CU_ASSERT_EQUAL(F.kills[0].sig, SIGTERM);
        CU_ASSERT_EQUAL(F.kills[1].sig, SIGCONT);
        fake_exit(b, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(F.kills[2].pid, -a);
        CU_ASSERT_EQUAL(F.shutdown_done, 0);
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

static void test_stop_timeout_escalates_to_sigkill(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("900", "") "TimeoutStopSec=5s\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("900"));
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_EQUAL(F.kills[0].sig, SIGTERM);
        fake_advance(5000000);
        CU_ASSERT_EQUAL(F.kills[F.n_kills - 1].sig, SIGKILL);
        CU_ASSERT_EQUAL(F.kills[F.n_kills - 1].pid, -a);
        fake_exit(a, CLD_KILLED, SIGKILL);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        fake_teardown();
}

static void test_conflicting_unit_is_stopped_first(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("1001", ""));
        /* systemd.unit(5): Conflicts= orders nothing by itself; with an
         * ordering edge, the stop job always goes first. */
        test_write_file(d, "b.service", SIMPLE("1002", "Conflicts=a.service\nAfter=a.service"));
        fake_setup_with(d, "t.target", "b.service", NULL);
        pid_t a = fake_report(fake_find_spawn("1001"));
        CU_ASSERT_EQUAL(sched_start(F.s, "b.service", ++F.now, false), 0);
        CU_ASSERT_EQUAL(fake_find_spawn("1002"), -1); /* waits for a's stop */
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT(fake_find_spawn("1002") >= 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        fake_teardown();
}

static void test_on_failure_starts_its_unit(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", ONESHOT("A", "OnFailure=rescue.service"));
        test_write_file(d, "rescue.service", ONESHOT("RESCUE", ""));
        fake_setup(d, "t.target");
        CU_ASSERT_EQUAL(fake_find_spawn("RESCUE"), -1);
        fake_run_to_exit("A", 1);
        CU_ASSERT(fake_find_spawn("RESCUE") >= 0);
        fake_teardown();
}

static void test_binds_to_stops_with_the_bound_unit(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("1101", ""));
        test_write_file(d, "b.service", SIMPLE("1102", "BindsTo=a.service\nAfter=a.service"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("1101"));
        pid_t b = fake_report(fake_find_spawn("1102"));
        fake_exit(a, CLD_EXITED, 0); /* a dies on its own */
        CU_ASSERT_TRUE(fake_killed(-b, SIGTERM));
        fake_exit(b, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "inactive");
        fake_teardown();
}

static void test_start_timeout_fails_and_kills(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=forking\n"
                                        "ExecStart=/bin/sleep 1200\nTimeoutStartSec=3s\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("1200"));
        fake_advance(3000000);
        CU_ASSERT_EQUAL(F.kills[0].pid, -a);
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "timeout");
        fake_teardown();
}

static void test_unmet_condition_skips_without_failing_dependents(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", "ConditionPathExists=/nonexistent/weft-test"));
        test_write_file(d, "b.service", ONESHOT("B", "Requires=a.service\nAfter=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "AssertPathExists=/nonexistent/weft-test"));
        fake_setup(d, "t.target");
        CU_ASSERT_EQUAL(fake_find_spawn("A"), -1);      /* skipped, never run */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT(fake_find_spawn("B") >= 0);           /* a skip is not a failure */
        CU_ASSERT_EQUAL(fake_find_spawn("C"), -1);      /* an unmet assertion fails the job */
        fake_teardown();
}

static const struct test_case tests[] = {
        { "unmet_condition_skips_without_failing_dependents", test_unmet_condition_skips_without_failing_dependents },
        { "chain_starts_in_order", test_chain_starts_in_order },
        { "unordered_units_start_together", test_unordered_units_start_together },
        { "requires_failure_cancels_dependent", test_requires_failure_cancels_dependent },
        { "requires_failure_propagates_down_a_chain", test_requires_failure_propagates_down_a_chain },
        { "requiring_a_missing_unit_fails_at_once", test_requiring_a_missing_unit_fails_at_once },
        { "ordering_cycle_is_broken_by_dropping_a_wanted_job", test_ordering_cycle_is_broken_by_dropping_a_wanted_job },
        { "simple_service_is_active_once_forked", test_simple_service_is_active_once_forked },
        { "exit_before_spawn_report_is_not_lost", test_exit_before_spawn_report_is_not_lost },
        { "restart_on_failure_restarts_after_restart_sec", test_restart_on_failure_restarts_after_restart_sec },
        { "restart_table", test_restart_table },
        { "restart_prevent_and_force_exit_status", test_restart_prevent_and_force_exit_status },
        { "start_limit_stops_restarts", test_start_limit_stops_restarts },
        { "exec_start_pre_failure_fails_the_unit", test_exec_start_pre_failure_fails_the_unit },
        { "oneshot_remain_after_exit_stays_active", test_oneshot_remain_after_exit_stays_active },
        { "command_lists_run_in_order", test_command_lists_run_in_order },
        { "oneshot_stop_of_empty_group_is_one_kill", test_oneshot_stop_of_empty_group_is_one_kill },
        { "shutdown_stops_in_reverse_order", test_shutdown_stops_in_reverse_order },
        { "stop_timeout_escalates_to_sigkill", test_stop_timeout_escalates_to_sigkill },
        { "conflicting_unit_is_stopped_first", test_conflicting_unit_is_stopped_first },
        { "on_failure_starts_its_unit", test_on_failure_starts_its_unit },
        { "binds_to_stops_with_the_bound_unit", test_binds_to_stops_with_the_bound_unit },
        { "start_timeout_fails_and_kills", test_start_timeout_fails_and_kills },
        { 0 },
};
TEST_SUITE("sched", tests);
