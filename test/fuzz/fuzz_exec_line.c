/* libFuzzer target for exec lines (parse/exec_line.h) and the quoting
 * helpers under them (parse/word.h). The input is "VALUE\0K=V\0K=V...": the
 * value is parsed, every command is expanded against the environment and
 * rendered as systemctl show would, and everything is freed.
 * Seeds: test/fuzz/corpus/exec_line/. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/exec_line.h"
#include "parse/word.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split buf[0..size) (NUL-terminated at size) at NUL bytes after the first. */
static char **env_from(const char *buf, size_t size)
{
        size_t off = strlen(buf) + 1;
        char **env = NULL;

        while (off < size) {
                if (strv_extend(&env, buf + off) < 0)
                        break;
                off += strlen(buf + off) + 1;
        }
        return env;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct exec_command *cmds = NULL;
        char *buf, *err = NULL, *unescaped = NULL, **env;

        log_set_level(LOG_LEVEL_ERROR);
        buf = malloc(size + 1);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        buf[size] = 0;
        env = env_from(buf, size);

        (void) utf8_is_valid_n((const char *) data, size);
        if (word_cunescape((const char *) data, size, &unescaped) == 0)
                free(unescaped);

        if (exec_line_parse(buf, &cmds, &err) == 0) {
                for (struct exec_command *c = cmds; c; c = c->next) {
                        char **argv = NULL, *show;

                        if (exec_command_expand(c, env, &argv) == 0)
                                strv_free(argv);
                        show = exec_command_format_show(c);
                        free(show);
                }
                exec_command_free_list(cmds);
        } else
                free(err);

        strv_free(env);
        free(buf);
        return 0;
}
