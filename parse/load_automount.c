/* Loading automount units (systemd.automount(5)): the name is the escaped
 * Where=, the automount triggers the mount unit of the same path, and
 * sits on the mount of its parent directory; by default it is up before
 * local-fs.target and goes away with umount.target. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/load_internal.h"

static int automount_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct automount_config *a = calloc(1, sizeof *a);
        if (!a)
                return -ENOMEM;
        a->directory_mode = 0755;
        u->automount = a;
        return 0;
}

static void automount_free(struct unit *u)
{
        free(u->automount->where.path);
        free(u->automount->where.origin);
        free(u->automount->extra_options);
}

static int automount_finish(struct load_context *ctx, struct unit *u)
{
        struct automount_config *a = u->automount;
        char prefix[UNIT_NAME_MAX + 1], *name = NULL;
        int r;

        snprintf(prefix, sizeof prefix, "%.*s", (int) (strlen(u->id) - strlen(".automount")), u->id);
        if (!a->where.path && (r = unit_name_path_unescape(prefix, &a->where.path)) < 0)
                return r == -ENOMEM ? r : load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                                    "Cannot generate a mount point from the unit name. Refusing.");
        r = load_verify_name_matches(ctx, u, &a->where, "Where");
        if (r < 0)
                return r;
        if (strcmp(a->where.path, "/") == 0)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s", "Cannot have an automount unit for the root directory. Refusing.");
        r = unit_name_from_path(a->where.path, ".mount", &name);
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_BEFORE, UNIT_TRIGGERS, name);
        free(name);
        if (r < 0)
                return r;
        char *parent = strdup(a->where.path), *slash;
        if (!parent)
                return -ENOMEM;
        slash = strrchr(parent, '/');
        slash[slash == parent ? 1 : 0] = 0;
        r = load_add_mounts_for(ctx, u, parent);
        free(parent);
        if (r < 0 || !u->default_dependencies)
                return r;
        r = load_add_dependency_by_name(ctx, u, UNIT_BEFORE, "local-fs.target");
        if (r >= 0)
                r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "local-fs-pre.target");
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "umount.target");
        return r;
}

const struct unit_load_ops automount_load_ops = {
        .ignore_on_isolate = true,
        .section = "Automount",
        .alloc = automount_alloc,
        .free = automount_free,
        .finish = automount_finish,
};
