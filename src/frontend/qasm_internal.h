/* qasm_internal.h — what the files of the OpenQASM 3 reader share; internal
 * to the reader (its contract is qasm_read.h). qasm_read.c elaborates the
 * syntax tree (qasm_ast.h) statement by statement, with the standard gate
 * table of qasm_stdlib.c. */
#ifndef QGDC_QASM_INTERNAL_H
#define QGDC_QASM_INTERNAL_H

#include <stdbool.h>

#include "ir/circuit.h"

/* ---- the standard library (qasm_stdlib.c) ---- */

/* How a standard gate becomes IR operations. */
typedef enum StdKind {
    STD_DIRECT, /* one built-in gate, the parameters as they are */
    STD_U2,     /* gphase(−(φ+λ)/2); U(π/2, φ, λ) */
    STD_U3,     /* gphase(−(φ+λ)/2); U(θ, φ, λ) */
    STD_CU,     /* p(γ) a; ctrl @ U(θ, φ, λ) a, b */
    STD_SEQ,    /* a sequence of built-in gates (std_steps) */
} StdKind;

typedef struct StdGate {
    const char *name;
    int nqubits, nparams;
    GateKind gate;
    int nctrl; /* leading operands that are controls of `gate` */
    StdKind kind;
    bool builtin; /* available without stdgates.inc */
    bool ext;     /* beyond the OpenQASM 3 stdgates.inc: one of the gates the
                     QDK's standard library adds (Qiskit's). Like the QDK, they
                     are available without the include and a program may
                     define a gate of the same name, which then wins. */
} StdGate;


/* The table of the standard gates: U, gphase, stdgates.inc and the QDK's
 * additions (STD_NGATES of them). */
#define STD_NGATES 52
extern const StdGate std_gates[];

/* One built-in gate of a sequence: operands are indices into the standard
 * gate's qubits (controls first), angles already evaluated. */
typedef struct Step {
    GateKind gate;
    int nctrl;
    bool inv;
    int q[3];
    double p[3];
} Step;

#define STD_MAX_STEPS 16

/* The sequence of a STD_SEQ gate for parameters p, in s (at most
 * STD_MAX_STEPS steps); returns its length. */
int std_steps(const char *name, const double *p, Step *s);

/* The standard gate called name, or NULL. */
const StdGate *std_lookup(const char *name);

#endif
