/* compile.h — the compiler, written out once: which passes turn a problem
 * into its solver circuit, in order, for each kind of problem.
 *
 *   gd, Pauli encoding (the default)
 *       problem → carleman → unroll → dilate → encode (Pauli LCU of H)
 *       → solver (prep_b, qpe, invert, uncompute, postselect, measure)
 *       → lower (with --flat)
 *       qrun_gd: pass_carleman, pass_unroll; qsolve_build: pass_dilate,
 *       block_encode, solver_build.
 *   gd, block_encoding = structured
 *       problem → encode (the Carleman structure's oracles, from the
 *       data; cbe_model_of, cbe_build) → solver (same stages) → lower
 *       estimate_build with explicit_build.
 *   ntk
 *       problem → dilate (K~ is symmetric: H = K~) → encode → solver
 *       (the stages with the Hadamard test of sign <y|x>) → lower
 *       ntk_qrun for one test point, qsolve_build.
 *
 * The solver stages and their contracts: passes/solver.h. `qgdc compile
 * --dump-after=PASS` prints the IR after any pass (pipeline/dump.h);
 * `qgdc run` runs the same pipeline and then simulates (passes/qrun.h). */
#ifndef QGDC_PIPELINE_COMPILE_H
#define QGDC_PIPELINE_COMPILE_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/resources.h"
#include "ir/circuit.h"
#include "ir/model.h"
#include "ir/ntk.h"
#include "ir/problem.h"
#include "passes/estimate.h"
#include "passes/ntk_quantum.h"
#include "passes/qrun.h"
#include "pipeline/dump.h"

typedef enum PipelineKind { PIPE_GD_PAULI, PIPE_GD_STRUCTURED, PIPE_NTK, PIPE_KINDS } PipelineKind;

/* The passes of each pipeline, in order, ending with PASS_COUNT. */
extern const PassId *const pipeline_passes[PIPE_KINDS];
extern const char *const pipeline_names[PIPE_KINDS];

typedef struct CompileOptions {
    double kappa0;        /* 0: the problem's, else its default */
    unsigned clock_bits;  /* 0: the problem's, else from precision */
    double precision;     /* 0: the problem's */
    uint32_t test_point;  /* ntk: the test point compiled */
    bool lower;           /* also lower to basis gates (the flat circuit) */
    bool for_run;         /* the pipeline `run` simulates: a structured gd problem takes the Pauli
                             encoding, whose circuit fits a dense state vector */
    DumpAfter *dump;      /* --dump-after, or NULL */
    AmplifyMode amplify;  /* gd, Pauli encoding: exact amplitude amplification (passes/amplify.h), P from
                             the filtered solution, over the problem's option; refused for the other
                             pipelines */
    bool paper_api;       /* ignore the problem's technique options (algorithm = paper) */
    int qroam_k;          /* data_loading = qroam, structured encoding: select-swap block size
                             2^qroam_k (1 or more); 0: chosen (the fewest CCZ within the budget) */
} CompileOptions;

typedef struct Compiled {
    PipelineKind kind;
    const Circuit *circ;     /* the solver circuit */
    const ResCounts *counts; /* its logical counts */
    Circuit lowered;         /* with lower: the flat circuit */
    bool have_lowered;
    QRun r;                  /* PIPE_GD_PAULI */
    Estimate est;            /* PIPE_GD_STRUCTURED */
    ModelProblem shape;      /* PIPE_GD_STRUCTURED: the model the encoding is built from */
    NtkQRun nr;              /* PIPE_NTK */
    uint32_t test_point;
    bool ran, have_shape;    /* what compiled_free frees */
} Compiled;

/* The pipeline a problem takes (gd xor ntk non-NULL), for compile or for run. */
PipelineKind pipeline_of(const GdProblem *gd, const NtkProblem *ntk, bool for_run);

/* Runs the pipeline of gd or ntk (one non-NULL) to its solver circuit;
 * false with a malloc'd message in *err. out is always to be freed. */
bool pipeline_compile(const GdProblem *gd, const NtkProblem *ntk, const CompileOptions *o, Compiled *out,
                      char **err);
void compiled_free(Compiled *c);

/* "problem, carleman, unroll, ..." for messages; a static buffer. */
const char *pipeline_pass_list(PipelineKind k);

#endif
