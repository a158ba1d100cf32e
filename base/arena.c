/* base/arena.h: blocks from mmap, bumped 8 bytes at a time. */
#include "base/arena.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* 256 KiB: the unit table of 10,000 units needs about ten; a smaller
 * table touches only the pages it fills. */
#define ARENA_BLOCK_SIZE ((size_t) 256 * 1024)

struct arena_block {
        struct arena_block *next;
        size_t size; /* the whole mapping, this header included */
};

#define HEADER ((sizeof(struct arena_block) + 7) & ~(size_t) 7)

static size_t round8(size_t n)
{
        return (n + 7) & ~(size_t) 7;
}

void *arena_alloc(struct arena *a, size_t n)
{
        if (n == 0 || n > SIZE_MAX / 2)
                return NULL;
        n = round8(n);
        if (!a->blocks || a->size - a->used < n) {
                size_t size = HEADER + n > ARENA_BLOCK_SIZE ? HEADER + n : ARENA_BLOCK_SIZE;
                void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (m == MAP_FAILED)
                        return NULL;
                struct arena_block *b = m;
                b->size = size;
                if (a->blocks && size != ARENA_BLOCK_SIZE) {
                        /* An oversized item gets a block of its own behind
                         * the current one, which keeps its free room. */
                        b->next = a->blocks->next;
                        a->blocks->next = b;
                        return (char *) b + HEADER;
                }
                b->next = a->blocks;
                a->blocks = b;
                a->used = 0;
                a->size = size - HEADER;
        }
        /* Fresh anonymous pages are zero and nothing is handed out twice. */
        void *p = (char *) a->blocks + HEADER + a->used;
        a->used += n;
        return p;
}

bool arena_owns(const struct arena *a, const void *p)
{
        for (const struct arena_block *b = a->blocks; b; b = b->next)
                if ((const char *) p >= (const char *) b + HEADER && (const char *) p < (const char *) b + b->size)
                        return true;
        return false;
}

void arena_done(struct arena *a)
{
        for (struct arena_block *b = a->blocks, *next; b; b = next) {
                next = b->next;
                munmap(b, b->size);
        }
        *a = ARENA_INIT;
}

/* ---- the pool of power-of-two blocks ---- */

#define POOL_MIN_LOG2 4
#define POOL_MAX_LOG2 40

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct arena pool_arena;
static void *pool_free_list[POOL_MAX_LOG2 + 1];
static unsigned long pool_live;

void *arena_pool_get(unsigned k)
{
        void *p = NULL;
        if (k < POOL_MIN_LOG2 || k > POOL_MAX_LOG2)
                return NULL;
        pthread_mutex_lock(&pool_lock);
        if (pool_free_list[k]) {
                p = pool_free_list[k];
                memcpy(&pool_free_list[k], p, sizeof(void *));
        } else {
                p = arena_alloc(&pool_arena, (size_t) 1 << k);
        }
        if (p)
                pool_live++;
        pthread_mutex_unlock(&pool_lock);
        return p;
}

void arena_pool_put(void *p, unsigned k)
{
        if (!p)
                return;
        pthread_mutex_lock(&pool_lock);
        memcpy(p, &pool_free_list[k], sizeof(void *));
        pool_free_list[k] = p;
        if (--pool_live == 0) {
                arena_done(&pool_arena);
                memset(pool_free_list, 0, sizeof pool_free_list);
        }
        pthread_mutex_unlock(&pool_lock);
}

unsigned long arena_pool_live(void)
{
        pthread_mutex_lock(&pool_lock);
        unsigned long n = pool_live;
        pthread_mutex_unlock(&pool_lock);
        return n;
}
