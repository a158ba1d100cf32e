/* Units that mirror a kernel table; see kernel_table.h. */
#include "core/kernel_table.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/log.h"
#include "parse/load.h"
#include "parse/unit_name.h"

struct unit *kernel_table_unit(struct sched *s, const struct kernel_table *t, const char *key, bool create,
                               bool *created)
{
        char *name = NULL;
        if (unit_name_from_path(key, t->suffix, &name) < 0)
                return NULL;
        struct unit *u = unit_table_get(s->units, name);
        if (!u && create && unit_table_intern(s->units, name, &u) >= 0)
                *created = true;
        free(name);
        return u;
}

static bool is_ours(const struct kernel_table *t, const struct unit *u)
{
        return u && u->type == t->type && u->rt && u->rt->type_rt;
}

/* An entry that came or went: the unit follows, unless its own control
 * process is at work (it reports through its exit). */
static void follow(struct sched *s, const struct kernel_table *t, struct unit *u, bool coldplug)
{
        struct unit_runtime *rt = u->rt;
        struct kernel_table_rt *k = kernel_table_rt(u);
        bool was = k->in_table;

        k->in_table = k->seen;
        if (k->seen && !was) {
                /* Made again after it was collected: the same unit, fresh. */
                sched_gc_revive(s, u);
                if (coldplug && unit_state_is_down(rt->active) && !rt->job) {
                        rt->sub = t->up;
                        rt->active = UNIT_ACTIVE;
                        rt->t_active = s->now;
                } else if (rt->sub == t->starting) {
                        unit_set_sub(s, u, t->started);
                } else if (unit_state_is_down(rt->active)) {
                        rt->result = RESULT_SUCCESS;
                        unit_set_sub(s, u, t->up);
                }
        } else if (!k->seen && was && (rt->sub == t->up || rt->sub == t->started) && rt->control_pid <= 0) {
                /* Taken away by someone else: the unit is dead. */
                rt->result = RESULT_SUCCESS;
                unit_set_sub(s, u, SUB_DEAD);
        }
}

/* The tables kernel_table_sync has seen, by unit type: constant
 * descriptions, so that a load outside a sync (daemon-reload) finds them. */
static const struct kernel_table *known[_UNIT_TYPE_MAX];

static struct libmnt_table *scan_table(struct kernel_table_scan *sc, const struct kernel_table *t)
{
        if (!sc->tb[t->type] && !sc->failed[t->type]) {
                sc->tb[t->type] = mnt_new_table();
                sc->owned[t->type] = true;
                if (!sc->tb[t->type] || t->parse(sc->tb[t->type]) < 0) {
                        mnt_unref_table(sc->tb[t->type]);
                        sc->tb[t->type] = NULL;
                        sc->failed[t->type] = true;
                }
        }
        return sc->tb[t->type];
}

/* The loader's hook for a unit without a file: the kernel's entry of
 * that name, if any, gives it its settings, and the loader then adds the
 * implicit and default dependencies as for a file (systemd's
 * mount_add_extras for units from /proc/self/mountinfo: umount.target,
 * local-fs.target...). Each table is parsed once per load. */
static int from_kernel(struct load_context *ctx, struct unit *u)
{
        struct kernel_table_scan *sc = ctx->from_kernel_data;
        const struct kernel_table *t = u->type >= 0 && u->type < _UNIT_TYPE_MAX ? known[u->type] : NULL;
        struct libmnt_table *tb = t ? scan_table(sc, t) : NULL;
        size_t n = strlen(u->id), ns = t ? strlen(t->suffix) : 0;
        char prefix[UNIT_NAME_MAX + 1], *path = NULL;
        struct libmnt_iter *it = NULL;
        struct libmnt_fs *fs;
        int r = 0;

        /* The path the name stands for, once; then one strcmp an entry. */
        if (!tb || n <= ns || strcmp(u->id + n - ns, t->suffix) != 0 ||
            snprintf(prefix, sizeof prefix, "%.*s", (int) (n - ns), u->id) >= (int) sizeof prefix ||
            unit_name_path_unescape(prefix, &path) < 0)
                goto out;
        if (!(it = mnt_new_iter(MNT_ITER_FORWARD))) {
                r = -ENOMEM;
                goto out;
        }
        while (r == 0 && mnt_table_next_fs(tb, it, &fs) == 0) {
                const char *key = t->key(fs);
                if (key && strcmp(key, path) == 0)
                        r = t->fill(u, fs, key) < 0 ? -ENOMEM : 1;
        }
out:
        mnt_free_iter(it);
        free(path);
        return r;
}

void kernel_table_hook(struct load_context *ctx, struct kernel_table_scan *sc)
{
        *sc = (struct kernel_table_scan) { 0 };
        if (mount_lib_load() < 0)
                return;
        ctx->from_kernel = from_kernel;
        ctx->from_kernel_data = sc;
}

void kernel_table_unhook(struct load_context *ctx, struct kernel_table_scan *sc)
{
        if (ctx->from_kernel_data != sc)
                return;
        for (size_t i = 0; i < _UNIT_TYPE_MAX; i++)
                if (sc->tb[i] && sc->owned[i])
                        mnt_unref_table(sc->tb[i]);
        ctx->from_kernel = NULL;
        ctx->from_kernel_data = NULL;
}

/* A unit that was loaded, not found, before its entry came (a dependency
 * named it): it takes the entry's settings, but being loaded already it
 * gets no dependencies of its own. */
static void take_late(const struct kernel_table *t, struct unit *u, struct libmnt_fs *fs, const char *key)
{
        if (u->load_state != UNIT_NOT_FOUND || unit_alloc_config(u, 0, 0) < 0)
                return;
        if (t->fill(u, fs, key) < 0) {
                unit_free_config(u);
                return;
        }
        u->load_state = UNIT_LOADED;
        u->load_error = 0;
}

void kernel_table_sync(struct sched *s, const struct kernel_table *t, bool coldplug)
{
        if (mount_lib_load() < 0)
                return; /* said once: without libmount no mount or swap is seen */
        struct libmnt_table *tb = mnt_new_table();
        struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
        struct libmnt_fs *fs;
        bool created = false;

        if (!tb || !it || t->parse(tb) < 0) {
                log_warning("cannot read the kernel's table of %s", t->noun);
                goto out;
        }
        /* First the units of entries weft has not seen, loaded in one go. */
        while (mnt_table_next_fs(tb, it, &fs) == 0)
                if (t->key(fs))
                        (void) kernel_table_unit(s, t, t->key(fs), true, &created);
        known[t->type] = t;
        if (created && s->config.load) {
                struct load_context *ctx = s->config.load;
                struct kernel_table_scan sc;
                kernel_table_hook(ctx, &sc);
                sc.tb[t->type] = tb; /* this scan's, not the hook's to free */
                int r = unit_load_all(ctx);
                kernel_table_unhook(ctx, &sc);
                if (r < 0 || sched_adopt_units(s) < 0)
                        log_error("cannot load the units of new %s", t->noun);
        }
        for (size_t i = 0; i < s->n_rt; i++)
                if (is_ours(t, s->units->units[i]))
                        kernel_table_rt(s->units->units[i])->seen = false;
        mnt_reset_iter(it, MNT_ITER_FORWARD);
        while (mnt_table_next_fs(tb, it, &fs) == 0) {
                const char *key = t->key(fs);
                struct unit *u = key ? kernel_table_unit(s, t, key, false, NULL) : NULL;
                if (!is_ours(t, u))
                        continue;
                take_late(t, u, fs, key);
                kernel_table_rt(u)->seen = true;
        }
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (is_ours(t, u) && u->load_state != UNIT_MERGED)
                        follow(s, t, u, coldplug);
        }
out:
        mnt_free_iter(it);
        mnt_unref_table(tb);
}

int kernel_table_adopt(struct sched *s, struct unit *u)
{
        if (!u->rt->type_rt && !(u->rt->type_rt = calloc(1, sizeof(struct kernel_table_rt))))
                return -ENOMEM;
        return 0;
}

bool kernel_table_may_gc(struct sched *s, struct unit *u)
{
        return !u->rt->type_rt || !kernel_table_rt(u)->in_table;
}

int kernel_table_run(struct sched *s, struct unit *u, char **argv)
{
        struct exec_command cmd = { .path = argv[0], .argv = argv, .flags = EXEC_NO_ENV_EXPAND };
        int r = sched_spawn(s, u, &cmd, true, NULL);
        if (r < 0)
                log_error("%s: cannot run %s: %s", u->id, argv[0], strerror(-r));
        return r;
}

void kernel_table_arm(struct sched *s, const struct kernel_table *t, struct unit *u)
{
        uint64_t usec = t->timeout(u);
        if (usec && usec != USEC_INFINITY)
                unit_arm_timer(s, u, s->now + usec);
        else
                unit_disarm_timer(s, u);
}

void kernel_table_signal(struct sched *s, struct unit *u, int sig)
{
        if (u->rt->control_pgid > 0)
                s->ops->kill(s->userdata, -u->rt->control_pgid, sig);
        else if (u->rt->control_pid > 0)
                s->ops->kill(s->userdata, u->rt->control_pid, sig);
}

void kernel_table_kill_remaining(struct sched *s, struct unit *u)
{
        kernel_table_signal(s, u, SIGKILL);
}

void kernel_table_enter_signal(struct sched *s, const struct kernel_table *t, struct unit *u, enum sub_state sub,
                               int sig)
{
        kernel_table_signal(s, u, sig);
        unit_set_sub(s, u, sub);
        kernel_table_arm(s, t, u);
}

void kernel_table_enter_failed(struct sched *s, struct unit *u, enum unit_result f)
{
        unit_disarm_timer(s, u);
        if (f != RESULT_SUCCESS)
                u->rt->result = f;
        unit_set_sub(s, u, SUB_FAILED);
}

bool kernel_table_control_exited(struct unit *u, int code, int status)
{
        struct unit_runtime *rt = u->rt;
        bool ok = code == CLD_EXITED && status == 0;

        rt->control_pid = rt->control_pgid = 0;
        if (!ok && rt->result == RESULT_SUCCESS)
                rt->result = code == CLD_EXITED ? RESULT_EXIT_CODE : code == CLD_DUMPED ? RESULT_CORE_DUMP : RESULT_SIGNAL;
        return ok;
}
