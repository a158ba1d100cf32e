/* libFuzzer target for the unit-file lexer (parse/lex.h): the input is one
 * unit file, lexed with a callback that accepts every assignment. ASan and
 * UBSan catch overruns and leaks in line splitting, continuation joining
 * and the UTF-8 check. Seeds: test/fuzz/corpus/lex/. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/log.h"
#include "parse/lex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int accept_assignment(void *userdata, const char *file, unsigned line, const char *section,
                             const char *key, const char *value)
{
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static FILE *devnull;

        /* Most inputs are broken files; their diagnostics are not news. */
        if (!devnull) {
                log_set_level(LOG_LEVEL_ERROR);
                devnull = fopen("/dev/null", "w");
                log_set_sink(devnull);
        }
        (void) lex_parse_buffer("fuzz.service", (const char *) data, size, accept_assignment, NULL);
        return 0;
}
