/* The kernel and machine conditions: KernelCommandLine, KernelVersion,
 * Virtualization, Host, Architecture, ACPower, ControlGroupController,
 * Memory, CPUs, OSRelease, with the comparison operators ("<=", "$=", ...)
 * and version order they share. Called through the table in condition.c. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/condition_internal.h"
#include "base/macro.h"
#include "parse/value.h"
#include "parse/word.h"

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

/* ---- kernel and machine ---- */

int condition_test_kernel_command_line(const char *param, const struct condition_env *env)
{
        char *cmdline = NULL, *word = NULL;
        int r = condition_cmdline_read(env, &cmdline);
        if (r < 0)
                return r;
        bool found = false;
        const char *q = cmdline;
        while (!found && (r = word_extract(&q, &word, NULL, WORD_UNQUOTE | WORD_RELAX)) > 0) {
                found = condition_cmdline_word_matches(word, param);
                free(word);
        }
        free(cmdline);
        return r < 0 ? r : found;
}

/* A list of expressions, all of which must hold: "<op>version" compares
 * versions, anything else is a glob. */
int condition_test_kernel_version(const char *param, const struct condition_env *env)
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
        const char *v = condition_env_get(env, "container");
        if (v && *v) {
                snprintf(buf, n, "%s", v);
                return buf;
        }
        if (condition_read_line(env, "/run/systemd/container", buf, n) == 0 && *buf)
                return buf;
        if (condition_root_exists(env, "/.dockerenv"))
                return "docker";
        if (condition_root_exists(env, "/run/.containerenv"))
                return "podman";
        if (condition_root_exists(env, "/proc/vz") && !condition_root_exists(env, "/proc/bc"))
                return "openvz";
        if (condition_read_line(env, "/proc/sys/kernel/osrelease", buf, n) == 0 &&
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
                if (condition_read_line(env, path, buf, n) == 0 &&
                    strncmp(buf, dmi_table[i].prefix, strlen(dmi_table[i].prefix)) == 0)
                        return dmi_table[i].name;
        }
        if (condition_read_line(env, "/sys/hypervisor/type", buf, n) == 0 && strcmp(buf, "xen") == 0)
                return "xen";
        char *cpuinfo = NULL;
        const char *name = NULL;
        if (condition_read_root_file(env, "/proc/cpuinfo", &cpuinfo) == 0) {
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
        if (condition_read_line(env, "/proc/self/uid_map", line, sizeof line) < 0)
                return false;
        return !(sscanf(line, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL);
}

int condition_test_virtualization(const char *param, const struct condition_env *env)
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
int condition_test_host(const char *param, const struct condition_env *env)
{
        char id[64], want[64];
        size_t k = 0;
        for (const char *s = param; *s && k < sizeof want - 1; s++)
                if (*s != '-')
                        want[k++] = (char) tolower((unsigned char) *s);
        want[k] = 0;
        if (strlen(want) == 32 && strspn(want, "0123456789abcdef") == 32 &&
            condition_read_line(env, "/etc/machine-id", id, sizeof id) == 0 && strcasecmp(id, want) == 0)
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

int condition_test_architecture(const char *param, const struct condition_env *env)
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

/* On AC when some mains supply is online, or when none is known at all. */
int condition_test_ac_power(const char *param, const struct condition_env *env)
{
        int want = parse_boolean(param);
        if (want < 0)
                return want;
        char dir[PATH_MAX];
        int r = condition_root_path(env, "/sys/class/power_supply", dir, sizeof dir);
        if (r < 0)
                return r;
        bool online = false, offline = false;
        DIR *d = opendir(dir);
        for (struct dirent *de; d && (de = readdir(d));) {
                char path[PATH_MAX], line[32];
                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof path, "/sys/class/power_supply/%.200s/type", de->d_name);
                if (condition_read_line(env, path, line, sizeof line) < 0 || strcmp(line, "Mains") != 0)
                        continue;
                snprintf(path, sizeof path, "/sys/class/power_supply/%.200s/online", de->d_name);
                if (condition_read_line(env, path, line, sizeof line) < 0)
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

int condition_test_control_group_controller(const char *param, const struct condition_env *env)
{
        char *text = NULL;
        bool v2 = condition_read_root_file(env, "/sys/fs/cgroup/cgroup.controllers", &text) == 0;
        if (strcmp(param, "v2") == 0 || strcmp(param, "v1") == 0) {
                free(text);
                return v2 == (param[1] == '2');
        }
        if (!v2 && condition_read_root_file(env, "/proc/cgroups", &text) < 0)
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
int condition_test_memory(const char *param, const struct condition_env *env)
{
        char *text = NULL;
        int r = condition_read_root_file(env, "/proc/meminfo", &text);
        if (r < 0)
                return r;
        const char *p = strstr(text, "MemTotal:");
        uint64_t kib, memory;
        r = p && sscanf(p + 9, "%" SCNu64, &kib) == 1 ? 0 : -EIO;
        free(text);
        if (r < 0)
                return r;
        memory = kib * 1024;
        if (condition_read_root_file(env, "/proc/self/cgroup", &text) == 0) {
                char *line = strncmp(text, "0::", 3) == 0 ? text : strstr(text, "\n0::");
                if (line) {
                        char path[PATH_MAX], max[64];
                        uint64_t limit;
                        line += line == text ? 3 : 4;
                        line[strcspn(line, "\n")] = 0;
                        snprintf(path, sizeof path, "/sys/fs/cgroup%.3000s/memory.max", strcmp(line, "/") ? line : "");
                        if (condition_read_line(env, path, max, sizeof max) == 0 && parse_uint64(max, &limit) == 0 &&
                            limit < memory)
                                memory = limit;
                }
                free(text);
        }
        return compare_number(param, memory, true);
}

int condition_test_cpus(const char *param, const struct condition_env *env)
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
        if (condition_read_root_file(env, "/etc/os-release", &text) < 0 &&
            condition_read_root_file(env, "/usr/lib/os-release", &text) < 0)
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
int condition_test_os_release(const char *param, const struct condition_env *env)
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
