/* Decoding a control request or reply (see control_proto.h), walking the
 * key tables in control_proto.c. It reads libyaml's events rather than a
 * loaded document, so depth, aliases and sizes are checked as the input is
 * read, before anything is built from it. Every decoding error is "line L
 * column C: ..." with libyaml's 0-based marks turned 1-based. Called by the
 * control socket server (requests) and weftctl (replies); no state, no
 * logging. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "base/strv.h"
#include "parse/lib_yaml.h"
#include "sockets/control_proto_internal.h"

/* ---- decoding ---- */

struct dec {
        yaml_parser_t parser;
        yaml_event_t ev;        /* the current event, when have_ev */
        bool have_ev;
        const char *buf;
        size_t len;
        unsigned depth;         /* lists and mappings open at ev */
        char *error;
        const struct control_limits *lim;
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
                if (v.n == d->lim->list) {
                        r = dec_fail(d, d->ev.start_mark, "\"%s\": more than %zu items", what, d->lim->list);
                        goto fail;
                }
                r = dec_string(d, what, d->lim->string, &s);
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
                if (keys.n == d->lim->list) {
                        r = dec_fail(d, d->ev.start_mark, "\"units\": a unit with more than %zu properties",
                                     d->lim->list);
                        goto fail;
                }
                r = dec_string(d, "units", d->lim->string, &s);
                if (r < 0)
                        goto fail;
                r = vec_push(&keys, s);
                if (r < 0)
                        goto fail;
                r = dec_next(d);
                if (r < 0)
                        goto fail;
                r = dec_string(d, keys.v[keys.n - 1], d->lim->string, &s);
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
                if (rep->n_units == d->lim->list)
                        return dec_fail(d, d->ev.start_mark, "\"units\": more than %zu items", d->lim->list);
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
                return dec_string(d, what, d->lim->string, AT(base, char *, f->offset));
        case FIELD_TEXT:
                return dec_string(d, what, d->lim->message, AT(base, char *, f->offset));
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
static int decode(const char *buf, size_t len, const struct field *fields, const struct control_limits *lim,
                  void *base, char **ret_error)
{
        struct dec d = { .buf = buf, .len = len, .lim = lim };
        int r;

        if (len > lim->message) {
                r = dec_fail(&d, dec_mark_at(&d, lim->message), "message longer than %zu bytes", lim->message);
                goto out_no_parser;
        }
        if (yaml_lib_load() < 0) {
                /* Said once in the log; each client is told why too. */
                d.error = strdup("cannot decode the message: " YAML_LIB_SONAME " cannot be loaded");
                r = d.error ? -EBADMSG : -ENOMEM;
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
        int r = decode(buf, len, control_request_fields, &control_request_limits, &t, ret_error);
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
        int r = decode(buf, len, control_reply_fields, &control_reply_limits, &t, ret_error);
        if (r < 0) {
                control_reply_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}
