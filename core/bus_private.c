/* systemd's private bus: a unix socket (/run/systemd/private as PID 1)
 * where systemd's own tools, running as root, talk D-Bus to PID 1 directly,
 * before dbus-daemon runs and whatever becomes of it (systemctl,
 * systemd-update-utmp: libsystemd's bus_connect_system_systemd). Each
 * accepted connection is an sd-bus server connection carrying the same
 * objects as the system bus (bus_manager_attach_objects): a call is
 * answered exactly as there. No name, no activation requests: there is no
 * bus daemon on it.
 *
 * The bus thread's, as everything of sd-bus. The socket is plain libc, so
 * libsystemd is loaded only when the first peer connects. Root only (the
 * socket is 0600 and the peer's SO_PEERCRED is checked, as systemd does).
 * At most BUS_PEERS_MAX connections: a new one closes the oldest. A peer
 * that dies or sends garbage costs only its own connection. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/bus_internal.h"

/* The parent directory (/run/systemd) may not be there this early. */
static int make_parent(const char *path)
{
        char *dir = strdup(path), *slash;
        int r = 0;

        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        r = -errno;
        }
        free(dir);
        return r;
}

int bus_private_listen(struct bus_thread *t, const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd, r;

        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        r = make_parent(path);
        if (r < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(path); /* a stale socket from an earlier run */
        /* Not umask: the other threads run already. Between bind and chmod
         * a connection is possible, and refused by the uid check. */
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || chmod(path, 0600) < 0 ||
            listen(fd, SOMAXCONN) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        t->private_fd = fd;
        return 0;
}

/* busctl and other bus clients say Hello first, as to a bus daemon; the
 * name they get back is their own on this connection only. */
static int method_hello(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        return sd_bus_reply_method_return(m, "s", ":1.1");
}

static const sd_bus_vtable hello_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Hello", "", "s", method_hello, 0),
        SD_BUS_VTABLE_END,
};

static void peer_close(struct bus_thread *t, size_t i)
{
        sd_bus *b = t->peers[i];

        /* Calls still waiting for the scheduler are answered into nothing. */
        bus_pending_drop(t, b);
        sd_bus_close_unref(b);
        memmove(t->peers + i, t->peers + i + 1, (t->n_peers - i - 1) * sizeof *t->peers);
        t->n_peers--;
}

static void peer_accept(struct bus_thread *t)
{
        struct ucred uc;
        socklen_t len = sizeof uc;
        sd_id128_t id;
        sd_bus *b = NULL;
        int fd, r;

        fd = accept4(t->private_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                        log_warning_ratelimited(&t->rl_peers, "bus: private bus: accept: %s", strerror(errno));
                return;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 || uc.uid != 0) {
                log_warning_ratelimited(&t->rl_peers, "bus: private bus: refusing a peer that is not root");
                close(fd);
                return;
        }
        if (bus_lib_load() < 0) { /* said once */
                close(fd);
                return;
        }
        if (t->n_peers == BUS_PEERS_MAX) {
                log_warning_ratelimited(&t->rl_peers, "bus: private bus: %d connections, closing the oldest",
                                        BUS_PEERS_MAX);
                peer_close(t, 0);
        }
        /* The server's GUID: any 128 bits unique enough for this boot. */
        if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t) sizeof id) {
                uint64_t n[2] = { now_usec(), ++t->next_id };
                memcpy(id.bytes, n, sizeof id.bytes);
        }
        r = sd_bus_new(&b);
        if (r < 0) {
                close(fd);
                goto fail;
        }
        r = sd_bus_set_fd(b, fd, fd); /* the connection's now, closed with it */
        if (r < 0) {
                close(fd);
                goto fail;
        }
        r = sd_bus_set_description(b, "private-bus-connection");
        if (r >= 0)
                r = sd_bus_set_server(b, 1, id);
        if (r >= 0) /* what systemd puts on its messages there */
                r = sd_bus_set_sender(b, SD1_NAME);
        if (r >= 0)
                r = sd_bus_start(b);
        if (r >= 0)
                r = bus_manager_attach_objects(t, b);
        if (r >= 0)
                r = sd_bus_add_object_vtable(b, NULL, "/org/freedesktop/DBus", "org.freedesktop.DBus", hello_vtable,
                                             t);
        if (r < 0)
                goto fail;
        t->peers[t->n_peers++] = b;
        return;
fail:
        log_warning_ratelimited(&t->rl_peers, "bus: private bus: cannot set up a connection: %s", strerror(-r));
        sd_bus_close_unref(b);
}

size_t bus_private_poll_fds(struct bus_thread *t, struct pollfd *p, uint64_t *until)
{
        size_t n = 0;

        if (t->private_fd < 0)
                return 0;
        p[n++] = (struct pollfd) { .fd = t->private_fd, .events = POLLIN };
        for (size_t i = 0; i < t->n_peers; i++) {
                int events = sd_bus_get_events(t->peers[i]);
                uint64_t u;
                p[n++] = (struct pollfd) { .fd = sd_bus_get_fd(t->peers[i]),
                                           .events = events > 0 ? (short) events : POLLIN };
                if (sd_bus_get_timeout(t->peers[i], &u) >= 0 && u < *until)
                        *until = u;
        }
        return n;
}

bool bus_private_process(struct bus_thread *t)
{
        bool more = false;

        if (t->private_fd < 0)
                return false;
        /* A few at a time, so a flood of connects cannot starve the rest. */
        for (int i = 0; i < 8; i++) {
                size_t before = t->n_peers;
                peer_accept(t);
                if (t->n_peers == before)
                        break;
        }
        for (size_t i = 0; i < t->n_peers;) {
                int r = 0;
                for (int k = 0; k < BUS_PROCESS_BATCH && (r = sd_bus_process(t->peers[i], NULL)) > 0; k++)
                        ;
                if (r < 0 || sd_bus_is_open(t->peers[i]) <= 0) {
                        log_debug("bus: private bus: a connection closed: %s",
                                  r < 0 ? strerror(-r) : "peer gone");
                        peer_close(t, i);
                        continue;
                }
                if (r > 0)
                        more = true;
                i++;
        }
        return more;
}

void bus_private_close(struct bus_thread *t, const char *path)
{
        while (t->n_peers > 0)
                peer_close(t, t->n_peers - 1);
        if (t->private_fd < 0)
                return;
        close(t->private_fd);
        t->private_fd = -1;
        if (path)
                (void) unlink(path);
}
