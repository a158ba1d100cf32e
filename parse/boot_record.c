/* Writes boot.yaml; see boot_record.h. Called by the scheduler thread when
 * the default target is reached. The file is written (by hand: put_record)
 * into a temporary file in the same folder, synced, and renamed over the old one,
 * so a reader sees either the old record or the whole new one. */
#include "parse/boot_record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"

/* One UTF-8 sequence at s (at least one byte left): its length, or 0
 * when it is not valid UTF-8 (overlong, a surrogate, past U+10FFFF). */
static size_t utf8_length(const unsigned char *s)
{
        unsigned c = s[0], n, cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                n = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
                n = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
                n = 4, cp = c & 0x07;
        else
                return 0;
        for (unsigned i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0; /* also stops at the terminating NUL */
                cp = cp << 6 | (s[i] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return n;
}

static bool alnum(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A unit name, type or state as it usually is: letters and digits first,
 * then those and ._@-\ only. Plain in YAML (no quotes), as libyaml's
 * emitter wrote them and as scripts read the record (test/integration/
 * analyze.sh reads it with awk). A loop, not strspn(): glibc's strspn
 * builds a table of its accept set on every call, and this runs for every
 * string of every unit. */
static bool plain_safe(const char *s)
{
        const unsigned char *p = (const unsigned char *) s;
        if (!alnum(*p))
                return false;
        for (; *p; p++)
                if (!alnum(*p) && *p != '.' && *p != '_' && *p != '@' && *p != '-' && *p != '\\')
                        return false;
        return true;
}

/* Anything else double-quoted, so that no string reads as YAML syntax:
 * '"' and '\' escaped, control characters as \xHH, UTF-8 as it is. YAML
 * text must be UTF-8: a string that is not is refused (-EINVAL), as
 * libyaml's emitter refused it. */
static int put_string(FILE *f, const char *s)
{
        const unsigned char *p = (const unsigned char *) s;

        if (plain_safe(s)) {
                fputs(s, f);
                return 0;
        }
        fputc('"', f);
        while (*p) {
                size_t n = utf8_length(p);
                if (n == 0)
                        return -EINVAL;
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\x%02x", *p);
                else
                        fwrite(p, 1, n, f);
                p += n;
        }
        fputc('"', f);
        return 0;
}

/* "KEY: "VALUE"" at indent; nothing when value is NULL. */
static int put_field(FILE *f, const char *indent, const char *key, const char *value)
{
        if (!value)
                return 0;
        fprintf(f, "%s%s: ", indent, key);
        int r = put_string(f, value);
        fputc('\n', f);
        return r;
}

/* A stamp: 0 means "did not happen", written as no key at all. */
static void put_stamp(FILE *f, const char *indent, const char *key, uint64_t value)
{
        if (value != 0)
                fprintf(f, "%s%s: %" PRIu64 "\n", indent, key, value);
}

/* Always written, [] when empty, so a reader never guesses. */
static int put_strv(FILE *f, const char *key, char *const *l)
{
        const char *sep = "";
        int r = 0;

        fprintf(f, "  %s: [", key);
        STRV_FOREACH(s, l) {
                fputs(sep, f);
                if (r >= 0)
                        r = put_string(f, *s);
                sep = ", ";
        }
        fputs("]\n", f);
        return r;
}

static int put_unit(FILE *f, const struct boot_record_unit *u)
{
        /* The first key carries the sequence's "- ". */
        int r = put_field(f, "- ", "id", u->id);
        if (r >= 0)
                r = put_field(f, "  ", "type", u->type);
        if (r >= 0)
                r = put_field(f, "  ", "service_type", u->service_type);
        if (r >= 0)
                r = put_field(f, "  ", "active_state", u->active_state);
        if (r >= 0)
                r = put_field(f, "  ", "result", u->result);
        put_stamp(f, "  ", "queued_usec", u->queued);
        put_stamp(f, "  ", "activating_usec", u->activating);
        put_stamp(f, "  ", "forked_usec", u->forked);
        put_stamp(f, "  ", "execed_usec", u->execed);
        put_stamp(f, "  ", "active_usec", u->active);
        put_stamp(f, "  ", "exited_usec", u->exited);
        put_stamp(f, "  ", "deactivating_usec", u->deactivating);
        put_stamp(f, "  ", "inactive_usec", u->inactive);
        put_stamp(f, "  ", "bus_name_usec", u->bus_name);
        if (r >= 0)
                r = put_strv(f, "after", u->after);
        if (r >= 0)
                r = put_strv(f, "requires", u->requires);
        if (r >= 0)
                r = put_strv(f, "wants", u->wants);
        return r;
}

/* The record's units one at a time, from its array or from its iterator
 * (boot_record.h): 1 with *u set, 0 at the end, or a negative errno. */
static int next_unit(const struct boot_record *r, size_t *i, struct boot_record_unit *u)
{
        if (r->units) {
                if (*i >= r->n_units)
                        return 0;
                *u = r->units[(*i)++];
                return 1;
        }
        return r->next_unit ? r->next_unit(r->next_ctx, u) : 0;
}

/* The record as one YAML document. Written by hand, not with libyaml's
 * emitter: its shape is fixed and small, and a container's `weft -- CMD`
 * writes it as CMD starts, where loading libyaml would cost ~130 KiB of
 * resident memory for the container's whole life (base/dlib.h). */
static int put_record(FILE *f, const struct boot_record *r)
{
        struct boot_record_unit u;
        size_t i = 0;
        int k, more;

        fprintf(f, "---\nmanager_start_usec: %" PRIu64 "\n", r->manager_start);
        put_stamp(f, "", "generators_start_usec", r->generators_start);
        put_stamp(f, "", "generators_finish_usec", r->generators_finish);
        put_stamp(f, "", "units_load_start_usec", r->units_load_start);
        put_stamp(f, "", "units_load_finish_usec", r->units_load_finish);
        fputs("target: ", f);
        k = put_string(f, r->target ? r->target : "");
        /* The first unit before the key: no units is "units: []". */
        more = next_unit(r, &i, &u);
        fprintf(f, "\ntarget_reached_usec: %" PRIu64 "\nunits:%s\n", r->target_reached, more > 0 ? "" : " []");
        for (; k >= 0 && more > 0; more = next_unit(r, &i, &u)) {
                if (!u.id)
                        return log_error_errno(EINVAL, "boot record: a unit has no id");
                k = put_unit(f, &u);
        }
        return k < 0 ? k : more;
}

int boot_record_write(const char *path, const struct boot_record *r)
{
        char *tmp = NULL;
        FILE *f = NULL;
        int fd = -1, k;

        for (size_t i = 0; i < r->n_units; i++)
                if (!r->units[i].id)
                        return log_error_errno(EINVAL, "boot record: unit %zu has no id", i);

        if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
                tmp = NULL;
                k = -ENOMEM;
                goto fail;
        }
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                k = -errno;
                free(tmp);
                tmp = NULL; /* nothing to unlink */
                goto fail;
        }
        /* mkostemp makes it 0600; weftctl may read it as any user. */
        if (fchmod(fd, 0644) < 0) {
                k = -errno;
                goto fail;
        }
        f = fdopen(fd, "w");
        if (!f) {
                k = -errno;
                goto fail;
        }
        fd = -1; /* f owns it */

        k = put_record(f, r);
        if (k < 0)
                goto fail;
        if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
                k = -errno;
                goto fail;
        }
        k = fclose(f);
        f = NULL;
        if (k != 0) {
                k = -errno;
                goto fail;
        }
        if (rename(tmp, path) < 0) {
                k = -errno;
                goto fail;
        }
        k = 0;
        goto out;

fail:
        if (tmp)
                unlink(tmp);
        log_error_errno(k, "boot record: unable to write %s: %s", path, strerror(-k));
out:
        if (f)
                fclose(f);
        if (fd >= 0)
                close(fd);
        free(tmp);
        return k;
}
