/* Tests for weft's YAML configuration (parse/config.c): defaults, every key,
 * and that each kind of mistake gives exactly one "file:line:column:" error
 * line and leaves the configuration as it was. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cpu_pin.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "parse/config.h"
#include "test/unit/test.h"

/* Log output of one load, captured in memory. */
struct capture {
        FILE *f;
        char *buf;
        size_t len;
};

static void capture_start(struct capture *c)
{
        *c = (struct capture) { 0 };
        c->f = open_memstream(&c->buf, &c->len);
        CU_ASSERT_FATAL(c->f != NULL);
        log_set_sink(c->f);
}

static void capture_stop(struct capture *c)
{
        log_set_sink(NULL);
        fclose(c->f);
}

static size_t count_lines(const char *s)
{
        size_t n = 0;
        for (; *s; s++)
                n += *s == '\n';
        return n;
}

static int load(struct weft_config *c, const char *text)
{
        return config_load_string(c, "weft.yaml", text, strlen(text));
}

static bool config_equal(const struct weft_config *a, const struct weft_config *b)
{
        if (strv_length(a->unit_paths) != strv_length(b->unit_paths))
                return false;
        for (size_t i = 0; a->unit_paths[i]; i++)
                if (strcmp(a->unit_paths[i], b->unit_paths[i]) != 0)
                        return false;
        return streq_ptr(a->default_target, b->default_target) && a->workers == b->workers &&
               streq_ptr(a->runtime_dir, b->runtime_dir) && a->log_level == b->log_level &&
               a->log_console == b->log_console && a->timeout_start_usec == b->timeout_start_usec &&
               a->timeout_stop_usec == b->timeout_stop_usec && a->manager_cpu == b->manager_cpu &&
               a->collected_units_max == b->collected_units_max;
}

/* Loads text on top of the defaults and checks it fails with -EINVAL, logs
 * exactly one line that starts with "weft.yaml:LINE:COL: " and contains
 * what, and changes nothing. */
static void expect_error(const char *text, const char *where, const char *what)
{
        struct weft_config c, before;
        struct capture cap;
        char prefix[64];

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL_FATAL(config_init(&before), 0);
        capture_start(&cap);
        CU_ASSERT_EQUAL(load(&c, text), -EINVAL);
        capture_stop(&cap);

        snprintf(prefix, sizeof prefix, "weft.yaml:%s: ", where);
        CU_ASSERT_EQUAL(count_lines(cap.buf), 1);
        CU_ASSERT_NSTRING_EQUAL(cap.buf, prefix, strlen(prefix));
        CU_ASSERT_PTR_NOT_NULL(strstr(cap.buf, what));
        if (strncmp(cap.buf, prefix, strlen(prefix)) != 0 || !strstr(cap.buf, what))
                fprintf(stderr, "\n  input: %s\n  want:  %s...%s\n  got:   %s", text, prefix, what, cap.buf);
        CU_ASSERT_TRUE(config_equal(&c, &before));

        free(cap.buf);
        config_done(&c);
        config_done(&before);
}

static void test_defaults_are_the_documented_ones(void)
{
        static const char *const paths[] = {
                "/etc/weft/system",    "/run/systemd/generator.early",  "/etc/systemd/system",
                "/run/systemd/system", "/run/systemd/generator",        "/usr/local/lib/systemd/system",
                "/lib/systemd/system", "/usr/lib/systemd/system",       "/run/systemd/generator.late",
                NULL,
        };
        struct weft_config c;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(strv_length(c.unit_paths), ELEMENTSOF(paths) - 1);
        for (size_t i = 0; paths[i] && c.unit_paths[i]; i++)
                CU_ASSERT_STRING_EQUAL(c.unit_paths[i], paths[i]);
        CU_ASSERT_STRING_EQUAL(c.default_target, "default.target");
        CU_ASSERT_EQUAL(c.workers, 8);
        CU_ASSERT_EQUAL(c.manager_cpu, CPU_PIN_AUTO);
        CU_ASSERT_STRING_EQUAL(c.runtime_dir, "/run/weft");
        CU_ASSERT_EQUAL(c.log_level, LOG_LEVEL_INFO);
        CU_ASSERT_TRUE(c.log_console);
        CU_ASSERT_EQUAL(c.timeout_start_usec, 90 * USEC_PER_SEC);
        CU_ASSERT_EQUAL(c.timeout_stop_usec, 90 * USEC_PER_SEC);
        CU_ASSERT_EQUAL(c.collected_units_max, 4096);
        config_done(&c);
}

static void test_empty_and_comment_only_documents_keep_defaults(void)
{
        static const char *const texts[] = {
                "", "\n\n", "# nothing here\n  # indented comment\n", "---\n", "---\n...\n", "~\n", "null",
        };
        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                struct weft_config c, d;
                struct capture cap;
                CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
                CU_ASSERT_EQUAL_FATAL(config_init(&d), 0);
                capture_start(&cap);
                CU_ASSERT_EQUAL(load(&c, texts[i]), 0);
                capture_stop(&cap);
                CU_ASSERT_EQUAL(cap.len, 0);
                CU_ASSERT_TRUE(config_equal(&c, &d));
                free(cap.buf);
                config_done(&c);
                config_done(&d);
        }
}

static void test_block_document_sets_every_key(void)
{
        struct weft_config c;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(load(&c, "# weft configuration\n"
                                 "unit_paths:\n"
                                 "  - /srv/units\n"
                                 "  - /lib/systemd/system\n"
                                 "default_target: multi-user.target\n"
                                 "workers: 32\n"
                                 "manager_cpu: 3\n"
                                 "runtime_dir: /run/weft-test\n"
                                 "log:\n"
                                 "  level: debug\n"
                                 "  console: false\n"
                                 "timeouts:\n"
                                 "  start: 2min 30s\n"
                                 "  stop: 500ms\n"),
                        0);
        CU_ASSERT_EQUAL_FATAL(strv_length(c.unit_paths), 2);
        CU_ASSERT_STRING_EQUAL(c.unit_paths[0], "/srv/units");
        CU_ASSERT_STRING_EQUAL(c.unit_paths[1], "/lib/systemd/system");
        CU_ASSERT_STRING_EQUAL(c.default_target, "multi-user.target");
        CU_ASSERT_EQUAL(c.workers, 32);
        CU_ASSERT_EQUAL(c.manager_cpu, 3);
        CU_ASSERT_STRING_EQUAL(c.runtime_dir, "/run/weft-test");
        CU_ASSERT_EQUAL(c.log_level, LOG_LEVEL_DEBUG);
        CU_ASSERT_FALSE(c.log_console);
        CU_ASSERT_EQUAL(c.timeout_start_usec, 150 * USEC_PER_SEC);
        CU_ASSERT_EQUAL(c.timeout_stop_usec, 500 * USEC_PER_MSEC);
        config_done(&c);
}

static void test_flow_document_as_in_design_is_accepted(void)
{
        struct weft_config c;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(load(&c, "unit_paths: [/etc/weft/system, /etc/systemd/system, /lib/systemd/system]\n"
                                 "default_target: default.target\n"
                                 "workers: 8                  # size of the worker pool\n"
                                 "runtime_dir: /run/weft      # notify + control sockets, logs\n"
                                 "log: { level: warning, console: true }\n"
                                 "timeouts: { start: 90s, stop: 10s }\n"),
                        0);
        CU_ASSERT_EQUAL(strv_length(c.unit_paths), 3);
        CU_ASSERT_EQUAL(c.log_level, LOG_LEVEL_WARNING);
        CU_ASSERT_EQUAL(c.timeout_stop_usec, 10 * USEC_PER_SEC);
        config_done(&c);
}

static void test_keys_not_given_keep_their_values(void)
{
        struct weft_config c;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(load(&c, "workers: 4\ntimeouts: {start: 5s}\n"), 0);
        CU_ASSERT_EQUAL(load(&c, "log: {level: err}\n"), 0);
        CU_ASSERT_EQUAL(c.workers, 4);
        CU_ASSERT_EQUAL(c.timeout_start_usec, 5 * USEC_PER_SEC);
        CU_ASSERT_EQUAL(c.timeout_stop_usec, 90 * USEC_PER_SEC);
        CU_ASSERT_EQUAL(c.log_level, LOG_LEVEL_ERROR);
        CU_ASSERT_TRUE(c.log_console);
        config_done(&c);
}

static void test_collected_units_max_is_a_count(void)
{
        struct weft_config c;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(load(&c, "collected_units_max: 0\n"), 0);
        CU_ASSERT_EQUAL(c.collected_units_max, 0);
        CU_ASSERT_EQUAL(load(&c, "collected_units_max: 100000\n"), 0);
        CU_ASSERT_EQUAL(c.collected_units_max, 100000);
        config_done(&c);
        expect_error("collected_units_max: -1\n", "1:22", "\"-1\" is not a number");
        expect_error("collected_units_max: many\n", "1:22", "\"many\" is not a number");
}

static void test_manager_cpu_is_auto_none_or_a_cpu(void)
{
        struct weft_config c;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(load(&c, "manager_cpu: none\n"), 0);
        CU_ASSERT_EQUAL(c.manager_cpu, CPU_PIN_NONE);
        CU_ASSERT_EQUAL(load(&c, "manager_cpu: auto\n"), 0);
        CU_ASSERT_EQUAL(c.manager_cpu, CPU_PIN_AUTO);
        CU_ASSERT_EQUAL(load(&c, "manager_cpu: \"0\"\n"), 0);
        CU_ASSERT_EQUAL(c.manager_cpu, 0);
        config_done(&c);
        expect_error("manager_cpu: -1\n", "1:14", "\"-1\" is not auto, none or a CPU number");
        expect_error("manager_cpu: 99999\n", "1:14", "\"99999\" is not auto, none or a CPU number");
        expect_error("manager_cpu: first\n", "1:14", "\"first\" is not auto, none or a CPU number");
}

static void test_time_spans_read_as_systemd_does(void)
{
        static const struct {
                const char *text;
                uint64_t usec;
        } cases[] = {
                { "timeouts: {start: 45}", 45 * USEC_PER_SEC },
                { "timeouts: {start: 1.5s}", 1500 * USEC_PER_MSEC },
                { "timeouts: {start: 1h 2min}", 3720 * USEC_PER_SEC },
                { "timeouts: {start: infinity}", USEC_INFINITY },
                { "timeouts: {start: 0}", 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct weft_config c;
                CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
                CU_ASSERT_EQUAL(load(&c, cases[i].text), 0);
                CU_ASSERT_EQUAL(c.timeout_start_usec, cases[i].usec);
                config_done(&c);
        }
}

static void test_yaml_booleans_set_console(void)
{
        static const struct {
                const char *text;
                bool value;
        } cases[] = {
                { "log: {console: no}", false },  { "log: {console: off}", false },
                { "log: {console: False}", false }, { "log: {console: yes}", true },
                { "log: {console: on}", true },   { "log: {console: \"true\"}", true },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct weft_config c;
                CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
                c.log_console = !cases[i].value;
                CU_ASSERT_EQUAL(load(&c, cases[i].text), 0);
                CU_ASSERT_EQUAL(c.log_console, cases[i].value);
                config_done(&c);
        }
}

static void test_unknown_key_is_an_error_at_the_key(void)
{
        expect_error("workers: 4\nworker_count: 4\n", "2:1", "unknown key \"worker_count\"");
}

static void test_unknown_nested_key_is_an_error_at_the_key(void)
{
        expect_error("log:\n  level: info\n  colour: true\n", "3:3", "unknown key \"log.colour\"");
}

static void test_duplicate_key_is_an_error_at_the_second(void)
{
        expect_error("workers: 4\nlog: {level: info}\nworkers: 5\n", "3:1", "duplicate key \"workers\"");
}

static void test_duplicate_nested_key_is_an_error(void)
{
        expect_error("timeouts: {start: 1s, stop: 2s, start: 3s}\n", "1:33", "duplicate key \"timeouts.start\"");
}

static void test_bad_worker_counts_are_errors_at_the_value(void)
{
        expect_error("workers: 0\n", "1:10", "\"0\" is not a number in 1..1024");
        expect_error("workers: 99999\n", "1:10", "\"99999\" is not a number in 1..1024");
        expect_error("workers: x\n", "1:10", "\"x\" is not a number in 1..1024");
        expect_error("workers: -1\n", "1:10", "\"-1\" is not a number in 1..1024");
        expect_error("# pool\nworkers:   \"\"\n", "2:12", "\"\" is not a number");
}

static void test_relative_unit_path_is_an_error_at_the_item(void)
{
        expect_error("unit_paths:\n  - /etc/weft/system\n  - units/here\n", "3:5",
                     "unit_paths: \"units/here\" is not an absolute path");
        expect_error("unit_paths: [/a, b]\n", "1:18", "\"b\" is not an absolute path");
}

static void test_relative_runtime_dir_is_an_error(void)
{
        expect_error("runtime_dir: run/weft\n", "1:14", "runtime_dir: \"run/weft\" is not an absolute path");
}

static void test_empty_unit_path_list_is_an_error(void)
{
        expect_error("unit_paths: []\n", "1:13", "unit_paths: the list is empty");
}

static void test_scalar_where_a_list_is_expected_is_an_error(void)
{
        expect_error("unit_paths: /etc/weft/system\n", "1:13", "unit_paths: expected a list, got a scalar");
}

static void test_list_where_a_scalar_is_expected_is_an_error(void)
{
        expect_error("workers:\n  - 4\n", "2:3", "workers: expected a scalar, got a list");
        expect_error("unit_paths: [[/a]]\n", "1:14", "unit_paths: expected a scalar, got a list");
}

static void test_scalar_where_a_mapping_is_expected_is_an_error(void)
{
        expect_error("log: debug\n", "1:6", "log: expected a mapping, got a scalar");
        expect_error("timeouts:\nworkers: 2\n", "1:10", "timeouts: expected a mapping, got nothing");
}

static void test_document_that_is_not_a_mapping_is_an_error(void)
{
        expect_error("- workers\n- 8\n", "1:1", "expected a mapping, got a list");
}

static void test_bad_log_level_is_an_error(void)
{
        expect_error("log: {level: loud}\n", "1:14", "log.level: \"loud\" is not a log level");
}

static void test_bad_boolean_is_an_error(void)
{
        expect_error("log:\n  console: maybe\n", "2:12", "log.console: \"maybe\" is not a boolean");
}

static void test_bad_time_span_is_an_error(void)
{
        expect_error("timeouts:\n  stop: 5 parsecs\n", "2:9", "timeouts.stop: \"5 parsecs\" is not a time span");
        expect_error("timeouts: {start: -1s}\n", "1:19", "\"-1s\" is not a time span");
}

static void test_default_target_must_be_a_target(void)
{
        expect_error("default_target: sshd.service\n", "1:17", "\"sshd.service\" is not a target unit name");
}

static void test_nul_byte_in_a_value_is_an_error(void)
{
        expect_error("runtime_dir: \"/run/we\\0ft\"\n", "1:14", "runtime_dir: value contains a NUL byte");
}

static void test_non_scalar_key_is_an_error(void)
{
        expect_error("? [workers]\n: 8\n", "1:3", "keys must be scalars, got a list");
        expect_error("log:\n  ? {level: x}\n  : 1\n", "2:5", "log: keys must be scalars, got a mapping");
}

static void test_yaml_syntax_error_names_its_position(void)
{
        expect_error("workers: 8\nlog: {level: info\n", "3:1", "YAML syntax error");
        expect_error("log:\n  level: info\n console: true\n", "3:2", "YAML syntax error");
        expect_error("workers: 8\n\tlog: x\n", "2:1", "YAML syntax error");
        expect_error("workers: *pool\n", "1:10", "YAML syntax error: found undefined alias");
}

static void test_invalid_utf8_is_an_error_at_the_byte(void)
{
        expect_error("workers: 8\nlog: {level: \xff}\n", "2:14", "YAML syntax error");
}

static void test_second_document_is_an_error(void)
{
        expect_error("workers: 2\n---\nworkers: 3\n", "2:1", "a second YAML document is not allowed");
}

static void test_error_after_good_keys_changes_nothing(void)
{
        struct weft_config c, before;
        struct capture cap;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(load(&c, "workers: 3\nunit_paths: [/u]\n"), 0);
        CU_ASSERT_EQUAL_FATAL(config_init(&before), 0);
        CU_ASSERT_EQUAL(load(&before, "workers: 3\nunit_paths: [/u]\n"), 0);

        capture_start(&cap);
        CU_ASSERT_EQUAL(load(&c, "workers: 12\nunit_paths: [/a, /b]\nruntime_dir: /x\nlog: {level: nope}\n"),
                        -EINVAL);
        capture_stop(&cap);
        CU_ASSERT_TRUE(config_equal(&c, &before));
        CU_ASSERT_EQUAL(count_lines(cap.buf), 1);

        free(cap.buf);
        config_done(&c);
        config_done(&before);
}

static void test_load_file_names_the_path_in_errors(void)
{
        const char *dir = test_tmpdir();
        char path[512];
        char want[600];
        struct weft_config c;
        struct capture cap;

        snprintf(path, sizeof path, "%s", test_write_file(dir, "weft.yaml", "workers: 2\n\nworkers: 3\n"));
        snprintf(want, sizeof want, "%s:3:1: duplicate key \"workers\"\n", path);
        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        capture_start(&cap);
        CU_ASSERT_EQUAL(config_load_file(&c, path), -EINVAL);
        capture_stop(&cap);
        CU_ASSERT_STRING_EQUAL(cap.buf, want);
        CU_ASSERT_EQUAL(c.workers, 8);
        free(cap.buf);
        config_done(&c);
}

static void test_load_file_applies_the_file(void)
{
        const char *path = test_write_file(test_tmpdir(), "weft.yaml", "workers: 2\nlog: {level: notice}\n");
        struct weft_config c;

        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        CU_ASSERT_EQUAL(config_load_file(&c, path), 0);
        CU_ASSERT_EQUAL(c.workers, 2);
        CU_ASSERT_EQUAL(c.log_level, LOG_LEVEL_NOTICE);
        config_done(&c);
}

static void test_load_file_missing_is_enoent_without_error_line(void)
{
        char path[512];
        struct weft_config c;
        struct capture cap;

        snprintf(path, sizeof path, "%s/absent.yaml", test_tmpdir());
        CU_ASSERT_EQUAL_FATAL(config_init(&c), 0);
        capture_start(&cap);
        CU_ASSERT_EQUAL(config_load_file(&c, path), -ENOENT);
        capture_stop(&cap);
        CU_ASSERT_EQUAL(cap.len, 0);
        free(cap.buf);
        config_done(&c);
}

static const struct test_case tests[] = {
        { "collected_units_max_is_a_count", test_collected_units_max_is_a_count },
        { "defaults_are_the_documented_ones", test_defaults_are_the_documented_ones },
        { "empty_and_comment_only_documents_keep_defaults", test_empty_and_comment_only_documents_keep_defaults },
        { "block_document_sets_every_key", test_block_document_sets_every_key },
        { "flow_document_as_in_design_is_accepted", test_flow_document_as_in_design_is_accepted },
        { "keys_not_given_keep_their_values", test_keys_not_given_keep_their_values },
        { "manager_cpu_is_auto_none_or_a_cpu", test_manager_cpu_is_auto_none_or_a_cpu },
        { "time_spans_read_as_systemd_does", test_time_spans_read_as_systemd_does },
        { "yaml_booleans_set_console", test_yaml_booleans_set_console },
        { "unknown_key_is_an_error_at_the_key", test_unknown_key_is_an_error_at_the_key },
        { "unknown_nested_key_is_an_error_at_the_key", test_unknown_nested_key_is_an_error_at_the_key },
        { "duplicate_key_is_an_error_at_the_second", test_duplicate_key_is_an_error_at_the_second },
        { "duplicate_nested_key_is_an_error", test_duplicate_nested_key_is_an_error },
        { "bad_worker_counts_are_errors_at_the_value", test_bad_worker_counts_are_errors_at_the_value },
        { "relative_unit_path_is_an_error_at_the_item", test_relative_unit_path_is_an_error_at_the_item },
        { "relative_runtime_dir_is_an_error", test_relative_runtime_dir_is_an_error },
        { "empty_unit_path_list_is_an_error", test_empty_unit_path_list_is_an_error },
        { "scalar_where_a_list_is_expected_is_an_error", test_scalar_where_a_list_is_expected_is_an_error },
        { "list_where_a_scalar_is_expected_is_an_error", test_list_where_a_scalar_is_expected_is_an_error },
        { "scalar_where_a_mapping_is_expected_is_an_error", test_scalar_where_a_mapping_is_expected_is_an_error },
        { "document_that_is_not_a_mapping_is_an_error", test_document_that_is_not_a_mapping_is_an_error },
        { "bad_log_level_is_an_error", test_bad_log_level_is_an_error },
        { "bad_boolean_is_an_error", test_bad_boolean_is_an_error },
        { "bad_time_span_is_an_error", test_bad_time_span_is_an_error },
        { "default_target_must_be_a_target", test_default_target_must_be_a_target },
        { "nul_byte_in_a_value_is_an_error", test_nul_byte_in_a_value_is_an_error },
        { "non_scalar_key_is_an_error", test_non_scalar_key_is_an_error },
        { "yaml_syntax_error_names_its_position", test_yaml_syntax_error_names_its_position },
        { "invalid_utf8_is_an_error_at_the_byte", test_invalid_utf8_is_an_error_at_the_byte },
        { "second_document_is_an_error", test_second_document_is_an_error },
        { "error_after_good_keys_changes_nothing", test_error_after_good_keys_changes_nothing },
        { "load_file_names_the_path_in_errors", test_load_file_names_the_path_in_errors },
        { "load_file_applies_the_file", test_load_file_applies_the_file },
        { "load_file_missing_is_enoent_without_error_line", test_load_file_missing_is_enoent_without_error_line },
        { 0 },
};
TEST_SUITE("config", tests);
