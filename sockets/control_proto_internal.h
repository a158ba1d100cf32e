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
        FIELD_STRING,   /* char *, at most CONTROL_STRING_MAX bytes */
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

extern const struct field control_request_fields[];
extern const struct field control_reply_fields[];

#define AT(base, type, off) ((type *) ((char *) (base) + (off)))
