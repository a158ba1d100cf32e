/* Path units (systemd.path(5)) on the scheduler thread: watch paths with
 * inotify through the io thread, start the unit they trigger when a path
 * appears, changes or a directory fills, and wait again when that unit
 * goes down.
 *
 * States as in systemd: dead, waiting (watching), running (the triggered
 * unit is up or on its way: nothing is watched), failed. Every event and
 * every return to waiting re-checks the conditions and rebuilds the
 * watches, so a file that appears between two looks is never missed, and
 * PathChanged=/PathModified= never fire because their own unit finished
 * (systemd's from_trigger_notify).
 *
 * One inotify fd per path unit, not one shared: inotify keeps one watch
 * (one wd, one mask) per inode per fd, so two units watching the same
 * directory on a shared fd would overwrite each other's mask and remove
 * each other's watch. Per unit, the cookie the io thread hands back is the
 * unit itself, and the specs of one unit that share a directory are
 * merged here, where their masks are known. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "core/control.h"
#include "core/unit_type.h"

/* What systemd watches: the path itself by its kind, and every directory
 * above it for the next component appearing or the directory going away. */
#define PREFIX_MASK (IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB | IN_CREATE | IN_MOVED_TO)
#define SELF_MASK (IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)
static const uint32_t type_mask[_PATH_TYPE_MAX] = {
        [PATH_EXISTS] = SELF_MASK,
        [PATH_EXISTS_GLOB] = SELF_MASK,
        [PATH_DIRECTORY_NOT_EMPTY] = SELF_MASK | IN_CREATE | IN_MOVED_TO,
        [PATH_CHANGED] = SELF_MASK | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO,
        [PATH_MODIFIED] = SELF_MASK | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY,
};

/* A directory (or the path itself) to watch, with the union of what the
 * unit's specs want of it. */
struct path_watch {
        char *path;
        uint32_t mask;
        int wd;
};

struct path_spec_state {
        int primary_wd;       /* the watch of the path itself, -1: it does not exist */
        bool previous_exists; /* PathChanged=/PathModified=: existence at the last look */
        unsigned depth;       /* components of the path the last walk found */
};

struct path_runtime {
        int fd;                       /* the inotify fd, -1 while down */
        unsigned n_specs;
        struct path_spec_state *spec; /* one per configured spec */
        struct path_watch *watches;   /* what is installed on fd */
        unsigned n_watches, cap_watches;
        uint64_t trigger_begin;       /* TriggerLimitIntervalSec= window */
        unsigned trigger_count;
        bool recheck;                 /* the deferred look (timer) is a coldplug after daemon-reload */
};

static const struct path_config *cfg(const struct unit *u)
{
        return u->path;
}

static struct unit *triggered(const struct unit *u)
{
        size_t it = 0;
        return sched_next_dep(u, UNIT_TRIGGERS, &it);
}

static void watches_clear(struct path_runtime *p)
{
        for (unsigned i = 0; i < p->n_watches; i++)
                free(p->watches[i].path);
        p->n_watches = 0;
}

void path_runtime_free(struct path_runtime *p)
{
        if (!p)
                return;
        if (p->fd >= 0)
                close(p->fd);
        watches_clear(p);
        free(p->watches);
        free(p->spec);
        free(p);
}

/* Add mask to path in the wanted set (one entry per path). */
static int want(struct path_runtime *p, const char *path, size_t len, uint32_t mask)
{
        for (unsigned i = 0; i < p->n_watches; i++)
                if (strlen(p->watches[i].path) == len && !memcmp(p->watches[i].path, path, len)) {
                        p->watches[i].mask |= mask;
                        return (int) i;
                }
        if (p->n_watches == p->cap_watches) {
                unsigned cap = p->cap_watches ? 2 * p->cap_watches : 8;
                struct path_watch *n = realloc(p->watches, cap * sizeof *n);
                if (!n)
                        return -ENOMEM;
                p->watches = n;
                p->cap_watches = cap;
        }
        char *copy = strndup(path, len);
        if (!copy)
                return -ENOMEM;
        p->watches[p->n_watches] = (struct path_watch) { .path = copy, .mask = mask, .wd = -1 };
        return (int) p->n_watches++;
}

/* The length of path's prefix that ends after its component number n
 * ("/" is component 0 of "/a/b", "/a" is 1, "/a/b" is 2); 0: no such. */
static size_t component_end(const char *path, unsigned n)
{
        if (n == 0)
                return 1;
        size_t i = 1;
        for (unsigned k = 1;; k++) {
                while (path[i] && path[i] != '/')
                        i++;
                if (k == n)
                        return i;
                if (!path[i])
                        return 0;
                i++;
        }
}

/* Install the watches of every spec on the unit's fd, as systemd does:
 * walk down each path from "/", watching each component that exists;
 * where one is missing, the deepest existing directory watches for it to
 * be created. Each watch is added before the walk looks further, so a
 * directory created meanwhile is either found by the walk or reported by
 * its parent's watch. Then the masks are settled: a directory above an
 * existing component needs only IN_MOVE_SELF (systemd's "don't watch the
 * parent too closely"), unioned over the unit's specs. Watches the last
 * walk installed and this one did not are removed. */
static int watch_all(struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        const struct path_config *c = cfg(u);
        struct path_watch *old = p->watches;
        unsigned n_old = p->n_watches;
        bool any = false;
        int r = 0;

        p->watches = NULL;
        p->n_watches = p->cap_watches = 0;
        for (unsigned k = 0; k < c->n_specs; k++) {
                const char *path = c->specs[k].path;
                p->spec[k].primary_wd = -1;
                p->spec[k].depth = 0;
                for (unsigned n = 0;; n++) {
                        size_t len = component_end(path, n);
                        if (!len)
                                break;
                        bool last = !path[len] || (n == 0 && !path[1]);
                        int i = want(p, path, len, last ? type_mask[c->specs[k].type] : PREFIX_MASK);
                        if (i < 0) {
                                r = i;
                                goto out;
                        }
                        int wd = inotify_add_watch(p->fd, p->watches[i].path, p->watches[i].mask);
                        if (wd < 0) {
                                int e = errno;
                                if (e == ENOENT || e == EACCES || e == ENOTDIR)
                                        break;
                                r = log_error_errno(e, "%s: cannot watch %s: %s", u->id, p->watches[i].path,
                                                    strerror(e));
                                goto out;
                        }
                        p->watches[i].wd = wd;
                        p->spec[k].depth = n + 1;
                        any = true;
                        if (last) {
                                p->spec[k].primary_wd = wd;
                                break;
                        }
                }
        }
        if (!any) {
                r = log_error_errno(ENOENT, "%s: Failed to add watch on any of the components of its paths.", u->id);
                goto out;
        }

        /* Settle the masks: recompute them from what each spec found. */
        for (unsigned i = 0; i < p->n_watches; i++)
                p->watches[i].mask = 0;
        for (unsigned k = 0; k < c->n_specs; k++) {
                const char *path = c->specs[k].path;
                for (unsigned n = 0; n < p->spec[k].depth; n++) {
                        size_t len = component_end(path, n);
                        bool last = !path[len] || (n == 0 && !path[1]);
                        uint32_t m = last ? type_mask[c->specs[k].type] : n + 1 < p->spec[k].depth ? IN_MOVE_SELF : PREFIX_MASK;
                        int i = want(p, path, len, m);
                        if (i < 0) {
                                r = i;
                                goto out;
                        }
                }
        }
        for (unsigned i = 0; i < p->n_watches; i++) {
                if (p->watches[i].wd < 0 || !p->watches[i].mask)
                        continue;
                int wd = inotify_add_watch(p->fd, p->watches[i].path, p->watches[i].mask);
                if (wd >= 0 && wd != p->watches[i].wd) {
                        /* The inode changed since the walk: its event is queued, and
                         * the next look rebuilds everything. Keep the new one. */
                        for (unsigned k = 0; k < c->n_specs; k++)
                                if (p->spec[k].primary_wd == p->watches[i].wd)
                                        p->spec[k].primary_wd = wd;
                        p->watches[i].wd = wd;
                }
        }
out:
        /* Remove the watches of the last walk that this one did not make. */
        for (unsigned j = 0; j < n_old; j++) {
                bool kept = false;
                for (unsigned i = 0; i < p->n_watches && !kept; i++)
                        kept = p->watches[i].wd == old[j].wd;
                if (!kept && old[j].wd >= 0)
                        (void) inotify_rm_watch(p->fd, old[j].wd);
                free(old[j].path);
        }
        free(old);
        return r;
}

/* Remove every watch (entering running, as systemd closes its fds): nothing
 * queues up while the triggered unit runs. */
static void unwatch_all(struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        for (unsigned i = 0; i < p->n_watches; i++)
                if (p->watches[i].wd >= 0)
                        (void) inotify_rm_watch(p->fd, p->watches[i].wd);
        watches_clear(p);
        for (unsigned k = 0; k < p->n_specs; k++)
                p->spec[k].primary_wd = -1;
}

/* Read every queued event; true when one says a PathChanged=/PathModified=
 * path itself changed. The rest only means "look again". A storm is read
 * in bounded batches: what is left wakes the io thread again. */
static bool drain(struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        const struct path_config *c = cfg(u);
        char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
                __attribute__((aligned(__alignof__(struct inotify_event))));
        bool changed = false;

        for (int batch = 0; batch < 16; batch++) {
                ssize_t n = read(p->fd, buf, sizeof buf);
                if (n <= 0) {
                        if (n < 0 && errno != EAGAIN && errno != EINTR)
                                log_warning_errno(errno, "%s: Failed to read inotify event: %s", u->id,
                                                  strerror(errno));
                        break;
                }
                for (char *q = buf; q < buf + n;) {
                        const struct inotify_event *e = (const struct inotify_event *) q;
                        for (unsigned k = 0; k < c->n_specs && k < p->n_specs; k++)
                                if ((c->specs[k].type == PATH_CHANGED || c->specs[k].type == PATH_MODIFIED) &&
                                    e->wd == p->spec[k].primary_wd && (e->mask & type_mask[c->specs[k].type]))
                                        changed = true;
                        q += sizeof *e + e->len;
                }
        }
        return changed;
}

/* systemd's hidden_or_backup_file(): what DirectoryNotEmpty= ignores. */
static bool hidden_or_backup(const char *name)
{
        static const char *const suffixes[] = {
                "~",        ".rpmnew",     ".rpmsave",     ".rpmorig",  ".dpkg-old", ".dpkg-new", ".dpkg-tmp",
                ".dpkg-dist", ".dpkg-bak", ".dpkg-backup", ".dpkg-remove", ".ucf-new", ".ucf-old",  ".ucf-dist",
                ".swp",     ".bak",        ".old",         ".new",
        };
        if (name[0] == '.')
                return true;
        size_t n = strlen(name);
        for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
                size_t m = strlen(suffixes[i]);
                if (n > m && !strcmp(name + n - m, suffixes[i]))
                        return true;
        }
        return false;
}

static bool dir_has_entries(const char *path)
{
        DIR *d = opendir(path);
        struct dirent *de;
        bool found = false;
        if (!d)
                return false; /* missing, not a directory, or unreadable: not "not empty" */
        while (!found && (de = readdir(d)))
                found = !hidden_or_backup(de->d_name);
        closedir(d);
        return found;
}

static bool glob_matches(const char *pattern)
{
        glob_t g;
        int r = glob(pattern, GLOB_NOSORT, NULL, &g);
        bool found = r == 0 && g.gl_pathc > 0;
        if (r == 0)
                globfree(&g);
        return found;
}

/* systemd's path_spec_check_good: does spec k want its unit started now?
 * PathChanged=/PathModified= fire here only on the path appearing or
 * vanishing between two looks, never on the first look or on the look
 * that follows their unit going down. */
static bool spec_good(struct unit *u, unsigned k, bool initial, bool from_trigger_notify)
{
        const struct path_spec *spec = &cfg(u)->specs[k];
        struct path_spec_state *st = &u->rt->path->spec[k];
        bool b;

        switch (spec->type) {
        case PATH_EXISTS:
                return access(spec->path, F_OK) == 0;
        case PATH_EXISTS_GLOB:
                return glob_matches(spec->path);
        case PATH_DIRECTORY_NOT_EMPTY:
                return dir_has_entries(spec->path);
        case PATH_CHANGED:
        case PATH_MODIFIED:
                b = access(spec->path, F_OK) == 0;
                bool good = !initial && !from_trigger_notify && b != st->previous_exists;
                st->previous_exists = b;
                return good;
        default:
                return false;
        }
}

/* The first spec that holds (its path for the log), or NULL. Every spec
 * is looked at until one holds, as systemd does. */
static const char *check_good(struct unit *u, bool initial, bool from_trigger_notify)
{
        for (unsigned k = 0; k < cfg(u)->n_specs && k < u->rt->path->n_specs; k++)
                if (spec_good(u, k, initial, from_trigger_notify))
                        return cfg(u)->specs[k].path;
        return NULL;
}

/* TriggerLimitIntervalSec=/TriggerLimitBurst=, with systemd's defaults
 * for a path unit: 2 s and 200. Either set to 0 turns the limit off. */
static bool trigger_allowed(struct sched *s, struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        const struct path_config *c = cfg(u);
        uint64_t interval = c->trigger_limit_interval_usec == USEC_INFINITY ? 2 * USEC_PER_SEC
                                                                            : c->trigger_limit_interval_usec;
        unsigned burst = c->trigger_limit_burst == UINT_MAX ? 200 : c->trigger_limit_burst;

        if (interval == 0 || burst == 0)
                return true;
        if (!p->trigger_begin || s->now - p->trigger_begin >= interval) {
                p->trigger_begin = s->now;
                p->trigger_count = 0;
        }
        return ++p->trigger_count <= burst;
}

/* Stop watching and close the fd: the unit is down. */
static void close_fd(struct sched *s, struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        if (!p || p->fd < 0)
                return;
        if (s->ops->unwatch)
                s->ops->unwatch(s->userdata, p->fd);
        close(p->fd);
        p->fd = -1;
        watches_clear(p);
        for (unsigned k = 0; k < p->n_specs; k++)
                p->spec[k].primary_wd = -1;
}

static void enter_dead(struct sched *s, struct unit *u, enum unit_result f)
{
        if (u->rt->result == RESULT_SUCCESS)
                u->rt->result = f;
        unit_set_sub(s, u, u->rt->result == RESULT_SUCCESS ? SUB_DEAD : SUB_FAILED);
}

static void enter_running(struct sched *s, struct unit *u, const char *why)
{
        struct unit *t = triggered(u);
        bool nothing;

        /* A stop job is queued, or everything is stopping: going down wins
         * (systemd's unit_stop_pending). */
        if ((u->rt->job && u->rt->job->type == JOB_STOP) || s->shutting_down)
                return;
        if (!trigger_allowed(s, u)) {
                log_warning("%s: Trigger limit hit, refusing further activation.", u->id);
                enter_dead(s, u, RESULT_TRIGGER_LIMIT_HIT);
                return;
        }
        if (!t || t->load_state != UNIT_LOADED) {
                log_error("%s: Unit to trigger vanished.", u->id);
                enter_dead(s, u, RESULT_RESOURCES);
                return;
        }
        log_debug("%s: Got triggered (%s), starting %s.", u->id, why, t->id);
        if (transaction_start(s, t, &nothing) < 0) {
                log_warning("%s: Failed to queue unit startup job for %s.", u->id, t->id);
                enter_dead(s, u, RESULT_RESOURCES);
                return;
        }
        unwatch_all(u);
        unit_set_sub(s, u, SUB_RUNNING);
}

/* Look at the paths, watch them, and look again (what appeared between
 * the first look and the watch is seen by the second). */
static void enter_waiting(struct sched *s, struct unit *u, bool initial, bool from_trigger_notify)
{
        struct unit *t = triggered(u);
        const char *why;

        if (t && t->rt && !unit_state_is_down(t->rt->active)) {
                /* Its unit is up (started by hand, or still stopping): so are we. */
                unwatch_all(u);
                unit_set_sub(s, u, SUB_RUNNING);
                return;
        }
        if ((why = check_good(u, initial, from_trigger_notify))) {
                enter_running(s, u, why);
                return;
        }
        int r = watch_all(u);
        if (r < 0) {
                log_warning("%s: Failed to enter waiting state: %s", u->id, strerror(-r));
                enter_dead(s, u, RESULT_RESOURCES);
                return;
        }
        if ((why = check_good(u, false, from_trigger_notify))) {
                enter_running(s, u, why);
                return;
        }
        unit_set_sub(s, u, SUB_WAITING);
        if (s->ops->watch && s->ops->watch(s->userdata, u->rt->path->fd, u->rt->index) < 0) {
                log_error("%s: cannot watch its inotify fd", u->id);
                enter_dead(s, u, RESULT_RESOURCES);
        }
}

/* MakeDirectory=: create the directories of every spec that is not an
 * existence test, like mkdir -p, new ones with DirectoryMode=. */
static void make_directories(struct unit *u)
{
        const struct path_config *c = cfg(u);
        char buf[PATH_MAX];

        for (unsigned k = 0; c->make_directory && k < c->n_specs; k++) {
                if (c->specs[k].type == PATH_EXISTS || c->specs[k].type == PATH_EXISTS_GLOB)
                        continue;
                snprintf(buf, sizeof buf, "%s", c->specs[k].path);
                for (char *q = buf + 1;; q++) {
                        bool end = !*q;
                        if (!end && *q != '/')
                                continue;
                        *q = 0;
                        if (mkdir(buf, c->directory_mode) < 0 && errno != EEXIST) {
                                log_warning_errno(errno, "%s: mkdir(%s) failed: %s", u->id, buf, strerror(errno));
                                break;
                        }
                        if (end)
                                break;
                        *q = '/';
                }
        }
}

static void path_start(struct sched *s, struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        struct unit *t = triggered(u);

        if (!t || t->load_state != UNIT_LOADED) {
                log_error("%s: Refusing to start, unit %s to trigger not loaded (%s).", u->id, t ? t->id : "(none)",
                          t ? unit_load_state_to_string(t->load_state) : "missing");
                job_finish(s, u->rt->job, JOB_FAILED);
                return;
        }
        if (p->fd < 0) {
                p->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (p->fd < 0) {
                        log_error_errno(errno, "%s: Failed to allocate inotify fd: %s", u->id, strerror(errno));
                        u->rt->result = RESULT_RESOURCES;
                        unit_set_sub(s, u, SUB_FAILED);
                        return;
                }
        }
        make_directories(u);
        u->rt->result = RESULT_SUCCESS;
        enter_waiting(s, u, true, false);
}

static void path_stop(struct sched *s, struct unit *u)
{
        enter_dead(s, u, RESULT_SUCCESS);
}

static void path_went_down(struct sched *s, struct unit *u)
{
        close_fd(s, u);
        unit_disarm_timer(s, u);
}

static void path_fd_ready(struct sched *s, struct unit *u, int fd)
{
        struct path_runtime *p = u->rt->path;

        if (!p || fd != p->fd || u->rt->sub != SUB_WAITING)
                return; /* stale: the unit moved on since the io thread saw it */
        if (drain(u))
                enter_running(s, u, "a change");
        else
                enter_waiting(s, u, false, false);
}

/* The unit it triggers changed state or finished a job: look again, but
 * later, from the timer, never inside the caller's state change (systemd
 * defers it for the same reason: the look may start a job). */
static void path_trigger_notify(struct sched *s, struct unit *u, struct unit *other)
{
        if (u->rt->sub == SUB_WAITING || u->rt->sub == SUB_RUNNING)
                unit_arm_timer(s, u, s->now ? s->now : 1);
}

static void path_timer(struct sched *s, struct unit *u)
{
        struct unit *t = triggered(u);
        struct unit_runtime *rt = u->rt;

        if (rt->sub != SUB_WAITING && rt->sub != SUB_RUNNING)
                return;
        if (rt->path->recheck) {
                /* systemd's coldplug after a reload: look afresh. */
                rt->path->recheck = false;
                enter_waiting(s, u, true, false);
                return;
        }
        if (!t || !t->rt) {
                log_error("%s: Unit to trigger vanished.", u->id);
                enter_dead(s, u, RESULT_RESOURCES);
                return;
        }
        bool down = unit_state_is_down(t->rt->active);
        if (down && t->rt->result == RESULT_START_LIMIT_HIT) {
                log_warning("%s: %s hit its start limit.", u->id, t->id);
                enter_dead(s, u, RESULT_UNIT_START_LIMIT_HIT);
                return;
        }
        if (t->rt->job)
                return; /* its job's end notifies again */
        if ((rt->sub == SUB_RUNNING && down) || (rt->sub == SUB_WAITING && !down))
                enter_waiting(s, u, false, true);
}

/* After a daemon-reload: the io thread's cookie names the old table, and
 * the paths may have changed; look afresh from the timer. */
static void path_rewatch(struct sched *s, struct unit *u)
{
        if (u->rt->sub != SUB_WAITING && u->rt->sub != SUB_RUNNING)
                return;
        u->rt->path->recheck = true;
        unit_arm_timer(s, u, s->now ? s->now : 1);
}

/* systemctl show's path properties, in its order; Paths= once per path,
 * as "PATH (Type)", the way systemctl prints that array. */
static int path_show(struct sched *s, struct unit *u, struct control_unit *cu)
{
        const struct path_config *c = cfg(u);
        struct unit *t = triggered(u);
        char buf[PATH_MAX + 64];
        int r = control_unit_add(cu, "Unit", t ? t->id : "");

        for (unsigned k = 0; r >= 0 && k < c->n_specs; k++) {
                snprintf(buf, sizeof buf, "%s (%s)", c->specs[k].path, path_type_to_string(c->specs[k].type));
                r = control_unit_add(cu, "Paths", buf);
        }
        r = r < 0 ? r : control_unit_add(cu, "MakeDirectory", c->make_directory ? "yes" : "no");
        snprintf(buf, sizeof buf, "%04o", (unsigned) c->directory_mode);
        r = r < 0 ? r : control_unit_add(cu, "DirectoryMode", buf);
        uint64_t interval = c->trigger_limit_interval_usec == USEC_INFINITY ? 2 * USEC_PER_SEC
                                                                            : c->trigger_limit_interval_usec;
        r = r < 0 ? r : control_unit_add(cu, "TriggerLimitIntervalUSec", format_timespan(buf, sizeof buf, interval));
        return r < 0 ? r : control_add_num(cu, "TriggerLimitBurst", c->trigger_limit_burst == UINT_MAX ? 200 : c->trigger_limit_burst);
}

/* The runtime beyond the common part, allocated when the scheduler takes
 * the unit over (and again after a daemon-reload, when the number of
 * paths may have changed), so starting it allocates nothing but the fd. */
static int path_adopt(struct sched *s, struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        unsigned n = u->load_state == UNIT_LOADED ? cfg(u)->n_specs : 0;

        if (!p) {
                if (!(p = calloc(1, sizeof *p)))
                        return -ENOMEM;
                p->fd = -1;
                u->rt->path = p;
        }
        if (n != p->n_specs) {
                struct path_spec_state *st = calloc(n ? n : 1, sizeof *st);
                if (!st)
                        return -ENOMEM;
                for (unsigned k = 0; k < n; k++)
                        st[k].primary_wd = -1;
                free(p->spec);
                p->spec = st;
                p->n_specs = n;
        }
        return 0;
}

/* Not while it holds its inotify fd. */
static bool path_may_gc(struct sched *s, struct unit *u)
{
        return !u->rt->path || u->rt->path->fd < 0;
}

static void path_collected(struct sched *s, struct unit *u)
{
        struct path_runtime *p = u->rt->path;
        if (p) {
                p->trigger_begin = 0;
                p->trigger_count = 0;
        }
}

const struct unit_type_ops path_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_WAITING] = SUB_IS(UNIT_ACTIVE),
                [SUB_RUNNING] = SUB_IS(UNIT_ACTIVE),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .adopt = path_adopt,
        .may_gc = path_may_gc,
        .collected = path_collected,
        .start = path_start,
        .stop = path_stop,
        .timer = path_timer,
        .fd_ready = path_fd_ready,
        .trigger_notify = path_trigger_notify,
        .went_down = path_went_down,
        .rewatch = path_rewatch,
        .show = path_show,
};
