/* Reads boot.yaml into a struct boot_record; see boot_record_read.h. The
 * file is loaded whole with libyaml's document loader (so every node keeps
 * its line for messages), then walked with two field tables: one for the
 * top-level mapping, one for a unit. */
#include "ctl/boot_record_read.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/lib_yaml.h"

enum record_field_kind {
        RECORD_FIELD_STRING, /* const char * */
        RECORD_FIELD_USEC,   /* uint64_t */
        RECORD_FIELD_LIST,   /* char *const * */
        RECORD_FIELD_UNITS,  /* the units sequence of struct boot_record */
};

struct record_field {
        const char *key;
        enum record_field_kind kind;
        size_t offset;
        bool required;
};

#define UNIT_FIELD(key, kind, member, required) { key, kind, offsetof(struct boot_record_unit, member), required }
static const struct record_field unit_fields[] = {
        UNIT_FIELD("id", RECORD_FIELD_STRING, id, true),
        UNIT_FIELD("type", RECORD_FIELD_STRING, type, false),
        UNIT_FIELD("service_type", RECORD_FIELD_STRING, service_type, false),
        UNIT_FIELD("active_state", RECORD_FIELD_STRING, active_state, false),
        UNIT_FIELD("result", RECORD_FIELD_STRING, result, false),
        UNIT_FIELD("queued_usec", RECORD_FIELD_USEC, queued, false),
        UNIT_FIELD("activating_usec", RECORD_FIELD_USEC, activating, false),
        UNIT_FIELD("forked_usec", RECORD_FIELD_USEC, forked, false),
        UNIT_FIELD("execed_usec", RECORD_FIELD_USEC, execed, false),
        UNIT_FIELD("active_usec", RECORD_FIELD_USEC, active, false),
        UNIT_FIELD("exited_usec", RECORD_FIELD_USEC, exited, false),
        UNIT_FIELD("deactivating_usec", RECORD_FIELD_USEC, deactivating, false),
        UNIT_FIELD("inactive_usec", RECORD_FIELD_USEC, inactive, false),
        UNIT_FIELD("bus_name_usec", RECORD_FIELD_USEC, bus_name, false),
        UNIT_FIELD("after", RECORD_FIELD_LIST, after, true),
        UNIT_FIELD("requires", RECORD_FIELD_LIST, requires, true),
        UNIT_FIELD("wants", RECORD_FIELD_LIST, wants, true),
};

#define TOP_FIELD(key, kind, member) { key, kind, offsetof(struct boot_record, member), true }
static const struct record_field top_fields[] = {
        TOP_FIELD("manager_start_usec", RECORD_FIELD_USEC, manager_start),
        /* Newer than the format's first version: optional. */
        { "generators_start_usec", RECORD_FIELD_USEC, offsetof(struct boot_record, generators_start), false },
        { "generators_finish_usec", RECORD_FIELD_USEC, offsetof(struct boot_record, generators_finish), false },
        { "units_load_start_usec", RECORD_FIELD_USEC, offsetof(struct boot_record, units_load_start), false },
        { "units_load_finish_usec", RECORD_FIELD_USEC, offsetof(struct boot_record, units_load_finish), false },
        TOP_FIELD("target", RECORD_FIELD_STRING, target),
        TOP_FIELD("target_reached_usec", RECORD_FIELD_USEC, target_reached),
        TOP_FIELD("units", RECORD_FIELD_UNITS, units),
};

struct reader {
        const char *path;
        yaml_document_t doc;
        struct hashmap ids; /* unit id -> its struct boot_record_unit, for duplicates */
};

static unsigned node_line(const yaml_node_t *n)
{
        return (unsigned) n->start_mark.line + 1;
}

/* Logs "path:line: message" for node n and returns -EBADMSG. */
__attribute__((format(printf, 3, 4))) static int bad(const struct reader *rd, const yaml_node_t *n, const char *fmt,
                                                     ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return log_syntax(LOG_LEVEL_ERROR, EBADMSG, rd->path, n ? node_line(n) : 0, "%s", msg);
}

static yaml_node_t *node(struct reader *rd, int id)
{
        return yaml_document_get_node(&rd->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
        return n && n->type == YAML_SCALAR_NODE ? (const char *) n->data.scalar.value : NULL;
}

static int read_usec(struct reader *rd, const yaml_node_t *n, const char *key, uint64_t *ret)
{
        const char *s = scalar(n);
        unsigned long long v;
        char *end;

        if (!s)
                return bad(rd, n, "%s: expected a number of microseconds", key);
        if (*s < '0' || *s > '9')
                return bad(rd, n, "%s: not a number of microseconds: \"%s\"", key, s);
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno != 0 || *end != '\0')
                return bad(rd, n, "%s: not a number of microseconds: \"%s\"", key, s);
        *ret = v;
        return 0;
}

static int read_string(struct reader *rd, const yaml_node_t *n, const char *key, const char **ret)
{
        const char *s = scalar(n);
        char *copy;

        if (!s)
                return bad(rd, n, "%s: expected a string", key);
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

static int read_list(struct reader *rd, const yaml_node_t *n, const char *key, char *const **ret)
{
        char **l = NULL;

        if (n->type != YAML_SEQUENCE_NODE)
                return bad(rd, n, "%s: expected a list of unit names", key);
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
                const yaml_node_t *item = node(rd, *i);
                const char *s = scalar(item);
                int k;

                if (!s || !*s) {
                        strv_free(l);
                        return bad(rd, item ? item : n, "%s: expected a unit name", key);
                }
                k = strv_extend(&l, s);
                if (k < 0) {
                        strv_free(l);
                        return k;
                }
        }
        *ret = l;
        return 0;
}

static int read_mapping(struct reader *rd, const yaml_node_t *map, const struct record_field *fields,
                        size_t n_fields, void *dest, const char *what);

static int read_units(struct reader *rd, const yaml_node_t *n, struct boot_record *r)
{
        size_t count;

        if (n->type != YAML_SEQUENCE_NODE)
                return bad(rd, n, "units: expected a list of units");
        count = (size_t) (n->data.sequence.items.top - n->data.sequence.items.start);
        if (count == 0)
                return 0;
        struct boot_record_unit *units = calloc(count, sizeof *units);
        if (!units)
                return -ENOMEM;
        /* Owned by r from here, so the caller's cleanup frees what was read. */
        r->units = units;
        r->n_units = count;
        for (size_t i = 0; i < count; i++) {
                const yaml_node_t *item = node(rd, n->data.sequence.items.start[i]);
                int k;

                if (!item || item->type != YAML_MAPPING_NODE)
                        return bad(rd, item ? item : n, "units: item %zu is not a mapping", i + 1);
                k = read_mapping(rd, item, unit_fields, ELEMENTSOF(unit_fields), &units[i], "unit");
                if (k < 0)
                        return k;
                if (!*units[i].id)
                        return bad(rd, item, "unit: empty id");
                k = hashmap_put(&rd->ids, units[i].id, &units[i]);
                if (k == -EEXIST)
                        return bad(rd, item, "unit %s: listed twice", units[i].id);
                if (k < 0)
                        return k;
        }
        return 0;
}

static int read_mapping(struct reader *rd, const yaml_node_t *map, const struct record_field *fields,
                        size_t n_fields, void *dest, const char *what)
{
        uint32_t seen = 0;
        char *base = dest;

        assert(n_fields <= 32);
        for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
                const yaml_node_t *kn = node(rd, p->key), *vn = node(rd, p->value);
                const char *key = scalar(kn);
                size_t i;
                int k;

                if (!key || !vn)
                        return bad(rd, kn ? kn : map, "%s: a key is not a string", what);
                for (i = 0; i < n_fields; i++)
                        if (strcmp(fields[i].key, key) == 0)
                                break;
                if (i == n_fields)
                        continue; /* a newer weft's field */
                if (seen & (UINT32_C(1) << i))
                        return bad(rd, kn, "%s: key %s given twice", what, key);
                seen |= UINT32_C(1) << i;

                void *field = base + fields[i].offset;
                switch (fields[i].kind) {
                case RECORD_FIELD_STRING:
                        k = read_string(rd, vn, key, field);
                        break;
                case RECORD_FIELD_USEC:
                        k = read_usec(rd, vn, key, field);
                        break;
                case RECORD_FIELD_LIST:
                        k = read_list(rd, vn, key, field);
                        break;
                case RECORD_FIELD_UNITS:
                        k = read_units(rd, vn, dest);
                        break;
                default:
                        assert(!"unknown field kind");
                        k = -EINVAL;
                }
                if (k < 0)
                        return k;
        }
        for (size_t i = 0; i < n_fields; i++)
                if (fields[i].required && !(seen & (UINT32_C(1) << i)))
                        return bad(rd, map, "%s: missing key %s", what, fields[i].key);
        return 0;
}

/* libyaml's own diagnostics: a syntax error has a place, an I/O error not. */
static int parse_error(struct reader *rd, const yaml_parser_t *parser)
{
        if (parser->error == YAML_MEMORY_ERROR)
                return log_error_errno(ENOMEM, "%s: out of memory", rd->path);
        const char *problem = parser->problem ? parser->problem : "not valid YAML";
        if (parser->error == YAML_READER_ERROR)
                return log_syntax(LOG_LEVEL_ERROR, EBADMSG, rd->path, 0, "%s at byte %zu", problem,
                                  parser->problem_offset);
        return log_syntax_at(LOG_LEVEL_ERROR, EBADMSG, rd->path, (unsigned) parser->problem_mark.line + 1,
                             (unsigned) parser->problem_mark.column + 1, "%s%s%s", problem,
                             parser->context ? " " : "", parser->context ? parser->context : "");
}

int boot_record_read(const char *path, struct boot_record *ret)
{
        struct reader rd = { .path = path };
        struct boot_record r = { 0 };
        yaml_parser_t parser;
        bool parser_ready = false, doc_ready = false;
        struct stat st;
        FILE *f;
        int k;

        hashmap_init(&rd.ids);
        f = fopen(path, "re");
        if (!f) {
                k = -errno;
                log_error_errno(k, "%s: cannot open boot record: %s", path, strerror(-k));
                goto out;
        }
        if (fstat(fileno(f), &st) < 0) {
                k = -errno;
                log_error_errno(k, "%s: %s", path, strerror(-k));
                goto out;
        }
        if (!S_ISREG(st.st_mode) || st.st_size > (off_t) BOOT_RECORD_READ_MAX) {
                k = log_error_errno(EFBIG, "%s: not a regular file of at most %u bytes", path,
                                    BOOT_RECORD_READ_MAX);
                goto out;
        }
        k = yaml_lib_load();
        if (k < 0)
                goto out; /* the loader said why */
        if (!yaml_parser_initialize(&parser)) {
                k = -ENOMEM;
                goto out;
        }
        parser_ready = true;
        yaml_parser_set_input_file(&parser, f);
        if (!yaml_parser_load(&parser, &rd.doc)) {
                k = parse_error(&rd, &parser);
                goto out;
        }
        doc_ready = true;

        const yaml_node_t *root = yaml_document_get_root_node(&rd.doc);
        if (!root) {
                k = log_syntax(LOG_LEVEL_ERROR, EBADMSG, path, 1, "empty file, no boot record");
                goto out;
        }
        if (root->type != YAML_MAPPING_NODE) {
                k = bad(&rd, root, "the boot record is not a mapping");
                goto out;
        }
        k = read_mapping(&rd, root, top_fields, ELEMENTSOF(top_fields), &r, "boot record");
        if (k == -ENOMEM)
                log_error_errno(k, "%s: out of memory", path);
        if (k < 0)
                goto out;
        *ret = r;
        r = (struct boot_record) { 0 };
out:
        boot_record_read_free(&r);
        hashmap_done(&rd.ids);
        if (doc_ready)
                yaml_document_delete(&rd.doc);
        if (parser_ready)
                yaml_parser_delete(&parser);
        if (f)
                fclose(f);
        return k;
}

void boot_record_read_free(struct boot_record *r)
{
        for (size_t i = 0; i < r->n_units; i++) {
                const struct boot_record_unit *u = &r->units[i];
                free((char *) u->id);
                free((char *) u->type);
                free((char *) u->service_type);
                free((char *) u->active_state);
                free((char *) u->result);
                strv_free((char **) u->after);
                strv_free((char **) u->requires);
                strv_free((char **) u->wants);
        }
        free((void *) r->units);
        free((char *) r->target);
        *r = (struct boot_record) { 0 };
}
