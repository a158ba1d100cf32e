/* Path units against the fake world of sched_fake.h (issue 12), with real
 * inotify fds on a temp dir: the fake io thread reports the fd readable
 * when the test says so. A path unit waits, watching, until its condition
 * holds; starts its unit and stops watching while that unit runs; looks
 * again when that unit goes down (from its timer, so fake_advance(0) runs
 * the look), re-triggering PathExists= while the file is still there but
 * never PathChanged= for its own unit's end; fails with trigger-limit-hit
 * past TriggerLimitBurst=, and with unit-start-limit-hit when its unit hits
 * its start limit. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test/unit/sched_fake.h"
#include "test/unit/test.h"

#define ONESHOT(cmd) "[Unit]\nDefaultDependencies=no\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nExecStart=" cmd "\n"

static char path_buf[512];

static const char *at(const char *d, const char *rel)
{
        snprintf(path_buf, sizeof path_buf, "%s/%s", d, rel);
        return path_buf;
}

static void touch(const char *path)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CU_ASSERT_FATAL(fd >= 0);
        close(fd);
}

static const char *sub(const char *unit)
{
        return sched_unit_sub_state(F.s, unit);
}

/* p.path with body, triggering p.service (a oneshot tagged tag). */
static void setup(const char *d, const char *body, const char *service)
{
        char unit[1024];
        snprintf(unit, sizeof unit, "[Unit]\nDefaultDependencies=no\n[Path]\n%s\n", body);
        test_write_file(d, "t.target", "[Unit]\nWants=p.path\n");
        test_write_file(d, "p.path", unit);
        test_write_file(d, "p.service", service);
        fake_setup(d, "t.target");
}

static int watched_fd(void)
{
        CU_ASSERT_EQUAL_FATAL(F.n_watches, 1);
        return F.watches[0].fd;
}

static void test_path_exists_waits_for_the_file_below_a_directory_made_later(void)
{
        const char *d = test_tmpdir();
        char body[600];
        snprintf(body, sizeof body, "PathExists=%s/w/x/flag", d);
        setup(d, body, ONESHOT("/bin/echo PATH1"));
        CU_ASSERT_STRING_EQUAL(sub("p.path"), "waiting");
        int fd = watched_fd();

        /* The directories appear first: a look, nothing to start, watched again. */
        CU_ASSERT_EQUAL(mkdir(at(d, "w"), 0755), 0);
        CU_ASSERT_EQUAL(mkdir(at(d, "w/x"), 0755), 0);
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_STRING_EQUAL(sub("p.path"), "waiting");
        CU_ASSERT_TRUE(fake_watched(fd));
        CU_ASSERT_EQUAL(fake_count_spawns("PATH1"), 0);

        /* The file: its service starts, nothing is watched while it runs. */
        touch(at(d, "w/x/flag"));
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_EQUAL(fake_count_spawns("PATH1"), 1);
        CU_ASSERT_STRING_EQUAL(sub("p.path"), "running");
        CU_ASSERT_FALSE(fake_watched(fd));

        /* The service removes the file and ends: back to waiting, no second start. */
        CU_ASSERT_EQUAL(unlink(at(d, "w/x/flag")), 0);
        fake_run_to_exit("PATH1", 0);
        fake_advance(0);
        CU_ASSERT_STRING_EQUAL(sub("p.path"), "waiting");
        CU_ASSERT_TRUE(fake_watched(fd));
        CU_ASSERT_EQUAL(fake_count_spawns("PATH1"), 1);

        /* The directory removed and made again: the next file still starts it. */
        CU_ASSERT_EQUAL(rmdir(at(d, "w/x")), 0);
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_STRING_EQUAL(sub("p.path"), "waiting");
        CU_ASSERT_EQUAL(mkdir(at(d, "w/x"), 0755), 0);
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        touch(at(d, "w/x/flag"));
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_EQUAL(fake_count_spawns("PATH1"), 2);
        fake_teardown();
}

static void test_path_exists_at_start_triggers_at_once(void)
{
        const char *d = test_tmpdir();
        char body[600];
        touch(at(d, "flag"));
        snprintf(body, sizeof body, "PathExists=%s/flag", d);
        setup(d, body, "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep PATH2\n");
        CU_ASSERT_EQUAL(fake_count_spawns("PATH2"), 1);
        CU_ASSERT_STRING_EQUAL(sub("p.path"), "running");
        CU_ASSERT_STRING_EQUAL(fake_state("p.path"), "active");
        CU_ASSERT_EQUAL(F.n_watches, 0);
        fake_teardown();
}

static void test_path_changed_does_not_fire_for_its_own_units_end(void)
{
        const char *d = test_tmpdir();
        char body[600];
        touch(at(d, "f"));
        snprintf(body, sizeof body, "PathChanged=%s/f", d);
        setup(d, body, ONESHOT("/bin/echo PATH3"));
        int fd = watched_fd();
        CU_ASSERT_EQUAL(fake_count_spawns("PATH3"), 0); /* no change yet */

        int w = open(at(d, "f"), O_WRONLY | O_APPEND | O_CLOEXEC);
        CU_ASSERT_FATAL(w >= 0);
        CU_ASSERT_EQUAL(write(w, "x", 1), 1);
        close(w);
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_EQUAL(fake_count_spawns("PATH3"), 1);
        /* Its service consumes the file: that is its own doing, not a change
         * to act on when it ends (systemd's from_trigger_notify). */
        CU_ASSERT_EQUAL(unlink(at(d, "f")), 0);
        fake_run_to_exit("PATH3", 0);
        fake_advance(0);
        fake_advance(1000000);
        CU_ASSERT_STRING_EQUAL(sub("p.path"), "waiting");
        CU_ASSERT_EQUAL(fake_count_spawns("PATH3"), 1);
        CU_ASSERT_TRUE(fake_watched(fd));
        /* Made again while waiting: that is a change. */
        touch(at(d, "f"));
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        CU_ASSERT_EQUAL(fake_count_spawns("PATH3"), 2);
        fake_teardown();
}

static void test_path_exists_left_in_place_loops_into_the_trigger_limit(void)
{
        const char *d = test_tmpdir();
        char body[600];
        snprintf(body, sizeof body, "PathExists=%s/flag\nTriggerLimitIntervalSec=10s\nTriggerLimitBurst=3", d);
        setup(d, body, ONESHOT("/bin/echo PATH4"));
        int fd = watched_fd();
        touch(at(d, "flag"));
        CU_ASSERT_TRUE(fake_fd_ready(fd));
        for (int i = 1; i <= 3; i++) {
                CU_ASSERT_EQUAL(fake_count_spawns("PATH4"), i);
                fake_run_to_exit("PATH4", 0);
                fake_advance(0); /* the look after the unit went down: the file is still there */
        }
        CU_ASSERT_EQUAL(fake_count_spawns("PATH4"), 3);
        CU_ASSERT_STRING_EQUAL(fake_state("p.path"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "p.path"), "trigger-limit-hit");
        CU_ASSERT_FALSE(fake_watched(fd));
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_unit_start_limit_fails_the_path(void)
{
        const char *d = test_tmpdir();
        char body[600];
        touch(at(d, "flag"));
        snprintf(body, sizeof body, "DirectoryNotEmpty=%s", d);
        setup(d, body,
              "[Unit]\nDefaultDependencies=no\nStartLimitIntervalSec=60s\nStartLimitBurst=2\n"
              "[Service]\nType=oneshot\nExecStart=/bin/false PATH5\n");
        for (int i = 0; i < 2; i++) {
                fake_run_to_exit("PATH5", 1);
                fake_advance(0);
        }
        CU_ASSERT_EQUAL(fake_count_spawns("PATH5"), 2);
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "p.service"), "start-limit-hit");
        fake_advance(0);
        CU_ASSERT_STRING_EQUAL(fake_state("p.path"), "failed");
        CU_ASSERT_STRING_EQUAL(sched_unit_result(F.s, "p.path"), "unit-start-limit-hit");
        CU_ASSERT_EQUAL(sched_n_jobs(F.s), 0);
        fake_teardown();
}

static void test_stopping_the_path_closes_its_fd(void)
{
        const char *d = test_tmpdir();
        char body[600];
        snprintf(body, sizeof body, "PathExists=%s/flag", d);
        setup(d, body, ONESHOT("/bin/echo PATH6"));
        int fd = watched_fd();
        fake_control("stop", "p.path");
        CU_ASSERT_STRING_EQUAL(fake_state("p.path"), "inactive");
        CU_ASSERT_FALSE(fake_watched(fd));
        CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), -1); /* closed */
        touch(at(d, "flag"));
        CU_ASSERT_EQUAL(fake_count_spawns("PATH6"), 0);
        fake_control("start", "p.path");
        CU_ASSERT_EQUAL(fake_count_spawns("PATH6"), 1);
        fake_teardown();
}

static const struct test_case tests[] = {
        { "path_exists_waits_for_the_file_below_a_directory_made_later",
          test_path_exists_waits_for_the_file_below_a_directory_made_later },
        { "path_exists_at_start_triggers_at_once", test_path_exists_at_start_triggers_at_once },
        { "path_changed_does_not_fire_for_its_own_units_end", test_path_changed_does_not_fire_for_its_own_units_end },
        { "path_exists_left_in_place_loops_into_the_trigger_limit",
          test_path_exists_left_in_place_loops_into_the_trigger_limit },
        { "unit_start_limit_fails_the_path", test_unit_start_limit_fails_the_path },
        { "stopping_the_path_closes_its_fd", test_stopping_the_path_closes_its_fd },
        { 0 },
};
TEST_SUITE("sched_path", tests);
