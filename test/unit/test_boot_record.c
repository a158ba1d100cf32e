/* Tests for boot.yaml: written with the emitter, read back here with
 * libyaml's parser, the way weftctl analyze reads it. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "parse/boot_record.h"
#include "test/unit/test.h"

static char *a_after[] = { "b.service", "c.socket", NULL };
static char *a_wants[] = { "d.service", NULL };

static const struct boot_record_unit sample_units[] = {
        {
                .id = "a.service",
                .type = "service",
                .service_type = "oneshot",
                .active_state = "active",
                .result = "success",
                .queued = 1300,
                .activating = 1400,
                .forked = 1500,
                .execed = 1600,
                .active = 2100,
                .exited = 2000,
                .after = a_after,
                .wants = a_wants,
        },
        {
                .id = "default.target",
                .type = "target",
                .active_state = "active",
                .result = "success",
                .queued = 1000,
                .active = 2200,
        },
};

static const struct boot_record sample = {
        .manager_start = 900,
        .target_reached = 2200,
        .target = "default.target",
        .units = sample_units,
        .n_units = 2,
};

/* The parsed file; NULL (and a CUnit failure) when it does not parse. */
static yaml_document_t *load(const char *path)
{
        static yaml_document_t doc;
        yaml_parser_t parser;
        FILE *f = fopen(path, "r");
        int ok;

        CU_ASSERT_FATAL(f != NULL);
        CU_ASSERT_FATAL(yaml_parser_initialize(&parser));
        yaml_parser_set_input_file(&parser, f);
        ok = yaml_parser_load(&parser, &doc);
        yaml_parser_delete(&parser);
        fclose(f);
        CU_ASSERT(ok);
        if (!ok || !yaml_document_get_root_node(&doc)) {
                if (ok)
                        yaml_document_delete(&doc);
                return NULL;
        }
        return &doc;
}

static yaml_node_t *get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
        if (!map || map->type != YAML_MAPPING_NODE)
                return NULL;
        for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
                yaml_node_t *k = yaml_document_get_node(doc, p->key);
                if (k && k->type == YAML_SCALAR_NODE && strcmp((char *) k->data.scalar.value, key) == 0)
                        return yaml_document_get_node(doc, p->value);
        }
        return NULL;
}

/* A scalar's text, or "<missing>". */
static const char *str(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
        yaml_node_t *n = get(doc, map, key);
        return n && n->type == YAML_SCALAR_NODE ? (const char *) n->data.scalar.value : "<missing>";
}

static yaml_node_t *item(yaml_document_t *doc, yaml_node_t *seq, size_t i)
{
        if (!seq || seq->type != YAML_SEQUENCE_NODE)
                return NULL;
        if (seq->data.sequence.items.start + i >= seq->data.sequence.items.top)
                return NULL;
        return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

static size_t length(yaml_node_t *seq)
{
        if (!seq || seq->type != YAML_SEQUENCE_NODE)
                return (size_t) -1;
        return (size_t) (seq->data.sequence.items.top - seq->data.sequence.items.start);
}

static void test_written_record_reads_back(void)
{
        char path[512];
        yaml_document_t *doc;
        yaml_node_t *root, *units, *a, *t, *after;

        snprintf(path, sizeof path, "%s/boot.yaml", test_tmpdir());
        CU_ASSERT_EQUAL_FATAL(boot_record_write(path, &sample), 0);
        doc = load(path);
        CU_ASSERT_FATAL(doc != NULL);
        root = yaml_document_get_root_node(doc);

        CU_ASSERT_STRING_EQUAL(str(doc, root, "manager_start_usec"), "900");
        CU_ASSERT_STRING_EQUAL(str(doc, root, "target"), "default.target");
        CU_ASSERT_STRING_EQUAL(str(doc, root, "target_reached_usec"), "2200");
        units = get(doc, root, "units");
        CU_ASSERT_EQUAL(length(units), 2);

        a = item(doc, units, 0);
        CU_ASSERT_STRING_EQUAL(str(doc, a, "id"), "a.service");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "type"), "service");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "service_type"), "oneshot");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "active_state"), "active");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "result"), "success");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "queued_usec"), "1300");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "activating_usec"), "1400");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "forked_usec"), "1500");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "execed_usec"), "1600");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "active_usec"), "2100");
        CU_ASSERT_STRING_EQUAL(str(doc, a, "exited_usec"), "2000");
        after = get(doc, a, "after");
        CU_ASSERT_EQUAL(length(after), 2);
        CU_ASSERT_STRING_EQUAL(item(doc, after, 0) ? (char *) item(doc, after, 0)->data.scalar.value : "", "b.service");
        CU_ASSERT_STRING_EQUAL(item(doc, after, 1) ? (char *) item(doc, after, 1)->data.scalar.value : "", "c.socket");
        CU_ASSERT_EQUAL(length(get(doc, a, "requires")), 0);
        CU_ASSERT_EQUAL(length(get(doc, a, "wants")), 1);

        t = item(doc, units, 1);
        CU_ASSERT_STRING_EQUAL(str(doc, t, "id"), "default.target");
        CU_ASSERT_STRING_EQUAL(str(doc, t, "type"), "target");
        CU_ASSERT_PTR_NULL(get(doc, t, "service_type"));
        yaml_document_delete(doc);

        /* Names stay plain, as scripts read them (test/integration/analyze.sh). */
        char text[4096] = "";
        FILE *f = fopen(path, "re");
        CU_ASSERT_FATAL(f != NULL);
        text[fread(text, 1, sizeof text - 1, f)] = 0;
        fclose(f);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n- id: a.service\n  type: service\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "  after: [b.service, c.socket]\n"));
}

static void test_zero_stamps_are_left_out(void)
{
        char path[512];
        yaml_document_t *doc;
        yaml_node_t *t;

        snprintf(path, sizeof path, "%s/boot.yaml", test_tmpdir());
        CU_ASSERT_EQUAL_FATAL(boot_record_write(path, &sample), 0);
        doc = load(path);
        CU_ASSERT_FATAL(doc != NULL);
        t = item(doc, get(doc, yaml_document_get_root_node(doc), "units"), 1);
        CU_ASSERT_STRING_EQUAL(str(doc, t, "queued_usec"), "1000");
        CU_ASSERT_STRING_EQUAL(str(doc, t, "active_usec"), "2200");
        CU_ASSERT_PTR_NULL(get(doc, t, "forked_usec"));
        CU_ASSERT_PTR_NULL(get(doc, t, "execed_usec"));
        CU_ASSERT_PTR_NULL(get(doc, t, "inactive_usec"));
        yaml_document_delete(doc);
}

static void test_rewrite_replaces_and_leaves_no_temp_file(void)
{
        const char *dir = test_tmpdir();
        struct boot_record second = sample;
        char path[512];
        yaml_document_t *doc;
        DIR *d;
        struct dirent *de;
        int n = 0;

        snprintf(path, sizeof path, "%s/boot.yaml", dir);
        CU_ASSERT_EQUAL_FATAL(boot_record_write(path, &sample), 0);
        second.n_units = 0;
        second.target_reached = 0;
        CU_ASSERT_EQUAL_FATAL(boot_record_write(path, &second), 0);
        doc = load(path);
        CU_ASSERT_FATAL(doc != NULL);
        CU_ASSERT_STRING_EQUAL(str(doc, yaml_document_get_root_node(doc), "target_reached_usec"), "0");
        CU_ASSERT_EQUAL(length(get(doc, yaml_document_get_root_node(doc), "units")), 0);
        yaml_document_delete(doc);

        d = opendir(dir);
        CU_ASSERT_FATAL(d != NULL);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        n++;
        closedir(d);
        CU_ASSERT_EQUAL(n, 1);
}

/* Strings are written by hand (parse/boot_record.c): whatever a name holds
 * reads back the same, and names YAML would read as other types or as
 * syntax stay strings; text that is not UTF-8 is refused, never written. */
static void test_awkward_strings_read_back(void)
{
        static char *after[] = { "-.mount", "a\"q\\b.service", "tab\tnl\n.service", "caf\xc3\xa9.service",
                                 "true", "null", "1e3", "x: y", "- z", "#c", "[d]", NULL };
        const struct boot_record_unit u = { .id = "", .after = after };
        const struct boot_record r = { .target = "x\"y", .units = &u, .n_units = 1 };
        char path[512];
        yaml_document_t *doc;
        yaml_node_t *a, *l;

        snprintf(path, sizeof path, "%s/boot.yaml", test_tmpdir());
        CU_ASSERT_EQUAL_FATAL(boot_record_write(path, &r), 0);
        doc = load(path);
        CU_ASSERT_FATAL(doc != NULL);
        CU_ASSERT_STRING_EQUAL(str(doc, yaml_document_get_root_node(doc), "target"), "x\"y");
        a = item(doc, get(doc, yaml_document_get_root_node(doc), "units"), 0);
        CU_ASSERT_STRING_EQUAL(str(doc, a, "id"), "");
        l = get(doc, a, "after");
        CU_ASSERT_EQUAL_FATAL(length(l), 11);
        for (size_t i = 0; i < 11; i++) {
                yaml_node_t *n = item(doc, l, i);
                CU_ASSERT_FATAL(n != NULL && n->type == YAML_SCALAR_NODE);
                CU_ASSERT_STRING_EQUAL((char *) n->data.scalar.value, after[i]);
        }
        yaml_document_delete(doc);

        after[0] = "bad\xff.service";
        CU_ASSERT_EQUAL(boot_record_write(path, &r), -EINVAL);
        after[0] = "-.mount";
}

static void test_unwritable_path_is_an_error(void)
{
        char path[512];

        snprintf(path, sizeof path, "%s/no-such-folder/boot.yaml", test_tmpdir());
        CU_ASSERT_EQUAL(boot_record_write(path, &sample), -ENOENT);
}

static void test_path_under_a_file_is_an_error(void)
{
        const char *dir = test_tmpdir();
        char path[512];

        test_write_file(dir, "plain-file", "x");
        snprintf(path, sizeof path, "%s/plain-file/boot.yaml", dir);
        CU_ASSERT_EQUAL(boot_record_write(path, &sample), -ENOTDIR);
}

static const struct test_case tests[] = {
        { "written_record_reads_back", test_written_record_reads_back },
        { "zero_stamps_are_left_out", test_zero_stamps_are_left_out },
        { "rewrite_replaces_and_leaves_no_temp_file", test_rewrite_replaces_and_leaves_no_temp_file },
        { "awkward_strings_read_back", test_awkward_strings_read_back },
        { "unwritable_path_is_an_error", test_unwritable_path_is_an_error },
        { "path_under_a_file_is_an_error", test_path_under_a_file_is_an_error },
        { 0 },
};
TEST_SUITE("boot_record", tests);
