/* Tests for the control socket's connection table (core/io_control.c),
 * driven by a loop of the io thread's shape on the test's own epoll set,
 * with deadlines shortened to READ_MS / WRITE_MS: a silent client is
 * dropped at its deadline and nothing polls meanwhile; a full table makes
 * room for a newcomer by dropping the oldest client still sending, never
 * root's for another user; out of fds a newcomer is still served and the
 * listener does not spin; a reply nobody reads is dropped. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/event_queue.h"
#include "core/io_control.h"
#include "base/log.h"
#include "sockets/control_proto.h"
#include "test/unit/test.h"

#define READ_MS 200
#define WRITE_MS 200
#define REQUEST "{\"version\":1,\"verb\":\"ping\"}\n"

struct harness {
        int ep;
        int listen_fd;
        struct sockaddr_un sa;
        struct event_queue q;
        struct io_control *c;
        FILE *log;
        char *logbuf;
        size_t loglen;
        unsigned wakeups; /* epoll_wait calls that returned */
};

/* dir: test_tmpdir(), taken by the caller before any fork (the counter
 * behind it is per process). */
static void harness_start(struct harness *h, const char *dir)
{
        *h = (struct harness) { .sa = { .sun_family = AF_UNIX } };
        h->log = open_memstream(&h->logbuf, &h->loglen);
        CU_ASSERT_FATAL(h->log != NULL);
        log_set_sink(h->log);
        snprintf(h->sa.sun_path, sizeof h->sa.sun_path, "%s/control", dir);
        h->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        CU_ASSERT_FATAL(h->listen_fd >= 0);
        CU_ASSERT_FATAL(bind(h->listen_fd, (struct sockaddr *) &h->sa, sizeof h->sa) == 0);
        CU_ASSERT_FATAL(listen(h->listen_fd, 1024) == 0);
        CU_ASSERT_FATAL(event_queue_init(&h->q) == 0);
        h->ep = epoll_create1(EPOLL_CLOEXEC);
        CU_ASSERT_FATAL(h->ep >= 0);
        h->c = io_control_new(h->ep, &h->q);
        CU_ASSERT_FATAL(h->c != NULL);
        io_control_set_timeouts(h->c, READ_MS * 1000ULL, WRITE_MS * 1000ULL);
        CU_ASSERT_FATAL(io_control_listen(h->c, h->listen_fd) == 0);
}

/* Control requests the "scheduler" got: close their connections. */
static unsigned drain_requests(struct harness *h)
{
        struct event ev;
        unsigned n = 0;
        while (event_queue_pop(&h->q, 0, &ev) == 1) {
                CU_ASSERT_EQUAL(ev.type, EVENT_CONTROL);
                close((int) ev.control.conn_id);
                control_request_done(ev.control.request);
                free(ev.control.request);
                n++;
        }
        return n;
}

static void harness_stop(struct harness *h)
{
        drain_requests(h);
        io_control_free(h->c);
        close(h->ep);
        close(h->listen_fd);
        event_queue_destroy(&h->q);
        log_set_sink(NULL);
        fclose(h->log);
        free(h->logbuf);
}

/* The io thread's loop, for ms: sleep on epoll until an fd or the next
 * deadline io_control gives, dispatch, expire. */
static void pump(struct harness *h, int ms)
{
        uint64_t end = now_usec() + (uint64_t) ms * 1000;
        for (;;) {
                uint64_t now = now_usec();
                if (now >= end)
                        return;
                int left = (int) ((end - now + 999) / 1000), t = io_control_timeout_ms(h->c);
                struct epoll_event evs[64];
                int n = epoll_wait(h->ep, evs, 64, t < 0 || t > left ? left : t);
                h->wakeups++;
                for (int i = 0; i < n; i++) {
                        uint64_t data = evs[i].data.u64;
                        if ((data & IO_TAG_CONN) == IO_TAG_CONN)
                                io_control_conn_event(h->c, data, evs[i].events);
                        else if (data == IO_TAG_CONTROL)
                                io_control_accept(h->c);
                }
                io_control_expire(h->c);
        }
}

static int client(struct harness *h)
{
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        CU_ASSERT_FATAL(fd >= 0);
        CU_ASSERT_FATAL(connect(fd, (struct sockaddr *) &h->sa, sizeof h->sa) == 0);
        return fd;
}

/* Has weft closed this client's connection (without a reply)? */
static bool dropped(int fd)
{
        char b;
        ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT);
        return n == 0 || (n < 0 && errno != EAGAIN);
}

static void test_silent_client_is_dropped_at_its_deadline_without_polling(void)
{
        struct harness h;
        harness_start(&h, test_tmpdir());
        int fd = client(&h);
        pump(&h, READ_MS / 2);
        CU_ASSERT_EQUAL(io_control_n_connections(h.c), 1);
        CU_ASSERT(!dropped(fd));
        pump(&h, READ_MS);
        CU_ASSERT(dropped(fd));
        CU_ASSERT_EQUAL(io_control_n_connections(h.c), 0);
        /* accept, the deadline, and the ends of the two pumps: a handful
         * of wake-ups, not one per millisecond. */
        CU_ASSERT(h.wakeups <= 8);
        close(fd);
        harness_stop(&h);
}

static void test_slow_request_within_the_deadline_is_served(void)
{
        struct harness h;
        harness_start(&h, test_tmpdir());
        int fd = client(&h);
        for (const char *p = REQUEST; *p; p++) {
                CU_ASSERT_EQUAL(send(fd, p, 1, 0), 1);
                pump(&h, 2);
        }
        pump(&h, 10);
        CU_ASSERT_EQUAL(drain_requests(&h), 1);
        close(fd);
        harness_stop(&h);
}

/* B8: a table full of clients that never finish a request; the newcomer
 * takes the oldest one's slot, and its request is served. */
static void test_full_table_drops_the_oldest_sender_for_a_newcomer(void)
{
        struct harness h;
        int fds[IO_CONTROL_MAX_CONNECTIONS];
        harness_start(&h, test_tmpdir());
        io_control_set_timeouts(h.c, 60 * 1000000ULL, WRITE_MS * 1000ULL); /* filling takes a while */
        for (size_t i = 0; i < IO_CONTROL_MAX_CONNECTIONS; i++) {
                fds[i] = client(&h);
                pump(&h, 0);
                pump(&h, 1);
        }
        CU_ASSERT_EQUAL(io_control_n_connections(h.c), IO_CONTROL_MAX_CONNECTIONS);
        int fd = client(&h);
        CU_ASSERT_EQUAL(send(fd, REQUEST, strlen(REQUEST), 0), (ssize_t) strlen(REQUEST));
        pump(&h, 20);
        CU_ASSERT_EQUAL(drain_requests(&h), 1);
        CU_ASSERT(dropped(fds[0]));
        CU_ASSERT(!dropped(fds[1]));
        CU_ASSERT(!dropped(fds[IO_CONTROL_MAX_CONNECTIONS - 1]));
        for (size_t i = 0; i < IO_CONTROL_MAX_CONNECTIONS; i++)
                close(fds[i]);
        close(fd);
        harness_stop(&h);
}

/* A child that connects as nobody and holds the connection until its
 * pipe closes. Returns its pid; -1 when it could not switch user. */
static pid_t nobody_client(struct harness *h, int *ret_pipe)
{
        int p[2];
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
        fflush(NULL);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
                char b;
                close(p[1]);
                if (setgid(65534) < 0 || setuid(65534) < 0)
                        _exit(3);
                int fd = socket(AF_UNIX, SOCK_STREAM, 0);
                if (fd < 0 || connect(fd, (struct sockaddr *) &h->sa, sizeof h->sa) < 0)
                        _exit(4);
                while (read(p[0], &b, 1) < 0)
                        ;
                _exit(dropped(fd) ? 10 : 0);
        }
        close(p[0]);
        *ret_pipe = p[1];
        return pid;
}

static int finish_child(pid_t pid, int pipe_fd)
{
        int status;
        close(pipe_fd);
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Another user's client goes before root's, however young; a non-root
 * newcomer cannot push out root's clients at all. */
static void test_root_clients_are_dropped_last_and_never_for_another_user(void)
{
        struct harness h;
        int fds[IO_CONTROL_MAX_CONNECTIONS], pipe_fd;

        if (geteuid() != 0)
                return;
        harness_start(&h, test_tmpdir());
        io_control_set_timeouts(h.c, 60 * 1000000ULL, WRITE_MS * 1000ULL); /* filling takes a while */
        char dir[sizeof h.sa.sun_path];
        snprintf(dir, sizeof dir, "%s", h.sa.sun_path);
        chmod(dirname(dirname(dir)), 0755); /* the runner's own temp root */
        chmod(h.sa.sun_path, 0777);
        for (size_t i = 0; i + 1 < IO_CONTROL_MAX_CONNECTIONS; i++) {
                fds[i] = client(&h);
                pump(&h, 0);
                pump(&h, 1);
        }
        pid_t nobody = nobody_client(&h, &pipe_fd);
        pump(&h, 50);
        CU_ASSERT_EQUAL_FATAL(io_control_n_connections(h.c), IO_CONTROL_MAX_CONNECTIONS);
        /* root's newcomer: nobody's (the youngest) goes, not root's oldest. */
        int fd = client(&h);
        pump(&h, 20);
        CU_ASSERT(!dropped(fds[0]));
        CU_ASSERT_EQUAL(finish_child(nobody, pipe_fd), 10);
        /* A table of root's clients only: nobody's newcomer is refused. */
        nobody = nobody_client(&h, &pipe_fd);
        pump(&h, 50);
        CU_ASSERT_EQUAL(finish_child(nobody, pipe_fd), 10);
        for (size_t i = 0; i + 1 < IO_CONTROL_MAX_CONNECTIONS; i++)
                CU_ASSERT(!dropped(fds[i]));
        CU_ASSERT(!dropped(fd));
        for (size_t i = 0; i + 1 < IO_CONTROL_MAX_CONNECTIONS; i++)
                close(fds[i]);
        close(fd);
        harness_stop(&h);
}

/* B6, in a child whose fd table is full: a newcomer takes the spare fd and
 * the oldest sender's place, and its request is served; newcomers with
 * nobody to replace are refused, and the listener then stays quiet. */
static void test_out_of_fds_serves_a_newcomer_and_does_not_spin(void)
{
        const char *dir = test_tmpdir();
        fflush(NULL);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
                struct harness h;
                int idle[4], more[8];
                harness_start(&h, dir);
                for (size_t i = 0; i < 4; i++) {
                        idle[i] = client(&h);
                        pump(&h, 1);
                }
                int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                for (size_t i = 0; i < 8; i++)
                        more[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                /* Not one fd more from here on: the limit just above the
                 * last one, and every hole below it filled. */
                struct rlimit rl = { more[7] + 1, more[7] + 1 };
                if (fd < 0 || more[7] < 0 || setrlimit(RLIMIT_NOFILE, &rl) < 0)
                        _exit(3);
                while (dup(h.listen_fd) >= 0)
                        ;
                if (connect(fd, (struct sockaddr *) &h.sa, sizeof h.sa) < 0 ||
                    send(fd, REQUEST, strlen(REQUEST), 0) != (ssize_t) strlen(REQUEST))
                        _exit(4);
                pump(&h, 20);
                if (drain_requests(&h) != 1) /* closes the served connection: one fd free */
                        _exit(5);
                if (!dropped(idle[0]) || dropped(idle[1]))
                        _exit(6);
                /* Eight newcomers that send nothing: the first takes the
                 * freed fd, each of the others the place of the oldest
                 * client still sending; then nothing is pending. */
                for (size_t i = 0; i < 8; i++)
                        if (connect(more[i], (struct sockaddr *) &h.sa, sizeof h.sa) < 0)
                                _exit(7);
                pump(&h, 20);
                unsigned before = h.wakeups;
                pump(&h, 100);
                if (h.wakeups - before > 2) /* the listener does not fire again */
                        _exit(8);
                _exit(0);
        }
        int status;
        waitpid(pid, &status, 0);
        CU_ASSERT(WIFEXITED(status));
        CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

/* A reply the client never reads is dropped WRITE_MS after its last progress. */
static void test_unread_reply_is_dropped_at_its_deadline(void)
{
        struct harness h;
        int sv[2];
        size_t len = 8 * 1024 * 1024;
        char *buf = malloc(len);

        harness_start(&h, test_tmpdir());
        CU_ASSERT_FATAL(buf != NULL);
        memset(buf, 'x', len);
        CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
        CU_ASSERT_FATAL(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
        io_control_reply(h.c, sv[0], buf, len);
        CU_ASSERT_EQUAL(io_control_n_connections(h.c), 1);
        pump(&h, WRITE_MS / 2);
        CU_ASSERT_EQUAL(io_control_n_connections(h.c), 1);
        pump(&h, WRITE_MS);
        CU_ASSERT_EQUAL(io_control_n_connections(h.c), 0);
        close(sv[1]);
        harness_stop(&h);
}

/* Every line a flood can cause is rate-limited. */
static void test_garbage_flood_logs_a_bounded_number_of_lines(void)
{
        struct harness h;
        harness_start(&h, test_tmpdir());
        for (int i = 0; i < 100; i++) {
                int fd = client(&h);
                CU_ASSERT_EQUAL(send(fd, "garbage\n", 8, 0), 8);
                pump(&h, 1);
                close(fd);
        }
        pump(&h, 10);
        fflush(h.log);
        unsigned lines = 0;
        for (size_t i = 0; i < h.loglen; i++)
                lines += h.logbuf[i] == '\n';
        CU_ASSERT(lines >= 1 && lines <= 5);
        harness_stop(&h);
}

static const struct test_case tests[] = {
        { "silent_client_is_dropped_at_its_deadline_without_polling",
          test_silent_client_is_dropped_at_its_deadline_without_polling },
        { "slow_request_within_the_deadline_is_served", test_slow_request_within_the_deadline_is_served },
        { "full_table_drops_the_oldest_sender_for_a_newcomer", test_full_table_drops_the_oldest_sender_for_a_newcomer },
        { "root_clients_are_dropped_last_and_never_for_another_user",
          test_root_clients_are_dropped_last_and_never_for_another_user },
        { "out_of_fds_serves_a_newcomer_and_does_not_spin", test_out_of_fds_serves_a_newcomer_and_does_not_spin },
        { "unread_reply_is_dropped_at_its_deadline", test_unread_reply_is_dropped_at_its_deadline },
        { "garbage_flood_logs_a_bounded_number_of_lines", test_garbage_flood_logs_a_bounded_number_of_lines },
        { 0 },
};
TEST_SUITE("io_control", tests);
