/* flat.c — flat fusion and cache blocking of the executor's leaf
 * operations (contract in exec.h). The walk (exec.c) queues every leaf
 * (gate, multiplexor) it would apply; a flush
 *   1. groups the queue into blocks as qsim's fuser does: a leaf joins a
 *      block at or after the latest one that touches one of its qubits (it
 *      commutes with every later block) when the union stays within
 *      SIM_FLAT_KMAX qubits, or SIM_FLAT_KDIAG when the block and the leaf
 *      are monomial (a permutation of basis states times phases);
 *   2. turns each block of two or more leaves into one item where the cost
 *      estimate says it pays: a diagonal table, a permutation with factors
 *      (2^m entries each) or a dense 2^m × 2^m matrix; other blocks give
 *      back their leaves;
 *   3. applies the items in order, those that act non-diagonally only on
 *      qubits below the chunk bit c (controls and diagonal action may be
 *      anywhere: on a chunk the high qubits are fixed) one chunk of 2^c
 *      amplitudes at a time (a chunk stays in the core's cache while all
 *      of them run; chunks are shared out between threads), the others on
 *      the whole state, with the kernels of statevec.h.
 * Every result depends only on the queue and the settings, not on the
 * thread count. */
#include "sim/exec.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exec_internal.h"
#include "sim/sim_internal.h"
#include "support/util.h"

/* Blocks a leaf may join: the last FLAT_WINDOW. */
#define FLAT_WINDOW 24
/* Leaves queued at most, and bytes of multiplexor tables. */
#define FLAT_QUEUE_MAX 8192
#define FLAT_TABLE_BYTES (64.0 * 1024 * 1024)

/* The estimate: nanoseconds per amplitude of a chunk in cache, one
 * thread, as measured on the development machine (docs/bench.md): a
 * complex 1-qubit matrix, a real one, a diagonal, a permutation (CX,
 * SWAP), a phase (times the fraction of the amplitudes each visits), a
 * multiplexor; a kernel call's set-up per chunk; a diagonal table, a
 * monomial block (gather, one factor, scatter), a dense block of m
 * qubits (FLAT_DENSE0 + FLAT_MAC · 2^m from m = 3; the 1- and 2-qubit
 * kernels below that). */
#define FLAT_C1 1.9
#define FLAT_REAL 1.3
#define FLAT_DIAG 1.0
#define FLAT_PERM 1.2
#define FLAT_PHASE 1.4
#define FLAT_MUX 1.6 /* + FLAT_MUX_SEL per select */
#define FLAT_MUX_SEL 0.4
#define FLAT_CALL 0.05
#define FLAT_TABLE 1.6
#define FLAT_MONO 2.2
#define FLAT_D2 4.4
#define FLAT_DENSE0 3.0
#define FLAT_MAC 0.75
#define FLAT_DENSE0_V 0.6 /* the AVX-512 path */
#define FLAT_MAC_V 0.4
/* Building an item: per table entry and leaf (monomial), per kernel call
 * (dense: the leaves on a scratch state); a fused item must cost at most
 * FLAT_MARGIN of its leaves. */
#define FLAT_BUILD_ENTRY 5.0
#define FLAT_BUILD_CALL 1500.0
#define FLAT_MARGIN 0.75

static int flat_setting = -1, flat_chunk = 0, flat_kmax = 0;

void sim_set_flat(int on, int chunk_log, int kmax)
{
    flat_setting = on;
    flat_chunk = chunk_log;
    flat_kmax = kmax;
}

bool sim_flat_on(void)
{
    if (flat_setting >= 0)
        return flat_setting != 0;
    const char *e = getenv("QGDC_SIM_FLAT");
    if (e && (!strcmp(e, "0") || !strcmp(e, "off")))
        return false;
    return sim_fuse_mode() != SIM_FUSE_OFF;
}

struct Flat {
    Leaf *q;
    size_t n, cap;
    double table_bytes;
    int chunk_log, kmax;
    bool always; /* fuse every block that fits, whatever the estimate (tests) */
    uint64_t leaves, dense, diag, mono, sweeps, full;
};

Flat *sim_flat_new(const StateVec *sv)
{
    Flat *F = xcalloc(1, sizeof *F);
    int c = flat_chunk > 0 ? flat_chunk : SIM_FLAT_CHUNK_LOG;
    F->chunk_log = c < sv->nqubits ? c : sv->nqubits;
    F->kmax = flat_kmax > 0 ? flat_kmax : SIM_FLAT_KMAX;
    F->always = flat_setting == 2;
    if (F->kmax > 6)
        F->kmax = 6;
    return F;
}

void sim_flat_free(Flat *F)
{
    if (!F)
        return;
    for (size_t i = 0; i < F->n; i++)
        leaf_free(&F->q[i]);
    free(F->q);
    free(F);
}

void sim_flat_stats(const Flat *F, SimRunResult *r)
{
    r->flat_leaves += F->leaves, r->flat_dense += F->dense, r->flat_diag += F->diag;
    r->flat_mono += F->mono;
    r->flat_sweeps += F->sweeps, r->flat_full += F->full;
}

void sim_flat_push(Exec *X, Leaf *L)
{
    Flat *F = X->fl;
    if (F->n == F->cap) {
        F->cap = F->cap ? 2 * F->cap : 256;
        F->q = xrealloc(F->q, F->cap * sizeof *F->q);
    }
    F->q[F->n++] = *L;
    F->leaves++;
    if (L->angles)
        F->table_bytes += ldexp(8, L->nsel);
    L->sel = NULL, L->angles = NULL;
    if (F->n >= FLAT_QUEUE_MAX || F->table_bytes > FLAT_TABLE_BYTES)
        sim_flat_flush(X);
}

static int popc(uint64_t x) { return __builtin_popcountll(x); }

/* ---- what a leaf touches ---- */

static bool m_diag(const double complex m[4]) { return m[1] == 0 && m[2] == 0; }

/* All the qubits of L, and those it acts on non-diagonally. */
static uint64_t leaf_qubits(const Leaf *L)
{
    uint64_t s = L->ctrl;
    switch (L->kind) {
    case LEAF_SWAP: s |= bit(L->t1); /* fall through */
    case LEAF_1Q:
    case LEAF_X: s |= bit(L->t0); break;
    case LEAF_PHASE: break;
    case LEAF_UCRY:
    case LEAF_UCRZ:
        s |= bit(L->t0);
        for (int j = 0; j < L->nsel; j++)
            s |= bit(L->sel[j]);
        break;
    }
    return s;
}

static uint64_t leaf_mix(const Leaf *L)
{
    switch (L->kind) {
    case LEAF_1Q: return m_diag(L->m) ? 0 : bit(L->t0);
    case LEAF_X:
    case LEAF_UCRY: return bit(L->t0);
    case LEAF_SWAP: return bit(L->t0) | bit(L->t1);
    default: return 0;
    }
}

/* The estimate of applying L to a chunk, per amplitude. */
static double leaf_cost(const Leaf *L)
{
    double f = ldexp(1, -popc(L->ctrl));
    switch (L->kind) {
    case LEAF_1Q: {
        if (m_diag(L->m))
            return FLAT_CALL + f * FLAT_DIAG;
        bool real = cimag(L->m[0]) == 0 && cimag(L->m[1]) == 0 && cimag(L->m[2]) == 0 && cimag(L->m[3]) == 0;
        return FLAT_CALL + f * (real ? FLAT_REAL : FLAT_C1);
    }
    case LEAF_X:
    case LEAF_SWAP: return FLAT_CALL + f * FLAT_PERM;
    case LEAF_PHASE: return FLAT_CALL + f * FLAT_PHASE;
    default: return FLAT_CALL + FLAT_MUX + FLAT_MUX_SEL * L->nsel;
    }
}

static bool fires(uint64_t x, uint64_t ctrl, uint64_t neg) { return (x & ctrl) == (ctrl & ~neg); }

/* The factor the diagonal leaf L puts on basis state x. */
static double complex leaf_diag_at(const Leaf *L, uint64_t x)
{
    switch (L->kind) {
    case LEAF_1Q:
        if (!fires(x, L->ctrl, L->neg))
            return 1;
        return x >> L->t0 & 1 ? L->m[3] : L->m[0];
    case LEAF_PHASE: return fires(x, L->ctrl, L->neg) ? CMPLX(cos(L->phi), sin(L->phi)) : 1;
    case LEAF_UCRZ: {
        uint64_t c = 0;
        for (int j = 0; j < L->nsel; j++)
            c |= (x >> L->sel[j] & 1) << j;
        double h = L->angles[c] / 2, s = x >> L->t0 & 1 ? sin(h) : -sin(h);
        return CMPLX(cos(h), s);
    }
    default: ICE("flat: leaf kind %d is not diagonal", (int)L->kind);
    }
}

/* Whether L maps each basis state to one basis state times a factor
 * (permutations, diagonals, and their products: X, Y, CX, CCX, SWAP, Z,
 * S, T, P, RZ, CZ, phases, Rz multiplexors). */
static bool leaf_mono(const Leaf *L)
{
    switch (L->kind) {
    case LEAF_1Q: return m_diag(L->m) || (L->m[0] == 0 && L->m[3] == 0);
    case LEAF_UCRY: return false;
    default: return true;
    }
}

/* L on basis state *x: *x becomes its image, the factor is returned. */
static double complex leaf_mono_at(const Leaf *L, uint64_t *x)
{
    switch (L->kind) {
    case LEAF_1Q:
        if (!fires(*x, L->ctrl, L->neg))
            return 1;
        if (m_diag(L->m))
            return *x >> L->t0 & 1 ? L->m[3] : L->m[0];
        else {
            uint64_t b = *x >> L->t0 & 1;
            *x ^= bit(L->t0);
            return L->m[(1 - b) * 2 + b]; /* row 1−b, column b */
        }
    case LEAF_X:
        if (fires(*x, L->ctrl, L->neg))
            *x ^= bit(L->t0);
        return 1;
    case LEAF_SWAP:
        if (fires(*x, L->ctrl, L->neg) && (*x >> L->t0 & 1) != (*x >> L->t1 & 1))
            *x ^= bit(L->t0) | bit(L->t1);
        return 1;
    default: return leaf_diag_at(L, *x);
    }
}

/* ---- items: what a flush applies ---- */

typedef enum { IT_LEAF, IT_DENSE, IT_DIAG, IT_MONO } ItemKind;

typedef struct Item {
    ItemKind kind;
    uint64_t qs, mix;   /* qubits (state positions), and those acted on non-diagonally */
    const Leaf *leaf;   /* IT_LEAF */
    int m;              /* IT_DENSE, IT_DIAG: qubits of the block, in ascending order pos[] */
    int pos[SIM_FLAT_KDIAG];
    double complex *mat; /* IT_DENSE: 4^m, row-major over local j = Σ bit(pos[t]) << t;
                            IT_DIAG: the 2^m diagonal; IT_MONO: w below */
    uint32_t *src;       /* IT_MONO: U|src[r]⟩ = w[r]|r⟩ (w in mat) */
} Item;

/* The block's dense matrix: its leaves run, with qubits renamed to their
 * place in pos[], on a 2m-qubit scratch state holding the identity. */
static double complex *block_matrix(const Leaf *const *lv, int nl, const int *pos, int m)
{
    int loc[64];
    for (int t = 0; t < m; t++)
        loc[pos[t]] = t;
    StateVec *s = sim_create(2 * m, NULL);
    if (!s)
        ICE("flat: no memory for a %d-qubit scratch state", 2 * m);
    uint64_t dim = (uint64_t)1 << m;
    for (uint64_t c = 0; c < dim; c++)
        s->amp[c * dim + c] = 1;
    for (int i = 0; i < nl; i++) {
        Leaf L = *lv[i];
        uint64_t ctrl = 0, neg = 0;
        for (int b = 0; b < 64; b++)
            if (L.ctrl >> b & 1) {
                ctrl |= bit(loc[b]);
                if (L.neg >> b & 1)
                    neg |= bit(loc[b]);
            }
        L.ctrl = ctrl, L.neg = neg;
        L.t0 = loc[L.t0];
        if (L.kind == LEAF_SWAP)
            L.t1 = loc[L.t1];
        int sel[64];
        if (L.kind == LEAF_UCRY || L.kind == LEAF_UCRZ) {
            for (int j = 0; j < L.nsel; j++)
                sel[j] = loc[L.sel[j]];
            L.sel = sel;
        }
        leaf_apply(s, &L);
    }
    double complex *mat = s->amp;
    free(s);
    simm_transpose(dim, mat);
    return mat;
}

static double complex *block_diag(const Leaf *const *lv, int nl, const int *pos, int m)
{
    uint64_t dim = (uint64_t)1 << m;
    double complex *d = xmalloc(dim * sizeof *d);
    for (uint64_t j = 0; j < dim; j++) {
        uint64_t x = 0;
        for (int t = 0; t < m; t++)
            x |= (j >> t & 1) << pos[t];
        double complex v = 1;
        for (int i = 0; i < nl; i++)
            v *= leaf_diag_at(lv[i], x);
        d[j] = v;
    }
    return d;
}

/* A monomial block: U|j⟩ = f_j|π(j)⟩, stored by image r = π(j) as
 * src[r] = j, w[r] = f_j. */
static double complex *block_mono(const Leaf *const *lv, int nl, const int *pos, int m, uint32_t **src)
{
    uint64_t dim = (uint64_t)1 << m;
    double complex *w = xmalloc(dim * sizeof *w);
    uint32_t *sr = xmalloc(dim * sizeof *sr);
    for (uint64_t j = 0; j < dim; j++) {
        uint64_t x = 0;
        for (int t = 0; t < m; t++)
            x |= (j >> t & 1) << pos[t];
        double complex f = 1;
        for (int i = 0; i < nl; i++)
            f *= leaf_mono_at(lv[i], &x);
        uint64_t r = 0;
        for (int t = 0; t < m; t++)
            r |= (x >> pos[t] & 1) << t;
        sr[r] = (uint32_t)j, w[r] = f;
    }
    *src = sr;
    return w;
}

/* ---- chunk kernels: a chunk is a view of 2^c amplitudes whose high
 * bits (hb) are fixed ---- */

/* Spreads the bits of v over the positions pos[0..k). */
static uint64_t spread(uint64_t v, const int *pos, int k)
{
    uint64_t x = 0;
    for (int t = 0; t < k; t++)
        x |= (v >> t & 1) << pos[t];
    return x;
}

/* L on the chunk. */
static void leaf_chunk(StateVec *v, uint64_t hb, uint64_t low, const Leaf *L)
{
    uint64_t hctl = L->ctrl & ~low;
    if (!fires(hb, hctl, L->neg))
        return;
    uint64_t ctrl = L->ctrl & low, neg = L->neg & low;
    switch (L->kind) {
    case LEAF_1Q:
        if (bit(L->t0) & low)
            sim_apply_mc1q(v, L->t0, ctrl, neg, L->m);
        else { /* diagonal on a high qubit: a phase on the chunk */
            double complex d = hb >> L->t0 & 1 ? L->m[3] : L->m[0];
            if (d != 1)
                sim_apply_mcphase(v, ctrl, neg, carg(d));
        }
        return;
    case LEAF_X: sim_apply_mcx(v, L->t0, ctrl, neg); return;
    case LEAF_SWAP: sim_apply_mcswap(v, L->t0, L->t1, ctrl, neg); return;
    case LEAF_PHASE: sim_apply_mcphase(v, ctrl, neg, L->phi); return;
    case LEAF_UCRY:
    case LEAF_UCRZ: {
        int lsel[64], nl = 0, lj[64];
        uint64_t hc = 0;
        for (int j = 0; j < L->nsel; j++)
            if (bit(L->sel[j]) & low)
                lj[nl] = j, lsel[nl++] = L->sel[j];
            else
                hc |= (hb >> L->sel[j] & 1) << j;
        if (nl == L->nsel) {
            (L->kind == LEAF_UCRY ? sim_apply_ucry : sim_apply_ucrz)(v, L->t0, L->sel, L->nsel, L->angles);
            return;
        }
        uint64_t n = (uint64_t)1 << nl;
        double *a = xmalloc(n * sizeof *a);
        for (uint64_t c = 0; c < n; c++)
            a[c] = L->angles[hc | spread(c, lj, nl)];
        (L->kind == LEAF_UCRY ? sim_apply_ucry : sim_apply_ucrz)(v, L->t0, lsel, nl, a);
        free(a);
        return;
    }
    }
}

/* Group enumeration inside a chunk: the bases b of the groups (the bits
 * of `fixed` zero), in order, b ← ((b | fixed) + 1) & ~fixed. Kernels
 * take R = 2^r consecutive groups at once where the lowest fixed bit is
 * r or more (the same matrix entry for all R), so that the inner loops
 * run over contiguous amplitudes. */
static int run_log(uint64_t fixed)
{
    int r = 0;
    while (r < 3 && !(fixed >> r & 1))
        r++;
    return r;
}

#if defined(__GNUC__)
#define FLAT_INLINE static inline __attribute__((always_inline))
#else
#define FLAT_INLINE static inline
#endif

/* y = M x for R interleaved groups: x[j·R + k] is amplitude j of group k. */
FLAT_INLINE void dense_mul(const SimV2 *mr, const SimV2 *mi, const SimV2 *x, SimV2 *y, uint64_t d, int R)
{
    for (uint64_t r = 0; r < d; r++) {
        SimV2 acc[8];
        for (int k = 0; k < R; k++)
            acc[k] = v_set(0, 0);
        const SimV2 *rr = mr + r * d, *ri = mi + r * d;
        for (uint64_t j = 0; j < d; j++) {
            const SimV2 cr = rr[j], ci = ri[j];
            for (int k = 0; k < R; k++)
                acc[k] = v_add(acc[k], v_cmul(cr, ci, x[j * R + k]));
        }
        for (int k = 0; k < R; k++)
            y[r * R + k] = acc[k];
    }
}

/* A dense matrix on the chunk's low qubits lp[0..k) (local index
 * j = Σ bit(lp[t]) << t), given as (re, re) and (−im, im) lanes. */
/* The groups of a dense chunk kernel, R (a constant once inlined) at a time. */
FLAT_INLINE void dense_groups(double complex *a, uint64_t n, uint64_t fx, const uint64_t *off, uint64_t d,
                              const SimV2 *mr, const SimV2 *mi, const int R)
{
    SimV2 x[(1 << 6) * 8], y[(1 << 6) * 8];
    for (uint64_t b = 0; b < n; b = ((b | fx) + 1) & ~fx) {
        for (uint64_t j = 0; j < d; j++) {
            const double complex *p = a + (b | off[j]);
            for (int q = 0; q < R; q++)
                x[j * (uint64_t)R + (uint64_t)q] = v_ld(p + q);
        }
        dense_mul(mr, mi, x, y, d, R);
        for (uint64_t j = 0; j < d; j++) {
            double complex *p = a + (b | off[j]);
            for (int q = 0; q < R; q++)
                v_st(p + q, y[j * (uint64_t)R + (uint64_t)q]);
        }
    }
}

/* With AVX-512 (GCC on x86-64, checked at run time): four groups at a
 * time in one 8-lane vector (the two lowest bits free), the matrix
 * entries broadcast, two fused multiply-adds per entry and vector:
 * y += x·re + swap(x)·(−1, 1)·im. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(SIM_NO_VECTOR_EXT)
#define FLAT_AVX512 1
typedef double FlatV8 __attribute__((vector_size(64), aligned(16), may_alias));
typedef long long FlatI8 __attribute__((vector_size(64)));

__attribute__((target("avx512f"))) static void dense_groups_avx512(double complex *a, uint64_t n, uint64_t fx,
                                                                   const uint64_t *off, uint64_t d,
                                                                   const double *re, const double *im)
{
    const FlatI8 sw = {1, 0, 3, 2, 5, 4, 7, 6};
    const FlatV8 sg = {-1, 1, -1, 1, -1, 1, -1, 1};
    FlatV8 x[1 << 6], xs[1 << 6];
    for (uint64_t b = 0; b < n; b = ((b | fx) + 1) & ~fx) {
        for (uint64_t j = 0; j < d; j++) {
            x[j] = *(const FlatV8 *)(a + (b | off[j]));
            xs[j] = __builtin_shuffle(x[j], sw) * sg;
        }
        for (uint64_t r = 0; r < d; r++) {
            FlatV8 acc = {0}, acc2 = {0};
            const double *rr = re + r * d, *ri = im + r * d;
            for (uint64_t j = 0; j < d; j++) {
                acc += x[j] * rr[j];
                acc2 += xs[j] * ri[j];
            }
            *(FlatV8 *)(a + (b | off[r])) = acc + acc2;
        }
    }
}
#endif

/* dre, dim: the matrix's real and imaginary parts (the vector path). */
static void dense_chunk(StateVec *v, const int *lp, int k, const SimV2 *mr, const SimV2 *mi, const double *dre,
                        const double *dim)
{
    (void)dre, (void)dim; /* read by the AVX-512 path only */
    const uint64_t d = (uint64_t)1 << k;
    uint64_t off[1 << 6], fixed = 0;
    for (uint64_t j = 0; j < d; j++)
        off[j] = spread(j, lp, k);
    for (int t = 0; t < k; t++)
        fixed |= bit(lp[t]);
    const int rl = run_log(fixed), R = 1 << rl;
    const uint64_t fx = fixed | (uint64_t)(R - 1), n = v->dim;
#ifdef FLAT_AVX512
    if (R >= 4 && dre && __builtin_cpu_supports("avx512f")) {
        dense_groups_avx512(v->amp, n, fixed | 3, off, d, dre, dim);
        return;
    }
#endif
    switch (R) { /* R constant in each copy: the inner loops unrolled */
    case 1: dense_groups(v->amp, n, fx, off, d, mr, mi, 1); break;
    case 2: dense_groups(v->amp, n, fx, off, d, mr, mi, 2); break;
    case 4: dense_groups(v->amp, n, fx, off, d, mr, mi, 4); break;
    default: dense_groups(v->amp, n, fx, off, d, mr, mi, 8); break;
    }
}

/* A dense item, prepared for chunks: for each setting h of its high
 * qubits, the block of its matrix where they equal h (the matrix is
 * diagonal in them: they are controls or diagonal), as lanes. */
typedef struct DenseChunk {
    int k, lp[6], nh, hp[6];
    SimV2 *re, *im; /* 2^nh blocks of 4^k */
    double complex *cm; /* the same, complex (k ≤ 2: the 1- and 2-qubit kernels) */
    double *dre, *dim;  /* the same, real and imaginary parts */
} DenseChunk;

static DenseChunk dense_prepare(const Item *it, uint64_t low)
{
    DenseChunk D = {0};
    int lt[6], ht[6];
    for (int t = 0; t < it->m; t++)
        if (bit(it->pos[t]) & low)
            lt[D.k] = t, D.lp[D.k++] = it->pos[t];
        else
            ht[D.nh] = t, D.hp[D.nh++] = it->pos[t];
    uint64_t d = (uint64_t)1 << D.k, nb = (uint64_t)1 << D.nh, full = (uint64_t)1 << it->m;
    D.re = xmalloc(nb * d * d * sizeof *D.re);
    D.im = xmalloc(nb * d * d * sizeof *D.im);
    D.cm = xmalloc(nb * d * d * sizeof *D.cm);
    D.dre = xmalloc(nb * d * d * sizeof *D.dre);
    D.dim = xmalloc(nb * d * d * sizeof *D.dim);
    for (uint64_t h = 0; h < nb; h++) {
        uint64_t hj = spread(h, ht, D.nh);
        for (uint64_t r = 0; r < d; r++)
            for (uint64_t c = 0; c < d; c++) {
                double complex e = it->mat[(hj | spread(r, lt, D.k)) * full + (hj | spread(c, lt, D.k))];
                D.cm[(h * d + r) * d + c] = e;
                D.dre[(h * d + r) * d + c] = creal(e);
                D.dim[(h * d + r) * d + c] = cimag(e);
                D.re[(h * d + r) * d + c] = v_re(e);
                D.im[(h * d + r) * d + c] = v_im(e);
            }
    }
    return D;
}

/* A diagonal item, prepared for chunks: the byte tables that gather the
 * local index of an amplitude's low bits, and the high positions. */
typedef struct DiagChunk {
    uint32_t tab[3][256]; /* chunks of at most 24 bits */
    int nbytes, nh, hp[SIM_FLAT_KDIAG], hj[SIM_FLAT_KDIAG];
    int lowest; /* the lowest low qubit of the item (the chunk bit if none) */
} DiagChunk;

static void diag_prepare(const Item *it, uint64_t low, int c, DiagChunk *G)
{
    memset(G, 0, sizeof *G);
    G->nbytes = (c + 7) / 8;
    G->lowest = c;
    for (int t = 0; t < it->m; t++) {
        int p = it->pos[t];
        if (bit(p) & low) {
            if (p < G->lowest)
                G->lowest = p;
            for (int v = 0; v < 256; v++)
                if (v >> (p % 8) & 1)
                    G->tab[p / 8][v] |= (uint32_t)1 << t;
        } else
            G->hp[G->nh] = p, G->hj[G->nh++] = t;
    }
}

static void diag_chunk(StateVec *v, uint64_t hb, const DiagChunk *G, const double complex *d)
{
    uint64_t ho = 0;
    for (int j = 0; j < G->nh; j++)
        ho |= (hb >> G->hp[j] & 1) << G->hj[j];
    double complex *a = v->amp;
    const uint32_t *t0 = G->tab[0], *t1 = G->tab[1], *t2 = G->tab[2];
    const uint64_t n = v->dim, R = (uint64_t)1 << G->lowest; /* runs of one factor */
    for (uint64_t i = 0; i < n; i += R) {
        const double complex e = d[ho | t0[i & 255] | t1[i >> 8 & 255] | t2[i >> 16 & 255]];
        const SimV2 er = v_re(e), ei = v_im(e);
        for (uint64_t k = 0; k < R; k++)
            v_st(a + i + k, v_cmul(er, ei, v_ld(a + i + k)));
    }
}

/* A monomial item, prepared for chunks: for each setting h of its high
 * qubits (never moved: the item is local), the image's source and factor
 * over its low qubits lp[0..k). */
typedef struct MonoChunk {
    int k, lp[SIM_FLAT_KDIAG], nh, hp[SIM_FLAT_KDIAG];
    uint16_t *src; /* 2^nh × 2^k */
    double complex *w;
} MonoChunk;

static void mono_prepare(const Item *it, uint64_t low, MonoChunk *M)
{
    memset(M, 0, sizeof *M);
    int lt[SIM_FLAT_KDIAG], ht[SIM_FLAT_KDIAG];
    for (int t = 0; t < it->m; t++)
        if (bit(it->pos[t]) & low)
            lt[M->k] = t, M->lp[M->k++] = it->pos[t];
        else
            ht[M->nh] = t, M->hp[M->nh++] = it->pos[t];
    uint64_t d = (uint64_t)1 << M->k, nb = (uint64_t)1 << M->nh;
    M->src = xmalloc(nb * d * sizeof *M->src);
    M->w = xmalloc(nb * d * sizeof *M->w);
    for (uint64_t h = 0; h < nb; h++) {
        uint64_t hj = spread(h, ht, M->nh);
        for (uint64_t r = 0; r < d; r++) {
            uint64_t full = hj | spread(r, lt, M->k), sj = it->src[full], sl = 0;
            for (int t = 0; t < M->k; t++)
                sl |= (sj >> lt[t] & 1) << t;
            M->src[h * d + r] = (uint16_t)sl;
            M->w[h * d + r] = it->mat[full];
        }
    }
}

FLAT_INLINE void mono_groups(double complex *a, uint64_t n, uint64_t fx, const uint64_t *off, uint64_t d,
                             const uint16_t *src, const double complex *w, const int R)
{
    SimV2 x[(1 << SIM_FLAT_KDIAG) * 8];
    for (uint64_t b = 0; b < n; b = ((b | fx) + 1) & ~fx) {
        for (uint64_t j = 0; j < d; j++) {
            const double complex *p = a + (b | off[j]);
            for (int q = 0; q < R; q++)
                x[j * (uint64_t)R + (uint64_t)q] = v_ld(p + q);
        }
        for (uint64_t r = 0; r < d; r++) {
            const SimV2 er = v_re(w[r]), ei = v_im(w[r]), *xs = x + src[r] * (uint64_t)R;
            double complex *p = a + (b | off[r]);
            for (int q = 0; q < R; q++)
                v_st(p + q, v_cmul(er, ei, xs[q]));
        }
    }
}

static void mono_chunk(StateVec *v, uint64_t hb, const MonoChunk *M)
{
    uint64_t h = 0, fixed = 0;
    for (int j = 0; j < M->nh; j++)
        h |= (hb >> M->hp[j] & 1) << j;
    const uint64_t d = (uint64_t)1 << M->k;
    const uint16_t *src = M->src + h * d;
    const double complex *w = M->w + h * d;
    uint64_t off[1 << SIM_FLAT_KDIAG];
    for (uint64_t j = 0; j < d; j++)
        off[j] = spread(j, M->lp, M->k);
    for (int t = 0; t < M->k; t++)
        fixed |= bit(M->lp[t]);
    const int R = 1 << run_log(fixed);
    const uint64_t fx = fixed | (uint64_t)(R - 1), n = v->dim;
    switch (R) {
    case 1: mono_groups(v->amp, n, fx, off, d, src, w, 1); break;
    case 2: mono_groups(v->amp, n, fx, off, d, src, w, 2); break;
    case 4: mono_groups(v->amp, n, fx, off, d, src, w, 4); break;
    default: mono_groups(v->amp, n, fx, off, d, src, w, 8); break;
    }
}

/* Whether a dense block on the low qubits lq takes the vector path. */
static bool dense_vec(uint64_t lq)
{
#ifdef FLAT_AVX512
    return !(lq & 3) && __builtin_cpu_supports("avx512f");
#else
    (void)lq;
    return false;
#endif
}

/* ---- the flush ---- */

typedef struct FBlock {
    uint64_t qs, mix;
    bool mono;   /* every leaf monomial (diagonal when mix is 0 too) */
    bool closed; /* a leaf that runs on the whole state: nothing joins it */
    int *idx, n, cap;
} FBlock;

static bool block_fits(uint64_t qs, bool mono, int kmax)
{
    return popc(qs) <= (mono ? SIM_FLAT_KDIAG : kmax);
}

/* A stage: items applied chunk by chunk, prepared. */
typedef struct Prep {
    DenseChunk D;
    DiagChunk *G;
    MonoChunk *M;
} Prep;

static void run_stage(Flat *F, StateVec *sv, const Item *it, int n)
{
    if (n == 0)
        return;
    const int c = F->chunk_log;
    const uint64_t low = ((uint64_t)1 << c) - 1, nch = sv->dim >> c;
    Prep *P = xcalloc((size_t)n, sizeof *P);
    for (int i = 0; i < n; i++)
        if (it[i].kind == IT_DENSE)
            P[i].D = dense_prepare(&it[i], low);
        else if (it[i].kind == IT_DIAG) {
            P[i].G = xmalloc(sizeof *P[i].G);
            diag_prepare(&it[i], low, c, P[i].G);
        } else if (it[i].kind == IT_MONO) {
            P[i].M = xmalloc(sizeof *P[i].M);
            mono_prepare(&it[i], low, P[i].M);
        }
    int nt = sim_threads_for(sv->dim);
    if ((uint64_t)nt > nch)
        nt = (int)nch;
    double complex *amp = sv->amp;
#pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (uint64_t ch = 0; ch < nch; ch++) {
        StateVec v = {c, (uint64_t)1 << c, amp + (ch << c)};
        const uint64_t hb = ch << c;
        for (int i = 0; i < n; i++) {
            const Item *x = &it[i];
            switch (x->kind) {
            case IT_LEAF: leaf_chunk(&v, hb, low, x->leaf); break;
            case IT_DENSE: {
                const DenseChunk *D = &P[i].D;
                uint64_t h = 0, dd = (uint64_t)1 << (2 * D->k);
                for (int j = 0; j < D->nh; j++)
                    h |= (hb >> D->hp[j] & 1) << j;
                if (D->k == 1)
                    sim_apply_1q(&v, D->lp[0], D->cm + h * dd);
                else if (D->k == 2)
                    sim_apply_2q(&v, D->lp[0], D->lp[1], D->cm + h * dd);
                else
                    dense_chunk(&v, D->lp, D->k, D->re + h * dd, D->im + h * dd, D->dre + h * dd, D->dim + h * dd);
                break;
            }
            case IT_DIAG: diag_chunk(&v, hb, P[i].G, x->mat); break;
            case IT_MONO: mono_chunk(&v, hb, P[i].M); break;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        free(P[i].D.re);
        free(P[i].D.im);
        free(P[i].D.cm);
        free(P[i].D.dre);
        free(P[i].D.dim);
        free(P[i].G);
        if (P[i].M) {
            free(P[i].M->src);
            free(P[i].M->w);
            free(P[i].M);
        }
    }
    free(P);
    F->sweeps++;
}

/* Whether an item can run chunk by chunk (c: the chunk bits). */
static bool item_local(const Item *it, uint64_t low, int c)
{
    if (it->mix & ~low)
        return false;
    if (it->kind == IT_LEAF) {
        const Leaf *L = it->leaf;
        if (L->kind == LEAF_UCRY || L->kind == LEAF_UCRZ) {
            /* its target below the chunk bit; when some selects are high, the
             * per-chunk table stays small beside the chunk */
            if (!(bit(L->t0) & low))
                return false;
            int nl = popc(it->qs & low) - 1;
            return nl == L->nsel || nl <= c - 4;
        }
    }
    return true;
}

void sim_flat_flush(Exec *X)
{
    Flat *F = X->fl;
    if (!F || F->n == 0)
        return;
    StateVec *sv = X->sv;
    const size_t n = F->n;
    const int kmax = F->kmax;
    /* 1. blocks: a leaf joins a block at or after the last one that
     * touches its qubits (it commutes with every block after that one),
     * among the last FLAT_WINDOW, where the union fits: a monomial leaf
     * the monomial block it grows least, any other leaf a dense block
     * (or a monomial one that becomes dense) within kmax qubits. A leaf
     * that acts non-diagonally above the chunk bit stays alone. */
    const int c = F->chunk_log;
    const uint64_t low = ((uint64_t)1 << c) - 1;
    FBlock *B = xcalloc(n, sizeof *B);
    int nb = 0, last[64];
    for (int q = 0; q < 64; q++)
        last[q] = -1;
    for (size_t i = 0; i < n; i++) {
        const Leaf *L = &F->q[i];
        uint64_t qs = leaf_qubits(L), mix = leaf_mix(L);
        int b0 = -1;
        for (int q = 0; q < 64; q++)
            if (qs >> q & 1 && last[q] > b0)
                b0 = last[q];
        bool mono = leaf_mono(L), alone = (mix & ~low) != 0;
        int best = -1, grow = 99;
        for (int b = nb - 1; !alone && b >= 0 && b >= b0 && b >= nb - FLAT_WINDOW; b--) {
            const FBlock *x = &B[b];
            if (x->closed || !block_fits(x->qs | qs, x->mono && mono, kmax))
                continue;
            int gr = popc(x->qs | qs) - popc(x->qs) + (x->mono != mono ? 8 : 0);
            if (gr < grow)
                grow = gr, best = b;
        }
        if (best < 0) {
            best = nb++;
            B[best].mono = true;
            B[best].closed = alone;
        }
        FBlock *bl = &B[best];
        bl->qs |= qs, bl->mix |= mix, bl->mono = bl->mono && mono;
        if (bl->n == bl->cap) {
            bl->cap = bl->cap ? 2 * bl->cap : 4;
            bl->idx = xrealloc(bl->idx, (size_t)bl->cap * sizeof *bl->idx);
        }
        bl->idx[bl->n++] = (int)i;
        for (int q = 0; q < 64; q++)
            if (qs >> q & 1)
                last[q] = best;
    }
    /* 2. items */
    Item *it = xcalloc(n, sizeof *it);
    int ni = 0;
    const Leaf **lv = xmalloc(n * sizeof *lv);
    for (int b = 0; b < nb; b++) {
        FBlock *bl = &B[b];
        double sum = 0;
        for (int j = 0; j < bl->n; j++)
            sum += leaf_cost(&F->q[bl->idx[j]]);
        int m = popc(bl->qs);
        bool diag = bl->mono && !bl->mix;
        double fused = FLAT_CALL + (diag       ? FLAT_TABLE
                                    : bl->mono ? FLAT_MONO
                                    : m == 1   ? FLAT_C1
                                    : m == 2   ? FLAT_D2
                                    : dense_vec(bl->qs & low) ? FLAT_DENSE0_V + FLAT_MAC_V * ldexp(1, m)
                                               : FLAT_DENSE0 + FLAT_MAC * ldexp(1, m));
        /* building it, spread over the state: a table entry per leaf, or the
         * leaves run on a 2m-qubit scratch state (and a kernel call each) */
        fused += (bl->mono ? FLAT_BUILD_ENTRY * ldexp(1, m) * bl->n
                           : bl->n * (FLAT_BUILD_CALL + ldexp(FLAT_REAL, 2 * m))) / (double)sv->dim;
        bool use = bl->n > 1 && (F->always || fused < FLAT_MARGIN * sum) && m >= 1 && (bl->mono ? m <= SIM_FLAT_KDIAG : m <= kmax) &&
                   !(bl->mix & ~low);
        if (!use) {
            for (int j = 0; j < bl->n; j++) {
                const Leaf *L = &F->q[bl->idx[j]];
                it[ni++] = (Item){.kind = IT_LEAF, .qs = leaf_qubits(L), .mix = leaf_mix(L), .leaf = L};
            }
            continue;
        }
        Item *x = &it[ni++];
        *x = (Item){.kind = diag ? IT_DIAG : bl->mono ? IT_MONO : IT_DENSE, .qs = bl->qs, .mix = bl->mix, .m = m};
        for (int q = 0, t = 0; q < 64; q++)
            if (bl->qs >> q & 1)
                x->pos[t++] = q;
        for (int j = 0; j < bl->n; j++)
            lv[j] = &F->q[bl->idx[j]];
        if (x->kind == IT_DIAG)
            x->mat = block_diag(lv, bl->n, x->pos, m), F->diag++;
        else if (x->kind == IT_MONO)
            x->mat = block_mono(lv, bl->n, x->pos, m, &x->src), F->mono++;
        else
            x->mat = block_matrix(lv, bl->n, x->pos, m), F->dense++;
    }
    free(lv);
    for (int b = 0; b < nb; b++)
        free(B[b].idx);
    free(B);
    /* 3. stages */
    int s0 = 0;
    for (int i = 0; i < ni; i++) {
        if (item_local(&it[i], low, c))
            continue;
        run_stage(F, sv, it + s0, i - s0);
        s0 = i + 1;
        if (it[i].kind == IT_LEAF)
            leaf_apply(sv, it[i].leaf);
        else
            ICE("flat: a fused block acts on a qubit above the chunk bit");
        F->full++;
    }
    run_stage(F, sv, it + s0, ni - s0);
    for (int i = 0; i < ni; i++)
        free(it[i].mat), free(it[i].src);
    free(it);
    for (size_t i = 0; i < n; i++)
        leaf_free(&F->q[i]);
    F->n = 0;
    F->table_bytes = 0;
}
