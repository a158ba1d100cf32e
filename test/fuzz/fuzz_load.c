/* libFuzzer target for unit loading with drop-ins (parse/load.c, through
 * the search-path index as the daemon and test_load.c do). The input's
 * first byte picks the unit (a plain service, an instance of a template,
 * a socket with its service, a target) and where the drop-ins go (the
 * unit's own NAME.d/, the template's, the type-wide service.d/); the rest
 * is split at NUL bytes into the unit file and up to seven drop-ins
 * (10-p1.conf...), an empty one masking a drop-in name. The files are
 * written to a scratch folder, loaded with everything they pull in, and
 * the table freed: ASan and LeakSanitizer catch overruns and leaks in
 * lexing, directive parsing, drop-in resets and the load-time checks.
 * Seeds: test/fuzz/corpus/load/. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "parse/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DROPINS 7

/* (unit to load, its file, the drop-in folder) per choice. */
static const struct {
        const char *load;
        const char *file;
        const char *other; /* a second file: the socket's service */
        const char *dropin_dir[3];
} kinds[] = {
        { "a.service", "a.service", NULL, { "a.service.d", "a.service.d", "service.d" } },
        { "a@x.service", "a@.service", NULL, { "a@x.service.d", "a@.service.d", "service.d" } },
        { "a.socket", "a.socket", "a.service", { "a.socket.d", "a.service.d", "socket.d" } },
        { "a.target", "a.target", NULL, { "a.target.d", "a.target.d", "target.d" } },
};

static void write_file(const char *dir, const char *rel, const uint8_t *p, size_t n)
{
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                abort();
        if (n > 0 && write(fd, p, n) != (ssize_t) n)
                abort();
        close(fd);
}

static void clean(const char *dir, unsigned kind, unsigned where, unsigned n_dropins)
{
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, kinds[kind].file);
        unlink(path);
        if (kinds[kind].other) {
                snprintf(path, sizeof path, "%s/%s", dir, kinds[kind].other);
                unlink(path);
        }
        for (unsigned i = 1; i <= n_dropins; i++) {
                snprintf(path, sizeof path, "%s/%s/%u0-p%u.conf", dir, kinds[kind].dropin_dir[where], i, i);
                unlink(path);
        }
        snprintf(path, sizeof path, "%s/%s", dir, kinds[kind].dropin_dir[where]);
        rmdir(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char dir[4096];
        static bool ready;

        if (!ready) {
                /* Under $TMPDIR: run-fuzz.sh points it at its scratch
                 * directory, which it removes; libFuzzer never returns to
                 * let a target clean up. */
                const char *tmp = getenv("TMPDIR");
                snprintf(dir, sizeof dir, "%s/weft-fuzz-load-XXXXXX", tmp && *tmp ? tmp : "/tmp");
                if (!mkdtemp(dir))
                        abort();
                log_set_sink(fopen("/dev/null", "w"));
                log_set_level(LOG_LEVEL_ERROR);
                ready = true;
        }
        if (size == 0)
                return 0;
        unsigned kind = data[0] % 4, where = (data[0] >> 2) % 3;
        const uint8_t *p = data + 1, *end = data + size;

        /* The unit file, then the drop-ins, each ending at a NUL. */
        const uint8_t *nul = memchr(p, 0, end - p);
        write_file(dir, kinds[kind].file, p, (nul ? nul : end) - p);
        if (kinds[kind].other)
                write_file(dir, kinds[kind].other, (const uint8_t *) "[Service]\nExecStart=/bin/true\n", 30);
        unsigned n_dropins = 0;
        if (nul) {
                char sub[512];
                snprintf(sub, sizeof sub, "%s/%s", dir, kinds[kind].dropin_dir[where]);
                mkdir(sub, 0755);
        }
        while (nul && n_dropins < MAX_DROPINS) {
                p = nul + 1;
                nul = memchr(p, 0, end - p);
                char rel[256];
                n_dropins++;
                snprintf(rel, sizeof rel, "%s/%u0-p%u.conf", kinds[kind].dropin_dir[where], n_dropins, n_dropins);
                write_file(dir, rel, p, (nul ? nul : end) - p);
        }

        struct unit_table table;
        struct unit_path_index *index = NULL;
        char *dirs[] = { dir, NULL };
        unit_table_init(&table);
        if (unit_path_index_build(dirs, &index) < 0)
                abort();
        struct load_context load = { .table = &table, .index = index };
        struct unit *u;
        if (unit_table_intern(&table, kinds[kind].load, &u) < 0)
                abort();
        if (unit_load_all(&load) < 0)
                abort();
        unit_table_done(&table);
        unit_path_index_free(index);
        clean(dir, kind, where, n_dropins);
        return 0;
}
