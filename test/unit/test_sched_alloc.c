/* Starting a unit allocates nothing that could be allocated at load
 * (issue 9, item 5; STYLE.md "allocate at load"): the number of heap
 * allocations one start makes is measured here, by counting malloc,
 * calloc and realloc on this thread while the scheduler starts a loaded
 * Type=simple service through the fake world.
 *
 * The counter replaces glibc's allocator entry points in this binary and
 * forwards to glibc's own (__libc_*). Under a sanitizer, which owns the
 * allocator, nothing is replaced and the count is not checked. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/wait.h>

#include "test/unit/sched_fake.h"
#include "workers/exec_context.h"
#include "workers/spawn.h"
#include "test/unit/test.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ALLOC_COUNTING 0
#else
#define ALLOC_COUNTING 1
#endif

static __thread bool counting;
static __thread unsigned long n_allocs;

#if ALLOC_COUNTING
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

void *malloc(size_t n)
{
        if (counting)
                n_allocs++;
        return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
        if (counting)
                n_allocs++;
        return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
        if (counting)
                n_allocs++;
        return __libc_realloc(p, n);
}
#endif

static void count_begin(void)
{
        n_allocs = 0;
        counting = true;
}

static unsigned long count_end(void)
{
        counting = false;
        return n_allocs;
}

/* What building a.service's spawn request allocates by itself, with the
 * parameters sched_spawn() gives it (the manager's environment block, no
 * notify socket, no fds). */
static unsigned long request_allocs(const char *dir)
{
        struct unit *a = unit_table_get(&F.table, "a.service");
        const struct exec_params p = { .unit_id = a->id, .log_dir = dir, .socket_fd = -1,
                                       .manager_environment = sched_env(F.s) };
        struct spawn_request *req = NULL;
        count_begin();
        int r = exec_build_request(a, &a->service->exec_ctx, a->service->exec_start, &p, &req);
        unsigned long n = count_end();
        CU_ASSERT_EQUAL(r, 0);
        spawn_request_free(req);
        return n;
}

/* One start of a.service, from the start request to the worker's report
 * that the process runs (a Type=simple service is then active and its job
 * done), allocates its spawn request and nothing else: the transaction's
 * scratch and the job were allocated when the unit was loaded. The request
 * is allocated per spawn because a worker takes it and frees it
 * (workers/pool.h). */
static void test_starting_a_loaded_simple_service_allocates_only_its_spawn_request(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\n");
        test_write_file(d, "b.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 98\n");
        test_write_file(d, "a.service",
                        "[Unit]\nDefaultDependencies=no\nAfter=b.service\n[Service]\nExecStart=/bin/sleep 99 x\n");
        fake_setup_with(d, "t.target", "a.service", NULL);
        /* Warm up what grows to its peak and stays (the pid and request
         * maps, the timer heap): one start and exit of another unit. */
        CU_ASSERT_EQUAL_FATAL(sched_start(F.s, "b.service", ++F.now, false), 0);
        pid_t b = fake_report(fake_find_spawn("98"));
        CU_ASSERT_STRING_EQUAL_FATAL(fake_state("b.service"), "active");
        fake_exit(b, CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL_FATAL(fake_state("b.service"), "inactive");

        count_begin();
        int r = sched_start(F.s, "a.service", ++F.now, false);
        unsigned long queued = n_allocs;
        int i = fake_find_spawn("99");
        CU_ASSERT_FATAL(i >= 0);
        fake_report(i);
        unsigned long total = count_end();
        CU_ASSERT_EQUAL(r, 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.service"), "active");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0u);

        unsigned long request = request_allocs(d);
        fprintf(stderr, "\n    allocations per start: %lu (%lu to queue and spawn, %lu for the report), "
                        "of which the spawn request: %lu%s\n",
                total, queued, total - queued, request, ALLOC_COUNTING ? "" : " [not counted under a sanitizer]");
        if (ALLOC_COUNTING) {
                CU_ASSERT(request > 0);
                CU_ASSERT_EQUAL(total, request);
        }
        fake_teardown();
}

static const struct test_case tests[] = {
        { "starting_a_loaded_simple_service_allocates_only_its_spawn_request",
          test_starting_a_loaded_simple_service_allocates_only_its_spawn_request },
        { 0 }
};
TEST_SUITE("sched_alloc", tests);
