/* The manager: everything the daemon runs, wired together. It owns the
 * unit table, the event queue, the worker pool, the signal thread and the
 * scheduler thread. main.c parses the command line and PID-1 setup, then
 * calls manager_run, which returns when every unit has stopped. */
#pragma once
#include <stdbool.h>

#include "core/event.h"
#include "parse/config.h"

struct manager_result {
        enum shutdown_kind kind; /* what the shutdown asked for */
        int exit_code;           /* for SHUTDOWN_EXIT */
};

/* Load the units for target from config's unit paths, boot them, serve
 * until a shutdown signal, stop everything in reverse order and return.
 * Signals must already be blocked (signal_block_handled). Returns 0 or a
 * negative errno when the manager could not even start. */
struct container_options;
/* With container (`weft -- CMD`, core/container.h): main.service is added
 * to the units and is the boot's anchor, target (NULL: none) its sidecars;
 * CMD's end is the manager's end; a runtime directory that cannot be made
 * costs the control and notify sockets, the unit logs and the boot record
 * (each said once), not the run. */
int manager_run(const struct weft_config *config, const char *target, const struct container_options *container,
                struct manager_result *ret);
