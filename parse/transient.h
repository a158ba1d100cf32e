/* A transient unit's file, from the properties StartTransientUnit sends
 * (systemd-run): each property the table knows becomes one directive of
 * [Unit] or the type's section ([Service], [Scope]), its value escaped
 * so that the file reads back as the same value (quotes and backslashes in words, "%%" for specifiers,
 * "$$" in command lines). A value no escape can keep on its line (a control
 * character such as a newline, a trailing backslash) is refused, never
 * written: the file must hold exactly the directives the table allows.
 * Pure text; the bus thread reads the D-Bus values (core/bus_transient.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A property's D-Bus type, and how its value is written. */
enum transient_kind {
        TRANSIENT_STRING, /* s */
        TRANSIENT_BOOL,   /* b: yes/no */
        TRANSIENT_WORDS,  /* as: one directive, each string a quoted word (Environment=) */
        TRANSIENT_EXEC,   /* a(sasb): one directive per command */
        TRANSIENT_USEC,   /* t: a time span in µs */
        TRANSIENT_NONE,   /* b, not written: AddRef, which struct transient_unit keeps */
        TRANSIENT_FD,     /* h, not written: systemd-run --pipe's stdin, stdout or stderr (the
                             directive names which), which struct transient_unit keeps */
        TRANSIENT_PIDS,   /* au, not written: a scope's processes, which struct transient_unit keeps */
        TRANSIENT_COUNT,  /* t: a number, UINT64_MAX "infinity" (TasksMax=) */
};

/* Which unit types a property is for (weft makes services and scopes). */
enum transient_for { TRANSIENT_FOR_BOTH, TRANSIENT_FOR_SERVICE, TRANSIENT_FOR_SCOPE };

/* TRANSIENT_SERVICE is the type's own section: [Service] or [Scope]. */
enum transient_section { TRANSIENT_UNIT, TRANSIENT_SERVICE, TRANSIENT_SECTIONS };

struct transient_property {
        const char *name;      /* the D-Bus property */
        enum transient_section section;
        const char *directive;
        enum transient_kind kind;
        bool specifiers;       /* weft expands %-specifiers in the directive: write "%%" */
        enum transient_for for_type;
};

/* One command of ExecStart's a(sasb): path, argv, ignore failure ("-"). */
struct transient_exec {
        const char *path;
        char *const *argv;
        bool ignore_failure;
};

/* A value as read off the bus; the member the kind names is used. */
struct transient_value {
        const char *s;
        bool b;
        int fd;            /* TRANSIENT_FD: the caller's own copy, which t takes */
        char *const *words;
        uint64_t usec;         /* TRANSIENT_USEC, TRANSIENT_COUNT */
        const uint32_t *pids;  /* TRANSIENT_PIDS */
        size_t n_pids;
        const struct transient_exec *exec;
        size_t n_exec;
};

/* The lines of each section so far. Zero it to start. */
struct transient_unit {
        bool scope;   /* set by the caller first: a scope's file, not a service's */
        char **lines[TRANSIENT_SECTIONS];
        bool add_ref; /* AddRef=yes: the caller holds the unit (core/bus_track.c) */
        /* The fds the commands get as 0, 1 and 2 instead of what
         * StandardInput=... say (systemd-run --pipe): fd i is there when
         * bit i of stdio_given is; transient_unit_done closes them. */
        int stdio_fds[3];
        unsigned stdio_given;
        uint32_t *pids; /* a scope's PIDs, all given */
        size_t n_pids;
};

/* The D-Bus signature of a kind's values ("s", "a(sasb)"...). */
const char *transient_signature(enum transient_kind kind);
/* The table's row for name in a service's (or a scope's) properties, or
 * -ENOENT and *ret_error set to systemd's "Cannot set property NAME, or
 * unknown property." (malloc'd). */
int transient_lookup(const char *name, bool scope, const struct transient_property **ret, char **ret_error);
/* Add p's directive with value v: 0, -EINVAL with *ret_error (malloc'd)
 * for a value that cannot be written, or -ENOMEM. */
int transient_add(struct transient_unit *t, const struct transient_property *p, const struct transient_value *v,
                  char **ret_error);
/* The unit file's text (malloc'd): a comment, then [Unit] and [Service] (or [Scope]). */
int transient_text(const struct transient_unit *t, char **ret);
void transient_unit_done(struct transient_unit *t);
