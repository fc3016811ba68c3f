/* budget.c — the error budget planned before compiling (budget.h). */
#include "passes/budget.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/consts.h"
#include "support/util.h"

/* F_p(δ) = sin²(2^p δ/2)/(2^(2p) sin²(δ/2)), 1 at δ ≡ 0 (mod 2π). */
static double fejer(double delta, double N)
{
    double s = sin(delta / 2);
    if (fabs(s) < 1e-300)
        return 1;
    double t = sin(N * delta / 2) / (N * s);
    return t * t;
}

/* f_j: λ_min/λ̃_j on the well side, 0 on the ill side (invert.h). */
static double inv_factor(double alpha, double lambda_min, unsigned p, uint64_t j)
{
    double lt = invert_lambda(alpha, p, j);
    return fabs(lt) >= lambda_min ? lambda_min / lt : 0;
}

double budget_qpe_gain(double lambda, double alpha, double lambda_min, unsigned p)
{
    double c = lambda / alpha;
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    double phi = acos(c), N = ldexp(1.0, (int)p), step = 2 * QGD_PI / N;
    uint64_t bins = (uint64_t)1 << p;
    double g = 0;
    if (p <= BUDGET_EXACT_BITS) {
        for (uint64_t j = 0; j < bins; j++)
            g += fejer(phi - step * (double)j, N) * inv_factor(alpha, lambda_min, p, j);
        return g;
    }
    /* the bins near +φ and −φ (mod 2π); the rest carry at most the
     * kernel's tail, about 2/(π²·BUDGET_WINDOW) of the weight each */
    for (int side = 0; side < 2; side++) {
        double centre = (side ? 2 * QGD_PI - phi : phi) / step;
        int64_t j0 = (int64_t)llround(centre);
        for (int64_t d = -BUDGET_WINDOW; d <= BUDGET_WINDOW; d++) {
            int64_t j = j0 + d;
            uint64_t jm = (uint64_t)(((j % (int64_t)bins) + (int64_t)bins) % (int64_t)bins);
            g += fejer(phi - step * (double)jm, N) * inv_factor(alpha, lambda_min, p, jm);
        }
    }
    return g;
}

void budget_qpe_state(const RefFiltered *f, double alpha, double lambda_min, unsigned p, double *xq, double *P)
{
    size_t d = f->dim;
    memset(xq, 0, d * sizeof *xq);
    for (size_t k = 0; k < f->nspec; k++) {
        double g = budget_qpe_gain(f->spec_lambda[k], alpha, lambda_min, p);
        if (g == 0)
            continue;
        const double *w = f->spec_w + k * d;
        for (size_t i = 0; i < d; i++)
            xq[i] += g * w[i];
    }
    double nn = 0;
    for (size_t i = 0; i < d; i++)
        nn += xq[i] * xq[i];
    *P = f->norm_b > 0 ? nn / (f->norm_b * f->norm_b) : 0;
}

double budget_shot3(const ReadoutPlan *pl, const double *x, size_t dim, uint64_t shots)
{
    double nn = 0, b0 = 0;
    for (size_t i = 0; i < dim; i++)
        nn += x[i] * x[i];
    for (size_t i = 0; i < pl->nblock0; i++)
        b0 += x[i] * x[i];
    if (!(nn > 0) || !(b0 > 0))
        return INFINITY;
    double N = (double)shots, p0 = b0 / nn, worst = 0;
    for (size_t i = 0; i < pl->n; i++) {
        double pi = 0;
        for (size_t c = 0; c < pl->ncopies; c++) {
            double a = x[pl->pos[c * pl->n + i]];
            pi += a * a / nn;
        }
        pi /= (double)pl->ncopies;
        double mag = pl->norm_y0 * sqrt(pi / p0);
        double sigma = pi > 0 ? mag * sqrt(0.25 * ((1 - pi) / (N * pi) + (1 - p0) / (N * p0) + 2 / N))
                              : pl->norm_y0 * sqrt(1 / (N * p0 * (double)pl->ncopies));
        worst = fmax(worst, 3 * sigma);
    }
    return worst;
}

/* The fewest shots (at least 100, at most max) whose predicted 3σ is at
 * most share: doubling, then bisection. */
static uint64_t shots_for(const ReadoutPlan *pl, const double *x, size_t d, double share, uint64_t max)
{
    uint64_t a = 1, b = 1;
    while (b < max && budget_shot3(pl, x, d, b) > share)
        a = b, b = b * 2 > max ? max : b * 2;
    while (a + 1 < b) {
        uint64_t m = a + (b - a) / 2;
        if (budget_shot3(pl, x, d, m) > share)
            a = m;
        else
            b = m;
    }
    return b < 100 ? 100 : b;
}

void budget_plan(const RefFiltered *f, const ReadoutPlan *pl, const double *u_true, const double *u_carleman,
                 const double *u_filtered, size_t n, double precision, double alpha, double lambda_min,
                 unsigned p_min, unsigned p_max, unsigned p_fixed, unsigned p_default, uint64_t shots_fixed,
                 uint64_t max_shots, BudgetPlan *out)
{
    memset(out, 0, sizeof *out);
    out->precision = precision;
    out->trunc = ref_max_abs_diff(u_carleman, u_true, n);
    out->filter = ref_max_abs_diff(u_filtered, u_carleman, n);
    double r = precision - out->trunc - out->filter;
    out->attainable = r > 0;
    out->share = r;
    size_t d = f->dim;
    double *xq = xmalloc(d * sizeof *xq), *u = xmalloc(n * sizeof *u);
    unsigned lo = p_fixed ? p_fixed : p_min, hi = p_fixed ? p_fixed : p_max;
    if (hi > 64)
        hi = 64; /* clock bits, as qpe_at below holds them */
    /* each p: its predicted QPE error, the shots that meet the rest of r,
     * and the cost 2^p · shots (walk steps per run times runs); the
     * cheapest wins, or, when none meets r, the most accurate */
    double best_cost = INFINITY, best_err = INFINITY;
    unsigned best_p = lo, err_p = lo, last = lo;
    double qpe_at[65]; /* by p, for those the loop reached */
    for (unsigned p = lo; p <= hi; p++) {
        double P;
        budget_qpe_state(f, alpha, lambda_min, p, xq, &P);
        readout_exact(pl, xq, u);
        double qpe = qpe_at[p] = ref_max_abs_diff(u, u_filtered, n);
        last = p;
        if (qpe < best_err)
            best_err = qpe, err_p = p;
        double rest = r - qpe;
        if (!(rest > 0))
            continue;
        uint64_t N = shots_fixed ? shots_fixed : shots_for(pl, xq, d, rest, max_shots);
        bool meets = budget_shot3(pl, xq, d, N) <= rest;
        double cost = ldexp((double)N, (int)p);
        if (meets && cost < best_cost)
            best_cost = cost, best_p = p;
        /* beyond here every p costs at least 2^p shots of the whole r */
        if (isfinite(best_cost) && ldexp((double)(shots_fixed ? shots_fixed : shots_for(pl, xq, d, r, max_shots)),
                                         (int)p + 1) >= best_cost)
            break;
    }
    out->p_capped = !isfinite(best_cost);
    out->p = !out->attainable ? (p_fixed ? p_fixed : p_default) : out->p_capped ? err_p : best_p;
    if (out->attainable && out->p_capped && shots_fixed && !p_fixed) {
        /* the shots given cannot meet r at any p: phase estimation need
         * not be more accurate than a quarter of r (more bits would not
         * rescue the read-out); the fewest bits that reach it */
        out->shots_short = true;
        for (unsigned p = lo; p <= last; p++)
            if (qpe_at[p] <= r / 4) {
                out->p = p;
                break;
            }
    }
    budget_qpe_state(f, alpha, lambda_min, out->p, xq, &out->P);
    readout_exact(pl, xq, u);
    out->qpe = ref_max_abs_diff(u, u_filtered, n);
    out->fid_qpe = ref_fidelity(xq, f->x, d);
    if (shots_fixed)
        out->shots = shots_fixed;
    else if (out->p_capped || !(r - out->qpe > 0))
        out->shots = 10000;
    else
        out->shots = shots_for(pl, xq, d, r - out->qpe, max_shots);
    out->shot3 = budget_shot3(pl, xq, d, out->shots);
    out->total = out->trunc + out->filter + out->qpe + out->shot3;
    out->xq = xq;
    free(u);
}

void budget_plan_free(BudgetPlan *b)
{
    free(b->xq);
    b->xq = NULL;
}
