/* Loading units from files into the unit table; see load.h. */
#include "parse/load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/directives.h"
#include "parse/lex.h"
#include "parse/load_internal.h"
#include "parse/load_types.h"

struct lex_state {
        struct load_context *ctx;
        struct unit *unit;
};

static int on_assignment(void *userdata, const char *file, unsigned line, const char *section, const char *key,
                         const char *value)
{
        struct lex_state *st = userdata;
        struct unit *u = st->unit;

        if (!key) {
                /* A section header: X- sections belong to other programs. */
                if (strncmp(section, "X-", 2) != 0 && !directive_section_known(u->type, section)) {
                        st->ctx->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, file, line, "Unknown section '%s'. Ignoring.", section);
                }
                return 0;
        }
        if (!section) {
                st->ctx->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, file, line, "Assignment outside of section. Ignoring.");
                return 0;
        }
        /* X- sections and keys belong to other programs: silently ignored. */
        if (strncmp(section, "X-", 2) == 0 || strncmp(key, "X-", 2) == 0)
                return 0;
        if (!directive_section_known(u->type, section))
                return 0; /* said at the header */
        const struct directive_ctx dctx = {
                .load = st->ctx,
                .unit = u,
                .file = file,
                .line = line,
                .section = section,
                .key = key,
        };
        return directive_apply(&dctx, value);
}

int load_keyed_list(struct load_keyed_list *l, char ***dest, char sep, struct env_builder **ret)
{
        if (l->dest != dest || l->b.v != *dest || l->b.sep != sep) {
                load_keyed_list_drop(l);
                l->b.sep = sep;
                int r = env_builder_adopt(&l->b, *dest);
                if (r < 0) {
                        (void) env_builder_release(&l->b);
                        return r;
                }
                l->dest = dest;
        }
        *ret = &l->b;
        return 0;
}

void load_keyed_list_drop(struct load_keyed_list *l)
{
        (void) env_builder_release(&l->b);
        l->dest = NULL;
}

int load_strv_push(struct load_context *ctx, char ***l, char *item)
{
        /* Another list, or this one changed behind our back (an empty
         * assignment reset it): measure it again. */
        if (ctx->strv_dest != l || !*l || (*l)[ctx->strv_len]) {
                ctx->strv_dest = l;
                ctx->strv_len = ctx->strv_cap = strv_length(*l);
        }
        if (ctx->strv_len == ctx->strv_cap) {
                /* Exact while short, so a unit's few items cost no slack. */
                size_t cap = ctx->strv_cap < 8 ? ctx->strv_cap + 1 : 2 * ctx->strv_cap;
                char **v = realloc(*l, (cap + 1) * sizeof *v);
                if (!v) {
                        free(item);
                        return -ENOMEM;
                }
                *l = v;
                ctx->strv_cap = cap;
        }
        (*l)[ctx->strv_len++] = item;
        (*l)[ctx->strv_len] = NULL;
        return 0;
}

/* Parse path into u: from ahead when the file was read already. */
static int load_file(struct load_context *ctx, struct unit *u, const char *path, const struct lex_file *ahead)
{
        struct lex_state st = { .ctx = ctx, .unit = u };
        int r = ahead ? lex_parse_read_file(path, ahead, on_assignment, &st) : lex_parse_file(path, on_assignment, &st);

        /* The lists stay the unit's; only their indexes go. */
        load_keyed_list_drop(&ctx->env);
        load_keyed_list_drop(&ctx->cred);
        ctx->exec_dest = NULL;
        ctx->cond_dest = NULL;
        ctx->strv_dest = NULL;
        return r;
}

int unit_load_file(struct load_context *ctx, struct unit *u, const char *path)
{
        return load_file(ctx, u, path, NULL);
}

/* A fragment the index has not stat'ed (UNIT_LOOKUP_DEFER_EMPTY) is read
 * now, where its emptiness decides whether the unit is masked, and parsed
 * from what was read later on. Only when it cannot be read is it stat'ed,
 * since an empty file masks even so. */
static bool read_ahead_empty(const char *path, struct lex_file *ahead)
{
        struct stat st;

        lex_file_read(path, ahead);
        if (ahead->error == 0)
                return ahead->len == 0;
        return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

int load_add_dependency_by_name(struct load_context *ctx, struct unit *u, enum unit_dependency kind,
                                  const char *name)
{
        struct unit *other;
        int r = unit_table_intern(ctx->table, name, &other);
        if (r < 0)
                return r;
        return unit_add_dependency(u, kind, other);
}

int load_add_two_dependencies_by_name(struct load_context *ctx, struct unit *u, enum unit_dependency a,
                                        enum unit_dependency b, const char *name)
{
        int r = load_add_dependency_by_name(ctx, u, a, name);
        return r < 0 ? r : load_add_dependency_by_name(ctx, u, b, name);
}

/* A load failure of u: log it once, record it, and return it. A missing
 * unit is common (dependencies on units that are not installed) and only
 * an error when someone asks for that unit, so it is logged at debug. */
int load_fail(struct load_context *ctx, struct unit *u, enum unit_load_state state, int err, const char *fmt,
                const char *what)
{
        char msg[1024];
        snprintf(msg, sizeof msg, fmt, what);
        u->load_state = state;
        u->load_error = err;
        if (state == UNIT_NOT_FOUND)
                return log_full(LOG_LEVEL_DEBUG, err, "%s: %s", u->id, msg);
        ctx->n_errors++;
        return log_error_errno(err, "%s: %s", u->id, msg);
}

static int add_directory_dependencies(struct load_context *ctx, struct unit *u, char *const *names,
                                      enum unit_dependency kind)
{
        STRV_FOREACH(name, names) {
                int r = load_add_dependency_by_name(ctx, u, kind, *name);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        ctx->n_warnings++;
                        log_warning("%s: invalid unit name in .%s/ directory, ignoring: %s", u->id,
                                    kind == UNIT_WANTS ? "wants" : "requires", *name);
                }
        }
        return 0;
}

/* Give u the aliases the index found (stubs so far) as names. */
static int adopt_names(struct load_context *ctx, struct unit *u, char *const *names)
{
        STRV_FOREACH(name, names) {
                struct unit *other;
                if (strcmp(*name, u->id) == 0)
                        continue;
                int r = unit_table_intern(ctx->table, *name, &other);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 || other == u)
                        continue;
                if (other->load_state != UNIT_STUB) {
                        log_warning("%s: alias %s is already a unit of its own, ignoring.", u->id, *name);
                        continue;
                }
                r = unit_merge(ctx->table, other, u);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* systemd's unit_set_default_slice for an instance of a template (of a
 * type that has a cgroup in systemd): its template's own slice,
 * system-PREFIX.slice (the prefix escaped once more, since "-" nests
 * slices), which sits in system.slice. systemd starts that slice even when
 * the instance's conditions then skip it (getty@tty1 in a container). */
static int add_template_slice(struct load_context *ctx, struct unit *u)
{
        char *prefix = NULL, *escaped = NULL, *slice = NULL;
        int r;

        if (!u->instance || (u->type != UNIT_SERVICE && u->type != UNIT_SOCKET && u->type != UNIT_MOUNT &&
                             u->type != UNIT_SWAP && u->type != UNIT_SCOPE))
                return 0;
        r = unit_name_to_prefix(u->id, &prefix);
        if (r >= 0)
                r = unit_name_escape(prefix, &escaped);
        if (r >= 0 && asprintf(&slice, "system-%s.slice", escaped) < 0) {
                slice = NULL;
                r = -ENOMEM;
        }
        if (r >= 0)
                r = load_add_two_dependencies_by_name(ctx, u, UNIT_AFTER, UNIT_REQUIRES, slice);
        free(prefix);
        free(escaped);
        free(slice);
        return r;
}

/* RequiresMountsFor= of any unit, and Slice=: After= and Requires= on
 * the slice, as systemd's unit_add_slice_dependencies (the default slice,
 * system.slice, is not added: weft runs no cgroups; an instance's template
 * slice is, see add_template_slice). */
static int add_path_and_slice_dependencies(struct load_context *ctx, struct unit *u)
{
        int r = 0;
        STRV_FOREACH(p, unit_extra(u)->requires_mounts_for)
                if ((r = load_add_mounts_for(ctx, u, *p)) < 0)
                        return r;
        const char *slice = unit_extra(u)->slice;
        if (!slice)
                return add_template_slice(ctx, u);
        if (unit_name_to_type(slice) != UNIT_SLICE) {
                ctx->n_warnings++;
                log_warning("%s: Slice= must name a .slice unit, ignoring: %s", u->id, slice);
                return 0;
        }
        return load_add_two_dependencies_by_name(ctx, u, UNIT_AFTER, UNIT_REQUIRES, slice);
}

static int load_from_lookup(struct load_context *ctx, struct unit *u, struct unit_lookup *l,
                            struct lex_file *ahead)
{
        int r;

        /* A unit known by its id alone keeps no list (most units). */
        bool id_only = !l->names || (l->names[0] && !l->names[1] && strcmp(l->names[0], u->id) == 0);
        if (!id_only && !(u->names = strv_copy(l->names)))
                return -ENOMEM;
        /* The name that is the id shares its string (unit_free knows). */
        for (char **n = u->names; n && *n; n++)
                if (*n != u->id && strcmp(*n, u->id) == 0) {
                        free(*n);
                        *n = u->id;
                }
        r = adopt_names(ctx, u, l->names);
        if (r < 0)
                return r;
        if (l->fragment && (r = unit_set_fragment_path(u, l->fragment)) < 0)
                return r;
        u->instance = l->instance;
        l->instance = NULL;

        bool read_ahead = l->fragment && l->maybe_empty;
        if (l->masked || (read_ahead && read_ahead_empty(l->fragment, ahead))) {
                u->load_state = UNIT_MASKED;
                return 0;
        }
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        /* systemd's perpetual init.scope exists without a file. */
        bool from_kernel = !u->fragment_dir && !(ops && ops->fragment_optional) &&
                           !(u->type == UNIT_SCOPE && strcmp(u->id, INIT_SCOPE) == 0);
        if (from_kernel && !ctx->from_kernel)
                return load_fail(ctx, u, UNIT_NOT_FOUND, -ENOENT, "%s", "Unit not found.");
        if (u->instance && !*u->instance)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -EINVAL, "%s",
                            "Cannot load a template unit without an instance.");

        u->dropin_paths = l->dropins;
        l->dropins = NULL;
        r = unit_alloc_config(u, ctx->default_timeout_start_usec, ctx->default_timeout_stop_usec);
        if (r < 0)
                return r;
        if (from_kernel) {
                r = ctx->from_kernel(ctx, u);
                if (r <= 0) {
                        unit_free_config(u);
                        if (r < 0)
                                return r;
                        return load_fail(ctx, u, UNIT_NOT_FOUND, -ENOENT, "%s", "Unit not found.");
                }
        }
        r = l->fragment ? load_file(ctx, u, l->fragment, read_ahead ? ahead : NULL) : 0;
        STRV_FOREACH(d, u->dropin_paths)
                if (r >= 0)
                        r = unit_load_file(ctx, u, *d);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                /* The lexer or the directive already said what and where. */
                ctx->n_errors++;
                u->load_state = r == -ENOEXEC ? UNIT_BAD_SETTING : UNIT_ERROR;
                u->load_error = r;
                return r;
        }
        u->load_state = UNIT_LOADED;

        r = add_directory_dependencies(ctx, u, l->wants, UNIT_WANTS);
        if (r >= 0)
                r = add_directory_dependencies(ctx, u, l->requires, UNIT_REQUIRES);
        if (r < 0)
                return r;
        r = ops && ops->finish ? ops->finish(ctx, u) : 0;
        if (r < 0 || u->load_state != UNIT_LOADED)
                return r;
        return add_path_and_slice_dependencies(ctx, u);
}

int unit_load(struct load_context *ctx, struct unit *u)
{
        struct unit_lookup l = { 0 };
        int r;

        u = unit_follow(u);
        if (u->load_state != UNIT_STUB)
                return u->load_error;
        if (!unit_type_supported(u->type)) {
                u->load_state = UNIT_NOT_FOUND;
                u->load_error = -EOPNOTSUPP;
                return u->load_error;
        }
        r = unit_path_lookup_flags(ctx->index, u->id, UNIT_LOOKUP_DEFER_EMPTY, &l);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                r = load_fail(ctx, u, UNIT_ERROR, r, "Failed to look up unit file: %s", strerror(-r));
                goto out;
        }
        if (strcmp(l.id, u->id) != 0) {
                /* u is an alias: load the unit it names and become one of its names. */
                struct unit *target;
                r = unit_table_intern(ctx->table, l.id, &target);
                if (r >= 0 && target->load_state == UNIT_STUB)
                        r = unit_load(ctx, target);
                if (r == -ENOMEM)
                        goto out;
                if (u->load_state == UNIT_STUB) {
                        int k = unit_merge(ctx->table, u, unit_follow(target));
                        if (k < 0) {
                                r = k;
                                goto out;
                        }
                }
                goto out;
        }
        struct lex_file ahead = { 0 };
        r = load_from_lookup(ctx, u, &l, &ahead);
        lex_file_done(&ahead);
        if (r >= 0)
                unit_settle(ctx->table, u);
out:
        unit_lookup_done(&l);
        return r;
}

/* systemd's unit_add_default_target_dependency: a target is ordered after
 * what it pulls in, when both sides want default dependencies and the
 * opposite order was not asked for. Sealed targets had theirs. */
static int add_target_orderings(struct unit_table *t)
{
        static const enum unit_dependency pulls[] = { UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS, UNIT_BINDS_TO };

        for (size_t i = t->n_sealed; i < t->n_units; i++) {
                struct unit *target = t->units[i];
                if (target->type != UNIT_TARGET || target->load_state != UNIT_LOADED ||
                    !target->default_dependencies)
                        continue;
                for (size_t k = 0; k < sizeof pulls / sizeof pulls[0]; k++) {
                        size_t it = 0;
                        struct unit *other;
                        while ((other = unit_next_dep(target, pulls[k], &it))) {
                                size_t jt = 0;
                                struct unit *before;
                                bool ordered_before = false;
                                if (other->load_state != UNIT_LOADED || !other->default_dependencies)
                                        continue;
                                while ((before = unit_next_dep(target, UNIT_BEFORE, &jt)))
                                        if (before == other)
                                                ordered_before = true;
                                if (ordered_before)
                                        continue;
                                int r = unit_add_dependency(target, UNIT_AFTER, other);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        return 0;
}

int unit_load_all(struct load_context *ctx)
{
        struct unit_table *t = ctx->table;
        int r;

        /* Loading interns new units at the end of the array, so this loop
         * reaches everything transitively referenced, once each. Sealed
         * units were loaded before: a load at run time costs what it adds. */
        for (size_t i = t->n_sealed; i < t->n_units; i++) {
                r = unit_load(ctx, t->units[i]);
                if (r == -ENOMEM)
                        return r;
        }
        r = unit_table_finalize_edges(t);
        if (r < 0)
                return r;
        r = add_target_orderings(t);
        if (r < 0)
                return r;
        return unit_table_finalize_edges(t);
}
