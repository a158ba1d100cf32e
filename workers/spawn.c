/* Spawning one process; see spawn.h. Called by the worker pool (pool.c),
 * one spawn_process() per request, on a worker thread.
 *
 * The child shares the parent's memory (CLONE_VM|CLONE_VFORK) so that
 * spawning from a large manager costs no page-table copy. Everything the
 * child needs is prepared by the parent before clone: the environment with
 * its LISTEN_PID= slot, scratch space for the fd shuffle, the text for
 * oom_score_adj. The child then makes only async-signal-safe calls and raw
 * syscalls up to execve, and touches no memory but its own stack and those
 * prepared buffers. Under ThreadSanitizer, which cannot follow a child that
 * shares its memory, it falls back to plain fork(). */
#include "workers/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cpu_pin.h"
#include "base/fault_signals.h"
#include "base/format_uint.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/sanitizer.h"
#include "base/strv.h"
#include "parse/value.h"
#include "workers/exec_credentials.h"
#include "workers/exec_dirs.h"
#include "workers/exec_journal.h"
#include "workers/exec_sandbox.h"
#include "workers/exec_tty.h"

/* TSan keeps per-thread shadow state that a CLONE_VM child would corrupt. */
#ifdef WEFT_TSAN
#  define SPAWN_USE_FORK 1
#else
#  define SPAWN_USE_FORK 0
#endif

/* Enough for ASan-instrumented frames too; pages are touched lazily. */
#define CHILD_STACK_SIZE (256 * 1024)

#define LISTEN_PID_PREFIX "LISTEN_PID="


/* systemd's exit statuses for a child that failed before or at execve
 * (systemd.exec(5) "Process Exit Codes"), so $EXIT_STATUS, SuccessExitStatus=
 * and logs read the same as under systemd. */
enum {
        EXIT_CHDIR = 200,
        EXIT_NICE = 201,
        EXIT_FDS = 202,
        EXIT_EXEC = 203,
        EXIT_LIMITS = 205,
        EXIT_OOM_ADJUST = 206,
        EXIT_SIGNAL_MASK = 207,
        EXIT_STDIN = 208,
        EXIT_GROUP = 216,
        EXIT_USER = 217,
        EXIT_SETSID = 220,
};

/* What the child tells the parent: zero or more notes about settings it
 * had to adapt, as systemd adapts them where a container forbids them,
 * then either nothing more (it exec'd) or one FAILED record naming the
 * step. A CLONE_VM child writes them into child_args, which the parent
 * reads once CLONE_VFORK lets it run again (after the exec or the exit):
 * no pipe to make and tear down per spawn, which cost a worker four system
 * calls on every unit's critical path. A fork()ed child (TSan builds)
 * writes them to a close-on-exec pipe instead, read until EOF; records are
 * far below PIPE_BUF, so each write is atomic and the few never fill it. */
enum child_report_kind {
        REPORT_FAILED,        /* status: the step's exit status; error: errno */
        REPORT_LIMIT_CLAMPED, /* resource, wanted and got: the hard limit */
        REPORT_OOM_IGNORED,   /* error: why oom_score_adj could not be written */
        REPORT_NICE_CLAMPED,  /* wanted and got: nice levels */
        REPORT_SETGROUPS_SKIPPED,
};

struct child_report {
        int32_t kind;
        int32_t status;
        int32_t error;
        int32_t resource;
        int64_t wanted;
        int64_t got;
};

#define CHILD_REPORTS_MAX (RLIM_NLIMITS + 8)

/* What the child reads (and, for listen_pid_digits, fd_scratch and the
 * reports, writes).
 * Lives in the parent's frame; the parent is suspended until the child has
 * exec'd or exited, so nothing else touches it meanwhile. */
struct child_args {
        const struct spawn_request *req;
        const int *fds;          /* req->fds, or the same with journal streams in place */
        char **envp;             /* copy of req->envp's pointers, LISTEN_PID= redirected */
        char *listen_pid_digits; /* where the child writes its pid, or NULL */
        int *fd_scratch;         /* n_fds slots: each source, or its copy above n_fds */
        int devnull;             /* the worker pool's /dev/null, or -1: open one */
        int error_fd;            /* fork(): the report pipe's write end; -1 with CLONE_VM */
        unsigned n_reports;      /* CLONE_VM: the reports, written straight here */
        struct child_report reports[CHILD_REPORTS_MAX];
        const char *oom_text;    /* "NNN\n" when oom_score_adj is set */
        size_t oom_len;
        int fail_status;         /* exit status if the current setup step fails */
};

static const char *const rlimit_names[RLIM_NLIMITS] = {
        [RLIMIT_CPU] = "CPU",         [RLIMIT_FSIZE] = "FSIZE",   [RLIMIT_DATA] = "DATA",
        [RLIMIT_STACK] = "STACK",     [RLIMIT_CORE] = "CORE",     [RLIMIT_RSS] = "RSS",
        [RLIMIT_NPROC] = "NPROC",     [RLIMIT_NOFILE] = "NOFILE", [RLIMIT_MEMLOCK] = "MEMLOCK",
        [RLIMIT_AS] = "AS",           [RLIMIT_LOCKS] = "LOCKS",   [RLIMIT_SIGPENDING] = "SIGPENDING",
        [RLIMIT_MSGQUEUE] = "MSGQUEUE", [RLIMIT_NICE] = "NICE",   [RLIMIT_RTPRIO] = "RTPRIO",
        [RLIMIT_RTTIME] = "RTTIME",
};

void spawn_request_free(struct spawn_request *r)
{
        if (!r)
                return;
        free(r->unit_id);
        free(r->path);
        strv_free(r->argv);
        strv_free(r->envp);
        for (unsigned i = 0; r->owns_fds && r->fds && i < r->n_fds; i++)
                if (r->fds[i] >= 0)
                        (void)close(r->fds[i]);
        free(r->fds);
        free(r->cwd);
        free(r->groups);
        exec_tty_free(r->tty);
        exec_journal_free(r->journal);
        for (unsigned i = 0; r->dirs && i < r->n_dirs; i++)
                free(r->dirs[i].path);
        free(r->dirs);
        for (unsigned i = 0; r->creds && i < r->n_creds; i++) {
                free(r->creds[i].id);
                free(r->creds[i].path);
                free(r->creds[i].data);
        }
        free(r->creds);
        free(r->cred_dir);
        exec_sandbox_free(r->sandbox);
        free(r);
}

/* ---- child side: async-signal-safe only, no malloc, no stdio ---- */

static void child_report(struct child_args *a, const struct child_report *rep)
{
        ssize_t n;

        if (a->error_fd < 0) {
                if (a->n_reports < CHILD_REPORTS_MAX)
                        a->reports[a->n_reports++] = *rep;
                return;
        }
        do
                n = write(a->error_fd, rep, sizeof *rep);
        while (n < 0 && errno == EINTR);
}

static _Noreturn void child_fail(struct child_args *a, int error, int status)
{
        struct child_report rep = { .kind = REPORT_FAILED, .status = status, .error = error };
        child_report(a, &rep);
        _exit(status);
}

/* Close every fd from 'from' up to 'to' (inclusive). */
static int child_close_range(unsigned from, unsigned to)
{
        struct rlimit rl;

        if (from > to)
                return 0;
        if (close_range(from, to, 0) == 0)
                return 0;
        if (errno != ENOSYS && errno != EINVAL)
                return -errno;
        /* Kernel older than 5.9: close one by one up to the fd limit. */
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return -errno;
        for (unsigned long fd = from; fd <= to && fd < rl.rlim_cur; fd++)
                (void)close((int)fd);
        return 0;
}

/* The fd slot i of the child gets: the request's, or for none /dev/null. */
static int child_source_fd(const struct child_args *a, unsigned i)
{
        return a->fds[i] >= 0 ? a->fds[i] : a->devnull;
}

/* Make fd i refer to fds[i] for i < n; every other fd except a->error_fd
 * is closed. Sources may sit anywhere, including in 0..n-1 in any order;
 * then each is first copied above n before any target slot is
 * overwritten. Usually none does, and each is put in place directly. */
static int child_arrange_fds(struct child_args *a)
{
        const struct spawn_request *req = a->req;
        unsigned n = req->n_fds;
        bool direct = true;

        if (a->error_fd >= 0 && a->error_fd < (int)n) {
                int fd = fcntl(a->error_fd, F_DUPFD_CLOEXEC, (int)n);
                if (fd < 0)
                        return -errno;
                a->error_fd = fd;
        }

        for (unsigned i = 0; i < n; i++) {
                int src = child_source_fd(a, i);
                direct &= src < 0 || src >= (int)n;
        }
        for (unsigned i = 0; i < n; i++) {
                int src = child_source_fd(a, i);
                a->fd_scratch[i] = src;
                if (direct || src < 0)
                        continue;
                a->fd_scratch[i] = fcntl(src, F_DUPFD_CLOEXEC, (int)n);
                if (a->fd_scratch[i] < 0)
                        return -errno;
        }

        for (unsigned i = 0; i < n; i++) {
                int fd = a->fd_scratch[i];

                if (fd < 0) {
                        fd = open("/dev/null", O_RDWR | O_CLOEXEC);
                        if (fd < 0)
                                return -errno;
                        if (fd == (int)i) {
                                if (fcntl(fd, F_SETFD, 0) < 0)
                                        return -errno;
                                continue;
                        }
                }
                /* dup2 clears FD_CLOEXEC on the target; fd > i here. */
                if (dup2(fd, (int)i) < 0)
                        return -errno;
                if (a->fd_scratch[i] < 0)
                        (void)close(fd);
        }

        if (a->error_fd < 0)
                return child_close_range(n, ~0U);
        int r = child_close_range(n, (unsigned)a->error_fd - 1);
        if (r < 0)
                return r;
        return child_close_range((unsigned)a->error_fd + 1, ~0U);
}

/* The kernel's struct sigaction for rt_sigaction(2): glibc's sigaction()
 * refuses the real-time signals it reserves (32 and 33), but a parent may
 * hand those down ignored (GNU make does), and a service must start with
 * every disposition at its default. The raw system call also keeps
 * sanitizer interceptors out of the child. */
struct kernel_sigaction {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
};

static pthread_once_t parent_signals_once = PTHREAD_ONCE_INIT;

void spawn_reset_inherited_signals(void)
{
        const struct kernel_sigaction dfl = { .handler = SIG_DFL };

        for (int sig = 1; sig < _NSIG; sig++) {
                struct kernel_sigaction old;
                if (sig == SIGKILL || sig == SIGSTOP || sig == SIGPIPE)
                        continue;
                if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof old.mask) == 0 && old.handler == SIG_IGN)
                        (void)syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
        }
}

static int child_reset_signals(bool ignore_sigpipe)
{
        struct kernel_sigaction sa = { .handler = ignore_sigpipe ? SIG_IGN : SIG_DFL };

        if (syscall(SYS_rt_sigaction, SIGPIPE, &sa, NULL, sizeof sa.mask) < 0)
                return -errno;
        return 0;
}

static int child_set_oom_score_adjust(const struct child_args *a)
{
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n;
        do
                n = write(fd, a->oom_text, a->oom_len);
        while (n < 0 && errno == EINTR);
        int r = n < 0 ? -errno : n == (ssize_t)a->oom_len ? 0 : -EIO;
        (void)close(fd);
        return r;
}

/* systemd's setrlimit_closest(): a limit above what we may set (EPERM: a
 * hard limit above our own without CAP_SYS_RESOURCE, as in any container)
 * is clamped to our hard limit instead of failing the service. */
static int child_setrlimit_closest(struct child_args *a, int res, const struct rlimit *want)
{
        struct rlimit highest, fixed;

        if (setrlimit((__rlimit_resource_t)res, want) == 0)
                return 0;
        if (errno != EPERM)
                return -errno;
        if (getrlimit((__rlimit_resource_t)res, &highest) < 0)
                return -errno;
        /* An unbounded hard limit means the EPERM had another cause. */
        if (highest.rlim_max == RLIM_INFINITY)
                return -EPERM;
        fixed.rlim_cur = want->rlim_cur < highest.rlim_max ? want->rlim_cur : highest.rlim_max;
        fixed.rlim_max = want->rlim_max < highest.rlim_max ? want->rlim_max : highest.rlim_max;
        /* Already as close as we can get. */
        if (fixed.rlim_cur == highest.rlim_cur && fixed.rlim_max == highest.rlim_max)
                return 0;
        struct child_report rep = { .kind = REPORT_LIMIT_CLAMPED, .resource = res,
                                    .wanted = (int64_t)want->rlim_max, .got = (int64_t)fixed.rlim_max };
        child_report(a, &rep);
        return setrlimit((__rlimit_resource_t)res, &fixed) < 0 ? -errno : 0;
}

/* The nice level RLIMIT_NICE lets us reach: 20 - limit, within -20..19. */
static int rlimit_to_nice(rlim_t limit)
{
        if (limit <= 1)
                return PRIO_MAX - 1;
        if (limit >= (rlim_t)(PRIO_MAX - PRIO_MIN))
                return PRIO_MIN;
        return PRIO_MAX - (int)limit;
}

/* systemd's setpriority_closest(): without CAP_SYS_NICE a lower nice level
 * than RLIMIT_NICE allows becomes the lowest allowed one. */
static int child_setpriority_closest(struct child_args *a, int nice)
{
        struct rlimit highest;
        int saved, current, limit;

        if (setpriority(PRIO_PROCESS, 0, nice) == 0)
                return 0;
        saved = errno;
        if (saved != EPERM && saved != EACCES)
                return -saved;
        errno = 0;
        current = getpriority(PRIO_PROCESS, 0);
        if (errno != 0)
                return -errno;
        if (nice == current)
                return 0;
        /* Raising the level always works; if it did not, setpriority is closed to us. */
        if (nice > current)
                return -saved;
        if (getrlimit(RLIMIT_NICE, &highest) < 0)
                return -errno;
        limit = rlimit_to_nice(highest.rlim_cur);
        if (current > limit && setpriority(PRIO_PROCESS, 0, limit) < 0)
                return -errno;
        struct child_report rep = { .kind = REPORT_NICE_CLAMPED, .wanted = nice, .got = current < limit ? current : limit };
        child_report(a, &rep);
        return 0;
}

/* Is setgroups(2) denied to this user namespace (/proc/self/setgroups is
 * "deny")? Then dropping every supplementary group is skipped, as systemd's
 * maybe_setgroups() does: there is nothing to drop that we could drop. */
static bool child_setgroups_denied(void)
{
        char buf[8];
        ssize_t n;
        int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return false;
        do
                n = read(fd, buf, sizeof buf);
        while (n < 0 && errno == EINTR);
        (void)close(fd);
        return n >= 4 && memcmp(buf, "deny", 4) == 0;
}

/* Raw syscalls: glibc's setuid() and friends broadcast to every thread of
 * the process, and in a CLONE_VM child that would be the parent's threads.
 * Groups first (216 GROUP), then the user (217 USER), as systemd. */
static int child_set_credentials(struct child_args *a)
{
        const struct spawn_request *req = a->req;

        a->fail_status = EXIT_GROUP;
        if (syscall(SYS_setgroups, (size_t)req->n_groups, req->groups) < 0) {
                int saved = errno;
                if (saved != EPERM || req->n_groups > 0 || !child_setgroups_denied())
                        return -saved;
                struct child_report rep = { .kind = REPORT_SETGROUPS_SKIPPED, .error = saved };
                child_report(a, &rep);
        }
        if (syscall(SYS_setresgid, req->gid, req->gid, req->gid) < 0)
                return -errno;
        a->fail_status = EXIT_USER;
        if (syscall(SYS_setresuid, req->uid, req->uid, req->uid) < 0)
                return -errno;
        return 0;
}

static int child_setup(struct child_args *a)
{
        const struct spawn_request *req = a->req;
        int r;

        a->fail_status = EXIT_FDS;
        r = child_arrange_fds(a);
        if (r < 0)
                return r;

        /* Passed sockets start blocking (NonBlocking=no); the flag is on the
         * shared file description, and weft only polls them while the
         * service is down, so clearing it here costs weft nothing. */
        for (unsigned i = 0; i < req->n_blocking && 3 + i < req->n_fds; i++) {
                int fl = fcntl((int) (3 + i), F_GETFL);
                if (fl >= 0 && (fl & O_NONBLOCK))
                        (void) fcntl((int) (3 + i), F_SETFL, fl & ~O_NONBLOCK);
        }

        a->fail_status = EXIT_SETSID;
        if (req->new_session && setsid() < 0)
                return -errno;
        /* As systemd does with a stdin it was given: a terminal becomes
         * the session's (job control, ^C); anything else says ENOTTY. */
        if (req->stdin_ctty)
                (void) ioctl(STDIN_FILENO, TIOCSCTTY, 0);
        if (req->container_main) {
                if (setpgid(0, 0) < 0)
                        return -errno;
                /* Every signal is still blocked here, SIGTTOU included, so a
                 * background group may take the terminal. Not a terminal
                 * (ENOTTY), or not ours (ENXIO, EPERM): nothing to hand over. */
                (void) tcsetpgrp(STDIN_FILENO, getpid());
        }

        /* In the new session, before anything may block on the terminal. */
        a->fail_status = EXIT_STDIN;
        r = exec_tty_child(req);
        if (r < 0)
                return r;

        a->fail_status = EXIT_SIGNAL_MASK;
        r = child_reset_signals(req->ignore_sigpipe);
        if (r < 0)
                return r;

        /* Settings a container may forbid are adapted as systemd adapts
         * them (clamped, or skipped with a note), not fatal. */
        a->fail_status = EXIT_LIMITS;
        for (int res = 0; res < RLIM_NLIMITS; res++)
                if (req->rlimit_set & (UINT32_C(1) << res)) {
                        r = child_setrlimit_closest(a, res, &req->rlimits[res]);
                        if (r < 0)
                                return r;
                }

        a->fail_status = EXIT_NICE;
        if (req->nice_set) {
                r = child_setpriority_closest(a, req->nice);
                if (r < 0)
                        return r;
        }

        a->fail_status = EXIT_OOM_ADJUST;
        if (req->oom_score_adjust_set) {
                r = child_set_oom_score_adjust(a);
                if (r == -EPERM || r == -EACCES) {
                        struct child_report rep = { .kind = REPORT_OOM_IGNORED, .error = -r };
                        child_report(a, &rep);
                } else if (r < 0)
                        return r;
        }

        umask(req->umask);

        /* Before chdir (WorkingDirectory= may be one of them) and while
         * still root, as systemd's exec_child does. */
        r = exec_dirs_make(req, &a->fail_status);
        if (r < 0)
                return r;

        /* In the manager's mount namespace, so the credentials mount is
         * seen by all and torn down by the manager (systemd's
         * exec_setup_credentials); before the user switch. */
        r = exec_credentials_make(req, &a->fail_status);
        if (r < 0)
                return r;

        /* The mount namespace before chdir (WorkingDirectory= may be below
         * a private /tmp) and while still root, as systemd's exec_child. */
        r = exec_sandbox_mounts(req, &a->fail_status);
        if (r < 0)
                return r;

        a->fail_status = EXIT_CHDIR;
        if (!req->cwd_is_there && chdir(req->cwd ? req->cwd : "/") < 0) {
                if (!req->cwd_missing_ok || (errno != ENOENT && errno != ENOTDIR))
                        return -errno;
                /* A missing WorkingDirectory=- leaves the service in "/",
                 * not in whatever directory the manager happens to be. */
                if (chdir("/") < 0)
                        return -errno;
        }

        /* The bounding set while we may still drop from it; ambient
         * capabilities are raised again once the user is switched. */
        r = exec_sandbox_before_user(req, &a->fail_status);
        if (r < 0)
                return r;
        if (req->set_credentials) {
                r = child_set_credentials(a);
                if (r < 0)
                        return r;
        }
        r = exec_sandbox_after_user(req, &a->fail_status);
        if (r < 0)
                return r;

        if (a->listen_pid_digits)
                format_uint(a->listen_pid_digits, (unsigned long long) getpid(), 10);

        /* Last, so that no signal is delivered during the setup above: the
         * mask until now is the all-blocked one the parent cloned with. */
        sigset_t empty;
        sigemptyset(&empty);
        a->fail_status = EXIT_SIGNAL_MASK;
        if (sigprocmask(SIG_SETMASK, &empty, NULL) < 0)
                return -errno;
        return 0;
}

static int child_main(void *userdata)
{
        struct child_args *a = userdata;
        int r;

        cpu_pin_undo();
        r = child_setup(a);
        if (r < 0)
                child_fail(a, -r, a->fail_status);

        execve(a->req->path, a->req->argv, a->envp);
        if (a->req->container_main)
                child_fail(a, errno, errno == ENOENT ? 127 : 126);
        child_fail(a, errno, EXIT_EXEC);
}

/* ---- parent side ---- */

#if !SPAWN_USE_FORK
/* One child stack per spawning thread, kept for the thread's life: with
 * CLONE_VFORK this thread waits until the child has exec'd or exited, so
 * the next child may reuse it. Mapping and unmapping it per spawn cost a
 * worker (on a unit's critical path) two system calls, fresh page faults
 * and, in a many-threaded manager, a TLB shootdown. */
static pthread_key_t child_stack_key;
static pthread_once_t child_stack_once = PTHREAD_ONCE_INIT;
static int child_stack_key_error;

static void child_stack_free(void *stack)
{
        (void)munmap(stack, CHILD_STACK_SIZE);
}

static void child_stack_key_create(void)
{
        child_stack_key_error = pthread_key_create(&child_stack_key, child_stack_free);
}

static void *child_stack(void)
{
        (void)pthread_once(&child_stack_once, child_stack_key_create);
        if (child_stack_key_error) {
                errno = child_stack_key_error;
                return NULL;
        }
        void *stack = pthread_getspecific(child_stack_key);
        if (stack)
                return stack;
        stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED)
                return NULL;
        int r = pthread_setspecific(child_stack_key, stack);
        if (r != 0) {
                (void)munmap(stack, CHILD_STACK_SIZE);
                errno = r;
                return NULL;
        }
        return stack;
}
#endif

static pid_t start_child(struct child_args *a)
{
#if SPAWN_USE_FORK
        pid_t pid = fork();
        if (pid == 0)
                child_main(a);
        return pid;
#else
        void *stack = child_stack();
        if (!stack)
                return -1;
        /* The stack grows down on every architecture we build for. */
        pid_t pid = clone(child_main, (char *)stack + CHILD_STACK_SIZE,
                          CLONE_VM | CLONE_VFORK | SIGCHLD, a);
        int saved = errno;
        sanitizer_release_child_stack(stack, CHILD_STACK_SIZE);
        errno = saved;
        return pid;
#endif
}

/* Messages start with the unit the request is for. */
static const char *report_id(const struct spawn_request *req)
{
        return req->unit_id ? req->unit_id : "spawn";
}

static void log_report(const struct spawn_request *req, const struct child_report *rep)
{
        const char *id = report_id(req);

        switch (rep->kind) {
        case REPORT_LIMIT_CLAMPED: {
                const char *name = rep->resource >= 0 && rep->resource < RLIM_NLIMITS ? rlimit_names[rep->resource] : NULL;
                log_debug("%s: Failed at setting rlimit %llu for resource RLIMIT_%s. Will attempt setting value %llu instead.",
                          id, (unsigned long long)rep->wanted, name ? name : "?", (unsigned long long)rep->got);
                break;
        }
        case REPORT_OOM_IGNORED:
                log_debug("%s: Failed to adjust OOM setting, assuming containerized execution, ignoring: %s", id,
                          strerror(rep->error));
                break;
        case REPORT_NICE_CLAMPED:
                log_debug("%s: Cannot set requested nice level (%lld), using next best (%lld).", id,
                          (long long)rep->wanted, (long long)rep->got);
                break;
        case REPORT_SETGROUPS_SKIPPED:
                log_debug("%s: Skipping setgroups(), /proc/self/setgroups is set to 'deny'", id);
                break;
        default:
                break;
        }
}

/* A fork()ed child's reports, read from its pipe until EOF (it exec'd or
 * exited) into a->reports. */
static int read_report_pipe(int fd, struct child_args *a)
{
        size_t got = 0;

        while (got < sizeof a->reports) {
                ssize_t n = read(fd, (char *)a->reports + got, sizeof a->reports - got);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                got += (size_t)n;
        }
        if (got % sizeof a->reports[0] != 0)
                return -EIO;
        a->n_reports = (unsigned)(got / sizeof a->reports[0]);
        return 0;
}

/* The child's reports, once it exec'd or exited. 0: it exec'd (after
 * logging its notes); -errno of the step that failed, with *ret_status its
 * exit status, after logging "Failed at step STEP spawning PATH: why" as
 * systemd does. */
static int handle_child_reports(const struct child_args *a, int *ret_status)
{
        const struct spawn_request *req = a->req;

        for (unsigned i = 0; i < a->n_reports; i++) {
                const struct child_report *rep = &a->reports[i];
                if (rep->kind != REPORT_FAILED) {
                        log_report(req, rep);
                        continue;
                }
                const char *step = exit_status_to_string(rep->status);
                int r = rep->error > 0 ? -rep->error : -EIO;
                *ret_status = rep->status;
                log_error("%s: Failed at step %s spawning %s: %s", report_id(req), step ? step : "EXEC",
                          req->path, strerror(-r));
                return r;
        }
        return 0;
}

/* One /dev/null for every child's empty slots, opened once: opening it in
 * each child cost three system calls on every unit's critical path. */
static int devnull_fd = -1;
static pthread_once_t devnull_once = PTHREAD_ONCE_INIT;

static void devnull_open(void)
{
        devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
}

int spawn_process(const struct spawn_request *req, pid_t *ret_pid, uint64_t *ret_exec_usec)
{
        char listen_pid[sizeof(LISTEN_PID_PREFIX) + 24];
        char oom_text[24];
        struct child_args a = { .req = req, .fds = req ? req->fds : NULL, .oom_text = oom_text, .error_fd = -1 };
        struct exec_journal_conn journal = EXEC_JOURNAL_CONN_INIT;
        int pipe_fds[2] = { -1, -1 };
        sigset_t all, saved_mask;
        pid_t pid = 0;
        int r;

        if (!ret_pid)
                return -EINVAL;
        if (!req || !req->path || !req->argv || !req->envp || req->n_fds < 3 || !req->fds ||
            (req->n_groups > 0 && !req->groups)) {
                *ret_pid = 0;
                return -EINVAL;
        }

        (void)pthread_once(&parent_signals_once, spawn_reset_inherited_signals);
        (void)pthread_once(&devnull_once, devnull_open);
        a.devnull = devnull_fd;
        size_t n_env = strv_length(req->envp);
        /* One more slot for JOURNAL_STREAM=. */
        a.envp = malloc((n_env + 2) * sizeof(char *));
        a.fd_scratch = malloc(req->n_fds * sizeof(int));
        if (!a.envp || !a.fd_scratch) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i <= n_env; i++) {
                a.envp[i] = req->envp[i];
                if (a.envp[i] && !a.listen_pid_digits &&
                    strncmp(a.envp[i], LISTEN_PID_PREFIX, strlen(LISTEN_PID_PREFIX)) == 0) {
                        memcpy(listen_pid, LISTEN_PID_PREFIX, strlen(LISTEN_PID_PREFIX));
                        a.listen_pid_digits = listen_pid + strlen(LISTEN_PID_PREFIX);
                        a.listen_pid_digits[0] = 0;
                        a.envp[i] = listen_pid;
                }
        }

        /* Here on the worker, not in the child: connecting may wait on
         * journald, and only here can a refusal fall back to the log file. */
        exec_journal_connect(req, NULL, &journal);
        if (journal.fds)
                a.fds = journal.fds;
        if (journal.env[0]) {
                a.envp[n_env] = journal.env;
                a.envp[n_env + 1] = NULL;
        }

        if (req->oom_score_adjust_set) {
                size_t n = 0;
                int v = req->oom_score_adjust;
                if (v < 0)
                        oom_text[n++] = '-';
                n += format_uint(oom_text + n, v < 0 ? -(unsigned long long) v : (unsigned long long) v, 10);
                oom_text[n++] = '\n';
                a.oom_len = n;
        }

        if (SPAWN_USE_FORK) {
                if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
                        r = -errno;
                        goto out;
                }
                a.error_fd = pipe_fds[1];
        }

        /* No signal handler may run in a child that shares our memory; the
         * child empties the mask just before execve. A fault is not held
         * off by a mask (the kernel would kill PID 1 instead): the crash
         * handler passes a child's faults on to the default action. */
        sigfillset(&all);
        fault_signals_unblock(&all);
        r = -pthread_sigmask(SIG_SETMASK, &all, &saved_mask);
        if (r < 0)
                goto out;
        pid = start_child(&a);
        int saved_errno = errno;
        (void)pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
        if (pid < 0) {
                pid = 0;
                r = -saved_errno;
                goto out;
        }

        int failed_status = 0;
        if (SPAWN_USE_FORK) {
                /* Our write end must be gone for EOF to mean "exec'd". */
                (void)close(pipe_fds[1]);
                pipe_fds[1] = -1;
                r = read_report_pipe(pipe_fds[0], &a);
        }
        if (r == 0)
                r = handle_child_reports(&a, &failed_status);
        if (r == 0 && ret_exec_usec) {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                *ret_exec_usec = timespec_usec(ts);
        }
out:
        if (pipe_fds[0] >= 0)
                (void)close(pipe_fds[0]);
        if (pipe_fds[1] >= 0)
                (void)close(pipe_fds[1]);
        free(a.envp);
        free(a.fd_scratch);
        exec_journal_conn_done(&journal);
        /* Also on a child's failure: the caller must know whom to expect. */
        *ret_pid = pid;
        return r;
}
