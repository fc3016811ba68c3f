/* clifford_t.c — the flat circuit rewritten over Clifford+T (clifford_t.h). */
#include "synth/clifford_t.h"

#include <string.h>

#include "support/util.h"
#include "synth/synth.h"

/* The rotation gates left in a flat circuit (lower.h's basis): each is
 * synthesized. */
static bool ct_is_rotation(GateKind g)
{
    return g == GATE_RX || g == GATE_RY || g == GATE_RZ || g == GATE_P;
}

static const Op *ct_leaf(const Op *op)
{
    while (op->kind == OP_IF) op = op->then;
    return op;
}

typedef struct CtRewrite {
    Circuit *out;
    const Op *src;       /* the source operation (its chain of ifs is copied) */
    const char *comment; /* for the next operation placed */
    SynthCache *cache;
    double eps;
    size_t rotations;
} CtRewrite;

/* Places op (built outside any block when the source sits under ifs) in
 * the output's main block under the source's chain of conditions. */
static void ct_place(CtRewrite *w, Op *op)
{
    const Op *chain[64];
    size_t n = 0;
    for (const Op *c = w->src; c->kind == OP_IF; c = c->then) {
        if (n == sizeof chain / sizeof *chain) ICE("ct_place: conditions nested deeper than 64");
        chain[n++] = c;
    }
    if (n) {
        for (size_t i = n - 1; i >= 1; i--) op = circ_if(w->out, NULL, chain[i]->bit, chain[i]->value, op);
        op = circ_if(w->out, &w->out->main, chain[0]->bit, chain[0]->value, op);
    }
    if (w->comment) {
        op->comment = arena_strdup(&w->out->arena, w->comment);
        w->comment = NULL;
    }
}

static Block *ct_block(CtRewrite *w)
{
    return w->src->kind == OP_IF ? NULL : &w->out->main;
}

static void ct_gate(CtRewrite *w, GateKind g, const uint32_t *q)
{
    ct_place(w, circ_gate(w->out, ct_block(w), g, q, NULL));
}

/* rz(θ) (and p(θ), equal up to a global phase) on qubit q */
static bool ct_rz(CtRewrite *w, double theta, uint32_t q, char **err)
{
    char msg[256];
    const SynthSeq *s = synth_cache_rz(w->cache, theta, w->eps, msg, sizeof msg);
    if (!s) {
        *err = xstrdup(msg);
        return false;
    }
    for (const char *p = s->gates; *p; p++) {
        GateKind g = *p == 'H' ? GATE_H : *p == 'S' ? GATE_S : *p == 's' ? GATE_SDG : *p == 'T' ? GATE_T
                   : *p == 't' ? GATE_TDG : GATE_Z;
        ct_gate(w, g, &q);
    }
    w->rotations++;
    return true;
}

/* One operation of the flat circuit into the output. */
static bool ct_op(CtRewrite *w, const Op *src, char **err)
{
    w->src = src;
    w->comment = src->comment;
    const Op *op = ct_leaf(src);
    Block *b = ct_block(w);
    switch (op->kind) {
    case OP_MEASURE: ct_place(w, circ_measure(w->out, b, op->q[0], op->bit)); return true;
    case OP_RESET: ct_place(w, circ_reset(w->out, b, op->q[0])); return true;
    case OP_POSTSELECT: ct_place(w, circ_postselect(w->out, b, op->q[0], op->value)); return true;
    case OP_BARRIER: ct_place(w, circ_barrier(w->out, b, op->nq, op->q)); return true;
    case OP_GATE: break;
    default: ICE("ct_op: a call, multiplexor or nested if in the flat circuit");
    }
    if (op->nctrl || op->inv || op->pow != 1) ICE("ct_op: a modifier in the flat circuit");
    const uint32_t *q = op->q;
    switch (op->gate) {
    case GATE_ID:
    case GATE_GPHASE: return true; /* a global phase: nothing */
    case GATE_RZ:
    case GATE_P: return ct_rz(w, op->param[0], q[0], err);
    case GATE_RX:
        /* rx(θ) = h rz(θ) h */
        ct_gate(w, GATE_H, q);
        if (!ct_rz(w, op->param[0], q[0], err)) return false;
        ct_gate(w, GATE_H, q);
        return true;
    case GATE_RY:
        /* ry(θ) = s rx(θ) sdg: sdg first in time */
        ct_gate(w, GATE_SDG, q);
        ct_gate(w, GATE_H, q);
        if (!ct_rz(w, op->param[0], q[0], err)) return false;
        ct_gate(w, GATE_H, q);
        ct_gate(w, GATE_S, q);
        return true;
    case GATE_SX:
        /* sx = h s h up to a global phase */
        ct_gate(w, GATE_H, q);
        ct_gate(w, GATE_S, q);
        ct_gate(w, GATE_H, q);
        return true;
    case GATE_SWAP: {
        uint32_t r[2] = {q[1], q[0]};
        ct_gate(w, GATE_CX, q);
        ct_gate(w, GATE_CX, r);
        ct_gate(w, GATE_CX, q);
        return true;
    }
    case GATE_U: ICE("ct_op: U in the flat circuit");
    default: ct_gate(w, op->gate, q); return true;
    }
}

bool synth_clifford_t(const Circuit *flat, Circuit *out, double eps, double budget, double *eps_used, size_t *nrot,
                      size_t *distinct, char **err)
{
    size_t r = 0;
    for (size_t i = 0; i < flat->main.n; i++) {
        const Op *op = ct_leaf(flat->main.ops[i]);
        r += op->kind == OP_GATE && ct_is_rotation(op->gate);
    }
    if (eps <= 0) {
        eps = r ? budget / (double)r : budget;
        if (eps > 0.1) eps = 0.1;
    }
    if (eps < 1e-100) {
        *err = xstrdup("the synthesis precision per rotation (budget / rotations) falls below 1e-100");
        return false;
    }
    *eps_used = eps;
    circuit_init(out);
    for (size_t i = 0; i < flat->nqregs; i++)
        if (circuit_qreg(out, flat->qregs[i].name, flat->qregs[i].size) != flat->qregs[i].offset)
            ICE("synth_clifford_t: qubit registers out of order");
    for (size_t i = 0; i < flat->ncregs; i++)
        if (circuit_creg(out, flat->cregs[i].name, flat->cregs[i].size) != flat->cregs[i].offset)
            ICE("synth_clifford_t: bit registers out of order");
    CtRewrite w = {.out = out, .cache = synth_cache_new(), .eps = eps};
    bool ok = true;
    for (size_t i = 0; ok && i < flat->main.n; i++) ok = ct_op(&w, flat->main.ops[i], err);
    size_t hits, misses;
    synth_cache_stats(w.cache, &hits, &misses);
    *nrot = w.rotations;
    *distinct = misses;
    synth_cache_free(w.cache);
    return ok;
}

