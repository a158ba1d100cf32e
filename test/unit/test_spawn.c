/* Tests for spawn_process: what a spawned service sees (argv, environment,
 * fds, cwd, limits, credentials, signals) and how failures are reported.
 * Every child is reaped here by its pid; every wait is bounded. */
#include <errno.h>
#include <limits.h>
#include <grp.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "test/unit/test.h"
#include "workers/spawn.h"

#define WAIT_MS 10000

/* A heap request, as the scheduler would build it: fds 0..n_fds-1 all -1. */
static struct spawn_request *request_new(const char *path, const char *const *argv,
                                         const char *const *envp, unsigned n_fds)
{
        struct spawn_request *r = calloc(1, sizeof *r);
        CU_ASSERT_FATAL(r != NULL);
        r->path = strdup(path);
        for (; *argv; argv++)
                CU_ASSERT_FATAL(strv_extend(&r->argv, *argv) == 0);
        r->envp = calloc(1, sizeof(char *));
        CU_ASSERT_FATAL(r->envp != NULL);
        for (; envp && *envp; envp++)
                CU_ASSERT_FATAL(strv_extend(&r->envp, *envp) == 0);
        r->fds = malloc(n_fds * sizeof(int));
        CU_ASSERT_FATAL(r->path && r->fds);
        for (unsigned i = 0; i < n_fds; i++)
                r->fds[i] = -1;
        r->n_fds = n_fds;
        r->umask = 022;
        return r;
}

static struct spawn_request *sh_request(const char *script)
{
        return request_new("/bin/sh", (const char *const[]){ "sh", "-c", script, NULL }, NULL, 3);
}

/* Wait for pid for at most WAIT_MS; a child still running then is killed. */
static int wait_child(pid_t pid, int *ret_status)
{
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd >= 0) {
                struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
                int n = poll(&pfd, 1, WAIT_MS);
                close(pidfd);
                if (n == 0)
                        kill(pid, SIGKILL);
        }
        int status;
        pid_t r;
        do
                r = waitpid(pid, &status, 0);
        while (r < 0 && errno == EINTR);
        if (r != pid)
                return -errno;
        *ret_status = status;
        return 0;
}

static int exit_code(pid_t pid)
{
        int status = 0;
        CU_ASSERT_FATAL(wait_child(pid, &status) == 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Read fd until EOF (or WAIT_MS without data) into buf, NUL-terminated. */
static void read_all(int fd, char *buf, size_t size)
{
        size_t got = 0;
        for (;;) {
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                if (poll(&pfd, 1, WAIT_MS) <= 0)
                        break;
                ssize_t n = read(fd, buf + got, size - 1 - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                got += (size_t)n;
                if (got == size - 1)
                        break;
        }
        buf[got] = 0;
}

/* Run req with its fd 1 on a pipe; return spawn_process's result, the
 * child's output and its exit code. */
static int run_capture(struct spawn_request *req, char *out, size_t size, int *ret_code)
{
        int p[2];
        pid_t pid = -1;
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
        req->fds[1] = p[1];
        int r = spawn_process(req, &pid, NULL);
        close(p[1]);
        read_all(p[0], out, size);
        close(p[0]);
        CU_ASSERT_FATAL(pid > 0);
        *ret_code = exit_code(pid);
        return r;
}

/* A child held alive: /bin/cat with fd 0 and fd 1 on pipes. It has echoed
 * one line back, so it is past its start-up and sits in read(). */
struct held {
        pid_t pid;
        int in_w, out_r;
};

static void hold_start(struct spawn_request *req, struct held *h)
{
        int in[2], out[2];
        char buf[8];
        CU_ASSERT_FATAL(pipe2(in, O_CLOEXEC) == 0);
        CU_ASSERT_FATAL(pipe2(out, O_CLOEXEC) == 0);
        req->fds[0] = in[0];
        req->fds[1] = out[1];
        int r = spawn_process(req, &h->pid, NULL);
        close(in[0]);
        close(out[1]);
        h->in_w = in[1];
        h->out_r = out[0];
        CU_ASSERT_FATAL(r == 0);
        CU_ASSERT_FATAL(write(h->in_w, "x\n", 2) == 2);
        struct pollfd pfd = { .fd = h->out_r, .events = POLLIN };
        CU_ASSERT_FATAL(poll(&pfd, 1, WAIT_MS) == 1);
        CU_ASSERT_FATAL(read(h->out_r, buf, sizeof buf) == 2);
}

static void hold_end(struct held *h)
{
        close(h->in_w);
        CU_ASSERT_EQUAL(exit_code(h->pid), 0);
        close(h->out_r);
}

static struct spawn_request *cat_request(unsigned n_fds)
{
        return request_new("/bin/cat", (const char *const[]){ "cat", NULL }, NULL, n_fds);
}

/* The value of "Key:" in /proc/pid/status, e.g. "0000000000000000". */
static void proc_status(pid_t pid, const char *key, char *val, size_t size)
{
        char path[64], line[256];
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
        FILE *f = fopen(path, "re");
        CU_ASSERT_FATAL(f != NULL);
        val[0] = 0;
        while (fgets(line, sizeof line, f))
                if (strncmp(line, key, strlen(key)) == 0) {
                        char *v = line + strlen(key) + strspn(line + strlen(key), " \t");
                        v[strcspn(v, "\n")] = 0;
                        snprintf(val, size, "%s", v);
                }
        fclose(f);
}

/* What /proc/pid/fd/fd points to ("pipe:[123]", "/dev/null"). */
static void fd_target(pid_t pid, int fd, char *buf, size_t size)
{
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
        ssize_t n = readlink(path, buf, size - 1);
        buf[n < 0 ? 0 : n] = 0;
}

static void test_argv_and_envp_reach_child(void)
{
        struct spawn_request *req = request_new(
                "/bin/sh",
                (const char *const[]){ "sh", "-c", "printf '%s|%s|%s' \"$0\" \"$1\" \"$FOO\"", "zero", "one two", NULL },
                (const char *const[]){ "FOO=bar baz", NULL }, 3);
        char out[256];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_EQUAL(code, 0);
        CU_ASSERT_STRING_EQUAL(out, "zero|one two|bar baz");
        spawn_request_free(req);
}

static void test_environment_is_exactly_envp(void)
{
        setenv("WEFT_TEST_PARENT_ONLY", "1", 1);
        struct spawn_request *req = request_new("/usr/bin/env", (const char *const[]){ "env", NULL },
                                                (const char *const[]){ "A=1", "B=2", NULL }, 3);
        char out[256];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_EQUAL(code, 0);
        CU_ASSERT_STRING_EQUAL(out, "A=1\nB=2\n");
        unsetenv("WEFT_TEST_PARENT_ONLY");
        spawn_request_free(req);
}

static void test_child_has_exactly_mapped_fds_open(void)
{
        int leaked = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
        int extra = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        CU_ASSERT_FATAL(leaked >= 0 && extra >= 0);
        struct spawn_request *req = cat_request(4);
        req->fds[3] = extra;
        struct held h;
        hold_start(req, &h);

        char path[64];
        snprintf(path, sizeof path, "/proc/%d/fd", (int)h.pid);
        unsigned seen = 0, count = 0;
        for (int fd = 0; fd < 1024; fd++) {
                char target[256];
                fd_target(h.pid, fd, target, sizeof target);
                if (!target[0])
                        continue;
                count++;
                if (fd < 4)
                        seen |= 1u << fd;
        }
        CU_ASSERT_EQUAL(seen, 0xf);
        CU_ASSERT_EQUAL(count, 4);
        char target[256];
        fd_target(h.pid, 3, target, sizeof target);
        CU_ASSERT_STRING_EQUAL(target, "/dev/zero");

        hold_end(&h);
        close(leaked);
        close(extra);
        spawn_request_free(req);
}

static void test_fd_map_swaps_sources_without_clobbering(void)
{
        int a[2], b[2];
        CU_ASSERT_FATAL(pipe2(a, O_CLOEXEC) == 0);
        CU_ASSERT_FATAL(pipe2(b, O_CLOEXEC) == 0);
        /* Map a's read end to b's number and b's to a's: both sources lie
         * inside 0..n_fds-1, so a naive dup2 loop would lose one. */
        int hi = a[0] > b[0] ? a[0] : b[0];
        struct spawn_request *req = cat_request((unsigned)hi + 1);
        req->fds[a[0]] = b[0];
        req->fds[b[0]] = a[0];
        struct held h;
        hold_start(req, &h);

        char child_at_a[64], child_at_b[64], parent_a[64], parent_b[64];
        fd_target(h.pid, a[0], child_at_a, sizeof child_at_a);
        fd_target(h.pid, b[0], child_at_b, sizeof child_at_b);
        fd_target(getpid(), a[0], parent_a, sizeof parent_a);
        fd_target(getpid(), b[0], parent_b, sizeof parent_b);
        CU_ASSERT_STRING_EQUAL(child_at_a, parent_b);
        CU_ASSERT_STRING_EQUAL(child_at_b, parent_a);

        hold_end(&h);
        close(a[0]), close(a[1]), close(b[0]), close(b[1]);
        spawn_request_free(req);
}

static void test_unmapped_fd_is_dev_null(void)
{
        struct spawn_request *req = cat_request(3);
        struct held h;
        hold_start(req, &h);
        char target[256];
        fd_target(h.pid, 2, target, sizeof target);
        CU_ASSERT_STRING_EQUAL(target, "/dev/null");
        hold_end(&h);
        spawn_request_free(req);
}

static void test_listen_pid_is_child_pid(void)
{
        struct spawn_request *req = request_new(
                "/bin/sh", (const char *const[]){ "sh", "-c", "echo \"$LISTEN_PID $$ $LISTEN_FDS\"", NULL },
                (const char *const[]){ "LISTEN_FDS=1", "LISTEN_PID=", NULL }, 3);
        int p[2];
        pid_t pid = 0;
        char out[128], want[128];
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
        req->fds[1] = p[1];
        CU_ASSERT_EQUAL(spawn_process(req, &pid, NULL), 0);
        close(p[1]);
        read_all(p[0], out, sizeof out);
        close(p[0]);
        CU_ASSERT_FATAL(pid > 0);
        CU_ASSERT_EQUAL(exit_code(pid), 0);
        snprintf(want, sizeof want, "%d %d 1\n", (int)pid, (int)pid);
        CU_ASSERT_STRING_EQUAL(out, want);
        /* The request stays as queued: it may be spawned again. */
        CU_ASSERT_STRING_EQUAL(req->envp[1], "LISTEN_PID=");
        spawn_request_free(req);
}

static void test_cwd_is_applied(void)
{
        const char *dir = test_tmpdir();
        struct spawn_request *req = sh_request("pwd");
        req->cwd = strdup(dir);
        char out[512], want[512];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_EQUAL(code, 0);
        snprintf(want, sizeof want, "%s\n", dir);
        CU_ASSERT_STRING_EQUAL(out, want);
        spawn_request_free(req);
}

static void test_default_cwd_is_root(void)
{
        struct spawn_request *req = sh_request("pwd");
        char out[512];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_STRING_EQUAL(out, "/\n");
        spawn_request_free(req);
}

/* A manager already in "/" sends a child without WorkingDirectory= no
 * chdir (exec_manager_ids' cwd_is_root): the child stays where it is. */
static void test_cwd_already_there_is_not_changed(void)
{
        struct spawn_request *req = sh_request("pwd");
        char out[512], here[PATH_MAX];
        int code;
        CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(here, sizeof here));
        req->cwd_is_there = true;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        strcat(here, "\n");
        CU_ASSERT_STRING_EQUAL(out, here);
        spawn_request_free(req);
}

static void test_missing_cwd_fails_with_enoent(void)
{
        char missing[512];
        snprintf(missing, sizeof missing, "%s/missing", test_tmpdir());
        struct spawn_request *req = sh_request("pwd");
        req->cwd = strdup(missing);
        char out[512];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), -ENOENT);
        CU_ASSERT_EQUAL(code, 200); /* systemd's EXIT_CHDIR */
        CU_ASSERT_STRING_EQUAL(out, "");
        spawn_request_free(req);
}

static void test_missing_cwd_ok_runs_in_root(void)
{
        char missing[512];
        snprintf(missing, sizeof missing, "%s/missing", test_tmpdir());
        struct spawn_request *req = sh_request("pwd");
        req->cwd = strdup(missing);
        req->cwd_missing_ok = true;
        char out[512];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_EQUAL(code, 0);
        CU_ASSERT_STRING_EQUAL(out, "/\n");
        spawn_request_free(req);
}

static void test_umask_is_applied(void)
{
        struct spawn_request *req = sh_request("umask");
        req->umask = 0077;
        char out[64];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_STRING_EQUAL(out, "0077\n");
        spawn_request_free(req);
}

static void test_rlimit_nofile_is_applied(void)
{
        struct spawn_request *req = sh_request("ulimit -n; ulimit -H -n");
        req->rlimits[RLIMIT_NOFILE] = (struct rlimit){ .rlim_cur = 64, .rlim_max = 128 };
        req->rlimit_set = 1u << RLIMIT_NOFILE;
        char out[64];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_STRING_EQUAL(out, "64\n128\n");
        spawn_request_free(req);
}

static void test_nice_is_applied(void)
{
        struct spawn_request *req = request_new("/usr/bin/nice", (const char *const[]){ "nice", NULL }, NULL, 3);
        req->nice_set = true;
        req->nice = 7;
        char out[64];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_STRING_EQUAL(out, "7\n");
        spawn_request_free(req);
}

static void test_oom_score_adjust_is_applied(void)
{
        struct spawn_request *req = request_new("/bin/cat", (const char *const[]){ "cat", "/proc/self/oom_score_adj", NULL },
                                                NULL, 3);
        req->oom_score_adjust_set = true;
        req->oom_score_adjust = 345;
        char out[64];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_STRING_EQUAL(out, "345\n");
        spawn_request_free(req);
}

static void test_new_session_makes_session_leader(void)
{
        struct spawn_request *req = cat_request(3);
        req->new_session = true;
        struct held h;
        hold_start(req, &h);
        CU_ASSERT_EQUAL(getsid(h.pid), h.pid);
        CU_ASSERT_EQUAL(getpgid(h.pid), h.pid);
        hold_end(&h);
        spawn_request_free(req);
}

static void test_without_new_session_shares_our_session(void)
{
        struct spawn_request *req = cat_request(3);
        struct held h;
        hold_start(req, &h);
        CU_ASSERT_EQUAL(getsid(h.pid), getsid(0));
        hold_end(&h);
        spawn_request_free(req);
}

static void test_credentials_drop_to_nobody(void)
{
        if (geteuid() != 0)
                return; /* needs root to change user */
        struct spawn_request *req = sh_request("echo $(id -u) $(id -g) $(id -G)");
        req->set_credentials = true;
        req->uid = 65534;
        req->gid = 65534;
        req->groups = malloc(2 * sizeof(gid_t));
        CU_ASSERT_FATAL(req->groups != NULL);
        req->groups[0] = 65534;
        req->groups[1] = 4242;
        req->n_groups = 2;
        char out[128];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_EQUAL(code, 0);
        CU_ASSERT_STRING_EQUAL(out, "65534 65534 65534 4242\n");
        /* Only the child changed user. */
        CU_ASSERT_EQUAL(geteuid(), 0);
        spawn_request_free(req);
}

static void test_missing_program_reports_enoent_with_exited_child(void)
{
        struct spawn_request *req = request_new("/nonexistent/weft-test-program",
                                                (const char *const[]){ "x", NULL }, NULL, 3);
        pid_t pid = 0;
        uint64_t stamp = 42;
        CU_ASSERT_EQUAL(spawn_process(req, &pid, &stamp), -ENOENT);
        CU_ASSERT_FATAL(pid > 0);
        CU_ASSERT_EQUAL(exit_code(pid), 203); /* systemd's EXIT_EXEC */
        CU_ASSERT_EQUAL(stamp, 42); /* written only on success */
        spawn_request_free(req);
}

static void test_non_executable_file_reports_eacces_with_exit_exec(void)
{
        const char *file = test_write_file(test_tmpdir(), "script", "#!/bin/sh\necho hi\n");
        char path[512];
        snprintf(path, sizeof path, "%s", file);
        chmod(path, 0644);
        struct spawn_request *req = request_new(path, (const char *const[]){ "script", NULL }, NULL, 3);
        pid_t pid = 0;
        CU_ASSERT_EQUAL(spawn_process(req, &pid, NULL), -EACCES);
        CU_ASSERT_FATAL(pid > 0);
        CU_ASSERT_EQUAL(exit_code(pid), 203);
        spawn_request_free(req);
}

static void test_failing_setup_step_reports_its_errno(void)
{
        /* A soft limit above the hard one: setrlimit fails with EINVAL. */
        struct spawn_request *req = sh_request("echo ran");
        req->rlimits[RLIMIT_CORE] = (struct rlimit){ .rlim_cur = 100, .rlim_max = 10 };
        req->rlimit_set = 1u << RLIMIT_CORE;
        char out[64];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), -EINVAL);
        CU_ASSERT_EQUAL(code, 205); /* systemd's EXIT_LIMITS */
        CU_ASSERT_STRING_EQUAL(out, "");
        spawn_request_free(req);
}

static void test_failed_step_is_logged_by_name_with_the_program(void)
{
        struct spawn_request *req = sh_request("echo ran");
        req->unit_id = strdup("x.service");
        req->rlimits[RLIMIT_CORE] = (struct rlimit){ .rlim_cur = 100, .rlim_max = 10 };
        req->rlimit_set = 1u << RLIMIT_CORE;
        char *log = NULL, out[64];
        size_t log_len = 0;
        int code;
        FILE *sink = open_memstream(&log, &log_len);
        CU_ASSERT_FATAL(sink != NULL);
        log_set_sink(sink);
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), -EINVAL);
        log_set_sink(NULL);
        fclose(sink);
        CU_ASSERT_EQUAL(code, 205);
        CU_ASSERT_PTR_NOT_NULL(strstr(log, "x.service: Failed at step LIMITS spawning /bin/sh: Invalid argument"));
        free(log);
        spawn_request_free(req);
}

/* ---- settings a container forbids: adapted as systemd does, not fatal ---- */

/* Run req in a throw-away process that lowered its own hard limits as
 * given and then dropped to nobody, so it has no CAP_SYS_RESOURCE or
 * CAP_SYS_NICE, as a service manager in a container has none. Writes the
 * child's stdout to out. Returns spawn_process's result (0 when the child
 * ran), or 1000 + the child's exit code when it ran but failed, or -1000
 * when privileges could not be dropped here (nothing to test). */
static int run_unprivileged(struct spawn_request *req, int lowered, const struct rlimit *lowered_to, char *out,
                            size_t size)
{
        int p[2];
        CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
        pid_t helper = fork();
        CU_ASSERT_FATAL(helper >= 0);
        if (helper == 0) {
                pid_t pid = 0;
                int status = 0;
                close(p[0]);
                if (geteuid() != 0 || (lowered >= 0 && setrlimit(lowered, lowered_to) < 0) ||
                    setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
                        _exit(99);
                req->fds[1] = p[1];
                int r = spawn_process(req, &pid, NULL);
                close(p[1]);
                if (pid <= 0 || waitpid(pid, &status, 0) != pid)
                        _exit(98);
                if (r < 0)
                        _exit(-r > 90 ? 97 : -r);
                _exit(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 96);
        }
        close(p[1]);
        read_all(p[0], out, size);
        close(p[0]);
        int code = exit_code(helper);
        return code == 99 ? -1000 : code == 0 ? 0 : code < 90 ? -code : 1000 + code;
}

static void test_limit_above_our_hard_limit_is_clamped_to_it(void)
{
        struct spawn_request *req = sh_request("ulimit -n; ulimit -H -n");
        req->rlimits[RLIMIT_NOFILE] = (struct rlimit){ .rlim_cur = 524288, .rlim_max = 524288 };
        req->rlimit_set = 1u << RLIMIT_NOFILE;
        char out[64];
        int r = run_unprivileged(req, RLIMIT_NOFILE, &(struct rlimit){ 256, 256 }, out, sizeof out);
        if (r != -1000) {
                CU_ASSERT_EQUAL(r, 0); /* was 205 LIMITS: Operation not permitted */
                CU_ASSERT_STRING_EQUAL(out, "256\n256\n");
        }
        spawn_request_free(req);
}

static void test_soft_limit_below_our_hard_limit_survives_the_clamp(void)
{
        struct spawn_request *req = sh_request("ulimit -n; ulimit -H -n");
        req->rlimits[RLIMIT_NOFILE] = (struct rlimit){ .rlim_cur = 100, .rlim_max = 524288 };
        req->rlimit_set = 1u << RLIMIT_NOFILE;
        char out[64];
        int r = run_unprivileged(req, RLIMIT_NOFILE, &(struct rlimit){ 256, 256 }, out, sizeof out);
        if (r != -1000) {
                CU_ASSERT_EQUAL(r, 0);
                CU_ASSERT_STRING_EQUAL(out, "100\n256\n");
        }
        spawn_request_free(req);
}

static void test_oom_score_adjust_not_permitted_is_skipped(void)
{
        struct spawn_request *req = request_new("/bin/cat", (const char *const[]){ "cat", "/proc/self/oom_score_adj", NULL },
                                                NULL, 3);
        req->oom_score_adjust_set = true;
        req->oom_score_adjust = -900; /* below ours: needs CAP_SYS_RESOURCE */
        char out[64], ours[64] = "";
        FILE *f = fopen("/proc/self/oom_score_adj", "r");
        CU_ASSERT_FATAL(f && fgets(ours, sizeof ours, f));
        fclose(f);
        int r = run_unprivileged(req, -1, NULL, out, sizeof out);
        if (r != -1000 && atoi(ours) > -900) {
                CU_ASSERT_EQUAL(r, 0); /* was 206 OOM_ADJUST: Permission denied */
                CU_ASSERT_STRING_EQUAL(out, ours);
        }
        spawn_request_free(req);
}

static void test_nice_below_what_rlimit_nice_allows_is_clamped(void)
{
        struct spawn_request *req = request_new("/usr/bin/nice", (const char *const[]){ "nice", NULL }, NULL, 3);
        struct rlimit rl;
        req->nice_set = true;
        req->nice = -10;
        errno = 0;
        int ours = getpriority(PRIO_PROCESS, 0);
        CU_ASSERT_FATAL(errno == 0 && getrlimit(RLIMIT_NICE, &rl) == 0);
        /* RLIMIT_NICE r allows nice levels down to 20 - r (19 for 0 and 1). */
        int lowest = rl.rlim_cur <= 1 ? 19 : rl.rlim_cur >= 40 ? -20 : 20 - (int)rl.rlim_cur;
        char out[64], want[16];
        snprintf(want, sizeof want, "%d\n", ours > lowest ? lowest : ours);
        int r = run_unprivileged(req, -1, NULL, out, sizeof out);
        if (r != -1000 && lowest > -10) {
                CU_ASSERT_EQUAL(r, 0); /* was 201 NICE: Permission denied */
                CU_ASSERT_STRING_EQUAL(out, want);
        }
        spawn_request_free(req);
}

static void test_request_without_stdio_is_rejected_without_child(void)
{
        struct spawn_request *req = request_new("/bin/true", (const char *const[]){ "true", NULL }, NULL, 2);
        pid_t pid = -1;
        CU_ASSERT_EQUAL(spawn_process(req, &pid, NULL), -EINVAL);
        CU_ASSERT_EQUAL(pid, 0);
        spawn_request_free(req);
}

static void test_free_closes_fds_only_when_owned(void)
{
        int kept = open("/dev/null", O_RDONLY | O_CLOEXEC);
        int owned = open("/dev/null", O_RDONLY | O_CLOEXEC);
        CU_ASSERT_FATAL(kept >= 0 && owned >= 0);
        struct spawn_request *req = cat_request(3);
        req->fds[0] = kept;
        spawn_request_free(req);
        CU_ASSERT(fcntl(kept, F_GETFD) >= 0);

        req = cat_request(3);
        req->fds[1] = owned;
        req->owns_fds = true;
        spawn_request_free(req);
        CU_ASSERT(fcntl(owned, F_GETFD) < 0 && errno == EBADF);
        close(kept);
}

static void test_exec_stamp_is_monotonic_time_of_spawn(void)
{
        struct spawn_request *req = request_new("/bin/true", (const char *const[]){ "true", NULL }, NULL, 3);
        struct timespec ts;
        pid_t pid = 0;
        uint64_t stamp = 0;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t before = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
        CU_ASSERT_EQUAL(spawn_process(req, &pid, &stamp), 0);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t after = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
        CU_ASSERT(stamp >= before && stamp <= after);
        CU_ASSERT_FATAL(pid > 0);
        CU_ASSERT_EQUAL(exit_code(pid), 0);
        spawn_request_free(req);
}

static void test_child_has_empty_mask_and_default_dispositions(void)
{
        sigset_t block, saved;
        struct sigaction ign = { .sa_handler = SIG_IGN }, old_usr2, old_pipe;
        sigemptyset(&block);
        sigaddset(&block, SIGTERM);
        sigaddset(&block, SIGCHLD);
        sigaddset(&block, SIGRTMIN + 2);
        pthread_sigmask(SIG_BLOCK, &block, &saved);
        sigaction(SIGUSR2, &ign, &old_usr2);
        sigaction(SIGPIPE, &ign, &old_pipe);
        spawn_reset_inherited_signals(); /* what weft's first spawn does */

        struct spawn_request *req = cat_request(3);
        struct held h;
        hold_start(req, &h);
        char blk[64], ignored[64], caught[64];
        proc_status(h.pid, "SigBlk:", blk, sizeof blk);
        proc_status(h.pid, "SigIgn:", ignored, sizeof ignored);
        proc_status(h.pid, "SigCgt:", caught, sizeof caught);
        hold_end(&h);

        sigaction(SIGPIPE, &old_pipe, NULL);
        sigaction(SIGUSR2, &old_usr2, NULL);
        pthread_sigmask(SIG_SETMASK, &saved, NULL);
        CU_ASSERT_STRING_EQUAL(blk, "0000000000000000");
        CU_ASSERT_STRING_EQUAL(ignored, "0000000000000000");
        CU_ASSERT_STRING_EQUAL(caught, "0000000000000000");
        spawn_request_free(req);
}

static void test_ignore_sigpipe_ignores_only_sigpipe(void)
{
        struct sigaction ign = { .sa_handler = SIG_IGN }, old_usr2;
        sigaction(SIGUSR2, &ign, &old_usr2);
        spawn_reset_inherited_signals();
        struct spawn_request *req = cat_request(3);
        req->ignore_sigpipe = true;
        struct held h;
        hold_start(req, &h);
        char ignored[64], want[64];
        proc_status(h.pid, "SigIgn:", ignored, sizeof ignored);
        hold_end(&h);
        sigaction(SIGUSR2, &old_usr2, NULL);
        snprintf(want, sizeof want, "%016llx", 1ULL << (SIGPIPE - 1));
        CU_ASSERT_STRING_EQUAL(ignored, want);
        spawn_request_free(req);
}

/* Run in a throw-away process that is not root and may own no further
 * process: the clone itself must fail, with no child to report. */
static void test_fork_failure_reports_eagain_without_pid(void)
{
        if (geteuid() != 0)
                return; /* needs root to switch to an unprivileged user */
        pid_t helper = fork();
        CU_ASSERT_FATAL(helper >= 0);
        if (helper == 0) {
                struct rlimit none = { 0, 0 };
                if (setrlimit(RLIMIT_NPROC, &none) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
                        _exit(3);
                struct spawn_request *req = request_new("/bin/true", (const char *const[]){ "true", NULL },
                                                        NULL, 3);
                pid_t pid = -1;
                int r = spawn_process(req, &pid, NULL);
                spawn_request_free(req);
                _exit(r == -EAGAIN && pid == 0 ? 0 : r == 0 ? 4 : 5);
        }
        int code = exit_code(helper);
        if (code == 3)
                return; /* could not drop privileges here; nothing to test */
        CU_ASSERT_EQUAL(code, 0);
}

/* ---- RuntimeDirectory=, StateDirectory=... made in the child ---- */

static void add_dir(struct spawn_request *req, const char *path, mode_t mode, int status, bool keep)
{
        req->dirs = realloc(req->dirs, (req->n_dirs + 1) * sizeof *req->dirs);
        CU_ASSERT_FATAL(req->dirs != NULL);
        req->dirs[req->n_dirs++] = (struct spawn_dir){ .path = strdup(path), .mode = mode, .status = status,
                                                       .keep_existing = keep };
}

static void test_exec_dirs_are_made_with_parents_mode_and_owner_before_chdir(void)
{
        char tmp[256], a[512], b[512], parent[512];
        snprintf(tmp, sizeof tmp, "%s", test_tmpdir());
        snprintf(a, sizeof a, "%s/xd/a", tmp);
        snprintf(parent, sizeof parent, "%s/xd/p", tmp);
        snprintf(b, sizeof b, "%s/xd/p/q/b", tmp);
        struct spawn_request *req = sh_request("pwd");
        req->umask = 0077; /* the mode is exact whatever the umask */
        req->dirs_uid = geteuid() == 0 ? 65534 : geteuid();
        req->dirs_gid = geteuid() == 0 ? 65534 : getegid();
        add_dir(req, a, 0750, 238, false);
        add_dir(req, b, 0711, 233, false);
        req->cwd = strdup(b); /* WorkingDirectory= may be one of them */
        char out[512], want[600];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        CU_ASSERT_EQUAL(code, 0);
        snprintf(want, sizeof want, "%s\n", b);
        CU_ASSERT_STRING_EQUAL(out, want);
        struct stat st;
        CU_ASSERT_FATAL(stat(a, &st) == 0);
        CU_ASSERT_EQUAL(st.st_mode & 07777, 0750);
        CU_ASSERT_EQUAL(st.st_uid, req->dirs_uid);
        CU_ASSERT_EQUAL(st.st_gid, req->dirs_gid);
        CU_ASSERT_FATAL(stat(b, &st) == 0);
        CU_ASSERT_EQUAL(st.st_mode & 07777, 0711);
        CU_ASSERT_EQUAL(st.st_uid, req->dirs_uid);
        /* Parents are made 0755 under the umask and stay the manager's. */
        CU_ASSERT_FATAL(stat(parent, &st) == 0);
        CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
        CU_ASSERT_EQUAL(st.st_uid, geteuid());
        spawn_request_free(req);
}

static void test_existing_configuration_dir_keeps_its_mode_others_are_fixed(void)
{
        char tmp[256], cfg[512], st_dir[512];
        snprintf(tmp, sizeof tmp, "%s", test_tmpdir());
        snprintf(cfg, sizeof cfg, "%s/cfg", tmp);
        snprintf(st_dir, sizeof st_dir, "%s/state", tmp);
        CU_ASSERT_FATAL(mkdir(cfg, 0700) == 0 && mkdir(st_dir, 0700) == 0);
        struct spawn_request *req = sh_request("true");
        req->dirs_uid = geteuid();
        req->dirs_gid = getegid();
        add_dir(req, cfg, 0755, 241, true);
        add_dir(req, st_dir, 0755, 238, false);
        char out[64];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        struct stat st;
        CU_ASSERT(stat(cfg, &st) == 0 && (st.st_mode & 07777) == 0700);
        CU_ASSERT(stat(st_dir, &st) == 0 && (st.st_mode & 07777) == 0755);
        spawn_request_free(req);
}

static void test_exec_dir_under_a_file_fails_with_its_step(void)
{
        char tmp[256], file[512], dir[600];
        snprintf(tmp, sizeof tmp, "%s", test_tmpdir());
        snprintf(file, sizeof file, "%s", test_write_file(tmp, "blocker", "x"));
        snprintf(dir, sizeof dir, "%s/sub", file);
        struct spawn_request *req = sh_request("echo ran");
        req->unit_id = strdup("x.service");
        add_dir(req, dir, 0755, 233, false);
        char *log = NULL, out[64];
        size_t log_len = 0;
        int code;
        FILE *sink = open_memstream(&log, &log_len);
        CU_ASSERT_FATAL(sink != NULL);
        log_set_sink(sink);
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), -ENOTDIR);
        log_set_sink(NULL);
        fclose(sink);
        CU_ASSERT_EQUAL(code, 233); /* systemd's EXIT_RUNTIME_DIRECTORY */
        CU_ASSERT_STRING_EQUAL(out, "");
        CU_ASSERT_PTR_NOT_NULL(strstr(log, "x.service: Failed at step RUNTIME_DIRECTORY spawning /bin/sh: Not a directory"));
        free(log);
        spawn_request_free(req);
}

/* A directory with another owner is chowned with everything in it, links
 * themselves and not what they point to (systemd's path_chown_recursive). */
static void test_exec_dir_with_another_owner_is_chowned_recursively(void)
{
        if (geteuid() != 0)
                return; /* chown to another user needs root */
        char tmp[256], dir[512], outside[512], p[700];
        snprintf(tmp, sizeof tmp, "%s", test_tmpdir());
        snprintf(dir, sizeof dir, "%s/st", tmp);
        snprintf(outside, sizeof outside, "%s", test_write_file(tmp, "outside", "x"));
        CU_ASSERT_FATAL(mkdir(dir, 0755) == 0);
        test_write_file(dir, "a/b/c/file", "x");
        snprintf(p, sizeof p, "%s/a/link", dir);
        CU_ASSERT_FATAL(symlink(outside, p) == 0);
        struct spawn_request *req = sh_request("true");
        req->dirs_uid = 65534;
        req->dirs_gid = 65534;
        add_dir(req, dir, 0755, 238, false);
        char out[64];
        int code;
        CU_ASSERT_EQUAL(run_capture(req, out, sizeof out, &code), 0);
        struct stat st;
        const char *const inside[] = { "", "/a", "/a/b", "/a/b/c", "/a/b/c/file", "/a/link" };
        for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
                snprintf(p, sizeof p, "%s%s", dir, inside[i]);
                CU_ASSERT(lstat(p, &st) == 0 && st.st_uid == 65534 && st.st_gid == 65534);
        }
        CU_ASSERT(stat(outside, &st) == 0 && st.st_uid == 0);
        spawn_request_free(req);
}

static const struct test_case tests[] = {
        { "argv_and_envp_reach_child", test_argv_and_envp_reach_child },
        { "environment_is_exactly_envp", test_environment_is_exactly_envp },
        { "child_has_exactly_mapped_fds_open", test_child_has_exactly_mapped_fds_open },
        { "fd_map_swaps_sources_without_clobbering", test_fd_map_swaps_sources_without_clobbering },
        { "unmapped_fd_is_dev_null", test_unmapped_fd_is_dev_null },
        { "listen_pid_is_child_pid", test_listen_pid_is_child_pid },
        { "cwd_is_applied", test_cwd_is_applied },
        { "default_cwd_is_root", test_default_cwd_is_root },
        { "cwd_already_there_is_not_changed", test_cwd_already_there_is_not_changed },
        { "missing_cwd_fails_with_enoent", test_missing_cwd_fails_with_enoent },
        { "missing_cwd_ok_runs_in_root", test_missing_cwd_ok_runs_in_root },
        { "umask_is_applied", test_umask_is_applied },
        { "rlimit_nofile_is_applied", test_rlimit_nofile_is_applied },
        { "nice_is_applied", test_nice_is_applied },
        { "oom_score_adjust_is_applied", test_oom_score_adjust_is_applied },
        { "new_session_makes_session_leader", test_new_session_makes_session_leader },
        { "without_new_session_shares_our_session", test_without_new_session_shares_our_session },
        { "credentials_drop_to_nobody", test_credentials_drop_to_nobody },
        { "missing_program_reports_enoent_with_exited_child", test_missing_program_reports_enoent_with_exited_child },
        { "non_executable_file_reports_eacces_with_exit_exec", test_non_executable_file_reports_eacces_with_exit_exec },
        { "failing_setup_step_reports_its_errno", test_failing_setup_step_reports_its_errno },
        { "failed_step_is_logged_by_name_with_the_program", test_failed_step_is_logged_by_name_with_the_program },
        { "limit_above_our_hard_limit_is_clamped_to_it", test_limit_above_our_hard_limit_is_clamped_to_it },
        { "soft_limit_below_our_hard_limit_survives_the_clamp", test_soft_limit_below_our_hard_limit_survives_the_clamp },
        { "oom_score_adjust_not_permitted_is_skipped", test_oom_score_adjust_not_permitted_is_skipped },
        { "nice_below_what_rlimit_nice_allows_is_clamped", test_nice_below_what_rlimit_nice_allows_is_clamped },
        { "request_without_stdio_is_rejected_without_child", test_request_without_stdio_is_rejected_without_child },
        { "free_closes_fds_only_when_owned", test_free_closes_fds_only_when_owned },
        { "exec_stamp_is_monotonic_time_of_spawn", test_exec_stamp_is_monotonic_time_of_spawn },
        { "child_has_empty_mask_and_default_dispositions", test_child_has_empty_mask_and_default_dispositions },
        { "ignore_sigpipe_ignores_only_sigpipe", test_ignore_sigpipe_ignores_only_sigpipe },
        { "fork_failure_reports_eagain_without_pid", test_fork_failure_reports_eagain_without_pid },
        { "exec_dirs_are_made_with_parents_mode_and_owner_before_chdir", test_exec_dirs_are_made_with_parents_mode_and_owner_before_chdir },
        { "existing_configuration_dir_keeps_its_mode_others_are_fixed", test_existing_configuration_dir_keeps_its_mode_others_are_fixed },
        { "exec_dir_under_a_file_fails_with_its_step", test_exec_dir_under_a_file_fails_with_its_step },
        { "exec_dir_with_another_owner_is_chowned_recursively", test_exec_dir_with_another_owner_is_chowned_recursively },
        { 0 },
};
TEST_SUITE("spawn", tests);
