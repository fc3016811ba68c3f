/* report/estimate.h — `qgdc estimate`'s report of one estimate: the
 * model, the circuit's registers and counts, queries, post-selection
 * probabilities, shots, runs, totals and the physical estimates, as a
 * table and as JSON (the estimate from passes/estimate.h). */
#ifndef QGDC_REPORT_ESTIMATE_H
#define QGDC_REPORT_ESTIMATE_H

#include <stdio.h>

#include "passes/estimate.h"
#include "support/json.h"

void estimate_print(const Estimate *e, FILE *out);
void estimate_json(const Estimate *e, JsonWriter *w);

#endif
