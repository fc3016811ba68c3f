/* estimate.h — the fault-tolerant cost of one training step's linear solve,
 * from the same circuit generator as the small circuits (docs/estimate.md).
 *
 * estimate_build assembles, with the structured encoding of carleman_be.h,
 * the solver circuit
 *     prep_b(sys, d); qpe(clock; walk_c); invert(clock, anc, ill);
 *     inv qpe; post-select (flags, clock, ill = 0; anc, d = 1)
 * and counts it with res_count. From a shape (ModelProblem) the data
 * oracles, the right-hand-side preparation and, beyond 20 clock bits, the
 * inversion multiplexors are opaque definitions carrying their closed-form
 * counts; from a GdProblem (explicit) everything is built and the circuit
 * can be written as OpenQASM and simulated.
 *
 * Parameters: λ_min = 1/κ0 — κ0 is taken relative to the unit diagonal of
 * M (‖M‖₂ ≥ 1), a threshold that never filters more than qsolve's
 * ‖M‖₂/κ0; clock bits p = the user's or p0 + extra with
 * p0 = ⌈log2(2π·α_M/λ_min)⌉, extra = max(0, ⌈log2(0.01/ε)/2⌉) (qsolve.h).
 *
 * With qsvt: prep_b(sys, d); qsvt(sys, d, flags, anc, ill) (solver.h);
 * post-select (flags, ill = 0, anc = 0, d = 1); walk steps = the degree
 * (uncontrolled walks); P_solve times the polynomial's scale squared.
 *
 * What one training step costs (Liu et al. Algorithm 1, readout II.D):
 *   runs per upload = ⌈1/P_solve⌉ · ⌈1/P_read⌉ · shots, with
 *   P_solve ≥ ‖ŷ_in‖²/(κ0²·‖B‖²)  (block 0 of the solution is ŷ_in, and
 *       the filtered inversion multiplies the solution by λ_min = 1/κ0),
 *       ‖B‖² = ‖ŷ_in‖² + T·‖F_0‖², ‖ŷ_in‖² = Σ_j ‖u‖^(2j) — a bound only
 *       when every singular value of M lies well above λ_min (the filter
 *       then keeps all of M⁻¹B); where κ0 cuts into the spectrum the
 *       filter removes part of the solution and P_solve can be 2–3× below
 *       it (tests/unit/test_structured_solve.c simulates both cases);
 *   P_read = P(t ≥ T, level 1) = (P+1)/(T+P+1) · ‖u‖²/Σ_j ‖u‖^(2j), an
 *       estimate that assumes ‖ŷ(t)‖ stays near ‖ŷ_in‖ (dissipative
 *       training neither grows nor collapses it);
 *   shots = ⌈m²·r³/ε²⌉, m = ⌈log2 n⌉ (the paper's tomography bound).
 * Totals multiply the per-run counts by runs and by the uploads. */
#ifndef QGDC_ESTIMATE_H
#define QGDC_ESTIMATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "codegen/resources.h"
#include "ir/circuit.h"
#include "ir/model.h"
#include "ir/problem.h"
#include "passes/carleman_be.h"
#include "passes/invert.h"
#include "passes/solver.h"
#include "pipeline/dump.h"
#include "support/json.h"

#define EST_MAX_CLOCK 62
#define EST_BUILD_INVERT_MAX 20 /* clock bits up to which the inversion is built */
#define EST_MAX_MODELS 6
#define EST_QSVT_BUILD_MAX 20001 /* QSVT degrees up to which the phases are computed and the circuit built */

typedef struct EstimateOptions {
    unsigned bits;        /* oracle angle bits; 0: from ε (⌈log2(π/ε)⌉ + 1, at least 4) */
    unsigned clock_bits;  /* 0: from κ0, α and ε */
    bool explicit_build;  /* from the GdProblem's data */
    const char *models[EST_MAX_MODELS]; /* qubit models for the physical estimate (NULL-terminated; none: default) */
    double budget;        /* physical error budget, 0: 1e-3 */
    bool count_walk;      /* also count one controlled walk alone */
    bool no_physical;     /* skip the surface-code estimates (a caller that makes its own) */
    DumpAfter *dump;      /* --dump-after: encode, solver */
    SbeQromKind qrom;     /* the F_ℓ table look-ups: unary iteration (0) or select-swap (carleman_be.h) */
    unsigned qroam_k;     /* select-swap block size 2^k, or SBE_QROAM_AUTO */
    uint64_t qroam_max_extra; /* with SBE_QROAM_AUTO: extra qubits allowed (0: no limit) */
    bool qsvt;            /* the QSVT solver (solver.h) instead of phase estimation: degree from qsp.h at
                             cut λ_min/α_M and error ε·s/(2κ0); built up to EST_QSVT_BUILD_MAX, counted beyond */
} EstimateOptions;

typedef struct Estimate {
    Circuit c;
    CarlemanBE be;
    ModelProblem shape;   /* the model estimated (a copy of the input, or made from the GdProblem) */
    unsigned p, p0, bits;
    double lambda_min;
    InvertInfo inv;
    /* registers: system (with d), flags, clock, anc + ill */
    uint32_t q_sys, q_flags, q_clock, q_anc;
    SolverEncoding enc;   /* the structured encoder handed to the assembler */
    SolverOptions sopt;
    Solver solver;        /* the assembled solver: registers, post-selection groups */
    ResCounts run;        /* one solver circuit */
    ResCounts walk;       /* one controlled walk */
    bool have_walk;
    mpz_t walk_steps;     /* controlled walks per run: 2·(2^p − 1) */
    mpz_t queries;        /* calls of each F_ℓ oracle per run: 2 per walk step */
    double norm_b2, norm_yin2, p_solve, p_read;
    mpz_t shots, runs, uploads;
    mpz_t total_ccz, total_t, total_rot; /* per training (all uploads) */
    int nphys;
    const char *phys_name[EST_MAX_MODELS];
    ResPhysical phys[EST_MAX_MODELS];
    bool phys_ok[EST_MAX_MODELS];
    char *phys_err[EST_MAX_MODELS];
    double total_seconds[EST_MAX_MODELS]; /* physical runtime × runs × uploads */
    double build_s, count_s;
    EstimateOptions opt;  /* the options it was built with */
    bool qsvt, qsvt_built;  /* QSVT solver; its steps built (else declared, counted) */
    unsigned long qsvt_degree;
    double qsvt_eps, qsvt_a, qsvt_norm; /* polynomial error, cut λ_min/α_M, scale of the kept amplitude */
} Estimate;

/* m: the shape; p: the data when o->explicit_build (p->n == m's n). */
bool estimate_build(const ModelProblem *m, const GdProblem *p, const EstimateOptions *o, Estimate *out, char **err);
void estimate_free(Estimate *e);
/* The estimate with select-swap look-ups (carleman_be.h) beside eu, the
 * unary one, where the options leave the choice to qgdc: within maxq
 * logical qubits (> 0) the fewest CCZ; without a budget the allowance
 * among 2^6 .. 2^20 extra qubits with the least logical qubits × CCZ per
 * call (the space-time volume the surface code pays). False (out not set)
 * when none beats unary iteration or none fits. */
bool estimate_build_qroam(const ModelProblem *mp, const GdProblem *gp, const EstimateOptions *eo, const Estimate *eu,
                          long long maxq, Estimate *out);
/* data_loading = qroam asked for: block size 2^k (k > 0), or the fewest
 * CCZ within mp's max_logical_qubits (eu, the unary estimate, gives the
 * room; it may be NULL when there is no budget or k > 0), the per-table
 * allowance narrowed until the whole circuit fits. False with *err (out
 * to be freed) when it cannot be built or does not fit. */
bool estimate_build_qroam_asked(const ModelProblem *mp, const GdProblem *gp, const EstimateOptions *eo,
                                const Estimate *eu, unsigned k, Estimate *out, char **err);


#endif
