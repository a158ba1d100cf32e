/* A transient unit's file from StartTransientUnit's properties (see
 * transient.h). The D-Bus types are systemd's (src/core/dbus-unit.c,
 * dbus-service.c, dbus-execute.c); the directives weft's. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strv.h"
#include "parse/transient.h"

/* What systemd-run sends, by itself or for its common -p options. A
 * property weft has no row for is refused, never dropped. */
#define BOTH TRANSIENT_FOR_BOTH
#define SERVICE_ONLY TRANSIENT_FOR_SERVICE
#define SCOPE_ONLY TRANSIENT_FOR_SCOPE
static const struct transient_property properties[] = {
        { "Description", TRANSIENT_UNIT, "Description", TRANSIENT_STRING, true, BOTH },
        { "CollectMode", TRANSIENT_UNIT, "CollectMode", TRANSIENT_STRING, false, BOTH },
        { "AddRef", TRANSIENT_UNIT, NULL, TRANSIENT_NONE, false, BOTH },
        { "DefaultDependencies", TRANSIENT_UNIT, "DefaultDependencies", TRANSIENT_BOOL, false, BOTH },
        { "Wants", TRANSIENT_UNIT, "Wants", TRANSIENT_WORDS, false, BOTH },
        { "Requires", TRANSIENT_UNIT, "Requires", TRANSIENT_WORDS, false, BOTH },
        { "BindsTo", TRANSIENT_UNIT, "BindsTo", TRANSIENT_WORDS, false, BOTH },
        { "PartOf", TRANSIENT_UNIT, "PartOf", TRANSIENT_WORDS, false, BOTH },
        { "Conflicts", TRANSIENT_UNIT, "Conflicts", TRANSIENT_WORDS, false, BOTH },
        { "Before", TRANSIENT_UNIT, "Before", TRANSIENT_WORDS, false, BOTH },
        { "After", TRANSIENT_UNIT, "After", TRANSIENT_WORDS, false, BOTH },
        { "Slice", TRANSIENT_SERVICE, "Slice", TRANSIENT_STRING, false, BOTH },
        { "Type", TRANSIENT_SERVICE, "Type", TRANSIENT_STRING, false, SERVICE_ONLY },
        { "RemainAfterExit", TRANSIENT_SERVICE, "RemainAfterExit", TRANSIENT_BOOL, false, SERVICE_ONLY },
        { "ExecStart", TRANSIENT_SERVICE, "ExecStart", TRANSIENT_EXEC, true, SERVICE_ONLY },
        { "Restart", TRANSIENT_SERVICE, "Restart", TRANSIENT_STRING, false, SERVICE_ONLY },
        { "RestartUSec", TRANSIENT_SERVICE, "RestartSec", TRANSIENT_USEC, false, SERVICE_ONLY },
        { "TimeoutStartUSec", TRANSIENT_SERVICE, "TimeoutStartSec", TRANSIENT_USEC, false, SERVICE_ONLY },
        { "TimeoutStopUSec", TRANSIENT_SERVICE, "TimeoutStopSec", TRANSIENT_USEC, false, BOTH },
        { "RuntimeMaxUSec", TRANSIENT_SERVICE, "RuntimeMaxSec", TRANSIENT_USEC, false, BOTH },
        { "Environment", TRANSIENT_SERVICE, "Environment", TRANSIENT_WORDS, true, SERVICE_ONLY },
        { "WorkingDirectory", TRANSIENT_SERVICE, "WorkingDirectory", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "User", TRANSIENT_SERVICE, "User", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "Group", TRANSIENT_SERVICE, "Group", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "StandardInput", TRANSIENT_SERVICE, "StandardInput", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "StandardOutput", TRANSIENT_SERVICE, "StandardOutput", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "StandardError", TRANSIENT_SERVICE, "StandardError", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "SyslogIdentifier", TRANSIENT_SERVICE, "SyslogIdentifier", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "KillMode", TRANSIENT_SERVICE, "KillMode", TRANSIENT_STRING, false, BOTH },
        { "SendSIGHUP", TRANSIENT_SERVICE, "SendSIGHUP", TRANSIENT_BOOL, false, BOTH },
        /* Resource control: written, and (no cgroups) warned about and
         * ignored at load, as in a unit file. */
        { "OOMPolicy", TRANSIENT_SERVICE, "OOMPolicy", TRANSIENT_STRING, false, BOTH },
        { "TasksMax", TRANSIENT_SERVICE, "TasksMax", TRANSIENT_COUNT, false, BOTH },
        { "PrivateTmp", TRANSIENT_SERVICE, "PrivateTmp", TRANSIENT_BOOL, false, SERVICE_ONLY },
        { "TTYPath", TRANSIENT_SERVICE, "TTYPath", TRANSIENT_STRING, true, SERVICE_ONLY },
        { "StandardInputFileDescriptor", TRANSIENT_SERVICE, "StandardInput", TRANSIENT_FD, false, SERVICE_ONLY },
        { "StandardOutputFileDescriptor", TRANSIENT_SERVICE, "StandardOutput", TRANSIENT_FD, false, SERVICE_ONLY },
        { "StandardErrorFileDescriptor", TRANSIENT_SERVICE, "StandardError", TRANSIENT_FD, false, SERVICE_ONLY },
        { "PIDs", TRANSIENT_SERVICE, NULL, TRANSIENT_PIDS, false, SCOPE_ONLY },
};

/* Which of 0, 1, 2 a TRANSIENT_FD row sets, by the directive it replaces. */
static int stdio_index(const struct transient_property *p)
{
        static const char *const directives[3] = { "StandardInput", "StandardOutput", "StandardError" };
        for (int i = 0; i < 3; i++)
                if (!strcmp(p->directive, directives[i]))
                        return i;
        return -1;
}

const char *transient_signature(enum transient_kind kind)
{
        static const char *const sig[] = {
                [TRANSIENT_STRING] = "s", [TRANSIENT_BOOL] = "b",  [TRANSIENT_WORDS] = "as",
                [TRANSIENT_EXEC] = "a(sasb)", [TRANSIENT_USEC] = "t", [TRANSIENT_NONE] = "b",
                [TRANSIENT_FD] = "h", [TRANSIENT_PIDS] = "au", [TRANSIENT_COUNT] = "t",
        };
        return sig[kind];
}

int transient_lookup(const char *name, bool scope, const struct transient_property **ret, char **ret_error)
{
        enum transient_for other = scope ? TRANSIENT_FOR_SERVICE : TRANSIENT_FOR_SCOPE;
        for (size_t i = 0; i < sizeof properties / sizeof properties[0]; i++)
                if (!strcmp(name, properties[i].name) && properties[i].for_type != other) {
                        *ret = &properties[i];
                        return 0;
                }
        if (asprintf(ret_error, "Cannot set property %s, or unknown property.", name) < 0)
                *ret_error = NULL;
        return -ENOENT;
}

/* A control character would end the line (or hide the rest of it): no
 * escape in a unit file keeps it, so it is refused. */
static bool has_control(const char *s)
{
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 0x7f)
                        return true;
        return false;
}

/* Room for s escaped: every byte doubled, quotes, NUL. */
static char *escape_buf(const char *s)
{
        return malloc(2 * strlen(s) + 3);
}

/* A plain value: "%%" where specifiers are expanded. A trailing backslash
 * would join the next line to it. */
static char *escape_plain(const char *s, bool specifiers)
{
        size_t n = strlen(s);
        char *out = n && s[n - 1] == '\\' ? NULL : escape_buf(s), *o = out;
        for (; out && *s; s++) {
                if (*s == '%' && specifiers)
                        *o++ = '%';
                *o++ = *s;
        }
        if (out)
                *o = '\0';
        return out;
}

/* A word of a list or command line, as word.h reads it back
 * (WORD_UNQUOTE|WORD_CUNESCAPE): in double quotes when it holds anything
 * but plain characters (a lone ";" would separate commands), with '\' and
 * '"' escaped; "%%" and, in a command line, "$$" for the literal. */
static char *escape_word(const char *s, bool specifiers, bool dollar)
{
        bool quote = !*s || strpbrk(s, " \t\"'\\;") != NULL;
        char *out = escape_buf(s), *o = out;
        if (!out)
                return NULL;
        if (quote)
                *o++ = '"';
        for (; *s; s++) {
                if ((*s == '%' && specifiers) || (*s == '$' && dollar))
                        *o++ = *s;
                else if (*s == '\\' || *s == '"')
                        *o++ = '\\';
                *o++ = *s;
        }
        if (quote)
                *o++ = '"';
        *o = '\0';
        return out;
}

static int invalid(const struct transient_property *p, const char *why, char **ret_error)
{
        if (asprintf(ret_error, "Invalid value for %s: %s.", p->name, why) < 0)
                *ret_error = NULL;
        return -EINVAL;
}

/* Append s, escaped as a word, to *line after a space. */
static int append_word(char **line, const char *s, bool specifiers, bool dollar)
{
        char *w = escape_word(s, specifiers, dollar), *l = NULL;
        if (!w || asprintf(&l, "%s %s", *line, w) < 0)
                l = NULL;
        free(w);
        if (!l)
                return -ENOMEM;
        free(*line);
        *line = l;
        return 0;
}

/* "[-]PATH ARGS..." or, when argv[0] is not the path, "[-]@PATH ARGV0 ARGS...". */
static int exec_line(const struct transient_property *p, const struct transient_exec *e, char **ret,
                     char **ret_error)
{
        if (!e->path || e->path[0] != '/' || has_control(e->path))
                return invalid(p, "the program must be an absolute path", ret_error);
        if (!e->argv || !e->argv[0])
                return invalid(p, "a command needs at least one argument", ret_error);
        for (char *const *a = e->argv; *a; a++)
                if (has_control(*a))
                        return invalid(p, "control characters are not allowed", ret_error);
        bool at = strcmp(e->path, e->argv[0]) != 0;
        char *line = strdup(e->ignore_failure ? "-" : ""), *path = escape_word(e->path, true, true);
        int r = line && path ? 0 : -ENOMEM;
        if (r == 0 && asprintf(ret, "%s%s%s", line, at ? "@" : "", path) < 0) {
                *ret = NULL;
                r = -ENOMEM;
        }
        free(line);
        free(path);
        for (char *const *a = e->argv + !at; r == 0 && *a; a++)
                r = append_word(ret, *a, true, true);
        return r;
}

/* The value of a single-line directive, escaped. */
static int value_text(const struct transient_property *p, const struct transient_value *v, char **ret,
                      char **ret_error)
{
        switch (p->kind) {
        case TRANSIENT_STRING:
                if (!v->s || has_control(v->s))
                        return invalid(p, "control characters are not allowed", ret_error);
                *ret = escape_plain(v->s, p->specifiers);
                return *ret ? 0 : invalid(p, "a trailing backslash is not allowed", ret_error);
        case TRANSIENT_BOOL:
                *ret = strdup(v->b ? "yes" : "no");
                break;
        case TRANSIENT_USEC:
        case TRANSIENT_COUNT:
                if (v->usec == UINT64_MAX)
                        *ret = strdup("infinity");
                else if (asprintf(ret, "%" PRIu64 "%s", v->usec, p->kind == TRANSIENT_USEC ? "us" : "") < 0)
                        *ret = NULL;
                break;
        case TRANSIENT_WORDS:
                *ret = strdup("");
                for (char *const *w = v->words; *ret && w && *w; w++)
                        if (has_control(*w) || append_word(ret, *w, p->specifiers, false) < 0) {
                                free(*ret);
                                *ret = NULL;
                                return has_control(*w) ? invalid(p, "control characters are not allowed", ret_error)
                                                       : -ENOMEM;
                        }
                break;
        default:
                return -EINVAL;
        }
        return *ret ? 0 : -ENOMEM;
}

static int add_line(struct transient_unit *t, const struct transient_property *p, const char *value)
{
        char *line;
        /* A list's words were appended after a space: drop it. */
        if (asprintf(&line, "%s=%s", p->directive, p->kind == TRANSIENT_WORDS && *value == ' ' ? value + 1 : value) < 0)
                return -ENOMEM;
        return strv_consume(&t->lines[p->section], line);
}

int transient_add(struct transient_unit *t, const struct transient_property *p, const struct transient_value *v,
                  char **ret_error)
{
        char *value = NULL;
        int r = 0;

        if (p->kind == TRANSIENT_NONE) {
                t->add_ref = v->b; /* AddRef, the one such property */
                return 0;
        }
        if (p->kind == TRANSIENT_PIDS) { /* given more than once: all of them */
                uint32_t *pids = v->n_pids ? realloc(t->pids, (t->n_pids + v->n_pids) * sizeof *pids) : NULL;
                if (!pids)
                        return v->n_pids ? -ENOMEM : 0;
                memcpy(pids + t->n_pids, v->pids, v->n_pids * sizeof *pids);
                t->pids = pids;
                t->n_pids += v->n_pids;
                return 0;
        }
        if (p->kind == TRANSIENT_FD) {
                int i = stdio_index(p);
                if (t->stdio_given & (1u << i))
                        (void) close(t->stdio_fds[i]); /* given twice: the last one counts */
                t->stdio_fds[i] = v->fd;
                t->stdio_given |= 1u << i;
                return 0;
        }
        if (p->kind != TRANSIENT_EXEC) {
                r = value_text(p, v, &value, ret_error);
                if (r == 0)
                        r = add_line(t, p, value);
                free(value);
                return r;
        }
        for (size_t i = 0; r == 0 && i < v->n_exec; i++) {
                r = exec_line(p, &v->exec[i], &value, ret_error);
                if (r == 0)
                        r = add_line(t, p, value);
                free(value);
                value = NULL;
        }
        return r;
}

int transient_text(const struct transient_unit *t, char **ret)
{
        size_t size = 0;
        FILE *f = open_memstream(ret, &size);
        if (!f)
                return -ENOMEM;
        fputs("# Transient unit file, written by weft for StartTransientUnit (systemd-run).\n", f);
        for (int s = 0; s < TRANSIENT_SECTIONS; s++) {
                fprintf(f, "%s[%s]\n", s ? "\n" : "", s == TRANSIENT_UNIT ? "Unit" : t->scope ? "Scope" : "Service");
                for (char **l = t->lines[s]; l && *l; l++)
                        fprintf(f, "%s\n", *l);
        }
        if (fclose(f) != 0) {
                free(*ret);
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

void transient_unit_done(struct transient_unit *t)
{
        for (int s = 0; s < TRANSIENT_SECTIONS; s++) {
                strv_free(t->lines[s]);
                t->lines[s] = NULL;
        }
        for (int i = 0; i < 3; i++)
                if (t->stdio_given & (1u << i))
                        (void) close(t->stdio_fds[i]);
        t->stdio_given = 0;
        free(t->pids);
        t->pids = NULL;
        t->n_pids = 0;
}
