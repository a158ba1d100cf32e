/* The service state machine's table (core/service_events.c), cell by
 * cell: every sub-state a service has names an action for every event,
 * "ignore" included; an ignored event leaves the unit where it was; every
 * other action moves it only to sub-states services have (the fake aborts
 * on any other, as unit_set_sub refuses it). */
#include <sys/wait.h>

#include "core/service_internal.h"
#include "core/unit_type.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define FULL_SERVICE                                                                                        \
        "[Unit]\nDefaultDependencies=no\n[Service]\nExecStartPre=/bin/true PRE\nExecStart=/bin/sleep 66\n"   \
        "ExecStartPost=/bin/true POST\nExecReload=/bin/true RELOAD\nExecStop=/bin/true STOP\n"               \
        "ExecStopPost=/bin/true STOPPOST\nWatchdogSec=10\nRuntimeMaxSec=100\n"

static bool is_service_sub(enum sub_state sub, enum unit_active_state *ret)
{
        uint8_t a = service_ops.active_of[sub];
        if (a)
                *ret = (enum unit_active_state) (a - 1);
        return a != 0;
}

static void test_every_service_sub_state_names_an_action_for_every_event(void)
{
        enum unit_active_state active;
        for (int sub = 0; sub < _SUB_STATE_MAX; sub++)
                for (int e = 0; e < _SERVICE_EVENT_MAX; e++)
                        CU_ASSERT_EQUAL(service_event_has_action(sub, e), is_service_sub(sub, &active));
}

/* A booted a.service (running, main pid known), then forced into sub. */
static struct unit *service_in(enum sub_state sub, const char *dir)
{
        fake_setup(dir, "t.target");
        fake_run_to_exit("PRE", 0);
        fake_report(fake_find_spawn("66"));
        fake_run_to_exit("POST", 0);
        struct unit *u = unit_table_get(&F.table, "a.service");
        enum unit_active_state active = UNIT_INACTIVE;
        CU_ASSERT_FATAL(is_service_sub(sub, &active));
        u->rt->sub = sub;
        u->rt->active = active;
        return u;
}

static void test_every_cell_of_the_service_table(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", FULL_SERVICE);
        enum unit_active_state active = UNIT_INACTIVE;
        unsigned walked = 0;

        for (int sub = 0; sub < _SUB_STATE_MAX; sub++) {
                if (!is_service_sub(sub, &active))
                        continue;
                for (int e = 0; e < _SERVICE_EVENT_MAX; e++)
                        for (int ok = 0; ok <= 1; ok++) {
                                struct unit *u = service_in(sub, d);
                                CU_ASSERT_STRING_EQUAL(fake_state("a.service"),
                                                       unit_active_state_to_string(active));
                                const struct service_event_args a = {
                                        .code = CLD_EXITED, .status = ok ? 0 : 1, .ok = ok,
                                };
                                service_event(F.s, u, e, &a);
                                sched_run_ready(F.s);
                                if (service_event_ignored(sub, e))
                                        CU_ASSERT_EQUAL(u->rt->sub, (enum sub_state) sub);
                                enum unit_active_state after;
                                CU_ASSERT(is_service_sub(u->rt->sub, &after));
                                fake_teardown();
                                walked++;
                        }
        }
        CU_ASSERT_EQUAL(walked, 15u * _SERVICE_EVENT_MAX * 2);
}

static void test_stopping_leaves_a_running_service_in_stop_sigterm(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", FULL_SERVICE);
        struct unit *u = service_in(SUB_RUNNING, d);
        service_event(F.s, u, SEV_STOPPING, NULL);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "deactivating");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "stop-sigterm");
        fake_teardown();
}

static void test_reloading_then_ready_returns_to_running(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", FULL_SERVICE);
        struct unit *u = service_in(SUB_RUNNING, d);
        service_event(F.s, u, SEV_RELOADING, NULL);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "reloading");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "reload");
        service_event(F.s, u, SEV_READY, NULL);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "running");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "every_service_sub_state_names_an_action_for_every_event",
          test_every_service_sub_state_names_an_action_for_every_event },
        { "every_cell_of_the_service_table", test_every_cell_of_the_service_table },
        { "stopping_leaves_a_running_service_in_stop_sigterm", test_stopping_leaves_a_running_service_in_stop_sigterm },
        { "reloading_then_ready_returns_to_running", test_reloading_then_ready_returns_to_running },
        { 0 },
};
TEST_SUITE("service_table", tests);
