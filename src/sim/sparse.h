/* sparse.h — a sparse state-vector simulator for flat circuits of up to 64
 * qubits: only the nonzero amplitudes are stored, so a circuit on 40–60
 * qubits that keeps few of them (a block encoding run from one basis
 * state: the LCU preparations branch on a few qubits, everything else
 * permutes or phases basis states) runs in time proportional to
 * (operations × nonzeros).
 *
 * Storage: the nonzeros in two arrays (basis index, complex amplitude),
 * in no particular order, with an open-addressing index (linear probing,
 * keyed by the basis index) built when a lookup needs it. Qubit q is bit q
 * of the basis index (as statevec.h).
 *
 * Gates (sparse_run), by the shape of their matrix:
 *   diagonal (z s sdg t tdg rz p cz id gphase): amplitudes multiplied in
 *     place, the nonzero count unchanged;
 *   monomial (x y cx ccx swap): basis indices permuted (and phased), the
 *     count unchanged;
 *   branching (h sx rx ry U, and any 1-qubit matrix with all four entries
 *     nonzero): amplitudes paired across the target bit, partners created
 *     as needed. After a branching gate, amplitudes with |a|² below the
 *     threshold (SPARSE_DROP, settable) are dropped, so cancellations
 *     (h · … · h) do not leave rounding dust behind.
 * Controls (nctrl, negctrl) and inv are honoured on OP_GATE, so the
 * operations need not be strictly flat; pow must be 1. Post-selection
 * (OP_POSTSELECT) projects onto the kept branch WITHOUT renormalising
 * (sparse_norm2 then gives the branch probability; sparse_normalize
 * rescales). Barriers do nothing. Calls, multiplexors, measure, reset and
 * if are refused with a message (lower the circuit first, sparse_run_hier,
 * or walk its hierarchy: sparse_run_circuit).
 *
 * Limits: a state has a cap on its number of nonzeros (given at
 * creation); a gate that would exceed it is refused with a message (the
 * state is then partly updated: discard it). The hash index holds at most
 * 2^31 entries.
 *
 * Errors: refusals (cap exceeded, qubit beyond the state, unsupported
 * operation) return false with a malloc'd message in *err (err NULL: the
 * message goes to diag_plain). */
#ifndef QGDC_SPARSE_H
#define QGDC_SPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/circuit.h"

#define SPARSE_MAX_QUBITS 64
#define SPARSE_DROP 1e-30 /* default: drop amplitudes with |a|² below this */

typedef struct SparseState SparseState;

/* A state of nqubits (1..64) qubits holding |0…0⟩, with room for at most
 * max_nnz (≥ 1) nonzero amplitudes. NULL with a message on a bad size. */
SparseState *sparse_create(unsigned nqubits, size_t max_nnz, char **err);
void sparse_free(SparseState *s); /* NULL is allowed */

unsigned sparse_nqubits(const SparseState *s);
/* |a|² threshold for dropping after branching gates (0: never drop). */
void sparse_set_drop(SparseState *s, double thresh);

/* The zero vector (no nonzeros). */
void sparse_clear(SparseState *s);
/* |index⟩. The index must fit in nqubits bits (ICE otherwise). */
void sparse_set_basis(SparseState *s, uint64_t index);
/* Sets the amplitude of |index⟩ (0 removes it). False when the cap is
 * reached. */
bool sparse_set(SparseState *s, uint64_t index, double _Complex amp, char **err);
/* Σ_k amp[k]|index[k]⟩ (the state cleared first; repeated indices add; no
 * normalisation). */
bool sparse_set_superposition(SparseState *s, const uint64_t *index, const double _Complex *amp, size_t n,
                              char **err);

/* The amplitude of |index⟩ (0 when not stored). Not const: it may build the
 * lookup index. */
double _Complex sparse_get(SparseState *s, uint64_t index);
/* Nonzeros stored now, and the most ever stored. */
size_t sparse_nnz(const SparseState *s);
size_t sparse_peak_nnz(const SparseState *s);
/* The k-th stored nonzero, k < sparse_nnz (order unspecified, stable until
 * the state changes). */
void sparse_entry(const SparseState *s, size_t k, uint64_t *index, double _Complex *amp);
double sparse_norm2(const SparseState *s); /* Σ |a|² */
/* Divides by the norm; false (state unchanged) when it is 0. */
bool sparse_normalize(SparseState *s);
/* Keeps only the amplitudes whose qubit q equals value; no renormalisation. */
void sparse_project(SparseState *s, unsigned q, int value);

/* One gate: kind g with params (gate_info[g].nparams of them; may be NULL
 * when none), operand list q (controls first, then the
 * gate's own qubits), nctrl controls, negative controls in negctrl, inverted
 * when inv. False when the cap is exceeded. */
bool sparse_apply_gate(SparseState *s, GateKind g, const double *param, const uint32_t *q, uint32_t nctrl,
                       uint64_t negctrl, bool inv, char **err);

/* Runs every operation of the main block of a flat circuit (the output of
 * lower_circuit) on s; s must have at least flat->nqubits qubits. */
bool sparse_run(const Circuit *flat, SparseState *s, char **err);

/* Runs a hierarchical circuit's main block on s without lowering it, so
 * no ancillas are needed (s needs only c->nqubits qubits): a call binds
 * its formals and adds its controls to every operation of its body
 * (inverted: the body reversed and each operation inverted; pow(k): the
 * body k times); a multiplexor is its 2^k rotations, each under its select
 * value as controls; post-selection projects (no renormalisation). Global
 * phases are kept. Refused with a message: measure, reset, if, a
 * controlled multiplexor or post-selection, more than 64 operands. *gates
 * (may be NULL): the sparse_apply_gate calls made. */
bool sparse_run_circuit(const Circuit *c, SparseState *s, uint64_t *gates, char **err);

/* Lowers c (lower_circuit, max_ops 0: no limit) into *flat, which the
 * caller frees with circuit_free (also on failure). The flat circuit acts
 * on c's qubits 0..c->nqubits−1 (same registers, same offsets) and on the
 * lowering's ancilla register, qubits *anc_offset .. *anc_offset +
 * *anc_size − 1 with *anc_offset = c->nqubits (*anc_size 0 when none);
 * ancillas start and end in |0⟩. Either pointer may be NULL. */
bool sparse_lower(const Circuit *c, Circuit *flat, size_t max_ops, uint32_t *anc_offset, uint32_t *anc_size,
                  char **err);
/* sparse_lower, then sparse_run: s needs c->nqubits + the ancillas qubits
 * (refused with the count otherwise). */
bool sparse_run_hier(const Circuit *c, SparseState *s, size_t max_ops, char **err);

#endif
