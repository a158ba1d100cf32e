/* PID 1's crash handler. When weft is PID 1 (of a machine, or of a PID
 * namespace that it boots), exiting would panic the kernel or end the
 * namespace, so a fault in weft ends as systemd's does: the signal and its
 * origin on the console, a core dumped by a child, then a shell or a
 * reboot when asked for, and otherwise a freeze that keeps reaping orphans
 * while every other weft thread is parked. Not installed for `weft -- CMD`
 * or when weft is not PID 1: there the default action (die, dump core) is
 * what the one who started weft expects. */
#pragma once
#include <stdbool.h>

struct crash_options {
        bool dump_core;    /* systemd.dump_core=, --dump-core */
        bool shell;        /* systemd.crash_shell=, --crash-shell */
        bool reboot;       /* systemd.crash_reboot=, --crash-reboot */
        bool own_console;  /* the shell opens /dev/console (a real system); else weft's stdio */
        unsigned delay_sec; /* before the shell or reboot, so a person can read the console */
};

/* Catches SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT from now on, with o.
 * Call from main before any thread exists; again to change the options,
 * also only while single-threaded. Returns 0 or -errno. */
int crash_install(const struct crash_options *o);

/* What weft does when it cannot go on as PID 1 (the manager failed): the
 * crash path without a signal or a core: why on the console, then the
 * shell, reboot or freeze of the options. Never returns. */
_Noreturn void crash_freeze(const char *why);
