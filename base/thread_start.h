/* Starting weft's threads when the kernel is short of tasks. Under a
 * small pids.max, RLIMIT_NPROC or threads-max, pthread_create fails with
 * EAGAIN; as PID 1, giving up would mean exiting, which panics the kernel.
 * So every thread weft needs is created before the first fork, and
 * creation is retried: a task freed by anyone (a raised limit, an exited
 * process) lets it through. Called by the main thread (manager.c,
 * signal_thread.c, io_thread.c, workers/pool.c); no state. */
#pragma once
#include <pthread.h>
#include <stdint.h>

/* Between two attempts: doubles from the first to the last. */
#define THREAD_RETRY_FIRST_USEC (10 * 1000ULL)
#define THREAD_RETRY_MAX_USEC (1000 * 1000ULL)
#define THREAD_WAIT_FOREVER UINT64_MAX

/* pthread_create, retried while it fails with EAGAIN for up to wait_usec in
 * all (0: one attempt; THREAD_WAIT_FOREVER: until it works). The first
 * EAGAIN is logged once, naming what ("the scheduler thread"), and so is
 * the success that ends a wait. Returns 0, or a negative errno: -EAGAIN
 * once wait_usec has passed, any other error at once. */
int thread_start(pthread_t *ret, const pthread_attr_t *attr, void *(*fn)(void *), void *arg, const char *what,
                 uint64_t wait_usec);
