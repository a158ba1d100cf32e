/* Offline unit loading for weftctl; see offline.h. */
#include "ctl/offline.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strv.h"
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
        /* `weftctl verify DIR/FILE...` names one directory hundreds of times:
         * resolve it once (weftctl is single-threaded). */
        static char *last_dir, *last_abs;
        char *abs = NULL;
        if (last_dir && strcmp(last_dir, dir) == 0)
                abs = strdup(last_abs);
        else {
                abs = realpath(dir, NULL);
                if (!abs) {
                        r = -errno;
                        goto out;
                }
                free(last_dir);
                free(last_abs);
                last_dir = strdup(dir);
                last_abs = strdup(abs);
                if (!last_dir || !last_abs) {
                        free(last_dir);
                        free(last_abs);
                        last_dir = last_abs = NULL;
                }
        }
        if (!abs)
                goto out;
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

int offline_open(struct offline *o, char *const *unit_paths, const char *root)
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
        r = unit_path_index_build_rooted(o->unit_paths, root, &o->index);
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

/* A name for one argument: its unit, or for a template, an instance of it. */
static int argument_name(char ***paths, const char *arg, bool instantiate_templates, char **ret)
{
        char *name;
        int r = offline_argument(paths, arg, &name);
        if (r < 0)
                return r;
        if (instantiate_templates && unit_name_is_valid(name, UNIT_NAME_TEMPLATE)) {
                char *instance;
                r = unit_name_replace_instance(name, "test_instance", &instance);
                free(name);
                if (r < 0)
                        return r;
                name = instance;
        }
        *ret = name;
        return 0;
}

int offline_load_arguments(const char *verb, char *const *given_paths, const char *root, char *const *args,
                           bool instantiate_templates, struct offline *o, char ***ret_names)
{
        char **paths = NULL, **names = NULL;
        int r, bad = 0;

        r = offline_unit_paths(given_paths, &paths);
        STRV_FOREACH(a, args) {
                char *name;
                if (r < 0)
                        break;
                int k = argument_name(&paths, *a, instantiate_templates, &name);
                if (k == -ENOMEM)
                        r = k;
                else if (k < 0) {
                        log_error("%s: %s: %s", verb, *a, strerror(-k));
                        bad++;
                } else
                        r = strv_consume(&names, name);
        }
        if (r >= 0) {
                r = offline_open(o, paths, root);
                if (r < 0)
                        log_error("%s: cannot read the unit path: %s", verb, strerror(-r));
        }
        STRV_FOREACH(n, names) {
                struct unit *u;
                if (r >= 0 && unit_table_intern(&o->table, *n, &u) < 0) {
                        log_error("%s: invalid unit name: %s", verb, *n);
                        bad++;
                }
        }
        if (r >= 0 && (r = unit_load_all(&o->load)) < 0)
                offline_close(o);
        strv_free(paths);
        if (r < 0) {
                if (r == -ENOMEM)
                        log_error("%s: out of memory", verb);
                strv_free(names);
                return r;
        }
        *ret_names = names;
        return bad;
}
