/* qasm_ast.c — the list helpers of the OpenQASM 3 syntax tree
 * (qasm_ast.h): arena-grown arrays that qasm_parser.y appends to. */
#include "frontend/qasm_ast.h"

#include <string.h>

#define PUSH(a, l, x)                                                         \
    do {                                                                      \
        if (((l)->n & ((l)->n - 1)) == 0) {                                   \
            size_t cap_ = (l)->n ? 2 * (size_t)(l)->n : 1;                    \
            void *v_ = arena_alloc(a, cap_ * sizeof *(l)->v);                 \
            if ((l)->n)                                                       \
                memcpy(v_, (l)->v, (size_t)(l)->n * sizeof *(l)->v);          \
            (l)->v = v_;                                                      \
        }                                                                     \
        (l)->v[(l)->n++] = (x);                                               \
    } while (0)

void qast_expr_push(Arena *a, QExprList *l, QExpr *e) { PUSH(a, l, e); }
void qast_arg_push(Arena *a, QArgList *l, QArg *e) { PUSH(a, l, e); }
void qast_stmt_push(Arena *a, QStmtList *l, QStmt *s) { PUSH(a, l, s); }
void qast_param_push(Arena *a, QParamList *l, QParam p) { PUSH(a, l, p); }

void qast_name_push(Arena *a, QNameList *l, const char *name, Loc loc)
{
    if ((l->n & (l->n - 1)) == 0) {
        size_t cap = l->n ? 2 * (size_t)l->n : 1;
        Loc *nl = arena_alloc(a, cap * sizeof *nl);
        if (l->n)
            memcpy(nl, l->loc, (size_t)l->n * sizeof *nl);
        l->loc = nl;
    }
    l->loc[l->n] = loc;
    PUSH(a, l, name);
}
