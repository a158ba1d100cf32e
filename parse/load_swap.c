/* Loading swap units (systemd.swap(5)): the name is the escaped What=;
 * a swap on a device needs that device, one in a file the mounts of its
 * path and, when it comes from a file (fstab's, through the generator),
 * the root remounted writable first; by default it goes away with
 * umount.target. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/load_internal.h"

static int swap_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct swap_config *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->priority = -1;
        w->timeout_usec = timeout_start_usec;
        kill_context_init(&w->kill);
        exec_context_init(&w->exec_ctx);
        u->swap = w;
        return 0;
}

static void swap_free(struct unit *u)
{
        free(u->swap->what.path);
        free(u->swap->what.origin);
        free(u->swap->options);
        exec_context_free(&u->swap->exec_ctx);
}

static int swap_finish(struct load_context *ctx, struct unit *u)
{
        struct swap_config *w = u->swap;
        char prefix[UNIT_NAME_MAX + 1], *name = NULL;
        int r;

        snprintf(prefix, sizeof prefix, "%.*s", (int) (strlen(u->id) - strlen(".swap")), u->id);
        if (!w->what.path && (r = unit_name_path_unescape(prefix, &w->what.path)) < 0)
                return r == -ENOMEM ? r : load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                                    "Cannot generate a device path from the unit name. Refusing.");
        r = load_verify_name_matches(ctx, u, &w->what, "What");
        if (r < 0)
                return r;
        if (strncmp(w->what.path, "/dev/", 5) == 0) {
                r = unit_name_from_path(w->what.path, ".device", &name);
                if (r >= 0)
                        r = load_add_two_dependencies_by_name(ctx, u, UNIT_AFTER, UNIT_REQUIRES, name);
                free(name);
        } else {
                r = load_add_mounts_for(ctx, u, w->what.path);
                /* swapon opens the file for writing: on a root still
                 * read-only it fails (systemd's swap_add_device_dependencies). */
                if (r >= 0 && u->fragment_dir)
                        r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "systemd-remount-fs.service");
        }
        if (r < 0 || !u->default_dependencies)
                return r;
        return load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "umount.target");
}

static uint64_t swap_timeout_stop_usec(const struct unit *u)
{
        return u->swap->timeout_usec;
}

const struct unit_load_ops swap_load_ops = {
        .ignore_on_isolate = true,
        .section = "Swap",
        .alloc = swap_alloc,
        .free = swap_free,
        .finish = swap_finish,
        .runs_processes = true,
        .exec_context_offset = offsetof(struct swap_config, exec_ctx),
        .kill_context_offset = offsetof(struct swap_config, kill),
        .timeout_stop_usec = swap_timeout_stop_usec,
};
