/* Timer units (systemd.timer(5)) on the scheduler thread. A waiting timer
 * has one entry on the scheduler's timer heap (rt->timer_when), at the
 * earlier of its monotonic and its calendar elapse; a calendar elapse is a
 * wall-clock time, converted to the monotonic heap when armed and again
 * whenever the wall clock is set (EVENT_TIME_CHANGE, from the io thread's
 * TFD_TIMER_CANCEL_ON_SET timerfd). No thread or fd per timer, no polling.
 *
 * The transitions are systemd's (src/core/timer.c): start -> waiting;
 * elapse -> running (the triggered unit's start job is queued); the
 * triggered unit going down -> waiting again, or elapsed when nothing is
 * left to wait for (dead with RemainAfterElapse=no). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "core/control.h"
#include "core/unit_type.h"
#include "parse/calendar.h"

#define USEC_PER_MINUTE (60 * USEC_PER_SEC)

static void enter_waiting(struct sched *s, struct unit *u, bool time_change);

static struct unit *triggered_unit(const struct unit *u)
{
        size_t it = 0;
        return sched_next_dep(u, UNIT_TRIGGERS, &it);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
        return a + b < a ? USEC_INFINITY - 1 : a + b;
}

/* Where in [a, b] to wake, as sd-event does for a timer with an accuracy:
 * the same spot (perturb, per boot) within each minute if that lies in the
 * window, else within each 10 s, 1 s, 250 ms; else b. Every timer of the
 * machine then wakes at the same few moments, once for all. */
uint64_t timer_coalesce(uint64_t perturb, uint64_t a, uint64_t b)
{
        static const uint64_t steps[] = { USEC_PER_MINUTE, 10 * USEC_PER_SEC, USEC_PER_SEC, 250 * USEC_PER_MSEC };
        if (a == 0 || b <= a + 1)
                return a;
        for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
                uint64_t c = b / steps[i] * steps[i] + perturb % steps[i];
                if (c >= b) {
                        if (c < steps[i])
                                return b;
                        c -= steps[i];
                }
                if (c >= a)
                        return c;
        }
        return b;
}

static uint64_t rotl(uint64_t x, unsigned b)
{
        return x << b | x >> (64 - b);
}

static uint64_t le64(const uint8_t *p, size_t n)
{
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++)
                v |= (uint64_t) p[i] << (8 * i);
        return v;
}

/* SipHash-2-4 (Aumasson and Bernstein) of in[0..n) with a 16-byte key. */
uint64_t timer_siphash24(const void *in, size_t n, const uint8_t key[16])
{
        const uint8_t *p = in;
        uint64_t k0 = le64(key, 8), k1 = le64(key + 8, 8);
        uint64_t v[4] = { k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
                          k1 ^ 0x7465646279746573ULL };
#define SIPROUND                                                                                     \
        do {                                                                                         \
                v[0] += v[1], v[1] = rotl(v[1], 13), v[1] ^= v[0], v[0] = rotl(v[0], 32);            \
                v[2] += v[3], v[3] = rotl(v[3], 16), v[3] ^= v[2];                                   \
                v[0] += v[3], v[3] = rotl(v[3], 21), v[3] ^= v[0];                                   \
                v[2] += v[1], v[1] = rotl(v[1], 17), v[1] ^= v[2], v[2] = rotl(v[2], 32);            \
        } while (0)
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
                uint64_t m = le64(p + i, 8);
                v[3] ^= m;
                SIPROUND;
                SIPROUND;
                v[0] ^= m;
        }
        uint64_t b = (uint64_t) n << 56 | le64(p + i, n - i);
        v[3] ^= b;
        SIPROUND;
        SIPROUND;
        v[0] ^= b;
        v[2] ^= 0xff;
        for (int r = 0; r < 4; r++)
                SIPROUND;
#undef SIPROUND
        return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* FixedRandomDelay=: systemd's timer_get_fixed_delay_hash, so a timer gets
 * the same delay under weft as under systemd on the same machine: SipHash
 * with systemd's key over the machine id, "system manager" (1), the uid
 * and the unit's name. */
static uint64_t fixed_delay_hash(struct sched *s, const struct unit *u)
{
        static const uint8_t key[16] = { 0x51, 0x0a, 0xdb, 0x76, 0x29, 0x51, 0x42, 0xc2,
                                         0x80, 0x35, 0xea, 0xe6, 0x8e, 0x3a, 0x37, 0xbd };
        uint8_t buf[16 + 1 + sizeof(uid_t) + UNIT_NAME_MAX];
        uid_t uid = getuid();
        size_t len = strlen(u->id), n = 0;
        if (len > UNIT_NAME_MAX)
                len = UNIT_NAME_MAX;
        memcpy(buf, s->config.machine_id, 16);
        n = 16;
        buf[n++] = 1;
        memcpy(buf + n, &uid, sizeof uid);
        n += sizeof uid;
        memcpy(buf + n, u->id, len);
        return timer_siphash24(buf, n + len, key);
}

static uint64_t random_delay(struct sched *s, struct unit *u)
{
        uint64_t span = u->timer->randomized_delay_usec, r = 0;
        if (span == 0 || span == USEC_INFINITY)
                return 0;
        if (u->timer->fixed_random_delay)
                r = fixed_delay_hash(s, u);
        else if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
                r = fixed_delay_hash(s, u) ^ s->now;
        return r % span;
}

/* Persistent=: the stamp whose mtime is the last trigger. */
static int stamp_path(struct sched *s, const struct unit *u, char *buf, size_t n)
{
        const char *dir = s->config.timer_stamp_dir ? s->config.timer_stamp_dir : "/var/lib/systemd/timers";
        return snprintf(buf, n, "%s/stamp-%s", dir, u->id) < (int) n ? 0 : -ENAMETOOLONG;
}

/* Create the stamp (and its directory) and set its mtime: a small write on
 * the scheduler thread, once per trigger of a Persistent= timer. */
static void stamp_touch(struct sched *s, struct unit *u, uint64_t realtime)
{
        char path[4096];
        if (stamp_path(s, u, path, sizeof path) < 0)
                return;
        for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
                *p = 0;
                (void) mkdir(path, 0755);
                *p = '/';
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
        if (fd < 0) {
                log_warning("%s: cannot write %s: %s", u->id, path, strerror(errno));
                return;
        }
        struct timespec ts[2] = {
                { .tv_sec = (time_t) (realtime / USEC_PER_SEC), .tv_nsec = (long) (realtime % USEC_PER_SEC) * 1000 },
        };
        ts[1] = ts[0];
        if (futimens(fd, ts) < 0)
                log_warning("%s: cannot stamp %s: %s", u->id, path, strerror(errno));
        close(fd);
}

/* Put the heap entry at the earlier of the two elapses (the realtime one
 * converted at today's offset between the clocks). */
static void arm(struct sched *s, struct unit *u)
{
        struct timer_runtime *t = u->rt->timer;
        uint64_t when = t->fire_mono;
        if (t->fire_real) {
                uint64_t now_real = sched_realtime(s);
                uint64_t m = t->fire_real > now_real ? s->now + (t->fire_real - now_real) : s->now;
                if (!when || m < when)
                        when = m;
        }
        if (when)
                unit_arm_timer(s, u, when);
        else
                unit_disarm_timer(s, u);
}

/* Every state but waiting lets go of the elapse (systemd's timer_set_state). */
static void set_state(struct sched *s, struct unit *u, enum sub_state sub)
{
        struct timer_runtime *t = u->rt->timer;
        if (sub != SUB_WAITING) {
                t->next_mono = t->next_real = t->fire_mono = t->fire_real = 0;
                unit_disarm_timer(s, u);
        }
        unit_set_sub(s, u, sub);
}

static void enter_dead(struct sched *s, struct unit *u, enum unit_result f)
{
        if (u->rt->result == RESULT_SUCCESS)
                u->rt->result = f;
        set_state(s, u, u->rt->result == RESULT_SUCCESS ? SUB_DEAD : SUB_FAILED);
}

static void enter_elapsed(struct sched *s, struct unit *u, bool leave_around)
{
        if (u->timer->remain_after_elapse || leave_around)
                set_state(s, u, SUB_ELAPSED);
        else
                enter_dead(s, u, RESULT_SUCCESS);
}

/* The base a monotonic value counts from; false: none yet (the triggered
 * unit never ran). */
static bool monotonic_base(struct sched *s, struct unit *u, struct unit *trigger, enum timer_base base,
                           uint64_t *ret)
{
        struct timer_runtime *t = u->rt->timer;
        uint64_t b;
        switch (base) {
        case TIMER_ACTIVE:
                *ret = u->rt->active == UNIT_ACTIVE ? u->rt->t_activating : s->now;
                return true;
        case TIMER_BOOT:
                /* CLOCK_MONOTONIC counts from the kernel's boot; a
                 * container's boot is weft's start. */
                *ret = s->config.in_container ? s->config.manager_start : 0;
                return true;
        case TIMER_STARTUP:
                *ret = s->config.manager_start;
                return true;
        case TIMER_UNIT_ACTIVE:
                b = trigger->rt ? trigger->rt->t_activating : 0;
                break;
        case TIMER_UNIT_INACTIVE:
                b = trigger->rt ? trigger->rt->t_inactive : 0;
                break;
        default:
                return false;
        }
        if (t->last_trigger_mono > b)
                b = t->last_trigger_mono;
        *ret = b;
        return b > 0;
}

/* systemd's timer_enter_waiting: the next elapse of every value, the
 * earliest per clock, the random delay, then the heap. */
static void enter_waiting(struct sched *s, struct unit *u, bool time_change)
{
        struct timer_runtime *t = u->rt->timer;
        const struct timer_config *c = u->timer;
        struct unit *trigger = triggered_unit(u);
        bool found_mono = false, found_real = false, leave_around = false;
        uint64_t now_real = sched_realtime(s), next_mono = 0, next_real = 0;

        if (!trigger) {
                log_error("%s: Unit to trigger vanished.", u->id);
                enter_dead(s, u, RESULT_RESOURCES);
                return;
        }
        for (unsigned i = 0; i < c->n_values; i++) {
                const struct timer_value *v = &c->values[i];
                uint64_t next;
                if (i < t->n_disabled && t->disabled[i])
                        continue;
                if (v->base == TIMER_CALENDAR) {
                        uint64_t b = t->last_trigger_real ? t->last_trigger_real
                                     : u->rt->active == UNIT_ACTIVE ? t->activated_real
                                                                    : now_real;
                        if (calendar_spec_next_usec(v->calendar, b, &next) < 0)
                                continue;
                        /* Missed while weft was not running (Persistent=):
                         * due at weft's start, which also lets the random
                         * delay spread such timers out at boot. */
                        uint64_t started = now_real - (s->now - s->config.manager_start);
                        if (next < started)
                                next = started;
                        next_real = found_real && next_real < next ? next_real : next;
                        found_real = true;
                        continue;
                }
                uint64_t base;
                if (v->base == TIMER_UNIT_ACTIVE || v->base == TIMER_UNIT_INACTIVE)
                        leave_around = true;
                if (!monotonic_base(s, u, trigger, v->base, &base))
                        continue;
                next = add_sat(base, v->usec);
                /* A one-time trigger (since activation, boot, startup) that
                 * passed after the timer already fired once is done. */
                if ((t->last_trigger_mono || t->last_trigger_real) && !time_change && next < s->now &&
                    (v->base == TIMER_ACTIVE || v->base == TIMER_BOOT || v->base == TIMER_STARTUP)) {
                        if (i < t->n_disabled)
                                t->disabled[i] = 1;
                        continue;
                }
                next_mono = found_mono && next_mono < next ? next_mono : next;
                found_mono = true;
        }
        if (!found_mono && !found_real && !c->on_timezone_change && !c->on_clock_change) {
                log_debug("%s: Timer is elapsed.", u->id);
                enter_elapsed(s, u, leave_around);
                return;
        }
        uint64_t accuracy = c->accuracy_usec ? c->accuracy_usec : 1;
        t->next_mono = t->fire_mono = t->next_real = t->fire_real = 0;
        if (found_mono) {
                t->next_mono = add_sat(next_mono, random_delay(s, u));
                t->fire_mono = timer_coalesce(s->config.timer_perturb_usec, t->next_mono, add_sat(t->next_mono, accuracy));
                if (!t->fire_mono)
                        t->fire_mono = 1; /* due since the kernel's boot */
        }
        if (found_real) {
                t->next_real = add_sat(next_real, random_delay(s, u));
                t->fire_real = timer_coalesce(s->config.timer_perturb_usec, t->next_real, add_sat(t->next_real, accuracy));
        }
        arm(s, u);
        set_state(s, u, SUB_WAITING);
        job_unit_changed(s, u); /* waiting again after waiting: the start job may still wait for it */
}

/* systemd's timer_enter_running: queue the triggered unit's start. */
static void enter_running(struct sched *s, struct unit *u)
{
        struct timer_runtime *t = u->rt->timer;
        struct unit *trigger = triggered_unit(u);
        bool nothing;

        if (u->rt->job && u->rt->job->type == JOB_STOP)
                return; /* going down anyway */
        if (!trigger) {
                log_error("%s: Unit to trigger vanished.", u->id);
                enter_dead(s, u, RESULT_RESOURCES);
                return;
        }
        t->last_trigger_mono = s->now;
        t->last_trigger_real = sched_realtime(s);
        if (u->timer->persistent)
                stamp_touch(s, u, t->last_trigger_real);
        set_state(s, u, SUB_RUNNING);
        log_debug("%s: elapsed, starting %s", u->id, trigger->id);
        if (transaction_start(s, trigger, &nothing) < 0) {
                log_warning("%s: Failed to queue unit startup job for %s.", u->id, trigger->id);
                enter_dead(s, u, RESULT_RESOURCES);
        }
}

static void timer_start(struct sched *s, struct unit *u)
{
        struct timer_runtime *t = u->rt->timer;
        struct unit *trigger = triggered_unit(u);

        if (!trigger || trigger->load_state != UNIT_LOADED) {
                log_error("%s: Refusing to start, unit %s to trigger not loaded.", u->id,
                          trigger ? trigger->id : "(none)");
                u->rt->result = RESULT_RESOURCES;
                set_state(s, u, SUB_FAILED);
                job_unit_changed(s, u);
                return;
        }
        t->last_trigger_mono = t->last_trigger_real = 0;
        /* Re-enable the values that count from the timer's activation. */
        for (unsigned i = 0; i < t->n_disabled; i++)
                if (u->timer->values[i].base == TIMER_ACTIVE)
                        t->disabled[i] = 0;
        t->activated_real = sched_realtime(s);
        char path[4096];
        struct stat st;
        if (u->timer->persistent && stamp_path(s, u, path, sizeof path) == 0) {
                if (stat(path, &st) == 0) {
                        uint64_t ft = timespec_usec(st.st_mtim);
                        if (ft < t->activated_real)
                                t->last_trigger_real = ft;
                        else
                                log_warning("%s: Not using persistent file timestamp as it is in the future.", u->id);
                } else if (errno == ENOENT)
                        stamp_touch(s, u, t->activated_real); /* it never ran: from now on it has */
        }
        u->rt->result = RESULT_SUCCESS;
        enter_waiting(s, u, false);
        job_unit_changed(s, u); /* a timer elapsed at once stays dead: its job is done all the same */
}

static void timer_stop(struct sched *s, struct unit *u)
{
        enter_dead(s, u, RESULT_SUCCESS);
}

/* The heap entry surfaced. */
static void timer_elapse(struct sched *s, struct unit *u)
{
        struct timer_runtime *t = u->rt->timer;
        if (u->rt->sub != SUB_WAITING)
                return;
        bool due = (t->fire_mono && t->fire_mono <= s->now) || (t->fire_real && t->fire_real <= sched_realtime(s));
        if (!due) {
                arm(s, u); /* the wall clock ran slower than the monotonic one: the rest */
                return;
        }
        log_debug("%s: Timer elapsed.", u->id);
        enter_running(s, u);
}

/* systemd's timer_trigger_notify. */
static void timer_trigger_notify(struct sched *s, struct unit *u, struct unit *other)
{
        struct timer_runtime *t = u->rt->timer;
        if (u->load_state != UNIT_LOADED)
                return;
        for (unsigned i = 0; i < t->n_disabled; i++)
                if (u->timer->values[i].base == TIMER_UNIT_ACTIVE || u->timer->values[i].base == TIMER_UNIT_INACTIVE)
                        t->disabled[i] = 0;
        switch (u->rt->sub) {
        case SUB_WAITING:
        case SUB_ELAPSED:
                enter_waiting(s, u, false);
                break;
        case SUB_RUNNING:
                if (other->rt && unit_state_is_down(other->rt->active))
                        enter_waiting(s, u, false);
                break;
        default:
                break;
        }
}

/* systemd's timer_time_change and timer_timezone_change. */
static void timer_time_change(struct sched *s, struct unit *u, bool zone_changed)
{
        struct timer_runtime *t = u->rt->timer;
        if (u->rt->sub != SUB_WAITING)
                return;
        if (zone_changed) {
                if (u->timer->on_timezone_change) {
                        log_debug("%s: Timezone change, triggering activation.", u->id);
                        enter_running(s, u);
                } else
                        enter_waiting(s, u, false);
                return;
        }
        /* A trigger in the future means the clock went back: let the
         * elapses since then happen again, as Persistent= would. */
        uint64_t now_real = sched_realtime(s);
        if (t->last_trigger_real > now_real)
                t->last_trigger_real = now_real;
        if (u->timer->on_clock_change) {
                log_debug("%s: Time change, triggering activation.", u->id);
                enter_running(s, u);
        } else
                enter_waiting(s, u, true);
}

static int timer_show(struct sched *s, struct unit *u, struct control_unit *cu)
{
        const struct timer_runtime *t = u->rt->timer;
        struct unit *trigger = triggered_unit(u);
        int r = control_unit_add(cu, "Unit", trigger ? trigger->id : "");
        r = r < 0 ? r : control_add_num(cu, "NextElapseUSecRealtime", t->next_real);
        r = r < 0 ? r : control_add_num(cu, "NextElapseUSecMonotonic", t->next_mono);
        r = r < 0 ? r : control_add_num(cu, "LastTriggerUSec", t->last_trigger_real);
        r = r < 0 ? r : control_add_num(cu, "LastTriggerUSecMonotonic", t->last_trigger_mono);
        r = r < 0 ? r : control_add_num(cu, "AccuracyUSec", u->timer->accuracy_usec);
        r = r < 0 ? r : control_add_num(cu, "RandomizedDelayUSec", u->timer->randomized_delay_usec);
        r = r < 0 ? r : control_unit_add(cu, "Persistent", u->timer->persistent ? "yes" : "no");
        r = r < 0 ? r : control_unit_add(cu, "RemainAfterElapse", u->timer->remain_after_elapse ? "yes" : "no");
        return r;
}

static int timer_adopt(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        if (!rt->timer && !(rt->timer = calloc(1, sizeof *rt->timer)))
                return -ENOMEM;
        /* A daemon-reload may bring another number of values. */
        unsigned n = u->load_state == UNIT_LOADED ? u->timer->n_values : 0;
        if (n != rt->timer->n_disabled) {
                uint8_t *d = n ? calloc(n, 1) : NULL;
                if (n && !d)
                        return -ENOMEM;
                free(rt->timer->disabled);
                rt->timer->disabled = d;
                rt->timer->n_disabled = n;
        }
        return 0;
}

/* A fresh timer: no elapse, no trigger, no one-time value used up. */
static void timer_collected(struct sched *s, struct unit *u)
{
        struct timer_runtime *t = u->rt->timer;
        if (!t)
                return;
        if (t->disabled)
                memset(t->disabled, 0, t->n_disabled * sizeof *t->disabled);
        *t = (struct timer_runtime) { .disabled = t->disabled, .n_disabled = t->n_disabled };
}

const struct unit_type_ops timer_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_WAITING] = SUB_IS(UNIT_ACTIVE),
                [SUB_RUNNING] = SUB_IS(UNIT_ACTIVE),
                [SUB_ELAPSED] = SUB_IS(UNIT_ACTIVE),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .adopt = timer_adopt,
        .collected = timer_collected,
        .start = timer_start,
        .stop = timer_stop,
        .timer = timer_elapse,
        .trigger_notify = timer_trigger_notify,
        .time_change = timer_time_change,
        .show = timer_show,
};
