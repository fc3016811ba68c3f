/* report/sweep.h — an estimate sweep as a table with its fits, as JSON,
 * and as an SVG plot beside the paper's forms. */
#ifndef QGDC_REPORT_SWEEP_H
#define QGDC_REPORT_SWEEP_H

#include <stdbool.h>
#include <stdio.h>

#include "passes/estimate_sweep.h"
#include "support/json.h"

void report_sweep(const Sweep *sw, FILE *out);
void report_sweep_json(const Sweep *sw, JsonWriter *w);
/* The measured counts and the theorems' forms anchored at the first point;
 * false (with a message) when the file cannot be written. */
bool report_sweep_plot(const Sweep *sw, const char *name, const char *path);

#endif
