/* The event queue: many producer threads, one consumer (the scheduler
 * thread), under one mutex and condition variable. Pushing never blocks
 * for long (the queue grows); popping sleeps on the condition variable until
 * an event arrives or a CLOCK_MONOTONIC deadline passes. No polling. */
#pragma once
#include <pthread.h>
#include <stdint.h>

#include "core/event.h"

struct event_queue {
        pthread_mutex_t lock;
        pthread_cond_t cond; /* uses CLOCK_MONOTONIC */
        struct event *items; /* ring buffer */
        size_t head;
        size_t count;
        size_t cap;
};

int event_queue_init(struct event_queue *q);
void event_queue_destroy(struct event_queue *q);

/* Copy ev into the queue and wake the consumer. -ENOMEM if it cannot grow
 * (the caller logs; a lost exit event would leak a unit's state, so the
 * queue preallocates generously). */
int event_queue_push(struct event_queue *q, const struct event *ev);

/* Wait for the next event until deadline_usec (CLOCK_MONOTONIC µs;
 * UINT64_MAX waits forever). Returns 1 and fills *ret, or 0 on timeout. */
int event_queue_pop(struct event_queue *q, uint64_t deadline_usec, struct event *ret);

/* CLOCK_MONOTONIC now, in µs. */
uint64_t now_usec(void);
