/* Timer units against the scheduler's fake clock (test/unit/sched_fake.c):
 * the elapse of every kind of value, AccuracySec= coalescing, the random
 * delay, RemainAfterElapse=, the re-arm after the triggered service ran,
 * clock changes, Persistent= stamps, and what loading refuses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/macro.h"
#include "core/sched_internal.h"
#include "parse/calendar.h"
#include "parse/load.h"
#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define SEC USEC_PER_SEC
#define TARGET "[Unit]\nWants=a.timer\n"
#define TIMER(body) "[Unit]\nDefaultDependencies=no\n[Timer]\nAccuracySec=1us\n" body "\n"
#define SERVICE "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo FIRED\n"

static struct timer_runtime *tr(const char *name)
{
        return unit_table_get(&F.table, name)->rt->timer;
}

static const char *sub_of(const char *name)
{
        return sched_unit_sub_state(F.s, name);
}

/* Boot t.target -> a.timer (body) and a.service. */
static void boot(const char *timer_body)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", TARGET);
        test_write_file(d, "a.timer", timer_body);
        test_write_file(d, "a.service", SERVICE);
        fake_setup(d, "t.target");
}

/* Move the fake clock to absolute monotonic time t (fires what is due). */
static void advance_to(uint64_t t)
{
        CU_ASSERT_FATAL(t >= F.now);
        fake_advance(t - F.now);
}

static void test_coalesce_follows_sd_event(void)
{
        uint64_t p = 17 * SEC + 300000; /* the per-boot spot: 17.3 s into each minute */
        /* A window holding that spot within its minute: there. */
        CU_ASSERT_EQUAL(timer_coalesce(p, 100 * SEC, 160 * SEC), 137 * SEC + 300000);
        /* Too short for the minute's spot: the 10 s spot, the 1 s spot... */
        CU_ASSERT_EQUAL(timer_coalesce(p, 100 * SEC, 109 * SEC), 107 * SEC + 300000);
        CU_ASSERT_EQUAL(timer_coalesce(p, 100 * SEC + 1, 101 * SEC), 100 * SEC + 300000);
        /* ...and the 250 ms one (50 ms in); past all of them: the latest time. */
        CU_ASSERT_EQUAL(timer_coalesce(p, 100 * SEC, 100 * SEC + 100000), 100 * SEC + 50000);
        CU_ASSERT_EQUAL(timer_coalesce(p, 100 * SEC + 60000, 100 * SEC + 100000), 100 * SEC + 100000);
        /* No room: the elapse itself. */
        CU_ASSERT_EQUAL(timer_coalesce(p, 100 * SEC, 100 * SEC + 1), 100 * SEC);
        /* Two timers with overlapping windows wake at the same moment. */
        CU_ASSERT_EQUAL(timer_coalesce(p, 100 * SEC, 160 * SEC), timer_coalesce(p, 120 * SEC, 180 * SEC));
}

static void test_on_active_sec_fires_once_then_elapsed(void)
{
        boot(TIMER("OnActiveSec=10s"));
        uint64_t t0 = F.now;
        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "waiting");
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), t0 + 10 * SEC);
        CU_ASSERT_EQUAL(tr("a.timer")->next_mono, t0 + 10 * SEC);
        advance_to(t0 + 10 * SEC - 1);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 0);
        advance_to(t0 + 10 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "running");
        CU_ASSERT_EQUAL(tr("a.timer")->last_trigger_mono, t0 + 10 * SEC);
        fake_run_to_exit("FIRED", 0);
        /* A one-time value that passed: nothing left, RemainAfterElapse=yes. */
        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "elapsed");
        CU_ASSERT_STRING_EQUAL(fake_state("a.timer"), "active");
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), UINT64_MAX);
        advance_to(t0 + 100 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        fake_teardown();
}

static void test_remain_after_elapse_no_goes_dead(void)
{
        boot(TIMER("OnActiveSec=1s\nRemainAfterElapse=no"));
        advance_to(F.now + SEC);
        fake_run_to_exit("FIRED", 0);
        CU_ASSERT_STRING_EQUAL(fake_state("a.timer"), "inactive");
        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "dead");
        fake_teardown();
}

static void test_on_unit_active_sec_rearms_after_each_run(void)
{
        /* OnBootSec=1s is due at once (the fake boot is 1 s after the kernel's). */
        boot(TIMER("OnBootSec=1s\nOnUnitActiveSec=5s"));
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 0);
        advance_to(F.now); /* the heap entry surfaces */
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        uint64_t started = F.now;
        fake_advance(2 * SEC); /* the service runs for 2 s */
        fake_run_to_exit("FIRED", 0);
        /* Counted from the service's activation, not its exit. */
        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "waiting");
        CU_ASSERT_EQUAL(tr("a.timer")->next_mono, started + 5 * SEC);
        advance_to(started + 5 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 2);
        uint64_t second = F.now;
        fake_run_to_exit("FIRED", 0);
        CU_ASSERT_EQUAL(tr("a.timer")->next_mono, second + 5 * SEC);
        advance_to(second + 5 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 3);
        fake_teardown();
}

static void test_on_unit_inactive_sec_counts_from_the_exit(void)
{
        boot(TIMER("OnActiveSec=1s\nOnUnitInactiveSec=3s"));
        advance_to(F.now + SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        fake_advance(2 * SEC);
        fake_run_to_exit("FIRED", 0);
        uint64_t exited = F.now;
        CU_ASSERT_EQUAL(tr("a.timer")->next_mono, exited + 3 * SEC);
        advance_to(exited + 3 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 2);
        fake_teardown();
}

static void test_on_startup_sec_counts_from_the_manager(void)
{
        boot(TIMER("OnStartupSec=30s"));
        CU_ASSERT_EQUAL(tr("a.timer")->next_mono, F.s->config.manager_start + 30 * SEC);
        fake_teardown();
}

static void test_earliest_value_wins_and_default_accuracy_coalesces(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", TARGET);
        test_write_file(d, "a.timer", "[Unit]\nDefaultDependencies=no\n[Timer]\nOnActiveSec=20s\nOnActiveSec=10s\n");
        test_write_file(d, "a.service", SERVICE);
        fake_timer_config(NULL, 42 * SEC, 0);
        fake_setup(d, "t.target");
        uint64_t next = F.now + 10 * SEC;
        CU_ASSERT_EQUAL(tr("a.timer")->next_mono, next);
        /* AccuracySec=1min by default: the heap wakes at the per-boot spot. */
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), timer_coalesce(42 * SEC, next, next + 60 * SEC));
        CU_ASSERT(sched_next_deadline(F.s) % (60 * SEC) == 42 * SEC);
        fake_teardown();
}

/* The reference vectors of SipHash-2-4 (key 00..0f). */
static void test_siphash24_reference_vectors(void)
{
        uint8_t key[16], msg[15];
        for (int i = 0; i < 16; i++)
                key[i] = (uint8_t) i;
        for (int i = 0; i < 15; i++)
                msg[i] = (uint8_t) i;
        CU_ASSERT_EQUAL(timer_siphash24(msg, 0, key), UINT64_C(0x726fdb47dd0e0e31));
        CU_ASSERT_EQUAL(timer_siphash24(msg, 15, key), UINT64_C(0xa129ca6149be45e5));
}

static void test_fixed_random_delay_is_stable_and_bounded(void)
{
        uint64_t first = 0;
        for (int run = 0; run < 2; run++) {
                const char *d = test_tmpdir();
                test_write_file(d, "t.target", TARGET);
                test_write_file(d, "a.timer", TIMER("OnActiveSec=10s\nRandomizedDelaySec=1h\nFixedRandomDelay=yes"));
                test_write_file(d, "a.service", SERVICE);
                fake_timer_config(NULL, 0, 0x1234abcdULL);
                fake_setup(d, "t.target");
                uint64_t delay = tr("a.timer")->next_mono - (F.now + 10 * SEC);
                CU_ASSERT(delay < 3600 * SEC);
                if (run == 0)
                        first = delay;
                else
                        CU_ASSERT_EQUAL(delay, first);
                fake_teardown();
        }
        CU_ASSERT(first != 0);
}

static void test_on_clock_change_triggers(void)
{
        boot(TIMER("OnClockChange=yes"));
        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "waiting");
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), UINT64_MAX);
        fake_set_clock(fake_realtime() + 3600 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        fake_run_to_exit("FIRED", 0);
        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "waiting");
        fake_teardown();
}

static void test_on_timezone_change_triggers_only_on_a_zone_change(void)
{
        boot(TIMER("OnTimezoneChange=yes\nOnActiveSec=1h"));
        fake_set_clock(fake_realtime() + 60 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 0);
        fake_timezone_change();
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        fake_teardown();
}

static void test_clock_change_leaves_monotonic_timers_alone(void)
{
        boot(TIMER("OnActiveSec=10s"));
        uint64_t deadline = sched_next_deadline(F.s);
        fake_set_clock(fake_realtime() - 86400 * SEC);
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), deadline);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 0);
        fake_teardown();
}

static void test_missing_unit_fails_the_timer(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", TARGET);
        test_write_file(d, "a.timer", TIMER("OnActiveSec=1s\nUnit=nope.service"));
        fake_setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL(fake_state("a.timer"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.timer"), "resources");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_stop_disarms(void)
{
        boot(TIMER("OnActiveSec=10s"));
        fake_control("stop", "a.timer");
        CU_ASSERT_STRING_EQUAL(fake_state("a.timer"), "inactive");
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), UINT64_MAX);
        advance_to(F.now + 20 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 0);
        fake_teardown();
}

static struct unit *load_one(const char *dir, const char *name, struct unit_table *t, struct unit_path_index **idx)
{
        char *dirs[] = { (char *) dir, NULL };
        struct unit *u;
        unit_table_init(t);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, idx) == 0);
        struct load_context ctx = { .table = t, .index = *idx };
        CU_ASSERT_FATAL(unit_table_intern(t, name, &u) == 0);
        log_set_level(LOG_LEVEL_ERROR - 1);
        CU_ASSERT_FATAL(unit_load_all(&ctx) == 0);
        log_set_level(LOG_LEVEL_INFO);
        return unit_table_get(t, name);
}

static bool has_dep(struct unit *u, enum unit_dependency kind, const char *name)
{
        size_t it = 0;
        struct unit *o;
        while ((o = unit_next_dep(u, kind, &it)))
                if (strcmp(o->id, name) == 0)
                        return true;
        return false;
}

static void test_load_adds_implicit_and_default_dependencies(void)
{
        const char *d = test_tmpdir();
        struct unit_table t;
        struct unit_path_index *idx;
        test_write_file(d, "a.timer", "[Timer]\nOnBootSec=5min\nUnit=b.service\n");
        struct unit *u = load_one(d, "a.timer", &t, &idx);
        CU_ASSERT_EQUAL(u->load_state, UNIT_LOADED);
        CU_ASSERT_TRUE(has_dep(u, UNIT_TRIGGERS, "b.service"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_BEFORE, "b.service"));
        CU_ASSERT_TRUE(has_dep(unit_table_get(&t, "b.service"), UNIT_TRIGGERED_BY, "a.timer"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_BEFORE, "timers.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_REQUIRES, "sysinit.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_AFTER, "sysinit.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_CONFLICTS, "shutdown.target"));
        CU_ASSERT_TRUE(has_dep(u, UNIT_BEFORE, "shutdown.target"));
        CU_ASSERT_FALSE(has_dep(u, UNIT_AFTER, "time-sync.target")); /* no calendar value */
        CU_ASSERT_EQUAL(u->timer->accuracy_usec, 60 * SEC);
        CU_ASSERT_TRUE(u->timer->remain_after_elapse);
        CU_ASSERT_EQUAL(u->timer->n_values, 1);
        unit_table_done(&t);
        unit_path_index_free(idx);
}

static void test_load_takes_every_timer_setting(void)
{
        const char *d = test_tmpdir();
        struct unit_table t;
        struct unit_path_index *idx;
        char *dirs[] = { (char *) d, NULL };
        struct unit *u;
        test_write_file(d, "a.timer",
                        "[Timer]\nOnActiveSec=1s\nOnBootSec=2min\nOnStartupSec=3h\nOnUnitActiveSec=4\n"
                        "OnUnitInactiveSec=5ms\nAccuracySec=1us\nRandomizedDelaySec=30s\nFixedRandomDelay=yes\n"
                        "Persistent=yes\nWakeSystem=yes\nRemainAfterElapse=no\nOnClockChange=yes\n"
                        "OnTimezoneChange=yes\nUnit=b.service\n");
        unit_table_init(&t);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &idx) == 0);
        struct load_context ctx = { .table = &t, .index = idx };
        CU_ASSERT_FATAL(unit_table_intern(&t, "a.timer", &u) == 0);
        CU_ASSERT_FATAL(unit_load_all(&ctx) == 0);
        CU_ASSERT_EQUAL(ctx.n_warnings, 0);
        CU_ASSERT_EQUAL(ctx.n_errors, 0);
        const struct timer_config *c = u->timer;
        CU_ASSERT_EQUAL(c->n_values, 5);
        static const uint64_t want[] = { SEC, 120 * SEC, 3 * 3600 * SEC, 4 * SEC, 5000 };
        for (unsigned i = 0; i < 5 && i < c->n_values; i++) {
                CU_ASSERT_EQUAL(c->values[i].base, i);
                CU_ASSERT_EQUAL(c->values[i].usec, want[i]);
        }
        CU_ASSERT_EQUAL(c->accuracy_usec, 1);
        CU_ASSERT_EQUAL(c->randomized_delay_usec, 30 * SEC);
        CU_ASSERT_TRUE(c->fixed_random_delay && c->persistent && c->wake_system && c->on_clock_change &&
                       c->on_timezone_change);
        CU_ASSERT_FALSE(c->remain_after_elapse);
        CU_ASSERT_STRING_EQUAL(c->unit, "b.service");
        unit_table_done(&t);
        unit_path_index_free(idx);
}

static void test_load_empty_assignment_resets_and_no_value_is_refused(void)
{
        const char *d = test_tmpdir();
        struct unit_table t;
        struct unit_path_index *idx;
        test_write_file(d, "a.timer", "[Timer]\nOnBootSec=5min\nOnActiveSec=1h\nOnBootSec=\n");
        struct unit *u = load_one(d, "a.timer", &t, &idx);
        CU_ASSERT_EQUAL(u->load_state, UNIT_BAD_SETTING); /* "Timer unit lacks value setting. Refusing." */
        CU_ASSERT_TRUE(has_dep(u, UNIT_TRIGGERS, "a.service"));
        unit_table_done(&t);
        unit_path_index_free(idx);
}

static void test_load_bad_calendar_is_a_bad_setting(void)
{
        const char *d = test_tmpdir();
        struct unit_table t;
        struct unit_path_index *idx;
        test_write_file(d, "a.timer", "[Timer]\nOnActiveSec=1h\nOnCalendar=not a calendar\n");
        struct unit *u = load_one(d, "a.timer", &t, &idx);
        CU_ASSERT_EQUAL(u->load_state, UNIT_BAD_SETTING);
        unit_table_done(&t);
        unit_path_index_free(idx);
}

/* ---- calendar values: these need the calendar parser (parse/calendar.c) ---- */

static bool have_calendar(void)
{
        struct calendar_spec *c;
        if (calendar_spec_parse("*:*:0/5", &c) < 0)
                return false;
        calendar_spec_free(c);
        return true;
}

/* The fake wall clock starts on a whole minute (sched_fake.c). */
static void test_calendar_fires_on_the_wall_clock(void)
{
        if (!have_calendar())
                return;
        boot(TIMER("OnCalendar=*:*:0/5"));
        uint64_t r0 = fake_realtime();
        uint64_t next = (r0 / (5 * SEC) + 1) * 5 * SEC;
        CU_ASSERT_EQUAL(tr("a.timer")->next_real, next);
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), F.now + (next - r0));
        advance_to(F.now + (next - r0));
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        fake_run_to_exit("FIRED", 0);
        CU_ASSERT_EQUAL(tr("a.timer")->next_real, next + 5 * SEC);
        fake_teardown();
}

static void test_calendar_rearms_when_the_clock_jumps(void)
{
        if (!have_calendar())
                return;
        boot(TIMER("OnCalendar=*-*-* 00:00:00"));
        uint64_t r0 = fake_realtime(), day = 86400 * SEC;
        uint64_t midnight = (r0 / day + 1) * day;
        CU_ASSERT_EQUAL(tr("a.timer")->next_real, midnight);
        /* Forward to 10 s before midnight: the heap follows the wall clock. */
        fake_set_clock(midnight - 10 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 0);
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), F.now + 10 * SEC);
        /* Back by a day: as in systemd the elapse still counts from the
         * timer's activation, so it stays that midnight, now a day and 10 s
         * out, and the heap follows. */
        fake_set_clock(midnight - day - 10 * SEC);
        CU_ASSERT_EQUAL(tr("a.timer")->next_real, midnight);
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), F.now + day + 10 * SEC);
        advance_to(F.now + day);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 0);
        advance_to(F.now + 10 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        fake_run_to_exit("FIRED", 0);
        CU_ASSERT_EQUAL(tr("a.timer")->next_real, midnight + day);
        fake_teardown();
}

static void test_persistent_fires_at_start_when_the_stamp_is_old(void)
{
        if (!have_calendar())
                return;
        const char *d = test_tmpdir();
        char stamps[512], path[600];
        snprintf(stamps, sizeof stamps, "%s/stamps", d);
        CU_ASSERT_FATAL(mkdir(stamps, 0755) == 0);
        snprintf(path, sizeof path, "%s/stamp-a.timer", stamps);
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        CU_ASSERT_FATAL(fd >= 0);
        /* Last triggered two days before the fake clock's now. */
        uint64_t old = UINT64_C(1700000000) * SEC - 2 * 86400 * SEC;
        struct timespec ts[2] = { { .tv_sec = (time_t) (old / SEC) }, { .tv_sec = (time_t) (old / SEC) } };
        CU_ASSERT_FATAL(futimens(fd, ts) == 0);
        close(fd);
        test_write_file(d, "t.target", TARGET);
        test_write_file(d, "a.timer", TIMER("OnCalendar=daily\nPersistent=true"));
        test_write_file(d, "a.service", SERVICE);
        fake_timer_config(stamps, 0, 0);
        fake_setup(d, "t.target");
        /* Missed while off: due at the manager's start. */
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), F.now);
        advance_to(F.now);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        struct stat st;
        CU_ASSERT_FATAL(stat(path, &st) == 0);
        CU_ASSERT_EQUAL((uint64_t) st.st_mtim.tv_sec, fake_realtime() / SEC);
        fake_run_to_exit("FIRED", 0);
        /* Once: the next elapse is the next midnight. */
        CU_ASSERT_EQUAL(tr("a.timer")->next_real, (fake_realtime() / (86400 * SEC) + 1) * 86400 * SEC);
        fake_teardown();
}


/* daemon-reload carries a waiting timer over: same elapse, same heap
 * entry, new settings (here one value more) from its next computation. */
static void test_daemon_reload_keeps_a_waiting_timer(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", TARGET);
        test_write_file(d, "a.timer", TIMER("OnActiveSec=10s"));
        test_write_file(d, "a.service", SERVICE);
        fake_setup(d, "t.target");
        uint64_t t0 = F.now;
        test_write_file(d, "a.timer", TIMER("OnActiveSec=10s\nOnUnitActiveSec=3s"));
        fake_reload(d, "t.target");

        CU_ASSERT_STRING_EQUAL(sub_of("a.timer"), "waiting");
        CU_ASSERT_EQUAL(tr("a.timer")->n_disabled, 2);
        CU_ASSERT_EQUAL(sched_next_deadline(F.s), t0 + 10 * SEC);
        advance_to(t0 + 10 * SEC);
        CU_ASSERT_EQUAL(fake_count_spawns("FIRED"), 1);
        uint64_t started = F.now;
        fake_run_to_exit("FIRED", 0);
        /* The new OnUnitActiveSec= is in force. */
        CU_ASSERT_EQUAL(tr("a.timer")->next_mono, started + 3 * SEC);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "coalesce_follows_sd_event", test_coalesce_follows_sd_event },
        { "on_active_sec_fires_once_then_elapsed", test_on_active_sec_fires_once_then_elapsed },
        { "remain_after_elapse_no_goes_dead", test_remain_after_elapse_no_goes_dead },
        { "on_unit_active_sec_rearms_after_each_run", test_on_unit_active_sec_rearms_after_each_run },
        { "on_unit_inactive_sec_counts_from_the_exit", test_on_unit_inactive_sec_counts_from_the_exit },
        { "on_startup_sec_counts_from_the_manager", test_on_startup_sec_counts_from_the_manager },
        { "earliest_value_wins_and_default_accuracy_coalesces", test_earliest_value_wins_and_default_accuracy_coalesces },
        { "siphash24_reference_vectors", test_siphash24_reference_vectors },
        { "fixed_random_delay_is_stable_and_bounded", test_fixed_random_delay_is_stable_and_bounded },
        { "on_clock_change_triggers", test_on_clock_change_triggers },
        { "on_timezone_change_triggers_only_on_a_zone_change", test_on_timezone_change_triggers_only_on_a_zone_change },
        { "clock_change_leaves_monotonic_timers_alone", test_clock_change_leaves_monotonic_timers_alone },
        { "missing_unit_fails_the_timer", test_missing_unit_fails_the_timer },
        { "stop_disarms", test_stop_disarms },
        { "daemon_reload_keeps_a_waiting_timer", test_daemon_reload_keeps_a_waiting_timer },
        { "load_adds_implicit_and_default_dependencies", test_load_adds_implicit_and_default_dependencies },
        { "load_takes_every_timer_setting", test_load_takes_every_timer_setting },
        { "load_empty_assignment_resets_and_no_value_is_refused", test_load_empty_assignment_resets_and_no_value_is_refused },
        { "load_bad_calendar_is_a_bad_setting", test_load_bad_calendar_is_a_bad_setting },
        { "calendar_fires_on_the_wall_clock", test_calendar_fires_on_the_wall_clock },
        { "calendar_rearms_when_the_clock_jumps", test_calendar_rearms_when_the_clock_jumps },
        { "persistent_fires_at_start_when_the_stamp_is_old", test_persistent_fires_at_start_when_the_stamp_is_old },
        { 0 },
};

TEST_SUITE("timer", tests);
