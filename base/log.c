/* Logging sink and level; see log.h. */
#include "base/log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <assert.h>

#include "base/macro.h"

/* Relaxed atomics: a reader needs the value, not an order with other
 * memory; a line logged just before or after a change is either. */
static _Atomic int max_level = LOG_LEVEL_INFO;
static _Atomic int target = LOG_TARGET_CONSOLE;
static FILE *sink;

static const char *const level_names[_LOG_LEVEL_MAX] = {
        [LOG_LEVEL_ERROR] = "err",
        [LOG_LEVEL_WARNING] = "warning",
        [LOG_LEVEL_NOTICE] = "notice",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

const char *log_level_to_string(enum log_level l)
{
        return l >= 0 && l < _LOG_LEVEL_MAX ? level_names[l] : NULL;
}

enum log_level log_level_from_string(const char *s)
{
        for (int i = 0; i < _LOG_LEVEL_MAX; i++)
                if (strcasecmp(s, level_names[i]) == 0)
                        return i;
        if (strcasecmp(s, "error") == 0)
                return LOG_LEVEL_ERROR;
        if (strcasecmp(s, "warn") == 0)
                return LOG_LEVEL_WARNING;
        return _LOG_LEVEL_INVALID;
}

/* syslog's numbers 0-7 are the index; see log.h for 0-2. */
static const char *const syslog_names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
static const enum log_level syslog_levels[] = {
        LOG_LEVEL_ERROR,   LOG_LEVEL_ERROR,  LOG_LEVEL_ERROR, LOG_LEVEL_ERROR,
        LOG_LEVEL_WARNING, LOG_LEVEL_NOTICE, LOG_LEVEL_INFO,  LOG_LEVEL_DEBUG,
};

enum log_level log_level_from_syslog(const char *s)
{
        for (size_t i = 0; i < ELEMENTSOF(syslog_names); i++)
                if (strcmp(s, syslog_names[i]) == 0 || (s[0] == (char) ('0' + i) && s[1] == 0))
                        return syslog_levels[i];
        return _LOG_LEVEL_INVALID;
}

static bool level_is_valid(int l)
{
        return l >= LOG_LEVEL_ERROR - 1 && l < _LOG_LEVEL_MAX; /* ERROR - 1: the tests' "quiet" */
}

void log_set_level(enum log_level l)
{
        assert(level_is_valid(l));
        atomic_store_explicit(&max_level, l, memory_order_relaxed);
}

enum log_level log_get_level(void)
{
        return atomic_load_explicit(&max_level, memory_order_relaxed);
}

static const char *const target_names[_LOG_TARGET_MAX] = {
        [LOG_TARGET_CONSOLE] = "console",
        [LOG_TARGET_AUTO] = "auto",
        [LOG_TARGET_NULL] = "null",
};

/* systemd's other targets: each needs a sink weft does not have. */
static const char *const targets_not_here[] = {
        "console-prefixed", "kmsg", "journal", "journal-or-kmsg", "syslog", "syslog-or-kmsg",
};

const char *log_target_to_string(enum log_target t)
{
        return t >= 0 && t < _LOG_TARGET_MAX ? target_names[t] : NULL;
}

int log_target_from_string(const char *s, enum log_target *ret)
{
        for (int i = 0; i < _LOG_TARGET_MAX; i++)
                if (strcmp(s, target_names[i]) == 0) {
                        *ret = i;
                        return 0;
                }
        for (size_t i = 0; i < ELEMENTSOF(targets_not_here); i++)
                if (strcmp(s, targets_not_here[i]) == 0)
                        return -EOPNOTSUPP;
        return -EINVAL;
}

void log_set_target(enum log_target t)
{
        assert(t >= 0 && t < _LOG_TARGET_MAX);
        atomic_store_explicit(&target, t, memory_order_relaxed);
}

enum log_target log_get_target(void)
{
        return atomic_load_explicit(&target, memory_order_relaxed);
}

/* Is a line of this level written? The fast path of every log call. */
static bool level_on(enum log_level level)
{
        return (int) level <= atomic_load_explicit(&max_level, memory_order_relaxed);
}
void log_set_sink(FILE *f) { sink = f; }

static int err_result(int err)
{
        return err < 0 ? err : -err;
}

/* Lines a thread holds back (log_hold) until log_release, in order. The
 * buffer is allocated for the first held line and freed by the outer
 * release: in thread-local storage itself, its 4 KiB would be zeroed, so
 * resident, in every thread weft starts (bench-container measures the
 * pages of `weft -- CMD`), while only the scheduler thread holds lines. */
#define HELD_MAX 4096
static _Thread_local struct {
        unsigned depth;
        size_t len;
        char *buf; /* HELD_MAX bytes, or NULL */
} held;

static FILE *sink_file(void)
{
        return sink ? sink : stderr;
}

int log_sink_fd(void)
{
        /* fileno_unlocked: the crash handler calls this with any lock held. */
        return fileno_unlocked(sink_file());
}

static bool target_null(void)
{
        return atomic_load_explicit(&target, memory_order_relaxed) == LOG_TARGET_NULL;
}

static void flush_held(void)
{
        if (held.len == 0)
                return;
        if (!target_null()) {
                FILE *f = sink_file();
                fwrite(held.buf, 1, held.len, f);
                fflush(f);
        }
        held.len = 0;
}

static void free_held(void)
{
        free(held.buf);
        held.buf = NULL;
}

void log_hold(void)
{
        held.depth++;
}

void log_release(void)
{
        if (held.depth > 0 && --held.depth == 0) {
                flush_held();
                free_held();
        }
}

/* holdable: a notice, info or debug line, which may wait for log_release;
 * an error or a warning first writes what is held, then itself. */
static void emit(bool holdable, const char *prefix, const char *fmt, va_list ap)
{
        /* Format into one buffer so concurrent lines never interleave. */
        char buf[2048];
        int n = 0;

        if (prefix)
                n = snprintf(buf, sizeof buf, "%s", prefix);
        if (n < 0 || (size_t) n >= sizeof buf)
                n = 0;
        int m = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
        if (m < 0)
                m = 0;
        size_t len = strnlen(buf, sizeof buf - 1);
        if (holdable && held.depth > 0 && !held.buf)
                held.buf = malloc(HELD_MAX); /* none: the line goes out now */
        if (holdable && held.depth > 0 && held.buf) {
                if (held.len + len + 1 > HELD_MAX)
                        flush_held();
                memcpy(held.buf + held.len, buf, len);
                held.buf[held.len + len] = '\n';
                held.len += len + 1;
                return;
        }
        flush_held();
        if (target_null())
                return;
        FILE *f = sink_file();
        fprintf(f, "%.*s\n", (int) len, buf);
        fflush(f);
}

int log_full(enum log_level level, int err, const char *fmt, ...)
{
        if (level_on(level)) {
                va_list ap;
                va_start(ap, fmt);
                emit(level > LOG_LEVEL_WARNING, NULL, fmt, ap);
                va_end(ap);
        }
        return err_result(err);
}

static void vlog_syntax(enum log_level level, const char *file, unsigned line, unsigned column, const char *fmt,
                        va_list ap)
{
        char prefix[1024];
        if (!file)
                file = "(unknown)";
        if (line > 0 && column > 0)
                snprintf(prefix, sizeof prefix, "%s:%u:%u: ", file, line, column);
        else if (line > 0)
                snprintf(prefix, sizeof prefix, "%s:%u: ", file, line);
        else
                snprintf(prefix, sizeof prefix, "%s: ", file);
        emit(level > LOG_LEVEL_WARNING, prefix, fmt, ap);
}

int log_syntax(enum log_level level, int err, const char *file, unsigned line, const char *fmt, ...)
{
        if (level_on(level)) {
                va_list ap;
                va_start(ap, fmt);
                vlog_syntax(level, file, line, 0, fmt, ap);
                va_end(ap);
        }
        return err_result(err);
}

int log_syntax_at(enum log_level level, int err, const char *file, unsigned line, unsigned column,
                  const char *fmt, ...)
{
        if (level_on(level)) {
                va_list ap;
                va_start(ap, fmt);
                vlog_syntax(level, file, line, column, fmt, ap);
                va_end(ap);
        }
        return err_result(err);
}

bool log_ratelimit_allow(struct log_ratelimit *rl, unsigned long long now, unsigned *ret_suppressed)
{
        unsigned suppressed = 0;

        if (rl->window_start_usec == 0 || now - rl->window_start_usec >= rl->interval_usec) {
                suppressed = rl->suppressed;
                rl->window_start_usec = now;
                rl->logged = 0;
                rl->suppressed = 0;
        }
        if (rl->logged >= rl->burst) {
                rl->suppressed++;
                return false;
        }
        rl->logged++;
        *ret_suppressed = suppressed;
        return true;
}

int log_full_ratelimited(struct log_ratelimit *rl, enum log_level level, int err, const char *fmt, ...)
{
        struct timespec ts;
        unsigned suppressed;
        char suffix[64] = "";

        if (!level_on(level))
                return err_result(err);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (!log_ratelimit_allow(rl, timespec_usec(ts), &suppressed))
                return err_result(err);
        if (suppressed > 0)
                snprintf(suffix, sizeof suffix, " (%u similar messages suppressed)", suppressed);

        char buf[1536];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        return log_full(level, err, "%s%s", buf, suffix);
}
