/* The kernel's mount and swap tables from /proc; see proc_table.h. */
#include "core/proc_table.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static bool is_sep(char c)
{
        return c == ' ' || c == '\t';
}

static const char *skip_sep(const char *p)
{
        while (is_sep(*p))
                p++;
        return p;
}

/* The word at *p (up to a blank, a newline or the end), with the kernel's
 * "\ooo" escapes (seq_file's mangle: space, tab, newline, backslash)
 * undone; *p moves past it. NULL on ENOMEM. */
/* What the kernel appends to a swap file that was deleted: libmount
 * (2.38) drops it from /proc/swaps' names, not from mountinfo's. */
#define DELETED_SUFFIX " (deleted)"

static char *unescape_word(const char **p)
{
        const char *s = *p, *e = s;
        while (*e && !is_sep(*e) && *e != '\n')
                e++;
        char *out = malloc(e - s + 1), *o = out;
        if (!out)
                return NULL;
        while (s < e) {
                if (s[0] == '\\' && e - s >= 4 && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *o++ = (char) ((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
                        s += 4;
                } else
                        *o++ = *s++;
        }
        *o = '\0';
        *p = e;
        return out;
}

/* Remove the first option named name (alone or as name=value) from the
 * comma-separated list s, in place. Whether one was there. */
static bool remove_option(char *s, const char *name)
{
        size_t k = strlen(name);
        for (char *p = s; *p;) {
                char *end = p;
                bool quoted = false;
                while (*end && (quoted || *end != ',')) {
                        if (*end == '"')
                                quoted = !quoted;
                        end++;
                }
                if (strncmp(p, name, k) == 0 && (p + k == end || p[k] == '=')) {
                        if (*end == ',')
                                memmove(p, end + 1, strlen(end + 1) + 1);
                        else if (p > s)
                                p[-1] = '\0'; /* the last one: drop its comma too */
                        else
                                *p = '\0';
                        return true;
                }
                p = *end ? end + 1 : end;
        }
        return false;
}

char *proc_table_merge_options(const char *vfs, const char *fs)
{
        if (!vfs || !fs)
                return vfs || fs ? strdup(fs ? fs : vfs) : NULL;
        if (strcmp(vfs, fs) == 0)
                return strdup(vfs);
        size_t n = strlen(vfs) + strlen(fs) + 5;
        char *res = malloc(n), *p = res + 3; /* room for "rw," or "ro," in front */
        if (!res)
                return NULL;
        snprintf(p, n - 3, "%s,%s", vfs, fs);
        int rw = remove_option(p, "rw");
        rw += remove_option(p, "rw");
        int ro = 0;
        if (rw != 2) {
                ro += remove_option(p, "ro");
                if (ro + rw < 2)
                        ro += remove_option(p, "ro");
        }
        if (!*p)
                memcpy(res, ro ? "ro" : "rw", 3);
        else
                memcpy(res, ro ? "ro," : "rw,", 3);
        return res;
}

static void entry_free(struct proc_entry *e)
{
        free(e->source);
        free(e->target);
        free(e->fstype);
        free(e->options);
}

void proc_table_done(struct proc_table *t)
{
        for (size_t i = 0; i < t->n; i++)
                entry_free(&t->entries[i]);
        free(t->entries);
        t->entries = NULL;
        t->n = 0;
}

/* A number and a blank or the end after it, as libmount's next_s32. */
static bool next_int(const char **p, long long *v)
{
        char *end;
        errno = 0;
        *v = strtoll(*p, &end, 10);
        if (end == *p || errno || (*end && !is_sep(*end)))
                return false;
        *p = end;
        return true;
}

/* The kernel writes /dev/root for the root file system mounted from the
 * command line; libmount names the device instead (mnt_guess_system_root).
 * Its name in sysfs is its name in /dev. */
static void resolve_dev_root(struct proc_entry *e, unsigned maj, unsigned min)
{
        char link[64], target[PATH_MAX], *dev;
        struct stat st;
        snprintf(link, sizeof link, "/sys/dev/block/%u:%u", maj, min);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n <= 0)
                return;
        target[n] = '\0';
        const char *base = strrchr(target, '/');
        if (asprintf(&dev, "/dev/%s", base ? base + 1 : target) < 0)
                return;
        if (stat(dev, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == makedev(maj, min)) {
                free(e->source);
                e->source = dev;
        } else
                free(dev);
}

/* One mountinfo line: id parent maj:min root target vfs-options
 * [optional fields] - fstype source fs-options. */
static int parse_mountinfo_line(const char *s, struct proc_entry *e)
{
        long long id, parent;
        unsigned maj, min;
        char *vfs = NULL, *fso = NULL, *root;
        int r = -EINVAL;

        if (!next_int(&s, &id) || !next_int((s = skip_sep(s), &s), &parent))
                return -EINVAL;
        s = skip_sep(s);
        if (sscanf(s, "%u:%u", &maj, &min) != 2)
                return -EINVAL;
        while (*s && !is_sep(*s))
                s++;
        s = skip_sep(s);
        if (!(root = unescape_word(&s)))
                return -ENOMEM;
        free(root);
        s = skip_sep(s);
        if (!(e->target = unescape_word(&s)))
                goto nomem;
        s = skip_sep(s);
        if (!(vfs = unescape_word(&s)))
                goto nomem;
        const char *dash = strstr(s, " - ");
        if (!dash)
                goto out;
        s = skip_sep(dash + 3);
        if (!(e->fstype = unescape_word(&s)))
                goto nomem;
        if (!*s)
                goto out;
        if (s[0] == ' ' && s[1] == ' ') {
                if (!(e->source = strdup("")))
                        goto nomem;
        } else {
                s = skip_sep(s);
                if (!(e->source = unescape_word(&s)))
                        goto nomem;
        }
        s = skip_sep(s);
        if (!(fso = unescape_word(&s)) || !(e->options = proc_table_merge_options(vfs, fso)))
                goto nomem;
        if (strcmp(e->source, "/dev/root") == 0)
                resolve_dev_root(e, maj, min);
        r = 0;
        goto out;
nomem:
        r = -ENOMEM;
out:
        free(vfs);
        free(fso);
        return r;
}

/* One /proc/swaps line: Filename Type Size Used Priority. */
static int parse_swaps_line(const char *s, struct proc_entry *e)
{
        long long size, used, prio = 0;
        char *type;
        if (!(e->source = unescape_word(&s)))
                return -ENOMEM;
        size_t n = strlen(e->source), k = strlen(DELETED_SUFFIX);
        if (n > k && strcmp(e->source + n - k, DELETED_SUFFIX) == 0)
                e->source[n - k] = '\0';
        s = skip_sep(s);
        if (!(type = unescape_word(&s)))
                return -ENOMEM;
        free(type);
        s = skip_sep(s);
        /* Size and Used, each followed by more: the priority may be absent. */
        if (!next_int(&s, &size) || !*s || !next_int((s = skip_sep(s), &s), &used) || !*s)
                return -EINVAL;
        s = skip_sep(s);
        if (*s && (!next_int(&s, &prio) || prio < INT_MIN || prio > INT_MAX))
                return -EINVAL;
        e->priority = (int) prio;
        return (e->fstype = strdup("swap")) ? 0 : -ENOMEM;
}

static int read_file(const char *path, char **ret)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        size_t n = 0, cap = 4096;
        char *buf = NULL;
        int r = 0;
        if (fd < 0)
                return -errno;
        for (;;) {
                if (!buf || cap - n < 2) {
                        char *b = realloc(buf, buf ? (cap *= 2) : cap);
                        if (!b) {
                                r = -ENOMEM;
                                break;
                        }
                        buf = b;
                }
                ssize_t k = read(fd, buf + n, cap - n - 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        break;
                }
                if (k == 0)
                        break;
                n += k;
        }
        close(fd);
        if (r < 0) {
                free(buf);
                return r;
        }
        buf[n] = '\0';
        *ret = buf;
        return 0;
}

static int parse_file(struct proc_table *t, const char *path, bool swaps)
{
        char *buf = NULL;
        struct proc_table nt = { 0 };
        size_t cap = 0;
        int r = read_file(path, &buf);
        if (r < 0)
                return r;
        for (char *line = buf, *next; *line; line = next) {
                char *nl = strchr(line, '\n');
                next = nl ? nl + 1 : line + strlen(line);
                if (nl)
                        *nl = '\0';
                if (nl > line && nl[-1] == '\r')
                        nl[-1] = '\0';
                const char *s = skip_sep(line);
                if (!*s || *s == '#' || (swaps && strncmp(s, "Filename\t", 9) == 0))
                        continue;
                if (nt.n == cap) {
                        struct proc_entry *ne = realloc(nt.entries, (cap = cap ? 2 * cap : 32) * sizeof *ne);
                        if (!ne) {
                                r = -ENOMEM;
                                break;
                        }
                        nt.entries = ne;
                }
                struct proc_entry *e = &nt.entries[nt.n];
                *e = (struct proc_entry) { 0 };
                r = swaps ? parse_swaps_line(s, e) : parse_mountinfo_line(s, e);
                if (r == -ENOMEM) {
                        entry_free(e);
                        break;
                }
                if (r < 0) {
                        entry_free(e); /* a line that does not parse is skipped */
                        r = 0;
                        continue;
                }
                nt.n++;
        }
        free(buf);
        if (r < 0) {
                proc_table_done(&nt);
                return r;
        }
        proc_table_done(t);
        *t = nt;
        return 0;
}

int proc_table_parse_mountinfo(struct proc_table *t, const char *path)
{
        return parse_file(t, path ? path : "/proc/self/mountinfo", false);
}

int proc_table_parse_swaps(struct proc_table *t, const char *path)
{
        return parse_file(t, path ? path : "/proc/swaps", true);
}
