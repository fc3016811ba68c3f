/* model.h — size-only gradient-descent problems: a model described by its
 * shape, for `qgdc estimate` (docs/estimate.md), where n may be 10^9 and
 * nothing of size n is ever allocated.
 *
 * The update map is the same as a GdProblem's (problem.h),
 *     u(t+1) = u(t) + F_0 + F_1 u + F_2 u^⊗2 + … + F_q u^⊗q,
 * but each F_ℓ is known only by numbers: its nonzeros, its sparsity (the
 * most nonzeros in any row or any column of the n × n^ℓ matrix), a bound
 * on its entries and, for F_0, its 2-norm. A term can instead come from a
 * Matrix Market file (real, sparse: `coordinate real general|symmetric`),
 * whose statistics are then exact (mtx_path set; the matrix itself is not
 * kept). Column j of F_ℓ (ℓ ≥ 2) is the sorted multi-index's Kronecker
 * position, as in problem.h.
 *
 * Counts that can exceed 64 bits (n, nonzeros, nonempty rows/columns, r)
 * are GMP integers. Every field has been validated by sema when a problem
 * reaches a pass (model_verify is the IR checker). */
#ifndef QGDC_MODEL_H
#define QGDC_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "ir/problem.h"
#include "support/diag.h"
#include "support/json.h"

#define MODEL_MAX_N_BITS 128   /* n < 2^128: anything larger is refused as absurd */
#define MODEL_MAX_DEGREE 8     /* q */
#define MODEL_MAX_ORDER 16     /* Carleman order N */
#define MODEL_MAX_ANGLE_BITS 52 /* angle_bits: the fixed-point rotation's limit, SBE_MAX_BITS (sbe_qrom.h) */

typedef struct ModelTerm {
    bool present;        /* F_ℓ ≠ 0 (declared) */
    Loc loc;             /* where it was declared */
    mpz_t nnz;           /* nonzeros, ≥ 1 when present */
    uint64_t sparsity;   /* s_ℓ ≥ 1: most nonzeros in a row or a column */
    mpz_t rows;          /* nonempty rows (≤ n); given or n by default */
    mpz_t cols;          /* nonempty columns (≤ n^ℓ); given or min(nnz, n^ℓ) */
    double max_abs;      /* ‖F_ℓ‖max > 0 (a bound), finite */
    double norm2;        /* ℓ = 0: ‖F_0‖_2 > 0; else 0 (unused) */
    char *mtx_path;      /* NULL, or the Matrix Market file the numbers come from */
} ModelTerm;

typedef struct ModelProblem {
    char *name;
    Loc loc;             /* the `model` keyword */
    mpz_t n;             /* parameters, 1 ≤ n < 2^MODEL_MAX_N_BITS */
    unsigned q;          /* degree: largest ℓ declared (1 ≤ q ≤ MODEL_MAX_DEGREE) */
    ModelTerm F[MODEL_MAX_DEGREE + 1]; /* ℓ = 0..q; absent terms have present = false */
    double u_norm;       /* ‖u_in‖_2 > 0 */
    mpz_t r;             /* kept (read-out) parameters after pruning, 1 ≤ r ≤ n */
    uint64_t T;          /* steps per upload, ≥ 1 */
    int N;               /* Carleman order, 1 ≤ N ≤ MODEL_MAX_ORDER */
    uint64_t P;          /* idle blocks, default 0 */
    double kappa0;       /* > 1: the filter threshold (default 2(T+1)) */
    double eps;          /* target precision, 0 < ε < 1 */
    unsigned angle_bits; /* fixed-point angle bits of the data oracles (0: from ε) */
    unsigned clock_bits; /* 0: from κ0 and ε */
    uint64_t uploads;    /* re-upload rounds (total steps = uploads·T), ≥ 1, default 1 */
    Options opt;         /* the usual options block (those that apply) */
} ModelProblem;

void model_init(ModelProblem *m);     /* all zero, mpz's initialised */
/* F_0 as an n × 1 column from its nonzeros: rows = nnz, cols = 1,
 * sparsity = nnz (the column's count; UINT64_MAX beyond 64 bits). */
void model_term_column(ModelTerm *F);
/* The exact statistics of F_ℓ from its entries (row, column key, value),
 * in any order, without duplicates: nonzeros (zero values are skipped),
 * the sparsity (the most nonzeros in a row or a column), nonempty rows and
 * columns, max |a| and, for ℓ = 0, the 2-norm; present when any value is
 * nonzero. O(count log count) time and memory, nothing of the matrix's
 * dimensions. */
void model_term_from_entries(ModelTerm *F, unsigned l, size_t count, const uint32_t *row, const uint64_t *col,
                             const double *val);
/* A copy of a model (for sweeps: the caller changes n, T, … of the copy). */
void model_copy(ModelProblem *dst, const ModelProblem *src);
/* Rescales a model to n parameters keeping per-row sparsities, entry
 * bounds and the fractions of the counts: r, nonempty rows, nonzeros and
 * nonempty columns scale by n'/n (rounded down, at least 1, then clamped
 * to stay consistent: rows ≤ nnz ≤ rows·s, cols ≤ min(nnz, n^ℓ), nnz ≤
 * cols·s), ‖u‖ by √(r'/r) (kept weights of a fixed size), ‖F_0‖ kept. */
void model_rescale_n(ModelProblem *m, const mpz_t n);
void model_free(ModelProblem *m);     /* accepts a zeroed or freed struct */
/* The IR checker: every range above; false with messages on stderr. */
bool model_verify(const ModelProblem *m);
/* Stable text form (golden tests). */
void model_dump(const ModelProblem *m, FILE *out);
void model_json(const ModelProblem *m, JsonWriter *w);
/* model_free, then free(m); NULL is allowed (problem sets hold pointers). */
void model_problem_free(ModelProblem *m);

#endif
