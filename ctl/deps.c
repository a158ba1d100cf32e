/* `weftctl list-dependencies [--reverse] [--all] [UNIT]`: the tree of what
 * a unit pulls in (Requires, Requisite, Wants, BindsTo, Upholds and a
 * target's ConsistsOf), or with --reverse of what pulls it in, drawn as
 * systemctl draws it:
 *
 *   multi-user.target
 *   ● ├─foo.service
 *   ● └─basic.target
 *   ●   └─sysinit.target
 *
 * Siblings are sorted by name, targets last; only targets are expanded
 * unless --all; a unit already on the path shows as "...". Offline, from
 * the unit files (ctl/offline.h): every unit on the search path is loaded
 * for --reverse, so each WantedBy/RequiredBy edge is known. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/strv.h"
#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/offline.h"

static const enum unit_dependency forward[] = { UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS,
                                                UNIT_BINDS_TO, UNIT_UPHOLDS,   UNIT_CONSISTS_OF };
static const enum unit_dependency reverse[] = { UNIT_REQUIRED_BY, UNIT_REQUISITE_OF, UNIT_WANTED_BY,
                                                UNIT_BOUND_BY,    UNIT_UPHELD_BY,    UNIT_PART_OF };

static int compare(const void *a, const void *b)
{
        const char *x = *(char *const *) a, *y = *(char *const *) b;
        bool tx = unit_name_to_type(x) == UNIT_TARGET, ty = unit_name_to_type(y) == UNIT_TARGET;
        if (tx != ty)
                return tx ? 1 : -1;
        return strcasecmp(x, y);
}

static int children(const struct ctl_options *opts, const struct unit *u, char ***ret)
{
        const enum unit_dependency *kinds = opts->reverse ? reverse : forward;
        char **l = NULL;
        struct unit *o;

        for (size_t k = 0; k < ELEMENTSOF(forward); k++)
                for (size_t i = 0; (o = unit_next_dep(u, kinds[k], &i));)
                        if (!strv_contains(l, o->id) && strv_extend(&l, o->id) < 0) {
                                strv_free(l);
                                return -ENOMEM;
                        }
        if (l)
                qsort(l, strv_length(l), sizeof *l, compare);
        *ret = l;
        return 0;
}

static int walk(const struct ctl_options *opts, const struct unit_table *t, const struct unit *u, unsigned level,
                char ***path, uint64_t branches)
{
        char **deps = NULL, prefix[512];
        int r = children(opts, u, &deps);

        if (r < 0 || strv_extend(path, u->id) < 0) {
                strv_free(deps);
                return -ENOMEM;
        }
        STRV_FOREACH(c, deps) {
                bool last = !c[1];
                if (strv_contains(*path, *c)) {
                        printf("  %s...\n", ctl_tree_prefix(prefix, sizeof prefix, level + 1,
                                                           (branches << 1) | (last ? 0 : 1), true));
                        continue;
                }
                printf("● %s%s\n", ctl_tree_prefix(prefix, sizeof prefix, level, branches, last), *c);
                const struct unit *o = unit_table_get(t, *c);
                if (o && level < 60 && (opts->all || unit_name_to_type(*c) == UNIT_TARGET)) {
                        r = walk(opts, t, o, level + 1, path, (branches << 1) | (last ? 0 : 1));
                        if (r < 0)
                                break;
                }
        }
        size_t n = strv_length(*path);
        free((*path)[n - 1]);
        (*path)[n - 1] = NULL;
        strv_free(deps);
        return r < 0 ? r : 0;
}

/* Every unit file name on the search path (no templates), for --reverse. */
static int intern_all(struct offline *o)
{
        STRV_FOREACH(d, o->unit_paths) {
                DIR *dir = opendir(*d);
                struct dirent *e;
                if (!dir)
                        continue;
                while ((e = readdir(dir))) {
                        struct unit *u;
                        if (unit_name_is_valid(e->d_name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) &&
                            unit_table_intern(&o->table, e->d_name, &u) == -ENOMEM) {
                                closedir(dir);
                                return -ENOMEM;
                        }
                }
                closedir(dir);
        }
        return 0;
}

int cmd_list_dependencies(const struct ctl_options *opts, char **args)
{
        const char *name = args && *args ? *args : "default.target";
        char **paths = NULL, **path = NULL, *full = NULL;
        struct offline o;
        struct unit *u;
        enum log_level level = log_get_level();
        int r, status = 1;

        if (args && *args && args[1]) {
                fprintf(stderr, "%s: list-dependencies: name one unit.\n", opts->program);
                return 1;
        }
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) &&
            asprintf(&full, "%s.service", name) >= 0)
                name = full;
        r = offline_paths_for(opts, &paths);
        if (r >= 0)
                r = offline_open(&o, paths, offline_root_for(opts));
        if (r < 0) {
                fprintf(stderr, "%s: cannot read the unit path: %s\n", opts->program, strerror(-r));
                goto out;
        }
        r = unit_table_intern(&o.table, name, &u);
        if (r < 0) {
                fprintf(stderr, "%s: invalid unit name: %s\n", opts->program, name);
                goto close;
        }
        /* Other units' mistakes are verify's business, not this tree's. */
        if (level < LOG_LEVEL_DEBUG)
                log_set_level(LOG_LEVEL_ERROR);
        if (opts->reverse)
                r = intern_all(&o);
        if (r >= 0)
                r = unit_load_all(&o.load);
        log_set_level(level);
        if (r < 0) {
                fprintf(stderr, "%s: out of memory\n", opts->program);
                goto close;
        }
        u = unit_table_get(&o.table, name);
        printf("%s\n", u->id);
        if (walk(opts, &o.table, u, 0, &path, 0) < 0)
                fprintf(stderr, "%s: out of memory\n", opts->program);
        else
                status = 0;
close:
        offline_close(&o);
out:
        strv_free(paths);
        strv_free(path);
        free(full);
        return status;
}
