/* loadbench DIR [ROUNDS]: load every unit file in DIR (templates through an
 * instance, as verify does) the way weft does at boot, ROUNDS times, and
 * report the best wall time, files per second, heap bytes per loaded unit
 * (glibc's mallinfo2 around loading the units; the search-path index is
 * reported apart, since it is freed once loading is done) and peak RSS. */
#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/load.h"
#include "parse/load_types.h"

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char **unit_names(const char *dir)
{
        char **names = NULL;
        DIR *d = opendir(dir);
        struct dirent *de;
        if (!d)
                return NULL;
        while ((de = readdir(d))) {
                char *name = NULL;
                enum unit_type t = unit_name_to_type(de->d_name);
                if (t == _UNIT_TYPE_INVALID || !unit_type_supported(t))
                        continue;
                if (unit_name_is_valid(de->d_name, UNIT_NAME_TEMPLATE)) {
                        if (unit_name_replace_instance(de->d_name, "test_instance", &name) < 0)
                                continue;
                } else if (unit_name_is_valid(de->d_name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                        name = strdup(de->d_name);
                if (name && strv_consume(&names, name) < 0)
                        break;
        }
        closedir(d);
        return names;
}

/* One full load: index, table, every unit. Returns units loaded. */
static size_t load_once(char **dirs, char **names, size_t *ret_table, size_t *ret_edges, size_t *ret_heap,
                        size_t *ret_index_heap)
{
        struct unit_table table;
        struct unit_path_index *index = NULL;
        struct mallinfo2 before = mallinfo2();
        size_t loaded = 0, edges = 0;

        unit_table_init(&table);
        if (unit_path_index_build(dirs, &index) < 0)
                exit(1);
        struct mallinfo2 indexed = mallinfo2();
        struct load_context ctx = { .table = &table, .index = index };
        STRV_FOREACH(n, names) {
                struct unit *u;
                unit_table_intern(&table, *n, &u);
        }
        if (unit_load_all(&ctx) < 0)
                exit(1);
        for (size_t i = 0; i < table.n_units; i++) {
                if (table.units[i]->load_state == UNIT_LOADED)
                        loaded++;
                edges += table.units[i]->n_edges;
        }
        struct mallinfo2 after = mallinfo2();
        *ret_heap = after.uordblks - indexed.uordblks;
        *ret_index_heap = indexed.uordblks - before.uordblks;
        *ret_table = table.n_units;
        *ret_edges = edges;
        unit_table_done(&table);
        unit_path_index_free(index);
        return loaded;
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: loadbench DIR [ROUNDS]\n");
                return 2;
        }
        int rounds = argc > 2 ? atoi(argv[2]) : 5;
        char *dirs[] = { argv[1], NULL };
        char **names = unit_names(argv[1]);
        size_t files = strv_length(names), loaded = 0, table = 0, edges = 0, heap = 0, index_heap = 0;
        double best = 1e9;

        log_set_level(LOG_LEVEL_ERROR - 1); /* the corpus has warnings; we time, not lint */
        for (int i = 0; i < rounds; i++) {
                double t0 = now();
                loaded = load_once(dirs, names, &table, &edges, &heap, &index_heap);
                double t = now() - t0;
                if (t < best)
                        best = t;
        }
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("files=%zu loaded=%zu table=%zu edges=%zu best_s=%.6f files_per_s=%.0f heap_bytes=%zu "
               "heap_per_loaded_unit=%.0f index_heap_bytes=%zu maxrss_kib=%ld\n",
               files, loaded, table, edges, best, files / best, heap, loaded ? (double) heap / loaded : 0.0,
               index_heap, ru.ru_maxrss);
        strv_free(names);
        return 0;
}
