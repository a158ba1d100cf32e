/* A map from 64-bit keys (pids, request ids) to pointers, with removal.
 * Open addressing with backward-shift deletion, so no tombstones pile up
 * on a long-running manager. One owning thread (the scheduler). */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct idmap_entry {
        uint64_t key; /* 0 is the empty slot: keys must be non-zero */
        void *value;
};

struct idmap {
        struct idmap_entry *slots;
        size_t n_slots; /* power of two, or 0 */
        size_t n_items;
};

void idmap_init(struct idmap *m);
void idmap_done(struct idmap *m);
void *idmap_get(const struct idmap *m, uint64_t key);
/* Insert or overwrite. -ENOMEM. */
int idmap_put(struct idmap *m, uint64_t key, void *value);
/* Remove and return the value (NULL if absent). */
void *idmap_remove(struct idmap *m, uint64_t key);
