/* The value parsers of the directive table; see directive_parsers.h.
 * Called only through the table in parse/directives.c.
 *
 * A parser logs a bad value as a warning ending in ", ignoring" and
 * returns 0; it returns a negative errno only when the unit cannot be used
 * at all (systemd's "bad-setting"). */
#include "parse/directive_parsers.h"

#include <limits.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/env.h"
#include "parse/load.h"
#include "parse/specifier.h"
#include "parse/word.h"

static int warn_value(const struct directive_ctx *ctx, const char *value)
{
        ctx->load->n_warnings++;
        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line, "Failed to parse %s= value, ignoring: %s",
                   ctx->key, value);
        return 0;
}

/* A setting that makes the unit unusable: -ENOEXEC marks it bad-setting. */
static int bad_setting(const struct directive_ctx *ctx, const char *msg)
{
        ctx->load->n_errors++;
        return log_syntax(LOG_LEVEL_ERROR, -ENOEXEC, ctx->file, ctx->line, "%s", msg);
}

int directive_expand_specifiers(const struct directive_ctx *ctx, const char *in, char **ret)
{
        char fragment[PATH_MAX];
        const struct specifier_context sc = {
                .unit_id = ctx->unit->id,
                .fragment_path = unit_fragment_path(ctx->unit, fragment, sizeof fragment),
                .root = ctx->load->root,
        };
        char *error = NULL;
        int r = specifier_expand(&sc, in, ret, &error);
        if (r < 0 && r != -ENOMEM) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line, "%s, ignoring.",
                           error ? error : "Failed to resolve specifiers");
        }
        free(error);
        return r;
}

/* Specifiers in command lines are expanded word by word after unquoting, as
 * systemd does, so a value with spaces stays one argument. */
static int expand_command(const struct directive_ctx *ctx, struct exec_command *c)
{
        char *s;
        int r;
        /* A word without '%' is kept as it is: no copy, no second block. */
        if (strchr(c->path, '%')) {
                r = directive_expand_specifiers(ctx, c->path, &s);
                if (r < 0)
                        return r;
                free(c->path);
                c->path = s;
        }
        for (char **a = c->argv; *a; a++) {
                if (!strchr(*a, '%'))
                        continue;
                r = directive_expand_specifiers(ctx, *a, &s);
                if (r < 0)
                        return r;
                free(*a);
                *a = s;
        }
        return 0;
}

/* ---- value parsers ---- */

int directive_parse_string(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char **s = dest;
        char *n = NULL;
        if (*value && !(n = strdup(value)))
                return -ENOMEM;
        free(*s);
        *s = n;
        return 0;
}

int directive_parse_path(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        if (*value && *value != '/')
                return warn_value(ctx, value);
        return directive_parse_string(ctx, value, dest, arg);
}

/* A path whose checks come later, at the unit's finish (Where= of a
 * mount): dest is a struct located_path, which also keeps "file:line". */
int directive_parse_located_path(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct located_path *p = dest;
        char buf[4096];
        int r = directive_parse_path(ctx, value, &p->path, arg);
        if (r < 0)
                return r;
        snprintf(buf, sizeof buf, "%s:%u", ctx->file, ctx->line);
        char *origin = strdup(buf);
        if (!origin)
                return -ENOMEM;
        free(p->origin);
        p->origin = origin;
        return 0;
}

/* PIDFile=: relative paths are below /run, /var/run is /run. */
int directive_parse_pid_file(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char buf[4096];
        if (*value && *value != '/')
                snprintf(buf, sizeof buf, "/run/%s", value);
        else if (strncmp(value, "/var/run/", 9) == 0)
                snprintf(buf, sizeof buf, "/run/%s", value + 9);
        else
                snprintf(buf, sizeof buf, "%s", value);
        return directive_parse_string(ctx, buf, dest, arg);
}

int directive_parse_bool_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int b = parse_boolean(value);
        if (b < 0)
                return warn_value(ctx, value);
        *(bool *) dest = b;
        return 0;
}

int directive_parse_timespan_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        uint64_t usec;
        if (parse_timespan(value, USEC_PER_SEC, &usec) < 0)
                return warn_value(ctx, value);
        *(uint64_t *) dest = usec;
        return 0;
}

/* An empty TimeoutSec= style value means "use the default": infinity-free
 * 0 would mean "no timeout" in systemd, which parse_timespan gives as 0. */
int directive_parse_timeout(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        uint64_t usec;
        if (parse_timespan(value, USEC_PER_SEC, &usec) < 0)
                return warn_value(ctx, value);
        if (usec == 0)
                usec = USEC_INFINITY; /* systemd: 0 disables the timeout */
        *(uint64_t *) dest = usec;
        if (arg)
                ctx->unit->service->timeout_start_set = true;
        return 0;
}

int directive_parse_timeout_both(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct service_config *s = ctx->unit->service;
        int r = directive_parse_timeout(ctx, value, &s->timeout_start_usec, 1);
        if (r == 0)
                s->timeout_stop_usec = s->timeout_start_usec;
        return r;
}

int directive_parse_timeout_abort(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct service_extra *x = ctx->unit->service->extra; /* dest is in it (SE row) */
        if (!*value) {
                x->timeout_abort_set = false;
                return 0;
        }
        int r = directive_parse_timeout(ctx, value, dest, 0);
        if (r == 0)
                x->timeout_abort_set = true;
        return r;
}

/* JobTimeoutSec= (arg 0) and JobRunningTimeoutSec= (arg 1); 0 is no
 * timeout. As systemd's config_parse_job_timeout_sec, JobTimeoutSec= sets
 * the running timeout too unless JobRunningTimeoutSec= was given: that is
 * how JobTimeoutSec=infinity takes away a device's default. */
int directive_parse_job_timeout(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct unit_extra *x = ctx->unit->extra; /* dest is in it (UX row) */
        uint64_t usec;
        if (parse_timespan(value, USEC_PER_SEC, &usec) < 0)
                return warn_value(ctx, value);
        if (usec == 0)
                usec = USEC_INFINITY;
        if (arg)
                x->job_running_timeout_set = true;
        else
                x->job_timeout_usec = usec;
        if (arg || !x->job_running_timeout_set)
                x->job_running_timeout_usec = usec;
        x->job_timeouts_set = true;
        return 0;
}

int directive_parse_unsigned_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        unsigned u;
        if (parse_unsigned(value, &u) < 0)
                return warn_value(ctx, value);
        *(unsigned *) dest = u;
        return 0;
}

int directive_parse_int_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int v;
        if (parse_int(value, &v) < 0)
                return warn_value(ctx, value);
        *(int *) dest = v;
        return 0;
}

int directive_parse_size_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        uint64_t v;
        if (parse_size(value, &v) < 0)
                return warn_value(ctx, value);
        *(uint64_t *) dest = v;
        return 0;
}

int directive_parse_mode_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        mode_t m;
        if (parse_mode(value, &m) < 0)
                return warn_value(ctx, value);
        *(mode_t *) dest = m;
        return 0;
}

int directive_parse_signal_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int sig = signal_from_string(value);
        if (sig <= 0)
                return warn_value(ctx, value);
        *(uint8_t *) dest = (uint8_t) sig; /* struct kill_context's fields are bytes */
        return 0;
}

/* FailureActionExitStatus= and friends: 0..255, empty unsets (-1). */
int directive_parse_exit_status_code(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int v;
        if (!*value) {
                *(int *) dest = -1;
                return 0;
        }
        if (parse_int(value, &v) < 0 || v < 0 || v > 255)
                return warn_value(ctx, value);
        *(int *) dest = v;
        return 0;
}

int directive_parse_nice(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_extra *c = dest;
        int v;
        if (parse_int(value, &v) < 0 || v < -20 || v > 19)
                return warn_value(ctx, value);
        c->nice = v;
        c->nice_set = true;
        return 0;
}

int directive_parse_oom(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_extra *c = dest;
        int v;
        if (parse_int(value, &v) < 0 || v < -1000 || v > 1000)
                return warn_value(ctx, value);
        c->oom_score_adjust = v;
        c->oom_score_adjust_set = true;
        return 0;
}

/* syslog(3)'s names, by value: levels 0-7, facilities 0-23 (unshifted). */
static const char *const syslog_level_names[] = { "emerg", "alert", "crit", "err",
                                                  "warning", "notice", "info", "debug" };
static const char *const syslog_facility_names[] = {
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        NULL, NULL, NULL, NULL, "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
};

int directive_parse_syslog(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        const char *const *names = arg == 0 ? syslog_level_names : syslog_facility_names;
        int n = arg == 0 ? (int) ELEMENTSOF(syslog_level_names) : (int) ELEMENTSOF(syslog_facility_names);
        int *prio = dest, v = -1;

        for (int i = 0; i < n && v < 0; i++)
                if (names[i] && strcmp(names[i], value) == 0)
                        v = i;
        /* systemd takes the number too. */
        if (v < 0 && (parse_int(value, &v) < 0 || v < 0 || v >= n))
                return warn_value(ctx, value);
        if (arg == 0)
                *prio = (*prio & ~7) | v;
        else
                *prio = (v << 3) | (*prio & 7);
        return 0;
}

/* Enums: arg selects the string table. */
static const struct {
        const char *(*to_string)(int);
        int n;
} enum_tables[] = {
#define ENUM_ROW(fn, max) { (const char *(*)(int)) fn, max }
        ENUM_ROW(service_type_to_string, _SERVICE_TYPE_MAX),
        ENUM_ROW(service_restart_to_string, _SERVICE_RESTART_MAX),
        ENUM_ROW(notify_access_to_string, _NOTIFY_ACCESS_MAX),
        ENUM_ROW(kill_mode_to_string, _KILL_MODE_MAX),
        ENUM_ROW(timeout_failure_mode_to_string, _TIMEOUT_FAILURE_MODE_MAX),
        ENUM_ROW(exit_type_to_string, _EXIT_TYPE_MAX),
        ENUM_ROW(emergency_action_to_string, _EMERGENCY_ACTION_MAX),
        ENUM_ROW(bind_ipv6_only_to_string, _BIND_IPV6_ONLY_MAX),
        ENUM_ROW(exec_preserve_to_string, _EXEC_PRESERVE_MAX),
        ENUM_ROW(protect_system_to_string, _PROTECT_SYSTEM_MAX),
        ENUM_ROW(protect_home_to_string, _PROTECT_HOME_MAX),
        ENUM_ROW(collect_mode_to_string, _COLLECT_MODE_MAX),
#undef ENUM_ROW
};

int directive_parse_enum8(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int v = -1;
        int r = directive_parse_enum(ctx, value, &v, arg);
        if (r >= 0 && v >= 0)
                *(uint8_t *) dest = (uint8_t) v;
        return r;
}

int directive_parse_enum(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int v = -1;
        for (int i = 0; i < enum_tables[arg].n && v < 0; i++) {
                const char *s = enum_tables[arg].to_string(i);
                if (s && strcmp(s, value) == 0)
                        v = i;
        }
        /* BindIPv6Only= also takes a boolean: yes is ipv6-only, no is both. */
        if (v < 0 && arg == DIRECTIVE_ENUM_BIND6 && parse_boolean(value) >= 0)
                v = parse_boolean(value) ? BIND_IPV6_ONLY_IPV6_ONLY : BIND_IPV6_ONLY_BOTH;
        /* RuntimeDirectoryPreserve= takes any boolean spelling besides restart. */
        if (v < 0 && arg == DIRECTIVE_ENUM_PRESERVE && parse_boolean(value) >= 0)
                v = parse_boolean(value) ? EXEC_PRESERVE_YES : EXEC_PRESERVE_NO;
        /* ProtectSystem= and ProtectHome= take any boolean spelling besides their words. */
        if (v < 0 && (arg == DIRECTIVE_ENUM_PROTECT_SYSTEM || arg == DIRECTIVE_ENUM_PROTECT_HOME) &&
            parse_boolean(value) >= 0)
                v = !parse_boolean(value)                       ? 0 /* PROTECT_*_NO */
                    : arg == DIRECTIVE_ENUM_PROTECT_SYSTEM ? PROTECT_SYSTEM_YES
                                                           : PROTECT_HOME_YES;
        if (v < 0)
                return warn_value(ctx, value);
        *(int *) dest = v;
        if (arg == DIRECTIVE_ENUM_TYPE)
                ctx->unit->service->type_set = true;
        else if (arg == DIRECTIVE_ENUM_NOTIFY)
                ctx->unit->service->notify_access_set = true;
        else if (arg == DIRECTIVE_ENUM_KILL_MODE && v == KILL_NONE) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "Unit uses KillMode=none. This is unsafe: no process of the unit but the main one "
                           "is stopped. Use KillMode=mixed or control-group; KillMode=none is deprecated.");
        }
        return 0;
}

/* A RuntimeDirectory=, StateDirectory=... item, simplified in place as
 * systemd's path_simplify ("a//b/./c/" is "a/b/c"): valid when it is
 * relative, not empty and has no ".." component, so that it names a
 * directory below its root and nothing else, as systemd requires. */
static bool exec_dir_name_simplify(char *w)
{
        char *out = w;
        if (*w == '/')
                return false;
        for (const char *p = w; *p;) {
                size_t n = strcspn(p, "/");
                if (n == 2 && p[0] == '.' && p[1] == '.')
                        return false;
                if (n > 0 && !(n == 1 && p[0] == '.')) {
                        if (out != w)
                                *out++ = '/';
                        memmove(out, p, n);
                        out += n;
                }
                p += n;
                while (*p == '/')
                        p++;
        }
        *out = 0;
        return out != w && strlen(w) < 4096;
}

/* Space-separated items appended to a strv; empty resets. arg: 1 to
 * require absolute paths, 2 to require unit names. */
int directive_parse_list(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char ***l = dest;
        const char *p = value;
        int r;

        if (!*value) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        for (;;) {
                char *word;
                r = word_extract(&p, &word, NULL, WORD_UNQUOTE | WORD_RETAIN_ESCAPE);
                if (r == 0)
                        return 0;
                if (r < 0)
                        return r == -ENOMEM ? r : warn_value(ctx, value);
                if (arg == DIRECTIVE_LIST_EXEC_DIRS && strchr(word, ':')) {
                        /* "dir:link" also makes symlinks to dir; the directory itself is still made. */
                        ctx->load->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                                   "%s= symlinks are not supported, making only the directory: %s", ctx->key, word);
                        *strchr(word, ':') = 0;
                }
                if (arg == DIRECTIVE_LIST_NAMESPACE_PATHS) {
                        /* "+" (below RootDirectory=, which weft does not apply) goes; "-" stays. */
                        char *plus = word + (word[0] == '-');
                        if (*plus == '+')
                                memmove(plus, plus + 1, strlen(plus));
                }
                if ((arg == DIRECTIVE_LIST_PATHS && word[0] != '/') ||
                    (arg == DIRECTIVE_LIST_NAMESPACE_PATHS && word[word[0] == '-'] != '/') ||
                    (arg == DIRECTIVE_LIST_UNITS && !unit_name_is_valid(word, UNIT_NAME_ANY)) ||
                    (arg == DIRECTIVE_LIST_EXEC_DIRS && !exec_dir_name_simplify(word))) {
                        ctx->load->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                                   "%s= item is not valid, ignoring: %s", ctx->key, word);
                        free(word);
                        continue;
                }
                r = load_strv_push(ctx->load, l, word);
                if (r < 0)
                        return r;
        }
}

/* The whole value is one item (EnvironmentFile=, RequiresMountsFor= use
 * lists, but EnvironmentFile= takes one path per assignment). */
int directive_parse_append_one(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char ***l = dest;
        if (!*value) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        const char *path = value[0] == '-' ? value + 1 : value;
        if (path[0] != '/')
                return warn_value(ctx, value);
        char *item = strdup(value);
        return item ? load_strv_push(ctx->load, l, item) : -ENOMEM;
}

/* Environment=: a later assignment of a name replaces the earlier one in
 * place, and an empty value resets the list (systemd.exec(5)). The list is
 * built through the load context's indexed builder, so a unit with 100,000
 * lines loads in linear time; *env always holds the current list. */
int directive_parse_environment(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct load_context *load = ctx->load;
        struct env_builder *b;
        char ***env = dest;
        const char *p = value;
        int r = load_keyed_list(&load->env, env, '=', &b);

        if (r < 0)
                return r;
        if (!*value) {
                env_builder_done(b);
                *env = NULL;
                return 0;
        }
        for (;;) {
                char *word;
                r = word_extract(&p, &word, NULL, WORD_UNQUOTE | WORD_CUNESCAPE);
                if (r == 0)
                        return 0;
                if (r < 0)
                        return r == -ENOMEM ? r : warn_value(ctx, value);
                const char *eq = strchr(word, '=');
                if (!eq || !env_name_is_valid(word, eq - word) || !utf8_is_valid(word)) {
                        load->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                                   "Invalid environment assignment, ignoring: %s", word);
                        free(word);
                        continue;
                }
                r = env_builder_put(b, word);
                *env = b->v;
                if (r < 0)
                        return r;
        }
}

int directive_parse_dependency(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        const char *p = value;
        int r;

        /* An empty assignment cannot reset dependencies (systemd.unit(5)). */
        for (;;) {
                char *word;
                struct unit *other;
                r = word_extract(&p, &word, NULL, WORD_UNQUOTE | WORD_RETAIN_ESCAPE);
                if (r == 0)
                        return 0;
                if (r < 0)
                        return r == -ENOMEM ? r : warn_value(ctx, value);
                r = unit_table_intern(ctx->load->table, word, &other);
                if (r == -EINVAL) {
                        ctx->load->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                                   "Failed to add dependency on %s, ignoring: Invalid argument", word);
                }
                free(word);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        continue;
                r = unit_add_dependency(ctx->unit, arg, other);
                if (r < 0)
                        return r;
        }
}

/* Append c to *list in O(length of c): the load context remembers the
 * tail of the list this file appends to. A running unit names its command
 * by its 16-bit place in the list (struct unit_runtime), so a list may
 * hold at most UINT16_MAX commands; a longer one refuses the unit, with
 * this line, rather than cutting the list short while it runs. */
static int append_commands(const struct directive_ctx *ctx, struct exec_command **list, struct exec_command *c)
{
        struct load_context *load = ctx->load;
        unsigned n = 0;

        if (!c)
                return 0; /* a line that named no command (blanks only) adds none */
        if (load->exec_dest != list || !*list || load->exec_tail->next) {
                /* Another list, or this one changed behind our back: walk it. */
                load->exec_dest = list;
                load->exec_tail = NULL;
                load->exec_len = 0;
                for (struct exec_command *i = *list; i; i = i->next, load->exec_len++)
                        load->exec_tail = i;
        }
        for (const struct exec_command *i = c; i; i = i->next)
                n++;
        if (load->exec_len + n > UINT16_MAX) {
                exec_command_free_list(c);
                return bad_setting(ctx, "Too many commands in this list, at most 65535 are supported");
        }
        *(load->exec_tail ? &load->exec_tail->next : list) = c;
        while (c->next)
                c = c->next;
        load->exec_tail = c;
        load->exec_len += n;
        return 0;
}

int directive_parse_exec(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_command **list = dest, *c = NULL;
        char *error = NULL;

        if (!*value) {
                exec_command_free_list(*list);
                *list = NULL;
                ctx->load->exec_dest = NULL;
                return 0;
        }
        int r = exec_line_parse(value, &c, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                /* systemd refuses the whole unit for a broken command line. */
                r = bad_setting(ctx, error ? error : "Invalid command line");
                free(error);
                return r;
        }
        for (struct exec_command *i = c; i && r >= 0; i = i->next)
                r = expand_command(ctx, i);
        if (r < 0) {
                exec_command_free_list(c);
                return r == -ENOMEM ? r : -ENOEXEC;
        }
        /* Expanded, so read only from here on: one block per command. */
        if (exec_command_pack_list(&c) < 0) {
                exec_command_free_list(c);
                return -ENOMEM;
        }
        return append_commands(ctx, list, c);
}

int directive_parse_exit_status(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char *bad = NULL;
        int r = exit_status_set_parse(dest, value, &bad);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "Failed to parse %s= value, ignoring: %s", ctx->key, bad ? bad : value);
                free(bad);
        }
        return 0;
}

int directive_parse_rlimit_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_extra *c = dest;
        struct rlimit rl;
        if (parse_rlimit(arg, value, &rl) < 0)
                return warn_value(ctx, value);
        if (!c->rlimit && !(c->rlimit = calloc(RLIM_NLIMITS, sizeof rl)))
                return -ENOMEM;
        c->rlimit[arg] = rl;
        c->rlimit_set |= 1u << arg;
        return 0;
}

/* StandardInput=, StandardOutput=, StandardError=. arg 0: input, 1: output, 2: error. */
int directive_parse_std(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_context *c = dest;
        static const struct {
                const char *prefix;
                int input, output;
        } with_arg[] = {
                { "file:", EXEC_INPUT_FILE, EXEC_OUTPUT_FILE },
                { "append:", -1, EXEC_OUTPUT_FILE_APPEND },
                { "truncate:", -1, EXEC_OUTPUT_FILE_TRUNCATE },
                { "fd:", EXEC_INPUT_NAMED_FD, EXEC_OUTPUT_NAMED_FD },
        };
        int v = -1;
        const char *param = NULL;

        for (size_t i = 0; i < ELEMENTSOF(with_arg); i++) {
                size_t n = strlen(with_arg[i].prefix);
                if (strncmp(value, with_arg[i].prefix, n) == 0) {
                        v = arg == 0 ? with_arg[i].input : with_arg[i].output;
                        param = value + n;
                        break;
                }
        }
        if (!param) {
                if (arg == 0)
                        v = string_table_lookup((const char *const[]) { "null", "tty", "tty-force", "tty-fail",
                                                                        "socket", "fd", "data", NULL },
                                                7, value);
                else if (strncmp(value, "syslog", 6) == 0 && (!value[6] || strcmp(value + 6, "+console") == 0)) {
                        /* Legacy names: mapped to the journal, with systemd's nudge. */
                        v = value[6] ? EXEC_OUTPUT_JOURNAL_AND_CONSOLE : EXEC_OUTPUT_JOURNAL;
                        ctx->load->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                                   "Standard output type %s is obsolete, automatically updating to %s.", value,
                                   exec_output_to_string(v));
                } else
                        for (int i = 0; i < _EXEC_OUTPUT_MAX && v < 0; i++)
                                if (i != EXEC_OUTPUT_FILE && i != EXEC_OUTPUT_FILE_APPEND &&
                                    i != EXEC_OUTPUT_FILE_TRUNCATE && strcmp(exec_output_to_string(i), value) == 0)
                                        v = i;
        }
        if (v < 0 || (param && v != EXEC_INPUT_NAMED_FD && v != EXEC_OUTPUT_NAMED_FD && param[0] != '/') ||
            (param && !*param))
                return warn_value(ctx, value);

        /* The path lives with the rarely-set settings: touch them only when
         * there is a path to keep or one to forget. */
        if (param || c->extra) {
                struct exec_extra *x = exec_context_extra(c);
                if (!x)
                        return -ENOMEM;
                char **path = arg == 0 ? &x->std_input_path : arg == 1 ? &x->std_output_path : &x->std_error_path;
                char *copy = NULL;
                if (param && !(copy = strdup(param)))
                        return -ENOMEM;
                free(*path);
                *path = copy;
        }
        if (arg == 0)
                c->std_input = v;
        else if (arg == 1)
                c->std_output = v;
        else
                c->std_error = v;
        return 0;
}

int directive_parse_working_directory(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_context *c = dest;
        bool missing_ok = value[0] == '-';
        const char *path = missing_ok ? value + 1 : value;

        if (!*path) {
                free(c->working_directory);
                c->working_directory = NULL;
                c->working_directory_missing_ok = false;
                return 0;
        }
        if (strcmp(path, "~") != 0 && path[0] != '/')
                return warn_value(ctx, value);
        int r = directive_parse_string(ctx, path, &c->working_directory, 0);
        if (r == 0)
                c->working_directory_missing_ok = missing_ok;
        return r;
}

int directive_parse_listen(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct listen_spec **list = dest, *l = NULL;
        char *error = NULL;

        if (!*value) {
                listen_spec_free_list(*list);
                *list = NULL;
                return 0;
        }
        int r = listen_spec_parse(arg, value, &l, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line, "%s= %s, ignoring: %s", ctx->key,
                           error ? error : "invalid address", value);
                free(error);
                return 0;
        }
        while (*list)
                list = &(*list)->next;
        *list = l;
        return 0;
}

/* FileDescriptorName=: at most 255 characters, printable, no ':'. */
int directive_parse_fd_name(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        size_t n = strlen(value);
        if (n > 255)
                return warn_value(ctx, value);
        for (size_t i = 0; i < n; i++)
                if (value[i] == ':' || (unsigned char) value[i] < 0x20 || value[i] == 0x7f)
                        return warn_value(ctx, value);
        return directive_parse_string(ctx, value, dest, arg);
}

int directive_parse_unit_name_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        if (*value && !unit_name_is_valid(value, arg))
                return warn_value(ctx, value);
        return directive_parse_string(ctx, value, dest, 0);
}

int directive_parse_condition(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct unit_condition **list = dest;
        const char *p = value;
        bool trigger = false, negate = false;

        if (!*value) {
                /* An empty assignment resets every condition of this list. */
                while (*list) {
                        struct unit_condition *next = (*list)->next;
                        free((*list)->name);
                        free((*list)->parameter);
                        free(*list);
                        *list = next;
                }
                ctx->load->cond_dest = NULL;
                return 0;
        }
        if (*p == '|') {
                trigger = true;
                p++;
        }
        if (*p == '!') {
                negate = true;
                p++;
        }
        struct unit_condition *c = calloc(1, sizeof *c);
        if (!c || !(c->name = strdup(ctx->key)) || !(c->parameter = strdup(p))) {
                if (c)
                        free(c->name);
                free(c);
                return -ENOMEM;
        }
        c->trigger = trigger;
        c->negate = negate;
        /* Appended at the tail the load context remembers, so a unit with
         * many conditions loads in linear time. */
        struct load_context *load = ctx->load;
        if (load->cond_dest != list || !*list || load->cond_tail->next) {
                load->cond_dest = list;
                for (load->cond_tail = *list; load->cond_tail && load->cond_tail->next;)
                        load->cond_tail = load->cond_tail->next;
        }
        *(load->cond_tail ? &load->cond_tail->next : list) = c;
        load->cond_tail = c;
        return 0;
}

int directive_parse_accept(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        return directive_parse_bool_field(ctx, value, dest, arg);
}
