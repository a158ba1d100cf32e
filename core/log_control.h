/* weft's log level and target changed at run time, by systemd's names:
 * the control verbs log-level and log-target (core/control.c, on the
 * scheduler thread) and, on the bus thread, LogControl1 and the Manager's
 * LogLevel and LogTarget (core/bus_manager.c). What changes is
 * base/log.c's level and target, atomics any thread may set; the value
 * to restore is kept here, set once by whichever change comes first. */
#pragma once
#include <stddef.h>

/* The current level and target, as systemd names them. */
const char *log_control_level(void);
const char *log_control_target(void);

/* Set the level (a syslog name or number, base/log.h) or the target
 * ("console", "auto", "null"); "" restores the one weft started with, as
 * systemd's PID 1 does. Logs the change. 0, or -EINVAL (not a name) or
 * -EOPNOTSUPP (a target weft cannot do) with the client's message in err
 * (err_size bytes); then nothing changed. */
int log_control_set_level(const char *name, char *err, size_t err_size);
int log_control_set_target(const char *name, char *err, size_t err_size);
