/* weftctl's verbs. Each takes the parsed global options and its own
 * arguments and returns the process exit status (systemctl's). */
#pragma once
#include <stdbool.h>

struct ctl_options {
        const char *program;      /* "weftctl", or "systemctl" when called by that name */
        const char *verb;         /* the verb as given (one function serves several) */
        char **unit_paths;        /* --unit-path, in the order given; NULL: default */
        char **properties;        /* -p/--property, split at commas */
        bool value_only;          /* --value, or -P */
        bool all;                 /* --all */
        const char *analyze_from; /* analyze --from FILE: a saved boot record */
        bool dot_order;           /* analyze dot --order */
        bool dot_require;         /* analyze dot --require */
        const char *runtime_dir;  /* --runtime-dir, $WEFT_RUNTIME_DIR; NULL: /run/weft */
        const char *root;         /* --root DIR: offline, on the tree under DIR */
        const char *state;        /* --state=S[,S...], as given */
        char **states;            /* the same, split */
        bool no_block;            /* --no-block */
        bool json;                /* --json[=short|pretty] */
        bool json_pretty;
        int signal;               /* kill --signal; 0: the manager's default */
        const char *kill_whom;    /* kill --kill-whom= (--kill-who=); NULL: all */
        bool reverse;             /* list-dependencies --reverse */
        bool jobs_after;          /* list-jobs --after: the jobs waiting for each */
        bool jobs_before;         /* list-jobs --before: the jobs each waits for */
        int lines;                /* -n N; -1: not given */
        bool follow;              /* logs -f */
        bool quiet;               /* -q: no output from is-* and enable */
        bool no_legend;           /* --no-legend */
        bool now;                 /* enable/disable --now: start/stop too */
        bool force;               /* --force: enable, mask, link replace a link to something else */
        const char *iterations;   /* analyze calendar --iterations=N, as given */
        const char *base_time;    /* analyze calendar --base-time=TIMESTAMP, as given */
};

int cmd_verify(const struct ctl_options *opts, char **args);
int cmd_show(const struct ctl_options *opts, char **args);      /* offline (show.c) */
int cmd_analyze(const struct ctl_options *opts, char **args);

/* live.c and status.c: through the manager */
int cmd_show_live(const struct ctl_options *opts, char **args); /* falls back to cmd_show */
int cmd_list_units(const struct ctl_options *opts, char **args);
int cmd_status(const struct ctl_options *opts, char **args);
int cmd_job(const struct ctl_options *opts, char **args);       /* start, stop, restart... */
int cmd_kill(const struct ctl_options *opts, char **args);
int cmd_simple(const struct ctl_options *opts, char **args);    /* reset-failed, cancel, daemon-reload, power verbs */
int cmd_system_state(const struct ctl_options *opts, char **args); /* is-system-running */
int cmd_log_setting(const struct ctl_options *opts, char **args);  /* log-level, log-target */
int cmd_environment(const struct ctl_options *opts, char **args); /* show-, set-, unset-environment */
int cmd_exit(const struct ctl_options *opts, char **args);
int cmd_is_state(const struct ctl_options *opts, char **args);  /* is-active, is-failed */
int cmd_list_jobs(const struct ctl_options *opts, char **args);
int cmd_list_sockets(const struct ctl_options *opts, char **args);
int cmd_list_timers(const struct ctl_options *opts, char **args); /* ctl/timers.c */
int cmd_list_paths(const struct ctl_options *opts, char **args);

/* offline: files only */
int cmd_cat(const struct ctl_options *opts, char **args);
int cmd_list_dependencies(const struct ctl_options *opts, char **args);
int cmd_enable(const struct ctl_options *opts, char **args);    /* enable, disable */
int cmd_mask(const struct ctl_options *opts, char **args);      /* mask, unmask */
int cmd_is_enabled(const struct ctl_options *opts, char **args);
int cmd_get_default(const struct ctl_options *opts, char **args);
int cmd_set_default(const struct ctl_options *opts, char **args);
int cmd_list_unit_files(const struct ctl_options *opts, char **args);
int cmd_preset(const struct ctl_options *opts, char **args);
int cmd_logs(const struct ctl_options *opts, char **args);
