/* Prints "<usec> <formatted>" for each argument parsed with weft's
 * parse_timespan() (bare numbers in seconds) and rendered with
 * format_timespan(), or "error" when it does not parse. Used by
 * test/integration/timespan-oracle.sh to compare with systemd-analyze. */
#include <inttypes.h>
#include <stdio.h>

#include "parse/value.h"

int main(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                char buf[128];
                uint64_t usec;

                if (parse_timespan(argv[i], USEC_PER_SEC, &usec) < 0)
                        puts("error");
                else
                        printf("%" PRIu64 " %s\n", usec, format_timespan(buf, sizeof buf, usec));
        }
        return 0;
}
