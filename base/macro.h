/* Small language helpers shared by every module. */
#pragma once
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define USEC_PER_SEC  1000000ULL
#define USEC_PER_MSEC 1000ULL
#define USEC_INFINITY ((unsigned long long)-1)

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
