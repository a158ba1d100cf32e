/* `weftctl analyze plot`: the boot as an SVG timeline, in the manner of
 * systemd-analyze plot. One row per started unit, ordered by the moment it
 * started activating; a red bar while activating, a pale one while active,
 * a time axis with a grid, and a line where the target was reached.
 *
 * Rows are 16 px high, 12 past 200 units and 11 past 500, so 1,000 units
 * make a tall but readable picture (about 11,000 px); the time axis is
 * 1,600 px wide whatever the boot's length (1,100 past 500 units). Every bar carries its unit and its span in µs
 * since manager start (data-unit, data-from-us, data-to-us), so a test can
 * check the picture against the boot record without reading pixels. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "ctl/analyze.h"

#define PLOT_LEFT       20.0
#define PLOT_TOP        64.0
#define PLOT_BOTTOM     40.0
#define PLOT_LABEL_ROOM 300.0 /* right of the axis, for the last units' labels */

struct plot {
        const struct analyze *a;
        FILE *out;
        double px_per_us;
        double axis_width;
        double row_h;
        double width, height;
};

static void plot_escaped(FILE *out, const char *s)
{
        for (; *s; s++)
                switch (*s) {
                case '&':
                        fputs("&amp;", out);
                        break;
                case '<':
                        fputs("&lt;", out);
                        break;
                case '>':
                        fputs("&gt;", out);
                        break;
                case '"':
                        fputs("&quot;", out);
                        break;
                default:
                        fputc(*s, out);
                }
}

static double plot_x(const struct plot *p, uint64_t t)
{
        return PLOT_LEFT + (double) t * p->px_per_us;
}

static int plot_row_compare(const void *x, const void *y)
{
        const struct analyze_unit *a = *(const struct analyze_unit *const *) x;
        const struct analyze_unit *b = *(const struct analyze_unit *const *) y;

        if (a->start != b->start)
                return a->start < b->start ? -1 : 1;
        if (a->done != b->done)
                return a->done < b->done ? -1 : 1;
        return strcmp(a->rec->id, b->rec->id);
}

/* A grid step of 1, 2 or 5 times a power of ten, for 8 to 20 lines. */
static uint64_t plot_grid_step(uint64_t total)
{
        uint64_t step = 1;

        for (;;) {
                static const unsigned mult[] = { 1, 2, 5 };
                for (size_t i = 0; i < ELEMENTSOF(mult); i++)
                        if (total / (step * mult[i]) <= 20)
                                return step * mult[i];
                step *= 10;
        }
}

static void plot_axis(const struct plot *p, uint64_t total)
{
        uint64_t step = plot_grid_step(total);
        double bottom = p->height - PLOT_BOTTOM;

        fputs("<g class=\"axis\">\n", p->out);
        for (uint64_t t = 0; t <= total; t += step) {
                char label[ANALYZE_TIMESPAN_MAX];
                double x = plot_x(p, t);

                analyze_format_timespan(label, sizeof label, t);
                fprintf(p->out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>", x, PLOT_TOP - 6, x,
                        bottom);
                fprintf(p->out, "<text class=\"sec\" x=\"%.2f\" y=\"%.2f\">%s</text>", x, PLOT_TOP - 10, label);
                fprintf(p->out, "<text class=\"sec\" x=\"%.2f\" y=\"%.2f\">%s</text>\n", x, bottom + 14, label);
        }
        fputs("</g>\n", p->out);
}

static void plot_header(const struct plot *p, size_t n_rows)
{
        const struct analyze *a = p->a;
        const char *target = a->record->target && *a->record->target ? a->record->target : "the target";
        char t[ANALYZE_TIMESPAN_MAX];

        fprintf(p->out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
                p->width, p->height, p->width, p->height);
        fprintf(p->out,
                "<style type=\"text/css\"><![CDATA[\n"
                "rect.background { fill: rgb(255,255,255); }\n"
                "rect.stripe { fill: rgb(244,244,244); }\n"
                "rect.activating { fill: rgb(255,0,0); fill-opacity: 0.7; }\n"
                "rect.active { fill: rgb(200,150,150); fill-opacity: 0.5; }\n"
                "rect.generators { fill: rgb(102,204,255); fill-opacity: 0.7; }\n"
                "rect.unitsload { fill: rgb(82,184,255); fill-opacity: 0.7; }\n"
                "line { stroke: rgb(200,200,200); stroke-width: 1; }\n"
                "line.target { stroke: rgb(0,0,200); stroke-width: 2; }\n"
                "text { font-family: Verdana, Helvetica, sans-serif; font-size: %.0fpx; fill: rgb(0,0,0); }\n"
                "text.title { font-size: 16px; }\n"
                "text.sec { font-size: 10px; text-anchor: middle; fill: rgb(80,80,80); }\n"
                "text.right { text-anchor: end; }\n"
                "]]></style>\n",
                p->row_h - 3);
        fprintf(p->out, "<rect class=\"background\" width=\"100%%\" height=\"100%%\"/>\n");
        fprintf(p->out, "<text class=\"title\" x=\"%.0f\" y=\"20\">", PLOT_LEFT);
        plot_escaped(p->out, target);
        if (a->reached)
                fprintf(p->out, " reached after %s; ",
                        analyze_format_timespan(t, sizeof t, a->target_reached));
        else
                fputs(" was not reached; ", p->out);
        fprintf(p->out, "%zu units started (weft boot record)</text>\n", n_rows);
        fprintf(p->out,
                "<rect class=\"activating legend\" x=\"%.0f\" y=\"30\" width=\"14\" height=\"10\"/>"
                "<text x=\"%.0f\" y=\"39\">activating</text>"
                "<rect class=\"active legend\" x=\"%.0f\" y=\"30\" width=\"14\" height=\"10\"/>"
                "<text x=\"%.0f\" y=\"39\">active</text>\n",
                PLOT_LEFT, PLOT_LEFT + 18, PLOT_LEFT + 100, PLOT_LEFT + 118);
}

static void plot_span(const struct plot *p, const char *class, const char *id, double y, uint64_t from, uint64_t to)
{
        /* At least a pixel, so an instant (a target) still shows. */
        double w = (double) (to - from) * p->px_per_us;
        fprintf(p->out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" data-unit=\"", class,
                plot_x(p, from), y, w < 1 ? 1 : w, p->row_h - 2);
        plot_escaped(p->out, id);
        fprintf(p->out, "\" data-from-us=\"%llu\" data-to-us=\"%llu\"/>", (unsigned long long) from,
                (unsigned long long) to);
}

/* The manager's own phases above the units, as systemd-analyze plot
 * draws "Generators" and "Loading unit files": a row each, when the
 * record has them (an older record has neither). */
struct plot_phase {
        const char *class, *label;
        uint64_t from, to; /* since manager start */
};

static size_t plot_phases(const struct analyze *a, struct plot_phase out[2])
{
        const struct boot_record *r = a->record;
        size_t n = 0;
        if (r->generators_start && r->generators_finish >= r->generators_start && r->generators_start >= r->manager_start)
                out[n++] = (struct plot_phase) { "generators", "Generators", r->generators_start - r->manager_start,
                                                 r->generators_finish - r->manager_start };
        if (r->units_load_start && r->units_load_finish >= r->units_load_start && r->units_load_start >= r->manager_start)
                out[n++] = (struct plot_phase) { "unitsload", "Loading unit files", r->units_load_start - r->manager_start,
                                                 r->units_load_finish - r->manager_start };
        return n;
}

static void plot_phase_row(const struct plot *p, const struct plot_phase *ph, size_t row)
{
        double y = PLOT_TOP + (double) row * p->row_h, w = (double) (ph->to - ph->from) * p->px_per_us;
        char t[ANALYZE_TIMESPAN_MAX];

        if (row % 2 == 1)
                fprintf(p->out, "<rect class=\"stripe\" x=\"0\" y=\"%.2f\" width=\"%.0f\" height=\"%.2f\"/>\n", y,
                        p->width, p->row_h);
        fprintf(p->out, "<g><rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" data-phase=\"%s\" "
                        "data-from-us=\"%llu\" data-to-us=\"%llu\"/>",
                ph->class, plot_x(p, ph->from), y + 1, w < 1 ? 1 : w, p->row_h - 2, ph->class,
                (unsigned long long) ph->from, (unsigned long long) ph->to);
        fprintf(p->out, "<text x=\"%.2f\" y=\"%.2f\">%s (%s)</text></g>\n", plot_x(p, ph->to) + 4,
                y + p->row_h - 3, ph->label, analyze_format_timespan(t, sizeof t, ph->to - ph->from));
}

static void plot_row(const struct plot *p, const struct analyze_unit *u, size_t row, uint64_t total)
{
        const struct boot_record *r = p->a->record;
        const char *id = u->rec->id;
        double y = PLOT_TOP + (double) row * p->row_h;
        char t[ANALYZE_TIMESPAN_MAX];

        if (row % 2 == 1)
                fprintf(p->out, "<rect class=\"stripe\" x=\"0\" y=\"%.2f\" width=\"%.0f\" height=\"%.2f\"/>\n", y,
                        p->width, p->row_h);
        fputs("<g>", p->out);
        plot_span(p, "activating", id, y + 1, u->start, u->done);
        if (u->rec->active && u->rec->active >= u->rec->activating) {
                uint64_t from = u->done, to = total;
                if (u->rec->deactivating >= u->rec->active && u->rec->deactivating > r->manager_start)
                        to = u->rec->deactivating - r->manager_start;
                if (to > from)
                        plot_span(p, "active", id, y + 1, from, to);
        }
        /* Labels right of the bar in the left half, left of it in the right. */
        double x_start = plot_x(p, u->start), x_done = plot_x(p, u->done);
        bool left_half = x_start < PLOT_LEFT + p->axis_width / 2;
        fprintf(p->out, "<text%s x=\"%.2f\" y=\"%.2f\">", left_half ? "" : " class=\"right\"",
                left_half ? x_done + 4 : x_start - 4, y + p->row_h - 3);
        plot_escaped(p->out, id);
        if (u->time > 0)
                fprintf(p->out, " (%s)", analyze_format_timespan(t, sizeof t, u->time));
        fputs("</text></g>\n", p->out);
}

int analyze_plot(const struct analyze *a, FILE *out)
{
        const struct analyze_unit **rows = calloc(a->n_units + 1, sizeof *rows);
        struct plot p = { .a = a, .out = out };
        struct plot_phase phases[2];
        size_t n = 0, n_phases = plot_phases(a, phases);
        uint64_t total = a->end > 0 ? a->end : 1;

        if (!rows)
                return log_error_errno(ENOMEM, "plot: out of memory");
        for (size_t i = 0; i < a->n_units; i++)
                if (a->units[i].started)
                        rows[n++] = &a->units[i];
        qsort(rows, n, sizeof *rows, plot_row_compare);

        /* Past 500 units a narrower, denser picture: rsvg-convert's time
         * goes mostly into the PNG's area, and should stay under a second. */
        p.row_h = n > 500 ? 11 : n > 200 ? 12 : 16;
        p.axis_width = n > 500 ? 1100 : 1600;
        p.px_per_us = p.axis_width / (double) total;
        p.width = PLOT_LEFT + p.axis_width + PLOT_LABEL_ROOM;
        p.height = PLOT_TOP + (double) (n + n_phases) * p.row_h + PLOT_BOTTOM;

        plot_header(&p, n);
        plot_axis(&p, total);
        fprintf(out, "<g class=\"rows\" data-px-per-us=\"%.9f\" data-left=\"%.0f\">\n", p.px_per_us, PLOT_LEFT);
        for (size_t i = 0; i < n_phases; i++)
                plot_phase_row(&p, &phases[i], i);
        for (size_t i = 0; i < n; i++)
                plot_row(&p, rows[i], n_phases + i, total);
        fputs("</g>\n", out);
        if (a->reached) {
                double x = plot_x(&p, a->target_reached);
                fprintf(out, "<line class=\"target\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", x,
                        PLOT_TOP - 6, x, p.height - PLOT_BOTTOM);
        }
        fputs("</svg>\n", out);
        free(rows);
        return 0;
}
