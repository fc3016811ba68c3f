/* report/estimate.h — `qgdc estimate`'s report of one estimate: the
 * model, the circuit's registers and counts, queries, post-selection
 * probabilities, shots, runs, totals and the physical estimates, as a
 * table and as JSON (the estimate from passes/estimate.h). */
#ifndef QGDC_REPORT_ESTIMATE_H
#define QGDC_REPORT_ESTIMATE_H

#include <stdio.h>

#include "passes/estimate.h"
#include "passes/estimate_tech.h"
#include "support/json.h"

/* The paper's algorithm (algorithm = paper with nothing else set). */
void estimate_print(const Estimate *e, FILE *out);
void estimate_json(const Estimate *e, JsonWriter *w);
/* The techniques chosen (tr->chosen), e the estimate of its table
 * look-ups; the JSON adds a "techniques" object. */
void estimate_print_tech(const Estimate *e, const TechReport *tr, FILE *out);
void estimate_json_tech(const Estimate *e, const TechReport *tr, JsonWriter *w);
/* --compare: the waterfall (paper, each technique added, best). */
void estimate_compare_print(const Estimate *e, const TechReport *tr, FILE *out);
void estimate_compare_json(const Estimate *e, const TechReport *tr, JsonWriter *w);
bool estimate_compare_plot(const Estimate *e, const TechReport *tr, const char *path);

#endif
