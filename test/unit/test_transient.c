/* parse/transient.c: StartTransientUnit's properties as unit-file text. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/exec_line.h"
#include "parse/transient.h"
#include "test/unit/test.h"

/* The text of one property set on a fresh unit, or NULL with *err. */
static char *one(const char *name, const struct transient_value *v, int *ret, char **err)
{
        struct transient_unit t = { 0 };
        const struct transient_property *p;
        char *text = NULL;
        *err = NULL;
        *ret = transient_lookup(name, false, &p, err);
        if (*ret == 0)
                *ret = transient_add(&t, p, v, err);
        if (*ret == 0)
                CU_ASSERT_EQUAL_FATAL(transient_text(&t, &text), 0);
        transient_unit_done(&t);
        return text;
}

static void expect_line(const char *name, const struct transient_value *v, const char *line)
{
        int r;
        char *err, *text = one(name, v, &r, &err);
        CU_ASSERT_EQUAL(r, 0);
        CU_ASSERT_PTR_NOT_NULL(text && strstr(text, line));
        if (!text || !strstr(text, line))
                fprintf(stderr, "\nwant line '%s' in:\n%s\n", line, text ? text : err);
        free(text);
        free(err);
}

static void expect_refused(const char *name, const struct transient_value *v, int want, const char *msg)
{
        int r;
        char *err, *text = one(name, v, &r, &err);
        CU_ASSERT_EQUAL(r, want);
        CU_ASSERT_PTR_NULL(text);
        CU_ASSERT_PTR_NOT_NULL(err && strstr(err, msg));
        free(text);
        free(err);
}

static void test_sections_and_plain_values(void)
{
        struct transient_unit t = { 0 };
        const struct transient_property *p;
        char *err = NULL, *text = NULL;
        CU_ASSERT_EQUAL(transient_lookup("RemainAfterExit", false, &p, &err), 0);
        CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .b = true }, &err), 0);
        CU_ASSERT_EQUAL(transient_lookup("Description", false, &p, &err), 0);
        CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .s = "say \"hi\"" }, &err), 0);
        CU_ASSERT_EQUAL(transient_lookup("AddRef", false, &p, &err), 0);
        CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .b = true }, &err), 0);
        CU_ASSERT_EQUAL_FATAL(transient_text(&t, &text), 0);
        const char *unit = strstr(text, "[Unit]\nDescription=say \"hi\"\n");
        const char *service = strstr(text, "[Service]\nRemainAfterExit=yes\n");
        CU_ASSERT_PTR_NOT_NULL(unit);
        CU_ASSERT_PTR_NOT_NULL(service);
        CU_ASSERT(unit && service && unit < service);
        CU_ASSERT_PTR_NULL(strstr(text, "AddRef")); /* accepted, not written */
        free(text);
        transient_unit_done(&t);
}

static void test_specifiers_are_doubled_where_expanded(void)
{
        expect_line("Description", &(struct transient_value) { .s = "100% %n" }, "Description=100%% %%n\n");
        expect_line("Type", &(struct transient_value) { .s = "oneshot" }, "Type=oneshot\n");
        expect_line("RuntimeMaxUSec", &(struct transient_value) { .usec = 5000000 }, "RuntimeMaxSec=5000000us\n");
}

static void test_exec_start_quotes_and_ignore_prefix(void)
{
        char *argv[] = { "/bin/sh", "-c", "echo \"hi\" $X > 100%", NULL };
        struct transient_exec e = { .path = "/bin/sh", .argv = argv, .ignore_failure = true };
        expect_line("ExecStart", &(struct transient_value) { .exec = &e, .n_exec = 1 },
                    "ExecStart=-/bin/sh -c \"echo \\\"hi\\\" $$X > 100%%\"\n");
        e.ignore_failure = false;
        expect_line("ExecStart", &(struct transient_value) { .exec = &e, .n_exec = 1 }, "ExecStart=/bin/sh -c \"");
        /* argv[0] not the path: systemd's "@" form. */
        char *argv0[] = { "true", "", ";", NULL };
        struct transient_exec at = { .path = "/bin/true", .argv = argv0 };
        expect_line("ExecStart", &(struct transient_value) { .exec = &at, .n_exec = 1 },
                    "ExecStart=@/bin/true true \"\" \";\"\n");
}

/* What is written reads back as the same command (no $ or % here: those
 * are expanded later, at exec time and by the loader). */
static void test_exec_start_reads_back(void)
{
        char *argv[] = { "/bin/echo", "a b", "it's", "back\\slash", "\"q\"", ";", "", NULL };
        struct transient_exec e = { .path = "/bin/echo", .argv = argv, .ignore_failure = true };
        int r;
        char *err, *text = one("ExecStart", &(struct transient_value) { .exec = &e, .n_exec = 1 }, &r, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        char *line = strstr(text, "ExecStart="), *nl = line ? strchr(line, '\n') : NULL;
        CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
        *nl = '\0';
        struct exec_command *c = NULL;
        char *perr = NULL;
        CU_ASSERT_EQUAL_FATAL(exec_line_parse(line + strlen("ExecStart="), &c, &perr), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_STRING_EQUAL(c->path, "/bin/echo");
        CU_ASSERT(c->flags & EXEC_IGNORE_FAILURE);
        CU_ASSERT_PTR_NULL(c->next);
        size_t i = 0;
        for (; argv[i] && c->argv[i]; i++)
                CU_ASSERT_STRING_EQUAL(c->argv[i], argv[i]);
        CU_ASSERT_PTR_NULL(argv[i]);
        CU_ASSERT_PTR_NULL(c->argv[i]);
        exec_command_free_list(c);
        free(text);
}

static void test_environment_words(void)
{
        char *env[] = { "A=b c", "D=e", "P=50%", NULL };
        expect_line("Environment", &(struct transient_value) { .words = env }, "Environment=\"A=b c\" D=e P=50%%\n");
}

static void test_unknown_property_is_refused(void)
{
        const struct transient_property *p = NULL;
        char *err = NULL;
        CU_ASSERT_EQUAL(transient_lookup("MemoryMax", false, &p, &err), -ENOENT);
        CU_ASSERT_STRING_EQUAL(err, "Cannot set property MemoryMax, or unknown property.");
        free(err);
}

/* No value may add a line, or join the next one to its own. */
static void test_values_that_would_inject_lines_are_refused(void)
{
        expect_refused("Description", &(struct transient_value) { .s = "x\n[Service]\nExecStartPre=/bin/evil" },
                       -EINVAL, "Invalid value for Description");
        expect_refused("User", &(struct transient_value) { .s = "root\r" }, -EINVAL, "Invalid value for User");
        expect_refused("Description", &(struct transient_value) { .s = "trailing\\" }, -EINVAL, "backslash");
        char *env[] = { "A=1", "B=2\nExecStartPre=/bin/evil", NULL };
        expect_refused("Environment", &(struct transient_value) { .words = env }, -EINVAL, "Environment");
        char *argv[] = { "/bin/sh", "-c", "true\nExecStartPre=/bin/evil", NULL };
        struct transient_exec e = { .path = "/bin/sh", .argv = argv };
        expect_refused("ExecStart", &(struct transient_value) { .exec = &e, .n_exec = 1 }, -EINVAL, "ExecStart");
        char *ok[] = { "x", NULL };
        struct transient_exec rel = { .path = "bin/x", .argv = ok };
        expect_refused("ExecStart", &(struct transient_value) { .exec = &rel, .n_exec = 1 }, -EINVAL, "absolute");
}

/* systemd-run --pipe's fds are kept, not written, and closed with the unit. */
static void test_stdio_fds_are_kept_not_written(void)
{
        static const char *const names[3] = { "StandardInputFileDescriptor", "StandardOutputFileDescriptor",
                                               "StandardErrorFileDescriptor" };
        struct transient_unit t = { 0 };
        int pipe_fds[2], copies[3];
        char *text = NULL, *err = NULL;

        CU_ASSERT_EQUAL_FATAL(pipe(pipe_fds), 0);
        for (int i = 0; i < 3; i++) {
                const struct transient_property *p;
                CU_ASSERT_EQUAL_FATAL(transient_lookup(names[i], false, &p, &err), 0);
                CU_ASSERT_STRING_EQUAL(transient_signature(p->kind), "h");
                copies[i] = dup(pipe_fds[i == 0 ? 0 : 1]);
                CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .fd = copies[i] }, &err), 0);
        }
        CU_ASSERT_EQUAL(t.stdio_given, 7u);
        for (int i = 0; i < 3; i++)
                CU_ASSERT_EQUAL(t.stdio_fds[i], copies[i]);
        CU_ASSERT_EQUAL_FATAL(transient_text(&t, &text), 0);
        CU_ASSERT_PTR_NULL(strstr(text, "Standard"));
        transient_unit_done(&t);
        for (int i = 0; i < 3; i++)
                CU_ASSERT_EQUAL(fcntl(copies[i], F_GETFD), -1); /* closed with the unit */
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        free(text);
}

/* A scope's file: [Scope] for the type's section, its PIDs kept (all of
 * them, given twice), and what only services take refused. */
static void test_scope_properties(void)
{
        struct transient_unit t = { .scope = true };
        const struct transient_property *p;
        char *err = NULL, *text = NULL;
        const uint32_t a[] = { 10, 11 }, b[] = { 12 };
        CU_ASSERT_EQUAL(transient_lookup("PIDs", true, &p, &err), 0);
        CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .pids = a, .n_pids = 2 }, &err), 0);
        CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .pids = b, .n_pids = 1 }, &err), 0);
        CU_ASSERT_EQUAL(transient_lookup("TasksMax", true, &p, &err), 0);
        CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .usec = UINT64_MAX }, &err), 0);
        CU_ASSERT_EQUAL(transient_lookup("After", true, &p, &err), 0);
        char *after[] = { (char *) "systemd-logind.service", (char *) "user-runtime-dir@0.service", NULL };
        CU_ASSERT_EQUAL(transient_add(&t, p, &(struct transient_value) { .words = after }, &err), 0);
        CU_ASSERT_EQUAL_FATAL(transient_text(&t, &text), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "[Unit]\nAfter=systemd-logind.service user-runtime-dir@0.service\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "[Scope]\nTasksMax=infinity\n"));
        CU_ASSERT_PTR_NULL(strstr(text, "PIDs"));
        CU_ASSERT_EQUAL(t.n_pids, 3u);
        CU_ASSERT(t.n_pids == 3 && t.pids[0] == 10 && t.pids[1] == 11 && t.pids[2] == 12);
        free(text);
        transient_unit_done(&t);
        CU_ASSERT_EQUAL(transient_lookup("ExecStart", true, &p, &err), -ENOENT);
        free(err);
        CU_ASSERT_EQUAL(transient_lookup("PIDs", false, &p, &err), -ENOENT);
        CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "Cannot set property PIDs"));
        free(err);
}

static const struct test_case tests[] = {
        { "scope_properties", test_scope_properties },
        { "stdio_fds_are_kept_not_written", test_stdio_fds_are_kept_not_written },
        { "sections_and_plain_values", test_sections_and_plain_values },
        { "specifiers_are_doubled_where_expanded", test_specifiers_are_doubled_where_expanded },
        { "exec_start_quotes_and_ignore_prefix", test_exec_start_quotes_and_ignore_prefix },
        { "exec_start_reads_back", test_exec_start_reads_back },
        { "environment_words", test_environment_words },
        { "unknown_property_is_refused", test_unknown_property_is_refused },
        { "values_that_would_inject_lines_are_refused", test_values_that_would_inject_lines_are_refused },
        { 0 },
};
TEST_SUITE("transient", tests);
