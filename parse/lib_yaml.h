/* libyaml: weft.yaml (parse/config.c), control messages (sockets/control_decode.c)
 * and weftctl's reading of boot.yaml (ctl/boot_record_read.c).
 * Loaded at first use through base/dlib.h, not linked: a container's
 * `weft -- CMD` reads no YAML until a weftctl request or a --config comes,
 * and then pays for libyaml only from that moment (~130 KiB resident, a
 * library's load at exec). Unlike the libraries of core/lib_*.h it has
 * several users on different threads (main, io, weftctl), so the first
 * load is made once under pthread_once.
 * The files that use it include this header instead of <yaml.h>: their
 * calls read as the library's and go through yaml_lib. Each parse path
 * calls yaml_lib_load() first. */
#pragma once
#include <yaml.h>

#define YAML_LIB_SONAME "libyaml-0.so.2"

#define YAML_LIB_SYMBOLS(X) \
        X(yaml_document_delete) \
        X(yaml_document_get_node) \
        X(yaml_document_get_root_node) \
        X(yaml_event_delete) \
        X(yaml_parser_delete) \
        X(yaml_parser_initialize) \
        X(yaml_parser_load) \
        X(yaml_parser_parse) \
        X(yaml_parser_set_encoding) \
        X(yaml_parser_set_input_file) \
        X(yaml_parser_set_input_string)

struct yaml_lib {
#define LIB_POINTER(f) __typeof__(f) *f;
        YAML_LIB_SYMBOLS(LIB_POINTER)
#undef LIB_POINTER
};
extern struct yaml_lib yaml_lib;

/* 0, or -ENOENT when libyaml-0.so.2 cannot be loaded (said once: weft.yaml,
 * control requests and boot records cannot be read). Any thread. */
int yaml_lib_load(void);

#ifndef LIB_NO_REDIRECT /* parse/lib_yaml.c needs the real names */
#define yaml_document_delete (*yaml_lib.yaml_document_delete)
#define yaml_document_get_node (*yaml_lib.yaml_document_get_node)
#define yaml_document_get_root_node (*yaml_lib.yaml_document_get_root_node)
#define yaml_event_delete (*yaml_lib.yaml_event_delete)
#define yaml_parser_delete (*yaml_lib.yaml_parser_delete)
#define yaml_parser_initialize (*yaml_lib.yaml_parser_initialize)
#define yaml_parser_load (*yaml_lib.yaml_parser_load)
#define yaml_parser_parse (*yaml_lib.yaml_parser_parse)
#define yaml_parser_set_encoding (*yaml_lib.yaml_parser_set_encoding)
#define yaml_parser_set_input_file (*yaml_lib.yaml_parser_set_input_file)
#define yaml_parser_set_input_string (*yaml_lib.yaml_parser_set_input_string)
#endif
