/* The scheduler on graphs of any shape: a chain of 100,000 units releases
 * and fails in a loop, so its stack depth does not grow with the graph
 * (each finished job puts its successors on the ready list; nothing
 * recurses along an edge). */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define CHAIN 100000

/* A chain c0.target .. c{n-1}.target built in memory (100,000 files
 * would make the test slow for nothing): c{i} is ordered after c{i-1} and
 * pulls it in by chain_kind; c0 Requires= and After= a.service when
 * chain_requires_a; top.target Wants= the last link. */
static enum unit_dependency chain_kind;
static bool chain_requires_a;

static void build_chain(struct unit_table *t)
{
        struct unit *top, *prev = NULL, *u;
        char name[64];

        CU_ASSERT_FATAL(unit_table_intern(t, "top.target", &top) == 0);
        if (chain_requires_a)
                CU_ASSERT_FATAL(unit_table_intern(t, "a.service", &prev) == 0);
        for (unsigned i = 0; i < CHAIN; i++) {
                snprintf(name, sizeof name, "c%u.target", i);
                CU_ASSERT_FATAL(unit_table_intern(t, name, &u) == 0);
                u->load_state = UNIT_LOADED;
                if (prev) {
                        CU_ASSERT_FATAL(unit_add_dependency(u, i ? chain_kind : UNIT_REQUIRES, prev) == 0);
                        CU_ASSERT_FATAL(unit_add_dependency(u, UNIT_AFTER, prev) == 0);
                }
                prev = u;
        }
        CU_ASSERT_FATAL(unit_add_dependency(top, UNIT_WANTS, prev) == 0);
}

static void setup_chain(const char *d, enum unit_dependency kind, bool requires_a)
{
        chain_kind = kind;
        chain_requires_a = requires_a;
        fake_setup_built(d, "top.target", requires_a ? "a.service" : NULL, NULL, build_chain);
}

static void test_chain_of_100000_targets_is_reached_without_recursion(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "top.target", "[Unit]\nDefaultDependencies=no\n");
        setup_chain(d, UNIT_WANTS, false);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        CU_ASSERT_STRING_EQUAL(fake_state("c0.target"), "active");
        CU_ASSERT_STRING_EQUAL(fake_state("c99999.target"), "active");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_requires_failure_down_a_100000_chain_fails_in_a_loop(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "top.target", "[Unit]\nDefaultDependencies=no\n");
        test_write_file(d, "a.service",
                        "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/false A\n");
        setup_chain(d, UNIT_REQUIRES, true);
        fake_run_to_exit("A", 1);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(fake_state("c0.target"), "inactive");
        CU_ASSERT_STRING_EQUAL(fake_state("c99999.target"), "inactive");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "chain_of_100000_targets_is_reached_without_recursion", test_chain_of_100000_targets_is_reached_without_recursion },
        { "requires_failure_down_a_100000_chain_fails_in_a_loop", test_requires_failure_down_a_100000_chain_fails_in_a_loop },
        { 0 },
};
TEST_SUITE("sched_scale", tests);
