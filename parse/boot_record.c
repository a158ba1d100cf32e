/* Writes boot.yaml; see boot_record.h. Called by the scheduler thread when
 * the default target is reached. The file is emitted with libyaml into a
 * temporary file in the same folder, synced, and renamed over the old one,
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

#include <yaml.h>

#include "base/log.h"
#include "base/strv.h"

/* An emitter with a sticky error: after the first failure every call is a
 * no-op, so the emitting code reads straight and checks once at the end. */
struct writer {
        yaml_emitter_t emitter;
        int error; /* 0 or the first negative errno */
};

static void emit(struct writer *w, yaml_event_t *ev, int initialized)
{
        if (w->error)
                goto drop;
        if (!initialized) {
                w->error = -ENOMEM;
                return;
        }
        errno = 0;
        /* yaml_emitter_emit() owns the event from here, failed or not. */
        if (!yaml_emitter_emit(&w->emitter, ev)) {
                if (w->emitter.error == YAML_MEMORY_ERROR)
                        w->error = -ENOMEM;
                else if (w->emitter.error == YAML_WRITER_ERROR)
                        w->error = errno > 0 ? -errno : -EIO;
                else
                        w->error = -EINVAL;
        }
        return;
drop:
        if (initialized)
                yaml_event_delete(ev);
}

static void emit_scalar(struct writer *w, const char *s)
{
        yaml_event_t ev;
        int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *) s, (int) strlen(s), 1, 1,
                                              YAML_ANY_SCALAR_STYLE);
        emit(w, &ev, ok);
}

static void emit_string(struct writer *w, const char *key, const char *value)
{
        if (!value)
                return;
        emit_scalar(w, key);
        emit_scalar(w, value);
}

static void emit_u64(struct writer *w, const char *key, uint64_t value)
{
        char buf[32];

        snprintf(buf, sizeof buf, "%" PRIu64, value);
        emit_scalar(w, key);
        emit_scalar(w, buf);
}

/* A unit's stamp: 0 means "did not happen", written as no key at all. */
static void emit_stamp(struct writer *w, const char *key, uint64_t value)
{
        if (value != 0)
                emit_u64(w, key, value);
}

static void emit_mapping_start(struct writer *w)
{
        yaml_event_t ev;
        int ok = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
        emit(w, &ev, ok);
}

static void emit_mapping_end(struct writer *w)
{
        yaml_event_t ev;
        int ok = yaml_mapping_end_event_initialize(&ev);
        emit(w, &ev, ok);
}

static void emit_sequence_start(struct writer *w, yaml_sequence_style_t style)
{
        yaml_event_t ev;
        int ok = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style);
        emit(w, &ev, ok);
}

static void emit_sequence_end(struct writer *w)
{
        yaml_event_t ev;
        int ok = yaml_sequence_end_event_initialize(&ev);
        emit(w, &ev, ok);
}

/* Always written, [] when empty, so a reader never guesses. */
static void emit_strv(struct writer *w, const char *key, char *const *l)
{
        emit_scalar(w, key);
        emit_sequence_start(w, YAML_FLOW_SEQUENCE_STYLE);
        STRV_FOREACH(s, l)
                emit_scalar(w, *s);
        emit_sequence_end(w);
}

static void emit_unit(struct writer *w, const struct boot_record_unit *u)
{
        emit_mapping_start(w);
        emit_string(w, "id", u->id);
        emit_string(w, "type", u->type);
        emit_string(w, "service_type", u->service_type);
        emit_string(w, "active_state", u->active_state);
        emit_string(w, "result", u->result);
        emit_stamp(w, "queued_usec", u->queued);
        emit_stamp(w, "activating_usec", u->activating);
        emit_stamp(w, "forked_usec", u->forked);
        emit_stamp(w, "execed_usec", u->execed);
        emit_stamp(w, "active_usec", u->active);
        emit_stamp(w, "exited_usec", u->exited);
        emit_stamp(w, "deactivating_usec", u->deactivating);
        emit_stamp(w, "inactive_usec", u->inactive);
        emit_stamp(w, "bus_name_usec", u->bus_name);
        emit_strv(w, "after", u->after);
        emit_strv(w, "requires", u->requires);
        emit_strv(w, "wants", u->wants);
        emit_mapping_end(w);
}

static void emit_record(struct writer *w, const struct boot_record *r)
{
        yaml_event_t ev;
        int ok;

        ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
        emit(w, &ev, ok);
        ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
        emit(w, &ev, ok);

        emit_mapping_start(w);
        emit_u64(w, "manager_start_usec", r->manager_start);
        emit_stamp(w, "generators_start_usec", r->generators_start);
        emit_stamp(w, "generators_finish_usec", r->generators_finish);
        emit_stamp(w, "units_load_start_usec", r->units_load_start);
        emit_stamp(w, "units_load_finish_usec", r->units_load_finish);
        emit_string(w, "target", r->target ? r->target : "");
        emit_u64(w, "target_reached_usec", r->target_reached);
        emit_scalar(w, "units");
        emit_sequence_start(w, YAML_BLOCK_SEQUENCE_STYLE);
        if (r->units)
                for (size_t i = 0; i < r->n_units; i++)
                        emit_unit(w, &r->units[i]);
        else if (r->next_unit) {
                struct boot_record_unit u;
                int k = 0;
                while (!w->error && (k = r->next_unit(r->next_ctx, &u)) > 0) {
                        if (!u.id) {
                                w->error = log_error_errno(EINVAL, "boot record: a unit has no id");
                                break;
                        }
                        emit_unit(w, &u);
                }
                if (!w->error && k < 0)
                        w->error = k;
        }
        emit_sequence_end(w);
        emit_mapping_end(w);

        ok = yaml_document_end_event_initialize(&ev, 1);
        emit(w, &ev, ok);
        ok = yaml_stream_end_event_initialize(&ev);
        emit(w, &ev, ok);
}

int boot_record_write(const char *path, const struct boot_record *r)
{
        struct writer w = { .error = 0 };
        bool emitter_ready = false;
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

        if (!yaml_emitter_initialize(&w.emitter)) {
                k = -ENOMEM;
                goto fail;
        }
        emitter_ready = true;
        yaml_emitter_set_output_file(&w.emitter, f);
        yaml_emitter_set_unicode(&w.emitter, 1);
        yaml_emitter_set_width(&w.emitter, -1);
        emit_record(&w, r);
        if (!w.error && !yaml_emitter_flush(&w.emitter))
                w.error = -EIO;
        k = w.error;
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
        if (emitter_ready)
                yaml_emitter_delete(&w.emitter);
        if (f)
                fclose(f);
        if (fd >= 0)
                close(fd);
        free(tmp);
        return k;
}
