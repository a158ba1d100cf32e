/* Tests for base/arena.h and the unit table's use of it: units and final
 * edge arrays live in the table's arena, growing edge arrays in the pool,
 * which is empty again once the edges are final. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "base/arena.h"
#include "base/strpool.h"
#include "parse/exec_line.h"
#include "parse/unit.h"
#include "test/unit/test.h"

static void test_alloc_aligned_zeroed_distinct(void)
{
        struct arena a = ARENA_INIT;
        char *p[100];
        for (int i = 0; i < 100; i++) {
                p[i] = arena_alloc(&a, (size_t) i + 1);
                CU_ASSERT_PTR_NOT_NULL_FATAL(p[i]);
                CU_ASSERT_EQUAL((uintptr_t) p[i] % 8, 0);
                for (int j = 0; j <= i; j++)
                        CU_ASSERT_EQUAL(p[i][j], 0);
                memset(p[i], 0xff, (size_t) i + 1);
                CU_ASSERT_TRUE(arena_owns(&a, p[i]));
        }
        for (int i = 1; i < 100; i++)
                CU_ASSERT_TRUE(p[i] >= p[i - 1] + i); /* no overlap */
        CU_ASSERT_PTR_NULL(arena_alloc(&a, 0));
        int outside;
        CU_ASSERT_FALSE(arena_owns(&a, &outside));
        arena_done(&a);
        CU_ASSERT_PTR_NULL(a.blocks);
}

static void test_alloc_oversized_keeps_block(void)
{
        struct arena a = ARENA_INIT;
        char *small = arena_alloc(&a, 16);
        char *big = arena_alloc(&a, 1024 * 1024);
        char *next = arena_alloc(&a, 16);
        CU_ASSERT_PTR_NOT_NULL_FATAL(big);
        memset(big, 1, 1024 * 1024);
        CU_ASSERT_TRUE(arena_owns(&a, big + 1024 * 1024 - 1));
        /* The current block keeps its room: the next item follows the first. */
        CU_ASSERT_PTR_EQUAL(next, small + 16);
        arena_done(&a);
}

static void test_pool_reuses_and_drains(void)
{
        CU_ASSERT_EQUAL(arena_pool_live(), 0);
        void *a = arena_pool_get(6), *b = arena_pool_get(6);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_PTR_NOT_EQUAL(a, b);
        CU_ASSERT_EQUAL(arena_pool_live(), 2);
        memset(a, 0xaa, 64);
        arena_pool_put(a, 6);
        CU_ASSERT_PTR_EQUAL(arena_pool_get(6), a); /* its size's list first */
        arena_pool_put(a, 6);
        arena_pool_put(b, 6);
        CU_ASSERT_EQUAL(arena_pool_live(), 0);
        CU_ASSERT_PTR_NULL(arena_pool_get(3));
        CU_ASSERT_PTR_NULL(arena_pool_get(41));
}

static struct unit *intern(struct unit_table *t, const char *name)
{
        struct unit *u = NULL;
        CU_ASSERT_FATAL(unit_table_intern(t, name, &u) == 0);
        return u;
}

static void test_table_units_and_final_edges_in_arena(void)
{
        struct unit_table t;
        unit_table_init(&t);
        struct unit *hub = intern(&t, "hub.target");
        char name[32];
        for (int i = 0; i < 40; i++) {
                snprintf(name, sizeof name, "s%02d.service", i);
                struct unit *u = intern(&t, name);
                CU_ASSERT_TRUE(arena_owns(&t.arena, u));
                CU_ASSERT_STRING_EQUAL(u->id, name);
                CU_ASSERT_FATAL(unit_add_dependency(hub, UNIT_WANTS, u) == 0);
                CU_ASSERT_FATAL(unit_add_dependency(u, UNIT_AFTER, hub) == 0);
        }
        /* Growing arrays are the pool's, apart from the table. */
        CU_ASSERT_TRUE(arena_pool_live() > 0);
        CU_ASSERT_FALSE(arena_owns(&t.arena, hub->edges));
        CU_ASSERT_FATAL(unit_table_finalize_edges(&t) == 0);
        CU_ASSERT_EQUAL(arena_pool_live(), 0);
        CU_ASSERT_TRUE(arena_owns(&t.arena, hub->edges));
        CU_ASSERT_EQUAL(hub->n_edges, 80);
        CU_ASSERT_EQUAL(hub->edges_cap_log2, EDGES_CAP_EXACT);

        /* More edges before the table is sealed grow a copy of the final
         * array, and finalizing again keeps every edge. */
        struct unit *late = intern(&t, "late.service");
        CU_ASSERT_FATAL(unit_add_dependency(hub, UNIT_WANTS, late) == 0);
        CU_ASSERT_FALSE(arena_owns(&t.arena, hub->edges));
        CU_ASSERT_EQUAL(hub->n_edges, 81);
        CU_ASSERT_FATAL(unit_table_finalize_edges(&t) == 0);
        CU_ASSERT_EQUAL(arena_pool_live(), 0);
        CU_ASSERT_EQUAL(hub->n_edges, 81);
        size_t i = 0, n = 0;
        struct unit *o;
        while ((o = unit_next_dep(hub, UNIT_WANTS, &i)))
                n++;
        CU_ASSERT_EQUAL(n, 41);
        unit_table_done(&t);
        CU_ASSERT_EQUAL(arena_pool_live(), 0);
}

static void test_table_done_returns_growing_edges(void)
{
        struct unit_table t;
        unit_table_init(&t);
        struct unit *a = intern(&t, "a.service"), *b = intern(&t, "b.service");
        CU_ASSERT_FATAL(unit_add_dependency(a, UNIT_REQUIRES, b) == 0);
        CU_ASSERT_EQUAL(arena_pool_live(), 2);
        unit_table_done(&t); /* never finalized */
        CU_ASSERT_EQUAL(arena_pool_live(), 0);
}


/* A loaded service as the loader leaves it before unit_settle. */
static struct unit *loaded_service(struct unit_table *t, const char *name, const char *desc, const char *cmd)
{
        struct unit *u = intern(t, name);
        char *err = NULL;
        CU_ASSERT_FATAL(unit_alloc_config(u, 0, 0) == 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(u->description = strdup(desc));
        CU_ASSERT_FATAL(exec_line_parse(cmd, &u->service->exec_start, &err) == 0);
        CU_ASSERT_FATAL(exec_command_pack_list(&u->service->exec_start) == 0);
        u->service->restart_usec = 4242;
        u->load_state = UNIT_LOADED;
        return u;
}

static void test_settle_moves_config_to_arena(void)
{
        struct unit_table t;
        unit_table_init(&t);
        struct unit *u = loaded_service(&t, "a.service", "the a service",
                                        "/usr/lib/some/long/program/path --flag ; /bin/true x");
        unit_settle(&t, u);
        CU_ASSERT_TRUE(u->description_settled && u->config_settled);
        CU_ASSERT_TRUE(arena_owns(&t.arena, u->description));
        CU_ASSERT_TRUE(arena_owns(&t.arena, u->service));
        CU_ASSERT_STRING_EQUAL(u->description, "the a service");
        CU_ASSERT_EQUAL(u->service->restart_usec, 4242);
        struct exec_command *c = u->service->exec_start;
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_TRUE(arena_owns(&t.arena, c) && c->in_arena);
        CU_ASSERT_STRING_EQUAL(c->argv[0], "/usr/lib/some/long/program/path");
        CU_ASSERT_STRING_EQUAL(c->argv[1], "--flag");
        CU_ASSERT_PTR_NOT_NULL_FATAL(c->next);
        CU_ASSERT_TRUE(arena_owns(&t.arena, c->next));
        CU_ASSERT_STRING_EQUAL(c->next->path, "/bin/true");
        /* Settling twice moves nothing again. */
        unit_settle(&t, u);
        CU_ASSERT_PTR_EQUAL(u->service->exec_start, c);
        unsigned long pooled = strpool_count();
        unit_table_done(&t); /* the pooled program path goes with its last user */
        CU_ASSERT_TRUE(strpool_count() < pooled);
}

/* daemon-reload keeps a running unit's old config when its file is gone:
 * the config leaves its table, which is then dropped. */
static void test_swap_config_outlives_old_table(void)
{
        struct unit_table old, new;
        unit_table_init(&old);
        unit_table_init(&new);
        struct unit *u = loaded_service(&old, "run.service", "still running", "/usr/bin/sleep-a-long-while 100");
        unit_settle(&old, u);
        struct unit *n = intern(&new, "run.service"); /* file gone: a stub */
        CU_ASSERT_FATAL(unit_swap_config(n, u) == 0);
        unit_table_done(&old); /* unmaps the old arena */
        CU_ASSERT_EQUAL(n->load_state, UNIT_LOADED);
        CU_ASSERT_FALSE(n->description_settled || n->config_settled);
        CU_ASSERT_STRING_EQUAL(n->description, "still running");
        CU_ASSERT_EQUAL(n->service->restart_usec, 4242);
        CU_ASSERT_STRING_EQUAL(n->service->exec_start->argv[0], "/usr/bin/sleep-a-long-while");
        CU_ASSERT_FALSE(n->service->exec_start->in_arena);
        unit_table_done(&new);
}

static const struct test_case tests[] = {
        { "alloc_aligned_zeroed_distinct", test_alloc_aligned_zeroed_distinct },
        { "alloc_oversized_keeps_block", test_alloc_oversized_keeps_block },
        { "pool_reuses_and_drains", test_pool_reuses_and_drains },
        { "table_units_and_final_edges_in_arena", test_table_units_and_final_edges_in_arena },
        { "table_done_returns_growing_edges", test_table_done_returns_growing_edges },
        { "settle_moves_config_to_arena", test_settle_moves_config_to_arena },
        { "swap_config_outlives_old_table", test_swap_config_outlives_old_table },
        { 0 },
};
TEST_SUITE("arena", tests);
