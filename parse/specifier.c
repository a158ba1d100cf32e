/* "%" specifiers of unit files, as the system manager of systemd 252
 * resolves them (systemd.unit(5) "Specifiers"); see specifier.h. Called by
 * the directive parsers on every value that takes specifiers. One table row
 * per letter names the function that produces its value; facts about the
 * system (machine id, os-release, machine-info) are read below ctx->root so
 * that tests can use a fake root, kernel facts (boot id, host name, kernel
 * release, architecture) come from the running kernel. */
#include "parse/specifier.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "base/macro.h"
#include "parse/unit_name.h"

/* Letters systemd reserves: "%" before any of them that is not in the
 * table is an error; before anything else it is kept as it is. */
#define POSSIBLE_SPECIFIERS \
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%"

typedef int (*specifier_fn)(const struct specifier_context *ctx, const void *data, char **ret);

struct specifier {
        char letter;
        specifier_fn get;
        const void *data;
};

static int dup_ret(const char *s, char **ret)
{
        char *c = strdup(s);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

static int get_string(const struct specifier_context *ctx, const void *data, char **ret)
{
        return dup_ret(data, ret);
}

/* ---- the unit's own name ---- */

static int get_name(const struct specifier_context *ctx, const void *data, char **ret)
{
        if (!ctx->unit_id)
                return -EINVAL;
        return dup_ret(ctx->unit_id, ret);
}

static int get_name_without_suffix(const struct specifier_context *ctx, const void *data, char **ret)
{
        if (!ctx->unit_id || !unit_name_is_valid(ctx->unit_id, UNIT_NAME_ANY))
                return -EINVAL;
        char *s = strndup(ctx->unit_id, strrchr(ctx->unit_id, '.') - ctx->unit_id);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int get_prefix(const struct specifier_context *ctx, const void *data, char **ret)
{
        if (!ctx->unit_id)
                return -EINVAL;
        return unit_name_to_prefix(ctx->unit_id, ret);
}

/* "" for a unit that is not an instance. */
static int get_instance(const struct specifier_context *ctx, const void *data, char **ret)
{
        if (!ctx->unit_id)
                return -EINVAL;
        int r = unit_name_to_instance(ctx->unit_id, ret);
        return r == -ENXIO ? dup_ret("", ret) : r;
}

/* The part of the prefix after its last '-', or all of it. */
static int get_last_component(const struct specifier_context *ctx, const void *data, char **ret)
{
        char *prefix = NULL;
        int r = get_prefix(ctx, NULL, &prefix);
        if (r < 0)
                return r;
        char *dash = strrchr(prefix, '-');
        if (dash)
                memmove(prefix, dash + 1, strlen(dash + 1) + 1);
        *ret = prefix;
        return 0;
}

static int unescape_of(specifier_fn escaped, const struct specifier_context *ctx, char **ret)
{
        char *s = NULL;
        int r = escaped(ctx, NULL, &s);
        if (r < 0)
                return r;
        r = unit_name_unescape(s, ret);
        free(s);
        return r;
}

static int get_prefix_unescaped(const struct specifier_context *ctx, const void *data, char **ret)
{
        return unescape_of(get_prefix, ctx, ret);
}

static int get_instance_unescaped(const struct specifier_context *ctx, const void *data, char **ret)
{
        return unescape_of(get_instance, ctx, ret);
}

static int get_last_component_unescaped(const struct specifier_context *ctx, const void *data, char **ret)
{
        return unescape_of(get_last_component, ctx, ret);
}

/* The instance (or, without an '@', the prefix) read as an escaped path. */
static int get_filename(const struct specifier_context *ctx, const void *data, char **ret)
{
        char *s = NULL;
        int r;

        if (!ctx->unit_id)
                return -EINVAL;
        r = unit_name_to_instance(ctx->unit_id, &s);
        if (r == -ENXIO)
                r = unit_name_to_prefix(ctx->unit_id, &s);
        if (r < 0)
                return r;
        r = unit_name_path_unescape(s, ret);
        free(s);
        return r;
}

static int get_credentials_dir(const struct specifier_context *ctx, const void *data, char **ret)
{
        if (!ctx->unit_id)
                return -EINVAL;
        char *s;
        if (asprintf(&s, "/run/credentials/%s", ctx->unit_id) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int get_fragment_path(const struct specifier_context *ctx, const void *data, char **ret)
{
        if (!ctx->fragment_path)
                return -ENOENT;
        /* A linked unit file names the file outside the search path. */
        char *s = realpath(ctx->fragment_path, NULL);
        if (!s)
                return -errno;
        *ret = s;
        return 0;
}

static int get_fragment_dir(const struct specifier_context *ctx, const void *data, char **ret)
{
        char *s = NULL;
        int r = get_fragment_path(ctx, NULL, &s);
        if (r < 0)
                return r;
        char *slash = strrchr(s, '/');
        if (slash == s)
                slash++; /* "/foo.service" lives in "/" */
        *slash = '\0';
        *ret = s;
        return 0;
}

/* ---- files below ctx->root ---- */

static FILE *root_fopen(const struct specifier_context *ctx, const char *path)
{
        char buf[4096];
        const char *root = ctx->root && *ctx->root ? ctx->root : "";
        if (snprintf(buf, sizeof buf, "%s%s", root, path) >= (int)sizeof buf) {
                errno = ENAMETOOLONG;
                return NULL;
        }
        return fopen(buf, "re");
}

static int read_all(FILE *f, char **ret)
{
        size_t n = 0, cap = 256;
        char *s = malloc(cap);
        if (!s)
                return -ENOMEM;
        for (;;) {
                n += fread(s + n, 1, cap - n - 1, f);
                if (ferror(f)) {
                        free(s);
                        return -EIO;
                }
                if (feof(f))
                        break;
                if (cap - n - 1 == 0) {
                        char *t = realloc(s, cap * 2);
                        if (!t) {
                                free(s);
                                return -ENOMEM;
                        }
                        s = t;
                        cap *= 2;
                }
        }
        s[n] = '\0';
        *ret = s;
        return 0;
}

/* Value of KEY in an environment-like file (os-release(5), machine-info(5)):
 * KEY=VALUE lines, '#' and ';' comments; a value is a run of "double"
 * quoted (with \" \\ \$ \` escapes) and 'single' quoted pieces, or bare
 * text (a backslash quotes the next byte, trailing blanks dropped). *ret is
 * NULL when the key is absent. */
static int env_file_get(const char *text, const char *key, char **ret)
{
        size_t klen = strlen(key);
        char *found = NULL;
        const char *p = text;

        while (*p) {
                p += strspn(p, " \t\r\n");
                const char *line = p;
                size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
                p += n;
                p += strspn(p, " \t");
                if (n == 0 || *p != '=') { /* comment or junk: skip the line */
                        p += strcspn(p, "\n");
                        continue;
                }
                p++;
                p += strspn(p, " \t");

                char *v = malloc(strlen(p) + 1);
                if (!v) {
                        free(found);
                        return -ENOMEM;
                }
                /* pre: at the value's start or after a closing quote,
                 * where blanks are skipped and quotes open; elsewhere
                 * quotes are plain bytes, as in systemd's parser. */
                size_t len = 0, keep = 0;
                bool pre = true;
                while (*p && *p != '\n') {
                        bool blank = *p == ' ' || *p == '\t' || *p == '\r';
                        if (pre && blank) {
                                p++;
                        } else if (pre && (*p == '"' || *p == '\'')) {
                                char q = *p++;
                                while (*p && *p != q) {
                                        if (q == '"' && *p == '\\' && p[1] && strchr("\"\\`$\n", p[1])) {
                                                if (p[1] != '\n')
                                                        v[len++] = p[1];
                                                p += 2;
                                        } else
                                                v[len++] = *p++;
                                }
                                if (*p)
                                        p++;
                                keep = len;
                        } else if (*p == '\\' && p[1]) {
                                if (p[1] != '\n')
                                        v[len++] = p[1];
                                p += 2;
                                keep = len;
                                pre = false;
                        } else {
                                v[len++] = *p++;
                                if (!blank)
                                        keep = len;
                                pre = false;
                        }
                }
                v[keep] = '\0';
                if (n == klen && strncmp(line, key, klen) == 0) {
                        free(found); /* the last assignment wins */
                        found = v;
                } else
                        free(v);
        }
        *ret = found;
        return 0;
}

/* Reads KEY from the first of paths (a NULL-terminated list) that exists
 * below the root. -ENOENT when none does. */
static int root_env_get(const struct specifier_context *ctx, const char *const *paths, const char *key, char **ret)
{
        FILE *f = NULL;
        char *text = NULL;
        int r;

        for (; *paths && !f; paths++) {
                f = root_fopen(ctx, *paths);
                if (!f && errno != ENOENT)
                        return -errno;
        }
        if (!f)
                return -ENOENT;
        r = read_all(f, &text);
        fclose(f);
        if (r < 0)
                return r;
        r = env_file_get(text, key, ret);
        free(text);
        return r;
}

/* data is the os-release field; an unset field is "". */
static int get_os_release(const struct specifier_context *ctx, const void *data, char **ret)
{
        static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release", NULL };
        char *v = NULL;
        int r = root_env_get(ctx, paths, data, &v);
        if (r < 0)
                return r;
        if (!v)
                return dup_ret("", ret);
        *ret = v;
        return 0;
}

/* Accepts 32 hex digits, or the 36-character UUID form when dashes is
 * set; gives 32 lowercase hex digits. */
static int id128_format(const char *s, bool dashes, char **ret)
{
        char id[33];
        size_t n = 0;

        for (; *s && *s != '\n'; s++) {
                if (dashes && *s == '-' && (n == 8 || n == 12 || n == 16 || n == 20))
                        continue;
                if (n == 32 || !strchr("0123456789abcdefABCDEF", *s))
                        return -EIO;
                id[n++] = *s | 0x20; /* lower case; digits are unchanged */
        }
        if (n != 32)
                return -EIO;
        id[32] = '\0';
        return dup_ret(id, ret);
}

static int get_machine_id(const struct specifier_context *ctx, const void *data, char **ret)
{
        char *text = NULL;
        FILE *f = root_fopen(ctx, "/etc/machine-id");
        if (!f)
                return -errno;
        int r = read_all(f, &text);
        fclose(f);
        if (r < 0)
                return r;
        r = id128_format(text, false, ret);
        free(text);
        return r;
}

static int get_boot_id(const struct specifier_context *ctx, const void *data, char **ret)
{
        char *text = NULL;
        FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
        if (!f)
                return -errno;
        int r = read_all(f, &text);
        fclose(f);
        if (r < 0)
                return r;
        r = id128_format(text, true, ret);
        free(text);
        return r;
}

/* ---- the running kernel ---- */

enum uts_field { UTS_NODENAME, UTS_RELEASE };

static int get_uname(enum uts_field field, char **ret)
{
        struct utsname u;
        if (uname(&u) < 0)
                return -errno;
        return dup_ret(field == UTS_RELEASE ? u.release : u.nodename, ret);
}

static int get_kernel_release(const struct specifier_context *ctx, const void *data, char **ret)
{
        return get_uname(UTS_RELEASE, ret);
}

static int get_hostname(const struct specifier_context *ctx, const void *data, char **ret)
{
        char *s = NULL;
        int r = get_uname(UTS_NODENAME, &s);
        if (r < 0)
                return r;
        /* An unset kernel host name reads as "(none)"; systemd falls back. */
        if (!*s || strcmp(s, "(none)") == 0) {
                free(s);
                return dup_ret("localhost", ret);
        }
        *ret = s;
        return 0;
}

static int get_short_hostname(const struct specifier_context *ctx, const void *data, char **ret)
{
        char *s = NULL;
        int r = get_hostname(ctx, NULL, &s);
        if (r < 0)
                return r;
        s[strcspn(s, ".")] = '\0';
        *ret = s;
        return 0;
}

/* PRETTY_HOSTNAME= of /etc/machine-info, else the short host name. */
static int get_pretty_hostname(const struct specifier_context *ctx, const void *data, char **ret)
{
        static const char *const paths[] = { "/etc/machine-info", NULL };
        char *v = NULL;
        int r = root_env_get(ctx, paths, "PRETTY_HOSTNAME", &v);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !v || !*v) {
                free(v);
                return get_short_hostname(ctx, NULL, ret);
        }
        *ret = v;
        return 0;
}

/* uname(2) machine names and systemd's architecture names (the values of
 * ConditionArchitecture=). ARM names ending in 'b' are big-endian. */
static const struct {
        const char *machine;
        bool is_prefix;
        const char *arch;
} arch_map[] = {
        { "x86_64", false, "x86-64" },
        { "i386", false, "x86" },
        { "i486", false, "x86" },
        { "i586", false, "x86" },
        { "i686", false, "x86" },
        { "aarch64", false, "arm64" },
        { "aarch64_be", false, "arm64-be" },
        { "ppc64le", false, "ppc64-le" },
        { "ppc64", false, "ppc64" },
        { "ppcle", false, "ppc-le" },
        { "ppc", false, "ppc" },
        { "ia64", false, "ia64" },
        { "parisc64", false, "parisc64" },
        { "parisc", false, "parisc" },
        { "s390x", false, "s390x" },
        { "s390", false, "s390" },
        { "sparc64", false, "sparc64" },
        { "sparc", false, "sparc" },
        { "alpha", false, "alpha" },
        { "sh5", false, "sh64" },
        { "sh", true, "sh" },
        { "m68k", false, "m68k" },
        { "tilegx", false, "tilegx" },
        { "crisv32", false, "cris" },
        { "nios2", false, "nios2" },
        { "riscv32", false, "riscv32" },
        { "riscv64", false, "riscv64" },
        { "arceb", false, "arc-be" },
        { "arc", false, "arc" },
        { "loongarch64", false, "loongarch64" },
};

static int get_architecture(const struct specifier_context *ctx, const void *data, char **ret)
{
        struct utsname u;
        if (uname(&u) < 0)
                return -errno;
        const char *m = u.machine;
        size_t n = strlen(m);

        if (strncmp(m, "arm", 3) == 0 && n > 3)
                return dup_ret(m[n - 1] == 'b' ? "arm-be" : "arm", ret);
        if (strncmp(m, "mips", 4) == 0) {
                bool le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
                bool is64 = strncmp(m, "mips64", 6) == 0;
                return dup_ret(is64 ? (le ? "mips64-le" : "mips64") : (le ? "mips-le" : "mips"), ret);
        }
        for (size_t i = 0; i < ELEMENTSOF(arch_map); i++) {
                size_t k = strlen(arch_map[i].machine);
                if (arch_map[i].is_prefix ? strncmp(m, arch_map[i].machine, k) == 0
                                          : strcmp(m, arch_map[i].machine) == 0)
                        return dup_ret(arch_map[i].arch, ret);
        }
        return -EIO;
}

/* An absolute path without empty, "." or ".." components. */
static bool path_is_clean_absolute(const char *p)
{
        if (*p != '/')
                return false;
        while (*p) {
                p++; /* the '/' */
                size_t n = strcspn(p, "/");
                if ((n == 0 && p[n]) || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p += n;
        }
        return true;
}

/* data is the default; $TMPDIR, $TEMP, $TMP win when one of them names
 * an existing directory by a clean absolute path. With a root set the
 * manager's environment says nothing about it, so the default is used. */
static int get_tmp_dir(const struct specifier_context *ctx, const void *data, char **ret)
{
        static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };
        struct stat st;

        if (!ctx->root)
                for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                        const char *e = getenv(vars[i]);
                        if (e && path_is_clean_absolute(e) && stat(e, &st) == 0 && S_ISDIR(st.st_mode))
                                return dup_ret(e, ret);
                }
        return dup_ret(data, ret);
}

/* One row per letter, as in systemd 252's table for the system manager
 * (%u %U %g %G %h %s are the manager's own: root). The deprecated and
 * undocumented cgroup specifiers %c %r %R are not supported. */
static const struct specifier specifiers[] = {
        { 'a', get_architecture, NULL },
        { 'A', get_os_release, "IMAGE_VERSION" },
        { 'b', get_boot_id, NULL },
        { 'B', get_os_release, "BUILD_ID" },
        { 'C', get_string, "/var/cache" },
        { 'd', get_credentials_dir, NULL },
        { 'E', get_string, "/etc" },
        { 'f', get_filename, NULL },
        { 'g', get_string, "root" },
        { 'G', get_string, "0" },
        { 'h', get_string, "/root" },
        { 'H', get_hostname, NULL },
        { 'i', get_instance, NULL },
        { 'I', get_instance_unescaped, NULL },
        { 'j', get_last_component, NULL },
        { 'J', get_last_component_unescaped, NULL },
        { 'l', get_short_hostname, NULL },
        { 'L', get_string, "/var/log" },
        { 'm', get_machine_id, NULL },
        { 'M', get_os_release, "IMAGE_ID" },
        { 'n', get_name, NULL },
        { 'N', get_name_without_suffix, NULL },
        { 'o', get_os_release, "ID" },
        { 'p', get_prefix, NULL },
        { 'P', get_prefix_unescaped, NULL },
        { 'q', get_pretty_hostname, NULL },
        { 's', get_string, "/bin/sh" },
        { 'S', get_string, "/var/lib" },
        { 't', get_string, "/run" },
        { 'T', get_tmp_dir, "/tmp" },
        { 'u', get_string, "root" },
        { 'U', get_string, "0" },
        { 'v', get_kernel_release, NULL },
        { 'V', get_tmp_dir, "/var/tmp" },
        { 'w', get_os_release, "VERSION_ID" },
        { 'W', get_os_release, "VARIANT_ID" },
        { 'y', get_fragment_path, NULL },
        { 'Y', get_fragment_dir, NULL },
};

static const struct specifier *specifier_find(char c)
{
        for (size_t i = 0; i < ELEMENTSOF(specifiers); i++)
                if (specifiers[i].letter == c)
                        return &specifiers[i];
        return NULL;
}

struct buf {
        char *s;
        size_t len, cap;
};

static int buf_append(struct buf *b, const char *s, size_t n)
{
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                while (cap < b->len + n + 1)
                        cap *= 2;
                char *t = realloc(b->s, cap);
                if (!t)
                        return -ENOMEM;
                b->s = t;
                b->cap = cap;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
        return 0;
}

int specifier_expand(const struct specifier_context *ctx, const char *in, char **ret, char **ret_error)
{
        struct buf b = { 0 };
        char bad = 0;
        int r = buf_append(&b, "", 0);

        for (const char *p = in; r == 0 && *p; p++) {
                if (*p != '%') {
                        size_t n = strcspn(p, "%");
                        r = buf_append(&b, p, n);
                        p += n - 1;
                        continue;
                }
                char c = p[1];
                if (c == '\0') { /* a trailing '%' stays */
                        r = buf_append(&b, "%", 1);
                        break;
                }
                p++;
                if (c == '%') {
                        r = buf_append(&b, "%", 1);
                        continue;
                }
                const struct specifier *s = specifier_find(c);
                if (!s) {
                        if (strchr(POSSIBLE_SPECIFIERS, c)) {
                                bad = c;
                                r = -EBADSLT;
                        } else
                                r = buf_append(&b, p - 1, 2);
                        continue;
                }
                char *v = NULL;
                r = s->get(ctx, s->data, &v);
                if (r < 0) {
                        bad = c;
                        break;
                }
                r = buf_append(&b, v, strlen(v));
                free(v);
        }

        if (r < 0) {
                free(b.s);
                if (ret_error) {
                        char *msg = NULL;
                        int k;
                        if (r == -EBADSLT)
                                k = asprintf(&msg, "Failed to resolve unit specifiers in '%s': unknown specifier %%%c", in, bad);
                        else if (bad)
                                k = asprintf(&msg, "Failed to resolve unit specifiers in '%s': %%%c: %s", in, bad, strerror(-r));
                        else
                                k = asprintf(&msg, "Failed to resolve unit specifiers in '%s': %s", in, strerror(-r));
                        *ret_error = k < 0 ? NULL : msg;
                }
                return r;
        }
        *ret = b.s;
        return 0;
}
