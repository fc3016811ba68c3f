/* report/analyze.h — `qgdc analyze` on gd problems: the truncation study,
 * the spectrum and the unrolled system as a table, JSON and SVG plots
 * (analysis from passes/analyze.h). */
#ifndef QGDC_REPORT_ANALYZE_H
#define QGDC_REPORT_ANALYZE_H

#include <stdbool.h>
#include <stdio.h>

#include "passes/analyze.h"
#include "support/json.h"

/* Output: a table for people, JSON for scripts, SVG plots into dir. */
void analysis_print(const Analysis *a, FILE *out);
void analysis_json(const Analysis *a, JsonWriter *w);
bool analysis_plots(const Analysis *a, const char *dir, FILE *log);
/* One chart of the order-N error of several problems side by side. */
bool analysis_compare_plot(const Analysis *a, int count, const char *dir, FILE *log);

#endif
