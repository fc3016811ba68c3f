/* amplify.h — exact amplitude amplification of the post-selected solver
 * (Brassard, Høyer, Mosca, Tapp 2002, "Quantum amplitude amplification
 * and estimation", Theorem 4 and its exact variant), as one stage of the
 * solver assembler (solver.h).
 *
 * The solve A = prep_b, qpe, invert, uncompute (the definition `solve`,
 * wrap_solve) leaves the good subspace — every post-selection group at its
 * kept value: anc = 1, flag = 0, idx = 0, clock = 0, the solution marker 1
 * — with probability P = sin²θ. With P known, k = ⌈π/(4θ) − 1/2⌉ Grover
 * iterates reach a success probability sin²((2k+1)θ) close to 1; to reach
 * 1 exactly, θ is lowered to θ' = π/(2(2k+1)) ≤ θ with one more qubit, amp,
 * rotated by ry(φ), sin(φ/2) = sin θ'/sin θ, beside the solve, amp = 1
 * joining the good subspace (post-selection group "amp"). Then
 *
 *   main:  solve; ry(φ) amp;  pow(k) @ amplify_q;  the post-selections
 *   amplify_q = S_good; inv @ solve; ry(−φ) amp; S0; solve; ry(φ) amp
 *
 * that is A' then Q^k, Q = A'·S0·A'†·S_good (the Grover iterate up to the
 * global phase (−1)^k), A' = solve ⊗ ry(φ), where
 *   S_good = −1 on the good subspace: gphase(π) controlled on every
 *            post-selected qubit, negatively on those kept at 0;
 *   S0     = −1 on |0…0⟩ of every qubit A' acts on (the solver's and amp):
 *            gphase(π) under negative controls on all of them.
 * After it the good subspace has probability sin²((2k+1)θ') = 1 (to
 * rounding), and its state is the un-amplified kept state: A'|0⟩ =
 * sin θ'|good⟩ + cos θ'|bad⟩ and Q rotates in that plane. The
 * post-selections stay the same groups (plus amp), so solver_post_prob and
 * the read-out work unchanged. Cost: 2k + 1 calls of `solve`, 2k + 1 ry on
 * amp, k S_good and k S0 (multi-controlled phases).
 *
 * Requires: the solve wrapped (wrap_solve), every group's qubits (≤ 64 in
 * S_good and ≤ 64 qubits for S0, the reach of a negative-control mask), P
 * in (0, 1]. With P = 1, k = 0 and no amp qubit. */
#ifndef QGDC_AMPLIFY_H
#define QGDC_AMPLIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/problem.h"
#include "passes/solver.h"

/* AmplifyMode and amplify_mode_names: ir/problem.h (an option of every
 * problem). The mode named; false for another name. */
bool amplify_mode_parse(const char *name, AmplifyMode *out);

typedef struct AmplifyPlan {
    double P;           /* the success probability of one solve */
    double theta;       /* asin(√P) */
    unsigned k;         /* Grover iterates */
    double theta_low;   /* π/(2(2k+1)) */
    bool rotate;        /* the amp qubit (θ' < θ) */
    double angle;       /* its ry angle 2·asin(sin θ'/sin θ) */
    double P_predicted; /* sin²((2k+1)θ'): 1 to rounding */
    uint64_t solves;    /* 2k + 1 */
} AmplifyPlan;

/* The exact plan for success probability P; false with a message when P is
 * not in (0, 1] (nothing to amplify) or k would exceed max_k. */
bool amplify_plan_exact(double P, unsigned max_k, AmplifyPlan *out, char **err);

/* The stage (not coherent: main, between uncompute and postselect); reads
 * the plan from SolverOptions.amplify. */
extern const SolverStage solver_stage_amplify;

#endif
