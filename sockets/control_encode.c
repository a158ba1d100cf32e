/* Encoding a control request or reply to one JSON line (see
 * control_proto.h), walking the key tables in control_proto.c. The JSON is
 * hand-written: it is small and one line. Called by the control socket
 * server (replies) and weftctl (requests); no state, no logging. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "base/strv.h"
#include "sockets/control_proto_internal.h"

/* ---- encoding ---- */

/* The line being written. The first error sticks and stops all output, so
 * the writers need not check each append. */
struct out {
        char *buf;
        size_t len, cap;
        int err;
        const struct control_limits *lim;
};

static void out_append(struct out *o, const char *s, size_t n)
{
        if (o->err < 0)
                return;
        if (n > o->lim->message - o->len) {
                o->err = -EMSGSIZE;
                return;
        }
        if (o->len + n + 1 > o->cap) {
                size_t cap = o->cap ? o->cap : 256;
                while (cap < o->len + n + 1)
                        cap *= 2;
                char *b = realloc(o->buf, cap);
                if (!b) {
                        o->err = -ENOMEM;
                        return;
                }
                o->buf = b;
                o->cap = cap;
        }
        memcpy(o->buf + o->len, s, n);
        o->len += n;
        o->buf[o->len] = 0;
}

static void out_puts(struct out *o, const char *s)
{
        out_append(o, s, strlen(s));
}

/* One byte, without a length or a call to memcpy: JSON punctuation. */
static inline __attribute__((always_inline)) void out_char(struct out *o, char c)
{
        if (o->err == 0 && o->len + 2 <= o->cap && o->len < o->lim->message) {
                o->buf[o->len++] = c;
                o->buf[o->len] = 0;
        } else
                out_append(o, &c, 1);
}

/* Make room for about n more bytes at once (a large reply would otherwise
 * grow by doubling many times). */
static void out_reserve(struct out *o, size_t n)
{
        if (o->err < 0 || o->len + n + 1 <= o->cap || n > o->lim->message - o->len)
                return;
        char *b = realloc(o->buf, o->len + n + 1);
        if (!b) {
                o->err = -ENOMEM;
                return;
        }
        o->buf = b;
        o->cap = o->len + n + 1;
}

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
        char b[64];
        va_list ap;

        va_start(ap, fmt);
        int n = vsnprintf(b, sizeof b, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof b) {
                if (o->err == 0)
                        o->err = -EINVAL;
                return;
        }
        out_append(o, b, (size_t) n);
}

/* The length (1..4) of the well-formed UTF-8 sequence at s, with its code
 * point in *ret; 0 when it is not one (overlong, surrogate, past U+10FFFF,
 * cut short by the NUL). */
static size_t utf8_decode(const unsigned char *s, uint32_t *ret)
{
        uint32_t c;
        size_t n;

        if (s[0] < 0x80) {
                *ret = s[0];
                return 1;
        }
        if (s[0] >= 0xC2 && s[0] <= 0xDF) {
                n = 2;
                c = s[0] & 0x1F;
        } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
                n = 3;
                c = s[0] & 0x0F;
        } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
                n = 4;
                c = s[0] & 0x07;
        } else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3F);
        }
        if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
                return 0;
        *ret = c;
        return n;
}

/* Characters written as \uXXXX: JSON's control characters, and those that
 * libyaml would refuse raw (C1 controls, U+FFFE/FFFF, a BOM) or read as a
 * line break (NEL, U+2028, U+2029) and fold. */
static bool must_escape(uint32_t c)
{
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0xFEFF || c == 0xFFFE ||
               c == 0xFFFF;
}

static void out_string(struct out *o, const char *s, size_t max)
{
        const unsigned char *p = (const unsigned char *) s;
        size_t run = 0;         /* bytes at p passed through as they are */

        if (o->err < 0)
                return;
        out_char(o, '"');
        for (;;) {
                uint32_t c;
                size_t n;

                /* Fast path: printable ASCII other than '"' and '\\' passes as is. */
                while (p[run] >= 0x20 && p[run] < 0x7F && p[run] != '"' && p[run] != '\\')
                        run++;
                if ((size_t) ((const char *) p + run - s) > max) {
                        o->err = -EINVAL; /* the string's length counts, not its escaped size */
                        return;
                }
                if (p[run] == 0) {
                        out_append(o, (const char *) p, run);
                        break;
                }
                n = utf8_decode(p + run, &c);
                if (n == 0 && o->lim->lossy) {
                        out_append(o, (const char *) p, run);
                        out_puts(o, "\\uFFFD");
                        p += run + 1;
                        run = 0;
                        continue;
                }
                if (n == 0) {
                        if (o->err == 0)
                                o->err = -EINVAL;
                        return;
                }
                if (c != '"' && c != '\\' && !must_escape(c)) {
                        run += n;
                        continue;
                }
                out_append(o, (const char *) p, run);
                if (c == '"')
                        out_append(o, "\\\"", 2);
                else if (c == '\\')
                        out_puts(o, "\\\\");
                else if (c == '\n')
                        out_puts(o, "\\n");
                else if (c == '\t')
                        out_puts(o, "\\t");
                else
                        out_printf(o, "\\u%04X", (unsigned) c);
                p += run + n;
                run = 0;
        }
        out_char(o, '"');
}

static void out_strv(struct out *o, char *const *l)
{
        if (strv_length(l) > o->lim->list) {
                if (o->err == 0)
                        o->err = -EINVAL;
                return;
        }
        out_puts(o, "[");
        STRV_FOREACH(s, l) {
                if (s != l)
                        out_puts(o, ",");
                out_string(o, *s, o->lim->string);
        }
        out_puts(o, "]");
}

static void out_units(struct out *o, const struct control_reply *r)
{
        if (r->n_units > o->lim->list) {
                if (o->err == 0)
                        o->err = -EINVAL;
                return;
        }
        out_reserve(o, r->n_units > SIZE_MAX / 256 ? SIZE_MAX : r->n_units * 128); /* list-units: ~120 bytes a unit */
        out_char(o, '[');
        for (size_t i = 0; i < r->n_units; i++) {
                const struct control_unit *u = &r->units[i];
                size_t n = u->cap ? u->n : strv_length(u->keys);

                if ((u->cap ? u->n : strv_length(u->values)) != n || n > o->lim->list) {
                        if (o->err == 0)
                                o->err = -EINVAL;
                        return;
                }
                if (i > 0)
                        out_char(o, ',');
                out_char(o, '{');
                for (size_t j = 0; j < n; j++) {
                        if (j > 0)
                                out_char(o, ',');
                        size_t at = o->len;
                        out_string(o, u->keys[j], o->lim->string);
                        if (o->err == 0 && o->len - at > CONTROL_KEY_MAX)
                                o->err = -EMSGSIZE;
                        out_char(o, ':');
                        out_string(o, u->values[j], o->lim->string);
                }
                out_char(o, '}');
        }
        out_char(o, ']');
}

static void out_mapping(struct out *o, const struct field *fields, const void *base)
{
        bool first = true;

        out_puts(o, "{");
        for (const struct field *f = fields; f->key; f++) {
                if ((f->kind == FIELD_STRING || f->kind == FIELD_TEXT) && !*AT(base, char *const, f->offset))
                        continue;
                out_printf(o, "%s\"%s\":", first ? "" : ",", f->key);
                first = false;
                switch (f->kind) {
                case FIELD_VERSION: {
                        unsigned v = *AT(base, const unsigned, f->offset);
                        out_printf(o, "%u", v ? v : CONTROL_PROTOCOL_VERSION);
                        break;
                }
                case FIELD_INT:
                        out_printf(o, "%d", *AT(base, const int, f->offset));
                        break;
                case FIELD_UNSIGNED:
                        out_printf(o, "%u", *AT(base, const unsigned, f->offset));
                        break;
                case FIELD_BOOL:
                        out_puts(o, *AT(base, const bool, f->offset) ? "true" : "false");
                        break;
                case FIELD_STRING:
                        out_string(o, *AT(base, char *const, f->offset), o->lim->string);
                        break;
                case FIELD_TEXT:
                        out_string(o, *AT(base, char *const, f->offset), o->lim->message);
                        break;
                case FIELD_STRV:
                        out_strv(o, *AT(base, char **const, f->offset));
                        break;
                case FIELD_UNITS:
                        out_units(o, base);
                        break;
                case FIELD_MAPPING:
                        out_mapping(o, f->sub, base);
                        break;
                }
        }
        out_puts(o, "}");
}

static int encode(const struct field *fields, const struct control_limits *lim, const void *base, char **ret,
                  size_t *ret_len)
{
        struct out o = { .lim = lim };

        out_mapping(&o, fields, base);
        out_puts(&o, "\n");
        if (o.err < 0) {
                free(o.buf);
                return o.err;
        }
        *ret = o.buf;
        if (ret_len)
                *ret_len = o.len;
        return 0;
}

int control_request_encode(const struct control_request *r, char **ret, size_t *ret_len)
{
        if (!r->verb)
                return -EINVAL;
        return encode(control_request_fields, &control_request_limits, r, ret, ret_len);
}

int control_reply_encode(const struct control_reply *r, char **ret, size_t *ret_len)
{
        return encode(control_reply_fields, &control_reply_limits, r, ret, ret_len);
}
