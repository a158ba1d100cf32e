/* Tests for loading the unit types that mirror the system and the
 * resource tree: mounts (the name is the escaped Where=, What= is needed,
 * the parent mount, the device, local-fs/remote-fs/umount.target),
 * automounts, swaps, devices, slices (the parent slice, Slice=) and
 * RequiresMountsFor=. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
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
        log_set_level(LOG_LEVEL_ERROR - 1);
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

static void test_mount_name_must_match_where(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "data.mount", "[Mount]\nWhat=/dev/sdb1\nWhere=/srv/data\n");
        test_write_file(d, "srv-data.mount", "[Mount]\nWhat=/dev/sdb1\nWhere=//srv/data/\n");
        load_dir(&f, d, (const char *[]) { "data.mount", "srv-data.mount", NULL });
        CU_ASSERT_EQUAL(get(&f, "data.mount")->load_state, UNIT_BAD_SETTING);
        struct unit *u = get(&f, "srv-data.mount");
        CU_ASSERT_EQUAL(u->load_state, UNIT_LOADED);
        CU_ASSERT_STRING_EQUAL(u->mount->where.path, "/srv/data");
        CU_ASSERT_EQUAL(f.ctx.n_errors, 1);
        done(&f);
}

static void test_mount_without_what_is_refused(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "srv.mount", "[Mount]\nType=tmpfs\n");
        load_dir(&f, d, (const char *[]) { "srv.mount", NULL });
        CU_ASSERT_EQUAL(get(&f, "srv.mount")->load_state, UNIT_BAD_SETTING);
        done(&f);
}

static void test_mount_where_defaults_to_its_name(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "var-lib\\x2dx.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\nOptions=size=1m\nTimeoutSec=7\n");
        load_dir(&f, d, (const char *[]) { "var-lib\\x2dx.mount", NULL });
        struct unit *u = get(&f, "var-lib\\x2dx.mount");
        CU_ASSERT_EQUAL_FATAL(u->load_state, UNIT_LOADED);
        CU_ASSERT_STRING_EQUAL(u->mount->where.path, "/var/lib-x");
        CU_ASSERT_STRING_EQUAL(u->mount->options, "size=1m");
        CU_ASSERT_EQUAL(u->mount->timeout_usec, 7 * USEC_PER_SEC);
        done(&f);
}

static void test_mount_implicit_and_default_dependencies(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "srv.mount", "[Mount]\nWhat=/dev/sda2\nWhere=/srv\n");
        test_write_file(d, "srv-data.mount", "[Mount]\nWhat=/dev/disk/by-label/data\nWhere=/srv/data\nType=ext4\n");
        load_dir(&f, d, (const char *[]) { "srv-data.mount", NULL });
        struct unit *u = get(&f, "srv-data.mount");
        /* The parent mount has a file: After= and Requires=. */
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "srv.mount"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_REQUIRES, "srv.mount"));
        /* -.mount has neither a file nor a unit: no stub is made for it. */
        CU_ASSERT_PTR_NULL(unit_table_get(&f.table, "-.mount"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "dev-disk-by\\x2dlabel-data.device"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_REQUIRES, "dev-disk-by\\x2dlabel-data.device"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "local-fs-pre.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_BEFORE, "local-fs.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_CONFLICTS, "umount.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_BEFORE, "umount.target"));
        CU_ASSERT_FALSE(has_dep(u, UNIT_BEFORE, "remote-fs.target"));
        done(&f);
}

static void test_network_and_nofail_mounts(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "net.mount", "[Mount]\nWhat=server:/export\nWhere=/net\nType=nfs4\n");
        test_write_file(d, "opt.mount", "[Mount]\nWhat=/dev/sdc1\nWhere=/opt\nOptions=nofail,x-systemd.device-bound\n");
        load_dir(&f, d, (const char *[]) { "net.mount", "opt.mount", NULL });
        struct unit *n = get(&f, "net.mount"), *o = get(&f, "opt.mount");
        CU_ASSERT_TRUE(has_dep(n, UNIT_BEFORE, "remote-fs.target"));
        CU_ASSERT_TRUE(has_dep(n, UNIT_AFTER, "remote-fs-pre.target"));
        CU_ASSERT_TRUE(has_dep(n, UNIT_AFTER, "network-online.target"));
        CU_ASSERT_TRUE(has_dep(n, UNIT_WANTS, "network-online.target"));
        CU_ASSERT_FALSE(has_dep(n, UNIT_BEFORE, "local-fs.target"));
        CU_ASSERT_FALSE(has_dep(o, UNIT_BEFORE, "local-fs.target"));
        CU_ASSERT_TRUE(has_dep(o, UNIT_BINDS_TO, "dev-sdc1.device"));
        CU_ASSERT_FALSE(has_dep(o, UNIT_REQUIRES, "dev-sdc1.device"));
        done(&f);
}

static void test_root_and_no_default_dependencies(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "-.mount", "[Mount]\nWhat=/dev/vda1\nWhere=/\n");
        test_write_file(d, "x.mount", "[Unit]\nDefaultDependencies=no\n[Mount]\nWhat=/dev/vdb\nWhere=/x\n");
        load_dir(&f, d, (const char *[]) { "-.mount", "x.mount", NULL });
        struct unit *r = get(&f, "-.mount"), *x = get(&f, "x.mount");
        CU_ASSERT_EQUAL(r->load_state, UNIT_LOADED);
        /* No device and no default dependencies for / (only x.mount's reverse edges). */
        CU_ASSERT_FALSE(has_dep(r, UNIT_REQUIRES, "dev-vda1.device"));
        CU_ASSERT_FALSE(has_dep(r, UNIT_CONFLICTS, "umount.target"));
        CU_ASSERT_FALSE(has_dep(r, UNIT_BEFORE, "local-fs.target"));
        CU_ASSERT_TRUE(has_dep(x, UNIT_AFTER, "-.mount"));
        CU_ASSERT_TRUE(has_dep(x, UNIT_REQUIRES, "-.mount"));
        CU_ASSERT_TRUE(has_dep(x, UNIT_REQUIRES, "dev-vdb.device"));
        CU_ASSERT_FALSE(has_dep(x, UNIT_CONFLICTS, "umount.target"));
        done(&f);
}

static void test_requires_mounts_for(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "var.mount", "[Mount]\nWhat=/dev/vdc\nWhere=/var\n");
        test_write_file(d, "a.service", "[Unit]\nRequiresMountsFor=/var/lib/a /srv\n[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "a.service", NULL });
        struct unit *u = get(&f, "a.service");
        CU_ASSERT_TRUE(has_dep(u, UNIT_REQUIRES, "var.mount"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "var.mount"));
        CU_ASSERT_PTR_NULL(unit_table_get(&f.table, "var-lib.mount"));
        CU_ASSERT_PTR_NULL(unit_table_get(&f.table, "srv.mount"));
        done(&f);
}

static void test_automount_triggers_its_mount(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "home.automount", "[Automount]\nWhere=/home\nTimeoutIdleSec=60\n");
        test_write_file(d, "bad.automount", "[Automount]\nWhere=/home\n");
        load_dir(&f, d, (const char *[]) { "home.automount", "bad.automount", NULL });
        struct unit *a = get(&f, "home.automount");
        CU_ASSERT_EQUAL(a->load_state, UNIT_LOADED);
        CU_ASSERT_TRUE(has_dep(a, UNIT_TRIGGERS, "home.mount"));
        CU_ASSERT_TRUE(has_dep(a, UNIT_BEFORE, "home.mount"));
        CU_ASSERT_TRUE(has_dep(a, UNIT_BEFORE, "local-fs.target"));
        CU_ASSERT_EQUAL(get(&f, "bad.automount")->load_state, UNIT_BAD_SETTING);
        done(&f);
}

static void test_swap_and_device(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "dev-vdb2.swap", "[Swap]\nPriority=10\nOptions=discard\n");
        test_write_file(d, "x.swap", "[Swap]\nWhat=/swapfile\n");
        load_dir(&f, d, (const char *[]) { "dev-vdb2.swap", "x.swap", "dev-sda.device", NULL });
        struct unit *w = get(&f, "dev-vdb2.swap");
        CU_ASSERT_EQUAL_FATAL(w->load_state, UNIT_LOADED);
        CU_ASSERT_STRING_EQUAL(w->swap->what.path, "/dev/vdb2");
        CU_ASSERT_EQUAL(w->swap->priority, 10);
        CU_ASSERT_TRUE(has_dep(w, UNIT_REQUIRES, "dev-vdb2.device"));
        CU_ASSERT_TRUE(has_dep(w, UNIT_CONFLICTS, "umount.target"));
        CU_ASSERT_FALSE(has_dep(w, UNIT_AFTER, "systemd-remount-fs.service"));
        CU_ASSERT_EQUAL(get(&f, "x.swap")->load_state, UNIT_BAD_SETTING);
        /* Devices need no file. */
        CU_ASSERT_EQUAL(get(&f, "dev-sda.device")->load_state, UNIT_LOADED);
        CU_ASSERT_EQUAL(get(&f, "dev-vdb2.device")->load_state, UNIT_LOADED);
        done(&f);
}

/* swapon opens a swap file for writing: after the root's remount. */
static void test_swap_file_waits_for_the_writable_root(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "swapfile.swap", "[Swap]\nWhat=/swapfile\n");
        load_dir(&f, d, (const char *[]) { "swapfile.swap", NULL });
        struct unit *w = get(&f, "swapfile.swap");
        CU_ASSERT_EQUAL_FATAL(w->load_state, UNIT_LOADED);
        CU_ASSERT_TRUE(has_dep(w, UNIT_AFTER, "systemd-remount-fs.service"));
        CU_ASSERT_FALSE(has_dep(w, UNIT_REQUIRES, "systemd-remount-fs.service"));
        done(&f);
}

static void test_slices_nest_and_slice_setting_orders(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "a.service", "[Service]\nSlice=app-web.slice\nExecStart=/bin/true\n");
        test_write_file(d, "b.service", "[Service]\nSlice=app.target\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "a.service", "b.service", NULL });
        struct unit *a = get(&f, "a.service"), *web = get(&f, "app-web.slice"), *app = get(&f, "app.slice"),
                    *root = get(&f, "-.slice");
        CU_ASSERT_TRUE(has_dep(a, UNIT_AFTER, "app-web.slice"));
        CU_ASSERT_TRUE(has_dep(a, UNIT_REQUIRES, "app-web.slice"));
        CU_ASSERT_EQUAL(web->load_state, UNIT_LOADED);
        CU_ASSERT_TRUE(has_dep(web, UNIT_REQUIRES, "app.slice"));
        CU_ASSERT_TRUE(has_dep(web, UNIT_AFTER, "app.slice"));
        CU_ASSERT_TRUE(has_dep(web, UNIT_CONFLICTS, "shutdown.target"));
        CU_ASSERT_TRUE(has_dep(app, UNIT_REQUIRES, "-.slice"));
        CU_ASSERT_EQUAL(root->load_state, UNIT_LOADED);
        CU_ASSERT_FALSE(has_dep(root, UNIT_CONFLICTS, "shutdown.target"));
        /* Slice= naming something else is a warning, not an edge. */
        CU_ASSERT_FALSE(has_dep(get(&f, "b.service"), UNIT_REQUIRES, "app.target"));
        CU_ASSERT_EQUAL(f.ctx.n_warnings, 1);
        done(&f);
}

/* An instance of a template goes in its template's slice, as systemd's
 * unit_set_default_slice; Slice= wins, and a plain unit gets none. */
static void test_instances_get_their_template_slice(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "getty@.service", "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "my-fsck@.service", "[Service]\nExecStart=/bin/true\n");
        test_write_file(d, "own@.service", "[Service]\nSlice=x.slice\nExecStart=/bin/true\n");
        test_write_file(d, "plain.service", "[Service]\nExecStart=/bin/true\n");
        load_dir(&f, d, (const char *[]) { "getty@tty1.service", "my-fsck@a.service", "own@b.service",
                                           "plain.service", NULL });
        struct unit *g = get(&f, "getty@tty1.service");
        CU_ASSERT_TRUE(has_dep(g, UNIT_REQUIRES, "system-getty.slice"));
        CU_ASSERT_TRUE(has_dep(g, UNIT_AFTER, "system-getty.slice"));
        CU_ASSERT_EQUAL(get(&f, "system-getty.slice")->load_state, UNIT_LOADED);
        CU_ASSERT_TRUE(has_dep(get(&f, "system-getty.slice"), UNIT_REQUIRES, "system.slice"));
        CU_ASSERT_TRUE(has_dep(get(&f, "my-fsck@a.service"), UNIT_REQUIRES, "system-my\\x2dfsck.slice"));
        CU_ASSERT_TRUE(has_dep(get(&f, "own@b.service"), UNIT_REQUIRES, "x.slice"));
        CU_ASSERT_FALSE(has_dep(get(&f, "own@b.service"), UNIT_REQUIRES, "system-own.slice"));
        CU_ASSERT_FALSE(has_dep(get(&f, "plain.service"), UNIT_REQUIRES, "system.slice"));
        CU_ASSERT_EQUAL(f.ctx.n_warnings, 0);
        done(&f);
}

/* systemd's init.scope is perpetual and has no file; another scope
 * without one is not found. */
static void test_init_scope_needs_no_file(void)
{
        struct fixture f;
        load_dir(&f, test_tmpdir(), (const char *[]) { "init.scope", "other.scope", NULL });
        CU_ASSERT_EQUAL(get(&f, "init.scope")->load_state, UNIT_LOADED);
        CU_ASSERT_FALSE(has_dep(get(&f, "init.scope"), UNIT_CONFLICTS, "shutdown.target"));
        CU_ASSERT_EQUAL(get(&f, "other.scope")->load_state, UNIT_NOT_FOUND);
        done(&f);
}

static void test_resource_keys_are_quiet(void)
{
        struct fixture f;
        const char *d = test_tmpdir();
        test_write_file(d, "x.slice", "[Slice]\nMemoryMax=1G\nCPUWeight=50\n");
        test_write_file(d, "y.scope", "[Scope]\nSlice=x.slice\nKillMode=mixed\nTimeoutStopSec=3\n");
        test_write_file(d, "z.mount", "[Mount]\nWhat=tmpfs\nType=tmpfs\nUser=nobody\nMemoryMax=1G\nBogus=1\n");
        load_dir(&f, d, (const char *[]) { "x.slice", "y.scope", "z.mount", NULL });
        CU_ASSERT_EQUAL(f.ctx.n_warnings, 1); /* Bogus= only */
        CU_ASSERT_TRUE(has_dep(get(&f, "y.scope"), UNIT_REQUIRES, "x.slice"));
        CU_ASSERT_STRING_EQUAL(get(&f, "z.mount")->mount->exec_ctx.user, "nobody");
        done(&f);
}

static const struct test_case tests[] = {
        { "mount_name_must_match_where", test_mount_name_must_match_where },
        { "mount_without_what_is_refused", test_mount_without_what_is_refused },
        { "mount_where_defaults_to_its_name", test_mount_where_defaults_to_its_name },
        { "mount_implicit_and_default_dependencies", test_mount_implicit_and_default_dependencies },
        { "network_and_nofail_mounts", test_network_and_nofail_mounts },
        { "root_and_no_default_dependencies", test_root_and_no_default_dependencies },
        { "requires_mounts_for", test_requires_mounts_for },
        { "automount_triggers_its_mount", test_automount_triggers_its_mount },
        { "swap_and_device", test_swap_and_device },
        { "swap_file_waits_for_the_writable_root", test_swap_file_waits_for_the_writable_root },
        { "slices_nest_and_slice_setting_orders", test_slices_nest_and_slice_setting_orders },
        { "instances_get_their_template_slice", test_instances_get_their_template_slice },
        { "init_scope_needs_no_file", test_init_scope_needs_no_file },
        { "resource_keys_are_quiet", test_resource_keys_are_quiet },
        { 0 },
};
TEST_SUITE("load_mount", tests);
