/* Environment names and "K=V" vectors; see env.h. */
#include "parse/env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strv.h"

/* ASCII only, whatever the locale. */
bool env_name_is_valid(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z')))
                        return false;
        return true;
}

/* Add "K=V" (consumed), replacing an earlier assignment of K in place. */
int env_put(char ***env, char *assignment)
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

int env_put_copy(char ***env, const char *assignment)
{
        char *s = strdup(assignment);
        if (!s)
                return -ENOMEM;
        return env_put(env, s);
}

int env_put_pair(char ***env, const char *key, const char *value)
{
        char *s;
        if (asprintf(&s, "%s=%s", key, value) < 0)
                return -ENOMEM;
        return env_put(env, s);
}

/* Remove every entry matching spec: a name ("K") or an exact "K=V". */
void env_unset(char **env, const char *spec)
{
        bool exact = strchr(spec, '=') != NULL;
        size_t klen = strlen(spec), j = 0;

        for (size_t i = 0; env && env[i]; i++) {
                bool match = exact ? strcmp(env[i], spec) == 0
                                   : strncmp(env[i], spec, klen) == 0 && env[i][klen] == '=';
                if (match)
                        free(env[i]);
                else
                        env[j++] = env[i];
        }
        if (env)
                env[j] = NULL;
}
