/* The value parsers of the directive table (parse/directives.c): one per
 * kind of setting, each reading one assignment's value into its
 * destination. Internal to the loader: only directives.c calls them.
 *
 * Every parser has the same shape: dest is the field the table row points
 * at, arg the row's argument (an enum table, a list kind, a dependency
 * type, a limit, a stdio stream...). A bad value is a warning ending in
 * ", ignoring" and 0; a negative errno means the unit cannot be used. */
#pragma once
#include "parse/directives.h"

/* arg of directive_parse_enum(): which string table the value is from. */
enum {
        DIRECTIVE_ENUM_TYPE,
        DIRECTIVE_ENUM_RESTART,
        DIRECTIVE_ENUM_NOTIFY,
        DIRECTIVE_ENUM_KILL_MODE,
        DIRECTIVE_ENUM_TIMEOUT_MODE,
        DIRECTIVE_ENUM_EXIT_TYPE,
        DIRECTIVE_ENUM_ACTION,
        DIRECTIVE_ENUM_BIND6,
        DIRECTIVE_ENUM_PRESERVE,
        DIRECTIVE_ENUM_PROTECT_SYSTEM,
        DIRECTIVE_ENUM_PROTECT_HOME,
        DIRECTIVE_ENUM_COLLECT,
};

/* arg of directive_parse_list(): what each item must be. */
enum { DIRECTIVE_LIST_ANY, DIRECTIVE_LIST_PATHS, DIRECTIVE_LIST_UNITS, DIRECTIVE_LIST_EXEC_DIRS,
       DIRECTIVE_LIST_NAMESPACE_PATHS /* ReadWritePaths=...: "-" and "+" prefixes, then absolute */ };

/* Expand the %-specifiers of in into *ret; a bad specifier is logged as a
 * warning (", ignoring.") and returned as a negative errno. */
int directive_expand_specifiers(const struct directive_ctx *ctx, const char *in, char **ret);

#define DIRECTIVE_PARSER(name) \
        int directive_parse_##name(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
DIRECTIVE_PARSER(string);
DIRECTIVE_PARSER(path);
DIRECTIVE_PARSER(located_path);
DIRECTIVE_PARSER(pid_file);
DIRECTIVE_PARSER(bool_field);
DIRECTIVE_PARSER(timespan_field);
DIRECTIVE_PARSER(timeout);
DIRECTIVE_PARSER(timeout_both);
DIRECTIVE_PARSER(timeout_abort);
DIRECTIVE_PARSER(job_timeout);
DIRECTIVE_PARSER(unsigned_field);
DIRECTIVE_PARSER(int_field);
DIRECTIVE_PARSER(size_field);
DIRECTIVE_PARSER(mode_field);
DIRECTIVE_PARSER(signal_field);
DIRECTIVE_PARSER(exit_status_code);
DIRECTIVE_PARSER(nice);
DIRECTIVE_PARSER(oom);
DIRECTIVE_PARSER(enum);
DIRECTIVE_PARSER(enum8); /* the same into a uint8_t: struct service_config keeps its enums in bytes */
DIRECTIVE_PARSER(list);
DIRECTIVE_PARSER(append_one);
DIRECTIVE_PARSER(environment);
DIRECTIVE_PARSER(dependency);
DIRECTIVE_PARSER(exec);
DIRECTIVE_PARSER(exit_status);
DIRECTIVE_PARSER(rlimit_field);
DIRECTIVE_PARSER(std);
/* SyslogLevel= (arg 0) and SyslogFacility= (arg 1) into one syslog priority. */
DIRECTIVE_PARSER(syslog);
DIRECTIVE_PARSER(working_directory);
DIRECTIVE_PARSER(listen);
DIRECTIVE_PARSER(fd_name);
DIRECTIVE_PARSER(unit_name_field);
DIRECTIVE_PARSER(condition);
DIRECTIVE_PARSER(accept);
/* parse/load_timer.c */
DIRECTIVE_PARSER(timer_value);
DIRECTIVE_PARSER(timer_accuracy);
DIRECTIVE_PARSER(path_spec); /* parse/load_path.c */
DIRECTIVE_PARSER(capability_set); /* parse/capability.c; arg 1: the bounding set */
#undef DIRECTIVE_PARSER

/* LoadCredential=, SetCredential= (parse/directive_credential.c). */
int directive_parse_load_credential(const struct directive_ctx *ctx, const char *value, void *dest, int arg);
int directive_parse_set_credential(const struct directive_ctx *ctx, const char *value, void *dest, int arg);
