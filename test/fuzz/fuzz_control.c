/* libFuzzer target for the control protocol (sockets/control_proto.c): any
 * input must decode or fail with -EBADMSG (and a reason) without crashing or
 * leaking. What decodes, as a request or as a reply, must encode again
 * (unless the line grows past the limit), decode to the same message, and
 * encode to the same line. Seeds are in test/fuzz/corpus/control/. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "base/strv.h"
#include "sockets/control_proto.h"

/* A trap, not assert(), so NDEBUG cannot remove the checks. */
#define CHECK(x)                          \
        do {                              \
                if (!(x))                 \
                        __builtin_trap(); \
        } while (0)

static bool strv_equal(char *const *a, char *const *b)
{
        if (strv_length(a) != strv_length(b))
                return false;
        for (size_t i = 0; a && a[i]; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static bool request_equal(const struct control_request *a, const struct control_request *b)
{
        return a->version == b->version && streq_ptr(a->verb, b->verb) && strv_equal(a->units, b->units) &&
               a->no_block == b->no_block && a->signal == b->signal && strv_equal(a->properties, b->properties) &&
               a->all == b->all && streq_ptr(a->state, b->state) && a->exit_code == b->exit_code &&
               a->lines == b->lines;
}

static bool reply_equal(const struct control_reply *a, const struct control_reply *b)
{
        if (a->version != b->version || a->code != b->code || !streq_ptr(a->error, b->error) ||
            !streq_ptr(a->text, b->text) || a->n_units != b->n_units)
                return false;
        for (size_t i = 0; i < a->n_units; i++)
                if (!strv_equal(a->units[i].keys, b->units[i].keys) ||
                    !strv_equal(a->units[i].values, b->units[i].values))
                        return false;
        return true;
}

/* The outcome of a decode: 0, or -EBADMSG with a reason, or -ENOMEM. */
static void check_result(int r, char *error)
{
        CHECK(r == 0 || r == -EBADMSG || r == -ENOMEM);
        CHECK((r == -EBADMSG) == (error != NULL));
        CHECK(!error || strncmp(error, "line ", 5) == 0);
        free(error);
}

/* The encoder may refuse only a line that grew past the limit (escaping,
 * defaults written out); anything else means the two sides disagree. */
static bool encoded(int r)
{
        CHECK(r == 0 || r == -EMSGSIZE || r == -ENOMEM);
        return r == 0;
}

static void fuzz_request(const char *data, size_t size)
{
        struct control_request a, b;
        char *error = NULL, *line = NULL, *again = NULL;
        size_t len, len2;

        int r = control_request_decode(data, size, &a, &error);
        check_result(r, error);
        if (r < 0)
                return;
        CHECK(a.version >= 1 && a.verb);
        if (!encoded(control_request_encode(&a, &line, &len)))
                goto out;
        CHECK(len > 0 && line[len - 1] == '\n' && memchr(line, '\n', len) == line + len - 1);
        r = control_request_decode(line, len, &b, &error);
        CHECK(r == 0 || r == -ENOMEM);
        if (r < 0)
                goto out;
        CHECK(request_equal(&a, &b));
        if (encoded(control_request_encode(&b, &again, &len2)))
                CHECK(len2 == len && memcmp(line, again, len) == 0);
        control_request_done(&b);
out:
        free(line);
        free(again);
        control_request_done(&a);
}

static void fuzz_reply(const char *data, size_t size)
{
        struct control_reply a, b;
        char *error = NULL, *line = NULL, *again = NULL;
        size_t len, len2;

        int r = control_reply_decode(data, size, &a, &error);
        check_result(r, error);
        if (r < 0)
                return;
        CHECK(a.version >= 1);
        if (!encoded(control_reply_encode(&a, &line, &len)))
                goto out;
        CHECK(len > 0 && line[len - 1] == '\n' && memchr(line, '\n', len) == line + len - 1);
        r = control_reply_decode(line, len, &b, &error);
        CHECK(r == 0 || r == -ENOMEM);
        if (r < 0)
                goto out;
        CHECK(reply_equal(&a, &b));
        if (encoded(control_reply_encode(&b, &again, &len2)))
                CHECK(len2 == len && memcmp(line, again, len) == 0);
        control_reply_done(&b);
out:
        free(line);
        free(again);
        control_reply_done(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        fuzz_request((const char *) data, size);
        fuzz_reply((const char *) data, size);
        return 0;
}
