/* resources.c — exact logical counts of a circuit (contract in
 * resources.h). The physical estimate is in res_physical.c, the printers
 * in res_print.c.
 *
 * A Sched holds the schedule of one block (the main block, or one
 * definition's body costed for one (control, inverse) case): per-kind
 * counts and, per qubit of the block, its level for the three depths.
 * Inside a block every gate the emitter produces is scheduled exactly;
 * a call is a BlockCost applied over its qubits (all start together, all
 * end together), which only delays gates: depths, which are maxima of
 * as-soon-as-possible levels, become upper bounds; the rotation depth
 * (a number of distinct layers) becomes min(rotations, estimator layers). */
#include "codegen/resources.h"

#include <stdlib.h>
#include <string.h>

#include "codegen/lower.h"

#define NKIND (GATE_COUNT + RES_NOTHER)

/* A set of layer indices (open addressing; 0 marks an empty slot, so keys
 * are stored + 1). */
typedef struct LayerSet {
    uint64_t *slot;
    size_t cap, n;
} LayerSet;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static void set_add(LayerSet *s, uint64_t key)
{
    if (2 * (s->n + 1) > s->cap) {
        LayerSet t = {xcalloc(s->cap ? 2 * s->cap : 64, sizeof *t.slot), s->cap ? 2 * s->cap : 64, 0};
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                set_add(&t, s->slot[i] - 1);
        free(s->slot);
        *s = t;
    }
    for (size_t i = mix(key) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->slot[i] == key + 1)
            return;
        if (!s->slot[i]) {
            s->slot[i] = key + 1;
            s->n++;
            return;
        }
    }
}

typedef struct Sched {
    mpz_t cnt[NKIND];
    size_t nq, cap;
    mpz_t *lev, *tlev, *qlev; /* depth, T-depth, estimator layers */
    LayerSet rset;            /* estimator layers holding a rotation */
    mpz_t rextra;             /* rotations at layers beyond 2^64 */
    mpz_t tmp;
} Sched;

typedef struct BlockCost {
    bool done, busy;
    mpz_t cnt[NKIND];
    mpz_t d, dt, dl;
    uint32_t anc;
} BlockCost;

typedef struct Counter {
    const Circuit *c;
    BlockCost *memo; /* [def][ctrl][inv] */
    bool hier, cond;
} Counter;

typedef struct CountSink {
    LowerSink sink; /* first: the callbacks cast back */
    Sched *S;
} CountSink;

static void sched_init(Sched *S)
{
    memset(S, 0, sizeof *S);
    for (int k = 0; k < NKIND; k++)
        mpz_init(S->cnt[k]);
    mpz_init(S->rextra);
    mpz_init(S->tmp);
}

static void sched_clear(Sched *S)
{
    for (int k = 0; k < NKIND; k++)
        mpz_clear(S->cnt[k]);
    for (size_t i = 0; i < S->cap; i++)
        mpz_clear(S->lev[i]), mpz_clear(S->tlev[i]), mpz_clear(S->qlev[i]);
    free(S->lev), free(S->tlev), free(S->qlev);
    free(S->rset.slot);
    mpz_clear(S->rextra);
    mpz_clear(S->tmp);
}

/* Makes qubit q exist in the schedule. */
static void sched_need(Sched *S, uint32_t q)
{
    if (q < S->nq)
        return;
    if (q >= S->cap) {
        size_t cap = S->cap ? S->cap : 16;
        while (cap <= q)
            cap *= 2;
        S->lev = xrealloc(S->lev, cap * sizeof *S->lev);
        S->tlev = xrealloc(S->tlev, cap * sizeof *S->tlev);
        S->qlev = xrealloc(S->qlev, cap * sizeof *S->qlev);
        for (size_t i = S->cap; i < cap; i++)
            mpz_init(S->lev[i]), mpz_init(S->tlev[i]), mpz_init(S->qlev[i]);
        S->cap = cap;
    }
    S->nq = (size_t)q + 1;
}

/* tmp = max over the qubits of lev[]. */
static void lev_max(Sched *S, mpz_t *lev, const uint32_t *q, uint32_t n)
{
    mpz_set_ui(S->tmp, 0);
    for (uint32_t i = 0; i < n; i++)
        if (mpz_cmp(lev[q[i]], S->tmp) > 0)
            mpz_set(S->tmp, lev[q[i]]);
}

static void lev_set(mpz_t *lev, const uint32_t *q, uint32_t n, const mpz_t v)
{
    for (uint32_t i = 0; i < n; i++)
        mpz_set(lev[q[i]], v);
}

static bool is_rotation(GateKind g) { return g == GATE_RX || g == GATE_RY || g == GATE_RZ || g == GATE_P; }

/* One basis gate (or measure/reset/post-select as GATE_COUNT + RES_*). */
static void sched_op(Sched *S, int kind, const uint32_t *q, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        sched_need(S, q[i]);
    mpz_add_ui(S->cnt[kind], S->cnt[kind], 1);
    /* depth */
    lev_max(S, S->lev, q, n);
    mpz_add_ui(S->tmp, S->tmp, 1);
    lev_set(S->lev, q, n, S->tmp);
    if (kind >= GATE_COUNT)
        return;
    GateKind g = (GateKind)kind;
    /* T-depth */
    if (g == GATE_T || g == GATE_TDG)
        mpz_add_ui(S->tlev[q[0]], S->tlev[q[0]], 1);
    else if (n > 1) {
        lev_max(S, S->tlev, q, n);
        lev_set(S->tlev, q, n, S->tmp);
    }
    /* the estimator's layers */
    if (g == GATE_T || g == GATE_TDG || is_rotation(g)) {
        if (is_rotation(g)) {
            if (mpz_fits_ulong_p(S->qlev[q[0]]) && sizeof(unsigned long) >= 8)
                set_add(&S->rset, mpz_get_ui(S->qlev[q[0]]));
            else
                mpz_add_ui(S->rextra, S->rextra, 1);
        }
        mpz_add_ui(S->qlev[q[0]], S->qlev[q[0]], 1);
    } else if (g == GATE_CCX) {
        lev_max(S, S->qlev, q, n);
        mpz_add_ui(S->tmp, S->tmp, 1);
        lev_set(S->qlev, q, n, S->tmp);
    } else if (g == GATE_CX || g == GATE_CZ || g == GATE_SWAP) {
        lev_max(S, S->qlev, q, n);
        lev_set(S->qlev, q, n, S->tmp);
    }
}

static void sched_barrier(Sched *S, const uint32_t *q, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        sched_need(S, q[i]);
    lev_max(S, S->lev, q, n);
    lev_set(S->lev, q, n, S->tmp);
    lev_max(S, S->tlev, q, n);
    lev_set(S->tlev, q, n, S->tmp);
}

static void count_gate(LowerSink *s, GateKind g, const uint32_t *q, const double *p)
{
    (void)p;
    sched_op(((CountSink *)s)->S, g, q, (uint32_t)gate_info[g].nqubits);
}

static void count_barrier(LowerSink *s, uint32_t nq, const uint32_t *q)
{
    Sched *S = ((CountSink *)s)->S;
    if (nq)
        sched_barrier(S, q, nq);
    else { /* all qubits of the block */
        uint32_t *all = xmalloc((S->nq + 1) * sizeof *all);
        for (size_t i = 0; i < S->nq; i++)
            all[i] = (uint32_t)i;
        sched_barrier(S, all, (uint32_t)S->nq);
        free(all);
    }
}

/* Adds pow copies of block B, run over qubits q[0..n), to S. */
static void sched_block(Sched *S, const BlockCost *B, const uint32_t *q, uint32_t n, uint64_t pow)
{
    mpz_t k;
    mpz_init(k);
    mpz_set_ui(k, 0);
    mpz_add_ui(k, k, (unsigned long)(pow >> 32));
    mpz_mul_2exp(k, k, 32);
    mpz_add_ui(k, k, (unsigned long)(pow & 0xffffffffu));
    for (int i = 0; i < NKIND; i++)
        mpz_addmul(S->cnt[i], B->cnt[i], k);
    for (uint32_t i = 0; i < n; i++)
        sched_need(S, q[i]);
    const mpz_t *len[3] = {&B->d, &B->dt, &B->dl};
    mpz_t *lev[3] = {S->lev, S->tlev, S->qlev};
    for (int j = 0; j < 3; j++) {
        lev_max(S, lev[j], q, n);
        mpz_addmul(S->tmp, *len[j], k);
        lev_set(lev[j], q, n, S->tmp);
    }
    mpz_clear(k);
}

static void max_level(const Sched *S, mpz_t *lev, mpz_t out)
{
    mpz_set_ui(out, 0);
    for (size_t i = 0; i < S->nq; i++)
        if (mpz_cmp(lev[i], out) > 0)
            mpz_set(out, lev[i]);
}

static BlockCost *block_cost(Counter *K, uint32_t def, bool ctrl, bool inv);

/* One operation of a block; q its operands in the block's numbering. */
static void count_op(Counter *K, CountSink *cs, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv)
{
    Sched *S = cs->S;
    switch (op->kind) {
    case OP_GATE: lower_gate(&cs->sink, op, q, ctrl, inv); return;
    case OP_MULTIPLEX: lower_multiplex(&cs->sink, op, q, ctrl, inv); return;
    case OP_CALL: {
        K->hier = true;
        LowerCall f;
        uint32_t bc = lower_call_open(&cs->sink, op, q, ctrl, &f);
        const BlockCost *B = block_cost(K, op->def, bc != LOWER_NONE, inv != op->inv);
        uint32_t nf = K->c->defs[op->def].nqubits, n = 0;
        uint32_t *bq = xmalloc(((size_t)nf + 1 + B->anc) * sizeof *bq);
        for (uint32_t j = 0; j < nf; j++)
            bq[n++] = q[op->nctrl + j];
        if (bc != LOWER_NONE)
            bq[n++] = bc;
        for (uint32_t j = 0; j < B->anc; j++)
            bq[n++] = cs->sink.anc_base + cs->sink.sp + j;
        if (cs->sink.sp + B->anc > cs->sink.anc_peak)
            cs->sink.anc_peak = cs->sink.sp + B->anc;
        sched_block(S, B, bq, n, op->pow);
        free(bq);
        lower_call_close(&cs->sink, &f);
        return;
    }
    case OP_BARRIER: count_barrier(&cs->sink, op->nq, q); return;
    case OP_MEASURE: sched_op(S, GATE_COUNT + RES_MEASURE, q, 1); return;
    case OP_RESET: sched_op(S, GATE_COUNT + RES_RESET, q, 1); return;
    case OP_POSTSELECT: sched_op(S, GATE_COUNT + RES_POSTSELECT, q, 1); return;
    case OP_IF:
        K->cond = true;
        count_op(K, cs, op->then, op->then->q, ctrl, inv);
        return;
    }
}

static BlockCost *block_cost(Counter *K, uint32_t def, bool ctrl, bool inv)
{
    BlockCost *B = &K->memo[((size_t)def * 2 + ctrl) * 2 + inv];
    if (B->done)
        return B;
    if (B->busy)
        ICE("res_count: definition '%s' calls itself", K->c->defs[def].name);
    B->busy = true;
    const GateDef *d = &K->c->defs[def];
    if (d->declared) {
        /* opaque: its declared counts; depths bounded by its non-Clifford
         * operations (the counter reports depths as bounds with calls) */
        if (ctrl)
            ICE("res_count: opaque definition '%s' called under a control", d->name);
        for (int k = 0; k < NKIND; k++)
            mpz_init(B->cnt[k]);
        mpz_set(B->cnt[GATE_CCX], d->declared->ccz);
        mpz_set(B->cnt[GATE_T], d->declared->t);
        mpz_set(B->cnt[GATE_RZ], d->declared->rotations);
        mpz_inits(B->d, B->dt, B->dl, NULL);
        mpz_add(B->d, d->declared->ccz, d->declared->t);
        mpz_add(B->d, B->d, d->declared->rotations);
        mpz_set(B->dt, d->declared->t);
        mpz_set(B->dl, B->d);
        B->anc = d->declared->ancillas;
        B->busy = false;
        B->done = true;
        return B;
    }
    Sched S;
    sched_init(&S);
    CountSink cs = {{count_gate, count_barrier, d->nqubits + 1, 0, 0, true}, &S};
    for (uint32_t j = 0; j < d->nqubits + 1; j++)
        sched_need(&S, j); /* formals and the control: a barrier without operands covers them */
    uint32_t c = ctrl ? d->nqubits : LOWER_NONE;
    for (size_t i = 0; i < d->body.n; i++) {
        const Op *op = d->body.ops[inv ? d->body.n - 1 - i : i];
        count_op(K, &cs, op, op->q, c, inv);
    }
    for (int k = 0; k < NKIND; k++)
        mpz_init_set(B->cnt[k], S.cnt[k]);
    mpz_inits(B->d, B->dt, B->dl, NULL);
    max_level(&S, S.lev, B->d);
    max_level(&S, S.tlev, B->dt);
    max_level(&S, S.qlev, B->dl);
    B->anc = cs.sink.anc_peak;
    sched_clear(&S);
    B->busy = false;
    B->done = true;
    return B;
}

void res_init(ResCounts *r)
{
    memset(r, 0, sizeof *r);
    for (int g = 0; g < GATE_COUNT; g++)
        mpz_init(r->gate[g]);
    for (int k = 0; k < RES_NOTHER; k++)
        mpz_init(r->other[k]);
    mpz_inits(r->t_count, r->rotations, r->ccz, r->measurements, r->clifford, r->total, r->depth, r->t_depth,
              r->rotation_depth, NULL);
}

void res_clear(ResCounts *r)
{
    for (int g = 0; g < GATE_COUNT; g++)
        mpz_clear(r->gate[g]);
    for (int k = 0; k < RES_NOTHER; k++)
        mpz_clear(r->other[k]);
    mpz_clears(r->t_count, r->rotations, r->ccz, r->measurements, r->clifford, r->total, r->depth, r->t_depth,
               r->rotation_depth, NULL);
}

void res_count_call(Circuit *c, uint32_t def, const uint32_t *q, ResCounts *r)
{
    Block saved = c->main;
    memset(&c->main, 0, sizeof c->main);
    circ_call(c, &c->main, def, 0, q);
    res_init(r);
    res_count(c, r);
    free(c->main.ops);
    c->main = saved;
}

void res_count(const Circuit *c, ResCounts *r)
{
    Counter K = {c, xcalloc(c->ndefs * 4 + 1, sizeof(BlockCost)), false, false};
    Sched S;
    sched_init(&S);
    CountSink cs = {{count_gate, count_barrier, c->nqubits, 0, 0, true}, &S};
    if (c->nqubits)
        sched_need(&S, c->nqubits - 1);
    for (size_t i = 0; i < c->main.n; i++) {
        const Op *op = c->main.ops[i];
        count_op(&K, &cs, op, op->q, LOWER_NONE, false);
    }

    for (int g = 0; g < GATE_COUNT; g++)
        mpz_set(r->gate[g], S.cnt[g]);
    for (int k = 0; k < RES_NOTHER; k++)
        mpz_set(r->other[k], S.cnt[GATE_COUNT + k]);
    mpz_add(r->t_count, r->gate[GATE_T], r->gate[GATE_TDG]);
    mpz_set_ui(r->rotations, 0);
    mpz_set_ui(r->clifford, 0);
    mpz_set_ui(r->total, 0);
    for (int g = 0; g < GATE_COUNT; g++) {
        if (is_rotation((GateKind)g))
            mpz_add(r->rotations, r->rotations, r->gate[g]);
        if (gate_info[g].flags & GF_CLIFFORD)
            mpz_add(r->clifford, r->clifford, r->gate[g]);
        mpz_add(r->total, r->total, r->gate[g]);
    }
    for (int k = 0; k < RES_NOTHER; k++)
        mpz_add(r->total, r->total, r->other[k]);
    mpz_set(r->ccz, r->gate[GATE_CCX]);
    mpz_add(r->measurements, r->other[RES_MEASURE], r->other[RES_POSTSELECT]);
    max_level(&S, S.lev, r->depth);
    max_level(&S, S.tlev, r->t_depth);
    if (K.hier) {
        /* Delaying gates (as scheduling a call as a block does) can merge
         * or split rotation layers, so their number is bounded by the
         * estimator's layer count, which delays only raise. */
        max_level(&S, S.qlev, r->rotation_depth);
    } else {
        mpz_set_ui(r->rotation_depth, (unsigned long)S.rset.n);
        mpz_add(r->rotation_depth, r->rotation_depth, S.rextra);
    }
    if (mpz_cmp(r->rotation_depth, r->rotations) > 0)
        mpz_set(r->rotation_depth, r->rotations);
    r->depth_exact = !K.hier;
    r->has_conditionals = K.cond;
    r->qubits = c->nqubits;
    r->ancillas = cs.sink.anc_peak;
    r->qubits_peak = c->nqubits + cs.sink.anc_peak;

    sched_clear(&S);
    for (size_t i = 0; i < c->ndefs * 4; i++)
        if (K.memo[i].done) {
            for (int k = 0; k < NKIND; k++)
                mpz_clear(K.memo[i].cnt[k]);
            mpz_clears(K.memo[i].d, K.memo[i].dt, K.memo[i].dl, NULL);
        }
    free(K.memo);
}
