/* The signal thread: sigwaitinfo() on every signal weft handles; there are
 * no asynchronous signal handlers at all. SIGCHLD drains waitid(WNOHANG)
 * until nothing is left (signals coalesce; orphans included) and posts one
 * EVENT_EXITED per child. SIGTERM (orderly shutdown; the container
 * convention), SIGINT (reboot), SIGRTMIN+3/+4/+5 (halt/poweroff/reboot),
 * SIGRTMIN+13/+14/+15 (immediate forms) post EVENT_SHUTDOWN; SIGHUP posts
 * EVENT_RELOAD. SIGPWR is waited for (so it cannot kill a non-PID-1 weft)
 * and logged, nothing more.
 *
 * SIGTERM's kind: SHUTDOWN_POWEROFF when weft is PID 1 of the initial PID
 * namespace (a VM: nobody to exit to), SHUTDOWN_EXIT otherwise. SIGINT is
 * SHUTDOWN_REBOOT (ctrl-alt-del). The event's .signal names the signal, so
 * the scheduler tells an immediate form with signal_shutdown_is_immediate().
 *
 * main calls signal_block_handled() before any thread exists, starts the
 * thread, and stops it before pid1_final_sweep() (which reaps by itself).
 * Children inherit the blocked mask and the ignored SIGPIPE across execve:
 * the spawn code must unblock every signal and reset SIGPIPE to SIG_DFL. */
#pragma once
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "core/event_queue.h"

/* `weft -- CMD`: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
 * SIGWINCH post EVENT_FORWARD (for CMD) instead of their usual actions,
 * and are part of the handled set. Call once, before
 * signal_block_handled() and before any thread exists. */
void signal_set_forward_mode(bool on);

/* The set of signals the signal thread waits for (including its private
 * stop signal, a real-time one). */
void signal_thread_sigset(sigset_t *ret);

/* Block those signals in the calling thread, and ignore SIGPIPE process-wide.
 * Call in main before any thread exists, so every thread inherits the mask. */
int signal_block_handled(void);

/* True for SIGRTMIN+13/+14/+15: shut down at once, skipping the unit stops. */
bool signal_shutdown_is_immediate(int sig);

struct signal_thread;
/* -EINVAL (logged) when the caller has not blocked the handled signals. */
int signal_thread_start(struct event_queue *q, struct signal_thread **ret);
/* Stop (the thread is woken with a private real-time signal) and join. */
void signal_thread_stop(struct signal_thread *t);
/* While held, the thread reaps nothing (SIGCHLD is taken and dropped):
 * a caller that reaps its own children by pidfd (a daemon-reload's
 * generators) keeps their exit status. An exec makes a clone child with
 * no exit signal an ordinary one again, which waitid(P_ALL) would reap.
 * Once no waitid is under way, the hold returns; letting go makes the
 * thread reap what exited meanwhile. NULL: nothing. */
void signal_thread_hold_reaping(struct signal_thread *t, bool hold);
