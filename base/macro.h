/* Small language helpers shared by every module. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define USEC_PER_SEC  1000000ULL
#define USEC_PER_MSEC 1000ULL
#define USEC_INFINITY ((unsigned long long)-1)

/* A clock reading or a file time in µs. */
static inline uint64_t timespec_usec(struct timespec ts)
{
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

/* Free *p and clear it, so a cleanup path can run twice safely. */
static inline void freep_clear(void *p)
{
        void **pp = p;
        free(*pp);
        *pp = NULL;
}

static inline int streq_ptr(const char *a, const char *b)
{
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}
