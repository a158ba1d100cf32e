/* The unit's credentials directory; see exec_credentials.h. The parent
 * side (environment, request, removal) runs on the scheduler thread;
 * exec_credentials_make runs in the child between clone and execve and
 * makes only async-signal-safe calls on memory the parent prepared. */
#include "workers/exec_credentials.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dir_entries.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"

#define EXIT_CREDENTIALS 243
#define SYSTEM_CREDENTIALS EXEC_CREDENTIALS_ROOT "/@system"
/* systemd's CREDENTIAL_SIZE_MAX and CREDENTIALS_TOTAL_SIZE_MAX. */
#define CREDENTIAL_SIZE_MAX (1024 * 1024)
#define CREDENTIALS_TOTAL_SIZE_MAX (1024 * 1024)
/* Deeper source trees than this fail the step (ELOOP). */
#define CRED_DEPTH_MAX 16

static bool has_credentials(const struct exec_context *c)
{
        const struct exec_extra *x = exec_extra(c);
        return (x->load_credential && *x->load_credential) || (x->set_credential && *x->set_credential);
}

/* EXEC_CREDENTIALS_ROOT/ID, or NULL when out of memory. */
static char *credentials_dir(const char *id)
{
        char *p;
        return asprintf(&p, EXEC_CREDENTIALS_ROOT "/%s", id) < 0 ? NULL : p;
}

int exec_credentials_environment(const char *id, const struct exec_context *c, struct env_builder *env)
{
        char *v;
        int r;

        if (!has_credentials(c))
                return 0;
        if (!(v = credentials_dir(id)))
                return -ENOMEM;
        r = env_builder_put_pair(env, "CREDENTIALS_DIRECTORY", v);
        free(v);
        return r;
}

static bool set_has(char *const *set, const char *id, size_t n)
{
        STRV_FOREACH(i, set)
                if (strncmp(*i, id, n) == 0 && (*i)[n] == ':')
                        return true;
        return false;
}

int exec_credentials_build(const char *id, const struct exec_context *c, uid_t uid, gid_t gid,
                           struct spawn_request *req)
{
        const struct exec_extra *x = exec_extra(c);
        size_t n = strv_length(x->load_credential) + strv_length(x->set_credential);

        if (!has_credentials(c))
                return 0;
        req->dirs_uid = uid;
        req->dirs_gid = gid;
        req->creds = calloc(n, sizeof *req->creds);
        req->cred_dir = credentials_dir(id);
        if (!req->creds || !req->cred_dir)
                return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
        if (strlen(req->cred_dir) >= PATH_MAX - NAME_MAX - 2)
                return log_error_errno(-ENAMETOOLONG, "%s: credentials directory: %s", id, strerror(ENAMETOOLONG));
        STRV_FOREACH(i, x->load_credential) {
                struct spawn_credential *cr = &req->creds[req->n_creds];
                size_t k = strcspn(*i, ":");
                const char *src = (*i)[k] ? *i + k + 1 : *i + k;
                int r;
                req->n_creds++;
                cr->is_system = src[0] != '/';
                cr->id = strndup(*i, k);
                r = cr->is_system ? asprintf(&cr->path, SYSTEM_CREDENTIALS "/%s", src) : asprintf(&cr->path, "%s", src);
                if (r < 0)
                        cr->path = NULL;
                if (!cr->id || !cr->path)
                        return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id,
                                               strerror(ENOMEM));
                if (strlen(cr->path) >= PATH_MAX)
                        return log_error_errno(-ENAMETOOLONG, "%s: LoadCredential=%s: %s", id, *i,
                                               strerror(ENAMETOOLONG));
                cr->missing_ok = cr->is_system || set_has(x->set_credential, *i, k);
        }
        STRV_FOREACH(i, x->set_credential) {
                struct spawn_credential *cr = &req->creds[req->n_creds];
                size_t k = strcspn(*i, ":");
                req->n_creds++;
                cr->id = strndup(*i, k);
                cr->data = strdup((*i)[k] ? *i + k + 1 : "");
                if (!cr->id || !cr->data)
                        return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id,
                                               strerror(ENOMEM));
        }
        return 0;
}

/* ---- child side: async-signal-safe only ---- */

struct writer {
        const struct spawn_request *req;
        int dfd;          /* the credentials directory */
        size_t left;      /* of CREDENTIALS_TOTAL_SIZE_MAX */
};

/* Create credential name in w->dfd from the open source fd (or the data
 * string when fd < 0): 0400, the unit's owner. -EEXIST when an earlier
 * source gave that ID. */
static int write_credential(struct writer *w, const char *name, int fd, const char *data)
{
        char buf[4096];
        size_t total = 0, nlen = strlen(name);
        int r = 0;

        if (nlen > w->left)
                return -E2BIG;
        int out = openat(w->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return -errno;
        for (;;) {
                ssize_t n;
                const char *p = buf;
                if (fd >= 0) {
                        n = read(fd, buf, sizeof buf);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0) {
                                r = -errno;
                                break;
                        }
                } else {
                        p = data + total;
                        n = (ssize_t) strlen(p);
                }
                if (n == 0)
                        break;
                total += (size_t) n;
                if (total > CREDENTIAL_SIZE_MAX || nlen + total > w->left) {
                        r = -E2BIG;
                        break;
                }
                for (ssize_t off = 0; off < n;) {
                        ssize_t m = write(out, p + off, (size_t) (n - off));
                        if (m < 0 && errno == EINTR)
                                continue;
                        if (m < 0) {
                                r = -errno;
                                break;
                        }
                        off += m;
                }
                if (r < 0 || fd < 0)
                        break;
        }
        if (r == 0 && fchmod(out, 0400) < 0)
                r = -errno;
        if (r == 0 && (w->req->dirs_uid != getuid() || w->req->dirs_gid != getgid()) &&
            fchown(out, w->req->dirs_uid, w->req->dirs_gid) < 0)
                r = -errno;
        (void) close(out);
        if (r < 0) {
                (void) unlinkat(w->dfd, name, 0);
                return r;
        }
        w->left -= nlen + total;
        return 0;
}

/* Every regular file below dfd as PREFIX_NAME (name[0..len) holds the
 * prefix), depth first; an ID already written is kept (systemd skips
 * duplicates). */
struct cred_walk {
        struct writer *w;
        char *name;
        size_t len;
        unsigned depth;
};

static int load_entry(int dfd, const char *d, unsigned char type, void *data);

static int load_tree(struct writer *w, int dfd, char *name, size_t len, unsigned depth)
{
        struct cred_walk c = { .w = w, .name = name, .len = len, .depth = depth };

        if (depth >= CRED_DEPTH_MAX)
                return -ELOOP;
        return dir_for_each(dfd, load_entry, &c);
}

static int load_entry(int dfd, const char *d, unsigned char type, void *data)
{
        const struct cred_walk *c = data;
        size_t dl = strlen(d);
        struct stat st;
        int r;

        if (type == DT_UNKNOWN) {
                if (fstatat(dfd, d, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type != DT_DIR && type != DT_REG)
                return 0;
        if (c->len + 1 + dl > NAME_MAX)
                return -EINVAL; /* the ID would not be a valid name */
        c->name[c->len] = '_';
        memcpy(c->name + c->len + 1, d, dl + 1);
        int fd = openat(dfd, d, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (type == DT_DIR ? O_DIRECTORY : O_NONBLOCK));
        if (fd < 0)
                r = errno == ENOENT ? 0 : -errno; /* ENOENT: gone meanwhile */
        else if (type == DT_DIR)
                r = load_tree(c->w, fd, c->name, c->len + 1 + dl, c->depth + 1);
        else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                r = 0;
        else
                r = write_credential(c->w, c->name, fd, NULL);
        if (fd >= 0)
                (void) close(fd);
        c->name[c->len] = 0;
        return r < 0 && r != -EEXIST ? r : 0;
}

static int load_one(struct writer *w, const struct spawn_credential *cr)
{
        char name[NAME_MAX + 1];
        size_t len = strlen(cr->id);
        int fd = -1, r;

        if (len > NAME_MAX)
                return -EINVAL;
        if (!cr->is_system) {
                fd = open(cr->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0 && errno != ENOTDIR && errno != ENOENT)
                        return -errno;
                if (fd >= 0) {
                        memcpy(name, cr->id, len + 1);
                        r = load_tree(w, fd, name, len, 0);
                        (void) close(fd);
                        return r;
                }
        }
        fd = open(cr->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT && cr->missing_ok ? 0 : -errno;
        r = write_credential(w, cr->id, fd, NULL);
        (void) close(fd);
        return r;
}

static int fill(const struct spawn_request *req, int dfd)
{
        struct writer w = { .req = req, .dfd = dfd, .left = CREDENTIALS_TOTAL_SIZE_MAX };
        int r;

        for (unsigned i = 0; i < req->n_creds; i++) {
                const struct spawn_credential *cr = &req->creds[i];
                if (cr->path) {
                        r = load_one(&w, cr);
                        if (r == -EEXIST)
                                r = 0;
                } else if (faccessat(dfd, cr->id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                        r = 0; /* loaded: SetCredential= is only the fallback */
                else
                        r = write_credential(&w, cr->id, -1, cr->data);
                if (r < 0)
                        return r;
        }
        return 0;
}

#define CRED_MOUNT_FLAGS (MS_NODEV | MS_NOEXEC | MS_NOSUID)

int exec_credentials_make(const struct spawn_request *req, int *ret_status)
{
        struct stat st, parent;
        const char *path = req->cred_dir;
        int dfd, r;

        if (!path)
                return 0;
        *ret_status = EXIT_CREDENTIALS;
        if (mkdir(EXEC_CREDENTIALS_ROOT, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return -errno;
        if (stat(EXEC_CREDENTIALS_ROOT, &parent) < 0 || lstat(path, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        /* Mounted by an earlier process of this run (ExecStartPre=...). */
        if (st.st_dev != parent.st_dev)
                return 0;
        /* ramfs has no size limit but never swaps; tmpfs is the fallback. */
        if (mount("ramfs", path, "ramfs", CRED_MOUNT_FLAGS, "mode=0700") < 0 &&
            mount("tmpfs", path, "tmpfs", CRED_MOUNT_FLAGS, "mode=0700,size=1024k,nr_inodes=1024") < 0)
                return -errno;
        dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0) {
                r = -errno;
                goto fail;
        }
        r = fill(req, dfd);
        if (r == 0 && fchmod(dfd, 0500) < 0)
                r = -errno;
        if (r == 0 && (req->dirs_uid != getuid() || req->dirs_gid != getgid()) &&
            fchown(dfd, req->dirs_uid, req->dirs_gid) < 0)
                r = -errno;
        if (r == 0) {
                /* Even empty: systemd 252 moves its workspace into place
                 * whatever it holds (later versions skip an empty one). */
                (void) close(dfd);
                dfd = -1;
                if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | CRED_MOUNT_FLAGS, NULL) < 0) {
                        r = -errno;
                        goto fail;
                }
                return 0;
        }
fail:
        if (dfd >= 0)
                (void) close(dfd);
        (void) umount2(path, MNT_DETACH);
        (void) rmdir(path);
        return r;
}

/* ---- removal ---- */

void exec_credentials_remove(const char *id, const struct exec_context *c)
{
        char *path;

        if (!has_credentials(c) || !(path = credentials_dir(id)))
                return;
        /* Detached, as systemd's umount_recursive: a process that still
         * has a file open keeps it, nobody finds it any more. */
        if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
                log_warning("%s: Failed to unmount %s: %s", id, path, strerror(errno));
        if (rmdir(path) < 0 && errno != ENOENT)
                log_warning("%s: Failed to remove %s: %s", id, path, strerror(errno));
        else
                log_debug("%s: Removed credentials directory %s", id, path);
        free(path);
}
