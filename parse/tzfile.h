/* Time zones without TZ: a reader of the TZif files under
 * /usr/share/zoneinfo (tzfile(5)) and of POSIX TZ strings, with
 * localtime and mktime that take the zone as an argument. glibc converts
 * only in the process-wide zone (TZ + tzset), which a multi-threaded daemon
 * must not switch per call; these functions are thread-safe.
 *
 * tz_mktime() follows glibc's mktime() closely (same normalization of
 * out-of-range fields, same choice in DST gaps and overlaps, same handling
 * of a tm_isdst that disagrees with the zone) because calendar events must
 * elapse exactly when systemd's, which uses glibc, says they do. glibc
 * remembers the offset of its last mktime() in a static variable and
 * starts its search from it; here the caller keeps it in *guess. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct tz_zone;

/* The zone named like systemd's OnCalendar= zones and TZ values: a name
 * under /usr/share/zoneinfo ("Europe/Berlin"), an absolute path, or a
 * POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"); NULL for the process's
 * local zone ($TZ as glibc reads it, else /etc/localtime, else UTC).
 * Zones are loaded once and cached for the life of the process: 0 and
 * *ret, -ENOENT when there is no such zone, -ENOMEM. */
int tz_zone_get(const char *name, const struct tz_zone **ret);
/* The local zone changed (/etc/localtime rewritten, OnTimezoneChange=):
 * the next tz_zone_get(NULL) reads it again. Zones handed out before stay
 * valid (they are never freed). */
void tz_local_changed(void);
/* The UTC zone (never fails). */
const struct tz_zone *tz_zone_utc(void);

/* systemd's timezone_is_valid(): "UTC", or a relative name of [A-Za-z0-9-_+/]
 * without empty path parts whose file under /usr/share/zoneinfo is a
 * regular file starting with "TZif". */
bool tz_name_valid(const char *name);

/* localtime_r() in zone z: fills tm including tm_wday, tm_yday, tm_isdst,
 * tm_gmtoff and tm_zone (a string owned by the zone). */
void tz_localtime(const struct tz_zone *z, int64_t t, struct tm *tm);
/* mktime() in zone z: normalizes *tm and returns the time, -1 (with *tm
 * untouched) when there is none. guess: the offset the last call found
 * (seconds east; start with tz_offset_at() of a nearby time). */
int64_t tz_mktime(const struct tz_zone *z, struct tm *tm, long *guess);
/* The UTC offset at t, seconds east. */
long tz_offset_at(const struct tz_zone *z, int64_t t);

/* glibc's tzname[0] / tzname[1] for this zone: the abbreviations of its
 * current standard and daylight rule ("CET", "CEST"). */
const char *tz_abbrev(const struct tz_zone *z, bool dst);
/* glibc's "timezone == 0 && daylight == 0": no offset and no DST rule. */
bool tz_is_utc(const struct tz_zone *z);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t tz_days_from_civil(int64_t y, int m, int d);
