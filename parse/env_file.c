/* The EnvironmentFile= reader; see env_file.h. Runs on the scheduler
 * thread, called by workers/exec_context.c: a small state machine over
 * the file's text, one character at a time. */
#include "parse/env_file.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/env.h"

#define ENV_FILE_MAX      (4u * 1024 * 1024)

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
                         size_t keep, struct env_builder *env)
{
        char *s;

        if (!env_name_is_valid(key->s ? key->s : "", key_keep)) {
                log_warning("%s: %s: invalid environment assignment, ignoring: %.*s", id, path, (int) key_keep,
                            key->s ? key->s : "");
                return 0;
        }
        if (asprintf(&s, "%.*s=%.*s", (int) key_keep, key->s, (int) keep, value->s ? value->s : "") < 0)
                return -ENOMEM;
        return env_builder_put(env, s);
}

/* Parse environment-file text: KEY=VALUE lines; '#' and ';' start comment
 * lines; lines without '=' are ignored; whitespace around the key and
 * around an unquoted value is dropped; '…' is verbatim; "…" takes the
 * escapes \" \\ \` \$ (other backslashes stay); outside quotes a backslash
 * takes the next character literally; backslash-newline continues the line
 * (outside single quotes). Adjacent pieces join: A="x"'y'z gives xyz. */
static int env_file_parse(const char *id, const char *path, const char *text, size_t len,
                          struct env_builder *env)
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

static int env_file_load(const char *id, const char *path, struct env_builder *env)
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
int env_file_load_all(const char *id, char *const *files, struct env_builder *env)
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
