/* The io thread: one epoll loop for the fds weft reads (the notify socket,
 * the listening sockets of socket units whose service is not running, and
 * later the control socket and service output pipes). It never touches a
 * unit: it turns readiness into events for the scheduler thread.
 *
 * The scheduler tells it what to watch through a small command queue
 * (mutex + eventfd that wakes epoll): io_watch() arms an fd once
 * (EPOLLONESHOT): when it becomes readable, the io thread posts
 * EVENT_FD_READY with the caller's cookie and stops watching it until it is
 * armed again. The notify socket is read by the io thread itself: each
 * valid datagram becomes one EVENT_NOTIFY carrying a heap-allocated
 * struct notify_message that the scheduler frees (notify_message_done +
 * free). */
#pragma once
#include <stdint.h>

#include "core/event_queue.h"

struct io_thread;

/* notify_fd: the notify socket (or -1); it stays the caller's to close,
 * after io_thread_stop(). */
int io_thread_start(struct event_queue *q, int notify_fd, struct io_thread **ret);
/* Stop and join; fds being watched are not closed (their owners close them). */
void io_thread_stop(struct io_thread *t);

/* Arm fd once for readability. Safe from any thread. Returns once the
 * command is queued (0; -EBADF for fd < 0; -ENOMEM); an fd epoll refuses
 * (a regular file, a closed fd) is logged by the io thread, never reported. */
int io_watch(struct io_thread *t, int fd, uint64_t cookie);
/* Forget fd (before its owner closes it). After this returns no event for
 * fd is posted any more... except one already in the queue: owners ignore
 * EVENT_FD_READY for fds they no longer watch. Safe from any thread: it
 * waits for the io thread to acknowledge (from the io thread itself it
 * acts at once). */
int io_unwatch(struct io_thread *t, int fd);

/* Accept control clients on fd (a listening AF_UNIX stream socket; the
 * caller keeps it open until io_thread_stop). Requests arrive as
 * EVENT_CONTROL. Safe from any thread. */
int io_control_listen_fd(struct io_thread *t, int fd);
/* Take back control connection fd (from an EVENT_CONTROL) with the rest of
 * its reply, buf (malloc'd: taken), which did not fit the socket at once;
 * the io thread writes it as the client reads, then closes. Any thread. */
int io_reply(struct io_thread *t, int fd, char *buf, size_t len);
