/* The layout of the unit search-path index (struct unit_path_index, opaque
 * in unit_path.h), shared by the two halves that use it: the scanner that
 * builds it (parse/unit_path_scan.c) and the lookup that answers from it
 * (parse/unit_path.c). Internal to those two files. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/hashmap.h"
#include "parse/unit_path.h"

enum entry_kind {
        ENTRY_FILE,    /* a regular file in the search directory */
        ENTRY_LINKED,  /* a symlink out of the search path (linked unit, or a mask) */
        ENTRY_ALIAS,   /* a symlink to another unit name inside the search path */
        ENTRY_INVALID, /* an alias systemd rejects; lookups through it fail */
};

/* A unit file name found directly in a search directory. The index lives
 * as long as the manager (run-time loads use it) and has an entry per unit
 * file in the search path, thousands on a big system, so an entry is small:
 * a 4-byte header and its name, packed with the others into shared blocks
 * (parse/unit_path_entries.c), not one malloc chunk each. Its path is
 * dir/name, built when a lookup asks (unit_entry_path). Most entries are
 * plain files; what only a symlink needs is in struct unit_link. */
enum entry_mask {
        MASK_NO,
        MASK_YES,     /* FILE, LINKED: empty, or a link to /dev/null */
        MASK_UNKNOWN, /* FILE: a regular file whose size was not looked at
                       * (readdir said what it is): an empty one masks */
};

struct unit_entry {
        uint8_t kind;  /* enum entry_kind */
        uint8_t mask;  /* enum entry_mask */
        uint16_t dir;  /* index in idx->dirs: the search directory */
        char name[];   /* the file name */
};

/* What a symlink entry adds (idx->links, keyed by the entry's name). */
struct unit_link {
        char *fragment; /* LINKED: the file to parse, symlinks resolved */
        char *target;   /* ALIAS: the unit name it points to */
        int error;      /* INVALID: negative errno */
};

/* The entries, and a name table that holds only pointers to them: the key
 * is the entry's own name, so a slot is 8 bytes, not a hashmap's 16. */
struct unit_entries {
        struct unit_entry **slots; /* open addressing, linear probing */
        size_t n_slots;            /* a power of two, or 0 */
        size_t n_items;
        struct entry_block *blocks; /* where the entries live */
};

/* Add an entry for name, which must not be present yet: name copied, the
 * other fields zero. NULL when out of memory. */
struct unit_entry *unit_entries_add(struct unit_entries *t, const char *name);
const struct unit_entry *unit_entries_get(const struct unit_entries *t, const char *name);
/* Iterate: for (size_t i = 0; (e = unit_entries_next(t, &i));) ... */
const struct unit_entry *unit_entries_next(const struct unit_entries *t, size_t *i);
void unit_entries_done(struct unit_entries *t);

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

/* What a directory beside the unit files is for, by its suffix. */
enum sub_kind {
        SUB_DROPIN,   /* NAME.d/ */
        SUB_WANTS,    /* NAME.wants/ */
        SUB_REQUIRES, /* NAME.requires/ */
};

/* A NAME.d/, NAME.wants/ or NAME.requires/ directory in one search
 * directory (only those with at least one item are kept). */
struct sub_dir {
        uint16_t dir; /* index in idx->dirs */
        uint8_t kind; /* enum sub_kind */
        struct dir_item *items;
        size_t n_items;
};

/* Every such directory of one NAME across the search path, in search
 * directory order (the scan appends them in that order): a lookup finds all
 * of a name's directories, of the three kinds, with one probe. */
struct sub_dirs {
        char *name; /* NAME, without the suffix: the key */
        struct sub_dir *v;
        size_t n;
};

struct search_dir {
        char *path;  /* as given, trailing slashes dropped */
        char *canon; /* realpath(), NULL when missing */
        struct timespec mtime; /* when the scan began, zero when missing:
                                * a later one means a file came or went */
};

/* Every other name whose alias chain ends at id. The id itself is always
 * among a lookup's names, so a unit without aliases has no entry. */
struct reverse_entry {
        char *id;
        char **names;
};

struct unit_path_index {
        char *root;             /* NULL: /; else links' absolute targets are under it */
        struct search_dir *dirs;
        size_t n_dirs;          /* at most UINT16_MAX (struct unit_entry's dir) */
        struct hashmap subdirs; /* NAME -> struct sub_dirs */
        struct unit_entries units; /* the first directory wins */
        struct hashmap links;   /* name -> struct unit_link, symlink entries only */
        struct hashmap reverse; /* final name -> struct reverse_entry */
};

/* e's path in its search directory, malloc'd; NULL when out of memory. */
char *unit_entry_path(const struct unit_path_index *idx, const struct unit_entry *e);

/* A symlink entry's extra facts; NULL for a FILE. */
static inline const struct unit_link *unit_entry_link(const struct unit_path_index *idx,
                                                      const struct unit_entry *e)
{
        return e->kind == ENTRY_FILE ? NULL : hashmap_get(&idx->links, e->name);
}

/* Is e masked? A regular file's size is looked at (lstat) when the scan
 * did not: few entries are asked, and the loader asks none (it reads the
 * file anyway, see UNIT_LOOKUP_DEFER_EMPTY). */
bool unit_entry_masked(const struct unit_path_index *idx, const struct unit_entry *e);

/* Follow name's alias chain to the entry holding its file (unit_path.c). */
int unit_path_resolve(const struct unit_path_index *idx, const char *name, const struct unit_entry **ret);

/* The instance part of a valid instance or template name, not copied
 * (unit_path_scan.c). */
const char *unit_path_instance_span(const char *name, size_t *ret_len);
