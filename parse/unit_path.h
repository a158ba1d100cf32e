/* The unit search path (systemd.unit(5) "Unit File Load Path"): which file
 * backs a unit name, its aliases, its drop-ins and its .wants/.requires
 * entries. The directories are scanned once into an index, so each lookup
 * afterwards costs no directory reads (boot stays O(units + edges)).
 *
 * Rules:
 * - First directory wins: a name found in an earlier directory hides the
 *   same name in later ones.
 * - A file that is empty, or a symlink (at any hop) to /dev/null, is masked.
 * - A symlink whose final target's file name is another valid unit name of
 *   the same type makes an alias: the unit's id is the target's name
 *   (foo.service), and the link's name (bar.service) is one of its names.
 *   A symlink to a file of the same name elsewhere is a linked unit, not an
 *   alias. Alias chains are followed; loops are -ELOOP.
 * - Instances: foo@bar.service falls back to the template foo@.service.
 * - Drop-ins: *.conf in NAME.d/ for every name of the unit (each alias, and
 *   for an instance also its template), then the dashed-prefix directories
 *   (foo-bar-baz.service reads foo-bar-.service.d/ then foo-.service.d/),
 *   then the type-wide service.d/; all gathered across every search
 *   directory and sorted by file name; a file name in an earlier directory
 *   masks the same file name in later ones; a drop-in that is a link to
 *   /dev/null or empty simply masks.
 * - NAME.wants/ and NAME.requires/ entries (for every name of the unit, and
 *   the template) give dependency names; a template entry (bar@.service) in
 *   an instance's directory takes the unit's instance.
 *
 * Used by the unit loader (parse/load.c) and by `weftctl verify/show`. */
#pragma once
#include <stdbool.h>

struct unit_path_index; /* opaque */

/* Scan dirs (strv, highest precedence first; missing ones are skipped). */
int unit_path_index_build(char *const *dirs, struct unit_path_index **ret);
void unit_path_index_free(struct unit_path_index *idx);

struct unit_lookup {
        char *id;         /* the unit's primary name (alias target, or the name itself) */
        char *fragment;   /* the file to parse (symlinks resolved), NULL if none */
        char *instance;   /* for foo@bar.service: "bar"; else NULL */
        bool masked;
        char **names;     /* id first, then every alias that points to it (strv) */
        char **dropins;   /* drop-in files in the order they apply (strv) */
        char **wants;     /* unit names from the .wants/ dirs (strv) */
        char **requires;  /* unit names from the .requires/ dirs (strv) */
};

/* Resolve name. Returns 0 and fills *ret (also when no file exists: then
 * fragment is NULL and masked false, but drop-ins and .wants may still be
 * found, as systemd allows), -EINVAL for an invalid name, -ELOOP for an
 * alias loop, -EXDEV for an alias to a different unit type, -ENOMEM. */
int unit_path_lookup(const struct unit_path_index *idx, const char *name, struct unit_lookup *ret);
void unit_lookup_done(struct unit_lookup *l);
