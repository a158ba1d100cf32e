/* The path conditions: PathExists, PathExistsGlob, PathIsDirectory,
 * PathIsSymbolicLink, PathIsMountPoint, PathIsReadWrite, PathIsEncrypted,
 * DirectoryNotEmpty, FileNotEmpty, FileIsExecutable. Called through the
 * table in condition.c (and condition_manager.c's Security=tpm2); every
 * path is read under condition_env's root prefix. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/condition_internal.h"
#include "base/macro.h"

/* ---- paths ---- */

int condition_test_path_exists(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX];
        int r = condition_root_path(env, param, p, sizeof p);
        return r < 0 ? r : access(p, F_OK) == 0;
}

int condition_test_path_exists_glob(const char *param, const struct condition_env *env)
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
        int r = condition_root_path(env, param, p, sizeof p);
        if (r < 0)
                return r;
        return (follow ? stat(p, st) : lstat(p, st)) == 0;
}

int condition_test_path_is_directory(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, true);
        return r <= 0 ? r : S_ISDIR(st.st_mode);
}

int condition_test_path_is_symlink(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, false);
        return r <= 0 ? r : S_ISLNK(st.st_mode);
}

/* A mount point differs from its parent in device or in mount id (the
 * latter catches bind mounts of the same file system). */
int condition_test_path_is_mount_point(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX], parent[PATH_MAX + 4];
        int r = condition_root_path(env, param, p, sizeof p);
        if (r < 0)
                return r;
        size_t len = strlen(p);
        while (len > 1 && p[len - 1] == '/')
                p[--len] = 0;
        if (strcmp(p, "/") == 0)
                return 1;
        struct statx a, b;
        if (statx(AT_FDCWD, p, 0, STATX_MNT_ID, &a) < 0)
                return 0;
        /* The kernel says so (5.8+): needed for a file bind-mounted over a
         * file, such as a transient /etc/machine-id, whose "/.." is ENOTDIR. */
        if (a.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
                return !!(a.stx_attributes & STATX_ATTR_MOUNT_ROOT);
        if (S_ISDIR(a.stx_mode))
                snprintf(parent, sizeof parent, "%s/..", p);
        else {
                char *slash = strrchr(p, '/');
                snprintf(parent, sizeof parent, "%.*s", slash && slash != p ? (int) (slash - p) : 1, p);
        }
        if (statx(AT_FDCWD, parent, 0, STATX_MNT_ID, &b) < 0)
                return 0;
        if (a.stx_dev_major != b.stx_dev_major || a.stx_dev_minor != b.stx_dev_minor)
                return 1;
        return (a.stx_mask & b.stx_mask & STATX_MNT_ID) && a.stx_mnt_id != b.stx_mnt_id;
}

int condition_test_path_is_read_write(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX];
        struct statvfs sv;
        int r = condition_root_path(env, param, p, sizeof p);
        if (r < 0)
                return r;
        return statvfs(p, &sv) == 0 && !(sv.f_flag & ST_RDONLY);
}

/* Is block device dev dm-crypt, or built on one? depth bounds the walk. */
static bool block_is_encrypted(const struct condition_env *env, const char *sysdir, int depth)
{
        char path[PATH_MAX], uuid[128];
        snprintf(path, sizeof path, "%s/dm/uuid", sysdir);
        if (condition_read_line(env, path, uuid, sizeof uuid) == 0 && strncmp(uuid, "CRYPT-", 6) == 0)
                return true;
        if (depth <= 0)
                return false;
        char slaves[PATH_MAX];
        snprintf(path, sizeof path, "%s/slaves", sysdir);
        if (condition_root_path(env, path, slaves, sizeof slaves) < 0)
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

int condition_test_path_is_encrypted(const char *param, const struct condition_env *env)
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

int condition_test_directory_not_empty(const char *param, const struct condition_env *env)
{
        char p[PATH_MAX];
        int r = condition_root_path(env, param, p, sizeof p);
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

int condition_test_file_not_empty(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, true);
        return r <= 0 ? r : S_ISREG(st.st_mode) && st.st_size > 0;
}

int condition_test_file_is_executable(const char *param, const struct condition_env *env)
{
        struct stat st;
        int r = stat_param(param, env, &st, true);
        return r <= 0 ? r : S_ISREG(st.st_mode) && (st.st_mode & 0111);
}
