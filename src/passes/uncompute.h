/* uncompute.h — pass_uncompute: inverse phase estimation (DESIGN.md,
 * pipeline step "uncompute").
 *
 * After the filtered rotation (invert.h) the clock still holds the
 * eigenvalue estimates, entangled with the system. The inverse of the
 * same `qpe` definition (qpe.h) on the same operands returns the clock to
 * |0…0⟩ on every branch whose estimate the rotation did not change, and
 * recombines the two walk branches ±arccos(λ/α), so that post-selecting
 * the clock, the index register and the ancillas leaves the system in
 * Σ_λ f(λ̃)·⟨v_λ|b⟩|v_λ⟩. One call node, inv = true. */
#ifndef QGDC_UNCOMPUTE_H
#define QGDC_UNCOMPUTE_H

#include <stdint.h>

#include "ir/circuit.h"

/* Appends inv @ qpe(q) to block b; q are the operands of the forward call. */
void pass_uncompute(Circuit *c, Block *b, uint32_t qpe, const uint32_t *q);

#endif
