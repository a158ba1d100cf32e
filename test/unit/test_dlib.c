/* Tests for base/dlib.c: an optional library is loaded once, its table
 * filled in order; a missing library or symbol costs one warning and
 * leaves the feature off, every later call answering at once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/dlib.h"
#include "base/log.h"
#include "base/macro.h"
#include "test/unit/test.h"

static size_t count(const char *hay, const char *needle)
{
        size_t n = 0;
        for (const char *p = hay; (p = strstr(p, needle)); p++)
                n++;
        return n;
}

static char *logged(FILE *f)
{
        static char buf[4096];
        rewind(f);
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        return buf;
}

static void test_loads_the_table_in_order(void)
{
        static const char *const names[] = { "strlen", "strcmp" };
        struct {
                size_t (*strlen)(const char *);
                int (*strcmp)(const char *, const char *);
        } t = { 0 };
        struct dlib l = { .soname = "libc.so.6", .what = "nothing", .names = names, .n = 2, .table = (void **) &t };

        CU_ASSERT_EQUAL(dlib_load(&l), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t.strlen);
        CU_ASSERT_EQUAL(t.strlen("weft"), 4);
        CU_ASSERT_EQUAL(t.strcmp("a", "a"), 0);
        CU_ASSERT_EQUAL(dlib_load(&l), 0);
}

static void test_missing_library_warns_once(void)
{
        static const char *const names[] = { "nothing" };
        void *table[1] = { 0 };
        struct dlib l = { .soname = "libweft-no-such-library.so.9", .what = "the feature is off",
                          .names = names, .n = 1, .table = table };
        FILE *f = tmpfile();
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        log_set_sink(f);
        CU_ASSERT_EQUAL(dlib_load(&l), -ENOENT);
        CU_ASSERT_EQUAL(dlib_load(&l), -ENOENT);
        log_set_sink(NULL);
        const char *text = logged(f);
        CU_ASSERT_EQUAL(count(text, "cannot load libweft-no-such-library.so.9"), 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "the feature is off"));
        fclose(f);
}

static void test_missing_symbol_fails_the_library(void)
{
        static const char *const names[] = { "strlen", "weft_no_such_symbol" };
        void *table[2] = { 0 };
        struct dlib l = { .soname = "libc.so.6", .what = "off", .names = names, .n = 2, .table = table };
        FILE *f = tmpfile();
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        log_set_sink(f);
        CU_ASSERT_EQUAL(dlib_load(&l), -ENOENT);
        log_set_sink(NULL);
        CU_ASSERT_PTR_NOT_NULL(strstr(logged(f), "weft_no_such_symbol"));
        fclose(f);
}

static const struct test_case tests[] = {
        { "loads_the_table_in_order", test_loads_the_table_in_order },
        { "missing_library_warns_once", test_missing_library_warns_once },
        { "missing_symbol_fails_the_library", test_missing_symbol_fails_the_library },
        { 0 },
};
TEST_SUITE("dlib", tests);
