/* amplify.h — amplitude amplification of the post-selected solver, exact
 * or fixed-point (below), as one stage of the solver assembler (solver.h).
 *
 * Exact (Brassard, Høyer, Mosca, Tapp 2002, "Quantum amplitude amplification
 * and estimation", Theorem 4 and its exact variant).
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
 * in (0, 1]. With P = 1, k = 0 and no amp qubit.
 *
 * Fixed-point amplification (Yoder, Low, Chuang 2014, "Fixed-point quantum
 * search with an optimal number of queries", PRL 113, 210501) needs only a
 * lower bound w ≤ P and a tolerance δ in (0, 1): with L = 2l + 1 odd,
 *   γ⁻¹ = T_{1/L}(1/δ) = cosh(acosh(1/δ)/L),
 *   α_j = −β_{l−j+1} = 2·cot⁻¹(tan(2πj/L)·√(1 − γ²)),  j = 1..l,
 * the sequence G(α_l, β_l)···G(α_1, β_1)·A|0⟩ with the generalized iterate
 *   G(α, β) = −A·S0(α)·A†·S_t(β),
 *   S_t(β) = I − (1 − e^{iβ})|good⟩⟨good|: gphase(β) controlled on the good
 *            subspace (the S_good controls above),
 *   S0(α)  = I − (1 − e^{−iα})|0…0⟩⟨0…0|: gphase(−α) under negative
 *            controls on every qubit of the solve,
 * (the global −1 is left out) succeeds with probability
 *   P_L(P) = 1 − δ²·T_L(√(1 − P)/γ)²,
 * which is ≥ 1 − δ² for every P ≥ w once |√(1 − w)/γ| ≤ 1, that is
 *   L ≥ acosh(1/δ)/atanh(√w)      (≤ ln(2/δ)/√w, the paper's bound);
 * the plan takes the least odd such L. The sequence stays in the plane of
 * |good⟩ and A|0⟩, so the good part is the un-amplified kept state times a
 * phase. The built circuit is
 *
 *   main:  solve;  amplify_g1; …; amplify_gl;  the post-selections
 *   amplify_gj = S_t(β_j); inv @ solve; S0(α_j); solve
 *
 * no amp qubit. Cost: L calls of `solve` (l + 1 forward, l inverse), and
 * l of each reflection, one per phase (amplify_fixed_point_calls gives L
 * for the estimator without building anything). A relative flip of the
 * two phase signs, or the phases in the wrong order, would fail: P_L then
 * falls far below 1 (tests/unit/test_amplify_fp.c). */
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
    AmplifyMode mode;   /* AMPLIFY_EXACT or AMPLIFY_FIXED_POINT (the plan functions set it) */
    double P;           /* the success probability of one solve (fixed point: its lower bound w) */
    double theta;       /* asin(√P) */
    unsigned k;         /* Grover iterates */
    double theta_low;   /* π/(2(2k+1)) */
    bool rotate;        /* the amp qubit (θ' < θ) */
    double angle;       /* its ry angle 2·asin(sin θ'/sin θ) */
    double P_predicted; /* sin²((2k+1)θ'): 1 to rounding */
    uint64_t solves;    /* 2k + 1 (fixed point: L = 2l + 1) */
    /* fixed point (mode AMPLIFY_FIXED_POINT; k = l, theta = theta_low =
     * asin(√w), no amp qubit, P_predicted = P_L(w)) */
    double delta;       /* the tolerance: P_L(P) ≥ 1 − δ² for every P ≥ w */
    double gamma;       /* 1/T_{1/L}(1/δ) */
    double P_guaranteed; /* 1 − δ² (exact: P_predicted) */
} AmplifyPlan;

/* The exact plan for success probability P; false with a message when P is
 * not in (0, 1] (nothing to amplify) or k would exceed max_k. */
bool amplify_plan_exact(double P, unsigned max_k, AmplifyPlan *out, char **err);

/* The fixed-point plan for a lower bound w in (0, 1] on the success
 * probability and a tolerance δ in (0, 1): the least odd L = 2l + 1 with
 * L ≥ acosh(1/δ)/atanh(√w) (L = 1, l = 0 when w ≥ 1 − δ²); false with a
 * message on w or δ out of range or l above max_l. */
bool amplify_plan_fixed_point(double w, double delta, unsigned max_l, AmplifyPlan *out, char **err);

/* The phases of a fixed-point plan, j = 1..l (radians in (−π, π]):
 * α_j = 2·cot⁻¹(tan(2πj/L)·√(1 − γ²)) and β_j = −α_{l−j+1}. */
double amplify_fp_alpha(const AmplifyPlan *pl, unsigned j);
double amplify_fp_beta(const AmplifyPlan *pl, unsigned j);

/* The calls of A (the solve, forward and inverse together) fixed-point
 * amplification makes for a bound w and a tolerance δ, without a plan:
 * L = the least odd integer ≥ acosh(1/δ)/atanh(√w), of which (L + 1)/2
 * forward and (L − 1)/2 inverse; the reflections are (L − 1)/2 of each.
 * Exact as an integer below 2^53 (beyond, the ceiling of the bound); NAN
 * for w outside (0, 1] or δ outside (0, 1). Pure (the estimator's). */
double amplify_fixed_point_calls(double w, double delta);

/* The success probability a plan gives a solve whose own is P in [0, 1]:
 * exact, sin²((2k+1)·asin(√P·sin(φ/2))) (φ the amp angle, or no factor);
 * fixed point, 1 − δ²·T_L(√(1 − P)/γ)² with T_L the Chebyshev polynomial
 * (cos(L·acos x) for |x| ≤ 1, cosh(L·acosh x) above). */
double amplify_plan_success(const AmplifyPlan *pl, double P);

/* The stage (not coherent: main, between uncompute and postselect); reads
 * the plan from SolverOptions.amplify: the exact sequence, or the
 * fixed-point one when the plan's mode is AMPLIFY_FIXED_POINT. */
extern const SolverStage solver_stage_amplify;

#endif
