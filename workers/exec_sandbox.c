/* Sandboxing in the child; see exec_sandbox.h. The parent side (building
 * the request, removing PrivateTmp= directories) runs on the scheduler
 * thread; everything below "child side" runs between clone and execve and
 * makes only system calls on memory the parent prepared or on its stack. */
#include "workers/exec_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "base/format_uint.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/capability.h"
#include "parse/exec_line.h"

/* systemd's exit statuses (systemd.exec(5) "Process Exit Codes"). */
enum {
        EXIT_USER = 217,
        EXIT_CAPABILITIES = 218,
        EXIT_NAMESPACE = 226,
        EXIT_NO_NEW_PRIVILEGES = 227,
};

#define CAP_MKNOD_BIT 27
#define CAP_SYS_RAWIO_BIT 17

/* ---- parent side ---- */

static pthread_once_t token_once = PTHREAD_ONCE_INIT;
static char token[33];
static int last_cap = 40;

static void token_init(void)
{
        uint8_t raw[16];
        FILE *f;

        if (getrandom(raw, sizeof raw, GRND_NONBLOCK) != (ssize_t) sizeof raw) {
                /* Not secret then, but still unlikely to be taken already. */
                uint64_t t = (uint64_t) getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t) time(NULL);
                memcpy(raw, &t, sizeof t);
                memcpy(raw + 8, &t, sizeof t);
        }
        for (size_t i = 0; i < sizeof raw; i++)
                snprintf(token + 2 * i, 3, "%02x", raw[i]);
        f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        if (f) {
                int v;
                if (fscanf(f, "%d", &v) == 1 && v > 0 && v < 64)
                        last_cap = v;
                fclose(f);
        }
}

static int tmp_paths(const char *id, const char *root, char **ret_base, char **ret_dir)
{
        (void) pthread_once(&token_once, token_init);
        if (asprintf(ret_base, "%s/systemd-private-%s-%s", root, token, id) < 0) {
                *ret_base = NULL;
                return -ENOMEM;
        }
        if (ret_dir && asprintf(ret_dir, "%s/tmp", *ret_base) < 0) {
                *ret_dir = NULL;
                return -ENOMEM;
        }
        return 0;
}

void exec_sandbox_free(struct spawn_sandbox *sb)
{
        if (!sb)
                return;
        free(sb->tmp_base);
        free(sb->tmp_dir);
        free(sb->var_tmp_base);
        free(sb->var_tmp_dir);
        strv_free(sb->keep_writable);
        strv_free(sb->read_write);
        strv_free(sb->read_only);
        free(sb);
}

/* What the read-only settings leave writable, as systemd's namespace
 * setup: PrivateTmp='s mounts, the unit's exec directories and
 * ReadWritePaths= (without its "-"). */
static int keep_writable(const struct exec_extra *x, const struct spawn_request *req, struct spawn_sandbox *sb)
{
        int r = 0;

        if (sb->tmp_dir && (r = strv_extend(&sb->keep_writable, "/tmp")) >= 0)
                r = strv_extend(&sb->keep_writable, "/var/tmp");
        for (unsigned i = 0; i < req->n_dirs && r >= 0; i++)
                r = strv_extend(&sb->keep_writable, req->dirs[i].path);
        STRV_FOREACH(p, x->read_write_paths)
                if (r >= 0)
                        r = strv_extend(&sb->keep_writable, *p + (**p == '-'));
        if (r >= 0 && x->read_write_paths && !(sb->read_write = strv_copy(x->read_write_paths)))
                r = -ENOMEM;
        if (r >= 0 && x->read_only_paths && !(sb->read_only = strv_copy(x->read_only_paths)))
                r = -ENOMEM;
        return r < 0 ? -ENOMEM : 0;
}

int exec_sandbox_build(const char *id, const struct exec_context *c, bool full_privileges,
                       struct spawn_request *req)
{
        const struct exec_extra *x = exec_extra(c);
        struct spawn_sandbox *sb;
        int r = 0;

        if (full_privileges)
                return 0;
        bool paths = x->read_write_paths || x->read_only_paths;
        if (!x->private_tmp && !x->private_devices && x->protect_system == PROTECT_SYSTEM_NO &&
            x->protect_home == PROTECT_HOME_NO && x->capability_bounding_set == CAPABILITY_SET_ALL &&
            x->capability_ambient_set == 0 && !x->no_new_privileges && !paths)
                return 0;
        (void) pthread_once(&token_once, token_init);
        sb = calloc(1, sizeof *sb);
        if (!sb)
                goto oom;
        req->sandbox = sb;
        sb->private_devices = x->private_devices;
        sb->protect_system = x->protect_system;
        sb->protect_home = x->protect_home;
        sb->mount_ns = x->private_tmp || x->private_devices || x->protect_system != PROTECT_SYSTEM_NO ||
                       x->protect_home != PROTECT_HOME_NO || paths;
        sb->read_only_walk = x->protect_system != PROTECT_SYSTEM_NO || x->protect_home == PROTECT_HOME_READ_ONLY ||
                             x->read_only_paths;
        if (x->private_tmp && ((r = tmp_paths(id, "/tmp", &sb->tmp_base, &sb->tmp_dir)) < 0 ||
                               (r = tmp_paths(id, "/var/tmp", &sb->var_tmp_base, &sb->var_tmp_dir)) < 0))
                goto oom;
        if (sb->tmp_base && strlen(sb->var_tmp_dir) >= PATH_MAX)
                return log_error_errno(-ENAMETOOLONG, "%s: PrivateTmp=: %s", id, strerror(ENAMETOOLONG));
        if (sb->mount_ns && keep_writable(x, req, sb) < 0)
                goto oom;
        sb->bounding_set = x->capability_bounding_set;
        /* As systemd's unit_patch_contexts: no device nodes to make or poke. */
        if (x->private_devices)
                sb->bounding_set &= ~((UINT64_C(1) << CAP_MKNOD_BIT) | (UINT64_C(1) << CAP_SYS_RAWIO_BIT));
        sb->last_cap = last_cap;
        uint64_t known = last_cap >= 63 ? UINT64_MAX : (UINT64_C(1) << (last_cap + 1)) - 1;
        sb->drop_bounding = (sb->bounding_set & known) != known;
        sb->ambient_set = x->capability_ambient_set & known;
        sb->no_new_privileges = x->no_new_privileges;
        return 0;
oom:
        return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        if (remove(path) < 0 && errno != ENOENT)
                log_debug("Failed to remove %s: %s", path, strerror(errno));
        return 0;
}

void exec_sandbox_remove_tmp(const char *id, const struct exec_context *c)
{
        static const char *const roots[] = { "/tmp", "/var/tmp" };

        if (!exec_extra(c)->private_tmp)
                return;
        for (size_t i = 0; i < ELEMENTSOF(roots); i++) {
                char *base = NULL;
                if (tmp_paths(id, roots[i], &base, NULL) < 0)
                        return;
                if (access(base, F_OK) == 0) {
                        /* Depth first, symlinks not followed, never into another mount. */
                        (void) nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
                        if (access(base, F_OK) == 0)
                                log_warning("%s: Failed to remove PrivateTmp= directory %s entirely", id, base);
                        else
                                log_debug("%s: Removed PrivateTmp= directory %s", id, base);
                }
                free(base);
        }
}

/* ---- child side: async-signal-safe only ---- */

/* "/proc/self/fd/N": how a mount source is named by an O_PATH fd opened
 * before /dev was covered. */
static void fd_path(char buf[static 32], int fd)
{
        memcpy(buf, "/proc/self/fd/", 14);
        format_uint(buf + 14, (unsigned long long) fd, 10);
}

/* One of PrivateTmp='s directories: made if missing, and taken only if it
 * is ours (not a symlink, our owner, the mode we gave it), so nobody can
 * hand the unit a /tmp of their own by making the name first. */
static int private_dir(const char *path, mode_t mode)
{
        struct stat st;

        if (mkdir(path, mode) < 0 && errno != EEXIST)
                return -errno;
        if (lstat(path, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
                return -EPERM;
        if ((st.st_mode & 07777) != mode && chmod(path, mode) < 0)
                return -errno;
        return 0;
}

static bool path_below(const char *path, const char *prefix)
{
        size_t n = strlen(prefix);

        if (n == 1 && prefix[0] == '/')
                return path[0] == '/';
        return strncmp(path, prefix, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* systemd leaves these alone under ProtectSystem=strict: the API file
 * systems and the homes (ProtectHome='s business). */
static const char *const strict_kept[] = { "/dev", "/proc", "/sys", "/home", "/root", "/run/user" };

/* Is the mount at point, met while making prefix read-only, one to keep
 * writable? Only a kept path at or below prefix counts: the more specific
 * setting wins (ReadOnlyPaths=/run/x/ro inside ReadWritePaths=/run/x is
 * read-only). strict: the API file systems and homes too. */
static bool kept_writable(const struct spawn_sandbox *sb, const char *prefix, const char *point, bool strict)
{
        for (char **k = sb->keep_writable; k && *k; k++)
                if (path_below(*k, prefix) && path_below(point, *k))
                        return true;
        for (size_t i = 0; strict && i < ELEMENTSOF(strict_kept); i++)
                if (path_below(point, strict_kept[i]))
                        return true;
        return false;
}

/* A mount's own options (mountinfo's field 6) as mount flags: a bind
 * remount must repeat them, or the kernel refuses to drop ones it locked.
 * Read from the table rather than with statfs, which would trigger an
 * automount on the way. */
static unsigned long mountinfo_flags(const char *opts)
{
        static const struct {
                const char *name;
                unsigned long flag;
        } known[] = {
                { "nosuid", MS_NOSUID },     { "nodev", MS_NODEV },           { "noexec", MS_NOEXEC },
                { "noatime", MS_NOATIME },   { "nodiratime", MS_NODIRATIME }, { "relatime", MS_RELATIME },
                { "sync", MS_SYNCHRONOUS },  { "mand", MS_MANDLOCK },
        };
        unsigned long flags = 0;

        while (*opts && *opts != ' ') {
                size_t n = strcspn(opts, ", ");
                for (size_t i = 0; i < ELEMENTSOF(known); i++)
                        if (strlen(known[i].name) == n && strncmp(opts, known[i].name, n) == 0)
                                flags |= known[i].flag;
                opts += n;
                if (*opts == ',')
                        opts++;
        }
        return flags;
}

/* The mount point (field 5, unescaped into out) and the options (field 6)
 * of a /proc/self/mountinfo line. */
static bool mountinfo_point(const char *line, char *out, size_t size, unsigned long *ret_flags)
{
        const char *p = line;
        size_t n = 0;

        for (int field = 0; field < 4; field++) {
                p = strchr(p, ' ');
                if (!p)
                        return false;
                p++;
        }
        while (*p && *p != ' ' && n + 1 < size) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
                    p[3] <= '7') {
                        out[n++] = (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 4;
                } else
                        out[n++] = *p++;
        }
        out[n] = 0;
        if (*p != ' ' || n == 0)
                return false;
        *ret_flags = mountinfo_flags(p + 1);
        return true;
}

/* Every mount at or below prefix read-only, but those sb keeps writable. Mounts that are gone, or not ours to see, are
 * skipped as systemd skips them. */
static int read_only_below(const char *prefix, const struct spawn_sandbox *sb, bool strict)
{
        char buf[8192], point[PATH_MAX];
        size_t len = 0;
        int r = 0;
        int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                len += (size_t) n;
                buf[len] = 0;
                char *line = buf, *nl;
                while ((nl = strchr(line, '\n'))) {
                        *nl = 0;
                        unsigned long flags;
                        if (mountinfo_point(line, point, sizeof point, &flags) && path_below(point, prefix) &&
                            !kept_writable(sb, prefix, point, strict)) {
                                r = mount(NULL, point, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | flags, NULL) < 0 ? -errno : 0;
                                if (r == -ENOENT || r == -EACCES || r == -ESTALE)
                                        r = 0;
                                if (r < 0)
                                        break;
                        }
                        line = nl + 1;
                }
                if (r < 0)
                        break;
                size_t rest = len - (size_t) (line - buf);
                if (rest == sizeof buf - 1) /* one line longer than the buffer: no mount point of ours */
                        rest = 0;
                memmove(buf, line, rest);
                len = rest;
                if (n == 0)
                        break;
        }
        (void) close(fd);
        return r;
}

/* Make path a mount point of its own (with what is mounted below it), so
 * that what is done to the mount it sits on does not reach it. A path
 * from ReadWritePaths=/ReadOnlyPaths= may be missing only with "-". */
static int bind_self(const char *path, bool missing_ok)
{
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
                return errno == ENOENT && missing_ok ? 0 : -errno;
        return 0;
}

/* Before anything is made read-only: every kept path a mount of its own. */
static int bind_kept(const struct spawn_sandbox *sb, const struct spawn_request *req)
{
        int r;

        STRV_FOREACH(p, sb->read_write)
                if ((r = bind_self(*p + (**p == '-'), **p == '-')) < 0)
                        return r;
        for (unsigned i = 0; i < req->n_dirs; i++)
                if ((r = bind_self(req->dirs[i].path, true)) < 0)
                        return r;
        for (size_t i = 0; sb->protect_system == PROTECT_SYSTEM_STRICT && i < ELEMENTSOF(strict_kept); i++)
                if ((r = bind_self(strict_kept[i], true)) < 0)
                        return r;
        return 0;
}

static int read_only_paths(const struct spawn_sandbox *sb)
{
        struct stat st;
        int r;

        STRV_FOREACH(p, sb->read_only) {
                const char *path = *p + (**p == '-');
                if (stat(path, &st) < 0) {
                        if (errno == ENOENT && **p == '-')
                                continue;
                        return -errno;
                }
                if ((r = bind_self(path, false)) < 0 || (r = read_only_below(path, sb, false)) < 0)
                        return r;
        }
        return 0;
}

static int protect_system(const struct spawn_sandbox *sb)
{
        static const char *const yes[] = { "/usr", "/boot", "/efi" };
        int r;

        if (sb->protect_system == PROTECT_SYSTEM_NO)
                return 0;
        if (sb->protect_system == PROTECT_SYSTEM_STRICT)
                return read_only_below("/", sb, true);
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (access(yes[i], F_OK) == 0 &&
                    ((r = bind_self(yes[i], true)) < 0 || (r = read_only_below(yes[i], sb, false)) < 0))
                        return r;
        if (sb->protect_system == PROTECT_SYSTEM_FULL &&
            ((r = bind_self("/etc", true)) < 0 || (r = read_only_below("/etc", sb, false)) < 0))
                return r;
        return 0;
}

static int protect_home(const struct spawn_sandbox *sb)
{
        static const char *const homes[] = { "/home", "/root", "/run/user" };
        struct stat st;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(homes); i++) {
                const char *h = homes[i];
                if (stat(h, &st) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                switch (sb->protect_home) {
                case PROTECT_HOME_YES:
                        /* Empty and, but for root's override, inaccessible: systemd's inaccessible directory. */
                        if (mount("tmpfs", h, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=000") < 0)
                                return -errno;
                        break;
                case PROTECT_HOME_TMPFS:
                        if (mount("tmpfs", h, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=0755") < 0)
                                return -errno;
                        break;
                case PROTECT_HOME_READ_ONLY:
                        if ((r = bind_self(h, true)) < 0 || (r = read_only_below(h, sb, false)) < 0)
                                return r;
                        break;
                default:
                        break;
                }
        }
        return 0;
}

/* A PrivateTmp= pair (base 0700, dir 01777 in it), made in the namespace
 * everyone sees. *made is false when the file system refuses (read-only or
 * full): as systemd does, the unit then gets an empty read-only directory
 * instead and sees EROFS where it writes, rather than failing to start. */
static int tmp_pair(const char *base, const char *dir, bool *made)
{
        int r = private_dir(base, 0700);

        if (r == 0)
                r = private_dir(dir, 01777);
        *made = r == 0;
        return r == -EROFS || r == -ENOSPC || r == -EDQUOT ? 0 : r;
}

static int bind_tmp(const char *dir, bool made, const char *where)
{
        int r = made ? mount(dir, where, NULL, MS_BIND, NULL)
                     : mount("tmpfs", where, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755");

        return r < 0 ? -errno : 0;
}

/* systemd's private /dev: a read-only tmpfs with the basic nodes, the
 * pts, shm, mqueue and hugepages of the real one, and the usual symlinks. */
static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
#define N_DEV_NODES 6

static int clone_node(int src, const char *dst)
{
        char proc[32];
        struct stat st;

        if (fstat(src, &st) < 0)
                return -errno;
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
                return 0; /* not a device where the host has it: skipped, as systemd */
        if (mknod(dst, st.st_mode, st.st_rdev) == 0)
                return 0;
        if (errno != EPERM)
                return -errno;
        /* No CAP_MKNOD (a container): the host's node, bound on an empty file. */
        int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0000);
        if (fd < 0)
                return -errno;
        (void) close(fd);
        fd_path(proc, src);
        if (mount(proc, dst, NULL, MS_BIND, NULL) < 0)
                return -errno;
        return 0;
}

static int private_dev(void)
{
        static const char *const dirs[] = { "pts", "shm", "mqueue", "hugepages" };
        int node_fd[N_DEV_NODES], dir_fd[4], ptmx = -1, r = 0;
        char src[64], dst[64], proc[32];
        struct stat st;
        bool ptmx_link = lstat("/dev/ptmx", &st) == 0 && S_ISLNK(st.st_mode);

        for (size_t i = 0; i < N_DEV_NODES; i++) {
                memcpy(src, "/dev/", 5);
                strcpy(src + 5, dev_nodes[i]);
                node_fd[i] = open(src, O_PATH | O_CLOEXEC);
        }
        for (size_t i = 0; i < 4; i++) {
                memcpy(src, "/dev/", 5);
                strcpy(src + 5, dirs[i]);
                dir_fd[i] = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        if (!ptmx_link)
                ptmx = open("/dev/ptmx", O_PATH | O_CLOEXEC);

        if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=0755") < 0) {
                r = -errno;
                goto out;
        }
        for (size_t i = 0; i < 4; i++) {
                memcpy(dst, "/dev/", 5);
                strcpy(dst + 5, dirs[i]);
                (void) mkdir(dst, 0755);
                if (dir_fd[i] < 0)
                        continue;
                fd_path(proc, dir_fd[i]);
                /* pts and shm are needed; mqueue and hugepages are a bonus. */
                if (mount(proc, dst, NULL, MS_BIND, NULL) < 0 && i < 2) {
                        r = -errno;
                        goto out;
                }
        }
        if (ptmx_link) {
                if (symlink("pts/ptmx", "/dev/ptmx") < 0) {
                        r = -errno;
                        goto out;
                }
        } else if (ptmx >= 0 && (r = clone_node(ptmx, "/dev/ptmx")) < 0)
                goto out;
        for (size_t i = 0; i < N_DEV_NODES; i++) {
                if (node_fd[i] < 0)
                        continue;
                memcpy(dst, "/dev/", 5);
                strcpy(dst + 5, dev_nodes[i]);
                if ((r = clone_node(node_fd[i], dst)) < 0)
                        goto out;
        }
        (void) symlink("/run/systemd/journal/dev-log", "/dev/log");
        (void) symlink("/proc/self/fd", "/dev/fd");
        (void) symlink("/proc/self/fd/0", "/dev/stdin");
        (void) symlink("/proc/self/fd/1", "/dev/stdout");
        (void) symlink("/proc/self/fd/2", "/dev/stderr");
        if (access("/proc/kcore", F_OK) == 0)
                (void) symlink("/proc/kcore", "/dev/core");
        /* As systemd: the new /dev itself read-only, not what is mounted below (shm, pts). */
        if (mount(NULL, "/dev", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL) < 0)
                r = -errno;
out:
        for (size_t i = 0; i < N_DEV_NODES; i++)
                if (node_fd[i] >= 0)
                        (void) close(node_fd[i]);
        for (size_t i = 0; i < 4; i++)
                if (dir_fd[i] >= 0)
                        (void) close(dir_fd[i]);
        if (ptmx >= 0)
                (void) close(ptmx);
        return r;
}

int exec_sandbox_mounts(const struct spawn_request *req, int *ret_status)
{
        const struct spawn_sandbox *sb = req->sandbox;
        int r;

        if (!sb || !sb->mount_ns)
                return 0;
        *ret_status = EXIT_NAMESPACE;
        /* Made in the namespace everyone sees: the unit's other commands share them. */
        bool tmp_made = false, var_tmp_made = false;
        if (sb->tmp_base && ((r = tmp_pair(sb->tmp_base, sb->tmp_dir, &tmp_made)) < 0 ||
                             (r = tmp_pair(sb->var_tmp_base, sb->var_tmp_dir, &var_tmp_made)) < 0))
                return r;
        if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        /* The host's mounts still reach us; ours stay here. */
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return -errno;
        if (sb->private_devices) {
                /* Nodes get the host's modes, not the unit's UMask=. */
                mode_t saved = umask(0);
                r = private_dev();
                umask(saved);
                if (r < 0)
                        return r;
        }
        if (sb->tmp_base && ((r = bind_tmp(sb->tmp_dir, tmp_made, "/tmp")) < 0 ||
                             (r = bind_tmp(sb->var_tmp_dir, var_tmp_made, "/var/tmp")) < 0))
                return r;
        if (sb->read_only_walk && (r = bind_kept(sb, req)) < 0)
                return r;
        if ((r = protect_home(sb)) < 0 || (r = read_only_paths(sb)) < 0)
                return r;
        return protect_system(sb);
}

int exec_sandbox_before_user(const struct spawn_request *req, int *ret_status)
{
        const struct spawn_sandbox *sb = req->sandbox;

        if (!sb)
                return 0;
        *ret_status = EXIT_CAPABILITIES;
        if (sb->drop_bounding)
                for (int cap = 0; cap <= sb->last_cap; cap++)
                        if (!(sb->bounding_set & (UINT64_C(1) << cap)) &&
                            prctl(PR_CAPBSET_DROP, (unsigned long) cap, 0, 0, 0) < 0 && errno != EINVAL)
                                return -errno;
        if (sb->ambient_set == 0)
                return 0;
        /* A capability is raised into the ambient set only from the inheritable one. */
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];
        if (syscall(SYS_capget, &h, d) < 0)
                return -errno;
        d[0].inheritable |= (uint32_t) sb->ambient_set;
        d[1].inheritable |= (uint32_t) (sb->ambient_set >> 32);
        if (syscall(SYS_capset, &h, d) < 0)
                return -errno;
        if (req->set_credentials && req->uid != 0) {
                /* The user switch clears the ambient set; the permitted one must survive it to raise them again. */
                *ret_status = EXIT_USER;
                if (prctl(PR_SET_KEEPCAPS, 1UL, 0, 0, 0) < 0)
                        return -errno;
                return 0;
        }
        for (int cap = 0; cap <= sb->last_cap; cap++)
                if ((sb->ambient_set & (UINT64_C(1) << cap)) &&
                    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long) cap, 0, 0) < 0)
                        return -errno;
        return 0;
}

int exec_sandbox_after_user(const struct spawn_request *req, int *ret_status)
{
        const struct spawn_sandbox *sb = req->sandbox;

        if (!sb)
                return 0;
        if (sb->ambient_set && req->set_credentials && req->uid != 0) {
                *ret_status = EXIT_CAPABILITIES;
                for (int cap = 0; cap <= sb->last_cap; cap++)
                        if ((sb->ambient_set & (UINT64_C(1) << cap)) &&
                            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long) cap, 0, 0) < 0)
                                return -errno;
        }
        *ret_status = EXIT_NO_NEW_PRIVILEGES;
        if (sb->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0, 0, 0) < 0)
                return -errno;
        return 0;
}
