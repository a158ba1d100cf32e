/* The directive table: one row per (section, key) of the unit-file settings
 * weft understands, with its value parser and destination, plus the names of
 * the systemd directives weft accepts but does not implement (they are
 * ignored with a debug message, never an "unknown key" warning).
 * Used by the loader (parse/load.c). */
#pragma once
#include "parse/unit.h"

struct load_context;

/* Where an assignment comes from, for diagnostics and specifiers. */
struct directive_ctx {
        struct load_context *load;
        struct unit *unit;
        const char *file;
        unsigned line;
        const char *section;
        const char *key;
};

/* Apply one assignment to ctx->unit. Unknown keys and bad values are
 * warnings ("…, ignoring"), counted in the load context; a negative errno
 * means the unit cannot be loaded (already logged). */
int directive_apply(const struct directive_ctx *ctx, const char *value);

/* Is section a section this unit's type may have ("Unit", "Install", and
 * "Service" / "Socket" for those types)? */
int directive_section_known(enum unit_type type, const char *section);
