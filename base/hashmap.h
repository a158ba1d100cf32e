/* A string-keyed hash map with open addressing. Keys are borrowed: the
 * caller keeps them alive while they are in the map (units own their names).
 * Not thread-safe: each map has one owning thread. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a, simple and good enough for unit and variable names: the
 * map's string hash, for other tables and keys, and its two halves for
 * keys that end elsewhere than at a NUL. */
#define FNV1A_OFFSET_BASIS 14695981039346656037ULL
static inline uint64_t fnv1a_step(uint64_t h, unsigned char c)
{
        return (h ^ c) * 1099511628211ULL;
}
uint64_t hash_string(const char *s);

struct hashmap_entry {
        const char *key;
        void *value;
};

struct hashmap {
        struct hashmap_entry *slots;
        size_t n_slots; /* a power of two, or 0 */
        size_t n_items;
};

void hashmap_init(struct hashmap *h);
void hashmap_done(struct hashmap *h); /* frees the table, not keys or values */
void *hashmap_get(const struct hashmap *h, const char *key);
/* 0 on insert, -EEXIST if key is present (value untouched), -ENOMEM. */
int hashmap_put(struct hashmap *h, const char *key, void *value);
/* Insert or overwrite. */
int hashmap_replace(struct hashmap *h, const char *key, void *value);
/* key's record; when there is none, a new zeroed one of size bytes,
 * added, that owns its copy of key in the char * at key_offset (the
 * borrowed key: free it with the record). NULL when out of memory. */
void *hashmap_ensure(struct hashmap *h, const char *key, size_t size, size_t key_offset);

/* Take key out; its value, or NULL when it was not there (the caller
 * frees what the entry owned). Not while iterating. */
void *hashmap_remove(struct hashmap *h, const char *key);

/* Iterate: for (size_t i = 0; hashmap_next(h, &i, &k, &v); ) ... */
int hashmap_next(const struct hashmap *h, size_t *i, const char **ret_key, void **ret_value);
