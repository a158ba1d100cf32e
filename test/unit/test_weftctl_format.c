/* weftctl's output shapes: systemctl's tables, relative times, tree
 * branches, JSON, and the tail of a log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/format.h"
#include "ctl/logs.h"

#include "test/unit/test.h"

static char *capture_table(const struct ctl_table *t)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ctl_table_print(t, f);
        fclose(f);
        return buf;
}

static void test_table_pads_columns_but_not_the_last(void)
{
        struct ctl_table t;
        const char *head[] = { " ", "UNIT", "LOAD", "DESCRIPTION" };
        const char *a[] = { " ", "a.service", "loaded", "A thing" };
        const char *b[] = { "●", "bb.service", "not-found", "bb.service" };

        ctl_table_init(&t, 4);
        ctl_table_add(&t, head);
        ctl_table_add(&t, a);
        ctl_table_add(&t, b);
        char *out = capture_table(&t);
        CU_ASSERT_STRING_EQUAL(out, "  UNIT       LOAD      DESCRIPTION\n"
                                    "  a.service  loaded    A thing\n"
                                    "● bb.service not-found bb.service\n");
        free(out);
        ctl_table_done(&t);
}

static void test_table_drops_trailing_empty_cells(void)
{
        struct ctl_table t;
        const char *a[] = { "x", "" };
        ctl_table_init(&t, 2);
        ctl_table_add(&t, a);
        char *out = capture_table(&t);
        CU_ASSERT_STRING_EQUAL(out, "x\n");
        free(out);
        ctl_table_done(&t);
}

static void test_relative_time_matches_systemd(void)
{
        char buf[64];
        const unsigned long long s = 1000000ULL;
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 0), "now");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 500), "500us ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 250000), "250ms ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 5 * s), "5s ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 63 * s), "1min 3s ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 12 * 60 * s + 5 * s), "12min ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 2 * 3600 * s + 5 * 60 * s), "2h 5min ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 7 * 3600 * s), "7h ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 27 * 3600 * s), "1 day 3h ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 3 * 86400 * s), "3 days ago");
        CU_ASSERT_STRING_EQUAL(ctl_format_relative(buf, sizeof buf, 15 * 86400 * s), "2 weeks 1 day ago");
}

static void test_tree_prefix_draws_ancestors_with_siblings(void)
{
        char buf[64];
        CU_ASSERT_STRING_EQUAL(ctl_tree_prefix(buf, sizeof buf, 0, 0, false), "├─");
        CU_ASSERT_STRING_EQUAL(ctl_tree_prefix(buf, sizeof buf, 0, 0, true), "└─");
        /* the parent has siblings below: a bar; the grandparent none: blank */
        CU_ASSERT_STRING_EQUAL(ctl_tree_prefix(buf, sizeof buf, 2, 0x1, true), "  │ └─");
        CU_ASSERT_STRING_EQUAL(ctl_tree_prefix(buf, sizeof buf, 2, 0x2, false), "│   ├─");
}

static void test_json_units_escapes_and_keeps_order(void)
{
        struct control_reply r = { 0 };
        struct control_unit *u = control_reply_add_unit(&r);
        control_unit_add(u, "Id", "a.service");
        control_unit_add(u, "StatusText", "say \"hi\"\n\\");
        control_reply_add_unit(&r);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ctl_json_units(f, &r, false);
        fclose(f);
        CU_ASSERT_STRING_EQUAL(buf, "[{\"Id\":\"a.service\",\"StatusText\":\"say \\\"hi\\\"\\n\\\\\"},{}]\n");
        free(buf);
        control_reply_done(&r);
}

static void test_tail_offset_counts_lines_from_the_end(void)
{
        const char *s = "one\ntwo\nthree\n";
        CU_ASSERT_STRING_EQUAL(s + logs_tail_offset(s, strlen(s), 1), "three\n");
        CU_ASSERT_STRING_EQUAL(s + logs_tail_offset(s, strlen(s), 2), "two\nthree\n");
        CU_ASSERT_STRING_EQUAL(s + logs_tail_offset(s, strlen(s), 10), s);
        CU_ASSERT_STRING_EQUAL(s + logs_tail_offset(s, strlen(s), 0), s);
        const char *u = "one\ntwo"; /* an unfinished last line counts */
        CU_ASSERT_STRING_EQUAL(u + logs_tail_offset(u, strlen(u), 1), "two");
}

static void test_tail_file_reads_the_last_lines(void)
{
        const char *dir = test_tmpdir();
        const char *path = test_write_file(dir, "log/a.service.log", "1\n2\n3\n4\n");
        char *tail = NULL;
        CU_ASSERT_EQUAL(logs_tail_file(path, 2, &tail), 0);
        CU_ASSERT_STRING_EQUAL(tail, "3\n4\n");
        free(tail);
}

/* What systemctl 252 prints for a Documentation= URI: bare unless a
 * shell would need quotes. */
static void test_word_quoted_only_where_a_shell_needs_it(void)
{
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "https://example.org/a?b", "\"https://example.org/a?b\"" },
                { "https://example.org/x", "https://example.org/x" },
                { "man:sleep(1)", "\"man:sleep(1)\"" },
                { "file:/a$b\"c", "\"file:/a\\$b\\\"c\"" },
                { "a b", "\"a b\"" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char *got = NULL;
                size_t n = 0;
                FILE *f = open_memstream(&got, &n);
                CU_ASSERT_PTR_NOT_NULL_FATAL(f);
                ctl_print_word(f, cases[i].in, strlen(cases[i].in));
                fclose(f);
                CU_ASSERT_STRING_EQUAL(got, cases[i].out);
                free(got);
        }
}

static const struct test_case tests[] = {
        { "word_quoted_only_where_a_shell_needs_it", test_word_quoted_only_where_a_shell_needs_it },
        { "table_pads_columns_but_not_the_last", test_table_pads_columns_but_not_the_last },
        { "table_drops_trailing_empty_cells", test_table_drops_trailing_empty_cells },
        { "relative_time_matches_systemd", test_relative_time_matches_systemd },
        { "tree_prefix_draws_ancestors_with_siblings", test_tree_prefix_draws_ancestors_with_siblings },
        { "json_units_escapes_and_keeps_order", test_json_units_escapes_and_keeps_order },
        { "tail_offset_counts_lines_from_the_end", test_tail_offset_counts_lines_from_the_end },
        { "tail_file_reads_the_last_lines", test_tail_file_reads_the_last_lines },
        { 0 },
};
TEST_SUITE("weftctl_format", tests);
