/* sema_ntk.c — ntk problems (docs/language.md): the training and test
 * sets, the activation, the depth and the kernel, built into an
 * NtkProblem; the names they define (n_train, delta, mu, L_conv, …) become
 * constants for later statements. The shared core is in sema.c. */
#include "frontend/sema_internal.h"
#include "frontend/ntk_data.h"
#include "ir/ntk.h"

#include <math.h>
#include <string.h>

/* ---- ntk problems ---- */

typedef struct NtkBuild {
    const Problem *pr;
    NtkProblem *p;
    const Stmt *train, *test, *activation, *L, *kernel;
    bool have_train, have_test, have_act; /* loaded or set without error */
    bool s_given;
    Loc s_loc;
    bool failed;
} NtkBuild;

static const char *const ntk_settings[] = {"train", "test", "activation", "L", "kernel"};

/* A name an ntk statement defines for later expressions (n_train, delta, …). */
static bool define_derived(Sema *s, const Stmt *st, const char *name, const char *what, double v)
{
    Sym *old = sema_lookup(s, name);
    if (old) {
        diag_error(st->name_loc, "'%s' defines '%s' (%s), but that name is already taken", st->name, name, what);
        diag_note(old->loc, "'%s' was defined here as a %s", name, sema_sym_what(old));
        return false;
    }
    Sym *y = sema_define(s, name, st->name_loc, SYM_CONST);
    y->is_setting = true;
    y->val.rank = 0;
    y->val.v = xmalloc(sizeof(double));
    y->val.v[0] = v;
    return true;
}

static void ntk_define_lconv(Sema *s, NtkBuild *b, const Stmt *st)
{
    NtkProblem *p = b->p;
    p->L_conv = ntk_l_conv(p->train.n, p->delta, p->mu);
    if (!define_derived(s, st, "L_conv", "the depth 8 log(n/delta)/mu of eq. (4)", p->L_conv))
        b->failed = true;
}

static void ntk_data(Sema *s, NtkBuild *b, const Stmt *st, bool train)
{
    NtkProblem *p = b->p;
    const Expr *v = st->value;
    static const char usage_idx[] = "idx(\"images\", \"labels\", classes = [a, b], n = N, seed = K)";
    static const char usage_csv[] = "csv(\"file\", classes = [a, b], n = N, seed = K)";
    if (v->kind != E_CALL || (strcmp(v->name, "idx") && strcmp(v->name, "csv"))) {
        diag_error(v->loc, "'%s' takes a data set: %s or %s", st->name, usage_idx, usage_csv);
        b->failed = true;
        return;
    }
    bool idx = !strcmp(v->name, "idx");
    const Expr *pos[2] = {NULL, NULL};
    NamedArg named[] = {{"classes", NULL}, {"n", NULL}, {"seed", NULL}};
    if (!sema_split_args(v, idx ? 2 : 1, pos, named, 3, idx ? usage_idx : usage_csv)) {
        b->failed = true;
        return;
    }
    NtkLoadSpec sp = {0};
    sp.source = idx ? NTK_SOURCE_IDX : NTK_SOURCE_CSV;
    sp.path = pos[0]->name;
    sp.path_loc = pos[0]->loc;
    if (idx) {
        sp.labels_path = pos[1]->name;
        sp.labels_loc = pos[1]->loc;
    }
    sp.call_loc = v->loc;
    sp.need_both = train;
    sp.what = train ? "training" : "test";
    if (train) {
        sp.delta = &p->delta;
        sp.delta_i = &p->delta_i;
        sp.delta_j = &p->delta_j;
    }
    sp.seed = 1;
    if (named[0].value) {
        const Expr *c = named[0].value;
        Array a;
        if (!sema_eval_value(s, c, &a)) {
            b->failed = true;
            return;
        }
        bool shape = a.rank == 1 && a.dim[0] == 2 && a.v;
        if (shape) {
            sp.classes[0] = a.v[0];
            sp.classes[1] = a.v[1];
        }
        array_free(&a);
        char b1[40];
        if (!shape) {
            diag_error(c->loc, "classes must be a list of two labels, [a, b]: a is read as y = +1, b as y = -1");
            b->failed = true;
            return;
        }
        if (sp.classes[0] == sp.classes[1]) {
            diag_error(c->loc, "the two classes must differ; both are %s", fmt_double(sp.classes[0], b1, sizeof b1));
            b->failed = true;
            return;
        }
        for (int k = 0; k < 2 && idx; k++)
            if (sp.classes[k] != floor(sp.classes[k]) || sp.classes[k] < 0 || sp.classes[k] > 255) {
                diag_error(c->loc, "IDX labels are whole numbers 0..255, so class %s never occurs",
                           fmt_double(sp.classes[k], b1, sizeof b1));
                b->failed = true;
                return;
            }
        sp.has_classes = true;
        sp.classes_loc = c->loc;
    } else if (idx) {
        diag_error(v->loc, "idx() needs the two classes to classify: classes = [a, b] (a is read as y = +1, b as y = -1)");
        b->failed = true;
        return;
    }
    long long iv;
    if (named[1].value) {
        if (!sema_eval_int(s, named[1].value, train ? "the number of training examples n" : "the number of test examples n",
                           train ? 2 : 1, UINT32_MAX, &iv)) {
            b->failed = true;
            return;
        }
        sp.has_n = true;
        sp.n = (uint32_t)iv;
        sp.n_loc = named[1].value->loc;
    }
    if (named[2].value) {
        if (!sema_eval_int(s, named[2].value, "the seed", 0, UINT32_MAX, &iv)) {
            b->failed = true;
            return;
        }
        sp.seed = (uint64_t)iv;
        if (!sp.has_n) {
            diag_error(named[2].value->loc, "a seed chooses a subset, so it needs n = N (without n every example of the "
                                            "two classes is used)");
            b->failed = true;
            return;
        }
    }
    NtkData *d = train ? &p->train : &p->test;
    if (!ntk_load(&sp, s->base_dir, d)) {
        b->failed = true;
        return;
    }
    size_t bytes = (size_t)d->n * d->d * sizeof(double) + (size_t)d->n * (sizeof(double) + sizeof(uint32_t));
    if (!sema_hold(s, bytes, v->loc, train ? "the training set" : "the test set")) {
        ntk_data_free(d);
        b->failed = true;
        return;
    }
    const NtkData *other = train ? &p->test : &p->train;
    if ((train ? b->have_test : b->have_train) && other->d != d->d) {
        diag_error(v->loc, "the %s examples have %u features but the %s examples have %u", train ? "training" : "test",
                   d->d, train ? "test" : "training", other->d);
        b->failed = true;
        return;
    }
    if (train) {
        b->have_train = true;
        if (!define_derived(s, st, "n_train", "the number of training examples", d->n) ||
            !define_derived(s, st, "delta", "the separability of the training set", p->delta)) {
            b->failed = true;
            return;
        }
        if (b->have_act)
            ntk_define_lconv(s, b, st);
    } else {
        b->have_test = true;
        if (!define_derived(s, st, "n_test", "the number of test examples", d->n))
            b->failed = true;
    }
}

static void ntk_kernel(Sema *s, NtkBuild *b, const Stmt *st)
{
    NtkProblem *p = b->p;
    const Expr *v = st->value;
    static const char usage[] = "kernel = exact; kernel = diagonal; or kernel = sparse(s = S, seed = K, scale = C);";
    const char *word = v->kind == E_IDENT || v->kind == E_CALL ? v->name : NULL;
    if (word && !strcmp(word, "sparse")) {
        p->kernel = NTK_KERNEL_SPARSE;
        if (v->kind == E_IDENT)
            return;
        NamedArg named[] = {{"s", NULL}, {"seed", NULL}, {"scale", NULL}};
        if (!sema_split_args(v, 0, NULL, named, 3, "sparse(s = S, seed = K, scale = C)")) {
            b->failed = true;
            return;
        }
        long long iv;
        if (named[0].value) {
            if (!sema_eval_int(s, named[0].value, "s, the off-diagonals per row,", 0, UINT32_MAX, &iv)) {
                b->failed = true;
                return;
            }
            p->s = (uint32_t)iv;
            b->s_given = true;
            b->s_loc = named[0].value->loc;
        }
        if (named[1].value) {
            if (!sema_eval_int(s, named[1].value, "the seed", 0, UINT32_MAX, &iv)) {
                b->failed = true;
                return;
            }
            p->sparse_seed = (uint64_t)iv;
        }
        if (named[2].value) {
            double c;
            if (!sema_eval_num(s, named[2].value, "the off-diagonal scale", &c)) {
                b->failed = true;
                return;
            }
            if (!(c >= 0 && c <= 1)) {
                char buf[40];
                diag_error(named[2].value->loc, "the off-diagonal scale must lie in 0..1 (it shrinks the off-diagonals), "
                                                "not %s", fmt_double(c, buf, sizeof buf));
                b->failed = true;
                return;
            }
            p->offdiag_scale = c;
        }
        return;
    }
    if (word && (!strcmp(word, "exact") || !strcmp(word, "diagonal"))) {
        if (v->kind == E_CALL) {
            diag_error(v->loc, "'%s' takes no arguments: write kernel = %s;", word, word);
            b->failed = true;
            return;
        }
        p->kernel = !strcmp(word, "exact") ? NTK_KERNEL_EXACT : NTK_KERNEL_DIAGONAL;
        return;
    }
    diag_error(v->loc, "unknown kernel: %s", usage);
    b->failed = true;
}

/* After a failed statement: the names it would have defined fail quietly
 * later (the error is reported already). */
static void ntk_poison(Sema *s, const Stmt *st, const char *const *names)
{
    for (; *names; names++)
        sema_poison(s, *names, st->name_loc, false);
}

static void ntk_set(Sema *s, NtkBuild *b, const Stmt *st)
{
    NtkProblem *p = b->p;
    const Stmt **slot = !strcmp(st->name, "train")        ? &b->train
                      : !strcmp(st->name, "test")         ? &b->test
                      : !strcmp(st->name, "activation")   ? &b->activation
                      : !strcmp(st->name, "L")            ? &b->L
                      : !strcmp(st->name, "kernel")       ? &b->kernel
                                                          : NULL;
    if (!slot) {
        const char *hint = sema_closest(st->name, ntk_settings, 5);
        if (hint)
            diag_error(st->name_loc, "unknown setting '%s' in an ntk problem; did you mean '%s'?", st->name, hint);
        else
            diag_error(st->name_loc, "unknown setting '%s' in an ntk problem (settings: train, test, activation, L, "
                                     "kernel; use 'const' for a named value)", st->name);
        b->failed = true;
        return;
    }
    if (sema_setting_seen(*slot, st)) {
        b->failed = true;
        return;
    }
    *slot = st;
    bool ok;
    if (slot == &b->train || slot == &b->test) {
        bool before = b->failed;
        b->failed = false;
        ntk_data(s, b, st, slot == &b->train);
        ok = !b->failed;
        b->failed = b->failed || before;
        static const char *const tr[] = {"n_train", "delta", "L_conv", NULL}, *const te[] = {"n_test", NULL};
        if (!ok)
            ntk_poison(s, st, slot == &b->train ? tr : te);
    } else if (slot == &b->activation) {
        const Expr *v = st->value;
        const char *word = v->kind == E_IDENT || v->kind == E_STRING ? v->name : NULL;
        ok = word && (!strcmp(word, "relu") || !strcmp(word, "erf"));
        if (!ok) {
            diag_error(v->loc, "the activation must be 'relu' or 'erf' (both normalised so that E s = 0 and Var s = 1)");
            static const char *const ac[] = {"mu", "L_conv", NULL};
            ntk_poison(s, st, ac);
        } else {
            p->activation = !strcmp(word, "erf") ? NTK_ERF : NTK_RELU;
            p->mu = ntk_activation_mu(p->activation);
            b->have_act = true;
            ok = define_derived(s, st, "mu", "the coefficient of nonlinearity", p->mu);
            if (ok && b->have_train)
                ntk_define_lconv(s, b, st);
        }
        if (!ok)
            b->failed = true;
    } else if (slot == &b->L) {
        long long v;
        ok = sema_eval_int(s, st->value, "the depth L", 1, 100000, &v);
        if (ok) {
            p->L = (uint32_t)v;
            ok = sema_define_setting(s, st, (double)v) != NULL;
        } else {
            sema_poison(s, st->name, st->name_loc, false);
        }
        if (!ok)
            b->failed = true;
    } else {
        ntk_kernel(s, b, st);
    }
}

static void ntk_stmt(Sema *s, NtkBuild *b, const Stmt *st)
{
    switch (st->kind) {
    case S_CONST:
        if (!sema_do_const(s, st, false))
            b->failed = true;
        break;
    case S_SET: ntk_set(s, b, st); break;
    case S_OPTIONS: {
        Options *o = &b->p->opt;
        sema_do_options(s, st, o, &b->failed);
        sema_reject_options(o, PROBLEM_NTK, &b->failed);
        break;
    }
    case S_PARAM:
    case S_UPDATE:
    case S_FOR:
        diag_error(st->loc, "'%s' is not a statement of an ntk problem (it has settings train, test, activation, L and "
                            "kernel, 'const' and 'options')",
                   st->kind == S_PARAM ? "param" : st->kind == S_UPDATE ? "update" : "for");
        b->failed = true;
        break;
    }
}

NtkProblem *sema_ntk_build(Sema *s, const Problem *pr)
{
    NtkProblem *p = xcalloc(1, sizeof *p);
    p->name = xstrdup(pr->name);
    p->loc = pr->loc;
    p->kernel = NTK_KERNEL_EXACT;
    p->sparse_seed = 1;
    p->offdiag_scale = 1;
    options_init(&p->opt);
    NtkBuild b = {0};
    b.pr = pr;
    b.p = p;
    s->in_ntk = true;
    for (int k = 0; k < pr->body.n; k++)
        ntk_stmt(s, &b, pr->body.v[k]);
    s->in_ntk = false;
    if (!b.failed) {
        static const char *const need[] = {"a training set (train = idx(...) or csv(...))",
                                           "a test set (test = idx(...) or csv(...))",
                                           "an activation (activation = relu; or erf;)", "the depth (L = ...;)"};
        const Stmt *have[] = {b.train, b.test, b.activation, b.L};
        for (int k = 0; k < 4; k++)
            if (!have[k]) {
                diag_error(pr->name_loc, "ntk problem '%s' does not set %s", pr->name, need[k]);
                b.failed = true;
            }
    }
    if (!b.failed && p->kernel == NTK_KERNEL_SPARSE) {
        uint32_t n = p->train.n;
        if (!b.s_given) {
            uint32_t lg = 0;
            while (lg < 32 && (1ull << lg) < n)
                lg++;
            p->s = lg < n - 1 ? lg : n - 1;
        } else if (p->s > n - 1) {
            diag_error(b.s_loc, "s = %u off-diagonals per row needs at least %u training examples; there are %u", p->s,
                       p->s + 1, n);
            b.failed = true;
        }
    }
    if (b.failed) {
        ntk_problem_free(p);
        return NULL;
    }
    if (!ntk_verify(p))
        ICE("problem IR of '%s' failed verification", p->name);
    return p;
}
