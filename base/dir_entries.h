/* A directory's entries read with raw getdents64, for code that may not
 * allocate (opendir and readdir do): a forked child before exec, and the
 * crash handler. */
#pragma once

/* Called per entry, "." and ".." skipped. type is the entry's d_type,
 * DT_UNKNOWN where the file system does not fill it in. A nonzero return
 * ends the walk. */
typedef int dir_entry_fn(int dfd, const char *name, unsigned char type, void *data);

/* fn for each entry of the directory open at dfd, from its current
 * offset. Returns fn's first nonzero result, -errno when reading fails,
 * else 0. */
int dir_for_each(int dfd, dir_entry_fn *fn, void *data);
