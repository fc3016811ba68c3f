/* sbe_qrom.c — table lookup, fixed-point rotation and reflection, with
 * their closed-form costs (see sbe_qrom.h). */
#include "passes/sbe_qrom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/lower.h"
#include "support/consts.h"
#include "support/util.h"

/* ---- costs ---- */

void sbe_cost_init(SbeCost *k) { mpz_inits(k->ccz, k->t, k->rotations, k->qubits, k->ancillas, NULL); }

void sbe_cost_clear(SbeCost *k) { mpz_clears(k->ccz, k->t, k->rotations, k->qubits, k->ancillas, NULL); }

void sbe_cost_set(SbeCost *dst, const SbeCost *src)
{
    mpz_set(dst->ccz, src->ccz);
    mpz_set(dst->t, src->t);
    mpz_set(dst->rotations, src->rotations);
    mpz_set(dst->qubits, src->qubits);
    mpz_set(dst->ancillas, src->ancillas);
}

void sbe_cost_add(SbeCost *acc, const SbeCost *x)
{
    mpz_add(acc->ccz, acc->ccz, x->ccz);
    mpz_add(acc->t, acc->t, x->t);
    mpz_add(acc->rotations, acc->rotations, x->rotations);
    if (mpz_cmp(x->ancillas, acc->ancillas) > 0)
        mpz_set(acc->ancillas, x->ancillas);
}

void sbe_cost_addmul(SbeCost *acc, const SbeCost *x, const mpz_t k)
{
    mpz_addmul(acc->ccz, x->ccz, k);
    mpz_addmul(acc->t, x->t, k);
    mpz_addmul(acc->rotations, x->rotations, k);
    if (mpz_sgn(k) > 0 && mpz_cmp(x->ancillas, acc->ancillas) > 0)
        mpz_set(acc->ancillas, x->ancillas);
}

void sbe_cost_print(const SbeCost *k, FILE *out)
{
    fputs("CCZ ", out);
    mpz_out_str(out, 10, k->ccz);
    fputs(", T ", out);
    mpz_out_str(out, 10, k->t);
    fputs(", rotations ", out);
    mpz_out_str(out, 10, k->rotations);
    fputs(", qubits ", out);
    mpz_out_str(out, 10, k->qubits);
    fputs(", lowering ancillas ", out);
    mpz_out_str(out, 10, k->ancillas);
    fputc('\n', out);
}

/* One emitted rotation by angle a, as lower.c's emit_rot classifies it. */
static void rot_class(double a, SbeCost *k)
{
    if (a == 0)
        return;
    int m = lower_pi4_multiple(a);
    if (m < 0)
        mpz_add_ui(k->rotations, k->rotations, 1);
    else if (m % 2)
        mpz_add_ui(k->t, k->t, 1);
}

void sbe_ry_cost(double theta, unsigned nctrl, SbeCost *k)
{
    if (theta == 0)
        return; /* lower_gate_power folds it away */
    if (nctrl == 0)
        rot_class(theta, k);
    else if (nctrl == 1) { /* emit_c1: ry(θ/2) cx ry(−θ/2) cx */
        rot_class(theta / 2, k);
        rot_class(-theta / 2, k);
    } else
        ICE("sbe_ry_cost: %u controls", nctrl);
}

/* ---- names ---- */

void sbe_check_name(const Circuit *c, const char *name)
{
    bool ok = name && (name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'));
    for (const char *p = name ? name : ""; ok && *p; p++)
        ok = *p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
    if (!ok || gate_lookup(name) != GATE_COUNT)
        ICE("sbe: '%s' is not a usable definition name", name ? name : "(null)");
    size_t len = strlen(name);
    for (size_t d = 0; d < c->ndefs; d++)
        if (!strncmp(c->defs[d].name, name, len) && (c->defs[d].name[len] == 0 || c->defs[d].name[len] == '_'))
            ICE("sbe: definition '%s' is taken (or '%s_…' exists)", name, name);
}

/* ---- table lookup ---- */

static void plain_kind(SbeQromKind kind, const char *who)
{
    if (kind != SBE_QROM_UNARY && kind != SBE_QROM_MCX)
        ICE("%s: table lookup kind %d needs a block size (qroam.h)", who, (int)kind);
}

unsigned sbe_qrom_work(SbeQromKind kind, unsigned abits)
{
    plain_kind(kind, "sbe_qrom_work");
    return kind == SBE_QROM_UNARY && abits >= 2 ? abits - 1 : 0;
}

static uint64_t addr_of(const SbeTable *t, size_t l) { return t->addr ? t->addr[l] : (uint64_t)l; }

void sbe_table_check(const SbeTable *t)
{
    if (t->abits > SBE_MAX_BUILD_ABITS || t->width < 1 || t->width > 64 || (t->theta && t->rot_bit >= t->width))
        ICE("sbe_qrom: table of %u address bits, %u data bits", t->abits, t->width);
    if (t->L > ((uint64_t)1 << t->abits) || t->L > SBE_MAX_BUILD_ENTRIES)
        ICE("sbe_qrom: %zu entries for %u address bits", t->L, t->abits);
    for (size_t l = 0; l < t->L; l++) {
        uint64_t a = addr_of(t, l);
        if (a >> t->abits || (l > 0 && a <= addr_of(t, l - 1)))
            ICE("sbe_qrom: address %llu (entry %zu) out of order or range", (unsigned long long)a, l);
        if (t->width < 64 && t->word[l] >> t->width)
            ICE("sbe_qrom: word %zu has bits above the width %u", l, t->width);
        if (t->theta && !isfinite(t->theta[l]))
            ICE("sbe_qrom: angle %zu is not finite", l);
    }
}

void sbe_flagged(Circuit *c, Block *b, SbeFlag f, GateKind g, uint32_t tq, double th)
{
    uint32_t q[2] = {f.q, tq};
    double p = th;
    if (f.kind == SBE_FL_TRUE)
        circ_gate(c, b, g, &tq, &p);
    else {
        Op *op = circ_cgate(c, b, g, 1, q, &p);
        op->negctrl = f.neg ? 1 : 0;
    }
}

typedef struct Unary {
    Circuit *c;
    Block *b;
    const SbeTable *t;
    unsigned shift;  /* the trie is over a >> shift; level d tests address bit shift + d − 1 */
    uint32_t work0;  /* formal of work qubit 0 */
    SbeLeafFn leaf;
    void *ctx;
} Unary;

/* target ^= f ∧ (a_bit == val) */
static void and_into(Unary *U, SbeFlag f, uint32_t abit, bool val, uint32_t target)
{
    uint32_t q[3] = {f.q, abit, target};
    Op *op = circ_cgate(U->c, U->b, GATE_X, 2, q, NULL);
    op->negctrl = (f.neg ? 1u : 0u) | (val ? 0u : 2u);
}

/* The node of level d over keys [lo, lo + 2^d) holding entries
 * [first, last) (non-empty), with flag f. */
static void visit(Unary *U, SbeFlag f, unsigned d, uint64_t lo, size_t first, size_t last)
{
    if (d == 0) {
        U->leaf(U->ctx, f, first, last);
        return;
    }
    uint64_t mid = lo + ((uint64_t)1 << (d - 1));
    size_t split = first;
    while (split < last && addr_of(U->t, split) >> U->shift < mid)
        split++;
    uint32_t abit = U->shift + d - 1; /* formal of address bit shift + d − 1 */
    if (f.kind == SBE_FL_TRUE) {
        if (split > first)
            visit(U, (SbeFlag){SBE_FL_LIT, abit, true}, d - 1, lo, first, split);
        if (last > split)
            visit(U, (SbeFlag){SBE_FL_LIT, abit, false}, d - 1, mid, split, last);
        return;
    }
    uint32_t w = U->work0 + (d - 1);
    SbeFlag child = {SBE_FL_QUBIT, w, false};
    if (split > first && last > split) {
        and_into(U, f, abit, false, w); /* fL = f ∧ ¬a */
        visit(U, child, d - 1, lo, first, split);
        uint32_t q[2] = {f.q, w}; /* fR = fL ⊕ f = f ∧ a */
        Op *op = circ_cgate(U->c, U->b, GATE_X, 1, q, NULL);
        op->negctrl = f.neg ? 1 : 0;
        visit(U, child, d - 1, mid, split, last);
        and_into(U, f, abit, true, w);
    } else {
        bool right = last > split && split == first;
        and_into(U, f, abit, right, w);
        visit(U, child, d - 1, right ? mid : lo, first, last);
        and_into(U, f, abit, right, w);
    }
}

void sbe_unary_iterate(Circuit *c, Block *b, const SbeTable *t, unsigned shift, uint32_t work0, SbeLeafFn leaf,
                       void *ctx)
{
    if (shift > t->abits)
        ICE("sbe_unary_iterate: shift %u beyond %u address bits", shift, t->abits);
    if (t->L == 0)
        return;
    Unary U = {c, b, t, shift, work0, leaf, ctx};
    visit(&U, (SbeFlag){SBE_FL_TRUE, 0, false}, t->abits - shift, 0, 0, t->L);
}

/* the leaf of the plain lookup: entry `first` (the only one: shift 0) */
typedef struct LeafCtx {
    Circuit *c;
    Block *b;
    const SbeTable *t;
    uint32_t data0; /* formal of data bit 0 */
} LeafCtx;

static void leaf(void *vctx, SbeFlag f, size_t first, size_t last)
{
    LeafCtx *x = vctx;
    const SbeTable *t = x->t;
    if (last != first + 1)
        ICE("sbe_qrom: a leaf of %zu entries", last - first);
    for (unsigned j = 0; j < t->width; j++)
        if (t->word[first] >> j & 1)
            sbe_flagged(x->c, x->b, f, GATE_X, x->data0 + j, 0);
    if (t->theta && t->theta[first] != 0)
        sbe_flagged(x->c, x->b, f, GATE_RY, x->data0 + t->rot_bit, t->theta[first]);
}

uint32_t sbe_qrom_def(Circuit *c, const char *name, const SbeTable *t, SbeQromKind kind)
{
    plain_kind(kind, "sbe_qrom_def");
    sbe_check_name(c, name);
    sbe_table_check(t);
    unsigned nwork = sbe_qrom_work(kind, t->abits);
    uint32_t nq = t->abits + t->width + nwork;
    const char *doc = kind == SBE_QROM_UNARY ? "table lookup by unary iteration (Babbush et al. 2018)"
                                             : "table lookup, one multi-controlled leaf per entry";
    if (kind == SBE_QROM_UNARY || t->L == 0) {
        uint32_t def = circuit_def(c, name, nq, doc);
        LeafCtx x = {c, circuit_def_body(c, def), t, t->abits};
        sbe_unary_iterate(c, x.b, t, 0, t->abits + t->width, leaf, &x);
        return def;
    }
    /* MCX: leaf definitions, then the calls */
    size_t len = strlen(name) + 32;
    char *lname = xmalloc(len);
    uint32_t *q = xmalloc(((size_t)t->abits + t->width + 1) * sizeof *q);
    uint32_t first = (uint32_t)c->ndefs;
    for (size_t l = 0; l < t->L; l++) {
        snprintf(lname, len, "%s_l%zu", name, l);
        uint32_t d = circuit_def(c, lname, t->width, NULL);
        Block *b = circuit_def_body(c, d);
        for (uint32_t j = 0; j < t->width; j++)
            if (t->word[l] >> j & 1)
                circ_gate(c, b, GATE_X, &j, NULL);
        if (t->theta && t->theta[l] != 0)
            circ_gate(c, b, GATE_RY, &t->rot_bit, &t->theta[l]);
    }
    uint32_t def = circuit_def(c, name, nq, doc); /* after its leaves: calls go to earlier definitions */
    Block *b = circuit_def_body(c, def);
    uint64_t mask = t->abits >= 64 ? UINT64_MAX : ((uint64_t)1 << t->abits) - 1;
    for (uint32_t j = 0; j < t->abits; j++)
        q[j] = j;
    for (uint32_t j = 0; j < t->width; j++)
        q[t->abits + j] = t->abits + j;
    for (size_t l = 0; l < t->L; l++) {
        Op *op = circ_call(c, b, first + (uint32_t)l, t->abits, q);
        op->negctrl = ~addr_of(t, l) & mask;
    }
    free(q);
    free(lname);
    return def;
}

/* CCZ of the decoding and lowering ancillas; n_d(d) gives N_d. */
static void decode_cost(SbeQromKind kind, unsigned abits, const mpz_t L, unsigned width, const mpz_t sumN,
                        SbeCost *k)
{
    plain_kind(kind, "sbe_qrom_cost");
    mpz_set_ui(k->t, 0);
    mpz_set_ui(k->rotations, 0);
    mpz_set_ui(k->qubits, abits + width + sbe_qrom_work(kind, abits));
    if (kind == SBE_QROM_UNARY) {
        mpz_mul_ui(k->ccz, sumN, 2);
        mpz_set_ui(k->ancillas, 0);
    } else {
        mpz_mul_ui(k->ccz, L, abits >= 2 ? 2 * (abits - 1) : 0);
        mpz_set_ui(k->ancillas, abits >= 2 && mpz_sgn(L) > 0 ? abits - 1 : 0);
    }
}

void sbe_qrom_cost(SbeQromKind kind, unsigned abits, const mpz_t L, unsigned width, SbeCost *k)
{
    if (abits > SBE_MAX_ABITS)
        ICE("sbe_qrom_cost: %u address bits", abits);
    mpz_t sum, nd;
    mpz_inits(sum, nd, NULL);
    mpz_setbit(nd, abits); /* L ≤ 2^abits */
    if (mpz_sgn(L) < 0 || mpz_cmp(L, nd) > 0)
        ICE("sbe_qrom_cost: a table of more entries than 2^%u addresses", abits);
    for (unsigned d = 1; d < abits; d++) { /* N_d = ⌈L/2^d⌉ */
        mpz_cdiv_q_2exp(nd, L, d);
        mpz_add(sum, sum, nd);
    }
    decode_cost(kind, abits, L, width, sum, k);
    mpz_clears(sum, nd, NULL);
}

void sbe_qrom_cost_sum(SbeQromKind kind, unsigned abits, const mpz_t L, unsigned width, const mpz_t sum, SbeCost *k)
{
    if (abits > SBE_MAX_ABITS)
        ICE("sbe_qrom_cost_sum: %u address bits", abits);
    decode_cost(kind, abits, L, width, sum, k);
}

void sbe_qrom_table_cost(SbeQromKind kind, const SbeTable *t, SbeCost *k)
{
    sbe_table_check(t);
    mpz_t sum, L;
    mpz_init(sum);
    mpz_init_set_ui(L, 0);
    mpz_add_ui(L, L, (unsigned long)t->L);
    for (unsigned d = 1; d < t->abits; d++) { /* distinct a >> d */
        uint64_t nd = 0;
        for (size_t l = 0; l < t->L; l++)
            if (l == 0 || addr_of(t, l) >> d != addr_of(t, l - 1) >> d)
                nd++;
        mpz_add_ui(sum, sum, (unsigned long)nd);
    }
    decode_cost(kind, t->abits, L, t->width, sum, k);
    if (t->theta)
        for (size_t l = 0; l < t->L; l++)
            sbe_ry_cost(t->theta[l], t->abits >= 1, k);
    mpz_clears(sum, L, NULL);
}

/* ---- fixed-point rotation ---- */

double sbe_rot_fixed_angle(uint64_t t, unsigned b) { return ldexp(QGD_PI * (double)t, -(int)b); }

uint32_t sbe_rot_fixed_def(Circuit *c, const char *name, unsigned b)
{
    sbe_check_name(c, name);
    if (b < 1 || b > SBE_MAX_BITS)
        ICE("sbe_rot_fixed_def: %u bits", b);
    uint32_t def = circuit_def(c, name, b + 1, "RY(pi*t/2^b) on the target, t the register's value");
    Block *body = circuit_def_body(c, def);
    for (uint32_t l = 0; l < b; l++) {
        uint32_t q[2] = {l, b};
        double th = ldexp(QGD_PI, (int)l - (int)b);
        circ_cgate(c, body, GATE_RY, 1, q, &th);
    }
    return def;
}

void sbe_rot_fixed_cost(unsigned b, SbeCost *k)
{
    if (b < 1 || b > SBE_MAX_BITS)
        ICE("sbe_rot_fixed_cost: %u bits", b);
    mpz_set_ui(k->ccz, 0);
    mpz_set_ui(k->t, 0);
    mpz_set_ui(k->rotations, 0);
    for (unsigned l = 0; l < b; l++)
        sbe_ry_cost(ldexp(QGD_PI, (int)l - (int)b), 1, k);
    mpz_set_ui(k->qubits, b + 1);
    mpz_set_ui(k->ancillas, 0);
}

/* ---- reflection ---- */

uint32_t sbe_reflect_def(Circuit *c, const char *name, unsigned m)
{
    sbe_check_name(c, name);
    if (m < 1 || m > SBE_MAX_REFLECT)
        ICE("sbe_reflect_def: %u qubits", m);
    uint32_t def = circuit_def(c, name, m, "2|0><0| - I");
    Block *b = circuit_def_body(c, def);
    uint32_t *q = xmalloc(m * sizeof *q);
    for (uint32_t j = 0; j < m; j++)
        q[j] = j;
    double pi = QGD_PI;
    if (m <= 63) {
        Op *op = circ_cgate(c, b, GATE_GPHASE, m, q, &pi);
        op->negctrl = ((uint64_t)1 << m) - 1;
    } else { /* beyond the negative-control mask: flip, control, flip */
        for (uint32_t j = 0; j < m; j++)
            circ_gate(c, b, GATE_X, &q[j], NULL);
        circ_cgate(c, b, GATE_GPHASE, m, q, &pi);
        for (uint32_t j = 0; j < m; j++)
            circ_gate(c, b, GATE_X, &q[j], NULL);
    }
    circ_gate(c, b, GATE_GPHASE, NULL, &pi);
    free(q);
    return def;
}

void sbe_reflect_cost(unsigned m, SbeCost *k)
{
    if (m < 1 || m > SBE_MAX_REFLECT)
        ICE("sbe_reflect_cost: %u qubits", m);
    mpz_set_ui(k->ccz, m >= 3 ? 2 * (unsigned long)(m - 2) : 0);
    mpz_set_ui(k->t, 0);
    mpz_set_ui(k->rotations, 0);
    mpz_set_ui(k->qubits, m);
    mpz_set_ui(k->ancillas, m >= 3 ? m - 2 : 0);
}
