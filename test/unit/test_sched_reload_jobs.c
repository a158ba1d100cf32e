/* daemon-reload with jobs queued, against the fake world: as systemd's,
 * jobs are carried over with their units, keep their ids and clients,
 * and wait by the new files' ordering from then on: a wait the new files
 * drop is released, a cycle they make among waiting jobs is broken (one
 * job is canceled, not left waiting forever). Only a unit with a job that
 * the new files make an alias of another makes the reload wait (-EBUSY,
 * nothing changed); once the shutdown began, none is taken (-ESHUTDOWN). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/sched_internal.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define ONESHOT(tag, extra) \
        "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo " tag "\n"

static const char *dir;

static uint32_t job_id_of(const char *unit)
{
        struct unit *u = unit_table_get(F.s->units, unit);
        return u && u->rt && u->rt->job ? u->rt->job->id : 0;
}

static void setup(void)
{
        dir = test_tmpdir();
        test_write_file(dir, "t.target", "[Unit]\nDescription=nothing\n");
        test_write_file(dir, "gate.service", ONESHOT("3101", ""));
        test_write_file(dir, "need.service", ONESHOT("3102", "Requires=gate.service\nAfter=gate.service"));
        test_write_file(dir, "after.service", ONESHOT("3103", "After=gate.service"));
        test_write_file(dir, "x.service", ONESHOT("3104", "After=gate.service"));
        test_write_file(dir, "y.service", ONESHOT("3105", "After=gate.service"));
        fake_setup(dir, "t.target");
}

static void test_running_and_waiting_jobs_survive_a_reload(void)
{
        setup();
        fake_control("start", "need.service");
        uint32_t gate = job_id_of("gate.service"), need = job_id_of("need.service");
        CU_ASSERT(gate && need);
        fake_reload(dir, "t.target");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 2);
        CU_ASSERT_EQUAL(job_id_of("gate.service"), gate);
        CU_ASSERT_EQUAL(job_id_of("need.service"), need);
        CU_ASSERT_EQUAL(fake_find_spawn("3102"), -1);
        fake_run_to_exit("3101", 0);
        CU_ASSERT(fake_find_spawn("3102") >= 0);
        fake_run_to_exit("3102", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("need.service"), "active");
        CU_ASSERT_EQUAL(F.replies, 1); /* the client that asked is answered */
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_a_wait_the_new_files_drop_is_released(void)
{
        setup();
        fake_control("start", "gate.service");
        fake_control("start", "after.service");
        CU_ASSERT_EQUAL(fake_find_spawn("3103"), -1);
        test_write_file(dir, "after.service", ONESHOT("3103", ""));
        fake_reload(dir, "t.target");
        CU_ASSERT(fake_find_spawn("3103") >= 0);
        CU_ASSERT_STRING_EQUAL(fake_state("gate.service"), "activating");
        fake_teardown();
}

static void test_a_cycle_the_new_files_make_is_broken(void)
{
        setup();
        fake_control("start", "gate.service");
        fake_control("start", "x.service");
        fake_control("start", "y.service");
        test_write_file(dir, "x.service", ONESHOT("3104", "After=gate.service y.service"));
        test_write_file(dir, "y.service", ONESHOT("3105", "After=gate.service x.service"));
        fake_reload(dir, "t.target");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 2); /* gate's, and one of x's and y's */
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Job for x.service canceled.");
        fake_run_to_exit("3101", 0);
        CU_ASSERT(fake_find_spawn("3105") >= 0);
        fake_run_to_exit("3105", 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_a_unit_with_a_job_made_an_alias_makes_the_reload_wait(void)
{
        char target[4096], link[4096];
        setup();
        fake_control("start", "gate.service");
        fake_control("start", "after.service");
        uint32_t after = job_id_of("after.service");
        snprintf(target, sizeof target, "%s/gate.service", dir);
        snprintf(link, sizeof link, "%s/after.service", dir);
        CU_ASSERT_FATAL(unlink(link) == 0 && symlink(target, link) == 0);
        CU_ASSERT_EQUAL(fake_try_reload(dir, "t.target"), -EBUSY);
        CU_ASSERT_EQUAL(job_id_of("after.service"), after); /* nothing changed */
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 2);
        fake_run_to_exit("3101", 0);
        fake_run_to_exit("3103", 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_reload(dir, "t.target"); /* no jobs left: the alias is taken */
        CU_ASSERT_PTR_EQUAL(unit_table_get(F.s->units, "after.service"), unit_table_get(F.s->units, "gate.service"));
        fake_teardown();
}

static void test_no_reload_once_the_shutdown_began(void)
{
        setup();
        fake_control("start", "gate.service");
        F.now++;
        sched_shutdown(F.s, F.now);
        unsigned jobs = sched_n_jobs(F.s);
        CU_ASSERT_EQUAL(fake_try_reload(dir, "t.target"), -ESHUTDOWN);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), jobs);
        CU_ASSERT_STRING_EQUAL(sched_swap_error(-ESHUTDOWN), "the system is shutting down");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "running_and_waiting_jobs_survive_a_reload", test_running_and_waiting_jobs_survive_a_reload },
        { "a_wait_the_new_files_drop_is_released", test_a_wait_the_new_files_drop_is_released },
        { "a_cycle_the_new_files_make_is_broken", test_a_cycle_the_new_files_make_is_broken },
        { "a_unit_with_a_job_made_an_alias_makes_the_reload_wait",
          test_a_unit_with_a_job_made_an_alias_makes_the_reload_wait },
        { "no_reload_once_the_shutdown_began", test_no_reload_once_the_shutdown_began },
        { 0 },
};
TEST_SUITE("sched_reload_jobs", tests);
