/* Exec lines: parsing ExecXxx= values into commands, expanding environment
 * variables at exec time, finding bare program names, and rendering a
 * command as systemctl show does. See exec_line.h. Rules and messages follow
 * systemd 252's config_parse_exec(), checked with systemd-analyze verify. */
#include "parse/exec_line.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/strpool.h"
#include "base/strv.h"
#include "parse/word.h"

static const char *const search_path[] = {
        "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
};

/* Prefix character → flag. "!!" is "!" seen twice; the combination rules
 * live in take_prefix(). */
static const struct {
        char c;
        unsigned flag;
} prefixes[] = {
        { '-', EXEC_IGNORE_FAILURE },
        { '@', EXEC_ARGV0 },
        { ':', EXEC_NO_ENV_EXPAND },
        { '+', EXEC_FULL_PRIVILEGES },
        { '!', EXEC_NO_SETUID },
};

#define PRIVILEGE_FLAGS (EXEC_FULL_PRIVILEGES | EXEC_NO_SETUID | EXEC_AMBIENT_MAGIC)

/* A growing argv. strv_consume() rescans the vector on every call, which
 * would make a 1 MiB line of short words quadratic. */
struct argv_builder {
        char **v;
        size_t n, cap;
};

/* Append s, taking it (freed on failure). */
static int argv_push(struct argv_builder *b, char *s)
{
        if (b->n + 2 > b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 8;
                char **v = realloc(b->v, cap * sizeof *v);
                if (!v) {
                        free(s);
                        return -ENOMEM;
                }
                b->v = v;
                b->cap = cap;
        }
        b->v[b->n++] = s;
        b->v[b->n] = NULL;
        return 0;
}

static int argv_push_copy(struct argv_builder *b, const char *s)
{
        char *c = strdup(s);
        return c ? argv_push(b, c) : -ENOMEM;
}

static int fail(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **ret_error, const char *fmt, ...)
{
        va_list ap;
        char *m;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        *ret_error = m;
        return -EINVAL;
}

/* Add the flag for prefix c to *flags; false when c is not an acceptable
 * prefix here (then it starts the program name). At most one of + ! !!,
 * each other prefix at most once. */
static bool take_prefix(char c, unsigned *flags)
{
        if (c == '!' && (*flags & EXEC_NO_SETUID) && !(*flags & (EXEC_FULL_PRIVILEGES | EXEC_AMBIENT_MAGIC))) {
                *flags = (*flags & ~EXEC_NO_SETUID) | EXEC_AMBIENT_MAGIC;
                return true;
        }
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
                if (prefixes[i].c != c)
                        continue;
                if (prefixes[i].flag & PRIVILEGE_FLAGS ? (*flags & PRIVILEGE_FLAGS) : (*flags & prefixes[i].flag))
                        return false;
                *flags |= prefixes[i].flag;
                return true;
        }
        return false;
}

/* One word, as systemd reads it: strict first, then with unknown escapes
 * kept verbatim. Still -EINVAL means unbalanced quoting. */
static int exec_word(const char **p, char **ret)
{
        int r = word_extract(p, ret, NULL, WORD_UNQUOTE | WORD_CUNESCAPE);
        if (r != -EINVAL)
                return r;
        return word_extract(p, ret, NULL, WORD_UNQUOTE | WORD_CUNESCAPE | WORD_UNESCAPE_RELAX);
}

static bool name_is_safe(const char *s)
{
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 0x7f || strchr("\"'\\", *s))
                        return false;
        return true;
}

static bool filename_is_valid(const char *s)
{
        return *s && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && !strchr(s, '/') && strlen(s) <= NAME_MAX;
}

/* Collapse "//" and drop "." components in an absolute path, in place. */
static void path_simplify(char *path)
{
        char *out = path;
        const char *in = path;

        if (*in != '/')
                return;
        while (*in) {
                const char *end;
                size_t n;

                while (*in == '/')
                        in++;
                end = strchrnul(in, '/');
                n = (size_t) (end - in);
                if (n > 0 && !(n == 1 && in[0] == '.')) {
                        *out++ = '/';
                        memmove(out, in, n);
                        out += n;
                }
                in = end;
        }
        if (out == path)
                *out++ = '/';
        *out = 0;
}

static bool at_lone(const char *p, size_t n)
{
        return p[n] == 0 || strchr(WORD_SEPARATORS, p[n]);
}

/* Parse one command from *p. Returns 1 with *ret (NULL for a stray ";"),
 * 0 at the end of the value, or a negative errno. */
static int parse_one(const char **p, const char *value, struct exec_command **ret, char **ret_error)
{
        char *first = NULL, *path = NULL;
        struct argv_builder argv = { 0 };
        struct exec_command *c;
        unsigned flags = 0;
        const char *f;
        int r;

        r = exec_word(p, &first);
        if (r == -EINVAL)
                return fail(ret_error, "Unbalanced quoting: \"%s\"", value);
        if (r <= 0)
                return r;
        if (strcmp(first, ";") == 0) {
                free(first);
                *ret = NULL;
                return 1;
        }

        for (f = first; *f && take_prefix(*f, &flags); f++)
                ;
        if (*f == 0) {
                r = fail(ret_error, "Empty path in command line: '%s'", value);
                goto out;
        }
        if (!name_is_safe(f)) {
                r = fail(ret_error, "Executable name contains special characters: %s", f);
                goto out;
        }
        if (f[strlen(f) - 1] == '/') {
                r = fail(ret_error, "Executable path specifies a directory: %s", f);
                goto out;
        }
        if (f[0] != '/' && !filename_is_valid(f)) {
                r = fail(ret_error, "Neither a valid executable name nor an absolute path: %s", f);
                goto out;
        }
        path = strdup(f);
        if (!path) {
                r = -ENOMEM;
                goto out;
        }
        if (!(flags & EXEC_ARGV0)) {
                r = argv_push_copy(&argv, path);
                if (r < 0)
                        goto out;
        }
        path_simplify(path);

        while (**p) {
                char *w;

                /* A lone ";" ends this command; a lone "\;" is a literal
                 * ";" (checked before unquoting, so "\\;" or "';'" is not). */
                if ((*p)[0] == ';' && at_lone(*p, 1)) {
                        *p += 1;
                        *p += strspn(*p, WORD_SEPARATORS);
                        break;
                }
                if ((*p)[0] == '\\' && (*p)[1] == ';' && at_lone(*p, 2)) {
                        *p += 2;
                        *p += strspn(*p, WORD_SEPARATORS);
                        r = argv_push_copy(&argv, ";");
                        if (r < 0)
                                goto out;
                        continue;
                }
                r = exec_word(p, &w);
                if (r == -EINVAL) {
                        r = fail(ret_error, "Unbalanced quoting: \"%s\"", value);
                        goto out;
                }
                if (r < 0)
                        goto out;
                if (r == 0)
                        break;
                r = argv_push(&argv, w);
                if (r < 0)
                        goto out;
        }

        if (argv.n == 0) {
                r = fail(ret_error, "Empty executable name or zeroeth argument: %s", value);
                goto out;
        }
        c = calloc(1, sizeof *c);
        if (!c) {
                r = -ENOMEM;
                goto out;
        }
        /* Kept for the life of the configuration: no spare slots. */
        char **fit = realloc(argv.v, (argv.n + 1) * sizeof *fit);
        c->path = path;
        c->argv = fit ? fit : argv.v;
        c->flags = flags;
        path = NULL;
        argv.v = NULL;
        *ret = c;
        r = 1;

out:
        free(first);
        free(path);
        strv_free(argv.v);
        return r;
}

int exec_line_parse(const char *value, struct exec_command **ret, char **ret_error)
{
        struct exec_command *head = NULL, **tail = &head;
        const char *p = value;
        int r;

        for (;;) {
                struct exec_command *c = NULL;

                r = parse_one(&p, value, &c, ret_error);
                if (r < 0) {
                        exec_command_free_list(head);
                        return r;
                }
                if (r == 0)
                        break;
                if (c) {
                        *tail = c;
                        tail = &c->next;
                }
        }
        *ret = head;
        return 0;
}

void exec_command_free_list(struct exec_command *c)
{
        while (c) {
                struct exec_command *next = c->next;
                if (!c->packed) {
                        free(c->path);
                        strv_free(c->argv);
                }
                for (unsigned i = 0; c->packed && c->pooled >> i; i++)
                        if (c->pooled & (1u << i))
                                strpool_unref(c->argv[i]);
                if (!c->in_arena)
                        free(c);
                c = next;
        }
}

/* c as one block: the struct, argv[0..n] and the strings after them,
 * long words shared through the pool instead (a word the pool cannot
 * take stays in the block). */
static struct exec_command *pack_one(const struct exec_command *c, struct arena *arena)
{
        size_t n = strv_length(c->argv);
        bool share = n > 0 && strcmp(c->path, c->argv[0]) == 0;
        size_t size = sizeof *c + (n + 1) * sizeof(char *) + (share ? 0 : strlen(c->path) + 1);
        const char *pooled[16] = { NULL };
        uint16_t mask = 0;
        for (size_t i = 0; i < n; i++) {
                size_t k = strlen(c->argv[i]);
                if (i < 16 && k >= EXEC_POOL_MIN && (pooled[i] = strpool_ref(c->argv[i])))
                        mask |= (uint16_t) (1u << i);
                else
                        size += k + 1;
        }
        struct exec_command *p = arena ? arena_alloc(arena, size) : malloc(size);
        if (!p) {
                for (size_t i = 0; i < 16; i++)
                        strpool_unref(pooled[i]);
                return NULL;
        }
        char **argv = (char **) (p + 1);
        char *at = (char *) (argv + n + 1);
        for (size_t i = 0; i < n; i++) {
                if (mask & (1u << i)) {
                        argv[i] = (char *) pooled[i];
                        continue;
                }
                size_t k = strlen(c->argv[i]) + 1;
                argv[i] = memcpy(at, c->argv[i], k);
                at += k;
        }
        argv[n] = NULL;
        *p = (struct exec_command) { .argv = argv, .flags = c->flags, .packed = true, .in_arena = arena != NULL,
                                     .pooled = mask, .next = c->next };
        p->path = share ? argv[0] : strcpy(at, c->path);
        return p;
}

static int repack(struct exec_command **list, bool all, struct arena *arena)
{
        for (struct exec_command **at = list; *at; at = &(*at)->next) {
                struct exec_command *c = *at;
                if (c->packed && (!all || c->in_arena == (arena != NULL)))
                        continue;
                struct exec_command *p = pack_one(c, arena);
                if (!p)
                        return -ENOMEM;
                c->next = NULL;
                exec_command_free_list(c);
                *at = p;
        }
        return 0;
}

int exec_command_pack_list(struct exec_command **list)
{
        return repack(list, false, NULL);
}

int exec_command_repack_list(struct exec_command **list, struct arena *arena)
{
        return repack(list, true, arena);
}

/* The value of name[0..n) in env, the last assignment winning; NULL if unset. */
static const char *env_get(char *const *env, const char *name, size_t n)
{
        size_t k = strv_length(env);

        while (k-- > 0)
                if (strncmp(env[k], name, n) == 0 && env[k][n] == '=')
                        return env[k] + n + 1;
        return NULL;
}

struct sbuf {
        char *s;
        size_t len, cap;
};

static int sbuf_add(struct sbuf *b, const char *s, size_t n)
{
        if (b->len + n + 1 > b->cap) {
                size_t cap = (b->len + n + 1) * 2;
                char *t = realloc(b->s, cap);
                if (!t)
                        return -ENOMEM;
                b->s = t;
                b->cap = cap;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = 0;
        return 0;
}

/* "${VAR}" anywhere in s, and "$$"; everything else verbatim. */
static int expand_braces(const char *s, char *const *env, char **ret)
{
        struct sbuf b = { 0 };
        int r = sbuf_add(&b, "", 0);

        while (r == 0 && *s) {
                if (s[0] == '$' && s[1] == '$') {
                        r = sbuf_add(&b, "$", 1);
                        s += 2;
                } else if (s[0] == '$' && s[1] == '{') {
                        size_t n = strcspn(s + 2, "}:");
                        if (s[2 + n] == '}') {
                                const char *v = env_get(env, s + 2, n);
                                r = v ? sbuf_add(&b, v, strlen(v)) : 0;
                                s += n + 3;
                        } else {
                                /* "${A:-x}" is not supported and an unterminated
                                 * "${A" is no reference: both stay as written. */
                                size_t k = s[2 + n] ? n + 3 : n + 2;
                                r = sbuf_add(&b, s, k);
                                s += k;
                        }
                } else {
                        size_t n = strcspn(s + 1, "$") + 1;
                        r = sbuf_add(&b, s, n);
                        s += n;
                }
        }
        if (r < 0) {
                free(b.s);
                return r;
        }
        *ret = b.s;
        return 0;
}

/* "$VAR" as a whole word: the value split at whitespace, quotes respected. */
static int expand_word(const char *name, char *const *env, struct argv_builder *argv)
{
        const char *v = env_get(env, name, strlen(name));

        while (v) {
                char *w;
                int r = word_extract(&v, &w, NULL, WORD_UNQUOTE | WORD_RELAX);
                if (r <= 0)
                        return r;
                r = argv_push(argv, w);
                if (r < 0)
                        return r;
        }
        return 0;
}

int exec_command_expand(const struct exec_command *c, char *const *env, char ***ret_argv)
{
        struct argv_builder out = { 0 };
        int r = 0;

        if (c->flags & EXEC_NO_ENV_EXPAND) {
                char **copy = strv_copy(c->argv);
                if (!copy)
                        return -ENOMEM;
                *ret_argv = copy;
                return 0;
        }

        out.v = calloc(1, sizeof(char *));
        if (!out.v)
                return -ENOMEM;
        out.cap = 1;
        STRV_FOREACH(a, c->argv) {
                const char *s = *a;
                char *e;

                if (a == c->argv) {
                        r = argv_push_copy(&out, s);
                } else if (s[0] == '$' && s[1] != '{' && s[1] != '$') {
                        r = expand_word(s + 1, env, &out);
                } else {
                        r = expand_braces(s, env, &e);
                        if (r == 0)
                                r = argv_push(&out, e);
                }
                if (r < 0) {
                        strv_free(out.v);
                        return r;
                }
        }
        *ret_argv = out.v;
        return 0;
}

static int check_executable(const char *path)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return errno == EACCES ? -EACCES : -ENOENT;
        if (!S_ISREG(st.st_mode))
                return -EACCES;
        if (access(path, X_OK) < 0)
                return -EACCES;
        return 0;
}

int exec_find_program(const char *name, char **ret_path)
{
        char *candidate;
        int r = -ENOENT;

        if (!*name)
                return -EINVAL;
        if (name[0] == '/') {
                r = check_executable(name);
                if (r < 0)
                        return r;
                candidate = strdup(name);
                if (!candidate)
                        return -ENOMEM;
                *ret_path = candidate;
                return 0;
        }
        if (strchr(name, '/'))
                return -EINVAL;

        for (size_t i = 0; i < sizeof search_path / sizeof search_path[0]; i++) {
                int k;

                if (asprintf(&candidate, "%s/%s", search_path[i], name) < 0)
                        return -ENOMEM;
                k = check_executable(candidate);
                if (k == 0) {
                        *ret_path = candidate;
                        return 0;
                }
                free(candidate);
                /* A file we may not run explains more than a missing one. */
                if (k == -EACCES)
                        r = k;
        }
        return r;
}

char *exec_command_format_show(const struct exec_command *c)
{
        char *argv = strv_join(c->argv, " "), *s;

        if (!argv)
                return NULL;
        if (asprintf(&s,
                     "{ path=%s ; argv[]=%s ; ignore_errors=%s ; start_time=[n/a] ; stop_time=[n/a] ; "
                     "pid=0 ; code=(null) ; status=0/0 }",
                     c->path, argv, c->flags & EXEC_IGNORE_FAILURE ? "yes" : "no") < 0)
                s = NULL;
        free(argv);
        return s;
}
