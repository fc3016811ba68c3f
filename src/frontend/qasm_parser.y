/* qasm_parser.y — grammar of the OpenQASM 3 subset qgdc reads (see
 * qasm_read.h for what is supported). Builds the tree of qasm_ast.h; the
 * meaning (registers, gates, loops) is given by qasm_read.c. Each rule
 * carries its production as a comment. Syntax errors are all reported
 * (error-token recovery at ';' and '}'), with a note that points at the
 * bracket an error leaves unclosed. Constructs that are valid OpenQASM but
 * not supported are parsed far enough to say so (extern/switch/… in the
 * lexer). Compound assignments are desugared here: x += e is x = x + e. */
%define api.pure full
%define api.prefix {qasm_}
%define api.location.type {QgdLoc}
%define parse.error custom
%locations
%param {yyscan_t scanner}

%code requires {
#include "frontend/qasm_ast.h"
#include "frontend/lex_state.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
typedef struct QasmParserState {
    LexState lex;       /* first: the lexer sees a LexState */
    QProgram *prog;
    int skip_depth;     /* '{' depth while skipping an unsupported statement */
    bool version_next;  /* the next number is the version after 'OPENQASM' */
    bool v2;            /* that version is 2.x: 'opaque' is a keyword */
    QNameList externs;  /* the names 'extern' declared (refused, and so are their calls) */
    uint32_t nphys;     /* physical qubits: 1 + the largest $n seen, or 0 */
    Loc phys_loc;       /* the first $n */
    QgdLoc saved_last, saved_prev;
} QasmParserState;
}

%code {
#include <string.h>
#define YYSTYPE QASM_STYPE
#define YYLTYPE QASM_LTYPE
#include "qasm_lexer.h"

static QasmParserState *PS(yyscan_t s) { return (QasmParserState *)qasm_get_extra(s); }
#define A (PS(scanner)->lex.arena)
#define L(l) lex_loc(&PS(scanner)->lex, &(l))
static void qasm_error(QASM_LTYPE *loc, yyscan_t scanner, const char *msg);

static QExpr *mkexpr(Arena *a, QExprKind k, Loc loc)
{
    QExpr *e = arena_alloc(a, sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = k;
    e->loc = loc;
    return e;
}

static QExpr *mkbin(Arena *a, int op, QExpr *l, QExpr *r, Loc loc)
{
    QExpr *e = mkexpr(a, QE_BIN, loc);
    e->op = op, e->a = l, e->b = r;
    return e;
}

static QExpr *mkcast(Arena *a, int type, QExpr *width, QExpr *operand, Loc loc)
{
    QExpr *e = mkexpr(a, QE_CAST, loc);
    e->op = type, e->a = width, e->b = operand;
    return e;
}

static QStmt *mkstmt(Arena *a, QStmtKind k, Loc loc)
{
    QStmt *s = arena_alloc(a, sizeof *s);
    memset(s, 0, sizeof *s);
    s->kind = k;
    s->loc = loc;
    s->postselect = -1;
    return s;
}

static QArg *mkarg(Arena *a, QArgKind k, const char *name, Loc loc)
{
    QArg *g = arena_alloc(a, sizeof *g);
    memset(g, 0, sizeof *g);
    g->kind = k, g->name = name, g->loc = loc;
    return g;
}

/* The value an assignment target names: x or x[i] (for x op= e). */
static QExpr *target_expr(Arena *a, const QArg *t)
{
    QExpr *e = mkexpr(a, t->kind == QA_INDEX ? QE_INDEX : QE_ID, t->loc);
    e->name = t->name;
    e->a = t->index;
    if (t->kind == QA_SLICE || t->kind == QA_SET)
        diag_error(t->loc, "a compound assignment to several elements is not supported");
    return e;
}

static QStmt *mkvar(Arena *a, Loc loc, int type, QExpr *size, const char *name, Loc name_loc, QExpr *value)
{
    QStmt *s = mkstmt(a, QS_VAR, loc);
    s->type = type, s->size = size, s->name = name, s->name_loc = name_loc, s->value = value;
    return s;
}

static QParam mkparam(int type, QExpr *size, const char *name, Loc loc)
{
    return (QParam){type, size, name, loc};
}

static QMod *mkmod(Arena *a, QModKind k, QExpr *arg, Loc loc)
{
    QMod *m = arena_alloc(a, sizeof *m);
    m->kind = k, m->arg = arg, m->loc = loc, m->next = NULL;
    return m;
}

/* A call of a function the program declared 'extern': refused, with a
 * note at the declaration. */
static void extern_call(yyscan_t scanner, const char *name, Loc loc)
{
    const QNameList *x = &PS(scanner)->externs;
    for (int i = 0; i < x->n; i++)
        if (!strcmp(x->v[i], name)) {
            diag_error(loc, "extern functions are not supported: '%s' is implemented by the target platform, "
                            "so qgdc cannot call it", name);
            diag_note(x->loc[i], "'%s' is declared 'extern' here", name);
            return;
        }
}

static QStmt *unsupported(yyscan_t scanner, Loc loc, const char *msg)
{
    diag_error(loc, "%s", msg);
    return mkstmt(PS(scanner)->lex.arena, QS_BAD, loc);
}
}

%union {
    QNum numv;
    struct { int value; const char *qubit; } ps;
    const char *str;
    int ival;
    QExpr *expr;
    QExprList elist;
    QArg *arg;
    QArgList alist;
    QStmt *stmt;
    QStmtList slist;
    QNameList names;
    QMod *mod;
    struct { QMod *head, *tail; } mods;
    struct { int t; QExpr *w; } ty;
    QParam param;
    QParamList params;
}

%token END 0 "end of file"
%token <numv> NUMBER "number"
%token <str> IDENT "name"
%token <str> STRING "string"
%token <ps> PSMARK "post-selection comment"
%token DURATION "duration"
%token UNSUPPORTED "unsupported statement"
%token KW_OPENQASM "'OPENQASM'" KW_INCLUDE "'include'"
%token KW_QUBIT "'qubit'" KW_QREG "'qreg'" KW_BIT "'bit'" KW_CREG "'creg'"
%token KW_CONST "'const'" KW_INT "'int'" KW_UINT "'uint'" KW_FLOAT "'float'" KW_ANGLE "'angle'"
%token KW_GATE "'gate'" KW_OPAQUE "'opaque'" KW_MEASURE "'measure'" KW_RESET "'reset'" KW_BARRIER "'barrier'"
%token KW_IF "'if'" KW_ELSE "'else'" KW_FOR "'for'" KW_IN "'in'"
%token KW_INPUT "'input'" KW_OUTPUT "'output'"
%token KW_WHILE "'while'" KW_DEF "'def'" KW_RETURN "'return'" KW_BREAK "'break'" KW_CONTINUE "'continue'"
%token KW_LET "'let'" KW_BOOL "'bool'" KW_ARRAY "'array'"
%token CONCAT "'++'" ANDAND "'&&'" OROR "'||'" SHL "'<<'" SHR "'>>'"
%token KW_DURATION "'duration'" KW_STRETCH "'stretch'" KW_DELAY "'delay'" KW_BOX "'box'"
%token KW_CTRL "'ctrl'" KW_NEGCTRL "'negctrl'" KW_INV "'inv'" KW_POW "'pow'"
%token ARROW "'->'" EQ "'=='" NE "'!='" LE "'<='" GE "'>='"
%token <ival> ASSIGN_OP "compound assignment"

%type <expr> expr oexpr
%type <elist> exprs exprs_opt
%type <arg> qarg
%type <alist> qargs qargs_opt letlist
%type <stmt> stmt gate_stmt
%type <slist> stmts block body
%type <names> idlist gparams
%type <mod> mod
%type <mods> mods
%type <ty> ctype ftype rtype stype
%type <expr> arrinit arrelem
%type <elist> arrelems
%type <param> dparam
%type <params> dparams dparams_opt

%precedence THEN
%precedence KW_ELSE
%left OROR
%left ANDAND
%left '|'
%left '&'
%nonassoc EQ NE '<' '>' LE GE
%left SHL SHR
%left '+' '-'
%left '*' '/' '%'
%precedence NEG '!' '~'
%right '^'

%%

/* file -> { stmt } */
file: %empty
    | file stmt     { if ($2) qast_stmt_push(A, &PS(scanner)->prog->stmts, $2); }
    | file error '}' { yyerrok; }
    ;

stmts: %empty       { $$ = (QStmtList){0}; }
     | stmts stmt   { $$ = $1; if ($2) qast_stmt_push(A, &$$, $2); }
     ;

/* block -> '{' { stmt } '}' */
block: '{' stmts '}' { $$ = $2; }
     ;

/* body -> stmt | block */
body: stmt          { $$ = (QStmtList){0}; if ($1) qast_stmt_push(A, &$$, $1); }
    | block
    ;

/* stmt -> 'OPENQASM' NUMBER ';' | 'include' STRING ';'
 *       | 'qubit' ['[' expr ']'] NAME ';' | 'qreg' NAME ['[' expr ']'] ';'
 *       | 'bit' ['[' expr ']'] NAME ['=' 'measure' qarg] ';' | 'creg' NAME ['[' expr ']'] ';'
 *       | 'const' ctype NAME '=' expr ';' | 'const' 'bit' ['[' expr ']'] NAME '=' (STRING | expr) ';'
 *       | 'gate' NAME ['(' [names] ')'] names block
 *       | 'opaque' NAME ['(' [names] ')'] names ';'   (OpenQASM 2.0; type 1, no body)
 *       | gate_stmt
 *       | qarg '=' 'measure' qarg ';' | 'measure' qarg ['->' qarg] ';'
 *       | 'reset' qargs ';' | 'barrier' [qargs] ';'
 *       | 'if' '(' expr ')' body ['else' body]
 *       | 'for' [ctype] NAME 'in' ('[' range ']' | '{' exprs '}') body
 *       | 'input' (ctype | 'bit' ['[' expr ']']) NAME ';'   (a value from --input)
 *       | 'output' 'bit' ['[' expr ']'] NAME ';'           (a bit register)
 *       | ['const'] 'duration' NAME ['=' expr] ';' | 'stretch' NAME ['=' expr] ';'
 *       | 'delay' '[' expr ']' [qargs] ';' | 'box' ['[' expr ']'] block   (timing: ignored)
 *       | ctype NAME ['=' expr] ';' | 'bool' NAME ['=' expr] ';' | 'const' 'bool' NAME '=' expr ';'
 *       | 'array' '[' stype ',' exprs ']' NAME ['=' arrinit] ';'
 *       | 'for' [ctype] NAME 'in' NAME body   (an array's elements)
 *       | 'bit' ['[' expr ']'] NAME '=' (expr | STRING) ';'
 *       | qarg ('=' | ASSIGN_OP) expr ';'
 *       | 'while' '(' expr ')' body | 'break' ';' | 'continue' ';'
 *       | 'return' [expr | 'measure' qarg] ';'
 *       | 'def' NAME '(' [dparams] ')' ['->' rtype] block
 *       | 'let' NAME '=' qarg { '++' qarg } ';'
 *       | POST-SELECTION-COMMENT stmt */
stmt: KW_OPENQASM NUMBER ';'
                    { $$ = mkstmt(A, QS_VERSION, L(@$)); $$->num = $2.isint ? (double)$2.u : $2.f; $$->name_loc = L(@2); }
    | KW_INCLUDE STRING ';'
                    { $$ = mkstmt(A, QS_INCLUDE, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_QUBIT IDENT ';'
                    { $$ = mkstmt(A, QS_QREG, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_QUBIT '[' expr ']' IDENT ';'
                    { $$ = mkstmt(A, QS_QREG, L(@$)); $$->name = $5; $$->name_loc = L(@5); $$->size = $3; }
    | KW_QREG IDENT '[' expr ']' ';'
                    { $$ = mkstmt(A, QS_QREG, L(@$)); $$->name = $2; $$->name_loc = L(@2); $$->size = $4; }
    | KW_QREG IDENT ';'
                    { $$ = mkstmt(A, QS_QREG, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_BIT IDENT ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_BIT '[' expr ']' IDENT ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $5; $$->name_loc = L(@5); $$->size = $3; }
    | KW_BIT IDENT '=' KW_MEASURE qarg ';'
                    {
                        $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $2; $$->name_loc = L(@2);
                        qast_arg_push(A, &$$->args, $5);
                    }
    | KW_BIT '[' expr ']' IDENT '=' KW_MEASURE qarg ';'
                    {
                        $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $5; $$->name_loc = L(@5); $$->size = $3;
                        qast_arg_push(A, &$$->args, $8);
                    }
    | KW_BIT '[' expr ']' IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $5; $$->name_loc = L(@5); $$->size = $3; $$->value = $7; }
    | KW_BIT '[' expr ']' IDENT '=' STRING ';'
                    {
                        $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $5; $$->name_loc = L(@5); $$->size = $3;
                        $$->text = $7; $$->text_loc = L(@7);
                    }
    | KW_BIT IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $2; $$->name_loc = L(@2); $$->value = $4; }
    | KW_CREG IDENT '[' expr ']' ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $2; $$->name_loc = L(@2); $$->size = $4; }
    | KW_CREG IDENT ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_CONST ctype IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_CONST, L(@$)); $$->type = $2.t; $$->name = $3; $$->name_loc = L(@3); $$->value = $5; }
    | KW_CONST KW_BOOL IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_CONST, L(@$)); $$->type = 'B'; $$->name = $3; $$->name_loc = L(@3); $$->value = $5; }
    | KW_CONST KW_BIT '[' expr ']' IDENT '=' STRING ';'
                    {
                        $$ = mkstmt(A, QS_CONST, L(@$)); $$->type = 'b'; $$->size = $4; $$->name = $6; $$->name_loc = L(@6);
                        $$->text = $8; $$->text_loc = L(@8);
                    }
    | KW_CONST KW_BIT '[' expr ']' IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_CONST, L(@$)); $$->type = 'b'; $$->size = $4; $$->name = $6; $$->name_loc = L(@6); $$->value = $8; }
    | KW_CONST KW_BIT IDENT '=' STRING ';'
                    { $$ = mkstmt(A, QS_CONST, L(@$)); $$->type = 'b'; $$->name = $3; $$->name_loc = L(@3); $$->text = $5; $$->text_loc = L(@5); }
    | KW_CONST KW_BIT IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_CONST, L(@$)); $$->type = 'b'; $$->name = $3; $$->name_loc = L(@3); $$->value = $5; }
    | ctype IDENT ';'
                    { $$ = mkvar(A, L(@$), $1.t, $1.w, $2, L(@2), NULL); }
    | ctype IDENT '=' expr ';'
                    { $$ = mkvar(A, L(@$), $1.t, $1.w, $2, L(@2), $4); }
    | KW_ARRAY '[' stype ',' exprs ']' IDENT ';'
                    { $$ = mkvar(A, L(@$), $3.t, $3.w, $7, L(@7), NULL); $$->args_expr = $5; }
    | KW_ARRAY '[' stype ',' exprs ']' IDENT '=' arrinit ';'
                    { $$ = mkvar(A, L(@$), $3.t, $3.w, $7, L(@7), $9); $$->args_expr = $5; }
    | KW_BOOL IDENT ';'
                    { $$ = mkvar(A, L(@$), 'B', NULL, $2, L(@2), NULL); }
    | KW_BOOL IDENT '=' expr ';'
                    { $$ = mkvar(A, L(@$), 'B', NULL, $2, L(@2), $4); }
    | KW_GATE IDENT gparams idlist block
                    {
                        $$ = mkstmt(A, QS_GATEDEF, L(@1)); $$->name = $2; $$->name_loc = L(@2);
                        $$->params = $3; $$->qubits = $4; $$->body = $5;
                    }
    | KW_OPAQUE IDENT gparams idlist ';'
                    {
                        $$ = mkstmt(A, QS_GATEDEF, L(@1)); $$->name = $2; $$->name_loc = L(@2);
                        $$->params = $3; $$->qubits = $4; $$->type = 1;
                    }
    | gate_stmt
    | qarg '=' KW_MEASURE qarg ';'
                    { $$ = mkstmt(A, QS_MEASURE, L(@$)); $$->target = $1; qast_arg_push(A, &$$->args, $4); }
    | KW_MEASURE qarg ARROW qarg ';'
                    { $$ = mkstmt(A, QS_MEASURE, L(@$)); $$->target = $4; qast_arg_push(A, &$$->args, $2); }
    | KW_MEASURE qarg ';'
                    { $$ = mkstmt(A, QS_MEASURE, L(@$)); qast_arg_push(A, &$$->args, $2); }
    | qarg '=' expr ';'
                    { $$ = mkstmt(A, QS_ASSIGN, L(@$)); $$->target = $1; $$->value = $3; $$->name_loc = L(@2); }
    | qarg ASSIGN_OP expr ';'
                    {
                        $$ = mkstmt(A, QS_ASSIGN, L(@$)); $$->target = $1; $$->name_loc = L(@2);
                        $$->value = mkbin(A, $2, target_expr(A, $1), $3, L(@$));
                    }
    | KW_WHILE '(' expr ')' body
                    { $$ = mkstmt(A, QS_WHILE, L(@1)); $$->cond = $3; $$->body = $5; }
    | KW_BREAK ';'  { $$ = mkstmt(A, QS_FLOW, L(@1)); $$->type = 'b'; }
    | KW_CONTINUE ';' { $$ = mkstmt(A, QS_FLOW, L(@1)); $$->type = 'c'; }
    | KW_RETURN ';' { $$ = mkstmt(A, QS_RETURN, L(@1)); }
    | KW_RETURN expr ';'
                    { $$ = mkstmt(A, QS_RETURN, L(@1)); $$->value = $2; }
    | KW_RETURN KW_MEASURE qarg ';'
                    { $$ = mkstmt(A, QS_RETURN, L(@1)); $$->type = 1; qast_arg_push(A, &$$->args, $3); }
    | KW_DEF IDENT '(' dparams_opt ')' block
                    { $$ = mkstmt(A, QS_DEF, L(@1)); $$->name = $2; $$->name_loc = L(@2); $$->dparams = $4; $$->body = $6; }
    | KW_DEF IDENT '(' dparams_opt ')' ARROW rtype block
                    {
                        $$ = mkstmt(A, QS_DEF, L(@1)); $$->name = $2; $$->name_loc = L(@2); $$->dparams = $4; $$->body = $8;
                        $$->type = $7.t; $$->rsize = $7.w;
                    }
    | KW_LET IDENT '=' letlist ';'
                    { $$ = mkstmt(A, QS_LET, L(@1)); $$->name = $2; $$->name_loc = L(@2); $$->args = $4; }
    | KW_RESET qargs ';'
                    { $$ = mkstmt(A, QS_RESET, L(@$)); $$->args = $2; }
    | KW_BARRIER qargs_opt ';'
                    { $$ = mkstmt(A, QS_BARRIER, L(@$)); $$->args = $2; }
    | KW_IF '(' expr ')' body %prec THEN
                    { $$ = mkstmt(A, QS_IF, L(@1)); $$->cond = $3; $$->body = $5; }
    | KW_IF '(' expr ')' body KW_ELSE body
                    { $$ = mkstmt(A, QS_IF, L(@1)); $$->cond = $3; $$->body = $5; $$->orelse = $7; $$->type = 1; }
    | KW_FOR ftype IDENT KW_IN '[' oexpr ':' oexpr ']' body
                    {
                        $$ = mkstmt(A, QS_FOR, L(@1)); $$->name = $3; $$->name_loc = L(@3); $$->type = $2.t;
                        $$->lo = $6; $$->hi = $8; $$->body = $10; $$->name_loc = L(@3);
                    }
    | KW_FOR ftype IDENT KW_IN '[' oexpr ':' oexpr ':' oexpr ']' body
                    {
                        $$ = mkstmt(A, QS_FOR, L(@1)); $$->name = $3; $$->name_loc = L(@3); $$->type = $2.t;
                        $$->lo = $6; $$->step = $8; $$->hi = $10; $$->body = $12;
                    }
    | KW_FOR ftype IDENT KW_IN '{' exprs '}' body
                    {
                        $$ = mkstmt(A, QS_FOR, L(@1)); $$->name = $3; $$->name_loc = L(@3); $$->type = $2.t;
                        $$->set = $6; $$->body = $8;
                    }
    | KW_FOR ftype IDENT KW_IN IDENT body
                    {
                        $$ = mkstmt(A, QS_FOR, L(@1)); $$->name = $3; $$->name_loc = L(@3); $$->type = $2.t;
                        $$->value = mkexpr(A, QE_ID, L(@5)); $$->value->name = $5; $$->body = $6;
                    }
    | KW_INPUT ctype IDENT ';'
                    { $$ = mkstmt(A, QS_INPUT, L(@$)); $$->type = $2.t; $$->name = $3; $$->name_loc = L(@3); }
    | KW_INPUT KW_BIT IDENT ';'
                    { $$ = mkstmt(A, QS_INPUT, L(@$)); $$->type = 'b'; $$->name = $3; $$->name_loc = L(@3); }
    | KW_INPUT KW_BIT '[' expr ']' IDENT ';'
                    { $$ = mkstmt(A, QS_INPUT, L(@$)); $$->type = 'b'; $$->size = $4; $$->name = $6; $$->name_loc = L(@6); }
    | KW_OUTPUT KW_BIT IDENT ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $3; $$->name_loc = L(@3); }
    | KW_OUTPUT KW_BIT '[' expr ']' IDENT ';'
                    { $$ = mkstmt(A, QS_CREG, L(@$)); $$->name = $6; $$->name_loc = L(@6); $$->size = $4; }
    | KW_OUTPUT ctype IDENT ';'
                    { $$ = unsupported(scanner, L(@2), "'output' of a classical variable is not supported: only bits and bit registers ('output bit[n] c;')"); }
    | KW_DURATION IDENT ';'
                    { $$ = mkstmt(A, QS_TIMING, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_DURATION IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_TIMING, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_CONST KW_DURATION IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_TIMING, L(@$)); $$->name = $3; $$->name_loc = L(@3); }
    | KW_STRETCH IDENT ';'
                    { $$ = mkstmt(A, QS_TIMING, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_STRETCH IDENT '=' expr ';'
                    { $$ = mkstmt(A, QS_TIMING, L(@$)); $$->name = $2; $$->name_loc = L(@2); }
    | KW_DELAY '[' expr ']' qargs_opt ';'
                    { $$ = mkstmt(A, QS_TIMING, L(@$)); $$->args = $5; }
    | KW_BOX block
                    { $$ = mkstmt(A, QS_TIMING, L(@1)); $$->body = $2; $$->type = 1; }
    | KW_BOX '[' expr ']' block
                    { $$ = mkstmt(A, QS_TIMING, L(@1)); $$->body = $5; $$->type = 1; }
    | PSMARK stmt   { $$ = $2; if ($$) $$->postselect = $1.value, $$->ps_qubit = $1.qubit, $$->ps_loc = L(@1); }
    | UNSUPPORTED   { $$ = NULL; }
    | error ';'     { $$ = NULL; yyerrok; }
    ;

/* gate_stmt -> { mod } NAME ['(' [exprs] ')'] [qargs] ';' */
gate_stmt: IDENT qargs ';'
                    { $$ = mkstmt(A, QS_GATE, L(@$)); $$->name = $1; $$->name_loc = L(@1); $$->args = $2; }
         | IDENT '(' exprs_opt ')' qargs_opt ';'
                    {
                        extern_call(scanner, $1, L(@1));
                        $$ = mkstmt(A, QS_GATE, L(@$)); $$->name = $1; $$->name_loc = L(@1);
                        $$->args_expr = $3; $$->args = $5;
                    }
         | mods IDENT qargs_opt ';'
                    {
                        $$ = mkstmt(A, QS_GATE, L(@$)); $$->name = $2; $$->name_loc = L(@2);
                        $$->mods = $1.head; $$->args = $3;
                    }
         | mods IDENT '(' exprs_opt ')' qargs_opt ';'
                    {
                        $$ = mkstmt(A, QS_GATE, L(@$)); $$->name = $2; $$->name_loc = L(@2);
                        $$->mods = $1.head; $$->args_expr = $4; $$->args = $6;
                    }
         ;

/* mod -> ('ctrl' | 'negctrl') ['(' expr ')'] '@' | 'inv' '@' | 'pow' '(' expr ')' '@' */
mods: mod           { $$.head = $$.tail = $1; }
    | mods mod      { $$ = $1; $$.tail->next = $2; $$.tail = $2; }
    ;

mod: KW_CTRL '@'                    { $$ = mkmod(A, QM_CTRL, NULL, L(@1)); }
   | KW_CTRL '(' expr ')' '@'       { $$ = mkmod(A, QM_CTRL, $3, L(@1)); }
   | KW_NEGCTRL '@'                 { $$ = mkmod(A, QM_NEGCTRL, NULL, L(@1)); }
   | KW_NEGCTRL '(' expr ')' '@'    { $$ = mkmod(A, QM_NEGCTRL, $3, L(@1)); }
   | KW_INV '@'                     { $$ = mkmod(A, QM_INV, NULL, L(@1)); }
   | KW_POW '(' expr ')' '@'        { $$ = mkmod(A, QM_POW, $3, L(@1)); }
   ;

/* gparams -> [ '(' [names] ')' ] */
gparams: %empty             { $$ = (QNameList){0}; }
       | '(' ')'            { $$ = (QNameList){0}; }
       | '(' idlist ')'     { $$ = $2; }
       ;

idlist: IDENT               { $$ = (QNameList){0}; qast_name_push(A, &$$, $1, L(@1)); }
      | idlist ',' IDENT    { $$ = $1; qast_name_push(A, &$$, $3, L(@3)); }
      ;

/* ctype -> ('int' | 'uint' | 'float' | 'angle') ['[' expr ']'] */
ctype: KW_INT               { $$.t = 'i'; $$.w = NULL; }
     | KW_INT '[' expr ']'  { $$.t = 'i'; $$.w = $3; }
     | KW_UINT              { $$.t = 'u'; $$.w = NULL; }
     | KW_UINT '[' expr ']' { $$.t = 'u'; $$.w = $3; }
     | KW_FLOAT             { $$.t = 'f'; $$.w = NULL; }
     | KW_FLOAT '[' expr ']' { $$.t = 'f'; $$.w = $3; }
     | KW_ANGLE             { $$.t = 'a'; $$.w = NULL; }
     | KW_ANGLE '[' expr ']' { $$.t = 'a'; $$.w = $3; }
     ;

ftype: %empty               { $$.t = 0; $$.w = NULL; }
     | ctype
     ;

/* stype -> ctype | 'bool'   (an array's elements) */
stype: ctype
     | KW_BOOL              { $$.t = 'B'; $$.w = NULL; }
     ;

/* arrinit -> '{' arrelem { ',' arrelem } '}'; arrelem -> expr | arrinit */
arrinit: '{' arrelems '}'   { $$ = mkexpr(A, QE_ARRAY, L(@$)); $$->args = $2; }
       ;

arrelems: arrelem           { $$ = (QExprList){0}; qast_expr_push(A, &$$, $1); }
        | arrelems ',' arrelem { $$ = $1; qast_expr_push(A, &$$, $3); }
        ;

arrelem: expr
       | arrinit
       ;

/* rtype -> ctype | 'bool' | 'bit' ['[' expr ']']   (a subroutine's result) */
rtype: ctype
     | KW_BOOL              { $$.t = 'B'; $$.w = NULL; }
     | KW_BIT               { $$.t = 'b'; $$.w = NULL; }
     | KW_BIT '[' expr ']'  { $$.t = 'b'; $$.w = $3; }
     ;

/* dparam -> ('qubit' | 'bit') ['[' expr ']'] NAME | ('qreg' | 'creg') NAME ['[' expr ']']
 *         | ['const'] ctype NAME | 'bool' NAME */
dparam: KW_QUBIT IDENT      { $$ = mkparam('q', NULL, $2, L(@2)); }
      | KW_QUBIT '[' expr ']' IDENT { $$ = mkparam('q', $3, $5, L(@5)); }
      | KW_QREG IDENT       { $$ = mkparam('q', NULL, $2, L(@2)); }
      | KW_QREG IDENT '[' expr ']' { $$ = mkparam('q', $4, $2, L(@2)); }
      | KW_BIT IDENT        { $$ = mkparam('b', NULL, $2, L(@2)); }
      | KW_BIT '[' expr ']' IDENT { $$ = mkparam('b', $3, $5, L(@5)); }
      | KW_CREG IDENT       { $$ = mkparam('b', NULL, $2, L(@2)); }
      | KW_CREG IDENT '[' expr ']' { $$ = mkparam('b', $4, $2, L(@2)); }
      | ctype IDENT         { $$ = mkparam($1.t, $1.w, $2, L(@2)); }
      | KW_BOOL IDENT       { $$ = mkparam('B', NULL, $2, L(@2)); }
      | KW_CONST ctype IDENT { $$ = mkparam($2.t, $2.w, $3, L(@3)); }
      ;

dparams: dparam             { $$ = (QParamList){0}; qast_param_push(A, &$$, $1); }
       | dparams ',' dparam { $$ = $1; qast_param_push(A, &$$, $3); }
       ;

dparams_opt: %empty         { $$ = (QParamList){0}; }
           | dparams
           ;

/* letlist -> qarg { '++' qarg } */
letlist: qarg               { $$ = (QArgList){0}; qast_arg_push(A, &$$, $1); }
       | letlist CONCAT qarg { $$ = $1; qast_arg_push(A, &$$, $3); }
       ;

/* qarg -> NAME | NAME '[' expr ']' | NAME '[' [expr] ':' [expr] [':' [expr]] ']' | NAME '[' '{' exprs '}' ']' */
qarg: IDENT                 { $$ = mkarg(A, QA_WHOLE, $1, L(@$)); }
    | IDENT '[' expr ']'    { $$ = mkarg(A, QA_INDEX, $1, L(@$)); $$->index = $3; }
    | IDENT '[' oexpr ':' oexpr ']'
                            { $$ = mkarg(A, QA_SLICE, $1, L(@$)); $$->lo = $3; $$->hi = $5; }
    | IDENT '[' oexpr ':' oexpr ':' oexpr ']'
                            { $$ = mkarg(A, QA_SLICE, $1, L(@$)); $$->lo = $3; $$->step = $5; $$->hi = $7; }
    | IDENT '[' '{' exprs '}' ']'
                            { $$ = mkarg(A, QA_SET, $1, L(@$)); $$->set = $4; }
    ;

qargs: qarg                 { $$ = (QArgList){0}; qast_arg_push(A, &$$, $1); }
     | qargs ',' qarg       { $$ = $1; qast_arg_push(A, &$$, $3); }
     ;

qargs_opt: %empty           { $$ = (QArgList){0}; }
         | qargs
         ;

oexpr: %empty               { $$ = NULL; }
     | expr
     ;

exprs: expr                 { $$ = (QExprList){0}; qast_expr_push(A, &$$, $1); }
     | exprs ',' expr       { $$ = $1; qast_expr_push(A, &$$, $3); }
     ;

exprs_opt: %empty           { $$ = (QExprList){0}; }
         | exprs
         ;

/* expr -> NUMBER | DURATION | NAME | ('int' | 'uint' | 'float' | 'angle') ['[' expr ']'] '(' expr ')' | NAME '[' expr ']' | NAME '(' [exprs] ')' | 'pow' '(' exprs ')'
 *       | NAME '[' [expr] ':' [expr] [':' [expr]] ']' | 'bool' '(' expr ')'
 *       | '(' expr ')' | ('-' | '+' | '!' | '~') expr
 *       | expr ('+' | '-' | '*' | '/' | '%' | '**' | '==' | '!=' | '<' | '>' | '<=' | '>='
 *               | '&&' | '||' | '&' | '|' | '<<' | '>>') expr */
expr: NUMBER                { $$ = mkexpr(A, QE_NUM, L(@$)); $$->num = $1; }
    | IDENT                 { $$ = mkexpr(A, QE_ID, L(@$)); $$->name = $1; }
    | IDENT '[' expr ']'    { $$ = mkexpr(A, QE_INDEX, L(@$)); $$->name = $1; $$->a = $3; }
    | IDENT '[' oexpr ':' oexpr ']'
                            { $$ = mkexpr(A, QE_SLICE, L(@$)); $$->name = $1; $$->a = $3; $$->b = $5; }
    | IDENT '[' oexpr ':' oexpr ':' oexpr ']'
                            { $$ = mkexpr(A, QE_SLICE, L(@$)); $$->name = $1; $$->a = $3; $$->step = $5; $$->b = $7; }
    | IDENT '[' '{' exprs '}' ']'
                            { $$ = mkexpr(A, QE_INDEXSET, L(@$)); $$->name = $1; $$->args = $4; }
    | KW_BOOL '(' expr ')'  { $$ = mkcast(A, 'B', NULL, $3, L(@$)); }
    | DURATION              { $$ = mkexpr(A, QE_DURATION, L(@$)); }
    | KW_INT '(' expr ')'    { $$ = mkcast(A, 'i', NULL, $3, L(@$)); }
    | KW_INT '[' expr ']' '(' expr ')' { $$ = mkcast(A, 'i', $3, $6, L(@$)); }
    | KW_UINT '(' expr ')'    { $$ = mkcast(A, 'u', NULL, $3, L(@$)); }
    | KW_UINT '[' expr ']' '(' expr ')' { $$ = mkcast(A, 'u', $3, $6, L(@$)); }
    | KW_FLOAT '(' expr ')'    { $$ = mkcast(A, 'f', NULL, $3, L(@$)); }
    | KW_FLOAT '[' expr ']' '(' expr ')' { $$ = mkcast(A, 'f', $3, $6, L(@$)); }
    | KW_ANGLE '(' expr ')'    { $$ = mkcast(A, 'a', NULL, $3, L(@$)); }
    | KW_ANGLE '[' expr ']' '(' expr ')' { $$ = mkcast(A, 'a', $3, $6, L(@$)); }
    | IDENT '(' exprs_opt ')' { extern_call(scanner, $1, L(@1)); $$ = mkexpr(A, QE_CALL, L(@$)); $$->name = $1; $$->args = $3; }
    | KW_POW '(' exprs ')'  { $$ = mkexpr(A, QE_CALL, L(@$)); $$->name = "pow"; $$->args = $3; }
    | '(' expr ')'          { $$ = $2; $$->loc = L(@$); }
    | '-' expr %prec NEG    { $$ = mkexpr(A, QE_NEG, L(@$)); $$->a = $2; }
    | '+' expr %prec NEG    { $$ = $2; }
    | '!' expr              { $$ = mkexpr(A, QE_NOT, L(@$)); $$->a = $2; $$->op = '!'; }
    | '~' expr              { $$ = mkexpr(A, QE_NOT, L(@$)); $$->a = $2; $$->op = '~'; }
    | expr ANDAND expr      { $$ = mkbin(A, QOP_AND, $1, $3, L(@$)); }
    | expr OROR expr        { $$ = mkbin(A, QOP_OR, $1, $3, L(@$)); }
    | expr '&' expr         { $$ = mkbin(A, '&', $1, $3, L(@$)); }
    | expr '|' expr         { $$ = mkbin(A, '|', $1, $3, L(@$)); }
    | expr SHL expr         { $$ = mkbin(A, QOP_SHL, $1, $3, L(@$)); }
    | expr SHR expr         { $$ = mkbin(A, QOP_SHR, $1, $3, L(@$)); }
    | expr '+' expr         { $$ = mkbin(A, '+', $1, $3, L(@$)); }
    | expr '-' expr         { $$ = mkbin(A, '-', $1, $3, L(@$)); }
    | expr '*' expr         { $$ = mkbin(A, '*', $1, $3, L(@$)); }
    | expr '/' expr         { $$ = mkbin(A, '/', $1, $3, L(@$)); }
    | expr '%' expr         { $$ = mkbin(A, '%', $1, $3, L(@$)); }
    | expr '^' expr         { $$ = mkbin(A, '^', $1, $3, L(@$)); }
    | expr EQ expr          { $$ = mkbin(A, QOP_EQ, $1, $3, L(@$)); }
    | expr NE expr          { $$ = mkbin(A, QOP_NE, $1, $3, L(@$)); }
    | expr '<' expr         { $$ = mkbin(A, '<', $1, $3, L(@$)); }
    | expr '>' expr         { $$ = mkbin(A, '>', $1, $3, L(@$)); }
    | expr LE expr          { $$ = mkbin(A, QOP_LE, $1, $3, L(@$)); }
    | expr GE expr          { $$ = mkbin(A, QOP_GE, $1, $3, L(@$)); }
    ;

%%

static void qasm_error(QASM_LTYPE *loc, yyscan_t scanner, const char *msg)
{
    if (!strcmp(msg, "memory exhausted")) /* the parser stack is full (YYMAXDEPTH) */
        diag_error(L(*loc), "the text is nested too deeply here (brackets, operators or blocks) for qgdc to parse");
    else
        diag_error(L(*loc), "%s", msg);
}

static bool is_closer(const char *name)
{
    return strcmp(name, "')'") == 0 || strcmp(name, "']'") == 0 || strcmp(name, "'}'") == 0;
}

static bool is_operator(const char *nm)
{
    static const char *const ops[] = {"'+'", "'-'", "'*'", "'/'", "'%'", "'^'", "'=='", "'!='",
                                      "'<'", "'>'", "'<='", "'>='", "'&&'", "'||'", "'&'", "'|'", "'<<'", "'>>'"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (!strcmp(ops[i], nm))
            return true;
    return false;
}

/* "syntax error: unexpected X; expected A, B or C"; the binary operators
 * are summed up as "an operator". */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner)
{
    LexState *lx = &PS(scanner)->lex;
    /* a bad token already reported by the lexer explains this one */
    if (lx->lex_error_line && yypcontext_location(ctx)->first_line == lx->lex_error_line)
        return 0;
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    const char *names[YYNTOKENS];
    int nn = 0, nops = 0;
    for (int i = 0; i < n; i++) {
        const char *nm = yysymbol_name(expected[i]);
        if (is_operator(nm))
            nops++;
        else
            names[nn++] = nm;
    }
    if (nops > 0 && nops < 5) {
        nn = 0;
        for (int i = 0; i < n; i++)
            names[nn++] = yysymbol_name(expected[i]);
        nops = 0;
    }
    if (nops)
        names[nn++] = "an operator";
    StrBuf b = {0};
    sb_printf(&b, "syntax error: unexpected %s", yysymbol_name(tok));
    /* a name, number or string is quoted: the lookahead is the latest
     * token the scanner read, so its text is yytext */
    if (tok == YYSYMBOL_IDENT || tok == YYSYMBOL_NUMBER || tok == YYSYMBOL_STRING) {
        const char *t = qasm_get_text(scanner);
        int len = qasm_get_leng(scanner), max = 40;
        char q = tok == YYSYMBOL_STRING ? 0 : '\'';
        if (len > max) /* cut at a character boundary */
            while (max > 0 && ((unsigned char)t[max] & 0xc0) == 0x80)
                max--;
        if (q)
            sb_putc(&b, ' '), sb_putc(&b, q);
        else
            sb_putc(&b, ' ');
        sb_printf(&b, "%.*s%s", len > max ? max : len, t, len > max ? "…" : "");
        if (q)
            sb_putc(&b, q);
    }
    if (nn > 0 && nn <= 6) {
        sb_puts(&b, "; expected ");
        for (int i = 0; i < nn; i++) {
            if (i)
                sb_puts(&b, i == nn - 1 ? " or " : ", ");
            sb_puts(&b, names[i]);
        }
    }
    /* A ';' missing at the end of a line: point at the line, not at the
     * start of the next statement. */
    bool semi = false;
    for (int i = 0; i < n; i++)
        semi = semi || strcmp(yysymbol_name(expected[i]), "';'") == 0;
    const QASM_LTYPE *at = yypcontext_location(ctx);
    if (semi && tok != YYSYMBOL_YYEOF && lx->prev_tok.last_line > 0 && at->first_line > lx->prev_tok.last_line) {
        QgdLoc end = {lx->prev_tok.last_line, lx->prev_tok.last_column + 1, lx->prev_tok.last_line,
                      lx->prev_tok.last_column + 1};
        diag_error(lex_loc(lx, &end), "expected ';' at the end of the statement");
    } else {
        diag_error(L(*at), "%s", b.s);
    }
    sb_free(&b);
    if (lx->nopen > 0) {
        OpenBracket *ob = &lx->open[lx->nopen - 1];
        char closer[4] = {'\'', ob->ch == '(' ? ')' : ob->ch == '[' ? ']' : '}', '\'', 0};
        const char *tn = yysymbol_name(tok);
        bool note = tok == YYSYMBOL_YYEOF || (is_closer(tn) && strcmp(tn, closer) != 0);
        for (int i = 0; i < n && !note && ob->ch != '{'; i++)
            note = strcmp(yysymbol_name(expected[i]), closer) == 0;
        if (note)
            diag_note(lex_loc(lx, &ob->loc), "unclosed '%c' opened here", ob->ch);
    }
    return 0;
}
