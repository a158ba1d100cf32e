/* weftctl analyze: the boot as a boot record (boot.yaml) tells it, in
 * systemd-analyze's terms. analyze.c builds the model below from a record
 * read by boot_record_read() and prints time, blame and dot;
 * analyze_chain.c prints critical-chain and concurrency; analyze_plot.c
 * draws the SVG. Every printer writes to the FILE it is given and returns 0
 * or a negative errno (logged), so the tests can capture the output.
 *
 * Times in the model are µs since the manager started. One deliberate
 * difference from systemd: a oneshot without RemainAfterExit never becomes
 * active, and systemd-analyze leaves it out of critical-chain; here its
 * start counts as done when it went inactive again (as blame already
 * counts its time), because that is what its After= dependents waited for. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse/boot_record.h"
#include "base/hashmap.h"

struct analyze_unit {
        const struct boot_record_unit *rec;
        bool started;  /* it left inactive during the boot (has an activating stamp) */
        bool finished; /* its start finished: it became active, or inactive again */
        uint64_t start; /* activating */
        uint64_t done;  /* start finished; the record's end when !finished */
        uint64_t time;  /* activation time as systemd-analyze computes it; 0 if !finished */
        size_t *after;  /* indices of its After= units that are in the record */
        size_t n_after;
};

struct analyze {
        const struct boot_record *record;
        struct analyze_unit *units; /* parallel to record->units */
        size_t n_units;
        struct hashmap by_id;    /* unit id -> struct analyze_unit */
        uint64_t target_reached; /* 0 when the target was not reached */
        bool reached;
        uint64_t end; /* the last moment the record knows of */
};

int analyze_init(struct analyze *a, const struct boot_record *r);
void analyze_done(struct analyze *a);
struct analyze_unit *analyze_find(const struct analyze *a, const char *id);
/* A Type=simple service: no measurable activation, so not in blame. */
bool analyze_unit_is_simple(const struct analyze_unit *u);

/* systemd's format_timespan() at millisecond accuracy, as systemd-analyze
 * prints: "0", "500us", "123ms", "1.234s", "1min 2.345s". */
#define ANALYZE_TIMESPAN_MAX 64
char *analyze_format_timespan(char *buf, size_t size, uint64_t usec);

int analyze_time(const struct analyze *a, FILE *out);
int analyze_blame(const struct analyze *a, FILE *out);
int analyze_dot(const struct analyze *a, bool order, bool require, FILE *out);
/* units: NULL or empty for the record's target. -ENOENT (logged) for a
 * unit not in the record. */
int analyze_critical_chain(const struct analyze *a, char *const *units, FILE *out);
int analyze_plot(const struct analyze *a, FILE *out);

/* One step of the concurrency series: from `at` on, n units are activating. */
struct analyze_step {
        uint64_t at;
        unsigned n;
};

struct analyze_concurrency {
        struct analyze_step *steps; /* only where the count changes */
        size_t n_steps;
        size_t n_started;
        unsigned peak;
        uint64_t first_start;   /* the first activation */
        uint64_t finish;        /* target reached, or the record's end */
        uint64_t sum;           /* sum of activation spans (activating to done) */
        uint64_t critical_path; /* longest After= chain of activation spans */
        size_t n_cycle;         /* units left out of the path: an After= cycle */
};

int analyze_concurrency_compute(const struct analyze *a, struct analyze_concurrency *ret);
void analyze_concurrency_free(struct analyze_concurrency *c);
int analyze_concurrency(const struct analyze *a, FILE *out);

/* analyze_calendar.c: the offline verbs `calendar` and `timespan`, in
 * systemd-analyze's format; they return the exit status. */
struct ctl_options;
int analyze_calendar(const struct ctl_options *o, char **args);
int analyze_timespan(const struct ctl_options *o, char **args);
