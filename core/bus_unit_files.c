/* The unit-file methods of org.freedesktop.systemd1.Manager, what
 * systemctl is-enabled, enable, disable, reenable, revert, link, mask,
 * unmask, preset, get-default, set-default and list-unit-files call: the
 * install code weftctl uses (parse/install.c), run on the bus thread, as it
 * is file work the scheduler need not wait for. Bus thread only; the
 * Manager's vtable (core/bus_manager.c) points here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "core/bus_internal.h"
#include "parse/install.h"

/* An install code error as systemd's bus names it. */
static int install_error(sd_bus_error *ret_error, int r, const char *what)
{
        if (r == -ENOENT)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_FILE_NOT_FOUND, "No such file or directory");
        if (r == -ERFKILL)
                return sd_bus_error_setf(ret_error, "org.freedesktop.systemd1.UnitMasked", "Unit file %s is masked.",
                                         what);
        return sd_bus_error_setf(ret_error, SD_BUS_ERROR_FAILED, "Unit file %s: %s", what, strerror(-r));
}

/* systemctl is-enabled, and Debian's deb-systemd-invoke before it starts
 * a newly installed service: the unit file's state, from the files on the
 * manager's unit path alone (parse/install.c), on this thread. */
int bus_method_unit_file_state(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const char *unit, *state = NULL;
        int r = sd_bus_message_read(m, "s", &unit);

        if (r < 0)
                return r;
        if (!bus_unit_name_ok(unit))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Invalid unit name.");
        r = install_unit_file_info("weft", NULL, t->cfg.unit_paths, unit, &state, NULL);
        if (r < 0)
                return install_error(ret_error, r, unit);
        return sd_bus_reply_method_return(m, "s", state);
}

/* systemctl get-default: what default.target links to, read as
 * GetUnitFileState reads. */
int bus_method_get_default(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        struct install_ctx c;
        char *name = NULL;
        int r = install_ctx_init(&c, "weft", NULL, t->cfg.unit_paths);

        if (r >= 0)
                r = install_get_default(&c, &name);
        install_ctx_done(&c);
        r = r < 0 ? install_error(ret_error, r, "default.target") : sd_bus_reply_method_return(m, "s", name);
        free(name);
        return r;
}

/* systemctl list-unit-files: every unit file on the unit path with its
 * state (parse/install.c), by state and name pattern; systemctl reads the
 * presets itself. */
int bus_method_list_unit_files(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        char **states = NULL, **patterns = NULL, **l = NULL;
        sd_bus_message *reply = NULL;
        struct install_ctx c = { 0 };
        int r = 0;

        if (strcmp(sd_bus_message_get_member(m), "ListUnitFiles") != 0) {
                r = sd_bus_message_read_strv(m, &states);
                if (r >= 0)
                        r = sd_bus_message_read_strv(m, &patterns);
        }
        if (r >= 0)
                r = install_ctx_init(&c, "weft", NULL, t->cfg.unit_paths);
        if (r >= 0)
                r = install_list(&c, states, patterns, &l);
        if (r >= 0)
                r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
        for (char **k = l; r >= 0 && k && k[0] && k[1]; k += 2)
                r = sd_bus_message_append(reply, "(ss)", k[0], k[1]);
        r = bus_send_array_reply(reply, r);
        install_ctx_done(&c);
        strv_free(l);
        strv_free(states);
        strv_free(patterns);
        return r;
}

/* The methods that change unit files, and what each does. args are the
 * arguments after the names: 'r' runtime and 'f' force (b), 't' systemd's
 * flags, 'm' a preset mode (s); carries: the reply starts with
 * carries_install_info. */
enum file_action { FILE_ENABLE, FILE_DISABLE, FILE_REENABLE, FILE_REVERT, FILE_LINK, FILE_MASK, FILE_UNMASK,
                   FILE_PRESET, FILE_SET_DEFAULT };
static const struct file_method {
        const char *member;
        enum file_action action;
        const char *args;
        bool carries;
} file_methods[] = {
        { "EnableUnitFiles", FILE_ENABLE, "rf", true },
        { "EnableUnitFilesWithFlags", FILE_ENABLE, "t", true },
        { "DisableUnitFiles", FILE_DISABLE, "r", false },
        { "DisableUnitFilesWithFlags", FILE_DISABLE, "t", false },
        { "ReenableUnitFiles", FILE_REENABLE, "rf", true },
        { "RevertUnitFiles", FILE_REVERT, "", false },
        { "LinkUnitFiles", FILE_LINK, "rf", false },
        { "MaskUnitFiles", FILE_MASK, "rf", false },
        { "UnmaskUnitFiles", FILE_UNMASK, "r", false },
        { "PresetUnitFiles", FILE_PRESET, "rf", true },
        { "PresetUnitFilesWithMode", FILE_PRESET, "mrf", true },
        { "SetDefaultTarget", FILE_SET_DEFAULT, "f", false }, /* one name (s), not as */
};

struct file_call {
        char **names;
        const char *mode;
        int runtime, force;
        uint64_t flags;
};

static const struct file_method *file_method_of(const char *member)
{
        for (size_t i = 0; i < sizeof file_methods / sizeof *file_methods; i++)
                if (!strcmp(member, file_methods[i].member))
                        return &file_methods[i];
        return NULL;
}

static int read_file_call(sd_bus_message *m, const struct file_method *fm, struct file_call *fc)
{
        const char *name;
        int r = fm->action == FILE_SET_DEFAULT ? sd_bus_message_read(m, "s", &name)
                                               : sd_bus_message_read_strv(m, &fc->names);

        if (r >= 0 && fm->action == FILE_SET_DEFAULT)
                r = strv_extend(&fc->names, name);
        for (const char *a = fm->args; r >= 0 && *a; a++)
                r = *a == 't'   ? sd_bus_message_read(m, "t", &fc->flags)
                    : *a == 'm' ? sd_bus_message_read(m, "s", &fc->mode)
                                : sd_bus_message_read(m, "b", *a == 'r' ? &fc->runtime : &fc->force);
        fc->runtime |= (fc->flags & 1) != 0; /* SD_SYSTEMD_UNIT_RUNTIME */
        fc->force |= (fc->flags & 2) != 0;   /* SD_SYSTEMD_UNIT_FORCE */
        return r;
}

/* Do the call's action in c: the links go to c's /etc/systemd/system. */
static void apply_file_call(struct install_ctx *c, const struct file_method *fm, const struct file_call *fc, int mode)
{
        c->quiet = c->collect = true;
        c->force = fc->force;
        switch (fm->action) {
        case FILE_ENABLE:
                return install_enable(c, fc->names);
        case FILE_DISABLE:
                return install_disable(c, fc->names);
        case FILE_REENABLE:
                return install_reenable(c, fc->names);
        case FILE_REVERT:
                return install_revert(c, fc->names);
        case FILE_LINK:
                return install_link(c, fc->names);
        case FILE_MASK:
                return install_mask(c, fc->names);
        case FILE_UNMASK:
                return install_unmask(c, fc->names);
        case FILE_PRESET:
                return install_preset_apply(c, fc->names, mode);
        case FILE_SET_DEFAULT:
                return install_set_default(c, fc->names[0]);
        }
}

/* The reply: [b carries_install_info,] a(sss) of the links made and removed. */
static int reply_changes(sd_bus_message *m, const struct file_method *fm, const struct install_ctx *c)
{
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(m, &reply);

        if (r >= 0 && fm->carries)
                r = sd_bus_message_append(reply, "b", (int) !c->no_install_info);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sss)");
        for (char **k = c->changes; r >= 0 && k && k[0] && k[1] && k[2]; k += 3)
                r = sd_bus_message_append(reply, "(sss)", k[0], k[1], k[2]);
        return bus_send_array_reply(reply, r);
}

/* systemctl enable, disable, mask, unmask, preset and set-default: the
 * links made or removed in /etc/systemd/system by the install code weftctl
 * uses (parse/install.c), on this thread: it is file work the scheduler
 * need not wait for, and systemctl then asks for a daemon-reload itself.
 * The reply lists them as systemd's does. Root only. Runtime links (/run)
 * are not supported. */
int bus_method_unit_files(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct bus_thread *t = userdata;
        const struct file_method *fm = file_method_of(sd_bus_message_get_member(m));
        struct file_call fc = { 0 };
        struct install_ctx c = { 0 };
        int r = fm ? read_file_call(m, fm, &fc) : -EINVAL, mode = INSTALL_PRESET_FULL;

        if (r >= 0)
                r = bus_check_root(m, ret_error);
        if (r >= 0 && fc.mode && (mode = install_preset_mode_from_string(fc.mode)) < 0)
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Unknown preset mode %s.", fc.mode);
        else if (r >= 0 && (fc.runtime || (fc.flags & ~UINT64_C(3))))
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_NOT_SUPPORTED,
                                      "weft changes links in /etc/systemd/system only, not --runtime ones in /run.");
        if (r >= 0)
                r = install_ctx_init(&c, "weft", NULL, t->cfg.unit_paths);
        if (r >= 0)
                apply_file_call(&c, fm, &fc, mode);
        if (r >= 0 && c.status != 0)
                r = sd_bus_error_setf(ret_error, SD_BUS_ERROR_FAILED, "%s", c.error ? c.error : "Out of memory.");
        else if (r >= 0)
                r = reply_changes(m, fm, &c);
        install_ctx_done(&c);
        strv_free(fc.names);
        return r;
}
