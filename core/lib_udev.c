/* libudev.so.1, loaded at first use: see core/lib_udev.h. */
#define LIB_NO_REDIRECT
#include "core/lib_udev.h"

#include "base/dlib.h"
#include "base/macro.h"

struct udev_lib udev_lib;

#define LIB_NAME(f) #f,
static const char *const names[] = { UDEV_LIB_SYMBOLS(LIB_NAME) };
_Static_assert(sizeof(struct udev_lib) == ELEMENTSOF(names) * sizeof(void *), "one pointer per name");

static struct dlib lib = {
        .soname = "libudev.so.1",
        .what = "devices are what exists in /dev",
        .names = names,
        .n = ELEMENTSOF(names),
        .table = (void **) &udev_lib,
};

int udev_lib_load(void)
{
        return dlib_load(&lib);
}
