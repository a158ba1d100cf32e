/* The manager's environment block (core/sched_env.c), against the fake
 * world: what set-environment and unset-environment change reaches every
 * command spawned after, first and lowest in priority (Environment=
 * overrides it, UnsetEnvironment= removes from it); invalid input and
 * non-root clients change nothing; UnsetAndSet is one step; daemon-reload
 * keeps it. And the checks themselves (parse/env.c), as systemd's. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "base/strv.h"
#include "core/control.h"
#include "core/sched_internal.h"
#include "parse/env.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A control request with several arguments, as root (uid 0) or not. */
static void env_control(uid_t uid, const char *verb, char **units, char **properties)
{
        struct control_request q = { .version = 1, .verb = (char *) verb, .units = units, .properties = properties };
        F.now++;
        control_handle(F.s, 1, uid, &q);
}

static void boot(const char *b_text)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDefaultDependencies=no\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\n"
                                        "ExecStartPre=/bin/echo PRE\nExecStart=/bin/echo A\n");
        test_write_file(d, "b.service", b_text);
        fake_setup(d, "t.target");
}

/* The environment of the last spawn whose argv has tag. */
static char **env_of(const char *tag)
{
        int i = fake_find_spawn(tag);
        CU_ASSERT_FATAL(i >= 0);
        return F.spawns[i]->envp;
}

static void start_a(void)
{
        fake_control("start", "a.service");
        fake_run_to_exit("PRE", 0);
}

static void test_block_starts_with_the_default_path(void)
{
        boot("[Service]\nExecStart=/bin/echo B\n");
        CU_ASSERT_TRUE(strv_contains(sched_env(F.s), DEFAULT_PATH_ENV));
        start_a();
        CU_ASSERT_TRUE(strv_contains(env_of("PRE"), DEFAULT_PATH_ENV));
        fake_teardown();
}

static const char *invocation_of(char **env)
{
        STRV_FOREACH(e, env)
                if (!strncmp(*e, "INVOCATION_ID=", 14))
                        return *e + 14;
        return "";
}

/* One ID per start: every command of a start has it, the unit shows it,
 * and the next start has a new one. */
static void test_invocation_id_is_one_per_start(void)
{
        char id[33], pre[33];
        boot("[Service]\nExecStart=/bin/echo B\n");
        start_a();
        snprintf(pre, sizeof pre, "%s", invocation_of(env_of("PRE")));
        CU_ASSERT_EQUAL(strlen(pre), 32);
        fake_run_to_exit("A", 0);
        CU_ASSERT_STRING_EQUAL(invocation_of(env_of("A")), pre);
        struct unit *u = unit_table_get(F.s->units, "a.service");
        CU_ASSERT_TRUE(sched_invocation_id(F.s, u, id));
        CU_ASSERT_STRING_EQUAL(id, pre);
        CU_ASSERT_EQUAL(id[12], '4'); /* a version 4 UUID */
        start_a();
        CU_ASSERT_STRING_NOT_EQUAL(invocation_of(env_of("PRE")), pre);
        fake_teardown();
}

/* A Restart= is a new start, as in systemd (a restart job): a new ID. */
static void test_invocation_id_is_new_on_restart(void)
{
        char first[33];
        boot("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/echo B\nRestart=always\nRestartSec=1s\n");
        fake_control("start", "b.service");
        snprintf(first, sizeof first, "%s", invocation_of(env_of("B")));
        CU_ASSERT_EQUAL(strlen(first), 32);
        fake_exit(fake_report(fake_find_spawn("B")), CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "b.service"), "auto-restart");
        fake_advance(1000000);
        CU_ASSERT_EQUAL(fake_count_spawns("B"), 2);
        CU_ASSERT_EQUAL(strlen(invocation_of(env_of("B"))), 32);
        CU_ASSERT_STRING_NOT_EQUAL(invocation_of(env_of("B")), first);
        char shown[33];
        CU_ASSERT_TRUE(sched_invocation_id(F.s, unit_table_get(F.s->units, "b.service"), shown));
        CU_ASSERT_STRING_EQUAL(shown, invocation_of(env_of("B")));
        fake_teardown();
}

static void test_set_environment_reaches_later_commands(void)
{
        char *set[] = { "FOO=bar", NULL };
        boot("[Service]\nExecStart=/bin/echo B\n");
        env_control(0, "set-environment", set, NULL);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_TRUE(strv_contains(sched_env(F.s), "FOO=bar"));
        start_a();
        CU_ASSERT_TRUE(strv_contains(env_of("PRE"), "FOO=bar"));
        CU_ASSERT_TRUE(strv_contains(env_of("A"), "FOO=bar"));
        fake_teardown();
}

static void test_unit_environment_overrides_the_block(void)
{
        char *set[] = { "FOO=bar", "PATH=/manager", NULL };
        boot("[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nEnvironment=FOO=unit\n"
             "UnsetEnvironment=PATH\nExecStart=/bin/echo B\n");
        env_control(0, "set-environment", set, NULL);
        fake_control("start", "b.service");
        char **env = env_of("B");
        CU_ASSERT_TRUE(strv_contains(env, "FOO=unit"));
        CU_ASSERT_FALSE(strv_contains(env, "FOO=bar"));
        for (char **e = env; *e; e++)
                CU_ASSERT_NOT_EQUAL(strncmp(*e, "PATH=", 5), 0);
        fake_teardown();
}

static void test_names_weft_sets_are_dropped(void)
{
        char *set[] = { "MAINPID=1", "INVOCATION_ID=x", "NOTIFY_SOCKET=/x", "KEPT=1", NULL };
        boot("[Service]\nExecStart=/bin/echo B\n");
        env_control(0, "set-environment", set, NULL);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_TRUE(strv_contains(sched_env(F.s), "KEPT=1"));
        CU_ASSERT_EQUAL(strv_length(sched_env(F.s)), strv_length(F.s->env_defaults) + 1);
        start_a();
        CU_ASSERT_FALSE(strv_contains(env_of("PRE"), "INVOCATION_ID=x"));
        fake_teardown();
}

static void test_unset_environment_removes_by_name_or_exact_assignment(void)
{
        char *set[] = { "FOO=bar", "BAZ=1", NULL }, *wrong[] = { "BAZ=2", NULL }, *unset[] = { "FOO", "BAZ=1", NULL };
        boot("[Service]\nExecStart=/bin/echo B\n");
        env_control(0, "set-environment", set, NULL);
        env_control(0, "unset-environment", wrong, NULL);
        CU_ASSERT_TRUE(strv_contains(sched_env(F.s), "BAZ=1")); /* K=V removes only that value */
        env_control(0, "unset-environment", unset, NULL);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_FALSE(strv_contains(sched_env(F.s), "FOO=bar"));
        CU_ASSERT_FALSE(strv_contains(sched_env(F.s), "BAZ=1"));
        start_a();
        for (char **e = env_of("PRE"); *e; e++)
                CU_ASSERT_NOT_EQUAL(strncmp(*e, "FOO=", 4), 0);
        fake_teardown();
}

static void test_unset_of_a_default_leaves_it(void)
{
        char *unset[] = { "PATH", NULL };
        boot("[Service]\nExecStart=/bin/echo B\n");
        env_control(0, "unset-environment", unset, NULL);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_TRUE(strv_contains(sched_env(F.s), DEFAULT_PATH_ENV)); /* systemd's too */
        fake_teardown();
}

static void test_invalid_input_changes_nothing(void)
{
        char *set[] = { "FOO=bar", NULL };
        char *bad_sets[][3] = { { "OK=1", "1BAD=x", NULL }, { "NOEQUALS", NULL }, { "A=1", "A=2", NULL },
                                { "U=\xff", NULL }, { "=x", NULL } };
        char *bad_unset[] = { "GOOD", "BAD NAME", NULL };
        boot("[Service]\nExecStart=/bin/echo B\n");
        env_control(0, "set-environment", set, NULL);
        char **before = strv_copy(sched_env(F.s));
        for (size_t i = 0; i < sizeof bad_sets / sizeof bad_sets[0]; i++) {
                env_control(0, "set-environment", bad_sets[i], NULL);
                CU_ASSERT_EQUAL(F.last_code, 1);
                CU_ASSERT_PTR_NOT_NULL(strstr(F.last_error, "Invalid environment assignments"));
        }
        env_control(0, "unset-environment", bad_unset, NULL);
        CU_ASSERT_EQUAL(F.last_code, 1);
        /* One bad half refuses the whole UnsetAndSet. */
        env_control(0, "unset-and-set-environment", bad_sets[0], (char *[]) { "FOO", NULL });
        CU_ASSERT_EQUAL(F.last_code, 1);
        CU_ASSERT_EQUAL(strv_length(sched_env(F.s)), strv_length(before));
        for (char **e = before; *e; e++)
                CU_ASSERT_TRUE(strv_contains(sched_env(F.s), *e));
        strv_free(before);
        fake_teardown();
}

static void test_only_root_changes_the_block(void)
{
        char *set[] = { "FOO=bar", NULL };
        boot("[Service]\nExecStart=/bin/echo B\n");
        env_control(1000, "set-environment", set, NULL);
        CU_ASSERT_EQUAL(F.last_code, 4);
        CU_ASSERT_FALSE(strv_contains(sched_env(F.s), "FOO=bar"));
        env_control(1000, "show-environment", NULL, NULL);
        CU_ASSERT_EQUAL(F.last_code, 0);
        fake_teardown();
}

static void test_unset_and_set_is_one_step(void)
{
        char *set[] = { "FOO=bar", "OLD=1", NULL }, *unset[] = { "FOO", "OLD", NULL }, *set2[] = { "FOO=new", NULL };
        boot("[Service]\nExecStart=/bin/echo B\n");
        env_control(0, "set-environment", set, NULL);
        env_control(0, "unset-and-set-environment", set2, unset);
        CU_ASSERT_EQUAL(F.last_code, 0);
        CU_ASSERT_TRUE(strv_contains(sched_env(F.s), "FOO=new"));
        CU_ASSERT_FALSE(strv_contains(sched_env(F.s), "OLD=1"));
        fake_teardown();
}

static void test_daemon_reload_keeps_the_block(void)
{
        char *set[] = { "FOO=bar", NULL };
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nDefaultDependencies=no\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\n"
                                        "ExecStartPre=/bin/echo PRE\nExecStart=/bin/echo A\n");
        fake_setup(d, "t.target");
        env_control(0, "set-environment", set, NULL);
        fake_reload(d, "t.target");
        CU_ASSERT_TRUE(strv_contains(sched_env(F.s), "FOO=bar"));
        start_a();
        CU_ASSERT_TRUE(strv_contains(env_of("PRE"), "FOO=bar"));
        fake_teardown();
}

static void test_assignment_checks_are_systemds(void)
{
        CU_ASSERT_TRUE(env_assignment_is_valid("FOO=bar"));
        CU_ASSERT_TRUE(env_assignment_is_valid("_x1="));
        CU_ASSERT_TRUE(env_assignment_is_valid("TAB=a\tb\nc")); /* control characters in values are allowed */
        CU_ASSERT_TRUE(env_assignment_is_valid("U=\xc3\xa9"));
        CU_ASSERT_FALSE(env_assignment_is_valid("U=\xc3"));
        CU_ASSERT_FALSE(env_assignment_is_valid("1A=x"));
        CU_ASSERT_FALSE(env_assignment_is_valid("A-B=x"));
        CU_ASSERT_FALSE(env_assignment_is_valid("=x"));
        CU_ASSERT_FALSE(env_assignment_is_valid("FOO"));
        CU_ASSERT_TRUE(env_assignments_are_valid(NULL));
        CU_ASSERT_FALSE(env_assignments_are_valid((char *[]) { "A=1", "A=2", NULL }));
        CU_ASSERT_TRUE(env_assignments_are_valid((char *[]) { "A=1", "AB=2", NULL }));
        CU_ASSERT_TRUE(env_names_or_assignments_are_valid((char *[]) { "A", "B=1", NULL }));
        CU_ASSERT_FALSE(env_names_or_assignments_are_valid((char *[]) { "A", "A", NULL }));
        CU_ASSERT_FALSE(env_names_or_assignments_are_valid((char *[]) { "A B", NULL }));
}

static const struct test_case tests[] = {
        { "invocation_id_is_one_per_start", test_invocation_id_is_one_per_start },
        { "invocation_id_is_new_on_restart", test_invocation_id_is_new_on_restart },
        { "block_starts_with_the_default_path", test_block_starts_with_the_default_path },
        { "set_environment_reaches_later_commands", test_set_environment_reaches_later_commands },
        { "unit_environment_overrides_the_block", test_unit_environment_overrides_the_block },
        { "names_weft_sets_are_dropped", test_names_weft_sets_are_dropped },
        { "unset_environment_removes_by_name_or_exact_assignment",
          test_unset_environment_removes_by_name_or_exact_assignment },
        { "unset_of_a_default_leaves_it", test_unset_of_a_default_leaves_it },
        { "invalid_input_changes_nothing", test_invalid_input_changes_nothing },
        { "only_root_changes_the_block", test_only_root_changes_the_block },
        { "unset_and_set_is_one_step", test_unset_and_set_is_one_step },
        { "daemon_reload_keeps_the_block", test_daemon_reload_keeps_the_block },
        { "assignment_checks_are_systemds", test_assignment_checks_are_systemds },
        { 0 },
};
TEST_SUITE("manager_env", tests);
