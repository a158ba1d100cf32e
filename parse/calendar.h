/* Calendar events (systemd.time(7), "Calendar Events"): what OnCalendar=
 * and `weftctl analyze calendar` parse, normalize and step through.
 * Times are CLOCK_REALTIME microseconds. A spec without a time zone is in
 * the local zone of the process (TZ, /etc/localtime); one naming a zone
 * ("Europe/Berlin", "UTC") is in that zone. Thread-safe: nothing here
 * sets TZ or other process-wide state, so the daemon's threads may call it. */
#pragma once
#include <stdint.h>

struct calendar_spec;

/* Parse s: 0 and *ret, -EINVAL when s is not a calendar event (the
 * verdict systemd-analyze gives), -ENOMEM. */
int calendar_spec_parse(const char *s, struct calendar_spec **ret);
/* The same, but failing with systemd's own error for the message
 * systemd-analyze prints (": Invalid argument", ": Numerical result out of
 * range" for a zero repetition or a number too large, ": No buffer space
 * available" for a list of more than 240 items). */
int calendar_spec_parse_errno(const char *s, struct calendar_spec **ret);
void calendar_spec_free(struct calendar_spec *c);

/* The normalized form, as systemd-analyze prints it after
 * "Normalized form: ": 0 and a malloc'd string, or -ENOMEM. */
int calendar_spec_to_string(const struct calendar_spec *c, char **ret);

/* The first elapse strictly after after_usec: 0 and *ret, -ENOENT when
 * there is none (e.g. a date in the past), -EINVAL for an unusable zone. */
int calendar_spec_next_usec(const struct calendar_spec *c, uint64_t after_usec, uint64_t *ret);
/* (calendar_spec_next_usec also fails with -EDEADLK when systemd's search
 * would give up, which `systemd-analyze calendar` reports as an error.) */
