/* libFuzzer target for the notify datagram decoder (sockets/notify.c,
 * notify_receive): the payload and the ancillary data of one datagram as
 * the kernel could deliver them. This file defines recvmsg(2), which the
 * decoder calls, so the decoder runs unchanged on a synthetic msghdr: the
 * first input bytes choose SCM_CREDENTIALS (present, pid 0, uid), up to
 * three SCM_RIGHTS messages of up to 1,000 fds (made with eventfd; what
 * does not fit the caller's control buffer is dropped with MSG_CTRUNC, as
 * the kernel does), a foreign cmsg, and MSG_TRUNC; the rest is the
 * payload. Afterwards every fd made must be closed, by the decoder or by
 * notify_message_done: one left open aborts. Seeds: test/fuzz/corpus/notify/. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "sockets/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAKE_FD 1000000 /* the "socket" notify_receive reads; never a real fd */
#define FDS_MAX 3000

static struct {
        const uint8_t *p;
        size_t n;
        int made[FDS_MAX];
        unsigned n_made;
} G;

static uint8_t take(void)
{
        if (G.n == 0)
                return 0;
        G.n--;
        return *G.p++;
}

/* The cmsg to fill next, or NULL when len more bytes do not fit. */
static struct cmsghdr *add_cmsg(struct msghdr *mh, size_t *used, size_t len)
{
        if (*used + CMSG_SPACE(len) > mh->msg_controllen)
                return NULL;
        struct cmsghdr *c = (struct cmsghdr *) ((char *) mh->msg_control + *used);
        memset(c, 0, CMSG_SPACE(len));
        c->cmsg_len = CMSG_LEN(len);
        *used += CMSG_SPACE(len);
        return c;
}

ssize_t recvmsg(int fd, struct msghdr *mh, int flags)
{
        if (fd != FAKE_FD)
                return syscall(SYS_recvmsg, fd, mh, flags);

        uint8_t h = take();
        size_t used = 0;
        int out_flags = 0;
        bool creds_first = h & 0x40;

        struct ucred cred = { .pid = (h & 2) ? 0 : 4242, .uid = (h & 4) ? 65534 : 0, .gid = 0 };
        struct cmsghdr *c;
        if ((h & 1) && creds_first) {
                if ((c = add_cmsg(mh, &used, sizeof cred)))
                        c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_CREDENTIALS, memcpy(CMSG_DATA(c), &cred, sizeof cred);
                else
                        out_flags |= MSG_CTRUNC;
        }
        unsigned n_rights = (h >> 3) & 3;
        for (unsigned r = 0; r < n_rights; r++) {
                uint8_t k = take();
                unsigned want = (k & 0x80) ? (k & 0x7f) * 8u : k; /* up to 1,016 */
                /* As the kernel: what does not fit is never installed. */
                while (want > 0 && used + CMSG_SPACE(want * sizeof(int)) > mh->msg_controllen) {
                        want--;
                        out_flags |= MSG_CTRUNC;
                }
                if (want == 0 || G.n_made + want > FDS_MAX)
                        continue;
                c = add_cmsg(mh, &used, want * sizeof(int));
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                for (unsigned i = 0; i < want; i++) {
                        int x = eventfd(0, EFD_CLOEXEC);
                        if (x < 0)
                                abort();
                        G.made[G.n_made++] = x;
                        memcpy(CMSG_DATA(c) + i * sizeof(int), &x, sizeof x);
                }
        }
        if (h & 0x20) { /* a cmsg of another level, which the decoder must skip */
                int v = 7;
                if ((c = add_cmsg(mh, &used, sizeof v)))
                        c->cmsg_level = IPPROTO_IP, c->cmsg_type = 1, memcpy(CMSG_DATA(c), &v, sizeof v);
        }
        if ((h & 1) && !creds_first) {
                if ((c = add_cmsg(mh, &used, sizeof cred)))
                        c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_CREDENTIALS, memcpy(CMSG_DATA(c), &cred, sizeof cred);
                else
                        out_flags |= MSG_CTRUNC;
        }
        mh->msg_controllen = used;

        /* The payload: the rest of the input, cut to the buffer given. */
        size_t len = G.n, room = mh->msg_iov[0].iov_len;
        if (h & 0x80)
                len += 8192; /* an oversized datagram: the tail is zeros */
        size_t copy = G.n < room ? G.n : room;
        memcpy(mh->msg_iov[0].iov_base, G.p, copy);
        if (copy < room && len > copy)
                memset((char *) mh->msg_iov[0].iov_base + copy, 0, (len < room ? len : room) - copy);
        if (len > room)
                out_flags |= MSG_TRUNC;
        G.p += G.n;
        G.n = 0;
        mh->msg_flags = out_flags;
        return (flags & MSG_TRUNC) || len <= room ? (ssize_t) len : (ssize_t) room;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct notify_ratelimit rl = NOTIFY_RATELIMIT_INIT;
        static bool ready;

        if (!ready) {
                log_set_sink(fopen("/dev/null", "w"));
                log_set_level(LOG_LEVEL_ERROR);
                ready = true;
        }
        G.p = data;
        G.n = size;
        G.n_made = 0;
        struct notify_message m;
        int r = notify_receive(FAKE_FD, &rl, &m);
        if (r == 1) {
                if (m.pid <= 0 || m.n_fds > NOTIFY_FD_MAX)
                        abort();
                notify_message_done(&m);
                notify_message_done(&m); /* documented safe twice */
        }
        for (unsigned i = 0; i < G.n_made; i++)
                if (fcntl(G.made[i], F_GETFD) >= 0) {
                        fprintf(stderr, "fuzz_notify: fd %d of %u left open (notify_receive returned %d)\n",
                                G.made[i], G.n_made, r);
                        abort();
                }
        return 0;
}
