/* The worker pool: N threads taking spawn requests from a queue (mutex +
 * condition variable) and running spawn_process() on them, so forks happen
 * in parallel and never on the scheduler thread. Each result goes to the
 * done callback, called on the worker thread (it posts an EVENT_SPAWNED). */
#pragma once
#include <stdint.h>
#include <sys/types.h>

#include "workers/spawn.h"

struct worker_pool;

/* error: 0 or negative errno, as spawn_process returns it. */
typedef void (*pool_done_fn)(void *userdata, uint64_t request_id, pid_t pid, int error, uint64_t exec_usec);

/* Start up to n_workers threads. The first is retried on EAGAIN for up to
 * wait_usec (thread_start.h; THREAD_WAIT_FOREVER for PID 1); the others
 * are tried once, and a pool that could start only k of them runs with k
 * (one warning). -EINVAL for 0 workers or no done; -ENOMEM; or the first
 * worker's error. */
int pool_start(unsigned n_workers, uint64_t wait_usec, pool_done_fn done, void *userdata, struct worker_pool **ret);
/* How many worker threads run. */
unsigned pool_n_workers(const struct worker_pool *p);
/* Queue req; the pool owns it from now on (also on failure). Requests run
 * in submission order. -ESHUTDOWN when called by a done callback while
 * pool_stop runs. */
int pool_submit(struct worker_pool *p, struct spawn_request *req);
/* Run what is queued, then stop and join every worker; frees p. */
void pool_stop(struct worker_pool *p);
