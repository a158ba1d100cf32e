/* Thread creation retried on EAGAIN; see thread_start.h. */
#include "base/thread_start.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/macro.h"

static uint64_t mono_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return timespec_usec(ts);
}

/* A timed wait for a resource that sends no notice when it frees up (a
 * task under pids.max): bounded, and only while a thread cannot start. */
static void backoff(uint64_t usec)
{
        struct timespec ts = { .tv_sec = usec / 1000000ULL, .tv_nsec = (long) (usec % 1000000ULL) * 1000 };
        while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
                ;
}

int thread_start(pthread_t *ret, const pthread_attr_t *attr, void *(*fn)(void *), void *arg, const char *what,
                 uint64_t wait_usec)
{
        uint64_t start = 0, delay = THREAD_RETRY_FIRST_USEC;

        for (;;) {
                int r = pthread_create(ret, attr, fn, arg);
                if (r == 0) {
                        if (start)
                                log_notice("weft: started %s after %.1fs", what, (double) (mono_usec() - start) / 1e6);
                        return 0;
                }
                if (r != EAGAIN)
                        return log_error_errno(r, "weft: cannot start %s: %s", what, strerror(r));
                uint64_t now = mono_usec();
                if (!start) {
                        if (wait_usec == 0)
                                return -EAGAIN;
                        start = now;
                        log_warning("weft: cannot start %s: %s; retrying until a task is free", what, strerror(r));
                }
                if (wait_usec != THREAD_WAIT_FOREVER && now - start >= wait_usec)
                        return log_error_errno(r, "weft: cannot start %s: %s; gave up after %.1fs", what,
                                               strerror(r), (double) (now - start) / 1e6);
                if (wait_usec != THREAD_WAIT_FOREVER && delay > wait_usec - (now - start))
                        delay = wait_usec - (now - start);
                backoff(delay);
                delay = delay * 2 > THREAD_RETRY_MAX_USEC ? THREAD_RETRY_MAX_USEC : delay * 2;
        }
}
