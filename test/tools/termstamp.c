/* termstamp: a service's main process for the fault tests, which says,
 * without races, that it started and that it got SIGTERM.
 *
 *   termstamp STAMP            writes its pid to STAMP.start, waits for
 *                              SIGTERM, writes STAMP.term, exits 0
 *   termstamp STAMP --ignore   the same, but SIGTERM is ignored: only
 *                              SIGKILL ends it (STAMP.term is never written)
 *
 * SIGTERM is blocked before STAMP.start is written and taken with
 * sigwaitinfo(), so a SIGTERM that comes at any moment after the start
 * stamp is recorded; a shell's trap cannot promise that. It forks nothing. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int stamp(const char *base, const char *suffix, const char *text)
{
        char path[4096];
        snprintf(path, sizeof path, "%s%s", base, suffix);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -1;
        ssize_t n = write(fd, text, strlen(text));
        close(fd);
        return n == (ssize_t) strlen(text) ? 0 : -1;
}

int main(int argc, char **argv)
{
        sigset_t term;
        char buf[32];

        if (argc < 2) {
                fprintf(stderr, "usage: termstamp STAMP [--ignore]\n");
                return 2;
        }
        int ignore = argc > 2 && strcmp(argv[2], "--ignore") == 0;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        if (ignore)
                signal(SIGTERM, SIG_IGN);
        else
                sigprocmask(SIG_BLOCK, &term, NULL);
        snprintf(buf, sizeof buf, "%d\n", (int) getpid());
        if (stamp(argv[1], ".start", buf) < 0)
                return 1;
        if (ignore)
                for (;;)
                        pause();
        while (sigwaitinfo(&term, NULL) < 0)
                ;
        return stamp(argv[1], ".term", "term\n") < 0 ? 1 : 0;
}
