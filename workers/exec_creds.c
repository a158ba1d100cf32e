/* Resolving User=, Group= and SupplementaryGroups=; see exec_creds.h.
 * Called by workers/exec_context.c on the scheduler thread, so the child
 * after clone only applies the ids. */
#include "workers/exec_creds.h"

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"

#define NOLOGIN_SHELL     "/usr/sbin/nologin"
#define PWBUF_MAX         (1u * 1024 * 1024)

void exec_creds_done(struct exec_creds *cr)
{
        free(cr->name);
        free(cr->home);
        free(cr->shell);
        free(cr->groups);
        *cr = (struct exec_creds) { 0 };
}

/* A numeric user or group id, as systemd accepts it: decimal, not -1 and
 * not the 16-bit -1. */
static bool parse_id(const char *s, uint32_t *ret)
{
        unsigned long long v = 0;

        if (!*s)
                return false;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return false;
                v = v * 10 + (unsigned) (*p - '0');
                if (v > UINT32_MAX)
                        return false;
        }
        if (v == UINT32_MAX || v == 65535)
                return false;
        *ret = (uint32_t) v;
        return true;
}

/* What getpwnam_r(3) and friends may return for "no such entry". */
static bool not_found_errno(int e)
{
        return e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

/* getpwnam_r / getpwuid_r with a growing buffer. Returns 0 and fills name,
 * uid, gid, home, shell; -ESRCH when there is no such entry. */
int exec_creds_passwd_lookup(const char *name, uid_t uid, struct exec_creds *cr)
{
        struct passwd pw, *res = NULL;
        size_t size = 4096;
        char *buf = NULL;
        int r;

        for (;;) {
                char *nb = realloc(buf, size);
                if (!nb) {
                        r = -ENOMEM;
                        goto out;
                }
                buf = nb;
                r = name ? getpwnam_r(name, &pw, buf, size, &res) : getpwuid_r(uid, &pw, buf, size, &res);
                if (r != ERANGE || size >= PWBUF_MAX)
                        break;
                size *= 2;
        }
        if (r != 0 && !not_found_errno(r)) {
                r = -r;
                goto out;
        }
        if (!res) {
                r = -ESRCH;
                goto out;
        }
        cr->name = strdup(pw.pw_name);
        cr->home = strdup(pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/");
        cr->shell = strdup(pw.pw_shell && *pw.pw_shell ? pw.pw_shell : NOLOGIN_SHELL);
        if (!cr->name || !cr->home || !cr->shell) {
                r = -ENOMEM;
                goto out;
        }
        cr->uid = pw.pw_uid;
        cr->gid = pw.pw_gid;
out:
        free(buf);
        return r;
}

static int group_lookup(const char *name, gid_t *ret)
{
        struct group gr, *res = NULL;
        size_t size = 4096;
        char *buf = NULL;
        uint32_t id;
        int r;

        if (parse_id(name, &id)) {
                *ret = (gid_t) id;
                return 0;
        }
        for (;;) {
                char *nb = realloc(buf, size);
                if (!nb) {
                        r = -ENOMEM;
                        goto out;
                }
                buf = nb;
                r = getgrnam_r(name, &gr, buf, size, &res);
                if (r != ERANGE || size >= PWBUF_MAX)
                        break;
                size *= 2;
        }
        if (r != 0 && !not_found_errno(r))
                r = -r;
        else if (!res)
                r = -ESRCH;
        else
                *ret = gr.gr_gid;
out:
        free(buf);
        return r;
}

static int groups_add(struct exec_creds *cr, gid_t g)
{
        for (unsigned i = 0; i < cr->n_groups; i++)
                if (cr->groups[i] == g)
                        return 0;
        gid_t *n = realloc(cr->groups, (cr->n_groups + 1) * sizeof(gid_t));
        if (!n)
                return -ENOMEM;
        cr->groups = n;
        cr->groups[cr->n_groups++] = g;
        return 0;
}

/* The user's groups from the group database, as initgroups(3) would set. */
static int groups_from_database(struct exec_creds *cr)
{
        int n = 32;

        for (;;) {
                gid_t *l = malloc((size_t) n * sizeof(gid_t));
                int want = n;
                if (!l)
                        return -ENOMEM;
                if (getgrouplist(cr->name, cr->gid, l, &want) >= 0) {
                        int r = 0;
                        for (int i = 0; i < want && r == 0; i++)
                                r = groups_add(cr, l[i]);
                        free(l);
                        return r;
                }
                free(l);
                if (want <= n || want > 65536)
                        return -EINVAL;
                n = want;
        }
}

static struct exec_manager_ids manager_ids;
static pthread_once_t manager_ids_once = PTHREAD_ONCE_INIT;

static void manager_ids_read(void)
{
        struct stat cwd, root;
        manager_ids = (struct exec_manager_ids) {
                .pid = getpid(),
                .uid = getuid(),
                .gid = getgid(),
                .cwd_is_root = stat(".", &cwd) == 0 && stat("/", &root) == 0 && cwd.st_dev == root.st_dev &&
                               cwd.st_ino == root.st_ino,
        };
}

const struct exec_manager_ids *exec_manager_ids(void)
{
        (void) pthread_once(&manager_ids_once, manager_ids_read);
        return &manager_ids;
}

/* Resolve User=, Group= and SupplementaryGroups= of c into *cr. Without
 * User= the uid stays the manager's. */
int exec_creds_resolve(const char *id, const struct exec_context *c, struct exec_creds *cr)
{
        uint32_t num;
        int r;

        cr->uid = exec_manager_ids()->uid;
        cr->gid = exec_manager_ids()->gid;
        if (c->user) {
                bool numeric = parse_id(c->user, &num);
                r = exec_creds_passwd_lookup(numeric ? NULL : c->user, numeric ? (uid_t) num : 0, cr);
                if (r == -ESRCH && numeric && c->group) {
                        /* A bare uid without a passwd entry is fine once its group is known. */
                        cr->uid = (uid_t) num;
                        cr->name = strdup(c->user);
                        cr->home = strdup("/");
                        cr->shell = strdup(NOLOGIN_SHELL);
                        r = cr->name && cr->home && cr->shell ? 0 : -ENOMEM;
                } else if (r == -ESRCH)
                        return log_error_errno(r, "%s: User=%s: no such user%s", id, c->user,
                                               numeric ? " (a uid without a passwd entry needs Group=)" : "");
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to look up User=%s: %s", id, c->user,
                                               strerror(-r));
                cr->has_user = true;
        }
        if (c->group) {
                r = group_lookup(c->group, &cr->gid);
                if (r == -ESRCH)
                        return log_error_errno(r, "%s: Group=%s: no such group", id, c->group);
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to look up Group=%s: %s", id, c->group,
                                               strerror(-r));
        }
        /* As systemd: a user's database groups come along unless the group is root. */
        if (cr->has_user && cr->gid != 0) {
                r = groups_from_database(cr);
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to read the groups of user %s: %s", id,
                                               cr->name, strerror(-r));
        }
        STRV_FOREACH(g, exec_extra(c)->supplementary_groups) {
                gid_t gid;
                r = group_lookup(*g, &gid);
                if (r == -ESRCH)
                        return log_error_errno(r, "%s: SupplementaryGroups=%s: no such group", id, *g);
                if (r == 0)
                        r = groups_add(cr, gid);
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to look up SupplementaryGroups=%s: %s", id, *g,
                                               strerror(-r));
        }
        return 0;
}
