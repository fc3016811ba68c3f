/* solver.h — the one solver assembler: a block encoding and a list of
 * stages in, the solver circuit out (Liu et al. 2024, Algorithm 1 and
 * Theorem II.4; docs/architecture.md).
 *
 * Every solver circuit qgdc builds, whatever its block encoding (the
 * Pauli LCU of block_encode.h, the structured Carleman encoding of
 * carleman_be.h, later ones), is assembled here, from
 *
 *   an encoding (SolverEncoding): what the encoder guarantees — a system
 *     register of nsys qubits and an index register of nidx qubits, a
 *     normalisation α, a controlled walk W on (control, sys, idx) whose
 *     eigenphases ±arccos(λ/α) carry the eigenvalues λ of H, a state
 *     preparation of |b⟩ on sys, and optionally one system qubit that
 *     marks the solution half (kept at 1);
 *
 *   a list of stages (SolverStage), each a named step with its contract
 *     (what it requires of the state, what it guarantees) and a builder.
 *     The stages of the phase-estimation solver are
 *       prep_b → qpe → invert → uncompute → postselect → measure
 *     (solver_qpe_stages); a new solver (QSVT) or a wrapper (amplitude
 *     amplification) is a new list, not a new assembler;
 *
 *   options (SolverOptions): λ_min, the clock bits or the precision that
 *     chooses them, the register names and the order of the
 *     post-selections (so each caller's circuit keeps its conventions),
 *     and whether the steps are wrapped in a `solve` definition (a
 *     Hadamard test, later amplitude amplification, calls it).
 *
 * Post-selections are named groups (SolverPost): "anc" (the rotation
 * ancilla, kept at 1), "flag" (the ill-conditioned flag, kept at 0), "idx"
 * (the index register, 0), "clock" (0), "kept" (the encoding's solution
 * marker, 1) and, with amplitude amplification's lowered angle, "amp" (its
 * rotated ancilla, 1; passes/amplify.h). The postselect stage emits the
 * groups in post_order, each once; a present group the order leaves out
 * follows, in enum order. solver_post_prob reads a group's probability from a
 * simulation by name, so no caller depends on the order.
 *
 * Clock bits: p = the user's, or p0 + extra where p0 is the least p ≥ 1
 * with 2^p ≥ 2π·α/λ_min (one clock bin narrower than λ_min) and extra =
 * max(0, ⌈log2(0.01/ε)/2⌉) halves the bin for every factor 4 of precision
 * ε below 0.01 (the averaged inversion's error is second order in the bin
 * width). A user's p < p0 is refused (the filter could not tell λ_min from
 * 0), as is p > max_clock. */
#ifndef QGDC_SOLVER_H
#define QGDC_SOLVER_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/circuit.h"
#include "passes/invert.h"

#define SOLVER_QSVT_COUNT_ANGLE 0.3

/* The registers of a solver circuit, in qubit order. */
typedef enum SolverReg { SREG_SYS, SREG_IDX, SREG_CLOCK, SREG_ANC, SREG_FLAG, SREG_COUNT } SolverReg;

/* The post-selection groups. */
typedef enum SolverPostId { SPOST_ANC, SPOST_FLAG, SPOST_IDX, SPOST_CLOCK, SPOST_KEPT, SPOST_AMP, SPOST_COUNT } SolverPostId;
extern const char *const solver_post_names[SPOST_COUNT]; /* "anc", "flag", "idx", "clock", "kept", "amp" */

typedef struct Solver Solver;

/* What a block encoding hands the assembler. */
typedef struct SolverEncoding {
    const char *name;    /* "pauli", "structured" */
    unsigned nsys, nidx; /* system (solution, with any marker qubit) and index qubits */
    double alpha;        /* the encoded block is H/α */
    int kept;            /* system qubit kept at 1 (the solution half), −1: none */
    /* |b⟩ on sys: adds the definition, true with *def set; called before walk_c */
    bool (*prep_b)(Circuit *c, void *ctx, uint32_t *def, char **err);
    /* the controlled walk on (control, sys, idx): returns its definition */
    uint32_t (*walk_c)(Circuit *c, void *ctx);
    /* the walk W = R·U itself on (sys, idx), for the qsvt stage (R = 2Π − I,
     * Π = |0⟩⟨0| on idx, U Hermitian with ⟨0|U|0⟩ = H/α) */
    uint32_t (*walk)(Circuit *c, void *ctx);
    void *ctx;
} SolverEncoding;

typedef struct SolverOptions {
    double lambda_min;         /* the filter's cut, 0 < λ_min ≤ α */
    double kappa0;             /* for messages: λ_min came from it */
    unsigned clock_bits;       /* 0: from precision */
    double precision;          /* ε in (0, 1); 0: 0.01 */
    unsigned max_clock;        /* refuse more clock bits */
    unsigned build_invert_max; /* beyond this many clock bits the inversion is declared (counted), not built */
    const char *who;           /* message prefix ("model 'x': "), or NULL */
    const char *reg_names[SREG_COUNT];
    SolverPostId post_order[SPOST_COUNT]; /* the order the groups are post-selected in */
    bool comments;             /* annotate the main block's steps */
    bool wrap_solve;           /* the steps from prep_b to uncompute form a definition `solve` */
    bool measure;              /* measure the solution qubits into bits x */
    const struct AmplifyPlan *amplify; /* the amplify stage's plan (passes/amplify.h), or NULL */
    /* QSVT instead of phase estimation: the symmetric phases φ_0..φ_d of
     * qsp.h (d odd); no clock, λ_min only names the cut */
    const double *qsvt_phases;
    unsigned long qsvt_degree;
    /* QSVT counted, not built (a degree too large to write out): with
     * qsvt_phases NULL, the d steps of walk and phase are one declared
     * operation costing d times one step, counted with the angle
     * SOLVER_QSVT_COUNT_ANGLE (any angle that is no Clifford counts the same) */
    bool qsvt_counted;
    void *user;                /* for a caller's own stages */
} SolverOptions;

/* One stage: a named step with its contract and builder. */
typedef struct SolverStage {
    const char *name;
    const char *requires, *guarantees;
    bool coherent; /* part of the solve (inside `solve` with wrap_solve); else main */
    bool (*build)(Solver *s, Block *b, char **err);
} SolverStage;

/* A post-selection group: ops first..first+count−1 of the post-selections
 * in program order. */
typedef struct SolverPost {
    uint32_t first, count;
    int value;
    bool present;
} SolverPost;

struct Solver {
    Circuit *c;
    const SolverEncoding *enc;
    const SolverOptions *opt;
    unsigned p, p_min;           /* clock bits, and the fewest the cut allows */
    uint32_t reg[SREG_COUNT];    /* register offsets */
    uint32_t def_prep_b, def_walk_c, def_qpe, def_invert, def_solve;
    bool invert_declared;
    InvertInfo inv;
    uint32_t *qpe_operands;      /* clock, sys, idx: the qpe call's operands */
    SolverPost post[SPOST_COUNT];
    uint32_t npost;              /* post-selections emitted */
    bool amplified;              /* the amplify stage added the qubit amp (group "amp", kept at 1) */
    uint32_t amp;
    bool qsvt;                   /* assembled with qsvt_phases: registers sys, idx, anc (the ±Φ qubit,
                                    kept at 0), flag (the projector qubit, back to 0); no clock */
    uint32_t def_walk, def_qsvt, def_qsvt_step;
};

/* The stages of the phase-estimation solver, to compose lists from. */
extern const SolverStage solver_stage_prep_b, solver_stage_qpe, solver_stage_invert, solver_stage_uncompute,
    solver_stage_postselect, solver_stage_measure;
/* The phase-estimation solver: prep_b, qpe, invert, uncompute,
 * postselect, measure (nstages gets the count). */
const SolverStage *const *solver_qpe_stages(int *nstages);

/* The QSVT solver's stage (with options.qsvt_phases): the definition
 * `qsvt` on (sys, idx, anc, flag) is
 *     h(anc); Π_{j=d..0} [ phase(φ_j); walk (j > 0) ]; h(anc)
 * where phase(φ) = e^{±iφ(2Π − I)}, the sign by anc: the multi-controlled
 * X (every idx qubit at 0) onto flag, cx(anc, flag), rz(2φ) flag,
 * cx(anc, flag), the same X again. With anc = 0 kept the block on
 * idx = 0 is (U_Φ + U_{−Φ})/2 = Re P(H/α) (qsp.h): the filtered inverse.
 * The QSVT solver: prep_b, qsvt, postselect, measure. */
extern const SolverStage solver_stage_qsvt;
const SolverStage *const *solver_qsvt_stages(int *nstages);
/* The stages of the solve itself for o: qsvt, or qpe, invert, uncompute
 * (after prep_b), into list (room for 3); returns the count. */
int solver_core_stages(const SolverOptions *o, const SolverStage **list);

/* The clock bits for α, λ_min and the options (see above); false with a
 * message on too few or too many. */
bool solver_clock_bits(double alpha, const SolverOptions *o, unsigned *p, unsigned *p_min, char **err);

/* Assembles the solver in c: registers (named by o->reg_names), the
 * definitions (prep_b, walk_c, qpe, invert — declared beyond
 * build_invert_max clock bits — and `solve` with wrap_solve), then each
 * stage in order: the coherent ones into main or `solve`, the others into
 * main. Verifies the circuit. */
bool solver_build(Circuit *c, const SolverEncoding *enc, const SolverOptions *o, const SolverStage *const *stages,
                  int nstages, Solver *s, char **err);
void solver_free(Solver *s);

/* The qubits of a post-selection group (*q0 .. *q0 + n − 1) and the value
 * each is kept at; returns n (0: the group is absent). The good subspace of
 * the solve is every group at its value (amplify.h reflects about it). */
uint32_t solver_group_qubits(const Solver *s, SolverPostId g, uint32_t *q0, int *value);

/* The solution qubits (sys without the kept marker), lowest first. */
unsigned solver_solution_qubits(const Solver *s, int *out);

/* The probability of a post-selection group from a run's per-op
 * probabilities (exec.h SimRunResult.post_prob, npost entries): the
 * product over the group, 1 for an absent group. An npost other than the
 * solver's is a bug (ICE). */
double solver_post_prob(const Solver *s, SolverPostId g, const double *post_prob, size_t npost);

#endif
