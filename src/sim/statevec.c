/* statevec.c — the state vector's life cycle, the argument checks shared by
 * the kernels, the norm, and how many threads a loop gets. See statevec.h
 * for the conventions.
 *
 * Requires: nothing but src/support. Guarantees: amp is 64-byte aligned and
 * first touched by a static OpenMP schedule, as the kernels' sweeps over
 * the whole state are (so pages land near the threads that will use them
 * on NUMA machines). */
#include "sim/sim_internal.h"
#include "support/diag.h"
#include "support/util.h"

#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static uint64_t par_min = (uint64_t)1 << 15;

void sim_set_parallel_min(uint64_t n) { par_min = n ? n : 1; }
uint64_t sim_parallel_min(void) { return par_min; }

int sim_threads_for(uint64_t n)
{
    uint64_t k = n / par_min, max = (uint64_t)omp_get_max_threads();
    return k < 1 ? 1 : k < max ? (int)k : (int)max;
}

/* ---- argument checks ---- */

void simv_ptr(const void *p, const char *what, const char *who)
{
    if (!p)
        ICE("%s: %s is NULL", who, what);
}

void simv_state(const StateVec *sv, const char *who)
{
    if (!sv)
        ICE("%s: state vector is NULL", who);
    if (!sv->amp || sv->nqubits < 0 || sv->nqubits > SIM_MAX_QUBITS ||
        sv->dim != (uint64_t)1 << sv->nqubits)
        ICE("%s: state vector is not one made by sim_create (%d qubits, dim %llu)", who, sv->nqubits,
            (unsigned long long)sv->dim);
}

void simv_qubit(const StateVec *sv, int q, const char *who)
{
    if (q < 0 || q >= sv->nqubits)
        ICE("%s: qubit %d out of range for a %d-qubit state", who, q, sv->nqubits);
}

void simv_controls(const StateVec *sv, uint64_t ctrl, uint64_t neg, uint64_t targets, const char *who)
{
    if (ctrl >> sv->nqubits)
        ICE("%s: control mask %#llx names qubits beyond a %d-qubit state", who, (unsigned long long)ctrl,
            sv->nqubits);
    if (neg & ~ctrl)
        ICE("%s: negative-control mask %#llx is not within the control mask %#llx", who,
            (unsigned long long)neg, (unsigned long long)ctrl);
    if (ctrl & targets)
        ICE("%s: control mask %#llx overlaps the target qubits %#llx", who, (unsigned long long)ctrl,
            (unsigned long long)targets);
}

uint64_t simv_list(const StateVec *sv, const int *qubits, int k, const char *who)
{
    if (k < 0 || k > sv->nqubits)
        ICE("%s: %d qubits listed for a %d-qubit state", who, k, sv->nqubits);
    if (k > 0)
        simv_ptr(qubits, "qubit list", who);
    uint64_t mask = 0;
    for (int j = 0; j < k; j++) {
        simv_qubit(sv, qubits[j], who);
        if (mask >> qubits[j] & 1)
            ICE("%s: qubit %d listed twice", who, qubits[j]);
        mask |= (uint64_t)1 << qubits[j];
    }
    return mask;
}

uint64_t sim_qubit_mask(const StateVec *sv, const int *qubits, int count)
{
    simv_state(sv, __func__);
    return simv_list(sv, qubits, count, __func__);
}

/* ---- life cycle ---- */

StateVec *sim_create(int nqubits, char **err)
{
    if (nqubits < 0)
        ICE("%s: negative qubit count %d", __func__, nqubits);
    char need_s[32], budget_s[32];
    double need = ldexp(16.0, nqubits);
    size_t budget = mem_budget();
    if (nqubits > SIM_MAX_QUBITS || need > (double)budget) {
        sim_error(err,
                  "a state vector of %d qubits needs %s (2^%d amplitudes x 16 bytes), "
                  "more than the memory budget of %s (the machine's memory, or QGDC_MEM_LIMIT)",
                  nqubits, mem_human(need, need_s, sizeof need_s), nqubits,
                  mem_human((double)budget, budget_s, sizeof budget_s));
        return NULL;
    }
    size_t bytes = (size_t)need < 64 ? 64 : (size_t)need; /* aligned_alloc wants a multiple of 64 */
    double complex *amp = aligned_alloc(64, bytes);
    if (!amp) {
        sim_error(err, "out of memory allocating a state vector of %d qubits (%s)", nqubits,
                  mem_human(need, need_s, sizeof need_s));
        return NULL;
    }
    StateVec *sv = xmalloc(sizeof *sv);
    sv->nqubits = nqubits;
    sv->dim = (uint64_t)1 << nqubits;
    sv->amp = amp;
    sim_reset_zero(sv);
    return sv;
}

void sim_destroy(StateVec *sv)
{
    if (!sv)
        return;
    free(sv->amp);
    free(sv);
}

void sim_reset_zero(StateVec *sv)
{
    simv_state(sv, __func__);
    double complex *a = sv->amp;
    uint64_t dim = sv->dim;
    const int nt = sim_threads_for(dim);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (uint64_t i = 0; i < dim; i++)
        a[i] = 0;
    a[0] = 1;
}

void sim_set_basis(StateVec *sv, uint64_t index)
{
    simv_state(sv, __func__);
    if (index >= sv->dim)
        ICE("%s: basis index %llu out of range for a %d-qubit state", __func__, (unsigned long long)index,
            sv->nqubits);
    sim_reset_zero(sv);
    sv->amp[0] = 0;
    sv->amp[index] = 1;
}

void sim_set_amplitudes(StateVec *sv, const double complex *amp, uint64_t count)
{
    simv_state(sv, __func__);
    simv_ptr(amp, "amplitude array", __func__);
    if (count != sv->dim)
        ICE("%s: %llu amplitudes given for a %d-qubit state (%llu expected)", __func__,
            (unsigned long long)count, sv->nqubits, (unsigned long long)sv->dim);
    double complex *a = sv->amp;
    const int nt = sim_threads_for(count);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (uint64_t i = 0; i < count; i++)
        a[i] = amp[i];
}

double sim_norm2(const StateVec *sv)
{
    simv_state(sv, __func__);
    const double complex *a = sv->amp;
    uint64_t dim = sv->dim;
    double part[SIM_NCHUNK];
    const int nt = sim_threads_for(dim);
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (int c = 0; c < SIM_NCHUNK; c++) {
        double s = 0;
        for (uint64_t i = sim_chunk_lo(dim, c), hi = sim_chunk_lo(dim, c + 1); i < hi; i++)
            s += sim_abs2(a[i]);
        part[c] = s;
    }
    return sim_sum_parts(part);
}
