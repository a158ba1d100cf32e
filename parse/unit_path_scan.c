/* Building the unit search-path index (see unit_path.h):
 * unit_path_index_build() reads every search directory once, with its
 * NAME.d/, NAME.wants/ and NAME.requires/ subdirectories, into hash maps,
 * classifying each entry as a file, a linked unit, an alias or a mask; the
 * lookup (parse/unit_path.c) then answers from memory only. Called by the
 * unit loader (parse/load.c) and `weftctl verify/show` through
 * unit_path_index_build() and unit_path_index_free(). The rules follow
 * systemd.unit(5) and were checked against systemd-analyze verify
 * (systemd 252). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/unit_name.h"
#include "parse/unit_path.h"
#include "parse/unit_path_index.h"

static bool has_suffix(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && strcmp(s + a - b, suffix) == 0;
}

static char *path_join(const char *a, const char *b)
{
        char *p;
        if (asprintf(&p, "%s/%s", a, b) < 0)
                return NULL;
        return p;
}

/* Whether path is prefix or lies below it (both canonical). */
static bool path_is_below(const char *path, const char *prefix)
{
        size_t n = strlen(prefix);
        if (streq_ptr(prefix, "/"))
                return true;
        return strncmp(path, prefix, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* systemd's null_or_empty(): any character device counts as /dev/null. */
static bool stat_null_or_empty(const struct stat *st)
{
        return S_ISCHR(st->st_mode) || (S_ISREG(st->st_mode) && st->st_size == 0);
}

/* The instance part of a valid instance or template name, not copied. */
const char *unit_path_instance_span(const char *name, size_t *ret_len)
{
        const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
        *ret_len = at ? (size_t)(dot - at - 1) : 0;
        return at ? at + 1 : NULL;
}

static enum unit_name_flags name_kind(const char *name)
{
        if (unit_name_is_valid(name, UNIT_NAME_PLAIN))
                return UNIT_NAME_PLAIN;
        if (unit_name_is_valid(name, UNIT_NAME_TEMPLATE))
                return UNIT_NAME_TEMPLATE;
        return UNIT_NAME_INSTANCE;
}

static int readlinkat_malloc(int dfd, const char *name, char **ret)
{
        char buf[PATH_MAX];
        ssize_t n = readlinkat(dfd, name, buf, sizeof buf);
        if (n < 0)
                return -errno;
        if ((size_t)n >= sizeof buf)
                return -ENAMETOOLONG;
        char *s = strndup(buf, n);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

char *unit_entry_path(const struct unit_path_index *idx, const struct unit_entry *e)
{
        return path_join(idx->dirs[e->dir].path, e->name);
}

static void unit_link_free(struct unit_link *l)
{
        if (!l)
                return;
        free(l->fragment);
        free(l->target);
        free(l);
}

static void sub_dir_free(struct sub_dir *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n_items; i++) {
                free(s->items[i].name);
                free(s->items[i].path);
        }
        free(s->items);
        free(s->name);
        free(s);
}

/* An alias link is valid when both names have the same type and name
 * kind (an instance may also point at a template), and instances match. */
static int alias_check(const char *src, const char *dst)
{
        if (!unit_name_is_valid(dst, UNIT_NAME_ANY))
                return -EXDEV;
        if (unit_name_to_type(src) != unit_name_to_type(dst))
                return -EXDEV;
        enum unit_name_flags s = name_kind(src), d = name_kind(dst);
        if (s != d && !(s == UNIT_NAME_INSTANCE && d == UNIT_NAME_TEMPLATE))
                return -EXDEV;
        if (d == UNIT_NAME_INSTANCE) {
                size_t ns, nd;
                const char *is = unit_path_instance_span(src, &ns), *id = unit_path_instance_span(dst, &nd);
                if (ns != nd || strncmp(is, id, ns) != 0)
                        return -EXDEV;
        }
        return 0;
}

static bool path_in_search(const struct unit_path_index *idx, const char *canon)
{
        for (size_t i = 0; i < idx->n_dirs; i++)
                if (idx->dirs[i].canon && path_is_below(canon, idx->dirs[i].canon))
                        return true;
        return false;
}

/* Decide what the symlink sd/name (at path) is. Sets *kind, *masked and
 * lk's fields; returns 1 to keep the name, 0 to skip it (as systemd does),
 * or -ENOMEM. */
static int classify_link(const struct unit_path_index *idx, const struct search_dir *sd, int dfd,
                         const char *name, const char *path, enum entry_kind *kind, bool *masked,
                         struct unit_link *lk)
{
        char *link = NULL, *abs = NULL, *parent = NULL, *canon = NULL;
        struct stat st;
        int r;

        r = readlinkat_malloc(dfd, name, &link);
        if (r < 0) {
                if (r == -ENOMEM)
                        goto out;
                log_warning("%s: cannot read link: %s, ignoring", path, strerror(-r));
                r = 0;
                goto out;
        }
        abs = link[0] == '/' ? strdup(link) : path_join(sd->path, link);
        if (!abs) {
                r = -ENOMEM;
                goto out;
        }
        const char *base = strrchr(abs, '/') + 1;
        parent = base - abs > 1 ? strndup(abs, base - abs - 1) : strdup("/");
        if (!parent) {
                r = -ENOMEM;
                goto out;
        }
        canon = realpath(parent, NULL);

        if (canon && path_in_search(idx, canon)) {
                if (streq_ptr(base, name)) {
                        /* A self-alias: the target is found under its own
                         * name in its own directory. */
                        log_debug("%s: link to the same name in the search path, ignoring", path);
                        r = 0;
                        goto out;
                }
                r = alias_check(name, base);
                if (r < 0) {
                        log_warning("%s: alias target %s is not a unit name of the same kind, rejecting",
                                    path, base);
                        *kind = ENTRY_INVALID;
                        lk->error = r;
                        r = 1;
                        goto out;
                }
                *kind = ENTRY_ALIAS;
                lk->target = strdup(base);
                r = lk->target ? 1 : -ENOMEM;
                goto out;
        }

        /* Out of the search path: a linked unit file (its id is the link's
         * name) or a mask. */
        if (fstatat(dfd, name, &st, 0) < 0) {
                log_warning("%s: dangling link to %s, ignoring", path, link);
                r = 0;
                goto out;
        }
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
                log_warning("%s: link to %s is not a file, ignoring", path, link);
                r = 0;
                goto out;
        }
        *kind = ENTRY_LINKED;
        *masked = stat_null_or_empty(&st);
        lk->fragment = realpath(path, NULL);
        r = lk->fragment ? 1 : -errno;
        if (r < 0 && r != -ENOMEM) {
                log_warning("%s: cannot resolve: %s, ignoring", path, strerror(-r));
                r = 0;
        }
out:
        free(link);
        free(abs);
        free(parent);
        free(canon);
        return r;
}

/* Record sd/name unless an earlier directory already has that name. */
static int scan_unit(struct unit_path_index *idx, size_t dir, int dfd, const char *name)
{
        const struct search_dir *sd = &idx->dirs[dir];
        struct unit_link lk = { 0 }, *link = NULL;
        enum entry_kind kind = ENTRY_FILE;
        bool masked = false;
        char *path = NULL;
        struct stat st;
        int r = 0;

        if (unit_entries_get(&idx->units, name))
                return 0;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
                return 0;

        if (S_ISREG(st.st_mode))
                masked = st.st_size == 0;
        else {
                /* A symlink: classified first, so a skipped one leaves
                 * nothing in the index. */
                path = path_join(sd->path, name);
                r = path ? classify_link(idx, sd, dfd, name, path, &kind, &masked, &lk) : -ENOMEM;
                if (r <= 0)
                        goto out;
                link = malloc(sizeof *link);
                if (!link) {
                        r = -ENOMEM;
                        goto out;
                }
                *link = lk;
                lk = (struct unit_link) { 0 };
        }

        struct unit_entry *e = unit_entries_add(&idx->units, name);
        if (!e) {
                r = -ENOMEM;
                goto out;
        }
        e->kind = kind;
        e->masked = masked;
        e->dir = dir;
        r = 0;
        if (link) {
                r = hashmap_put(&idx->links, e->name, link);
                if (r == 0)
                        link = NULL;
        }
out:
        unit_link_free(link);
        free(lk.fragment);
        free(lk.target);
        free(path);
        return r;
}

/* Read one NAME.d/ (dropin) or NAME.wants/, NAME.requires/ directory. */
static int scan_sub_dir(struct search_dir *sd, const char *name, bool dropin)
{
        struct sub_dir *s = NULL;
        char *path = NULL;
        DIR *d = NULL;
        size_t cap = 0;
        int r = -ENOMEM;

        s = calloc(1, sizeof *s);
        if (!s)
                goto out;
        s->name = strdup(name);
        path = s->name ? path_join(sd->path, name) : NULL;
        if (!path)
                goto out;
        d = opendir(path);
        if (!d) {
                log_warning("%s: cannot read: %s, ignoring", path, strerror(errno));
                r = 0;
                goto out;
        }

        for (struct dirent *de; (de = readdir(d));) {
                enum item_kind kind;
                struct stat st;

                if (de->d_name[0] == '.')
                        continue;
                if (dropin) {
                        if (!has_suffix(de->d_name, ".conf"))
                                continue;
                        if (fstatat(dirfd(d), de->d_name, &st, 0) < 0)
                                continue;
                        if (stat_null_or_empty(&st))
                                kind = ITEM_MASK;
                        else if (S_ISREG(st.st_mode))
                                kind = ITEM_USE;
                        else
                                continue;
                } else {
                        if (!unit_name_is_valid(de->d_name, UNIT_NAME_ANY)) {
                                log_warning("%s/%s: not a unit name, ignoring", path, de->d_name);
                                continue;
                        }
                        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        if (!S_ISLNK(st.st_mode)) {
                                log_warning("%s/%s: not a symlink, ignoring", path, de->d_name);
                                kind = ITEM_IGNORE;
                        } else if (fstatat(dirfd(d), de->d_name, &st, 0) == 0 && stat_null_or_empty(&st))
                                kind = ITEM_MASK;
                        else
                                kind = ITEM_USE; /* a dangling link still names a dependency */
                }

                if (s->n_items == cap) {
                        size_t ncap = cap ? cap * 2 : 8;
                        struct dir_item *n = realloc(s->items, ncap * sizeof *n);
                        if (!n)
                                goto out;
                        s->items = n;
                        cap = ncap;
                }
                struct dir_item *it = &s->items[s->n_items];
                it->kind = kind;
                it->path = path_join(path, de->d_name);
                it->name = strdup(de->d_name);
                if (!it->path || !it->name) {
                        free(it->path);
                        free(it->name);
                        goto out;
                }
                s->n_items++;
        }
        r = hashmap_put(&sd->subdirs, s->name, s);
        if (r == 0)
                s = NULL;
out:
        if (d)
                closedir(d);
        free(path);
        sub_dir_free(s);
        return r;
}

static int scan_dir(struct unit_path_index *idx, size_t dir)
{
        struct search_dir *sd = &idx->dirs[dir];
        DIR *d = opendir(sd->path);
        int r = 0;

        if (!d) {
                if (errno == ENOENT || errno == ENOTDIR)
                        log_debug("%s: missing, skipped", sd->path);
                else
                        log_warning("%s: cannot read: %s, ignoring", sd->path, strerror(errno));
                return 0;
        }
        for (struct dirent *de; (de = readdir(d));) {
                const char *n = de->d_name;
                bool dropin = has_suffix(n, ".d");
                struct stat st;

                if (n[0] == '.')
                        continue;
                if (dropin || has_suffix(n, ".wants") || has_suffix(n, ".requires")) {
                        if (fstatat(dirfd(d), n, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
                                r = scan_sub_dir(sd, n, dropin);
                                if (r < 0)
                                        break;
                        }
                        continue;
                }
                if (!unit_name_is_valid(n, UNIT_NAME_ANY))
                        continue;
                r = scan_unit(idx, dir, dirfd(d), n);
                if (r < 0)
                        break;
        }
        closedir(d);
        return r < 0 ? r : 0;
}

/* The reverse map: for each final unit, every name that resolves to it. An
 * instance linked to a template is an alias of that template's instance. */
static int build_reverse(struct unit_path_index *idx)
{
        const struct unit_entry *e;

        for (size_t i = 0; (e = unit_entries_next(&idx->units, &i));) {
                const char *key = e->name;
                const struct unit_entry *f = NULL;
                char *inst = NULL;
                const char *dst;
                int r;

                if (unit_path_resolve(idx, key, &f) < 0 || f->masked)
                        continue;
                dst = f->name;
                if (unit_name_is_valid(dst, UNIT_NAME_TEMPLATE) && unit_name_is_valid(key, UNIT_NAME_INSTANCE)) {
                        char *instance = NULL;
                        r = unit_name_to_instance(key, &instance);
                        if (r == 0) {
                                r = unit_name_replace_instance(dst, instance, &inst);
                                free(instance);
                        }
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0)
                                continue;
                        dst = inst;
                }
                /* A unit's own name is implied (unit_path_names_self). */
                if (streq_ptr(dst, key))
                        continue;

                struct reverse_entry *re = hashmap_get(&idx->reverse, dst);
                if (!re) {
                        re = calloc(1, sizeof *re);
                        if (!re || !(re->id = strdup(dst)) || hashmap_put(&idx->reverse, re->id, re) < 0) {
                                if (re)
                                        free(re->id);
                                free(re);
                                free(inst);
                                return -ENOMEM;
                        }
                }
                free(inst);
                r = strv_extend(&re->names, key);
                if (r < 0)
                        return r;
        }
        return 0;
}

void unit_path_index_free(struct unit_path_index *idx)
{
        const char *k;
        void *v;

        if (!idx)
                return;
        for (size_t i = 0; hashmap_next(&idx->links, &i, &k, &v);)
                unit_link_free(v);
        hashmap_done(&idx->links);
        unit_entries_done(&idx->units);
        for (size_t i = 0; hashmap_next(&idx->reverse, &i, &k, &v);) {
                struct reverse_entry *re = v;
                strv_free(re->names);
                free(re->id);
                free(re);
        }
        hashmap_done(&idx->reverse);
        for (size_t d = 0; d < idx->n_dirs; d++) {
                for (size_t i = 0; hashmap_next(&idx->dirs[d].subdirs, &i, &k, &v);)
                        sub_dir_free(v);
                hashmap_done(&idx->dirs[d].subdirs);
                free(idx->dirs[d].path);
                free(idx->dirs[d].canon);
        }
        free(idx->dirs);
        free(idx);
}

int unit_path_index_build(char *const *dirs, struct unit_path_index **ret)
{
        struct unit_path_index *idx;
        size_t n = strv_length(dirs);
        int r = -ENOMEM;

        idx = calloc(1, sizeof *idx);
        if (!idx)
                return -ENOMEM;
        hashmap_init(&idx->links);
        hashmap_init(&idx->reverse);
        /* Entries name their search directory in 16 bits. */
        if (n > UINT16_MAX) {
                r = -E2BIG;
                goto out;
        }
        idx->dirs = calloc(n ? n : 1, sizeof *idx->dirs);
        if (!idx->dirs)
                goto out;

        /* Every directory's real path must be known before the first link
         * is classified, since an alias may point into a later directory. */
        for (size_t i = 0; i < n; i++) {
                struct search_dir *sd = &idx->dirs[i];
                hashmap_init(&sd->subdirs);
                idx->n_dirs++;
                sd->path = strdup(dirs[i]);
                if (!sd->path)
                        goto out;
                for (size_t l = strlen(sd->path); l > 1 && sd->path[l - 1] == '/'; l--)
                        sd->path[l - 1] = '\0';
                sd->canon = realpath(sd->path, NULL);
                if (!sd->canon && errno == ENOMEM)
                        goto out;
        }
        for (size_t i = 0; i < n; i++) {
                r = scan_dir(idx, i);
                if (r < 0)
                        goto out;
        }
        r = build_reverse(idx);
        if (r < 0)
                goto out;

        *ret = idx;
        idx = NULL;
out:
        unit_path_index_free(idx);
        return r;
}
