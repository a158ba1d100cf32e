/* The loaded configuration is immutable (issue 9, item 5): a unit loaded
 * at run time (an Accept=yes instance, a unit a control request names)
 * leaves every unit loaded before it byte for byte as it was, and the
 * scheduler still sees the edges that point back at the new unit (the
 * side table in struct unit_runtime): ordering, BindsTo=. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

/* What a unit's edges were: the array's address, length and bytes. */
struct edges_copy {
        const struct unit *u;
        const struct unit_edge *edges;
        uint32_t n_edges, cap_edges;
        struct unit_edge *bytes;
};

static struct edges_copy *edges_snapshot(size_t *ret_n)
{
        size_t n = F.table.n_units;
        struct edges_copy *c = calloc(n, sizeof *c);
        CU_ASSERT_FATAL(c != NULL);
        for (size_t i = 0; i < n; i++) {
                const struct unit *u = F.table.units[i];
                c[i] = (struct edges_copy) { u, u->edges, u->n_edges, unit_edges_cap(u), NULL };
                if (u->n_edges) {
                        c[i].bytes = malloc(u->n_edges * sizeof *u->edges);
                        CU_ASSERT_FATAL(c[i].bytes != NULL);
                        memcpy(c[i].bytes, u->edges, u->n_edges * sizeof *u->edges);
                }
        }
        *ret_n = n;
        return c;
}

/* Every unit of the snapshot still has exactly the edges it had. */
static void edges_check_unchanged(struct edges_copy *c, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const struct unit *u = c[i].u;
                CU_ASSERT_PTR_EQUAL(F.table.units[i], u);
                CU_ASSERT_PTR_EQUAL(u->edges, c[i].edges);
                CU_ASSERT_EQUAL(u->n_edges, c[i].n_edges);
                CU_ASSERT_EQUAL(unit_edges_cap(u), c[i].cap_edges);
                if (u->n_edges == c[i].n_edges && u->n_edges)
                        CU_ASSERT_EQUAL(memcmp(u->edges, c[i].bytes, u->n_edges * sizeof *u->edges), 0);
                free(c[i].bytes);
        }
        free(c);
}

static const char *const TARGETS[][2] = {
        { "sysinit.target", "[Unit]\n" },
        { "basic.target", "[Unit]\nRequires=sysinit.target\nAfter=sysinit.target\n" },
        { "sockets.target", "[Unit]\n" },
        { "shutdown.target", "[Unit]\nDefaultDependencies=no\n" },
};

static void write_targets(const char *d)
{
        for (size_t i = 0; i < sizeof TARGETS / sizeof TARGETS[0]; i++)
                test_write_file(d, TARGETS[i][0], TARGETS[i][1]);
}

static void test_accept_instance_leaves_loaded_units_unchanged(void)
{
        const char *d = test_tmpdir();
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char unit[512], *path = sa.sun_path;
        snprintf(path, sizeof sa.sun_path, "%s/s.sock", d);
        snprintf(unit, sizeof unit, "[Socket]\nListenStream=%s\nAccept=yes\n", path);
        write_targets(d);
        test_write_file(d, "t.target", "[Unit]\nWants=s.socket basic.target\n");
        test_write_file(d, "s.socket", unit);
        /* Default dependencies: the instance orders itself against the
         * loaded targets, whose reverse edges used to grow. */
        test_write_file(d, "s@.service", "[Service]\nExecStart=/bin/sleep 91\n");
        fake_setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL_FATAL(fake_state("s.socket"), "active");
        size_t n;
        struct edges_copy *before = edges_snapshot(&n);

        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        CU_ASSERT_FATAL(connect(c, (struct sockaddr *) &sa, sizeof sa) == 0);
        CU_ASSERT_EQUAL_FATAL(F.n_watches, 1);
        CU_ASSERT_TRUE(fake_fd_ready(F.watches[0].fd));

        CU_ASSERT_STRING_EQUAL(fake_state("s@0.service"), "activating");
        CU_ASSERT_TRUE(fake_find_spawn("91") >= 0);
        CU_ASSERT_TRUE(F.table.n_units > n);
        edges_check_unchanged(before, n);
        close(c);
        fake_teardown();
}

/* x.service, loaded by a control request, is ordered before a.service,
 * which was loaded (not started) at boot: a's start waits for x's, though
 * the edge that says so is only x's. */
static void test_runtime_unit_orders_a_loaded_unit_without_changing_it(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 92\n");
        test_write_file(d, "x.service",
                        "[Unit]\nDefaultDependencies=no\nBefore=a.service\n"
                        "[Service]\nType=oneshot\nExecStart=/bin/echo X93\n");
        fake_setup_with(d, "t.target", "a.service", NULL);
        size_t n;
        struct edges_copy *before = edges_snapshot(&n);

        fake_control("start", "x.service");
        CU_ASSERT_STRING_EQUAL_FATAL(fake_state("x.service"), "activating");
        edges_check_unchanged(before, n);

        fake_control("start", "a.service");
        CU_ASSERT_EQUAL(fake_find_spawn("92"), -1); /* waits for x */
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        fake_run_to_exit("X93", 0);
        CU_ASSERT_TRUE(fake_find_spawn("92") >= 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "activating");
        fake_teardown();
}

/* The other direction: a.service's start job is queued behind a blocker
 * when x.service, ordered after a, is loaded and started: x waits for a. */
static void test_runtime_unit_waits_for_a_loaded_unit(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\n");
        test_write_file(d, "a.service",
                        "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo A94\n");
        test_write_file(d, "x.service",
                        "[Unit]\nDefaultDependencies=no\nWants=a.service\nAfter=a.service\n"
                        "[Service]\nExecStart=/bin/sleep 95\n");
        fake_setup_with(d, "t.target", "a.service", NULL);
        size_t n;
        struct edges_copy *before = edges_snapshot(&n);

        fake_control("start", "x.service");
        CU_ASSERT_TRUE(fake_find_spawn("A94") >= 0);
        CU_ASSERT_EQUAL(fake_find_spawn("95"), -1);
        fake_run_to_exit("A94", 0);
        CU_ASSERT_TRUE(fake_find_spawn("95") >= 0);
        edges_check_unchanged(before, n);
        fake_teardown();
}

/* x.service BindsTo= a loaded unit: when a stops, x stops, through the
 * BoundBy= edge that only the side table holds. */
static void test_runtime_unit_bound_to_a_loaded_unit_stops_with_it(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 96\n");
        test_write_file(d, "x.service",
                        "[Unit]\nDefaultDependencies=no\nBindsTo=a.service\nAfter=a.service\n"
                        "[Service]\nExecStart=/bin/sleep 97\n");
        fake_setup(d, "t.target");
        pid_t a = fake_report(fake_find_spawn("96"));
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        fake_control("start", "x.service");
        fake_report(fake_find_spawn("97"));
        CU_ASSERT_STRING_EQUAL(fake_state("x.service"), "active");
        fake_exit(a, CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "inactive");
        CU_ASSERT_STRING_EQUAL(fake_state("x.service"), "deactivating");
        fake_teardown();
}

static const struct test_case tests[] = {
        { "accept_instance_leaves_loaded_units_unchanged", test_accept_instance_leaves_loaded_units_unchanged },
        { "runtime_unit_orders_a_loaded_unit_without_changing_it",
          test_runtime_unit_orders_a_loaded_unit_without_changing_it },
        { "runtime_unit_waits_for_a_loaded_unit", test_runtime_unit_waits_for_a_loaded_unit },
        { "runtime_unit_bound_to_a_loaded_unit_stops_with_it", test_runtime_unit_bound_to_a_loaded_unit_stops_with_it },
        { 0 }
};
TEST_SUITE("sched_immutable", tests);
