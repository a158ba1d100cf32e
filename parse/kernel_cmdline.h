/* The kernel command line as systemd reads it when it is PID 1 (see
 * kernel-command-line(7)): the words weft acts on, later ones winning.
 *   systemd.unit=UNIT (weft.unit= too)   the unit to boot
 *   emergency, -b                        emergency.target
 *   rescue, single, s, S, 1              rescue.target
 *   2, 3, 4 / 5                          multi-user.target / graphical.target
 *   quiet                                status only for failures
 *   systemd.show_status=yes|no|auto|error (or a boolean)
 *   systemd.log_level=LEVEL              syslog names or 0..7
 *   systemd.crash_shell[=BOOL], systemd.crash_reboot[=BOOL], systemd.dump_core[=BOOL]
 * rd.* words are the initrd's and ignored; so are words weft does not know.
 * A bad value is logged and ignored. Words may be double-quoted, as the
 * kernel allows ("a=b c" is one word). Pure: no I/O besides logging. */
#pragma once
#include <stdbool.h>

#include "base/log.h"

enum show_status {
        SHOW_STATUS_UNSET = -1,
        SHOW_STATUS_NO,
        SHOW_STATUS_YES,
        SHOW_STATUS_ERROR, /* only failures (quiet, auto, error) */
};

struct kernel_cmdline {
        char *unit;                  /* NULL when none was named */
        enum show_status show_status;
        enum log_level log_level;    /* _LOG_LEVEL_INVALID when not given */
        bool quiet;
        /* systemd.crash_shell, .crash_reboot, .dump_core: -1 when not given */
        int crash_shell, crash_reboot, dump_core;
};

#define KERNEL_CMDLINE_INIT                                                                  \
        {                                                                                    \
                .show_status = SHOW_STATUS_UNSET, .log_level = _LOG_LEVEL_INVALID,           \
                .crash_shell = -1, .crash_reboot = -1, .dump_core = -1,                      \
        }

/* Parses text (the contents of /proc/cmdline) into ret: 0 or -ENOMEM. */
int kernel_cmdline_parse(const char *text, struct kernel_cmdline *ret);
/* Reads and parses path (normally /proc/cmdline). */
int kernel_cmdline_read(const char *path, struct kernel_cmdline *ret);
void kernel_cmdline_done(struct kernel_cmdline *k);
/* The status setting in force: show_status, else quiet's, else YES. */
enum show_status kernel_cmdline_show_status(const struct kernel_cmdline *k);
