/* sparse_be.c — sparse-access block encoding (see sparse_be.h): König edge
 * colouring, the lookup table, the circuit, and its exact costs. */
#include "passes/sparse_be.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/lower.h"
#include "support/consts.h"
#include "support/diag.h"
#include "support/util.h"

#define NONE SIZE_MAX

static unsigned ceil_log2_u64(uint64_t n) /* ⌈log2 n⌉, 0 for n ≤ 1 */
{
    unsigned m = 0;
    while (m < 64 && ((uint64_t)1 << m) < n)
        m++;
    return m;
}

/* ---- König edge colouring of the bipartite graph rows × columns ---- */

typedef struct Colouring {
    size_t n;
    unsigned s;
    size_t *rowat, *colat; /* [n·s]: the entry of colour c at row / column, or NONE */
    size_t *rowof;         /* [nnz] */
    uint32_t *colour;      /* [nnz] */
    const SpMat *A;
} Colouring;

static void put_edge(Colouring *K, size_t e, uint32_t c)
{
    K->colour[e] = c;
    K->rowat[K->rowof[e] * K->s + c] = e;
    K->colat[K->A->col[e] * K->s + c] = e;
}

/* Colours every entry with one of s colours so that no row and no column
 * has two entries of a colour. For entry (i, j): a colour a free at i and
 * b free at j; if a is taken at j, swap a and b along the alternating path
 * from j (it cannot reach i, which has no a-edge: bipartite parity), then
 * a is free at both. */
static void konig(Colouring *K)
{
    const SpMat *A = K->A;
    size_t s = K->s, *path = xmalloc((2 * K->n + 2) * sizeof *path);
    for (size_t i = 0; i < A->rows; i++)
        for (size_t e = A->rowptr[i]; e < A->rowptr[i + 1]; e++) {
            size_t j = A->col[e];
            uint32_t a = 0, b = 0;
            while (K->rowat[i * s + a] != NONE)
                a++;
            while (K->colat[j * s + b] != NONE)
                b++;
            if (K->colat[j * s + a] != NONE) {
                size_t np = 0, v = j;
                bool at_col = true;
                uint32_t x = a;
                for (;;) {
                    size_t f = at_col ? K->colat[v * s + x] : K->rowat[v * s + x];
                    if (f == NONE)
                        break;
                    if (np == 2 * K->n + 2)
                        ICE("sparse_be: alternating path longer than the graph");
                    path[np++] = f;
                    v = at_col ? K->rowof[f] : A->col[f];
                    at_col = !at_col;
                    x = x == a ? b : a;
                }
                for (size_t p = 0; p < np; p++) {
                    size_t f = path[p];
                    K->rowat[K->rowof[f] * s + K->colour[f]] = NONE;
                    K->colat[A->col[f] * s + K->colour[f]] = NONE;
                }
                for (size_t p = 0; p < np; p++)
                    put_edge(K, path[p], K->colour[path[p]] == a ? b : a);
                if (K->colat[j * s + a] != NONE || K->rowat[i * s + a] != NONE)
                    ICE("sparse_be: colouring invariant broken at entry (%zu, %zu)", i, j);
            }
            put_edge(K, e, a);
        }
    free(path);
}

/* ---- quantisation ---- */

static double entry_angle(double v) { return 2 * acos(sqrt(fmin(1.0, fabs(v)))); }

static uint64_t angle_bits(double theta, unsigned b)
{
    double t = nearbyint(ldexp(theta / QGD_PI, (int)b));
    double top = ldexp(1.0, (int)b) - 1;
    return (uint64_t)fmax(0.0, fmin(t, top));
}

double sparse_be_quantise(double v, unsigned bits)
{
    if (bits == 0)
        return v;
    double c = cos(sbe_rot_fixed_angle(angle_bits(entry_angle(v), bits), bits) / 2);
    return (v < 0 ? -1 : 1) * c * c;
}

/* ---- layout ---- */

static SbeLayout layout(SbeKind kind, unsigned q, unsigned w, unsigned b, uint32_t nwork)
{
    SbeLayout L = {.q = q, .w = w, .b = b};
    L.row = 0;
    L.slot = q + 1;
    L.col = L.slot + w;
    L.a_r = L.col + q + 1;
    L.a_c = L.a_r + 1;
    L.sign = L.a_c + 1;
    L.theta = L.sign + 1;
    L.work = L.theta + b;
    L.nwork = nwork;
    L.n = L.work + L.nwork;
    L.nsys = kind == SBE_DILATION ? q + 1 : q;
    L.nflags = L.work - L.nsys;
    return L;
}

/* ---- building ---- */

static bool selswap(SbeQromKind k) { return k == SBE_QROM_SELSWAP || k == SBE_QROM_SELSWAP_DIRTY; }

static QroamVariant variant(SbeQromKind k) { return k == SBE_QROM_SELSWAP_DIRTY ? QROAM_DIRTY : QROAM_CLEAN; }

/* The select-swap block size of a lookup over this profile: the option's,
 * or chosen; false with a message when it is out of range or its work
 * qubits exceed 2^32. */
static bool block_size(SbeQromKind kind, unsigned qroam_k, uint64_t max_extra, const QroamPrefix *p, unsigned width,
                       unsigned *k, uint64_t *work, uint64_t *regs, char **err)
{
    *k = 0;
    *regs = 0;
    if (!selswap(kind)) {
        *work = sbe_qrom_work(kind, p->abits);
        return true;
    }
    *k = qroam_k == SBE_QROAM_AUTO ? qroam_choose_k(variant(kind), p, width, max_extra) : qroam_k;
    if (*k > p->abits)
        return diag_refuse(err, "sparse block encoding: a select-swap block size of 2^%u is beyond the %u address qubits",
                           *k, p->abits);
    mpz_t w, r;
    mpz_inits(w, r, NULL);
    qroam_work_mpz(*k, p->abits, width, w, r);
    bool ok = mpz_sizeinbase(w, 2) <= 32;
    if (ok)
        *work = mpz_get_ui(w), *regs = mpz_get_ui(r);
    mpz_clears(w, r, NULL);
    if (!ok)
        return diag_refuse(err, "sparse block encoding: a select-swap block size of 2^%u with %u-bit words needs more "
                                "than 2^32 work qubits",
                           *k, width);
    return true;
}

static bool check_input(const SpMat *A, const SbeOptions *o, double *amax, char **err)
{
    if (!A || A->rows != A->cols)
        return diag_refuse(err, "sparse block encoding: the matrix must be square (it is %zu x %zu)",
                           A ? A->rows : 0, A ? A->cols : 0);
    if (A->rows == 0 || A->nnz == 0)
        return diag_refuse(err, "sparse block encoding: the matrix has no nonzero entries; there is nothing to encode");
    if (o->bits > SBE_MAX_BITS)
        return diag_refuse(err, "sparse block encoding: %u angle bits is out of range (0 for exact angles, 1 to %d)",
                           o->bits, SBE_MAX_BITS);
    if (o->kind != SBE_SYMMETRIC && o->kind != SBE_DILATION)
        return diag_refuse(err, "sparse block encoding: unknown kind %d", (int)o->kind);
    if (o->qrom != SBE_QROM_UNARY && o->qrom != SBE_QROM_MCX && !selswap(o->qrom))
        return diag_refuse(err, "sparse block encoding: unknown table lookup %d", (int)o->qrom);
    if (selswap(o->qrom) && o->bits == 0)
        return diag_refuse(err, "sparse block encoding: the select-swap table lookup loads fixed-point angles only; "
                                "give angle bits (1 to %d)",
                           SBE_MAX_BITS);
    double mx = 0;
    for (size_t e = 0; e < A->nnz; e++) {
        if (!isfinite(A->val[e]))
            return diag_refuse(err, "sparse block encoding: entry %zu of the matrix is %g; it must be finite", e,
                               A->val[e]);
        mx = fmax(mx, fabs(A->val[e]));
    }
    if (mx == 0)
        return diag_refuse(err, "sparse block encoding: the matrix is zero; there is nothing to encode");
    if (o->kind == SBE_SYMMETRIC)
        for (size_t i = 0; i < A->rows; i++)
            for (size_t e = A->rowptr[i]; e < A->rowptr[i + 1]; e++) {
                double t = sp_get(A, A->col[e], i);
                if (fabs(A->val[e] - t) > SBE_SYM_TOL * mx)
                    return diag_refuse(err,
                                       "sparse block encoding: the matrix is not symmetric: A[%zu][%zu] = %.17g but "
                                       "A[%zu][%zu] = %.17g (use the dilation)",
                                       i, A->col[e], A->val[e], A->col[e], i, t);
            }
    *amax = mx;
    return true;
}

void sparse_be_free(SparseBE *be)
{
    free(be->colour);
    free((void *)be->table.addr);
    free((void *)be->table.word);
    free((void *)be->table.theta);
    memset(be, 0, sizeof *be);
}

bool sparse_be_build(Circuit *c, const char *prefix, const SpMat *A, const SbeOptions *opt, SparseBE *out,
                     char **err)
{
    memset(out, 0, sizeof *out);
    if (!prefix)
        ICE("sparse_be_build: no name prefix");
    SbeOptions o = opt ? *opt : (SbeOptions){0};
    double amax = 0;
    if (!check_input(A, &o, &amax, err))
        return false;
    size_t n = A->rows;
    /* degrees */
    size_t *cdeg = xcalloc(n, sizeof *cdeg), s = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = A->rowptr[i + 1] - A->rowptr[i];
        s = r > s ? r : s;
        for (size_t e = A->rowptr[i]; e < A->rowptr[i + 1]; e++)
            cdeg[A->col[e]]++;
    }
    for (size_t j = 0; j < n; j++)
        s = cdeg[j] > s ? cdeg[j] : s;
    unsigned q = ceil_log2_u64(n), w = ceil_log2_u64(s);
    if (q == 0)
        q = 1;
    unsigned abits = w + q + 1, b = o.bits;
    /* stored slots: s' per index (d, i) that holds an entry */
    size_t sp = (size_t)1 << (w < 63 ? w : 63), nidx = 0;
    for (size_t i = 0; i < n; i++)
        nidx += (A->rowptr[i + 1] > A->rowptr[i]) + (cdeg[i] > 0);
    double slots = (double)nidx * (double)sp;
    /* select-swap: two (dirty: four) passes over the leaves; its swap
     * networks are counted below, once the block size is known */
    double passes = o.qrom == SBE_QROM_SELSWAP ? 2 : o.qrom == SBE_QROM_SELSWAP_DIRTY ? 4 : 1;
    double bytes = passes * (slots * (o.qrom == SBE_QROM_MCX ? sizeof(GateDef) + 3.0 * sizeof(Op) + 48 +
                                                                   4.0 * (abits + q + 3 + b)
                                                             : 2.0 * sizeof(Op) + 24.0) +
                             slots * (q + 3 + b) * (sizeof(Op) + 16.0));
    if (abits > SBE_MAX_BUILD_ABITS || slots > (double)SBE_MAX_BUILD_ENTRIES || bytes > (double)mem_budget()) {
        char b1[32], b2[32];
        free(cdeg);
        return diag_refuse(err,
                           "sparse block encoding: a table of %.0f slots over %u address qubits needs about %s of "
                           "circuit (budget %s; at most %d address qubits and 2^31 slots are built; "
                           "sparse_be_shape_cost costs any size)",
                           slots, abits, mem_human(bytes, b1, sizeof b1), mem_human((double)mem_budget(), b2, sizeof b2),
                           SBE_MAX_BUILD_ABITS);
    }
    size_t len = strlen(prefix) + 16;
    char *name = xmalloc(len);
    /* the prefix must be free: check with a name that would collide */
    for (size_t d = 0; d < c->ndefs; d++) {
        size_t pl = strlen(prefix);
        if (!strncmp(c->defs[d].name, prefix, pl) && (c->defs[d].name[pl] == 0 || c->defs[d].name[pl] == '_'))
            ICE("sparse_be_build: definition '%s' already uses the prefix '%s'", c->defs[d].name, prefix);
    }

    /* colouring */
    Colouring K = {.n = n, .s = (unsigned)s, .A = A};
    K.rowat = xmalloc(n * s * sizeof *K.rowat);
    K.colat = xmalloc(n * s * sizeof *K.colat);
    for (size_t x = 0; x < n * s; x++)
        K.rowat[x] = K.colat[x] = NONE;
    K.rowof = xmalloc(A->nnz * sizeof *K.rowof);
    K.colour = xmalloc(A->nnz * sizeof *K.colour);
    for (size_t i = 0; i < n; i++)
        for (size_t e = A->rowptr[i]; e < A->rowptr[i + 1]; e++)
            K.rowof[e] = i;
    konig(&K);

    /* the table: index (d, i) at address row d + 2i, slots k < s' */
    size_t L = nidx * sp;
    uint64_t *addr = xmalloc(L * sizeof *addr), *word = xcalloc(L, sizeof *word);
    double *theta = b == 0 ? xcalloc(L, sizeof *theta) : NULL;
    unsigned cbit = 0, gbit = q + 1, abit = q + 2, tbit = q + 3; /* data bits */
    size_t l = 0;
    for (size_t i = 0; i < n; i++)
        for (unsigned d = 0; d < 2; d++) {
            size_t *at = d == 0 ? K.rowat + i * s : K.colat + i * s;
            if (d == 0 ? A->rowptr[i + 1] == A->rowptr[i] : cdeg[i] == 0)
                continue;
            for (size_t k = 0; k < sp; k++, l++) {
                addr[l] = (uint64_t)k + ((uint64_t)(2 * i + d) << w);
                size_t e = k < s ? at[k] : NONE;
                if (e == NONE)
                    continue;
                size_t partner = d == 0 ? A->col[e] + ((size_t)1 << q) : K.rowof[e];
                double v = A->val[e] / amax, th = entry_angle(v);
                uint64_t wd = (uint64_t)partner << cbit | (uint64_t)(v < 0) << gbit | (uint64_t)1 << abit;
                if (b)
                    wd |= angle_bits(th, b) << tbit;
                else
                    theta[l] = th;
                word[l] = wd;
            }
        }
    if (l != L)
        ICE("sparse_be_build: %zu slots written, %zu expected", l, L);
    free(K.rowat), free(K.colat), free(K.rowof), free(cdeg);

    SbeTable tab = {.abits = abits,
                    .L = L,
                    .addr = addr,
                    .width = q + 3 + b,
                    .word = word,
                    .theta = theta,
                    .rot_bit = abit};
    /* the lookup's work qubits (select-swap: its block size) */
    unsigned qk = 0;
    uint64_t nwork = 0, regs = 0;
    {
        QroamPrefix pf;
        qroam_prefix_init(&pf, abits);
        if (selswap(o.qrom))
            qroam_prefix_table(&pf, &tab);
        bool ok = block_size(o.qrom, o.qroam_k, o.qroam_max_extra, &pf, tab.width, &qk, &nwork, &regs, err);
        qroam_prefix_clear(&pf);
        double swap_bytes = (double)regs * qk * (o.qrom == SBE_QROM_SELSWAP_DIRTY ? 4 : 2) * (sizeof(Op) + 16.0);
        if (ok && (regs > QROAM_MAX_BUILD_REGQUBITS || bytes + swap_bytes > (double)mem_budget())) {
            char b1[32], b2[32];
            ok = diag_refuse(err,
                             "sparse block encoding: a select-swap lookup of block size 2^%u (%llu register qubits) "
                             "needs about %s of circuit (budget %s; at most %llu register qubits are built)",
                             qk, (unsigned long long)regs, mem_human(bytes + swap_bytes, b1, sizeof b1),
                             mem_human((double)mem_budget(), b2, sizeof b2),
                             (unsigned long long)QROAM_MAX_BUILD_REGQUBITS);
        }
        if (!ok) {
            free(addr), free(word), free(theta), free(K.colour), free(name);
            return false;
        }
    }
    SbeLayout lay = layout(o.kind, q, w, b, (uint32_t)nwork);
    snprintf(name, len, "%s_qrom", prefix);
    uint32_t dq = selswap(o.qrom) ? qroam_def(c, name, &tab, variant(o.qrom), qk) : sbe_qrom_def(c, name, &tab, o.qrom);
    uint32_t drot = UINT32_MAX;
    if (b) {
        snprintf(name, len, "%s_rot", prefix);
        drot = sbe_rot_fixed_def(c, name, b);
    }
    snprintf(name, len, "%s_reflect", prefix);
    uint32_t drefl = sbe_reflect_def(c, name, lay.nflags);

    uint32_t *qv = xmalloc((2 * (size_t)lay.n + 8) * sizeof *qv);
    /* V */
    snprintf(name, len, "%s_v", prefix);
    uint32_t dv = circuit_def(c, name, lay.n, "sparse access: V|x>|0> = sum_k |x>|k>|sigma_k(x)>(beta|0>+...)/sqrt(s')");
    Block *bv = circuit_def_body(c, dv);
    circ_gate(c, bv, GATE_X, &lay.a_c, NULL);
    for (uint32_t k = 0; k < w; k++) {
        uint32_t x = lay.slot + k;
        circ_gate(c, bv, GATE_H, &x, NULL);
    }
    if (o.kind == SBE_SYMMETRIC) {
        uint32_t x = lay.row + q;
        circ_gate(c, bv, GATE_H, &x, NULL);
    }
    uint32_t nq = 0;
    for (uint32_t k = 0; k < w; k++) /* address: K, d, i */
        qv[nq++] = lay.slot + k;
    qv[nq++] = lay.row + q;
    for (uint32_t k = 0; k < q; k++)
        qv[nq++] = lay.row + k;
    for (uint32_t k = 0; k <= q; k++) /* data: C, g, a_C, Θ */
        qv[nq++] = lay.col + k;
    qv[nq++] = lay.sign;
    qv[nq++] = lay.a_c;
    for (uint32_t k = 0; k < b; k++)
        qv[nq++] = lay.theta + k;
    for (uint32_t k = 0; k < lay.nwork; k++)
        qv[nq++] = lay.work + k;
    circ_call(c, bv, dq, 0, qv);
    if (b) {
        for (uint32_t k = 0; k < b; k++)
            qv[k] = lay.theta + k;
        qv[b] = lay.a_c;
        circ_call(c, bv, drot, 0, qv);
    }

    /* U and cu */
    for (uint32_t k = 0; k < lay.n + 1; k++)
        qv[k] = k;
    snprintf(name, len, "%s_u", prefix);
    uint32_t du = circuit_def(c, name, lay.n, "block encoding U = V^dg (Z_sign SWAP) V, <0|U|0> = A/alpha");
    snprintf(name, len, "%s_cu", prefix);
    uint32_t dcu = circuit_def(c, name, lay.n + 1, "controlled U (control last): only the middle is controlled");
    for (int pass = 0; pass < 2; pass++) {
        uint32_t d = pass ? dcu : du, ctl = lay.n;
        Block *bb = circuit_def_body(c, d);
        circ_call(c, bb, dv, 0, qv);
        uint32_t p[3] = {ctl, lay.sign, 0};
        circ_cgate(c, bb, GATE_Z, pass, pass ? p : p + 1, NULL);
        for (uint32_t k = 0; k <= q + 1; k++) {
            p[1] = k <= q ? lay.row + k : lay.a_r;
            p[2] = k <= q ? lay.col + k : lay.a_c;
            circ_cgate(c, bb, GATE_SWAP, pass, pass ? p : p + 1, NULL);
        }
        circ_call(c, bb, dv, 0, qv)->inv = true;
    }

    /* W */
    snprintf(name, len, "%s_walk", prefix);
    uint32_t dw = circuit_def(c, name, lay.n, "qubitized walk W = (2|0><0|_flags - I) U");
    Block *bw = circuit_def_body(c, dw);
    circ_call(c, bw, du, 0, qv);
    circ_call(c, bw, drefl, 0, qv + lay.nsys);
    /* ctrl-W = ctrl-R · ctrl-U, control last */
    snprintf(name, len, "%s_cwalk", prefix);
    uint32_t dcw = circuit_def(c, name, lay.n + 1, "controlled walk (control last)");
    Block *bcw = circuit_def_body(c, dcw);
    circ_call(c, bcw, dcu, 0, qv);
    qv[lay.n + 1] = lay.n; /* the control, then the flags */
    for (uint32_t k = 0; k < lay.nflags; k++)
        qv[lay.n + 2 + k] = lay.nsys + k;
    circ_call(c, bcw, drefl, 1, qv + lay.n + 1);
    free(qv);
    free(name);

    *out = (SparseBE){.opt = o,
                      .n = n,
                      .nnz = A->nnz,
                      .s = (unsigned)s,
                      .q = q,
                      .w = w,
                      .amax = amax,
                      .alpha = ldexp(amax, (int)w),
                      .lay = lay,
                      .colour = K.colour,
                      .table = tab,
                      .qroam_k = qk,
                      .qrom = dq,
                      .rot = drot,
                      .v = dv,
                      .u = du,
                      .cu = dcu,
                      .walk = dw,
                      .cwalk = dcw,
                      .reflect = drefl};
    return true;
}

/* ---- costs ---- */

void sbe_costs_init(SbeCosts *k)
{
    memset(k, 0, sizeof *k);
    sbe_cost_init(&k->qrom), sbe_cost_init(&k->rot), sbe_cost_init(&k->v);
    sbe_cost_init(&k->u), sbe_cost_init(&k->cu), sbe_cost_init(&k->walk), sbe_cost_init(&k->cwalk);
    mpz_inits(k->L, k->sprime, NULL);
}

void sbe_costs_clear(SbeCosts *k)
{
    sbe_cost_clear(&k->qrom), sbe_cost_clear(&k->rot), sbe_cost_clear(&k->v);
    sbe_cost_clear(&k->u), sbe_cost_clear(&k->cu), sbe_cost_clear(&k->walk), sbe_cost_clear(&k->cwalk);
    mpz_clears(k->L, k->sprime, NULL);
}

/* V, U, cu and W from the table's and the rotation's costs (k->qrom, k->rot). */
static void compose(SbeCosts *k, SbeKind kind, unsigned q, unsigned w, unsigned b, uint64_t nwork)
{
    SbeCost *v = &k->v, *u = &k->u, *cu = &k->cu, *wk = &k->walk;
    unsigned long nu = 2ul * (q + 1) + w + 3 + b + (unsigned long)nwork;
    unsigned long nflags = (unsigned long)q + w + 4 + b + (kind == SBE_SYMMETRIC);
    /* V = x, h's, the table, the rotation */
    mpz_set_ui(v->ccz, 0), mpz_set_ui(v->t, 0), mpz_set_ui(v->rotations, 0), mpz_set_ui(v->ancillas, 0);
    sbe_cost_add(v, &k->qrom);
    if (b)
        sbe_cost_add(v, &k->rot);
    mpz_set_ui(v->qubits, nu);
    /* U = V, Z, swaps, V† */
    sbe_cost_set(u, v);
    sbe_cost_add(u, v);
    /* cu: the q + 2 swaps under one control are one ccx each */
    sbe_cost_set(cu, u);
    mpz_add_ui(cu->ccz, cu->ccz, q + 2);
    mpz_add_ui(cu->qubits, cu->qubits, 1);
    /* W = U, reflection */
    SbeCost r;
    sbe_cost_init(&r);
    sbe_reflect_cost((unsigned)nflags, &r);
    sbe_cost_set(wk, u);
    sbe_cost_add(wk, &r);
    /* ctrl-W: ctrl-U, then the reflection under one more control: p(π) under
     * nflags controls, 2(nflags − 1) CCZ and nflags − 1 lowering ancillas */
    sbe_cost_set(&k->cwalk, cu);
    mpz_set_ui(r.ccz, 2 * (nflags - 1));
    mpz_set_ui(r.ancillas, nflags - 1);
    sbe_cost_add(&k->cwalk, &r);
    sbe_cost_clear(&r);
    k->q = q, k->w = w, k->abits = w + q + 1, k->width = q + 3 + b;
    mpz_set_ui(k->sprime, 1);
    mpz_mul_2exp(k->sprime, k->sprime, w);
}

void sparse_be_cost(const SparseBE *be, SbeCosts *k)
{
    k->qroam_k = be->qroam_k;
    k->borrowable = 0;
    if (selswap(be->opt.qrom)) {
        qroam_table_cost(variant(be->opt.qrom), be->qroam_k, &be->table, &k->qrom);
        if (be->opt.qrom == SBE_QROM_SELSWAP_DIRTY)
            qroam_work(be->qroam_k, be->table.abits, be->table.width, &k->borrowable);
    } else
        sbe_qrom_table_cost(be->opt.qrom, &be->table, &k->qrom);
    unsigned b = be->opt.bits;
    if (b)
        sbe_rot_fixed_cost(b, &k->rot);
    else {
        mpz_set_ui(k->rot.ccz, 0), mpz_set_ui(k->rot.t, 0), mpz_set_ui(k->rot.rotations, 0);
        mpz_set_ui(k->rot.qubits, 0), mpz_set_ui(k->rot.ancillas, 0);
    }
    compose(k, be->opt.kind, be->q, be->w, b, be->lay.nwork);
    mpz_set_ui(k->L, 0);
    mpz_add_ui(k->L, k->L, (unsigned long)be->table.L);
}

void sbe_shape_init(SbeShape *sh)
{
    memset(sh, 0, sizeof *sh);
    mpz_init_set_ui(sh->n, 1);
    mpz_init_set_ui(sh->L, 0);
    mpz_inits(sh->rows, sh->cols, NULL);
    sh->s = 1;
    sh->bits = 1;
}

void sbe_shape_clear(SbeShape *sh) { mpz_clears(sh->n, sh->L, sh->rows, sh->cols, NULL); }

bool sparse_be_shape_cost(const SbeShape *sh, SbeCosts *k, char **err)
{
    if (sh->kind != SBE_SYMMETRIC && sh->kind != SBE_DILATION)
        return diag_refuse(err, "sparse block encoding cost: unknown kind %d", (int)sh->kind);
    if (sh->qrom != SBE_QROM_UNARY && sh->qrom != SBE_QROM_MCX && !selswap(sh->qrom))
        return diag_refuse(err, "sparse block encoding cost: unknown table lookup %d", (int)sh->qrom);
    if (mpz_sgn(sh->n) <= 0)
        return diag_refuse(err, "sparse block encoding cost: the dimension n must be at least 1");
    if (mpz_sizeinbase(sh->n, 2) > SBE_MAX_SHAPE_BITS)
        return diag_refuse(err, "sparse block encoding cost: a dimension of %zu bits is beyond the limit of %d bits",
                           mpz_sizeinbase(sh->n, 2), SBE_MAX_SHAPE_BITS);
    if (sh->s < 1 || (mpz_fits_ulong_p(sh->n) && (uint64_t)mpz_get_ui(sh->n) < sh->s))
        return diag_refuse(err, "sparse block encoding cost: the sparsity s = %llu must be between 1 and n",
                           (unsigned long long)sh->s);
    if (sh->bits < 1 || sh->bits > SBE_MAX_BITS)
        return diag_refuse(err,
                           "sparse block encoding cost: %u angle bits is out of range (1 to %d; exact angles are "
                           "costed from a built encoding, sparse_be_cost)",
                           sh->bits, SBE_MAX_BITS);
    mpz_t nm1, maxL;
    mpz_inits(nm1, maxL, NULL);
    mpz_sub_ui(nm1, sh->n, 1);
    unsigned q = mpz_sgn(nm1) == 0 ? 1 : (unsigned)mpz_sizeinbase(nm1, 2);
    unsigned w = ceil_log2_u64(sh->s), b = sh->bits;
    mpz_set_ui(maxL, 1);
    mpz_mul_2exp(maxL, maxL, q + 1 + w);
    bool ok = true;
    if (mpz_sgn(sh->L) < 0 || mpz_cmp(sh->L, maxL) > 0)
        ok = diag_refuse(err, "sparse block encoding cost: L must be between 0 and 2^(q+1)*s' = 2^%u", q + 1 + w);
    else {
        /* the prefix profile N_d of the stored addresses (exact, or bounded
         * above for scattered columns) */
        unsigned abits = w + q + 1, width = q + 3 + b;
        QroamPrefix pf;
        qroam_prefix_init(&pf, abits);
        if (mpz_sgn(sh->cols) > 0) {
            /* rows [0, rows) and `cols` scattered columns: address (k, d, i) */
            mpz_t cap, part;
            mpz_inits(cap, part, NULL);
            mpz_add(k->L, sh->rows, sh->cols);
            mpz_mul_2exp(k->L, k->L, w);
            for (unsigned d = 0; d <= abits; d++) {
                mpz_t *nd = &pf.N[d];
                if (d <= w) { /* (k >> d, d, i): exact */
                    mpz_add(*nd, sh->rows, sh->cols);
                    mpz_mul_2exp(*nd, *nd, w - d);
                } else { /* prefixes of i >> e, e = d − w − 1: rows contiguous, columns at worst distinct */
                    unsigned e = d - w - 1;
                    mpz_cdiv_q_2exp(*nd, sh->rows, e);
                    mpz_set_ui(cap, 0);
                    mpz_setbit(cap, q - e);
                    mpz_set(part, mpz_cmp(sh->cols, cap) < 0 ? sh->cols : cap);
                    mpz_add(*nd, *nd, part);
                    if (mpz_cmp(*nd, cap) > 0)
                        mpz_set(*nd, cap);
                }
            }
            mpz_clears(cap, part, NULL);
        } else {
            if (mpz_sgn(sh->L) == 0)
                mpz_mul_2exp(k->L, sh->n, w + 1);
            else
                mpz_set(k->L, sh->L);
            qroam_prefix_contiguous(&pf, k->L);
        }
        unsigned qk = 0;
        uint64_t nwork = 0, regs = 0;
        ok = block_size(sh->qrom, sh->qroam_k, sh->qroam_max_extra, &pf, width, &qk, &nwork, &regs, err);
        if (ok) {
            if (selswap(sh->qrom))
                qroam_cost(variant(sh->qrom), qk, &pf, width, &k->qrom);
            else {
                mpz_t sum;
                mpz_init(sum);
                for (unsigned d = 1; d < abits; d++)
                    mpz_add(sum, sum, pf.N[d]);
                sbe_qrom_cost_sum(sh->qrom, abits, k->L, width, sum, &k->qrom);
                mpz_clear(sum);
            }
            sbe_rot_fixed_cost(b, &k->rot);
            compose(k, sh->kind, q, w, b, nwork);
            k->qroam_k = qk;
            k->borrowable = sh->qrom == SBE_QROM_SELSWAP_DIRTY ? regs : 0;
        }
        qroam_prefix_clear(&pf);
    }
    mpz_clears(nm1, maxL, NULL);
    return ok;
}

void sparse_be_print_costs(const SbeCosts *k, FILE *out)
{
    fputs("  alpha = ", out);
    mpz_out_str(out, 10, k->sprime);
    fprintf(out, " * max|A_ij|;  q = %u index qubits, w = %u slot qubits, %u address qubits, %u data bits; table slots L = ",
            k->q, k->w, k->abits, k->width);
    mpz_out_str(out, 10, k->L);
    fputc('\n', out);
    const struct {
        const char *name;
        const SbeCost *c;
    } rows[] = {{"table", &k->qrom}, {"V", &k->v}, {"U", &k->u}, {"ctrl-U", &k->cu}, {"walk", &k->walk}, {"ctrl-walk", &k->cwalk}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        fprintf(out, "  %-9s ", rows[i].name);
        sbe_cost_print(rows[i].c, out);
    }
}
