/* Reading for the Condition*= tests (condition_*.c): files under
 * condition_env's root prefix, the manager's environment and the kernel
 * command line. Small blocking reads, no state. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/condition_internal.h"
#include "parse/word.h"

extern char **environ;

/* ---- reading files under the root prefix ---- */

int condition_root_path(const struct condition_env *env, const char *path, char *buf, size_t n)
{
        const char *root = env && env->root ? env->root : "";
        int k = snprintf(buf, n, "%s%s", root, path);
        return k < 0 || (size_t) k >= n ? -ENAMETOOLONG : 0;
}

/* The whole of a file, NUL-terminated, malloc'd (at most 1 MiB). */
static int read_full(const char *path, char **ret)
{
        FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        size_t cap = 4096, len = 0;
        char *buf = malloc(cap);
        int r = 0;
        while (buf) {
                len += fread(buf + len, 1, cap - 1 - len, f);
                if (len < cap - 1 || cap >= (1u << 20))
                        break;
                char *bigger = realloc(buf, cap * 2);
                if (!bigger) {
                        free(buf);
                        buf = NULL;
                        break;
                }
                buf = bigger;
                cap *= 2;
        }
        if (!buf)
                r = -ENOMEM;
        else if (ferror(f)) {
                r = -EIO;
                free(buf);
        } else {
                buf[len] = 0;
                *ret = buf;
        }
        fclose(f);
        return r;
}

int condition_read_root_file(const struct condition_env *env, const char *path, char **ret)
{
        char p[PATH_MAX];
        int r = condition_root_path(env, path, p, sizeof p);
        return r < 0 ? r : read_full(p, ret);
}

/* The first line of a small file, trailing whitespace removed. */
int condition_read_line(const struct condition_env *env, const char *path, char *buf, size_t n)
{
        char p[PATH_MAX];
        int r = condition_root_path(env, path, p, sizeof p);
        if (r < 0)
                return r;
        FILE *f = fopen(p, "re");
        if (!f)
                return -errno;
        if (!fgets(buf, (int) n, f))
                buf[0] = 0;
        fclose(f);
        size_t len = strcspn(buf, "\n");
        while (len > 0 && isspace((unsigned char) buf[len - 1]))
                len--;
        buf[len] = 0;
        return 0;
}

bool condition_root_exists(const struct condition_env *env, const char *path)
{
        char p[PATH_MAX];
        return condition_root_path(env, path, p, sizeof p) == 0 && access(p, F_OK) == 0;
}

const char *condition_env_get(const struct condition_env *env, const char *key)
{
        char *const *l = env && env->environ ? env->environ : environ;
        size_t n = strlen(key);
        for (; l && *l; l++)
                if (strncmp(*l, key, n) == 0 && (*l)[n] == '=')
                        return *l + n + 1;
        return NULL;
}

int condition_cmdline_read(const struct condition_env *env, char **ret)
{
        char p[PATH_MAX];
        int r = 0;
        if (env && env->proc_cmdline)
                snprintf(p, sizeof p, "%s", env->proc_cmdline);
        else if ((r = condition_root_path(env, "/proc/cmdline", p, sizeof p)) < 0)
                return r;
        return read_full(p, ret);
}

/* Does a kernel command line word match: "key=value" only itself, "key"
 * the bare word or any "key=..."? */
bool condition_cmdline_word_matches(const char *word, const char *param)
{
        if (strchr(param, '='))
                return strcmp(word, param) == 0;
        size_t n = strlen(param);
        return strncmp(word, param, n) == 0 && (word[n] == 0 || word[n] == '=');
}

/* The value of "key=value" on the kernel command line: 1 with a malloc'd
 * value ("" for a bare "key"), 0 when absent. The last one wins, as for the
 * kernel's own parameters. */
int condition_cmdline_get(const struct condition_env *env, const char *key, char **ret)
{
        char *cmdline = NULL, *word = NULL, *value = NULL;
        int r = condition_cmdline_read(env, &cmdline);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        const char *q = cmdline;
        while ((r = word_extract(&q, &word, NULL, WORD_UNQUOTE | WORD_RELAX)) > 0) {
                if (condition_cmdline_word_matches(word, key)) {
                        size_t n = strlen(key);
                        free(value);
                        value = strdup(word[n] ? word + n + 1 : "");
                        r = value ? 1 : -ENOMEM;
                }
                free(word);
                if (r < 0)
                        break;
        }
        free(cmdline);
        if (r < 0) {
                free(value);
                return r;
        }
        *ret = value;
        return value ? 1 : 0;
}
