/* weft's log level and target, changed at run time (systemctl log-level,
 * log-target, LogControl1): systemd's names, what weft maps them to, what
 * it refuses, the change seen by the next line, and the control verbs
 * with their root rule. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "core/control.h"
#include "core/log_control.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

static char out[8192];

static const char *sink_text(FILE *f)
{
        fflush(f);
        rewind(f);
        size_t n = fread(out, 1, sizeof out - 1, f);
        out[n] = 0;
        fseek(f, 0, SEEK_END);
        return out;
}

static void test_syslog_names_and_numbers_map_onto_weft_levels(void)
{
        static const struct {
                const char *name;
                enum log_level want;
        } cases[] = {
                { "emerg", LOG_LEVEL_ERROR },  { "alert", LOG_LEVEL_ERROR },      { "crit", LOG_LEVEL_ERROR },
                { "err", LOG_LEVEL_ERROR },    { "warning", LOG_LEVEL_WARNING },  { "notice", LOG_LEVEL_NOTICE },
                { "info", LOG_LEVEL_INFO },    { "debug", LOG_LEVEL_DEBUG },      { "0", LOG_LEVEL_ERROR },
                { "3", LOG_LEVEL_ERROR },      { "4", LOG_LEVEL_WARNING },        { "7", LOG_LEVEL_DEBUG },
                /* systemd's spellings only, exactly */
                { "8", _LOG_LEVEL_INVALID },   { "-1", _LOG_LEVEL_INVALID },      { "", _LOG_LEVEL_INVALID },
                { "Debug", _LOG_LEVEL_INVALID }, { "error", _LOG_LEVEL_INVALID }, { "debug ", _LOG_LEVEL_INVALID },
                { "77", _LOG_LEVEL_INVALID },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                enum log_level l = log_level_from_syslog(cases[i].name);
                if (l != cases[i].want)
                        fprintf(stderr, "\n  level '%s': %d, want %d", cases[i].name, (int) l, (int) cases[i].want);
                CU_ASSERT_EQUAL(l, cases[i].want);
        }
}

static void test_targets_weft_has_and_targets_it_refuses(void)
{
        enum log_target t = _LOG_TARGET_INVALID;

        CU_ASSERT_EQUAL(log_target_from_string("console", &t), 0);
        CU_ASSERT_EQUAL(t, LOG_TARGET_CONSOLE);
        CU_ASSERT_EQUAL(log_target_from_string("auto", &t), 0);
        CU_ASSERT_EQUAL(t, LOG_TARGET_AUTO);
        CU_ASSERT_EQUAL(log_target_from_string("null", &t), 0);
        CU_ASSERT_EQUAL(t, LOG_TARGET_NULL);
        t = LOG_TARGET_AUTO;
        const char *not_here[] = { "kmsg", "journal", "syslog", "journal-or-kmsg", "syslog-or-kmsg", "console-prefixed" };
        for (size_t i = 0; i < sizeof not_here / sizeof not_here[0]; i++)
                CU_ASSERT_EQUAL(log_target_from_string(not_here[i], &t), -EOPNOTSUPP);
        CU_ASSERT_EQUAL(log_target_from_string("Console", &t), -EINVAL);
        CU_ASSERT_EQUAL(log_target_from_string("", &t), -EINVAL);
        CU_ASSERT_EQUAL(t, LOG_TARGET_AUTO); /* written on success only */
        for (int i = 0; i < _LOG_TARGET_MAX; i++)
                CU_ASSERT_EQUAL(log_target_from_string(log_target_to_string(i), &t) == 0 && t == (enum log_target) i, 1);
}

static void test_set_level_shows_debug_lines_from_the_next_line_on(void)
{
        FILE *f = tmpfile();
        char err[256] = "";
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        log_set_sink(f);
        log_set_level(LOG_LEVEL_INFO);
        log_debug("hidden");
        CU_ASSERT_EQUAL(log_control_set_level("debug", err, sizeof err), 0);
        CU_ASSERT_STRING_EQUAL(log_control_level(), "debug");
        log_debug("shown");
        CU_ASSERT_STRING_EQUAL(sink_text(f), "Setting log level to debug.\nshown\n");
        CU_ASSERT_EQUAL(log_control_set_level("crit", err, sizeof err), 0);
        CU_ASSERT_STRING_EQUAL(log_control_level(), "err");
        log_set_sink(NULL);
        log_set_level(LOG_LEVEL_INFO);
        fclose(f);
}

static void test_invalid_level_changes_nothing_and_says_why(void)
{
        char err[256] = "";
        log_set_level(LOG_LEVEL_NOTICE);
        CU_ASSERT_EQUAL(log_control_set_level("loud", err, sizeof err), -EINVAL);
        CU_ASSERT_STRING_EQUAL(err, "Invalid log level 'loud'.");
        CU_ASSERT_EQUAL(log_get_level(), LOG_LEVEL_NOTICE);
        log_set_level(LOG_LEVEL_INFO);
}

static void test_null_target_drops_lines_and_console_brings_them_back(void)
{
        FILE *f = tmpfile();
        char err[256] = "";
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        log_set_sink(f);
        CU_ASSERT_EQUAL(log_control_set_target("null", err, sizeof err), 0);
        CU_ASSERT_STRING_EQUAL(log_control_target(), "null");
        log_error("lost");
        log_hold();
        log_info("held and lost");
        log_release();
        CU_ASSERT_STRING_EQUAL(sink_text(f), "");
        CU_ASSERT_EQUAL(log_control_set_target("console", err, sizeof err), 0);
        log_info("back");
        CU_ASSERT_STRING_EQUAL(sink_text(f), "Setting log target to console.\nback\n");
        log_set_sink(NULL);
        fclose(f);
}

static void test_target_weft_cannot_do_is_refused_with_the_reason(void)
{
        char err[256] = "";
        CU_ASSERT_EQUAL(log_control_set_target("kmsg", err, sizeof err), -EOPNOTSUPP);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "'kmsg' is not supported"));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "console"));
        CU_ASSERT_EQUAL(log_control_set_target("elsewhere", err, sizeof err), -EINVAL);
        CU_ASSERT_STRING_EQUAL(err, "Invalid log target 'elsewhere'.");
        CU_ASSERT_EQUAL(log_get_target(), LOG_TARGET_CONSOLE);
}

/* One thread changes the level while another logs: no lock, no torn or
 * racy read (a ThreadSanitizer build of the tests checks the latter). */
static void *toggle_level(void *arg)
{
        for (int i = 0; i < 2000; i++)
                log_set_level(i % 2 ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARNING);
        return NULL;
}

static void test_level_changes_while_another_thread_logs(void)
{
        FILE *f = tmpfile();
        pthread_t t;
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        log_set_sink(f);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, toggle_level, NULL), 0);
        for (int i = 0; i < 2000; i++)
                log_debug("line %d", i);
        pthread_join(t, NULL);
        log_set_sink(NULL);
        log_set_level(LOG_LEVEL_INFO);
        fclose(f);
}

static void boot(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDefaultDependencies=no\n");
        fake_setup(d, "t.target");
        log_set_level(LOG_LEVEL_INFO); /* the fake is quiet */
}

static void control_as(uid_t uid, const char *verb, const char *value)
{
        char *units[] = { (char *) value, NULL };
        struct control_request q = { .version = 1, .verb = (char *) verb, .units = value ? units : NULL };
        control_handle(F.s, 1, uid, &q);
}

static void test_log_level_verb_reads_for_anyone_and_sets_for_root(void)
{
        FILE *f = tmpfile();
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        boot();
        log_set_sink(f);
        control_as(1000, "log-level", NULL);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_STRING_EQUAL(F.last_text, "info");
        control_as(1000, "log-level", "debug");
        CU_ASSERT_EQUAL(F.last_code, 4);
        CU_ASSERT_EQUAL(log_get_level(), LOG_LEVEL_INFO);
        control_as(0, "log-level", "debug");
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_EQUAL(log_get_level(), LOG_LEVEL_DEBUG);
        control_as(0, "log-level", "7x");
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_STRING_EQUAL(F.last_error, "Invalid log level '7x'.");
        CU_ASSERT_EQUAL(log_get_level(), LOG_LEVEL_DEBUG);
        control_as(0, "log-target", NULL);
        CU_ASSERT_STRING_EQUAL(F.last_text, "console");
        control_as(0, "log-target", "journal-or-kmsg");
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "not supported"));
        CU_ASSERT_EQUAL(log_get_target(), LOG_TARGET_CONSOLE);
        log_set_sink(NULL);
        fclose(f);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "syslog_names_and_numbers_map_onto_weft_levels", test_syslog_names_and_numbers_map_onto_weft_levels },
        { "targets_weft_has_and_targets_it_refuses", test_targets_weft_has_and_targets_it_refuses },
        { "set_level_shows_debug_lines_from_the_next_line_on", test_set_level_shows_debug_lines_from_the_next_line_on },
        { "invalid_level_changes_nothing_and_says_why", test_invalid_level_changes_nothing_and_says_why },
        { "null_target_drops_lines_and_console_brings_them_back",
          test_null_target_drops_lines_and_console_brings_them_back },
        { "target_weft_cannot_do_is_refused_with_the_reason", test_target_weft_cannot_do_is_refused_with_the_reason },
        { "level_changes_while_another_thread_logs", test_level_changes_while_another_thread_logs },
        { "log_level_verb_reads_for_anyone_and_sets_for_root", test_log_level_verb_reads_for_anyone_and_sets_for_root },
        { 0 },
};
TEST_SUITE("log_control", tests);
