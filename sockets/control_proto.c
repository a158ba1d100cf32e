/* The control protocol's messages (see control_proto.h): the key tables
 * that encoding (control_encode.c) and decoding (control_decode.c) walk,
 * and the lifetime and reply-building helpers. The control socket server
 * and weftctl call it; it keeps no state and logs nothing. */
#include "sockets/control_proto.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/fds.h"
#include "base/macro.h"
#include "base/strv.h"
#include "sockets/control_proto_internal.h"

/* Requests come from any local client: bounded. Replies come from weft,
 * which weftctl trusts, and grow with the manager (list-units --all of
 * every unit, show of a unit with thousands of drop-ins): unbounded. */
const struct control_limits control_request_limits = {
        .message = CONTROL_MESSAGE_MAX,
        .string = CONTROL_STRING_MAX,
        .list = CONTROL_LIST_MAX,
};
const struct control_limits control_reply_limits = {
        .message = SIZE_MAX,
        .string = SIZE_MAX,
        .list = SIZE_MAX,
        .lossy = true, /* a unit's text is not weft's to refuse */
};

#define REQ(f) offsetof(struct control_request, f)
#define REP(f) offsetof(struct control_reply, f)

static const struct field request_options[] = {
        { "no_block", FIELD_BOOL, REQ(no_block), false, NULL },
        { "signal", FIELD_INT, REQ(signal), false, NULL },
        { "kill_whom", FIELD_STRING, REQ(kill_whom), false, NULL },
        { "properties", FIELD_STRV, REQ(properties), false, NULL },
        { "all", FIELD_BOOL, REQ(all), false, NULL },
        { "state", FIELD_STRING, REQ(state), false, NULL },
        { "exit_code", FIELD_INT, REQ(exit_code), false, NULL },
        { "lines", FIELD_UNSIGNED, REQ(lines), false, NULL },
        { 0 },
};

const struct field control_request_fields[] = {
        { "version", FIELD_VERSION, REQ(version), true, NULL },
        { "verb", FIELD_STRING, REQ(verb), true, NULL },
        { "units", FIELD_STRV, REQ(units), false, NULL },
        { "options", FIELD_MAPPING, 0, false, request_options },
        { 0 },
};

const struct field control_reply_fields[] = {
        { "version", FIELD_VERSION, REP(version), true, NULL },
        { "code", FIELD_INT, REP(code), true, NULL },
        { "error", FIELD_STRING, REP(error), false, NULL },
        { "units", FIELD_UNITS, 0, false, NULL },
        { "text", FIELD_TEXT, REP(text), false, NULL },
        { 0 },
};

/* ---- lifetime and helpers ---- */

void control_request_done(struct control_request *r)
{
        freep_clear(&r->verb);
        strv_free(r->units);
        r->units = NULL;
        strv_free(r->properties);
        r->properties = NULL;
        freep_clear(&r->state);
        freep_clear(&r->kill_whom);
        if (r->stdio_fds)
                fds_close(r->stdio_fds, 3);
        free(r->stdio_fds);
        r->stdio_fds = NULL;
        free(r->pids);
        r->pids = NULL;
        r->n_pids = 0;
}

void control_reply_done(struct control_reply *r)
{
        for (size_t i = 0; i < r->n_units; i++) {
                if (r->units[i].static_keys || r->units[i].borrowed)
                        free(r->units[i].keys);
                else
                        strv_free(r->units[i].keys);
                if (r->units[i].borrowed)
                        free(r->units[i].values);
                else
                        strv_free(r->units[i].values);
        }
        freep_clear(&r->units);
        r->n_units = 0;
        freep_clear(&r->error);
        freep_clear(&r->text);
}

int control_unit_add(struct control_unit *u, const char *key, const char *value)
{
        if (!u->cap && u->keys) /* filled by the decoder: count what is there */
                u->n = u->cap = strv_length(u->keys);
        if (u->n + 1 >= u->cap) {
                size_t cap = u->cap ? u->cap * 2 : 8;
                char **k = realloc(u->keys, cap * sizeof *k);
                if (!k)
                        return -ENOMEM;
                u->keys = k;
                char **v = realloc(u->values, cap * sizeof *v);
                if (!v)
                        return -ENOMEM;
                u->values = v;
                u->cap = cap;
        }
        char *k = u->static_keys || u->borrowed ? (char *) key : strdup(key);
        char *v = u->borrowed ? (char *) value : strdup(value);
        if (!k || !v) {
                if (!u->static_keys && !u->borrowed)
                        free(k);
                if (!u->borrowed)
                        free(v);
                return -ENOMEM;
        }
        u->keys[u->n] = k;
        u->values[u->n] = v;
        u->n++;
        u->keys[u->n] = NULL;
        u->values[u->n] = NULL;
        return 0;
}

struct control_unit *control_reply_add_unit(struct control_reply *r)
{
        size_t n = r->n_units;

        /* The capacity is n rounded up to a power of two: grow at each one. */
        if ((n & (n - 1)) == 0) {
                size_t cap = n ? 2 * n : 1;
                struct control_unit *u = realloc(r->units, cap * sizeof *u);
                if (!u)
                        return NULL;
                r->units = u;
        }
        r->units[n] = (struct control_unit) { 0 };
        r->n_units = n + 1;
        return &r->units[n];
}

const char *control_unit_get(const struct control_unit *u, const char *key)
{
        for (size_t i = 0; u->keys && u->keys[i]; i++)
                if (strcmp(u->keys[i], key) == 0)
                        return u->values[i];
        return NULL;
}
