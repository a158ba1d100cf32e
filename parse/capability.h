/* Linux capability names and the capability lists of CapabilityBoundingSet=
 * and AmbientCapabilities= (systemd.exec(5)), read with a table of our own
 * instead of libcap: weft only needs names to numbers, and the child applies
 * the masks with raw prctl/capset calls (workers/exec_sandbox.c).
 *
 * A set is a 64-bit mask, bit N for capability N. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Every bit: CapabilityBoundingSet='s value when it is not set. */
#define CAPABILITY_SET_ALL UINT64_MAX

/* "CAP_NET_ADMIN", "cap_net_admin" (any case) or a number 0..63: the
 * capability's number, or -EINVAL. */
int capability_from_name(const char *name);

/* "cap_net_admin" for a capability the table knows, else NULL. */
const char *capability_to_name(int cap);

/* A whitespace-separated (and quotable) list of names into *ret. Unknown
 * names are skipped, as systemd skips them; ret may be NULL. 0, -EINVAL on
 * bad quoting, -ENOMEM. */
int capability_set_from_string(const char *s, uint64_t *ret);

/* One CapabilityBoundingSet= (bounding) or AmbientCapabilities= assignment
 * into *set, as systemd 252 merges them: "~" inverts the list; an empty
 * list ("" or "~") or a set still at its initial value (all for the
 * bounding set, none for the ambient set) is replaced, any other is merged
 * (added to, or with "~" taken out of). 0, -EINVAL, -ENOMEM. */
int capability_set_assign(uint64_t *set, const char *value, bool bounding);
