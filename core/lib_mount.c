/* libmount.so.1, loaded at first use: see core/lib_mount.h. */
#define LIB_NO_REDIRECT
#include "core/lib_mount.h"

#include "base/dlib.h"
#include "base/macro.h"

struct mount_lib mount_lib;

#define LIB_NAME(f) #f,
static const char *const names[] = { MOUNT_LIB_SYMBOLS(LIB_NAME) };
_Static_assert(sizeof(struct mount_lib) == ELEMENTSOF(names) * sizeof(void *), "one pointer per name");

static struct dlib lib = {
        .soname = "libmount.so.1",
        .what = "mount and swap units are not matched to the kernel's tables",
        .names = names,
        .n = ELEMENTSOF(names),
        .table = (void **) &mount_lib,
};

int mount_lib_load(void)
{
        return dlib_load(&lib);
}
