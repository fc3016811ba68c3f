/* qgd_parser.y — grammar of the .qgd language. Each rule carries its
 * production as a comment; docs/language.md has the same grammar for people.
 * Syntax errors are all reported (error-token recovery at ';' and '}'),
 * with a note that points at the bracket an error leaves unclosed. */
%define api.pure full
%define api.prefix {qgd_}
%define api.location.type {QgdLoc}
%define parse.error custom
%locations
%param {yyscan_t scanner}

%code requires {
#include "frontend/ast.h"
#include "frontend/lex_state.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
typedef struct ParserState {
    LexState lex;
    Program *prog;
} ParserState;
}

%code {
#include <string.h>
#define YYSTYPE QGD_STYPE
#define YYLTYPE QGD_LTYPE
#include "qgd_lexer.h"

static ParserState *PS(yyscan_t s) { return (ParserState *)qgd_get_extra(s); }
#define A (PS(scanner)->lex.arena)
#define L(l) lex_loc(&PS(scanner)->lex, &(l))
static void qgd_error(QGD_LTYPE *loc, yyscan_t scanner, const char *msg);
}

%union {
    NumTok numtok;
    const char *str;
    Expr *expr;
    Stmt *stmt;
    ExprList elist;
    StmtList slist;
    Problem *prob;
    int kind;
}

%token END 0 "end of file"
%token <numtok> NUMBER "number"
%token <str> IDENT "name"
%token <str> STRING "string"
%token KW_CONST "'const'" KW_PARAM "'param'" KW_UPDATE "'update'"
%token KW_FOR "'for'" KW_IN "'in'" KW_OPTIONS "'options'"
%token KW_SUM "'sum'" KW_PROD "'prod'"
%token KW_GD "'gd'" KW_NTK "'ntk'" KW_MODEL "'model'"
%token DOTDOT "'..'"

%type <expr> expr arg
%type <elist> exprs args arglist dims
%type <stmt> stmt const_decl
%type <slist> stmts options
%type <prob> problem
%type <kind> pkind

%left '+' '-'
%precedence KW_SUM KW_PROD
%left '*' '/'
%precedence NEG
%right '^'

%%

/* file -> { item } */
file: %empty
    | file item
    ;

/* item -> const_decl | problem */
item: const_decl    { ast_stmt_push(A, &PS(scanner)->prog->globals, $1); }
    | problem       {
                        Program *p = PS(scanner)->prog;
                        if ((p->nproblems & (p->nproblems - 1)) == 0) {
                            Problem **v = arena_alloc(A, sizeof *v * (size_t)(p->nproblems ? 2 * p->nproblems : 1));
                            if (p->nproblems)
                                memcpy(v, p->problems, sizeof *v * (size_t)p->nproblems);
                            p->problems = v;
                        }
                        p->problems[p->nproblems++] = $1;
                    }
    | error ';'     { yyerrok; }
    | error '}'     { yyerrok; }
    | error problem { yyerrok; /* resynchronise on the next problem keyword */
                        Program *p = PS(scanner)->prog;
                        if ((p->nproblems & (p->nproblems - 1)) == 0) {
                            Problem **v = arena_alloc(A, sizeof *v * (size_t)(p->nproblems ? 2 * p->nproblems : 1));
                            if (p->nproblems)
                                memcpy(v, p->problems, sizeof *v * (size_t)p->nproblems);
                            p->problems = v;
                        }
                        p->problems[p->nproblems++] = $2;
                    }
    ;

/* problem -> ('gd' | 'ntk' | 'model') NAME '{' { stmt } '}' */
problem: pkind IDENT '{' stmts '}'
                    {
                        $$ = arena_alloc(A, sizeof *$$);
                        $$->kind = (ProblemKind)$1;
                        $$->loc = L(@1);
                        $$->name = $2;
                        $$->name_loc = L(@2);
                        $$->body = $4;
                    }
    ;

pkind: KW_GD        { $$ = P_GD; }
     | KW_NTK       { $$ = P_NTK; }
     | KW_MODEL     { $$ = P_MODEL; }
     ;

stmts: %empty       { $$ = (StmtList){0}; }
     | stmts stmt   { $$ = $1; if ($2) ast_stmt_push(A, &$$, $2); }
     ;

/* stmt -> const_decl
 *       | 'param' NAME '[' exprs ']' '=' expr ';'
 *       | NAME '=' expr ';'
 *       | 'update' NAME '[' exprs ']' '=' expr ';'
 *       | 'for' NAME 'in' expr '..' expr '{' { stmt } '}'
 *       | 'options' '{' { NAME '=' expr ';' } '}' */
stmt: const_decl
    | KW_PARAM IDENT '[' exprs ']' '=' expr ';'
                    {
                        $$ = ast_stmt(A, S_PARAM, L(@$));
                        $$->name = $2; $$->name_loc = L(@2); $$->dims = $4; $$->value = $7;
                    }
    | IDENT '=' expr ';'
                    {
                        $$ = ast_stmt(A, S_SET, L(@$));
                        $$->name = $1; $$->name_loc = L(@1); $$->value = $3;
                    }
    | KW_UPDATE IDENT '[' exprs ']' '=' expr ';'
                    {
                        $$ = ast_stmt(A, S_UPDATE, L(@$));
                        $$->name = $2; $$->name_loc = L(@2); $$->dims = $4; $$->value = $7;
                    }
    | KW_FOR IDENT KW_IN expr DOTDOT expr '{' stmts '}'
                    {
                        $$ = ast_stmt(A, S_FOR, L(@$));
                        $$->name = $2; $$->name_loc = L(@2); $$->lo = $4; $$->hi = $6; $$->body = $8;
                    }
    | KW_OPTIONS '{' options '}'
                    {
                        $$ = ast_stmt(A, S_OPTIONS, L(@1));
                        $$->body = $3;
                    }
    | error ';'     { $$ = NULL; yyerrok; }
    ;

options: %empty     { $$ = (StmtList){0}; }
       | options IDENT '=' expr ';'
                    {
                        $$ = $1;
                        Stmt *s = ast_stmt(A, S_SET, L(@2));
                        s->name = $2; s->name_loc = L(@2); s->value = $4;
                        ast_stmt_push(A, &$$, s);
                    }
       | options error ';'  { $$ = $1; yyerrok; }
       ;

/* const_decl -> 'const' NAME [ '[' exprs ']' ] '=' expr ';' */
const_decl: KW_CONST IDENT dims '=' expr ';'
                    {
                        $$ = ast_stmt(A, S_CONST, L(@$));
                        $$->name = $2; $$->name_loc = L(@2); $$->dims = $3; $$->value = $5;
                    }
    ;

dims: %empty            { $$ = (ExprList){0}; }
    | '[' exprs ']'     { $$ = $2; }
    ;

exprs: expr             { $$ = (ExprList){0}; ast_expr_push(A, &$$, $1); }
     | exprs ',' expr   { $$ = $1; ast_expr_push(A, &$$, $3); }
     ;

args: %empty            { $$ = (ExprList){0}; }
    | arglist
    ;

arglist: arg            { $$ = (ExprList){0}; ast_expr_push(A, &$$, $1); }
       | arglist ',' arg { $$ = $1; ast_expr_push(A, &$$, $3); }
       ;

/* arg -> expr | NAME '=' expr */
arg: expr
   | IDENT '=' expr     { $$ = ast_expr(A, E_NAMED, L(@$)); $$->name = $1; $$->name_loc = L(@1); $$->a = $3; }
   ;

/* expr -> NUMBER | STRING | NAME | NAME '[' exprs ']' | NAME '(' args ')'
 *       | '(' expr ')' | '[' [exprs] ']' | '[' expr 'for' NAME 'in' expr '..' expr ']'
 *       | expr ('+'|'-'|'*'|'/'|'^') expr | ('-'|'+') expr
 *       | ('sum'|'prod') '(' NAME 'in' expr '..' expr ')' expr */
expr: NUMBER            { $$ = ast_expr(A, E_NUM, L(@$)); $$->num = $1.v; $$->text = $1.text; }
    | STRING            { $$ = ast_expr(A, E_STRING, L(@$)); $$->name = $1; }
    | IDENT             { $$ = ast_expr(A, E_IDENT, L(@$)); $$->name = $1; $$->name_loc = L(@1); }
    | IDENT '[' exprs ']'
                        { $$ = ast_expr(A, E_INDEX, L(@$)); $$->name = $1; $$->name_loc = L(@1); $$->args = $3; }
    | IDENT '(' args ')'
                        { $$ = ast_expr(A, E_CALL, L(@$)); $$->name = $1; $$->name_loc = L(@1); $$->args = $3; }
    | '(' expr ')'      { $$ = $2; $$->loc = L(@$); }
    | '[' ']'           { $$ = ast_expr(A, E_LIST, L(@$)); }
    | '[' exprs ']'     { $$ = ast_expr(A, E_LIST, L(@$)); $$->args = $2; }
    | '[' expr KW_FOR IDENT KW_IN expr DOTDOT expr ']'
                        {
                            $$ = ast_expr(A, E_COMPREH, L(@$));
                            $$->body = $2; $$->name = $4; $$->name_loc = L(@4); $$->a = $6; $$->b = $8;
                        }
    | expr '+' expr     { $$ = ast_expr(A, E_BINARY, L(@$)); $$->op = '+'; $$->a = $1; $$->b = $3; }
    | expr '-' expr     { $$ = ast_expr(A, E_BINARY, L(@$)); $$->op = '-'; $$->a = $1; $$->b = $3; }
    | expr '*' expr     { $$ = ast_expr(A, E_BINARY, L(@$)); $$->op = '*'; $$->a = $1; $$->b = $3; }
    | expr '/' expr     { $$ = ast_expr(A, E_BINARY, L(@$)); $$->op = '/'; $$->a = $1; $$->b = $3; }
    | expr '^' expr     { $$ = ast_expr(A, E_BINARY, L(@$)); $$->op = '^'; $$->a = $1; $$->b = $3; }
    | '-' expr %prec NEG { $$ = ast_expr(A, E_NEG, L(@$)); $$->a = $2; }
    | '+' expr %prec NEG { $$ = $2; }
    | KW_SUM '(' IDENT KW_IN expr DOTDOT expr ')' expr %prec KW_SUM
                        {
                            $$ = ast_expr(A, E_SUM, L(@1));
                            $$->name = $3; $$->name_loc = L(@3); $$->a = $5; $$->b = $7; $$->body = $9;
                        }
    | KW_PROD '(' IDENT KW_IN expr DOTDOT expr ')' expr %prec KW_PROD
                        {
                            $$ = ast_expr(A, E_PROD, L(@1));
                            $$->name = $3; $$->name_loc = L(@3); $$->a = $5; $$->b = $7; $$->body = $9;
                        }
    ;

%%

static void qgd_error(QGD_LTYPE *loc, yyscan_t scanner, const char *msg)
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

/* Names the unexpected token, quoting the text of a name, number or string
 * ("unexpected name 'lr'"), and '**' as written (the parser reads it as
 * '^'). The lookahead is the latest token the scanner read, so its text is
 * still the scanner's yytext. Long texts are cut at 40 bytes. */
static void describe_token(StrBuf *b, yysymbol_kind_t tok, yyscan_t scanner)
{
    const char *text = qgd_get_text(scanner);
    int len = text ? qgd_get_leng(scanner) : 0;
    enum { MAX = 40 };
    if (tok == YYSYMBOL_IDENT || tok == YYSYMBOL_NUMBER) {
        if (len > 0) {
            sb_printf(b, "%s '%.*s%s'", yysymbol_name(tok), len > MAX ? MAX : len, text, len > MAX ? "..." : "");
            return;
        }
    } else if (tok == YYSYMBOL_STRING) {
        if (len >= 2 && text[0] == '"') {
            int inner = len - 1 - (text[len - 1] == '"');
            sb_printf(b, "string \"%.*s%s\"", inner > MAX ? MAX : inner, text + 1, inner > MAX ? "..." : "");
            return;
        }
    } else if (tok == YYSYMBOL_YYEOF || tok == YYSYMBOL_YYEMPTY) {
        /* no text */
    } else if (len == 2 && !strncmp(text, "**", 2)) {
        sb_puts(b, "'**'");
        return;
    }
    sb_puts(b, yysymbol_name(tok));
}

/* "syntax error: unexpected X; expected A, B or C". When every binary
 * operator is among the expected tokens they are summed up as "an operator",
 * which keeps the list short enough to read. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner)
{
    /* a bad token already reported by the lexer explains this one */
    if (PS(scanner)->lex.lex_error_line && yypcontext_location(ctx)->first_line == PS(scanner)->lex.lex_error_line)
        return 0;
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    const char *names[YYNTOKENS];
    int nn = 0, nops = 0;
    for (int i = 0; i < n; i++) {
        const char *nm = yysymbol_name(expected[i]);
        if (strlen(nm) == 3 && nm[0] == '\'' && strchr("+-*/^", nm[1]))
            nops++;
        else
            names[nn++] = nm;
    }
    if (nops > 0 && nops < 5) { /* only some operators: list them as they are */
        nn = 0;
        for (int i = 0; i < n; i++)
            names[nn++] = yysymbol_name(expected[i]);
        nops = 0;
    }
    if (nops)
        names[nn++] = "an operator";
    StrBuf b = {0};
    sb_puts(&b, "syntax error: unexpected ");
    describe_token(&b, tok, scanner);
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
    LexState *lx = &PS(scanner)->lex;
    bool semi = false;
    for (int i = 0; i < n; i++)
        semi = semi || strcmp(yysymbol_name(expected[i]), "';'") == 0;
    const QGD_LTYPE *at = yypcontext_location(ctx);
    if (semi && tok != YYSYMBOL_YYEOF && lx->prev_tok.last_line > 0 && at->first_line > lx->prev_tok.last_line) {
        QgdLoc end = {lx->prev_tok.last_line, lx->prev_tok.last_column + 1, lx->prev_tok.last_line,
                      lx->prev_tok.last_column + 1};
        diag_error(lex_loc(lx, &end), "expected ';' at the end of the statement");
    } else {
        diag_error(L(*at), "%s", b.s);
    }
    sb_free(&b);
    /* Point at the innermost open bracket when the error is the end of the
     * file, a closing bracket of another kind, or a place where that
     * bracket's closer was expected. */
    LexState *ls = &PS(scanner)->lex;
    if (ls->nopen > 0) {
        OpenBracket *ob = &ls->open[ls->nopen - 1];
        char closer[4] = {'\'', ob->ch == '(' ? ')' : ob->ch == '[' ? ']' : '}', '\'', 0};
        const char *tn = yysymbol_name(tok);
        bool note = tok == YYSYMBOL_YYEOF || (is_closer(tn) && strcmp(tn, closer) != 0);
        /* '}' is expected at the start of every statement, so for a '{'
         * an expected closer says nothing; for '(' and '[' it does */
        for (int i = 0; i < n && !note && ob->ch != '{'; i++)
            note = strcmp(yysymbol_name(expected[i]), closer) == 0;
        if (note)
            diag_note(lex_loc(ls, &ob->loc), "unclosed '%c' opened here", ob->ch);
    }
    return 0;
}
