/* The pool of base/strpool.h: a chained hash table of counted entries,
 * the string stored inline after its header, grown as it fills so a
 * look-up stays short. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/strpool.h"

struct pool_str {
        struct pool_str *next;
        uint32_t hash;
        uint32_t refs;
        char s[];
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool_str **buckets;
static size_t n_buckets; /* a power of two, or 0 */
static size_t n_strs;

static struct pool_str *entry_of(const char *s)
{
        return (struct pool_str *) (s - offsetof(struct pool_str, s));
}

/* Twice the buckets; on failure the table stays as it is (only slower). */
static void grow(void)
{
        size_t n = n_buckets ? 2 * n_buckets : 64;
        struct pool_str **b = calloc(n, sizeof *b);
        if (!b)
                return;
        for (size_t i = 0; i < n_buckets; i++)
                for (struct pool_str *e = buckets[i], *next; e; e = next) {
                        next = e->next;
                        e->next = b[e->hash & (n - 1)];
                        b[e->hash & (n - 1)] = e;
                }
        free(buckets);
        buckets = b;
        n_buckets = n;
}

const char *strpool_ref(const char *s)
{
        uint32_t h = (uint32_t) hash_string(s); /* the bucket bits are the low ones */
        const char *ret = NULL;
        pthread_mutex_lock(&pool_lock);
        if (n_strs >= n_buckets)
                grow();
        if (!n_buckets)
                goto out;
        struct pool_str **head = &buckets[h & (n_buckets - 1)];
        for (struct pool_str *e = *head; e; e = e->next)
                if (e->hash == h && strcmp(e->s, s) == 0 && e->refs < UINT32_MAX) {
                        e->refs++;
                        ret = e->s;
                        goto out;
                }
        size_t k = strlen(s) + 1;
        struct pool_str *e = malloc(sizeof *e + k);
        if (!e)
                goto out;
        *e = (struct pool_str) { .next = *head, .hash = h, .refs = 1 };
        memcpy(e->s, s, k);
        *head = e;
        n_strs++;
        ret = e->s;
out:
        pthread_mutex_unlock(&pool_lock);
        return ret;
}

void strpool_unref(const char *s)
{
        if (!s)
                return;
        struct pool_str *e = entry_of(s);
        pthread_mutex_lock(&pool_lock);
        if (--e->refs == 0) {
                struct pool_str **at = &buckets[e->hash & (n_buckets - 1)];
                while (*at != e)
                        at = &(*at)->next;
                *at = e->next;
                free(e);
                n_strs--;
        }
        pthread_mutex_unlock(&pool_lock);
}

unsigned long strpool_count(void)
{
        pthread_mutex_lock(&pool_lock);
        unsigned long n = n_strs;
        pthread_mutex_unlock(&pool_lock);
        return n;
}
