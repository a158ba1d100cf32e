/* The fds a transient unit's commands get as 0, 1 and 2 instead of what
 * its StandardInput=, StandardOutput= and StandardError= say: systemd-run
 * --pipe's own stdin, stdout and stderr (StartTransientUnit's
 * Standard*FileDescriptor), which no unit file can hold. Scheduler
 * thread only.
 *
 * A side table by unit name, as few units have any: the scheduler keeps
 * its copies, and their entry, until the unit is collected (a restart
 * runs with them again, as under systemd) or the manager ends. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/fds.h"
#include "base/log.h"
#include "core/sched_internal.h"

struct unit_stdio {
        char *unit; /* the key */
        int fds[3]; /* -1: the unit's own setting */
};

int sched_stdio_set(struct sched *s, const struct unit *u, const int *fds)
{
        struct unit_stdio *e = hashmap_get(&s->unit_stdio, u->id);

        if (e)
                fds_close(e->fds, 3);
        else if (!(e = hashmap_ensure(&s->unit_stdio, u->id, sizeof *e, offsetof(struct unit_stdio, unit))))
                return log_error_errno(-ENOMEM, "%s: out of memory keeping its stdio", u->id);
        int r = fds_copy(fds, e->fds, 3);
        if (r < 0)
                return log_error_errno(r, "%s: cannot keep its stdio: %s", u->id, strerror(-r));
        return 0;
}

const int *sched_stdio_get(const struct sched *s, const struct unit *u)
{
        const struct unit_stdio *e = hashmap_get(&s->unit_stdio, u->id);
        return e && (e->fds[0] >= 0 || e->fds[1] >= 0 || e->fds[2] >= 0) ? e->fds : NULL;
}

static void entry_free(struct unit_stdio *e)
{
        if (!e)
                return;
        fds_close(e->fds, 3);
        free(e->unit);
        free(e);
}

void sched_stdio_forget(struct sched *s, const struct unit *u)
{
        entry_free(hashmap_remove(&s->unit_stdio, u->id));
}

void sched_stdio_free(struct sched *s)
{
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&s->unit_stdio, &i, &k, &v);)
                entry_free(v);
        hashmap_done(&s->unit_stdio);
}
