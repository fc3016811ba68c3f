/* qsolve.h — the quantum linear solver of the pipeline, assembled from its
 * passes: dilate → state_prep → block_encode → qpe → invert → uncompute →
 * readout marks (DESIGN.md, "Pipeline"; Liu et al. 2024, Algorithm 1 and
 * Theorem II.4).
 *
 * Registers, in qubit order:
 *   sys[s]    the system; entry i of the solution is basis state
 *             dilation_solution_index(i) (the dilation qubit sys[s−1] = 1)
 *   idx[m]    the block encoding's index register
 *   clock[p]  phase estimation
 *   anc       the rotation ancilla (kept at 1)
 *   flag      the |ill⟩ flag (kept at 0)
 * Phase estimation runs walk_c, the walk with its control folded in
 * (only SELECT and the reflection are controlled; PREP is not).
 * Main block: prep_b(sys); qpe(clock, sys, idx); invert(clock, anc, flag);
 * inv qpe(clock, sys, idx); post-select anc = 1, flag = 0, idx = 0,
 * clock = 0 and (when dilated) sys[s−1] = 1; with `measure`, measure the
 * solution qubits sys[0..s−2] (sys[0..s−1] undilated) into bits x.
 * With amplify (amplify.h) the steps from prep_b to the uncompute form a
 * definition `solve`, and the main block is solve; ry(phi) amp;
 * pow(k) @ amplify_q; the same post-selections and amp = 1; measure.
 * With hadamard_y (the NTK readout, Zlokapa et al. Lemma III.7) the steps
 * from prep_b to the uncompute form a definition `solve`, and the main
 * block is h(hq); negctrl(hq) @ solve; ctrl(hq) @ prep_y(sys);
 * ctrl(hq) @ x(anc); h(hq); the same post-selections; measure hq. On the
 * kept flags the state is ((a|x⟩ + |y⟩)|0⟩ + (a|x⟩ − |y⟩)|1⟩)/2, a the
 * solver's amplitude, so P(hq = 0) − P(hq = 1) = 2a⟨y|x⟩/(1 + a²) (given
 * the kept branch): its sign is that of ⟨y|x⟩.
 * The kept branch holds x_q ∝ Σ_λ g(λ)·⟨v_λ|b⟩ v_λ, g(λ) the
 * QPE-averaged λ_min/λ̃ — the filtered solution λ_min·x̃ up to the
 * discretisation of the clock.
 *
 * Parameters: λ_min = ‖M‖₂/κ0 (‖M‖₂ from the singular values, LAPACK);
 * clock bits as solver.h chooses them, at most INVERT_MAX_CLOCK.
 *
 * The circuit is assembled by solver.h from the Pauli encoder (this
 * file: the dilation's state preparation and the controlled walk of
 * block_encode.h) and the phase-estimation stages, with the Hadamard test
 * as one more stage. */
#ifndef QGDC_QSOLVE_H
#define QGDC_QSOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/circuit.h"
#include "ir/linear.h"
#include "passes/amplify.h"
#include "passes/block_encode.h"
#include "passes/dilate.h"
#include "passes/invert.h"
#include "passes/qsp.h"
#include "passes/solver.h"
#include "pipeline/dump.h"
#include "passes/state_prep.h"

typedef struct QSolveOptions {
    double kappa0;        /* > 1 */
    unsigned clock_bits;  /* 0: from precision */
    double precision;     /* ε in (0, 1) */
    bool measure;         /* measure the solution register at the end */
    const double *hadamard_y; /* non-NULL: a Hadamard test of sign ⟨y|x⟩ instead
                             (y of the dimension of H; the NTK readout) */
    DumpAfter *dump;      /* --dump-after: dilate, encode, solver */
    const AmplifyPlan *amplify; /* non-NULL: exact amplitude amplification (amplify.h) with this plan;
                             not with hadamard_y */
    bool qsvt;            /* the QSVT solver (solver.h) instead of phase estimation: the filtered
                             inverse of qsp.h at cut λ_min/α, sup-norm error qsvt_eps */
    double qsvt_eps;
    double qsvt_delta;    /* the edge below the band (qsp.h); 0: none, the optimal polynomial */
    double qsvt_cut;      /* where the 1/x band starts (qsp_edge_for), ≥ λ_min; 0: λ_min */
    bool qsvt_counted;    /* the steps declared and counted (solver.h), not built: for checks of the count */
} QSolveOptions;

typedef struct QSolve {
    Circuit c;
    Dilation dil;
    BlockEncoding be;
    double norm_M, sigma_min, kappa_M;
    double kappa0, lambda_min, alpha;
    unsigned p, p_min;
    InvertInfo inv;
    StatePrepInfo prep_info;
    uint32_t sys, idx, clock, anc, flag; /* register offsets */
    unsigned s, m;
    uint32_t def_prep_b, def_walk_c, def_qpe, def_invert;
    bool qsvt;            /* built with the QSVT solver (no clock, anc kept at 0) */
    const QspPoly *poly;  /* its polynomial and phases (qsp.h; cached, not owned; counted: own_poly, no phases) */
    const double *phases;
    QspPoly own_poly;
    QspStats qsp;
    bool hadamard;        /* built with the Hadamard test */
    bool amplified;       /* built with the amplify stage (plan copied below) */
    AmplifyPlan amp_plan;
    uint32_t amp;         /* the amp qubit when amp_plan.rotate */
    uint32_t hq, def_prep_y;
    SolverEncoding enc;   /* the Pauli encoder handed to the assembler */
    SolverOptions sopt;
    Solver solver;        /* the assembled solver: registers, post-selection groups */
} QSolve;

bool qsolve_build(const SpMat *M, const double *rhs, const QSolveOptions *o, QSolve *out, char **err);
void qsolve_free(QSolve *q);
/* The qubits of the solution register (s or s − 1 of them), lowest first. */
unsigned qsolve_solution_qubits(const QSolve *q, int *out);

#endif
