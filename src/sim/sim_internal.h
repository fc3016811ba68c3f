/* sim_internal.h — what the simulator's own files share: argument checks
 * that name the public function, the index sweep that visits only the
 * amplitudes a kernel needs, the fixed-chunk reductions and the two-lane
 * complex arithmetic. Not for use outside src/sim. */
#ifndef QGDC_SIM_INTERNAL_H
#define QGDC_SIM_INTERNAL_H

#include "support/cmplx.h"
#include <stdbool.h>
#include <stdint.h>

#include "sim/statevec.h"
#include "support/diag.h"


/* ---- argument checks: each ICEs with `who` (the public function) ---- */

void simv_state(const StateVec *sv, const char *who);
void simv_qubit(const StateVec *sv, int q, const char *who);
void simv_ptr(const void *p, const char *what, const char *who);
/* ctrl within the register, neg ⊆ ctrl, ctrl disjoint from targets. */
void simv_controls(const StateVec *sv, uint64_t ctrl, uint64_t neg, uint64_t targets, const char *who);
/* qubits[0..k) distinct and in range; returns their mask. */
uint64_t simv_list(const StateVec *sv, const int *qubits, int k, const char *who);

/* A refusal the user's program caused: always returns false. */
#define sim_error diag_refuse /* see support/diag.h */

/* ---- threads ----
 * A loop of n iterations (amplitudes, or the pairs and groups of amplitudes
 * a gate kernel visits) runs on sim_threads_for(n) (statevec.h) = min(OpenMP's
 * thread count, n / sim_parallel_min()) threads, serially when that is 1:
 * each thread gets at least sim_parallel_min() iterations (default 2^15,
 * tens of microseconds of work), so waking the threads and the barrier at
 * the end stay small beside the work. The loops are elementwise or
 * fixed-chunk sums, so no result depends on the count. Use as
 *     const int nt = sim_threads_for(n);
 *     #pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1) */
static inline bool sim_par_n(uint64_t n) { return sim_threads_for(n) > 1; }

/* ---- sweeps ----
 * The indices whose bits at the `fixed` positions equal those of `base`
 * (base ⊆ fixed), enumerated by k in [0, count): k's bits are spread over
 * the free positions by inserting a zero at each fixed position, lowest
 * first, then base is or-ed in. No index is tested and rejected.
 *
 * Kernels walk a sweep in runs of two nested levels: the inner level puts
 * the low bits of k on the free positions z, z+1, … below the next fixed
 * one (indices j·istride apart, istride = 2^z), the outer level the next
 * bits on the free positions above that (o·ostride apart). So gates on
 * low qubits still get long runs with no index arithmetic. Runs are capped
 * (SIM_RUNLOG_MAX) and, on the parallel path, kept short enough that
 * there are at least 64 of them to share out between threads. */
#define SIM_RUNLOG_MAX 12

typedef struct SimSweep {
    int nfix;
    int lowest;       /* lowest fixed position, or −1 */
    int above;        /* lowest fixed position above `lowest`, or 64 */
    uint64_t low[64]; /* (1 << pos) − 1 for each fixed position, ascending */
    uint64_t base;
    uint64_t count;   /* dim >> nfix */
    int runlog;       /* runs of 2^runlog indices: 2^ilog inner × 2^olog outer */
    int ilog, olog;
    uint64_t istride, ostride;
} SimSweep;

/* The first free position at or above p, and the first fixed one above it. */
static inline void sim_free_span(uint64_t fixed, int n, int p, int *lo, int *hi)
{
    while (p < n && (fixed >> p & 1))
        p++;
    *lo = p;
    while (p < n && !(fixed >> p & 1))
        p++;
    *hi = p;
}

static inline SimSweep sim_sweep(const StateVec *sv, uint64_t fixed, uint64_t base)
{
    SimSweep s;
    int n = sv->nqubits, pos[64];
    s.nfix = 0;
    for (int q = 0; q < n; q++)
        if (fixed >> q & 1) {
            pos[s.nfix] = q;
            s.low[s.nfix++] = ((uint64_t)1 << q) - 1;
        }
    s.lowest = s.nfix ? pos[0] : -1;
    s.above = s.nfix > 1 ? pos[1] : 64;
    s.base = base;
    s.count = sv->dim >> s.nfix;
    int z1, e1, z2, e2;
    sim_free_span(fixed, n, 0, &z1, &e1);
    sim_free_span(fixed, n, e1, &z2, &e2);
    int cap = SIM_RUNLOG_MAX;
    if (sim_par_n(s.count) && cap > n - s.nfix - 6) /* keep 64 runs to share out */
        cap = n - s.nfix - 6 > 0 ? n - s.nfix - 6 : 0;
    s.ilog = e1 - z1 < cap ? e1 - z1 : cap;
    s.olog = e2 - z2 < cap - s.ilog ? e2 - z2 : cap - s.ilog;
    s.runlog = s.ilog + s.olog;
    s.istride = z1 < 64 ? (uint64_t)1 << z1 : 0;
    s.ostride = z2 < 64 ? (uint64_t)1 << z2 : 0;
    return s;
}

static inline uint64_t sim_sweep_index(const SimSweep *s, uint64_t k)
{
    for (int j = 0; j < s->nfix; j++)
        k = ((k & ~s->low[j]) << 1) | (k & s->low[j]);
    return k | s->base;
}

/* ---- fixed-chunk reductions ----
 * A reduction over [0, count) is cut into SIM_NCHUNK pieces fixed by count
 * alone; partial sums are added in chunk order, so the result does not
 * depend on the number of threads. */
#define SIM_NCHUNK 64

static inline uint64_t sim_chunk_lo(uint64_t count, int c)
{
    uint64_t q = count / SIM_NCHUNK, r = count % SIM_NCHUNK;
    return q * (uint64_t)c + ((uint64_t)c < r ? (uint64_t)c : r);
}

static inline double sim_sum_parts(const double *part)
{
    double s = 0;
    for (int c = 0; c < SIM_NCHUNK; c++)
        s += part[c];
    return s;
}

/* |z|² without going through cabs. */
static inline double sim_abs2(double complex z) { return creal(z) * creal(z) + cimag(z) * cimag(z); }

/* ---- two-lane arithmetic ----
 * An amplitude as one 2-lane vector (re, im), so a real-times-complex
 * product is one multiply and a complex product two multiplies, an add and
 * a swap; GCC at -O2 does not find this by itself. Portable fallback for
 * compilers without GNU vector extensions (or with SIM_NO_VECTOR_EXT
 * defined, which is how the fallback is tested). */
#if defined(__GNUC__) && !defined(SIM_NO_VECTOR_EXT)
typedef double SimV2 __attribute__((vector_size(16), aligned(8), may_alias));
static inline SimV2 v_ld(const double complex *p) { return *(const SimV2 *)p; }
static inline void v_st(double complex *p, SimV2 x) { *(SimV2 *)p = x; }
static inline SimV2 v_set(double re, double im) { return (SimV2){re, im}; }
static inline SimV2 v_add(SimV2 x, SimV2 y) { return x + y; }
static inline SimV2 v_mul(SimV2 x, SimV2 y) { return x * y; }
static inline SimV2 v_swap(SimV2 x) { return (SimV2){x[1], x[0]}; }
#else
typedef struct { double r, i; } SimV2;
static inline SimV2 v_ld(const double complex *p) { return (SimV2){creal(*p), cimag(*p)}; }
static inline void v_st(double complex *p, SimV2 x) { *p = CMPLX(x.r, x.i); }
static inline SimV2 v_set(double re, double im) { return (SimV2){re, im}; }
static inline SimV2 v_add(SimV2 x, SimV2 y) { return (SimV2){x.r + y.r, x.i + y.i}; }
static inline SimV2 v_mul(SimV2 x, SimV2 y) { return (SimV2){x.r * y.r, x.i * y.i}; }
static inline SimV2 v_swap(SimV2 x) { return (SimV2){x.i, x.r}; }
#endif

/* z·x for z = re + i·im given as (re, re) and (−im, im) — pass them as
 * two SimV2 locals, not a struct, so OpenMP copies them into registers:
 * z·x = (re, re)·(xr, xi) + (−im, im)·(xi, xr). */
static inline SimV2 v_re(double complex z) { return v_set(creal(z), creal(z)); }
static inline SimV2 v_im(double complex z) { return v_set(-cimag(z), cimag(z)); }
static inline SimV2 v_cmul(SimV2 re, SimV2 im, SimV2 x) { return v_add(v_mul(re, x), v_mul(im, v_swap(x))); }

/* ---- dense matrices (dense.c) ----
 * Row-major d × d complex matrices, d = 2^k; products are zgemm calls cut
 * into column blocks fixed by d, so results do not depend on the thread
 * count. Outputs must not overlap inputs. */
void simm_mul(uint64_t d, const double complex *a, const double complex *b, double complex *c); /* c = a·b */
void simm_adjoint(uint64_t d, const double complex *a, double complex *out);                   /* out = a† */
void simm_transpose(uint64_t d, double complex *a);                                           /* in place */
/* max_j |Σ_i |u_ij|² − 1|: the diagonal of u†u − I, in d² operations. */
double simm_column_drift(uint64_t d, const double complex *u);
/* ‖u†u − I‖_F (one product; tmp: d² scratch entries). */
double simm_drift(uint64_t d, const double complex *u, double complex *tmp);
/* One Newton–Schulz step towards the unitary polar factor:
 * out = u (3I − u†u) / 2 (tmp: d² scratch entries). Near a unitary the
 * deviation ‖u†u − I‖ is squared (times 3/4). */
void simm_newton_schulz(uint64_t d, const double complex *u, double complex *out, double complex *tmp);

#endif
