/* Generators; see generators.h. */
#include "core/generators.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sched.h>

#include "base/cpu_pin.h"
#include "base/log.h"
#include "base/sanitizer.h"
#include "base/macro.h"
#include "base/strv.h"
#include "core/event_queue.h"
#include "core/pid1.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define GENERATORS_MAX 256

const char *const generator_default_dirs[] = {
        "/run/systemd/system-generators",
        "/etc/systemd/system-generators",
        "/usr/local/lib/systemd/system-generators",
        "/lib/systemd/system-generators",
        "/usr/lib/systemd/system-generators",
        NULL,
};

static const char *const out_names[] = { "generator", "generator.early", "generator.late" };

struct generator {
        char *name;
        char *path;
        int pidfd;
        pid_t pid;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void) st;
        if (ftw->level == 0)
                return 0; /* the directory itself stays */
        if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
                log_warning_errno(errno, "generators: unable to remove %s: %s", path, strerror(errno));
        return 0;
}

/* Empty (or make) out_base/generator{,.early,.late}: a generator's output
 * of an earlier run must not outlive it. */
static int prepare_outputs(const char *out_base, char out[3][PATH_MAX])
{
        char dir[PATH_MAX];

        /* With its parents: weft's runtime directory may not exist yet. */
        if (snprintf(dir, sizeof dir, "%s/", out_base) >= (int) sizeof dir)
                return log_error_errno(-ENAMETOOLONG, "generators: output path too long: %s", out_base);
        for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
                *p = 0;
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return log_error_errno(errno, "generators: unable to create %s: %s", dir, strerror(errno));
                *p = '/';
        }
        for (size_t i = 0; i < ELEMENTSOF(out_names); i++) {
                snprintf(out[i], PATH_MAX, "%s/%s", out_base, out_names[i]);
                if (mkdir(out[i], 0755) < 0) {
                        if (errno != EEXIST)
                                return log_error_errno(errno, "generators: unable to create %s: %s", out[i],
                                                       strerror(errno));
                        (void) nftw(out[i], rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
                }
        }
        return 0;
}

static int by_name(const void *a, const void *b)
{
        return strcmp(((const struct generator *) a)->name, ((const struct generator *) b)->name);
}

static bool known(const struct generator *g, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(g[i].name, name) == 0)
                        return true;
        return false;
}

/* Every generator, sorted by name; the first directory holding a name
 * wins, and a name linked to /dev/null (or an empty file) masks it. */
static int collect(const char *const *dirs, struct generator *g, size_t *n)
{
        for (size_t d = 0; dirs[d]; d++) {
                DIR *dir = opendir(dirs[d]);
                struct dirent *de;

                if (!dir) {
                        if (errno != ENOENT)
                                log_warning_errno(errno, "generators: unable to read %s: %s", dirs[d],
                                                  strerror(errno));
                        continue;
                }
                while ((de = readdir(dir))) {
                        char path[PATH_MAX], target[16];
                        struct stat st;
                        ssize_t l;
                        bool masked;

                        if (de->d_name[0] == '.' || known(g, *n, de->d_name))
                                continue;
                        if (snprintf(path, sizeof path, "%s/%s", dirs[d], de->d_name) >= (int) sizeof path)
                                continue;
                        l = readlink(path, target, sizeof target - 1);
                        masked = l == 9 && memcmp(target, "/dev/null", 9) == 0;
                        if (!masked && (stat(path, &st) < 0 || !S_ISREG(st.st_mode)))
                                continue;
                        masked = masked || st.st_size == 0;
                        if (!masked && access(path, X_OK) < 0) {
                                log_warning("generators: %s is not executable, skipped", path);
                                continue;
                        }
                        if (*n == GENERATORS_MAX) {
                                log_warning("generators: more than %d, %s skipped", GENERATORS_MAX, path);
                                continue;
                        }
                        g[*n].name = strdup(de->d_name);
                        g[*n].path = masked ? NULL : strdup(path);
                        if (!g[*n].name || (!masked && !g[*n].path)) {
                                free(g[*n].name);
                                free(g[*n].path);
                                closedir(dir);
                                return -ENOMEM;
                        }
                        g[*n].pidfd = -1;
                        (*n)++;
                }
                closedir(dir);
        }
        qsort(g, *n, sizeof *g, by_name);
        return 0;
}

/* systemd's names for the container managers it knows (virt.c); any
 * other $container is "container-other" to it. */
static const char *const known_containers[] = {
        "lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "rkt", "wsl", "proot", "pouch",
};

/* In a container: $container, or what PID 1 wrote to
 * /run/systemd/container (pid1_container_setup) before it cleared its
 * environment, as systemd names it. */
static const char *container_virtualization(void)
{
        static char out[sizeof "container:" + 64];
        char buf[64] = "";
        const char *c = getenv("container");
        FILE *f;

        if (c && *c)
                snprintf(buf, sizeof buf, "%s", c);
        else if ((f = fopen("/run/systemd/container", "re"))) {
                if (!fgets(buf, sizeof buf, f))
                        buf[0] = 0;
                fclose(f);
                buf[strcspn(buf, "\n")] = 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(known_containers); i++)
                if (strcmp(buf, known_containers[i]) == 0) {
                        snprintf(out, sizeof out, "container:%s", buf);
                        return out;
                }
        return "container:container-other";
}

static const char *virtualization(void)
{
        char buf[128] = "";
        FILE *f;

        if (pid1_is_pid1() && pid1_in_container())
                return container_virtualization();
        /* The hypervisor bit and the DMI vendor, as systemd-detect-virt's first guesses. */
        f = fopen("/sys/class/dmi/id/sys_vendor", "re");
        if (f) {
                if (!fgets(buf, sizeof buf, f))
                        buf[0] = 0;
                fclose(f);
        }
        if (strncmp(buf, "QEMU", 4) == 0)
                return "vm:qemu";
        f = fopen("/proc/cpuinfo", "re");
        if (f) {
                char line[1024];
                bool hv = false;
                while (!hv && fgets(line, sizeof line, f))
                        hv = strncmp(line, "flags", 5) == 0 && strstr(line, " hypervisor");
                fclose(f);
                if (hv)
                        return "vm:vm-other";
        }
        return "none";
}

/* systemd's environment for generators, on top of weft's own PATH. */
static int build_env(char ***ret)
{
        char **env = NULL, buf[128];
        const char *path = getenv("PATH"), *virt = virtualization();
        struct stat st;
        int r = 0;

        r = strv_extend(&env, "SYSTEMD_SCOPE=system");
        if (r >= 0)
                r = strv_extend(&env, access("/etc/initrd-release", F_OK) == 0 ? "SYSTEMD_IN_INITRD=1"
                                                                               : "SYSTEMD_IN_INITRD=0");
        /* First boot: PID 1's marker (pid1_boot.c), else /etc/machine-id
         * missing (see machine-id(5)). */
        if (r >= 0)
                r = strv_extend(&env, access("/run/systemd/first-boot", F_OK) == 0 || stat("/etc/machine-id", &st) < 0
                                      ? "SYSTEMD_FIRST_BOOT=1"
                                      : "SYSTEMD_FIRST_BOOT=0");
        if (r >= 0 && virt && strcmp(virt, "none") != 0) {
                snprintf(buf, sizeof buf, "SYSTEMD_VIRTUALIZATION=%s", virt);
                r = strv_extend(&env, buf);
        }
        if (r >= 0) {
#if defined(__x86_64__)
                r = strv_extend(&env, "SYSTEMD_ARCHITECTURE=x86-64");
#elif defined(__aarch64__)
                r = strv_extend(&env, "SYSTEMD_ARCHITECTURE=arm64");
#elif defined(__i386__)
                r = strv_extend(&env, "SYSTEMD_ARCHITECTURE=x86");
#endif
        }
        if (r >= 0) {
                char *p = NULL;
                if (asprintf(&p, "PATH=%s", path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") < 0)
                        r = -ENOMEM;
                else
                        r = strv_consume(&env, p);
        }
        if (r < 0) {
                strv_free(env);
                return r;
        }
        *ret = env;
        return 0;
}

/* The one stack the children use in turn: with CLONE_VFORK the next
 * clone waits until the last child exec'd. Enough for ASan's frames. */
#define CHILD_STACK_SIZE (256 * 1024)

struct child {
        const char *path;
        char **argv, **env;
};

/* In the child, until execve: async-signal-safe calls only, touching
 * nothing but its own stack (it shares weft's memory). */
static int child_main(void *arg)
{
        const struct child *c = arg;
        sigset_t none;
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

        cpu_pin_undo();
        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
        if (null >= 0)
                (void) dup2(null, STDIN_FILENO);
        execve(c->path, c->argv, c->env);
        _exit(127);
}

/* A child with a pidfd and no exit signal (see generators.h). It shares
 * weft's memory until it execs (CLONE_VM|CLONE_VFORK, as the workers'
 * children): a fork would copy weft's page tables once per generator, and
 * under emulation that was a tenth of weft's CPU in a VM boot
 * (bench/vm-bench.sh's profile mode). TSan builds fork. */
static int spawn(struct generator *g, char out[3][PATH_MAX], char **env, void *stack)
{
        int pidfd = -1;
        char *argv[] = { g->path, out[0], out[1], out[2], NULL };
        struct child c = { .path = g->path, .argv = argv, .env = env };
        long pid;

#ifdef WEFT_TSAN
        struct clone_args ca = {
                .flags = CLONE_PIDFD,
                .pidfd = (uint64_t) (uintptr_t) &pidfd,
                .exit_signal = 0,
        };
        (void) stack;
        pid = syscall(SYS_clone3, &ca, sizeof ca);
        if (pid == 0)
                child_main(&c);
#else
        /* No exit signal: the low byte of the flags is 0. The pidfd comes
         * back through the parent_tid argument. */
        pid = clone(child_main, (char *) stack + CHILD_STACK_SIZE, CLONE_VM | CLONE_VFORK | CLONE_PIDFD, &c,
                    &pidfd);
        int saved = errno;
        sanitizer_release_child_stack(stack, CHILD_STACK_SIZE);
        errno = saved;
#endif
        if (pid < 0)
                return -errno;
        g->pid = (pid_t) pid;
        g->pidfd = pidfd;
        return 0;
}

/* Reap g and log how it ended; 0 when it succeeded. */
static int reap(struct generator *g, bool killed, uint64_t timeout_usec)
{
        siginfo_t si = { 0 };
        int r;

        do
                r = waitid((idtype_t) P_PIDFD, (id_t) g->pidfd, &si, WEXITED | __WALL);
        while (r < 0 && errno == EINTR);
        close(g->pidfd);
        g->pidfd = -1;
        if (r < 0)
                return log_warning_errno(errno, "generators: unable to reap %s: %s", g->path, strerror(errno));
        if (killed) {
                log_error("generators: %s did not finish within %llu s, killed", g->path,
                          (unsigned long long) (timeout_usec / 1000000));
                return -ETIMEDOUT;
        }
        if (si.si_code == CLD_EXITED && si.si_status == 0)
                return 0;
        if (si.si_code == CLD_EXITED && si.si_status == 127)
                log_error("generators: %s could not be executed", g->path);
        else if (si.si_code == CLD_EXITED)
                log_error("generators: %s failed with exit status %d", g->path, si.si_status);
        else
                log_error("generators: %s was killed by signal %s", g->path, strsignal(si.si_status));
        return -EIO;
}

int generators_run(const char *const *dirs, const char *out_base, uint64_t timeout_usec)
{
        struct generator *g = calloc(GENERATORS_MAX, sizeof *g);
        struct pollfd *pfd = calloc(GENERATORS_MAX, sizeof *pfd);
        char out[3][PATH_MAX], **env = NULL;
        void *stack = NULL;
        size_t n = 0, running = 0;
        uint64_t start = now_usec(), deadline;
        int r, failed = 0;

        if (!g || !pfd) {
                r = -ENOMEM;
                goto out;
        }
        r = prepare_outputs(out_base, out);
        if (r < 0)
                goto out;
        r = collect(dirs, g, &n);
        if (r >= 0)
                r = build_env(&env);
        if (r < 0)
                goto out;
        stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED) {
                r = log_error_errno(errno, "generators: no stack for their children: %s", strerror(errno));
                stack = NULL;
                goto out;
        }
        for (size_t i = 0; i < n; i++) {
                if (!g[i].path)
                        continue; /* masked */
                r = spawn(&g[i], out, env, stack);
                if (r < 0) {
                        log_error_errno(r, "generators: unable to start %s: %s", g[i].path, strerror(-r));
                        failed++;
                        continue;
                }
                running++;
        }
        deadline = now_usec() + timeout_usec;
        while (running > 0) {
                size_t k = 0;
                uint64_t now = now_usec();
                uint64_t left_ms = now >= deadline ? 0 : (deadline - now + 999) / 1000;
                int ms = left_ms > INT_MAX ? INT_MAX : (int) left_ms;

                for (size_t i = 0; i < n; i++)
                        if (g[i].pidfd >= 0)
                                pfd[k++] = (struct pollfd){ .fd = g[i].pidfd, .events = POLLIN };
                r = poll(pfd, k, ms);
                if (r < 0 && errno != EINTR) {
                        r = log_error_errno(errno, "generators: poll failed: %s", strerror(errno));
                        ms = 0;
                }
                for (size_t i = 0, j = 0; i < n; i++) {
                        bool done, killed = false;

                        if (g[i].pidfd < 0)
                                continue;
                        done = pfd[j++].revents != 0;
                        if (!done && ms == 0) {
                                (void) syscall(SYS_pidfd_send_signal, g[i].pidfd, SIGKILL, NULL, 0);
                                killed = done = true;
                        }
                        if (!done)
                                continue;
                        if (reap(&g[i], killed, timeout_usec) < 0)
                                failed++;
                        running--;
                }
        }
        /* How long the boot waited for them (make bench-vm reads it). */
        log_info("generators: %zu ran, %d failed, in %llu ms", n, failed,
                 (unsigned long long) ((now_usec() - start) / 1000));
        r = failed;
out:
        for (size_t i = 0; g && i < n; i++) {
                free(g[i].name);
                free(g[i].path);
        }
        strv_free(env);
        free(g);
        free(pfd);
        if (stack)
                (void) munmap(stack, CHILD_STACK_SIZE);
        return r;
}
