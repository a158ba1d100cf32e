/* Optional libraries loaded at first use (dlopen), as systemd loads its
 * own: weft maps a library only when a feature needs it, so a weft that
 * needs none (a container's `weft -- CMD` above all) pays neither its
 * memory nor its start-up, and a missing library costs that one feature,
 * said once, not the boot.
 *
 * A library's table is a struct of function pointers (core/lib_*.h), the
 * names listed in the same order. */
#pragma once
#include <stddef.h>

struct dlib {
        const char *soname;       /* "libmount.so.1" */
        const char *what;         /* what is missing without it, for the one log line */
        const char *const *names; /* the symbols, in the table's order */
        size_t n;
        void **table;             /* n function pointers */
        int state;                /* 0: not tried; 1: loaded; < 0: failed */
};

/* Load l once (the first call does the work): 0, or -ENOENT with one
 * warning naming the library, the reason and what goes without. Each
 * library has one thread that uses it (its header says which), so no
 * lock is held while dlopen reads files. */
int dlib_load(struct dlib *l);
