/* estimate_sweep.h — a model's estimate over a range of n or T, and the
 * scaling fits set beside the paper's forms (docs/estimate.md).
 *
 * A sweep over n rescales the model (model_rescale_n: per-row sparsities,
 * entry bounds and count fractions kept) at n = A, 10A, 100A, … ≤ B; a
 * sweep over T doubles T from A to B, with κ0 following 2(T+1) unless the
 * file sets it. Each point is estimated from the shape (estimate_build,
 * no explicit build). The fits are least-squares slopes of ln(count)
 * against ln(x) (and, for n, against ln(log2 n)): Theorem 1 (fully
 * dissipative) is O(T·poly(log n, 1/ε)), Theorem 2 (almost dissipative)
 * O(T²·poly(log n, 1/ε)). */
#ifndef QGDC_ESTIMATE_SWEEP_H
#define QGDC_ESTIMATE_SWEEP_H

#include <stdbool.h>

#include "passes/estimate.h"

#define SWEEP_MAX 64

typedef struct SweepPoint {
    double x;
    Estimate e;
} SweepPoint;

typedef struct Sweep {
    char var;         /* 'n' or 'T' */
    SweepPoint *pt;
    int npt;
    bool kappa_tracks; /* T sweeps: κ0 follows 2(T+1) (the file does not set it) */
} Sweep;

/* Scaling fits of a sweep: exponents in the swept variable. */
typedef struct SweepFit {
    double queries, ccz, qubits, runs, ccz_upload; /* exponents in the swept variable */
    double queries_log, qubits_log, ccz_log;       /* n sweeps: exponents k of (log n)^k */
    bool ok;
} SweepFit;

/* Estimates m at each point of var = a..b; progress: a line on stderr per
 * point. False with a message (naming the point) on a refused point; sw is
 * always to be freed. */
bool estimate_sweep(const ModelProblem *m, char var, double a, double b, const EstimateOptions *o, bool progress,
                    Sweep *sw, char **err);
void sweep_free(Sweep *sw);
SweepFit sweep_fit(const Sweep *sw);

#endif
