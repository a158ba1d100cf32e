/* actsrv: the daemon of bench/activation-bench.sh.
 *
 *   actsrv once           socket-activated (LISTEN_FDS=1, LISTEN_PID=self):
 *                         accepts one connection on fd 3, writes one byte,
 *                         exits 0 (so the next connection activates again)
 *   actsrv loop PATH      started directly: binds and listens on the unix
 *                         stream socket PATH, then answers every connection
 *                         with one byte until killed
 *
 * The same code answers in both modes: accept, write "x", close. Libc only
 * (LISTEN_FDS is read by hand, as sd_listen_fds() does). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int answer(int lfd)
{
        int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

        if (c < 0)
                return errno == EINTR || errno == EAGAIN ? 0 : -1;
        if (write(c, "x", 1) != 1)
                perror("actsrv: write");
        close(c);
        return 0;
}

int main(int argc, char **argv)
{
        if (argc == 2 && strcmp(argv[1], "once") == 0) {
                const char *n = getenv("LISTEN_FDS"), *p = getenv("LISTEN_PID");
                if (!n || !p || atoi(n) != 1 || atol(p) != (long) getpid()) {
                        fprintf(stderr, "actsrv: not socket-activated with one fd\n");
                        return 2;
                }
                return answer(3) < 0 ? 1 : 0;
        }
        if (argc == 3 && strcmp(argv[1], "loop") == 0) {
                struct sockaddr_un sa = { .sun_family = AF_UNIX };
                int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

                if (strlen(argv[2]) >= sizeof sa.sun_path)
                        return 2;
                strcpy(sa.sun_path, argv[2]);
                unlink(argv[2]);
                if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 128) < 0) {
                        perror("actsrv: listen");
                        return 2;
                }
                for (;;)
                        if (answer(fd) < 0) {
                                perror("actsrv: accept");
                                return 1;
                        }
        }
        fprintf(stderr, "usage: actsrv once | actsrv loop PATH\n");
        return 2;
}
