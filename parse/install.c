/* Unit file installation: the search, the [Install] section and the links;
 * see install.h. The rules follow systemd 252's install.c:
 *  - a name is looked up in every directory of the search path, then (for
 *    an instance) its template in every directory;
 *  - a link to /dev/null or an empty file masks;
 *  - enable links ROOT/etc/systemd/system/ALIAS, T.wants/NAME (WantedBy=T)
 *    and T.requires/NAME (RequiredBy=T) to the unit file, and enables Also=
 *    units; a template takes its DefaultInstance=;
 *  - disable removes every link in ROOT/etc/systemd/system whose name, or
 *    whose name's template, or whose target's name is one of the units', and
 *    then the links to links it removed, and the folders it emptied. */
#include "parse/install.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strv.h"
#include "parse/lex.h"
#include "parse/unit_name.h"
#include "parse/word.h"

/* systemd 252's system search path (Debian), weft's own directory first;
 * the generators' and transient units' directories too, which
 * list-unit-files shows. */
static const char *const default_dirs[] = {
        "/etc/weft/system",              "/run/systemd/transient",
        "/run/systemd/generator.early",  "/etc/systemd/system",
        "/run/systemd/system",           "/run/systemd/generator",
        "/usr/local/lib/systemd/system", "/lib/systemd/system",
        "/usr/lib/systemd/system",       "/run/systemd/generator.late",
};
/* Where install_state's generated and transient states come from. */
static const char *const generated_dirs[] = { "/run/systemd/generator.early", "/run/systemd/generator",
                                              "/run/systemd/generator.late" };
/* Where enabled links are looked for (systemd's config directories). */
static const char *const config_dirs[] = { INSTALL_CONFIG_DIR, "/run/systemd/system" };

static bool in_dirs(const char *path, const char *const *dirs, size_t n);

static char *join(const char *a, const char *b)
{
        char *s;
        return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

static char *rooted(const struct install_ctx *c, const char *path)
{
        return join(c->root, path);
}

static const char *base(const char *path)
{
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

int install_ctx_init(struct install_ctx *c, const char *program, const char *root, char *const *unit_paths)
{
        *c = (struct install_ctx) { .program = program };
        c->root = strdup(root && strcmp(root, "/") != 0 ? root : "");
        if (!c->root)
                return -ENOMEM;
        size_t n = strlen(c->root);
        while (n > 0 && c->root[n - 1] == '/')
                c->root[--n] = 0;
        if (unit_paths) {
                for (size_t i = 0; i < sizeof config_dirs / sizeof *config_dirs; i++)
                        if (!strv_contains(unit_paths, config_dirs[i]) && strv_extend(&c->dirs, config_dirs[i]) < 0)
                                return -ENOMEM;
                STRV_FOREACH(d, unit_paths)
                        if (strv_extend(&c->dirs, *d) < 0)
                                return -ENOMEM;
                return 0;
        }
        for (size_t i = 0; i < sizeof default_dirs / sizeof *default_dirs; i++)
                if (strv_extend(&c->dirs, default_dirs[i]) < 0)
                        return -ENOMEM;
        return 0;
}

void install_ctx_done(struct install_ctx *c)
{
        free(c->root);
        strv_free(c->dirs);
        strv_free(c->changes);
        free(c->error);
        *c = (struct install_ctx) { 0 };
}

int install_search_path(const char *root, char ***ret)
{
        char **l = NULL;
        const char *r = root && strcmp(root, "/") != 0 ? root : "";
        for (size_t i = 0; i < sizeof default_dirs / sizeof *default_dirs; i++) {
                char *p = join(r, default_dirs[i]);
                if (!p || strv_consume(&l, p) < 0) {
                        strv_free(l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

/* Follow path's symlinks inside the tree (the last component, hop by
 * hop): the root-less result in *ret. Absolute targets are inside the root. */
static int chase(const struct install_ctx *c, const char *path, char **ret)
{
        char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (int hops = 0; hops < 32; hops++) {
                char *full = rooted(c, p), target[PATH_MAX];
                if (!full)
                        break;
                ssize_t n = readlink(full, target, sizeof target - 1);
                free(full);
                if (n < 0 || strcmp(p, "/dev/null") == 0) {
                        *ret = p;
                        return 0;
                }
                target[n] = 0;
                char *next;
                if (target[0] == '/')
                        next = strdup(target);
                else {
                        char *slash = strrchr(p, '/');
                        next = asprintf(&next, "%.*s/%s", (int) (slash - p), p, target) < 0 ? NULL : next;
                }
                free(p);
                if (!next)
                        return -ENOMEM;
                p = next;
        }
        free(p);
        return -ELOOP;
}

static bool masked_file(const struct install_ctx *c, const char *path)
{
        struct stat st;
        if (strcmp(path, "/dev/null") == 0)
                return true;
        char *full = rooted(c, path);
        bool empty = full && stat(full, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
        free(full);
        return empty;
}

static bool exists(const struct install_ctx *c, const char *path)
{
        struct stat st;
        char *full = rooted(c, path);
        bool r = full && lstat(full, &st) == 0;
        free(full);
        return r;
}

/* The first directory's entry for name: root-less, malloc'd, or NULL. */
static char *search(const struct install_ctx *c, const char *name)
{
        STRV_FOREACH(d, c->dirs) {
                char *p;
                if (asprintf(&p, "%s/%s", *d, name) < 0)
                        return NULL;
                if (exists(c, p))
                        return p;
                free(p);
        }
        return NULL;
}

static int add_words(char ***l, const char *value)
{
        const char *p = value;
        char *w;
        int r;
        while ((r = word_extract(&p, &w, NULL, WORD_UNQUOTE | WORD_RELAX)) > 0)
                if (strv_consume(l, w) < 0)
                        return -ENOMEM;
        return r;
}

static int on_assignment(void *userdata, const char *file, unsigned line, const char *section, const char *key,
                         const char *value)
{
        struct install_info *i = userdata;

        if (!key || !section || strcmp(section, "Install") != 0)
                return 0;
        if (strcmp(key, "WantedBy") == 0)
                return *value ? add_words(&i->wanted_by, value) : (strv_free(i->wanted_by), i->wanted_by = NULL, 0);
        if (strcmp(key, "RequiredBy") == 0)
                return *value ? add_words(&i->required_by, value) : (strv_free(i->required_by), i->required_by = NULL, 0);
        if (strcmp(key, "Alias") == 0)
                return *value ? add_words(&i->aliases, value) : (strv_free(i->aliases), i->aliases = NULL, 0);
        if (strcmp(key, "Also") == 0)
                return *value ? add_words(&i->also, value) : (strv_free(i->also), i->also = NULL, 0);
        if (strcmp(key, "DefaultInstance") == 0) {
                free(i->default_instance);
                i->default_instance = *value ? strdup(value) : NULL;
                return *value && !i->default_instance ? -ENOMEM : 0;
        }
        return 0;
}

void install_info_done(struct install_info *i)
{
        free(i->name);
        free(i->entry);
        free(i->path);
        strv_free(i->wanted_by);
        strv_free(i->required_by);
        strv_free(i->aliases);
        strv_free(i->also);
        free(i->default_instance);
        *i = (struct install_info) { 0 };
}

int install_find(struct install_ctx *c, const char *name, struct install_info *ret)
{
        struct install_info i = { 0 };
        char *template = NULL;
        int r = -ENOENT;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        i.entry = search(c, name);
        if (!i.entry && unit_name_is_valid(name, UNIT_NAME_INSTANCE) && unit_name_template(name, &template) >= 0)
                i.entry = search(c, template);
        if (!i.entry)
                goto fail;
        r = chase(c, i.entry, &i.path);
        if (r < 0)
                goto fail;
        r = -ENOMEM;
        if (masked_file(c, i.path)) {
                i.masked = true;
                free(i.path);
                i.path = NULL;
                if (!(i.name = strdup(name)))
                        goto fail;
                goto done;
        }
        if (!exists(c, i.path)) {
                r = -ENOENT; /* a dangling link */
                goto fail;
        }
        /* A link to a file of another name is an alias of that unit; an
         * instance keeps its own name over its template's file. */
        const char *file = base(i.path);
        if (template && strcmp(file, template) == 0)
                i.name = strdup(name);
        else if (strcmp(file, name) != 0) {
                i.alias = true;
                i.name = strdup(file);
        } else
                i.name = strdup(name);
        if (!i.name)
                goto fail;
        char *full = rooted(c, i.path);
        if (!full)
                goto fail;
        r = lex_parse_file(full, on_assignment, &i);
        free(full);
        if (r < 0)
                goto fail;
done:
        free(template);
        *ret = i;
        return 0;
fail:
        install_info_done(&i);
        free(template);
        return r;
}

static void fail(struct install_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct install_ctx *c, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        if (!c->collect) {
                vfprintf(stderr, fmt, ap);
                fputc('\n', stderr);
        } else if (!c->error && vasprintf(&c->error, fmt, ap) < 0)
                c->error = NULL;
        va_end(ap);
        c->status = 1;
}

/* A link made or removed: said, or kept for the bus (c->collect). */
static void changed(struct install_ctx *c, const char *type, const char *full, const char *target)
{
        if (c->collect) {
                if (strv_extend(&c->changes, type) < 0 || strv_extend(&c->changes, full) < 0 ||
                    strv_extend(&c->changes, target) < 0)
                        c->status = 1;
        } else if (c->quiet)
                ;
        else if (target[0])
                fprintf(stderr, "Created symlink %s → %s.\n", full, target);
        else
                fprintf(stderr, "Removed \"%s\".\n", full);
}

static void oom(struct install_ctx *c)
{
        fail(c, "%s: out of memory", c->program);
}

static int mkdir_parents(const char *full)
{
        char *p = strdup(full);
        if (!p)
                return -ENOMEM;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST) {
                        int r = -errno;
                        free(p);
                        return r;
                }
                *s = '/';
        }
        free(p);
        return 0;
}

/* Make link (root-less) point to target. An existing link to the same file
 * is left alone; with force a different one is replaced, else it is an
 * error worded as systemctl words it for verb. */
static int make_link(struct install_ctx *c, const char *verb, const char *link, const char *target, bool force)
{
        char *full = rooted(c, link), *dest = NULL;
        char old[PATH_MAX];
        struct stat st;
        int r = 0;

        if (!full) {
                oom(c);
                return -ENOMEM;
        }
        if (lstat(full, &st) == 0) {
                ssize_t n = S_ISLNK(st.st_mode) ? readlink(full, old, sizeof old - 1) : -1;
                if (n < 0) {
                        fail(c, "Failed to %s unit, file \"%s\" already exists.", verb, full);
                        r = -EEXIST;
                        goto out;
                }
                old[n] = 0;
                if (chase(c, link, &dest) < 0)
                        dest = NULL;
                if (strcmp(old, target) == 0 || (dest && strcmp(dest, target) == 0))
                        goto out;
                if (!force) {
                        fail(c, "Failed to %s unit, file \"%s\" already exists and is a symlink to \"%s\".", verb,
                             full, dest ? dest : old);
                        r = -EEXIST;
                        goto out;
                }
                if (unlink(full) < 0) {
                        r = -errno;
                        fail(c, "Failed to remove \"%s\": %s", full, strerror(-r));
                        goto out;
                }
                changed(c, "unlink", full, "");
        }
        r = mkdir_parents(full);
        if (r >= 0 && symlink(target, full) < 0)
                r = -errno;
        if (r < 0) {
                fail(c, "Failed to create symlink %s: %s", full, strerror(-r));
                goto out;
        }
        changed(c, "symlink", full, target);
out:
        free(full);
        free(dest);
        return r;
}

/* The name a .wants/.requires link of i gets; NULL for a template without
 * an instance or DefaultInstance= (nothing to link). */
static char *link_name(const struct install_info *i)
{
        char *s = NULL;
        if (!unit_name_is_valid(i->name, UNIT_NAME_TEMPLATE))
                return strdup(i->name);
        if (i->default_instance && unit_name_replace_instance(i->name, i->default_instance, &s) >= 0)
                return s;
        return NULL;
}

static bool has_install_info(const struct install_info *i)
{
        return i->wanted_by || i->required_by || i->aliases || i->also || i->default_instance;
}

static void enable_one(struct install_ctx *c, const char *name, char ***done, bool auxiliary)
{
        struct install_info i;
        char *full = NULL, *wname = NULL;
        int r;

        if (strv_contains(*done, name))
                return;
        if (strv_extend(done, name) < 0)
                return oom(c);
        r = install_find(c, name, &i);
        if (r == -ENOENT || r == -EINVAL) {
                if (!auxiliary)
                        fail(c, "Failed to enable unit, unit %s does not exist.", name);
                return;
        }
        if (r < 0) {
                fail(c, "Failed to enable unit %s: %s", name, strerror(-r));
                return;
        }
        if (i.masked) {
                full = rooted(c, i.entry);
                fail(c, "Failed to enable unit, unit %s is masked.", full ? full : i.entry);
                goto out;
        }
        if (!has_install_info(&i)) {
                c->no_install_info |= !auxiliary;
                if (!auxiliary && !c->quiet)
                        fprintf(stderr,
                                "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                                "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
                                "units). This means they are not meant to be enabled using systemctl.\n"
                                " \n"
                                "Possible reasons for having this kind of units are:\n"
                                "• A unit may be statically enabled by being symlinked from another unit's\n"
                                "  .wants/ or .requires/ directory.\n"
                                "• A unit's purpose may be to act as a helper for some other unit which has\n"
                                "  a requirement dependency on it.\n"
                                "• A unit may be started when needed via activation (socket, path, timer,\n"
                                "  D-Bus, udev, scripted systemctl call, ...).\n"
                                "• In case of template units, the unit is meant to be enabled with some\n"
                                "  instance name specified.\n");
                goto out;
        }
        STRV_FOREACH(a, i.aliases) {
                char *alias = NULL, *instance = NULL, *link = NULL;
                /* An instance's template alias takes the instance. */
                if (unit_name_is_valid(*a, UNIT_NAME_TEMPLATE) && unit_name_to_instance(i.name, &instance) >= 0 &&
                    *instance)
                        r = unit_name_replace_instance(*a, instance, &alias);
                else
                        r = (alias = strdup(*a)) ? 0 : -ENOMEM;
                if (r >= 0 && asprintf(&link, INSTALL_CONFIG_DIR "/%s", alias) >= 0)
                        make_link(c, "enable", link, i.path, c->force);
                free(alias);
                free(instance);
                free(link);
        }
        wname = link_name(&i);
        for (int kind = 0; kind < 2 && wname; kind++)
                STRV_FOREACH(t, kind == 0 ? i.wanted_by : i.required_by) {
                        char *link = NULL;
                        if (!unit_name_is_valid(*t, UNIT_NAME_ANY))
                                continue;
                        if (asprintf(&link, INSTALL_CONFIG_DIR "/%s.%s/%s", *t, kind == 0 ? "wants" : "requires",
                                     wname) < 0) {
                                oom(c);
                                break;
                        }
                        if (make_link(c, "enable", link, i.path, c->force) >= 0 && !c->quiet) {
                                char *target = search(c, *t);
                                if (!target) {
                                        char *p = rooted(c, i.path);
                                        fprintf(stderr, "Unit %s is added as a dependency to a non-existent unit %s.\n",
                                                p ? p : i.path, *t);
                                        free(p);
                                }
                                free(target);
                        }
                        free(link);
                }
        STRV_FOREACH(a, i.also)
                enable_one(c, *a, done, true);
out:
        free(wname);
        free(full);
        install_info_done(&i);
}

void install_enable(struct install_ctx *c, char *const *names)
{
        char **done = NULL;
        STRV_FOREACH(n, names)
                enable_one(c, *n, &done, false);
        strv_free(done);
}

static void mark_one(struct install_ctx *c, const char *name, char ***marks, char ***seen, bool auxiliary)
{
        struct install_info i;
        int r;

        if (strv_contains(*seen, name))
                return;
        if (strv_extend(seen, name) < 0)
                return oom(c);
        r = install_find(c, name, &i);
        if (r == -ENOENT || r == -EINVAL) {
                if (!auxiliary)
                        fail(c, "Failed to disable unit, unit %s does not exist.", name);
                return;
        }
        if (r < 0)
                return fail(c, "Failed to disable unit %s: %s", name, strerror(-r));
        if (i.masked) {
                char *full = rooted(c, i.entry);
                if (!c->quiet)
                        fprintf(stderr, "Unit %s is masked, ignoring.\n", full ? full : i.entry);
                free(full);
        } else if (strv_extend(marks, i.name) < 0)
                oom(c);
        else
                STRV_FOREACH(a, i.also)
                        mark_one(c, *a, marks, seen, true);
        install_info_done(&i);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

/* Remove the marked links under dir (root-less, recursively); set
 * *removed when one went, since a link to it may now be marked too. */
static void remove_marked(struct install_ctx *c, const char *dir, char ***marks, bool *removed)
{
        struct dirent **list = NULL;
        char *full = rooted(c, dir);
        int n = full ? scandir(full, &list, NULL, by_name) : -1;

        for (int k = 0; k < n; k++) {
                const char *name = list[k]->d_name;
                char *p = NULL, *pfull = NULL, *dest = NULL, *template = NULL;
                struct stat st;
                if (name[0] == '.' || asprintf(&p, "%s/%s", dir, name) < 0 || !(pfull = rooted(c, p)) ||
                    lstat(pfull, &st) < 0)
                        goto next;
                if (S_ISDIR(st.st_mode)) {
                        remove_marked(c, p, marks, removed);
                        goto next;
                }
                if (!S_ISLNK(st.st_mode) || !unit_name_is_valid(name, UNIT_NAME_ANY))
                        goto next;
                bool found = strv_contains(*marks, name);
                if (!found && unit_name_template(name, &template) >= 0)
                        found = strv_contains(*marks, template);
                if (!found && chase(c, p, &dest) >= 0)
                        found = strv_contains(*marks, dest) || strv_contains(*marks, base(dest));
                if (!found)
                        goto next;
                if (unlink(pfull) < 0) {
                        fail(c, "Failed to remove \"%s\": %s", pfull, strerror(errno));
                        goto next;
                }
                changed(c, "unlink", pfull, "");
                *removed = true;
                if (strv_extend(marks, p) < 0)
                        oom(c);
        next:
                free(p);
                free(pfull);
                free(dest);
                free(template);
                free(list[k]);
        }
        free(list);
        /* A folder the removal emptied goes too (never a config dir itself). */
        bool config_dir = false;
        for (size_t k = 0; k < sizeof config_dirs / sizeof *config_dirs; k++)
                config_dir |= strcmp(dir, config_dirs[k]) == 0;
        if (full && !config_dir)
                (void) rmdir(full);
        free(full);
}

void install_disable(struct install_ctx *c, char *const *names)
{
        char **marks = NULL, **seen = NULL;
        bool removed;

        STRV_FOREACH(n, names)
                mark_one(c, *n, &marks, &seen, false);
        if (marks)
                do {
                        removed = false;
                        remove_marked(c, INSTALL_CONFIG_DIR, &marks, &removed);
                } while (removed);
        strv_free(marks);
        strv_free(seen);
}

void install_mask(struct install_ctx *c, char *const *names)
{
        STRV_FOREACH(n, names) {
                char *link = NULL;
                if (!unit_name_is_valid(*n, UNIT_NAME_ANY)) {
                        fail(c, "Failed to mask unit: Invalid unit name \"%s\".", *n);
                        continue;
                }
                if (asprintf(&link, INSTALL_CONFIG_DIR "/%s", *n) < 0)
                        return oom(c);
                make_link(c, "mask", link, "/dev/null", c->force);
                free(link);
        }
}

void install_unmask(struct install_ctx *c, char *const *names)
{
        STRV_FOREACH(n, names) {
                char *link = NULL, *full = NULL, *dest = NULL;
                if (!unit_name_is_valid(*n, UNIT_NAME_ANY)) {
                        fail(c, "Failed to unmask unit: Invalid unit name \"%s\".", *n);
                        continue;
                }
                if (asprintf(&link, INSTALL_CONFIG_DIR "/%s", *n) < 0 || !(full = rooted(c, link)))
                        oom(c);
                else if (chase(c, link, &dest) >= 0 && strcmp(dest, "/dev/null") == 0 && strcmp(link, dest) != 0) {
                        if (unlink(full) < 0)
                                fail(c, "Failed to remove \"%s\": %s", full, strerror(errno));
                        else
                                changed(c, "unlink", full, "");
                }
                free(link);
                free(full);
                free(dest);
        }
}

static const char *const preset_modes[] = {
        [INSTALL_PRESET_FULL] = "full",
        [INSTALL_PRESET_ENABLE_ONLY] = "enable-only",
        [INSTALL_PRESET_DISABLE_ONLY] = "disable-only",
};

int install_preset_mode_from_string(const char *s)
{
        for (size_t k = 0; k < sizeof preset_modes / sizeof *preset_modes; k++)
                if (strcmp(s, preset_modes[k]) == 0)
                        return (int) k;
        return -EINVAL;
}

/* Which half of preset name falls in: *enable, *disable, or neither (an
 * alias, as systemd skips; a unit without [Install] links). */
static int preset_sort(struct install_ctx *c, const char *name, char ***enable, char ***disable)
{
        struct install_info i = { 0 };
        const char *verdict = "enabled";
        int r = install_find(c, name, &i);

        if (r == -ENOENT || r == -EINVAL) {
                fail(c, "Failed to preset unit, unit %s does not exist.", name);
                return 0;
        }
        if (r >= 0)
                r = install_preset(c, name, &verdict);
        if (r < 0)
                fail(c, "Failed to preset unit %s: %s", name, strerror(-r));
        else if (i.alias)
                ;
        else if (strcmp(verdict, "disabled") == 0)
                r = strv_extend(disable, name);
        else if (!i.masked && !has_install_info(&i))
                c->no_install_info = true;
        else
                r = strv_extend(enable, name);
        install_info_done(&i);
        return r == -ENOMEM ? r : 0;
}

void install_preset_apply(struct install_ctx *c, char *const *names, enum install_preset_mode mode)
{
        char **enable = NULL, **disable = NULL;

        STRV_FOREACH(n, names)
                if (preset_sort(c, *n, &enable, &disable) < 0) {
                        oom(c);
                        goto out;
                }
        /* systemd removes before it links, as here. */
        if (disable && mode != INSTALL_PRESET_ENABLE_ONLY)
                install_disable(c, disable);
        if (enable && mode != INSTALL_PRESET_DISABLE_ONLY)
                install_enable(c, enable);
out:
        strv_free(enable);
        strv_free(disable);
}

/* Is name one of the names [Install] gives i's links? */
static bool known_name(const struct install_info *i, const char *name)
{
        char *s = NULL;
        bool r = strcmp(name, i->name) == 0 || strv_contains(i->aliases, name);
        if (!r && i->default_instance && unit_name_is_valid(i->name, UNIT_NAME_TEMPLATE) &&
            unit_name_replace_instance(i->name, i->default_instance, &s) >= 0)
                r = strcmp(s, name) == 0;
        free(s);
        return r;
}

/* A link in the config dirs (their top and .wants/.requires folders) that
 * names i or points to its file; with match_name only the names [Install]
 * would have made. */
static bool find_links(struct install_ctx *c, const struct install_info *i, const char *dir, bool match_name,
                       int depth)
{
        struct dirent **list = NULL;
        char *full = rooted(c, dir);
        int n = full ? scandir(full, &list, NULL, by_name) : -1;
        bool found = false;

        for (int k = 0; k < n; k++) {
                const char *name = list[k]->d_name;
                char *p = NULL, *pfull = NULL, *dest = NULL;
                struct stat st;
                size_t len = strlen(name);
                if (found || name[0] == '.' || asprintf(&p, "%s/%s", dir, name) < 0 || !(pfull = rooted(c, p)) ||
                    lstat(pfull, &st) < 0)
                        goto next;
                if (S_ISDIR(st.st_mode)) {
                        if (depth == 0 && ((len > 6 && strcmp(name + len - 6, ".wants") == 0) ||
                                           (len > 9 && strcmp(name + len - 9, ".requires") == 0)))
                                found = find_links(c, i, p, match_name, depth + 1);
                        goto next;
                }
                if (!S_ISLNK(st.st_mode) || !unit_name_is_valid(name, UNIT_NAME_ANY) || chase(c, p, &dest) < 0)
                        goto next;
                bool found_path = strcmp(name, i->name) == 0;
                bool found_dest = strcmp(base(dest), i->name) == 0;
                /* foo.service in the config dir linking to itself elsewhere is "linked", not enabled. */
                if (found_path && found_dest && depth == 0)
                        goto next;
                if ((found_path || found_dest) && (!match_name || known_name(i, name)))
                        found = true;
        next:
                free(p);
                free(pfull);
                free(dest);
                free(list[k]);
        }
        free(list);
        free(full);
        return found;
}

static bool find_links_in_scope(struct install_ctx *c, const struct install_info *i, bool match_name)
{
        for (size_t k = 0; k < sizeof config_dirs / sizeof *config_dirs; k++)
                if (find_links(c, i, config_dirs[k], match_name, 0))
                        return true;
        return false;
}

/* Is the unit file name masked? An alias of it is too: systemd follows an
 * alias by its target's name, which a mask may hide. */
static bool name_masked(struct install_ctx *c, const char *name)
{
        struct install_info i;
        if (install_find(c, name, &i) < 0)
                return false;
        bool masked = i.masked;
        install_info_done(&i);
        return masked;
}

/* Is path a file right in one of the n dirs? */
static bool in_dirs(const char *path, const char *const *dirs, size_t n)
{
        size_t len = strlen(path) - strlen(base(path));
        for (size_t k = 0; k < n; k++)
                if (len > 1 && strlen(dirs[k]) == len - 1 && strncmp(path, dirs[k], len - 1) == 0)
                        return true;
        return false;
}

int install_state(struct install_ctx *c, const char *name, const char **ret)
{
        struct install_info i;
        int r = install_find(c, name, &i);

        if (r < 0)
                return r == -EINVAL ? -ENOENT : r;
        if (i.masked && strncmp(i.entry, "/run/", 5) == 0)
                *ret = "masked-runtime";
        else if (i.masked || (i.alias && name_masked(c, i.name)))
                *ret = "masked";
        else if (i.alias)
                *ret = "alias";
        else if (in_dirs(i.path, generated_dirs, sizeof generated_dirs / sizeof *generated_dirs))
                *ret = "generated";
        else if (in_dirs(i.path, (const char *const[]) { "/run/systemd/transient" }, 1))
                *ret = "transient";
        else if (find_links_in_scope(c, &i, true))
                *ret = "enabled";
        else if (strcmp(i.entry, i.path) != 0 && in_dirs(i.entry, config_dirs, 2))
                /* Its own name linked into a config dir (systemctl link). */
                *ret = strncmp(i.entry, "/run/", 5) == 0 ? "linked-runtime" : "linked";
        else if (find_links_in_scope(c, &i, false))
                *ret = "indirect";
        else if (i.wanted_by || i.required_by || i.aliases)
                *ret = "disabled";
        else if (i.also)
                *ret = "indirect";
        else
                *ret = "static";
        install_info_done(&i);
        return 0;
}

/* ---- presets (systemd.preset(5)) ---- */

#define WHITESPACE " \t"

/* Highest precedence first; Debian's systemd also reads /lib. */
static const char *const preset_dirs[] = {
        "/etc/systemd/system-preset",           "/run/systemd/system-preset",
        "/usr/local/lib/systemd/system-preset", "/usr/lib/systemd/system-preset",
        "/lib/systemd/system-preset",
};

static int by_string(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names of the *.preset files in every preset directory, once each,
 * sorted: the order their rules are read in, whatever their directory. */
static int preset_names(const struct install_ctx *c, char ***ret)
{
        char **names = NULL;
        int r = 0;

        for (size_t d = 0; r >= 0 && d < sizeof preset_dirs / sizeof *preset_dirs; d++) {
                struct dirent **list = NULL;
                char *full = rooted(c, preset_dirs[d]);
                int n = full ? scandir(full, &list, NULL, by_name) : -1;
                for (int k = 0; k < n; k++) {
                        const char *name = list[k]->d_name;
                        size_t len = strlen(name);
                        if (r >= 0 && name[0] != '.' && len > 7 && strcmp(name + len - 7, ".preset") == 0 &&
                            !strv_contains(names, name))
                                r = strv_extend(&names, name);
                        free(list[k]);
                }
                free(list);
                free(full);
        }
        if (r >= 0 && names)
                qsort(names, strv_length(names), sizeof *names, by_string);
        if (r < 0)
                strv_free(names);
        else
                *ret = names;
        return r;
}

/* The file a preset name means: the one in the earliest directory. A link
 * to /dev/null or an empty file there hides the others and says nothing. */
static FILE *preset_open(const struct install_ctx *c, const char *name)
{
        FILE *f = NULL;
        for (size_t d = 0; !f && d < sizeof preset_dirs / sizeof *preset_dirs; d++) {
                char *full = NULL;
                if (asprintf(&full, "%s%s/%s", c->root, preset_dirs[d], name) < 0)
                        return NULL;
                f = fopen(full, "re");
                free(full);
        }
        return f;
}

/* One line's verdict on unit: 1 enable, 0 disable, -1 none (no match,
 * a comment, or a line systemd ignores). "enable PATTERN INSTANCES...":
 * the pattern is the first word; "disable PATTERN": the rest. */
static int preset_line(char *line, const char *unit)
{
        static const struct {
                const char *word;
                int verdict;
        } words[] = { { "enable", 1 }, { "disable", 0 } };

        line += strspn(line, WHITESPACE);
        line[strcspn(line, "\r\n")] = 0;
        for (size_t n = strlen(line); n > 0 && strchr(WHITESPACE, line[n - 1]); n--)
                line[n - 1] = 0;
        for (size_t k = 0; k < sizeof words / sizeof *words; k++) {
                size_t len = strlen(words[k].word);
                if (strncmp(line, words[k].word, len) != 0 || !line[len] || !strchr(WHITESPACE, line[len]))
                        continue;
                char *pattern = line + len + strspn(line + len, WHITESPACE);
                if (words[k].verdict)
                        pattern[strcspn(pattern, WHITESPACE)] = 0;
                return fnmatch(pattern, unit, FNM_NOESCAPE) == 0 ? words[k].verdict : -1;
        }
        return -1;
}

int install_preset(struct install_ctx *c, const char *name, const char **ret)
{
        char **names = NULL, *line = NULL;
        size_t cap = 0;
        int verdict = -1;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        int r = preset_names(c, &names);
        STRV_FOREACH(n, names) {
                FILE *f = verdict < 0 ? preset_open(c, *n) : NULL;
                while (f && verdict < 0 && getline(&line, &cap, f) >= 0)
                        verdict = preset_line(line, name);
                if (f)
                        fclose(f);
        }
        free(line);
        strv_free(names);
        /* No rule for it: enable, as systemd does. */
        if (r >= 0)
                *ret = verdict == 0 ? "disabled" : "enabled";
        return r;
}

/* The unit files in dir (root-less) that list_unit_files keeps, added to
 * *ret; *seen has the names earlier directories had. */
static int list_dir(struct install_ctx *c, const char *dir, char *const *states, char *const *patterns,
                    char ***seen, char ***ret)
{
        struct dirent **list = NULL;
        char *full = rooted(c, dir);
        int n = full ? scandir(full, &list, NULL, by_name) : -1, r = full ? 0 : -ENOMEM;

        for (int k = 0; k < n; k++) {
                const char *name = list[k]->d_name, *state = "bad";
                char *path = NULL;
                struct stat st;
                bool name_ok = !patterns || !patterns[0];
                STRV_FOREACH(pat, patterns)
                        name_ok = name_ok || fnmatch(*pat, name, FNM_NOESCAPE) == 0;
                if (r < 0 || !name_ok || !unit_name_is_valid(name, UNIT_NAME_ANY) || strv_contains(*seen, name) ||
                    asprintf(&path, "%s/%s", full, name) < 0 || lstat(path, &st) < 0 ||
                    !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
                        goto next;
                r = strv_extend(seen, name);
                if (r >= 0)
                        (void) install_state(c, name, &state);
                if (r >= 0 && (!states || !states[0] || strv_contains(states, state)))
                        r = strv_extend(ret, path) < 0 ? -ENOMEM : strv_extend(ret, state);
        next:
                free(path);
                free(list[k]);
        }
        free(list);
        free(full);
        return r;
}

int install_list(struct install_ctx *c, char *const *states, char *const *patterns, char ***ret)
{
        char **l = NULL, **seen = NULL;
        int r = 0;

        STRV_FOREACH(d, c->dirs)
                if (r >= 0)
                        r = list_dir(c, *d, states, patterns, &seen, &l);
        strv_free(seen);
        if (r < 0)
                strv_free(l);
        else
                *ret = l;
        return r;
}

int install_unit_file_info(const char *program, const char *root, char *const *unit_paths, const char *name,
                           const char **state, const char **preset)
{
        struct install_ctx c;
        int r = install_ctx_init(&c, program, root, unit_paths);

        *state = "";
        if (preset)
                *preset = "";
        c.quiet = true;
        if (r >= 0)
                r = install_state(&c, name, state);
        if (r >= 0 && preset)
                r = install_preset(&c, name, preset);
        install_ctx_done(&c);
        return r;
}

int install_get_default(struct install_ctx *c, char **ret)
{
        struct install_info i;
        int r = install_find(c, "default.target", &i);
        if (r < 0)
                return r;
        if (i.masked) {
                install_info_done(&i);
                return -ERFKILL; /* systemd's errno for a masked unit */
        }
        *ret = i.name;
        i.name = NULL;
        install_info_done(&i);
        return 0;
}

void install_set_default(struct install_ctx *c, const char *name)
{
        struct install_info i;
        int r;

        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) ||
            unit_name_to_type(name) != UNIT_TARGET)
                return fail(c, "Failed to set default: Invalid argument.");
        r = install_find(c, name, &i);
        if (r < 0)
                return fail(c, "Failed to set default unit, unit %s does not exist.", name);
        if (i.masked) {
                char *full = rooted(c, i.entry);
                fail(c, "Failed to set default unit, unit %s is masked.", full ? full : i.entry);
                free(full);
        } else
                make_link(c, "set default", INSTALL_CONFIG_DIR "/default.target", i.path, true);
        install_info_done(&i);
}

/* One file for link: an absolute path to a regular file with a unit's
 * name; 1 when it needs no link (the search path has its directory). */
static int link_check(struct install_ctx *c, const char *path)
{
        struct stat st;
        char *full = NULL;
        int r = 0;

        if (path[0] != '/') {
                fail(c, "Failed to link unit: %s is not an absolute path.", path);
                return -EINVAL;
        }
        if (!unit_name_is_valid(base(path), UNIT_NAME_ANY)) {
                fail(c, "Failed to link unit, \"%s\" is not a valid unit name.", path);
                return -EINVAL;
        }
        if (!(full = rooted(c, path))) {
                oom(c);
                return -ENOMEM;
        }
        if (lstat(full, &st) < 0)
                r = -errno;
        else if (!S_ISREG(st.st_mode))
                r = S_ISDIR(st.st_mode) ? -EISDIR : S_ISLNK(st.st_mode) ? -ELOOP : -EBADFD;
        free(full);
        if (r == -ENOENT)
                fail(c, "Failed to link unit, unit %s does not exist.", path);
        else if (r < 0)
                fail(c, "Failed to link unit, file \"%s\": %s", path, strerror(-r));
        if (r == 0 && in_dirs(path, (const char *const *) c->dirs, strv_length(c->dirs)))
                return 1;
        return r;
}

void install_link(struct install_ctx *c, char *const *paths)
{
        char **todo = NULL;

        /* All or nothing, as systemd checks them all first. */
        STRV_FOREACH(p, paths) {
                int r = link_check(c, *p);
                if (r < 0 || (r == 0 && strv_extend(&todo, *p) < 0)) {
                        if (r >= 0)
                                oom(c);
                        strv_free(todo);
                        return;
                }
        }
        STRV_FOREACH(p, todo) {
                char *link = NULL;
                if (asprintf(&link, "%s/%s", INSTALL_CONFIG_DIR, base(*p)) < 0) {
                        oom(c);
                        break;
                }
                (void) make_link(c, "link", link, *p, c->force);
                free(link);
        }
        strv_free(todo);
}

void install_reenable(struct install_ctx *c, char *const *names)
{
        install_disable(c, names);
        if (c->status == 0)
                install_enable(c, names);
}

/* Where revert removes drop-ins: the config directories, the control ones
 * (systemctl set-property) and the transient one. */
static const char *const revert_dropin_dirs[] = { INSTALL_CONFIG_DIR, "/run/systemd/system",
                                                  "/etc/systemd/system.control", "/run/systemd/system.control",
                                                  "/run/systemd/transient" };

/* Is the unit file at path (root-less) a vendor's: under /usr or /lib, or
 * a generator's? */
static bool is_vendor(const char *path)
{
        return !strncmp(path, "/usr/", 5) || !strncmp(path, "/lib/", 5) ||
               in_dirs(path, generated_dirs, sizeof generated_dirs / sizeof *generated_dirs);
}

/* What revert removes of name (root-less paths), added to *todo. */
static void revert_collect(struct install_ctx *c, const char *name, char ***todo)
{
        bool vendor = false;
        for (int pass = 0; pass < 2; pass++)
                STRV_FOREACH(d, c->dirs) {
                        char *p = NULL, *full = NULL;
                        struct stat st;
                        if (asprintf(&p, "%s/%s%s", *d, name, pass ? "" : ".d") < 0 || !(full = rooted(c, p))) {
                                oom(c);
                        } else if (pass == 0) {
                                /* The vendor file is looked for on the same walk. */
                                char *file = rooted(c, p), *dot = file ? strrchr(file, '.') : NULL;
                                if (dot && !strcmp(dot, ".d"))
                                        *dot = 0;
                                if (file && lstat(file, &st) == 0 && S_ISREG(st.st_mode) && is_vendor(p))
                                        vendor = true;
                                free(file);
                                if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode) &&
                                    in_dirs(p, revert_dropin_dirs, sizeof revert_dropin_dirs / sizeof *revert_dropin_dirs) &&
                                    !strv_contains(*todo, p) && strv_extend(todo, p) < 0)
                                        oom(c);
                        } else if (vendor && lstat(full, &st) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
                                   in_dirs(p, config_dirs, sizeof config_dirs / sizeof *config_dirs) &&
                                   !strv_contains(*todo, p) && strv_extend(todo, p) < 0)
                                oom(c);
                        free(p);
                        free(full);
                }
}

/* Remove path (root-less): a file or link, or a directory and the files
 * in it; each said as removed. */
static void revert_remove(struct install_ctx *c, const char *path)
{
        char *full = rooted(c, path);
        struct dirent **list = NULL;
        struct stat st;
        int n = full && lstat(full, &st) == 0 && S_ISDIR(st.st_mode) ? scandir(full, &list, NULL, by_name) : 0;

        for (int k = 0; k < n; k++) {
                char *f = NULL;
                if (list[k]->d_name[0] != '.' && asprintf(&f, "%s/%s", full, list[k]->d_name) >= 0) {
                        if (unlink(f) < 0)
                                fail(c, "Failed to remove \"%s\": %s", f, strerror(errno));
                        else
                                changed(c, "unlink", f, "");
                }
                free(f);
                free(list[k]);
        }
        free(list);
        if (!full)
                oom(c);
        else if ((n > 0 || (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) ? rmdir(full) : unlink(full)) < 0)
                fail(c, "Failed to remove \"%s\": %s", full, strerror(errno));
        else
                changed(c, "unlink", full, "");
        free(full);
}

void install_revert(struct install_ctx *c, char *const *names)
{
        char **todo = NULL;
        bool removed;

        STRV_FOREACH(n, names) {
                if (!unit_name_is_valid(*n, UNIT_NAME_ANY)) {
                        fail(c, "Failed to revert unit: Invalid unit name \"%s\".", *n);
                        strv_free(todo);
                        return;
                }
                revert_collect(c, *n, &todo);
        }
        STRV_FOREACH(t, todo)
                revert_remove(c, *t);
        /* Then the links to what went, in /run's config and in /etc's. */
        for (int i = 1; todo && i >= 0; i--)
                do {
                        removed = false;
                        remove_marked(c, config_dirs[i], &todo, &removed);
                } while (removed);
        strv_free(todo);
}
