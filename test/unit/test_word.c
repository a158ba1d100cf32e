/* Tests for parse/word.c: systemd quoting, C escapes and UTF-8 checks.
 * Expected results follow systemd 252 (systemd.syntax(7) and what
 * systemd-analyze verify accepts, e.g. quotes in the middle of a word). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "parse/word.h"
#include "test/unit/test.h"

#define UQ_ESC (WORD_UNQUOTE | WORD_CUNESCAPE)
#define MAX_WORDS 8

struct split_case {
        const char *input;
        enum word_flags flags;
        int error;                         /* 0, or the expected negative errno */
        const char *words[MAX_WORDS];      /* expected items, NULL-terminated */
};

/* Split input fully; compare to the expected words or error. */
static void check_split(const struct split_case *t, const char *separators)
{
        const char *p = t->input;
        char **got = NULL;
        int r;

        for (;;) {
                char *w = NULL;
                r = word_extract(&p, &w, separators, t->flags);
                if (r <= 0) {
                        CU_ASSERT_PTR_NULL(w);
                        break;
                }
                strv_consume(&got, w);
        }
        if (t->error) {
                if (r != t->error)
                        fprintf(stderr, "\n  input <%s>: r=%d, expected %d\n", t->input, r, t->error);
                CU_ASSERT_EQUAL(r, t->error);
                strv_free(got);
                return;
        }
        CU_ASSERT_EQUAL(r, 0);
        size_t n = 0;
        while (t->words[n])
                n++;
        bool same = strv_length(got) == n;
        for (size_t i = 0; same && i < n; i++)
                same = strcmp(got[i], t->words[i]) == 0;
        if (!same) {
                char *j = strv_join(got, "|");
                fprintf(stderr, "\n  input <%s>: got <%s> (r=%d)\n", t->input, j, r);
                free(j);
        }
        CU_ASSERT_TRUE(same);
        strv_free(got);
}

static void check_all(const struct split_case *cases, size_t n, const char *separators)
{
        for (size_t i = 0; i < n; i++)
                check_split(&cases[i], separators);
}

#define CHECK_ALL(cases, seps) check_all(cases, sizeof cases / sizeof cases[0], seps)

static void test_splits_at_whitespace_and_collapses_runs(void)
{
        static const struct split_case cases[] = {
                { "a b", UQ_ESC, 0, { "a", "b" } },
                { "  a \t b\n c  ", UQ_ESC, 0, { "a", "b", "c" } },
                { "one", 0, 0, { "one" } },
                { "a\r\nb", UQ_ESC, 0, { "a", "b" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_empty_or_blank_input_gives_no_item(void)
{
        static const struct split_case cases[] = {
                { "", UQ_ESC, 0, { NULL } },
                { "   \t ", UQ_ESC, 0, { NULL } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_null_input_pointer_is_end(void)
{
        const char *p = NULL;
        char *w = (char *) "x";
        CU_ASSERT_EQUAL(word_extract(&p, &w, NULL, UQ_ESC), 0);
        CU_ASSERT_PTR_NULL(w);
}

static void test_quotes_wrap_an_item_with_spaces(void)
{
        static const struct split_case cases[] = {
                { "\"a b\" c", UQ_ESC, 0, { "a b", "c" } },
                { "'a b' c", UQ_ESC, 0, { "a b", "c" } },
                { "x \"  \" y", UQ_ESC, 0, { "x", "  ", "y" } },
                { "'a \"b\" c'", UQ_ESC, 0, { "a \"b\" c" } },
                { "\"it's\"", UQ_ESC, 0, { "it's" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_empty_quotes_give_empty_item(void)
{
        static const struct split_case cases[] = {
                { "\"\"", UQ_ESC, 0, { "" } },
                { "a '' b", UQ_ESC, 0, { "a", "", "b" } },
        };
        CHECK_ALL(cases, NULL);
}

/* systemd 252 accepts these although systemd.syntax(7) describes only
 * whole-item quoting: `ExecStart="/bin/ech"o x` runs /bin/echo. */
static void test_quote_in_middle_of_word_joins_parts(void)
{
        static const struct split_case cases[] = {
                { "a\"b c\"d", UQ_ESC, 0, { "ab cd" } },
                { "\"/bin/ech\"o x", UQ_ESC, 0, { "/bin/echo", "x" } },
                { "--opt='a b'", UQ_ESC, 0, { "--opt=a b" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_closing_quote_not_followed_by_space_continues_word(void)
{
        static const struct split_case cases[] = {
                { "\"a b\"c d", UQ_ESC, 0, { "a bc", "d" } },
                { "'x''y'", UQ_ESC, 0, { "xy" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_unterminated_quote_is_einval(void)
{
        static const struct split_case cases[] = {
                { "\"abc", UQ_ESC, -EINVAL, { NULL } },
                { "a 'b c", UQ_ESC, -EINVAL, { NULL } },
                { "x\"", UQ_ESC, -EINVAL, { NULL } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_relax_accepts_unterminated_quote(void)
{
        static const struct split_case cases[] = {
                { "a \"b c", WORD_UNQUOTE | WORD_RELAX, 0, { "a", "b c" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_without_unquote_quotes_are_literal(void)
{
        static const struct split_case cases[] = {
                { "\"a b\"", WORD_CUNESCAPE, 0, { "\"a", "b\"" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_every_simple_escape_is_decoded(void)
{
        static const struct split_case cases[] = {
                { "\\a\\b\\f\\n\\r\\t\\v", UQ_ESC, 0, { "\a\b\f\n\r\t\v" } },
                { "\\\\ \\\" \\'", UQ_ESC, 0, { "\\", "\"", "'" } },
                { "a\\sb", UQ_ESC, 0, { "a b" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_numeric_escapes_are_decoded(void)
{
        static const struct split_case cases[] = {
                { "\\x41\\x7a", UQ_ESC, 0, { "Az" } },
                { "\\101\\040x", UQ_ESC, 0, { "A x" } },
                { "\\u00e9", UQ_ESC, 0, { "\xc3\xa9" } },
                { "\\u20AC", UQ_ESC, 0, { "\xe2\x82\xac" } },
                { "\\U0001F600", UQ_ESC, 0, { "\xf0\x9f\x98\x80" } },
                { "\\xff", UQ_ESC, 0, { "\xff" } }, /* a raw byte, not U+00FF */
        };
        CHECK_ALL(cases, NULL);
}

static void test_escapes_are_decoded_inside_quotes(void)
{
        static const struct split_case cases[] = {
                { "\"a\\tb\"", UQ_ESC, 0, { "a\tb" } },
                { "\"say \\\"hi\\\"\"", UQ_ESC, 0, { "say \"hi\"" } },
                { "'\\x41'", UQ_ESC, 0, { "A" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_escape_giving_nul_is_refused(void)
{
        static const struct split_case cases[] = {
                { "a\\x00b", UQ_ESC, -EINVAL, { NULL } },
                { "\\000", UQ_ESC, -EINVAL, { NULL } },
                { "\\u0000", UQ_ESC, -EINVAL, { NULL } },
                { "\\U00000000", UQ_ESC, -EINVAL, { NULL } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_malformed_escape_is_refused(void)
{
        static const struct split_case cases[] = {
                { "a\\qb", UQ_ESC, -EINVAL, { NULL } },
                { "\\x4", UQ_ESC, -EINVAL, { NULL } },
                { "\\xZZ", UQ_ESC, -EINVAL, { NULL } },
                { "\\400", UQ_ESC, -EINVAL, { NULL } },  /* above 255 */
                { "\\18", UQ_ESC, -EINVAL, { NULL } },
                { "\\u12", UQ_ESC, -EINVAL, { NULL } },
                { "\\uD800", UQ_ESC, -EINVAL, { NULL } }, /* surrogate */
                { "\\U00110000", UQ_ESC, -EINVAL, { NULL } },
                { "a\\;", UQ_ESC, -EINVAL, { NULL } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_trailing_backslash_handling_depends_on_flags(void)
{
        static const struct split_case cases[] = {
                { "ab\\", UQ_ESC, -EINVAL, { NULL } },
                { "ab\\", UQ_ESC | WORD_RELAX, 0, { "ab" } },
                { "ab\\", UQ_ESC | WORD_UNESCAPE_RELAX, 0, { "ab\\" } },
                { "\"ab\\", UQ_ESC | WORD_UNESCAPE_RELAX, -EINVAL, { NULL } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_unescape_relax_keeps_unknown_escape_verbatim(void)
{
        static const struct split_case cases[] = {
                { "a\\qb c", UQ_ESC | WORD_UNESCAPE_RELAX, 0, { "a\\qb", "c" } },
                { "a\\x00b", UQ_ESC | WORD_UNESCAPE_RELAX, 0, { "a\\x00b" } },
                { "\\n", UQ_ESC | WORD_UNESCAPE_RELAX, 0, { "\n" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_without_cunescape_backslash_makes_next_byte_literal(void)
{
        static const struct split_case cases[] = {
                { "a\\qb", WORD_UNQUOTE, 0, { "aqb" } },
                { "a\\ b", WORD_UNQUOTE, 0, { "a b" } },
                { "\\\"x", WORD_UNQUOTE, 0, { "\"x" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_retain_escape_keeps_backslashes(void)
{
        static const struct split_case cases[] = {
                { "a\\nb c\\", UQ_ESC | WORD_RETAIN_ESCAPE, 0, { "a\\nb", "c\\" } },
                { "'a\\'", UQ_ESC | WORD_RETAIN_ESCAPE, 0, { "a\\" } },
        };
        CHECK_ALL(cases, NULL);
}

static void test_custom_separators(void)
{
        static const struct split_case cases[] = {
                { "a:b::c", UQ_ESC, 0, { "a", "b", "c" } },
                { "a b:c", UQ_ESC, 0, { "a b", "c" } },
        };
        CHECK_ALL(cases, ":");
}

static void test_unescape_separators_yields_the_separator(void)
{
        static const struct split_case cases[] = {
                { "a\\:b:c", WORD_UNESCAPE_SEPARATORS, 0, { "a:b", "c" } },
                { "a\\\\b", WORD_UNESCAPE_SEPARATORS, 0, { "a\\b" } },
                { "a\\qb", WORD_UNESCAPE_SEPARATORS, -EINVAL, { NULL } },
                { "a\\:\\tb", WORD_UNESCAPE_SEPARATORS | WORD_CUNESCAPE, 0, { "a:\tb" } },
        };
        CHECK_ALL(cases, ":");
}

static void test_pointer_advances_past_item_and_separators(void)
{
        const char *input = "first   second", *p = input;
        char *w = NULL;

        CU_ASSERT_EQUAL(word_extract(&p, &w, NULL, UQ_ESC), 1);
        CU_ASSERT_STRING_EQUAL(w, "first");
        CU_ASSERT_PTR_EQUAL(p, input + 8);
        free(w);
        CU_ASSERT_EQUAL(word_extract(&p, &w, NULL, UQ_ESC), 1);
        CU_ASSERT_EQUAL(*p, 0);
        free(w);
}

static void test_error_leaves_pointer_unchanged(void)
{
        const char *input = "ok \"bad", *p = input;
        char *w = NULL;

        CU_ASSERT_EQUAL(word_extract(&p, &w, NULL, UQ_ESC), 1);
        free(w);
        const char *before = p;
        w = NULL;
        CU_ASSERT_EQUAL(word_extract(&p, &w, NULL, UQ_ESC), -EINVAL);
        CU_ASSERT_PTR_EQUAL(p, before);
        CU_ASSERT_PTR_NULL(w);
}

static void test_cunescape_decodes_escapes(void)
{
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "plain", "plain" },
                { "a\\tb\\x41\\101\\u00e9", "a\tbAA\xc3\xa9" },
                { "\\\"\\'\\\\\\s", "\"'\\ " },
                { "", "" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char *o = NULL;
                CU_ASSERT_EQUAL(word_cunescape(cases[i].in, strlen(cases[i].in), &o), 0);
                CU_ASSERT_STRING_EQUAL(o, cases[i].out);
                free(o);
        }
}

static void test_cunescape_refuses_nul_and_bad_escapes(void)
{
        static const char *const bad[] = { "a\\x00", "\\000", "\\q", "trailing\\", "\\x4", "\\U00110000" };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                char *o = NULL;
                CU_ASSERT_EQUAL(word_cunescape(bad[i], strlen(bad[i]), &o), -EINVAL);
                CU_ASSERT_PTR_NULL(o);
        }
        char *o = NULL;
        CU_ASSERT_EQUAL(word_cunescape("a\0b", 3, &o), -EINVAL);
        CU_ASSERT_PTR_NULL(o);
}

static void test_cunescape_stops_at_length(void)
{
        char *o = NULL;
        /* "\x41" cut after "\x4": the escape may not read past len. */
        CU_ASSERT_EQUAL(word_cunescape("ab\\x41", 5, &o), -EINVAL);
        CU_ASSERT_EQUAL(word_cunescape("ab\\x41zz", 6, &o), 0);
        CU_ASSERT_STRING_EQUAL(o, "abA");
        free(o);
}

static void test_utf8_validation(void)
{
        static const struct {
                const char *s;
                size_t len;
                bool valid;
        } cases[] = {
                { "plain ascii", 11, true },
                { "caf\xc3\xa9", 5, true },
                { "\xe2\x82\xac", 3, true },
                { "\xf0\x9f\x98\x80", 4, true },
                { "\xf4\x8f\xbf\xbf", 4, true },    /* U+10FFFF */
                { "", 0, true },
                { "\xff", 1, false },
                { "\xc0\x80", 2, false },           /* overlong NUL */
                { "\xc1\xbf", 2, false },           /* overlong */
                { "\xe0\x80\xaf", 3, false },       /* overlong */
                { "\xf0\x80\x80\xaf", 4, false },   /* overlong */
                { "\xed\xa0\x80", 3, false },       /* surrogate U+D800 */
                { "\xf4\x90\x80\x80", 4, false },   /* above U+10FFFF */
                { "\xc3", 1, false },               /* truncated */
                { "\xe2\x82", 2, false },
                { "\x80", 1, false },               /* stray continuation */
                { "\xc3\x28", 2, false },
                { "\xf8\x88\x80\x80\x80", 5, false },
                { "a\0b", 3, false },               /* embedded NUL */
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                CU_ASSERT_EQUAL(utf8_is_valid_n(cases[i].s, cases[i].len), cases[i].valid);
                if (strlen(cases[i].s) == cases[i].len)
                        CU_ASSERT_EQUAL(utf8_is_valid(cases[i].s), cases[i].valid);
        }
}

/* UTF-8 checks give the same answer wherever in a long line the byte
 * that decides lies: in the first eight, past them, at the very end. */
static void test_utf8_valid_at_every_offset(void)
{
        char buf[40];
        for (size_t at = 0; at + 3 <= sizeof buf; at++) {
                memset(buf, 'a', sizeof buf);
                memcpy(buf + at, "\xe2\x82\xac", 3); /* the euro sign */
                CU_ASSERT_TRUE(utf8_is_valid_n(buf, sizeof buf));
                buf[at + 1] = 'x'; /* a broken sequence */
                CU_ASSERT_FALSE(utf8_is_valid_n(buf, sizeof buf));
        }
        for (size_t at = 0; at < sizeof buf; at++) {
                memset(buf, 'a', sizeof buf);
                buf[at] = '\0';
                CU_ASSERT_FALSE(utf8_is_valid_n(buf, sizeof buf));
                buf[at] = (char) 0xff;
                CU_ASSERT_FALSE(utf8_is_valid_n(buf, sizeof buf));
                CU_ASSERT_TRUE(utf8_is_valid_n(buf, at)); /* the bytes before it */
        }
}

/* A word leaves *p past the separators after it, whether it took the
 * plain path (no quote, no escape) or the full one. */
static void test_word_leaves_p_past_separators(void)
{
        static const struct {
                const char *in, *separators, *word, *rest;
                enum word_flags flags;
        } cases[] = {
                { "abc   ", NULL, "abc", "", 0 },
                { "  abc  def", NULL, "abc", "def", 0 },
                { "x,, y", ", ", "x", "y", 0 },
                { "\"a b\"  c", NULL, "a b", "c", WORD_UNQUOTE },
                { "a\\ b c", NULL, "a b", "c", 0 },
                { "it's x", NULL, "it's", "x", 0 },
                { "a\\b c", NULL, "a\\b", "c", WORD_RETAIN_ESCAPE },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const char *p = cases[i].in;
                char *w = NULL;
                CU_ASSERT_EQUAL(word_extract(&p, &w, cases[i].separators, cases[i].flags), 1);
                CU_ASSERT_STRING_EQUAL(w, cases[i].word);
                CU_ASSERT_STRING_EQUAL(p, cases[i].rest);
                free(w);
        }
}

static const struct test_case tests[] = {
        { "word_leaves_p_past_separators", test_word_leaves_p_past_separators },
        { "utf8_valid_at_every_offset", test_utf8_valid_at_every_offset },
        { "splits_at_whitespace_and_collapses_runs", test_splits_at_whitespace_and_collapses_runs },
        { "empty_or_blank_input_gives_no_item", test_empty_or_blank_input_gives_no_item },
        { "null_input_pointer_is_end", test_null_input_pointer_is_end },
        { "quotes_wrap_an_item_with_spaces", test_quotes_wrap_an_item_with_spaces },
        { "empty_quotes_give_empty_item", test_empty_quotes_give_empty_item },
        { "quote_in_middle_of_word_joins_parts", test_quote_in_middle_of_word_joins_parts },
        { "closing_quote_not_followed_by_space_continues_word",
          test_closing_quote_not_followed_by_space_continues_word },
        { "unterminated_quote_is_einval", test_unterminated_quote_is_einval },
        { "relax_accepts_unterminated_quote", test_relax_accepts_unterminated_quote },
        { "without_unquote_quotes_are_literal", test_without_unquote_quotes_are_literal },
        { "every_simple_escape_is_decoded", test_every_simple_escape_is_decoded },
        { "numeric_escapes_are_decoded", test_numeric_escapes_are_decoded },
        { "escapes_are_decoded_inside_quotes", test_escapes_are_decoded_inside_quotes },
        { "escape_giving_nul_is_refused", test_escape_giving_nul_is_refused },
        { "malformed_escape_is_refused", test_malformed_escape_is_refused },
        { "trailing_backslash_handling_depends_on_flags", test_trailing_backslash_handling_depends_on_flags },
        { "unescape_relax_keeps_unknown_escape_verbatim", test_unescape_relax_keeps_unknown_escape_verbatim },
        { "without_cunescape_backslash_makes_next_byte_literal",
          test_without_cunescape_backslash_makes_next_byte_literal },
        { "retain_escape_keeps_backslashes", test_retain_escape_keeps_backslashes },
        { "custom_separators", test_custom_separators },
        { "unescape_separators_yields_the_separator", test_unescape_separators_yields_the_separator },
        { "pointer_advances_past_item_and_separators", test_pointer_advances_past_item_and_separators },
        { "error_leaves_pointer_unchanged", test_error_leaves_pointer_unchanged },
        { "cunescape_decodes_escapes", test_cunescape_decodes_escapes },
        { "cunescape_refuses_nul_and_bad_escapes", test_cunescape_refuses_nul_and_bad_escapes },
        { "cunescape_stops_at_length", test_cunescape_stops_at_length },
        { "utf8_validation", test_utf8_validation },
        { 0 },
};
TEST_SUITE("word", tests);
