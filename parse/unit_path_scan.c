/* Building the unit search-path index (see unit_path.h):
 * unit_path_index_build() reads every search directory once, with its
 * NAME.d/, NAME.wants/ and NAME.requires/ subdirectories, into hash maps,
 * classifying each entry as a file, a linked unit, an alias or a mask; the
 * lookup (parse/unit_path.c) then answers from memory, but for whether a
 * regular unit file is empty, which readdir does not say
 * (unit_entry_masked, or the loader when it reads it). Called by the
 * unit loader (parse/load.c) and `weftctl verify/show` through
 * unit_path_index_build() and unit_path_index_free(). The rules follow
 * systemd.unit(5) and were checked against systemd-analyze verify
 * (systemd 252). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stddef.h>
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

/* a/b, malloc'd; NULL when out of memory. Every lookup builds its
 * fragment's path, and the scan one per item of a directory: no printf. */
static char *path_join(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        char *p = malloc(la + lb + 2);
        if (!p)
                return NULL;
        memcpy(p, a, la);
        p[la] = '/';
        memcpy(p + la + 1, b, lb + 1);
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

static void sub_dir_items_free(struct sub_dir *s)
{
        for (size_t i = 0; i < s->n_items; i++) {
                free(s->items[i].name);
                free(s->items[i].path);
        }
        free(s->items);
}

static void sub_dirs_free(struct sub_dirs *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n; i++)
                sub_dir_items_free(&s->v[i]);
        free(s->v);
        free(s->name);
        free(s);
}

/* The scan's state: the index it fills, and the last directory a link
 * pointed into with its real path (a directory's links mostly point into
 * one other directory, and realpath() costs a readlink per component). */
struct scan {
        struct unit_path_index *idx;
        char *parent;
        char *canon; /* realpath(parent), NULL when it does not resolve */
};

/* realpath(parent), borrowed (NULL when it does not resolve); -ENOMEM. */
static int scan_canon(struct scan *sc, const struct search_dir *sd, const char *parent, const char **ret)
{
        /* A link without a slash points into its own directory, whose
         * real path is known. */
        if (strcmp(parent, sd->path) == 0) {
                *ret = sd->canon;
                return 0;
        }
        if (!sc->parent || strcmp(sc->parent, parent) != 0) {
                char *p = strdup(parent);
                if (!p)
                        return -ENOMEM;
                free(sc->parent);
                free(sc->canon);
                sc->parent = p;
                sc->canon = realpath(parent, NULL);
        }
        *ret = sc->canon;
        return 0;
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

/* realpath(path) for a link to base in the directory whose real path is
 * canon (NULL: unknown): that directory and base, when base is not a link
 * again (one lstat, where realpath() reads every component of path). NULL
 * with errno set on failure. */
static char *linked_fragment(const char *path, const char *canon, const char *base)
{
        struct stat st;

        if (canon && *base && strcmp(base, ".") != 0 && strcmp(base, "..") != 0) {
                char *p;
                if (asprintf(&p, "%s/%s", streq_ptr(canon, "/") ? "" : canon, base) < 0) {
                        errno = ENOMEM;
                        return NULL;
                }
                if (lstat(p, &st) == 0 && !S_ISLNK(st.st_mode))
                        return p;
                free(p);
        }
        return realpath(path, NULL);
}

/* Decide what the symlink sd/name (at path) is. Sets *kind, *masked and
 * lk's fields; returns 1 to keep the name, 0 to skip it (as systemd does),
 * or -ENOMEM. */
static int classify_link(struct scan *sc, const struct search_dir *sd, int dfd, const char *name,
                         const char *path, enum entry_kind *kind, bool *masked, struct unit_link *lk)
{
        char *link = NULL, *abs = NULL, *parent = NULL;
        const char *canon = NULL;
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
        const char *root = sc->idx->root;
        /* Under a root, an absolute target is the image's; a mask is a
         * link to /dev/null whatever the root. */
        if (link[0] != '/')
                abs = path_join(sd->path, link);
        else if (root && strcmp(link, "/dev/null") != 0)
                abs = path_join(root, link + 1);
        else
                abs = strdup(link);
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
        r = scan_canon(sc, sd, parent, &canon);
        if (r < 0)
                goto out;

        if (canon && path_in_search(sc->idx, canon)) {
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
        if (root ? stat(abs, &st) < 0 : fstatat(dfd, name, &st, 0) < 0) {
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
        lk->fragment = linked_fragment(path, canon, base);
        r = lk->fragment ? 1 : -errno;
        if (r < 0 && r != -ENOMEM) {
                log_warning("%s: cannot resolve: %s, ignoring", path, strerror(-r));
                r = 0;
        }
out:
        free(link);
        free(abs);
        free(parent);
        return r;
}

/* Record sd/name unless an earlier directory already has that name.
 * type is the entry's d_type: readdir knows it on most file systems, and
 * then only a link's target is stat'ed here (classify_link); DT_UNKNOWN
 * costs an lstat. */
static int scan_unit(struct scan *sc, size_t dir, int dfd, const char *name, unsigned char type)
{
        struct unit_path_index *idx = sc->idx;
        const struct search_dir *sd = &idx->dirs[dir];
        struct unit_link lk = { 0 }, *link = NULL;
        enum entry_kind kind = ENTRY_FILE;
        enum entry_mask mask = MASK_UNKNOWN;
        bool masked = false;
        char *path = NULL;
        struct stat st;
        int r = 0;

        if (unit_entries_get(&idx->units, name))
                return 0;
        if (type != DT_LNK && type != DT_REG && type != DT_UNKNOWN)
                return 0;
        if (type == DT_UNKNOWN) {
                if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                    !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
                        return 0;
                type = S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
                if (type == DT_REG)
                        mask = st.st_size == 0 ? MASK_YES : MASK_NO;
        }

        /* A regular file: whether it is empty is left to whoever reads it
         * (unit_entry_masked, the loader), as systemd leaves it to loading. */
        if (type == DT_LNK) {
                /* A symlink: classified first, so a skipped one leaves
                 * nothing in the index. */
                path = path_join(sd->path, name);
                r = path ? classify_link(sc, sd, dfd, name, path, &kind, &masked, &lk) : -ENOMEM;
                if (r <= 0)
                        goto out;
                link = malloc(sizeof *link);
                if (!link) {
                        r = -ENOMEM;
                        goto out;
                }
                *link = lk;
                lk = (struct unit_link) { 0 };
                mask = masked ? MASK_YES : MASK_NO;
        }

        struct unit_entry *e = unit_entries_add(&idx->units, name);
        if (!e) {
                r = -ENOMEM;
                goto out;
        }
        e->kind = kind;
        e->mask = mask;
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

/* The NAME of a NAME.d/, NAME.wants/ or NAME.requires/ entry, and which
 * of them it is; false for any other name. */
static bool sub_dir_name(const char *n, size_t *ret_len, enum sub_kind *ret_kind)
{
        static const struct {
                const char *suffix;
                enum sub_kind kind;
        } suffixes[] = {
                { ".d", SUB_DROPIN },
                { ".wants", SUB_WANTS },
                { ".requires", SUB_REQUIRES },
        };
        size_t len = strlen(n);
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t sl = strlen(suffixes[i].suffix);
                if (len > sl && strcmp(n + len - sl, suffixes[i].suffix) == 0) {
                        *ret_len = len - sl;
                        *ret_kind = suffixes[i].kind;
                        return true;
                }
        }
        return false;
}

/* One item of a .wants/ or .requires/ directory: it must be a symlink,
 * and one that ends at /dev/null or an empty file masks the name. type is
 * its d_type; only what readdir could not say is stat'ed, and a link is
 * followed once (a dangling one still names a dependency). Returns the
 * kind, or -1 to skip the entry. */
static int dep_item_kind(int dfd, const char *path, const char *name, unsigned char type)
{
        struct stat st;

        if (type == DT_UNKNOWN) {
                if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -1;
                type = S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        }
        if (type != DT_LNK) {
                log_warning("%s/%s: not a symlink, ignoring", path, name);
                return ITEM_IGNORE;
        }
        if (fstatat(dfd, name, &st, 0) == 0 && stat_null_or_empty(&st))
                return ITEM_MASK;
        return ITEM_USE;
}

/* The directories of NAME, created empty when new. */
static struct sub_dirs *sub_dirs_get(struct unit_path_index *idx, const char *name, size_t len)
{
        char key[UNIT_NAME_MAX + 1];
        if (len >= sizeof key)
                return NULL;
        memcpy(key, name, len);
        key[len] = '\0';
        return hashmap_ensure(&idx->subdirs, key, sizeof(struct sub_dirs), offsetof(struct sub_dirs, name));
}

/* Read one NAME.d/ (kind SUB_DROPIN) or NAME.wants/, NAME.requires/
 * directory of search directory dir into idx->subdirs. */
static int scan_sub_dir(struct unit_path_index *idx, size_t dir, const char *name, size_t name_len,
                        enum sub_kind kind)
{
        struct search_dir *sd = &idx->dirs[dir];
        struct sub_dir sub = { .dir = dir, .kind = kind };
        char *path = NULL;
        DIR *d = NULL;
        size_t cap = 0;
        int r = -ENOMEM;

        /* No unit name is that long: nothing would look it up. */
        if (name_len > UNIT_NAME_MAX)
                return 0;
        path = path_join(sd->path, name);
        if (!path)
                goto out;
        d = opendir(path);
        if (!d) {
                log_warning("%s: cannot read: %s, ignoring", path, strerror(errno));
                r = 0;
                goto out;
        }

        for (struct dirent *de; (de = readdir(d));) {
                int item;
                struct stat st;

                if (de->d_name[0] == '.')
                        continue;
                if (kind == SUB_DROPIN) {
                        /* Followed: a drop-in may be a link, and an empty
                         * one or a link to /dev/null masks. */
                        if (!has_suffix(de->d_name, ".conf"))
                                continue;
                        if (fstatat(dirfd(d), de->d_name, &st, 0) < 0)
                                continue;
                        if (stat_null_or_empty(&st))
                                item = ITEM_MASK;
                        else if (S_ISREG(st.st_mode))
                                item = ITEM_USE;
                        else
                                continue;
                } else {
                        if (!unit_name_is_valid(de->d_name, UNIT_NAME_ANY)) {
                                log_warning("%s/%s: not a unit name, ignoring", path, de->d_name);
                                continue;
                        }
                        item = dep_item_kind(dirfd(d), path, de->d_name, de->d_type);
                        if (item < 0)
                                continue;
                }

                if (sub.n_items == cap) {
                        size_t ncap = cap ? cap * 2 : 8;
                        struct dir_item *n = realloc(sub.items, ncap * sizeof *n);
                        if (!n)
                                goto out;
                        sub.items = n;
                        cap = ncap;
                }
                struct dir_item *it = &sub.items[sub.n_items];
                it->kind = item;
                it->path = path_join(path, de->d_name);
                it->name = strdup(de->d_name);
                if (!it->path || !it->name) {
                        free(it->path);
                        free(it->name);
                        goto out;
                }
                sub.n_items++;
        }
        r = 0;
        /* An empty directory adds nothing to any lookup. */
        if (sub.n_items == 0)
                goto out;
        struct sub_dirs *s = sub_dirs_get(idx, name, name_len);
        struct sub_dir *v = s ? realloc(s->v, (s->n + 1) * sizeof *v) : NULL;
        if (!v) {
                r = -ENOMEM;
                goto out;
        }
        s->v = v;
        s->v[s->n++] = sub;
        sub = (struct sub_dir) { 0 };
out:
        if (d)
                closedir(d);
        free(path);
        sub_dir_items_free(&sub);
        return r;
}

static int scan_dir(struct scan *sc, size_t dir)
{
        struct unit_path_index *idx = sc->idx;
        struct search_dir *sd = &idx->dirs[dir];
        DIR *d;
        int r = 0;

        /* The same directory twice (/lib/systemd/system is a link to
         * /usr/lib/systemd/system on a merged /usr): everything in it is
         * already in the index from the first time, and would lose to it. */
        for (size_t i = 0; sd->canon && i < dir; i++)
                if (idx->dirs[i].canon && strcmp(idx->dirs[i].canon, sd->canon) == 0) {
                        log_debug("%s: the same directory as %s, skipped", sd->path, idx->dirs[i].path);
                        return 0;
                }
        d = opendir(sd->path);
        if (!d) {
                if (errno == ENOENT || errno == ENOTDIR)
                        log_debug("%s: missing, skipped", sd->path);
                else
                        log_warning("%s: cannot read: %s, ignoring", sd->path, strerror(errno));
                return 0;
        }
        for (struct dirent *de; (de = readdir(d));) {
                const char *n = de->d_name;
                size_t name_len;
                enum sub_kind kind;
                struct stat st;

                if (n[0] == '.')
                        continue;
                if (sub_dir_name(n, &name_len, &kind)) {
                        /* A link to a directory counts as one. */
                        if (de->d_type == DT_DIR ||
                            (de->d_type != DT_REG && fstatat(dirfd(d), n, &st, 0) == 0 && S_ISDIR(st.st_mode))) {
                                r = scan_sub_dir(idx, dir, n, name_len, kind);
                                if (r < 0)
                                        break;
                        }
                        continue;
                }
                if (!unit_name_is_valid(n, UNIT_NAME_ANY))
                        continue;
                r = scan_unit(sc, dir, dirfd(d), n, de->d_type);
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

                /* A file of its own names only itself, which every lookup
                 * has: only what an alias ends at is looked at (and stat'ed,
                 * when the scan left its size for later). */
                if (unit_path_resolve(idx, key, &f) < 0 || f == e || unit_entry_masked(idx, f))
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
                /* An instance linked to its own template's instance. */
                if (streq_ptr(dst, key)) {
                        free(inst);
                        continue;
                }

                struct reverse_entry *re =
                        hashmap_ensure(&idx->reverse, dst, sizeof *re, offsetof(struct reverse_entry, id));
                free(inst);
                if (!re)
                        return -ENOMEM;
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
        for (size_t i = 0; hashmap_next(&idx->subdirs, &i, &k, &v);)
                sub_dirs_free(v);
        hashmap_done(&idx->subdirs);
        free(idx->root);
        for (size_t d = 0; d < idx->n_dirs; d++) {
                free(idx->dirs[d].path);
                free(idx->dirs[d].canon);
        }
        free(idx->dirs);
        free(idx);
}

/* A directory's mtime, which a file added, removed or renamed in it moves;
 * zero when it is missing. */
static struct timespec dir_mtime(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 ? st.st_mtim : (struct timespec) { 0 };
}

int unit_path_index_build(char *const *dirs, struct unit_path_index **ret)
{
        return unit_path_index_build_rooted(dirs, NULL, ret);
}

int unit_path_index_build_rooted(char *const *dirs, const char *root, struct unit_path_index **ret)
{
        struct unit_path_index *idx;
        struct scan sc = { 0 };
        size_t n = strv_length(dirs);
        int r = -ENOMEM;

        idx = calloc(1, sizeof *idx);
        if (!idx)
                return -ENOMEM;
        sc.idx = idx;
        if (root && *root && strcmp(root, "/") != 0 && !(idx->root = strdup(root)))
                goto out;
        hashmap_init(&idx->links);
        hashmap_init(&idx->reverse);
        hashmap_init(&idx->subdirs);
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
                idx->n_dirs++;
                sd->path = strdup(dirs[i]);
                if (!sd->path)
                        goto out;
                for (size_t l = strlen(sd->path); l > 1 && sd->path[l - 1] == '/'; l--)
                        sd->path[l - 1] = '\0';
                sd->canon = realpath(sd->path, NULL);
                if (!sd->canon && errno == ENOMEM)
                        goto out;
                sd->mtime = dir_mtime(sd->path);
        }
        r = 0;
        for (size_t i = 0; i < n && r >= 0; i++)
                r = scan_dir(&sc, i);
        if (r < 0)
                goto out;
        r = build_reverse(idx);
        if (r < 0)
                goto out;

        *ret = idx;
        idx = NULL;
out:
        free(sc.parent);
        free(sc.canon);
        unit_path_index_free(idx);
        return r;
}

int unit_path_index_refresh(struct unit_path_index *idx)
{
        bool changed = false;
        for (size_t i = 0; i < idx->n_dirs && !changed; i++) {
                struct timespec t = dir_mtime(idx->dirs[i].path);
                changed = t.tv_sec != idx->dirs[i].mtime.tv_sec || t.tv_nsec != idx->dirs[i].mtime.tv_nsec;
        }
        if (!changed)
                return 0;
        char **paths = calloc(idx->n_dirs + 1, sizeof *paths);
        struct unit_path_index *fresh = NULL;
        int r = paths ? 0 : -ENOMEM;
        for (size_t i = 0; r == 0 && i < idx->n_dirs; i++)
                paths[i] = idx->dirs[i].path;
        if (r == 0)
                r = unit_path_index_build_rooted(paths, idx->root, &fresh);
        free(paths); /* the strings are idx's */
        if (r < 0)
                return r;
        struct unit_path_index old = *idx;
        *idx = *fresh;
        *fresh = old;
        unit_path_index_free(fresh);
        return 1;
}
