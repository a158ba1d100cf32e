/* The layout of the unit search-path index (struct unit_path_index, opaque
 * in unit_path.h), shared by the two halves that use it: the scanner that
 * builds it (parse/unit_path_scan.c) and the lookup that answers from it
 * (parse/unit_path.c). Internal to those two files. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "base/hashmap.h"
#include "parse/unit_path.h"

enum entry_kind {
        ENTRY_FILE,    /* a regular file in the search directory */
        ENTRY_LINKED,  /* a symlink out of the search path (linked unit, or a mask) */
        ENTRY_ALIAS,   /* a symlink to another unit name inside the search path */
        ENTRY_INVALID, /* an alias systemd rejects; lookups through it fail */
};

/* A unit file name found directly in a search directory. The index lives
 * as long as the manager (run-time loads use it), so an entry is one
 * block: the struct, then for a plain file only its name (its path is
 * dir/name, built when a lookup asks: unit_entry_path), for a symlink its
 * whole path (name points into it). */
struct unit_entry {
        const char *name; /* the file name */
        const char *dir;  /* the search directory's path (struct search_dir's) */
        enum entry_kind kind;
        char *path;     /* symlinks: the entry in its search directory; NULL for a FILE */
        char *fragment; /* LINKED: the file to parse, symlinks resolved; NULL for a FILE (its path) */
        char *target;   /* ALIAS: the unit name it points to */
        bool masked;    /* FILE, LINKED: empty, or a link to /dev/null */
        int error;      /* INVALID: negative errno */
};

/* e's path in its search directory, malloc'd; NULL when out of memory. */
char *unit_entry_path(const struct unit_entry *e);

enum item_kind {
        ITEM_USE,    /* a drop-in to read, or a dependency to add */
        ITEM_MASK,   /* empty or /dev/null: hides the same name in later dirs */
        ITEM_IGNORE, /* unusable, but it still hides the same name (as in systemd) */
};

struct dir_item {
        char *name;
        char *path;
        enum item_kind kind;
};

/* A NAME.d/, NAME.wants/ or NAME.requires/ directory. */
struct sub_dir {
        char *name;
        struct dir_item *items;
        size_t n_items;
};

struct search_dir {
        char *path;             /* as given, trailing slashes dropped */
        char *canon;            /* realpath(), NULL when missing */
        struct hashmap subdirs; /* name -> struct sub_dir */
};

/* Every other name whose alias chain ends at id. The id itself is implied
 * when it is an unmasked file of its own (unit_path_names_self), so a unit
 * without aliases has no entry. */
struct reverse_entry {
        char *id;
        char **names;
};

struct unit_path_index {
        struct search_dir *dirs;
        size_t n_dirs;
        struct hashmap units;   /* name -> struct unit_entry; the first directory wins */
        struct hashmap reverse; /* final name -> struct reverse_entry */
};

/* Does name resolve to a file of its own, unmasked: is it one of its own
 * names in the reverse map? */
bool unit_path_names_self(const struct unit_path_index *idx, const char *name);

/* Follow name's alias chain to the entry holding its file (unit_path.c). */
int unit_path_resolve(const struct unit_path_index *idx, const char *name, const struct unit_entry **ret);

/* The instance part of a valid instance or template name, not copied
 * (unit_path_scan.c). */
const char *unit_path_instance_span(const char *name, size_t *ret_len);
