/* sbe_qrom.h — circuit primitives of the sparse-access block encoding
 * (sparse_be.h), each with an explicit decomposition (a definition appended
 * to a Circuit) and an exact closed-form cost in the resource counter's
 * conventions (resources.h), so that a table of 10^10 entries is costed
 * without being built. The cost of a definition is that of one uncontrolled
 * call of it, as res_count finds it in the lowering (lower.h): the tests
 * (tests/unit/test_sparse_be.c) check that the two agree exactly.
 *
 * ---- Table lookup (QROM) -------------------------------------------------
 * A table is a set of L distinct addresses a_0 < a_1 < … < a_{L−1} below
 * 2^abits, each with a data word w_l (width ≤ 64 bits) and optionally an
 * angle θ_l. The definition acts as
 *     |a⟩|z⟩ ↦ |a⟩ · RY_r(θ_l) |z ⊕ w_l⟩     when a = a_l is stored,
 *     |a⟩|z⟩ ↦ |a⟩|z⟩                       when a is not stored,
 * RY applied, after the XOR, to data qubit r = rot_bit (none when the table
 * has no angles or θ_l = 0). Every address, stored or not, is handled
 * exactly: no "don't care" addresses.
 *   Formal qubits: [0, abits) the address (formal 0 the least significant
 * bit), [abits, abits + width) the data (bit j of w_l on formal abits + j),
 * then sbe_qrom_work(kind, abits) work qubits, which must be |0⟩ on entry
 * and are |0⟩ on exit.
 *
 * Two decompositions:
 *   SBE_QROM_UNARY — unary iteration (Babbush et al., PRX 8, 041015 (2018),
 *     section III.A and Fig. 7) over the binary trie of the stored
 *     addresses. A node of level d (its subtree holds the addresses that
 *     agree on bits d..abits−1) has a flag, the AND of a control and the
 *     address bits above it: the root (level abits) has none (always on),
 *     its children's flags are the literal ¬a_{abits−1} / a_{abits−1} (no
 *     gate), and below that a node at level d ≥ 1 with flag f makes its
 *     children's flag on work qubit d−1: fL = f ∧ ¬a_{d−1} by one ccx
 *     (with negative controls), the left subtree, fR = fL ⊕ f = f ∧ a_{d−1}
 *     by one cx (the sibling trick of Fig. 7), the right subtree, and the
 *     flag is cleared by one ccx; a node with one populated child computes
 *     and clears that child's flag (one ccx each). A leaf applies its word
 *     as cx from its flag and its rotation as a singly controlled RY.
 *     Work qubits: max(0, abits − 1). CCZ (each ccx one CCZ):
 *         2 · Σ_{d=1}^{abits−1} N_d,
 *     N_d the number of level-d nodes holding a stored address (the
 *     distinct values a_l >> d); for the contiguous table {0, …, L−1},
 *     N_d = ⌈L/2^d⌉ and the sum is 2L − 4 + O(abits) — Babbush et al.'s
 *     L − 2 Toffolis, doubled because the flags are uncomputed by ccx (the
 *     measurement-based uncomputation of Gidney's temporary AND would
 *     halve it, but the definition must stay unitary and controllable).
 *   SBE_QROM_MCX — one definition per stored address (its word as x gates
 *     and its RY, uncontrolled) called under abits controls of the
 *     address's polarity. No work qubits; in the lowering each call ANDs
 *     its abits controls into abits − 1 ancillas: CCZ 2·L·(abits − 1)
 *     (abits ≥ 2; 0 for abits ≤ 1), lowering ancillas abits − 1. Simple
 *     and cheap to simulate (no work qubits in the state vector); O(log L)
 *     times more Toffolis than unary iteration.
 * Both: cx/x are Clifford (free); the rotation of a leaf, RY(θ) under one
 * control, lowers to ry(θ/2) cx ry(−θ/2) cx: two rotations, or two T when
 * θ/2 is an odd multiple of π/4, or nothing non-Clifford when it is an
 * even one (lower.h's snapping, replayed by sbe_ry_cost); when abits = 0
 * the single leaf is uncontrolled and its RY(θ) counts once.
 *
 * ---- Fixed-point rotation ------------------------------------------------
 * sbe_rot_fixed_def: formals [0, b) a register Θ (formal 0 the least
 * significant bit), formal b the target:
 *     |t⟩_Θ |x⟩ ↦ |t⟩ RY(π·t/2^b) |x⟩,  t ∈ [0, 2^b),
 * as b rotations RY(π·2^(l−b)) controlled by bit l (angles exact in
 * binary). Cost: bit b−1 (RY(π/2) under control: ry(±π/4)) is 2 T, each
 * other bit 2 rotations: T = 2, rotations = 2(b − 1) (b ≥ 1), no CCZ.
 *
 * ---- Reflection ----------------------------------------------------------
 * sbe_reflect_def: 2|0⟩⟨0| − I on 1 ≤ m ≤ SBE_MAX_REFLECT qubits, global
 * phase included: a
 * negctrl(m) @ gphase(π) (−1 on |0…0⟩) and a gphase(π). Lowered: p(π) on
 * one qubit under m − 1 (negative) controls: CCZ 2(m − 2) and m − 2
 * lowering ancillas for m ≥ 3, Clifford for m ≤ 2.
 *
 * Names: each function takes a name (a valid OpenQASM identifier) that no
 * definition of c has yet; SBE_QROM_MCX also defines NAME_l<j> for the
 * j-th stored address. A name already taken is an ICE (a caller's bug).
 * Sizes: building is for tables that fit in memory (abits ≤ 62, L ≤ 2^31);
 * the cost functions take any size as GMP integers (abits ≤ SBE_MAX_ABITS). */
#ifndef QGDC_SBE_QROM_H
#define QGDC_SBE_QROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h: declares mpz_out_str */

#include <gmp.h>

#include "ir/circuit.h"
#include "ir/model.h"

#define SBE_MAX_ABITS 4096    /* cost functions: address qubits */
#define SBE_MAX_REFLECT (1u << 24) /* reflection: qubits (flag sets that hold select-swap registers) */
#define SBE_MAX_BUILD_ABITS 62 /* building: address qubits */
#define SBE_MAX_BUILD_ENTRIES ((size_t)1 << 31) /* building: table entries */

/* SBE_QROM_SELSWAP and SBE_QROM_SELSWAP_DIRTY are the select-swap lookups
 * of qroam.h (clean and dirty registers); they need a block size, so the
 * functions of this header that take a kind refuse them (ICE): callers
 * use qroam_def / qroam_cost (sparse_be does). */
typedef enum SbeQromKind { SBE_QROM_UNARY = 0, SBE_QROM_MCX, SBE_QROM_SELSWAP, SBE_QROM_SELSWAP_DIRTY } SbeQromKind;

/* Counts of one uncontrolled call of a definition, in the resource
 * counter's conventions (resources.h): ccz = ccx gates of the lowering,
 * t = t + tdg, rotations = rx/ry/rz/p by angles that are not multiples of
 * π/4, qubits = the definition's formal qubits, ancillas = the peak number
 * of ancillas its lowering adds (ResCounts.ancillas). Clifford gates are
 * free and not counted here (their number depends on the data bits). */
typedef struct SbeCost {
    mpz_t ccz, t, rotations, qubits, ancillas;
} SbeCost;

void sbe_cost_init(SbeCost *k);   /* all zero */
void sbe_cost_clear(SbeCost *k);
void sbe_cost_set(SbeCost *dst, const SbeCost *src);
/* Sequential composition inside one definition: ccz, t and rotations add,
 * ancillas take the maximum, qubits are left alone (the caller sets the
 * enclosing definition's). */
void sbe_cost_add(SbeCost *acc, const SbeCost *x);
/* The same, k times (a repeated call). */
void sbe_cost_addmul(SbeCost *acc, const SbeCost *x, const mpz_t k);
/* One line "CCZ 12, T 4, rotations 6, qubits 17, lowering ancillas 3". */
void sbe_cost_print(const SbeCost *k, FILE *out);

/* Adds to k the non-Clifford gates of RY(θ) with nctrl ∈ {0, 1} controls
 * as the lowering emits them (θ = 0: nothing; nctrl 0: the angle θ; 1:
 * the angles ±θ/2; each a rotation, a T (odd multiple of π/4) or nothing
 * (even multiple)). ICE for nctrl ≥ 2. */
void sbe_ry_cost(double theta, unsigned nctrl, SbeCost *k);

/* ---- table lookup ---- */

typedef struct SbeTable {
    unsigned abits;        /* address qubits, ≤ SBE_MAX_BUILD_ABITS */
    size_t L;              /* stored addresses (0: the identity) */
    const uint64_t *addr;  /* [L] strictly increasing, < 2^abits; NULL: 0, 1, …, L−1 */
    unsigned width;        /* data qubits, ≤ 64 */
    const uint64_t *word;  /* [L] (bits ≥ width must be 0) */
    const double *theta;   /* NULL, or [L]: RY(θ_l) on data qubit rot_bit after the XOR */
    unsigned rot_bit;      /* < width, when theta is not NULL */
} SbeTable;

unsigned sbe_qrom_work(SbeQromKind kind, unsigned abits);
/* Appends the definition (formals as above) and returns its index. */
uint32_t sbe_qrom_def(Circuit *c, const char *name, const SbeTable *t, SbeQromKind kind);

/* The address decoding of a contiguous table {0, …, L−1} (L ≥ 0 any size,
 * abits ≤ SBE_MAX_ABITS with L ≤ 2^abits): CCZ, lowering ancillas and
 * qubits = abits + width + work. Leaf rotations are not included (add
 * sbe_ry_cost per leaf, or use sbe_qrom_table_cost). */
void sbe_qrom_cost(SbeQromKind kind, unsigned abits, const mpz_t L, unsigned width, SbeCost *k);
/* The same from the sum Σ_{d=1}^{abits−1} N_d of the stored address
 * prefixes (any address set of L entries whose prefix counts are known or
 * bounded by the caller). */
void sbe_qrom_cost_sum(SbeQromKind kind, unsigned abits, const mpz_t L, unsigned width, const mpz_t sum, SbeCost *k);
/* The exact cost of the table's definition: the decoding of its actual
 * address set (N_d counted from the addresses) plus its leaf rotations. */
void sbe_qrom_table_cost(SbeQromKind kind, const SbeTable *t, SbeCost *k);

/* ---- unary iteration, shared with qroam.c ---- */

/* The control of a trie node: always on (the root), an address bit
 * (negated when neg: the root's children), or a work qubit. */
typedef struct SbeFlag {
    enum { SBE_FL_TRUE, SBE_FL_LIT, SBE_FL_QUBIT } kind;
    uint32_t q;
    bool neg;
} SbeFlag;

/* Gate g (parameter th, if any) on formal tq, controlled by the flag. */
void sbe_flagged(Circuit *c, Block *b, SbeFlag f, GateKind g, uint32_t tq, double th);
/* A leaf of the trie: the entries [first, last) share a >> shift. */
typedef void (*SbeLeafFn)(void *ctx, SbeFlag f, size_t first, size_t last);
/* Appends to b the unary iteration of SBE_QROM_UNARY over the keys
 * a_l >> shift of t's addresses (shift ≤ abits): a trie of abits − shift
 * levels whose level-d node tests address formal shift + d − 1 and keeps
 * its children's flag on formal work0 + d − 1 (abits − shift − 1 work
 * qubits), calling leaf once per distinct key, in increasing order. CCZ:
 * 2·Σ_{d=shift+1}^{abits−1} N_d (the leaves' gates excluded). */
void sbe_unary_iterate(Circuit *c, Block *b, const SbeTable *t, unsigned shift, uint32_t work0, SbeLeafFn leaf,
                       void *ctx);
/* ICE unless name is a valid identifier that no definition NAME or
 * NAME_… of c uses. */
void sbe_check_name(const Circuit *c, const char *name);
/* ICE unless t is within the build limits and well formed (sorted
 * addresses in range, words within the width, finite angles). */
void sbe_table_check(const SbeTable *t);

/* ---- fixed-point controlled rotation ---- */

#define SBE_MAX_BITS 52 /* angle bits: π·2^(−b) stays far above the rounding of π */
/* sema checks a model's angle_bits against MODEL_MAX_ANGLE_BITS without this header */
_Static_assert(SBE_MAX_BITS == MODEL_MAX_ANGLE_BITS, "ir/model.h: MODEL_MAX_ANGLE_BITS must equal SBE_MAX_BITS");

/* 1 ≤ b ≤ SBE_MAX_BITS. */
uint32_t sbe_rot_fixed_def(Circuit *c, const char *name, unsigned b);
void sbe_rot_fixed_cost(unsigned b, SbeCost *k);
/* The angle the register value t applies: π·t/2^b. */
double sbe_rot_fixed_angle(uint64_t t, unsigned b);

/* ---- reflection about |0…0⟩ ---- */

uint32_t sbe_reflect_def(Circuit *c, const char *name, unsigned m);
void sbe_reflect_cost(unsigned m, SbeCost *k);

#endif
