/* The control protocol's messages (see control_proto.h): encoding to one
 * JSON line, decoding with libyaml, and the reply-building helpers. The
 * control socket server and weftctl call it; it keeps no state and logs
 * nothing.
 *
 * Both directions walk the same tables, one row per key with its type and
 * the field it fills. Encoding is hand-written JSON (small, one line).
 * Decoding reads libyaml's events rather than a loaded document, so depth,
 * aliases and sizes are checked as the input is read, before anything is
 * built from it. Every decoding error is "line L column C: ..." with
 * libyaml's 0-based marks turned 1-based. */
#include "sockets/control_proto.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/macro.h"
#include "core/strv.h"

enum field_kind {
        FIELD_VERSION,  /* unsigned, >= 1 */
        FIELD_INT,
        FIELD_UNSIGNED,
        FIELD_BOOL,
        FIELD_STRING,   /* char *, at most CONTROL_STRING_MAX bytes */
        FIELD_TEXT,     /* char *, bounded by the message only */
        FIELD_STRV,     /* char **, strings */
        FIELD_UNITS,    /* the units of struct control_reply */
        FIELD_MAPPING,  /* a nested table, in the same struct */
};

struct field {
        const char *key;
        enum field_kind kind;
        size_t offset;
        bool required;
        const struct field *sub;        /* FIELD_MAPPING */
};

#define REQ(f) offsetof(struct control_request, f)
#define REP(f) offsetof(struct control_reply, f)

static const struct field request_options[] = {
        { "no_block", FIELD_BOOL, REQ(no_block), false, NULL },
        { "signal", FIELD_INT, REQ(signal), false, NULL },
        { "properties", FIELD_STRV, REQ(properties), false, NULL },
        { "all", FIELD_BOOL, REQ(all), false, NULL },
        { "state", FIELD_STRING, REQ(state), false, NULL },
        { "exit_code", FIELD_INT, REQ(exit_code), false, NULL },
        { "lines", FIELD_UNSIGNED, REQ(lines), false, NULL },
        { 0 },
};

static const struct field request_fields[] = {
        { "version", FIELD_VERSION, REQ(version), true, NULL },
        { "verb", FIELD_STRING, REQ(verb), true, NULL },
        { "units", FIELD_STRV, REQ(units), false, NULL },
        { "options", FIELD_MAPPING, 0, false, request_options },
        { 0 },
};

static const struct field reply_fields[] = {
        { "version", FIELD_VERSION, REP(version), true, NULL },
        { "code", FIELD_INT, REP(code), true, NULL },
        { "error", FIELD_STRING, REP(error), false, NULL },
        { "units", FIELD_UNITS, 0, false, NULL },
        { "text", FIELD_TEXT, REP(text), false, NULL },
        { 0 },
};

#define AT(base, type, off) ((type *) ((char *) (base) + (off)))

/* ---- encoding ---- */

/* The line being written. The first error sticks and stops all output, so
 * the writers need not check each append. */
struct out {
        char *buf;
        size_t len, cap;
        int err;
};

static void out_append(struct out *o, const char *s, size_t n)
{
        if (o->err < 0)
                return;
        if (n > CONTROL_MESSAGE_MAX - o->len) {
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
        if (strlen(s) > max) {
                o->err = -EINVAL;
                return;
        }
        out_puts(o, "\"");
        for (;;) {
                uint32_t c;
                size_t n;

                /* Fast path: printable ASCII other than '"' and '\\' passes as is. */
                while (p[run] >= 0x20 && p[run] < 0x7F && p[run] != '"' && p[run] != '\\')
                        run++;
                if (p[run] == 0) {
                        out_append(o, (const char *) p, run);
                        break;
                }
                n = utf8_decode(p + run, &c);
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
                        out_puts(o, "\\\"");
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
        out_puts(o, "\"");
}

static void out_strv(struct out *o, char *const *l)
{
        if (strv_length(l) > CONTROL_LIST_MAX) {
                if (o->err == 0)
                        o->err = -EINVAL;
                return;
        }
        out_puts(o, "[");
        STRV_FOREACH(s, l) {
                if (s != l)
                        out_puts(o, ",");
                out_string(o, *s, CONTROL_STRING_MAX);
        }
        out_puts(o, "]");
}

static void out_units(struct out *o, const struct control_reply *r)
{
        if (r->n_units > CONTROL_LIST_MAX) {
                if (o->err == 0)
                        o->err = -EINVAL;
                return;
        }
        out_puts(o, "[");
        for (size_t i = 0; i < r->n_units; i++) {
                const struct control_unit *u = &r->units[i];
                size_t n = strv_length(u->keys);

                if (strv_length(u->values) != n || n > CONTROL_LIST_MAX) {
                        if (o->err == 0)
                                o->err = -EINVAL;
                        return;
                }
                out_puts(o, i > 0 ? ",{" : "{");
                for (size_t j = 0; j < n; j++) {
                        if (j > 0)
                                out_puts(o, ",");
                        out_string(o, u->keys[j], CONTROL_STRING_MAX);
                        out_puts(o, ":");
                        out_string(o, u->values[j], CONTROL_STRING_MAX);
                }
                out_puts(o, "}");
        }
        out_puts(o, "]");
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
                        out_string(o, *AT(base, char *const, f->offset), CONTROL_STRING_MAX);
                        break;
                case FIELD_TEXT:
                        out_string(o, *AT(base, char *const, f->offset), CONTROL_MESSAGE_MAX);
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

static int encode(const struct field *fields, const void *base, char **ret, size_t *ret_len)
{
        struct out o = { 0 };

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
        return encode(request_fields, r, ret, ret_len);
}

int control_reply_encode(const struct control_reply *r, char **ret, size_t *ret_len)
{
        return encode(reply_fields, r, ret, ret_len);
}

/* ---- decoding ---- */

struct dec {
        yaml_parser_t parser;
        yaml_event_t ev;        /* the current event, when have_ev */
        bool have_ev;
        const char *buf;
        size_t len;
        unsigned depth;         /* lists and mappings open at ev */
        char *error;
};

/* A growing string vector, NULL-terminated once it has an element. */
struct vec {
        char **v;
        size_t n, cap;
};

static int vec_push(struct vec *v, char *s)
{
        if (v->n + 1 >= v->cap) {
                size_t cap = v->cap ? v->cap * 2 : 8;
                char **nv = realloc(v->v, cap * sizeof(char *));
                if (!nv) {
                        free(s);
                        return -ENOMEM;
                }
                v->v = nv;
                v->cap = cap;
        }
        v->v[v->n++] = s;
        v->v[v->n] = NULL;
        return 0;
}

static int dec_fail(struct dec *d, yaml_mark_t mark, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static yaml_mark_t dec_mark_at(const struct dec *d, size_t offset);

static int dec_fail(struct dec *d, yaml_mark_t mark, const char *fmt, ...)
{
        char msg[256];
        va_list ap;

        /* At the end of the input libyaml has moved to a new line of its
         * own; name the place just after the message's last character.
         * (Its index counts characters, not bytes.) */
        size_t chars = 0;
        for (size_t i = 0; i < d->len; i++)
                chars += ((unsigned char) d->buf[i] & 0xC0) != 0x80;
        if (d->len > 0 && mark.index >= chars)
                mark = dec_mark_at(d, d->len - (d->buf[d->len - 1] == '\n'));

        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        free(d->error);
        if (asprintf(&d->error, "line %zu column %zu: %s", mark.line + 1, mark.column + 1, msg) < 0) {
                d->error = NULL;
                return -ENOMEM;
        }
        return -EBADMSG;
}

/* The mark of byte offset in the input (libyaml's reader gives offsets). */
static yaml_mark_t dec_mark_at(const struct dec *d, size_t offset)
{
        yaml_mark_t m = { 0 };

        for (size_t i = 0; i < offset && i < d->len; i++) {
                if (d->buf[i] == '\n') {
                        m.line++;
                        m.column = 0;
                } else
                        m.column++;
        }
        m.index = offset;
        return m;
}

static int dec_syntax_error(struct dec *d)
{
        const yaml_parser_t *p = &d->parser;
        yaml_mark_t mark = p->problem_mark;

        if (p->error == YAML_MEMORY_ERROR)
                return -ENOMEM;
        if (p->error == YAML_READER_ERROR)
                mark = dec_mark_at(d, p->problem_offset);
        return dec_fail(d, mark, "%s%s%s", p->problem ? p->problem : "syntax error", p->context ? " " : "",
                        p->context ? p->context : "");
}

/* Reads the next event into d->ev, refusing aliases and deep nesting. */
static int dec_next(struct dec *d)
{
        if (d->have_ev) {
                yaml_event_delete(&d->ev);
                d->have_ev = false;
        }
        if (!yaml_parser_parse(&d->parser, &d->ev))
                return dec_syntax_error(d);
        d->have_ev = true;
        switch (d->ev.type) {
        case YAML_ALIAS_EVENT:
                return dec_fail(d, d->ev.start_mark, "YAML aliases are not allowed");
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
                if (++d->depth > CONTROL_DEPTH_MAX)
                        return dec_fail(d, d->ev.start_mark, "nested deeper than %d levels", CONTROL_DEPTH_MAX);
                break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
                d->depth--;
                break;
        default:
                break;
        }
        return 0;
}

/* Skips the node that starts at the current event. */
static int dec_skip(struct dec *d)
{
        if (d->ev.type != YAML_SEQUENCE_START_EVENT && d->ev.type != YAML_MAPPING_START_EVENT)
                return 0;
        unsigned depth = d->depth - 1;
        while (d->depth > depth) {
                int r = dec_next(d);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool scalar_is(const yaml_event_t *e, const char *s)
{
        return e->type == YAML_SCALAR_EVENT && e->data.scalar.length == strlen(s) &&
               memcmp(e->data.scalar.value, s, e->data.scalar.length) == 0;
}

static bool is_plain(const yaml_event_t *e)
{
        return e->type == YAML_SCALAR_EVENT && e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* JSON's null, and YAML's other spellings of it. */
static bool is_null(const yaml_event_t *e)
{
        return is_plain(e) && (scalar_is(e, "") || scalar_is(e, "~") || scalar_is(e, "null") ||
                               scalar_is(e, "Null") || scalar_is(e, "NULL"));
}

/* A JSON integer: -?(0|[1-9][0-9]*), no fraction or exponent. */
static bool parse_integer(const yaml_event_t *e, long long *ret)
{
        if (!is_plain(e))
                return false;
        const char *s = (const char *) e->data.scalar.value;
        size_t n = e->data.scalar.length, i = s[0] == '-';

        if (n == i || n - i > 19 || (s[i] == '0' && n > i + 1))
                return false;
        for (size_t j = i; j < n; j++)
                if (s[j] < '0' || s[j] > '9')
                        return false;
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno != 0)
                return false;
        *ret = v;
        return true;
}

static const char *event_kind(const yaml_event_t *e)
{
        long long v;

        switch (e->type) {
        case YAML_SCALAR_EVENT:
                if (!is_plain(e))
                        return "a string";
                if (is_null(e))
                        return "null";
                if (scalar_is(e, "true") || scalar_is(e, "false"))
                        return "a boolean";
                if (parse_integer(e, &v))
                        return "a number";
                return "an unquoted scalar";
        case YAML_SEQUENCE_START_EVENT:
                return "a list";
        case YAML_MAPPING_START_EVENT:
                return "a mapping";
        default:
                return "nothing";
        }
}

static int dec_expected(struct dec *d, const char *what, const char *expected)
{
        return dec_fail(d, d->ev.start_mark, "\"%s\": expected %s, got %s", what, expected, event_kind(&d->ev));
}

/* The current event as a string: quoted, at most max bytes, no NUL. */
static int dec_string(struct dec *d, const char *what, size_t max, char **ret)
{
        const yaml_event_t *e = &d->ev;

        if (e->type != YAML_SCALAR_EVENT || e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
                return dec_expected(d, what, "a string");
        if (e->data.scalar.length > max)
                return dec_fail(d, e->start_mark, "\"%s\": string longer than %zu bytes", what, max);
        if (memchr(e->data.scalar.value, 0, e->data.scalar.length))
                return dec_fail(d, e->start_mark, "\"%s\": string contains a NUL character", what);
        char *s = strndup((const char *) e->data.scalar.value, e->data.scalar.length);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int dec_strv(struct dec *d, const char *what, char ***ret)
{
        struct vec v = { 0 };
        int r;

        if (d->ev.type != YAML_SEQUENCE_START_EVENT)
                return dec_expected(d, what, "a list of strings");
        for (;;) {
                char *s = NULL;

                r = dec_next(d);
                if (r < 0)
                        goto fail;
                if (d->ev.type == YAML_SEQUENCE_END_EVENT)
                        break;
                if (v.n == CONTROL_LIST_MAX) {
                        r = dec_fail(d, d->ev.start_mark, "\"%s\": more than %d items", what, CONTROL_LIST_MAX);
                        goto fail;
                }
                r = dec_string(d, what, CONTROL_STRING_MAX, &s);
                if (r < 0)
                        goto fail;
                r = vec_push(&v, s);
                if (r < 0)
                        goto fail;
        }
        *ret = v.v;     /* NULL when empty */
        return 0;
fail:
        strv_free(v.v);
        return r;
}

/* One unit of a reply: a mapping of strings to strings, in order. */
static int dec_unit(struct dec *d, struct control_unit *u)
{
        struct vec keys = { 0 }, values = { 0 };
        int r;

        if (d->ev.type != YAML_MAPPING_START_EVENT)
                return dec_expected(d, "units", "a list of mappings");
        for (;;) {
                char *s = NULL;

                r = dec_next(d);
                if (r < 0)
                        goto fail;
                if (d->ev.type == YAML_MAPPING_END_EVENT)
                        break;
                if (keys.n == CONTROL_LIST_MAX) {
                        r = dec_fail(d, d->ev.start_mark, "\"units\": a unit with more than %d properties",
                                     CONTROL_LIST_MAX);
                        goto fail;
                }
                r = dec_string(d, "units", CONTROL_STRING_MAX, &s);
                if (r < 0)
                        goto fail;
                r = vec_push(&keys, s);
                if (r < 0)
                        goto fail;
                r = dec_next(d);
                if (r < 0)
                        goto fail;
                r = dec_string(d, keys.v[keys.n - 1], CONTROL_STRING_MAX, &s);
                if (r < 0)
                        goto fail;
                r = vec_push(&values, s);
                if (r < 0)
                        goto fail;
        }
        u->keys = keys.v;
        u->values = values.v;
        return 0;
fail:
        strv_free(keys.v);
        strv_free(values.v);
        return r;
}

static int dec_units(struct dec *d, struct control_reply *rep)
{
        if (d->ev.type != YAML_SEQUENCE_START_EVENT)
                return dec_expected(d, "units", "a list of mappings");
        for (;;) {
                int r = dec_next(d);
                if (r < 0)
                        return r;
                if (d->ev.type == YAML_SEQUENCE_END_EVENT)
                        return 0;
                if (rep->n_units == CONTROL_LIST_MAX)
                        return dec_fail(d, d->ev.start_mark, "\"units\": more than %d items", CONTROL_LIST_MAX);
                struct control_unit *u = control_reply_add_unit(rep);
                if (!u)
                        return -ENOMEM;
                r = dec_unit(d, u);
                if (r < 0)
                        return r;
        }
}

static int dec_mapping(struct dec *d, const char *section, const struct field *fields, void *base);

/* The value of field f at the current event. */
static int dec_value(struct dec *d, const char *what, const struct field *f, void *base)
{
        long long v;

        switch (f->kind) {
        case FIELD_VERSION:
                if (!parse_integer(&d->ev, &v) || v < 1 || v > UINT_MAX)
                        return dec_expected(d, what, "an integer >= 1");
                *AT(base, unsigned, f->offset) = (unsigned) v;
                return 0;
        case FIELD_INT:
                if (!parse_integer(&d->ev, &v) || v < INT_MIN || v > INT_MAX)
                        return dec_expected(d, what, "an integer");
                *AT(base, int, f->offset) = (int) v;
                return 0;
        case FIELD_UNSIGNED:
                if (!parse_integer(&d->ev, &v) || v < 0 || v > UINT_MAX)
                        return dec_expected(d, what, "an integer >= 0");
                *AT(base, unsigned, f->offset) = (unsigned) v;
                return 0;
        case FIELD_BOOL:
                if (!is_plain(&d->ev) || !(scalar_is(&d->ev, "true") || scalar_is(&d->ev, "false")))
                        return dec_expected(d, what, "true or false");
                *AT(base, bool, f->offset) = scalar_is(&d->ev, "true");
                return 0;
        case FIELD_STRING:
                return dec_string(d, what, CONTROL_STRING_MAX, AT(base, char *, f->offset));
        case FIELD_TEXT:
                return dec_string(d, what, CONTROL_MESSAGE_MAX, AT(base, char *, f->offset));
        case FIELD_STRV:
                return dec_strv(d, what, AT(base, char **, f->offset));
        case FIELD_UNITS:
                return dec_units(d, base);
        case FIELD_MAPPING:
                if (d->ev.type != YAML_MAPPING_START_EVENT)
                        return dec_expected(d, what, "a mapping");
                return dec_mapping(d, what, f->sub, base);
        }
        return -EINVAL;
}

/* Fills base from the mapping that starts at the current event, following
 * fields. section names the mapping in messages ("" at the top). */
static int dec_mapping(struct dec *d, const char *section, const struct field *fields, void *base)
{
        yaml_mark_t start = d->ev.start_mark;
        unsigned long seen = 0, given = 0;      /* bit i: fields[i] present, and not null */
        int r;

        for (;;) {
                const struct field *f = NULL;
                char what[64];

                r = dec_next(d);
                if (r < 0)
                        return r;
                if (d->ev.type == YAML_MAPPING_END_EVENT)
                        break;
                if (d->ev.type == YAML_SCALAR_EVENT)
                        for (const struct field *i = fields; i->key; i++)
                                if (scalar_is(&d->ev, i->key)) {
                                        f = i;
                                        break;
                                }
                if (!f) {
                        /* A key from a newer peer (or a non-scalar one):
                         * skip it and its value, whatever they hold. */
                        r = dec_skip(d);
                        if (r < 0)
                                return r;
                        r = dec_next(d);
                        if (r < 0)
                                return r;
                        r = dec_skip(d);
                        if (r < 0)
                                return r;
                        continue;
                }
                unsigned long bit = 1UL << (f - fields);
                snprintf(what, sizeof what, "%s%s%s", section, section[0] ? "." : "", f->key);
                if (seen & bit)
                        return dec_fail(d, d->ev.start_mark, "duplicate key \"%s\"", what);
                seen |= bit;

                r = dec_next(d);
                if (r < 0)
                        return r;
                if (is_null(&d->ev))
                        continue;
                given |= bit;
                r = dec_value(d, what, f, base);
                if (r < 0)
                        return r;
        }

        for (const struct field *f = fields; f->key; f++) {
                if (!f->required || (given & (1UL << (f - fields))))
                        continue;
                if (f->kind == FIELD_VERSION)
                        return dec_fail(d, start, "unversioned message (no \"version\")");
                return dec_fail(d, start, "missing \"%s%s%s\"", section, section[0] ? "." : "", f->key);
        }
        return 0;
}

/* Decodes one message into base (zeroed by the caller) following fields. */
static int decode(const char *buf, size_t len, const struct field *fields, void *base, char **ret_error)
{
        struct dec d = { .buf = buf, .len = len };
        int r;

        if (len > CONTROL_MESSAGE_MAX) {
                r = dec_fail(&d, dec_mark_at(&d, CONTROL_MESSAGE_MAX), "message longer than %d bytes",
                             CONTROL_MESSAGE_MAX);
                goto out_no_parser;
        }
        if (!yaml_parser_initialize(&d.parser)) {
                r = -ENOMEM;
                goto out_no_parser;
        }
        yaml_parser_set_input_string(&d.parser, (const unsigned char *) buf, len);
        /* UTF-8 only: no guessing UTF-16 from a byte order mark. */
        yaml_parser_set_encoding(&d.parser, YAML_UTF8_ENCODING);

        r = dec_next(&d);       /* stream start */
        if (r < 0)
                goto out;
        r = dec_next(&d);
        if (r < 0)
                goto out;
        if (d.ev.type != YAML_DOCUMENT_START_EVENT) {
                r = dec_fail(&d, d.ev.start_mark, "empty message");
                goto out;
        }
        r = dec_next(&d);
        if (r < 0)
                goto out;
        if (d.ev.type != YAML_MAPPING_START_EVENT) {
                r = dec_fail(&d, d.ev.start_mark, "expected a mapping, got %s", event_kind(&d.ev));
                goto out;
        }
        r = dec_mapping(&d, "", fields, base);
        if (r < 0)
                goto out;
        r = dec_next(&d);       /* document end */
        if (r < 0)
                goto out;
        r = dec_next(&d);
        if (r < 0)
                goto out;
        if (d.ev.type != YAML_STREAM_END_EVENT) {
                r = dec_fail(&d, d.ev.start_mark, "more than one document");
                goto out;
        }
        r = 0;
out:
        if (d.have_ev)
                yaml_event_delete(&d.ev);
        yaml_parser_delete(&d.parser);
out_no_parser:
        if (ret_error)
                *ret_error = r == -EBADMSG ? d.error : NULL;
        if (!ret_error || r != -EBADMSG)
                free(d.error);
        return r;
}

int control_request_decode(const char *buf, size_t len, struct control_request *ret, char **ret_error)
{
        struct control_request t = { 0 };
        int r = decode(buf, len, request_fields, &t, ret_error);
        if (r < 0) {
                control_request_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

int control_reply_decode(const char *buf, size_t len, struct control_reply *ret, char **ret_error)
{
        struct control_reply t = { 0 };
        int r = decode(buf, len, reply_fields, &t, ret_error);
        if (r < 0) {
                control_reply_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

/* ---- lifetime and helpers ---- */

void control_request_done(struct control_request *r)
{
        freep_clear(&r->verb);
        strv_free(r->units);
        r->units = NULL;
        strv_free(r->properties);
        r->properties = NULL;
        freep_clear(&r->state);
}

void control_reply_done(struct control_reply *r)
{
        for (size_t i = 0; i < r->n_units; i++) {
                if (r->units[i].static_keys || r->units[i].borrowed)
                        free(r->units[i].keys);
                else
                        strv_free(r->units[i].keys);
                if (r->units[i].borrowed)
                        free(r->units[i].values);
                else
                        strv_free(r->units[i].values);
        }
        freep_clear(&r->units);
        r->n_units = 0;
        freep_clear(&r->error);
        freep_clear(&r->text);
}

int control_unit_add(struct control_unit *u, const char *key, const char *value)
{
        if (!u->cap && u->keys) /* filled by the decoder: count what is there */
                u->n = u->cap = strv_length(u->keys);
        if (u->n + 1 >= u->cap) {
                size_t cap = u->cap ? u->cap * 2 : 8;
                char **k = realloc(u->keys, cap * sizeof *k);
                if (!k)
                        return -ENOMEM;
                u->keys = k;
                char **v = realloc(u->values, cap * sizeof *v);
                if (!v)
                        return -ENOMEM;
                u->values = v;
                u->cap = cap;
        }
        char *k = u->static_keys || u->borrowed ? (char *) key : strdup(key);
        char *v = u->borrowed ? (char *) value : strdup(value);
        if (!k || !v) {
                if (!u->static_keys && !u->borrowed)
                        free(k);
                if (!u->borrowed)
                        free(v);
                return -ENOMEM;
        }
        u->keys[u->n] = k;
        u->values[u->n] = v;
        u->n++;
        u->keys[u->n] = NULL;
        u->values[u->n] = NULL;
        return 0;
}

struct control_unit *control_reply_add_unit(struct control_reply *r)
{
        size_t n = r->n_units;

        /* The capacity is n rounded up to a power of two: grow at each one. */
        if ((n & (n - 1)) == 0) {
                size_t cap = n ? 2 * n : 1;
                struct control_unit *u = realloc(r->units, cap * sizeof *u);
                if (!u)
                        return NULL;
                r->units = u;
        }
        r->units[n] = (struct control_unit) { 0 };
        r->n_units = n + 1;
        return &r->units[n];
}

const char *control_unit_get(const struct control_unit *u, const char *key)
{
        for (size_t i = 0; u->keys && u->keys[i]; i++)
                if (strcmp(u->keys[i], key) == 0)
                        return u->values[i];
        return NULL;
}
