/* The next elapse of a calendar event. The search is systemd's: walk
 * year, month, day, weekday, hour, minute and second, each time taking the
 * earliest matching value at or after the current one, and let mktime()'s
 * normalization tell when a field ran over (the 31st of a 30-day month, an
 * hour skipped by a DST change); then restart from the normalized time.
 * Elapses must agree with systemd's to the microsecond, so the zone
 * arithmetic is glibc's (parse/tzfile.c), only without TZ. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"
#include "parse/calendar.h"
#include "parse/calendar_internal.h"
#include "parse/tzfile.h"

/* systemd gives up (EDEADLK) after this many restarts. */
#define CAL_MAX_ITERATIONS 1000
/* The last time systemd formats (9999-12-31 23:59:59 UTC). */
#define CAL_USEC_MAX 253402300799999999ULL

struct next_ctx {
        const struct calendar_spec *spec;
        const struct tz_zone *zone;
        long guess; /* glibc's remembered mktime offset */
};

static int64_t ctx_mktime(struct next_ctx *x, struct tm *tm)
{
        return tz_mktime(x->zone, tm, &x->guess);
}

/* The day that is `day` days before the end of tm's month, counting the
 * last day as 1; -1 when that is not in the month. */
static int end_of_month(struct next_ctx *x, const struct tm *tm, int day)
{
        struct tm t = *tm;

        t.tm_mon++;
        t.tm_mday = 1 - day;
        if (ctx_mktime(x, &t) < 0 || t.tm_mon != tm->tm_mon)
                return -1;
        return t.tm_mday;
}

/* The earliest value >= *val that the list allows: 1 when it moved *val,
 * 0 when *val matches (or the list is "*"), -ENOENT when none is left. */
static int match_list(struct next_ctx *x, int field, const struct tm *tm, int *val)
{
        const struct cal_list *l = &x->spec->f[field];
        bool eom = x->spec->end_of_month && field == CAL_DAY, found = false;
        int best = -1;

        if (!l->items)
                return 0;
        for (size_t i = 0; i < l->n; i++) {
                const struct cal_item *c = &l->items[i];
                int start = c->start, stop = c->stop;

                if (eom) {
                        start = end_of_month(x, tm, c->start);
                        stop = end_of_month(x, tm, c->stop);
                        if (stop > 0) {
                                int s = start;
                                start = stop;
                                stop = s;
                        }
                }
                if (start >= *val) {
                        if (!found || start < best) {
                                best = start;
                                found = true;
                        }
                } else if (c->repeat > 0) {
                        int k = start + c->repeat * ((*val - start + c->repeat - 1) / c->repeat);
                        if ((!found || k < best) && (stop < 0 || k <= stop)) {
                                best = k;
                                found = true;
                        }
                }
        }
        if (!found)
                return -ENOENT;
        int moved = *val != best;
        *val = best;
        return moved;
}

/* 1 when tm needed no normalization; 0 when it did (then *tm is the
 * normalized time with the smaller fields reset); <0 when it would go
 * backwards or past the last year. */
static int within_bounds(struct next_ctx *x, struct tm *tm)
{
        struct tm t = *tm;
        int cmp;

        if (tm->tm_year + 1900 > CAL_MAX_YEAR)
                return -ERANGE;
        if (ctx_mktime(x, &t) < 0)
                return -EINVAL;
#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))
        if ((cmp = CMP(t.tm_year, tm->tm_year)) != 0)
                t.tm_mon = 0;
        else if ((cmp = CMP(t.tm_mon, tm->tm_mon)) != 0)
                t.tm_mday = 1;
        else if ((cmp = CMP(t.tm_mday, tm->tm_mday)) != 0)
                t.tm_hour = 0;
        else if ((cmp = CMP(t.tm_hour, tm->tm_hour)) != 0)
                t.tm_min = 0;
        else if ((cmp = CMP(t.tm_min, tm->tm_min)) != 0)
                t.tm_sec = 0;
        else
                cmp = CMP(t.tm_sec, tm->tm_sec);
#undef CMP
        if (cmp < 0)
                return -EDEADLK;
        if (cmp > 0)
                *tm = t;
        return cmp == 0;
}

static bool weekday_matches(struct next_ctx *x, const struct tm *tm)
{
        struct tm t = *tm;
        int bits = x->spec->weekdays;

        if (bits < 0 || bits >= CAL_WEEKDAYS_ALL)
                return true;
        if (ctx_mktime(x, &t) < 0)
                return false;
        return bits & (1 << (t.tm_wday == 0 ? 6 : t.tm_wday - 1));
}

/* a (with µs) is earlier than b, comparing the fields as they stand. */
static bool tm_before(const struct tm *a, int a_usec, const struct tm *b, int b_usec)
{
        const int fa[] = { a->tm_year, a->tm_mon, a->tm_mday, a->tm_hour, a->tm_min, a->tm_sec, a_usec };
        const int fb[] = { b->tm_year, b->tm_mon, b->tm_mday, b->tm_hour, b->tm_min, b->tm_sec, b_usec };
        for (size_t i = 0; i < ELEMENTSOF(fa); i++)
                if (fa[i] != fb[i])
                        return fa[i] < fb[i];
        return false;
}

static void reset_below(struct tm *c, int *usec, int field)
{
        if (field <= CAL_MONTH)
                c->tm_mon = 0;
        if (field <= CAL_DAY)
                c->tm_mday = 1;
        if (field <= CAL_HOUR)
                c->tm_hour = 0;
        if (field <= CAL_MINUTE)
                c->tm_min = 0;
        c->tm_sec = 0;
        *usec = 0;
}

static int find_next(struct next_ctx *x, struct tm *tm, int *ret_usec)
{
        const struct calendar_spec *spec = x->spec;
        struct tm c = *tm;
        int usec = *ret_usec, r;
        bool went_back = false;

        for (unsigned it = 0; it < CAL_MAX_ITERATIONS; it++) {
                (void) ctx_mktime(x, &c);
                /* After a step back (below) the zone's own DST flag stays. */
                if (!went_back)
                        c.tm_isdst = spec->dst;

                c.tm_year += 1900;
                r = match_list(x, CAL_YEAR, &c, &c.tm_year);
                c.tm_year -= 1900;
                if (r > 0)
                        reset_below(&c, &usec, CAL_MONTH);
                if (r < 0)
                        return r;
                if (within_bounds(x, &c) <= 0)
                        return -ENOENT;

                c.tm_mon += 1;
                r = match_list(x, CAL_MONTH, &c, &c.tm_mon);
                c.tm_mon -= 1;
                if (r > 0)
                        reset_below(&c, &usec, CAL_DAY);
                if (r < 0 || (r = within_bounds(x, &c)) < 0) {
                        c.tm_year++;
                        reset_below(&c, &usec, CAL_MONTH);
                        continue;
                }
                if (r == 0)
                        continue;

                r = match_list(x, CAL_DAY, &c, &c.tm_mday);
                if (r > 0)
                        reset_below(&c, &usec, CAL_HOUR);
                if (r < 0 || (r = within_bounds(x, &c)) < 0) {
                        c.tm_mon++;
                        reset_below(&c, &usec, CAL_DAY);
                        continue;
                }
                if (r == 0)
                        continue;

                if (!weekday_matches(x, &c)) {
                        c.tm_mday++;
                        reset_below(&c, &usec, CAL_HOUR);
                        continue;
                }

                r = match_list(x, CAL_HOUR, &c, &c.tm_hour);
                if (r > 0)
                        reset_below(&c, &usec, CAL_MINUTE);
                if (r < 0 || (r = within_bounds(x, &c)) < 0) {
                        c.tm_mday++;
                        reset_below(&c, &usec, CAL_HOUR);
                        continue;
                }
                if (r == 0)
                        continue; /* the hour may not exist on a DST day: start over from the normalized one */

                r = match_list(x, CAL_MINUTE, &c, &c.tm_min);
                if (r > 0)
                        reset_below(&c, &usec, CAL_USEC);
                if (r < 0 || (r = within_bounds(x, &c)) < 0) {
                        c.tm_hour++;
                        reset_below(&c, &usec, CAL_MINUTE);
                        continue;
                }
                if (r == 0)
                        continue;

                int sec = c.tm_sec * 1000000 + usec;
                r = match_list(x, CAL_USEC, &c, &sec);
                usec = sec % 1000000;
                c.tm_sec = sec / 1000000;
                if (r < 0 || (r = within_bounds(x, &c)) < 0) {
                        c.tm_min++;
                        reset_below(&c, &usec, CAL_USEC);
                        continue;
                }
                if (r == 0)
                        continue;

                /* A DST change can lead the walk back before where it
                 * started (an hour that happens twice): systemd 252 then
                 * moves on by an hour and keeps the zone's DST flag. */
                if (tm_before(&c, usec, tm, *ret_usec)) {
                        c.tm_hour++;
                        went_back = true;
                        continue;
                }
                *tm = c;
                *ret_usec = usec;
                return 0;
        }
        return -EDEADLK;
}

int calendar_spec_next_usec(const struct calendar_spec *c, uint64_t after_usec, uint64_t *ret)
{
        struct next_ctx x = { .spec = c };
        struct tm tm;
        int usec, k;

        if (c->utc)
                x.zone = tz_zone_utc();
        else {
                k = tz_zone_get(c->timezone, &x.zone);
                if (k < 0)
                        return k == -ENOMEM ? k : -EINVAL;
        }
        if (after_usec > CAL_USEC_MAX)
                return -EINVAL;
        after_usec++;
        int64_t t = (int64_t) (after_usec / USEC_PER_SEC);
        x.guess = tz_offset_at(x.zone, t);
        tz_localtime(x.zone, t, &tm);
        usec = (int) (after_usec % USEC_PER_SEC);

        k = find_next(&x, &tm, &usec);
        if (k < 0)
                return k;
        t = ctx_mktime(&x, &tm);
        if (t < 0)
                return -EINVAL;
        /* A timer must never be re-armed at or before its last elapse; the
         * step back in find_next() should make this unreachable. */
        if ((uint64_t) t * USEC_PER_SEC + (uint64_t) usec < after_usec)
                return -ENOENT;
        *ret = (uint64_t) t * USEC_PER_SEC + (uint64_t) usec;
        return 0;
}
