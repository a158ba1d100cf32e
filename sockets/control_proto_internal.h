/* What the control protocol's files share (sockets/control_*.c only): the
 * tables both directions walk, one row per key with its type and the field
 * of struct control_request or struct control_reply it fills. The tables
 * are in control_proto.c, the encoder in control_encode.c, the decoder in
 * control_decode.c. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "sockets/control_proto.h"

enum field_kind {
        FIELD_VERSION,  /* unsigned, >= 1 */
        FIELD_INT,
        FIELD_UNSIGNED,
        FIELD_BOOL,
        FIELD_STRING,   /* char *, at most limits.string bytes */
        FIELD_TEXT,     /* char *, bounded by the message only */
        FIELD_STRV,     /* char **, strings */
        FIELD_UNITS,    /* the units of struct control_reply */
        FIELD_MAPPING,  /* a nested table, in the same struct */
};

struct field {
        const char *key;
        enum field_kind kind;
        size_t offset;
        bool required;
        const struct field *sub;        /* FIELD_MAPPING */
};

/* What one direction allows; see control_proto.h. */
struct control_limits {
        size_t message; /* bytes of the line, newline included */
        size_t string;  /* bytes of one decoded string (not "text") */
        size_t list;    /* elements of one list */
        bool lossy;     /* encoding: invalid UTF-8 becomes U+FFFD instead of -EINVAL */
};

extern const struct control_limits control_request_limits;
extern const struct control_limits control_reply_limits;

extern const struct field control_request_fields[];
extern const struct field control_reply_fields[];

#define AT(base, type, off) ((type *) ((char *) (base) + (off)))
