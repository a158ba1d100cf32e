/* weft, the daemon: command line and configuration, PID-1 setup, signal
 * mask, then the manager; at the end the final sweep and exit or reboot.
 *
 *   weft [--config FILE] [--unit-path DIR]... [--target UNIT] [--workers N]
 *        [--runtime-dir DIR] [--log-level LEVEL] [--system] [--private-bus PATH]
 *   weft [OPTIONS] [-g] [--stop-timeout SECS] [--no-wait] -- CMD [ARGS...]
 *
 * Started by a kernel with no arguments, it reads /etc/weft/weft.yaml if
 * present, searches systemd's unit path and honours systemd.unit= (and
 * weft.unit=) on the kernel command line, as systemd does.
 *
 * Not PID 1 and not pointed at a system (--unit-path, --config or
 * --system), it refuses to boot: booting the host's default.target from a
 * shell runs the host's tmpfiles, sysusers and modprobe. With `--` it is a
 * container's init instead (core/container.h), which never reads the
 * system unit path or /etc/weft/weft.yaml unless told to. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/generators.h"
#include "core/container.h"
#include "core/crash.h"
#include "core/event_queue.h"
#include "core/manager.h"
#include "core/pid1.h"
#include "core/signal_thread.h"
#include "base/strv.h"
#include "parse/config.h"
#include "parse/kernel_cmdline.h"
#include "parse/unit_name.h"
#include "parse/value.h"
#include "workers/exec_context.h"

#define DEFAULT_CONFIG "/etc/weft/weft.yaml"

struct options {
        const char *config_path;
        char **unit_paths;
        const char *target;
        unsigned workers;
        const char *runtime_dir;
        const char *log_level;
        char **generator_dirs;
        const char *generator_output;
        uint64_t generator_timeout_usec;
        bool pid1_duties;
        bool system;               /* --system: boot a system even when not PID 1 */
        bool container;            /* `--` came, with CMD after it */
        struct container_options c;
        const char *state_dir;
        const char *private_bus;
        const char *transient_dir;
        struct crash_options crash; /* as PID 1 of a namespace; a real system's come from the kernel */
};

static void usage(FILE *f)
{
        fprintf(f, "Usage: weft [OPTIONS]                 boot a system (as PID 1, or with --unit-path,\n"
                   "                                      --config or --system)\n"
                   "       weft [OPTIONS] -- CMD [ARGS...] a container's init: run CMD, exit with its status\n\n"
                   "  --config FILE       weft.yaml to read (default " DEFAULT_CONFIG " if present; with --\n"
                   "                      only when given)\n"
                   "  --unit-path DIR     search DIR for units (repeatable; replaces the configured path);\n"
                   "                      with --, DIR's target is started as CMD's sidecars\n"
                   "  --target UNIT       the unit to boot (default: default.target)\n"
                   "  --workers N         size of the worker pool\n"
                   "  --runtime-dir DIR   where logs and boot.yaml go (default /run/weft)\n"
                   "  --log-level LEVEL   err, warning, notice, info or debug\n"
                   "  --generator-dir DIR run the generators in DIR (repeatable; as PID 1: systemd's)\n"
                   "  --generator-output DIR  where their output goes (default RUNTIME_DIR/generators)\n"
                   "  --generator-timeout SECS  kill a generator still running after SECS (default 90)\n"
                   "  --pid1-duties       as PID 1 of a namespace too: lo, host name, machine ID, limits\n"
                   "  --system            boot the configured system even when not PID 1\n"
                   "  -g, --pgroup        with --: forward signals to CMD's process group\n"
                   "  -s                  accepted as tini's; weft is a subreaper whenever not PID 1\n"
                   "  --stop-timeout SECS with --: SIGKILL CMD this long after a SIGTERM (default 10s)\n"
                   "  --no-wait           with --: start CMD alongside the sidecars, not after them\n"
                   "  --state-dir DIR     persistent state: timer stamps in DIR/timers (default /var/lib/systemd)\n"
                   "  --private-bus PATH  serve systemd's private bus for root at PATH (as PID 1:\n"
                   "                      /run/systemd/private)\n"
                   "  --transient-dir DIR where StartTransientUnit (systemd-run) writes units, first on\n"
                   "                      the unit path (as PID 1: /run/systemd/transient)\n"
                   "  --crash-shell, --crash-reboot, --dump-core  as PID 1, what a crash of weft ends in\n"
                   "                      besides a freeze (a real system: systemd.crash_shell etc.)\n");
}

/* As PID 1, unknown arguments come from the kernel command line and are
 * not ours to refuse; otherwise they are mistakes. */
static int parse_args(int argc, char **argv, struct options *o, bool pid1)
{
        enum { OPT_CONFIG = 0x100, OPT_UNIT_PATH, OPT_TARGET, OPT_WORKERS, OPT_RUNTIME_DIR, OPT_LOG_LEVEL,
               OPT_GENERATOR_DIR, OPT_GENERATOR_OUTPUT, OPT_GENERATOR_TIMEOUT,
               OPT_PID1_DUTIES, OPT_SYSTEM, OPT_STOP_TIMEOUT, OPT_NO_WAIT, OPT_STATE_DIR,
               OPT_PRIVATE_BUS, OPT_TRANSIENT_DIR, OPT_CRASH_SHELL, OPT_CRASH_REBOOT, OPT_DUMP_CORE };
        static const struct option options[] = {
                { "config", required_argument, NULL, OPT_CONFIG },
                { "unit-path", required_argument, NULL, OPT_UNIT_PATH },
                { "target", required_argument, NULL, OPT_TARGET },
                { "unit", required_argument, NULL, OPT_TARGET }, /* systemd's spelling */
                { "workers", required_argument, NULL, OPT_WORKERS },
                { "runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR },
                { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
                { "generator-dir", required_argument, NULL, OPT_GENERATOR_DIR },
                { "generator-output", required_argument, NULL, OPT_GENERATOR_OUTPUT },
                { "generator-timeout", required_argument, NULL, OPT_GENERATOR_TIMEOUT },
                { "pid1-duties", no_argument, NULL, OPT_PID1_DUTIES },
                { "system", no_argument, NULL, OPT_SYSTEM },
                { "pgroup", no_argument, NULL, 'g' },
                { "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
                { "no-wait", no_argument, NULL, OPT_NO_WAIT },
                { "state-dir", required_argument, NULL, OPT_STATE_DIR },
                { "private-bus", required_argument, NULL, OPT_PRIVATE_BUS },
                { "transient-dir", required_argument, NULL, OPT_TRANSIENT_DIR },
                { "crash-shell", no_argument, NULL, OPT_CRASH_SHELL },
                { "crash-reboot", no_argument, NULL, OPT_CRASH_REBOOT },
                { "dump-core", no_argument, NULL, OPT_DUMP_CORE },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *last_arg = NULL;
        int c;
        opterr = !pid1;
        o->c.stop_timeout_usec = CONTAINER_STOP_TIMEOUT_USEC;
        /* "+": stop at CMD, so its own options stay its own. */
        while ((c = getopt_long(argc, argv, "+hgs", options, NULL)) >= 0) {
                last_arg = optarg;
                switch (c) {
                case OPT_CONFIG:
                        o->config_path = optarg;
                        break;
                case OPT_UNIT_PATH:
                        if (strv_extend(&o->unit_paths, optarg) < 0)
                                return -ENOMEM;
                        break;
                case OPT_TARGET:
                        o->target = optarg;
                        break;
                case OPT_WORKERS: {
                        char *end;
                        unsigned long n = strtoul(optarg, &end, 10);
                        if (*end || n < 1 || n > 1024) {
                                fprintf(stderr, "weft: --workers takes 1..1024: %s\n", optarg);
                                return -EINVAL;
                        }
                        o->workers = n;
                        break;
                }
                case OPT_RUNTIME_DIR:
                        o->runtime_dir = optarg;
                        break;
                case OPT_LOG_LEVEL:
                        o->log_level = optarg;
                        break;
                case OPT_GENERATOR_DIR:
                        if (strv_extend(&o->generator_dirs, optarg) < 0)
                                return -ENOMEM;
                        break;
                case OPT_GENERATOR_OUTPUT:
                        o->generator_output = optarg;
                        break;
                case OPT_PID1_DUTIES:
                        o->pid1_duties = true;
                        break;
                case OPT_GENERATOR_TIMEOUT: {
                        char *end;
                        unsigned long n = strtoul(optarg, &end, 10);
                        if (*end || n < 1 || n > 3600) {
                                fprintf(stderr, "weft: --generator-timeout takes 1..3600 seconds: %s\n", optarg);
                                return -EINVAL;
                        }
                        o->generator_timeout_usec = n * 1000000ULL;
                        break;
                }
                case OPT_SYSTEM:
                        o->system = true;
                        break;
                case 'g':
                        o->c.forward_to_group = true;
                        break;
                case 's':
                        break; /* tini's -s: weft is a subreaper whenever it is not PID 1 */
                case OPT_NO_WAIT:
                        o->c.no_wait = true;
                        break;
                case OPT_STOP_TIMEOUT:
                        if (parse_timespan(optarg, USEC_PER_SEC, &o->c.stop_timeout_usec) < 0) {
                                fprintf(stderr, "weft: --stop-timeout takes a time span: %s\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_STATE_DIR:
                        o->state_dir = optarg;
                        break;
                case OPT_PRIVATE_BUS:
                        o->private_bus = optarg;
                        break;
                case OPT_TRANSIENT_DIR:
                        o->transient_dir = optarg;
                        break;
                case OPT_CRASH_SHELL:
                        o->crash.shell = true;
                        break;
                case OPT_CRASH_REBOOT:
                        o->crash.reboot = true;
                        break;
                case OPT_DUMP_CORE:
                        o->crash.dump_core = true;
                        break;
                case 'h':
                        usage(stdout);
                        exit(EXIT_SUCCESS);
                default:
                        if (!pid1) {
                                usage(stderr);
                                return -EINVAL;
                        }
                }
        }
        /* "--" itself, not an option's argument that happens to be "--". */
        bool dashdash = optind > 1 && strcmp(argv[optind - 1], "--") == 0 && argv[optind - 1] != last_arg;
        if (dashdash && optind >= argc) {
                fprintf(stderr, "weft: nothing after --: which command should run?\n");
                usage(stderr);
                return -EINVAL;
        }
        if (dashdash) {
                o->container = true;
                o->c.argv = argv + optind;
                return 0;
        }
        /* A kernel passes init the words of its command line it does not
         * know (e.g. "splash"); anywhere else they are mistakes. */
        if (optind < argc && !(pid1 && !pid1_in_container())) {
                fprintf(stderr, "weft: unexpected argument '%s'; to run a command, put it after --\n", argv[optind]);
                usage(stderr);
                return -EINVAL;
        }
        return 0;
}

/* PID 1 of a container booting the system's own units (no --unit-path
 * or --config, or --system): a Debian image under docker, podman or
 * nspawn. A test's namespace always names its unit path, and `weft --
 * CMD` is a container's init, not a system's. */
static bool system_container(const struct options *o)
{
        return !o->container && pid1_is_pid1() && pid1_in_container() &&
               (o->system || (!o->unit_paths && !o->config_path));
}

static int configure(const struct options *o, bool pid1, struct weft_config *c)
{
        int r = config_init(c);
        if (r < 0)
                return r;
        const char *path = o->config_path ? o->config_path : DEFAULT_CONFIG;
        if (o->container) {
                /* A container's init reads only what it was pointed at, and
                 * is quiet (tini says nothing) with one worker (small). */
                c->log_level = LOG_LEVEL_NOTICE;
                c->log_console = false;
                c->workers = 1;
                strv_free(c->unit_paths);
                c->unit_paths = NULL;
        }
        r = o->container && !o->config_path ? -ENOENT : config_load_file(c, path);
        if (r == -ENOENT && !o->config_path)
                r = 0; /* no config file: the built-in defaults */
        else if (r == -ENOENT)
                log_error("weft: cannot read %s: %s", path, strerror(-r));
        if (r < 0 && !pid1)
                return r;
        /* As PID 1 a broken config must not stop the boot: defaults it is. */
        if (o->unit_paths) {
                strv_free(c->unit_paths);
                c->unit_paths = strv_copy(o->unit_paths);
                if (!c->unit_paths)
                        return -ENOMEM;
        }
        if (o->workers)
                c->workers = o->workers;
        c->state_dir = o->state_dir;
        /* systemd's tools, as root, ask PID 1 there before the system bus. */
        c->private_bus = o->private_bus                                     ? o->private_bus
                         : pid1_is_real_system() || system_container(o) ? "/run/systemd/private"
                                                                         : NULL;
        c->init_scope = pid1_is_real_system() || system_container(o);
        if (o->runtime_dir) {
                free(c->runtime_dir);
                c->runtime_dir = strdup(o->runtime_dir);
                if (!c->runtime_dir)
                        return -ENOMEM;
        }
        if (o->log_level) {
                enum log_level l = log_level_from_string(o->log_level);
                if (l < 0) {
                        log_error("weft: unknown log level: %s", o->log_level);
                        if (!pid1)
                                return -EINVAL;
                } else
                        c->log_level = l;
        }
        return 0;
}

/* Put dir first on the unit path, unless it is on it already. */
static int unit_path_prepend(struct weft_config *c, const char *dir)
{
        char **l = NULL;
        int r = strv_contains(c->unit_paths, dir) ? 1 : strv_extend(&l, dir);
        for (size_t i = 0; r == 0 && c->unit_paths && c->unit_paths[i]; i++)
                r = strv_extend(&l, c->unit_paths[i]);
        if (r == 0) {
                strv_free(c->unit_paths);
                c->unit_paths = l;
                return 0;
        }
        strv_free(l);
        return r < 0 ? r : 0;
}

/* Which generators run, and where their output sits in the unit path.
 * --generator-dir names them (a test's private ones); as PID 1 of a real
 * system without it, systemd's directories. Output goes to
 * --generator-output, else /run/systemd as PID 1 (already in the default
 * unit path at systemd's places), else RUNTIME_DIR/generators. Output
 * directories not in the unit path yet are added as systemd orders them:
 * generator.early first, generator and generator.late last. */
static int setup_generators(const struct options *o, struct weft_config *c)
{
        char *dirs[3] = { NULL, NULL, NULL };
        int r = 0;

        if (o->generator_dirs)
                c->generator_dirs = strv_copy(o->generator_dirs);
        else if (pid1_is_real_system() || system_container(o))
                c->generator_dirs = strv_copy((char *const *) generator_default_dirs);
        else
                return 0;
        if (o->generator_output)
                c->generator_output = strdup(o->generator_output);
        else if (!o->generator_dirs)
                c->generator_output = strdup(GENERATOR_DEFAULT_OUTPUT);
        else if (asprintf(&c->generator_output, "%s/generators", c->runtime_dir) < 0)
                c->generator_output = NULL;
        if (!c->generator_dirs || !c->generator_output)
                return -ENOMEM;
        c->generator_timeout_usec = o->generator_timeout_usec ? o->generator_timeout_usec : GENERATOR_TIMEOUT_USEC;
        if (asprintf(&dirs[0], "%s/generator.early", c->generator_output) < 0 ||
            asprintf(&dirs[1], "%s/generator", c->generator_output) < 0 ||
            asprintf(&dirs[2], "%s/generator.late", c->generator_output) < 0) {
                r = -ENOMEM;
                goto out;
        }
        r = unit_path_prepend(c, dirs[0]);
        for (int i = 1; r >= 0 && i < 3; i++)
                if (!strv_contains(c->unit_paths, dirs[i]))
                        r = strv_extend(&c->unit_paths, dirs[i]);
out:
        for (int i = 0; i < 3; i++)
                free(dirs[i]);
        return r;
}

/* Where StartTransientUnit writes units: --transient-dir, else systemd's
 * /run/systemd/transient when booting a system as PID 1, else nowhere
 * (systemd-run is refused). First on the unit path, as in systemd's,
 * ahead of generator.early; the directory is made at the first write. */
static int setup_transient(const struct options *o, struct weft_config *c)
{
        c->transient_dir = o->transient_dir                                  ? o->transient_dir
                           : pid1_is_real_system() || system_container(o) ? "/run/systemd/transient"
                                                                          : NULL;
        return c->transient_dir ? unit_path_prepend(c, c->transient_dir) : 0;
}

/* As PID 1 of a real system, what the kernel command line says (read
 * once /proc is mounted): the unit to boot, the log level, and how much
 * status the console shows (quiet: failures only). */
static void apply_kernel_cmdline(struct weft_config *c, struct kernel_cmdline *k)
{
        int r = kernel_cmdline_read("/proc/cmdline", k);

        if (r < 0) {
                log_warning("weft: cannot read the kernel command line: %s", strerror(-r));
                return;
        }
        switch (kernel_cmdline_show_status(k)) {
        case SHOW_STATUS_NO:
                c->log_console = false;
                break;
        case SHOW_STATUS_ERROR:
                /* "Started" lines are info, failures warnings. */
                if (c->log_level > LOG_LEVEL_WARNING)
                        c->log_level = LOG_LEVEL_WARNING;
                break;
        default:
                break;
        }
        if (k->log_level != _LOG_LEVEL_INVALID)
                c->log_level = k->log_level;
        log_set_level(c->log_level);
}

/* A real system's crash options: systemd's kernel command line words (a
 * core by default), the console, and time to read it. */
static void apply_crash_options(const struct crash_options *given, const struct kernel_cmdline *k)
{
        struct crash_options c = {
                .dump_core = given->dump_core || k->dump_core != 0,
                .shell = given->shell || k->crash_shell > 0,
                .reboot = given->reboot || k->crash_reboot > 0,
                .own_console = true,
                .delay_sec = 10,
        };
        int r = crash_install(&c);

        if (r < 0)
                log_warning("weft: cannot install the crash handler: %s", strerror(-r));
}

int main(int argc, char **argv)
{
        struct options o = { 0 };
        struct weft_config config = { 0 };
        struct manager_result result = { .kind = SHUTDOWN_EXIT };
        struct kernel_cmdline kernel = KERNEL_CMDLINE_INIT;
        char *target = NULL;
        /* systemd takes its userspace timestamp first thing in main(): the
         * PID 1 setup and the generators below count as userspace, as
         * they do in systemd-analyze. */
        uint64_t start_usec = now_usec();
        bool pid1 = pid1_is_pid1();
        int r;

        /* One malloc arena: weft's threads allocate little, and an arena per
         * worker thread would cost more resident memory than it saves in
         * contention (bench/boot-bench.sh measures the init's RSS). */
        mallopt(M_ARENA_MAX, 1);
        /* Before PID 1's duties raise it: services get DefaultLimitNOFILE=
         * from what weft was given, not from weft's own raised limit. */
        exec_nofile_inherited_save();

        r = parse_args(argc, argv, &o, pid1);
        if (r < 0)
                return 2;
        if (!pid1 && !o.container && !o.unit_paths && !o.config_path && !o.system) {
                fprintf(stderr,
                        "weft: not PID 1, and neither --unit-path, --config nor --system was given: refusing to boot\n"
                        "      default.target from the system's unit path, which would start this machine's own\n"
                        "      services a second time. To run a command as a container's init: weft -- CMD [ARGS...]\n");
                return 1;
        }
        if (pid1 && !o.container) {
                /* First of all: from here on a fault in weft freezes PID 1
                 * instead of ending it (and with it the machine). */
                r = crash_install(&o.crash);
                if (r < 0)
                        fprintf(stderr, "weft: cannot install the crash handler: %s\n", strerror(-r));
        }
        if (o.container) {
                r = container_find_program(o.c.argv[0], &o.c.path);
                if (r < 0) {
                        fprintf(stderr, "weft: %s: %s\n", o.c.argv[0],
                                r == -ENOENT ? "command not found" : strerror(-r));
                        return r == -ENOENT ? 127 : 1;
                }
        }
        r = configure(&o, pid1, &config);
        if (r < 0) {
                strv_free(o.unit_paths);
                strv_free(o.generator_dirs);
                return 1;
        }
        log_set_level(config.log_level);
        config.start_usec = start_usec;

        /* Before any thread exists, so every thread inherits the mask and
         * only the signal thread ever sees these signals. */
        signal_set_forward_mode(o.container);
        r = signal_block_handled();
        if (r < 0) {
                log_error("weft: cannot block signals: %s", strerror(-r));
                goto done;
        }
        if (o.container) {
                /* The container's runtime mounted /proc, /dev and the rest;
                 * weft mounts nothing. Handing CMD the terminal makes weft a
                 * background process on it: writing there must not stop it.
                 * Blocked, not ignored: an ignored disposition would reach
                 * CMD through exec (and the first spawn resets weft's ignored
                 * signals to default anyway), while every child empties its
                 * mask before exec. The tty lets a blocker of SIGTTOU write.
                 * Before any thread exists, so all of them inherit it. */
                sigset_t tty;
                sigemptyset(&tty);
                sigaddset(&tty, SIGTTOU);
                sigaddset(&tty, SIGTTIN);
                pthread_sigmask(SIG_BLOCK, &tty, NULL);
                if (!pid1 && pid1_setup() == 0)
                        log_notice("weft: not PID 1 (pid %d): registered as a child subreaper, so CMD's orphans "
                                   "are reaped here", (int) getpid());
                else if (!pid1)
                        log_warning("weft: not PID 1 and not a child subreaper: CMD's orphans go to PID 1");
                /* Sidecars only from a unit path weft was given (--unit-path,
                 * or unit_paths in a --config file): never the system's. */
                r = manager_run(&config, config.unit_paths ? (o.target ? o.target : config.default_target) : NULL,
                                &o.c, &result);
                goto done;
        }
        r = pid1_setup();
        if (r < 0)
                log_warning("weft: PID 1 setup incomplete: %s", strerror(-r));

        if (pid1_is_real_system()) {
                (void) pid1_boot_setup();
                apply_kernel_cmdline(&config, &kernel);
                apply_crash_options(&o.crash, &kernel);
        } else if (system_container(&o)) {
                /* A container's image booted as a system, as systemd boots
                 * one: the duties its namespaces allow (host name, lo, the
                 * machine ID) and the marker its services detect the
                 * container by, but not the host's kernel command line. */
                (void) pid1_container_setup();
                (void) pid1_boot_setup();
        } else if (pid1 && o.pid1_duties) {
                /* Asked for in a namespace (a test, a container with its
                 * own network and UTS namespaces): the duties, but not the
                 * host's kernel command line. */
                (void) pid1_boot_setup();
        }
        if (o.target)
                target = strdup(o.target);
        else if (kernel.unit)
                target = strdup(kernel.unit);
        if (!target)
                target = strdup(config.default_target);
        if (!target) {
                r = -ENOMEM;
                goto done;
        }
        r = setup_generators(&o, &config);
        if (r < 0)
                goto done;
        r = setup_transient(&o, &config);
        if (r < 0)
                goto done;
        if (config.generator_dirs) {
                config.generators_start_usec = now_usec();
                (void) generators_run((const char *const *) config.generator_dirs, config.generator_output,
                                      config.generator_timeout_usec);
                config.generators_finish_usec = now_usec();
        }
        log_info("weft %s: booting %s%s", pid1 ? "as PID 1" : "as a supervisor", target,
                 pid1 && pid1_in_container() ? " (container)" : "");
        r = manager_run(&config, target, NULL, &result);
done:
        /* Whatever the manager left: TERM, wait, KILL, reap. A container
         * waits for its leftovers no longer than for CMD. */
        pid1_final_sweep(o.container ? (o.c.stop_timeout_usec != USEC_INFINITY ? o.c.stop_timeout_usec
                                                                                : 90 * 1000000ULL)
                         : config.timeout_stop_usec && config.timeout_stop_usec != (uint64_t) -1
                                 ? config.timeout_stop_usec
                                 : 90 * 1000000ULL);
        free(o.c.path);
        free(target);
        kernel_cmdline_done(&kernel);
        strv_free(o.unit_paths);
        strv_free(o.generator_dirs);
        int code = r < 0 ? 1 : result.exit_code;
        config_done(&config);
        if (r < 0 && pid1_is_real_system())
                /* Powering off would hide why; systemd freezes here too. */
                crash_freeze("PID 1 cannot go on after an error; see above");
        log_info("weft: exiting (%s).", r < 0 ? "error" : "clean shutdown");
        pid1_finish(result.kind, code);
}
