/* exec.h — the circuit executor: runs a circuit IR (circuit.h) on a state
 * vector (statevec.h), walking the hierarchy without lowering it.
 *
 * Semantics, operation by operation:
 *   gate — its matrix (inverse: the conjugate transpose, so s↔sdg, t↔tdg,
 *     sx → sx†, U(θ,φ,λ)† = U(−θ,−λ,−φ), rotations by −θ), raised to pow
 *     (self-inverse gates by parity, s/t families mod 8, sx mod 4,
 *     rotations and gphase by the exactly folded angle k·θ
 *     (circuit_fold_angle), U by its axis and angle; so any pow is exact),
 *     applied through the kernel for its class with all its controls as a
 *     mask (negative controls in the kernels' neg mask); gphase is e^{iθ} on
 *     the whole state, or a phase on the controls when controlled;
 *   call — the body with formals bound to the actual qubits, every
 *     operation gaining the call's controls (and those of enclosing calls),
 *     reversed and inverted under inv, repeated pow times;
 *   multiplexor — the kernel's uniformly controlled ry/rz; under controls,
 *     the multiplexor over selects+controls whose angle is 0 where the
 *     controls do not fire (at most SIM_EXEC_MAX_MUX selects in all);
 *   measure — an outcome drawn from a GSL Mersenne Twister seeded with
 *     opt->seed, written to bits[]; reset — measure and flip to |0⟩;
 *   postselect — keep the branch, renormalise, record its probability
 *     (a branch of probability 0 is refused);
 *   if — the operation when bits[bit] == value; barrier — nothing.
 * The circuit's qubits are the state's qubits 0..c->nqubits−1; a state may
 * have more (spectators), for example a lowered circuit's ancillas.
 *
 * Errors: a circuit the user caused to be too large (state over the memory
 * budget, more leaf operations than opt->max_ops, a multiplexor table too
 * large), a post-selection of probability 0: false with a malloc'd message
 * in *err (err NULL: printed by diag_plain). A circuit that fails
 * circuit_verify, or a state with too few qubits, is a bug: ICE. */
#ifndef QGDC_EXEC_H
#define QGDC_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/circuit.h"
#include "sim/statevec.h"

#define SIM_EXEC_MAX_MUX 24

typedef struct SimRunOptions {
    unsigned long seed; /* measurement RNG seed (GSL: 0 means 4357) */
    double max_ops;     /* refuse a run of more leaf operations; 0: 2^40 */
} SimRunOptions;

typedef struct SimRunResult {
    uint8_t *bits;      /* c->nbits classical bits (0/1), malloc'd */
    uint32_t nbits;
    double *post_prob;  /* probability of each post-selection, in order */
    size_t npost;
    double post_product;/* their product: the probability of the kept branch */
    uint64_t ops;       /* leaf operations applied */
} SimRunResult;

/* Runs c on sv (not reset first). res may be NULL; its arrays are
 * replaced (free them with sim_run_result_free). */
bool sim_run(const Circuit *c, StateVec *sv, const SimRunOptions *opt, SimRunResult *res, char **err);
/* A new |0…0⟩ state of c->nqubits qubits (refused, with the memory
 * budget's message, when it does not fit), then sim_run. NULL on failure. */
StateVec *sim_run_new(const Circuit *c, const SimRunOptions *opt, SimRunResult *res, char **err);
void sim_run_result_free(SimRunResult *res);

/* Leaf operations a run of c applies (calls expanded, pow counted), as a
 * double: what max_ops is compared with. */
double sim_run_cost(const Circuit *c);

#endif
