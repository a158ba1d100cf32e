/* The unit search path (systemd.unit(5) "Unit File Load Path"): which file
 * backs a unit name, its aliases, its drop-ins and its .wants/.requires
 * entries. The directories are scanned once into an index, so each lookup
 * afterwards costs no directory reads (boot stays O(units + edges)).
 *
 * Rules:
 * - First directory wins: a name found in an earlier directory hides the
 *   same name in later ones.
 * - A file that is empty, or a symlink (at any hop) to /dev/null, is masked.
 * - A symlink whose target lies inside the search path and whose target's
 *   file name is another valid unit name of the same type makes an alias:
 *   the unit's id is the final target's name (foo.service), and the link's
 *   name (bar.service) is one of its names. An instance may alias a
 *   template (bar@x.service -> foo@.service gives foo@x.service). Alias
 *   targets are resolved by name, hop by hop; loops are -ELOOP.
 * - A symlink out of the search path is a linked unit, not an alias: its id
 *   is the link's name, whatever the target file is called (as systemd
 *   does). A symlink to the same name inside the search path is ignored, so
 *   the target is found under its own name. Dangling links are ignored.
 * - Instances: foo@bar.service falls back to the template foo@.service.
 * - Drop-ins: *.conf in NAME.d/; for each name, its own directory, then (for
 *   an instance) the template's, then the dashed prefixes' (foo-bar-baz.service
 *   reads foo-bar-.service.d/ then foo-.service.d/; foo-bar@x.service reads
 *   foo-bar@x, foo-bar@, foo-@x, foo-@ then foo-.service.d/). The id's
 *   directories in every search directory come first, then each alias's,
 *   then the type-wide service.d/. The first file of a given file name in
 *   that order wins, and the winners are sorted by file name. A drop-in that
 *   is a link to /dev/null or empty simply masks.
 * - NAME.wants/ and NAME.requires/ are found like drop-ins (same directory
 *   order, dashed prefixes and type-wide service.wants/ included). Entries
 *   must be symlinks named for a unit; a link to /dev/null masks the name.
 *   A template entry (bar@.service) takes the unit's instance, or for a
 *   plain unit its prefix (foo.service wants bar@foo.service).
 *
 * Used by the unit loader (parse/load.c) and by `weftctl verify/show`. */
#pragma once
#include <stdbool.h>
#include <time.h>

struct unit_path_index; /* opaque */

/* Scan dirs (strv, highest precedence first; missing ones are skipped). */
int unit_path_index_build(char *const *dirs, struct unit_path_index **ret);
/* The same for the unit path of an image at root (weftctl --root): dirs
 * carry the root already; a link's absolute target is read under it, as
 * systemctl --root reads it. root NULL or "" is the running system. */
int unit_path_index_build_rooted(char *const *dirs, const char *root, struct unit_path_index **ret);
void unit_path_index_free(struct unit_path_index *idx);
/* systemd's unit cache retry: when a search directory changed since idx
 * was scanned (a unit file added, removed or linked), scan them again into
 * idx itself. Lookups hand out copies, so nothing points into the old
 * scan. 1 when rescanned, 0 when nothing changed, or a negative errno (idx
 * is then unchanged). */
int unit_path_index_refresh(struct unit_path_index *idx);
/* Was anything on idx's unit path written at or after since (a
 * CLOCK_REALTIME time, see parse/unit_path_changed.c): a search
 * directory's entries, a unit file or link, a NAME.d/, .wants/ or
 * .requires/ directory or what is in it? The directory skip (NULL: none)
 * is left out. What cannot be looked at counts as changed. */
bool unit_path_changed_since(const struct unit_path_index *idx, struct timespec since, const char *skip);
struct unit;
/* systemd's NeedDaemonReload: has u's unit file or a drop-in it read been
 * written (or gone) at or after since, or has a file or NAME.d/ directory
 * been made since for it or its template in one of idx's directories? */
bool unit_files_changed_since(const struct unit *u, const struct unit_path_index *idx, struct timespec since);

struct unit_lookup {
        char *id;         /* the unit's primary name (alias target, or the name itself) */
        char *fragment;   /* the file to parse (symlinks resolved), NULL if none;
                           * when masked, the masking entry in its search dir */
        char *instance;   /* for foo@bar.service: "bar"; else NULL */
        bool masked;
        bool maybe_empty; /* with UNIT_LOOKUP_DEFER_EMPTY: the fragment is a regular file
                           * whose size was not looked at; empty, it masks the unit */
        char **names;     /* id first, then every alias that points to it, sorted (strv) */
        char **dropins;   /* drop-in files in the order they apply (strv) */
        char **wants;     /* unit names from the .wants/ dirs (strv) */
        char **requires;  /* unit names from the .requires/ dirs (strv) */
};

/* Resolve name. Returns 0 and fills *ret (also when no file exists: then
 * fragment is NULL and masked false, but drop-ins and .wants may still be
 * found, as systemd allows), -EINVAL for an invalid name, -ELOOP for an
 * alias loop, -EXDEV for an alias to a different unit type (or to a name
 * that is not a unit name, or of another kind), -ENOMEM. */
int unit_path_lookup(const struct unit_path_index *idx, const char *name, struct unit_lookup *ret);
/* A caller that reads the fragment anyway (the loader) can tell an empty
 * one itself: masked is then set only for what the scan already knows,
 * and maybe_empty says the rest. */
#define UNIT_LOOKUP_DEFER_EMPTY 1u
int unit_path_lookup_flags(const struct unit_path_index *idx, const char *name, unsigned flags,
                           struct unit_lookup *ret);
void unit_lookup_done(struct unit_lookup *l);

/* Would unit_path_lookup() give name a fragment, unmasked? The same answer
 * without collecting names, drop-ins and dependencies, for the loader's
 * many questions about units it may not load (RequiresMountsFor=). */
bool unit_path_has_fragment(const struct unit_path_index *idx, const char *name);
