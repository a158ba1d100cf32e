/* The kernel's tables of mounts (/proc/self/mountinfo) and swaps
 * (/proc/swaps), read for the mount and swap units (core/kernel_table.h).
 * Read here rather than through libmount: these two line formats are all
 * weft needs of it, and loading libmount mapped it with libblkid,
 * libselinux and libpcre2 (~700 KiB of peak RSS) into every boot, as
 * every boot has mounts. The fields read as libmount's do (util-linux
 * 2.38, mnt_parse_mountinfo_line and mnt_parse_swaps_line). */
#pragma once
#include <stddef.h>

struct proc_entry {
        char *source;  /* unescaped; "" when the kernel gave none */
        char *target;  /* mount point, unescaped; NULL for a swap */
        char *fstype;  /* "swap" for a swap */
        char *options; /* per-mount and per-superblock options, merged as libmount's mnt_fs_strdup_options */
        int priority;  /* a swap's */
};

struct proc_table {
        struct proc_entry *entries;
        size_t n;
};

/* Parse /proc/self/mountinfo (or path) into t, replacing what it held.
 * A line that does not parse is skipped, as libmount does. 0 or -errno. */
int proc_table_parse_mountinfo(struct proc_table *t, const char *path);
/* Parse /proc/swaps (or path) into t, likewise. 0 or -errno. */
int proc_table_parse_swaps(struct proc_table *t, const char *path);
void proc_table_done(struct proc_table *t);

/* The merge of a mount's two option lists as libmount does it (exposed
 * for the unit tests): "rw" and "ro" dropped from both, the result
 * starting with "ro" when either said "ro". NULL on ENOMEM. */
char *proc_table_merge_options(const char *vfs, const char *fs);
