/* Invocation IDs (systemd's InvocationID, $INVOCATION_ID): 128 bits that
 * name one start of a unit, the same for every command of that start and
 * new at the next. weft keeps 4 bytes for them: a start is numbered
 * (unit_runtime.invocation) by its start job's id, or for a Restart= of a
 * service, which runs without a job, by a job id drawn for it as systemd
 * draws one for its restart job; never reused within a boot but after
 * 2^32 jobs. The ID is that number mixed with a key drawn at random when
 * the scheduler is made, formatted as a version 4 UUID. */
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/sched_internal.h"

/* splitmix64's finalizer: every bit of x reaches every bit of the result. */
static uint64_t mix(uint64_t x)
{
        x += 0x9e3779b97f4a7c15ULL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
}

void sched_invocation_init(struct sched *s)
{
        if (getrandom(s->invocation_key, sizeof s->invocation_key, GRND_NONBLOCK) == sizeof s->invocation_key)
                return;
        /* Early in a boot without entropy yet: distinct per boot is enough. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s->invocation_key[0] = mix((uint64_t) ts.tv_sec << 30 ^ (uint64_t) ts.tv_nsec);
        s->invocation_key[1] = mix(s->invocation_key[0] ^ (uint64_t) getpid() ^ (uint64_t) (uintptr_t) s);
}

bool sched_invocation_id(const struct sched *s, const struct unit *u, char ret[static 33])
{
        uint32_t start = u->rt ? u->rt->invocation : 0;
        ret[0] = '\0';
        if (!start)
                return false;
        uint64_t hi = mix(s->invocation_key[0] ^ start), lo = mix(s->invocation_key[1] ^ hi);
        hi = (hi & ~0xf000ULL) | 0x4000ULL;                          /* version 4 */
        lo = (lo & ~0xc000000000000000ULL) | 0x8000000000000000ULL;  /* variant 1 */
        snprintf(ret, 33, "%016llx%016llx", (unsigned long long) hi, (unsigned long long) lo);
        return true;
}
