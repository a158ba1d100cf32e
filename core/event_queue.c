/* The event queue between the producer threads (signal thread, worker pool,
 * io thread) and the scheduler thread; see event_queue.h. A ring buffer
 * that doubles when full, one mutex, one CLOCK_MONOTONIC condition variable. */
#include "core/event_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"

/* Generous, so that a burst of exits at shutdown does not allocate. The
 * ring is malloc'ed, not calloc'ed: a slot is written before it is read,
 * and untouched pages cost no resident memory (a container's weft -- CMD
 * uses a few slots, bench-container). */
#define EVENT_QUEUE_INITIAL_CAP 256

uint64_t now_usec(void)
{
        struct timespec ts;

        /* Cannot fail for CLOCK_MONOTONIC with a valid pointer. */
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return timespec_usec(ts);
}

int event_queue_init(struct event_queue *q)
{
        pthread_condattr_t attr;
        int r;

        memset(q, 0, sizeof *q);
        q->items = malloc(EVENT_QUEUE_INITIAL_CAP * sizeof *q->items);
        if (!q->items)
                return -ENOMEM;
        q->cap = EVENT_QUEUE_INITIAL_CAP;

        r = pthread_condattr_init(&attr);
        if (r != 0)
                goto fail_items;
        r = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        if (r == 0)
                r = pthread_cond_init(&q->cond, &attr);
        pthread_condattr_destroy(&attr);
        if (r != 0)
                goto fail_items;
        r = pthread_mutex_init(&q->lock, NULL);
        if (r != 0)
                goto fail_cond;
        return 0;

fail_cond:
        pthread_cond_destroy(&q->cond);
fail_items:
        free(q->items);
        q->items = NULL;
        q->cap = 0;
        return -r;
}

void event_queue_destroy(struct event_queue *q)
{
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->cond);
        free(q->items);
        q->items = NULL;
        q->head = q->count = q->cap = 0;
}

/* Double the ring, unwrapping it so that head is 0 again. Lock held. */
static int grow_locked(struct event_queue *q)
{
        size_t ncap = q->cap * 2;
        struct event *n;

        if (ncap < q->cap || ncap > SIZE_MAX / sizeof *n)
                return -ENOMEM;
        n = malloc(ncap * sizeof *n);
        if (!n)
                return -ENOMEM;
        for (size_t i = 0; i < q->count; i++)
                n[i] = q->items[(q->head + i) % q->cap];
        free(q->items);
        q->items = n;
        q->head = 0;
        q->cap = ncap;
        return 0;
}

int event_queue_push(struct event_queue *q, const struct event *ev)
{
        int r = 0;

        pthread_mutex_lock(&q->lock);
        if (q->count == q->cap) {
                r = grow_locked(q);
                if (r < 0)
                        goto out;
        }
        q->items[(q->head + q->count) % q->cap] = *ev;
        q->count++;
out:
        pthread_mutex_unlock(&q->lock);
        /* After the unlock: a consumer woken under the lock would run only
         * to block on the mutex we still hold, a second sleep and wake-up on
         * every unit's critical path (exit -> scheduler). One consumer:
         * waking one waiter is enough; it rechecks count under the lock, so
         * a signal with nothing queued (r < 0) is harmless. */
        if (r == 0)
                pthread_cond_signal(&q->cond);
        return r;
}

static void usec_to_timespec(uint64_t usec, struct timespec *ret)
{
        ret->tv_sec = (time_t) (usec / USEC_PER_SEC);
        ret->tv_nsec = (long) (usec % USEC_PER_SEC) * 1000;
}

int event_queue_pop(struct event_queue *q, uint64_t deadline_usec, struct event *ret)
{
        struct timespec ts;
        int r = 0;

        usec_to_timespec(deadline_usec, &ts);
        pthread_mutex_lock(&q->lock);
        while (q->count == 0) {
                if (deadline_usec == UINT64_MAX) {
                        pthread_cond_wait(&q->cond, &q->lock);
                        continue;
                }
                if (now_usec() >= deadline_usec)
                        goto out;
                /* ETIMEDOUT is rechecked against the clock above, so a
                 * wake-up a hair early cannot return before the deadline. */
                (void) pthread_cond_timedwait(&q->cond, &q->lock, &ts);
        }
        *ret = q->items[q->head];
        q->head = (q->head + 1) % q->cap;
        q->count--;
        r = 1;
out:
        pthread_mutex_unlock(&q->lock);
        return r;
}
