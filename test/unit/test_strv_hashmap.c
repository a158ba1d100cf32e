/* Tests for the string vector and hash map helpers. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/strv.h"
#include "test/unit/test.h"

static void test_strv_extend_and_join(void)
{
        char **l = NULL;
        CU_ASSERT_EQUAL(strv_extend(&l, "a"), 0);
        CU_ASSERT_EQUAL(strv_extend(&l, "b c"), 0);
        CU_ASSERT_EQUAL(strv_length(l), 2);
        CU_ASSERT_TRUE(strv_contains(l, "b c"));
        CU_ASSERT_FALSE(strv_contains(l, "b"));
        char *j = strv_join(l, " ");
        CU_ASSERT_STRING_EQUAL(j, "a b c");
        free(j);
        strv_free(l);
}

static void test_strv_join_empty_is_empty_string(void)
{
        char *j = strv_join(NULL, ",");
        CU_ASSERT_STRING_EQUAL(j, "");
        free(j);
}

static void test_hashmap_put_get_many(void)
{
        struct hashmap h;
        char keys[1000][24];
        hashmap_init(&h);
        for (int i = 0; i < 1000; i++) {
                snprintf(keys[i], sizeof keys[i], "u%d.service", i);
                CU_ASSERT_EQUAL(hashmap_put(&h, keys[i], keys[i]), 0);
        }
        CU_ASSERT_EQUAL(hashmap_put(&h, keys[5], NULL), -EEXIST);
        for (int i = 0; i < 1000; i++)
                CU_ASSERT_PTR_EQUAL(hashmap_get(&h, keys[i]), keys[i]);
        CU_ASSERT_PTR_NULL(hashmap_get(&h, "missing.service"));
        size_t it = 0, n = 0;
        while (hashmap_next(&h, &it, NULL, NULL))
                n++;
        CU_ASSERT_EQUAL(n, 1000);
        hashmap_done(&h);
}

/* Removing keys in any order (collisions and a wrapped table included)
 * leaves every other key found and the removed ones gone; the map then
 * takes keys again. */
static void test_hashmap_remove_keeps_the_rest_found(void)
{
        struct hashmap h;
        static char keys[2000][32];
        hashmap_init(&h);
        for (int i = 0; i < 2000; i++) {
                snprintf(keys[i], sizeof keys[i], "session-%d.scope", i);
                CU_ASSERT_EQUAL(hashmap_put(&h, keys[i], keys[i]), 0);
        }
        CU_ASSERT_PTR_NULL(hashmap_remove(&h, "missing.scope"));
        /* Every third key, then every other one of the rest, out of order. */
        for (int i = 1999; i >= 0; i -= 3)
                CU_ASSERT_PTR_EQUAL(hashmap_remove(&h, keys[i]), keys[i]);
        for (int i = 0; i < 2000; i += 2)
                if ((1999 - i) % 3 != 0)
                        CU_ASSERT_PTR_EQUAL(hashmap_remove(&h, keys[i]), keys[i]);
        size_t left = 0;
        for (int i = 0; i < 2000; i++) {
                bool gone = (1999 - i) % 3 == 0 || i % 2 == 0;
                CU_ASSERT_PTR_EQUAL(hashmap_get(&h, keys[i]), gone ? NULL : keys[i]);
                left += !gone;
        }
        CU_ASSERT_EQUAL(h.n_items, left);
        size_t it = 0, n = 0;
        while (hashmap_next(&h, &it, NULL, NULL))
                n++;
        CU_ASSERT_EQUAL(n, left);
        CU_ASSERT_EQUAL(hashmap_put(&h, keys[0], keys[0]), 0);
        CU_ASSERT_PTR_EQUAL(hashmap_get(&h, keys[0]), keys[0]);
        hashmap_done(&h);
}

/* A record made on first use owns its key; the same key finds it again. */
static void test_hashmap_ensure_makes_one_record_per_key(void)
{
        struct record {
                int n;
                char *key;
        };
        struct hashmap h;
        char name[] = "a.service";

        hashmap_init(&h);
        struct record *r = hashmap_ensure(&h, name, sizeof *r, offsetof(struct record, key));
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(r->n, 0);
        CU_ASSERT_STRING_EQUAL(r->key, "a.service");
        CU_ASSERT_PTR_NOT_EQUAL(r->key, name); /* its own copy */
        r->n = 7;
        name[0] = 'b'; /* the caller's string may change */
        CU_ASSERT_PTR_EQUAL(hashmap_ensure(&h, "a.service", sizeof *r, offsetof(struct record, key)), r);
        CU_ASSERT_EQUAL(h.n_items, 1u);
        CU_ASSERT_PTR_NULL(hashmap_get(&h, "b.service"));
        free(r->key);
        free(r);
        hashmap_done(&h);
}

static const struct test_case tests[] = {
        { "hashmap_ensure_makes_one_record_per_key", test_hashmap_ensure_makes_one_record_per_key },
        { "strv_extend_and_join", test_strv_extend_and_join },
        { "strv_join_empty_is_empty_string", test_strv_join_empty_is_empty_string },
        { "hashmap_put_get_many", test_hashmap_put_get_many },
        { "hashmap_remove_keeps_the_rest_found", test_hashmap_remove_keeps_the_rest_found },
        { 0 },
};
TEST_SUITE("strv_hashmap", tests);
