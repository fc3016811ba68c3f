/* state_prep.h — amplitude encoding of a real vector as a gate definition:
 * a new definition D of the circuit with
 *     D |0…0⟩ = Σ_i (v_i / ‖v‖) |i⟩
 * exactly, signs and global phase included (no stray −1 or e^{iφ}: the
 * definition is meant to be called under control, as in PREP of an LCU or
 * |B⟩ of a controlled-preparation). Qubit formal j is bit j of the index i
 * (formal 0 the least significant), as everywhere in qgdc. Callers call D
 * and its inverse (`inv @ D` maps v/‖v‖ back to |0…0⟩).
 *
 * Two constructions, both of real gates only (RY; X in the sparse one), so
 * the matrix of D is real and no phase gate is needed:
 *   dense  (SP_DENSE): the binary tree of uniformly controlled RY rotations
 *     (Grover–Rudolph / Möttönen): level j = 0..k−1 is one multiplexor
 *     (circ_multiplex, GATE_RY) with j selects, the bits k−j..k−1 of the
 *     index, on target qubit k−1−j; entry p is θ = 2·atan2(‖upper half‖,
 *     ‖lower half‖) of the block of prefix p. On the last level the halves
 *     are the signed entries themselves, (a, b) = r·(cos θ/2, sin θ/2), so
 *     θ ∈ (−2π, 2π] carries the signs. Lowered (lower.h, Möttönen) it is
 *     at most 2^k − 1 rotations and 2^k − 2 cx, whatever the sparsity.
 *   sparse (SP_SPARSE): the same tree restricted to the nonzeros. Level by
 *     level, for each node (prefix p of the populated index set) holding
 *     ≥ 2 nonzeros, one RY(θ) on the target qubit (skipped when θ = 0, an
 *     X when the lower half is empty); for a node holding a single nonzero
 *     i, X on every remaining bit of i that is 1 (the first one RY(−π),
 *     |0⟩ → −|1⟩, when v_i < 0; RY(2π) = −I on the target when v_i < 0 and
 *     no bit is 1), after which the node is done. X stands where the tree
 *     has RY(π): the two agree on the states the circuit reaches (target
 *     in |0⟩), so D|0…0⟩ is exact, and X is cheaper. Each gate is
 *     controlled (ctrl / negctrl as the bits of p) only by the bits that
 *     tell p apart from the other populated prefixes of its level: the
 *     bits where p's path in the binary trie of the populated indices
 *     branches, less those that prove redundant (checked while at most
 *     SP_PRUNE_MAX entries have to be compared). At most 2·nnz − 1 RY and
 *     nnz·k X gates, each with at most k controls — usually about
 *     log2(nnz) — so the cost grows with nnz·k, not with 2^k.
 *   k = 0: a definition of no qubits, empty, or gphase(π) when v_0 < 0
 *     (a 0-qubit definition runs in the executor but cannot be written as
 *     OpenQASM, whose gate definitions need a qubit).
 *
 * Cost estimates (StatePrepInfo): the non-Clifford operations of each
 * construction's lowering (lower.h) as the resource counter (resources.h)
 * counts them for an uncontrolled call: rotations (by angles that are not
 * multiples of π/4), t/tdg and CCZ. Both replay the lowering's rules and
 * are exact: dense, the Walsh–Hadamard-transformed angles of each
 * multiplexor, each a rotation, a T or nothing (2^k − 1 slots, 2^k − 2
 * cx); when SP_SPARSE is forced the dense angles are not computed and the
 * dense figure is the bound 2^k − 1 rotations. Sparse: RY(θ) with c
 * controls is 2(c−1) CCZ (c ≥ 2) and the angle θ (c = 0) or ±θ/2 (c ≥ 1);
 * X with c controls is 1 CCZ (c = 2) or 2c − 3 (c ≥ 3).
 * SP_AUTO takes the sparse construction iff its cost (rotations + t +
 * CCZ) is lower than the dense one's, or the dense one is impossible
 * (k > SP_MAX_DENSE_QUBITS); on a tie, dense. For random nonzeros that is
 * nnz up to roughly 2^k / (5·log2 nnz): measured 22 of 256, 121 of 4096,
 * 1113 of 65536.
 *
 * Requires: a circuit c; a name that is a valid OpenQASM identifier, not a
 * built-in gate and not yet defined in c (else ICE). Refuses (false, with
 * a malloc'd message in *err, or diag_plain when err is NULL; c unchanged):
 * a non-finite entry, an all-zero vector, k above the limit of the
 * construction, duplicate indices (sparse input).
 * Cost of building: dense O(2^k·k) (the cost replay); sparse, which is
 * also planned for SP_AUTO and SP_DENSE to fill the estimate,
 * O(nnz·k·(log nnz + k)) plus the bounded pruning; memory O(2^k) angles
 * (dense) or O(nnz·k) operations (sparse) in the circuit's arena. */
#ifndef QGDC_STATE_PREP_H
#define QGDC_STATE_PREP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/circuit.h"

#define SP_MAX_DENSE_QUBITS 30  /* a multiplexor of 2^29 angles at the last level */
#define SP_MAX_QUBITS 62        /* index arithmetic of the sparse construction */
#define SP_PRUNE_MAX 256        /* entries compared when dropping a redundant control */

typedef enum StatePrepMethod { SP_AUTO, SP_DENSE, SP_SPARSE } StatePrepMethod;

/* Non-Clifford operations of a lowering, as resources.h counts them. */
typedef struct SpCost {
    uint64_t rotations, t, ccz;
    uint64_t cx;      /* dense: the multiplexors' cx (2^k − 2); sparse: 0 (not counted) */
} SpCost;

typedef struct StatePrepInfo {
    StatePrepMethod method; /* the construction built: SP_DENSE or SP_SPARSE */
    unsigned k;
    uint64_t nnz;           /* nonzero entries */
    double norm;            /* ‖v‖ */
    SpCost dense, sparse;   /* both constructions (dense zero when k > SP_MAX_DENSE_QUBITS) */
    uint64_t dense_cost, sparse_cost; /* rotations + t + ccz of each */
    uint64_t sparse_ops;      /* gates (RY, X) of the sparse construction */
    uint64_t sparse_controls; /* their controls, summed */
} StatePrepInfo;

const char *state_prep_method_name(StatePrepMethod m); /* "auto", "dense", "sparse" */

/* v[0..2^k): the vector (k ≤ SP_MAX_DENSE_QUBITS for this entry point).
 * *def gets the new definition's index (k qubits); info may be NULL. */
bool state_prep_def(Circuit *c, const char *name, unsigned k, const double *v, StatePrepMethod method,
                    uint32_t *def, StatePrepInfo *info, char **err);

/* The same from the nonzeros: idx[0..n) distinct indices < 2^k (any
 * order), val[0..n) their values (zeros are dropped). k ≤ SP_MAX_QUBITS;
 * the dense construction needs k ≤ SP_MAX_DENSE_QUBITS. */
bool state_prep_def_sparse(Circuit *c, const char *name, unsigned k, size_t n, const uint64_t *idx,
                           const double *val, StatePrepMethod method, uint32_t *def, StatePrepInfo *info,
                           char **err);

#endif
