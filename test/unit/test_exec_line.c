/* Tests for parse/exec_line.c: ExecXxx= parsing, $VAR expansion, program
 * search and systemctl-show rendering. Acceptance and error wording of the
 * parser were checked against systemd 252 (`systemd-analyze verify`);
 * expansion follows systemd.service(5) "Command lines". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/strpool.h"
#include "base/strv.h"
#include "parse/exec_line.h"
#include "test/unit/test.h"

#define MAX_ARGS 8

struct parse_case {
        const char *value;
        const char *path;
        unsigned flags;
        const char *argv[MAX_ARGS];
};

static bool argv_equal(char *const *got, const char *const *want)
{
        size_t n = 0;

        while (want[n])
                n++;
        if (strv_length(got) != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (strcmp(got[i], want[i]) != 0)
                        return false;
        return true;
}

static void report_argv(const char *what, char *const *argv)
{
        char *j = strv_join(argv, "|");
        fprintf(stderr, "\n  %s: got <%s>\n", what, j);
        free(j);
}

/* Each value parses to exactly one command with this path, flags and argv. */
static void check_parse(const struct parse_case *cases, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const struct parse_case *t = &cases[i];
                struct exec_command *c = NULL;
                char *err = NULL;
                int r = exec_line_parse(t->value, &c, &err);

                if (r < 0)
                        fprintf(stderr, "\n  <%s>: %d %s\n", t->value, r, err);
                CU_ASSERT_EQUAL_FATAL(r, 0);
                CU_ASSERT_PTR_NULL(err);
                CU_ASSERT_PTR_NOT_NULL_FATAL(c);
                CU_ASSERT_PTR_NULL(c->next);
                CU_ASSERT_STRING_EQUAL(c->path, t->path);
                CU_ASSERT_EQUAL(c->flags, t->flags);
                if (!argv_equal(c->argv, t->argv))
                        report_argv(t->value, c->argv);
                CU_ASSERT_TRUE(argv_equal(c->argv, t->argv));
                exec_command_free_list(c);
        }
}

struct error_case {
        const char *value;
        const char *message;
};

static void check_errors(const struct error_case *cases, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                struct exec_command *c = NULL;
                char *err = NULL;

                CU_ASSERT_EQUAL(exec_line_parse(cases[i].value, &c, &err), -EINVAL);
                CU_ASSERT_PTR_NULL(c);
                CU_ASSERT_PTR_NOT_NULL_FATAL(err);
                if (strcmp(err, cases[i].message) != 0)
                        fprintf(stderr, "\n  <%s>: got \"%s\"\n", cases[i].value, err);
                CU_ASSERT_STRING_EQUAL(err, cases[i].message);
                free(err);
        }
}

#define CHECK_PARSE(cases) check_parse(cases, sizeof cases / sizeof cases[0])
#define CHECK_ERRORS(cases) check_errors(cases, sizeof cases / sizeof cases[0])

static void test_absolute_program_with_arguments(void)
{
        static const struct parse_case cases[] = {
                { "/bin/echo hello world", "/bin/echo", 0, { "/bin/echo", "hello", "world" } },
                { "  /bin/true  ", "/bin/true", 0, { "/bin/true" } },
                { "/x # y", "/x", 0, { "/x", "#", "y" } },
        };
        CHECK_PARSE(cases);
}

static void test_bare_name_is_kept_for_path_search(void)
{
        static const struct parse_case cases[] = {
                { "true x", "true", 0, { "true", "x" } },
                { "-sleep 1", "sleep", EXEC_IGNORE_FAILURE, { "sleep", "1" } },
        };
        CHECK_PARSE(cases);
}

static void test_path_is_simplified_but_argv0_is_not(void)
{
        static const struct parse_case cases[] = {
                { "//bin//./true", "/bin/true", 0, { "//bin//./true" } },
        };
        CHECK_PARSE(cases);
}

static void test_single_prefixes_set_their_flag(void)
{
        static const struct parse_case cases[] = {
                { "-/bin/false", "/bin/false", EXEC_IGNORE_FAILURE, { "/bin/false" } },
                { ":/bin/echo $X", "/bin/echo", EXEC_NO_ENV_EXPAND, { "/bin/echo", "$X" } },
                { "+/bin/true", "/bin/true", EXEC_FULL_PRIVILEGES, { "/bin/true" } },
                { "!/bin/true", "/bin/true", EXEC_NO_SETUID, { "/bin/true" } },
                { "!!/bin/true", "/bin/true", EXEC_AMBIENT_MAGIC, { "/bin/true" } },
        };
        CHECK_PARSE(cases);
}

static void test_at_prefix_takes_argv0_from_second_word(void)
{
        static const struct parse_case cases[] = {
                { "@/bin/sh my-shell -c true", "/bin/sh", EXEC_ARGV0, { "my-shell", "-c", "true" } },
        };
        CHECK_PARSE(cases);
}

static void test_prefixes_combine_in_any_order(void)
{
        static const struct parse_case cases[] = {
                { "-@/bin/true foo", "/bin/true", EXEC_IGNORE_FAILURE | EXEC_ARGV0, { "foo" } },
                { "@-/bin/true foo", "/bin/true", EXEC_IGNORE_FAILURE | EXEC_ARGV0, { "foo" } },
                { ":-+/bin/true", "/bin/true", EXEC_NO_ENV_EXPAND | EXEC_IGNORE_FAILURE | EXEC_FULL_PRIVILEGES,
                  { "/bin/true" } },
                { "!!-/bin/true", "/bin/true", EXEC_AMBIENT_MAGIC | EXEC_IGNORE_FAILURE, { "/bin/true" } },
                { "-!:@/bin/true a", "/bin/true",
                  EXEC_IGNORE_FAILURE | EXEC_NO_SETUID | EXEC_NO_ENV_EXPAND | EXEC_ARGV0, { "a" } },
        };
        CHECK_PARSE(cases);
}

/* A prefix that may not follow the ones before it starts the program name,
 * which then is not a valid one (systemd-analyze verify: the same text). */
static void test_conflicting_or_repeated_prefixes_are_rejected(void)
{
        static const struct error_case cases[] = {
                { "+!/bin/true", "Neither a valid executable name nor an absolute path: !/bin/true" },
                { "!+/bin/true", "Neither a valid executable name nor an absolute path: +/bin/true" },
                { "!!!/bin/true", "Neither a valid executable name nor an absolute path: !/bin/true" },
                { "!!+/bin/true", "Neither a valid executable name nor an absolute path: +/bin/true" },
                { "--/bin/true", "Neither a valid executable name nor an absolute path: -/bin/true" },
                { "@@/bin/true x", "Neither a valid executable name nor an absolute path: @/bin/true" },
        };
        CHECK_ERRORS(cases);
}

static void test_relative_path_is_rejected_with_systemd_wording(void)
{
        static const struct error_case cases[] = {
                { "relative/path x", "Neither a valid executable name nor an absolute path: relative/path" },
                { "-./run", "Neither a valid executable name nor an absolute path: ./run" },
                { ".", "Neither a valid executable name nor an absolute path: ." },
                { "..", "Neither a valid executable name nor an absolute path: .." },
        };
        CHECK_ERRORS(cases);
}

static void test_bad_program_names_are_rejected(void)
{
        static const struct error_case cases[] = {
                { "/bin/", "Executable path specifies a directory: /bin/" },
                { "/bin/tr\\\"ue", "Executable name contains special characters: /bin/tr\"ue" },
                { "/bin/a\\tb", "Executable name contains special characters: /bin/a\tb" },
                { "-", "Empty path in command line: '-'" },
                { "\"\" x", "Empty path in command line: '\"\" x'" },
                { "@/bin/true", "Empty executable name or zeroeth argument: @/bin/true" },
        };
        CHECK_ERRORS(cases);
}

static void test_quotes_and_escapes_in_arguments(void)
{
        static const struct parse_case cases[] = {
                { "/bin/echo \"a b\" 'c d' e\\tf", "/bin/echo", 0, { "/bin/echo", "a b", "c d", "e\tf" } },
                { "/bin/echo a\"b c\"d", "/bin/echo", 0, { "/bin/echo", "ab cd" } },
                { "\"/bin/ech\"o x", "/bin/echo", 0, { "/bin/echo", "x" } },
                { "/bin/\\x74rue", "/bin/true", 0, { "/bin/true" } },
                { "/bin/echo \\x41\\u00e9", "/bin/echo", 0, { "/bin/echo", "A\xc3\xa9" } },
        };
        CHECK_PARSE(cases);
}

/* systemd warns "Ignoring unknown escape sequences" and keeps them. */
static void test_unknown_escapes_are_kept_verbatim(void)
{
        static const struct parse_case cases[] = {
                { "/bin/echo a\\qb", "/bin/echo", 0, { "/bin/echo", "a\\qb" } },
                { "/bin/echo a\\x00b", "/bin/echo", 0, { "/bin/echo", "a\\x00b" } },
                { "/bin/echo a\\;b", "/bin/echo", 0, { "/bin/echo", "a\\;b" } },
        };
        CHECK_PARSE(cases);
}

static void test_unbalanced_quote_is_rejected(void)
{
        static const struct error_case cases[] = {
                { "/bin/true \"abc", "Unbalanced quoting: \"/bin/true \"abc\"" },
                { "'/bin/true", "Unbalanced quoting: \"'/bin/true\"" },
                { "/bin/true \"a\\", "Unbalanced quoting: \"/bin/true \"a\\\"" },
        };
        CHECK_ERRORS(cases);
}

static void test_lone_semicolon_separates_commands(void)
{
        struct exec_command *c = NULL;
        char *err = NULL;

        CU_ASSERT_EQUAL_FATAL(exec_line_parse("/bin/a x ; -b y;z ;", &c, &err), 0);
        CU_ASSERT_STRING_EQUAL(c->path, "/bin/a");
        CU_ASSERT_TRUE(argv_equal(c->argv, (const char *const[]) { "/bin/a", "x", NULL }));
        CU_ASSERT_PTR_NOT_NULL_FATAL(c->next);
        CU_ASSERT_STRING_EQUAL(c->next->path, "b");
        CU_ASSERT_EQUAL(c->next->flags, EXEC_IGNORE_FAILURE);
        CU_ASSERT_TRUE(argv_equal(c->next->argv, (const char *const[]) { "b", "y;z", NULL }));
        CU_ASSERT_PTR_NULL(c->next->next);
        exec_command_free_list(c);
}

static void test_escaped_or_quoted_semicolon_is_an_argument(void)
{
        static const struct parse_case cases[] = {
                { "/bin/find . -exec true {} \\;", "/bin/find", 0,
                  { "/bin/find", ".", "-exec", "true", "{}", ";" } },
                { "/bin/echo \";\" ';'", "/bin/echo", 0, { "/bin/echo", ";", ";" } },
                { "/bin/echo \\\\;", "/bin/echo", 0, { "/bin/echo", "\\;" } },
        };
        CHECK_PARSE(cases);
}

static void test_stray_semicolons_add_no_command(void)
{
        struct exec_command *c = (struct exec_command *) 1;
        char *err = NULL;

        CU_ASSERT_EQUAL(exec_line_parse(" ; ; ", &c, &err), 0);
        CU_ASSERT_PTR_NULL(c);
        CU_ASSERT_EQUAL_FATAL(exec_line_parse("; /bin/a ; ; /bin/b", &c, &err), 0);
        CU_ASSERT_STRING_EQUAL(c->path, "/bin/a");
        CU_ASSERT_PTR_NOT_NULL_FATAL(c->next);
        CU_ASSERT_STRING_EQUAL(c->next->path, "/bin/b");
        exec_command_free_list(c);
}

static void test_error_in_later_command_fails_whole_value(void)
{
        static const struct error_case cases[] = {
                { "/bin/true ; /bin/x ; relative/x",
                  "Neither a valid executable name nor an absolute path: relative/x" },
        };
        CHECK_ERRORS(cases);
}

/* Parse value and expand its first command against env. */
static char **expand(const char *value, char *const *env)
{
        struct exec_command *c = NULL;
        char *err = NULL;
        char **argv = NULL;

        CU_ASSERT_EQUAL_FATAL(exec_line_parse(value, &c, &err), 0);
        CU_ASSERT_EQUAL(exec_command_expand(c, env, &argv), 0);
        exec_command_free_list(c);
        return argv;
}

struct expand_case {
        const char *value;
        const char *argv[MAX_ARGS];
};

static char *const test_env[] = {
        "FOO=foo value", "EMPTY=", "Q=one 'two three' four", "ONE=single", "DUP=first", "DUP=second",
        "X=a\\ b", NULL,
};

static void check_expand(const struct expand_case *cases, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char **argv = expand(cases[i].value, test_env);
                if (!argv_equal(argv, cases[i].argv))
                        report_argv(cases[i].value, argv);
                CU_ASSERT_TRUE(argv_equal(argv, cases[i].argv));
                strv_free(argv);
        }
}

#define CHECK_EXPAND(cases) check_expand(cases, sizeof cases / sizeof cases[0])

static void test_braced_var_expands_verbatim_inside_a_word(void)
{
        static const struct expand_case cases[] = {
                { "/bin/e ${FOO}", { "/bin/e", "foo value" } },
                { "/bin/e --opt=${ONE}x ${ONE}${ONE}", { "/bin/e", "--opt=singlex", "singlesingle" } },
                { "/bin/e ${EMPTY}", { "/bin/e", "" } },
                { "/bin/e ${Q}", { "/bin/e", "one 'two three' four" } },
        };
        CHECK_EXPAND(cases);
}

static void test_whole_word_var_splits_into_arguments(void)
{
        static const struct expand_case cases[] = {
                { "/bin/e $FOO end", { "/bin/e", "foo", "value", "end" } },
                { "/bin/e $Q", { "/bin/e", "one", "two three", "four" } },
                { "/bin/e $EMPTY end", { "/bin/e", "end" } },
                { "/bin/e \"$FOO\"", { "/bin/e", "foo", "value" } },
                { "/bin/e $X", { "/bin/e", "a b" } },
        };
        CHECK_EXPAND(cases);
}

static void test_dollar_dollar_is_a_literal_dollar(void)
{
        static const struct expand_case cases[] = {
                { "/bin/e $$ $$FOO a$$b $${FOO}", { "/bin/e", "$", "$FOO", "a$b", "${FOO}" } },
        };
        CHECK_EXPAND(cases);
}

static void test_unknown_var_expands_to_nothing(void)
{
        static const struct expand_case cases[] = {
                { "/bin/e $NOPE end", { "/bin/e", "end" } },
                { "/bin/e a${NOPE}b ${NOPE}", { "/bin/e", "ab", "" } },
        };
        CHECK_EXPAND(cases);
}

static void test_dollar_not_starting_a_reference_stays(void)
{
        static const struct expand_case cases[] = {
                { "/bin/e a$FOO x$", { "/bin/e", "a$FOO", "x$" } },
                { "/bin/e ${FOO:-x} ${FOO", { "/bin/e", "${FOO:-x}", "${FOO" } },
                { "/bin/e ${FOO:-x}${ONE}", { "/bin/e", "${FOO:-x}single" } },
        };
        CHECK_EXPAND(cases);
}

/* systemd looks the whole word up: "$FOO-bar" names "FOO-bar". */
static void test_whole_word_lookup_uses_entire_word(void)
{
        static const struct expand_case cases[] = {
                { "/bin/e $FOO-bar end", { "/bin/e", "end" } },
        };
        CHECK_EXPAND(cases);
}

static void test_last_assignment_wins(void)
{
        static const struct expand_case cases[] = {
                { "/bin/e $DUP ${DUP}", { "/bin/e", "second", "second" } },
        };
        CHECK_EXPAND(cases);
}

static void test_argv0_is_never_expanded(void)
{
        static const struct expand_case cases[] = {
                { "@/bin/e ${ONE} $ONE", { "${ONE}", "single" } },
        };
        CHECK_EXPAND(cases);
}

static void test_colon_prefix_disables_expansion(void)
{
        static const struct expand_case cases[] = {
                { ":/bin/e $FOO ${ONE} $$", { "/bin/e", "$FOO", "${ONE}", "$$" } },
        };
        CHECK_EXPAND(cases);
}

static void test_expand_with_no_env(void)
{
        char **argv = expand("/bin/e $FOO ${FOO} x", NULL);
        CU_ASSERT_TRUE(argv_equal(argv, (const char *const[]) { "/bin/e", "", "x", NULL }));
        strv_free(argv);
}

static void test_find_program_searches_fixed_path(void)
{
        char *p = NULL;
        CU_ASSERT_EQUAL_FATAL(exec_find_program("sh", &p), 0);
        CU_ASSERT_TRUE(strcmp(p, "/usr/bin/sh") == 0 || strcmp(p, "/bin/sh") == 0);
        free(p);
}

static void test_find_program_missing_is_enoent(void)
{
        char *p = NULL;
        CU_ASSERT_EQUAL(exec_find_program("weft-no-such-program", &p), -ENOENT);
        CU_ASSERT_EQUAL(exec_find_program("/nonexistent/prog", &p), -ENOENT);
        CU_ASSERT_PTR_NULL(p);
}

static void test_find_program_absolute_checks_executable(void)
{
        const char *dir = test_tmpdir();
        char *file = strdup(test_write_file(dir, "script", "#!/bin/sh\n"));
        char *p = NULL;

        CU_ASSERT_EQUAL(exec_find_program(file, &p), -EACCES);
        CU_ASSERT_EQUAL(exec_find_program(dir, &p), -EACCES);
        CU_ASSERT_EQUAL(chmod(file, 0755), 0);
        CU_ASSERT_EQUAL(exec_find_program(file, &p), 0);
        CU_ASSERT_STRING_EQUAL(p, file);
        free(p);
        free(file);
}

static void test_find_program_rejects_relative_paths(void)
{
        char *p = NULL;
        CU_ASSERT_EQUAL(exec_find_program("bin/sh", &p), -EINVAL);
        CU_ASSERT_EQUAL(exec_find_program("", &p), -EINVAL);
}

static void test_format_show_matches_systemctl(void)
{
        struct exec_command *c = NULL;
        char *err = NULL, *s;

        CU_ASSERT_EQUAL_FATAL(exec_line_parse("/bin/echo hi ; -/bin/false", &c, &err), 0);
        s = exec_command_format_show(c);
        CU_ASSERT_STRING_EQUAL(s, "{ path=/bin/echo ; argv[]=/bin/echo hi ; ignore_errors=no ; start_time=[n/a] ; "
                                  "stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }");
        free(s);
        s = exec_command_format_show(c->next);
        CU_ASSERT_PTR_NOT_NULL(strstr(s, "path=/bin/false ; argv[]=/bin/false ; ignore_errors=yes ;"));
        free(s);
        exec_command_free_list(c);
}

/* Long words repeated across commands (and units) are one shared copy;
 * short ones and argv[16] on stay in the block; freeing the commands
 * gives the copies back. */
static void test_packed_commands_share_long_words(void)
{
        unsigned long before = strpool_count();
        struct exec_command *a = NULL, *b = NULL;
        char *err = NULL;
        const char *line = "/opt/bench/build/payload u1 0 /var/lib/bench/stamps-dir x2 x3 x4 x5 x6 x7 x8 x9 x10 "
                           "x11 x12 x13 /var/lib/bench/stamps-dir";
        CU_ASSERT_EQUAL_FATAL(exec_line_parse(line, &a, &err), 0);
        CU_ASSERT_EQUAL_FATAL(exec_line_parse(line, &b, &err), 0);
        CU_ASSERT_EQUAL_FATAL(exec_command_pack_list(&a), 0);
        CU_ASSERT_EQUAL_FATAL(exec_command_pack_list(&b), 0);
        CU_ASSERT_PTR_EQUAL(a->argv[0], b->argv[0]);
        CU_ASSERT_PTR_EQUAL(a->path, b->path);
        CU_ASSERT_STRING_EQUAL(a->path, "/opt/bench/build/payload");
        CU_ASSERT_PTR_EQUAL(a->argv[3], b->argv[3]);
        CU_ASSERT_PTR_NOT_EQUAL(a->argv[1], b->argv[1]);
        CU_ASSERT_STRING_EQUAL(b->argv[1], "u1");
        CU_ASSERT_PTR_NOT_EQUAL(a->argv[16], b->argv[16]); /* past the 16 the mask covers */
        CU_ASSERT_STRING_EQUAL(a->argv[16], "/var/lib/bench/stamps-dir");
        CU_ASSERT_PTR_NULL(a->argv[17]);
        CU_ASSERT_EQUAL(strpool_count(), before + 2);
        exec_command_free_list(a);
        CU_ASSERT_EQUAL(strpool_count(), before + 2);
        CU_ASSERT_STRING_EQUAL(b->argv[3], "/var/lib/bench/stamps-dir");
        exec_command_free_list(b);
        CU_ASSERT_EQUAL(strpool_count(), before);
}

/* A packed list says the same as the parsed one, in one block a command. */
static void test_packed_commands_keep_every_word(void)
{
        struct exec_command *c = NULL;
        char *err = NULL;
        CU_ASSERT_EQUAL_FATAL(exec_line_parse("-/bin//echo a 'b c' ; @/bin/sh shell -c x ; true", &c, &err), 0);
        CU_ASSERT_EQUAL_FATAL(exec_command_pack_list(&c), 0);
        CU_ASSERT_FATAL(c && c->next && c->next->next && !c->next->next->next);
        const struct exec_command *a = c, *b = c->next, *t = c->next->next;
        CU_ASSERT(a->packed && b->packed && t->packed);
        CU_ASSERT_STRING_EQUAL(a->path, "/bin/echo");
        CU_ASSERT_STRING_EQUAL(a->argv[0], "/bin//echo");
        CU_ASSERT_STRING_EQUAL(a->argv[1], "a");
        CU_ASSERT_STRING_EQUAL(a->argv[2], "b c");
        CU_ASSERT_PTR_NULL(a->argv[3]);
        CU_ASSERT_EQUAL(a->flags, EXEC_IGNORE_FAILURE);
        CU_ASSERT_STRING_EQUAL(b->path, "/bin/sh");
        CU_ASSERT_STRING_EQUAL(b->argv[0], "shell");
        CU_ASSERT_STRING_EQUAL(b->argv[2], "x");
        CU_ASSERT_EQUAL(b->flags, EXEC_ARGV0);
        /* Equal path and argv[0] share one copy. */
        CU_ASSERT_PTR_EQUAL(t->path, t->argv[0]);
        CU_ASSERT_STRING_EQUAL(t->path, "true");
        /* Packing twice changes nothing. */
        CU_ASSERT_EQUAL(exec_command_pack_list(&c), 0);
        CU_ASSERT_PTR_EQUAL(c, a);
        exec_command_free_list(c);
}

static const struct test_case tests[] = {
        { "packed_commands_keep_every_word", test_packed_commands_keep_every_word },
        { "packed_commands_share_long_words", test_packed_commands_share_long_words },
        { "absolute_program_with_arguments", test_absolute_program_with_arguments },
        { "bare_name_is_kept_for_path_search", test_bare_name_is_kept_for_path_search },
        { "path_is_simplified_but_argv0_is_not", test_path_is_simplified_but_argv0_is_not },
        { "single_prefixes_set_their_flag", test_single_prefixes_set_their_flag },
        { "at_prefix_takes_argv0_from_second_word", test_at_prefix_takes_argv0_from_second_word },
        { "prefixes_combine_in_any_order", test_prefixes_combine_in_any_order },
        { "conflicting_or_repeated_prefixes_are_rejected", test_conflicting_or_repeated_prefixes_are_rejected },
        { "relative_path_is_rejected_with_systemd_wording", test_relative_path_is_rejected_with_systemd_wording },
        { "bad_program_names_are_rejected", test_bad_program_names_are_rejected },
        { "quotes_and_escapes_in_arguments", test_quotes_and_escapes_in_arguments },
        { "unknown_escapes_are_kept_verbatim", test_unknown_escapes_are_kept_verbatim },
        { "unbalanced_quote_is_rejected", test_unbalanced_quote_is_rejected },
        { "lone_semicolon_separates_commands", test_lone_semicolon_separates_commands },
        { "escaped_or_quoted_semicolon_is_an_argument", test_escaped_or_quoted_semicolon_is_an_argument },
        { "stray_semicolons_add_no_command", test_stray_semicolons_add_no_command },
        { "error_in_later_command_fails_whole_value", test_error_in_later_command_fails_whole_value },
        { "braced_var_expands_verbatim_inside_a_word", test_braced_var_expands_verbatim_inside_a_word },
        { "whole_word_var_splits_into_arguments", test_whole_word_var_splits_into_arguments },
        { "dollar_dollar_is_a_literal_dollar", test_dollar_dollar_is_a_literal_dollar },
        { "unknown_var_expands_to_nothing", test_unknown_var_expands_to_nothing },
        { "dollar_not_starting_a_reference_stays", test_dollar_not_starting_a_reference_stays },
        { "whole_word_lookup_uses_entire_word", test_whole_word_lookup_uses_entire_word },
        { "last_assignment_wins", test_last_assignment_wins },
        { "argv0_is_never_expanded", test_argv0_is_never_expanded },
        { "colon_prefix_disables_expansion", test_colon_prefix_disables_expansion },
        { "expand_with_no_env", test_expand_with_no_env },
        { "find_program_searches_fixed_path", test_find_program_searches_fixed_path },
        { "find_program_missing_is_enoent", test_find_program_missing_is_enoent },
        { "find_program_absolute_checks_executable", test_find_program_absolute_checks_executable },
        { "find_program_rejects_relative_paths", test_find_program_rejects_relative_paths },
        { "format_show_matches_systemctl", test_format_show_matches_systemctl },
        { 0 },
};
TEST_SUITE("exec_line", tests);
