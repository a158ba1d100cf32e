/* Generators, per systemd.generator(7): every executable in the generator
 * directories (the first of a name wins; one linked to /dev/null is
 * masked) runs at once, in parallel, as
 *     GENERATOR OUT/generator OUT/generator.early OUT/generator.late
 * with systemd's environment for them (SYSTEMD_SCOPE=system,
 * SYSTEMD_IN_INITRD, SYSTEMD_FIRST_BOOT when known, SYSTEMD_VIRTUALIZATION
 * when detected, SYSTEMD_ARCHITECTURE, PATH), after the three output
 * directories were emptied. Each is bounded: one still running at the
 * deadline is killed and logged; one that fails or cannot run is logged;
 * either way the others' output stands and the boot goes on.
 *
 * They are plain children of weft, not work for the pool: at boot they
 * run before any thread exists and must end before the unit path is read.
 * Each is made with clone(CLONE_VM|CLONE_VFORK|CLONE_PIDFD) (no copy of
 * weft's page tables; TSan builds fork with clone3) and no exit signal, so the signal
 * thread's waitid(P_ALL) never reaps it (a child without SIGCHLD is
 * invisible to that without __WALL); weft waits on the pidfds with poll,
 * so the same call is safe at daemon-reload from any thread. */
#pragma once
#include <stdint.h>

#define GENERATOR_TIMEOUT_USEC (90ULL * 1000000ULL) /* systemd's default */

/* The directories systemd searches, highest precedence first. */
extern const char *const generator_default_dirs[];
/* Where systemd puts their output. */
#define GENERATOR_DEFAULT_OUTPUT "/run/systemd"

/* Runs every generator found in dirs (NULL-terminated) with outputs under
 * out_base. Returns the number of generators that failed or timed out, or
 * -errno when none could run (the output directories unusable). */
int generators_run(const char *const *dirs, const char *out_base, uint64_t timeout_usec);
