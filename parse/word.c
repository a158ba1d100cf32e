/* systemd's quoting and C escapes, and UTF-8 validation; see word.h.
 * Every list and exec-line parser splits its values here. */
#include "parse/word.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define AVAIL_NUL_TERMINATED ((size_t) -1)

static const struct {
        char name;
        char value;
} simple_escapes[] = {
        { 'a', '\a' }, { 'b', '\b' }, { 'f', '\f' }, { 'n', '\n' },
        { 'r', '\r' }, { 't', '\t' }, { 'v', '\v' }, { '\\', '\\' },
        { '"', '"' },  { '\'', '\'' }, { 's', ' ' },
};

static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static bool unichar_is_valid(uint32_t c)
{
        return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

static size_t utf8_encode(char *out, uint32_t c)
{
        if (c < 0x80) {
                out[0] = (char) c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char) (0xC0 | (c >> 6));
                out[1] = (char) (0x80 | (c & 0x3F));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char) (0xE0 | (c >> 12));
                out[1] = (char) (0x80 | ((c >> 6) & 0x3F));
                out[2] = (char) (0x80 | (c & 0x3F));
                return 3;
        }
        out[0] = (char) (0xF0 | (c >> 18));
        out[1] = (char) (0x80 | ((c >> 12) & 0x3F));
        out[2] = (char) (0x80 | ((c >> 6) & 0x3F));
        out[3] = (char) (0x80 | (c & 0x3F));
        return 4;
}

/* Read `digits` digits of `base` (8 or 16) from s, bounded by avail.
 * Digits are checked one by one, so a NUL-terminated s is never overrun. */
static int read_digits(const char *s, size_t avail, unsigned digits, unsigned base, uint32_t *ret)
{
        uint32_t v = 0;

        for (unsigned i = 0; i < digits; i++) {
                int d = i < avail ? hex_value(s[i]) : -1;
                if (d < 0 || (unsigned) d >= base)
                        return -EINVAL;
                v = v * base + (uint32_t) d;
        }
        *ret = v;
        return 0;
}

/* Decode the escape whose letter is s[0] (the byte after the backslash).
 * Writes up to 4 bytes to out and their count to *ret_len; returns how many
 * input bytes it consumed, or -EINVAL for an unknown or malformed escape or
 * one that would give a NUL byte. */
static int unescape_one(const char *s, size_t avail, char out[static 4], size_t *ret_len)
{
        uint32_t v;

        if (avail == 0)
                return -EINVAL;

        for (size_t i = 0; i < sizeof simple_escapes / sizeof simple_escapes[0]; i++)
                if (simple_escapes[i].name == s[0]) {
                        out[0] = simple_escapes[i].value;
                        *ret_len = 1;
                        return 1;
                }

        switch (s[0]) {
        case 'x':
                /* \xHH is a raw byte, not a code point. */
                if (read_digits(s + 1, avail - 1, 2, 16, &v) < 0 || v == 0)
                        return -EINVAL;
                out[0] = (char) v;
                *ret_len = 1;
                return 3;
        case 'u':
        case 'U': {
                unsigned n = s[0] == 'u' ? 4 : 8;
                if (read_digits(s + 1, avail - 1, n, 16, &v) < 0 || v == 0 || !unichar_is_valid(v))
                        return -EINVAL;
                *ret_len = utf8_encode(out, v);
                return (int) n + 1;
        }
        case '0': case '1': case '2': case '3':
        case '4': case '5': case '6': case '7':
                if (read_digits(s, avail, 3, 8, &v) < 0 || v == 0 || v > 255)
                        return -EINVAL;
                out[0] = (char) v;
                *ret_len = 1;
                return 3;
        default:
                return -EINVAL;
        }
}

/* The byte after a backslash at *s: decode it into buf per flags. */
static int take_escape(const char **s, const char *separators, enum word_flags flags, char *buf, size_t *n)
{
        const char *c = *s;
        char dec[4];
        size_t dlen;
        int k;

        if (!(flags & (WORD_CUNESCAPE | WORD_UNESCAPE_SEPARATORS))) {
                buf[(*n)++] = *c;
                *s = c + 1;
                return 0;
        }
        if ((flags & WORD_CUNESCAPE) && (k = unescape_one(c, AVAIL_NUL_TERMINATED, dec, &dlen)) > 0) {
                memcpy(buf + *n, dec, dlen);
                *n += dlen;
                *s = c + k;
                return 0;
        }
        if ((flags & WORD_UNESCAPE_SEPARATORS) && (strchr(separators, *c) || *c == '\\')) {
                buf[(*n)++] = *c;
                *s = c + 1;
                return 0;
        }
        if (flags & WORD_UNESCAPE_RELAX) {
                buf[(*n)++] = '\\';
                buf[(*n)++] = *c;
                *s = c + 1;
                return 0;
        }
        return -EINVAL;
}

/* The default separators (whitespace) without a strchr per byte: this loop
 * runs over every byte of every unit file's lists. */
static const char default_separators[] = WORD_SEPARATORS;

static bool is_separator(const char *separators, char c)
{
        if (separators == default_separators)
                return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        return strchr(separators, c) != NULL;
}

int word_extract(const char **p, char **ret, const char *separators, enum word_flags flags)
{
        const char *s = *p;
        char *buf = NULL;
        size_t n = 0, cap = 0;
        char quote = 0;
        int r;

        if (!separators)
                separators = default_separators;
        if (!s) {
                *ret = NULL;
                return 0;
        }
        s += strspn(s, separators);
        if (*s == 0) {
                *p = s;
                *ret = NULL;
                return 0;
        }

        /* Most words have no quote and no escape: such a word is copied
         * whole, where the loop below grows a buffer byte by byte. */
        size_t len = 0;
        for (char c; (c = s[len]) && !is_separator(separators, c); len++)
                if ((c == '\\' && !(flags & WORD_RETAIN_ESCAPE)) ||
                    ((c == '"' || c == '\'') && (flags & WORD_UNQUOTE)))
                        goto slow;
        buf = strndup(s, len);
        if (!buf)
                return -ENOMEM;
        s += len;
        *p = s + strspn(s, separators);
        *ret = buf;
        return 1;

slow:
        for (;;) {
                char c = *s;

                /* Room for the longest step (a 4-byte escape) and the NUL.
                 * Grown as we go: sizing by the rest of the input would make
                 * splitting a long line quadratic. */
                if (n + 5 > cap) {
                        size_t ncap = cap ? cap * 2 : 32;
                        char *b = realloc(buf, ncap);
                        if (!b) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        buf = b;
                        cap = ncap;
                }

                if (c == 0) {
                        if (quote && !(flags & WORD_RELAX)) {
                                r = -EINVAL;
                                goto fail;
                        }
                        break;
                }
                if (c == '\\' && !(flags & WORD_RETAIN_ESCAPE)) {
                        s++;
                        if (*s == 0) {
                                if ((flags & WORD_UNESCAPE_RELAX) && (!quote || (flags & WORD_RELAX))) {
                                        buf[n++] = '\\';
                                        break;
                                }
                                if (flags & WORD_RELAX)
                                        break;
                                r = -EINVAL;
                                goto fail;
                        }
                        r = take_escape(&s, separators, flags, buf, &n);
                        if (r < 0)
                                goto fail;
                        continue;
                }
                if (quote) {
                        if (c == quote)
                                quote = 0;
                        else
                                buf[n++] = c;
                        s++;
                        continue;
                }
                if ((c == '"' || c == '\'') && (flags & WORD_UNQUOTE)) {
                        quote = c;
                        s++;
                        continue;
                }
                if (is_separator(separators, c)) {
                        s += strspn(s, separators);
                        break;
                }
                buf[n++] = c;
                s++;
        }

        buf[n] = 0;
        *p = s;
        /* Words are often kept (command lines): give back the doubling slack. */
        char *fit = realloc(buf, n + 1);
        *ret = fit ? fit : buf;
        return 1;

fail:
        free(buf);
        return r;
}

int word_cunescape(const char *s, size_t len, char **ret)
{
        char *buf = malloc(len + 1);
        size_t n = 0;
        int r;

        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; i < len;) {
                char dec[4];
                size_t dlen;
                int k;

                if (s[i] == 0) {
                        r = -EINVAL;
                        goto fail;
                }
                if (s[i] != '\\') {
                        buf[n++] = s[i++];
                        continue;
                }
                k = unescape_one(s + i + 1, len - i - 1, dec, &dlen);
                if (k < 0) {
                        r = k;
                        goto fail;
                }
                memcpy(buf + n, dec, dlen);
                n += dlen;
                i += 1 + (size_t) k;
        }
        buf[n] = 0;
        *ret = buf;
        return 0;

fail:
        free(buf);
        return r;
}

bool utf8_is_valid_n(const char *s, size_t len)
{
        const unsigned char *u = (const unsigned char *) s;
        size_t i = 0;

        while (i < len) {
                /* Unit files are mostly ASCII: eight bytes at a time while
                 * none has its top bit set and none is zero. */
                for (uint64_t w; len - i >= 8; i += 8) {
                        memcpy(&w, u + i, 8);
                        if ((w & 0x8080808080808080ULL) ||
                            ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
                                break;
                }
                if (i == len)
                        break;
                unsigned char c = u[i];
                unsigned more;
                uint32_t cp, min;

                if (c == 0)
                        return false;
                if (c < 0x80) {
                        i++;
                        continue;
                }
                if ((c & 0xE0) == 0xC0) {
                        more = 1, cp = c & 0x1F, min = 0x80;
                } else if ((c & 0xF0) == 0xE0) {
                        more = 2, cp = c & 0x0F, min = 0x800;
                } else if ((c & 0xF8) == 0xF0) {
                        more = 3, cp = c & 0x07, min = 0x10000;
                } else
                        return false;
                if (len - i <= more)
                        return false;
                for (unsigned j = 1; j <= more; j++) {
                        if ((u[i + j] & 0xC0) != 0x80)
                                return false;
                        cp = (cp << 6) | (u[i + j] & 0x3F);
                }
                if (cp < min || !unichar_is_valid(cp))
                        return false;
                i += more + 1;
        }
        return true;
}

bool utf8_is_valid(const char *s)
{
        return utf8_is_valid_n(s, strlen(s));
}
