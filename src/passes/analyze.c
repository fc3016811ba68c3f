/* analyze.c — see analyze.h. */
#include "passes/analyze.h"
#include "passes/carleman.h"
#include "passes/reference.h"
#include "passes/unroll.h"
#include "support/plot.h"
#include "support/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t analyze_eig_dense_max = 2500;

const char *verdict_text(Verdict v)
{
    switch (v) {
    case VERDICT_UNKNOWN: return "unknown (spectrum not computed)";
    case VERDICT_FULLY: return "fully dissipative";
    case VERDICT_ALMOST: return "almost dissipative";
    case VERDICT_NOT: return "not dissipative";
    }
    ICE("bad verdict");
}

static char *take(char **err)
{
    char *s = *err ? *err : xstrdup("refused");
    *err = NULL;
    return s;
}

/* u_C(t) for order N; fills ts. */
static void study(const GdProblem *p, int N, CarlemanForm form, const double *u_true, TruncStudy *ts)
{
    size_t len = (size_t)(p->T + 1) * p->n;
    ts->N = N;
    Carleman cm;
    char *err = NULL;
    if (!carleman_build(p, N, form, &cm, &err)) {
        ts->why = take(&err);
        return;
    }
    ts->u = xmalloc(len * sizeof *ts->u);
    if (!ref_carleman_iteration(&cm, ts->u, NULL, &err)) {
        ts->why = take(&err);
        free(ts->u);
        ts->u = NULL;
        carleman_free(&cm);
        return;
    }
    carleman_free(&cm);
    ts->err = xmalloc((size_t)(p->T + 1) * sizeof *ts->err);
    ts->max_err = 0;
    for (uint64_t t = 0; t <= p->T; t++) {
        /* a NaN or infinite difference (a trajectory that overflowed) is an
         * infinite error, never a small one */
        double e = ref_max_abs_diff(ts->u + t * p->n, u_true + t * p->n, p->n);
        ts->err[t] = isfinite(e) ? e : INFINITY;
        if (!(ts->err[t] <= ts->max_err))
            ts->max_err = ts->err[t];
    }
    ts->ok = true;
}

/* Without a constant term (F_0 = 0, no noise) C is block upper triangular
 * over the levels: block (j ← k) needs k ≥ j. Its eigenvalues are those of
 * the diagonal blocks: G_1^⊗j (exact form: products of j eigenvalues of
 * I + F_1) or I + F_1 ⊕ … ⊕ F_1 (paper form: 1 + sums of j eigenvalues of
 * F_1). Only the n × n matrix F_1 is factored, so this reaches Δ far above
 * the dense limit. */
#define ANALYZE_STRUCT_MAX 20000000u

static bool structured_eigs(Analysis *a, size_t d)
{
    const GdProblem *p = a->p;
    if (p->F[0].nnz != 0 || p->noise != NOISE_NONE || p->n > 4000 || d > ANALYZE_STRUCT_MAX)
        return false;
    size_t n = p->n;
    double *f1 = xcalloc(n * n, sizeof *f1), *lr = xmalloc(n * sizeof *lr), *li = xmalloc(n * sizeof *li);
    const Tensor *t = &p->F[1];
    for (size_t k = 0; k < t->nnz; k++)
        f1[t->row[k] * n + t->col[k]] += t->val[k];
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)n, f1, (lapack_int)n, lr, li, NULL, 1, NULL, 1);
    free(f1);
    if (info != 0) {
        free(lr);
        free(li);
        return false;
    }
    a->eig_re = xmalloc(d * sizeof(double));
    a->eig_im = xmalloc(d * sizeof(double));
    size_t k = 0;
    size_t *idx = xcalloc((size_t)a->N, sizeof *idx);
    for (int j = 1; j <= a->N; j++) {
        memset(idx, 0, (size_t)j * sizeof *idx);
        for (;;) { /* every ordered j-tuple of eigenvalue indices */
            double re, im;
            if (a->form == FORM_EXACT) {
                re = 1, im = 0;
                for (int m = 0; m < j; m++) {
                    double xr = 1 + lr[idx[m]], xi = li[idx[m]];
                    double nr = re * xr - im * xi;
                    im = re * xi + im * xr;
                    re = nr;
                }
            } else {
                re = 1, im = 0;
                for (int m = 0; m < j; m++) {
                    re += lr[idx[m]];
                    im += li[idx[m]];
                }
            }
            a->eig_re[k] = re;
            a->eig_im[k] = im;
            k++;
            int m = j - 1;
            while (m >= 0 && ++idx[m] == n)
                idx[m--] = 0;
            if (m < 0)
                break;
        }
    }
    free(idx);
    free(lr);
    free(li);
    if (k != d)
        ICE("structured spectrum has %zu eigenvalues, expected %zu", k, d);
    a->eig_method = "structured (block triangular: eigenvalues of F_1)";
    return true;
}

static void spectrum(Analysis *a, const Carleman *cm)
{
    size_t d = cm->C.rows;
    if (d > analyze_eig_dense_max) {
        if (!structured_eigs(a, d)) {
            StrBuf b = {0};
            sb_printf(&b, "Delta = %zu is above %zu, the largest the dense eigenvalue method takes "
                          "(and C is not block triangular: F_0 or noise present)", d, analyze_eig_dense_max);
            a->why_no_eig = b.s;
            return;
        }
    } else {
        double *dense = xcalloc(d * d, sizeof *dense);
        sp_to_dense(&cm->C, dense);
        a->eig_re = xmalloc(d * sizeof(double));
        a->eig_im = xmalloc(d * sizeof(double));
        lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)d, dense, (lapack_int)d, a->eig_re,
                                        a->eig_im, NULL, 1, NULL, 1);
        free(dense);
        if (info != 0) {
            StrBuf b = {0};
            sb_printf(&b, "LAPACK dgeev did not converge (info %d)", (int)info);
            a->why_no_eig = b.s;
            return;
        }
        a->eig_method = "dense (LAPACK dgeev on C)";
    }
    a->eig_ok = true;
    a->neig = d;
    for (size_t k = 0; k < d; k++) {
        double m = hypot(a->eig_re[k], a->eig_im[k]);
        if (fabs(m - 1) <= 1e-12)
            a->n_unit++;
        else if (m < 1)
            a->n_plus++;
    }
    a->n_minus = d - a->n_plus;
    a->fidelity_estimate = (double)a->n_plus / (double)d;
    /* eq. 7 over a = μ − 1: mean of |1 + a|^t over |a| ≥ cut */
    double kept = 0;
    double *pr = xcalloc(a->p->T + 1, sizeof *pr);
    for (size_t k = 0; k < d; k++) {
        double ar = a->eig_re[k] - 1, ai = a->eig_im[k];
        if (hypot(ar, ai) < a->cut)
            continue;
        double lg = log(hypot(a->eig_re[k], a->eig_im[k]));
        kept += 1;
        for (uint64_t t = 0; t <= a->p->T; t++)
            pr[t] += isfinite(lg) ? exp(lg * (double)t) : (t == 0);
    }
    if (kept > 0) {
        for (uint64_t t = 0; t <= a->p->T; t++)
            pr[t] /= kept;
        a->proxy = pr;
        a->proxy_exceeds_at = -1;
        for (uint64_t t = 1; t <= a->p->T; t++)
            if (pr[t] > 1.0) {
                a->proxy_exceeds_at = (int)t;
                break;
            }
    } else {
        free(pr);
    }
    if (a->n_minus == 0)
        a->verdict = VERDICT_FULLY;
    else if (a->n_plus > 0 && a->n_plus >= a->n_minus)
        a->verdict = VERDICT_ALMOST;
    else
        a->verdict = VERDICT_NOT;
}

static void unrolled(Analysis *a, const Carleman *cm)
{
    LinSystem s;
    char *err = NULL;
    memset(&s, 0, sizeof s);
    lin_system_shape(&s, a->p->n, a->N, a->p->T, (uint64_t)a->p->opt.idle_blocks);
    bool small = s.fits && 2 * s.dim_sz <= REF_DENSE_MAX;
    a->dim = s.fits ? s.dim_sz : 0;
    if (!small) {
        StrBuf b = {0};
        sb_puts(&b, "the unrolled system has ");
        char *txt = mpz_get_str(NULL, 10, s.dim);
        sb_printf(&b, "%s rows; the dense SVD takes at most %d", txt, REF_DENSE_MAX / 2);
        free(txt);
        a->why_no_unrolled = b.s;
        lin_system_free(&s);
        return;
    }
    lin_system_free(&s);
    memset(&s, 0, sizeof s);
    if (!unroll_build(cm, (uint64_t)a->p->opt.idle_blocks, &s, &err)) {
        a->why_no_unrolled = take(&err);
        return;
    }
    RefFiltered f;
    if (!ref_filtered(&s, a->kappa0, NULL, &f, &err)) {
        a->why_no_unrolled = take(&err);
        lin_system_free(&s);
        return;
    }
    a->unrolled_ok = true;
    a->norm_M = f.norm_M;
    a->kappa_M = f.kappa;
    a->filtered_fidelity = f.fidelity;
    a->kept = f.kept;
    a->total_eigs = 2 * f.dim;
    ref_filtered_free(&f);
    lin_system_free(&s);
}

bool analyze_problem(const GdProblem *p, const AnalyzeOptions *o, Analysis *a, char **err)
{
    memset(a, 0, sizeof *a);
    a->p = p;
    a->N = o->N > 0 ? o->N : (int)p->opt.carleman_order;
    a->N_max = o->N_max > 0 ? o->N_max : a->N;
    a->form = o->form >= 0 ? (CarlemanForm)o->form : p->opt.carleman_form;
    a->kappa_bound = kappa0_default(p->T);
    a->kappa0 = options_kappa0(&p->opt, o->kappa0, p->T);
    a->cut = o->cut;
    a->proxy_exceeds_at = -1;
    mpz_init(a->delta);
    LinLevels lv;
    lin_levels_init(&lv, p->n, a->N);
    mpz_set(a->delta, lv.delta);
    lin_levels_free(&lv);
    size_t len;
    if (!size_mul((size_t)(p->T + 1), p->n, &len) || len * sizeof(double) > mem_budget() / 4) {
        *err = xstrdup("the trajectories (T+1)·n do not fit in memory");
        return false;
    }
    a->u_true = xmalloc(len * sizeof *a->u_true);
    ref_true_iteration(p, a->u_true);
    a->true_diverges_at = -1;
    for (size_t k = 0; k < len && a->true_diverges_at < 0; k++)
        if (!isfinite(a->u_true[k]) || fabs(a->u_true[k]) > 1e100)
            a->true_diverges_at = (long long)(k / p->n);
    a->trunc = xcalloc((size_t)a->N_max, sizeof *a->trunc);
    for (int N = 1; N <= a->N_max; N++)
        study(p, N, a->form, a->u_true, &a->trunc[N - 1]);
    Carleman cm;
    char *e = NULL;
    if (!carleman_build(p, a->N, a->form, &cm, &e)) {
        a->why_not_built = take(&e);
        a->why_no_eig = xstrdup("the Carleman matrix was not built");
        a->why_no_unrolled = xstrdup("the Carleman matrix was not built");
        return true;
    }
    a->built = true;
    a->nnz_C = cm.C.nnz;
    spectrum(a, &cm);
    if (o->skip_unrolled)
        a->why_no_unrolled = xstrdup("not computed here (the caller solves the unrolled system)");
    else
        unrolled(a, &cm);
    carleman_free(&cm);
    return true;
}

void analysis_free(Analysis *a)
{
    mpz_clear(a->delta);
    free(a->u_true);
    if (a->trunc)
        for (int k = 0; k < a->N_max; k++) {
            free(a->trunc[k].u);
            free(a->trunc[k].err);
            free(a->trunc[k].why);
        }
    free(a->trunc);
    free(a->eig_re);
    free(a->eig_im);
    free(a->proxy);
    free(a->why_not_built);
    free(a->why_no_eig);
    free(a->why_no_unrolled);
    memset(a, 0, sizeof *a);
}
