/* `weftctl cat UNIT...`: the unit's file and its drop-ins, each after a
 * "# /path" line, as systemctl cat prints them; a blank line between
 * files and between units. Offline: found through the search path as the
 * loader finds them (ctl/offline.h), with --root under that tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strv.h"
#include "ctl/commands.h"
#include "ctl/offline.h"
#include "parse/unit_name.h"
#include "parse/unit_path.h"

static int cat_file(const char *path, bool newline)
{
        char buf[65536];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        printf("%s# %s\n", newline ? "\n" : "", path);
        fflush(stdout);
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                fwrite(buf, 1, (size_t) n, stdout);
        }
        close(fd);
        return 0;
}

/* A bare name means a service, as in systemctl. */
static char *unit_name_of(const char *arg)
{
        char *s = NULL;
        if (unit_name_is_valid(arg, UNIT_NAME_ANY))
                return strdup(arg);
        return asprintf(&s, "%s.service", arg) < 0 ? NULL : s;
}

int cmd_cat(const struct ctl_options *opts, char **args)
{
        char **paths = NULL;
        struct unit_path_index *idx = NULL;
        bool first = true;
        int r, status = 0;

        if (!args || !*args) {
                fprintf(stderr, "%s: cat: name at least one unit.\n", opts->program);
                return 1;
        }
        r = offline_paths_for(opts, &paths);
        if (r >= 0)
                r = unit_path_index_build_rooted(paths, offline_root_for(opts), &idx);
        if (r < 0) {
                fprintf(stderr, "%s: cannot read the unit path: %s\n", opts->program, strerror(-r));
                strv_free(paths);
                return 1;
        }
        STRV_FOREACH(a, args) {
                struct unit_lookup l;
                char *name = unit_name_of(*a);
                r = name ? unit_path_lookup(idx, name, &l) : -ENOMEM;
                if (r < 0) {
                        fprintf(stderr, "%s: %s: %s\n", opts->program, *a, strerror(-r));
                        status = 1;
                        free(name);
                        continue;
                }
                bool empty = !l.masked && !l.fragment && !l.dropins;
                if (!first && !empty)
                        printf("\n");
                if (l.masked) {
                        printf("# Unit %s is masked.\n", name);
                        first = false;
                } else if (empty) {
                        fprintf(stderr, "No files found for %s.\n", name);
                        status = 1;
                } else {
                        first = false;
                        if (l.fragment && cat_file(l.fragment, false) < 0)
                                status = 1;
                        STRV_FOREACH(d, l.dropins)
                                if (cat_file(*d, l.fragment || d != l.dropins) < 0)
                                        status = 1;
                }
                fflush(stdout);
                unit_lookup_done(&l);
                free(name);
        }
        unit_path_index_free(idx);
        strv_free(paths);
        return status;
}
