/* reference.h — the classical references every quantum result is checked
 * against (DESIGN.md, "Verification"):
 *   (a) ref_true_iteration      the nonlinear map itself, u(t), t = 0..T
 *   (b) ref_carleman_iteration  ŷ(t+1) = C(t) ŷ(t) + c(t), its level 1 u_C(t)
 *   (c) ref_forward_subst       the unrolled system by forward substitution
 *                               (sparse, O(nnz(M)))
 *   (d) ref_dense_solve         the unrolled system by LAPACKE_dgesv
 *                               (dense cross-check, dim ≤ REF_DENSE_MAX)
 *   (e) ref_filtered            the eigenvalue-filtered solution of the
 *                               Hermitian dilation H = [[0, M], [Mᵀ, 0]]
 *                               (LAPACKE_dsyev, 2·dim ≤ REF_DENSE_MAX)
 * Requires: a verified GdProblem; a Carleman from carleman_build (constant
 * part); a materialised LinSystem from unroll_build. Nothing here changes
 * its inputs. Output arrays are the caller's. Refusals (too large, not
 * materialised, singular) return false with a malloc'd *err, or a
 * diag_plain message when err is NULL. */
#ifndef QGDC_REFERENCE_H
#define QGDC_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/linear.h"
#include "ir/problem.h"
#include "passes/carleman.h"

/* Largest matrix order the dense references factor (O(m³) time, m² doubles). */
#define REF_DENSE_MAX 4096

/* (a) u[(T+1)·n], u(t) at u[t·n], by gd_step (noise included). */
void ref_true_iteration(const GdProblem *p, double *u);

/* (b) uC[(T+1)·n]: level 1 of ŷ(t), ŷ(0) = ŷ_in; yT[Δ] (may be NULL)
 * receives ŷ(T). With noise, c(t) per step and, when N ≥ 2, C(t) rebuilt
 * per step. */
bool ref_carleman_iteration(const Carleman *cm, double *uC, double *yT, char **err);

/* (c) x[dim] with M x = rhs, for M lower triangular with non-zero
 * diagonal (what unroll_build produces): row by row, so block t uses the
 * already solved block t−1. */
bool ref_forward_subst(const LinSystem *s, double *x, char **err);

/* (d) x[dim] by dense LU (partial pivoting). */
bool ref_dense_solve(const LinSystem *s, double *x, char **err);

/* (e) For κ0 > 1: eigenpairs (λ, v) of H, λ_min = ‖H‖/κ0 = ‖M‖₂/κ0,
 * z̃ = Σ_{|λ| ≥ λ_min} v vᵀ (rhs; 0)/λ, and x̃ = the lower half of z̃ (the
 * upper half vanishes: the filter keeps ±σ pairs together). */
typedef struct RefFiltered {
    size_t dim;        /* of M; x has dim entries */
    double *x;         /* x̃ */
    double norm_M;     /* ‖M‖₂ = max |λ(H)| */
    double sigma_min;  /* smallest singular value of M = min |λ(H)| */
    double kappa;      /* κ(M) = norm_M / sigma_min */
    double lambda_min; /* the cut-off ‖M‖₂/κ0 */
    size_t kept;       /* eigenvalues of H with |λ| ≥ λ_min, of 2·dim */
    double fidelity;   /* |⟨x̃, x⟩| / (‖x̃‖ ‖x‖), x the unfiltered solution */
    /* ref_filtered_spectrum only: every eigenpair (λ, v) of H that meets
     * b = (rhs; 0), kept or not, as λ and w = (vᵀb)·(lower half of v), so
     * that x̃ = Σ_{|λ| ≥ λ_min} w/λ and any spectral filter g gives
     * Σ g(λ)·w (passes/budget.h) */
    size_t nspec;
    double *spec_lambda; /* [nspec] */
    double *spec_w;      /* [nspec·dim], pair k at spec_w[k·dim] */
    double norm_b;       /* ‖rhs‖ */
} RefFiltered;
/* x_exact: the unfiltered solution (NULL: computed by ref_forward_subst). */
bool ref_filtered(const LinSystem *s, double kappa0, const double *x_exact, RefFiltered *out, char **err);
/* The same, keeping the spectrum that meets the right-hand side. */
bool ref_filtered_spectrum(const LinSystem *s, double kappa0, const double *x_exact, RefFiltered *out, char **err);
void ref_filtered_free(RefFiltered *f);

/* Level 1 (u) of time block t of an unrolled solution x, into u[n]. */
void ref_unrolled_u(const LinSystem *s, const double *x, uint64_t t, double *u);
/* |⟨a, b⟩|/(‖a‖‖b‖), 0 when either is zero. */
double ref_fidelity(const double *a, const double *b, size_t n);
/* max_i |a_i − b_i|; NaN when any difference is NaN (a diverged value). */
double ref_max_abs_diff(const double *a, const double *b, size_t n);

#endif
