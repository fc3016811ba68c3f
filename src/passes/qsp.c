/* qsp.c — the filtered inverse as a Chebyshev series and its symmetric QSP
 * phases (qsp.h). */
#include "passes/qsp.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

/* ---- the target ---- */

/* E(x)·erf(kc)·2 for x ≥ 0, without cancellation near 0 */
static double edge2(const QspPoly *p, double x)
{
    double k = p->k, c = p->c;
    if (x < c)
        return erfc(k * (c - x)) - erfc(k * (c + x));
    return erf(k * (x - c)) + erf(k * (x + c));
}

/* 1 − q(x²) of the optimal polynomial, q = T_n(z)/T_n(z0) */
static double one_minus_q(const QspPoly *p, double x)
{
    double a2 = p->a * p->a, z = (1 + a2 - 2 * x * x) / (1 - a2);
    double nn = (double)p->n;
    if (z <= 1)
        return 1 - cos(nn * acos(fmax(z, -1))) / cosh(nn * p->acz0);
    /* z in (1, z0]: T_n(z)/T_n(z0) = cosh(nθ)/cosh(nθ0), θ = acosh z;
     * 1 − that = (cosh nθ0 − cosh nθ)/cosh nθ0 = 2 sinh(n(θ0+θ)/2) sinh(n(θ0−θ)/2)/cosh nθ0 */
    double th = acosh(z), th0 = p->acz0;
    return 2 * sinh(nn * (th0 + th) / 2) * sinh(nn * (th0 - th) / 2) / cosh(nn * th0);
}

double qsp_target(const QspPoly *p, double x)
{
    double ax = fabs(x);
    if (ax == 0)
        return 0;
    if (p->optimal) {
        double v = p->norm * p->a * one_minus_q(p, ax) / ax;
        return x < 0 ? -v : v;
    }
    double e = edge2(p, ax) / (2 * erf(p->k * p->c));
    double v = p->norm * p->a * e / ax;
    return x < 0 ? -v : v;
}

double qsp_poly_eval(const QspPoly *p, double x)
{
    /* Σ_j c_j T_{2j+1}(x) = x·Σ_j c_j V_j(y), y = 2x² − 1, with
     * V_j = T_{2j+1}/x satisfying V_{j+1} = 2y·V_j − V_{j−1}, V_0 = 1,
     * V_{−1} = 1: Clenshaw in y */
    unsigned n = (p->degree + 1) / 2;
    long double y = 2 * (long double)x * x - 1, b1 = 0, b2 = 0;
    for (unsigned j = n; j-- > 1;) {
        long double b0 = p->cheb[j] + 2 * y * b1 - b2;
        b2 = b1;
        b1 = b0;
    }
    /* Σ = c_0·V_0 + b1·V_1 − b2·V_0 with V_1 = 2y − 1 */
    return (double)(x * (p->cheb[0] + b1 * (2 * y - 1) - b2));
}

/* Chebyshev coefficients of f at M nodes θ_j = π(j + ½)/M (exact for
 * degree < M), by one complex FFT of length 2M (GSL): out[n], n < M */
static void cheb_coeffs(const QspPoly *p, size_t M, double *out)
{
    double *z = xcalloc(4 * M, sizeof *z); /* packed complex, length 2M */
    for (size_t j = 0; j < M; j++) {
        double y = qsp_target(p, cos(QGD_PI * ((double)j + 0.5) / (double)M));
        z[2 * j] = y;
        z[2 * (2 * M - 1 - j)] = y;
    }
    gsl_fft_complex_radix2_forward(z, 1, 2 * M);
    for (size_t n = 0; n < M; n++) {
        double t = QGD_PI * (double)n / (2.0 * (double)M);
        out[n] = (cos(t) * z[2 * n] + sin(t) * z[2 * n + 1]) / (double)M; /* Re(e^{−it}·V_n) */
    }
    out[0] /= 2;
    free(z);
}

static void edge_params(QspPoly *p)
{
    double eta = p->eps / 4;
    double w = p->a * p->delta / 2;
    p->c = p->a * (1 - p->delta / 2);
    p->k = gsl_cdf_ugaussian_Qinv(eta) / M_SQRT2 / w;
    p->norm = 1;
    /* the largest a·E(x)/x (just above 1 inside the edge): scaled to s */
    double mx = 1;
    for (int i = 0; i <= 4000; i++) {
        double x = p->a * (1 - p->delta) + (p->a * (1 + p->delta) - p->a * (1 - p->delta)) * i / 4000.0;
        mx = fmax(mx, qsp_target(p, x));
    }
    p->norm = p->scale / mx;
}

/* The degree rule on the coefficients out[0..M−1]: the least odd d whose
 * dropped tail Σ_{n>d} |c_n| is ≤ ε/2; false when the top eighth of the
 * coefficients (the aliasing guard) is not negligible. */
static bool degree_from(const double *cf, size_t M, double eps, unsigned *d, double *tail)
{
    double guard = 0;
    for (size_t n = M - M / 8; n < M; n++)
        guard += fabs(cf[n]);
    if (guard > eps / 64)
        return false;
    size_t top = (M - 1) % 2 ? M - 1 : M - 2; /* the largest odd index */
    double t = 0;
    size_t deg = 1;
    for (size_t n = top; n >= 1; n -= 2) {
        if (t + fabs(cf[n]) > eps / 2) {
            deg = n;
            break;
        }
        t += fabs(cf[n]);
        if (n == 1)
            break;
    }
    *d = (unsigned)deg;
    *tail = t;
    return 2 * (size_t)deg + 2 <= M; /* well inside the computed range */
}

/* The erf edge's degree, roughly (an overestimate by about 1.5: the
 * starting size of the interpolant, and when qsp_inverse_degree scales) */
static double edge_degree_estimate(double a, double delta, double eps) { return 2.5 * log(4 / eps) / (a * delta); }

static size_t initial_M(double a, double delta, double eps)
{
    double est = edge_degree_estimate(a, delta, eps) + 64;
    size_t M = 256;
    while ((double)M < 2 * est && M < ((size_t)1 << 24))
        M *= 2;
    return M;
}

unsigned long qsp_optimal_degree(double a, double scale, double eps)
{
    double z0 = (1 + a * a) / (1 - a * a);
    /* s/T_n(z0) ≤ ε/2: the other half of ε for the scale's rounding and the tail */
    double n = ceil(acosh(2 * scale / eps) / acosh(z0));
    if (!(n < 1e17))
        return 0;
    return 2 * (unsigned long)n - 1;
}

/* the optimal polynomial's n, z0 and norm (the largest a(1 − q)/x scaled to s) */
static void optimal_params(QspPoly *p)
{
    p->optimal = true;
    p->z0 = (1 + p->a * p->a) / (1 - p->a * p->a);
    p->acz0 = acosh(p->z0);
    p->n = (qsp_optimal_degree(p->a, p->scale, p->eps) + 1) / 2;
    p->norm = 1;
    double mx = 1;
    for (int i = 1; i <= 8000; i++) {
        double x = fmin(1, 4 * p->a * i / 8000.0);
        mx = fmax(mx, qsp_target(p, x));
    }
    p->norm = p->scale / mx;
}

bool qsp_inverse_poly(double a, double delta, double scale, double eps, unsigned max_degree, QspPoly *out,
                      char **err)
{
    memset(out, 0, sizeof *out);
    if (!(a > 0 && a < 1) || !(delta >= 0 && delta < 1) || !(scale > 0 && scale <= 1) || !(eps > 0 && eps < 1))
        ICE("qsp: bad filtered inverse (a %g, delta %g, scale %g, eps %g)", a, delta, scale, eps);
    out->a = a, out->delta = delta, out->scale = scale, out->eps = eps;
    size_t M;
    if (delta == 0) {
        unsigned long d = qsp_optimal_degree(a, scale, eps);
        if (d == 0 || d > max_degree) {
            qsp_poly_free(out);
            return diag_refuse(err,
                               "the QSVT polynomial for a cut of %.3g (kappa %.3g) at error %.2g needs degree %lu, "
                               "above the limit of %u",
                               a, 1 / a, eps, d, max_degree);
        }
        optimal_params(out);
        M = 256;
        while (M < 2 * d + 64)
            M *= 2;
    } else {
        edge_params(out);
        M = initial_M(a, delta, eps);
    }
    for (;;) {
        if (M / 2 > (size_t)max_degree * 4 + 1024) {
            qsp_poly_free(out);
            return diag_refuse(err,
                               "the QSVT polynomial for a cut of %.3g (kappa %.3g) at error %.2g needs a degree "
                               "above %u",
                               a, 1 / a, eps, max_degree);
        }
        double *cf = xmalloc(M * sizeof *cf);
        cheb_coeffs(out, M, cf);
        unsigned d;
        double tail;
        if (degree_from(cf, M, eps, &d, &tail)) {
            if (d > max_degree) {
                free(cf);
                qsp_poly_free(out);
                return diag_refuse(err,
                                   "the QSVT polynomial for a cut of %.3g (kappa %.3g) at error %.2g needs degree "
                                   "%u, above the limit of %u",
                                   a, 1 / a, eps, d, max_degree);
            }
            out->degree = d;
            out->tail = tail;
            out->cheb = xmalloc(((d + 1) / 2) * sizeof *out->cheb);
            for (unsigned j = 0; j < (d + 1) / 2; j++)
                out->cheb[j] = cf[2 * j + 1];
            free(cf);
            return true;
        }
        free(cf);
        M *= 2;
    }
}

void qsp_poly_free(QspPoly *p)
{
    free(p->cheb);
    p->cheb = NULL;
}

unsigned long qsp_inverse_degree(double a, double delta, double scale, double eps, double *norm)
{
    /* built directly up to this degree; beyond it the degree of the same
     * edge at a larger cut a0, times a0/a: f(x) = s·g(x/a) with g fixed,
     * so the degree is proportional to 1/a (docs/qsvt.md measures it) */
    if (delta == 0) {
        unsigned long d = qsp_optimal_degree(a, scale, eps);
        if (norm) { /* the norm depends on the shape: from an instance at a cut where it is cheap */
            QspPoly p;
            memset(&p, 0, sizeof p);
            p.a = fmax(a, 1e-3), p.scale = scale, p.eps = eps;
            optimal_params(&p);
            *norm = p.norm;
        }
        return d;
    }
    const double direct = 1 << 14;
    double est = edge_degree_estimate(a, delta, eps);
    double a0 = est <= direct ? a : fmin(0.5, a * est / direct);
    QspPoly p;
    if (!qsp_inverse_poly(a0, delta, scale, eps, QSP_MAX_DEGREE, &p, NULL))
        return 0;
    if (norm)
        *norm = p.norm;
    double d = a0 == a ? p.degree : ceil((double)p.degree * a0 / a);
    qsp_poly_free(&p);
    if (!(d < 1e18))
        return 0;
    unsigned long long di = (unsigned long long)d;
    if (di % 2 == 0)
        di++;
    return (unsigned long)di;
}

double qsp_edge_for(const double *lam, size_t n, double lambda_min, double *cut, size_t *inside)
{
    /* the gap around the cut: the largest magnitude below it, the least at or above it */
    double below = 0, above = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double m = fabs(lam[i]);
        if (m < lambda_min)
            below = fmax(below, m);
        else
            above = fmin(above, m);
    }
    /* 1/x from just under the least kept eigenvalue (2% margin), not below the cut */
    double hi = isfinite(above) ? fmax(lambda_min, 0.98 * above) : lambda_min;
    *cut = hi;
    if (below == 0) { /* nothing to filter: the optimal polynomial */
        if (inside)
            *inside = 0;
        return 0;
    }
    double delta = 1 - 1.02 * below / hi;
    if (delta > QSP_DELTA_MAX)
        delta = QSP_DELTA_MAX;
    if (delta < QSP_DELTA_MIN)
        delta = QSP_DELTA_MIN;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(lam[i]) < hi && fabs(lam[i]) > hi * (1 - delta))
            k++;
    if (inside)
        *inside = k;
    return delta;
}

/* ---- the phases ---- */

#define BLK 64

/* clang at -O1 (the sanitizer build) may not vectorize the simd loop below
 * and says so as a warning; the loop is correct either way */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

/* Re⟨0|U(x_k, Φ)|0⟩ at the nodes x_k = cos θ_k, k < n = (d+1)/2, from the
 * first half of the product (U = B·W·Bᵀ, B = e^{iφ_0 Z} W ⋯ W e^{iφ_m Z}),
 * blocks of BLK nodes per thread */
static void eval_nodes(const double *cp, const double *sp, unsigned m, const double *xs, const double *ss, size_t n,
                       double *g)
{
    size_t nb = (n + BLK - 1) / BLK;
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++) {
        size_t k0 = b * BLK, kn = k0 + BLK <= n ? BLK : n - k0;
        double r0r[BLK], r0i[BLK], r1r[BLK], r1i[BLK], x[BLK], s[BLK];
        for (size_t k = 0; k < kn; k++) {
            r0r[k] = cp[0], r0i[k] = sp[0], r1r[k] = 0, r1i[k] = 0;
            x[k] = xs[k0 + k], s[k] = ss[k0 + k];
        }
        for (unsigned j = 1; j <= m; j++) {
            double c = cp[j], sn = sp[j];
#pragma omp simd
            for (size_t k = 0; k < kn; k++) {
                /* r·W: (r0 x + i s r1, i s r0 + x r1) */
                double a0r = r0r[k] * x[k] - s[k] * r1i[k], a0i = r0i[k] * x[k] + s[k] * r1r[k];
                double a1r = r1r[k] * x[k] - s[k] * r0i[k], a1i = r1i[k] * x[k] + s[k] * r0r[k];
                /* · diag(e^{iφ}, e^{−iφ}) */
                r0r[k] = a0r * c - a0i * sn, r0i[k] = a0r * sn + a0i * c;
                r1r[k] = a1r * c + a1i * sn, r1i[k] = a1i * c - a1r * sn;
            }
        }
        for (size_t k = 0; k < kn; k++) {
            /* Re(r0² x + 2 r0 r1 i s + r1² x) */
            double sq = r0r[k] * r0r[k] - r0i[k] * r0i[k] + r1r[k] * r1r[k] - r1i[k] * r1i[k];
            double im01 = r0r[k] * r1i[k] + r0i[k] * r1r[k];
            g[k0 + k] = x[k] * sq - 2 * s[k] * im01;
        }
    }
}

/* out[j] = (4/(d+1))·Σ_k g_k T_{2j+1}(x_k), j < n = (d+1)/2: the odd
 * Chebyshev coefficients of the odd function sampled at the n positive
 * nodes. T_{2j+1}(x_k) = cos(π(2j+1)(2k+1)/(2(d+1))) is read from a table
 * of cos(πr/(2(d+1))) by the integer r mod 4(d+1): a three-term recurrence
 * would lose n/sin θ_0 ≈ d² ulps near x = ±1 */
static void node_coeffs(const double *g, size_t n, double *out)
{
    size_t L = 4 * (2 * n); /* 4(d+1) */
    double *tab = xmalloc(L * sizeof *tab);
    for (size_t r = 0; r < L; r++)
        tab[r] = cos(QGD_PI * (double)r / (double)(L / 2));
#pragma omp parallel for schedule(static)
    for (size_t j = 0; j < n; j++) {
        size_t step = 2 * (2 * j + 1) % L, r = (2 * j + 1) % L;
        double sum = 0;
        for (size_t k = 0; k < n; k++) {
            sum += g[k] * tab[r];
            r += step;
            if (r >= L)
                r -= L;
        }
        out[j] = sum * 4.0 / (double)(2 * n);
    }
    free(tab);
}

/* Anderson mixing (type II) for the fixed point ψ = G(ψ) = ψ + f(ψ): with
 * the last k ≤ QSP_ANDERSON differences ΔF of f and ΔG of G, the step is
 * G(ψ) − ΔG·γ, γ the least-squares solution of ΔF·γ ≈ f (normal
 * equations, a ridge of 1e-12 of their trace). A step that made the
 * residual grow clears the history (the plain iteration resumes). */
#define QSP_ANDERSON 5
typedef struct Anderson {
    size_t n;
    int k, head;
    double *dF[QSP_ANDERSON], *dG[QSP_ANDERSON];
    double *fprev, *gprev;
    bool have_prev;
} Anderson;

static void anderson_init(Anderson *A, size_t n)
{
    memset(A, 0, sizeof *A);
    A->n = n;
    for (int i = 0; i < QSP_ANDERSON; i++)
        A->dF[i] = xmalloc(n * sizeof(double)), A->dG[i] = xmalloc(n * sizeof(double));
    A->fprev = xmalloc(n * sizeof(double));
    A->gprev = xmalloc(n * sizeof(double));
}

static void anderson_free(Anderson *A)
{
    for (int i = 0; i < QSP_ANDERSON; i++)
        free(A->dF[i]), free(A->dG[i]);
    free(A->fprev), free(A->gprev);
}

/* x ← the mixed step from x and f = G(x) − x */
static void anderson_step(Anderson *A, double *x, const double *f, size_t n, bool reset)
{
    if (reset)
        A->k = 0, A->head = 0, A->have_prev = false;
    /* g = G(x) = x + f */
    if (A->have_prev) {
        int s = A->head;
        for (size_t i = 0; i < n; i++) {
            A->dF[s][i] = f[i] - A->fprev[i];
            A->dG[s][i] = (x[i] + f[i]) - A->gprev[i];
        }
        A->head = (A->head + 1) % QSP_ANDERSON;
        if (A->k < QSP_ANDERSON)
            A->k++;
    }
    for (size_t i = 0; i < n; i++)
        A->fprev[i] = f[i], A->gprev[i] = x[i] + f[i];
    A->have_prev = true;
    int k = A->k;
    double gamma[QSP_ANDERSON] = {0};
    if (k > 0) {
        double N[QSP_ANDERSON][QSP_ANDERSON], r[QSP_ANDERSON], tr = 0;
        for (int p = 0; p < k; p++) {
            for (int q = 0; q <= p; q++) {
                double s = 0;
                for (size_t i = 0; i < n; i++)
                    s += A->dF[p][i] * A->dF[q][i];
                N[p][q] = N[q][p] = s;
            }
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += A->dF[p][i] * f[i];
            r[p] = s;
            tr += N[p][p];
        }
        for (int p = 0; p < k; p++)
            N[p][p] += 1e-12 * tr + 1e-300;
        /* Gaussian elimination with partial pivoting on the k×k system */
        for (int c = 0; c < k; c++) {
            int piv = c;
            for (int q = c + 1; q < k; q++)
                if (fabs(N[q][c]) > fabs(N[piv][c]))
                    piv = q;
            for (int q = 0; q < k; q++) {
                double t = N[c][q];
                N[c][q] = N[piv][q], N[piv][q] = t;
            }
            double t = r[c];
            r[c] = r[piv], r[piv] = t;
            for (int q = c + 1; q < k; q++) {
                double m = N[q][c] / N[c][c];
                for (int w = c; w < k; w++)
                    N[q][w] -= m * N[c][w];
                r[q] -= m * r[c];
            }
        }
        for (int c = k - 1; c >= 0; c--) {
            double s = r[c];
            for (int q = c + 1; q < k; q++)
                s -= N[c][q] * gamma[q];
            gamma[c] = s / N[c][c];
        }
    }
    for (size_t i = 0; i < n; i++) {
        double v = x[i] + f[i];
        for (int p = 0; p < k; p++)
            v -= A->dG[p][i] * gamma[p];
        x[i] = v;
    }
}

bool qsp_phases(const double *cheb, unsigned degree, double tol, unsigned max_iter, double *phases, QspStats *st,
                char **err)
{
    if (degree % 2 == 0 || degree > QSP_MAX_DEGREE)
        ICE("qsp: degree %u (odd, at most %d)", degree, QSP_MAX_DEGREE);
    double t0 = monotonic_seconds();
    unsigned d = degree, m = (d - 1) / 2;
    size_t n = m + 1;
    double *psi = xcalloc(n, sizeof *psi), *cp = xmalloc(n * sizeof *cp), *sp = xmalloc(n * sizeof *sp);
    double *xs = xmalloc(n * sizeof *xs), *ss = xmalloc(n * sizeof *ss), *g = xmalloc(n * sizeof *g);
    double *a = xmalloc(n * sizeof *a);
    for (size_t k = 0; k < n; k++) {
        double th = QGD_PI * ((double)k + 0.5) / (double)(d + 1);
        xs[k] = cos(th), ss[k] = sin(th);
    }
    double res = INFINITY, prev = INFINITY, best = INFINITY;
    unsigned it = 0;
    double *f = xmalloc(n * sizeof *f);
    Anderson and;
    anderson_init(&and, n);
    for (;; it++) {
        for (size_t j = 0; j < n; j++) {
            double ph = psi[j] + (j == 0 ? QGD_PI / 4 : 0);
            cp[j] = cos(ph), sp[j] = sin(ph);
        }
        eval_nodes(cp, sp, m, xs, ss, n, g);
        node_coeffs(g, n, a);
        /* coefficient of T_{2j'+1} ↔ reduced phase m − j' (linearised: −2ψ) */
        res = 0;
        for (size_t jp = 0; jp < n; jp++)
            res += fabs(a[jp] - cheb[jp]);
        /* done at tol, or where rounding stops the descent below QSP_FLOOR */
        bool stalled = res <= QSP_FLOOR && res > 0.8 * prev;
        prev = res;
        if (res <= tol || stalled || it >= max_iter || !isfinite(res))
            break;
        /* the fixed-point step G(ψ) = ψ + f, f = ½(F(ψ) − c) permuted,
         * accelerated by Anderson mixing over the last QSP_ANDERSON steps */
        for (size_t jp = 0; jp < n; jp++)
            f[m - jp] = 0.5 * (a[jp] - cheb[jp]);
        anderson_step(&and, psi, f, n, res > 2 * best);
        best = fmin(best, res);
    }
    bool ok = res <= fmax(tol, QSP_FLOOR);
    if (ok) {
        for (unsigned j = 0; j <= m; j++) {
            double ph = psi[j] + (j == 0 ? QGD_PI / 4 : 0);
            phases[j] = ph;
            phases[d - j] = ph;
        }
    }
    if (st)
        *st = (QspStats){.iterations = it, .residual = res, .seconds = monotonic_seconds() - t0};
    free(psi), free(cp), free(sp), free(xs), free(ss), free(g), free(a), free(f);
    anderson_free(&and);
    if (!ok)
        return diag_refuse(err,
                           "the QSP phase iteration did not converge at degree %u (residual %.3g after %u "
                           "iterations, wanted %.3g): the polynomial's maximum must stay below 0.86",
                           degree, res, it, tol);
    return true;
}

double complex qsp_eval(const double *phases, unsigned degree, double x)
{
    /* in long double: the product's rounding grows with the degree */
    long double xl = x, s = sqrtl(fmaxl(0, 1 - xl * xl));
    long double complex m00 = cexpl(I * (long double)phases[0]), m01 = 0;
    for (unsigned j = 1; j <= degree; j++) {
        /* row 0 of M ← M·W(x)·e^{iφ_j Z} (only ⟨0|M|0⟩ is read) */
        long double complex n00 = m00 * xl + m01 * (I * s), n01 = m00 * (I * s) + m01 * xl;
        long double complex e = cexpl(I * (long double)phases[j]);
        m00 = n00 * e, m01 = n01 * conjl(e);
    }
    return (double complex)m00;
}

/* ---- the cache ---- */

typedef struct QspEntry {
    double a, delta, scale, eps;
    QspPoly poly;
    double *phases;
    QspStats st;
    bool used;
} QspEntry;

static QspEntry qsp_cache[QSP_CACHE];
static unsigned qsp_next;

bool qsp_inverse_cached(double a, double delta, double scale, double eps, const QspPoly **poly,
                        const double **phases, QspStats *st, char **err)
{
    for (unsigned i = 0; i < QSP_CACHE; i++) {
        QspEntry *e = &qsp_cache[i];
        if (e->used && e->a == a && e->delta == delta && e->scale == scale && e->eps == eps) {
            *poly = &e->poly, *phases = e->phases, *st = e->st;
            return true;
        }
    }
    QspPoly p;
    if (!qsp_inverse_poly(a, delta, scale, eps, QSP_MAX_DEGREE, &p, err))
        return false;
    double *ph = xmalloc(((size_t)p.degree + 1) * sizeof *ph);
    QspStats s;
    if (!qsp_phases(p.cheb, p.degree, QSP_TOL, QSP_MAX_ITER, ph, &s, err)) {
        free(ph);
        qsp_poly_free(&p);
        return false;
    }
    QspEntry *e = &qsp_cache[qsp_next];
    qsp_next = (qsp_next + 1) % QSP_CACHE;
    if (e->used) { /* the oldest: any QSolve still pointing at it is gone (runs build a few at most) */
        qsp_poly_free(&e->poly);
        free(e->phases);
    }
    *e = (QspEntry){.a = a, .delta = delta, .scale = scale, .eps = eps, .poly = p, .phases = ph, .st = s,
                    .used = true};
    *poly = &e->poly, *phases = e->phases, *st = s;
    return true;
}
