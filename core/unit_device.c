/* Device units (systemd.device(5)) on the scheduler thread. A device is
 * plugged when udev has initialized it with the tag "systemd": udev's
 * monitor (libudev, its netlink fd watched by the io thread) says so, and
 * an enumeration at start finds what udev already knows; each device is
 * a unit under its node, its /dev links, its sysfs path and its
 * SYSTEMD_ALIAS= names, and SYSTEMD_WANTS= units start when it is plugged.
 * Without udev (/sys read-only, as in containers, where udevd does not run
 * and libudev is not even loaded; or no /run/udev/control) a device counts as
 * plugged when its node exists: checked once when weft starts and when a
 * job waits for it, and then through inotify on the node's directory (the
 * nearest one that exists), never by polling. weft cannot make a device
 * appear: a start job waits for it and, like any job, times out after
 * JobTimeoutSec= or JobRunningTimeoutSec= (core/job.c; the latter is 90 s
 * by default for devices, as in systemd: parse/load_device.c), and its dependents with it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "base/strv.h"
#include "core/lib_udev.h"
#include "core/unit_type.h"
#include "parse/device_names.h"
#include "parse/load.h"

struct device_rt {
        bool plugged;
        /* Which udev device plugged it (a hash of its sysfs path; 0: none
         * or no udev), so that all its units go when it goes, also links
         * that the unplugging event no longer lists. */
        uint64_t sysfs;
};

/* A sysfs path kept as 8 bytes per unit, not a copy; never 0 for a path. */
static uint64_t sysfs_hash(const char *p)
{
        return p ? hash_string(p) | 1 : 0;
}

/* s->type_state[UNIT_DEVICE] */
struct device_watch {
        bool have_udev;
        struct udev *udev;
        struct udev_monitor *monitor;
        int monitor_fd;
        int inotify_fd; /* without udev: directories of devices a job waits for */
};

static struct device_rt *drt(const struct unit *u)
{
        return u->rt->type_rt;
}

static int device_adopt(struct sched *s, struct unit *u)
{
        if (!u->rt->type_rt && !(u->rt->type_rt = calloc(1, sizeof(struct device_rt))))
                return -ENOMEM;
        return 0;
}

/* The path a device unit's name stands for (/dev/..., or /sys/...). */
static int device_path(const struct unit *u, char **ret)
{
        char prefix[UNIT_NAME_MAX + 1];
        snprintf(prefix, sizeof prefix, "%.*s", (int) (strlen(u->id) - strlen(".device")), u->id);
        return unit_name_path_unescape(prefix, ret);
}

static bool node_exists(const struct unit *u)
{
        char *p = NULL;
        struct stat st;
        bool ok = device_path(u, &p) >= 0 && stat(p, &st) == 0;
        free(p);
        return ok;
}

static void set_plugged(struct sched *s, struct unit *u, bool quietly)
{
        struct unit_runtime *rt = u->rt;
        drt(u)->plugged = true;
        if (rt->active == UNIT_ACTIVE)
                return;
        /* Plugged again after it was collected: the same unit, fresh. */
        sched_gc_revive(s, u);
        rt->result = RESULT_SUCCESS;
        if (quietly && !rt->job) {
                rt->sub = SUB_PLUGGED;
                rt->active = UNIT_ACTIVE;
                rt->t_active = s->now;
        } else
                unit_set_sub(s, u, SUB_PLUGGED);
}

static void set_unplugged(struct sched *s, struct unit *u)
{
        drt(u)->plugged = false;
        if (u->rt->sub == SUB_PLUGGED)
                unit_set_sub(s, u, SUB_DEAD);
}

/* Watch the nearest existing directory above the device's node, so its
 * creation (or that of a directory on its way) wakes us. */
static void watch_node(struct sched *s, struct unit *u)
{
        struct device_watch *w = s->type_state[UNIT_DEVICE];
        char *p = NULL;
        if (!w || w->inotify_fd < 0 || device_path(u, &p) < 0)
                return;
        for (char *slash = strrchr(p, '/'); slash; slash = strrchr(p, '/')) {
                *slash = 0;
                const char *dir = *p ? p : "/";
                if (inotify_add_watch(w->inotify_fd, dir, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) >= 0)
                        break;
                if (!*p)
                        break;
        }
        free(p);
}

static void device_start(struct sched *s, struct unit *u)
{
        struct device_watch *w = s->type_state[UNIT_DEVICE];
        bool no_udev = !w || !w->have_udev;

        if (drt(u)->plugged || (no_udev && node_exists(u))) {
                set_plugged(s, u, false);
                return;
        }
        /* Nothing to do but wait for it: the job stays running, until its timeout. */
        log_info("%s: waiting for the device%s", u->id, no_udev ? " node to appear" : " from udev");
        if (no_udev)
                watch_node(s, u);
}

/* A device comes and goes with the hardware: a stop job cannot unplug it
 * (systemd refuses it); at shutdown it is simply let go. */
static void device_stop(struct sched *s, struct unit *u)
{
        if (s->shutting_down) {
                unit_set_sub(s, u, SUB_DEAD);
                return;
        }
        log_warning("%s: devices cannot be stopped", u->id);
        job_finish(s, u->rt->job, JOB_FAILED);
}

/* The unit of name, made (and loaded) when new; NULL when the name is not
 * a device unit's. */
static struct unit *unit_named(struct sched *s, const char *name, bool *created)
{
        struct unit *u = unit_table_get(s->units, name);
        if (!u && unit_name_is_valid(name, UNIT_NAME_PLAIN) && unit_name_to_type(name) == UNIT_DEVICE &&
            unit_table_intern(s->units, name, &u) >= 0)
                *created = true;
        return u && u->type == UNIT_DEVICE ? u : NULL;
}

static void load_new(struct sched *s, bool created)
{
        if (created && s->config.load && (unit_load_all(s->config.load) < 0 || sched_adopt_units(s) < 0))
                log_error("cannot load the units of new devices");
}

/* Without udev: every device unit whose node exists is plugged. */
static void check_nodes(struct sched *s, bool quietly)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->type != UNIT_DEVICE || !u->rt->type_rt || u->load_state != UNIT_LOADED ||
                    drt(u)->plugged)
                        continue;
                if (node_exists(u))
                        set_plugged(s, u, quietly);
                else if (u->rt->job && u->rt->job->type == JOB_START)
                        watch_node(s, u);
        }
}

/* The ".device" unit of path, added to *names; a path no unit can be
 * named after is skipped, as systemd skips it. */
static int add_path_unit(const char *path, char ***names)
{
        char *name = NULL;
        int r = path ? unit_name_from_path(path, ".device", &name) : -EINVAL;
        return r == 0 ? strv_consume(names, name) : r == -ENOMEM ? r : 0;
}

/* Every unit name udev's device d stands for, as systemd's
 * device_setup_units: its sysfs path, its node, its links (but
 * /dev/block/ and /dev/char/, unique but not persistent), and when it is
 * plugged the paths SYSTEMD_ALIAS= lists. */
static int udev_device_unit_names(struct udev_device *d, bool plug, char ***names)
{
        const char *syspath = udev_device_get_syspath(d);
        int r = add_path_unit(syspath, names);
        if (r == 0)
                r = add_path_unit(udev_device_get_devnode(d), names);
        struct udev_list_entry *l;
        udev_list_entry_foreach(l, udev_device_get_devlinks_list_entry(d)) {
                const char *link = udev_list_entry_get_name(l);
                if (r == 0 && strncmp(link, "/dev/block/", 11) != 0 && strncmp(link, "/dev/char/", 10) != 0)
                        r = add_path_unit(link, names);
        }
        const char *alias = plug ? udev_device_get_property_value(d, "SYSTEMD_ALIAS") : NULL;
        if (r == 0 && alias && syspath)
                r = device_alias_units(syspath, alias, names);
        return r;
}

/* SYSTEMD_WANTS=: each unit listed that is down and has no job starts, as
 * in systemd 252 (on the plug, and again on a later event once it has
 * stopped). */
static void start_wanted(struct sched *s, struct udev_device *d)
{
        const char *wants = udev_device_get_property_value(d, "SYSTEMD_WANTS");
        const char *syspath = udev_device_get_syspath(d);
        char **names = NULL;
        bool made = false, nothing;
        if (!wants || !syspath)
                return;
        if (device_wants_units(syspath, wants, &names) < 0)
                log_error("%s: cannot read SYSTEMD_WANTS=: out of memory", syspath);
        STRV_FOREACH(n, names) {
                struct unit *o = unit_table_get(s->units, *n);
                if (!o && unit_table_intern(s->units, *n, &o) >= 0)
                        made = true;
        }
        if (made && s->config.load && (unit_load_all(s->config.load) < 0 || sched_adopt_units(s) < 0))
                log_error("cannot load the units SYSTEMD_WANTS= names");
        STRV_FOREACH(n, names) {
                struct unit *o = unit_table_get(s->units, *n);
                if (o && o->rt && unit_state_is_down(o->rt->active) && !o->rt->job) {
                        log_info("%s: plugged; starting %s (SYSTEMD_WANTS=)", syspath, o->id);
                        transaction_start(s, o, &nothing);
                }
        }
        strv_free(names);
}

/* Every plugged unit of the device at sysfs path p goes. */
static void unplug_sysfs(struct sched *s, const char *p)
{
        uint64_t h = sysfs_hash(p);
        for (size_t i = 0; h && i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->type == UNIT_DEVICE && u->rt && u->rt->type_rt && drt(u)->plugged && drt(u)->sysfs == h)
                        set_unplugged(s, u);
        }
}

/* A "move" (a network card renamed by udev): the units of its old sysfs
 * path go, as systemd's device_remove_old_on_move. */
static void unplug_moved_from(struct sched *s, struct udev_device *d)
{
        const char *old = udev_device_get_property_value(d, "DEVPATH_OLD");
        char p[PATH_MAX];
        if (old && (size_t) snprintf(p, sizeof p, "/sys%s", old) < sizeof p)
                unplug_sysfs(s, p);
}

/* Units are made only for a device being plugged: one that is removed or
 * not ready (SYSTEMD_READY=0: a loop device with no backing file, a CD
 * drive with no medium) only unplugs the units already known, as
 * systemd's device_update_found_by_sysfs does. */
static void udev_device_names(struct sched *s, struct udev_device *d, bool plug, bool quietly)
{
        char **names = NULL;
        bool created = false;

        if (udev_device_unit_names(d, plug, &names) < 0)
                log_error("%s: cannot name its units: out of memory", udev_device_get_syspath(d));
        STRV_FOREACH(n, names)
                if (plug)
                        (void) unit_named(s, *n, &created);
        load_new(s, created);
        STRV_FOREACH(n, names) {
                struct unit *u = unit_table_get(s->units, *n);
                if (!u || u->type != UNIT_DEVICE || !u->rt || !u->rt->type_rt)
                        continue;
                if (plug) {
                        set_plugged(s, u, quietly);
                        drt(u)->sysfs = sysfs_hash(udev_device_get_syspath(d));
                } else
                        set_unplugged(s, u);
        }
        strv_free(names);
        /* systemd unplugs a device's units by its sysfs path: a link the
         * event leaves out (a CD drive's by-diskseq link once cdrom_id
         * found no medium) goes with the rest. */
        if (!plug)
                unplug_sysfs(s, udev_device_get_syspath(d));
        if (plug && !quietly)
                start_wanted(s, d);
}

/* SYSTEMD_READY=0 means not ready yet, as systemd reads it. */
static bool udev_ready(struct udev_device *d)
{
        const char *r = udev_device_get_property_value(d, "SYSTEMD_READY");
        return !r || strcmp(r, "0") != 0;
}

static void udev_enumerate_all(struct sched *s, struct device_watch *w)
{
        struct udev_enumerate *en = udev_enumerate_new(w->udev);
        struct udev_list_entry *l;
        if (!en || udev_enumerate_add_match_tag(en, "systemd") < 0 || udev_enumerate_add_match_is_initialized(en) < 0 ||
            udev_enumerate_scan_devices(en) < 0) {
                log_warning("cannot enumerate udev's devices");
                udev_enumerate_unref(en);
                return;
        }
        udev_list_entry_foreach(l, udev_enumerate_get_list_entry(en)) {
                struct udev_device *d = udev_device_new_from_syspath(w->udev, udev_list_entry_get_name(l));
                if (d && udev_ready(d))
                        udev_device_names(s, d, true, true);
                udev_device_unref(d);
        }
        udev_enumerate_unref(en);
}

/* systemd's udev_available(): udevd runs only where /sys is writable
 * (systemd-udevd.service has ConditionPathIsReadWrite=/sys), and a
 * container's /sys is read-only. Where it cannot run, weft neither loads
 * libudev nor listens for it: devices are what exists in /dev. */
static bool udev_may_run(void)
{
        struct statvfs st;
        return statvfs("/sys", &st) < 0 || !(st.f_flag & ST_RDONLY);
}

static void device_enumerate(struct sched *s)
{
        struct device_watch *w = s->type_state[UNIT_DEVICE];
        bool first = !w;
        if (first) {
                if (!(w = calloc(1, sizeof *w)))
                        return;
                w->monitor_fd = w->inotify_fd = -1;
                s->type_state[UNIT_DEVICE] = w;
                bool may_run = udev_may_run();
                w->have_udev = may_run && access("/run/udev/control", F_OK) == 0;
                /* The monitor hears udev once it runs, also if it starts after weft. */
                w->udev = may_run && udev_lib_load() == 0 ? udev_new() : NULL;
                w->monitor = w->udev ? udev_monitor_new_from_netlink(w->udev, "udev") : NULL;
                if (w->monitor && udev_monitor_filter_add_match_tag(w->monitor, "systemd") >= 0 &&
                    udev_monitor_enable_receiving(w->monitor) >= 0)
                        w->monitor_fd = udev_monitor_get_fd(w->monitor);
                if (w->monitor_fd >= 0 && s->ops->watch)
                        s->ops->watch(s->userdata, w->monitor_fd, SCHED_TYPE_COOKIE(UNIT_DEVICE));
                else
                        log_debug("no udev monitor; devices are what exists in /dev");
                w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (w->inotify_fd >= 0 && s->ops->watch)
                        s->ops->watch(s->userdata, w->inotify_fd, SCHED_TYPE_COOKIE(UNIT_DEVICE));
        }
        if (w->have_udev && w->udev)
                udev_enumerate_all(s, w);
        else
                check_nodes(s, first);
}

static void device_fd_ready(struct sched *s, int fd)
{
        struct device_watch *w = s->type_state[UNIT_DEVICE];
        if (!w)
                return;
        if (fd == w->monitor_fd) {
                struct udev_device *d;
                /* udev is up now, whatever weft saw at start. */
                w->have_udev = true;
                while ((d = udev_monitor_receive_device(w->monitor))) {
                        const char *action = udev_device_get_action(d);
                        bool gone = action && strcmp(action, "remove") == 0;
                        udev_device_names(s, d, !gone && udev_ready(d), false);
                        if (action && strcmp(action, "move") == 0)
                                unplug_moved_from(s, d);
                        udev_device_unref(d);
                }
        } else if (fd == w->inotify_fd) {
                char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
                while (read(w->inotify_fd, buf, sizeof buf) > 0)
                        ;
                if (!w->have_udev)
                        check_nodes(s, false);
        } else
                return;
        if (s->ops->watch)
                s->ops->watch(s->userdata, fd, SCHED_TYPE_COOKIE(UNIT_DEVICE));
}

/* An unplugged device that nothing references goes, as in systemd
 * (a CD drive's links once the medium is gone). */
static bool device_may_gc(struct sched *s, struct unit *u)
{
        return !u->rt->type_rt || !drt(u)->plugged;
}

static void device_collected(struct sched *s, struct unit *u)
{
        if (u->rt->type_rt)
                *drt(u) = (struct device_rt) { 0 };
}

static void device_type_done(struct sched *s)
{
        struct device_watch *w = s->type_state[UNIT_DEVICE];
        if (s->ops->unwatch) {
                if (w->monitor_fd >= 0)
                        s->ops->unwatch(s->userdata, w->monitor_fd);
                if (w->inotify_fd >= 0)
                        s->ops->unwatch(s->userdata, w->inotify_fd);
        }
        if (w->inotify_fd >= 0)
                close(w->inotify_fd);
        if (w->udev) { /* libudev is loaded */
                udev_monitor_unref(w->monitor);
                udev_unref(w->udev);
        }
        free(w);
        s->type_state[UNIT_DEVICE] = NULL;
}

const struct unit_type_ops device_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_TENTATIVE] = SUB_IS(UNIT_ACTIVATING),
                [SUB_PLUGGED] = SUB_IS(UNIT_ACTIVE),
        },
        .start_waits = true,
        .adopt = device_adopt,
        .may_gc = device_may_gc,
        .collected = device_collected,
        .start = device_start,
        .stop = device_stop,
        .enumerate = device_enumerate,
        .type_fd_ready = device_fd_ready,
        .type_done = device_type_done,
};
