/* NULL-terminated string vectors (char **), the list type of unit settings.
 * Every function that grows a vector returns 0 or -ENOMEM and leaves the
 * vector valid on failure. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

size_t strv_length(char *const *l);
void strv_free(char **l);
/* Append a copy of s. *l may be NULL (an empty vector). */
int strv_extend(char ***l, const char *s);
/* Append s itself; on failure s is freed. */
int strv_consume(char ***l, char *s);
bool strv_contains(char *const *l, const char *s);
char **strv_copy(char *const *l);
/* Join with sep; NULL on -ENOMEM. An empty or NULL vector gives "". */
char *strv_join(char *const *l, const char *sep);

#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
