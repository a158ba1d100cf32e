/* sd-bus, from libsystemd, for weft's connection to the system bus (core/bus_thread.c, core/bus_manager.c). libsystemd brings six more libraries (gcrypt, lzma, zstd, lz4, cap, gpg-error) that a weft without D-Bus never maps.
 * Loaded at first use through base/dlib.h, not linked; the bus thread's.
 * The files that use it include this header instead of the library's: their
 * calls read as the library's and go through bus_lib. */
#pragma once
#include <systemd/sd-bus.h>

#define BUS_LIB_SYMBOLS(X) \
        X(sd_bus_add_fallback) \
        X(sd_bus_add_match_async) \
        X(sd_bus_add_object) \
        X(sd_bus_add_object_vtable) \
        X(sd_bus_call_method_async) \
        X(sd_bus_close_unref) \
        X(sd_bus_creds_get_euid) \
        X(sd_bus_creds_get_pid) \
        X(sd_bus_creds_unref) \
        X(sd_bus_emit_signal) \
        X(sd_bus_error_has_name) \
        X(sd_bus_error_setf) \
        X(sd_bus_get_events) \
        X(sd_bus_get_fd) \
        X(sd_bus_get_timeout) \
        X(sd_bus_is_open) \
        X(sd_bus_match_signal_async) \
        X(sd_bus_message_append) \
        X(sd_bus_message_close_container) \
        X(sd_bus_message_enter_container) \
        X(sd_bus_message_exit_container) \
        X(sd_bus_message_get_bus) \
        X(sd_bus_message_get_error) \
        X(sd_bus_message_get_member) \
        X(sd_bus_message_get_path) \
        X(sd_bus_message_get_sender) \
        X(sd_bus_message_is_method_call) \
        X(sd_bus_message_new_method_return) \
        X(sd_bus_message_new_signal) \
        X(sd_bus_message_open_container) \
        X(sd_bus_message_append_array) \
        X(sd_bus_message_read) \
        X(sd_bus_message_read_array) \
        X(sd_bus_message_read_strv) \
        X(sd_bus_message_ref) \
        X(sd_bus_message_unref) \
        X(sd_bus_new) \
        X(sd_bus_path_decode) \
        X(sd_bus_path_encode) \
        X(sd_bus_process) \
        X(sd_bus_query_sender_creds) \
        X(sd_bus_ref) \
        X(sd_bus_reply_method_errorf) \
        X(sd_bus_reply_method_return) \
        X(sd_bus_request_name_async) \
        X(sd_bus_send) \
        X(sd_bus_send_to) \
        X(sd_bus_service_name_is_valid) \
        X(sd_bus_set_address) \
        X(sd_bus_set_bus_client) \
        X(sd_bus_set_description) \
        X(sd_bus_set_fd) \
        X(sd_bus_set_sender) \
        X(sd_bus_set_server) \
        X(sd_bus_start) \
        X(sd_bus_track_add_sender) \
        X(sd_bus_track_count) \
        X(sd_bus_track_new) \
        X(sd_bus_track_remove_sender) \
        X(sd_bus_track_set_recursive) \
        X(sd_bus_track_unref) \
        X(sd_bus_unref)

struct bus_lib {
#define LIB_POINTER(f) __typeof__(f) *f;
        BUS_LIB_SYMBOLS(LIB_POINTER)
#undef LIB_POINTER
};
extern struct bus_lib bus_lib;

/* 0, or -ENOENT when libsystemd.so.0 cannot be loaded (said once: running without D-Bus). */
int bus_lib_load(void);

#ifndef LIB_NO_REDIRECT /* core/lib_bus.c needs the real names */
#define sd_bus_add_fallback (*bus_lib.sd_bus_add_fallback)
#define sd_bus_add_match_async (*bus_lib.sd_bus_add_match_async)
#define sd_bus_add_object (*bus_lib.sd_bus_add_object)
#define sd_bus_add_object_vtable (*bus_lib.sd_bus_add_object_vtable)
#define sd_bus_call_method_async (*bus_lib.sd_bus_call_method_async)
#define sd_bus_close_unref (*bus_lib.sd_bus_close_unref)
#define sd_bus_creds_get_euid (*bus_lib.sd_bus_creds_get_euid)
#define sd_bus_creds_get_pid (*bus_lib.sd_bus_creds_get_pid)
#define sd_bus_creds_unref (*bus_lib.sd_bus_creds_unref)
#define sd_bus_emit_signal (*bus_lib.sd_bus_emit_signal)
#define sd_bus_error_has_name (*bus_lib.sd_bus_error_has_name)
#define sd_bus_error_setf (*bus_lib.sd_bus_error_setf)
#define sd_bus_get_events (*bus_lib.sd_bus_get_events)
#define sd_bus_get_fd (*bus_lib.sd_bus_get_fd)
#define sd_bus_get_timeout (*bus_lib.sd_bus_get_timeout)
#define sd_bus_is_open (*bus_lib.sd_bus_is_open)
#define sd_bus_match_signal_async (*bus_lib.sd_bus_match_signal_async)
#define sd_bus_message_append (*bus_lib.sd_bus_message_append)
#define sd_bus_message_close_container (*bus_lib.sd_bus_message_close_container)
#define sd_bus_message_enter_container (*bus_lib.sd_bus_message_enter_container)
#define sd_bus_message_exit_container (*bus_lib.sd_bus_message_exit_container)
#define sd_bus_message_get_bus (*bus_lib.sd_bus_message_get_bus)
#define sd_bus_message_get_error (*bus_lib.sd_bus_message_get_error)
#define sd_bus_message_get_member (*bus_lib.sd_bus_message_get_member)
#define sd_bus_message_get_path (*bus_lib.sd_bus_message_get_path)
#define sd_bus_message_get_sender (*bus_lib.sd_bus_message_get_sender)
#define sd_bus_message_is_method_call (*bus_lib.sd_bus_message_is_method_call)
#define sd_bus_message_new_method_return (*bus_lib.sd_bus_message_new_method_return)
#define sd_bus_message_new_signal (*bus_lib.sd_bus_message_new_signal)
#define sd_bus_message_open_container (*bus_lib.sd_bus_message_open_container)
#define sd_bus_message_read (*bus_lib.sd_bus_message_read)
#define sd_bus_message_append_array (*bus_lib.sd_bus_message_append_array)
#define sd_bus_message_read_array (*bus_lib.sd_bus_message_read_array)
#define sd_bus_message_read_strv (*bus_lib.sd_bus_message_read_strv)
#define sd_bus_message_ref (*bus_lib.sd_bus_message_ref)
#define sd_bus_message_unref (*bus_lib.sd_bus_message_unref)
#define sd_bus_new (*bus_lib.sd_bus_new)
#define sd_bus_path_decode (*bus_lib.sd_bus_path_decode)
#define sd_bus_path_encode (*bus_lib.sd_bus_path_encode)
#define sd_bus_process (*bus_lib.sd_bus_process)
#define sd_bus_query_sender_creds (*bus_lib.sd_bus_query_sender_creds)
#define sd_bus_ref (*bus_lib.sd_bus_ref)
#define sd_bus_reply_method_errorf (*bus_lib.sd_bus_reply_method_errorf)
#define sd_bus_reply_method_return (*bus_lib.sd_bus_reply_method_return)
#define sd_bus_request_name_async (*bus_lib.sd_bus_request_name_async)
#define sd_bus_send (*bus_lib.sd_bus_send)
#define sd_bus_send_to (*bus_lib.sd_bus_send_to)
#define sd_bus_service_name_is_valid (*bus_lib.sd_bus_service_name_is_valid)
#define sd_bus_set_address (*bus_lib.sd_bus_set_address)
#define sd_bus_set_bus_client (*bus_lib.sd_bus_set_bus_client)
#define sd_bus_set_description (*bus_lib.sd_bus_set_description)
#define sd_bus_set_fd (*bus_lib.sd_bus_set_fd)
#define sd_bus_set_sender (*bus_lib.sd_bus_set_sender)
#define sd_bus_set_server (*bus_lib.sd_bus_set_server)
#define sd_bus_start (*bus_lib.sd_bus_start)
#define sd_bus_track_add_sender (*bus_lib.sd_bus_track_add_sender)
#define sd_bus_track_count (*bus_lib.sd_bus_track_count)
#define sd_bus_track_new (*bus_lib.sd_bus_track_new)
#define sd_bus_track_remove_sender (*bus_lib.sd_bus_track_remove_sender)
#define sd_bus_track_set_recursive (*bus_lib.sd_bus_track_set_recursive)
#define sd_bus_track_unref (*bus_lib.sd_bus_track_unref)
#define sd_bus_unref (*bus_lib.sd_bus_unref)
#endif
