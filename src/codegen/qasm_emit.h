/* qasm_emit.h — OpenQASM 3 output of the circuit IR, in the subset that
 * Microsoft's QDK OpenQASM front end (npm qsharp-lang) loads and runs.
 *
 * Hierarchical form: the header `OPENQASM 3.0;` and `include
 * "stdgates.inc";`, one `gate NAME _q0, _q1, … { … }` per definition (after
 * one gate per multiplexor, defined by its lowering: rotations and cx
 * only, exact angles), the registers (`qubit[n] name;`, `bit[n] name;`),
 * then the main block. Modifiers are written in the order `pow(k) @ inv @
 * ctrl @ negctrl @ g`, one ctrl/negctrl per control (the QDK accepts
 * `pow(k) @ ctrl @ g` but not `ctrl @ pow(k) @ g`). Inside a gate body,
 * where the QDK cannot control `pow(k) @` (the body may be called under
 * ctrl), a gate's power is written folded (lower_gate_power) and a call's
 * as calls of helper gates NAME_pow2, NAME_pow4, … (g^(2^j) defined as
 * g^(2^(j−1)) twice), one per set bit of k. Two QDK findings shape the
 * gates: gate parameters are angles modulo 2π, so rx/ry/rz(θ ± 2π) =
 * −rx/ry/rz(θ) there, a sign that matters under control: a rotation whose
 * phase can matter (controlled, or inside a gate body) is written with its
 * angle in [0, 2π) and, when that flipped its sign, a gphase(π) with the
 * same modifiers; and the QDK's U(θ, φ, λ) carries an extra e^{iθ/2}, so U
 * is written as rz(λ) ry(θ) rz(φ) gphase((φ+λ)/2). (Checked: for every gate
 * kind × 0..2 controls × inv × pow, at top level and inside a controlled
 * gate, and for nested calls with multiplexors, the QDK runs the
 * hierarchical text followed by the flat form of its inverse to |0…0⟩.)
 * A post-selection is a
 * measurement into its own bit of a register `ps` (renamed if taken) with a
 * comment saying which value simulation keeps. No `input` declarations, no
 * index sets, no rccx/rc3x, no pragmas. Angles are printed with fmt_double,
 * so they read back as the same doubles. Names that would collide with
 * stdgates.inc or OpenQASM keywords get a trailing underscore.
 *
 * Flat form (flat = true): the lowering (lower.h) of the circuit — basis
 * gates only, no gate definitions, an `anc` register when ancillas are
 * needed — refused beyond QASM_FLAT_MAX_OPS operations.
 *
 * Writes to out; the caller makes the file atomic (util.h OutFile). False
 * with a malloc'd message in *err on a refused flat form. Write errors are
 * left on the stream for its owner (out_commit) to report. */
#ifndef QGDC_QASM_EMIT_H
#define QGDC_QASM_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/circuit.h"

#define QASM_FLAT_MAX_OPS 100000000ull

bool qasm_emit(const Circuit *c, bool flat, FILE *out, char **err);

/* OpenQASM 2.0 output, for tools that read only 2.0: the flat form above
 * (lower.h), written as `OPENQASM 2.0; include "qelib1.inc";`, `qreg`/`creg`
 * (a name 2.0 cannot take — not starting with a lower-case letter, or a
 * qelib1.inc gate or 2.0 keyword — is changed: an 'r' before it,
 * underscores after it), the basis gates by their qelib1.inc names (p is
 * u1, the same matrix; the others keep their names: h s sdg t tdg x y z sx
 * rx ry rz cx cz swap ccx), `measure q -> c`, `reset`, `barrier`, and a
 * condition as `if (creg == k)` — only when the chain of conditions over an
 * operation tests every bit of one register (c[0] the least significant
 * bit); any other condition is refused with a message naming it. Modifiers
 * and definitions are gone (the lowering expanded them), so the file equals
 * the circuit up to a global phase (as --flat does; qelib1.inc's rz(λ) is
 * u1(λ), which differs from OpenQASM 3's rz by the global phase e^{iλ/2},
 * immaterial in an uncontrolled flat circuit). A post-selection is written
 * as in OpenQASM 3 (a measurement into a register `ps` with the
 * `// post-select` comment, which qgdc reads back); *npost says how many, so
 * the caller can note that other 2.0 tools see plain measurements. Angles
 * are reals with a decimal point (1.0e-05). False with a malloc'd message in
 * *err on a refused circuit (the output is then incomplete: abort it). */
bool qasm_emit2(const Circuit *c, FILE *out, uint32_t *npost, char **err);

#endif
