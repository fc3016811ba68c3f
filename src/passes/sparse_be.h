/* sparse_be.h — sparse-access block encoding of a real sparse matrix, as
 * hierarchical circuit IR whose every part also has an exact closed-form
 * cost (docs/block_encoding.md has the derivations and the plan for the
 * unrolled Carleman system).
 *
 * What it encodes. A real n × n matrix A (CSR, linear.h) with at most s
 * nonzeros in any row or column; ‖A‖max = max |A_ij|; s' = 2^⌈log2 s⌉;
 *     α = s'·‖A‖max.
 *   SBE_DILATION: the Hermitian dilation S = [[0, A], [Aᵀ, 0]] on q + 1
 *     system qubits, q = max(1, ⌈log2 n⌉): system index i + 2^q·d, the
 *     dilation qubit d the most significant (as in dilate.h), rows and
 *     columns i ≥ n zero (dilate.h pads with the identity instead; a caller
 *     that needs that puts the identity in A). ⟨0|U|0⟩ = S/α.
 *   SBE_SYMMETRIC: A itself (A = Aᵀ to 1e-12·‖A‖max; exactly the
 *     symmetric part (A + Aᵀ)/2) on q system qubits, padding zero:
 *     ⟨0|U|0⟩ = A/α. It is the dilation's circuit with d turned into an
 *     ancilla and conjugated by H: ⟨+|S|+⟩ = (A + Aᵀ)/2.
 * With bits = b ≥ 1 the entries are rounded to b-bit angles and the block
 * holds Ã/α instead, |Ã_ij − A_ij| ≤ ‖A‖max·π/2^(b+1) (sparse_be_quantise).
 *
 * The construction (Berry & Childs, QIC 12, 29 (2012), the isometry T with
 * U = T†·SWAP·T; the sparse-access model of Gilyén–Su–Low–Wiebe 2019,
 * Lemma 48, with the same α). The nonzeros of A, as edges of the bipartite
 * graph rows × columns, are given a proper edge colouring with s colours
 * (König's theorem; alternating-path algorithm). In the dilation each edge
 * (i, j) joins index (0, i) and (1, j), so colour k is a matching σ_k, an
 * involution of the 2^(q+1) indices (unmatched indices have no partner).
 * Registers (the formals of PREFIX_u, in this order; lay below):
 *   R = [i (q), d]  the system (the symmetric kind: i; d an ancilla)
 *   K (w = ⌈log2 s⌉) the colour slot        C (q + 1)  the partner index
 *   a_R, a_C        the Berry–Childs flags   g           the sign
 *   Θ (b)           angle bits (fixed point) work         unary iteration
 * V (PREFIX_v): x on a_C; h on K (and on d, symmetric kind); one table
 *   lookup addressed by (K, d, i) — address k + s'·(d + 2i) — that, for
 *   each index (d, i) with at least one entry and each slot k < s', writes
 *   the partner σ_k(d, i) into C, the sign of the entry into g, flips a_C
 *   back to |0⟩ and loads t (fixed point) into Θ; then RY on a_C:
 *   exact angles (bits = 0): RY(θ) in the leaf, θ = 2·acos(√(|A_ij|/‖A‖max)),
 *   fixed point: PREFIX_rot, RY(π·t/2^b) from Θ. An empty slot writes
 *   nothing and leaves a_C = |1⟩. So
 *     V|d,i⟩|0⟩ = s'^(−1/2) Σ_k |d,i⟩|k⟩|σ_k⟩|t⟩|g⟩(β_k|0⟩ + γ_k|1⟩)_{a_C}|0⟩_{a_R},
 *   β_k = √(|A_ij|/‖A‖max), the same at both ends of the edge.
 * U (PREFIX_u) = V† · (Z_g ⊗ SWAP((R, a_R), (C, a_C))) · V. The middle is a
 *   Hermitian involution, so U is Hermitian with U² = I (qubitization
 *   applies), and ⟨0|U|0⟩ = (1/s') Σ_k [σ_k(x) = y] (−1)^g β_k² = S_yx/α:
 *   the swapped a_C lands in a_R, so only the β·β branch survives, and the
 *   involution makes the slot and partner registers agree on both sides.
 *   Indices without entries and padding (a_C = |1⟩) contribute nothing.
 * PREFIX_cu (formals of U, then the control): V, then cz(control, g) and a
 *   controlled swap of the q + 2 pairs, then V†: ctrl @ U for q + 2 CCZ
 *   more than U, where the generic ctrl @ PREFIX_u would control every gate.
 * PREFIX_walk: U, then 2|0⟩⟨0| − I on the flag qubits (PREFIX_reflect):
 *   W = (2|0⟩⟨0| − I)·U, eigenvalues e^{±i·arccos(λ/α)} on the span of
 *   |0⟩|v⟩, W|0⟩|v⟩ for each eigenpair (λ, v) of the encoded matrix.
 * PREFIX_cwalk (formals of U, then the control): PREFIX_cu and the
 *   reflection under the control: ctrl @ W for phase estimation. Use it
 *   (or PREFIX_cu) rather than ctrl @ PREFIX_walk: the generic control
 *   turns every cx of the table's leaves into a ccx (one CCZ more per 1
 *   bit of the table's data, up to width·L) and every ccx of the unary
 *   iteration into three.
 * PREFIX_qrom (+ PREFIX_qrom_l<j> for SBE_QROM_MCX), PREFIX_rot,
 *   PREFIX_reflect: the parts.
 *
 * Costs (sbe_qrom.h conventions; docs/block_encoding.md):
 *   abits = w + q + 1 address qubits; L stored slots = s'·(indices (d, i)
 *   holding an entry) ≤ 2n·s'; width = q + 3 + b data bits;
 *   QROM   = sbe_qrom on that address set (unary: 2·Σ_{d=1}^{abits−1} N_d
 *            CCZ, N_d = ⌈L/2^d⌉ when every row and column of A holds an
 *            entry; MCX: 2L(abits − 1) CCZ; select-swap with block size
 *            K = 2^k (qroam.h, fixed point only): 4·Σ_{d=k+1}^{abits−1} N_d
 *            + 2·width·(K − 1) clean, + 4·width·(K − 1) dirty, k = 0 the
 *            unary count);
 *   V      = QROM + (fixed point) PREFIX_rot: T 2, rotations 2(b − 1);
 *            (exact angles) per stored entry ry(±θ/2): 2 rotations, or 2 T
 *            when |A_ij| = ‖A‖max/2, or none when |A_ij| = ‖A‖max;
 *   U      = 2·V;   cu = U + (q + 2) CCZ;   walk = U + reflection on
 *            m = q + w + 4 + b flags (+ 1 for d, symmetric kind):
 *            2(m − 2) CCZ, m − 2 lowering ancillas;
 *   cwalk  = cu + 2(m − 1) CCZ, m − 1 lowering ancillas.
 *   Qubits of U: 2(q + 1) + w + 3 + b + work (unary: abits − 1;
 *   select-swap: max(0, abits − k − 1) + K·width for k ≥ 1, qroam_work).
 * sparse_be_cost gives these for a built encoding (data-aware: its actual
 * address set and angles); sparse_be_shape_cost from the shape alone
 * (fixed point), any size, in microseconds.
 *
 * Refusals (false, malloc'd *err or diag_plain when err is NULL; c
 * unchanged, out zeroed): A not square, empty (no nonzeros), non-finite;
 * the symmetric kind with A ≠ Aᵀ; bits > SBE_MAX_BITS; a table beyond the
 * build limits (abits > SBE_MAX_BUILD_ABITS, more than 2^31 slots) or the
 * memory budget. A prefix already used (a definition PREFIX or PREFIX_…):
 * ICE. Building costs O(nnz·(s + path lengths)) for the colouring and
 * O(L·(q + b)) operations in the circuit (MCX: one definition per slot). */
#ifndef QGDC_SPARSE_BE_H
#define QGDC_SPARSE_BE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "ir/circuit.h"
#include "ir/linear.h"
#include "passes/qroam.h"
#include "passes/sbe_qrom.h"

#define SBE_SYM_TOL 1e-12 /* |A_ij − A_ji| allowed (symmetric kind), relative to ‖A‖max */

typedef enum SbeKind { SBE_SYMMETRIC = 0, SBE_DILATION } SbeKind;

/* The table lookup's block size (select-swap kinds): 2^qroam_k, or chosen
 * (qroam_choose_k: the fewest CCZ with at most qroam_max_extra qubits more
 * than unary iteration) when qroam_k is SBE_QROAM_AUTO. */
#define SBE_QROAM_AUTO 0xFFFFFFFFu

typedef struct SbeOptions {
    SbeKind kind;
    SbeQromKind qrom;  /* SBE_QROM_UNARY (default), SBE_QROM_MCX, SBE_QROM_SELSWAP(_DIRTY) */
    unsigned bits;     /* 0: exact angles; 1..SBE_MAX_BITS: fixed point (select-swap: ≥ 1) */
    unsigned qroam_k;  /* select-swap: block size 2^qroam_k (≤ address qubits), or SBE_QROAM_AUTO */
    uint64_t qroam_max_extra; /* with SBE_QROAM_AUTO: the budget of extra qubits */
} SbeOptions;

/* Formal qubits of PREFIX_v, PREFIX_u, PREFIX_walk (PREFIX_cu: the same,
 * then the control at index n). */
typedef struct SbeLayout {
    unsigned q, w, b;
    uint32_t row;        /* i: [row, row + q), then d at row + q (row = 0) */
    uint32_t slot;       /* K: [slot, slot + w) */
    uint32_t col;        /* C: [col, col + q + 1), partner index as R */
    uint32_t a_r, a_c, sign;
    uint32_t theta;      /* Θ: [theta, theta + b) */
    uint32_t work, nwork;
    uint32_t n;          /* all formals */
    uint32_t nsys;       /* system qubits [0, nsys): q + 1 (dilation) or q */
    uint32_t nflags;     /* qubits [nsys, nsys + nflags) the block projects on |0⟩ */
} SbeLayout;

typedef struct SparseBE {
    SbeOptions opt;
    size_t n, nnz;       /* A */
    unsigned s;          /* colours: the most nonzeros in a row or column */
    unsigned q, w;       /* s' = 2^w */
    double amax, alpha;  /* ‖A‖max, s'·‖A‖max */
    SbeLayout lay;
    uint32_t *colour;    /* [nnz]: colour of each CSR entry of A */
    SbeTable table;      /* the lookup table (owned: addr, word, theta malloc'd) */
    unsigned qroam_k;    /* the block size 2^qroam_k of a select-swap lookup (0 otherwise) */
    uint32_t qrom, rot, v, u, cu, walk, cwalk, reflect; /* definitions (rot: UINT32_MAX with exact angles) */
} SparseBE;

bool sparse_be_build(Circuit *c, const char *prefix, const SpMat *A, const SbeOptions *opt, SparseBE *out,
                     char **err);
void sparse_be_free(SparseBE *be);

/* The value the block holds, ×α/‖A‖max, for a normalised entry
 * v = A_ij/‖A‖max ∈ [−1, 1]: v itself (bits = 0), else
 * sign(v)·cos²(π·t/2^(b+1)) with t = min(2^b − 1, round(2^b·θ/π)),
 * θ = 2·acos(√|v|). */
double sparse_be_quantise(double v, unsigned bits);

/* ---- costs ---- */

typedef struct SbeCosts {
    SbeCost qrom, rot, v, u, cu, walk, cwalk; /* one uncontrolled call of each (rot: zero with exact angles) */
    unsigned q, w, abits, width;
    mpz_t L;             /* stored table slots */
    mpz_t sprime;        /* s' = 2^w: α = s'·‖A‖max */
    unsigned qroam_k;    /* select-swap lookups: the block size 2^qroam_k used (0 otherwise) */
    uint64_t borrowable; /* SBE_QROM_SELSWAP_DIRTY: its registers among the work qubits (may be dirty) */
} SbeCosts;

void sbe_costs_init(SbeCosts *k);
void sbe_costs_clear(SbeCosts *k);

/* Exact counts of a built encoding (its address set and angles). */
void sparse_be_cost(const SparseBE *be, SbeCosts *out);

/* The shape of a problem: nothing is built. */
typedef struct SbeShape {
    SbeKind kind;
    SbeQromKind qrom;
    unsigned qroam_k;    /* as SbeOptions */
    uint64_t qroam_max_extra;
    mpz_t n;             /* dimension of A, ≥ 1 */
    uint64_t s;          /* sparsity (colours), 1 ≤ s ≤ n */
    mpz_t L;             /* stored slots; 0: 2n·s' (every row and column of A holds an entry) */
    unsigned bits;       /* 1..SBE_MAX_BITS */
    /* Dilation of a rectangular matrix padded to n × n (F_ℓ: n_rows × n^ℓ):
     * when cols > 0, the indices holding an entry are the rows [0, rows)
     * (d = 0) and `cols` columns (d = 1) at unknown places, L = s'·(rows +
     * cols), and the prefix counts of the table are bounded above by
     * assuming the columns as spread out as possible: the cost is then an
     * upper bound (exact at every level d ≤ w + 0 of the slot bits). */
    mpz_t rows, cols;
} SbeShape;

void sbe_shape_init(SbeShape *sh);   /* n = 1, s = 1, L = 0, rows = cols = 0, bits = 1, symmetric, unary */
void sbe_shape_clear(SbeShape *sh);
/* The counts of the encoding sparse_be_build makes for a matrix of this
 * shape whose stored slots are the first L addresses (exact when every
 * row and column of A holds an entry and L = 0). Refuses n < 1, s < 1,
 * s > n, n of more than SBE_MAX_SHAPE_BITS bits, bits out of range,
 * L < 0 or L > 2^(q+1)·s', a select-swap block size beyond the address
 * qubits or needing more than 2^32 work qubits. */
#define SBE_MAX_SHAPE_BITS 1024
bool sparse_be_shape_cost(const SbeShape *sh, SbeCosts *out, char **err);

/* A few human lines: α, registers, the costs of V, U, cu and W. */
void sparse_be_print_costs(const SbeCosts *k, FILE *out);

#endif
