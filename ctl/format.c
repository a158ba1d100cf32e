/* Output shapes for weftctl; see format.h. */
#include "ctl/format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"
#include "base/strv.h"

#define USEC_PER_SEC_ 1000000ULL
#define USEC_PER_MSEC_ 1000ULL
#define USEC_PER_MINUTE (60 * USEC_PER_SEC_)
#define USEC_PER_HOUR (60 * USEC_PER_MINUTE)
#define USEC_PER_DAY (24 * USEC_PER_HOUR)
#define USEC_PER_WEEK (7 * USEC_PER_DAY)
#define USEC_PER_MONTH (2629800 * USEC_PER_SEC_)
#define USEC_PER_YEAR (31557600 * USEC_PER_SEC_)

void ctl_table_init(struct ctl_table *t, size_t n_cols)
{
        *t = (struct ctl_table) { .n_cols = n_cols };
}

void ctl_table_done(struct ctl_table *t)
{
        strv_free(t->cells);
        *t = (struct ctl_table) { 0 };
}

/* cells grows by doubling: strv_extend would walk the whole list for each
 * cell, and list-units of 10,000 units took seconds. */
int ctl_table_add(struct ctl_table *t, const char *const *cells)
{
        size_t n = t->n_rows * t->n_cols;

        if (n + t->n_cols + 1 > t->cap) {
                size_t cap = t->cap ? t->cap : 64;
                while (cap < n + t->n_cols + 1)
                        cap *= 2;
                char **c = realloc(t->cells, cap * sizeof *c);
                if (!c)
                        return -ENOMEM;
                t->cells = c;
                t->cap = cap;
        }
        for (size_t i = 0; i < t->n_cols; i++) {
                t->cells[n + i] = strdup(cells[i] ? cells[i] : "");
                if (!t->cells[n + i]) {
                        for (size_t j = 0; j < i; j++)
                                free(t->cells[n + j]);
                        t->cells[n] = NULL;
                        return -ENOMEM;
                }
        }
        t->cells[n + t->n_cols] = NULL;
        t->n_rows++;
        return 0;
}

size_t ctl_width(const char *s)
{
        size_t n = 0;
        for (; *s; s++)
                if (((unsigned char) *s & 0xc0) != 0x80)
                        n++;
        return n;
}

void ctl_table_print(const struct ctl_table *t, FILE *f)
{
        size_t width[16] = { 0 };

        for (size_t row = 0; row < t->n_rows; row++)
                for (size_t c = 0; c < t->n_cols && c < 16; c++) {
                        size_t w = ctl_width(t->cells[row * t->n_cols + c]);
                        if (w > width[c])
                                width[c] = w;
                }
        for (size_t row = 0; row < t->n_rows; row++) {
                char *const *cells = t->cells + row * t->n_cols;
                size_t last = t->n_cols;
                /* Trailing empty cells would only leave blanks. */
                while (last > 1 && !*cells[last - 1])
                        last--;
                for (size_t c = 0; c < last; c++) {
                        fputs(cells[c], f);
                        if (c + 1 < last)
                                fprintf(f, "%*s", (int) (width[c < 16 ? c : 15] - ctl_width(cells[c]) + 1), "");
                }
                fputc('\n', f);
        }
}

char *ctl_format_timestamp(char *buf, size_t size, uint64_t realtime_usec)
{
        time_t sec = (time_t) (realtime_usec / USEC_PER_SEC_);
        struct tm tm;

        if (!localtime_r(&sec, &tm) || strftime(buf, size, "%a %Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                snprintf(buf, size, "@%llu", (unsigned long long) sec);
        return buf;
}

char *ctl_format_relative(char *buf, size_t size, uint64_t d)
{
        unsigned long long a, b;

        if (d >= USEC_PER_YEAR) {
                a = d / USEC_PER_YEAR;
                b = (d % USEC_PER_YEAR) / USEC_PER_MONTH;
                snprintf(buf, size, "%llu %s %llu %s ago", a, a == 1 ? "year" : "years", b, b == 1 ? "month" : "months");
        } else if (d >= USEC_PER_MONTH) {
                a = d / USEC_PER_MONTH;
                b = (d % USEC_PER_MONTH) / USEC_PER_DAY;
                snprintf(buf, size, "%llu %s %llu %s ago", a, a == 1 ? "month" : "months", b, b == 1 ? "day" : "days");
        } else if (d >= USEC_PER_WEEK) {
                a = d / USEC_PER_WEEK;
                b = (d % USEC_PER_WEEK) / USEC_PER_DAY;
                snprintf(buf, size, "%llu %s %llu %s ago", a, a == 1 ? "week" : "weeks", b, b == 1 ? "day" : "days");
        } else if (d >= 2 * USEC_PER_DAY)
                snprintf(buf, size, "%llu days ago", (unsigned long long) (d / USEC_PER_DAY));
        else if (d >= 25 * USEC_PER_HOUR)
                snprintf(buf, size, "1 day %lluh ago", (unsigned long long) ((d - USEC_PER_DAY) / USEC_PER_HOUR));
        else if (d >= 6 * USEC_PER_HOUR)
                snprintf(buf, size, "%lluh ago", (unsigned long long) (d / USEC_PER_HOUR));
        else if (d >= USEC_PER_HOUR)
                snprintf(buf, size, "%lluh %llumin ago", (unsigned long long) (d / USEC_PER_HOUR),
                         (unsigned long long) ((d % USEC_PER_HOUR) / USEC_PER_MINUTE));
        else if (d >= 5 * USEC_PER_MINUTE)
                snprintf(buf, size, "%llumin ago", (unsigned long long) (d / USEC_PER_MINUTE));
        else if (d >= USEC_PER_MINUTE)
                snprintf(buf, size, "%llumin %llus ago", (unsigned long long) (d / USEC_PER_MINUTE),
                         (unsigned long long) ((d % USEC_PER_MINUTE) / USEC_PER_SEC_));
        else if (d >= USEC_PER_SEC_)
                snprintf(buf, size, "%llus ago", (unsigned long long) (d / USEC_PER_SEC_));
        else if (d >= USEC_PER_MSEC_)
                snprintf(buf, size, "%llums ago", (unsigned long long) (d / USEC_PER_MSEC_));
        else if (d > 0)
                snprintf(buf, size, "%lluus ago", (unsigned long long) d);
        else
                snprintf(buf, size, "now");
        return buf;
}

static uint64_t now_usec(clockid_t clock)
{
        struct timespec ts;
        clock_gettime(clock, &ts);
        return timespec_usec(ts);
}

char *ctl_format_left(char *buf, size_t size, uint64_t d)
{
        ctl_format_relative(buf, size, d);
        size_t n = strlen(buf);
        if (n >= 4 && strcmp(buf + n - 4, " ago") == 0)
                snprintf(buf + n - 4, size - (n - 4), " left");
        return buf;
}

uint64_t ctl_monotonic_to_realtime(uint64_t mono_usec)
{
        uint64_t mono = now_usec(CLOCK_MONOTONIC), real = now_usec(CLOCK_REALTIME);
        if (mono_usec > mono)
                return real + (mono_usec - mono); /* in the future: a timer's next elapse */
        uint64_t age = mono - mono_usec;
        return real > age ? real - age : 0;
}

char *ctl_tree_prefix(char *buf, size_t size, unsigned level, uint64_t branches, bool last)
{
        size_t n = 0;

        buf[0] = 0;
        for (int i = (int) level - 1; i >= 0 && n < size; i--)
                n += (size_t) snprintf(buf + n, size - n, "%s", (branches & (1ULL << i)) ? "│ " : "  ");
        if (n < size)
                snprintf(buf + n, size - n, "%s", last ? "└─" : "├─");
        return buf;
}

void ctl_json_string(FILE *f, const char *s)
{
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                switch (*p) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                case '\r':
                        fputs("\\r", f);
                        break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fputc(*p, f);
                }
        }
        fputc('"', f);
}

void ctl_json_units(FILE *f, const struct control_reply *reply, bool pretty)
{
        fputc('[', f);
        for (size_t i = 0; i < reply->n_units; i++) {
                const struct control_unit *u = &reply->units[i];
                fputs(i ? (pretty ? ",\n\t{" : ",{") : (pretty ? "\n\t{" : "{"), f);
                for (size_t k = 0; u->keys && u->keys[k]; k++) {
                        fputs(k ? (pretty ? ",\n\t\t" : ",") : (pretty ? "\n\t\t" : ""), f);
                        ctl_json_string(f, u->keys[k]);
                        fputs(pretty ? " : " : ":", f);
                        ctl_json_string(f, u->values[k]);
                }
                fputs(pretty && u->keys && u->keys[0] ? "\n\t}" : "}", f);
        }
        fputs(pretty && reply->n_units ? "\n]\n" : "]\n", f);
}

bool ctl_shell_special(char c)
{
        return c && strchr(" \t\n\"\\`$*?['()<>|&;!", c);
}

void ctl_print_word(FILE *f, const char *s, size_t len)
{
        bool quote = len == 0;
        for (size_t i = 0; i < len && !quote; i++)
                quote = (unsigned char) s[i] < ' ' || ctl_shell_special(s[i]);
        if (!quote) {
                fwrite(s, 1, len, f);
                return;
        }
        fputc('"', f);
        for (size_t i = 0; i < len; i++) {
                if (strchr("\"\\`$", s[i]))
                        fputc('\\', f);
                fputc(s[i], f);
        }
        fputc('"', f);
}
