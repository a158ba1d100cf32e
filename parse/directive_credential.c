/* LoadCredential= and SetCredential= (systemd.exec(5) "Credentials"); see
 * directive_parsers.h. Both keep one "ID:..." string per credential:
 * LoadCredential= "ID:SOURCE" (SOURCE an absolute path, or the name of a
 * system credential, ID itself when the value names none), SetCredential=
 * "ID:DATA" with DATA's C escapes already decoded. A later assignment of
 * an ID replaces the earlier one; an empty value resets the list. The
 * credentials are written at start by workers/exec_credentials.c. */
#include "parse/directive_parsers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/load.h"
#include "parse/word.h"

/* systemd's credential_name_valid: a file name (no "/", not "." or "..",
 * at most NAME_MAX bytes) that is also a valid fd name (printable ASCII,
 * no ":"), since credentials are also passed around by name. */
bool credential_name_valid(const char *s, size_t n)
{
        if (n == 0 || n > NAME_MAX || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] >= 127)
                        return false;
        return true;
}

static int warn_credential(const struct directive_ctx *ctx, const char *what, const char *value)
{
        ctx->load->n_warnings++;
        log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line, "%s= %s, ignoring: %s", ctx->key, what, value);
        return 0;
}

/* Put "ID:rest" (consumed) into *l, replacing an earlier item with the
 * same ID in place, through the load context's index of the IDs, so a
 * unit with 100,000 credentials loads in linear time. */
static int credential_put(const struct directive_ctx *ctx, char ***l, char *item)
{
        struct env_builder *b;
        int r = load_keyed_list(&ctx->load->cred, l, ':', &b);
        if (r < 0) {
                free(item);
                return r;
        }
        r = env_builder_put(b, item);
        *l = b->v;
        return r;
}

/* An empty value resets the list. */
static int credential_reset(const struct directive_ctx *ctx, char ***l)
{
        if (ctx->load->cred.dest == l)
                load_keyed_list_drop(&ctx->load->cred);
        strv_free(*l);
        *l = NULL;
        return 0;
}

int directive_parse_load_credential(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char ***l = dest, *item = NULL;
        size_t n = strcspn(value, ":");
        const char *src = value[n] == ':' ? value + n + 1 : "";

        if (!*value)
                return credential_reset(ctx, l);
        if (!credential_name_valid(value, n))
                return warn_credential(ctx, "credential name is not valid", value);
        /* No source: the system credential of the same name. */
        if (!*src)
                src = NULL;
        else if (src[0] != '/' && !credential_name_valid(src, strlen(src)))
                return warn_credential(ctx, "source is neither an absolute path nor a credential name", value);
        else if (src[0] == '/' && strlen(src) >= PATH_MAX)
                return warn_credential(ctx, "source path is too long", value);
        if (asprintf(&item, "%.*s:%.*s", (int) n, value, src ? (int) strlen(src) : (int) n, src ? src : value) < 0)
                return -ENOMEM;
        return credential_put(ctx, l, item);
}

int directive_parse_set_credential(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        char ***l = dest, *data = NULL, *item = NULL;
        size_t n = strcspn(value, ":");
        int r;

        if (!*value)
                return credential_reset(ctx, l);
        if (!credential_name_valid(value, n))
                return warn_credential(ctx, "credential name is not valid", value);
        if (value[n] != ':')
                return warn_credential(ctx, "has no ':' before the data", value);
        r = word_cunescape(value + n + 1, strlen(value + n + 1), &data);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return warn_credential(ctx, "data has a bad escape (or a NUL byte)", value);
        r = asprintf(&item, "%.*s:%s", (int) n, value, data);
        free(data);
        if (r < 0)
                return -ENOMEM;
        return credential_put(ctx, l, item);
}
