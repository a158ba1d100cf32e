/* The signals a thread never blocks: the faults PID 1's crash handler
 * catches (core/crash.c) and the signal that parks a thread while it runs.
 * A fault that arrives blocked is not blocked at all: the kernel resets it
 * to its default action and the process dies, which for PID 1 is a kernel
 * panic. So a thread that blocks "everything" blocks everything but these. */
#pragma once
#include <signal.h>

/* Not one weft or systemd gives a meaning to: SIGRTMAX is the signal
 * thread's stop signal. */
#define FAULT_PARK_SIGNAL (SIGRTMAX - 1)

/* The faults, which the crash handler catches. */
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
#define N_FAULT_SIGNALS (sizeof fault_signals / sizeof fault_signals[0])

static inline void fault_signals_unblock(sigset_t *set)
{
        for (size_t i = 0; i < N_FAULT_SIGNALS; i++)
                sigdelset(set, fault_signals[i]);
        sigdelset(set, FAULT_PARK_SIGNAL);
}
