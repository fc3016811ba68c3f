/* resources.h — exact logical resource counts of a circuit, and the
 * fault-tolerant physical estimate built on them.
 *
 * Logical counts (res_count) are those of the circuit's lowering
 * (lower.h), computed without building it: the counter drives the same
 * emitter with a counting sink for each gate, multiplexor and call
 * prologue, and costs each definition once per (definition, whether an
 * enclosing call adds a control, inverse), multiplying by pow and by call
 * counts. All counts are GMP integers; a circuit of 10^20 gates counts in
 * microseconds. They follow the Microsoft Resource Estimator's conventions
 * (resource_estimator/src/counts.rs, LogicalCounter), so on `--flat` output
 * the two agree:
 *   Clifford gates (h s sdg x y z sx cx cz swap) are free; t and tdg are one
 *   T each; rx/ry/rz/p by an angle that is not a multiple of π/4 are one
 *   rotation each (the estimator's rule: m = round(θ/(π/4)); if
 *   |m·π/4 − θ| ≤ 2.2e-16 the gate is a T gate when m is odd and a Clifford
 *   when m is even, else a rotation; p(λ) reaches it as rz(λ); the lowering
 *   emits multiples of π/4 as Clifford+T words, so no angle is near the
 *   boundary); ccx is one CCZ; each measured qubit is one measurement (a
 *   post-selection is emitted as a measurement and counts as one); reset is
 *   free; a gate under `if` is counted as if executed.
 * Depths: `depth` counts every basis operation as one layer on its qubits;
 * `t_depth` counts t/tdg layers (other gates only synchronise their
 * qubits); `rotation_depth` is the estimator's: T, rotation and CCZ gates
 * are scheduled as soon as their qubits allow (two-qubit Cliffords
 * synchronise, other Cliffords and measurements take no layer), and it is
 * the number of layers that hold a rotation. They are exact for circuits
 * without calls; with calls, each call is scheduled as a block over its
 * qubits and ancillas, and the depths are upper bounds (depth_exact false;
 * the rotation depth is then min(rotations, the estimator's layer count)).
 *
 * Physical estimate (res_physical): the Microsoft Resource Estimator's model
 * (resource_estimator/src/system, estimate_without_restrictions), with its
 * default surface code and 15-to-1 distillation units:
 *   budget ε split in thirds (logical, T states, rotations), halves when
 *     there are no rotations, all logical when there are no T states;
 *   T states per rotation n_R = ⌈0.53·log2(R/ε_rot) + 4.86⌉;
 *   logical qubits after layout Q' = 2Q + ⌈√(8Q)⌉ + 1;
 *   logical depth C = M + R + T + 3·CCZ + n_R·D_R (D_R the rotation depth);
 *   T states N = T + 4·CCZ + n_R·R;
 *   p_L(d) = a·(p/p_th)^((d+1)/2), p = max(Clifford, readout error);
 *     surface code (gate based): a = 0.03, p_th = 0.01, logical cycle
 *     (4·t_2q + 2·t_meas)·d, 2d² physical qubits; (Majorana): a = 0.08,
 *     p_th = 0.0015, cycle 20·t_meas·d, 2d²; Floquet code (Majorana): 0.07,
 *     0.01, 3·t_meas·d, 4d² + 8(d−1);
 *   d = the least odd d with p_L(d) ≤ ε_log/(Q'·C), at most 50;
 *   T factories: 1 to 4 rounds of 15-to-1 units ("RM prep": 31 qubits, 24
 *     physical or 11 logical cycles; "space efficient": 12 physical / 20
 *     logical qubits, 45 / 13 cycles), a round's output error
 *     35·ε_in³ + 7.1·c and failure probability 15·ε_in + 356·c (c its
 *     Clifford error), units per round from the binomial quantile for a
 *     failure probability 0.01/rounds per round (computed as the
 *     estimator's `probability` crate does: summation for n < 1000, its
 *     normal approximation when npq > 80, Newton's method otherwise); the
 *     factory with the least
 *     qubits·duration per T state whose output error is ≤ ε_T/N and whose
 *     duration fits the algorithm; enough copies to make N states in C
 *     cycles, each completing ⌊C·t_cycle/duration⌋ runs:
 *     ⌈N / (⌊C·t_cycle/duration⌋·outputs)⌉;
 *   physical qubits = Q'·2d² + factories·(qubits per factory); runtime =
 *     C·t_cycle.
 * The factory search goes through every sequence of units with
 * non-decreasing code distances, skipping, like the estimator's, larger
 * last-round distances once one meets the target; the estimator prunes
 * more, so in rare cases it may pick a different factory. Checked against
 * qsharp-lang 1.32.5-dev: 208 estimates of flat circuits (all six qubit
 * models, both codes) and 500 of logical counts given through
 * AccountForEstimates agreed exactly in code distance, factory (rounds,
 * distances, units), factory count, logical depth, physical qubits and
 * runtime. */
#ifndef QGDC_RESOURCES_H
#define QGDC_RESOURCES_H

#include <stdio.h> /* before gmp.h: it declares its FILE functions only after stdio.h */
#include <gmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/circuit.h"
#include "support/json.h"

/* Non-gate operations counted beside gate[]. */
enum { RES_MEASURE, RES_RESET, RES_POSTSELECT, RES_NOTHER };

typedef struct ResCounts {
    mpz_t gate[GATE_COUNT];   /* basis gates of the lowering, by kind (id, U, gphase stay 0) */
    mpz_t other[RES_NOTHER];  /* measure, reset, post-select */
    /* Microsoft Resource Estimator conventions */
    mpz_t t_count;            /* t + tdg */
    mpz_t rotations;          /* rx + ry + rz + p */
    mpz_t ccz;                /* ccx */
    mpz_t measurements;       /* measure + post-select */
    mpz_t clifford;           /* h s sdg x y z sx cx cz swap */
    mpz_t total;              /* all gates and operations of the lowering */
    mpz_t depth, t_depth, rotation_depth;
    bool depth_exact;         /* false: the depths are upper bounds */
    bool has_conditionals;    /* gates under `if` were counted as executed */
    uint32_t qubits;          /* declared */
    uint32_t ancillas;        /* added by the lowering (peak) */
    uint32_t qubits_peak;     /* qubits + ancillas */
} ResCounts;

void res_init(ResCounts *r);
void res_clear(ResCounts *r);
/* Counts c (which must pass circuit_verify). */
void res_count(const Circuit *c, ResCounts *r);
/* Counts one call of definition def on the qubits q of c, alone: c's main
 * block is set aside for the count and restored (r initialised here). */
void res_count_call(Circuit *c, uint32_t def, const uint32_t *q, ResCounts *r);

/* ---- physical estimate ---- */

typedef struct ResQubitModel {
    const char *name;
    bool majorana;        /* measurement-based instruction set */
    double t_meas_ns;     /* one-qubit measurement */
    double t_gate_ns;     /* one-qubit gate (gate based) */
    double t_2q_ns;       /* two-qubit gate (gate based) or joint measurement (Majorana) */
    double e_meas;        /* one-qubit measurement error (Majorana: process = readout) */
    double e_gate;        /* one-qubit gate error (gate based) */
    double e_2q;          /* two-qubit gate / joint measurement error */
    double e_t;           /* T gate (magic state) error */
    double e_idle;
} ResQubitModel;

/* The estimator's presets: qubit_gate_ns_e3 (the default), qubit_gate_ns_e4,
 * qubit_gate_us_e3, qubit_gate_us_e4, qubit_maj_ns_e4, qubit_maj_ns_e6;
 * NULL for another name. */
const ResQubitModel *res_qubit_model(const char *name);

typedef enum { RES_SURFACE_CODE, RES_FLOQUET_CODE } ResQec;

typedef struct ResPhysOptions {
    const ResQubitModel *qubit; /* NULL: qubit_gate_ns_e3 */
    ResQec qec;                 /* Floquet needs a Majorana model */
    double budget;              /* total error budget, 0: 1e-3 */
    /* When budget_logical > 0 the three parts are taken as given. */
    double budget_logical, budget_tstates, budget_rotations;
    unsigned max_code_distance; /* 0: 50 */
} ResPhysOptions;

#define RES_MAX_ROUNDS 4

typedef struct ResFactory {
    unsigned nrounds;
    struct {
        const char *unit;     /* "15-to-1 RM prep", "15-to-1 space efficient", "trivial 1-to-1" */
        unsigned distance;    /* 1: physical qubits */
        uint64_t units;
        uint64_t qubits;      /* physical qubits of the round */
        double duration_ns;
    } round[RES_MAX_ROUNDS];
    uint64_t qubits;          /* max over rounds */
    double duration_ns;       /* sum over rounds */
    uint64_t outputs;         /* T states per run */
    double output_error;
} ResFactory;

typedef struct ResPhysical {
    const ResQubitModel *qubit;
    ResQec qec;
    double budget_logical, budget_tstates, budget_rotations;
    double physical_error;    /* max(Clifford, readout) error of the qubit */
    uint64_t ts_per_rotation; /* n_R, 0 without rotations */
    mpz_t layout_qubits;      /* Q' */
    mpz_t logical_depth;      /* C before the factories are fitted */
    mpz_t cycles;             /* C after */
    mpz_t tstates;            /* N */
    unsigned code_distance;
    double cycle_ns;          /* logical cycle time */
    double logical_error;     /* p_L(d) per qubit and cycle */
    double required_logical_error, required_tstate_error;
    bool has_factory;
    ResFactory factory;
    mpz_t factories, factory_runs;
    mpz_t qubits_algorithm, qubits_factories, qubits;
    mpz_t runtime_ns;
    double rqops;             /* Q'·(cycles per second) */
} ResPhysical;

void res_phys_init(ResPhysical *p);
void res_phys_clear(ResPhysical *p);
/* False with a malloc'd message in *err when no estimate exists (no
 * operations, a code distance above the maximum, no factory). */
bool res_physical(const ResCounts *c, const ResPhysOptions *opt, ResPhysical *p, char **err);

/* A human table of the counts and, when p is not NULL, of the estimate. */
void res_print(const ResCounts *c, const ResPhysical *p, FILE *out);
/* The same as one JSON object, written as the writer's next value (the
 * caller initialises and finishes the writer). */
void res_json(const ResCounts *c, const ResPhysical *p, JsonWriter *w);

#endif
