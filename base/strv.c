/* String vectors; see strv.h. */
#include "base/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t strv_length(char *const *l)
{
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

void strv_free(char **l)
{
        STRV_FOREACH(s, l)
                free(*s);
        free(l);
}

int strv_consume(char ***l, char *s)
{
        size_t n = strv_length(*l);
        char **nl = realloc(*l, (n + 2) * sizeof(char *));
        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_extend(char ***l, const char *s)
{
        char *c = strdup(s);
        if (!c)
                return -ENOMEM;
        return strv_consume(l, c);
}

bool strv_contains(char *const *l, const char *s)
{
        STRV_FOREACH(i, l)
                if (strcmp(*i, s) == 0)
                        return true;
        return false;
}

char **strv_copy(char *const *l)
{
        size_t n = strv_length(l);
        char **c = calloc(n + 1, sizeof(char *));
        if (!c)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (!(c[i] = strdup(l[i]))) {
                        strv_free(c);
                        return NULL;
                }
        return c;
}

char *strv_join(char *const *l, const char *sep)
{
        size_t seplen = strlen(sep), len = 1;
        STRV_FOREACH(s, l)
                len += strlen(*s) + seplen;
        char *r = malloc(len), *p = r;
        if (!r)
                return NULL;
        *p = 0;
        STRV_FOREACH(s, l) {
                if (s != l)
                        p = stpcpy(p, sep);
                p = stpcpy(p, *s);
        }
        return r;
}
