/* Loading path units (systemd.path(5)): the [Path] settings' defaults and
 * what they own, the parser of the five path settings, and the finish:
 * the unit it triggers, the default dependencies of systemd's
 * path_add_extras and the refusal of its path_verify. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "parse/directive_parsers.h"
#include "parse/load_internal.h"

static const char *const path_type_table[_PATH_TYPE_MAX] = {
        [PATH_EXISTS] = "PathExists",
        [PATH_EXISTS_GLOB] = "PathExistsGlob",
        [PATH_DIRECTORY_NOT_EMPTY] = "DirectoryNotEmpty",
        [PATH_CHANGED] = "PathChanged",
        [PATH_MODIFIED] = "PathModified",
};

const char *path_type_to_string(enum path_type t)
{
        return t >= 0 && t < _PATH_TYPE_MAX ? path_type_table[t] : NULL;
}

static int path_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct path_config *p = malloc(sizeof *p);
        if (!p)
                return -ENOMEM;
        *p = (struct path_config) {
                .directory_mode = 0755,
                .trigger_limit_interval_usec = USEC_INFINITY,
                .trigger_limit_burst = UINT_MAX,
        };
        u->path = p;
        return 0;
}

static void free_specs(struct path_config *p)
{
        for (unsigned i = 0; i < p->n_specs; i++)
                free(p->specs[i].path);
        free(p->specs);
        p->specs = NULL;
        p->n_specs = 0;
}

static void path_free(struct unit *u)
{
        free_specs(u->path);
        free(u->path->unit);
}

/* "/a//b/./c/" -> "/a/b/c", in place. Returns false for a path with a ".."
 * component, which systemd refuses as unsafe. */
static bool simplify(char *path)
{
        char *w = path;
        const char *r = path;
        while (*r) {
                if (*r == '/') {
                        while (*r == '/')
                                r++;
                        if (r[0] == '.' && (r[1] == '/' || !r[1])) {
                                r++;
                                continue;
                        }
                        if (r[0] == '.' && r[1] == '.' && (r[2] == '/' || !r[2]))
                                return false;
                        *w++ = '/';
                        continue;
                }
                *w++ = *r++;
        }
        if (w > path + 1 && w[-1] == '/')
                w--;
        if (w == path)
                *w++ = '/';
        *w = 0;
        return true;
}

/* PathExists= and the four others: one more path to watch; an empty value
 * forgets every path set so far (of every kind, as systemd does). */
int directive_parse_path_spec(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct path_config *p = ctx->unit->path;
        if (!*value) {
                free_specs(p);
                return 0;
        }
        if (*value != '/' || strlen(value) >= PATH_MAX) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "%s= path is not absolute, ignoring: %s", ctx->key, value);
                return 0;
        }
        char *path = strdup(value);
        if (!path)
                return -ENOMEM;
        if (!simplify(path)) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "%s= path is not normalized, ignoring: %s", ctx->key, value);
                free(path);
                return 0;
        }
        struct path_spec *n = realloc(p->specs, (p->n_specs + 1) * sizeof *n);
        if (!n) {
                free(path);
                return -ENOMEM;
        }
        p->specs = n;
        n[p->n_specs++] = (struct path_spec) { .type = (enum path_type) arg, .path = path };
        return 0;
}

/* The unit a path starts: Unit=, else its own name with .service. */
static int trigger_name(const struct unit *u, char **ret)
{
        if (u->path->unit)
                return (*ret = strdup(u->path->unit)) ? 0 : -ENOMEM;
        size_t n = strlen(u->id) - strlen(".path");
        char *name = malloc(n + sizeof ".service");
        if (!name)
                return -ENOMEM;
        memcpy(name, u->id, n);
        strcpy(name + n, ".service");
        *ret = name;
        return 0;
}

/* systemd's path_add_extras and path_verify. */
static int path_finish(struct load_context *ctx, struct unit *u)
{
        struct path_config *p = u->path;
        char *name;
        int r;

        if (!p->n_specs) {
                char fragment[PATH_MAX];
                log_syntax(LOG_LEVEL_ERROR, 0, unit_fragment_path(u, fragment, sizeof fragment), 0, "%s",
                           "No PathExists=, PathExistsGlob=, PathChanged=, PathModified= or DirectoryNotEmpty= set.");
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                 "Path unit lacks path setting. Refusing.");
        }
        if (p->unit && unit_name_to_type(p->unit) == UNIT_PATH)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "Unit= must not name a .path unit: %s",
                                 p->unit);
        r = trigger_name(u, &name);
        if (r < 0)
                return r;
        r = load_add_two_dependencies_by_name(ctx, u, UNIT_BEFORE, UNIT_TRIGGERS, name);
        free(name);
        if (r < 0 || !u->default_dependencies)
                return r;
        r = load_add_dependency_by_name(ctx, u, UNIT_BEFORE, "paths.target");
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target");
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
        return r;
}

const struct unit_load_ops path_load_ops = {
        .section = "Path",
        .alloc = path_alloc,
        .free = path_free,
        .finish = path_finish,
};
