/* Answering from the unit search-path index (see unit_path.h):
 * unit_path_lookup() resolves a name's alias chain, collects all its names,
 * and gathers its drop-ins and .wants/.requires entries from the index that
 * parse/unit_path_scan.c built, without reading any directory. Called by
 * the unit loader (parse/load.c) and `weftctl verify/show`. The rules
 * follow systemd.unit(5) and were checked against systemd-analyze verify
 * (systemd 252). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/unit_name.h"
#include "parse/unit_path.h"
#include "parse/unit_path_index.h"

/* Alias hops before a chain counts as a loop (systemd's FOLLOW_MAX). */
#define FOLLOW_MAX 32

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

/* Follow name's alias chain to the entry holding its file. -ENOENT when a
 * hop is missing, -ELOOP for a loop, the entry's error for a bad alias. */
int unit_path_resolve(const struct unit_path_index *idx, const char *name, const struct unit_entry **ret)
{
        const char *n = name;

        for (unsigned i = 0; i < FOLLOW_MAX; i++) {
                const struct unit_entry *e = unit_entries_get(&idx->units, n);
                if (!e)
                        return -ENOENT;
                if (e->kind == ENTRY_INVALID)
                        return unit_entry_link(idx, e)->error;
                if (e->kind != ENTRY_ALIAS) {
                        *ret = e;
                        return 0;
                }
                n = unit_entry_link(idx, e)->target;
        }
        return -ELOOP;
}

bool unit_entry_masked(const struct unit_path_index *idx, const struct unit_entry *e)
{
        if (e->mask != MASK_UNKNOWN)
                return e->mask == MASK_YES;
        char *path = unit_entry_path(idx, e);
        struct stat st;
        bool empty = path && lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
        free(path);
        return empty;
}

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

/* The names whose NAME.d/ (.wants/, .requires/) directories apply to
 * name, in order: name itself, then (for an instance) the template's
 * chain, then the chain of its dashed prefix: foo-bar-baz.service also
 * reads foo-bar-.service and foo-.service. A bare type name ("service") is
 * the type-wide directory and stops there. The chain depends on the name
 * only, so a lookup computes it once for every search directory and suffix.
 * Every unit loaded walks its chains, so the names are built in buffers
 * on the stack, and the walk is a loop (a name has as many links as
 * dashes). */

/* The next link after name (a valid unit name): its prefix up to the last
 * dash, kept ("foo-bar-baz" gives "foo-bar-"; a trailing dash is dropped
 * first, "foo-bar-" gives "foo-"), with name's instance and type. False
 * when there is none. */
static bool chain_next(const char *name, char out[static UNIT_NAME_MAX + 1])
{
        const char *at = strchr(name, '@'), *suffix = strrchr(name, '.');
        size_t plen = (size_t) ((at ? at : suffix) - name);
        char prefix[UNIT_NAME_MAX + 1];

        if (plen > UNIT_NAME_MAX)
                return false;
        memcpy(prefix, name, plen);
        prefix[plen] = '\0';
        for (bool chopped = false;;) {
                char *dash = strrchr(prefix, '-');
                if (!dash || dash == prefix)
                        return false;
                if (dash[1] != '\0' || chopped) {
                        dash[1] = '\0';
                        break;
                }
                /* A trailing dash: drop it and look once more. */
                *dash = '\0';
                chopped = true;
        }
        size_t ilen = 0;
        const char *inst = unit_name_is_valid(name, UNIT_NAME_INSTANCE) ? unit_path_instance_span(name, &ilen) : NULL;
        size_t p = strlen(prefix), sl = strlen(suffix);
        if (p + (inst ? 1 + ilen : 0) + sl > UNIT_NAME_MAX)
                return false;
        char *o = mempcpy(out, prefix, p);
        if (inst) {
                *o++ = '@';
                o = mempcpy(o, inst, ilen);
        }
        memcpy(o, suffix, sl + 1);
        return unit_name_is_valid(out, UNIT_NAME_ANY);
}

typedef int (*chain_visit_fn)(const char *name, void *data);

/* name and its dashed prefixes, for a name that is no instance. */
static int chain_plain(const char *name, chain_visit_fn visit, void *data)
{
        char a[UNIT_NAME_MAX + 1], b[UNIT_NAME_MAX + 1];
        char *cur = a, *next = b;

        if (strlen(name) > UNIT_NAME_MAX)
                return visit(name, data);
        strcpy(cur, name);
        for (;;) {
                int r = visit(cur, data);
                if (r < 0 || unit_type_from_string(cur) >= 0 || !chain_next(cur, next))
                        return r;
                char *t = cur;
                cur = next;
                next = t;
        }
}

static int name_chain(const char *name, chain_visit_fn visit, void *data)
{
        char a[UNIT_NAME_MAX + 1], b[UNIT_NAME_MAX + 1], tmpl[UNIT_NAME_MAX + 1];
        char *cur = a, *next = b;

        if (!unit_name_is_valid(name, UNIT_NAME_INSTANCE))
                return chain_plain(name, visit, data);
        strcpy(cur, name); /* a valid name fits */
        for (;;) {
                int r = visit(cur, data);
                if (r < 0)
                        return r;
                if (unit_name_is_valid(cur, UNIT_NAME_INSTANCE)) {
                        /* The template: prefix@ and the suffix. */
                        const char *at = strchr(cur, '@');
                        size_t n = (size_t) (at - cur) + 1;
                        memcpy(tmpl, cur, n);
                        strcpy(tmpl + n, strrchr(cur, '.'));
                        r = chain_plain(tmpl, visit, data);
                        if (r < 0)
                                return r;
                }
                if (unit_type_from_string(cur) >= 0 || !chain_next(cur, next))
                        return 0;
                char *t = cur;
                cur = next;
                next = t;
        }
}

/* The directories that apply to a unit, found once for the three kinds:
 * one chain per name of the unit (in name order), then the type-wide one;
 * of each chain, the names that have directories, with them. */
struct chain_dirs {
        const struct sub_dirs **found; /* all chains one after another */
        size_t n_found, cap;
        size_t *ends;                  /* chain c is found[ends[c - 1] (0 for c = 0) .. ends[c]) */
        size_t n_chains;
        const struct unit_path_index *idx;
};

static void chain_dirs_done(struct chain_dirs *c)
{
        free(c->found);
        free(c->ends);
}

static int chain_dirs_visit(const char *name, void *data)
{
        struct chain_dirs *c = data;
        const struct sub_dirs *s = hashmap_get(&c->idx->subdirs, name);
        if (!s)
                return 0;
        if (c->n_found == c->cap) {
                size_t ncap = c->cap ? c->cap * 2 : 8;
                const struct sub_dirs **v = realloc(c->found, ncap * sizeof *v);
                if (!v)
                        return -ENOMEM;
                c->found = v;
                c->cap = ncap;
        }
        c->found[c->n_found++] = s;
        return 0;
}

static int chain_dirs_find(const struct unit_path_index *idx, char *const *names, struct chain_dirs *ret)
{
        size_t n = strv_length(names);
        struct chain_dirs c = { .idx = idx };
        int r = 0;

        /* No directory anywhere: nothing to find (a search path of unit
         * files only). */
        if (idx->subdirs.n_items == 0)
                return 0;
        c.ends = calloc(n + 1, sizeof *c.ends);
        if (!c.ends)
                return -ENOMEM;
        for (size_t i = 0; i <= n && r >= 0; i++) {
                r = i < n ? name_chain(names[i], chain_dirs_visit, &c)
                          : chain_dirs_visit(unit_type_to_string(unit_name_to_type(names[0])), &c);
                c.ends[i] = c.n_found;
        }
        if (r < 0) {
                chain_dirs_done(&c);
                return r;
        }
        c.n_chains = n + 1;
        *ret = c;
        return 0;
}

/* The directories of one kind of every chain, each chain across all search
 * directories, as systemd orders them. */
static int gather_dirs(const struct unit_path_index *idx, const struct chain_dirs *c, enum sub_kind kind,
                       struct dir_list *l)
{
        for (size_t ch = 0, from = 0; ch < c->n_chains; from = c->ends[ch++]) {
                if (from == c->ends[ch])
                        continue;
                for (size_t i = 0; i < idx->n_dirs; i++)
                        for (size_t k = from; k < c->ends[ch]; k++) {
                                const struct sub_dirs *s = c->found[k];
                                for (size_t j = 0; j < s->n; j++)
                                        if (s->v[j].dir == i && s->v[j].kind == kind) {
                                                int r = dir_list_add(l, &s->v[j]);
                                                if (r < 0)
                                                        return r;
                                        }
                        }
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

static int find_items(const struct unit_path_index *idx, char *const *names, const struct chain_dirs *chains,
                      enum sub_kind kind, const char *instance, char ***ret)
{
        struct dir_list l = { 0 };
        const struct dir_item **items = NULL;
        size_t n = 0;
        char **out = NULL;
        bool dropin = kind == SUB_DROPIN;
        int r;

        r = gather_dirs(idx, chains, kind, &l);
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
/* Add alias, one name the reverse map lists under a unit: for an instance,
 * a template alias gets the instance, unless that instance name resolves to
 * a different file than fragment_name. */
static int add_alias(const struct unit_path_index *idx, const char *alias, const char *fragment_name,
                     const char *instance, char ***names)
{
        if (instance && unit_name_is_valid(alias, UNIT_NAME_TEMPLATE)) {
                const struct unit_entry *f = NULL;
                char *inst = NULL;
                int r = unit_name_replace_instance(alias, instance, &inst);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return 0;
                if (fragment_name && unit_path_resolve(idx, inst, &f) == 0 && !streq_ptr(f->name, fragment_name)) {
                        free(inst);
                        return 0;
                }
                return strv_consume_unique(names, inst);
        }
        return strv_extend_unique(names, alias);
}

/* Add unit_name (unless a template) and every name the reverse map lists
 * under key. key itself, when it is a file of its own, is the unit's id
 * (or, for a template, gives it: the id with the instance), which
 * order_names puts first in any case. */
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
                r = add_alias(idx, *a, fragment_name, instance, names);
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
        return unit_path_lookup_flags(idx, name, 0, ret);
}

int unit_path_lookup_flags(const struct unit_path_index *idx, const char *name, unsigned flags,
                           struct unit_lookup *ret)
{
        struct unit_lookup l = { 0 };
        const struct unit_entry *f = NULL;
        struct chain_dirs chains = { 0 };
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
        r = unit_path_resolve(idx, name, &f);
        if (r == 0 && !streq_ptr(f->name, name))
                r = add_names(idx, name, f->name, l.instance, f->name, &names);
        if (r == -ENOENT && l.instance) {
                r = unit_name_template(name, &template);
                if (r == 0)
                        r = unit_path_resolve(idx, template, &f);
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
                const struct unit_link *lk = unit_entry_link(idx, f);
                if (f->mask == MASK_UNKNOWN && (flags & UNIT_LOOKUP_DEFER_EMPTY))
                        l.maybe_empty = true;
                else
                        l.masked = unit_entry_masked(idx, f);
                /* A plain file's fragment is its path; a masked link's
                 * is the link itself. */
                l.fragment = l.masked || !lk ? unit_entry_path(idx, f) : strdup(lk->fragment);
                if (!l.fragment) {
                        r = -ENOMEM;
                        goto out;
                }
        }
        r = chain_dirs_find(idx, l.names, &chains);
        if (r < 0)
                goto out;
        r = find_items(idx, l.names, &chains, SUB_DROPIN, l.instance, &l.dropins);
        if (r < 0)
                goto out;
        r = find_items(idx, l.names, &chains, SUB_WANTS, l.instance, &l.wants);
        if (r < 0)
                goto out;
        r = find_items(idx, l.names, &chains, SUB_REQUIRES, l.instance, &l.requires);
        if (r < 0)
                goto out;

        *ret = l;
        l = (struct unit_lookup){ 0 };
out:
        unit_lookup_done(&l);
        strv_free(names);
        chain_dirs_done(&chains);
        free(template);
        free(id);
        return r;
}

bool unit_path_has_fragment(const struct unit_path_index *idx, const char *name)
{
        const struct unit_entry *f = NULL;
        char *template = NULL;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return false;
        /* As unit_path_lookup: the name's own chain, else its template's. */
        int r = unit_path_resolve(idx, name, &f);
        if (r == -ENOENT && unit_name_is_valid(name, UNIT_NAME_INSTANCE) && unit_name_template(name, &template) == 0)
                r = unit_path_resolve(idx, template, &f);
        free(template);
        return r == 0 && !unit_entry_masked(idx, f);
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
