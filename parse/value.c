/* Scalar value parsers and formatters for unit settings; see value.h.
 * Called by the directive table in the unit loader and by the control CLI
 * when it renders settings. The semantics follow systemd 252, checked
 * against `systemd-analyze timespan` and `systemd-analyze exit-status`. */
#include "parse/value.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strv.h"

#define WHITESPACE " \t\n\r"

#define USEC_PER_MINUTE (60ULL * USEC_PER_SEC)
#define USEC_PER_HOUR   (60ULL * USEC_PER_MINUTE)
#define USEC_PER_DAY    (24ULL * USEC_PER_HOUR)
#define USEC_PER_WEEK   (7ULL * USEC_PER_DAY)
#define USEC_PER_MONTH  (2629800ULL * USEC_PER_SEC)  /* 30.44 days */
#define USEC_PER_YEAR   (31557600ULL * USEC_PER_SEC) /* 365.25 days */

static const char *startswith(const char *s, const char *prefix)
{
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

/* ---- booleans ---------------------------------------------------------- */

static const struct {
        const char *word;
        int value;
} boolean_table[] = {
        { "1", 1 }, { "yes", 1 }, { "y", 1 }, { "true", 1 }, { "t", 1 }, { "on", 1 },
        { "0", 0 }, { "no", 0 },  { "n", 0 }, { "false", 0 }, { "f", 0 }, { "off", 0 },
};

int parse_boolean(const char *s)
{
        for (size_t i = 0; i < ELEMENTSOF(boolean_table); i++)
                if (strcasecmp(s, boolean_table[i].word) == 0)
                        return boolean_table[i].value;
        return -EINVAL;
}

/* ---- time spans -------------------------------------------------------- */

/* Order matters: a longer suffix must come before its prefix ("ms" before
 * "m", "months" before "M"), because the first match wins. */
static const struct {
        const char *suffix;
        uint64_t usec;
} time_suffix_table[] = {
        { "seconds", USEC_PER_SEC },   { "second", USEC_PER_SEC },  { "sec", USEC_PER_SEC },
        { "s", USEC_PER_SEC },         { "minutes", USEC_PER_MINUTE },
        { "minute", USEC_PER_MINUTE }, { "min", USEC_PER_MINUTE },  { "months", USEC_PER_MONTH },
        { "month", USEC_PER_MONTH },   { "M", USEC_PER_MONTH },     { "msec", USEC_PER_MSEC },
        { "ms", USEC_PER_MSEC },       { "m", USEC_PER_MINUTE },    { "hours", USEC_PER_HOUR },
        { "hour", USEC_PER_HOUR },     { "hr", USEC_PER_HOUR },     { "h", USEC_PER_HOUR },
        { "days", USEC_PER_DAY },      { "day", USEC_PER_DAY },     { "d", USEC_PER_DAY },
        { "weeks", USEC_PER_WEEK },    { "week", USEC_PER_WEEK },   { "w", USEC_PER_WEEK },
        { "years", USEC_PER_YEAR },    { "year", USEC_PER_YEAR },   { "y", USEC_PER_YEAR },
        { "usec", 1 },                 { "us", 1 },
        { "\xce\xbcs", 1 }, /* U+03BC GREEK SMALL LETTER MU */
        { "\xc2\xb5s", 1 }, /* U+00B5 MICRO SIGN */
};

/* Returns the text after a unit suffix at p and sets *multiplier, or p
 * itself (multiplier untouched) when there is none. */
static const char *time_suffix(const char *p, uint64_t *multiplier)
{
        for (size_t i = 0; i < ELEMENTSOF(time_suffix_table); i++) {
                const char *e = startswith(p, time_suffix_table[i].suffix);
                if (e) {
                        *multiplier = time_suffix_table[i].usec;
                        return e;
                }
        }
        return p;
}

int parse_timespan(const char *s, uint64_t default_unit_usec, uint64_t *ret_usec)
{
        const char *p = s + strspn(s, WHITESPACE), *q;
        uint64_t usec = 0;
        bool something = false;

        if (default_unit_usec == 0)
                return -EINVAL;

        q = startswith(p, "infinity");
        if (q) {
                if (q[strspn(q, WHITESPACE)] != 0)
                        return -EINVAL;
                *ret_usec = USEC_INFINITY;
                return 0;
        }

        for (;;) {
                uint64_t multiplier = default_unit_usec, k;
                long long l;
                char *e;

                p += strspn(p, WHITESPACE);
                if (*p == 0) {
                        if (!something)
                                return -EINVAL;
                        break;
                }
                if (*p == '-') /* not even "-0" */
                        return -ERANGE;

                errno = 0;
                l = strtoll(p, &e, 10);
                if (errno > 0)
                        return -errno;
                if (l < 0)
                        return -ERANGE;

                if (*e == '.')
                        p = e + 1 + strspn(e + 1, "0123456789");
                else if (e == p)
                        return -EINVAL;
                else
                        p = e;

                q = time_suffix(p + strspn(p, WHITESPACE), &multiplier);
                /* "12.34.56" is refused, "12.34 .56" and "12.34s.56" are not. */
                if (q == p && *q != 0)
                        return -EINVAL;
                p = q;

                if ((uint64_t) l >= USEC_INFINITY / multiplier)
                        return -ERANGE;
                k = (uint64_t) l * multiplier;
                if (k >= USEC_INFINITY - usec)
                        return -ERANGE;
                usec += k;
                something = true;

                if (*e == '.') {
                        uint64_t m = multiplier / 10;
                        const char *b;

                        for (b = e + 1; *b >= '0' && *b <= '9'; b++, m /= 10) {
                                k = (uint64_t) (*b - '0') * m;
                                if (k >= USEC_INFINITY - usec)
                                        return -ERANGE;
                                usec += k;
                        }
                        /* "3.", "3.sec", "3. 1" have no fraction digits. */
                        if (b == e + 1)
                                return -EINVAL;
                }
        }

        *ret_usec = usec;
        return 0;
}

static const struct {
        const char *suffix;
        uint64_t usec;
} time_format_table[] = {
        { "y", USEC_PER_YEAR },  { "month", USEC_PER_MONTH }, { "w", USEC_PER_WEEK },
        { "d", USEC_PER_DAY },   { "h", USEC_PER_HOUR },      { "min", USEC_PER_MINUTE },
        { "s", USEC_PER_SEC },   { "ms", USEC_PER_MSEC },     { "us", 1 },
};

char *format_timespan(char *buf, size_t len, uint64_t usec)
{
        char *p = buf;
        size_t l = len;
        uint64_t t = usec;

        if (len == 0)
                return buf;
        if (t == USEC_INFINITY || t == 0) {
                snprintf(buf, len, "%s", t == 0 ? "0" : "infinity");
                return buf;
        }

        for (size_t i = 0; i < ELEMENTSOF(time_format_table) && t > 0 && l > 1; i++) {
                uint64_t unit = time_format_table[i].usec, a, b;
                int k;

                if (t < unit)
                        continue;
                a = t / unit;
                b = t % unit;

                /* Below a minute a remainder is shown as a decimal fraction of
                 * this unit, with as many digits as the unit has µs. */
                if (t < USEC_PER_MINUTE && b > 0) {
                        int digits = 0;
                        for (uint64_t cc = unit; cc > 1; cc /= 10)
                                digits++;
                        k = snprintf(p, l, "%s%" PRIu64 ".%0*" PRIu64 "%s", p > buf ? " " : "", a,
                                     digits, b, time_format_table[i].suffix);
                        t = 0;
                } else {
                        k = snprintf(p, l, "%s%" PRIu64 "%s", p > buf ? " " : "", a,
                                     time_format_table[i].suffix);
                        t = b;
                }
                if (k < 0)
                        break;
                size_t n = (size_t) k < l - 1 ? (size_t) k : l - 1;
                l -= n;
                p += n;
        }
        *p = 0;
        return buf;
}

/* ---- integers ---------------------------------------------------------- */

/* Like systemd's safe_atou*: strtoull validates first, so "-x" is -EINVAL
 * and "-1" is -ERANGE. */
static int parse_unsigned_base(const char *s, int base, uint64_t max, uint64_t *ret)
{
        unsigned long long v;
        char *e;

        s += strspn(s, WHITESPACE);
        errno = 0;
        v = strtoull(s, &e, base);
        if (errno > 0)
                return -errno;
        if (e == s || *e != 0)
                return -EINVAL;
        if (s[0] == '-' || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int parse_unsigned(const char *s, unsigned *ret)
{
        uint64_t v;
        int r = parse_unsigned_base(s, 0, UINT_MAX, &v);
        if (r < 0)
                return r;
        *ret = (unsigned) v;
        return 0;
}

int parse_uint64(const char *s, uint64_t *ret)
{
        return parse_unsigned_base(s, 0, UINT64_MAX, ret);
}

int parse_int(const char *s, int *ret)
{
        long v;
        char *e;

        s += strspn(s, WHITESPACE);
        errno = 0;
        v = strtol(s, &e, 0);
        if (errno > 0)
                return -errno;
        if (e == s || *e != 0)
                return -EINVAL;
        if (v < INT_MIN || v > INT_MAX)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

int parse_mode(const char *s, mode_t *ret)
{
        uint64_t v;
        int r;

        /* Refused outright, as systemd does for modes: a sign is never meant. */
        if (s[strspn(s, WHITESPACE)] == '+' || s[strspn(s, WHITESPACE)] == '-')
                return -EINVAL;
        r = parse_unsigned_base(s, 8, 07777, &v);
        if (r < 0)
                return r;
        *ret = (mode_t) v;
        return 0;
}

/* ---- sizes ------------------------------------------------------------- */

/* Largest first: parts must come in decreasing order ("1G 512M"). The empty
 * suffix matches anything, which makes trailing junk fail on the next part. */
static const struct {
        const char *suffix;
        uint64_t factor;
} size_table[] = {
        { "E", 1ULL << 60 }, { "P", 1ULL << 50 }, { "T", 1ULL << 40 }, { "G", 1ULL << 30 },
        { "M", 1ULL << 20 }, { "K", 1ULL << 10 }, { "B", 1 },          { "", 1 },
};

int parse_size(const char *s, uint64_t *ret)
{
        const char *p = s;
        uint64_t total = 0;
        size_t start = 0;

        do {
                unsigned long long l, part;
                double frac = 0;
                char *e;
                size_t i;

                p += strspn(p, WHITESPACE);
                if (p[strspn(p, " \t\n\r\v\f")] == '-')
                        return -ERANGE;
                errno = 0;
                l = strtoull(p, &e, 10);
                if (errno > 0)
                        return -errno;
                if (e == p)
                        return -EINVAL;

                if (*e == '.') {
                        e++;
                        if (*e >= '0' && *e <= '9') {
                                char *e2;
                                unsigned long long l2 = strtoull(e, &e2, 10);
                                if (errno > 0)
                                        return -errno;
                                frac = (double) l2;
                                for (; e < e2; e++)
                                        frac /= 10;
                        }
                }
                e += strspn(e, WHITESPACE);

                for (i = start; i < ELEMENTSOF(size_table); i++)
                        if (startswith(e, size_table[i].suffix))
                                break;
                if (i >= ELEMENTSOF(size_table))
                        return -EINVAL;

                if (l + (frac > 0) > UINT64_MAX / size_table[i].factor)
                        return -ERANGE;
                part = l * size_table[i].factor + (unsigned long long) (frac * (double) size_table[i].factor);
                if (part > UINT64_MAX - total)
                        return -ERANGE;
                total += part;

                p = e + strlen(size_table[i].suffix);
                start = i + 1;
        } while (*p);

        *ret = total;
        return 0;
}

/* ---- signals ----------------------------------------------------------- */

static const struct {
        const char *name; /* without "SIG" */
        int sig;
} signal_table[] = {
        { "HUP", SIGHUP },       { "INT", SIGINT },     { "QUIT", SIGQUIT },   { "ILL", SIGILL },
        { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },   { "BUS", SIGBUS },     { "FPE", SIGFPE },
        { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },   { "USR2", SIGUSR2 },
        { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },   { "STKFLT", SIGSTKFLT },
        { "CHLD", SIGCHLD },     { "CONT", SIGCONT },   { "STOP", SIGSTOP },   { "TSTP", SIGTSTP },
        { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },     { "XCPU", SIGXCPU },
        { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
        { "IO", SIGIO },         { "PWR", SIGPWR },     { "SYS", SIGSYS },
};

static bool signal_valid(int sig)
{
        return sig >= 1 && sig < _NSIG;
}

/* "+N" after RTMIN or "-N" after RTMAX, N decimal within the RT range. */
static int rt_offset(const char *p, char sign, int *ret)
{
        int n;

        if (*p == 0) {
                *ret = 0;
                return 0;
        }
        if (*p != sign || !isdigit((unsigned char) p[1]))
                return -EINVAL;
        if (parse_int(p + 1, &n) < 0 || n > SIGRTMAX - SIGRTMIN)
                return -EINVAL;
        *ret = n;
        return 0;
}

int signal_from_string(const char *s)
{
        const char *p;
        int n;

        if (parse_int(s, &n) >= 0)
                return signal_valid(n) ? n : -EINVAL;

        p = startswith(s, "SIG");
        if (p)
                s = p;
        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (strcmp(s, signal_table[i].name) == 0)
                        return signal_table[i].sig;

        p = startswith(s, "RTMIN");
        if (p)
                return rt_offset(p, '+', &n) < 0 ? -EINVAL : SIGRTMIN + n;
        p = startswith(s, "RTMAX");
        if (p)
                return rt_offset(p, '-', &n) < 0 ? -EINVAL : SIGRTMAX - n;
        return -EINVAL;
}

const char *signal_to_string(int sig)
{
        static _Thread_local char buf[sizeof("SIGRTMIN+") + 12];

        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (signal_table[i].sig == sig) {
                        snprintf(buf, sizeof buf, "SIG%s", signal_table[i].name);
                        return buf;
                }
        if (sig >= SIGRTMIN && sig <= SIGRTMAX)
                snprintf(buf, sizeof buf, "SIGRTMIN+%d", sig - SIGRTMIN);
        else
                snprintf(buf, sizeof buf, "%d", sig);
        return buf;
}

/* ---- exit status sets -------------------------------------------------- */

/* As listed by `systemd-analyze exit-status` (systemd 252), which differs
 * from the man page in two rows: APPARMOR (not APPARMOR_PROFILE) and BPF
 * is 244 (not 245). The tool wins. */
static const struct {
        const char *name;
        int code;
} exit_status_table[] = {
        { "SUCCESS", 0 },
        { "FAILURE", 1 },
        { "INVALIDARGUMENT", 2 },
        { "NOTIMPLEMENTED", 3 },
        { "NOPERMISSION", 4 },
        { "NOTINSTALLED", 5 },
        { "NOTCONFIGURED", 6 },
        { "NOTRUNNING", 7 },
        { "USAGE", 64 },
        { "DATAERR", 65 },
        { "NOINPUT", 66 },
        { "NOUSER", 67 },
        { "NOHOST", 68 },
        { "UNAVAILABLE", 69 },
        { "SOFTWARE", 70 },
        { "OSERR", 71 },
        { "OSFILE", 72 },
        { "CANTCREAT", 73 },
        { "IOERR", 74 },
        { "TEMPFAIL", 75 },
        { "PROTOCOL", 76 },
        { "NOPERM", 77 },
        { "CONFIG", 78 },
        { "CHDIR", 200 },
        { "NICE", 201 },
        { "FDS", 202 },
        { "EXEC", 203 },
        { "MEMORY", 204 },
        { "LIMITS", 205 },
        { "OOM_ADJUST", 206 },
        { "SIGNAL_MASK", 207 },
        { "STDIN", 208 },
        { "STDOUT", 209 },
        { "CHROOT", 210 },
        { "IOPRIO", 211 },
        { "TIMERSLACK", 212 },
        { "SECUREBITS", 213 },
        { "SETSCHEDULER", 214 },
        { "CPUAFFINITY", 215 },
        { "GROUP", 216 },
        { "USER", 217 },
        { "CAPABILITIES", 218 },
        { "CGROUP", 219 },
        { "SETSID", 220 },
        { "CONFIRM", 221 },
        { "STDERR", 222 },
        { "PAM", 224 },
        { "NETWORK", 225 },
        { "NAMESPACE", 226 },
        { "NO_NEW_PRIVILEGES", 227 },
        { "SECCOMP", 228 },
        { "SELINUX_CONTEXT", 229 },
        { "PERSONALITY", 230 },
        { "APPARMOR", 231 },
        { "ADDRESS_FAMILIES", 232 },
        { "RUNTIME_DIRECTORY", 233 },
        { "CHOWN", 235 },
        { "SMACK_PROCESS_LABEL", 236 },
        { "KEYRING", 237 },
        { "STATE_DIRECTORY", 238 },
        { "CACHE_DIRECTORY", 239 },
        { "LOGS_DIRECTORY", 240 },
        { "CONFIGURATION_DIRECTORY", 241 },
        { "NUMA_POLICY", 242 },
        { "CREDENTIALS", 243 },
        { "BPF", 244 },
        { "EXCEPTION", 255 },
};

const char *exit_status_to_string(int code)
{
        for (size_t i = 0; i < ELEMENTSOF(exit_status_table); i++)
                if (exit_status_table[i].code == code)
                        return exit_status_table[i].name;
        return NULL;
}

/* A name from the table or a number 0..255 (0x/0 prefixes allowed, as
 * systemd's safe_atou8). Numbers are always exit codes, never signals. */
static int exit_status_from_string(const char *s)
{
        unsigned v;

        for (size_t i = 0; i < ELEMENTSOF(exit_status_table); i++)
                if (strcmp(s, exit_status_table[i].name) == 0)
                        return exit_status_table[i].code;
        if (parse_unsigned(s, &v) < 0 || v > 255)
                return -EINVAL;
        return (int) v;
}

int exit_status_set_parse(struct exit_status_set *set, const char *s, char **ret_bad)
{
        const char *p = s + strspn(s, WHITESPACE);
        char word[64];

        if (*p == 0) {
                *set = (struct exit_status_set) { 0 };
                return 0;
        }

        while (*p) {
                size_t n = strcspn(p, WHITESPACE);
                int code = -EINVAL, sig = -EINVAL;

                if (n < sizeof word) {
                        memcpy(word, p, n);
                        word[n] = 0;
                        code = exit_status_from_string(word);
                        if (code < 0)
                                sig = signal_from_string(word);
                }
                if (code >= 0)
                        set->status[code / 64] |= 1ULL << (code % 64);
                else if (sig > 0 && sig <= 64)
                        set->signal |= 1ULL << (sig - 1);
                else {
                        if (ret_bad)
                                *ret_bad = strndup(p, n);
                        return -EINVAL;
                }
                p += n;
                p += strspn(p, WHITESPACE);
        }
        return 0;
}

bool exit_status_set_test(const struct exit_status_set *set, int code, bool is_signal)
{
        if (is_signal)
                return code >= 1 && code <= 64 && (set->signal & (1ULL << (code - 1)));
        return code >= 0 && code <= 255 && (set->status[code / 64] & (1ULL << (code % 64)));
}

bool exit_status_set_is_empty(const struct exit_status_set *set)
{
        return !(set->status[0] | set->status[1] | set->status[2] | set->status[3] | set->signal);
}

char *exit_status_set_format(const struct exit_status_set *set)
{
        char **l = NULL, *s = NULL, num[12];

        for (int code = 0; code <= 255; code++)
                if (exit_status_set_test(set, code, false)) {
                        snprintf(num, sizeof num, "%d", code);
                        if (strv_extend(&l, num) < 0)
                                goto out;
                }
        for (int sig = 1; sig <= 64; sig++)
                if (exit_status_set_test(set, sig, true) && strv_extend(&l, signal_to_string(sig)) < 0)
                        goto out;
        s = strv_join(l, " ");
out:
        strv_free(l);
        return s;
}

/* ---- resource limits --------------------------------------------------- */

static int rlimit_parse_count(const char *s, rlim_t *ret)
{
        uint64_t v;
        int r = parse_uint64(s, &v);
        if (r < 0)
                return r;
        if (v >= (uint64_t) RLIM_INFINITY)
                return -ERANGE;
        *ret = v;
        return 0;
}

static int rlimit_parse_bytes(const char *s, rlim_t *ret)
{
        uint64_t v;
        int r = parse_size(s, &v);
        if (r < 0)
                return r;
        if (v >= (uint64_t) RLIM_INFINITY)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* LimitCPU=: a time span, bare numbers in seconds, rounded up to whole seconds. */
static int rlimit_parse_seconds(const char *s, rlim_t *ret)
{
        uint64_t t;
        int r = parse_timespan(s, USEC_PER_SEC, &t);
        if (r < 0)
                return r;
        if (t == USEC_INFINITY) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        *ret = t / USEC_PER_SEC + (t % USEC_PER_SEC > 0);
        return 0;
}

/* LimitRTTIME=: a time span, bare numbers in µs. */
static int rlimit_parse_usec(const char *s, rlim_t *ret)
{
        uint64_t t;
        int r = parse_timespan(s, 1, &t);
        if (r < 0)
                return r;
        *ret = t == USEC_INFINITY ? RLIM_INFINITY : t;
        return 0;
}

/* LimitNICE=: "+N"/"-N" is a nice level (-20..19, mapped to 20 - N), a bare
 * number the raw limit 0..40. "+" takes 0..19, "-" takes -20..0. */
static int rlimit_parse_nice(const char *s, rlim_t *ret)
{
        int nice;

        if (s[0] == '+' || s[0] == '-') {
                if (!isdigit((unsigned char) s[1]) || parse_int(s + 1, &nice) < 0)
                        return -EINVAL;
                if (nice > 20 || (s[0] == '+' && nice > 19))
                        return -ERANGE;
                *ret = s[0] == '+' ? 20 - nice : 20 + nice;
                return 0;
        }
        uint64_t v;
        int r = parse_uint64(s, &v);
        if (r < 0)
                return r;
        if (v > 40)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* Which unit each RLIMIT_* takes (systemd.exec(5), "Resource limit directives"). */
static int (*const rlimit_parsers[RLIMIT_NLIMITS])(const char *s, rlim_t *ret) = {
        [RLIMIT_CPU] = rlimit_parse_seconds,   [RLIMIT_FSIZE] = rlimit_parse_bytes,
        [RLIMIT_DATA] = rlimit_parse_bytes,    [RLIMIT_STACK] = rlimit_parse_bytes,
        [RLIMIT_CORE] = rlimit_parse_bytes,    [RLIMIT_RSS] = rlimit_parse_bytes,
        [RLIMIT_NOFILE] = rlimit_parse_count,  [RLIMIT_AS] = rlimit_parse_bytes,
        [RLIMIT_NPROC] = rlimit_parse_count,   [RLIMIT_MEMLOCK] = rlimit_parse_bytes,
        [RLIMIT_LOCKS] = rlimit_parse_count,   [RLIMIT_SIGPENDING] = rlimit_parse_count,
        [RLIMIT_MSGQUEUE] = rlimit_parse_bytes, [RLIMIT_NICE] = rlimit_parse_nice,
        [RLIMIT_RTPRIO] = rlimit_parse_count,  [RLIMIT_RTTIME] = rlimit_parse_usec,
};

static int rlimit_parse_one(int resource, const char *s, size_t len, rlim_t *ret)
{
        char *copy;
        int r;

        if (len == 0)
                return -EINVAL;
        copy = strndup(s, len);
        if (!copy)
                return -ENOMEM;
        if (strcmp(copy, "infinity") == 0) {
                *ret = RLIM_INFINITY;
                r = 0;
        } else
                r = rlimit_parsers[resource](copy, ret);
        free(copy);
        return r;
}

int parse_rlimit(int resource, const char *s, struct rlimit *ret)
{
        const char *colon = strchr(s, ':');
        rlim_t soft, hard;
        int r;

        if (resource < 0 || resource >= RLIMIT_NLIMITS || !rlimit_parsers[resource])
                return -EINVAL;

        r = rlimit_parse_one(resource, s, colon ? (size_t) (colon - s) : strlen(s), &soft);
        if (r < 0)
                return r;
        if (!colon)
                hard = soft;
        else {
                if (strchr(colon + 1, ':'))
                        return -EINVAL;
                r = rlimit_parse_one(resource, colon + 1, strlen(colon + 1), &hard);
                if (r < 0)
                        return r;
                if (soft > hard)
                        return -EINVAL;
        }
        *ret = (struct rlimit) { .rlim_cur = soft, .rlim_max = hard };
        return 0;
}
