/* block_encode.h — exact block encoding of a real symmetric matrix by a
 * Pauli linear combination of unitaries (LCU), and its qubitized walk.
 *
 * Requires: H real symmetric, 2^s × 2^s, dense row-major (H[r·2^s + c]),
 * 1 ≤ s ≤ BE_MAX_QUBITS; finite; not zero. Symmetry is checked to
 * BE_SYM_TOL·max|H_ij| (the decomposition is that of (H + Hᵀ)/2). A
 * circuit c and a name prefix (a valid OpenQASM identifier) under which no
 * definition exists yet: the definitions are named PREFIX_prep,
 * PREFIX_t<j>, PREFIX_select, PREFIX_u, PREFIX_walk.
 *
 * Pauli decomposition: H = Σ_j c_j P_j with P_j = ⊗_q σ(x_q, z_q),
 * σ(0,0) = I, σ(1,0) = X, σ(0,1) = Z, σ(1,1) = Y, qubit q acting on bit q
 * of the row index (qubit 0 the least significant). With
 * P_{x,z}[r, c] = i^{|x∧z|} (−1)^{|z∧c|} δ(r, c⊕x) and H real symmetric,
 *     c_{x,z} = 2^−s · i^{|x∧z|} · Σ_c (−1)^{|z∧c|} H[c, c⊕x],
 * which vanishes unless |x∧z| (the number of Y) is even and is then real:
 * one fast Walsh–Hadamard transform of the diagonal c ↦ H[c, c⊕x] per X
 * pattern x, O(4^s·s) time, O(2^s) scratch. Terms with |c_j| ≤
 * BE_DROP_REL·max|c| are dropped (they and the odd-Y terms are rounding
 * noise). Term order: x ascending, then z ascending; the index j of a term
 * is its position.
 *
 * The circuit (definitions added to c; formal qubits [0..s) the system,
 * formal 0 = bit 0 of the row index of H, then [s..s+m) the index
 * register, m = max(1, ⌈log2 nterms⌉), formal s = bit 0 of j):
 *   PREFIX_prep (m qubits): state_prep.h of (√(|c_j|/α))_j, zero on
 *     j ≥ nterms; α = Σ_j |c_j|. Real, global phase +1.
 *   PREFIX_t<j> (s qubits): sign(c_j)·P_j exactly: gphase(π) when c_j < 0,
 *     then x / y / z on the qubits of the string (the y gate is σ_y itself,
 *     so the product is P_j with no stray phase). Under control a gphase is
 *     a phase on the controls (exec.h, lower.h), so ctrl @ PREFIX_t<j> is
 *     |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ sign(c_j)P_j exactly. Not emitted for a term
 *     +I (nothing to do).
 *   PREFIX_select (s+m): for each term, a call of PREFIX_t<j> controlled by
 *     the m index qubits, ctrl where bit of j is 1, negctrl where 0: SELECT
 *     = Σ_j |j⟩⟨j| ⊗ sign(c_j)P_j, identity on unused index values.
 *     Hermitian and an involution (each block is a real signed Pauli).
 *   PREFIX_u (s+m): PREP on the index, SELECT, inv PREP:
 *     U = PREP†·SELECT·PREP, Hermitian, with (⟨0|_idx ⊗ I) U (|0⟩_idx ⊗ I)
 *     = H/α exactly (up to rounding).
 *   PREFIX_walk (s+m): U, then the reflection 2|0⟩⟨0|_idx − I as a
 *     negctrl(m) @ gphase(π) on the index (−1 on |0…0⟩) followed by an
 *     uncontrolled gphase(π) (the overall −1, which matters under control):
 *     W = (2|0⟩⟨0|_idx − I)·U. For each eigenpair H v = λv, the span of
 *     |0⟩|v⟩ and W|0⟩|v⟩ is invariant and W's eigenvalues there are
 *     e^{±i·arccos(λ/α)} (one of them when |λ| = α). Global phase exact:
 *     meant for pow(2^k) @ ctrl @ W in phase estimation.
 *
 * Refusals (false with a malloc'd message in *err, or diag_plain when err
 * is NULL; c is unchanged and out is zeroed): s out of range, a non-finite
 * or asymmetric entry, H = 0, a circuit whose estimated size does not fit
 * in mem_budget(). Names taken already or invalid: ICE (a caller's bug).
 *
 * Cost: the decomposition O(4^s·s); the circuit O(nterms·s) operations
 * (nterms ≤ (4^s + 2^s)/2), one definition per term, about 1.8 KB of
 * circuit per term. Measured (one core): a dense random H of s = 8 has all
 * 32896 terms and builds in 0.2–0.5 s (60 MB); s = 10, 524800 terms,
 * about 5 s and 0.95 GB. */
#ifndef QGDC_BLOCK_ENCODE_H
#define QGDC_BLOCK_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/circuit.h"
#include "passes/state_prep.h"

#define BE_MAX_QUBITS 12
#define BE_DROP_REL 1e-14  /* terms with |c| ≤ this·max|c| are dropped */
#define BE_SYM_TOL 1e-12   /* |H_ij − H_ji| allowed, relative to max|H| */

typedef struct PauliTerm {
    uint32_t x, z; /* bit q: X resp. Z part on qubit q (both: Y) */
    double coef;   /* real, nonzero */
} PauliTerm;

typedef struct BlockEncodeOptions {
    StatePrepMethod prep; /* construction of PREP; SP_AUTO (the default, 0) */
} BlockEncodeOptions;

typedef struct BlockEncoding {
    unsigned s, m;
    size_t nterms;
    PauliTerm *terms;      /* [nterms], malloc'd; index value j = position */
    double alpha;          /* Σ |c_j| */
    double max_coef;       /* max |c_j| */
    uint32_t prep, select, u, walk; /* definitions in the circuit */
    uint32_t *term_def;    /* [nterms]: PREFIX_t<j>, UINT32_MAX for +I */
    StatePrepInfo prep_info;
} BlockEncoding;

/* The decomposition alone: *terms (malloc'd, free it) and *nterms, order
 * and dropping as above. Refuses like block_encode. */
bool pauli_decompose(unsigned s, const double *H, PauliTerm **terms, size_t *nterms, char **err);

/* The matrix Σ_j c_j P_j, 2^s × 2^s row-major, into out (for checks). */
void pauli_matrix(unsigned s, const PauliTerm *terms, size_t nterms, double *out);

/* opt may be NULL. */
bool block_encode(Circuit *c, const char *prefix, unsigned s, const double *H, const BlockEncodeOptions *opt,
                  BlockEncoding *out, char **err);
void block_encoding_free(BlockEncoding *be);

/* Cost summary for a resource report. The CCZ, rotation and T counts are
 * those the resource counter (resources.h) finds in the lowering (lower.h)
 * of one uncontrolled call of U or W, exactly (PREP's from StatePrepInfo);
 * under a control (phase estimation) each multi-controlled operation gains
 * one control, so ctrl @ W costs more than this. */
typedef struct BlockEncodeCost {
    size_t nterms;
    uint64_t select_calls;   /* controlled Pauli strings in SELECT (terms other than +I) */
    uint64_t pauli_gates;    /* x/y/z gates inside them (total Pauli weight) */
    uint64_t sign_phases;    /* negative terms (a controlled gphase(π) each) */
    uint64_t select_ccz;     /* the AND ladders of the m controls: 2(m−1) per call */
    SpCost prep;             /* one PREP (state_prep.h estimate of the construction used) */
    uint64_t reflect_ccz;    /* 2|0⟩⟨0| − I: negctrl(m) gphase = p(π) under m−1 controls, 2(m−2) */
    uint64_t u_ccz, u_rotations, u_t;       /* PREP + SELECT + PREP† */
    uint64_t walk_ccz, walk_rotations, walk_t;
} BlockEncodeCost;

void block_encode_cost(const BlockEncoding *be, BlockEncodeCost *cost);
/* A few human lines: terms, α, qubits, SELECT and PREP costs, W totals. */
void block_encode_print_cost(const BlockEncoding *be, FILE *out);

#endif
