/* What the Condition*= evaluator's files share (core/condition*.c only):
 * reading files under condition_env's root prefix, and the test of each
 * condition family. condition.c holds the table that maps names to these
 * tests; every test gets the bare parameter (no '|', no '!') and returns 1
 * (holds), 0 (does not) or a negative errno. Stateless, any thread. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "core/condition.h"

/* condition_read.c: files under the root prefix, the environment, the
 * kernel command line. */
int condition_root_path(const struct condition_env *env, const char *path, char *buf, size_t n);
int condition_read_root_file(const struct condition_env *env, const char *path, char **ret);
int condition_read_line(const struct condition_env *env, const char *path, char *buf, size_t n);
bool condition_root_exists(const struct condition_env *env, const char *path);
const char *condition_env_get(const struct condition_env *env, const char *key);
int condition_cmdline_read(const struct condition_env *env, char **ret);
bool condition_cmdline_word_matches(const char *word, const char *param);
int condition_cmdline_get(const struct condition_env *env, const char *key, char **ret);

/* condition_paths.c */
int condition_test_path_exists(const char *param, const struct condition_env *env);
int condition_test_path_exists_glob(const char *param, const struct condition_env *env);
int condition_test_path_is_directory(const char *param, const struct condition_env *env);
int condition_test_path_is_symlink(const char *param, const struct condition_env *env);
int condition_test_path_is_mount_point(const char *param, const struct condition_env *env);
int condition_test_path_is_read_write(const char *param, const struct condition_env *env);
int condition_test_path_is_encrypted(const char *param, const struct condition_env *env);
int condition_test_directory_not_empty(const char *param, const struct condition_env *env);
int condition_test_file_not_empty(const char *param, const struct condition_env *env);
int condition_test_file_is_executable(const char *param, const struct condition_env *env);

/* condition_system.c: the kernel and the machine */
int condition_test_kernel_command_line(const char *param, const struct condition_env *env);
int condition_test_kernel_version(const char *param, const struct condition_env *env);
int condition_test_virtualization(const char *param, const struct condition_env *env);
int condition_test_host(const char *param, const struct condition_env *env);
int condition_test_architecture(const char *param, const struct condition_env *env);
int condition_test_ac_power(const char *param, const struct condition_env *env);
int condition_test_control_group_controller(const char *param, const struct condition_env *env);
int condition_test_memory(const char *param, const struct condition_env *env);
int condition_test_cpus(const char *param, const struct condition_env *env);
int condition_test_os_release(const char *param, const struct condition_env *env);

/* condition_manager.c: the manager's own process and the system's setup */
int condition_test_environment(const char *param, const struct condition_env *env);
int condition_test_user(const char *param, const struct condition_env *env);
int condition_test_group(const char *param, const struct condition_env *env);
int condition_test_security(const char *param, const struct condition_env *env);
int condition_test_capability(const char *param, const struct condition_env *env);
int condition_test_first_boot(const char *param, const struct condition_env *env);
int condition_test_needs_update(const char *param, const struct condition_env *env);
int condition_test_credential(const char *param, const struct condition_env *env);
int condition_test_null(const char *param, const struct condition_env *env);
