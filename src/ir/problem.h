/* problem.h — the problem IR, first of qgdc's three IRs (docs/ir.md).
 *
 * A gradient-descent problem is the polynomial map
 *     u(t+1) = u(t) + F_0(t) + F_1 u(t) + F_2 u(t)^⊗2 + … + F_q u(t)^⊗q
 * on n parameters, with F_ℓ an n × n^ℓ tensor stored sparsely. Each entry
 * is (row i, multi-index (j_1 ≤ … ≤ j_ℓ), value) and stands for the term
 * value · u_{j_1} ⋯ u_{j_ℓ} in component i: the whole coefficient of a
 * monomial sits on its sorted multi-index, so F_ℓ u^⊗ℓ is exact without
 * symmetrisation. The column of an entry in the n × n^ℓ matrix is
 * Σ_k j_k n^(ℓ−k) (a GMP integer: it exceeds 64 bits for large n and ℓ).
 * F_0(t) = F_0 + ξ(t) where ξ(t) is the per-step noise (explicit or seeded
 * Gaussian), materialised for t = 0..T−1. */
#ifndef QGDC_PROBLEM_H
#define QGDC_PROBLEM_H

#include <stdio.h> /* before gmp.h: it declares its FILE functions only after stdio.h */
#include <gmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "support/diag.h"

#define QGD_MAX_DEGREE 64 /* largest polynomial degree accepted */

typedef struct Tensor {
    unsigned order; /* ℓ */
    size_t nnz;
    uint32_t *row;  /* [nnz] */
    uint32_t *col;  /* [nnz * order]: sorted multi-indices, entry k at col[k*order] */
    double *val;    /* [nnz] */
} Tensor;

typedef enum NoiseKind { NOISE_NONE, NOISE_GAUSSIAN, NOISE_EXPLICIT } NoiseKind;

typedef enum CarlemanForm { FORM_EXACT, FORM_PAPER } CarlemanForm;
typedef enum GateSet { GATES_CLIFFORD_T, GATES_NATIVE } GateSet;
typedef enum BlockEncodingKind { BE_PAULI, BE_STRUCTURED } BlockEncodingKind;

/* Compile options: one line each here, one table in problem.c that parses,
 * validates and prints them. X(name, type, member) */
#define QGD_OPTIONS(X)                                                        \
    X(carleman_order, OPT_INT, carleman_order)   /* N ≥ 1 */                  \
    X(carleman_form, OPT_FORM, carleman_form)    /* exact | paper */          \
    X(kappa0, OPT_REAL, kappa0)                  /* > 1; default 2(T+1) */    \
    X(clock_bits, OPT_INT, clock_bits)           /* 1..64 */                  \
    X(idle_blocks, OPT_INT, idle_blocks)         /* P ≥ 0 */                  \
    X(precision, OPT_REAL, precision)            /* ε in (0, 1) */            \
    X(shots, OPT_INT, shots)                     /* ≥ 1 */                    \
    X(seed, OPT_INT, seed)                       /* sampling seed ≥ 0 */      \
    X(gate_set, OPT_GATES, gate_set)             /* clifford_t | native */    \
    X(block_encoding, OPT_BE, block_encoding)    /* pauli | structured */ \
    X(algorithm, OPT_WORD, algorithm)            /* best | paper */           \
    X(amplify, OPT_WORD, amplify)                /* none | exact | fixed_point */ \
    X(data_loading, OPT_WORD, data_loading)      /* unary | qroam */          \
    X(readout, OPT_WORD, readout)                /* shadows | l2_sampling | amplitude_estimation */ \
    X(max_logical_qubits, OPT_INT, max_logical_qubits) /* ≥ 1 */ \
    X(solver, OPT_WORD, solver)                  /* qpe | qsvt */

typedef enum OptionId {
#define X(name, type, member) OPTION_##name,
    QGD_OPTIONS(X)
#undef X
    OPTION_COUNT
} OptionId;

/* The techniques a compiled or estimated solver may use (issue: the
 * cheapest circuit for the same answer; docs/techniques.md). Each option
 * left unset follows `algorithm`: paper keeps the paper's choice (none,
 * unary, shadows), best lets the pass pick the cheapest that meets the
 * precision. */
typedef enum Algorithm { ALGORITHM_BEST, ALGORITHM_PAPER } Algorithm;
typedef enum AmplifyMode { AMPLIFY_NONE, AMPLIFY_EXACT, AMPLIFY_FIXED_POINT, AMPLIFY_MODES } AmplifyMode;
typedef enum DataLoading { LOADING_UNARY, LOADING_QROAM, LOADING_MODES } DataLoading;
typedef enum ReadoutMode { READOUT_SHADOWS, READOUT_L2_SAMPLING, READOUT_AMPLITUDE_ESTIMATION, READOUT_MODES } ReadoutMode;
/* The linear solver: phase estimation and the filtered inversion (the
 * paper's), or QSVT with the filtered inverse as a polynomial (qsp.h). */
typedef enum SolverKind { SOLVER_QPE, SOLVER_QSVT, SOLVER_KINDS } SolverKind;
extern const char *const solver_kind_names[SOLVER_KINDS]; /* "qpe", "qsvt" */
extern const char *const algorithm_names[2];          /* "best", "paper" */
extern const char *const amplify_mode_names[AMPLIFY_MODES]; /* "none", "exact", "fixed_point" */
extern const char *const data_loading_names[LOADING_MODES]; /* "unary", "qroam" */
extern const char *const readout_mode_names[READOUT_MODES]; /* "shadows", "l2_sampling", "amplitude_estimation" */
/* The index of name in names[n], or -1. */
int technique_lookup(const char *const *names, int n, const char *name);

typedef struct Options {
    long long carleman_order, clock_bits, idle_blocks, shots, seed;
    Algorithm algorithm;
    AmplifyMode amplify;         /* meaningful when set[OPTION_amplify] */
    DataLoading data_loading;    /* meaningful when set[OPTION_data_loading] */
    ReadoutMode readout;         /* meaningful when set[OPTION_readout] */
    SolverKind solver;           /* meaningful when set[OPTION_solver] */
    long long max_logical_qubits; /* 0: no limit */
    double kappa0, precision;
    CarlemanForm carleman_form;
    GateSet gate_set;
    BlockEncodingKind block_encoding;
    bool set[OPTION_COUNT]; /* given by the user (else the default holds) */
    Loc loc[OPTION_COUNT];
} Options;

void options_init(Options *o);
/* The paper's bound on κ(M) for T steps of a dissipative update: 2(T+1),
 * the default filter cut κ0. */
double kappa0_default(uint64_t T);
/* κ0 resolved once, in the order every command uses: the command line's
 * (cli > 0), else the file's, else kappa0_default(T). */
double options_kappa0(const Options *o, double cli, uint64_t T);
/* Whether an option means something for a problem kind (the table in
 * problem.c; sema refuses the others, the dumps list only these). kind is
 * an IrProblemKind. */
bool options_applies(OptionId id, int kind);
/* Why an option does not apply to a kind ("applies to gd problems only"). */
const char *options_not_here(OptionId id, int kind);
/* Looks an option up by name; -1 when unknown. */
int options_lookup(const char *name);
const char *options_name(OptionId id);
/* "N ≥ 1" style description of the accepted values. */
const char *options_domain(OptionId id);
/* The value of an option as the dumps print it ("auto" for a default a
 * later pass decides). */
const char *options_text(const Options *o, OptionId id, char *buf, size_t len);
/* The value as JSON: null for a default decided later ("auto", no limit),
 * a string for a word, a number otherwise. */
struct JsonWriter;
void options_json(const Options *o, OptionId id, struct JsonWriter *w);

typedef struct GdProblem {
    char *name;
    Loc loc;         /* the problem's keyword */
    char *param;     /* name of the parameter vector, e.g. "u" */
    uint32_t n;      /* number of parameters */
    unsigned q;      /* degree: largest ℓ with F_ℓ ≠ 0 (at least 1) */
    bool from_loss;  /* built as u − η∇L (else an explicit update map) */
    bool has_eta;
    double eta;
    uint64_t T;      /* steps */
    double *u_in;    /* [n] */
    Tensor *F;       /* [q + 1]; F[ℓ].order == ℓ */
    NoiseKind noise;
    double sigma;    /* NOISE_GAUSSIAN */
    uint64_t noise_seed;
    double *xi;      /* [T * n], ξ(t) at xi[t*n]; NULL for NOISE_NONE */
    Options opt;
} GdProblem;

typedef struct NtkProblem NtkProblem; /* ir/ntk.h */
typedef struct ModelProblem ModelProblem; /* ir/model.h */

/* The three kinds of problem a .qgd file defines. (IrProblemKind, not
 * ProblemKind: frontend/ast.h has that name for the parser's own enum.) */
typedef enum IrProblemKind { PROBLEM_GD, PROBLEM_NTK, PROBLEM_MODEL } IrProblemKind;
#define PROBLEM_KINDS 3

/* A problem of any kind: the tag and a borrowed pointer to it. */
typedef struct ProblemRef {
    IrProblemKind kind;
    union {
        GdProblem *gd;
        struct NtkProblem *ntk;
        struct ModelProblem *model;
    };
} ProblemRef;

/* The problems of a file, which the set owns: all[] is the one list, in
 * file order; gd[], ntk[] and model[] are views of it by kind, each in
 * file order. */
typedef struct ProblemSet {
    ProblemRef *all; /* every problem, in file order */
    int n;
    GdProblem **gd;
    int ngd;
    NtkProblem **ntk; /* ntk problems, in the order of the file */
    int nntk;
    ModelProblem **model; /* size-only problems, in the order of the file */
    int nmodel;
} ProblemSet;

/* Appends a problem (the set takes it over) to all[] and to its kind's view. */
void problem_set_add(ProblemSet *ps, ProblemRef r);
void problem_set_free(ProblemSet *ps);

/* What every kind has: its name, the location of its keyword, its options. */
const char *problem_name(ProblemRef r);
Loc problem_loc(ProblemRef r);
const Options *problem_options(ProblemRef r);
/* "gd", "ntk" or "model", as the dumps and messages spell the kind. */
const char *problem_kind_name(IrProblemKind k);

/* Bit of a kind in the masks problem_select takes. */
#define PROBLEM_BIT(k) (1u << (k))
/* The problems of the kinds in the mask (PROBLEM_BIT(PROBLEM_GD) | …)
 * named name (NULL: all of them), in file order: the first max of them
 * into out (which may be NULL when max is 0); returns how many there are
 * in all, which may exceed max. Every command selects its problems here. */
int problem_select(const ProblemSet *ps, const char *name, unsigned kinds, ProblemRef *out, int max);
void gd_problem_free(GdProblem *p);

/* Number of columns n^ℓ of F_ℓ. */
void tensor_cols(mpz_t out, uint32_t n, unsigned order);
/* Column index Σ_k j_k n^(ℓ−k) of entry k. */
void tensor_entry_col(mpz_t out, const Tensor *t, size_t k, uint32_t n);
/* Evaluates component sums of F_ℓ u^⊗ℓ into acc[n] (acc += F_ℓ u^⊗ℓ). */
void tensor_apply(const Tensor *t, const double *u, double *acc);
/* One step of the map: out = u + Σ_ℓ F_ℓ u^⊗ℓ + ξ(t). */
void gd_step(const GdProblem *p, uint64_t t, const double *u, double *out);

/* Consistency checks of a built problem (sorted, in range, finite). An
 * inconsistency is a compiler bug: reports it and returns false. */
bool gd_verify(const GdProblem *p);

/* Stable, diffable text form (qgdc check --dump-ir) and JSON. */
void gd_dump(const GdProblem *p, FILE *out);
void problem_set_dump(const ProblemSet *ps, FILE *out);
void problem_set_json(const ProblemSet *ps, FILE *out);

#endif
