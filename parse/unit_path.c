/* The unit search-path index (see unit_path.h). unit_path_index_build()
 * reads every search directory once, with its NAME.d/, NAME.wants/ and
 * NAME.requires/ subdirectories, into hash maps; unit_path_lookup() then
 * answers from memory only. The rules follow systemd.unit(5) and were
 * checked against systemd-analyze verify (systemd 252). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hashmap.h"
#include "core/log.h"
#include "core/macro.h"
#include "core/strv.h"
#include "parse/unit_name.h"
#include "parse/unit_path.h"

/* Alias hops before a chain counts as a loop (systemd's FOLLOW_MAX). */
#define FOLLOW_MAX 32

enum entry_kind {
        ENTRY_FILE,    /* a regular file in the search directory */
        ENTRY_LINKED,  /* a symlink out of the search path (linked unit, or a mask) */
        ENTRY_ALIAS,   /* a symlink to another unit name inside the search path */
        ENTRY_INVALID, /* an alias systemd rejects; lookups through it fail */
};

/* A unit file name found directly in a search directory. */
struct unit_entry {
        char *name;
        enum entry_kind kind;
        char *path;     /* the entry in its search directory */
        char *fragment; /* FILE, LINKED: the file to parse, symlinks resolved */
        char *target;   /* ALIAS: the unit name it points to */
        bool masked;    /* FILE, LINKED: empty, or a link to /dev/null */
        int error;      /* INVALID: negative errno */
};

enum item_kind {
        ITEM_USE,    /* a drop-in to read, or a dependency to add */
        ITEM_MASK,   /* empty or /dev/null: hides the same name in later dirs */
        ITEM_IGNORE, /* unusable, but it still hides the same name (as in systemd) */
};

struct dir_item {
        char *name;
        char *path;
        enum item_kind kind;
};

/* A NAME.d/, NAME.wants/ or NAME.requires/ directory. */
struct sub_dir {
        char *name;
        struct dir_item *items;
        size_t n_items;
};

struct search_dir {
        char *path;             /* as given, trailing slashes dropped */
        char *canon;            /* realpath(), NULL when missing */
        struct hashmap subdirs; /* name -> struct sub_dir */
};

/* Every name whose alias chain ends at id (id itself included). */
struct reverse_entry {
        char *id;
        char **names;
};

struct unit_path_index {
        struct search_dir *dirs;
        size_t n_dirs;
        struct hashmap units;   /* name -> struct unit_entry; the first directory wins */
        struct hashmap reverse; /* final name -> struct reverse_entry */
};

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
static const char *instance_span(const char *name, size_t *ret_len)
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

static int strv_extend_unique(char ***l, const char *s)
{
        if (strv_contains(*l, s))
                return 0;
        return strv_extend(l, s);
}

static int strv_consume_unique(char ***l, char *s)
{
        if (strv_contains(*l, s)) {
                free(s);
                return 0;
        }
        return strv_consume(l, s);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
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

static void unit_entry_free(struct unit_entry *e)
{
        if (!e)
                return;
        free(e->name);
        free(e->path);
        free(e->fragment);
        free(e->target);
        free(e);
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
                const char *is = instance_span(src, &ns), *id = instance_span(dst, &nd);
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

/* Decide what the symlink sd/e->name is. Sets e->kind and its fields;
 * returns 1 to keep e, 0 to skip the name (as systemd does), or -ENOMEM. */
static int classify_link(const struct unit_path_index *idx, const struct search_dir *sd, int dfd,
                         struct unit_entry *e)
{
        char *link = NULL, *abs = NULL, *parent = NULL, *canon = NULL;
        struct stat st;
        int r;

        r = readlinkat_malloc(dfd, e->name, &link);
        if (r < 0) {
                if (r == -ENOMEM)
                        goto out;
                log_warning("%s: cannot read link: %s, ignoring", e->path, strerror(-r));
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
                if (streq_ptr(base, e->name)) {
                        /* A self-alias: the target is found under its own
                         * name in its own directory. */
                        log_debug("%s: link to the same name in the search path, ignoring", e->path);
                        r = 0;
                        goto out;
                }
                r = alias_check(e->name, base);
                if (r < 0) {
                        log_warning("%s: alias target %s is not a unit name of the same kind, rejecting",
                                    e->path, base);
                        e->kind = ENTRY_INVALID;
                        e->error = r;
                        r = 1;
                        goto out;
                }
                e->kind = ENTRY_ALIAS;
                e->target = strdup(base);
                r = e->target ? 1 : -ENOMEM;
                goto out;
        }

        /* Out of the search path: a linked unit file (its id is the link's
         * name) or a mask. */
        if (fstatat(dfd, e->name, &st, 0) < 0) {
                log_warning("%s: dangling link to %s, ignoring", e->path, link);
                r = 0;
                goto out;
        }
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
                log_warning("%s: link to %s is not a file, ignoring", e->path, link);
                r = 0;
                goto out;
        }
        e->kind = ENTRY_LINKED;
        e->masked = stat_null_or_empty(&st);
        e->fragment = realpath(e->path, NULL);
        r = e->fragment ? 1 : -errno;
        if (r < 0 && r != -ENOMEM) {
                log_warning("%s: cannot resolve: %s, ignoring", e->path, strerror(-r));
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
static int scan_unit(struct unit_path_index *idx, const struct search_dir *sd, int dfd, const char *name)
{
        struct unit_entry *e = NULL;
        struct stat st;
        int r;

        if (hashmap_get(&idx->units, name))
                return 0;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
                return 0;

        e = calloc(1, sizeof *e);
        if (!e)
                return -ENOMEM;
        e->name = strdup(name);
        e->path = path_join(sd->path, name);
        if (!e->name || !e->path) {
                r = -ENOMEM;
                goto out;
        }
        if (S_ISREG(st.st_mode)) {
                e->kind = ENTRY_FILE;
                e->masked = st.st_size == 0;
                e->fragment = strdup(e->path);
                r = e->fragment ? 1 : -ENOMEM;
        } else
                r = classify_link(idx, sd, dfd, e);
        if (r > 0) {
                r = hashmap_put(&idx->units, e->name, e);
                if (r == 0)
                        e = NULL;
        }
out:
        unit_entry_free(e);
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

static int scan_dir(struct unit_path_index *idx, struct search_dir *sd)
{
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
                r = scan_unit(idx, sd, dirfd(d), n);
                if (r < 0)
                        break;
        }
        closedir(d);
        return r < 0 ? r : 0;
}

/* Follow name's alias chain to the entry holding its file. -ENOENT when a
 * hop is missing, -ELOOP for a loop, the entry's error for a bad alias. */
static int resolve(const struct unit_path_index *idx, const char *name, const struct unit_entry **ret)
{
        const char *n = name;

        for (unsigned i = 0; i < FOLLOW_MAX; i++) {
                const struct unit_entry *e = hashmap_get(&idx->units, n);
                if (!e)
                        return -ENOENT;
                if (e->kind == ENTRY_INVALID)
                        return e->error;
                if (e->kind != ENTRY_ALIAS) {
                        *ret = e;
                        return 0;
                }
                n = e->target;
        }
        return -ELOOP;
}

/* The reverse map: for each final unit, every name that resolves to it. An
 * instance linked to a template is an alias of that template's instance. */
static int build_reverse(struct unit_path_index *idx)
{
        const char *key;
        void *v;

        for (size_t i = 0; hashmap_next(&idx->units, &i, &key, &v);) {
                const struct unit_entry *f = NULL;
                char *inst = NULL;
                const char *dst;
                int r;

                if (resolve(idx, key, &f) < 0 || f->masked)
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
        for (size_t i = 0; hashmap_next(&idx->units, &i, &k, &v);)
                unit_entry_free(v);
        hashmap_done(&idx->units);
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
        hashmap_init(&idx->units);
        hashmap_init(&idx->reverse);
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
                r = scan_dir(idx, &idx->dirs[i]);
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

/* Lookup ----------------------------------------------------------------- */

struct dir_list {
        const struct sub_dir **v;
        size_t n, cap;
};

static int dir_list_add(struct dir_list *l, const struct sub_dir *s)
{
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i] == s)
                        return 0;
        if (l->n == l->cap) {
                size_t ncap = l->cap ? l->cap * 2 : 8;
                const struct sub_dir **v = realloc(l->v, ncap * sizeof *v);
                if (!v)
                        return -ENOMEM;
                l->v = v;
                l->cap = ncap;
        }
        l->v[l->n++] = s;
        return 0;
}

/* Add sd's NAME+suffix directory, then (for an instance) the template's,
 * then those of the dashed prefixes: foo-bar-baz.service also reads
 * foo-bar-.service and foo-.service. A bare type name ("service") is the
 * type-wide directory and stops there. */
static int find_dirs(const struct search_dir *sd, const char *name, const char *suffix, struct dir_list *l)
{
        char key[UNIT_NAME_MAX + 16];
        char *prefix = NULL, *built = NULL;
        bool is_instance = unit_name_is_valid(name, UNIT_NAME_INSTANCE);
        int r = 0;

        snprintf(key, sizeof key, "%s%s", name, suffix);
        const struct sub_dir *s = hashmap_get(&sd->subdirs, key);
        if (s) {
                r = dir_list_add(l, s);
                if (r < 0)
                        return r;
        }
        if (is_instance) {
                char *template = NULL;
                r = unit_name_template(name, &template);
                if (r < 0)
                        return r;
                r = find_dirs(sd, template, suffix, l);
                free(template);
                if (r < 0)
                        return r;
        }
        if (unit_type_from_string(name) >= 0)
                return 0;

        r = unit_name_to_prefix(name, &prefix);
        if (r < 0)
                return r;
        for (bool chopped = false;;) {
                char *dash = strrchr(prefix, '-');
                if (!dash || dash == prefix)
                        goto out;
                if (dash[1] != '\0' || chopped) {
                        dash[1] = '\0';
                        break;
                }
                /* A trailing dash: drop it and look once more. */
                *dash = '\0';
                chopped = true;
        }

        size_t ilen;
        const char *inst = is_instance ? instance_span(name, &ilen) : NULL;
        if (asprintf(&built, "%s%s%.*s.%s", prefix, inst ? "@" : "", inst ? (int)ilen : 0, inst ? inst : "",
                     unit_type_to_string(unit_name_to_type(name))) < 0) {
                built = NULL;
                r = -ENOMEM;
                goto out;
        }
        if (unit_name_is_valid(built, UNIT_NAME_ANY))
                r = find_dirs(sd, built, suffix, l);
out:
        free(prefix);
        free(built);
        return r;
}

/* The directories of every name (in name order, each across all search
 * directories), then the type-wide one, as systemd orders them. */
static int gather_dirs(const struct unit_path_index *idx, char *const *names, const char *suffix,
                       struct dir_list *l)
{
        int r;

        STRV_FOREACH(n, names)
                for (size_t i = 0; i < idx->n_dirs; i++) {
                        r = find_dirs(&idx->dirs[i], *n, suffix, l);
                        if (r < 0)
                                return r;
                }
        const char *type = unit_type_to_string(unit_name_to_type(names[0]));
        for (size_t i = 0; i < idx->n_dirs; i++) {
                r = find_dirs(&idx->dirs[i], type, suffix, l);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int cmp_item(const void *a, const void *b)
{
        return strcmp((*(const struct dir_item *const *)a)->name, (*(const struct dir_item *const *)b)->name);
}

/* The items of the directories in l: the first of each file name wins, and
 * the usable ones are returned sorted by name. */
static int collect_items(const struct dir_list *l, const struct dir_item ***ret, size_t *ret_n)
{
        struct hashmap seen;
        const struct dir_item **v = NULL;
        size_t n = 0, total = 0;
        const char *k;
        void *val;
        int r = 0;

        hashmap_init(&seen);
        for (size_t d = 0; d < l->n; d++)
                for (size_t i = 0; i < l->v[d]->n_items; i++) {
                        struct dir_item *it = &l->v[d]->items[i];
                        r = hashmap_put(&seen, it->name, it);
                        if (r == -ENOMEM)
                                goto out;
                        total += r == 0;
                }
        r = 0;
        v = malloc((total ? total : 1) * sizeof *v);
        if (!v) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; hashmap_next(&seen, &i, &k, &val);) {
                const struct dir_item *it = val;
                if (it->kind == ITEM_USE)
                        v[n++] = it;
        }
        qsort(v, n, sizeof *v, cmp_item);
        *ret = v;
        *ret_n = n;
        v = NULL;
out:
        free(v);
        hashmap_done(&seen);
        return r;
}

/* A template entry in a .wants/ or .requires/ directory takes the unit's
 * instance, or for a plain unit its prefix (as systemd does). */
static int dep_name(const char *entry, const char *instance, const char *id, char **ret)
{
        char *prefix = NULL;
        int r;

        if (!unit_name_is_valid(entry, UNIT_NAME_TEMPLATE) || (!instance && !unit_name_is_valid(id, UNIT_NAME_PLAIN))) {
                *ret = strdup(entry);
                return *ret ? 0 : -ENOMEM;
        }
        if (!instance) {
                r = unit_name_to_prefix(id, &prefix);
                if (r < 0)
                        return r;
                instance = prefix;
        }
        r = unit_name_replace_instance(entry, instance, ret);
        free(prefix);
        return r;
}

static int find_items(const struct unit_path_index *idx, char *const *names, const char *suffix,
                      const char *instance, char ***ret)
{
        struct dir_list l = { 0 };
        const struct dir_item **items = NULL;
        size_t n = 0;
        char **out = NULL;
        bool dropin = streq_ptr(suffix, ".d");
        int r;

        r = gather_dirs(idx, names, suffix, &l);
        if (r < 0)
                goto out;
        r = collect_items(&l, &items, &n);
        if (r < 0)
                goto out;
        for (size_t i = 0; i < n; i++) {
                if (dropin) {
                        r = strv_extend(&out, items[i]->path);
                } else {
                        char *dep = NULL;
                        r = dep_name(items[i]->name, instance, names[0], &dep);
                        if (r == -EINVAL) {
                                log_warning("%s: cannot give it the instance of %s, ignoring", items[i]->path,
                                            names[0]);
                                r = 0;
                                continue;
                        }
                        if (r == 0)
                                r = strv_consume_unique(&out, dep);
                }
                if (r < 0)
                        goto out;
        }
        *ret = out;
        out = NULL;
out:
        strv_free(out);
        free(items);
        free(l.v);
        return r;
}

/* Add unit_name (unless a template) and every name the reverse map lists
 * under key. For an instance, template aliases get the instance, unless that
 * instance name resolves to a different file than fragment_name. */
static int add_names(const struct unit_path_index *idx, const char *unit_name, const char *fragment_name,
                     const char *instance, const char *key, char ***names)
{
        int r = 0;

        if (!unit_name_is_valid(unit_name, UNIT_NAME_TEMPLATE)) {
                r = strv_extend_unique(names, unit_name);
                if (r < 0)
                        return r;
        }
        const struct reverse_entry *re = hashmap_get(&idx->reverse, key);
        STRV_FOREACH(a, re ? re->names : NULL) {
                if (instance && unit_name_is_valid(*a, UNIT_NAME_TEMPLATE)) {
                        const struct unit_entry *f = NULL;
                        char *inst = NULL;
                        r = unit_name_replace_instance(*a, instance, &inst);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0)
                                continue;
                        if (fragment_name && resolve(idx, inst, &f) == 0 && !streq_ptr(f->name, fragment_name)) {
                                free(inst);
                                continue;
                        }
                        r = strv_consume_unique(names, inst);
                } else
                        r = strv_extend_unique(names, *a);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* id first, the other names sorted after it. */
static int order_names(const char *id, char **names, char ***ret)
{
        char **out = NULL;
        int r = strv_extend(&out, id);
        if (r < 0)
                return r;
        STRV_FOREACH(n, names)
                if (!streq_ptr(*n, id) && (r = strv_extend(&out, *n)) < 0) {
                        strv_free(out);
                        return r;
                }
        qsort(out + 1, strv_length(out) - 1, sizeof *out, cmp_str);
        *ret = out;
        return 0;
}

int unit_path_lookup(const struct unit_path_index *idx, const char *name, struct unit_lookup *ret)
{
        struct unit_lookup l = { 0 };
        const struct unit_entry *f = NULL;
        char *template = NULL, *id = NULL, **names = NULL;
        int r;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        if (unit_name_is_valid(name, UNIT_NAME_INSTANCE)) {
                r = unit_name_to_instance(name, &l.instance);
                if (r < 0)
                        goto out;
        }

        r = add_names(idx, name, NULL, l.instance, name, &names);
        if (r < 0)
                goto out;
        r = resolve(idx, name, &f);
        if (r == 0 && !streq_ptr(f->name, name))
                r = add_names(idx, name, f->name, l.instance, f->name, &names);
        if (r == -ENOENT && l.instance) {
                r = unit_name_template(name, &template);
                if (r == 0)
                        r = resolve(idx, template, &f);
                if (r == 0)
                        r = add_names(idx, name, f->name, l.instance, f->name, &names);
        }
        if (r == -ENOENT) {
                f = NULL;
                r = 0;
        }
        if (r < 0)
                goto out;

        /* The id is the final file's name, with the instance put back into
         * a template. */
        if (f && l.instance && unit_name_is_valid(f->name, UNIT_NAME_TEMPLATE))
                r = unit_name_replace_instance(f->name, l.instance, &id);
        else
                r = (id = strdup(f ? f->name : name)) ? 0 : -ENOMEM;
        if (r < 0)
                goto out;
        r = order_names(id, names, &l.names);
        if (r < 0)
                goto out;
        l.id = id;
        id = NULL;

        if (f) {
                l.masked = f->masked;
                l.fragment = strdup(f->masked ? f->path : f->fragment);
                if (!l.fragment) {
                        r = -ENOMEM;
                        goto out;
                }
        }
        r = find_items(idx, l.names, ".d", l.instance, &l.dropins);
        if (r < 0)
                goto out;
        r = find_items(idx, l.names, ".wants", l.instance, &l.wants);
        if (r < 0)
                goto out;
        r = find_items(idx, l.names, ".requires", l.instance, &l.requires);
        if (r < 0)
                goto out;

        *ret = l;
        l = (struct unit_lookup){ 0 };
out:
        unit_lookup_done(&l);
        strv_free(names);
        free(template);
        free(id);
        return r;
}

void unit_lookup_done(struct unit_lookup *l)
{
        if (!l)
                return;
        free(l->id);
        free(l->fragment);
        free(l->instance);
        strv_free(l->names);
        strv_free(l->dropins);
        strv_free(l->wants);
        strv_free(l->requires);
        *l = (struct unit_lookup){ 0 };
}
