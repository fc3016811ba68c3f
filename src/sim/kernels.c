/* kernels.c — the gate kernels, one per gate class: dense 1-qubit (complex
 * and real), diagonal/phase, permutation (X, SWAP as index moves, any
 * controls), dense 2-qubit, and the uniformly controlled multiplexor.
 *
 * Requires: a state from sim_create. Guarantees: a controlled kernel reads
 * and writes only the amplitudes whose controls fire (the sweep enumerates
 * them directly); each output amplitude is computed by one thread from the
 * same inputs, so results do not depend on the thread count. Arithmetic is
 * written on two-lane vectors (re, im) (sim_internal.h), which also keeps
 * every multiply off the NaN-checking libgcc path of C's complex `*`. */
#include "sim/sim_internal.h"
#include "support/util.h"

#include <math.h>
#include <stdlib.h>

static uint64_t bit(int q) { return (uint64_t)1 << q; }

#if defined(__GNUC__)
#define SIM_PREFETCH(p) __builtin_prefetch(p)
#else
#define SIM_PREFETCH(p) ((void)(p))
#endif

/* Runs the statements after `i` once for each index i of sweep s, in runs
 * (see sim_internal.h), the runs shared out by a static OpenMP schedule.
 * pf > 0 adds a software prefetch pf amplitudes ahead of the linear
 * frontier b + 2j of a pair kernel's block (see pair_prefetch). */
#define SIM_SWEEP(sv, s, pf, i, ...)                                                                    \
    do {                                                                                                \
        const SimSweep *s_ = &(s);                                                                      \
        const uint64_t nruns_ = s_->count >> s_->runlog, ilen_ = (uint64_t)1 << s_->ilog;               \
        const uint64_t olen_ = (uint64_t)1 << s_->olog, is_ = s_->istride, os_ = s_->ostride;           \
        const uint64_t pf_ = (pf);                                                                      \
        const uint64_t cm_ = s_->above < (sv)->nqubits ? ((uint64_t)1 << s_->above) - 1 : (sv)->dim - 1; \
        const double complex *pa_ = (sv)->amp;                                                          \
        const int nt_ = sim_threads_for(s_->count);                                                     \
        (void)pa_;                                                                                      \
        _Pragma("omp parallel for schedule(static) num_threads(nt_) if (nt_ > 1)")                      \
        for (uint64_t r_ = 0; r_ < nruns_; r_++) {                                                      \
            const uint64_t first_ = sim_sweep_index(s_, r_ << s_->runlog);                              \
            for (uint64_t o_ = 0; o_ < olen_; o_++) {                                                   \
                const uint64_t b_ = first_ + o_ * os_;                                                  \
                if (pf_) {                                                                              \
                    const uint64_t lim_ = (b_ | cm_) + 1;                                               \
                    for (uint64_t j_ = 0; j_ < ilen_; j_++) {                                           \
                        const uint64_t i = b_ + j_;                                                     \
                        if (!(j_ & 1) && i + j_ + pf_ < lim_)                                           \
                            SIM_PREFETCH(pa_ + i + j_ + pf_);                                           \
                        __VA_ARGS__                                                                     \
                    }                                                                                   \
                } else if (is_ == 1) {                                                                  \
                    for (uint64_t j_ = 0; j_ < ilen_; j_++) {                                           \
                        const uint64_t i = b_ + j_;                                                     \
                        __VA_ARGS__                                                                     \
                    }                                                                                   \
                } else {                                                                                \
                    for (uint64_t j_ = 0; j_ < ilen_; j_++) {                                           \
                        const uint64_t i = b_ + j_ * is_;                                               \
                        __VA_ARGS__                                                                     \
                    }                                                                                   \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
    } while (0)

/* A pair kernel (i, i + 2^t) with 5 ≤ t ≤ 12 reads two streams 512 bytes to
 * 64 KiB apart, a pattern the hardware prefetchers follow badly (measured
 * on AMD EPYC: 1.5-2.5x slower than a linear pass); a software prefetch in
 * linear order, 2^(t+1) amplitudes ahead (at least 32 KiB, at most
 * 128 KiB), restores the linear speed. Used only when the target is the
 * lowest fixed bit and the inner runs are whole half-blocks (so the
 * frontier is known), and any other fixed bit is above 12 (so skipped
 * regions are large; the prefetch never crosses into the next region of
 * that bit). For t ≥ 13 it only gets in the way. */
static uint64_t pair_prefetch(const SimSweep *s, int t)
{
    if (s->lowest != t || s->ilog != t || t < 5 || t > 12 || s->above <= 12)
        return 0;
    return t < 10 ? 2048 : (uint64_t)2 << t;
}

/* ---- kernels: `s` enumerates the base index of each group ---- */

/* a[i] ← e·a[i] for each index of s. */
static void k_phase(const StateVec *sv, SimSweep s, double complex e)
{
    double complex *a = sv->amp;
    const SimV2 er = v_re(e), ei = v_im(e);
    SIM_SWEEP(sv, s, 0, i, v_st(a + i, v_cmul(er, ei, v_ld(a + i))););
}

/* (a[i], a[i|t]) ← (d0·a[i], d1·a[i|t]). */
static void k_diag(const StateVec *sv, SimSweep s, int target, double complex d0, double complex d1)
{
    double complex *a = sv->amp;
    const uint64_t t = bit(target);
    const SimV2 d0r = v_re(d0), d0i = v_im(d0), d1r = v_re(d1), d1i = v_im(d1);
    SIM_SWEEP(sv, s, pair_prefetch(&s, target), i, {
        v_st(a + i, v_cmul(d0r, d0i, v_ld(a + i)));
        v_st(a + (i | t), v_cmul(d1r, d1i, v_ld(a + (i | t))));
    });
}

/* a[i|p] ↔ a[i|q]. */
static void k_swap(const StateVec *sv, SimSweep s, uint64_t p, uint64_t q, uint64_t pf)
{
    double complex *a = sv->amp;
    SIM_SWEEP(sv, s, pf, i, {
        double complex x = a[i | p];
        a[i | p] = a[i | q];
        a[i | q] = x;
    });
}

static void k_dense1(const StateVec *sv, SimSweep s, int target, const double complex m[4])
{
    double complex *a = sv->amp;
    const uint64_t t = bit(target);
    const SimV2 m00r = v_re(m[0]), m00i = v_im(m[0]), m01r = v_re(m[1]), m01i = v_im(m[1]);
    const SimV2 m10r = v_re(m[2]), m10i = v_im(m[2]), m11r = v_re(m[3]), m11i = v_im(m[3]);
    SIM_SWEEP(sv, s, pair_prefetch(&s, target), i, {
        SimV2 x = v_ld(a + i), y = v_ld(a + (i | t));
        v_st(a + i, v_add(v_cmul(m00r, m00i, x), v_cmul(m01r, m01i, y)));
        v_st(a + (i | t), v_add(v_cmul(m10r, m10i, x), v_cmul(m11r, m11i, y)));
    });
}

/* A real matrix (H, Ry, …): a quarter of the multiplies of k_dense1. */
static void k_real1(const StateVec *sv, SimSweep s, int target, const double complex m[4])
{
    double complex *a = sv->amp;
    const uint64_t t = bit(target);
    const SimV2 m00 = v_set(creal(m[0]), creal(m[0])), m01 = v_set(creal(m[1]), creal(m[1]));
    const SimV2 m10 = v_set(creal(m[2]), creal(m[2])), m11 = v_set(creal(m[3]), creal(m[3]));
    SIM_SWEEP(sv, s, pair_prefetch(&s, target), i, {
        SimV2 x = v_ld(a + i), y = v_ld(a + (i | t));
        v_st(a + i, v_add(v_mul(m00, x), v_mul(m01, y)));
        v_st(a + (i | t), v_add(v_mul(m10, x), v_mul(m11, y)));
    });
}

static void k_dense2(const StateVec *sv, SimSweep s, uint64_t b0, uint64_t b1, const double complex m[16])
{
    double complex *a = sv->amp;
    SimV2 ur[16], ui[16];
    for (int j = 0; j < 16; j++)
        ur[j] = v_re(m[j]), ui[j] = v_im(m[j]);
    SIM_SWEEP(sv, s, 0, i, {
        const uint64_t idx[4] = {i, i | b0, i | b1, i | b0 | b1};
        const SimV2 v[4] = {v_ld(a + idx[0]), v_ld(a + idx[1]), v_ld(a + idx[2]), v_ld(a + idx[3])};
        for (int r = 0; r < 4; r++)
            v_st(a + idx[r], v_add(v_add(v_cmul(ur[4 * r], ui[4 * r], v[0]), v_cmul(ur[4 * r + 1], ui[4 * r + 1], v[1])),
                                   v_add(v_cmul(ur[4 * r + 2], ui[4 * r + 2], v[2]),
                                         v_cmul(ur[4 * r + 3], ui[4 * r + 3], v[3]))));
    });
}

/* Multiplexor: the pair (i, i|t) gets the gate for c, the control bits of
 * i gathered through one 256-entry table per byte of the index that holds
 * a control (a lookup per such byte, whatever the number of controls).
 * Ry and Rz take their parameters from a table of (cos θ/2, sin θ/2)
 * (16 bytes per c, a quarter of a matrix table: a multiplexor over all
 * but one qubit of a large state stays well below the state's size); the
 * general form reads the caller's matrices, with a real and a diagonal
 * variant. */
typedef enum { UC_RY, UC_RZ, UC_REAL, UC_DIAG, UC_DENSE } UcKind;

/* The gather: tab holds one 256-entry table per index byte that holds a
 * control; shifts packs those bytes' bit offsets, 8 bits each. Plain
 * scalars, so OpenMP hands them to the threads by value and the loop keeps
 * them in registers. */
typedef struct UcGather {
    int nbytes;
    uint64_t shifts;
    uint64_t *tab; /* nbytes × 256 */
} UcGather;

static UcGather uc_gather(const int *controls, int nc)
{
    UcGather g = {0, 0, xcalloc(8 * 256, sizeof(uint64_t))};
    int slot_of[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    for (int j = 0; j < nc; j++) {
        int byte = controls[j] / 8, off = controls[j] % 8;
        if (slot_of[byte] < 0) {
            slot_of[byte] = g.nbytes;
            g.shifts |= (uint64_t)(8 * byte) << (8 * g.nbytes++);
        }
        uint64_t *tab = g.tab + 256 * slot_of[byte];
        for (int v = 0; v < 256; v++)
            if (v >> off & 1)
                tab[v] |= (uint64_t)1 << j;
    }
    return g;
}

static inline uint64_t uc_index(const uint64_t *tab, uint64_t shifts, int nbytes, uint64_t i)
{
    uint64_t c = 0;
    for (int b = 0; b < nbytes; b++, shifts >>= 8)
        c |= tab[256 * b + (i >> (shifts & 63) & 255)];
    return c;
}

static void k_uc(const StateVec *sv, int target, const int *controls, int nc, const double complex *m,
                 const double *cs, UcKind kind)
{
    double complex *a = sv->amp;
    const uint64_t t = bit(target);
    SimSweep s = sim_sweep(sv, t, 0);
    const uint64_t pf = pair_prefetch(&s, target);
    const UcGather g = uc_gather(controls, nc);
    const uint64_t *gt = g.tab, gs = g.shifts;
    const int gn = g.nbytes;
    switch (kind) { /* one loop per kind: the choice stays out of the loop */
    case UC_RY:
        SIM_SWEEP(sv, s, pf, i, {
            const uint64_t c = uc_index(gt, gs, gn, i);
            const SimV2 x = v_ld(a + i), y = v_ld(a + (i | t));
            const SimV2 co = v_set(cs[2 * c], cs[2 * c]), si = v_set(cs[2 * c + 1], cs[2 * c + 1]);
            v_st(a + i, v_add(v_mul(co, x), v_mul(v_set(-cs[2 * c + 1], -cs[2 * c + 1]), y)));
            v_st(a + (i | t), v_add(v_mul(si, x), v_mul(co, y)));
        });
        break;
    case UC_RZ: /* diag(cos − i sin, cos + i sin) */
        SIM_SWEEP(sv, s, pf, i, {
            const uint64_t c = uc_index(gt, gs, gn, i);
            const SimV2 co = v_set(cs[2 * c], cs[2 * c]);
            v_st(a + i, v_cmul(co, v_set(cs[2 * c + 1], -cs[2 * c + 1]), v_ld(a + i)));
            v_st(a + (i | t), v_cmul(co, v_set(-cs[2 * c + 1], cs[2 * c + 1]), v_ld(a + (i | t))));
        });
        break;
    case UC_REAL:
        SIM_SWEEP(sv, s, pf, i, {
            const double complex *u = m + 4 * uc_index(gt, gs, gn, i);
            const SimV2 x = v_ld(a + i), y = v_ld(a + (i | t));
            v_st(a + i, v_add(v_mul(v_re(u[0]), x), v_mul(v_re(u[1]), y)));
            v_st(a + (i | t), v_add(v_mul(v_re(u[2]), x), v_mul(v_re(u[3]), y)));
        });
        break;
    case UC_DIAG:
        SIM_SWEEP(sv, s, pf, i, {
            const double complex *u = m + 4 * uc_index(gt, gs, gn, i);
            v_st(a + i, v_cmul(v_re(u[0]), v_im(u[0]), v_ld(a + i)));
            v_st(a + (i | t), v_cmul(v_re(u[3]), v_im(u[3]), v_ld(a + (i | t))));
        });
        break;
    case UC_DENSE:
        SIM_SWEEP(sv, s, pf, i, {
            const double complex *u = m + 4 * uc_index(gt, gs, gn, i);
            const SimV2 x = v_ld(a + i), y = v_ld(a + (i | t));
            v_st(a + i, v_add(v_cmul(v_re(u[0]), v_im(u[0]), x), v_cmul(v_re(u[1]), v_im(u[1]), y)));
            v_st(a + (i | t), v_add(v_cmul(v_re(u[2]), v_im(u[2]), x), v_cmul(v_re(u[3]), v_im(u[3]), y)));
        });
        break;
    }
    free(g.tab);
}

/* ---- entry points ---- */

static void mcdiag1(StateVec *sv, int target, uint64_t ctrl, uint64_t neg, double complex d0, double complex d1,
                    const char *who)
{
    simv_state(sv, who);
    simv_qubit(sv, target, who);
    simv_controls(sv, ctrl, neg, bit(target), who);
    uint64_t t = bit(target), pos = ctrl & ~neg;
    if (d0 == 1 && d1 == 1)
        return;
    if (d0 == 1)
        k_phase(sv, sim_sweep(sv, ctrl | t, pos | t), d1);
    else if (d1 == 1)
        k_phase(sv, sim_sweep(sv, ctrl | t, pos), d0);
    else
        k_diag(sv, sim_sweep(sv, ctrl | t, pos), target, d0, d1);
}

static void mc1q(StateVec *sv, int target, uint64_t ctrl, uint64_t neg, const double complex m[4], const char *who)
{
    simv_state(sv, who);
    simv_ptr(m, "matrix", who);
    simv_qubit(sv, target, who);
    simv_controls(sv, ctrl, neg, bit(target), who);
    if (m[1] == 0 && m[2] == 0) {
        mcdiag1(sv, target, ctrl, neg, m[0], m[3], who);
        return;
    }
    SimSweep s = sim_sweep(sv, ctrl | bit(target), ctrl & ~neg);
    bool real = cimag(m[0]) == 0 && cimag(m[1]) == 0 && cimag(m[2]) == 0 && cimag(m[3]) == 0;
    if (real)
        k_real1(sv, s, target, m);
    else
        k_dense1(sv, s, target, m);
}

void sim_apply_1q(StateVec *sv, int target, const double complex m[4]) { mc1q(sv, target, 0, 0, m, __func__); }

void sim_apply_mc1q(StateVec *sv, int target, uint64_t ctrl, uint64_t neg, const double complex m[4])
{
    mc1q(sv, target, ctrl, neg, m, __func__);
}

void sim_apply_diag1(StateVec *sv, int target, double complex d0, double complex d1)
{
    mcdiag1(sv, target, 0, 0, d0, d1, __func__);
}

void sim_apply_mcdiag1(StateVec *sv, int target, uint64_t ctrl, uint64_t neg, double complex d0, double complex d1)
{
    mcdiag1(sv, target, ctrl, neg, d0, d1, __func__);
}

void sim_apply_mcphase(StateVec *sv, uint64_t qubits, uint64_t neg, double phi)
{
    simv_state(sv, __func__);
    simv_controls(sv, qubits, neg, 0, __func__);
    if (phi != 0)
        k_phase(sv, sim_sweep(sv, qubits, qubits & ~neg), CMPLX(cos(phi), sin(phi)));
}

static void mcx(StateVec *sv, int target, uint64_t ctrl, uint64_t neg, const char *who)
{
    simv_state(sv, who);
    simv_qubit(sv, target, who);
    simv_controls(sv, ctrl, neg, bit(target), who);
    SimSweep s = sim_sweep(sv, ctrl | bit(target), ctrl & ~neg);
    k_swap(sv, s, 0, bit(target), pair_prefetch(&s, target));
}

void sim_apply_x(StateVec *sv, int target) { mcx(sv, target, 0, 0, __func__); }

void sim_apply_cx(StateVec *sv, int control, int target)
{
    simv_state(sv, __func__);
    simv_qubit(sv, control, __func__);
    mcx(sv, target, bit(control), 0, __func__);
}

void sim_apply_ccx(StateVec *sv, int control0, int control1, int target)
{
    simv_state(sv, __func__);
    int c[2] = {control0, control1};
    mcx(sv, target, simv_list(sv, c, 2, __func__), 0, __func__);
}

void sim_apply_mcx(StateVec *sv, int target, uint64_t ctrl, uint64_t neg) { mcx(sv, target, ctrl, neg, __func__); }

static void mcswap(StateVec *sv, int q0, int q1, uint64_t ctrl, uint64_t neg, const char *who)
{
    simv_state(sv, who);
    int q[2] = {q0, q1};
    uint64_t targets = simv_list(sv, q, 2, who);
    simv_controls(sv, ctrl, neg, targets, who);
    k_swap(sv, sim_sweep(sv, ctrl | targets, ctrl & ~neg), bit(q0), bit(q1), 0);
}

void sim_apply_swap(StateVec *sv, int q0, int q1) { mcswap(sv, q0, q1, 0, 0, __func__); }

void sim_apply_mcswap(StateVec *sv, int q0, int q1, uint64_t ctrl, uint64_t neg)
{
    mcswap(sv, q0, q1, ctrl, neg, __func__);
}

static void mc2q(StateVec *sv, int q0, int q1, uint64_t ctrl, uint64_t neg, const double complex m[16],
                 const char *who)
{
    simv_state(sv, who);
    simv_ptr(m, "matrix", who);
    int q[2] = {q0, q1};
    uint64_t targets = simv_list(sv, q, 2, who);
    simv_controls(sv, ctrl, neg, targets, who);
    k_dense2(sv, sim_sweep(sv, ctrl | targets, ctrl & ~neg), bit(q0), bit(q1), m);
}

void sim_apply_2q(StateVec *sv, int q0, int q1, const double complex m[16]) { mc2q(sv, q0, q1, 0, 0, m, __func__); }

void sim_apply_mc2q(StateVec *sv, int q0, int q1, uint64_t ctrl, uint64_t neg, const double complex m[16])
{
    mc2q(sv, q0, q1, ctrl, neg, m, __func__);
}

/* Checks a multiplexor's target and controls; returns 2^ncontrols. */
static uint64_t uc_check(const StateVec *sv, int target, const int *controls, int ncontrols, const void *table,
                         const char *who)
{
    simv_state(sv, who);
    simv_qubit(sv, target, who);
    uint64_t ctrl = simv_list(sv, controls, ncontrols, who);
    simv_controls(sv, ctrl, 0, bit(target), who);
    simv_ptr(table, ncontrols ? "parameter table" : "parameter", who);
    return (uint64_t)1 << ncontrols;
}

void sim_apply_uc1q(StateVec *sv, int target, const int *controls, int ncontrols, const double complex *m)
{
    uint64_t n = uc_check(sv, target, controls, ncontrols, m, __func__);
    bool real = true, diag = true;
    for (uint64_t j = 0; j < 4 * n; j++) {
        real = real && cimag(m[j]) == 0;
        diag = diag && (j % 4 == 0 || j % 4 == 3 || m[j] == 0);
    }
    k_uc(sv, target, controls, ncontrols, m, NULL, diag ? UC_DIAG : real ? UC_REAL : UC_DENSE);
}

/* The (cos θ/2, sin θ/2) table of Ry and Rz multiplexors. */
static double *half_angle_table(const double *angles, uint64_t n)
{
    double *cs = xmalloc(2 * n * sizeof *cs);
    for (uint64_t c = 0; c < n; c++)
        cs[2 * c] = cos(angles[c] / 2), cs[2 * c + 1] = sin(angles[c] / 2);
    return cs;
}

void sim_apply_ucry(StateVec *sv, int target, const int *controls, int ncontrols, const double *angles)
{
    uint64_t n = uc_check(sv, target, controls, ncontrols, angles, __func__);
    double *cs = half_angle_table(angles, n);
    k_uc(sv, target, controls, ncontrols, NULL, cs, UC_RY);
    free(cs);
}

void sim_apply_ucrz(StateVec *sv, int target, const int *controls, int ncontrols, const double *angles)
{
    uint64_t n = uc_check(sv, target, controls, ncontrols, angles, __func__);
    double *cs = half_angle_table(angles, n);
    k_uc(sv, target, controls, ncontrols, NULL, cs, UC_RZ);
    free(cs);
}
