/* A unit not found when the unit path was read, loaded when a request
 * names it once its file is there (core/sched_reread.c), against the fake
 * world: its ordering and requirements hold on both sides, a target that
 * wanted it is ordered after it, an alias is refused, and its read time
 * is its own (NeedDaemonReload's batches, core/sched_reload.c). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/sched_internal.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define ONESHOT(tag, extra) \
        "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo " tag "\n"

static const char *dir;

static struct unit *unit(const char *name)
{
        return unit_table_get(F.s->units, name);
}

static bool has_dep(const char *a, enum unit_dependency kind, const char *b)
{
        return sched_has_dep(unit(a), kind, unit(b));
}

static void setup(void)
{
        dir = test_tmpdir();
        test_write_file(dir, "t.target", "[Unit]\nWants=late.service first.service x.service y.service\n");
        test_write_file(dir, "first.service", ONESHOT("3201", ""));
        fake_setup(dir, "t.target");
        fake_run_to_exit("3201", 0);
        CU_ASSERT_EQUAL(unit("late.service")->load_state, UNIT_NOT_FOUND);
}

static void test_its_edges_hold_on_both_sides(void)
{
        setup();
        /* gate.service is new too: loaded with it. */
        test_write_file(dir, "gate.service", ONESHOT("3202", ""));
        test_write_file(dir, "late.service", ONESHOT("3203", "Requires=gate.service\nAfter=gate.service first.service"));
        CU_ASSERT_EQUAL(sched_retry_load(F.s, unit("late.service")), 0);
        CU_ASSERT_EQUAL(unit("late.service")->load_state, UNIT_LOADED);
        CU_ASSERT(has_dep("late.service", UNIT_AFTER, "gate.service"));
        CU_ASSERT(has_dep("gate.service", UNIT_BEFORE, "late.service"));
        CU_ASSERT(has_dep("first.service", UNIT_BEFORE, "late.service"));
        CU_ASSERT(has_dep("gate.service", UNIT_REQUIRED_BY, "late.service"));
        fake_control("start", "late.service");
        CU_ASSERT_EQUAL(fake_find_spawn("3203"), -1); /* after gate */
        fake_run_to_exit("3202", 0);
        fake_run_to_exit("3203", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("late.service"), "active");
        /* Requires= from the sealed side: stopping gate stops late. */
        fake_control("stop", "gate.service");
        CU_ASSERT_STRING_EQUAL(fake_state("late.service"), "inactive");
        fake_teardown();
}

static void test_a_target_that_wanted_it_is_ordered_after_it(void)
{
        setup();
        test_write_file(dir, "late.service", "[Service]\nExecStart=/bin/echo 3204\n");
        CU_ASSERT_EQUAL(sched_retry_load(F.s, unit("late.service")), 0);
        CU_ASSERT(has_dep("t.target", UNIT_AFTER, "late.service"));
        CU_ASSERT(has_dep("late.service", UNIT_BEFORE, "t.target"));
        fake_teardown();
}

static void test_still_missing_changes_nothing(void)
{
        setup();
        CU_ASSERT_EQUAL(sched_retry_load(F.s, unit("late.service")), 0);
        CU_ASSERT_EQUAL(unit("late.service")->load_state, UNIT_NOT_FOUND);
        fake_teardown();
}

static void test_an_alias_is_refused(void)
{
        setup();
        char path[4096];
        snprintf(path, sizeof path, "%s/late.service", dir);
        CU_ASSERT_FATAL(symlink("first.service", path) == 0);
        CU_ASSERT_EQUAL(sched_retry_load(F.s, unit("late.service")), -EEXIST);
        CU_ASSERT_EQUAL(unit("late.service")->load_state, UNIT_NOT_FOUND);
        fake_teardown();
}

/* Batch k begins at unit first, read at the boot's stamp (100 s) or later. */
static void expect_batch(size_t k, size_t first, bool reread)
{
        CU_ASSERT_EQUAL(F.s->load_batches[k].first, first);
        CU_ASSERT_EQUAL(F.s->load_batches[k].at.tv_sec > 100, reread);
}

/* Unit i read alone gets a batch of its own; the units after it keep theirs. */
static void test_a_reread_unit_has_a_batch_of_its_own(void)
{
        setup();
        size_t n = F.s->n_rt;
        CU_ASSERT_FATAL(n >= 4);
        sched_loaded_since(F.s, (struct timespec) { 100, 0 });
        CU_ASSERT_EQUAL(sched_load_reread(F.s, 1), 0);
        CU_ASSERT_EQUAL_FATAL(F.s->n_load_batches, 3);
        expect_batch(0, 0, false);
        expect_batch(1, 1, true);
        expect_batch(2, 2, false);
        /* Next to a batch of its own: no split needed before it. */
        CU_ASSERT_EQUAL(sched_load_reread(F.s, 2), 0);
        CU_ASSERT_EQUAL_FATAL(F.s->n_load_batches, 4);
        expect_batch(2, 2, true);
        expect_batch(3, 3, false);
        /* Again: its batch is stamped again, nothing added. */
        CU_ASSERT_EQUAL(sched_load_reread(F.s, 1), 0);
        CU_ASSERT_EQUAL(F.s->n_load_batches, 4);
        /* The last unit: nothing after it. */
        CU_ASSERT_EQUAL(sched_load_reread(F.s, n - 1), 0);
        CU_ASSERT_EQUAL_FATAL(F.s->n_load_batches, 5);
        expect_batch(4, n - 1, true);
        for (size_t i = 1; i < F.s->n_load_batches; i++)
                CU_ASSERT(F.s->load_batches[i - 1].first < F.s->load_batches[i].first);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "its_edges_hold_on_both_sides", test_its_edges_hold_on_both_sides },
        { "a_target_that_wanted_it_is_ordered_after_it", test_a_target_that_wanted_it_is_ordered_after_it },
        { "still_missing_changes_nothing", test_still_missing_changes_nothing },
        { "an_alias_is_refused", test_an_alias_is_refused },
        { "a_reread_unit_has_a_batch_of_its_own", test_a_reread_unit_has_a_batch_of_its_own },
        { 0 },
};
TEST_SUITE("sched_retry_load", tests);
