/* weft's YAML configuration (see config.h). The main thread calls it once
 * at start-up, before any other thread exists.
 *
 * The file is loaded whole into a libyaml document, then walked against
 * tables: one row per key with its value parser and the field it fills, or
 * the table of a nested mapping (log:, timeouts:). Everything is applied to a
 * copy of the caller's config, which replaces the original only when the
 * whole document was good. Each error is one line "file:line:column: ..."
 * with libyaml's 0-based marks turned 1-based. */
#include "parse/config.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cpu_pin.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/lib_yaml.h"
#include "parse/value.h"

#define CONFIG_WORKERS_MAX 1024u
/* A configuration is a few hundred bytes; anything far larger is a mistake. */
#define CONFIG_FILE_MAX (1024u * 1024u)

/* systemd's system unit path, in its order (less the .control and
 * .attached directories weft never writes, and the transient one, which
 * main puts first when StartTransientUnit has one), with weft's own first. The
 * generator directories are filled by the generators weft runs as PID 1. */
static const char *const default_unit_paths[] = {
        "/etc/weft/system",
        "/run/systemd/generator.early",
        "/etc/systemd/system",
        "/run/systemd/system",
        "/run/systemd/generator",
        "/usr/local/lib/systemd/system",
        "/lib/systemd/system",
        "/usr/lib/systemd/system",
        "/run/systemd/generator.late",
        NULL,
};

struct config_ctx {
        const char *name;       /* for diagnostics */
        yaml_document_t *doc;
};

/* Parses node into the field at dst. key is the dotted key, for messages. */
typedef int (*config_parser_t)(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst);

struct config_item {
        const char *key;
        config_parser_t parse;          /* a value... */
        size_t offset;                  /* ...into this field of struct weft_config */
        const struct config_item *sub;  /* or a nested mapping with these keys */
};

static int config_error(const struct config_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int config_error(const struct config_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return log_syntax_at(LOG_LEVEL_ERROR, -EINVAL, ctx->name, (unsigned) mark.line + 1,
                             (unsigned) mark.column + 1, "%s", msg);
}

/* "", "~" and "null" written plainly are YAML's null: a document holding
 * only that (as "---" alone does) sets nothing. */
static bool node_is_null(const yaml_node_t *n)
{
        if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
                return false;
        const char *s = (const char *) n->data.scalar.value;
        return strcmp(s, "") == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
               strcmp(s, "NULL") == 0;
}

static const char *node_kind(const yaml_node_t *node)
{
        if (node_is_null(node))
                return "nothing";
        switch (node->type) {
        case YAML_SCALAR_NODE:
                return "a scalar";
        case YAML_SEQUENCE_NODE:
                return "a list";
        case YAML_MAPPING_NODE:
                return "a mapping";
        default:
                return "nothing";
        }
}

/* The text of a scalar node. YAML allows "\0" in quoted scalars; a C string
 * cannot hold it, so it is refused rather than silently cut. */
static int node_scalar(const struct config_ctx *ctx, const char *key, yaml_node_t *node, const char **ret)
{
        if (node->type != YAML_SCALAR_NODE)
                return config_error(ctx, node->start_mark, "%s: expected a scalar, got %s", key, node_kind(node));
        const char *s = (const char *) node->data.scalar.value;
        if (strlen(s) != node->data.scalar.length)
                return config_error(ctx, node->start_mark, "%s: value contains a NUL byte", key);
        *ret = s;
        return 0;
}

static int check_absolute_path(const struct config_ctx *ctx, const char *key, yaml_node_t *node, const char *s)
{
        if (s[0] != '/')
                return config_error(ctx, node->start_mark, "%s: \"%s\" is not an absolute path", key, s);
        return 0;
}

static int replace_string(char **dst, const char *s)
{
        char *copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        free(*dst);
        *dst = copy;
        return 0;
}

static int parse_path_list(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        char **l = NULL;
        int r;

        if (node->type != YAML_SEQUENCE_NODE)
                return config_error(ctx, node->start_mark, "%s: expected a list, got %s", key, node_kind(node));
        if (node->data.sequence.items.top == node->data.sequence.items.start)
                return config_error(ctx, node->start_mark, "%s: the list is empty", key);
        for (yaml_node_item_t *i = node->data.sequence.items.start; i < node->data.sequence.items.top; i++) {
                yaml_node_t *item = yaml_document_get_node(ctx->doc, *i);
                const char *s = NULL;
                r = node_scalar(ctx, key, item, &s);
                if (r < 0)
                        goto out;
                r = check_absolute_path(ctx, key, item, s);
                if (r < 0)
                        goto out;
                r = strv_extend(&l, s);
                if (r < 0)
                        goto out;
        }
        strv_free(*(char ***) dst);
        *(char ***) dst = l;
        l = NULL;
        r = 0;
out:
        strv_free(l);
        return r;
}

static int parse_path(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        const char *s = NULL;
        int r = node_scalar(ctx, key, node, &s);
        if (r < 0)
                return r;
        r = check_absolute_path(ctx, key, node, s);
        if (r < 0)
                return r;
        return replace_string(dst, s);
}

static int parse_target_name(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        static const char suffix[] = ".target";
        const char *s = NULL;
        int r = node_scalar(ctx, key, node, &s);
        if (r < 0)
                return r;
        size_t n = strlen(s);
        if (n <= strlen(suffix) || strcmp(s + n - strlen(suffix), suffix) != 0 || strchr(s, '/'))
                return config_error(ctx, node->start_mark, "%s: \"%s\" is not a target unit name", key, s);
        return replace_string(dst, s);
}

/* An unsigned count in [min, max]; the message gives the range if there is one. */
static int parse_count_in(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst,
                          unsigned min, unsigned max)
{
        const char *s = NULL;
        unsigned n;
        int r = node_scalar(ctx, key, node, &s);
        if (r < 0)
                return r;
        if (parse_unsigned(s, &n) < 0 || n < min || n > max)
                return max == UINT_MAX ? config_error(ctx, node->start_mark, "%s: \"%s\" is not a number", key, s)
                                       : config_error(ctx, node->start_mark, "%s: \"%s\" is not a number in %u..%u",
                                                      key, s, min, max);
        *(unsigned *) dst = n;
        return 0;
}

static int parse_count(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        return parse_count_in(ctx, key, node, dst, 0, UINT_MAX);
}

static int parse_workers(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        return parse_count_in(ctx, key, node, dst, 1, CONFIG_WORKERS_MAX);
}

/* "auto" (the CPU weft starts on), "none" (any) or a CPU number. */
static int parse_cpu(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        const char *s = NULL;
        unsigned n;
        int r = node_scalar(ctx, key, node, &s);
        if (r < 0)
                return r;
        if (strcmp(s, "auto") == 0)
                *(int *) dst = CPU_PIN_AUTO;
        else if (strcmp(s, "none") == 0)
                *(int *) dst = CPU_PIN_NONE;
        else if (parse_unsigned(s, &n) == 0 && n < CPU_SETSIZE)
                *(int *) dst = (int) n;
        else
                return config_error(ctx, node->start_mark, "%s: \"%s\" is not auto, none or a CPU number", key, s);
        return 0;
}

static int parse_level(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        const char *s = NULL;
        int r = node_scalar(ctx, key, node, &s);
        if (r < 0)
                return r;
        enum log_level l = log_level_from_string(s);
        if (l == _LOG_LEVEL_INVALID)
                return config_error(ctx, node->start_mark,
                                    "%s: \"%s\" is not a log level (err, warning, notice, info, debug)", key, s);
        *(enum log_level *) dst = l;
        return 0;
}

static int parse_bool(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        const char *s = NULL;
        int r = node_scalar(ctx, key, node, &s);
        if (r < 0)
                return r;
        int b = parse_boolean(s);
        if (b < 0)
                return config_error(ctx, node->start_mark, "%s: \"%s\" is not a boolean", key, s);
        *(bool *) dst = b;
        return 0;
}

static int parse_time(const struct config_ctx *ctx, const char *key, yaml_node_t *node, void *dst)
{
        const char *s = NULL;
        uint64_t usec;
        int r = node_scalar(ctx, key, node, &s);
        if (r < 0)
                return r;
        if (parse_timespan(s, USEC_PER_SEC, &usec) < 0)
                return config_error(ctx, node->start_mark, "%s: \"%s\" is not a time span", key, s);
        *(uint64_t *) dst = usec;
        return 0;
}

#define FIELD(f) offsetof(struct weft_config, f)

static const struct config_item log_items[] = {
        { "level", parse_level, FIELD(log_level), NULL },
        { "console", parse_bool, FIELD(log_console), NULL },
        { 0 },
};

static const struct config_item timeout_items[] = {
        { "start", parse_time, FIELD(timeout_start_usec), NULL },
        { "stop", parse_time, FIELD(timeout_stop_usec), NULL },
        { 0 },
};

static const struct config_item top_items[] = {
        { "unit_paths", parse_path_list, FIELD(unit_paths), NULL },
        { "default_target", parse_target_name, FIELD(default_target), NULL },
        { "workers", parse_workers, FIELD(workers), NULL },
        { "runtime_dir", parse_path, FIELD(runtime_dir), NULL },
        { "manager_cpu", parse_cpu, FIELD(manager_cpu), NULL },
        { "log", NULL, 0, log_items },
        { "timeouts", NULL, 0, timeout_items },
        { "collected_units_max", parse_count, FIELD(collected_units_max), NULL },
        { 0 },
};

/* Applies the mapping node to c following items. section is the dotted
 * prefix of the keys ("" at the top). Tables nest only as deep as they are
 * written, so an alias that makes the document cyclic cannot loop here. */
static int apply_mapping(const struct config_ctx *ctx, const char *section, const struct config_item *items,
                         yaml_node_t *node, struct weft_config *c)
{
        unsigned long long seen = 0;    /* bit i: items[i] given; tables stay far below 64 rows */

        if (node->type != YAML_MAPPING_NODE)
                return config_error(ctx, node->start_mark, "%s: expected a mapping, got %s",
                                    section[0] ? section : "document", node_kind(node));
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
                yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
                yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
                const char *name;
                char key[64];
                size_t i;
                int r;

                if (k->type != YAML_SCALAR_NODE)
                        return config_error(ctx, k->start_mark, "%s%skeys must be scalars, got %s", section,
                                            section[0] ? ": " : "", node_kind(k));
                name = (const char *) k->data.scalar.value;
                for (i = 0; items[i].key; i++)
                        if (strlen(items[i].key) == k->data.scalar.length && strcmp(items[i].key, name) == 0)
                                break;
                if (!items[i].key)
                        return config_error(ctx, k->start_mark, "unknown key \"%s%s%.100s\"", section,
                                            section[0] ? "." : "", name);
                snprintf(key, sizeof key, "%s%s%s", section, section[0] ? "." : "", items[i].key);
                if (seen & (1ULL << i))
                        return config_error(ctx, k->start_mark, "duplicate key \"%s\"", key);
                seen |= 1ULL << i;

                if (items[i].sub)
                        r = apply_mapping(ctx, key, items[i].sub, v, c);
                else
                        r = items[i].parse(ctx, key, v, (char *) c + items[i].offset);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A syntax error from libyaml, as one line at its position. */
static int yaml_error(const struct config_ctx *ctx, const yaml_parser_t *p, const char *text, size_t len)
{
        yaml_mark_t mark = p->problem_mark;

        switch (p->error) {
        case YAML_MEMORY_ERROR:
                return log_error_errno(-ENOMEM, "%s: out of memory while parsing", ctx->name);
        case YAML_READER_ERROR:
                /* The reader reports a byte offset, not a mark. */
                mark = (yaml_mark_t) { 0 };
                for (size_t i = 0; i < p->problem_offset && i < len; i++) {
                        if (text[i] == '\n') {
                                mark.line++;
                                mark.column = 0;
                        } else
                                mark.column++;
                }
                break;
        default:
                break;
        }
        if (p->context)
                return config_error(ctx, mark, "YAML syntax error: %s %s", p->problem ? p->problem : "unknown",
                                    p->context);
        return config_error(ctx, mark, "YAML syntax error: %s", p->problem ? p->problem : "unknown");
}

static int config_copy(const struct weft_config *c, struct weft_config *ret)
{
        struct weft_config t = *c;

        t.unit_paths = strv_copy(c->unit_paths);
        t.default_target = strdup(c->default_target);
        t.runtime_dir = strdup(c->runtime_dir);
        t.generator_dirs = c->generator_dirs ? strv_copy(c->generator_dirs) : NULL;
        t.generator_output = c->generator_output ? strdup(c->generator_output) : NULL;
        if (!t.unit_paths || !t.default_target || !t.runtime_dir || (c->generator_dirs && !t.generator_dirs) ||
            (c->generator_output && !t.generator_output)) {
                config_done(&t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

int config_init(struct weft_config *c)
{
        struct weft_config t = {
                .workers = 8,
                .manager_cpu = CPU_PIN_AUTO,
                .log_level = LOG_LEVEL_INFO,
                .log_console = true,
                .timeout_start_usec = 90 * USEC_PER_SEC,
                .timeout_stop_usec = 90 * USEC_PER_SEC,
                .collected_units_max = 4096,
        };

        t.unit_paths = strv_copy((char *const *) default_unit_paths);
        t.default_target = strdup("default.target");
        t.runtime_dir = strdup("/run/weft");
        if (!t.unit_paths || !t.default_target || !t.runtime_dir) {
                config_done(&t);
                return -ENOMEM;
        }
        *c = t;
        return 0;
}

void config_done(struct weft_config *c)
{
        strv_free(c->unit_paths);
        c->unit_paths = NULL;
        freep_clear(&c->default_target);
        freep_clear(&c->runtime_dir);
        strv_free(c->generator_dirs);
        c->generator_dirs = NULL;
        freep_clear(&c->generator_output);
}

int config_load_string(struct weft_config *c, const char *name, const char *text, size_t len)
{
        struct config_ctx ctx = { .name = name };
        struct weft_config t = { 0 };
        yaml_parser_t parser;
        yaml_document_t doc, extra;
        bool have_doc = false, have_copy = false;
        int r;

        r = yaml_lib_load();
        if (r < 0)
                return log_error_errno(r, "%s: cannot be read without %s", name, YAML_LIB_SONAME);
        if (!yaml_parser_initialize(&parser))
                return log_error_errno(-ENOMEM, "%s: out of memory", name);
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, len);

        if (!yaml_parser_load(&parser, &doc)) {
                r = yaml_error(&ctx, &parser, text, len);
                goto out;
        }
        have_doc = true;
        ctx.doc = &doc;

        /* One document only: a second one would be silently ignored. */
        if (!yaml_parser_load(&parser, &extra)) {
                r = yaml_error(&ctx, &parser, text, len);
                goto out;
        }
        yaml_node_t *second = yaml_document_get_root_node(&extra);
        if (second) {
                r = config_error(&ctx, extra.start_mark, "a second YAML document is not allowed");
                yaml_document_delete(&extra);
                goto out;
        }
        yaml_document_delete(&extra);

        r = config_copy(c, &t);
        if (r < 0) {
                log_error_errno(r, "%s: out of memory", name);
                goto out;
        }
        have_copy = true;

        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (root && !node_is_null(root)) {
                r = apply_mapping(&ctx, "", top_items, root, &t);
                if (r == -ENOMEM)
                        log_error_errno(r, "%s: out of memory", name);
                if (r < 0)
                        goto out;
        }

        config_done(c);
        *c = t;
        have_copy = false;
        r = 0;
out:
        if (have_copy)
                config_done(&t);
        if (have_doc)
                yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        return r;
}

int config_load_file(struct weft_config *c, const char *path)
{
        char *buf = NULL;
        size_t len = 0;
        int r;

        FILE *f = fopen(path, "re");
        if (!f) {
                r = -errno;
                if (r != -ENOENT)
                        return log_error_errno(r, "%s: cannot open: %s", path, strerror(-r));
                log_debug("%s: not found", path);
                return r;
        }
        buf = malloc(CONFIG_FILE_MAX + 1);
        if (!buf) {
                r = log_error_errno(-ENOMEM, "%s: out of memory", path);
                goto out;
        }
        len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
        if (ferror(f)) {
                r = log_error_errno(-EIO, "%s: read error", path);
                goto out;
        }
        if (len > CONFIG_FILE_MAX) {
                r = log_error_errno(-EFBIG, "%s: larger than %u bytes", path, CONFIG_FILE_MAX);
                goto out;
        }
        r = config_load_string(c, path, buf, len);
out:
        free(buf);
        fclose(f);
        return r;
}
