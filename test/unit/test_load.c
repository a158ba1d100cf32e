/* Tests for unit loading: directives applied through the table, drop-in
 * resets, implicit and default dependencies, systemd's load-time checks,
 * and that one broken unit never stops the others from loading. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/load.h"
#include "test/unit/test.h"

struct fixture {
        struct unit_table table;
        struct unit_path_index *index;
        struct load_context ctx;
};

static void load_dir(struct fixture *f, const char *dir, const char *const *names)
{
        char *dirs[] = { (char *) dir, NULL };
        unit_table_init(&f->table);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &f->index) == 0);
        f->ctx = (struct load_context) { .table = &f->table, .index = f->index };
        for (; *names; names++) {
                struct unit *u;
                CU_ASSERT_FATAL(unit_table_intern(&f->table, *names, &u) == 0);
        }
        log_set_level(LOG_LEVEL_ERROR - 1); /* quiet: tests look at counters and states */
        CU_ASSERT_FATAL(unit_load_all(&f->ctx) == 0);
        log_set_level(LOG_LEVEL_INFO);
}

static void done(struct fixture *f)
{
        unit_table_done(&f->table);
        unit_path_index_free(f->index);
}

static struct unit *get(struct fixture *f, const char *name)
{
        struct unit *u = unit_table_get(&f->table, name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(u);
        return u;
}

static bool has_dep(const struct unit *u, enum unit_dependency kind, const char *name)
{
        size_t i = 0;
        struct unit *o;
        while ((o = unit_next_dep(u, kind, &i)))
                if (strcmp(o->id, name) == 0)
                        return true;
        return false;
}

static size_t count_exec(const struct exec_command *c)
{
        size_t n = 0;
        for (; c; c = c->next)
                n++;
        return n;
}

/* A line of separators only names no command: it adds none, and the
 * list around it stays whole (it crashed the loader, and so PID 1: fuzz). */
static void test_exec_line_of_separators_adds_nothing(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\nExecStartPre=;\nExecStartPre=/bin/a\n"
                                         "ExecStartPre= ; ; \nExecStartPre=/bin/b\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        struct unit *u = get(&f, "a.service");
        CU_ASSERT_EQUAL(u->load_state, UNIT_LOADED);
        const struct exec_command *c = service_exec(u->service, SERVICE_EXEC_START_PRE);
        CU_ASSERT_EQUAL_FATAL(count_exec(c), 2);
        CU_ASSERT_STRING_EQUAL(c->path, "/bin/a");
        CU_ASSERT_STRING_EQUAL(c->next->path, "/bin/b");
        done(&f);
}

/* A file of n ExecStartPre= lines, and a drop-in adding one more. */
static void write_many_commands(const char *d, const char *name, unsigned n)
{
        size_t len = strlen("[Service]\nExecStart=/bin/true\n") + (size_t) n * 32 + 1;
        char *text = malloc(len), *at = text;
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        at += sprintf(at, "[Service]\nExecStart=/bin/true\n");
        for (unsigned i = 0; i < n; i++)
                at += sprintf(at, "ExecStartPre=/bin/echo %u\n", i);
        test_write_file(d, name, text);
        free(text);
}

/* A running unit names its command by a 16-bit place in its list: a list
 * of 65,535 commands loads (drop-in included, in order), one more refuses
 * the unit with the line, and the unit beside it still loads. */
static void test_exec_list_length_is_bounded(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        write_many_commands(d, "fits.service", 65534);
        test_write_file(d, "fits.service.d/last.conf", "[Service]\nExecStartPre=/bin/echo last\n");
        write_many_commands(d, "over.service", 65534);
        test_write_file(d, "over.service.d/a.conf", "[Service]\nExecStartPre=/bin/echo a\nExecStartPre=/bin/echo b\n");
        test_write_file(d, "ok.service", "[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "fits.service", "over.service", "ok.service", NULL });
        struct unit *fits = get(&f, "fits.service");
        CU_ASSERT_EQUAL(fits->load_state, UNIT_LOADED);
        const struct exec_command *c = service_exec(fits->service, SERVICE_EXEC_START_PRE);
        CU_ASSERT_EQUAL(count_exec(c), 65535);
        CU_ASSERT_STRING_EQUAL(c->argv[1], "0");
        while (c->next)
                c = c->next;
        CU_ASSERT_STRING_EQUAL(c->argv[1], "last");
        CU_ASSERT_EQUAL(get(&f, "over.service")->load_state, UNIT_BAD_SETTING);
        CU_ASSERT_EQUAL(get(&f, "ok.service")->load_state, UNIT_LOADED);
        CU_ASSERT(f.ctx.n_errors >= 1);
        done(&f);
}

/* Conditions keep their order across the file, an empty reset and a
 * drop-in; 50,000 of them load, in order. */
static void test_conditions_append_in_order(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Unit]\nConditionPathExists=/a\nConditionPathExists=/b\n"
                                         "ConditionPathExists=\nConditionPathExists=/c\nConditionPathIsDirectory=/d\n"
                                         "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "a.service.d/x.conf", "[Unit]\nConditionPathExists=/e\n");
        size_t n = 50000, len = 32 + n * 32;
        char *text = malloc(len), *at = text;
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        at += sprintf(at, "[Unit]\n");
        for (size_t i = 0; i < n; i++)
                at += sprintf(at, "ConditionPathExists=/%zu\n", i);
        sprintf(at, "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "many.service", text);
        free(text);
        load_dir(&f, d, (const char *[]) { "a.service", "many.service", NULL });
        const char *want[] = { "/c", "/d", "/e" };
        size_t k = 0;
        for (const struct unit_condition *c = get(&f, "a.service")->conditions; c; c = c->next, k++)
                if (k < 3)
                        CU_ASSERT_STRING_EQUAL(c->parameter, want[k]);
        CU_ASSERT_EQUAL(k, 3);
        k = 0;
        char expect[32];
        for (const struct unit_condition *c = get(&f, "many.service")->conditions; c; c = c->next, k++) {
                snprintf(expect, sizeof expect, "/%zu", k);
                if (strcmp(c->parameter, expect) != 0)
                        break;
        }
        CU_ASSERT_EQUAL(k, n);
        done(&f);
}

/* String lists keep their order across lines, an empty reset and a
 * drop-in, and a list of 50,000 lines loads whole, in order. */
static void test_string_lists_append_in_order(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Unit]\nDocumentation=man:a man:b\nDocumentation=\n"
                                         "Documentation=man:c\nDocumentation=man:d man:e\n"
                                         "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "a.service.d/x.conf", "[Unit]\nDocumentation=man:f\n");
        size_t n = 50000, len = 64 + n * 40;
        char *text = malloc(len), *at = text;
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        at += sprintf(at, "[Service]\nExecStart=/bin/true\n");
        for (size_t i = 0; i < n; i++)
                at += sprintf(at, "EnvironmentFile=-/e/%zu\n", i);
        test_write_file(d, "many.service", text);
        free(text);
        load_dir(&f, d, (const char *[]) { "a.service", "many.service", NULL });
        char **doc = unit_extra(get(&f, "a.service"))->documentation;
        CU_ASSERT_EQUAL_FATAL(strv_length(doc), 4);
        CU_ASSERT_STRING_EQUAL(doc[0], "man:c");
        CU_ASSERT_STRING_EQUAL(doc[2], "man:e");
        CU_ASSERT_STRING_EQUAL(doc[3], "man:f");
        char **files = get(&f, "many.service")->service->exec_ctx.environment_files;
        CU_ASSERT_EQUAL_FATAL(strv_length(files), n);
        char want[32];
        size_t ok = 0;
        for (size_t i = 0; i < n; i++) {
                snprintf(want, sizeof want, "-/e/%zu", i);
                ok += strcmp(files[i], want) == 0;
        }
        CU_ASSERT_EQUAL(ok, n);
        done(&f);
}

static void test_dropin_empty_assignment_resets_exec_start(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/old one\n");
        test_write_file(d, "a.service.d/override.conf", "[Service]\nExecStart=\nExecStart=/bin/new two\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        struct unit *u = get(&f, "a.service");
        CU_ASSERT_EQUAL(u->load_state, UNIT_LOADED);
        CU_ASSERT_EQUAL(count_exec(u->service->exec_start), 1);
        CU_ASSERT_STRING_EQUAL(u->service->exec_start->argv[1], "two");
        CU_ASSERT_EQUAL(strv_length(u->dropin_paths), 1);
        done(&f);
}

static void test_environment_later_assignment_wins(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\nEnvironment=A=1 \"B=two words\"\n");
        test_write_file(d, "a.service.d/x.conf", "[Service]\nEnvironment=A=3\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        char **env = get(&f, "a.service")->service->exec_ctx.environment;
        CU_ASSERT_EQUAL(strv_length(env), 2);
        CU_ASSERT_TRUE(strv_contains(env, "A=3"));
        CU_ASSERT_TRUE(strv_contains(env, "B=two words"));
        done(&f);
}

static void test_service_gets_default_dependencies(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        struct unit *u = get(&f, "a.service");
        CU_ASSERT_TRUE(has_dep(u, UNIT_REQUIRES, "sysinit.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "sysinit.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "basic.target"));
        CU_ASSERT_FALSE(has_dep(u, UNIT_REQUIRES, "basic.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_CONFLICTS, "shutdown.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_BEFORE, "shutdown.target"));
        CU_ASSERT_TRUE(has_dep(get(&f, "shutdown.target"), UNIT_CONFLICTED_BY, "a.service"));
        done(&f);
}

static void test_default_dependencies_no_adds_nothing(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        /* StandardOutput=null: journal output adds its own ordering (below). */
        test_write_file(d, "a.service",
                        "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nStandardOutput=null\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "a.service")->n_edges, 0);
        done(&f);
}

/* systemd's unit_add_exec_dependencies(): output for the journal (the
 * default too) is ordered after journald's socket, DefaultDependencies=no
 * or not; other output is not. */
static void test_journal_output_orders_after_journald_socket(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n"
                                        "StandardOutput=null\nStandardError=kmsg\n");
        test_write_file(d, "c.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n"
                                        "StandardOutput=tty\n");
        load_dir(&f, d, (const char *[]) { "a.service", "b.service", "c.service", NULL });
        CU_ASSERT_TRUE(has_dep(get(&f, "a.service"), UNIT_AFTER, "systemd-journald.socket"));
        CU_ASSERT_FALSE(has_dep(get(&f, "a.service"), UNIT_WANTS, "systemd-journald.socket"));
        CU_ASSERT_TRUE(has_dep(get(&f, "b.service"), UNIT_AFTER, "systemd-journald.socket"));
        CU_ASSERT_FALSE(has_dep(get(&f, "c.service"), UNIT_AFTER, "systemd-journald.socket"));
        done(&f);
}

static void test_socket_orders_before_and_triggers_its_service(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "echo.socket", "[Socket]\nListenStream=/run/echo.sock\n");
        test_write_file(d, "echo.service", "[Service]\nExecStart=/bin/cat\n");
        load_dir(&f, d, (const char *[]) { "echo.socket", NULL });
        struct unit *s = get(&f, "echo.socket"), *svc = get(&f, "echo.service");
        CU_ASSERT_EQUAL(svc->load_state, UNIT_LOADED);
        CU_ASSERT_TRUE(has_dep(s, UNIT_BEFORE, "echo.service"));
        CU_ASSERT_TRUE(has_dep(s, UNIT_TRIGGERS, "echo.service"));
        CU_ASSERT_TRUE(has_dep(svc, UNIT_AFTER, "echo.socket"));
        CU_ASSERT_TRUE(has_dep(svc, UNIT_TRIGGERED_BY, "echo.socket"));
        CU_ASSERT_TRUE(has_dep(s, UNIT_BEFORE, "sockets.target"));
        done(&f);
}

static void test_accepting_socket_triggers_nothing_at_load(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "echo.socket", "[Socket]\nListenStream=127.0.0.1:7777\nAccept=yes\n");
        load_dir(&f, d, (const char *[]) { "echo.socket", NULL });
        CU_ASSERT_EQUAL(get(&f, "echo.socket")->load_state, UNIT_LOADED);
        CU_ASSERT_FALSE(has_dep(get(&f, "echo.socket"), UNIT_TRIGGERS, "echo.service"));
        done(&f);
}

/* FragmentPath= is the file loaded: for a plain unit its own name, for an
 * instance its template's, in a directory whose one copy its units share
 * (issue 9's memory goal); %y expands to it. */
static void test_fragment_path_joins_a_shared_directory_and_the_file_name(void)
{
        struct fixture f;
        char buf[PATH_MAX], want[PATH_MAX];
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true %y\n");
        test_write_file(d, "b@.service", "[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "a.service", "b@x.service", "gone.service", NULL });
        struct unit *a = get(&f, "a.service"), *b = get(&f, "b@x.service");
        snprintf(want, sizeof want, "%s/a.service", d);
        CU_ASSERT_STRING_EQUAL(unit_fragment_path(a, buf, sizeof buf), want);
        CU_ASSERT_PTR_NULL(a->fragment_name);
        CU_ASSERT_STRING_EQUAL(a->service->exec_start->argv[1], want);
        snprintf(want, sizeof want, "%s/b@.service", d);
        CU_ASSERT_STRING_EQUAL(unit_fragment_path(b, buf, sizeof buf), want);
        CU_ASSERT_PTR_EQUAL(a->fragment_dir, b->fragment_dir);
        CU_ASSERT_PTR_NULL(unit_fragment_path(get(&f, "gone.service"), buf, sizeof buf));
        done(&f);
}

static void test_socket_without_listen_is_refused(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "x.socket", "[Socket]\nAccept=no\n");
        load_dir(&f, d, (const char *[]) { "x.socket", NULL });
        CU_ASSERT_EQUAL(get(&f, "x.socket")->load_state, UNIT_BAD_SETTING);
        done(&f);
}

static void test_target_is_ordered_after_what_it_wants(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "t.target", NULL });
        struct unit *t = get(&f, "t.target");
        CU_ASSERT_TRUE(has_dep(t, UNIT_AFTER, "a.service"));
        CU_ASSERT_FALSE(has_dep(t, UNIT_AFTER, "b.service")); /* b opted out */
        done(&f);
}

static void test_target_ordering_never_contradicts_before(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\nBefore=a.service\n");
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "t.target", NULL });
        CU_ASSERT_FALSE(has_dep(get(&f, "t.target"), UNIT_AFTER, "a.service"));
        done(&f);
}

static void test_type_defaults_follow_exec_start(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "s.service", "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "o.service", "[Service]\nExecStop=/bin/true\nRemainAfterExit=yes\n");
        load_dir(&f, d, (const char *[]) { "s.service", "o.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "s.service")->service->type, SERVICE_SIMPLE);
        CU_ASSERT_EQUAL(get(&f, "s.service")->service->timeout_start_usec, 90 * USEC_PER_SEC);
        CU_ASSERT_EQUAL(get(&f, "o.service")->service->type, SERVICE_ONESHOT);
        CU_ASSERT_EQUAL(get(&f, "o.service")->service->timeout_start_usec, USEC_INFINITY);
        done(&f);
}

static void test_oneshot_keeps_an_explicit_start_timeout(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "o.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nTimeoutStartSec=5s\n");
        load_dir(&f, d, (const char *[]) { "o.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "o.service")->service->timeout_start_usec, 5 * USEC_PER_SEC);
        done(&f);
}

static void test_notify_type_forces_notify_access_main(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "n.service", "[Service]\nType=notify\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "n.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "n.service")->service->notify_access, NOTIFY_MAIN);
        done(&f);
}

/* The settings few services set live behind one pointer, allocated only
 * by a unit that sets one of them; the others read the defaults. */
static void test_rare_service_settings_allocate_only_when_set(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "p.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n");
        test_write_file(d, "w.service", "[Service]\nExecStart=/bin/true\nWatchdogSec=3s\nBusName=org.weft.W\n"
                                        "FileDescriptorStoreMax=4\n");
        load_dir(&f, d, (const char *[]) { "p.service", "w.service", NULL });
        const struct service_config *p = get(&f, "p.service")->service, *w = get(&f, "w.service")->service;
        CU_ASSERT_PTR_NULL(p->extra);
        CU_ASSERT_EQUAL(service_extra(p)->watchdog_usec, 0);
        CU_ASSERT_PTR_NULL(service_extra(p)->bus_name);
        CU_ASSERT_EQUAL(p->notify_access, NOTIFY_NONE);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w->extra);
        CU_ASSERT_EQUAL(service_extra(w)->watchdog_usec, 3 * USEC_PER_SEC);
        CU_ASSERT_STRING_EQUAL(service_extra(w)->bus_name, "org.weft.W");
        CU_ASSERT_EQUAL(service_extra(w)->fd_store_max, 4);
        CU_ASSERT_EQUAL(w->type, SERVICE_DBUS);
        CU_ASSERT_EQUAL(w->notify_access, NOTIFY_MAIN);
        done(&f);
}

/* Likewise the rare [Unit] and [Install] settings of any unit. */
static void test_rare_unit_settings_allocate_only_when_set(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "p.service", "[Unit]\nDescription=plain\n[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "r.service", "[Unit]\nDocumentation=man:r(8)\nRequiresMountsFor=/srv\n"
                                        "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
        load_dir(&f, d, (const char *[]) { "p.service", "r.service", NULL });
        const struct unit *p = get(&f, "p.service"), *r = get(&f, "r.service");
        CU_ASSERT_PTR_NULL(p->extra);
        CU_ASSERT_PTR_NULL(unit_extra(p)->documentation);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r->extra);
        CU_ASSERT_STRING_EQUAL(unit_extra(r)->documentation[0], "man:r(8)");
        CU_ASSERT_STRING_EQUAL(unit_extra(r)->install_wanted_by[0], "multi-user.target");
        CU_ASSERT_STRING_EQUAL(unit_extra(r)->requires_mounts_for[0], "/srv");
        done(&f);
}

static void test_bad_unit_fails_alone(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "bad.service", "[Service]\nExecStart=relative/path\n");
        test_write_file(d, "oneshot-always.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nRestart=always\n");
        test_write_file(d, "two-starts.service", "[Service]\nExecStart=/bin/true\nExecStart=/bin/false\n");
        test_write_file(d, "good.service", "[Unit]\nWants=bad.service\n[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "good.service", "oneshot-always.service", "two-starts.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "bad.service")->load_state, UNIT_BAD_SETTING);
        CU_ASSERT_EQUAL(get(&f, "oneshot-always.service")->load_state, UNIT_BAD_SETTING);
        CU_ASSERT_EQUAL(get(&f, "two-starts.service")->load_state, UNIT_BAD_SETTING);
        CU_ASSERT_EQUAL(get(&f, "good.service")->load_state, UNIT_LOADED);
        CU_ASSERT(f.ctx.n_errors >= 3);
        done(&f);
}

static void test_binary_garbage_fails_that_unit_only(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        char path[512];
        snprintf(path, sizeof path, "%s/garbage.service", d);
        FILE *fp = fopen(path, "w");
        CU_ASSERT_FATAL(fp != NULL);
        for (int i = 0; i < 4096; i++)
                fputc((i * 7919) & 0xff, fp);
        fclose(fp);
        test_write_file(d, "good.service", "[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "garbage.service", "good.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "garbage.service")->load_state, UNIT_ERROR);
        CU_ASSERT_EQUAL(get(&f, "good.service")->load_state, UNIT_LOADED);
        done(&f);
}

static void test_unknown_keys_warn_and_x_keys_are_silent(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service",
                        "[Unit]\nBogus=1\nX-Custom=2\n[X-Vendor]\nAnything=3\n[Weird]\nKey=4\n"
                        "[Service]\nExecStart=/bin/true\nProtectSystem=strict\nRestart=sometimes\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "a.service")->load_state, UNIT_LOADED);
        /* Bogus=, [Weird] and Restart=sometimes; not X-*, not ProtectSystem= (a systemd directive). */
        CU_ASSERT_EQUAL(f.ctx.n_warnings, 3);
        CU_ASSERT_EQUAL(get(&f, "a.service")->service->restart, SERVICE_RESTART_NO);
        done(&f);
}

/* A key with rows in several sections takes the row of its own section;
 * a key in a section none of its rows names is unknown there; "Condition*"
 * takes systemd's conditions, in [Unit] only. */
static void test_key_finds_the_row_of_its_section(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service",
                        "[Unit]\nType=oneshot\nConditionPathExists=/\nConditionNoSuchThing=1\n"
                        "[Service]\nType=oneshot\nTimeoutSec=7\nExecStart=/bin/true\nConditionPathExists=/\n");
        test_write_file(d, "a.socket", "[Socket]\nListenStream=/run/a.sock\nTimeoutSec=9\nType=x\n");
        test_write_file(d, "a.timer", "[Timer]\nOnActiveSec=1\nUnit=a.service\n");
        load_dir(&f, d, (const char *[]) { "a.service", "a.socket", "a.timer", NULL });
        struct unit *u = get(&f, "a.service");
        CU_ASSERT_EQUAL(u->load_state, UNIT_LOADED);
        CU_ASSERT_EQUAL(u->service->type, SERVICE_ONESHOT);
        CU_ASSERT_PTR_NOT_NULL(u->conditions); /* ConditionPathExists= in [Unit] */
        CU_ASSERT_EQUAL(u->service->timeout_start_usec, 7 * 1000000ULL);
        CU_ASSERT_EQUAL(get(&f, "a.socket")->socket->timeout_usec, 9 * 1000000ULL);
        CU_ASSERT_EQUAL(get(&f, "a.timer")->load_state, UNIT_LOADED);
        /* [Unit] Type=, ConditionNoSuchThing=, [Service] ConditionPathExists=
         * and [Socket] Type=. */
        CU_ASSERT_EQUAL(f.ctx.n_warnings, 4);
        done(&f);
}

/* Edges end sorted by kind, then by the other unit's id, each once, for
 * short and long lists, and again after more are added (the second pass). */
static void test_edges_sorted_and_merged(void)
{
        struct unit_table t;
        struct unit *u, *o;
        char name[64];
        unit_table_init(&t);
        CU_ASSERT_FATAL(unit_table_intern(&t, "hub.target", &u) == 0);
        for (int round = 0; round < 2; round++) {
                /* 3 and 5 share no factor with 101: every id, in a scrambled order. */
                for (int i = 0; i < 101; i++) {
                        snprintf(name, sizeof name, "u%03d.service", (i * (round ? 3 : 5)) % 101);
                        CU_ASSERT_FATAL(unit_table_intern(&t, name, &o) == 0);
                        CU_ASSERT_FATAL(unit_add_dependency(u, round ? UNIT_AFTER : UNIT_WANTS, o) == 0);
                        CU_ASSERT_FATAL(unit_add_dependency(u, UNIT_WANTS, o) == 0);
                }
                CU_ASSERT_FATAL(unit_table_finalize_edges(&t) == 0);
        }
        size_t it = 0, n = 0;
        const struct unit *prev = NULL;
        while ((o = unit_next_dep(u, UNIT_WANTS, &it))) {
                CU_ASSERT(!prev || strcmp(prev->id, o->id) < 0);
                prev = o;
                n++;
        }
        CU_ASSERT_EQUAL(n, 101);
        it = 0, n = 0, prev = NULL;
        while ((o = unit_next_dep(u, UNIT_AFTER, &it))) {
                CU_ASSERT(!prev || strcmp(prev->id, o->id) < 0);
                prev = o;
                n++;
        }
        CU_ASSERT_EQUAL(n, 101);
        CU_ASSERT_EQUAL(u->n_edges, 202);
        for (uint32_t i = 1; i < u->n_edges; i++)
                CU_ASSERT(u->edges[i - 1].kind <= u->edges[i].kind);
        unit_table_done(&t);
}

/* The sandboxing directives through the table: the words and booleans of
 * ProtectSystem=/ProtectHome=, capability lines merged, and PrivateTmp='s
 * implied After= on the tmp mounts and systemd-tmpfiles-setup.service. */
static void test_sandbox_directives_and_private_tmp_ordering(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service",
                        "[Service]\nExecStart=/bin/true\nPrivateTmp=yes\nPrivateDevices=on\nProtectSystem=strict\n"
                        "ProtectHome=read-only\nNoNewPrivileges=true\nCapabilityBoundingSet=CAP_KILL\n"
                        "CapabilityBoundingSet=CAP_CHOWN\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                        "ReadWritePaths=-/run/a +/etc relative\nReadOnlyPaths=/usr\n");
        test_write_file(d, "b.service", "[Service]\nExecStart=/bin/true\nProtectSystem=1\nProtectHome=tmpfs\n"
                                        "ProtectSystem=sometimes\n");
        test_write_file(d, "var-tmp.mount", "[Mount]\nWhat=tmpfs\nWhere=/var/tmp\nType=tmpfs\n");
        load_dir(&f, d, (const char *[]) { "a.service", "b.service", NULL });
        struct unit *a = get(&f, "a.service"), *b = get(&f, "b.service");
        const struct exec_extra *x = exec_extra(&a->service->exec_ctx);
        CU_ASSERT_EQUAL(a->load_state, UNIT_LOADED);
        CU_ASSERT_TRUE(x->private_tmp && x->private_devices && x->no_new_privileges);
        CU_ASSERT_EQUAL(x->protect_system, PROTECT_SYSTEM_STRICT);
        CU_ASSERT_EQUAL(x->protect_home, PROTECT_HOME_READ_ONLY);
        CU_ASSERT_EQUAL(x->capability_bounding_set, (UINT64_C(1) << 5) | UINT64_C(1));
        CU_ASSERT_EQUAL(x->capability_ambient_set, UINT64_C(1) << 10);
        CU_ASSERT_EQUAL(strv_length(x->read_write_paths), 2);
        CU_ASSERT_STRING_EQUAL(x->read_write_paths[0], "-/run/a");
        CU_ASSERT_STRING_EQUAL(x->read_write_paths[1], "/etc");
        CU_ASSERT_EQUAL(strv_length(x->read_only_paths), 1);
        CU_ASSERT_TRUE(has_dep(a, UNIT_AFTER, "systemd-tmpfiles-setup.service"));
        CU_ASSERT_TRUE(has_dep(a, UNIT_AFTER, "var-tmp.mount"));
        CU_ASSERT_TRUE(has_dep(a, UNIT_REQUIRES, "var-tmp.mount"));
        const struct exec_extra *y = exec_extra(&b->service->exec_ctx);
        CU_ASSERT_EQUAL(y->protect_system, PROTECT_SYSTEM_YES); /* "sometimes" is a warning, ignored */
        CU_ASSERT_EQUAL(y->protect_home, PROTECT_HOME_TMPFS);
        CU_ASSERT_EQUAL(y->capability_bounding_set, UINT64_MAX);
        CU_ASSERT_FALSE(has_dep(b, UNIT_AFTER, "systemd-tmpfiles-setup.service"));
        CU_ASSERT_EQUAL(f.ctx.n_warnings, 2); /* "relative" and "sometimes" */
        done(&f);
}

static void test_template_instance_expands_specifiers(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "w@.service", "[Unit]\nDescription=Worker %i of %p\nAfter=db@%i.service\n"
                                         "[Service]\nExecStart=/bin/echo %n %I\n");
        load_dir(&f, d, (const char *[]) { "w@a\\x2db.service", NULL });
        struct unit *u = get(&f, "w@a\\x2db.service");
        CU_ASSERT_EQUAL(u->load_state, UNIT_LOADED);
        CU_ASSERT_STRING_EQUAL(u->description, "Worker a\\x2db of w");
        CU_ASSERT_STRING_EQUAL(u->service->exec_start->argv[1], "w@a\\x2db.service");
        CU_ASSERT_STRING_EQUAL(u->service->exec_start->argv[2], "a-b");
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "db@a\\x2db.service"));
        done(&f);
}

static void test_alias_merges_into_its_target(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        char from[512], to[512];
        test_write_file(d, "real.service", "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "user.service", "[Unit]\nWants=nick.service\n[Service]\nExecStart=/bin/true\n");
        snprintf(to, sizeof to, "%s/real.service", d);
        snprintf(from, sizeof from, "%s/nick.service", d);
        CU_ASSERT_FATAL(symlink(to, from) == 0);
        load_dir(&f, d, (const char *[]) { "user.service", NULL });
        struct unit *nick = get(&f, "nick.service");
        CU_ASSERT_STRING_EQUAL(nick->id, "real.service");
        CU_ASSERT_TRUE(strv_contains(nick->names, "nick.service"));
        CU_ASSERT_TRUE(has_dep(get(&f, "user.service"), UNIT_WANTS, "real.service"));
        CU_ASSERT_TRUE(has_dep(nick, UNIT_WANTED_BY, "user.service"));
        done(&f);
}

static void test_masked_unit_loads_as_masked(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        char from[512];
        snprintf(from, sizeof from, "%s/m.service", d);
        CU_ASSERT_FATAL(symlink("/dev/null", from) == 0);
        test_write_file(d, "e.service", "");
        load_dir(&f, d, (const char *[]) { "m.service", "e.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "m.service")->load_state, UNIT_MASKED);
        CU_ASSERT_EQUAL(get(&f, "e.service")->load_state, UNIT_MASKED);
        done(&f);
}

/* The index leaves a regular file's size to the loader, which reads it
 * first: empty, it masks the unit before anything else is said of it
 * (an empty template named without an instance is masked, not refused);
 * an alias of it is masked too; not empty, what was read is parsed. */
static void test_empty_file_masks_when_loaded(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        char from[512];
        test_write_file(d, "e.service", "");
        snprintf(from, sizeof from, "%s/alias.service", d);
        CU_ASSERT_FATAL(symlink("e.service", from) == 0);
        test_write_file(d, "t@.service", "");
        test_write_file(d, "full@.service", "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "ok.service", "[Unit]\nDescription=read ahead\n[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "alias.service", "t@x.service", "t@.service", "full@.service",
                                            "ok.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "e.service")->load_state, UNIT_MASKED);
        CU_ASSERT_PTR_EQUAL(unit_follow(get(&f, "alias.service")), get(&f, "e.service"));
        CU_ASSERT_EQUAL(get(&f, "t@x.service")->load_state, UNIT_MASKED);
        CU_ASSERT_EQUAL(get(&f, "t@.service")->load_state, UNIT_MASKED);
        CU_ASSERT_EQUAL(get(&f, "full@.service")->load_state, UNIT_LOADED);
        CU_ASSERT_EQUAL(get(&f, "ok.service")->load_state, UNIT_LOADED);
        CU_ASSERT_STRING_EQUAL(get(&f, "ok.service")->description, "read ahead");
        done(&f);
}

static void test_wants_directory_adds_wants(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        char from[512];
        test_write_file(d, "t.target", "[Unit]\nDescription=t\n");
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "t.target.wants/.keep", "");
        snprintf(from, sizeof from, "%s/t.target.wants/a.service", d);
        CU_ASSERT_FATAL(symlink("../a.service", from) == 0);
        load_dir(&f, d, (const char *[]) { "t.target", NULL });
        CU_ASSERT_TRUE(has_dep(get(&f, "t.target"), UNIT_WANTS, "a.service"));
        CU_ASSERT_EQUAL(get(&f, "a.service")->load_state, UNIT_LOADED);
        done(&f);
}

static void test_missing_dependency_is_not_found(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Unit]\nWants=nope.service\nAfter=local-fs.target -.mount\n"
                                        "[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        CU_ASSERT_EQUAL(get(&f, "a.service")->load_state, UNIT_LOADED);
        CU_ASSERT_EQUAL(get(&f, "nope.service")->load_state, UNIT_NOT_FOUND);
        CU_ASSERT_EQUAL(get(&f, "-.mount")->load_state, UNIT_NOT_FOUND);
        done(&f);
}

static void test_sockets_setting_wants_and_orders_after(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\nSockets=x.socket\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        CU_ASSERT_TRUE(has_dep(get(&f, "a.service"), UNIT_WANTS, "x.socket"));
        CU_ASSERT_TRUE(has_dep(get(&f, "a.service"), UNIT_AFTER, "x.socket"));
        done(&f);
}

/* SyslogLevel= and SyslogFacility= make one syslog priority in either
 * order; names and numbers; a bad value keeps the default. */
static void test_syslog_and_tty_settings(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nExecStart=/bin/true\nSyslogLevel=notice\nSyslogFacility=local3\n"
                                        "SyslogLevelPrefix=no\nTTYReset=yes\nTTYVHangup=yes\nTTYVTDisallocate=yes\n");
        test_write_file(d, "b.service", "[Service]\nExecStart=/bin/true\nSyslogFacility=2\nSyslogLevel=3\n");
        test_write_file(d, "c.service", "[Service]\nExecStart=/bin/true\nSyslogLevel=loud\nSyslogFacility=local9\n");
        load_dir(&f, d, (const char *[]) { "a.service", "b.service", "c.service", NULL });
        const struct exec_extra *a = exec_extra(&get(&f, "a.service")->service->exec_ctx);
        CU_ASSERT_EQUAL(a->syslog_priority, (19 << 3) | 5);
        CU_ASSERT_FALSE(a->syslog_level_prefix);
        CU_ASSERT_TRUE(a->tty_reset && a->tty_vhangup && a->tty_vt_disallocate);
        CU_ASSERT_EQUAL(exec_extra(&get(&f, "b.service")->service->exec_ctx)->syslog_priority, (2 << 3) | 3);
        const struct exec_extra *c = exec_extra(&get(&f, "c.service")->service->exec_ctx);
        CU_ASSERT_EQUAL(c->syslog_priority, (3 << 3) | 6);
        CU_ASSERT_TRUE(c->syslog_level_prefix);
        CU_ASSERT_FALSE(c->tty_reset);
        done(&f);
}

static void test_dependency_lists_are_deduplicated(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Unit]\nAfter=b.service b.service\nAfter=b.service a.service\n"
                                        "[Service]\nExecStart=/bin/true\nStandardOutput=null\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        struct unit *u = get(&f, "a.service");
        size_t i = 0, n = 0;
        while (unit_next_dep(u, UNIT_AFTER, &i))
                n++;
        CU_ASSERT_EQUAL(n, 3); /* b, basic.target, sysinit.target, and no self-edge */
        CU_ASSERT_FALSE(has_dep(u, UNIT_AFTER, "a.service"));
        done(&f);
}

static const struct test_case tests[] = {
        { "key_finds_the_row_of_its_section", test_key_finds_the_row_of_its_section },
        { "edges_sorted_and_merged", test_edges_sorted_and_merged },
        { "dropin_empty_assignment_resets_exec_start", test_dropin_empty_assignment_resets_exec_start },
        { "exec_list_length_is_bounded", test_exec_list_length_is_bounded },
        { "exec_line_of_separators_adds_nothing", test_exec_line_of_separators_adds_nothing },
        { "conditions_append_in_order", test_conditions_append_in_order },
        { "string_lists_append_in_order", test_string_lists_append_in_order },
        { "environment_later_assignment_wins", test_environment_later_assignment_wins },
        { "service_gets_default_dependencies", test_service_gets_default_dependencies },
        { "default_dependencies_no_adds_nothing", test_default_dependencies_no_adds_nothing },
        { "journal_output_orders_after_journald_socket", test_journal_output_orders_after_journald_socket },
        { "syslog_and_tty_settings", test_syslog_and_tty_settings },
        { "socket_orders_before_and_triggers_its_service", test_socket_orders_before_and_triggers_its_service },
        { "accepting_socket_triggers_nothing_at_load", test_accepting_socket_triggers_nothing_at_load },
        { "fragment_path_joins_a_shared_directory_and_the_file_name", test_fragment_path_joins_a_shared_directory_and_the_file_name },
        { "socket_without_listen_is_refused", test_socket_without_listen_is_refused },
        { "target_is_ordered_after_what_it_wants", test_target_is_ordered_after_what_it_wants },
        { "target_ordering_never_contradicts_before", test_target_ordering_never_contradicts_before },
        { "type_defaults_follow_exec_start", test_type_defaults_follow_exec_start },
        { "oneshot_keeps_an_explicit_start_timeout", test_oneshot_keeps_an_explicit_start_timeout },
        { "notify_type_forces_notify_access_main", test_notify_type_forces_notify_access_main },
        { "rare_service_settings_allocate_only_when_set", test_rare_service_settings_allocate_only_when_set },
        { "rare_unit_settings_allocate_only_when_set", test_rare_unit_settings_allocate_only_when_set },
        { "bad_unit_fails_alone", test_bad_unit_fails_alone },
        { "binary_garbage_fails_that_unit_only", test_binary_garbage_fails_that_unit_only },
        { "unknown_keys_warn_and_x_keys_are_silent", test_unknown_keys_warn_and_x_keys_are_silent },
        { "sandbox_directives_and_private_tmp_ordering", test_sandbox_directives_and_private_tmp_ordering },
        { "template_instance_expands_specifiers", test_template_instance_expands_specifiers },
        { "alias_merges_into_its_target", test_alias_merges_into_its_target },
        { "masked_unit_loads_as_masked", test_masked_unit_loads_as_masked },
        { "empty_file_masks_when_loaded", test_empty_file_masks_when_loaded },
        { "wants_directory_adds_wants", test_wants_directory_adds_wants },
        { "missing_dependency_is_not_found", test_missing_dependency_is_not_found },
        { "sockets_setting_wants_and_orders_after", test_sockets_setting_wants_and_orders_after },
        { "dependency_lists_are_deduplicated", test_dependency_lists_are_deduplicated },
        { 0 },
};
TEST_SUITE("load", tests);
