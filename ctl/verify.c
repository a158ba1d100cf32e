/* `weftctl verify`: a lint of unit files like `systemd-analyze verify`.
 * Diagnostics go to stderr as "file:line: message"; the exit status is 1
 * when a named unit cannot be loaded or cannot run (missing executable,
 * socket without its service), 0 when there are only warnings. */
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strv.h"
#include "ctl/commands.h"
#include "ctl/offline.h"

/* As systemd-analyze verify does: the first command of each Exec list of
 * a service or socket must be executable, unless it has the "-" prefix. */
static int verify_executables(const struct unit *u)
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
                char *path = NULL;
                if (!c || (c->flags & EXEC_IGNORE_FAILURE))
                        continue;
                int k = exec_find_program(c->path, &path);
                free(path);
                char fragment[PATH_MAX];
                const char *fp = unit_fragment_path(u, fragment, sizeof fragment);
                if (k < 0)
                        r = log_error_errno(k, "%s: Command %s is not executable: %s", fp ? fp : u->id, c->path,
                                            strerror(-k));
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

static int verify_unit(struct offline *o, struct unit *u)
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
        int r = verify_executables(u);
        if (u->type == UNIT_SOCKET) {
                int k = verify_socket(o, u);
                if (r >= 0)
                        r = k;
        }
        return r;
}

int cmd_verify(const struct ctl_options *opts, char **args)
{
        char **names = NULL;
        struct offline o;

        if (!args || !*args) {
                log_error("verify: name at least one unit or unit file.");
                return 2;
        }
        int bad = offline_load_arguments("verify", opts->unit_paths, args, true, &o, &names);
        if (bad < 0)
                return 1;
        int result = bad > 0;
        STRV_FOREACH(n, names) {
                struct unit *u = unit_table_get(&o.table, *n);
                if (u && verify_unit(&o, u) < 0)
                        result = 1;
        }
        offline_close(&o);
        strv_free(names);
        return result;
}
