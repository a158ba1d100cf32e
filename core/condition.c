/* Condition*= / Assert*= evaluation; see condition.h. One table row per
 * condition name with its test; each test gets the bare parameter and
 * returns 1 (holds), 0 (does not) or a negative errno. The tests live by
 * family in condition_paths.c, condition_system.c and condition_manager.c,
 * their file readers in condition_read.c. The scheduler calls
 * condition_test_list() when a start job runs. */
#include "core/condition.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/condition_internal.h"
#include "base/log.h"
#include "base/macro.h"

/* ---- the table and the list ---- */

typedef int (*condition_test_fn)(const char *param, const struct condition_env *env);

static const struct {
        const char *name; /* after "Condition" / "Assert" */
        condition_test_fn test; /* NULL: unsupported, passes */
} condition_table[] = {
        { "PathExists", condition_test_path_exists },
        { "PathExistsGlob", condition_test_path_exists_glob },
        { "PathIsDirectory", condition_test_path_is_directory },
        { "PathIsSymbolicLink", condition_test_path_is_symlink },
        { "PathIsMountPoint", condition_test_path_is_mount_point },
        { "PathIsReadWrite", condition_test_path_is_read_write },
        { "PathIsEncrypted", condition_test_path_is_encrypted },
        { "DirectoryNotEmpty", condition_test_directory_not_empty },
        { "FileNotEmpty", condition_test_file_not_empty },
        { "FileIsExecutable", condition_test_file_is_executable },
        { "KernelCommandLine", condition_test_kernel_command_line },
        { "KernelVersion", condition_test_kernel_version },
        { "Virtualization", condition_test_virtualization },
        { "Host", condition_test_host },
        { "Architecture", condition_test_architecture },
        { "Environment", condition_test_environment },
        { "User", condition_test_user },
        { "Group", condition_test_group },
        { "Security", condition_test_security },
        { "Capability", condition_test_capability },
        { "ACPower", condition_test_ac_power },
        { "FirstBoot", condition_test_first_boot },
        { "NeedsUpdate", condition_test_needs_update },
        { "ControlGroupController", condition_test_control_group_controller },
        { "Memory", condition_test_memory },
        { "CPUs", condition_test_cpus },
        { "OSRelease", condition_test_os_release },
        { "Credential", condition_test_credential },
        { "Null", condition_test_null },
        { "Firmware", NULL },
        { "CPUFeature", NULL },
        { "MemoryPressure", NULL },
        { "CPUPressure", NULL },
        { "IOPressure", NULL },
};

static condition_test_fn condition_lookup(const char *name)
{
        if (strncmp(name, "Condition", 9) == 0)
                name += 9;
        else if (strncmp(name, "Assert", 6) == 0)
                name += 6;
        for (size_t i = 0; i < ELEMENTSOF(condition_table); i++)
                if (strcmp(condition_table[i].name, name) == 0)
                        return condition_table[i].test;
        return NULL;
}

bool condition_is_supported(const char *name)
{
        return condition_lookup(name) != NULL;
}

int condition_test(const struct unit_condition *c, const struct condition_env *env)
{
        condition_test_fn test = condition_lookup(c->name);
        if (!test) {
                log_debug("%s=%s is not supported by weft, assuming it holds", c->name, c->parameter);
                return 1;
        }
        int r = test(c->parameter, env);
        if (r < 0)
                return r;
        return (r > 0) != c->negate;
}

static int format_condition(const struct unit_condition *c, char **ret)
{
        if (!ret)
                return 0;
        if (asprintf(ret, "%s=%s%s%s", c->name, c->trigger ? "|" : "", c->negate ? "!" : "", c->parameter) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int condition_test_list(const struct unit_condition *list, const struct condition_env *env, char **ret_failed)
{
        const struct unit_condition *last_trigger = NULL;
        bool triggered = false;

        for (const struct unit_condition *c = list; c; c = c->next) {
                int r = condition_test(c, env);
                if (r < 0)
                        log_warning_errno(r, "Cannot evaluate %s=%s%s%s, assuming it failed: %s", c->name,
                                          c->trigger ? "|" : "", c->negate ? "!" : "", c->parameter,
                                          strerror(-r));
                else
                        log_debug("%s=%s%s%s %s", c->name, c->trigger ? "|" : "", c->negate ? "!" : "",
                                  c->parameter, r ? "holds" : "does not hold");
                if (c->trigger) {
                        last_trigger = c;
                        triggered = triggered || r > 0;
                } else if (r <= 0) {
                        r = format_condition(c, ret_failed);
                        return r < 0 ? r : 0;
                }
        }
        if (last_trigger && !triggered) {
                int r = format_condition(last_trigger, ret_failed);
                return r < 0 ? r : 0;
        }
        return 1;
}
