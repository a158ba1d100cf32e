/* Binary min-heap of deadlines; see timer_heap.h. */
#include "base/timer_heap.h"

#include <errno.h>
#include <stdlib.h>

void timer_heap_init(struct timer_heap *h)
{
        *h = (struct timer_heap) { 0 };
}

void timer_heap_done(struct timer_heap *h)
{
        free(h->items);
        timer_heap_init(h);
}

static void swap(struct timer_entry *a, struct timer_entry *b)
{
        struct timer_entry t = *a;
        *a = *b;
        *b = t;
}

int timer_heap_push(struct timer_heap *h, uint64_t when, void *owner, uint64_t generation)
{
        if (h->n == h->cap) {
                size_t cap = h->cap ? h->cap * 2 : 64;
                struct timer_entry *items = realloc(h->items, cap * sizeof *items);
                if (!items)
                        return -ENOMEM;
                h->items = items;
                h->cap = cap;
        }
        size_t i = h->n++;
        h->items[i] = (struct timer_entry) { when, owner, generation };
        while (i > 0 && h->items[(i - 1) / 2].when > h->items[i].when) {
                swap(&h->items[(i - 1) / 2], &h->items[i]);
                i = (i - 1) / 2;
        }
        return 0;
}

const struct timer_entry *timer_heap_peek(const struct timer_heap *h)
{
        return h->n ? &h->items[0] : NULL;
}

void timer_heap_pop(struct timer_heap *h)
{
        if (!h->n)
                return;
        h->items[0] = h->items[--h->n];
        for (size_t i = 0;;) {
                size_t l = 2 * i + 1, r = l + 1, m = i;
                if (l < h->n && h->items[l].when < h->items[m].when)
                        m = l;
                if (r < h->n && h->items[r].when < h->items[m].when)
                        m = r;
                if (m == i)
                        break;
                swap(&h->items[i], &h->items[m]);
                i = m;
        }
}
