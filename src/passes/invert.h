/* invert.h — pass_invert: the eigenvalue-filtered controlled rotation of
 * Liu et al. 2024, Theorem II.4 (eq. II.86), read from a phase-estimation
 * clock (qpe.h).
 *
 * For every clock value j = 0..2^p−1 the estimate of the eigenvalue of
 * H/α·α is λ̃_j = α·cos(2πj/2^p). With the cut-off λ_min > 0:
 *     |λ̃_j| ≥ λ_min (well):  ry(2·arcsin(λ_min/λ̃_j)) on the ancilla, so
 *                            |0⟩ → √(1 − (λ_min/λ̃_j)²)|0⟩ + (λ_min/λ̃_j)|1⟩
 *                            (the sign of λ̃_j is kept);
 *     |λ̃_j| < λ_min (ill):   the flag qubit is set to |1⟩ (ry(π)) and the
 *                            ancilla is left alone.
 * Both are uniformly controlled ry rotations (circ_multiplex) on the clock:
 * the exact construction, 2^p angles each. Post-selecting ancilla = 1 and
 * flag = 0 keeps Σ_{well j} (λ_min/λ̃_j)·|j⟩⟨j|.
 *
 * Needs: 1 ≤ p ≤ SIM_EXEC_MAX_MUX-sized tables are the caller's concern
 * (p ≤ 24 here: 2^p angles are stored), α > 0, 0 < λ_min ≤ α. Gives: a
 * definition `invert` on (clock[0..p−1], ancilla, flag) and the number of
 * well clock values. */
#ifndef QGDC_INVERT_H
#define QGDC_INVERT_H

#include <stdint.h>

#include "ir/circuit.h"

#define INVERT_MAX_CLOCK 24

typedef struct InvertInfo {
    uint64_t well, ill; /* clock values on each side of the cut */
} InvertInfo;

/* λ̃_j = α·cos(2πj/2^p). */
double invert_lambda(double alpha, unsigned p, uint64_t j);
/* The definition; info may be NULL. */
uint32_t pass_invert(Circuit *c, unsigned p, double alpha, double lambda_min, InvertInfo *info);

#endif
