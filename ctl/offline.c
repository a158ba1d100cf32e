/* Offline unit loading for weftctl; see offline.h. */
#include "ctl/offline.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "core/strv.h"
#include "parse/config.h"

int offline_argument(char ***unit_paths, const char *arg, char **ret_name)
{
        if (!strchr(arg, '/'))
                return (*ret_name = strdup(arg)) ? 0 : -ENOMEM;

        char *copy = strdup(arg), *copy2 = strdup(arg);
        int r = -ENOMEM;
        if (!copy || !copy2)
                goto out;
        const char *dir = dirname(copy);
        char *abs = realpath(dir, NULL);
        if (!abs) {
                r = -errno;
                goto out;
        }
        if (!strv_contains(*unit_paths, abs)) {
                /* Prepend: the file's own directory wins over the rest. */
                char **n = NULL;
                r = strv_consume(&n, abs);
                abs = NULL;
                STRV_FOREACH(p, *unit_paths)
                        if (r >= 0)
                                r = strv_extend(&n, *p);
                if (r < 0) {
                        strv_free(n);
                        goto out;
                }
                strv_free(*unit_paths);
                *unit_paths = n;
        }
        free(abs);
        *ret_name = strdup(basename(copy2));
        r = *ret_name ? 0 : -ENOMEM;
out:
        free(copy);
        free(copy2);
        return r;
}

int offline_unit_paths(char *const *given, char ***ret)
{
        struct weft_config config;
        int r;

        if (given) {
                *ret = strv_copy(given);
                return *ret ? 0 : -ENOMEM;
        }
        r = config_init(&config);
        if (r < 0)
                return r;
        *ret = config.unit_paths;
        config.unit_paths = NULL;
        config_done(&config);
        return 0;
}

int offline_open(struct offline *o, char *const *unit_paths)
{
        int r;

        *o = (struct offline) { 0 };
        unit_table_init(&o->table);
        /* Absolute paths, so FragmentPath= and %y read as systemd's do. */
        STRV_FOREACH(p, unit_paths) {
                char *abs = realpath(*p, NULL);
                r = abs ? strv_consume(&o->unit_paths, abs) : strv_extend(&o->unit_paths, *p);
                if (r < 0)
                        return r;
        }
        r = unit_path_index_build(o->unit_paths, &o->index);
        if (r < 0)
                return r;
        o->load = (struct load_context) { .table = &o->table, .index = o->index };
        return 0;
}

void offline_close(struct offline *o)
{
        unit_table_done(&o->table);
        unit_path_index_free(o->index);
        strv_free(o->unit_paths);
        *o = (struct offline) { 0 };
}
