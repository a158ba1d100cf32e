/* weftctl's side of the control protocol (sockets/control_proto.h): connect
 * to RUNTIME_DIR/control, send one request, read one reply line within a
 * time limit, decode it. Used by the live verbs (ctl/live.c, ctl/status.c). */
#pragma once
#include <stdbool.h>

#include "ctl/commands.h"
#include "sockets/control_proto.h"

#define CTL_RUNTIME_DIR_DEFAULT "/run/weft"
#define CTL_TIMEOUT_MS (10 * 1000)
/* A restart waits for a stop and a start, each 90 s by default. */
#define CTL_JOB_TIMEOUT_MS (200 * 1000)

/* --runtime-dir, else $WEFT_RUNTIME_DIR, else /run/weft. */
const char *ctl_runtime_dir(const struct ctl_options *opts);

/* A request for verb with the options weftctl passes on (no_block, signal,
 * properties, all, state) and units (may be NULL). Fields point into opts
 * and units: do not control_request_done() it. */
struct control_request ctl_request(const struct ctl_options *opts, const char *verb, char **units);

/* Send req and wait up to timeout_ms for the reply. Returns 0 with *ret
 * filled (free with control_reply_done), or a negative errno after printing
 * "PROG: cannot reach weft at PATH: ..." (or the protocol error). With
 * quiet_unreachable, a missing or refusing socket (-ENOENT, -ECONNREFUSED)
 * is returned without a message, so a caller can fall back to offline. */
int ctl_call(const struct ctl_options *opts, const struct control_request *req, int timeout_ms,
             bool quiet_unreachable, struct control_reply *ret);

/* Is r the error of a manager that cannot be reached (no socket, refused)? */
bool ctl_unreachable(int r);
