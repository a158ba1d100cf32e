/* Deadlines of the scheduler: a binary min-heap of (when, unit, generation).
 * A unit re-arming or disarming its timer bumps its generation, so stale
 * entries are skipped when they surface instead of being searched for:
 * O(log n) per operation, no scans. Owned by the scheduler thread. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct timer_entry {
        uint64_t when;
        void *owner;
        uint64_t generation;
};

struct timer_heap {
        struct timer_entry *items;
        size_t n;
        size_t cap;
};

void timer_heap_init(struct timer_heap *h);
void timer_heap_done(struct timer_heap *h);
int timer_heap_push(struct timer_heap *h, uint64_t when, void *owner, uint64_t generation);
/* The earliest entry, or NULL when empty. */
const struct timer_entry *timer_heap_peek(const struct timer_heap *h);
void timer_heap_pop(struct timer_heap *h);
