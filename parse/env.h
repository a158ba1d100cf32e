/* Environment assignments: whether a name may be a variable's name, and
 * editing a "K=V" strv where a later assignment of K replaces the earlier
 * one in place. Used by the Environment= parser (parse/directive_parsers.c),
 * the EnvironmentFile= reader (parse/env_file.c) and the building of a
 * command's environment (workers/exec_context.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Is the n-character name s a valid variable name ([A-Za-z_][A-Za-z0-9_]*)? */
bool env_name_is_valid(const char *s, size_t n);

/* Add "K=V" (consumed), replacing an earlier assignment of K in place. */
int env_put(char ***env, char *assignment);
int env_put_copy(char ***env, const char *assignment);
int env_put_pair(char ***env, const char *key, const char *value);

/* Remove every entry matching spec: a name ("K") or an exact "K=V". */
void env_unset(char **env, const char *spec);
