/* plot.h — small SVG charts for reports a person looks at: line charts
 * (linear or logarithmic axes, several series, a legend) and histograms.
 * Files are written atomically (see OutFile). No dependencies. */
#ifndef QGDC_PLOT_H
#define QGDC_PLOT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct PlotSeries {
    const char *label;
    const double *x, *y;
    size_t n;
    bool points; /* markers instead of a line */
} PlotSeries;

typedef struct Plot {
    const char *title, *xlabel, *ylabel;
    bool logx, logy;          /* non-positive values are skipped on a log axis */
    const PlotSeries *series;
    int nseries;
    double hline;             /* a dashed horizontal reference line; NaN for none */
    const char *hline_label;
    double ymin, ymax;        /* y values outside [ymin, ymax] are gaps (0, 0: no clipping) */
} Plot;

/* Writes a line chart; false (errno set) when the file cannot be written. */
bool plot_lines_svg(const char *path, const Plot *p);

/* Writes a histogram of values into nbins equal bins over [lo, hi]
 * (lo == hi: the data's range); logy counts on a log axis. */
bool plot_histogram_svg(const char *path, const char *title, const char *xlabel, const double *values, size_t n,
                        int nbins, double lo, double hi, bool logy);

#endif
