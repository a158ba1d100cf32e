/* Logging sink and level; see log.h. */
#include "base/log.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/macro.h"

static enum log_level max_level = LOG_LEVEL_INFO;
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

void log_set_level(enum log_level l) { max_level = l; }
enum log_level log_get_level(void) { return max_level; }
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

static void flush_held(void)
{
        if (held.len == 0)
                return;
        FILE *f = sink_file();
        fwrite(held.buf, 1, held.len, f);
        fflush(f);
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
        FILE *f = sink_file();
        fprintf(f, "%.*s\n", (int) len, buf);
        fflush(f);
}

int log_full(enum log_level level, int err, const char *fmt, ...)
{
        if (level <= max_level) {
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
        if (level <= max_level) {
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
        if (level <= max_level) {
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

        if (level > max_level)
                return err_result(err);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (!log_ratelimit_allow(rl, (unsigned long long) ts.tv_sec * 1000000ULL + (unsigned long long) ts.tv_nsec / 1000,
                                 &suppressed))
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
