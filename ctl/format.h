/* Output shapes shared by weftctl's verbs: systemctl's column tables,
 * timestamps ("Tue 2024-05-21 10:00:00 UTC", "5min 3s ago"), the tree
 * branches of list-dependencies, and JSON for --json. Pure functions, so
 * the unit tests can check each shape. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sockets/control_proto.h"

/* A table of n_cols columns; cells are copied. */
struct ctl_table {
        size_t n_cols;
        char **cells; /* strv, row after row */
        size_t n_rows;
        size_t cap;   /* slots in cells, the NULL included */
};

void ctl_table_init(struct ctl_table *t, size_t n_cols);
void ctl_table_done(struct ctl_table *t);
/* Add a row of n_cols cells (NULL cells print as ""). */
int ctl_table_add(struct ctl_table *t, const char *const *cells);
/* Print each row, columns left-aligned and padded to their widest cell
 * (counted in characters, not bytes) and separated by one space; the last
 * column is not padded and no line has trailing blanks. */
void ctl_table_print(const struct ctl_table *t, FILE *f);

/* Display width of s: UTF-8 characters. */
size_t ctl_width(const char *s);

/* systemd's format_timestamp(): "Tue 2024-05-21 10:00:00 UTC" in the
 * local zone, for a CLOCK_REALTIME time in µs. */
char *ctl_format_timestamp(char *buf, size_t size, uint64_t realtime_usec);
/* systemd's format_timestamp_relative() for an age d in µs: "now",
 * "500ms ago", "5s ago", "1min 3s ago", "12min ago", "2h 5min ago",
 * "1 day 3h ago", "3 days ago", "2 weeks 1 days ago"... */
char *ctl_format_relative(char *buf, size_t size, uint64_t d);
/* The same for a time d µs ahead: "5s left", "1min 3s left"... */
char *ctl_format_left(char *buf, size_t size, uint64_t d);
/* A CLOCK_MONOTONIC stamp (µs), past or future, as CLOCK_REALTIME, using the clocks now. */
uint64_t ctl_monotonic_to_realtime(uint64_t mono_usec);

/* The branch drawing before an item of list-dependencies at depth level
 * (0 for the direct dependencies), as systemctl draws it: bit i of
 * branches is set when the ancestor i levels up has more siblings below;
 * last says the item is its parent's last. Writes e.g. "│ ├─" into buf. */
char *ctl_tree_prefix(char *buf, size_t size, unsigned level, uint64_t branches, bool last);

/* s as a JSON string, quotes included. */
void ctl_json_string(FILE *f, const char *s);

/* Is c one a shell reads specially (systemd's SHELL_NEED_QUOTES and
 * whitespace)? A word with one is quoted: ctl_print_word, and
 * show-environment's values. */
bool ctl_shell_special(char c);

/* The len bytes at s as systemctl show prints a word of a list: in double
 * quotes (with a backslash before " \ ` $) where a shell would read it
 * otherwise, as is elsewhere. */
void ctl_print_word(FILE *f, const char *s, size_t len);
/* The reply's units as a JSON array of objects, keys in reply order:
 * one line, or indented with pretty. Ends with a newline. */
void ctl_json_units(FILE *f, const struct control_reply *reply, bool pretty);
