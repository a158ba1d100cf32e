/* Listening sockets of socket units; see listen.h. The scheduler calls
 * socket_open_all() when a socket unit starts and socket_close_all() when
 * it stops; the io thread calls socket_accept() for Accept=yes. Follows
 * systemd 252's socket_address_listen(), fifo_address_create(),
 * special_address_create() and socket_apply_socket_options(). */
#include "sockets/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/value.h"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78 /* Linux 4.15; older libc headers lack it */
#endif

/* The file system node a spec creates: an AF_UNIX socket path or a FIFO.
 * Special files exist already and are never created nor removed. */
static const char *node_path(const struct listen_spec *l)
{
        if (l->kind == LISTEN_FIFO)
                return l->path;
        if (l->family == AF_UNIX && l->addr.un.sun_path[0] != 0)
                return l->path;
        return NULL;
}

/* mkdir -p of every parent directory of path, each new one with mode. */
static int mkdir_parents(const char *path, mode_t mode)
{
        char *copy = strdup(path);
        struct stat st;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *p = copy + 1; (p = strchr(p, '/')); p++) {
                *p = 0;
                if (mkdir(copy, mode) < 0) {
                        if (errno != EEXIST) {
                                r = -errno;
                                goto out;
                        }
                        if (stat(copy, &st) < 0) {
                                r = -errno;
                                goto out;
                        }
                        if (!S_ISDIR(st.st_mode)) {
                                r = -ENOTDIR;
                                goto out;
                        }
                }
                *p = '/';
        }
out:
        free(copy);
        return r;
}

/* A user or group name, or a number, to its id. The buffers of the _r
 * calls grow on ERANGE. Returns -ESRCH for no such entry. */
static int lookup_id(const char *name, bool group, unsigned *ret)
{
        size_t size = 1024;
        char *buf = NULL;
        unsigned id;
        int r;

        if (parse_unsigned(name, &id) >= 0 && id != (unsigned) -1) {
                *ret = id;
                return 0;
        }
        for (;;) {
                struct passwd pw, *pwres = NULL;
                struct group gr, *grres = NULL;
                char *nbuf = realloc(buf, size);

                if (!nbuf) {
                        r = -ENOMEM;
                        goto out;
                }
                buf = nbuf;
                if (group)
                        r = getgrnam_r(name, &gr, buf, size, &grres);
                else
                        r = getpwnam_r(name, &pw, buf, size, &pwres);
                if (r == ERANGE && size < 1024 * 1024) {
                        size *= 2;
                        continue;
                }
                if (r != 0 && r != ENOENT && r != ESRCH && r != EBADF && r != EPERM) {
                        r = -r;
                        goto out;
                }
                if (!grres && !pwres) {
                        r = -ESRCH;
                        goto out;
                }
                id = group ? grres->gr_gid : pwres->pw_uid;
                break;
        }
        *ret = id;
        r = 0;
out:
        free(buf);
        return r;
}

/* Apply SocketMode=, SocketUser=, SocketGroup= to a new node. fd is the
 * node itself for a FIFO, -1 for a socket (fchmod on a socket fd does not
 * reach its file). */
static int set_node_owner_mode(const struct socket_config *c, const char *path, int fd, const char **step)
{
        unsigned uid = (unsigned) -1, gid = (unsigned) -1;
        int r;

        *step = "chmod";
        if ((fd >= 0 ? fchmod(fd, c->socket_mode) : chmod(path, c->socket_mode)) < 0)
                return -errno;
        if (!c->socket_user && !c->socket_group)
                return 0;
        *step = "resolving SocketUser=";
        if (c->socket_user && (r = lookup_id(c->socket_user, false, &uid)) < 0)
                return r;
        *step = "resolving SocketGroup=";
        if (c->socket_group && (r = lookup_id(c->socket_group, true, &gid)) < 0)
                return r;
        *step = "chown";
        if ((fd >= 0 ? fchown(fd, uid, gid) : lchown(path, uid, gid)) < 0)
                return -errno;
        return 0;
}

static int setsockopt_int(int fd, int level, int name, int value)
{
        return setsockopt(fd, level, name, &value, sizeof value) < 0 ? -errno : 0;
}

/* SO_RCVBUF/SO_SNDBUF; the FORCE variant passes net.core.*mem_max but needs
 * CAP_NET_ADMIN, so try it first and fall back. */
static int set_buffer(int fd, int name, int force_name, uint64_t size)
{
        int v = size > INT_MAX ? INT_MAX : (int) size;

        if (setsockopt_int(fd, SOL_SOCKET, force_name, v) >= 0)
                return 0;
        return setsockopt_int(fd, SOL_SOCKET, name, v);
}

/* Options whose failure makes the socket wrong (bound to the wrong
 * addresses): applied before bind, failure fatal. */
static int apply_bind_options(const struct socket_config *c, int fd, int family, const char **step)
{
        int r;

        if (family != AF_INET && family != AF_INET6)
                return 0;
        /* Rebinding a port whose old connections linger in TIME_WAIT must
         * work, e.g. after a restart; systemd sets it unconditionally. */
        *step = "SO_REUSEADDR";
        if ((r = setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1)) < 0)
                return r;
        if (family == AF_INET6 && c->bind_ipv6_only != BIND_IPV6_ONLY_DEFAULT) {
                *step = "IPV6_V6ONLY";
                r = setsockopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, c->bind_ipv6_only == BIND_IPV6_ONLY_IPV6_ONLY);
                if (r < 0)
                        return r;
        }
        if (c->free_bind) {
                *step = "FreeBind=";
                r = family == AF_INET ? setsockopt_int(fd, IPPROTO_IP, IP_FREEBIND, 1)
                                      : setsockopt_int(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);
                if (r == -ENOPROTOOPT && family == AF_INET6) /* kernels before 4.15 */
                        r = setsockopt_int(fd, IPPROTO_IP, IP_FREEBIND, 1);
                if (r < 0)
                        return r;
        }
        if (c->transparent) {
                *step = "Transparent=";
                r = family == AF_INET ? setsockopt_int(fd, IPPROTO_IP, IP_TRANSPARENT, 1)
                                      : setsockopt_int(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, 1);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Options a daemon can live without: a failure is a warning, as in
 * systemd's socket_apply_socket_options(). */
static void apply_soft_options(const struct unit *u, const struct listen_spec *l, int fd, int family)
{
        const struct socket_config *c = u->socket;
        const struct {
                bool on;
                int level, name;
                const char *what;
        } opts[] = {
                { c->reuse_port, SOL_SOCKET, SO_REUSEPORT, "ReusePort=" },
                { c->broadcast, SOL_SOCKET, SO_BROADCAST, "Broadcast=" },
                { c->pass_credentials, SOL_SOCKET, SO_PASSCRED, "PassCredentials=" },
                { c->pass_security, SOL_SOCKET, SO_PASSSEC, "PassSecurity=" },
                { c->keep_alive, SOL_SOCKET, SO_KEEPALIVE, "KeepAlive=" },
                /* Only TCP has Nagle's algorithm. */
                { c->no_delay && l->sock_type == SOCK_STREAM && (family == AF_INET || family == AF_INET6),
                  IPPROTO_TCP, TCP_NODELAY, "NoDelay=" },
        };
        int r;

        for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
                if (!opts[i].on)
                        continue;
                r = setsockopt_int(fd, opts[i].level, opts[i].name, 1);
                if (r < 0)
                        log_warning_errno(r, "%s: %s failed on %s: %s, ignoring", u->id, opts[i].what, l->text,
                                          strerror(-r));
        }
        if (c->receive_buffer > 0 && (r = set_buffer(fd, SO_RCVBUF, SO_RCVBUFFORCE, c->receive_buffer)) < 0)
                log_warning_errno(r, "%s: ReceiveBuffer= failed on %s: %s, ignoring", u->id, l->text, strerror(-r));
        if (c->send_buffer > 0 && (r = set_buffer(fd, SO_SNDBUF, SO_SNDBUFFORCE, c->send_buffer)) < 0)
                log_warning_errno(r, "%s: SendBuffer= failed on %s: %s, ignoring", u->id, l->text, strerror(-r));
}

/* A socket of any family: create, set options, make the node, bind,
 * listen. Returns the fd, or a negative errno with *step saying what
 * failed. */
static int open_socket(const struct unit *u, const struct listen_spec *l, const char **step)
{
        const struct socket_config *c = u->socket;
        struct sockaddr_in in4;
        const struct sockaddr *sa = &l->addr.sa;
        socklen_t sa_len = l->addr_len;
        int family = l->family, fd = -1, r;
        const char *path = node_path(l);
        struct stat st;

        *step = "socket";
        fd = socket(family, l->sock_type | SOCK_CLOEXEC | SOCK_NONBLOCK, l->protocol);
        if (fd < 0 && errno == EAFNOSUPPORT && family == AF_INET6 &&
            IN6_IS_ADDR_UNSPECIFIED(&l->addr.in6.sin6_addr) && l->addr.in6.sin6_scope_id == 0) {
                /* A bare port where the kernel has no IPv6: 0.0.0.0:PORT. */
                in4 = (struct sockaddr_in) {
                        .sin_family = AF_INET,
                        .sin_port = l->addr.in6.sin6_port,
                        .sin_addr.s_addr = htonl(INADDR_ANY),
                };
                sa = (const struct sockaddr *) &in4;
                sa_len = sizeof in4;
                family = AF_INET;
                fd = socket(family, l->sock_type | SOCK_CLOEXEC | SOCK_NONBLOCK, l->protocol);
        }
        if (fd < 0)
                return -errno;

        r = apply_bind_options(c, fd, family, step);
        if (r < 0)
                goto fail;
        apply_soft_options(u, l, fd, family);

        if (path) {
                *step = "creating parent directories";
                r = mkdir_parents(path, c->directory_mode);
                if (r < 0)
                        goto fail;
                /* A socket file left by an earlier run blocks bind(); any
                 * other kind of file is not ours to remove. */
                if (lstat(path, &st) >= 0 && S_ISSOCK(st.st_mode))
                        (void) unlink(path);
        }

        *step = "bind";
        if (bind(fd, sa, sa_len) < 0) {
                r = -errno;
                goto fail;
        }
        if (path) {
                r = set_node_owner_mode(c, path, -1, step);
                if (r < 0)
                        goto fail_unlink;
        }
        if (l->sock_type == SOCK_STREAM || l->sock_type == SOCK_SEQPACKET) {
                /* The kernel caps at net.core.somaxconn; above INT_MAX the
                 * int would turn negative. */
                *step = "listen";
                if (listen(fd, c->backlog > INT_MAX ? INT_MAX : (int) c->backlog) < 0) {
                        r = -errno;
                        goto fail_unlink;
                }
        }
        return fd;

fail_unlink:
        if (path)
                (void) unlink(path);
fail:
        close(fd);
        return r;
}

/* ListenFIFO=: made with SocketMode= (an existing FIFO is reused), opened
 * read-write so that it never reports EOF while no writer exists. */
static int open_fifo(const struct socket_config *c, const struct listen_spec *l, const char **step)
{
        bool created = false;
        struct stat st;
        int fd, r;

        *step = "creating parent directories";
        r = mkdir_parents(l->path, c->directory_mode);
        if (r < 0)
                return r;
        *step = "mkfifo";
        if (mkfifo(l->path, c->socket_mode) >= 0)
                created = true;
        else if (errno != EEXIST)
                return -errno;

        *step = "open";
        fd = open(l->path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0) {
                r = -errno;
                goto fail;
        }
        *step = "fstat";
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto fail;
        }
        if (!S_ISFIFO(st.st_mode)) {
                *step = "not a FIFO";
                r = -EEXIST;
                goto fail;
        }
        /* mkfifo's mode went through the umask; this sets it exactly. */
        r = set_node_owner_mode(c, l->path, fd, step);
        if (r < 0)
                goto fail;
        return fd;

fail:
        if (fd >= 0)
                close(fd);
        if (created)
                (void) unlink(l->path);
        return r;
}

/* ListenSpecial=: an existing character device or file (or /proc,
 * /sys file), read-only unless Writable=yes. */
static int open_special(const struct socket_config *c, const struct listen_spec *l, const char **step)
{
        struct stat st;
        int fd, r;

        *step = "open";
        fd = open(l->path, (c->writable ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        *step = "fstat";
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto fail;
        }
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
                *step = "not a regular file or character device";
                r = -EEXIST;
                goto fail;
        }
        return fd;
fail:
        close(fd);
        return r;
}

static int open_one(const struct unit *u, const struct listen_spec *l, const char **step)
{
        switch (l->kind) {
        case LISTEN_FIFO:
                return open_fifo(u->socket, l, step);
        case LISTEN_SPECIAL:
                return open_special(u->socket, l, step);
        case LISTEN_STREAM:
        case LISTEN_DATAGRAM:
        case LISTEN_SEQPACKET:
        case LISTEN_NETLINK:
                return open_socket(u, l, step);
        default:
                *step = "unknown listen kind";
                return -EINVAL;
        }
}

/* Symlinks= point at the unit's one file system node; with none or more
 * than one there is no target (systemd's socket_find_symlink_target). */
static const char *symlink_target(const struct socket_config *c)
{
        const char *found = NULL;

        for (const struct listen_spec *l = c->listen; l; l = l->next) {
                const char *p = node_path(l);
                if (!p)
                        continue;
                if (found)
                        return NULL;
                found = p;
        }
        return found;
}

/* Create every Symlinks= entry, replacing an existing symlink; a failure
 * costs only that link. */
static void create_symlinks(const struct unit *u)
{
        const struct socket_config *c = u->socket;
        const char *target;
        struct stat st;
        int r;

        if (!c->symlinks || !c->symlinks[0])
                return;
        target = symlink_target(c);
        if (!target) {
                log_warning("%s: Symlinks= needs exactly one socket path or FIFO, ignoring", u->id);
                return;
        }
        STRV_FOREACH(link, c->symlinks) {
                r = mkdir_parents(*link, c->directory_mode);
                if (r >= 0 && symlink(target, *link) < 0) {
                        r = -errno;
                        if (r == -EEXIST && lstat(*link, &st) >= 0 && S_ISLNK(st.st_mode)) {
                                (void) unlink(*link);
                                r = symlink(target, *link) < 0 ? -errno : 0;
                        }
                }
                if (r < 0)
                        log_warning_errno(r, "%s: Failed to create symlink %s -> %s: %s, ignoring", u->id, *link,
                                          target, strerror(-r));
        }
}

/* Close the first n fds of the unit's specs; with RemoveOnStop=yes also
 * remove their nodes and the symlinks. */
static void close_fds(const struct unit *u, int *fds, unsigned n)
{
        const struct socket_config *c = u->socket;
        const struct listen_spec *l = c->listen;

        for (unsigned i = 0; i < n; i++, l = l ? l->next : NULL) {
                if (fds[i] >= 0)
                        close(fds[i]);
                fds[i] = -1;
                if (c->remove_on_stop && l && node_path(l))
                        (void) unlink(node_path(l));
        }
        if (c->remove_on_stop)
                STRV_FOREACH(link, c->symlinks)
                        (void) unlink(*link);
}

int socket_open_all(const struct unit *u, struct socket_fds *ret)
{
        const struct socket_config *c = u->socket;
        const struct listen_spec *l;
        const char *step = NULL;
        unsigned n = 0, i = 0;
        int *fds = NULL;
        int r;

        for (l = c->listen; l; l = l->next)
                n++;
        if (n > 0) {
                fds = calloc(n, sizeof *fds);
                if (!fds)
                        return log_error_errno(-ENOMEM, "%s: Failed to listen: %s", u->id, strerror(ENOMEM));
        }
        for (l = c->listen; l; l = l->next, i++) {
                r = open_one(u, l, &step);
                if (r < 0) {
                        log_error_errno(r, "%s: Failed to listen on %s: %s: %s", u->id, l->text, step,
                                        strerror(-r));
                        close_fds(u, fds, i);
                        free(fds);
                        return r;
                }
                fds[i] = r;
        }
        create_symlinks(u);
        *ret = (struct socket_fds) { .fds = fds, .n = n };
        return 0;
}

void socket_close_all(const struct unit *u, struct socket_fds *fds)
{
        if (fds->fds)
                close_fds(u, fds->fds, fds->n);
        free(fds->fds);
        *fds = (struct socket_fds) { 0 };
}

/* REMOTE_ADDR= and REMOTE_PORT= text of a peer, as systemd's
 * sockaddr_pretty(translate_ipv6=true): an IPv4-mapped IPv6 address is
 * shown as IPv4. AF_UNIX peers give empty strings. */
static void format_peer(const struct sockaddr_storage *ss, char addr[static INET6_ADDRSTRLEN],
                       char port[static 6])
{
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) ss;
        const struct sockaddr_in *in4 = (const struct sockaddr_in *) ss;

        addr[0] = port[0] = 0;
        switch (ss->ss_family) {
        case AF_INET:
                inet_ntop(AF_INET, &in4->sin_addr, addr, INET6_ADDRSTRLEN);
                snprintf(port, 6, "%u", ntohs(in4->sin_port));
                break;
        case AF_INET6:
                if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
                        inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], addr, INET6_ADDRSTRLEN);
                else
                        inet_ntop(AF_INET6, &in6->sin6_addr, addr, INET6_ADDRSTRLEN);
                snprintf(port, 6, "%u", ntohs(in6->sin6_port));
                break;
        default:
                break;
        }
}

int socket_accept(int fd, char *remote_addr, size_t addr_len, char *remote_port, size_t port_len)
{
        struct sockaddr_storage ss;
        socklen_t len;
        char addr[INET6_ADDRSTRLEN], port[6];
        int cfd, r;

        do {
                len = sizeof ss;
                cfd = accept4(fd, (struct sockaddr *) &ss, &len, SOCK_CLOEXEC);
        } while (cfd < 0 && errno == EINTR);
        if (cfd < 0) {
                /* A peer that gave up before we took its connection leaves
                 * nothing to serve: the same as none pending. */
                if (errno == ECONNABORTED || errno == EPROTO)
                        return -EAGAIN;
                return -errno;
        }
        if (len < sizeof(sa_family_t))
                ss.ss_family = AF_UNSPEC; /* an unnamed AF_UNIX peer */
        format_peer(&ss, addr, port);
        if ((remote_addr && strlen(addr) >= addr_len) || (remote_port && strlen(port) >= port_len)) {
                r = -ENOBUFS;
                close(cfd);
                return r;
        }
        if (remote_addr)
                memcpy(remote_addr, addr, strlen(addr) + 1);
        if (remote_port)
                memcpy(remote_port, port, strlen(port) + 1);
        return cfd;
}
