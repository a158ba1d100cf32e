/* Calendar events: parsing and the normalized form (systemd.time(7),
 * "Calendar Events"). The grammar, the errors and the normalization are
 * systemd 252's, checked against `systemd-analyze calendar` by
 * test/integration/calendar-oracle.sh; the next elapse is in
 * calendar_next.c. */
#include "parse/calendar.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/macro.h"
#include "parse/calendar_internal.h"
#include "parse/tzfile.h"

void calendar_spec_free(struct calendar_spec *c)
{
        if (!c)
                return;
        for (int i = 0; i < CAL_FIELDS; i++)
                free(c->f[i].items);
        free(c->timezone);
        free(c);
}

static int list_add(struct cal_list *l, int start, int stop, int repeat)
{
        struct cal_item *v = realloc(l->items, (l->n + 1) * sizeof *v);
        if (!v)
                return -ENOMEM;
        v[l->n++] = (struct cal_item) { .start = start, .stop = stop, .repeat = repeat };
        l->items = v;
        return 0;
}

static int item_compare(const void *x, const void *y)
{
        const struct cal_item *a = x, *b = y;
        if (a->start != b->start)
                return a->start < b->start ? -1 : 1;
        if (a->stop != b->stop)
                return a->stop < b->stop ? -1 : 1;
        if (a->repeat != b->repeat)
                return a->repeat < b->repeat ? -1 : 1;
        return 0;
}

/* A range's end moves down onto its last repetition; items are sorted and
 * duplicates dropped, so equal events print the same. */
static void list_normalize(struct cal_list *l)
{
        size_t n = 0;

        for (size_t i = 0; i < l->n; i++) {
                struct cal_item *it = &l->items[i];
                if (it->stop > it->start && it->repeat > 0)
                        it->stop -= (it->stop - it->start) % it->repeat;
                /* A range that cannot repeat even once, or of one value, is that value. */
                if ((it->stop > it->start && it->start + it->repeat > it->stop) || it->start == it->stop) {
                        it->repeat = 0;
                        it->stop = -1;
                }
        }
        if (l->n <= 1)
                return;
        qsort(l->items, l->n, sizeof *l->items, item_compare);
        for (size_t i = 0; i < l->n; i++)
                if (n == 0 || item_compare(&l->items[n - 1], &l->items[i]) != 0)
                        l->items[n++] = l->items[i];
        l->n = n;
}

/* Two-digit years: 0..69 are 2000..2069, 70..99 are 1970..1999. */
static void fix_year(struct cal_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                int *v[] = { &l->items[i].start, &l->items[i].stop };
                for (size_t j = 0; j < ELEMENTSOF(v); j++)
                        if (*v[j] >= 0 && *v[j] < 70)
                                *v[j] += 2000;
                        else if (*v[j] >= 70 && *v[j] < 100)
                                *v[j] += 1900;
        }
}

static bool list_valid(const struct cal_list *l, int from, int to, bool end_of_month)
{
        /* Counted from the month's end, at most the 28th last day. */
        if (end_of_month)
                to -= 3;
        for (size_t i = 0; i < l->n; i++) {
                const struct cal_item *c = &l->items[i];
                if (c->start < from || c->start > to || c->repeat > to - from)
                        return false;
                if (c->stop >= 0) {
                        if (c->stop < from || c->stop > to || c->start + c->repeat > c->stop)
                                return false;
                } else if (end_of_month ? c->start - c->repeat < from : c->start + c->repeat > to)
                        return false;
        }
        return true;
}

static bool spec_valid(const struct calendar_spec *c)
{
        static const struct {
                int from, to;
        } range[CAL_FIELDS] = {
                [CAL_YEAR] = { CAL_MIN_YEAR, CAL_MAX_YEAR }, [CAL_MONTH] = { 1, 12 }, [CAL_DAY] = { 1, 31 },
                [CAL_HOUR] = { 0, 23 }, [CAL_MINUTE] = { 0, 59 }, [CAL_USEC] = { 0, 60 * 1000000 - 1 },
        };
        if (c->weekdays > CAL_WEEKDAYS_ALL)
                return false;
        for (int i = 0; i < CAL_FIELDS; i++)
                if (!list_valid(&c->f[i], range[i].from, range[i].to, i == CAL_DAY && c->end_of_month))
                        return false;
        return true;
}

static bool startswith_nocase(const char *s, const char *prefix)
{
        return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* "Mon", "Monday", lists with ",", ranges with ".." (or "-", the old spelling). */
static int parse_weekdays(const char **p, struct calendar_spec *c)
{
        static const struct {
                const char *name;
                int nr;
        } days[] = {
                { "Monday", 0 },   { "Mon", 0 }, { "Tuesday", 1 },  { "Tue", 1 }, { "Wednesday", 2 },
                { "Wed", 2 },      { "Thursday", 3 }, { "Thu", 3 }, { "Friday", 4 }, { "Fri", 4 },
                { "Saturday", 5 }, { "Sat", 5 }, { "Sunday", 6 },   { "Sun", 6 },
        };
        int range_from = -1;
        bool first = true;

        for (;;) {
                size_t i;
                for (i = 0; i < ELEMENTSOF(days); i++) {
                        if (!startswith_nocase(*p, days[i].name))
                                continue;
                        char next = (*p)[strlen(days[i].name)];
                        if (next && !strchr("-., ", next))
                                return -EINVAL;
                        c->weekdays |= 1 << days[i].nr;
                        if (range_from >= 0) {
                                if (range_from > days[i].nr)
                                        return -EINVAL;
                                for (int j = range_from + 1; j < days[i].nr; j++)
                                        c->weekdays |= 1 << j;
                        }
                        *p += strlen(days[i].name);
                        break;
                }
                if (i == ELEMENTSOF(days))
                        return first ? 0 : -EINVAL; /* no weekday: the date follows */
                if (**p == 0)
                        return 0;
                if (**p == ' ') {
                        *p += strspn(*p, " ");
                        return 0;
                }
                if (**p == '.') {
                        if (range_from >= 0 || (*p)[1] != '.')
                                return -EINVAL;
                        range_from = days[i].nr;
                        *p += 2;
                } else if (**p == '-') {
                        if (range_from >= 0)
                                return -EINVAL;
                        range_from = days[i].nr;
                        *p += 1;
                } else if (**p == ',') {
                        range_from = -1;
                        *p += 1;
                }
                /* A trailing comma is fine, an open range is not. */
                if (**p == 0 || **p == ' ') {
                        *p += strspn(*p, " ");
                        return range_from < 0 ? 0 : -EINVAL;
                }
                first = false;
        }
}

static int parse_number(const char *p, const char **end, unsigned long *ret)
{
        char *e;
        errno = 0;
        unsigned long v = strtoul(p, &e, 10);
        if (errno > 0)
                return -errno;
        if (e == p)
                return -EINVAL;
        *ret = v;
        *end = e;
        return 0;
}

/* Up to six digits after the point, rounded on the seventh, the rest skipped. */
static int parse_fraction(const char **p, unsigned *ret)
{
        const char *s = *p;
        unsigned v = 0;
        size_t i;

        for (i = 0; i < 6; i++, s++) {
                if (!isdigit((unsigned char) *s)) {
                        if (i == 0)
                                return -EINVAL;
                        for (; i < 6; i++)
                                v *= 10;
                        break;
                }
                v = v * 10 + (unsigned) (*s - '0');
        }
        if (*s >= '5' && *s <= '9')
                v++;
        s += strspn(s, "0123456789");
        *p = s;
        *ret = v;
        return 0;
}

static int parse_decimal(const char **p, bool usec, int *ret)
{
        const char *e;
        unsigned long v;
        int k;

        if (!isdigit((unsigned char) **p))
                return -EINVAL;
        k = parse_number(*p, &e, &v);
        if (k < 0)
                return k;
        if (usec) {
                if (v > ULONG_MAX / USEC_PER_SEC)
                        return -ERANGE;
                v *= USEC_PER_SEC;
                /* One "." is a decimal point, ".." a range. */
                if (e[0] == '.' && e[1] != '.') {
                        unsigned add;
                        e++;
                        k = parse_fraction(&e, &add);
                        if (k < 0)
                                return k;
                        if (add + v < v)
                                return -ERANGE;
                        v += add;
                }
        }
        if (v > INT_MAX)
                return -ERANGE;
        *p = e;
        *ret = (int) v;
        return 0;
}

/* One field: "*" or items "start[..stop][/repeat]" separated by ",". */
static int parse_list(const char **p, bool usec, struct cal_list *l)
{
        const char *e = *p;
        int k;

        if (*e == '*') {
                *p = e + 1;
                return usec ? list_add(l, 0, -1, (int) USEC_PER_SEC) : 0;
        }
        for (size_t n = 0;; n++) {
                int start, stop = -1, repeat = 0;

                if (n > CAL_ITEMS_MAX)
                        return -ENOBUFS;
                k = parse_decimal(&e, usec, &start);
                if (k < 0)
                        return k;
                if (e[0] == '.' && e[1] == '.') {
                        e += 2;
                        k = parse_decimal(&e, usec, &stop);
                        if (k < 0)
                                return k;
                        repeat = usec ? (int) USEC_PER_SEC : 1;
                }
                if (*e == '/') {
                        e++;
                        k = parse_decimal(&e, usec, &repeat);
                        if (k < 0)
                                return k;
                        if (repeat == 0)
                                return -ERANGE;
                } else {
                        if (start > INT_MAX - repeat)
                                return -ERANGE;
                        /* A seconds range needs a repetition below its default of 1 s. */
                        if (usec && stop >= 0 && start + repeat > stop)
                                return -EINVAL;
                }
                if (*e && !strchr(" ,-~:", *e))
                        return -EINVAL;
                k = list_add(l, start, stop, repeat);
                if (k < 0)
                        return k;
                if (*e != ',')
                        break;
                e++;
        }
        *p = e;
        return 0;
}

static int from_epoch(struct calendar_spec *c, time_t t)
{
        struct tm tm;
        if (!gmtime_r(&t, &tm))
                return -ERANGE;
        const int v[CAL_FIELDS] = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                    tm.tm_hour,        tm.tm_min,     tm.tm_sec * 1000000 };
        for (int i = 0; i < CAL_FIELDS; i++) {
                int k = list_add(&c->f[i], v[i], -1, 0);
                if (k < 0)
                        return k;
        }
        c->utc = true;
        return 0;
}

/* [YEAR-]MONTH-DAY (or ~DAY), or "@EPOCH". 1: nothing may follow. */
static int parse_date(const char **p, struct calendar_spec *c)
{
        struct cal_list part[3] = { { 0 } };
        const char *t = *p;
        int n = 0, k;

        if (*t == 0)
                return 0;
        if (*t == '@') {
                unsigned long v;
                k = parse_number(t + 1, &t, &v);
                if (k < 0)
                        return k;
                if ((unsigned long) (time_t) v != v)
                        return -ERANGE;
                k = from_epoch(c, (time_t) v);
                if (k < 0)
                        return k;
                *p = t;
                return 1;
        }
        for (;;) {
                k = parse_list(&t, false, &part[n]);
                n++;
                if (k < 0)
                        goto out;
                if (n == 1 && (*t == 0 || *t == ':')) {
                        /* That was an hour: a time without a date. */
                        k = 0;
                        goto out;
                }
                if (n >= 2 && (*t == 0 || *t == ' '))
                        break;
                if (n == 3 || (n == 2 && c->end_of_month)) {
                        k = -EINVAL;
                        goto out;
                }
                if (*t == '~')
                        c->end_of_month = true;
                else if (*t != '-') {
                        k = -EINVAL;
                        goto out;
                }
                t++;
        }
        *p = t + strspn(t, " ");
        for (int i = 0; i < n; i++) {
                c->f[CAL_DAY - (n - 1) + i] = part[i];
                part[i] = (struct cal_list) { 0 };
        }
        k = 0;
out:
        for (int i = 0; i < 3; i++)
                free(part[i].items);
        return k;
}

/* HOUR:MINUTE[:SECOND]; nothing at all is 00:00:00. */
static int parse_time(const char **p, struct calendar_spec *c)
{
        struct cal_list part[3] = { { 0 } };
        const char *t = *p;
        int k = 0, n = 0;

        if (*t != 0) {
                for (; n < 3; n++) {
                        if (n > 0) {
                                if (n == 2 && *t == 0)
                                        break;
                                if (*t != ':') {
                                        k = -EINVAL;
                                        goto out;
                                }
                                t++;
                        }
                        k = parse_list(&t, n == 2, &part[n]);
                        if (k < 0)
                                goto out;
                }
                if (n == 3 && *t != 0) {
                        k = -EINVAL;
                        goto out;
                }
        }
        for (int i = n; i < 3; i++) {
                k = list_add(&part[i], 0, -1, 0);
                if (k < 0)
                        goto out;
        }
        for (int i = 0; i < 3; i++) {
                c->f[CAL_HOUR + i] = part[i];
                part[i] = (struct cal_list) { 0 };
        }
        *p = t;
out:
        for (int i = 0; i < 3; i++)
                free(part[i].items);
        return k;
}

/* The shorthands: each sets fields to single values; the others stay "*". */
static const struct {
        const char *name;
        int weekdays;
        signed char month[4]; /* 0-terminated */
        signed char day, hour, minute; /* -1: "*" */
} shorthands[] = {
        { "minutely", 0, { 0 }, -1, -1, -1 },
        { "hourly", 0, { 0 }, -1, -1, 0 },
        { "daily", 0, { 0 }, -1, 0, 0 },
        { "monthly", 0, { 0 }, 1, 0, 0 },
        { "weekly", 1, { 0 }, -1, 0, 0 },
        { "yearly", 0, { 1 }, 1, 0, 0 },
        { "annually", 0, { 1 }, 1, 0, 0 },
        { "anually", 0, { 1 }, 1, 0, 0 },
        { "quarterly", 0, { 1, 4, 7, 10 }, 1, 0, 0 },
        { "semiannually", 0, { 1, 7 }, 1, 0, 0 },
        { "semi-annually", 0, { 1, 7 }, 1, 0, 0 },
        { "biannually", 0, { 1, 7 }, 1, 0, 0 },
        { "bi-annually", 0, { 1, 7 }, 1, 0, 0 },
};

static int parse_shorthand(const char *p, struct calendar_spec *c)
{
        for (size_t i = 0; i < ELEMENTSOF(shorthands); i++) {
                if (strcasecmp(p, shorthands[i].name) != 0)
                        continue;
                int k = 0;
                c->weekdays = shorthands[i].weekdays;
                for (int m = 0; m < 4 && shorthands[i].month[m] && k >= 0; m++)
                        k = list_add(&c->f[CAL_MONTH], shorthands[i].month[m], -1, 0);
                if (k >= 0 && shorthands[i].day >= 0)
                        k = list_add(&c->f[CAL_DAY], shorthands[i].day, -1, 0);
                if (k >= 0 && shorthands[i].hour >= 0)
                        k = list_add(&c->f[CAL_HOUR], shorthands[i].hour, -1, 0);
                if (k >= 0 && shorthands[i].minute >= 0)
                        k = list_add(&c->f[CAL_MINUTE], shorthands[i].minute, -1, 0);
                if (k >= 0)
                        k = list_add(&c->f[CAL_USEC], 0, -1, 0);
                return k < 0 ? k : 1;
        }
        return 0;
}

static const char *endswith_nocase(const char *s, const char *suffix)
{
        size_t ls = strlen(s), lx = strlen(suffix);
        if (lx > ls || strcasecmp(s + ls - lx, suffix) != 0)
                return NULL;
        return s + ls - lx;
}

/* The trailing zone: " UTC", the local zone's standard or daylight name
 * (which sets dst), or a zone name under /usr/share/zoneinfo. Returns the
 * length of the part before it. */
static int parse_zone(const char *s, struct calendar_spec *c, size_t *ret_len)
{
        const struct tz_zone *local;
        const char *e;

        *ret_len = strlen(s);
        e = endswith_nocase(s, " UTC");
        if (e) {
                c->utc = true;
                *ret_len = (size_t) (e - s);
                return 0;
        }
        if (tz_zone_get(NULL, &local) == 0)
                for (int j = 0; j <= 1; j++) {
                        const char *name = tz_abbrev(local, j);
                        if (!name || !*name)
                                continue;
                        e = endswith_nocase(s, name);
                        if (!e || e == s || e[-1] != ' ')
                                continue;
                        c->dst = j;
                        *ret_len = (size_t) (e - s - 1);
                        return 0;
                }
        e = strrchr(s, ' ');
        if (e && tz_name_valid(e + 1)) {
                c->timezone = strdup(e + 1);
                if (!c->timezone)
                        return -ENOMEM;
                *ret_len = (size_t) (e - s);
        }
        return 0;
}

int calendar_spec_parse_errno(const char *s, struct calendar_spec **ret)
{
        struct calendar_spec *c = calloc(1, sizeof *c);
        char *body = NULL;
        const char *p;
        size_t len;
        int k;

        if (!c)
                return -ENOMEM;
        c->dst = -1;
        k = parse_zone(s, c, &len);
        if (k < 0)
                goto out;
        body = strndup(s, len);
        if (!body) {
                k = -ENOMEM;
                goto out;
        }
        p = body;
        if (!*p) {
                k = -EINVAL;
                goto out;
        }
        k = parse_shorthand(p, c);
        if (k < 0)
                goto out;
        if (k == 0) {
                k = parse_weekdays(&p, c);
                if (k >= 0)
                        k = parse_date(&p, c);
                if (k == 0)
                        k = parse_time(&p, c);
                if (k < 0)
                        goto out;
                if (*p) {
                        k = -EINVAL;
                        goto out;
                }
        }

        /* systemd's normalization, then its validity check. */
        if (c->timezone && strcmp(c->timezone, "UTC") == 0) {
                c->utc = true;
                free(c->timezone);
                c->timezone = NULL;
        }
        if (c->weekdays <= 0 || c->weekdays >= CAL_WEEKDAYS_ALL)
                c->weekdays = -1;
        if (c->end_of_month && !c->f[CAL_DAY].items)
                c->end_of_month = false;
        fix_year(&c->f[CAL_YEAR]);
        for (int i = 0; i < CAL_FIELDS; i++)
                list_normalize(&c->f[i]);
        k = spec_valid(c) ? 0 : -EINVAL;
out:
        free(body);
        if (k < 0)
                calendar_spec_free(c);
        else
                *ret = c;
        return k;
}

int calendar_spec_parse(const char *s, struct calendar_spec **ret)
{
        int k = calendar_spec_parse_errno(s, ret);
        return k == -ENOMEM ? k : k < 0 ? -EINVAL : 0;
}

static void format_weekdays(FILE *f, int bits)
{
        static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
        bool comma = false;
        int x, l = -1;

        /* Runs of three or more days as "A..C", two as "A,B". */
        for (x = 0; x <= 7; x++) {
                bool on = x < 7 && (bits & (1 << x));
                if (on && l < 0) {
                        if (comma)
                                fputc(',', f);
                        comma = true;
                        fputs(days[x], f);
                        l = x;
                } else if (!on && l >= 0) {
                        if (x > l + 1)
                                fprintf(f, "%s%s", x > l + 2 ? ".." : ",", days[x - 1]);
                        l = -1;
                }
        }
}

static void format_list(FILE *f, int width, const struct cal_list *l, bool usec)
{
        const int d = usec ? (int) USEC_PER_SEC : 1;

        if (!l->items || (usec && l->n == 1 && l->items[0].start == 0 && l->items[0].repeat == d &&
                          l->items[0].stop < 0)) {
                fputc('*', f);
                return;
        }
        for (size_t i = 0; i < l->n; i++) {
                const struct cal_item *c = &l->items[i];
                if (i > 0)
                        fputc(',', f);
                fprintf(f, "%0*d", width, c->start / d);
                if (c->start % d > 0)
                        fprintf(f, ".%06d", c->start % d);
                if (c->stop > 0)
                        fprintf(f, "..%0*d", width, c->stop / d);
                if (c->stop % d > 0)
                        fprintf(f, ".%06d", c->stop % d);
                if (c->repeat > 0 && !(c->stop > 0 && c->repeat == d))
                        fprintf(f, "/%d", c->repeat / d);
                if (c->repeat % d > 0)
                        fprintf(f, ".%06d", c->repeat % d);
        }
}

int calendar_spec_to_string(const struct calendar_spec *c, char **ret)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        if (c->weekdays > 0 && c->weekdays <= CAL_WEEKDAYS_ALL) {
                format_weekdays(f, c->weekdays);
                fputc(' ', f);
        }
        format_list(f, 4, &c->f[CAL_YEAR], false);
        fputc('-', f);
        format_list(f, 2, &c->f[CAL_MONTH], false);
        fputc(c->end_of_month ? '~' : '-', f);
        format_list(f, 2, &c->f[CAL_DAY], false);
        fputc(' ', f);
        format_list(f, 2, &c->f[CAL_HOUR], false);
        fputc(':', f);
        format_list(f, 2, &c->f[CAL_MINUTE], false);
        fputc(':', f);
        format_list(f, 2, &c->f[CAL_USEC], true);
        if (c->utc)
                fputs(" UTC", f);
        else if (c->timezone)
                fprintf(f, " %s", c->timezone);
        else if (c->dst == 0 || c->dst == 1) {
                const struct tz_zone *local;
                if (tz_zone_get(NULL, &local) == 0 && tz_abbrev(local, c->dst)[0])
                        fprintf(f, " %s", tz_abbrev(local, c->dst));
        }
        if (fclose(f) != 0 || !buf) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
