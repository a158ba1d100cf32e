/* Tests for the notify socket, with real clients: libsystemd's sd_notify
 * family and the systemd-notify binary (SUBSET §3.2), and raw datagrams
 * from socket(2) for what no well-behaved client sends. Links -lsystemd;
 * only this test binary does, never libweft. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "base/log.h"
#include "sockets/notify.h"
#include "test/unit/test.h"

#define WAIT_MS 5000

/* One notify socket, NOTIFY_SOCKET pointing at it, the log captured. */
struct fixture {
        int fd;
        char path[256];
        struct notify_ratelimit rl;
        FILE *log;
        char *logbuf;
        size_t loglen;
};

static void fixture_open_at(struct fixture *f, const char *path)
{
        *f = (struct fixture) { .fd = -1, .rl = NOTIFY_RATELIMIT_INIT };
        snprintf(f->path, sizeof f->path, "%s", path);
        f->log = open_memstream(&f->logbuf, &f->loglen);
        CU_ASSERT_FATAL(f->log != NULL);
        log_set_sink(f->log);
        f->fd = notify_socket_open(f->path);
        CU_ASSERT_FATAL(f->fd >= 0);
        CU_ASSERT_FATAL(setenv("NOTIFY_SOCKET", f->path, 1) == 0);
}

static void fixture_open(struct fixture *f)
{
        char path[256];
        snprintf(path, sizeof path, "%s/notify", test_tmpdir());
        fixture_open_at(f, path);
}

/* The log captured so far (valid until the next log line). */
static const char *fixture_log(struct fixture *f)
{
        fflush(f->log);
        return f->logbuf;
}

static unsigned count_lines(const char *s)
{
        unsigned n = 0;
        for (; *s; s++)
                n += *s == '\n';
        return n;
}

static void fixture_close(struct fixture *f)
{
        unsetenv("NOTIFY_SOCKET");
        log_set_sink(NULL);
        fclose(f->log);
        free(f->logbuf);
        if (f->fd >= 0)
                close(f->fd);
}

/* Wait for a datagram (a child may still be sending), then receive it. */
static int receive(struct fixture *f, struct notify_message *m)
{
        struct pollfd p = { .fd = f->fd, .events = POLLIN };
        if (poll(&p, 1, WAIT_MS) != 1)
                return -ETIMEDOUT;
        return notify_receive(f->fd, &f->rl, m);
}

/* sendmsg from a fresh unbound socket to the fixture's path. */
static void raw_send(const struct fixture *f, const void *buf, size_t len, const int *fds, unsigned n_fds)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
        union {
                struct cmsghdr align;
                char data[CMSG_SPACE(sizeof(int) * 8)];
        } control;
        struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1 };
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        CU_ASSERT_FATAL(s >= 0 && n_fds <= 8);
        CU_ASSERT_FATAL(strlen(f->path) < sizeof sa.sun_path);
        memcpy(sa.sun_path, f->path, strlen(f->path));
        if (n_fds > 0) {
                memset(&control, 0, sizeof control);
                mh.msg_control = &control;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
        }
        CU_ASSERT_EQUAL(sendmsg(s, &mh, 0), (ssize_t) len);
        close(s);
}

static void raw_send_str(const struct fixture *f, const char *s)
{
        raw_send(f, s, strlen(s), NULL, 0);
}

static unsigned count_open_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        unsigned n = 0;
        CU_ASSERT_FATAL(d != NULL);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* Both ends of a pipe, close-on-exec. */
static void make_pipe(int p[2])
{
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
}

/* True once every copy of the pipe's write end is closed. */
static bool write_end_gone(int read_end)
{
        struct pollfd p = { .fd = read_end, .events = POLLIN };
        return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

static bool same_file(int a, int b)
{
        struct stat sa, sb;
        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void assert_dropped(struct fixture *f, const char *why)
{
        struct notify_message m = { 0 };
        CU_ASSERT_EQUAL(receive(f, &m), -EBADMSG);
        CU_ASSERT_EQUAL(m.pid, 0); /* untouched */
        CU_ASSERT_PTR_NOT_NULL(strstr(fixture_log(f), why));
}

static pid_t wait_child(pid_t pid)
{
        int status;
        CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- real clients ------------------------------------------------------ */

static void test_sd_notify_ready_and_status_without_trailing_newline(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(sd_pid_notify(0, 0, "READY=1\nSTATUS=hello world"), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.ready);
        CU_ASSERT_STRING_EQUAL(m.status, "hello world");
        CU_ASSERT_EQUAL(m.pid, getpid());
        CU_ASSERT_EQUAL(m.uid, getuid());
        CU_ASSERT_EQUAL(m.n_fds, 0);
        CU_ASSERT_EQUAL(m.main_pid, 0);
        CU_ASSERT_EQUAL(m.errno_value, -1);
        CU_ASSERT_FALSE(m.reloading || m.stopping || m.watchdog || m.barrier || m.fdstore);
        notify_message_done(&m);
        CU_ASSERT_EQUAL(notify_receive(f.fd, &f.rl, &m), 0);
        fixture_close(&f);
}

static void test_nothing_pending_returns_zero(void)
{
        struct fixture f;
        struct notify_message m = { .pid = 42 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(notify_receive(f.fd, &f.rl, &m), 0);
        CU_ASSERT_EQUAL(m.pid, 42);
        fixture_close(&f);
}

static void test_sd_notify_mainpid_is_decoded(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(sd_pid_notifyf(0, 0, "MAINPID=%d", (int) getppid()), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_EQUAL(m.main_pid, getppid());
        CU_ASSERT_EQUAL(m.pid, getpid());
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_sd_notify_fdstore_delivers_open_fds_and_name(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        int a[2], b[2];

        fixture_open(&f);
        make_pipe(a);
        make_pipe(b);
        int send[2] = { a[1], b[1] };
        CU_ASSERT_EQUAL(sd_pid_notify_with_fds(0, 0, "FDSTORE=1\nFDNAME=x", send, 2), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.fdstore);
        CU_ASSERT_STRING_EQUAL(m.fdname, "x");
        CU_ASSERT_EQUAL_FATAL(m.n_fds, 2);
        for (unsigned i = 0; i < 2; i++) {
                CU_ASSERT_TRUE(same_file(m.fds[i], send[i]));
                CU_ASSERT_NOT_EQUAL(m.fds[i], send[i]);
                CU_ASSERT_TRUE(fcntl(m.fds[i], F_GETFD) & FD_CLOEXEC);
        }
        notify_message_done(&m);
        close(a[0]), close(a[1]), close(b[0]), close(b[1]);
        fixture_close(&f);
}

static void test_message_done_closes_every_received_fd(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        int a[2], b[2];

        fixture_open(&f);
        make_pipe(a);
        make_pipe(b);
        int send[2] = { a[1], b[1] };
        CU_ASSERT_EQUAL(sd_pid_notify_with_fds(0, 0, "FDSTORE=1", send, 2), 1);
        close(a[1]), close(b[1]);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_EQUAL(m.n_fds, 2);
        CU_ASSERT_PTR_NULL(m.fdname);
        CU_ASSERT_FALSE(write_end_gone(a[0]));
        notify_message_done(&m);
        CU_ASSERT_TRUE(write_end_gone(a[0]));
        CU_ASSERT_TRUE(write_end_gone(b[0]));
        CU_ASSERT_EQUAL(m.n_fds, 0);
        notify_message_done(&m); /* twice is harmless */
        close(a[0]), close(b[0]);
        fixture_close(&f);
}

static void test_sd_notify_watchdog_ping(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(sd_notify(0, "WATCHDOG=1"), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.watchdog);
        CU_ASSERT_FALSE(m.watchdog_trigger);
        CU_ASSERT_FALSE(m.has_watchdog_usec);
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_watchdog_trigger_and_usec_zero_are_told_apart_from_absent(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(sd_notify(0, "WATCHDOG=trigger\nWATCHDOG_USEC=0\n"), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.watchdog_trigger);
        CU_ASSERT_FALSE(m.watchdog);
        CU_ASSERT_TRUE(m.has_watchdog_usec);
        CU_ASSERT_EQUAL(m.watchdog_usec, 0);
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_sd_notify_extend_timeout_usec(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(sd_notify(0, "EXTEND_TIMEOUT_USEC=5000000"), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_EQUAL(m.extend_timeout_usec, 5000000);
        CU_ASSERT_FALSE(m.ready);
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_every_flag_and_errno_key_is_decoded(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(sd_notify(0, "RELOADING=1\nSTOPPING=1\nERRNO=2\nFDSTOREREMOVE=1\nFDNAME=db\nFDPOLL=0"), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.reloading);
        CU_ASSERT_TRUE(m.stopping);
        CU_ASSERT_EQUAL(m.errno_value, 2);
        CU_ASSERT_TRUE(m.fdstore_remove);
        CU_ASSERT_STRING_EQUAL(m.fdname, "db");
        CU_ASSERT_TRUE(m.fdpoll_off);
        notify_message_done(&m);
        fixture_close(&f);
}

/* BARRIER=1 carries one fd; sd_notify_barrier() returns once we close it. */
static void test_sd_notify_barrier_returns_after_message_done(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0)
                _exit(sd_notify_barrier(0, 5 * 1000000ULL) >= 0 ? 0 : 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.barrier);
        CU_ASSERT_EQUAL(m.n_fds, 1);
        CU_ASSERT_EQUAL(m.pid, pid);
        notify_message_done(&m);
        CU_ASSERT_EQUAL(wait_child(pid), 0);
        fixture_close(&f);
}

/* §3.2: systemd-notify sends "READY=1\nSTATUS=…" and then a BARRIER=1 with
 * one fd, waiting for its close. As root it forges its parent's pid (here
 * the test process) on the first; otherwise the kernel's credentials name
 * itself. The barrier always carries its own pid (systemd 252), so the
 * scheduler must close a barrier fd whoever the sender is. */
static void test_systemd_notify_binary_ready_status_then_barrier(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        if (access("/usr/bin/systemd-notify", X_OK) < 0)
                return;
        fixture_open(&f);
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
                execl("/usr/bin/systemd-notify", "systemd-notify", "--ready", "--status=hi", (char *) NULL);
                _exit(127);
        }
        pid_t sender = geteuid() == 0 ? getpid() : pid;

        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.ready);
        CU_ASSERT_STRING_EQUAL(m.status, "hi");
        CU_ASSERT_EQUAL(m.pid, sender);
        CU_ASSERT_EQUAL(m.n_fds, 0);
        notify_message_done(&m);

        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.barrier);
        CU_ASSERT_FALSE(m.ready);
        CU_ASSERT_EQUAL(m.n_fds, 1);
        CU_ASSERT_EQUAL(m.pid, pid);
        notify_message_done(&m);
        CU_ASSERT_EQUAL(wait_child(pid), 0);
        fixture_close(&f);
}

/* The credential pid, not the sending process, is what attributes a
 * message: a privileged sender may name another process. */
static void test_credential_pid_is_what_a_privileged_sender_claims(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        CU_ASSERT_EQUAL(sd_pid_notify(getppid(), 0, "READY=1"), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_EQUAL(m.pid, geteuid() == 0 ? getppid() : getpid());
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_abstract_socket_receives_from_sd_notify(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        struct sockaddr_un sa;
        socklen_t len = sizeof sa;
        char path[64];

        snprintf(path, sizeof path, "@weft-test-notify-%d", (int) getpid());
        fixture_open_at(&f, path);
        /* The '@' is a NUL byte and the length covers only the name, or
         * sd_notify (which computes it the same way) could not reach us. */
        CU_ASSERT_EQUAL(getsockname(f.fd, (struct sockaddr *) &sa, &len), 0);
        CU_ASSERT_EQUAL(len, offsetof(struct sockaddr_un, sun_path) + strlen(path));
        CU_ASSERT_EQUAL(sa.sun_path[0], 0);
        CU_ASSERT_EQUAL(memcmp(sa.sun_path + 1, path + 1, strlen(path) - 1), 0);
        CU_ASSERT_EQUAL(sd_notify(0, "READY=1"), 1);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.ready);
        notify_message_done(&m);
        fixture_close(&f);
}

/* ---- opening ----------------------------------------------------------- */

static void test_stale_socket_file_is_replaced(void)
{
        char path[256];
        snprintf(path, sizeof path, "%s/notify", test_tmpdir());

        int a = notify_socket_open(path);
        CU_ASSERT_FATAL(a >= 0);
        close(a); /* the file stays behind, as after a crash */
        int b = notify_socket_open(path);
        CU_ASSERT(b >= 0);
        if (b >= 0)
                close(b);
}

static void test_missing_parent_folders_are_made(void)
{
        char path[256];
        struct stat st;
        snprintf(path, sizeof path, "%s/run/weft/notify", test_tmpdir());

        int fd = notify_socket_open(path);
        CU_ASSERT_FATAL(fd >= 0);
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
        CU_ASSERT_EQUAL(st.st_mode & 07777, 0777); /* services under User= can send */
        *strrchr(path, '/') = 0;
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
        close(fd);
}

static void test_regular_file_at_path_is_left_alone(void)
{
        FILE *log = tmpfile();
        const char *path = test_write_file(test_tmpdir(), "notify", "keep me\n");
        struct stat st;

        log_set_sink(log);
        CU_ASSERT_EQUAL(notify_socket_open(path), -EADDRINUSE);
        log_set_sink(NULL);
        fclose(log);
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT_TRUE(S_ISREG(st.st_mode));
}

static void test_socket_is_nonblocking_cloexec_with_passcred(void)
{
        struct fixture f;
        int v = 0;
        socklen_t len = sizeof v;

        fixture_open(&f);
        CU_ASSERT_TRUE(fcntl(f.fd, F_GETFL) & O_NONBLOCK);
        CU_ASSERT_TRUE(fcntl(f.fd, F_GETFD) & FD_CLOEXEC);
        CU_ASSERT_EQUAL(getsockopt(f.fd, SOL_SOCKET, SO_PASSCRED, &v, &len), 0);
        CU_ASSERT_EQUAL(v, 1);
        len = sizeof v;
        CU_ASSERT_EQUAL(getsockopt(f.fd, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
        if (geteuid() == 0)
                CU_ASSERT(v >= 8 * 1024 * 1024);
        fixture_close(&f);
}

/* ---- payload rules ----------------------------------------------------- */

static void test_unknown_keys_and_empty_lines_are_ignored(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        raw_send_str(&f, "X_FOO=bar\n\nBUSERROR=org.x.Y\nREADY=1\n");
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.ready);
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_first_value_of_a_repeated_key_counts(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        raw_send_str(&f, "STATUS=a\nMAINPID=7\nSTATUS=b\nMAINPID=8");
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_STRING_EQUAL(m.status, "a");
        CU_ASSERT_EQUAL(m.main_pid, 7);
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_payload_of_exactly_4096_bytes_is_accepted(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        char buf[NOTIFY_BUFFER_MAX];

        fixture_open(&f);
        memset(buf, 'a', sizeof buf);
        memcpy(buf, "STATUS=", 7);
        raw_send(&f, buf, sizeof buf, NULL, 0);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_EQUAL(strlen(m.status), NOTIFY_BUFFER_MAX - 7);
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_oversized_datagram_is_dropped_and_the_next_one_read(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        char buf[5000];

        fixture_open(&f);
        memset(buf, 'a', sizeof buf);
        memcpy(buf, "STATUS=", 7);
        raw_send(&f, buf, sizeof buf, NULL, 0);
        raw_send_str(&f, "READY=1");
        assert_dropped(&f, "5000 bytes");
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.ready);
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_invalid_utf8_is_dropped(void)
{
        struct fixture f;

        fixture_open(&f);
        raw_send_str(&f, "READY=1\nSTATUS=\xff\xfe");
        assert_dropped(&f, "UTF-8");
        fixture_close(&f);
}

static void test_embedded_nul_byte_is_dropped(void)
{
        struct fixture f;

        fixture_open(&f);
        raw_send(&f, "READY=1\0STATUS=x", 16, NULL, 0);
        assert_dropped(&f, "NUL");
        fixture_close(&f);
}

static void test_line_without_equals_is_dropped(void)
{
        struct fixture f;

        fixture_open(&f);
        raw_send_str(&f, "READY=1\nGARBAGE");
        assert_dropped(&f, "without '='");
        fixture_close(&f);
}

static void test_garbage_key_is_dropped(void)
{
        struct fixture f;

        fixture_open(&f);
        raw_send_str(&f, "READY=1\n=x");
        assert_dropped(&f, "bad key");
        raw_send_str(&f, "MY KEY=x");
        assert_dropped(&f, "bad key");
        fixture_close(&f);
}

static void test_bad_values_for_known_keys_are_dropped(void)
{
        static const char *const bad[] = {
                "MAINPID=abc", "MAINPID=0", "MAINPID=-1", "MAINPID=99999999999",
                "WATCHDOG_USEC=x", "EXTEND_TIMEOUT_USEC=-5", "READY=2", "READY=",
                "WATCHDOG=0", "ERRNO=4096", "FDPOLL=2", "FDNAME=a:b", "FDNAME=a\tb",
        };
        struct fixture f;

        fixture_open(&f);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                char key[32];
                snprintf(key, sizeof key, "bad value for %.*s", (int) (strchr(bad[i], '=') - bad[i] + 1), bad[i]);
                raw_send_str(&f, bad[i]);
                f.rl = (struct notify_ratelimit) NOTIFY_RATELIMIT_INIT; /* keep every line */
                assert_dropped(&f, key);
        }
        fixture_close(&f);
}

/* ---- fds and credentials of dropped datagrams ------------------------- */

static void test_malformed_datagram_with_three_fds_closes_all_three(void)
{
        struct fixture f;
        int p[3][2], send[3];

        fixture_open(&f);
        for (int i = 0; i < 3; i++) {
                make_pipe(p[i]);
                send[i] = p[i][1];
        }
        raw_send(&f, "MAINPID=abc", 11, send, 3);
        for (int i = 0; i < 3; i++) {
                close(p[i][1]);
                CU_ASSERT_FALSE(write_end_gone(p[i][0])); /* in flight */
        }
        unsigned before = count_open_fds();
        assert_dropped(&f, "3 fds closed");
        CU_ASSERT_EQUAL(count_open_fds(), before);
        for (int i = 0; i < 3; i++) {
                CU_ASSERT_TRUE(write_end_gone(p[i][0]));
                close(p[i][0]);
        }
        fixture_close(&f);
}

/* With SO_PASSCRED on, the kernel attaches credentials to every datagram,
 * so a sender cannot omit them; turning it off on our end is the one way
 * to see a datagram without any. */
static void test_datagram_without_credentials_is_dropped_with_its_fd(void)
{
        struct fixture f;
        int p[2], off = 0;

        fixture_open(&f);
        CU_ASSERT_EQUAL(setsockopt(f.fd, SOL_SOCKET, SO_PASSCRED, &off, sizeof off), 0);
        make_pipe(p);
        raw_send(&f, "READY=1", 7, &p[1], 1);
        close(p[1]);
        assert_dropped(&f, "no sender credentials");
        CU_ASSERT_TRUE(write_end_gone(p[0]));
        close(p[0]);
        fixture_close(&f);
}

/* A datagram queued while SO_PASSCRED was off carries no sender pid: the
 * kernel then reports pid 0, which attributes to nobody. */
static void test_credentials_with_pid_zero_are_dropped(void)
{
        struct fixture f;
        int off = 0, on = 1;

        fixture_open(&f);
        CU_ASSERT_EQUAL(setsockopt(f.fd, SOL_SOCKET, SO_PASSCRED, &off, sizeof off), 0);
        raw_send_str(&f, "READY=1");
        CU_ASSERT_EQUAL(setsockopt(f.fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
        assert_dropped(&f, "no sender credentials");
        fixture_close(&f);
}

/* When the fd table is full the kernel installs what it can and sets
 * MSG_CTRUNC: the datagram is incomplete, so it is dropped, and the fds
 * that did arrive are closed. */
static void test_fds_lost_to_the_fd_limit_drop_the_datagram(void)
{
        struct fixture f;
        struct rlimit saved, low;
        int p[3][2], send[3];

        fixture_open(&f);
        for (int i = 0; i < 3; i++) {
                make_pipe(p[i]);
                send[i] = p[i][1];
        }
        raw_send(&f, "FDSTORE=1", 9, send, 3);
        for (int i = 0; i < 3; i++)
                close(p[i][1]);

        /* Room for exactly one more fd: the lowest free one. */
        int first = dup(f.fd), second = dup(f.fd);
        CU_ASSERT_FATAL(first >= 0 && second > first);
        close(first), close(second);
        CU_ASSERT_FATAL(getrlimit(RLIMIT_NOFILE, &saved) == 0);
        low = saved;
        low.rlim_cur = (rlim_t) second;
        CU_ASSERT_FATAL(setrlimit(RLIMIT_NOFILE, &low) == 0);
        struct notify_message m = { 0 };
        int r = notify_receive(f.fd, &f.rl, &m);
        CU_ASSERT_FATAL(setrlimit(RLIMIT_NOFILE, &saved) == 0);

        CU_ASSERT_EQUAL(r, -EBADMSG);
        CU_ASSERT_PTR_NOT_NULL(strstr(fixture_log(&f), "fds lost"));
        for (int i = 0; i < 3; i++) {
                CU_ASSERT_TRUE(write_end_gone(p[i][0]));
                close(p[i][0]);
        }
        fixture_close(&f);
}

/* ---- fds only for the store (issue 8, B9) ------------------------------ */

static void test_fds_sent_without_fdstore_are_closed_on_receipt(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        int p[3][2], send[3];

        fixture_open(&f);
        for (int i = 0; i < 3; i++) {
                make_pipe(p[i]);
                send[i] = p[i][1];
        }
        raw_send(&f, "READY=1", 7, send, 3);
        for (int i = 0; i < 3; i++)
                close(p[i][1]);
        unsigned before = count_open_fds();
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.ready); /* the message itself counts */
        CU_ASSERT_EQUAL(m.n_fds, 0);
        CU_ASSERT_EQUAL(count_open_fds(), before);
        for (int i = 0; i < 3; i++) {
                CU_ASSERT_TRUE(write_end_gone(p[i][0]));
                close(p[i][0]);
        }
        CU_ASSERT_PTR_NOT_NULL(strstr(fixture_log(&f), "closing 3 fds"));
        notify_message_done(&m);
        fixture_close(&f);
}

static void test_barrier_with_more_than_one_fd_has_them_all_closed(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        int p[2][2], send[2];

        fixture_open(&f);
        for (int i = 0; i < 2; i++) {
                make_pipe(p[i]);
                send[i] = p[i][1];
        }
        raw_send(&f, "BARRIER=1", 9, send, 2);
        for (int i = 0; i < 2; i++)
                close(p[i][1]);
        CU_ASSERT_EQUAL_FATAL(receive(&f, &m), 1);
        CU_ASSERT_TRUE(m.barrier);
        CU_ASSERT_EQUAL(m.n_fds, 0);
        for (int i = 0; i < 2; i++) {
                CU_ASSERT_TRUE(write_end_gone(p[i][0]));
                close(p[i][0]);
        }
        notify_message_done(&m);
        fixture_close(&f);
}

/* ---- what a MAINPID= names (issue 8, B2) ------------------------------- */

static void test_mainpid_info_gives_group_session_and_ancestors(void)
{
        struct fixture f;
        struct notify_message m = { 0 };
        char text[64];

        fixture_open(&f);
        pid_t child = fork();
        CU_ASSERT_FATAL(child >= 0);
        if (child == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                setsid();
                pause();
                _exit(0);
        }
        /* Until the child's setsid() shows. */
        for (int i = 0; i < 500 && getsid(child) != child; i++)
                usleep(1000);
        snprintf(text, sizeof text, "MAINPID=%d", (int) child);
        raw_send_str(&f, text);
        int r = receive(&f, &m);
        kill(child, SIGKILL); /* before any assertion can return */
        CU_ASSERT_EQUAL_FATAL(r, 1);
        const struct notify_pid_info *in = &m.main_pid_info;
        CU_ASSERT_TRUE(in->alive);
        CU_ASSERT_EQUAL(in->tgid, child);
        CU_ASSERT_EQUAL(in->pgid, child);
        CU_ASSERT_EQUAL(in->sid, child);
        CU_ASSERT(in->n_ancestors >= 1 && in->ancestors[0] == getpid());
        if (getppid() > 1)
                CU_ASSERT(in->n_ancestors >= 2 && in->ancestors[1] == getppid());
        notify_message_done(&m);
        waitpid(child, NULL, 0);
        fixture_close(&f);
}

static void test_mainpid_info_of_a_zombie_is_not_alive(void)
{
        struct notify_pid_info in;
        pid_t child = fork();

        CU_ASSERT_FATAL(child >= 0);
        if (child == 0)
                _exit(0);
        siginfo_t si;
        CU_ASSERT_FATAL(waitid(P_PID, (id_t) child, &si, WEXITED | WNOWAIT) == 0); /* a zombie now */
        notify_pid_info_read(child, &in);
        CU_ASSERT_FALSE(in.alive);
        waitpid(child, NULL, 0);
        notify_pid_info_read(child, &in); /* gone */
        CU_ASSERT_FALSE(in.alive);
}

static void *idle(void *arg)
{
        atomic_store((_Atomic pid_t *) arg, gettid());
        pause();
        return NULL;
}

static void test_mainpid_info_of_a_thread_names_its_process(void)
{
        struct notify_pid_info in;
        _Atomic pid_t tid = 0;
        pthread_t th;

        CU_ASSERT_FATAL(pthread_create(&th, NULL, idle, (void *) &tid) == 0);
        while (atomic_load(&tid) == 0)
                sched_yield();
        notify_pid_info_read(tid, &in);
        CU_ASSERT_TRUE(in.alive);
        CU_ASSERT_EQUAL(in.tgid, getpid());
        pthread_cancel(th);
        pthread_join(th, NULL);
}

/* ---- rate-limited logging ---------------------------------------------- */

static void test_drops_are_logged_at_most_a_burst_per_window(void)
{
        struct fixture f;
        struct notify_message m = { 0 };

        fixture_open(&f);
        for (int i = 0; i < 20; i++) {
                raw_send_str(&f, "GARBAGE");
                CU_ASSERT_EQUAL(notify_receive(f.fd, &f.rl, &m), -EBADMSG);
        }
        CU_ASSERT_EQUAL(count_lines(fixture_log(&f)), NOTIFY_LOG_BURST);

        /* The next window's first line counts what was not logged. */
        f.rl.drops.window_start_usec -= NOTIFY_LOG_INTERVAL_USEC;
        raw_send_str(&f, "GARBAGE");
        CU_ASSERT_EQUAL(notify_receive(f.fd, &f.rl, &m), -EBADMSG);
        CU_ASSERT_EQUAL(count_lines(fixture_log(&f)), NOTIFY_LOG_BURST + 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(fixture_log(&f), "(15 more dropped, not logged)"));
        fixture_close(&f);
}

static const struct test_case tests[] = {
        { "sd_notify_ready_and_status_without_trailing_newline", test_sd_notify_ready_and_status_without_trailing_newline },
        { "nothing_pending_returns_zero", test_nothing_pending_returns_zero },
        { "sd_notify_mainpid_is_decoded", test_sd_notify_mainpid_is_decoded },
        { "sd_notify_fdstore_delivers_open_fds_and_name", test_sd_notify_fdstore_delivers_open_fds_and_name },
        { "message_done_closes_every_received_fd", test_message_done_closes_every_received_fd },
        { "sd_notify_watchdog_ping", test_sd_notify_watchdog_ping },
        { "watchdog_trigger_and_usec_zero_are_told_apart_from_absent",
          test_watchdog_trigger_and_usec_zero_are_told_apart_from_absent },
        { "sd_notify_extend_timeout_usec", test_sd_notify_extend_timeout_usec },
        { "every_flag_and_errno_key_is_decoded", test_every_flag_and_errno_key_is_decoded },
        { "sd_notify_barrier_returns_after_message_done", test_sd_notify_barrier_returns_after_message_done },
        { "systemd_notify_binary_ready_status_then_barrier", test_systemd_notify_binary_ready_status_then_barrier },
        { "credential_pid_is_what_a_privileged_sender_claims", test_credential_pid_is_what_a_privileged_sender_claims },
        { "abstract_socket_receives_from_sd_notify", test_abstract_socket_receives_from_sd_notify },
        { "stale_socket_file_is_replaced", test_stale_socket_file_is_replaced },
        { "missing_parent_folders_are_made", test_missing_parent_folders_are_made },
        { "regular_file_at_path_is_left_alone", test_regular_file_at_path_is_left_alone },
        { "socket_is_nonblocking_cloexec_with_passcred", test_socket_is_nonblocking_cloexec_with_passcred },
        { "unknown_keys_and_empty_lines_are_ignored", test_unknown_keys_and_empty_lines_are_ignored },
        { "first_value_of_a_repeated_key_counts", test_first_value_of_a_repeated_key_counts },
        { "payload_of_exactly_4096_bytes_is_accepted", test_payload_of_exactly_4096_bytes_is_accepted },
        { "oversized_datagram_is_dropped_and_the_next_one_read",
          test_oversized_datagram_is_dropped_and_the_next_one_read },
        { "invalid_utf8_is_dropped", test_invalid_utf8_is_dropped },
        { "embedded_nul_byte_is_dropped", test_embedded_nul_byte_is_dropped },
        { "line_without_equals_is_dropped", test_line_without_equals_is_dropped },
        { "garbage_key_is_dropped", test_garbage_key_is_dropped },
        { "bad_values_for_known_keys_are_dropped", test_bad_values_for_known_keys_are_dropped },
        { "malformed_datagram_with_three_fds_closes_all_three",
          test_malformed_datagram_with_three_fds_closes_all_three },
        { "datagram_without_credentials_is_dropped_with_its_fd",
          test_datagram_without_credentials_is_dropped_with_its_fd },
        { "credentials_with_pid_zero_are_dropped", test_credentials_with_pid_zero_are_dropped },
        { "fds_lost_to_the_fd_limit_drop_the_datagram", test_fds_lost_to_the_fd_limit_drop_the_datagram },
        { "drops_are_logged_at_most_a_burst_per_window", test_drops_are_logged_at_most_a_burst_per_window },
        { "fds_sent_without_fdstore_are_closed_on_receipt", test_fds_sent_without_fdstore_are_closed_on_receipt },
        { "barrier_with_more_than_one_fd_has_them_all_closed", test_barrier_with_more_than_one_fd_has_them_all_closed },
        { "mainpid_info_gives_group_session_and_ancestors", test_mainpid_info_gives_group_session_and_ancestors },
        { "mainpid_info_of_a_zombie_is_not_alive", test_mainpid_info_of_a_zombie_is_not_alive },
        { "mainpid_info_of_a_thread_names_its_process", test_mainpid_info_of_a_thread_names_its_process },
        { 0 },
};
TEST_SUITE("notify", tests);
