/* carleman.h — pass_carleman: problem IR → truncated Carleman matrix.
 *
 * Requires: a GdProblem that passed gd_verify; 1 ≤ N ≤ QGD_MAX_DEGREE.
 * Guarantees: C (Δ × Δ, CSR, sp_verify-clean) and c (Δ) such that the
 * lifted vector ŷ = (u, u^⊗2, …, u^⊗N) (levels in natural Kronecker order,
 * see linear.h) evolves as ŷ(t+1) ≈ C ŷ(t) + c:
 *   form paper:  C = I + A, A block (j, j+ℓ−1) = Σ_pos I⊗…⊗F_ℓ⊗…⊗I
 *                (j factors, F_ℓ at one position, ℓ = 0..q); the ℓ = 0,
 *                j = 1 block (F_0) is c. The continuous-time Carleman matrix
 *                of the paper's eq. (5) with an Euler step: drops the
 *                η²F² terms of the discrete map.
 *   form exact:  block (j ← k) = Σ_{ℓ1+…+ℓj = k} G_ℓ1⊗…⊗G_ℓj with
 *                G_0 = F_0, G_1 = I + F_1, G_ℓ = F_ℓ; k = 0 is c. Exact for
 *                the discrete map up to dropping the columns k > N.
 *   Both are exact for N large enough only when u ↦ g(u) is linear (q = 1).
 * F_ℓ is used as stored: each entry on its sorted multi-index is a valid
 * (non-symmetric) column of the n × n^ℓ matrix.
 * Cost: time and memory proportional to the nonzeros produced (before
 * merging duplicates); the sizes are computed with GMP first and a build
 * that would not fit in mem_budget() is refused with a message.
 * Noise: F_0(t) = F_0 + ξ(t). carleman_build gives the constant part (F_0
 * alone); c(t) comes from carleman_rhs_at (O(Δ)); when N ≥ 2 the matrix
 * also depends on t (G_0 sits inside the blocks j ← k < j), and
 * carleman_build_at builds C(t), c(t) for one step.
 * Errors: a returned false with a malloc'd message in *err (the caller
 * frees it); with err == NULL the message goes to diag_plain. */
#ifndef QGDC_CARLEMAN_H
#define QGDC_CARLEMAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h: declares mpz_out_str */

#include <gmp.h>

#include "ir/linear.h"
#include "ir/problem.h"

#define CARLEMAN_CONST UINT64_MAX /* Carleman.t of the constant part */

typedef struct Carleman {
    const GdProblem *p; /* borrowed: must outlive this struct */
    int N;
    CarlemanForm form;
    uint64_t t;         /* step of F_0(t) used, or CARLEMAN_CONST (F_0 alone) */
    LinLevels lv;       /* n, N, Δ and level offsets */
    SpMat C;            /* Δ × Δ */
    double *c;          /* [Δ] */
    bool noisy;         /* the problem has ξ(t): c depends on t */
    bool C_varies;      /* noisy and N ≥ 2: C depends on t as well */
} Carleman;

/* The pass: order and form from p->opt (carleman_order, carleman_form). */
bool pass_carleman(const GdProblem *p, Carleman *out, char **err);
/* Constant part (F_0 without noise). */
bool carleman_build(const GdProblem *p, int N, CarlemanForm form, Carleman *out, char **err);
/* C(t), c(t) with F_0(t) = F_0 + ξ(t) (ξ = 0 for t ≥ T, as in gd_step). */
bool carleman_build_at(const GdProblem *p, int N, CarlemanForm form, uint64_t t, Carleman *out, char **err);
void carleman_free(Carleman *cm);

/* c(t) into c_out[Δ] for the problem, order and form of cm: O(Δ). */
void carleman_rhs_at(const Carleman *cm, uint64_t t, double *c_out);
/* ŷ = (u, u⊗u, …, u^⊗N) into y[Δ] (lv must fit). */
void carleman_lift(const LinLevels *lv, const double *u, double *y);

/* Upper bounds, for any size (nothing is allocated beyond O(N²) GMP
 * integers): nonzeros of C and bytes the build needs at its peak. The
 * noise, when present, is counted as a dense F_0 (the C(t) case). */
void carleman_estimate(const GdProblem *p, int N, CarlemanForm form, bool with_noise, mpz_t nnz, mpz_t bytes);

/* IR checker: sizes, CSR structure, finite c. */
bool carleman_verify(const Carleman *cm);
/* Stable text form: a header, then one line per row
 *     y2(0,1) = c | y1(1) -0.5  y2(0,1) 0.9 */
void carleman_dump(const Carleman *cm, FILE *out);

#endif
