/* Manager.StartTransientUnit's bus side (systemd-run): its properties read
 * off the message into unit-file text (parse/transient.c's table decides
 * what is accepted and how it is written), and the file written where the
 * unit path finds it, as systemd writes /run/systemd/transient. Bus thread
 * only; core/bus_manager.c serves the method. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strv.h"
#include "core/bus_internal.h"
#include "parse/transient.h"

static void exec_free(struct transient_exec *e, size_t n)
{
        for (size_t i = 0; i < n; i++)
                strv_free((char **) e[i].argv);
        free(e);
}

/* ExecStart's a(sasb): (path, argv, ignore failure) per command. */
static int read_exec(sd_bus_message *m, struct transient_exec **ret, size_t *n)
{
        int r = sd_bus_message_enter_container(m, 'a', "(sasb)");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sasb")) > 0) {
                struct transient_exec *e = realloc(*ret, (*n + 1) * sizeof **ret);
                char **argv = NULL;
                int ignore = 0;
                if (!e)
                        return -ENOMEM;
                *ret = e;
                e = &e[*n];
                *e = (struct transient_exec) { 0 };
                r = sd_bus_message_read(m, "s", &e->path);
                if (r >= 0)
                        r = sd_bus_message_read_strv(m, &argv);
                e->argv = argv;
                ++*n;
                if (r >= 0)
                        r = sd_bus_message_read(m, "b", &ignore);
                e->ignore_failure = ignore;
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        }
        return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* One property's variant, of the type p's row says, added to t. */
static int read_value(sd_bus_message *m, const struct transient_property *p, struct transient_unit *t,
                      char **ret_error)
{
        struct transient_value v = { 0 };
        struct transient_exec *exec = NULL;
        char **words = NULL;
        int b = 0, r;

        switch (p->kind) {
        case TRANSIENT_STRING:
                r = sd_bus_message_read(m, "s", &v.s);
                break;
        case TRANSIENT_USEC:
        case TRANSIENT_COUNT:
                r = sd_bus_message_read(m, "t", &v.usec);
                break;
        case TRANSIENT_PIDS: {
                const void *pids = NULL;
                size_t size = 0;
                r = sd_bus_message_read_array(m, 'u', &pids, &size);
                v.pids = pids;
                v.n_pids = size / sizeof(uint32_t);
                break;
        }
        case TRANSIENT_WORDS:
                r = sd_bus_message_read_strv(m, &words);
                v.words = words;
                break;
        case TRANSIENT_EXEC:
                r = read_exec(m, &exec, &v.n_exec);
                v.exec = exec;
                break;
        case TRANSIENT_FD: {
                /* The message owns its fd: t gets a copy of its own. */
                int fd;
                r = sd_bus_message_read(m, "h", &fd);
                if (r >= 0 && (v.fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
                        r = -errno;
                if (r >= 0 && (r = transient_add(t, p, &v, ret_error)) < 0)
                        (void) close(v.fd);
                return r;
        }
        default: /* TRANSIENT_BOOL, TRANSIENT_NONE */
                r = sd_bus_message_read(m, "b", &b);
                v.b = b;
                break;
        }
        if (r >= 0)
                r = transient_add(t, p, &v, ret_error);
        strv_free(words);
        exec_free(exec, v.n_exec);
        return r;
}

/* One (sv): the name must have a row, the variant its type. */
static int read_property(sd_bus_message *m, struct transient_unit *t, const char **ret_error_name,
                         char **ret_error)
{
        const struct transient_property *p;
        const char *name;
        int r = sd_bus_message_read(m, "s", &name);

        if (r >= 0)
                log_debug("bus: StartTransientUnit sets %s", name);
        if (r >= 0 && (r = transient_lookup(name, t->scope, &p, ret_error)) < 0)
                *ret_error_name = SD_BUS_ERROR_PROPERTY_READ_ONLY;
        else if (r >= 0 && (r = sd_bus_message_enter_container(m, 'v', transient_signature(p->kind))) <= 0) {
                if (asprintf(ret_error, "Invalid type for property %s, expected %s.", name,
                             transient_signature(p->kind)) < 0)
                        *ret_error = NULL;
                r = -EINVAL;
        } else if (r >= 0 && (r = read_value(m, p, t, ret_error)) >= 0)
                r = sd_bus_message_exit_container(m);
        return r;
}

int bus_transient_read(sd_bus_message *m, struct transient_unit *t, sd_bus_error *ret_error)
{
        const char *error_name = SD_BUS_ERROR_INVALID_ARGS;
        char *error = NULL;
        int r = sd_bus_message_enter_container(m, 'a', "(sv)");

        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sv")) > 0) {
                r = read_property(m, t, &error_name, &error);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        /* Auxiliary units (systemd-run's --scope sends none, socket
         * activation a socket and its service): not supported. */
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', "(sa(sv))");
        if (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sa(sv)")) > 0) {
                error_name = SD_BUS_ERROR_NOT_SUPPORTED;
                error = strdup("Auxiliary units are not supported.");
                r = -EOPNOTSUPP;
        }
        if (r < 0 && error)
                r = sd_bus_error_setf(ret_error, error_name, "%s", error);
        free(error);
        return r;
}

/* The temporary file is written whole, then linked to its name: a reader
 * sees the whole file or none, and a name already there is never
 * replaced (-EEXIST: systemd's "already loaded or has a fragment file"). */
int bus_transient_write(const char *dir, const char *name, const char *text)
{
        char tmp[PATH_MAX], path[PATH_MAX];
        size_t len = strlen(text);
        int fd = -1, r = 0;

        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (snprintf(tmp, sizeof tmp, "%s/.#%sXXXXXX", dir, name) >= (int) sizeof tmp ||
            snprintf(path, sizeof path, "%s/%s", dir, name) >= (int) sizeof path)
                return -ENAMETOOLONG;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        errno = 0;
        if (fchmod(fd, 0644) < 0 || write(fd, text, len) != (ssize_t) len || link(tmp, path) < 0)
                r = errno ? -errno : -EIO;
        close(fd);
        unlink(tmp);
        return r;
}
