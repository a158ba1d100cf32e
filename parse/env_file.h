/* Reading EnvironmentFile= files (systemd.exec(5)): KEY=VALUE lines with
 * comments, quotes, escapes and continuation lines, added to an
 * environment strv. Called by workers/exec_context.c each time it builds a
 * command's environment, so the files are read at start, not at load. */
#pragma once

struct env_builder;

/* Read files (EnvironmentFile= entries in order, each an absolute path or
 * glob, "-" making a missing file fine; a glob's matches in sorted order)
 * into env, a later assignment of a name replacing an earlier one. Bad
 * lines are warnings naming id and the file. Returns 0, or a negative errno
 * after logging "ID: Failed to load environment file PATH: why" (-ENOENT for
 * a missing file without "-", -EINVAL for a relative path, -EFBIG over 4 MiB). */
int env_file_load_all(const char *id, char *const *files, struct env_builder *env);
