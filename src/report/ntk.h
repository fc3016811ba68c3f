/* report/ntk.h — `qgdc analyze` on ntk problems: the kernel's
 * approximation report as a table, JSON and SVG plots (analysis from
 * passes/ntk_analyze.h). */
#ifndef QGDC_REPORT_NTK_H
#define QGDC_REPORT_NTK_H

#include <stdbool.h>
#include <stdio.h>

#include "passes/ntk_analyze.h"
#include "support/json.h"

void ntk_report_print(const NtkReport *r, FILE *out);
void ntk_report_json(const NtkReport *r, JsonWriter *w);

/* --plot DIR: NAME_ntk_offdiag.svg (histogram of log10 |K_ij|/K(1), the
 * paper's Fig. 2a as a distribution) and NAME_ntk_spectrum.svg (the
 * eigenvalues of K and K̃); with several problems also ntk_accuracy.svg
 * and ntk_kappa.svg (κ − 1, log scale) against n (means over problems with
 * the same n).
 * Names each file it writes on `log`. False when a file cannot be written. */
bool ntk_report_plots(const NtkReport *r, const char *dir, FILE *log);
bool ntk_compare_plots(const NtkReport *r, int count, const char *dir, FILE *log);

#endif
