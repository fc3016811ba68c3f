/* ntk_kernel.h — the neural tangent kernel of a deep fully connected
 * network (Zlokapa et al. eq. 5, after Arora et al.) and the matrices the
 * quantum algorithm inverts: exact K, sparsified K̃, diagonal.
 *
 * Dual activations (normalised activations, E σ = 0, Var σ = 1):
 *   ReLU  σ̂(ρ) = (√(1−ρ²) + (π − arccos ρ)ρ − 1)/(π − 1),  σ̇̂(ρ) = (π − arccos ρ)/(π − 1)
 *   erf   σ̂(ρ) = arcsin(2ρ/3)/arcsin(2/3),               σ̇̂(ρ) = 2/(√(9 − 4ρ²)·arcsin(2/3))
 * and σ̇̂ = σ̂' (Remark I.2).
 *
 * The kernel of L hidden layers, with Σ⁽⁰⁾ = ρ, Σ⁽ʰ⁾ = σ̂(Σ⁽ʰ⁻¹⁾) and
 * Σ̇⁽ʰ⁾ = σ̇̂(Σ⁽ʰ⁻¹⁾):
 *   K(ρ) = Σ_{h=1}^{L+1} Σ⁽ʰ⁻¹⁾ Π_{h'=h}^{L} Σ̇⁽ʰ'⁾,
 * i.e. Θ⁽⁰⁾ = ρ, Θ⁽ʰ⁾ = Θ⁽ʰ⁻¹⁾ Σ̇⁽ʰ⁾ + Σ⁽ʰ⁾, K = Θ⁽ᴸ⁾. This is Arora et al.'s
 * formula, which eq. (5) of the paper cites; eq. (5) as printed evaluates
 * σ̇̂ one layer later (σ̇̂(σ̂⁽ʰ'⁾(ρ)) for σ̇̂(σ̂⁽ʰ'⁻¹⁾(ρ))), which is not the
 * NTK even for L = 1 (there the NTK is ρ·σ̇̂(ρ) + σ̂(ρ)). Both agree on the
 * diagonal K(1) = (c^(L+1) − 1)/(c − 1), c = σ̇̂(1) (Theorem I.5). */
#ifndef QGDC_NTK_KERNEL_H
#define QGDC_NTK_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ntk.h"

double ntk_dual(NtkActivation a, double rho);       /* σ̂(ρ), ρ clamped to [−1, 1] */
double ntk_dual_deriv(NtkActivation a, double rho); /* σ̇̂(ρ) */

/* K(ρ) for L hidden layers; may overflow to +inf for very deep networks
 * (K(1) grows like c^L). */
double ntk_kernel(NtkActivation a, uint32_t L, double rho);
/* K(1) = (c^(L+1) − 1)/(c − 1). */
double ntk_kernel_diag(NtkActivation a, uint32_t L);
/* log10 K(1), finite for every L. */
double ntk_kernel_diag_log10(NtkActivation a, uint32_t L);
/* K(ρ)/K(1), computed without overflow for any depth; 0 once it falls
 * below the normal double range (DBL_MIN). */
double ntk_kernel_ratio(NtkActivation a, uint32_t L, double rho);

/* The sparsity pattern of K̃: deg = ntk_sparse_degree(n, s) off-diagonal
 * columns for each row, cols[i*deg .. i*deg+deg−1] sorted. Symmetric (j is
 * in row i iff i is in row j), never the diagonal, deterministic in
 * (n, s, seed): a circulant pattern, offsets ±o_1..±o_(deg/2) (and n/2 when
 * deg is odd) drawn without replacement, on the rows permuted by a seeded
 * shuffle (GSL MT19937). */
void ntk_sparsity_pattern(uint32_t n, uint32_t s, uint64_t seed, uint32_t *cols);

/* The kernel system of a problem, normalised by K(1): unit diagonal. */
typedef struct NtkSystem {
    uint32_t n, m;        /* training, test examples */
    NtkKernelKind kind;   /* of Kt */
    double *K;            /* [n*n] exact K/K(1) */
    double *Kt;           /* [n*n] the approximation K̃/K(1) (exact: a copy of K; diagonal: I) */
    uint32_t deg;         /* sparse: off-diagonals per row */
    uint32_t *pattern;    /* sparse: [n*deg] (see ntk_sparsity_pattern); else NULL */
    double *kstar;        /* [m*n] row t: K(x*_t · x_i)/K(1) */
    double *rho;          /* [n*n] training Gram matrix x_i·x_j */
    double *rho_star;     /* [m*n] test-training inner products */
    double k11;           /* K(1) (+inf when it overflows) */
    double log10_k11;
} NtkSystem;

/* Builds K, the approximation `kind` (sparse with s, seed, scale; for the
 * problem's own kind pass p->kernel) and k*. False (message in *err, see
 * diag_refuse) when n is beyond the memory budget. */
bool ntk_system_build(const NtkProblem *p, NtkKernelKind kind, uint32_t s, uint64_t seed, double scale, NtkSystem *out,
                      char **err);
void ntk_system_free(NtkSystem *sys);

#endif
