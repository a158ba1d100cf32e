/* Unsigned integers as text without stdio: async-signal-safe, for a forked
 * child before exec and for the crash handler, where snprintf may not run. */
#pragma once
#include <stddef.h>

/* Room for any 64-bit value and the NUL. */
#define FORMAT_UINT_MAX 23

/* Write v in base (8 to 16, lower-case digits) and a NUL to buf, which has
 * room for them (FORMAT_UINT_MAX bytes always do); return the number of
 * digits. */
size_t format_uint(char *buf, unsigned long long v, unsigned base);
