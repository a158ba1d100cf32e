/* The io thread; see io_thread.h. Started by main with the notify socket,
 * told what else to watch by the scheduler through io_watch()/io_unwatch().
 *
 * Ownership: the epoll set, the watch table and the notify socket's rate
 * limit belong to the io thread alone. Other threads touch only the
 * command queue, the sequence numbers and the stop flag, under t->lock,
 * and the notify budget and notify_resume, which are atomics. */
#include "core/io_thread.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/io_control.h"
#include "base/fault_signals.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/thread_start.h"
#include "sockets/notify.h"

#define IO_EVENTS_MAX 64
#define IO_COMMANDS_INITIAL 16
/* fd numbers; grows past that (doubling). Small: the table is zeroed, so
 * its pages are resident from the start, and a container's weft watches a
 * handful of fds. */
#define IO_WATCHES_INITIAL 64

/* epoll_event.data of the two fds the io thread reads itself. A watched fd
 * has its generation in the high half and the fd in the low half; the
 * generation never has the top bit set, so the three cannot collide. */
#define TAG_WAKE   (UINT64_C(1) << 63)
#define TAG_NOTIFY ((UINT64_C(1) << 63) | 1)
#define GEN_MASK   UINT32_C(0x7fffffff)
/* The wall-clock watch (clock_watch_open). */
#define TAG_CLOCK  ((UINT64_C(1) << 63) | 0x10)
/* The watch on /etc for /etc/localtime (tz_watch_open). */
#define TAG_TZ     ((UINT64_C(1) << 63) | 0x11)

enum io_command_kind {
        IO_COMMAND_WATCH,
        IO_COMMAND_UNWATCH,
        IO_COMMAND_CONTROL_LISTEN,
        IO_COMMAND_REPLY,
};

struct io_command {
        enum io_command_kind kind;
        int fd;
        uint64_t cookie; /* the watch's cookie, or a reply's connection id */
        uint64_t seq;
        char *buf;       /* a reply (taken by the io thread) */
        size_t len;
};

/* One per fd number. registered: the fd is in the epoll set (armed, or
 * disarmed by EPOLLONESHOT after it fired). gen tells an event reported for
 * an older registration of the same fd number, which is dropped. */
struct io_watch_slot {
        uint64_t cookie;
        uint32_t gen;
        bool registered;
};

struct io_thread {
        pthread_t thread;
        struct event_queue *queue;
        int epoll_fd;
        int wake_fd; /* eventfd: a command is pending */
        int notify_fd;
        int clock_fd; /* timerfd that fires when the wall clock is set, or -1 */
        int tz_fd;    /* inotify on /etc, for /etc/localtime, or -1 */

        /* The io thread's own. */
        struct notify_ratelimit notify_rl;
        bool notify_off; /* the notify socket is out of the epoll set: the budget is spent */
        struct io_control *control;
        struct io_watch_slot *slots;
        size_t n_slots;
        uint32_t next_gen;
        struct io_command *work; /* swapped with pending, then run */
        size_t work_cap;

        /* Shared, atomic: what the queued notify messages hold, and the
         * scheduler's word that the budget has room again. */
        struct notify_budget notify_budget;
        atomic_bool notify_resume;

        /* Shared, under lock. */
        pthread_mutex_t lock;
        pthread_cond_t acked; /* done_seq moved, or the thread exited */
        struct io_command *pending;
        size_t n_pending;
        size_t pending_cap;
        uint64_t next_seq;
        uint64_t done_seq; /* every command up to this one has run */
        bool stop;
        bool exited;
};

/* Which io thread, if any, the calling thread is: io_unwatch() from the io
 * thread cannot wait for itself. */
static _Thread_local struct io_thread *io_current;

static void post(struct io_thread *t, const struct event *ev)
{
        int r = event_queue_push(t->queue, ev);

        if (r < 0)
                log_error_errno(r, "io: unable to queue event %d: %s", (int) ev->type, strerror(-r));
}

/* Wake the io thread. EAGAIN means the counter is already huge: it is
 * awake anyway. */
static void wake(struct io_thread *t)
{
        uint64_t one = 1;

        while (write(t->wake_fd, &one, sizeof one) < 0) {
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        log_error_errno(errno, "io: unable to wake the io thread: %s", strerror(errno));
                return;
        }
}

static void drain_wake(struct io_thread *t)
{
        uint64_t n;

        while (read(t->wake_fd, &n, sizeof n) < 0) {
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        log_error_errno(errno, "io: unable to read the wake-up eventfd: %s", strerror(errno));
                return;
        }
}

/* Lock held. Returns the command's sequence number, or 0 on -ENOMEM. */
static uint64_t enqueue_locked(struct io_thread *t, enum io_command_kind kind, int fd, uint64_t cookie, char *buf,
                               size_t len)
{
        if (t->n_pending == t->pending_cap) {
                size_t ncap = t->pending_cap * 2;
                struct io_command *n = realloc(t->pending, ncap * sizeof *n);

                if (!n)
                        return 0;
                t->pending = n;
                t->pending_cap = ncap;
        }
        t->pending[t->n_pending++] = (struct io_command) {
                .kind = kind, .fd = fd, .cookie = cookie, .seq = ++t->next_seq, .buf = buf, .len = len,
        };
        return t->next_seq;
}

/* The slot for fd, growing the table if needed. NULL on -ENOMEM. */
static struct io_watch_slot *slot_get(struct io_thread *t, int fd)
{
        if ((size_t) fd >= t->n_slots) {
                size_t ncap = t->n_slots;
                struct io_watch_slot *n;

                while (ncap <= (size_t) fd)
                        ncap *= 2;
                n = realloc(t->slots, ncap * sizeof *n);
                if (!n)
                        return NULL;
                memset(n + t->n_slots, 0, (ncap - t->n_slots) * sizeof *n);
                t->slots = n;
                t->n_slots = ncap;
        }
        return &t->slots[fd];
}

/* Arm fd once. MOD when it is still in the set from an earlier arming,
 * ADD otherwise; each falls back to the other if the table was wrong
 * (an owner closed the fd without unwatching it, which removes it from the
 * set behind our back). */
static void run_watch(struct io_thread *t, int fd, uint64_t cookie)
{
        struct io_watch_slot *s = slot_get(t, fd);
        struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
        int op, r;

        if (!s) {
                log_error_errno(ENOMEM, "io: unable to watch fd %d: %s", fd, strerror(ENOMEM));
                return;
        }
        t->next_gen = (t->next_gen + 1) & GEN_MASK;
        if (t->next_gen == 0)
                t->next_gen = 1;
        ev.data.u64 = (uint64_t) t->next_gen << 32 | (uint32_t) fd;

        op = s->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        r = epoll_ctl(t->epoll_fd, op, fd, &ev);
        if (r < 0 && op == EPOLL_CTL_MOD && errno == ENOENT)
                r = epoll_ctl(t->epoll_fd, op = EPOLL_CTL_ADD, fd, &ev);
        else if (r < 0 && op == EPOLL_CTL_ADD && errno == EEXIST)
                r = epoll_ctl(t->epoll_fd, op = EPOLL_CTL_MOD, fd, &ev);
        if (r < 0) {
                s->registered = false;
                log_error_errno(errno, "io: unable to watch fd %d: %s", fd, strerror(errno));
                return;
        }
        s->registered = true;
        s->cookie = cookie;
        s->gen = t->next_gen;
}

static void run_unwatch(struct io_thread *t, int fd)
{
        if ((size_t) fd < t->n_slots) {
                t->slots[fd].registered = false;
                t->slots[fd].gen = 0; /* no event carries generation 0 */
        }
        /* ENOENT: never armed, or already gone; EBADF: already closed. */
        if (epoll_ctl(t->epoll_fd, EPOLL_CTL_DEL, fd, NULL) < 0 && errno != ENOENT && errno != EBADF)
                log_warning_errno(errno, "io: unable to stop watching fd %d: %s, ignoring", fd, strerror(errno));
}

/* Run every pending command in order, then acknowledge them. Returns true
 * when the thread was asked to stop. Only the io thread calls this. */
static bool run_commands(struct io_thread *t)
{
        struct io_command *batch;
        size_t n, cap;
        uint64_t last = 0;
        bool stop;

        pthread_mutex_lock(&t->lock);
        batch = t->pending;
        n = t->n_pending;
        cap = t->pending_cap;
        t->pending = t->work;
        t->pending_cap = t->work_cap;
        t->n_pending = 0;
        stop = t->stop;
        pthread_mutex_unlock(&t->lock);
        t->work = batch;
        t->work_cap = cap;

        for (size_t i = 0; i < n; i++) {
                switch (batch[i].kind) {
                case IO_COMMAND_WATCH:
                        run_watch(t, batch[i].fd, batch[i].cookie);
                        break;
                case IO_COMMAND_UNWATCH:
                        run_unwatch(t, batch[i].fd);
                        break;
                case IO_COMMAND_CONTROL_LISTEN:
                        io_control_listen(t->control, batch[i].fd);
                        break;
                case IO_COMMAND_REPLY:
                        io_control_reply(t->control, batch[i].fd, batch[i].buf, batch[i].len);
                        break;
                }
                last = batch[i].seq;
        }

        if (n > 0) {
                pthread_mutex_lock(&t->lock);
                t->done_seq = last;
                pthread_cond_broadcast(&t->acked);
                pthread_mutex_unlock(&t->lock);
        }
        return stop;
}

static void fd_ready(struct io_thread *t, uint64_t data)
{
        int fd = (int) (uint32_t) data;
        uint32_t gen = (uint32_t) (data >> 32);

        /* Unwatched or re-armed since epoll_wait reported it. */
        if ((size_t) fd >= t->n_slots || !t->slots[fd].registered || t->slots[fd].gen != gen)
                return;
        post(t, &(struct event) {
                .type = EVENT_FD_READY,
                .stamp_usec = now_usec(),
                .fd_ready = { .fd = fd, .cookie = t->slots[fd].cookie },
        });
}

static void notify_start_reading(struct io_thread *t);

/* The scheduler released enough notify messages (any thread). */
static void notify_resume(void *userdata)
{
        struct io_thread *t = userdata;

        atomic_store(&t->notify_resume, true);
        wake(t);
}

/* Stop reading the notify socket until the scheduler catches up: the
 * datagrams wait in the socket, their fds in the kernel, counted against
 * their senders. If it caught up in the meantime, read on at once. */
static void notify_stop_reading(struct io_thread *t)
{
        if (epoll_ctl(t->epoll_fd, EPOLL_CTL_DEL, t->notify_fd, NULL) < 0) {
                log_error_errno(errno, "io: unable to pause the notify socket: %s", strerror(errno));
                return; /* reading on is all that is left */
        }
        t->notify_off = true;
        if (!notify_budget_pause(&t->notify_budget))
                notify_start_reading(t);
}

static void notify_start_reading(struct io_thread *t)
{
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG_NOTIFY };

        if (!t->notify_off)
                return;
        if (epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, t->notify_fd, &ev) < 0 && errno != EEXIST) {
                log_error_errno(errno, "io: unable to watch the notify socket again: %s", strerror(errno));
                return;
        }
        t->notify_off = false;
}

/* One EVENT_NOTIFY per valid datagram, until the socket is empty or the
 * queue holds its budget of messages or fds. The message moves to the heap
 * and into the event; the scheduler frees it. */
static void read_notify(struct io_thread *t)
{
        while (!t->notify_off) {
                struct notify_message m, *p;
                int r = notify_receive(t->notify_fd, &t->notify_rl, &m);

                if (r == 0)
                        return;
                if (r == -EBADMSG)
                        continue; /* dropped and logged by notify_receive */
                if (r < 0) {
                        /* The socket stays level-triggered in the set: a
                         * datagram still pending brings us back. */
                        log_error_errno(r, "io: unable to receive on the notify socket: %s", strerror(-r));
                        return;
                }
                p = malloc(sizeof *p);
                if (!p) {
                        log_error_errno(ENOMEM, "io: dropping notify message from pid %d: %s", (int) m.pid,
                                        strerror(ENOMEM));
                        notify_message_done(&m);
                        continue;
                }
                *p = m;
                /* Charged before the push: the scheduler may release it at once. */
                bool full = notify_budget_charge(&t->notify_budget, p);
                r = event_queue_push(t->queue, &(struct event) {
                        .type = EVENT_NOTIFY,
                        .stamp_usec = now_usec(),
                        .notify = p,
                });
                if (r < 0) {
                        log_error_errno(r, "io: dropping notify message from pid %d: %s", (int) p->pid, strerror(-r));
                        notify_message_release(p);
                        notify_message_done(p); /* closes the fds it carried */
                        free(p);
                        continue;
                }
                if (full)
                        notify_stop_reading(t);
        }
}

/* A CLOCK_REALTIME timerfd armed for the end of time with
 * TFD_TIMER_CANCEL_ON_SET: it never expires, but a read fails with
 * ECANCELED whenever the wall clock is set, which is how calendar timers
 * learn to re-arm. */
static int clock_watch_arm(int fd)
{
        struct itimerspec its = { .it_value.tv_sec = (time_t) INT32_MAX * 60 };
        if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
                return -errno;
        return 0;
}

static int clock_watch_open(void)
{
        int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = clock_watch_arm(fd);
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

static void clock_changed(struct io_thread *t)
{
        uint64_t n;
        if (read(t->clock_fd, &n, sizeof n) >= 0 || errno != ECANCELED)
                return; /* not a clock change (EAGAIN) */
        (void) clock_watch_arm(t->clock_fd);
        post(t, &(struct event) { .type = EVENT_TIME_CHANGE, .stamp_usec = now_usec() });
}

/* The local time zone is /etc/localtime, which is replaced (a new symlink
 * renamed over it), rewritten or removed: watch the directory for that
 * name. Other writes in /etc wake the io thread too, and are dropped. */
static int tz_watch_open(void)
{
        int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (inotify_add_watch(fd, "/etc", IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB |
                                                  IN_ONLYDIR | IN_DONT_FOLLOW) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

static void tz_changed(struct io_thread *t)
{
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool changed = false;
        ssize_t n;
        while ((n = read(t->tz_fd, buf, sizeof buf)) > 0)
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *e = (const struct inotify_event *) p;
                        if (e->len && strcmp(e->name, "localtime") == 0)
                                changed = true;
                        p += sizeof *e + e->len;
                }
        if (changed)
                post(t, &(struct event) { .type = EVENT_TIMEZONE_CHANGE, .stamp_usec = now_usec() });
}

static void *io_thread_main(void *userdata)
{
        struct io_thread *t = userdata;
        struct epoll_event evs[IO_EVENTS_MAX];

        io_current = t;
        for (;;) {
                bool woken = false;
                /* Waits for an fd or the next control client's deadline; no polling. */
                int n = epoll_wait(t->epoll_fd, evs, IO_EVENTS_MAX, io_control_timeout_ms(t->control));

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        /* EBADF, EFAULT, EINVAL: a bug, nothing to retry. */
                        log_error_errno(errno, "io: epoll_wait failed: %s", strerror(errno));
                        break;
                }
                for (int i = 0; i < n; i++) {
                        uint64_t data = evs[i].data.u64;
                        if ((data & IO_TAG_CONN) == IO_TAG_CONN)
                                io_control_conn_event(t->control, data, evs[i].events);
                        else if (data == TAG_WAKE)
                                woken = true;
                        else if (data == TAG_NOTIFY)
                                read_notify(t);
                        else if (data == TAG_CLOCK)
                                clock_changed(t);
                        else if (data == TAG_TZ)
                                tz_changed(t);
                        else if (data == IO_TAG_CONTROL)
                                io_control_accept(t->control);
                        else
                                fd_ready(t, data);
                }
                io_control_expire(t->control);
                /* Commands run after the batch: an unwatch acknowledged
                 * now cannot be followed by an event from this batch. */
                if (woken) {
                        drain_wake(t);
                        if (atomic_exchange(&t->notify_resume, false))
                                notify_start_reading(t);
                        if (run_commands(t))
                                break;
                }
        }

        pthread_mutex_lock(&t->lock);
        t->exited = true;
        pthread_cond_broadcast(&t->acked);
        pthread_mutex_unlock(&t->lock);
        return NULL;
}

static int epoll_add(int epoll_fd, int fd, uint64_t data)
{
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };

        return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void io_thread_free(struct io_thread *t)
{
        io_control_free(t->control);
        /* Replies still queued for clients nobody will answer now. */
        for (size_t i = 0; i < t->n_pending; i++)
                if (t->pending[i].kind == IO_COMMAND_REPLY) {
                        close(t->pending[i].fd);
                        free(t->pending[i].buf);
                }
        if (t->epoll_fd >= 0)
                close(t->epoll_fd);
        if (t->wake_fd >= 0)
                close(t->wake_fd);
        if (t->clock_fd >= 0)
                close(t->clock_fd);
        if (t->tz_fd >= 0)
                close(t->tz_fd);
        pthread_mutex_destroy(&t->lock);
        pthread_cond_destroy(&t->acked);
        free(t->pending);
        free(t->work);
        free(t->slots);
        free(t);
}

int io_thread_start(struct event_queue *q, int notify_fd, struct io_thread **ret)
{
        struct io_thread *t;
        pthread_attr_t attr;
        sigset_t all;
        int r;

        t = calloc(1, sizeof *t);
        if (!t)
                return -ENOMEM;
        *t = (struct io_thread) { .queue = q, .epoll_fd = -1, .wake_fd = -1, .notify_fd = notify_fd, .clock_fd = -1, .tz_fd = -1 };
        t->notify_budget.resume = notify_resume;
        t->notify_budget.userdata = t;
        pthread_mutex_init(&t->lock, NULL);
        pthread_cond_init(&t->acked, NULL);
        t->control = io_control_new(-1, q);
        t->notify_rl = (struct notify_ratelimit) NOTIFY_RATELIMIT_INIT;
        t->pending = calloc(IO_COMMANDS_INITIAL, sizeof *t->pending);
        t->work = calloc(IO_COMMANDS_INITIAL, sizeof *t->work);
        t->slots = calloc(IO_WATCHES_INITIAL, sizeof *t->slots);
        if (!t->control || !t->pending || !t->work || !t->slots) {
                r = -ENOMEM;
                goto fail;
        }
        t->pending_cap = t->work_cap = IO_COMMANDS_INITIAL;
        t->n_slots = IO_WATCHES_INITIAL;

        t->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (t->epoll_fd < 0) {
                r = log_error_errno(errno, "io: unable to create the epoll set: %s", strerror(errno));
                goto fail;
        }
        io_control_set_epoll(t->control, t->epoll_fd);
        t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (t->wake_fd < 0) {
                r = log_error_errno(errno, "io: unable to create the wake-up eventfd: %s", strerror(errno));
                goto fail;
        }
        r = epoll_add(t->epoll_fd, t->wake_fd, TAG_WAKE);
        if (r < 0) {
                log_error_errno(r, "io: unable to watch the wake-up eventfd: %s", strerror(-r));
                goto fail;
        }
        /* Without it calendar timers still fire, but a clock set by hand
         * is noticed only at their next elapse. */
        t->clock_fd = clock_watch_open();
        if (t->clock_fd < 0 || epoll_add(t->epoll_fd, t->clock_fd, TAG_CLOCK) < 0)
                log_warning("io: cannot watch for changes of the wall clock: %s", strerror(t->clock_fd < 0 ? -t->clock_fd : errno));
        t->tz_fd = tz_watch_open();
        if (t->tz_fd < 0 || epoll_add(t->epoll_fd, t->tz_fd, TAG_TZ) < 0)
                log_debug("io: cannot watch /etc/localtime: %s", strerror(t->tz_fd < 0 ? -t->tz_fd : errno));
        /* Level-triggered and never disarmed: the io thread reads it itself. */
        if (notify_fd >= 0) {
                r = epoll_add(t->epoll_fd, notify_fd, TAG_NOTIFY);
                if (r < 0) {
                        log_error_errno(r, "io: unable to watch the notify socket: %s", strerror(-r));
                        goto fail;
                }
        }

        /* Every signal blocked from the thread's first instruction, whatever
         * the caller's mask: signals belong to the signal thread. */
        sigfillset(&all);
        fault_signals_unblock(&all);
        r = pthread_attr_init(&attr);
        if (r == 0) {
                r = pthread_attr_setsigmask_np(&attr, &all);
                if (r == 0)
                        r = -thread_start(&t->thread, &attr, io_thread_main, t, "the io thread", THREAD_WAIT_FOREVER);
                pthread_attr_destroy(&attr);
        }
        if (r != 0) {
                r = log_error_errno(r, "io: unable to start thread: %s", strerror(r));
                goto fail;
        }
        *ret = t;
        return 0;

fail:
        io_thread_free(t);
        return r;
}

void io_thread_stop(struct io_thread *t)
{
        if (!t)
                return;
        /* A flag rather than a queued command, so stopping cannot fail for
         * lack of memory; commands queued before it still run. */
        pthread_mutex_lock(&t->lock);
        t->stop = true;
        pthread_mutex_unlock(&t->lock);
        wake(t);
        pthread_join(t->thread, NULL);
        io_thread_free(t);
}

int io_watch(struct io_thread *t, int fd, uint64_t cookie)
{
        uint64_t seq;

        if (fd < 0)
                return -EBADF;
        pthread_mutex_lock(&t->lock);
        seq = enqueue_locked(t, IO_COMMAND_WATCH, fd, cookie, NULL, 0);
        pthread_mutex_unlock(&t->lock);
        if (seq == 0)
                return log_error_errno(ENOMEM, "io: unable to watch fd %d: %s", fd, strerror(ENOMEM));
        wake(t);
        return 0;
}

int io_unwatch(struct io_thread *t, int fd)
{
        uint64_t seq;

        if (fd < 0)
                return -EBADF;
        pthread_mutex_lock(&t->lock);
        seq = enqueue_locked(t, IO_COMMAND_UNWATCH, fd, 0, NULL, 0);
        pthread_mutex_unlock(&t->lock);
        if (seq == 0)
                return log_error_errno(ENOMEM, "io: unable to stop watching fd %d: %s", fd, strerror(ENOMEM));

        if (io_current == t) {
                /* Run it (and what was queued before it) now; a stop request
                 * seen here is still honoured by the loop's next wake-up. */
                if (run_commands(t))
                        wake(t);
                return 0;
        }

        wake(t);
        pthread_mutex_lock(&t->lock);
        while (t->done_seq < seq && !t->exited)
                pthread_cond_wait(&t->acked, &t->lock);
        pthread_mutex_unlock(&t->lock);
        return 0;
}

int io_control_listen_fd(struct io_thread *t, int fd)
{
        pthread_mutex_lock(&t->lock);
        uint64_t seq = enqueue_locked(t, IO_COMMAND_CONTROL_LISTEN, fd, 0, NULL, 0);
        pthread_mutex_unlock(&t->lock);
        if (seq == 0)
                return -ENOMEM;
        wake(t);
        return 0;
}

int io_reply(struct io_thread *t, int fd, char *buf, size_t len)
{
        pthread_mutex_lock(&t->lock);
        uint64_t seq = enqueue_locked(t, IO_COMMAND_REPLY, fd, 0, buf, len);
        pthread_mutex_unlock(&t->lock);
        if (seq == 0) {
                close(fd);
                free(buf);
                return -ENOMEM;
        }
        wake(t);
        return 0;
}
