/* carleman_be.h — the structured block encoding of the unrolled Carleman
 * system (paper form), built as hierarchical circuit IR whose size is
 * polylogarithmic in n apart from the data oracles (docs/block_encoding.md
 * section 5, docs/estimate.md).
 *
 * The matrix (unroll.h, paper form, constant F_0, blocks t = 0..T+P):
 *     M = I − S·G,  S = Σ_{t<T+P} |t+1⟩⟨t|,  G = Π_{t<T} ⊗ C + Π_{t≥T} ⊗ I,
 *     C = I + A,    A = Σ_ℓ Σ_pos (F_ℓ acting on the factors pos..pos+ℓ−1).
 *
 * System registers (formals of the definitions, in this order):
 *   t[tb]       time block, tb = ⌈log2(T+P+1)⌉ (at least 1)
 *   lv[N]       level in thermometer code: slot m is active iff lv[m] = 1;
 *               level j ⟺ lv = 1…1 0…0 (j ones)
 *   f[N][qn]    factor slots, qn = max(1, ⌈log2 n⌉); level j holds
 *               u_{i_1} ⋯ u_{i_j} as slots 1..j = i_1..i_j, the others 0
 * A real index (t, j, i_1..i_j) is unroll's row t·D + off[j] + Σ i_m n^(j−m)
 * (cbe_real_index). Every other basis state is padding: the encoding maps
 * padding to padding, so M is M_real ⊕ M_pad exactly and the padding never
 * meets a real right-hand side.
 *
 * U_M (definition PREFIX_um, control last) is an LCU:
 *   PREP on m_sel: √(1/α_M)|0⟩ + √(α_C/α_M)|1⟩; SELECT: on m_sel ∧ control,
 *   G then S and a −1; G compares t < T: below, C's LCU — PREP over sel
 *   (the identity with weight 1, each pair (ℓ, pos) with weight α_ℓ), each
 *   pair's validity checked on lv (and, for ℓ = 0, the free slot N being
 *   zero; an invalid pair sets `kill`), a permutation of slots bringing the
 *   consumed slots to the front, the oracle of F_ℓ on them, a permutation
 *   to the final order — above, RY on g with ⟨0|RY|0⟩ = 1/α_C; S increments
 *   t and sets kill when t ≥ T+P. So
 *       α_M = 1 + α_C,  α_C = 1 + Σ_pairs α_ℓ,
 *       α_ℓ = s'_ℓ·‖F_ℓ‖max (ℓ ≥ 1, the sparse-access encoding of sparse_be
 *             on the n'^ℓ-dimensional padding of F_ℓ),  α_0 = ‖F_0‖₂,
 *   pairs: ℓ ≥ 1 with pos = 1..N−ℓ+1; ℓ = 0 (N ≥ 2) with pos = 1..N.
 * The oracles: F_ℓ (ℓ ≥ 1) is sparse_be's controlled U (`cu`), its row
 * register the factor slots 1..ℓ (slot 1 least significant) and the
 * dilation qubit, entered on the column side; F_0 is a controlled dense
 * state preparation of F_0/‖F_0‖ on the factor register of the new slot.
 * U_H (PREFIX_uh) is the Hermitian dilation X_d·(|1⟩⟨1|⊗U_M + |0⟩⟨0|⊗U_M†)
 * with ⟨0|U_H|0⟩ = [[0, M], [Mᵀ, 0]]/α_M on (sys, d), d the last system
 * qubit (solution on d = 1, as dilate.h), then U_M's flags and one AND
 * helper; PREFIX_walk_c is the controlled qubitized walk for phase
 * estimation: the control first (qpe.h), then U_H's formals.
 *
 * Oracles are built (explicit) from a GdProblem, or declared (opaque,
 * circuit_declare) from the shape alone with the closed-form costs of
 * sparse_be and state_prep, so the same generator counts n = 10^9. */
#ifndef QGDC_CARLEMAN_BE_H
#define QGDC_CARLEMAN_BE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "ir/circuit.h"
#include "ir/model.h"
#include "ir/problem.h"
#include "passes/sparse_be.h"

#define CBE_MAX_PAIRS 256

typedef struct CbePair {
    unsigned l, pos; /* F_ℓ at slot pos (1-based) */
} CbePair;

/* The F_ℓ tables' lookup: qrom, and for the select-swap kinds
 * (SBE_QROM_SELSWAP, SBE_QROM_SELSWAP_DIRTY; qroam.h) the block size
 * 2^qroam_k, or SBE_QROAM_AUTO: for each table the k with the fewest CCZ
 * whose work qubits exceed unary iteration's by at most qroam_max_extra
 * (the oracles share one pool of work qubits, so the whole encoding grows
 * by at most that much). The shape's choice is used for built (explicit)
 * oracles too, so both give the same layout. */
typedef struct CbeOptions {
    unsigned bits;        /* fixed-point angle bits of the F_ℓ tables, ≥ 1 */
    SbeQromKind qrom;     /* table lookup (unary iteration by default) */
    bool explicit_oracles;/* build the oracles from data (needs the GdProblem) */
    unsigned qroam_k;     /* select-swap: block size 2^qroam_k, or SBE_QROAM_AUTO */
    uint64_t qroam_max_extra; /* with SBE_QROAM_AUTO: extra qubits allowed per table */
} CbeOptions;

typedef struct CarlemanBE {
    /* shape */
    unsigned N, q, qn, tb, sb;  /* order, degree, factor qubits, time qubits, sel qubits */
    uint64_t T, P;
    mpz_t n;
    CbePair pair[CBE_MAX_PAIRS];
    unsigned npairs;
    double alpha_l[MODEL_MAX_DEGREE + 1]; /* α_ℓ (0 when absent) */
    double alpha_A, alpha_C, alpha_M;
    /* layout of U_M's formals */
    uint32_t t, lv, f;          /* system: t[tb], lv[N], f[N·qn] (slot m at f + m·qn) */
    uint32_t nsys;              /* tb + N + N·qn */
    uint32_t m_sel, kill, g, sel, mm, lt, c1, c2, e, e2, okl, pool, npool;
    uint32_t nflags;            /* qubits [nsys, nsys + nflags): projected on |0⟩ */
    uint32_t control;           /* the last formal of PREFIX_um */
    uint32_t nformals;          /* of PREFIX_um: nsys + nflags + 1 */
    /* definitions */
    uint32_t def_reflect; /* 2|0><0| − I on the flags and the helper (the walk's R) */
    uint32_t def_um, def_uh, def_walk_c, def_prep_sel, def_oracle[MODEL_MAX_DEGREE + 1];
    bool oracle_opaque;
    SbeCosts oracle_cost[MODEL_MAX_DEGREE + 1]; /* ℓ ≥ 1: the table encodings (cu is the one called) */
} CarlemanBE;

/* Builds the encoding into c (definitions only; nothing in c->main). From
 * the model's shape (m) and, when o->explicit_oracles, the data of p (the
 * paper form of p's map; p->n must equal m->n, no noise). False with a
 * malloc'd *err (too many pairs or qubits, bad sizes, data too large to
 * build). */
bool cbe_build(Circuit *c, const char *prefix, const ModelProblem *m, const GdProblem *p, const CbeOptions *o,
               CarlemanBE *out, char **err);
void cbe_free(CarlemanBE *be);

/* The statistics of a GdProblem as a ModelProblem (exact sparsities,
 * nonzeros, norms), with T, N, P, κ0, ε and the clock bits from its
 * options. */
bool cbe_model_of(const GdProblem *p, ModelProblem *m, char **err);

/* The basis index (over U_M's system qubits, t lowest) of the real index
 * (t, level j ≥ 1, factors i[0..j−1]). */
uint64_t cbe_real_index(const CarlemanBE *be, uint64_t t, unsigned j, const uint32_t *i);

#endif
