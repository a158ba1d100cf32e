/* TEMPORARY, until the calendar parser (branch h-calendar, parse/calendar.c)
 * is merged: every calendar expression is refused, so OnCalendar= fails the
 * timer's load instead of the link failing. Deleted by that merge. */
#include <errno.h>

#include "parse/calendar.h"

int calendar_spec_parse(const char *s, struct calendar_spec **ret)
{
        return -EINVAL;
}

void calendar_spec_free(struct calendar_spec *c)
{
}

int calendar_spec_to_string(const struct calendar_spec *c, char **ret)
{
        return -ENOMEM;
}

int calendar_spec_next_usec(const struct calendar_spec *c, uint64_t after_usec, uint64_t *ret)
{
        return -ENOENT;
}
