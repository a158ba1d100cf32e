/* The parsed form of a calendar event, shared by parse/calendar.c (parse
 * and format) and parse/calendar_next.c (next elapse). The model is
 * systemd's: per field a list of items "start[..stop][/repeat]", an empty
 * list being "*"; seconds are kept in µs so fractions fit. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define CAL_WEEKDAYS_ALL 127
#define CAL_MIN_YEAR 1970
#define CAL_MAX_YEAR 2199
/* systemd refuses lists longer than this (-ENOBUFS). */
#define CAL_ITEMS_MAX 240

struct cal_item {
        int start;
        int stop;   /* -1: no range */
        int repeat; /* 0: no repetition */
};

struct cal_list {
        struct cal_item *items; /* NULL: "*" */
        size_t n;
};

enum { CAL_YEAR, CAL_MONTH, CAL_DAY, CAL_HOUR, CAL_MINUTE, CAL_USEC, CAL_FIELDS };

struct calendar_spec {
        int weekdays;      /* bit 0 Monday .. bit 6 Sunday; -1: any */
        bool end_of_month; /* the day list counts from the month's end ("~") */
        bool utc;
        int dst;           /* -1, or 0/1 when the local zone's standard/daylight name was given */
        char *timezone;    /* a zone name, or NULL for the local zone */
        struct cal_list f[CAL_FIELDS];
};
