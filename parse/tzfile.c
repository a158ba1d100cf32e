/* TZif files and POSIX TZ strings (see tzfile.h). The file format is
 * tzfile(5): a v1 block with 32-bit times, then for version 2 and later a
 * second block with 64-bit times, then a footer line holding the POSIX TZ
 * rule for times after the last transition. Only the 64-bit block is used
 * when present. Leap-second records are skipped ("right/" zones are not
 * what systemd's timers use). */
#include "parse/tzfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_FILE_MAX (1 << 20)
#define TZ_ABBR_MAX 16

struct tz_type {
        int32_t off; /* seconds east of UTC */
        bool isdst;
        char abbr[TZ_ABBR_MAX];
};

/* A POSIX rule date: Jn (1..365, no Feb 29), n (0..365) or Mm.w.d. */
struct tz_rule_date {
        char kind; /* 'J', 'N' or 'M' */
        int n, m, w, d;
        int32_t time; /* seconds after local midnight; may be negative or > 24 h */
};

struct tz_rule {
        struct tz_type std, dst;
        bool has_dst;
        struct tz_rule_date start, end;
};

struct tz_zone {
        char *key;
        int64_t *trans;
        uint8_t *idx;
        size_t n_trans;
        struct tz_type *types;
        size_t n_types;
        bool has_rule;
        struct tz_rule rule;
        const char *abbrev[2];
        bool utc;
        struct tz_zone *next; /* in the cache */
};

int64_t tz_days_from_civil(int64_t y, int m, int d)
{
        /* The era-based conversion: years start in March, so the leap day is last. */
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        int64_t yoe = y - era * 400;
        int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
        z += 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        *d = (int) (doy - (153 * mp + 2) / 5 + 1);
        *m = (int) (mp < 10 ? mp + 3 : mp - 9);
        *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
        static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
        return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- POSIX TZ strings ---- */

static const char *rule_name(const char *p, char *out)
{
        size_t n = 0;
        if (*p == '<') {
                p++;
                while (*p && *p != '>' && n + 1 < TZ_ABBR_MAX)
                        out[n++] = *p++;
                if (*p != '>')
                        return NULL;
                p++;
        } else
                while (isalpha((unsigned char) *p) && n + 1 < TZ_ABBR_MAX)
                        out[n++] = *p++;
        out[n] = 0;
        return n >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to 167 (RFC 8536 extension). */
static const char *rule_hms(const char *p, int32_t *ret)
{
        int sign = 1, part[3] = { 0, 0, 0 };
        if (*p == '+' || *p == '-')
                sign = *p++ == '-' ? -1 : 1;
        for (int i = 0; i < 3; i++) {
                if (i > 0) {
                        if (*p != ':')
                                break;
                        p++;
                }
                if (!isdigit((unsigned char) *p))
                        return NULL;
                int v = 0;
                while (isdigit((unsigned char) *p) && v < 1000)
                        v = v * 10 + (*p++ - '0');
                part[i] = v;
        }
        if (part[0] > 167 || part[1] > 59 || part[2] > 59)
                return NULL;
        *ret = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
        return p;
}

static const char *rule_date(const char *p, struct tz_rule_date *d)
{
        char *e;
        *d = (struct tz_rule_date) { .time = 7200 };
        if (*p == 'M') {
                d->kind = 'M';
                d->m = (int) strtol(p + 1, &e, 10);
                if (*e != '.')
                        return NULL;
                d->w = (int) strtol(e + 1, &e, 10);
                if (*e != '.')
                        return NULL;
                d->d = (int) strtol(e + 1, &e, 10);
                if (d->m < 1 || d->m > 12 || d->w < 1 || d->w > 5 || d->d < 0 || d->d > 6)
                        return NULL;
        } else if (*p == 'J') {
                d->kind = 'J';
                d->n = (int) strtol(p + 1, &e, 10);
                if (d->n < 1 || d->n > 365)
                        return NULL;
        } else if (isdigit((unsigned char) *p)) {
                d->kind = 'N';
                d->n = (int) strtol(p, &e, 10);
                if (d->n > 365)
                        return NULL;
        } else
                return NULL;
        p = e;
        if (*p == '/')
                p = rule_hms(p + 1, &d->time);
        return p;
}

static int rule_parse(const char *s, struct tz_rule *r)
{
        const char *p = s;
        int32_t off;

        *r = (struct tz_rule) { 0 };
        p = rule_name(p, r->std.abbr);
        if (!p || !(p = rule_hms(p, &off)))
                return -EINVAL;
        r->std.off = -off;
        if (!*p)
                return 0;
        p = rule_name(p, r->dst.abbr);
        if (!p)
                return -EINVAL;
        r->has_dst = true;
        r->dst.isdst = true;
        r->dst.off = r->std.off + 3600;
        if (*p && *p != ',') {
                if (!(p = rule_hms(p, &off)))
                        return -EINVAL;
                r->dst.off = -off;
        }
        if (!*p) {
                /* glibc's default rule: the US one. */
                p = ",M3.2.0,M11.1.0";
        }
        if (*p != ',' || !(p = rule_date(p + 1, &r->start)) || *p != ',' || !(p = rule_date(p + 1, &r->end)) || *p)
                return -EINVAL;
        return 0;
}

/* Seconds since the epoch (UTC) of a rule date in year y, given the offset in effect before it. */
static int64_t rule_when(const struct tz_rule_date *d, int64_t y, int32_t off_before)
{
        int64_t day = tz_days_from_civil(y, 1, 1);
        if (d->kind == 'J')
                day += d->n - 1 + (is_leap(y) && d->n >= 60);
        else if (d->kind == 'N')
                day += d->n;
        else {
                int64_t first = tz_days_from_civil(y, d->m, 1);
                int wd = (int) ((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
                int md = 1 + (d->d - wd + 7) % 7 + 7 * (d->w - 1);
                while (md > days_in_month(y, d->m))
                        md -= 7;
                day = first + md - 1;
        }
        return day * 86400 + d->time - off_before;
}

static const struct tz_type *rule_type(const struct tz_rule *r, int64_t t)
{
        if (!r->has_dst)
                return &r->std;
        int64_t y;
        int m, d;
        civil_from_days(floor_div(t, 86400), &y, &m, &d);
        int64_t start = rule_when(&r->start, y, r->std.off), end = rule_when(&r->end, y, r->dst.off);
        bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
        return dst ? &r->dst : &r->std;
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
        return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
        return (int64_t) ((uint64_t) be32(p) << 32 | be32(p + 4));
}

static int read_file(const char *path, unsigned char **ret, size_t *ret_len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), k = 0;
        unsigned char *buf = NULL;
        size_t len = 0;
        struct stat st;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > TZ_FILE_MAX) {
                k = -EINVAL;
                goto out;
        }
        buf = malloc((size_t) st.st_size + 1);
        if (!buf) {
                k = -ENOMEM;
                goto out;
        }
        while (len < (size_t) st.st_size) {
                ssize_t n = read(fd, buf + len, (size_t) st.st_size - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = 0;
        *ret = buf;
        *ret_len = len;
        buf = NULL;
out:
        free(buf);
        close(fd);
        return k;
}

struct tzif_counts {
        uint32_t isut, isstd, leap, time, type, chars;
};

static size_t tzif_block_size(const struct tzif_counts *c, size_t tsize)
{
        return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) + c->isstd + c->isut;
}

static int tzif_parse(struct tz_zone *z, const unsigned char *b, size_t len)
{
        struct tzif_counts c;
        size_t tsize = 4;

        if (len < 44 || memcmp(b, "TZif", 4) != 0)
                return -EINVAL;
        for (int pass = 0;; pass++) {
                c = (struct tzif_counts) { be32(b + 20), be32(b + 24), be32(b + 28),
                                           be32(b + 32), be32(b + 36), be32(b + 40) };
                if (c.type == 0 || c.type > 256 || c.time > 100000 || c.chars > 4096 || c.leap > 10000 ||
                    len - 44 < tzif_block_size(&c, tsize))
                        return -EINVAL;
                if (pass == 0 && b[4] >= '2') {
                        size_t skip = 44 + tzif_block_size(&c, tsize);
                        b += skip;
                        len -= skip;
                        tsize = 8;
                        if (len < 44 || memcmp(b, "TZif", 4) != 0)
                                return -EINVAL;
                        continue;
                }
                break;
        }
        const unsigned char *p = b + 44, *types, *chars;
        z->n_trans = c.time;
        z->n_types = c.type;
        z->trans = calloc(c.time ? c.time : 1, sizeof *z->trans);
        z->idx = calloc(c.time ? c.time : 1, 1);
        z->types = calloc(c.type, sizeof *z->types);
        if (!z->trans || !z->idx || !z->types)
                return -ENOMEM;
        for (uint32_t i = 0; i < c.time; i++, p += tsize)
                z->trans[i] = tsize == 8 ? be64(p) : (int32_t) be32(p);
        for (uint32_t i = 0; i < c.time; i++, p++) {
                if (*p >= c.type)
                        return -EINVAL;
                z->idx[i] = *p;
        }
        types = p;
        chars = types + c.type * 6;
        for (uint32_t i = 0; i < c.type; i++) {
                const unsigned char *t = types + i * 6;
                z->types[i].off = (int32_t) be32(t);
                z->types[i].isdst = t[4] != 0;
                if (t[5] < c.chars)
                        snprintf(z->types[i].abbr, TZ_ABBR_MAX, "%.*s", (int) (c.chars - t[5]),
                                 (const char *) chars + t[5]);
        }
        p = b + 44 + tzif_block_size(&c, tsize);
        if (tsize == 8 && p < b + len && *p == '\n') {
                const char *s = (const char *) p + 1, *e = strchr(s, '\n');
                if (e && e > s) {
                        char *footer = strndup(s, (size_t) (e - s));
                        if (!footer)
                                return -ENOMEM;
                        z->has_rule = rule_parse(footer, &z->rule) == 0;
                        free(footer);
                }
        }
        return 0;
}

/* glibc's tzname and timezone/daylight: from the rule when there is one,
 * else from the last transition's standard and daylight types. */
static void zone_finish(struct tz_zone *z)
{
        if (z->has_rule) {
                z->abbrev[0] = z->rule.std.abbr;
                z->abbrev[1] = z->rule.has_dst ? z->rule.dst.abbr : z->rule.std.abbr;
                z->utc = z->rule.std.off == 0 && !z->rule.has_dst;
                return;
        }
        const struct tz_type *std = NULL, *dst = NULL;
        for (size_t i = z->n_trans; i-- > 0 && (!std || !dst);) {
                const struct tz_type *t = &z->types[z->idx[i]];
                if (t->isdst && !dst)
                        dst = t;
                if (!t->isdst && !std)
                        std = t;
        }
        if (!std)
                std = &z->types[0];
        z->abbrev[0] = std->abbr;
        z->abbrev[1] = dst ? dst->abbr : std->abbr;
        z->utc = std->off == 0 && !dst;
}

static void zone_free(struct tz_zone *z)
{
        if (!z)
                return;
        free(z->key);
        free(z->trans);
        free(z->idx);
        free(z->types);
        free(z);
}

static int zone_load_file(const char *path, struct tz_zone *z)
{
        unsigned char *buf = NULL;
        size_t len = 0;
        int k = read_file(path, &buf, &len);
        if (k < 0)
                return k;
        k = tzif_parse(z, buf, len);
        free(buf);
        return k;
}

/* glibc's order: a file (absolute, or under the zone directory), else a
 * POSIX string; "" and unusable values mean UTC. */
static int zone_load(const char *spec, struct tz_zone *z)
{
        const char *s = spec[0] == ':' ? spec + 1 : spec;
        char path[4096];
        int k;

        if (!*s) {
                z->has_rule = true;
                return rule_parse("UTC0", &z->rule);
        }
        if (s[0] == '/')
                snprintf(path, sizeof path, "%s", s);
        else if (strstr(s, "..") == NULL)
                snprintf(path, sizeof path, TZ_DIR "/%s", s);
        else
                path[0] = 0;
        if (path[0]) {
                k = zone_load_file(path, z);
                if (k != -ENOENT && k != -EINVAL && k != -ENOTDIR && k != -EACCES)
                        return k;
                free(z->trans);
                free(z->idx);
                free(z->types);
                z->trans = NULL;
                z->idx = NULL;
                z->types = NULL;
                z->n_trans = z->n_types = 0;
                z->has_rule = false;
        }
        if (rule_parse(s, &z->rule) == 0) {
                z->has_rule = true;
                return 0;
        }
        return -ENOENT;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz_zone *cache;

static const struct tz_zone *cache_find(const char *key)
{
        for (struct tz_zone *z = cache; z; z = z->next)
                if (strcmp(z->key, key) == 0)
                        return z;
        return NULL;
}

/* Bumped by tz_local_changed(): the local zone is cached under a key that
 * holds it, so the next lookup reads /etc/localtime again. */
static unsigned local_generation;

void tz_local_changed(void)
{
        __atomic_add_fetch(&local_generation, 1, __ATOMIC_RELAXED);
}

int tz_zone_get(const char *name, const struct tz_zone **ret)
{
        const struct tz_zone *found;
        struct tz_zone *z;
        const char *spec;
        char *key = NULL;
        int k;

        if (name)
                spec = name;
        else {
                /* getenv() is only racy against setenv(), which weft never calls. */
                const char *tz = getenv("TZ");
                spec = tz ? tz : ":/etc/localtime";
        }
        /* Local zones get a key no zone name can have (it starts with a newline). */
        if (asprintf(&key, "%s%u\n%s", name ? "" : "\n", name ? 0 : __atomic_load_n(&local_generation, __ATOMIC_RELAXED),
                     spec) < 0)
                return -ENOMEM;
        pthread_mutex_lock(&cache_lock);
        found = cache_find(key);
        pthread_mutex_unlock(&cache_lock);
        if (found) {
                free(key);
                *ret = found;
                return 0;
        }
        /* Read the file outside the lock; a racing loader's copy is dropped. */
        z = calloc(1, sizeof *z);
        if (!z) {
                free(key);
                return -ENOMEM;
        }
        z->key = key;
        k = zone_load(spec, z);
        if (k < 0 && !name) {
                /* An unusable local zone is UTC, as for glibc. */
                free(z->trans);
                free(z->idx);
                free(z->types);
                z->trans = NULL;
                z->idx = NULL;
                z->types = NULL;
                z->n_trans = z->n_types = 0;
                z->has_rule = true;
                k = rule_parse("UTC0", &z->rule);
        }
        if (k < 0) {
                zone_free(z);
                return k;
        }
        zone_finish(z);
        pthread_mutex_lock(&cache_lock);
        found = cache_find(z->key);
        if (!found) {
                z->next = cache;
                cache = z;
                found = z;
                z = NULL;
        }
        pthread_mutex_unlock(&cache_lock);
        zone_free(z);
        *ret = found;
        return 0;
}

const struct tz_zone *tz_zone_utc(void)
{
        static struct tz_zone utc = {
                .key = (char *) "UTC",
                .has_rule = true,
                .rule = { .std = { .abbr = "UTC" } },
                .abbrev = { "UTC", "UTC" },
                .utc = true,
        };
        return &utc;
}

bool tz_name_valid(const char *name)
{
        bool slash = false;
        const char *p;
        char path[4096];
        unsigned char magic[4];
        struct stat st;
        int fd;
        bool ok;

        if (!name || !*name)
                return false;
        if (strcmp(name, "UTC") == 0)
                return true;
        if (name[0] == '/')
                return false;
        for (p = name; *p; p++) {
                if (!isascii((unsigned char) *p) ||
                    !(isalnum((unsigned char) *p) || *p == '-' || *p == '_' || *p == '+' || *p == '/'))
                        return false;
                if (*p == '/') {
                        if (slash)
                                return false;
                        slash = true;
                } else
                        slash = false;
        }
        if (slash || p - name >= 4000)
                return false;
        snprintf(path, sizeof path, TZ_DIR "/%s", name);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return false;
        ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
        close(fd);
        return ok;
}

static const struct tz_type *zone_type(const struct tz_zone *z, int64_t t)
{
        if (z->n_trans == 0 || t >= z->trans[z->n_trans - 1]) {
                if (z->has_rule)
                        return rule_type(&z->rule, t);
                if (z->n_trans == 0)
                        return &z->types[0];
                return &z->types[z->idx[z->n_trans - 1]];
        }
        if (t < z->trans[0]) {
                /* Before the first transition: the first standard type. */
                for (size_t i = 0; i < z->n_types; i++)
                        if (!z->types[i].isdst)
                                return &z->types[i];
                return &z->types[0];
        }
        size_t lo = 0, hi = z->n_trans - 1; /* trans[lo] <= t < trans[hi] */
        while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (z->trans[mid] <= t)
                        lo = mid;
                else
                        hi = mid;
        }
        return &z->types[z->idx[lo]];
}

long tz_offset_at(const struct tz_zone *z, int64_t t)
{
        return zone_type(z, t)->off;
}

void tz_localtime(const struct tz_zone *z, int64_t t, struct tm *tm)
{
        const struct tz_type *type = zone_type(z, t);
        int64_t local = t + type->off, days = floor_div(local, 86400), secs = local - days * 86400, y;
        int m, d;

        civil_from_days(days, &y, &m, &d);
        *tm = (struct tm) {
                .tm_sec = (int) (secs % 60),
                .tm_min = (int) (secs / 60 % 60),
                .tm_hour = (int) (secs / 3600),
                .tm_mday = d,
                .tm_mon = m - 1,
                .tm_year = (int) (y - 1900),
                .tm_wday = (int) ((days % 7 + 7 + 4) % 7),
                .tm_yday = (int) (days - tz_days_from_civil(y, 1, 1)),
                .tm_isdst = type->isdst,
                .tm_gmtoff = type->off,
                .tm_zone = type->abbr,
        };
}

/* The local seconds a broken-down time names, with glibc's normalization:
 * months carry into years, everything else is plain arithmetic. */
static int64_t tm_local_seconds(const struct tm *tm)
{
        int64_t mon = tm->tm_mon, year = (int64_t) tm->tm_year + 1900 + floor_div(mon, 12);
        mon -= floor_div(mon, 12) * 12;
        return (tz_days_from_civil(year, (int) mon + 1, 1) + tm->tm_mday - 1) * 86400 + (int64_t) tm->tm_hour * 3600 +
               (int64_t) tm->tm_min * 60 + tm->tm_sec;
}

static int64_t tm_diff(int64_t want, const struct tm *have)
{
        return want - tm_local_seconds(have);
}

int64_t tz_mktime(const struct tz_zone *z, struct tm *tm, long *guess)
{
        int64_t want = tm_local_seconds(tm), t0 = want - *guess, t = t0, t1 = t0, t2 = t0;
        int isdst = tm->tm_isdst, remaining = 6;
        bool dst2 = false;
        struct tm cur;

        /* glibc's search: step by the difference between the wanted and the
         * converted local time; an oscillation between two values is a gap. */
        for (;;) {
                tz_localtime(z, t, &cur);
                int64_t dt = tm_diff(want, &cur);
                if (dt == 0)
                        break;
                /* Oscillating between two times: want is in a gap. Like glibc,
                 * take the one whose tm_isdst differs from the one asked
                 * for, or with no wish the daylight one. */
                if (t == t1 && t != t2 &&
                    (isdst < 0 ? cur.tm_isdst != 0 || !dst2 : (isdst != 0) != (cur.tm_isdst != 0)))
                        goto found;
                if (--remaining == 0)
                        return -1;
                t1 = t2;
                t2 = t;
                t += dt;
                dst2 = cur.tm_isdst != 0;
        }
        if (isdst >= 0 && (isdst != 0) != (cur.tm_isdst != 0)) {
                /* The wanted tm_isdst differs: use the offset of the nearest
                 * time that has it, probing a week at a time. */
                const int64_t stride = 601200, bound = 536454000;
                for (int64_t delta = stride; delta < bound; delta += stride)
                        for (int dir = -1; dir <= 1; dir += 2) {
                                struct tm other;
                                int64_t ot = t + delta * dir;
                                tz_localtime(z, ot, &other);
                                if ((other.tm_isdst != 0) == (isdst != 0)) {
                                        t = ot + tm_diff(want, &other);
                                        tz_localtime(z, t, &cur);
                                        goto found;
                                }
                        }
                /* None nearby: assume a one-hour difference, as glibc does. */
                t += 3600 * ((isdst == 0) - (cur.tm_isdst == 0));
                tz_localtime(z, t, &cur);
        }
found:
        *guess = (long) (want - t);
        *tm = cur;
        return t;
}

const char *tz_abbrev(const struct tz_zone *z, bool dst)
{
        return z->abbrev[dst];
}

bool tz_is_utc(const struct tz_zone *z)
{
        return z->utc;
}
