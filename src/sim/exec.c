/* exec.c — the circuit executor (contract in exec.h). It walks the IR
 * with a frame per call: the map from the definition's formals to state
 * qubits, the control and negative-control masks inherited from enclosing
 * calls, and whether the body runs inverted. Nothing here decomposes a
 * gate: each leaf goes to one kernel call, so this file is the reference
 * the lowering (codegen/lower.c) is tested against. */
#include "sim/exec.h"
#include "support/consts.h"

#include <complex.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exec_internal.h"
#include "sim/sim_internal.h"
#include "support/util.h"



/* ---- gate matrices ---- */

void sim_gate_matrix(GateKind g, const double *p, double complex m[4])
{
    double r = 1 / sqrt(2.0);
    switch (g) {
    case GATE_ID: m[0] = 1, m[1] = 0, m[2] = 0, m[3] = 1; return;
    case GATE_H: m[0] = r, m[1] = r, m[2] = r, m[3] = -r; return;
    case GATE_X: m[0] = 0, m[1] = 1, m[2] = 1, m[3] = 0; return;
    case GATE_Y: m[0] = 0, m[1] = -I, m[2] = I, m[3] = 0; return;
    case GATE_Z: m[0] = 1, m[1] = 0, m[2] = 0, m[3] = -1; return;
    case GATE_S: m[0] = 1, m[1] = 0, m[2] = 0, m[3] = I; return;
    case GATE_SDG: m[0] = 1, m[1] = 0, m[2] = 0, m[3] = -I; return;
    case GATE_T: m[0] = 1, m[1] = 0, m[2] = 0, m[3] = CMPLX(r, r); return;
    case GATE_TDG: m[0] = 1, m[1] = 0, m[2] = 0, m[3] = CMPLX(r, -r); return;
    case GATE_SX:
        m[0] = CMPLX(0.5, 0.5), m[1] = CMPLX(0.5, -0.5), m[2] = CMPLX(0.5, -0.5), m[3] = CMPLX(0.5, 0.5);
        return;
    case GATE_RX: {
        double c = cos(p[0] / 2), s = sin(p[0] / 2);
        m[0] = c, m[1] = CMPLX(0, -s), m[2] = CMPLX(0, -s), m[3] = c;
        return;
    }
    case GATE_RY: {
        double c = cos(p[0] / 2), s = sin(p[0] / 2);
        m[0] = c, m[1] = -s, m[2] = s, m[3] = c;
        return;
    }
    case GATE_RZ:
        m[0] = CMPLX(cos(p[0] / 2), -sin(p[0] / 2)), m[1] = 0, m[2] = 0, m[3] = CMPLX(cos(p[0] / 2), sin(p[0] / 2));
        return;
    case GATE_P: m[0] = 1, m[1] = 0, m[2] = 0, m[3] = CMPLX(cos(p[0]), sin(p[0])); return;
    case GATE_U: {
        double c = cos(p[0] / 2), s = sin(p[0] / 2);
        m[0] = c;
        m[1] = -CMPLX(cos(p[2]), sin(p[2])) * s;
        m[2] = CMPLX(cos(p[1]), sin(p[1])) * s;
        m[3] = CMPLX(cos(p[1] + p[2]), sin(p[1] + p[2])) * c;
        return;
    }
    default: ICE("sim: no 2x2 matrix for %s", gate_info[g].name);
    }
}

static void mul2(const double complex a[4], const double complex b[4], double complex out[4])
{
    double complex r[4] = {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
                           a[2] * b[1] + a[3] * b[3]};
    memcpy(out, r, sizeof r);
}

/* ---- leaves ---- */


void leaf_apply(StateVec *sv, const Leaf *L)
{
    switch (L->kind) {
    case LEAF_1Q: sim_apply_mc1q(sv, L->t0, L->ctrl, L->neg, L->m); return;
    case LEAF_X: sim_apply_mcx(sv, L->t0, L->ctrl, L->neg); return;
    case LEAF_PHASE: sim_apply_mcphase(sv, L->ctrl, L->neg, L->phi); return;
    case LEAF_SWAP: sim_apply_mcswap(sv, L->t0, L->t1, L->ctrl, L->neg); return;
    case LEAF_UCRY: sim_apply_ucry(sv, L->t0, L->sel, L->nsel, L->angles); return;
    case LEAF_UCRZ: sim_apply_ucrz(sv, L->t0, L->sel, L->nsel, L->angles); return;
    }
}

void leaf_free(Leaf *L)
{
    free(L->sel);
    free(L->angles);
    L->sel = NULL, L->angles = NULL;
}

/* A leaf goes to its kernel now, or to the flat fusion queue. */
static void emit(Exec *X, Leaf *L)
{
    if (X->fl)
        sim_flat_push(X, L);
    else {
        leaf_apply(X->sv, L);
        leaf_free(L);
    }
}

static void apply_gate(Exec *X, const Op *op, const uint32_t *q, uint64_t ctrl, uint64_t neg, bool inv)
{
    uint64_t k = op->pow;
    GateKind g = op->gate;
    for (uint32_t i = 0; i < op->nctrl; i++) {
        ctrl |= bit(q[i]);
        if (i < 64 && (op->negctrl >> i & 1))
            neg |= bit(q[i]);
    }
    const uint32_t *t = q + op->nctrl;
    Leaf L = {0};
    switch (g) {
    case GATE_ID: return;
    case GATE_GPHASE: {
        /* e^{iθk}, the angle folded exactly */
        double th = inv ? -op->param[0] : op->param[0];
        L = (Leaf){.kind = LEAF_PHASE, .ctrl = ctrl, .neg = neg, .phi = circuit_fold_angle(th, k, 2)};
        if (L.phi == 0)
            return;
        emit(X, &L);
        return;
    }
    case GATE_X:
    case GATE_CX:
    case GATE_CCX: {
        if (k % 2 == 0)
            return;
        int n = gate_info[g].nqubits;
        for (int i = 0; i + 1 < n; i++)
            ctrl |= bit(t[i]);
        L = (Leaf){.kind = LEAF_X, .t0 = (int)t[n - 1], .ctrl = ctrl, .neg = neg};
        emit(X, &L);
        return;
    }
    case GATE_Z:
    case GATE_CZ: {
        if (k % 2 == 0)
            return;
        for (int i = 0; i < gate_info[g].nqubits; i++)
            ctrl |= bit(t[i]);
        L = (Leaf){.kind = LEAF_PHASE, .ctrl = ctrl, .neg = neg, .phi = QGD_PI};
        emit(X, &L);
        return;
    }
    case GATE_SWAP:
        if (k % 2) {
            L = (Leaf){.kind = LEAF_SWAP, .t0 = (int)t[0], .t1 = (int)t[1], .ctrl = ctrl, .neg = neg};
            emit(X, &L);
        }
        return;
    default: {
        /* rotations: the folded angle; s, t families: the power mod 8 (t^8 = 1);
         * sx mod 4; h, y mod 2; U: by its axis and angle */
        double p[3] = {op->param[0], op->param[1], op->param[2]};
        double complex m[4], acc[4] = {1, 0, 0, 1};
        uint64_t e = k;
        if (g == GATE_RX || g == GATE_RY || g == GATE_RZ || g == GATE_P) {
            p[0] = circuit_fold_angle(inv ? -p[0] : p[0], k, g == GATE_P ? 2 : 4);
            inv = false, e = 1;
        } else if (g == GATE_S || g == GATE_SDG || g == GATE_T || g == GATE_TDG)
            e = k % 8;
        else if (g == GATE_SX)
            e = k % 4;
        else if (g == GATE_H || g == GATE_Y)
            e = k % 2;
        sim_gate_matrix(g, p, m);
        if (inv) {
            double complex a[4] = {conj(m[0]), conj(m[2]), conj(m[1]), conj(m[3])};
            memcpy(m, a, sizeof a);
        }
        if (g == GATE_U && k > 1) {
            circuit_unitary_power(m, k);
            e = 1;
        }
        for (; e; e >>= 1) {
            if (e & 1)
                mul2(acc, m, acc);
            if (e > 1)
                mul2(m, m, m);
        }
        L = (Leaf){.kind = LEAF_1Q, .t0 = (int)t[0], .ctrl = ctrl, .neg = neg};
        memcpy(L.m, acc, sizeof acc);
        emit(X, &L);
        return;
    }
    }
}

static bool apply_mux(Exec *X, const Op *op, const uint32_t *q, uint64_t ctrl, uint64_t neg, bool inv)
{
    uint32_t k = op->nq - 1, m = 0;
    int sel[64];
    for (uint32_t j = 0; j < k; j++)
        sel[j] = (int)q[j];
    uint64_t n = (uint64_t)1 << k;
    Leaf L = {.kind = op->gate == GATE_RY ? LEAF_UCRY : LEAF_UCRZ, .t0 = (int)q[k]};
    if (!ctrl) {
        double *a = xmalloc(n * sizeof *a);
        for (uint64_t c = 0; c < n; c++)
            a[c] = inv ? -op->angles[c] : op->angles[c];
        L.nsel = (int)k, L.angles = a;
        L.sel = xmalloc((k + 1) * sizeof *L.sel);
        memcpy(L.sel, sel, k * sizeof *sel);
        emit(X, &L);
        return true;
    }
    /* selects + controls; the angle is 0 unless every control fires */
    uint64_t want = 0;
    for (int b = 0; b < 64; b++)
        if (ctrl >> b & 1) {
            if (k + m >= SIM_EXEC_MAX_MUX)
                return sim_error(X->err, "a controlled multiplexor with more than %d select and control qubits",
                                 SIM_EXEC_MAX_MUX);
            if (!(neg >> b & 1))
                want |= (uint64_t)1 << m;
            sel[k + m++] = b;
        }
    uint64_t n2 = n << m;
    double *a = xcalloc(n2, sizeof *a);
    for (uint64_t c = 0; c < n; c++)
        a[c + (want << k)] = inv ? -op->angles[c] : op->angles[c];
    L.nsel = (int)(k + m), L.angles = a;
    L.sel = xmalloc((k + m + 1) * sizeof *L.sel);
    memcpy(L.sel, sel, (k + m) * sizeof *sel);
    emit(X, &L);
    return true;
}

static void add_post(Exec *X, double p)
{
    SimRunResult *r = X->res;
    if (r->npost == X->cappost) {
        X->cappost = X->cappost ? 2 * X->cappost : 8;
        r->post_prob = xrealloc(r->post_prob, X->cappost * sizeof *r->post_prob);
    }
    r->post_prob[r->npost++] = p;
    r->post_product *= p;
}

/* ---- the walk ---- */

static bool exec_op(Exec *X, const Op *op, const uint32_t *map, uint64_t ctrl, uint64_t neg, bool inv);

bool exec_body(Exec *X, const GateDef *d, const uint32_t *fmap, uint64_t ctrl, uint64_t neg, bool inv)
{
    for (size_t i = 0; i < d->body.n; i++)
        if (!exec_op(X, d->body.ops[inv ? d->body.n - 1 - i : i], fmap, ctrl, neg, inv))
            return false;
    return true;
}

static bool exec_call(Exec *X, const Op *op, const uint32_t *q, uint64_t ctrl, uint64_t neg, bool inv)
{
    const GateDef *d = &X->c->defs[op->def];
    for (uint32_t i = 0; i < op->nctrl; i++) {
        ctrl |= bit(q[i]);
        if (i < 64 && (op->negctrl >> i & 1))
            neg |= bit(q[i]);
    }
    const uint32_t *fmap = q + op->nctrl;
    bool inv2 = inv != op->inv;
    if (X->fu && sim_fuse_call(X, op, fmap, ctrl, neg, inv2))
        return true;
    for (uint64_t r = 0; r < op->pow; r++)
        if (!exec_body(X, d, fmap, ctrl, neg, inv2))
            return false;
    return true;
}

/* map: formal → state qubit (NULL in the main block). */
static bool exec_op(Exec *X, const Op *op, const uint32_t *map, uint64_t ctrl, uint64_t neg, bool inv)
{
    uint32_t buf[16], *q = op->nq <= 16 ? buf : xmalloc(op->nq * sizeof *q);
    for (uint32_t j = 0; j < op->nq; j++)
        q[j] = map ? map[op->q[j]] : op->q[j];
    bool ok = true;
    StateVec *sv = X->sv;
    SimRunResult *r = X->res;
    switch (op->kind) {
    case OP_GATE:
        apply_gate(X, op, q, ctrl, neg, inv != op->inv);
        r->ops++;
        break;
    case OP_MULTIPLEX:
        ok = apply_mux(X, op, q, ctrl, neg, inv);
        r->ops++;
        break;
    case OP_CALL: ok = exec_call(X, op, q, ctrl, neg, inv); break;
    case OP_BARRIER: break;
    case OP_MEASURE:
        if (X->fl)
            sim_flat_flush(X);
        r->bits[op->bit] = (uint8_t)sim_measure(sv, (int)q[0], X->rng, NULL);
        r->ops++;
        break;
    case OP_RESET:
        if (X->fl)
            sim_flat_flush(X);
        sim_reset_qubit(sv, (int)q[0], X->rng);
        r->ops++;
        break;
    case OP_POSTSELECT: {
        double p;
        if (X->fl)
            sim_flat_flush(X);
        ok = sim_postselect(sv, (int)q[0], op->value, &p, X->err);
        if (ok)
            add_post(X, p);
        r->ops++;
        break;
    }
    case OP_IF:
        if (r->bits[op->bit] == op->value)
            ok = exec_op(X, op->then, map, ctrl, neg, inv);
        break;
    }
    if (q != buf)
        free(q);
    return ok;
}

/* ---- cost ---- */

static double op_cost(const Circuit *c, const Op *op, double *memo)
{
    switch (op->kind) {
    case OP_CALL: {
        double *m = &memo[op->def];
        if (*m < 0) {
            const GateDef *d = &c->defs[op->def];
            double s = 0;
            for (size_t i = 0; i < d->body.n; i++)
                s += op_cost(c, d->body.ops[i], memo);
            *m = s;
        }
        return *m * (double)op->pow;
    }
    case OP_IF: return op_cost(c, op->then, memo);
    case OP_BARRIER: return 0;
    default: return 1;
    }
}

double sim_run_cost(const Circuit *c)
{
    double *memo = xmalloc((c->ndefs + 1) * sizeof *memo), s = 0;
    for (size_t i = 0; i < c->ndefs; i++)
        memo[i] = -1;
    for (size_t i = 0; i < c->main.n; i++)
        s += op_cost(c, c->main.ops[i], memo);
    free(memo);
    return s;
}

/* ---- entry points ---- */

void sim_run_result_free(SimRunResult *res)
{
    if (!res)
        return;
    free(res->bits);
    free(res->post_prob);
    memset(res, 0, sizeof *res);
}

bool sim_run(const Circuit *c, StateVec *sv, const SimRunOptions *opt, SimRunResult *res, char **err)
{
    if (!c || !sv)
        ICE("%s: NULL circuit or state", __func__);
    if ((uint32_t)sv->nqubits < c->nqubits)
        ICE("%s: a %u-qubit circuit on a %d-qubit state", __func__, c->nqubits, sv->nqubits);
    const char *opq = circuit_opaque(c);
    if (opq)
        return sim_error(err, "the definition '%s' is only counted (declared counts, no gates): it cannot be simulated",
                         opq);
    double limit = opt && opt->max_ops > 0 ? opt->max_ops : ldexp(1, 40);
    double cost = sim_run_cost(c);
    if (cost > limit)
        return sim_error(err, "simulating the circuit takes %.3g operations, more than the limit of %.3g", cost,
                         limit);
    SimRunResult local = {0};
    SimRunResult *r = res ? res : &local;
    sim_run_result_free(r);
    r->nbits = c->nbits;
    r->bits = xcalloc(c->nbits + 1, 1);
    r->post_product = 1;
    SimFuse mode = sim_fuse_mode();
    Fuse *F = mode == SIM_FUSE_OFF ? NULL : sim_fuse_new(c, mode, ldexp(16, sv->nqubits), r);
    Flat *FL = sim_flat_on() ? sim_flat_new(sv) : NULL;
    Exec X = {c, sv, gsl_rng_alloc(gsl_rng_mt19937), r, 0, err, F, FL};
    gsl_rng_set(X.rng, opt ? opt->seed : 0);
    bool ok = true;
    for (size_t i = 0; i < c->main.n && ok; i++)
        ok = exec_op(&X, c->main.ops[i], NULL, 0, 0, false);
    if (FL) {
        sim_flat_flush(&X); /* also after an error: the state as unfused */
        sim_flat_stats(FL, r);
        sim_flat_free(FL);
    }
    gsl_rng_free(X.rng);
    sim_fuse_free(F);
    if (!res)
        sim_run_result_free(&local);
    return ok;
}

StateVec *sim_run_new(const Circuit *c, const SimRunOptions *opt, SimRunResult *res, char **err)
{
    StateVec *sv = sim_create((int)c->nqubits, err);
    if (!sv)
        return NULL;
    if (!sim_run(c, sv, opt, res, err)) {
        sim_destroy(sv);
        return NULL;
    }
    return sv;
}
