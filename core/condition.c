/* Condition*= / Assert*= evaluation; see condition.h. One table row per
 * condition name with its test; each test gets the bare parameter and
 * returns 1 (holds), 0 (does not) or a negative errno. */
#include "core/condition.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/log.h"
#include "core/macro.h"
#include "parse/value.h"
#include "parse/word.h"

extern char **environ;

#define SYSTEM_UID_MAX 999

/* ---- reading files under the root prefix ---- */

static int root_path(const struct condition_env *env, const char *path, char *buf, size_t n)
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

static int read_root_file(const struct condition_env *env, const char *path, char **ret)
{
        char p[PATH_MAX];
        int r = root_path(env, path, p, sizeof p);
        return r < 0 ? r : read_full(p, ret);
}

/* The first line of a small file, trailing whitespace removed. */
static int read_line(const struct condition_env *env, const char *path, char *buf, size_t n)
{
        char p[PATH_MAX];
        int r = root_path(env, path, p, sizeof p);
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

static bool root_exists(const struct condition_env *env, const char *path)
{
        char p[PATH_MAX];
        return root_path(env, path, p, sizeof p) == 0 && access(p, F_OK) == 0;
}

static const char *env_get(const struct condition_env *env, const char *key)
{
        char *const *l = env && env->environ ? env->environ : environ;
        size_t n = strlen(key);
        for (; l && *l; l++)
                if (strncmp(*l, key, n) == 0 && (*l)[n] == '=')
                        return *l + n + 1;
        return NULL;
}

static int cmdline_read(const struct condition_env *env, char **ret)
{
        char p[PATH_MAX];
        int r = 0;
        if (env && env->proc_cmdline)
                snprintf(p, sizeof p, "%s", env->proc_cmdline);
        else if ((r = root_path(env, "/proc/cmdline", p, sizeof p)) < 0)
                return r;
        return read_full(p, ret);
}

/* Does a kernel command line word match: "key=value" only itself, "key"
 * the bare word or any "key=..."? */
static bool cmdline_word_matches(const char *word, const char *param)
{
        if (strchr(param, '='))
                return strcmp(word, param) == 0;
        size_t n = strlen(param);
        return strncmp(word, param, n) == 0 && (word[n] == 0 || word[n] == '=');
}

/* The value of "key=value" on the kernel command line: 1 with a malloc'd
 * value ("" for a bare "key"), 0 when absent. The last one wins, as for the
 * kernel's own parameters. */
static int cmdline_get(const struct condition_env *env, const char *key, char **ret)
{
        char *cmdline = NULL, *word = NULL, *value = NULL;
        int r = cmdline_read(env, &cmdline);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        const char *q = cmdline;
        while ((r = word_extract(&q, &word, NULL, WORD_UNQUOTE | WORD_RELAX)) > 0) {
                if (cmdline_word_matches(word, key)) {
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

/* ---- comparisons ---- */

enum condition_op {
        OP_GLOB, /* "$=", or no operator where that is allowed */
        OP_NOT_GLOB,
        OP_LT,
        OP_LE,
        OP_EQ,
        OP_NE,
        OP_GE,
        OP_GT,
        _OP_INVALID = -1,
};

static const struct {
        const char *text;
        enum condition_op op;
} op_table[] = {
        /* Longest first, so "<=" is not read as "<". */
        { "!$=", OP_NOT_GLOB }, { "$=", OP_GLOB }, { "<=", OP_LE }, { ">=", OP_GE },
        { "!=", OP_NE },        { "<", OP_LT },    { ">", OP_GT },  { "=", OP_EQ },
};

/* Read an operator at *s (leading blanks skipped) and move past it and the
 * blanks after it. */
static enum condition_op op_parse(const char **s)
{
        const char *p = *s + strspn(*s, " \t");
        for (size_t i = 0; i < ELEMENTSOF(op_table); i++) {
                size_t n = strlen(op_table[i].text);
                if (strncmp(p, op_table[i].text, n) == 0) {
                        *s = p + n + strspn(p + n, " \t");
                        return op_table[i].op;
                }
        }
        return _OP_INVALID;
}

static bool op_holds(enum condition_op op, int cmp)
{
        switch (op) {
        case OP_LT: return cmp < 0;
        case OP_LE: return cmp <= 0;
        case OP_EQ: return cmp == 0;
        case OP_NE: return cmp != 0;
        case OP_GE: return cmp >= 0;
        case OP_GT: return cmp > 0;
        default: return false;
        }
}

/* Version order: digit runs compare as numbers, letter runs as text, other
 * bytes only separate; '~' sorts before anything, the end included
 * ("1.0~rc1" < "1.0"); a number sorts after letters ("1.a" < "1.1"). */
static int version_compare(const char *a, const char *b)
{
        for (;;) {
                while (*a && !isalnum((unsigned char) *a) && *a != '~')
                        a++;
                while (*b && !isalnum((unsigned char) *b) && *b != '~')
                        b++;
                if (*a == '~' || *b == '~') {
                        if (*a != '~')
                                return 1;
                        if (*b != '~')
                                return -1;
                        a++, b++;
                        continue;
                }
                if (!*a || !*b)
                        return (*a != 0) - (*b != 0);
                bool da = isdigit((unsigned char) *a), db = isdigit((unsigned char) *b);
                if (da != db)
                        return da ? 1 : -1;
                size_t na, nb;
                if (da) {
                        while (*a == '0')
                                a++;
                        while (*b == '0')
                                b++;
                        na = strspn(a, "0123456789");
                        nb = strspn(b, "0123456789");
                        if (na != nb)
                                return na < nb ? -1 : 1;
                } else {
                        for (na = 0; isalpha((unsigned char) a[na]); na++)
                                ;
                        for (nb = 0; isalpha((unsigned char) b[nb]); nb++)
                                ;
                }
                int c = strncmp(a, b, na < nb ? na : nb);
                if (c != 0)
                        return c < 0 ? -1 : 1;
                if (na != nb)
                        return na < nb ? -1 : 1;
                a += na, b += nb;
        }
}

/* actual <op> expected; "=" and "!=" compare as strings when by_string. */
static bool compare_versions(enum condition_op op, const char *actual, const char *expected, bool by_string)
{
        if (op == OP_GLOB || op == OP_NOT_GLOB)
                return (fnmatch(expected, actual, 0) == 0) == (op == OP_GLOB);
        if (by_string && (op == OP_EQ || op == OP_NE))
                return (strcmp(actual, expected) == 0) == (op == OP_EQ);
        return op_holds(op, version_compare(actual, expected));
}

/* "[op]N" against actual, ">=" when no operator is given. */
static int compare_number(const char *param, uint64_t actual, bool is_size)
{
        const char *p = param;
        enum condition_op op = op_parse(&p);
        if (op == _OP_INVALID)
                op = OP_GE;
        else if (op == OP_GLOB || op == OP_NOT_GLOB)
                return -EINVAL;
        uint64_t want;
        int r = is_size ? parse_size(p, &want) : parse_uint64(p, &want);
        if (r < 0)
                return r;
        return op_holds(op, actual < want ? -1 : actual > want);
}

/* ---- paths ---- */

static int test_path_exists(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX];
        int r = root_path(env, param, p, sizeof p);
        return r < 0 ? r : access(p, F_OK) == 0;
}

static int test_path_exists_glob(const char *param, const struct condition_env *env)
{
        /* The root is a literal prefix: escape its glob characters. */
        char pattern[2 * PATH_MAX];
        size_t k = 0;
        for (const char *s = env && env->root ? env->root : ""; *s && k < PATH_MAX; s++) {
                if (strchr("*?[]\\", *s))
                        pattern[k++] = '\\';
                pattern[k++] = *s;
        }
        if (snprintf(pattern + k, sizeof pattern - k, "%s", param) >= (int) (sizeof pattern - k))
                return -ENAMETOOLONG;
        glob_t g;
        int r = glob(pattern, GLOB_NOSORT, NULL, &g);
        globfree(&g);
        if (r == GLOB_NOSPACE)
                return -ENOMEM;
        return r == 0;
}

static int stat_param(const char *param, const struct condition_env *env, struct stat *st, bool follow)
{
        char p[PATH_MAX];
        int r = root_path(env, param, p, sizeof p);
        if (r < 0)
                return r;
        return (follow ? stat(p, st) : lstat(p, st)) == 0;
}

static int test_path_is_directory(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, true);
        return r <= 0 ? r : S_ISDIR(st.st_mode);
}

static int test_path_is_symlink(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, false);
        return r <= 0 ? r : S_ISLNK(st.st_mode);
}

/* A mount point differs from its parent in device or in mount id (the
 * latter catches bind mounts of the same file system). */
static int test_path_is_mount_point(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX], parent[PATH_MAX + 4];
        int r = root_path(env, param, p, sizeof p);
        if (r < 0)
                return r;
        size_t len = strlen(p);
        while (len > 1 && p[len - 1] == '/')
                p[--len] = 0;
        if (strcmp(p, "/") == 0)
                return 1;
        snprintf(parent, sizeof parent, "%s/..", p);
        struct statx a, b;
        if (statx(AT_FDCWD, p, 0, STATX_MNT_ID, &a) < 0 || statx(AT_FDCWD, parent, 0, STATX_MNT_ID, &b) < 0)
                return 0;
        if (a.stx_dev_major != b.stx_dev_major || a.stx_dev_minor != b.stx_dev_minor)
                return 1;
        return (a.stx_mask & b.stx_mask & STATX_MNT_ID) && a.stx_mnt_id != b.stx_mnt_id;
}

static int test_path_is_read_write(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX];
        struct statvfs sv;
        int r = root_path(env, param, p, sizeof p);
        if (r < 0)
                return r;
        return statvfs(p, &sv) == 0 && !(sv.f_flag & ST_RDONLY);
}

/* Is block device dev dm-crypt, or built on one? depth bounds the walk. */
static bool block_is_encrypted(const struct condition_env *env, const char *sysdir, int depth)
{
        char path[PATH_MAX], uuid[128];
        snprintf(path, sizeof path, "%s/dm/uuid", sysdir);
        if (read_line(env, path, uuid, sizeof uuid) == 0 && strncmp(uuid, "CRYPT-", 6) == 0)
                return true;
        if (depth <= 0)
                return false;
        char slaves[PATH_MAX];
        snprintf(path, sizeof path, "%s/slaves", sysdir);
        if (root_path(env, path, slaves, sizeof slaves) < 0)
                return false;
        DIR *d = opendir(slaves);
        bool found = false;
        for (struct dirent *de; d && !found && (de = readdir(d));) {
                if (de->d_name[0] == '.')
                        continue;
                char sub[PATH_MAX];
                if (snprintf(sub, sizeof sub, "/sys/class/block/%s", de->d_name) < (int) sizeof sub)
                        found = block_is_encrypted(env, sub, depth - 1);
        }
        if (d)
                closedir(d);
        return found;
}

static int test_path_is_encrypted(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, true);
        if (r <= 0)
                return r;
        char sysdir[64];
        snprintf(sysdir, sizeof sysdir, "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
        return block_is_encrypted(env, sysdir, 8);
}

/* Hidden files and package-manager leftovers do not make a directory
 * non-empty, as in systemd. */
static bool is_hidden_or_backup(const char *name)
{
        static const char *const suffixes[] = {
                "~", ".rpmnew", ".rpmsave", ".rpmorig", ".dpkg-old", ".dpkg-new", ".dpkg-tmp",
                ".dpkg-dist", ".dpkg-bak", ".dpkg-backup", ".dpkg-remove", ".ucf-new",
                ".ucf-old", ".ucf-dist", ".swp", ".bak", ".old", ".new",
        };
        if (name[0] == '.')
                return true;
        size_t n = strlen(name);
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                size_t k = strlen(suffixes[i]);
                if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
                        return true;
        }
        return false;
}

static int test_directory_not_empty(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX];
        int r = root_path(env, param, p, sizeof p);
        if (r < 0)
                return r;
        DIR *d = opendir(p);
        if (!d)
                return 0;
        bool found = false;
        for (struct dirent *de; !found && (de = readdir(d));)
                found = !is_hidden_or_backup(de->d_name);
        closedir(d);
        return found;
}

static int test_file_not_empty(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, true);
        return r <= 0 ? r : S_ISREG(st.st_mode) && st.st_size > 0;
}

static int test_file_is_executable(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, true);
        return r <= 0 ? r : S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* ---- kernel, machine, manager ---- */

static int test_kernel_command_line(const char *param, const struct condition_env *env)
{
        char *cmdline = NULL, *word = NULL;
        int r = cmdline_read(env, &cmdline);
        if (r < 0)
                return r;
        bool found = false;
        const char *q = cmdline;
        while (!found && (r = word_extract(&q, &word, NULL, WORD_UNQUOTE | WORD_RELAX)) > 0) {
                found = cmdline_word_matches(word, param);
                free(word);
        }
        free(cmdline);
        return r < 0 ? r : found;
}

/* A list of expressions, all of which must hold: "<op>version" compares
 * versions, anything else is a glob. */
static int test_kernel_version(const char *param, const struct condition_env *env)
{
        struct utsname u;
        if (uname(&u) < 0)
                return -errno;
        const char *q = param;
        char *word = NULL;
        int r, result = 1;
        while (result && (r = word_extract(&q, &word, NULL, WORD_UNQUOTE)) > 0) {
                /* Blanks around the operator are allowed: " >= 2.0 ". */
                const char *s = word;
                enum condition_op op = op_parse(&s);
                if (op == _OP_INVALID) {
                        op = OP_GLOB;
                        s += strspn(s, " \t");
                }
                char *v = word + (s - word), *end = v + strlen(v);
                while (end > v && isspace((unsigned char) end[-1]))
                        *--end = 0;
                if (!*v)
                        r = -EINVAL;
                else
                        result = compare_versions(op, u.release, v, false);
                free(word);
                if (r < 0)
                        return r;
        }
        return r < 0 ? r : result;
}

/* Container names as written in "container=", or NULL. */
static const char *detect_container(const struct condition_env *env, char *buf, size_t n)
{
        const char *v = env_get(env, "container");
        if (v && *v) {
                snprintf(buf, n, "%s", v);
                return buf;
        }
        if (read_line(env, "/run/systemd/container", buf, n) == 0 && *buf)
                return buf;
        if (root_exists(env, "/.dockerenv"))
                return "docker";
        if (root_exists(env, "/run/.containerenv"))
                return "podman";
        if (root_exists(env, "/proc/vz") && !root_exists(env, "/proc/bc"))
                return "openvz";
        if (read_line(env, "/proc/sys/kernel/osrelease", buf, n) == 0 &&
            (strstr(buf, "Microsoft") || strstr(buf, "WSL")))
                return "wsl";
        return NULL;
}

static const struct {
        const char *file; /* under /sys/class/dmi/id */
        const char *prefix;
        const char *name;
} dmi_table[] = {
        { "product_name", "KVM", "kvm" },
        { "product_name", "OpenStack", "kvm" },
        { "product_name", "KubeVirt", "kvm" },
        { "product_name", "Virtual Machine", "microsoft" },
        { "sys_vendor", "Amazon EC2", "amazon" },
        { "sys_vendor", "QEMU", "qemu" },
        { "sys_vendor", "VMware", "vmware" },
        { "sys_vendor", "innotek GmbH", "oracle" },
        { "sys_vendor", "Oracle Corporation", "oracle" },
        { "sys_vendor", "Xen", "xen" },
        { "sys_vendor", "Bochs", "bochs" },
        { "sys_vendor", "Parallels", "parallels" },
        { "sys_vendor", "Google", "google" },
        { "sys_vendor", "Apple Virtualization", "apple" },
        { "bios_vendor", "BHYVE", "bhyve" },
        { "bios_vendor", "SeaBIOS", "kvm" },
        { "board_vendor", "QEMU", "qemu" },
};

static const char *detect_vm(const struct condition_env *env, char *buf, size_t n)
{
        for (size_t i = 0; i < ELEMENTSOF(dmi_table); i++) {
                char path[128];
                snprintf(path, sizeof path, "/sys/class/dmi/id/%s", dmi_table[i].file);
                if (read_line(env, path, buf, n) == 0 &&
                    strncmp(buf, dmi_table[i].prefix, strlen(dmi_table[i].prefix)) == 0)
                        return dmi_table[i].name;
        }
        if (read_line(env, "/sys/hypervisor/type", buf, n) == 0 && strcmp(buf, "xen") == 0)
                return "xen";
        char *cpuinfo = NULL;
        const char *name = NULL;
        if (read_root_file(env, "/proc/cpuinfo", &cpuinfo) == 0) {
                for (char *line = cpuinfo; line && !name; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
                        if (strncmp(line, "flags", 5) == 0) {
                                size_t len = strcspn(line, "\n");
                                for (char *h = line; (h = strstr(h, " hypervisor")) && h < line + len; h++)
                                        if (h[11] == ' ' || h[11] == '\n' || h[11] == 0)
                                                name = "vm-other";
                        }
                free(cpuinfo);
        }
        return name;
}

/* Inside a user namespace unless uid_map is the identity of all ids. */
static bool in_user_namespace(const struct condition_env *env)
{
        char line[128];
        unsigned long a, b, c;
        if (read_line(env, "/proc/self/uid_map", line, sizeof line) < 0)
                return false;
        return !(sscanf(line, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL);
}

static int test_virtualization(const char *param, const struct condition_env *env)
{
        char cbuf[128], vbuf[128];
        if (strcmp(param, "private-users") == 0)
                return in_user_namespace(env);
        const char *container = detect_container(env, cbuf, sizeof cbuf);
        int b = parse_boolean(param);
        if (strcmp(param, "container") == 0)
                return container != NULL;
        const char *vm = detect_vm(env, vbuf, sizeof vbuf);
        if (b >= 0)
                return b == (container || vm);
        if (strcmp(param, "vm") == 0)
                return vm != NULL;
        /* A container's DMI strings are the host's: the container wins. */
        const char *v = container ? container : vm;
        return v && strcmp(param, v) == 0;
}

/* The parameter is a hostname glob or a machine id (with or without dashes). */
static int test_host(const char *param, const struct condition_env *env)
{
        char id[64], want[64];
        size_t k = 0;
        for (const char *s = param; *s && k < sizeof want - 1; s++)
                if (*s != '-')
                        want[k++] = (char) tolower((unsigned char) *s);
        want[k] = 0;
        if (strlen(want) == 32 && strspn(want, "0123456789abcdef") == 32 &&
            read_line(env, "/etc/machine-id", id, sizeof id) == 0 && strcasecmp(id, want) == 0)
                return 1;
        char host[256];
        if (gethostname(host, sizeof host) < 0)
                return -errno;
        host[sizeof host - 1] = 0;
        return fnmatch(param, host, FNM_CASEFOLD) == 0;
}

static const struct {
        const char *machine; /* uname -m, matched as a prefix when it ends in '*' */
        const char *arch;    /* systemd's name */
} arch_table[] = {
        { "x86_64", "x86-64" },   { "amd64", "x86-64" },     { "i386", "x86" },
        { "i486", "x86" },        { "i586", "x86" },         { "i686", "x86" },
        { "aarch64_be", "arm64-be" }, { "aarch64", "arm64" }, { "armv8b", "arm-be" },
        { "armv7b", "arm-be" },   { "arm*", "arm" },         { "ppc64le", "ppc64-le" },
        { "ppc64", "ppc64" },     { "ppcle", "ppc-le" },     { "ppc", "ppc" },
        { "s390x", "s390x" },     { "s390", "s390" },        { "ia64", "ia64" },
        { "parisc64", "parisc64" }, { "parisc", "parisc" },  { "sparc64", "sparc64" },
        { "sparc", "sparc" },     { "alpha", "alpha" },      { "sh64", "sh64" },
        { "sh*", "sh" },          { "m68k", "m68k" },        { "riscv64", "riscv64" },
        { "riscv32", "riscv32" }, { "loongarch64", "loongarch64" }, { "tilegx", "tilegx" },
        { "cris*", "cris" },      { "arc", "arc" },          { "arceb", "arc-be" },
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        { "mips64", "mips64-le" }, { "mips", "mips-le" },
#else
        { "mips64", "mips64" },   { "mips", "mips" },
#endif
};

static const char *arch_from_machine(const char *m)
{
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++) {
                const char *pat = arch_table[i].machine;
                size_t n = strlen(pat);
                if (pat[n - 1] == '*' ? strncmp(m, pat, n - 1) == 0 : strcmp(m, pat) == 0)
                        return arch_table[i].arch;
        }
        return NULL;
}

static bool arch_is_known(const char *name)
{
        static const char *const others[] = { "mips", "mips-le", "mips64", "mips64-le" };
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                if (strcmp(arch_table[i].arch, name) == 0)
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(others); i++)
                if (strcmp(others[i], name) == 0)
                        return true;
        return false;
}

static int test_architecture(const char *param, const struct condition_env *env)
{
        struct utsname u;
        if (uname(&u) < 0)
                return -errno;
        const char *running = arch_from_machine(u.machine);
        if (strcmp(param, "native") == 0)
                /* weft runs under no personality(2) change, so what it was
                 * built for is what uname reports. */
                return running != NULL;
        if (!arch_is_known(param))
                return -EINVAL;
        return running && strcmp(running, param) == 0;
}

static int test_environment(const char *param, const struct condition_env *env)
{
        const char *eq = strchr(param, '=');
        if (!eq)
                return env_get(env, param) != NULL;
        char key[256];
        if ((size_t) (eq - param) >= sizeof key)
                return 0;
        memcpy(key, param, eq - param);
        key[eq - param] = 0;
        const char *v = env_get(env, key);
        return v && strcmp(v, eq + 1) == 0;
}

/* The id of name in a passwd/group style file (third field), or -ENOENT. */
static int lookup_id(const struct condition_env *env, const char *file, const char *name, unsigned *ret)
{
        char *text = NULL;
        int r = read_root_file(env, file, &text);
        if (r < 0)
                return r;
        size_t n = strlen(name);
        r = -ENOENT;
        for (char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                unsigned id;
                if (strncmp(line, name, n) == 0 && line[n] == ':' &&
                    sscanf(line + n + 1, "%*[^:]:%u", &id) == 1) {
                        *ret = id;
                        r = 0;
                        break;
                }
        }
        free(text);
        return r;
}

static int resolve_id(const struct condition_env *env, const char *file, const char *param, unsigned *ret)
{
        if (parse_unsigned(param, ret) == 0)
                return 0;
        if (strcmp(param, "root") == 0) {
                *ret = 0;
                return 0;
        }
        return lookup_id(env, file, param, ret);
}

static int test_user(const char *param, const struct condition_env *env)
{
        uid_t uid = getuid(), euid = geteuid();
        unsigned want;
        if (strcmp(param, "@system") == 0)
                return uid <= SYSTEM_UID_MAX || euid <= SYSTEM_UID_MAX;
        if (resolve_id(env, "/etc/passwd", param, &want) < 0)
                return 0; /* an unknown user is not us */
        return uid == want || euid == want;
}

static int test_group(const char *param, const struct condition_env *env)
{
        unsigned want;
        gid_t groups[256];
        if (resolve_id(env, "/etc/group", param, &want) < 0)
                return 0;
        if (getgid() == want || getegid() == want)
                return 1;
        int n = getgroups(ELEMENTSOF(groups), groups);
        for (int i = 0; i < n; i++)
                if (groups[i] == want)
                        return 1;
        return 0;
}

static bool audit_available(void)
{
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd < 0)
                return false;
        close(fd);
        return true;
}

static bool secure_boot_enabled(const struct condition_env *env)
{
        char path[PATH_MAX];
        unsigned char data[5];
        if (root_path(env, "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", path,
                      sizeof path) < 0)
                return false;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        /* 4 bytes of attributes, then the one-byte value. */
        ssize_t n = read(fd, data, sizeof data);
        close(fd);
        return n == (ssize_t) sizeof data && data[4] == 1;
}

static bool dir_has_entries(const struct condition_env *env, const char *path)
{
        return test_directory_not_empty(path, env) > 0;
}

static int test_security(const char *param, const struct condition_env *env)
{
        char line[16];
        if (strcmp(param, "selinux") == 0)
                return root_exists(env, "/sys/fs/selinux/enforce");
        if (strcmp(param, "apparmor") == 0)
                return read_line(env, "/sys/module/apparmor/parameters/enabled", line, sizeof line) == 0 &&
                       line[0] == 'Y';
        if (strcmp(param, "smack") == 0)
                return root_exists(env, "/sys/fs/smackfs");
        if (strcmp(param, "ima") == 0)
                return root_exists(env, "/sys/kernel/security/ima");
        if (strcmp(param, "tomoyo") == 0)
                return root_exists(env, "/sys/kernel/security/tomoyo");
        if (strcmp(param, "audit") == 0)
                return audit_available();
        if (strcmp(param, "uefi-secureboot") == 0)
                return secure_boot_enabled(env);
        if (strcmp(param, "tpm2") == 0)
                return dir_has_entries(env, "/sys/class/tpmrm");
        return 0; /* an unknown framework is not enabled */
}

/* Indexed by capability number. */
static const char *const capability_names[] = {
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
        "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
        "net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
        "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
        "audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
        "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

static int capability_from_name(const char *s)
{
        unsigned n;
        if (parse_unsigned(s, &n) == 0)
                return n < 64 ? (int) n : -EINVAL;
        if (strncasecmp(s, "cap_", 4) == 0)
                s += 4;
        for (size_t i = 0; i < ELEMENTSOF(capability_names); i++)
                if (strcasecmp(s, capability_names[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

static int test_capability(const char *param, const struct condition_env *env)
{
        int cap = capability_from_name(param);
        if (cap < 0)
                return cap;
        char *status = NULL;
        int r = read_root_file(env, "/proc/self/status", &status);
        if (r < 0)
                return r;
        const char *p = strstr(status, "\nCapBnd:");
        uint64_t set = 0;
        r = p && sscanf(p + 8, "%" SCNx64, &set) == 1 ? !!(set & (UINT64_C(1) << cap)) : -EIO;
        free(status);
        return r;
}

/* On AC when some mains supply is online, or when none is known at all. */
static int test_ac_power(const char *param, const struct condition_env *env)
{
        int want = parse_boolean(param);
        if (want < 0)
                return want;
        char dir[PATH_MAX];
        int r = root_path(env, "/sys/class/power_supply", dir, sizeof dir);
        if (r < 0)
                return r;
        bool online = false, offline = false;
        DIR *d = opendir(dir);
        for (struct dirent *de; d && (de = readdir(d));) {
                char path[PATH_MAX], line[32];
                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof path, "/sys/class/power_supply/%.200s/type", de->d_name);
                if (read_line(env, path, line, sizeof line) < 0 || strcmp(line, "Mains") != 0)
                        continue;
                snprintf(path, sizeof path, "/sys/class/power_supply/%.200s/online", de->d_name);
                if (read_line(env, path, line, sizeof line) < 0)
                        continue;
                if (strcmp(line, "1") == 0)
                        online = true;
                else
                        offline = true;
        }
        if (d)
                closedir(d);
        return want == (online || !offline);
}

/* systemd.condition-<name>= on the kernel command line overrides a check:
 * 1 or 0 when present, -ENOENT when not. */
static int cmdline_override(const struct condition_env *env, const char *name)
{
        char key[64], *v = NULL;
        snprintf(key, sizeof key, "systemd.condition-%s", name);
        int r = cmdline_get(env, key, &v);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        r = *v ? parse_boolean(v) : 1;
        free(v);
        return r < 0 ? -ENOENT : r;
}

static int test_first_boot(const char *param, const struct condition_env *env)
{
        int want = parse_boolean(param);
        if (want < 0)
                return want;
        int first = cmdline_override(env, "first-boot");
        if (first < 0) {
                char id[64];
                first = read_line(env, "/etc/machine-id", id, sizeof id) < 0 || !*id ||
                        strcmp(id, "uninitialized") == 0;
        }
        return want == first;
}

/* /etc or /var needs an update when /usr changed after its .updated stamp. */
static int test_needs_update(const char *param, const struct condition_env *env)
{
        if (param[0] != '/')
                return -EINVAL;
        int r = cmdline_override(env, "needs-update");
        if (r >= 0)
                return r;
        char dir[PATH_MAX], stamp[PATH_MAX + 16], usr[PATH_MAX];
        struct statvfs sv;
        struct stat su, ss;
        if ((r = root_path(env, param, dir, sizeof dir)) < 0 || (r = root_path(env, "/usr", usr, sizeof usr)) < 0)
                return r;
        if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_RDONLY))
                return 0; /* nothing could write the update anyway */
        if (stat(usr, &su) < 0)
                return 0;
        snprintf(stamp, sizeof stamp, "%s/.updated", dir);
        if (lstat(stamp, &ss) < 0)
                return 1;
        if (su.st_mtim.tv_sec != ss.st_mtim.tv_sec)
                return su.st_mtim.tv_sec > ss.st_mtim.tv_sec;
        return su.st_mtim.tv_nsec > ss.st_mtim.tv_nsec;
}

static const struct {
        const char *name; /* as systemd spells it */
        const char *v1;   /* its name in /proc/cgroups */
        const char *v2;   /* its cgroup v2 controller; NULL: always there on v2 */
} controller_table[] = {
        { "cpu", "cpu", "cpu" },          { "cpuacct", "cpuacct", "cpu" }, { "cpuset", "cpuset", "cpuset" },
        { "io", "blkio", "io" },          { "blkio", "blkio", "io" },      { "memory", "memory", "memory" },
        { "devices", "devices", NULL },   { "pids", "pids", "pids" },
};

static bool word_in(const char *list, const char *word)
{
        size_t n = strlen(word);
        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || isspace((unsigned char) p[-1])) && (p[n] == 0 || isspace((unsigned char) p[n])))
                        return true;
        return false;
}

/* Is controller enabled in v1's /proc/cgroups ("name hier num enabled")? */
static bool v1_controller_enabled(const char *cgroups, const char *name)
{
        size_t n = strlen(name);
        for (const char *line = cgroups; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                int enabled;
                if (strncmp(line, name, n) == 0 && line[n] == '\t' &&
                    sscanf(line + n, "%*d %*d %d", &enabled) == 1)
                        return enabled == 1;
        }
        return false;
}

static int test_control_group_controller(const char *param, const struct condition_env *env)
{
        char *text = NULL;
        bool v2 = read_root_file(env, "/sys/fs/cgroup/cgroup.controllers", &text) == 0;
        if (strcmp(param, "v2") == 0 || strcmp(param, "v1") == 0) {
                free(text);
                return v2 == (param[1] == '2');
        }
        if (!v2 && read_root_file(env, "/proc/cgroups", &text) < 0)
                text = NULL;
        const char *q = param;
        char *word = NULL;
        int r, result = 1;
        while (result && (r = word_extract(&q, &word, NULL, 0)) > 0) {
                for (size_t i = 0; i < ELEMENTSOF(controller_table); i++) {
                        if (strcmp(word, controller_table[i].name) != 0)
                                continue;
                        if (v2)
                                result = !controller_table[i].v2 || word_in(text, controller_table[i].v2);
                        else
                                result = text && v1_controller_enabled(text, controller_table[i].v1);
                }
                /* Controllers unknown to systemd are ignored. */
                free(word);
        }
        free(text);
        return r < 0 ? r : result;
}

/* Physical memory, or what the manager's cgroup (v2 only) allows if that
 * is less: in a container that is the container's share. */
static int test_memory(const char *param, const struct condition_env *env)
{
        char *text = NULL;
        int r = read_root_file(env, "/proc/meminfo", &text);
        if (r < 0)
                return r;
        const char *p = strstr(text, "MemTotal:");
        uint64_t kib, memory;
        r = p && sscanf(p + 9, "%" SCNu64, &kib) == 1 ? 0 : -EIO;
        free(text);
        if (r < 0)
                return r;
        memory = kib * 1024;
        if (read_root_file(env, "/proc/self/cgroup", &text) == 0) {
                char *line = strncmp(text, "0::", 3) == 0 ? text : strstr(text, "\n0::");
                if (line) {
                        char path[PATH_MAX], max[64];
                        uint64_t limit;
                        line += line == text ? 3 : 4;
                        line[strcspn(line, "\n")] = 0;
                        snprintf(path, sizeof path, "/sys/fs/cgroup%.3000s/memory.max", strcmp(line, "/") ? line : "");
                        if (read_line(env, path, max, sizeof max) == 0 && parse_uint64(max, &limit) == 0 &&
                            limit < memory)
                                memory = limit;
                }
                free(text);
        }
        return compare_number(param, memory, true);
}

static int test_cpus(const char *param, const struct condition_env *env)
{
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) < 0)
                return -errno;
        return compare_number(param, (uint64_t) CPU_COUNT(&set), false);
}

/* os-release's value for key ("" when absent), quotes removed. */
static int os_release_get(const struct condition_env *env, const char *key, char **ret)
{
        char *text = NULL;
        if (read_root_file(env, "/etc/os-release", &text) < 0 && read_root_file(env, "/usr/lib/os-release", &text) < 0)
                return -ENOENT;
        size_t n = strlen(key);
        char *value = NULL;
        int r = 0;
        for (char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                if (strncmp(line, key, n) != 0 || line[n] != '=')
                        continue;
                char *end = strchr(line, '\n');
                if (end)
                        *end = 0;
                const char *v = line + n + 1;
                free(value);
                r = word_extract(&v, &value, "", WORD_UNQUOTE | WORD_RELAX);
                if (end)
                        *end = '\n';
                if (r < 0)
                        break;
        }
        free(text);
        if (r < 0)
                return r;
        *ret = value ? value : strdup("");
        return *ret ? 0 : -ENOMEM;
}

/* Space-separated "KEY<op>VALUE"; "=" and "!=" compare strings, the others
 * versions, "$=" and "!$=" globs. All must hold. */
static int test_os_release(const char *param, const struct condition_env *env)
{
        const char *q = param;
        char *word = NULL;
        int r, result = 1;
        while (result && (r = word_extract(&q, &word, NULL, WORD_UNQUOTE)) > 0) {
                size_t klen = strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
                const char *s = word + klen;
                enum condition_op op = op_parse(&s);
                char *actual = NULL;
                if (klen == 0 || s == word + klen || op == _OP_INVALID)
                        r = -EINVAL;
                else {
                        word[klen] = 0; /* the operator is consumed: s points past it */
                        r = os_release_get(env, word, &actual);
                        if (r == 0)
                                result = compare_versions(op, actual, s, true);
                }
                free(actual);
                free(word);
                if (r < 0)
                        return r;
        }
        return r < 0 ? r : result;
}

static int test_credential(const char *param, const struct condition_env *env)
{
        return 0;
}

static int test_null(const char *param, const struct condition_env *env)
{
        return parse_boolean(param);
}

/* ---- the table and the list ---- */

typedef int (*condition_test_fn)(const char *param, const struct condition_env *env);

static const struct {
        const char *name; /* after "Condition" / "Assert" */
        condition_test_fn test; /* NULL: unsupported, passes */
} condition_table[] = {
        { "PathExists", test_path_exists },
        { "PathExistsGlob", test_path_exists_glob },
        { "PathIsDirectory", test_path_is_directory },
        { "PathIsSymbolicLink", test_path_is_symlink },
        { "PathIsMountPoint", test_path_is_mount_point },
        { "PathIsReadWrite", test_path_is_read_write },
        { "PathIsEncrypted", test_path_is_encrypted },
        { "DirectoryNotEmpty", test_directory_not_empty },
        { "FileNotEmpty", test_file_not_empty },
        { "FileIsExecutable", test_file_is_executable },
        { "KernelCommandLine", test_kernel_command_line },
        { "KernelVersion", test_kernel_version },
        { "Virtualization", test_virtualization },
        { "Host", test_host },
        { "Architecture", test_architecture },
        { "Environment", test_environment },
        { "User", test_user },
        { "Group", test_group },
        { "Security", test_security },
        { "Capability", test_capability },
        { "ACPower", test_ac_power },
        { "FirstBoot", test_first_boot },
        { "NeedsUpdate", test_needs_update },
        { "ControlGroupController", test_control_group_controller },
        { "Memory", test_memory },
        { "CPUs", test_cpus },
        { "OSRelease", test_os_release },
        { "Credential", test_credential },
        { "Null", test_null },
        { "Firmware", NULL },
        { "CPUFeature", NULL },
        { "MemoryPressure", NULL },
        { "CPUPressure", NULL },
        { "IOPressure", NULL },
};

static condition_test_fn condition_lookup(const char *name)
{
        if (strncmp(name, "Condition", 9) == 0)
                name += 9;
        else if (strncmp(name, "Assert", 6) == 0)
                name += 6;
        for (size_t i = 0; i < ELEMENTSOF(condition_table); i++)
                if (strcmp(condition_table[i].name, name) == 0)
                        return condition_table[i].test;
        return NULL;
}

bool condition_is_supported(const char *name)
{
        return condition_lookup(name) != NULL;
}

int condition_test(const struct unit_condition *c, const struct condition_env *env)
{
        condition_test_fn test = condition_lookup(c->name);
        if (!test) {
                log_debug("%s=%s is not supported by weft, assuming it holds", c->name, c->parameter);
                return 1;
        }
        int r = test(c->parameter, env);
        if (r < 0)
                return r;
        return (r > 0) != c->negate;
}

static int format_condition(const struct unit_condition *c, char **ret)
{
        if (!ret)
                return 0;
        if (asprintf(ret, "%s=%s%s%s", c->name, c->trigger ? "|" : "", c->negate ? "!" : "", c->parameter) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int condition_test_list(const struct unit_condition *list, const struct condition_env *env, char **ret_failed)
{
        const struct unit_condition *last_trigger = NULL;
        bool triggered = false;

        for (const struct unit_condition *c = list; c; c = c->next) {
                int r = condition_test(c, env);
                if (r < 0)
                        log_warning_errno(r, "Cannot evaluate %s=%s%s%s, assuming it failed: %s", c->name,
                                          c->trigger ? "|" : "", c->negate ? "!" : "", c->parameter,
                                          strerror(-r));
                else
                        log_debug("%s=%s%s%s %s", c->name, c->trigger ? "|" : "", c->negate ? "!" : "",
                                  c->parameter, r ? "holds" : "does not hold");
                if (c->trigger) {
                        last_trigger = c;
                        triggered = triggered || r > 0;
                } else if (r <= 0) {
                        r = format_condition(c, ret_failed);
                        return r < 0 ? r : 0;
                }
        }
        if (last_trigger && !triggered) {
                int r = format_condition(last_trigger, ret_failed);
                return r < 0 ? r : 0;
        }
        return 1;
}
