/* ast.h — the syntax tree of a .qgd file, as the parser builds it. Nodes live
 * in the ParseResult's arena and carry the Loc of the text they came from.
 * The tree is untyped: sema.c gives it meaning (see docs/language.md). */
#ifndef QGDC_AST_H
#define QGDC_AST_H

#include "support/diag.h"
#include "support/util.h"

typedef enum ExprKind {
    E_NUM,     /* num */
    E_STRING,  /* name holds the text */
    E_IDENT,   /* name */
    E_INDEX,   /* name[args] */
    E_CALL,    /* name(args); named arguments are E_NAMED */
    E_NAMED,   /* name = a, inside a call */
    E_NEG,     /* -a */
    E_BINARY,  /* a op b, op one of + - * / ^ */
    E_SUM,     /* sum(var in lo..hi) body */
    E_PROD,    /* prod(var in lo..hi) body */
    E_LIST,    /* [args] */
    E_COMPREH, /* [body for var in lo..hi] */
} ExprKind;

/* A number as the lexer saw it: its value and its text (the text lets a
 * size-only model read whole numbers beyond 2^53 exactly). */
typedef struct NumTok {
    double v;
    const char *text; /* NULL after a malformed number */
} NumTok;

typedef struct Expr Expr;
typedef struct ExprList {
    Expr **v;
    int n;
} ExprList;

struct Expr {
    ExprKind kind;
    Loc loc;
    int op;           /* E_BINARY: '+', '-', '*', '/', '^' */
    double num;       /* E_NUM */
    const char *text; /* E_NUM: the digits as written (NULL when malformed) */
    const char *name; /* E_IDENT, E_INDEX, E_CALL, E_NAMED, E_STRING; the bound variable of E_SUM/E_PROD/E_COMPREH */
    Loc name_loc;
    Expr *a, *b;      /* operands; E_SUM/E_PROD/E_COMPREH: a = lo, b = hi */
    Expr *body;       /* E_SUM, E_PROD, E_COMPREH */
    ExprList args;    /* E_INDEX, E_CALL, E_LIST */
};

typedef enum StmtKind {
    S_CONST,   /* const name[dims] = value; */
    S_PARAM,   /* param name[dims] = value; */
    S_SET,     /* name = value;           (a setting: eta, T, loss, noise, ...) */
    S_UPDATE,  /* update name[dims] = value; */
    S_FOR,     /* for var in lo..hi { body } */
    S_OPTIONS, /* options { name = value; ... }  body holds S_SET statements */
} StmtKind;

typedef struct Stmt Stmt;
typedef struct StmtList {
    Stmt **v;
    int n;
} StmtList;

struct Stmt {
    StmtKind kind;
    Loc loc;
    const char *name;
    Loc name_loc;
    ExprList dims; /* S_CONST/S_PARAM: declared sizes; S_UPDATE: the index */
    Expr *value;
    Expr *lo, *hi; /* S_FOR */
    StmtList body; /* S_FOR, S_OPTIONS */
};

typedef enum ProblemKind { P_GD, P_NTK, P_MODEL } ProblemKind;

typedef struct Problem {
    ProblemKind kind;
    Loc loc; /* of the kind keyword */
    const char *name;
    Loc name_loc;
    StmtList body;
} Problem;

typedef struct Program {
    StmtList globals; /* top-level const declarations, in order */
    Problem **problems;
    int nproblems;
} Program;

/* Result of parsing one file. Owns its arena and source text. */
typedef struct ParseResult {
    Arena arena;
    SrcFile *src;
    Program prog;
    int nerrors; /* syntax errors reported */
} ParseResult;

/* Parses a .qgd text. Errors are reported through diag; the tree is
 * usable only when nerrors == 0. */
ParseResult *parse_qgd(SrcFile *src);
void parse_result_free(ParseResult *r);

/* Construction helpers used by the parser. */
Expr *ast_expr(Arena *a, ExprKind k, Loc loc);
void ast_expr_push(Arena *a, ExprList *l, Expr *e);
Stmt *ast_stmt(Arena *a, StmtKind k, Loc loc);
void ast_stmt_push(Arena *a, StmtList *l, Stmt *s);
const char *ast_problem_kind_name(ProblemKind k);

/* Prints the tree as S-expressions (for tests and --dump-ast). */
void ast_dump(const Program *p, FILE *out);

#endif
