/* Loading slice units (systemd.slice(5)): a node of the resource tree,
 * named after its place in it (a-b.slice sits in a.slice, which sits in
 * the root slice -.slice). weft runs no cgroups, so a slice is a point to
 * order against. As in systemd, a slice needs no file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/load_internal.h"

/* a-b-c.slice -> a-b.slice, a.slice -> -.slice, -.slice -> none (0). */
static int parent_slice(const char *id, char **ret)
{
        if (strcmp(id, "-.slice") == 0)
                return 0;
        const char *dash = strrchr(id, '-');
        if (!dash || dash == id)
                return (*ret = strdup("-.slice")) ? 1 : -ENOMEM;
        size_t n = (size_t) (dash - id);
        char *p = malloc(n + sizeof ".slice");
        if (!p)
                return -ENOMEM;
        memcpy(p, id, n);
        strcpy(p + n, ".slice");
        *ret = p;
        return 1;
}

static int slice_finish(struct load_context *ctx, struct unit *u)
{
        char *parent = NULL;
        int r = parent_slice(u->id, &parent);
        if (r > 0) {
                /* systemd's UNIT_IN_SLICE: the parent is up first. */
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_AFTER, UNIT_REQUIRES, parent);
                free(parent);
        }
        if (r < 0 || !u->default_dependencies || strcmp(u->id, "-.slice") == 0)
                return r;
        /* Slices go away at shutdown. */
        return load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
}

const struct unit_load_ops slice_load_ops = {
        .ignore_on_isolate = true,
        .section = "Slice",
        .finish = slice_finish,
        .fragment_optional = true,
};
