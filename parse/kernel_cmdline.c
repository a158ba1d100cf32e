/* The kernel command line; see kernel_cmdline.h. */
#include "parse/kernel_cmdline.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "parse/unit_name.h"
#include "parse/value.h"

static const char *startswith(const char *s, const char *prefix)
{
        size_t n = strlen(prefix);

        return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* SysV runlevel words, as systemd maps them. */
static const struct {
        const char *word;
        const char *target;
} runlevel_words[] = {
        { "emergency", "emergency.target" }, { "-b", "emergency.target" },
        { "rescue", "rescue.target" },       { "single", "rescue.target" },
        { "s", "rescue.target" },            { "S", "rescue.target" },
        { "1", "rescue.target" },            { "2", "multi-user.target" },
        { "3", "multi-user.target" },        { "4", "multi-user.target" },
        { "5", "graphical.target" },
};

static int set_unit(struct kernel_cmdline *k, const char *name)
{
        char *copy;

        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                log_warning("kernel command line: not a unit name, ignored: %s", name);
                return 0;
        }
        copy = strdup(name);
        if (!copy)
                return -ENOMEM;
        free(k->unit);
        k->unit = copy;
        return 0;
}

static void set_show_status(struct kernel_cmdline *k, const char *v)
{
        int b;

        if (strcmp(v, "auto") == 0 || strcmp(v, "error") == 0)
                k->show_status = SHOW_STATUS_ERROR;
        else if ((b = parse_boolean(v)) >= 0)
                k->show_status = b ? SHOW_STATUS_YES : SHOW_STATUS_NO;
        else
                log_warning("kernel command line: bad systemd.show_status=, ignored: %s", v);
}

static void set_log_level(struct kernel_cmdline *k, const char *v)
{
        enum log_level l = log_level_from_syslog(v);

        if (l != _LOG_LEVEL_INVALID) {
                k->log_level = l;
                return;
        }
        log_warning("kernel command line: bad systemd.log_level=, ignored: %s", v);
}

/* Booleans that may stand alone ("systemd.crash_shell" is yes). */
static const struct {
        const char *name;
        size_t offset;
} boolean_words[] = {
        { "systemd.crash_shell", offsetof(struct kernel_cmdline, crash_shell) },
        { "systemd.crash_reboot", offsetof(struct kernel_cmdline, crash_reboot) },
        { "systemd.dump_core", offsetof(struct kernel_cmdline, dump_core) },
};

static bool set_boolean_word(struct kernel_cmdline *k, const char *w)
{
        for (size_t i = 0; i < ELEMENTSOF(boolean_words); i++) {
                const char *v = startswith(w, boolean_words[i].name);
                int *field = (int *) ((char *) k + boolean_words[i].offset);
                int b;

                if (!v || (*v && *v != '='))
                        continue;
                b = *v ? parse_boolean(v + 1) : 1;
                if (b < 0)
                        log_warning("kernel command line: bad %s, ignored", w);
                else
                        *field = b;
                return true;
        }
        return false;
}

static int handle_word(struct kernel_cmdline *k, const char *w)
{
        const char *v;

        if ((v = startswith(w, "systemd.unit=")) || (v = startswith(w, "weft.unit=")))
                return set_unit(k, v);
        if ((v = startswith(w, "systemd.show_status="))) {
                set_show_status(k, v);
                return 0;
        }
        if (strcmp(w, "systemd.show_status") == 0) {
                k->show_status = SHOW_STATUS_YES;
                return 0;
        }
        if ((v = startswith(w, "systemd.log_level="))) {
                set_log_level(k, v);
                return 0;
        }
        if (set_boolean_word(k, w))
                return 0;
        if (strcmp(w, "quiet") == 0) {
                k->quiet = true;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(runlevel_words); i++)
                if (strcmp(w, runlevel_words[i].word) == 0)
                        return set_unit(k, runlevel_words[i].target);
        return 0;
}

int kernel_cmdline_parse(const char *text, struct kernel_cmdline *ret)
{
        struct kernel_cmdline k = KERNEL_CMDLINE_INIT;
        size_t n = strlen(text);
        char *word = malloc(n + 1);
        int r = 0;

        if (!word)
                return -ENOMEM;
        for (const char *p = text; *p && r >= 0;) {
                size_t len = 0;
                bool quoted = false;

                while (*p == ' ' || *p == '\t' || *p == '\n')
                        p++;
                if (!*p)
                        break;
                /* A double quote starts or ends a span where blanks are
                 * part of the word; the quotes themselves are dropped. */
                for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
                        if (*p == '"')
                                quoted = !quoted;
                        else
                                word[len++] = *p;
                }
                word[len] = 0;
                if (startswith(word, "rd."))
                        continue; /* the initrd's, not ours */
                r = handle_word(&k, word);
        }
        free(word);
        if (r < 0) {
                kernel_cmdline_done(&k);
                return r;
        }
        *ret = k;
        return 0;
}

int kernel_cmdline_read(const char *path, struct kernel_cmdline *ret)
{
        char buf[4096 + 1];
        FILE *f = fopen(path, "re");
        size_t n;

        if (!f)
                return -errno;
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        return kernel_cmdline_parse(buf, ret);
}

void kernel_cmdline_done(struct kernel_cmdline *k)
{
        free(k->unit);
        k->unit = NULL;
}

enum show_status kernel_cmdline_show_status(const struct kernel_cmdline *k)
{
        if (k->show_status != SHOW_STATUS_UNSET)
                return k->show_status;
        return k->quiet ? SHOW_STATUS_ERROR : SHOW_STATUS_YES;
}
