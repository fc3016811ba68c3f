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
 *
 * Gate fusion. A call whose definition acts on 1 ≤ w ≤ SIM_FUSE_MAX_QUBITS
 * qubits and whose body is unitary (gates, multiplexors, barriers and calls
 * of such definitions, at any depth; no measure, reset, post-select or if)
 * may instead be applied as one dense matrix with all its controls
 * (sim_apply_mcdense: only the amplitudes where the controls fire are
 * touched).
 *   Building: the matrix U of a definition is built once per run by running
 * its body, with this executor, on a 2w-qubit scratch state holding the
 * identity (every column at once; U† under inv: the body run inverted).
 * Formal qubits on which U turns out to be a control (U is the identity,
 * within 1e-13 per entry, wherever the qubit does not have its firing
 * value: a controlled walk whose PREP†·PREP cancels when the control is
 * off) are dropped from the matrix and become controls of the application:
 * a controlled walk on 1 + w qubits costs as much as W on w.
 *   Powers: U^pow by repeated squaring with zgemm, U^(2^k) from a cached
 * U^(2^(k−1)) in one product, other powers as products of those; (U^pow)†
 * as the adjoint of a cached U^pow. Every matrix is cached for the rest of
 * the run, keyed by (definition, inv, pow): phase estimation's
 * pow(2^k) @ ctrl @ W for k = 0, 1, … costs one squaring and one dense
 * application per k, its inverse one adjoint and one application. After
 * each product, when the columns' squared norms have drifted from 1 by more
 * than SIM_FUSE_POLAR_TOL, one Newton–Schulz step U ← U(3I − U†U)/2
 * re-unitarises it (squaring doubles the drift: ‖U†U − I‖_F of a walk on
 * 8 qubits grows from 1e-14 to 1e-8 at 2^20 without it, and stays below
 * 3e-13 with it; docs/bench.md). Fused and unfused states agree to
 * rounding, about 1e-15 · pow.
 *   When: SIM_FUSE_AUTO (the default) fuses a call when an estimate of the
 * work says so: pow × (the amplitudes the body's leaf operations visit, and
 * a fixed cost per operation) unfused, against the build (the body on 2w
 * qubits), the products still missing from the cache (8^w' multiply-adds
 * each, w' the qubits of the matrix) and one application (2^w'
 * multiply-adds per amplitude where the controls fire). While the shape is
 * unknown, when some formals appear in the body only as controls, fusing
 * would pay were they controls of U, and the build costs at most half of
 * running the call, U is built first to learn the shape.
 * SIM_FUSE_ALWAYS fuses every call that qualifies (tests), SIM_FUSE_OFF
 * none (sim_set_fuse). SIM_FUSE_DEFAULT takes the environment variable
 * QGDC_SIM_FUSE: "0" or "off" for off, "always" for always, unset or
 * anything else auto.
 *   Memory: a cached matrix takes 16 · 4^w' bytes (64 MiB at w' = 11); the
 * cache and the scratch states together stay within half of what the
 * memory budget leaves beside the state (least recently used matrices are
 * dropped first); a definition whose matrices do not fit runs its body.
 *   SIM_FUSE_MAX_QUBITS is 11: there a squaring is 2^33 multiply-adds (1
 * to 3 s on the development machine), a matrix 64 MiB (and the build a
 * 22-qubit scratch state), and an application 2048 multiply-adds per
 * amplitude, which pays only against a body that visits each amplitude
 * hundreds of times per pow; at 12 each of these is 2 to 8 times worse,
 * for bodies that long.
 * Fused or not, res->ops counts the leaf operations as if the body ran,
 * and opt->max_ops refuses on that count.
 *
 * Flat fusion and cache blocking (flat.c). Every leaf the walk applies
 * (gates and multiplexors, of the main block or of the bodies of calls
 * that are not fused) is queued; before a measurement, reset,
 * post-selection or fused call, when the queue holds 8192 leaves (or
 * 64 MiB of multiplexor tables), and at the end of the run, the queue is
 * applied: runs of leaves are grouped into blocks (a leaf joins a block
 * after the last one that touches its qubits, so only commuting moves
 * are made), a block of monomial leaves (permutations times phases: X,
 * CX, CCX, SWAP, Y, Z, S, T, P, RZ, CZ, gphase, Rz multiplexors) on up to
 * SIM_FLAT_KDIAG qubits becomes one diagonal table or one permutation
 * with factors, any other block on up to SIM_FLAT_KMAX qubits one dense
 * matrix, each where a per-amplitude cost estimate says it is cheaper
 * than its leaves; then every item that acts non-diagonally only on
 * qubits below the chunk bit (2^SIM_FLAT_CHUNK_LOG amplitudes, 1 MiB) is
 * applied chunk by chunk, all the items of a run on one chunk (in cache)
 * before the next chunk, and the others to the whole state as before.
 * Results agree with the unfused walk to rounding (tests: 1e-10);
 * measurements draw the same outcomes. On by default; QGDC_SIM_FLAT=0
 * (or "off"), or QGDC_SIM_FUSE=0, turns it off (sim_set_flat overrides
 * both).
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

#define SIM_FUSE_MAX_QUBITS 11
#define SIM_FUSE_POLAR_TOL 1e-13

typedef enum SimFuse {
    SIM_FUSE_DEFAULT = 0, /* QGDC_SIM_FUSE decides (see above); auto when unset */
    SIM_FUSE_OFF,
    SIM_FUSE_AUTO,
    SIM_FUSE_ALWAYS,
} SimFuse;

/* The fusion mode of the runs that follow (process-wide, like
 * sim_set_parallel_min; initially SIM_FUSE_DEFAULT). raw: no Newton–Schulz
 * re-unitarisation (to measure the drift). sim_fuse_mode: the mode a run
 * started now uses (SIM_FUSE_DEFAULT resolved). */
void sim_set_fuse(SimFuse mode, bool raw);
SimFuse sim_fuse_mode(void);

/* Flat fusion and cache blocking (flat.c; see above). on: 1 on, 0 off,
 * 2 on and fusing every block that fits whatever the estimate (tests),
 * −1 from QGDC_SIM_FLAT (the default). chunk_log: the chunk size (log2 of
 * amplitudes), 0 for SIM_FLAT_CHUNK_LOG; kmax: the most qubits of a fused
 * dense block, 0 for SIM_FLAT_KMAX (tests set small chunks to exercise
 * the blocking on small states). sim_flat_on: whether a run started now
 * uses it. */
#define SIM_FLAT_CHUNK_LOG 16
#define SIM_FLAT_KMAX 4
#define SIM_FLAT_KDIAG 10
void sim_set_flat(int on, int chunk_log, int kmax);
bool sim_flat_on(void);

typedef struct SimRunOptions {
    unsigned long seed; /* measurement RNG seed (GSL: 0 means 4357) */
    double max_ops;     /* refuse a run of more leaf operations (counted
                           unfused, whatever the fusion); 0: 2^40 */
} SimRunOptions;

typedef struct SimRunResult {
    uint8_t *bits;      /* c->nbits classical bits (0/1), malloc'd */
    uint32_t nbits;
    double *post_prob;  /* probability of each post-selection, in order */
    size_t npost;
    double post_product;/* their product: the probability of the kept branch */
    uint64_t ops;       /* leaf operations applied (fused calls: as if run) */
    /* gate fusion */
    uint64_t fused;     /* calls of the circuit applied as one dense matrix */
    uint64_t fuse_builds;   /* definitions' matrices built from their bodies */
    uint64_t fuse_products; /* matrix products (squarings and others) */
    uint64_t fuse_polar;    /* Newton–Schulz steps */
    double fuse_drift;  /* largest max_j |‖column j‖² − 1| of an applied matrix */
    /* flat fusion and cache blocking (see above) */
    uint64_t flat_leaves;  /* leaf operations that went through the queue */
    uint64_t flat_dense;   /* fused dense blocks applied (2 or more leaves) */
    uint64_t flat_diag;    /* fused diagonal tables applied */
    uint64_t flat_mono;    /* fused permutations with factors (monomial blocks) applied */
    uint64_t flat_sweeps;  /* chunked sweeps over the state */
    uint64_t flat_full;    /* leaves applied to the whole state, outside a sweep */
} SimRunResult;

/* Runs c on sv (not reset first). res may be NULL; its arrays are
 * replaced (free them with sim_run_result_free). */
bool sim_run(const Circuit *c, StateVec *sv, const SimRunOptions *opt, SimRunResult *res, char **err);
/* A new |0…0⟩ state of c->nqubits qubits (refused, with the memory
 * budget's message, when it does not fit), then sim_run. NULL on failure. */
StateVec *sim_run_new(const Circuit *c, const SimRunOptions *opt, SimRunResult *res, char **err);
void sim_run_result_free(SimRunResult *res);

/* The matrix a fused call of definition def applies: U^pow, or (U†)^pow
 * when inv, computed as the executor computes it, into out[4^w], row-major, local index
 * j = Σ_t bit(formal t) << t. res (may be NULL) gets the fusion counters.
 * False with a message when the definition has more than
 * SIM_FUSE_MAX_QUBITS qubits, is not unitary, or its matrices do not fit
 * in the memory budget. */
bool sim_def_matrix(const Circuit *c, uint32_t def, bool inv, uint64_t pow, double _Complex *out,
                    SimRunResult *res, char **err);

/* Leaf operations a run of c applies (calls expanded, pow counted), as a
 * double: what max_ops is compared with. */
double sim_run_cost(const Circuit *c);

/* The 2×2 unitary of a one-qubit gate kind (id h x y z s sdg t tdg sx rx
 * ry rz p U) with parameters p, row-major: the one table both simulators
 * (dense and sparse) apply. */
void sim_gate_matrix(GateKind g, const double *p, double _Complex m[4]);

#endif
