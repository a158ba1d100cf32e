/* Tests for calendar events (parse/calendar.h) and the zone reader
 * (parse/tzfile.h). Goldens come from `systemd-analyze calendar` (systemd
 * 252) on this machine; test/integration/calendar-oracle.sh re-checks
 * hundreds of expressions live. Every spec here names its zone (or UTC), so
 * the results do not depend on the TZ of the test run. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"
#include "parse/calendar.h"
#include "parse/tzfile.h"
#include "test/unit/test.h"

#define T(sec) ((uint64_t) (sec) * USEC_PER_SEC)

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
        return tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static void check_normalized(const char *in, const char *want)
{
        struct calendar_spec *c = NULL;
        char *s = NULL;

        CU_ASSERT_EQUAL_FATAL(calendar_spec_parse(in, &c), 0);
        CU_ASSERT_EQUAL(calendar_spec_to_string(c, &s), 0);
        CU_ASSERT_STRING_EQUAL(s, want);
        free(s);
        calendar_spec_free(c);
}

/* The first n elapses after base, each strictly after the one before. */
static void check_elapses(const char *in, int64_t base, const int64_t *want, size_t n)
{
        struct calendar_spec *c = NULL;
        uint64_t t = T(base), next;

        CU_ASSERT_EQUAL_FATAL(calendar_spec_parse(in, &c), 0);
        for (size_t i = 0; i < n; i++) {
                CU_ASSERT_EQUAL_FATAL(calendar_spec_next_usec(c, t, &next), 0);
                CU_ASSERT_EQUAL(next / USEC_PER_SEC, (uint64_t) want[i]);
                CU_ASSERT(next > t);
                t = next;
        }
        calendar_spec_free(c);
}

static void test_normalized_forms_match_systemd(void)
{
        static const struct {
                const char *in, *want;
        } cases[] = {
                { "Sat,Thu,Mon..Wed,Sat..Sun", "Mon..Thu,Sat,Sun *-*-* 00:00:00" },
                { "Mon,Sun 12-*-* 2,1:23", "Mon,Sun 2012-*-* 01,02:23:00" },
                { "Wed..Sat,Tue 12-10-15 1:2:3", "Tue..Sat 2012-10-15 01:02:03" },
                { "12,14,13,12:20,10,30", "*-*-* 12,13,14:10,20,30:00" },
                { "05:40:23.4200004/3.1700005", "*-*-* 05:40:23.420000/3.170001" },
                { "Mon..Fri *-*-* 9..17:00/15", "Mon..Fri *-*-* 09..17:00/15:00" },
                { "*:*:0/0.5", "*-*-* *:*:00/0.500000" },
                { "daily", "*-*-* 00:00:00" },
                { "weekly", "Mon *-*-* 00:00:00" },
                { "quarterly", "*-01,04,07,10-01 00:00:00" },
                { "semiannually", "*-01,07-01 00:00:00" },
                { "minutely", "*-*-* *:*:00" },
                { "hourly UTC", "*-*-* *:00:00 UTC" },
                { "daily Europe/Berlin", "*-*-* 00:00:00 Europe/Berlin" },
                { "*-*~01", "*-*~01 00:00:00" },
                { "@1395716396", "2014-03-25 02:59:56 UTC" },
                { "5..5:00", "*-*-* 05:00:00" },
                { "5..6/2:00", "*-*-* 05:00:00" },
                { "5..9/2:00", "*-*-* 05..09/2:00:00" },
                { "69-01-01", "2069-01-01 00:00:00" },
                { "70-01-01", "1970-01-01 00:00:00" },
                { "Sat,Sun", "Sat,Sun *-*-* 00:00:00" },
                { "Mon,Tue,Wed", "Mon..Wed *-*-* 00:00:00" },
                { "Mon..Sun 10:00", "*-*-* 10:00:00" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                check_normalized(cases[i].in, cases[i].want);
}

static void test_invalid_expressions_are_refused_like_systemd(void)
{
        static const struct {
                const char *in;
                int err;
        } cases[] = {
                { "now", -EINVAL },       { "today", -EINVAL },     { "foo", -EINVAL },
                { "", -EINVAL },          { "*-*-* 24:00", -EINVAL }, { "*-13-01", -EINVAL },
                { "*-*~29", -EINVAL },    { "*:*:0/0", -ERANGE },   { "Fri..Mon", -EINVAL },
                { "Mon..", -EINVAL },     { "*:*:5..5", -EINVAL },  { "2200-01-01", -EINVAL },
                { "daily ", -EINVAL },    { "daily Mars/Olympus", -EINVAL },
                { "*-*-* 99999999999:00", -ERANGE },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct calendar_spec *c = NULL;
                CU_ASSERT_EQUAL(calendar_spec_parse_errno(cases[i].in, &c), cases[i].err);
                CU_ASSERT_PTR_NULL(c);
                CU_ASSERT_EQUAL(calendar_spec_parse(cases[i].in, &c), -EINVAL);
        }
}

static void test_list_longer_than_systemd_allows_is_refused(void)
{
        char buf[2048] = "*-*-* 00:";
        struct calendar_spec *c = NULL;

        for (int i = 0; i < 250; i++)
                strcat(buf, i ? ",1" : "1");
        CU_ASSERT_EQUAL(calendar_spec_parse_errno(buf, &c), -ENOBUFS);
        CU_ASSERT_EQUAL(calendar_spec_parse(buf, &c), -EINVAL);
}

static void test_workdays_every_quarter_hour_in_berlin(void)
{
        const int64_t want[] = { utc(2024, 4, 1, 7, 0, 0), utc(2024, 4, 1, 7, 15, 0), utc(2024, 4, 1, 7, 30, 0) };
        check_elapses("Mon..Fri *-*-* 9..17:00/15 Europe/Berlin", utc(2024, 3, 30, 12, 0, 0), want, 3);
}

static void test_hour_skipped_by_spring_dst_is_skipped(void)
{
        /* 2024-03-31 02:30 does not exist in Berlin. */
        const int64_t want[] = { utc(2024, 4, 1, 0, 30, 0), utc(2024, 4, 2, 0, 30, 0) };
        check_elapses("*-*-* 02:30 Europe/Berlin", utc(2024, 3, 30, 12, 0, 0), want, 2);
}

static void test_hour_repeated_by_autumn_dst_elapses_once(void)
{
        /* 2024-10-27 02:30 happens twice in Berlin: the first (CEST) one counts. */
        const int64_t want[] = { utc(2024, 10, 27, 0, 30, 0), utc(2024, 10, 28, 1, 30, 0) };
        check_elapses("*-*-* 02:30 Europe/Berlin", utc(2024, 10, 26, 12, 0, 0), want, 2);
}

static void test_hourly_across_spring_dst_in_new_york(void)
{
        /* 2025-03-09: 01:00 EST, then 03:00 EDT. */
        const int64_t want[] = { utc(2025, 3, 9, 6, 0, 0), utc(2025, 3, 9, 7, 0, 0), utc(2025, 3, 9, 8, 0, 0) };
        check_elapses("hourly America/New_York", utc(2025, 3, 9, 5, 30, 0), want, 3);
}

static void test_feb_29_waits_for_leap_years(void)
{
        const int64_t want[] = { utc(2028, 2, 29, 12, 0, 0), utc(2032, 2, 29, 12, 0, 0) };
        check_elapses("*-02-29 12:00 UTC", utc(2024, 3, 30, 12, 0, 0), want, 2);
}

static void test_tilde_counts_from_the_end_of_the_month(void)
{
        const int64_t last[] = { utc(2024, 2, 29, 0, 0, 0), utc(2024, 3, 31, 0, 0, 0), utc(2024, 4, 30, 0, 0, 0) };
        check_elapses("*-*~01 UTC", utc(2024, 2, 1, 0, 0, 0), last, 3);
        const int64_t third[] = { utc(2023, 2, 26, 0, 0, 0), utc(2023, 3, 29, 0, 0, 0) };
        check_elapses("*-*~03 UTC", utc(2023, 2, 1, 0, 0, 0), third, 2);
}

static void test_fractional_seconds(void)
{
        struct calendar_spec *c = NULL;
        uint64_t next;

        CU_ASSERT_EQUAL_FATAL(calendar_spec_parse("*:*:0/0.5 UTC", &c), 0);
        CU_ASSERT_EQUAL(calendar_spec_next_usec(c, T(1711800000), &next), 0);
        CU_ASSERT_EQUAL(next, T(1711800000) + 500000);
        CU_ASSERT_EQUAL(calendar_spec_next_usec(c, next, &next), 0);
        CU_ASSERT_EQUAL(next, T(1711800001));
        calendar_spec_free(c);
}

static void test_date_in_the_past_never_elapses(void)
{
        struct calendar_spec *c = NULL;
        uint64_t next = 7;

        CU_ASSERT_EQUAL_FATAL(calendar_spec_parse("2020-01-01 UTC", &c), 0);
        CU_ASSERT_EQUAL(calendar_spec_next_usec(c, T(1711800000), &next), -ENOENT);
        CU_ASSERT_EQUAL(next, 7);
        CU_ASSERT_EQUAL(calendar_spec_next_usec(c, T(1577836799), &next), 0);
        CU_ASSERT_EQUAL(next, T(1577836800));
        calendar_spec_free(c);
}

static void test_weekday_with_days_of_month(void)
{
        /* The first Sunday of each month (systemd's "Sun *-*-1..7"). */
        const int64_t want[] = { utc(2024, 4, 7, 1, 0, 0), utc(2024, 5, 5, 1, 0, 0), utc(2024, 6, 2, 1, 0, 0) };
        check_elapses("Sun *-*-1..7 1:00:00 UTC", utc(2024, 3, 30, 12, 0, 0), want, 3);
}

static void test_zone_reader_agrees_with_known_offsets(void)
{
        const struct tz_zone *berlin, *ny;
        struct tm tm;

        CU_ASSERT_EQUAL_FATAL(tz_zone_get("Europe/Berlin", &berlin), 0);
        CU_ASSERT_EQUAL_FATAL(tz_zone_get("America/New_York", &ny), 0);
        CU_ASSERT_EQUAL(tz_offset_at(berlin, utc(2024, 1, 15, 12, 0, 0)), 3600);
        CU_ASSERT_EQUAL(tz_offset_at(berlin, utc(2024, 7, 15, 12, 0, 0)), 7200);
        /* Far beyond the file's transitions: the POSIX rule of its footer. */
        CU_ASSERT_EQUAL(tz_offset_at(berlin, utc(2150, 7, 15, 12, 0, 0)), 7200);
        CU_ASSERT_EQUAL(tz_offset_at(berlin, utc(2150, 12, 15, 12, 0, 0)), 3600);
        CU_ASSERT_EQUAL(tz_offset_at(ny, utc(2024, 11, 3, 5, 59, 59)), -4 * 3600);
        CU_ASSERT_EQUAL(tz_offset_at(ny, utc(2024, 11, 3, 6, 0, 0)), -5 * 3600);
        tz_localtime(berlin, utc(2024, 10, 27, 0, 30, 0), &tm);
        CU_ASSERT_EQUAL(tm.tm_hour, 2);
        CU_ASSERT_EQUAL(tm.tm_isdst, 1);
        CU_ASSERT_STRING_EQUAL(tm.tm_zone, "CEST");
        CU_ASSERT_STRING_EQUAL(tz_abbrev(ny, false), "EST");
        CU_ASSERT_STRING_EQUAL(tz_abbrev(ny, true), "EDT");
        CU_ASSERT(!tz_is_utc(ny));
        CU_ASSERT(tz_is_utc(tz_zone_utc()));
        CU_ASSERT_EQUAL(tz_zone_get("No/Such_Zone", &ny), -ENOENT);
        CU_ASSERT(tz_name_valid("Europe/Berlin"));
        CU_ASSERT(tz_name_valid("UTC"));
        CU_ASSERT(!tz_name_valid("Europe"));
        CU_ASSERT(!tz_name_valid("../etc/passwd"));
        CU_ASSERT(!tz_name_valid("/etc/localtime"));
}

static void test_mktime_in_gaps_and_overlaps_follows_glibc(void)
{
        const struct tz_zone *berlin;
        struct tm tm = { .tm_year = 124, .tm_mon = 2, .tm_mday = 31, .tm_hour = 2, .tm_min = 30, .tm_isdst = -1 };
        long guess = 3600;

        CU_ASSERT_EQUAL_FATAL(tz_zone_get("Europe/Berlin", &berlin), 0);
        /* In the gap: the time an hour later, in summer time. */
        CU_ASSERT_EQUAL(tz_mktime(berlin, &tm, &guess), utc(2024, 3, 31, 1, 30, 0));
        CU_ASSERT_EQUAL(tm.tm_hour, 3);
        CU_ASSERT_EQUAL(tm.tm_isdst, 1);
        /* In the overlap: the one the last call's offset suggests. */
        tm = (struct tm) { .tm_year = 124, .tm_mon = 9, .tm_mday = 27, .tm_hour = 2, .tm_min = 30, .tm_isdst = -1 };
        guess = 7200;
        CU_ASSERT_EQUAL(tz_mktime(berlin, &tm, &guess), utc(2024, 10, 27, 0, 30, 0));
        tm = (struct tm) { .tm_year = 124, .tm_mon = 9, .tm_mday = 27, .tm_hour = 2, .tm_min = 30, .tm_isdst = 0 };
        CU_ASSERT_EQUAL(tz_mktime(berlin, &tm, &guess), utc(2024, 10, 27, 1, 30, 0));
        /* Out-of-range fields carry over. */
        tm = (struct tm) { .tm_year = 124, .tm_mon = 12, .tm_mday = 32, .tm_hour = 25, .tm_isdst = -1 };
        CU_ASSERT_EQUAL(tz_mktime(berlin, &tm, &guess), utc(2025, 2, 2, 0, 0, 0));
        CU_ASSERT_EQUAL(tm.tm_mon, 1);
        CU_ASSERT_EQUAL(tm.tm_mday, 2);
}

static void test_local_zone_is_read_again_after_a_change(void)
{
        const struct tz_zone *a, *b, *c;

        CU_ASSERT_EQUAL_FATAL(tz_zone_get(NULL, &a), 0);
        CU_ASSERT_EQUAL_FATAL(tz_zone_get(NULL, &b), 0);
        CU_ASSERT_PTR_EQUAL(a, b);
        tz_local_changed();
        CU_ASSERT_EQUAL_FATAL(tz_zone_get(NULL, &c), 0);
        CU_ASSERT_PTR_NOT_EQUAL(a, c);
        CU_ASSERT_EQUAL(tz_offset_at(a, 1711800000), tz_offset_at(c, 1711800000));
}

struct thread_arg {
        const char *spec;
        uint64_t want;
        int bad;
};

static void *next_in_thread(void *p)
{
        struct thread_arg *a = p;
        for (int i = 0; i < 200; i++) {
                struct calendar_spec *c = NULL;
                uint64_t next = 0;
                if (calendar_spec_parse(a->spec, &c) < 0 || calendar_spec_next_usec(c, T(1711800000), &next) < 0 ||
                    next != a->want)
                        a->bad++;
                calendar_spec_free(c);
        }
        return NULL;
}

static void test_threads_compute_in_different_zones_at_once(void)
{
        struct thread_arg args[] = {
                { "daily Europe/Berlin", T(utc(2024, 3, 30, 23, 0, 0)), 0 },
                { "daily America/New_York", T(utc(2024, 3, 31, 4, 0, 0)), 0 },
                { "daily Asia/Tokyo", T(utc(2024, 3, 30, 15, 0, 0)), 0 },
                { "daily UTC", T(utc(2024, 3, 31, 0, 0, 0)), 0 },
        };
        pthread_t t[ELEMENTSOF(args)];

        for (size_t i = 0; i < ELEMENTSOF(args); i++)
                CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, next_in_thread, &args[i]), 0);
        for (size_t i = 0; i < ELEMENTSOF(args); i++) {
                pthread_join(t[i], NULL);
                CU_ASSERT_EQUAL(args[i].bad, 0);
        }
}

static const struct test_case tests[] = {
        { "normalized_forms_match_systemd", test_normalized_forms_match_systemd },
        { "invalid_expressions_are_refused_like_systemd", test_invalid_expressions_are_refused_like_systemd },
        { "list_longer_than_systemd_allows_is_refused", test_list_longer_than_systemd_allows_is_refused },
        { "workdays_every_quarter_hour_in_berlin", test_workdays_every_quarter_hour_in_berlin },
        { "hour_skipped_by_spring_dst_is_skipped", test_hour_skipped_by_spring_dst_is_skipped },
        { "hour_repeated_by_autumn_dst_elapses_once", test_hour_repeated_by_autumn_dst_elapses_once },
        { "hourly_across_spring_dst_in_new_york", test_hourly_across_spring_dst_in_new_york },
        { "feb_29_waits_for_leap_years", test_feb_29_waits_for_leap_years },
        { "tilde_counts_from_the_end_of_the_month", test_tilde_counts_from_the_end_of_the_month },
        { "fractional_seconds", test_fractional_seconds },
        { "date_in_the_past_never_elapses", test_date_in_the_past_never_elapses },
        { "weekday_with_days_of_month", test_weekday_with_days_of_month },
        { "zone_reader_agrees_with_known_offsets", test_zone_reader_agrees_with_known_offsets },
        { "mktime_in_gaps_and_overlaps_follows_glibc", test_mktime_in_gaps_and_overlaps_follows_glibc },
        { "local_zone_is_read_again_after_a_change", test_local_zone_is_read_again_after_a_change },
        { "threads_compute_in_different_zones_at_once", test_threads_compute_in_different_zones_at_once },
        { 0 },
};
TEST_SUITE("calendar", tests);
