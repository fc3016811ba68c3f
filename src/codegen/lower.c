/* lower.c — the gate emitter and the flat lowering (contract in lower.h).
 *
 * Layout: angle helpers; normalisation of a gate with inv and pow into at
 * most two gates; emission of a gate with k positive controls; the public
 * entry points for gates, multiplexors and calls; the flat lowering, which
 * inlines calls and writes into a new Circuit. */
#include "codegen/lower.h"
#include "support/consts.h"
#include "support/diag.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"

/* ---- angles ---- */

int lower_pi4_multiple(double angle)
{
    if (!isfinite(angle))
        return -1;
    double r = remainder(angle, 2 * QGD_PI); /* [−π, π] */
    double m = nearbyint(r / (QGD_PI / 4));
    if (fabs(r - m * (QGD_PI / 4)) > LOWER_SNAP_TOL)
        return -1;
    return (((int)m % 8) + 8) % 8;
}

/* ---- normalisation: g^k after inv, as at most two gates ---- */

typedef LowerItem Item;

static int item(Item *it, GateKind g, double p0, double p1, double p2)
{
    it->g = g;
    it->p[0] = p0, it->p[1] = p1, it->p[2] = p2;
    return 1;
}

/* OpenQASM's U(θ, φ, λ) as a matrix. */
static void u_matrix(double th, double ph, double la, double complex m[4])
{
    double c = cos(th / 2), s = sin(th / 2);
    m[0] = c;
    m[1] = -cexp(I * la) * s;
    m[2] = cexp(I * ph) * s;
    m[3] = cexp(I * (ph + la)) * c;
}

/* V = e^{iγ} U(θ, φ, λ) for a 2×2 unitary V. */
static void zyz(const double complex v[4], double *th, double *ph, double *la, double *gamma)
{
    double a = cabs(v[0]), b = cabs(v[2]);
    *th = 2 * atan2(b, a);
    if (a > 1e-150) {
        *gamma = carg(v[0]);
        if (b > 1e-150) {
            *ph = carg(v[2]) - *gamma;
            *la = carg(-v[1]) - *gamma;
        } else {
            *ph = 0;
            *la = carg(v[3]) - *gamma;
        }
    } else {
        *la = 0;
        *gamma = carg(-v[1]);
        *ph = carg(v[2]) - *gamma;
    }
}

int lower_gate_power(GateKind g, const double *param, bool inv, uint64_t k, LowerItem out[2])
{
    double sg = inv ? -1 : 1;
    switch (g) {
    case GATE_ID: return 0;
    case GATE_H:
    case GATE_X:
    case GATE_Y:
    case GATE_Z:
    case GATE_CX:
    case GATE_CZ:
    case GATE_SWAP:
    case GATE_CCX: return k % 2 ? item(out, g, 0, 0, 0) : 0;
    case GATE_S:
    case GATE_SDG:
    case GATE_T:
    case GATE_TDG: {
        int m = g == GATE_S ? 2 : g == GATE_SDG ? 6 : g == GATE_T ? 1 : 7;
        if (inv)
            m = 8 - m;
        m = (int)((uint64_t)m * (k % 8) % 8);
        static const GateKind word[8] = {GATE_COUNT, GATE_T, GATE_S, GATE_P, GATE_Z, GATE_P, GATE_SDG, GATE_TDG};
        if (m == 0)
            return 0;
        return item(out, word[m], m * (QGD_PI / 4), 0, 0);
    }
    case GATE_SX: {
        int m = (int)((inv ? 3u : 1u) * (k % 4) % 4);
        if (m == 0)
            return 0;
        if (m == 1)
            return item(out, GATE_SX, 0, 0, 0);
        if (m == 2)
            return item(out, GATE_X, 0, 0, 0);
        item(out, GATE_X, 0, 0, 0);
        return 1 + item(out + 1, GATE_SX, 0, 0, 0);
    }
    case GATE_RX:
    case GATE_RY:
    case GATE_RZ:
    case GATE_P:
    case GATE_GPHASE: {
        unsigned m = (g == GATE_P || g == GATE_GPHASE) ? 2 : 4;
        double th = circuit_fold_angle(sg * param[0], k, m);
        return th == 0 ? 0 : item(out, g, th, 0, 0);
    }
    case GATE_U: {
        double th = param[0], ph = param[1], la = param[2];
        if (inv) {
            double t = ph;
            th = -th, ph = -la, la = -t;
        }
        if (k == 1)
            return item(out, GATE_U, th, ph, la);
        double complex acc[4];
        u_matrix(th, ph, la, acc);
        circuit_unitary_power(acc, k);
        double gamma;
        zyz(acc, &th, &ph, &la, &gamma);
        item(out, GATE_U, th, ph, la);
        return gamma == 0 ? 1 : 1 + item(out + 1, GATE_GPHASE, gamma, 0, 0);
    }
    case GATE_COUNT: break;
    }
    ICE("lower_gate_power: bad gate %d", (int)g);
}

/* ---- emission ---- */

static void put(LowerSink *s, GateKind g, uint32_t a, uint32_t b, uint32_t c, double p0)
{
    uint32_t q[3] = {a, b, c};
    double p[3] = {p0, 0, 0};
    s->gate(s, g, q, p);
}

static void put1(LowerSink *s, GateKind g, uint32_t t) { put(s, g, t, 0, 0, 0); }

static uint32_t anc_alloc(LowerSink *s, uint32_t n)
{
    uint32_t a = s->anc_base + s->sp;
    s->sp += n;
    if (s->sp > s->anc_peak)
        s->anc_peak = s->sp;
    return a;
}

static void anc_free(LowerSink *s, uint32_t n) { s->sp -= n; }

/* T^m as a Clifford+T word. */
static void phase_word(LowerSink *s, int m, uint32_t t)
{
    static const GateKind w[8][2] = {{GATE_COUNT, GATE_COUNT}, {GATE_T, GATE_COUNT}, {GATE_S, GATE_COUNT},
                                     {GATE_S, GATE_T},         {GATE_Z, GATE_COUNT}, {GATE_Z, GATE_T},
                                     {GATE_SDG, GATE_COUNT},   {GATE_TDG, GATE_COUNT}};
    for (int i = 0; i < 2 && w[m][i] != GATE_COUNT; i++)
        put1(s, w[m][i], t);
}

/* rx, ry, rz or p by theta on t, uncontrolled. */
static void emit_rot(LowerSink *s, GateKind g, double theta, uint32_t t)
{
    if (theta == 0)
        return;
    if (s->snap) {
        int m = lower_pi4_multiple(theta);
        if (m == 0)
            return;
        if (m > 0) {
            if (g == GATE_RY)
                put1(s, GATE_SDG, t);
            if (g == GATE_RX || g == GATE_RY)
                put1(s, GATE_H, t);
            phase_word(s, m, t);
            if (g == GATE_RX || g == GATE_RY)
                put1(s, GATE_H, t);
            if (g == GATE_RY)
                put1(s, GATE_S, t);
            return;
        }
        theta = remainder(theta, 2 * QGD_PI); /* equal up to a global sign */
    }
    put(s, g, t, 0, 0, theta);
}

/* cp(λ) = p(λ/2) c · cx · p(−λ/2) t · cx · p(λ/2) t */
static void emit_cp(LowerSink *s, double la, uint32_t c, uint32_t t)
{
    emit_rot(s, GATE_P, la / 2, c);
    put(s, GATE_CX, c, t, 0, 0);
    emit_rot(s, GATE_P, -la / 2, t);
    put(s, GATE_CX, c, t, 0, 0);
    emit_rot(s, GATE_P, la / 2, t);
}

/* A one-qubit gate (not x, y, z), uncontrolled. */
static void emit_single(LowerSink *s, GateKind g, const double *p, uint32_t t)
{
    switch (g) {
    case GATE_RX:
    case GATE_RY:
    case GATE_RZ:
    case GATE_P: emit_rot(s, g, p[0], t); return;
    case GATE_U: /* U(θ,φ,λ) = e^{i(φ+λ)/2} rz(φ) ry(θ) rz(λ) */
        emit_rot(s, GATE_RZ, p[2], t);
        emit_rot(s, GATE_RY, p[0], t);
        emit_rot(s, GATE_RZ, p[1], t);
        return;
    default: put1(s, g, t); return;
    }
}

/* A one-qubit gate (not x, y, z) controlled by c. */
static void emit_c1(LowerSink *s, GateKind g, const double *p, uint32_t c, uint32_t t)
{
    switch (g) {
    case GATE_H:
        put1(s, GATE_S, t), put1(s, GATE_H, t), put1(s, GATE_T, t);
        put(s, GATE_CX, c, t, 0, 0);
        put1(s, GATE_TDG, t), put1(s, GATE_H, t), put1(s, GATE_SDG, t);
        return;
    case GATE_S: emit_cp(s, QGD_PI / 2, c, t); return;
    case GATE_SDG: emit_cp(s, -QGD_PI / 2, c, t); return;
    case GATE_T: emit_cp(s, QGD_PI / 4, c, t); return;
    case GATE_TDG: emit_cp(s, -QGD_PI / 4, c, t); return;
    case GATE_P: emit_cp(s, p[0], c, t); return;
    case GATE_SX: /* sx = h s h */
        put1(s, GATE_H, t);
        emit_cp(s, QGD_PI / 2, c, t);
        put1(s, GATE_H, t);
        return;
    case GATE_RZ:
    case GATE_RY:
        emit_rot(s, g, p[0] / 2, t);
        put(s, GATE_CX, c, t, 0, 0);
        emit_rot(s, g, -p[0] / 2, t);
        put(s, GATE_CX, c, t, 0, 0);
        return;
    case GATE_RX:
        put1(s, GATE_H, t);
        emit_rot(s, GATE_RZ, p[0] / 2, t);
        put(s, GATE_CX, c, t, 0, 0);
        emit_rot(s, GATE_RZ, -p[0] / 2, t);
        put(s, GATE_CX, c, t, 0, 0);
        put1(s, GATE_H, t);
        return;
    case GATE_U: { /* e^{iα} A X B X C, α = (φ+λ)/2 */
        double th = p[0], ph = p[1], la = p[2];
        emit_rot(s, GATE_RZ, (la - ph) / 2, t); /* C */
        put(s, GATE_CX, c, t, 0, 0);
        emit_rot(s, GATE_RZ, -(ph + la) / 2, t); /* B */
        emit_rot(s, GATE_RY, -th / 2, t);
        put(s, GATE_CX, c, t, 0, 0);
        emit_rot(s, GATE_RY, th / 2, t); /* A */
        emit_rot(s, GATE_RZ, ph, t);
        emit_rot(s, GATE_P, (ph + la) / 2, c);
        return;
    }
    default: ICE("emit_c1: gate %s", gate_info[g].name);
    }
}

/* The AND of c[0..n) (n ≥ 2) into a, a+1, …, a+n−2 (the last holds it). */
static void ladder(LowerSink *s, const uint32_t *c, uint32_t n, uint32_t a)
{
    put(s, GATE_CCX, c[0], c[1], a, 0);
    for (uint32_t i = 1; i + 1 < n; i++)
        put(s, GATE_CCX, a + i - 1, c[i + 1], a + i, 0);
}

static void unladder(LowerSink *s, const uint32_t *c, uint32_t n, uint32_t a)
{
    for (uint32_t i = n - 2; i >= 1; i--)
        put(s, GATE_CCX, a + i - 1, c[i + 1], a + i, 0);
    put(s, GATE_CCX, c[0], c[1], a, 0);
}

/* x on t controlled by c[0..m). */
static void emit_mcx(LowerSink *s, const uint32_t *c, uint32_t m, uint32_t t)
{
    if (m == 0)
        put1(s, GATE_X, t);
    else if (m == 1)
        put(s, GATE_CX, c[0], t, 0, 0);
    else if (m == 2)
        put(s, GATE_CCX, c[0], c[1], t, 0);
    else {
        uint32_t a = anc_alloc(s, m - 2);
        ladder(s, c, m - 1, a);
        put(s, GATE_CCX, a + m - 3, c[m - 1], t, 0);
        unladder(s, c, m - 1, a);
        anc_free(s, m - 2);
    }
}

/* Gate g(p) on its qubits tq with m positive controls c (any gate of the table). */
static void emit_controlled(LowerSink *s, GateKind g, const double *p, const uint32_t *c, uint32_t m,
                            const uint32_t *tq)
{
    switch (g) {
    case GATE_ID: return;
    case GATE_GPHASE:
        if (m > 0)
            emit_controlled(s, GATE_P, p, c, m - 1, &c[m - 1]);
        return; /* uncontrolled: a global phase */
    case GATE_CX:
    case GATE_CZ:
    case GATE_CCX:
    case GATE_SWAP: {
        if (m == 0) {
            s->gate(s, g, tq, p);
            return;
        }
        uint32_t inherent = g == GATE_CCX ? 2 : 1;
        uint32_t *cc = xmalloc((m + inherent) * sizeof *cc);
        memcpy(cc, c, m * sizeof *cc);
        memcpy(cc + m, tq, inherent * sizeof *cc);
        if (g == GATE_SWAP) { /* cswap = cx(b,a) · ccx(c,a,b) · cx(b,a) */
            put(s, GATE_CX, tq[1], tq[0], 0, 0);
            emit_mcx(s, cc, m + 1, tq[1]);
            put(s, GATE_CX, tq[1], tq[0], 0, 0);
        } else
            emit_controlled(s, g == GATE_CZ ? GATE_Z : GATE_X, p, cc, m + inherent, tq + inherent);
        free(cc);
        return;
    }
    case GATE_X: emit_mcx(s, c, m, tq[0]); return;
    case GATE_Z:
        if (m == 0)
            put1(s, GATE_Z, tq[0]);
        else if (m == 1)
            put(s, GATE_CZ, c[0], tq[0], 0, 0);
        else {
            put1(s, GATE_H, tq[0]);
            emit_mcx(s, c, m, tq[0]);
            put1(s, GATE_H, tq[0]);
        }
        return;
    case GATE_Y:
        if (m == 0)
            put1(s, GATE_Y, tq[0]);
        else {
            put1(s, GATE_SDG, tq[0]);
            emit_mcx(s, c, m, tq[0]);
            put1(s, GATE_S, tq[0]);
        }
        return;
    default:
        if (m == 0)
            emit_single(s, g, p, tq[0]);
        else if (m == 1)
            emit_c1(s, g, p, c[0], tq[0]);
        else {
            uint32_t a = anc_alloc(s, m - 1);
            ladder(s, c, m, a);
            emit_c1(s, g, p, a + m - 2, tq[0]);
            unladder(s, c, m, a);
            anc_free(s, m - 1);
        }
        return;
    }
}

static bool is_neg(uint64_t mask, uint32_t i) { return i < 64 && (mask >> i & 1); }

static void flip(LowerSink *s, const uint32_t *own, uint32_t n, uint64_t neg)
{
    for (uint32_t i = 0; i < n; i++)
        if (is_neg(neg, i))
            put1(s, GATE_X, own[i]);
}

/* [ctrl] ++ own[0..n), malloc'd; *m gets the length. */
static uint32_t *controls(uint32_t ctrl, const uint32_t *own, uint32_t n, uint32_t *m)
{
    uint32_t *c = xmalloc((n + 1) * sizeof *c);
    *m = 0;
    if (ctrl != LOWER_NONE)
        c[(*m)++] = ctrl;
    for (uint32_t i = 0; i < n; i++)
        c[(*m)++] = own[i];
    return c;
}

void lower_gate(LowerSink *s, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv)
{
    if (op->kind != OP_GATE)
        ICE("lower_gate: not a gate");
    Item it[2];
    int n = lower_gate_power(op->gate, op->param, op->inv != inv, op->pow, it);
    if (n == 0)
        return;
    uint32_t m, *c = controls(ctrl, q, op->nctrl, &m);
    /* an uncontrolled gphase has no qubits: q may be NULL (no offset on it) */
    const uint32_t *tq = op->nctrl ? q + op->nctrl : q;
    flip(s, q, op->nctrl, op->negctrl);
    if (m >= 2 && n > 1) { /* one AND for both gates */
        uint32_t a = anc_alloc(s, m - 1), last;
        ladder(s, c, m, a);
        last = a + m - 2;
        for (int i = 0; i < n; i++)
            emit_controlled(s, it[i].g, it[i].p, &last, 1, tq);
        unladder(s, c, m, a);
        anc_free(s, m - 1);
    } else
        for (int i = 0; i < n; i++)
            emit_controlled(s, it[i].g, it[i].p, c, m, tq);
    flip(s, q, op->nctrl, op->negctrl);
    free(c);
}

/* ---- multiplexors ---- */

static uint32_t ctz64(uint64_t x)
{
    uint32_t n = 0;
    while (!(x & 1))
        x >>= 1, n++;
    return n;
}

/* Uniformly controlled rotation: angle a[c] on t for select value
 * c = Σ_j bit(sel[j]) << j. θ_i = 2^{−k} Σ_c (−1)^{|c ∧ g(i)|} a_c with g the
 * Gray code; the rotation θ_i is followed by cx from the select bit where
 * g(i) and g(i+1) differ. */
static void emit_mux(LowerSink *s, GateKind axis, double *a, const uint32_t *sel, uint32_t k, uint32_t t)
{
    uint64_t n = (uint64_t)1 << k;
    for (uint64_t h = 1; h < n; h <<= 1) /* Walsh–Hadamard transform in place */
        for (uint64_t i = 0; i < n; i += 2 * h)
            for (uint64_t j = i; j < i + h; j++) {
                double x = a[j], y = a[j + h];
                a[j] = x + y, a[j + h] = x - y;
            }
    for (uint64_t i = 0; i < n; i++) {
        emit_rot(s, axis, a[i ^ (i >> 1)] / (double)n, t);
        if (k > 0) {
            uint32_t b = ctz64(i + 1);
            put(s, GATE_CX, sel[b < k - 1 ? b : k - 1], t, 0, 0);
        }
    }
}

void lower_multiplex(LowerSink *s, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv)
{
    if (op->kind != OP_MULTIPLEX)
        ICE("lower_multiplex: not a multiplexor");
    uint32_t k = op->nq - 1, k2 = k + (ctrl != LOWER_NONE);
    uint64_t n = (uint64_t)1 << k;
    double *a = xcalloc((size_t)1 << k2, sizeof *a);
    uint32_t *sel = xmalloc((k2 + 1) * sizeof *sel);
    memcpy(sel, q, k * sizeof *sel);
    if (ctrl != LOWER_NONE)
        sel[k] = ctrl;
    double *dst = ctrl != LOWER_NONE ? a + n : a; /* angles 0 where the control is 0 */
    for (uint64_t c = 0; c < n; c++)
        dst[c] = inv ? -op->angles[c] : op->angles[c];
    emit_mux(s, op->gate, a, sel, k2, q[k]);
    free(a);
    free(sel);
}

/* ---- calls ---- */

uint32_t lower_call_open(LowerSink *s, const Op *op, const uint32_t *q, uint32_t ctrl, LowerCall *f)
{
    if (op->kind != OP_CALL)
        ICE("lower_call_open: not a call");
    f->ctrl = controls(ctrl, q, op->nctrl, &f->nctrl);
    f->own = q;
    f->nown = op->nctrl;
    f->neg = op->negctrl;
    f->nanc = 0;
    flip(s, f->own, f->nown, f->neg);
    if (f->nctrl == 0)
        return LOWER_NONE;
    if (f->nctrl == 1)
        return f->ctrl[0];
    f->nanc = f->nctrl - 1;
    f->anc = anc_alloc(s, f->nanc);
    ladder(s, f->ctrl, f->nctrl, f->anc);
    return f->anc + f->nanc - 1;
}

void lower_call_close(LowerSink *s, LowerCall *f)
{
    if (f->nanc) {
        unladder(s, f->ctrl, f->nctrl, f->anc);
        anc_free(s, f->nanc);
    }
    flip(s, f->own, f->nown, f->neg);
    free(f->ctrl);
    f->ctrl = NULL;
}

/* ---- the flat lowering ---- */

typedef struct Flat {
    LowerSink sink; /* first: the callbacks cast back */
    const Circuit *in;
    Circuit *out;
    /* the conditions of the enclosing ifs, outermost first: each emitted
     * operation is wrapped in the same chain (a condition on a register
     * of several bits is one if per bit, and ifs nest) */
    struct FlatCond {
        uint32_t bit;
        int value;
    } *cond;
    size_t ncond, capcond;
    const char *comment; /* for the next emitted operation */
    const uint32_t *formals; /* the definition being inlined: its qubits */
    uint32_t nformals;
} Flat;

static Op *flat_place(Flat *F, Op *op)
{
    if (F->ncond) {
        for (size_t i = F->ncond - 1; i >= 1; i--)
            op = circ_if(F->out, NULL, F->cond[i].bit, F->cond[i].value, op);
        op = circ_if(F->out, &F->out->main, F->cond[0].bit, F->cond[0].value, op);
    }
    if (F->comment) {
        op->comment = arena_strdup(&F->out->arena, F->comment);
        F->comment = NULL;
    }
    return op;
}

static void flat_gate(LowerSink *s, GateKind g, const uint32_t *q, const double *p)
{
    Flat *F = (Flat *)s;
    flat_place(F, circ_gate(F->out, F->ncond ? NULL : &F->out->main, g, q, p));
}

static void flat_barrier(LowerSink *s, uint32_t nq, const uint32_t *q)
{
    Flat *F = (Flat *)s;
    flat_place(F, circ_barrier(F->out, F->ncond ? NULL : &F->out->main, nq, q));
}

static void flat_op(Flat *F, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv);

static void flat_call(Flat *F, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv)
{
    const GateDef *d = &F->in->defs[op->def];
    LowerCall f;
    uint32_t bc = lower_call_open(&F->sink, op, q, ctrl, &f);
    const uint32_t *fq = q + op->nctrl; /* formal j is fq[j] */
    bool inv2 = inv != op->inv;
    uint32_t *mq = xmalloc((d->nqubits + 64) * sizeof *mq);
    const uint32_t *outer = F->formals, nouter = F->nformals;
    F->formals = fq, F->nformals = d->nqubits;
    for (uint64_t r = 0; r < op->pow; r++)
        for (size_t i = 0; i < d->body.n; i++) {
            const Op *b = d->body.ops[inv2 ? d->body.n - 1 - i : i];
            uint32_t *bq = b->nq <= d->nqubits + 64 ? mq : xmalloc(b->nq * sizeof *bq);
            for (uint32_t j = 0; j < b->nq; j++)
                bq[j] = fq[b->q[j]];
            flat_op(F, b, bq, bc, inv2);
            if (bq != mq)
                free(bq);
        }
    free(mq);
    F->formals = outer, F->nformals = nouter;
    lower_call_close(&F->sink, &f);
}

static void flat_op(Flat *F, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv)
{
    Circuit *o = F->out;
    Block *b = F->ncond ? NULL : &o->main;
    switch (op->kind) {
    case OP_GATE: lower_gate(&F->sink, op, q, ctrl, inv); return;
    case OP_MULTIPLEX: lower_multiplex(&F->sink, op, q, ctrl, inv); return;
    case OP_CALL: flat_call(F, op, q, ctrl, inv); return;
    case OP_BARRIER: /* without operands: the whole circuit, or the whole gate */
        if (op->nq == 0 && F->formals) {
            if (F->nformals)
                F->sink.barrier(&F->sink, F->nformals, F->formals);
        } else
            F->sink.barrier(&F->sink, op->nq, q);
        return;
    case OP_MEASURE: flat_place(F, circ_measure(o, b, q[0], op->bit)); return;
    case OP_RESET: flat_place(F, circ_reset(o, b, q[0])); return;
    case OP_POSTSELECT: flat_place(F, circ_postselect(o, b, q[0], op->value)); return;
    case OP_IF:
        if (F->ncond == F->capcond) {
            F->capcond = F->capcond ? 2 * F->capcond : 8;
            F->cond = xrealloc(F->cond, F->capcond * sizeof *F->cond);
        }
        F->cond[F->ncond++] = (struct FlatCond){op->bit, op->value};
        flat_op(F, op->then, op->then->q, ctrl, inv);
        F->ncond--;
        return;
    }
}

static const char *fresh_name(const Circuit *c, const char *base, char *buf, size_t len)
{
    snprintf(buf, len, "%s", base);
    for (int k = 1;; k++) {
        bool used = false;
        for (size_t i = 0; i < c->nqregs && !used; i++)
            used = !strcmp(c->qregs[i].name, buf);
        for (size_t i = 0; i < c->ncregs && !used; i++)
            used = !strcmp(c->cregs[i].name, buf);
        if (!used)
            return buf;
        snprintf(buf, len, "%s_%d", base, k);
    }
}

bool lower_circuit(const Circuit *in, Circuit *out, const LowerOptions *opt, char **err)
{
    const char *opq = circuit_opaque(in);
    if (opq) {
        circuit_init(out);
        return diag_refuse(err, "the definition '%s' is only counted (declared counts, no gates): it cannot be lowered",
                           opq);
    }
    ResCounts rc;
    res_init(&rc);
    res_count(in, &rc);
    if (opt && opt->max_ops && mpz_cmp_ui(rc.total, 0) > 0 && mpz_cmp_d(rc.total, (double)opt->max_ops) > 0) {
        if (err) {
            StrBuf b = {0};
            char *n = mpz_get_str(NULL, 10, rc.total);
            sb_printf(&b, "the flat circuit would have %s operations, more than the limit of %llu", n,
                      (unsigned long long)opt->max_ops);
            free(n);
            *err = b.s;
        }
        res_clear(&rc);
        return false;
    }
    uint32_t nanc = rc.ancillas;
    res_clear(&rc);

    circuit_init(out);
    for (size_t i = 0; i < in->nqregs; i++)
        circuit_qreg(out, in->qregs[i].name, in->qregs[i].size);
    for (size_t i = 0; i < in->ncregs; i++)
        circuit_creg(out, in->cregs[i].name, in->cregs[i].size);
    char name[64];
    if (nanc)
        circuit_qreg(out, fresh_name(in, "anc", name, sizeof name), nanc);

    Flat F = {.sink = {flat_gate, flat_barrier, in->nqubits, 0, 0, true}, .in = in, .out = out};
    for (size_t i = 0; i < in->main.n; i++) {
        const Op *op = in->main.ops[i];
        F.comment = op->comment;
        flat_op(&F, op, op->q, LOWER_NONE, false);
    }
    free(F.cond);
    if (F.sink.anc_peak != nanc || F.sink.sp != 0)
        ICE("lower: %u ancillas used, %u counted", F.sink.anc_peak, nanc);
    return true;
}
