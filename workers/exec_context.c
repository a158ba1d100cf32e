/* Turning a unit's execution settings into a complete spawn request; see
 * exec_context.h. Everything here runs on the scheduler thread: user
 * database look-ups, EnvironmentFile= reads, opening the stdio files. The
 * child after clone only applies what the request says. */
#include "workers/exec_context.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/macro.h"
#include "core/strv.h"
#include "parse/exec_line.h"

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

#define DEFAULT_PATH      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define NOLOGIN_SHELL     "/usr/sbin/nologin"
#define ENV_FILE_MAX      (4u * 1024 * 1024)
#define PWBUF_MAX         (1u * 1024 * 1024)

/* Who a command runs as, resolved from User=, Group=, SupplementaryGroups=. */
struct creds {
        bool has_user; /* User= set: name, home and shell are filled in */
        uid_t uid;
        gid_t gid;
        char *name;
        char *home;
        char *shell;
        gid_t *groups;
        unsigned n_groups;
};

static void creds_done(struct creds *cr)
{
        free(cr->name);
        free(cr->home);
        free(cr->shell);
        free(cr->groups);
        *cr = (struct creds) { 0 };
}

/* ---- environment vectors ---- */

static bool env_name_is_valid(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(s[i] == '_' || isalnum((unsigned char) s[i])))
                        return false;
        return true;
}

/* Add "K=V" (consumed), replacing an earlier assignment of K in place. */
static int env_put(char ***env, char *assignment)
{
        size_t klen = strcspn(assignment, "=");

        for (char **e = *env; e && *e; e++)
                if (strncmp(*e, assignment, klen) == 0 && (*e)[klen] == '=') {
                        free(*e);
                        *e = assignment;
                        return 0;
                }
        return strv_consume(env, assignment);
}

static int env_put_copy(char ***env, const char *assignment)
{
        char *s = strdup(assignment);
        if (!s)
                return -ENOMEM;
        return env_put(env, s);
}

static int env_put_pair(char ***env, const char *key, const char *value)
{
        char *s;
        if (asprintf(&s, "%s=%s", key, value) < 0)
                return -ENOMEM;
        return env_put(env, s);
}

/* Remove every entry matching spec: a name ("K") or an exact "K=V". */
static void env_unset(char **env, const char *spec)
{
        bool exact = strchr(spec, '=') != NULL;
        size_t klen = strlen(spec), j = 0;

        for (size_t i = 0; env && env[i]; i++) {
                bool match = exact ? strcmp(env[i], spec) == 0
                                   : strncmp(env[i], spec, klen) == 0 && env[i][klen] == '=';
                if (match)
                        free(env[i]);
                else
                        env[j++] = env[i];
        }
        if (env)
                env[j] = NULL;
}

/* ---- EnvironmentFile= ---- */

struct buf {
        char *s;
        size_t len, cap;
};

static int buf_push(struct buf *b, char c)
{
        if (b->len + 2 > b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 64;
                char *s = realloc(b->s, cap);
                if (!s)
                        return -ENOMEM;
                b->s = s;
                b->cap = cap;
        }
        b->s[b->len++] = c;
        b->s[b->len] = 0;
        return 0;
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
        struct buf b = { 0 };
        char chunk[4096];
        int fd, r = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t n = read(fd, chunk, sizeof chunk);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        goto out;
                }
                if (n == 0)
                        break;
                if (b.len + (size_t) n > ENV_FILE_MAX) {
                        r = -EFBIG;
                        goto out;
                }
                if (b.len + (size_t) n + 1 > b.cap) {
                        size_t cap = (b.len + (size_t) n + 1) * 2;
                        char *ns = realloc(b.s, cap);
                        if (!ns) {
                                r = -ENOMEM;
                                goto out;
                        }
                        b.s = ns;
                        b.cap = cap;
                }
                memcpy(b.s + b.len, chunk, (size_t) n);
                b.len += (size_t) n;
                b.s[b.len] = 0;
        }
        if (!b.s && !(b.s = strdup(""))) {
                r = -ENOMEM;
                goto out;
        }
        *ret = b.s;
        *ret_len = b.len;
        b.s = NULL;
out:
        free(b.s);
        close(fd);
        return r;
}

enum env_state {
        ENV_PRE_KEY,
        ENV_KEY,
        ENV_PRE_VALUE,
        ENV_VALUE,
        ENV_VALUE_ESCAPE,
        ENV_SINGLE_QUOTE,
        ENV_DOUBLE_QUOTE,
        ENV_DOUBLE_QUOTE_ESCAPE,
        ENV_COMMENT,
};

/* One finished "KEY=value" line of an environment file. keep: how much of
 * the value survives trailing-whitespace stripping. */
static int env_file_emit(const char *id, const char *path, struct buf *key, size_t key_keep, struct buf *value,
                         size_t keep, char ***env)
{
        char *s;

        if (!env_name_is_valid(key->s ? key->s : "", key_keep)) {
                log_warning("%s: %s: invalid environment assignment, ignoring: %.*s", id, path, (int) key_keep,
                            key->s ? key->s : "");
                return 0;
        }
        if (asprintf(&s, "%.*s=%.*s", (int) key_keep, key->s, (int) keep, value->s ? value->s : "") < 0)
                return -ENOMEM;
        return env_put(env, s);
}

/* Parse environment-file text: KEY=VALUE lines; '#' and ';' start comment
 * lines; lines without '=' are ignored; whitespace around the key and
 * around an unquoted value is dropped; '…' is verbatim; "…" takes the
 * escapes \" \\ \` \$ (other backslashes stay); outside quotes a backslash
 * takes the next character literally; backslash-newline continues the line
 * (outside single quotes). Adjacent pieces join: A="x"'y'z gives xyz. */
static int env_file_parse(const char *id, const char *path, const char *text, size_t len, char ***env)
{
        struct buf key = { 0 }, value = { 0 };
        enum env_state state = ENV_PRE_KEY;
        size_t key_keep = 0, keep = 0;
        int r = 0;

        for (size_t i = 0; i <= len; i++) {
                char c = i < len ? text[i] : '\n'; /* the end of the text ends the last line */
                bool nl = c == '\n', ws = c == ' ' || c == '\t' || c == '\r';

                switch (state) {
                case ENV_PRE_KEY:
                        if (c == '#' || c == ';')
                                state = ENV_COMMENT;
                        else if (!nl && !ws) {
                                key.len = 0;
                                r = buf_push(&key, c);
                                key_keep = key.len;
                                state = ENV_KEY;
                        }
                        break;
                case ENV_KEY:
                        if (nl)
                                state = ENV_PRE_KEY; /* no '=': ignored */
                        else if (c == '=') {
                                value.len = 0;
                                if (value.s)
                                        value.s[0] = 0;
                                keep = 0;
                                state = ENV_PRE_VALUE;
                        } else {
                                r = buf_push(&key, c);
                                if (!ws)
                                        key_keep = key.len;
                        }
                        break;
                case ENV_PRE_VALUE:
                case ENV_VALUE:
                        if (nl) {
                                r = env_file_emit(id, path, &key, key_keep, &value, keep, env);
                                state = ENV_PRE_KEY;
                        } else if (c == '\\')
                                state = ENV_VALUE_ESCAPE;
                        else if (state == ENV_PRE_VALUE && c == '\'')
                                state = ENV_SINGLE_QUOTE;
                        else if (state == ENV_PRE_VALUE && c == '"')
                                state = ENV_DOUBLE_QUOTE;
                        else if (state == ENV_PRE_VALUE && ws)
                                ;
                        else {
                                r = buf_push(&value, c);
                                if (!ws)
                                        keep = value.len;
                                state = ENV_VALUE;
                        }
                        break;
                case ENV_VALUE_ESCAPE:
                        if (!nl || i == len) {
                                /* A backslash ending the file is kept as one. */
                                r = buf_push(&value, nl ? '\\' : c);
                                keep = value.len;
                        }
                        if (i == len && r == 0)
                                r = env_file_emit(id, path, &key, key_keep, &value, keep, env);
                        state = ENV_VALUE;
                        break;
                case ENV_SINGLE_QUOTE:
                        if (c == '\'')
                                state = ENV_PRE_VALUE;
                        else if (i < len)
                                r = buf_push(&value, c);
                        keep = value.len;
                        break;
                case ENV_DOUBLE_QUOTE:
                        if (c == '"')
                                state = ENV_PRE_VALUE;
                        else if (c == '\\')
                                state = ENV_DOUBLE_QUOTE_ESCAPE;
                        else if (i < len)
                                r = buf_push(&value, c);
                        keep = value.len;
                        break;
                case ENV_DOUBLE_QUOTE_ESCAPE:
                        if (i == len)
                                r = buf_push(&value, '\\');
                        else if (strchr("\"\\`$", c))
                                r = buf_push(&value, c);
                        else if (!nl && (r = buf_push(&value, '\\')) == 0)
                                r = buf_push(&value, c);
                        keep = value.len;
                        state = ENV_DOUBLE_QUOTE;
                        break;
                case ENV_COMMENT:
                        if (nl)
                                state = ENV_PRE_KEY;
                        break;
                }
                if (r < 0)
                        goto out;
                /* An unterminated quote still yields what it holds. */
                if (i == len && (state == ENV_SINGLE_QUOTE || state == ENV_DOUBLE_QUOTE))
                        r = env_file_emit(id, path, &key, key_keep, &value, keep, env);
        }
out:
        free(key.s);
        free(value.s);
        return r;
}

static int env_file_load(const char *id, const char *path, char ***env)
{
        char *text = NULL;
        size_t len;
        int r;

        r = read_file(path, &text, &len);
        if (r < 0)
                return r;
        r = env_file_parse(id, path, text, len, env);
        free(text);
        return r;
}

/* EnvironmentFile= entries in order, each an absolute path or glob, "-"
 * making a missing file fine. A glob's matches are read in sorted order. */
static int env_load_files(const char *id, char *const *files, char ***env)
{
        STRV_FOREACH(f, files) {
                bool missing_ok = (*f)[0] == '-';
                const char *pattern = *f + missing_ok;
                glob_t g;
                int k, r = 0;

                if (pattern[0] != '/') {
                        if (missing_ok)
                                continue;
                        return log_error_errno(-EINVAL, "%s: EnvironmentFile=%s: not an absolute path", id,
                                               pattern);
                }
                /* glob() initializes g even when it fails, so globfree() is always safe. */
                k = glob(pattern, 0, NULL, &g);
                if (k == GLOB_NOSPACE)
                        r = -ENOMEM;
                else if (k != 0 && !missing_ok)
                        r = -ENOENT;
                for (size_t i = 0; k == 0 && i < g.gl_pathc && r == 0; i++) {
                        r = env_file_load(id, g.gl_pathv[i], env);
                        if (r == -ENOENT && missing_ok)
                                r = 0;
                        pattern = g.gl_pathv[i];
                }
                if (r < 0)
                        log_error_errno(r, "%s: Failed to load environment file %s: %s", id, pattern,
                                        strerror(-r));
                globfree(&g);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- user and groups ---- */

/* A numeric user or group id, as systemd accepts it: decimal, not -1 and
 * not the 16-bit -1. */
static bool parse_id(const char *s, uint32_t *ret)
{
        unsigned long long v = 0;

        if (!*s)
                return false;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return false;
                v = v * 10 + (unsigned) (*p - '0');
                if (v > UINT32_MAX)
                        return false;
        }
        if (v == UINT32_MAX || v == 65535)
                return false;
        *ret = (uint32_t) v;
        return true;
}

/* What getpwnam_r(3) and friends may return for "no such entry". */
static bool not_found_errno(int e)
{
        return e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

/* getpwnam_r / getpwuid_r with a growing buffer. Returns 0 and fills name,
 * uid, gid, home, shell; -ESRCH when there is no such entry. */
static int passwd_lookup(const char *name, uid_t uid, struct creds *cr)
{
        struct passwd pw, *res = NULL;
        size_t size = 4096;
        char *buf = NULL;
        int r;

        for (;;) {
                char *nb = realloc(buf, size);
                if (!nb) {
                        r = -ENOMEM;
                        goto out;
                }
                buf = nb;
                r = name ? getpwnam_r(name, &pw, buf, size, &res) : getpwuid_r(uid, &pw, buf, size, &res);
                if (r != ERANGE || size >= PWBUF_MAX)
                        break;
                size *= 2;
        }
        if (r != 0 && !not_found_errno(r)) {
                r = -r;
                goto out;
        }
        if (!res) {
                r = -ESRCH;
                goto out;
        }
        cr->name = strdup(pw.pw_name);
        cr->home = strdup(pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/");
        cr->shell = strdup(pw.pw_shell && *pw.pw_shell ? pw.pw_shell : NOLOGIN_SHELL);
        if (!cr->name || !cr->home || !cr->shell) {
                r = -ENOMEM;
                goto out;
        }
        cr->uid = pw.pw_uid;
        cr->gid = pw.pw_gid;
out:
        free(buf);
        return r;
}

static int group_lookup(const char *name, gid_t *ret)
{
        struct group gr, *res = NULL;
        size_t size = 4096;
        char *buf = NULL;
        uint32_t id;
        int r;

        if (parse_id(name, &id)) {
                *ret = (gid_t) id;
                return 0;
        }
        for (;;) {
                char *nb = realloc(buf, size);
                if (!nb) {
                        r = -ENOMEM;
                        goto out;
                }
                buf = nb;
                r = getgrnam_r(name, &gr, buf, size, &res);
                if (r != ERANGE || size >= PWBUF_MAX)
                        break;
                size *= 2;
        }
        if (r != 0 && !not_found_errno(r))
                r = -r;
        else if (!res)
                r = -ESRCH;
        else
                *ret = gr.gr_gid;
out:
        free(buf);
        return r;
}

static int groups_add(struct creds *cr, gid_t g)
{
        for (unsigned i = 0; i < cr->n_groups; i++)
                if (cr->groups[i] == g)
                        return 0;
        gid_t *n = realloc(cr->groups, (cr->n_groups + 1) * sizeof(gid_t));
        if (!n)
                return -ENOMEM;
        cr->groups = n;
        cr->groups[cr->n_groups++] = g;
        return 0;
}

/* The user's groups from the group database, as initgroups(3) would set. */
static int groups_from_database(struct creds *cr)
{
        int n = 32;

        for (;;) {
                gid_t *l = malloc((size_t) n * sizeof(gid_t));
                int want = n;
                if (!l)
                        return -ENOMEM;
                if (getgrouplist(cr->name, cr->gid, l, &want) >= 0) {
                        int r = 0;
                        for (int i = 0; i < want && r == 0; i++)
                                r = groups_add(cr, l[i]);
                        free(l);
                        return r;
                }
                free(l);
                if (want <= n || want > 65536)
                        return -EINVAL;
                n = want;
        }
}

/* Resolve User=, Group= and SupplementaryGroups= of c into *cr. Without
 * User= the uid stays the manager's. */
static int resolve_creds(const char *id, const struct exec_context *c, struct creds *cr)
{
        uint32_t num;
        int r;

        cr->uid = getuid();
        cr->gid = getgid();
        if (c->user) {
                bool numeric = parse_id(c->user, &num);
                r = passwd_lookup(numeric ? NULL : c->user, numeric ? (uid_t) num : 0, cr);
                if (r == -ESRCH && numeric && c->group) {
                        /* A bare uid without a passwd entry is fine once its group is known. */
                        cr->uid = (uid_t) num;
                        cr->name = strdup(c->user);
                        cr->home = strdup("/");
                        cr->shell = strdup(NOLOGIN_SHELL);
                        r = cr->name && cr->home && cr->shell ? 0 : -ENOMEM;
                } else if (r == -ESRCH)
                        return log_error_errno(r, "%s: User=%s: no such user%s", id, c->user,
                                               numeric ? " (a uid without a passwd entry needs Group=)" : "");
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to look up User=%s: %s", id, c->user,
                                               strerror(-r));
                cr->has_user = true;
        }
        if (c->group) {
                r = group_lookup(c->group, &cr->gid);
                if (r == -ESRCH)
                        return log_error_errno(r, "%s: Group=%s: no such group", id, c->group);
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to look up Group=%s: %s", id, c->group,
                                               strerror(-r));
        }
        /* As systemd: a user's database groups come along unless the group is root. */
        if (cr->has_user && cr->gid != 0) {
                r = groups_from_database(cr);
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to read the groups of user %s: %s", id,
                                               cr->name, strerror(-r));
        }
        STRV_FOREACH(g, c->supplementary_groups) {
                gid_t gid;
                r = group_lookup(*g, &gid);
                if (r == -ESRCH)
                        return log_error_errno(r, "%s: SupplementaryGroups=%s: no such group", id, *g);
                if (r == 0)
                        r = groups_add(cr, gid);
                if (r < 0)
                        return log_error_errno(r, "%s: Failed to look up SupplementaryGroups=%s: %s", id, *g,
                                               strerror(-r));
        }
        return 0;
}

/* ---- environment ---- */

/* 128 random bits as 32 hex chars, shaped like systemd's (a v4 UUID). The
 * id needs to be unique, not secret, so early boot never waits for
 * entropy. */
static void invocation_id_generate(char ret[static 33])
{
        uint8_t b[16];
        ssize_t n = getrandom(b, sizeof b, GRND_INSECURE);

        if (n != (ssize_t) sizeof b)
                n = getrandom(b, sizeof b, GRND_NONBLOCK);
        if (n != (ssize_t) sizeof b) {
                struct timespec ts;
                uint64_t x;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                x = (uint64_t) ts.tv_nsec ^ ((uint64_t) ts.tv_sec << 30) ^ ((uint64_t) getpid() << 48);
                for (size_t i = 0; i < sizeof b; i++) {
                        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                        b[i] = (uint8_t) (x >> 56);
                }
        }
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        for (size_t i = 0; i < sizeof b; i++)
                snprintf(ret + 2 * i, 3, "%02x", b[i]);
}

static int build_environment(const char *id, const struct exec_context *c, const struct exec_params *p,
                             const struct creds *cr, char ***ret)
{
        char **env = NULL, invocation[33], num[32];
        const char *lang = getenv("LANG");
        int r;

        if ((r = env_put_pair(&env, "PATH", DEFAULT_PATH)) < 0)
                goto out;
        if (lang && (r = env_put_pair(&env, "LANG", lang)) < 0)
                goto out;
        snprintf(num, sizeof num, "%ld", (long) getpid());
        if ((r = env_put_pair(&env, "MANAGERPID", num)) < 0)
                goto out;
        if (!p->invocation_id)
                invocation_id_generate(invocation);
        if ((r = env_put_pair(&env, "INVOCATION_ID", p->invocation_id ? p->invocation_id : invocation)) < 0)
                goto out;
        if (cr->has_user) {
                if ((r = env_put_pair(&env, "USER", cr->name)) < 0 ||
                    (r = env_put_pair(&env, "LOGNAME", cr->name)) < 0 ||
                    (r = env_put_pair(&env, "HOME", cr->home)) < 0 ||
                    (r = env_put_pair(&env, "SHELL", cr->shell)) < 0)
                        goto out;
        }
        /* Passed variables yield to Environment= and EnvironmentFile= (systemd.exec(5)). */
        STRV_FOREACH(name, c->pass_environment) {
                const char *v = getenv(*name);
                if (v && (r = env_put_pair(&env, *name, v)) < 0)
                        goto out;
        }
        STRV_FOREACH(e, c->environment)
                if ((r = env_put_copy(&env, *e)) < 0)
                        goto out;
        if ((r = env_load_files(id, c->environment_files, &env)) < 0)
                goto out;
        if (p->n_listen_fds > 0) {
                snprintf(num, sizeof num, "%u", p->n_listen_fds);
                if ((r = env_put_pair(&env, "LISTEN_FDS", num)) < 0)
                        goto out;
                if (p->listen_fdnames && (r = env_put_pair(&env, "LISTEN_FDNAMES", p->listen_fdnames)) < 0)
                        goto out;
        }
        if (p->listen_pid && (r = env_put_copy(&env, "LISTEN_PID=")) < 0)
                goto out;
        STRV_FOREACH(e, p->extra_env)
                if ((r = env_put_copy(&env, *e)) < 0)
                        goto out;
        /* The final step, which may undo any source above (systemd.exec(5)). */
        STRV_FOREACH(spec, c->unset_environment)
                env_unset(env, *spec);
        if (!env && !(env = calloc(1, sizeof(char *)))) {
                r = -ENOMEM;
                goto out;
        }
        *ret = env;
        env = NULL;
out:
        if (r == -ENOMEM)
                log_error_errno(r, "%s: Failed to build the environment: %s", id, strerror(-r));
        strv_free(env);
        return r;
}

int exec_build_environment(const struct unit *u, const struct exec_context *c, const struct exec_params *p,
                           char ***ret)
{
        const char *id = p->unit_id ? p->unit_id : u->id;
        struct creds cr = { 0 };
        int r;

        r = resolve_creds(id, c, &cr);
        if (r == 0)
                r = build_environment(id, c, p, &cr, ret);
        creds_done(&cr);
        return r;
}

/* ---- stdio ---- */

/* A private copy of fd, so the request owns all of its fds. One of weft's
 * own stdio fds that is closed gives -1 (/dev/null). */
static int dup_fd(const char *id, int fd, int *ret)
{
        int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (d < 0 && !(errno == EBADF && fd <= STDERR_FILENO))
                return log_error_errno(-errno, "%s: Failed to duplicate fd %d: %s", id, fd, strerror(errno));
        *ret = d;
        return 0;
}

static int mkdir_parents_and_self(const char *path, mode_t mode)
{
        char *copy = strdup(path);
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *s = copy + 1;; s++) {
                if (*s != '/' && *s)
                        continue;
                char saved = *s;
                *s = 0;
                if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                        r = -errno;
                        break;
                }
                *s = saved;
                if (!saved)
                        break;
        }
        free(copy);
        return r;
}

/* StandardOutput=journal and friends: weft's log for the unit. */
static int open_log(const char *id, const struct exec_params *p, const char *setting, int *ret)
{
        char *path = NULL;
        int fd, r = 0;

        if (!p->log_dir)
                return dup_fd(id, STDERR_FILENO, ret);
        r = mkdir_parents_and_self(p->log_dir, 0755);
        if (r < 0) {
                log_error_errno(r, "%s: Failed to create log directory %s for %s: %s", id, p->log_dir, setting,
                                strerror(-r));
                goto out;
        }
        if (asprintf(&path, "%s/%s.log", p->log_dir, id) < 0) {
                r = -ENOMEM;
                goto out;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        if (fd < 0) {
                r = log_error_errno(-errno, "%s: Failed to open log file %s for %s: %s", id, path, setting,
                                    strerror(errno));
                goto out;
        }
        *ret = fd;
out:
        free(path);
        return r;
}

static int open_path(const char *id, const char *setting, const char *path, int flags, mode_t mode, int *ret)
{
        int fd = open(path, flags | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0)
                return log_error_errno(-errno, "%s: Failed to open %s for %s: %s", id, path, setting,
                                       strerror(errno));
        *ret = fd;
        return 0;
}

static const char *tty_path(const struct exec_context *c)
{
        return c->tty_path ? c->tty_path : "/dev/console";
}

static int open_input(const char *id, const struct exec_context *c, int *ret)
{
        switch (c->std_input) {
        case EXEC_INPUT_NULL:
                *ret = -1;
                return 0;
        case EXEC_INPUT_TTY:
        case EXEC_INPUT_TTY_FORCE:
        case EXEC_INPUT_TTY_FAIL:
                return open_path(id, "StandardInput=", tty_path(c), O_RDWR, 0, ret);
        case EXEC_INPUT_FILE:
                return open_path(id, "StandardInput=", c->std_input_path, O_RDONLY, 0, ret);
        default:
                return log_error_errno(-EOPNOTSUPP, "%s: StandardInput=%s is not supported yet", id,
                                       exec_input_to_string(c->std_input));
        }
}

static bool output_is_log(enum exec_output o)
{
        return o == EXEC_OUTPUT_JOURNAL || o == EXEC_OUTPUT_JOURNAL_AND_CONSOLE || o == EXEC_OUTPUT_KMSG ||
               o == EXEC_OUTPUT_KMSG_AND_CONSOLE;
}

/* The fd for stdout (target 1) or stderr (2); fds holds what the lower
 * numbers resolved to. */
static int open_output(const char *id, const struct exec_context *c, const struct exec_params *p, int target,
                       const int *fds, int *ret)
{
        enum exec_output o = target == 1 ? c->std_output : c->std_error;
        const char *path = target == 1 ? c->std_output_path : c->std_error_path;
        const char *setting = target == 1 ? "StandardOutput=" : "StandardError=";
        mode_t mode = 0666 & ~c->umask;

        if (o == EXEC_OUTPUT_INHERIT) {
                /* stdout follows a real stdin, else weft's own stdout; stderr follows stdout. */
                int from = target == 2 ? fds[1] : c->std_input != EXEC_INPUT_NULL ? fds[0] : -2;
                if (from == -2)
                        return dup_fd(id, STDOUT_FILENO, ret);
                if (from < 0) {
                        *ret = -1;
                        return 0;
                }
                return dup_fd(id, from, ret);
        }
        /* Both to the same place: share one open file, so neither overwrites the other. */
        if (target == 2 && fds[1] >= 0 && o == c->std_output &&
            (output_is_log(o) || o == EXEC_OUTPUT_TTY || streq_ptr(path, c->std_output_path)))
                return dup_fd(id, fds[1], ret);

        switch (o) {
        case EXEC_OUTPUT_NULL:
                *ret = -1;
                return 0;
        case EXEC_OUTPUT_TTY:
                return open_path(id, setting, tty_path(c), O_WRONLY, 0, ret);
        case EXEC_OUTPUT_JOURNAL:
        case EXEC_OUTPUT_JOURNAL_AND_CONSOLE:
        case EXEC_OUTPUT_KMSG:
        case EXEC_OUTPUT_KMSG_AND_CONSOLE:
                return open_log(id, p, setting, ret);
        case EXEC_OUTPUT_FILE:
                return open_path(id, setting, path, O_WRONLY | O_CREAT, mode, ret);
        case EXEC_OUTPUT_FILE_APPEND:
                return open_path(id, setting, path, O_WRONLY | O_CREAT | O_APPEND, mode, ret);
        case EXEC_OUTPUT_FILE_TRUNCATE:
                return open_path(id, setting, path, O_WRONLY | O_CREAT | O_TRUNC, mode, ret);
        default:
                return log_error_errno(-EOPNOTSUPP, "%s: %s%s is not supported yet", id, setting,
                                       exec_output_to_string(o));
        }
}

/* ---- the request ---- */

static int resolve_cwd(const char *id, const struct exec_context *c, const struct creds *cr,
                       struct spawn_request *req)
{
        struct creds root = { 0 };
        const char *dir = c->working_directory;
        int r = 0;

        req->cwd_missing_ok = c->working_directory_missing_ok;
        if (!dir)
                return 0;
        if (strcmp(dir, "~") == 0) {
                if (cr->has_user)
                        dir = cr->home;
                else {
                        r = passwd_lookup(NULL, 0, &root);
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
        creds_done(&root);
        return r;
}

static int program_path(const char *id, const struct exec_command *cmd, char **ret)
{
        int r = exec_find_program(cmd->path, ret);

        if (r == -ENOENT)
                return log_error_errno(r, "%s: Executable %s not found%s", id, cmd->path,
                                       cmd->path[0] == '/' ? "" : " in the search path " DEFAULT_PATH);
        if (r == -EACCES)
                return log_error_errno(r, "%s: Executable %s is not an executable file", id, cmd->path);
        if (r == -EINVAL)
                return log_error_errno(r, "%s: Executable %s is neither an absolute path nor a bare name", id,
                                       cmd->path);
        if (r < 0)
                return log_error_errno(r, "%s: Failed to find executable %s: %s", id, cmd->path, strerror(-r));
        return 0;
}

int exec_build_request(const struct unit *u, const struct exec_context *c, const struct exec_command *cmd,
                       const struct exec_params *p, struct spawn_request **ret)
{
        const char *id = p->unit_id ? p->unit_id : u->id;
        struct spawn_request *req = NULL;
        struct creds cr = { 0 };
        int r;

        r = resolve_creds(id, c, &cr);
        if (r < 0)
                goto out;
        req = calloc(1, sizeof *req);
        if (!req) {
                r = log_error_errno(-ENOMEM, "%s: Failed to allocate a spawn request: %s", id, strerror(ENOMEM));
                goto out;
        }
        /* Every fd in the request is its own (dups included), so freeing it is uniform. */
        req->owns_fds = true;
        req->n_fds = 3 + p->n_listen_fds;
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
        req->umask = c->umask;
        if (c->rlimit)
                memcpy(req->rlimits, c->rlimit, sizeof req->rlimits);
        req->rlimit_set = c->rlimit ? c->rlimit_set : 0;
        req->nice_set = c->nice_set;
        req->nice = c->nice;
        req->oom_score_adjust_set = c->oom_score_adjust_set;
        req->oom_score_adjust = c->oom_score_adjust;
        req->ignore_sigpipe = c->ignore_sigpipe;
        req->new_session = true;

        /* Files last, so a command that cannot run creates none. */
        r = open_input(id, c, &req->fds[0]);
        if (r < 0)
                goto out;
        for (int target = 1; target <= 2; target++) {
                r = open_output(id, c, p, target, req->fds, &req->fds[target]);
                if (r < 0)
                        goto out;
        }
        for (unsigned i = 0; i < p->n_listen_fds; i++) {
                r = dup_fd(id, p->listen_fds[i], &req->fds[3 + i]);
                if (r < 0)
                        goto out;
        }

        *ret = req;
        req = NULL;
out:
        if (req)
                spawn_request_free(req);
        creds_done(&cr);
        return r;
}
