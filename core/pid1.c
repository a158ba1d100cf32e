/* PID-1 duties; see pid1.h. main calls pid1_setup() early, before any
 * thread exists, and pid1_final_sweep() then pid1_finish() last, after the
 * other threads stopped. Every kill here is by PID (or kill(-1) as PID 1,
 * where the kernel confines it to our PID namespace); never by name. */
#include "core/pid1.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "core/event_queue.h"
#include "base/log.h"
#include "base/macro.h"

/* The inode number of the initial PID namespace, as seen on
 * /proc/self/ns/pid (PROC_PID_INIT_INO in the kernel; stable since 3.8). */
#define PID_NS_INIT_INO 0xEFFFFFFCU

bool pid1_is_pid1(void)
{
        return getpid() == 1;
}

/* Is PID 2 the kernel's kthreadd (parent 0)? Only in the initial PID
 * namespace, with a /proc of that namespace. -errno when unreadable. */
static int pid2_is_kthreadd(void)
{
        char buf[256], comm[64];
        int ppid = -1;
        FILE *f = fopen("/proc/2/stat", "re");

        if (!f)
                return -errno;
        if (!fgets(buf, sizeof buf, f)) {
                fclose(f);
                return -EIO;
        }
        fclose(f);
        if (sscanf(buf, "2 (%63[^)]) %*c %d", comm, &ppid) != 2)
                return -EIO;
        return strcmp(comm, "kthreadd") == 0 && ppid == 0;
}

/* The heuristic, first answer wins:
 * 1. not PID 1: not a container's init;
 * 2. $container set and non-empty (systemd's convention, set by docker,
 *    podman, nspawn, lxc): a container;
 * 3. the inode of /proc/self/ns/pid: the initial namespace has a fixed one;
 * 4. failing that (no nsfs): kthreadd visible as PID 2 means the initial
 *    namespace; /proc readable without it means a container.
 * With no /proc at all we answer false (a VM before pid1_setup()): the cost
 * of being wrong is reboot(2) in a child namespace, which the kernel turns
 * into killing that namespace, where exit() in a VM would panic it. */
bool pid1_in_container(void)
{
        const char *c;
        struct stat st;
        int r;

        if (!pid1_is_pid1())
                return false;
        c = getenv("container");
        if (c && *c)
                return true;
        if (stat("/proc/self/ns/pid", &st) == 0)
                return st.st_ino != PID_NS_INIT_INO;
        r = pid2_is_kthreadd();
        if (r >= 0)
                return r == 0;
        if (access("/proc/self", F_OK) == 0)
                return true; /* a /proc with no PID 2 at all */
        return false;
}

/* The API file systems, in mount order, with systemd's options
 * (src/shared/mount-setup.c; /run/lock is Debian's addition to that
 * table). The first four are mounted wherever weft is PID 1 and finds them
 * missing; the rest only as PID 1 of a real system, never in a container
 * or a test's namespace. An optional one is skipped quietly when the
 * kernel lacks its file system; a second row for the same place is the
 * fallback when the first one's mount fails (older kernels refuse
 * memory_recursiveprot). */
#define API_REAL_ONLY (1 << 0)
#define API_OPTIONAL  (1 << 1)
#define API_FALLBACK  (1 << 2) /* tried only when the row before failed */

static const struct api_mount {
        const char *where;
        const char *type;
        long magic;
        unsigned long flags;
        const char *options;
        unsigned mode;
} api_mounts[] = {
        { "/proc", "proc", PROC_SUPER_MAGIC, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0 },
        { "/sys", "sysfs", SYSFS_MAGIC, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0 },
        { "/dev", "devtmpfs", TMPFS_MAGIC, MS_NOSUID | MS_STRICTATIME, "mode=0755,size=4m", 0 },
        { "/run", "tmpfs", TMPFS_MAGIC, MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=0755,size=20%,nr_inodes=800k", 0 },
        { "/sys/kernel/security", "securityfs", SECURITYFS_MAGIC, MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL,
          API_REAL_ONLY | API_OPTIONAL },
        { "/dev/shm", "tmpfs", TMPFS_MAGIC, MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=01777", API_REAL_ONLY },
        { "/dev/pts", "devpts", DEVPTS_SUPER_MAGIC, MS_NOSUID | MS_NOEXEC, "mode=0620,gid=5,ptmxmode=000",
          API_REAL_ONLY },
        { "/run/lock", "tmpfs", TMPFS_MAGIC, MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=5242880",
          API_REAL_ONLY },
        { "/sys/fs/cgroup", "cgroup2", CGROUP2_SUPER_MAGIC, MS_NOSUID | MS_NOEXEC | MS_NODEV,
          "nsdelegate,memory_recursiveprot", API_REAL_ONLY },
        { "/sys/fs/cgroup", "cgroup2", CGROUP2_SUPER_MAGIC, MS_NOSUID | MS_NOEXEC | MS_NODEV, "nsdelegate",
          API_REAL_ONLY | API_FALLBACK },
        { "/sys/fs/pstore", "pstore", PSTOREFS_MAGIC, MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL,
          API_REAL_ONLY | API_OPTIONAL },
        { "/sys/fs/bpf", "bpf", BPF_FS_MAGIC, MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=0700",
          API_REAL_ONLY | API_OPTIONAL },
};

/* Something is mounted on m->where if it is a mount root (statx) or, on
 * older kernels, its device differs from its parent's; a directory that
 * already holds the right file system type counts too (a bind mount). */
static int is_mounted(const struct api_mount *m)
{
        struct statx sx, psx;
        struct statfs sf;
        char parent[PATH_MAX];

        if (statx(AT_FDCWD, m->where, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
                return -errno;
        if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
                return !!(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
        if (statfs(m->where, &sf) == 0 && (long) sf.f_type == m->magic)
                return 1;
        snprintf(parent, sizeof parent, "%s/..", m->where);
        if (statx(AT_FDCWD, parent, 0, STATX_BASIC_STATS, &psx) < 0)
                return -errno;
        return sx.stx_dev_major != psx.stx_dev_major || sx.stx_dev_minor != psx.stx_dev_minor;
}

/* 1 when mounted now, 0 when already there, -errno on failure (logged
 * unless the row is optional and the kernel lacks the file system). */
static int mount_api(const struct api_mount *m)
{
        int r = is_mounted(m);

        if (r == -ENOENT) {
                if (mkdir(m->where, 0755) < 0 && errno != EEXIST) {
                        /* sysfs offers the mount point only when the kernel has the file system. */
                        if (m->mode & API_OPTIONAL)
                                return 0;
                        return log_error_errno(errno, "pid1: unable to create %s: %s", m->where, strerror(errno));
                }
                r = 0;
        }
        if (r < 0)
                return log_error_errno(r, "pid1: unable to inspect %s: %s", m->where, strerror(-r));
        if (r > 0)
                return 0;
        if (mount(m->type, m->where, m->type, m->flags, m->options) < 0) {
                r = -errno;
                if ((m->mode & API_OPTIONAL) && (r == -ENODEV || r == -ENOENT))
                        return 0;
                return log_error_errno(r, "pid1: unable to mount %s on %s (%s): %s", m->type, m->where,
                                       m->options ? m->options : "no options", strerror(-r));
        }
        log_info("pid1: mounted %s on %s", m->type, m->where);
        return 1;
}

bool pid1_is_real_system(void)
{
        return pid1_is_pid1() && !pid1_in_container();
}

int pid1_setup(void)
{
        bool real;
        int r = 0, prev = 0;

        if (!pid1_is_pid1()) {
                if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                        return log_error_errno(errno, "pid1: unable to become a child subreaper: %s",
                                               strerror(errno));
                return 0;
        }
        /* Decided before /proc is there: no /proc answers "not a container"
         * (see pid1_in_container), and the first rows mount it. */
        real = pid1_is_real_system();
        /* Keep going past a failure: /run missing must not cost us /proc. */
        for (size_t i = 0; i < ELEMENTSOF(api_mounts); i++) {
                const struct api_mount *m = &api_mounts[i];
                int k;

                if ((m->mode & API_REAL_ONLY) && !real)
                        continue;
                if ((m->mode & API_FALLBACK) && prev >= 0)
                        continue;
                k = mount_api(m);
                prev = k;
                /* A failure that has a fallback row is not the result. */
                if (k < 0 && r == 0 && !(i + 1 < ELEMENTSOF(api_mounts) && (api_mounts[i + 1].mode & API_FALLBACK)))
                        r = k;
        }
        if (real) {
                /* Mounts propagate by default under systemd; services
                 * with private namespaces rely on it. */
                if (mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) < 0)
                        log_warning_errno(errno, "pid1: unable to make / shared: %s", strerror(errno));
        }
        /* sd_booted(3) is a test for /run/systemd/system, and software asks
         * it before it calls systemctl, which weft answers (ifupdown's udev
         * helper starts ifup@NAME.service that way, and runs ifup itself
         * otherwise). systemd's mount_setup makes it, in a VM and in a
         * container alike. */
        if ((mkdir("/run/systemd", 0755) < 0 && errno != EEXIST) ||
            (mkdir("/run/systemd/system", 0755) < 0 && errno != EEXIST))
                log_warning_errno(errno, "pid1: unable to create /run/systemd/system: %s", strerror(errno));
        return r;
}

/* The pids of our children, from /proc/self/task/<tid>/children of every
 * thread. Returns the count (capped at max) or -errno. */
static int list_children(pid_t *pids, int max)
{
        DIR *d = opendir("/proc/self/task");
        struct dirent *de;
        int n = 0;

        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char path[64];
                FILE *f;
                long pid;

                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof path, "/proc/self/task/%.20s/children", de->d_name);
                f = fopen(path, "re");
                if (!f)
                        continue; /* the thread is gone */
                while (n < max && fscanf(f, "%ld", &pid) == 1)
                        pids[n++] = (pid_t) pid;
                fclose(f);
        }
        closedir(d);
        return n;
}

#define SWEEP_MAX_PIDS 4096

struct sweep {
        bool as_pid1;
        int sig;              /* SIGTERM in the first phase, SIGKILL in the second */
        pid_t signalled[SWEEP_MAX_PIDS];
        int n_signalled;
        int n_killed;         /* reaped dead of our SIGKILL */
};

static bool sweep_signalled(const struct sweep *s, pid_t pid)
{
        for (int i = 0; i < s->n_signalled; i++)
                if (s->signalled[i] == pid)
                        return true;
        return false;
}

/* Send s->sig (and SIGCONT, so a stopped process can act on it) to what
 * is left. As PID 1: kill(-1), every process of our namespace but us.
 * Otherwise: our children, each once per phase; orphans that reach us later
 * are found on the next call. */
static void sweep_signal(struct sweep *s)
{
        pid_t pids[SWEEP_MAX_PIDS];
        int n;

        if (s->as_pid1) {
                if (kill(-1, s->sig) < 0 && errno != ESRCH)
                        log_warning_errno(errno, "pid1: kill(-1, %d) failed: %s", s->sig, strerror(errno));
                (void) kill(-1, SIGCONT);
                return;
        }
        n = list_children(pids, SWEEP_MAX_PIDS);
        if (n < 0) {
                log_warning_errno(n, "pid1: unable to list children: %s", strerror(-n));
                return;
        }
        for (int i = 0; i < n; i++) {
                if (sweep_signalled(s, pids[i]))
                        continue;
                if (kill(pids[i], s->sig) < 0) {
                        if (errno != ESRCH)
                                log_warning_errno(errno, "pid1: kill(%d, %d) failed: %s", (int) pids[i], s->sig,
                                                  strerror(errno));
                        continue;
                }
                (void) kill(pids[i], SIGCONT);
                if (s->n_signalled < SWEEP_MAX_PIDS)
                        s->signalled[s->n_signalled++] = pids[i];
        }
}

/* Reap every exited child. Returns 1 when children remain, 0 when none
 * (ECHILD), -errno on an unexpected failure. */
static int sweep_reap(struct sweep *s)
{
        for (;;) {
                siginfo_t si = { 0 };

                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0) {
                        if (errno == EINTR)
                                continue;
                        return errno == ECHILD ? 0 : -errno;
                }
                if (si.si_pid == 0)
                        return 1;
                if (s->sig == SIGKILL && si.si_code == CLD_KILLED && si.si_status == SIGKILL)
                        s->n_killed++;
        }
}

/* Signal, then reap as SIGCHLD arrives, until no child is left (1 is
 * returned when the deadline passed first). */
static int sweep_phase(struct sweep *s, uint64_t deadline)
{
        sigset_t chld;
        int r;

        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        s->n_signalled = 0;
        sweep_signal(s);
        for (;;) {
                struct timespec ts;
                uint64_t now, left;

                r = sweep_reap(s);
                if (r <= 0)
                        return r;
                now = now_usec();
                if (now >= deadline)
                        return 1;
                /* Any exit after the reap above leaves SIGCHLD pending
                 * (it is blocked), so this cannot miss one. */
                left = deadline - now;
                ts.tv_sec = (time_t) (left / USEC_PER_SEC);
                ts.tv_nsec = (long) (left % USEC_PER_SEC) * 1000;
                if (sigtimedwait(&chld, NULL, &ts) < 0 && errno != EAGAIN && errno != EINTR)
                        return -errno;
                /* Orphans may have come to us with that exit. */
                if (!s->as_pid1 || s->sig == SIGKILL)
                        sweep_signal(s);
        }
}

static uint64_t deadline_after(uint64_t usec)
{
        uint64_t now = now_usec();

        return usec > UINT64_MAX - now ? UINT64_MAX : now + usec;
}

int pid1_final_sweep(uint64_t timeout_usec)
{
        struct sweep *s;
        sigset_t chld, old;
        int r;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->as_pid1 = pid1_is_pid1();

        /* SIGCHLD is blocked process-wide already; make sure of it here. */
        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        r = pthread_sigmask(SIG_BLOCK, &chld, &old);
        if (r != 0) {
                r = -r;
                goto out;
        }

        s->sig = SIGTERM;
        r = sweep_phase(s, deadline_after(timeout_usec));
        if (r < 0)
                goto restore;
        if (r > 0) {
                s->sig = SIGKILL;
                r = sweep_phase(s, deadline_after(timeout_usec));
                if (r < 0)
                        goto restore;
                if (r > 0)
                        log_warning("pid1: processes survived SIGKILL for %llu ms, giving up on them",
                                    (unsigned long long) (timeout_usec / USEC_PER_MSEC));
                if (s->n_killed > 0)
                        log_notice("pid1: %d processes needed SIGKILL", s->n_killed);
        }
        r = s->n_killed;
restore:
        pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
        if (r < 0)
                log_error_errno(r, "pid1: final sweep failed: %s", strerror(-r));
        free(s);
        return r;
}

static int reboot_command(enum shutdown_kind kind)
{
        switch (kind) {
        case SHUTDOWN_REBOOT:
                return RB_AUTOBOOT;
        case SHUTDOWN_HALT:
                return RB_HALT_SYSTEM;
        case SHUTDOWN_POWEROFF:
        default:
                /* SHUTDOWN_EXIT too: a VM's PID 1 has nobody to exit to. */
                return RB_POWER_OFF;
        }
}

/* What a container's PID 1 exits with for each kind of shutdown. systemd
 * in a container calls reboot(2) (systemd-shutdown), which the kernel turns
 * into its death by SIGHUP (reboot) or SIGINT (poweroff, halt), or exits 0
 * when it lacks CAP_SYS_BOOT; "exit" exits with the code asked for.
 * systemd-nspawn reads death by SIGINT or exit 0 as "shut down", death by
 * SIGHUP or exit 133 (its EXIT_FORCE_RESTART) as "reboot me". weft never
 * calls reboot(2) here (pid1_in_container() is a heuristic, and a wrong
 * answer would reboot the host), so a reboot exits 133. */
#define CONTAINER_EXIT_REBOOT 133

static int container_exit_code(enum shutdown_kind kind, int exit_code)
{
        switch (kind) {
        case SHUTDOWN_REBOOT:
                return CONTAINER_EXIT_REBOOT;
        case SHUTDOWN_POWEROFF:
        case SHUTDOWN_HALT:
                return 0;
        default:
                return exit_code;
        }
}

/* Only a machine's PID 1 syncs: its reboot(2) ends the kernel. A
 * container's end leaves the page cache to the host's kernel, and sync(2)
 * is not per container: it would wait for every dirty page of the host
 * (tini and catatonit do not sync either). */
_Noreturn void pid1_finish(enum shutdown_kind kind, int exit_code)
{
        if (pid1_is_pid1() && !pid1_in_container()) {
                sync();
                reboot(reboot_command(kind));
                /* PID 1 must never exit in a VM: the kernel would panic. */
                log_error_errno(errno, "pid1: reboot(2) failed: %s; freezing", strerror(errno));
                for (;;)
                        pause();
        }
        exit(pid1_is_pid1() ? container_exit_code(kind, exit_code) : exit_code);
}

int pid1_container_setup(void)
{
        const char *c = getenv("container");
        int fd, r = 0;

        if (!c || !*c)
                c = "container-other";
        if (mkdir("/run/systemd", 0755) < 0 && errno != EEXIST)
                return log_warning_errno(errno, "pid1: unable to create /run/systemd: %s", strerror(errno));
        fd = open("/run/systemd/container", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0444);
        if (fd < 0)
                return log_warning_errno(errno, "pid1: unable to write /run/systemd/container: %s", strerror(errno));
        if (dprintf(fd, "%s\n", c) < 0)
                r = log_warning_errno(errno, "pid1: unable to write /run/systemd/container: %s", strerror(errno));
        close(fd);
        return r;
}
