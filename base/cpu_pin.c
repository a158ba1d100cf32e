/* weft's threads on one CPU: see base/cpu_pin.h. */
#include "base/cpu_pin.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Written once, before any thread or child exists; read-only after. */
static cpu_set_t started_with;
static bool pinned;

int cpu_pin_threads(int cpu)
{
        cpu_set_t one;

        if (cpu == CPU_PIN_NONE)
                return 0;
        if (sched_getaffinity(0, sizeof started_with, &started_with) < 0)
                return -errno;
        if (cpu == CPU_PIN_AUTO)
                cpu = sched_getcpu();
        if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &started_with))
                return -EINVAL;
        if (CPU_COUNT(&started_with) < 2)
                return 0;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) < 0)
                return -errno;
        pinned = true;
        return 0;
}

void cpu_pin_undo(void)
{
        /* The raw system call: a child of CLONE_VM must not touch libc's state. */
        if (pinned)
                (void) syscall(SYS_sched_setaffinity, 0, sizeof started_with, &started_with);
}
