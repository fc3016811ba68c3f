/* linear.h — the linear IR, second of qgdc's three IRs.
 *
 * Produced by pass_carleman (the truncated Carleman matrix C and vector c)
 * and pass_unroll (the unrolled system M ŷ = B of paper eq. 6); consumed by
 * the classical references (passes/reference.h) and the dilation / block
 * encoding passes.
 *
 * Contents:
 *   SpMat      a CSR matrix of doubles: rows in order, columns strictly
 *              increasing within a row, no explicit zeros, all finite.
 *   SpBuilder  a triplet list that becomes a SpMat (duplicates summed,
 *              exact zeros dropped).
 *   LinLevels  the Carleman level structure ŷ = (u, u⊗u, …, u^⊗N): level j
 *              holds n^j entries at offset off[j] (off[1] = 0, off[N+1] = Δ,
 *              Δ = n + … + n^N); the position of (i_1..i_j) within level j
 *              is Σ_m i_m n^(j−m) (natural Kronecker order).
 *   LinSystem  the unrolled system: T+1+P time blocks of D = 2^block_bits
 *              ≥ Δ rows each (row t·D + off[j] + pos is level j, position
 *              pos of time block t; rows off[N+1]..D−1 of a block are
 *              padding), the matrix M and right-hand side rhs.
 *
 * Sizes: Δ, D and the total dimension are GMP integers (mpz_t) so that a
 * problem far too large to build can still be described; the size_t twins
 * (dim, off, block, …) are valid only when `fits` / `materialised` says so.
 * Every struct here has an init/free pair; free functions accept zeroed or
 * already-freed structs. */
#ifndef QGDC_LINEAR_H
#define QGDC_LINEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h: declares mpz_out_str */

#include <gmp.h>

/* ---- sparse matrices ---- */

typedef struct SpMat {
    size_t rows, cols, nnz;
    size_t *rowptr; /* [rows + 1] */
    size_t *col;    /* [nnz], strictly increasing within a row */
    double *val;    /* [nnz], finite, non-zero */
} SpMat;

typedef struct SpBuilder {
    size_t rows, cols;
    size_t n, cap;
    size_t *r, *c;
    double *v;
} SpBuilder;

void sp_builder_init(SpBuilder *b, size_t rows, size_t cols);
/* Makes room for `more` further triplets (avoids the doubling overshoot
 * when the count is known). */
void sp_builder_reserve(SpBuilder *b, size_t more);
/* Adds v at (r, c); repeated positions are summed by sp_builder_finish. */
void sp_push(SpBuilder *b, size_t r, size_t c, double v);
/* Sorts (counting sort by row, then by column within each row), sums
 * duplicates, drops exact zeros; frees the builder's triplets. O(nnz +
 * rows + Σ_rows k log k) time. */
void sp_builder_finish(SpBuilder *b, SpMat *out);
void sp_builder_free(SpBuilder *b);

void sp_free(SpMat *a);
/* y = A x (y must not alias x). */
void sp_matvec(const SpMat *a, const double *x, double *y);
/* Entry (r, c), 0 when not stored (binary search in row r). */
double sp_get(const SpMat *a, size_t r, size_t c);
/* Dense row-major copy into out[rows·cols]. */
void sp_to_dense(const SpMat *a, double *out);
/* Frobenius norm; the max-row-sum and max-column-sum norms (their geometric
 * mean bounds the spectral norm from above). */
double sp_norm_fro(const SpMat *a);
double sp_norm_inf(const SpMat *a);
double sp_norm_one(const SpMat *a);
/* Structural checks (the IR verifier): false with a message on stderr. */
bool sp_verify(const SpMat *a, const char *what);

/* ---- Carleman levels ---- */

typedef struct LinLevels {
    uint32_t n;  /* parameters */
    int N;       /* truncation order, levels 1..N */
    mpz_t delta; /* Δ = n + n² + … + n^N */
    bool fits;   /* Δ (and so every level size) fits in size_t */
    size_t dim;  /* Δ when fits */
    size_t *off; /* [N + 2] when fits: level j at off[j]; off[N+1] = Δ */
} LinLevels;

/* N ≥ 1, n ≥ 1. Never allocates more than N + 2 words. */
void lin_levels_init(LinLevels *lv, uint32_t n, int N);
void lin_levels_free(LinLevels *lv);
/* Level j (1..N) and position of index i < Δ (requires fits). */
void lin_levels_split(const LinLevels *lv, size_t i, int *level, size_t *pos);
/* Writes "y2(0,1)"-style text for index i < Δ into buf. */
const char *lin_levels_name(const LinLevels *lv, size_t i, char *buf, size_t len);

/* ---- the unrolled system ---- */

typedef struct LinSystem {
    LinLevels lv;
    uint64_t T, P;      /* steps, idle blocks: time blocks t = 0..T+P */
    unsigned block_bits;
    mpz_t block;        /* D = 2^block_bits ≥ Δ, rows per time block */
    mpz_t nblocks;      /* T + P + 1 */
    mpz_t dim;          /* nblocks · D */
    bool fits;          /* dim fits in size_t (indices can be materialised) */
    size_t block_sz, nblocks_sz, dim_sz; /* when fits */
    bool materialised;  /* M and rhs are built */
    SpMat M;            /* dim × dim */
    double *rhs;        /* [dim] */
} LinSystem;

/* Shape only (GMP sizes, no matrix): cheap for any n, N, T, P. */
void lin_system_shape(LinSystem *s, uint32_t n, int N, uint64_t T, uint64_t P);
void lin_system_free(LinSystem *s);
/* Splits row/column index i < dim into (time block, level, position);
 * returns false (level 0) for a padding index. Requires fits. */
bool lin_system_split(const LinSystem *s, size_t i, uint64_t *t, int *level, size_t *pos);
/* Checks sizes, CSR structure and finiteness of a materialised system. */
bool lin_system_verify(const LinSystem *s);

/* Stable, diffable text form: the shape, then one line per row
 *     t1 y2(0,1) = RHS | t0 y1(1) -0.5  t1 y2(0,1) 1
 * (time block, level and multi-index of the row, its right-hand side, its
 * entries); padding rows read "t0 pad(14)". Values use fmt_double (the
 * shortest text that reads back exactly). A system not materialised
 * prints its shape only. */
void lin_system_dump(const LinSystem *s, FILE *out);

/* Bytes to hold an nnz-entry CSR matrix with `rows` rows, as a double
 * (estimates; may exceed 2^64). */
double lin_csr_bytes(double rows, double nnz);

#endif
