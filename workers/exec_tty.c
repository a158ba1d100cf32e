/* The terminal of a command; see exec_tty.h. exec_tty_build() runs on the
 * scheduler thread, exec_tty_child() in the spawned child (CLONE_VM: no
 * malloc, no stdio, no locks, raw ioctls so that no sanitizer interceptor
 * runs there). */
#include "workers/exec_tty.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "workers/spawn.h"

bool exec_tty_input(enum exec_input i)
{
        return i == EXEC_INPUT_TTY || i == EXEC_INPUT_TTY_FORCE || i == EXEC_INPUT_TTY_FAIL;
}

/* systemd's vtnr_from_tty(): /dev/ttyN with N > 0 is a virtual console. */
static unsigned vt_number(const char *path)
{
        const char *n;
        unsigned long v;
        char *end;

        if (strncmp(path, "/dev/tty", 8) != 0)
                return 0;
        n = path + 8;
        if (*n < '1' || *n > '9')
                return 0;
        errno = 0;
        v = strtoul(n, &end, 10);
        if (errno || *end || v > 63)
                return 0;
        return (unsigned) v;
}

int exec_tty_build(const char *id, const struct exec_context *c, const struct exec_params *p,
                   struct spawn_request *req)
{
        const struct exec_extra *x = exec_extra(c);
        int acquire = SPAWN_TTY_NONE;
        struct spawn_tty *t;

        if (p->container_main)
                return 0;
        if (exec_tty_input(c->std_input) && !p->control)
                acquire = c->std_input == EXEC_INPUT_TTY_FAIL    ? SPAWN_TTY_TRY
                          : c->std_input == EXEC_INPUT_TTY_FORCE ? SPAWN_TTY_FORCE
                                                                 : SPAWN_TTY_WAIT;
        if (acquire == SPAWN_TTY_NONE && !x->tty_reset && !x->tty_vhangup && !x->tty_vt_disallocate)
                return 0;
        t = calloc(1, sizeof *t);
        if (!t || !(t->path = strdup(x->tty_path ? x->tty_path : "/dev/console"))) {
                free(t);
                return log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
        }
        t->acquire = acquire;
        t->vhangup = x->tty_vhangup;
        t->reset = x->tty_reset;
        t->disallocate = x->tty_vt_disallocate;
        t->vt = vt_number(t->path);
        req->tty = t;
        return 0;
}

void exec_tty_free(struct spawn_tty *t)
{
        if (!t)
                return;
        free(t->path);
        free(t);
}

/* ---- child side: async-signal-safe only ---- */

static int child_ioctl(int fd, unsigned long req, unsigned long arg)
{
        return syscall(SYS_ioctl, fd, req, arg) < 0 ? -errno : 0;
}

static void child_close(int fd)
{
        if (fd >= 0)
                (void) syscall(SYS_close, fd);
}

/* A terminal in the middle of being closed answers EIO for a moment
 * (systemd's open_terminal() retries for up to a second). */
static int child_open_terminal(const char *path, int flags)
{
        for (unsigned tries = 0;; tries++) {
                int fd = open(path, flags);
                if (fd >= 0) {
                        struct termios tio;
                        if (tcgetattr(fd, &tio) < 0) {
                                child_close(fd);
                                return -ENOTTY;
                        }
                        return fd;
                }
                if (errno != EIO || tries >= 20)
                        return -errno;
                struct timespec ts = { .tv_nsec = 50 * 1000 * 1000 };
                (void) nanosleep(&ts, NULL);
        }
}

static void child_vhangup(const char *path)
{
        int fd = child_open_terminal(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return;
        (void) child_ioctl(fd, TIOCVHANGUP, 0);
        child_close(fd);
}

/* The keyboard mode a reset console gets: Unicode unless the kernel's vt
 * module says its default is not UTF-8 (systemd's vt_reset_keyboard). */
static int child_default_kbmode(void)
{
        char c = '1';
        int fd = open("/sys/module/vt/parameters/default_utf8", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                if (read(fd, &c, 1) != 1)
                        c = '1';
                child_close(fd);
        }
        return c == '0' || c == 'N' ? K_XLATE : K_UNICODE;
}

/* systemd's reset_terminal(): sane line settings, text mode, nothing
 * pending. Non-blocking, so a serial line without carrier does not hang. */
static void child_reset(const char *path)
{
        struct termios tio;
        int fd = child_open_terminal(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

        if (fd < 0)
                return;
        (void) child_ioctl(fd, TIOCNXCL, 0);
        (void) child_ioctl(fd, KDSETMODE, KD_TEXT);
        (void) child_ioctl(fd, KDSKBMODE, (unsigned long) child_default_kbmode());
        if (tcgetattr(fd, &tio) == 0) {
                tio.c_iflag &= ~(tcflag_t) (IGNBRK | BRKINT | ISTRIP | INLCR | IGNCR | IUCLC);
                tio.c_iflag |= ICRNL | IMAXBEL | IUTF8;
                tio.c_oflag |= ONLCR;
                tio.c_cflag |= CREAD;
                tio.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOPRT | ECHOKE;
                tio.c_cc[VINTR] = 003;
                tio.c_cc[VQUIT] = 034;
                tio.c_cc[VERASE] = 0177;
                tio.c_cc[VKILL] = 025;
                tio.c_cc[VEOF] = 004;
                tio.c_cc[VSTART] = 021;
                tio.c_cc[VSTOP] = 023;
                tio.c_cc[VSUSP] = 032;
                tio.c_cc[VLNEXT] = 026;
                tio.c_cc[VWERASE] = 027;
                tio.c_cc[VREPRINT] = 022;
                tio.c_cc[VEOL] = 0;
                tio.c_cc[VEOL2] = 0;
                tio.c_cc[VTIME] = 0;
                tio.c_cc[VMIN] = 1;
                (void) tcsetattr(fd, TCSANOW, &tio);
        }
        (void) tcflush(fd, TCIOFLUSH);
        child_close(fd);
}

/* systemd's vt_disallocate(): free the virtual console; when it is the
 * active one (EBUSY) or no console at all, clear it and its scrollback. */
static void child_disallocate(const struct spawn_tty *t)
{
        static const char clear[] = "\033[r\033[H\033[3J";
        int fd;

        if (strncmp(t->path, "/dev/", 5) != 0)
                return;
        if (t->vt > 0) {
                fd = child_open_terminal("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
                if (fd < 0)
                        return;
                int r = child_ioctl(fd, VT_DISALLOCATE, t->vt);
                child_close(fd);
                if (r != -EBUSY)
                        return;
        }
        fd = child_open_terminal(t->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return;
        (void) !write(fd, clear, sizeof clear - 1);
        child_close(fd);
}

/* The kernel's struct sigaction (see spawn.c): the raw call keeps
 * sanitizer interceptors out of the child. */
struct tty_kernel_sigaction {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
};

/* Every signal is blocked in the child until just before execve, so a
 * SIGHUP that taking the terminal raised would wait and then kill the
 * service. Setting SIGHUP to ignored discards what is pending; then back
 * to the default, as systemd's acquire_terminal() leaves it. */
static void child_drop_sighup(void)
{
        struct tty_kernel_sigaction ign = { .handler = SIG_IGN }, dfl = { .handler = SIG_DFL };

        (void) syscall(SYS_rt_sigaction, SIGHUP, &ign, NULL, sizeof ign.mask);
        (void) syscall(SYS_rt_sigaction, SIGHUP, &dfl, NULL, sizeof dfl.mask);
}

/* systemd's acquire_terminal(): open the terminal and make it the
 * controlling terminal of this new session. EPERM means another session
 * has it: tty-fail fails, tty-force steals it (TIOCSCTTY with 1), tty waits
 * for the terminal to be closed (inotify IN_CLOSE) and tries again. */
static int child_acquire(const struct spawn_tty *t)
{
        int notify = -1, fd = -1, r;

        if (t->acquire == SPAWN_TTY_WAIT) {
                notify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
                if (notify < 0)
                        return -errno;
                if (inotify_add_watch(notify, t->path, IN_CLOSE) < 0) {
                        r = -errno;
                        goto out;
                }
        }
        for (;;) {
                char buf[sizeof(struct inotify_event) + 256]
                        __attribute__((aligned(__alignof__(struct inotify_event))));

                /* Events from before this attempt do not count. */
                while (notify >= 0 && read(notify, buf, sizeof buf) > 0)
                        ;
                fd = child_open_terminal(t->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
                if (fd < 0) {
                        r = fd;
                        goto out;
                }
                r = child_ioctl(fd, TIOCSCTTY, t->acquire == SPAWN_TTY_FORCE);
                child_drop_sighup();
                if (r == 0)
                        break;
                if (r != -EPERM || t->acquire != SPAWN_TTY_WAIT)
                        goto out;
                struct pollfd pfd = { .fd = notify, .events = POLLIN };
                if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
                        r = -errno;
                        goto out;
                }
                /* Its owner's handle may be dead once it let go: a fresh open. */
                child_close(fd);
                fd = -1;
        }
        child_close(notify);
        return fd;
out:
        child_close(fd);
        child_close(notify);
        return r;
}

int exec_tty_child(const struct spawn_request *req)
{
        const struct spawn_tty *t = req->tty;
        int fd;

        if (!t)
                return 0;
        /* Before the terminal is ours: a hang-up now cannot hit us. */
        if (t->vhangup)
                child_vhangup(t->path);
        if (t->reset)
                child_reset(t->path);
        if (t->disallocate)
                child_disallocate(t);
        if (t->acquire == SPAWN_TTY_NONE)
                return 0;
        /* fds 0 .. n_fds-1 are taken already (spawn.c arranged them, a
         * SPAWN_FD_TTY slot holding /dev/null), so fd is above them. */
        fd = child_acquire(t);
        if (fd < 0)
                return fd;
        for (int i = 0; i < 3; i++)
                if (req->fds[i] == SPAWN_FD_TTY && dup2(fd, i) < 0) {
                        int r = -errno;
                        child_close(fd);
                        return r;
                }
        child_close(fd);
        return 0;
}
