/* libsystemd.so.0, loaded at first use: see core/lib_bus.h. */
#define LIB_NO_REDIRECT
#include "core/lib_bus.h"

#include "base/dlib.h"
#include "base/macro.h"

struct bus_lib bus_lib;

/* SD_BUS_VTABLE_START() points at this variable of libsystemd's, which
 * sd-bus only checks is there (a vtable of the 242 format or later). With
 * the library loaded at run time the static vtables point at weft's. */
const unsigned sd_bus_object_vtable_format = 242;

#define LIB_NAME(f) #f,
static const char *const names[] = { BUS_LIB_SYMBOLS(LIB_NAME) };
_Static_assert(sizeof(struct bus_lib) == ELEMENTSOF(names) * sizeof(void *), "one pointer per name");

static struct dlib lib = {
        .soname = "libsystemd.so.0",
        .what = "running without D-Bus",
        .names = names,
        .n = ELEMENTSOF(names),
        .table = (void **) &bus_lib,
};

int bus_lib_load(void)
{
        return dlib_load(&lib);
}
