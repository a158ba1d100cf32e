/* The control socket's connections, owned by the io thread (io_thread.c
 * calls these): accept, read one request line per connection within a
 * deadline, decode it (a malformed one is answered with an error reply
 * here, and one rate-limited log line), and post EVENT_CONTROL to the
 * scheduler with the connection itself; the scheduler answers on it
 * without blocking and hands back, through io_control_reply, a reply too
 * big for the socket.
 *
 * Nobody can hold the socket shut (a slow or silent client, a flood of
 * them, an exhausted fd table):
 * - a client has IO_CONTROL_READ_TIMEOUT_USEC to send its whole request
 *   line, and a reply that the client stops reading is dropped after
 *   IO_CONTROL_WRITE_TIMEOUT_USEC without progress;
 * - when the table is full, or weft is out of fds, a newcomer takes the
 *   slot of the oldest client still sending its request. A root newcomer
 *   may take any such slot (another user's first), a newcomer of another
 *   uid only another such non-root slot, so no other user can push root's
 *   weftctl out;
 * - one fd (/dev/null) is kept spare, so weft can accept a newcomer under
 *   EMFILE and decide; without it the listener leaves the epoll set until a
 *   connection closes or a second passes, never spinning on EMFILE.
 * Every deadline is in io_control_timeout_ms(), which the io thread's
 * epoll_wait sleeps on: nothing polls. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

#include "core/event_queue.h"

#define IO_CONTROL_MAX_CONNECTIONS 256
#define IO_CONTROL_READ_TIMEOUT_USEC (5 * 1000000ULL)
#define IO_CONTROL_WRITE_TIMEOUT_USEC (10 * 1000000ULL)
/* Out of fds and no spare: how long the listener rests at most. */
#define IO_CONTROL_PAUSE_USEC (1 * 1000000ULL)

/* epoll data tags: the listening socket, and a connection (fd in the low bits). */
#define IO_TAG_CONTROL ((UINT64_C(1) << 63) | 2)
#define IO_TAG_CONN (UINT64_C(3) << 62)

struct io_control;

struct io_control *io_control_new(int epoll_fd, struct event_queue *q);
void io_control_set_epoll(struct io_control *c, int epoll_fd);
/* Tests: shorter deadlines than the defaults above. */
void io_control_set_timeouts(struct io_control *c, uint64_t read_usec, uint64_t write_usec);
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
/* Milliseconds until the next deadline (a client's, or the paused
 * listener's), -1 for none; and act on those that passed. */
int io_control_timeout_ms(struct io_control *c);
void io_control_expire(struct io_control *c);
/* Connections in the table now (tests). */
unsigned io_control_n_connections(const struct io_control *c);
