/* base/fds.c: copies of small fd arrays, and closing them. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/fds.h"
#include "test/unit/test.h"

static void test_copy_keeps_none_and_copies_the_rest(void)
{
        int p[2], dst[3];
        CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
        int src[3] = { p[0], -1, p[1] };

        CU_ASSERT_EQUAL(fds_copy(src, dst, 3), 0);
        CU_ASSERT(dst[0] > 2 && dst[0] != p[0]);
        CU_ASSERT_EQUAL(dst[1], -1);
        CU_ASSERT(dst[2] > 2 && dst[2] != p[1]);
        CU_ASSERT(fcntl(dst[0], F_GETFD) & FD_CLOEXEC);
        int copies[3] = { dst[0], dst[1], dst[2] };
        fds_close(dst, 3);
        for (int i = 0; i < 3; i++)
                CU_ASSERT_EQUAL(dst[i], -1);
        CU_ASSERT_EQUAL(fcntl(copies[0], F_GETFD), -1);
        CU_ASSERT_EQUAL(fcntl(copies[2], F_GETFD), -1);
        close(p[0]);
        close(p[1]);
}

static void test_a_failed_copy_leaves_none(void)
{
        int p[2], dst[3] = { 7, 7, 7 };
        CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
        close(p[1]);
        int src[3] = { p[0], 999999, -1 }; /* the second is no open fd: EBADF */

        CU_ASSERT_EQUAL(fds_copy(src, dst, 3), -EBADF);
        for (int i = 0; i < 3; i++)
                CU_ASSERT_EQUAL(dst[i], -1);
        close(p[0]);
}

static const struct test_case tests[] = {
        { "copy_keeps_none_and_copies_the_rest", test_copy_keeps_none_and_copies_the_rest },
        { "a_failed_copy_leaves_none", test_a_failed_copy_leaves_none },
        { 0 },
};
TEST_SUITE("fds", tests);
