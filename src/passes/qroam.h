/* qroam.h — select-swap table lookup (QROAM: Berry, Gidney, Motta,
 * McClean, Babbush, Quantum 3, 208 (2019), App. A; Low, Kliuchnikov,
 * Schaeffer, Quantum 8, 1375 (2024)), with the semantics and formal order
 * of sbe_qrom_def (sbe_qrom.h), built unitary and controllable (no
 * measurement: it sits inside V and V† of sparse_be), and an exact
 * closed-form cost in the resource counter's conventions, equal field by
 * field to res_count of the built definition (tests/unit/test_qroam.c).
 *
 * What it does. For a table t (sbe_qrom.h: L sorted addresses below
 * 2^abits, words of `width` bits; theta must be NULL — fixed-point data
 * only; a table with angles is an ICE) and a block size K = 2^k,
 * 0 ≤ k ≤ abits:
 *     |a⟩|z⟩|0…0⟩ ↦ |a⟩|z ⊕ w_a⟩|0…0⟩   (w_a = 0 when a is not stored).
 * Formal qubits: [0, abits) the address (formal 0 least significant),
 * [abits, abits + width) the data, then the work qubits:
 *     [flags]  F = max(0, abits − k − 1) unary-iteration flags, |0⟩ in
 *              and out;
 *     [regs]   K registers R_0 … R_{K−1} of width bits (bit j of R_p at
 *              regs + p·width + j), only when k ≥ 1: |0⟩ in and out
 *              (QROAM_CLEAN), or any state, returned unchanged
 *              (QROAM_DIRTY: borrowed qubits).
 * qroam_work gives F + (k ≥ 1 ? K·width : 0).
 *
 * Construction. Address a = (h, p), h = a >> k the block, p = a mod K.
 *   SELECT (unary iteration over the distinct blocks h holding a stored
 *     address, sbe_unary_iterate with shift k): at block h's leaf, for each
 *     stored a = (h, p), R_p ^= w_a by cx from the leaf's flag (Clifford).
 *   SWAP (the swap network on the low k address bits): for j = 0 … k−1,
 *     under address bit j, cswap R_i ↔ R_{i+2^j} (all width bits) for
 *     every i ≡ 0 mod 2^(j+1): afterwards R_0 holds what R_p held.
 *     K − 1 register swaps, width·(K − 1) cswaps, one CCZ each (the
 *     lowering: cx · ccx · cx).
 *   clean:  SELECT, SWAP, data ^= R_0 (cx), SWAP†, SELECT.
 *   dirty:  SWAP, data ^= R_0, SWAP†, SELECT, SWAP, data ^= R_0, SWAP†,
 *           SELECT — the registers' own contents v_p cancel (data gets
 *           v_p, then v_p ⊕ w_a), and the second SELECT restores them.
 *   k = 0 (K = 1), either variant: no registers; SELECT writes into the
 *     data register directly: the circuit of SBE_QROM_UNARY.
 *
 * Counts (one uncontrolled call; qgdc's convention: every Toffoli is a
 * ccx, the AND flags of the unary iteration are uncomputed with ccx, not
 * by measurement, and the registers are unloaded unitarily). With N_d the
 * number of distinct a >> d over the stored addresses and
 *     U_k = Σ_{d=k+1}^{abits−1} N_d      (the trie over the blocks),
 *   k = 0:        CCZ = 2·U_0                        (= SBE_QROM_UNARY)
 *   clean, k ≥ 1: CCZ = 4·U_k + 2·width·(K − 1)
 *   dirty, k ≥ 1: CCZ = 4·U_k + 4·width·(K − 1)
 * T 0, rotations 0, lowering ancillas 0, qubits abits + width + work.
 * For the contiguous table {0, …, L−1}, N_d = ⌈L/2^d⌉ and
 * U_k = ⌈L/K⌉ − 2 + O(abits − k) ≈ L/K: clean CCZ ≈ 4⌈L/K⌉ + 2·width·(K − 1),
 * minimal near K ≈ √(2L/width).
 *
 * Against Qualtran (qualtran/bloqs/data_loading/qroam_clean.py; Qualtran
 * issue #368). Qualtran's clean load costs ⌈L/K⌉ + b(K − 1) Toffolis and
 * leaves K − 1 junk registers, which QROAMCleanAdjoint then clears by
 * measurement (⌈L/K'⌉ + K' more, independent of b); its dirty formula is
 * 2⌈L/K⌉ + 4b(K − 1). Ours differs by convention only: the unary
 * iteration over ⌈L/K⌉ blocks is counted as 2 CCZ per node (compute and
 * ccx uncompute of each AND) instead of 1 with measurement-based
 * uncompute, and the load is undone unitarily (SELECT and SWAP again)
 * instead of by measurement. So ours = 4 × Qualtran's ⌈L/K⌉ term and
 * 2 × its b(K − 1) term (clean, load + unload), and 2 × its 2⌈L/K⌉ term
 * with the same 4b(K − 1) (dirty). The dirty variant costs 2·width·(K − 1)
 * more than the clean one; it pays only where its registers are borrowed
 * from idle qubits (sparse_be allocates them as work qubits all the same,
 * and reports them as borrowable: SbeCosts.dirty).
 *
 * Sizes: building is for tables within sbe_qrom.h's build limits and
 * K·width ≤ QROAM_MAX_BUILD_REGQUBITS; the cost functions take any size
 * (abits ≤ SBE_MAX_ABITS, k ≤ abits) as GMP integers. */
#ifndef QGDC_QROAM_H
#define QGDC_QROAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "ir/circuit.h"
#include "passes/sbe_qrom.h"

#define QROAM_MAX_BUILD_REGQUBITS ((uint64_t)1 << 24) /* building: K·width */

typedef enum QroamVariant { QROAM_CLEAN = 0, QROAM_DIRTY } QroamVariant;

/* The prefix profile of an address set: N[d] = the number of distinct
 * a >> d over the stored addresses, d = 0 … abits (N[0] = L; N[abits] =
 * 1 when L ≥ 1). The cost and the chooser need nothing else; a caller
 * that only bounds N[d] from above gets upper bounds. */
typedef struct QroamPrefix {
    unsigned abits;
    mpz_t *N; /* [abits + 1] */
} QroamPrefix;

void qroam_prefix_init(QroamPrefix *p, unsigned abits); /* all zero; abits ≤ SBE_MAX_ABITS */
void qroam_prefix_clear(QroamPrefix *p);
/* The contiguous table {0, …, L−1}: N[d] = ⌈L/2^d⌉ (0 ≤ L ≤ 2^abits). */
void qroam_prefix_contiguous(QroamPrefix *p, const mpz_t L);
/* Counted from a table's addresses (p->abits must be t->abits). */
void qroam_prefix_table(QroamPrefix *p, const SbeTable *t);

/* Work qubits (flags + registers) of block size 2^k; the registers alone
 * (the borrowable ones of the dirty variant) in *regs when not NULL. ICE
 * when k > abits or the count exceeds 64 bits. */
uint64_t qroam_work(unsigned k, unsigned abits, unsigned width, uint64_t *regs);
/* The same as GMP integers (any k ≤ abits). */
void qroam_work_mpz(unsigned k, unsigned abits, unsigned width, mpz_t work, mpz_t regs);

/* Appends the definition (formals as above) and returns its index. */
uint32_t qroam_def(Circuit *c, const char *name, const SbeTable *t, QroamVariant v, unsigned k);

/* Exact counts of the definition over an address set of this profile
 * (qubits = abits + width + work). */
void qroam_cost(QroamVariant v, unsigned k, const QroamPrefix *p, unsigned width, SbeCost *out);
/* The same for the contiguous table {0, …, L−1}. */
void qroam_cost_contiguous(QroamVariant v, unsigned k, unsigned abits, const mpz_t L, unsigned width, SbeCost *out);
/* The same for a table (counted from its addresses). */
void qroam_table_cost(QroamVariant v, unsigned k, const SbeTable *t, SbeCost *out);

/* Qubits beyond those of SBE_QROM_UNARY (abits + width + max(0, abits − 1))
 * at block size 2^k: qroam_work − max(0, abits − 1); 0 for k = 0. GMP. */
void qroam_extra_qubits(unsigned k, unsigned abits, unsigned width, mpz_t out);
/* The k in [0, abits] with the fewest CCZ whose extra qubits
 * (qroam_extra_qubits) are at most max_extra; ties go to the smaller k
 * (fewer qubits). k = 0 (unary iteration, no extra qubit) is always
 * admissible. */
unsigned qroam_choose_k(QroamVariant v, const QroamPrefix *p, unsigned width, uint64_t max_extra);
unsigned qroam_choose_k_contiguous(QroamVariant v, unsigned abits, const mpz_t L, unsigned width,
                                   uint64_t max_extra);

#endif
