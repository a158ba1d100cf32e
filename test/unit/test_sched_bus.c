/* Type=dbus against the fake world of sched_fake.h: the bus thread's
 * reports (EVENT_BUS_NAME) are what make the service started, and what
 * stops it; the start timeout bounds the wait; ExecStartPost= runs after
 * the name, as for Type=notify after READY=1. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

static void bus_name(const char *name, bool owned)
{
        struct event ev = { .type = EVENT_BUS_NAME, .stamp_usec = F.now };
        ev.bus_name.name = strdup(name);
        ev.bus_name.owned = owned;
        sched_handle_event(F.s, &ev);
}

static void write_units(const char *d, const char *extra)
{
        char sock[4096], svc[4096];
        snprintf(sock, sizeof sock, "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=%s/bus.sock\n", d);
        test_write_file(d, "dbus.socket", sock);
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        snprintf(svc, sizeof svc,
                 "[Unit]\nDefaultDependencies=no\n[Service]\nType=dbus\nBusName=org.weft.A\n"
                 "ExecStart=/bin/sleep 77\n%s",
                 extra);
        test_write_file(d, "a.service", svc);
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\nAfter=a.service\n[Service]\nType=oneshot\n"
                                        "ExecStart=/bin/echo B\n");
}

static void test_dbus_service_is_active_when_its_name_is_owned(void)
{
        const char *d = test_tmpdir();
        write_units(d, "ExecStartPost=/bin/echo POST\n");
        fake_setup(d, "t.target");
        fake_report(fake_find_spawn("77"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        bus_name("org.weft.Other", true); /* nobody's name */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        CU_ASSERT_EQUAL(fake_find_spawn("POST"), -1);
        CU_ASSERT_EQUAL(fake_find_spawn("B"), -1);
        bus_name("org.weft.A", true);
        fake_run_to_exit("POST", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT(fake_find_spawn("B") >= 0);
        fake_teardown();
}

static void test_dbus_name_taken_before_the_fork_report_counts(void)
{
        const char *d = test_tmpdir();
        write_units(d, "");
        fake_setup(d, "t.target");
        bus_name("org.weft.A", true); /* GetNameOwner answered before the worker did */
        fake_report(fake_find_spawn("77"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_teardown();
}

static void test_dbus_start_times_out_without_its_name(void)
{
        const char *d = test_tmpdir();
        write_units(d, "TimeoutStartSec=3\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        fake_advance(2900000);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        fake_advance(200000);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "timeout");
        fake_teardown();
}

static void test_dbus_name_lost_while_running_stops_the_unit(void)
{
        const char *d = test_tmpdir();
        write_units(d, "");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        bus_name("org.weft.A", true);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        bus_name("org.weft.A", false);
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        fake_teardown();
}

static void test_dbus_clean_exit_while_waiting_keeps_waiting(void)
{
        const char *d = test_tmpdir();
        write_units(d, "TimeoutStartSec=5\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        fake_exit(a, CLD_EXITED, 0); /* a child may still take the name (systemd waits too) */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        fake_advance(5100000);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        fake_teardown();
}

/* A restart: the old run's name is reported lost only after the new run
 * forked. The new run waits for its own name instead of counting the old
 * one and being stopped by its loss. */
static void test_dbus_restart_waits_for_the_new_runs_name(void)
{
        const char *d = test_tmpdir();
        write_units(d, "");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("77"));
        bus_name("org.weft.A", true);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_control("restart", "a.service");
        CU_ASSERT_TRUE(fake_killed(-a, SIGTERM));
        fake_exit(a, CLD_KILLED, SIGTERM);
        pid_t b = fake_report(F.n_spawns - 1);
        CU_ASSERT(b > 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        bus_name("org.weft.A", false); /* the old run's loss, late */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        bus_name("org.weft.A", true);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_teardown();
}

/* Every change of a unit's state or job goes to ops.unit_changed (the bus
 * thread's PropertiesChanged): the job while it runs, none once it ended. */
static void test_unit_changes_carry_the_job(void)
{
        const char *d = test_tmpdir();
        write_units(d, "");
        fake_setup(d, "t.target");
        fake_report(fake_find_spawn("77"));
        bus_name("org.weft.A", true);
        const char *c = strstr(F.changes, "a.service activating start ");
        CU_ASSERT_PTR_NOT_NULL(c);
        if (c)
                CU_ASSERT_NOT_EQUAL(c[strlen("a.service activating start ")], '0');
        CU_ASSERT_PTR_NOT_NULL(strstr(F.changes, "a.service active running 0|"));
        fake_teardown();
}

static const struct test_case tests[] = {
        { "unit_changes_carry_the_job", test_unit_changes_carry_the_job },
        { "dbus_restart_waits_for_the_new_runs_name", test_dbus_restart_waits_for_the_new_runs_name },
        { "dbus_service_is_active_when_its_name_is_owned", test_dbus_service_is_active_when_its_name_is_owned },
        { "dbus_name_taken_before_the_fork_report_counts", test_dbus_name_taken_before_the_fork_report_counts },
        { "dbus_start_times_out_without_its_name", test_dbus_start_times_out_without_its_name },
        { "dbus_name_lost_while_running_stops_the_unit", test_dbus_name_lost_while_running_stops_the_unit },
        { "dbus_clean_exit_while_waiting_keeps_waiting", test_dbus_clean_exit_while_waiting_keeps_waiting },
        { 0 },
};
TEST_SUITE("sched_bus", tests);
