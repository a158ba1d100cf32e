/* The signal thread; see signal_thread.h. Started by main after
 * signal_block_handled(), stopped by main at shutdown before the final
 * sweep. It owns nothing but its own struct; what it learns goes into the
 * scheduler's event queue. */
#include "core/signal_thread.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/thread_start.h"
#include "core/pid1.h"
#include "parse/value.h"

/* Private: pthread_kill'ed at the signal thread to make it return. Not one
 * systemd gives a meaning to (it uses SIGRTMIN+0..+30 at most). */
#define SIGNAL_STOP (SIGRTMAX)

/* What each signal asks for. Real-time signals are offsets from SIGRTMIN,
 * which is only known at run time. SIGTERM's kind is decided at start. */
static const struct signal_action {
        int sig;      /* a signal number, or an offset from SIGRTMIN */
        bool rt;
        bool immediate;
        enum event_type event;
        enum shutdown_kind kind;
} signal_actions[] = {
        { SIGTERM, false, false, EVENT_SHUTDOWN, SHUTDOWN_NONE /* see sigterm_shutdown_kind() */ },
        { SIGINT, false, false, EVENT_SHUTDOWN, SHUTDOWN_REBOOT },
        { SIGHUP, false, false, EVENT_RELOAD, SHUTDOWN_NONE },
        { 3, true, false, EVENT_SHUTDOWN, SHUTDOWN_HALT },
        { 4, true, false, EVENT_SHUTDOWN, SHUTDOWN_POWEROFF },
        { 5, true, false, EVENT_SHUTDOWN, SHUTDOWN_REBOOT },
        { 13, true, true, EVENT_SHUTDOWN, SHUTDOWN_HALT },
        { 14, true, true, EVENT_SHUTDOWN, SHUTDOWN_POWEROFF },
        { 15, true, true, EVENT_SHUTDOWN, SHUTDOWN_REBOOT },
};

/* `weft -- CMD` (core/container.h): these go to CMD instead, as tini
 * forwards them. Set once by main before any thread exists. */
static const int forwarded_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
static bool forward_mode;

void signal_set_forward_mode(bool on)
{
        forward_mode = on;
}

static bool is_forwarded(int sig)
{
        if (!forward_mode)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
                if (forwarded_signals[i] == sig)
                        return true;
        return false;
}

struct signal_thread {
        pthread_t thread;
        struct event_queue *queue;
        enum shutdown_kind sigterm_kind;
        atomic_bool stopping;
        /* signal_thread_hold_reaping: no waitid runs while held. */
        pthread_mutex_t reap_lock;
        bool reap_held;
};

static int action_signal(const struct signal_action *a)
{
        return a->rt ? SIGRTMIN + a->sig : a->sig;
}

static const struct signal_action *find_action(int sig)
{
        for (size_t i = 0; i < ELEMENTSOF(signal_actions); i++)
                if (action_signal(&signal_actions[i]) == sig)
                        return &signal_actions[i];
        return NULL;
}

/* SIGTERM is the container convention for "stop and exit" (docker stop);
 * only a VM's PID 1 has no one to exit to, so there it powers off. */
static enum shutdown_kind sigterm_shutdown_kind(void)
{
        return pid1_is_pid1() && !pid1_in_container() ? SHUTDOWN_POWEROFF : SHUTDOWN_EXIT;
}

void signal_thread_sigset(sigset_t *ret)
{
        sigemptyset(ret);
        sigaddset(ret, SIGCHLD);
        sigaddset(ret, SIGPWR);
        sigaddset(ret, SIGNAL_STOP);
        for (size_t i = 0; i < ELEMENTSOF(signal_actions); i++)
                sigaddset(ret, action_signal(&signal_actions[i]));
        for (size_t i = 0; forward_mode && i < ELEMENTSOF(forwarded_signals); i++)
                sigaddset(ret, forwarded_signals[i]);
}

bool signal_shutdown_is_immediate(int sig)
{
        const struct signal_action *a = find_action(sig);

        return a && a->immediate;
}

int signal_block_handled(void)
{
        struct sigaction sa = { .sa_handler = SIG_IGN };
        sigset_t set;
        int r;

        /* A write to a closed pipe or socket must be an EPIPE, not death. */
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGPIPE, &sa, NULL) < 0)
                return log_error_errno(errno, "signal: unable to ignore SIGPIPE: %s", strerror(errno));
        signal_thread_sigset(&set);
        r = pthread_sigmask(SIG_BLOCK, &set, NULL);
        if (r != 0)
                return log_error_errno(r, "signal: unable to block signals: %s", strerror(r));
        return 0;
}

static void post(struct signal_thread *t, const struct event *ev)
{
        int r = event_queue_push(t->queue, ev);

        if (r < 0)
                log_error_errno(r, "signal: unable to queue event %d: %s", (int) ev->type, strerror(-r));
}

/* Signals coalesce: one SIGCHLD may stand for many exits, so reap until
 * nothing is left. Orphans re-parented to us are reaped here too. */
static void reap_children(struct signal_thread *t)
{
        for (;;) {
                siginfo_t si = { 0 };

                /* WNOHANG: the lock is never held across a wait. */
                pthread_mutex_lock(&t->reap_lock);
                int r = t->reap_held ? 0 : waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
                int error = errno;
                pthread_mutex_unlock(&t->reap_lock);
                if (r < 0) {
                        if (error == EINTR)
                                continue;
                        if (error != ECHILD)
                                log_warning_errno(error, "signal: waitid failed: %s", strerror(error));
                        return;
                }
                if (si.si_pid == 0)
                        return; /* children left, none exited */
                post(t, &(struct event) {
                        .type = EVENT_EXITED,
                        .stamp_usec = now_usec(),
                        .exited = { .pid = si.si_pid, .code = si.si_code, .status = si.si_status },
                });
        }
}

static void dispatch(struct signal_thread *t, int sig, const siginfo_t *si)
{
        const struct signal_action *a;
        struct event ev = { .stamp_usec = now_usec() };

        if (sig == SIGCHLD) {
                reap_children(t);
                return;
        }
        if (is_forwarded(sig)) {
                ev.type = EVENT_FORWARD;
                ev.forward.signal = sig;
                log_debug("signal: %s from pid %d, for CMD", signal_to_string(sig), (int) si->si_pid);
                post(t, &ev);
                return;
        }
        a = find_action(sig);
        if (!a) {
                log_notice("signal: %s from pid %d has no action here, ignoring", signal_to_string(sig),
                           (int) si->si_pid);
                return;
        }
        ev.type = a->event;
        if (a->event == EVENT_SHUTDOWN) {
                ev.shutdown.kind = a->kind == SHUTDOWN_NONE ? t->sigterm_kind : a->kind;
                ev.shutdown.signal = sig;
                ev.shutdown.exit_code = 0;
        }
        log_debug("signal: %s from pid %d", signal_to_string(sig), (int) si->si_pid);
        post(t, &ev);
}

static void *signal_thread_main(void *userdata)
{
        struct signal_thread *t = userdata;
        sigset_t set;

        signal_thread_sigset(&set);
        for (;;) {
                siginfo_t si;
                int sig = sigwaitinfo(&set, &si);

                if (sig < 0) {
                        if (errno == EINTR)
                                continue;
                        /* Only EINVAL is possible: a broken set, nothing to retry. */
                        log_error_errno(errno, "signal: sigwaitinfo failed: %s", strerror(errno));
                        break;
                }
                if (sig == SIGNAL_STOP) {
                        if (atomic_load(&t->stopping))
                                break;
                        continue; /* someone else's; not ours to obey */
                }
                dispatch(t, sig, &si);
                if (atomic_load(&t->stopping))
                        break; /* woken by the fallback in signal_thread_stop() */
        }
        return NULL;
}

int signal_thread_start(struct event_queue *q, struct signal_thread **ret)
{
        struct signal_thread *t;
        sigset_t want, cur;
        int r;

        /* If the caller's mask lets a handled signal through, a thread
         * other than ours could take it (or die of it). */
        signal_thread_sigset(&want);
        r = pthread_sigmask(SIG_BLOCK, NULL, &cur);
        if (r != 0)
                return -r;
        for (int sig = 1; sig < NSIG; sig++) {
                if (sigismember(&want, sig) == 1 && sigismember(&cur, sig) != 1)
                        return log_error_errno(EINVAL, "signal: %s is not blocked; call signal_block_handled() first",
                                               signal_to_string(sig));
        }

        t = calloc(1, sizeof *t);
        if (!t)
                return -ENOMEM;
        t->queue = q;
        t->sigterm_kind = sigterm_shutdown_kind();
        atomic_init(&t->stopping, false);
        pthread_mutex_init(&t->reap_lock, NULL);
        r = thread_start(&t->thread, NULL, signal_thread_main, t, "the signal thread", THREAD_WAIT_FOREVER);
        if (r < 0) {
                pthread_mutex_destroy(&t->reap_lock);
                free(t);
                return r;
        }
        *ret = t;
        return 0;
}

void signal_thread_stop(struct signal_thread *t)
{
        int r;

        if (!t)
                return;
        atomic_store(&t->stopping, true);
        r = pthread_kill(t->thread, SIGNAL_STOP);
        if (r == EINVAL)
                /* SIGRTMAX taken (valgrind reserves it): SIGCHLD wakes the
                 * thread too, which then sees stopping. A join that never
                 * returns would wedge every shutdown. */
                r = pthread_kill(t->thread, SIGCHLD);
        if (r != 0) /* ESRCH: it already returned; joining is still right */
                log_error_errno(r, "signal: unable to wake the signal thread: %s", strerror(r));
        pthread_join(t->thread, NULL);
        pthread_mutex_destroy(&t->reap_lock);
        free(t);
}

void signal_thread_hold_reaping(struct signal_thread *t, bool hold)
{
        if (!t)
                return;
        pthread_mutex_lock(&t->reap_lock);
        t->reap_held = hold;
        pthread_mutex_unlock(&t->reap_lock);
        /* What exited meanwhile raised no second SIGCHLD after the first
         * was taken: one more makes the thread reap it. */
        if (!hold) {
                int r = pthread_kill(t->thread, SIGCHLD);
                if (r != 0)
                        log_error_errno(r, "signal: unable to wake the signal thread: %s", strerror(r));
        }
}
