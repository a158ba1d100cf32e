/* The last failed condition or assertion of each unit (systemd's
 * ConditionResult/ConditionTimestamp/Conditions and their Assert
 * twins): what `systemctl status` shows as "Condition: start condition
 * failed at ...; └─ ConditionPathExists=/x was not met". Scheduler thread
 * only.
 *
 * A side table by unit name, not the unit's runtime: few units ever fail
 * one, and the runtime has no room to spare. An entry stays while its
 * unit does (a later pass only clears it), so a start costs one lookup and
 * no free, and goes when the unit is collected; names outlive a
 * daemon-reload's new table. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "core/control.h"
#include "core/sched_internal.h"
#include "sockets/control_proto.h"

struct condition_record {
        char *unit;          /* the key */
        uint64_t when[2];    /* CLOCK_MONOTONIC µs of the last check; [0] conditions, [1] asserts */
        char *failed[2];     /* "ConditionPathExists=|!/x", or NULL: it passed */
};

void sched_conditions_record(struct sched *s, const struct unit *u, bool assert, const char *failed)
{
        struct condition_record *c = hashmap_get(&s->condition_records, u->id);
        int i = assert;

        if (!c && !failed)
                return; /* passed, and never failed: nothing to remember */
        if (!c && !(c = hashmap_ensure(&s->condition_records, u->id, sizeof *c, offsetof(struct condition_record, unit)))) {
                log_error("%s: out of memory recording its failed condition", u->id);
                return;
        }
        free(c->failed[i]);
        c->failed[i] = failed ? strdup(failed) : NULL;
        c->when[i] = s->now;
}

static void record_free(struct condition_record *c)
{
        if (!c)
                return;
        free(c->failed[0]);
        free(c->failed[1]);
        free(c->unit);
        free(c);
}

void sched_conditions_forget(struct sched *s, const struct unit *u)
{
        record_free(hashmap_remove(&s->condition_records, u->id));
}

int sched_conditions_describe(struct sched *s, const struct unit *u, struct control_unit *cu)
{
        static const char *const keys[2][3] = {
                { "ConditionResult", "ConditionTimestampMonotonic", "ConditionFailed" },
                { "AssertResult", "AssertTimestampMonotonic", "AssertFailed" },
        };
        const struct condition_record *c = hashmap_get(&s->condition_records, u->id);
        int r = 0;

        for (int i = 0; c && r >= 0 && i < 2; i++) {
                if (!c->when[i])
                        continue;
                r = control_unit_add(cu, keys[i][0], c->failed[i] ? "no" : "yes");
                r = r < 0 ? r : control_add_num(cu, keys[i][1], c->when[i]);
                if (c->failed[i])
                        r = r < 0 ? r : control_unit_add(cu, keys[i][2], c->failed[i]);
        }
        return r;
}

void sched_conditions_free(struct sched *s)
{
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&s->condition_records, &i, &k, &v);)
                record_free(v);
        hashmap_done(&s->condition_records);
}
