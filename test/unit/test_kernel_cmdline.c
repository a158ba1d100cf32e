/* Tests for the kernel command line parser (parse/kernel_cmdline.c): the
 * words systemd acts on as PID 1, per kernel-command-line(7). */
#include <stdlib.h>
#include <string.h>

#include "parse/kernel_cmdline.h"
#include "test/unit/test.h"

static struct kernel_cmdline parse(const char *text)
{
        struct kernel_cmdline k;

        CU_ASSERT_EQUAL_FATAL(kernel_cmdline_parse(text, &k), 0);
        return k;
}

static void test_nothing_given_means_defaults(void)
{
        struct kernel_cmdline k = parse("BOOT_IMAGE=/vmlinuz root=/dev/vda ro console=ttyS0\n");

        CU_ASSERT_PTR_NULL(k.unit);
        CU_ASSERT_EQUAL(k.show_status, SHOW_STATUS_UNSET);
        CU_ASSERT_EQUAL(k.log_level, _LOG_LEVEL_INVALID);
        CU_ASSERT_FALSE(k.quiet);
        CU_ASSERT_EQUAL(kernel_cmdline_show_status(&k), SHOW_STATUS_YES);
        kernel_cmdline_done(&k);
}

static void test_systemd_unit_last_wins(void)
{
        struct kernel_cmdline k = parse("systemd.unit=rescue.target x systemd.unit=multi-user.target");

        CU_ASSERT_STRING_EQUAL(k.unit, "multi-user.target");
        kernel_cmdline_done(&k);
        k = parse("weft.unit=a@b.service");
        CU_ASSERT_STRING_EQUAL(k.unit, "a@b.service");
        kernel_cmdline_done(&k);
}

static void test_bad_unit_name_is_ignored(void)
{
        struct kernel_cmdline k = parse("systemd.unit=graphical.target systemd.unit=../x systemd.unit=");

        CU_ASSERT_STRING_EQUAL(k.unit, "graphical.target");
        kernel_cmdline_done(&k);
}

static void test_runlevel_words_name_targets(void)
{
        static const struct {
                const char *line, *unit;
        } cases[] = {
                { "emergency", "emergency.target" }, { "-b", "emergency.target" },
                { "rescue", "rescue.target" },       { "single", "rescue.target" },
                { "S", "rescue.target" },            { "1", "rescue.target" },
                { "3", "multi-user.target" },        { "5", "graphical.target" },
                { "single systemd.unit=multi-user.target", "multi-user.target" },
                { "systemd.unit=multi-user.target emergency", "emergency.target" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct kernel_cmdline k = parse(cases[i].line);
                CU_ASSERT_PTR_NOT_NULL_FATAL(k.unit);
                CU_ASSERT_STRING_EQUAL(k.unit, cases[i].unit);
                kernel_cmdline_done(&k);
        }
}

static void test_initrd_words_are_not_ours(void)
{
        struct kernel_cmdline k = parse("rd.systemd.unit=emergency.target rd.emergency");

        CU_ASSERT_PTR_NULL(k.unit);
        kernel_cmdline_done(&k);
}

static void test_quiet_and_show_status(void)
{
        struct kernel_cmdline k = parse("quiet");

        CU_ASSERT_TRUE(k.quiet);
        CU_ASSERT_EQUAL(kernel_cmdline_show_status(&k), SHOW_STATUS_ERROR);
        kernel_cmdline_done(&k);
        k = parse("quiet systemd.show_status=yes");
        CU_ASSERT_EQUAL(kernel_cmdline_show_status(&k), SHOW_STATUS_YES);
        kernel_cmdline_done(&k);
        k = parse("systemd.show_status=0");
        CU_ASSERT_EQUAL(kernel_cmdline_show_status(&k), SHOW_STATUS_NO);
        kernel_cmdline_done(&k);
        k = parse("systemd.show_status=auto");
        CU_ASSERT_EQUAL(kernel_cmdline_show_status(&k), SHOW_STATUS_ERROR);
        kernel_cmdline_done(&k);
        k = parse("systemd.show_status=no systemd.show_status=bogus");
        CU_ASSERT_EQUAL(kernel_cmdline_show_status(&k), SHOW_STATUS_NO);
        kernel_cmdline_done(&k);
        k = parse("systemd.show_status");
        CU_ASSERT_EQUAL(kernel_cmdline_show_status(&k), SHOW_STATUS_YES);
        kernel_cmdline_done(&k);
}

static void test_log_level_names_and_numbers(void)
{
        struct kernel_cmdline k = parse("systemd.log_level=debug");

        CU_ASSERT_EQUAL(k.log_level, LOG_LEVEL_DEBUG);
        kernel_cmdline_done(&k);
        k = parse("systemd.log_level=4");
        CU_ASSERT_EQUAL(k.log_level, LOG_LEVEL_WARNING);
        kernel_cmdline_done(&k);
        k = parse("systemd.log_level=crit");
        CU_ASSERT_EQUAL(k.log_level, LOG_LEVEL_ERROR);
        kernel_cmdline_done(&k);
        k = parse("systemd.log_level=notice systemd.log_level=loud");
        CU_ASSERT_EQUAL(k.log_level, LOG_LEVEL_NOTICE);
        kernel_cmdline_done(&k);
}

static void test_quotes_keep_blanks_in_one_word(void)
{
        struct kernel_cmdline k = parse("x=\"a quiet b\" \"systemd.unit=rescue.target\"");

        CU_ASSERT_FALSE(k.quiet);
        CU_ASSERT_PTR_NOT_NULL_FATAL(k.unit);
        CU_ASSERT_STRING_EQUAL(k.unit, "rescue.target");
        kernel_cmdline_done(&k);
        k = parse("\"unterminated quiet");
        CU_ASSERT_FALSE(k.quiet);
        kernel_cmdline_done(&k);
}

static void test_crash_words_alone_or_with_a_boolean(void)
{
        struct kernel_cmdline k = parse("root=/dev/vda");

        CU_ASSERT_EQUAL(k.crash_shell, -1);
        CU_ASSERT_EQUAL(k.crash_reboot, -1);
        CU_ASSERT_EQUAL(k.dump_core, -1);
        kernel_cmdline_done(&k);
        k = parse("systemd.crash_shell systemd.crash_reboot=no systemd.dump_core=0");
        CU_ASSERT_EQUAL(k.crash_shell, 1);
        CU_ASSERT_EQUAL(k.crash_reboot, 0);
        CU_ASSERT_EQUAL(k.dump_core, 0);
        kernel_cmdline_done(&k);
        /* A bad value and a longer word that merely starts the same. */
        k = parse("systemd.crash_shell=maybe systemd.crash_rebootx=1 systemd.dump_core=yes");
        CU_ASSERT_EQUAL(k.crash_shell, -1);
        CU_ASSERT_EQUAL(k.crash_reboot, -1);
        CU_ASSERT_EQUAL(k.dump_core, 1);
        kernel_cmdline_done(&k);
}

static const struct test_case tests[] = {
        { "nothing_given_means_defaults", test_nothing_given_means_defaults },
        { "systemd_unit_last_wins", test_systemd_unit_last_wins },
        { "bad_unit_name_is_ignored", test_bad_unit_name_is_ignored },
        { "runlevel_words_name_targets", test_runlevel_words_name_targets },
        { "initrd_words_are_not_ours", test_initrd_words_are_not_ours },
        { "quiet_and_show_status", test_quiet_and_show_status },
        { "log_level_names_and_numbers", test_log_level_names_and_numbers },
        { "quotes_keep_blanks_in_one_word", test_quotes_keep_blanks_in_one_word },
        { "crash_words_alone_or_with_a_boolean", test_crash_words_alone_or_with_a_boolean },
        { 0 },
};
TEST_SUITE("kernel_cmdline", tests);
