/* Tests for parse/capability.c: capability names and the merging of
 * CapabilityBoundingSet= and AmbientCapabilities= assignments, as systemd
 * 252's config_parse_capability_set merges them. */
#include <errno.h>
#include <stdint.h>

#include "parse/capability.h"
#include "test/unit/test.h"

#define BIT(n) (UINT64_C(1) << (n))
enum { CHOWN = 0, KILL = 5, SETPCAP = 8, NET_BIND_SERVICE = 10, NET_ADMIN = 12, NET_RAW = 13,
       SYS_RAWIO = 17, SYS_ADMIN = 21, MKNOD = 27, CHECKPOINT_RESTORE = 40 };

static void test_names_any_case_and_numbers(void)
{
        CU_ASSERT_EQUAL(capability_from_name("CAP_CHOWN"), CHOWN);
        CU_ASSERT_EQUAL(capability_from_name("cap_net_bind_service"), NET_BIND_SERVICE);
        CU_ASSERT_EQUAL(capability_from_name("Cap_Sys_Admin"), SYS_ADMIN);
        CU_ASSERT_EQUAL(capability_from_name("CAP_CHECKPOINT_RESTORE"), CHECKPOINT_RESTORE);
        CU_ASSERT_EQUAL(capability_from_name("12"), NET_ADMIN);
        CU_ASSERT_EQUAL(capability_from_name("63"), 63);
        CU_ASSERT_EQUAL(capability_from_name("64"), -EINVAL);
        CU_ASSERT_EQUAL(capability_from_name("CAP_NOPE"), -EINVAL);
        CU_ASSERT_EQUAL(capability_from_name("NET_ADMIN"), -EINVAL);
        CU_ASSERT_EQUAL(capability_from_name(""), -EINVAL);
        CU_ASSERT_STRING_EQUAL(capability_to_name(MKNOD), "cap_mknod");
        CU_ASSERT_PTR_NULL(capability_to_name(41));
        CU_ASSERT_PTR_NULL(capability_to_name(-1));
}

static void test_list_skips_unknown_names(void)
{
        uint64_t set = 1;
        CU_ASSERT_EQUAL(capability_set_from_string("CAP_KILL  cap_chown\tCAP_BOGUS \"CAP_NET_RAW\"", &set), 0);
        CU_ASSERT_EQUAL(set, BIT(KILL) | BIT(CHOWN) | BIT(NET_RAW));
        CU_ASSERT_EQUAL(capability_set_from_string("", &set), 0);
        CU_ASSERT_EQUAL(set, 0);
        CU_ASSERT_EQUAL(capability_set_from_string("CAP_BOGUS", &set), 0);
        CU_ASSERT_EQUAL(set, 0);
}

static void test_bounding_first_list_replaces_all(void)
{
        uint64_t set = CAPABILITY_SET_ALL;
        CU_ASSERT_EQUAL(capability_set_assign(&set, "CAP_NET_BIND_SERVICE CAP_KILL", true), 0);
        CU_ASSERT_EQUAL(set, BIT(NET_BIND_SERVICE) | BIT(KILL));
}

static void test_bounding_lines_merge(void)
{
        uint64_t set = CAPABILITY_SET_ALL;
        capability_set_assign(&set, "CAP_KILL", true);
        capability_set_assign(&set, "CAP_CHOWN", true);
        CU_ASSERT_EQUAL(set, BIT(KILL) | BIT(CHOWN));
        /* "~" on a set already changed takes out. */
        capability_set_assign(&set, "~CAP_KILL", true);
        CU_ASSERT_EQUAL(set, BIT(CHOWN));
}

static void test_bounding_inverted(void)
{
        uint64_t set = CAPABILITY_SET_ALL;
        capability_set_assign(&set, "~CAP_SYS_ADMIN CAP_MKNOD", true);
        CU_ASSERT_EQUAL(set, ~(BIT(SYS_ADMIN) | BIT(MKNOD)));
        capability_set_assign(&set, "~CAP_SYS_RAWIO", true);
        CU_ASSERT_EQUAL(set, ~(BIT(SYS_ADMIN) | BIT(MKNOD) | BIT(SYS_RAWIO)));
        /* A plain list after an inverted one adds back. */
        capability_set_assign(&set, "CAP_MKNOD", true);
        CU_ASSERT_EQUAL(set, ~(BIT(SYS_ADMIN) | BIT(SYS_RAWIO)));
}

static void test_empty_resets(void)
{
        uint64_t set = CAPABILITY_SET_ALL;
        capability_set_assign(&set, "CAP_KILL", true);
        capability_set_assign(&set, "", true);
        CU_ASSERT_EQUAL(set, 0);
        /* Empty is not the initial value of the bounding set: the next merges into it. */
        capability_set_assign(&set, "CAP_CHOWN", true);
        CU_ASSERT_EQUAL(set, BIT(CHOWN));
        /* "~" alone is every capability again. */
        capability_set_assign(&set, "~", true);
        CU_ASSERT_EQUAL(set, CAPABILITY_SET_ALL);
        capability_set_assign(&set, "CAP_SETPCAP", true);
        CU_ASSERT_EQUAL(set, BIT(SETPCAP));
        /* A list of only unknown names counts as empty. */
        capability_set_assign(&set, "CAP_BOGUS", true);
        CU_ASSERT_EQUAL(set, 0);
}

static void test_ambient_starts_empty(void)
{
        uint64_t set = 0;
        capability_set_assign(&set, "CAP_NET_BIND_SERVICE", false);
        CU_ASSERT_EQUAL(set, BIT(NET_BIND_SERVICE));
        capability_set_assign(&set, "CAP_NET_RAW", false);
        CU_ASSERT_EQUAL(set, BIT(NET_BIND_SERVICE) | BIT(NET_RAW));
        capability_set_assign(&set, "~CAP_NET_RAW", false);
        CU_ASSERT_EQUAL(set, BIT(NET_BIND_SERVICE));
        capability_set_assign(&set, "", false);
        CU_ASSERT_EQUAL(set, 0);
        /* The ambient set starts at none, so a first "~" list replaces it. */
        capability_set_assign(&set, "~CAP_NET_RAW", false);
        CU_ASSERT_EQUAL(set, ~BIT(NET_RAW));
}

static void test_bad_quoting_is_relaxed(void)
{
        uint64_t set = BIT(KILL);
        CU_ASSERT_EQUAL(capability_set_assign(&set, "CAP_CHOWN \"CAP_KILL", true), 0); /* relaxed, as systemd */
        CU_ASSERT_EQUAL(set, BIT(KILL) | BIT(CHOWN));
}

static const struct test_case tests[] = {
        { "names_any_case_and_numbers", test_names_any_case_and_numbers },
        { "list_skips_unknown_names", test_list_skips_unknown_names },
        { "bounding_first_list_replaces_all", test_bounding_first_list_replaces_all },
        { "bounding_lines_merge", test_bounding_lines_merge },
        { "bounding_inverted", test_bounding_inverted },
        { "empty_resets", test_empty_resets },
        { "ambient_starts_empty", test_ambient_starts_empty },
        { "bad_quoting_is_relaxed", test_bad_quoting_is_relaxed },
        { 0 },
};
TEST_SUITE("capability", tests);
