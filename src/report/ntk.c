/* report/ntk.c — see ntk.h. */
#include "report/ntk.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/plot.h"
#include "support/util.h"

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
