/* Unit names: the type table, validity, templates and instances, and the
 * string and path escaping of systemd-escape(1); see unit_name.h. Called by
 * the unit loader, the specifier expander and weftctl. Pure string work: no
 * file system access, no logging. */
#include "parse/unit_name.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "base/macro.h"

/* The characters a unit name may hold besides '@'; escaping keeps only
 * those of them that do not have a meaning of their own ('-' is '/', '\\'
 * starts an escape). */
#define PLAIN_ESCAPE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_."

static const char *const unit_type_names[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = "service",
        [UNIT_SOCKET] = "socket",
        [UNIT_TARGET] = "target",
        [UNIT_DEVICE] = "device",
        [UNIT_MOUNT] = "mount",
        [UNIT_AUTOMOUNT] = "automount",
        [UNIT_SWAP] = "swap",
        [UNIT_TIMER] = "timer",
        [UNIT_PATH] = "path",
        [UNIT_SLICE] = "slice",
        [UNIT_SCOPE] = "scope",
};

const char *unit_type_to_string(enum unit_type t)
{
        return t >= 0 && t < _UNIT_TYPE_MAX ? unit_type_names[t] : NULL;
}

enum unit_type unit_type_from_string(const char *s)
{
        if (!s)
                return _UNIT_TYPE_INVALID;
        /* Every unit name checked compares its suffix here: the first
         * byte settles most names without a call. */
        for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                if (s[0] == unit_type_names[t][0] && strcmp(s, unit_type_names[t]) == 0)
                        return t;
        return _UNIT_TYPE_INVALID;
}

static bool in_set(char c, const char *set)
{
        return c != '\0' && strchr(set, c);
}

/* The characters of a unit name (systemd's VALID_CHARS), without a strchr
 * per character: every name of every load is checked. */
static inline __attribute__((always_inline)) bool is_name_char(char c)
{
        /* A bit per ASCII character: '-' '.' '0'-'9' ':' in the first 64,
         * 'A'-'Z' '\\' '_' 'a'-'z' in the next; one test, inline, where a
         * chain of comparisons was a call per character. */
        static const uint64_t bits[2] = {
                (0x3ffULL << '0') | (1ULL << '-') | (1ULL << '.') | (1ULL << ':'),
                (0x3ffffffULL << ('A' - 64)) | (1ULL << ('\\' - 64)) | (1ULL << ('_' - 64)) |
                        (0x3ffffffULL << ('a' - 64)),
        };
        unsigned char u = (unsigned char) c;
        return u < 128 && (bits[u >> 6] >> (u & 63)) & 1;
}

bool unit_name_is_valid(const char *name, enum unit_name_flags flags)
{
        const char *suffix, *at = NULL;

        if (!name || (flags & UNIT_NAME_ANY) == 0)
                return false;
        size_t len = strlen(name);
        if (len == 0 || len > UNIT_NAME_MAX)
                return false;
        suffix = strrchr(name, '.');
        if (!suffix || suffix == name)
                return false;
        if (unit_type_from_string(suffix + 1) < 0)
                return false;

        /* The first '@' separates prefix and instance; further ones belong
         * to the instance, as in systemd. */
        for (const char *p = name; p < suffix; p++) {
                if (*p == '@') {
                        if (!at)
                                at = p;
                } else if (!is_name_char(*p))
                        return false;
        }
        if (at == name)
                return false;

        if (!at)
                return flags & UNIT_NAME_PLAIN;
        if (suffix == at + 1)
                return flags & UNIT_NAME_TEMPLATE;
        return flags & UNIT_NAME_INSTANCE;
}

enum unit_type unit_name_to_type(const char *name)
{
        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return _UNIT_TYPE_INVALID;
        return unit_type_from_string(strrchr(name, '.') + 1);
}

static int strndup_ret(const char *s, size_t n, char **ret)
{
        char *c = strndup(s, n);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

int unit_name_to_prefix(const char *name, char **ret)
{
        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        const char *end = strchr(name, '@');
        if (!end)
                end = strrchr(name, '.');
        return strndup_ret(name, end - name, ret);
}

int unit_name_to_instance(const char *name, char **ret)
{
        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        const char *at = strchr(name, '@');
        if (!at)
                return -ENXIO;
        const char *suffix = strrchr(name, '.');
        return strndup_ret(at + 1, suffix - at - 1, ret);
}

int unit_name_template(const char *name, char **ret)
{
        if (!unit_name_is_valid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE))
                return -EINVAL;
        const char *at = strchr(name, '@');
        const char *suffix = strrchr(name, '.');
        size_t a = at - name + 1;
        char *s = malloc(a + strlen(suffix) + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, name, a);
        strcpy(s + a, suffix);
        *ret = s;
        return 0;
}

int unit_name_replace_instance(const char *name, const char *instance, char **ret)
{
        if (!unit_name_is_valid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE))
                return -EINVAL;
        if (!instance || !*instance)
                return -EINVAL;
        for (const char *p = instance; *p; p++)
                if (*p != '@' && !is_name_char(*p))
                        return -EINVAL;

        const char *at = strchr(name, '@');
        const char *suffix = strrchr(name, '.');
        size_t a = at - name + 1, i = strlen(instance), b = strlen(suffix);
        if (a + i + b > UNIT_NAME_MAX)
                return -EINVAL;
        char *s = malloc(a + i + b + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, name, a);
        memcpy(s + a, instance, i);
        memcpy(s + a + i, suffix, b + 1);
        *ret = s;
        return 0;
}

static char *escape_byte(char c, char *t)
{
        static const char hex[] = "0123456789abcdef";
        unsigned char u = (unsigned char)c;
        *t++ = '\\';
        *t++ = 'x';
        *t++ = hex[u >> 4];
        *t++ = hex[u & 15];
        return t;
}

/* Writes s into t, terminated: '/' as '-', the bytes of keep as they
 * are, every other one as \xHH (room for 4 * strlen(s) + 1). Returns
 * the terminating NUL. */
static char *escape_keeping(const char *s, char *t, const char *keep)
{
        for (; *s; s++) {
                if (*s == '/')
                        *t++ = '-';
                else if (in_set(*s, keep))
                        *t++ = *s;
                else
                        t = escape_byte(*s, t);
        }
        *t = '\0';
        return t;
}

/* Writes the escaped form of s into t (room for 4 * strlen(s) + 1). */
static void escape_into(const char *s, char *t)
{
        /* A leading '.' would make a hidden unit file ("/.dotdir"). */
        if (*s == '.')
                t = escape_byte(*s++, t);
        escape_keeping(s, t, PLAIN_ESCAPE_CHARS);
}

int unit_name_escape(const char *s, char **ret)
{
        char *r = malloc(strlen(s) * 4 + 1);
        if (!r)
                return -ENOMEM;
        escape_into(s, r);
        *ret = r;
        return 0;
}

static int unhex(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -EINVAL;
}

int unit_name_unescape(const char *s, char **ret)
{
        char *r = malloc(strlen(s) + 1), *t = r;
        if (!r)
                return -ENOMEM;
        for (; *s; s++) {
                if (*s == '-')
                        *t++ = '/';
                else if (*s == '\\') {
                        int a, b;
                        if (s[1] != 'x' || (a = unhex(s[2])) < 0 || (b = unhex(s[3])) < 0) {
                                free(r);
                                return -EINVAL;
                        }
                        /* "\x00" ends the string, as it does in systemd. */
                        *t++ = (char)(a << 4 | b);
                        s += 3;
                } else
                        *t++ = *s;
        }
        *t = '\0';
        *ret = r;
        return 0;
}

/* A path with no empty, "." or ".." component, every component at most
 * NAME_MAX bytes, shorter than PATH_MAX; a leading '/' is allowed. */
static bool path_is_normalized(const char *p)
{
        if (!*p || strlen(p) >= PATH_MAX)
                return false;
        if (*p == '/')
                p++;
        if (!*p)
                return true;
        for (;;) {
                size_t n = strcspn(p, "/");
                if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') ||
                    (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                if (!p[n])
                        return true;
                p += n + 1;
        }
}

/* Drop empty and "." components in place; "" stays "", a relative path
 * with nothing left becomes ".". */
static void path_simplify(char *path)
{
        char *t = path;
        const char *p = path;
        bool first = true;

        if (!*path)
                return;
        if (*p == '/') {
                p++;
                t++;
        }
        while (*p) {
                size_t n = strcspn(p, "/");
                if (n > 0 && !(n == 1 && p[0] == '.')) {
                        if (!first)
                                *t++ = '/';
                        memmove(t, p, n);
                        t += n;
                        first = false;
                }
                p += n;
                while (*p == '/')
                        p++;
        }
        if (t == path)
                *t++ = '.';
        *t = '\0';
}

int unit_name_path_escape(const char *path, char **ret)
{
        int r;
        char *p = strdup(path), *s = NULL;
        if (!p)
                return -ENOMEM;
        path_simplify(p);

        if (!*p || strcmp(p, "/") == 0) {
                s = strdup("-");
                r = s ? 0 : -ENOMEM;
                goto out;
        }
        if (!path_is_normalized(p)) {
                r = -EINVAL;
                goto out;
        }
        r = unit_name_escape(p + (*p == '/'), &s);
out:
        free(p);
        if (r == 0)
                *ret = s;
        return r;
}

int unit_name_path_unescape(const char *s, char **ret)
{
        char *w = NULL, *p = NULL;
        int r;

        if (!*s)
                return -EINVAL;
        if (strcmp(s, "-") == 0) {
                p = strdup("/");
                if (!p)
                        return -ENOMEM;
                *ret = p;
                return 0;
        }

        r = unit_name_unescape(s, &w);
        if (r < 0)
                return r;
        size_t n = strlen(w);
        /* Leading or trailing slashes would not survive a round trip. */
        if (n > 0 && (w[0] == '/' || w[n - 1] == '/')) {
                r = -EINVAL;
                goto out;
        }
        p = malloc(n + 2);
        if (!p) {
                r = -ENOMEM;
                goto out;
        }
        p[0] = '/';
        memcpy(p + 1, w, n + 1);
        if (!path_is_normalized(p)) {
                r = -EINVAL;
                goto out;
        }
        *ret = p;
        p = NULL;
out:
        free(w);
        free(p);
        return r;
}

int unit_name_from_path(const char *path, const char *suffix, char **ret)
{
        char *e = NULL;
        int r = unit_name_path_escape(path, &e);
        if (r < 0)
                return r;
        size_t n = strlen(e);
        char *name = realloc(e, n + strlen(suffix) + 1);
        if (!name) {
                free(e);
                return -ENOMEM;
        }
        strcpy(name + n, suffix);
        /* systemd hashes a name that would be too long; weft refuses it. */
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN)) {
                free(name);
                return -EINVAL;
        }
        *ret = name;
        return 0;
}

/* Is path below dir ("/dev/sda" is below "/dev"; "/dev" and "/dev/" are not)? */
static bool path_is_below(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && path[n] == '/' && path[n + strspn(path + n, "/")];
}

int unit_name_mangle(const char *name, char **ret)
{
        if (!*name)
                return -EINVAL;
        if (unit_name_is_valid(name, UNIT_NAME_ANY)) {
                char *s = strdup(name);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }
        if (name[0] == '/') {
                const char *p = name + strspn(name, "/") - 1; /* "//dev" is "/dev" */
                bool device = path_is_below(p, "/dev") || path_is_below(p, "/sys");
                int r = unit_name_from_path(name, device ? ".device" : ".mount", ret);
                if (r != -EINVAL)
                        return r;
        }
        char *s = malloc(strlen(name) * 4 + sizeof ".service");
        if (!s)
                return -ENOMEM;
        char *t = escape_keeping(name, s, PLAIN_ESCAPE_CHARS "-\\@");
        if (unit_name_to_type(s) == _UNIT_TYPE_INVALID)
                strcpy(t, ".service");
        if (!unit_name_is_valid(s, UNIT_NAME_ANY)) {
                free(s);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}
