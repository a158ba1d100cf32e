/* Environment assignments: whether a name may be a variable's name, and
 * building a "K=V" strv where a later assignment of K replaces the earlier
 * one in place (first position, last value, as systemd's
 * strv_env_replace). Used by the Environment= parser
 * (parse/directive_parsers.c), the EnvironmentFile= reader
 * (parse/env_file.c) and the building of a command's environment
 * (workers/exec_context.c).
 *
 * The builder keeps a hash index of the names next to the vector, so n
 * assignments cost O(n) however many share a name: a unit with 100,000
 * Environment= lines loads and spawns in milliseconds, not minutes. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Is the n-character name s a valid variable name ([A-Za-z_][A-Za-z0-9_]*)? */
bool env_name_is_valid(const char *s, size_t n);

/* The checks of the manager's environment block (SetEnvironment,
 * UnsetEnvironment), as systemd's env-util: "K=V" with a valid name and a
 * value of valid UTF-8 (control characters allowed), no longer than
 * ARG_MAX leaves room for. */
bool env_assignment_is_valid(const char *e);
/* Every entry an assignment, no name twice (systemd's strv_env_is_valid). */
bool env_assignments_are_valid(char *const *l);
/* Every entry a name or an assignment, none twice. */
bool env_names_or_assignments_are_valid(char *const *l);

struct env_builder {
        char **v;        /* the vector, NULL-terminated (NULL while empty) */
        size_t n;        /* entries in v */
        size_t cap;      /* entries v has room for, its NULL not counted */
        size_t *slots;   /* open addressing over the names: index into v + 1, 0 free */
        size_t n_slots;  /* a power of two, or 0 */
        char sep;        /* what ends a key: '=' (when 0), or ':' for "ID:..." credentials */
};

/* Start from v (taken over; may be NULL). Its names are indexed; a name
 * v holds twice is found at its later position. b's sep stays. 0 or
 * -ENOMEM (v is then still the builder's: release or free it). */
int env_builder_adopt(struct env_builder *b, char **v);
/* Add "K=V" (consumed, also on failure), replacing an earlier K in place. */
int env_builder_put(struct env_builder *b, char *assignment);
int env_builder_put_copy(struct env_builder *b, const char *assignment);
int env_builder_put_pair(struct env_builder *b, const char *key, const char *value);
/* The value of name, or NULL. */
const char *env_builder_get(const struct env_builder *b, const char *name);
/* Drop the index and hand back the vector (NULL if empty); b is empty
 * after, its sep kept. */
char **env_builder_release(struct env_builder *b);
/* Free the index and the vector. */
void env_builder_done(struct env_builder *b);

/* Remove every entry matching spec: a name ("K") or an exact "K=V". */
void env_unset(char **env, const char *spec);
