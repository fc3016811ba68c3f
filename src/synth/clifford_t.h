/* clifford_t.h — a flat circuit over the Clifford+T gate set: every rotation
 * synthesized (synth.h), docs/synthesis.md. */
#ifndef QGDC_SYNTH_CLIFFORD_T_H
#define QGDC_SYNTH_CLIFFORD_T_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/circuit.h"

/* The flat circuit `flat` (lower_circuit's output, lower.h) with every
 * rotation replaced by its Clifford+T sequence, into `out` (initialised
 * here; the caller frees it with circuit_free): rz(θ) and p(θ) by the
 * sequence of rz(θ), rx(θ) by h · rz(θ) · h, ry(θ) by sdg h · rz(θ) · h s,
 * sx by h s h, swap by three cx; the rest copied, an operation under
 * conditions becoming gates each under the same conditions. The output
 * holds only h s sdg t tdg x y z cx cz ccx, measure, reset, post-selection,
 * barrier. Each rotation is synthesized to eps, or, when eps is 0, to
 * budget / R for the circuit's R rotations (capped at 0.1): operator-norm
 * errors add, so the output is within budget of `flat` up to a global
 * phase. *eps_used: the ε applied; *nrot: rotations replaced; *distinct:
 * distinct (angle, ε) synthesized (the rest came from the cache). False
 * with a malloc'd message in *err when the ε would fall below 1e-100 or a
 * synthesis fails. */
bool synth_clifford_t(const Circuit *flat, Circuit *out, double eps, double budget, double *eps_used, size_t *nrot,
                      size_t *distinct, char **err);

#endif
