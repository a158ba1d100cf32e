/* Tests for building spawn requests from units (workers/exec_context.c):
 * each test loads a small unit from a scratch directory, builds the
 * request for its ExecStart= and checks what the child would get: the
 * environment, argv, program path, credentials, working directory, stdio
 * fds (written through and read back) and limits. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/load.h"
#include "test/unit/test.h"
#include "workers/exec_context.h"

struct fixture {
        struct unit_table table;
        struct unit_path_index *index;
        struct load_context ctx;
        const char *dir;
        struct unit *unit;
        struct exec_params params;
};

/* Load NAME.service with the given [Service] body from a fresh directory. */
static void load(struct fixture *f, const char *service_body)
{
        static char dir[256];
        char *content;

        snprintf(dir, sizeof dir, "%s", test_tmpdir());
        CU_ASSERT_FATAL(asprintf(&content, "[Service]\n%s", service_body) > 0);
        test_write_file(dir, "a.service", content);
        free(content);

        char *dirs[] = { dir, NULL };
        unit_table_init(&f->table);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &f->index) == 0);
        f->ctx = (struct load_context) { .table = &f->table, .index = f->index };
        CU_ASSERT_FATAL(unit_table_intern(&f->table, "a.service", &f->unit) == 0);
        log_set_level(LOG_LEVEL_ERROR - 1);
        CU_ASSERT_FATAL(unit_load_all(&f->ctx) == 0);
        log_set_level(LOG_LEVEL_INFO);
        f->unit = unit_table_get(&f->table, "a.service");
        CU_ASSERT_FATAL(f->unit && f->unit->load_state == UNIT_LOADED);
        f->dir = dir;
        f->params = (struct exec_params) { .unit_id = "a.service" };
}

static void done(struct fixture *f)
{
        unit_table_done(&f->table);
        unit_path_index_free(f->index);
}

static const struct exec_context *ctx_of(struct fixture *f)
{
        return &f->unit->service->exec_ctx;
}

/* Build the request for ExecStart=, quietly (failures are what some tests expect). */
static int build(struct fixture *f, struct spawn_request **ret)
{
        log_set_level(LOG_LEVEL_ERROR - 1);
        int r = exec_build_request(f->unit, ctx_of(f), f->unit->service->exec_start, &f->params,
                                   ret);
        log_set_level(LOG_LEVEL_INFO);
        return r;
}

static struct spawn_request *build_ok(struct fixture *f)
{
        struct spawn_request *req = NULL;
        CU_ASSERT_EQUAL_FATAL(build(f, &req), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(req);
        return req;
}

/* The value of name in env, or NULL. */
static const char *env_get(char *const *env, const char *name)
{
        size_t n = strlen(name);
        STRV_FOREACH(e, env)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        return *e + n + 1;
        return NULL;
}

static size_t env_count(char *const *env, const char *name)
{
        size_t n = strlen(name), k = 0;
        STRV_FOREACH(e, env)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        k++;
        return k;
}

/* Write s through fd and return the whole file at path (static buffer). */
static const char *write_and_read_back(int fd, const char *s, const char *path)
{
        static char buf[256];
        CU_ASSERT_EQUAL(write(fd, s, strlen(s)), (ssize_t) strlen(s));
        FILE *in = fopen(path, "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(in);
        size_t n = fread(buf, 1, sizeof buf - 1, in);
        buf[n] = 0;
        fclose(in);
        return buf;
}

static bool same_file(int a, int b)
{
        struct stat sa, sb;
        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* ---- environment ---- */

static void test_environment_is_clean_with_manager_variables(void)
{
        struct fixture f;
        setenv("WEFT_TEST_MANAGER_ONLY", "1", 1);
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        char pid[32];
        snprintf(pid, sizeof pid, "%ld", (long) getpid());
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "PATH"),
                               "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "MANAGERPID"), pid);
        CU_ASSERT_PTR_NULL(env_get(req->envp, "WEFT_TEST_MANAGER_ONLY"));
        CU_ASSERT_PTR_NULL(env_get(req->envp, "USER"));
        CU_ASSERT_PTR_NULL(env_get(req->envp, "LISTEN_FDS"));
        unsetenv("WEFT_TEST_MANAGER_ONLY");
        spawn_request_free(req);
        done(&f);
}

static void test_invocation_id_is_32_hex_chars_or_the_given_one(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        const char *id = env_get(req->envp, "INVOCATION_ID");
        CU_ASSERT_PTR_NOT_NULL_FATAL(id);
        CU_ASSERT_EQUAL(strlen(id), 32);
        CU_ASSERT_EQUAL(strspn(id, "0123456789abcdef"), 32);
        spawn_request_free(req);

        f.params.invocation_id = "0123456789abcdef0123456789abcdef";
        req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "INVOCATION_ID"), "0123456789abcdef0123456789abcdef");
        spawn_request_free(req);
        done(&f);
}

static void test_lang_comes_from_the_manager(void)
{
        struct fixture f;
        char *saved = getenv("LANG") ? strdup(getenv("LANG")) : NULL;
        setenv("LANG", "C.UTF-8", 1);
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "LANG"), "C.UTF-8");
        spawn_request_free(req);
        if (saved)
                setenv("LANG", saved, 1);
        else
                unsetenv("LANG");
        free(saved);
        done(&f);
}

static void test_environment_later_assignment_wins(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nEnvironment=A=1 \"B=two words\"\nEnvironment=A=3\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "3");
        CU_ASSERT_EQUAL(env_count(req->envp, "A"), 1);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "B"), "two words");
        spawn_request_free(req);
        done(&f);
}

/* The index of name's entry in env, or -1. */
static long env_index(char *const *env, const char *name)
{
        size_t n = strlen(name);
        for (long i = 0; env && env[i]; i++)
                if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
                        return i;
        return -1;
}

static void test_environment_empty_assignment_resets_then_later_lines_count(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nEnvironment=A=1 B=2\nEnvironment=\nEnvironment=C=3\nEnvironment=A=4\n");
        char **env = ctx_of(&f)->environment;
        CU_ASSERT_EQUAL(strv_length(env), 2);
        CU_ASSERT_STRING_EQUAL(env[0], "C=3");
        CU_ASSERT_STRING_EQUAL(env[1], "A=4");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_PTR_NULL(env_get(req->envp, "B"));
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "4");
        spawn_request_free(req);
        done(&f);
}

/* systemd's strv_env_replace: a reassigned name keeps its first place. */
static void test_environment_reassigned_name_keeps_its_first_place(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nEnvironment=A=1\nEnvironment=B=2\nEnvironment=A=3 C=4\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "3");
        CU_ASSERT_TRUE(env_index(req->envp, "A") < env_index(req->envp, "B"));
        CU_ASSERT_TRUE(env_index(req->envp, "B") < env_index(req->envp, "C"));
        spawn_request_free(req);
        done(&f);
}

/* B7: 100,000 lines, distinct names but every 100th reassigning R. Built
 * quadratically this took a minute; it must be right, and it is quick. */
static void test_environment_of_100000_lines_has_each_name_once_with_its_last_value(void)
{
        enum { LINES = 100000 };
        size_t size = (size_t) LINES * 32 + 64, len = 0;
        char *body = malloc(size);
        CU_ASSERT_FATAL(body != NULL);
        len += snprintf(body + len, size - len, "ExecStart=/bin/true\n");
        for (unsigned i = 1; i <= LINES; i++)
                len += i % 100 == 0 ? snprintf(body + len, size - len, "Environment=R=%u\n", i)
                                    : snprintf(body + len, size - len, "Environment=V%u=x%u\n", i, i);
        struct fixture f;
        load(&f, body);
        free(body);
        CU_ASSERT_EQUAL(strv_length(ctx_of(&f)->environment), LINES - LINES / 100 + 1);
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "R"), "100000");
        CU_ASSERT_EQUAL(env_count(req->envp, "R"), 1);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "V1"), "x1");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "V99999"), "x99999");
        CU_ASSERT_PTR_NULL(env_get(req->envp, "V100"));
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "PATH"),
                               "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        spawn_request_free(req);
        done(&f);
}

/* EnvironmentFile= names a file in the unit's own scratch directory. */
static void load_with_env_file(struct fixture *f, const char *extra, const char *file_content)
{
        char dir[256], *body;
        snprintf(dir, sizeof dir, "%s", test_tmpdir());
        const char *path = test_write_file(dir, "vars.env", file_content);
        CU_ASSERT_FATAL(asprintf(&body, "ExecStart=/bin/true\nEnvironmentFile=%s\n%s", path, extra) > 0);
        load(f, body);
        free(body);
}

static void test_environment_file_overrides_environment(void)
{
        struct fixture f;
        load_with_env_file(&f, "Environment=A=unit B=unit\n", "A=file\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "file");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "B"), "unit");
        spawn_request_free(req);
        done(&f);
}

static void test_environment_file_quoting_rules(void)
{
        struct fixture f;
        load_with_env_file(&f, "",
                           "# comment=no\n"
                           "; also=no\n"
                           "\n"
                           "not an assignment\n"
                           "  PLAIN =  spaced value  \n"
                           "SINGLE='it''s $HOME \\n'\n"
                           "DOUBLE=\"a \\\"q\\\" \\\\ \\$x \\n\"\n"
                           "ESCAPED=a\\ b\\#c\n"
                           "CONT=one \\\ntwo\n"
                           "EMPTY=\n"
                           "1BAD=x\n"
                           "JOINED=\"x\"'y'z\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "PLAIN"), "spaced value");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "SINGLE"), "its $HOME \\n");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "DOUBLE"), "a \"q\" \\ $x \\n");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "ESCAPED"), "a b#c");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "CONT"), "one two");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "EMPTY"), "");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "JOINED"), "xyz");
        CU_ASSERT_PTR_NULL(env_get(req->envp, "# comment"));
        CU_ASSERT_PTR_NULL(env_get(req->envp, "; also"));
        CU_ASSERT_PTR_NULL(env_get(req->envp, "1BAD"));
        spawn_request_free(req);
        done(&f);
}

static void test_environment_file_continuation_inside_double_quotes(void)
{
        struct fixture f;
        load_with_env_file(&f, "", "A=\"x\\\ny\"\nB=1");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "xy");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "B"), "1"); /* last line without a newline */
        spawn_request_free(req);
        done(&f);
}

static void test_environment_file_missing_with_dash_is_fine(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nEnvironmentFile=-/nonexistent/weft.env\nEnvironment=A=1\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "1");
        spawn_request_free(req);
        done(&f);
}

static void test_environment_file_missing_without_dash_fails(void)
{
        struct fixture f;
        struct spawn_request *req = NULL;
        load(&f, "ExecStart=/bin/true\nEnvironmentFile=/nonexistent/weft.env\n");
        CU_ASSERT_EQUAL(build(&f, &req), -ENOENT);
        CU_ASSERT_PTR_NULL(req);
        done(&f);
}

static void test_environment_files_apply_in_order_and_globs_sort(void)
{
        struct fixture f;
        char dir[256], *body;
        snprintf(dir, sizeof dir, "%s", test_tmpdir());
        test_write_file(dir, "env.d/10-a.env", "A=10\nB=10\n");
        test_write_file(dir, "env.d/20-b.env", "A=20\n");
        test_write_file(dir, "last.env", "B=last\n");
        CU_ASSERT_FATAL(asprintf(&body, "ExecStart=/bin/true\nEnvironmentFile=%s/env.d/*.env\nEnvironmentFile=%s/last.env\n",
                                 dir, dir) > 0);
        load(&f, body);
        free(body);
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "20");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "B"), "last");
        spawn_request_free(req);
        done(&f);
}

static void test_pass_environment_copies_from_manager_below_environment(void)
{
        struct fixture f;
        setenv("WEFT_PASSED", "from-manager", 1);
        setenv("WEFT_OVERRIDDEN", "from-manager", 1);
        load(&f, "ExecStart=/bin/true\nPassEnvironment=WEFT_PASSED WEFT_OVERRIDDEN WEFT_ABSENT\n"
                 "Environment=WEFT_OVERRIDDEN=from-unit\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "WEFT_PASSED"), "from-manager");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "WEFT_OVERRIDDEN"), "from-unit");
        CU_ASSERT_PTR_NULL(env_get(req->envp, "WEFT_ABSENT"));
        unsetenv("WEFT_PASSED");
        unsetenv("WEFT_OVERRIDDEN");
        spawn_request_free(req);
        done(&f);
}

static void test_unset_environment_removes_names_and_exact_assignments(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nEnvironment=A=1 B=2 C=3\nUnsetEnvironment=A B=2 C=other MANAGERPID\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_PTR_NULL(env_get(req->envp, "A"));
        CU_ASSERT_PTR_NULL(env_get(req->envp, "B"));
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "C"), "3");
        CU_ASSERT_PTR_NULL(env_get(req->envp, "MANAGERPID"));
        CU_ASSERT_PTR_NOT_NULL(env_get(req->envp, "PATH"));
        spawn_request_free(req);
        done(&f);
}

static void test_extra_env_comes_last(void)
{
        struct fixture f;
        char *extra[] = { "MAINPID=42", "A=manager", NULL };
        load(&f, "ExecStart=/bin/true\nEnvironment=A=unit MAINPID=1\n");
        f.params.extra_env = extra;
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "MAINPID"), "42");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "A"), "manager");
        CU_ASSERT_EQUAL(env_count(req->envp, "A"), 1);
        spawn_request_free(req);
        done(&f);
}

static void test_exec_build_environment_matches_the_request(void)
{
        struct fixture f;
        char **env = NULL;
        load(&f, "ExecStart=/bin/true\nEnvironment=A=1\n");
        f.params.invocation_id = "0123456789abcdef0123456789abcdef";
        CU_ASSERT_EQUAL_FATAL(exec_build_environment(f.unit, ctx_of(&f), &f.params, &env), 0);
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL(strv_length(env), strv_length(req->envp));
        STRV_FOREACH(e, env)
                CU_ASSERT_TRUE(strv_contains(req->envp, *e));
        strv_free(env);
        spawn_request_free(req);
        done(&f);
}

/* ---- socket activation ---- */

static void test_listen_fds_are_duplicated_from_fd_3_with_their_variables(void)
{
        struct fixture f;
        int pipefd[2];
        CU_ASSERT_FATAL(pipe(pipefd) == 0);
        load(&f, "ExecStart=/bin/true\n");
        f.params.listen_fds = pipefd;
        f.params.n_listen_fds = 2;
        f.params.listen_fdnames = "r:w";
        f.params.listen_pid = true;
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL_FATAL(req->n_fds, 5);
        CU_ASSERT_TRUE(req->owns_fds);
        CU_ASSERT_NOT_EQUAL(req->fds[3], pipefd[0]);
        CU_ASSERT_TRUE(same_file(req->fds[3], pipefd[0]));
        CU_ASSERT_TRUE(same_file(req->fds[4], pipefd[1]));
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "LISTEN_FDS"), "2");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "LISTEN_FDNAMES"), "r:w");
        CU_ASSERT_TRUE(strv_contains(req->envp, "LISTEN_PID="));
        int dup3 = req->fds[3];
        spawn_request_free(req);
        CU_ASSERT_EQUAL(fcntl(dup3, F_GETFD), -1); /* the request's copy is closed with it */
        CU_ASSERT_EQUAL(fcntl(pipefd[0], F_GETFD), 0); /* the caller's copies stay open */
        close(pipefd[0]);
        close(pipefd[1]);
        done(&f);
}

/* ---- argv and program ---- */

static void test_argv_expands_variables(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/echo $WORDS x${ONE}y $$\nEnvironment=\"WORDS=a b\" \"ONE=1 2\"\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL_FATAL(strv_length(req->argv), 5);
        CU_ASSERT_STRING_EQUAL(req->argv[0], "/bin/echo");
        CU_ASSERT_STRING_EQUAL(req->argv[1], "a");
        CU_ASSERT_STRING_EQUAL(req->argv[2], "b");
        CU_ASSERT_STRING_EQUAL(req->argv[3], "x1 2y");
        CU_ASSERT_STRING_EQUAL(req->argv[4], "$");
        spawn_request_free(req);
        done(&f);
}

static void test_argv_sees_environment_file_values(void)
{
        struct fixture f;
        /* Replace ExecStart= by one that uses the file's variable (the
         * loaded command itself is read only: one block, see
         * exec_command_pack_list). */
        load_with_env_file(&f, "ExecStart=\nExecStart=/bin/true ${FROM_FILE}\n", "FROM_FILE=yes\n");
        CU_ASSERT(f.unit->service->exec_start->packed);
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(req->argv[1], "yes");
        spawn_request_free(req);
        done(&f);
}

static void test_bare_program_is_resolved_to_an_absolute_path(void)
{
        struct fixture f;
        load(&f, "ExecStart=true\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL(req->path[0], '/');
        CU_ASSERT_STRING_EQUAL(strrchr(req->path, '/'), "/true");
        CU_ASSERT_EQUAL(access(req->path, X_OK), 0);
        CU_ASSERT_STRING_EQUAL(req->argv[0], "true");
        spawn_request_free(req);
        done(&f);
}

/* As under systemd, a missing program is found out by execve in the child
 * (exit status 203), so a Type=simple unit still counts as started. */
static void test_missing_program_is_left_to_execve(void)
{
        struct fixture f;
        struct spawn_request *req = NULL;
        load(&f, "ExecStart=weft-no-such-program\n");
        CU_ASSERT_EQUAL(build(&f, &req), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(req);
        CU_ASSERT_STRING_EQUAL(req->path, "weft-no-such-program");
        spawn_request_free(req);
        done(&f);
}

/* ---- credentials and working directory ---- */

static void test_no_user_or_group_sets_no_credentials(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_FALSE(req->set_credentials);
        CU_ASSERT_PTR_NULL(req->cwd); /* "/" */
        spawn_request_free(req);
        done(&f);
}

static void test_user_nobody_sets_ids_and_environment(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nUser=nobody\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_TRUE(req->set_credentials);
        CU_ASSERT_EQUAL(req->uid, 65534);
        CU_ASSERT_EQUAL(req->gid, 65534);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "USER"), "nobody");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "LOGNAME"), "nobody");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "HOME"), "/nonexistent");
        CU_ASSERT_PTR_NOT_NULL(env_get(req->envp, "SHELL"));
        spawn_request_free(req);
        done(&f);
}

static void test_numeric_user_is_looked_up(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nUser=65534\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL(req->uid, 65534);
        CU_ASSERT_EQUAL(req->gid, 65534);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "USER"), "nobody");
        spawn_request_free(req);
        done(&f);
}

static void test_numeric_user_without_passwd_entry_runs_with_its_group(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nUser=54321\nGroup=54322\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL(req->uid, 54321);
        CU_ASSERT_EQUAL(req->gid, 54322);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "USER"), "54321");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "HOME"), "/");
        spawn_request_free(req);
        done(&f);
}

static void test_unknown_user_is_esrch(void)
{
        struct fixture f;
        struct spawn_request *req = NULL;
        load(&f, "ExecStart=/bin/true\nUser=weft-no-such-user\n");
        CU_ASSERT_EQUAL(build(&f, &req), -ESRCH);
        CU_ASSERT_PTR_NULL(req);
        done(&f);
}

static void test_unknown_group_is_esrch(void)
{
        struct fixture f;
        struct spawn_request *req = NULL;
        load(&f, "ExecStart=/bin/true\nGroup=weft-no-such-group\n");
        CU_ASSERT_EQUAL(build(&f, &req), -ESRCH);
        done(&f);
}

static void test_group_alone_keeps_the_managers_uid(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nGroup=65534\nSupplementaryGroups=0 65534\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_TRUE(req->set_credentials);
        CU_ASSERT_EQUAL(req->uid, getuid());
        CU_ASSERT_EQUAL(req->gid, 65534);
        CU_ASSERT_EQUAL_FATAL(req->n_groups, 2);
        CU_ASSERT_EQUAL(req->groups[0], 0);
        CU_ASSERT_EQUAL(req->groups[1], 65534);
        CU_ASSERT_PTR_NULL(env_get(req->envp, "USER"));
        spawn_request_free(req);
        done(&f);
}

static void test_plus_prefix_skips_the_user_switch(void)
{
        struct fixture f;
        load(&f, "ExecStart=+/bin/true\nUser=nobody\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_FALSE(req->set_credentials);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "USER"), "nobody");
        spawn_request_free(req);
        done(&f);
}

static void test_working_directory_tilde_is_the_users_home(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nUser=nobody\nWorkingDirectory=-~\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(req->cwd, "/nonexistent");
        CU_ASSERT_TRUE(req->cwd_missing_ok);
        spawn_request_free(req);
        done(&f);
}

static void test_working_directory_tilde_without_user_is_roots_home(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nWorkingDirectory=~\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(req->cwd, "/root");
        CU_ASSERT_FALSE(req->cwd_missing_ok);
        spawn_request_free(req);
        done(&f);
}

/* ---- stdio ---- */

static void test_stdin_null_and_default_stdout_go_to_dev_null_and_the_log(void)
{
        struct fixture f;
        char logdir[300];
        load(&f, "ExecStart=/bin/true\n");
        snprintf(logdir, sizeof logdir, "%s/log/sub", f.dir);
        f.params.log_dir = logdir;
        struct spawn_request *req = build_ok(&f);
        char path[400];
        snprintf(path, sizeof path, "%s/a.service.log", logdir);
        CU_ASSERT_EQUAL(req->fds[0], -1);
        CU_ASSERT_STRING_EQUAL(write_and_read_back(req->fds[1], "out\n", path), "out\n");
        CU_ASSERT_STRING_EQUAL(write_and_read_back(req->fds[2], "err\n", path), "out\nerr\n");
        struct stat st;
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
        CU_ASSERT_EQUAL(stat(logdir, &st), 0);
        CU_ASSERT_EQUAL(st.st_mode & 0777, 0755);
        spawn_request_free(req);
        done(&f);
}

static void test_stdout_journal_appends_to_an_existing_log(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nStandardOutput=journal\nStandardError=null\n");
        f.params.log_dir = f.dir;
        const char *path = test_write_file(f.dir, "a.service.log", "old\n");
        char copy[400];
        snprintf(copy, sizeof copy, "%s", path);
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL(req->fds[2], -1);
        CU_ASSERT_STRING_EQUAL(write_and_read_back(req->fds[1], "new\n", copy), "old\nnew\n");
        spawn_request_free(req);
        done(&f);
}

/* StandardOutput=PREFIX:DIR/out over "0123456789", then "ab" written. */
static const char *write_over_existing(const char *prefix, const char *stderr_setting)
{
        static char result[256];
        struct fixture f;
        char path[300], *body;
        snprintf(path, sizeof path, "%s/out", test_tmpdir());
        FILE *o = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        fputs("0123456789", o);
        fclose(o);
        CU_ASSERT_FATAL(asprintf(&body, "ExecStart=/bin/true\nStandardOutput=%s%s\n%s\n", prefix, path,
                                 stderr_setting) > 0);
        load(&f, body);
        free(body);
        struct spawn_request *req = build_ok(&f);
        snprintf(result, sizeof result, "%s", write_and_read_back(req->fds[1], "ab", path));
        spawn_request_free(req);
        done(&f);
        return result;
}

static void test_stdout_file_writes_from_the_start_without_truncating(void)
{
        CU_ASSERT_STRING_EQUAL(write_over_existing("file:", ""), "ab23456789");
}

static void test_stdout_append_writes_at_the_end(void)
{
        CU_ASSERT_STRING_EQUAL(write_over_existing("append:", ""), "0123456789ab");
}

static void test_stdout_truncate_empties_the_file(void)
{
        CU_ASSERT_STRING_EQUAL(write_over_existing("truncate:", ""), "ab");
}

static void test_stdout_file_is_created_with_umask_applied(void)
{
        struct fixture f;
        char path[300], *body;
        snprintf(path, sizeof path, "%s/new", test_tmpdir());
        CU_ASSERT_FATAL(asprintf(&body, "ExecStart=/bin/true\nUMask=0027\nStandardOutput=file:%s\n", path) > 0);
        load(&f, body);
        free(body);
        struct spawn_request *req = build_ok(&f);
        struct stat st;
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
        CU_ASSERT_EQUAL(fcntl(req->fds[1], F_GETFL) & O_ACCMODE, O_WRONLY);
        spawn_request_free(req);
        done(&f);
}

static void test_stderr_inherit_shares_stdouts_file(void)
{
        struct fixture f;
        char path[300], *body;
        snprintf(path, sizeof path, "%s/both", test_tmpdir());
        CU_ASSERT_FATAL(asprintf(&body, "ExecStart=/bin/true\nStandardOutput=file:%s\n", path) > 0);
        load(&f, body);
        free(body);
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_NOT_EQUAL(req->fds[1], req->fds[2]);
        write_and_read_back(req->fds[1], "out ", path);
        /* One open file: stderr continues where stdout stopped. */
        CU_ASSERT_STRING_EQUAL(write_and_read_back(req->fds[2], "err", path), "out err");
        spawn_request_free(req);
        done(&f);
}

static void test_stdin_file_is_opened_read_only(void)
{
        struct fixture f;
        char dir[256], *body;
        snprintf(dir, sizeof dir, "%s", test_tmpdir());
        const char *path = test_write_file(dir, "in", "input");
        CU_ASSERT_FATAL(asprintf(&body, "ExecStart=/bin/true\nStandardInput=file:%s\nStandardOutput=null\n", path) > 0);
        load(&f, body);
        free(body);
        struct spawn_request *req = build_ok(&f);
        char buf[16] = { 0 };
        CU_ASSERT_EQUAL(fcntl(req->fds[0], F_GETFL) & O_ACCMODE, O_RDONLY);
        CU_ASSERT_EQUAL(read(req->fds[0], buf, sizeof buf - 1), 5);
        CU_ASSERT_STRING_EQUAL(buf, "input");
        CU_ASSERT_EQUAL(req->fds[1], -1);
        CU_ASSERT_EQUAL(req->fds[2], -1);
        spawn_request_free(req);
        done(&f);
}

static void test_stdin_socket_without_a_connection_is_refused(void)
{
        struct fixture f;
        struct spawn_request *req = NULL;
        load(&f, "ExecStart=/bin/true\nStandardInput=socket\n");
        CU_ASSERT_EQUAL(build(&f, &req), -ENOTCONN);
        CU_ASSERT_PTR_NULL(req);
        done(&f);
}

/* Accept=yes: the connection is stdin, and stdout inherits it. */
static void test_stdin_socket_is_the_connection(void)
{
        struct fixture f;
        int sv[2];
        CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
        load(&f, "ExecStart=/bin/true\nStandardInput=socket\n");
        f.params.has_socket = true;
        f.params.socket_fd = sv[0];
        struct spawn_request *req = build_ok(&f);
        struct stat a, b, c;
        CU_ASSERT_FATAL(fstat(sv[0], &a) == 0 && fstat(req->fds[0], &b) == 0 && fstat(req->fds[1], &c) == 0);
        CU_ASSERT_EQUAL(a.st_ino, b.st_ino);
        CU_ASSERT_EQUAL(a.st_ino, c.st_ino);
        CU_ASSERT_NOT_EQUAL(req->fds[0], sv[0]); /* a copy the request owns */
        spawn_request_free(req);
        close(sv[0]);
        close(sv[1]);
        done(&f);
}

static void test_every_fd_is_close_on_exec(void)
{
        struct fixture f;
        char path[300], *body;
        snprintf(path, sizeof path, "%s/out", test_tmpdir());
        CU_ASSERT_FATAL(asprintf(&body, "ExecStart=/bin/true\nStandardOutput=append:%s\nStandardError=inherit\n", path) > 0);
        load(&f, body);
        free(body);
        struct spawn_request *req = build_ok(&f);
        for (unsigned i = 0; i < req->n_fds; i++)
                if (req->fds[i] >= 0)
                        CU_ASSERT_TRUE(fcntl(req->fds[i], F_GETFD) & FD_CLOEXEC);
        spawn_request_free(req);
        done(&f);
}

/* ---- limits and process settings ---- */

static void test_limits_and_process_settings_are_copied(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nLimitNOFILE=1234\nLimitCORE=infinity\nUMask=0077\nNice=5\n"
                 "OOMScoreAdjust=-100\nIgnoreSIGPIPE=no\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL(req->rlimit_set, (1u << RLIMIT_NOFILE) | (1u << RLIMIT_CORE));
        CU_ASSERT_EQUAL(req->rlimits[RLIMIT_NOFILE].rlim_cur, 1234);
        CU_ASSERT_EQUAL(req->rlimits[RLIMIT_NOFILE].rlim_max, 1234);
        CU_ASSERT_EQUAL(req->rlimits[RLIMIT_CORE].rlim_max, RLIM_INFINITY);
        CU_ASSERT_EQUAL(req->umask, 0077);
        CU_ASSERT_TRUE(req->nice_set);
        CU_ASSERT_EQUAL(req->nice, 5);
        CU_ASSERT_TRUE(req->oom_score_adjust_set);
        CU_ASSERT_EQUAL(req->oom_score_adjust, -100);
        CU_ASSERT_FALSE(req->ignore_sigpipe);
        CU_ASSERT_TRUE(req->new_session);
        spawn_request_free(req);
        done(&f);
}

/* So the worker's "Failed at step ..." line names the unit (issue 8). */
static void test_request_names_its_unit_for_messages(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_PTR_NOT_NULL_FATAL(req->unit_id);
        CU_ASSERT_STRING_EQUAL(req->unit_id, "a.service");
        spawn_request_free(req);
        done(&f);
}

/* systemd's fallback_rlimit_nofile(): soft at most 1024, hard at least
 * 524288 and at most weft's own. */
static void test_nofile_default_is_systemds(void)
{
        static const struct {
                struct rlimit inherited;
                rlim_t hard_now;
                struct rlimit want;
        } cases[] = {
                { { 1024, 4096 }, 1048576, { 1024, 524288 } },       /* a VM's PID 1, raised */
                { { 8192, 8192 }, 1048576, { 1024, 524288 } },       /* soft above 1024: lowered */
                { { 512, 4096 }, 1048576, { 512, 524288 } },         /* soft below 1024: kept */
                { { 1024, 1048576 }, 1048576, { 1024, 1048576 } },   /* a container's higher hard: kept */
                { { 1024, 4096 }, 4096, { 1024, 4096 } },            /* could not raise: never above */
                { { 8192, 8192 }, 100000, { 1024, 100000 } },        /* fs.nr_open below 524288 */
                { { 1024, 1024 }, 512, { 512, 512 } },               /* hard now below 1024 */
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct rlimit got = exec_nofile_default(cases[i].inherited, cases[i].hard_now);
                CU_ASSERT_EQUAL(got.rlim_cur, cases[i].want.rlim_cur);
                CU_ASSERT_EQUAL(got.rlim_max, cases[i].want.rlim_max);
        }
}

/* Without LimitNOFILE= only DefaultLimitNOFILE= (when it differs from
 * weft's own limit); `weft -- CMD`'s CMD keeps weft's, as under tini. */
static void test_defaults_ignore_sigpipe_and_set_no_limits(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        struct rlimit now;
        CU_ASSERT_FATAL(getrlimit(RLIMIT_NOFILE, &now) == 0);
        struct rlimit want = exec_nofile_default(now, now.rlim_max);
        bool differs = want.rlim_cur != now.rlim_cur || want.rlim_max != now.rlim_max;
        CU_ASSERT_EQUAL(req->rlimit_set, differs ? 1u << RLIMIT_NOFILE : 0);
        if (differs) {
                CU_ASSERT_EQUAL(req->rlimits[RLIMIT_NOFILE].rlim_cur, want.rlim_cur);
                CU_ASSERT_EQUAL(req->rlimits[RLIMIT_NOFILE].rlim_max, want.rlim_max);
        }
        CU_ASSERT_EQUAL(req->umask, 0022);
        CU_ASSERT_FALSE(req->nice_set);
        CU_ASSERT_FALSE(req->oom_score_adjust_set);
        CU_ASSERT_TRUE(req->ignore_sigpipe);
        CU_ASSERT_EQUAL(req->n_fds, 3);
        spawn_request_free(req);
        f.params.container_main = true;
        req = build_ok(&f);
        CU_ASSERT_EQUAL(req->rlimit_set, 0);
        spawn_request_free(req);
        done(&f);
}

/* ---- RuntimeDirectory=, StateDirectory=... (issue 13) ---- */

static void test_exec_directories_are_built_under_their_roots_in_order(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nUser=nobody\nRuntimeDirectory=foo bar/baz\nRuntimeDirectoryMode=0750\n"
                 "StateDirectory=st\nCacheDirectory=ca\nLogsDirectory=lg\nLogsDirectoryMode=711\n"
                 "ConfigurationDirectory=cfg\n");
        struct spawn_request *req = build_ok(&f);
        static const struct { const char *path; mode_t mode; int status; bool keep; } want[] = {
                { "/run/foo", 0750, 233, false },     { "/run/bar/baz", 0750, 233, false },
                { "/var/lib/st", 0755, 238, false },  { "/var/cache/ca", 0755, 239, false },
                { "/var/log/lg", 0711, 240, false },  { "/etc/cfg", 0755, 241, true },
        };
        CU_ASSERT_EQUAL_FATAL(req->n_dirs, ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                CU_ASSERT_STRING_EQUAL(req->dirs[i].path, want[i].path);
                CU_ASSERT_EQUAL(req->dirs[i].mode, want[i].mode);
                CU_ASSERT_EQUAL(req->dirs[i].status, want[i].status);
                CU_ASSERT_EQUAL(req->dirs[i].keep_existing, want[i].keep);
        }
        CU_ASSERT_EQUAL(req->dirs_uid, 65534);
        CU_ASSERT_EQUAL(req->dirs_gid, 65534);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "RUNTIME_DIRECTORY"), "/run/foo:/run/bar/baz");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "STATE_DIRECTORY"), "/var/lib/st");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "CACHE_DIRECTORY"), "/var/cache/ca");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "LOGS_DIRECTORY"), "/var/log/lg");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "CONFIGURATION_DIRECTORY"), "/etc/cfg");
        spawn_request_free(req);
        done(&f);
}

/* systemd chowns to User= even for "+" commands, and a later Environment= wins. */
static void test_exec_directories_keep_the_owner_for_plus_and_yield_to_environment(void)
{
        struct fixture f;
        load(&f, "ExecStart=+/bin/true\nUser=nobody\nRuntimeDirectory=a\nEnvironment=RUNTIME_DIRECTORY=/x\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_FALSE(req->set_credentials);
        CU_ASSERT_EQUAL_FATAL(req->n_dirs, 1);
        CU_ASSERT_EQUAL(req->dirs_uid, 65534);
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "RUNTIME_DIRECTORY"), "/x");
        spawn_request_free(req);
        done(&f);
}

/* LoadCredential=ID[:SOURCE] and SetCredential=ID:DATA as systemd 252
 * parses them: bad IDs and sources are dropped, a later ID replaces the
 * earlier one, an empty value resets, DATA's escapes are decoded. */
static void test_credentials_are_parsed_as_systemd(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nUser=nobody\n"
                 "LoadCredential=gone:/x\nLoadCredential=\n"
                 "LoadCredential=a:/etc/a\nLoadCredential=sys\nLoadCredential=alias:sys\n"
                 "LoadCredential=a:/etc/b\nLoadCredential=bad/id:/x\nLoadCredential=b:rel/path\n"
                 "LoadCredential=..:/x\nLoadCredential=:/x\n"
                 "SetCredential=s:tab\\there\\x21\nSetCredential=a:fallback\nSetCredential=nocolon\n"
                 "SetCredential=e:\nSetCredential=s:again\\n\nSetCredential=q:bad\\x00\n");
        const struct exec_extra *x = exec_extra(ctx_of(&f));
        CU_ASSERT_EQUAL_FATAL(strv_length(x->load_credential), 3);
        CU_ASSERT_STRING_EQUAL(x->load_credential[0], "a:/etc/b");
        CU_ASSERT_STRING_EQUAL(x->load_credential[1], "sys:sys");
        CU_ASSERT_STRING_EQUAL(x->load_credential[2], "alias:sys");
        CU_ASSERT_EQUAL_FATAL(strv_length(x->set_credential), 3);
        CU_ASSERT_STRING_EQUAL(x->set_credential[0], "s:again\n");
        CU_ASSERT_STRING_EQUAL(x->set_credential[1], "a:fallback");
        CU_ASSERT_STRING_EQUAL(x->set_credential[2], "e:");
        CU_ASSERT_EQUAL(f.ctx.n_warnings, 6);

        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_STRING_EQUAL(req->cred_dir, "/run/credentials/a.service");
        CU_ASSERT_STRING_EQUAL(env_get(req->envp, "CREDENTIALS_DIRECTORY"), "/run/credentials/a.service");
        CU_ASSERT_EQUAL(req->dirs_uid, 65534);
        CU_ASSERT_EQUAL_FATAL(req->n_creds, 6);
        CU_ASSERT_STRING_EQUAL(req->creds[0].id, "a");
        CU_ASSERT_STRING_EQUAL(req->creds[0].path, "/etc/b");
        CU_ASSERT_FALSE(req->creds[0].is_system);
        CU_ASSERT_TRUE(req->creds[0].missing_ok); /* SetCredential=a: is its fallback */
        CU_ASSERT_STRING_EQUAL(req->creds[1].path, "/run/credentials/@system/sys");
        CU_ASSERT_TRUE(req->creds[1].is_system && req->creds[1].missing_ok);
        CU_ASSERT_STRING_EQUAL(req->creds[2].id, "alias");
        CU_ASSERT_STRING_EQUAL(req->creds[2].path, "/run/credentials/@system/sys");
        CU_ASSERT_STRING_EQUAL(req->creds[3].id, "s");
        CU_ASSERT_PTR_NULL(req->creds[3].path);
        CU_ASSERT_STRING_EQUAL(req->creds[3].data, "again\n");
        CU_ASSERT_STRING_EQUAL(req->creds[5].data, "");
        spawn_request_free(req);
        done(&f);
}

/* A credential's ID ends at ':', so IDs holding '=' are told apart, and a
 * list of 20,000 IDs with every one replaced keeps 20,000, in order. */
static void test_credential_ids_are_keyed_at_the_colon(void)
{
        struct fixture f;
        size_t n = 20000, len = 64 + 2 * n * 40;
        char *text = malloc(len), *at = text;
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        at += sprintf(at, "ExecStart=/bin/true\nLoadCredential=k=1:/a\nLoadCredential=k=2:/b\nLoadCredential=k=1:/c\n");
        for (size_t i = 0; i < n; i++)
                at += sprintf(at, "SetCredential=c%zu:first\n", i);
        for (size_t i = 0; i < n; i++)
                at += sprintf(at, "SetCredential=c%zu:x%zu\n", i, i);
        load(&f, text);
        free(text);
        const struct exec_extra *x = exec_extra(ctx_of(&f));
        CU_ASSERT_EQUAL_FATAL(strv_length(x->load_credential), 2);
        CU_ASSERT_STRING_EQUAL(x->load_credential[0], "k=1:/c");
        CU_ASSERT_STRING_EQUAL(x->load_credential[1], "k=2:/b");
        CU_ASSERT_EQUAL_FATAL(strv_length(x->set_credential), n);
        char want[64];
        size_t ok = 0;
        for (size_t i = 0; i < n; i++) {
                snprintf(want, sizeof want, "c%zu:x%zu", i, i);
                ok += strcmp(x->set_credential[i], want) == 0;
        }
        CU_ASSERT_EQUAL(ok, n);
        done(&f);
}

static void test_credentials_absolute_source_without_fallback_must_exist(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nLoadCredential=a:/x\nSetCredential=b:y\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL_FATAL(req->n_creds, 2);
        CU_ASSERT_FALSE(req->creds[0].missing_ok);
        spawn_request_free(req);
        done(&f);
}

static void test_no_credentials_no_directory_and_no_variable(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_PTR_NULL(req->cred_dir);
        CU_ASSERT_EQUAL(req->n_creds, 0);
        CU_ASSERT_PTR_NULL(env_get(req->envp, "CREDENTIALS_DIRECTORY"));
        spawn_request_free(req);
        done(&f);
}

static void test_no_exec_directories_no_dirs_and_no_variables(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\n");
        struct spawn_request *req = build_ok(&f);
        CU_ASSERT_EQUAL(req->n_dirs, 0);
        CU_ASSERT_PTR_NULL(req->dirs);
        CU_ASSERT_PTR_NULL(env_get(req->envp, "RUNTIME_DIRECTORY"));
        CU_ASSERT_PTR_NULL(env_get(req->envp, "STATE_DIRECTORY"));
        spawn_request_free(req);
        done(&f);
}

/* Absolute items and ".." components would leave the root: dropped at load. */
static void test_exec_directory_items_that_leave_their_root_are_dropped(void)
{
        struct fixture f;
        load(&f, "ExecStart=/bin/true\nRuntimeDirectory=/abs ../up a/../b . ./c d//e f/ ok/fine g:link\n"
                 "RuntimeDirectoryPreserve=restart\n");
        struct spawn_request *req = build_ok(&f);
        /* Simplified as systemd does: "./c" is "c", "d//e" "d/e", "f/" "f" (irqbalance's). */
        static const char *const want[] = { "/run/c", "/run/d/e", "/run/f", "/run/ok/fine", "/run/g" };
        CU_ASSERT_EQUAL_FATAL(req->n_dirs, ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++)
                CU_ASSERT_STRING_EQUAL(req->dirs[i].path, want[i]);
        CU_ASSERT_EQUAL(exec_extra(ctx_of(&f))->runtime_directory_preserve, EXEC_PRESERVE_RESTART);
        spawn_request_free(req);
        done(&f);
}

static const struct test_case tests[] = {
        { "nofile_default_is_systemds", test_nofile_default_is_systemds },
        { "environment_is_clean_with_manager_variables", test_environment_is_clean_with_manager_variables },
        { "invocation_id_is_32_hex_chars_or_the_given_one", test_invocation_id_is_32_hex_chars_or_the_given_one },
        { "lang_comes_from_the_manager", test_lang_comes_from_the_manager },
        { "environment_later_assignment_wins", test_environment_later_assignment_wins },
        { "environment_empty_assignment_resets_then_later_lines_count", test_environment_empty_assignment_resets_then_later_lines_count },
        { "environment_reassigned_name_keeps_its_first_place", test_environment_reassigned_name_keeps_its_first_place },
        { "environment_of_100000_lines_has_each_name_once_with_its_last_value", test_environment_of_100000_lines_has_each_name_once_with_its_last_value },
        { "environment_file_overrides_environment", test_environment_file_overrides_environment },
        { "environment_file_quoting_rules", test_environment_file_quoting_rules },
        { "environment_file_continuation_inside_double_quotes", test_environment_file_continuation_inside_double_quotes },
        { "environment_file_missing_with_dash_is_fine", test_environment_file_missing_with_dash_is_fine },
        { "environment_file_missing_without_dash_fails", test_environment_file_missing_without_dash_fails },
        { "environment_files_apply_in_order_and_globs_sort", test_environment_files_apply_in_order_and_globs_sort },
        { "pass_environment_copies_from_manager_below_environment", test_pass_environment_copies_from_manager_below_environment },
        { "unset_environment_removes_names_and_exact_assignments", test_unset_environment_removes_names_and_exact_assignments },
        { "extra_env_comes_last", test_extra_env_comes_last },
        { "exec_build_environment_matches_the_request", test_exec_build_environment_matches_the_request },
        { "listen_fds_are_duplicated_from_fd_3_with_their_variables", test_listen_fds_are_duplicated_from_fd_3_with_their_variables },
        { "argv_expands_variables", test_argv_expands_variables },
        { "argv_sees_environment_file_values", test_argv_sees_environment_file_values },
        { "bare_program_is_resolved_to_an_absolute_path", test_bare_program_is_resolved_to_an_absolute_path },
        { "missing_program_is_left_to_execve", test_missing_program_is_left_to_execve },
        { "no_user_or_group_sets_no_credentials", test_no_user_or_group_sets_no_credentials },
        { "user_nobody_sets_ids_and_environment", test_user_nobody_sets_ids_and_environment },
        { "numeric_user_is_looked_up", test_numeric_user_is_looked_up },
        { "numeric_user_without_passwd_entry_runs_with_its_group", test_numeric_user_without_passwd_entry_runs_with_its_group },
        { "unknown_user_is_esrch", test_unknown_user_is_esrch },
        { "unknown_group_is_esrch", test_unknown_group_is_esrch },
        { "group_alone_keeps_the_managers_uid", test_group_alone_keeps_the_managers_uid },
        { "plus_prefix_skips_the_user_switch", test_plus_prefix_skips_the_user_switch },
        { "working_directory_tilde_is_the_users_home", test_working_directory_tilde_is_the_users_home },
        { "working_directory_tilde_without_user_is_roots_home", test_working_directory_tilde_without_user_is_roots_home },
        { "stdin_null_and_default_stdout_go_to_dev_null_and_the_log", test_stdin_null_and_default_stdout_go_to_dev_null_and_the_log },
        { "stdout_journal_appends_to_an_existing_log", test_stdout_journal_appends_to_an_existing_log },
        { "stdout_file_writes_from_the_start_without_truncating", test_stdout_file_writes_from_the_start_without_truncating },
        { "stdout_append_writes_at_the_end", test_stdout_append_writes_at_the_end },
        { "stdout_truncate_empties_the_file", test_stdout_truncate_empties_the_file },
        { "stdout_file_is_created_with_umask_applied", test_stdout_file_is_created_with_umask_applied },
        { "stderr_inherit_shares_stdouts_file", test_stderr_inherit_shares_stdouts_file },
        { "stdin_file_is_opened_read_only", test_stdin_file_is_opened_read_only },
        { "stdin_socket_without_a_connection_is_refused", test_stdin_socket_without_a_connection_is_refused },
        { "stdin_socket_is_the_connection", test_stdin_socket_is_the_connection },
        { "every_fd_is_close_on_exec", test_every_fd_is_close_on_exec },
        { "limits_and_process_settings_are_copied", test_limits_and_process_settings_are_copied },
        { "request_names_its_unit_for_messages", test_request_names_its_unit_for_messages },
        { "defaults_ignore_sigpipe_and_set_no_limits", test_defaults_ignore_sigpipe_and_set_no_limits },
        { "exec_directories_are_built_under_their_roots_in_order", test_exec_directories_are_built_under_their_roots_in_order },
        { "exec_directories_keep_the_owner_for_plus_and_yield_to_environment", test_exec_directories_keep_the_owner_for_plus_and_yield_to_environment },
        { "no_exec_directories_no_dirs_and_no_variables", test_no_exec_directories_no_dirs_and_no_variables },
        { "credentials_are_parsed_as_systemd", test_credentials_are_parsed_as_systemd },
        { "credential_ids_are_keyed_at_the_colon", test_credential_ids_are_keyed_at_the_colon },
        { "credentials_absolute_source_without_fallback_must_exist", test_credentials_absolute_source_without_fallback_must_exist },
        { "no_credentials_no_directory_and_no_variable", test_no_credentials_no_directory_and_no_variable },
        { "exec_directory_items_that_leave_their_root_are_dropped", test_exec_directory_items_that_leave_their_root_are_dropped },
        { 0 }
};
TEST_SUITE("exec_context", tests);
