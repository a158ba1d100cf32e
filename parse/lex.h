/* The unit-file lexer: turns the bytes of one unit file or drop-in into
 * (section, key, value, line) assignments, with systemd.syntax(7) rules:
 * "[Section]" headers, '#'/';' comment lines, no inline comments, a trailing
 * backslash joins the next line (the backslash becomes a space, comment lines
 * inside a continuation are skipped), whitespace around '=' and at both ends
 * of the value is stripped, keys and sections are case-sensitive.
 *
 * The value is passed raw (quotes and escapes untouched): each directive's
 * value parser decides how to unquote it. Unknown and X- keys or sections
 * are passed on too; judging them is the callback's business.
 *
 * Like systemd (read_line()), a line ends at "\n", "\r", "\r\n" or "\n\r";
 * a UTF-8 byte-order mark at the start of the file is skipped; comment lines
 * are not checked for UTF-8; a continued assignment is reported with the
 * number of its last physical line, as systemd does.
 *
 * Called by the unit loader (parse/load.c) and by fuzz targets. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define LEX_LINE_MAX (1024u * 1024u) /* systemd's LONG_LINE_MAX */

/* Called once per assignment, and once per section header with key and
 * value NULL. section is NULL for an assignment before any section header
 * (the callback decides what to say about it). Returning a negative errno
 * stops lexing and is returned by lex_parse_*. */
typedef int (*lex_assignment_fn)(void *userdata, const char *file, unsigned line,
                                 const char *section, const char *key, const char *value);

/* Lex a buffer (need not be NUL-terminated). `file` names it in diagnostics.
 * Non-fatal problems (a line without '=', an empty key) are logged with
 * log_syntax() as warnings ending in ", ignoring." and skipped.
 * Fatal problems make the whole file unloadable; they are logged with
 * file:line and returned as a negative errno:
 *   -ENOBUFS  a physical line of LEX_LINE_MAX bytes or more, or a joined
 *             line longer than LEX_LINE_MAX (systemd's two limits)
 *   -EBADMSG  a NUL byte (binary data), or invalid UTF-8
 *   -EBADMSG  an unterminated "[section" header, or one with control
 *             characters, quotes or backslashes in its name
 * Returns 0 on success. */
int lex_parse_buffer(const char *file, const char *buf, size_t len, lex_assignment_fn fn, void *userdata);

/* Read path and lex it. Errors opening or reading it are logged (with the
 * path) and returned. */
int lex_parse_file(const char *path, lex_assignment_fn fn, void *userdata);

/* A file read whole ahead of lexing, or why it could not be: the loader
 * reads a unit file before deciding whether it masks the unit (an empty
 * one does), then lexes what it read. */
struct lex_file {
        char *buf;    /* malloc'd, not NUL-terminated; NULL on error */
        size_t len;
        int error;    /* 0, or the -errno of open() or read() */
        bool opening; /* error came from open() */
};

/* Read path into f. Logs nothing; f->error says what failed. */
void lex_file_read(const char *path, struct lex_file *f);
/* Lex f, read from path, as lex_parse_file would have: an error reading it
 * is logged and returned the same way. */
int lex_parse_read_file(const char *path, const struct lex_file *f, lex_assignment_fn fn, void *userdata);
void lex_file_done(struct lex_file *f);
