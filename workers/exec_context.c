/* Turning a unit's execution settings into a complete spawn request; see
 * exec_context.h. Everything here runs on the scheduler thread: user
 * database look-ups (workers/exec_creds.c), EnvironmentFile= reads
 * (parse/env_file.c), opening the stdio files (workers/exec_stdio.c). This
 * file builds the environment and assembles the request. The child after
 * clone only applies what the request says. */
#include "workers/exec_context.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/env.h"
#include "parse/env_file.h"
#include "parse/exec_line.h"
#include "workers/exec_creds.h"
#include "workers/exec_credentials.h"
#include "workers/exec_dirs.h"
#include "workers/exec_sandbox.h"
#include "workers/exec_stdio.h"
#include "workers/exec_journal.h"
#include "workers/exec_tty.h"

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

#define DEFAULT_PATH      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- environment ---- */

/* Random bytes for invocation IDs, drawn from the kernel 16 IDs at a time
 * (a getrandom per spawn was one more system call on a unit's critical
 * path). Per thread, so it needs no lock. */
static __thread uint8_t random_pool[256];
static __thread size_t random_left;

static void random_bytes(uint8_t *b, size_t n)
{
        if (random_left < n) {
                ssize_t got = getrandom(random_pool, sizeof random_pool, GRND_INSECURE);
                if (got != (ssize_t) sizeof random_pool)
                        got = getrandom(random_pool, sizeof random_pool, GRND_NONBLOCK);
                if (got != (ssize_t) sizeof random_pool) {
                        struct timespec ts;
                        uint64_t x;
                        clock_gettime(CLOCK_MONOTONIC, &ts);
                        x = (uint64_t) ts.tv_nsec ^ ((uint64_t) ts.tv_sec << 30) ^ ((uint64_t) getpid() << 48);
                        for (size_t i = 0; i < sizeof random_pool; i++) {
                                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                                random_pool[i] = (uint8_t) (x >> 56);
                        }
                }
                random_left = sizeof random_pool;
        }
        random_left -= n;
        memcpy(b, random_pool + random_left, n);
        /* Never hand out the same bytes twice. */
        memset(random_pool + random_left, 0, n);
}

/* 128 random bits as 32 hex chars, shaped like systemd's (a v4 UUID). The
 * id needs to be unique, not secret, so early boot never waits for
 * entropy. */
static void invocation_id_generate(char ret[static 33])
{
        static const char hex[] = "0123456789abcdef";
        uint8_t b[16];

        random_bytes(b, sizeof b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        for (size_t i = 0; i < sizeof b; i++) {
                ret[2 * i] = hex[b[i] >> 4];
                ret[2 * i + 1] = hex[b[i] & 15];
        }
        ret[32] = 0;
}

/* One pass over every source into an indexed builder, so the cost is
 * linear in the number of assignments (B7: 100,000 Environment= lines). */
static int build_environment(const char *id, const struct exec_context *c, const struct exec_params *p,
                             const struct exec_creds *cr, char ***ret)
{
        struct env_builder env = { 0 };
        char **v = NULL, **defaults = NULL, invocation[33], num[32];
        char *const *block = p->manager_environment;
        int r = 0;

        if (!block && (r = exec_manager_environment_default(&defaults)) < 0)
                goto out;
        /* The lowest in priority: everything below may override it. */
        STRV_FOREACH(e, block ? block : defaults)
                if ((r = env_builder_put_copy(&env, *e)) < 0)
                        goto out;
        snprintf(num, sizeof num, "%ld", (long) exec_manager_ids()->pid);
        if ((r = env_builder_put_pair(&env, "MANAGERPID", num)) < 0)
                goto out;
        if (!p->invocation_id)
                invocation_id_generate(invocation);
        if ((r = env_builder_put_pair(&env, "INVOCATION_ID", p->invocation_id ? p->invocation_id : invocation)) < 0)
                goto out;
        if (cr->has_user) {
                if ((r = env_builder_put_pair(&env, "USER", cr->name)) < 0 ||
                    (r = env_builder_put_pair(&env, "LOGNAME", cr->name)) < 0 ||
                    (r = env_builder_put_pair(&env, "HOME", cr->home)) < 0 ||
                    (r = env_builder_put_pair(&env, "SHELL", cr->shell)) < 0)
                        goto out;
        }
        /* $RUNTIME_DIRECTORY...: the manager's, so Environment= may override them, as in systemd. */
        if ((r = exec_dirs_environment(c, &env)) < 0)
                goto out;
        if ((r = exec_credentials_environment(id, c, &env)) < 0)
                goto out;
        /* Passed variables yield to Environment= and EnvironmentFile= (systemd.exec(5)). */
        STRV_FOREACH(name, exec_extra(c)->pass_environment) {
                const char *val = getenv(*name);
                if (val && (r = env_builder_put_pair(&env, *name, val)) < 0)
                        goto out;
        }
        STRV_FOREACH(e, c->environment)
                if ((r = env_builder_put_copy(&env, *e)) < 0)
                        goto out;
        if ((r = env_file_load_all(id, c->environment_files, &env)) < 0)
                goto out;
        if (p->n_listen_fds > 0) {
                snprintf(num, sizeof num, "%u", p->n_listen_fds);
                if ((r = env_builder_put_pair(&env, "LISTEN_FDS", num)) < 0)
                        goto out;
                if (p->listen_fdnames && (r = env_builder_put_pair(&env, "LISTEN_FDNAMES", p->listen_fdnames)) < 0)
                        goto out;
        }
        if (p->listen_pid && (r = env_builder_put_copy(&env, "LISTEN_PID=")) < 0)
                goto out;
        STRV_FOREACH(e, p->extra_env)
                if ((r = env_builder_put_copy(&env, *e)) < 0)
                        goto out;
        v = env_builder_release(&env);
        /* The final step, which may undo any source above (systemd.exec(5)). */
        STRV_FOREACH(spec, exec_extra(c)->unset_environment)
                env_unset(v, *spec);
        if (!v && !(v = calloc(1, sizeof(char *)))) {
                r = -ENOMEM;
                goto out;
        }
        *ret = v;
        v = NULL;
out:
        if (r == -ENOMEM)
                log_error_errno(r, "%s: Failed to build the environment: %s", id, strerror(-r));
        env_builder_done(&env);
        strv_free(v);
        strv_free(defaults);
        return r;
}

int exec_manager_environment_default(char ***ret)
{
        const char *lang = getenv("LANG");
        char **v = NULL, *lang_env = NULL;

        /* LANG sorts before PATH, as systemd keeps the block sorted. */
        if (lang && (asprintf(&lang_env, "LANG=%s", lang) < 0 || strv_consume(&v, lang_env) < 0))
                return -ENOMEM;
        if (strv_extend(&v, "PATH=" DEFAULT_PATH) < 0) {
                strv_free(v);
                return -ENOMEM;
        }
        *ret = v;
        return 0;
}

int exec_build_environment(const struct unit *u, const struct exec_context *c, const struct exec_params *p,
                           char ***ret)
{
        const char *id = p->unit_id ? p->unit_id : u->id;
        struct exec_creds cr = { 0 };
        int r;

        r = exec_creds_resolve(id, c, &cr);
        if (r == 0)
                r = build_environment(id, c, p, &cr, ret);
        exec_creds_done(&cr);
        return r;
}

/* ---- the request ---- */

static int resolve_cwd(const char *id, const struct exec_context *c, const struct exec_creds *cr,
                       struct spawn_request *req)
{
        struct exec_creds root = { 0 };
        const char *dir = c->working_directory;
        int r = 0;

        req->cwd_missing_ok = c->working_directory_missing_ok;
        if (!dir)
                return 0;
        if (strcmp(dir, "~") == 0) {
                if (cr->has_user)
                        dir = cr->home;
                else {
                        r = exec_creds_passwd_lookup(NULL, 0, &root);
                        if (r < 0 && r != -ESRCH)
                                goto out;
                        r = 0;
                        dir = root.home ? root.home : "/root";
                }
        }
        if (!(req->cwd = strdup(dir)))
                r = -ENOMEM;
out:
        if (r < 0)
                log_error_errno(r, "%s: Failed to resolve WorkingDirectory=%s: %s", id, c->working_directory,
                                strerror(-r));
        exec_creds_done(&root);
        return r;
}

/* A program that is missing or not executable is not an error here: as
 * under systemd, the process is still forked and fails at execve with exit
 * status 203 (so Type=simple counts as started, and Restart= and
 * $EXIT_STATUS see what systemd would). */
static int program_path(const char *id, const struct exec_command *cmd, char **ret)
{
        /* An absolute path needs no search, and execve judges it anyway:
         * checking it here cost two system calls per spawn. */
        if (cmd->path[0] == '/') {
                *ret = strdup(cmd->path);
                return *ret ? 0 : log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id,
                                                  strerror(ENOMEM));
        }
        int r = exec_find_program(cmd->path, ret);

        if (r == -ENOENT || r == -EACCES) {
                log_debug("%s: %s: %s; the exec will fail", id, cmd->path, strerror(-r));
                *ret = strdup(cmd->path);
                return *ret ? 0 : -ENOMEM;
        }
        if (r == -EINVAL)
                return log_error_errno(r, "%s: Executable %s is neither an absolute path nor a bare name", id,
                                       cmd->path);
        if (r < 0)
                return log_error_errno(r, "%s: Failed to find executable %s: %s", id, cmd->path, strerror(-r));
        return 0;
}

/* ---- limits ---- */

#define NOFILE_SOFT_MAX 1024U   /* FD_SETSIZE */
#define NOFILE_HARD_MIN 524288U /* systemd's HIGH_RLIMIT_NOFILE */

static rlim_t rlim_min(rlim_t a, rlim_t b)
{
        return a < b ? a : b;
}

struct rlimit exec_nofile_default(struct rlimit inherited, rlim_t hard_now)
{
        rlim_t hard = inherited.rlim_max > NOFILE_HARD_MIN ? inherited.rlim_max : NOFILE_HARD_MIN;
        struct rlimit rl = { .rlim_max = rlim_min(hard, hard_now) };

        rl.rlim_cur = rlim_min(rlim_min(inherited.rlim_cur, NOFILE_SOFT_MAX), rl.rlim_max);
        return rl;
}

static struct rlimit nofile_inherited;
static bool nofile_inherited_saved;

void exec_nofile_inherited_save(void)
{
        nofile_inherited_saved = getrlimit(RLIMIT_NOFILE, &nofile_inherited) == 0;
}

/* The default, computed once at the first spawn (after PID 1's duties);
 * applied only where it differs from weft's own limit, which a child
 * inherits anyway. */
static struct rlimit nofile_default;
static bool nofile_default_differs;
static pthread_once_t nofile_default_once = PTHREAD_ONCE_INIT;

static void nofile_default_compute(void)
{
        struct rlimit now;

        if (getrlimit(RLIMIT_NOFILE, &now) < 0)
                return;
        nofile_default = exec_nofile_default(nofile_inherited_saved ? nofile_inherited : now, now.rlim_max);
        nofile_default_differs = nofile_default.rlim_cur != now.rlim_cur || nofile_default.rlim_max != now.rlim_max;
}

/* The unit's Limit*=, and the manager's DefaultLimitNOFILE= where it sets none. */
static void request_rlimits(const struct exec_extra *x, const struct exec_params *p, struct spawn_request *req)
{
        const uint32_t nofile = UINT32_C(1) << RLIMIT_NOFILE;

        if (x->rlimit)
                memcpy(req->rlimits, x->rlimit, sizeof req->rlimits);
        req->rlimit_set = x->rlimit ? x->rlimit_set : 0;
        if (p->container_main || (req->rlimit_set & nofile))
                return;
        (void) pthread_once(&nofile_default_once, nofile_default_compute);
        if (!nofile_default_differs)
                return;
        req->rlimits[RLIMIT_NOFILE] = nofile_default;
        req->rlimit_set |= nofile;
}

int exec_build_request(const struct unit *u, const struct exec_context *c, const struct exec_command *cmd,
                       const struct exec_params *p, struct spawn_request **ret)
{
        const char *id = p->unit_id ? p->unit_id : u->id;
        struct spawn_request *req = NULL;
        struct exec_creds cr = { 0 };
        int r;

        r = exec_creds_resolve(id, c, &cr);
        if (r < 0)
                goto out;
        req = calloc(1, sizeof *req);
        if (!req) {
                r = log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
                goto out;
        }
        if (!(req->unit_id = strdup(id))) {
                r = log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
                goto out;
        }
        /* Every fd in the request is its own (dups included), so freeing it is uniform. */
        req->owns_fds = true;
        req->n_fds = 3 + p->n_listen_fds;
        req->n_blocking = p->n_socket_fds;
        req->fds = malloc(req->n_fds * sizeof(int));
        if (!req->fds) {
                r = log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
                goto out;
        }
        for (unsigned i = 0; i < req->n_fds; i++)
                req->fds[i] = -1;

        r = build_environment(id, c, p, &cr, &req->envp);
        if (r < 0)
                goto out;
        r = exec_command_expand(cmd, req->envp, &req->argv);
        if (r < 0) {
                log_error_errno(r, "%s: Failed to expand the command line of %s: %s", id, cmd->path,
                                strerror(-r));
                goto out;
        }
        r = program_path(id, cmd, &req->path);
        if (r < 0)
                goto out;
        r = resolve_cwd(id, c, &cr, req);
        if (r < 0)
                goto out;

        /* "+" and "!" run the command without the user switch; the environment still names the user. */
        if ((c->user || c->group) && !(cmd->flags & (EXEC_FULL_PRIVILEGES | EXEC_NO_SETUID))) {
                req->set_credentials = true;
                req->uid = cr.uid;
                req->gid = cr.gid;
                req->groups = cr.groups;
                req->n_groups = cr.n_groups;
                cr.groups = NULL;
                cr.n_groups = 0;
        }
        const struct exec_extra *x = exec_extra(c);
        req->umask = c->umask;
        /* Owned by User=/Group= even for "+" commands, as in systemd. */
        r = exec_dirs_build(id, c, cr.uid, cr.gid, req);
        if (r < 0)
                goto out;
        r = exec_credentials_build(id, c, cr.uid, cr.gid, req);
        if (r < 0)
                goto out;
        /* After the directories: ProtectSystem= keeps them writable. */
        r = exec_sandbox_build(id, c, cmd->flags & EXEC_FULL_PRIVILEGES, req);
        if (r < 0)
                goto out;
        /* No chdir to "/" from "/" (~3% of weft's CPU in a chain of units),
         * unless a new mount namespace has a "/" of its own. */
        req->cwd_is_there = !req->cwd && exec_manager_ids()->cwd_is_root && !(req->sandbox && req->sandbox->mount_ns);
        request_rlimits(x, p, req);
        req->nice_set = x->nice_set;
        req->nice = x->nice;
        req->oom_score_adjust_set = x->oom_score_adjust_set;
        req->oom_score_adjust = x->oom_score_adjust;
        req->ignore_sigpipe = c->ignore_sigpipe;
        req->new_session = !p->container_main;
        req->stdin_ctty = !p->container_main && exec_stdio_given(p, 0);
        req->container_main = p->container_main;

        /* Files last, so a command that cannot run creates none. */
        if (p->container_main) {
                /* CMD talks to whoever started the container, as under tini. */
                for (int fd = 0; fd <= 2; fd++)
                        if ((r = exec_stdio_dup_fd(id, fd, &req->fds[fd])) < 0)
                                goto out;
        } else {
                r = exec_stdio_open_input(id, c, p, &req->fds[0]);
                if (r < 0)
                        goto out;
                for (int target = 1; target <= 2; target++) {
                        r = exec_stdio_open_output(id, c, p, target, req->fds, &req->fds[target]);
                        if (r < 0)
                                goto out;
                }
                if ((r = exec_tty_build(id, c, p, req)) < 0 || (r = exec_journal_build(id, c, cmd, p, req)) < 0)
                        goto out;
        }
        for (unsigned i = 0; i < p->n_listen_fds; i++) {
                r = exec_stdio_dup_fd(id, p->listen_fds[i], &req->fds[3 + i]);
                if (r < 0)
                        goto out;
        }

        *ret = req;
        req = NULL;
out:
        if (req)
                spawn_request_free(req);
        exec_creds_done(&cr);
        return r;
}
