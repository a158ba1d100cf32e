/* Small arrays of fds, as a command's 0, 1 and 2 are passed around
 * (systemd-run --pipe's, from the bus thread to the scheduler to a spawn):
 * -1 in a slot is "none". */
#pragma once
#include <stddef.h>

/* dst[i] a close-on-exec copy (above 2) of src[i], -1 for -1: 0, or
 * -errno with every copy made so far closed (dst all -1). */
int fds_copy(const int *src, int *dst, size_t n);
/* Close the fds of the n slots that have one; each slot becomes -1. */
void fds_close(int *fds, size_t n);
