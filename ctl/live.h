/* Helpers shared by the verbs that talk to a running weft (ctl/live.c,
 * ctl/status.c). */
#pragma once
#include "ctl/client.h"

/* Ask the manager: verb with units, waiting up to timeout_ms. Returns 0 and
 * fills *ret, or the exit status to use (1) after printing why. */
int live_ask(const struct ctl_options *opts, const char *verb, char **units, int timeout_ms,
             struct control_reply *ret);

/* status of a timer: its "Trigger:" line (ctl/timers.c); nothing for other units. */
void ctl_print_timer_trigger(const struct control_unit *u);

/* The unit's value for key, or def when absent. */
const char *live_get(const struct control_unit *u, const char *key, const char *def);
