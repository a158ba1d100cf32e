/* Garbage collection of units nothing needs (core/sched_gc.c), against the
 * fake spawner: what may be collected (no job, inactive, failed only with
 * CollectMode=inactive-or-failed, the type's say), what keeps a unit (a
 * live unit that references it, not one it references), chains and
 * cycles, and what brings a collected unit back (a request naming it, a
 * unit loaded later referencing it), fresh. A collected unit is unknown
 * to lookups by name: fake_state() gives NULL. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sched.h"
#include "core/sched_internal.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"


static void unit(const char *d, const char *name, const char *extra_unit, const char *exec)
{
        char body[512];
        snprintf(body, sizeof body, "[Unit]\nDefaultDependencies=no\n%s[Service]\nType=oneshot\nExecStart=%s\n",
                 extra_unit, exec);
        test_write_file(d, name, body);
}

/* t.target wants a.service, which is After= r.service (never started);
 * lone, x, y, z, cyc1, cyc2, fail and failgc are referenced by nothing. */
static const char *write_units(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        unit(d, "a.service", "After=r.service\n", "/bin/echo A-");
        unit(d, "r.service", "", "/bin/echo R-");
        unit(d, "lone.service", "", "/bin/echo LONE-");
        unit(d, "x.service", "Wants=y.service\n", "/bin/echo X-");
        unit(d, "y.service", "", "/bin/echo Y-");
        unit(d, "z.service", "Wants=x.service\n", "/bin/echo Z-");
        unit(d, "cyc1.service", "Wants=cyc2.service\n", "/bin/echo C1-");
        unit(d, "cyc2.service", "Wants=cyc1.service\n", "/bin/echo C2-");
        unit(d, "fail.service", "", "/bin/false FAIL-");
        unit(d, "failgc.service", "CollectMode=inactive-or-failed\nStartLimitBurst=1\n", "/bin/false FAILGC-");
        return d;
}

static const char *dir;

static void setup(void)
{
        fake_collect_next();
        fake_setup(dir = write_units(), "t.target");
}

static bool known(const char *name)
{
        return fake_state(name) != NULL;
}

static void test_referenced_inactive_units_stay(void)
{
        setup();
        fake_run_to_exit("A-", 0);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        /* a.service finished (inactive, no job): t.target, active, wants it. */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        /* r.service never ran: a.service, which is kept, named it (After=). */
        CU_ASSERT_STRING_EQUAL(fake_state("r.service"), "inactive");
        CU_ASSERT_STRING_EQUAL(fake_state("t.target"), "active");
        fake_teardown();
}

static void test_unit_named_by_status_goes_after_the_request(void)
{
        setup();
        fake_control("status", "lone.service");
        CU_ASSERT_EQUAL(F.last_code, 3);
        CU_ASSERT_FALSE(known("lone.service"));
        /* Named again: it answers, fresh, and goes again. */
        fake_control("status", "lone.service");
        CU_ASSERT_EQUAL(F.last_code, 3);
        CU_ASSERT_FALSE(known("lone.service"));
        fake_teardown();
}

static void test_started_unit_goes_when_it_finished_not_before(void)
{
        setup();
        fake_control("start", "lone.service");
        /* It has a job and a process: kept. */
        CU_ASSERT_STRING_EQUAL(fake_state("lone.service"), "activating");
        fake_run_to_exit("LONE-", 0);
        /* Finished and referenced by nothing: collected by the exit's event. */
        CU_ASSERT_FALSE(known("lone.service"));
        /* A start brings it back and runs it again. */
        int before = fake_count_spawns("LONE-");
        fake_control("start", "lone.service");
        CU_ASSERT_EQUAL(fake_count_spawns("LONE-"), before + 1);
        CU_ASSERT_STRING_EQUAL(fake_state("lone.service"), "activating");
        fake_run_to_exit("LONE-", 0);
        CU_ASSERT_FALSE(known("lone.service"));
        fake_teardown();
}

static void test_failed_units_stay_unless_collect_mode_says(void)
{
        setup();
        fake_control("start", "fail.service");
        fake_run_to_exit("FAIL-", 1);
        CU_ASSERT_STRING_EQUAL(fake_state("fail.service"), "failed");
        fake_advance(1);
        CU_ASSERT_STRING_EQUAL(fake_state("fail.service"), "failed");
        /* reset-failed makes it inactive: then it goes. */
        fake_control("reset-failed", "fail.service");
        CU_ASSERT_FALSE(known("fail.service"));

        fake_control("start", "failgc.service");
        fake_run_to_exit("FAILGC-", 1);
        CU_ASSERT_FALSE(known("failgc.service"));
        /* Started again within its start limit (StartLimitBurst=1), it
         * runs: a collected unit comes back fresh, its start limit too,
         * as systemd loads it anew. */
        int before = fake_count_spawns("FAILGC-");
        fake_control("start", "failgc.service");
        CU_ASSERT_EQUAL(fake_count_spawns("FAILGC-"), before + 1);
        CU_ASSERT_STRING_EQUAL(fake_state("failgc.service"), "activating");
        fake_teardown();
}

static void test_chain_goes_together_and_comes_back_together(void)
{
        setup();
        /* x wants y: loading x loads y; nothing references x. */
        fake_control("status", "x.service");
        CU_ASSERT_FALSE(known("x.service"));
        CU_ASSERT_FALSE(known("y.service"));
        /* z, loaded later, references x: x comes back, and y with it. z is
         * the request's, so all three go again after it. */
        fake_control("status", "z.service");
        CU_ASSERT_FALSE(known("z.service"));
        CU_ASSERT_FALSE(known("x.service"));
        CU_ASSERT_FALSE(known("y.service"));
        /* While z runs, x and y (wanted by it, started with it) stay. */
        fake_control("start", "z.service");
        CU_ASSERT(known("z.service"));
        CU_ASSERT(known("x.service"));
        CU_ASSERT(known("y.service"));
        fake_run_to_exit("X-", 0);
        fake_run_to_exit("Y-", 0);
        /* x and y finished, but z (activating) references x, and x y. */
        CU_ASSERT(known("x.service"));
        CU_ASSERT(known("y.service"));
        fake_run_to_exit("Z-", 0);
        CU_ASSERT_FALSE(known("z.service"));
        CU_ASSERT_FALSE(known("x.service"));
        CU_ASSERT_FALSE(known("y.service"));
        fake_teardown();
}

static void test_a_cycle_keeps_nothing_alive(void)
{
        setup();
        fake_control("status", "cyc1.service");
        CU_ASSERT_FALSE(known("cyc1.service"));
        CU_ASSERT_FALSE(known("cyc2.service"));
        fake_teardown();
}

static void test_a_referenced_unit_does_not_keep_its_referrer(void)
{
        setup();
        fake_run_to_exit("A-", 0);
        /* r.service is kept by a.service; starting r by hand and letting it
         * finish changes nothing for a.service, and a.service (wanted by
         * t.target) stays, as does r. */
        fake_control("start", "r.service");
        fake_run_to_exit("R-", 0);
        CU_ASSERT(known("r.service"));
        CU_ASSERT(known("a.service"));
        fake_teardown();
}

static void test_device_kept_while_its_job_waits(void)
{
        setup();
        /* No udev, no node: the start job waits for the device (90 s). */
        fake_control("start", "dev-weft\\x2dgc\\x2dnone.device");
        CU_ASSERT_STRING_EQUAL(fake_state("dev-weft\\x2dgc\\x2dnone.device"), "inactive");
        fake_advance(60 * 1000000ULL);
        CU_ASSERT(known("dev-weft\\x2dgc\\x2dnone.device"));
        /* The job times out: not plugged, no job, referenced by nothing. */
        fake_advance(31 * 1000000ULL);
        CU_ASSERT_FALSE(known("dev-weft\\x2dgc\\x2dnone.device"));
        fake_teardown();
}

static void test_off_by_default(void)
{
        fake_setup(write_units(), "t.target");
        fake_control("status", "lone.service");
        CU_ASSERT_STRING_EQUAL(fake_state("lone.service"), "inactive");
        fake_teardown();
}

/* A bus client's reference (Ref, systemd-run's AddRef: the control verbs
 * bus-ref and bus-unref) keeps a finished unit until it is let go. */
static void test_bus_reference_keeps_a_finished_unit(void)
{
        setup();
        fake_control("bus-ref", "lone.service");
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_control("start", "lone.service");
        fake_run_to_exit("LONE-", 0);
        CU_ASSERT_TRUE(known("lone.service")); /* finished, inactive, and held */
        fake_control("bus-ref", "lone.service"); /* a second hold (an alias's, say) */
        fake_control("bus-unref", "lone.service");
        CU_ASSERT_TRUE(known("lone.service"));
        fake_control("bus-unref", "lone.service");
        CU_ASSERT_FALSE(known("lone.service"));
        fake_control("bus-unref", "lone.service"); /* not held: nothing to do */
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_control("bus-ref", "no-such.service");
        CU_ASSERT_EQUAL(F.last_code, 0); /* loaded as not-found, as a unit object */
        fake_teardown();
}

/* Held through an alias, the unit itself is held. */
static void test_bus_reference_through_an_alias(void)
{
        const char *d = write_units();
        char target[4096], link[4096];
        snprintf(target, sizeof target, "%s/lone.service", d);
        snprintf(link, sizeof link, "%s/lone-alias.service", d);
        CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
        fake_collect_next();
        fake_setup(d, "t.target");
        fake_control("bus-ref", "lone-alias.service");
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_control("start", "lone.service");
        fake_run_to_exit("LONE-", 0);
        CU_ASSERT_TRUE(known("lone.service"));
        fake_control("bus-unref", "lone-alias.service");
        CU_ASSERT_FALSE(known("lone.service"));
        fake_teardown();
}

/* A daemon-reload leaves collected units behind, so their memory goes
 * with the old table; named again, such a unit loads afresh from disk. */
static void test_daemon_reload_leaves_collected_units_behind(void)
{
        setup();
        fake_run_to_exit("A-", 0);
        fake_control("status", "lone.service");
        CU_ASSERT_FALSE(known("lone.service"));
        CU_ASSERT_PTR_NOT_NULL(unit_table_get(&F.table, "lone.service"));
        size_t before = F.table.n_units;
        unit(dir, "lone.service", "", "/bin/echo LONE2-");
        fake_reload(dir, "t.target");
        CU_ASSERT_PTR_NULL(unit_table_get(&F.table, "lone.service"));
        CU_ASSERT(F.table.n_units < before);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive"); /* kept: t.target wants it */
        fake_control("start", "lone.service");
        CU_ASSERT(fake_find_spawn("LONE2-") >= 0);
        fake_teardown();
}

/* Compaction is wanted once collected_max units are collected and no
 * fewer than are not; refused, it waits for collected_max more; a reload
 * starts the count again. */
static void test_compaction_wanted_after_enough_collections(void)
{
        fake_collected_max_next(2);
        setup(); /* t.target, a.service and r.service loaded: 3 kept */
        fake_run_to_exit("A-", 0);
        CU_ASSERT_FALSE(sched_wants_compaction(F.s));
        fake_control("status", "lone.service");
        fake_control("status", "fail.service");
        CU_ASSERT_FALSE(sched_wants_compaction(F.s)); /* 2 collected, fewer than the 3 kept */
        fake_control("status", "z.service");          /* and x and y, which it wants */
        CU_ASSERT_TRUE(sched_wants_compaction(F.s));  /* 5 */
        sched_compaction_refused(F.s);
        CU_ASSERT_FALSE(sched_wants_compaction(F.s));
        fake_control("status", "cyc1.service");       /* and cyc2 */
        CU_ASSERT_TRUE(sched_wants_compaction(F.s));  /* 2 more */
        fake_reload(dir, "t.target");
        CU_ASSERT_FALSE(sched_wants_compaction(F.s));
        fake_teardown();
}

/* A collected unit's side-table entries by name go with it: its last
 * failed condition and the stdio of its commands. */
static void test_collection_drops_side_table_entries(void)
{
        setup();
        unit(dir, "cond.service", "ConditionPathExists=/nonexistent-weft-gc\n", "/bin/echo COND-");
        fake_run_to_exit("A-", 0);
        const int fds[3] = { -1, -1, -1 };
        struct unit *cond = NULL;
        fake_control("status", "lone.service"); /* loaded, then collected */
        fake_control("start", "cond.service");  /* skipped by its condition, then collected */
        CU_ASSERT_FALSE(known("cond.service"));
        CU_ASSERT_EQUAL(F.s->condition_records.n_items, 0);
        CU_ASSERT_EQUAL(F.s->unit_stdio.n_items, 0);
        fake_control("start", "cond.service");
        cond = unit_table_get(F.s->units, "cond.service");
        CU_ASSERT_FATAL(cond != NULL);
        CU_ASSERT_EQUAL(sched_stdio_set(F.s, cond, fds), 0);
        CU_ASSERT_EQUAL(F.s->unit_stdio.n_items, 1);
        fake_control("status", "cond.service"); /* an entry point: the sweep runs */
        CU_ASSERT_FALSE(known("cond.service"));
        CU_ASSERT_EQUAL(F.s->unit_stdio.n_items, 0);
        CU_ASSERT_EQUAL(F.s->condition_records.n_items, 0);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "collection_drops_side_table_entries", test_collection_drops_side_table_entries },
        { "compaction_wanted_after_enough_collections", test_compaction_wanted_after_enough_collections },
        { "daemon_reload_leaves_collected_units_behind", test_daemon_reload_leaves_collected_units_behind },
        { "bus_reference_keeps_a_finished_unit", test_bus_reference_keeps_a_finished_unit },
        { "bus_reference_through_an_alias", test_bus_reference_through_an_alias },
        { "referenced_inactive_units_stay", test_referenced_inactive_units_stay },
        { "unit_named_by_status_goes_after_the_request", test_unit_named_by_status_goes_after_the_request },
        { "started_unit_goes_when_it_finished_not_before", test_started_unit_goes_when_it_finished_not_before },
        { "failed_units_stay_unless_collect_mode_says", test_failed_units_stay_unless_collect_mode_says },
        { "chain_goes_together_and_comes_back_together", test_chain_goes_together_and_comes_back_together },
        { "a_cycle_keeps_nothing_alive", test_a_cycle_keeps_nothing_alive },
        { "a_referenced_unit_does_not_keep_its_referrer", test_a_referenced_unit_does_not_keep_its_referrer },
        { "device_kept_while_its_job_waits", test_device_kept_while_its_job_waits },
        { "off_by_default", test_off_by_default },
        { 0 },
};
TEST_SUITE("sched_gc", tests);
