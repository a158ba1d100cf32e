/* A bump allocator for memory that lives and dies as one: a unit table's
 * units and their final edge arrays (parse/unit.c). Items cost their size
 * rounded to 8 bytes, with no per-item header, and sit packed away from
 * malloc's heap, so the short-lived buffers of loading do not leave holes
 * between long-lived blocks. Blocks are anonymous mappings: an untouched
 * tail costs no resident memory. Nothing is freed one by one:
 * arena_done() drops everything. Not thread-safe; one owner at a time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct arena_block;

struct arena {
        struct arena_block *blocks; /* newest first; allocations come from the newest */
        size_t used;                /* bytes taken in the newest block */
        size_t size;                /* bytes usable in the newest block */
};

#define ARENA_INIT ((struct arena) { 0 })

/* n zeroed bytes, 8-byte aligned, valid until arena_done; NULL when out of
 * memory (or n is 0). */
void *arena_alloc(struct arena *a, size_t n);
/* Whether p points into one of a's blocks (tests and assertions). */
bool arena_owns(const struct arena *a, const void *p);
/* Unmap every block; a is empty and usable again. */
void arena_done(struct arena *a);

/* Blocks of 2^k bytes (k 4..40) that come and go while a structure grows
 * by doubling, kept apart from malloc's heap: a freed block waits on its
 * size's list for the next one of that size, and when the last block
 * given out comes back every mapping goes (arena_done). So growing arrays
 * that are copied out once final (parse/unit.c's edges) leave no holes
 * between long-lived blocks and no memory behind. Thread-safe (one lock):
 * any table may be loaded on any thread. */
void *arena_pool_get(unsigned k);
void arena_pool_put(void *p, unsigned k);
/* Blocks given out and not back (tests). */
unsigned long arena_pool_live(void);
