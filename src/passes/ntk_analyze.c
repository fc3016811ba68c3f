/* ntk_analyze.c — see ntk_analyze.h. */
#include "passes/ntk_analyze.h"
#include "support/diag.h"
#include "support/plot.h"
#include "support/util.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double ntk_analyze_max_work = 2e10;

/* Eigenvalues (ascending) and, with vecs, eigenvectors (the columns of A)
 * of the symmetric n × n matrix A, which is overwritten. */
static bool sym_eig(double *A, uint32_t n, bool vecs, double *w, char **err)
{
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, vecs ? 'V' : 'N', 'U', (lapack_int)n, A, (lapack_int)n, w);
    if (info != 0)
        return diag_refuse(err, "the eigenvalues of a kernel matrix: LAPACKE_dsyevd failed (info = %d)", (int)info);
    return true;
}

static double abs_min(const double *w, uint32_t n)
{
    double m = INFINITY;
    for (uint32_t i = 0; i < n; i++)
        m = fmin(m, fabs(w[i]));
    return m;
}

static double abs_max(const double *w, uint32_t n)
{
    double m = 0;
    for (uint32_t i = 0; i < n; i++)
        m = fmax(m, fabs(w[i]));
    return m;
}

/* The inverse Q diag(1/w) Qᵀ from an eigendecomposition (Q in columns). */
static double *inverse_from_eig(const double *Q, const double *w, uint32_t n)
{
    size_t nn = (size_t)n * n;
    double *B = xmalloc(nn * sizeof *B), *inv = xmalloc(nn * sizeof *inv);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < n; k++)
            B[(size_t)i * n + k] = Q[(size_t)i * n + k] / w[k];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)n, 1.0, B, (int)n, Q, (int)n, 0.0, inv, (int)n);
    free(B);
    return inv;
}

/* ‖A − B‖₂ for symmetric A, B. */
static bool sym_diff_norm(const double *A, const double *B, uint32_t n, double *out, char **err)
{
    size_t nn = (size_t)n * n;
    double *D = xmalloc(nn * sizeof *D), *w = xmalloc(n * sizeof *w);
    for (size_t k = 0; k < nn; k++)
        D[k] = A[k] - B[k];
    bool ok = sym_eig(D, n, false, w, err);
    if (ok)
        *out = abs_max(w, n);
    free(D);
    free(w);
    return ok;
}

static void gershgorin(const double *A, uint32_t n, NtkApproxReport *a)
{
    double R = 0;
    uint32_t most = 0;
    for (uint32_t i = 0; i < n; i++) {
        double r = 0;
        uint32_t nz = 0;
        for (uint32_t j = 0; j < n; j++) {
            double v = A[(size_t)i * n + j];
            nz += v != 0;
            if (j != i)
                r += fabs(v);
        }
        R = fmax(R, r);
        if (nz > most)
            most = nz;
    }
    a->gersh_radius = R;
    a->gersh_kappa = R < 1 ? (1 + R) / (1 - R) : INFINITY;
    a->row_nnz_max = most;
}

/* f = k*ᵀ v for every test example, and the accuracy of sign(f). */
static void predict(const NtkSystem *sys, const NtkProblem *p, const double *v, NtkApproxReport *a)
{
    uint32_t n = sys->n, m = sys->m;
    a->f = xmalloc((m ? m : 1) * sizeof *a->f);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)n, 1.0, sys->kstar, (int)n, v, 1, 0.0, a->f, 1);
    a->correct = a->undetermined = 0;
    for (uint32_t t = 0; t < m; t++) {
        double sign = a->f[t] > 0 ? 1.0 : a->f[t] < 0 ? -1.0 : 0.0;
        a->correct += sign == p->test.y[t];
        a->undetermined += sign == 0;
    }
    a->accuracy = m ? (double)a->correct / m : NAN;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double median(double *v, uint32_t m)
{
    qsort(v, m, sizeof *v, cmp_double);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Medians over the test examples of 1/P (P = Σ k*_i²/n) and 1/⟨ŷ|v̂⟩²,
 * v = A⁻¹k*, from the f = k*ᵀA⁻¹y already computed. */
static void measurement_counts(const NtkSystem *sys, const NtkProblem *p, const double *inv, NtkApproxReport *a)
{
    uint32_t n = sys->n, m = sys->m;
    a->meas_post = a->meas_sign = NAN;
    if (m == 0)
        return;
    double yn = cblas_dnrm2((int)n, p->train.y, 1);
    double *post = xmalloc(m * sizeof *post), *sign = xmalloc(m * sizeof *sign), *w = xmalloc(n * sizeof *w);
    for (uint32_t t = 0; t < m; t++) {
        const double *ks = sys->kstar + (size_t)t * n;
        /* k* rescaled by its largest entry, so 0 ≤ k_i ≤ 1 with max 1 (Lemma
         * III.4 asks for entries in [0, 1]; the scale does not change v's
         * direction): P = Σ k_i²/(n·max k_i²) ≥ 1/n */
        double kk = cblas_ddot((int)n, ks, 1, ks, 1), kmax = 0;
        for (uint32_t i = 0; i < n; i++)
            kmax = fmax(kmax, fabs(ks[i]));
        kk = kmax > 0 ? kk / (kmax * kmax) : 0;
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)n, 1.0, inv, (int)n, ks, 1, 0.0, w, 1);
        double wn = cblas_dnrm2((int)n, w, 1), ov = wn > 0 ? a->f[t] / (yn * wn) : 0;
        post[t] = kk > 0 ? n / kk : INFINITY;
        sign[t] = ov != 0 ? 1 / (ov * ov) : INFINITY;
    }
    a->meas_post = median(post, m);
    a->meas_sign = median(sign, m);
    free(post);
    free(sign);
    free(w);
}

/* Eigendecomposition-based analysis of one approximation A (n × n); fills
 * a and, when A is invertible, returns A⁻¹ (malloc'd) through *inv. */
static bool analyse_matrix(const NtkSystem *sys, const NtkProblem *p, const double *A, NtkApproxReport *a, double **inv,
                           char **err)
{
    uint32_t n = sys->n;
    size_t nn = (size_t)n * n;
    double *Q = xmalloc(nn * sizeof *Q);
    memcpy(Q, A, nn * sizeof *Q);
    a->eig = xmalloc(n * sizeof *a->eig);
    if (!sym_eig(Q, n, true, a->eig, err)) {
        free(Q);
        return false;
    }
    a->lam_min = a->eig[0];
    a->lam_max = a->eig[n - 1];
    double lo = abs_min(a->eig, n), hi = abs_max(a->eig, n);
    a->singular = !(lo > n * DBL_EPSILON * hi);
    a->kappa = a->singular ? INFINITY : hi / lo;
    gershgorin(A, n, a);
    *inv = NULL;
    if (!a->singular) {
        *inv = inverse_from_eig(Q, a->eig, n);
        double *v = xmalloc(n * sizeof *v);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)n, 1.0, *inv, (int)n, p->train.y, 1, 0.0, v, 1);
        predict(sys, p, v, a);
        free(v);
        measurement_counts(sys, p, *inv, a);
    } else {
        a->accuracy = NAN;
    }
    free(Q);
    return true;
}

bool ntk_analyze(const NtkProblem *p, NtkReport *r, char **err)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    uint32_t n = p->train.n, m = p->test.n;
    r->n = n;
    r->m = m;
    r->d = p->train.d;
    r->c = ntk_dual_deriv(p->activation, 1.0);
    r->sparse_default = p->kernel != NTK_KERNEL_SPARSE;
    if (r->sparse_default) {
        uint32_t lg = 0;
        while (lg < 32 && (1ull << lg) < n)
            lg++;
        r->sparse_s = lg < n - 1 ? lg : n - 1;
        r->sparse_seed = 1;
        r->sparse_scale = 1;
    } else {
        r->sparse_s = p->s;
        r->sparse_seed = p->sparse_seed;
        r->sparse_scale = p->offdiag_scale;
    }
    /* the kernel: L layers for each training pair and test-training pair */
    double work = ((double)n * (n - 1) / 2 + (double)m * n) * p->L;
    if (work > ntk_analyze_max_work)
        return diag_refuse(err, "the kernel of %u training and %u test examples at depth L = %u needs %.3g layer "
                                "evaluations, more than qgdc does (%.3g); lower n, the test examples or L",
                           n, m, p->L, work, ntk_analyze_max_work);
    /* the dense work: a handful of n × n matrices beside the system's */
    double cells = 8.0 * n * (double)n + 3.0 * m * (double)n;
    if (cells * sizeof(double) > (double)mem_budget()) {
        char b1[32], b2[32];
        return diag_refuse(err, "analysing %u training examples needs %s; the memory limit is %s", n,
                           mem_human(cells * sizeof(double), b1, sizeof b1), mem_human((double)mem_budget(), b2, sizeof b2));
    }
    NtkSystem sys;
    if (!ntk_system_build(p, NTK_KERNEL_SPARSE, r->sparse_s, r->sparse_seed, r->sparse_scale, &sys, err))
        return false;
    r->sparse_deg = sys.deg;
    r->log10_k11 = sys.log10_k11;
    r->offdiag_bound = 1.0 / ((double)n * n);
    r->paper_kappa = (1.0 + 1.0 / n) / (1.0 - 1.0 / n);
    r->deep_enough = p->L >= p->L_conv;
    r->noff = (size_t)n * (n - 1) / 2;
    r->offdiag_log10 = xmalloc((r->noff ? r->noff : 1) * sizeof *r->offdiag_log10);
    size_t k = 0;
    r->offdiag_max = -1;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            double v = fabs(sys.K[(size_t)i * n + j]);
            if (v > r->offdiag_max) {
                r->offdiag_max = v;
                r->offdiag_i = i;
                r->offdiag_j = j;
            }
            if (v > 0)
                r->offdiag_log10[k++] = log10(v);
            double dij = 1 - fabs(sys.rho[(size_t)i * n + j]);
            double bound = dij < 0.5 ? pow(p->delta / (dij * n), 2) : pow(p->delta / n, 2);
            r->lemma16_violations += v > bound * (1 + 1e-12);
        }
    r->noff = k;
    size_t nn = (size_t)n * n;
    bool ok = true;
    double *Kinv = NULL, *Sinv = NULL;
    NtkApproxReport *ex = &r->approx[NTK_KERNEL_EXACT], *sp = &r->approx[NTK_KERNEL_SPARSE],
                    *dg = &r->approx[NTK_KERNEL_DIAGONAL];
    ex->kind = NTK_KERNEL_EXACT;
    sp->kind = NTK_KERNEL_SPARSE;
    dg->kind = NTK_KERNEL_DIAGONAL;
    ok = analyse_matrix(&sys, p, sys.K, ex, &Kinv, err) && analyse_matrix(&sys, p, sys.Kt, sp, &Sinv, err);
    /* the diagonal approximation: K̃ = I, K̃⁻¹y = y */
    if (ok) {
        dg->eig = xmalloc(n * sizeof *dg->eig);
        for (uint32_t i = 0; i < n; i++)
            dg->eig[i] = 1;
        dg->lam_min = dg->lam_max = dg->kappa = dg->gersh_kappa = 1;
        dg->row_nnz_max = 1;
        predict(&sys, p, p->train.y, dg);
    }
    double normK = ok ? abs_max(ex->eig, n) : 0, kinv_norm = ok && !ex->singular ? 1 / abs_min(ex->eig, n) : NAN;
    ex->inv_err = ex->inv_bound = ex->singular ? NAN : 0;
    if (ok) {
        double e;
        ok = sym_diff_norm(sys.Kt, sys.K, n, &e, err);
        sp->inv_bound = ex->kappa * e / normK;
        double dmax = 0;
        for (uint32_t i = 0; i < n; i++)
            dmax = fmax(dmax, fabs(1 - ex->eig[i]));
        dg->inv_bound = ex->kappa * dmax / normK;
    }
    if (ok && Kinv && Sinv) {
        double e;
        ok = sym_diff_norm(Sinv, Kinv, n, &e, err);
        sp->inv_err = e / kinv_norm;
    } else {
        sp->inv_err = NAN;
    }
    if (ok && Kinv) {
        /* I and K share eigenvectors: ‖I − K⁻¹‖ = max |1 − 1/λ| */
        double e = 0;
        for (uint32_t i = 0; i < n; i++)
            e = fmax(e, fabs(1 - 1 / ex->eig[i]));
        dg->inv_err = e / kinv_norm;
    } else {
        dg->inv_err = NAN;
    }
    for (int a = 0; ok && a < 3; a++) {
        NtkApproxReport *x = &r->approx[a];
        x->agree = 0;
        if (x->f && ex->f)
            for (uint32_t t = 0; t < m; t++)
                x->agree += (x->f[t] > 0) == (ex->f[t] > 0);
    }
    (void)nn;
    free(Kinv);
    free(Sinv);
    ntk_system_free(&sys);
    if (!ok)
        ntk_report_free(r);
    return ok;
}

void ntk_report_free(NtkReport *r)
{
    for (int a = 0; a < 3; a++) {
        free(r->approx[a].f);
        free(r->approx[a].eig);
    }
    free(r->offdiag_log10);
    memset(r, 0, sizeof *r);
}
