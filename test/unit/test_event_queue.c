/* Tests for the event queue: order, growth, timed waits, and a consumer
 * woken by a producer thread. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/event_queue.h"
#include "test/unit/test.h"

static struct event exited_event(pid_t pid)
{
        return (struct event) { .type = EVENT_EXITED, .exited = { .pid = pid, .code = 1 } };
}

static void test_pops_in_push_order(void)
{
        struct event_queue q;
        struct event ev;

        CU_ASSERT_FATAL(event_queue_init(&q) == 0);
        for (pid_t i = 1; i <= 10; i++) {
                struct event e = exited_event(i);
                CU_ASSERT_EQUAL(event_queue_push(&q, &e), 0);
        }
        for (pid_t i = 1; i <= 10; i++) {
                CU_ASSERT_EQUAL(event_queue_pop(&q, 0, &ev), 1);
                CU_ASSERT_EQUAL(ev.type, EVENT_EXITED);
                CU_ASSERT_EQUAL(ev.exited.pid, i);
        }
        CU_ASSERT_EQUAL(event_queue_pop(&q, 0, &ev), 0);
        event_queue_destroy(&q);
}

/* Wrap the ring first (head not at 0), then grow it: order must survive. */
static void test_grows_past_initial_capacity_keeping_order(void)
{
        struct event_queue q;
        struct event ev;
        size_t cap0, n;
        pid_t next_in = 1, next_out = 1;

        CU_ASSERT_FATAL(event_queue_init(&q) == 0);
        cap0 = q.cap;
        n = cap0 * 3 + 1;
        for (size_t i = 0; i < cap0 / 2; i++) {
                struct event e = exited_event(next_in++);
                CU_ASSERT_EQUAL(event_queue_push(&q, &e), 0);
        }
        for (size_t i = 0; i < cap0 / 4; i++) {
                CU_ASSERT_EQUAL(event_queue_pop(&q, 0, &ev), 1);
                CU_ASSERT_EQUAL(ev.exited.pid, next_out++);
        }
        while ((size_t) next_in <= n) {
                struct event e = exited_event(next_in++);
                CU_ASSERT_EQUAL(event_queue_push(&q, &e), 0);
        }
        CU_ASSERT(q.cap > cap0);
        while (event_queue_pop(&q, 0, &ev) == 1)
                CU_ASSERT_EQUAL(ev.exited.pid, next_out++);
        CU_ASSERT_EQUAL(next_out, next_in);
        event_queue_destroy(&q);
}

static void test_timed_pop_returns_0_at_the_deadline(void)
{
        struct event_queue q;
        struct event ev;
        uint64_t deadline;

        CU_ASSERT_FATAL(event_queue_init(&q) == 0);
        deadline = now_usec() + 20000;
        CU_ASSERT_EQUAL(event_queue_pop(&q, deadline, &ev), 0);
        /* Not before the deadline: the scheduler's timers rely on it. */
        CU_ASSERT(now_usec() >= deadline);
        event_queue_destroy(&q);
}

static void test_pop_past_deadline_still_returns_a_queued_event(void)
{
        struct event_queue q;
        struct event ev, e = exited_event(42);

        CU_ASSERT_FATAL(event_queue_init(&q) == 0);
        CU_ASSERT_EQUAL(event_queue_push(&q, &e), 0);
        CU_ASSERT_EQUAL(event_queue_pop(&q, 0, &ev), 1);
        CU_ASSERT_EQUAL(ev.exited.pid, 42);
        event_queue_destroy(&q);
}

#define N_WAKEUPS 2000

struct producer {
        struct event_queue *q;
        atomic_int consumer_ready;
        int push_failures; /* CUnit asserts are for the main thread only */
};

static void *producer_main(void *userdata)
{
        struct producer *p = userdata;

        /* Push after the consumer committed to waiting; then keep pushing,
         * so the consumer sleeps on an empty queue many times. */
        while (!atomic_load(&p->consumer_ready))
                ;
        for (pid_t i = 1; i <= N_WAKEUPS; i++) {
                struct event e = exited_event(i);
                if (event_queue_push(p->q, &e) < 0)
                        p->push_failures++;
        }
        return NULL;
}

static void test_producer_thread_wakes_waiting_consumer(void)
{
        struct event_queue q;
        struct producer p = { .q = &q };
        pthread_t thread;
        struct event ev;

        CU_ASSERT_FATAL(event_queue_init(&q) == 0);
        CU_ASSERT_FATAL(pthread_create(&thread, NULL, producer_main, &p) == 0);
        atomic_store(&p.consumer_ready, 1);
        CU_ASSERT_EQUAL(event_queue_pop(&q, UINT64_MAX, &ev), 1);
        CU_ASSERT_EQUAL(ev.exited.pid, 1);
        for (pid_t i = 2; i <= N_WAKEUPS; i++) {
                /* A far deadline: a lost wake-up fails instead of hanging. */
                if (event_queue_pop(&q, now_usec() + 30 * 1000000ULL, &ev) != 1) {
                        CU_FAIL("consumer was not woken");
                        break;
                }
                CU_ASSERT_EQUAL(ev.exited.pid, i);
        }
        pthread_join(thread, NULL);
        CU_ASSERT_EQUAL(p.push_failures, 0);
        event_queue_destroy(&q);
}

static const struct test_case tests[] = {
        { "pops_in_push_order", test_pops_in_push_order },
        { "grows_past_initial_capacity_keeping_order", test_grows_past_initial_capacity_keeping_order },
        { "timed_pop_returns_0_at_the_deadline", test_timed_pop_returns_0_at_the_deadline },
        { "pop_past_deadline_still_returns_a_queued_event", test_pop_past_deadline_still_returns_a_queued_event },
        { "producer_thread_wakes_waiting_consumer", test_producer_thread_wakes_waiting_consumer },
        { 0 },
};
TEST_SUITE("event_queue", tests);
