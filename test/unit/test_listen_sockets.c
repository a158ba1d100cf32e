/* Tests for sockets/listen.c: socket units loaded from a temp dir are opened
 * for real (loopback addresses and temp paths only) and used the way a
 * client would: connect, send, write, accept. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "parse/load.h"
#include "sockets/listen.h"
#include "test/unit/test.h"

struct fixture {
        struct unit_table table;
        struct unit_path_index *index;
        struct unit *u;
        struct socket_fds fds;
};

/* Write name with content into dir and load it; the unit must load. */
static void load_socket(struct fixture *f, const char *dir, const char *name, const char *content)
{
        char *dirs[] = { (char *) dir, NULL };
        struct load_context ctx;

        test_write_file(dir, name, content);
        unit_table_init(&f->table);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &f->index) == 0);
        ctx = (struct load_context) { .table = &f->table, .index = f->index };
        CU_ASSERT_FATAL(unit_table_intern(&f->table, name, &f->u) == 0);
        log_set_level(LOG_LEVEL_ERROR - 1); /* the service behind it is missing, on purpose */
        CU_ASSERT_FATAL(unit_load_all(&ctx) == 0);
        log_set_level(LOG_LEVEL_INFO);
        CU_ASSERT_EQUAL_FATAL(f->u->load_state, UNIT_LOADED);
        f->fds = (struct socket_fds) { 0 };
}

/* socket_open_all with logging silenced, for the tests that expect failure. */
static int open_quietly(struct fixture *f)
{
        log_set_level(LOG_LEVEL_ERROR - 1);
        int r = socket_open_all(f->u, &f->fds);
        log_set_level(LOG_LEVEL_INFO);
        return r;
}

static void done(struct fixture *f)
{
        socket_close_all(f->u, &f->fds);
        unit_table_done(&f->table);
        unit_path_index_free(f->index);
}

static int count_open_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        int n = 0;
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* A TCP port on 127.0.0.1 that is free right now: bind port 0, read it back. */
static unsigned free_port(int family)
{
        struct sockaddr_storage ss = { .ss_family = family };
        socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        CU_ASSERT_FATAL(fd >= 0);
        if (family == AF_INET)
                ((struct sockaddr_in *) &ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        else
                ((struct sockaddr_in6 *) &ss)->sin6_addr = in6addr_loopback;
        CU_ASSERT_FATAL(bind(fd, (struct sockaddr *) &ss, len) == 0);
        CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *) &ss, &len) == 0);
        close(fd);
        return ntohs(family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                       : ((struct sockaddr_in6 *) &ss)->sin6_port);
}

static bool ipv6_loopback_works(void)
{
        struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bool ok = fd >= 0 && bind(fd, (struct sockaddr *) &a, sizeof a) == 0;
        if (fd >= 0)
                close(fd);
        return ok;
}

static int connect_unix(int type, const char *path, bool abstract)
{
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        socklen_t len;
        int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
        CU_ASSERT_FATAL(fd >= 0);
        strncpy(a.sun_path + abstract, path, sizeof a.sun_path - 2);
        len = offsetof(struct sockaddr_un, sun_path) + abstract + strlen(path) + !abstract;
        if (connect(fd, (struct sockaddr *) &a, len) < 0) {
                close(fd);
                return -errno;
        }
        return fd;
}

static int connect_inet(const char *addr, unsigned port)
{
        struct sockaddr_storage ss = { 0 };
        struct sockaddr_in *in4 = (struct sockaddr_in *) &ss;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
        socklen_t len;
        int family, fd;

        if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
                family = in4->sin_family = AF_INET;
                in4->sin_port = htons(port);
                len = sizeof *in4;
        } else {
                CU_ASSERT_FATAL(inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1);
                family = in6->sin6_family = AF_INET6;
                in6->sin6_port = htons(port);
                len = sizeof *in6;
        }
        fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        CU_ASSERT_FATAL(fd >= 0);
        if (connect(fd, (struct sockaddr *) &ss, len) < 0) {
                close(fd);
                return -errno;
        }
        return fd;
}

static int sock_type_of(int fd)
{
        int v = -1;
        socklen_t len = sizeof v;
        CU_ASSERT(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0);
        return v;
}

static int int_sockopt(int fd, int level, int name)
{
        int v = -1;
        socklen_t len = sizeof v;
        CU_ASSERT(getsockopt(fd, level, name, &v, &len) == 0);
        return v;
}

static void test_path_stream_socket_accepts_connections_with_socket_mode(void)
{
        struct fixture f;
        char unit[512], path[300], parent[256];
        struct stat st;
        const char *d = test_tmpdir();

        snprintf(parent, sizeof parent, "%s/run/sub", d);
        snprintf(path, sizeof path, "%s/a.sock", parent);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nSocketMode=0600\nDirectoryMode=0710\n", path);
        load_socket(&f, d, "a.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(f.fds.n, 1);
        CU_ASSERT(fcntl(f.fds.fds[0], F_GETFD) & FD_CLOEXEC);
        CU_ASSERT(fcntl(f.fds.fds[0], F_GETFL) & O_NONBLOCK);

        CU_ASSERT_FATAL(stat(path, &st) == 0);
        CU_ASSERT(S_ISSOCK(st.st_mode));
        CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
        CU_ASSERT_FATAL(stat(parent, &st) == 0);
        CU_ASSERT_EQUAL(st.st_mode & 0700, 0700);
        CU_ASSERT_EQUAL(st.st_mode & 0007, 0);

        int c = connect_unix(SOCK_STREAM, path, false);
        CU_ASSERT(c >= 0);
        if (c >= 0)
                close(c);
        done(&f);
}

static void test_abstract_socket_accepts_connections(void)
{
        struct fixture f;
        char unit[256], name[64];
        unsigned rnd = 0;
        const char *d = test_tmpdir();

        CU_ASSERT_FATAL(getrandom(&rnd, sizeof rnd, 0) == sizeof rnd);
        snprintf(name, sizeof name, "weft-test-%d-%08x", (int) getpid(), rnd);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=@%s\n", name);
        load_socket(&f, d, "abs.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);

        int c = connect_unix(SOCK_STREAM, name, true);
        CU_ASSERT(c >= 0);
        if (c >= 0)
                close(c);
        done(&f);
        CU_ASSERT_EQUAL(connect_unix(SOCK_STREAM, name, true), -ECONNREFUSED);
}

static void test_ipv4_loopback_stream_accepts_connections(void)
{
        struct fixture f;
        char unit[256];
        unsigned port = free_port(AF_INET);
        const char *d = test_tmpdir();

        snprintf(unit, sizeof unit, "[Socket]\nListenStream=127.0.0.1:%u\nNoDelay=yes\nKeepAlive=yes\n", port);
        load_socket(&f, d, "tcp.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(sock_type_of(f.fds.fds[0]), SOCK_STREAM);
        CU_ASSERT_EQUAL(int_sockopt(f.fds.fds[0], SOL_SOCKET, SO_KEEPALIVE), 1);

        int c = connect_inet("127.0.0.1", port);
        CU_ASSERT(c >= 0);
        if (c >= 0)
                close(c);
        done(&f);
}

static void test_ipv6_loopback_stream_accepts_connections(void)
{
        struct fixture f;
        char unit[256];
        const char *d = test_tmpdir();

        if (!ipv6_loopback_works())
                return; /* no IPv6 here: nothing to check */
        unsigned port = free_port(AF_INET6);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=[::1]:%u\n", port);
        load_socket(&f, d, "tcp6.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);

        int c = connect_inet("::1", port);
        CU_ASSERT(c >= 0);
        if (c >= 0)
                close(c);
        done(&f);
}

/* Linux turns IPV6_V6ONLY on by itself when a socket binds a plain IPv6
 * address, so "both" shows only on a v4-mapped one. */
static void test_bind_ipv6_only_sets_v6only(void)
{
        struct fixture f;
        char unit[256];
        const char *d = test_tmpdir();

        if (!ipv6_loopback_works())
                return;
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=[::1]:%u\nBindIPv6Only=ipv6-only\n", free_port(AF_INET6));
        load_socket(&f, d, "v6.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(int_sockopt(f.fds.fds[0], IPPROTO_IPV6, IPV6_V6ONLY), 1);
        done(&f);
}

static void test_bind_ipv6_only_refuses_v4_mapped_address(void)
{
        struct fixture f;
        char unit[256];
        const char *d = test_tmpdir();

        if (!ipv6_loopback_works())
                return;
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=[::ffff:127.0.0.1]:%u\nBindIPv6Only=ipv6-only\n",
                 free_port(AF_INET));
        load_socket(&f, d, "v6.socket", unit);
        CU_ASSERT_EQUAL(open_quietly(&f), -EINVAL);
        done(&f);
}

static void test_bind_ipv6_only_both_serves_ipv4_clients(void)
{
        struct fixture f;
        char unit[256];
        unsigned port = free_port(AF_INET);
        const char *d = test_tmpdir();

        if (!ipv6_loopback_works())
                return;
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=[::ffff:127.0.0.1]:%u\nBindIPv6Only=both\n", port);
        load_socket(&f, d, "v6.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(int_sockopt(f.fds.fds[0], IPPROTO_IPV6, IPV6_V6ONLY), 0);
        int c = connect_inet("127.0.0.1", port);
        CU_ASSERT(c >= 0);
        if (c >= 0)
                close(c);
        done(&f);
}

static void test_datagram_socket_receives_datagram(void)
{
        struct fixture f;
        char unit[512], path[300], buf[16] = { 0 };
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/dgram.sock", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenDatagram=%s\nPassCredentials=yes\n", path);
        load_socket(&f, d, "dg.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(sock_type_of(f.fds.fds[0]), SOCK_DGRAM);
        CU_ASSERT_EQUAL(int_sockopt(f.fds.fds[0], SOL_SOCKET, SO_PASSCRED), 1);

        int c = connect_unix(SOCK_DGRAM, path, false);
        CU_ASSERT_FATAL(c >= 0);
        CU_ASSERT_EQUAL(send(c, "hello", 5, 0), 5);
        CU_ASSERT_EQUAL(recv(f.fds.fds[0], buf, sizeof buf - 1, 0), 5);
        CU_ASSERT_STRING_EQUAL(buf, "hello");
        close(c);
        done(&f);
}

static void test_seqpacket_socket_keeps_message_boundaries(void)
{
        struct fixture f;
        char unit[512], path[300], buf[16];
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/seq.sock", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenSequentialPacket=%s\n", path);
        load_socket(&f, d, "seq.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(sock_type_of(f.fds.fds[0]), SOCK_SEQPACKET);

        int c = connect_unix(SOCK_SEQPACKET, path, false);
        CU_ASSERT_FATAL(c >= 0);
        int s = accept4(f.fds.fds[0], NULL, NULL, SOCK_CLOEXEC);
        CU_ASSERT_FATAL(s >= 0);
        CU_ASSERT_EQUAL(send(c, "one", 3, 0), 3);
        CU_ASSERT_EQUAL(send(c, "two!", 4, 0), 4);
        CU_ASSERT_EQUAL(recv(s, buf, sizeof buf, 0), 3);
        CU_ASSERT_EQUAL(recv(s, buf, sizeof buf, 0), 4);
        close(s);
        close(c);
        done(&f);
}

static void test_fifo_passes_written_data(void)
{
        struct fixture f;
        char unit[512], path[300], buf[16] = { 0 };
        struct stat st;
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/fifo/in", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenFIFO=%s\nSocketMode=0620\n", path);
        load_socket(&f, d, "fifo.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_FATAL(stat(path, &st) == 0);
        CU_ASSERT(S_ISFIFO(st.st_mode));
        CU_ASSERT_EQUAL(st.st_mode & 07777, 0620);

        int w = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        CU_ASSERT_FATAL(w >= 0);
        CU_ASSERT_EQUAL(write(w, "data", 4), 4);
        CU_ASSERT_EQUAL(read(f.fds.fds[0], buf, sizeof buf - 1), 4);
        CU_ASSERT_STRING_EQUAL(buf, "data");
        close(w);
        done(&f);
}

static void test_existing_fifo_is_reused(void)
{
        struct fixture f;
        char unit[512], path[300];
        struct stat before, after;
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/old.fifo", d);
        CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
        CU_ASSERT_FATAL(stat(path, &before) == 0);
        snprintf(unit, sizeof unit, "[Socket]\nListenFIFO=%s\n", path);
        load_socket(&f, d, "fifo.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_FATAL(stat(path, &after) == 0);
        CU_ASSERT_EQUAL(before.st_ino, after.st_ino);
        CU_ASSERT_EQUAL(after.st_mode & 07777, 0666);
        done(&f);
}

static void test_special_file_opens_writable_when_asked(void)
{
        struct fixture f;
        char unit[512], path[300];
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/special", d);
        test_write_file(d, "special", "");
        snprintf(unit, sizeof unit, "[Socket]\nListenSpecial=%s\nWritable=yes\n", path);
        load_socket(&f, d, "sp.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(fcntl(f.fds.fds[0], F_GETFL) & O_ACCMODE, O_RDWR);
        CU_ASSERT_EQUAL(write(f.fds.fds[0], "x", 1), 1);
        done(&f);
}

static void test_special_file_opens_read_only_by_default(void)
{
        struct fixture f;
        const char *d = test_tmpdir();

        load_socket(&f, d, "null.socket", "[Socket]\nListenSpecial=/dev/null\n");
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(fcntl(f.fds.fds[0], F_GETFL) & O_ACCMODE, O_RDONLY);
        done(&f);
}

static void test_netlink_socket_binds_family(void)
{
        struct fixture f;
        struct sockaddr_nl nl;
        socklen_t len = sizeof nl;
        const char *d = test_tmpdir();

        load_socket(&f, d, "nl.socket", "[Socket]\nListenNetlink=route 0\n");
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT(getsockname(f.fds.fds[0], (struct sockaddr *) &nl, &len) == 0);
        CU_ASSERT_EQUAL(nl.nl_family, AF_NETLINK);
        CU_ASSERT_EQUAL(int_sockopt(f.fds.fds[0], SOL_SOCKET, SO_PROTOCOL), NETLINK_ROUTE);
        done(&f);
}

static void test_symlinks_point_to_the_socket(void)
{
        struct fixture f;
        char unit[1024], path[300], l1[300], l2[300], target[300];
        ssize_t n;
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/real.sock", d);
        snprintf(l1, sizeof l1, "%s/links/one", d);
        snprintf(l2, sizeof l2, "%s/two", d);
        CU_ASSERT_FATAL(symlink("/stale/target", l2) == 0);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nSymlinks=%s %s\n", path, l1, l2);
        load_socket(&f, d, "ln.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);

        n = readlink(l1, target, sizeof target - 1);
        CU_ASSERT_FATAL(n > 0);
        target[n] = 0;
        CU_ASSERT_STRING_EQUAL(target, path);
        n = readlink(l2, target, sizeof target - 1);
        CU_ASSERT_FATAL(n > 0);
        target[n] = 0;
        CU_ASSERT_STRING_EQUAL(target, path);

        int c = connect_unix(SOCK_STREAM, l1, false);
        CU_ASSERT(c >= 0);
        if (c >= 0)
                close(c);
        done(&f);
}

static void test_failed_symlink_is_not_fatal(void)
{
        struct fixture f;
        char unit[1024], path[300], link[300];
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/real.sock", d);
        test_write_file(d, "file", "not a directory");
        snprintf(link, sizeof link, "%s/file/link", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nSymlinks=%s\n", path, link);
        load_socket(&f, d, "ln.socket", unit);
        CU_ASSERT_EQUAL(open_quietly(&f), 0);
        CU_ASSERT_EQUAL(f.fds.n, 1);
        done(&f);
}

static void test_remove_on_stop_removes_node_and_symlinks(void)
{
        struct fixture f;
        char unit[1024], path[300], link[300];
        struct stat st;
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/gone.sock", d);
        snprintf(link, sizeof link, "%s/gone.link", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nSymlinks=%s\nRemoveOnStop=yes\n", path, link);
        load_socket(&f, d, "rm.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT(lstat(path, &st) == 0);
        CU_ASSERT(lstat(link, &st) == 0);
        socket_close_all(f.u, &f.fds);
        CU_ASSERT(lstat(path, &st) < 0 && errno == ENOENT);
        CU_ASSERT(lstat(link, &st) < 0 && errno == ENOENT);
        CU_ASSERT_EQUAL(f.fds.n, 0);
        done(&f);
}

static void test_node_stays_after_stop_by_default(void)
{
        struct fixture f;
        char unit[512], path[300];
        struct stat st;
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/stays.fifo", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenFIFO=%s\n", path);
        load_socket(&f, d, "stay.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        socket_close_all(f.u, &f.fds);
        CU_ASSERT(stat(path, &st) == 0 && S_ISFIFO(st.st_mode));
        done(&f);
}

static void test_stale_socket_file_is_replaced(void)
{
        struct fixture f;
        char unit[512], path[300];
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/stale.sock", d);
        CU_ASSERT_FATAL(strlen(path) < sizeof a.sun_path);
        memcpy(a.sun_path, path, strlen(path) + 1);
        int old = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        CU_ASSERT_FATAL(old >= 0 && bind(old, (struct sockaddr *) &a, sizeof a) == 0);
        close(old); /* the file stays behind, as after a crash */

        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\n", path);
        load_socket(&f, d, "stale.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        int c = connect_unix(SOCK_STREAM, path, false);
        CU_ASSERT(c >= 0);
        if (c >= 0)
                close(c);
        done(&f);
}

static void test_regular_file_in_the_way_is_kept_and_fails(void)
{
        struct fixture f;
        char unit[512], path[300];
        struct stat st;
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/precious", d);
        test_write_file(d, "precious", "keep me");
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\n", path);
        load_socket(&f, d, "p.socket", unit);
        CU_ASSERT_EQUAL(open_quietly(&f), -EADDRINUSE);
        CU_ASSERT(stat(path, &st) == 0 && S_ISREG(st.st_mode));
        done(&f);
}

static void test_address_in_use_fails_and_leaves_nothing_open(void)
{
        struct fixture f;
        char unit[1024], path[300];
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        const char *d = test_tmpdir();

        int blocker = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        CU_ASSERT_FATAL(blocker >= 0);
        CU_ASSERT_FATAL(bind(blocker, (struct sockaddr *) &a, sizeof a) == 0 && listen(blocker, 1) == 0);
        socklen_t len = sizeof a;
        CU_ASSERT_FATAL(getsockname(blocker, (struct sockaddr *) &a, &len) == 0);

        /* The first socket opens fine and must be closed again. */
        snprintf(path, sizeof path, "%s/first.sock", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nListenStream=127.0.0.1:%u\n", path,
                 ntohs(a.sin_port));
        load_socket(&f, d, "busy.socket", unit);
        int before = count_open_fds();
        CU_ASSERT_EQUAL(open_quietly(&f), -EADDRINUSE);
        CU_ASSERT_EQUAL(count_open_fds(), before);
        CU_ASSERT_EQUAL(f.fds.n, 0);
        close(blocker);
        done(&f);
}

static void test_path_under_a_file_fails(void)
{
        struct fixture f;
        char unit[512];
        const char *d = test_tmpdir();

        test_write_file(d, "file", "");
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s/file/x.sock\n", d);
        load_socket(&f, d, "nd.socket", unit);
        CU_ASSERT_EQUAL(open_quietly(&f), -ENOTDIR);
        done(&f);
}

static void test_path_in_read_only_file_system_fails(void)
{
        struct fixture f;
        int before;
        const char *d = test_tmpdir();

        /* procfs takes no new files, whoever asks (root included). */
        load_socket(&f, d, "ro.socket", "[Socket]\nListenStream=/proc/weft-test.sock\n");
        before = count_open_fds();
        CU_ASSERT(open_quietly(&f) < 0);
        CU_ASSERT_EQUAL(count_open_fds(), before);
        done(&f);
}

static void test_fds_come_in_configuration_order(void)
{
        struct fixture f;
        char unit[1024], p1[300], p2[300], p3[300];
        struct sockaddr_storage ss;
        struct sockaddr_un *un = (struct sockaddr_un *) &ss;
        struct sockaddr_in *in4 = (struct sockaddr_in *) &ss;
        socklen_t len;
        struct stat st;
        unsigned port = free_port(AF_INET);
        const char *d = test_tmpdir();

        snprintf(p1, sizeof p1, "%s/1.sock", d);
        snprintf(p2, sizeof p2, "%s/2.fifo", d);
        snprintf(p3, sizeof p3, "%s/3.sock", d);
        snprintf(unit, sizeof unit,
                 "[Socket]\nListenDatagram=%s\nListenFIFO=%s\nListenStream=127.0.0.1:%u\nListenSequentialPacket=%s\n",
                 p1, p2, port, p3);
        load_socket(&f, d, "order.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL_FATAL(f.fds.n, 4);

        len = sizeof ss;
        CU_ASSERT(getsockname(f.fds.fds[0], (struct sockaddr *) &ss, &len) == 0);
        CU_ASSERT_STRING_EQUAL(un->sun_path, p1);
        CU_ASSERT(fstat(f.fds.fds[1], &st) == 0 && S_ISFIFO(st.st_mode));
        len = sizeof ss;
        CU_ASSERT(getsockname(f.fds.fds[2], (struct sockaddr *) &ss, &len) == 0);
        CU_ASSERT_EQUAL(ss.ss_family, AF_INET);
        CU_ASSERT_EQUAL(ntohs(in4->sin_port), port);
        len = sizeof ss;
        CU_ASSERT(getsockname(f.fds.fds[3], (struct sockaddr *) &ss, &len) == 0);
        CU_ASSERT_STRING_EQUAL(un->sun_path, p3);
        CU_ASSERT_EQUAL(sock_type_of(f.fds.fds[3]), SOCK_SEQPACKET);
        done(&f);
}

static void test_accept_reports_remote_ipv4_address_and_port(void)
{
        struct fixture f;
        char unit[256], addr[64] = "x", port[16] = "x", want[16];
        struct sockaddr_in me;
        socklen_t len = sizeof me;
        unsigned p = free_port(AF_INET);
        const char *d = test_tmpdir();

        snprintf(unit, sizeof unit, "[Socket]\nListenStream=127.0.0.1:%u\nAccept=yes\n", p);
        load_socket(&f, d, "acc.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        int c = connect_inet("127.0.0.1", p);
        CU_ASSERT_FATAL(c >= 0);
        CU_ASSERT_FATAL(getsockname(c, (struct sockaddr *) &me, &len) == 0);
        snprintf(want, sizeof want, "%u", ntohs(me.sin_port));

        int s = socket_accept(f.fds.fds[0], addr, sizeof addr, port, sizeof port);
        CU_ASSERT_FATAL(s >= 0);
        CU_ASSERT(fcntl(s, F_GETFD) & FD_CLOEXEC);
        CU_ASSERT_STRING_EQUAL(addr, "127.0.0.1");
        CU_ASSERT_STRING_EQUAL(port, want);
        close(s);
        close(c);
        done(&f);
}

static void test_accept_shows_ipv4_mapped_peer_as_ipv4(void)
{
        struct fixture f;
        char unit[256], addr[64], port[16];
        const char *d = test_tmpdir();

        if (!ipv6_loopback_works())
                return;
        unsigned p = free_port(AF_INET);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=[::ffff:127.0.0.1]:%u\nBindIPv6Only=both\nAccept=yes\n", p);
        load_socket(&f, d, "mapped.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        int c = connect_inet("127.0.0.1", p);
        CU_ASSERT_FATAL(c >= 0);
        int s = socket_accept(f.fds.fds[0], addr, sizeof addr, port, sizeof port);
        CU_ASSERT_FATAL(s >= 0);
        CU_ASSERT_STRING_EQUAL(addr, "127.0.0.1");
        close(s);
        close(c);
        done(&f);
}

static void test_accept_of_unix_peer_gives_empty_address(void)
{
        struct fixture f;
        char unit[512], path[300], addr[64] = "x", port[16] = "x";
        const char *d = test_tmpdir();

        snprintf(path, sizeof path, "%s/acc.sock", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nAccept=yes\n", path);
        load_socket(&f, d, "acc.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        int c = connect_unix(SOCK_STREAM, path, false);
        CU_ASSERT_FATAL(c >= 0);
        int s = socket_accept(f.fds.fds[0], addr, sizeof addr, port, sizeof port);
        CU_ASSERT_FATAL(s >= 0);
        CU_ASSERT_STRING_EQUAL(addr, "");
        CU_ASSERT_STRING_EQUAL(port, "");
        close(s);
        close(c);
        done(&f);
}

static void test_accept_without_pending_connection_is_eagain(void)
{
        struct fixture f;
        char unit[256], addr[64], port[16];
        const char *d = test_tmpdir();

        snprintf(unit, sizeof unit, "[Socket]\nListenStream=127.0.0.1:%u\nAccept=yes\n", free_port(AF_INET));
        load_socket(&f, d, "idle.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_EQUAL(socket_accept(f.fds.fds[0], addr, sizeof addr, port, sizeof port), -EAGAIN);
        done(&f);
}

static void test_socket_user_and_group_own_the_node(void)
{
        struct fixture f;
        char unit[512], path[300];
        struct stat st;
        const char *d = test_tmpdir();

        if (geteuid() != 0)
                return; /* only root may give a file away */
        snprintf(path, sizeof path, "%s/owned.sock", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nSocketUser=4242\nSocketGroup=4343\n", path);
        load_socket(&f, d, "own.socket", unit);
        CU_ASSERT_EQUAL_FATAL(socket_open_all(f.u, &f.fds), 0);
        CU_ASSERT_FATAL(lstat(path, &st) == 0);
        CU_ASSERT_EQUAL(st.st_uid, 4242);
        CU_ASSERT_EQUAL(st.st_gid, 4343);
        done(&f);
}

static void test_unknown_socket_user_fails(void)
{
        struct fixture f;
        char unit[512];
        const char *d = test_tmpdir();

        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s/u.sock\nSocketUser=weft-no-such-user\n", d);
        load_socket(&f, d, "nouser.socket", unit);
        CU_ASSERT_EQUAL(open_quietly(&f), -ESRCH);
        done(&f);
}

static const struct test_case tests[] = {
        { "path_stream_socket_accepts_connections_with_socket_mode",
          test_path_stream_socket_accepts_connections_with_socket_mode },
        { "abstract_socket_accepts_connections", test_abstract_socket_accepts_connections },
        { "ipv4_loopback_stream_accepts_connections", test_ipv4_loopback_stream_accepts_connections },
        { "ipv6_loopback_stream_accepts_connections", test_ipv6_loopback_stream_accepts_connections },
        { "bind_ipv6_only_sets_v6only", test_bind_ipv6_only_sets_v6only },
        { "bind_ipv6_only_refuses_v4_mapped_address", test_bind_ipv6_only_refuses_v4_mapped_address },
        { "bind_ipv6_only_both_serves_ipv4_clients", test_bind_ipv6_only_both_serves_ipv4_clients },
        { "datagram_socket_receives_datagram", test_datagram_socket_receives_datagram },
        { "seqpacket_socket_keeps_message_boundaries", test_seqpacket_socket_keeps_message_boundaries },
        { "fifo_passes_written_data", test_fifo_passes_written_data },
        { "existing_fifo_is_reused", test_existing_fifo_is_reused },
        { "special_file_opens_writable_when_asked", test_special_file_opens_writable_when_asked },
        { "special_file_opens_read_only_by_default", test_special_file_opens_read_only_by_default },
        { "netlink_socket_binds_family", test_netlink_socket_binds_family },
        { "symlinks_point_to_the_socket", test_symlinks_point_to_the_socket },
        { "failed_symlink_is_not_fatal", test_failed_symlink_is_not_fatal },
        { "remove_on_stop_removes_node_and_symlinks", test_remove_on_stop_removes_node_and_symlinks },
        { "node_stays_after_stop_by_default", test_node_stays_after_stop_by_default },
        { "stale_socket_file_is_replaced", test_stale_socket_file_is_replaced },
        { "regular_file_in_the_way_is_kept_and_fails", test_regular_file_in_the_way_is_kept_and_fails },
        { "address_in_use_fails_and_leaves_nothing_open", test_address_in_use_fails_and_leaves_nothing_open },
        { "path_under_a_file_fails", test_path_under_a_file_fails },
        { "path_in_read_only_file_system_fails", test_path_in_read_only_file_system_fails },
        { "fds_come_in_configuration_order", test_fds_come_in_configuration_order },
        { "accept_reports_remote_ipv4_address_and_port", test_accept_reports_remote_ipv4_address_and_port },
        { "accept_shows_ipv4_mapped_peer_as_ipv4", test_accept_shows_ipv4_mapped_peer_as_ipv4 },
        { "accept_of_unix_peer_gives_empty_address", test_accept_of_unix_peer_gives_empty_address },
        { "accept_without_pending_connection_is_eagain", test_accept_without_pending_connection_is_eagain },
        { "socket_user_and_group_own_the_node", test_socket_user_and_group_own_the_node },
        { "unknown_socket_user_fails", test_unknown_socket_user_fails },
        { 0 }
};
TEST_SUITE("listen_sockets", tests);
