/* Tests for parse/lex.c, the unit-file lexer. Expected behaviour was checked
 * against systemd 252 with `systemd-analyze verify --man=no FILE.service`:
 * which lines warn, which make the file unloadable, and the line numbers
 * systemd reports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/lex.h"
#include "test/unit/test.h"

/* Every assignment as "LINE:SECTION:KEY=VALUE" ("-" for no section). */
static int record(void *userdata, const char *file, unsigned line, const char *section, const char *key,
                  const char *value)
{
        char ***out = userdata;
        char *s;

        if (!key)
                return 0; /* a section header */
        if (asprintf(&s, "%u:%s:%s=%s", line, section ? section : "-", key, value) < 0)
                return -ENOMEM;
        return strv_consume(out, s);
}

struct lex_result {
        int r;
        char **got;
        char *log;     /* everything logged while lexing */
};

static struct lex_result lex_n(const char *text, size_t len)
{
        struct lex_result res = { 0 };
        size_t loglen = 0;
        FILE *f = open_memstream(&res.log, &loglen);

        CU_ASSERT_FATAL(f != NULL);
        log_set_sink(f);
        res.r = lex_parse_buffer("test.service", text, len, record, &res.got);
        log_set_sink(NULL);
        fclose(f);
        return res;
}

static struct lex_result lex(const char *text)
{
        return lex_n(text, strlen(text));
}

static void result_free(struct lex_result *res)
{
        strv_free(res->got);
        free(res->log);
}

/* Compare the recorded assignments with a NULL-terminated list. */
static void assert_got(const struct lex_result *res, const char *const *expected)
{
        size_t n = strv_length((char *const *) expected);
        bool same = strv_length(res->got) == n;

        for (size_t i = 0; same && i < n; i++)
                same = strcmp(res->got[i], expected[i]) == 0;
        if (!same) {
                char *j = strv_join(res->got, " | ");
                fprintf(stderr, "\n  got: %s\n", j);
                free(j);
        }
        CU_ASSERT_TRUE(same);
}

#define ASSERT_GOT(res, ...) assert_got(&(res), (const char *const[]) { __VA_ARGS__, NULL })

static void test_sections_and_assignments_are_reported_in_order(void)
{
        struct lex_result res = lex("[Unit]\nDescription=hello\n\n[Service]\nExecStart=/bin/true\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:Unit:Description=hello", "5:Service:ExecStart=/bin/true");
        result_free(&res);
}

static void test_whitespace_around_equals_and_value_is_stripped(void)
{
        struct lex_result res = lex("[S]\n  Key = some value \t\nK2\t=\tv\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:Key=some value", "3:S:K2=v");
        result_free(&res);
}

static void test_empty_value_is_passed_as_empty_string(void)
{
        struct lex_result res = lex("[S]\nA=\nB=   \n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:A=", "3:S:B=");
        result_free(&res);
}

static void test_only_first_equals_splits(void)
{
        struct lex_result res = lex("[S]\nEnvironment=A=1 B=2\n");
        ASSERT_GOT(res, "2:S:Environment=A=1 B=2");
        result_free(&res);
}

static void test_keys_and_sections_passed_verbatim_including_x_and_unknown(void)
{
        struct lex_result res = lex("[service]\nexecstart=x\n[X-Mine]\nX-Foo=1\n[Service]\nBogus=2\nBo gus=3\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:service:execstart=x", "4:X-Mine:X-Foo=1", "6:Service:Bogus=2", "7:Service:Bo gus=3");
        CU_ASSERT_STRING_EQUAL(res.log, "");
        result_free(&res);
}

static void test_comment_lines_are_skipped(void)
{
        struct lex_result res = lex("# top\n[S]\n; semi\n   # indented\n\t; tab\nA=1\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "6:S:A=1");
        result_free(&res);
}

static void test_no_inline_comments(void)
{
        struct lex_result res = lex("[S]\nExecStart=/x # y ; z\n");
        ASSERT_GOT(res, "2:S:ExecStart=/x # y ; z");
        result_free(&res);
}

static void test_quotes_and_escapes_are_passed_raw(void)
{
        struct lex_result res = lex("[S]\nA=\"quoted value\" 'x' \\t\\x41\n");
        ASSERT_GOT(res, "2:S:A=\"quoted value\" 'x' \\t\\x41");
        result_free(&res);
}

static void test_continuation_joins_lines_with_a_space(void)
{
        struct lex_result res = lex("[S]\nA=one \\\n  two\\\nthree\nB=4\n");
        CU_ASSERT_EQUAL(res.r, 0);
        /* Reported at the last physical line, like systemd. */
        ASSERT_GOT(res, "4:S:A=one    two three", "5:S:B=4");
        result_free(&res);
}

static void test_comment_lines_inside_continuation_are_skipped(void)
{
        struct lex_result res = lex("[S]\nA=a \\\n# comment\n; other \\\n  b\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "5:S:A=a    b");
        result_free(&res);
}

static void test_even_backslashes_do_not_continue(void)
{
        struct lex_result res = lex("[S]\nA=x\\\\\nB=y\\\\\\\nz\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:A=x\\\\", "4:S:B=y\\\\ z");
        result_free(&res);
}

static void test_backslash_followed_by_space_does_not_continue(void)
{
        struct lex_result res = lex("[S]\nA=x\\ \nB=y\n");
        ASSERT_GOT(res, "2:S:A=x\\", "3:S:B=y");
        result_free(&res);
}

static void test_trailing_backslash_at_eof_still_assigns(void)
{
        struct lex_result res = lex("[S]\nA=x\\");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:A=x");
        result_free(&res);
        res = lex("[S]\nA=x\\\n");
        ASSERT_GOT(res, "2:S:A=x");
        result_free(&res);
}

static void test_crlf_and_lone_cr_end_lines(void)
{
        struct lex_result res = lex("[S]\r\nA = 1 \r\nB=2\rC=3\n\rD=4\r\r\nE=5");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:A=1", "3:S:B=2", "4:S:C=3", "5:S:D=4", "7:S:E=5");
        result_free(&res);
}

static void test_continuation_across_crlf(void)
{
        struct lex_result res = lex("[S]\r\nA=a \\\r\nb\r\n");
        ASSERT_GOT(res, "3:S:A=a  b");
        result_free(&res);
}

static void test_assignment_before_section_has_null_section(void)
{
        struct lex_result res = lex("Description=x\n[S]\nA=1\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "1:-:Description=x", "3:S:A=1");
        result_free(&res);
}

static void test_line_without_equals_warns_and_is_skipped(void)
{
        struct lex_result res = lex("[S]\nA=1\nFooBar\nB=2\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:A=1", "4:S:B=2");
        CU_ASSERT_PTR_NOT_NULL(strstr(res.log, "test.service:3: Missing '=', ignoring.\n"));
        result_free(&res);
}

static void test_empty_key_warns_and_is_skipped(void)
{
        struct lex_result res = lex("[S]\n  = foo\nB=2\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "3:S:B=2");
        CU_ASSERT_PTR_NOT_NULL(strstr(res.log, "test.service:2: Missing key name before '=', ignoring.\n"));
        result_free(&res);
}

static void test_warning_in_continuation_names_last_line(void)
{
        struct lex_result res = lex("[S]\nBogus \\\n b\n");
        CU_ASSERT_PTR_NOT_NULL(strstr(res.log, "test.service:3: Missing '=', ignoring."));
        result_free(&res);
}

static void test_utf8_byte_order_mark_is_skipped(void)
{
        struct lex_result res = lex("\xef\xbb\xbf[S]\nA=1\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:A=1");
        result_free(&res);
}

static void test_empty_section_name_is_passed_on(void)
{
        struct lex_result res = lex("[]\nA=1\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2::A=1");
        result_free(&res);
}

static void test_bad_section_headers_are_fatal(void)
{
        static const struct {
                const char *text;
                const char *message;
        } cases[] = {
                { "[Service\nA=1\n", "test.service:1: Invalid section header '[Service'" },
                { "[Service] x\n", "test.service:1: Invalid section header '[Service] x'" },
                { "[\n", "test.service:1: Invalid section header '['" },
                { "[S]\n[Ser\"vice]\n", "test.service:2: Bad characters in section header '[Ser\"vice]'" },
                { "[Se\\rvice]\n", "Bad characters in section header" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct lex_result res = lex(cases[i].text);
                CU_ASSERT_EQUAL(res.r, -EBADMSG);
                CU_ASSERT_PTR_NOT_NULL(strstr(res.log, cases[i].message));
                result_free(&res);
        }
}

static void test_nul_byte_is_fatal(void)
{
        static const char text[] = "[S]\nA=a\0b\n";
        struct lex_result res = lex_n(text, sizeof text - 1);
        CU_ASSERT_EQUAL(res.r, -EBADMSG);
        CU_ASSERT_PTR_NOT_NULL(strstr(res.log, "test.service:2:"));
        result_free(&res);
        static const char in_comment[] = "[S]\n# a\0b\n";
        res = lex_n(in_comment, sizeof in_comment - 1);
        CU_ASSERT_EQUAL(res.r, -EBADMSG);
        result_free(&res);
}

static void test_invalid_utf8_is_fatal(void)
{
        static const char *const cases[] = {
                "[S]\nDescription=a\xff\xfe b\n",
                "[S]\nDe\xffscription=ab\n",
                "[X-\xff]\n",
                "[S]\nab\xff c\n",
                "[S]\nA=\xc0\x80\n",
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct lex_result res = lex(cases[i]);
                CU_ASSERT_EQUAL(res.r, -EBADMSG);
                CU_ASSERT_PTR_NOT_NULL(strstr(res.log, "not valid UTF-8"));
                result_free(&res);
        }
}

static void test_invalid_utf8_in_comment_is_allowed(void)
{
        struct lex_result res = lex("[S]\n# \xff\xfe\nA=1\n");
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "3:S:A=1");
        result_free(&res);
}

static void test_valid_utf8_value_is_accepted(void)
{
        struct lex_result res = lex("[S]\nDescription=caf\xc3\xa9 \xe2\x82\xac\n");
        ASSERT_GOT(res, "2:S:Description=caf\xc3\xa9 \xe2\x82\xac");
        result_free(&res);
}

/* A line of `len` bytes "[S]\nA=aaaa…" plus an optional suffix. */
static char *long_text(size_t line_len, const char *suffix, size_t *ret_len)
{
        size_t n = 4 + line_len + strlen(suffix);
        char *t = malloc(n + 1);

        CU_ASSERT_FATAL(t != NULL);
        memcpy(t, "[S]\nA=", 6);
        memset(t + 6, 'a', line_len - 2);
        strcpy(t + 4 + line_len, suffix);
        *ret_len = n;
        return t;
}

static void test_line_just_under_limit_is_accepted(void)
{
        size_t n;
        char *t = long_text(LEX_LINE_MAX - 1, "\n", &n);
        struct lex_result res = lex_n(t, n);
        CU_ASSERT_EQUAL(res.r, 0);
        CU_ASSERT_EQUAL(strv_length(res.got), 1);
        result_free(&res);
        free(t);
}

static void test_line_at_limit_is_enobufs(void)
{
        size_t n;
        char *t = long_text(LEX_LINE_MAX, "\n", &n);
        struct lex_result res = lex_n(t, n);
        CU_ASSERT_EQUAL(res.r, -ENOBUFS);
        CU_ASSERT_PTR_NOT_NULL(strstr(res.log, "test.service:2: Line too long"));
        result_free(&res);
        free(t);
}

static void test_comment_line_at_limit_is_enobufs_too(void)
{
        size_t n;
        char *t = long_text(LEX_LINE_MAX, "\n", &n);
        t[4] = '#';
        struct lex_result res = lex_n(t, n);
        CU_ASSERT_EQUAL(res.r, -ENOBUFS);
        result_free(&res);
        free(t);
}

static void test_joined_continuation_over_limit_is_enobufs(void)
{
        size_t half = LEX_LINE_MAX / 2 + 16, n;
        char *t = long_text(half, "\\\n", &n);
        char *u = malloc(n + half + 2);

        CU_ASSERT_FATAL(u != NULL);
        memcpy(u, t, n);
        memset(u + n, 'b', half);
        u[n + half] = '\n';
        struct lex_result res = lex_n(u, n + half + 1);
        CU_ASSERT_EQUAL(res.r, -ENOBUFS);
        CU_ASSERT_PTR_NOT_NULL(strstr(res.log, "test.service:3: Continuation line too long"));
        result_free(&res);
        free(t);
        free(u);
}

static int fail_on_second(void *userdata, const char *file, unsigned line, const char *section, const char *key,
                          const char *value)
{
        int *calls = userdata;
        return ++*calls == 2 ? -ECANCELED : 0;
}

static void test_callback_error_stops_lexing(void)
{
        const char *text = "[S]\nA=1\nB=2\nC=3\n";
        int calls = 0;
        CU_ASSERT_EQUAL(lex_parse_buffer("t", text, strlen(text), fail_on_second, &calls), -ECANCELED);
        CU_ASSERT_EQUAL(calls, 2);
}

static void test_buffer_need_not_be_nul_terminated(void)
{
        const char text[] = "[S]\nA=12345\nB=2";
        /* Stop in the middle of A's value. */
        struct lex_result res = lex_n(text, 8);
        CU_ASSERT_EQUAL(res.r, 0);
        ASSERT_GOT(res, "2:S:A=12");
        result_free(&res);
}

static void test_empty_buffer_gives_nothing(void)
{
        struct lex_result res = lex("");
        CU_ASSERT_EQUAL(res.r, 0);
        CU_ASSERT_EQUAL(strv_length(res.got), 0);
        result_free(&res);
}

static void test_parse_file_reads_and_names_file(void)
{
        const char *dir = test_tmpdir();
        const char *path = test_write_file(dir, "a.service", "[Unit]\nDescription=from file\nNoEquals\n");
        char *copy = strdup(path);
        char **got = NULL;
        char *log = NULL;
        size_t loglen;
        FILE *f = open_memstream(&log, &loglen);

        log_set_sink(f);
        CU_ASSERT_EQUAL(lex_parse_file(copy, record, &got), 0);
        log_set_sink(NULL);
        fclose(f);
        CU_ASSERT_EQUAL(strv_length(got), 1);
        CU_ASSERT_STRING_EQUAL(got[0], "2:Unit:Description=from file");
        CU_ASSERT_PTR_NOT_NULL(strstr(log, "a.service:3: Missing '='"));
        strv_free(got);
        free(log);
        free(copy);
}

static void test_parse_file_missing_is_enoent(void)
{
        char **got = NULL;
        char *log = NULL;
        size_t loglen;
        FILE *f = open_memstream(&log, &loglen);

        log_set_sink(f);
        CU_ASSERT_EQUAL(lex_parse_file("/nonexistent/weft/x.service", record, &got), -ENOENT);
        log_set_sink(NULL);
        fclose(f);
        CU_ASSERT_PTR_NULL(got);
        CU_ASSERT_PTR_NOT_NULL(strstr(log, "/nonexistent/weft/x.service"));
        free(log);
}

static const struct test_case tests[] = {
        { "sections_and_assignments_are_reported_in_order", test_sections_and_assignments_are_reported_in_order },
        { "whitespace_around_equals_and_value_is_stripped", test_whitespace_around_equals_and_value_is_stripped },
        { "empty_value_is_passed_as_empty_string", test_empty_value_is_passed_as_empty_string },
        { "only_first_equals_splits", test_only_first_equals_splits },
        { "keys_and_sections_passed_verbatim_including_x_and_unknown",
          test_keys_and_sections_passed_verbatim_including_x_and_unknown },
        { "comment_lines_are_skipped", test_comment_lines_are_skipped },
        { "no_inline_comments", test_no_inline_comments },
        { "quotes_and_escapes_are_passed_raw", test_quotes_and_escapes_are_passed_raw },
        { "continuation_joins_lines_with_a_space", test_continuation_joins_lines_with_a_space },
        { "comment_lines_inside_continuation_are_skipped", test_comment_lines_inside_continuation_are_skipped },
        { "even_backslashes_do_not_continue", test_even_backslashes_do_not_continue },
        { "backslash_followed_by_space_does_not_continue", test_backslash_followed_by_space_does_not_continue },
        { "trailing_backslash_at_eof_still_assigns", test_trailing_backslash_at_eof_still_assigns },
        { "crlf_and_lone_cr_end_lines", test_crlf_and_lone_cr_end_lines },
        { "continuation_across_crlf", test_continuation_across_crlf },
        { "assignment_before_section_has_null_section", test_assignment_before_section_has_null_section },
        { "line_without_equals_warns_and_is_skipped", test_line_without_equals_warns_and_is_skipped },
        { "empty_key_warns_and_is_skipped", test_empty_key_warns_and_is_skipped },
        { "warning_in_continuation_names_last_line", test_warning_in_continuation_names_last_line },
        { "utf8_byte_order_mark_is_skipped", test_utf8_byte_order_mark_is_skipped },
        { "empty_section_name_is_passed_on", test_empty_section_name_is_passed_on },
        { "bad_section_headers_are_fatal", test_bad_section_headers_are_fatal },
        { "nul_byte_is_fatal", test_nul_byte_is_fatal },
        { "invalid_utf8_is_fatal", test_invalid_utf8_is_fatal },
        { "invalid_utf8_in_comment_is_allowed", test_invalid_utf8_in_comment_is_allowed },
        { "valid_utf8_value_is_accepted", test_valid_utf8_value_is_accepted },
        { "line_just_under_limit_is_accepted", test_line_just_under_limit_is_accepted },
        { "line_at_limit_is_enobufs", test_line_at_limit_is_enobufs },
        { "comment_line_at_limit_is_enobufs_too", test_comment_line_at_limit_is_enobufs_too },
        { "joined_continuation_over_limit_is_enobufs", test_joined_continuation_over_limit_is_enobufs },
        { "callback_error_stops_lexing", test_callback_error_stops_lexing },
        { "buffer_need_not_be_nul_terminated", test_buffer_need_not_be_nul_terminated },
        { "empty_buffer_gives_nothing", test_empty_buffer_gives_nothing },
        { "parse_file_reads_and_names_file", test_parse_file_reads_and_names_file },
        { "parse_file_missing_is_enoent", test_parse_file_missing_is_enoent },
        { 0 },
};
TEST_SUITE("lex", tests);
