/* Tests for the kernel's mount and swap tables (core/proc_table.c): the
 * fields read as libmount 2.38 reads them (checked against it on the
 * same files when this parser replaced it), escapes, the option merge,
 * and lines that do not parse being skipped. */
#include <stdlib.h>
#include <string.h>

#include "core/proc_table.h"
#include "test/unit/test.h"

static void test_mountinfo_fields_and_escapes(void)
{
        const char *d = test_tmpdir();
        const char *p = test_write_file(d, "mountinfo",
                                        "22 1 0:21 / /a\\040b rw,nosuid shared:1 master:2 - tmpfs  rw,size=10k\n"
                                        "23 1 0:22 / /del\\040(deleted) ro,relatime - ext4 /dev/sda1 rw,errors=remount-ro\n"
                                        "24 1 0:23 /sub /c rw - ext4 /dev/x\\134y ro,data=ordered\n"
                                        "# comment\n"
                                        "\n"
                                        "garbage line\n"
                                        "25 1 0:24 / /d rw,noexec - proc proc rw\n"
                                        "26 1 0:25 / /e ro - fuse foo\\011bar rw,user_id=0");
        struct proc_table t = { 0 };

        CU_ASSERT_EQUAL_FATAL(proc_table_parse_mountinfo(&t, p), 0);
        CU_ASSERT_EQUAL_FATAL(t.n, 5);
        /* An empty source (two blanks) and a blank in the mount point. */
        CU_ASSERT_STRING_EQUAL(t.entries[0].source, "");
        CU_ASSERT_STRING_EQUAL(t.entries[0].target, "/a b");
        CU_ASSERT_STRING_EQUAL(t.entries[0].fstype, "tmpfs");
        CU_ASSERT_STRING_EQUAL(t.entries[0].options, "rw,nosuid,size=10k");
        /* libmount 2.38 keeps " (deleted)" on a mount point. */
        CU_ASSERT_STRING_EQUAL(t.entries[1].target, "/del (deleted)");
        CU_ASSERT_STRING_EQUAL(t.entries[1].options, "ro,relatime,errors=remount-ro");
        CU_ASSERT_STRING_EQUAL(t.entries[2].source, "/dev/x\\y");
        CU_ASSERT_STRING_EQUAL(t.entries[2].options, "ro,data=ordered");
        CU_ASSERT_STRING_EQUAL(t.entries[3].options, "rw,noexec");
        /* The last line has no newline. */
        CU_ASSERT_STRING_EQUAL(t.entries[4].source, "foo\tbar");
        CU_ASSERT_STRING_EQUAL(t.entries[4].options, "ro,user_id=0");
        proc_table_done(&t);
        CU_ASSERT_EQUAL(proc_table_parse_mountinfo(&t, "/nonexistent/mountinfo"), -ENOENT);
}

static void test_merge_options_as_libmount(void)
{
        static const char *const cases[][3] = {
                { "rw,noexec", "rw,journal=update", "rw,noexec,journal=update" },
                { "rw,noexec", "ro,journal=update", "ro,noexec,journal=update" },
                { "ro", "rw", "ro" },
                { "rw", "rw", "rw" },
                { "rw,nosuid", "rw", "rw,nosuid" },
                { "nosuid", "size=1", "rw,nosuid,size=1" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char *m = proc_table_merge_options(cases[i][0], cases[i][1]);
                CU_ASSERT_PTR_NOT_NULL_FATAL(m);
                CU_ASSERT_STRING_EQUAL(m, cases[i][2]);
                free(m);
        }
}

static void test_swaps_fields(void)
{
        const char *d = test_tmpdir();
        const char *p = test_write_file(d, "swaps",
                                        "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
                                        "/dev/sda2                               partition\t2097148\t\t0\t\t-2\n"
                                        "/swap\\040file\\040(deleted)  file  100 0 5\n"
                                        "/x file 1 2\n"
                                        "/y file 1 2 \n"
                                        "bad\n");
        struct proc_table t = { 0 };

        CU_ASSERT_EQUAL_FATAL(proc_table_parse_swaps(&t, p), 0);
        CU_ASSERT_EQUAL_FATAL(t.n, 3);
        CU_ASSERT_STRING_EQUAL(t.entries[0].source, "/dev/sda2");
        CU_ASSERT_EQUAL(t.entries[0].priority, -2);
        CU_ASSERT_STRING_EQUAL(t.entries[0].fstype, "swap");
        CU_ASSERT_PTR_NULL(t.entries[0].target);
        /* A deleted swap file loses the kernel's " (deleted)". */
        CU_ASSERT_STRING_EQUAL(t.entries[1].source, "/swap file");
        CU_ASSERT_EQUAL(t.entries[1].priority, 5);
        /* "/x file 1 2" ends after Used and is skipped; a blank after it
         * leaves the priority at 0. */
        CU_ASSERT_STRING_EQUAL(t.entries[2].source, "/y");
        CU_ASSERT_EQUAL(t.entries[2].priority, 0);
        proc_table_done(&t);
}

static const struct test_case tests[] = {
        { "mountinfo_fields_and_escapes", test_mountinfo_fields_and_escapes },
        { "merge_options_as_libmount", test_merge_options_as_libmount },
        { "swaps_fields", test_swaps_fields },
        { 0 },
};
TEST_SUITE("proc_table", tests);
