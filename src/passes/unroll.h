/* unroll.h — pass_unroll: Carleman matrix → the unrolled linear system
 * M ŷ = B of paper eq. (6).
 *
 * Requires: a Carleman built by carleman_build (the constant part; its
 * problem still alive). Guarantees: a LinSystem (linear.h) with time blocks
 * t = 0..T+P of D = 2^⌈log2 Δ⌉ rows each and
 *     block 0:          ŷ(0)                  = ŷ_in = (u, u⊗u, …, u^⊗N)
 *     block t = 1..T:   ŷ(t) − C(t−1) ŷ(t−1)  = c(t−1)
 *     block t > T:      ŷ(t) − ŷ(t−1)         = 0        (P idle blocks)
 *     padding rows:     identity, right-hand side 0
 * so M is lower triangular with unit diagonal (det M = 1), the padding adds
 * only singular values 1, and each index is (time, level, position)
 * (lin_system_split). C(t−1) = C unless the problem has noise and N ≥ 2
 * (then C(t−1) is rebuilt per step by carleman_build_at); c(t−1) includes
 * the noise ξ(t−1). Built row by row directly in CSR (no sorting): time
 * and memory proportional to nnz(M) ≈ T·nnz(C) + (T+1+P)·D. Sizes are
 * computed with GMP first; a system that would not fit in mem_budget() is
 * refused with a message (false, malloc'd *err, or diag_plain when err is
 * NULL), and `out` then still holds the shape (lin_system_free it). */
#ifndef QGDC_UNROLL_H
#define QGDC_UNROLL_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/linear.h"
#include "passes/carleman.h"

/* The pass: P from the problem's idle_blocks option. */
bool pass_unroll(const Carleman *cm, LinSystem *out, char **err);
bool unroll_build(const Carleman *cm, uint64_t P, LinSystem *out, char **err);

#endif
