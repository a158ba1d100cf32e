/* The rest of PID 1's start-up on a real system; see pid1_boot_setup() in
 * pid1.h. Each duty is what systemd does as PID 1 (core/main.c, shared/
 * dev-setup.c, core/loopback-setup.c, core/hostname-setup.c,
 * shared/machine-id-setup.c), done the simplest way the kernel offers:
 * lo goes up with one ioctl. Runs before any thread exists. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "core/pid1.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define FALLBACK_HOSTNAME "localhost"

/* devtmpfs has no /dev/fd and friends; scripts need them. */
static const struct {
        const char *link, *target;
} dev_links[] = {
        { "/dev/fd", "/proc/self/fd" },
        { "/dev/stdin", "/proc/self/fd/0" },
        { "/dev/stdout", "/proc/self/fd/1" },
        { "/dev/stderr", "/proc/self/fd/2" },
        { "/dev/core", "/proc/kcore" },
};

static int dev_symlinks(void)
{
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(dev_links); i++)
                if (symlink(dev_links[i].target, dev_links[i].link) < 0 && errno != EEXIST && r == 0)
                        r = log_warning_errno(errno, "pid1: unable to link %s: %s", dev_links[i].link,
                                              strerror(errno));
        return r;
}

/* IFF_UP on lo; the kernel gives it 127.0.0.1/8 and ::1 by itself. */
static int loopback_up(void)
{
        struct ifreq ifr = { 0 };
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

        if (fd < 0)
                return log_warning_errno(errno, "pid1: no socket to bring up lo: %s", strerror(errno));
        strcpy(ifr.ifr_name, "lo");
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
                r = log_warning_errno(errno, "pid1: unable to read lo's flags: %s", strerror(errno));
                goto out;
        }
        if (ifr.ifr_flags & IFF_UP)
                goto out;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                r = log_warning_errno(errno, "pid1: unable to bring up lo: %s", strerror(errno));
        else
                log_info("pid1: lo is up");
out:
        close(fd);
        return r;
}

/* The first line of path that is neither blank nor a comment, trimmed, in
 * buf; -ENOENT when there is none. */
static int read_first_line(const char *path, char *buf, size_t size)
{
        FILE *f = fopen(path, "re");
        int r = -ENOENT;

        if (!f)
                return -errno;
        while (fgets(buf, (int) size, f)) {
                char *p = buf, *e;

                while (isspace((unsigned char) *p))
                        p++;
                if (!*p || *p == '#')
                        continue;
                e = p + strlen(p);
                while (e > p && isspace((unsigned char) e[-1]))
                        *--e = 0;
                memmove(buf, p, (size_t) (e - p) + 1);
                r = 0;
                break;
        }
        fclose(f);
        return r;
}

/* systemd's hostname_is_valid(): dot-separated labels of [A-Za-z0-9-],
 * none empty or starting/ending with '-', at most 64 bytes in all. */
static bool hostname_valid(const char *s)
{
        size_t n = strlen(s), label = 0;

        if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
                return false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '.') {
                        if (label == 0 || s[i - 1] == '-')
                                return false;
                        label = 0;
                        continue;
                }
                if (!isalnum((unsigned char) s[i]) && s[i] != '-')
                        return false;
                if (label == 0 && s[i] == '-')
                        return false;
                label++;
        }
        return s[n - 1] != '-';
}

static int hostname_setup(void)
{
        char name[256], cur[HOST_NAME_MAX + 1] = "";
        int r = read_first_line("/etc/hostname", name, sizeof name);

        if (r == 0 && !hostname_valid(name)) {
                log_warning("pid1: /etc/hostname holds no valid host name, ignored: %s", name);
                r = -EINVAL;
        }
        if (r < 0) {
                /* Keep a name the kernel was given (hostname=); else systemd's fallback. */
                (void) gethostname(cur, sizeof cur - 1);
                if (*cur && strcmp(cur, "(none)") != 0)
                        return 0;
                strcpy(name, FALLBACK_HOSTNAME);
        }
        if (sethostname(name, strlen(name)) < 0)
                return log_warning_errno(errno, "pid1: unable to set the host name %s: %s", name, strerror(errno));
        log_info("pid1: host name %s", name);
        return 0;
}

static bool machine_id_valid(const char *s)
{
        size_t n = strlen(s);

        if (n != 32 || strspn(s, "0123456789abcdef") != 32)
                return false;
        return strspn(s, "0") != 32;
}

/* As systemd: a valid /etc/machine-id is kept; otherwise a random
 * (UUID v4) one is written there when it can be, or else to
 * /run/machine-id and bind-mounted read-only over /etc/machine-id, so the
 * boot has an ID and systemd-machine-id-commit.service can keep it later. */
static int machine_id_setup(void)
{
        unsigned char b[16];
        char id[64] = "", line[33 + 1];
        int fd, r;

        r = read_first_line("/etc/machine-id", id, sizeof id);
        if (r == 0 && machine_id_valid(id))
                return 0;
        /* A missing file or "uninitialized" is systemd's first boot, which
         * it marks in /run for ConditionFirstBoot= and generators; an
         * empty file asks only for a transient ID (machine-id(5)). */
        if ((r == -ENOENT && access("/etc/machine-id", F_OK) < 0) || (r == 0 && strcmp(id, "uninitialized") == 0))
                if ((mkdir("/run/systemd", 0755) == 0 || errno == EEXIST) &&
                    (fd = open("/run/systemd/first-boot", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0444)) >= 0)
                        close(fd);
        if (getrandom(b, sizeof b, 0) != (ssize_t) sizeof b)
                return log_error_errno(errno, "pid1: no random bytes for a machine ID: %s", strerror(errno));
        b[6] = (b[6] & 0x0F) | 0x40;
        b[8] = (b[8] & 0x3F) | 0x80;
        for (size_t i = 0; i < sizeof b; i++)
                snprintf(line + 2 * i, 3, "%02x", b[i]);
        line[32] = '\n';
        line[33] = 0;

        fd = open("/etc/machine-id", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0444);
        if (fd >= 0) {
                r = write(fd, line, 33) == 33 ? 0 : -EIO;
                close(fd);
                if (r == 0) {
                        log_info("pid1: new machine ID %.32s in /etc/machine-id", line);
                        return 0;
                }
        }
        fd = open("/run/machine-id", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0444);
        if (fd < 0)
                return log_error_errno(errno, "pid1: unable to write /run/machine-id: %s", strerror(errno));
        r = write(fd, line, 33) == 33 ? 0 : -EIO;
        close(fd);
        if (r < 0)
                return log_error_errno(r, "pid1: unable to write /run/machine-id");
        if (mount("/run/machine-id", "/etc/machine-id", NULL, MS_BIND, NULL) < 0)
                return log_error_errno(errno, "pid1: unable to mount /run/machine-id over /etc/machine-id: %s",
                                       strerror(errno));
        (void) mount(NULL, "/etc/machine-id", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
        log_info("pid1: transient machine ID %.32s (from /run/machine-id)", line);
        return 0;
}

/* The kernel's limit on open files per process (fs.nr_open). */
static int read_nr_open(rlim_t *ret)
{
        char buf[64];
        unsigned long long v;
        int r = read_first_line("/proc/sys/fs/nr_open", buf, sizeof buf);

        if (r < 0)
                return r;
        if (sscanf(buf, "%llu", &v) != 1 || v == 0)
                return -EINVAL;
        *ret = (rlim_t) v;
        return 0;
}

/* Raise the hard limit to fs.nr_open, as systemd does: services then get
 * LimitNOFILE= up to it (journald and logind ask 524288); without one they
 * get DefaultLimitNOFILE= (workers/exec_context.c), not this limit. weft
 * keeps the kernel's soft limit for itself. */
static int nofile_setup(void)
{
        struct rlimit rl;
        rlim_t max;
        int r = read_nr_open(&max);

        if (r < 0)
                return log_warning_errno(r, "pid1: unable to read fs.nr_open: %s", strerror(-r));
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return -errno;
        if (rl.rlim_max >= max)
                return 0;
        rl.rlim_max = max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                return log_warning_errno(errno, "pid1: unable to raise RLIMIT_NOFILE to %llu: %s",
                                         (unsigned long long) max, strerror(errno));
        return 0;
}

/* The kernel hands PID 1 HOME=/, TERM=linux and whatever KEY=VALUE words
 * of its command line it did not know; systemd starts from nothing but
 * PATH (and the locale, which weft does not read yet). */
static int environment_setup(void)
{
        if (clearenv() != 0 || setenv("PATH", DEFAULT_PATH, 1) < 0)
                return log_warning_errno(errno, "pid1: unable to set the environment: %s", strerror(errno));
        return 0;
}

int pid1_boot_setup(void)
{
        int (*const steps[])(void) = {
                dev_symlinks, loopback_up, hostname_setup, machine_id_setup, nofile_setup, environment_setup,
        };
        int r = 0;

        umask(0022);
        for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
                int k = steps[i]();
                if (k < 0 && r == 0)
                        r = k;
        }
        return r;
}
