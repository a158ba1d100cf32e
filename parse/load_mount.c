/* Loading mount units (systemd.mount(5)): the configuration's defaults,
 * what it owns, and the finish: systemd's mount_verify (the name is the
 * escaped Where=, What= is set) and mount_add_extras (the parent mounts,
 * the device of a /dev/ What=, and the default dependencies on
 * local-fs.target or remote-fs.target and umount.target). Also the path
 * helpers that automount, swap and RequiresMountsFor= share. */
#include <limits.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "parse/load_internal.h"
#include "parse/unit_path.h"

/* One prefix of RequiresMountsFor=: its mount unit, if it has a file or
 * is known already. */
static int add_mount_for_prefix(struct load_context *ctx, struct unit *u, const char *prefix)
{
        char *name = NULL;
        int r = unit_name_from_path(prefix, ".mount", &name);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        if (strcmp(name, u->id) == 0) {
                free(name);
                return 0;
        }
        if (ctx->index && unit_path_has_fragment(ctx->index, name))
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_AFTER, UNIT_REQUIRES, name);
        else if (unit_table_get(ctx->table, name))
                r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, name);
        free(name);
        return r;
}

int load_add_mounts_for(struct load_context *ctx, struct unit *u, const char *path)
{
        char buf[4096];
        if (path[0] != '/' || strlen(path) >= sizeof buf)
                return 0;
        int r = add_mount_for_prefix(ctx, u, "/");
        /* Every prefix ending before a '/', then the path itself. */
        snprintf(buf, sizeof buf, "%s", path);
        for (char *p = buf + 1; r >= 0 && *p; p++)
                if (*p == '/' && p[-1] != '/') {
                        *p = 0;
                        r = add_mount_for_prefix(ctx, u, buf);
                        *p = '/';
                }
        if (r >= 0 && strcmp(path, "/") != 0)
                r = add_mount_for_prefix(ctx, u, path);
        return r;
}

int load_verify_name_matches(struct load_context *ctx, struct unit *u, const struct located_path *p, const char *key)
{
        const char *path = p->path;
        char *name = NULL, msg[512];
        const char *suffix = strrchr(u->id, '.');
        int r = unit_name_from_path(path, suffix, &name);
        if (r == -ENOMEM)
                return r;
        bool ok = r >= 0 && strcmp(name, u->id) == 0;
        free(name);
        if (ok)
                return 0;
        char fragment[PATH_MAX];
        const char *fp = unit_fragment_path(u, fragment, sizeof fragment);
        snprintf(msg, sizeof msg, "%s: %s=%s setting doesn't match unit name. Refusing.",
                 p->origin ? p->origin : fp ? fp : u->id, key, path);
        return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s", msg);
}

/* Remove repeated and trailing slashes in place. */
static void path_simplify(char *p)
{
        char *w = p;
        for (char *r = p; *r; r++)
                if (!(*r == '/' && w > p && w[-1] == '/'))
                        *w++ = *r;
        if (w > p + 1 && w[-1] == '/')
                w--;
        *w = 0;
}

static int mount_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct mount_config *m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        m->directory_mode = 0755;
        m->timeout_usec = timeout_start_usec;
        kill_context_init(&m->kill);
        exec_context_init(&m->exec_ctx);
        u->mount = m;
        return 0;
}

static void mount_free(struct unit *u)
{
        struct mount_config *m = u->mount;
        free(m->what);
        free(m->where.path);
        free(m->where.origin);
        free(m->fs_type);
        free(m->options);
        exec_context_free(&m->exec_ctx);
}

/* Does the comma-separated option list hold opt (alone, or opt=...)? */
static bool has_option(const char *options, const char *opt)
{
        size_t n = strlen(opt);
        for (const char *p = options; p && *p;) {
                if (strncmp(p, opt, n) == 0 && (p[n] == ',' || p[n] == '=' || !p[n]))
                        return true;
                p = strchr(p, ',');
                p = p ? p + 1 : NULL;
        }
        return false;
}

/* systemd's mount_is_network (fstype_is_network and _netdev). */
static bool is_network(const struct mount_config *m)
{
        static const char *const net[] = { "afs", "ceph", "cifs", "smb3", "smbfs", "sshfs", "ncpfs", "ncp",
                                           "nfs", "nfs4", "gfs", "gfs2", "glusterfs", "pvfs2", "ocfs2",
                                           "lustre", "davfs", "fuse.sshfs" };
        if (has_option(m->options, "_netdev"))
                return true;
        for (size_t i = 0; m->fs_type && i < sizeof net / sizeof net[0]; i++)
                if (strcmp(m->fs_type, net[i]) == 0)
                        return true;
        return false;
}

static bool path_under(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/* Mounts that stay for the system's whole life and get no default
 * dependencies (systemd's mount_is_extrinsic, fstab_is_extrinsic in 252):
 * the OS itself (/, /usr, /etc), what the initramfs keeps, the API file
 * systems and everything below them, and x-initrd.mount mounts once out
 * of the initrd (weft never runs in one). */
static bool is_extrinsic(const struct mount_config *m)
{
        static const char *const os[] = { "/", "/usr", "/etc" };
        static const char *const below[] = { "/run/initramfs", "/proc", "/sys", "/dev" };
        for (size_t i = 0; i < sizeof os / sizeof os[0]; i++)
                if (strcmp(m->where.path, os[i]) == 0)
                        return true;
        for (size_t i = 0; i < sizeof below / sizeof below[0]; i++)
                if (path_under(m->where.path, below[i]))
                        return true;
        return has_option(m->options, "x-initrd.mount");
}

/* After= on the device of a /dev/ What=, and Requires= (BindsTo= with
 * x-systemd.device-bound), as systemd's mount_add_device_dependencies. */
static int add_device_dependency(struct load_context *ctx, struct unit *u, const struct mount_config *m)
{
        if (!m->what || strncmp(m->what, "/dev/", 5) != 0 || strcmp(m->what, "/dev/root") == 0 ||
            strcmp(m->what, "/dev/nfs") == 0 ||
            strcmp(m->where.path, "/") == 0)
                return 0;
        char *name = NULL;
        int r = unit_name_from_path(m->what, ".device", &name);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        enum unit_dependency dep = has_option(m->options, "x-systemd.device-bound") ? UNIT_BINDS_TO : UNIT_REQUIRES;
        r = load_add_two_dependencies_by_name(ctx, u, UNIT_AFTER, dep, name);
        free(name);
        if (r < 0)
                return r;
        /* And After= on blockdev@DEV.target (systemd's
         * unit_add_blockdev_dependency), which units that set the block
         * device up (cryptsetup, veritysetup...) order themselves before. */
        char *e = NULL, *target = NULL;
        if (unit_name_path_escape(m->what, &e) < 0) {
                free(e);
                return 0;
        }
        if (asprintf(&target, "blockdev@%s.target", e) < 0) {
                free(e);
                return -ENOMEM;
        }
        free(e);
        r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, target);
        free(target);
        return r == -ENOMEM ? r : 0;
}

static int mount_finish(struct load_context *ctx, struct unit *u)
{
        struct mount_config *m = u->mount;
        int r;

        if (!m->where.path) {
                /* Where= defaults to the path the name stands for. */
                char prefix[UNIT_NAME_MAX + 1];
                snprintf(prefix, sizeof prefix, "%.*s", (int) (strlen(u->id) - strlen(".mount")), u->id);
                r = unit_name_path_unescape(prefix, &m->where.path);
                if (r < 0)
                        return r == -ENOMEM ? r : load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                                            "Cannot generate a mount point from the unit name. Refusing.");
        }
        path_simplify(m->where.path);
        r = load_verify_name_matches(ctx, u, &m->where, "Where");
        if (r < 0)
                return r;
        if (!m->what)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s", "What= setting is missing. Refusing.");

        /* The mount it sits on: RequiresMountsFor= of its parent directory. */
        if (strcmp(m->where.path, "/") != 0) {
                char *parent = strdup(m->where.path);
                if (!parent)
                        return -ENOMEM;
                char *slash = strrchr(parent, '/');
                slash[slash == parent ? 1 : 0] = 0;
                r = load_add_mounts_for(ctx, u, parent);
                free(parent);
                if (r < 0)
                        return r;
        }
        r = add_device_dependency(ctx, u, m);
        if (r < 0)
                return r;
        if (!u->default_dependencies || is_extrinsic(m))
                return 0;
        bool net = is_network(m);
        if (net) {
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_WANTS, UNIT_AFTER, "network-online.target");
                if (r >= 0)
                        r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "network.target");
        }
        if (r >= 0)
                r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, net ? "remote-fs-pre.target" : "local-fs-pre.target");
        if (r >= 0 && !has_option(m->options, "nofail"))
                r = load_add_dependency_by_name(ctx, u, UNIT_BEFORE, net ? "remote-fs.target" : "local-fs.target");
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "umount.target");
        return r;
}

static uint64_t mount_timeout_stop_usec(const struct unit *u)
{
        return u->mount->timeout_usec;
}

const struct unit_load_ops mount_load_ops = {
        .ignore_on_isolate = true,
        .section = "Mount",
        .alloc = mount_alloc,
        .free = mount_free,
        .finish = mount_finish,
        .runs_processes = true,
        .exec_context_offset = offsetof(struct mount_config, exec_ctx),
        .kill_context_offset = offsetof(struct mount_config, kill),
        .timeout_stop_usec = mount_timeout_stop_usec,
};
