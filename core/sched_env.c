/* The manager's environment block, as systemd's manager keeps it
 * (manager_client_environment_modify): the defaults weft starts with
 * (PATH, LANG) and the assignments clients made with SetEnvironment and
 * `weftctl set-environment`, merged once per change into the block every
 * spawn request starts from (sched_spawn). Scheduler thread only; the
 * control verbs (core/control.c) change it. See sched.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "core/sched.h"
#include "core/sched_internal.h"
#include "parse/env.h"
#include "workers/exec_context.h"

/* What weft sets for a command itself: a client's assignment of one of
 * these would mislead a service, so it is dropped (systemd's
 * sanitize_environment, as of 252). */
static const char *const reserved[] = {
        "CACHE_DIRECTORY", "CONFIGURATION_DIRECTORY", "CREDENTIALS_DIRECTORY",
        "EXIT_CODE", "EXIT_STATUS", "INVOCATION_ID", "JOURNAL_STREAM",
        "LISTEN_FDNAMES", "LISTEN_FDS", "LISTEN_PID", "LOGS_DIRECTORY",
        "MAINPID", "MANAGERPID", "NOTIFY_SOCKET", "PIDFILE",
        "REMOTE_ADDR", "REMOTE_PORT", "RUNTIME_DIRECTORY", "SERVICE_RESULT",
        "STATE_DIRECTORY", "WATCHDOG_PID", "WATCHDOG_USEC",
};

static int compare_entries(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Later lists override earlier ones name by name, in place; NULL entries
 * of lists are skipped. */
static int merge(char *const *a, char *const *b, char ***ret)
{
        struct env_builder env = { 0 };
        int r = 0;

        STRV_FOREACH(e, a)
                if ((r = env_builder_put_copy(&env, *e)) < 0)
                        goto out;
        STRV_FOREACH(e, b)
                if ((r = env_builder_put_copy(&env, *e)) < 0)
                        goto out;
        char **v = env_builder_release(&env);
        if (!v && !(v = calloc(1, sizeof *v))) {
                r = -ENOMEM;
                goto out;
        }
        *ret = v;
out:
        env_builder_done(&env);
        return r;
}

int sched_env_init(struct sched *s)
{
        char **defaults = NULL, **effective = NULL;
        int r = exec_manager_environment_default(&defaults);

        if (r >= 0)
                r = merge(defaults, NULL, &effective);
        if (r < 0) {
                strv_free(defaults);
                return r;
        }
        s->env_defaults = defaults;
        s->env_effective = effective;
        return 0;
}

void sched_env_done(struct sched *s)
{
        strv_free(s->env_defaults);
        strv_free(s->env_client);
        strv_free(s->env_effective);
        s->env_defaults = s->env_client = s->env_effective = NULL;
}

char *const *sched_env(const struct sched *s)
{
        return s->env_effective;
}

int sched_env_modify(struct sched *s, char *const *unset, char *const *set)
{
        char **client = NULL, **effective = NULL;
        int r;

        if (!env_names_or_assignments_are_valid(unset) || !env_assignments_are_valid(set))
                return -EINVAL;
        if (!(client = strv_copy(s->env_client)))
                return -ENOMEM;
        STRV_FOREACH(spec, unset)
                env_unset(client, *spec);
        r = merge(client, set, &effective);
        strv_free(client);
        client = effective;
        effective = NULL;
        if (r < 0)
                return r;
        for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
                env_unset(client, reserved[i]);
        qsort(client, strv_length(client), sizeof *client, compare_entries);
        r = merge(s->env_defaults, client, &effective);
        if (r < 0) {
                strv_free(client);
                return r;
        }
        strv_free(s->env_client);
        strv_free(s->env_effective);
        s->env_client = client;
        s->env_effective = effective;
        return 0;
}
