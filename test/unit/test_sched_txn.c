/* Transactions built while other jobs are installed, against the fake
 * world: weftctl start of several ordered units in one request or in
 * several, requests that replace or cancel jobs of an earlier unit of the
 * same request, a cycle through an installed job, and which job a broken
 * ordering cycle drops. Several of these crashed PID 1 (issue 8, B1); run
 * them under ASan. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "core/control.h"
#include "core/sched.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define SIMPLE(tag, extra) "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nExecStart=/bin/sleep " tag "\n"
#define ONESHOT(tag, extra) "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nType=oneshot\nExecStart=/bin/echo " tag "\n"

/* weftctl VERB UNITS... as root on connection 1. */
static void control_units(const char *verb, const char *a, const char *b, const char *c)
{
        char *units[] = { (char *) a, (char *) b, (char *) c, NULL };
        struct control_request q = { .version = 1, .verb = (char *) verb, .units = units };
        F.now++;
        control_handle(F.s, 1, 0, &q);
}

/* A boot of an empty target, so every unit below starts only on request. */
static const char *empty_boot(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDescription=nothing\n");
        return d;
}

static void test_start_of_ordered_units_in_one_request_runs_them_in_order(void)
{
        const char *d = empty_boot();
        test_write_file(d, "a.service", SIMPLE("2001", ""));
        test_write_file(d, "b.service", SIMPLE("2002", "After=a.service"));
        test_write_file(d, "c.service", SIMPLE("2003", "After=b.service a.service"));
        fake_setup(d, "t.target");
        control_units("start", "a.service", "b.service", "c.service");
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        CU_ASSERT_EQUAL(F.replies, 0);
        fake_report(fake_find_spawn("2001"));
        CU_ASSERT_EQUAL(fake_find_spawn("2003"), -1);
        fake_report(fake_find_spawn("2002"));
        fake_report(fake_find_spawn("2003"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("c.service"), "active");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_start_of_ordered_units_named_in_reverse_runs_them_in_order(void)
{
        const char *d = empty_boot();
        test_write_file(d, "a.service", SIMPLE("2011", ""));
        test_write_file(d, "b.service", SIMPLE("2012", "After=a.service"));
        test_write_file(d, "c.service", SIMPLE("2013", "After=b.service"));
        fake_setup(d, "t.target");
        control_units("start", "c.service", "b.service", "a.service");
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        fake_report(fake_find_spawn("2011"));
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        fake_report(fake_find_spawn("2012"));
        CU_ASSERT_EQUAL(F.n_spawns, 3);
        fake_report(fake_find_spawn("2013"));
        CU_ASSERT_STRING_EQUAL(fake_state("c.service"), "active");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_teardown();
}

/* Both units of the request are anchors; one of them must go, the other
 * runs, and the client hears about the dropped one. */
static void test_ordering_cycle_between_units_of_one_request_drops_one(void)
{
        const char *d = empty_boot();
        test_write_file(d, "a.service", SIMPLE("2021", "After=b.service"));
        test_write_file(d, "b.service", SIMPLE("2022", "After=a.service"));
        fake_setup(d, "t.target");
        control_units("start", "a.service", "b.service", NULL);
        CU_ASSERT_EQUAL_FATAL(F.n_spawns, 1);
        fake_report(0);
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_start_of_ordered_units_in_separate_requests_runs_them_in_order(void)
{
        const char *d = empty_boot();
        test_write_file(d, "a.service", SIMPLE("2101", ""));
        test_write_file(d, "b.service", SIMPLE("2102", "After=a.service"));
        test_write_file(d, "c.service", SIMPLE("2103", "After=b.service"));
        fake_setup(d, "t.target");
        control_units("start", "a.service", NULL, NULL);
        control_units("start", "b.service", NULL, NULL);
        control_units("start", "c.service", NULL, NULL);
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        fake_report(fake_find_spawn("2101"));
        CU_ASSERT_EQUAL(F.replies, 1);
        fake_report(fake_find_spawn("2102"));
        fake_report(fake_find_spawn("2103"));
        CU_ASSERT_EQUAL(F.replies, 3);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("c.service"), "active");
        fake_teardown();
}

/* b conflicts with a, so b's transaction cancels a's queued start: the
 * client waiting for both hears that a's job was canceled. */
static void test_later_unit_of_a_request_may_cancel_an_earlier_ones_job(void)
{
        const char *d = empty_boot();
        test_write_file(d, "a.service", SIMPLE("2201", ""));
        test_write_file(d, "b.service", SIMPLE("2202", "Conflicts=a.service\nAfter=a.service"));
        fake_setup(d, "t.target");
        control_units("start", "a.service", "b.service", NULL);
        CU_ASSERT_EQUAL(fake_find_spawn("2201"), -1);
        fake_report(fake_find_spawn("2202"));
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* stop a, which b requires and is ordered after: b's stop (queued by the
 * propagation, not named in the request) runs first, then a's, and the
 * client is answered. */
static void test_stop_of_a_required_unit_stops_what_requires_it_first(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("2701", ""));
        test_write_file(d, "b.service", SIMPLE("2702", "Requires=a.service\nAfter=a.service"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("2701"));
        pid_t b = fake_report(fake_find_spawn("2702"));
        control_units("stop", "a.service", NULL, NULL);
        CU_ASSERT_TRUE(fake_killed(-b, SIGTERM));
        CU_ASSERT_FALSE(fake_killed(-a, SIGTERM));
        fake_exit(b, CLD_KILLED, SIGTERM);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "inactive");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* a and b are ordered after each other, both up (started one after the
 * other): their stop jobs wait for each other. The cycle is broken at
 * once, not by the shutdown deadline 90 s later. */
static void test_shutdown_through_an_ordering_cycle_stops_both_at_once(void)
{
        const char *d = empty_boot();
        test_write_file(d, "a.service", SIMPLE("2801", "After=b.service"));
        test_write_file(d, "b.service", SIMPLE("2802", "After=a.service"));
        fake_setup(d, "t.target");
        control_units("start", "a.service", NULL, NULL);
        pid_t a = fake_report(fake_find_spawn("2801"));
        control_units("start", "b.service", NULL, NULL);
        pid_t b = fake_report(fake_find_spawn("2802"));
        CU_ASSERT_EQUAL(F.replies, 2);
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM) || fake_killed(-b, SIGTERM));
        if (fake_killed(-a, SIGTERM)) {
                fake_exit(a, CLD_KILLED, SIGTERM);
                CU_ASSERT_TRUE(fake_killed(-b, SIGTERM));
                fake_exit(b, CLD_KILLED, SIGTERM);
        } else {
                fake_exit(b, CLD_KILLED, SIGTERM);
                CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
                fake_exit(a, CLD_KILLED, SIGTERM);
        }
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* restart a b, with b down and ordered after a: b waits until a is up
 * again, not only until a is down. */
static void test_restart_holds_back_units_ordered_after_until_the_new_start(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("2301", ""));
        test_write_file(d, "b.service", SIMPLE("2302", "Requires=a.service\nAfter=a.service"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("2301"));
        control_units("restart", "a.service", "b.service", NULL);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(fake_count_spawns("2301"), 2);
        CU_ASSERT_EQUAL(fake_find_spawn("2302"), -1);
        fake_report(fake_find_spawn("2301"));
        CU_ASSERT_FATAL(fake_find_spawn("2302") >= 0);
        fake_report(fake_find_spawn("2302"));
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "active");
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* restart a, where a wants c, a oneshot ordered after it: the restart's
 * start pulls c in again, and c waits for that start, not for the stop. */
static void test_restart_pulls_in_wanted_units_after_the_new_start(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("2311", "Wants=c.service"));
        test_write_file(d, "c.service", ONESHOT("2313", "After=a.service"));
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("2311"));
        fake_run_to_exit("2313", 0);
        control_units("restart", "a.service", NULL, NULL);
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(fake_count_spawns("2311"), 2);
        CU_ASSERT_EQUAL(fake_count_spawns("2313"), 1);
        fake_report(fake_find_spawn("2311"));
        CU_ASSERT_EQUAL(fake_count_spawns("2313"), 2);
        fake_run_to_exit("2313", 0);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* A running job waits for nothing, so an After= cycle through it is no
 * deadlock: b starts once a is up, and neither job is dropped. */
static void test_ordering_cycle_through_a_running_job_drops_nothing(void)
{
        const char *d = empty_boot();
        test_write_file(d, "a.service", SIMPLE("2401", "After=b.service"));
        test_write_file(d, "b.service", SIMPLE("2402", "After=a.service"));
        fake_setup(d, "t.target");
        control_units("start", "a.service", NULL, NULL);
        control_units("start", "b.service", NULL, NULL);
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        fake_report(fake_find_spawn("2401"));
        CU_ASSERT(fake_find_spawn("2402") >= 0);
        fake_report(fake_find_spawn("2402"));
        CU_ASSERT_EQUAL(F.replies, 2);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "active");
        fake_teardown();
}

/* a waits for slow c; starting b, ordered both ways with a, closes a cycle
 * of waiting jobs across two requests. It must be broken, not wait forever. */
static void test_ordering_cycle_with_a_waiting_job_of_an_earlier_request_is_broken(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=c.service\n");
        test_write_file(d, "c.service", ONESHOT("2500", ""));
        test_write_file(d, "a.service", SIMPLE("2501", "After=c.service b.service"));
        test_write_file(d, "b.service", SIMPLE("2502", "After=a.service"));
        fake_setup(d, "t.target");
        control_units("start", "a.service", NULL, NULL);
        control_units("start", "b.service", NULL, NULL);
        CU_ASSERT_EQUAL(F.replies, 1); /* b's job was dropped at once */
        CU_ASSERT_EQUAL(F.last_code, 1);
        fake_run_to_exit("2500", 0);
        fake_report(fake_find_spawn("2501"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_EQUAL(F.replies, 2);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* t requires a, a requires a2, a2 requires x, x requires y: y is as
 * mandatory as a. t also wants x directly (so x is pulled in before a2
 * requires it) and, three Wants= away, c. In the ordering cycle y -> c ->
 * y, c (only wanted) is the job to drop, never y. */
static void test_unit_required_through_a_chain_is_not_dropped_from_a_cycle(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDefaultDependencies=no\nRequires=a.service\nWants=x.service w.service\n");
        test_write_file(d, "a.service", ONESHOT("2601", "Requires=a2.service"));
        test_write_file(d, "a2.service", ONESHOT("2602", "Requires=x.service"));
        test_write_file(d, "x.service", ONESHOT("2603", "Requires=y.service"));
        test_write_file(d, "y.service", ONESHOT("2604", "After=c.service"));
        test_write_file(d, "w.service", ONESHOT("2605", "Wants=w2.service"));
        test_write_file(d, "w2.service", ONESHOT("2606", "Wants=c.service"));
        test_write_file(d, "c.service", ONESHOT("2607", "After=y.service"));
        fake_setup(d, "t.target");
        CU_ASSERT(fake_find_spawn("2604") >= 0);
        CU_ASSERT_EQUAL(fake_find_spawn("2607"), -1);
        for (const char *const *tag = (const char *const[]) { "2601", "2602", "2603", "2604", "2605", "2606", NULL };
             *tag; tag++)
                fake_run_to_exit(*tag, 0);
        CU_ASSERT_EQUAL(fake_find_spawn("2607"), -1);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

/* A start installed irreversibly (systemctl poweroff's job mode) cannot be
 * undone: a later start of a unit that conflicts with it is refused, and
 * the irreversible job stays; a plain start is undone as before. */
static void test_irreversible_start_refuses_a_start_that_would_cancel_it(void)
{
        const char *d = empty_boot();
        test_write_file(d, "slow.service", ONESHOT("3001", ""));
        test_write_file(d, "shutdown.target", "[Unit]\nDefaultDependencies=no\nAfter=slow.service\nWants=slow.service\n");
        test_write_file(d, "late.service", SIMPLE("3002", "Conflicts=shutdown.target"));
        fake_setup(d, "t.target");
        control_units("start-irreversibly", "shutdown.target", NULL, NULL);
        CU_ASSERT_EQUAL(F.n_spawns, 1); /* slow.service; shutdown.target waits for it */
        control_units("start", "late.service", NULL, NULL);
        CU_ASSERT_NOT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(fake_find_spawn("3002"), -1);
        fake_run_to_exit("3001", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("shutdown.target"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("late.service"), "inactive");
        /* Reversible, the same start cancels the target's job. */
        control_units("stop", "shutdown.target", NULL, NULL);
        control_units("start", "shutdown.target", NULL, NULL);
        control_units("start", "late.service", NULL, NULL);
        CU_ASSERT_STRING_EQUAL(fake_state("shutdown.target"), "inactive");
        fake_teardown();
}

/* weftctl isolate (systemctl isolate's job mode): the target starts and
 * every unit it does not pull in stops, except IgnoreOnIsolate= ones,
 * explicit (a service) or by their type's default (a slice). A target
 * without AllowIsolate=yes is refused and nothing stops; so is more than
 * one unit. */
static void test_isolate_stops_every_unit_the_target_does_not_pull_in(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "multi.target", "[Unit]\nAllowIsolate=yes\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("3101", ""));
        test_write_file(d, "b.service", SIMPLE("3102", "Requires=a.service\nAfter=a.service"));
        test_write_file(d, "keep.service", SIMPLE("3103", "IgnoreOnIsolate=yes"));
        test_write_file(d, "r.service", SIMPLE("3104", ""));
        test_write_file(d, "rescue.target", "[Unit]\nAllowIsolate=yes\nWants=r.service a.service\n");
        test_write_file(d, "plain.target", "[Unit]\nWants=r.service\n");
        test_write_file(d, "x.slice", "[Unit]\nDescription=kept by its type\n");
        fake_setup(d, "multi.target");
        fake_report(fake_find_spawn("3101"));
        pid_t b = fake_report(fake_find_spawn("3102"));
        control_units("start", "keep.service", "x.slice", NULL);
        pid_t keep = fake_report(fake_find_spawn("3103"));
        CU_ASSERT_STRING_EQUAL(fake_state("x.slice"), "active");

        control_units("isolate", "plain.target", NULL, NULL);
        CU_ASSERT_NOT_EQUAL(F.last_code, 0);
        control_units("isolate", "rescue.target", "multi.target", NULL);
        CU_ASSERT_NOT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(fake_find_spawn("3104"), -1);
        CU_ASSERT_FALSE(fake_killed(-b, SIGTERM));

        control_units("isolate", "rescue.target", NULL, NULL);
        CU_ASSERT_TRUE(fake_killed(-b, SIGTERM));
        CU_ASSERT_FALSE(fake_killed(-keep, SIGTERM));
        fake_exit(b, CLD_KILLED, SIGTERM);
        fake_report(fake_find_spawn("3104"));
        CU_ASSERT_STRING_EQUAL(fake_state("rescue.target"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("multi.target"), "inactive");
        CU_ASSERT_STRING_EQUAL(fake_state("b.service"), "inactive");
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active"); /* rescue.target wants it too */
        CU_ASSERT_STRING_EQUAL(fake_state("keep.service"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("x.slice"), "active");
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "start_of_ordered_units_in_one_request_runs_them_in_order",
          test_start_of_ordered_units_in_one_request_runs_them_in_order },
        { "start_of_ordered_units_named_in_reverse_runs_them_in_order",
          test_start_of_ordered_units_named_in_reverse_runs_them_in_order },
        { "ordering_cycle_between_units_of_one_request_drops_one", test_ordering_cycle_between_units_of_one_request_drops_one },
        { "start_of_ordered_units_in_separate_requests_runs_them_in_order",
          test_start_of_ordered_units_in_separate_requests_runs_them_in_order },
        { "later_unit_of_a_request_may_cancel_an_earlier_ones_job",
          test_later_unit_of_a_request_may_cancel_an_earlier_ones_job },
        { "stop_of_a_required_unit_stops_what_requires_it_first",
          test_stop_of_a_required_unit_stops_what_requires_it_first },
        { "shutdown_through_an_ordering_cycle_stops_both_at_once",
          test_shutdown_through_an_ordering_cycle_stops_both_at_once },
        { "restart_holds_back_units_ordered_after_until_the_new_start",
          test_restart_holds_back_units_ordered_after_until_the_new_start },
        { "restart_pulls_in_wanted_units_after_the_new_start", test_restart_pulls_in_wanted_units_after_the_new_start },
        { "ordering_cycle_through_a_running_job_drops_nothing", test_ordering_cycle_through_a_running_job_drops_nothing },
        { "irreversible_start_refuses_a_start_that_would_cancel_it", test_irreversible_start_refuses_a_start_that_would_cancel_it },
        { "isolate_stops_every_unit_the_target_does_not_pull_in", test_isolate_stops_every_unit_the_target_does_not_pull_in },
        { "ordering_cycle_with_a_waiting_job_of_an_earlier_request_is_broken",
          test_ordering_cycle_with_a_waiting_job_of_an_earlier_request_is_broken },
        { "unit_required_through_a_chain_is_not_dropped_from_a_cycle",
          test_unit_required_through_a_chain_is_not_dropped_from_a_cycle },
        { 0 },
};
TEST_SUITE("sched_txn", tests);
