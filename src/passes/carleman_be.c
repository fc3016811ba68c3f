/* carleman_be.c — the structured block encoding of the unrolled Carleman
 * system (contract in carleman_be.h). */
#include "passes/carleman_be.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/state_prep.h"
#include "support/diag.h"
#include "support/util.h"

#define NEG 0x80000000u /* literal: the control fires on |0⟩ */
#define CBE_MAX_FORMALS (1u << 24) /* select-swap lookups may add K·width work qubits */

/* ---- small circuit helpers ---- */

/* X on target under the conjunction of literals (qubit | NEG). */
static void mcx(Circuit *c, Block *b, const uint32_t *lit, uint32_t nlit, uint32_t target)
{
    uint32_t *q = xmalloc(((size_t)nlit + 1) * sizeof *q);
    uint64_t neg = 0;
    bool flip = false;
    for (uint32_t i = 0; i < nlit; i++) {
        q[i] = lit[i] & ~NEG;
        if (lit[i] & NEG) {
            if (i < 64)
                neg |= (uint64_t)1 << i;
            else
                flip = true;
        }
    }
    q[nlit] = target;
    if (flip) /* more than 64 controls: flip the negative ones with x */
        for (uint32_t i = 0; i < nlit; i++)
            if (lit[i] & NEG)
                circ_gate(c, b, GATE_X, &q[i], NULL);
    Op *op = circ_cgate(c, b, GATE_X, nlit, q, NULL);
    if (!flip)
        op->negctrl = neg;
    if (flip)
        for (uint32_t i = 0; i < nlit; i++)
            if (lit[i] & NEG)
                circ_gate(c, b, GATE_X, &q[i], NULL);
    free(q);
}

static void ccx(Circuit *c, Block *b, uint32_t a, uint32_t bq, uint32_t t)
{
    uint32_t l[2] = {a, bq};
    mcx(c, b, l, 2, t);
}

static void cxg(Circuit *c, Block *b, uint32_t a, uint32_t t)
{
    uint32_t q[2] = {a, t};
    circ_gate(c, b, GATE_CX, q, NULL);
}

/* target ^= [t < K] for the tb-bit register t (K ≤ 2^tb), ANDed with the
 * extra literals. */
static void less_than(Circuit *c, Block *b, uint32_t t, unsigned tb, uint64_t K, const uint32_t *extra,
                      uint32_t nextra, uint32_t target)
{
    uint32_t lit[80];
    if (K >= ((uint64_t)1 << tb)) { /* always */
        mcx(c, b, extra, nextra, target);
        return;
    }
    for (int i = (int)tb - 1; i >= 0; i--) {
        if (!(K >> i & 1))
            continue;
        uint32_t n = 0;
        for (uint32_t e = 0; e < nextra; e++)
            lit[n++] = extra[e];
        for (int j = (int)tb - 1; j > i; j--)
            lit[n++] = (K >> j & 1) ? t + (uint32_t)j : (t + (uint32_t)j) | NEG;
        lit[n++] = (t + (uint32_t)i) | NEG;
        mcx(c, b, lit, n, target);
    }
}

/* t += 1 (mod 2^tb) under the control ctl. */
static void increment(Circuit *c, Block *b, uint32_t t, unsigned tb, uint32_t ctl)
{
    uint32_t lit[80];
    for (int i = (int)tb - 1; i >= 0; i--) {
        uint32_t n = 0;
        lit[n++] = ctl;
        for (int j = 0; j < i; j++)
            lit[n++] = t + (uint32_t)j;
        mcx(c, b, lit, n, t + (uint32_t)i);
    }
}

/* ---- slots and their permutations ---- */

static uint32_t slot_lv(const CarlemanBE *be, unsigned m) { return be->lv + m; }          /* m 0-based */
static uint32_t slot_f(const CarlemanBE *be, unsigned m) { return be->f + m * be->qn; }

static void cswap_slots(Circuit *c, Block *b, const CarlemanBE *be, uint32_t ctl, unsigned x, unsigned y)
{
    uint32_t q[3] = {ctl, slot_lv(be, x), slot_lv(be, y)};
    circ_cgate(c, b, GATE_SWAP, 1, q, NULL);
    for (unsigned k = 0; k < be->qn; k++) {
        q[1] = slot_f(be, x) + k, q[2] = slot_f(be, y) + k;
        circ_cgate(c, b, GATE_SWAP, 1, q, NULL);
    }
}

/* Rearranges the slots under ctl so that position p afterwards holds what
 * position src[p] held before (src a permutation of 0..N−1), by swaps. */
static void permute(Circuit *c, Block *b, const CarlemanBE *be, uint32_t ctl, const unsigned *src)
{
    unsigned N = be->N, at[MODEL_MAX_ORDER], where[MODEL_MAX_ORDER];
    for (unsigned p = 0; p < N; p++)
        at[p] = p, where[p] = p; /* at[p]: original content now at p; where[o]: position of o */
    for (unsigned p = 0; p < N; p++) {
        unsigned o = src[p], w = where[o];
        if (w == p)
            continue;
        cswap_slots(c, b, be, ctl, p, w);
        unsigned op = at[p];
        at[p] = o, where[o] = p;
        at[w] = op, where[op] = w;
    }
}

/* The permutation before the oracle of pair (ℓ, pos): the consumed slots
 * (ℓ ≥ 1) or the free slot N (ℓ = 0) to the front. */
static void perm_before(const CarlemanBE *be, unsigned l, unsigned pos, unsigned *src)
{
    unsigned N = be->N;
    for (unsigned p = 0; p < N; p++)
        src[p] = l >= 1 ? (p + pos - 1) % N : (p + N - 1) % N;
}

/* The permutation after it, from the arrangement perm_before made (with the
 * oracle's output in position 0) to the final order (positions 0-based). */
static void perm_after(const CarlemanBE *be, unsigned l, unsigned pos, unsigned *src)
{
    unsigned N = be->N, n = 0;
    if (l >= 1) {
        /* original slot o (1-based) sits at position (o − pos) mod N */
        for (unsigned o = 1; o < pos; o++)
            src[n++] = (o + N - pos) % N;
        src[n++] = 0;
        for (unsigned o = pos + l; o <= N; o++)
            src[n++] = o - pos;
        for (unsigned p = 1; p < l; p++)
            src[n++] = p;
    } else {
        /* position 0: the new factor; position p ≥ 1: original slot p */
        for (unsigned o = 1; o < pos; o++)
            src[n++] = o;
        src[n++] = 0;
        for (unsigned o = pos; o < N; o++)
            src[n++] = o;
    }
    if (n != N)
        ICE("carleman_be: permutation of %u slots has %u entries", N, n);
}

/* ---- shapes and weights ---- */

static unsigned ceil_log2_mpz(const mpz_t n) /* ⌈log2 n⌉, 0 for n ≤ 1 */
{
    if (mpz_cmp_ui(n, 1) <= 0)
        return 0;
    mpz_t m;
    mpz_init(m);
    mpz_sub_ui(m, n, 1);
    unsigned r = (unsigned)mpz_sizeinbase(m, 2);
    mpz_clear(m);
    return r;
}

static unsigned ceil_log2_u(uint64_t n)
{
    unsigned r = 0;
    while (r < 64 && ((uint64_t)1 << r) < n)
        r++;
    return r;
}

/* sparse_be's shape of F_ℓ's padding (dilation kind). */
static bool oracle_shape_cost(const ModelProblem *m, unsigned l, unsigned qn, const CbeOptions *o, SbeCosts *k,
                              char **err)
{
    SbeShape sh;
    sbe_shape_init(&sh);
    sh.kind = SBE_DILATION;
    sh.qrom = o->qrom;
    sh.qroam_k = o->qroam_k;
    sh.qroam_max_extra = o->qroam_max_extra;
    mpz_set_ui(sh.n, 0);
    mpz_setbit(sh.n, (mp_bitcnt_t)l * qn);
    sh.s = m->F[l].sparsity;
    sh.bits = o->bits;
    if (l == 1 && !mpz_cmp(m->F[1].rows, m->n) && !mpz_cmp(m->F[1].cols, m->n)) {
        /* every row and column holds an entry: the stored slots are the
         * first 2n·s' addresses, and the count is exact */
        mpz_mul_2exp(sh.L, m->n, ceil_log2_u(sh.s) + 1);
    } else {
        mpz_set(sh.rows, m->F[l].rows);
        mpz_set(sh.cols, m->F[l].cols);
    }
    bool ok = sparse_be_shape_cost(&sh, k, err);
    sbe_shape_clear(&sh);
    return ok;
}

/* ---- explicit oracles from data ---- */

/* F_ℓ padded to n'^ℓ × n'^ℓ: row i, column Σ_m j_m n'^(m−1) (j_1 in the
 * low bits: factor slot 1). */
static void padded_tensor(const GdProblem *p, unsigned l, unsigned qn, SpMat *out)
{
    size_t dim = (size_t)1 << (l * qn);
    const Tensor *t = &p->F[l];
    SpBuilder sb;
    sp_builder_init(&sb, dim, dim);
    for (size_t e = 0; e < t->nnz; e++) {
        size_t col = 0;
        for (unsigned mm = 0; mm < l; mm++)
            col |= (size_t)t->col[e * l + mm] << (mm * qn);
        sp_push(&sb, t->row[e], col, t->val[e]);
    }
    sp_builder_finish(&sb, out);
}

/* ---- the build ---- */

static uint32_t fresh(uint32_t *next, uint32_t n)
{
    uint32_t r = *next;
    *next += n;
    return r;
}

/* What the steps of cbe_build share: the inputs, the encoding being built,
 * and a scratch buffer for definition names. */
typedef struct CbeBuild {
    Circuit *c;
    const char *prefix;
    const ModelProblem *m;
    const GdProblem *p; /* the data, for explicit oracles */
    const CbeOptions *o;
    CarlemanBE *be;
    char *name;  /* PREFIX_…, plen bytes */
    size_t plen;
} CbeBuild;

/* sizes: the index width qn, the time width tb, and the limits */
static bool cbe_sizes(CbeBuild *s, char **err)
{
    const ModelProblem *m = s->m;
    const CbeOptions *o = s->o;
    CarlemanBE *be = s->be;
    if (o->bits < 1 || o->bits > SBE_MAX_BITS)
        return diag_refuse(err, "structured encoding: %u angle bits is out of range (1 to %d)", o->bits, SBE_MAX_BITS);
    if (o->explicit_oracles && !s->p)
        ICE("cbe_build: explicit oracles without data");
    be->N = (unsigned)m->N, be->q = m->q, be->T = m->T, be->P = m->P;
    be->qn = ceil_log2_mpz(m->n);
    if (be->qn == 0)
        be->qn = 1;
    if (m->T + m->P + 1 < m->T || m->T + m->P >= ((uint64_t)1 << 62))
        return diag_refuse(err, "structured encoding: T + P = %llu time blocks is beyond 2^62",
                           (unsigned long long)(m->T + m->P));
    be->tb = ceil_log2_u(m->T + m->P + 1);
    if (be->tb == 0)
        be->tb = 1;
    if (o->explicit_oracles && (be->q * be->qn > 40 || be->qn > 20))
        return diag_refuse(err, "structured encoding: the data oracles of n = %u, degree %u are too large to build "
                                "(%u index qubits); use the shape-only estimate",
                           s->p->n, be->q, be->q * be->qn);
    return true;
}

/* pairs and weights: the (term ℓ, position) pairs of A and α_ℓ, α_A, α_C, α_M */
static bool cbe_pairs(CbeBuild *s, char **err)
{
    const ModelProblem *m = s->m;
    CarlemanBE *be = s->be;
    unsigned N = be->N;
    for (unsigned l = 0; l <= be->q; l++) {
        if (!m->F[l].present)
            continue;
        if (l == 0) {
            if (N < 2)
                continue;
            be->alpha_l[0] = m->F[0].norm2;
        } else {
            if (l > N)
                continue;
            unsigned w = ceil_log2_u(m->F[l].sparsity);
            be->alpha_l[l] = ldexp(m->F[l].max_abs, (int)w);
        }
        unsigned npos = l == 0 ? N : N - l + 1;
        for (unsigned pos = 1; pos <= npos; pos++) {
            if (be->npairs == CBE_MAX_PAIRS)
                return diag_refuse(err, "structured encoding: more than %d (term, position) pairs", CBE_MAX_PAIRS);
            be->pair[be->npairs++] = (CbePair){l, pos};
            be->alpha_A += be->alpha_l[l];
        }
    }
    be->alpha_C = 1 + be->alpha_A;
    be->alpha_M = 1 + be->alpha_C;
    be->sb = ceil_log2_u(be->npairs + 1);
    if (be->sb == 0)
        be->sb = 1;
    return true;
}

/* oracle costs (from the shapes) and the pool size: the most work qubits
 * any oracle needs besides its factor bits */
static bool cbe_costs(CbeBuild *s, uint32_t *npool, char **err)
{
    const ModelProblem *m = s->m;
    CarlemanBE *be = s->be;
    *npool = 0;
    for (unsigned l = 1; l <= be->q && l <= be->N; l++) {
        if (!m->F[l].present)
            continue;
        if (!oracle_shape_cost(m, l, be->qn, s->o, &be->oracle_cost[l], err))
            return false;
        if (mpz_cmp_ui(be->oracle_cost[l].u.qubits, CBE_MAX_FORMALS) > 0)
            return diag_refuse(err, "structured encoding: the oracle of F_%u needs more than %u qubits", l,
                               CBE_MAX_FORMALS);
        uint32_t nu = (uint32_t)mpz_get_ui(be->oracle_cost[l].u.qubits); /* U's formals */
        uint32_t need = nu - l * be->qn;                                  /* all but the factor bits */
        if (need > *npool)
            *npool = need;
    }
    return true;
}

/* layout: the formals of PREFIX_um (carleman_be.h) */
static bool cbe_layout(CbeBuild *s, uint32_t npool, char **err)
{
    CarlemanBE *be = s->be;
    uint32_t next = 0;
    be->t = fresh(&next, be->tb);
    be->lv = fresh(&next, be->N);
    be->f = fresh(&next, be->N * be->qn);
    be->nsys = next;
    be->m_sel = fresh(&next, 1);
    be->kill = fresh(&next, 1);
    be->g = fresh(&next, 1);
    be->sel = fresh(&next, be->sb);
    be->okl = fresh(&next, be->q + 1);
    be->mm = fresh(&next, 1);
    be->lt = fresh(&next, 1);
    be->c1 = fresh(&next, 1);
    be->c2 = fresh(&next, 1);
    be->e = fresh(&next, 1);
    be->e2 = fresh(&next, 1);
    be->pool = fresh(&next, npool);
    be->npool = npool;
    be->nflags = next - be->nsys;
    be->control = fresh(&next, 1);
    be->nformals = next;
    if (next > CBE_MAX_FORMALS)
        return diag_refuse(err, "structured encoding: %u qubits", next);
    return true;
}

/* the oracle of F_0: a controlled preparation of F_0/‖F_0‖ on qn qubits,
 * control last; built from the data, or declared with its count */
static bool cbe_oracle_f0(CbeBuild *s, char **err)
{
    Circuit *c = s->c;
    CarlemanBE *be = s->be;
    if (s->o->explicit_oracles) {
        size_t dim = (size_t)1 << be->qn;
        double *v = xcalloc(dim, sizeof *v);
        for (size_t e = 0; e < s->p->F[0].nnz; e++)
            v[s->p->F[0].row[e]] += s->p->F[0].val[e];
        char *pn = xmalloc(s->plen + 8);
        snprintf(pn, s->plen + 8, "%s_F0prep", s->prefix);
        uint32_t dp;
        bool ok = state_prep_def(c, pn, be->qn, v, SP_DENSE, &dp, NULL, err);
        free(pn), free(v);
        if (!ok)
            return false;
        uint32_t d = circuit_def(c, s->name, be->qn + 1, "controlled preparation of F_0/|F_0| (control last)");
        uint32_t *q = xmalloc((be->qn + 1) * sizeof *q);
        q[0] = be->qn;
        for (unsigned k = 0; k < be->qn; k++)
            q[1 + k] = k;
        circ_call(c, circuit_def_body(c, d), dp, 1, q);
        free(q);
        be->def_oracle[0] = d;
    } else {
        /* dense tree under one control: each multiplexor of j selects
         * becomes one of j + 1 selects, 2^(j+1) rotations */
        DeclaredCost k;
        mpz_inits(k.ccz, k.t, k.rotations, NULL);
        mpz_set_ui(k.rotations, 0);
        mpz_setbit(k.rotations, be->qn + 1);
        mpz_sub_ui(k.rotations, k.rotations, 2);
        k.ancillas = 0;
        be->def_oracle[0] = circuit_declare(c, s->name, be->qn + 1, &k,
                                            "controlled preparation of F_0/|F_0| (counted, not built)");
        mpz_clears(k.ccz, k.t, k.rotations, NULL);
        be->oracle_opaque = true;
    }
    return true;
}

/* the oracle of F_ℓ, ℓ ≥ 1: the controlled sparse-access encoding of F_ℓ
 * padded, built from the data (sparse_be), or declared with its count */
static bool cbe_oracle_fl(CbeBuild *s, unsigned l, char **err)
{
    Circuit *c = s->c;
    CarlemanBE *be = s->be;
    if (s->o->explicit_oracles) {
        SpMat A;
        padded_tensor(s->p, l, be->qn, &A);
        /* the block size the shape chose (cbe_costs): the layout's pool was sized by it */
        SbeOptions so = {.kind = SBE_DILATION, .qrom = s->o->qrom, .bits = s->o->bits,
                         .qroam_k = be->oracle_cost[l].qroam_k};
        SparseBE sbe;
        bool ok = sparse_be_build(c, s->name, &A, &so, &sbe, err);
        sp_free(&A);
        if (!ok)
            return false;
        if (fabs(sbe.alpha - be->alpha_l[l]) > 1e-12 * be->alpha_l[l])
            ICE("carleman_be: alpha of F_%u is %.17g, the shape says %.17g", l, sbe.alpha, be->alpha_l[l]);
        sparse_be_cost(&sbe, &be->oracle_cost[l]); /* the exact counts of the built tables */
        be->def_oracle[l] = sbe.cu;
        sparse_be_free(&sbe);
    } else {
        const SbeCost *k = &be->oracle_cost[l].cu;
        DeclaredCost d;
        mpz_init_set(d.ccz, k->ccz);
        mpz_init_set(d.t, k->t);
        mpz_init_set(d.rotations, k->rotations);
        d.ancillas = (uint32_t)mpz_get_ui(k->ancillas);
        snprintf(s->name, s->plen, "%s_F%u_cu", s->prefix, l);
        be->def_oracle[l] = circuit_declare(c, s->name, (uint32_t)mpz_get_ui(k->qubits), &d,
                                            "sparse-access encoding of F_l, controlled (counted, not built)");
        mpz_clears(d.ccz, d.t, d.rotations, NULL);
        be->oracle_opaque = true;
    }
    return true;
}

/* oracles: one per present term with a nonzero weight */
static bool cbe_oracles(CbeBuild *s, char **err)
{
    CarlemanBE *be = s->be;
    for (unsigned l = 0; l <= be->q && l <= be->N; l++) {
        be->def_oracle[l] = UINT32_MAX;
        if (!s->m->F[l].present || be->alpha_l[l] == 0)
            continue;
        snprintf(s->name, s->plen, "%s_F%u", s->prefix, l);
        if (!(l == 0 ? cbe_oracle_f0(s, err) : cbe_oracle_fl(s, l, err)))
            return false;
    }
    return true;
}

/* PREP over sel: identity (weight 1), then the pairs (α_ℓ) */
static bool cbe_prep(CbeBuild *s, char **err)
{
    CarlemanBE *be = s->be;
    size_t dim = (size_t)1 << be->sb;
    double *v = xcalloc(dim, sizeof *v);
    v[0] = 1;
    for (unsigned i = 0; i < be->npairs; i++)
        v[i + 1] = sqrt(be->alpha_l[be->pair[i].l]);
    v[0] = 1;
    snprintf(s->name, s->plen, "%s_prep_sel", s->prefix);
    bool ok = state_prep_def(s->c, s->name, be->sb, v, SP_AUTO, &be->def_prep_sel, NULL, err);
    free(v);
    return ok;
}

/* the literals of "c1 ∧ sel = sv" into lit; returns their number */
static uint32_t select_literals(const CarlemanBE *be, unsigned sv, uint32_t *lit)
{
    uint32_t n = 0;
    lit[n++] = be->c1;
    for (unsigned k = 0; k < be->sb; k++)
        lit[n++] = (sv >> k & 1) ? be->sel + k : (be->sel + k) | NEG;
    return n;
}

/* controls, forward: for each pair, its validity into okl_ℓ (or kill) and
 * the permutation that brings its factors to the front */
static void cbe_select_forward(CbeBuild *s, Block *b)
{
    Circuit *c = s->c;
    const CarlemanBE *be = s->be;
    uint32_t lit[200];
    unsigned src[MODEL_MAX_ORDER];
    for (unsigned i = 0; i < be->npairs; i++) {
        unsigned l = be->pair[i].l, pos = be->pair[i].pos, sv = i + 1;
        uint32_t n = select_literals(be, sv, lit);
        mcx(c, b, lit, n, be->e);
        /* the condition's literals */
        n = 0;
        lit[n++] = be->e;
        if (l >= 1) {
            for (unsigned k = pos; k < pos + l; k++)
                lit[n++] = slot_lv(be, k - 1);
        } else {
            lit[n++] = slot_lv(be, 0);
            if (pos >= 3)
                lit[n++] = slot_lv(be, pos - 2);
            lit[n++] = slot_lv(be, be->N - 1) | NEG;
            for (unsigned k = 0; k < be->qn; k++)
                lit[n++] = (slot_f(be, be->N - 1) + k) | NEG;
        }
        cxg(c, b, be->e, be->kill);      /* kill ^= e */
        mcx(c, b, lit, n, be->kill);     /* … ∧ ¬cond */
        mcx(c, b, lit, n, be->okl + l);  /* okl ^= e ∧ cond */
        ccx(c, b, be->e, be->okl + l, be->e2);
        perm_before(be, l, pos, src);
        permute(c, b, be, be->e2, src);
        ccx(c, b, be->e, be->okl + l, be->e2);
        n = select_literals(be, sv, lit);
        mcx(c, b, lit, n, be->e);
    }
}

/* the oracles, each under its okl_ℓ */
static void cbe_select_oracles(CbeBuild *s, Block *b)
{
    Circuit *c = s->c;
    const CarlemanBE *be = s->be;
    for (unsigned l = 0; l <= be->q && l <= be->N; l++) {
        if (be->def_oracle[l] == UINT32_MAX)
            continue;
        uint32_t ok = be->okl + l;
        if (l == 0) {
            cxg(c, b, ok, slot_lv(be, 0));
            uint32_t *q = xmalloc((be->qn + 1) * sizeof *q);
            for (unsigned k = 0; k < be->qn; k++)
                q[k] = slot_f(be, 0) + k;
            q[be->qn] = ok;
            circ_call(c, b, be->def_oracle[0], 0, q);
            free(q);
            continue;
        }
        const GateDef *od = &c->defs[be->def_oracle[l]];
        uint32_t nf = od->nqubits, qb = l * be->qn;
        uint32_t *q = xmalloc(nf * sizeof *q);
        for (uint32_t k = 0; k < qb; k++) /* slots 0..ℓ−1, slot 0 lowest */
            q[k] = be->f + k;
        for (uint32_t k = qb; k + 1 < nf; k++)
            q[k] = be->pool + (k - qb);
        q[nf - 1] = ok;
        uint32_t d = q[qb]; /* the dilation qubit: enter on the column side */
        cxg(c, b, ok, d);
        circ_call(c, b, be->def_oracle[l], 0, q);
        free(q);
        for (unsigned k = 1; k < l; k++) /* the consumed slots 2..ℓ are free */
            cxg(c, b, ok, slot_lv(be, k));
    }
}

/* controls, backward: the after-permutations, and okl uncomputed */
static void cbe_select_backward(CbeBuild *s, Block *b)
{
    Circuit *c = s->c;
    const CarlemanBE *be = s->be;
    uint32_t lit[200];
    unsigned src[MODEL_MAX_ORDER];
    for (unsigned i = 0; i < be->npairs; i++) {
        unsigned l = be->pair[i].l, pos = be->pair[i].pos, sv = i + 1;
        uint32_t n = select_literals(be, sv, lit);
        mcx(c, b, lit, n, be->e);
        ccx(c, b, be->e, be->okl + l, be->e2);
        perm_after(be, l, pos, src);
        permute(c, b, be, be->e2, src);
        ccx(c, b, be->e, be->okl + l, be->e2);
        ccx(c, b, be->e, slot_lv(be, pos - 1), be->okl + l);
        mcx(c, b, lit, n, be->e);
    }
}

/* c1 = mm ∧ t < T, c2 = mm ∧ t ≥ T (a second call uncomputes them) */
static void cbe_time_flags(CbeBuild *s, Block *b)
{
    Circuit *c = s->c;
    const CarlemanBE *be = s->be;
    less_than(c, b, be->t, be->tb, be->T, NULL, 0, be->lt);
    ccx(c, b, be->mm, be->lt, be->c1);
    ccx(c, b, be->mm, be->lt | NEG, be->c2);
    less_than(c, b, be->t, be->tb, be->T, NULL, 0, be->lt);
}

/* S: kill when t ≥ T + P, then t + 1; the sign */
static void cbe_shift(CbeBuild *s, Block *b)
{
    Circuit *c = s->c;
    CarlemanBE *be = s->be;
    uint32_t ext[1] = {be->mm};
    cxg(c, b, be->mm, be->kill);
    less_than(c, b, be->t, be->tb, be->T + be->P, ext, 1, be->kill);
    increment(c, b, be->t, be->tb, be->mm);
    circ_gate(c, b, GATE_Z, &be->mm, NULL);
}

/* U_M, control last: C = PREP, SELECT, PREP† on c1 and the identity branch
 * of G on c2, then S */
static void cbe_um(CbeBuild *s)
{
    Circuit *c = s->c;
    CarlemanBE *be = s->be;
    snprintf(s->name, s->plen, "%s_um", s->prefix);
    be->def_um = circuit_def(c, s->name, be->nformals, "structured block encoding of M = I - S G (control last)");
    Block *b = circuit_def_body(c, be->def_um);
    double thM = 2 * acos(sqrt(1 / be->alpha_M));
    circ_gate(c, b, GATE_RY, &be->m_sel, &thM);
    ccx(c, b, be->m_sel, be->control, be->mm);
    cbe_time_flags(s, b);

    /* C on c1: PREP, SELECT, PREP† */
    uint32_t *sq = xmalloc(be->sb * sizeof *sq);
    for (unsigned k = 0; k < be->sb; k++)
        sq[k] = be->sel + k;
    circ_call(c, b, be->def_prep_sel, 0, sq);
    cbe_select_forward(s, b);
    cbe_select_oracles(s, b);
    cbe_select_backward(s, b);
    circ_call(c, b, be->def_prep_sel, 0, sq)->inv = true;
    free(sq);
    /* the identity branch of G, scaled to 1/α_C */
    double thG = 2 * acos(1 / be->alpha_C);
    uint32_t gq[2] = {be->c2, be->g};
    circ_cgate(c, b, GATE_RY, 1, gq, &thG);

    cbe_time_flags(s, b);
    cbe_shift(s, b);
    ccx(c, b, be->m_sel, be->control, be->mm);
    double mthM = -thM;
    circ_gate(c, b, GATE_RY, &be->m_sel, &mthM);
}

/* U_H on (sys, d, flags, helper): formals sys[nsys], d, flags[nflags], a;
 * and the controlled walk, control first */
static void cbe_uh(CbeBuild *s)
{
    Circuit *c = s->c;
    CarlemanBE *be = s->be;
    uint32_t nH = be->nsys + 1 + be->nflags + 1;
    snprintf(s->name, s->plen, "%s_reflect", s->prefix);
    uint32_t dr = sbe_reflect_def(c, s->name, be->nflags + 1);
    be->def_reflect = dr;
    snprintf(s->name, s->plen, "%s_uh", s->prefix);
    be->def_uh = circuit_def(c, s->name, nH, "Hermitian dilation X_d (|1><1| U_M + |0><0| U_M^dg) (helper last)");
    snprintf(s->name, s->plen, "%s_walk_c", s->prefix);
    be->def_walk_c = circuit_def(c, s->name, nH + 1, "controlled qubitized walk (control first)");
    uint32_t *qm = xmalloc((be->nformals + 1) * sizeof *qm);
    for (int pass = 0; pass < 2; pass++) {
        bool ctl = pass == 1;
        uint32_t off = ctl ? 1 : 0; /* walk_c: the control is formal 0 (qpe.h) */
        Block *bh = circuit_def_body(c, ctl ? be->def_walk_c : be->def_uh);
        uint32_t d = be->nsys + off, a = nH - 1 + off, cq = 0; /* a: the AND helper (a flag) */
        for (uint32_t k = 0; k < be->nsys; k++)
            qm[k] = k + off;
        for (uint32_t k = 0; k < be->nflags; k++)
            qm[be->nsys + k] = be->nsys + 1 + k + off;
        qm[be->nformals - 1] = ctl ? a : d;
        if (ctl)
            ccx(c, bh, cq, d, a);
        circ_call(c, bh, be->def_um, 0, qm);
        if (ctl) {
            ccx(c, bh, cq, d, a);
            cxg(c, bh, cq, d);
            ccx(c, bh, cq, d, a);
        } else
            circ_gate(c, bh, GATE_X, &d, NULL);
        circ_call(c, bh, be->def_um, 0, qm)->inv = true;
        if (ctl) {
            ccx(c, bh, cq, d, a);
            /* the reflection 2|0><0| − I on the flags and the helper, under cq */
            uint32_t nr = be->nflags + 1;
            uint32_t *rq = xmalloc((nr + 1) * sizeof *rq);
            rq[0] = cq;
            for (uint32_t k = 0; k < nr; k++)
                rq[1 + k] = be->nsys + 1 + k + off;
            circ_call(c, bh, dr, 1, rq);
            free(rq);
        }
    }
    free(qm);
}

bool cbe_build(Circuit *c, const char *prefix, const ModelProblem *m, const GdProblem *p, const CbeOptions *o,
               CarlemanBE *be, char **err)
{
    memset(be, 0, sizeof *be);
    mpz_init_set(be->n, m->n);
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE; l++)
        sbe_costs_init(&be->oracle_cost[l]);
    CbeBuild s = {.c = c, .prefix = prefix, .m = m, .p = p, .o = o, .be = be};
    uint32_t npool;
    if (!cbe_sizes(&s, err) || !cbe_pairs(&s, err) || !cbe_costs(&s, &npool, err) || !cbe_layout(&s, npool, err))
        return false;
    s.plen = strlen(prefix) + 32;
    s.name = xmalloc(s.plen);
    bool ok = cbe_oracles(&s, err) && cbe_prep(&s, err);
    if (ok) {
        cbe_um(&s);
        cbe_uh(&s);
    }
    free(s.name);
    return ok;
}

void cbe_free(CarlemanBE *be)
{
    mpz_clear(be->n);
    for (unsigned l = 0; l <= MODEL_MAX_DEGREE; l++)
        sbe_costs_clear(&be->oracle_cost[l]);
    memset(be, 0, sizeof *be);
}

uint64_t cbe_real_index(const CarlemanBE *be, uint64_t t, unsigned j, const uint32_t *i)
{
    uint64_t x = t;
    for (unsigned m = 0; m < j; m++)
        x |= (uint64_t)1 << (be->lv + m);
    for (unsigned m = 0; m < j; m++)
        x |= (uint64_t)i[m] << (be->f + m * be->qn);
    return x;
}

/* A multi-index of a tensor entry, for sorting entries by column. */
typedef struct MultiIndexRef {
    const uint32_t *mi;
    unsigned l;
    size_t e;
} MultiIndexRef;

static int cmp_multi_index(const void *a, const void *b)
{
    const MultiIndexRef *x = a, *y = b;
    for (unsigned k = 0; k < x->l; k++)
        if (x->mi[k] != y->mi[k])
            return x->mi[k] < y->mi[k] ? -1 : 1;
    return 0;
}

bool cbe_model_of(const GdProblem *p, ModelProblem *m, char **err)
{
    model_init(m);
    m->name = xstrdup(p->name);
    m->loc = p->loc;
    mpz_set_ui(m->n, p->n);
    if (p->q > MODEL_MAX_DEGREE)
        return diag_refuse(err, "problem '%s': degree %u is beyond the structured encoding's %d", p->name, p->q,
                           MODEL_MAX_DEGREE);
    if (p->xi)
        return diag_refuse(err, "problem '%s': the structured encoding takes a constant F_0 (no noise)", p->name);
    m->q = p->q;
    for (unsigned l = 0; l <= p->q; l++) {
        const Tensor *t = &p->F[l];
        ModelTerm *F = &m->F[l];
        if (t->nnz == 0)
            continue;
        /* column keys: the rank of each sorted multi-index among the
         * distinct ones (its Kronecker position n^ℓ can exceed 64 bits) */
        MultiIndexRef *ref = xmalloc(t->nnz * sizeof *ref);
        for (size_t e = 0; e < t->nnz; e++)
            ref[e] = (MultiIndexRef){t->col + e * l, l, e};
        qsort(ref, t->nnz, sizeof *ref, cmp_multi_index);
        uint64_t *keys = xmalloc(t->nnz * sizeof *keys), rank = 0;
        for (size_t k = 0; k < t->nnz; k++) {
            if (k && cmp_multi_index(&ref[k - 1], &ref[k]) != 0)
                rank++;
            keys[ref[k].e] = rank;
        }
        free(ref);
        model_term_from_entries(F, l, t->nnz, t->row, keys, t->val);
        free(keys);
        F->loc = p->loc;
    }
    double un = 0;
    for (uint32_t i = 0; i < p->n; i++)
        un += p->u_in[i] * p->u_in[i];
    m->u_norm = sqrt(un);
    mpz_set_ui(m->r, p->n);
    m->T = p->T;
    m->N = (int)p->opt.carleman_order;
    m->P = (uint64_t)p->opt.idle_blocks;
    m->kappa0 = options_kappa0(&p->opt, 0, p->T);
    m->eps = p->opt.precision > 0 ? p->opt.precision : 1e-2;
    m->clock_bits = (unsigned)p->opt.clock_bits;
    m->uploads = 1;
    m->opt = p->opt;
    return true;
}
