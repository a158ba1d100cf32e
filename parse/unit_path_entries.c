/* Storage for the unit search-path index's entries (struct unit_entries in
 * parse/unit_path_index.h). The index lives for the manager's whole life,
 * so its size counts in peak RSS: at 10,000 unit files one malloc block per
 * entry plus a 16-byte hashmap slot cost ~97 bytes a unit. Here entries
 * are packed one after another into a few large blocks (freed together,
 * never one by one: the index only grows until it is freed), and the name
 * table keeps just the entry pointer, since the key is the entry's name. */
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "parse/unit_path_index.h"

/* Blocks double from the first size up to the last, so a small search path
 * costs little and a big one needs few blocks. */
#define BLOCK_FIRST 1024
#define BLOCK_MAX   (64 * 1024)

struct entry_block {
        struct entry_block *next;
        size_t used, size;
        alignas(struct unit_entry) char data[];
};

static struct unit_entry *block_alloc(struct unit_entries *t, size_t n)
{
        struct entry_block *b = t->blocks;
        size_t at = b ? (b->used + alignof(struct unit_entry) - 1) & ~(alignof(struct unit_entry) - 1) : 0;

        if (!b || at + n > b->size) {
                size_t size = b ? (b->size * 2 < BLOCK_MAX ? b->size * 2 : BLOCK_MAX) : BLOCK_FIRST;
                if (size < n)
                        size = n;
                struct entry_block *nb = malloc(sizeof *nb + size);
                if (!nb)
                        return NULL;
                *nb = (struct entry_block) { .next = b, .size = size };
                t->blocks = b = nb;
                at = 0;
        }
        b->used = at + n;
        return (struct unit_entry *) (b->data + at);
}

/* The slot holding name, or the empty one where it would go. */
static size_t find_slot(struct unit_entry *const *slots, size_t n_slots, const char *name)
{
        size_t mask = n_slots - 1;
        for (size_t i = hash_string(name) & mask;; i = (i + 1) & mask)
                if (!slots[i] || strcmp(slots[i]->name, name) == 0)
                        return i;
}

static int grow(struct unit_entries *t)
{
        size_t n = t->n_slots ? t->n_slots * 2 : 16;
        struct unit_entry **slots = calloc(n, sizeof *slots);
        if (!slots)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_slots; i++)
                if (t->slots[i])
                        slots[find_slot(slots, n, t->slots[i]->name)] = t->slots[i];
        free(t->slots);
        t->slots = slots;
        t->n_slots = n;
        return 0;
}

struct unit_entry *unit_entries_add(struct unit_entries *t, const char *name)
{
        /* As base/hashmap.c: a load factor under 3/4 keeps probes short. */
        if ((t->n_items + 1) * 4 > t->n_slots * 3 && grow(t) < 0)
                return NULL;
        size_t len = strlen(name);
        struct unit_entry *e = block_alloc(t, offsetof(struct unit_entry, name) + len + 1);
        if (!e)
                return NULL;
        *e = (struct unit_entry) { 0 };
        memcpy(e->name, name, len + 1);
        t->slots[find_slot(t->slots, t->n_slots, name)] = e;
        t->n_items++;
        return e;
}

const struct unit_entry *unit_entries_get(const struct unit_entries *t, const char *name)
{
        if (t->n_slots == 0)
                return NULL;
        return t->slots[find_slot(t->slots, t->n_slots, name)];
}

const struct unit_entry *unit_entries_next(const struct unit_entries *t, size_t *i)
{
        while (*i < t->n_slots) {
                const struct unit_entry *e = t->slots[(*i)++];
                if (e)
                        return e;
        }
        return NULL;
}

void unit_entries_done(struct unit_entries *t)
{
        for (struct entry_block *b = t->blocks, *next; b; b = next) {
                next = b->next;
                free(b);
        }
        free(t->slots);
        *t = (struct unit_entries) { 0 };
}
