/* `weftctl verify`: a lint of unit files like `systemd-analyze verify`.
 * Diagnostics go to stderr as "file:line: message"; the exit status is 1
 * when a named unit cannot be loaded or cannot run (missing executable,
 * socket without its service), 0 when there are only warnings. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "base/strv.h"
#include "ctl/commands.h"
#include "ctl/offline.h"

/* verify's diagnostics, hundreds over a big tree: base/log.c flushes each
 * line, one write(2) apiece on stderr. Through this stream they gather in
 * a buffer instead, in the same order, and go out when it fills and when
 * verify returns (cmd_verify closes the stream on every path). */
struct batch {
        int fd;
        size_t len;
        char buf[64 * 1024];
};

static struct batch batch = { .fd = STDERR_FILENO };

static void write_all(int fd, const char *p, size_t n)
{
        for (size_t done = 0; done < n;) {
                ssize_t k = write(fd, p + done, n - done);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return; /* nowhere to say it: stderr is gone */
                done += (size_t) k;
        }
}

static void batch_drain(struct batch *b)
{
        write_all(b->fd, b->buf, b->len);
        b->len = 0;
}

static ssize_t batch_write(void *cookie, const char *p, size_t n)
{
        struct batch *b = cookie;
        if (b->len + n > sizeof b->buf)
                batch_drain(b);
        if (n > sizeof b->buf)
                write_all(b->fd, p, n); /* larger than the buffer: straight out */
        else {
                memcpy(b->buf + b->len, p, n);
                b->len += n;
        }
        return (ssize_t) n;
}

static int batch_close(void *cookie)
{
        batch_drain(cookie);
        return 0;
}

/* The commands' results, by path as written: the same few programs
 * (/bin/kill, /bin/sh) run from hundreds of units. */
struct exec_cache {
        struct hashmap results; /* path (owned) -> result + 1 */
};

static int exec_cache_find(struct exec_cache *c, const char *name)
{
        void *v = hashmap_get(&c->results, name);
        if (v)
                return (int) ((intptr_t) v - 1);
        char *path = NULL, *key = strdup(name);
        int k = exec_find_program(name, &path);
        free(path);
        if (key && hashmap_put(&c->results, key, (void *) ((intptr_t) k + 1)) < 0) {
                free(key); /* not remembered: asked again next time */
                key = NULL;
        }
        return k;
}

static void exec_cache_done(struct exec_cache *c)
{
        const char *k;
        for (size_t i = 0; hashmap_next(&c->results, &i, &k, NULL);)
                free((char *) k);
        hashmap_done(&c->results);
}

/* As systemd-analyze verify does: the first command of each Exec list of
 * a service or socket must be executable, unless it has the "-" prefix. */
static int verify_executables(struct exec_cache *cache, const struct unit *u)
{
        int n, r = 0;

        if (u->type == UNIT_SERVICE)
                n = _SERVICE_EXEC_MAX;
        else if (u->type == UNIT_SOCKET)
                n = _SOCKET_EXEC_MAX;
        else
                return 0;
        for (int i = 0; i < n; i++) {
                const struct exec_command *c = u->type == UNIT_SERVICE ? service_exec(u->service, i) : u->socket->exec[i];
                if (!c || (c->flags & EXEC_IGNORE_FAILURE))
                        continue;
                int k = exec_cache_find(cache, c->path);
                if (k < 0) {
                        char fragment[PATH_MAX];
                        const char *fp = unit_fragment_path(u, fragment, sizeof fragment);
                        r = log_error_errno(k, "%s: Command %s is not executable: %s", fp ? fp : u->id, c->path,
                                            strerror(-k));
                }
        }
        return r;
}

static int verify_socket(struct offline *o, const struct unit *u)
{
        size_t it = 0;
        struct unit *service = unit_next_dep(u, UNIT_TRIGGERS, &it);
        if (u->socket->accept || !service || service->load_state == UNIT_LOADED)
                return 0;
        return log_error_errno(-ENOENT, "%s: service %s not loaded, %s cannot be started.", u->id, service->id,
                               u->id);
}

static int verify_unit(struct offline *o, struct exec_cache *cache, struct unit *u)
{
        switch (u->load_state) {
        case UNIT_LOADED:
                break;
        case UNIT_MASKED:
                return log_error_errno(-ERFKILL, "%s: Unit is masked.", u->id);
        case UNIT_NOT_FOUND:
        case UNIT_STUB:
                return log_error_errno(-ENOENT, "%s: Unit not found.", u->id);
        case UNIT_BAD_SETTING:
                return log_error_errno(-ENOEXEC, "%s: Unit configuration has fatal error, unit will not be started.",
                                       u->id);
        default:
                return log_error_errno(u->load_error, "%s: Failed to load unit: %s", u->id,
                                       strerror(-u->load_error));
        }
        int r = verify_executables(cache, u);
        if (u->type == UNIT_SOCKET) {
                int k = verify_socket(o, u);
                if (r >= 0)
                        r = k;
        }
        return r;
}

static int verify(const struct ctl_options *opts, char **args)
{
        struct exec_cache cache = { 0 };
        char **names = NULL;
        struct offline o;

        if (!args || !*args) {
                log_error("verify: name at least one unit or unit file.");
                return 2;
        }
        int bad = offline_load_arguments("verify", opts->unit_paths, NULL, args, true, &o, &names);
        if (bad < 0)
                return 1;
        int result = bad > 0;
        hashmap_init(&cache.results);
        STRV_FOREACH(n, names) {
                struct unit *u = unit_table_get(&o.table, *n);
                if (u && verify_unit(&o, &cache, u) < 0)
                        result = 1;
        }
        exec_cache_done(&cache);
        offline_close(&o);
        strv_free(names);
        return result;
}

int cmd_verify(const struct ctl_options *opts, char **args)
{
        static const cookie_io_functions_t batch_io = { .write = batch_write, .close = batch_close };
        FILE *sink = fopencookie(&batch, "w", batch_io);

        /* Without the stream (no memory), each line goes out on its own. */
        if (sink)
                log_set_sink(sink);
        int r = verify(opts, args);
        if (sink) {
                log_set_sink(NULL);
                fclose(sink);
        }
        return r;
}
