/* 64-bit key map; see idmap.h. */
#include "base/idmap.h"

#include <errno.h>
#include <stdlib.h>

static size_t slot_of(uint64_t key, size_t mask)
{
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdULL; /* a 64-bit mixer: pids are dense */
        key ^= key >> 33;
        return key & mask;
}

void idmap_init(struct idmap *m)
{
        *m = (struct idmap) { 0 };
}

void idmap_done(struct idmap *m)
{
        free(m->slots);
        idmap_init(m);
}

static struct idmap_entry *find(const struct idmap *m, uint64_t key)
{
        size_t mask = m->n_slots - 1;
        for (size_t i = slot_of(key, mask);; i = (i + 1) & mask)
                if (m->slots[i].key == key || m->slots[i].key == 0)
                        return &m->slots[i];
}

void *idmap_get(const struct idmap *m, uint64_t key)
{
        if (!m->n_slots)
                return NULL;
        struct idmap_entry *e = find(m, key);
        return e->key ? e->value : NULL;
}

static int grow(struct idmap *m)
{
        struct idmap old = *m;
        size_t n = m->n_slots ? m->n_slots * 2 : 64;
        m->slots = calloc(n, sizeof *m->slots);
        if (!m->slots) {
                *m = old;
                return -ENOMEM;
        }
        m->n_slots = n;
        for (size_t i = 0; i < old.n_slots; i++)
                if (old.slots[i].key)
                        *find(m, old.slots[i].key) = old.slots[i];
        free(old.slots);
        return 0;
}

int idmap_put(struct idmap *m, uint64_t key, void *value)
{
        if ((m->n_items + 1) * 4 > m->n_slots * 3) {
                int r = grow(m);
                if (r < 0)
                        return r;
        }
        struct idmap_entry *e = find(m, key);
        if (!e->key)
                m->n_items++;
        *e = (struct idmap_entry) { key, value };
        return 0;
}

void *idmap_remove(struct idmap *m, uint64_t key)
{
        if (!m->n_slots)
                return NULL;
        size_t mask = m->n_slots - 1;
        struct idmap_entry *e = find(m, key);
        if (!e->key)
                return NULL;
        void *value = e->value;
        /* Backward-shift: pull later entries of the probe run into the hole. */
        size_t hole = e - m->slots;
        for (size_t i = (hole + 1) & mask; m->slots[i].key; i = (i + 1) & mask) {
                size_t home = slot_of(m->slots[i].key, mask);
                if (((i - home) & mask) >= ((i - hole) & mask)) {
                        m->slots[hole] = m->slots[i];
                        hole = i;
                }
        }
        m->slots[hole] = (struct idmap_entry) { 0 };
        m->n_items--;
        return value;
}
