/* ntk_kernel.c — see ntk_kernel.h. */
#include "passes/ntk_kernel.h"
#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

#include <gsl/gsl_cblas.h> /* the declarations; OpenBLAS provides the code */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double clamp1(double rho) { return rho > 1 ? 1 : rho < -1 ? -1 : rho; }

double ntk_dual(NtkActivation a, double rho)
{
    rho = clamp1(rho);
    if (a == NTK_ERF)
        return asin(2.0 * rho / 3.0) / asin(2.0 / 3.0);
    /* √(1−ρ²) − 1 = −ρ²/(1 + √(1−ρ²)) and π − arccos ρ = π/2 + arcsin ρ:
     * no cancellation for small ρ, where deep layers drive the correlation */
    double root = sqrt((1.0 - rho) * (1.0 + rho));
    return (-rho * rho / (1.0 + root) + (QGD_PI / 2 + asin(rho)) * rho) / (QGD_PI - 1.0);
}

double ntk_dual_deriv(NtkActivation a, double rho)
{
    rho = clamp1(rho);
    if (a == NTK_ERF)
        return 2.0 / (sqrt(9.0 - 4.0 * rho * rho) * asin(2.0 / 3.0));
    return (QGD_PI / 2 + asin(rho)) / (QGD_PI - 1.0);
}

double ntk_kernel(NtkActivation a, uint32_t L, double rho)
{
    double sig = clamp1(rho), theta = sig;
    for (uint32_t h = 1; h <= L; h++) {
        double dot = ntk_dual_deriv(a, sig);
        sig = ntk_dual(a, sig);
        theta = theta * dot + sig;
    }
    return theta;
}

double ntk_kernel_diag(NtkActivation a, uint32_t L)
{
    double c = ntk_dual_deriv(a, 1.0);
    return (pow(c, (double)L + 1) - 1) / (c - 1);
}

double ntk_kernel_diag_log10(NtkActivation a, uint32_t L)
{
    double c = ntk_dual_deriv(a, 1.0);
    double e = ((double)L + 1) * log10(c); /* c^(L+1) = 10^e */
    return e + log10(-expm1(-e * log(10.0))) - log10(c - 1);
}

double ntk_kernel_ratio(NtkActivation a, uint32_t L, double rho)
{
    /* r_h = Θ⁽ʰ⁾/D_h with D_h = K(1) at depth h: D_0 = 1, D_h = c D_(h−1) + 1,
     * kept as 1/D_h so that nothing overflows */
    double c = ntk_dual_deriv(a, 1.0);
    double sig = clamp1(rho), r = sig, inv = 1.0;
    for (uint32_t h = 1; h <= L; h++) {
        double dot = ntk_dual_deriv(a, sig);
        sig = ntk_dual(a, sig);
        double w = 1.0 / (c + inv); /* D_(h−1)/D_h */
        inv *= w;
        r = r * dot * w + sig * inv;
        /* below the normal range the decay would stall on subnormals that
         * round up (dot·w a hair over 1/2): the ratio only shrinks with
         * depth, so it is 0 to double precision from here on */
        if (fabs(r) < DBL_MIN)
            return 0.0;
    }
    return r;
}

/* ---- the sparsity pattern ---- */

void ntk_sparsity_pattern(uint32_t n, uint32_t s, uint64_t seed, uint32_t *cols)
{
    uint32_t deg = ntk_sparse_degree(n, s);
    if (deg == 0)
        return;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, (unsigned long)seed);
    uint32_t *perm = xmalloc(n * sizeof *perm), *inv = xmalloc(n * sizeof *inv);
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    gsl_ran_shuffle(g, perm, n, sizeof *perm);
    for (uint32_t i = 0; i < n; i++)
        inv[perm[i]] = i;
    /* offsets o in 1..⌊(n−1)/2⌋ give two neighbours each (±o); n/2, for even
     * n, gives one */
    uint32_t half = (n - 1) / 2, pairs = deg / 2;
    uint32_t *cand = xmalloc((half ? half : 1) * sizeof *cand), *off = xmalloc((pairs ? pairs : 1) * sizeof *off);
    for (uint32_t k = 0; k < half; k++)
        cand[k] = k + 1;
    if (pairs)
        gsl_ran_choose(g, off, pairs, cand, half, sizeof *cand);
    gsl_rng_free(g);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p = perm[i], *row = cols + (size_t)i * deg, k = 0;
        for (uint32_t q = 0; q < pairs; q++) {
            row[k++] = inv[(p + off[q]) % n];
            row[k++] = inv[(p + n - off[q]) % n];
        }
        if (deg & 1)
            row[k++] = inv[(p + n / 2) % n];
        qsort(row, deg, sizeof *row, cmp_u32);
    }
    free(perm);
    free(inv);
    free(cand);
    free(off);
}

/* ---- the system ---- */

/* Kernel entries below which the entry loops run serially (an entry costs
 * L evaluations of the arc-cosine recursion, some 10-100 ns). */
#define NTK_PAR_MIN 16384

void ntk_system_free(NtkSystem *sys)
{
    free(sys->K);
    free(sys->Kt);
    free(sys->pattern);
    free(sys->kstar);
    free(sys->rho);
    free(sys->rho_star);
    memset(sys, 0, sizeof *sys);
}

bool ntk_system_build(const NtkProblem *p, NtkKernelKind kind, uint32_t s, uint64_t seed, double scale, NtkSystem *out,
                      char **err)
{
    memset(out, 0, sizeof *out);
    uint32_t n = p->train.n, m = p->test.n, d = p->train.d;
    double cells = 3.0 * n * (double)n + 2.0 * m * (double)n;
    if (cells * sizeof(double) > (double)mem_budget()) {
        char b1[32], b2[32];
        return diag_refuse(err, "the kernel matrices of %u training and %u test examples need %s; the memory limit is %s", n,
                           m, mem_human(cells * sizeof(double), b1, sizeof b1),
                           mem_human((double)mem_budget(), b2, sizeof b2));
    }
    size_t nn = (size_t)n * n, mn = (size_t)m * n;
    out->n = n;
    out->m = m;
    out->kind = kind;
    out->rho = xmalloc(nn * sizeof *out->rho);
    out->rho_star = xmalloc((mn ? mn : 1) * sizeof *out->rho_star);
    out->K = xmalloc(nn * sizeof *out->K);
    out->Kt = xcalloc(nn, sizeof *out->Kt);
    out->kstar = xmalloc((mn ? mn : 1) * sizeof *out->kstar);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)d, 1.0, p->train.x, (int)d, p->train.x, (int)d,
                0.0, out->rho, (int)n);
    if (m)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)d, 1.0, p->test.x, (int)d, p->train.x,
                    (int)d, 0.0, out->rho_star, (int)n);
    NtkActivation a = p->activation;
    uint32_t L = p->L;
    double *K = out->K, *rho = out->rho;
    /* in parallel only when there are NTK_PAR_MIN entries or more: below, a
     * thread's share is too small to pay for waking it */
#pragma omp parallel for schedule(dynamic, 8) if ((uint64_t)n * n / 2 >= NTK_PAR_MIN)
    for (uint32_t i = 0; i < n; i++) {
        K[(size_t)i * n + i] = 1.0;
        for (uint32_t j = i + 1; j < n; j++) {
            double r = 0.5 * (rho[(size_t)i * n + j] + rho[(size_t)j * n + i]); /* exactly symmetric */
            K[(size_t)i * n + j] = K[(size_t)j * n + i] = ntk_kernel_ratio(a, L, r);
        }
    }
    double *ks = out->kstar, *rs = out->rho_star;
#pragma omp parallel for schedule(dynamic, 8) if ((uint64_t)m * n >= NTK_PAR_MIN)
    for (uint32_t t = 0; t < m; t++)
        for (uint32_t i = 0; i < n; i++)
            ks[(size_t)t * n + i] = ntk_kernel_ratio(a, L, rs[(size_t)t * n + i]);
    out->k11 = ntk_kernel_diag(a, L);
    out->log10_k11 = ntk_kernel_diag_log10(a, L);
    for (uint32_t i = 0; i < n; i++)
        out->Kt[(size_t)i * n + i] = 1.0;
    if (kind == NTK_KERNEL_EXACT) {
        memcpy(out->Kt, K, nn * sizeof *K);
    } else if (kind == NTK_KERNEL_SPARSE) {
        out->deg = ntk_sparse_degree(n, s);
        out->pattern = xmalloc(((size_t)n * out->deg + 1) * sizeof *out->pattern);
        ntk_sparsity_pattern(n, s, seed, out->pattern);
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t k = 0; k < out->deg; k++) {
                uint32_t j = out->pattern[(size_t)i * out->deg + k];
                out->Kt[(size_t)i * n + j] = scale * K[(size_t)i * n + j];
            }
    }
    return true;
}
