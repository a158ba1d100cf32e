/* weft's own threads on one CPU.
 *
 * The path from a unit's exit to its successor's exec is a chain of
 * hand-offs between weft's threads (signal thread -> scheduler -> worker):
 * each wakes the next and goes back to sleep. Left to the kernel, the
 * woken thread lands on another, idle CPU: an inter-processor interrupt
 * and, on a virtual CPU, a wake from halt, for every hop. On one CPU the
 * same hops are plain context switches (docs/ARCHITECTURE.md, "A unit's
 * critical path"). What weft starts is not pinned: every child gets the
 * CPU set weft was started with back before it execs. */
#pragma once

/* For weft.yaml's manager_cpu: any CPU, or the one main runs on. */
#define CPU_PIN_NONE (-2)
#define CPU_PIN_AUTO (-1)

/* Pin the calling thread, and so every thread it creates after, to cpu
 * (CPU_PIN_AUTO: the one it runs on now; CPU_PIN_NONE: do nothing). Once,
 * before the threads start. Nothing is pinned when the allowed set holds
 * a single CPU. 0, or a negative errno with nothing changed: cpu is not in
 * the allowed set, or the set does not fit a cpu_set_t. */
int cpu_pin_threads(int cpu);

/* In a child between fork/clone and exec: back to the CPU set weft was
 * started with. Async-signal-safe; nothing when nothing was pinned. */
void cpu_pin_undo(void);
