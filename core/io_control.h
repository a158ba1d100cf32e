/* The control socket's connections, owned by the io thread (io_thread.c
 * calls these): accept, read one request line per connection within a
 * deadline, decode it (a malformed one is answered with an error reply
 * here, and one log line), and post EVENT_CONTROL to the scheduler with the
 * connection itself; the scheduler answers on it without blocking and hands
 * back, through io_control_reply, a reply too big for the socket.
 * A client that connects and never writes is dropped at its deadline. */
#pragma once
#include <stdint.h>

#include "core/event_queue.h"

#define IO_CONTROL_MAX_CONNECTIONS 256
#define IO_CONTROL_READ_TIMEOUT_USEC (5 * 1000000ULL)

/* epoll data tags: the listening socket, and a connection (fd in the low bits). */
#define IO_TAG_CONTROL ((UINT64_C(1) << 63) | 2)
#define IO_TAG_CONN (UINT64_C(3) << 62)

struct io_control;

struct io_control *io_control_new(int epoll_fd, struct event_queue *q);
void io_control_set_epoll(struct io_control *c, int epoll_fd);
void io_control_free(struct io_control *c);

/* Start accepting on listen_fd (a listening AF_UNIX stream socket). */
int io_control_listen(struct io_control *c, int listen_fd);
void io_control_accept(struct io_control *c);
/* epoll reported events for the connection tagged data. */
void io_control_conn_event(struct io_control *c, uint64_t data, uint32_t events);
/* Take back connection fd with the rest of a reply that did not fit the
 * socket at once (buf malloc'd: taken); write it as the client reads, then
 * close. */
void io_control_reply(struct io_control *c, int fd, char *buf, size_t len);
/* Milliseconds until the next read deadline, -1 for none; and drop the
 * connections past theirs. */
int io_control_timeout_ms(struct io_control *c);
void io_control_expire(struct io_control *c);
