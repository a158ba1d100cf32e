/* Runs every CUnit suite registered with TEST_SUITE. Arguments, if given,
 * are suite names to run (for a quick loop while working on one module). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "test/unit/test.h"

#define MAX_SUITES 128

static struct {
        const char *name;
        const struct test_case *tests;
} suites[MAX_SUITES];
static int n_suites;
static char tmp_root[] = "/tmp/weft-unit-XXXXXX";
static int tmp_counter;

void test_register_suite(const char *name, const struct test_case *tests)
{
        if (n_suites == MAX_SUITES) {
                fprintf(stderr, "too many suites; raise MAX_SUITES\n");
                exit(2);
        }
        suites[n_suites].name = name;
        suites[n_suites].tests = tests;
        n_suites++;
}

const char *test_tmpdir(void)
{
        static char path[256];
        snprintf(path, sizeof path, "%s/t%d", tmp_root, ++tmp_counter);
        CU_ASSERT_FATAL(mkdir(path, 0755) == 0);
        return path;
}

const char *test_write_file(const char *dir, const char *relpath, const char *content)
{
        static char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, relpath);
        for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
                *p = 0;
                mkdir(path, 0755);
                *p = '/';
        }
        FILE *f = fopen(path, "w");
        CU_ASSERT_FATAL(f != NULL);
        fputs(content, f);
        fclose(f);
        return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        return remove(path);
}

static int wanted(const char *name, int argc, char **argv)
{
        if (argc < 2)
                return 1;
        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], name) == 0)
                        return 1;
        return 0;
}

int main(int argc, char **argv)
{
        if (!mkdtemp(tmp_root)) {
                perror("mkdtemp");
                return 2;
        }
        if (CU_initialize_registry() != CUE_SUCCESS)
                return 2;
        for (int i = 0; i < n_suites; i++) {
                if (!wanted(suites[i].name, argc, argv))
                        continue;
                CU_pSuite s = CU_add_suite(suites[i].name, NULL, NULL);
                if (!s)
                        return 2;
                for (const struct test_case *t = suites[i].tests; t->name; t++)
                        if (!CU_add_test(s, t->name, t->fn))
                                return 2;
        }
        CU_basic_set_mode(CU_BRM_NORMAL);
        CU_basic_run_tests();
        unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
        unsigned run = CU_get_number_of_tests_run();
        CU_cleanup_registry();
        nftw(tmp_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        return failed == 0 && run > 0 ? 0 : 1;
}
