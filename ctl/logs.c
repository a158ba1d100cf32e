/* `weftctl logs UNIT [-n N] [-f]`: the unit's log file, read directly, so
 * it works without a manager. -f follows with inotify: the file's growth,
 * and its creation or replacement (rotation) through its directory's
 * events; no polling. */
#include "ctl/logs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/client.h"
#include "ctl/commands.h"
#include "parse/unit_name.h"

size_t logs_tail_offset(const char *buf, size_t len, unsigned n)
{
        size_t i = len;

        if (n == 0)
                return 0;
        /* A final "\n" ends the last line; it does not start a new one. */
        if (i > 0 && buf[i - 1] == '\n')
                i--;
        while (i > 0) {
                if (buf[i - 1] == '\n' && --n == 0)
                        return i;
                i--;
        }
        return 0;
}

int logs_tail_file(const char *path, unsigned n, char **ret)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;
        struct stat st;
        char *buf = NULL;
        size_t len = 0;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto out;
        }
        size_t want = st.st_size > (off_t) LOGS_TAIL_MAX ? LOGS_TAIL_MAX : (size_t) st.st_size;
        off_t start = st.st_size - (off_t) want;
        buf = malloc(want + 1);
        if (!buf) {
                r = -ENOMEM;
                goto out;
        }
        while (len < want) {
                ssize_t k = pread(fd, buf + len, want - len, start + (off_t) len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        goto out;
                }
                if (k == 0)
                        break;
                len += (size_t) k;
        }
        buf[len] = 0;
        size_t off = logs_tail_offset(buf, len, n);
        memmove(buf, buf + off, len - off + 1);
        *ret = buf;
        buf = NULL;
out:
        free(buf);
        close(fd);
        return r;
}

/* Copy what fd has from *offset on to stdout. */
static int copy_new(int fd, off_t *offset)
{
        char buf[65536];
        struct stat st;

        if (fstat(fd, &st) == 0 && st.st_size < *offset)
                *offset = 0; /* truncated: start over */
        for (;;) {
                ssize_t k = pread(fd, buf, sizeof buf, *offset);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                fwrite(buf, 1, (size_t) k, stdout);
                *offset += k;
        }
        fflush(stdout);
        return 0;
}

/* Follow path until interrupted: new data is printed as it comes; a file
 * that appears (or replaces the old one) is read from its start. */
static int follow(const char *dir, const char *name, const char *path, int fd, off_t offset)
{
        int in = inotify_init1(IN_CLOEXEC), wd_file = -1, r = 0;
        char ev[sizeof(struct inotify_event) + NAME_MAX + 1] __attribute__((aligned(8)));

        if (in < 0)
                return -errno;
        if (inotify_add_watch(in, dir, IN_CREATE | IN_MOVED_TO) < 0) {
                r = -errno;
                goto out;
        }
        if (fd >= 0)
                wd_file = inotify_add_watch(in, path, IN_MODIFY);
        for (;;) {
                ssize_t k = read(in, ev, sizeof ev);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        goto out;
                }
                bool reopen = false, grew = false;
                for (char *p = ev; p < ev + k;) {
                        const struct inotify_event *e = (const struct inotify_event *) p;
                        if (e->wd == wd_file)
                                grew = true;
                        else if (e->len && strcmp(e->name, name) == 0)
                                reopen = true;
                        p += sizeof *e + e->len;
                }
                if (reopen) {
                        if (fd >= 0)
                                copy_new(fd, &offset); /* the rest of the old file */
                        if (wd_file >= 0)
                                inotify_rm_watch(in, wd_file);
                        if (fd >= 0)
                                close(fd);
                        fd = open(path, O_RDONLY | O_CLOEXEC);
                        offset = 0;
                        wd_file = fd >= 0 ? inotify_add_watch(in, path, IN_MODIFY) : -1;
                        grew = fd >= 0;
                }
                if (grew && fd >= 0)
                        copy_new(fd, &offset);
        }
out:
        if (fd >= 0)
                close(fd);
        close(in);
        return r;
}

int cmd_logs(const struct ctl_options *opts, char **args)
{
        char *dir = NULL, *path = NULL, *name = NULL, *tail = NULL;
        int r, status = 1;

        if (!args || !args[0] || args[1]) {
                fprintf(stderr, "%s: logs: name one unit.\n", opts->program);
                return 1;
        }
        /* "foo" means foo.service, as systemctl reads a bare name. */
        if (unit_name_is_valid(args[0], UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                name = strdup(args[0]);
        else if (asprintf(&name, "%s.service", args[0]) < 0)
                name = NULL;
        if (!name || asprintf(&dir, "%s/log", ctl_runtime_dir(opts)) < 0 ||
            asprintf(&path, "%s/%s.log", dir, name) < 0) {
                fprintf(stderr, "%s: out of memory\n", opts->program);
                goto out;
        }
        /* -n 0 prints nothing old; no -n prints the whole file. */
        r = opts->lines == 0 ? 0 : logs_tail_file(path, opts->lines > 0 ? (unsigned) opts->lines : 0, &tail);
        if (r < 0 && !(r == -ENOENT && opts->follow)) {
                fprintf(stderr, "%s: cannot read the log of %s at %s: %s\n", opts->program, name, path, strerror(-r));
                goto out;
        }
        if (tail)
                fputs(tail, stdout);
        fflush(stdout);
        status = 0;
        if (opts->follow) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                off_t offset = 0;
                if (fd >= 0) {
                        struct stat st;
                        offset = fstat(fd, &st) == 0 ? st.st_size : 0;
                }
                r = follow(dir, strrchr(path, '/') + 1, path, fd, offset);
                if (r < 0) {
                        fprintf(stderr, "%s: cannot follow %s: %s\n", opts->program, path, strerror(-r));
                        status = 1;
                }
        }
out:
        free(dir);
        free(path);
        free(name);
        free(tail);
        return status;
}
