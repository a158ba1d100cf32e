/* The unit-file lexer; see lex.h. Splits a buffer into physical lines,
 * joins continuations, and hands each "key=value" to a callback with the
 * current section. Rules and diagnostics follow systemd 252's conf-parser,
 * checked against systemd-analyze verify. */
#include "parse/lex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "parse/word.h"

#define LEX_WHITESPACE " \t\n\r"

struct lexer {
        const char *file;
        lex_assignment_fn fn;
        void *userdata;
        char *section;    /* current section; NULL before the first header */
        char *acc;        /* the logical line being assembled (NUL-terminated) */
        size_t acc_len;
        size_t acc_cap;
        bool continued;   /* acc ends in a continuation, more lines belong to it */
};

static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r'; /* LEX_WHITESPACE */
}

static char *strip(char *s)
{
        size_t n;

        while (is_space(*s))
                s++;
        n = strlen(s);
        while (n > 0 && is_space(s[n - 1]))
                s[--n] = 0;
        return s;
}

/* systemd's string_is_safe(): no control characters, quotes or backslash. */
static bool section_name_is_safe(const char *s)
{
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 0x7f || strchr("\"'\\", *s))
                        return false;
        return true;
}

static int lex_header(struct lexer *lx, unsigned line, char *l)
{
        size_t k = strlen(l);
        char *name;

        if (k < 2 || l[k - 1] != ']')
                return log_syntax(LOG_LEVEL_ERROR, EBADMSG, lx->file, line,
                                  "Invalid section header '%s'", l);
        name = strndup(l + 1, k - 2);
        if (!name)
                return -ENOMEM;
        if (!section_name_is_safe(name)) {
                free(name);
                return log_syntax(LOG_LEVEL_ERROR, EBADMSG, lx->file, line,
                                  "Bad characters in section header '%s'", l);
        }
        free(lx->section);
        lx->section = name;
        /* Tell the caller about the header itself, so it can place a
         * diagnostic about the section on this line. */
        return lx->fn(lx->userdata, lx->file, line, lx->section, NULL, NULL);
}

/* One logical line (continuations already joined) in lx->acc. */
static int lex_logical(struct lexer *lx, unsigned line)
{
        char *l, *eq;

        lx->acc[lx->acc_len] = 0;
        lx->acc_len = 0;
        lx->continued = false;

        l = strip(lx->acc);
        if (*l == 0 || *l == '#' || *l == ';')
                return 0;
        if (*l == '[')
                return lex_header(lx, line, l);

        eq = strchr(l, '=');
        if (!eq) {
                log_syntax(LOG_LEVEL_WARNING, 0, lx->file, line, "Missing '=', ignoring.");
                return 0;
        }
        if (eq == l) {
                log_syntax(LOG_LEVEL_WARNING, 0, lx->file, line, "Missing key name before '=', ignoring.");
                return 0;
        }
        *eq = 0;
        return lx->fn(lx->userdata, lx->file, line, lx->section, strip(l), strip(eq + 1));
}

static int acc_append(struct lexer *lx, const char *s, size_t n)
{
        if (lx->acc_len + n + 1 > lx->acc_cap) {
                size_t cap = (lx->acc_len + n + 1) * 2;
                char *a = realloc(lx->acc, cap);
                if (!a)
                        return -ENOMEM;
                lx->acc = a;
                lx->acc_cap = cap;
        }
        memcpy(lx->acc + lx->acc_len, s, n);
        lx->acc_len += n;
        return 0;
}

/* One physical line s[0..n), without its line ending. */
static int lex_physical(struct lexer *lx, unsigned line, const char *s, size_t n)
{
        size_t i, bs;
        int r;

        if (memchr(s, 0, n))
                return log_syntax(LOG_LEVEL_ERROR, EBADMSG, lx->file, line,
                                  "Line contains a NUL byte, file is not text");
        if (n >= LEX_LINE_MAX)
                return log_syntax(LOG_LEVEL_ERROR, ENOBUFS, lx->file, line, "Line too long");

        /* Comment lines are skipped even inside a continuation. */
        for (i = 0; i < n && is_space(s[i]); i++)
                ;
        if (i < n && (s[i] == '#' || s[i] == ';'))
                return 0;

        if (!utf8_is_valid_n(s, n))
                return log_syntax(LOG_LEVEL_ERROR, EBADMSG, lx->file, line, "Line is not valid UTF-8");
        if (lx->continued && lx->acc_len + n > LEX_LINE_MAX)
                return log_syntax(LOG_LEVEL_ERROR, ENOBUFS, lx->file, line, "Continuation line too long");

        r = acc_append(lx, s, n);
        if (r < 0)
                return r;

        /* An odd run of trailing backslashes continues the line; an even run
         * is escaped backslashes. */
        for (bs = 0; bs < n && s[n - 1 - bs] == '\\'; bs++)
                ;
        if (bs % 2 == 1) {
                lx->acc[lx->acc_len - 1] = ' ';
                lx->continued = true;
                return 0;
        }
        return lex_logical(lx, line);
}

int lex_parse_buffer(const char *file, const char *buf, size_t len, lex_assignment_fn fn, void *userdata)
{
        struct lexer lx = { .file = file, .fn = fn, .userdata = userdata };
        size_t pos = 0;
        unsigned line = 0;
        int r = 0;

        if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
                pos = 3;

        /* Where the next "\n" is (len: none), found again only once the
         * lines pass it, so that a file of "\r" endings is not searched to
         * its end for every line. */
        size_t nl = 0;
        bool nl_known = false;
        while (pos < len) {
                size_t start = pos;

                /* The line ends at the first "\n" or "\r": memchr finds
                 * the "\n", and a "\r" (rare) can only come before it. */
                if (!nl_known || nl < pos) {
                        const char *p = memchr(buf + pos, '\n', len - pos);
                        nl = p ? (size_t) (p - buf) : len;
                        nl_known = true;
                }
                const char *cr = memchr(buf + pos, '\r', nl - pos);
                pos = cr ? (size_t) (cr - buf) : nl;
                line++;
                r = lex_physical(&lx, line, buf + start, pos - start);
                if (r < 0)
                        goto out;
                /* One line ending: "\n", "\r", "\r\n" or "\n\r". */
                if (pos < len) {
                        char first = buf[pos++];
                        if (pos < len && (buf[pos] == '\n' || buf[pos] == '\r') && buf[pos] != first)
                                pos++;
                }
        }
        /* A trailing backslash on the last line: what was joined still counts. */
        if (lx.continued)
                r = lex_logical(&lx, line);

out:
        free(lx.section);
        free(lx.acc);
        return r;
}

static int read_all(int fd, char **ret, size_t *ret_len)
{
        size_t len = 0, cap = 4096;
        char *buf = malloc(cap);
        int r;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k;

                if (len == cap) {
                        char *b = realloc(buf, cap * 2);
                        if (!b) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        buf = b;
                        cap *= 2;
                }
                k = read(fd, buf + len, cap - len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto fail;
                }
                if (k == 0)
                        break;
                len += (size_t) k;
        }
        *ret = buf;
        *ret_len = len;
        return 0;

fail:
        free(buf);
        return r;
}

void lex_file_read(const char *path, struct lex_file *f)
{
        *f = (struct lex_file) { 0 };
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                f->error = -errno;
                f->opening = true;
                return;
        }
        f->error = read_all(fd, &f->buf, &f->len);
        close(fd);
}

int lex_parse_read_file(const char *path, const struct lex_file *f, lex_assignment_fn fn, void *userdata)
{
        if (f->error < 0)
                return log_error_errno(f->error, "Failed to %s %s: %s", f->opening ? "open" : "read", path,
                                       strerror(-f->error));
        return lex_parse_buffer(path, f->buf, f->len, fn, userdata);
}

void lex_file_done(struct lex_file *f)
{
        free(f->buf);
        *f = (struct lex_file) { 0 };
}

int lex_parse_file(const char *path, lex_assignment_fn fn, void *userdata)
{
        struct lex_file f;

        lex_file_read(path, &f);
        int r = lex_parse_read_file(path, &f, fn, userdata);
        lex_file_done(&f);
        return r;
}
