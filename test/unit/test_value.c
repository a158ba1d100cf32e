/* Tests for the scalar value parsers (parse/value.h). Time-span goldens were
 * produced by `systemd-analyze timespan` (systemd 252) on this machine, exit
 * status names by `systemd-analyze exit-status`; test/integration/
 * timespan-oracle.sh re-checks the time spans live. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/value.h"
#include "test/unit/test.h"

#define SENTINEL 0xdeadbeefULL

/* ---- booleans ---- */

static void test_parse_boolean_accepts_systemd_words(void)
{
        static const struct {
                const char *in;
                int want;
        } cases[] = {
                { "1", 1 }, { "yes", 1 }, { "y", 1 }, { "true", 1 }, { "t", 1 }, { "on", 1 }, { "YES", 1 },
                { "On", 1 }, { "0", 0 }, { "no", 0 }, { "n", 0 }, { "false", 0 }, { "f", 0 }, { "off", 0 },
                { "FALSE", 0 }, { "oFf", 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                CU_ASSERT_EQUAL(parse_boolean(cases[i].in), cases[i].want);
}

static void test_parse_boolean_rejects_other_words(void)
{
        static const char *const bad[] = { "", "2", "yess", "enable", " yes", "yes ", "o", "-1" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                CU_ASSERT_EQUAL(parse_boolean(bad[i]), -EINVAL);
}

/* ---- time spans ---- */

static const struct {
        const char *in;
        uint64_t usec;
        const char *human;
} timespan_golden[] = {
        { "2min 200ms", 120200000ULL, "2min 200ms" },
        { "1.5s", 1500000ULL, "1.500000s" },
        { "5m", 300000000ULL, "5min" },
        { "1y", 31557600000000ULL, "1y" },
        { "1M", 2629800000000ULL, "1month" },
        { "0.5", 500000ULL, "500ms" },
        { "100 ms", 100000ULL, "100ms" },
        { "1h30min", 5400000000ULL, "1h 30min" },
        { " 5 s", 5000000ULL, "5s" },
        { "  2min   200ms  ", 120200000ULL, "2min 200ms" },
        { "infinity", UINT64_MAX, "infinity" },
        { "  infinity  ", UINT64_MAX, "infinity" },
        { "0", 0, "0" },
        { "010", 10000000ULL, "10s" },
        { "+5", 5000000ULL, "5s" },
        { ".5", 500000ULL, "500ms" },
        { "1s.5", 1500000ULL, "1.500000s" },
        { "12.34 .56", 12900000ULL, "12.900000s" },
        { "1 s 2", 3000000ULL, "3s" },
        { "5min5", 305000000ULL, "5min 5s" },
        { "5 ms5", 5005000ULL, "5.005000s" },
        { "61s", 61000000ULL, "1min 1s" },
        { "3601.5s", 3601500000ULL, "1h 1.500000s" },
        { "1.5min", 90000000ULL, "1min 30s" },
        { "1.5y", 47336400000000ULL, "1y 6month" },
        { "1.5ms", 1500ULL, "1.500ms" },
        { "1.0000009s", 1000000ULL, "1s" },
        { "1.123456789s", 1123456ULL, "1.123456s" },
        { "59.999999s", 59999999ULL, "59.999999s" },
        { "0.1us", 0, "0" },
        { "1.9us", 1, "1us" },
        { "1m0.5s", 60500000ULL, "1min 500ms" },
        { "3min 0.5s", 180500000ULL, "3min 500ms" },
        { "1y1M1w1d1h1m1s1ms1us", 34882261001001ULL, "1y 1month 1w 1d 1h 1min 1.001001s" },
        { "2 hours", 7200000000ULL, "2h" },
        { "1\xc2\xb5s", 1, "1us" },
        { "1\xce\xbcs", 1, "1us" },
        { "1001us", 1001, "1.001ms" },
        { "60000001us", 60000001ULL, "1min 1us" },
        { "30d", 2592000000000ULL, "4w 2d" },
        { "31d", 2678400000000ULL, "1month 13h 30min" },
        { "365d", 31536000000000ULL, "11month 4w 2d 4h 30min" },
        { "2weeks", 1209600000000ULL, "2w" },
        { "1hr", 3600000000ULL, "1h" },
        { "2months", 5259600000000ULL, "2month" },
        { "584541y", 18446711061600000000ULL, "584541y" },
};

static void test_parse_timespan_matches_systemd_analyze(void)
{
        for (size_t i = 0; i < ELEMENTSOF(timespan_golden); i++) {
                uint64_t usec = SENTINEL;
                int r = parse_timespan(timespan_golden[i].in, USEC_PER_SEC, &usec);
                if (r != 0 || usec != timespan_golden[i].usec)
                        fprintf(stderr, "\n  parse_timespan(\"%s\") = %d, %llu\n", timespan_golden[i].in, r,
                                (unsigned long long) usec);
                CU_ASSERT_EQUAL(r, 0);
                CU_ASSERT_EQUAL(usec, timespan_golden[i].usec);
        }
}

static void test_format_timespan_matches_systemd_analyze(void)
{
        char buf[128];
        for (size_t i = 0; i < ELEMENTSOF(timespan_golden); i++) {
                format_timespan(buf, sizeof buf, timespan_golden[i].usec);
                if (strcmp(buf, timespan_golden[i].human) != 0)
                        fprintf(stderr, "\n  format_timespan(%llu) = \"%s\"\n",
                                (unsigned long long) timespan_golden[i].usec, buf);
                CU_ASSERT_STRING_EQUAL(buf, timespan_golden[i].human);
        }
}

static void test_format_timespan_truncates_to_buffer(void)
{
        char buf[6];
        CU_ASSERT_PTR_EQUAL(format_timespan(buf, sizeof buf, 120200000ULL), buf);
        CU_ASSERT_STRING_EQUAL(buf, "2min ");
        char tiny[1] = { 'x' };
        format_timespan(tiny, sizeof tiny, 5000000ULL);
        CU_ASSERT_EQUAL(tiny[0], 0);
}

static void test_parse_timespan_rejects_garbage_with_einval(void)
{
        static const char *const bad[] = {
                "garbage", "", " ", "5 x", "5mins", "1.2.3", "5.s", "3. 1", "3.+1", "1.-0",
                "1e3", "1,5s", "0x10", "infinityx", "infinity 5", "1 infinity", ".", "s",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                uint64_t usec = SENTINEL;
                CU_ASSERT_EQUAL(parse_timespan(bad[i], USEC_PER_SEC, &usec), -EINVAL);
                CU_ASSERT_EQUAL(usec, SENTINEL);
        }
}

static void test_parse_timespan_overflow_is_erange(void)
{
        static const char *const big[] = {
                "99999999999999999999", "18446744073709551615us", "18446744073709551614us",
                "18446744073709551614", "584542y", "584542.1y", "584541y 584541y",
        };
        for (size_t i = 0; i < ELEMENTSOF(big); i++) {
                uint64_t usec = SENTINEL;
                CU_ASSERT_EQUAL(parse_timespan(big[i], USEC_PER_SEC, &usec), -ERANGE);
                CU_ASSERT_EQUAL(usec, SENTINEL);
        }
}

static void test_parse_timespan_negative_is_erange(void)
{
        static const char *const neg[] = { "-5", "-0", "-5s", "5 -1" };
        uint64_t usec;
        for (size_t i = 0; i < ELEMENTSOF(neg); i++)
                CU_ASSERT_EQUAL(parse_timespan(neg[i], USEC_PER_SEC, &usec), -ERANGE);
}

static void test_parse_timespan_bare_number_uses_default_unit(void)
{
        uint64_t usec;
        CU_ASSERT_EQUAL(parse_timespan("5", 1, &usec), 0);
        CU_ASSERT_EQUAL(usec, 5);
        CU_ASSERT_EQUAL(parse_timespan("5", USEC_PER_MSEC, &usec), 0);
        CU_ASSERT_EQUAL(usec, 5000);
        CU_ASSERT_EQUAL(parse_timespan("5s", 1, &usec), 0);
        CU_ASSERT_EQUAL(usec, 5000000);
        CU_ASSERT_EQUAL(parse_timespan("1.5", USEC_PER_MSEC, &usec), 0);
        CU_ASSERT_EQUAL(usec, 1500);
}

/* ---- integers ---- */

static void test_parse_unsigned_accepts_decimal_hex_octal(void)
{
        static const struct {
                const char *in;
                unsigned want;
        } cases[] = { { "0", 0 }, { "42", 42 }, { "0x1f", 31 }, { "010", 8 }, { "4294967295", 4294967295U } };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unsigned v = 7;
                CU_ASSERT_EQUAL(parse_unsigned(cases[i].in, &v), 0);
                CU_ASSERT_EQUAL(v, cases[i].want);
        }
}

static void test_parse_unsigned_leading_minus_is_erange(void)
{
        unsigned v = 7;
        CU_ASSERT_EQUAL(parse_unsigned("-1", &v), -ERANGE);
        CU_ASSERT_EQUAL(parse_unsigned("-0", &v), -ERANGE);
        CU_ASSERT_EQUAL(v, 7);
}

static void test_parse_unsigned_rejects_junk_and_overflow(void)
{
        unsigned v = 7;
        CU_ASSERT_EQUAL(parse_unsigned("", &v), -EINVAL);
        CU_ASSERT_EQUAL(parse_unsigned("12x", &v), -EINVAL);
        CU_ASSERT_EQUAL(parse_unsigned("1 2", &v), -EINVAL);
        CU_ASSERT_EQUAL(parse_unsigned("-x", &v), -EINVAL);
        CU_ASSERT_EQUAL(parse_unsigned("4294967296", &v), -ERANGE);
        CU_ASSERT_EQUAL(v, 7);
}

static void test_parse_uint64_full_range(void)
{
        uint64_t v = 7;
        CU_ASSERT_EQUAL(parse_uint64("18446744073709551615", &v), 0);
        CU_ASSERT_EQUAL(v, UINT64_MAX);
        CU_ASSERT_EQUAL(parse_uint64("18446744073709551616", &v), -ERANGE);
        CU_ASSERT_EQUAL(parse_uint64("-5", &v), -ERANGE);
        CU_ASSERT_EQUAL(v, UINT64_MAX);
}

static void test_parse_int_signed_range(void)
{
        int v = 7;
        CU_ASSERT_EQUAL(parse_int("-2147483648", &v), 0);
        CU_ASSERT_EQUAL(v, -2147483647 - 1);
        CU_ASSERT_EQUAL(parse_int("2147483647", &v), 0);
        CU_ASSERT_EQUAL(v, 2147483647);
        CU_ASSERT_EQUAL(parse_int("2147483648", &v), -ERANGE);
        CU_ASSERT_EQUAL(parse_int("-0x10", &v), 0);
        CU_ASSERT_EQUAL(v, -16);
        CU_ASSERT_EQUAL(parse_int("5 ", &v), -EINVAL);
}

static void test_parse_mode_is_octal_up_to_07777(void)
{
        mode_t m = 0;
        CU_ASSERT_EQUAL(parse_mode("0644", &m), 0);
        CU_ASSERT_EQUAL(m, 0644);
        CU_ASSERT_EQUAL(parse_mode("755", &m), 0);
        CU_ASSERT_EQUAL(m, 0755);
        CU_ASSERT_EQUAL(parse_mode("7777", &m), 0);
        CU_ASSERT_EQUAL(m, 07777);
        CU_ASSERT_EQUAL(parse_mode("10000", &m), -ERANGE);
        CU_ASSERT_EQUAL(parse_mode("0888", &m), -EINVAL);
        CU_ASSERT_EQUAL(parse_mode("+644", &m), -EINVAL);
        CU_ASSERT_EQUAL(parse_mode("-644", &m), -EINVAL);
        CU_ASSERT_EQUAL(parse_mode("", &m), -EINVAL);
        CU_ASSERT_EQUAL(m, 07777);
}

/* ---- sizes ---- */

static void test_parse_size_binary_suffixes(void)
{
        static const struct {
                const char *in;
                uint64_t want;
        } cases[] = {
                { "0", 0 },
                { "512", 512 },
                { "512B", 512 },
                { "1K", 1024 },
                { "4G", 4ULL << 30 },
                { "1.5K", 1536 },
                { "10.M", 10ULL << 20 },
                { "1G 512M", (1ULL << 30) + (512ULL << 20) },
                { "1G512M", (1ULL << 30) + (512ULL << 20) },
                { "2 T", 2ULL << 40 },
                { "15E", 15ULL << 60 },
                { "1P", 1ULL << 50 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t v = SENTINEL;
                CU_ASSERT_EQUAL(parse_size(cases[i].in, &v), 0);
                CU_ASSERT_EQUAL(v, cases[i].want);
        }
}

static void test_parse_size_rejects_bad_input(void)
{
        static const struct {
                const char *in;
                int err;
        } cases[] = {
                { "", -EINVAL },    { "K", -EINVAL },       { "5X", -EINVAL },      { "1M 1G", -EINVAL },
                { "5K ", -EINVAL }, { "-1", -ERANGE },      { "16E", -ERANGE },     { "5 3", -EINVAL },
                { "1k", -EINVAL },  { "99999999999999999999", -ERANGE },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t v = SENTINEL;
                CU_ASSERT_EQUAL(parse_size(cases[i].in, &v), cases[i].err);
                CU_ASSERT_EQUAL(v, SENTINEL);
        }
}

/* ---- signals ---- */

static void test_signal_from_string_names_and_numbers(void)
{
        static const struct {
                const char *in;
                int want;
        } cases[] = {
                { "SIGTERM", SIGTERM }, { "TERM", SIGTERM }, { "15", 15 },         { "SIGKILL", SIGKILL },
                { "HUP", SIGHUP },      { "SIGCHLD", SIGCHLD }, { "SIGSTKFLT", SIGSTKFLT }, { "PWR", SIGPWR },
                { "SIGSYS", SIGSYS },   { "64", 64 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                CU_ASSERT_EQUAL(signal_from_string(cases[i].in), cases[i].want);
}

static void test_signal_from_string_realtime_offsets(void)
{
        CU_ASSERT_EQUAL(signal_from_string("SIGRTMIN+3"), SIGRTMIN + 3);
        CU_ASSERT_EQUAL(signal_from_string("RTMIN+3"), SIGRTMIN + 3);
        CU_ASSERT_EQUAL(signal_from_string("RTMIN"), SIGRTMIN);
        CU_ASSERT_EQUAL(signal_from_string("SIGRTMAX-1"), SIGRTMAX - 1);
        CU_ASSERT_EQUAL(signal_from_string("RTMAX"), SIGRTMAX);
        CU_ASSERT_EQUAL(signal_from_string("SIGRTMIN+0"), SIGRTMIN);
        char buf[32];
        snprintf(buf, sizeof buf, "RTMIN+%d", SIGRTMAX - SIGRTMIN);
        CU_ASSERT_EQUAL(signal_from_string(buf), SIGRTMAX);
}

static void test_signal_from_string_rejects_unknown(void)
{
        static const char *const bad[] = {
                "", "0", "65", "-1", "SIG", "sigterm", "TERMX", "SIGRTMIN+", "RTMIN-1", "RTMAX+1",
                "RTMIN+99", "RTMAX-99", "RTMIN+-1", "SIGSIGTERM",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                CU_ASSERT_EQUAL(signal_from_string(bad[i]), -EINVAL);
}

static void test_signal_to_string_names(void)
{
        CU_ASSERT_STRING_EQUAL(signal_to_string(SIGTERM), "SIGTERM");
        CU_ASSERT_STRING_EQUAL(signal_to_string(SIGABRT), "SIGABRT");
        CU_ASSERT_STRING_EQUAL(signal_to_string(SIGRTMIN + 3), "SIGRTMIN+3");
        CU_ASSERT_STRING_EQUAL(signal_to_string(0), "0");
        CU_ASSERT_STRING_EQUAL(signal_to_string(99), "99");
}

static void test_signal_to_string_round_trips_every_signal(void)
{
        /* 32 and 33 (below glibc's SIGRTMIN) come back as numbers and parse too. */
        for (int sig = 1; sig < _NSIG; sig++)
                CU_ASSERT_EQUAL(signal_from_string(signal_to_string(sig)), sig);
}

/* ---- exit status sets ---- */

/* `systemd-analyze exit-status` (systemd 252); note APPARMOR and BPF=244,
 * where the man page says APPARMOR_PROFILE and 245. */
static const struct {
        const char *name;
        int code;
} exit_status_golden[] = {
        { "SUCCESS", 0 },          { "FAILURE", 1 },           { "INVALIDARGUMENT", 2 },
        { "NOTIMPLEMENTED", 3 },   { "NOPERMISSION", 4 },      { "NOTINSTALLED", 5 },
        { "NOTCONFIGURED", 6 },    { "NOTRUNNING", 7 },        { "USAGE", 64 },
        { "DATAERR", 65 },         { "NOINPUT", 66 },          { "NOUSER", 67 },
        { "NOHOST", 68 },          { "UNAVAILABLE", 69 },      { "SOFTWARE", 70 },
        { "OSERR", 71 },           { "OSFILE", 72 },           { "CANTCREAT", 73 },
        { "IOERR", 74 },           { "TEMPFAIL", 75 },         { "PROTOCOL", 76 },
        { "NOPERM", 77 },          { "CONFIG", 78 },           { "CHDIR", 200 },
        { "NICE", 201 },           { "FDS", 202 },             { "EXEC", 203 },
        { "MEMORY", 204 },         { "LIMITS", 205 },          { "OOM_ADJUST", 206 },
        { "SIGNAL_MASK", 207 },    { "STDIN", 208 },           { "STDOUT", 209 },
        { "CHROOT", 210 },         { "IOPRIO", 211 },          { "TIMERSLACK", 212 },
        { "SECUREBITS", 213 },     { "SETSCHEDULER", 214 },    { "CPUAFFINITY", 215 },
        { "GROUP", 216 },          { "USER", 217 },            { "CAPABILITIES", 218 },
        { "CGROUP", 219 },         { "SETSID", 220 },          { "CONFIRM", 221 },
        { "STDERR", 222 },         { "PAM", 224 },             { "NETWORK", 225 },
        { "NAMESPACE", 226 },      { "NO_NEW_PRIVILEGES", 227 }, { "SECCOMP", 228 },
        { "SELINUX_CONTEXT", 229 }, { "PERSONALITY", 230 },    { "APPARMOR", 231 },
        { "ADDRESS_FAMILIES", 232 }, { "RUNTIME_DIRECTORY", 233 }, { "CHOWN", 235 },
        { "SMACK_PROCESS_LABEL", 236 }, { "KEYRING", 237 },    { "STATE_DIRECTORY", 238 },
        { "CACHE_DIRECTORY", 239 }, { "LOGS_DIRECTORY", 240 }, { "CONFIGURATION_DIRECTORY", 241 },
        { "NUMA_POLICY", 242 },    { "CREDENTIALS", 243 },     { "BPF", 244 },
        { "EXCEPTION", 255 },
};

static void test_exit_status_names_match_systemd_analyze(void)
{
        for (size_t i = 0; i < ELEMENTSOF(exit_status_golden); i++) {
                struct exit_status_set set = { 0 };
                CU_ASSERT_EQUAL(exit_status_set_parse(&set, exit_status_golden[i].name, NULL), 0);
                CU_ASSERT_TRUE(exit_status_set_test(&set, exit_status_golden[i].code, false));
        }
}

static void test_exit_status_set_numbers_are_codes_names_are_signals(void)
{
        struct exit_status_set set = { 0 };
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "15 SIGHUP  TERM 0x10 255", NULL), 0);
        CU_ASSERT_TRUE(exit_status_set_test(&set, 15, false));
        CU_ASSERT_FALSE(exit_status_set_test(&set, 16, true)); /* 0x10 is a code */
        CU_ASSERT_TRUE(exit_status_set_test(&set, SIGTERM, true));
        CU_ASSERT_TRUE(exit_status_set_test(&set, SIGHUP, true));
        CU_ASSERT_FALSE(exit_status_set_test(&set, SIGHUP, false));
        CU_ASSERT_TRUE(exit_status_set_test(&set, 16, false));
        CU_ASSERT_TRUE(exit_status_set_test(&set, 255, false));
        CU_ASSERT_FALSE(exit_status_set_test(&set, 256, false));
        CU_ASSERT_FALSE(exit_status_set_test(&set, -1, false));
}

static void test_exit_status_set_appends_across_calls(void)
{
        struct exit_status_set set = { 0 };
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "1", NULL), 0);
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "2", NULL), 0);
        CU_ASSERT_TRUE(exit_status_set_test(&set, 1, false));
        CU_ASSERT_TRUE(exit_status_set_test(&set, 2, false));
}

static void test_exit_status_set_bad_item_is_reported_and_earlier_items_stay(void)
{
        struct exit_status_set set = { 0 };
        char *bad = NULL;
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "1 SIGUSR1 256 3", &bad), -EINVAL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
        CU_ASSERT_STRING_EQUAL(bad, "256");
        free(bad);
        CU_ASSERT_TRUE(exit_status_set_test(&set, 1, false));
        CU_ASSERT_TRUE(exit_status_set_test(&set, SIGUSR1, true));
        CU_ASSERT_FALSE(exit_status_set_test(&set, 3, false));
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "chdir", NULL), -EINVAL);
}

static void test_exit_status_set_empty_string_clears(void)
{
        struct exit_status_set set = { 0 };
        CU_ASSERT_TRUE(exit_status_set_is_empty(&set));
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "1 SIGTERM", NULL), 0);
        CU_ASSERT_FALSE(exit_status_set_is_empty(&set));
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "", NULL), 0);
        CU_ASSERT_TRUE(exit_status_set_is_empty(&set));
}

static void test_exit_status_set_format_codes_then_signals(void)
{
        struct exit_status_set set = { 0 };
        CU_ASSERT_EQUAL(exit_status_set_parse(&set, "SIGTERM 203 CHDIR 1 SIGHUP RTMIN+2", NULL), 0);
        char *s = exit_status_set_format(&set);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_STRING_EQUAL(s, "1 200 203 SIGHUP SIGTERM SIGRTMIN+2");
        free(s);
        struct exit_status_set empty = { 0 };
        s = exit_status_set_format(&empty);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_STRING_EQUAL(s, "");
        free(s);
}

/* ---- resource limits ---- */

static void test_parse_rlimit_single_value_sets_both(void)
{
        struct rlimit rl;
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_NOFILE, "1024", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 1024);
        CU_ASSERT_EQUAL(rl.rlim_max, 1024);
}

static void test_parse_rlimit_soft_colon_hard(void)
{
        struct rlimit rl;
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_NOFILE, "1024:524288", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 1024);
        CU_ASSERT_EQUAL(rl.rlim_max, 524288);
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_AS, "4G:16G", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 4ULL << 30);
        CU_ASSERT_EQUAL(rl.rlim_max, 16ULL << 30);
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_CORE, "0:infinity", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 0);
        CU_ASSERT_EQUAL(rl.rlim_max, RLIM_INFINITY);
}

static void test_parse_rlimit_infinity_means_no_limit(void)
{
        struct rlimit rl;
        for (int res = 0; res < RLIMIT_NLIMITS; res++) {
                CU_ASSERT_EQUAL(parse_rlimit(res, "infinity", &rl), 0);
                CU_ASSERT_EQUAL(rl.rlim_cur, RLIM_INFINITY);
                CU_ASSERT_EQUAL(rl.rlim_max, RLIM_INFINITY);
        }
}

static void test_parse_rlimit_size_suffixes_only_for_byte_limits(void)
{
        static const int bytes[] = { RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE,
                                     RLIMIT_RSS,   RLIMIT_AS,   RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE };
        static const int counts[] = { RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_LOCKS, RLIMIT_SIGPENDING, RLIMIT_RTPRIO };
        struct rlimit rl;
        for (size_t i = 0; i < ELEMENTSOF(bytes); i++) {
                CU_ASSERT_EQUAL(parse_rlimit(bytes[i], "8M", &rl), 0);
                CU_ASSERT_EQUAL(rl.rlim_cur, 8ULL << 20);
        }
        for (size_t i = 0; i < ELEMENTSOF(counts); i++)
                CU_ASSERT_EQUAL(parse_rlimit(counts[i], "8M", &rl), -EINVAL);
}

static void test_parse_rlimit_cpu_is_seconds_rounded_up(void)
{
        struct rlimit rl;
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_CPU, "30", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 30);
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_CPU, "2min", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 120);
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_CPU, "1500ms", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 2);
}

static void test_parse_rlimit_rttime_is_microseconds(void)
{
        struct rlimit rl;
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_RTTIME, "500", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 500);
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_RTTIME, "2s", &rl), 0);
        CU_ASSERT_EQUAL(rl.rlim_cur, 2000000);
}

static void test_parse_rlimit_nice_levels_and_raw_values(void)
{
        static const struct {
                const char *in;
                int err;
                rlim_t want;
        } cases[] = {
                { "+0", 0, 20 },   { "+19", 0, 1 },     { "-20", 0, 40 },   { "-0", 0, 20 },  { "-5", 0, 25 },
                { "0", 0, 0 },     { "40", 0, 40 },     { "41", -ERANGE, 0 }, { "+20", -ERANGE, 0 },
                { "-21", -ERANGE, 0 }, { "+x", -EINVAL, 0 }, { "+-1", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct rlimit rl = { 99, 99 };
                CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_NICE, cases[i].in, &rl), cases[i].err);
                if (cases[i].err == 0)
                        CU_ASSERT_EQUAL(rl.rlim_cur, cases[i].want);
        }
}

static void test_parse_rlimit_rejects_bad_pairs(void)
{
        static const char *const bad[] = { "", ":", "5:", ":5", "1:2:3", "10:5", "infinity:5", "abc", "-1" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct rlimit rl = { 99, 99 };
                CU_ASSERT_TRUE(parse_rlimit(RLIMIT_NOFILE, bad[i], &rl) < 0);
                CU_ASSERT_EQUAL(rl.rlim_cur, 99);
        }
        struct rlimit rl;
        CU_ASSERT_EQUAL(parse_rlimit(-1, "5", &rl), -EINVAL);
        CU_ASSERT_EQUAL(parse_rlimit(RLIMIT_NLIMITS, "5", &rl), -EINVAL);
}

static const struct test_case tests[] = {
        { "parse_boolean_accepts_systemd_words", test_parse_boolean_accepts_systemd_words },
        { "parse_boolean_rejects_other_words", test_parse_boolean_rejects_other_words },
        { "parse_timespan_matches_systemd_analyze", test_parse_timespan_matches_systemd_analyze },
        { "format_timespan_matches_systemd_analyze", test_format_timespan_matches_systemd_analyze },
        { "format_timespan_truncates_to_buffer", test_format_timespan_truncates_to_buffer },
        { "parse_timespan_rejects_garbage_with_einval", test_parse_timespan_rejects_garbage_with_einval },
        { "parse_timespan_overflow_is_erange", test_parse_timespan_overflow_is_erange },
        { "parse_timespan_negative_is_erange", test_parse_timespan_negative_is_erange },
        { "parse_timespan_bare_number_uses_default_unit", test_parse_timespan_bare_number_uses_default_unit },
        { "parse_unsigned_accepts_decimal_hex_octal", test_parse_unsigned_accepts_decimal_hex_octal },
        { "parse_unsigned_leading_minus_is_erange", test_parse_unsigned_leading_minus_is_erange },
        { "parse_unsigned_rejects_junk_and_overflow", test_parse_unsigned_rejects_junk_and_overflow },
        { "parse_uint64_full_range", test_parse_uint64_full_range },
        { "parse_int_signed_range", test_parse_int_signed_range },
        { "parse_mode_is_octal_up_to_07777", test_parse_mode_is_octal_up_to_07777 },
        { "parse_size_binary_suffixes", test_parse_size_binary_suffixes },
        { "parse_size_rejects_bad_input", test_parse_size_rejects_bad_input },
        { "signal_from_string_names_and_numbers", test_signal_from_string_names_and_numbers },
        { "signal_from_string_realtime_offsets", test_signal_from_string_realtime_offsets },
        { "signal_from_string_rejects_unknown", test_signal_from_string_rejects_unknown },
        { "signal_to_string_names", test_signal_to_string_names },
        { "signal_to_string_round_trips_every_signal", test_signal_to_string_round_trips_every_signal },
        { "exit_status_names_match_systemd_analyze", test_exit_status_names_match_systemd_analyze },
        { "exit_status_set_numbers_are_codes_names_are_signals",
          test_exit_status_set_numbers_are_codes_names_are_signals },
        { "exit_status_set_appends_across_calls", test_exit_status_set_appends_across_calls },
        { "exit_status_set_bad_item_is_reported_and_earlier_items_stay",
          test_exit_status_set_bad_item_is_reported_and_earlier_items_stay },
        { "exit_status_set_empty_string_clears", test_exit_status_set_empty_string_clears },
        { "exit_status_set_format_codes_then_signals", test_exit_status_set_format_codes_then_signals },
        { "parse_rlimit_single_value_sets_both", test_parse_rlimit_single_value_sets_both },
        { "parse_rlimit_soft_colon_hard", test_parse_rlimit_soft_colon_hard },
        { "parse_rlimit_infinity_means_no_limit", test_parse_rlimit_infinity_means_no_limit },
        { "parse_rlimit_size_suffixes_only_for_byte_limits", test_parse_rlimit_size_suffixes_only_for_byte_limits },
        { "parse_rlimit_cpu_is_seconds_rounded_up", test_parse_rlimit_cpu_is_seconds_rounded_up },
        { "parse_rlimit_rttime_is_microseconds", test_parse_rlimit_rttime_is_microseconds },
        { "parse_rlimit_nice_levels_and_raw_values", test_parse_rlimit_nice_levels_and_raw_values },
        { "parse_rlimit_rejects_bad_pairs", test_parse_rlimit_rejects_bad_pairs },
        { 0 },
};
TEST_SUITE("value", tests);
