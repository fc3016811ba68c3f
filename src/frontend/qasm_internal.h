/* qasm_internal.h — what the files of the OpenQASM 3 reader share; internal
 * to the reader (its contract is qasm_read.h). qasm_read.c elaborates the
 * syntax tree (qasm_ast.h) statement by statement, with the standard gate
 * table of qasm_stdlib.c, the expressions of qasm_expr.c and the operands
 * of qasm_operands.c. */
#ifndef QGDC_QASM_INTERNAL_H
#define QGDC_QASM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/qasm_ast.h"
#include "ir/circuit.h"
#include "support/diag.h"

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
                     define a gate of the same name, which then wins.
                     Among the v2 gates: one Qiskit's qelib1.inc added after
                     the OpenQASM 2.0 paper, which a program may define too. */
    bool v2;      /* OpenQASM 2.0: U, CX and qelib1.inc, as Qiskit's
                     qelib1.inc defines them (the U of OpenQASM 3); seen only
                     by 2.0 programs (std_lookup2), never by 3 programs */
} StdGate;

/* The table of the standard gates: U, gphase, stdgates.inc and the QDK's
 * additions, then OpenQASM 2.0's (STD_NGATES of them). */
#define STD_NGATES 96
extern const StdGate std_gates[];

/* One built-in gate of a sequence: operands are indices into the standard
 * gate's qubits (controls first), angles already evaluated. */
typedef struct Step {
    GateKind gate;
    int nctrl;
    bool inv;
    int q[5];
    double p[3];
} Step;

#define STD_MAX_STEPS 24

/* The sequence of a STD_SEQ gate g for parameters p, in s (at most
 * STD_MAX_STEPS steps); returns its length. */
int std_steps(const StdGate *g, const double *p, Step *s);

/* The standard gate of OpenQASM 3 called name, or NULL. */
const StdGate *std_lookup(const char *name);
/* The gate of OpenQASM 2.0 (U, CX, qelib1.inc) called name, or NULL. */
const StdGate *std_lookup2(const char *name);

/* ---- the reader's state (qasm_read.c) ---- */

/* The widest register an if may test. */
#define MAX_COND_BITS 32

/* A register of qubits or bits, declared in the program, or a name for
 * some of them: a 'let' alias, a subroutine's qubit or bit argument
 * (map: the qubit or bit of each element), or the physical qubits $0 …
 * (named "$"). */
typedef struct Reg {
    const char *name;
    Loc loc;
    bool bit;     /* a bit register */
    bool single;  /* declared without a size */
    bool dropped; /* a bit register only post-selections write to */
    uint32_t offset, size;
    const uint32_t *map; /* NULL: offset … offset + size − 1; else element i is map[i] */
    bool arg;            /* a subroutine's bit argument: passed by value, not written */
} Reg;

/* The qubit (bit) of element i of r. */
static inline uint32_t reg_at(const Reg *r, uint32_t i) { return r->map ? r->map[i] : r->offset + i; }

/* A value: an integer, exact (64 bits; arithmetic that leaves the range
 * is refused), or a real number (a double). */
typedef struct Val {
    bool isint;
    long long i;
    double f;
} Val;

/* 2^53: beyond it a double no longer tells integers apart. */
#define TWO53 9007199254740992.0

static inline Val vint(long long i) { return (Val){true, i, 0}; }
static inline Val vreal(double f) { return (Val){false, 0, f}; }
static inline double vf(Val v) { return v.isint ? (double)v.i : v.f; }

/* The reader's hash tables (qasm_read.c). */
typedef struct Intern Intern;
typedef struct NameIdx NameIdx;

/* A gate the program defines, and its IR definitions so far. */
typedef struct UGate {
    const QStmt *def;
    int order;
    bool bad; /* its body had errors: reported once */
    Intern *inst; /* its instances, by argument values */
    size_t ninst;
} UGate;

/* A named value: a constant, a loop variable, a gate parameter, or a
 * classical variable (mut) or subroutine argument, whose value the reader
 * knows as it reads the program. */
typedef struct Binding {
    const char *name;
    Loc loc;
    Val value;
    int bits;  /* > 0: a bit string of this many bits (value: b[0] least significant) */
    int type;  /* a variable's type: 'i' 'u' 'f' 'a' 'B' (bool) */
    int width; /* of int[width] / uint[width]; 0: 64 bits */
    bool mut;  /* a variable: assignments may change it */
    int ncond; /* the conditions on measurements in force where it was declared */
    Val *arr;  /* an array variable: its len elements (in the reader's arena), else NULL */
    int len;
} Binding;

/* A subroutine ('def'). */
typedef struct UDef {
    const QStmt *def;
    bool bad; /* its declaration had errors */
} UDef;

/* A bit register declared in a block or subroutine: its bits, made at the
 * declaration's first run (k: the nesting of calls of its subroutine). */
typedef struct BlockBits {
    const QStmt *st;
    int k;
    uint32_t offset, size;
} BlockBits;

/* The subroutine call being elaborated (its body is inlined). */
typedef struct Frame {
    const UDef *def;
    const struct QList *target; /* the caller's bits for a bit result (c = f(…)), or NULL */
    bool has_ret;
    Val ret;    /* the classical result */
    int ncond;  /* conditions on measurements in force at the call */
    struct Frame *up;
} Frame;

/* How a statement ended: normally, or by break, continue or return. */
enum { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE, FLOW_RETURN };

/* A condition on an operation: bit == value. */
typedef struct Cond {
    uint32_t bit;
    int value;
} Cond;

/* The state of one elaboration. */
typedef struct Reader {
    Circuit *c;
    int errors;
    bool stdgates, aborted;
    bool v2;    /* an OpenQASM 2.0 program ('OPENQASM 2.0;') */
    bool qelib; /* it includes qelib1.inc */
    Reg *regs;
    size_t nregs;
    UGate *gates;
    size_t ngates, capgates;
    NameIdx *gate_names; /* index into gates */
    NameIdx *def_names;  /* names of the IR definitions made so far */
    NameIdx *reg_names;  /* index into regs */
    NameIdx *const_names; /* index into consts */
    Binding *consts;
    size_t nconsts;
    Binding *scope; /* loop variables and gate parameters */
    size_t nscope, scope_base;
    /* where operations go */
    Block *block;
    const UGate *in_gate; /* elaborating this gate's body, or NULL */
    Cond cond[MAX_COND_BITS * 2];
    int ncond;
    int postselect; /* −1, or the value of a qgdc post-selection marker */
    const char *ps_qubit; /* the qubit that marker names, or NULL */
    Loc ps_loc;           /* the marker */
    uint64_t work;
    int depth; /* nesting in for/if */
    int quiet; /* > 0: errors are not reported (trial evaluations) */
    bool timing_noted; /* the note that timing is ignored was given */
    bool *input_used;  /* per qasm_inputs entry: an input declaration took it */
    Arena *arena;      /* the syntax tree's arena: alias maps */
    /* classical control */
    size_t block_base; /* the scope entries of the innermost block start here */
    int flow;          /* FLOW_*: a break, continue or return is leaving blocks */
    int loops;         /* loops around the statement, in this subroutine */
    int loop_ncond;    /* conditions on measurements in force at the innermost loop */
    Frame *frame;      /* the subroutine call being inlined, or NULL */
    int ncalls;        /* nested calls (recursion is bounded) */
    UDef *defs;
    size_t ndefs;
    NameIdx *def_sub_names; /* index into defs */
    Reg *lregs;        /* registers local to subroutine calls: arguments, aliases, bits */
    size_t nlregs, lreg_base;
    BlockBits *bbits;  /* bit registers of blocks and subroutines, made so far */
    size_t nbbits;
    uint32_t nphys, phys_offset; /* physical qubits $0 … $(nphys − 1): circuit qubits from phys_offset */
    /* definitions made for STD_SEQ gates under modifiers, per parameters,
     * and how many each gate has */
    Intern *seqdefs;
    size_t nseq[STD_NGATES];
} Reader;

/* An error that was reported already (by the lexer), or not to report. */
void qr_failed(Reader *R);
/* An error at loc: reported (unless R->quiet) and counted. */
__attribute__((format(printf, 3, 4))) void qr_err(Reader *R, Loc loc, const char *fmt, ...);
/* The register, constant or local (loop variable, gate parameter) called
 * name, or NULL. */
Reg *qr_find_reg(Reader *R, const char *name);
/* The subroutine called name, or NULL. */
UDef *qr_find_def(Reader *R, const char *name);
/* Inlines a call of subroutine d with arguments args (at loc) and puts
 * its classical result in *ret (the call in an expression); false
 * (reported) on an error. */
bool qr_call_value(Reader *R, const UDef *d, const QExprList *args, Loc loc, Val *ret);
/* The element of array b at index e (checked), in *out. */
bool qr_array_elem(Reader *R, const Binding *b, const QExpr *e, Val *out);
/* Bit e of int or uint variable b: its number in *k (checked: below the
 * width, 64 without one). */
bool qr_int_bit(Reader *R, const Binding *b, const QExpr *e, int *k);
const Binding *qr_find_const(Reader *R, const char *name);
const Binding *qr_find_local(Reader *R, const char *name);

/* ---- expressions (qasm_expr.c) ---- */

/* The value of e; false (reported) on an error. */
bool qr_eval(Reader *R, const QExpr *e, Val *out);
/* v converted to a variable of type ('i' 'u' 'f' 'a' 'B') and width (0:
 * 64 bits): integers wrap to the width, an angle is taken modulo 2π, a
 * bool is 0 or 1; a real that is not an integer is refused for int and
 * uint (what names the value). */
bool qr_convert(Reader *R, Loc loc, int type, int width, Val v, Val *out, const char *what);
/* v as an integer: an integer, or a real that is exactly one below 2^53;
 * what names it in the error. */
bool qr_val_int(Reader *R, Loc loc, Val v, long long *out, const char *what);
/* The value of e as an integer (qr_eval, then qr_val_int). */
bool qr_eval_int(Reader *R, const QExpr *e, long long *out, const char *what);

/* ---- operands (qasm_operands.c) ---- */

typedef struct QList {
    uint32_t *v;
    uint32_t n;
    bool reg; /* a register or slice: broadcast over it */
} QList;

/* Appends q to l. */
void ql_push(QList *l, uint32_t q);
/* Drops the repeats of a qubit from l, keeping the first of each. */
void ql_unique(QList *l);
/* The operand an expression names (q, q[i], q[a:b]) as in a subroutine
 * call's arguments, into *a; false when e is not one. */
bool qr_expr_arg(const QExpr *e, QArg *a);
/* The index e into register r (negative counts from the end), checked. */
bool qr_index_of(Reader *R, const QExpr *e, const Reg *r, uint32_t *out);
/* The qubits (bits: the bits) operand a names, in *out (its v to free);
 * inside a gate body, the number of the formal qubit. */
bool qr_resolve(Reader *R, const QArg *a, bool bits, QList *out);
/* "q[3]" for qubit (bits: bit) q, in buf, or the formal's name in a gate body. */
const char *qr_qubit_name(Reader *R, uint32_t q, bool bits, char *buf, size_t len);
/* Resolves every operand into lists[i] and the broadcast length into
 * *len; the lists are freed with qr_free_lists, also on failure. */
bool qr_resolve_all(Reader *R, const QArgList *args, QList *lists, uint32_t *len);
/* The operand of list l in the k-th application of a broadcast. */
uint32_t qr_pick(const QList *l, uint32_t k);
void qr_free_lists(QList *lists, int n);

#endif
