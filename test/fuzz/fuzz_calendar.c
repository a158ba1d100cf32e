/* libFuzzer target for calendar events (parse/calendar.h). The input, as a
 * NUL-terminated string, is parsed; what parses is normalized, and the
 * normalized form must parse again to the same normalized form (systemd's
 * own fixed point); each next elapse must come strictly after the time it
 * was asked for. Seeds: test/fuzz/corpus/calendar/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A few fixed moments, around DST changes and a leap day (µs). */
static const uint64_t bases[] = {
        1709164799000000ULL, /* 2024-02-28 23:59:59 UTC */
        1711846800000000ULL, /* 2024-03-31 01:00:00 UTC, Berlin's spring change */
        1729990800000000ULL, /* 2024-10-27 01:00:00 UTC, Berlin's autumn change */
        1730613600500000ULL, /* 2024-11-03 06:00:00.5 UTC, New York's autumn change */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct calendar_spec *c = NULL, *again = NULL;
        char *s, *norm = NULL, *norm2 = NULL;

        if (size > 1024)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = 0;
        if (calendar_spec_parse(s, &c) < 0)
                goto out;
        if (calendar_spec_to_string(c, &norm) < 0)
                goto out;
        if (calendar_spec_parse(norm, &again) < 0 || calendar_spec_to_string(again, &norm2) < 0 ||
            strcmp(norm, norm2) != 0)
                abort();
        for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
                uint64_t t = bases[i], next;
                for (int n = 0; n < 4 && calendar_spec_next_usec(c, t, &next) == 0; n++) {
                        if (next <= t)
                                abort();
                        t = next;
                }
        }
out:
        calendar_spec_free(c);
        calendar_spec_free(again);
        free(norm);
        free(norm2);
        free(s);
        return 0;
}
