/* forkloop: the sequential floor, N fork+exec+wait of the payload in a
 * tight loop, nothing else.
 *
 *   forkloop N PAYLOAD WORK_MS STAMPFILE [--busy]
 *
 * Runs "PAYLOAD fNNNN WORK_MS STAMPFILE" N times, one after the other,
 * spawned the same way bench/ideal.c spawns (posix_spawn: vfork-style). */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
        char name[32];
        char *child[] = { NULL, name, NULL, NULL, NULL, NULL };
        int n, failed = 0;

        if (argc < 5 || argc > 6 || (n = atoi(argv[1])) < 1) {
                fprintf(stderr, "usage: forkloop N PAYLOAD WORK_MS STAMPFILE [--busy]\n");
                return 2;
        }
        child[0] = argv[2];
        child[2] = argv[3];
        child[3] = argv[4];
        child[4] = argc == 6 ? argv[5] : NULL;
        int width = snprintf(NULL, 0, "%d", n);
        if (width < 4)
                width = 4;
        for (int i = 1; i <= n; i++) {
                pid_t pid;
                int status;

                snprintf(name, sizeof(name), "f%0*d", width, i);
                int r = posix_spawn(&pid, child[0], NULL, NULL, child, environ);
                if (r) {
                        fprintf(stderr, "forkloop: unable to spawn %s: %s\n", child[0], strerror(r));
                        return 1;
                }
                while (waitpid(pid, &status, 0) < 0)
                        if (errno != EINTR) {
                                perror("forkloop: waitpid");
                                return 1;
                        }
                failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        }
        if (failed)
                fprintf(stderr, "forkloop: %d payloads failed\n", failed);
        return failed ? 1 : 0;
}
