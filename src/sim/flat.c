/* flat.c — flat fusion and cache blocking of the executor's leaf
 * operations (contract in exec.h). The walk (exec.c) queues every leaf
 * (gate, multiplexor) it would apply; a flush
 *   1. groups the queue into blocks as qsim's fuser does: a leaf joins the
 *      latest block that touches one of its qubits (it commutes with every
 *      later block) when the union stays within SIM_FLAT_KMAX qubits, or
 *      SIM_FLAT_KDIAG when the block and the leaf are diagonal;
 *   2. turns each block of two or more leaves into one item where the cost
 *      estimate says it pays: a dense 2^m × 2^m matrix (m ≤ KMAX) or a
 *      diagonal table (2^m entries); other blocks give back their leaves;
 *   3. applies the items in order, those that act non-diagonally only on
 *      qubits below the chunk bit c (controls and diagonal action may be
 *      anywhere: on a chunk the high qubits are fixed) one chunk of 2^c
 *      amplitudes at a time (a chunk stays in the core's cache while all
 *      of them run; chunks are shared out between threads), the others on
 *      the whole state, with the kernels of statevec.h. Before a run of
 *      items held up by high qubits, those qubits are swapped with low
 *      ones in one pass over the state (qubit reordering), and the layout
 *      is restored at the end of the flush.
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

/* Leaves queued at most, and bytes of multiplexor tables. */
#define FLAT_QUEUE_MAX 8192
#define FLAT_TABLE_BYTES (64.0 * 1024 * 1024)

/* The estimate, per amplitude of a chunk, in units of one amplitude of a
 * complex 1-qubit gate in cache: a real matrix, a diagonal, a permutation,
 * a multiplexor; a kernel call (set-up, per chunk); a dense m-qubit block
 * (FLAT_MAC · 2^m + FLAT_GATHER); a diagonal table. */
#define FLAT_REAL 0.7
#define FLAT_DIAG 0.6
#define FLAT_PERM 0.5
#define FLAT_MUX 1.6
#define FLAT_CALL 0.08
#define FLAT_MAC 0.35
#define FLAT_GATHER 0.3
#define FLAT_TABLE 0.9

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
    uint64_t leaves, dense, diag, sweeps, full, swaps;
};

Flat *sim_flat_new(const StateVec *sv)
{
    Flat *F = xcalloc(1, sizeof *F);
    int c = flat_chunk > 0 ? flat_chunk : SIM_FLAT_CHUNK_LOG;
    F->chunk_log = c < sv->nqubits ? c : sv->nqubits;
    F->kmax = flat_kmax > 0 ? flat_kmax : SIM_FLAT_KMAX;
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
    r->flat_sweeps += F->sweeps, r->flat_full += F->full, r->flat_swaps += F->swaps;
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
        return FLAT_CALL + f * (real ? FLAT_REAL : 1);
    }
    case LEAF_X:
    case LEAF_SWAP: return FLAT_CALL + f * FLAT_PERM;
    case LEAF_PHASE: return FLAT_CALL + f * FLAT_DIAG;
    default: return FLAT_CALL + FLAT_MUX;
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

/* ---- items: what a flush applies ---- */

typedef enum { IT_LEAF, IT_DENSE, IT_DIAG } ItemKind;

typedef struct Item {
    ItemKind kind;
    uint64_t qs, mix;   /* qubits (state positions), and those acted on non-diagonally */
    const Leaf *leaf;   /* IT_LEAF */
    int m;              /* IT_DENSE, IT_DIAG: qubits of the block, in ascending order pos[] */
    int pos[SIM_FLAT_KDIAG];
    double complex *mat; /* IT_DENSE: 4^m, row-major over local j = Σ bit(pos[t]) << t;
                            IT_DIAG: the 2^m diagonal */
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

/* A dense matrix on the chunk's low qubits lp[0..k) (local index
 * j = Σ bit(lp[t]) << t), given as (re, re) and (−im, im) lanes. */
static void dense_chunk(StateVec *v, const int *lp, int k, const SimV2 *mr, const SimV2 *mi)
{
    const uint64_t d = (uint64_t)1 << k;
    uint64_t off[1 << 6], fixed = 0;
    for (uint64_t j = 0; j < d; j++)
        off[j] = spread(j, lp, k);
    for (int t = 0; t < k; t++)
        fixed |= bit(lp[t]);
    SimSweep s = sim_sweep(v, fixed, 0);
    double complex *a = v->amp;
    SimV2 x[1 << 6];
    for (uint64_t g = 0; g < s.count; g++) {
        const uint64_t b = sim_sweep_index(&s, g);
        for (uint64_t j = 0; j < d; j++)
            x[j] = v_ld(a + (b | off[j]));
        for (uint64_t r = 0; r < d; r++) {
            SimV2 acc = v_set(0, 0);
            const SimV2 *rr = mr + r * d, *ri = mi + r * d;
            for (uint64_t j = 0; j < d; j++)
                acc = v_add(acc, v_cmul(rr[j], ri[j], x[j]));
            v_st(a + (b | off[r]), acc);
        }
    }
}

/* A dense item, prepared for chunks: for each setting h of its high
 * qubits, the block of its matrix where they equal h (the matrix is
 * diagonal in them: they are controls or diagonal), as lanes. */
typedef struct DenseChunk {
    int k, lp[6], nh, hp[6];
    SimV2 *re, *im; /* 2^nh blocks of 4^k */
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
    for (uint64_t h = 0; h < nb; h++) {
        uint64_t hj = spread(h, ht, D.nh);
        for (uint64_t r = 0; r < d; r++)
            for (uint64_t c = 0; c < d; c++) {
                double complex e = it->mat[(hj | spread(r, lt, D.k)) * full + (hj | spread(c, lt, D.k))];
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
} DiagChunk;

static void diag_prepare(const Item *it, uint64_t low, int c, DiagChunk *G)
{
    memset(G, 0, sizeof *G);
    G->nbytes = (c + 7) / 8;
    for (int t = 0; t < it->m; t++) {
        int p = it->pos[t];
        if (bit(p) & low) {
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
    const uint64_t n = v->dim;
    if (G->nbytes <= 1) {
        for (uint64_t i = 0; i < n; i++) {
            const double complex e = d[ho | t0[i & 255]];
            v_st(a + i, v_cmul(v_re(e), v_im(e), v_ld(a + i)));
        }
    } else {
        for (uint64_t i = 0; i < n; i++) {
            const double complex e = d[ho | t0[i & 255] | t1[i >> 8 & 255] | t2[i >> 16 & 255]];
            v_st(a + i, v_cmul(v_re(e), v_im(e), v_ld(a + i)));
        }
    }
}

/* ---- the flush ---- */

typedef struct FBlock {
    uint64_t qs, mix;
    bool diag;
    int *idx, n, cap;
} FBlock;

static bool block_fits(uint64_t qs, bool diag, int kmax)
{
    return popc(qs) <= (diag ? SIM_FLAT_KDIAG : kmax);
}

/* A stage: items applied chunk by chunk, prepared. */
typedef struct Prep {
    DenseChunk D;
    DiagChunk *G;
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
        }
    const int nt = sim_threads_for(sv->dim);
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
                dense_chunk(&v, D->lp, D->k, D->re + h * dd, D->im + h * dd);
                break;
            }
            case IT_DIAG: diag_chunk(&v, hb, P[i].G, x->mat); break;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        free(P[i].D.re);
        free(P[i].D.im);
        free(P[i].G);
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
    /* 1. blocks */
    FBlock *B = xcalloc(n, sizeof *B);
    int nb = 0, last[64];
    for (int q = 0; q < 64; q++)
        last[q] = -1;
    for (size_t i = 0; i < n; i++) {
        const Leaf *L = &F->q[i];
        uint64_t qs = leaf_qubits(L), mix = leaf_mix(L);
        int b = qs ? -1 : nb - 1;
        for (int q = 0; q < 64; q++)
            if (qs >> q & 1 && last[q] > b)
                b = last[q];
        bool diag = mix == 0;
        if (!(b >= 0 && block_fits(B[b].qs | qs, B[b].diag && diag, kmax))) {
            b = nb++;
            B[b].diag = true;
        }
        FBlock *bl = &B[b];
        bl->qs |= qs, bl->mix |= mix, bl->diag = bl->diag && diag;
        if (bl->n == bl->cap) {
            bl->cap = bl->cap ? 2 * bl->cap : 4;
            bl->idx = xrealloc(bl->idx, (size_t)bl->cap * sizeof *bl->idx);
        }
        bl->idx[bl->n++] = (int)i;
        for (int q = 0; q < 64; q++)
            if (qs >> q & 1)
                last[q] = b;
    }
    /* 2. items */
    const int c = F->chunk_log;
    const uint64_t low = ((uint64_t)1 << c) - 1;
    Item *it = xcalloc(n, sizeof *it);
    int ni = 0;
    const Leaf **lv = xmalloc(n * sizeof *lv);
    for (int b = 0; b < nb; b++) {
        FBlock *bl = &B[b];
        double sum = 0;
        for (int j = 0; j < bl->n; j++)
            sum += leaf_cost(&F->q[bl->idx[j]]);
        int m = popc(bl->qs);
        double fused = bl->diag ? FLAT_CALL + FLAT_TABLE : FLAT_CALL + FLAT_GATHER + FLAT_MAC * ldexp(1, m);
        bool use = bl->n > 1 && fused < sum && m >= 1 && (bl->diag ? m <= SIM_FLAT_KDIAG : m <= kmax) &&
                   !(bl->mix & ~low);
        if (!use) {
            for (int j = 0; j < bl->n; j++) {
                const Leaf *L = &F->q[bl->idx[j]];
                it[ni++] = (Item){.kind = IT_LEAF, .qs = leaf_qubits(L), .mix = leaf_mix(L), .leaf = L};
            }
            continue;
        }
        Item *x = &it[ni++];
        *x = (Item){.kind = bl->diag ? IT_DIAG : IT_DENSE, .qs = bl->qs, .mix = bl->mix, .m = m};
        for (int q = 0, t = 0; q < 64; q++)
            if (bl->qs >> q & 1)
                x->pos[t++] = q;
        for (int j = 0; j < bl->n; j++)
            lv[j] = &F->q[bl->idx[j]];
        x->mat = bl->diag ? block_diag(lv, bl->n, x->pos, m) : block_matrix(lv, bl->n, x->pos, m);
        if (bl->diag)
            F->diag++;
        else
            F->dense++;
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
        free(it[i].mat);
    free(it);
    for (size_t i = 0; i < n; i++)
        leaf_free(&F->q[i]);
    F->n = 0;
    F->table_bytes = 0;
}
