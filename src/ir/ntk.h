/* ntk.h — the NTK problem IR: binary classification by a wide, deep,
 * fully connected network in the neural-tangent-kernel regime (Zlokapa,
 * Neven & Lloyd, ../shared/papers/zlokapa-ntk-with-supplement.txt).
 *
 * An NtkProblem holds the data as the paper assumes it (Assumption I.2):
 * training examples x_1..x_n and test examples on the unit sphere with
 * labels y = ±1, the activation (normalised: E σ = 0, Var σ = 1), the depth
 * L, and the kernel approximation the quantum algorithm inverts: the exact
 * NTK matrix K, the sparsified K̃ (diagonal plus s pseudorandom symmetric
 * off-diagonals per row, optionally scaled), or the diagonal. The kernel
 * itself (eq. 5) is computed by passes/ntk_kernel.h; this file holds only
 * what the .qgd file says and what follows from the data alone (δ, µ,
 * L_conv). Built by sema.c; docs/language.md ("NTK problems"). */
#ifndef QGDC_NTK_H
#define QGDC_NTK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/problem.h"
#include "support/json.h"

typedef enum NtkActivation { NTK_RELU, NTK_ERF } NtkActivation;
typedef enum NtkKernelKind { NTK_KERNEL_EXACT, NTK_KERNEL_SPARSE, NTK_KERNEL_DIAGONAL } NtkKernelKind;
typedef enum NtkSource { NTK_SOURCE_IDX, NTK_SOURCE_CSV } NtkSource;

/* A training or test set. */
typedef struct NtkData {
    NtkSource source;
    char *path;          /* idx: the images file; csv: the file (as written in the .qgd) */
    char *labels_path;   /* idx: the labels file; csv: NULL */
    Loc loc;             /* the loader call in the .qgd text */
    double label_pos;    /* the file's label read as y = +1 */
    double label_neg;    /* the file's label read as y = −1 */
    bool classes_given;  /* classes = [a, b] was written (csv: else the labels are ±1) */
    bool subset;         /* a seeded subset was drawn (else every example of the two classes) */
    uint64_t seed;       /* of the subset */
    uint32_t available;  /* examples of the two classes in the file */
    uint32_t n, d;       /* examples, features */
    uint32_t *record;    /* [n] 0-based index of each example in its file (csv: data row) */
    double *x;           /* [n*d] row-major; row i is example i divided by its norm */
    double *y;           /* [n] ±1 */
} NtkData;

typedef struct NtkProblem {
    char *name;
    Loc loc;                /* the 'ntk' keyword */
    NtkData train, test;
    NtkActivation activation;
    double mu;              /* coefficient of nonlinearity µ = 1 − (E[Xσ(X)])² (Def. I.4) */
    uint32_t L;             /* hidden layers */
    double delta;           /* separability δ = min_{i≠j} 1 − |x_i·x_j| of the training set (Def. I.1) */
    uint32_t delta_i, delta_j; /* a pair of training examples with 1 − |x_i·x_j| = δ */
    double L_conv;          /* 8 log(n/δ)/µ, the depth of eq. (4) */
    NtkKernelKind kernel;   /* the matrix the quantum algorithm inverts */
    uint32_t s;             /* sparse: off-diagonals per row asked for (see ntk_sparse_degree) */
    uint64_t sparse_seed;   /* sparse: seed of the pattern */
    double offdiag_scale;   /* sparse: off-diagonal factor, 0..1 (1: none) */
    Options opt;            /* precision, kappa0, clock_bits, shots, seed, gate_set, block_encoding */
} NtkProblem;

const char *ntk_activation_name(NtkActivation a);
const char *ntk_kernel_name(NtkKernelKind k);

/* µ = 1 − a_1² with a_1 = E[Xσ(X)] of the normalised activation, in closed
 * form: ReLU 1 − π/(2(π − 1)); erf 1 − (2/3)/arcsin(2/3). */
double ntk_activation_mu(NtkActivation a);

/* δ = min over i < j of 1 − |x_i·x_j| for unit rows x[n*d] (n ≥ 2), and a
 * pair (i, j) that attains it. Plain loops in a fixed order: the same bits
 * on every machine. */
double ntk_separability(const double *x, uint32_t n, uint32_t d, uint32_t *pi, uint32_t *pj);

/* L_conv = 8 log(n/δ)/µ (eq. 4); +inf for δ = 0. */
double ntk_l_conv(uint32_t n, double delta, double mu);

/* The number of off-diagonals per row of the sparse pattern for s asked
 * on n training examples: s, except s − 1 when n and s are both odd (no
 * symmetric pattern has an odd number of off-diagonals in every row of an
 * odd number of rows), and at most n − 1. */
uint32_t ntk_sparse_degree(uint32_t n, uint32_t s);

void ntk_problem_free(NtkProblem *p);
void ntk_data_free(NtkData *d);

/* Consistency checks of a built problem (unit rows, ±1 labels, ranges). An
 * inconsistency is a compiler bug: reports it and returns false. */
bool ntk_verify(const NtkProblem *p);

/* Stable, diffable text (qgdc check --dump-ir) and JSON (check --json).
 * The text form lists the data when it is small (n·d ≤ 256 values) and an
 * FNV-1a hash of the values' bits otherwise. */
void ntk_dump(const NtkProblem *p, FILE *out);
void ntk_json(const NtkProblem *p, JsonWriter *w);

#endif
