/* qrun.h — the gradient-descent pipeline end to end (issue: `qgdc run`):
 * Carleman → unroll → qsolve (qsolve.h) → simulation → readout
 * (readout.h), checked stage by stage against the classical references
 * (reference.h, analyze.h).
 *
 * The error budget, each stage computed, none assumed (max-norm over the
 * n parameters of u(T)):
 *   truncation   u_C(T) (Carleman iteration) against u(T) (the true map);
 *   filtering    u(x̃) against u_C(T) = u(x), x̃ the eigenvalue-filtered
 *                solution (LAPACK), with its fidelity |⟨x̃, x⟩| beside the
 *                paper's estimate Δ+/Δ (eq. II.93);
 *   QPE          u(x_q) against u(x̃), x_q the simulated post-selected
 *                state, with the fidelity |⟨x_q, x̃⟩|;
 *   shot noise   the read-out u against u(x_q), beside the 3σ bound the
 *                readout predicts from its counts;
 *   end to end   the read-out u against the true u(T), which the sum of
 *                the first three stages and the 3σ shot bound bounds
 *                (triangle inequality) unless a 3σ event happens.
 * u(·) is the readout rule (readout_exact) applied to each vector, so
 * stages compare like with like.
 *
 * Amplitude amplification (amplify = exact; passes/amplify.h): the
 * success probability P of one solve is taken, for run, from a simulation
 * of the un-amplified circuit (exact: the amplified run then succeeds with
 * probability 1 to rounding), and for compile from the classical filtered
 * solution, P_ref = λ_min²‖x̃‖²/‖B‖² (the QPE-averaged circuit differs from
 * it by the clock's discretisation, so the compiled angle is close to, not
 * exactly, the one run uses). The amplified circuit (2k + 1 solves) is
 * then built, counted and, for run, simulated; every stage after it
 * (fidelities, read-out) is that of the amplified state, and
 * fid_amplify = |⟨kept amplified, kept un-amplified⟩|.
 *
 * Segments (Liu et al. main text, Fig. 2, download/re-upload): with
 * segment k < T the horizon runs as ⌈T/k⌉ problems of k steps each, the
 * read-out u of one the initial point of the next (noise continued), and
 * the accumulated error against the true iteration is kept per segment. */
#ifndef QGDC_QRUN_H
#define QGDC_QRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/resources.h"
#include "ir/problem.h"
#include "passes/amplify.h"
#include "passes/qsolve.h"
#include "pipeline/dump.h"
#include "passes/readout.h"
#include "passes/readout_ae.h"
#include "passes/budget.h"

/* Simulation beyond this many qubits takes minutes to hours: refused unless
 * raised (the memory budget still applies). */
#define QRUN_MAX_QUBITS 26

typedef struct QRunOptions {
    double kappa0;        /* 0: the problem's option, else 2(T+1) */
    unsigned clock_bits;  /* 0: the problem's option, else from precision */
    double precision;     /* 0: the problem's option */
    uint64_t shots;       /* 0: the problem's option */
    unsigned long seed;   /* used when seed_set, else the problem's */
    bool seed_set;
    bool simulate;        /* false: build and count only */
    bool measure;         /* end the circuit with a measurement of the solution register (compile) */
    unsigned max_qubits;  /* refuse to simulate more qubits (0: QRUN_MAX_QUBITS) */
    DumpAfter *dump;      /* --dump-after: carleman, unroll, and qsolve's passes */
    AmplifyMode amplify;  /* AMPLIFY_NONE (0): the paper's post-selected solver */
    SolverKind solver;    /* SOLVER_QPE (0) or SOLVER_QSVT */
    bool amplify_auto;    /* amplify = exact where 2k + 1 solves cost less than 1/P runs (algorithm =
                             best): compile emits it; run reports it (amplify_suggested) and simulates the
                             un-amplified circuit unless amplify = exact is asked for */
    ReadoutMode readout;  /* l2_sampling (0 here: shadows, which run reads as l2_sampling) or
                             amplitude_estimation (readout_ae.h, simulated from the exact probabilities) */
    bool plan;            /* plan the error budget first and choose the clock bits (and, unless
                             given, the shots) from it (algorithm = best; docs/budget.md) */
} QRunOptions;

/* The techniques p's options ask for (ir/problem.h: an option set wins;
 * unset ones follow algorithm), into o's amplify, amplify_auto and plan.
 * A caller that leaves o alone gets the paper's algorithm. */
void qrun_options_for(const GdProblem *p, QRunOptions *o);

/* The highest Carleman order a plan raises to. */
#define QRUN_PLAN_MAX_ORDER 5
/* The most shots a planned budget asks for. */
#define QRUN_PLAN_MAX_SHOTS 100000000ull
/* Fixed-point amplification (amplify = fixed_point): the bound w is the
 * predicted or estimated P divided by QRUN_FP_SAFETY, tolerance δ (success
 * ≥ 1 − δ² = 0.91), at most QRUN_FP_MAX_L iterates when compiling. */
#define QRUN_FP_SAFETY 2.0
#define QRUN_FP_DELTA 0.3
#define QRUN_FP_MAX_L (1u << 16)
/* The most Grover iterates run builds (compile: 2^31). */
#define QRUN_AMPLIFY_MAX_K 4096

/* Names of the post-selection groups, in circuit order. */
enum { QR_POST_ANC, QR_POST_FLAG, QR_POST_IDX, QR_POST_CLOCK, QR_POST_DIL, QR_NPOST };
extern const char *const qrun_post_names[QR_NPOST];

typedef struct QRunStage {
    double u_err;      /* max_i |u_this − u_prev| */
} QRunStage;

typedef struct QRun {
    const GdProblem *p;
    uint32_t n;
    uint64_t T, P;
    int N;
    double kappa0, precision;
    uint64_t shots;
    unsigned long seed;
    /* classical */
    double *u_true, *u_carleman, *u_filtered; /* [n] at T */
    double fid_filter, fid_estimate;          /* |⟨x̃,x⟩|, Δ+/Δ */
    double norm_M, kappa_M;
    const char *verdict;
    double *err_by_t;     /* [T+1] Carleman truncation error max_i |u_C(t) − u(t)| */
    bool diverges;        /* the paper's estimate Δ+/Δ < 1: not fully dissipative */
    size_t dim;
    /* quantum */
    QSolve qs;
    ResCounts res;
    bool simulated;
    char *why_not_simulated;
    double *u_state;                          /* [n] u(x_q) */
    double fid_qpe, fid_total, imag_residual; /* |⟨x_q,x̃⟩|, |⟨x_q,x⟩|, max |Im| after the phase fix */
    double post[QR_NPOST], post_product;
    ReadoutResult ro;
    double err_trunc, err_filter, err_qpe, err_shot, shot_bound, budget, err_total;
    double t_classical, t_build, t_sim, t_readout;
    int sim_qubits;
    /* amplitude amplification (amplify = exact) */
    bool amplified;
    AmplifyPlan amp;       /* its plan: P, k, the lowered angle */
    double amp_P_ref;      /* λ_min²‖x̃‖²/‖B‖² from the filtered solution */
    double amp_P_before;   /* run: the simulated success probability of one solve (= amp.P) */
    double amp_P_after;    /* run: the amplified circuit's (post_product) */
    double fid_amplify;    /* run: |⟨kept amplified, kept un-amplified⟩| */
    double post_amp;       /* run: P(amp = 1), the amplified circuit's group "amp" */
    ResCounts res_plain;   /* the un-amplified circuit's counts */
    int plain_qubits;
    /* the planned budget (plan; budget.h) */
    bool planned;
    BudgetPlan plan;
    char *why_not_planned; /* plan asked for, but the dense references do not fit */
    double fid_predicted;  /* run: |⟨x_q simulated, x_q predicted⟩| */
    size_t qsvt_in_edge;   /* QSVT: eigenvalues meeting b inside the polynomial's edge below the cut */
    bool qsvt_predicted;   /* QSVT: fid_predicted against Σ Re P(λ/α)·w over the spectrum */
    double P_predicted;    /* the plan's P(solve) of the un-amplified solver */
    bool amplify_chosen;   /* amplify_auto chose exact amplification (compile) */
    bool amplify_suggested; /* run: amplify_auto found it pays (amp holds its plan), not simulated */
    bool readout_ae;       /* the read-out by amplitude estimation */
    ReadoutCount ae_count; /* its clock bits, repetitions, estimates and calls */
    double ae_target, ae_calls, ae_sampling_calls; /* its error target (linf of u), calls, and sampling's for it */
    int order_raised_from; /* the plan raised the Carleman order from this one (0: kept) */
    double trunc_at_default; /* the truncation error at that order */
} QRun;

bool qrun_gd(const GdProblem *p, const QRunOptions *o, QRun *out, char **err);
void qrun_free(QRun *r);

typedef struct QRunSegment {
    uint64_t t0, t1;
    double err_vs_true;   /* max_i |u_read(t1) − u_true(t1)|, accumulated */
    double err_segment;   /* the segment's own end-to-end error (from its start point) */
    double fid_qpe;
    uint64_t shots;
    int qubits;
} QRunSegment;

typedef struct QRunSegments {
    uint64_t k, count;
    QRunSegment *seg;
    double *u_final, *u_true_final; /* [n] */
    double u_err_final;
    uint64_t shots_total;
} QRunSegments;

bool qrun_gd_segments(const GdProblem *p, uint64_t k, const QRunOptions *o, QRunSegments *out, char **err);
void qrun_segments_free(QRunSegments *s);

#endif
