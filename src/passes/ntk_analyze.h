/* ntk_analyze.h — `qgdc analyze` on an ntk problem: is the kernel in the
 * regime where the quantum algorithm works (supplement I.E, II), and what
 * do its approximations cost in accuracy?
 *
 * For the exact NTK K, the sparsified K̃ and the diagonal approximation
 * (all normalised by K(1), so the diagonal is 1): the extreme eigenvalues
 * and κ (LAPACK dsyevd) next to the Gershgorin bound (1 + R)/(1 − R), R the
 * largest off-diagonal row sum, and the paper's bound (1 + 1/n)/(1 − 1/n)
 * (Corollaries I.10, II.6, which assume L ≥ L_conv); ‖K̃⁻¹ − K⁻¹‖/‖K⁻¹‖ in
 * the spectral norm next to the first-order bound of Lemma II.1; and the
 * test accuracy of each predictor sign(k*ᵀ K̃⁻¹ y). The kernel matrix
 * elements are checked against Corollary I.7 (|K_ij/K_11| ≤ 1/n²) and
 * Lemma I.6 (≤ (δ/(δ_ij n))² or (δ/n)²). */
#ifndef QGDC_NTK_ANALYZE_H
#define QGDC_NTK_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ntk.h"
#include "passes/ntk_kernel.h"
#include "support/json.h"

typedef struct NtkApproxReport {
    NtkKernelKind kind;
    bool singular;        /* K̃ has an eigenvalue ~0: no inverse, no predictions */
    double lam_min, lam_max; /* extreme eigenvalues of K̃/K(1) */
    double kappa;         /* max|λ|/min|λ| (+inf when singular) */
    double gersh_radius;  /* R = max_i Σ_{j≠i} |K̃_ij|/K(1) */
    double gersh_kappa;   /* (1 + R)/(1 − R), +inf when R ≥ 1 */
    uint32_t row_nnz_max; /* most nonzeros in a row, the diagonal included */
    double inv_err;       /* ‖K̃⁻¹ − K⁻¹‖₂/‖K⁻¹‖₂ (0 for the exact kernel) */
    double inv_bound;     /* Lemma II.1, first order: κ(K)·‖K̃ − K‖₂/‖K‖₂ */
    uint32_t correct;     /* test examples classified right (f = 0 counts as wrong) */
    uint32_t undetermined; /* test examples with f = 0 exactly: k* underflowed (a very deep network) */
    uint32_t agree;       /* test predictions equal to the exact kernel's */
    double accuracy;      /* correct/m */
    double *f;            /* [m] k*ᵀ K̃⁻¹ y, the trained network's mean output on each test example */
    /* the quantum algorithm's measurement counts (Zlokapa, Fig. 1/4), medians
     * over the test examples: 1/P of the amplitude encoding of k* (Lemma III.4,
     * P = Σ k*_i²/(n·max_i k*_i²), k* rescaled to entries ≤ 1) and 1/⟨ŷ|v̂⟩² for the sign readout (Lemma III.7), v = K̃⁻¹k* */
    double meas_post, meas_sign;
    double *eig;          /* [n] eigenvalues of K̃/K(1), ascending */
} NtkApproxReport;

typedef struct NtkReport {
    const NtkProblem *p;
    uint32_t n, m, d;
    double log10_k11;     /* K(1), as log10 */
    double c;             /* σ̇̂(1): K(1) = (c^(L+1) − 1)/(c − 1) */
    double offdiag_max;   /* max_{i≠j} |K_ij|/K(1) */
    uint32_t offdiag_i, offdiag_j;
    double offdiag_bound; /* 1/n² (Corollary I.7, for L ≥ L_conv) */
    uint64_t lemma16_violations; /* pairs over the Lemma I.6 bound */
    double paper_kappa;   /* (1 + 1/n)/(1 − 1/n) */
    bool deep_enough;     /* L ≥ L_conv: the paper's bounds apply */
    uint32_t sparse_s;    /* the sparse approximation analysed */
    uint32_t sparse_deg;
    uint64_t sparse_seed;
    double sparse_scale;
    bool sparse_default;  /* the problem's kernel is not sparse: defaults used */
    NtkApproxReport approx[3]; /* indexed by NtkKernelKind */
    double *offdiag_log10; /* [noff] log10 |K_ij|/K(1), i < j (for --plot) */
    size_t noff;
} NtkReport;

/* The most layer evaluations of the kernel (pairs × L) an analysis does,
 * about 10 minutes on one core; beyond it ntk_analyze refuses. */
extern double ntk_analyze_max_work;

/* Runs the analysis. False with a message in *err (see diag_refuse) when
 * the problem is beyond the memory budget or LAPACK fails. */
bool ntk_analyze(const NtkProblem *p, NtkReport *r, char **err);
void ntk_report_free(NtkReport *r);

#endif
