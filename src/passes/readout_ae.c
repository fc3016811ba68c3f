/* readout_ae.c — the read-out protocols and their counts (readout_ae.h). */
#include "passes/readout_ae.h"

#include <complex.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/unroll.h"
#include "sim/exec.h"
#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

const char *const readout_protocol_names[RO_NPROTOCOLS] = {"shadows", "l2_sampling", "amplitude_estimation"};
const char *const readout_measure_names[READOUT_NMEASURES] = {"linf", "l2"};

bool readout_protocol_parse(const char *name, ReadoutProtocol *out)
{
    for (int i = 0; i < RO_NPROTOCOLS; i++)
        if (strcmp(name, readout_protocol_names[i]) == 0) {
            *out = (ReadoutProtocol)i;
            return true;
        }
    return false;
}

bool readout_measure_parse(const char *name, ReadoutMeasure *out)
{
    for (int i = 0; i < READOUT_NMEASURES; i++)
        if (strcmp(name, readout_measure_names[i]) == 0) {
            *out = (ReadoutMeasure)i;
            return true;
        }
    return false;
}

/* ---- exact probabilities ---- */

void readout_probs_free(ReadoutProbs *pr)
{
    free(pr->p);
    free(pr->pplus);
    free(pr->pminus);
    free(pr->u_limit);
    memset(pr, 0, sizeof *pr);
}

bool readout_probs(const ReadoutPlan *pl, const StateVec *sv, const int *sq, unsigned k, double p_kept,
                   ReadoutProbs *out, char **err)
{
    memset(out, 0, sizeof *out);
    size_t n = pl->n, dimk = (size_t)1 << k;
    double *q = xmalloc(dimk * sizeof *q);
    sim_probabilities(sv, sq, (int)k, q);
    double p0 = 0;
    for (size_t i = 0; i < pl->nblock0; i++)
        p0 += q[i];
    if (!(p0 > 0)) {
        free(q);
        return diag_refuse(err, "block 0 has probability 0 in the kept state, so the scale of u(T) is unknown");
    }
    out->n = n;
    out->p_kept = p_kept;
    out->p0 = p0;
    out->p = xcalloc(n, sizeof *out->p);
    out->pplus = xcalloc(n, sizeof *out->pplus);
    out->pminus = xcalloc(n, sizeof *out->pminus);
    out->u_limit = xcalloc(n, sizeof *out->u_limit);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < pl->ncopies; c++)
            out->p[i] += q[pl->pos[c * n + i]];
    for (size_t i = 0; i < n; i++) {
        size_t lo, hi;
        StateVec *cp = readout_interfere(sv, sq, k, pl->ref, pl->pos[i], &lo, &hi, err);
        if (!cp) {
            free(q);
            readout_probs_free(out);
            return false;
        }
        sim_probabilities(cp, sq, (int)k, q);
        sim_destroy(cp);
        out->pplus[i] = q[lo];
        out->pminus[i] = q[hi];
        double sg = (out->pplus[i] - out->pminus[i] < 0) != (pl->y0[pl->ref] < 0) ? -1 : 1;
        out->u_limit[i] = sg * pl->norm_y0 * sqrt(out->p[i] / (double)pl->ncopies / p0);
    }
    free(q);
    return true;
}

/* ---- canonical amplitude estimation ---- */

double qae_value(uint64_t y, uint64_t M)
{
    double s = sin(QGD_PI * (double)y / (double)M);
    return s * s;
}

/* D at the clock offset x = y − Mω (in clock units): sin²(πx)/(M² sin²(πx/M)),
 * both arguments reduced first (periods 1 and M) so that large M keeps its
 * accuracy */
static double fejer(double x, uint64_t M)
{
    double Md = (double)M;
    x -= Md * nearbyint(x / Md);
    double xf = x - nearbyint(x);
    double den = sin(QGD_PI * x / Md);
    if (den == 0)
        return 1;
    double num = sin(QGD_PI * xf);
    return num * num / (Md * Md * den * den);
}

void qae_distribution(double a, uint64_t M, double *out)
{
    if (M < 2 || !(a >= 0 && a <= 1))
        ICE("qae_distribution: M = %llu, a = %g", (unsigned long long)M, a);
    double om = asin(sqrt(a)) / QGD_PI * (double)M; /* Mθ/π */
    for (uint64_t y = 0; y < M; y++)
        out[y] = 0.5 * (fejer((double)y - om, M) + fejer((double)y + om, M));
}

unsigned qae_reps(double estimates, double fail)
{
    double g = 8 / (QGD_PI * QGD_PI) - 0.5;
    double R = ceil(log(estimates / fail) / (2 * g * g));
    if (!(R >= 1))
        R = 1;
    unsigned r = (unsigned)R;
    return r | 1u;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the median of reps draws of sin²(πy/M), y from the QAE distribution of a */
static double qae_estimate(double a, uint64_t M, unsigned reps, gsl_rng *rng, double *cdf, double *vals)
{
    qae_distribution(a, M, cdf);
    for (uint64_t y = 1; y < M; y++)
        cdf[y] += cdf[y - 1];
    for (unsigned r = 0; r < reps; r++) {
        double u = gsl_rng_uniform(rng) * cdf[M - 1];
        uint64_t lo = 0, hi = M - 1; /* the first y with cdf[y] > u */
        while (lo < hi) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (cdf[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        vals[r] = qae_value(lo, M);
    }
    qsort(vals, reps, sizeof *vals, cmp_double);
    return vals[reps / 2];
}

/* ---- one read-out ---- */

void readout_estimate_free(ReadoutEstimate *e)
{
    free(e->u);
    memset(e, 0, sizeof *e);
}

bool readout_estimate_sampling(const ReadoutPlan *pl, const ReadoutProbs *pr, const StateVec *sv, const int *sq,
                               unsigned k, uint64_t shots, unsigned long seed, ReadoutEstimate *out, char **err)
{
    memset(out, 0, sizeof *out);
    ReadoutResult r;
    if (!readout_sample(pl, sv, sq, k, shots, seed, 0.01, &r, err))
        return false;
    out->n = pl->n;
    out->u = xmalloc(pl->n * sizeof *out->u);
    memcpy(out->u, r.u, pl->n * sizeof *out->u);
    out->kept_shots = r.shots_total;
    out->calls = (double)r.shots_total / pr->p_kept;
    readout_result_free(&r);
    return true;
}

bool readout_estimate_ae(const ReadoutPlan *pl, const ReadoutProbs *pr, unsigned clock_bits, unsigned reps,
                         unsigned long seed, ReadoutEstimate *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (clock_bits < 1 || clock_bits > 24 || reps < 1 || !(reps & 1))
        ICE("readout_estimate_ae: %u clock bits, %u repetitions", clock_bits, reps);
    size_t n = pl->n;
    uint64_t M = (uint64_t)1 << clock_bits;
    double *cdf = xmalloc(M * sizeof *cdf), *vals = xmalloc(reps * sizeof *vals);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    double P = pr->p_kept;
    double a0 = qae_estimate(fmin(1, P * pr->p0), M, reps, rng, cdf, vals);
    out->n = n;
    out->u = xcalloc(n, sizeof *out->u);
    bool ok = a0 > 0;
    for (size_t i = 0; i < n; i++) {
        double ai = qae_estimate(fmin(1, P * pr->p[i]), M, reps, rng, cdf, vals);
        double ap = qae_estimate(fmin(1, P * pr->pplus[i]), M, reps, rng, cdf, vals);
        double am = qae_estimate(fmin(1, P * pr->pminus[i]), M, reps, rng, cdf, vals);
        double sg = (ap - am < 0) != (pl->y0[pl->ref] < 0) ? -1 : 1;
        if (ok)
            out->u[i] = sg * pl->norm_y0 * sqrt(ai / (double)pl->ncopies / a0);
    }
    gsl_rng_free(rng);
    free(cdf);
    free(vals);
    out->clock_bits = clock_bits;
    out->reps = reps;
    out->estimates = (unsigned)(3 * n + 1);
    out->calls = (double)out->estimates * reps * (2.0 * (double)M - 1);
    if (!ok) {
        readout_estimate_free(out);
        return diag_refuse(err,
                           "amplitude estimation with %u clock bits read block 0 as probability 0, so the scale of "
                           "u(T) is unknown; raise the clock bits",
                           clock_bits);
    }
    return true;
}

double readout_err_linf(const double *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

double readout_err_l2(const double *a, const double *b, size_t n)
{
    double d = 0, nb = 0;
    for (size_t i = 0; i < n; i++)
        d += (a[i] - b[i]) * (a[i] - b[i]), nb += b[i] * b[i];
    return nb > 0 ? sqrt(d / nb) : sqrt(d);
}

/* ---- the ℓ2 bound of sampling (docs/readout.md, "The ℓ2 bound of sampling") ---- */

static long double mag_dev_ld(long double n, long double f)
{
    if (n <= 1)
        return 0;
    long double L = logl(2 / f);
    long double a = n - 1 + 4 * sqrtl(n * L) + 2 * L, b = n * logl(2 * n / f);
    return a < b ? a : b;
}

static long double sign_dev_ld(long double n, long double f)
{
    long double s = sqrtl(n / expl(1)) + sqrtl(logl(1 / f));
    return 4 * s * s;
}

double readout_l2_mag_dev(double n, double f) { return (double)mag_dev_ld(n, f); }

double readout_l2_sign_dev(double n, double f) { return (double)sign_dev_ld(n, f); }

void readout_l2_model_shots(long double r, double eps, double fail, double p_success, long double *mag,
                            long double *sign)
{
    long double rP = r * (long double)p_success, e2 = (long double)eps * eps;
    /* magnitudes fail/2; signs fail/2, or fail/4 for the Chernoff part and
     * fail/4 for the union bound over the entries above the reference */
    long double Dm = mag_dev_ld(r, (long double)fail / 2), Ds = sign_dev_ld(r, (long double)fail / (rP > 1 ? 4 : 2));
    long double cm = cbrtl(Dm), cs = cbrtl(Ds), c2 = (cm + cs) * (cm + cs);
    *mag = cm * c2 / e2;
    *sign = cs * c2 / e2;
    if (*mag < 1)
        *mag = 1; /* at least one shot, so that ψ̃ has norm 1 */
    if (rP > 1) {
        long double nb = rP * logl(4 * rP / (long double)fail);
        if (*sign < nb)
            *sign = nb;
    }
}

/* ln(1 + e^−a (e^x − 1)), a ≥ 0 (may be infinite), x ≥ 0 */
static double log_mgf_term(double a, double x)
{
    if (isinf(a))
        return 0;
    if (x > a)
        return (x - a) + log1p(-expm1(-a) * exp(a - x));
    return log1p(x < 700 ? exp(-a) * expm1(x) : exp(x - a));
}

/* the smallest t with P(4·Σ_wrong w_i ≥ t) ≤ f by Chernoff, the wrong
 * events independent with probabilities ≤ e^(−a_i):
 * min over λ > 0 of (ln(1/f) + Σ ln(1 + e^−a_i (e^(4λw_i) − 1)))/λ, at
 * most 4·Σ w_i (every sign wrong) */
static double sign_tail(const double *w, const double *a, size_t n, double f)
{
    double wsum = 0;
    for (size_t i = 0; i < n; i++)
        wsum += w[i];
    double best = 4 * wsum, lf = log(1 / f);
    /* the ratio is unimodal in λ: a log grid, then golden section */
    double lbest = 0, lo = log(1e-6), hi = log(1e24);
    int NG = 240;
    for (int g = 0; g <= NG; g++) {
        double ll = lo + (hi - lo) * g / NG, lam = exp(ll), G = lf;
        for (size_t i = 0; i < n; i++)
            G += log_mgf_term(a[i], 4 * lam * w[i]);
        if (G / lam < best)
            best = G / lam, lbest = ll;
    }
    if (lbest != 0) {
        double step = (hi - lo) / NG, x0 = lbest - step, x1 = lbest + step, gr = 0.6180339887498949;
        for (int it = 0; it < 60; it++) {
            double xa = x1 - gr * (x1 - x0), xb = x0 + gr * (x1 - x0), Fa = lf, Fb = lf;
            double la = exp(xa), lb = exp(xb);
            for (size_t i = 0; i < n; i++)
                Fa += log_mgf_term(a[i], 4 * la * w[i]), Fb += log_mgf_term(a[i], 4 * lb * w[i]);
            Fa /= la, Fb /= lb;
            best = fmin(best, fmin(Fa, Fb));
            if (Fa < Fb)
                x1 = xb;
            else
                x0 = xa;
        }
    }
    return best;
}

double readout_l2_bound(const ReadoutPlan *pl, const ReadoutProbs *pr, uint64_t N, double fail)
{
    size_t n = pl->n;
    double S = 0, p0 = pr->p0, Nd = (double)N;
    for (size_t i = 0; i < n; i++)
        S += pr->p[i];
    if (!(S > 0) || N == 0 || !(fail > 0 && fail < 1))
        return INFINITY;
    /* the failure probability, split: J (shots in block 0 or the read-out
     * blocks) below J_min, the block-0/read-out split off by more than Δ,
     * the direction's Z above D_m/K, the signs above E_s */
    double fJ = 0.1 * fail, fpi = 0.3 * fail, fm = 0.3 * fail, fs = 0.3 * fail;
    if (n <= 1)
        fpi = fs = 0.45 * fail, fm = 0;
    double sj = sqrt(S + p0) - sqrt(log(1 / fJ) / Nd);
    if (!(sj > 0))
        return INFINITY;
    double Jmin = Nd * sj * sj;
    double delta = sqrt(log(2 / fpi) / Jmin);
    if (!(delta < 2))
        return INFINITY;
    double Delta = 2 * asin(delta / 2), alpha = asin(sqrt(S / (S + p0)));
    if (!(alpha + Delta < QGD_PI / 2) || !(alpha > Delta))
        return INFINITY;
    double ta = tan(alpha);
    double R = fmax(tan(alpha + Delta) / ta - 1, 1 - tan(alpha - Delta) / ta);
    double sK = sin(alpha - Delta), Kmin = Jmin * sK * sK;
    double dir = n <= 1 ? 0 : sqrt(readout_l2_mag_dev((double)n, fm) / Kmin);
    /* signs: the per-parameter circuits, N shots each, independent */
    double *w = xmalloc(n * sizeof *w), *a = xmalloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) {
        double g = sqrt(pr->pplus[i]) - sqrt(pr->pminus[i]), g2 = g * g;
        w[i] = pr->p[i] / S;
        a[i] = g2 >= 1 ? INFINITY : -Nd * log1p(-g2);
    }
    double t = sign_tail(w, a, n, fs);
    free(w);
    free(a);
    return dir + sqrt(t) + R;
}

/* ---- the model protocol, simulated ---- */

/* Binomial(n, p) for n beyond GSL's unsigned int: a sum of binomials */
static uint64_t binom_big(gsl_rng *rng, double p, uint64_t n)
{
    if (!(p > 0) || n == 0)
        return 0;
    if (p >= 1)
        return n;
    uint64_t s = 0;
    while (n > 0) {
        unsigned int c = n > 0x80000000ull ? 0x80000000u : (unsigned int)n;
        s += gsl_ran_binomial(rng, p, c);
        n -= c;
    }
    return s;
}

/* Multinomial(n, p[lo..hi)) by binary splits; cum[j] = Σ_{i<j} p[i] */
static void multinomial_split(gsl_rng *rng, const long double *cum, size_t lo, size_t hi, uint64_t n, uint64_t *out)
{
    if (hi - lo == 1) {
        out[lo] = n;
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    long double pl = cum[mid] - cum[lo], pt = cum[hi] - cum[lo];
    uint64_t x = pt > 0 ? binom_big(rng, (double)(pl / pt), n) : 0;
    multinomial_split(rng, cum, lo, mid, x, out);
    multinomial_split(rng, cum, mid, hi, n - x, out);
}

static void multinomial_big(gsl_rng *rng, const double *p, size_t k, uint64_t n, uint64_t *out)
{
    long double *cum = xmalloc((k + 1) * sizeof *cum);
    cum[0] = 0;
    for (size_t j = 0; j < k; j++)
        cum[j + 1] = cum[j] + p[j];
    multinomial_split(rng, cum, 0, k, n, out);
    free(cum);
}

bool readout_estimate_sampling_model(const double *psi, size_t r, double p_read, uint64_t shots,
                                     uint64_t sign_shots, unsigned long seed, ReadoutEstimate *out, char **err)
{
    memset(out, 0, sizeof *out);
    double nn = 0;
    for (size_t i = 0; i < r; i++)
        nn += psi[i] * psi[i];
    if (r == 0 || !(nn > 0) || !(p_read > 0 && p_read <= 1) || shots == 0)
        return diag_refuse(err, "model read-out: need r ≥ 1, a non-zero vector, P(read) %g in (0, 1] and shots ≥ 1",
                           p_read);
    double calls_sign = ceil((double)sign_shots / p_read);
    if (!(calls_sign < 1.8e19))
        return diag_refuse(err, "model read-out: %g sign calls is beyond 2^64", calls_sign);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    double *p = xmalloc((2 * r + 1) * sizeof *p);
    uint64_t *k = xmalloc((2 * r + 1) * sizeof *k);
    for (size_t i = 0; i < r; i++)
        p[i] = psi[i] * psi[i] / nn;
    multinomial_big(rng, p, r, shots, k);
    out->n = r;
    out->u = xmalloc(r * sizeof *out->u);
    for (size_t i = 0; i < r; i++)
        out->u[i] = sqrt((double)k[i] / (double)shots);
    /* the sign batch: (+, i), (−, i) for every i, then the rest */
    double sp = sqrt(p_read), b = 1 / sqrt((double)r);
    for (size_t i = 0; i < r; i++) {
        double x = sp * psi[i] / sqrt(nn);
        p[2 * i] = 0.25 * (x + b) * (x + b);
        p[2 * i + 1] = 0.25 * (x - b) * (x - b);
    }
    p[2 * r] = 0.5 * (1 - p_read);
    multinomial_big(rng, p, 2 * r + 1, (uint64_t)calls_sign, k);
    for (size_t i = 0; i < r; i++)
        if (k[2 * i] < k[2 * i + 1])
            out->u[i] = -out->u[i];
    free(p);
    free(k);
    gsl_rng_free(rng);
    out->kept_shots = shots + sign_shots;
    out->calls = (double)shots / p_read + calls_sign;
    return true;
}

/* ---- counts for the state at hand ---- */

/* The pieces shared by both protocols (docs/readout.md, "Bounds"):
 *   dmag  the error allowed on every √p (block 0 and each pooled
 *         parameter; for l2 the ℓ2 norm of the n parameters' errors) so
 *         that the magnitudes are within ε/2 (ℓ∞) or ε‖u‖/2 (ℓ2);
 *   gmin  the smallest |√p+ − √p−| over the parameters whose sign matters
 *         (|u_i| > ε/4, or > ε‖u‖/(4√n) for l2): the sign is right when
 *         both are estimated within gmin/2; 0 when no sign matters. */
static void count_pieces(ReadoutMeasure m, const ReadoutPlan *pl, const ReadoutProbs *pr, double eps, double *dmag,
                         double *gmin)
{
    size_t n = pl->n;
    double C = pl->norm_y0 / sqrt((double)pl->ncopies), s0 = sqrt(pr->p0);
    double umax = 0, unorm = 0;
    for (size_t i = 0; i < n; i++)
        umax = fmax(umax, fabs(pr->u_limit[i])), unorm += pr->u_limit[i] * pr->u_limit[i];
    unorm = sqrt(unorm);
    double thresh;
    if (m == READOUT_LINF) {
        *dmag = 0.5 * eps * s0 / (C + umax + 0.5 * eps);
        thresh = eps / 4;
    } else {
        double e = eps * unorm;
        *dmag = 0.5 * e * s0 / (C + unorm + 0.5 * e);
        thresh = e / (4 * sqrt((double)n));
    }
    *gmin = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(fabs(pr->u_limit[i]) > thresh))
            continue;
        double g = fabs(sqrt(pr->pplus[i]) - sqrt(pr->pminus[i]));
        if (*gmin == 0 || g < *gmin)
            *gmin = g;
    }
}

bool readout_count(ReadoutProtocol p, ReadoutMeasure m, const ReadoutPlan *pl, const ReadoutProbs *pr, double eps,
                   double fail, ReadoutCount *out, char **err)
{
    memset(out, 0, sizeof *out);
    out->protocol = p;
    out->measure = m;
    out->eps = eps;
    out->fail = fail;
    if (p == RO_SHADOWS)
        return diag_refuse(err, "the shadows bound is a count at model scale only (readout_model_count)");
    if (!(eps > 0) || !(fail > 0 && fail < 1))
        return diag_refuse(err, "read-out count: precision %g must be > 0 and the failure probability %g in (0, 1)",
                           eps, fail);
    size_t n = pl->n;
    double dmag, gmin;
    count_pieces(m, pl, pr, eps, &dmag, &gmin);
    if (p == RO_L2_SAMPLING) {
        if (m == READOUT_L2) {
            /* the least N with readout_l2_bound(N) ≤ ε (the bound falls with N) */
            uint64_t hi = 1;
            while (!(readout_l2_bound(pl, pr, hi, fail) <= eps)) {
                if (hi >= ((uint64_t)1 << 62))
                    return diag_refuse(err, "read-out count: more than 2^62 kept shots per circuit for ε = %g", eps);
                hi *= 2;
            }
            uint64_t lo = hi / 2;
            while (hi - lo > 1) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (readout_l2_bound(pl, pr, mid, fail) <= eps)
                    hi = mid;
                else
                    lo = mid;
            }
            out->shots = hi;
            out->circuits = (unsigned)(1 + n);
            out->calls = (double)hi * (double)(1 + n) / pr->p_kept;
            return true;
        }
        /* ℓ∞: Chernoff with KL ≥ (√q − √p)²: P(|√p̂ − √p| ≥ δ) ≤ 2e^(−Nδ²),
         * over n + 1 values with fail/2 */
        double Nm = log(4.0 * (double)(n + 1) / fail) / (dmag * dmag);
        /* signs: √p± within gmin/2 for the 2n outcomes, fail/2 */
        double Ns = gmin > 0 ? log(8.0 * (double)n / fail) / (0.25 * gmin * gmin) : 0;
        double N = ceil(fmax(Nm, Ns));
        if (!(N < 9.2e18))
            return diag_refuse(err, "read-out count: %g kept shots per circuit is beyond 2^63", N);
        out->shots = (uint64_t)N;
        out->circuits = (unsigned)(1 + n);
        out->calls = N * (double)(1 + n) / pr->p_kept;
        return true;
    }
    /* amplitude estimation: the angle error π/M is an error π/(M√P) on √p */
    double sP = sqrt(pr->p_kept);
    double dA = m == READOUT_LINF ? dmag : dmag / sqrt((double)n); /* per estimate */
    double Mneed = QGD_PI / (sP * dA);
    if (gmin > 0)
        Mneed = fmax(Mneed, 2 * QGD_PI / (sP * gmin) * (1 + 1e-12));
    unsigned t = 1;
    while (t <= 24 && ldexp(1, (int)t) < Mneed)
        t++;
    if (t > 24)
        return diag_refuse(err, "read-out count: amplitude estimation needs %g clock states, beyond 2^24", Mneed);
    out->clock_bits = t;
    out->estimates = (unsigned)(3 * n + 1);
    out->reps = qae_reps(out->estimates, fail);
    out->calls = (double)out->estimates * out->reps * (ldexp(2, (int)t) - 1);
    return true;
}

/* ---- counts at model scale ---- */

/* ⌈x⌉ of a long double into z, exactly as far as x is */
static void mpz_set_ceil_ld(mpz_t z, long double x)
{
    mpf_t f, g;
    mpf_init2(f, 256);
    mpf_init2(g, 256);
    long double rest = x;
    mpf_set_d(f, 0);
    for (int i = 0; i < 3 && rest != 0; i++) { /* a long double is at most three doubles */
        double part = (double)rest;
        mpf_set_d(g, part);
        mpf_add(f, f, g);
        rest -= (long double)part;
    }
    mpf_ceil(f, f);
    mpz_set_f(z, f);
    mpf_clear(f);
    mpf_clear(g);
}

bool readout_model_count(ReadoutProtocol p, ReadoutMeasure m, long double r, double eps, double p_success,
                         double fail, unsigned m_qubits, mpz_t calls, ReadoutModelCost *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (!(r >= 1) || !(eps > 0) || !(p_success > 0 && p_success <= 1) || !(fail > 0 && fail < 1))
        return diag_refuse(err,
                           "read-out count: r = %Lg must be ≥ 1, the precision %g > 0, P(success) %g in (0, 1] and "
                           "the failure probability %g in (0, 1)",
                           r, eps, p_success, fail);
    long double P = p_success, e = eps;
    switch (p) {
    case RO_SHADOWS: {
        long double mq = m_qubits;
        out->samples = ceill(mq * mq * r * r * r / (e * e));
        out->calls = out->samples / P;
        out->bound = "m^2 r^3 / eps^2 kept shots (Liu et al. II.D, classical shadows)";
        break;
    }
    case RO_L2_SAMPLING:
        if (m == READOUT_L2) {
            long double d = r < 2 ? 2 : r;
            out->samples_kp = 2 * ceill(36 * 7 * d * logl(d) / (e * e));
            long double K, Ns;
            readout_l2_model_shots(r, eps, fail, p_success, &K, &Ns);
            out->samples_mag = ceill(K);
            out->samples_sign = ceill(Ns);
            out->samples = out->samples_mag + out->samples_sign;
            out->bound = "K + N' kept shots: K for the magnitudes, N' for one sign batch, eps split between "
                         "sqrt(Dm/K) and sqrt(Ds/N') (docs/readout.md, the l2 bound of sampling); "
                         "Kerenidis-Prakash's 2 x 252 r ln r/eps^2 beside it as a reference";
        } else {
            long double d = e / 7;
            long double N1 = ceill(logl(4 * r / fail) / (d * d)), N2 = ceill(logl(8 * r / fail) / (d * d));
            out->samples = N1 + N2;
            out->bound = "(ln(4r/fail) + ln(8r/fail)) / (eps/7)^2 kept shots (Chernoff-Hellinger, reference-state signs)";
        }
        out->calls = out->samples / P;
        break;
    case RO_AMPLITUDE_ESTIMATION: {
        long double est = 3 * r + 1;
        long double per = m == READOUT_LINF ? e : e / sqrtl(r);
        long double Mneed = 16 * (long double)QGD_PI / (per * sqrtl(P));
        unsigned t = 1;
        while (t < 16000 && ldexpl(1, (int)t) < Mneed)
            t++;
        out->clock_bits = t;
        out->reps = qae_reps((double)est, fail);
        out->samples = (long double)out->reps * (ldexpl(2, (int)t) - 1);
        out->calls = est * out->samples;
        if (m == READOUT_L2) {
            out->calls_vacgn = r * logl(r / fail) / (e * sqrtl(P));
            out->bound = "(3r+1) R (2M-1) uses of A, M = 2^ceil(log2(16 pi sqrt(r)/(eps sqrt P))) (BHMT Thm 12, "
                         "entrywise); vACGN 2023 order r ln(r/fail)/(eps sqrt P) beside it, constant 1";
        } else {
            out->bound = "(3r+1) R (2M-1) uses of A, M = 2^ceil(log2(16 pi/(eps sqrt P))) (BHMT Thm 12)";
        }
        break;
    }
    default:
        ICE("readout_model_count: protocol %d", (int)p);
    }
    if (!isfinite((double)out->calls))
        return diag_refuse(err, "read-out count: %Lg solver calls is beyond range", out->calls);
    mpz_set_ceil_ld(calls, out->calls);
    return true;
}

/* ---- a simulated solver ---- */

void readout_setup_free(ReadoutSetup *rs)
{
    free(rs->u_state);
    readout_probs_free(&rs->pr);
    readout_plan_free(&rs->pl);
    sim_destroy(rs->sv);
    qsolve_free(&rs->qs);
    lin_system_free(&rs->s);
    carleman_free(&rs->cm);
    memset(rs, 0, sizeof *rs);
}

bool readout_setup_gd(const GdProblem *p, ReadoutSetup *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (!pass_carleman(p, &out->cm, err))
        return false;
    if (!pass_unroll(&out->cm, &out->s, err)) {
        carleman_free(&out->cm);
        return false;
    }
    QSolveOptions qo = {.kappa0 = options_kappa0(&p->opt, 0, p->T),
                        .clock_bits = (unsigned)p->opt.clock_bits,
                        .precision = p->opt.precision};
    SimRunOptions so = {.seed = (unsigned long)p->opt.seed, .max_ops = 0};
    SimRunResult rr;
    memset(&rr, 0, sizeof rr);
    if (!qsolve_build(&out->s.M, out->s.rhs, &qo, &out->qs, err))
        goto fail;
    out->sv = sim_run_new(&out->qs.c, &so, &rr, err);
    if (!out->sv)
        goto fail;
    out->p_kept = rr.post_product;
    sim_run_result_free(&rr);
    readout_plan(&out->s, &out->pl);
    out->k = qsolve_solution_qubits(&out->qs, out->sq);
    if (!readout_probs(&out->pl, out->sv, out->sq, out->k, out->p_kept, &out->pr, err))
        goto fail;
    /* the kept amplitudes of the solution register: every other qubit is
     * at its post-selected value, the pattern of the largest amplitude */
    const StateVec *sv = out->sv;
    uint64_t rmask = 0, base = 0;
    for (unsigned j = 0; j < out->k; j++)
        rmask |= (uint64_t)1 << out->sq[j];
    double best = -1;
    for (uint64_t i = 0; i < sv->dim; i++)
        if (cabs(sv->amp[i]) > best)
            best = cabs(sv->amp[i]), base = i & ~rmask;
    size_t dim = (size_t)1 << out->k;
    double _Complex *z = xmalloc(dim * sizeof *z), ov = 0;
    for (size_t v = 0; v < dim; v++) {
        uint64_t idx = base;
        for (unsigned j = 0; j < out->k; j++)
            if ((v >> j) & 1)
                idx |= (uint64_t)1 << out->sq[j];
        z[v] = sv->amp[idx];
        if (v < out->pl.nblock0)
            ov += out->pl.y0[v] * z[v];
    }
    double _Complex ph = cabs(ov) > 0 ? conj(ov) / cabs(ov) : 1;
    double *x = xmalloc(dim * sizeof *x);
    for (size_t v = 0; v < dim; v++)
        x[v] = creal(ph * z[v]);
    free(z);
    out->u_state = xmalloc(out->pl.n * sizeof *out->u_state);
    readout_exact(&out->pl, x, out->u_state);
    free(x);
    return true;
fail:
    sim_run_result_free(&rr);
    readout_setup_free(out);
    return false;
}

/* ---- fits ---- */

bool readout_fit_loglog(const double *x, const double *y, size_t n, double *slope, double *intercept)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0 && y[i] > 0))
            continue;
        double lx = log(x[i]), ly = log(y[i]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
        k++;
    }
    if (k < 2)
        return false;
    double den = (double)k * sxx - sx * sx;
    if (!(den > 0))
        return false;
    *slope = ((double)k * sxy - sx * sy) / den;
    *intercept = (sy - *slope * sx) / (double)k;
    return true;
}
