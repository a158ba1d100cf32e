/* Tests for weftctl analyze on hand-written boot records whose answers are
 * worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "ctl/analyze.h"
#include "ctl/boot_record_read.h"

#include "test/unit/test.h"

/* A diamond and then a chain, stamps in µs from manager start at 1 s:
 *   a [0, 100ms]  ->  b [100, 300ms] (+200ms)  ->  d [300, 310ms]  ->  e [310, 400ms]  ->  f [400, 450ms]
 *                 ->  c [100, 150ms] (+50ms)   ->
 *   simple.service (Type=simple) [100, 100.5ms], after a
 *   g.service still activating when the record was written, after a
 *   test.target after c, d, f, simple.service: reached at 450ms
 * f is a oneshot without RemainAfterExit: it went inactive, never active.
 * The critical path is a b d e f: 450 ms. */
static const char dag_yaml[] =
        "manager_start_usec: 1000000\n"
        "target: test.target\n"
        "target_reached_usec: 1450000\n"
        "units:\n"
        "- id: test.target\n"
        "  type: target\n"
        "  activating_usec: 1450000\n"
        "  active_usec: 1450000\n"
        "  after: [c.service, d.service, f.service, simple.service]\n"
        "  requires: []\n"
        "  wants: [f.service, simple.service, g.service]\n"
        "- id: a.service\n"
        "  type: service\n"
        "  service_type: oneshot\n"
        "  activating_usec: 1000000\n"
        "  active_usec: 1100000\n"
        "  after: []\n"
        "  requires: []\n"
        "  wants: []\n"
        "- id: b.service\n"
        "  type: service\n"
        "  service_type: notify\n"
        "  activating_usec: 1100000\n"
        "  active_usec: 1300000\n"
        "  after: [a.service]\n"
        "  requires: [a.service]\n"
        "  wants: []\n"
        "- id: c.service\n"
        "  type: service\n"
        "  service_type: exec\n"
        "  activating_usec: 1100000\n"
        "  active_usec: 1150000\n"
        "  after: [a.service]\n"
        "  requires: []\n"
        "  wants: []\n"
        "- id: d.service\n"
        "  type: service\n"
        "  service_type: oneshot\n"
        "  activating_usec: 1300000\n"
        "  active_usec: 1310000\n"
        "  after: [b.service, c.service]\n"
        "  requires: []\n"
        "  wants: [b.service, c.service]\n"
        "- id: e.service\n"
        "  type: service\n"
        "  service_type: oneshot\n"
        "  activating_usec: 1310000\n"
        "  active_usec: 1400000\n"
        "  after: [d.service, not-in-record.service]\n"
        "  requires: []\n"
        "  wants: []\n"
        "- id: f.service\n"
        "  type: service\n"
        "  service_type: oneshot\n"
        "  activating_usec: 1400000\n"
        "  exited_usec: 1449000\n"
        "  inactive_usec: 1450000\n"
        "  after: [e.service]\n"
        "  requires: []\n"
        "  wants: []\n"
        "- id: simple.service\n"
        "  type: service\n"
        "  service_type: simple\n"
        "  activating_usec: 1100000\n"
        "  active_usec: 1100500\n"
        "  after: [a.service]\n"
        "  requires: []\n"
        "  wants: []\n"
        "- id: g.service\n"
        "  type: service\n"
        "  service_type: oneshot\n"
        "  activating_usec: 1100000\n"
        "  after: [a.service]\n"
        "  requires: []\n"
        "  wants: []\n"
        "- id: never.service\n"
        "  type: service\n"
        "  queued_usec: 1000000\n"
        "  after: []\n"
        "  requires: []\n"
        "  wants: []\n";

static struct boot_record rec;
static struct analyze an;
static char log_text[4096];

/* Reads content as a boot.yaml; returns boot_record_read()'s result, and
 * what it logged in log_text. */
static int read_text(const char *content)
{
        const char *path = test_write_file(test_tmpdir(), "boot.yaml", content);
        FILE *sink = fmemopen(log_text, sizeof log_text - 1, "w");
        int k;

        memset(log_text, 0, sizeof log_text);
        CU_ASSERT_FATAL(sink != NULL);
        log_set_sink(sink);
        k = boot_record_read(path, &rec);
        log_set_sink(NULL);
        fclose(sink);
        return k;
}

static void load_dag(void)
{
        CU_ASSERT_FATAL(read_text(dag_yaml) == 0);
        CU_ASSERT_FATAL(analyze_init(&an, &rec) == 0);
}

static void unload(void)
{
        analyze_done(&an);
        boot_record_read_free(&rec);
}

/* Runs one printer into a string; free() it. */
#define CAPTURE(ret_text, call)                                        \
        do {                                                           \
                size_t len_;                                           \
                FILE *out = open_memstream(&(ret_text), &len_);        \
                CU_ASSERT_FATAL(out != NULL);                          \
                CU_ASSERT_EQUAL(call, 0);                              \
                fclose(out);                                           \
        } while (0)

static void test_reads_every_field(void)
{
        load_dag();
        CU_ASSERT_EQUAL(rec.manager_start, 1000000);
        CU_ASSERT_EQUAL(rec.target_reached, 1450000);
        CU_ASSERT_STRING_EQUAL(rec.target, "test.target");
        CU_ASSERT_EQUAL(rec.n_units, 10);
        const struct boot_record_unit *e = &rec.units[5];
        CU_ASSERT_STRING_EQUAL(e->id, "e.service");
        CU_ASSERT_STRING_EQUAL(e->service_type, "oneshot");
        CU_ASSERT_EQUAL(e->activating, 1310000);
        CU_ASSERT_EQUAL(e->active, 1400000);
        CU_ASSERT_EQUAL(e->queued, 0); /* left out means 0 */
        CU_ASSERT_EQUAL(strv_length(e->after), 2);
        CU_ASSERT_STRING_EQUAL(e->after[1], "not-in-record.service");
        CU_ASSERT_PTR_NULL(e->requires);
        unload();
}

static void test_reads_back_what_the_writer_wrote(void)
{
        static char *after[] = { "b.service", NULL };
        static char *wants[] = { "c.service", "d.service", NULL };
        const struct boot_record_unit units[] = {
                { .id = "a.service", .type = "service", .service_type = "oneshot", .active_state = "active",
                  .result = "success", .queued = 5, .activating = 6, .forked = 7, .execed = 8, .active = 9,
                  .exited = 10, .deactivating = 11, .inactive = 12, .after = after, .wants = wants },
                { .id = "b.service", .active = 3 },
        };
        const struct boot_record w = { .manager_start = 1, .target_reached = 9, .target = "x.target",
                                       .units = units, .n_units = 2 };
        char path[512];
        snprintf(path, sizeof path, "%s/boot.yaml", test_tmpdir());
        CU_ASSERT_FATAL(boot_record_write(path, &w) == 0);
        CU_ASSERT_FATAL(boot_record_read(path, &rec) == 0);
        CU_ASSERT_EQUAL(rec.n_units, 2);
        const struct boot_record_unit *a = &rec.units[0];
        CU_ASSERT_STRING_EQUAL(a->result, "success");
        CU_ASSERT_EQUAL(a->queued + a->activating + a->forked + a->execed, 5 + 6 + 7 + 8);
        CU_ASSERT_EQUAL(a->active + a->exited + a->deactivating + a->inactive, 9 + 10 + 11 + 12);
        CU_ASSERT_EQUAL(strv_length(a->wants), 2);
        CU_ASSERT_STRING_EQUAL(a->after[0], "b.service");
        CU_ASSERT_PTR_NULL(rec.units[1].type);
        CU_ASSERT_EQUAL(rec.units[1].active, 3);
        boot_record_read_free(&rec);
}

static void test_blame_orders_by_activation_time_and_leaves_out_simple_and_unfinished(void)
{
        char *text = NULL;
        load_dag();
        CAPTURE(text, analyze_blame(&an, out));
        /* Ties (c and f, 50ms) by name; simple.service, g.service (still
         * activating), the target and never.service are left out. */
        CU_ASSERT_STRING_EQUAL(text, "200ms b.service\n"
                                     "100ms a.service\n"
                                     " 90ms e.service\n"
                                     " 50ms c.service\n"
                                     " 50ms f.service\n"
                                     " 10ms d.service\n");
        free(text);
        unload();
}

static void test_critical_chain_follows_the_predecessor_active_last(void)
{
        char *text = NULL;
        load_dag();
        CAPTURE(text, analyze_critical_chain(&an, NULL, out));
        CU_ASSERT_STRING_EQUAL(text, "The time when unit became active or started is printed after the \"@\" character.\n"
                                     "The time the unit took to start is printed after the \"+\" character.\n\n"
                                     "test.target @450ms\n"
                                     "└─f.service @400ms +50ms\n"
                                     "  └─e.service @310ms +90ms\n"
                                     "    └─d.service @300ms +10ms\n"
                                     "      └─b.service @100ms +200ms\n"
                                     "        └─a.service @0 +100ms\n");
        free(text);
        unload();
}

static void test_critical_chain_of_a_named_unit_and_an_unknown_one(void)
{
        char *text = NULL;
        char *d[] = { "d.service", NULL }, *nope[] = { "nope.service", NULL };
        load_dag();
        CAPTURE(text, analyze_critical_chain(&an, d, out));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n\nd.service @300ms +10ms\n└─b.service @100ms +200ms\n"
                                            "  └─a.service @0 +100ms\n"));
        free(text);
        FILE *sink = fopen("/dev/null", "w");
        log_set_sink(sink);
        CU_ASSERT_EQUAL(analyze_critical_chain(&an, nope, stdout), -ENOENT);
        log_set_sink(NULL);
        fclose(sink);
        unload();
}

static void test_critical_chain_prints_every_tie_and_dots_for_a_unit_seen_before(void)
{
        /* t after x and y, which became active at the same moment, both after z. */
        static const char yaml[] =
                "manager_start_usec: 0\ntarget: t.target\ntarget_reached_usec: 30000\nunits:\n"
                "- {id: t.target, activating_usec: 30000, active_usec: 30000, after: [x.service, y.service], "
                "requires: [], wants: []}\n"
                "- {id: x.service, activating_usec: 10000, active_usec: 30000, after: [z.service], requires: [], "
                "wants: []}\n"
                "- {id: y.service, activating_usec: 20000, active_usec: 30000, after: [z.service], requires: [], "
                "wants: []}\n"
                "- {id: z.service, activating_usec: 1000, active_usec: 10000, after: [], requires: [], wants: []}\n";
        char *text = NULL;
        CU_ASSERT_FATAL(read_text(yaml) == 0);
        CU_ASSERT_FATAL(analyze_init(&an, &rec) == 0);
        CAPTURE(text, analyze_critical_chain(&an, NULL, out));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n\nt.target @30ms\n"
                                            "├─x.service @10ms +20ms\n"
                                            "│ └─z.service @1ms +9ms\n"
                                            "└─y.service @20ms +10ms\n"
                                            "  └─z.service @1ms +9ms\n"
                                            "    └─...\n"));
        free(text);
        unload();
}

static void test_concurrency_counts_units_activating_at_each_moment(void)
{
        struct analyze_concurrency c;
        load_dag();
        CU_ASSERT_FATAL(analyze_concurrency_compute(&an, &c) == 0);
        const struct analyze_step want[] = { { 0, 1 }, { 100000, 4 }, { 100500, 3 }, { 150000, 2 }, { 450000, 0 } };
        CU_ASSERT_EQUAL_FATAL(c.n_steps, ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                CU_ASSERT_EQUAL(c.steps[i].at, want[i].at);
                CU_ASSERT_EQUAL(c.steps[i].n, want[i].n);
        }
        CU_ASSERT_EQUAL(c.peak, 4);
        CU_ASSERT_EQUAL(c.n_started, 9);
        CU_ASSERT_EQUAL(c.first_start, 0);
        CU_ASSERT_EQUAL(c.finish, 450000);
        /* 100 + 200 + 50 + 10 + 90 + 50 + 0.5 (simple) + 350 (g, cut at the end) ms */
        CU_ASSERT_EQUAL(c.sum, 850500);
        CU_ASSERT_EQUAL(c.critical_path, 450000);
        CU_ASSERT_EQUAL(c.n_cycle, 0);
        analyze_concurrency_free(&c);
        unload();
}

static void test_concurrency_prints_parallelism_and_critical_path(void)
{
        char *text = NULL;
        load_dag();
        CAPTURE(text, analyze_concurrency(&an, out));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "     100.000          4\n     100.500          3\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Achieved parallelism:     1.89 "));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Critical path:            450ms "));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Critical path / window:   1.00 "));
        free(text);
        unload();
}

static void test_concurrency_survives_an_after_cycle(void)
{
        static const char yaml[] =
                "manager_start_usec: 0\ntarget: ''\ntarget_reached_usec: 0\nunits:\n"
                "- {id: p.service, activating_usec: 10, active_usec: 20, after: [q.service], requires: [], wants: []}\n"
                "- {id: q.service, activating_usec: 10, active_usec: 30, after: [p.service], requires: [], wants: []}\n"
                "- {id: r.service, activating_usec: 5, active_usec: 45, after: [], requires: [], wants: []}\n";
        struct analyze_concurrency c;
        CU_ASSERT_FATAL(read_text(yaml) == 0);
        CU_ASSERT_FATAL(analyze_init(&an, &rec) == 0);
        CU_ASSERT_FATAL(analyze_concurrency_compute(&an, &c) == 0);
        CU_ASSERT_EQUAL(c.n_cycle, 2);
        CU_ASSERT_EQUAL(c.critical_path, 40);
        CU_ASSERT_EQUAL(c.finish, 45); /* not reached: the record's end */
        analyze_concurrency_free(&c);
        unload();
}

static void test_time_is_manager_start_to_target(void)
{
        char *text = NULL;
        load_dag();
        CAPTURE(text, analyze_time(&an, out));
        CU_ASSERT_STRING_EQUAL(text, "Startup finished in 450ms (userspace)\n"
                                     "test.target reached after 450ms in userspace.\n");
        free(text);
        unload();
}

static void test_dot_colours_edges_as_systemd_analyze(void)
{
        char *order = NULL, *require = NULL;
        load_dag();
        CAPTURE(order, analyze_dot(&an, true, false, out));
        CAPTURE(require, analyze_dot(&an, false, true, out));
        CU_ASSERT_PTR_NOT_NULL(strstr(order, "digraph weft {\n\t\"test.target\"->\"c.service\" [color=\"green\"];\n"));
        CU_ASSERT_PTR_NULL(strstr(order, "black"));
        CU_ASSERT_PTR_NOT_NULL(strstr(require, "\t\"b.service\"->\"a.service\" [color=\"black\"];\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(require, "\t\"d.service\"->\"b.service\" [color=\"grey66\"];\n"));
        CU_ASSERT_PTR_NULL(strstr(require, "green"));
        free(order);
        free(require);
        unload();
}

static void test_plot_has_one_activating_bar_per_started_unit(void)
{
        char *text = NULL;
        size_t bars = 0;
        load_dag();
        CAPTURE(text, analyze_plot(&an, out));
        for (const char *p = text; (p = strstr(p, "<rect class=\"activating\" x=")); p++)
                bars++;
        CU_ASSERT_EQUAL(bars, 9);
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "data-unit=\"b.service\" data-from-us=\"100000\" data-to-us=\"300000\""));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "</svg>\n"));
        free(text);
        unload();
}

static void test_format_timespan_matches_systemd(void)
{
        char b[ANALYZE_TIMESPAN_MAX];
        CU_ASSERT_STRING_EQUAL(analyze_format_timespan(b, sizeof b, 0), "0");
        CU_ASSERT_STRING_EQUAL(analyze_format_timespan(b, sizeof b, 774), "774us");
        CU_ASSERT_STRING_EQUAL(analyze_format_timespan(b, sizeof b, 123456), "123ms");
        CU_ASSERT_STRING_EQUAL(analyze_format_timespan(b, sizeof b, 1234567), "1.234s");
        CU_ASSERT_STRING_EQUAL(analyze_format_timespan(b, sizeof b, 2000000), "2s");
        CU_ASSERT_STRING_EQUAL(analyze_format_timespan(b, sizeof b, 61500000), "1min 1.500s");
        CU_ASSERT_STRING_EQUAL(analyze_format_timespan(b, sizeof b, 3600000000ULL), "1h");
}

/* Each malformed file is refused with file:line naming the place. */
static void check_refused(const char *content, const char *where)
{
        CU_ASSERT_EQUAL(read_text(content), -EBADMSG);
        if (!strstr(log_text, where))
                fprintf(stderr, "\n  wanted \"%s\" in: %s", where, log_text);
        CU_ASSERT_PTR_NOT_NULL(strstr(log_text, where));
}

static void test_malformed_yaml_names_file_and_line(void)
{
        check_refused("manager_start_usec: 1\ntarget: x\nunits: [\n  {id: a\n", "boot.yaml:5:");
}

static void test_bad_stamp_names_its_line(void)
{
        check_refused("manager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\nunits:\n"
                      "- id: a.service\n  active_usec: 12x\n  after: []\n  requires: []\n  wants: []\n",
                      "boot.yaml:6: active_usec: not a number");
        check_refused("manager_start_usec: -1\ntarget: x\ntarget_reached_usec: 0\nunits: []\n",
                      "boot.yaml:1: manager_start_usec: not a number");
        check_refused("manager_start_usec: 99999999999999999999999\ntarget: x\ntarget_reached_usec: 0\nunits: []\n",
                      "boot.yaml:1:");
}

static void test_truncated_unit_is_refused(void)
{
        /* Cut after the second line of a unit: its lists are missing. */
        check_refused("manager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\nunits:\n"
                      "- id: a.service\n  after: []\n  requires: []\n  wants: []\n"
                      "- id: b.service\n  type: service\n",
                      "boot.yaml:9: unit: missing key after");
}

static void test_missing_top_level_key_and_wrong_shapes_are_refused(void)
{
        check_refused("manager_start_usec: 1\ntarget: x\nunits: []\n", "boot.yaml:1: boot record: missing key "
                                                                       "target_reached_usec");
        check_refused("- just\n- a list\n", "boot.yaml:1: the boot record is not a mapping");
        check_refused("", "boot.yaml:1: empty file");
        check_refused("manager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\nunits: {a: b}\n",
                      "boot.yaml:4: units: expected a list");
        check_refused("manager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\nunits:\n- [a, b]\n",
                      "boot.yaml:5: units: item 1 is not a mapping");
        check_refused("manager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\nunits:\n"
                      "- {id: a, after: b, requires: [], wants: []}\n",
                      "boot.yaml:5: after: expected a list");
}

static void test_duplicate_unit_and_duplicate_key_are_refused(void)
{
        check_refused("manager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\nunits:\n"
                      "- {id: a, after: [], requires: [], wants: []}\n"
                      "- {id: a, after: [], requires: [], wants: []}\n",
                      "boot.yaml:6: unit a: listed twice");
        check_refused("manager_start_usec: 1\nmanager_start_usec: 2\ntarget: x\ntarget_reached_usec: 0\nunits: []\n",
                      "boot.yaml:2: boot record: key manager_start_usec given twice");
}

static void test_unknown_keys_are_ignored(void)
{
        CU_ASSERT_EQUAL(read_text("version: 9\nmanager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\n"
                                  "units:\n- {id: a, color: blue, after: [], requires: [], wants: []}\n"),
                        0);
        CU_ASSERT_EQUAL(rec.n_units, 1);
        boot_record_read_free(&rec);
}

/* The manager's phases: written only when known, read back, drawn as
 * systemd-analyze plot draws "Generators" and "Loading unit files"; a
 * record from before them (the DAG's) reads and plots without them. */
static void test_phases_are_written_read_and_plotted(void)
{
        const struct boot_record_unit units[] = { { .id = "a.service", .activating = 1500, .active = 1600 } };
        const struct boot_record w = { .manager_start = 1000, .generators_start = 1100, .generators_finish = 1300,
                                       .units_load_start = 1350, .units_load_finish = 1400, .target_reached = 1600,
                                       .target = "x.target", .units = units, .n_units = 1 };
        char path[512], *text = NULL;
        snprintf(path, sizeof path, "%s/boot.yaml", test_tmpdir());
        CU_ASSERT_FATAL(boot_record_write(path, &w) == 0);
        CU_ASSERT_FATAL(boot_record_read(path, &rec) == 0);
        CU_ASSERT_EQUAL(rec.generators_start, 1100);
        CU_ASSERT_EQUAL(rec.generators_finish, 1300);
        CU_ASSERT_EQUAL(rec.units_load_start, 1350);
        CU_ASSERT_EQUAL(rec.units_load_finish, 1400);
        CU_ASSERT_FATAL(analyze_init(&an, &rec) == 0);
        CAPTURE(text, analyze_plot(&an, out));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "data-phase=\"generators\" data-from-us=\"100\" data-to-us=\"300\""));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "data-phase=\"unitsload\" data-from-us=\"350\" data-to-us=\"400\""));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, ">Generators (200us)</text>"));
        free(text);
        unload();

        load_dag();
        CU_ASSERT_EQUAL(rec.generators_start + rec.generators_finish + rec.units_load_start + rec.units_load_finish, 0);
        CAPTURE(text, analyze_plot(&an, out));
        CU_ASSERT_PTR_NULL(strstr(text, "data-phase="));
        free(text);
        unload();
}

static void test_missing_file_is_an_error(void)
{
        FILE *sink = fopen("/dev/null", "w");
        log_set_sink(sink);
        CU_ASSERT_EQUAL(boot_record_read("/nonexistent/boot.yaml", &rec), -ENOENT);
        log_set_sink(NULL);
        fclose(sink);
}

static const struct test_case tests[] = {
        { "reads_every_field", test_reads_every_field },
        { "reads_back_what_the_writer_wrote", test_reads_back_what_the_writer_wrote },
        { "blame_orders_by_activation_time_and_leaves_out_simple_and_unfinished",
          test_blame_orders_by_activation_time_and_leaves_out_simple_and_unfinished },
        { "critical_chain_follows_the_predecessor_active_last", test_critical_chain_follows_the_predecessor_active_last },
        { "critical_chain_of_a_named_unit_and_an_unknown_one", test_critical_chain_of_a_named_unit_and_an_unknown_one },
        { "critical_chain_prints_every_tie_and_dots_for_a_unit_seen_before",
          test_critical_chain_prints_every_tie_and_dots_for_a_unit_seen_before },
        { "concurrency_counts_units_activating_at_each_moment", test_concurrency_counts_units_activating_at_each_moment },
        { "concurrency_prints_parallelism_and_critical_path", test_concurrency_prints_parallelism_and_critical_path },
        { "concurrency_survives_an_after_cycle", test_concurrency_survives_an_after_cycle },
        { "time_is_manager_start_to_target", test_time_is_manager_start_to_target },
        { "dot_colours_edges_as_systemd_analyze", test_dot_colours_edges_as_systemd_analyze },
        { "plot_has_one_activating_bar_per_started_unit", test_plot_has_one_activating_bar_per_started_unit },
        { "format_timespan_matches_systemd", test_format_timespan_matches_systemd },
        { "malformed_yaml_names_file_and_line", test_malformed_yaml_names_file_and_line },
        { "bad_stamp_names_its_line", test_bad_stamp_names_its_line },
        { "truncated_unit_is_refused", test_truncated_unit_is_refused },
        { "missing_top_level_key_and_wrong_shapes_are_refused", test_missing_top_level_key_and_wrong_shapes_are_refused },
        { "duplicate_unit_and_duplicate_key_are_refused", test_duplicate_unit_and_duplicate_key_are_refused },
        { "unknown_keys_are_ignored", test_unknown_keys_are_ignored },
        { "missing_file_is_an_error", test_missing_file_is_an_error },
        { "phases_are_written_read_and_plotted", test_phases_are_written_read_and_plotted },
        { 0 },
};
TEST_SUITE("analyze", tests);
