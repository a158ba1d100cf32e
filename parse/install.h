/* enable, disable, mask, unmask, is-enabled, get-default and set-default:
 * symlinks in ROOT/etc/systemd/system made from a unit file's [Install]
 * section, exactly as `systemctl --root=ROOT` makes them (systemd 252's
 * src/shared/install.c, checked against the real systemctl in
 * test/integration/weftctl-offline.sh). No manager is involved: these work
 * on files only, on / or on a tree given with --root. weftctl's verbs use
 * them, and the manager answers the bus's GetUnitFileState and its unit
 * objects' UnitFileState and UnitFilePreset with install_unit_file_info
 * (core/bus_manager.c).
 *
 * Paths inside the tree are kept root-less ("/usr/lib/systemd/system/x"),
 * as the links' targets are; messages show them with the root. */
#pragma once
#include <stdbool.h>

#define INSTALL_CONFIG_DIR "/etc/systemd/system"

struct install_ctx {
        const char *program;  /* for messages */
        char *root;           /* "" for /; never ends in '/' */
        char **dirs;          /* the search path, root-less, highest precedence first */
        bool quiet;           /* no "Created symlink" lines */
        bool force;           /* enable, mask: replace a link to something else (--force) */
        int status;           /* exit status so far: 0, or 1 after an error */
        /* The manager's bus sets collect (and quiet): nothing is printed; the links made
         * and removed are kept in changes as systemd's a(sss) ("symlink",
         * link, target; "unlink", link, ""), the first failure's message in
         * error, and no_install_info says a unit named had nothing to enable. */
        bool collect;
        char **changes;
        char *error;
        bool no_install_info;
};

/* root NULL or "/" is the running system; unit_paths (root-less) replace
 * the default search path when given, after the config dirs
 * (/etc/systemd/system, /run/systemd/system) they lack: the links and
 * masks these verbs make live there and must count, as in systemd's
 * search path. */
int install_ctx_init(struct install_ctx *c, const char *program, const char *root, char *const *unit_paths);
void install_ctx_done(struct install_ctx *c);

/* The default search path with root in front of each directory (strv), for
 * the offline loader when --root is given. */
int install_search_path(const char *root, char ***ret);

/* A unit file as found on the search path. */
struct install_info {
        char *name;       /* the unit's name (an alias resolved to its file's name) */
        char *entry;      /* where the name was found (root-less) */
        char *path;       /* the file, symlinks followed (root-less); NULL if masked */
        bool masked;      /* a link to /dev/null, or an empty file */
        bool alias;       /* the name asked for is another file's alias */
        char **wanted_by, **required_by, **aliases, **also;
        char *default_instance;
};

/* Find name: -ENOENT when no directory has it (or its template). */
int install_find(struct install_ctx *c, const char *name, struct install_info *ret);
void install_info_done(struct install_info *i);

/* The verbs, for names; each prints what systemctl prints and sets
 * c->status. */
void install_enable(struct install_ctx *c, char *const *names);
void install_disable(struct install_ctx *c, char *const *names);
void install_mask(struct install_ctx *c, char *const *names);
void install_unmask(struct install_ctx *c, char *const *names);
/* systemctl link: each absolute path to a unit file gets a link of its
 * name in /etc/systemd/system ("linked" to is-enabled), unless the search
 * path has its directory already (systemctl --root links even those:
 * its search path there has the root in front, the file not). Every path
 * is checked before any link is made. */
void install_link(struct install_ctx *c, char *const *paths);
/* systemctl reenable: disable, then enable (when the disable went well). */
void install_reenable(struct install_ctx *c, char *const *names);
/* systemctl revert: each unit's drop-in directories in the config,
 * control and transient directories, and, when a vendor file (under /usr,
 * /lib or a generator's directory) exists, the files and links in the
 * config directories that override it (a mask too); then the links to
 * what went. */
void install_revert(struct install_ctx *c, char *const *names);

/* systemctl preset: enable or disable each unit as install_preset says;
 * the enable-only and disable-only modes do only that half. A unit
 * without [Install] links is left alone (no_install_info). */
enum install_preset_mode { INSTALL_PRESET_FULL, INSTALL_PRESET_ENABLE_ONLY, INSTALL_PRESET_DISABLE_ONLY };
int install_preset_mode_from_string(const char *s); /* -EINVAL if unknown */
void install_preset_apply(struct install_ctx *c, char *const *names, enum install_preset_mode mode);

/* is-enabled's answer for name: "enabled", "disabled", "static",
 * "indirect", "alias", "linked" ("linked-runtime": its link is in /run),
 * "masked", "masked-runtime" (the mask in /run),
 * "generated" (a generator's output) or "transient"; -ENOENT for no such
 * unit file. */
int install_state(struct install_ctx *c, const char *name, const char **ret);
/* systemd.preset(5): "enabled" or "disabled" for the unit file name, from
 * the first matching enable or disable line of the *.preset files in
 * ROOT/etc, /run, /usr/local/lib, /usr/lib and /lib's
 * systemd/system-preset (read in file-name order, a file hiding a
 * same-named one in a later directory); "enabled" when none matches. */
int install_preset(struct install_ctx *c, const char *name, const char **ret);

/* list-unit-files: every unit file (a file or link, of a valid unit
 * name) on the search path, the first directory's where several have it,
 * whose name matches one of patterns and whose state (install_state's, or
 * "bad") is one of states (NULL or empty: all). *ret: pairs of the file's
 * path (with the root) and its state, in search path and name order. */
int install_list(struct install_ctx *c, char *const *states, char *const *patterns, char ***ret);

/* What a unit object's UnitFileState and UnitFilePreset say, and status's
 * Loaded: line shows, for the unit file name on the search path of root
 * and unit_paths (as install_ctx_init): install_state's answer and, unless
 * preset is NULL, install_preset's; both "" (static strings) when that
 * fails, with install_state's error (-ENOENT: no such file). */
int install_unit_file_info(const char *program, const char *root, char *const *unit_paths, const char *name,
                           const char **state, const char **preset);

/* get-default: the name default.target resolves to. */
int install_get_default(struct install_ctx *c, char **ret);
/* set-default: make default.target a link to name's file. */
void install_set_default(struct install_ctx *c, const char *name);
