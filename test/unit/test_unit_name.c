/* Tests for unit names: the type table, validity, prefix/instance/template
 * handling, and escaping. Every golden escape string below was printed by
 * systemd-escape(1) of systemd 252 (252.39); validity and length limits were
 * checked with `systemd-escape --unescape --instance NAME`.
 * test/integration/escape-oracle.sh runs the same comparison live over
 * every byte value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "parse/load_types.h"
#include "parse/unit_name.h"
#include "test/unit/test.h"

/* A string of n copies of c followed by tail, in a static buffer. */
static const char *repeat(char c, size_t n, const char *tail)
{
        static char buf[1024];
        memset(buf, c, n);
        strcpy(buf + n, tail);
        return buf;
}

static void test_unit_type_names_round_trip(void)
{
        for (int t = 0; t < _UNIT_TYPE_MAX; t++) {
                const char *s = unit_type_to_string(t);
                CU_ASSERT_PTR_NOT_NULL_FATAL(s);
                CU_ASSERT_EQUAL(unit_type_from_string(s), t);
        }
        CU_ASSERT_STRING_EQUAL(unit_type_to_string(UNIT_AUTOMOUNT), "automount");
}

static void test_unit_type_unknown_is_invalid(void)
{
        static const char *const bad[] = { "", "Service", "services", "snapshot", "busname", "servic" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                CU_ASSERT_EQUAL(unit_type_from_string(bad[i]), _UNIT_TYPE_INVALID);
        CU_ASSERT_PTR_NULL(unit_type_to_string(_UNIT_TYPE_MAX));
        CU_ASSERT_PTR_NULL(unit_type_to_string(_UNIT_TYPE_INVALID));
}

static void test_unit_type_supported_means_a_load_row(void)
{
        for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                CU_ASSERT_EQUAL(unit_type_supported(t), unit_load_ops(t) != NULL);
        CU_ASSERT_TRUE(unit_type_supported(UNIT_SERVICE) && unit_type_supported(UNIT_SOCKET) &&
                       unit_type_supported(UNIT_TARGET));
        CU_ASSERT_FALSE(unit_type_supported(_UNIT_TYPE_INVALID));
}

struct validity_case {
        const char *name;
        enum unit_name_flags flags;
        bool valid;
};

static void check_validity(const struct validity_case *c, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                bool v = unit_name_is_valid(c[i].name, c[i].flags);
                if (v != c[i].valid)
                        fprintf(stderr, "\n  unit_name_is_valid(\"%s\", %d) = %d\n", c[i].name, c[i].flags, v);
                CU_ASSERT_EQUAL(v, c[i].valid);
        }
}

static void test_unit_name_kinds_match_flags(void)
{
        static const struct validity_case cases[] = {
                { "foo.service", UNIT_NAME_PLAIN, true },
                { "foo.service", UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE, false },
                { "foo@.service", UNIT_NAME_TEMPLATE, true },
                { "foo@.service", UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE, false },
                { "foo@bar.service", UNIT_NAME_INSTANCE, true },
                { "foo@bar.service", UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE, false },
                { "foo@bar.service", UNIT_NAME_ANY, true },
                { "foo.service", 0, false },
        };
        check_validity(cases, ELEMENTSOF(cases));
}

static void test_unit_name_accepts_every_allowed_character(void)
{
        static const struct validity_case cases[] = {
                { "a:b_c.d-e\\x2d.service", UNIT_NAME_PLAIN, true },
                { "dev-sda1.device", UNIT_NAME_PLAIN, true },
                { "getty@tty1.service", UNIT_NAME_INSTANCE, true },
                { "foo@a\\x2db.service", UNIT_NAME_INSTANCE, true },
                { "foo.bar.socket", UNIT_NAME_PLAIN, true },
                { "ABC123.target", UNIT_NAME_PLAIN, true },
        };
        check_validity(cases, ELEMENTSOF(cases));
}

static void test_unit_name_rejects_bad_characters(void)
{
        static const struct validity_case cases[] = {
                { "fo o.service", UNIT_NAME_ANY, false },
                { "foo/bar.service", UNIT_NAME_ANY, false },
                { "foo@b r.service", UNIT_NAME_ANY, false },
                { "f%i.service", UNIT_NAME_ANY, false },
                { "f\xc3\xa4.service", UNIT_NAME_ANY, false },
        };
        check_validity(cases, ELEMENTSOF(cases));
}

static void test_unit_name_needs_known_suffix_and_prefix(void)
{
        static const struct validity_case cases[] = {
                { "", UNIT_NAME_ANY, false },
                { "foo", UNIT_NAME_ANY, false },
                { ".service", UNIT_NAME_ANY, false },
                { "foo.", UNIT_NAME_ANY, false },
                { "foo.bogus", UNIT_NAME_ANY, false },
                { "foo@bar.bogus", UNIT_NAME_ANY, false },
                { "@foo.service", UNIT_NAME_ANY, false },
                { "@.service", UNIT_NAME_ANY, false },
                { "foo.Service", UNIT_NAME_ANY, false },
        };
        check_validity(cases, ELEMENTSOF(cases));
}

static void test_unit_name_instance_may_contain_at(void)
{
        CU_ASSERT_TRUE(unit_name_is_valid("foo@a@b.service", UNIT_NAME_INSTANCE));
        char *i = NULL;
        CU_ASSERT_EQUAL(unit_name_to_instance("foo@a@b.service", &i), 0);
        CU_ASSERT_STRING_EQUAL(i, "a@b");
        free(i);
}

static void test_unit_name_is_at_most_255_bytes(void)
{
        CU_ASSERT_TRUE(unit_name_is_valid(repeat('a', 245, "@b.service"), UNIT_NAME_INSTANCE));
        CU_ASSERT_FALSE(unit_name_is_valid(repeat('a', 246, "@b.service"), UNIT_NAME_INSTANCE));
        CU_ASSERT_TRUE(unit_name_is_valid(repeat('a', 247, ".service"), UNIT_NAME_PLAIN));
        CU_ASSERT_FALSE(unit_name_is_valid(repeat('a', 248, ".service"), UNIT_NAME_PLAIN));
}

static void test_unit_name_to_type_reads_suffix(void)
{
        static const struct {
                const char *name;
                enum unit_type type;
        } cases[] = {
                { "foo.service", UNIT_SERVICE },   { "foo@.socket", UNIT_SOCKET },
                { "a.b.target", UNIT_TARGET },     { "dev-sda.device", UNIT_DEVICE },
                { "-.mount", UNIT_MOUNT },         { "proc-x.automount", UNIT_AUTOMOUNT },
                { "dev-sda2.swap", UNIT_SWAP },    { "x@y.timer", UNIT_TIMER },
                { "x.path", UNIT_PATH },           { "system.slice", UNIT_SLICE },
                { "session-1.scope", UNIT_SCOPE }, { "foo.bogus", _UNIT_TYPE_INVALID },
                { "fo o.service", _UNIT_TYPE_INVALID },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                CU_ASSERT_EQUAL(unit_name_to_type(cases[i].name), cases[i].type);
}

/* One row: fn(name) gives out (when r is 0) or error r. */
struct name_op_case {
        const char *name;
        int r;
        const char *out;
};

static void check_name_op(int (*fn)(const char *, char **), const struct name_op_case *c, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char *out = NULL;
                int r = fn(c[i].name, &out);
                if (r != c[i].r || (r == 0 && strcmp(out, c[i].out) != 0))
                        fprintf(stderr, "\n  \"%s\": r=%d out=\"%s\", want r=%d \"%s\"\n", c[i].name, r,
                                out ? out : "(null)", c[i].r, c[i].out ? c[i].out : "(null)");
                CU_ASSERT_EQUAL(r, c[i].r);
                if (r == 0 && c[i].r == 0)
                        CU_ASSERT_STRING_EQUAL(out, c[i].out);
                if (r != 0)
                        CU_ASSERT_PTR_NULL(out);
                free(out);
        }
}

static void test_unit_name_prefix_is_before_first_at_or_suffix(void)
{
        static const struct name_op_case cases[] = {
                { "foo@bar.service", 0, "foo" }, { "foo@.service", 0, "foo" },
                { "foo.bar.service", 0, "foo.bar" }, { "a-b-c.socket", 0, "a-b-c" },
                { "foo@a@b.service", 0, "foo" }, { "foo", -EINVAL, NULL },
        };
        check_name_op(unit_name_to_prefix, cases, ELEMENTSOF(cases));
}

static void test_unit_name_instance_is_between_at_and_suffix(void)
{
        static const struct name_op_case cases[] = {
                { "getty@tty1.service", 0, "tty1" }, { "foo@a.b.service", 0, "a.b" },
                { "foo@.service", 0, "" }, { "foo.service", -ENXIO, NULL },
                { "bad name@x.service", -EINVAL, NULL },
        };
        check_name_op(unit_name_to_instance, cases, ELEMENTSOF(cases));
}

static void test_unit_name_template_drops_instance(void)
{
        static const struct name_op_case cases[] = {
                { "foo@bar.service", 0, "foo@.service" }, { "foo@.socket", 0, "foo@.socket" },
                { "foo@a@b.x.service", 0, "foo@.service" }, { "foo.service", -EINVAL, NULL },
                { "foo@bar.bogus", -EINVAL, NULL },
        };
        check_name_op(unit_name_template, cases, ELEMENTSOF(cases));
}

static void test_unit_name_replace_instance_table(void)
{
        static const struct {
                const char *name, *instance;
                int r;
                const char *out;
        } cases[] = {
                { "foo@.service", "bar", 0, "foo@bar.service" },
                { "foo@old.service", "new", 0, "foo@new.service" },
                { "foo@.service", "a@b", 0, "foo@a@b.service" },
                { "foo@.service", "a\\x2db", 0, "foo@a\\x2db.service" },
                { "foo.service", "bar", -EINVAL, NULL },
                { "foo@.service", "", -EINVAL, NULL },
                { "foo@.service", "b r", -EINVAL, NULL },
                { "foo@.service", "a/b", -EINVAL, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *out = NULL;
                int r = unit_name_replace_instance(cases[i].name, cases[i].instance, &out);
                CU_ASSERT_EQUAL(r, cases[i].r);
                if (r == 0 && cases[i].r == 0)
                        CU_ASSERT_STRING_EQUAL(out, cases[i].out);
                free(out);
        }
}

static void test_unit_name_replace_instance_refuses_too_long_result(void)
{
        char *out = NULL;
        CU_ASSERT_EQUAL(unit_name_replace_instance("a@.service", repeat('x', 245, ""), &out), 0);
        CU_ASSERT_EQUAL(strlen(out), 255);
        free(out);
        out = NULL;
        CU_ASSERT_EQUAL(unit_name_replace_instance("a@.service", repeat('x', 246, ""), &out), -EINVAL);
        CU_ASSERT_PTR_NULL(out);
}

/* Golden strings from systemd-escape [--path] [--unescape]. */
static void test_escape_matches_systemd_escape(void)
{
        static const struct name_op_case cases[] = {
                { "foo bar", 0, "foo\\x20bar" },
                { "\xc3\xa4", 0, "\\xc3\\xa4" },                                 /* ä */
                { "\xe6\x97\xa5\xe6\x9c\xac", 0, "\\xe6\\x97\\xa5\\xe6\\x9c\\xac" }, /* 日本 */
                { ".foo", 0, "\\x2efoo" },
                { "a.foo", 0, "a.foo" },
                { "a-b", 0, "a\\x2db" },
                { "-", 0, "\\x2d" },
                { "a\\b", 0, "a\\x5cb" },
                { "/", 0, "-" },
                { "//a//b/", 0, "--a--b-" },
                { "a/b", 0, "a-b" },
                { "", 0, "" },
                { "a:b_c.d", 0, "a:b_c.d" },
                { "tab\tx", 0, "tab\\x09x" },
                { "@", 0, "\\x40" },
                { "%i", 0, "\\x25i" },
        };
        check_name_op(unit_name_escape, cases, ELEMENTSOF(cases));
}

static void test_path_escape_matches_systemd_escape(void)
{
        static const struct name_op_case cases[] = {
                { "/", 0, "-" },
                { "", 0, "-" },
                { "//a//b/", 0, "a-b" },
                { "/a/b/", 0, "a-b" },
                { "/a/b///", 0, "a-b" },
                { "/dev/sda1", 0, "dev-sda1" },
                { "/.hidden", 0, "\\x2ehidden" },
                { "/a b", 0, "a\\x20b" },
                { "/a-b", 0, "a\\x2db" },
                { "a/b", 0, "a-b" },
                { "/a/./b", 0, "a-b" },
        };
        check_name_op(unit_name_path_escape, cases, ELEMENTSOF(cases));
}

static void test_path_escape_refuses_dot_dot_and_dot(void)
{
        static const struct name_op_case cases[] = {
                { "/a/../b", -EINVAL, NULL }, { ".", -EINVAL, NULL },
                { "..", -EINVAL, NULL },      { "/..", -EINVAL, NULL },
        };
        check_name_op(unit_name_path_escape, cases, ELEMENTSOF(cases));
}

static void test_path_escape_refuses_component_over_255_bytes(void)
{
        char *out = NULL;
        CU_ASSERT_EQUAL(unit_name_path_escape(repeat('x', 255, ""), &out), 0);
        free(out);
        out = NULL;
        CU_ASSERT_EQUAL(unit_name_path_escape(repeat('x', 256, ""), &out), -EINVAL);
        CU_ASSERT_PTR_NULL(out);
}

static void test_unescape_matches_systemd_escape(void)
{
        static const struct name_op_case cases[] = {
                { "a\\x2db", 0, "a-b" },  { "a-b", 0, "a/b" },
                { "\\x4A", 0, "J" },      { "\\x4a", 0, "J" },
                { "\\xc3\\xa4", 0, "\xc3\xa4" },
                { "", 0, "" },            { "--", 0, "//" },
                { "\\x2e", 0, "." },
        };
        check_name_op(unit_name_unescape, cases, ELEMENTSOF(cases));
}

static void test_unescape_refuses_bad_escapes(void)
{
        static const struct name_op_case cases[] = {
                { "\\x", -EINVAL, NULL },   { "\\x2", -EINVAL, NULL },
                { "\\xzz", -EINVAL, NULL }, { "\\y41", -EINVAL, NULL },
                { "a\\", -EINVAL, NULL },   { "\\X41", -EINVAL, NULL },
        };
        check_name_op(unit_name_unescape, cases, ELEMENTSOF(cases));
}

static void test_path_unescape_matches_systemd_escape(void)
{
        static const struct name_op_case cases[] = {
                { "-", 0, "/" },
                { "a-b", 0, "/a/b" },
                { "a\\x2fb", 0, "/a/b" },
                { "\\x2d", 0, "/-" },
                { "dev-sda1", 0, "/dev/sda1" },
                { "a\\x20b", 0, "/a b" },
                { "\\x00", 0, "/" },
        };
        check_name_op(unit_name_path_unescape, cases, ELEMENTSOF(cases));
}

static void test_path_unescape_refuses_unnormalized_paths(void)
{
        static const struct name_op_case cases[] = {
                { "", -EINVAL, NULL },      { "a--b", -EINVAL, NULL },
                { "-a", -EINVAL, NULL },    { "a-", -EINVAL, NULL },
                { "\\x2e", -EINVAL, NULL }, { "a-..-b", -EINVAL, NULL },
                { "\\x", -EINVAL, NULL },
        };
        check_name_op(unit_name_path_unescape, cases, ELEMENTSOF(cases));
}

static void test_escape_then_unescape_gives_every_byte_back(void)
{
        char in[2] = { 0, 0 };
        for (int c = 1; c < 256; c++) {
                char *e = NULL, *u = NULL;
                in[0] = (char)c;
                CU_ASSERT_EQUAL_FATAL(unit_name_escape(in, &e), 0);
                CU_ASSERT_EQUAL(unit_name_unescape(e, &u), 0);
                CU_ASSERT_STRING_EQUAL(u, in);
                free(e);
                free(u);
        }
}

/* Golden values printed by systemd-escape --mangle (252). */
static void test_mangle_matches_systemd_escape(void)
{
        static const char *const table[][2] = {
                { "foo bar", "foo\\x20bar.service" }, { "/dev/sda", "dev-sda.device" },
                { "/home/x", "home-x.mount" },          { "a/b", "a-b.service" },
                { "x.y", "x.y.service" },               { "\xc3\xa9", "\\xc3\\xa9.service" },
                { ".foo", ".foo.service" },             { "foo@bar", "foo@bar.service" },
                { "foo@.service", "foo@.service" },     { "foo.socket", "foo.socket" },
                { "/dev/", "dev.mount" },               { "//dev/sda", "dev-sda.device" },
                { "/sys", "sys.mount" },                { "/dev/../x", "-dev-..-x.service" },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                char *m = NULL;
                CU_ASSERT_EQUAL_FATAL(unit_name_mangle(table[i][0], &m), 0);
                CU_ASSERT_STRING_EQUAL(m, table[i][1]);
                free(m);
        }
        char *m = NULL;
        CU_ASSERT_EQUAL(unit_name_mangle("", &m), -EINVAL);
        CU_ASSERT_EQUAL(unit_name_mangle(repeat('x', 250, ""), &m), -EINVAL);
        CU_ASSERT_EQUAL(unit_name_from_path(repeat('x', 250, ""), ".mount", &m), -EINVAL);
}

static const struct test_case tests[] = {
        { "unit_type_names_round_trip", test_unit_type_names_round_trip },
        { "unit_type_unknown_is_invalid", test_unit_type_unknown_is_invalid },
        { "unit_type_supported_means_a_load_row", test_unit_type_supported_means_a_load_row },
        { "unit_name_kinds_match_flags", test_unit_name_kinds_match_flags },
        { "unit_name_accepts_every_allowed_character", test_unit_name_accepts_every_allowed_character },
        { "unit_name_rejects_bad_characters", test_unit_name_rejects_bad_characters },
        { "unit_name_needs_known_suffix_and_prefix", test_unit_name_needs_known_suffix_and_prefix },
        { "unit_name_instance_may_contain_at", test_unit_name_instance_may_contain_at },
        { "unit_name_is_at_most_255_bytes", test_unit_name_is_at_most_255_bytes },
        { "unit_name_to_type_reads_suffix", test_unit_name_to_type_reads_suffix },
        { "unit_name_prefix_is_before_first_at_or_suffix", test_unit_name_prefix_is_before_first_at_or_suffix },
        { "unit_name_instance_is_between_at_and_suffix", test_unit_name_instance_is_between_at_and_suffix },
        { "unit_name_template_drops_instance", test_unit_name_template_drops_instance },
        { "unit_name_replace_instance_table", test_unit_name_replace_instance_table },
        { "unit_name_replace_instance_refuses_too_long_result", test_unit_name_replace_instance_refuses_too_long_result },
        { "escape_matches_systemd_escape", test_escape_matches_systemd_escape },
        { "path_escape_matches_systemd_escape", test_path_escape_matches_systemd_escape },
        { "path_escape_refuses_dot_dot_and_dot", test_path_escape_refuses_dot_dot_and_dot },
        { "path_escape_refuses_component_over_255_bytes", test_path_escape_refuses_component_over_255_bytes },
        { "unescape_matches_systemd_escape", test_unescape_matches_systemd_escape },
        { "unescape_refuses_bad_escapes", test_unescape_refuses_bad_escapes },
        { "path_unescape_matches_systemd_escape", test_path_unescape_matches_systemd_escape },
        { "path_unescape_refuses_unnormalized_paths", test_path_unescape_refuses_unnormalized_paths },
        { "escape_then_unescape_gives_every_byte_back", test_escape_then_unescape_gives_every_byte_back },
        { "mangle_matches_systemd_escape", test_mangle_matches_systemd_escape },
        { 0 },
};
TEST_SUITE("unit_name", tests);
