/* Tests for log_hold/log_release: the scheduler holds its console lines
 * while it handles an event so that they follow the next spawn (issue 9).
 * Held lines keep their order, an error or a warning writes them first,
 * and release writes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "test/unit/test.h"

static char out[32768];

static FILE *open_sink(void)
{
        FILE *f = tmpfile();
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        log_set_sink(f);
        return f;
}

/* What the sink holds so far, into out. */
static const char *sink_text(FILE *f)
{
        long pos = ftell(f);
        rewind(f);
        size_t n = fread(out, 1, sizeof out - 1, f);
        out[n] = 0;
        fseek(f, pos, SEEK_SET);
        return out;
}

static void close_sink(FILE *f)
{
        log_set_sink(NULL);
        fclose(f);
}

static void test_held_lines_wait_for_release(void)
{
        FILE *f = open_sink();
        log_hold();
        log_info("one");
        log_notice("two");
        CU_ASSERT_STRING_EQUAL(sink_text(f), "");
        log_hold(); /* nested: only the outer release writes */
        log_info("three");
        log_release();
        CU_ASSERT_STRING_EQUAL(sink_text(f), "");
        log_release();
        CU_ASSERT_STRING_EQUAL(sink_text(f), "one\ntwo\nthree\n");
        log_info("four"); /* not held any more */
        CU_ASSERT_STRING_EQUAL(sink_text(f), "one\ntwo\nthree\nfour\n");
        close_sink(f);
}

static void test_warning_writes_held_lines_first(void)
{
        FILE *f = open_sink();
        log_hold();
        log_info("before");
        log_warning("warn");
        CU_ASSERT_STRING_EQUAL(sink_text(f), "before\nwarn\n");
        log_info("after");
        log_error("err");
        CU_ASSERT_STRING_EQUAL(sink_text(f), "before\nwarn\nafter\nerr\n");
        log_release();
        CU_ASSERT_STRING_EQUAL(sink_text(f), "before\nwarn\nafter\nerr\n");
        close_sink(f);
}

static void test_full_hold_buffer_writes_in_order(void)
{
        FILE *f = open_sink();
        char line[200];
        memset(line, 'x', sizeof line - 1);
        line[sizeof line - 1] = 0;
        log_hold();
        for (int i = 0; i < 100; i++)
                log_info("%03d %s", i, line);
        log_release();
        const char *t = sink_text(f);
        CU_ASSERT_EQUAL(strlen(t), 100 * (4 + strlen(line) + 1));
        for (int i = 0; i < 100; i++) {
                char want[16];
                snprintf(want, sizeof want, "%03d ", i);
                CU_ASSERT_EQUAL(strncmp(t + (size_t) i * (4 + strlen(line) + 1), want, 4), 0);
        }
        close_sink(f);
}

static const struct test_case tests[] = {
        { "held_lines_wait_for_release", test_held_lines_wait_for_release },
        { "warning_writes_held_lines_first", test_warning_writes_held_lines_first },
        { "full_hold_buffer_writes_in_order", test_full_hold_buffer_writes_in_order },
        { 0 },
};
TEST_SUITE("log", tests);
