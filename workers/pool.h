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

/* -EINVAL for 0 workers or no done; -ENOMEM; or pthread_create's error,
 * after the workers already started are stopped and joined. */
int pool_start(unsigned n_workers, pool_done_fn done, void *userdata, struct worker_pool **ret);
/* Queue req; the pool owns it from now on (also on failure). Requests run
 * in submission order. -ESHUTDOWN when called by a done callback while
 * pool_stop runs. */
int pool_submit(struct worker_pool *p, struct spawn_request *req);
/* Run what is queued, then stop and join every worker; frees p. */
void pool_stop(struct worker_pool *p);
