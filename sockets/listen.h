/* Listening sockets of socket units (systemd.socket(5)): create, bind and
 * listen on every Listen*= of a unit in configuration order, with the
 * unit's options (SocketMode=, DirectoryMode=, SocketUser=/SocketGroup=,
 * Backlog=, BindIPv6Only=, ReusePort=, FreeBind=, Transparent=,
 * Broadcast=, PassCredentials=, PassSecurity=, KeepAlive=, NoDelay=,
 * ReceiveBuffer=, SendBuffer=, Symlinks=, Writable= for ListenSpecial=),
 * and tear them down (RemoveOnStop=).
 *
 * Called by the scheduler when a socket unit starts and stops. fds are
 * created O_CLOEXEC|O_NONBLOCK; the spawn code clears CLOEXEC in the child. */
#pragma once
#include "parse/unit.h"

struct socket_fds {
        int *fds;      /* one per listen_spec, in configuration order */
        unsigned n;
};

/* Open every socket of u (a loaded socket unit). On failure nothing stays
 * open and a negative errno is returned after logging
 * "UNIT: Failed to listen on ADDR: step: why" (e.g. -EADDRINUSE, -ENOENT for
 * a path in a missing directory when it cannot be created, -EACCES); with
 * RemoveOnStop=yes the nodes already made are removed again. Symlinks= are
 * made last; a symlink that fails is a warning only. */
int socket_open_all(const struct unit *u, struct socket_fds *ret);

/* Close every fd; with RemoveOnStop=yes also unlink socket/FIFO paths and
 * Symlinks=. */
void socket_close_all(const struct unit *u, struct socket_fds *fds);

/* Accept=yes: accept one connection on fd. Returns the connection fd
 * (O_CLOEXEC) and fills remote_addr/remote_port text for REMOTE_ADDR=/
 * REMOTE_PORT= (empty strings for AF_UNIX; an IPv4-mapped IPv6 peer shows
 * as IPv4), or a negative errno (-EAGAIN when none is pending, including a
 * connection its peer already abandoned; -ENOBUFS when the text does not
 * fit). Either text pointer may be NULL. */
int socket_accept(int fd, char *remote_addr, size_t addr_len, char *remote_port, size_t port_len);
