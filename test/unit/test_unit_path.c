/* Tests for the unit search-path index: precedence, masking, aliases,
 * templates, drop-ins and .wants/.requires directories. Each test builds a
 * small tree of search directories under its own scratch directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strv.h"
#include "parse/load.h"
#include "parse/unit.h"
#include "parse/unit_path.h"
#include "test/unit/test.h"

#define UNIT "[Service]\nExecStart=/bin/true\n"

static char root[256]; /* test_tmpdir() paths fit in 256 */

/* A fresh root; the search directories are root/a then root/b. */
static void setup(void)
{
        snprintf(root, sizeof root, "%s", test_tmpdir());
}

static const char *at(const char *rel)
{
        static char buf[4][PATH_MAX];
        static int n;
        char *p = buf[n++ % 4];
        snprintf(p, PATH_MAX, "%s/%s", root, rel);
        return p;
}

static void put(const char *rel, const char *content)
{
        test_write_file(root, rel, content);
}

/* A symlink root/rel pointing at target (taken as is), parents created. */
static void link_to(const char *target, const char *rel)
{
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s", at(rel));
        for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
                *s = 0;
                mkdir(p, 0755);
                *s = '/';
        }
        CU_ASSERT_FATAL(symlink(target, p) == 0);
}

static struct unit_path_index *build(void)
{
        char *dirs[] = { strdup(at("a")), strdup(at("b")), NULL };
        struct unit_path_index *idx = NULL;
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &idx) == 0);
        free(dirs[0]);
        free(dirs[1]);
        return idx;
}

static void lookup_ok(struct unit_path_index *idx, const char *name, struct unit_lookup *l)
{
        CU_ASSERT_FATAL(unit_path_lookup(idx, name, l) == 0);
}

static void assert_strv(char **l, const char *joined)
{
        char *j = strv_join(l, " ");
        CU_ASSERT_STRING_EQUAL(j, joined);
        if (strcmp(j, joined) != 0)
                fprintf(stderr, "\n  got \"%s\"\n  want \"%s\"\n", j, joined);
        free(j);
}

/* Drop-in paths relative to root, for readable expectations. */
static void assert_dropins(char **l, const char *joined)
{
        char **rel = NULL;
        STRV_FOREACH(p, l)
                strv_extend(&rel, *p + strlen(root) + 1);
        assert_strv(rel, joined);
        strv_free(rel);
}

static void test_first_directory_wins(void)
{
        setup();
        put("a/foo.service", UNIT);
        put("b/foo.service", UNIT);
        put("b/other.service", UNIT);
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "foo.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("a/foo.service"));
        CU_ASSERT_FALSE(l.masked);
        CU_ASSERT_PTR_NULL(l.instance);
        assert_strv(l.names, "foo.service");
        unit_lookup_done(&l);

        lookup_ok(idx, "other.service", &l);
        CU_ASSERT_STRING_EQUAL(l.fragment, at("b/other.service"));
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_masked_by_link_to_dev_null(void)
{
        setup();
        link_to("/dev/null", "a/foo.service");
        put("b/foo.service", UNIT);
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        CU_ASSERT_TRUE(l.masked);
        CU_ASSERT_STRING_EQUAL(l.fragment, at("a/foo.service"));
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_masked_by_empty_file(void)
{
        setup();
        put("a/foo.service", "");
        put("b/foo.service", UNIT);
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        CU_ASSERT_TRUE(l.masked);
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_alias_of_masked_unit_is_masked(void)
{
        setup();
        link_to("/dev/null", "a/foo.service");
        link_to("foo.service", "a/bar.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "bar.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "foo.service");
        CU_ASSERT_TRUE(l.masked);
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_alias_into_other_directory(void)
{
        setup();
        put("b/foo.service", UNIT);
        link_to(at("b/foo.service"), "a/bar.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "bar.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "foo.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("b/foo.service"));
        assert_strv(l.names, "foo.service bar.service");
        unit_lookup_done(&l);

        /* The reverse map: the target knows its alias. */
        lookup_ok(idx, "foo.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "foo.service");
        assert_strv(l.names, "foo.service bar.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_alias_chain_is_followed(void)
{
        setup();
        put("b/c.service", UNIT);
        link_to("b.service", "a/a.service");
        link_to("../b/c.service", "a/b.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "a.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "c.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("b/c.service"));
        assert_strv(l.names, "c.service a.service b.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_alias_loop_is_eloop(void)
{
        setup();
        link_to("y.service", "a/x.service");
        link_to("x.service", "a/y.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        CU_ASSERT_EQUAL(unit_path_lookup(idx, "x.service", &l), -ELOOP);
        unit_path_index_free(idx);
}

static void test_alias_to_other_type_is_exdev(void)
{
        setup();
        put("a/foo.service", UNIT);
        link_to("foo.service", "a/foo.socket");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        CU_ASSERT_EQUAL(unit_path_lookup(idx, "foo.socket", &l), -EXDEV);
        lookup_ok(idx, "foo.service", &l);
        assert_strv(l.names, "foo.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_invalid_name_is_einval(void)
{
        setup();
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        CU_ASSERT_EQUAL(unit_path_lookup(idx, "foo", &l), -EINVAL);
        CU_ASSERT_EQUAL(unit_path_lookup(idx, "foo.conf", &l), -EINVAL);
        unit_path_index_free(idx);
}

static void test_linked_unit_with_same_name_is_not_alias(void)
{
        setup();
        put("elsewhere/foo.service", UNIT);
        link_to(at("elsewhere/foo.service"), "a/foo.service");
        put("b/foo.service", UNIT);
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "foo.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("elsewhere/foo.service"));
        assert_strv(l.names, "foo.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* systemd-analyze verify shows such a unit under the link's name. */
static void test_link_out_of_search_path_keeps_link_name(void)
{
        setup();
        put("elsewhere/real.service", UNIT);
        link_to(at("elsewhere/real.service"), "a/bar.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "bar.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "bar.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("elsewhere/real.service"));
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_instance_falls_back_to_template(void)
{
        setup();
        put("b/getty@.service", UNIT);
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "getty@tty1.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "getty@tty1.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("b/getty@.service"));
        CU_ASSERT_STRING_EQUAL(l.instance, "tty1");
        assert_strv(l.names, "getty@tty1.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_instance_file_beats_template(void)
{
        setup();
        put("a/getty@.service", UNIT);
        put("b/getty@tty1.service", UNIT);
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "getty@tty1.service", &l);
        CU_ASSERT_STRING_EQUAL(l.fragment, at("b/getty@tty1.service"));
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_template_alias_gives_instance_names(void)
{
        setup();
        put("b/foo@.service", UNIT);
        link_to("foo@.service", "a/bar@.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "bar@x.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "foo@x.service");
        CU_ASSERT_STRING_EQUAL(l.instance, "x");
        assert_strv(l.names, "foo@x.service bar@x.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* Checked with systemd-analyze verify: the unit is real@x.service. */
static void test_instance_linked_to_template_is_alias_of_that_instance(void)
{
        setup();
        put("b/real@.service", UNIT);
        link_to("real@.service", "a/nick@x.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "nick@x.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "real@x.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("b/real@.service"));
        unit_lookup_done(&l);
        lookup_ok(idx, "real@x.service", &l);
        assert_strv(l.names, "real@x.service nick@x.service");
        unit_lookup_done(&l);
        lookup_ok(idx, "real@y.service", &l);
        assert_strv(l.names, "real@y.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_dropins_sorted_by_name_across_dirs(void)
{
        setup();
        put("b/foo.service", UNIT);
        put("a/foo.service.d/20-a.conf", "[Service]\n");
        put("b/foo.service.d/10-b.conf", "[Service]\n");
        put("b/foo.service.d/30-b.conf", "[Service]\n");
        put("b/foo.service.d/notes.txt", "not a drop-in\n");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        assert_dropins(l.dropins, "b/foo.service.d/10-b.conf a/foo.service.d/20-a.conf b/foo.service.d/30-b.conf");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_dropin_same_name_in_earlier_dir_overrides(void)
{
        setup();
        put("b/foo.service", UNIT);
        put("a/foo.service.d/10-x.conf", "[Service]\n");
        put("b/foo.service.d/10-x.conf", "[Service]\n");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        assert_dropins(l.dropins, "a/foo.service.d/10-x.conf");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_dropin_masked_by_dev_null_and_empty_file(void)
{
        setup();
        put("b/foo.service", UNIT);
        link_to("/dev/null", "a/foo.service.d/10-x.conf");
        put("a/foo.service.d/20-y.conf", "");
        put("b/foo.service.d/10-x.conf", "[Service]\n");
        put("b/foo.service.d/20-y.conf", "[Service]\n");
        put("b/foo.service.d/30-z.conf", "[Service]\n");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        assert_dropins(l.dropins, "b/foo.service.d/30-z.conf");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* Order checked with systemd-analyze verify on foo-bar@x.service. */
static void test_dashed_prefix_and_template_dropins(void)
{
        setup();
        put("b/foo-bar@.service", UNIT);
        put("a/foo-bar@x.service.d/1.conf", "[Service]\n");
        put("a/foo-bar@.service.d/2.conf", "[Service]\n");
        put("a/foo-@x.service.d/3.conf", "[Service]\n");
        put("a/foo-@.service.d/4.conf", "[Service]\n");
        put("a/foo-.service.d/5.conf", "[Service]\n");
        put("a/foo-bar-.service.d/6.conf", "[Service]\n"); /* not a prefix of foo-bar@x */
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo-bar@x.service", &l);
        assert_dropins(l.dropins, "a/foo-bar@x.service.d/1.conf a/foo-bar@.service.d/2.conf a/foo-@x.service.d/3.conf "
                                  "a/foo-@.service.d/4.conf a/foo-.service.d/5.conf");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_dashed_prefix_dropins_of_plain_unit(void)
{
        setup();
        put("b/foo-bar-baz.service", UNIT);
        put("b/foo-bar-.service.d/a.conf", "[Service]\n");
        put("a/foo-.service.d/b.conf", "[Service]\n");
        put("a/foo-bar-baz-.service.d/c.conf", "[Service]\n");
        put("a/fo-.service.d/d.conf", "[Service]\n");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo-bar-baz.service", &l);
        assert_dropins(l.dropins, "b/foo-bar-.service.d/a.conf a/foo-.service.d/b.conf");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_type_wide_dropins_apply_to_every_unit_of_the_type(void)
{
        setup();
        put("a/foo.service", UNIT);
        put("a/foo.socket", "[Socket]\nListenStream=/run/foo\n");
        put("b/service.d/50-all.conf", "[Service]\n");
        put("a/foo.service.d/60-own.conf", "[Service]\n");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        assert_dropins(l.dropins, "b/service.d/50-all.conf a/foo.service.d/60-own.conf");
        unit_lookup_done(&l);
        lookup_ok(idx, "foo.socket", &l);
        CU_ASSERT_PTR_NULL(l.dropins);
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* systemd reads the id's directories in every search directory before an
 * alias's, so the id's copy of a file name wins (checked with verify). */
static void test_dropins_of_alias_name_are_read(void)
{
        setup();
        put("b/foo.service", UNIT);
        link_to("../b/foo.service", "a/bar.service");
        put("a/bar.service.d/10-alias.conf", "[Service]\n");
        put("b/foo.service.d/20-id.conf", "[Service]\n");
        put("a/bar.service.d/30-x.conf", "[Service]\n");
        put("b/foo.service.d/30-x.conf", "[Service]\n");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        assert_dropins(l.dropins, "a/bar.service.d/10-alias.conf b/foo.service.d/20-id.conf b/foo.service.d/30-x.conf");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_wants_from_two_dirs(void)
{
        setup();
        put("b/multi-user.target", "[Unit]\n");
        link_to("/usr/lib/systemd/system/x.service", "a/multi-user.target.wants/x.service");
        link_to("../y.service", "b/multi-user.target.wants/y.service");
        link_to("../x.service", "b/multi-user.target.wants/x.service");
        link_to("../z.service", "b/multi-user.target.requires/z.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "multi-user.target", &l);
        assert_strv(l.wants, "x.service y.service");
        assert_strv(l.requires, "z.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_wants_entry_masked_by_dev_null_or_not_a_link(void)
{
        setup();
        put("b/t.target", "[Unit]\n");
        link_to("/dev/null", "a/t.target.wants/x.service");
        link_to("../x.service", "b/t.target.wants/x.service");
        put("b/t.target.wants/plain.service", UNIT);
        link_to("../y.service", "b/t.target.wants/y.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "t.target", &l);
        assert_strv(l.wants, "y.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_template_wants_take_the_instance(void)
{
        setup();
        put("b/getty@.service", UNIT);
        link_to("../agetty@.service", "b/getty@.service.wants/agetty@.service");
        link_to("../log.service", "b/getty@.service.requires/log.service");
        link_to("../own@.service", "a/getty@tty1.service.wants/own@.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "getty@tty1.service", &l);
        assert_strv(l.wants, "agetty@tty1.service own@tty1.service");
        assert_strv(l.requires, "log.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* Checked with systemd-analyze verify: foo.service requires bar@foo.service. */
static void test_template_wants_of_plain_unit_take_its_prefix(void)
{
        setup();
        put("b/foo.service", UNIT);
        link_to("/x/bar@.service", "a/foo.service.requires/bar@.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        assert_strv(l.requires, "bar@foo.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_wants_of_alias_name_are_read(void)
{
        setup();
        put("b/graphical.target", "[Unit]\n");
        link_to("graphical.target", "b/default.target");
        link_to("../x.service", "a/default.target.wants/x.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "graphical.target", &l);
        assert_strv(l.names, "graphical.target default.target");
        assert_strv(l.wants, "x.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

static void test_missing_directories_are_skipped(void)
{
        setup();
        put("b/foo.service", UNIT);
        char *dirs[] = { strdup(at("none")), strdup(at("b")), strdup(at("b/foo.service")), NULL };
        struct unit_path_index *idx = NULL;
        struct unit_lookup l;

        CU_ASSERT_FATAL(unit_path_index_build(dirs, &idx) == 0);
        lookup_ok(idx, "foo.service", &l);
        CU_ASSERT_STRING_EQUAL(l.fragment, at("b/foo.service"));
        unit_lookup_done(&l);
        lookup_ok(idx, "gone.service", &l);
        CU_ASSERT_PTR_NULL(l.fragment);
        CU_ASSERT_FALSE(l.masked);
        CU_ASSERT_STRING_EQUAL(l.id, "gone.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
        for (int i = 0; dirs[i]; i++)
                free(dirs[i]);
}

static void test_unit_with_only_dropins_has_no_fragment(void)
{
        setup();
        put("a/ghost.service.d/10-x.conf", "[Service]\n");
        link_to("../y.service", "b/ghost.service.wants/y.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "ghost.service", &l);
        CU_ASSERT_PTR_NULL(l.fragment);
        CU_ASSERT_FALSE(l.masked);
        assert_dropins(l.dropins, "a/ghost.service.d/10-x.conf");
        assert_strv(l.wants, "y.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* u<i>-xxx...service: names 11 to 247 long, odd and even lengths. */
static void many_name(int i, char name[static 300])
{
        int n = snprintf(name, 300, "u%d-", i), pad = (i * 7) % 230;
        memset(name + n, 'x', pad);
        strcpy(name + n + pad, ".service");
}

/* Enough names of every length to fill several of the index's entry blocks
 * and grow its name table many times: each name still finds its own file,
 * its directory and its mask bit, and links keep their kind. */
static void test_many_entries_across_blocks(void)
{
        enum { N = 1500 };
        char name[300], rel[320];
        struct unit_path_index *idx;
        struct unit_lookup l;

        setup();
        put("elsewhere/real.service", UNIT);
        char *real = strdup(at("elsewhere/real.service"));
        for (int i = 0; i < N; i++) {
                /* Every name also in b, where a hides it; a third are masked
                 * in a, every tenth is a link out of the search path. */
                many_name(i, name);
                snprintf(rel, sizeof rel, "b/%s", name);
                put(rel, UNIT);
                snprintf(rel, sizeof rel, "a/%s", name);
                if (i % 10 == 0)
                        link_to(real, rel);
                else
                        put(rel, i % 3 == 0 ? "" : UNIT);
        }
        idx = build();
        for (int i = 0; i < N; i++) {
                many_name(i, name);
                snprintf(rel, sizeof rel, "a/%s", name);
                lookup_ok(idx, name, &l);
                CU_ASSERT_STRING_EQUAL(l.id, name);
                CU_ASSERT_STRING_EQUAL(l.fragment, i % 10 == 0 ? real : at(rel));
                CU_ASSERT_EQUAL(l.masked, i % 10 != 0 && i % 3 == 0);
                unit_lookup_done(&l);
        }
        lookup_ok(idx, "u1500-.service", &l);
        CU_ASSERT_PTR_NULL(l.fragment);
        unit_lookup_done(&l);
        unit_path_index_free(idx);
        free(real);
}

/* unit_path_has_fragment answers what a full lookup would: a fragment,
 * not masked. */
static void test_has_fragment_agrees_with_lookup(void)
{
        setup();
        put("a/plain.service", UNIT);
        put("a/empty.service", "");
        link_to("/dev/null", "a/null.service");
        link_to("plain.service", "a/alias.service");
        link_to("empty.service", "a/alias-empty.service");
        put("b/t@.service", UNIT);
        put("b/t@own.service", "");
        link_to("loop2.service", "a/loop1.service");
        link_to("loop1.service", "a/loop2.service");
        link_to("plain.service", "a/other.socket");
        link_to(at("out/linked.service"), "a/linked.service");
        put("out/linked.service", UNIT);
        put("a/dropins-only.service.d/x.conf", "[Unit]\n");
        struct unit_path_index *idx = build();
        static const char *const names[] = {
                "plain.service", "empty.service", "null.service", "alias.service", "alias-empty.service",
                "t@x.service", "t@own.service", "t@.service", "loop1.service", "other.socket",
                "linked.service", "dropins-only.service", "missing.service", "missing@x.service",
                "not a name", "t@.socket",
        };
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
                struct unit_lookup l = { 0 };
                bool want = unit_path_lookup(idx, names[i], &l) == 0 && l.fragment && !l.masked;
                CU_ASSERT_EQUAL(unit_path_has_fragment(idx, names[i]), want);
                if (unit_path_has_fragment(idx, names[i]) != want)
                        fprintf(stderr, "\n  %s: has_fragment says %d\n", names[i], !want);
                unit_lookup_done(&l);
        }
        CU_ASSERT_TRUE(unit_path_has_fragment(idx, "t@x.service"));
        CU_ASSERT_FALSE(unit_path_has_fragment(idx, "t@own.service"));
        CU_ASSERT_FALSE(unit_path_has_fragment(idx, "alias-empty.service"));
        unit_path_index_free(idx);
}

/* Links into the same other directory one after another, then into
 * one out of the search path: each is classified by its own target. */
static void test_consecutive_links_into_directories(void)
{
        setup();
        put("b/x.service", UNIT);
        put("b/y.service", UNIT);
        put("out/z.service", UNIT);
        link_to("../b/x.service", "a/ax.service");
        link_to("../b/y.service", "a/ay.service");
        link_to("../out/z.service", "a/az.service");
        link_to("../b/x.service", "a/ax2.service");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "ay.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "y.service");
        unit_lookup_done(&l);
        lookup_ok(idx, "az.service", &l);
        CU_ASSERT_STRING_EQUAL(l.id, "az.service");
        CU_ASSERT_STRING_EQUAL(l.fragment, at("out/z.service"));
        unit_lookup_done(&l);
        lookup_ok(idx, "x.service", &l);
        assert_strv(l.names, "x.service ax.service ax2.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* The same directory named twice (the second through a link, as
 * /lib/systemd/system on a merged /usr), and a drop-in directory that is a
 * link: each file counts once, the link to a directory as a directory. */
static void test_same_directory_twice_and_linked_dropin_dir(void)
{
        setup();
        put("a/foo.service", UNIT);
        put("a/t.target", "[Unit]\n");
        put("a/t.target.wants/plain.service", UNIT);
        link_to("../foo.service", "a/t.target.wants/foo.service");
        put("real/foo.d/10.conf", "[Unit]\n");
        link_to("../real/foo.d", "a/foo.service.d");
        link_to("a", "b");
        struct unit_path_index *idx = build();
        struct unit_lookup l;

        lookup_ok(idx, "foo.service", &l);
        CU_ASSERT_STRING_EQUAL(l.fragment, at("a/foo.service"));
        assert_strv(l.dropins, at("a/foo.service.d/10.conf"));
        unit_lookup_done(&l);
        lookup_ok(idx, "t.target", &l);
        assert_strv(l.wants, "foo.service");
        unit_lookup_done(&l);
        unit_path_index_free(idx);
}

/* A file added to a search directory after the scan is found once the
 * index is refreshed, also in a directory missing at the scan; a refresh
 * with nothing changed scans nothing. */
static void test_refresh_finds_files_added_after_the_scan(void)
{
        setup();
        put("a/old.service", "[Service]\nExecStart=/bin/true\n");
        /* A directory's mtime moves in coarse ticks: put a's in the past,
         * so that the file added below surely moves it. */
        CU_ASSERT_FATAL(utimensat(AT_FDCWD, at("a"), (const struct timespec[]) { { 1, 0 }, { 1, 0 } }, 0) == 0);
        struct unit_path_index *idx = build();
        CU_ASSERT_EQUAL(unit_path_index_refresh(idx), 0);
        put("a/new.service", "[Service]\nExecStart=/bin/true\n");
        put("b/other.service", "[Service]\nExecStart=/bin/true\n"); /* b was missing */
        CU_ASSERT_FALSE(unit_path_has_fragment(idx, "new.service"));
        CU_ASSERT_EQUAL(unit_path_index_refresh(idx), 1);
        CU_ASSERT_TRUE(unit_path_has_fragment(idx, "new.service"));
        CU_ASSERT_TRUE(unit_path_has_fragment(idx, "other.service"));
        CU_ASSERT_TRUE(unit_path_has_fragment(idx, "old.service"));
        CU_ASSERT_EQUAL(unit_path_index_refresh(idx), 0);
        unit_path_index_free(idx);
}

/* rel's time set to t (seconds), the link itself for a link. */
static void set_time(const char *rel, time_t t)
{
        const struct timespec ts[2] = { { t, 0 }, { t, 0 } };
        CU_ASSERT_FATAL(utimensat(AT_FDCWD, at(rel), ts, AT_SYMLINK_NOFOLLOW) == 0);
}

/* What compaction asks (core/manager.c): with every entry written at 1000
 * and since 2000, nothing changed; a unit file, a drop-in, a .wants/
 * directory or a search directory written at 3000 is a change, unless in
 * the directory skipped; a dangling link is judged by itself. */
static void test_changed_since_looks_at_every_entry(void)
{
        static const char *const all[] = { "a/foo.service", "a/foo.service.d/x.conf", "a/foo.service.d",
                                           "a/t.target.wants/foo.service", "a/t.target.wants", "a/dangling.service",
                                           "b/bar.service", "a", "b" };
        const struct timespec since = { 2000, 0 };
        setup();
        put("a/foo.service", UNIT);
        put("a/foo.service.d/x.conf", "[Unit]\nDescription=x\n");
        link_to("../foo.service", "a/t.target.wants/foo.service");
        link_to("/nonexistent/dangling.service", "a/dangling.service");
        put("b/bar.service", UNIT);
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
                set_time(all[i], 1000);
        struct unit_path_index *idx = build();
        CU_ASSERT_FALSE(unit_path_changed_since(idx, since, NULL));
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
                set_time(all[i], 3000);
                CU_ASSERT_TRUE(unit_path_changed_since(idx, since, NULL));
                if (!unit_path_changed_since(idx, since, NULL))
                        fprintf(stderr, "\n  %s written since, not seen\n", all[i]);
                /* b skipped: what is in it does not count. */
                CU_ASSERT_EQUAL(unit_path_changed_since(idx, since, at("b")), all[i][0] == 'a');
                set_time(all[i], 1000);
        }
        CU_ASSERT_FALSE(unit_path_changed_since(idx, since, NULL));
        unit_path_index_free(idx);
}

/* NeedDaemonReload's check (parse/unit_path_changed.c), for a unit loaded
 * from a (fragment, drop-in) and an instance of b's template: written
 * before since, nothing; its fragment or drop-in written since, a new
 * drop-in directory, or a file that now comes first (in a, over b), yes;
 * another unit's file, no. */
static void test_unit_files_changed_since(void)
{
        static const char *const all[] = { "a/foo.service", "a/foo.service.d/x.conf", "a/foo.service.d",
                                           "b/bar@.service", "a/other.service", "a", "b" };
        const struct timespec since = { 2000, 0 };
        setup();
        put("a/foo.service", UNIT);
        put("a/foo.service.d/x.conf", "[Unit]\nDescription=x\n");
        put("b/bar@.service", UNIT);
        put("a/other.service", UNIT);
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
                set_time(all[i], 1000);
        struct unit_path_index *idx = build();
        struct unit_table t;
        struct load_context ctx = { .table = &t, .index = idx };
        struct unit *foo, *bar;
        unit_table_init(&t);
        CU_ASSERT_FATAL(unit_table_intern(&t, "foo.service", &foo) == 0 && unit_load(&ctx, foo) == 0);
        CU_ASSERT_FATAL(unit_table_intern(&t, "bar@1.service", &bar) == 0 && unit_load(&ctx, bar) == 0);
        CU_ASSERT_FALSE(unit_files_changed_since(foo, idx, since));
        CU_ASSERT_FALSE(unit_files_changed_since(bar, idx, since));
        set_time("a/foo.service", 3000);
        CU_ASSERT_TRUE(unit_files_changed_since(foo, idx, since));
        set_time("a/foo.service", 1000);
        set_time("a/foo.service.d/x.conf", 3000);
        CU_ASSERT_TRUE(unit_files_changed_since(foo, idx, since));
        set_time("a/foo.service.d/x.conf", 1000);
        set_time("a/other.service", 3000); /* not foo's */
        CU_ASSERT_FALSE(unit_files_changed_since(foo, idx, since));
        put("a/bar@.service", UNIT); /* now first: written since */
        CU_ASSERT_TRUE(unit_files_changed_since(bar, idx, since));
        CU_ASSERT_FALSE(unit_files_changed_since(foo, idx, since));
        CU_ASSERT_FATAL(unlink(at("a/bar@.service")) == 0);
        CU_ASSERT_FALSE(unit_files_changed_since(bar, idx, since));
        put("b/bar@1.service.d/y.conf", "[Unit]\nDescription=y\n"); /* a new drop-in directory */
        CU_ASSERT_TRUE(unit_files_changed_since(bar, idx, since));
        unit_table_done(&t);
        unit_path_index_free(idx);
}

static const struct test_case tests[] = {
        { "changed_since_looks_at_every_entry", test_changed_since_looks_at_every_entry },
        { "unit_files_changed_since", test_unit_files_changed_since },
        { "first_directory_wins", test_first_directory_wins },
        { "masked_by_link_to_dev_null", test_masked_by_link_to_dev_null },
        { "masked_by_empty_file", test_masked_by_empty_file },
        { "alias_of_masked_unit_is_masked", test_alias_of_masked_unit_is_masked },
        { "alias_into_other_directory", test_alias_into_other_directory },
        { "alias_chain_is_followed", test_alias_chain_is_followed },
        { "alias_loop_is_eloop", test_alias_loop_is_eloop },
        { "alias_to_other_type_is_exdev", test_alias_to_other_type_is_exdev },
        { "invalid_name_is_einval", test_invalid_name_is_einval },
        { "linked_unit_with_same_name_is_not_alias", test_linked_unit_with_same_name_is_not_alias },
        { "link_out_of_search_path_keeps_link_name", test_link_out_of_search_path_keeps_link_name },
        { "instance_falls_back_to_template", test_instance_falls_back_to_template },
        { "instance_file_beats_template", test_instance_file_beats_template },
        { "template_alias_gives_instance_names", test_template_alias_gives_instance_names },
        { "instance_linked_to_template_is_alias_of_that_instance",
          test_instance_linked_to_template_is_alias_of_that_instance },
        { "dropins_sorted_by_name_across_dirs", test_dropins_sorted_by_name_across_dirs },
        { "dropin_same_name_in_earlier_dir_overrides", test_dropin_same_name_in_earlier_dir_overrides },
        { "dropin_masked_by_dev_null_and_empty_file", test_dropin_masked_by_dev_null_and_empty_file },
        { "dashed_prefix_and_template_dropins", test_dashed_prefix_and_template_dropins },
        { "dashed_prefix_dropins_of_plain_unit", test_dashed_prefix_dropins_of_plain_unit },
        { "type_wide_dropins_apply_to_every_unit_of_the_type", test_type_wide_dropins_apply_to_every_unit_of_the_type },
        { "dropins_of_alias_name_are_read", test_dropins_of_alias_name_are_read },
        { "wants_from_two_dirs", test_wants_from_two_dirs },
        { "wants_entry_masked_by_dev_null_or_not_a_link", test_wants_entry_masked_by_dev_null_or_not_a_link },
        { "template_wants_take_the_instance", test_template_wants_take_the_instance },
        { "template_wants_of_plain_unit_take_its_prefix", test_template_wants_of_plain_unit_take_its_prefix },
        { "wants_of_alias_name_are_read", test_wants_of_alias_name_are_read },
        { "missing_directories_are_skipped", test_missing_directories_are_skipped },
        { "unit_with_only_dropins_has_no_fragment", test_unit_with_only_dropins_has_no_fragment },
        { "many_entries_across_blocks", test_many_entries_across_blocks },
        { "has_fragment_agrees_with_lookup", test_has_fragment_agrees_with_lookup },
        { "consecutive_links_into_directories", test_consecutive_links_into_directories },
        { "same_directory_twice_and_linked_dropin_dir", test_same_directory_twice_and_linked_dropin_dir },
        { "refresh_finds_files_added_after_the_scan", test_refresh_finds_files_added_after_the_scan },
        { 0 },
};
TEST_SUITE("unit_path", tests);
