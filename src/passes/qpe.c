/* qpe.c — phase estimation and the QFT (qpe.h). */
#include "passes/qpe.h"

#include <math.h>
#include <stdlib.h>

#include "support/consts.h"
#include "support/util.h"

uint32_t qft_def(Circuit *c, const char *name, unsigned p)
{
    uint32_t d = circuit_def(c, name, p, "quantum Fourier transform, clock[0] least significant");
    Block *b = circuit_def_body(c, d);
    /* Most significant qubit first: h, then phases 2π/2^(i−l+1) from each
     * less significant qubit l; the result comes out bit-reversed. */
    for (unsigned i = p; i-- > 0;) {
        uint32_t q = i;
        circ_gate(c, b, GATE_H, &q, NULL);
        for (unsigned l = i; l-- > 0;) {
            uint32_t cq[2] = {l, i};
            double ang = QGD_PI / ldexp(1.0, (int)(i - l));
            circ_cgate(c, b, GATE_P, 1, cq, &ang);
        }
    }
    for (unsigned i = 0; i < p / 2; i++) {
        uint32_t sq[2] = {i, p - 1 - i};
        circ_gate(c, b, GATE_SWAP, sq, NULL);
    }
    return d;
}

uint32_t pass_qpe(Circuit *c, uint32_t u, unsigned p, bool u_controlled)
{
    if (p < 1 || p > 63)
        ICE("pass_qpe: %u clock bits", p);
    uint32_t w = c->defs[u].nqubits - (u_controlled ? 1 : 0);
    uint32_t qft = qft_def(c, "qft", p);
    uint32_t d = circuit_def(c, "qpe", p + w, "phase estimation: clock then target");
    Block *b = circuit_def_body(c, d);
    for (uint32_t k = 0; k < p; k++)
        circ_gate(c, b, GATE_H, &k, NULL);
    uint32_t *q = xmalloc((w + 1 > p ? w + 1 : p) * sizeof *q);
    for (uint32_t i = 0; i < w; i++)
        q[i + 1] = p + i;
    for (uint32_t k = 0; k < p; k++) {
        q[0] = k;
        Op *op = circ_call(c, b, u, u_controlled ? 0 : 1, q);
        op->pow = (uint64_t)1 << k;
    }
    for (uint32_t k = 0; k < p; k++)
        q[k] = k;
    Op *op = circ_call(c, b, qft, 0, q);
    op->inv = true;
    free(q);
    return d;
}
