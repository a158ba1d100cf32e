/* CUnit suite registration. Each test file lists its tests and registers
 * them with TEST_SUITE(name, tests); runner.c collects every suite, so adding
 * a test file needs no edit anywhere else.
 *
 *   static const struct test_case tests[] = {
 *           { "parses_yes", test_parses_yes },
 *           { 0 }
 *   };
 *   TEST_SUITE("value", tests);
 */
#pragma once
#include <CUnit/CUnit.h>

struct test_case {
        const char *name;
        void (*fn)(void);
};

void test_register_suite(const char *name, const struct test_case *tests);

/* A scratch directory made fresh for the calling test; removed at exit. */
const char *test_tmpdir(void);
/* Write content to dir/relpath, creating parent folders. Returns the path in
 * a static buffer (valid until the next call). */
const char *test_write_file(const char *dir, const char *relpath, const char *content);

#define TEST_SUITE(name, tests)                                                  \
        __attribute__((constructor)) static void register_suite_##tests(void) \
        {                                                                      \
                test_register_suite(name, tests);                              \
        }
