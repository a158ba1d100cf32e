/* Loading optional libraries: see base/dlib.h. */
#include "base/dlib.h"

#include <dlfcn.h>
#include <errno.h>

#include "base/log.h"

static int load(struct dlib *l)
{
        /* RTLD_NOW: a missing symbol shows here, once, not as a crash in
         * the middle of a call. Never unloaded: what weft loads it keeps. */
        void *dl = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
                log_warning("cannot load %s (%s): %s", l->soname, dlerror(), l->what);
                return -ENOENT;
        }
        for (size_t i = 0; i < l->n; i++)
                if (!(l->table[i] = dlsym(dl, l->names[i]))) {
                        log_warning("%s has no %s: %s", l->soname, l->names[i], l->what);
                        return -ENOENT;
                }
        return 1;
}

int dlib_load(struct dlib *l)
{
        if (l->state == 0)
                l->state = load(l);
        return l->state < 0 ? l->state : 0;
}
