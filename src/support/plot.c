/* plot.c — see plot.h. Layout: a 720 x 450 canvas, plot area inset for
 * axis labels; ticks at 1-2-5 steps (linear) or decades (log). */
#include "support/plot.h"
#include "support/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 720, H = 450, ML = 80, MR = 170, MT = 40, MB = 60 };

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

typedef struct Axis {
    double lo, hi; /* in data units (log10 units for a log axis) */
    bool log;
} Axis;

static bool usable(double v, bool log) { return isfinite(v) && (!log || v > 0); }

static bool in_range(const Plot *p, double y)
{
    return !(p->ymax > p->ymin) || (y >= p->ymin && y <= p->ymax);
}
static double tr(double v, bool log) { return log ? log10(v) : v; }

static void axis_fit(Axis *a)
{
    if (!(a->hi > a->lo)) { /* empty or flat: open it up */
        double c = isfinite(a->lo) ? a->lo : 0;
        a->lo = c - (a->log ? 0.5 : (fabs(c) > 0 ? fabs(c) * 0.1 : 1));
        a->hi = c + (a->log ? 0.5 : (fabs(c) > 0 ? fabs(c) * 0.1 : 1));
        return;
    }
    if (a->log) {
        a->lo = floor(a->lo);
        a->hi = ceil(a->hi);
    } else {
        double pad = 0.04 * (a->hi - a->lo);
        a->lo -= pad;
        a->hi += pad;
    }
}

static double px(const Axis *a, double v) { return ML + (tr(v, a->log) - a->lo) / (a->hi - a->lo) * (W - ML - MR); }
static double py(const Axis *a, double v) { return H - MB - (tr(v, a->log) - a->lo) / (a->hi - a->lo) * (H - MT - MB); }

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

static double nice_step(double range, int target)
{
    double raw = range / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

static void tick_label(double v, bool log, char *buf, size_t len)
{
    if (log) {
        int e = (int)lround(v);
        if (e >= -2 && e <= 3)
            snprintf(buf, len, "%g", pow(10, e));
        else
            snprintf(buf, len, "1e%d", e);
    } else {
        snprintf(buf, len, "%.4g", fabs(v) < 1e-12 ? 0.0 : v);
    }
}

/* Draws ticks and grid for one axis (horizontal when x). */
static void draw_axis(FILE *f, const Axis *a, bool x)
{
    char buf[32];
    double step = a->log ? fmax(1, round((a->hi - a->lo) / 8)) : nice_step(a->hi - a->lo, 6);
    for (double t = ceil(a->lo / step - 1e-9) * step; t <= a->hi + 1e-9 * step; t += step) {
        double pos = x ? ML + (t - a->lo) / (a->hi - a->lo) * (W - ML - MR)
                       : H - MB - (t - a->lo) / (a->hi - a->lo) * (H - MT - MB);
        tick_label(t, a->log, buf, sizeof buf);
        if (x) {
            fprintf(f, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#e5e5e5'/>\n", pos, MT, pos, H - MB);
            fprintf(f, "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>\n", pos, H - MB + 18, buf);
        } else {
            fprintf(f, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#e5e5e5'/>\n", ML, pos, W - MR, pos);
            fprintf(f, "<text x='%d' y='%.1f' text-anchor='end'>%s</text>\n", ML - 6, pos + 4, buf);
        }
    }
}

static void frame(FILE *f, const char *title, const char *xlabel, const char *ylabel)
{
    fprintf(f, "<?xml version='1.0' encoding='UTF-8'?>\n"
               "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' "
               "font-family='sans-serif' font-size='12'>\n<rect width='100%%' height='100%%' fill='white'/>\n",
            W, H, W, H);
    fprintf(f, "<text x='%d' y='24' text-anchor='middle' font-size='15'>", (W - MR + ML) / 2);
    esc(f, title);
    fprintf(f, "</text>\n<text x='%d' y='%d' text-anchor='middle'>", (W - MR + ML) / 2, H - 18);
    esc(f, xlabel);
    fprintf(f, "</text>\n<text transform='translate(18,%d) rotate(-90)' text-anchor='middle'>", (H - MB + MT) / 2);
    esc(f, ylabel);
    fputs("</text>\n", f);
}

bool plot_lines_svg(const char *path, const Plot *p)
{
    Axis ax = {INFINITY, -INFINITY, p->logx}, ay = {INFINITY, -INFINITY, p->logy};
    for (int s = 0; s < p->nseries; s++)
        for (size_t i = 0; i < p->series[s].n; i++) {
            double x = p->series[s].x[i], y = p->series[s].y[i];
            if (!usable(x, ax.log) || !usable(y, ay.log) || !in_range(p, y))
                continue;
            ax.lo = fmin(ax.lo, tr(x, ax.log));
            ax.hi = fmax(ax.hi, tr(x, ax.log));
            ay.lo = fmin(ay.lo, tr(y, ay.log));
            ay.hi = fmax(ay.hi, tr(y, ay.log));
        }
    if (isfinite(p->hline) && usable(p->hline, ay.log)) {
        ay.lo = fmin(ay.lo, tr(p->hline, ay.log));
        ay.hi = fmax(ay.hi, tr(p->hline, ay.log));
    }
    axis_fit(&ax);
    axis_fit(&ay);
    OutFile o;
    if (!out_open(&o, path))
        return false;
    FILE *f = o.fp;
    frame(f, p->title, p->xlabel, p->ylabel);
    draw_axis(f, &ax, true);
    draw_axis(f, &ay, false);
    fprintf(f, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#333'/>\n", ML, MT, W - ML - MR, H - MT - MB);
    if (isfinite(p->hline) && usable(p->hline, ay.log)) {
        double y = py(&ay, p->hline);
        fprintf(f, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#555' stroke-dasharray='6,4'/>\n", ML, y, W - MR, y);
        if (p->hline_label) {
            fprintf(f, "<text x='%d' y='%.1f' fill='#555'>", W - MR - 4 - 7 * (int)strlen(p->hline_label), y - 4);
            esc(f, p->hline_label);
            fputs("</text>\n", f);
        }
    }
    for (int s = 0; s < p->nseries; s++) {
        const PlotSeries *se = &p->series[s];
        const char *col = palette[s % 10];
        if (se->points) {
            for (size_t i = 0; i < se->n; i++)
                if (usable(se->x[i], ax.log) && usable(se->y[i], ay.log) && in_range(p, se->y[i]))
                    fprintf(f, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>\n", px(&ax, se->x[i]), py(&ay, se->y[i]), col);
        } else {
            bool open = false;
            for (size_t i = 0; i < se->n; i++) {
                if (!usable(se->x[i], ax.log) || !usable(se->y[i], ay.log) || !in_range(p, se->y[i])) {
                    if (open)
                        fprintf(f, "' fill='none' stroke='%s' stroke-width='1.8'/>\n", col);
                    open = false;
                    continue;
                }
                fprintf(f, open ? " %.1f,%.1f" : "<polyline points='%.1f,%.1f", px(&ax, se->x[i]), py(&ay, se->y[i]));
                open = true;
            }
            if (open)
                fprintf(f, "' fill='none' stroke='%s' stroke-width='1.8'/>\n", col);
        }
        int ly = MT + 14 + 18 * s;
        fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' stroke-width='3'/>\n", W - MR + 12, ly - 4,
                W - MR + 32, ly - 4, col);
        fprintf(f, "<text x='%d' y='%d'>", W - MR + 38, ly);
        esc(f, se->label);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
    return out_commit(&o);
}

bool plot_histogram_svg(const char *path, const char *title, const char *xlabel, const double *values, size_t n,
                        int nbins, double lo, double hi, bool logy)
{
    if (nbins < 1)
        nbins = 1;
    if (!(hi > lo)) {
        lo = INFINITY;
        hi = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (isfinite(values[i])) {
                lo = fmin(lo, values[i]);
                hi = fmax(hi, values[i]);
            }
        if (!(hi > lo)) {
            double c = isfinite(lo) ? lo : 0;
            lo = c - 0.5;
            hi = c + 0.5;
        }
    }
    double *count = xcalloc((size_t)nbins, sizeof *count);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]) || values[i] < lo || values[i] > hi)
            continue;
        int b = (int)((values[i] - lo) / (hi - lo) * nbins);
        count[b >= nbins ? nbins - 1 : b] += 1;
    }
    double cmax = 0;
    for (int b = 0; b < nbins; b++)
        cmax = fmax(cmax, count[b]);
    Axis ax = {lo, hi, false}, ay = {logy ? -0.1 : 0, logy ? log10(fmax(cmax, 1)) + 0.1 : fmax(cmax, 1) * 1.05, logy};
    if (logy)
        ay.hi = ceil(ay.hi), ay.lo = 0;
    OutFile o;
    if (!out_open(&o, path)) {
        free(count);
        return false;
    }
    FILE *f = o.fp;
    frame(f, title, xlabel, logy ? "count (log scale)" : "count");
    draw_axis(f, &ax, true);
    draw_axis(f, &ay, false);
    for (int b = 0; b < nbins; b++) {
        if (count[b] <= 0)
            continue;
        double x0 = px(&ax, lo + (hi - lo) * b / nbins), x1 = px(&ax, lo + (hi - lo) * (b + 1) / nbins);
        double y1 = py(&ay, count[b]), y0 = H - MB;
        fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s' stroke='white' stroke-width='0.5'/>\n",
                x0, y1, fmax(x1 - x0, 0.5), fmax(y0 - y1, 0.5), palette[0]);
    }
    fprintf(f, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#333'/>\n", ML, MT, W - ML - MR, H - MT - MB);
    fputs("</svg>\n", f);
    free(count);
    return out_commit(&o);
}
