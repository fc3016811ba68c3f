/* ntk_quantum.h — the quantum side of an NTK problem (Zlokapa, Neven,
 * Lloyd, Algorithm 1): for each test point x*, solve K̃|v⟩ ∝ |k*⟩ with the
 * same passes as gradient descent (qsolve.h: state_prep, block_encode, qpe,
 * invert, uncompute — K̃ is symmetric, so no dilation) and read the sign of
 * ⟨y|v⟩ with a Hadamard test (Lemma III.7); the prediction is that sign.
 *
 * Checked against the classical sparse-NTK predictor sign(yᵀK̃⁻¹k*)
 * (LAPACK dgesv on the same K̃) and, beside it, the exact-NTK one. Per
 * test point it reports: the circuit's outcome difference P(0) − P(1)
 * against the value 2a⟨ŷ|x̂⟩/(1 + a²) predicted from the classical
 * filtered solution (a² the solver's kept probability, read from the
 * circuit's own post-selection), the measurements the paper counts — 1/P
 * of the amplitude encoding of k* (Lemma III.4, P = Σ k*_i²/(n·max k*_i²) with k* rescaled to entries ≤ 1; qgdc's
 * exact RY-tree preparation needs no post-selection) and the shots to
 * resolve the sign at 3σ, 9/(P(0) − P(1))², times the 1/P(kept) repetitions
 * of the solver — and the prediction from `shots` sampled outcomes.
 *
 * κ0 defaults to NTK_KAPPA0 (the sparsified NTK is well conditioned,
 * supplement II.B; a K̃ with κ above κ0 is filtered and said so). */
#ifndef QGDC_NTK_QUANTUM_H
#define QGDC_NTK_QUANTUM_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/resources.h"
#include "ir/ntk.h"
#include "passes/qsolve.h"

#define NTK_KAPPA0 10.0

typedef struct NtkQOptions {
    double kappa0;       /* 0: the problem's option, else NTK_KAPPA0 */
    unsigned clock_bits; /* 0: the problem's option, else from precision */
    double precision;    /* 0: the problem's option */
    uint64_t shots;      /* 0: the problem's option */
    unsigned long seed;
    bool seed_set;
    uint32_t max_tests;  /* test points to run (0: all) */
    unsigned max_qubits; /* 0: QRUN_MAX_QUBITS */
    bool simulate;       /* false: build the circuit of test point `test` only */
    uint32_t test;       /* the test point compiled when !simulate */
    DumpAfter *dump;     /* --dump-after: qsolve's passes */
} NtkQOptions;

typedef struct NtkQTest {
    int pred_exact, pred_sparse; /* classical: exact-NTK and K̃ predictors (±1) */
    int pred_quantum;            /* sign of the circuit's P(0) − P(1) */
    int pred_shots;              /* sign of the sampled difference */
    int label;                   /* true label of the test point */
    double diff, diff_predicted; /* P(0) − P(1): simulated, and from the classical x̃ */
    double overlap;              /* ⟨ŷ|x̂⟩ of the classical filtered solution */
    double p_kept;               /* the solver's kept probability a² */
    double P_amp;                /* Lemma III.4: Σ k*_i²/(n·max k*_i²) */
    double sign_shots;           /* 9/diff²: shots to resolve the sign at 3σ */
    uint64_t count0, count1;     /* sampled outcomes */
} NtkQTest;

typedef struct NtkQRun {
    const NtkProblem *p;
    uint32_t n, ntests;
    double kappa0, precision;
    uint64_t shots;
    double kappa_Kt;            /* κ(K̃) */
    NtkQTest *test;             /* [ntests] */
    uint32_t agree_sparse, agree_exact, agree_shots, correct;
    QSolve qs;                  /* the last circuit built */
    ResCounts res;              /* its counts */
    int qubits;
    double seconds;
} NtkQRun;

bool ntk_qrun(const NtkProblem *p, const NtkQOptions *o, NtkQRun *out, char **err);
void ntk_qrun_free(NtkQRun *r);

#endif
