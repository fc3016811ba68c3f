/* fuse.c — gate fusion: a call applied as one dense matrix of its
 * definition, built once by running the body on an identity, cached and
 * squared for powers, when the cost model says it pays (contract in
 * exec.h). The walk that calls it is exec.c. */
#include "sim/exec.h"

#include <complex.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exec_internal.h"
#include "sim/sim_internal.h"
#include "support/util.h"


/* The estimate's unit is one amplitude visited by a 1-qubit gate kernel. A
 * multiplexor's visit costs FUSE_MUX of them, a complex multiply-add inside
 * zgemm FUSE_MAC, a kernel call FUSE_CALL (set-up, OpenMP's fork and
 * join): one thread, measured with bench/sim_fuse_bench (docs/bench.md). */
#define FUSE_MAC 0.4
#define FUSE_MUX 1.4
#define FUSE_CALL 2048.0
/* A formal qubit is a control of a built matrix when the matrix differs
 * from the identity by at most this much (each entry) outside the block
 * where the qubit fires: rounding in the build is near 1e-16 per
 * operation, so only exact structure (such as PREP†·PREP = I in a
 * controlled walk) passes. */
#define FUSE_SHAPE_TOL 1e-13

typedef struct FuseEntry {
    uint32_t def;
    bool inv;
    uint64_t pow;
    double complex *m; /* 4^weff entries, row-major (DefInfo.weff) */
    double bytes;
    double drift;      /* max_j |‖column j‖² − 1| */
    uint64_t used;     /* clock of the last use: the least recent is dropped first */
    int pin;           /* in use: not to be dropped */
} FuseEntry;

/* What fusion knows of a definition. */
typedef struct DefInfo {
    bool known, unitary;
    bool refused;  /* its matrices did not fit: not tried again */
    double a, b;   /* one pass of the body visits 2^(n−c)·a + 2^n·b amplitudes
                      on n qubits under c controls (b: multiplexors, which
                      visit the whole state) */
    double leaves; /* leaf operations of one pass */
    /* Its shape, found by the first build: the formals on which U acts as a
     * control (cmask; cneg ⊆ cmask the negative ones) are left out of the
     * cached matrices, which act on the weff others, and become controls
     * of the dense application. */
    bool shaped;
    uint32_t cmask, cneg;
    int weff;
    uint32_t cand; /* formals that appear in the body only as controls */
} DefInfo;

struct Fuse {
    SimFuse mode;
    bool raw;
    DefInfo *info; /* per definition */
    FuseEntry **e;
    size_t n, cap;
    double limit, held; /* bytes: allowed, and held by entries and scratch states */
    uint64_t clock;
    SimRunResult *stats; /* builds, products, polar steps */
};

static int popcount64(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* Qubits a gate fixes beyond its controls: those kernels visit 2^−k of the state. */
static int gate_fixed(GateKind g)
{
    switch (g) {
    case GATE_CX:
    case GATE_Z:
    case GATE_S:
    case GATE_SDG:
    case GATE_T:
    case GATE_TDG:
    case GATE_P:
    case GATE_SWAP: return 1;
    case GATE_CCX:
    case GATE_CZ: return 2;
    default: return 0;
    }
}

/* Operands of a gate that act as controls (cz: both). */
static int gate_ctl(GateKind g)
{
    switch (g) {
    case GATE_CX: return 1;
    case GATE_CCX:
    case GATE_CZ: return 2;
    default: return 0;
    }
}

static const DefInfo *def_info(const Circuit *c, Fuse *F, uint32_t d)
{
    DefInfo *in = &F->info[d];
    if (in->known)
        return in;
    double a = 0, b = 0, l = 0;
    bool uni = true;
    const Block *body = &c->defs[d].body;
    uint64_t as_ctl = 0, other = 0; /* formals seen as controls, and otherwise */
    for (size_t i = 0; i < body->n; i++) {
        const Op *op = body->ops[i];
        uint32_t nc = op->nctrl + (op->kind == OP_GATE ? (uint32_t)gate_ctl(op->gate) : 0);
        for (uint32_t j = 0; j < op->nq; j++)
            if (op->q[j] < 64) {
                if (j < nc && op->kind != OP_MULTIPLEX)
                    as_ctl |= (uint64_t)1 << op->q[j];
                else
                    other |= (uint64_t)1 << op->q[j];
            }
        switch (op->kind) {
        case OP_GATE:
            l += 1;
            if (op->gate != GATE_ID)
                a += ldexp(1, -(int)(op->nctrl + (uint32_t)gate_fixed(op->gate)));
            break;
        case OP_MULTIPLEX:
            l += 1, b += 1;
            break;
        case OP_CALL: {
            const DefInfo *s = def_info(c, F, op->def);
            double p = (double)op->pow;
            l += p * s->leaves, a += p * ldexp(s->a, -(int)op->nctrl), b += p * s->b;
            uni = uni && s->unitary;
            break;
        }
        case OP_BARRIER: break;
        default: /* measure, reset, post-select, if */
            l += 1, a += 1, uni = false;
            break;
        }
    }
    in = &F->info[d];
    *in = (DefInfo){.known = true,
                    .unitary = uni,
                    .a = a,
                    .b = b,
                    .leaves = l,
                    .weff = (int)c->defs[d].nqubits,
                    .cand = (uint32_t)(as_ctl & ~other)};
    return in;
}

static SimFuse fuse_setting = SIM_FUSE_DEFAULT;
static bool fuse_setting_raw = false;

void sim_set_fuse(SimFuse mode, bool raw)
{
    fuse_setting = mode;
    fuse_setting_raw = raw;
}

SimFuse sim_fuse_mode(void)
{
    if (fuse_setting != SIM_FUSE_DEFAULT)
        return fuse_setting;
    const char *e = getenv("QGDC_SIM_FUSE");
    if (!e)
        return SIM_FUSE_AUTO;
    if (!strcmp(e, "0") || !strcmp(e, "off"))
        return SIM_FUSE_OFF;
    if (!strcmp(e, "always"))
        return SIM_FUSE_ALWAYS;
    return SIM_FUSE_AUTO;
}

Fuse *sim_fuse_new(const Circuit *c, SimFuse mode, double state_bytes, SimRunResult *stats)
{
    bool raw = fuse_setting_raw;
    Fuse *F = xcalloc(1, sizeof *F);
    F->mode = mode;
    F->raw = raw;
    F->info = xcalloc(c->ndefs + 1, sizeof *F->info);
    F->stats = stats;
    double left = (double)mem_budget() - state_bytes;
    F->limit = left > 0 ? left / 2 : 0;
    return F;
}

void sim_fuse_free(Fuse *F)
{
    if (!F)
        return;
    for (size_t i = 0; i < F->n; i++) {
        free(F->e[i]->m);
        free(F->e[i]);
    }
    free(F->e);
    free(F->info);
    free(F);
}

static FuseEntry *fuse_find(const Fuse *F, uint32_t def, bool inv, uint64_t pow)
{
    for (size_t i = 0; i < F->n; i++) {
        FuseEntry *e = F->e[i];
        if (e->def == def && e->inv == inv && e->pow == pow)
            return e;
    }
    return NULL;
}

/* Accounts for `bytes` more, dropping the least recently used unpinned
 * matrices as needed; false when even that does not make room. */
static bool fuse_reserve(Fuse *F, double bytes)
{
    while (F->held + bytes > F->limit) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < F->n; i++)
            if (!F->e[i]->pin && (best == SIZE_MAX || F->e[i]->used < F->e[best]->used))
                best = i;
        if (best == SIZE_MAX)
            return false;
        FuseEntry *e = F->e[best];
        F->held -= e->bytes;
        free(e->m);
        free(e);
        F->e[best] = F->e[--F->n];
    }
    F->held += bytes;
    return true;
}

static double complex *mat_alloc(Fuse *F, double bytes)
{
    if (!fuse_reserve(F, bytes))
        return NULL;
    double complex *m = aligned_alloc(64, bytes < 64 ? 64 : (size_t)bytes);
    if (!m)
        F->held -= bytes;
    return m;
}

static void mat_release(Fuse *F, double complex *m, double bytes)
{
    free(m);
    F->held -= bytes;
}

/* Adds m (already accounted for) to the cache; the entry comes back pinned. */
static FuseEntry *fuse_insert(Fuse *F, uint32_t def, bool inv, uint64_t pow, double complex *m, uint64_t dim,
                              double bytes)
{
    FuseEntry *e = xmalloc(sizeof *e);
    *e = (FuseEntry){def, inv, pow, m, bytes, simm_column_drift(dim, m), ++F->clock, 1};
    if (F->n == F->cap) {
        F->cap = F->cap ? 2 * F->cap : 16;
        F->e = xrealloc(F->e, F->cap * sizeof *F->e);
    }
    F->e[F->n++] = e;
    return e;
}

/* After a product: one Newton–Schulz step when the columns' norms have
 * drifted past SIM_FUSE_POLAR_TOL (and the two scratch matrices fit).
 * Returns the matrix to keep. */
static double complex *fuse_polish(Fuse *F, double complex *m, uint64_t dim, double bytes)
{
    if (F->raw || simm_column_drift(dim, m) <= SIM_FUSE_POLAR_TOL)
        return m;
    double complex *out = mat_alloc(F, bytes), *tmp = out ? mat_alloc(F, bytes) : NULL;
    if (!tmp) {
        if (out)
            mat_release(F, out, bytes);
        return m;
    }
    simm_newton_schulz(dim, m, out, tmp);
    mat_release(F, tmp, bytes);
    mat_release(F, m, bytes);
    F->stats->fuse_polar++;
    return out;
}

/* Finds the formals on which the w-qubit u is a control: identity (within
 * FUSE_SHAPE_TOL) outside the block where the formal has its firing value. */
static void fuse_shape(DefInfo *in, const double complex *u, uint32_t w)
{
    uint64_t dim = (uint64_t)1 << w;
    uint32_t cm = 0, cn = 0;
    for (uint32_t t = 0; t < w; t++)
        for (uint64_t v = 0; v < 2; v++) { /* v: the firing value */
            uint64_t tb = (uint64_t)1 << t, fire = v ? tb : 0;
            bool ok = true;
            for (uint64_t r = 0; r < dim && ok; r++)
                for (uint64_t c = 0; c < dim; c++)
                    if (((r & tb) != fire || (c & tb) != fire) && cabs(u[r * dim + c] - (r == c)) > FUSE_SHAPE_TOL) {
                        ok = false;
                        break;
                    }
            if (ok) {
                cm |= (uint32_t)tb;
                cn |= v ? 0 : (uint32_t)tb;
                break;
            }
        }
    in->shaped = true;
    in->cmask = cm, in->cneg = cn;
    in->weff = (int)w - popcount64(cm);
}

/* U (U† under inv) of a definition: its body run on a 2w-qubit scratch
 * state holding the identity, a[c·2^w + r] = δ_rc (the high w qubits
 * index the column and are never touched), transposed into rows, then
 * reduced to the block where the formals found to be controls fire. */
static FuseEntry *fuse_build(Exec *X, uint32_t def, bool inv)
{
    Fuse *F = X->fu;
    const GateDef *d = &X->c->defs[def];
    uint32_t w = d->nqubits;
    uint64_t dim = (uint64_t)1 << w;
    double bytes = ldexp(16, 2 * (int)w);
    if (!fuse_reserve(F, bytes))
        return NULL;
    char *err = NULL;
    StateVec *s = sim_create((int)(2 * w), &err);
    if (!s) {
        free(err);
        F->held -= bytes;
        return NULL;
    }
    for (uint64_t c = 0; c < dim; c++)
        s->amp[c * dim + c] = 1;
    SimRunResult local = {0};
    Exec Y = {X->c, s, X->rng, &local, 0, &err, F, NULL};
    uint32_t ident[SIM_FUSE_MAX_QUBITS + 1];
    for (uint32_t t = 0; t < w; t++)
        ident[t] = t;
    bool ok = exec_body(&Y, d, ident, 0, 0, inv);
    sim_run_result_free(&local);
    free(err);
    if (!ok) {
        sim_destroy(s);
        F->held -= bytes;
        return NULL;
    }
    double complex *m = s->amp;
    free(s);
    simm_transpose(dim, m);
    F->stats->fuse_builds++;
    DefInfo *in = &F->info[def];
    if (!in->shaped)
        fuse_shape(in, m, w);
    if (in->cmask) { /* keep the block where the controls fire */
        uint64_t rd = (uint64_t)1 << in->weff, fire = in->cmask & ~in->cneg, spread[1u << SIM_FUSE_MAX_QUBITS];
        double rbytes = ldexp(16, 2 * in->weff);
        for (uint64_t j = 0; j < rd; j++) {
            uint64_t o = fire;
            for (uint32_t t = 0, b = 0; t < w; t++)
                if (!(in->cmask >> t & 1))
                    o |= (j >> b++ & 1) << t;
            spread[j] = o;
        }
        double complex *r = mat_alloc(F, rbytes);
        if (!r) {
            mat_release(F, m, bytes);
            return NULL;
        }
        for (uint64_t i = 0; i < rd; i++)
            for (uint64_t j = 0; j < rd; j++)
                r[i * rd + j] = m[spread[i] * dim + spread[j]];
        mat_release(F, m, bytes);
        m = r, dim = rd, bytes = rbytes;
    }
    return fuse_insert(F, def, inv, 1, m, dim, bytes);
}

/* The cache entry of (def, inv, pow), pinned (unpin with pin--), computed
 * if need be; NULL when its matrices do not fit. */
static FuseEntry *fuse_get(Exec *X, uint32_t def, bool inv, uint64_t pow)
{
    Fuse *F = X->fu;
    FuseEntry *e = fuse_find(F, def, inv, pow);
    if (e) {
        e->pin++;
        e->used = ++F->clock;
        return e;
    }
    const DefInfo *in = &F->info[def];
    uint64_t dim = (uint64_t)1 << in->weff; /* until the first build: w */
    double bytes = 16.0 * (double)dim * (double)dim;
    FuseEntry *o = fuse_find(F, def, !inv, pow);
    if (o) { /* (U^pow)† = (U†)^pow */
        o->pin++;
        double complex *m = mat_alloc(F, bytes);
        if (m)
            simm_adjoint(dim, o->m, m);
        o->pin--;
        return m ? fuse_insert(F, def, inv, pow, m, dim, bytes) : NULL;
    }
    if (pow == 1)
        return fuse_build(X, def, inv);
    if (!(pow & (pow - 1))) { /* U^(2^k) = (U^(2^(k−1)))² */
        FuseEntry *h = fuse_get(X, def, inv, pow / 2);
        if (!h)
            return NULL;
        dim = (uint64_t)1 << in->weff; /* the build may just have shaped it */
        bytes = 16.0 * (double)dim * (double)dim;
        double complex *m = mat_alloc(F, bytes);
        if (m) {
            simm_mul(dim, h->m, h->m, m);
            F->stats->fuse_products++;
        }
        h->pin--;
        if (!m)
            return NULL;
        m = fuse_polish(F, m, dim, bytes);
        return fuse_insert(F, def, inv, pow, m, dim, bytes);
    }
    /* other powers: the product of the powers of two in pow (those are
     * cached; the partial products are not) */
    FuseEntry *first = NULL;
    double complex *acc = NULL;
    for (int i = 0; i < 64; i++) {
        if (!(pow >> i & 1))
            continue;
        FuseEntry *l = fuse_get(X, def, inv, (uint64_t)1 << i);
        if (!l)
            goto fail;
        if (!first && !acc) {
            first = l; /* stays pinned until used */
            continue;
        }
        dim = (uint64_t)1 << in->weff;
        bytes = 16.0 * (double)dim * (double)dim;
        double complex *m = mat_alloc(F, bytes);
        if (!m) {
            l->pin--;
            goto fail;
        }
        simm_mul(dim, acc ? acc : first->m, l->m, m);
        F->stats->fuse_products++;
        l->pin--;
        if (acc)
            mat_release(F, acc, bytes);
        else
            first->pin--, first = NULL;
        acc = m;
    }
    acc = fuse_polish(F, acc, dim, bytes);
    return fuse_insert(F, def, inv, pow, acc, dim, bytes);
fail:
    if (first)
        first->pin--;
    if (acc)
        mat_release(F, acc, bytes);
    return NULL;
}

/* Visits fuse_get(def, inv, pow) would spend, with the cache as it is;
 * the matrices have weff qubits. */
static double fuse_get_cost(const Fuse *F, uint32_t def, bool inv, uint64_t pow, const DefInfo *in, uint32_t w,
                            int weff)
{
    double dim = ldexp(1, weff), prod = dim * dim * dim * FUSE_MAC;
    if (fuse_find(F, def, inv, pow))
        return 0;
    if (fuse_find(F, def, !inv, pow))
        return dim * dim;
    double cost = 0;
    int nbits = 0;
    uint64_t need = pow;
    for (int i = 63; i >= 0; i--) {
        if (!(need >> i & 1))
            continue;
        nbits += (int)(pow >> i & 1);
        uint64_t p = (uint64_t)1 << i;
        if (fuse_find(F, def, inv, p))
            continue;
        if (fuse_find(F, def, !inv, p))
            cost += dim * dim;
        else if (i == 0) /* the body on 2w qubits, the transposition */
            cost += ldexp(in->a + FUSE_MUX * in->b + 2, 2 * (int)w) + in->leaves * FUSE_CALL;
        else {
            cost += prod;
            need |= p >> 1;
        }
    }
    return cost + (nbits - 1) * prod;
}

/* Visits of the call run unfused, and fused (application included) with
 * matrices on weff qubits, the formals cmask having become controls. */
static void fuse_costs(const Exec *X, const Op *op, const DefInfo *in, uint32_t w, uint64_t ctrl, bool inv,
                       int weff, uint32_t cmask, double *unfused, double *fused)
{
    int n = X->sv->nqubits;
    double touched = ldexp(1, n - popcount64(ctrl)), dim = ldexp(1, weff);
    *unfused = (double)op->pow * (touched * in->a + ldexp(FUSE_MUX * in->b, n) + in->leaves * FUSE_CALL);
    double fires = ldexp(touched, -popcount64(cmask));
    *fused = fuse_get_cost(X->fu, op->def, inv, op->pow, in, w, weff) + fires * (dim * FUSE_MAC + 2) + FUSE_CALL;
}

/* A call (its controls already in ctrl/neg, inv the combined inverse)
 * applied as one dense matrix; false: run the body instead. */
bool sim_fuse_call(Exec *X, const Op *op, const uint32_t *fmap, uint64_t ctrl, uint64_t neg, bool inv)
{
    Fuse *F = X->fu;
    uint32_t w = X->c->defs[op->def].nqubits;
    if (F->mode == SIM_FUSE_OFF || w == 0 || w > SIM_FUSE_MAX_QUBITS)
        return false;
    const DefInfo *in = def_info(X->c, F, op->def);
    if (!in->unitary || in->refused)
        return false;
    if (F->mode == SIM_FUSE_AUTO) {
        double unfused, fused;
        fuse_costs(X, op, in, w, ctrl, inv, in->weff, in->cmask, &unfused, &fused);
        if (!in->shaped && in->cand && op->pow > 1 && fused >= unfused) {
            /* Shape unknown, and some formals are used only as controls:
             * if fusing would pay were they controls of U, and building U
             * costs at most half of running this call, build it to learn
             * the shape, and estimate again. */
            double opt, build = fuse_get_cost(F, op->def, inv, 1, in, w, in->weff);
            fuse_costs(X, op, in, w, ctrl, inv, (int)w - popcount64(in->cand), in->cand, &unfused, &opt);
            if (opt < unfused && build <= unfused / 2) {
                FuseEntry *e = fuse_get(X, op->def, inv, 1);
                if (!e) {
                    F->info[op->def].refused = true;
                    return false;
                }
                e->pin--;
                fuse_costs(X, op, in, w, ctrl, inv, in->weff, in->cmask, &unfused, &fused);
            }
        }
        if (fused >= unfused)
            return false;
    }
    FuseEntry *e = fuse_get(X, op->def, inv, op->pow);
    if (!e) {
        F->info[op->def].refused = true; /* no second attempt */
        return false;
    }
    int t[SIM_FUSE_MAX_QUBITS], k = 0;
    for (uint32_t i = 0; i < w; i++)
        if (in->cmask >> i & 1) {
            ctrl |= bit(fmap[i]);
            if (in->cneg >> i & 1)
                neg |= bit(fmap[i]);
        } else
            t[k++] = (int)fmap[i];
    if (X->fl)
        sim_flat_flush(X);
    sim_apply_mcdense(X->sv, t, k, ctrl, neg, e->m);
    e->pin--;
    SimRunResult *r = X->res;
    double ops = (double)op->pow * in->leaves;
    r->ops += ops < 0x1p63 ? (uint64_t)ops : (uint64_t)1 << 63;
    r->fused++;
    if (e->drift > r->fuse_drift)
        r->fuse_drift = e->drift;
    return true;
}

bool sim_def_matrix(const Circuit *c, uint32_t def, bool inv, uint64_t pow, double complex *out, SimRunResult *res,
                    char **err)
{
    if (!c || !out || def >= c->ndefs || pow == 0)
        ICE("%s: NULL circuit or matrix, definition %u of %zu, or pow 0", __func__, def, c ? c->ndefs : 0);
    const GateDef *d = &c->defs[def];
    if (d->nqubits > SIM_FUSE_MAX_QUBITS)
        return sim_error(err, "definition %s acts on %u qubits, more than the %d of a fused matrix", d->name,
                         d->nqubits, SIM_FUSE_MAX_QUBITS);
    SimRunResult local = {0};
    SimRunResult *r = res ? res : &local;
    sim_run_result_free(r);
    SimFuse mode = sim_fuse_mode();
    Fuse *F = sim_fuse_new(c, mode == SIM_FUSE_OFF ? SIM_FUSE_AUTO : mode, 0, r);
    bool ok = def_info(c, F, def)->unitary;
    if (!ok)
        sim_error(err, "definition %s is not unitary: it measures, resets, post-selects or branches", d->name);
    else {
        Exec X = {c, NULL, NULL, r, 0, err, F, NULL};
        FuseEntry *e = fuse_get(&X, def, inv, pow);
        if (!e)
            ok = sim_error(err, "the matrices of definition %s (2^%u x 2^%u) do not fit in the memory budget",
                           d->name, d->nqubits, d->nqubits);
        else { /* the full matrix: the identity where the shape's controls do not fire */
            const DefInfo *in = &F->info[def];
            uint64_t dim = (uint64_t)1 << d->nqubits, rd = (uint64_t)1 << in->weff;
            uint64_t fire = in->cmask & ~in->cneg, *loc = xmalloc(dim * sizeof *loc);
            for (uint64_t i = 0; i < dim; i++) { /* i's index in the matrix, or rd where it does not fire */
                uint64_t j = 0;
                for (uint32_t t = 0, b = 0; t < d->nqubits; t++)
                    if (!(in->cmask >> t & 1))
                        j |= (i >> t & 1) << b++;
                loc[i] = (i & in->cmask) == fire ? j : rd;
            }
            for (uint64_t i = 0; i < dim; i++)
                for (uint64_t j = 0; j < dim; j++)
                    out[i * dim + j] = loc[i] < rd && loc[j] < rd ? e->m[loc[i] * rd + loc[j]] : (double complex)(i == j);
            free(loc);
            r->fuse_drift = e->drift;
            e->pin--;
        }
    }
    sim_fuse_free(F);
    return ok;
}
