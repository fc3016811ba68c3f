/* qasm_read.h — the OpenQASM 3 reader: the second front end of qgdc, which
 * turns an OpenQASM 3 program into a circuit IR (ir/circuit.h) for
 * `qgdc sim` and `qgdc count`.
 *
 * Supported — what qgdc's own emitter writes and the subset other tools
 * write:
 *   `OPENQASM 3;` / `OPENQASM 3.x;`, or `OPENQASM 2.x;` read with OpenQASM
 *   2.0's qelib1.inc, U, CX and opaque (any other version is an error);
 *   includes may use single quotes;
 *   `include "stdgates.inc";` — every gate of the OpenQASM 3 standard
 *   library, mapped exactly (global phase included, as stdgates.inc
 *   defines it) onto the IR's built-in gates with controls; U and gphase
 *   are always available;
 *   the gates Microsoft's QDK adds to its standard library (Qiskit's
 *   standard gates): cu1 cu3 ccz cs csdg csx c3x c3sqrtx sxdg r rxx ryy rzz
 *   rzx dcx ecr xx_minus_yy xx_plus_yy — available with or without the
 *   include, as in the QDK, and a program's own gate of the same name
 *   takes precedence; each is given its standard (Qiskit) matrix, global
 *   phase included, as built-in gates or, under modifiers, an IR
 *   definition per parameter list (rccx and rc3x are refused);
 *   `qubit[n] q;` `qubit q;` `bit[n] c;` `bit c;` `qreg q[n];` `creg c[n];`,
 *   `bit[n] c = measure q;`;
 *   operands `q`, `q[i]` (negative i counts from the end), `q[a:b]`,
 *   `q[a:s:b]` (inclusive ends); registers as operands broadcast the
 *   statement over equal-length registers;
 *   `gate name(params) a, b { … }` — a definition without parameters
 *   becomes one IR definition; one with parameters becomes one IR
 *   definition per distinct list of argument values (named name_0,
 *   name_1, …; the IR has no symbolic parameters);
 *   modifiers `ctrl @`, `ctrl(k) @`, `negctrl @`, `negctrl(k) @`, `inv @`,
 *   `pow(k) @` in any order (k an integer; pow(0) is the identity, a
 *   negative k an inverse power; a non-integer k is refused);
 *   `for [type] i in [a:b] / [a:s:b] / {v, …}` — unrolled, at most
 *   QASM_MAX_UNROLL operations in all;
 *   `const int|uint|float|angle name = expr;` with + - * / % **, pi π tau τ
 *   euler ℇ, sin cos tan exp ln log sqrt arcsin arccos arctan ceiling
 *   floor mod pow;
 *   `c[0] = measure q[0];` `c = measure q;` `measure q -> c;`, `reset`,
 *   `barrier`;
 *   `if (c[0] == 1) stmt`, `if (c[0]) …`, `if (!c[0]) …`, `… else …` on one
 *   bit, and `if (c == 5) { … }` on a register of at most 32 bits (each
 *   operation of the body is conditioned on every bit; measuring into a
 *   condition bit inside the body is refused);
 *   the comment qgdc's emitter writes before a post-selection
 *   ("// post-select: … q[3] == 1 …") makes the measurement after it a
 *   post-selection again; a bit register used only by such measurements
 *   is dropped.
 *   timing — `duration`/`stretch` declarations, `delay[…] q;`, `box { … }`,
 *   `box[…] { … }`, duration literals (10ns, 2us, 20dt) — is read and
 *   ignored, with one note per file; a box's body runs as a plain block.
 *   `input int|uint|float|angle|bit|bit[n] name;` — a constant whose value
 *   comes from qasm_inputs (an error when not given, or when a value is
 *   given that no input takes); `output bit[n] c;` — a bit register;
 *   `if` on constants only runs one branch;
 *   `const bit[n] b = "0101";` (b[0] the last character), and the casts
 *   `int[n](c)`, `uint[n](c)` of a bit register in `if (… == k)`, c[0]
 *   least significant;
 *   the classical part of OpenQASM 3, computed as the program is read:
 *   variables `int[n] uint[n] float angle bool` with assignment and
 *   compound assignment (int[n]/uint[n] keep the low n bits, an angle is
 *   taken modulo 2π), arrays of one dimension (`array[int[8], 4] a =
 *   {…};`, a[i], sizeof, `for x in a`), `while` (at most qasm_limits.max_iterations
 *   iterations), `break`, `continue`, `def` subroutines inlined at each
 *   call (qubit, bit and classical arguments; classical results; bit
 *   results by `return measure q` or a returned bit register, which
 *   becomes the caller's bits; also called gate-style `f(a) q;`), bits
 *   of int/uint variables (`a[i]`), bit registers and `let` in blocks,
 *   index sets `q[{0, 2}]`, `let` aliases (slices, `++`), physical
 *   qubits `$n` (a register "phys" of $0 … $max, first), `&& || & | << >>
 *   ~`, `true`/`false`, and `if` on bit tests joined with `&&`. A value,
 *   loop or return that would depend on a measurement (a while on
 *   measured bits, a variable assigned under an if on measured bits) is a
 *   located error;
 * Refused with a 'not supported' error at file:line:col: extern
 * functions (the declaration and each call), pragma, annotations,
 * defcal/cal, switch, arrays of several dimensions, complex and other
 * include files.
 *
 * Errors are reported with diag_error (all syntax errors, then the
 * elaboration errors); the circuit is built only if there are none. */
#ifndef QGDC_QASM_READ_H
#define QGDC_QASM_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/circuit.h"
#include "support/diag.h"

/* Operations a program may unroll to (loops, broadcasts): the default of
 * qasm_limits.max_unroll. */
#define QASM_MAX_UNROLL (1u << 24)
/* Iterations a 'while' loop may run (its condition is decided as the
 * program is read): the default of qasm_limits.max_iterations. */
#define QASM_MAX_ITERATIONS (1u << 20)
/* The largest register, and all registers together. */
#define QASM_MAX_REGISTER (1u << 24)

/* Limits of the reader (a test harness may lower them). */
typedef struct QasmLimits {
    uint64_t max_unroll; /* operations loops and broadcasts unroll to, in all */
    uint64_t max_iterations; /* iterations of one 'while' loop */
} QasmLimits;
extern QasmLimits qasm_limits;

/* The values of the program's `input` declarations, "name=value" each
 * (`qgdc sim|count|qasm --input name=value`); read by qasm_read. A
 * declared input without a value, or a value for a name the program does
 * not declare as an input, is an error. */
typedef struct QasmInputs {
    const char *const *v;
    int n;
} QasmInputs;
extern QasmInputs qasm_inputs;

/* Reads src into *out (initialised here). False, with diagnostics and
 * *out empty, when the program has an error. src must outlive the
 * diagnostics only: *out keeps no pointer into it. */
bool qasm_read(const SrcFile *src, Circuit *out);

/* Loads the file at path and reads it. The source is returned in *src_out
 * (free it with srcfile_free) or freed when src_out is NULL. False when
 * the file cannot be read (reported with diag_plain) or has errors. */
bool qasm_load(const char *path, Circuit *out, SrcFile **src_out);

#endif
