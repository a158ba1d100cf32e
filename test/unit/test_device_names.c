/* Unit names from udev's SYSTEMD_ALIAS= and SYSTEMD_WANTS= properties
 * (parse/device_names.c), as systemd 252's device_setup_units and
 * device_add_udev_wants make them. Names checked with systemd-escape. */
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "parse/device_names.h"
#include "test/unit/test.h"

#define SYSPATH "/sys/devices/virtual/block/dm-0"

/* names must be exactly the NULL-terminated list want. */
static void assert_names(char **names, const char *const *want)
{
        size_t n = 0;
        for (; want[n]; n++) {
                CU_ASSERT_PTR_NOT_NULL_FATAL(names);
                CU_ASSERT_PTR_NOT_NULL_FATAL(names[n]);
                CU_ASSERT_STRING_EQUAL(names[n], want[n]);
        }
        CU_ASSERT_EQUAL(strv_length(names), n);
        strv_free(names);
}

static void test_alias_path_names_a_device_unit(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_alias_units(SYSPATH, "/sys/subsystem/net/devices/eth0", &names), 0);
        assert_names(names, (const char *[]) { "sys-subsystem-net-devices-eth0.device", NULL });
}

static void test_alias_words_are_unquoted(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_alias_units(SYSPATH, " \"/dev/my disk\"\t/dev/block/8:0 ", &names), 0);
        assert_names(names, (const char *[]) { "dev-my\\x20disk.device", "dev-block-8:0.device", NULL });
}

static void test_alias_that_is_no_absolute_safe_path_is_skipped(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_alias_units(SYSPATH, "eth0 /a/../b foo.device /dev/ok", &names), 0);
        assert_names(names, (const char *[]) { "dev-ok.device", NULL });
}

static void test_alias_appends_to_the_names_given(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(strv_extend(&names, "dev-vda.device"), 0);
        CU_ASSERT_EQUAL(device_alias_units(SYSPATH, "/dev/root", &names), 0);
        assert_names(names, (const char *[]) { "dev-vda.device", "dev-root.device", NULL });
}

static void test_wants_names_are_kept_or_mangled(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_wants_units(SYSPATH, "bluetooth.target foo /dev/sda 'a b'", &names), 0);
        assert_names(names, (const char *[]) { "bluetooth.target", "foo.service", "dev-sda.device",
                                               "a\\x20b.service", NULL });
}

static void test_wants_template_gets_the_sysfs_path(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_wants_units(SYSPATH, "lvm-activate@.service x@y.service", &names), 0);
        assert_names(names, (const char *[]) { "lvm-activate@sys-devices-virtual-block-dm\\x2d0.service",
                                               "x@y.service", NULL });
}

static void test_wants_keeps_backslashes(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_wants_units(SYSPATH, "systemd-backlight@backlight:acpi\\x2dvideo.service", &names), 0);
        assert_names(names, (const char *[]) { "systemd-backlight@backlight:acpi\\x2dvideo.service", NULL });
}

static void test_badly_quoted_value_keeps_what_came_before(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_wants_units(SYSPATH, "a.target \"b.target", &names), 0);
        assert_names(names, (const char *[]) { "a.target", NULL });
}

static void test_empty_values_name_nothing(void)
{
        char **names = NULL;
        CU_ASSERT_EQUAL(device_wants_units(SYSPATH, "", &names), 0);
        CU_ASSERT_EQUAL(device_alias_units(SYSPATH, " \t ", &names), 0);
        CU_ASSERT_PTR_NULL(names);
}

static const struct test_case tests[] = {
        { "alias_path_names_a_device_unit", test_alias_path_names_a_device_unit },
        { "alias_words_are_unquoted", test_alias_words_are_unquoted },
        { "alias_that_is_no_absolute_safe_path_is_skipped", test_alias_that_is_no_absolute_safe_path_is_skipped },
        { "alias_appends_to_the_names_given", test_alias_appends_to_the_names_given },
        { "wants_names_are_kept_or_mangled", test_wants_names_are_kept_or_mangled },
        { "wants_template_gets_the_sysfs_path", test_wants_template_gets_the_sysfs_path },
        { "wants_keeps_backslashes", test_wants_keeps_backslashes },
        { "badly_quoted_value_keeps_what_came_before", test_badly_quoted_value_keeps_what_came_before },
        { "empty_values_name_nothing", test_empty_values_name_nothing },
        { 0 },
};
TEST_SUITE("device_names", tests);
