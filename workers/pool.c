/* The worker pool; see pool.h. Started and stopped by the main thread, fed
 * by the scheduler thread (pool_submit), run by its own worker threads.
 *
 * Shared state is the queue below, guarded by one mutex; workers sleep on
 * one condition variable. A worker holds the lock only to take a request off
 * the queue: spawning and the done callback run unlocked. */
#include "workers/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/thread_start.h"

struct pool_item {
        struct spawn_request *req;
        struct pool_item *next;
};

struct worker_pool {
        pthread_mutex_t lock;
        pthread_cond_t wake;
        /* Guarded by lock. */
        struct pool_item *head, *tail; /* FIFO: submit appends, workers take the head */
        bool stopping;                 /* no new requests; workers exit once the queue is empty */

        /* Written before the workers start, read-only afterwards. */
        pool_done_fn done;
        void *userdata;
        pthread_t *threads;
        unsigned n_threads;            /* started successfully */
};

static void *worker_main(void *userdata)
{
        struct worker_pool *p = userdata;

        pthread_mutex_lock(&p->lock);
        for (;;) {
                while (!p->head && !p->stopping)
                        pthread_cond_wait(&p->wake, &p->lock);
                struct pool_item *item = p->head;
                if (!item)
                        break; /* stopping, and nothing left to run */
                p->head = item->next;
                if (!p->head)
                        p->tail = NULL;
                pthread_mutex_unlock(&p->lock);

                struct spawn_request *req = item->req;
                pid_t pid = 0;
                uint64_t exec_usec = 0;
                free(item);
                int r = spawn_process(req, &pid, &exec_usec);
                p->done(p->userdata, req->id, pid, r, exec_usec);
                spawn_request_free(req);

                pthread_mutex_lock(&p->lock);
        }
        pthread_mutex_unlock(&p->lock);
        return NULL;
}

/* Ask the started workers to exit and join them. The queue is empty when
 * this runs from pool_stop (the workers drained it) and from pool_start
 * (nothing was submitted yet). */
static void stop_workers(struct worker_pool *p)
{
        pthread_mutex_lock(&p->lock);
        p->stopping = true;
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);

        for (unsigned i = 0; i < p->n_threads; i++)
                pthread_join(p->threads[i], NULL);
        p->n_threads = 0;
}

int pool_start(unsigned n_workers, uint64_t wait_usec, pool_done_fn done, void *userdata, struct worker_pool **ret)
{
        struct worker_pool *p;
        int r;

        if (n_workers == 0 || !done || !ret)
                return -EINVAL;

        p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        p->done = done;
        p->userdata = userdata;
        p->threads = calloc(n_workers, sizeof *p->threads);
        if (!p->threads) {
                r = -ENOMEM;
                goto fail_free;
        }
        r = -pthread_mutex_init(&p->lock, NULL);
        if (r < 0)
                goto fail_free;
        r = -pthread_cond_init(&p->wake, NULL);
        if (r < 0)
                goto fail_mutex;

        /* One worker is needed, and waited for; more only make spawns
         * parallel, so a pool short of tasks runs with what it got. */
        r = thread_start(&p->threads[0], NULL, worker_main, p, "the first worker thread", wait_usec);
        if (r < 0)
                goto fail_workers;
        p->n_threads = 1;
        for (unsigned i = 1; i < n_workers; i++) {
                r = thread_start(&p->threads[i], NULL, worker_main, p, "a worker thread", 0);
                if (r < 0) {
                        log_warning("pool: cannot start more worker threads: %s; running with %u of %u",
                                    strerror(-r), p->n_threads, n_workers);
                        break;
                }
                p->n_threads++;
        }

        *ret = p;
        return 0;

fail_workers:
        stop_workers(p);
        pthread_cond_destroy(&p->wake);
fail_mutex:
        pthread_mutex_destroy(&p->lock);
fail_free:
        free(p->threads);
        free(p);
        return r;
}

int pool_submit(struct worker_pool *p, struct spawn_request *req)
{
        struct pool_item *item;
        int r = 0;

        if (!p || !req) {
                spawn_request_free(req);
                return -EINVAL;
        }
        item = malloc(sizeof *item);
        if (!item) {
                spawn_request_free(req);
                return -ENOMEM;
        }
        item->req = req;
        item->next = NULL;

        pthread_mutex_lock(&p->lock);
        if (p->stopping) {
                /* Only a done callback can get here, during pool_stop. */
                r = -ESHUTDOWN;
        } else {
                if (p->tail)
                        p->tail->next = item;
                else
                        p->head = item;
                p->tail = item;
                pthread_cond_signal(&p->wake);
        }
        pthread_mutex_unlock(&p->lock);

        if (r < 0) {
                free(item);
                spawn_request_free(req);
        }
        return r;
}

unsigned pool_n_workers(const struct worker_pool *p)
{
        return p->n_threads;
}

void pool_stop(struct worker_pool *p)
{
        if (!p)
                return;
        stop_workers(p);
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p->threads);
        free(p);
}
