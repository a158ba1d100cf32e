/* Reading a unit's log file (RUNTIME_DIR/log/UNIT.log, written by weft):
 * the last lines, and following it as it grows. Used by `weftctl logs`
 * and by `weftctl status` for its last lines. */
#pragma once
#include <stddef.h>

/* The last n lines of path (all of them for n == 0), malloc'd in *ret.
 * Reads at most the file's last LOGS_TAIL_MAX bytes. */
#define LOGS_TAIL_MAX (4u * 1024 * 1024)
int logs_tail_file(const char *path, unsigned n, char **ret);

/* The last n lines of buf[0..len) (a final line without "\n" counts):
 * the offset where they start. n == 0: 0. */
size_t logs_tail_offset(const char *buf, size_t len, unsigned n);
