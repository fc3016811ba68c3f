/* report/analyze.c — see analyze.h. */
#include "report/analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/plot.h"
#include "support/util.h"

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
