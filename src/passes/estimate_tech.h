/* estimate_tech.h — what each technique buys at model scale (issue: the
 * cheapest circuit for the same answer; docs/techniques.md).
 *
 * One training upload needs enough kept solver outputs for the read-out.
 * A combination of techniques is costed from the counted solver circuit
 * (estimate.h; its table look-ups by unary iteration or select-swap,
 * carleman_be.h) and three formulas:
 *   success   P = P(solve)·P(read): the solve's post-selection bound and
 *             the read-out's estimate (estimate.h);
 *   amplify   none: 1/P calls of the solver A per kept output;
 *             fixed_point (Yoder–Low–Chuang 2014; amplify.h): L calls of A
 *             per amplified run, L the least odd ≥ acosh(1/δ)/atanh(√P),
 *             success ≥ 1 − δ² for every true probability ≥ P (P only
 *             has to be a lower bound), δ = TECH_FP_DELTA, plus (L − 1)/2
 *             pairs of reflections (2|g| − 4 and 2|A| − 4 CCZ each, g the
 *             post-selected qubits, A's qubits);
 *             exact: 2k + 1 calls, k = ⌈π/(4 asin √P) − 1/2⌉ — exact only
 *             when P is, which at model scale it is not (reported so);
 *   readout   shadows: m²r³/ε² kept outputs (the paper's bound);
 *             l2_sampling: ⌈K⌉ + ⌈N'⌉ kept outputs, about 9.8·r/ε²
 *             (docs/readout.md, "The ℓ2 bound of sampling"; Kerenidis–
 *             Prakash in samples_kp); amplitude_estimation: the calls of
 *             readout_model_count, which already include 1/√P (amplitude
 *             estimation on the un-post-selected A; amplification adds
 *             nothing to it).
 * calls per upload = kept outputs × calls per kept output, whole training
 * CCZ = calls × CCZ per call × uploads. The error measure of the
 * read-out is the ℓ2 distance of the normalised r-sparse state of u(T)
 * (ε·‖u(T)‖ in u), the paper's (supplement II.D) up to its 1-norm, or,
 * asked for, the ℓ∞ distance (each entry within ε·‖u(T)‖). */
#ifndef QGDC_ESTIMATE_TECH_H
#define QGDC_ESTIMATE_TECH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "ir/problem.h"
#include "passes/estimate.h"

#define TECH_FP_DELTA 0.3 /* fixed-point tolerance: success ≥ 1 − δ² = 0.91 per amplified run */
#define TECH_MAX_STEPS 8

typedef struct TechCost {
    const char *label;
    AmplifyMode amplify;
    DataLoading loading;
    ReadoutMode readout;
    SolverKind solver;       /* phase estimation or QSVT */
    mpz_t walk_steps;        /* walks per call of A */
    bool feasible;           /* within max_logical_qubits */
    mpz_t ccz_call;          /* one call of the solver A */
    mpz_t ccz_aa_extra;      /* reflections per amplified run */
    unsigned long qubits;    /* logical qubits (peak, lowering ancillas included) */
    double p_success;        /* P(solve)·P(read) */
    double aa_calls;         /* calls of A per amplified run (1: none) */
    double aa_success;       /* success per amplified run (P without amplification) */
    long double kept;        /* read-out outputs per upload (AE: 0) */
    const char *readout_bound;
    unsigned ae_clock;       /* amplitude estimation's clock bits */
    mpz_t calls;             /* calls of A per upload */
    mpz_t total_ccz;         /* whole training */
    double seconds[EST_MAX_MODELS]; /* surface-code runtime of the whole training, per qubit model */
    unsigned long phys_qubits[EST_MAX_MODELS];
    bool phys_ok[EST_MAX_MODELS];
} TechCost;

typedef struct TechReport {
    int nsteps;
    TechCost step[TECH_MAX_STEPS]; /* the waterfall: paper, each technique added, then best */
    TechCost best;                 /* the cheapest feasible combination */
    TechCost chosen;               /* what the problem's options ask for (best unless set) */
    long long max_qubits;          /* 0: no limit */
    bool linf;                     /* read-out error: ℓ∞ (else ℓ2) of the normalised u(T) */
    bool have_qroam;
    bool have_qsvt;
} TechReport;

/* Costs the combinations on e_unary (and e_qroam, NULL when select-swap is
 * not available) for the problem m (its options, r, ε, uploads); with the
 * QSVT solver's estimates s_unary and s_qroam (NULL: not built) the solver
 * is one more choice and one more step of the waterfall. */
bool tech_report(const ModelProblem *m, const Estimate *e_unary, const Estimate *e_qroam, const Estimate *s_unary,
                 const Estimate *s_qroam, bool linf, TechReport *out, char **err);
void tech_report_free(TechReport *t);

#endif
