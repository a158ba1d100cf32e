/* `weftctl analyze calendar EXPR...` and `weftctl analyze timespan SPAN...`:
 * offline, in systemd-analyze's output format (a vertical table whose field
 * names are right-aligned), with its messages and exit status. Checked
 * against systemd-analyze by test/integration/calendar-oracle.sh.
 *
 * --base-time takes the forms of systemd's parse_timestamp() that
 * systemd-analyze 252 accepts: [WEEKDAY] [YY]YY-MM-DD [HH:MM[:SS[.frac]]],
 * HH:MM[:SS], an optional " UTC" or local zone name, "@EPOCH[.frac]", now,
 * today, yesterday, tomorrow, "+SPAN", "-SPAN", "SPAN ago", "SPAN left". */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/macro.h"
#include "ctl/analyze.h"
#include "ctl/commands.h"
#include "parse/calendar.h"
#include "parse/tzfile.h"
#include "parse/value.h"

#define FIELD_WIDTH 15 /* "Normalized form", the longest field name */
#define USEC_PER_MINUTE (60ULL * USEC_PER_SEC)
#define USEC_PER_HOUR (60ULL * USEC_PER_MINUTE)
#define USEC_PER_DAY (24ULL * USEC_PER_HOUR)
#define USEC_PER_WEEK (7ULL * USEC_PER_DAY)
#define USEC_PER_MONTH (2629800ULL * USEC_PER_SEC)
#define USEC_PER_YEAR (31557600ULL * USEC_PER_SEC)

static uint64_t now_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return timespec_usec(ts);
}

/* "Sun 2024-10-27 02:30:00 CEST", in the local zone or in UTC. */
static char *format_timestamp(char *buf, size_t size, uint64_t usec, bool utc)
{
        static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
        const struct tz_zone *z = tz_zone_utc();
        struct tm tm;

        if (!utc && tz_zone_get(NULL, &z) < 0)
                z = tz_zone_utc();
        tz_localtime(z, (int64_t) (usec / USEC_PER_SEC), &tm);
        snprintf(buf, size, "%s %04d-%02d-%02d %02d:%02d:%02d %s", wd[tm.tm_wday], tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, utc ? "UTC" : tm.tm_zone);
        return buf;
}

/* systemd's format_timestamp_relative(): the two largest units. */
static char *format_relative(char *buf, size_t size, unsigned long long t, unsigned long long now)
{
        const char *s = now > t ? " ago" : " left";
        unsigned long long d = now > t ? now - t : t - now;

        if (d >= USEC_PER_YEAR) {
                unsigned long long y = d / USEC_PER_YEAR, m = d % USEC_PER_YEAR / USEC_PER_MONTH;
                snprintf(buf, size, "%llu %s %llu %s%s", y, y == 1 ? "year" : "years", m,
                         m == 1 ? "month" : "months", s);
        } else if (d >= USEC_PER_MONTH) {
                unsigned long long m = d / USEC_PER_MONTH, dd = d % USEC_PER_MONTH / USEC_PER_DAY;
                snprintf(buf, size, "%llu %s %llu %s%s", m, m == 1 ? "month" : "months", dd,
                         dd == 1 ? "day" : "days", s);
        } else if (d >= USEC_PER_WEEK) {
                unsigned long long w = d / USEC_PER_WEEK, dd = d % USEC_PER_WEEK / USEC_PER_DAY;
                snprintf(buf, size, "%llu %s %llu %s%s", w, w == 1 ? "week" : "weeks", dd,
                         dd == 1 ? "day" : "days", s);
        } else if (d >= 2 * USEC_PER_DAY)
                snprintf(buf, size, "%llu days%s", d / USEC_PER_DAY, s);
        else if (d >= 25 * USEC_PER_HOUR)
                snprintf(buf, size, "1 day %lluh%s", (d - USEC_PER_DAY) / USEC_PER_HOUR, s);
        else if (d >= 6 * USEC_PER_HOUR)
                snprintf(buf, size, "%lluh%s", d / USEC_PER_HOUR, s);
        else if (d >= USEC_PER_HOUR)
                snprintf(buf, size, "%lluh %llumin%s", d / USEC_PER_HOUR,
                         d % USEC_PER_HOUR / USEC_PER_MINUTE, s);
        else if (d >= 5 * USEC_PER_MINUTE)
                snprintf(buf, size, "%llumin%s", d / USEC_PER_MINUTE, s);
        else if (d >= USEC_PER_MINUTE)
                snprintf(buf, size, "%llumin %llus%s", d / USEC_PER_MINUTE,
                         d % USEC_PER_MINUTE / USEC_PER_SEC, s);
        else if (d >= USEC_PER_SEC)
                snprintf(buf, size, "%llus%s", d / USEC_PER_SEC, s);
        else if (d >= USEC_PER_MSEC)
                snprintf(buf, size, "%llums%s", d / (unsigned long long) USEC_PER_MSEC, s);
        else if (d > 0)
                snprintf(buf, size, "%lluus%s", d, s);
        else
                snprintf(buf, size, "now");
        return buf;
}

/* Digits into *ret; at most max digits, at least one. */
static const char *digits(const char *p, int max, int *ret)
{
        int v = 0, n = 0;
        while (n < max && isdigit((unsigned char) *p)) {
                v = v * 10 + (*p++ - '0');
                n++;
        }
        if (n == 0)
                return NULL;
        *ret = v;
        return p;
}

/* "YYYY-MM-DD", "YY-MM-DD", then optional " HH:MM[:SS[.frac]]"; or
 * "HH:MM[:SS]" alone (today). Fills tm and *usec; NULL if it is none. */
static const char *parse_date_time(const char *p, struct tm *tm, unsigned *usec, bool *has_date)
{
        const char *q;
        int y, mo, d, h = 0, mi = 0, s = 0;

        *usec = 0;
        q = digits(p, 4, &y);
        *has_date = q && *q == '-' && (q - p == 4 || q - p == 2);
        if (*has_date) {
                if (q - p == 2)
                        y += y < 69 ? 2000 : 1900;
                if (!(q = digits(q + 1, 2, &mo)) || *q != '-' || !(q = digits(q + 1, 2, &d)))
                        return NULL;
                tm->tm_year = y - 1900;
                tm->tm_mon = mo - 1;
                tm->tm_mday = d;
                if (mo < 1 || mo > 12 || d < 1 || d > 31)
                        return NULL;
                if (*q != ' ') {
                        tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
                        return q;
                }
                p = q + 1;
        }
        if (!(q = digits(p, 2, &h)) || *q != ':' || !(q = digits(q + 1, 2, &mi)))
                return NULL;
        if (*q == ':') {
                if (!(q = digits(q + 1, 2, &s)))
                        return NULL;
                if (*q == '.') {
                        unsigned v = 0;
                        int n = 0;
                        for (q++; isdigit((unsigned char) *q); q++, n++)
                                if (n < 6)
                                        v = v * 10 + (unsigned) (*q - '0');
                        if (n == 0)
                                return NULL;
                        for (; n < 6; n++)
                                v *= 10;
                        *usec = v;
                }
        }
        if (h > 23 || mi > 59 || s > 60)
                return NULL;
        tm->tm_hour = h;
        tm->tm_min = mi;
        tm->tm_sec = s;
        return q;
}

static int parse_base_time(const char *s, uint64_t *ret)
{
        static const char *const wdays[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
        const struct tz_zone *z;
        uint64_t now = now_usec(), span;
        size_t len = strlen(s);
        int want_wday = -1, isdst = -1;
        bool utc = false, has_date;
        unsigned usec;
        struct tm tm;
        char *body = NULL;
        const char *p;
        int k = -EINVAL;

        if (tz_zone_get(NULL, &z) < 0)
                z = tz_zone_utc();
        if (strcmp(s, "now") == 0) {
                *ret = now;
                return 0;
        }
        if (s[0] == '+' || s[0] == '-') {
                if (parse_timespan(s + 1, USEC_PER_SEC, &span) < 0 || (s[0] == '-' && span > now))
                        return -EINVAL;
                *ret = s[0] == '+' ? now + span : now - span;
                return 0;
        }
        if (len > 4 && strcmp(s + len - 4, " ago") == 0) {
                body = strndup(s, len - 4);
                k = body && parse_timespan(body, USEC_PER_SEC, &span) == 0 && span <= now ? 0 : -EINVAL;
                free(body);
                if (k == 0)
                        *ret = now - span;
                return k;
        }
        if (len > 5 && strcmp(s + len - 5, " left") == 0) {
                body = strndup(s, len - 5);
                k = body && parse_timespan(body, USEC_PER_SEC, &span) == 0 ? 0 : -EINVAL;
                free(body);
                if (k == 0)
                        *ret = now + span;
                return k;
        }
        if (s[0] == '@') {
                char *e;
                errno = 0;
                unsigned long long sec = strtoull(s + 1, &e, 10);
                unsigned frac = 0;
                if (errno || e == s + 1 || !isdigit((unsigned char) s[1]))
                        return -EINVAL;
                if (*e == '.') {
                        int n = 0;
                        for (e++; isdigit((unsigned char) *e); e++, n++)
                                if (n < 6)
                                        frac = frac * 10 + (unsigned) (*e - '0');
                        for (; n < 6; n++)
                                frac *= 10;
                }
                if (*e || sec > 253402300799ULL)
                        return -EINVAL;
                *ret = sec * USEC_PER_SEC + frac;
                return 0;
        }

        /* A trailing " UTC" or local zone name. */
        body = strdup(s);
        if (!body)
                return -ENOMEM;
        len = strlen(body);
        if (len > 4 && strcasecmp(body + len - 4, " UTC") == 0) {
                utc = true;
                body[len - 4] = 0;
        } else
                for (int j = 0; j <= 1; j++) {
                        const char *name = tz_abbrev(z, j);
                        size_t n = strlen(name);
                        if (n && len > n && body[len - n - 1] == ' ' && strcasecmp(body + len - n, name) == 0) {
                                isdst = j;
                                body[len - n - 1] = 0;
                                break;
                        }
                }
        if (utc)
                z = tz_zone_utc();

        tz_localtime(z, (int64_t) (now / USEC_PER_SEC), &tm);
        p = body;
        if (strcmp(p, "today") == 0 || strcmp(p, "yesterday") == 0 || strcmp(p, "tomorrow") == 0) {
                tm.tm_mday += p[0] == 'y' ? -1 : p[1] == 'o' && p[2] == 'm' ? 1 : 0;
                tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                usec = 0;
        } else {
                for (size_t i = 0; i < ELEMENTSOF(wdays); i++) {
                        size_t n = strlen(wdays[i]);
                        if (strncasecmp(p, wdays[i], n) == 0 && p[n] == ' ')
                                ;
                        else if (strncasecmp(p, wdays[i], 3) == 0 && p[3] == ' ')
                                n = 3;
                        else
                                continue;
                        want_wday = (int) i;
                        p += n + 1;
                        break;
                }
                p = parse_date_time(p, &tm, &usec, &has_date);
                if (!p || *p)
                        goto out;
        }
        tm.tm_isdst = isdst;
        long guess = tz_offset_at(z, (int64_t) (now / USEC_PER_SEC));
        int64_t t = tz_mktime(z, &tm, &guess);
        if (t < 0 || (want_wday >= 0 && tm.tm_wday != want_wday))
                goto out;
        *ret = (uint64_t) t * USEC_PER_SEC + usec;
        k = 0;
out:
        free(body);
        return k;
}

static int calendar_one(const char *expr, uint64_t base, unsigned iterations)
{
        struct calendar_spec *c = NULL;
        char *norm = NULL, buf[128], label[32];
        const struct tz_zone *local;
        uint64_t n = base, next, now = now_usec();
        int k;

        k = calendar_spec_parse_errno(expr, &c);
        if (k < 0) {
                fprintf(stderr, "Failed to parse calendar specification '%s': %s\n", expr, strerror(-k));
                uint64_t ignored;
                if (parse_base_time(expr, &ignored) == 0)
                        fprintf(stderr, "Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp \"%s\"' instead?\n", expr);
                if (parse_timespan(expr, USEC_PER_SEC, &ignored) == 0)
                        fprintf(stderr, "Hint: this expression is a valid timespan. Use 'systemd-analyze timespan \"%s\"' instead?\n", expr);
                return k;
        }
        k = calendar_spec_to_string(c, &norm);
        if (k < 0) {
                fprintf(stderr, "Failed to format calendar specification '%s': %s\n", expr, strerror(-k));
                goto out;
        }
        bool in_utc = tz_zone_get(NULL, &local) < 0 || tz_is_utc(local);

        /* Like systemd-analyze, the table is printed only when every step worked. */
        char *table = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&table, &size);
        if (!f) {
                k = -ENOMEM;
                goto out;
        }
        if (strcmp(norm, expr) != 0)
                fprintf(f, "%*s: %s\n", FIELD_WIDTH, "Original form", expr);
        fprintf(f, "%*s: %s\n", FIELD_WIDTH, "Normalized form", norm);
        for (unsigned i = 0; i < iterations; i++) {
                k = calendar_spec_next_usec(c, n, &next);
                if (k == -ENOENT) {
                        if (i == 0)
                                fprintf(f, "%*s: %s\n", FIELD_WIDTH, "Next elapse", "never");
                        k = 0;
                        break;
                }
                if (k < 0) {
                        fclose(f);
                        free(table);
                        fprintf(stderr, "Failed to determine next elapse for '%s': %s\n", expr, strerror(-k));
                        goto out;
                }
                if (i == 0)
                        snprintf(label, sizeof label, "Next elapse");
                else
                        snprintf(label, sizeof label, "Iter. #%u", i + 1);
                fprintf(f, "%*s: %s\n", FIELD_WIDTH, label, format_timestamp(buf, sizeof buf, next, false));
                if (!in_utc)
                        fprintf(f, "%*s: %s\n", FIELD_WIDTH, "(in UTC)", format_timestamp(buf, sizeof buf, next, true));
                fprintf(f, "%*s: %s\n", FIELD_WIDTH, "From now", format_relative(buf, sizeof buf, next, now));
                n = next;
        }
        if (fclose(f) != 0) {
                free(table);
                k = -ENOMEM;
                goto out;
        }
        fputs(table, stdout);
        free(table);
out:
        free(norm);
        calendar_spec_free(c);
        return k;
}

int analyze_calendar(const struct ctl_options *o, char **args)
{
        uint64_t base = 0;
        unsigned iterations = 1;
        int ret = 0;

        if (o->iterations) {
                char *e;
                errno = 0;
                unsigned long v = strtoul(o->iterations, &e, 10);
                if (errno || e == o->iterations || *e || v > UINT32_MAX || o->iterations[0] == '-') {
                        fprintf(stderr, "Failed to parse iterations: %s\n", o->iterations);
                        return 1;
                }
                iterations = (unsigned) v;
        }
        if (o->base_time) {
                if (parse_base_time(o->base_time, &base) < 0) {
                        fprintf(stderr, "Failed to parse --base-time= parameter: %s\n", o->base_time);
                        return 1;
                }
        } else
                base = now_usec();
        if (!args || !args[0]) {
                fprintf(stderr, "Too few arguments.\n");
                return 1;
        }
        for (char **p = args; *p; p++) {
                int k = calendar_one(*p, base, iterations);
                if (k < 0 && ret == 0)
                        ret = 1;
                if (p[1])
                        putchar('\n');
        }
        return ret;
}

int analyze_timespan(const struct ctl_options *o, char **args)
{
        if (!args || !args[0]) {
                fprintf(stderr, "Too few arguments.\n");
                return 1;
        }
        for (char **p = args; *p; p++) {
                char buf[128];
                uint64_t usec;
                struct calendar_spec *c;

                int k = parse_timespan(*p, USEC_PER_SEC, &usec);
                if (k < 0) {
                        uint64_t ignored;
                        fprintf(stderr, "Failed to parse time span '%s': %s\n", *p, strerror(-k));
                        if (calendar_spec_parse(*p, &c) == 0) {
                                calendar_spec_free(c);
                                fprintf(stderr, "Hint: this expression is a valid calendar specification. Use 'systemd-analyze calendar \"%s\"' instead?\n", *p);
                        }
                        if (parse_base_time(*p, &ignored) == 0)
                                fprintf(stderr, "Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp \"%s\"' instead?\n", *p);
                        return 1;
                }
                printf("Original: %s\n      \xce\xbcs: %" PRIu64 "\n   Human: %s\n", *p, usec,
                       format_timespan(buf, sizeof buf, usec));
                if (p[1])
                        putchar('\n');
        }
        return 0;
}
