/* weft, the daemon: command line and configuration, PID-1 setup, signal
 * mask, then the manager; at the end the final sweep and exit or reboot.
 *
 *   weft [--config FILE] [--unit-path DIR]... [--target UNIT] [--workers N]
 *        [--runtime-dir DIR] [--log-level LEVEL] [--system]
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/container.h"
#include "core/manager.h"
#include "core/pid1.h"
#include "core/signal_thread.h"
#include "base/strv.h"
#include "parse/config.h"
#include "parse/unit_name.h"
#include "parse/value.h"

#define DEFAULT_CONFIG "/etc/weft/weft.yaml"

struct options {
        const char *config_path;
        char **unit_paths;
        const char *target;
        unsigned workers;
        const char *runtime_dir;
        const char *log_level;
        bool system;               /* --system: boot a system even when not PID 1 */
        bool container;            /* `--` came, with CMD after it */
        struct container_options c;
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
                   "  --system            boot the configured system even when not PID 1\n"
                   "  -g, --pgroup        with --: forward signals to CMD's process group\n"
                   "  -s                  accepted as tini's; weft is a subreaper whenever not PID 1\n"
                   "  --stop-timeout SECS with --: SIGKILL CMD this long after a SIGTERM (default 10s)\n"
                   "  --no-wait           with --: start CMD alongside the sidecars, not after them\n");
}

/* As PID 1, unknown arguments come from the kernel command line and are
 * not ours to refuse; otherwise they are mistakes. */
static int parse_args(int argc, char **argv, struct options *o, bool pid1)
{
        enum { OPT_CONFIG = 0x100, OPT_UNIT_PATH, OPT_TARGET, OPT_WORKERS, OPT_RUNTIME_DIR, OPT_LOG_LEVEL,
               OPT_SYSTEM, OPT_STOP_TIMEOUT, OPT_NO_WAIT };
        static const struct option options[] = {
                { "config", required_argument, NULL, OPT_CONFIG },
                { "unit-path", required_argument, NULL, OPT_UNIT_PATH },
                { "target", required_argument, NULL, OPT_TARGET },
                { "unit", required_argument, NULL, OPT_TARGET }, /* systemd's spelling */
                { "workers", required_argument, NULL, OPT_WORKERS },
                { "runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR },
                { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
                { "system", no_argument, NULL, OPT_SYSTEM },
                { "pgroup", no_argument, NULL, 'g' },
                { "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
                { "no-wait", no_argument, NULL, OPT_NO_WAIT },
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

/* systemd.unit= / weft.unit= on the kernel command line (the last wins). */
static char *kernel_target(void)
{
        char buf[4096], *save = NULL, *target = NULL;
        FILE *f = fopen("/proc/cmdline", "re");
        if (!f)
                return NULL;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        for (char *w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
                const char *v = NULL;
                if (strncmp(w, "systemd.unit=", 13) == 0)
                        v = w + 13;
                else if (strncmp(w, "weft.unit=", 10) == 0)
                        v = w + 10;
                if (v && unit_name_is_valid(v, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                        free(target);
                        target = strdup(v);
                }
        }
        return target;
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

int main(int argc, char **argv)
{
        struct options o = { 0 };
        struct weft_config config = { 0 };
        struct manager_result result = { .kind = SHUTDOWN_EXIT };
        char *target = NULL;
        bool pid1 = pid1_is_pid1();
        int r;

        /* One malloc arena: weft's threads allocate little, and an arena per
         * worker thread would cost more resident memory than it saves in
         * contention (bench/boot-bench.sh measures the init's RSS). */
        mallopt(M_ARENA_MAX, 1);

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
                return 1;
        }
        log_set_level(config.log_level);

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
                 * background process on it: writing there must not stop it. */
                struct sigaction ign = { .sa_handler = SIG_IGN };
                sigaction(SIGTTOU, &ign, NULL);
                sigaction(SIGTTIN, &ign, NULL);
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

        if (o.target)
                target = strdup(o.target);
        else if (pid1 && !pid1_in_container())
                target = kernel_target();
        if (!target)
                target = strdup(config.default_target);
        if (!target) {
                r = -ENOMEM;
                goto done;
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
        strv_free(o.unit_paths);
        int code = r < 0 ? 1 : result.exit_code;
        config_done(&config);
        log_info("weft: exiting (%s).", r < 0 ? "error" : "clean shutdown");
        pid1_finish(result.kind, code);
}
