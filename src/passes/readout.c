/* readout.c — reading u(T) out of the solver's state (readout.h). */
#include "passes/readout.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support/diag.h"
#include "support/util.h"

void readout_plan(const LinSystem *s, ReadoutPlan *out)
{
    memset(out, 0, sizeof *out);
    if (!s->materialised)
        ICE("readout_plan: system not materialised");
    size_t n = s->lv.n, D = s->block_sz;
    out->n = n;
    out->ncopies = (size_t)s->P + 1;
    out->pos = xmalloc(out->ncopies * n * sizeof *out->pos);
    for (size_t c = 0; c < out->ncopies; c++)
        for (size_t i = 0; i < n; i++)
            out->pos[c * n + i] = ((size_t)s->T + c) * D + s->lv.off[1] + i;
    out->nblock0 = s->lv.dim;
    out->y0 = s->rhs;
    double nn = 0, best = -1;
    for (size_t i = 0; i < out->nblock0; i++) {
        nn += s->rhs[i] * s->rhs[i];
        if (fabs(s->rhs[i]) > best)
            best = fabs(s->rhs[i]), out->ref = i;
    }
    out->norm_y0 = sqrt(nn);
}

void readout_plan_free(ReadoutPlan *pl)
{
    free(pl->pos);
    memset(pl, 0, sizeof *pl);
}

void readout_exact(const ReadoutPlan *pl, const double *x, double *u)
{
    double n0 = 0, dot = 0;
    for (size_t i = 0; i < pl->nblock0; i++)
        n0 += x[i] * x[i], dot += x[i] * pl->y0[i];
    double scale = n0 > 0 ? pl->norm_y0 / sqrt(n0) : NAN;
    if (dot < 0)
        scale = -scale;
    for (size_t i = 0; i < pl->n; i++) {
        double acc = 0;
        for (size_t c = 0; c < pl->ncopies; c++)
            acc += x[pl->pos[c * pl->n + i]];
        u[i] = scale * acc / (double)pl->ncopies;
    }
}

void readout_result_free(ReadoutResult *r)
{
    free(r->u);
    free(r->sigma);
    free(r->count);
    memset(r, 0, sizeof *r);
}

static const double _Complex HAD[4] = {0.70710678118654752440, 0.70710678118654752440, 0.70710678118654752440,
                                       -0.70710678118654752440};

StateVec *readout_interfere(const StateVec *sv, const int *sq, unsigned k, size_t a, size_t b, size_t *lo, size_t *hi,
                            char **err)
{
    size_t d = a ^ b;
    if (d == 0)
        ICE("readout_interfere: equal indices");
    unsigned piv = 0;
    while (!((d >> piv) & 1))
        piv++;
    StateVec *cp = sim_create(sv->nqubits, err);
    if (!cp)
        return NULL;
    sim_set_amplitudes(cp, sv->amp, sv->dim);
    for (unsigned l = 0; l < k; l++)
        if (l != piv && ((d >> l) & 1))
            sim_apply_cx(cp, sq[piv], sq[l]);
    sim_apply_1q(cp, sq[piv], HAD);
    /* a' and b' now differ in bit piv only; lo is the one with it clear */
    size_t a2 = ((a >> piv) & 1) ? a ^ (d & ~((size_t)1 << piv)) : a;
    *lo = a2 & ~((size_t)1 << piv);
    *hi = *lo | ((size_t)1 << piv);
    return cp;
}

/* P(+) − P(−) and its standard error for the pair of solution indices
 * (a, b): interference on a copy of sv. */
static bool sign_test(const StateVec *sv, const int *sq, unsigned k, size_t a, size_t b, uint64_t shots,
                      unsigned long seed, double *diff, double *se, char **err)
{
    size_t lo, hi;
    StateVec *cp = readout_interfere(sv, sq, k, a, b, &lo, &hi, err);
    if (!cp)
        return false;
    uint64_t *counts = xcalloc((size_t)1 << k, sizeof *counts);
    bool ok = sim_sample(cp, sq, (int)k, shots, seed, counts, err);
    sim_destroy(cp);
    if (!ok) {
        free(counts);
        return false;
    }
    double pp = (double)counts[lo] / (double)shots, pm = (double)counts[hi] / (double)shots;
    free(counts);
    /* (x_lo + x_hi)²/2 − (x_lo − x_hi)²/2 = 2 x_lo x_hi: the sign of x_a x_b */
    *diff = pp - pm;
    *se = sqrt((pp + pm - (pp - pm) * (pp - pm)) / (double)shots);
    return true;
}

bool readout_sample(const ReadoutPlan *pl, const StateVec *sv, const int *sq, unsigned k, uint64_t shots,
                    unsigned long seed, double precision, ReadoutResult *out, char **err)
{
    memset(out, 0, sizeof *out);
    size_t n = pl->n, dimk = (size_t)1 << k;
    uint64_t *counts = xcalloc(dimk, sizeof *counts);
    if (!sim_sample(sv, sq, (int)k, shots, seed, counts, err)) {
        free(counts);
        return false;
    }
    uint64_t c0 = 0;
    for (size_t i = 0; i < pl->nblock0; i++)
        c0 += counts[i];
    if (c0 == 0) {
        free(counts);
        return diag_refuse(err, "none of %llu shots landed in time block 0, so the scale of u(T) is unknown; "
                                "raise shots",
                           (unsigned long long)shots);
    }
    out->u = xcalloc(n, sizeof *out->u);
    out->sigma = xcalloc(n, sizeof *out->sigma);
    out->count = xcalloc(n, sizeof *out->count);
    out->count0 = c0;
    out->shots_magnitude = shots;
    double N = (double)shots, p0 = (double)c0 / N;
    for (size_t i = 0; i < n; i++) {
        uint64_t ci = 0;
        for (size_t c = 0; c < pl->ncopies; c++)
            ci += counts[pl->pos[c * n + i]];
        out->count[i] = ci;
        double pi = (double)ci / N / (double)pl->ncopies;
        double mag = pl->norm_y0 * sqrt(pi / p0);
        double rel2 = pi > 0 ? 0.25 * ((1 - pi) / (N * pi) + (1 - p0) / (N * p0) + 2 / N) : 0;
        out->u[i] = mag;
        /* with no count, the resolution: one shot's worth of magnitude */
        out->sigma[i] = pi > 0 ? mag * sqrt(rel2) : pl->norm_y0 * sqrt(1 / (N * p0 * (double)pl->ncopies));
    }
    free(counts);
    /* signs: one interference circuit per parameter with a non-zero count */
    for (size_t i = 0; i < n; i++) {
        if (out->count[i] == 0)
            continue;
        double diff, se;
        if (!sign_test(sv, sq, k, pl->ref, pl->pos[i], shots, seed + 1 + i, &diff, &se, err)) {
            readout_result_free(out);
            return false;
        }
        out->shots_sign += shots;
        if (fabs(diff) < 3 * se)
            out->wrong_risk++;
        double sg = (diff < 0) != (pl->y0[pl->ref] < 0) ? -1 : 1;
        out->u[i] *= sg;
    }
    out->shots_total = out->shots_magnitude + out->shots_sign;
    double m = k, r = (double)n, eps = precision > 0 ? precision : 0.01;
    out->tomography_bound = m * m * r * r * r / (eps * eps);
    return true;
}
