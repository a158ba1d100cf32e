/* What weft serves on the system bus as org.freedesktop.systemd1 (see
 * bus_thread.h): dbus-daemon's ActivationRequest, a small part of the
 * Manager interface, and a few properties of unit objects. What needs
 * unit data is asked of the scheduler (bus_ask) and answered when it
 * replies (bus_answer_run). Bus thread only. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "core/bus_internal.h"
#include "core/log_control.h"
#include "parse/env.h"
#include "parse/install.h"
#include "parse/unit_name.h"
#include "parse/transient.h"
#include "sockets/notify.h"

/* The unit properties served, from the control verb "status" (key, the
 * name when NULL), with their D-Bus type: 's'; 'l', "as" from a
 * space-separated list; 'b', "yes" or "no"; 'u', 'i' and 't', numbers;
 * 'T', a CLOCK_REALTIME timestamp ("t") from the CLOCK_MONOTONIC one the
 * reply has; 'P', "a(ss)" from every value of the key, each "B (A)" (a
 * socket's Listen=, as systemctl show prints it). Enough for `systemctl
 * status`: its Loaded, Active, Main PID, Listen and Trigger lines; the
 * files `systemctl cat` reads, the edges `systemctl list-dependencies`
 * follows both ways, and whether systemctl isolate may take the unit. */
static const struct unit_property {
        const char *name;
        const char *key;
        char type;
} unit_properties[] = {
        { "Id", NULL, 's' },
        { "Description", NULL, 's' },
        { "LoadState", NULL, 's' },
        { "ActiveState", NULL, 's' },
        { "SubState", NULL, 's' },
        { "Triggers", NULL, 'l' },
        { "TriggeredBy", NULL, 'l' },
        { "FragmentPath", NULL, 's' },
        { "UnitFileState", NULL, 's' }, /* these two: unit_answer_complete */
        { "UnitFilePreset", NULL, 's' },
        { "DropInPaths", NULL, 'l' },
        { "Documentation", NULL, 'l' },
        { "Names", NULL, 'l' },
        { "Requires", NULL, 'l' },
        { "Requisite", NULL, 'l' },
        { "Wants", NULL, 'l' },
        { "BindsTo", NULL, 'l' },
        { "PartOf", NULL, 'l' },
        { "RequiredBy", NULL, 'l' },
        { "RequisiteOf", NULL, 'l' },
        { "WantedBy", NULL, 'l' },
        { "BoundBy", NULL, 'l' },
        { "ConsistsOf", NULL, 'l' },
        { "Conflicts", NULL, 'l' },
        { "Before", NULL, 'l' },
        { "After", NULL, 'l' },
        { "ActiveEnterTimestampMonotonic", NULL, 't' },
        { "ActiveExitTimestampMonotonic", NULL, 't' },
        { "InactiveEnterTimestampMonotonic", NULL, 't' },
        { "InactiveExitTimestampMonotonic", NULL, 't' },
        { "ActiveEnterTimestamp", "ActiveEnterTimestampMonotonic", 'T' },
        { "ActiveExitTimestamp", "ActiveExitTimestampMonotonic", 'T' },
        { "InactiveEnterTimestamp", "InactiveEnterTimestampMonotonic", 'T' },
        { "InactiveExitTimestamp", "InactiveExitTimestampMonotonic", 'T' },
        { "AllowIsolate", NULL, 'b' },
        { "IgnoreOnIsolate", NULL, 'b' },
        { "NeedDaemonReload", NULL, 'b' },
        { "Job", NULL, 'J' },
        { "InvocationID", NULL, 'Y' },
        /* The last failed check only (weft keeps no passing ones). */
        { "ConditionResult", NULL, 'b' },
        { "ConditionTimestamp", "ConditionTimestampMonotonic", 'T' },
        { "ConditionTimestampMonotonic", NULL, 't' },
        { "Conditions", "ConditionFailed", 'C' },
        { "AssertResult", NULL, 'b' },
        { "AssertTimestamp", "AssertTimestampMonotonic", 'T' },
        { "AssertTimestampMonotonic", NULL, 't' },
        { "Asserts", "AssertFailed", 'C' },
};

/* The Manager's: SystemState and the counters from the scheduler's
 * manager-properties, with the environment block; Version, the start
 * timestamps and the log level and target the bus thread's own (added to
 * the answer, manager_answer_complete). */
static const struct unit_property manager_properties[] = {
        { "Version", NULL, 's' },
        { "UserspaceTimestamp", "UserspaceTimestampMonotonic", 'T' },
        { "UserspaceTimestampMonotonic", NULL, 't' },
        { "FinishTimestamp", "FinishTimestampMonotonic", 'T' },
        { "FinishTimestampMonotonic", NULL, 't' },
        { "SystemState", NULL, 's' },
        { "NNames", NULL, 'u' },
        { "NFailedUnits", NULL, 'u' },
        { "NJobs", NULL, 'u' },
        { "LogLevel", NULL, 's' }, /* these two: manager_answer_complete */
        { "LogTarget", NULL, 's' },
        { "Environment", NULL, 'E' },
};

/* The interfaces of the unit types, with what their show op reports
 * (Result is each type's, not the Unit interface's). A timer's: what
 * systemctl list-timers reads (realtime values are the timer's own, not
 * converted). */
static const struct unit_property service_properties[] = {
        { "Result", NULL, 's' },
        { "Type", NULL, 's' },
        { "Restart", NULL, 's' },
        { "MainPID", NULL, 'u' },
        { "ControlPID", NULL, 'u' },
        { "StatusText", NULL, 's' },
        { "StatusErrno", NULL, 'i' },
        { "NRestarts", NULL, 'u' },
        { "ExecMainCode", NULL, 'i' },
        { "ExecMainStatus", NULL, 'i' },
        { "BusName", NULL, 's' },
        { "NFileDescriptorStore", NULL, 'u' },
};

static const struct unit_property socket_properties[] = {
        { "Result", NULL, 's' },
        { "Listen", NULL, 'P' },
        { "Accept", NULL, 'b' },
        { "NAccepted", NULL, 'u' },
        { "NConnections", NULL, 'u' },
};

static const struct unit_property timer_properties[] = {
        { "Result", NULL, 's' },
        { "Unit", NULL, 's' },
        { "NextElapseUSecRealtime", NULL, 't' },
        { "NextElapseUSecMonotonic", NULL, 't' },
        { "LastTriggerUSec", NULL, 't' },
        { "LastTriggerUSecMonotonic", NULL, 't' },
        { "AccuracyUSec", NULL, 't' },
        { "RandomizedDelayUSec", NULL, 't' },
        { "Persistent", NULL, 'b' },
        { "RemainAfterElapse", NULL, 'b' },
};

static const struct unit_property mount_properties[] = {
        { "Result", NULL, 's' },
        { "What", NULL, 's' },
        { "Where", NULL, 's' },
        { "Type", NULL, 's' },
        { "Options", NULL, 's' },
};

static const struct unit_property swap_properties[] = {
        { "Result", NULL, 's' },
        { "What", NULL, 's' },
        { "Priority", NULL, 'i' },
};

struct property_table {
        const char *iface;
        const struct unit_property *v;
        size_t n;
};
#define TABLE(i, a) { i, a, sizeof a / sizeof a[0] }
static const struct property_table unit_table = TABLE(SD1_UNIT, unit_properties),
                                   manager_table = TABLE(SD1_MANAGER, manager_properties);
static const struct property_table *const manager_tables[2] = { &manager_table, NULL };

static const struct {
        enum unit_type type;
        struct property_table tb;
} type_tables[] = {
        { UNIT_SERVICE, TABLE(SD1_NAME ".Service", service_properties) },
        { UNIT_SOCKET, TABLE(SD1_NAME ".Socket", socket_properties) },
        { UNIT_TIMER, TABLE(SD1_NAME ".Timer", timer_properties) },
        { UNIT_MOUNT, TABLE(SD1_NAME ".Mount", mount_properties) },
        { UNIT_SWAP, TABLE(SD1_NAME ".Swap", swap_properties) },
};

/* The interface of unit's type; NULL for a type weft serves none of. */
static const struct property_table *type_table_of(const char *unit)
{
        enum unit_type type = unit_name_to_type(unit);
        for (size_t i = 0; i < sizeof type_tables / sizeof type_tables[0]; i++)
                if (type_tables[i].type == type)
                        return &type_tables[i].tb;
        return NULL;
}

static const char *property_key(const struct unit_property *p)
{
        return p->key ? p->key : p->name;
}

/* name in the first of tables (at most 2, NULL-ended) that has it. */
static const struct unit_property *find_property(const struct property_table *const *tables, const char *name)
{
        for (size_t t = 0; t < 2 && tables[t]; t++)
                for (size_t i = 0; i < tables[t]->n; i++)
                        if (!strcmp(name, tables[t]->v[i].name))
                                return &tables[t]->v[i];
        return NULL;
}

const char *bus_answer_get(const struct bus_answer *a, const char *key)
{
        for (char **k = a->kv; k && k[0] && k[1]; k += 2)
                if (!strcmp(k[0], key))
                        return k[1];
        return NULL;
}

/* A variant holding an array of elem ("s": "as"), opened; closed again,
 * both containers, if all went well so far (r). */
static int open_variant_array(sd_bus_message *m, const char *elem)
{
        char sig[16];
        snprintf(sig, sizeof sig, "a%s", elem);
        int r = sd_bus_message_open_container(m, 'v', sig);
        return r < 0 ? r : sd_bus_message_open_container(m, 'a', elem);
}

static int close_variant_array(sd_bus_message *m, int r)
{
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* 'l': "as" from the space-separated list v. */
static int append_list(sd_bus_message *m, const char *v)
{
        int r = open_variant_array(m, "s");
        for (const char *w = v; r >= 0 && *w;) {
                size_t len = strcspn(w, " ");
                if (len > 0) {
                        char *item = strndup(w, len);
                        r = item ? sd_bus_message_append(m, "s", item) : -ENOMEM;
                        free(item);
                }
                w += len;
                w += strspn(w, " ");
        }
        return close_variant_array(m, r);
}

/* 'P': "a(ss)" of (A, B) from every value "B (A)" of key in a. */
static int append_pairs(sd_bus_message *m, const char *key, const struct bus_answer *a)
{
        int r = open_variant_array(m, "(ss)");
        for (char **k = a->kv; r >= 0 && k && k[0] && k[1]; k += 2) {
                const char *open = strrchr(k[1], '(');
                size_t len = open ? strlen(open) : 0;
                if (strcmp(k[0], key) != 0 || !open || open - k[1] < 2 || open[-1] != ' ' || open[len - 1] != ')')
                        continue;
                char *b = strndup(k[1], (size_t) (open - 1 - k[1])), *type = strndup(open + 1, len - 2);
                r = b && type ? sd_bus_message_append(m, "(ss)", type, b) : -ENOMEM;
                free(b);
                free(type);
        }
        return close_variant_array(m, r);
}

/* 'E': "as" of every value of key in a (the scheduler sends the
 * manager's environment one entry per key, as a value may hold any
 * character but NUL). */
static int append_repeated(sd_bus_message *m, const char *key, const struct bus_answer *a)
{
        int r = open_variant_array(m, "s");
        for (char **k = a->kv; r >= 0 && k && k[0] && k[1]; k += 2)
                if (!strcmp(k[0], key))
                        r = sd_bus_message_append(m, "s", k[1]);
        return close_variant_array(m, r);
}

/* 'C': "a(sbbsi)" (type, trigger, negate, parameter, state) of the one
 * check that failed, "ConditionPathExists=|!/x": state -1, as systemd
 * marks a failed one; empty when none did. */
static int append_failed_check(sd_bus_message *m, const char *v)
{
        const char *eq = strchr(v, '=');
        int r = open_variant_array(m, "(sbbsi)");
        if (r >= 0 && eq) {
                char *type = strndup(v, (size_t) (eq - v));
                const char *p = eq + 1;
                int trigger = *p == '|';
                p += trigger;
                int negate = *p == '!';
                p += negate;
                r = type ? sd_bus_message_append(m, "(sbbsi)", type, trigger, negate, p, (int32_t) -1) : -ENOMEM;
                free(type);
        }
        return close_variant_array(m, r);
}

/* Append property p's value, from the status reply a, as a variant: the
 * type's empty value when a does not have it (a unit without a file). */
static int append_property(const struct bus_thread *t, sd_bus_message *m, const struct unit_property *p,
                           const struct bus_answer *a)
{
        const char *v = bus_answer_get(a, property_key(p));
        v = v ? v : "";
        uint64_t n = strtoull(v, NULL, 10);

        switch (p->type) {
        case 'u':
                return sd_bus_message_append(m, "v", "u", (uint32_t) n);
        case 'i':
                return sd_bus_message_append(m, "v", "i", (int32_t) strtol(v, NULL, 10));
        case 't':
                return sd_bus_message_append(m, "v", "t", n);
        case 'T': /* 0 stays 0: never */
                return sd_bus_message_append(m, "v", "t",
                                             n ? n - t->cfg.userspace_monotonic + t->cfg.userspace_realtime : 0);
        case 's':
                return sd_bus_message_append(m, "v", "s", v);
        case 'b':
                return sd_bus_message_append(m, "v", "b", (int) !strcmp(v, "yes"));
        case 'P':
                return append_pairs(m, property_key(p), a);
        case 'E':
                return append_repeated(m, property_key(p), a);
        case 'C':
                return append_failed_check(m, v);
        case 'Y': { /* ay from hex digits ("": empty) */
                uint8_t bytes[64];
                size_t len = 0;
                for (; len < sizeof bytes && v[2 * len] && v[2 * len + 1]; len++)
                        sscanf(v + 2 * len, "%2hhx", &bytes[len]);
                int r = sd_bus_message_open_container(m, 'v', "ay");
                if (r >= 0)
                        r = sd_bus_message_append_array(m, 'y', bytes, len);
                return r < 0 ? r : sd_bus_message_close_container(m);
        }
        case 'J': { /* (uo): the job's id and path; (0, "/") for none */
                char job[64] = "/";
                if (n)
                        job_path(job, sizeof job, n);
                return sd_bus_message_append(m, "v", "(uo)", (uint32_t) n, job);
        }
        }
        return append_list(m, v);
}

/* ---- answering ---- */

static bool answer_is(const struct bus_answer *a, const char *key, const char *value)
{
        const char *v = bus_answer_get(a, key);
        return v && !strcmp(v, value);
}

static const char *error_name_of(const struct bus_answer *a)
{
        if (a->code == 4)
                return "org.freedesktop.systemd1.NoSuchUnit";
        if (a->code == 5)
                return "org.freedesktop.systemd1.LoadFailed";
        return "org.freedesktop.systemd1.JobFailed";
}

static int reply_unit_path(sd_bus_message *m, const char *unit)
{
        char *path = NULL;
        int r = sd_bus_path_encode(SD1_UNIT_PREFIX, unit, &path);
        if (r < 0)
                return r;
        r = sd_bus_reply_method_return(m, "o", path);
        free(path);
        return r;
}

static int reply_property(const struct bus_thread *t, sd_bus_message *m, const struct unit_property *p,
                          const struct bus_answer *a)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(m, &reply);

        if (r >= 0)
                r = append_property(t, reply, p, a);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

int bus_send_array_reply(sd_bus_message *reply, int r)
{
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

/* Properties.GetAll of tables (at most 2, NULL-ended): what answer a has
 * of them. */
static int reply_get_all(const struct bus_thread *t, sd_bus_message *m, const struct property_table *const *tables,
                         const struct bus_answer *a)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(m, &reply);

        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{sv}");
        for (size_t k = 0; k < 2 && tables[k]; k++)
                for (size_t i = 0; r >= 0 && i < tables[k]->n; i++) {
                        const struct unit_property *p = &tables[k]->v[i];
                        if (!bus_answer_get(a, property_key(p)))
                                continue;
                        r = sd_bus_message_open_container(reply, 'e', "sv");
                        if (r >= 0)
                                r = sd_bus_message_append(reply, "s", p->name);
                        if (r >= 0)
                                r = append_property(t, reply, p, a);
                        if (r >= 0)
                                r = sd_bus_message_close_container(reply);
                }
        return bus_send_array_reply(reply, r);
}

/* Properties.Get of p->prop from tables, in answer a. */
static int reply_get(const struct bus_thread *t, const struct bus_pending *p,
                     const struct property_table *const *tables, const struct bus_answer *a)
{
        const struct unit_property *prop = find_property(tables, p->prop);
        if (!prop)
                return sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", p->prop);
        return reply_property(t, p->m, prop, a);
}

/* UnitFileState and UnitFilePreset, which the scheduler does not know,
 * added to its answer when asked for: read here from the unit files, as
 * systemd, of the file name of the unit's fragment, by the code
 * GetUnitFileState uses; "" without a fragment. */
static int unit_answer_complete(const struct bus_thread *t, const struct bus_pending *p, struct bus_answer *a)
{
        if (p->props[0] != &unit_table || (p->prop && strncmp(p->prop, "UnitFile", 8) != 0))
                return 0;
        const char *path = bus_answer_get(a, "FragmentPath"), *slash = path ? strrchr(path, '/') : NULL;
        const char *state = "", *preset = "";
        if (slash && slash[1])
                (void) install_unit_file_info("weft", NULL, t->cfg.unit_paths, slash + 1, &state, &preset);
        if (strv_extend(&a->kv, "UnitFileState") < 0 || strv_extend(&a->kv, state) < 0 ||
            strv_extend(&a->kv, "UnitFilePreset") < 0 || strv_extend(&a->kv, preset) < 0)
                return -ENOMEM;
        return 0;
}

/* What the Manager's properties need beyond the scheduler's answer. */
static int manager_answer_complete(const struct bus_thread *t, struct bus_answer *a)
{
        char mono[24];
        snprintf(mono, sizeof mono, "%llu", (unsigned long long) t->cfg.userspace_monotonic);
        if (strv_extend(&a->kv, "Version") < 0 || strv_extend(&a->kv, "weft") < 0 ||
            strv_extend(&a->kv, "UserspaceTimestampMonotonic") < 0 || strv_extend(&a->kv, mono) < 0 ||
            strv_extend(&a->kv, "LogLevel") < 0 || strv_extend(&a->kv, log_control_level()) < 0 ||
            strv_extend(&a->kv, "LogTarget") < 0 || strv_extend(&a->kv, log_control_target()) < 0)
                return -ENOMEM;
        return 0;
}

/* The value of key in the unit record that starts at kv; "" if none. */
const char *bus_record_get(char *const *kv, const char *key)
{
        for (char *const *k = kv; k[0] && k[1] && (k == kv || strcmp(k[0], "Id") != 0); k += 2)
                if (!strcmp(k[0], key))
                        return k[1];
        return "";
}

/* Is unit record kv (from its "Id" on) one the call keeps: a load, active
 * or sub state among states, and a name matching one of patterns? */
static bool list_keeps(char *const *kv, char *const *states, char *const *patterns)
{
        bool state_ok = !states || !states[0] || strv_contains(states, bus_record_get(kv, "LoadState")) ||
                        strv_contains(states, bus_record_get(kv, "ActiveState")) ||
                        strv_contains(states, bus_record_get(kv, "SubState"));
        bool name_ok = !patterns || !patterns[0];
        STRV_FOREACH(pat, patterns)
                if (!name_ok)
                        name_ok = fnmatch(*pat, kv[1], FNM_NOESCAPE) == 0;
        return state_ok && name_ok;
}

/* ListUnits' a(ssssssouso): name, description, load, active and sub
 * state, followed unit, object path, job id, type and path. */
static int reply_unit_list(const struct bus_pending *p, const struct bus_answer *a)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(p->m, &reply);

        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssssssouso)");
        for (char **k = a->kv; r >= 0 && k && k[0] && k[1]; k += 2) {
                char *path = NULL;
                if (strcmp(k[0], "Id") != 0 || !list_keeps(k, p->states, p->patterns))
                        continue;
                r = sd_bus_path_encode(SD1_UNIT_PREFIX, k[1], &path);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "(ssssssouso)", k[1], bus_record_get(k, "Description"),
                                                  bus_record_get(k, "LoadState"), bus_record_get(k, "ActiveState"),
                                                  bus_record_get(k, "SubState"), "", path, (uint32_t) 0, "", "/");
                free(path);
        }
        return bus_send_array_reply(reply, r);
}

static void activation_failed(struct bus_thread *t, const char *unit, const char *error_name, const char *message)
{
        sd_bus_message *m = NULL;
        int r;

        log_warning_ratelimited(&t->rl_refused, "bus: activation of %s failed: %s", unit, message);
        if (!t->bus)
                return;
        /* Addressed to the bus itself: dbus-daemon acts on an
         * ActivationFailure only when it is the destination. */
        r = sd_bus_message_new_signal(t->bus, &m, SD1_PATH, SD1_ACTIVATOR, "ActivationFailure");
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", unit, error_name, message);
        if (r >= 0)
                r = sd_bus_send_to(t->bus, m, "org.freedesktop.DBus", NULL);
        if (r < 0)
                log_debug("bus: cannot send ActivationFailure for %s: %s", unit, strerror(-r));
        sd_bus_message_unref(m);
}

/* Manager.StartupFinished (firmware, loader, kernel, initrd, userspace,
 * total µs; the first, second and fourth are none here), on the system
 * bus and to every private peer, which is all Subscribe means to weft. */
void bus_emit_startup_finished(struct bus_thread *t, uint64_t when)
{
        uint64_t kernel = t->cfg.userspace_monotonic, userspace = when > kernel ? when - kernel : 0;
        for (size_t i = 0; i <= t->n_peers; i++) {
                sd_bus *b = i < t->n_peers ? t->peers[i] : t->bus;
                if (b && sd_bus_emit_signal(b, SD1_PATH, SD1_MANAGER, "StartupFinished", "tttttt", (uint64_t) 0,
                                            (uint64_t) 0, kernel, (uint64_t) 0, userspace, kernel + userspace) < 0)
                        log_debug("bus: cannot emit StartupFinished");
        }
}

static int reply_unit_exists(sd_bus_message *m, const char *unit)
{
        return sd_bus_reply_method_errorf(m, "org.freedesktop.systemd1.UnitExists",
                                          "Unit %s was already loaded or has a fragment file.", unit);
}

/* StartTransientUnit, once the scheduler said it holds no such unit: its
 * file, then its job, as StartUnit's once the unit is known (the unit
 * path is read again for it: core/control.c's control_find_or_load). The
 * job's own request loads the unit: a separate look first would leave it
 * collectable, without a job, until the job came, and the collection
 * removes a transient unit's file. */
static int start_transient(struct bus_thread *t, struct bus_pending *p)
{
        int r = bus_transient_write(t->cfg.transient_dir, p->unit, p->transient);
        if (r == -EEXIST)
                return reply_unit_exists(p->m, p->unit);
        if (r < 0)
                return sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_FAILED, "Cannot write %s/%s: %s",
                                                  t->cfg.transient_dir, p->unit, strerror(-r));
        log_info("bus: transient unit %s/%s written", t->cfg.transient_dir, p->unit);
        /* Held before its job, so it is not collected once done before
         * the caller (systemd-run --wait) has read how it ended. */
        if (p->add_ref && (r = bus_track_add_ref(t, p->m, p->unit)) < 0)
                log_warning("bus: %s: cannot keep AddRef: %s", p->unit, strerror(-r));
        return bus_start_job(t, p);
}

void bus_answer_run(struct bus_thread *t, struct bus_answer *a)
{
        if (a->interim) { /* a job queued: the call is answered, its end awaited */
                struct bus_pending *queued = idmap_get(&t->pending, a->id);
                if (queued && queued->bus && sd_bus_is_open(queued->bus) > 0)
                        bus_job_queued(queued, a);
                bus_answer_free(a);
                return;
        }
        struct bus_pending *p = idmap_remove(&t->pending, a->id);
        const char *msg = a->error ? a->error : "failed";
        const char *v;
        /* Known: the scheduler described it, maybe as not-found (named by
         * an edge: systemd has an object for it too); missing: no file. */
        bool known = bus_answer_get(a, "Id") != NULL;
        bool missing = !known || ((v = bus_answer_get(a, "LoadState")) && !strcmp(v, "not-found"));
        int r = 0;

        if (!p || !p->bus || sd_bus_is_open(p->bus) <= 0)
                goto out; /* the connection it came on is gone */
        switch (p->call) {
        case CALL_ACTIVATE:
                if (a->code != 0)
                        activation_failed(t, p->unit, error_name_of(a), msg);
                break;
        case CALL_GET_UNIT:
        case CALL_LOAD_UNIT:
                if (!known)
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoSuchUnit",
                                                       "Unit %s not loaded.", p->unit);
                else
                        r = reply_unit_path(p->m, p->unit);
                break;
        case CALL_UNIT_JOB:
                if (missing)
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoSuchUnit",
                                                       "Unit %s not found.", p->unit);
                else if ((v = bus_answer_get(a, "LoadState")) && strcmp(v, "loaded") != 0)
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.LoadFailed",
                                                       "Unit %s is %s.", p->unit, v);
                else if (!strcmp(p->job_verb, "isolate") && !answer_is(a, "AllowIsolate", "yes"))
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoIsolation",
                                                       "Operation refused, unit may not be isolated.");
                else
                        r = bus_start_job(t, p);
                break;
        case CALL_TRANSIENT:
                r = a->code == 4 ? start_transient(t, p) : reply_unit_exists(p->m, p->unit); /* is-known */
                break;
        case CALL_JOB:
        case CALL_LIST_JOBS:
        case CALL_GET_JOB:
        case CALL_JOB_GET:
        case CALL_CANCEL:
                r = bus_job_answer(p, a, error_name_of(a));
                break;
        case CALL_LIST_UNITS:
                r = a->code != 0 ? sd_bus_reply_method_errorf(p->m, error_name_of(a), "%s", msg)
                                 : reply_unit_list(p, a);
                break;
        case CALL_ABANDON:
                r = a->code != 0 ? sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.ScopeNotRunning", "%s", msg)
                                 : sd_bus_reply_method_return(p->m, NULL);
                break;
        case CALL_SELF: /* the caller's unit known: now what was asked of it */
                if (a->code != 0 || !(v = bus_answer_get(a, "Id")))
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoUnitForPID", "%s",
                                                       "The caller does not belong to any loaded unit.");
                else if ((r = bus_ask(t, p->bus, &(struct bus_question) {
                                  .call = p->prop ? CALL_GET : CALL_GET_ALL, .props = { p->props[0], p->props[1] },
                                  .m = p->m, .unit = v, .prop = p->prop, .verb = "status-loaded",
                                  .no_block = true, .uid = 65534 })) < 0)
                        r = sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s",
                                                       strerror(-r));
                break;
        case CALL_UNIT_BY_PID:
                if (a->code != 0 || !(v = bus_answer_get(a, "Id")))
                        r = sd_bus_reply_method_errorf(p->m, "org.freedesktop.systemd1.NoUnitForPID", "%s", msg);
                else
                        r = reply_unit_path(p->m, v);
                break;
        case CALL_NOW:
                if (a->code != 0)
                        r = sd_bus_reply_method_errorf(p->m, error_name_of(a), "%s", msg);
                else
                        r = sd_bus_reply_method_return(p->m, NULL);
                break;
        case CALL_GET:
                if (!known)
                        r = sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unit %s not loaded.",
                                                       p->unit);
                else if ((r = unit_answer_complete(t, p, a)) >= 0)
                        r = reply_get(t, p, p->props, a);
                break;
        case CALL_GET_ALL:
                if (!known)
                        r = sd_bus_reply_method_errorf(p->m, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unit %s not loaded.",
                                                       p->unit);
                else if ((r = unit_answer_complete(t, p, a)) >= 0)
                        r = reply_get_all(t, p->m, p->props, a);
                break;
        case CALL_QUIET:
                break;
        case CALL_REF:
                if (a->code != 0)
                        bus_track_forget(t, p->unit);
                r = a->code != 0 ? sd_bus_reply_method_errorf(p->m, error_name_of(a), "%s", msg)
                                 : sd_bus_reply_method_return(p->m, NULL);
                break;
        case CALL_MANAGER_GET:
        case CALL_MANAGER_GET_ALL:
                r = manager_answer_complete(t, a);
                if (r >= 0)
                        r = p->call == CALL_MANAGER_GET ? reply_get(t, p, manager_tables, a)
                                                        : reply_get_all(t, p->m, manager_tables, a);
                break;
        }
        if (r < 0)
                log_debug("bus: cannot answer a call about %s: %s", p->unit ? p->unit : "the manager", strerror(-r));
out:
        bus_pending_free(p);
        bus_answer_free(a);
}

/* ---- what the bus asks ---- */

bool bus_unit_name_ok(const char *name)
{
        size_t n = strlen(name);
        if (n == 0 || n >= BUS_UNIT_NAME_MAX || !strchr(name, '.'))
                return false;
        for (const char *c = name; *c; c++)
                if (*c <= ' ' || *c == '/' || (unsigned char) *c >= 0x7f)
                        return false;
        return true;
}

static int on_activation_request(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *sender = sd_bus_message_get_sender(m), *unit;
        int r;

        if (!sender || strcmp(sender, "org.freedesktop.DBus") != 0)
                return 0; /* only the bus itself asks for activation */
        if (sd_bus_message_read(m, "s", &unit) < 0) {
                log_warning_ratelimited(&t->rl_refused, "%s", "bus: malformed ActivationRequest, ignoring");
                return 0;
        }
        if (!bus_unit_name_ok(unit)) {
                activation_failed(t, unit, "org.freedesktop.systemd1.NoSuchUnit", "Invalid unit name.");
                return 0;
        }
        log_debug("bus: activation request for %s", unit);
        /* A start that replies when its job ends: a start that fails then
         * still fails the activation, instead of leaving the client waiting. */
        r = bus_ask(t, t->bus, &(struct bus_question) { .call = CALL_ACTIVATE, .unit = unit, .verb = "start" });
        if (r < 0)
                activation_failed(t, unit, "org.freedesktop.systemd1.LimitsExceeded",
                                  r == -EBUSY ? "Too many requests pending." : "Out of memory.");
        return 0;
}

/* m's sender's process, its groups and ancestors (notify_pid_info_args),
 * as unit-of-pid's arguments; -ESRCH when it has none. */
static int sender_pid_args(sd_bus_message *m, char ***args)
{
        sd_bus_creds *c = NULL;
        pid_t pid = 0;
        if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_PID, &c) >= 0)
                (void) sd_bus_creds_get_pid(c, &pid);
        sd_bus_creds_unref(c);
        return pid > 0 ? notify_pid_info_args(pid, args) : -ESRCH;
}

static uid_t sender_uid(sd_bus_message *m)
{
        sd_bus_creds *c = NULL;
        uid_t uid = (uid_t) -1;

        if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &c) >= 0 && sd_bus_creds_get_euid(c, &uid) < 0)
                uid = (uid_t) -1;
        sd_bus_creds_unref(c);
        return uid;
}

/* As the control socket refuses the verbs that act. */
int bus_check_root(sd_bus_message *m, sd_bus_error *ret_error)
{
        if (sender_uid(m) == 0)
                return 0;
        return sd_bus_error_setf(ret_error, SD_BUS_ERROR_ACCESS_DENIED, "%s needs root.",
                                 sd_bus_message_get_member(m));
}

static int method_subscribe(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        return bus_track_subscribe(userdata, m, !strcmp(sd_bus_message_get_member(m), "Subscribe"), ret_error);
}

/* The Manager's methods that queue a job on a unit, and the control verb
 * of that job. */
static const struct job_method {
        const char *member;
        const char *verb;
} job_methods[] = {
        { "StartUnit", "start" },
        { "StopUnit", "stop" },
        { "RestartUnit", "restart" },
        { "ReloadUnit", "reload" },
        { "TryRestartUnit", "try-restart" },
        { "ReloadOrRestartUnit", "reload-or-restart" },
        { "ReloadOrTryRestartUnit", "try-reload-or-restart" },
};

static const char *job_verb_of(const char *member)
{
        for (size_t i = 0; i < sizeof job_methods / sizeof job_methods[0]; i++)
                if (!strcmp(member, job_methods[i].member))
                        return job_methods[i].verb;
        return NULL;
}

/* The job modes weft knows, and the control verb a start gets in each:
 * replace-irreversibly is what systemctl poweroff (and logind) start
 * poweroff.target with, no later start may undo its jobs; isolate is
 * systemctl isolate's, and a start's only (as in systemd). */
static int job_mode_verb(const char *mode, const char **verb, sd_bus_error *ret_error)
{
        static const struct {
                const char *mode, *start_verb;
        } modes[] = {
                { "replace", "start" },
                { "fail", "start" },
                { "replace-irreversibly", "start-irreversibly" },
                { "isolate", "isolate" },
        };
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
                if (strcmp(mode, modes[i].mode) != 0)
                        continue;
                if (!strcmp(*verb, "start"))
                        *verb = modes[i].start_verb;
                else if (!strcmp(mode, "isolate"))
                        return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Isolate is only valid for start.");
                return 0;
        }
        return sd_bus_error_setf(ret_error, SD_BUS_ERROR_NOT_SUPPORTED, "Job mode %s is not supported.", mode);
}

int bus_refuse_busy(struct bus_thread *t, const char *member, const char *unit, int r, sd_bus_error *ret_error)
{
        log_warning_ratelimited(&t->rl_refused, "bus: refusing %s(%s): %s", member, unit ? unit : "", strerror(-r));
        return sd_bus_error_setf(ret_error, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s", strerror(-r));
}

static int method_unit(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m), *unit, *mode = NULL;
        struct bus_question q = { .m = m, .no_block = true };
        int r;

        if (!strcmp(member, "GetUnit") || !strcmp(member, "LoadUnit")) {
                q.call = member[0] == 'G' ? CALL_GET_UNIT : CALL_LOAD_UNIT;
                /* GetUnit never loads (as systemd's); LoadUnit does for root
                 * only: weft keeps every unit it loaded, so any caller's
                 * made-up names would grow its table for good. */
                q.verb = q.call == CALL_LOAD_UNIT && sender_uid(m) == 0 ? "status" : "status-loaded";
                q.uid = 65534;
                r = sd_bus_message_read(m, "s", &unit);
        } else {
                q.call = CALL_UNIT_JOB;
                q.job_verb = job_verb_of(member);
                /* First whether the unit exists (the reply is a job or
                 * NoSuchUnit), then the job itself (bus_answer_run). */
                q.verb = "status";
                r = sd_bus_message_read(m, "ss", &unit, &mode);
        }
        if (r < 0)
                return r;
        if (!bus_unit_name_ok(unit))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Invalid unit name.");
        if (mode && (r = job_mode_verb(mode, &q.job_verb, ret_error)) < 0)
                return r;
        /* Jobs need root, as on the control socket. */
        if (mode && (r = bus_check_root(m, ret_error)) < 0)
                return r;
        q.unit = unit;
        r = bus_ask(t, sd_bus_message_get_bus(m), &q);
        if (r < 0)
                return bus_refuse_busy(t, member, unit, r, ret_error);
        return 1; /* answered when the scheduler replies */
}

/* What StartTransientUnit asks: the unit's name, its job's verb, its
 * file's text, and what no file holds (AddRef, systemd-run --pipe's fds,
 * a scope's PIDs). */
struct transient_call {
        const char *unit, *job_verb;
        char *text;
        struct transient_unit tu;
};

/* Read the name, mode and properties of StartTransientUnit into c; 0 or
 * an error set. Services and scopes, on a unit path that has the
 * transient directory; a name with a file on the unit path is taken
 * (systemd's UnitExists). */
static int transient_request(struct bus_thread *t, sd_bus_message *m, struct transient_call *c, sd_bus_error *ret_error)
{
        struct install_ctx ic;
        const char *mode, *state = NULL;
        int r = sd_bus_message_read(m, "ss", &c->unit, &mode);
        enum unit_type type = r >= 0 ? unit_name_to_type(c->unit) : _UNIT_TYPE_INVALID;

        if (r >= 0)
                r = bus_check_root(m, ret_error);
        if (r >= 0 && (!bus_unit_name_ok(c->unit) || (type != UNIT_SERVICE && type != UNIT_SCOPE)))
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS,
                                      "Invalid unit name or type: weft makes transient services and scopes only.");
        if (r >= 0 && !t->cfg.transient_dir)
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_NOT_SUPPORTED,
                                      "weft has no transient unit directory (--transient-dir).");
        if (r >= 0 && !strcmp(mode, "isolate"))
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Isolate is not valid for a transient unit.");
        c->job_verb = "start";
        if (r >= 0)
                r = job_mode_verb(mode, &c->job_verb, ret_error);
        if (r >= 0 && (r = install_ctx_init(&ic, "weft", NULL, t->cfg.unit_paths)) >= 0) {
                ic.quiet = true;
                if (install_state(&ic, c->unit, &state) != -ENOENT)
                        r = sd_bus_error_setf(ret_error, "org.freedesktop.systemd1.UnitExists",
                                              "Unit %s was already loaded or has a fragment file.", c->unit);
                install_ctx_done(&ic);
        }
        c->tu.scope = type == UNIT_SCOPE;
        if (r >= 0)
                r = bus_transient_read(m, &c->tu, ret_error);
        if (r >= 0)
                r = transient_text(&c->tu, &c->text);
        return r;
}

static int method_start_transient(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        struct transient_call c = { 0 };
        int stdio_fds[3];
        int r = transient_request(t, m, &c, ret_error);

        for (int i = 0; i < 3; i++)
                stdio_fds[i] = c.tu.stdio_given & (1u << i) ? c.tu.stdio_fds[i] : -1;
        if (r >= 0) {
                r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                        .call = CALL_TRANSIENT, .m = m, .unit = c.unit, .verb = "is-known", .uid = 0,
                        .job_verb = c.job_verb, .no_block = true, .transient = c.text, .add_ref = c.tu.add_ref,
                        .stdio_fds = c.tu.stdio_given ? stdio_fds : NULL, .pids = c.tu.pids, .n_pids = c.tu.n_pids });
                r = r < 0 ? bus_refuse_busy(t, "StartTransientUnit", c.unit, r, ret_error) : 1;
        }
        free(c.text);
        transient_unit_done(&c.tu); /* bus_ask made its own copies */
        return r;
}

/* GetUnitByPID (systemctl status PID): the process, its groups and its
 * ancestors read here, the unit they make it one of asked of the
 * scheduler (unit-of-pid). PID 0 is the caller. */
static int method_unit_by_pid(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        char **args = NULL;
        uint32_t pid;
        int r = sd_bus_message_read(m, "u", &pid);

        if (r < 0)
                return r;
        if (pid == 0)
                r = sender_pid_args(m, &args);
        else
                r = pid <= INT32_MAX ? notify_pid_info_args((pid_t) pid, &args) : -ESRCH;
        if (r == -ESRCH)
                return sd_bus_error_setf(ret_error, "org.freedesktop.systemd1.NoUnitForPID",
                                         "PID %u does not belong to any loaded unit.", pid);
        if (r >= 0)
                r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                        .call = CALL_UNIT_BY_PID, .m = m, .verb = "unit-of-pid", .args = args, .uid = 65534 });
        strv_free(args);
        return r < 0 ? bus_refuse_busy(t, "GetUnitByPID", "", r, ret_error) : 1;
}

/* KillUnit, ResetFailedUnit, ResetFailed, Reload (daemon-reload),
 * Reexecute (daemon-reexec: a reload, core/control.c says why) and
 * PowerOff, Reboot, Halt and Exit: a control verb, answered when it is
 * done (for a shutdown: once it is asked for). Root only. */
static int method_now(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m), *unit = NULL, *whom = NULL;
        struct bus_question q = { .call = CALL_NOW, .m = m, .uid = 0 };
        int32_t sig = 0;
        int r = 0;

        if (!strcmp(member, "KillUnit")) {
                q.verb = "kill";
                r = sd_bus_message_read(m, "ssi", &unit, &whom, &sig);
        } else if (!strcmp(member, "ResetFailedUnit")) {
                q.verb = "reset-failed";
                r = sd_bus_message_read(m, "s", &unit);
        } else if (!strcmp(member, "PowerOff") || !strcmp(member, "Reboot") || !strcmp(member, "Halt") ||
                   !strcmp(member, "Exit"))
                /* systemctl --force poweroff...: the shutdown itself, no target. */
                q.verb = !strcmp(member, "PowerOff") ? "poweroff" : member[0] == 'R' ? "reboot"
                         : member[0] == 'H' ? "halt" : "exit";
        else
                q.verb = !strcmp(member, "Reload")      ? "daemon-reload"
                         : !strcmp(member, "Reexecute") ? "daemon-reexec"
                                                        : "reset-failed";
        if (r >= 0)
                r = bus_check_root(m, ret_error);
        if (r < 0)
                return r;
        if (unit && !bus_unit_name_ok(unit))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Invalid unit name.");
        if (sig < 0 || sig >= _NSIG)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Signal %d is not valid.", (int) sig);
        q.unit = unit;
        q.signal = sig;
        q.kill_whom = whom; /* checked by the scheduler (verb_kill) */
        r = bus_ask(t, sd_bus_message_get_bus(m), &q);
        if (r < 0)
                return bus_refuse_busy(t, member, unit, r, ret_error);
        return 1;
}

/* SetEnvironment(as), UnsetEnvironment(as) and UnsetAndSetEnvironment(asas):
 * the manager's environment block, which every command started later
 * gets (core/sched_env.c). Checked here as systemd checks them, then by
 * the scheduler, which changes it all or nothing. Root only. */
static int method_environment(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m);
        bool unset_only = !strcmp(member, "UnsetEnvironment"), both = !strcmp(member, "UnsetAndSetEnvironment");
        char **unset = NULL, **set = NULL;
        int r = 0;

        if (unset_only || both)
                r = sd_bus_message_read_strv(m, &unset);
        if (r >= 0 && !unset_only)
                r = sd_bus_message_read_strv(m, &set);
        if (r < 0)
                goto out;
        if (!env_names_or_assignments_are_valid(unset))
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS,
                                      "Invalid environment variable names or assignments");
        else if (!env_assignments_are_valid(set))
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Invalid environment assignments");
        else
                r = bus_check_root(m, ret_error);
        if (r < 0)
                goto out;
        r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                .call = CALL_NOW, .m = m, .uid = 0,
                .verb = both ? "unset-and-set-environment" : unset_only ? "unset-environment" : "set-environment",
                .args = unset_only ? unset : set, .properties = both ? unset : NULL });
        r = r < 0 ? bus_refuse_busy(t, member, NULL, r, ret_error) : 1;
out:
        strv_free(unset);
        strv_free(set);
        return r;
}

/* systemctl list-units: every unit weft has (systemctl leaves out the
 * inactive ones itself unless --all), kept by state and name pattern. */
static int method_list_units(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m);
        char **states = NULL, **patterns = NULL;
        int r = 0;

        if (strcmp(member, "ListUnits") != 0)
                r = sd_bus_message_read_strv(m, &states);
        if (r >= 0 && !strcmp(member, "ListUnitsByPatterns"))
                r = sd_bus_message_read_strv(m, &patterns);
        if (r >= 0)
                r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                        .call = CALL_LIST_UNITS, .m = m, .verb = "list-units", .no_block = true, .uid = 65534,
                        .all = true, .states = states, .patterns = patterns });
        strv_free(states);
        strv_free(patterns);
        if (r == -EBUSY || r == -ENOMEM)
                return bus_refuse_busy(t, member, NULL, r, ret_error);
        return r < 0 ? r : 1;
}


static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Subscribe", "", "", method_subscribe, 0),
        SD_BUS_METHOD("Unsubscribe", "", "", method_subscribe, 0),
        SD_BUS_METHOD("GetUnit", "s", "o", method_unit, 0),
        SD_BUS_METHOD("LoadUnit", "s", "o", method_unit, 0),
        SD_BUS_METHOD("GetUnitByPID", "u", "o", method_unit_by_pid, 0),
        SD_BUS_METHOD("StartUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("StopUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("RestartUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("ReloadUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("TryRestartUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("ReloadOrRestartUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("ReloadOrTryRestartUnit", "ss", "o", method_unit, 0),
        SD_BUS_METHOD("StartTransientUnit", "ssa(sv)a(sa(sv))", "o", method_start_transient, 0),
        SD_BUS_METHOD("KillUnit", "ssi", "", method_now, 0),
        SD_BUS_METHOD("ResetFailedUnit", "s", "", method_now, 0),
        SD_BUS_METHOD("ResetFailed", "", "", method_now, 0),
        SD_BUS_METHOD("Reload", "", "", method_now, 0),
        SD_BUS_METHOD("Reexecute", "", "", method_now, 0),
        SD_BUS_METHOD("PowerOff", "", "", method_now, 0),
        SD_BUS_METHOD("Reboot", "", "", method_now, 0),
        SD_BUS_METHOD("Halt", "", "", method_now, 0),
        SD_BUS_METHOD("Exit", "", "", method_now, 0),
        SD_BUS_METHOD("SetEnvironment", "as", "", method_environment, 0),
        SD_BUS_METHOD("UnsetEnvironment", "as", "", method_environment, 0),
        SD_BUS_METHOD("UnsetAndSetEnvironment", "asas", "", method_environment, 0),
        SD_BUS_METHOD("GetUnitFileState", "s", "s", bus_method_unit_file_state, 0),
        SD_BUS_METHOD("EnableUnitFiles", "asbb", "ba(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("EnableUnitFilesWithFlags", "ast", "ba(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("DisableUnitFiles", "asb", "a(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("DisableUnitFilesWithFlags", "ast", "a(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("ReenableUnitFiles", "asbb", "ba(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("RevertUnitFiles", "as", "a(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("LinkUnitFiles", "asbb", "a(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("MaskUnitFiles", "asbb", "a(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("UnmaskUnitFiles", "asb", "a(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("PresetUnitFiles", "asbb", "ba(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("PresetUnitFilesWithMode", "assbb", "ba(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("SetDefaultTarget", "sb", "a(sss)", bus_method_unit_files, 0),
        SD_BUS_METHOD("GetDefaultTarget", "", "s", bus_method_get_default, 0),
        SD_BUS_METHOD("ListUnitFiles", "", "a(ss)", bus_method_list_unit_files, 0),
        SD_BUS_METHOD("ListUnitFilesByPatterns", "asas", "a(ss)", bus_method_list_unit_files, 0),
        SD_BUS_METHOD("ListUnits", "", "a(ssssssouso)", method_list_units, 0),
        SD_BUS_METHOD("ListUnitsFiltered", "as", "a(ssssssouso)", method_list_units, 0),
        SD_BUS_METHOD("ListUnitsByPatterns", "asas", "a(ssssssouso)", method_list_units, 0),
        SD_BUS_METHOD("ListJobs", "", "a(usssoo)", bus_method_jobs, 0),
        SD_BUS_METHOD("GetJob", "u", "o", bus_method_jobs, 0),
        SD_BUS_METHOD("GetJobAfter", "u", "a(usssoo)", bus_method_jobs, 0),
        SD_BUS_METHOD("GetJobBefore", "u", "a(usssoo)", bus_method_jobs, 0),
        SD_BUS_METHOD("CancelJob", "u", "", bus_method_jobs, 0),
        SD_BUS_METHOD("ClearJobs", "", "", bus_method_jobs, 0),
        /* Set only: manager_object answers Get and GetAll from manager_table. */
        SD_BUS_WRITABLE_PROPERTY("LogLevel", "s", bus_log_level_get, bus_log_level_set, 0, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_WRITABLE_PROPERTY("LogTarget", "s", bus_log_target_get, bus_log_target_set, 0, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

/* /org/freedesktop/systemd1/unit/self (systemd-run --scope reads its
 * scope's InvocationID so): the caller's unit first (unit-of-pid), then
 * its properties (CALL_SELF, bus_answer_run). */
static int ask_self(struct bus_thread *t, sd_bus_message *m, const struct property_table *const tables[2],
                    const char *prop, sd_bus_error *ret_error)
{
        char **args = NULL;
        int r = sender_pid_args(m, &args);

        if (r >= 0)
                r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                        .call = CALL_SELF, .props = { tables[0], tables[1] }, .m = m, .prop = prop,
                        .verb = "unit-of-pid", .args = args, .uid = 65534 });
        strv_free(args);
        if (r == -ESRCH)
                return sd_bus_error_setf(ret_error, "org.freedesktop.systemd1.NoUnitForPID",
                                         "The caller does not belong to any loaded unit.");
        return r < 0 ? sd_bus_error_setf(ret_error, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s", strerror(-r)) : 1;
}

/* Properties of /org/freedesktop/systemd1/unit/NAME: asked of the
 * scheduler, answered later. Anything else falls through to sd-bus's
 * standard errors. */
static int unit_object(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m), *iface, *prop = NULL;
        char *unit = NULL;
        int r;

        bool ref = sd_bus_message_is_method_call(m, SD1_UNIT, "Ref") > 0;
        bool abandon = sd_bus_message_is_method_call(m, SD1_NAME ".Scope", "Abandon") > 0;
        bool unref = sd_bus_message_is_method_call(m, SD1_UNIT, "Unref") > 0;
        bool get = sd_bus_message_is_method_call(m, "org.freedesktop.DBus.Properties", NULL) > 0 &&
                   (!strcmp(member, "Get") || !strcmp(member, "GetAll"));

        if (!ref && !unref && !get && !abandon)
                return 0;
        r = sd_bus_path_decode(sd_bus_message_get_path(m), SD1_UNIT_PREFIX, &unit);
        if (r <= 0)
                return r;
        if (get)
                r = !strcmp(member, "Get") ? sd_bus_message_read(m, "ss", &iface, &prop)
                                           : sd_bus_message_read(m, "s", &iface);
        if (r < 0)
                goto out;
        bool self = get && !strcmp(unit, "self"); /* the caller's own unit; Ref, Unref, Abandon name units */
        if (!self && !bus_unit_name_ok(unit)) {
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_OBJECT, "Invalid unit name.");
                goto out;
        }
        if (abandon) { /* logind's, when a session ends */
                r = bus_check_root(m, ret_error);
                if (r >= 0 && (r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                                       .call = CALL_ABANDON, .m = m, .unit = unit, .verb = "abandon", .uid = 0 })) < 0)
                        r = bus_refuse_busy(t, member, unit, r, ret_error);
                else if (r >= 0)
                        r = 1;
                goto out;
        }
        if (!get) {
                r = bus_track_method(t, m, unit, ref, ret_error);
                goto out;
        }
        /* The Unit interface, the unit type's own, or for "" both (as
         * systemctl status and show ask). */
        const struct property_table *type_tb = type_table_of(unit), *tables[2] = { NULL, NULL };
        if (!iface[0]) {
                tables[0] = &unit_table;
                tables[1] = type_tb;
        } else if (!strcmp(iface, SD1_UNIT))
                tables[0] = &unit_table;
        else if (type_tb && !strcmp(iface, type_tb->iface))
                tables[0] = type_tb;
        else {
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_INTERFACE, "Interface %s is not served.", iface);
                goto out;
        }
        if (prop && !find_property(tables, prop)) {
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", prop);
                goto out;
        }
        if (self) {
                r = ask_self(t, m, tables, prop, ret_error);
                goto out;
        }
        r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                .call = prop ? CALL_GET : CALL_GET_ALL, .props = { tables[0], tables[1] }, .m = m, .unit = unit, .prop = prop,
                .verb = sender_uid(m) == 0 ? "status" : "status-loaded", .no_block = true, .uid = 65534 });
        if (r < 0)
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s", strerror(-r));
        else
                r = 1;
out:
        free(unit);
        return r;
}

/* Properties of the Manager: asked of the scheduler (its state and
 * counters change), answered later. Other interfaces and methods fall
 * through to the vtable and sd-bus's errors. */
static int manager_object(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *member = sd_bus_message_get_member(m), *iface, *prop = NULL;
        int r;

        if (!sd_bus_message_is_method_call(m, "org.freedesktop.DBus.Properties", NULL) ||
            (strcmp(member, "Get") != 0 && strcmp(member, "GetAll") != 0))
                return 0;
        r = !strcmp(member, "Get") ? sd_bus_message_read(m, "ss", &iface, &prop) : sd_bus_message_read(m, "s", &iface);
        if (r < 0)
                return r;
        if (iface[0] && strcmp(iface, SD1_MANAGER) != 0)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_INTERFACE, "Interface %s is not served.", iface);
        if (prop && !find_property(manager_tables, prop))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", prop);
        r = bus_ask(t, sd_bus_message_get_bus(m), &(struct bus_question) {
                .call = prop ? CALL_MANAGER_GET : CALL_MANAGER_GET_ALL, .m = m, .prop = prop,
                .verb = "manager-properties", .uid = 65534 });
        if (r < 0)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s", strerror(-r));
        return 1;
}

static int on_name_request(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        const sd_bus_error *e = sd_bus_message_get_error(m);
        if (e)
                log_warning("bus: cannot own " SD1_NAME ": %s", e->message ? e->message : e->name);
        else
                log_info("bus: connected to the system bus as " SD1_NAME);
        return 0;
}

static bool table_has_key(const struct property_table *tb, const char *key)
{
        for (size_t i = 0; i < tb->n; i++)
                if (!strcmp(key, property_key(&tb->v[i])))
                        return true;
        return false;
}

bool bus_served_key(const char *key)
{
        static const char *const extra[] = { "JobResult", "JobId", "JobType", "JobState", NULL };
        for (size_t i = 0; i < sizeof type_tables / sizeof type_tables[0]; i++)
                if (table_has_key(&type_tables[i].tb, key))
                        return true;
        return table_has_key(&unit_table, key) || table_has_key(&manager_table, key) ||
               strv_contains((char **) extra, key);
}

int bus_manager_attach_objects(struct bus_thread *t, sd_bus *bus)
{
        int r = sd_bus_add_object_vtable(bus, NULL, SD1_PATH, SD1_MANAGER, manager_vtable, t);
        if (r >= 0)
                r = sd_bus_add_object(bus, NULL, SD1_PATH, manager_object, t);
        if (r >= 0)
                r = sd_bus_add_fallback(bus, NULL, SD1_UNIT_PREFIX, unit_object, t);
        if (r >= 0)
                r = bus_jobs_attach(t, bus);
        if (r >= 0)
                r = bus_log_control_attach(bus);
        return r;
}

int bus_manager_attach(struct bus_thread *t)
{
        int r = bus_manager_attach_objects(t, t->bus);
        if (r >= 0)
                r = sd_bus_match_signal_async(t->bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                              SD1_ACTIVATOR, "ActivationRequest", on_activation_request, NULL, t);
        if (r >= 0)
                r = sd_bus_request_name_async(t->bus, NULL, SD1_NAME, 0, on_name_request, t);
        return r;
}
