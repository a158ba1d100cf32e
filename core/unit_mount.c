/* Mount units (systemd.mount(5)) on the scheduler thread. A start runs
 * mount(8) and a stop umount(8) as the unit's control process, as systemd
 * does, so helpers (mount.nfs, ...) and fstab-style options work as they
 * do under systemd. Whether something is mounted is what the kernel's
 * mount table says: libmount's monitor tells when it changes (its fd is
 * watched by the io thread), and a scan of the table brings every mount
 * unit to it, making a unit for a mount nobody configured ("mounted", as
 * systemd's units from /proc/self/mountinfo) and a unit whose mount went
 * away dead. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/log.h"
#include "core/kernel_table.h"
#include "core/lib_mount.h"
#include "core/unit_type.h"
#include "parse/load.h"
#include "sockets/control_proto.h"

/* unit_runtime.type_rt of a mount unit. */
/* s->type_state[UNIT_MOUNT]. */
struct mount_watch {
        struct libmnt_monitor *monitor;
        int fd;
};

static const struct kernel_table mount_table;

static struct kernel_table_rt *mrt(const struct unit *u)
{
        return kernel_table_rt(u);
}

static uint64_t mount_timeout(const struct unit *u)
{
        return u->mount ? u->mount->timeout_usec : USEC_INFINITY;
}

/* The mount point exists before mount(8) runs (systemd's mkdir_p_label):
 * a few mkdir(2) calls, the only file system work done on this thread. */
static void make_mount_point(const char *where, mode_t mode)
{
        char buf[4096];
        if (snprintf(buf, sizeof buf, "%s", where) >= (int) sizeof buf)
                return;
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        (void) mkdir(buf, mode);
                        *p = '/';
                }
        (void) mkdir(buf, mode);
}

static void mount_start(struct sched *s, struct unit *u)
{
        const struct mount_config *c = u->mount;
        char *argv[12];
        int n = 0;

        u->rt->result = RESULT_SUCCESS;
        if (mrt(u)->in_table) {
                unit_set_sub(s, u, SUB_MOUNTED);
                return;
        }
        if (!c || !c->what || !c->where.path) {
                log_error("%s: nothing to mount (no What=)", u->id);
                kernel_table_enter_failed(s, u, RESULT_RESOURCES);
                return;
        }
        make_mount_point(c->where.path, c->directory_mode);
        argv[n++] = (char *) "/bin/mount";
        if (c->sloppy_options)
                argv[n++] = (char *) "-s";
        if (c->read_write_only)
                argv[n++] = (char *) "-w";
        argv[n++] = c->what;
        argv[n++] = c->where.path;
        if (c->fs_type) {
                argv[n++] = (char *) "-t";
                argv[n++] = c->fs_type;
        }
        if (c->options && *c->options) {
                argv[n++] = (char *) "-o";
                argv[n++] = c->options;
        }
        argv[n] = NULL;
        if (kernel_table_run(s, u, argv) < 0) {
                kernel_table_enter_failed(s, u, RESULT_RESOURCES);
                return;
        }
        unit_set_sub(s, u, SUB_MOUNTING);
        kernel_table_arm(s, &mount_table, u);
}

/* / and /usr stay for the system's life (systemd's mount_is_extrinsic);
 * a mount nobody configured is left to the final sweep at shutdown. */
static bool keep_at_shutdown(const struct unit *u)
{
        const char *w = u->mount ? u->mount->where.path : NULL;
        return !u->fragment_dir || !w || strcmp(w, "/") == 0 || strcmp(w, "/usr") == 0;
}

static void mount_stop(struct sched *s, struct unit *u)
{
        const struct mount_config *c = u->mount;
        char *argv[8];
        int n = 0;

        switch (u->rt->sub) {
        case SUB_MOUNTING:
        case SUB_MOUNTING_DONE:
        case SUB_REMOUNTING:
                kernel_table_enter_signal(s, &mount_table, u, SUB_UNMOUNTING_SIGTERM, SIGTERM);
                return;
        case SUB_MOUNTED:
                break;
        default:
                return; /* on its way down already */
        }
        if (s->shutting_down && keep_at_shutdown(u)) {
                unit_set_sub(s, u, SUB_DEAD);
                return;
        }
        argv[n++] = (char *) "/bin/umount";
        argv[n++] = c->where.path;
        argv[n++] = (char *) "-c";
        if (c->lazy_unmount)
                argv[n++] = (char *) "-l";
        if (c->force_unmount)
                argv[n++] = (char *) "-f";
        argv[n] = NULL;
        u->rt->result = RESULT_SUCCESS;
        if (kernel_table_run(s, u, argv) < 0) {
                if (u->rt->job && u->rt->job->type == JOB_STOP)
                        job_finish(s, u->rt->job, JOB_FAILED);
                return;
        }
        unit_set_sub(s, u, SUB_UNMOUNTING);
        kernel_table_arm(s, &mount_table, u);
}

/* A reload remounts with the unit's options (systemd's remount). */
static bool mount_can_reload(struct sched *s, struct unit *u)
{
        return u->rt->sub == SUB_MOUNTED && u->mount && u->mount->what && u->mount->where.path;
}

static void mount_reload(struct sched *s, struct unit *u)
{
        const struct mount_config *c = u->mount;
        char opts[4096], *argv[12];
        int n = 0;

        snprintf(opts, sizeof opts, "remount%s%s", c->options && *c->options ? "," : "",
                 c->options ? c->options : "");
        argv[n++] = (char *) "/bin/mount";
        if (c->sloppy_options)
                argv[n++] = (char *) "-s";
        if (c->read_write_only)
                argv[n++] = (char *) "-w";
        argv[n++] = c->what;
        argv[n++] = c->where.path;
        if (c->fs_type) {
                argv[n++] = (char *) "-t";
                argv[n++] = c->fs_type;
        }
        argv[n++] = (char *) "-o";
        argv[n++] = opts;
        argv[n] = NULL;
        u->rt->reload_failed = false;
        if (kernel_table_run(s, u, argv) < 0) {
                job_finish(s, u->rt->job, JOB_FAILED);
                return;
        }
        unit_set_sub(s, u, SUB_REMOUNTING);
        kernel_table_arm(s, &mount_table, u);
}

static void mount_spawned(struct sched *s, struct unit *u, pid_t pid, int error, uint64_t exec_usec, bool control)
{
        struct unit_runtime *rt = u->rt;
        if (pid > 0) {
                rt->control_pid = rt->control_pgid = pid;
                /* A stop came while the spawn was in flight. */
                if (rt->sub == SUB_UNMOUNTING_SIGTERM || rt->sub == SUB_UNMOUNTING_SIGKILL)
                        kernel_table_signal(s, u, rt->sub == SUB_UNMOUNTING_SIGTERM ? SIGTERM : SIGKILL);
                return;
        }
        log_error("%s: cannot run its control process: %s", u->id, strerror(error));
        if (rt->sub == SUB_MOUNTING || rt->sub == SUB_MOUNTING_DONE) {
                kernel_table_enter_failed(s, u, RESULT_RESOURCES);
        } else if (rt->sub == SUB_REMOUNTING) {
                rt->reload_failed = true;
                unit_disarm_timer(s, u);
                unit_set_sub(s, u, SUB_MOUNTED);
        } else if (rt->sub == SUB_UNMOUNTING) {
                unit_disarm_timer(s, u);
                unit_set_sub(s, u, SUB_MOUNTED);
                if (rt->job && rt->job->type == JOB_STOP)
                        job_finish(s, rt->job, JOB_FAILED);
        } else
                kernel_table_enter_failed(s, u, RESULT_RESOURCES);
}

static void mount_scan(struct sched *s, bool coldplug);

static void mount_exited(struct sched *s, struct unit *u, pid_t pid, int code, int status)
{
        struct unit_runtime *rt = u->rt;
        if (pid != rt->control_pid)
                return;
        bool ok = kernel_table_control_exited(u, code, status);
        if (!ok)
                log_warning("%s: %s process exited, code=%s, status=%d", u->id,
                            rt->sub == SUB_MOUNTING || rt->sub == SUB_MOUNTING_DONE ? "Mount"
                            : rt->sub == SUB_REMOUNTING                             ? "Remount"
                                                                                    : "Unmount",
                            code == CLD_EXITED ? "exited" : "killed", status);
        /* The kernel's table decides; the monitor's event may come later. */
        mount_scan(s, false);
        unit_disarm_timer(s, u);
        bool mounted = mrt(u)->in_table;

        switch (rt->sub) {
        case SUB_MOUNTING:
        case SUB_MOUNTING_DONE:
                if (ok && mounted)
                        unit_set_sub(s, u, SUB_MOUNTED);
                else {
                        if (ok)
                                log_warning("%s: Mount process finished, but there is no mount.", u->id);
                        kernel_table_enter_failed(s, u, ok ? RESULT_RESOURCES : rt->result);
                }
                break;
        case SUB_REMOUNTING:
                /* Mounted either way; a failed remount fails the reload job. */
                u->rt->reload_failed = !ok;
                if (!ok)
                        rt->result = RESULT_SUCCESS;
                if (mounted)
                        unit_set_sub(s, u, SUB_MOUNTED);
                else
                        unit_set_sub(s, u, SUB_DEAD);
                break;
        case SUB_UNMOUNTING:
        case SUB_UNMOUNTING_SIGTERM:
        case SUB_UNMOUNTING_SIGKILL:
                if (!mounted) {
                        if (rt->result == RESULT_SUCCESS)
                                unit_set_sub(s, u, SUB_DEAD);
                        else
                                kernel_table_enter_failed(s, u, rt->result);
                } else {
                        log_warning("%s: still mounted after the unmount process.", u->id);
                        unit_set_sub(s, u, SUB_MOUNTED);
                        if (rt->job && rt->job->type == JOB_STOP)
                                job_finish(s, rt->job, JOB_FAILED);
                }
                break;
        default:
                break;
        }
}

static void mount_timer(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        switch (rt->sub) {
        case SUB_MOUNTING:
        case SUB_MOUNTING_DONE:
                log_warning("%s: Mounting timed out. Terminating.", u->id);
                rt->result = RESULT_TIMEOUT;
                kernel_table_enter_signal(s, &mount_table, u, SUB_UNMOUNTING_SIGTERM, SIGTERM);
                break;
        case SUB_REMOUNTING:
                log_warning("%s: Remounting timed out. Killing the remount process.", u->id);
                rt->reload_failed = true;
                kernel_table_signal(s, u, SIGKILL);
                unit_disarm_timer(s, u);
                break;
        case SUB_UNMOUNTING:
                log_warning("%s: Unmounting timed out. Terminating.", u->id);
                rt->result = RESULT_TIMEOUT;
                kernel_table_enter_signal(s, &mount_table, u, SUB_UNMOUNTING_SIGTERM, SIGTERM);
                break;
        case SUB_UNMOUNTING_SIGTERM:
                log_warning("%s: Mount process timed out. Killing.", u->id);
                kernel_table_enter_signal(s, &mount_table, u, SUB_UNMOUNTING_SIGKILL, SIGKILL);
                break;
        case SUB_UNMOUNTING_SIGKILL:
                log_warning("%s: Mount process still around after SIGKILL. Ignoring.", u->id);
                sched_forget_pid(s, rt->control_pid);
                rt->control_pid = rt->control_pgid = 0;
                if (mrt(u)->in_table)
                        unit_set_sub(s, u, SUB_MOUNTED);
                else
                        kernel_table_enter_failed(s, u, RESULT_TIMEOUT);
                break;
        default:
                break;
        }
}

/* A mount nobody configured gets the kernel's settings as its own, as
 * systemd's units from /proc/self/mountinfo do: loaded, without a file. */
static int fill_from_table(struct unit *u, struct libmnt_fs *fs, const char *target)
{
        const char *what = mnt_fs_get_source(fs), *type = mnt_fs_get_fstype(fs);
        u->mount->where.path = strdup(target);
        u->mount->what = strdup(what ? what : "none");
        u->mount->fs_type = type ? strdup(type) : NULL;
        u->mount->options = mnt_fs_strdup_options(fs);
        return u->mount->where.path && u->mount->what ? 0 : -ENOMEM;
}

/* Mounts systemd never makes a unit of (its mount_setup_unit returns
 * early): the API file systems PID 1 mounts (mount-setup.c's table, with
 * Debian's /run/lock), anything below /sys/fs/cgroup/, the file systems
 * "other software" (a container manager) mounts (mount_point_ignore), and
 * autofs. "They should never be referenced in dependencies"; listing them
 * made weft's unit table differ from systemd's in a VM and in a
 * container (dev.mount, proc.mount, run.mount, dev-console.mount...). */
static const char *const api_mount_points[] = {
        "/proc", "/sys", "/dev", "/sys/kernel/security", "/sys/fs/smackfs", "/dev/shm", "/dev/pts", "/run",
        "/run/lock", "/sys/fs/cgroup", "/sys/fs/pstore", "/sys/firmware/efi/efivars", "/sys/fs/bpf",
        /* mount_point_ignore */
        "/sys/fs/selinux", "/dev/console", "/proc/kmsg", "/proc/sys", "/proc/sys/kernel/random/boot_id",
};

static bool under(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

static bool mount_point_ignored(const char *target, const char *fstype)
{
        if (fstype && strcmp(fstype, "autofs") == 0)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(api_mount_points); i++)
                if (strcmp(target, api_mount_points[i]) == 0)
                        return true;
        return (under(target, "/sys/fs/cgroup") && strcmp(target, "/sys/fs/cgroup") != 0) ||
               under(target, "/run/host");
}

static int parse_mountinfo(struct libmnt_table *tb)
{
        return mnt_table_parse_file(tb, "/proc/self/mountinfo");
}

/* The key of a mount: its target, or NULL for a mount that gets no unit.
 * A function, not the loaded library's pointer: the table is constant. */
static const char *target_of(struct libmnt_fs *fs)
{
        const char *target = mnt_fs_get_target(fs);

        return target && !mount_point_ignored(target, mnt_fs_get_fstype(fs)) ? target : NULL;
}

static const struct kernel_table mount_table = {
        .type = UNIT_MOUNT,
        .suffix = ".mount",
        .noun = "mounts",
        .parse = parse_mountinfo,
        .key = target_of,
        .fill = fill_from_table,
        .up = SUB_MOUNTED,
        .starting = SUB_MOUNTING,
        .started = SUB_MOUNTING_DONE,
        .timeout = mount_timeout,
};

/* Bring every mount unit to the kernel's mount table. */
static void mount_scan(struct sched *s, bool coldplug)
{
        kernel_table_sync(s, &mount_table, coldplug);
}

static void mount_enumerate(struct sched *s)
{
        struct mount_watch *w = s->type_state[UNIT_MOUNT];
        bool first = !w;
        if (mount_lib_load() < 0)
                return;
        if (first) {
                w = calloc(1, sizeof *w);
                if (!w)
                        return;
                w->fd = -1;
                s->type_state[UNIT_MOUNT] = w;
                /* Kernel changes only: nobody writes a utab for weft. */
                w->monitor = mnt_new_monitor();
                if (w->monitor && mnt_monitor_enable_kernel(w->monitor, 1) == 0)
                        w->fd = mnt_monitor_get_fd(w->monitor);
                if (w->fd < 0 || !s->ops->watch || s->ops->watch(s->userdata, w->fd, SCHED_TYPE_COOKIE(UNIT_MOUNT)) < 0)
                        log_warning("cannot watch the kernel's mount table; mounts made by others are not seen");
        }
        mount_scan(s, first);
}

static void mount_fd_ready(struct sched *s, int fd)
{
        struct mount_watch *w = s->type_state[UNIT_MOUNT];
        if (!w || fd != w->fd)
                return;
        while (mnt_monitor_next_change(w->monitor, NULL, NULL) == 0)
                ;
        mount_scan(s, false);
        if (s->ops->watch)
                s->ops->watch(s->userdata, w->fd, SCHED_TYPE_COOKIE(UNIT_MOUNT));
}

static void mount_type_done(struct sched *s)
{
        struct mount_watch *w = s->type_state[UNIT_MOUNT];
        if (w->fd >= 0 && s->ops->unwatch)
                s->ops->unwatch(s->userdata, w->fd);
        mnt_unref_monitor(w->monitor);
        free(w);
        s->type_state[UNIT_MOUNT] = NULL;
}

/* What systemctl show says of a mount: the parameters in force. */
static int mount_show(struct sched *s, struct unit *u, struct control_unit *cu)
{
        const struct mount_config *c = u->mount;
        int r = 0;
        if (!c)
                return 0;
        r = c->what ? control_unit_add(cu, "What", c->what) : 0;
        r = r < 0 || !c->where.path ? r : control_unit_add(cu, "Where", c->where.path);
        r = r < 0 || !c->fs_type ? r : control_unit_add(cu, "Type", c->fs_type);
        r = r < 0 || !c->options ? r : control_unit_add(cu, "Options", c->options);
        return r;
}

const struct unit_type_ops mount_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_MOUNTING] = SUB_IS(UNIT_ACTIVATING),
                [SUB_MOUNTING_DONE] = SUB_IS(UNIT_ACTIVATING),
                [SUB_MOUNTED] = SUB_IS(UNIT_ACTIVE),
                [SUB_REMOUNTING] = SUB_IS(UNIT_RELOADING),
                [SUB_UNMOUNTING] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_UNMOUNTING_SIGTERM] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_UNMOUNTING_SIGKILL] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .start_spawns = true,
        .adopt = kernel_table_adopt,
        .may_gc = kernel_table_may_gc,
        .start = mount_start,
        .stop = mount_stop,
        .reload = mount_reload,
        .can_reload = mount_can_reload,
        .spawned = mount_spawned,
        .exited = mount_exited,
        .timer = mount_timer,
        .kill_remaining = kernel_table_kill_remaining,
        .show = mount_show,
        .enumerate = mount_enumerate,
        .type_fd_ready = mount_fd_ready,
        .type_done = mount_type_done,
};
