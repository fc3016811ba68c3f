/* report/run.h — the text and JSON of what compile and run produce: the
 * solver's header (Pauli and structured), run's error budget, segments and
 * NTK predictions. Passes return plain structs; this layer renders them. */
#ifndef QGDC_REPORT_RUN_H
#define QGDC_REPORT_RUN_H

#include <stdio.h>

#include "ir/problem.h"
#include "passes/estimate.h"
#include "passes/ntk_quantum.h"
#include "passes/qrun.h"
#include "support/json.h"

/* The Pauli solver: circuit shape and parameters. */
void report_solver_header(const QRun *r, FILE *fp);
void report_solver_json(const QRun *r, JsonWriter *w);
/* The structured solver (estimate.h's circuit built from the data). */
void report_structured_header(const Estimate *e, FILE *fp);
void report_structured_json(const Estimate *e, JsonWriter *w);
/* run: the error budget stage by stage, post-selections, resources. */
void report_run(const QRun *r, FILE *fp);
void report_run_json(const QRun *r, JsonWriter *w);
/* run --segment: the segments and the final error. */
void report_segments(const GdProblem *p, const QRunSegments *s, FILE *fp);
void report_segments_json(const GdProblem *p, const QRunSegments *s, JsonWriter *w);
/* run on an ntk problem: the predictions against the classical ones. */
void report_ntk(const NtkQRun *r, FILE *fp);
void report_ntk_json(const NtkQRun *r, JsonWriter *w);

#endif
