/* sema_gd.c — gd problems (docs/language.md): the parameter vector, its
 * update rules or a loss, the settings eta, T and noise, built into a
 * GdProblem whose tensors F_0..F_q come from the update map or from the
 * symbolic gradient of the loss. The shared core is in sema.c. */
#include "frontend/sema_internal.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- gd problems ---- */

typedef struct GdBuild {
    const Problem *pr;
    GdProblem *p;
    const Stmt *param, *eta, *T, *loss, *noise;
    Poly *loss_poly;
    Poly **update;        /* [n] */
    const Stmt **update_at; /* [n] */
    bool have_updates;
    bool failed;
} GdBuild;

static const char *const gd_settings[] = {"eta", "T", "loss", "noise"};

static void gd_stmt(Sema *s, GdBuild *b, const Stmt *st, bool in_for);

static void gd_for(Sema *s, GdBuild *b, const Stmt *st)
{
    Range r;
    if (!sema_range_begin(s, st->name, st->name_loc, st->lo, st->hi, &r)) {
        b->failed = true;
        return;
    }
    for (long long i = r.lo; i <= r.hi && !b->failed; i++) {
        r.var->ival = i;
        for (int k = 0; k < st->body.n && !b->failed; k++)
            gd_stmt(s, b, st->body.v[k], true);
    }
    sema_range_end(s, &r);
}

static void gd_update(Sema *s, GdBuild *b, const Stmt *st)
{
    Sym *y = sema_lookup(s, st->name);
    if (y && y->kind == SYM_POISON) {
        b->failed = true;
        return;
    }
    if (!y || y->kind != SYM_PARAM) {
        if (!y && !b->param)
            diag_error(st->name_loc, "'update %s[...]' comes before the parameters are declared with 'param'", st->name);
        else
            diag_error(st->name_loc, "'update' applies to the parameter vector%s%s, not to '%s'",
                       b->param ? " " : "", b->param ? b->param->name : "", st->name);
        b->failed = true;
        return;
    }
    if (b->loss) {
        diag_error(st->loc, "a problem has either a 'loss' or 'update' rules, not both");
        diag_note(b->loss->name_loc, "the loss is given here");
        b->failed = true;
        return;
    }
    if (st->dims.n != 1) {
        diag_error(st->name_loc, "'update' takes one index, as in update %s[i] = ...", st->name);
        b->failed = true;
        return;
    }
    EvalCtx c = {s, false, NULL};
    size_t i;
    if (!sema_eval_index(&c, st->dims.v[0], y->n, y->name, &i)) {
        b->failed = true;
        return;
    }
    if (b->update[i]) {
        diag_error(st->loc, "%s[%zu] is updated twice", y->name, i);
        diag_note(b->update_at[i]->loc, "first updated here");
        b->failed = true;
        return;
    }
    Poly *p = sema_eval(&c, st->value);
    if (!p) {
        b->failed = true;
        return;
    }
    b->update[i] = p;
    b->update_at[i] = st;
    b->have_updates = true;
}

static void gd_param(Sema *s, GdBuild *b, const Stmt *st)
{
    if (b->param) {
        diag_error(st->loc, "a gd problem has one parameter vector; '%s' is the second", st->name);
        diag_note(b->param->loc, "the first is declared here");
        b->failed = true;
        return;
    }
    if (st->dims.n != 1) {
        diag_error(st->name_loc, "'param' declares a vector: give one size, as in param %s[n] = ...", st->name);
        b->failed = true;
        return;
    }
    size_t d[2];
    Array a;
    if (!sema_eval_dims(s, &st->dims, d) || !sema_eval_value(s, st->value, &a)) {
        b->failed = true;
        return;
    }
    if (!sema_conform(s, &a, &st->dims, d, st->name, st->value->loc) ||
        !sema_hold(s, sema_array_bytes(&a), st->value->loc, "this value")) {
        array_free(&a);
        b->failed = true;
        return;
    }
    Sym *y = sema_define(s, st->name, st->name_loc, SYM_PARAM);
    if (!y) {
        s->held -= sema_array_bytes(&a);
        array_free(&a);
        b->failed = true;
        return;
    }
    y->n = (uint32_t)d[0];
    b->param = st;
    b->p->n = (uint32_t)d[0];
    b->p->param = xstrdup(st->name);
    b->p->u_in = a.v; /* take ownership */
    b->update = xcalloc(d[0], sizeof *b->update);
    b->update_at = xcalloc(d[0], sizeof *b->update_at);
}

static void gd_set(Sema *s, GdBuild *b, const Stmt *st)
{
    if (!strcmp(st->name, "eta")) {
        if (sema_setting_seen(b->eta, st))
            goto fail;
        double v;
        if (!sema_eval_num(s, st->value, "eta", &v))
            goto fail;
        if (!(v > 0)) {
            char buf[40];
            diag_error(st->value->loc, "the learning rate eta must be positive, not %s", fmt_double(v, buf, sizeof buf));
            goto fail;
        }
        b->eta = st;
        b->p->eta = v;
        b->p->has_eta = true;
        if (!sema_define_setting(s, st, v))
            goto fail;
    } else if (!strcmp(st->name, "T")) {
        if (sema_setting_seen(b->T, st))
            goto fail;
        long long v;
        if (!sema_eval_int(s, st->value, "the number of steps T", 1, 1LL << 40, &v))
            goto fail;
        b->T = st;
        b->p->T = (uint64_t)v;
        if (!sema_define_setting(s, st, (double)v))
            goto fail;
    } else if (!strcmp(st->name, "loss")) {
        if (sema_setting_seen(b->loss, st))
            goto fail;
        if (b->have_updates) {
            diag_error(st->loc, "a problem has either a 'loss' or 'update' rules, not both");
            goto fail;
        }
        b->loss = st;
        EvalCtx c = {s, false, NULL};
        b->loss_poly = sema_eval(&c, st->value);
        if (!b->loss_poly)
            goto fail;
    } else if (!strcmp(st->name, "noise")) {
        if (sema_setting_seen(b->noise, st))
            goto fail;
        b->noise = st; /* evaluated at the end, when n and T are known */
    } else {
        const char *hint = sema_closest(st->name, gd_settings, 4);
        if (hint)
            diag_error(st->name_loc, "unknown setting '%s' in a gd problem; did you mean '%s'?", st->name, hint);
        else
            diag_error(st->name_loc, "unknown setting '%s' in a gd problem (settings: eta, T, loss, noise; "
                                     "use 'const' for a named value)", st->name);
        goto fail;
    }
    return;
fail:
    b->failed = true;
}

static void gd_stmt(Sema *s, GdBuild *b, const Stmt *st, bool in_for)
{
    if (in_for && st->kind != S_UPDATE && st->kind != S_FOR) {
        diag_error(st->loc, "only 'update' and 'for' may appear inside a 'for' block");
        b->failed = true;
        return;
    }
    switch (st->kind) {
    case S_CONST:
        if (!sema_do_const(s, st, false))
            b->failed = true;
        break;
    case S_PARAM:
        gd_param(s, b, st);
        if (b->param != st)
            sema_poison(s, st->name, st->name_loc, false);
        break;
    case S_SET: gd_set(s, b, st); break;
    case S_UPDATE: gd_update(s, b, st); break;
    case S_FOR: gd_for(s, b, st); break;
    case S_OPTIONS: sema_do_options(s, st, &b->p->opt, &b->failed); break;
    }
}

/* Entries of the F tensors, collected before sorting into Tensors. */
typedef struct EntryList {
    size_t n, cap;
    uint32_t *row;
    uint32_t *col; /* order indices each */
    double *val;
} EntryList;

static void entry_add(EntryList *l, unsigned order, uint32_t row, const uint32_t *idx, double v)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->row = xrealloc(l->row, l->cap * sizeof *l->row);
        l->col = xrealloc(l->col, l->cap * (order ? order : 1) * sizeof *l->col);
        l->val = xrealloc(l->val, l->cap * sizeof *l->val);
    }
    l->row[l->n] = row;
    if (order)
        memcpy(l->col + l->n * order, idx, order * sizeof *idx);
    l->val[l->n] = v;
    l->n++;
}

static unsigned sort_order;
static const EntryList *sort_list;

static int cmp_entry(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const EntryList *l = sort_list;
    if (l->row[i] != l->row[j])
        return l->row[i] < l->row[j] ? -1 : 1;
    for (unsigned k = 0; k < sort_order; k++) {
        uint32_t x = l->col[i * sort_order + k], y = l->col[j * sort_order + k];
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* Sorts entries by (row, multi-index), drops exact zeros, and stores them. */
static void entries_to_tensor(EntryList *l, unsigned order, Tensor *t)
{
    size_t *perm = xmalloc((l->n ? l->n : 1) * sizeof *perm);
    for (size_t k = 0; k < l->n; k++)
        perm[k] = k;
    sort_order = order;
    sort_list = l;
    qsort(perm, l->n, sizeof *perm, cmp_entry);
    t->order = order;
    t->nnz = 0;
    t->row = xmalloc((l->n ? l->n : 1) * sizeof *t->row);
    t->col = xmalloc((l->n ? l->n : 1) * (order ? order : 1) * sizeof *t->col);
    t->val = xmalloc((l->n ? l->n : 1) * sizeof *t->val);
    for (size_t k = 0; k < l->n; k++) {
        size_t e = perm[k];
        if (l->val[e] == 0.0)
            continue;
        if (t->nnz > 0 && cmp_entry(&perm[k - 1], &e) == 0 && t->val[t->nnz - 1] != 0.0)
            ICE("duplicate tensor entry");
        t->row[t->nnz] = l->row[e];
        if (order)
            memcpy(t->col + t->nnz * order, l->col + e * order, order * sizeof *t->col);
        t->val[t->nnz] = l->val[e];
        t->nnz++;
    }
    free(perm);
    free(l->row);
    free(l->col);
    free(l->val);
    memset(l, 0, sizeof *l);
}

/* Builds F_0..F_q from the loss (u ← u − η∇L) or the update map. Fails
 * (after reporting it) when a coefficient of −η∇L overflows. */
static bool build_tensors(GdBuild *b)
{
    GdProblem *p = b->p;
    EntryList lists[QGD_POLY_MAX_DEGREE + 1];
    memset(lists, 0, sizeof lists);
    unsigned maxdeg = 0;
    uint32_t idx[QGD_POLY_MAX_DEGREE];
    p->from_loss = b->loss != NULL;
    if (b->loss) {
        /* ∂/∂u_k of c·u_{j1}⋯u_{jd} is c·m·(the monomial with one u_k removed),
         * m the multiplicity of k; each (term, k) gives a distinct entry. */
        for (const Term *t = b->loss_poly->terms; t; t = t->hh.next) {
            unsigned d = t->key[0];
            if (d == 0 || t->coef == 0.0)
                continue;
            for (unsigned i = 1; i <= d;) {
                uint32_t k = t->key[i];
                unsigned m = 0;
                while (i + m <= d && t->key[i + m] == k)
                    m++;
                unsigned pos = 0;
                for (unsigned j = 1; j <= d; j++)
                    if (j != i)
                        idx[pos++] = t->key[j];
                double v = -p->eta * t->coef * m;
                if (!isfinite(v)) {
                    char buf[40];
                    diag_error(b->loss->name_loc, "a coefficient of the step -eta * grad(loss) is too large for a "
                                                  "double (eta = %s)", fmt_double(p->eta, buf, sizeof buf));
                    for (unsigned l = 0; l <= QGD_POLY_MAX_DEGREE; l++) {
                        free(lists[l].row);
                        free(lists[l].col);
                        free(lists[l].val);
                    }
                    return false;
                }
                entry_add(&lists[d - 1], d - 1, k, idx, v);
                if (d - 1 > maxdeg)
                    maxdeg = d - 1;
                i += m;
            }
        }
    } else {
        for (uint32_t k = 0; k < p->n; k++) {
            bool diag_seen = false;
            for (const Term *t = b->update[k]->terms; t; t = t->hh.next) {
                unsigned d = t->key[0];
                double v = t->coef;
                if (d == 1 && t->key[1] == k) {
                    v -= 1.0; /* F_1 = (linear part) − I */
                    diag_seen = true;
                }
                if (v == 0.0)
                    continue;
                entry_add(&lists[d], d, k, t->key + 1, v);
                if (d > maxdeg)
                    maxdeg = d;
            }
            if (!diag_seen) {
                entry_add(&lists[1], 1, k, &k, -1.0);
                if (maxdeg < 1)
                    maxdeg = 1;
            }
        }
    }
    p->q = maxdeg < 1 ? 1 : maxdeg;
    p->F = xcalloc(p->q + 1, sizeof *p->F);
    for (unsigned l = 0; l <= p->q; l++)
        entries_to_tensor(&lists[l], l, &p->F[l]);
    /* a top order that cancelled to nothing does not count */
    while (p->q > 1 && p->F[p->q].nnz == 0) {
        free(p->F[p->q].row);
        free(p->F[p->q].col);
        free(p->F[p->q].val);
        p->q--;
    }
    return true;
}

static bool build_noise(Sema *s, GdBuild *b)
{
    GdProblem *p = b->p;
    const Expr *v = b->noise->value;
    size_t total;
    if (!sema_alloc_check(s, size_mul((size_t)p->T, p->n, &total) ? total : SIZE_MAX, v->loc, "the noise for every step"))
        return false;
    if (v->kind == E_CALL && !strcmp(v->name, "gaussian")) {
        const Expr *sigma = NULL, *seed = NULL;
        for (int k = 0; k < v->args.n; k++) {
            const Expr *a = v->args.v[k];
            if (a->kind != E_NAMED) {
                diag_error(a->loc, "gaussian() takes named arguments: gaussian(sigma = ..., seed = ...)");
                return false;
            }
            const Expr **slot = !strcmp(a->name, "sigma") ? &sigma : !strcmp(a->name, "seed") ? &seed : NULL;
            if (!slot) {
                diag_error(a->name_loc, "gaussian() has no argument '%s' (it takes sigma and seed)", a->name);
                return false;
            }
            if (*slot) {
                diag_error(a->name_loc, "argument '%s' is given twice", a->name);
                return false;
            }
            *slot = a->a;
        }
        if (!sigma) {
            diag_error(v->loc, "gaussian() needs sigma, the standard deviation of the noise per step");
            return false;
        }
        double sg;
        long long sd = 1;
        if (!sema_eval_num(s, sigma, "sigma", &sg) || (seed && !sema_eval_int(s, seed, "the seed", 0, (long long)UINT32_MAX, &sd)))
            return false;
        if (!(sg >= 0)) {
            char buf[40];
            diag_error(sigma->loc, "sigma must be at least 0, not %s", fmt_double(sg, buf, sizeof buf));
            return false;
        }
        if (!sema_hold(s, total * sizeof(double), v->loc, "the noise for every step"))
            return false;
        p->noise = NOISE_GAUSSIAN;
        p->sigma = sg;
        p->noise_seed = (uint64_t)sd;
        p->xi = xmalloc((total ? total : 1) * sizeof *p->xi);
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, (unsigned long)sd);
        bool finite = true;
        for (size_t k = 0; k < total; k++) {
            p->xi[k] = gsl_ran_gaussian_ziggurat(r, sg);
            finite = finite && isfinite(p->xi[k]);
        }
        gsl_rng_free(r);
        if (!finite) {
            char buf[40];
            diag_error(sigma->loc, "sigma = %s is too large: the noise overflows a double", fmt_double(sg, buf, sizeof buf));
            return false;
        }
        return true;
    }
    Array a;
    if (!sema_eval_value(s, v, &a))
        return false;
    bool shape_ok = (a.rank == 2 && a.dim[0] == p->T && a.dim[1] == p->n) ||
                    (a.rank == 1 && p->T == 1 && a.dim[0] == p->n) || (a.rank == 1 && p->n == 1 && a.dim[0] == p->T);
    if (shape_ok && a.v == NULL) { /* a sparse Matrix Market file: noise is stored dense */
        size_t cells = a.dim[0] * a.dim[1];
        a.v = xcalloc(cells ? cells : 1, sizeof *a.v);
        for (size_t k = 0; k < a.nnz; k++)
            a.v[(size_t)a.ri[k] * a.dim[1] + a.ci[k]] = a.sv[k];
    }
    if (!shape_ok) {
        char has[64];
        sema_shape_text(&a, has, sizeof has);
        diag_error(v->loc, "explicit noise must be a T x n matrix (%llu x %u), one row per step; this value has %s",
                   (unsigned long long)p->T, p->n, has);
        array_free(&a);
        return false;
    }
    if (!sema_hold(s, sema_array_bytes(&a), v->loc, "the noise for every step")) {
        array_free(&a);
        return false;
    }
    p->noise = NOISE_EXPLICIT;
    p->xi = a.v;
    a.v = NULL;
    array_free(&a);
    return true;
}

GdProblem *sema_gd_build(Sema *s, const Problem *pr)
{
    GdProblem *p = xcalloc(1, sizeof *p);
    p->name = xstrdup(pr->name);
    p->loc = pr->loc;
    options_init(&p->opt);
    GdBuild b = {0};
    b.pr = pr;
    b.p = p;
    for (int k = 0; k < pr->body.n; k++)
        gd_stmt(s, &b, pr->body.v[k], false);
    if (!b.failed) {
        if (!b.param) {
            diag_error(pr->name_loc, "gd problem '%s' declares no parameters (add 'param u[n] = <initial values>;')", pr->name);
            b.failed = true;
        }
        if (!b.T) {
            diag_error(pr->name_loc, "gd problem '%s' does not set the number of steps (add 'T = <steps>;')", pr->name);
            b.failed = true;
        }
        if (b.param && !b.loss && !b.have_updates) {
            diag_error(pr->name_loc, "gd problem '%s' has neither a 'loss' nor 'update' rules", pr->name);
            b.failed = true;
        }
        if (b.loss && !b.eta) {
            diag_error(b.loss->name_loc, "a loss needs a learning rate: add 'eta = <rate>;'");
            b.failed = true;
        }
    }
    if (!b.failed && b.have_updates) {
        for (uint32_t k = 0; k < p->n; k++)
            if (!b.update[k]) {
                diag_error(pr->name_loc, "gd problem '%s' has no update for %s[%u]; every component needs one "
                                         "(write 'update %s[%u] = %s[%u];' to keep it fixed)",
                           pr->name, p->param, k, p->param, k, p->param, k);
                b.failed = true;
                break;
            }
    }
    if (!b.failed && b.noise && !build_noise(s, &b))
        b.failed = true;
    if (!b.failed && !build_tensors(&b))
        b.failed = true;
    poly_free(b.loss_poly);
    if (b.update)
        for (uint32_t k = 0; k < p->n; k++)
            poly_free(b.update[k]);
    free(b.update);
    free(b.update_at);
    if (b.failed) {
        gd_problem_free(p);
        return NULL;
    }
    if (!gd_verify(p))
        ICE("problem IR of '%s' failed verification", p->name);
    return p;
}
