/* The stdio fds of a spawn request: StandardInput=, StandardOutput= and
 * StandardError= opened (files, the tty, weft's per-unit log) or duplicated
 * from weft's own, so the request owns every fd it holds. Internal to the
 * exec module: called by exec_build_request() (workers/exec_context.c) on
 * the scheduler thread. Each function returns 0 and sets *ret (-1 meaning
 * /dev/null), or a negative errno after logging "ID: what failed: why". */
#pragma once
#include "workers/exec_context.h"

/* A private copy of fd, so the request owns all of its fds. One of weft's
 * own stdio fds that is closed gives -1 (/dev/null). */
int exec_stdio_dup_fd(const char *id, int fd, int *ret);

/* The fd for stdin: p's given one (systemd-run --pipe), else what
 * StandardInput= says. */
int exec_stdio_open_input(const char *id, const struct exec_context *c, const struct exec_params *p, int *ret);

/* The fd for stdout (target 1) or stderr (2): p's given one, else what
 * the setting says; fds holds what the lower numbers resolved to. */
int exec_stdio_open_output(const char *id, const struct exec_context *c, const struct exec_params *p, int target,
                           const int *fds, int *ret);
