/* libFuzzer target for weft's YAML configuration: any input must either
 * load or fail with a negative errno, without crashing, leaking or touching
 * the configuration on failure. Seeds are in test/fuzz/corpus/config/. */
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "parse/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct weft_config c;
        static int quiet;

        if (!quiet) {
                /* Every bad input logs one error line; keep only those. */
                log_set_level(LOG_LEVEL_ERROR);
                quiet = 1;
        }
        if (config_init(&c) < 0)
                return 0;
        int r = config_load_string(&c, "fuzz.yaml", (const char *) data, size);
        /* Whatever happened, the result keeps the documented invariants
         * (a trap, not assert(), so NDEBUG cannot remove the checks). */
        if (r > 0 || !c.unit_paths || !c.unit_paths[0] || !c.default_target || !c.runtime_dir ||
            c.workers < 1 || c.workers > 1024)
                __builtin_trap();
        config_done(&c);
        return 0;
}
