/* dilate.h — pass_dilate: the Hermitian matrix the block encoding
 * encodes, from a square linear system M x = B (DESIGN.md, "dilate").
 *
 * When M is not symmetric, the dilation
 *     H = [[0, M'], [M'ᵀ, 0]],  right-hand side (B', 0),
 * with M' = M padded with the identity to d = 2^⌈log2 dim⌉ rows and B'
 * = B padded with zeros. Then H (a; x) = (B'; 0) has a = 0 and x = M'⁻¹B',
 * whose first dim entries are M⁻¹B: the solution sits in the lower half,
 * the dilation qubit (the most significant of the s = log2(2d) qubits)
 * equal to 1. The eigenvalues of H are ±σ_i(M'); the padding adds only
 * ±1, which is never filtered as long as ‖M‖ ≥ 1 ≥ ‖M‖/κ0, and has no
 * overlap with the right-hand side. When M is symmetric (the NTK kernel)
 * there is no dilation: H = M' itself, s = log2 d.
 *
 * Needs: M square, finite; rhs[dim] not all zero. Gives: H dense
 * (row-major, 2^s × 2^s, symmetric) and b[2^s]. Refuses (false, malloc'd
 * *err) more than DILATE_MAX_QUBITS qubits — the exact Pauli encoding
 * that consumes H is exponential — or an H over the memory budget. */
#ifndef QGDC_DILATE_H
#define QGDC_DILATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ir/linear.h"

#define DILATE_MAX_QUBITS 12

typedef struct Dilation {
    bool dilated;   /* false: H = M' (M symmetric) */
    unsigned s;     /* qubits of H */
    size_t n;       /* 2^s */
    size_t dim;     /* rows of M */
    size_t half;    /* d: rows of M' (n/2 when dilated, n otherwise) */
    double *H;      /* [n·n] */
    double *b;      /* [n] */
} Dilation;

bool pass_dilate(const SpMat *M, const double *rhs, Dilation *out, char **err);
void dilation_free(Dilation *d);
/* Index in H's space of solution entry i < dim. */
size_t dilation_solution_index(const Dilation *d, size_t i);
/* Stable text: the shape, H's upper-triangle nonzeros, b's nonzeros
 * (--dump-after=dilate). */
void dilation_dump(const Dilation *d, FILE *out);
/* True when M equals its transpose exactly. */
bool sp_is_symmetric(const SpMat *M);

#endif
