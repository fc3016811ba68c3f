/* distribution.c — see distribution.h. */
#include "sim/distribution.h"

#include <stdlib.h>
#include <string.h>

#include "support/diag.h"
#include "support/util.h"

size_t sim_terminal_start(const Circuit *c)
{
    size_t k = c->main.n;
    while (k > 0 && (c->main.ops[k - 1]->kind == OP_MEASURE || c->main.ops[k - 1]->kind == OP_BARRIER))
        k--;
    for (size_t i = 0; i < k; i++) {
        const Op *op = c->main.ops[i];
        if (op->kind == OP_MEASURE || op->kind == OP_IF || op->kind == OP_RESET)
            return SIZE_MAX; /* mid-circuit measurement or classical control */
    }
    return k;
}

static void mark_written(const Op *op, unsigned char *w)
{
    while (op->kind == OP_IF)
        op = op->then;
    if (op->kind == OP_MEASURE)
        w[op->bit] = 1;
}

uint32_t sim_dist_shown(const Circuit *c, uint32_t *shown)
{
    uint32_t n = 0;
    if (c->nbits <= SIM_DIST_MAX_BITS) {
        for (uint32_t b = 0; b < c->nbits; b++)
            shown[n++] = b;
        return n;
    }
    unsigned char *w = xcalloc(c->nbits, 1); /* definitions are unitary: only main measures */
    for (size_t i = 0; i < c->main.n; i++)
        mark_written(c->main.ops[i], w);
    for (uint32_t b = 0; b < c->nbits; b++)
        if (w[b]) {
            if (n <= SIM_DIST_MAX_BITS)
                shown[n] = b;
            n++;
        }
    free(w);
    return n;
}

/* Adds the distribution over the distinct measured qubits (value v, slot
 * i of each measured bit) into the bit values: bit which[i] = slot[i]'s bit of v. */
static size_t bit_value(size_t v, int k, const int *slot, const uint32_t *which)
{
    size_t bv = 0;
    for (int i = 0; i < k; i++)
        if (v >> slot[i] & 1)
            bv |= (size_t)1 << which[i];
    return bv;
}

/* The terminal case: the state after the body, read at the measured qubits;
 * pos[b]: the shown position of circuit bit b. */
static bool terminal(const Circuit *circ, size_t tail, StateVec *sv, const uint32_t *pos, SimDistribution *d,
                     char **err)
{
    uint32_t nb = d->declared;
    int *qs = xcalloc(nb ? nb : 1, sizeof *qs);
    int *have = xcalloc(nb ? nb : 1, sizeof *have);
    for (size_t k = tail; k < circ->main.n; k++) {
        const Op *op = circ->main.ops[k];
        if (op->kind == OP_MEASURE) {
            qs[op->bit] = (int)op->q[0];
            have[op->bit] = 1;
        }
    }
    /* bits never measured read 0: distribution over the measured ones */
    int *mq = xcalloc(nb ? nb : 1, sizeof *mq), k = 0;
    uint32_t *which = xcalloc(nb ? nb : 1, sizeof *which);
    for (uint32_t b = 0; b < nb; b++)
        if (have[b]) {
            /* a qubit measured twice into two bits: both read the same value */
            mq[k] = qs[b];
            which[k] = pos[b];
            k++;
        }
    int distinct = 0;
    int *dq = xcalloc(k ? (size_t)k : 1, sizeof *dq), *slot = xcalloc(k ? (size_t)k : 1, sizeof *slot);
    for (int i = 0; i < k; i++) {
        int j = 0;
        while (j < distinct && dq[j] != mq[i])
            j++;
        if (j == distinct)
            dq[distinct++] = mq[i];
        slot[i] = j;
    }
    size_t nd = (size_t)1 << distinct;
    double *pd = xcalloc(nd, sizeof *pd);
    sim_probabilities(sv, dq, distinct, pd);
    for (size_t v = 0; v < nd; v++)
        d->prob[bit_value(v, k, slot, which)] += pd[v];
    bool ok = true;
    if (d->shots > 0) {
        uint64_t *cd = xcalloc(nd, sizeof *cd);
        ok = sim_sample(sv, dq, distinct, d->shots, d->seed, cd, err);
        if (ok)
            for (size_t v = 0; v < nd; v++)
                d->counts[bit_value(v, k, slot, which)] += cd[v];
        free(cd);
    }
    free(pd), free(dq), free(slot), free(mq), free(which), free(qs), free(have);
    return ok;
}

StateVec *sim_distribution(Circuit *circ, uint64_t shots, unsigned long seed, bool progress, SimDistribution *d,
                           SimRunResult *res, char **err)
{
    memset(d, 0, sizeof *d);
    d->declared = circ->nbits;
    d->shown = xcalloc(circ->nbits + 1, sizeof *d->shown);
    d->nbits = sim_dist_shown(circ, d->shown);
    if (d->nbits > SIM_DIST_MAX_BITS)
        ICE("sim_distribution: %u bits to show", d->nbits);
    uint32_t *pos = xcalloc(circ->nbits + 1, sizeof *pos); /* circuit bit -> shown position */
    for (uint32_t i = 0; i < d->nbits; i++)
        pos[d->shown[i]] = i;
    d->shots = shots;
    d->seed = seed;
    size_t nvals = (size_t)1 << d->nbits;
    d->prob = xcalloc(nvals, sizeof *d->prob);
    d->counts = xcalloc(nvals, sizeof *d->counts);
    SimRunOptions ro = {seed, 0};
    size_t tail = sim_terminal_start(circ);
    if (tail != SIZE_MAX) {
        /* run the body, then read the measured qubits' joint distribution */
        size_t saved = circ->main.n;
        circ->main.n = tail;
        StateVec *sv = sim_run_new(circ, &ro, res, err);
        circ->main.n = saved;
        if (sv) {
            d->exact = true;
            if (!terminal(circ, tail, sv, pos, d, err)) {
                sim_destroy(sv);
                sv = NULL;
            }
        }
        free(pos);
        return sv;
    }
    /* mid-circuit measurements: one run per shot */
    StateVec *sv = NULL;
    uint64_t n = shots > 0 ? shots : 1;
    for (uint64_t s = 0; s < n; s++) {
        ro.seed = seed + (unsigned long)s * 7919ul;
        sim_destroy(sv);
        sim_run_result_free(res);
        sv = sim_run_new(circ, &ro, res, err);
        if (!sv)
            break;
        size_t bv = 0;
        for (uint32_t i = 0; i < d->nbits; i++)
            if (res->bits[d->shown[i]])
                bv |= (size_t)1 << i;
        d->counts[bv]++;
        if (progress && n > 100)
            sim_progress(s + 1, n);
    }
    free(pos);
    return sv;
}

void sim_distribution_free(SimDistribution *d)
{
    free(d->prob);
    free(d->counts);
    free(d->shown);
    memset(d, 0, sizeof *d);
}
