/* Loading sd-bus at the first connection: see core/bus_lib.h. */
#define BUS_LIB_NO_REDIRECT
#include "core/bus_lib.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "base/log.h"

#define BUS_LIB_SONAME "libsystemd.so.0"

struct bus_lib bus_lib;

/* SD_BUS_VTABLE_START() points at this variable of libsystemd's, which
 * sd-bus only checks is there (a vtable of the 242 format or later). With
 * the library loaded at run time the static vtables point at weft's. */
const unsigned sd_bus_object_vtable_format = 242;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int load_result;

static void load(void)
{
        /* RTLD_NOW: a missing symbol shows here, once, not as a crash in
         * the middle of a call. Never unloaded: weft keeps its bus. */
        void *dl = dlopen(BUS_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
                log_warning("bus: cannot load %s (%s); running without D-Bus", BUS_LIB_SONAME, dlerror());
                load_result = -ENOENT;
                return;
        }
#define BUS_LIB_LOAD(name)                                                                                   \
        if (load_result == 0 && !(*(void **) &bus_lib.name = dlsym(dl, #name))) {                          \
                log_warning("bus: %s has no %s; running without D-Bus", BUS_LIB_SONAME, #name);             \
                load_result = -ENOENT;                                                                       \
        }
        BUS_LIB_SYMBOLS(BUS_LIB_LOAD)
#undef BUS_LIB_LOAD
}

int bus_lib_load(void)
{
        (void) pthread_once(&once, load);
        return load_result;
}
