/* The install verbs' command lines: enable, disable, mask, unmask, preset,
 * is-enabled, list-unit-files, get-default, set-default (the work is in
 * parse/install.c).
 * Exit status as systemctl's: 0, or 1 after an error; is-enabled is 0 when
 * some unit is enabled, static, indirect, generated or an alias. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
        c->force = opts->force;
        return 0;
}

static bool need_units(const struct ctl_options *opts, char **args)
{
        if (args && *args)
                return true;
        fprintf(stderr, "Too few arguments.\n");
        return false;
}

/* enable, disable [--now]; reenable (--now does nothing to it, as in
 * systemctl 252). */
int cmd_enable(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;
        bool enable = strcmp(opts->verb, "enable") == 0, reenable = strcmp(opts->verb, "reenable") == 0;

        if (!need_units(opts, args) || open_ctx(opts, &c) < 0)
                return 1;
        if (reenable)
                install_reenable(&c, args);
        else if (enable)
                install_enable(&c, args);
        else
                install_disable(&c, args);
        int status = c.status;
        install_ctx_done(&c);
        if (status == 0 && opts->now && !opts->root && !reenable) {
                struct ctl_options o = *opts;
                o.verb = enable ? "start" : "stop";
                status = cmd_job(&o, args);
        }
        return status;
}

/* link's paths as systemctl passes them on: one with a slash made
 * absolute from here; a bare name refused under --root. */
static char **link_paths(const struct ctl_options *opts, char **args)
{
        char **paths = NULL, cwd[PATH_MAX];

        STRV_FOREACH(a, args) {
                char *p = NULL;
                if (!strchr(*a, '/') && opts->root) {
                        fprintf(stderr, "Non-absolute paths are not allowed when --root is used: %s\n", *a);
                        goto fail;
                }
                if (**a != '/' && strchr(*a, '/') ? !getcwd(cwd, sizeof cwd) || asprintf(&p, "%s/%s", cwd, *a) < 0
                                                  : !(p = strdup(*a)))
                        goto fail;
                if (strv_consume(&paths, p) < 0)
                        goto fail;
        }
        return paths;
fail:
        strv_free(paths);
        return NULL;
}

/* mask, unmask, revert, link. */
int cmd_mask(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;
        char **paths = NULL;

        if (!need_units(opts, args))
                return 1;
        if (strcmp(opts->verb, "link") == 0 && !(paths = link_paths(opts, args)))
                return 1;
        if (open_ctx(opts, &c) < 0) {
                strv_free(paths);
                return 1;
        }
        if (strcmp(opts->verb, "mask") == 0)
                install_mask(&c, args);
        else if (strcmp(opts->verb, "revert") == 0)
                install_revert(&c, args);
        else if (paths)
                install_link(&c, paths);
        else
                install_unmask(&c, args);
        int status = c.status;
        install_ctx_done(&c);
        strv_free(paths);
        return status;
}

/* The states is-enabled exits 0 for, as systemctl. */
static const char *const enabled_states[] = { "enabled", "static", "indirect", "alias", "generated", NULL };

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
                enabled |= strv_contains((char **) enabled_states, state);
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

/* systemctl's PRESET column: none for the states a preset does not touch. */
static const char *preset_column(struct install_ctx *c, const char *name, const char *state)
{
        static const char *const none[] = { "alias", "static", "generated", "transient", NULL };
        const char *preset = "-";
        if (!strv_contains((char **) none, state) && install_preset(c, name, &preset) < 0)
                preset = "-";
        return preset;
}

/* systemctl's order: by type, then by name, ignoring case. */
static int by_type_and_name(const void *a, const void *b)
{
        const char *x = strrchr(*(char *const *) a, '/') + 1, *y = strrchr(*(char *const *) b, '/') + 1;
        int r = strcasecmp(strrchr(x, '.'), strrchr(y, '.'));
        return r ? r : strcasecmp(x, y);
}

/* list-unit-files [PATTERN...]: systemctl's table, sorted by name; exit 1
 * when nothing is listed, as systemctl. */
int cmd_list_unit_files(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;
        char **l = NULL;
        int wname = opts->no_legend ? 0 : 9, wstate = opts->no_legend ? 0 : 5;
        size_t n;

        if (open_ctx(opts, &c) < 0)
                return 1;
        if (install_list(&c, opts->states, args, &l) < 0) {
                fprintf(stderr, "Failed to list unit files: %s\n", strerror(ENOMEM));
                install_ctx_done(&c);
                return 1;
        }
        n = strv_length(l) / 2;
        if (n > 1) /* qsort takes no NULL, which an empty list is */
                qsort(l, n, 2 * sizeof *l, by_type_and_name);
        for (size_t k = 0; k < n; k++) {
                int len = (int) strlen(strrchr(l[2 * k], '/') + 1), slen = (int) strlen(l[2 * k + 1]);
                wname = len > wname ? len : wname;
                wstate = slen > wstate ? slen : wstate;
        }
        if (!opts->no_legend)
                printf("%-*s %-*s %s\n", wname, "UNIT FILE", wstate, "STATE", "PRESET");
        for (size_t k = 0; k < n; k++) {
                const char *name = strrchr(l[2 * k], '/') + 1, *state = l[2 * k + 1];
                printf("%-*s %-*s %s\n", wname, name, wstate, state, preset_column(&c, name, state));
        }
        if (!opts->no_legend)
                printf("\n%zu unit files listed.\n", n);
        strv_free(l);
        install_ctx_done(&c);
        return n > 0 ? 0 : 1;
}

/* preset UNIT...: enable or disable each as the preset files say. */
int cmd_preset(const struct ctl_options *opts, char **args)
{
        struct install_ctx c;

        if (!need_units(opts, args) || open_ctx(opts, &c) < 0)
                return 1;
        install_preset_apply(&c, args, INSTALL_PRESET_FULL);
        int status = c.status;
        install_ctx_done(&c);
        return status;
}
