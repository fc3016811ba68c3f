/* lower.h — lowering of the hierarchical circuit IR to a flat circuit over
 * the basis {h s sdg t tdg x y z sx rx ry rz p cx cz swap ccx, measure,
 * reset} (plus post-selection, barriers and conditions, which pass
 * through: an operation under a chain of ifs — a condition on a register
 * of several bits is one if per bit, and ifs nest — becomes operations
 * each under the same chain, outermost first). It is the one place where modifiers, calls and multiplexors
 * become gates: the resource counter (resources.c) drives the same emitter
 * with a counting sink, so the counts of a hierarchical circuit and of its
 * lowering agree by construction, and `qasm_emit --flat` prints the output.
 *
 * Needs: a circuit that passes circuit_verify. Guarantees: the output has
 * no definitions, no modifiers (nctrl = 0, inv = false, pow = 1), no
 * multiplexors, only basis gates; it acts on the input's registers plus one
 * ancilla register (`anc`, sized to the peak need, absent when none is
 * needed) whose qubits start and end in |0⟩; it equals the input up to a
 * global phase (dropped gphase, U's phase, rotations by a multiple of π/4
 * replaced by their Clifford+T form, angles reduced to [−π, π]).
 *
 * The decompositions (all with positive controls; a negative control is
 * flipped with x before and after):
 *   k controls on x: cx (k = 1), ccx (k = 2), else the AND of k−1 controls
 *     into k−2 ancillas by a ccx ladder, a final ccx, uncompute;
 *   z, y: h·mcx·h, sdg·mcx·s;  swap: cx·(mcx with one more control)·cx;
 *   any other gate with k ≥ 2 controls: the AND of the k controls into
 *     k−1 ancillas, the singly controlled gate on the last one, uncompute;
 *   singly controlled: ch = s h t · cx · tdg h sdg on the target; cs, ct,
 *     cp(λ) = p(λ/2) c · cx · p(−λ/2) t · cx · p(λ/2) t; csx = h·cs·h;
 *     crz/cry = r(θ/2) · cx · r(−θ/2) · cx; crx = h·crz·h; cU by the
 *     A·X·B·X·C construction (Nielsen & Chuang 4.2) and p((φ+λ)/2) on the
 *     control; a controlled gphase(θ) is p(θ) on a control;
 *   U(θ,φ,λ) = rz(λ) ry(θ) rz(φ) up to the phase e^{i(φ+λ)/2};
 *   a call with k controls: the AND of its controls into k−1 ancillas (k ≥
 *     2), the body inlined with that single control added to every
 *     operation, uncompute; inv reverses the body and inverts each
 *     operation; pow(n) repeats the body n times inside one AND;
 *   pow on a gate folds: self-inverse gates by parity, s/t families by
 *     their exponent mod 8, sx mod 4, rotations by angle (k·θ mod 4π, or 2π
 *     for p and gphase, exactly: circuit_fold_angle), U by its axis and
 *     angle (v = e^{iγ}(cos α/2 − i sin α/2 n·σ), kα and kγ folded) and
 *     re-decomposed — so pow(2^60) costs what pow(1) does;
 *   multiplexors (uniformly controlled ry/rz, k selects): Möttönen et al.
 *     (quant-ph/0404089), 2^k rotations and 2^k cx in Gray-code order; under
 *     a control c, the multiplexor over selects+c whose angles are 0 where
 *     c = 0.
 * Emitted rotations by an angle within LOWER_SNAP_TOL of a multiple m·π/4
 * become the Clifford+T word for T^m (rz, p), conjugated by h (rx) or by
 * sdg·h … h·s (ry); rotations by 0 vanish. The Microsoft estimator counts a
 * rotation by an odd multiple of π/4 as a T gate and an even one as a
 * Clifford, with a tolerance of 2.2e-16 that its own angle conversion can
 * cross; emitting the words instead keeps both counts identical. */
#ifndef QGDC_LOWER_H
#define QGDC_LOWER_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/circuit.h"

/* The estimator sees an angle through DoubleAsAngle/AngleAsDouble (steps of
 * 2π/2^53) and compares with 2.2e-16; its error stays under 2e-15, so angles
 * farther than this from every multiple are rotations for both. */
#define LOWER_SNAP_TOL 4e-15
/* "No control": the value of a control argument when there is none. */
#define LOWER_NONE UINT32_MAX

/* g(param)^k, inverted first when inv, as at most two gates of the table
 * (without modifiers) whose product is exactly that unitary, global phase
 * included (a phase it needs is a gphase item); 0: the identity. */
typedef struct LowerItem {
    GateKind g;
    double p[3];
} LowerItem;
int lower_gate_power(GateKind g, const double *param, bool inv, uint64_t k, LowerItem out[2]);

/* m in 0..7 when angle is within LOWER_SNAP_TOL of m·π/4 modulo 2π, else −1. */
int lower_pi4_multiple(double angle);

/* Where the emitter puts gates. Qubit numbers are the caller's; ancillas
 * are anc_base, anc_base + 1, …: the emitter takes them as a stack (sp in
 * use, anc_peak the most ever in use). Every gate it emits is a basis gate
 * without modifiers; its global phase is not kept. */
typedef struct LowerSink LowerSink;
struct LowerSink {
    void (*gate)(LowerSink *s, GateKind g, const uint32_t *q, const double *param);
    void (*barrier)(LowerSink *s, uint32_t nq, const uint32_t *q);
    uint32_t anc_base, sp, anc_peak;
    bool snap; /* snap rotations by multiples of π/4 (always, but for QASM gate bodies) */
};

/* An OP_GATE with operands q (already mapped to sink numbering), one more
 * positive control `ctrl` (LOWER_NONE: none) and an inverse from an
 * enclosing call. */
void lower_gate(LowerSink *s, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv);
/* An OP_MULTIPLEX, likewise. */
void lower_multiplex(LowerSink *s, const Op *op, const uint32_t *q, uint32_t ctrl, bool inv);

/* An OP_CALL: lower_call_open flips the negative controls and computes the
 * AND of the controls; it returns the control the body gets (LOWER_NONE
 * when the call has none). The caller emits the body op->pow times, each
 * operation with that control, then calls lower_call_close. */
typedef struct LowerCall {
    uint32_t *ctrl, nctrl; /* all controls: ctrl (if any), then the call's own */
    const uint32_t *own;   /* the call's own controls */
    uint32_t nown;
    uint64_t neg;
    uint32_t anc, nanc;    /* the AND ladder's ancillas */
} LowerCall;
uint32_t lower_call_open(LowerSink *s, const Op *op, const uint32_t *q, uint32_t ctrl, LowerCall *f);
void lower_call_close(LowerSink *s, LowerCall *f);

typedef struct LowerOptions {
    uint64_t max_ops; /* refuse when the flat circuit would have more operations; 0: no limit */
} LowerOptions;

/* Writes the flat form of `in` into `out` (initialised here; the caller
 * frees it with circuit_free). False with a malloc'd message in *err when
 * the output would exceed opt->max_ops. */
bool lower_circuit(const Circuit *in, Circuit *out, const LowerOptions *opt, char **err);

#endif
