/* ast.c — construction and printing of the .qgd syntax tree. */
#include "frontend/ast.h"

#include <string.h>

Expr *ast_expr(Arena *a, ExprKind k, Loc loc)
{
    Expr *e = arena_alloc(a, sizeof *e);
    e->kind = k;
    e->loc = loc;
    return e;
}

/* Arena arrays grow by doubling into fresh arena space; the old copy is
 * simply left behind (it is freed with the arena). */
static void *grow(Arena *a, void *v, int n, size_t elem)
{
    if (n == 0 || (n & (n - 1)) == 0) { /* n is 0 or a power of two: full */
        int cap = n ? 2 * n : 4;
        void *nv = arena_alloc(a, (size_t)cap * elem);
        if (n)
            memcpy(nv, v, (size_t)n * elem);
        return nv;
    }
    return v;
}

void ast_expr_push(Arena *a, ExprList *l, Expr *e)
{
    if (l->n >= 4 || l->n == 0)
        l->v = grow(a, l->v, l->n, sizeof *l->v);
    l->v[l->n++] = e;
}

Stmt *ast_stmt(Arena *a, StmtKind k, Loc loc)
{
    Stmt *s = arena_alloc(a, sizeof *s);
    s->kind = k;
    s->loc = loc;
    return s;
}

void ast_stmt_push(Arena *a, StmtList *l, Stmt *s)
{
    if (l->n >= 4 || l->n == 0)
        l->v = grow(a, l->v, l->n, sizeof *l->v);
    l->v[l->n++] = s;
}

const char *ast_problem_kind_name(ProblemKind k)
{
    switch (k) {
    case P_GD: return "gd";
    case P_NTK: return "ntk";
    case P_MODEL: return "model";
    }
    ICE("bad problem kind %d", (int)k);
}

static void dump_expr(const Expr *e, FILE *out);

static void dump_list(const ExprList *l, FILE *out)
{
    for (int i = 0; i < l->n; i++) {
        fputc(' ', out);
        dump_expr(l->v[i], out);
    }
}

static void dump_expr(const Expr *e, FILE *out)
{
    char buf[40];
    switch (e->kind) {
    case E_NUM: fputs(fmt_double(e->num, buf, sizeof buf), out); return;
    case E_STRING: fprintf(out, "\"%s\"", e->name); return;
    case E_IDENT: fputs(e->name, out); return;
    case E_INDEX: fprintf(out, "(index %s", e->name); dump_list(&e->args, out); break;
    case E_CALL: fprintf(out, "(call %s", e->name); dump_list(&e->args, out); break;
    case E_NAMED: fprintf(out, "(= %s ", e->name); dump_expr(e->a, out); break;
    case E_NEG: fputs("(neg ", out); dump_expr(e->a, out); break;
    case E_BINARY:
        fprintf(out, "(%c ", e->op);
        dump_expr(e->a, out);
        fputc(' ', out);
        dump_expr(e->b, out);
        break;
    case E_SUM:
    case E_PROD:
    case E_COMPREH:
        fprintf(out, "(%s %s ", e->kind == E_SUM ? "sum" : e->kind == E_PROD ? "prod" : "for", e->name);
        dump_expr(e->a, out);
        fputc(' ', out);
        dump_expr(e->b, out);
        fputc(' ', out);
        dump_expr(e->body, out);
        break;
    case E_LIST: fputs("(list", out); dump_list(&e->args, out); break;
    }
    fputc(')', out);
}

static void dump_stmts(const StmtList *l, int indent, FILE *out);

static void dump_stmt(const Stmt *s, int indent, FILE *out)
{
    static const char *kw[] = {"const", "param", "set", "update", "for", "options"};
    fprintf(out, "%*s(%s %s", indent, "", kw[s->kind], s->name ? s->name : "");
    if (s->dims.n) {
        fputs(" [", out);
        dump_list(&s->dims, out);
        fputs(" ]", out);
    }
    if (s->kind == S_FOR) {
        fputc(' ', out);
        dump_expr(s->lo, out);
        fputc(' ', out);
        dump_expr(s->hi, out);
    }
    if (s->value) {
        fputc(' ', out);
        dump_expr(s->value, out);
    }
    if (s->body.n) {
        fputc('\n', out);
        dump_stmts(&s->body, indent + 2, out);
        fprintf(out, "%*s", indent, "");
    }
    fputs(")\n", out);
}

static void dump_stmts(const StmtList *l, int indent, FILE *out)
{
    for (int i = 0; i < l->n; i++)
        dump_stmt(l->v[i], indent, out);
}

void ast_dump(const Program *p, FILE *out)
{
    dump_stmts(&p->globals, 0, out);
    for (int i = 0; i < p->nproblems; i++) {
        const Problem *pr = p->problems[i];
        fprintf(out, "(%s %s\n", ast_problem_kind_name(pr->kind), pr->name);
        dump_stmts(&pr->body, 2, out);
        fputs(")\n", out);
    }
}
