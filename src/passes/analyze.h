/* analyze.h — the dissipation and truncation analysis behind `qgdc
 * analyze` (Liu et al. 2024, supplement II.A–II.B, III.C).
 *
 * Requires: a verified GdProblem. Computes, for the problem's Carleman
 * form and order N (or those given):
 *   - the true iteration u(t) and the Carleman iteration u_C(t) for every
 *     order 1..N_max, with max_i |u_C(t) − u(t)| per t;
 *   - the eigenvalues μ = 1 + a of the N-th order Carleman matrix C (dense
 *     LAPACK dgeev for Δ ≤ analyze_eig_dense_max; beyond that, when C is
 *     block triangular, from the eigenvalues of F_1), the counts Δ+ (|μ| < 1) and
 *     Δ− = Δ − Δ+, the fidelity estimate Δ+/Δ of eq. II.93 and the error
 *     proxy of eq. 7 over these eigenvalues;
 *   - for the unrolled system M (when 2·dim ≤ REF_DENSE_MAX): ‖M‖₂, κ(M)
 *     against the bound 2(T+1), and the filtered solution's fidelity for κ0;
 *   - a verdict.
 * Everything too large for the dense methods is skipped with the reason
 * recorded (never a silent omission). */
#ifndef QGDC_ANALYZE_H
#define QGDC_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gmp.h>

#include "ir/problem.h"
#include "support/json.h"

/* Largest Δ for the dense eigenvalue method (tests lower it to exercise
 * the structured method). */
extern size_t analyze_eig_dense_max;

typedef struct AnalyzeOptions {
    int N;              /* 0: the problem's carleman_order */
    int N_max;          /* truncation study over 1..N_max; 0: N */
    int form;           /* -1: the problem's form; else a CarlemanForm */
    double kappa0;      /* 0: the problem's, else 2(T+1) */
    double cut;         /* proxy: drop |a| < cut (default 0) */
    bool skip_unrolled; /* leave out the unrolled system's dense solve (a caller that solves it itself) */
} AnalyzeOptions;

typedef enum Verdict { VERDICT_UNKNOWN, VERDICT_FULLY, VERDICT_ALMOST, VERDICT_NOT } Verdict;

typedef struct TruncStudy {
    int N;
    bool ok;
    char *why;          /* when !ok */
    double *u;          /* [(T+1)·n] Carleman trajectory */
    double *err;        /* [T+1] max_i |u_C(t) − u(t)| */
    double max_err;
} TruncStudy;

typedef struct Analysis {
    const GdProblem *p;
    int N;
    CarlemanForm form;
    mpz_t delta;
    size_t nnz_C;
    bool built;          /* C of order N was built */
    char *why_not_built;
    double *u_true;      /* [(T+1)·n] */
    long long true_diverges_at; /* first t with a non-finite or |u| > 1e100 value, or −1 */
    TruncStudy *trunc;   /* [N_max] */
    int N_max;
    /* spectrum of C */
    bool eig_ok;
    char *why_no_eig;
    size_t neig;
    const char *eig_method; /* static text */
    double *eig_re, *eig_im;
    size_t n_plus, n_minus, n_unit; /* |μ| < 1, Δ − Δ+, |μ| = 1 (within 1e-12) */
    double fidelity_estimate;
    double *proxy;       /* [T+1], NULL when no mode survives the cut */
    int proxy_exceeds_at; /* first t with proxy > 1, or −1 */
    /* unrolled system */
    bool unrolled_ok;
    char *why_no_unrolled;
    size_t dim;
    double norm_M, kappa_M, kappa_bound, kappa0, filtered_fidelity;
    size_t kept, total_eigs;
    double cut;
    Verdict verdict;
} Analysis;

bool analyze_problem(const GdProblem *p, const AnalyzeOptions *o, Analysis *out, char **err);
void analysis_free(Analysis *a);
const char *verdict_text(Verdict v);

#endif
