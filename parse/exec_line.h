/* Exec lines (ExecStart= and friends), systemd.service(5) "Command lines":
 * prefixes "-", "@", ":", "+", "!", "!!"; argv split with word.h's quoting
 * (WORD_UNQUOTE|WORD_CUNESCAPE, "\;" a literal semicolon); a lone ";"
 * separating several commands; the program either absolute or a bare file
 * name (searched at exec time in the fixed path); relative paths with '/'
 * rejected. Specifiers (%n...) are expanded by the caller before parsing.
 * Environment variables ($VAR, ${VAR}, $$) are expanded at exec time by
 * exec_command_expand(), since their values are only known then. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

enum exec_flags {
        EXEC_IGNORE_FAILURE = 1 << 0, /* "-": a failure exit counts as success */
        EXEC_ARGV0 = 1 << 1,          /* "@": argv[0] given separately from path */
        EXEC_NO_ENV_EXPAND = 1 << 2,  /* ":": no $VAR expansion */
        EXEC_FULL_PRIVILEGES = 1 << 3, /* "+" */
        EXEC_NO_SETUID = 1 << 4,      /* "!" */
        EXEC_AMBIENT_MAGIC = 1 << 5,  /* "!!" */
};

struct exec_command {
        char *path;   /* program: absolute, or a bare name to search */
        char **argv;  /* argv[0] included; unexpanded */
        unsigned flags;
        /* path, argv and its strings live in this struct's own block
         * (exec_command_pack_list): exec_command_free_list frees the
         * block alone, and nothing may free or replace them one by one. */
        bool packed;
        /* Packed into a unit table's arena (base/arena.h): the block is
         * the table's; only the pooled words are released one by one. */
        bool in_arena;
        /* Packed: bit i set when argv[i] is not in the block but a shared
         * copy from base/strpool.h (long words, which many units repeat:
         * the program, a common config or state path). */
        uint16_t pooled;
        struct exec_command *next; /* the following command of the same setting */
};

/* Parse one ExecXxx= value into one or more commands (";"-separated).
 * On a syntax error returns -EINVAL and a malloc'd message in *ret_error,
 * worded like systemd's (e.g. "Neither a valid executable name nor an
 * absolute path: relative/path"); *ret is written only on success and
 * *ret_error only on -EINVAL. An empty value is not handled here (the
 * caller resets the list); a value of only ";" separators gives 0 and
 * *ret = NULL, as systemd then adds no command.
 * Like systemd, an unknown escape in a word (a\qb) is kept verbatim rather
 * than refused (systemd also warns; we have no warning channel here). */
int exec_line_parse(const char *value, struct exec_command **ret, char **ret_error);

void exec_command_free_list(struct exec_command *c);
/* Move each command of the list into one allocation of its own (the
 * struct, argv and every string; path shares argv[0]'s copy when they are
 * equal), for a configuration that is read only from now on: a command
 * line was ~7 small blocks. Words of EXEC_POOL_MIN characters or more
 * among the first 16 are shared through base/strpool.h instead. Returns 0 or -ENOMEM (commands not packed yet
 * stay as they were, still valid). */
int exec_command_pack_list(struct exec_command **list);
/* Repack every command of *list into arena (a unit table's), or with
 * malloc when arena is NULL, releasing the old blocks: 0 or -ENOMEM (the
 * list then mixes both, each command still correct). */
struct arena;
int exec_command_repack_list(struct exec_command **list, struct arena *arena);
#define EXEC_POOL_MIN 16

/* Expand $VAR (whole word only: split at whitespace with quotes respected,
 * giving zero or more arguments), ${VAR} (verbatim, even inside a word,
 * always one argument) and $$ (a literal $) in argv[1..] against env
 * ("K=V" strings, the last one wins; unknown variables expand to nothing).
 * As in systemd, a word starting with '$' (not "${" or "$$") is looked up
 * whole: "$FOO-bar" names the variable "FOO-bar", and a lone "$" too is
 * dropped. "${VAR:-x}" and an unterminated "${" stay literal. argv[0] is
 * never expanded. With EXEC_NO_ENV_EXPAND the argv is copied unchanged. */
int exec_command_expand(const struct exec_command *c, char *const *env, char ***ret_argv);

/* Find a bare program name in /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
 * (an absolute path is checked as is). Returns 0 and a malloc'd path, or
 * -ENOENT / -EACCES (a directory or a non-executable file), or -EINVAL for
 * an empty name or a relative path with '/'. */
int exec_find_program(const char *name, char **ret_path);

/* systemctl show's rendering of one command:
 * "{ path=/bin/echo ; argv[]=/bin/echo hi ; ignore_errors=no ; start_time=[n/a] ;
 *   stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }" (on one line). */
char *exec_command_format_show(const struct exec_command *c);
