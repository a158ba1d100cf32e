/* org.freedesktop.LogControl1 on /org/freedesktop/LogControl1 (what
 * `systemctl log-level` and `log-target` talk to), and the getters and
 * setters the Manager's LogLevel and LogTarget share with it
 * (core/bus_manager.c), as systemd's PID 1 shares them. Bus thread; the
 * level and target are base/log.c's atomics, changed through
 * core/log_control.c like the control verbs change them. */
#include <errno.h>

#include "core/bus_internal.h"
#include "core/log_control.h"

#define LOG_CONTROL_PATH "/org/freedesktop/LogControl1"
#define LOG_CONTROL_IFACE "org.freedesktop.LogControl1"

int bus_log_level_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        return sd_bus_message_append(reply, "s", log_control_level());
}

int bus_log_target_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        return sd_bus_message_append(reply, "s", log_control_target());
}

/* systemd's PID 1 says "systemd", its own name: weft says its own. */
static int syslog_identifier_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                                 sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        return sd_bus_message_append(reply, "s", "weft");
}

/* Root only, as every call that changes weft; a name weft does not know,
 * or a target it cannot do, is InvalidArgs and changes nothing. */
static int set_setting(sd_bus_message *value, bool level, sd_bus_error *ret_error)
{
        const char *name;
        char err[256];
        int r = bus_check_root(value, ret_error);

        if (r < 0)
                return r;
        r = sd_bus_message_read(value, "s", &name);
        if (r < 0)
                return r;
        r = level ? log_control_set_level(name, err, sizeof err) : log_control_set_target(name, err, sizeof err);
        if (r < 0)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "%s", err);
        return 0;
}

int bus_log_level_set(sd_bus *bus, const char *path, const char *interface, const char *property,
                      sd_bus_message *value, void *userdata, sd_bus_error *ret_error)
{
        return set_setting(value, true, ret_error);
}

int bus_log_target_set(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *value, void *userdata, sd_bus_error *ret_error)
{
        return set_setting(value, false, ret_error);
}

/* UNPRIVILEGED: sd-bus's own check wants CAP_SYS_ADMIN from creds a
 * private-bus peer may not carry; set_setting checks for root itself. */
static const sd_bus_vtable log_control_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_WRITABLE_PROPERTY("LogLevel", "s", bus_log_level_get, bus_log_level_set, 0,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_WRITABLE_PROPERTY("LogTarget", "s", bus_log_target_get, bus_log_target_set, 0,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("SyslogIdentifier", "s", syslog_identifier_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

int bus_log_control_attach(sd_bus *bus)
{
        return sd_bus_add_object_vtable(bus, NULL, LOG_CONTROL_PATH, LOG_CONTROL_IFACE, log_control_vtable, NULL);
}
