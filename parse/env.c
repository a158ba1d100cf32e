/* Environment names and "K=V" vectors; see env.h. */
#include "parse/env.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hashmap.h"
#include "base/strv.h"
#include "parse/word.h"

/* ASCII only, whatever the locale. */
bool env_name_is_valid(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z')))
                        return false;
        return true;
}

/* POSIX bounds the whole block by ARG_MAX, so one assignment too. */
static size_t arg_max(void)
{
        long l = sysconf(_SC_ARG_MAX);
        return l > 4 ? (size_t) l : 4096;
}

bool env_assignment_is_valid(const char *e)
{
        const char *eq = strchr(e, '=');
        size_t max = arg_max();

        return eq && (size_t) (eq - e) <= max - 2 && env_name_is_valid(e, (size_t) (eq - e)) &&
               utf8_is_valid(eq + 1) && strlen(eq + 1) <= max - 3 && strlen(e) <= max - 1;
}

bool env_assignments_are_valid(char *const *l)
{
        for (size_t i = 0; l && l[i]; i++) {
                size_t k = strcspn(l[i], "=");
                if (!env_assignment_is_valid(l[i]))
                        return false;
                for (size_t j = i + 1; l[j]; j++)
                        if (strncmp(l[i], l[j], k) == 0 && l[j][k] == '=')
                                return false;
        }
        return true;
}

bool env_names_or_assignments_are_valid(char *const *l)
{
        for (size_t i = 0; l && l[i]; i++) {
                size_t n = strlen(l[i]);
                if (!env_assignment_is_valid(l[i]) && !(n <= arg_max() - 2 && env_name_is_valid(l[i], n)))
                        return false;
                for (size_t j = i + 1; l[j]; j++)
                        if (strcmp(l[i], l[j]) == 0)
                                return false;
        }
        return true;
}

/* ---- the name index ---- */

static char key_sep(const struct env_builder *b)
{
        return b->sep ? b->sep : '=';
}

/* FNV-1a over the name, which ends at sep (or the end of a bare name). */
static uint64_t name_hash(const char *s, char sep, size_t *ret_len)
{
        uint64_t h = FNV1A_OFFSET_BASIS;
        size_t i = 0;

        for (; s[i] && s[i] != sep; i++)
                h = fnv1a_step(h, (unsigned char) s[i]);
        *ret_len = i;
        return h;
}

static bool name_is(const char *entry, const char *name, size_t len, char sep)
{
        return strncmp(entry, name, len) == 0 && (entry[len] == sep || entry[len] == 0);
}

/* The slot holding name, or the free slot where it would go. */
static size_t *find_slot(const struct env_builder *b, const char *name)
{
        size_t len, mask = b->n_slots - 1;
        char sep = key_sep(b);

        for (size_t i = name_hash(name, sep, &len) & mask;; i = (i + 1) & mask) {
                size_t *s = &b->slots[i];
                if (*s == 0 || name_is(b->v[*s - 1], name, len, sep))
                        return s;
        }
}

/* Keep the load under 1/2, so probes stay short even for similar names. */
static int index_grow(struct env_builder *b, size_t want)
{
        size_t n = b->n_slots ? b->n_slots : 16;

        while (n < want * 2)
                n *= 2;
        if (n == b->n_slots)
                return 0;
        size_t *old = b->slots, n_old = b->n_slots;
        b->slots = calloc(n, sizeof *b->slots);
        if (!b->slots) {
                b->slots = old;
                return -ENOMEM;
        }
        b->n_slots = n;
        for (size_t i = 0; i < n_old; i++)
                if (old[i])
                        *find_slot(b, b->v[old[i] - 1]) = old[i];
        free(old);
        return 0;
}

static int vector_grow(struct env_builder *b)
{
        if (b->n < b->cap)
                return 0;
        size_t cap = b->cap < 8 ? 8 : b->cap * 2;
        char **v = realloc(b->v, (cap + 1) * sizeof *v);
        if (!v)
                return -ENOMEM;
        b->v = v;
        b->cap = cap;
        return 0;
}

/* ---- the builder ---- */

int env_builder_adopt(struct env_builder *b, char **v)
{
        *b = (struct env_builder) { .v = v, .n = strv_length(v), .sep = b->sep };
        b->cap = b->n;
        if (b->n == 0)
                return 0;
        int r = index_grow(b, b->n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < b->n; i++)
                *find_slot(b, v[i]) = i + 1;
        return 0;
}

int env_builder_put(struct env_builder *b, char *assignment)
{
        int r = index_grow(b, b->n + 1);
        if (r < 0)
                goto fail;
        size_t *slot = find_slot(b, assignment);
        if (*slot) {
                free(b->v[*slot - 1]);
                b->v[*slot - 1] = assignment;
                return 0;
        }
        r = vector_grow(b);
        if (r < 0)
                goto fail;
        b->v[b->n++] = assignment;
        b->v[b->n] = NULL;
        *slot = b->n;
        return 0;
fail:
        free(assignment);
        return r;
}

int env_builder_put_copy(struct env_builder *b, const char *assignment)
{
        char *s = strdup(assignment);
        if (!s)
                return -ENOMEM;
        return env_builder_put(b, s);
}

int env_builder_put_pair(struct env_builder *b, const char *key, const char *value)
{
        char *s;
        if (asprintf(&s, "%s=%s", key, value) < 0)
                return -ENOMEM;
        return env_builder_put(b, s);
}

const char *env_builder_get(const struct env_builder *b, const char *name)
{
        if (b->n_slots == 0)
                return NULL;
        size_t *slot = find_slot(b, name);
        if (*slot == 0)
                return NULL;
        const char *eq = strchr(b->v[*slot - 1], key_sep(b));
        return eq ? eq + 1 : "";
}

char **env_builder_release(struct env_builder *b)
{
        char **v = b->v;
        free(b->slots);
        *b = (struct env_builder) { .sep = b->sep };
        return v;
}

void env_builder_done(struct env_builder *b)
{
        strv_free(env_builder_release(b));
}

/* Remove every entry matching spec: a name ("K") or an exact "K=V". */
void env_unset(char **env, const char *spec)
{
        bool exact = strchr(spec, '=') != NULL;
        size_t klen = strlen(spec), j = 0;

        for (size_t i = 0; env && env[i]; i++) {
                bool match = exact ? strcmp(env[i], spec) == 0
                                   : strncmp(env[i], spec, klen) == 0 && env[i][klen] == '=';
                if (match)
                        free(env[i]);
                else
                        env[j++] = env[i];
        }
        if (env)
                env[j] = NULL;
}
