/* budget.h — the error budget of a gd run, planned before the circuit is
 * built (docs/budget.md; issue: the cheapest circuit for the same answer,
 * item 4).
 *
 * The precision ε bounds max_i |ũ_i(T) − u_i(T)|, the read-out against
 * the true iteration. By the triangle inequality it splits into the
 * stages run measures (qrun.h):
 *   truncation   u_C(T) − u(T)      the Carleman iteration (classical);
 *   filtering    u(x̃) − u_C(T)      the eigenvalue filter (dense, LAPACK);
 *   QPE          u(x_q) − u(x̃)      the clock's discretisation;
 *   shot noise   ũ − u(x_q)         the read-out's 3σ bound.
 * The first two are classical computations, exact before any circuit
 * exists. The third is predicted exactly from the spectrum, without the
 * circuit: for an eigenpair (λ, v) of the dilation H the walk has the
 * eigenphases ±φ, cos φ = λ/α; phase estimation with p clock bits gives
 * clock value j with the Fejér weight
 *     F_p(δ) = sin²(2^p·δ/2) / (2^(2p)·sin²(δ/2)),  δ = φ − 2πj/2^p,
 * the inversion multiplies it by f_j = λ_min/λ̃_j (λ̃_j = α·cos(2πj/2^p),
 * 0 where |λ̃_j| < λ_min: flagged ill), and the inverse phase estimation
 * with clock = 0 post-selected folds the bins back:
 *     g_p(λ) = Σ_j F_p(φ − 2πj/2^p)·f_j,
 * the same for both branches ±φ. The kept amplitude (dilation qubit 1,
 * every group at its kept value) is then
 *     x_q = Σ_{(λ,v)} g_p(λ)·(vᵀb̂)·v_lower,   b̂ = (rhs; 0)/‖rhs‖,
 * and P(solve) = ‖x_q‖² — the circuit's state and success probability to
 * rounding (run compares them with the simulation). The shot noise is
 * predicted from x_q by the read-out's own σ formula (readout.h).
 *
 * The plan: the remainder r = ε − truncation − filtering goes to QPE and
 * shots. For each clock-bit count p ≥ p_min the QPE error q(p) is
 * predicted, the shots N(p) are the fewest whose predicted 3σ is at most
 * r − q(p), and the cost is 2^p·N(p) (walk steps per run times kept runs);
 * the cheapest p wins. When r ≤ 0, or no p meets it, the precision cannot
 * be met: when r ≤ 0 (truncation and filtering alone exceed ε) the plan
 * keeps p_default (the rule of solver.h) and the default shots; when no p
 * up to p_max meets r it takes the most accurate p in range. */
#ifndef QGDC_BUDGET_H
#define QGDC_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passes/readout.h"
#include "passes/invert.h"
#include "passes/reference.h"

/* g_p(λ) above. Exact (every bin) for p ≤ BUDGET_EXACT_BITS; beyond it the
 * bins within BUDGET_WINDOW of φ's and of −φ's, the rest bounded by the
 * kernel's tail (relative error below 1e-4). */
#define BUDGET_EXACT_BITS 16
#define BUDGET_WINDOW 8192
double budget_qpe_gain(double lambda, double alpha, double lambda_min, unsigned p);

/* x_q[dim] and P(solve) for p clock bits (f from ref_filtered_spectrum). */
void budget_qpe_state(const RefFiltered *f, double alpha, double lambda_min, unsigned p, double *xq, double *P);

typedef struct BudgetPlan {
    double precision;
    double trunc, filter;     /* the classical stages, exact */
    double share;             /* r, for QPE and shots together (≤ 0: not attainable) */
    bool attainable;          /* r > 0 */
    unsigned p;               /* clock bits chosen */
    bool p_capped;            /* no p in range meets r: p is the most accurate */
    bool shots_short;         /* the shots given cannot meet r at any p (p: QPE within r/4) */
    double qpe;               /* predicted QPE error at p */
    double P;                 /* predicted P(solve) at p */
    double fid_qpe;           /* predicted |⟨x_q, x̃⟩| */
    uint64_t shots;           /* shots chosen (or the user's) */
    double shot3;             /* predicted 3σ at those shots */
    double total;             /* trunc + filter + qpe + shot3 */
    double *xq;               /* [dim] the predicted kept state at p (budget_qpe_state; owned) */
} BudgetPlan;

/* Plans the budget. u_true, u_carleman, u_filtered: [n] at T; p_min, p_max:
 * the clock bits allowed (p_fixed > 0: that many, predicted only;
 * p_default: the rule's choice, kept when nothing can meet ε); shots_fixed
 * > 0: that many shots, predicted only (else chosen, at most max_shots). */
void budget_plan(const RefFiltered *f, const ReadoutPlan *pl, const double *u_true, const double *u_carleman,
                 const double *u_filtered, size_t n, double precision, double alpha, double lambda_min,
                 unsigned p_min, unsigned p_max, unsigned p_fixed, unsigned p_default, uint64_t shots_fixed,
                 uint64_t max_shots, BudgetPlan *out);

void budget_plan_free(BudgetPlan *b);

/* The read-out's predicted 3σ (readout.h's delta-method σ, max over i) for
 * a state x and N shots. */
double budget_shot3(const ReadoutPlan *pl, const double *x, size_t dim, uint64_t shots);

#endif
