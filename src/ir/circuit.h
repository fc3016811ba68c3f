/* circuit.h — the circuit IR, third of qgdc's three IRs (docs/ir.md).
 *
 * A Circuit is a list of qubit and bit registers, a table of gate
 * definitions, and a main block. A block is a list of operations; an
 * operation applies a built-in gate or calls a definition, with modifiers
 * (controls of either polarity, inverse, a power), or measures, resets,
 * post-selects, applies a multiplexed rotation, or acts on a classical
 * condition. Hierarchy is kept: `pow(2^40) @ ctrl @ W` is one node, and
 * every consumer — the OpenQASM emitter, the resource counter, the
 * simulator — walks definitions once and multiplies.
 *
 * Qubits are numbered globally 0..nqubits−1 in the main block (registers
 * are slices of that range); inside a definition, 0..def->nqubits−1 are
 * its formal arguments, bound at each call. Angles are concrete doubles:
 * definitions take no classical parameters (a parameterised gate read from
 * OpenQASM is instantiated per distinct argument list by the reader).
 *
 * Memory: a Circuit owns an arena from which every Op, qubit list, angle
 * table, name and block array is allocated; circuit_free releases it all.
 * Counts (res_*) are GMP integers throughout. */
#ifndef QGDC_CIRCUIT_H
#define QGDC_CIRCUIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>

#include "support/util.h"

/* Gate properties. */
enum {
    GF_CLIFFORD = 1 << 0, /* a Clifford for every parameter value it takes */
    GF_SELFINV = 1 << 1,  /* its own inverse */
    GF_DIAG = 1 << 2,     /* diagonal in the computational basis */
    GF_PERM = 1 << 3,     /* permutes basis states (X, CX, CCX, SWAP) */
    GF_ROT = 1 << 4,      /* parameterised rotation (counted as arbitrary rotation) */
};

/* The one table of built-in gates: X(ID, qasm name, qubits, params, flags).
 * These are also the basis of --flat output; ccx is counted as one CCZ. */
#define QGD_GATES(X)                                                          \
    X(ID, "id", 1, 0, GF_CLIFFORD | GF_SELFINV | GF_DIAG | GF_PERM)           \
    X(H, "h", 1, 0, GF_CLIFFORD | GF_SELFINV)                                 \
    X(X, "x", 1, 0, GF_CLIFFORD | GF_SELFINV | GF_PERM)                       \
    X(Y, "y", 1, 0, GF_CLIFFORD | GF_SELFINV)                                 \
    X(Z, "z", 1, 0, GF_CLIFFORD | GF_SELFINV | GF_DIAG)                       \
    X(S, "s", 1, 0, GF_CLIFFORD | GF_DIAG)                                    \
    X(SDG, "sdg", 1, 0, GF_CLIFFORD | GF_DIAG)                                \
    X(T, "t", 1, 0, GF_DIAG)                                                  \
    X(TDG, "tdg", 1, 0, GF_DIAG)                                              \
    X(SX, "sx", 1, 0, GF_CLIFFORD)                                            \
    X(RX, "rx", 1, 1, GF_ROT)                                                 \
    X(RY, "ry", 1, 1, GF_ROT)                                                 \
    X(RZ, "rz", 1, 1, GF_ROT | GF_DIAG)                                       \
    X(P, "p", 1, 1, GF_ROT | GF_DIAG)                                         \
    X(U, "U", 1, 3, GF_ROT)                                                   \
    X(CX, "cx", 2, 0, GF_CLIFFORD | GF_SELFINV | GF_PERM)                     \
    X(CZ, "cz", 2, 0, GF_CLIFFORD | GF_SELFINV | GF_DIAG)                     \
    X(SWAP, "swap", 2, 0, GF_CLIFFORD | GF_SELFINV | GF_PERM)                 \
    X(CCX, "ccx", 3, 0, GF_SELFINV | GF_PERM)                                 \
    X(GPHASE, "gphase", 0, 1, GF_DIAG)

typedef enum GateKind {
#define X(id, name, nq, np, fl) GATE_##id,
    QGD_GATES(X)
#undef X
    GATE_COUNT
} GateKind;

typedef struct GateInfo {
    const char *name;
    int nqubits, nparams;
    unsigned flags;
} GateInfo;

extern const GateInfo gate_info[GATE_COUNT];
/* GATE_COUNT when the name is not a built-in gate. */
GateKind gate_lookup(const char *qasm_name);

typedef enum OpKind {
    OP_GATE,      /* built-in gate */
    OP_CALL,      /* call of a definition */
    OP_MULTIPLEX, /* uniformly controlled RY or RZ: target q[nq−1], selects q[0..nq−2] */
    OP_MEASURE,   /* q[0] → bit */
    OP_RESET,     /* q[0] → |0⟩ */
    OP_POSTSELECT,/* keep the branch q[0] = value, renormalise (simulation);
                     emitted as a measurement with a comment */
    OP_BARRIER,
    OP_IF,        /* if (bit == value) then */
} OpKind;

typedef struct Op Op;
typedef struct Block {
    Op **ops;
    size_t n, cap;
} Block;

struct Op {
    OpKind kind;
    GateKind gate;     /* OP_GATE; OP_MULTIPLEX: GATE_RY or GATE_RZ */
    uint32_t def;      /* OP_CALL: index into Circuit.defs */
    uint32_t nctrl;    /* the first nctrl entries of q are controls */
    uint64_t negctrl;  /* bit k set: control k fires on |0⟩ (k < 64) */
    bool inv;          /* inverse modifier */
    uint64_t pow;      /* power modifier, ≥ 1 (applied after ctrl: pow(k) @ ctrl @ g) */
    double param[3];   /* OP_GATE angles */
    uint32_t nq;       /* operands: controls, then the gate's own qubits */
    uint32_t *q;
    double *angles;    /* OP_MULTIPLEX: 2^(nq−1) angles, select value c = Σ_j bit(q[j]) << j */
    uint32_t bit;      /* OP_MEASURE target bit; OP_IF condition bit */
    int value;         /* OP_POSTSELECT / OP_IF: 0 or 1 */
    Op *then;          /* OP_IF */
    const char *comment; /* emitted before the operation, may be NULL */
};

/* The counts of an opaque definition (circuit_declare): one uncontrolled
 * call, in the resource counter's conventions (resources.h). */
typedef struct DeclaredCost {
    mpz_t ccz, t, rotations;
    uint32_t ancillas;  /* peak lowering ancillas */
} DeclaredCost;

typedef struct GateDef {
    const char *name;  /* a valid OpenQASM identifier, unique in the circuit */
    uint32_t nqubits;
    Block body;
    const char *doc;   /* one-line description for the emitted QASM, may be NULL */
    DeclaredCost *declared; /* non-NULL: opaque (no body), counted from these */
} GateDef;

typedef struct Register {
    const char *name;
    uint32_t offset, size;
} Register;

typedef struct Circuit {
    Arena arena;
    Register *qregs, *cregs;
    size_t nqregs, ncregs;
    uint32_t nqubits, nbits;
    GateDef *defs;
    size_t ndefs, capdefs;
    Block main;
} Circuit;

/* ---- building ---- */

void circuit_init(Circuit *c);
void circuit_free(Circuit *c);
/* Adds a register; returns its offset. */
uint32_t circuit_qreg(Circuit *c, const char *name, uint32_t size);
uint32_t circuit_creg(Circuit *c, const char *name, uint32_t size);
/* A new, empty definition; returns its index. */
uint32_t circuit_def(Circuit *c, const char *name, uint32_t nqubits, const char *doc);
Block *circuit_def_body(Circuit *c, uint32_t def);
/* An opaque definition: no body, only the counts of one uncontrolled call
 * (copied). It stands for a part too large to build (a data oracle of
 * 10^9 entries) in a circuit that is only counted: res_count uses the
 * counts (called under a control it is an ICE: give such parts their
 * control as a formal), while simulation, lowering and QASM
 * output refuse the circuit (circuit_opaque names the first one). */
uint32_t circuit_declare(Circuit *c, const char *name, uint32_t nqubits, const DeclaredCost *cost, const char *doc);
/* The first opaque definition reachable from the main block, or NULL. */
const char *circuit_opaque(const Circuit *c);

/* Appends to a block (the main block or a definition's body). The
 * returned Op may be changed further (modifiers, comment). */
Op *circ_gate(Circuit *c, Block *b, GateKind g, const uint32_t *q, const double *params);
Op *circ_cgate(Circuit *c, Block *b, GateKind g, uint32_t nctrl, const uint32_t *q, const double *params);
Op *circ_call(Circuit *c, Block *b, uint32_t def, uint32_t nctrl, const uint32_t *q);
Op *circ_multiplex(Circuit *c, Block *b, GateKind axis, uint32_t nselect, const uint32_t *q, const double *angles);
Op *circ_measure(Circuit *c, Block *b, uint32_t qubit, uint32_t bit);
Op *circ_reset(Circuit *c, Block *b, uint32_t qubit);
Op *circ_postselect(Circuit *c, Block *b, uint32_t qubit, int value);
Op *circ_barrier(Circuit *c, Block *b, uint32_t nq, const uint32_t *q);
Op *circ_if(Circuit *c, Block *b, uint32_t bit, int value, Op *then);

/* θ·k reduced modulo m·π (m = 2 or 4) into (−m·π/2, m·π/2]: the angle of
 * pow(k) @ rz(θ) (m = 4: rx, ry, rz) or of pow(k) @ p(θ), gphase (m = 2).
 * Computed exactly from the double θ with a 256-bit π and rounded once
 * (exact while |θ·k| < 2^190); θ itself when k = 1. Shared by the
 * executor and the lowering so both fold powers the same way. */
double circuit_fold_angle(double theta, uint64_t k, unsigned m);
/* v^k in place for a 2×2 unitary v (row-major), with the rotation angle
 * and the phase folded by circuit_fold_angle: any k is as accurate as 1.
 * Shared by the executor and the lowering. */
void circuit_unitary_power(double _Complex v[4], uint64_t k);

/* ---- checking and printing ---- */

/* Structural checks: operand counts and ranges, distinct operands, defined
 * callees, no recursion, pow ≥ 1, multiplexor sizes. False with a message
 * on stderr (an inconsistency is a compiler bug). */
bool circuit_verify(const Circuit *c);
/* Stable, diffable text form (--dump-after). */
void circuit_dump(const Circuit *c, FILE *out);

#endif
