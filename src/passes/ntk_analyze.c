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

/* ---- text ---- */

static const char *num(double x, char *buf, size_t len)
{
    if (isnan(x))
        snprintf(buf, len, "-");
    else if (isinf(x))
        snprintf(buf, len, "inf");
    else if (x > 1 && x < 1.001) /* a condition number near 1: show how near */
        snprintf(buf, len, "1+%.3g", x - 1);
    else
        snprintf(buf, len, "%.4g", x);
    return buf;
}

void ntk_report_print(const NtkReport *r, FILE *out)
{
    const NtkProblem *p = r->p;
    char b1[40], b2[40], b3[40], b4[40], b5[40], b6[40], b7[40];
    fprintf(out, "ntk %s: %s, L = %u, n = %u training, m = %u test, d = %u\n", p->name,
            ntk_activation_name(p->activation), p->L, r->n, r->m, r->d);
    fprintf(out, "  coefficient of nonlinearity mu   %.6g\n", p->mu);
    fprintf(out, "  separability delta               %.6g (training examples %u and %u)\n", p->delta, p->delta_i,
            p->delta_j);
    fprintf(out, "  L_conv = 8 log(n/delta)/mu       %.6g; L = %u is %.3g L_conv%s\n", p->L_conv, p->L, p->L / p->L_conv,
            r->deep_enough ? "" : ": the paper's bounds assume L >= L_conv");
    fprintf(out, "  K_11 = (c^(L+1) - 1)/(c - 1)     10^%.4g (c = %.6g)\n", r->log10_k11, r->c);
    fprintf(out, "  largest |K_ij|/K_11, i != j      %.4g (examples %u and %u); Cor. I.7 bound 1/n^2 = %.4g: %s\n",
            r->offdiag_max, r->offdiag_i, r->offdiag_j, r->offdiag_bound,
            r->offdiag_max <= r->offdiag_bound ? "holds" : "exceeded");
    fprintf(out, "  Lemma I.6 element bounds         %s",
            r->lemma16_violations ? "exceeded by " : "hold for every pair\n");
    if (r->lemma16_violations)
        fprintf(out, "%llu of %llu pairs\n", (unsigned long long)r->lemma16_violations,
                (unsigned long long)r->n * (r->n - 1) / 2);
    fprintf(out, "  sparse pattern                   s = %u asked, %u off-diagonals per row, seed %llu, scale %s%s\n",
            r->sparse_s, r->sparse_deg, (unsigned long long)r->sparse_seed, fmt_double(r->sparse_scale, b1, sizeof b1),
            r->sparse_default ? " (defaults: the problem's kernel is not sparse)" : "");
    fputs("\n  kernel      row nnz  lambda_min  lambda_max       kappa  Gershgorin  |Kt^-1 - K^-1|  Lemma II.1  "
          "test accuracy  agrees with exact\n"
          "                                                           kappa <=       / |K^-1|      bound\n",
          out);
    for (int a = 0; a < 3; a++) {
        const NtkApproxReport *x = &r->approx[a];
        char acc[64];
        if (x->f)
            snprintf(acc, sizeof acc, "%.4f (%u/%u)", x->accuracy, x->correct, r->m);
        else
            snprintf(acc, sizeof acc, "- (singular)");
        char agree[32];
        if (x->f && r->approx[0].f)
            snprintf(agree, sizeof agree, "%u/%u", x->agree, r->m);
        else
            snprintf(agree, sizeof agree, "-");
        fprintf(out, "  %-8s %s %7u  %10s  %10s  %10s  %10s  %14s  %10s  %-15s %s\n", ntk_kernel_name(x->kind),
                (int)p->kernel == a ? "*" : " ", x->row_nnz_max, num(x->lam_min, b1, sizeof b1),
                num(x->lam_max, b2, sizeof b2), num(x->kappa, b3, sizeof b3), num(x->gersh_kappa, b4, sizeof b4),
                num(x->inv_err, b5, sizeof b5), num(x->inv_bound, b6, sizeof b6), acc, agree);
    }
    for (int a = 0; a < 3; a++)
        if (r->approx[a].undetermined)
            fprintf(out, "  %s: %u test predictions are exactly 0 (every k*_i underflowed at this depth) and count as "
                         "wrong\n",
                    ntk_kernel_name((NtkKernelKind)a), r->approx[a].undetermined);
    {
        const NtkApproxReport *x = &r->approx[p->kernel];
        if (x->f)
            fprintf(out, "  quantum measurements (%s kernel, medians over the test examples): 1/P = %.4g for the "
                         "amplitude encoding of k* (Lemma III.4), 1/<y|v>^2 = %.4g for the sign (Lemma III.7)\n",
                    ntk_kernel_name(x->kind), x->meas_post, x->meas_sign);
    }
    fprintf(out, "  (* the problem's kernel)\n  paper: kappa <= (1 + 1/n)/(1 - 1/n) = %s for L >= L_conv (Cor. I.10, II.6)%s\n",
            num(r->paper_kappa, b7, sizeof b7), r->deep_enough ? "" : "; here L < L_conv");
}

/* ---- JSON ---- */

void ntk_report_json(const NtkReport *r, JsonWriter *w)
{
    const NtkProblem *p = r->p;
    json_object(w);
    json_key(w, "name");
    json_string(w, p->name);
    json_key(w, "kind");
    json_string(w, "ntk");
    json_key(w, "activation");
    json_string(w, ntk_activation_name(p->activation));
    json_key(w, "L");
    json_uint(w, p->L);
    json_key(w, "n");
    json_uint(w, r->n);
    json_key(w, "m");
    json_uint(w, r->m);
    json_key(w, "d");
    json_uint(w, r->d);
    json_key(w, "mu");
    json_double(w, p->mu);
    json_key(w, "delta");
    json_double(w, p->delta);
    json_key(w, "L_conv");
    json_double(w, p->L_conv);
    json_key(w, "deep_enough");
    json_bool(w, r->deep_enough);
    json_key(w, "log10_K11");
    json_double(w, r->log10_k11);
    json_key(w, "c");
    json_double(w, r->c);
    json_key(w, "offdiag_max");
    json_double(w, r->offdiag_max);
    json_key(w, "offdiag_bound");
    json_double(w, r->offdiag_bound);
    json_key(w, "lemma_I6_violations");
    json_uint(w, r->lemma16_violations);
    json_key(w, "paper_kappa_bound");
    json_double(w, r->paper_kappa);
    json_key(w, "problem_kernel");
    json_string(w, ntk_kernel_name(p->kernel));
    json_key(w, "sparse");
    json_object(w);
    json_key(w, "s");
    json_uint(w, r->sparse_s);
    json_key(w, "per_row");
    json_uint(w, r->sparse_deg);
    json_key(w, "seed");
    json_uint(w, r->sparse_seed);
    json_key(w, "scale");
    json_double(w, r->sparse_scale);
    json_key(w, "defaults");
    json_bool(w, r->sparse_default);
    json_end(w);
    json_key(w, "kernels");
    json_object(w);
    for (int a = 0; a < 3; a++) {
        const NtkApproxReport *x = &r->approx[a];
        json_key(w, ntk_kernel_name(x->kind));
        json_object(w);
        json_key(w, "singular");
        json_bool(w, x->singular);
        json_key(w, "lambda_min");
        json_double(w, x->lam_min);
        json_key(w, "lambda_max");
        json_double(w, x->lam_max);
        json_key(w, "kappa");
        json_double(w, x->kappa);
        json_key(w, "gershgorin_radius");
        json_double(w, x->gersh_radius);
        json_key(w, "gershgorin_kappa");
        json_double(w, x->gersh_kappa);
        json_key(w, "row_nnz_max");
        json_uint(w, x->row_nnz_max);
        json_key(w, "inverse_error");
        json_double(w, x->inv_err);
        json_key(w, "inverse_error_bound");
        json_double(w, x->inv_bound);
        json_key(w, "accuracy");
        json_double(w, x->accuracy);
        json_key(w, "measurements_post");
        json_double(w, x->f ? x->meas_post : NAN);
        json_key(w, "measurements_sign");
        json_double(w, x->f ? x->meas_sign : NAN);
        json_key(w, "correct");
        json_uint(w, x->correct);
        json_key(w, "undetermined");
        json_uint(w, x->undetermined);
        json_key(w, "agree_with_exact");
        json_uint(w, x->agree);
        json_key(w, "f");
        if (x->f) {
            json_array_compact(w);
            for (uint32_t t = 0; t < r->m; t++)
                json_double(w, x->f[t]);
            json_end(w);
        } else {
            json_null(w);
        }
        json_end(w);
    }
    json_end(w);
    json_end(w);
}

/* ---- plots ---- */

static bool write_plot(const char *dir, const char *name, const Plot *pl, FILE *log)
{
    StrBuf path = {0};
    sb_printf(&path, "%s/%s", dir, name);
    bool ok = plot_lines_svg(path.s, pl);
    if (ok && log)
        fprintf(log, "wrote %s\n", path.s);
    sb_free(&path);
    return ok;
}

bool ntk_report_plots(const NtkReport *r, const char *dir, FILE *log)
{
    const NtkProblem *p = r->p;
    StrBuf path = {0}, title = {0};
    bool ok = true;
    if (r->noff > 0) {
        sb_printf(&path, "%s/%s_ntk_offdiag.svg", dir, p->name);
        sb_printf(&title, "%s: off-diagonal NTK elements (L = %u, n = %u)", p->name, p->L, r->n);
        ok = plot_histogram_svg(path.s, title.s, "log10 |K_ij| / K_11", r->offdiag_log10, r->noff, 40, 0, 0, false);
        if (ok && log)
            fprintf(log, "wrote %s\n", path.s);
    }
    sb_free(&path);
    sb_free(&title);
    if (!ok)
        return false;
    double *x = xmalloc(r->n * sizeof *x);
    for (uint32_t i = 0; i < r->n; i++)
        x[i] = i;
    PlotSeries se[2] = {{"exact K", x, r->approx[0].eig, r->n, false}, {"sparse K~", x, r->approx[1].eig, r->n, false}};
    sb_printf(&title, "%s: eigenvalues of K/K_11 and K~/K_11", p->name);
    sb_printf(&path, "%s_ntk_spectrum.svg", p->name);
    Plot pl = {title.s, "index", "eigenvalue", false, false, se, 2, 1.0, "1", 0, 0};
    ok = write_plot(dir, path.s, &pl, log);
    sb_free(&title);
    sb_free(&path);
    free(x);
    return ok;
}

bool ntk_compare_plots(const NtkReport *r, int count, const char *dir, FILE *log)
{
    if (count < 2)
        return true;
    uint32_t *ns = xmalloc((size_t)count * sizeof *ns);
    for (int i = 0; i < count; i++)
        ns[i] = r[i].n;
    qsort(ns, (size_t)count, sizeof *ns, cmp_u32);
    int k = 0;
    for (int i = 0; i < count; i++)
        if (i == 0 || ns[i] != ns[i - 1])
            ns[k++] = ns[i];
    double *x = xmalloc((size_t)k * sizeof *x), *acc[3], *kap[3], *bound = xmalloc((size_t)k * sizeof *bound);
    for (int a = 0; a < 3; a++) {
        acc[a] = xcalloc((size_t)k, sizeof *acc[a]);
        kap[a] = xcalloc((size_t)k, sizeof *kap[a]);
    }
    for (int g = 0; g < k; g++) {
        x[g] = ns[g];
        bound[g] = (1.0 + 1.0 / ns[g]) / (1.0 - 1.0 / ns[g]) - 1;
        for (int a = 0; a < 3; a++) {
            int cnt = 0;
            for (int i = 0; i < count; i++)
                if (r[i].n == ns[g]) {
                    acc[a][g] += r[i].approx[a].accuracy;
                    kap[a][g] += r[i].approx[a].kappa - 1;
                    cnt++;
                }
            acc[a][g] /= cnt;
            kap[a][g] /= cnt;
        }
    }
    PlotSeries sa[3] = {{"exact", x, acc[0], (size_t)k, false},
                        {"sparse", x, acc[1], (size_t)k, false},
                        {"diagonal", x, acc[2], (size_t)k, false}};
    Plot pa = {"test accuracy of the NTK predictors (mean over problems with the same n)", "training examples n",
               "test accuracy", true, false, sa, 3, NAN, NULL, 0, 0};
    PlotSeries sk[3] = {{"exact K", x, kap[0], (size_t)k, false},
                        {"sparse K~", x, kap[1], (size_t)k, false},
                        {"paper bound", x, bound, (size_t)k, false}};
    Plot pk = {"condition number against n (mean over problems with the same n)", "training examples n", "kappa - 1",
               true, true, sk, 3, NAN, NULL, 0, 0};
    bool ok = write_plot(dir, "ntk_accuracy.svg", &pa, log) && write_plot(dir, "ntk_kappa.svg", &pk, log);
    for (int a = 0; a < 3; a++) {
        free(acc[a]);
        free(kap[a]);
    }
    free(x);
    free(bound);
    free(ns);
    return ok;
}
