/* Open-addressing string map with linear probing; see hashmap.h.
 * Removal shifts the entries after the hole back (no tombstones), so a
 * lookup still stops at the first empty slot. Unit tables never remove
 * (a daemon-reload builds a new table); side tables by name do. */
#include "base/hashmap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint64_t hash_string(const char *s)
{
        uint64_t h = FNV1A_OFFSET_BASIS;
        for (; *s; s++)
                h = fnv1a_step(h, (unsigned char) *s);
        return h;
}

void hashmap_init(struct hashmap *h)
{
        *h = (struct hashmap) { 0 };
}

void hashmap_done(struct hashmap *h)
{
        free(h->slots);
        hashmap_init(h);
}

static struct hashmap_entry *find_slot(const struct hashmap_entry *slots, size_t n_slots, const char *key)
{
        size_t mask = n_slots - 1;
        for (size_t i = hash_string(key) & mask;; i = (i + 1) & mask) {
                const struct hashmap_entry *e = &slots[i];
                if (!e->key || strcmp(e->key, key) == 0)
                        return (struct hashmap_entry *) e;
        }
}

void *hashmap_get(const struct hashmap *h, const char *key)
{
        if (h->n_slots == 0)
                return NULL;
        struct hashmap_entry *e = find_slot(h->slots, h->n_slots, key);
        return e->key ? e->value : NULL;
}

static int grow(struct hashmap *h)
{
        size_t n = h->n_slots ? h->n_slots * 2 : 16;
        struct hashmap_entry *slots = calloc(n, sizeof *slots);
        if (!slots)
                return -ENOMEM;
        for (size_t i = 0; i < h->n_slots; i++)
                if (h->slots[i].key)
                        *find_slot(slots, n, h->slots[i].key) = h->slots[i];
        free(h->slots);
        h->slots = slots;
        h->n_slots = n;
        return 0;
}

static int put(struct hashmap *h, const char *key, void *value, int overwrite)
{
        /* Keep the load factor under 3/4 so probes stay short. */
        if ((h->n_items + 1) * 4 > h->n_slots * 3) {
                int r = grow(h);
                if (r < 0)
                        return r;
        }
        struct hashmap_entry *e = find_slot(h->slots, h->n_slots, key);
        if (e->key) {
                if (!overwrite)
                        return -EEXIST;
                e->key = key;
                e->value = value;
                return 0;
        }
        *e = (struct hashmap_entry) { key, value };
        h->n_items++;
        return 0;
}

void *hashmap_ensure(struct hashmap *h, const char *key, size_t size, size_t key_offset)
{
        void *v = hashmap_get(h, key);
        if (v)
                return v;
        v = calloc(1, size);
        char *k = v ? strdup(key) : NULL;
        if (!k || hashmap_put(h, k, v) < 0) {
                free(k);
                free(v);
                return NULL;
        }
        memcpy((char *) v + key_offset, &k, sizeof k);
        return v;
}

int hashmap_put(struct hashmap *h, const char *key, void *value)
{
        return put(h, key, value, 0);
}

int hashmap_replace(struct hashmap *h, const char *key, void *value)
{
        return put(h, key, value, 1);
}

void *hashmap_remove(struct hashmap *h, const char *key)
{
        if (h->n_slots == 0)
                return NULL;
        struct hashmap_entry *e = find_slot(h->slots, h->n_slots, key);
        if (!e->key)
                return NULL;
        void *value = e->value;
        size_t mask = h->n_slots - 1, hole = (size_t) (e - h->slots);
        /* Each entry after the hole, up to the first empty slot, moves into
         * it unless its own slot lies cyclically in (hole, j]: from there a
         * probe reaches it without passing the hole. */
        for (size_t j = (hole + 1) & mask; h->slots[j].key; j = (j + 1) & mask) {
                size_t home = hash_string(h->slots[j].key) & mask;
                bool stays = hole < j ? home > hole && home <= j : home > hole || home <= j;
                if (!stays) {
                        h->slots[hole] = h->slots[j];
                        hole = j;
                }
        }
        h->slots[hole] = (struct hashmap_entry) { 0 };
        h->n_items--;
        return value;
}

int hashmap_next(const struct hashmap *h, size_t *i, const char **ret_key, void **ret_value)
{
        for (; *i < h->n_slots; (*i)++) {
                const struct hashmap_entry *e = &h->slots[*i];
                if (e->key) {
                        if (ret_key)
                                *ret_key = e->key;
                        if (ret_value)
                                *ret_value = e->value;
                        (*i)++;
                        return 1;
                }
        }
        return 0;
}
