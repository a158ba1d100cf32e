/* The install verbs' command lines: enable, disable, mask, unmask,
 * is-enabled, get-default, set-default (the work is in ctl/install.c).
 * Exit status as systemctl's: 0, or 1 after an error; is-enabled is 0 when
 * some unit is enabled, static, indirect or an alias. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "ctl/commands.h"
#include "parse/install.h"

static int open_ctx(const struct ctl_options *opts, struct install_ctx *c)
{
        if (install_ctx_init(c, opts->program, opts->root, opts->unit_paths) < 0) {
                fprintf(stderr, "%s: out of memory\n", opts->program);
                install_ctx_done(c);
                return -ENOMEM;
        }
        c->quiet = opts->quiet;
        return 0;
}

static bool need_units(const struct ctl_options *opts, char **args)
{
        if (args && *args)
                return true;
        fprintf(stderr, "Too few arguments.\n");
        return false;
}

/* enable, disable [--now]. */
int cmd_enable(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;
        bool enable = strcmp(opts->verb, "enable") == 0;

        if (!need_units(opts, args) || open_ctx(opts, &c) < 0)
                return 1;
        if (enable)
                install_enable(&c, args);
        else
                install_disable(&c, args);
        int status = c.status;
        install_ctx_done(&c);
        if (status == 0 && opts->now && !opts->root) {
                struct ctl_options o = *opts;
                o.verb = enable ? "start" : "stop";
                status = cmd_job(&o, args);
        }
        return status;
}

/* mask, unmask. */
int cmd_mask(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;

        if (!need_units(opts, args) || open_ctx(opts, &c) < 0)
                return 1;
        if (strcmp(opts->verb, "mask") == 0)
                install_mask(&c, args);
        else
                install_unmask(&c, args);
        int status = c.status;
        install_ctx_done(&c);
        return status;
}

int cmd_is_enabled(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;
        bool enabled = false, error = false;

        if (!need_units(opts, args) || open_ctx(opts, &c) < 0)
                return 1;
        STRV_FOREACH(n, args) {
                const char *state;
                int r = install_state(&c, *n, &state);
                if (r < 0) {
                        fprintf(stderr, "Failed to get unit file state for %s: %s\n", *n, strerror(-r));
                        error = true;
                        continue;
                }
                if (!opts->quiet)
                        printf("%s\n", state);
                enabled |= strcmp(state, "enabled") == 0 || strcmp(state, "static") == 0 ||
                           strcmp(state, "indirect") == 0 || strcmp(state, "alias") == 0;
        }
        install_ctx_done(&c);
        return enabled && !error ? 0 : 1;
}

int cmd_get_default(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;
        char *name = NULL;

        if (open_ctx(opts, &c) < 0)
                return 1;
        int r = install_get_default(&c, &name);
        install_ctx_done(&c);
        if (r < 0) {
                fprintf(stderr, "Failed to get default target: %s\n",
                        r == -ERFKILL ? "Unit file is masked." : strerror(-r));
                return 1;
        }
        printf("%s\n", name);
        free(name);
        return 0;
}

int cmd_set_default(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;

        if (!args || !args[0] || args[1]) {
                fprintf(stderr, "%s: set-default: name one target.\n", opts->program);
                return 1;
        }
        if (open_ctx(opts, &c) < 0)
                return 1;
        install_set_default(&c, args[0]);
        int status = c.status;
        install_ctx_done(&c);
        return status;
}
