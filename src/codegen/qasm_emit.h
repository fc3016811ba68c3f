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
 * g^(2^(j−1)) twice), one per set bit of k. A post-selection is a
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
 * with a malloc'd message in *err on a refused flat form or a write error. */
#ifndef QGDC_QASM_EMIT_H
#define QGDC_QASM_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/circuit.h"

#define QASM_FLAT_MAX_OPS 100000000ull

bool qasm_emit(const Circuit *c, bool flat, FILE *out, char **err);

#endif
