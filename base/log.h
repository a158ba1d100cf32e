/* Logging: one line per message on the log sink (stderr by default).
 * The sink is set once at start-up, before any thread exists. The level
 * and the target may change at run time (systemctl log-level, LogControl1:
 * the scheduler or the bus thread): both are atomics, read without a lock
 * by every thread that logs. Functions return -abs(err) so that logging an
 * error and returning it is one statement: return log_error_errno(r, ...). */
#pragma once
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>

enum log_level {
        LOG_LEVEL_ERROR,
        LOG_LEVEL_WARNING,
        LOG_LEVEL_NOTICE,
        LOG_LEVEL_INFO,
        LOG_LEVEL_DEBUG,
        _LOG_LEVEL_MAX,
        _LOG_LEVEL_INVALID = -1,
};

const char *log_level_to_string(enum log_level l);
/* weft's own spellings, any case ("error" and "warn" too): weft.yaml,
 * --log-level. */
enum log_level log_level_from_string(const char *s);
/* systemd's: the eight syslog names and the numbers 0-7, exactly
 * (systemd.log_level=, systemctl log-level, LogControl1). weft has no
 * message more severe than err, so emerg, alert and crit (0-2) are err:
 * asking for fewer lines than errors would hide the errors weft has. */
enum log_level log_level_from_syslog(const char *s);

/* Atomic: any thread, at any time. */
void log_set_level(enum log_level l);
enum log_level log_get_level(void);

/* Where lines go. weft writes to one sink, its stderr (as PID 1 of a
 * system, the console the kernel gave it): "console" is that, "auto"
 * means it too (systemd's auto picks the console when there is no journal
 * to write to: weft never writes to one), and "null" drops every line. */
enum log_target {
        LOG_TARGET_CONSOLE,
        LOG_TARGET_AUTO,
        LOG_TARGET_NULL,
        _LOG_TARGET_MAX,
        _LOG_TARGET_INVALID = -1,
};
const char *log_target_to_string(enum log_target t);
/* 0 and *ret for a target weft has; -EOPNOTSUPP for one of systemd's
 * that weft cannot do (kmsg, journal, syslog, their -or-kmsg forms,
 * console-prefixed); -EINVAL for any other string. */
int log_target_from_string(const char *s, enum log_target *ret);
/* Atomic: any thread, at any time. */
void log_set_target(enum log_target t);
enum log_target log_get_target(void);
/* NULL means stderr. */
void log_set_sink(FILE *f);
/* The sink's fd, for writers that must not lock (core/crash.c). */
int log_sink_fd(void);

/* Until the matching log_release, this thread's notice, info and debug
 * lines wait in a per-thread buffer (in order; an error or a warning
 * writes them first) and then go out in one write. The scheduler holds
 * its lines while it handles an event, so that console lines follow the
 * next spawn instead of delaying it. Nests. */
void log_hold(void);
void log_release(void);

/* Returns -abs(err) (or 0 when err is 0). %m in fmt is not supported; pass
 * strerror(-r) yourself. */
int log_full(enum log_level level, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A diagnostic about a place in a file: "file:line: message". line 0 omits it. */
int log_syntax(enum log_level level, int err, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
/* The same with a column: "file:line:column: message" (column 0 omits it). */
int log_syntax_at(enum log_level level, int err, const char *file, unsigned line, unsigned column,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define log_error(...)   log_full(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warning(...) log_full(LOG_LEVEL_WARNING, 0, __VA_ARGS__)
#define log_notice(...)  log_full(LOG_LEVEL_NOTICE, 0, __VA_ARGS__)
#define log_info(...)    log_full(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...)   log_full(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)
#define log_error_errno(err, ...)   log_full(LOG_LEVEL_ERROR, (err), __VA_ARGS__)
#define log_warning_errno(err, ...) log_full(LOG_LEVEL_WARNING, (err), __VA_ARGS__)

/* A message that an outsider can trigger at will (a control client, a
 * flood of connections) is logged at most burst times per interval; the
 * next line logged says how many were suppressed. One struct per kind of
 * message, owned by the one thread that logs it; initialise it with
 * LOG_RATELIMIT_INIT. */
struct log_ratelimit {
        unsigned long long interval_usec;
        unsigned burst;
        unsigned long long window_start_usec; /* CLOCK_MONOTONIC; 0: no window yet */
        unsigned logged;                      /* lines logged in this window */
        unsigned suppressed;                  /* not logged since the last line */
};
#define LOG_RATELIMIT_INIT(interval, n) { .interval_usec = (interval), .burst = (n) }

/* May one more line of rl's kind be logged at now_usec (CLOCK_MONOTONIC,
 * or a caller's own clock)? When it may, *ret_suppressed says how many
 * were not logged since the last one. For callers with their own wording;
 * log_full_ratelimited() uses it. */
bool log_ratelimit_allow(struct log_ratelimit *rl, unsigned long long now_usec, unsigned *ret_suppressed);

/* log_full() through rl: returns -abs(err) whether or not the line was logged. */
int log_full_ratelimited(struct log_ratelimit *rl, enum log_level level, int err, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
#define log_warning_ratelimited(rl, ...) log_full_ratelimited((rl), LOG_LEVEL_WARNING, 0, __VA_ARGS__)
