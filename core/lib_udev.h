/* libudev: udev's device database and its monitor, for the device units (core/unit_device.c).
 * Loaded at first use through base/dlib.h, not linked; the scheduler thread's (device units).
 * The files that use it include this header instead of the library's: their
 * calls read as the library's and go through udev_lib. */
#pragma once
#include <libudev.h>

#define UDEV_LIB_SYMBOLS(X) \
        X(udev_device_get_action) \
        X(udev_device_get_devlinks_list_entry) \
        X(udev_device_get_devnode) \
        X(udev_device_get_property_value) \
        X(udev_device_get_syspath) \
        X(udev_device_new_from_syspath) \
        X(udev_device_unref) \
        X(udev_enumerate_add_match_is_initialized) \
        X(udev_enumerate_add_match_tag) \
        X(udev_enumerate_get_list_entry) \
        X(udev_enumerate_new) \
        X(udev_enumerate_scan_devices) \
        X(udev_enumerate_unref) \
        X(udev_list_entry_get_name) \
        X(udev_list_entry_get_next) /* udev_list_entry_foreach() */ \
        X(udev_monitor_enable_receiving) \
        X(udev_monitor_filter_add_match_tag) \
        X(udev_monitor_get_fd) \
        X(udev_monitor_new_from_netlink) \
        X(udev_monitor_receive_device) \
        X(udev_monitor_unref) \
        X(udev_new) \
        X(udev_unref)

struct udev_lib {
#define LIB_POINTER(f) __typeof__(f) *f;
        UDEV_LIB_SYMBOLS(LIB_POINTER)
#undef LIB_POINTER
};
extern struct udev_lib udev_lib;

/* 0, or -ENOENT when libudev.so.1 cannot be loaded (said once: devices are what exists in /dev). */
int udev_lib_load(void);

#ifndef LIB_NO_REDIRECT /* core/lib_udev.c needs the real names */
#define udev_device_get_action (*udev_lib.udev_device_get_action)
#define udev_device_get_devlinks_list_entry (*udev_lib.udev_device_get_devlinks_list_entry)
#define udev_device_get_devnode (*udev_lib.udev_device_get_devnode)
#define udev_device_get_property_value (*udev_lib.udev_device_get_property_value)
#define udev_device_get_syspath (*udev_lib.udev_device_get_syspath)
#define udev_device_new_from_syspath (*udev_lib.udev_device_new_from_syspath)
#define udev_device_unref (*udev_lib.udev_device_unref)
#define udev_enumerate_add_match_is_initialized (*udev_lib.udev_enumerate_add_match_is_initialized)
#define udev_enumerate_add_match_tag (*udev_lib.udev_enumerate_add_match_tag)
#define udev_enumerate_get_list_entry (*udev_lib.udev_enumerate_get_list_entry)
#define udev_enumerate_new (*udev_lib.udev_enumerate_new)
#define udev_enumerate_scan_devices (*udev_lib.udev_enumerate_scan_devices)
#define udev_enumerate_unref (*udev_lib.udev_enumerate_unref)
#define udev_list_entry_get_name (*udev_lib.udev_list_entry_get_name)
#define udev_list_entry_get_next (*udev_lib.udev_list_entry_get_next)
#define udev_monitor_enable_receiving (*udev_lib.udev_monitor_enable_receiving)
#define udev_monitor_filter_add_match_tag (*udev_lib.udev_monitor_filter_add_match_tag)
#define udev_monitor_get_fd (*udev_lib.udev_monitor_get_fd)
#define udev_monitor_new_from_netlink (*udev_lib.udev_monitor_new_from_netlink)
#define udev_monitor_receive_device (*udev_lib.udev_monitor_receive_device)
#define udev_monitor_unref (*udev_lib.udev_monitor_unref)
#define udev_new (*udev_lib.udev_new)
#define udev_unref (*udev_lib.udev_unref)
#endif
