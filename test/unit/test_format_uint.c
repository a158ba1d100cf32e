/* Tests for format_uint, the async-signal-safe number formatter. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/format_uint.h"
#include "test/unit/test.h"

static void test_format_uint_matches_printf(void)
{
        static const unsigned long long values[] = { 0, 7, 9, 10, 255, 4096, 1234567890, ULLONG_MAX };
        char got[FORMAT_UINT_MAX], want[32];

        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
                snprintf(want, sizeof want, "%llu", values[i]);
                CU_ASSERT_EQUAL(format_uint(got, values[i], 10), strlen(want));
                CU_ASSERT_STRING_EQUAL(got, want);
                snprintf(want, sizeof want, "%llx", values[i]);
                CU_ASSERT_EQUAL(format_uint(got, values[i], 16), strlen(want));
                CU_ASSERT_STRING_EQUAL(got, want);
                snprintf(want, sizeof want, "%llo", values[i]);
                CU_ASSERT_EQUAL(format_uint(got, values[i], 8), strlen(want));
                CU_ASSERT_STRING_EQUAL(got, want);
        }
}

static const struct test_case tests[] = {
        { "format_uint_matches_printf", test_format_uint_matches_printf },
        { 0 },
};
TEST_SUITE("format_uint", tests);
