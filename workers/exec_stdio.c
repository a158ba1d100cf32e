/* Opening a command's stdin, stdout and stderr; see exec_stdio.h. Called
 * by exec_build_request() (workers/exec_context.c) on the scheduler thread,
 * last, so a command that cannot run creates no files. */
#include "workers/exec_stdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "workers/exec_journal.h"
#include "workers/exec_tty.h"

int exec_stdio_dup_fd(const char *id, int fd, int *ret)
{
        int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (d < 0 && !(errno == EBADF && fd <= STDERR_FILENO))
                return log_error_errno(-errno, "%s: Failed to duplicate fd %d: %s", id, fd, strerror(errno));
        *ret = d;
        return 0;
}

static int mkdir_parents_and_self(const char *path, mode_t mode)
{
        char *copy = strdup(path);
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *s = copy + 1;; s++) {
                if (*s != '/' && *s)
                        continue;
                char saved = *s;
                *s = 0;
                if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                        r = -errno;
                        break;
                }
                *s = saved;
                if (!saved)
                        break;
        }
        free(copy);
        return r;
}

/* StandardOutput=journal and friends: weft's log for the unit, which the
 * worker replaces with journald's stream when it can (exec_journal.c). */
static int open_log(const char *id, const struct exec_params *p, const char *setting, int *ret)
{
        char *path = NULL;
        int fd, r = 0;

        if (!p->log_dir)
                return exec_stdio_dup_fd(id, STDERR_FILENO, ret);
        if (asprintf(&path, "%s/%s.log", p->log_dir, id) < 0) {
                r = -ENOMEM;
                goto out;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        if (fd < 0 && errno == ENOENT) {
                /* The manager made the directory at start; make it again only
                 * if something removed it, not on every spawn. */
                r = mkdir_parents_and_self(p->log_dir, 0755);
                if (r < 0) {
                        log_error_errno(r, "%s: Failed to create log directory %s for %s: %s", id, p->log_dir,
                                        setting, strerror(-r));
                        goto out;
                }
                fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        }
        if (fd < 0) {
                r = log_error_errno(-errno, "%s: Failed to open log file %s for %s: %s", id, path, setting,
                                    strerror(errno));
                goto out;
        }
        *ret = fd;
out:
        free(path);
        return r;
}

static int open_path(const char *id, const char *setting, const char *path, int flags, mode_t mode, int *ret)
{
        int fd = open(path, flags | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0)
                return log_error_errno(-errno, "%s: Failed to open %s for %s: %s", id, path, setting,
                                       strerror(errno));
        *ret = fd;
        return 0;
}

static const char *tty_path(const struct exec_context *c)
{
        const char *t = exec_extra(c)->tty_path;
        return t ? t : "/dev/console";
}

int exec_stdio_open_input(const char *id, const struct exec_context *c, const struct exec_params *p, int *ret)
{
        if (exec_stdio_given(p, 0))
                return exec_stdio_dup_fd(id, p->stdio_fds[0], ret);
        switch (c->std_input) {
        case EXEC_INPUT_SOCKET:
                if (!p->has_socket)
                        return log_error_errno(-ENOTCONN, "%s: StandardInput=socket needs a socket unit with Accept=yes",
                                               id);
                return exec_stdio_dup_fd(id, p->socket_fd, ret);
        case EXEC_INPUT_NULL:
                *ret = -1;
                return 0;
        case EXEC_INPUT_TTY:
        case EXEC_INPUT_TTY_FORCE:
        case EXEC_INPUT_TTY_FAIL:
                /* The child opens and takes it (exec_tty.c); a control
                 * command gets /dev/null instead, as in systemd. */
                *ret = p->control ? -1 : SPAWN_FD_TTY;
                return 0;
        case EXEC_INPUT_FILE:
                return open_path(id, "StandardInput=", exec_extra(c)->std_input_path, O_RDONLY, 0, ret);
        default:
                return log_error_errno(-EOPNOTSUPP, "%s: StandardInput=%s is not supported yet", id,
                                       exec_input_to_string(c->std_input));
        }
}

static bool output_is_log(enum exec_output o)
{
        return exec_journal_output(o);
}

/* The fd for stdout (target 1) or stderr (2); fds holds what the lower
 * numbers resolved to. */
int exec_stdio_open_output(const char *id, const struct exec_context *c, const struct exec_params *p, int target,
                           const int *fds, int *ret)
{
        enum exec_output o = target == 1 ? c->std_output : c->std_error;
        const struct exec_extra *x = exec_extra(c);
        const char *path = target == 1 ? x->std_output_path : x->std_error_path;
        const char *setting = target == 1 ? "StandardOutput=" : "StandardError=";
        mode_t mode = 0666 & ~c->umask;

        if (exec_stdio_given(p, target))
                return exec_stdio_dup_fd(id, p->stdio_fds[target], ret);
        if (o == EXEC_OUTPUT_INHERIT) {
                /* stdout follows a real stdin, else weft's own stdout; stderr follows stdout. */
                int from = target == 2 ? fds[1] : c->std_input != EXEC_INPUT_NULL ? fds[0] : -3;
                if (from == -3)
                        return exec_stdio_dup_fd(id, STDOUT_FILENO, ret);
                if (from == SPAWN_FD_TTY) {
                        *ret = SPAWN_FD_TTY;
                        return 0;
                }
                /* A control command's tty stdin became /dev/null; its
                 * stdout still goes to the terminal (systemd's setup_output). */
                if (target == 1 && from < 0 && p->control && exec_tty_input(c->std_input))
                        return open_path(id, setting, tty_path(c), O_WRONLY, 0, ret);
                if (from < 0) {
                        *ret = -1;
                        return 0;
                }
                return exec_stdio_dup_fd(id, from, ret);
        }
        /* Both to the same place: share one open file, so neither overwrites the other. */
        if (target == 2 && fds[1] >= 0 && o == c->std_output &&
            (output_is_log(o) || o == EXEC_OUTPUT_TTY || streq_ptr(path, x->std_output_path)))
                return exec_stdio_dup_fd(id, fds[1], ret);
        /* Output to the terminal stdin took is that terminal. */
        if (o == EXEC_OUTPUT_TTY && fds[0] == SPAWN_FD_TTY) {
                *ret = SPAWN_FD_TTY;
                return 0;
        }

        switch (o) {
        case EXEC_OUTPUT_NULL:
                *ret = -1;
                return 0;
        case EXEC_OUTPUT_SOCKET:
                if (!p->has_socket)
                        return log_error_errno(-ENOTCONN, "%s: %ssocket needs a socket unit with Accept=yes", id,
                                               setting);
                return exec_stdio_dup_fd(id, p->socket_fd, ret);
        case EXEC_OUTPUT_TTY:
                return open_path(id, setting, tty_path(c), O_WRONLY, 0, ret);
        case EXEC_OUTPUT_JOURNAL:
        case EXEC_OUTPUT_JOURNAL_AND_CONSOLE:
        case EXEC_OUTPUT_KMSG:
        case EXEC_OUTPUT_KMSG_AND_CONSOLE:
                return open_log(id, p, setting, ret);
        case EXEC_OUTPUT_FILE:
                return open_path(id, setting, path, O_WRONLY | O_CREAT, mode, ret);
        case EXEC_OUTPUT_FILE_APPEND:
                return open_path(id, setting, path, O_WRONLY | O_CREAT | O_APPEND, mode, ret);
        case EXEC_OUTPUT_FILE_TRUNCATE:
                return open_path(id, setting, path, O_WRONLY | O_CREAT | O_TRUNC, mode, ret);
        default:
                return log_error_errno(-EOPNOTSUPP, "%s: %s%s is not supported yet", id, setting,
                                       exec_output_to_string(o));
        }
}
