/* weftctl's install logic (ctl/install.c) on temporary roots: the links
 * enable, disable, mask and set-default make, and is-enabled's answers, as
 * `systemctl --root=DIR` gives them (SYSTEMD-SUBSET.md §3.2 item 5). When
 * systemctl is installed, the same operations run on a twin root and the
 * two trees must be identical. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/install.h"

#include "test/unit/test.h"

static const char foo[] = "[Unit]\nDescription=Foo\n[Service]\nExecStart=/bin/true\n"
                          "[Install]\nWantedBy=multi-user.target\nAlias=bar.service\n";
static const char tmpl[] = "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n";
static const char stat_unit[] = "[Service]\nExecStart=/bin/true\n";
static const char target[] = "[Unit]\nDescription=Multi-User\n";

static void make_root(const char *root)
{
        test_write_file(root, "usr/lib/systemd/system/foo.service", foo);
        test_write_file(root, "usr/lib/systemd/system/tmpl@.service", tmpl);
        test_write_file(root, "usr/lib/systemd/system/static.service", stat_unit);
        test_write_file(root, "usr/lib/systemd/system/multi-user.target", target);
        test_write_file(root, "etc/systemd/system/.keep", "");
}

/* The target of root/rel, or "" when it is not a link. */
static const char *link_at(const char *root, const char *rel)
{
        static char buf[PATH_MAX];
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root, rel);
        ssize_t n = readlink(path, buf, sizeof buf - 1);
        buf[n < 0 ? 0 : n] = 0;
        return buf;
}

static bool present(const char *root, const char *rel)
{
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", root, rel);
        return lstat(path, &st) == 0;
}

static void ctx(struct install_ctx *c, const char *root)
{
        CU_ASSERT_FATAL(install_ctx_init(c, "weftctl", root, NULL) == 0);
        c->quiet = true;
}

static const char *state(const char *root, const char *name)
{
        struct install_ctx c;
        const char *s = NULL;
        ctx(&c, root);
        if (install_state(&c, name, &s) < 0)
                s = "ERROR";
        install_ctx_done(&c);
        return s;
}

static void run(const char *root, const char *verb, char *const *names)
{
        struct install_ctx c;
        ctx(&c, root);
        if (strcmp(verb, "enable") == 0)
                install_enable(&c, names);
        else if (strcmp(verb, "disable") == 0)
                install_disable(&c, names);
        else if (strcmp(verb, "mask") == 0)
                install_mask(&c, names);
        else if (strcmp(verb, "unmask") == 0)
                install_unmask(&c, names);
        else
                install_set_default(&c, names[0]);
        install_ctx_done(&c);
}

static void test_enable_links_wanted_by_and_alias_to_the_file(void)
{
        const char *root = test_tmpdir();
        char *names[] = { "foo.service", NULL };
        make_root(root);
        run(root, "enable", names);
        CU_ASSERT_STRING_EQUAL(link_at(root, "etc/systemd/system/multi-user.target.wants/foo.service"),
                               "/usr/lib/systemd/system/foo.service");
        CU_ASSERT_STRING_EQUAL(link_at(root, "etc/systemd/system/bar.service"), "/usr/lib/systemd/system/foo.service");
        CU_ASSERT_STRING_EQUAL(state(root, "foo.service"), "enabled");
        CU_ASSERT_STRING_EQUAL(state(root, "bar.service"), "alias");
}

static void test_disable_removes_links_and_emptied_folders(void)
{
        const char *root = test_tmpdir();
        char *names[] = { "foo.service", NULL };
        make_root(root);
        run(root, "enable", names);
        run(root, "disable", names);
        CU_ASSERT_FALSE(present(root, "etc/systemd/system/bar.service"));
        CU_ASSERT_FALSE(present(root, "etc/systemd/system/multi-user.target.wants"));
        CU_ASSERT_TRUE(present(root, "etc/systemd/system"));
        CU_ASSERT_STRING_EQUAL(state(root, "foo.service"), "disabled");
}

static void test_template_enables_its_default_instance(void)
{
        const char *root = test_tmpdir();
        char *names[] = { "tmpl@.service", "tmpl@x.service", NULL };
        char *one[] = { "tmpl@x.service", NULL };
        make_root(root);
        run(root, "enable", names);
        CU_ASSERT_STRING_EQUAL(link_at(root, "etc/systemd/system/multi-user.target.wants/tmpl@def.service"),
                               "/usr/lib/systemd/system/tmpl@.service");
        CU_ASSERT_STRING_EQUAL(link_at(root, "etc/systemd/system/multi-user.target.wants/tmpl@x.service"),
                               "/usr/lib/systemd/system/tmpl@.service");
        CU_ASSERT_STRING_EQUAL(state(root, "tmpl@.service"), "enabled");
        CU_ASSERT_STRING_EQUAL(state(root, "tmpl@y.service"), "disabled");
        run(root, "disable", one);
        CU_ASSERT_FALSE(present(root, "etc/systemd/system/multi-user.target.wants/tmpl@x.service"));
        CU_ASSERT_TRUE(present(root, "etc/systemd/system/multi-user.target.wants/tmpl@def.service"));
}

static void test_mask_links_to_dev_null_and_unmask_removes_it(void)
{
        const char *root = test_tmpdir();
        char *names[] = { "static.service", NULL };
        make_root(root);
        CU_ASSERT_STRING_EQUAL(state(root, "static.service"), "static");
        run(root, "mask", names);
        CU_ASSERT_STRING_EQUAL(link_at(root, "etc/systemd/system/static.service"), "/dev/null");
        CU_ASSERT_STRING_EQUAL(state(root, "static.service"), "masked");
        run(root, "unmask", names);
        CU_ASSERT_FALSE(present(root, "etc/systemd/system/static.service"));
}

static void test_set_default_links_default_target(void)
{
        const char *root = test_tmpdir();
        char *names[] = { "multi-user.target", NULL };
        struct install_ctx c;
        char *name = NULL;
        make_root(root);
        run(root, "set-default", names);
        CU_ASSERT_STRING_EQUAL(link_at(root, "etc/systemd/system/default.target"),
                               "/usr/lib/systemd/system/multi-user.target");
        ctx(&c, root);
        CU_ASSERT_EQUAL(install_get_default(&c, &name), 0);
        CU_ASSERT_STRING_EQUAL(name, "multi-user.target");
        install_ctx_done(&c);
        free(name);
        CU_ASSERT_STRING_EQUAL(state(root, "multi-user.target"), "indirect");
}

static void test_unknown_unit_has_no_state(void)
{
        const char *root = test_tmpdir();
        struct install_ctx c;
        const char *s;
        make_root(root);
        ctx(&c, root);
        CU_ASSERT_EQUAL(install_state(&c, "nope.service", &s), -ENOENT);
        install_ctx_done(&c);
}

/* systemd.preset(5): files sorted by name across the directories, an
 * earlier directory's file hiding a same-named later one (a link to
 * /dev/null hides and says nothing), the first matching line wins, and a
 * unit no line matches is enabled. */
static void test_presets_first_match_in_file_name_order(void)
{
        static const struct {
                const char *name, *want;
        } cases[] = {
                { "bar.service", "disabled" },         /* 10-admin before 20-lib */
                { "avahi-daemon.socket", "disabled" }, /* a glob */
                { "baz.service", "enabled" },          /* enable PATTERN INSTANCES */
                { "foo.service", "enabled" },          /* /usr/lib's 50-vendor is hidden by /run's */
                { "qux.service", "enabled" },          /* /run's 50-vendor */
                { "other.service", "enabled" },        /* 99-default masked: no rule */
        };
        const char *root = test_tmpdir();
        char path[PATH_MAX];
        struct install_ctx c;

        test_write_file(root, "etc/systemd/system-preset/10-admin.preset",
                        "# a comment\n; another\n  disable bar.service  \nenable baz.service one two\n"
                        "frobnicate x.service\ndisable avahi-*\n");
        test_write_file(root, "lib/systemd/system-preset/20-lib.preset", "enable bar.service\nenable foo.service\n");
        test_write_file(root, "run/systemd/system-preset/50-vendor.preset", "enable qux.service\n");
        test_write_file(root, "usr/lib/systemd/system-preset/50-vendor.preset",
                        "disable qux.service\ndisable foo.service\n");
        test_write_file(root, "usr/lib/systemd/system-preset/99-default.preset", "disable *\n");
        snprintf(path, sizeof path, "%s/etc/systemd/system-preset/99-default.preset", root);
        CU_ASSERT_FATAL(symlink("/dev/null", path) == 0);
        ctx(&c, root);
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
                const char *got = NULL;
                CU_ASSERT_EQUAL_FATAL(install_preset(&c, cases[i].name, &got), 0);
                if (strcmp(got, cases[i].want) != 0)
                        fprintf(stderr, "preset of %s: %s, want %s\n", cases[i].name, got, cases[i].want);
                CU_ASSERT_STRING_EQUAL(got, cases[i].want);
        }
        /* Without the mask, 99-default disables what nothing else names. */
        CU_ASSERT_FATAL(unlink(path) == 0);
        const char *got = NULL;
        CU_ASSERT_EQUAL(install_preset(&c, "other.service", &got), 0);
        CU_ASSERT_STRING_EQUAL(got, "disabled");
        install_ctx_done(&c);
}

/* The same steps by systemctl --root and by install_*: identical trees. */
static void test_trees_match_systemctl(void)
{
        if (system("command -v systemctl >/dev/null 2>&1") != 0)
                return;
        const char *a = strdup(test_tmpdir()), *b = strdup(test_tmpdir());
        char *enable[] = { "foo.service", "tmpl@.service", NULL }, *mask[] = { "static.service", NULL };
        char *disable[] = { "foo.service", NULL }, *def[] = { "multi-user.target", NULL };
        char cmd[4 * PATH_MAX];
        make_root(a);
        make_root(b);
        snprintf(cmd, sizeof cmd,
                 "systemctl --root=%s enable foo.service tmpl@.service && systemctl --root=%s mask static.service &&"
                 " systemctl --root=%s set-default multi-user.target && systemctl --root=%s disable foo.service"
                 " >/dev/null 2>&1",
                 a, a, a, a);
        CU_ASSERT_EQUAL(system(cmd), 0);
        run(b, "enable", enable);
        run(b, "mask", mask);
        run(b, "set-default", def);
        run(b, "disable", disable);
        snprintf(cmd, sizeof cmd,
                 "diff <(cd %s && find . -printf '%%p %%l\\n' | sort) <(cd %s && find . -printf '%%p %%l\\n' | sort)"
                 " >/dev/null",
                 a, b);
        char *bash;
        CU_ASSERT_FATAL(asprintf(&bash, "bash -c \"%s\"", cmd) > 0);
        CU_ASSERT_EQUAL(system(bash), 0);
        free(bash);
        free((char *) a);
        free((char *) b);
}

/* systemctl preset: the enable half links, the disable half unlinks, each
 * mode does its own half only; a unit without [Install] is left alone. */
static void test_preset_apply_enables_and_disables_per_mode(void)
{
        const char *root = test_tmpdir();
        char *all[] = { "foo.service", "tmpl@.service", "static.service", NULL };
        char *foo_only[] = { "foo.service", NULL }, *tmpl_only[] = { "tmpl@.service", NULL };
        struct install_ctx c;

        make_root(root);
        test_write_file(root, "usr/lib/systemd/system-preset/50-test.preset", "disable tmpl@.service\n");
        run(root, "enable", tmpl_only);
        ctx(&c, root);
        c.collect = true;
        install_preset_apply(&c, all, INSTALL_PRESET_FULL);
        CU_ASSERT_EQUAL(c.status, 0);
        CU_ASSERT_TRUE(c.no_install_info); /* static.service */
        CU_ASSERT_TRUE(c.changes && strcmp(c.changes[0], "unlink") == 0);
        install_ctx_done(&c);
        CU_ASSERT_STRING_EQUAL(state(root, "foo.service"), "enabled");
        CU_ASSERT_STRING_EQUAL(state(root, "tmpl@.service"), "disabled");
        CU_ASSERT_STRING_EQUAL(state(root, "static.service"), "static");
        CU_ASSERT_FALSE(present(root, "etc/systemd/system/multi-user.target.wants/tmpl@def.service"));

        /* Now foo is to be disabled: enable-only keeps it, disable-only not. */
        test_write_file(root, "etc/systemd/system-preset/10-admin.preset", "disable foo.service\n");
        ctx(&c, root);
        install_preset_apply(&c, foo_only, INSTALL_PRESET_ENABLE_ONLY);
        install_ctx_done(&c);
        CU_ASSERT_STRING_EQUAL(state(root, "foo.service"), "enabled");
        ctx(&c, root);
        install_preset_apply(&c, foo_only, INSTALL_PRESET_DISABLE_ONLY);
        install_ctx_done(&c);
        CU_ASSERT_STRING_EQUAL(state(root, "foo.service"), "disabled");
        CU_ASSERT_EQUAL(install_preset_mode_from_string("disable-only"), INSTALL_PRESET_DISABLE_ONLY);
        CU_ASSERT_EQUAL(install_preset_mode_from_string("both"), -EINVAL);
}

/* The state list_unit_files gives a name in l (pairs), or NULL. */
static const char *listed(char *const *l, const char *name)
{
        for (size_t k = 0; l && l[k]; k += 2) {
                const char *slash = strrchr(l[k], '/');
                if (slash && strcmp(slash + 1, name) == 0)
                        return l[k + 1];
        }
        return NULL;
}

/* list-unit-files: every unit file once with its state, by state and
 * pattern; an alias of a masked unit is masked; and with a unit path of
 * its own the config dirs still count (the mask there is seen). */
static void test_list_unit_files_states_and_filters(void)
{
        const char *root = test_tmpdir();
        char *foo_only[] = { "foo.service", NULL }, *mask[] = { "static.service", NULL };
        char *masked[] = { "masked", NULL }, *pattern[] = { "tmpl*", NULL };
        char *lib[] = { "/usr/lib/systemd/system", NULL };
        struct install_ctx c;
        char **l = NULL;

        make_root(root);
        run(root, "enable", foo_only);
        run(root, "mask", mask);
        CU_ASSERT_FATAL(install_ctx_init(&c, "weft", root, lib) == 0);
        CU_ASSERT_EQUAL_FATAL(install_list(&c, NULL, NULL, &l), 0);
        CU_ASSERT_EQUAL(strv_length(l), 2 * 5); /* foo, bar (alias), tmpl@, static, multi-user */
        CU_ASSERT_STRING_EQUAL(listed(l, "foo.service"), "enabled");
        CU_ASSERT_STRING_EQUAL(listed(l, "bar.service"), "alias");
        CU_ASSERT_STRING_EQUAL(listed(l, "static.service"), "masked");
        CU_ASSERT_STRING_EQUAL(listed(l, "tmpl@.service"), "disabled");
        CU_ASSERT_STRING_EQUAL(listed(l, "multi-user.target"), "static");
        strv_free(l);
        l = NULL;
        CU_ASSERT_EQUAL(install_list(&c, masked, NULL, &l), 0);
        CU_ASSERT_TRUE(l && strv_length(l) == 2 && listed(l, "static.service"));
        strv_free(l);
        l = NULL;
        CU_ASSERT_EQUAL(install_list(&c, NULL, pattern, &l), 0);
        CU_ASSERT_TRUE(l && strv_length(l) == 2 && listed(l, "tmpl@.service"));
        strv_free(l);
        install_ctx_done(&c);
        run(root, "mask", foo_only);
        CU_ASSERT_STRING_EQUAL(state(root, "bar.service"), "masked");
}

/* A generator's unit is generated, a transient one transient, a mask in
 * /run masked-runtime, as systemctl list-unit-files says. */
static void test_state_of_runtime_units(void)
{
        const char *root = test_tmpdir();
        char path[PATH_MAX];

        make_root(root);
        test_write_file(root, "run/systemd/generator/gen.service", stat_unit);
        test_write_file(root, "run/systemd/generator.late/late.service", foo);
        test_write_file(root, "run/systemd/transient/tr.service", stat_unit);
        test_write_file(root, "run/systemd/system/.keep", "");
        snprintf(path, sizeof path, "%s/run/systemd/system/static.service", root);
        CU_ASSERT_FATAL(symlink("/dev/null", path) == 0);
        CU_ASSERT_STRING_EQUAL(state(root, "gen.service"), "generated");
        CU_ASSERT_STRING_EQUAL(state(root, "late.service"), "generated");
        CU_ASSERT_STRING_EQUAL(state(root, "tr.service"), "transient");
        CU_ASSERT_STRING_EQUAL(state(root, "static.service"), "masked-runtime");
}

static const struct test_case tests[] = {
        { "enable_links_wanted_by_and_alias_to_the_file", test_enable_links_wanted_by_and_alias_to_the_file },
        { "disable_removes_links_and_emptied_folders", test_disable_removes_links_and_emptied_folders },
        { "template_enables_its_default_instance", test_template_enables_its_default_instance },
        { "mask_links_to_dev_null_and_unmask_removes_it", test_mask_links_to_dev_null_and_unmask_removes_it },
        { "set_default_links_default_target", test_set_default_links_default_target },
        { "unknown_unit_has_no_state", test_unknown_unit_has_no_state },
        { "trees_match_systemctl", test_trees_match_systemctl },
        { "presets_first_match_in_file_name_order", test_presets_first_match_in_file_name_order },
        { "preset_apply_enables_and_disables_per_mode", test_preset_apply_enables_and_disables_per_mode },
        { "list_unit_files_states_and_filters", test_list_unit_files_states_and_filters },
        { "state_of_runtime_units", test_state_of_runtime_units },
        { 0 },
};
TEST_SUITE("weftctl_install", tests);
