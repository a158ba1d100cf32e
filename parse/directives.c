/* The directive table and its value parsers; see directives.h.
 *
 * Each row names a key, the sections it may appear in, where its value goes
 * (an offset from one of the config structs in core/unit.h) and the parser
 * that reads it. A parser logs a bad value as a warning ending in
 * ", ignoring" and returns 0; it returns a negative errno only when the
 * unit cannot be used at all (systemd's "bad-setting"). */
#include "parse/directives.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/macro.h"
#include "core/strv.h"
#include "parse/load.h"
#include "parse/specifier.h"
#include "parse/word.h"

enum section_mask {
        SEC_UNIT = 1 << 0,
        SEC_INSTALL = 1 << 1,
        SEC_SERVICE = 1 << 2,
        SEC_SOCKET = 1 << 3,
        SEC_EXEC = SEC_SERVICE | SEC_SOCKET, /* exec and kill settings */
};

/* Which struct a row's offset is relative to. */
enum base {
        BASE_UNIT,
        BASE_SERVICE,
        BASE_SOCKET,
        BASE_EXEC, /* the exec_context of the service or socket */
        BASE_KILL, /* the kill_context of the service or socket */
};

enum row_flags {
        EXPAND = 1 << 0, /* expand %-specifiers before parsing */
};

typedef int (*value_parser)(const struct directive_ctx *ctx, const char *value, void *dest, int arg);

struct directive {
        const char *key;
        unsigned sections;
        enum base base;
        size_t offset;
        value_parser parse;
        int arg;
        unsigned flags;
};

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

static int expand_specifiers(const struct directive_ctx *ctx, const char *in, char **ret)
{
        const struct specifier_context sc = {
                .unit_id = ctx->unit->id,
                .fragment_path = ctx->unit->fragment_path,
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
        int r = expand_specifiers(ctx, c->path, &s);
        if (r < 0)
                return r;
        free(c->path);
        c->path = s;
        for (char **a = c->argv; *a; a++) {
                r = expand_specifiers(ctx, *a, &s);
                if (r < 0)
                        return r;
                free(*a);
                *a = s;
        }
        return 0;
}

/* ---- value parsers ---- */

static int parse_string(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char **s = dest;
        char *n = NULL;
        if (*value && !(n = strdup(value)))
                return -ENOMEM;
        free(*s);
        *s = n;
        return 0;
}

static int parse_path(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        if (*value && *value != '/')
                return warn_value(ctx, value);
        return parse_string(ctx, value, dest, arg);
}

/* PIDFile=: relative paths are below /run, /var/run is /run. */
static int parse_pid_file(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char buf[4096];
        if (*value && *value != '/')
                snprintf(buf, sizeof buf, "/run/%s", value);
        else if (strncmp(value, "/var/run/", 9) == 0)
                snprintf(buf, sizeof buf, "/run/%s", value + 9);
        else
                snprintf(buf, sizeof buf, "%s", value);
        return parse_string(ctx, buf, dest, arg);
}

static int parse_bool_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int b = parse_boolean(value);
        if (b < 0)
                return warn_value(ctx, value);
        *(bool *) dest = b;
        return 0;
}

static int parse_timespan_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        uint64_t usec;
        if (parse_timespan(value, USEC_PER_SEC, &usec) < 0)
                return warn_value(ctx, value);
        *(uint64_t *) dest = usec;
        return 0;
}

/* An empty TimeoutSec= style value means "use the default": infinity-free
 * 0 would mean "no timeout" in systemd, which parse_timespan gives as 0. */
static int parse_timeout(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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

static int parse_timeout_both(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct service_config *s = ctx->unit->service;
        int r = parse_timeout(ctx, value, &s->timeout_start_usec, 1);
        if (r == 0)
                s->timeout_stop_usec = s->timeout_start_usec;
        return r;
}

static int parse_timeout_abort(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct service_config *s = ctx->unit->service;
        if (!*value) {
                s->timeout_abort_set = false;
                return 0;
        }
        int r = parse_timeout(ctx, value, &s->timeout_abort_usec, 0);
        if (r == 0)
                s->timeout_abort_set = true;
        return r;
}

static int parse_unsigned_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        unsigned u;
        if (parse_unsigned(value, &u) < 0)
                return warn_value(ctx, value);
        *(unsigned *) dest = u;
        return 0;
}

static int parse_size_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        uint64_t v;
        if (parse_size(value, &v) < 0)
                return warn_value(ctx, value);
        *(uint64_t *) dest = v;
        return 0;
}

static int parse_mode_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        mode_t m;
        if (parse_mode(value, &m) < 0)
                return warn_value(ctx, value);
        *(mode_t *) dest = m;
        return 0;
}

static int parse_signal_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int sig = signal_from_string(value);
        if (sig <= 0)
                return warn_value(ctx, value);
        *(int *) dest = sig;
        return 0;
}

/* FailureActionExitStatus= and friends: 0..255, empty unsets (-1). */
static int parse_exit_status_code(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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

static int parse_nice(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_context *c = dest;
        int v;
        if (parse_int(value, &v) < 0 || v < -20 || v > 19)
                return warn_value(ctx, value);
        c->nice = v;
        c->nice_set = true;
        return 0;
}

static int parse_oom(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_context *c = dest;
        int v;
        if (parse_int(value, &v) < 0 || v < -1000 || v > 1000)
                return warn_value(ctx, value);
        c->oom_score_adjust = v;
        c->oom_score_adjust_set = true;
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
#undef ENUM_ROW
};
enum { E_TYPE, E_RESTART, E_NOTIFY, E_KILL_MODE, E_TIMEOUT_MODE, E_EXIT_TYPE, E_ACTION, E_BIND6 };

static int parse_enum(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        int v = -1;
        for (int i = 0; i < enum_tables[arg].n && v < 0; i++) {
                const char *s = enum_tables[arg].to_string(i);
                if (s && strcmp(s, value) == 0)
                        v = i;
        }
        /* BindIPv6Only= also takes a boolean: yes is ipv6-only, no is both. */
        if (v < 0 && arg == E_BIND6 && parse_boolean(value) >= 0)
                v = parse_boolean(value) ? BIND_IPV6_ONLY_IPV6_ONLY : BIND_IPV6_ONLY_BOTH;
        if (v < 0)
                return warn_value(ctx, value);
        *(int *) dest = v;
        if (arg == E_TYPE)
                ctx->unit->service->type_set = true;
        else if (arg == E_NOTIFY)
                ctx->unit->service->notify_access_set = true;
        else if (arg == E_KILL_MODE && v == KILL_NONE) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "Unit uses KillMode=none. This is unsafe: no process of the unit but the main one "
                           "is stopped. Use KillMode=mixed or control-group; KillMode=none is deprecated.");
        }
        return 0;
}

/* Space-separated items appended to a strv; empty resets. arg: 1 to
 * require absolute paths, 2 to require unit names. */
enum { LIST_ANY, LIST_PATHS, LIST_UNITS };

static int parse_list(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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
                if ((arg == LIST_PATHS && word[0] != '/') ||
                    (arg == LIST_UNITS && !unit_name_is_valid(word, UNIT_NAME_ANY))) {
                        ctx->load->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                                   "%s= item is not valid, ignoring: %s", ctx->key, word);
                        free(word);
                        continue;
                }
                r = strv_consume(l, word);
                if (r < 0)
                        return r;
        }
}

/* The whole value is one item (EnvironmentFile=, RequiresMountsFor= use
 * lists, but EnvironmentFile= takes one path per assignment). */
static int parse_append_one(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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
        return strv_extend(l, value);
}

static bool env_name_is_valid(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z')))
                        return false;
        return true;
}

/* Set K=V in an environment strv, replacing an earlier K. */
static int env_set(char ***env, char *assignment)
{
        size_t klen = strcspn(assignment, "=");
        for (char **e = *env; e && *e; e++)
                if (strncmp(*e, assignment, klen) == 0 && (*e)[klen] == '=') {
                        free(*e);
                        *e = assignment;
                        return 0;
                }
        return strv_consume(env, assignment);
}

static int parse_environment(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char ***env = dest;
        const char *p = value;
        int r;

        if (!*value) {
                strv_free(*env);
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
                        ctx->load->n_warnings++;
                        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                                   "Invalid environment assignment, ignoring: %s", word);
                        free(word);
                        continue;
                }
                r = env_set(env, word);
                if (r < 0)
                        return r;
        }
}

static int parse_dependency(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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

static int parse_exec(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_command **list = dest, *c = NULL;
        char *error = NULL;

        if (!*value) {
                exec_command_free_list(*list);
                *list = NULL;
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
        while (*list)
                list = &(*list)->next;
        *list = c;
        return 0;
}

static int parse_exit_status(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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

static int parse_rlimit_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct exec_context *c = dest;
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
static int parse_std(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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

        char **path = arg == 0 ? &c->std_input_path : arg == 1 ? &c->std_output_path : &c->std_error_path;
        char *copy = NULL;
        if (param && !(copy = strdup(param)))
                return -ENOMEM;
        free(*path);
        *path = copy;
        if (arg == 0)
                c->std_input = v;
        else if (arg == 1)
                c->std_output = v;
        else
                c->std_error = v;
        return 0;
}

static int parse_working_directory(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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
        int r = parse_string(ctx, path, &c->working_directory, 0);
        if (r == 0)
                c->working_directory_missing_ok = missing_ok;
        return r;
}

static int parse_listen(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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
static int parse_fd_name(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        size_t n = strlen(value);
        if (n > 255)
                return warn_value(ctx, value);
        for (size_t i = 0; i < n; i++)
                if (value[i] == ':' || (unsigned char) value[i] < 0x20 || value[i] == 0x7f)
                        return warn_value(ctx, value);
        return parse_string(ctx, value, dest, arg);
}

static int parse_unit_name_field(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        if (*value && !unit_name_is_valid(value, arg))
                return warn_value(ctx, value);
        return parse_string(ctx, value, dest, 0);
}

static int parse_condition(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
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
        while (*list)
                list = &(*list)->next;
        *list = c;
        return 0;
}

static int parse_accept(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        return parse_bool_field(ctx, value, dest, arg);
}

/* ---- the table ---- */

#define U(field) BASE_UNIT, offsetof(struct unit, field)
#define SV(field) BASE_SERVICE, offsetof(struct service_config, field)
#define SK(field) BASE_SOCKET, offsetof(struct socket_config, field)
#define EX(field) BASE_EXEC, offsetof(struct exec_context, field)
#define KL(field) BASE_KILL, offsetof(struct kill_context, field)
#define EXALL BASE_EXEC, 0

static const struct directive directives[] = {
        /* [Unit] */
        { "Description", SEC_UNIT, U(description), parse_string, 0, EXPAND },
        { "Documentation", SEC_UNIT, U(documentation), parse_list, LIST_ANY, EXPAND },
        { "Requires", SEC_UNIT, U(edges), parse_dependency, UNIT_REQUIRES, EXPAND },
        { "RequiresOverridable", SEC_UNIT, U(edges), parse_dependency, UNIT_REQUIRES, EXPAND },
        { "Requisite", SEC_UNIT, U(edges), parse_dependency, UNIT_REQUISITE, EXPAND },
        { "RequisiteOverridable", SEC_UNIT, U(edges), parse_dependency, UNIT_REQUISITE, EXPAND },
        { "Wants", SEC_UNIT, U(edges), parse_dependency, UNIT_WANTS, EXPAND },
        { "BindsTo", SEC_UNIT, U(edges), parse_dependency, UNIT_BINDS_TO, EXPAND },
        { "BindTo", SEC_UNIT, U(edges), parse_dependency, UNIT_BINDS_TO, EXPAND },
        { "PartOf", SEC_UNIT, U(edges), parse_dependency, UNIT_PART_OF, EXPAND },
        { "Upholds", SEC_UNIT, U(edges), parse_dependency, UNIT_UPHOLDS, EXPAND },
        { "Conflicts", SEC_UNIT, U(edges), parse_dependency, UNIT_CONFLICTS, EXPAND },
        { "Before", SEC_UNIT, U(edges), parse_dependency, UNIT_BEFORE, EXPAND },
        { "After", SEC_UNIT, U(edges), parse_dependency, UNIT_AFTER, EXPAND },
        { "OnFailure", SEC_UNIT, U(edges), parse_dependency, UNIT_ON_FAILURE, EXPAND },
        { "OnSuccess", SEC_UNIT, U(edges), parse_dependency, UNIT_ON_SUCCESS, EXPAND },
        { "PropagatesReloadTo", SEC_UNIT, U(edges), parse_dependency, UNIT_PROPAGATES_RELOAD_TO, EXPAND },
        { "PropagateReloadTo", SEC_UNIT, U(edges), parse_dependency, UNIT_PROPAGATES_RELOAD_TO, EXPAND },
        { "ReloadPropagatedFrom", SEC_UNIT, U(edges), parse_dependency, UNIT_RELOAD_PROPAGATED_FROM, EXPAND },
        { "PropagateReloadFrom", SEC_UNIT, U(edges), parse_dependency, UNIT_RELOAD_PROPAGATED_FROM, EXPAND },
        { "PropagatesStopTo", SEC_UNIT, U(edges), parse_dependency, UNIT_PROPAGATES_STOP_TO, EXPAND },
        { "StopPropagatedFrom", SEC_UNIT, U(edges), parse_dependency, UNIT_STOP_PROPAGATED_FROM, EXPAND },
        { "DefaultDependencies", SEC_UNIT, U(default_dependencies), parse_bool_field, 0, 0 },
        { "RefuseManualStart", SEC_UNIT, U(refuse_manual_start), parse_bool_field, 0, 0 },
        { "RefuseManualStop", SEC_UNIT, U(refuse_manual_stop), parse_bool_field, 0, 0 },
        { "AllowIsolate", SEC_UNIT, U(allow_isolate), parse_bool_field, 0, 0 },
        { "StopWhenUnneeded", SEC_UNIT, U(stop_when_unneeded), parse_bool_field, 0, 0 },
        { "IgnoreOnIsolate", SEC_UNIT, U(ignore_on_isolate), parse_bool_field, 0, 0 },
        { "StartLimitIntervalSec", SEC_UNIT, U(start_limit_interval_usec), parse_timespan_field, 0, 0 },
        { "StartLimitInterval", SEC_UNIT | SEC_SERVICE, U(start_limit_interval_usec), parse_timespan_field, 0, 0 },
        { "StartLimitBurst", SEC_UNIT | SEC_SERVICE, U(start_limit_burst), parse_unsigned_field, 0, 0 },
        { "StartLimitAction", SEC_UNIT | SEC_SERVICE, U(start_limit_action), parse_enum, E_ACTION, 0 },
        { "FailureAction", SEC_UNIT | SEC_SERVICE, U(failure_action), parse_enum, E_ACTION, 0 },
        { "SuccessAction", SEC_UNIT, U(success_action), parse_enum, E_ACTION, 0 },
        { "FailureActionExitStatus", SEC_UNIT, U(failure_action_exit_status), parse_exit_status_code, 0, 0 },
        { "SuccessActionExitStatus", SEC_UNIT, U(success_action_exit_status), parse_exit_status_code, 0, 0 },
        { "JobTimeoutSec", SEC_UNIT, U(job_timeout_usec), parse_timespan_field, 0, 0 },
        { "JobRunningTimeoutSec", SEC_UNIT, U(job_running_timeout_usec), parse_timespan_field, 0, 0 },
        { "JobTimeoutAction", SEC_UNIT, U(job_timeout_action), parse_enum, E_ACTION, 0 },
        { "RebootArgument", SEC_UNIT | SEC_SERVICE, U(reboot_argument), parse_string, 0, 0 },
        { "SourcePath", SEC_UNIT, U(source_path), parse_path, 0, EXPAND },
        { "RequiresMountsFor", SEC_UNIT, U(requires_mounts_for), parse_list, LIST_PATHS, EXPAND },
        { "Condition*", SEC_UNIT, U(conditions), parse_condition, 0, EXPAND },
        { "Assert*", SEC_UNIT, U(asserts), parse_condition, 0, EXPAND },

        /* [Install] */
        { "WantedBy", SEC_INSTALL, U(install_wanted_by), parse_list, LIST_UNITS, EXPAND },
        { "RequiredBy", SEC_INSTALL, U(install_required_by), parse_list, LIST_UNITS, EXPAND },
        { "Alias", SEC_INSTALL, U(install_alias), parse_list, LIST_UNITS, EXPAND },
        { "Also", SEC_INSTALL, U(install_also), parse_list, LIST_UNITS, EXPAND },
        { "DefaultInstance", SEC_INSTALL, U(default_instance), parse_string, 0, EXPAND },

        /* [Service] */
        { "Type", SEC_SERVICE, SV(type), parse_enum, E_TYPE, 0 },
        { "Restart", SEC_SERVICE, SV(restart), parse_enum, E_RESTART, 0 },
        { "RemainAfterExit", SEC_SERVICE, SV(remain_after_exit), parse_bool_field, 0, 0 },
        { "GuessMainPID", SEC_SERVICE, SV(guess_main_pid), parse_bool_field, 0, 0 },
        { "PIDFile", SEC_SERVICE, SV(pid_file), parse_pid_file, 0, EXPAND },
        { "BusName", SEC_SERVICE, SV(bus_name), parse_string, 0, EXPAND },
        { "ExecCondition", SEC_SERVICE, SV(exec[SERVICE_EXEC_CONDITION]), parse_exec, 0, 0 },
        { "ExecStartPre", SEC_SERVICE, SV(exec[SERVICE_EXEC_START_PRE]), parse_exec, 0, 0 },
        { "ExecStart", SEC_SERVICE, SV(exec[SERVICE_EXEC_START]), parse_exec, 0, 0 },
        { "ExecStartPost", SEC_SERVICE, SV(exec[SERVICE_EXEC_START_POST]), parse_exec, 0, 0 },
        { "ExecReload", SEC_SERVICE, SV(exec[SERVICE_EXEC_RELOAD]), parse_exec, 0, 0 },
        { "ExecStop", SEC_SERVICE, SV(exec[SERVICE_EXEC_STOP]), parse_exec, 0, 0 },
        { "ExecStopPost", SEC_SERVICE, SV(exec[SERVICE_EXEC_STOP_POST]), parse_exec, 0, 0 },
        { "RestartSec", SEC_SERVICE, SV(restart_usec), parse_timespan_field, 0, 0 },
        { "TimeoutStartSec", SEC_SERVICE, SV(timeout_start_usec), parse_timeout, 1, 0 },
        { "TimeoutStopSec", SEC_SERVICE, SV(timeout_stop_usec), parse_timeout, 0, 0 },
        { "TimeoutSec", SEC_SERVICE, SV(timeout_start_usec), parse_timeout_both, 0, 0 },
        { "TimeoutAbortSec", SEC_SERVICE, SV(timeout_abort_usec), parse_timeout_abort, 0, 0 },
        { "TimeoutStartFailureMode", SEC_SERVICE, SV(timeout_start_failure_mode), parse_enum, E_TIMEOUT_MODE, 0 },
        { "TimeoutStopFailureMode", SEC_SERVICE, SV(timeout_stop_failure_mode), parse_enum, E_TIMEOUT_MODE, 0 },
        { "RuntimeMaxSec", SEC_SERVICE, SV(runtime_max_usec), parse_timeout, 0, 0 },
        { "WatchdogSec", SEC_SERVICE, SV(watchdog_usec), parse_timespan_field, 0, 0 },
        { "SuccessExitStatus", SEC_SERVICE, SV(success_status), parse_exit_status, 0, 0 },
        { "RestartPreventExitStatus", SEC_SERVICE, SV(restart_prevent_status), parse_exit_status, 0, 0 },
        { "RestartForceExitStatus", SEC_SERVICE, SV(restart_force_status), parse_exit_status, 0, 0 },
        { "NotifyAccess", SEC_SERVICE, SV(notify_access), parse_enum, E_NOTIFY, 0 },
        { "FileDescriptorStoreMax", SEC_SERVICE, SV(fd_store_max), parse_unsigned_field, 0, 0 },
        { "ExitType", SEC_SERVICE, SV(exit_type), parse_enum, E_EXIT_TYPE, 0 },
        { "Sockets", SEC_SERVICE, SV(sockets), parse_list, LIST_UNITS, EXPAND },

        /* [Socket] */
        { "ListenStream", SEC_SOCKET, SK(listen), parse_listen, LISTEN_STREAM, EXPAND },
        { "ListenDatagram", SEC_SOCKET, SK(listen), parse_listen, LISTEN_DATAGRAM, EXPAND },
        { "ListenSequentialPacket", SEC_SOCKET, SK(listen), parse_listen, LISTEN_SEQPACKET, EXPAND },
        { "ListenFIFO", SEC_SOCKET, SK(listen), parse_listen, LISTEN_FIFO, EXPAND },
        { "ListenSpecial", SEC_SOCKET, SK(listen), parse_listen, LISTEN_SPECIAL, EXPAND },
        { "ListenNetlink", SEC_SOCKET, SK(listen), parse_listen, LISTEN_NETLINK, EXPAND },
        { "Accept", SEC_SOCKET, SK(accept), parse_accept, 0, 0 },
        { "MaxConnections", SEC_SOCKET, SK(max_connections), parse_unsigned_field, 0, 0 },
        { "MaxConnectionsPerSource", SEC_SOCKET, SK(max_connections_per_source), parse_unsigned_field, 0, 0 },
        { "Service", SEC_SOCKET, SK(service), parse_unit_name_field, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE, EXPAND },
        { "FileDescriptorName", SEC_SOCKET, SK(fd_name), parse_fd_name, 0, EXPAND },
        { "SocketMode", SEC_SOCKET, SK(socket_mode), parse_mode_field, 0, 0 },
        { "DirectoryMode", SEC_SOCKET, SK(directory_mode), parse_mode_field, 0, 0 },
        { "SocketUser", SEC_SOCKET, SK(socket_user), parse_string, 0, EXPAND },
        { "SocketGroup", SEC_SOCKET, SK(socket_group), parse_string, 0, EXPAND },
        { "Backlog", SEC_SOCKET, SK(backlog), parse_unsigned_field, 0, 0 },
        { "BindIPv6Only", SEC_SOCKET, SK(bind_ipv6_only), parse_enum, E_BIND6, 0 },
        { "ReusePort", SEC_SOCKET, SK(reuse_port), parse_bool_field, 0, 0 },
        { "FreeBind", SEC_SOCKET, SK(free_bind), parse_bool_field, 0, 0 },
        { "Transparent", SEC_SOCKET, SK(transparent), parse_bool_field, 0, 0 },
        { "Broadcast", SEC_SOCKET, SK(broadcast), parse_bool_field, 0, 0 },
        { "RemoveOnStop", SEC_SOCKET, SK(remove_on_stop), parse_bool_field, 0, 0 },
        { "PassCredentials", SEC_SOCKET, SK(pass_credentials), parse_bool_field, 0, 0 },
        { "PassSecurity", SEC_SOCKET, SK(pass_security), parse_bool_field, 0, 0 },
        { "KeepAlive", SEC_SOCKET, SK(keep_alive), parse_bool_field, 0, 0 },
        { "NoDelay", SEC_SOCKET, SK(no_delay), parse_bool_field, 0, 0 },
        { "Writable", SEC_SOCKET, SK(writable), parse_bool_field, 0, 0 },
        { "FlushPending", SEC_SOCKET, SK(flush_pending), parse_bool_field, 0, 0 },
        { "Symlinks", SEC_SOCKET, SK(symlinks), parse_list, LIST_PATHS, EXPAND },
        { "TriggerLimitIntervalSec", SEC_SOCKET, SK(trigger_limit_interval_usec), parse_timespan_field, 0, 0 },
        { "TriggerLimitBurst", SEC_SOCKET, SK(trigger_limit_burst), parse_unsigned_field, 0, 0 },
        { "ReceiveBuffer", SEC_SOCKET, SK(receive_buffer), parse_size_field, 0, 0 },
        { "SendBuffer", SEC_SOCKET, SK(send_buffer), parse_size_field, 0, 0 },
        { "DeferAcceptSec", SEC_SOCKET, SK(defer_accept_usec), parse_timespan_field, 0, 0 },
        { "TimeoutSec", SEC_SOCKET, SK(timeout_usec), parse_timeout, 0, 0 },
        { "ExecStartPre", SEC_SOCKET, SK(exec[SOCKET_EXEC_START_PRE]), parse_exec, 0, 0 },
        { "ExecStartPost", SEC_SOCKET, SK(exec[SOCKET_EXEC_START_POST]), parse_exec, 0, 0 },
        { "ExecStopPre", SEC_SOCKET, SK(exec[SOCKET_EXEC_STOP_PRE]), parse_exec, 0, 0 },
        { "ExecStopPost", SEC_SOCKET, SK(exec[SOCKET_EXEC_STOP_POST]), parse_exec, 0, 0 },

        /* Execution environment, in [Service] and [Socket] */
        { "Environment", SEC_EXEC, EX(environment), parse_environment, 0, EXPAND },
        { "EnvironmentFile", SEC_EXEC, EX(environment_files), parse_append_one, 0, EXPAND },
        { "PassEnvironment", SEC_EXEC, EX(pass_environment), parse_list, LIST_ANY, EXPAND },
        { "UnsetEnvironment", SEC_EXEC, EX(unset_environment), parse_list, LIST_ANY, EXPAND },
        { "User", SEC_EXEC, EX(user), parse_string, 0, EXPAND },
        { "Group", SEC_EXEC, EX(group), parse_string, 0, EXPAND },
        { "SupplementaryGroups", SEC_EXEC, EX(supplementary_groups), parse_list, LIST_ANY, EXPAND },
        { "WorkingDirectory", SEC_EXEC, EXALL, parse_working_directory, 0, EXPAND },
        { "RootDirectory", SEC_EXEC, EX(root_directory), parse_path, 0, EXPAND },
        { "UMask", SEC_EXEC, EX(umask), parse_mode_field, 0, 0 },
        { "StandardInput", SEC_EXEC, EXALL, parse_std, 0, EXPAND },
        { "StandardOutput", SEC_EXEC, EXALL, parse_std, 1, EXPAND },
        { "StandardError", SEC_EXEC, EXALL, parse_std, 2, EXPAND },
        { "Nice", SEC_EXEC, EXALL, parse_nice, 0, 0 },
        { "OOMScoreAdjust", SEC_EXEC, EXALL, parse_oom, 0, 0 },
        { "IgnoreSIGPIPE", SEC_EXEC, EX(ignore_sigpipe), parse_bool_field, 0, 0 },
        { "TTYPath", SEC_EXEC, EX(tty_path), parse_path, 0, EXPAND },
        { "SyslogIdentifier", SEC_EXEC, EX(syslog_identifier), parse_string, 0, EXPAND },
        { "RuntimeDirectory", SEC_EXEC, EX(runtime_directory), parse_list, LIST_ANY, EXPAND },
        { "StateDirectory", SEC_EXEC, EX(state_directory), parse_list, LIST_ANY, EXPAND },
        { "CacheDirectory", SEC_EXEC, EX(cache_directory), parse_list, LIST_ANY, EXPAND },
        { "LogsDirectory", SEC_EXEC, EX(logs_directory), parse_list, LIST_ANY, EXPAND },
        { "ConfigurationDirectory", SEC_EXEC, EX(configuration_directory), parse_list, LIST_ANY, EXPAND },
        { "RuntimeDirectoryMode", SEC_EXEC, EX(runtime_directory_mode), parse_mode_field, 0, 0 },
        { "StateDirectoryMode", SEC_EXEC, EX(state_directory_mode), parse_mode_field, 0, 0 },
        { "CacheDirectoryMode", SEC_EXEC, EX(cache_directory_mode), parse_mode_field, 0, 0 },
        { "LogsDirectoryMode", SEC_EXEC, EX(logs_directory_mode), parse_mode_field, 0, 0 },
        { "ConfigurationDirectoryMode", SEC_EXEC, EX(configuration_directory_mode), parse_mode_field, 0, 0 },
        { "LimitCPU", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_CPU, 0 },
        { "LimitFSIZE", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_FSIZE, 0 },
        { "LimitDATA", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_DATA, 0 },
        { "LimitSTACK", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_STACK, 0 },
        { "LimitCORE", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_CORE, 0 },
        { "LimitRSS", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_RSS, 0 },
        { "LimitNOFILE", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_NOFILE, 0 },
        { "LimitAS", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_AS, 0 },
        { "LimitNPROC", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_NPROC, 0 },
        { "LimitMEMLOCK", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_MEMLOCK, 0 },
        { "LimitLOCKS", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_LOCKS, 0 },
        { "LimitSIGPENDING", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_SIGPENDING, 0 },
        { "LimitMSGQUEUE", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_MSGQUEUE, 0 },
        { "LimitNICE", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_NICE, 0 },
        { "LimitRTPRIO", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_RTPRIO, 0 },
        { "LimitRTTIME", SEC_EXEC, EXALL, parse_rlimit_field, RLIMIT_RTTIME, 0 },

        /* Killing, in [Service] and [Socket] */
        { "KillMode", SEC_EXEC, KL(kill_mode), parse_enum, E_KILL_MODE, 0 },
        { "KillSignal", SEC_EXEC, KL(kill_signal), parse_signal_field, 0, 0 },
        { "RestartKillSignal", SEC_EXEC, KL(restart_kill_signal), parse_signal_field, 0, 0 },
        { "FinalKillSignal", SEC_EXEC, KL(final_kill_signal), parse_signal_field, 0, 0 },
        { "WatchdogSignal", SEC_EXEC, KL(watchdog_signal), parse_signal_field, 0, 0 },
        { "SendSIGKILL", SEC_EXEC, KL(send_sigkill), parse_bool_field, 0, 0 },
        { "SendSIGHUP", SEC_EXEC, KL(send_sighup), parse_bool_field, 0, 0 },
};

#undef U
#undef SV
#undef SK
#undef EX
#undef KL
#undef EXALL

extern const char *const directive_unsupported[];
extern const size_t directive_unsupported_count;

static unsigned section_bit(const char *section)
{
        static const struct {
                const char *name;
                unsigned bit;
        } sections[] = {
                { "Unit", SEC_UNIT },
                { "Install", SEC_INSTALL },
                { "Service", SEC_SERVICE },
                { "Socket", SEC_SOCKET },
        };
        for (size_t i = 0; i < ELEMENTSOF(sections); i++)
                if (strcmp(section, sections[i].name) == 0)
                        return sections[i].bit;
        return 0;
}

int directive_section_known(enum unit_type type, const char *section)
{
        unsigned bit = section_bit(section);
        return bit == SEC_UNIT || bit == SEC_INSTALL || (bit == SEC_SERVICE && type == UNIT_SERVICE) ||
               (bit == SEC_SOCKET && type == UNIT_SOCKET);
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Is Section.Key one of systemd's directives? */
static bool is_systemd_directive(const char *section, const char *key)
{
        char name[256];
        const char *p = name;
        snprintf(name, sizeof name, "%s.%s", section, key);
        return bsearch(&p, directive_unsupported, directive_unsupported_count, sizeof(char *), compare_names);
}

/* "Condition*" rows take every condition systemd knows, and only those. */
static bool key_matches(const char *pattern, const char *section, const char *key)
{
        size_t n = strlen(pattern);
        if (pattern[n - 1] == '*')
                return strncmp(pattern, key, n - 1) == 0 && is_systemd_directive(section, key);
        return strcmp(pattern, key) == 0;
}

static const struct directive *find_directive(const char *section, const char *key)
{
        unsigned bit = section_bit(section);
        for (size_t i = 0; i < ELEMENTSOF(directives); i++)
                if ((directives[i].sections & bit) && key_matches(directives[i].key, section, key))
                        return &directives[i];
        return NULL;
}

static void *destination(const struct directive *d, struct unit *u, unsigned section)
{
        char *base;
        switch (d->base) {
        case BASE_UNIT:
                base = (char *) u;
                break;
        case BASE_SERVICE:
                base = (char *) u->service;
                break;
        case BASE_SOCKET:
                base = (char *) u->socket;
                break;
        case BASE_EXEC:
                base = section == SEC_SERVICE ? (char *) &u->service->exec_ctx : (char *) &u->socket->exec_ctx;
                break;
        case BASE_KILL:
                base = section == SEC_SERVICE ? (char *) &u->service->kill : (char *) &u->socket->kill;
                break;
        default:
                return NULL;
        }
        return base + d->offset;
}

int directive_apply(const struct directive_ctx *ctx, const char *value)
{
        unsigned section = section_bit(ctx->section);
        const struct directive *d;
        char *expanded = NULL;
        int r;

        d = find_directive(ctx->section, ctx->key);
        if (!d) {
                if (is_systemd_directive(ctx->section, ctx->key)) {
                        log_syntax(LOG_LEVEL_DEBUG, 0, ctx->file, ctx->line,
                                   "%s= in section [%s] is not supported by weft, ignoring.", ctx->key,
                                   ctx->section);
                        return 0;
                }
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "Unknown key '%s' in section [%s], ignoring.", ctx->key, ctx->section);
                return 0;
        }
        if (d->flags & EXPAND) {
                r = expand_specifiers(ctx, value, &expanded);
                if (r < 0)
                        return r == -ENOMEM ? r : 0;
                value = expanded;
        }
        r = d->parse(ctx, value, destination(d, ctx->unit, section), d->arg);
        free(expanded);
        return r;
}
