/* estimate_sweep.c — see estimate_sweep.h. */
#include "passes/estimate_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "support/diag.h"
#include "support/util.h"

/* Least-squares slope of ln y against ln x over the points. */
static double ls_slope(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double a = log(x[i]), b = log(y[i]);
        sx += a, sy += b, sxx += a * a, sxy += a * b;
    }
    double d = n * sxx - sx * sx;
    return d > 0 ? (n * sxy - sx * sy) / d : NAN;
}

SweepFit sweep_fit(const Sweep *sw)
{
    const SweepPoint *pt = sw->pt;
    int npt = sw->npt;
    char var = sw->var;
    SweepFit f = {0};
    if (npt < 2)
        return f;
    double *x = xmalloc((size_t)npt * sizeof *x), *lx = xmalloc((size_t)npt * sizeof *lx), *y[5];
    for (int k = 0; k < 5; k++)
        y[k] = xmalloc((size_t)npt * sizeof *y[k]);
    for (int i = 0; i < npt; i++) {
        const Estimate *e = &pt[i].e;
        x[i] = pt[i].x;
        lx[i] = log2(pt[i].x > 2 ? pt[i].x : 2);
        y[0][i] = mpz_get_d(e->queries);
        y[1][i] = mpz_get_d(e->run.ccz);
        y[2][i] = (double)e->run.qubits_peak;
        y[3][i] = mpz_get_d(e->runs);
        y[4][i] = y[1][i] * y[3][i];
    }
    f.queries = ls_slope(x, y[0], npt);
    f.ccz = ls_slope(x, y[1], npt);
    f.qubits = ls_slope(x, y[2], npt);
    f.runs = ls_slope(x, y[3], npt);
    f.ccz_upload = ls_slope(x, y[4], npt);
    if (var == 'n') {
        f.queries_log = ls_slope(lx, y[0], npt);
        f.qubits_log = ls_slope(lx, y[2], npt);
        f.ccz_log = ls_slope(lx, y[1], npt);
    }
    f.ok = true;
    free(x), free(lx);
    for (int k = 0; k < 5; k++)
        free(y[k]);
    return f;
}


bool estimate_sweep(const ModelProblem *mp, char svar, double sa, double sb, const EstimateOptions *o, bool progress,
                    Sweep *sw, char **err)
{
    sw->var = svar;
    sw->pt = xcalloc(SWEEP_MAX, sizeof *sw->pt);
    sw->npt = 0;
    sw->kappa_tracks = !mp->opt.set[OPTION_kappa0];
    EstimateOptions eo = *o;
    eo.explicit_build = false;
    bool ok = true;
    for (double x = sa; x <= sb * (1 + 1e-12) && sw->npt < SWEEP_MAX; x *= svar == 'n' ? 10 : 2) {
        ModelProblem m;
        model_copy(&m, mp);
        if (svar == 'n') {
            mpz_t n;
            mpz_init_set_d(n, floor(x + 0.5));
            model_rescale_n(&m, n);
            mpz_clear(n);
        } else {
            m.T = (uint64_t)floor(x + 0.5);
            if (sw->kappa_tracks)
                m.kappa0 = kappa0_default(m.T);
        }
        SweepPoint *p = &sw->pt[sw->npt++];
        p->x = floor(x + 0.5);
        char *why = NULL;
        ok = estimate_build(&m, NULL, &eo, &p->e, &why);
        model_free(&m);
        if (!ok) {
            diag_refuse(err, "at %c = %.4g: %s", svar, x, why);
            free(why);
            break;
        }
        if (progress)
            fprintf(stderr, "\r  %c = %-12.4g estimated", svar, x);
    }
    if (progress)
        fputc('\n', stderr);
    return ok;
}

void sweep_free(Sweep *sw)
{
    for (int i = 0; i < sw->npt; i++)
        estimate_free(&sw->pt[i].e);
    free(sw->pt);
    sw->pt = NULL;
    sw->npt = 0;
}
