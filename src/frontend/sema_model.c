/* sema_model.c — size-only model problems (docs/estimate.md): n, the
 * terms F0 .. F8 described by their shape or read from Matrix Market
 * files, and the settings of the estimate, built into a ModelProblem.
 * Sizes are whole numbers evaluated exactly (sema_eval_whole_in). The
 * shared core is in sema.c. */
#include "frontend/sema_internal.h"
#include "ir/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- model problems (size only) ---- */

typedef struct ModelBuild {
    const Problem *pr;
    ModelProblem *m;
    const Stmt *n, *degree, *u_norm, *kept, *T, *uploads, *angle_bits;
    const Stmt *F[MODEL_MAX_DEGREE + 1];
    bool n_ok;
    bool failed;
} ModelBuild;

static const char *const model_settings[] = {"n",  "degree", "u_norm", "kept", "T",  "uploads", "angle_bits",
                                             "F0", "F1",     "F2",     "F3",   "F4", "F5",      "F6",
                                             "F7", "F8"};
#define N_MODEL_SETTINGS (int)(sizeof model_settings / sizeof *model_settings)

/* F<digits>: ℓ, or -1 */
static int term_index(const char *name)
{
    if (name[0] != 'F' || !name[1])
        return -1;
    long v = 0;
    for (const char *c = name + 1; *c; c++) {
        if (*c < '0' || *c > '9' || v > 1000)
            return -1;
        v = v * 10 + (*c - '0');
    }
    return (int)v;
}

/* The statistics of a matrix read from a Matrix Market file as F_ℓ. */
static bool term_from_mtx(Sema *s, ModelBuild *b, unsigned l, const Expr *call, ModelTerm *F)
{
    static const char usage[] = "mtx(\"file.mtx\"): a real sparse matrix, n x n^l";
    const Expr *pos[1];
    if (!sema_split_args(call, 1, pos, NULL, 0, usage))
        return false;
    ModelProblem *m = b->m;
    mpz_t cols;
    mpz_init(cols);
    mpz_pow_ui(cols, m->n, l);
    bool ok = false;
    Array a = {0};
    if (mpz_cmp_ui(m->n, UINT32_MAX) > 0 || mpz_cmp_ui(cols, UINT32_MAX) > 0) {
        gmp_diag_error(call->loc, "F%u of a model with n = %Zd has %Zd columns; a Matrix Market file here can have "
                                  "at most %u rows and columns (describe the term by its shape instead)",
                       l, m->n, cols, UINT32_MAX);
        goto out;
    }
    if (!data_load_mtx(pos[0]->name, s->base_dir, pos[0]->loc, &a))
        goto out;
    if (a.rank != 2 || a.dim[0] != mpz_get_ui(m->n) || a.dim[1] != mpz_get_ui(cols)) {
        gmp_diag_error(pos[0]->loc, "'%s' holds a %zu x %zu matrix; F%u of a model with n = %Zd is %Zd x %Zd", pos[0]->name,
                       a.dim[0], a.rank == 2 ? a.dim[1] : 1, l, m->n, m->n, cols);
        goto out;
    }
    /* the entries as triplets (a dense array: its nonzeros) */
    size_t count = a.v ? 0 : a.nnz;
    if (a.v)
        for (size_t k = 0; k < a.dim[0] * a.dim[1]; k++)
            count += a.v[k] != 0;
    uint32_t *ri = xmalloc((count ? count : 1) * sizeof *ri);
    uint64_t *ci = xmalloc((count ? count : 1) * sizeof *ci);
    double *v = xmalloc((count ? count : 1) * sizeof *v);
    size_t k = 0;
    if (a.v) {
        for (size_t i = 0; i < a.dim[0]; i++)
            for (size_t j = 0; j < a.dim[1]; j++)
                if (a.v[i * a.dim[1] + j] != 0)
                    ri[k] = (uint32_t)i, ci[k] = j, v[k] = a.v[i * a.dim[1] + j], k++;
    } else {
        for (; k < a.nnz; k++)
            ri[k] = a.ri[k], ci[k] = a.ci[k], v[k] = a.sv[k];
    }
    model_term_from_entries(F, l, count, ri, ci, v);
    free(ri), free(ci), free(v);
    if (!F->present) {
        diag_error(pos[0]->loc, "'%s' holds no nonzero entry; leave F%u out instead", pos[0]->name, l);
        goto out;
    }
    F->mtx_path = xstrdup(pos[0]->name);
    ok = true;
out:
    array_free(&a);
    mpz_clear(cols);
    return ok;
}

/* F_ℓ = sparse(sparsity = s, max = m [, nnz, rows, cols]) or, for ℓ = 0,
 * vector(norm = r, max = m [, nnz]). */
static bool term_from_shape(Sema *s, ModelBuild *b, unsigned l, const Expr *call, ModelTerm *F)
{
    ModelProblem *m = b->m;
    bool vec = l == 0;
    const char *usage = vec ? "vector(norm = R, max = M, nnz = K): the 2-norm, a bound on the entries and (optional, "
                              "default n) the nonzeros of F0"
                            : "sparse(sparsity = S, max = M, nnz = K, rows = R, cols = C): the most nonzeros in a row or "
                              "column, a bound on the entries and (optional) the nonzeros, nonempty rows and nonempty "
                              "columns";
    NamedArg named[5] = {{vec ? "norm" : "sparsity", NULL}, {"max", NULL}, {"nnz", NULL}, {"rows", NULL}, {"cols", NULL}};
    int nnamed = vec ? 3 : 5;
    if (!sema_split_args(call, 0, NULL, named, nnamed, usage))
        return false;
    for (int k = 0; k < 2; k++)
        if (!named[k].value) {
            diag_error(call->loc, "'%s' needs '%s': %s", call->name, named[k].name, usage);
            return false;
        }
    mpz_t ncols, t, sp;
    mpz_inits(ncols, t, sp, NULL);
    mpz_pow_ui(ncols, m->n, l);
    bool ok = false;
    char what[64];
    if (vec) {
        if (!sema_eval_positive(s, named[0].value, "norm of F0", &F->norm2))
            goto out;
    } else {
        snprintf(what, sizeof what, "sparsity of F%u", l);
        char hi_what[32];
        snprintf(hi_what, sizeof hi_what, l == 1 ? "n" : "n^%u", l);
        if (!sema_eval_whole_in(s, named[0].value, what, 1, ncols, hi_what, sp))
            goto out;
        if (!mpz_fits_ulong_p(sp) || mpz_sizeinbase(sp, 2) > 62) {
            gmp_diag_error(named[0].value->loc, "sparsity of F%u = %Zd: qgdc accepts sparsities below 2^62", l, sp);
            goto out;
        }
        F->sparsity = mpz_get_ui(sp);
    }
    snprintf(what, sizeof what, "max of F%u", l);
    if (!sema_eval_positive(s, named[1].value, what, &F->max_abs))
        goto out;
    /* rows: given or n */
    mpz_set(F->rows, m->n);
    if (vec) {
        /* F0 is an n x 1 column */
        mpz_set(F->nnz, m->n);
        if (named[2].value && !sema_eval_whole_in(s, named[2].value, "nnz of F0", 1, m->n, "n", F->nnz))
            goto out;
        model_term_column(F);
        if (F->norm2 > F->max_abs * sqrt(mpz_get_d(F->nnz)) * (1 + 1e-12)) {
            char b1[40], b2[40];
            gmp_diag_error(named[0].value->loc, "a vector with %Zd nonzeros of at most %s has a 2-norm of at most "
                                                "%s·√%Zd; %s is impossible",
                           F->nnz, fmt_double(F->max_abs, b1, sizeof b1), b1, F->nnz, fmt_double(F->norm2, b2, sizeof b2));
            goto out;
        }
        F->present = true;
        ok = true;
        goto out;
    }
    snprintf(what, sizeof what, "rows of F%u", l);
    if (named[3].value && !sema_eval_whole_in(s, named[3].value, what, 1, m->n, "n", F->rows))
        goto out;
    /* nnz: given or rows·s (every nonempty row full to the sparsity) */
    mpz_mul_ui(t, F->rows, F->sparsity);
    snprintf(what, sizeof what, "nnz of F%u", l);
    if (named[2].value) {
        if (!sema_eval_whole_in(s, named[2].value, what, 1, t, "rows x sparsity", F->nnz))
            goto out;
        if (mpz_cmp(F->nnz, F->rows) < 0) {
            gmp_diag_error(named[2].value->loc, "F%u has %Zd nonempty rows, so at least as many nonzeros, not %Zd", l,
                           F->rows, F->nnz);
            goto out;
        }
    } else
        mpz_set(F->nnz, t);
    /* cols: given or min(nnz, n^ℓ) */
    if (mpz_cmp(F->nnz, ncols) < 0)
        mpz_set(F->cols, F->nnz);
    else
        mpz_set(F->cols, ncols);
    snprintf(what, sizeof what, "cols of F%u", l);
    if (named[4].value) {
        char hi_what[32];
        snprintf(hi_what, sizeof hi_what, l == 1 ? "n" : "n^%u", l);
        if (!sema_eval_whole_in(s, named[4].value, what, 1, ncols, hi_what, F->cols))
            goto out;
        if (mpz_cmp(F->cols, F->nnz) > 0) {
            gmp_diag_error(named[4].value->loc, "F%u has %Zd nonzeros, so at most as many nonempty columns, not %Zd", l,
                           F->nnz, F->cols);
            goto out;
        }
    }
    mpz_mul_ui(t, F->cols, F->sparsity);
    if (mpz_cmp(F->nnz, t) > 0) {
        gmp_diag_error(call->loc, "F%u: %Zd nonzeros do not fit in %Zd nonempty columns of at most %llu each", l, F->nnz,
                       F->cols, (unsigned long long)F->sparsity);
        goto out;
    }
    F->present = true;
    ok = true;
out:
    mpz_clears(ncols, t, sp, NULL);
    return ok;
}

static void model_term(Sema *s, ModelBuild *b, unsigned l)
{
    const Stmt *st = b->F[l];
    const Expr *v = st->value;
    ModelTerm *F = &b->m->F[l];
    F->loc = st->name_loc;
    const char *want = l == 0 ? "vector" : "sparse";
    bool ok;
    if (v->kind == E_CALL && !strcmp(v->name, "mtx"))
        ok = term_from_mtx(s, b, l, v, F);
    else if (v->kind == E_CALL && !strcmp(v->name, want))
        ok = term_from_shape(s, b, l, v, F);
    else {
        if (v->kind == E_CALL && (!strcmp(v->name, "sparse") || !strcmp(v->name, "vector")))
            diag_error(v->loc, "F%u is %s: write F%u = %s(...) or mtx(\"file.mtx\")",
                       l, l == 0 ? "a vector (n x 1)" : "a matrix (n x n^l)", l, want);
        else
            diag_error(v->loc, "F%u of a model is described by %s(...) or read with mtx(\"file.mtx\")", l, want);
        ok = false;
    }
    if (!ok) {
        /* keep the term absent: the model is not built */
        mpz_set_ui(F->nnz, 0);
        F->sparsity = 0;
        F->present = false;
        free(F->mtx_path);
        F->mtx_path = NULL;
        b->failed = true;
    }
}

static void model_set(Sema *s, ModelBuild *b, const Stmt *st)
{
    ModelProblem *m = b->m;
    int l = term_index(st->name);
    const Stmt **slot = !strcmp(st->name, "n")            ? &b->n
                      : !strcmp(st->name, "degree")       ? &b->degree
                      : !strcmp(st->name, "u_norm")       ? &b->u_norm
                      : !strcmp(st->name, "kept")         ? &b->kept
                      : !strcmp(st->name, "T")            ? &b->T
                      : !strcmp(st->name, "uploads")      ? &b->uploads
                      : !strcmp(st->name, "angle_bits")   ? &b->angle_bits
                      : l >= 0 && l <= MODEL_MAX_DEGREE   ? &b->F[l]
                                                          : NULL;
    if (!slot) {
        if (l > MODEL_MAX_DEGREE) {
            diag_error(st->name_loc, "F%d: model problems accept terms of degree up to %d", l, MODEL_MAX_DEGREE);
        } else {
            const char *hint = sema_closest(st->name, model_settings, N_MODEL_SETTINGS);
            if (hint)
                diag_error(st->name_loc, "unknown setting '%s' in a model problem; did you mean '%s'?", st->name, hint);
            else
                diag_error(st->name_loc, "unknown setting '%s' in a model problem (settings: n, degree, F0 .. F%d, u_norm, "
                                         "kept, T, uploads, angle_bits; 'const' and 'options')",
                           st->name, MODEL_MAX_DEGREE);
        }
        b->failed = true;
        return;
    }
    if (sema_setting_seen(*slot, st)) {
        b->failed = true;
        return;
    }
    *slot = st;
    if (l >= 0)
        return; /* terms are read once n is known */
    const Expr *v = st->value;
    long long iv;
    bool ok = true;
    double dv = 0;
    if (slot == &b->n) {
        ok = b->n_ok = sema_eval_whole_in(s, v, "n", 1, NULL, NULL, m->n);
        dv = mpz_get_d(m->n);
    } else if (slot == &b->degree) {
        ok = sema_eval_int(s, v, "degree", 1, MODEL_MAX_DEGREE, &iv);
        m->q = (unsigned)iv, dv = (double)iv;
    } else if (slot == &b->u_norm) {
        ok = sema_eval_positive(s, v, "u_norm", &m->u_norm);
        dv = m->u_norm;
    } else if (slot == &b->kept) {
        ok = sema_eval_whole_in(s, v, "kept", 1, NULL, NULL, m->r);
        dv = mpz_get_d(m->r);
    } else if (slot == &b->T) {
        ok = sema_eval_int(s, v, "T", 1, 1LL << 40, &iv);
        m->T = (uint64_t)iv, dv = (double)iv;
    } else if (slot == &b->uploads) {
        ok = sema_eval_int(s, v, "uploads", 1, 1LL << 40, &iv);
        m->uploads = (uint64_t)iv, dv = (double)iv;
    } else {
        ok = sema_eval_int(s, v, "angle_bits", 1, MODEL_MAX_ANGLE_BITS, &iv);
        m->angle_bits = (unsigned)iv, dv = (double)iv;
    }
    if (ok)
        ok = sema_define_setting(s, st, dv) != NULL;
    else
        sema_poison(s, st->name, st->name_loc, false);
    if (!ok)
        b->failed = true;
}

static void model_stmt(Sema *s, ModelBuild *b, const Stmt *st)
{
    switch (st->kind) {
    case S_CONST:
        if (!sema_do_const(s, st, false))
            b->failed = true;
        break;
    case S_SET: model_set(s, b, st); break;
    case S_OPTIONS: {
        Options *o = &b->m->opt;
        sema_do_options(s, st, o, &b->failed);
        sema_reject_options(o, PROBLEM_MODEL, &b->failed);
        if (o->set[OPTION_carleman_form] && o->carleman_form != FORM_PAPER) {
            diag_error(o->loc[OPTION_carleman_form], "a model problem is estimated in the paper form (C = I + A) only");
            b->failed = true;
        }
        if (o->set[OPTION_carleman_order] && o->carleman_order > MODEL_MAX_ORDER) {
            diag_error(o->loc[OPTION_carleman_order], "carleman_order = %lld: model problems accept orders up to %d",
                       o->carleman_order, MODEL_MAX_ORDER);
            b->failed = true;
        }
        break;
    }
    case S_PARAM:
    case S_UPDATE:
    case S_FOR:
        diag_error(st->loc, "'%s' is not a statement of a model problem (it is described by its shape: n, F0 .. F%d, "
                            "u_norm, kept, T, ...; see docs/language.md)",
                   st->kind == S_PARAM ? "param" : st->kind == S_UPDATE ? "update" : "for", MODEL_MAX_DEGREE);
        b->failed = true;
        break;
    }
}

ModelProblem *sema_model_build(Sema *s, const Problem *pr)
{
    ModelProblem *m = xmalloc(sizeof *m);
    model_init(m);
    m->name = xstrdup(pr->name);
    m->loc = pr->loc;
    options_init(&m->opt);
    m->opt.carleman_form = FORM_PAPER;
    m->uploads = 1;
    ModelBuild b = {0};
    b.pr = pr;
    b.m = m;
    for (int k = 0; k < pr->body.n; k++)
        model_stmt(s, &b, pr->body.v[k]);
    if (!b.n && !b.failed) {
        diag_error(pr->name_loc, "model '%s' does not set n, its number of parameters", pr->name);
        b.failed = true;
    }
    unsigned q = 0;
    for (unsigned l = 1; l <= MODEL_MAX_DEGREE; l++)
        if (b.F[l])
            q = l;
    if (!b.failed && q == 0) {
        diag_error(pr->name_loc, "model '%s' has no term F1 .. F%d: the update needs at least one", pr->name,
                   MODEL_MAX_DEGREE);
        b.failed = true;
    }
    if (b.degree && m->q >= 1) {
        if (q > m->q) {
            diag_error(b.F[q]->name_loc, "F%u is beyond the degree %u the model declares", q, m->q);
            diag_note(b.degree->name_loc, "the degree is set here");
            b.failed = true;
        } else if (!b.failed && q < m->q) {
            diag_error(b.degree->value->loc, "the model declares degree %u but gives no F%u", m->q, m->q);
            b.failed = true;
        }
    }
    m->q = q;
    if (b.n_ok)
        for (unsigned l = 0; l <= q; l++)
            if (b.F[l])
                model_term(s, &b, l);
    if (!b.failed) {
        static const char *const need[] = {"u_norm, the norm of the initial parameters (u_norm = ...;)",
                                           "T, the steps per upload (T = ...;)"};
        const Stmt *have[] = {b.u_norm, b.T};
        for (int k = 0; k < 2; k++)
            if (!have[k]) {
                diag_error(pr->name_loc, "model '%s' does not set %s", pr->name, need[k]);
                b.failed = true;
            }
    }
    if (!b.failed) {
        if (!b.kept)
            mpz_set(m->r, m->n);
        else if (mpz_cmp(m->r, m->n) > 0) {
            gmp_diag_error(b.kept->value->loc, "kept = %Zd exceeds n = %Zd", m->r, m->n);
            b.failed = true;
        }
        m->N = (int)m->opt.carleman_order;
        m->P = (uint64_t)m->opt.idle_blocks;
        m->kappa0 = options_kappa0(&m->opt, 0, m->T);
        m->eps = m->opt.precision;
        m->clock_bits = (unsigned)m->opt.clock_bits;
    }
    if (b.failed) {
        model_problem_free(m);
        return NULL;
    }
    if (!model_verify(m))
        ICE("problem IR of '%s' failed verification", m->name);
    return m;
}
