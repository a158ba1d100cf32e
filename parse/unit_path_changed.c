/* Has anything on the unit path changed since it was read? For weft's
 * compaction (all of it, core/manager.c) and systemd's NeedDaemonReload
 * (one unit's files). File times are compared with a CLOCK_REALTIME stamp
 * taken before the read (after it, for a unit read at run time), and a
 * time equal to it counts as after. The fine clock, because a file time
 * is fine or coarse (a kernel with multigrain times gives either): every
 * file written before the stamp then has an earlier time, generators'
 * output included, written just before the read. A file written within a
 * coarse tick after the stamp may carry an earlier time and go unseen:
 * the lesser error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strv.h"
#include "parse/unit.h"
#include "parse/unit_path.h"
#include "parse/unit_path_index.h"

/* A time at or after since: a file written since (or in the same tick). */
static bool at_or_after(struct timespec t, struct timespec since)
{
        return t.tv_sec > since.tv_sec || (t.tv_sec == since.tv_sec && t.tv_nsec >= since.tv_nsec);
}

/* Was name in dir written at or after since? A link by itself or by what
 * it points to (when that is there); no answer at all is a yes. */
static bool entry_changed(int dir, const char *name, struct timespec since)
{
        struct stat st;
        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || at_or_after(st.st_mtim, since))
                return true;
        return S_ISLNK(st.st_mode) && fstatat(dir, name, &st, 0) == 0 && at_or_after(st.st_mtim, since);
}

static bool is_sub_dir_name(const char *name)
{
        size_t n = strlen(name);
        return (n > 2 && !strcmp(name + n - 2, ".d")) || (n > 6 && !strcmp(name + n - 6, ".wants")) ||
               (n > 9 && !strcmp(name + n - 9, ".requires"));
}

/* Anything in path (a search directory), or in its NAME.d/, .wants/ and
 * .requires/ directories, written at or after since? */
static bool dir_changed(const char *path, struct timespec since, int depth)
{
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
                return errno != ENOENT; /* missing then as now: nothing there */
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return true;
        }
        bool changed = fstat(fd, &st) < 0 || at_or_after(st.st_mtim, since);
        struct dirent *de;
        while (!changed && (de = readdir(d))) {
                if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
                        continue;
                changed = entry_changed(fd, de->d_name, since);
                if (!changed && depth == 0 && is_sub_dir_name(de->d_name) &&
                    fstatat(fd, de->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
                        char sub[PATH_MAX];
                        changed = snprintf(sub, sizeof sub, "%s/%s", path, de->d_name) >= (int) sizeof sub ||
                                  dir_changed(sub, since, 1);
                }
        }
        closedir(d);
        return changed;
}

bool unit_path_changed_since(const struct unit_path_index *idx, struct timespec since, const char *skip)
{
        for (size_t i = 0; i < idx->n_dirs; i++)
                if ((!skip || strcmp(idx->dirs[i].path, skip) != 0) && dir_changed(idx->dirs[i].path, since, 0))
                        return true;
        return false;
}

/* Is there a name in dir written at or after since? A missing one is not. */
static bool new_entry(const char *dir, const char *name, struct timespec since)
{
        char path[PATH_MAX];
        struct stat st;
        return snprintf(path, sizeof path, "%s/%s", dir, name) < (int) sizeof path && lstat(path, &st) == 0 &&
               at_or_after(st.st_mtim, since);
}

/* Is path gone, or written at or after since (a link: it or its target)? */
static bool path_changed(const char *path, struct timespec since)
{
        return entry_changed(AT_FDCWD, path, since);
}

bool unit_files_changed_since(const struct unit *u, const struct unit_path_index *idx, struct timespec since)
{
        char buf[PATH_MAX], name[PATH_MAX + 3];
        const char *fragment = unit_fragment_path(u, buf, sizeof buf);
        if (fragment && path_changed(fragment, since))
                return true;
        STRV_FOREACH(d, u->dropin_paths)
                if (path_changed(*d, since))
                        return true;
        /* A file or drop-in directory made since, for the unit or its
         * template, in any search directory: one that now comes first,
         * or drop-ins added or removed. */
        char *template = NULL;
        bool changed = false;
        if (u->instance && unit_name_template(u->id, &template) < 0)
                return true; /* out of memory: say so rather than miss it */
        for (size_t i = 0; idx && i < idx->n_dirs && !changed; i++) {
                const char *dir = idx->dirs[i].path;
                for (int k = 0; k < (template ? 2 : 1) && !changed; k++) {
                        const char *n = k ? template : u->id;
                        changed = new_entry(dir, n, since) ||
                                  (snprintf(name, sizeof name, "%s.d", n) < (int) sizeof name && new_entry(dir, name, since));
                }
        }
        free(template);
        return changed;
}
