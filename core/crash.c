/* PID 1's crash handler; see crash.h. Everything past crash_install() runs
 * inside a signal handler of a process whose other threads may hold any
 * lock (malloc's, stdio's, the log's): only system calls from here on, no
 * allocation, no stdio, nothing that locks. */
#include "core/crash.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cpu_pin.h"
#include "base/dir_entries.h"
#include "base/fault_signals.h"
#include "base/format_uint.h"
#include "base/log.h"
#include "base/macro.h"

/* How long to wait for the other threads to park: a thread that has every
 * signal blocked for a moment (around a fork) parks once it unblocks. */
#define PARK_WAIT_MS 200

static struct crash_options options;
static atomic_long crashing_tid; /* 0 until the first crash */
static atomic_uint parked;

extern char **environ;

static long current_tid(void)
{
        return syscall(SYS_gettid);
}

/* The console lines, built without stdio. */
struct line {
        char buf[256];
        size_t len;
};

static void put(struct line *l, const char *s)
{
        for (; *s && l->len < sizeof l->buf - 1; s++)
                l->buf[l->len++] = *s;
}

static void put_number(struct line *l, unsigned long long v, unsigned base)
{
        char digits[FORMAT_UINT_MAX];

        format_uint(digits, v, base);
        put(l, digits);
}

static void say(struct line *l)
{
        l->buf[l->len++] = '\n';
        (void) !write(log_sink_fd(), l->buf, l->len);
        l->len = 0;
}

static void say_str(const char *s)
{
        struct line l = { .len = 0 };

        put(&l, "weft: ");
        put(&l, s);
        say(&l);
}

static void pause_forever(void)
{
        for (;;)
                pause();
}

static void park(int sig)
{
        (void) sig;
        atomic_fetch_add(&parked, 1);
        pause_forever();
}

static void sleep_ms(unsigned ms)
{
        struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };

        while (nanosleep(&t, &t) < 0 && errno == EINTR)
                ;
}

/* One entry of /proc/self/task: FAULT_PARK_SIGNAL to that thread unless it
 * is this one; counts what was sent. */
static int park_thread(int dfd, const char *name, unsigned char type, void *data)
{
        unsigned *sent = data;
        long tid = 0;

        for (const char *c = name; *c >= '0' && *c <= '9'; c++)
                tid = tid * 10 + (*c - '0');
        if (tid > 0 && tid != current_tid() && syscall(SYS_tgkill, getpid(), tid, FAULT_PARK_SIGNAL) == 0)
                (*sent)++;
        return 0;
}

/* tgkill()s FAULT_PARK_SIGNAL at every thread but this one, found in
 * /proc/self/task with raw getdents64 (opendir() allocates); waits a
 * bounded while for them to park. */
static void park_other_threads(void)
{
        unsigned sent = 0;
        int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return;
        (void) dir_for_each(fd, park_thread, &sent);
        close(fd);
        for (unsigned ms = 0; atomic_load(&parked) < sent && ms < PARK_WAIT_MS; ms++)
                sleep_ms(1);
}

static void say_caught(int sig, const siginfo_t *si)
{
        struct line l = { .len = 0 };

        put(&l, "weft: PID 1 crashed: caught ");
        /* sigabbrev_np only reads glibc's table: async-signal-safe. */
        put(&l, "SIG");
        put(&l, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
        if (si->si_code <= 0) {
                /* kill(2), tgkill(2) or sigqueue(3); from an ancestor PID
                 * namespace si_pid is 0. */
                put(&l, " from ");
                if (si->si_pid > 0) {
                        put(&l, "PID ");
                        put_number(&l, (unsigned long long) si->si_pid, 10);
                } else {
                        put(&l, "outside the PID namespace");
                }
        } else if (sig != SIGABRT) {
                put(&l, " at address 0x");
                put_number(&l, (unsigned long long) (uintptr_t) si->si_addr, 16);
        }
        put(&l, " in thread ");
        put_number(&l, (unsigned long long) current_tid(), 10);
        say(&l);
}

/* A child takes the signal with its default action, so the core is of
 * weft as it was; PID 1 itself cannot die. */
static void dump_core(int sig)
{
        struct line l = { .len = 0 };
        int status = 0;
        pid_t pid = _Fork();

        if (pid == 0) {
                struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
                struct sigaction dfl = { .sa_handler = SIG_DFL };
                sigset_t one;

                (void) setrlimit(RLIMIT_CORE, &unlimited);
                (void) sigaction(sig, &dfl, NULL);
                sigemptyset(&one);
                sigaddset(&one, sig);
                (void) sigprocmask(SIG_UNBLOCK, &one, NULL);
                (void) raise(sig);
                _exit(255);
        }
        if (pid < 0) {
                say_str("cannot fork to dump core");
                return;
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        put(&l, "weft: ");
        if (WIFSIGNALED(status) && WCOREDUMP(status)) {
                put(&l, "dumped core as PID ");
                put_number(&l, (unsigned long long) pid, 10);
        } else {
                put(&l, "core dump failed (child PID ");
                put_number(&l, (unsigned long long) pid, 10);
                put(&l, WIFSIGNALED(status) ? ", killed by signal " : ", exit status ");
                put_number(&l, (unsigned long long) (WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)),
                           10);
                put(&l, "; see RLIMIT_CORE and kernel.core_pattern)");
        }
        say(&l);
}

static void delay(const char *what)
{
        struct line l = { .len = 0 };

        if (!options.delay_sec)
                return;
        put(&l, "weft: ");
        put(&l, what);
        put(&l, " in ");
        put_number(&l, options.delay_sec, 10);
        put(&l, " s");
        say(&l);
        sleep_ms(options.delay_sec * 1000);
}

static void spawn_shell(void)
{
        struct line l = { .len = 0 };
        pid_t pid;

        delay("executing a crash shell");
        pid = _Fork();
        if (pid == 0) {
                sigset_t none;
                char *const argv[] = { (char *) "/bin/sh", NULL };

                cpu_pin_undo();
                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
                (void) setsid();
                if (options.own_console) {
                        int fd = open("/dev/console", O_RDWR | O_NOCTTY);
                        if (fd >= 0) {
                                (void) ioctl(fd, TIOCSCTTY, 1);
                                dup2(fd, STDIN_FILENO);
                                dup2(fd, STDOUT_FILENO);
                                dup2(fd, STDERR_FILENO);
                                if (fd > STDERR_FILENO)
                                        close(fd);
                        }
                }
                execve(argv[0], argv, environ);
                _exit(127);
        }
        if (pid < 0) {
                say_str("cannot fork the crash shell");
                return;
        }
        put(&l, "weft: crash shell is PID ");
        put_number(&l, (unsigned long long) pid, 10);
        say(&l);
}

/* Nothing runs any more but the reaping of whatever exits: orphans still
 * reach PID 1. Every fd but the console's is closed first, so nobody
 * waits on weft's sockets for an answer that will not come. */
_Noreturn static void freeze(void)
{
        say_str("freezing: PID 1 only reaps from now on (systemd.crash_shell or systemd.crash_reboot "
                "on the kernel command line choose otherwise)");
        (void) syscall(SYS_close_range, 3U, ~0U, 0U);
        for (;;) {
                siginfo_t si;
                if (waitid(P_ALL, 0, &si, WEXITED) < 0 && errno != EINTR)
                        break; /* no children left: none can come */
        }
        pause_forever();
        __builtin_unreachable();
}

_Noreturn static void after_crash(void)
{
        if (options.reboot) {
                delay("rebooting");
                say_str("rebooting now");
                sync();
                (void) reboot(RB_AUTOBOOT);
                say_str("reboot(2) failed");
        }
        if (options.shell)
                spawn_shell();
        freeze();
}

static void crash(int sig, siginfo_t *si, void *context)
{
        long none = 0;

        (void) context;
        if (getpid() != 1) {
                /* A child between clone and exec (workers/spawn.c: it shares
                 * weft's memory, so raw system calls only, and glibc's idea
                 * of the thread is the parent's): the default action, as if
                 * weft had installed nothing. A fault comes back as soon as
                 * this returns; a sent signal is sent again. */
                struct {
                        void (*handler)(int);
                        unsigned long flags;
                        void (*restorer)(void);
                        uint64_t mask;
                } dfl = { .handler = SIG_DFL };
                (void) syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
                if (si->si_code <= 0)
                        (void) syscall(SYS_tgkill, (long) getpid(), current_tid(), sig);
                return;
        }
        if (!atomic_compare_exchange_strong(&crashing_tid, &none, current_tid())) {
                /* Crashed already: the first crash speaks for all. A signal
                 * sent at the thread that handles it (kill(2) picks any
                 * thread) must not stop its reaping; another thread, or a
                 * fault inside the handler, stays here. */
                if (none == current_tid() && si->si_code <= 0)
                        return;
                if (none != current_tid())
                        atomic_fetch_add(&parked, 1);
                pause_forever();
        }
        park_other_threads();
        say_caught(sig, si);
        if (options.dump_core)
                dump_core(sig);
        else
                say_str("not dumping core (systemd.dump_core or --dump-core to dump one)");
        after_crash();
}

int crash_install(const struct crash_options *o)
{
        struct sigaction sa = { .sa_sigaction = crash, .sa_flags = SA_SIGINFO | SA_NODEFER };
        struct sigaction p = { .sa_handler = park };

        options = *o;
        sigemptyset(&sa.sa_mask);
        sigemptyset(&p.sa_mask);
        if (sigaction(FAULT_PARK_SIGNAL, &p, NULL) < 0)
                return -errno;
        for (size_t i = 0; i < N_FAULT_SIGNALS; i++)
                if (sigaction(fault_signals[i], &sa, NULL) < 0)
                        return -errno;
        return 0;
}

_Noreturn void crash_freeze(const char *why)
{
        long none = 0;

        if (atomic_compare_exchange_strong(&crashing_tid, &none, current_tid()))
                park_other_threads();
        say_str(why);
        after_crash();
}
