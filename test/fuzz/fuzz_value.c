/* libFuzzer target for the value parsers (parse/value.h) and listen
 * addresses (parse/listen.h): the input, as a NUL-terminated string, goes
 * to every parser; whatever parses is formatted again, and everything is
 * freed, so ASan sees leaks and overruns. Seeds: test/fuzz/corpus/value/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "parse/listen.h"
#include "parse/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_value_parsers(const char *s)
{
        char buf[128];
        uint64_t u64;
        unsigned u;
        mode_t mode;
        int i;

        (void) parse_boolean(s);
        if (parse_timespan(s, USEC_PER_SEC, &u64) == 0)
                format_timespan(buf, sizeof buf, u64);
        if (parse_timespan(s, 1, &u64) == 0)
                format_timespan(buf, 2, u64);
        (void) parse_unsigned(s, &u);
        (void) parse_uint64(s, &u64);
        (void) parse_int(s, &i);
        (void) parse_mode(s, &mode);
        if (parse_size(s, &u64) == 0)
                format_timespan(buf, sizeof buf, u64);

        i = signal_from_string(s);
        if (i > 0 && signal_from_string(signal_to_string(i)) != i)
                abort(); /* the two directions must agree */

        struct exit_status_set set = { 0 };
        char *bad = NULL;
        (void) exit_status_set_parse(&set, s, &bad);
        free(bad);
        free(exit_status_set_format(&set));

        for (int res = -1; res <= RLIMIT_NLIMITS; res++) {
                struct rlimit rl;
                if (parse_rlimit(res, s, &rl) == 0 && rl.rlim_cur > rl.rlim_max)
                        abort();
        }
}

static void fuzz_listen(const char *s)
{
        for (int k = 0; k < _LISTEN_KIND_MAX; k++) {
                struct listen_spec *l = NULL;
                char *err = NULL;

                if (listen_spec_parse(k, s, &l, &err) == 0) {
                        free(listen_spec_format_show(l));
                        listen_spec_free_list(l);
                }
                free(err);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s;

        if (size > 4096)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = 0;
        fuzz_value_parsers(s);
        fuzz_listen(s);
        free(s);
        return 0;
}
