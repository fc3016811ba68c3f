/* measure.c — measurement with collapse, post-selection, reset, marginal
 * distributions, sampling of shots from the final state, and text dumps.
 *
 * Requires: a state from sim_create. Guarantees: every probability is a
 * fixed-chunk sum (sim_internal.h), so outcomes and samples for a given
 * rng state or seed do not depend on the number of threads. Measurement
 * and reset renormalise the state to norm 1; sampling leaves it alone. */
#include "sim/sim_internal.h"
#include "support/util.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* p[0], p[1]: Σ |a_i|² over bit q = 0 and = 1, in one pass. */
static void branch_probs(const StateVec *sv, int q, double p[2])
{
    const double complex *a = sv->amp;
    uint64_t t = (uint64_t)1 << q;
    SimSweep s = sim_sweep(sv, t, 0);
    double part0[SIM_NCHUNK], part1[SIM_NCHUNK];
    const int nt = sim_threads_for(s.count);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (int c = 0; c < SIM_NCHUNK; c++) {
        double s0 = 0, s1 = 0;
        for (uint64_t k = sim_chunk_lo(s.count, c), hi = sim_chunk_lo(s.count, c + 1); k < hi; k++) {
            uint64_t i0 = sim_sweep_index(&s, k);
            s0 += sim_abs2(a[i0]);
            s1 += sim_abs2(a[i0 | t]);
        }
        part0[c] = s0;
        part1[c] = s1;
    }
    p[0] = sim_sum_parts(part0);
    p[1] = sim_sum_parts(part1);
}

double sim_prob_one(const StateVec *sv, int q)
{
    simv_state(sv, __func__);
    simv_qubit(sv, q, __func__);
    const double complex *a = sv->amp;
    SimSweep s = sim_sweep(sv, (uint64_t)1 << q, (uint64_t)1 << q);
    double part[SIM_NCHUNK];
    const int nt = sim_threads_for(s.count);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (int c = 0; c < SIM_NCHUNK; c++) {
        double sum = 0;
        for (uint64_t k = sim_chunk_lo(s.count, c), hi = sim_chunk_lo(s.count, c + 1); k < hi; k++)
            sum += sim_abs2(a[sim_sweep_index(&s, k)]);
        part[c] = sum;
    }
    return sim_sum_parts(part);
}

/* Keeps the half of q = keep scaled by `scale` and clears the other; with
 * move, the kept half is moved to q = 0 (reset after outcome 1). */
static void collapse(StateVec *sv, int q, int keep, double scale, bool move)
{
    double complex *a = sv->amp;
    uint64_t t = (uint64_t)1 << q;
    SimSweep s = sim_sweep(sv, t, 0);
    const int nt = sim_threads_for(s.count);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (uint64_t k = 0; k < s.count; k++) {
        uint64_t i0 = sim_sweep_index(&s, k), i1 = i0 | t;
        double complex v = keep ? a[i1] : a[i0];
        v = CMPLX(creal(v) * scale, cimag(v) * scale);
        uint64_t to = move ? i0 : keep ? i1 : i0;
        a[i0] = 0;
        a[i1] = 0;
        a[to] = v;
    }
}

/* The outcome drawn from rng. *prob gets its probability relative to the
 * norm (which should be 1), *weight its Σ |a_i|², which the collapse
 * divides out so the state leaves with norm 1 whatever it came in with. */
static int draw(const StateVec *sv, int q, gsl_rng *rng, double *prob, double *weight, const char *who)
{
    double p[2];
    branch_probs(sv, q, p);
    double total = p[0] + p[1];
    if (!(total > 0))
        ICE("%s: measuring qubit %d of a state of norm 0", who, q);
    int outcome = gsl_rng_uniform(rng) * total < p[1];
    *prob = p[outcome] / total;
    *weight = p[outcome];
    return outcome;
}

int sim_measure(StateVec *sv, int q, gsl_rng *rng, double *prob)
{
    simv_state(sv, __func__);
    simv_qubit(sv, q, __func__);
    simv_ptr(rng, "rng", __func__);
    double p, w;
    int outcome = draw(sv, q, rng, &p, &w, __func__);
    collapse(sv, q, outcome, 1 / sqrt(w), false);
    if (prob)
        *prob = p;
    return outcome;
}

bool sim_postselect(StateVec *sv, int q, int value, double *prob, char **err)
{
    simv_state(sv, __func__);
    simv_qubit(sv, q, __func__);
    if (value != 0 && value != 1)
        ICE("%s: post-selection value %d is not 0 or 1", __func__, value);
    double p[2];
    branch_probs(sv, q, p);
    double total = p[0] + p[1];
    if (!(total > 0))
        ICE("%s: post-selecting qubit %d of a state of norm 0", __func__, q);
    double pv = p[value] / total;
    if (prob)
        *prob = pv;
    if (!(pv > 0))
        return sim_error(err, "post-selecting qubit %d on |%d> is impossible: that outcome has probability 0", q,
                         value);
    collapse(sv, q, value, 1 / sqrt(p[value]), false);
    return true;
}

int sim_reset_qubit(StateVec *sv, int q, gsl_rng *rng)
{
    simv_state(sv, __func__);
    simv_qubit(sv, q, __func__);
    simv_ptr(rng, "rng", __func__);
    double p, w;
    int outcome = draw(sv, q, rng, &p, &w, __func__);
    collapse(sv, q, outcome, 1 / sqrt(w), true);
    return outcome;
}

/* ---- marginals ---- */

/* The register value of index i: bit j is bit qubits[j] of i. */
static inline uint64_t gather(uint64_t i, const int *qubits, int k)
{
    uint64_t v = 0;
    for (int j = 0; j < k; j++)
        v |= (i >> qubits[j] & 1) << j;
    return v;
}

/* The inverse: the index bits of register value v. */
static uint64_t scatter(uint64_t v, const int *qubits, int k)
{
    uint64_t i = 0;
    for (int j = 0; j < k; j++)
        i |= (v >> j & 1) << qubits[j];
    return i;
}

/* Registers of up to HIST_MAX qubits are histogrammed per chunk (64 × 2^k
 * doubles of scratch, one pass over the state); larger ones are summed bin
 * by bin (no scratch, but a strided pass per bin). Both add in an order
 * fixed by the size alone. */
#define HIST_MAX 12

static void marginal(const StateVec *sv, const int *qubits, int k, uint64_t mask, double *out)
{
    const double complex *a = sv->amp;
    uint64_t nbins = (uint64_t)1 << k, dim = sv->dim;
    const int nt = sim_threads_for(dim);
    if (k <= HIST_MAX) {
        double *hist = xcalloc(SIM_NCHUNK * nbins, sizeof *hist);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
        for (int c = 0; c < SIM_NCHUNK; c++) {
            double *h = hist + (uint64_t)c * nbins;
            for (uint64_t i = sim_chunk_lo(dim, c), hi = sim_chunk_lo(dim, c + 1); i < hi; i++)
                h[gather(i, qubits, k)] += sim_abs2(a[i]);
        }
        for (uint64_t v = 0; v < nbins; v++) {
            double s = 0;
            for (int c = 0; c < SIM_NCHUNK; c++)
                s += hist[(uint64_t)c * nbins + v];
            out[v] = s;
        }
        free(hist);
        return;
    }
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (uint64_t v = 0; v < nbins; v++) {
        SimSweep s = sim_sweep(sv, mask, scatter(v, qubits, k));
        double sum = 0;
        for (uint64_t j = 0; j < s.count; j++)
            sum += sim_abs2(a[sim_sweep_index(&s, j)]);
        out[v] = sum;
    }
}

void sim_probabilities(const StateVec *sv, const int *qubits, int k, double *out)
{
    simv_state(sv, __func__);
    uint64_t mask = simv_list(sv, qubits, k, __func__);
    simv_ptr(out, "output array", __func__);
    marginal(sv, qubits, k, mask, out);
}

/* ---- sampling ---- */

static bool sample(const StateVec *sv, const int *qubits, int k, uint64_t nshots, unsigned long seed,
                   uint64_t *counts, uint64_t *shots, char **err, const char *who)
{
    simv_state(sv, who);
    uint64_t mask = simv_list(sv, qubits, k, who);
    simv_ptr(counts ? (const void *)counts : (const void *)shots, counts ? "counts array" : "shots array", who);
    uint64_t nbins = (uint64_t)1 << k;
    /* the marginal (8 bytes a bin), GSL's alias table (16) and its
     * preprocessing stacks (up to 16) */
    double need = 40.0 * (double)nbins, state = 16.0 * (double)sv->dim, budget = (double)mem_budget();
    if (need > budget - state) {
        char need_s[32], left_s[32];
        return sim_error(err,
                         "sampling a %d-qubit register needs %s of tables, more than the %s the memory "
                         "budget leaves beside the state vector",
                         k, mem_human(need, need_s, sizeof need_s),
                         mem_human(budget > state ? budget - state : 0, left_s, sizeof left_s));
    }
    double *p = xmalloc(nbins * sizeof *p);
    marginal(sv, qubits, k, mask, p);
    double total = 0;
    for (uint64_t v = 0; v < nbins; v++)
        total += p[v];
    if (!(total > 0))
        ICE("%s: sampling a state of norm 0", who);
    gsl_ran_discrete_t *table = gsl_ran_discrete_preproc(nbins, p);
    free(p);
    if (!table)
        ICE("%s: gsl_ran_discrete_preproc failed on %llu bins", who, (unsigned long long)nbins);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        ICE("%s: gsl_rng_alloc failed", who);
    gsl_rng_set(rng, seed);
    if (counts)
        memset(counts, 0, nbins * sizeof *counts);
    for (uint64_t s = 0; s < nshots; s++) {
        uint64_t v = gsl_ran_discrete(rng, table);
        if (counts)
            counts[v]++;
        else
            shots[s] = v;
    }
    gsl_rng_free(rng);
    gsl_ran_discrete_free(table);
    return true;
}

bool sim_sample(const StateVec *sv, const int *qubits, int k, uint64_t nshots, unsigned long seed,
                uint64_t *counts, char **err)
{
    simv_ptr(counts, "counts array", __func__);
    return sample(sv, qubits, k, nshots, seed, counts, NULL, err, __func__);
}

bool sim_sample_shots(const StateVec *sv, const int *qubits, int k, uint64_t nshots, unsigned long seed,
                      uint64_t *shots, char **err)
{
    if (nshots > 0)
        simv_ptr(shots, "shots array", __func__);
    return sample(sv, qubits, k, nshots, seed, NULL, shots, err, __func__);
}

/* ---- dumps ---- */

/* "|b…b>" with the highest bit first. */
static void label(char *buf, uint64_t v, int k)
{
    char *p = buf;
    *p++ = '|';
    for (int j = k - 1; j >= 0; j--)
        *p++ = (char)('0' + (v >> j & 1));
    *p++ = '>';
    *p = 0;
}

/* + 0.0 turns −0 into 0, so dumps diff cleanly. */
static double unsign_zero(double x) { return x + 0.0; }

void sim_dump_amplitudes(const StateVec *sv, FILE *fp, double eps)
{
    simv_state(sv, __func__);
    simv_ptr(fp, "stream", __func__);
    char buf[SIM_MAX_QUBITS + 3];
    for (uint64_t i = 0; i < sv->dim; i++) {
        double p = sim_abs2(sv->amp[i]);
        if (!(p > eps))
            continue;
        label(buf, i, sv->nqubits);
        fprintf(fp, "%s %.12g %.12g %.12g\n", buf, unsign_zero(creal(sv->amp[i])), unsign_zero(cimag(sv->amp[i])),
                p);
    }
}

void sim_dump_probabilities(const StateVec *sv, const int *qubits, int k, FILE *fp, double eps)
{
    simv_state(sv, __func__);
    uint64_t mask = simv_list(sv, qubits, k, __func__);
    simv_ptr(fp, "stream", __func__);
    uint64_t nbins = (uint64_t)1 << k;
    double *p = xmalloc(nbins * sizeof *p);
    marginal(sv, qubits, k, mask, p);
    char buf[SIM_MAX_QUBITS + 3];
    for (uint64_t v = 0; v < nbins; v++) {
        if (!(p[v] > eps))
            continue;
        label(buf, v, k);
        fprintf(fp, "%s %.12g\n", buf, p[v]);
    }
    free(p);
}
