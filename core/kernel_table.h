/* Units that mirror a table the kernel keeps: .mount units and
 * /proc/self/mountinfo, .swap units and /proc/swaps. Each such type keeps
 * a struct kernel_table_rt as its type_rt and describes its table with a
 * struct kernel_table; kernel_table_sync() brings every unit of the type
 * to what the table says now. On the scheduler thread. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/lib_mount.h"
#include "core/unit_type.h"

struct kernel_table_rt {
        bool in_table; /* the kernel's table has it */
        bool seen;     /* scratch of one scan */
};

struct kernel_table {
        enum unit_type type;
        const char *suffix;   /* ".mount": the unit of an entry is its escaped key + suffix */
        const char *noun;     /* "mounts", for messages */
        int (*parse)(struct libmnt_table *tb);
        const char *(*key)(struct libmnt_fs *fs); /* NULL: the entry gets no unit */
        /* An entry nobody configured: u (its configuration allocated, no
         * file) takes the entry's settings. 0 or -ENOMEM. */
        int (*fill)(struct unit *u, struct libmnt_fs *fs, const char *key);
        /* The sub-states: up (mounted), starting (mounting) and started by
         * its own control process (mounting-done). */
        enum sub_state up, starting, started;
        /* The bound of a control process (TimeoutSec=); USEC_INFINITY: none. */
        uint64_t (*timeout)(const struct unit *u);
};

static inline struct kernel_table_rt *kernel_table_rt(const struct unit *u)
{
        return u->rt->type_rt;
}

/* The unit of a table entry's key; with create, a new one (interned, not
 * yet loaded: *created is set) if none is known. */
struct unit *kernel_table_unit(struct sched *s, const struct kernel_table *t, const char *key, bool create,
                               bool *created);

/* A load of units (unit_load_all) during which a unit without a file
 * that a kernel table has (a mount, a swap) loads from its entry, with
 * its implicit and default dependencies, instead of as not found: hook
 * before, unhook after. kernel_table_sync does so for the units of new
 * entries; daemon-reload for all. The tables are parsed on first need. */
struct kernel_table_scan {
        struct libmnt_table *tb[_UNIT_TYPE_MAX];
        bool owned[_UNIT_TYPE_MAX];
        bool failed[_UNIT_TYPE_MAX];
};
struct load_context;
void kernel_table_hook(struct load_context *ctx, struct kernel_table_scan *sc);
void kernel_table_unhook(struct load_context *ctx, struct kernel_table_scan *sc);

/* coldplug: weft is just starting, so what the table has was there before
 * it; those units are set up quietly, without a start, as systemd's
 * coldplug does. */
void kernel_table_sync(struct sched *s, const struct kernel_table *t, bool coldplug);

/* What every such type does with its control process (mount(8), swapon(8)
 * and their undoing), run as the unit's process group. */
/* The type's adopt: a kernel_table_rt as the unit's type_rt. */
int kernel_table_adopt(struct sched *s, struct unit *u);
/* The type's may_gc: not while the kernel's table has it (systemd's
 * mount_may_gc: from_proc_self_mountinfo). */
bool kernel_table_may_gc(struct sched *s, struct unit *u);
/* Spawn argv as the control process; says why it could not. */
int kernel_table_run(struct sched *s, struct unit *u, char **argv);
/* The state's timer: the type's timeout from now, or none. */
void kernel_table_arm(struct sched *s, const struct kernel_table *t, struct unit *u);
/* sig to the control process's group (or the process while it has none). */
void kernel_table_signal(struct sched *s, struct unit *u, int sig);
/* The type's kill_remaining at the shutdown deadline. */
void kernel_table_kill_remaining(struct sched *s, struct unit *u);
/* Signal the control process and wait for it in sub, bounded again. */
void kernel_table_enter_signal(struct sched *s, const struct kernel_table *t, struct unit *u, enum sub_state sub,
                               int sig);
void kernel_table_enter_failed(struct sched *s, struct unit *u, enum unit_result f);
/* The control process ended (code, status from waitid): it is forgotten,
 * and a failure that is the first of this job is kept in the result.
 * Whether it succeeded. */
bool kernel_table_control_exited(struct unit *u, int code, int status);
