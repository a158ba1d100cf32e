/* echoserver: the trivial baseline for the control-socket benchmark.
 *
 *   echoserver SOCKET REPLY_FILE [RECORD_FILE]
 *
 * Listens on the AF_UNIX stream socket SOCKET (mode 0600, like weft's
 * RUNTIME_DIR/control) and, for each connection, reads up to the first
 * "\n" of the request, writes the whole of REPLY_FILE (canned: one line
 * ending in "\n", e.g. weft's own reply to the same request, so both sides
 * move the same bytes) and closes. Nothing is parsed. RECORD_FILE, if
 * given, receives each request line as it arrives (overwritten), before the
 * reply is sent: this is how bench/control-bench.sh learns the exact line
 * weftctl sends. Single-threaded and blocking, with a 10 s receive/send
 * timeout per connection; runs until killed (SIGTERM). Libc only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static char *read_file(const char *path, size_t *ret_len)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t len = 0, cap = 0;

        if (!f)
                return NULL;
        for (;;) {
                if (len == cap) {
                        char *n = realloc(buf, cap ? cap * 2 : 4096);
                        if (!n) {
                                free(buf);
                                fclose(f);
                                return NULL;
                        }
                        buf = n;
                        cap = cap ? cap * 2 : 4096;
                }
                size_t k = fread(buf + len, 1, cap - len, f);
                if (k == 0)
                        break;
                len += k;
        }
        fclose(f);
        *ret_len = len;
        return buf;
}

int main(int argc, char **argv)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t reply_len = 0, cap = 65536;
        char *reply, *buf;
        int lfd;

        if (argc < 3 || argc > 4) {
                fprintf(stderr, "usage: echoserver SOCKET REPLY_FILE [RECORD_FILE]\n");
                return 2;
        }
        if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
                fprintf(stderr, "echoserver: socket path too long: %s\n", argv[1]);
                return 2;
        }
        strcpy(sa.sun_path, argv[1]);
        reply = read_file(argv[2], &reply_len);
        if (!reply || reply_len == 0 || reply[reply_len - 1] != '\n') {
                fprintf(stderr, "echoserver: %s: unreadable, empty or not ending in a newline\n", argv[2]);
                return 2;
        }
        buf = malloc(cap);
        lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (!buf || lfd < 0 || bind(lfd, (struct sockaddr *) &sa, sizeof sa) < 0 ||
            chmod(argv[1], 0600) < 0 || listen(lfd, 128) < 0) {
                fprintf(stderr, "echoserver: cannot listen on %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        for (;;) {
                int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        fprintf(stderr, "echoserver: accept: %s\n", strerror(errno));
                        return 1;
                }
                struct timeval tv = { .tv_sec = 10 };
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
                size_t len = 0;
                char *nl = NULL;
                while (!nl) {
                        if (len == cap) {
                                char *n = realloc(buf, cap * 2);
                                if (!n)
                                        break;
                                buf = n;
                                cap *= 2;
                        }
                        ssize_t n = recv(fd, buf + len, cap - len, 0);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0)
                                break;
                        nl = memchr(buf + len, '\n', (size_t) n);
                        len += (size_t) n;
                }
                if (nl) {
                        if (argc == 4) {
                                FILE *f = fopen(argv[3], "wb");
                                if (f) {
                                        fwrite(buf, 1, (size_t) (nl - buf) + 1, f);
                                        fclose(f);
                                }
                        }
                        for (size_t off = 0; off < reply_len;) {
                                ssize_t n = send(fd, reply + off, reply_len - off, MSG_NOSIGNAL);
                                if (n < 0 && errno == EINTR)
                                        continue;
                                if (n <= 0)
                                        break;
                                off += (size_t) n;
                        }
                }
                close(fd);
        }
}
