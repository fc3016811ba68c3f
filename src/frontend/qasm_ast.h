/* qasm_ast.h — the syntax tree of an OpenQASM 3 file, as qasm_parser.y
 * builds it and qasm_read.c elaborates it into a Circuit. Nodes live in the
 * reader's arena and carry the Loc of their text. Internal to the reader. */
#ifndef QGDC_QASM_AST_H
#define QGDC_QASM_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "support/diag.h"
#include "support/util.h"

/* A number as the lexer read it: an integer literal (decimal, 0x…, 0b…)
 * exactly, in u (isint; up to 2^64 − 1, larger ones are refused by the
 * lexer), or a real literal in f. */
typedef struct QNum {
    bool isint;
    uint64_t u;
    double f;
} QNum;

typedef enum QExprKind {
    QE_NUM,   /* num */
    QE_ID,    /* name (pi, π, tau, euler, a constant, a loop variable, a gate parameter, a register) */
    QE_INDEX, /* name[a] */
    QE_CALL,  /* name(args): sin cos … mod pow */
    QE_NEG,   /* -a */
    QE_NOT,   /* !a */
    QE_BIN,   /* a op b: + - * / % ^(**) and comparisons EQ NE '<' '>' LE GE */
    QE_DURATION, /* a duration literal (10ns, 2us, 1dt): timing only */
    QE_CAST,  /* type[a](b) / type(b): op 'i' int, 'u' uint, 'f' float, 'a' angle, 'B' bool; a the width or NULL */
    QE_SLICE, /* name[a:step:b] (a, step, b may be NULL): an operand passed to a subroutine */
    QE_ARRAY, /* {a, b, …} (args): an array's initial value */
    QE_INDEXSET, /* name[{a, b, …}] (args): an operand passed to a subroutine */
} QExprKind;

/* Binary operators beyond the characters: comparisons, logical and/or,
 * shifts (QE_BIN); QE_NOT's op is '!' or '~'. */
enum { QOP_EQ = 256, QOP_NE, QOP_LE, QOP_GE, QOP_AND, QOP_OR, QOP_SHL, QOP_SHR };

typedef struct QExpr QExpr;
typedef struct QExprList {
    QExpr **v;
    int n;
} QExprList;

struct QExpr {
    QExprKind kind;
    Loc loc;
    int op;
    QNum num;
    const char *name;
    QExpr *a, *b;
    QExpr *step; /* QE_SLICE */
    QExprList args;
};

/* An operand: q, q[i], q[a:b], q[a:s:b] (ends inclusive, either may be
 * left out), q[{i, j, …}] (an index set). */
typedef enum QArgKind { QA_WHOLE, QA_INDEX, QA_SLICE, QA_SET } QArgKind;
typedef struct QArg {
    QArgKind kind;
    const char *name;
    Loc loc;
    QExpr *index;           /* QA_INDEX */
    QExpr *lo, *step, *hi;  /* QA_SLICE, each may be NULL */
    QExprList set;          /* QA_SET */
} QArg;
typedef struct QArgList {
    QArg **v;
    int n;
} QArgList;

typedef struct QNameList {
    const char **v;
    Loc *loc;
    int n;
} QNameList;

/* A gate modifier: ctrl(n), negctrl(n), inv, pow(k). */
typedef enum QModKind { QM_CTRL, QM_NEGCTRL, QM_INV, QM_POW } QModKind;
typedef struct QMod {
    QModKind kind;
    QExpr *arg; /* may be NULL: ctrl, negctrl without a count */
    Loc loc;
    struct QMod *next; /* the next modifier to the right */
} QMod;

/* A parameter of a subroutine ('def'): type 'q' qubit / qubit[size],
 * 'b' bit / bit[size], or a classical type 'i' 'u' 'f' 'a' 'B' (bool)
 * with an optional width in size. */
typedef struct QParam {
    int type;
    QExpr *size;
    const char *name;
    Loc loc;
} QParam;
typedef struct QParamList {
    QParam *v;
    int n;
} QParamList;

typedef enum QStmtKind {
    QS_VERSION,  /* OPENQASM num; — num in .num, its text in .name */
    QS_INCLUDE,  /* include "name"; */
    QS_QREG,     /* qubit[size] name; / qreg name[size]; (size NULL: one qubit) */
    QS_CREG,     /* bit[size] name; / creg name[size]; optional = measure args.v[0], = value
                    (a subroutine's result or a constant) or = "0101" (.text) */
    QS_CONST,    /* const type name = value; (.type: 'i' int, 'u' uint, 'f' float, 'a' angle,
                    'b' bit[size] with .text a bit-string literal or .value) */
    QS_GATEDEF,  /* gate name(params) qubits { body } */
    QS_GATE,     /* mods name(params) args; */
    QS_MEASURE,  /* target = measure arg; / measure arg -> target; (target NULL: none) */
    QS_RESET,    /* reset args; */
    QS_BARRIER,  /* barrier args; */
    QS_IF,       /* if (cond) body [else orelse] */
    QS_FOR,      /* for [type] var in [lo:step:hi] / {set} / array (value, a QE_ID) body */
    QS_INPUT,    /* input type name; (.type 'i' 'u' 'f' 'a', or 'b' a bit / bit[size]) */
    QS_TIMING,   /* duration/stretch declarations, delay (args), box (type 1, body): timing, ignored */
    QS_VAR,      /* type[size] name [= value]; a classical variable (.type 'i' 'u' 'f' 'a' 'B');
                    array[type[size], dims…] name [= {…}]; when args_expr (the dimensions) is not empty */
    QS_ASSIGN,   /* target = value; (compound assignments are desugared: x += e is x = x + e) */
    QS_WHILE,    /* while (cond) body */
    QS_FLOW,     /* break; (type 'b') / continue; (type 'c') */
    QS_RETURN,   /* return [value]; / return measure args.v[0]; (type 1) */
    QS_DEF,      /* def name(dparams) [-> rtype[rsize]] { body } (.type the return type or 0) */
    QS_LET,      /* let name = a ++ b ++ …; (args) */
    QS_BAD,      /* reported by the parser already: elaborates to nothing */
} QStmtKind;

typedef struct QStmt QStmt;
typedef struct QStmtList {
    QStmt **v;
    int n;
} QStmtList;

struct QStmt {
    QStmtKind kind;
    Loc loc;
    const char *name;
    Loc name_loc;
    int type;
    double num;
    QExpr *size, *value, *cond;
    QExpr *lo, *step, *hi; /* QS_FOR over a range */
    QExprList set;         /* QS_FOR over a set: set.n > 0 */
    QNameList params, qubits;
    QMod *mods;
    QExprList args_expr;   /* QS_GATE parameters */
    QArgList args;         /* operands; QS_MEASURE: args.v[0] the qubits */
    QArg *target;          /* QS_MEASURE */
    QStmtList body, orelse;
    int postselect;        /* -1, or 0/1: a qgdc "post-select" marker came before */
    const char *ps_qubit;  /* the qubit the marker names ("q[2]"), or NULL */
    const char *text;      /* QS_CONST of bits: the bit-string literal, or NULL */
    Loc text_loc;
    Loc ps_loc;            /* the marker comment */
    QParamList dparams;    /* QS_DEF */
    QExpr *rsize;          /* QS_DEF: the width of the return type, or NULL */
};

/* Physical qubits $0 … $(QASM_MAX_PHYSICAL − 1) may be used. */
#define QASM_MAX_PHYSICAL (1u << 20)

typedef struct QProgram {
    QStmtList stmts;
} QProgram;

/* List helpers (arena-grown; qasm_ast.c). */
void qast_expr_push(Arena *a, QExprList *l, QExpr *e);
void qast_arg_push(Arena *a, QArgList *l, QArg *e);
void qast_stmt_push(Arena *a, QStmtList *l, QStmt *s);
void qast_name_push(Arena *a, QNameList *l, const char *name, Loc loc);
void qast_param_push(Arena *a, QParamList *l, QParam p);

#endif
