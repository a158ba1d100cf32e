/* Splitting a setting's value into items, with systemd's quoting rules
 * (systemd.syntax(7) "Quoting"): an item may be wrapped whole in "…" or '…'.
 * The man page says the opening quote must start the item and the closing
 * quote must be followed by a separator; systemd's parser (252, checked with
 * systemd-analyze verify) is laxer and we follow it: a quote anywhere opens
 * a quoted part of the current item, so a"b c"d is the one item "ab cd".
 * C escapes:
 * \a \b \f \n \r \t \v \\ \" \' \s \xHH \nnn (octal) \uXXXX \UXXXXXXXX.
 * This is the one place quoting is implemented; every list and exec-line
 * parser calls it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum word_flags {
        WORD_UNQUOTE = 1 << 0,        /* '…' and "…" wrap (part of) an item and are removed */
        WORD_CUNESCAPE = 1 << 1,      /* decode C escapes */
        WORD_RETAIN_ESCAPE = 1 << 2,  /* backslash is an ordinary byte: "\x" stays as the two bytes */
        WORD_RELAX = 1 << 3,          /* accept an unbalanced quote or trailing backslash */
        WORD_UNESCAPE_SEPARATORS = 1 << 4, /* "\;" style: backslash-separator yields the separator */
        WORD_UNESCAPE_RELAX = 1 << 5, /* keep an unknown escape (and a trailing backslash) verbatim */
};

#define WORD_SEPARATORS " \t\n\r"

/* Extract the next item from *p (advanced past it and following
 * separators; at the end *p points at the terminating NUL). *p may be NULL,
 * meaning no input. separators NULL means WORD_SEPARATORS. Without
 * WORD_CUNESCAPE (and WORD_RETAIN_ESCAPE) a backslash makes the next byte
 * literal. On error *p is left unchanged.
 * Returns 1 with a malloc'd item in *ret, 0 at the end (*ret = NULL),
 * -EINVAL on bad quoting or escapes (unterminated quote, quote not followed
 * by a separator, bad escape, escape giving a NUL byte), -ENOMEM. */
int word_extract(const char **p, char **ret, const char *separators, enum word_flags flags);

/* Decode C escapes in s[0..len) into a new string (NUL bytes are refused
 * with -EINVAL). */
int word_cunescape(const char *s, size_t len, char **ret);

/* Is s valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF)? The _n
 * form treats an embedded NUL byte as invalid. */
bool utf8_is_valid_n(const char *s, size_t len);
bool utf8_is_valid(const char *s);
