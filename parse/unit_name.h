/* Unit names (systemd.unit(5)): validity, type suffixes, templates and
 * instances, and escaping identical to systemd-escape(1). */
#pragma once
#include <stdbool.h>

#define UNIT_NAME_MAX 255
/* systemd's perpetual scope of PID 1 itself: loaded without a file. */
#define INIT_SCOPE "init.scope"

/* Every type systemd knows, so that references to units weft does not
 * manage (foo.mount, dev-sda.device) are still valid names. */
enum unit_type {
        UNIT_SERVICE,
        UNIT_SOCKET,
        UNIT_TARGET,
        UNIT_DEVICE,
        UNIT_MOUNT,
        UNIT_AUTOMOUNT,
        UNIT_SWAP,
        UNIT_TIMER,
        UNIT_PATH,
        UNIT_SLICE,
        UNIT_SCOPE,
        _UNIT_TYPE_MAX,
        _UNIT_TYPE_INVALID = -1,
};

const char *unit_type_to_string(enum unit_type t);    /* "service" */
enum unit_type unit_type_from_string(const char *s);  /* or _UNIT_TYPE_INVALID */

enum unit_name_flags {
        UNIT_NAME_PLAIN = 1 << 0,    /* foo.service */
        UNIT_NAME_TEMPLATE = 1 << 1, /* foo@.service */
        UNIT_NAME_INSTANCE = 1 << 2, /* foo@bar.service */
        UNIT_NAME_ANY = UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE,
};

/* Characters [A-Za-z0-9:_.\-\\] and '@', a known type suffix, at most
 * UNIT_NAME_MAX bytes, non-empty prefix. The first '@' ends the prefix; the
 * instance may hold further '@' (foo@a@b.service has instance "a@b"), as in
 * systemd. */
bool unit_name_is_valid(const char *name, enum unit_name_flags flags);
/* The suffix's type, or _UNIT_TYPE_INVALID for an invalid name. */
enum unit_type unit_name_to_type(const char *name);

/* Each returns 0 and a malloc'd string, -EINVAL for an unfit name, -ENOMEM. */
int unit_name_to_prefix(const char *name, char **ret);   /* foo@bar.service -> foo */
int unit_name_to_instance(const char *name, char **ret); /* -> bar; "" for a template; -ENXIO for a plain name */
int unit_name_template(const char *name, char **ret);    /* foo@bar.service -> foo@.service */
int unit_name_replace_instance(const char *name, const char *instance, char **ret);

/* systemd-escape STR: '/' -> '-', bytes outside [A-Za-z0-9:_.] and a leading
 * '.' -> \xHH. */
int unit_name_escape(const char *s, char **ret);
/* systemd-escape --unescape. -EINVAL on bad escapes. */
int unit_name_unescape(const char *s, char **ret);
/* systemd-escape --path: the path is simplified (duplicate and trailing
 * slashes dropped, leading slash removed), "/" alone becomes "-". Paths with
 * "." or ".." components are -EINVAL. */
int unit_name_path_escape(const char *path, char **ret);
/* systemd-escape --unescape --path: gives an absolute path. */
int unit_name_path_unescape(const char *s, char **ret);
/* The unit named after path: its --path escape and suffix (".mount").
 * -EINVAL when that is no valid name, also when it would be over 255
 * bytes (systemd then shortens it with a hash of the path; weft does not). */
int unit_name_from_path(const char *path, const char *suffix, char **ret);
/* systemd-escape --mangle (systemd's unit_name_mangle, what systemctl does
 * to a name it is given): a valid name stays; a path under /dev or /sys
 * names its .device and any other absolute path its .mount; otherwise '/'
 * becomes '-', bytes a name cannot hold become \xHH and a name without a
 * unit type gets ".service". -EINVAL when that is still no valid name. */
int unit_name_mangle(const char *name, char **ret);
