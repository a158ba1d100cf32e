/* libyaml-0.so.2, loaded at first use: see parse/lib_yaml.h. */
#define LIB_NO_REDIRECT
#include "parse/lib_yaml.h"

#include <pthread.h>

#include "base/dlib.h"
#include "base/macro.h"

struct yaml_lib yaml_lib;

#define LIB_NAME(f) #f,
static const char *const names[] = { YAML_LIB_SYMBOLS(LIB_NAME) };
_Static_assert(sizeof(struct yaml_lib) == ELEMENTSOF(names) * sizeof(void *), "one pointer per name");

static struct dlib lib = {
        .soname = YAML_LIB_SONAME,
        .what = "weft.yaml, control requests and boot records cannot be read",
        .names = names,
        .n = ELEMENTSOF(names),
        .table = (void **) &yaml_lib,
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int result;

static void load(void)
{
        result = dlib_load(&lib);
}

int yaml_lib_load(void)
{
        (void) pthread_once(&once, load);
        return result;
}
