/* sema.c — from syntax tree to problem IR (see sema.h, docs/language.md).
 *
 * This file is the shared core (declared in sema_internal.h) and the
 * dispatch by kind (sema_build); each kind of problem is built in a file
 * of its own: sema_gd.c, sema_ntk.c, sema_model.c. frontend_load, the
 * front end in one call, is in load.c.
 *
 * Evaluation is by polynomial expansion: every expression evaluates to a
 * Poly over the parameters; a constant is a Poly of degree 0. Expressions
 * that must be constant (sizes, indices, ranges, options) say so, and a
 * parameter there is an error. The first error inside an expression stops
 * its evaluation, so a loop over a range reports one error, not thousands. */
#include "frontend/sema_internal.h"
#include "frontend/data.h"
#include "frontend/poly.h"
#include "ir/model.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

SemaLimits sema_limits = {100000000ull};

/* ---- symbols ---- */

Sym *sema_lookup(Sema *s, const char *name)
{
    Sym *y;
    HASH_FIND_STR(s->syms, name, y);
    return y;
}

const char *sema_sym_what(const Sym *y)
{
    switch (y->kind) {
    case SYM_CONST: return y->is_setting ? "setting" : "constant";
    case SYM_INDEX: return "index variable";
    case SYM_PARAM: return "parameter vector";
    case SYM_POISON: return "name whose declaration failed";
    }
    ICE("bad symbol kind");
}

/* Defines a symbol; reports a clash with any visible name. */
Sym *sema_define(Sema *s, const char *name, Loc loc, SymKind kind)
{
    Sym *old = sema_lookup(s, name);
    if (old) {
        diag_error(loc, "'%s' is already defined", name);
        diag_note(old->loc, "'%s' was defined here as a %s", name, sema_sym_what(old));
        return NULL;
    }
    Sym *y = xcalloc(1, sizeof *y);
    y->name = name;
    y->kind = kind;
    y->loc = loc;
    HASH_ADD_KEYPTR(hh, s->syms, y->name, strlen(y->name), y);
    return y;
}

/* After a failed declaration: keep the name known (see SYM_POISON). */
void sema_poison(Sema *s, const char *name, Loc loc, bool global)
{
    if (sema_lookup(s, name))
        return;
    Sym *y = xcalloc(1, sizeof *y);
    y->name = name;
    y->kind = SYM_POISON;
    y->loc = loc;
    y->global = global;
    HASH_ADD_KEYPTR(hh, s->syms, y->name, strlen(y->name), y);
}

static void undefine(Sema *s, Sym *y)
{
    s->held -= y->bytes;
    HASH_DEL(s->syms, y);
    array_free(&y->val);
    free(y);
}

/* Drops the symbols of one problem, keeping the globals. */
static void drop_locals(Sema *s)
{
    Sym *y, *tmp;
    HASH_ITER(hh, s->syms, y, tmp) {
        if (!y->global)
            undefine(s, y);
    }
}

static void drop_all(Sema *s)
{
    Sym *y, *tmp;
    HASH_ITER(hh, s->syms, y, tmp) {
        undefine(s, y);
    }
}

/* Edit distance, for "did you mean" hints. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

const char *sema_closest(const char *name, const char *const *cands, int n)
{
    const char *best = NULL;
    size_t bd = 3;
    for (int i = 0; i < n; i++) {
        size_t d = edit_distance(name, cands[i]);
        if (d < bd && d < strlen(name)) {
            bd = d;
            best = cands[i];
        }
    }
    return best;
}

/* Names an ntk problem defines as its statements run (docs/language.md). */
static const struct {
    const char *name, *after;
} ntk_derived[] = {
    {"n_train", "'train' is set"},
    {"delta", "'train' is set"},
    {"n_test", "'test' is set"},
    {"mu", "'activation' is set"},
    {"L_conv", "both 'train' and 'activation' are set"},
    {"L", "'L' is set"},
};

static void unknown_name(Sema *s, const char *name, Loc loc)
{
    for (size_t k = 0; s->in_ntk && k < sizeof ntk_derived / sizeof *ntk_derived; k++)
        if (!strcmp(name, ntk_derived[k].name)) {
            diag_error(loc, "'%s' is not known yet: an ntk problem defines it once %s (statements run in order)", name,
                       ntk_derived[k].after);
            return;
        }
    const char *cands[256];
    int n = 0;
    for (Sym *y = s->syms; y && n < 256; y = y->hh.next)
        cands[n++] = y->name;
    const char *hint = sema_closest(name, cands, n);
    if (hint)
        diag_error(loc, "unknown name '%s'; did you mean '%s'?", name, hint);
    else
        diag_error(loc, "unknown name '%s'", name);
}

/* ---- expression evaluation ---- */

/* Counts n units of work against the limit of the file: one evaluation
 * step per expression evaluated, and one per pair of terms multiplied or
 * term scaled while a polynomial is expanded, so that the limit bounds the
 * time a file can take, whatever the shape of its expressions. */
static bool charge(EvalCtx *c, const Expr *e, uint64_t n)
{
    Sema *s = c->s;
    s->steps = n > UINT64_MAX - s->steps ? UINT64_MAX : s->steps + n;
    if (s->steps <= sema_limits.max_steps)
        return true;
    if (!s->out_of_steps)
        diag_error(e->loc, "this file needs more than %llu evaluation steps; qgdc stops here "
                           "(a range or a product is far larger than intended?)",
                   (unsigned long long)sema_limits.max_steps);
    s->out_of_steps = true;
    return false;
}

static bool step(EvalCtx *c, const Expr *e) { return charge(c, e, 1); }

static bool check_finite(double v, Loc loc)
{
    if (isfinite(v))
        return true;
    diag_error(loc, "the value here is %s", isnan(v) ? "not a number (NaN)" : "infinite");
    return false;
}

static Poly *poly_status_error(PolyStatus st, Loc loc)
{
    if (st == POLY_TOO_MANY_TERMS)
        diag_error(loc, "expanding this expression gives more than %zu terms", poly_limits.max_terms);
    else if (st == POLY_DEGREE_TOO_HIGH)
        diag_error(loc, "expanding this expression gives a polynomial of degree above %u, the most qgdc accepts",
                   poly_limits.max_degree);
    return NULL;
}

/* Evaluates a constant scalar. */
bool sema_eval_num(Sema *s, const Expr *e, const char *why, double *out)
{
    EvalCtx c = {s, true, why};
    Poly *p = sema_eval(&c, e);
    if (!p)
        return false;
    bool ok = poly_is_const(p, out);
    poly_free(p);
    if (!ok)
        ICE("constant evaluation gave a polynomial");
    return true;
}

/* Evaluates a constant whole number in [lo, hi]. */
bool sema_eval_int(Sema *s, const Expr *e, const char *why, long long lo, long long hi, long long *out)
{
    double v;
    if (!sema_eval_num(s, e, why, &v))
        return false;
    char buf[40];
    if (v != floor(v)) {
        diag_error(e->loc, "%s must be a whole number, not %s", why, fmt_double(v, buf, sizeof buf));
        return false;
    }
    if (v < (double)lo || v > (double)hi) {
        if (v < (double)lo)
            diag_error(e->loc, "%s must be at least %lld, not %s", why, lo, fmt_double(v, buf, sizeof buf));
        else
            diag_error(e->loc, "%s must be at most %lld, not %s", why, hi, fmt_double(v, buf, sizeof buf));
        return false;
    }
    *out = (long long)v;
    return true;
}

bool sema_range_begin(Sema *s, const char *var, Loc var_loc, const Expr *lo, const Expr *hi, Range *r)
{
    if (!sema_eval_int(s, lo, "the start of a range", LLONG_MIN / 4, LLONG_MAX / 4, &r->lo) ||
        !sema_eval_int(s, hi, "the end of a range", LLONG_MIN / 4, LLONG_MAX / 4, &r->hi))
        return false;
    if (r->hi >= r->lo && (unsigned long long)(r->hi - r->lo) >= sema_limits.max_steps) {
        diag_error(lo->loc, "the range %lld..%lld has more elements than qgdc will evaluate (%llu)", r->lo, r->hi,
                   (unsigned long long)sema_limits.max_steps);
        return false;
    }
    r->var = sema_define(s, var, var_loc, SYM_INDEX);
    return r->var != NULL;
}

void sema_range_end(Sema *s, Range *r)
{
    if (r->var)
        undefine(s, r->var);
    r->var = NULL;
}

bool sema_eval_index(EvalCtx *c, const Expr *e, size_t size, const char *name, size_t *out)
{
    long long v;
    if (!sema_eval_int(c->s, e, "an index", LLONG_MIN / 4, LLONG_MAX / 4, &v))
        return false;
    if (v < 0 || (unsigned long long)v >= size) {
        diag_error(e->loc, "index %lld is out of range for '%s' (valid: 0..%zu)", v, name, size - 1);
        return false;
    }
    *out = (size_t)v;
    return true;
}

static Poly *eval_ident(EvalCtx *c, const Expr *e)
{
    Sym *y = sema_lookup(c->s, e->name);
    if (!y) {
        unknown_name(c->s, e->name, e->loc);
        return NULL;
    }
    switch (y->kind) {
    case SYM_INDEX: return poly_const((double)y->ival);
    case SYM_CONST:
        if (y->val.rank == 0)
            return poly_const(y->val.v[0]);
        diag_error(e->loc, "'%s' is an array; index it, as in %s[%s]", e->name, e->name, y->val.rank == 1 ? "i" : "i, j");
        return NULL;
    case SYM_PARAM:
        diag_error(e->loc, "'%s' is the parameter vector; index it, as in %s[i]", e->name, e->name);
        return NULL;
    case SYM_POISON: return NULL;
    }
    ICE("bad symbol kind");
}

static Poly *eval_indexed(EvalCtx *c, const Expr *e)
{
    Sym *y = sema_lookup(c->s, e->name);
    if (!y) {
        unknown_name(c->s, e->name, e->name_loc);
        return NULL;
    }
    if (y->kind == SYM_POISON)
        return NULL;
    if (y->kind == SYM_PARAM) {
        if (c->const_only) {
            diag_error(e->loc, "%s must be a constant, but this is the parameter '%s'", c->why, e->name);
            return NULL;
        }
        if (e->args.n != 1) {
            diag_error(e->loc, "'%s' has one index, not %d", e->name, e->args.n);
            return NULL;
        }
        size_t i;
        if (!sema_eval_index(c, e->args.v[0], y->n, e->name, &i))
            return NULL;
        return poly_var((uint32_t)i);
    }
    if (y->kind != SYM_CONST || y->val.rank == 0) {
        diag_error(e->loc, "'%s' is a %s, not an array; it cannot be indexed", e->name,
                   y->kind == SYM_INDEX ? "index variable" : "scalar");
        return NULL;
    }
    if (e->args.n != y->val.rank) {
        diag_error(e->loc, "'%s' has %d ind%s, not %d", e->name, y->val.rank, y->val.rank == 1 ? "ex" : "ices", e->args.n);
        return NULL;
    }
    size_t idx[2];
    for (int k = 0; k < e->args.n; k++)
        if (!sema_eval_index(c, e->args.v[k], y->val.dim[k], e->name, &idx[k]))
            return NULL;
    return poly_const(array_get(&y->val, idx));
}

typedef struct MathFn {
    const char *name;
    double (*f1)(double);
    double (*f2)(double, double);
} MathFn;

static const MathFn math_fns[] = {
    {"sqrt", sqrt, NULL}, {"exp", exp, NULL},   {"log", log, NULL},     {"sin", sin, NULL},
    {"cos", cos, NULL},   {"tan", tan, NULL},   {"tanh", tanh, NULL},   {"abs", fabs, NULL},
    {"floor", floor, NULL}, {"ceil", ceil, NULL}, {"min", NULL, fmin}, {"max", NULL, fmax},
};

static Poly *eval_call(EvalCtx *c, const Expr *e)
{
    const MathFn *fn = NULL;
    for (size_t i = 0; i < sizeof math_fns / sizeof *math_fns; i++)
        if (strcmp(math_fns[i].name, e->name) == 0)
            fn = &math_fns[i];
    if (!fn) {
        if (!strcmp(e->name, "csv") || !strcmp(e->name, "mtx"))
            diag_error(e->loc, "'%s(...)' reads a data file; it can only be the value of a 'const', 'param' or 'noise'", e->name);
        else if (!strcmp(e->name, "gaussian"))
            diag_error(e->loc, "'gaussian(...)' can only be the value of 'noise'");
        else {
            const char *names[sizeof math_fns / sizeof *math_fns];
            for (size_t i = 0; i < sizeof math_fns / sizeof *math_fns; i++)
                names[i] = math_fns[i].name;
            const char *hint = sema_closest(e->name, names, (int)(sizeof math_fns / sizeof *math_fns));
            if (hint)
                diag_error(e->name_loc, "unknown function '%s'; did you mean '%s'?", e->name, hint);
            else
                diag_error(e->name_loc, "unknown function '%s'", e->name);
        }
        return NULL;
    }
    int want = fn->f1 ? 1 : 2;
    if (e->args.n != want) {
        diag_error(e->loc, "'%s' takes %d argument%s, not %d", e->name, want, want == 1 ? "" : "s", e->args.n);
        return NULL;
    }
    double x[2];
    for (int k = 0; k < want; k++) {
        const Expr *a = e->args.v[k];
        if (a->kind == E_NAMED) {
            diag_error(a->loc, "'%s' takes no named arguments", e->name);
            return NULL;
        }
        Poly *p = sema_eval(c, a);
        if (!p)
            return NULL;
        bool is_const = poly_is_const(p, &x[k]);
        poly_free(p);
        if (!is_const) {
            diag_error(a->loc, "'%s' of an expression in the parameters is not a polynomial; "
                               "only constants may be passed to functions", e->name);
            return NULL;
        }
    }
    double v = fn->f1 ? fn->f1(x[0]) : fn->f2(x[0], x[1]);
    if (!check_finite(v, e->loc))
        return NULL;
    return poly_const(v);
}

static bool poly_finite(const Poly *p, Loc loc)
{
    for (const Term *t = p->terms; t; t = t->hh.next)
        if (!check_finite(t->coef, loc))
            return false;
    return true;
}

/* After a ±= b only the terms of b can have changed: checking those keeps a
 * long sum linear in its length. */
static bool sum_finite(const Poly *a, const Poly *b, Loc loc)
{
    for (const Term *t = b->terms; t; t = t->hh.next) {
        Term *r;
        HASH_FIND(hh, a->terms, t->key, (t->key[0] + 1) * sizeof(uint32_t), r);
        if (r && !check_finite(r->coef, loc))
            return false;
    }
    return true;
}

/* *out = a·b, the work charged first; POLY_OK with *out NULL when that is
 * beyond the limit (reported). */
static PolyStatus mul_charged(EvalCtx *c, const Expr *e, const Poly *a, const Poly *b, Poly **out)
{
    *out = NULL;
    if (!charge(c, e, (uint64_t)poly_nterms(a) * poly_nterms(b)))
        return POLY_OK;
    return poly_mul(a, b, out);
}

/* a op b for the E_BINARY node e, both operands evaluated and finite; frees
 * them. The result is finite (else NULL, after an error). */
static Poly *apply_binary(EvalCtx *c, const Expr *e, Poly *a, Poly *b)
{
    Poly *r = NULL;
    PolyStatus st = POLY_OK;
    double ca, cb;
    switch (e->op) {
    case '+':
    case '-':
        st = poly_add_scaled(a, b, e->op == '+' ? 1.0 : -1.0);
        if (st == POLY_OK && !sum_finite(a, b, e->loc))
            break;
        r = a;
        a = NULL;
        break;
    case '*': st = mul_charged(c, e, a, b, &r); break;
    case '/':
        if (!poly_is_const(b, &cb)) {
            diag_error(e->b->loc, "division by an expression in the parameters is not a polynomial");
            break;
        }
        if (cb == 0.0) {
            diag_error(e->loc, "division by zero");
            break;
        }
        if (!charge(c, e, poly_nterms(a)))
            break;
        poly_scale(a, 1.0 / cb);
        r = a;
        a = NULL;
        break;
    case '^': {
        char buf[40];
        if (!poly_is_const(b, &cb)) {
            diag_error(e->b->loc, "an exponent must be a constant, not an expression in the parameters");
            break;
        }
        if (poly_is_const(a, &ca)) {
            r = poly_const(pow(ca, cb));
            break;
        }
        if (cb != floor(cb) || cb < 0) {
            diag_error(e->b->loc, "a power of the parameters must have a whole exponent of at least 0, not %s",
                       fmt_double(cb, buf, sizeof buf));
            break;
        }
        if (cb > poly_limits.max_degree) {
            diag_error(e->b->loc, "exponent %s is above the largest degree qgdc accepts (%u)", fmt_double(cb, buf, sizeof buf),
                       poly_limits.max_degree);
            break;
        }
        /* a^k by repeated multiplication (as poly_pow), each one charged */
        r = poly_const(1.0);
        for (unsigned long k = (unsigned long)cb; k > 0 && r; k--) {
            Poly *next;
            st = mul_charged(c, e, r, a, &next);
            poly_free(r);
            r = next;
            if (st != POLY_OK)
                break;
        }
        break;
    }
    default: ICE("bad operator %d", e->op);
    }
    poly_free(a);
    poly_free(b);
    if (st != POLY_OK) {
        poly_free(r);
        return poly_status_error(st, e->loc);
    }
    if (r && e->op != '+' && e->op != '-' && !poly_finite(r, e->loc)) {
        poly_free(r);
        return NULL;
    }
    return r;
}

/* A chain such as a + b + c + ... (any left-associative operators) is a
 * left-deep tree as deep as the chain is long: machine-written losses have
 * thousands of terms. Its left spine is walked with a loop, not recursion,
 * so that the length of a chain is never limited by the stack. The order of
 * evaluation, the steps counted and the errors are those of the recursion. */
static Poly *eval_binary(EvalCtx *c, const Expr *e)
{
    size_t n = 1;
    const Expr *x = e->a;
    for (; x->kind == E_BINARY; x = x->a) {
        if (!step(c, x)) /* sema_eval() counted e itself */
            return NULL;
        n++;
    }
    const Expr **spine = xmalloc(n * sizeof *spine);
    x = e;
    for (size_t k = 0; k < n; k++, x = x->a)
        spine[k] = x;
    Poly *acc = sema_eval(c, spine[n - 1]->a);
    for (size_t k = n; k-- > 0 && acc;) {
        const Expr *node = spine[k];
        Poly *b = sema_eval(c, node->b);
        if (!b) {
            poly_free(acc);
            acc = NULL;
            break;
        }
        acc = apply_binary(c, node, acc, b);
    }
    free(spine);
    return acc;
}

static Poly *eval_sum(EvalCtx *c, const Expr *e)
{
    Range r;
    if (!sema_range_begin(c->s, e->name, e->name_loc, e->a, e->b, &r))
        return NULL;
    bool is_sum = e->kind == E_SUM;
    Poly *acc = poly_const(is_sum ? 0.0 : 1.0);
    for (long long i = r.lo; i <= r.hi && acc; i++) {
        r.var->ival = i;
        Poly *t = sema_eval(c, e->body);
        if (!t) {
            poly_free(acc);
            acc = NULL;
            break;
        }
        PolyStatus st;
        if (is_sum) {
            st = poly_add_scaled(acc, t, 1.0);
        } else {
            Poly *next;
            st = mul_charged(c, e, acc, t, &next);
            poly_free(acc);
            acc = next;
        }
        poly_free(t);
        if (st != POLY_OK) {
            poly_free(acc);
            acc = poly_status_error(st, e->loc);
        }
    }
    sema_range_end(c->s, &r);
    return acc;
}

Poly *sema_eval(EvalCtx *c, const Expr *e)
{
    if (!step(c, e))
        return NULL;
    Poly *p = NULL;
    switch (e->kind) {
    case E_NUM: return poly_const(e->num);
    case E_STRING:
        diag_error(e->loc, "a string is not a number");
        return NULL;
    case E_IDENT: p = eval_ident(c, e); break;
    case E_INDEX: p = eval_indexed(c, e); break;
    case E_CALL: p = eval_call(c, e); break;
    case E_NAMED:
        diag_error(e->loc, "a named argument is not allowed here");
        return NULL;
    case E_NEG:
        p = sema_eval(c, e->a);
        if (p && !charge(c, e, poly_nterms(p))) {
            poly_free(p);
            return NULL;
        }
        if (p)
            poly_scale(p, -1.0);
        break;
    case E_BINARY: p = eval_binary(c, e); break;
    case E_SUM:
    case E_PROD: p = eval_sum(c, e); break;
    case E_LIST:
    case E_COMPREH:
        diag_error(e->loc, "a list is not allowed here; a single value is needed");
        return NULL;
    }
    if (!p)
        return NULL;
    if (e->kind != E_BINARY && !poly_finite(p, e->loc)) { /* apply_binary checked its result */
        poly_free(p);
        return NULL;
    }
    return p;
}

/* ---- arrays: lists, comprehensions, data files ---- */

/* The memory budget covers all the arrays a file keeps at once, not each
 * one alone: `bytes` more must fit beside those held already. */
static bool mem_fits(Sema *s, size_t bytes, double shown, Loc loc, const char *what)
{
    size_t budget = mem_budget();
    if (s->held <= budget && bytes <= budget - s->held)
        return true;
    char b1[32], b2[32], b3[32];
    if (s->held)
        diag_error(loc, "%s would need %s of memory; the limit is %s and this file's other arrays hold %s", what,
                   mem_human(shown, b1, sizeof b1), mem_human((double)budget, b2, sizeof b2),
                   mem_human((double)s->held, b3, sizeof b3));
    else
        diag_error(loc, "%s would need %s of memory; the limit is %s", what, mem_human(shown, b1, sizeof b1),
                   mem_human((double)budget, b2, sizeof b2));
    return false;
}

/* Room for `count` doubles about to be allocated. */
bool sema_alloc_check(Sema *s, size_t count, Loc loc, const char *what)
{
    size_t bytes;
    if (!size_mul(count, sizeof(double), &bytes))
        bytes = SIZE_MAX;
    return mem_fits(s, bytes, (double)count * 8.0, loc, what);
}

size_t sema_array_bytes(const Array *a)
{
    return a->v ? array_size(a) * sizeof(double) : a->nnz * (sizeof(double) + 2 * sizeof(uint32_t));
}

/* Counts an array the file keeps (a constant, the initial values, the
 * noise) in the memory in use. */
bool sema_hold(Sema *s, size_t bytes, Loc loc, const char *what)
{
    if (!mem_fits(s, bytes, (double)bytes, loc, what))
        return false;
    s->held += bytes;
    return true;
}

/* Joins element values (all scalars, or all vectors of one length). */
static bool join(Sema *s, Array *elems, size_t n, Loc loc, Array *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0) {
        diag_error(loc, "an empty list has no values");
        return false;
    }
    int rank = elems[0].rank;
    size_t len = rank == 1 ? elems[0].dim[0] : 1;
    if (rank > 1 || elems[0].v == NULL) {
        diag_error(loc, "lists may hold numbers or lists of numbers, not matrices");
        return false;
    }
    for (size_t k = 1; k < n; k++)
        if (elems[k].rank != rank || (rank == 1 && elems[k].dim[0] != len)) {
            diag_error(loc, "the rows of this list differ in length (%zu and %zu)", len,
                       elems[k].rank == 1 ? elems[k].dim[0] : (size_t)1);
            return false;
        }
    if (!sema_alloc_check(s, n * len, loc, "this list"))
        return false;
    out->rank = rank + 1;
    out->dim[0] = n;
    out->dim[1] = rank == 1 ? len : 0;
    out->v = xmalloc(n * len * sizeof(double));
    for (size_t k = 0; k < n; k++)
        memcpy(out->v + k * len, elems[k].v, len * sizeof(double));
    return true;
}

static bool eval_list(Sema *s, const Expr *e, Array *out)
{
    size_t n = (size_t)e->args.n;
    Array *el = xcalloc(n ? n : 1, sizeof *el);
    bool ok = true;
    for (size_t k = 0; k < n && ok; k++)
        ok = sema_eval_value(s, e->args.v[k], &el[k]);
    if (ok)
        ok = join(s, el, n, e->loc, out);
    for (size_t k = 0; k < n; k++)
        array_free(&el[k]);
    free(el);
    return ok;
}

static bool eval_comprehension(Sema *s, const Expr *e, Array *out)
{
    Range r;
    if (!sema_range_begin(s, e->name, e->name_loc, e->a, e->b, &r))
        return false;
    size_t n = r.hi >= r.lo ? (size_t)(r.hi - r.lo + 1) : 0;
    /* each element is evaluated into an Array of its own (a scalar in a
     * block of its own) before they are joined: count that, in doubles */
    size_t per = (sizeof(Array) + 4 * sizeof(double)) / sizeof(double), count;
    bool ok = sema_alloc_check(s, size_mul(n, per, &count) ? count : SIZE_MAX, e->loc, "this list");
    Array *el = ok ? xcalloc(n ? n : 1, sizeof *el) : NULL;
    size_t done = 0; /* elements evaluated (a failed one is left empty) */
    while (ok && done < n) {
        r.var->ival = r.lo + (long long)done;
        ok = sema_eval_value(s, e->body, &el[done]);
        done++;
    }
    sema_range_end(s, &r);
    if (ok)
        ok = join(s, el, n, e->loc, out);
    for (size_t k = 0; k < done; k++)
        array_free(&el[k]);
    free(el);
    return ok;
}

static bool eval_file(Sema *s, const Expr *e, Array *out)
{
    if (e->args.n != 1 || e->args.v[0]->kind != E_STRING) {
        diag_error(e->loc, "'%s' takes one argument, the file name in double quotes", e->name);
        return false;
    }
    const char *path = e->args.v[0]->name;
    if (!strcmp(e->name, "csv"))
        return data_load_csv(path, s->base_dir, e->args.v[0]->loc, out);
    return data_load_mtx(path, s->base_dir, e->args.v[0]->loc, out);
}

/* A value: a scalar expression, a list, a comprehension or a data file. */
bool sema_eval_value(Sema *s, const Expr *e, Array *out)
{
    memset(out, 0, sizeof *out);
    if (e->kind == E_LIST)
        return eval_list(s, e, out);
    if (e->kind == E_COMPREH)
        return eval_comprehension(s, e, out);
    if (e->kind == E_CALL && (!strcmp(e->name, "csv") || !strcmp(e->name, "mtx")))
        return eval_file(s, e, out);
    double v;
    if (!sema_eval_num(s, e, "a constant", &v))
        return false;
    out->rank = 0;
    out->v = xmalloc(sizeof(double));
    out->v[0] = v;
    return true;
}

void sema_shape_text(const Array *a, char *buf, size_t len)
{
    if (a->rank == 0)
        snprintf(buf, len, "a single value");
    else if (a->rank == 1)
        snprintf(buf, len, "%zu values", a->dim[0]);
    else
        snprintf(buf, len, "a %zu x %zu matrix", a->dim[0], a->dim[1]);
}

/* Evaluates declared sizes. */
bool sema_eval_dims(Sema *s, const ExprList *dims, size_t *out)
{
    if (dims->n > 2) {
        diag_error(dims->v[2]->loc, "arrays have at most 2 dimensions");
        return false;
    }
    for (int k = 0; k < dims->n; k++) {
        long long v;
        if (!sema_eval_int(s, dims->v[k], "a size", 1, UINT32_MAX, &v))
            return false;
        out[k] = (size_t)v;
    }
    return true;
}

/* Gives a value the declared shape: a scalar fills the whole array; any
 * other value must have exactly that shape (a CSV column or row is a
 * vector). */
bool sema_conform(Sema *s, Array *a, const ExprList *dims, const size_t *d, const char *name, Loc loc)
{
    int rank = dims->n;
    if (rank == 0)
        return true;
    if (a->rank == 0) {
        size_t total = d[0] * (rank == 2 ? d[1] : 1);
        if (!sema_alloc_check(s, total, loc, "this array"))
            return false;
        double x = a->v[0];
        free(a->v);
        a->v = xmalloc(total * sizeof(double));
        for (size_t k = 0; k < total; k++)
            a->v[k] = x;
        a->rank = rank;
        a->dim[0] = d[0];
        a->dim[1] = rank == 2 ? d[1] : 0;
        return true;
    }
    if (a->rank != rank || a->dim[0] != d[0] || (rank == 2 && a->dim[1] != d[1])) {
        char has[64];
        sema_shape_text(a, has, sizeof has);
        if (rank == 1)
            diag_error(loc, "'%s' is declared with %zu values but its value has %s", name, d[0], has);
        else
            diag_error(loc, "'%s' is declared as a %zu x %zu matrix but its value has %s", name, d[0], d[1], has);
        return false;
    }
    return true;
}

static bool do_const_value(Sema *s, const Stmt *st, bool global)
{
    size_t d[2];
    if (!sema_eval_dims(s, &st->dims, d))
        return false;
    Array a;
    if (!sema_eval_value(s, st->value, &a))
        return false;
    if (!sema_conform(s, &a, &st->dims, d, st->name, st->value->loc) ||
        !sema_hold(s, sema_array_bytes(&a), st->value->loc, "this value")) {
        array_free(&a);
        return false;
    }
    Sym *y = sema_define(s, st->name, st->name_loc, SYM_CONST);
    if (!y) {
        s->held -= sema_array_bytes(&a);
        array_free(&a);
        return false;
    }
    y->val = a;
    y->bytes = sema_array_bytes(&a);
    y->global = global;
    return true;
}

bool sema_do_const(Sema *s, const Stmt *st, bool global)
{
    if (do_const_value(s, st, global))
        return true;
    sema_poison(s, st->name, st->name_loc, global);
    return false;
}

/* ---- settings and options ---- */

bool sema_setting_seen(const Stmt *prev, const Stmt *st)
{
    if (!prev)
        return false;
    diag_error(st->name_loc, "'%s' is set twice", st->name);
    diag_note(prev->name_loc, "first set here");
    return true;
}

void sema_do_options(Sema *s, const Stmt *st, Options *o, bool *failed)
{
    for (int k = 0; k < st->body.n; k++) {
        const Stmt *os = st->body.v[k];
        int id = options_lookup(os->name);
        if (id < 0) {
            const char *names[OPTION_COUNT];
            for (int i = 0; i < OPTION_COUNT; i++)
                names[i] = options_name((OptionId)i);
            const char *hint = sema_closest(os->name, names, OPTION_COUNT);
            if (hint)
                diag_error(os->name_loc, "unknown option '%s'; did you mean '%s'?", os->name, hint);
            else
                diag_error(os->name_loc, "unknown option '%s' (see 'qgdc check --help' for the list)", os->name);
            *failed = true;
            continue;
        }
        if (o->set[id]) {
            diag_error(os->name_loc, "option '%s' is set twice", os->name);
            diag_note(o->loc[id], "first set here");
            *failed = true;
            continue;
        }
        const Expr *v = os->value;
        long long iv = 0;
        double dv = 0;
        const char *word = (v->kind == E_IDENT || v->kind == E_STRING) ? v->name : NULL;
        bool ok = true;
        switch ((OptionId)id) {
        case OPTION_carleman_order: ok = sema_eval_int(s, v, "carleman_order", 1, 64, &iv); o->carleman_order = iv; break;
        case OPTION_clock_bits: ok = sema_eval_int(s, v, "clock_bits", 1, 64, &iv); o->clock_bits = iv; break;
        case OPTION_idle_blocks: ok = sema_eval_int(s, v, "idle_blocks", 0, 1LL << 31, &iv); o->idle_blocks = iv; break;
        case OPTION_shots: ok = sema_eval_int(s, v, "shots", 1, 1000000000000000LL, &iv); o->shots = iv; break;
        case OPTION_seed: ok = sema_eval_int(s, v, "seed", 0, (1LL << 53), &iv); o->seed = iv; break;
        case OPTION_kappa0:
            ok = sema_eval_num(s, v, "kappa0", &dv);
            if (ok && !(dv > 1)) {
                char buf[40];
                diag_error(v->loc, "kappa0 must be greater than 1, not %s", fmt_double(dv, buf, sizeof buf));
                ok = false;
            }
            o->kappa0 = dv;
            break;
        case OPTION_precision:
            ok = sema_eval_num(s, v, "precision", &dv);
            if (ok && !(dv > 0 && dv < 1)) {
                char buf[40];
                diag_error(v->loc, "precision must lie strictly between 0 and 1, not %s", fmt_double(dv, buf, sizeof buf));
                ok = false;
            }
            o->precision = dv;
            break;
        case OPTION_carleman_form:
        case OPTION_gate_set:
        case OPTION_block_encoding: {
            static const char *const vals[][2] = {
                [OPTION_carleman_form] = {"exact", "paper"},
                [OPTION_gate_set] = {"clifford_t", "native"},
                [OPTION_block_encoding] = {"pauli", "structured"},
            };
            int which = -1;
            for (int i = 0; i < 2; i++)
                if (word && !strcmp(word, vals[id][i]))
                    which = i;
            if (which < 0) {
                diag_error(v->loc, "option '%s' must be '%s' or '%s'", os->name, vals[id][0], vals[id][1]);
                ok = false;
            } else if (id == OPTION_carleman_form) {
                o->carleman_form = which ? FORM_PAPER : FORM_EXACT;
            } else if (id == OPTION_gate_set) {
                o->gate_set = which ? GATES_NATIVE : GATES_CLIFFORD_T;
            } else {
                o->block_encoding = which ? BE_STRUCTURED : BE_PAULI;
            }
            break;
        }
        case OPTION_max_logical_qubits:
            ok = sema_eval_int(s, v, "max_logical_qubits", 1, 1000000000000000LL, &iv);
            o->max_logical_qubits = iv;
            break;
        case OPTION_algorithm:
        case OPTION_amplify:
        case OPTION_data_loading:
        case OPTION_readout:
        case OPTION_solver: {
            static const char *const *const names[] = {[OPTION_algorithm] = algorithm_names,
                                                       [OPTION_amplify] = amplify_mode_names,
                                                       [OPTION_data_loading] = data_loading_names,
                                                       [OPTION_readout] = readout_mode_names,
                                                       [OPTION_solver] = solver_kind_names};
            static const int counts[] = {[OPTION_algorithm] = 2, [OPTION_amplify] = AMPLIFY_MODES,
                                         [OPTION_data_loading] = LOADING_MODES, [OPTION_readout] = READOUT_MODES,
                                         [OPTION_solver] = SOLVER_KINDS};
            int which = technique_lookup(names[id], counts[id], word);
            if (which < 0) {
                char list[160] = "";
                for (int i = 0; i < counts[id]; i++)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'",
                             i == 0 ? "" : i + 1 == counts[id] ? " or " : ", ", names[id][i]);
                diag_error(v->loc, "option '%s' must be %s", os->name, list);
                ok = false;
            } else if (id == OPTION_algorithm)
                o->algorithm = (Algorithm)which;
            else if (id == OPTION_amplify)
                o->amplify = (AmplifyMode)which;
            else if (id == OPTION_data_loading)
                o->data_loading = (DataLoading)which;
            else if (id == OPTION_solver)
                o->solver = (SolverKind)which;
            else
                o->readout = (ReadoutMode)which;
            break;
        }
        case OPTION_COUNT: ICE("bad option");
        }
        if (!ok) {
            *failed = true;
            continue;
        }
        o->set[id] = true;
        o->loc[id] = os->name_loc;
    }
}

/* Options a problem kind does not take (options_applies): an error at
 * each, and the option unset. */
void sema_reject_options(Options *o, int kind, bool *failed)
{
    for (int id = 0; id < OPTION_COUNT; id++)
        if (o->set[id] && !options_applies((OptionId)id, kind)) {
            diag_error(o->loc[id], "option '%s' %s", options_name((OptionId)id),
                       options_not_here((OptionId)id, kind));
            o->set[id] = false;
            *failed = true;
        }
}

Sym *sema_define_setting(Sema *s, const Stmt *st, double v)
{
    Sym *y = sema_define(s, st->name, st->name_loc, SYM_CONST);
    if (y) {
        y->is_setting = true;
        y->val.rank = 0;
        y->val.v = xmalloc(sizeof(double));
        y->val.v[0] = v;
    }
    return y;
}

/* Splits the arguments of call into npos positional ones (first) and the
 * named ones listed in named[] (each at most once). */
bool sema_split_args(const Expr *call, int npos, const Expr **pos, NamedArg *named, int nnamed, const char *usage)
{
    int k = 0;
    for (int i = 0; i < call->args.n; i++) {
        const Expr *a = call->args.v[i];
        if (a->kind != E_NAMED) {
            if (k < npos && i == k) {
                pos[k++] = a;
                continue;
            }
            diag_error(a->loc, "unexpected argument: %s", usage);
            return false;
        }
        int slot = -1;
        for (int j = 0; j < nnamed; j++)
            if (!strcmp(named[j].name, a->name))
                slot = j;
        if (slot < 0) {
            const char *names[8];
            for (int j = 0; j < nnamed && j < 8; j++)
                names[j] = named[j].name;
            const char *hint = sema_closest(a->name, names, nnamed < 8 ? nnamed : 8);
            if (hint)
                diag_error(a->name_loc, "'%s' has no argument '%s'; did you mean '%s'?", call->name, a->name, hint);
            else
                diag_error(a->name_loc, "'%s' has no argument '%s': %s", call->name, a->name, usage);
            return false;
        }
        if (named[slot].value) {
            diag_error(a->name_loc, "argument '%s' is given twice", a->name);
            return false;
        }
        named[slot].value = a->a;
    }
    if (k < npos) {
        diag_error(call->loc, "'%s' needs %d file name%s: %s", call->name, npos, npos == 1 ? "" : "s", usage);
        return false;
    }
    for (int j = 0; j < npos; j++)
        if (pos[j]->kind != E_STRING) {
            diag_error(pos[j]->loc, "a file name in double quotes is needed here: %s", usage);
            return false;
        }
    return true;
}

/* ---- whole numbers, exactly (model sizes) ---- */

/* Model sizes go beyond 2^53, so whole numbers are evaluated exactly: a
 * number literal from its text (7451044, 1e9, 7.451044e6), and + − * / ^
 * over whole numbers in GMP; any other expression (a named constant, a
 * function) through the usual evaluator, exact below 2^53. */
#define WHOLE_MAX_BITS (4 * MODEL_MAX_N_BITS) /* intermediate results beyond this are refused */

static bool whole_too_large(const Expr *e, const char *why)
{
    diag_error(e->loc, "%s is far too large here (beyond 2^%d)", why, WHOLE_MAX_BITS);
    return false;
}

static bool whole_literal(const Expr *e, const char *why, mpz_t out)
{
    const char *t = e->text;
    if (!t)
        return false; /* malformed: already reported */
    mpz_set_ui(out, 0);
    long frac = 0, exp10 = 0;
    bool point = false;
    for (; *t && *t != 'e' && *t != 'E'; t++) {
        if (*t == '.') {
            point = true;
            continue;
        }
        mpz_mul_ui(out, out, 10);
        mpz_add_ui(out, out, (unsigned long)(*t - '0'));
        frac += point;
    }
    if (*t) {
        errno = 0;
        long v = strtol(t + 1, NULL, 10);
        exp10 = errno == ERANGE || v > 100000 ? 100000 : v < -100000 ? -100000 : v;
    }
    exp10 -= frac;
    if (mpz_sgn(out) == 0)
        return true;
    if (exp10 > 0) {
        if ((double)mpz_sizeinbase(out, 2) + 3.33 * (double)exp10 > WHOLE_MAX_BITS + 8)
            return whole_too_large(e, why);
        mpz_t p;
        mpz_init(p);
        mpz_ui_pow_ui(p, 10, (unsigned long)exp10);
        mpz_mul(out, out, p);
        mpz_clear(p);
    } else if (exp10 < 0) {
        if (-exp10 > 4 * (long)mpz_sizeinbase(out, 10) + 4) {
            diag_error(e->loc, "%s must be a whole number, not %s", why, e->text);
            return false;
        }
        mpz_t p;
        mpz_init(p);
        mpz_ui_pow_ui(p, 10, (unsigned long)-exp10);
        bool whole = mpz_divisible_p(out, p);
        if (whole)
            mpz_divexact(out, out, p);
        mpz_clear(p);
        if (!whole) {
            diag_error(e->loc, "%s must be a whole number, not %s", why, e->text);
            return false;
        }
    }
    return true;
}

static bool eval_whole(Sema *s, const Expr *e, const char *why, mpz_t out)
{
    switch (e->kind) {
    case E_NUM: return whole_literal(e, why, out);
    case E_NEG:
        if (!eval_whole(s, e->a, why, out))
            return false;
        mpz_neg(out, out);
        return true;
    case E_BINARY: {
        if (!eval_whole(s, e->a, why, out))
            return false;
        mpz_t b;
        mpz_init(b);
        bool ok = eval_whole(s, e->b, why, b);
        if (ok) {
            switch (e->op) {
            case '+': mpz_add(out, out, b); break;
            case '-': mpz_sub(out, out, b); break;
            case '*': mpz_mul(out, out, b); break;
            case '/':
                if (mpz_sgn(b) == 0) {
                    diag_error(e->loc, "division by zero");
                    ok = false;
                } else if (!mpz_divisible_p(out, b)) {
                    diag_error(e->loc, "%s must be a whole number: this division leaves a remainder", why);
                    ok = false;
                } else
                    mpz_divexact(out, out, b);
                break;
            case '^': {
                size_t bits = mpz_sizeinbase(out, 2);
                if (mpz_sgn(b) < 0) {
                    diag_error(e->loc, "%s must be a whole number: a negative power is a fraction", why);
                    ok = false;
                } else if (mpz_cmpabs_ui(out, 1) <= 0) {
                    bool odd = mpz_odd_p(b);
                    if (mpz_sgn(out) < 0 && !odd)
                        mpz_neg(out, out);
                    if (mpz_sgn(b) == 0)
                        mpz_set_ui(out, 1);
                } else if (mpz_cmp_ui(b, WHOLE_MAX_BITS) > 0 || (bits - 1) * mpz_get_ui(b) > WHOLE_MAX_BITS) {
                    ok = whole_too_large(e, why);
                } else
                    mpz_pow_ui(out, out, mpz_get_ui(b));
                break;
            }
            default: ICE("bad operator");
            }
        }
        mpz_clear(b);
        if (ok && mpz_sizeinbase(out, 2) > WHOLE_MAX_BITS)
            ok = whole_too_large(e, why);
        return ok;
    }
    default: {
        double v;
        if (!sema_eval_num(s, e, why, &v))
            return false;
        char buf[40];
        if (v != floor(v)) {
            diag_error(e->loc, "%s must be a whole number, not %s", why, fmt_double(v, buf, sizeof buf));
            return false;
        }
        if (fabs(v) > 9007199254740992.0) {
            diag_error(e->loc, "%s = %s is beyond 2^53, where this expression is not exact; write the digits "
                               "(a number, or + - * / ^ of numbers)",
                       why, fmt_double(v, buf, sizeof buf));
            return false;
        }
        mpz_set_d(out, v);
        return true;
    }
    }
}

/* A whole number in [lo, hi] (hi NULL: below 2^MODEL_MAX_N_BITS). */
bool sema_eval_whole_in(Sema *s, const Expr *e, const char *why, unsigned long lo, const mpz_t hi, const char *hi_what,
                        mpz_t out)
{
    if (!eval_whole(s, e, why, out))
        return false;
    if (mpz_cmp_ui(out, lo) < 0) {
        gmp_diag_error(e->loc, "%s must be at least %lu, not %Zd", why, lo, out);
        return false;
    }
    if (!hi && mpz_sizeinbase(out, 2) > MODEL_MAX_N_BITS) {
        diag_error(e->loc, "%s = %.4g is absurd: qgdc accepts sizes below 2^%d", why, mpz_get_d(out), MODEL_MAX_N_BITS);
        return false;
    }
    if (hi && mpz_cmp(out, hi) > 0) {
        gmp_diag_error(e->loc, "%s = %Zd exceeds %s = %Zd", why, out, hi_what, hi);
        return false;
    }
    return true;
}

bool sema_eval_positive(Sema *s, const Expr *e, const char *why, double *out)
{
    if (!sema_eval_num(s, e, why, out) || !check_finite(*out, e->loc))
        return false;
    if (!(*out > 0)) {
        char buf[40];
        diag_error(e->loc, "%s must be positive, not %s", why, fmt_double(*out, buf, sizeof buf));
        return false;
    }
    return true;
}

typedef struct ProblemName {
    UT_hash_handle hh;
    const char *name;
    int first; /* index of its first definition */
    int count;
    bool reported;
} ProblemName;

bool sema_build(const ParseResult *pr, const char *base_dir, ProblemSet *out)
{
    memset(out, 0, sizeof *out);
    if (pr->nerrors)
        return false;
    int before = diag_error_count();
    Sema s = {0};
    s.base_dir = base_dir;
    const Program *prog = &pr->prog;
    for (int k = 0; k < prog->globals.n; k++)
        sema_do_const(&s, prog->globals.v[k], true);
    bool globals_failed = diag_error_count() > before;
    /* Problem names: a name defined more than once is one error, at its
     * second definition, however many copies follow (a hash, so that
     * 20,000 copies cost 20,000 lookups, not 2*10^8 comparisons). */
    ProblemName *names = NULL;
    for (int k = 0; k < prog->nproblems; k++) {
        const Problem *p = prog->problems[k];
        ProblemName *e;
        HASH_FIND_STR(names, p->name, e);
        if (!e) {
            e = xcalloc(1, sizeof *e);
            e->name = p->name;
            e->first = k;
            HASH_ADD_KEYPTR(hh, names, e->name, strlen(e->name), e);
        }
        e->count++;
    }
    for (int k = 0; k < prog->nproblems && !s.out_of_steps; k++) {
        const Problem *p = prog->problems[k];
        ProblemName *e;
        HASH_FIND_STR(names, p->name, e);
        if (e->first != k && !e->reported) {
            e->reported = true;
            if (e->count == 2)
                diag_error(p->name_loc, "a problem named '%s' is already defined", p->name);
            else
                diag_error(p->name_loc, "a problem named '%s' is already defined (%d definitions of it in all)", p->name,
                           e->count);
            diag_note(prog->problems[e->first]->name_loc, "the first is here");
        }
        if (globals_failed) /* problems would cascade from the failed constants */
            break;
        if (p->kind == P_MODEL) {
            ModelProblem *mp = sema_model_build(&s, p);
            drop_locals(&s);
            if (mp) {
                problem_set_add(out, (ProblemRef){.kind = PROBLEM_MODEL, .model = mp});
            }
            continue;
        }
        if (p->kind == P_NTK) {
            NtkProblem *t = sema_ntk_build(&s, p);
            drop_locals(&s);
            if (t) {
                problem_set_add(out, (ProblemRef){.kind = PROBLEM_NTK, .ntk = t});
            }
            continue;
        }
        GdProblem *g = sema_gd_build(&s, p);
        drop_locals(&s);
        if (g) {
            problem_set_add(out, (ProblemRef){.kind = PROBLEM_GD, .gd = g});
        }
    }
    drop_all(&s);
    ProblemName *e, *etmp;
    HASH_ITER(hh, names, e, etmp) {
        HASH_DEL(names, e);
        free(e);
    }
    if (diag_error_count() > before) {
        problem_set_free(out);
        return false;
    }
    return true;
}
