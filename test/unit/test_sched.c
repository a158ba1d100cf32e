/* The scheduler against a fake spawner and a fake clock: ordering, the
 * Requires=/Wants= rules, cycles, Conflicts=, the restart table, the start
 * limit, stop order and timeouts, all deterministic. Each test loads a small
 * unit tree, starts a target, then plays the part of the worker pool and
 * the signal thread by feeding events. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/log.h"
#include "core/sched.h"
#include "core/strv.h"
#include "parse/load.h"
#include "test/unit/test.h"

#define MAX_SPAWNS 256
#define MAX_KILLS 256

struct fake {
        struct unit_table table;
        struct unit_path_index *index;
        struct sched *s;
        uint64_t now;
        struct spawn_request *spawns[MAX_SPAWNS]; /* in order of request */
        int n_spawns;
        struct {
                pid_t pid;
                int sig;
        } kills[MAX_KILLS];
        int n_kills;
        pid_t alive[MAX_SPAWNS];
        int n_alive;
        pid_t next_pid;
        int boot_done;   /* 1 success, -1 failure */
        int shutdown_done;
};

static struct fake F;

static int fake_spawn(void *userdata, struct spawn_request *req)
{
        CU_ASSERT_FATAL(F.n_spawns < MAX_SPAWNS);
        F.spawns[F.n_spawns++] = req;
        return 0;
}

static bool is_alive(pid_t pid)
{
        for (int i = 0; i < F.n_alive; i++)
                if (F.alive[i] == pid)
                        return true;
        return false;
}

static int fake_kill(void *userdata, pid_t pid, int sig)
{
        if (sig != 0 && F.n_kills < MAX_KILLS) {
                F.kills[F.n_kills].pid = pid;
                F.kills[F.n_kills].sig = sig;
                F.n_kills++;
        }
        /* Each fake process leads its own group, as weft's children do. */
        return is_alive(pid < 0 ? -pid : pid) ? 0 : -ESRCH;
}

static void fake_boot_done(void *userdata, bool success)
{
        F.boot_done = success ? 1 : -1;
}

static void fake_shutdown_done(void *userdata)
{
        F.shutdown_done = 1;
}

static const struct sched_ops fake_ops = {
        .spawn = fake_spawn,
        .kill = fake_kill,
        .boot_done = fake_boot_done,
        .shutdown_done = fake_shutdown_done,
};

static void setup_with(const char *dir, const char *target, const char *extra)
{
        char *dirs[] = { (char *) dir, NULL };
        memset(&F, 0, sizeof F);
        F.next_pid = 1000;
        F.now = 1000000;
        unit_table_init(&F.table);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &F.index) == 0);
        struct load_context ctx = { .table = &F.table, .index = F.index };
        struct unit *u;
        CU_ASSERT_FATAL(unit_table_intern(&F.table, target, &u) == 0);
        if (extra)
                CU_ASSERT_FATAL(unit_table_intern(&F.table, extra, &u) == 0);
        log_set_level(LOG_LEVEL_ERROR - 1);
        CU_ASSERT_FATAL(unit_load_all(&ctx) == 0);
        const struct sched_config config = { .log_dir = dir, .manager_start = F.now };
        CU_ASSERT_FATAL(sched_new(&F.table, &fake_ops, NULL, &config, &F.s) == 0);
        CU_ASSERT_FATAL(sched_start(F.s, target, F.now, true) == 0);
}

static void setup(const char *dir, const char *target)
{
        setup_with(dir, target, NULL);
}

static void teardown(void)
{
        sched_free(F.s);
        for (int i = 0; i < F.n_spawns; i++)
                spawn_request_free(F.spawns[i]);
        unit_table_done(&F.table);
        unit_path_index_free(F.index);
        log_set_level(LOG_LEVEL_INFO);
}

/* The index of the latest spawn whose argv[1..] joined contains tag, or -1. */
static int find_spawn(const char *tag)
{
        for (int i = F.n_spawns - 1; i >= 0; i--)
                for (char **a = F.spawns[i]->argv; a && *a; a++)
                        if (strstr(*a, tag))
                                return i;
        return -1;
}

static int count_spawns(const char *tag)
{
        int n = 0;
        for (int i = 0; i < F.n_spawns; i++)
                for (char **a = F.spawns[i]->argv; a && *a; a++)
                        if (strstr(*a, tag)) {
                                n++;
                                break;
                        }
        return n;
}

/* The worker reports spawn i: forked and exec'd. Returns the pid. */
static pid_t report(int i)
{
        CU_ASSERT_FATAL(i >= 0 && i < F.n_spawns);
        pid_t pid = F.next_pid++;
        F.alive[F.n_alive++] = pid;
        struct event ev = { .type = EVENT_SPAWNED, .stamp_usec = ++F.now };
        ev.spawned.request_id = F.spawns[i]->id;
        ev.spawned.pid = pid;
        ev.spawned.exec_usec = F.now;
        sched_handle_event(F.s, &ev);
        return pid;
}

static void exit_pid(pid_t pid, int code, int status)
{
        for (int i = 0; i < F.n_alive; i++)
                if (F.alive[i] == pid)
                        F.alive[i] = F.alive[--F.n_alive];
        struct event ev = { .type = EVENT_EXITED, .stamp_usec = ++F.now };
        ev.exited.pid = pid;
        ev.exited.code = code;
        ev.exited.status = status;
        sched_handle_event(F.s, &ev);
}

/* Spawn by tag, then exit with status: a oneshot command runs to the end. */
static void run_to_exit(const char *tag, int status)
{
        int i = find_spawn(tag);
        CU_ASSERT_FATAL(i >= 0);
        exit_pid(report(i), CLD_EXITED, status);
}

static bool killed(pid_t pid, int sig)
{
        for (int i = 0; i < F.n_kills; i++)
                if (F.kills[i].pid == pid && F.kills[i].sig == sig)
                        return true;
        return false;
}

static void advance(uint64_t usec)
{
        F.now += usec;
        sched_run_timers(F.s, F.now);
}

static const char *state(const char *unit)
{
        return sched_unit_active_state(F.s, unit);
}

#define ONESHOT(tag, extra) "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nType=oneshot\nExecStart=/bin/echo " tag "\n"
#define SIMPLE(tag, extra) "[Unit]\nDefaultDependencies=no\n" extra "\n[Service]\nExecStart=/bin/sleep " tag "\n"

static void test_chain_starts_in_order(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n"
                                       "After=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "After=b.service"));
        setup(d, "t.target");
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        CU_ASSERT(find_spawn("A") >= 0);
        run_to_exit("A", 0);
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        CU_ASSERT(find_spawn("B") >= 0);
        run_to_exit("B", 0);
        CU_ASSERT(find_spawn("C") >= 0);
        CU_ASSERT_EQUAL(F.boot_done, 0);
        run_to_exit("C", 0);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        CU_ASSERT_STRING_EQUAL(state("t.target"), "active");
        CU_ASSERT_STRING_EQUAL(state("c.service"), "inactive");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        teardown();
}

static void test_unordered_units_start_together(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", ""));
        test_write_file(d, "c.service", ONESHOT("C", "Requires=a.service"));
        setup(d, "t.target");
        /* No After=: all three at once, Requires= alone orders nothing. */
        CU_ASSERT_EQUAL(F.n_spawns, 3);
        teardown();
}

static void test_requires_failure_cancels_dependent(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "Requires=a.service\nAfter=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "Wants=a.service\nAfter=a.service"));
        setup(d, "t.target");
        run_to_exit("A", 1);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "exit-code");
        CU_ASSERT_EQUAL(find_spawn("B"), -1);          /* dependency: never started */
        CU_ASSERT_STRING_EQUAL(state("b.service"), "inactive");
        CU_ASSERT(find_spawn("C") >= 0);               /* Wants= does not care */
        teardown();
}

static void test_requires_failure_propagates_down_a_chain(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "Requires=a.service\nAfter=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "Requires=b.service\nAfter=b.service"));
        setup(d, "t.target");
        run_to_exit("A", 2);
        CU_ASSERT_EQUAL(find_spawn("B"), -1);
        CU_ASSERT_EQUAL(find_spawn("C"), -1);
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        CU_ASSERT_EQUAL(F.boot_done, 1); /* the target only Wants= them */
        teardown();
}

static void test_requiring_a_missing_unit_fails_at_once(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=b.service\n");
        test_write_file(d, "b.service", ONESHOT("B", "Requires=missing.service"));
        setup(d, "t.target");
        CU_ASSERT_EQUAL(find_spawn("B"), -1);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        teardown();
}

static void test_ordering_cycle_is_broken_by_dropping_a_wanted_job(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service c.service\n");
        test_write_file(d, "a.service", ONESHOT("A", "After=c.service"));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        test_write_file(d, "c.service", ONESHOT("C", "After=b.service"));
        setup(d, "t.target");
        /* One of the three was dropped, so the other two run in order. */
        CU_ASSERT_EQUAL(F.n_spawns, 1);
        for (int round = 0; round < 2 && F.n_spawns > 0; round++)
                exit_pid(report(F.n_spawns - 1), CLD_EXITED, 0);
        CU_ASSERT_EQUAL(F.n_spawns, 2);
        CU_ASSERT_EQUAL(F.boot_done, 1);
        teardown();
}

static void test_simple_service_is_active_once_forked(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("100", ""));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        setup(d, "t.target");
        CU_ASSERT_STRING_EQUAL(state("a.service"), "activating");
        pid_t pid = report(find_spawn("100"));
        CU_ASSERT_STRING_EQUAL(state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "running");
        CU_ASSERT_EQUAL(sched_unit_main_pid(F.s, "a.service"), pid);
        CU_ASSERT(find_spawn("B") >= 0);
        teardown();
}

static void test_exit_before_spawn_report_is_not_lost(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", ONESHOT("A", ""));
        test_write_file(d, "b.service", ONESHOT("B", "After=a.service"));
        setup(d, "t.target");
        /* The signal thread reaps the child before the worker reports it. */
        pid_t pid = F.next_pid++;
        struct event ex = { .type = EVENT_EXITED, .stamp_usec = ++F.now };
        ex.exited.pid = pid;
        ex.exited.code = CLD_EXITED;
        sched_handle_event(F.s, &ex);
        struct event sp = { .type = EVENT_SPAWNED, .stamp_usec = ++F.now };
        sp.spawned.request_id = F.spawns[find_spawn("A")]->id;
        sp.spawned.pid = pid;
        sched_handle_event(F.s, &sp);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "inactive");
        CU_ASSERT(find_spawn("B") >= 0);
        teardown();
}

static void test_restart_on_failure_restarts_after_restart_sec(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("200", "") "Restart=on-failure\nRestartSec=2s\n");
        setup(d, "t.target");
        pid_t pid = report(find_spawn("200"));
        exit_pid(pid, CLD_EXITED, 3);
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "auto-restart");
        CU_ASSERT_EQUAL(count_spawns("200"), 1);
        advance(1999999);
        CU_ASSERT_EQUAL(count_spawns("200"), 1);
        advance(1);
        CU_ASSERT_EQUAL(count_spawns("200"), 2);
        /* A clean exit is not a failure: no restart for on-failure. */
        exit_pid(report(find_spawn("200")), CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "inactive");
        advance(10000000);
        CU_ASSERT_EQUAL(count_spawns("200"), 2);
        teardown();
}

struct restart_case {
        const char *restart;
        int code, status;
        bool restarts;
};

static void test_restart_table(void)
{
        static const struct restart_case cases[] = {
                { "no", CLD_EXITED, 1, false },           { "always", CLD_EXITED, 0, true },
                { "always", CLD_KILLED, SIGKILL, true },  { "on-success", CLD_EXITED, 0, true },
                { "on-success", CLD_EXITED, 1, false },   { "on-failure", CLD_EXITED, 1, true },
                { "on-failure", CLD_KILLED, SIGKILL, true }, { "on-failure", CLD_KILLED, SIGTERM, false },
                { "on-abnormal", CLD_EXITED, 1, false },  { "on-abnormal", CLD_KILLED, SIGSEGV, true },
                { "on-abort", CLD_DUMPED, SIGABRT, true }, { "on-abort", CLD_EXITED, 1, false },
                { "on-watchdog", CLD_EXITED, 1, false },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const struct restart_case *c = &cases[i];
                char unit[256];
                const char *d = test_tmpdir();
                snprintf(unit, sizeof unit, SIMPLE("300", "") "Restart=%s\n", c->restart);
                test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
                test_write_file(d, "a.service", unit);
                setup(d, "t.target");
                exit_pid(report(find_spawn("300")), c->code, c->status);
                bool restarting = strcmp(sched_unit_sub_state(F.s, "a.service"), "auto-restart") == 0;
                if (restarting != c->restarts)
                        fprintf(stderr, "Restart=%s code=%d status=%d: expected %d\n", c->restart, c->code,
                                c->status, c->restarts);
                CU_ASSERT_EQUAL(restarting, c->restarts);
                teardown();
        }
}

static void test_restart_prevent_and_force_exit_status(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("400", "") "Restart=always\nRestartPreventExitStatus=42\n");
        test_write_file(d, "b.service", SIMPLE("500", "") "Restart=no\nRestartForceExitStatus=7\n");
        setup(d, "t.target");
        exit_pid(report(find_spawn("400")), CLD_EXITED, 42);
        exit_pid(report(find_spawn("500")), CLD_EXITED, 7);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "b.service"), "auto-restart");
        teardown();
}

static void test_start_limit_stops_restarts(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service",
                        "[Unit]\nDefaultDependencies=no\nStartLimitIntervalSec=10s\nStartLimitBurst=3\n"
                        "[Service]\nExecStart=/bin/sleep 600\nRestart=always\nRestartSec=100ms\n");
        setup(d, "t.target");
        for (int i = 0; i < 3; i++) {
                exit_pid(report(find_spawn("600")), CLD_EXITED, 1);
                advance(100000);
        }
        CU_ASSERT_EQUAL(count_spawns("600"), 3);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "start-limit-hit");
        teardown();
}

static void test_exec_start_pre_failure_fails_the_unit(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStartPre=/bin/echo PRE\n"
                                        "ExecStart=/bin/sleep 700\nExecStopPost=/bin/echo POST $SERVICE_RESULT\n");
        setup(d, "t.target");
        run_to_exit("PRE", 1);
        CU_ASSERT_EQUAL(find_spawn("700"), -1);
        int post = find_spawn("POST");
        CU_ASSERT_FATAL(post >= 0);
        CU_ASSERT_TRUE(strv_contains(F.spawns[post]->envp, "SERVICE_RESULT=exit-code"));
        exit_pid(report(post), CLD_EXITED, 0);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "failed");
        teardown();
}

static void test_oneshot_remain_after_exit_stays_active(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", ONESHOT("A", "") "RemainAfterExit=yes\nExecStart=/bin/echo A2\n");
        setup(d, "t.target");
        run_to_exit("A", 0);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "activating");
        run_to_exit("A2", 0); /* several ExecStart= run in sequence */
        CU_ASSERT_STRING_EQUAL(state("a.service"), "active");
        CU_ASSERT_STRING_EQUAL(sched_unit_sub_state(F.s, "a.service"), "exited");
        teardown();
}

static void test_shutdown_stops_in_reverse_order(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("801", ""));
        test_write_file(d, "b.service", SIMPLE("802", "After=a.service"));
        setup(d, "t.target");
        pid_t a = report(find_spawn("801"));
        pid_t b = report(find_spawn("802"));
        sched_shutdown(F.s, ++F.now);
        /* b was started after a, so it is stopped first. */
        CU_ASSERT_EQUAL(F.n_kills, 2); /* SIGTERM + SIGCONT to b's group */
        CU_ASSERT_EQUAL(F.kills[0].pid, -b);
        CU_ASSERT_EQUAL(F.kills[0].sig, SIGTERM);
        CU_ASSERT_EQUAL(F.kills[1].sig, SIGCONT);
        exit_pid(b, CLD_KILLED, SIGTERM);
        CU_ASSERT_EQUAL(F.kills[2].pid, -a);
        CU_ASSERT_EQUAL(F.shutdown_done, 0);
        exit_pid(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "inactive");
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        teardown();
}

static void test_stop_timeout_escalates_to_sigkill(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("900", "") "TimeoutStopSec=5s\n");
        setup(d, "t.target");
        pid_t a = report(find_spawn("900"));
        sched_shutdown(F.s, ++F.now);
        CU_ASSERT_EQUAL(F.kills[0].sig, SIGTERM);
        advance(5000000);
        CU_ASSERT_EQUAL(F.kills[F.n_kills - 1].sig, SIGKILL);
        CU_ASSERT_EQUAL(F.kills[F.n_kills - 1].pid, -a);
        exit_pid(a, CLD_KILLED, SIGKILL);
        CU_ASSERT_EQUAL(F.shutdown_done, 1);
        teardown();
}

static void test_conflicting_unit_is_stopped_first(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", SIMPLE("1001", ""));
        /* systemd.unit(5): Conflicts= orders nothing by itself; with an
         * ordering edge, the stop job always goes first. */
        test_write_file(d, "b.service", SIMPLE("1002", "Conflicts=a.service\nAfter=a.service"));
        setup_with(d, "t.target", "b.service");
        pid_t a = report(find_spawn("1001"));
        CU_ASSERT_EQUAL(sched_start(F.s, "b.service", ++F.now, false), 0);
        CU_ASSERT_EQUAL(find_spawn("1002"), -1); /* waits for a's stop */
        CU_ASSERT_TRUE(killed(-a, SIGTERM));
        exit_pid(a, CLD_KILLED, SIGTERM);
        CU_ASSERT(find_spawn("1002") >= 0);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "inactive");
        teardown();
}

static void test_on_failure_starts_its_unit(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", ONESHOT("A", "OnFailure=rescue.service"));
        test_write_file(d, "rescue.service", ONESHOT("RESCUE", ""));
        setup(d, "t.target");
        CU_ASSERT_EQUAL(find_spawn("RESCUE"), -1);
        run_to_exit("A", 1);
        CU_ASSERT(find_spawn("RESCUE") >= 0);
        teardown();
}

static void test_binds_to_stops_with_the_bound_unit(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service b.service\n");
        test_write_file(d, "a.service", SIMPLE("1101", ""));
        test_write_file(d, "b.service", SIMPLE("1102", "BindsTo=a.service\nAfter=a.service"));
        setup(d, "t.target");
        pid_t a = report(find_spawn("1101"));
        pid_t b = report(find_spawn("1102"));
        exit_pid(a, CLD_EXITED, 0); /* a dies on its own */
        CU_ASSERT_TRUE(killed(-b, SIGTERM));
        exit_pid(b, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(state("b.service"), "inactive");
        teardown();
}

static void test_start_timeout_fails_and_kills(void)
{
        const char *d = test_tmpdir();
        test_write_file(d, "t.target", "[Unit]\nWants=a.service\n");
        test_write_file(d, "a.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=forking\n"
                                        "ExecStart=/bin/sleep 1200\nTimeoutStartSec=3s\n");
        setup(d, "t.target");
        pid_t a = report(find_spawn("1200"));
        advance(3000000);
        CU_ASSERT_EQUAL(F.kills[0].pid, -a);
        exit_pid(a, CLD_KILLED, SIGTERM);
        CU_ASSERT_STRING_EQUAL(state("a.service"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "a.service"), "timeout");
        teardown();
}

static const struct test_case tests[] = {
        { "chain_starts_in_order", test_chain_starts_in_order },
        { "unordered_units_start_together", test_unordered_units_start_together },
        { "requires_failure_cancels_dependent", test_requires_failure_cancels_dependent },
        { "requires_failure_propagates_down_a_chain", test_requires_failure_propagates_down_a_chain },
        { "requiring_a_missing_unit_fails_at_once", test_requiring_a_missing_unit_fails_at_once },
        { "ordering_cycle_is_broken_by_dropping_a_wanted_job", test_ordering_cycle_is_broken_by_dropping_a_wanted_job },
        { "simple_service_is_active_once_forked", test_simple_service_is_active_once_forked },
        { "exit_before_spawn_report_is_not_lost", test_exit_before_spawn_report_is_not_lost },
        { "restart_on_failure_restarts_after_restart_sec", test_restart_on_failure_restarts_after_restart_sec },
        { "restart_table", test_restart_table },
        { "restart_prevent_and_force_exit_status", test_restart_prevent_and_force_exit_status },
        { "start_limit_stops_restarts", test_start_limit_stops_restarts },
        { "exec_start_pre_failure_fails_the_unit", test_exec_start_pre_failure_fails_the_unit },
        { "oneshot_remain_after_exit_stays_active", test_oneshot_remain_after_exit_stays_active },
        { "shutdown_stops_in_reverse_order", test_shutdown_stops_in_reverse_order },
        { "stop_timeout_escalates_to_sigkill", test_stop_timeout_escalates_to_sigkill },
        { "conflicting_unit_is_stopped_first", test_conflicting_unit_is_stopped_first },
        { "on_failure_starts_its_unit", test_on_failure_starts_its_unit },
        { "binds_to_stops_with_the_bound_unit", test_binds_to_stops_with_the_bound_unit },
        { "start_timeout_fails_and_kills", test_start_timeout_fails_and_kills },
        { 0 },
};
TEST_SUITE("sched", tests);
