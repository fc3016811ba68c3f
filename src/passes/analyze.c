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
    a->kappa_bound = 2.0 * ((double)p->T + 1);
    a->kappa0 = o->kappa0 > 0 ? o->kappa0 : p->opt.kappa0 > 0 ? p->opt.kappa0 : a->kappa_bound;
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

/* ---- output ---- */

static const char *form_text(CarlemanForm f) { return f == FORM_PAPER ? "paper" : "exact"; }

void analysis_print(const Analysis *a, FILE *out)
{
    const GdProblem *p = a->p;
    size_t nnz_F = 0;
    for (unsigned l = 0; l <= p->q; l++)
        nnz_F += p->F[l].nnz;
    fprintf(out, "problem %s\n", p->name);
    fprintf(out, "  %-28s %u\n", "parameters n", p->n);
    fprintf(out, "  %-28s %u\n", "degree q", p->q);
    fprintf(out, "  %-28s %llu\n", "steps T", (unsigned long long)p->T);
    fprintf(out, "  %-28s %zu\n", "nonzeros of F_0..F_q", nnz_F);
    fprintf(out, "  %-28s %d (%s form)\n", "Carleman order N", a->N, form_text(a->form));
    fprintf(out, "  %-28s ", "Delta = n + ... + n^N");
    mpz_out_str(out, 10, a->delta);
    fputc('\n', out);
    if (a->built)
        fprintf(out, "  %-28s %zu\n", "nonzeros of C", a->nnz_C);
    else
        fprintf(out, "  %-28s not built: %s\n", "Carleman matrix C", a->why_not_built);
    if (a->true_diverges_at >= 0)
        fprintf(out, "  %-28s diverges (|u| > 1e100) at t = %lld\n", "true iteration", a->true_diverges_at);
    fputs("\n  truncation error  max_t max_i |u_Carleman(t) - u(t)|\n", out);
    fputs("      N   max error     error at T    first t with error > 0.01\n", out);
    for (int k = 0; k < a->N_max; k++) {
        const TruncStudy *ts = &a->trunc[k];
        long long first = -1;
        for (uint64_t t = 0; ts->ok && t <= p->T && first < 0; t++)
            if (!(ts->err[t] <= 0.01))
                first = (long long)t;
        char when[32];
        if (first >= 0)
            snprintf(when, sizeof when, "%lld", first);
        else
            snprintf(when, sizeof when, "never (T = %llu)", (unsigned long long)p->T);
        if (ts->ok)
            fprintf(out, "    %3d   %-12.3e  %-12.3e  %s\n", ts->N, ts->max_err, ts->err[p->T], when);
        else
            fprintf(out, "    %3d   not computed: %s\n", ts->N, ts->why);
    }
    fputs("\n  spectrum of C (eigenvalues mu = 1 + a)\n", out);
    if (a->eig_ok) {
        double mx = 0, mn = INFINITY;
        for (size_t k = 0; k < a->neig; k++) {
            double m = hypot(a->eig_re[k], a->eig_im[k]);
            mx = fmax(mx, m);
            mn = fmin(mn, m);
        }
        fprintf(out, "    %-26s %s\n", "method", a->eig_method);
        fprintf(out, "    %-26s %zu of %zu\n", "dissipative Delta+ |mu|<1", a->n_plus, a->neig);
        fprintf(out, "    %-26s %zu (of which %zu with |mu| = 1)\n", "Delta- = Delta - Delta+", a->n_minus, a->n_unit);
        fprintf(out, "    %-26s %.3f .. %.6f\n", "|mu| range", mn, mx);
        fprintf(out, "    %-26s %.4f\n", "fidelity est. (eq. II.93)", a->fidelity_estimate);
        if (a->proxy) {
            fprintf(out, "    error proxy (eq. 7, cut %g):", a->cut);
            uint64_t step = p->T <= 10 ? 1 : (p->T + 9) / 10;
            for (uint64_t t = 0; t <= p->T; t += step)
                fprintf(out, "  t=%llu: %.3g", (unsigned long long)t, a->proxy[t]);
            fputc('\n', out);
        }
    } else {
        fprintf(out, "    not computed: %s\n", a->why_no_eig);
    }
    fputs("\n  unrolled system M (eq. 6)\n", out);
    if (a->unrolled_ok) {
        fprintf(out, "    %-26s %zu\n", "rows (padded)", a->dim);
        fprintf(out, "    %-26s %.4g\n", "||M||_2", a->norm_M);
        fprintf(out, "    %-26s %.4g   (bound 2(T+1) = %g: %s)\n", "kappa(M)", a->kappa_M, a->kappa_bound,
                a->kappa_M <= a->kappa_bound ? "within" : "EXCEEDED");
        fprintf(out, "    %-26s %g: %zu of %zu eigenvalues of the dilation kept, fidelity %.6f\n", "filter kappa0",
                a->kappa0, a->kept, a->total_eigs, a->filtered_fidelity);
    } else {
        fprintf(out, "    not computed: %s\n", a->why_no_unrolled);
    }
    fprintf(out, "\n  verdict: %s", verdict_text(a->verdict));
    if (a->verdict == VERDICT_ALMOST) {
        if (a->proxy_exceeds_at > 0)
            fprintf(out, "; the error proxy returns above 1 at t = %d, so the estimate holds up to T = %d",
                    a->proxy_exceeds_at, a->proxy_exceeds_at - 1);
        else
            fprintf(out, "; the error proxy stays at or below 1 up to T = %llu", (unsigned long long)p->T);
    } else if (a->verdict == VERDICT_NOT) {
        fputs("; divergent modes dominate and the truncation error grows with t", out);
    }
    if (a->true_diverges_at >= 0)
        fprintf(out, "; the true iteration itself diverges at t = %lld", a->true_diverges_at);
    fputc('\n', out);
}

static void json_series(JsonWriter *w, const double *v, size_t n)
{
    json_array_compact(w);
    for (size_t i = 0; i < n; i++)
        json_double(w, v[i]);
    json_end(w);
}

static void json_traj(JsonWriter *w, const double *u, uint64_t T, uint32_t n)
{
    json_array(w);
    for (uint64_t t = 0; t <= T; t++)
        json_series(w, u + t * n, n);
    json_end(w);
}

void analysis_json(const Analysis *a, JsonWriter *w)
{
    const GdProblem *p = a->p;
    json_object(w);
    json_key(w, "name");
    json_string(w, p->name);
    json_key(w, "n");
    json_uint(w, p->n);
    json_key(w, "q");
    json_uint(w, p->q);
    json_key(w, "T");
    json_uint(w, p->T);
    json_key(w, "N");
    json_int(w, a->N);
    json_key(w, "form");
    json_string(w, form_text(a->form));
    json_key(w, "delta");
    json_mpz(w, a->delta);
    json_key(w, "nnz_C");
    if (a->built)
        json_uint(w, a->nnz_C);
    else
        json_null(w);
    json_key(w, "true_diverges_at");
    if (a->true_diverges_at >= 0)
        json_int(w, a->true_diverges_at);
    else
        json_null(w);
    json_key(w, "u_true");
    json_traj(w, a->u_true, p->T, p->n);
    json_key(w, "truncation");
    json_array(w);
    for (int k = 0; k < a->N_max; k++) {
        const TruncStudy *ts = &a->trunc[k];
        json_object(w);
        json_key(w, "N");
        json_int(w, ts->N);
        if (ts->ok) {
            json_key(w, "max_error");
            json_double(w, ts->max_err);
            json_key(w, "error_t");
            json_series(w, ts->err, p->T + 1);
            json_key(w, "u_carleman");
            json_traj(w, ts->u, p->T, p->n);
        } else {
            json_key(w, "not_computed");
            json_string(w, ts->why);
        }
        json_end(w);
    }
    json_end(w);
    json_key(w, "spectrum");
    json_object(w);
    if (a->eig_ok) {
        json_key(w, "method");
        json_string(w, a->eig_method);
        json_key(w, "dissipative");
        json_uint(w, a->n_plus);
        json_key(w, "divergent");
        json_uint(w, a->n_minus);
        json_key(w, "unit_modulus");
        json_uint(w, a->n_unit);
        json_key(w, "fidelity_estimate");
        json_double(w, a->fidelity_estimate);
        json_key(w, "eigenvalues");
        json_array(w);
        for (size_t k = 0; k < a->neig; k++) {
            json_array_compact(w);
            json_double(w, a->eig_re[k]);
            json_double(w, a->eig_im[k]);
            json_end(w);
        }
        json_end(w);
        json_key(w, "proxy_cut");
        json_double(w, a->cut);
        json_key(w, "proxy");
        if (a->proxy)
            json_series(w, a->proxy, p->T + 1);
        else
            json_null(w);
        json_key(w, "proxy_exceeds_at");
        if (a->proxy_exceeds_at > 0)
            json_int(w, a->proxy_exceeds_at);
        else
            json_null(w);
    } else {
        json_key(w, "not_computed");
        json_string(w, a->why_no_eig);
    }
    json_end(w);
    json_key(w, "unrolled");
    json_object(w);
    if (a->unrolled_ok) {
        json_key(w, "rows");
        json_uint(w, a->dim);
        json_key(w, "norm_M");
        json_double(w, a->norm_M);
        json_key(w, "kappa_M");
        json_double(w, a->kappa_M);
        json_key(w, "kappa_bound");
        json_double(w, a->kappa_bound);
        json_key(w, "kappa0");
        json_double(w, a->kappa0);
        json_key(w, "kept");
        json_uint(w, a->kept);
        json_key(w, "of");
        json_uint(w, a->total_eigs);
        json_key(w, "filtered_fidelity");
        json_double(w, a->filtered_fidelity);
    } else {
        json_key(w, "not_computed");
        json_string(w, a->why_no_unrolled);
    }
    json_end(w);
    json_key(w, "verdict");
    json_string(w, a->verdict == VERDICT_FULLY ? "fully dissipative" : a->verdict == VERDICT_ALMOST ? "almost dissipative"
                   : a->verdict == VERDICT_NOT ? "not dissipative" : "unknown");
    json_end(w);
}

bool analysis_plots(const Analysis *a, const char *dir, FILE *log)
{
    const GdProblem *p = a->p;
    size_t T1 = (size_t)p->T + 1;
    double *ts = xmalloc(T1 * sizeof *ts);
    for (size_t t = 0; t < T1; t++)
        ts[t] = (double)t;
    bool ok = true;
    StrBuf path = {0}, title = {0};
    /* error vs t for each N */
    PlotSeries *se = xcalloc((size_t)a->N_max, sizeof *se);
    char (*labels)[16] = xcalloc((size_t)a->N_max, sizeof *labels);
    int ns = 0;
    for (int k = 0; k < a->N_max; k++)
        if (a->trunc[k].ok) {
            snprintf(labels[ns], sizeof labels[ns], "N = %d", a->trunc[k].N);
            se[ns] = (PlotSeries){labels[ns], ts, a->trunc[k].err, T1, false};
            ns++;
        }
    sb_printf(&path, "%s/%s_error.svg", dir, p->name);
    sb_printf(&title, "%s: Carleman truncation error (%s form)", p->name, form_text(a->form));
    /* clipped to [1e-13, 1e3]: rounding noise below, blow-up above */
        Plot pl = {title.s, "step t", "max_i |u_C(t) - u(t)|", false, true, se, ns, NAN, NULL, 1e-13, 1e3};
    if (ns > 0) {
        ok = plot_lines_svg(path.s, &pl) && ok;
        if (log)
            fprintf(log, "wrote %s\n", path.s);
    }
    free(se);
    free(labels);
    if (a->eig_ok) {
        double *mod = xmalloc(a->neig * sizeof *mod);
        for (size_t k = 0; k < a->neig; k++)
            mod[k] = hypot(a->eig_re[k], a->eig_im[k]);
        path.len = title.len = 0;
        sb_printf(&path, "%s/%s_eigenvalues.svg", dir, p->name);
        sb_printf(&title, "%s: |1 + a| over the eigenvalues of C (dissipative below 1)", p->name);
        ok = plot_histogram_svg(path.s, title.s, "|mu| = |1 + a|", mod, a->neig, 40, 0, 0, false) && ok;
        if (log)
            fprintf(log, "wrote %s\n", path.s);
        free(mod);
    }
    if (a->proxy) {
        path.len = title.len = 0;
        sb_printf(&path, "%s/%s_proxy.svg", dir, p->name);
        sb_printf(&title, "%s: error proxy (eq. 7)", p->name);
        PlotSeries ps = {"proxy", ts, a->proxy, T1, false};
        Plot pp = {title.s, "step t", "error proxy", false, true, &ps, 1, 1.0, "1 (start value)", 0, 0};
        ok = plot_lines_svg(path.s, &pp) && ok;
        if (log)
            fprintf(log, "wrote %s\n", path.s);
    }
    sb_free(&path);
    sb_free(&title);
    free(ts);
    return ok;
}

bool analysis_compare_plot(const Analysis *a, int count, const char *dir, FILE *log)
{
    PlotSeries *se = xcalloc((size_t)count, sizeof *se);
    double **ts = xcalloc((size_t)count, sizeof *ts);
    char (*labels)[80] = xcalloc((size_t)count, sizeof *labels);
    int ns = 0, N = 0;
    for (int i = 0; i < count; i++) {
        const TruncStudy *best = NULL;
        for (int k = 0; k < a[i].N_max; k++)
            if (a[i].trunc[k].ok && a[i].trunc[k].N == a[i].N)
                best = &a[i].trunc[k];
        if (!best)
            continue;
        size_t T1 = (size_t)a[i].p->T + 1;
        ts[ns] = xmalloc(T1 * sizeof **ts);
        for (size_t t = 0; t < T1; t++)
            ts[ns][t] = (double)t;
        snprintf(labels[ns], sizeof labels[ns], "%s", a[i].p->name);
        se[ns] = (PlotSeries){labels[ns], ts[ns], best->err, T1, false};
        N = best->N;
        ns++;
    }
    bool ok = true;
    if (ns > 0) {
        StrBuf path = {0}, title = {0};
        sb_printf(&path, "%s/compare_error.svg", dir);
        sb_printf(&title, "Carleman truncation error by problem (order N = %d)", N);
        /* clipped to [1e-13, 1e3]: rounding noise below, blow-up above */
        Plot pl = {title.s, "step t", "max_i |u_C(t) - u(t)|", false, true, se, ns, NAN, NULL, 1e-13, 1e3};
        ok = plot_lines_svg(path.s, &pl);
        if (ok && log)
            fprintf(log, "wrote %s\n", path.s);
        sb_free(&path);
        sb_free(&title);
    }
    for (int i = 0; i < ns; i++)
        free(ts[i]);
    free(ts);
    free(se);
    free(labels);
    return ok;
}
