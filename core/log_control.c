/* Run-time changes of the log level and target; see log_control.h. */
#include "core/log_control.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/log.h"

/* What weft started with, saved by the first change (-2: no change yet).
 * Saved before the change is made, so a second thread's change, which
 * reads the value after that, never saves a changed one. */
#define NOT_SAVED (-2)
static _Atomic int saved_level = NOT_SAVED;
static _Atomic int saved_target = NOT_SAVED;

static void save_once(_Atomic int *saved, int current)
{
        int expected = NOT_SAVED;
        atomic_compare_exchange_strong(saved, &expected, current);
}

static const char *level_name(int l)
{
        const char *s = log_level_to_string(l);
        return s ? s : "crit"; /* below err (the unit tests' quiet): nothing weft logs passes */
}

const char *log_control_level(void)
{
        return level_name(log_get_level());
}

const char *log_control_target(void)
{
        return log_target_to_string(log_get_target());
}

int log_control_set_level(const char *name, char *err, size_t err_size)
{
        if (!name[0]) {
                int l = atomic_load(&saved_level);
                if (l != NOT_SAVED) {
                        log_info("Restoring log level to original (%s).", level_name(l));
                        log_set_level(l);
                }
                return 0;
        }
        enum log_level l = log_level_from_syslog(name);
        if (l == _LOG_LEVEL_INVALID) {
                snprintf(err, err_size, "Invalid log level '%s'.", name);
                return -EINVAL;
        }
        save_once(&saved_level, log_get_level());
        /* Before the change, as systemd does: a quieter level still says so. */
        log_info("Setting log level to %s.", level_name(l));
        log_set_level(l);
        return 0;
}

int log_control_set_target(const char *name, char *err, size_t err_size)
{
        enum log_target t;
        int r;

        if (!name[0]) {
                int s = atomic_load(&saved_target);
                if (s != NOT_SAVED) {
                        log_set_target(s);
                        log_info("Restoring log target to original %s.", log_target_to_string(s));
                }
                return 0;
        }
        r = log_target_from_string(name, &t);
        if (r == -EOPNOTSUPP)
                snprintf(err, err_size,
                         "Log target '%s' is not supported: weft logs to its console (stderr) only; "
                         "use console, auto or null.", name);
        else if (r < 0)
                snprintf(err, err_size, "Invalid log target '%s'.", name);
        if (r < 0)
                return r;
        save_once(&saved_target, log_get_target());
        log_set_target(t);
        /* After the change: to null, nothing is said. */
        log_info("Setting log target to %s.", log_target_to_string(t));
        return 0;
}
