/* Job ids and cancel, against the fake world: a bus job call is named its
 * job's id before the job runs (and a request that needs no job still
 * gets one); a restart keeps its id into its start; cancel ends one job
 * ("canceled") and leaves its unit as it is, fails the starts that
 * require it and releases those merely ordered after it; cancel with no
 * id ends every job; unknown and malformed ids are refused. */
#include <string.h>
#include <sys/wait.h>

#include "core/control.h"
#include "core/sched_internal.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define ONESHOT(tag, extra) \
        "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo " tag "\n"

/* VERB UNIT as the bus asks it: its job named first (announce_job). */
static void bus_job(const char *verb, const char *unit)
{
        char *units[] = { (char *) unit, NULL };
        struct control_request q = { .version = 1, .verb = (char *) verb, .units = units, .announce_job = true };
        F.now++;
        control_handle(F.s, 1, 0, &q);
}

static void cancel(const char *id)
{
        char *units[] = { (char *) id, NULL };
        struct control_request q = { .version = 1, .verb = (char *) "cancel", .units = id ? units : NULL };
        F.now++;
        control_handle(F.s, 2, 0, &q);
}

static uint32_t job_id_of(const char *unit)
{
        struct unit *u = unit_table_get(F.s->units, unit);
        return u && u->rt && u->rt->job ? u->rt->job->id : 0;
}

static void setup(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDescription=nothing\n");
        test_write_file(d, "gate.service", ONESHOT("3001", ""));
        test_write_file(d, "need.service", ONESHOT("3002", "Requires=gate.service\nAfter=gate.service"));
        test_write_file(d, "after.service", ONESHOT("3003", "After=gate.service"));
        test_write_file(d, "simple.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 3004\n");
        fake_setup(d, "t.target");
}

static void test_bus_job_is_named_before_it_runs(void)
{
        setup();
        bus_job("start", "gate.service");
        CU_ASSERT_EQUAL(F.interims, 1);
        CU_ASSERT_NOT_EQUAL(F.last_job_id, 0);
        CU_ASSERT_EQUAL(F.last_job_id, job_id_of("gate.service"));
        CU_ASSERT_EQUAL(F.replies, 0);
        fake_run_to_exit("3001", 0);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_EQUAL(F.last_code, 0);
        /* Up already: a job of its own all the same, done at once. */
        uint32_t before = F.last_job_id;
        bus_job("start", "gate.service");
        CU_ASSERT_EQUAL(F.interims, 2);
        CU_ASSERT_TRUE(job_id_newer(F.last_job_id, before));
        CU_ASSERT_EQUAL(F.replies, 2);
        /* weftctl's requests are not named. */
        fake_control("stop", "gate.service");
        CU_ASSERT_EQUAL(F.interims, 2);
        fake_teardown();
}

static void test_refused_bus_job_is_not_named(void)
{
        setup();
        bus_job("start", "nothing-such.service");
        CU_ASSERT_EQUAL(F.interims, 0);
        CU_ASSERT_EQUAL(F.replies, 1);
        CU_ASSERT_NOT_EQUAL(F.last_code, 0);
        fake_teardown();
}

static void test_restart_keeps_its_job_id_into_the_start(void)
{
        setup();
        fake_control("start", "simple.service");
        pid_t p = fake_report(fake_find_spawn("3004"));
        bus_job("restart", "simple.service");
        uint32_t id = F.last_job_id;
        CU_ASSERT_EQUAL(job_id_of("simple.service"), id);
        CU_ASSERT_TRUE(fake_killed(-p, SIGTERM));
        fake_exit(p, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(job_id_of("simple.service"), id); /* the start now */
        CU_ASSERT_EQUAL(fake_count_spawns("3004"), 2);
        fake_report(fake_find_spawn("3004"));
        CU_ASSERT_STRING_EQUAL(fake_state("simple.service"), "active");
        CU_ASSERT_EQUAL(job_id_of("simple.service"), 0);
        fake_teardown();
}

static void test_cancel_ends_one_job_and_leaves_its_unit_starting(void)
{
        char id[16];
        setup();
        fake_control("start", "need.service");   /* waits; pulls in gate */
        bus_job("start", "after.service");
        CU_ASSERT_STRING_EQUAL(fake_state("gate.service"), "activating");
        int replies = F.replies;
        snprintf(id, sizeof id, "%u", job_id_of("gate.service"));
        cancel(id);
        CU_ASSERT_EQUAL(job_id_of("gate.service"), 0);
        CU_ASSERT_STRING_EQUAL(fake_state("gate.service"), "activating");
        /* cancel's own answer, and need's client heard "dependency"; after runs. */
        CU_ASSERT_EQUAL(F.replies, replies + 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "A dependency job for need.service failed"));
        CU_ASSERT_EQUAL(job_id_of("need.service"), 0);
        CU_ASSERT_STRING_EQUAL(fake_state("need.service"), "inactive");
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "need.service"), "dependency");
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "gate.service"), "canceled");
        CU_ASSERT_TRUE(fake_find_spawn("3003") >= 0);
        fake_run_to_exit("3001", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("gate.service"), "active");
        fake_teardown();
}

static void test_cancel_refuses_unknown_and_malformed_ids(void)
{
        setup();
        cancel("4242");
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Job 4242 does not exist.");
        cancel("0");
        CU_ASSERT_STRING_EQUAL(F.last_error, "Job 0 does not exist.");
        cancel("-1");
        CU_ASSERT_STRING_EQUAL(F.last_error, "Failed to parse job id \"-1\".");
        fake_teardown();
}

static void test_cancel_without_ids_ends_every_job(void)
{
        setup();
        fake_control("start", "need.service");
        bus_job("start", "after.service");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 3);
        cancel(NULL);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(fake_find_spawn("3003"), -1);
        CU_ASSERT_STRING_EQUAL(sched_unit_job_result(F.s, "need.service"), "canceled");
        CU_ASSERT_STRING_EQUAL(fake_state("gate.service"), "activating");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "bus_job_is_named_before_it_runs", test_bus_job_is_named_before_it_runs },
        { "refused_bus_job_is_not_named", test_refused_bus_job_is_not_named },
        { "restart_keeps_its_job_id_into_the_start", test_restart_keeps_its_job_id_into_the_start },
        { "cancel_ends_one_job_and_leaves_its_unit_starting", test_cancel_ends_one_job_and_leaves_its_unit_starting },
        { "cancel_refuses_unknown_and_malformed_ids", test_cancel_refuses_unknown_and_malformed_ids },
        { "cancel_without_ids_ends_every_job", test_cancel_without_ids_ends_every_job },
        { 0 },
};
TEST_SUITE("sched_cancel", tests);
