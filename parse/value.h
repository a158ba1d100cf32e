/* Scalar value parsers and formatters for unit settings (systemd.syntax(7),
 * systemd.time(7), systemd.exec(5), systemd.kill(5)). Each parser takes the
 * whole value (already stripped of surrounding whitespace), returns 0 and
 * writes *ret only on success, or -EINVAL / -ERANGE without touching it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "base/macro.h"

/* 1/yes/y/true/t/on -> 1, 0/no/n/false/f/off -> 0 (case-insensitive), else -EINVAL. */
int parse_boolean(const char *s);

/* Time span in µs, exactly as `systemd-analyze timespan` reads it: a bare
 * number is default_unit_usec units (USEC_PER_SEC for most settings);
 * parts add up ("2min 200ms"); decimals allowed ("1.5s"); units us/usec/µs,
 * ms/msec, s/sec/second(s), m/min/minute(s), h/hr/hour(s), d/day(s),
 * w/week(s), M/month(s), y/year(s). "infinity" gives USEC_INFINITY.
 * Overflow is -ERANGE. */
int parse_timespan(const char *s, uint64_t default_unit_usec, uint64_t *ret_usec);

/* Render exactly as systemd's format_timespan(…, accuracy 1) does, which is
 * what `systemctl show` prints: 90000000 -> "1min 30s", 100000 -> "100ms",
 * 0 -> "0", USEC_INFINITY -> "infinity". Returns buf. */
char *format_timespan(char *buf, size_t len, uint64_t usec);

/* Decimal (and 0x hex / 0 octal where systemd's safe_atou allows them)
 * integers with range checks. Leading '-' is -ERANGE for unsigned. */
int parse_unsigned(const char *s, unsigned *ret);
int parse_uint64(const char *s, uint64_t *ret);
int parse_int(const char *s, int *ret);

/* Octal file mode 0..07777 (UMask=, SocketMode=, DirectoryMode=). */
int parse_mode(const char *s, mode_t *ret);

/* Bytes with optional binary suffixes K, M, G, T, P, E (1024-based), as
 * systemd's parse_size(…, 1024). */
int parse_size(const char *s, uint64_t *ret);

/* Signals: "SIGTERM", "TERM", "15", "SIGRTMIN+3", "RTMIN+3", "SIGRTMAX-1".
 * Returns the signal number (>0) or -EINVAL. */
int signal_from_string(const char *s);
/* "SIGTERM", "SIGRTMIN+3" (every real-time signal as SIGRTMIN+n); the number
 * as text for unknown ones. The buffer is static per thread, valid until the
 * thread's next call. */
const char *signal_to_string(int sig);

/* A set of exit statuses (0..255) and signals (1..64), as SuccessExitStatus=
 * and friends hold them. */
struct exit_status_set {
        uint64_t status[4];
        uint64_t signal;
};
/* Add a space-separated list of numeric codes, systemd's exit-status names
 * (systemd.exec(5) "Process Exit Codes", e.g. "CHDIR", "NOTINSTALLED") and
 * signal names to set.
 * An empty string clears the set. A bad item: -EINVAL with *ret_bad
 * pointing to a malloc'd copy of it (when ret_bad is non-NULL); the items
 * before it stay added, as systemd does. */
int exit_status_set_parse(struct exit_status_set *set, const char *s, char **ret_bad);
bool exit_status_set_test(const struct exit_status_set *set, int code, bool is_signal);
bool exit_status_set_is_empty(const struct exit_status_set *set);
/* Space-separated, codes ascending then signal names; malloc'd. */
char *exit_status_set_format(const struct exit_status_set *set);
/* systemd's name of an exit status ("LIMITS" for 205), or NULL for a code
 * without one. Static text, so safe from any thread. */
const char *exit_status_to_string(int code);

/* Resource limits, systemd.exec(5) LimitXXX=: "soft:hard" or one value for
 * both; "infinity"; size suffixes (K, M, …) for byte limits, time spans for
 * LimitCPU= (seconds, rounded up) and LimitRTTIME= (µs); LimitNICE= takes
 * "+N"/"-N" nice levels or a raw 0..40. resource is RLIMIT_*. A soft limit
 * above the hard one is -EINVAL (systemd says -EILSEQ); -ENOMEM is possible. */
int parse_rlimit(int resource, const char *s, struct rlimit *ret);
