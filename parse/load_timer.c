/* Loading timer units (systemd.timer(5)): the [Timer] section's values,
 * the configuration's defaults and what it owns, and the finish: the unit
 * it triggers, the implicit and default dependencies of systemd's
 * timer_add_trigger_dependencies / timer_add_default_dependencies, and the
 * refusal of timer_verify. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "parse/calendar.h"
#include "parse/directive_parsers.h"
#include "parse/load_internal.h"

static const char *const timer_base_table[_TIMER_BASE_MAX] = {
        [TIMER_ACTIVE] = "OnActiveSec",
        [TIMER_BOOT] = "OnBootSec",
        [TIMER_STARTUP] = "OnStartupSec",
        [TIMER_UNIT_ACTIVE] = "OnUnitActiveSec",
        [TIMER_UNIT_INACTIVE] = "OnUnitInactiveSec",
        [TIMER_CALENDAR] = "OnCalendar",
};

const char *timer_base_to_string(enum timer_base b)
{
        return b >= 0 && b < _TIMER_BASE_MAX ? timer_base_table[b] : NULL;
}

static int timer_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct timer_config *t = calloc(1, sizeof *t);
        if (!t)
                return -ENOMEM;
        t->accuracy_usec = 60 * USEC_PER_SEC;
        t->remain_after_elapse = true;
        u->timer = t;
        return 0;
}

static void values_free(struct timer_config *t)
{
        for (unsigned i = 0; i < t->n_values; i++)
                calendar_spec_free(t->values[i].calendar);
        free(t->values);
        t->values = NULL;
        t->n_values = 0;
}

static void timer_free(struct unit *u)
{
        values_free(u->timer);
        free(u->timer->unit);
}

/* OnActiveSec= ... OnCalendar= (arg: the base). Each assignment adds one
 * value; an empty one drops every value so far, whatever its base. A bad
 * span is ignored with a warning, as systemd does; a bad calendar
 * expression makes the timer unusable (bad-setting), so that a timer never
 * runs on a schedule other than the one its file says. */
int directive_parse_timer_value(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        struct timer_config *t = ctx->unit->timer;
        struct timer_value v = { .base = (uint8_t) arg };
        int r;

        if (!*value) {
                values_free(t);
                return 0;
        }
        if (arg == TIMER_CALENDAR) {
                r = calendar_spec_parse(value, &v.calendar);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        ctx->load->n_errors++;
                        return log_syntax(LOG_LEVEL_ERROR, -ENOEXEC, ctx->file, ctx->line,
                                          "Failed to parse calendar specification, refusing: %s", value);
                }
        } else if (parse_timespan(value, USEC_PER_SEC, &v.usec) < 0) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line, "Failed to parse timer value, ignoring: %s",
                           value);
                return 0;
        }
        struct timer_value *n = realloc(t->values, (t->n_values + 1) * sizeof *n);
        if (!n) {
                calendar_spec_free(v.calendar);
                return -ENOMEM;
        }
        t->values = n;
        t->values[t->n_values++] = v;
        return 0;
}

/* AccuracySec=: systemd takes 0 as 1us (and says it is deprecated). */
int directive_parse_timer_accuracy(const struct directive_ctx *ctx, const char *value, void *dest, int arg)
{
        uint64_t usec;
        if (parse_timespan(value, USEC_PER_SEC, &usec) < 0) {
                ctx->load->n_warnings++;
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line, "Failed to parse %s= value, ignoring: %s",
                           ctx->key, value);
                return 0;
        }
        if (usec == 0) {
                log_syntax(LOG_LEVEL_WARNING, 0, ctx->file, ctx->line,
                           "AccuracySec=0 is deprecated and has no effect, using 1us instead.");
                usec = 1;
        }
        *(uint64_t *) dest = usec;
        return 0;
}

bool timer_has_calendar(const struct timer_config *t)
{
        for (unsigned i = 0; i < t->n_values; i++)
                if (t->values[i].base == TIMER_CALENDAR)
                        return true;
        return false;
}

/* The unit a timer triggers: Unit=, else its own name with .service. */
int timer_unit_name(const struct unit *u, char **ret)
{
        if (u->timer->unit)
                return (*ret = strdup(u->timer->unit)) ? 0 : -ENOMEM;
        size_t n = strlen(u->id) - strlen(".timer");
        char *name = malloc(n + sizeof ".service");
        if (!name)
                return -ENOMEM;
        memcpy(name, u->id, n);
        strcpy(name + n, ".service");
        *ret = name;
        return 0;
}

/* systemd's timer_load: the triggered unit, the default dependencies, the verify. */
static int timer_finish(struct load_context *ctx, struct unit *u)
{
        struct timer_config *t = u->timer;
        char *name = NULL;
        int r;

        if (t->unit && unit_name_to_type(t->unit) == UNIT_TIMER)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s",
                                 "Unit= must not name a timer unit. Refusing.");
        r = timer_unit_name(u, &name);
        if (r < 0)
                return r;
        r = load_add_two_dependencies_by_name(ctx, u, UNIT_BEFORE, UNIT_TRIGGERS, name);
        free(name);
        if (r < 0)
                return r;
        if (u->default_dependencies) {
                r = load_add_dependency_by_name(ctx, u, UNIT_BEFORE, "timers.target");
                if (r >= 0)
                        r = load_add_two_dependencies_by_name(ctx, u, UNIT_AFTER, UNIT_REQUIRES, "sysinit.target");
                if (r >= 0 && timer_has_calendar(t))
                        r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "time-sync.target");
                if (r >= 0 && timer_has_calendar(t))
                        r = load_add_dependency_by_name(ctx, u, UNIT_AFTER, "time-set.target");
                if (r >= 0)
                        r = load_add_two_dependencies_by_name(ctx, u, UNIT_BEFORE, UNIT_CONFLICTS,
                                                              "shutdown.target");
                if (r < 0)
                        return r;
        }
        if (!t->n_values && !t->on_clock_change && !t->on_timezone_change)
                return load_fail(ctx, u, UNIT_BAD_SETTING, -ENOEXEC, "%s", "Timer unit lacks value setting. Refusing.");
        return 0;
}

const struct unit_load_ops timer_load_ops = {
        .section = "Timer",
        .alloc = timer_alloc,
        .free = timer_free,
        .finish = timer_finish,
};
