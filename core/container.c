/* `weft -- CMD`: main.service and the signals for CMD; see container.h. */
#include "core/container.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "core/sched.h"
#include "parse/exec_line.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

int container_find_program(const char *name, char **ret)
{
        char cwd[PATH_MAX], *found = NULL, *fallback = NULL;
        const char *path = getenv("PATH");

        if (!*name)
                return -ENOENT;
        if (strchr(name, '/')) {
                if (name[0] != '/' && getcwd(cwd, sizeof cwd)) {
                        if (asprintf(&found, "%s/%s", cwd, name) < 0)
                                return -ENOMEM;
                } else if (!(found = strdup(name)))
                        return -ENOMEM;
                *ret = found;
                return 0;
        }
        if (!path || !*path)
                path = DEFAULT_PATH;
        for (const char *p = path; !found;) {
                const char *end = strchrnul(p, ':');
                int len = (int) (end - p);
                char *candidate;
                struct stat st;

                /* An empty entry is the working directory, as for execvp. */
                if (asprintf(&candidate, "%.*s%s%s", len, p, len ? "/" : "", name) < 0)
                        return -ENOMEM;
                if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0)
                        found = candidate;
                else if (!fallback && access(candidate, F_OK) == 0)
                        fallback = candidate;
                else
                        free(candidate);
                if (!*end)
                        break;
                p = end + 1;
        }
        if (!found)
                found = fallback;
        else
                free(fallback);
        if (!found)
                return -ENOENT;
        *ret = found;
        return 0;
}

int container_add_main(struct load_context *ctx, const struct container_options *o, const char *target)
{
        struct exec_command *cmd = NULL;
        struct unit *u, *t;
        int r;

        r = unit_table_intern(ctx->table, CONTAINER_MAIN_UNIT, &u);
        if (r < 0)
                return r;
        if (u->load_state != UNIT_STUB)
                return -EEXIST;
        r = unit_alloc_config(u, 0, o->stop_timeout_usec);
        if (r < 0)
                goto fail;
        r = -ENOMEM;
        cmd = calloc(1, sizeof *cmd);
        if (!cmd || !(cmd->path = strdup(o->path)) || !(cmd->argv = strv_copy(o->argv)))
                goto fail;
        /* The words are CMD's own: no $VAR is expanded in them. */
        cmd->flags = EXEC_NO_ENV_EXPAND;
        struct service_config *s = u->service;
        s->exec_start = cmd;
        cmd = NULL;
        s->type = SERVICE_EXEC;
        s->type_set = true;
        s->timeout_start_usec = USEC_INFINITY; /* the sidecars may take their time */
        /* weft's whole environment, as tini passes it (a Dockerfile's ENV). */
        if (environ && environ[0] && !(s->exec_ctx.environment = strv_copy(environ)))
                goto fail;
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd) && !(s->exec_ctx.working_directory = strdup(cwd)))
                goto fail;
        /* Shown by weftctl; the spawn passes weft's own fds whatever these say. */
        s->exec_ctx.std_input = EXEC_INPUT_NULL;
        s->exec_ctx.std_output = EXEC_OUTPUT_INHERIT;
        s->exec_ctx.std_error = EXEC_OUTPUT_INHERIT;
        /* SIGPIPE at its default, as tini leaves it: `yes | head -1` in
         * CMD ends yes by the signal, not by a write error. */
        s->exec_ctx.ignore_sigpipe = false;
        char *joined = strv_join(o->argv, " ");
        if (!joined)
                goto fail;
        u->description = joined;
        u->default_dependencies = false; /* no sysinit.target, basic.target in a container */
        struct unit_extra *x = unit_config_extra(u);
        if (!x)
                goto fail;
        x->start_limit_burst = 0;
        x->success_action = EMERGENCY_ACTION_EXIT;
        x->failure_action = EMERGENCY_ACTION_EXIT;
        u->refuse_manual_start = true;
        if (target) {
                r = unit_table_intern(ctx->table, target, &t);
                if (r < 0)
                        goto fail;
                r = unit_add_dependency(u, UNIT_WANTS, t);
                if (r >= 0 && !o->no_wait)
                        r = unit_add_dependency(u, UNIT_AFTER, t);
                if (r < 0)
                        goto fail;
        }
        u->load_state = UNIT_LOADED;
        return 0;
fail:
        if (cmd)
                exec_command_free_list(cmd);
        u->load_state = UNIT_ERROR;
        u->load_error = r;
        return r;
}

static bool sig_bit_ok(int sig)
{
        return sig > 0 && sig < 64;
}

/* To CMD, or to its process group with -g. */
static void deliver(struct container *c, pid_t pid, int sig)
{
        if (kill(c->o->forward_to_group ? -pid : pid, sig) < 0 && errno != ESRCH)
                log_warning("container: cannot forward signal %d to %s%d: %s", sig,
                            c->o->forward_to_group ? "process group " : "pid ", (int) pid, strerror(errno));
}

void container_forward(struct container *c, struct sched *s, int sig, uint64_t now)
{
        pid_t pid = sched_unit_main_pid(s, CONTAINER_MAIN_UNIT);

        if (c->ended)
                return;
        if (sig == SIGTERM && !c->kill_at && c->o->stop_timeout_usec != USEC_INFINITY)
                c->kill_at = now + c->o->stop_timeout_usec;
        if (pid > 0) {
                deliver(c, pid, sig);
                return;
        }
        if (sig_bit_ok(sig))
                c->pending |= UINT64_C(1) << sig;
}

void container_flush(struct container *c, struct sched *s)
{
        if (c->started && !c->pending)
                return;
        pid_t pid = sched_unit_main_pid(s, CONTAINER_MAIN_UNIT);
        if (pid <= 0)
                return;
        c->started = true;
        if (!c->pending || c->ended)
                return;
        for (int sig = 1; sig < 64; sig++)
                if (c->pending & (UINT64_C(1) << sig))
                        deliver(c, pid, sig);
        c->pending = 0;
}

uint64_t container_next_deadline(const struct container *c)
{
        return c->kill_at && !c->ended ? c->kill_at : UINT64_MAX;
}

bool container_run_timer(struct container *c, struct sched *s, uint64_t now)
{
        if (!c->kill_at || c->ended || now < c->kill_at)
                return false;
        c->kill_at = 0;
        pid_t pid = sched_unit_main_pid(s, CONTAINER_MAIN_UNIT);
        if (pid <= 0 && c->started)
                return false; /* CMD is gone already; its end ends the container */
        if (pid <= 0) {
                log_warning("container: SIGTERM came %.1fs ago and CMD never ran; ending the container",
                            (double) c->o->stop_timeout_usec / 1e6);
                c->ended = true;
                return true;
        }
        log_warning("container: CMD (pid %d) still runs %.1fs after SIGTERM; sending SIGKILL", (int) pid,
                    (double) c->o->stop_timeout_usec / 1e6);
        (void) kill(-pid, SIGKILL);
        (void) kill(pid, SIGKILL);
        return false;
}
