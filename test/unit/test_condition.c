/* Tests for Condition*= / Assert*= evaluation: each condition against a
 * fake root (files, /proc and /sys written by the test), then the list rules
 * (negation, '|' triggers, errors count as failures). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/condition.h"
#include "base/macro.h"
#include "test/unit/test.h"

static char root[256];
static char *const fake_environ[] = { "FOO=bar", "EMPTY=", NULL };

/* A fake machine: files, a kernel command line, /proc and /sys entries. */
static struct condition_env make_root(void)
{
        char buf[512];
        snprintf(root, sizeof root, "%s", test_tmpdir());
        test_write_file(root, "data/file", "x");
        test_write_file(root, "data/empty", "");
        CU_ASSERT_FATAL(chmod(test_write_file(root, "data/exec", "#!/bin/sh\n"), 0755) == 0);
        test_write_file(root, "data/dir/a", "a");
        test_write_file(root, "data/emptydir/.hidden", "");
        test_write_file(root, "data/emptydir/backup~", "");
        snprintf(buf, sizeof buf, "%s/data/link", root);
        CU_ASSERT_FATAL(symlink("file", buf) == 0);
        test_write_file(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        test_write_file(root, "etc/os-release", "ID=debian\nVERSION_ID=\"5.10\"\nNAME='Debian GNU/Linux'\n");
        snprintf(buf, sizeof buf, "root:x:0:0::/root:/bin/sh\nme:x:%u:%u::/:/bin/sh\n", getuid(), getgid());
        test_write_file(root, "etc/passwd", buf);
        snprintf(buf, sizeof buf, "root:x:0:\nmegroup:x:%u:\n", getgid());
        test_write_file(root, "etc/group", buf);
        test_write_file(root, "proc/cmdline", "quiet root=/dev/sda1 weft.debug foo=\"a b\"\n");
        test_write_file(root, "proc/self/status", "Name:\tweft\nCapBnd:\t0000000000200000\n");
        test_write_file(root, "proc/meminfo", "MemTotal:        2048000 kB\nMemFree:  1 kB\n");
        test_write_file(root, "sys/class/power_supply/AC/type", "Mains\n");
        test_write_file(root, "sys/class/power_supply/AC/online", "0\n");
        test_write_file(root, "sys/fs/selinux/enforce", "1");
        test_write_file(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
        return (struct condition_env) { .root = root, .environ = fake_environ };
}

static int check(const char *name, const char *param, const struct condition_env *env)
{
        struct unit_condition c = { .name = (char *) name, .parameter = (char *) param };
        return condition_test(&c, env);
}

/* ---- each condition, true and false, on the fake root ---- */

static const struct {
        const char *name;
        const char *param;
        int expect; /* 1, 0, or a negative errno */
} cases[] = {
        { "ConditionPathExists", "/data/file", 1 },
        { "ConditionPathExists", "/data/missing", 0 },
        { "ConditionPathExistsGlob", "/data/fi*", 1 },
        { "ConditionPathExistsGlob", "/data/d?r/*", 1 },
        { "ConditionPathExistsGlob", "/data/nope*", 0 },
        { "ConditionPathIsDirectory", "/data/dir", 1 },
        { "ConditionPathIsDirectory", "/data/file", 0 },
        { "ConditionPathIsSymbolicLink", "/data/link", 1 },
        { "ConditionPathIsSymbolicLink", "/data/file", 0 },
        { "ConditionPathIsMountPoint", "/data/dir", 0 },
        { "ConditionPathIsReadWrite", "/data/dir", 1 },
        { "ConditionPathIsReadWrite", "/data/missing", 0 },
        { "ConditionPathIsEncrypted", "/data/file", 0 },
        { "ConditionDirectoryNotEmpty", "/data/dir", 1 },
        { "ConditionDirectoryNotEmpty", "/data/emptydir", 0 },
        { "ConditionDirectoryNotEmpty", "/data/file", 0 },
        { "ConditionFileNotEmpty", "/data/file", 1 },
        { "ConditionFileNotEmpty", "/data/empty", 0 },
        { "ConditionFileNotEmpty", "/data/dir", 0 },
        { "ConditionFileIsExecutable", "/data/exec", 1 },
        { "ConditionFileIsExecutable", "/data/file", 0 },
        { "ConditionKernelCommandLine", "quiet", 1 },
        { "ConditionKernelCommandLine", "root", 1 },
        { "ConditionKernelCommandLine", "root=/dev/sda1", 1 },
        { "ConditionKernelCommandLine", "root=/dev/sda2", 0 },
        { "ConditionKernelCommandLine", "weft", 0 },
        { "ConditionKernelCommandLine", "foo=a b", 1 },
        { "ConditionKernelCommandLine", "splash", 0 },
        { "ConditionHost", "0123456789abcdef0123456789abcdef", 1 },
        { "ConditionHost", "01234567-89ab-cdef-0123-456789ABCDEF", 1 },
        { "ConditionHost", "no-such-host-*-weft", 0 },
        { "ConditionArchitecture", "native", 1 },
        { "ConditionArchitecture", "alpha", 0 },
        { "ConditionArchitecture", "no-such-arch", -EINVAL },
        { "ConditionEnvironment", "FOO", 1 },
        { "ConditionEnvironment", "FOO=bar", 1 },
        { "ConditionEnvironment", "EMPTY=", 1 },
        { "ConditionEnvironment", "FOO=baz", 0 },
        { "ConditionEnvironment", "BAR", 0 },
        { "ConditionUser", "me", 1 },
        { "ConditionUser", "nosuchuser", 0 },
        { "ConditionGroup", "megroup", 1 },
        { "ConditionGroup", "nosuchgroup", 0 },
        { "ConditionSecurity", "selinux", 1 },
        { "ConditionSecurity", "apparmor", 0 },
        { "ConditionSecurity", "no-such-lsm", 0 },
        { "ConditionCapability", "CAP_SYS_ADMIN", 1 },
        { "ConditionCapability", "cap_net_admin", 0 },
        { "ConditionCapability", "CAP_BOGUS", -EINVAL },
        { "ConditionACPower", "false", 1 },
        { "ConditionACPower", "true", 0 },
        { "ConditionFirstBoot", "no", 1 },
        { "ConditionFirstBoot", "yes", 0 },
        { "ConditionControlGroupController", "cpu memory", 1 },
        { "ConditionControlGroupController", "v2", 1 },
        { "ConditionControlGroupController", "v1", 0 },
        { "ConditionControlGroupController", "no-such-controller", 1 },
        { "ConditionMemory", "1G", 1 },
        { "ConditionMemory", "=2097152000", 1 },
        { "ConditionMemory", "<1G", 0 },
        { "ConditionMemory", "4G", 0 },
        { "ConditionCPUs", ">=1", 1 },
        { "ConditionCPUs", "<1", 0 },
        { "ConditionOSRelease", "ID=debian", 1 },
        { "ConditionOSRelease", "ID=fedora", 0 },
        { "ConditionOSRelease", "NAME=\"Debian GNU/Linux\"", 1 },
        { "ConditionOSRelease", "VERSION_ID>5.9", 1 },
        { "ConditionOSRelease", "VERSION_ID<5.9", 0 },
        { "ConditionOSRelease", "ID=debian VERSION_ID>=6", 0 },
        { "ConditionOSRelease", "ID$=deb*", 1 },
        { "ConditionCredential", "mycred", 0 },
        { "ConditionCPUFeature", "avx512f", 1 },
        { "AssertPathExists", "/data/file", 1 },
        { "AssertPathExists", "/data/missing", 0 },
};

static void run_cases(const char *name)
{
        struct condition_env env = make_root();
        int n = 0;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                if (strcmp(cases[i].name, name) != 0)
                        continue;
                int r = check(cases[i].name, cases[i].param, &env);
                if (r != cases[i].expect)
                        fprintf(stderr, "\n%s=%s: got %d, want %d\n", cases[i].name, cases[i].param, r,
                                cases[i].expect);
                CU_ASSERT_EQUAL(r, cases[i].expect);
                n++;
        }
        CU_ASSERT(n > 0);
}

#define CASES(fn, name)                 \
        static void fn(void)            \
        {                               \
                run_cases(name);        \
        }

CASES(test_path_exists, "ConditionPathExists")
CASES(test_path_exists_glob, "ConditionPathExistsGlob")
CASES(test_path_is_directory, "ConditionPathIsDirectory")
CASES(test_path_is_symbolic_link, "ConditionPathIsSymbolicLink")
CASES(test_path_is_mount_point_false_for_plain_dir, "ConditionPathIsMountPoint")
CASES(test_path_is_read_write, "ConditionPathIsReadWrite")
CASES(test_path_is_encrypted_false_without_dm_crypt, "ConditionPathIsEncrypted")
CASES(test_directory_not_empty_ignores_hidden_and_backup, "ConditionDirectoryNotEmpty")
CASES(test_file_not_empty, "ConditionFileNotEmpty")
CASES(test_file_is_executable, "ConditionFileIsExecutable")
CASES(test_kernel_command_line_word_key_and_assignment, "ConditionKernelCommandLine")
CASES(test_host_machine_id_and_glob, "ConditionHost")
CASES(test_architecture, "ConditionArchitecture")
CASES(test_environment_key_and_assignment, "ConditionEnvironment")
CASES(test_user_by_name_from_root_passwd, "ConditionUser")
CASES(test_group_by_name_from_root_group, "ConditionGroup")
CASES(test_security, "ConditionSecurity")
CASES(test_capability_in_bounding_set, "ConditionCapability")
CASES(test_ac_power_offline_mains, "ConditionACPower")
CASES(test_first_boot_with_machine_id, "ConditionFirstBoot")
CASES(test_control_group_controller_v2, "ConditionControlGroupController")
CASES(test_memory_comparisons, "ConditionMemory")
CASES(test_cpus_comparisons, "ConditionCPUs")
CASES(test_os_release_string_version_and_glob, "ConditionOSRelease")
CASES(test_credential_is_false, "ConditionCredential")
CASES(test_unsupported_condition_passes, "ConditionCPUFeature")
CASES(test_assert_names_evaluate_like_conditions, "AssertPathExists")

/* ---- conditions that need more than the common fake root ---- */

static void test_path_is_mount_point_true_for_proc(void)
{
        CU_ASSERT_EQUAL(check("ConditionPathIsMountPoint", "/proc", NULL), 1);
        CU_ASSERT_EQUAL(check("ConditionPathIsMountPoint", "/", NULL), 1);
}

static void test_path_is_encrypted_true_on_dm_crypt(void)
{
        struct condition_env env = make_root();
        struct stat st;
        char buf[512], rel[128];
        snprintf(buf, sizeof buf, "%s/data/file", root);
        CU_ASSERT_FATAL(stat(buf, &st) == 0);
        snprintf(rel, sizeof rel, "sys/dev/block/%u:%u/dm/uuid", major(st.st_dev), minor(st.st_dev));
        test_write_file(root, rel, "CRYPT-LUKS2-0123-root\n");
        CU_ASSERT_EQUAL(check("ConditionPathIsEncrypted", "/data/file", &env), 1);
}

static void test_kernel_version_operators(void)
{
        struct utsname u;
        char eq[128], ne[128];
        CU_ASSERT_FATAL(uname(&u) == 0);
        snprintf(eq, sizeof eq, "=%s", u.release);
        snprintf(ne, sizeof ne, "!=%s", u.release);
        const struct {
                const char *param;
                int expect;
        } t[] = {
                { ">=2.6", 1 },         { "<2.6", 0 },         { ">2.6.0", 1 },
                { "<=2.6", 0 },         { eq, 1 },             { ne, 0 },
                { "*", 1 },             { "1.*", 0 },          { ">=2.0 <=9999", 1 },
                { ">=2.0 >9999", 0 },   { "\" >= 2.0 \"", 1 }, { ">99999", 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                int r = check("ConditionKernelVersion", t[i].param, NULL);
                if (r != t[i].expect)
                        fprintf(stderr, "\nKernelVersion=%s on %s: got %d\n", t[i].param, u.release, r);
                CU_ASSERT_EQUAL(r, t[i].expect);
        }
}

static void test_host_matches_hostname(void)
{
        char host[256];
        CU_ASSERT_FATAL(gethostname(host, sizeof host) == 0);
        CU_ASSERT_EQUAL(check("ConditionHost", host, NULL), 1);
}

static void test_user_numeric_uid(void)
{
        char uid[32];
        snprintf(uid, sizeof uid, "%u", getuid());
        CU_ASSERT_EQUAL(check("ConditionUser", uid, NULL), 1);
        snprintf(uid, sizeof uid, "%u", getuid() + 1);
        CU_ASSERT_EQUAL(check("ConditionUser", uid, NULL), 0);
}

static void test_virtualization_container_from_env_var(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        char *const environ_docker[] = { "container=docker", NULL };
        env.environ = environ_docker;
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "container", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "docker", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "yes", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "podman", &env), 0);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "vm", &env), 0);
}

static void test_virtualization_none_on_bare_root(void)
{
        char *const empty[] = { NULL };
        struct condition_env env = { .root = test_tmpdir(), .environ = empty };
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "no", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "yes", &env), 0);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "container", &env), 0);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "vm", &env), 0);
}

static void test_virtualization_container_from_run_file(void)
{
        char *const empty[] = { NULL };
        struct condition_env env = { .root = test_tmpdir(), .environ = empty };
        test_write_file(env.root, "run/systemd/container", "lxc\n");
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "lxc", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "container", &env), 1);
}

static void test_virtualization_vm_from_dmi_vendor(void)
{
        char *const empty[] = { NULL };
        struct condition_env env = { .root = test_tmpdir(), .environ = empty };
        test_write_file(env.root, "sys/class/dmi/id/sys_vendor", "QEMU\n");
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "vm", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "qemu", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "kvm", &env), 0);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "container", &env), 0);
}

static void test_virtualization_vm_from_cpuinfo_flag(void)
{
        char *const empty[] = { NULL };
        struct condition_env env = { .root = test_tmpdir(), .environ = empty };
        test_write_file(env.root, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n");
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "vm", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionVirtualization", "vm-other", &env), 1);
}

static void test_ac_power_true_without_supplies(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        CU_ASSERT_EQUAL(check("ConditionACPower", "true", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionACPower", "false", &env), 0);
}

static void test_first_boot_when_machine_id_uninitialized(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        test_write_file(env.root, "etc/machine-id", "uninitialized\n");
        CU_ASSERT_EQUAL(check("ConditionFirstBoot", "yes", &env), 1);
}

static void test_first_boot_when_machine_id_missing(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        CU_ASSERT_EQUAL(check("ConditionFirstBoot", "yes", &env), 1);
}

/* An empty /etc/machine-id asks for a transient ID: not a first boot. */
static void test_first_boot_not_when_machine_id_empty(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        test_write_file(env.root, "etc/machine-id", "");
        CU_ASSERT_EQUAL(check("ConditionFirstBoot", "yes", &env), 0);
}

/* PID 1 marks a first boot before it mounts a transient ID over the
 * empty /etc/machine-id: the marker wins over the (now valid) ID. */
static void test_first_boot_when_pid1_marked_it(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        test_write_file(env.root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        CU_ASSERT_EQUAL(check("ConditionFirstBoot", "yes", &env), 0);
        test_write_file(env.root, "run/systemd/first-boot", "");
        CU_ASSERT_EQUAL(check("ConditionFirstBoot", "yes", &env), 1);
}

static void test_first_boot_kernel_command_line_overrides(void)
{
        struct condition_env env = make_root();
        env.proc_cmdline = test_write_file(root, "cmdline2", "systemd.condition-first-boot=1\n");
        CU_ASSERT_EQUAL(check("ConditionFirstBoot", "yes", &env), 1);
}

static void test_needs_update_when_usr_newer_than_stamp(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        char usr[512];
        const char *stamp = test_write_file(env.root, "etc/.updated", "");
        struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
        CU_ASSERT_FATAL(utimensat(AT_FDCWD, stamp, old, 0) == 0);
        snprintf(usr, sizeof usr, "%s/usr", env.root);
        CU_ASSERT_FATAL(mkdir(usr, 0755) == 0);
        CU_ASSERT_EQUAL(check("ConditionNeedsUpdate", "/etc", &env), 1);
}

static void test_needs_update_false_when_stamp_newer(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        char usr[512];
        snprintf(usr, sizeof usr, "%s/usr", env.root);
        CU_ASSERT_FATAL(mkdir(usr, 0755) == 0);
        struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
        CU_ASSERT_FATAL(utimensat(AT_FDCWD, usr, old, 0) == 0);
        test_write_file(env.root, "var/.updated", "");
        CU_ASSERT_EQUAL(check("ConditionNeedsUpdate", "/var", &env), 0);
}

static void test_needs_update_when_stamp_missing(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        test_write_file(env.root, "usr/lib/x", "");
        test_write_file(env.root, "etc/x", "");
        CU_ASSERT_EQUAL(check("ConditionNeedsUpdate", "/etc", &env), 1);
}

static void test_control_group_controller_v1_from_proc_cgroups(void)
{
        struct condition_env env = { .root = test_tmpdir() };
        test_write_file(env.root, "proc/cgroups",
                        "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                        "cpu\t1\t1\t1\nblkio\t2\t1\t1\nmemory\t3\t1\t0\n");
        CU_ASSERT_EQUAL(check("ConditionControlGroupController", "v1", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionControlGroupController", "cpu io", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionControlGroupController", "cpu memory", &env), 0);
}

static void test_memory_capped_by_own_cgroup(void)
{
        struct condition_env env = make_root();
        test_write_file(root, "proc/self/cgroup", "1:name=systemd:/\n0::/box\n");
        test_write_file(root, "sys/fs/cgroup/box/memory.max", "1073741824\n");
        CU_ASSERT_EQUAL(check("ConditionMemory", "1G", &env), 1);
        CU_ASSERT_EQUAL(check("ConditionMemory", "2G", &env), 0);
}

/* ---- the list rules ---- */

/* Link conditions into a list in place; the last one ends it. */
static struct unit_condition *chain(struct unit_condition *c, size_t n)
{
        for (size_t i = 0; i + 1 < n; i++)
                c[i].next = &c[i + 1];
        c[n - 1].next = NULL;
        return c;
}

#define COND(n, p, t, neg) { .name = (char *) (n), .parameter = (char *) (p), .trigger = (t), .negate = (neg) }
#define EXISTS(p)         COND("ConditionPathExists", p, false, false)
#define NOT_EXISTS(p)     COND("ConditionPathExists", p, false, true)
#define TRIGGER_EXISTS(p) COND("ConditionPathExists", p, true, false)

static void test_empty_list_passes(void)
{
        char *failed = NULL;
        CU_ASSERT_EQUAL(condition_test_list(NULL, NULL, &failed), 1);
        CU_ASSERT_PTR_NULL(failed);
}

static void test_all_conditions_holding_pass(void)
{
        struct condition_env env = make_root();
        struct unit_condition c[] = { EXISTS("/data/file"), EXISTS("/data/dir") };
        CU_ASSERT_EQUAL(condition_test_list(chain(c, 2), &env, NULL), 1);
}

static void test_failing_condition_is_named(void)
{
        struct condition_env env = make_root();
        struct unit_condition c[] = { EXISTS("/data/file"), EXISTS("/data/missing"), EXISTS("/data/dir") };
        char *failed = NULL;
        CU_ASSERT_EQUAL(condition_test_list(chain(c, 3), &env, &failed), 0);
        CU_ASSERT_STRING_EQUAL(failed, "ConditionPathExists=/data/missing");
        free(failed);
}

static void test_negation_inverts_result(void)
{
        struct condition_env env = make_root();
        struct unit_condition pass[] = { NOT_EXISTS("/data/missing") };
        struct unit_condition fail[] = { NOT_EXISTS("/data/file") };
        char *failed = NULL;
        CU_ASSERT_EQUAL(condition_test_list(chain(pass, 1), &env, NULL), 1);
        CU_ASSERT_EQUAL(condition_test_list(chain(fail, 1), &env, &failed), 0);
        CU_ASSERT_STRING_EQUAL(failed, "ConditionPathExists=!/data/file");
        free(failed);
}

static void test_all_triggers_failing_fails(void)
{
        struct condition_env env = make_root();
        struct unit_condition c[] = { TRIGGER_EXISTS("/data/a"), EXISTS("/data/file"), TRIGGER_EXISTS("/data/b") };
        char *failed = NULL;
        CU_ASSERT_EQUAL(condition_test_list(chain(c, 3), &env, &failed), 0);
        CU_ASSERT_STRING_EQUAL(failed, "ConditionPathExists=|/data/b");
        free(failed);
}

static void test_one_trigger_passing_passes(void)
{
        struct condition_env env = make_root();
        struct unit_condition c[] = { TRIGGER_EXISTS("/data/a"), TRIGGER_EXISTS("/data/file"),
                                      TRIGGER_EXISTS("/data/b") };
        CU_ASSERT_EQUAL(condition_test_list(chain(c, 3), &env, NULL), 1);
}

static void test_failing_non_trigger_fails_despite_passing_trigger(void)
{
        struct condition_env env = make_root();
        struct unit_condition c[] = { TRIGGER_EXISTS("/data/file"), EXISTS("/data/missing") };
        char *failed = NULL;
        CU_ASSERT_EQUAL(condition_test_list(chain(c, 2), &env, &failed), 0);
        CU_ASSERT_STRING_EQUAL(failed, "ConditionPathExists=/data/missing");
        free(failed);
}

static void test_unevaluable_condition_fails_even_negated(void)
{
        struct condition_env env = make_root();
        struct unit_condition c[] = { COND("ConditionCapability", "CAP_BOGUS", false, true) };
        char *failed = NULL;
        CU_ASSERT_EQUAL(condition_test_list(chain(c, 1), &env, &failed), 0);
        CU_ASSERT_STRING_EQUAL(failed, "ConditionCapability=!CAP_BOGUS");
        free(failed);
}

static void test_supported_names_with_either_prefix(void)
{
        CU_ASSERT_TRUE(condition_is_supported("ConditionPathExists"));
        CU_ASSERT_TRUE(condition_is_supported("AssertKernelVersion"));
        CU_ASSERT_FALSE(condition_is_supported("ConditionMemoryPressure"));
        CU_ASSERT_FALSE(condition_is_supported("ConditionNoSuchThing"));
}

static const struct test_case tests[] = {
        { "path_exists", test_path_exists },
        { "path_exists_glob", test_path_exists_glob },
        { "path_is_directory", test_path_is_directory },
        { "path_is_symbolic_link", test_path_is_symbolic_link },
        { "path_is_mount_point_false_for_plain_dir", test_path_is_mount_point_false_for_plain_dir },
        { "path_is_mount_point_true_for_proc", test_path_is_mount_point_true_for_proc },
        { "path_is_read_write", test_path_is_read_write },
        { "path_is_encrypted_false_without_dm_crypt", test_path_is_encrypted_false_without_dm_crypt },
        { "path_is_encrypted_true_on_dm_crypt", test_path_is_encrypted_true_on_dm_crypt },
        { "directory_not_empty_ignores_hidden_and_backup", test_directory_not_empty_ignores_hidden_and_backup },
        { "file_not_empty", test_file_not_empty },
        { "file_is_executable", test_file_is_executable },
        { "kernel_command_line_word_key_and_assignment", test_kernel_command_line_word_key_and_assignment },
        { "kernel_version_operators", test_kernel_version_operators },
        { "host_machine_id_and_glob", test_host_machine_id_and_glob },
        { "host_matches_hostname", test_host_matches_hostname },
        { "architecture", test_architecture },
        { "environment_key_and_assignment", test_environment_key_and_assignment },
        { "user_by_name_from_root_passwd", test_user_by_name_from_root_passwd },
        { "user_numeric_uid", test_user_numeric_uid },
        { "group_by_name_from_root_group", test_group_by_name_from_root_group },
        { "security", test_security },
        { "capability_in_bounding_set", test_capability_in_bounding_set },
        { "ac_power_offline_mains", test_ac_power_offline_mains },
        { "ac_power_true_without_supplies", test_ac_power_true_without_supplies },
        { "first_boot_with_machine_id", test_first_boot_with_machine_id },
        { "first_boot_when_pid1_marked_it", test_first_boot_when_pid1_marked_it },
        { "first_boot_not_when_machine_id_empty", test_first_boot_not_when_machine_id_empty },
        { "first_boot_when_machine_id_uninitialized", test_first_boot_when_machine_id_uninitialized },
        { "first_boot_when_machine_id_missing", test_first_boot_when_machine_id_missing },
        { "first_boot_kernel_command_line_overrides", test_first_boot_kernel_command_line_overrides },
        { "needs_update_when_usr_newer_than_stamp", test_needs_update_when_usr_newer_than_stamp },
        { "needs_update_false_when_stamp_newer", test_needs_update_false_when_stamp_newer },
        { "needs_update_when_stamp_missing", test_needs_update_when_stamp_missing },
        { "control_group_controller_v2", test_control_group_controller_v2 },
        { "control_group_controller_v1_from_proc_cgroups", test_control_group_controller_v1_from_proc_cgroups },
        { "memory_comparisons", test_memory_comparisons },
        { "memory_capped_by_own_cgroup", test_memory_capped_by_own_cgroup },
        { "cpus_comparisons", test_cpus_comparisons },
        { "os_release_string_version_and_glob", test_os_release_string_version_and_glob },
        { "credential_is_false", test_credential_is_false },
        { "unsupported_condition_passes", test_unsupported_condition_passes },
        { "assert_names_evaluate_like_conditions", test_assert_names_evaluate_like_conditions },
        { "virtualization_container_from_env_var", test_virtualization_container_from_env_var },
        { "virtualization_none_on_bare_root", test_virtualization_none_on_bare_root },
        { "virtualization_container_from_run_file", test_virtualization_container_from_run_file },
        { "virtualization_vm_from_dmi_vendor", test_virtualization_vm_from_dmi_vendor },
        { "virtualization_vm_from_cpuinfo_flag", test_virtualization_vm_from_cpuinfo_flag },
        { "empty_list_passes", test_empty_list_passes },
        { "all_conditions_holding_pass", test_all_conditions_holding_pass },
        { "failing_condition_is_named", test_failing_condition_is_named },
        { "negation_inverts_result", test_negation_inverts_result },
        { "all_triggers_failing_fails", test_all_triggers_failing_fails },
        { "one_trigger_passing_passes", test_one_trigger_passing_passes },
        { "failing_non_trigger_fails_despite_passing_trigger", test_failing_non_trigger_fails_despite_passing_trigger },
        { "unevaluable_condition_fails_even_negated", test_unevaluable_condition_fails_even_negated },
        { "supported_names_with_either_prefix", test_supported_names_with_either_prefix },
        { 0 }
};

TEST_SUITE("condition", tests);
