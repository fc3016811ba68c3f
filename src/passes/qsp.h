/* qsp.h — quantum signal processing for the QSVT solver: the filtered
 * inverse as an odd Chebyshev series, and the symmetric phase factors that
 * implement it (docs/qsvt.md).
 *
 * Convention (Dong, Lin, Ni and Wang 2021–22, the "W_x" convention). For
 * phases Φ = (φ_0, …, φ_d) and x ∈ [−1, 1],
 *     U(x, Φ) = e^{iφ_0 Z} W(x) e^{iφ_1 Z} W(x) ⋯ W(x) e^{iφ_d Z},
 *     W(x) = [[x, i√(1−x²)], [i√(1−x²), x]] = e^{i·arccos(x)·X},
 * and the implemented function is Re⟨0|U(x, Φ)|0⟩. Phases are symmetric
 * (φ_j = φ_{d−j}); ⟨0|U(x, −Φ)|0⟩ is the complex conjugate, so the real
 * part is the average of the two, which the circuit takes with one extra
 * qubit (solver.h, the qsvt stage). A qubitized walk acts on each of its
 * two-dimensional invariant subspaces as e^{i·arccos(λ/α)·Y}, which is
 * W(λ/α) conjugated by diag(1, i): the ⟨0|·|0⟩ entry, and so the
 * polynomial, is the same.
 *
 * The target: the filtered inverse of Liu et al. 2024, Theorem II.4, with a
 * smooth edge,
 *     f(x) = s·(a/x)·E(x),   a = λ_min/α (the cut), s ≤ 1 (the scale),
 *     E(x) = (erf(k(|x| − c)) + erf(k(|x| + c)))/(2·erf(kc)), E(0) = 0,
 * c = a(1 − δ/2) and k such that E ≥ 1 − η at |x| = a and E ≤ η at
 * |x| = a(1 − δ): 1/x (times s·a) above the cut, 0 below a(1 − δ), η the
 * edge's share of the error. The polynomial is the Chebyshev interpolant of
 * f truncated at the least odd degree whose tail is within ε/2.
 *
 * Without an edge (δ = 0: nothing to filter below the cut, the paper's
 * dissipative case) the polynomial is the optimal one for 1/x on [a, 1]
 * in the sense of the conjugate-gradient residual: with
 *     q(y) = T_n((1 + a² − 2y)/(1 − a²)) / T_n((1 + a²)/(1 − a²)),
 *     f(x) = s·a·(1 − q(x²))/x   (odd, degree 2n − 1, exactly a polynomial),
 * |f − s·a/x| ≤ s·|q(x²)| ≤ s/T_n(z0) on a ≤ |x| ≤ 1, so
 * n = ⌈acosh(s/ε)/acosh(z0)⌉ ≈ ln(2s/ε)/(2a): degree ≈ ln(2s/ε)/a, the
 * minimax rate; below the cut f rises linearly from 0 (eigenvalues there,
 * if any, are kept in part, as the edge would not).
 *
 * The phases: the fixed-point iteration of Dong, Lin, Ni and Wang
 * ("Infinite quantum signal processing", 2022) on the reduced phases
 * ψ_j = φ_j − (π/4)[j = 0 or d], whose linearisation at 0 maps ψ_j to
 * −2ψ_j·T_{d−2j}; each step evaluates Re⟨0|U|0⟩ at the (d+1)/2 positive
 * Chebyshev nodes from half the product (symmetry: U = B·W·Bᵀ), O(d²)
 * work, and takes its Chebyshev coefficients. It converges for
 * ‖f‖∞ ≤ 0.861 (their theorem) and in practice up to 0.99 (164 iterations
 * at degree 2483, against 35 at 0.8). Anderson mixing over the last 5
 * steps (qsp.c) cuts that to 21 (13 at 0.8); qgdc uses s = QSP_SCALE. */
#ifndef QGDC_QSP_H
#define QGDC_QSP_H

#include <complex.h>
#include <stdbool.h>
#include <stddef.h>

#define QSP_SCALE 0.95       /* max |f|: beyond the theorem's 0.861; with Anderson mixing 15-20 iterations */
#define QSP_DELTA 0.5        /* the edge: 0 below a(1 − δ), 1/x above a */
#define QSP_DELTA_MIN 0.02   /* the narrowest edge qsp_edge_for chooses */
#define QSP_DELTA_MAX 0.9    /* the widest */
#define QSP_DELTA_MAX 0.9    /* the widest */
#define QSP_MAX_DEGREE 200001
#define QSP_TOL 1e-14        /* the iteration stops at Σ|coefficient residuals| ≤ this, */
#define QSP_FLOOR 1e-11      /* or below this where rounding stops its descent */
#define QSP_MAX_ITER 400

typedef struct QspPoly {
    double a, delta, scale, eps; /* cut, edge, scale, the asked sup-norm error */
    double k, c, norm;           /* the edge's steepness and centre; f = norm·(a/x)·E */
    bool optimal;                /* δ = 0: the Chebyshev residual polynomial (no edge) */
    unsigned long n;             /* its q's degree in y = x² */
    double z0, acz0;             /* (1 + a²)/(1 − a²) and acosh(z0) */
    unsigned degree;             /* odd */
    double *cheb;                /* c_j, the coefficient of T_{2j+1}, j = 0..(degree−1)/2 */
    double tail;                 /* Σ of the dropped coefficients' magnitudes (the truncation error bound) */
} QspPoly;

typedef struct QspStats {
    unsigned iterations;
    double residual;   /* Σ_j |coefficient of Re⟨0|U|0⟩ − target|, at the end */
    double seconds;
} QspStats;

/* The target f at x (qsp.h above). */
double qsp_target(const QspPoly *p, double x);
/* The polynomial Σ c_j T_{2j+1}(x) (Clenshaw). */
double qsp_poly_eval(const QspPoly *p, double x);
/* The filtered inverse for cut a ∈ (0, 1), edge δ ∈ (0, 1), scale
 * s ∈ (0, 1) and error ε: refuses a degree above max_degree (saying what
 * it would need). */
bool qsp_inverse_poly(double a, double delta, double scale, double eps, unsigned max_degree, QspPoly *out,
                      char **err);
/* δ = 0: the optimal polynomial's degree 2n − 1 in closed form. */
unsigned long qsp_optimal_degree(double a, double scale, double eps);
void qsp_poly_free(QspPoly *p);
/* The least odd degree of the filtered inverse, without building it: the
 * same rule as qsp_inverse_poly, for counting problems whose polynomial is
 * too large to build (from the decay of the coefficients of a smaller
 * instance where needed); *norm (may be NULL) gets the polynomial's
 * norm (the edge's shape alone fixes it). 0 when it cannot be built. */
unsigned long qsp_inverse_degree(double a, double delta, double scale, double eps, double *norm);

/* The band and the edge for a known spectrum: the eigenvalue magnitudes
 * lam[0..n−1] that meet the right-hand side and the cut lambda_min. The
 * polynomial is 1/x from *cut = 0.98 × the least magnitude at or above
 * λ_min (not below λ_min): no eigenvalue lies between, so the answer is
 * the filtered one, and the degree, proportional to 1/cut, is smaller.
 * Returns 0 (no edge: the optimal polynomial) when none lies below λ_min;
 * else the edge δ with [cut(1 − δ), cut) clear of them (1.02 × the largest
 * below λ_min), within [QSP_DELTA_MIN, QSP_DELTA_MAX]; *inside gets how
 * many still fall in the edge (0 unless the gap is narrower than the least
 * edge). */
double qsp_edge_for(const double *lam, size_t n, double lambda_min, double *cut, size_t *inside);

/* Symmetric phases φ_0..φ_d (d odd, d + 1 of them) with
 * Re⟨0|U(x, Φ)|0⟩ = Σ_j cheb[j]·T_{2j+1}(x); needs ‖·‖∞ < 1 (converges
 * for ≤ 0.861). False with a message when the iteration does not reach
 * tol within max_iter. */
bool qsp_phases(const double *cheb, unsigned degree, double tol, unsigned max_iter, double *phases, QspStats *st,
                char **err);
/* The filtered inverse and its phases, computed once per (a, δ, s, ε) in a
 * process and kept (the last QSP_CACHE of them): the pointers stay valid
 * to the end of the run. st gets the phase finder's figures of the run
 * that computed them. */
#define QSP_CACHE 8
bool qsp_inverse_cached(double a, double delta, double scale, double eps, const QspPoly **poly,
                        const double **phases, QspStats *st, char **err);

/* ⟨0|U(x, Φ)|0⟩ by the full product of 2×2 matrices, independently of the
 * phase finder (for checks). */
double complex qsp_eval(const double *phases, unsigned degree, double x);

#endif
