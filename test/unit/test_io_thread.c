/* Tests for the io thread: one-shot readiness of watched fds, re-arming,
 * unwatching, many fds, the notify socket turned into EVENT_NOTIFY, and a
 * clean stop. Every wait is bounded: an expected event gets WAIT_USEC, an
 * absent one is checked for QUIET_USEC. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/event_queue.h"
#include "core/io_thread.h"
#include "base/log.h"
#include "sockets/notify.h"
#include "test/unit/test.h"

#define WAIT_USEC  (5 * 1000000ULL) /* only reached when something is broken */
#define QUIET_USEC (100 * 1000ULL)  /* how long "no event" is watched for */
#define N_PIPES 100

struct fixture {
        struct event_queue q;
        struct io_thread *t;
        int notify_fd;
        char notify_path[256];
        FILE *log; /* notify drops are logged; keep them off the test output */
        char *logbuf;
        size_t loglen;
};

static void fixture_start(struct fixture *f, bool with_notify)
{
        *f = (struct fixture) { .notify_fd = -1 };
        f->log = open_memstream(&f->logbuf, &f->loglen);
        CU_ASSERT_FATAL(f->log != NULL);
        log_set_sink(f->log);
        CU_ASSERT_FATAL(event_queue_init(&f->q) == 0);
        if (with_notify) {
                snprintf(f->notify_path, sizeof f->notify_path, "%s/notify", test_tmpdir());
                f->notify_fd = notify_socket_open(f->notify_path);
                CU_ASSERT_FATAL(f->notify_fd >= 0);
        }
        CU_ASSERT_FATAL(io_thread_start(&f->q, f->notify_fd, &f->t) == 0);
}

/* What the scheduler does with an event it took: a notify message leaves
 * the io thread's budget, then is freed. */
static void free_event(struct event *ev)
{
        if (ev->type == EVENT_NOTIFY) {
                notify_message_release(ev->notify);
                notify_message_done(ev->notify);
                free(ev->notify);
        }
}

/* Stop the thread, then free whatever it posted that the test left (as
 * manager.c does: the budget went with the thread, so no release). */
static void fixture_stop(struct fixture *f)
{
        struct event ev;

        io_thread_stop(f->t);
        f->t = NULL;
        while (event_queue_pop(&f->q, 0, &ev) == 1)
                if (ev.type == EVENT_NOTIFY) {
                        notify_message_done(ev.notify);
                        free(ev.notify);
                }
        event_queue_destroy(&f->q);
        if (f->notify_fd >= 0)
                close(f->notify_fd);
        log_set_sink(NULL);
        fclose(f->log);
        free(f->logbuf);
}

/* The next event within usec, leaving out the wall clock being set and
 * the time zone changing: a shared machine's clock may be stepped while a
 * test runs (seen: several times a second), and none of these tests is
 * about it. */
static int pop_within(struct fixture *f, uint64_t usec, struct event *ret)
{
        uint64_t deadline = now_usec() + usec;
        int r;
        while ((r = event_queue_pop(&f->q, deadline, ret)) == 1 &&
               (ret->type == EVENT_TIME_CHANGE || ret->type == EVENT_TIMEZONE_CHANGE))
                ;
        return r;
}

static void make_pipe(int p[2])
{
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
}

static void write_byte(int fd)
{
        CU_ASSERT_EQUAL(write(fd, "x", 1), 1);
}

static void close_pipe(int p[2])
{
        close(p[0]);
        close(p[1]);
}

static void assert_fd_ready(const struct event *ev, int fd, uint64_t cookie)
{
        CU_ASSERT_EQUAL(ev->type, EVENT_FD_READY);
        CU_ASSERT_EQUAL(ev->fd_ready.fd, fd);
        CU_ASSERT_EQUAL(ev->fd_ready.cookie, cookie);
        CU_ASSERT(ev->stamp_usec > 0 && ev->stamp_usec <= now_usec());
}

static void test_readable_pipe_posts_fd_ready_with_cookie(void)
{
        struct fixture f;
        struct event ev;
        int p[2];

        fixture_start(&f, false);
        make_pipe(p);
        CU_ASSERT_EQUAL(io_watch(f.t, p[0], 0xC0FFEE), 0);
        write_byte(p[1]);
        CU_ASSERT_FATAL(pop_within(&f, WAIT_USEC, &ev) == 1);
        assert_fd_ready(&ev, p[0], 0xC0FFEE);
        CU_ASSERT_EQUAL(io_unwatch(f.t, p[0]), 0);
        fixture_stop(&f);
        close_pipe(p);
}

static void test_fired_watch_stays_quiet_until_rearmed(void)
{
        struct fixture f;
        struct event ev;
        int p[2];

        fixture_start(&f, false);
        make_pipe(p);
        CU_ASSERT_EQUAL(io_watch(f.t, p[0], 1), 0);
        write_byte(p[1]);
        CU_ASSERT_FATAL(pop_within(&f, WAIT_USEC, &ev) == 1);
        write_byte(p[1]);
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        io_unwatch(f.t, p[0]);
        fixture_stop(&f);
        close_pipe(p);
}

/* Nothing was read: re-arming a still-readable fd reports it again, with
 * the new cookie. */
static void test_rearmed_watch_fires_again_with_new_cookie(void)
{
        struct fixture f;
        struct event ev;
        int p[2];

        fixture_start(&f, false);
        make_pipe(p);
        CU_ASSERT_EQUAL(io_watch(f.t, p[0], 1), 0);
        write_byte(p[1]);
        CU_ASSERT_FATAL(pop_within(&f, WAIT_USEC, &ev) == 1);
        assert_fd_ready(&ev, p[0], 1);
        CU_ASSERT_EQUAL(io_watch(f.t, p[0], 2), 0);
        CU_ASSERT_FATAL(pop_within(&f, WAIT_USEC, &ev) == 1);
        assert_fd_ready(&ev, p[0], 2);
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        io_unwatch(f.t, p[0]);
        fixture_stop(&f);
        close_pipe(p);
}

static void test_unwatched_fd_posts_nothing(void)
{
        struct fixture f;
        struct event ev;
        int p[2];

        fixture_start(&f, false);
        make_pipe(p);
        CU_ASSERT_EQUAL(io_watch(f.t, p[0], 1), 0);
        CU_ASSERT_EQUAL(io_unwatch(f.t, p[0]), 0);
        write_byte(p[1]);
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        fixture_stop(&f);
        close_pipe(p);
}

static void test_unwatch_of_never_watched_fd_succeeds(void)
{
        struct fixture f;
        int p[2];

        fixture_start(&f, false);
        make_pipe(p);
        CU_ASSERT_EQUAL(io_unwatch(f.t, p[0]), 0);
        fixture_stop(&f);
        close_pipe(p);
}

/* The fd becomes readable just before io_unwatch(), so the io thread races
 * to post while io_unwatch() runs. Whatever it posted must be in the queue
 * by the time io_unwatch() returns: a later drain never sees an old
 * cookie. Unwatching another fd is a barrier: the watch has run by then. */
static void test_no_event_is_posted_after_unwatch_returns(void)
{
        struct fixture f;
        struct event ev;
        int p[2], other[2];
        char c;

        fixture_start(&f, false);
        make_pipe(p);
        make_pipe(other);
        for (uint64_t i = 1; i <= 200; i++) {
                CU_ASSERT_EQUAL(io_watch(f.t, p[0], i), 0);
                CU_ASSERT_EQUAL(io_unwatch(f.t, other[0]), 0);
                write_byte(p[1]);
                CU_ASSERT_EQUAL(io_unwatch(f.t, p[0]), 0);
                while (event_queue_pop(&f.q, 0, &ev) == 1)
                        CU_ASSERT_EQUAL(ev.fd_ready.cookie, i);
                CU_ASSERT_EQUAL(read(p[0], &c, 1), 1);
        }
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        fixture_stop(&f);
        close_pipe(p);
        close_pipe(other);
}

static void test_hundred_pipes_are_each_reported_once(void)
{
        struct fixture f;
        struct event ev;
        int p[N_PIPES][2];
        unsigned seen[N_PIPES] = { 0 };

        fixture_start(&f, false);
        for (int i = 0; i < N_PIPES; i++) {
                make_pipe(p[i]);
                CU_ASSERT_EQUAL(io_watch(f.t, p[i][0], (uint64_t) i), 0);
        }
        for (int i = 0; i < N_PIPES; i++)
                write_byte(p[i][1]);
        for (int i = 0; i < N_PIPES; i++) {
                if (pop_within(&f, WAIT_USEC, &ev) != 1) {
                        CU_FAIL("a readable pipe was not reported");
                        break;
                }
                CU_ASSERT_FATAL(ev.type == EVENT_FD_READY && ev.fd_ready.cookie < N_PIPES);
                CU_ASSERT_EQUAL(ev.fd_ready.fd, p[ev.fd_ready.cookie][0]);
                seen[ev.fd_ready.cookie]++;
        }
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        for (int i = 0; i < N_PIPES; i++)
                CU_ASSERT_EQUAL(seen[i], 1);
        for (int i = 0; i < N_PIPES; i++)
                io_unwatch(f.t, p[i][0]);
        fixture_stop(&f);
        for (int i = 0; i < N_PIPES; i++)
                close_pipe(p[i]);
}

/* One datagram from a fresh unbound socket, as sd_notify() sends it; the
 * kernel attaches our credentials because the socket has SO_PASSCRED. */
static void notify_send(const struct fixture *f, const char *payload)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct iovec iov = { .iov_base = (void *) payload, .iov_len = strlen(payload) };
        struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1 };
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        CU_ASSERT_FATAL(s >= 0);
        CU_ASSERT_FATAL(strlen(f->notify_path) < sizeof sa.sun_path);
        memcpy(sa.sun_path, f->notify_path, strlen(f->notify_path));
        CU_ASSERT_EQUAL(sendmsg(s, &mh, 0), (ssize_t) strlen(payload));
        close(s);
}

static void test_notify_datagram_posts_one_notify_event(void)
{
        struct fixture f;
        struct event ev;

        fixture_start(&f, true);
        notify_send(&f, "READY=1\nSTATUS=x");
        CU_ASSERT_FATAL(pop_within(&f, WAIT_USEC, &ev) == 1);
        CU_ASSERT_FATAL(ev.type == EVENT_NOTIFY);
        CU_ASSERT(ev.stamp_usec > 0);
        CU_ASSERT_EQUAL(ev.notify->pid, getpid());
        CU_ASSERT(ev.notify->ready);
        CU_ASSERT_STRING_EQUAL(ev.notify->status, "x");
        free_event(&ev);
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        fixture_stop(&f);
}

static void test_malformed_notify_datagram_posts_nothing_and_next_arrives(void)
{
        struct fixture f;
        struct event ev;

        fixture_start(&f, true);
        notify_send(&f, "READY=2");
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        notify_send(&f, "STATUS=after");
        CU_ASSERT_FATAL(pop_within(&f, WAIT_USEC, &ev) == 1);
        CU_ASSERT_FATAL(ev.type == EVENT_NOTIFY);
        CU_ASSERT(!ev.notify->ready);
        CU_ASSERT_STRING_EQUAL(ev.notify->status, "after");
        free_event(&ev);
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        fixture_stop(&f);
}

/* A burst queued before the thread reads: one event per datagram. */
static void test_notify_burst_posts_one_event_per_datagram(void)
{
        struct fixture f;
        struct event ev;
        unsigned n = 0;

        fixture_start(&f, true);
        for (int i = 0; i < 50; i++)
                notify_send(&f, i % 2 ? "WATCHDOG=1" : "READY=1");
        while (n < 50 && pop_within(&f, WAIT_USEC, &ev) == 1) {
                CU_ASSERT_EQUAL(ev.type, EVENT_NOTIFY);
                CU_ASSERT(n % 2 ? ev.notify->watchdog : ev.notify->ready);
                free_event(&ev);
                n++;
        }
        CU_ASSERT_EQUAL(n, 50);
        CU_ASSERT_EQUAL(pop_within(&f, QUIET_USEC, &ev), 0);
        fixture_stop(&f);
}

/* Send "FDSTORE=1" carrying n_fds copies of fd (0: "READY=1" alone)
 * without blocking; false once the socket is full. */
static bool notify_send_nowait(const struct fixture *f, int fd, unsigned n_fds)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *payload = n_fds ? "FDSTORE=1" : "READY=1";
        struct iovec iov = { .iov_base = (void *) payload, .iov_len = strlen(payload) };
        union {
                struct cmsghdr align;
                char data[CMSG_SPACE(sizeof(int) * 16)];
        } control;
        struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1 };
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        CU_ASSERT_FATAL(s >= 0 && n_fds <= 16);
        memcpy(sa.sun_path, f->notify_path, strlen(f->notify_path));
        if (n_fds) {
                memset(&control, 0, sizeof control);
                mh.msg_control = &control;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
                for (unsigned i = 0; i < n_fds; i++)
                        memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof fd);
        }
        ssize_t n = sendmsg(s, &mh, MSG_DONTWAIT);
        CU_ASSERT(n >= 0 || errno == EAGAIN);
        close(s);
        return n >= 0;
}

/* Send up to max datagrams while nobody consumes, until the socket stays
 * full for QUIET_USEC: the io thread has stopped reading. Returns how many
 * went out. */
static unsigned flood_until_blocked(const struct fixture *f, unsigned max, int fd, unsigned n_fds)
{
        unsigned sent = 0;
        uint64_t blocked_since = 0, deadline = now_usec() + WAIT_USEC;

        while (sent < max && now_usec() < deadline) {
                if (notify_send_nowait(f, fd, n_fds)) {
                        sent++;
                        blocked_since = 0;
                        continue;
                }
                if (!blocked_since)
                        blocked_since = now_usec();
                else if (now_usec() - blocked_since > QUIET_USEC)
                        break;
                usleep(1000);
        }
        return sent;
}

/* The notify messages queued now (not a clock change posted meanwhile). */
static size_t queued(struct fixture *f)
{
        size_t n = 0;
        pthread_mutex_lock(&f->q.lock);
        for (size_t i = 0; i < f->q.count; i++)
                n += f->q.items[(f->q.head + i) % f->q.cap].type == EVENT_NOTIFY;
        pthread_mutex_unlock(&f->q.lock);
        return n;
}

static unsigned count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        unsigned n = 0;
        CU_ASSERT_FATAL(d != NULL);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* Take every event; each notify message taken lets the io thread read on,
 * until all sent ones arrived. Returns how many arrived. */
static unsigned consume_all(struct fixture *f, unsigned want)
{
        struct event ev;
        unsigned n = 0;

        while (n < want && pop_within(f, WAIT_USEC, &ev) == 1) {
                n += ev.type == EVENT_NOTIFY;
                free_event(&ev);
        }
        return n;
}

static void test_notify_queue_to_the_scheduler_holds_a_bounded_number_of_messages(void)
{
        struct fixture f;

        fixture_start(&f, true);
        unsigned sent = flood_until_blocked(&f, 3 * NOTIFY_QUEUE_MSGS_MAX, -1, 0);
        CU_ASSERT(queued(&f) <= NOTIFY_QUEUE_MSGS_MAX);
        CU_ASSERT(sent < 3 * NOTIFY_QUEUE_MSGS_MAX); /* the rest waited in the socket, then at the sender */
        CU_ASSERT_EQUAL(consume_all(&f, sent), sent); /* and none was lost */
        fixture_stop(&f);
}

static void test_notify_queue_to_the_scheduler_holds_a_bounded_number_of_fds(void)
{
        struct fixture f;
        int p[2];

        fixture_start(&f, true);
        make_pipe(p);
        unsigned before = count_fds();
        unsigned sent = flood_until_blocked(&f, NOTIFY_QUEUE_MSGS_MAX - 1, p[1], 16);
        /* At most one datagram past the mark, and one being received. */
        CU_ASSERT(count_fds() <= before + NOTIFY_QUEUE_FDS_MAX + 2 * 16);
        CU_ASSERT(sent < NOTIFY_QUEUE_MSGS_MAX - 1);
        CU_ASSERT_EQUAL(consume_all(&f, sent), sent);
        CU_ASSERT_EQUAL(count_fds(), before);
        close(p[0]), close(p[1]);
        fixture_stop(&f);
}

static unsigned count_threads(void)
{
        DIR *d = opendir("/proc/self/task");
        unsigned n = 0;

        CU_ASSERT_FATAL(d != NULL);
        for (struct dirent *e; (e = readdir(d));)
                n += e->d_name[0] != '.';
        closedir(d);
        return n;
}

static void test_stop_joins_the_thread(void)
{
        struct fixture f;
        unsigned before = count_threads();

        fixture_start(&f, true);
        CU_ASSERT_EQUAL(count_threads(), before + 1);
        fixture_stop(&f);
        CU_ASSERT_EQUAL(count_threads(), before);
}

static const struct test_case tests[] = {
        { "readable_pipe_posts_fd_ready_with_cookie", test_readable_pipe_posts_fd_ready_with_cookie },
        { "fired_watch_stays_quiet_until_rearmed", test_fired_watch_stays_quiet_until_rearmed },
        { "rearmed_watch_fires_again_with_new_cookie", test_rearmed_watch_fires_again_with_new_cookie },
        { "unwatched_fd_posts_nothing", test_unwatched_fd_posts_nothing },
        { "unwatch_of_never_watched_fd_succeeds", test_unwatch_of_never_watched_fd_succeeds },
        { "no_event_is_posted_after_unwatch_returns", test_no_event_is_posted_after_unwatch_returns },
        { "hundred_pipes_are_each_reported_once", test_hundred_pipes_are_each_reported_once },
        { "notify_datagram_posts_one_notify_event", test_notify_datagram_posts_one_notify_event },
        { "malformed_notify_datagram_posts_nothing_and_next_arrives",
          test_malformed_notify_datagram_posts_nothing_and_next_arrives },
        { "notify_burst_posts_one_event_per_datagram", test_notify_burst_posts_one_event_per_datagram },
        { "stop_joins_the_thread", test_stop_joins_the_thread },
        { "notify_queue_to_the_scheduler_holds_a_bounded_number_of_messages",
          test_notify_queue_to_the_scheduler_holds_a_bounded_number_of_messages },
        { "notify_queue_to_the_scheduler_holds_a_bounded_number_of_fds",
          test_notify_queue_to_the_scheduler_holds_a_bounded_number_of_fds },
        { 0 },
};
TEST_SUITE("io_thread", tests);
