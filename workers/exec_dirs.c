/* The exec directories; see exec_dirs.h. The parent side (environment,
 * request, removal) runs on the scheduler thread; exec_dirs_make runs in
 * the child between clone and execve and makes only async-signal-safe
 * calls on memory the parent prepared. */
#include "workers/exec_dirs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/dir_entries.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC 0x858458f6
#endif

/* systemd's system-manager roots, environment names and exit statuses. */
static const struct {
        const char *directive;
        const char *root;
        const char *env;
        int status;
        size_t list;  /* offsetof(struct exec_extra, ...) */
        size_t mode;
} kinds[] = {
#define K(d, root, env, status, field) \
        { d, root, env, status, offsetof(struct exec_extra, field), offsetof(struct exec_extra, field##_mode) }
        K("RuntimeDirectory", "/run", "RUNTIME_DIRECTORY", 233, runtime_directory),
        K("StateDirectory", "/var/lib", "STATE_DIRECTORY", 238, state_directory),
        K("CacheDirectory", "/var/cache", "CACHE_DIRECTORY", 239, cache_directory),
        K("LogsDirectory", "/var/log", "LOGS_DIRECTORY", 240, logs_directory),
        K("ConfigurationDirectory", "/etc", "CONFIGURATION_DIRECTORY", 241, configuration_directory),
#undef K
};
#define KIND_CONFIGURATION 4

static char **kind_list(const struct exec_extra *x, size_t k)
{
        return *(char **const *) ((const char *) x + kinds[k].list);
}

static mode_t kind_mode(const struct exec_extra *x, size_t k)
{
        return *(const mode_t *) ((const char *) x + kinds[k].mode) & 07777;
}

/* The parser drops items that are absolute or not normalized; a unit built
 * some other way gets the same check here, so no item leaves its root. */
static bool item_valid(const char *item)
{
        if (!*item || *item == '/')
                return false;
        for (const char *p = item; *p;) {
                size_t n = strcspn(p, "/");
                if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p += n;
                if (*p == '/' && !*++p)
                        return false;
        }
        return true;
}

int exec_dirs_environment(const struct exec_context *c, struct env_builder *env)
{
        const struct exec_extra *x = exec_extra(c);
        int r = 0;

        for (size_t k = 0; k < ELEMENTSOF(kinds) && r >= 0; k++) {
                char **l = kind_list(x, k);
                size_t n = 0;
                if (!l || !*l)
                        continue;
                STRV_FOREACH(i, l)
                        n += strlen(kinds[k].root) + 1 + strlen(*i) + 1;
                char *v = malloc(n), *p = v;
                if (!v)
                        return -ENOMEM;
                STRV_FOREACH(i, l)
                        p += sprintf(p, "%s%s/%s", p == v ? "" : ":", kinds[k].root, *i);
                r = env_builder_put_pair(env, kinds[k].env, v);
                free(v);
        }
        return r;
}

int exec_dirs_build(const char *id, const struct exec_context *c, uid_t uid, gid_t gid,
                    struct spawn_request *req)
{
        const struct exec_extra *x = exec_extra(c);
        size_t n = 0;

        for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
                n += strv_length(kind_list(x, k));
        if (n == 0)
                return 0;
        req->dirs = calloc(n, sizeof *req->dirs);
        if (!req->dirs)
                return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
        req->dirs_uid = uid;
        req->dirs_gid = gid;
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
                STRV_FOREACH(i, kind_list(x, k)) {
                        struct spawn_dir *d = &req->dirs[req->n_dirs];
                        if (!item_valid(*i))
                                return log_error_errno(-EINVAL, "%s: %s=%s is not a relative, normalized path", id,
                                                       kinds[k].directive, *i);
                        if (asprintf(&d->path, "%s/%s", kinds[k].root, *i) < 0) {
                                d->path = NULL;
                                return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id,
                                                       strerror(ENOMEM));
                        }
                        req->n_dirs++;
                        if (strlen(d->path) >= PATH_MAX)
                                return log_error_errno(-ENAMETOOLONG, "%s: %s=%s: %s", id, kinds[k].directive, *i,
                                                       strerror(ENAMETOOLONG));
                        d->mode = kind_mode(x, k);
                        d->status = kinds[k].status;
                        d->keep_existing = k == KIND_CONFIGURATION;
                }
        return 0;
}

/* ---- child side: async-signal-safe only ---- */

/* mkdir -p of the parents, 0755 (under the umask) as systemd's
 * mkdir_parents: a parent that is a file fails the next mkdir (ENOTDIR). */
static int make_parents(char *path)
{
        for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
                *p = 0;
                int r = mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
                *p = '/';
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Deeper trees than this fail the step (ELOOP) rather than the stack. */
#define CHOWN_DEPTH_MAX 32

/* systemd's path_chown_recursive below a directory whose owner was wrong:
 * every entry, symlinks themselves (not followed), depth first. A chown
 * may clear set-user-ID and set-group-ID bits; they are put back. */
struct chown_walk {
        uid_t uid;
        gid_t gid;
        unsigned depth;
};

static int chown_entry(int dfd, const char *name, unsigned char type, void *data);

static int chown_tree(int dfd, uid_t uid, gid_t gid, unsigned depth)
{
        struct chown_walk w = { .uid = uid, .gid = gid, .depth = depth };

        if (depth >= CHOWN_DEPTH_MAX)
                return -ELOOP;
        return dir_for_each(dfd, chown_entry, &w);
}

static int chown_entry(int dfd, const char *name, unsigned char type, void *data)
{
        const struct chown_walk *w = data;
        struct stat st;

        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (S_ISDIR(st.st_mode)) {
                int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                int r = chown_tree(fd, w->uid, w->gid, w->depth + 1);
                (void) close(fd);
                if (r < 0)
                        return r;
        }
        if (st.st_uid == w->uid && st.st_gid == w->gid)
                return 0;
        if (fchownat(dfd, name, w->uid, w->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (!S_ISLNK(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID)) &&
            fchmodat(dfd, name, st.st_mode & 07777, 0) < 0)
                return -errno;
        return 0;
}

/* Owner uid:gid for path and, when it had another owner, for everything
 * in it (systemd's shortcut: a directory owned right is taken as right). */
static int chown_dir(const char *path, const struct stat *st, uid_t uid, gid_t gid)
{
        if (st->st_uid == uid && st->st_gid == gid)
                return 0;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = chown_tree(fd, uid, gid, 0);
        if (r == 0 && fchown(fd, uid, gid) < 0)
                r = -errno;
        (void) close(fd);
        return r;
}

int exec_dirs_make(const struct spawn_request *req, int *ret_status)
{
        char path[PATH_MAX];
        struct stat st;

        for (unsigned i = 0; i < req->n_dirs; i++) {
                const struct spawn_dir *d = &req->dirs[i];
                size_t n = strlen(d->path);

                *ret_status = d->status;
                if (n >= sizeof path)
                        return -ENAMETOOLONG;
                memcpy(path, d->path, n + 1);
                int r = make_parents(path);
                if (r < 0)
                        return r;
                bool made = mkdir(path, d->mode) == 0;
                if (!made && errno != EEXIST)
                        return -errno;
                if (stat(path, &st) < 0)
                        return -errno;
                if (!S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                /* A configuration directory is not the service's to change. */
                if (!made && d->keep_existing)
                        continue;
                /* mkdir's mode went through the umask; *DirectoryMode= is exact. */
                if ((st.st_mode & 07777) != d->mode && chmod(path, d->mode) < 0)
                        return -errno;
                /* The directory and what is in it are the unit's; its parents are not. */
                r = chown_dir(path, &st, req->dirs_uid, req->dirs_gid);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- removal ---- */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        if (remove(path) < 0 && errno != ENOENT)
                log_debug("Failed to remove %s: %s", path, strerror(errno));
        return 0;
}

void exec_dirs_remove_runtime(const char *id, const struct exec_context *c, bool restarting)
{
        const struct exec_extra *x = exec_extra(c);
        struct statfs sfs;
        char *path = NULL;

        if (!x->runtime_directory || x->runtime_directory_preserve == EXEC_PRESERVE_YES ||
            (x->runtime_directory_preserve == EXEC_PRESERVE_RESTART && restarting))
                return;
        /* As systemd's rm_rf without REMOVE_PHYSICAL: only a memory file
         * system is emptied, never a disk that /run happens to be on. */
        if (statfs(kinds[0].root, &sfs) < 0 ||
            ((unsigned long) sfs.f_type != TMPFS_MAGIC && (unsigned long) sfs.f_type != RAMFS_MAGIC)) {
                log_warning("%s: %s is not a tmpfs; not removing RuntimeDirectory=", id, kinds[0].root);
                return;
        }
        STRV_FOREACH(i, x->runtime_directory) {
                free(path);
                if (!item_valid(*i) || asprintf(&path, "%s/%s", kinds[0].root, *i) < 0) {
                        path = NULL;
                        continue;
                }
                /* Depth first, symlinks not followed, never into another mount. */
                (void) nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
                if (access(path, F_OK) == 0)
                        log_warning("%s: Failed to remove runtime directory %s entirely", id, path);
                else
                        log_debug("%s: Removed runtime directory %s", id, path);
        }
        free(path);
}
