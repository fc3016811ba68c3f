/* sema_internal.h — the shared core of semantic analysis, private to
 * src/frontend/sema*.c.
 *
 * sema.c holds what every problem kind uses: the symbol table, the
 * evaluation of expressions (by polynomial expansion, see sema.c), arrays
 * (lists, comprehensions, data files) and the memory they hold, constants,
 * the options block, and the dispatch of each problem to its kind.
 * sema_gd.c, sema_ntk.c and sema_model.c each build one kind of problem
 * from its statements with these. Every function reports its own errors
 * (located) and returns false or NULL after one. */
#ifndef QGDC_SEMA_INTERNAL_H
#define QGDC_SEMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* before gmp.h */

#include <gmp.h>
#include <uthash.h>

#include "frontend/data.h"
#include "frontend/poly.h"
#include "frontend/sema.h"

/* ---- symbols ---- */

/* SYM_POISON: a name whose declaration failed (already reported); uses of
 * it fail quietly instead of adding "unknown name" errors. */
typedef enum SymKind { SYM_CONST, SYM_INDEX, SYM_PARAM, SYM_POISON } SymKind;

typedef struct Sym {
    UT_hash_handle hh;
    const char *name;
    SymKind kind;
    Array val;      /* SYM_CONST */
    long long ival; /* SYM_INDEX */
    uint32_t n;     /* SYM_PARAM */
    Loc loc;
    bool global;
    size_t bytes;   /* of val, counted in Sema.held */
    bool is_setting; /* defined by a setting (eta, T) */
} Sym;

typedef struct Sema {
    Sym *syms;
    const char *base_dir;
    uint64_t steps;
    size_t held; /* bytes of the arrays kept: constants, initial values, noise */
    bool out_of_steps;
    bool in_ntk; /* inside an ntk problem: its derived names get a hint */
} Sema;

Sym *sema_lookup(Sema *s, const char *name);
const char *sema_sym_what(const Sym *y); /* "constant", "index variable", … */
/* Defines a symbol; reports a clash with any visible name (NULL then). */
Sym *sema_define(Sema *s, const char *name, Loc loc, SymKind kind);
/* After a failed declaration: keep the name known (see SYM_POISON). */
void sema_poison(Sema *s, const char *name, Loc loc, bool global);
/* The candidate closest to name, for "did you mean" hints, or NULL. */
const char *sema_closest(const char *name, const char *const *cands, int n);

/* ---- expression evaluation ---- */

typedef struct EvalCtx {
    Sema *s;
    bool const_only; /* parameters not allowed */
    const char *why; /* what the constant is for, in errors */
} EvalCtx;

/* Binds an index variable over lo..hi; the caller loops. */
typedef struct Range {
    long long lo, hi;
    Sym *var;
} Range;

Poly *sema_eval(EvalCtx *c, const Expr *e);
/* A constant scalar. */
bool sema_eval_num(Sema *s, const Expr *e, const char *why, double *out);
/* A constant whole number in [lo, hi]. */
bool sema_eval_int(Sema *s, const Expr *e, const char *why, long long lo, long long hi, long long *out);
/* A constant that must be finite and positive. */
bool sema_eval_positive(Sema *s, const Expr *e, const char *why, double *out);
bool sema_eval_index(EvalCtx *c, const Expr *e, size_t size, const char *name, size_t *out);
bool sema_range_begin(Sema *s, const char *var, Loc var_loc, const Expr *lo, const Expr *hi, Range *r);
void sema_range_end(Sema *s, Range *r);

/* A whole number evaluated exactly (model sizes go beyond 2^53), in
 * [lo, hi]; hi NULL: below 2^MODEL_MAX_N_BITS. */
bool sema_eval_whole_in(Sema *s, const Expr *e, const char *why, unsigned long lo, const mpz_t hi, const char *hi_what,
                        mpz_t out);

/* ---- arrays ---- */

/* A value: a scalar expression, a list, a comprehension or a data file. */
bool sema_eval_value(Sema *s, const Expr *e, Array *out);
bool sema_eval_dims(Sema *s, const ExprList *dims, size_t *out); /* declared sizes */
/* Gives a value the declared shape (a scalar fills the whole array). */
bool sema_conform(Sema *s, Array *a, const ExprList *dims, const size_t *d, const char *name, Loc loc);
void sema_shape_text(const Array *a, char *buf, size_t len); /* "3 values", "a 2 x 3 matrix", … */
size_t sema_array_bytes(const Array *a);
/* Room for count doubles about to be allocated, beside the arrays held. */
bool sema_alloc_check(Sema *s, size_t count, Loc loc, const char *what);
/* Counts an array the file keeps in the memory in use (Sema.held). */
bool sema_hold(Sema *s, size_t bytes, Loc loc, const char *what);

/* ---- statements shared by every kind ---- */

/* const NAME[dims] = value; a failed one is poisoned. */
bool sema_do_const(Sema *s, const Stmt *st, bool global);
/* Reports a setting given twice (true then). */
bool sema_setting_seen(const Stmt *prev, const Stmt *st);
/* Defines a setting (eta, T, …) as a scalar constant for later expressions. */
Sym *sema_define_setting(Sema *s, const Stmt *st, double v);
/* An options { ... } block into o; *failed set after an error. */
void sema_do_options(Sema *s, const Stmt *st, Options *o, bool *failed);
/* Options a problem kind does not take: "option 'NAME' WHY", each unset. */
void sema_reject_options(Options *o, int kind, bool *failed);

typedef struct NamedArg {
    const char *name;
    const Expr *value;
} NamedArg;

/* Splits the arguments of call into npos positional ones (first) and the
 * named ones listed in named[] (each at most once). */
bool sema_split_args(const Expr *call, int npos, const Expr **pos, NamedArg *named, int nnamed, const char *usage);

/* ---- one builder per problem kind (NULL after errors) ---- */

GdProblem *sema_gd_build(Sema *s, const Problem *pr);       /* sema_gd.c */
NtkProblem *sema_ntk_build(Sema *s, const Problem *pr);     /* sema_ntk.c */
ModelProblem *sema_model_build(Sema *s, const Problem *pr); /* sema_model.c */

#endif
