/* Loading device units (systemd.device(5)): they come from udev (or, in a
 * container, from the device nodes that exist), never from a file; a file
 * or drop-in may still add [Unit] settings and dependencies. */
#include "parse/load_internal.h"

const struct unit_load_ops device_load_ops = {
        .ignore_on_isolate = true,
        .fragment_optional = true,
        .job_running_timeout_usec = 90 * USEC_PER_SEC, /* systemd's DefaultDeviceTimeoutSec= */
};
