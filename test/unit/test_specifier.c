/* Tests for specifier expansion (systemd.unit(5) "Specifiers", system
 * manager of systemd 252). Facts under the root (machine id, os-release,
 * machine-info) come from a fake root made with test_tmpdir(); kernel facts
 * are compared with what uname(2) and /proc say. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/macro.h"
#include "parse/specifier.h"
#include "test/unit/test.h"

#define OS_RELEASE                              \
        "# a comment\n"                         \
        "NAME=\"Weft Linux\"\n"                 \
        "ID=weft\n"                             \
        "VERSION_ID=\"12\"\n"                   \
        "VARIANT_ID='server'\n"                 \
        "IMAGE_ID=weft-img\n"                   \
        "IMAGE_VERSION=\"1.2.3\"\n"             \
        "BUILD_ID=build\\ 42   \n"

struct expand_case {
        const char *in;
        const char *out;
};

/* Expands each case and compares; a failure names the input. */
static void check_expand(const struct specifier_context *ctx, const struct expand_case *c, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char *out = NULL, *err = NULL;
                int r = specifier_expand(ctx, c[i].in, &out, &err);
                if (r != 0 || strcmp(out, c[i].out) != 0)
                        fprintf(stderr, "\n  \"%s\": r=%d \"%s\" (%s), want \"%s\"\n", c[i].in, r,
                                out ? out : "(null)", err ? err : "", c[i].out);
                CU_ASSERT_EQUAL(r, 0);
                if (r == 0)
                        CU_ASSERT_STRING_EQUAL(out, c[i].out);
                free(out);
                free(err);
        }
}

/* Expands in, which must succeed; the caller frees. */
static char *expand(const struct specifier_context *ctx, const char *in)
{
        char *out = NULL, *err = NULL;
        int r = specifier_expand(ctx, in, &out, &err);
        if (r != 0)
                fprintf(stderr, "\n  \"%s\": %s\n", in, err ? err : strerror(-r));
        CU_ASSERT_EQUAL_FATAL(r, 0);
        free(err);
        return out;
}

/* A fake root holding machine-id and os-release. */
static const char *make_root(void)
{
        const char *root = test_tmpdir();
        test_write_file(root, "etc/machine-id", "0123456789ABCDEF0123456789abcdef\n");
        test_write_file(root, "etc/os-release", OS_RELEASE);
        return root;
}

static void test_names_of_an_instance(void)
{
        const struct specifier_context ctx = { .unit_id = "foo-bar@a\\x2db-c.service" };
        static const struct expand_case cases[] = {
                { "%n", "foo-bar@a\\x2db-c.service" },
                { "%N", "foo-bar@a\\x2db-c" },
                { "%p", "foo-bar" },
                { "%P", "foo/bar" },
                { "%i", "a\\x2db-c" },
                { "%I", "a-b/c" },
                { "%j", "bar" },
                { "%J", "bar" },
                { "%f", "/a-b/c" },
                { "%d", "/run/credentials/foo-bar@a\\x2db-c.service" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_names_of_a_plain_unit(void)
{
        const struct specifier_context ctx = { .unit_id = "dev-sda\\x2d1.mount" };
        static const struct expand_case cases[] = {
                { "%n", "dev-sda\\x2d1.mount" },
                { "%N", "dev-sda\\x2d1" },
                { "%p", "dev-sda\\x2d1" },
                { "%P", "dev/sda-1" },
                { "%i", "" },
                { "%I", "" },
                { "%j", "sda\\x2d1" },
                { "%J", "sda-1" },
                { "%f", "/dev/sda-1" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_last_component_without_dash_is_prefix(void)
{
        const struct specifier_context ctx = { .unit_id = "getty@tty1.service" };
        static const struct expand_case cases[] = {
                { "%j", "getty" },
                { "%J", "getty" },
                { "%f", "/tty1" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_directories_and_user_of_the_system_manager(void)
{
        const struct specifier_context ctx = { .unit_id = "a.service", .root = "/nonexistent" };
        static const struct expand_case cases[] = {
                { "%C", "/var/cache" }, { "%E", "/etc" },    { "%L", "/var/log" },
                { "%S", "/var/lib" },   { "%t", "/run" },    { "%T", "/tmp" },
                { "%V", "/var/tmp" },   { "%h", "/root" },   { "%s", "/bin/sh" },
                { "%u", "root" },       { "%U", "0" },       { "%g", "root" },
                { "%G", "0" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_os_release_fields_come_from_root(void)
{
        const struct specifier_context ctx = { .unit_id = "a.service", .root = make_root() };
        static const struct expand_case cases[] = {
                { "%o", "weft" },  { "%w", "12" },      { "%W", "server" },
                { "%M", "weft-img" }, { "%A", "1.2.3" }, { "%B", "build 42" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_os_release_unset_field_is_empty(void)
{
        const char *root = test_tmpdir();
        test_write_file(root, "etc/os-release", "ID=x\n");
        const struct specifier_context ctx = { .unit_id = "a.service", .root = root };
        static const struct expand_case cases[] = {
                { "[%A][%B][%M][%w][%W]", "[][][][][]" },
                { "%o", "x" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_os_release_falls_back_to_usr_lib(void)
{
        const char *root = test_tmpdir();
        test_write_file(root, "usr/lib/os-release", "ID=fallback\n");
        const struct specifier_context ctx = { .unit_id = "a.service", .root = root };
        static const struct expand_case cases[] = { { "%o", "fallback" } };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_os_release_quoting_and_last_assignment(void)
{
        const char *root = test_tmpdir();
        test_write_file(root, "etc/os-release",
                        "ID=first\n"
                        "  ID = \"a \\\"q\\\" \\$x\"\n"
                        "VERSION_ID='it''s'\n"
                        "IMAGE_ID='ab' \"cd\"\n"
                        "BUILD_ID=a\"b c\"d\n"
                        "; IMAGE_VERSION=commented\n");
        const struct specifier_context ctx = { .unit_id = "a.service", .root = root };
        static const struct expand_case cases[] = {
                { "%o", "a \"q\" $x" },
                { "%w", "its" },
                { "%M", "abcd" },
                { "%B", "a\"b c\"d" },
                { "%A", "" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_os_release_missing_is_enoent(void)
{
        const struct specifier_context ctx = { .unit_id = "a.service", .root = test_tmpdir() };
        char *out = NULL, *err = NULL;
        CU_ASSERT_EQUAL(specifier_expand(&ctx, "%o", &out, &err), -ENOENT);
        CU_ASSERT_PTR_NULL(out);
        CU_ASSERT_PTR_NOT_NULL(err);
        free(err);
}

static void test_machine_id_comes_from_root_in_lower_case(void)
{
        const struct specifier_context ctx = { .unit_id = "a.service", .root = make_root() };
        static const struct expand_case cases[] = { { "%m", "0123456789abcdef0123456789abcdef" } };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_machine_id_malformed_is_eio(void)
{
        static const char *const bad[] = { "", "uninitialized\n", "0123456789abcdef\n",
                                           "0123456789abcdef0123456789abcdefff\n",
                                           "01234567-89ab-cdef-0123-456789abcdef\n" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                const char *root = test_tmpdir();
                test_write_file(root, "etc/machine-id", bad[i]);
                const struct specifier_context ctx = { .unit_id = "a.service", .root = root };
                char *out = NULL;
                CU_ASSERT_EQUAL(specifier_expand(&ctx, "%m", &out, NULL), -EIO);
                CU_ASSERT_PTR_NULL(out);
        }
}

static void test_machine_id_missing_is_enoent(void)
{
        const struct specifier_context ctx = { .unit_id = "a.service", .root = test_tmpdir() };
        char *out = NULL;
        CU_ASSERT_EQUAL(specifier_expand(&ctx, "%m", &out, NULL), -ENOENT);
}

static void test_boot_id_is_kernel_boot_id_without_dashes(void)
{
        char want[64] = "", *p = want;
        FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        for (int c; (c = fgetc(f)) != EOF && c != '\n' && p < want + 63;)
                if (c != '-')
                        *p++ = (char)c;
        fclose(f);
        const struct specifier_context ctx = { .unit_id = "a.service" };
        char *out = expand(&ctx, "%b");
        CU_ASSERT_EQUAL(strlen(out), 32);
        CU_ASSERT_STRING_EQUAL(out, want);
        free(out);
}

static void test_host_names_and_kernel_release_match_uname(void)
{
        struct utsname u;
        CU_ASSERT_EQUAL_FATAL(uname(&u), 0);
        char short_name[sizeof u.nodename];
        strcpy(short_name, u.nodename);
        short_name[strcspn(short_name, ".")] = '\0';

        const struct specifier_context ctx = { .unit_id = "a.service", .root = test_tmpdir() };
        const struct expand_case cases[] = {
                { "%H", u.nodename },
                { "%l", short_name },
                { "%v", u.release },
                { "%q", short_name }, /* no /etc/machine-info in the root */
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_pretty_hostname_comes_from_machine_info(void)
{
        const char *root = test_tmpdir();
        test_write_file(root, "etc/machine-info", "PRETTY_HOSTNAME=\"Lennart's Laptop\"\n");
        const struct specifier_context ctx = { .unit_id = "a.service", .root = root };
        static const struct expand_case cases[] = { { "%q", "Lennart's Laptop" } };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_architecture_of_x86_64_is_x86_64_with_dash(void)
{
        struct utsname u;
        CU_ASSERT_EQUAL_FATAL(uname(&u), 0);
        const struct specifier_context ctx = { .unit_id = "a.service" };
        char *out = expand(&ctx, "%a");
        if (strcmp(u.machine, "x86_64") == 0)
                CU_ASSERT_STRING_EQUAL(out, "x86-64");
        if (strcmp(u.machine, "aarch64") == 0)
                CU_ASSERT_STRING_EQUAL(out, "arm64");
        free(out);
}

static void test_tmp_dir_honours_tmpdir_without_root(void)
{
        const char *dir = test_tmpdir();
        char *saved = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
        const struct specifier_context ctx = { .unit_id = "a.service" };

        setenv("TMPDIR", dir, 1);
        char *t = expand(&ctx, "%T"), *v = expand(&ctx, "%V");
        CU_ASSERT_STRING_EQUAL(t, dir);
        CU_ASSERT_STRING_EQUAL(v, dir);
        free(t);
        free(v);

        setenv("TMPDIR", "relative/dir", 1); /* not absolute: ignored */
        unsetenv("TEMP");
        unsetenv("TMP");
        t = expand(&ctx, "%T");
        CU_ASSERT_STRING_EQUAL(t, "/tmp");
        free(t);

        if (saved)
                setenv("TMPDIR", saved, 1);
        else
                unsetenv("TMPDIR");
        free(saved);
}

static void test_fragment_path_resolves_links(void)
{
        const char *dir = test_tmpdir();
        char real[512], link[512];
        snprintf(real, sizeof real, "%s", test_write_file(dir, "real/foo.service", "[Service]\n"));
        snprintf(link, sizeof link, "%s/foo.service", dir);
        CU_ASSERT_EQUAL_FATAL(symlink(real, link), 0);

        char *rdir = realpath(dir, NULL), want_y[600], want_Y[600];
        snprintf(want_y, sizeof want_y, "%s/real/foo.service", rdir);
        snprintf(want_Y, sizeof want_Y, "%s/real", rdir);
        free(rdir);

        const struct specifier_context ctx = { .unit_id = "foo.service", .fragment_path = link };
        const struct expand_case cases[] = { { "%y", want_y }, { "%Y", want_Y } };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_fragment_path_without_fragment_is_enoent(void)
{
        const struct specifier_context ctx = { .unit_id = "foo.service" };
        char *out = NULL;
        CU_ASSERT_EQUAL(specifier_expand(&ctx, "%y", &out, NULL), -ENOENT);
        CU_ASSERT_EQUAL(specifier_expand(&ctx, "%Y", &out, NULL), -ENOENT);
        CU_ASSERT_PTR_NULL(out);
}

static void test_percent_percent_is_percent(void)
{
        const struct specifier_context ctx = { .unit_id = "a@b.service" };
        static const struct expand_case cases[] = {
                { "100%%", "100%" },
                { "%%i", "%i" },
                { "%%%i", "%b" },
                { "", "" },
                { "no specifiers", "no specifiers" },
                { "x=%i y=%p", "x=b y=a" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_percent_before_non_alphanumeric_is_kept(void)
{
        const struct specifier_context ctx = { .unit_id = "a.service" };
        static const struct expand_case cases[] = {
                { "50%", "50%" },
                { "%-x", "%-x" },
                { "% ", "% " },
                { "%/", "%/" },
        };
        check_expand(&ctx, cases, ELEMENTSOF(cases));
}

static void test_unknown_specifier_is_ebadslt_with_message(void)
{
        static const char *const unknown[] = { "x%z", "%c", "%r", "%R", "%K", "%1", "%x" };
        const struct specifier_context ctx = { .unit_id = "a.service" };
        for (size_t i = 0; i < ELEMENTSOF(unknown); i++) {
                char *out = NULL, *err = NULL, want[128];
                CU_ASSERT_EQUAL(specifier_expand(&ctx, unknown[i], &out, &err), -EBADSLT);
                CU_ASSERT_PTR_NULL(out);
                snprintf(want, sizeof want, "Failed to resolve unit specifiers in '%s': unknown specifier %%%c",
                         unknown[i], unknown[i][strlen(unknown[i]) - 1]);
                CU_ASSERT_PTR_NOT_NULL_FATAL(err);
                CU_ASSERT_STRING_EQUAL(err, want);
                free(err);
        }
}

static void test_filename_of_unnormalized_instance_is_einval(void)
{
        const struct specifier_context ctx = { .unit_id = "foo@a--b.service" };
        char *out = NULL, *err = NULL;
        CU_ASSERT_EQUAL(specifier_expand(&ctx, "%f", &out, &err), -EINVAL);
        CU_ASSERT_PTR_NULL(out);
        CU_ASSERT_PTR_NOT_NULL(err);
        CU_ASSERT_PTR_NOT_NULL(err ? strstr(err, "%f") : NULL);
        free(err);
}

static void test_every_documented_specifier_is_known(void)
{
        const struct specifier_context ctx = { .unit_id = "foo@bar.service", .root = make_root(),
                                               .fragment_path = "/" };
        const char *letters = "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY";
        for (const char *p = letters; *p; p++) {
                char in[3] = { '%', *p, 0 }, *out = NULL;
                int r = specifier_expand(&ctx, in, &out, NULL);
                if (r != 0)
                        fprintf(stderr, "\n  %s: %s\n", in, strerror(-r));
                CU_ASSERT_EQUAL(r, 0);
                free(out);
        }
}

static const struct test_case tests[] = {
        { "names_of_an_instance", test_names_of_an_instance },
        { "names_of_a_plain_unit", test_names_of_a_plain_unit },
        { "last_component_without_dash_is_prefix", test_last_component_without_dash_is_prefix },
        { "directories_and_user_of_the_system_manager", test_directories_and_user_of_the_system_manager },
        { "os_release_fields_come_from_root", test_os_release_fields_come_from_root },
        { "os_release_unset_field_is_empty", test_os_release_unset_field_is_empty },
        { "os_release_falls_back_to_usr_lib", test_os_release_falls_back_to_usr_lib },
        { "os_release_quoting_and_last_assignment", test_os_release_quoting_and_last_assignment },
        { "os_release_missing_is_enoent", test_os_release_missing_is_enoent },
        { "machine_id_comes_from_root_in_lower_case", test_machine_id_comes_from_root_in_lower_case },
        { "machine_id_malformed_is_eio", test_machine_id_malformed_is_eio },
        { "machine_id_missing_is_enoent", test_machine_id_missing_is_enoent },
        { "boot_id_is_kernel_boot_id_without_dashes", test_boot_id_is_kernel_boot_id_without_dashes },
        { "host_names_and_kernel_release_match_uname", test_host_names_and_kernel_release_match_uname },
        { "pretty_hostname_comes_from_machine_info", test_pretty_hostname_comes_from_machine_info },
        { "architecture_of_x86_64_is_x86_64_with_dash", test_architecture_of_x86_64_is_x86_64_with_dash },
        { "tmp_dir_honours_tmpdir_without_root", test_tmp_dir_honours_tmpdir_without_root },
        { "fragment_path_resolves_links", test_fragment_path_resolves_links },
        { "fragment_path_without_fragment_is_enoent", test_fragment_path_without_fragment_is_enoent },
        { "percent_percent_is_percent", test_percent_percent_is_percent },
        { "percent_before_non_alphanumeric_is_kept", test_percent_before_non_alphanumeric_is_kept },
        { "unknown_specifier_is_ebadslt_with_message", test_unknown_specifier_is_ebadslt_with_message },
        { "filename_of_unnormalized_instance_is_einval", test_filename_of_unnormalized_instance_is_einval },
        { "every_documented_specifier_is_known", test_every_documented_specifier_is_known },
        { 0 },
};
TEST_SUITE("specifier", tests);
