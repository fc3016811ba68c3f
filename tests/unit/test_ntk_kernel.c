/* test_ntk_kernel.c — the NTK of passes/ntk_kernel.h against an independent
 * numerical computation of its definition.
 *
 * The dual activations σ̂(ρ) = E[σ(u)σ(v)] and σ̇̂(ρ) = E[σ'(u)σ'(v)], with
 * (u, v) standard normals of correlation ρ, are computed here by
 * quadrature, not from the closed forms:
 *   - erf (smooth): tensor Gauss–Hermite, 80 × 80 nodes from the
 *     Golub–Welsch eigenproblem (LAPACKE_dstev); tolerance 1e-12;
 *   - ReLU (kinks at u = 0, v = 0, where Gauss–Hermite converges only like
 *     N^(-1/2)): polar coordinates, u = R cos θ, v = R cos(θ − φ) with
 *     cos φ = ρ; relu and its derivative are homogeneous, so the radial
 *     integral is a moment of the Rayleigh law (E R = √(π/2), E R² = 2) and
 *     the angular one is Gauss–Legendre (20 nodes, Golub–Welsch) on each arc
 *     between the kinks; tolerance 1e-12. An iterated integral (inner
 *     expectation in closed form, outer by panel Gauss–Legendre) checks the
 *     polar reduction to 1e-11.
 * The normalisation (E σ = 0, Var σ = 1) is taken from the same quadrature.
 * The kernel is then eq. (5) written as a sum of products (not the
 * recursion of the code) over these duals; tolerance 1e-10 relative. */
#include "unit.h"
#include "support/consts.h"

#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ntk.h"
#include "passes/ntk_kernel.h"


/* ---- quadrature rules (Golub–Welsch) ---- */

/* Gauss–Hermite for the weight e^(−x²): nodes x, weights w. */
static void gauss_hermite(int N, double *x, double *w)
{
    double *e = calloc((size_t)N, sizeof *e), *z = malloc(sizeof(double) * (size_t)N * (size_t)N);
    for (int k = 1; k < N; k++)
        e[k - 1] = sqrt(k / 2.0);
    for (int k = 0; k < N; k++)
        x[k] = 0;
    CU_ASSERT_EQUAL_FATAL(LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', N, x, e, z, N), 0);
    for (int k = 0; k < N; k++)
        w[k] = sqrt(QGD_PI) * z[(size_t)k * N] * z[(size_t)k * N];
    free(e);
    free(z);
}

/* Gauss–Legendre on [−1, 1]. */
static void gauss_legendre(int N, double *x, double *w)
{
    double *e = calloc((size_t)N, sizeof *e), *z = malloc(sizeof(double) * (size_t)N * (size_t)N);
    for (int k = 1; k < N; k++)
        e[k - 1] = k / sqrt(4.0 * k * k - 1);
    for (int k = 0; k < N; k++)
        x[k] = 0;
    CU_ASSERT_EQUAL_FATAL(LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', N, x, e, z, N), 0);
    for (int k = 0; k < N; k++)
        w[k] = 2 * z[(size_t)k * N] * z[(size_t)k * N];
    free(e);
    free(z);
}

/* ---- erf: Gauss–Hermite ---- */

#define GH_N 80
static double gh_x[GH_N], gh_w[GH_N];

static double erf_var(void) /* Var erf(Z) by quadrature */
{
    static double v;
    if (v == 0) {
        for (int i = 0; i < GH_N; i++) {
            double e = erf(sqrt(2.0) * gh_x[i]);
            v += gh_w[i] * e * e;
        }
        v /= sqrt(QGD_PI);
    }
    return v;
}

static double erf_sigma(double z) { return erf(z) / sqrt(erf_var()); }
static double erf_sigma_d(double z) { return 2 / sqrt(QGD_PI) * exp(-z * z) / sqrt(erf_var()); }

/* E[f(u) g(v)], corr(u, v) = ρ, by tensor Gauss–Hermite. */
static double gh2(double (*f)(double), double (*g)(double), double rho)
{
    double s2 = sqrt((1 - rho) * (1 + rho)), acc = 0;
    for (int i = 0; i < GH_N; i++) {
        double u = sqrt(2.0) * gh_x[i], fu = f(u);
        for (int j = 0; j < GH_N; j++)
            acc += gh_w[i] * gh_w[j] * fu * g(rho * u + s2 * sqrt(2.0) * gh_x[j]);
    }
    return acc / QGD_PI;
}

/* ---- ReLU: angular Gauss–Legendre ---- */

#define GL_N 20
static double gl_x[GL_N], gl_w[GL_N];

static double relu(double t) { return t > 0 ? t : 0; }
static double step(double t) { return t > 0 ? 1 : 0; }

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* (1/2π) ∫₀^{2π} f(cos θ) g(cos(θ − φ)) dθ, split at the kinks of f and g
 * (where a cosine vanishes); Gauss–Legendre on each smooth arc. */
static double angular(double (*f)(double), double (*g)(double), double phi)
{
    double br[8] = {0, 2 * QGD_PI, QGD_PI / 2, 3 * QGD_PI / 2, fmod(phi + QGD_PI / 2, 2 * QGD_PI), fmod(phi + 3 * QGD_PI / 2, 2 * QGD_PI)};
    int nb = 6;
    qsort(br, (size_t)nb, sizeof *br, cmp_d);
    double acc = 0;
    for (int k = 0; k + 1 < nb; k++) {
        double a = br[k], b = br[k + 1];
        if (b - a < 1e-15)
            continue;
        for (int q = 0; q < GL_N; q++) {
            double t = 0.5 * (a + b) + 0.5 * (b - a) * gl_x[q];
            acc += 0.5 * (b - a) * gl_w[q] * f(cos(t)) * g(cos(t - phi));
        }
    }
    return acc / (2 * QGD_PI);
}

static double one(double t) { (void)t; return 1; }

/* Moments of relu(Z) from the same rule: E relu = E[R]·⟨relu(cos)⟩, E relu² = E[R²]·⟨relu²(cos)⟩. */
static double relu_mean(void) { return sqrt(QGD_PI / 2) * angular(relu, one, 0); }
static double relu_sq(void) { return 2 * angular(relu, relu, 0); }

static double relu_dual_q(double rho)
{
    double m = relu_mean(), var = relu_sq() - m * m;
    double e = 2 * angular(relu, relu, acos(rho)); /* E[relu(u) relu(v)] */
    return (e - m * m) / var;
}

static double relu_dual_d_q(double rho)
{
    double m = relu_mean(), var = relu_sq() - m * m;
    return angular(step, step, acos(rho)) / var;
}

/* ---- the kernel, eq. (5) as a sum of products ---- */

typedef double (*DualFn)(double);

static double erf_dual_q(double rho) { return gh2(erf_sigma, erf_sigma, rho); }
static double erf_dual_d_q(double rho) { return gh2(erf_sigma_d, erf_sigma_d, rho); }

/* K(ρ) = Σ_{h=1}^{L+1} Σ⁽ʰ⁻¹⁾ Π_{h'=h}^{L} σ̇̂(Σ⁽ʰ'⁻¹⁾), Σ⁽ᵏ⁾ = σ̂ᵏ(ρ). */
static double kernel_sum(DualFn dual, DualFn dual_d, unsigned L, double rho)
{
    double *sig = malloc((L + 1) * sizeof *sig), *dot = malloc((L + 1) * sizeof *dot);
    sig[0] = rho;
    for (unsigned k = 1; k <= L; k++)
        sig[k] = dual(sig[k - 1]);
    for (unsigned k = 0; k < L; k++)
        dot[k] = dual_d(sig[k]); /* σ̇̂(Σ⁽ᵏ⁾) */
    double total = 0;
    for (unsigned h = 1; h <= L + 1; h++) {
        double prod = sig[h - 1];
        for (unsigned hp = h; hp <= L; hp++)
            prod *= dot[hp - 1];
        total += prod;
    }
    free(sig);
    free(dot);
    return total;
}

static const double rhos[] = {-1.0, -0.95, -0.6, -0.2, 0.0, 1e-6, 0.3, 0.5, 0.8, 0.95, 0.999, 1.0};
#define NRHO (sizeof rhos / sizeof *rhos)

static void setup_rules(void)
{
    static bool done;
    if (done)
        return;
    gauss_hermite(GH_N, gh_x, gh_w);
    gauss_legendre(GL_N, gl_x, gl_w);
    done = true;
}

static void test_normalisation(void)
{
    setup_rules();
    /* E σ = 0 and E σ² = 1 for the normalised activations, by quadrature */
    double m = relu_mean(), v = relu_sq() - m * m;
    ASSERT_CLOSE(m, 1 / sqrt(2 * QGD_PI), 1e-14);
    ASSERT_CLOSE(v, 0.5 - 1 / (2 * QGD_PI), 1e-14);
    ASSERT_CLOSE(erf_var(), 2 / QGD_PI * asin(2.0 / 3.0), 1e-14);
    /* σ̂(1) = Var σ = 1 and σ̂(0) = (E σ)² = 0, in the code */
    for (int a = 0; a < 2; a++) {
        ASSERT_CLOSE(ntk_dual((NtkActivation)a, 1.0), 1.0, 1e-15);
        ASSERT_CLOSE(ntk_dual((NtkActivation)a, 0.0), 0.0, 1e-15);
    }
    /* µ = 1 − (E[Zσ(Z)])², E[Z relu Z] = E[R²]⟨cos·relu(cos)⟩, E[Z erf Z] by Gauss–Hermite */
    double zr = 2 * angular(relu, relu, 0) / sqrt(v); /* cos·relu(cos) = relu(cos)² */
    double ze = 0;
    for (int i = 0; i < GH_N; i++)
        ze += gh_w[i] * sqrt(2.0) * gh_x[i] * erf_sigma(sqrt(2.0) * gh_x[i]);
    ze /= sqrt(QGD_PI);
    ASSERT_CLOSE(ntk_activation_mu(NTK_RELU), 1 - zr * zr, 1e-13);
    ASSERT_CLOSE(ntk_activation_mu(NTK_ERF), 1 - ze * ze, 1e-13);
}

static void test_duals_vs_quadrature(void)
{
    setup_rules();
    for (size_t k = 0; k < NRHO; k++) {
        double r = rhos[k];
        ASSERT_CLOSE(ntk_dual(NTK_ERF, r), erf_dual_q(r), 1e-12);
        ASSERT_CLOSE(ntk_dual_deriv(NTK_ERF, r), erf_dual_d_q(r), 1e-12);
        ASSERT_CLOSE(ntk_dual(NTK_RELU, r), relu_dual_q(r), 1e-12);
        ASSERT_CLOSE(ntk_dual_deriv(NTK_RELU, r), relu_dual_d_q(r), 1e-12);
    }
}

/* E[relu(u) relu(v)] as an iterated integral: the inner expectation over v
 * given u in closed form, E[relu(a + sZ)] = aΦ(a/s) + sφ(a/s), the outer
 * one over u > 0 by Gauss–Legendre on [0, 12] in 24 panels (the tail beyond
 * 12 is below e^(−72)). */
static double relu_relu_iterated(double rho)
{
    double s = sqrt((1 - rho) * (1 + rho)), acc = 0, h = 0.5;
    for (int panel = 0; panel < 24; panel++)
        for (int q = 0; q < GL_N; q++) {
            double u = h * panel + 0.5 * h * (1 + gl_x[q]);
            double a = rho * u, inner;
            if (s == 0)
                inner = relu(a);
            else
                inner = a * 0.5 * erfc(-a / (s * sqrt(2.0))) + s * exp(-a * a / (2 * s * s)) / sqrt(2 * QGD_PI);
            acc += 0.5 * h * gl_w[q] * u * inner * exp(-u * u / 2) / sqrt(2 * QGD_PI);
        }
    return acc;
}

static void test_relu_polar_vs_iterated(void)
{
    /* the polar reduction against a second quadrature of the same
     * expectation (plain Gauss–Hermite converges only like N^(-1/2) here) */
    setup_rules();
    double m = relu_mean(), var = relu_sq() - m * m;
    for (size_t k = 0; k < NRHO; k++) {
        double r = rhos[k];
        ASSERT_CLOSE((relu_relu_iterated(r) - m * m) / var, relu_dual_q(r), 1e-11);
    }
}

static void test_kernel_vs_quadrature(void)
{
    setup_rules();
    static const unsigned Ls[] = {1, 2, 3, 5, 10, 20};
    for (size_t li = 0; li < sizeof Ls / sizeof *Ls; li++) {
        unsigned L = Ls[li];
        double k1e = kernel_sum(erf_dual_q, erf_dual_d_q, L, 1.0), k1r = kernel_sum(relu_dual_q, relu_dual_d_q, L, 1.0);
        for (size_t k = 0; k < NRHO; k++) {
            double r = rhos[k];
            double ke = kernel_sum(erf_dual_q, erf_dual_d_q, L, r);
            double kr = kernel_sum(relu_dual_q, relu_dual_d_q, L, r);
            /* relative: K grows like c^L */
            ASSERT_CLOSE(ntk_kernel(NTK_ERF, L, r) / k1e, ke / k1e, 1e-10);
            ASSERT_CLOSE(ntk_kernel(NTK_RELU, L, r) / k1r, kr / k1r, 1e-10);
            ASSERT_CLOSE(ntk_kernel(NTK_ERF, L, 1.0), k1e, 1e-10 * k1e);
            ASSERT_CLOSE(ntk_kernel(NTK_RELU, L, 1.0), k1r, 1e-10 * k1r);
            /* the overflow-free ratio against the same */
            ASSERT_CLOSE(ntk_kernel_ratio(NTK_ERF, L, r), ke / k1e, 1e-10);
            ASSERT_CLOSE(ntk_kernel_ratio(NTK_RELU, L, r), kr / k1r, 1e-10);
        }
    }
    /* one hidden layer: the NTK is ρ σ̇̂(ρ) + σ̂(ρ). Eq. (5) as printed in the
     * paper (σ̇̂ taken one layer later) gives ρ σ̇̂(σ̂(ρ)) + σ̂(ρ) instead:
     * it must not be what the code computes */
    for (size_t k = 0; k < NRHO; k++) {
        double r = rhos[k];
        ASSERT_CLOSE(ntk_kernel(NTK_RELU, 1, r), r * relu_dual_d_q(r) + relu_dual_q(r), 1e-12);
    }
    double printed = 0.5 * relu_dual_d_q(relu_dual_q(0.5)) + relu_dual_q(0.5);
    CU_ASSERT(fabs(ntk_kernel(NTK_RELU, 1, 0.5) - printed) > 1e-2);
}

static void test_diagonal_theorem_I5(void)
{
    /* K(1) = (c^(L+1) − 1)/(c − 1), c = σ̇̂(1) (Theorem I.5) */
    for (int a = 0; a < 2; a++) {
        NtkActivation act = (NtkActivation)a;
        double c = ntk_dual_deriv(act, 1.0);
        for (unsigned L = 1; L <= 200; L += 13) {
            double want = (pow(c, L + 1.0) - 1) / (c - 1);
            ASSERT_CLOSE(ntk_kernel(act, L, 1.0) / want, 1.0, 1e-12);
            ASSERT_CLOSE(ntk_kernel_diag(act, L) / want, 1.0, 1e-13);
            ASSERT_CLOSE(ntk_kernel_diag_log10(act, L), log10(want), 1e-12);
            ASSERT_CLOSE(ntk_kernel_ratio(act, L, 1.0), 1.0, 1e-13);
        }
        /* c from quadrature too */
        setup_rules();
        ASSERT_CLOSE(c, a == NTK_ERF ? erf_dual_d_q(1.0) : relu_dual_d_q(1.0), 1e-12);
        /* far beyond double range: K(1) overflows, log10 and the ratio do not */
        CU_ASSERT(isinf(ntk_kernel_diag(act, 60000)));
        double lg = ntk_kernel_diag_log10(act, 60000);
        ASSERT_CLOSE(lg, 60001 * log10(c) - log10(c - 1), 1e-12);
        double r = ntk_kernel_ratio(act, 60000, 0.9);
        CU_ASSERT(isfinite(r) && r >= 0 && r < 1e-300);
    }
}

static void test_ratio_monotone_in_depth(void)
{
    /* the off-diagonals vanish as the network deepens (supplement I.D) */
    for (int a = 0; a < 2; a++)
        for (double r = -0.9; r < 0.95; r += 0.3) {
            double prev = 2;
            for (unsigned L = 1; L <= 400; L *= 2) {
                double v = fabs(ntk_kernel_ratio((NtkActivation)a, L, r));
                CU_ASSERT(v < prev);
                prev = v;
            }
        }
}

static void test_sparsity_pattern(void)
{
    static const uint32_t ns[] = {2, 3, 5, 8, 9, 16, 33, 64, 100};
    for (size_t t = 0; t < sizeof ns / sizeof *ns; t++) {
        uint32_t n = ns[t];
        for (uint32_t s = 0; s <= n + 1; s++) {
            uint32_t deg = ntk_sparse_degree(n, s);
            uint32_t want = s > n - 1 ? n - 1 : s;
            if ((n & 1) && (want & 1))
                want--;
            CU_ASSERT_EQUAL(deg, want);
            uint32_t *a = malloc(((size_t)n * deg + 1) * sizeof *a), *b = malloc(((size_t)n * deg + 1) * sizeof *b);
            ntk_sparsity_pattern(n, s, 7, a);
            ntk_sparsity_pattern(n, s, 7, b);
            CU_ASSERT(memcmp(a, b, (size_t)n * deg * sizeof *a) == 0); /* deterministic */
            unsigned char *m = calloc((size_t)n * n, 1);
            bool ok = true;
            for (uint32_t i = 0; i < n; i++)
                for (uint32_t k = 0; k < deg; k++) {
                    uint32_t j = a[(size_t)i * deg + k];
                    ok = ok && j < n && j != i && (k == 0 || a[(size_t)i * deg + k - 1] < j); /* sorted, distinct */
                    if (j < n)
                        m[(size_t)i * n + j] = 1;
                }
            for (uint32_t i = 0; i < n; i++)
                for (uint32_t j = 0; j < n; j++)
                    ok = ok && m[(size_t)i * n + j] == m[(size_t)j * n + i]; /* symmetric */
            CU_ASSERT(ok);
            free(a);
            free(b);
            free(m);
        }
    }
    /* another seed, another pattern */
    uint32_t a[64 * 6], b[64 * 6];
    ntk_sparsity_pattern(64, 6, 1, a);
    ntk_sparsity_pattern(64, 6, 2, b);
    CU_ASSERT(memcmp(a, b, sizeof a) != 0);
}

static void test_system_matrices(void)
{
    ProblemSet ps;
    char *diag = NULL;
    int ne = unit_compile("ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5]);"
                          " test = csv(\"ntk_small_test.csv\", classes = [3, 5]); activation = erf; L = 7;"
                          " kernel = sparse(s = 3, seed = 5, scale = 0.5); }",
                          &ps, &diag);
    if (ne)
        fprintf(stderr, "%s", diag);
    free(diag);
    CU_ASSERT_EQUAL_FATAL(ne, 0);
    const NtkProblem *p = ps.ntk[0];
    NtkSystem sys;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(ntk_system_build(p, NTK_KERNEL_SPARSE, p->s, p->sparse_seed, p->offdiag_scale, &sys, &err));
    uint32_t n = sys.n;
    CU_ASSERT_EQUAL(n, 16);
    CU_ASSERT_EQUAL(sys.deg, 3); /* s = 3 on 16 rows (n even): 3 per row */
    bool sym = true, unit = true, values = true, sparse = true;
    for (uint32_t i = 0; i < n; i++) {
        unit = unit && sys.K[(size_t)i * n + i] == 1.0 && sys.Kt[(size_t)i * n + i] == 1.0;
        for (uint32_t j = 0; j < n; j++) {
            sym = sym && sys.K[(size_t)i * n + j] == sys.K[(size_t)j * n + i] && sys.Kt[(size_t)i * n + j] == sys.Kt[(size_t)j * n + i];
            if (i == j)
                continue;
            double dot = 0;
            for (uint32_t k = 0; k < p->train.d; k++)
                dot += p->train.x[(size_t)i * p->train.d + k] * p->train.x[(size_t)j * p->train.d + k];
            double want = ntk_kernel(NTK_ERF, 7, dot) / ntk_kernel(NTK_ERF, 7, 1.0);
            values = values && fabs(sys.K[(size_t)i * n + j] - want) < 1e-13;
            bool on = false;
            for (uint32_t k = 0; k < sys.deg; k++)
                on = on || sys.pattern[(size_t)i * sys.deg + k] == j;
            double kt = sys.Kt[(size_t)i * n + j];
            sparse = sparse && (on ? kt == 0.5 * sys.K[(size_t)i * n + j] : kt == 0.0);
        }
    }
    CU_ASSERT(sym);
    CU_ASSERT(unit);
    CU_ASSERT(values);
    CU_ASSERT(sparse);
    bool kstar = true;
    for (uint32_t t = 0; t < sys.m; t++)
        for (uint32_t i = 0; i < n; i++) {
            double dot = 0;
            for (uint32_t k = 0; k < p->train.d; k++)
                dot += p->test.x[(size_t)t * p->test.d + k] * p->train.x[(size_t)i * p->train.d + k];
            kstar = kstar && fabs(sys.kstar[(size_t)t * n + i] - ntk_kernel_ratio(NTK_ERF, 7, dot)) < 1e-13;
        }
    CU_ASSERT(kstar);
    ntk_system_free(&sys);
    /* diagonal: the identity */
    CU_ASSERT_TRUE_FATAL(ntk_system_build(p, NTK_KERNEL_DIAGONAL, 0, 0, 1, &sys, &err));
    double off = 0;
    for (size_t k = 0; k < (size_t)n * n; k++)
        off += fabs(sys.Kt[k]);
    ASSERT_CLOSE(off, n, 0);
    ntk_system_free(&sys);
    problem_set_free(&ps);
}

void suite_ntk_kernel(void);
void suite_ntk_kernel(void)
{
    UNIT_SUITE("ntk kernel", {"normalisation and mu by quadrature", test_normalisation},
               {"dual activations vs quadrature", test_duals_vs_quadrature},
               {"relu: polar vs iterated quadrature", test_relu_polar_vs_iterated},
               {"kernel eq. (5) vs quadrature", test_kernel_vs_quadrature},
               {"diagonal (Theorem I.5), deep networks", test_diagonal_theorem_I5},
               {"off-diagonals vanish with depth", test_ratio_monotone_in_depth},
               {"sparsity pattern", test_sparsity_pattern}, {"kernel system matrices", test_system_matrices});
}
