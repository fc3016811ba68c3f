/* report/sweep.c — see sweep.h. */
#include "report/sweep.h"

#include <math.h>
#include <stdlib.h>

#include "report/estimate.h"
#include "support/plot.h"
#include "support/util.h"

void report_sweep(const Sweep *sw, FILE *out)
{
    const SweepPoint *pt = sw->pt;
    int npt = sw->npt;
    char var = sw->var;
    bool kappa_tracks = sw->kappa_tracks;
    fprintf(out, "%-10s %7s %6s %6s %12s %14s %14s %14s %12s %12s\n", var == 'n' ? "n" : "T", "qubits", "clock",
            "alphaM", "queries", "CCZ/run", "CCZ/query", "runs/upload", "T*log2(n)^2", "CCZ/(T lg^2)");
    for (int i = 0; i < npt; i++) {
        const Estimate *e = &pt[i].e;
        double n = mpz_get_d(e->shape.n), lg = log2(n > 2 ? n : 2);
        double ccz = mpz_get_d(e->run.ccz), qu = mpz_get_d(e->queries);
        double th1 = (double)e->shape.T * lg * lg;
        fprintf(out, "%-10.4g %7u %6u %6.3g %12.4g %14.4g %14.4g %14.4g %12.4g %12.4g\n", pt[i].x, e->run.qubits_peak,
                e->p, e->be.alpha_M, qu, ccz, ccz / qu, mpz_get_d(e->runs), th1, ccz / th1);
    }
    SweepFit f = sweep_fit(sw);
    if (!f.ok)
        return;
    fprintf(out, "\nlog-log slopes (least squares over %c = %.3g .. %.3g): CCZ per run ~ %c^%.3f, oracle queries ~ "
                 "%c^%.3f, qubits ~ %c^%.3f\n",
            var, pt[0].x, pt[npt - 1].x, var, f.ccz, var, f.queries, var, f.qubits);
    fputs("against the paper's forms (Theorem 1: T*poly(log n, 1/eps); Theorem 2: T^2*poly(log n, 1/eps)):\n", out);
    if (var == 'n') {
        fprintf(out, "  oracle queries per run  ~ n^%.3f = (log n)^%.2f   polylog in n, as both theorems state\n",
                f.queries, f.queries_log);
        fprintf(out, "  logical qubits          ~ (log n)^%.2f\n", f.qubits_log);
        fprintf(out, "  CCZ per run             ~ n^%.3f   (as (log n)^k: k = %.1f; not polylog)\n", f.ccz, f.ccz_log);
        fputs("  The gates grow with n because every query streams the F_l tables: the QROM data\n"
              "  oracles cost about 8 CCZ per stored nonzero (nnz = n*s), while the theorems count\n"
              "  queries to oracles assumed to cost poly(log n). The queries, set by alpha_M*kappa0/eps,\n"
              "  do not depend on n; the data oracles dominate every gate count here.\n",
              out);
    } else {
        if (kappa_tracks)
            fprintf(out, "  oracle queries per run  ~ T^%.3f   Theorem 1's T: kappa0 = 2(T+1) and the clock grow with T\n",
                    f.queries);
        else
            fprintf(out, "  oracle queries per run  ~ T^%.3f   kappa0 is fixed by the file, so the clock is too (Theorem 1's\n"
                         "                                      T enters through kappa0; leave it unset to let it follow 2(T+1))\n",
                    f.queries);
        fprintf(out, "  CCZ per run             ~ T^%.3f   (per walk step the time register adds O(log T) gates)\n", f.ccz);
        fprintf(out, "  runs per upload         ~ T^%.3f   1/P(solve) ~ kappa0^2 |B|^2/|y_in|^2 and 1/P(read) ~ T+P+1,\n"
                     "                                      both bounds without amplitude amplification\n",
                f.runs);
        fprintf(out, "  CCZ per upload          ~ T^%.3f   one coherent solve follows Theorem 1; the repetitions\n"
                     "                                      for post-selection, not the solve, set the T dependence\n",
                f.ccz_upload);
    }
}

static void sweep_fit_json(const Sweep *sw, JsonWriter *w)
{
    char var = sw->var;
    SweepFit f = sweep_fit(sw);
    json_key(w, "fits");
    if (!f.ok) {
        json_null(w);
        return;
    }
    json_object(w);
    json_key(w, "queries_exponent"), json_double(w, f.queries);
    json_key(w, "ccz_per_run_exponent"), json_double(w, f.ccz);
    json_key(w, "qubits_exponent"), json_double(w, f.qubits);
    json_key(w, "runs_per_upload_exponent"), json_double(w, f.runs);
    json_key(w, "ccz_per_upload_exponent"), json_double(w, f.ccz_upload);
    if (var == 'n') {
        json_key(w, "queries_log_exponent"), json_double(w, f.queries_log);
        json_key(w, "qubits_log_exponent"), json_double(w, f.qubits_log);
        json_key(w, "ccz_log_exponent"), json_double(w, f.ccz_log);
    }
    json_end(w);
}

void report_sweep_json(const Sweep *sw, JsonWriter *w)
{
    json_object(w);
    json_key(w, "sweep"), json_string(w, sw->var == 'n' ? "n" : "T");
    json_key(w, "points");
    json_array(w);
    for (int i = 0; i < sw->npt; i++)
        estimate_json(&sw->pt[i].e, w);
    json_end(w);
    sweep_fit_json(sw, w);
    json_end(w);
}

bool report_sweep_plot(const Sweep *sw, const char *name, const char *plot)
{
    const SweepPoint *pt = sw->pt;
    int npt = sw->npt;
    char svar = sw->var;
    bool ok = true;
    /* the measured counts, and the theorems' forms anchored at the
     * first point: for n, T·(log n)^2 through the CCZ and the query
     * counts (Theorems 1 and 2 agree in n); for T, T and T^2 through
     * the CCZ per run */
    enum { NS = 5 };
    double *xs = xmalloc((size_t)npt * sizeof *xs), *ys[NS];
    for (int k = 0; k < NS; k++)
        ys[k] = xmalloc((size_t)npt * sizeof *ys[k]);
    for (int i = 0; i < npt; i++) {
        xs[i] = pt[i].x;
        ys[0][i] = mpz_get_d(pt[i].e.run.ccz);
        ys[1][i] = mpz_get_d(pt[i].e.queries);
        ys[2][i] = (double)pt[i].e.run.qubits_peak;
        double lg = log2(pt[i].x > 2 ? pt[i].x : 2), lg0 = log2(pt[0].x > 2 ? pt[0].x : 2);
        double f1 = svar == 'n' ? (lg * lg) / (lg0 * lg0) : pt[i].x / pt[0].x;
        double f2 = svar == 'n' ? f1 : (pt[i].x / pt[0].x) * (pt[i].x / pt[0].x);
        ys[3][i] = (svar == 'n' ? ys[1][0] : ys[0][0]) * f1;
        ys[4][i] = ys[0][0] * f2;
    }
    PlotSeries s[NS] = {
        {"CCZ per run", xs, ys[0], (size_t)npt, false},
        {"queries per run", xs, ys[1], (size_t)npt, false},
        {"logical qubits", xs, ys[2], (size_t)npt, true},
        {svar == 'n' ? "Thm 1/2: (log n)^2" : "Thm 1: ~T", xs, ys[3], (size_t)npt, true},
        {svar == 'n' ? "Thm 1/2 from CCZ" : "Thm 2: ~T^2", xs, ys[4], (size_t)npt, true},
    };
    char title[160];
    snprintf(title, sizeof title, "%s: cost of one solver run against %s", name,
             svar == 'n' ? "the number of parameters n" : "the steps T");
    Plot pl = {.title = title,
               .xlabel = svar == 'n' ? "n" : "T",
               .ylabel = "count",
               .logx = true,
               .logy = true,
               .series = s,
               .nseries = NS,
               .hline = NAN};
    ok = plot_lines_svg(plot, &pl);
    free(xs);
    for (int k = 0; k < NS; k++)
        free(ys[k]);
    return ok;
}
