/* libmount: the kernel's mount table and /proc/swaps, parsed and watched for the mount and swap units (core/unit_mount.c, core/unit_swap.c).
 * Loaded at first use through base/dlib.h, not linked; the scheduler thread's (mount and swap units).
 * The files that use it include this header instead of the library's: their
 * calls read as the library's and go through mount_lib. */
#pragma once
#include <libmount/libmount.h>

#define MOUNT_LIB_SYMBOLS(X) \
        X(mnt_free_iter) \
        X(mnt_fs_get_fstype) \
        X(mnt_fs_get_priority) \
        X(mnt_fs_get_source) \
        X(mnt_fs_get_target) \
        X(mnt_fs_strdup_options) \
        X(mnt_monitor_enable_kernel) \
        X(mnt_monitor_get_fd) \
        X(mnt_monitor_next_change) \
        X(mnt_new_iter) \
        X(mnt_new_monitor) \
        X(mnt_new_table) \
        X(mnt_reset_iter) \
        X(mnt_table_next_fs) \
        X(mnt_table_parse_file) \
        X(mnt_table_parse_swaps) \
        X(mnt_unref_monitor) \
        X(mnt_unref_table)

struct mount_lib {
#define LIB_POINTER(f) __typeof__(f) *f;
        MOUNT_LIB_SYMBOLS(LIB_POINTER)
#undef LIB_POINTER
};
extern struct mount_lib mount_lib;

/* 0, or -ENOENT when libmount.so.1 cannot be loaded (said once: mount and swap units are not matched to the kernel's tables). */
int mount_lib_load(void);

#ifndef LIB_NO_REDIRECT /* core/lib_mount.c needs the real names */
#define mnt_free_iter (*mount_lib.mnt_free_iter)
#define mnt_fs_get_fstype (*mount_lib.mnt_fs_get_fstype)
#define mnt_fs_get_priority (*mount_lib.mnt_fs_get_priority)
#define mnt_fs_get_source (*mount_lib.mnt_fs_get_source)
#define mnt_fs_get_target (*mount_lib.mnt_fs_get_target)
#define mnt_fs_strdup_options (*mount_lib.mnt_fs_strdup_options)
#define mnt_monitor_enable_kernel (*mount_lib.mnt_monitor_enable_kernel)
#define mnt_monitor_get_fd (*mount_lib.mnt_monitor_get_fd)
#define mnt_monitor_next_change (*mount_lib.mnt_monitor_next_change)
#define mnt_new_iter (*mount_lib.mnt_new_iter)
#define mnt_new_monitor (*mount_lib.mnt_new_monitor)
#define mnt_new_table (*mount_lib.mnt_new_table)
#define mnt_reset_iter (*mount_lib.mnt_reset_iter)
#define mnt_table_next_fs (*mount_lib.mnt_table_next_fs)
#define mnt_table_parse_file (*mount_lib.mnt_table_parse_file)
#define mnt_table_parse_swaps (*mount_lib.mnt_table_parse_swaps)
#define mnt_unref_monitor (*mount_lib.mnt_unref_monitor)
#define mnt_unref_table (*mount_lib.mnt_unref_table)
#endif
