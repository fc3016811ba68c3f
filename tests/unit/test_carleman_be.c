/* Tests of the structured Carleman encoding and the estimate pass: the
 * counts of the built circuit against the counts from the shape alone
 * (opaque oracles with closed-form costs), refusals, and the shape at
 * n = 10^9 against an independent evaluation of the table formula. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "passes/carleman_be.h"
#include "ir/model.h"
#include "passes/estimate.h"
#include "unit.h"

/* explicit (built) and shape (counted) estimates of one problem */
static void both(const char *text, bool expect_equal_ccz)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(text, &ps);
    ModelProblem m;
    char *err = NULL;
    CU_ASSERT_FATAL(cbe_model_of(p, &m, &err));
    EstimateOptions eb = {.explicit_build = true, .count_walk = true}, es = {.count_walk = true};
    Estimate a, b;
    bool oka = estimate_build(&m, p, &eb, &a, &err);
    if (!oka)
        fprintf(stderr, "\n  explicit: %s\n", err), free(err), err = NULL;
    bool okb = estimate_build(&m, NULL, &es, &b, &err);
    if (!okb)
        fprintf(stderr, "\n  shape: %s\n", err), free(err), err = NULL;
    CU_ASSERT_FATAL(oka && okb);
    CU_ASSERT(!a.be.oracle_opaque);
    CU_ASSERT(b.be.oracle_opaque);
    /* one controlled walk: the same skeleton; oracles built vs declared */
    if (expect_equal_ccz) {
        CU_ASSERT(mpz_cmp(a.walk.ccz, b.walk.ccz) == 0);
    } else
        CU_ASSERT(mpz_cmp(a.walk.ccz, b.walk.ccz) <= 0); /* the scattered-column bound */
    if (mpz_cmp(a.walk.ccz, b.walk.ccz) != 0 && expect_equal_ccz)
        gmp_fprintf(stderr, "\n  walk CCZ built %Zd, shape %Zd\n", a.walk.ccz, b.walk.ccz);
    CU_ASSERT(mpz_cmp(a.walk.t_count, b.walk.t_count) == 0);
    /* the dense loader's closed form assumes generic angles: data with
     * zeros (F_0 = (−0.04, 0)) needs fewer rotations */
    if (expect_equal_ccz) {
        CU_ASSERT(mpz_cmp(a.walk.rotations, b.walk.rotations) == 0);
    } else {
        CU_ASSERT(mpz_cmp(a.walk.rotations, b.walk.rotations) <= 0);
    }
    if (mpz_cmp(a.walk.rotations, b.walk.rotations) != 0 && expect_equal_ccz)
        gmp_fprintf(stderr, "\n  walk rotations built %Zd, shape %Zd\n", a.walk.rotations, b.walk.rotations);
    CU_ASSERT_EQUAL(a.walk.qubits, b.walk.qubits);
    CU_ASSERT_EQUAL(a.walk.ancillas, b.walk.ancillas);
    CU_ASSERT_EQUAL(a.p, b.p);
    ASSERT_CLOSE(a.be.alpha_M, b.be.alpha_M, 1e-15);
    estimate_free(&a);
    estimate_free(&b);
    model_free(&m);
    problem_set_free(&ps);
}

static void test_walk_counts_linear(void)
{
    /* F_1 with every row and column populated: the table count is exact */
    both("gd a { param u[2] = [0.5, -0.3]; eta = 0.1; T = 2;"
         " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.3*u[0]*u[1] + 0.4*u[0] - 0.3*u[1];"
         " options { carleman_order = 2; carleman_form = paper; } }",
         true);
    both("gd b { param u[3] = [0.5, -0.3, 0.2]; eta = 0.1; T = 3;"
         " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.9*u[2]^2 + 0.3*u[0]*u[1] - 0.2*u[1]*u[2];"
         " options { carleman_order = 3; carleman_form = paper; } }",
         true);
}

static void test_walk_counts_cubic(void)
{
    /* F_2: columns scattered in the n'^2 index space: the shape bounds */
    both("gd c { param u[2] = [0.5, -0.3]; eta = 0.1; T = 2;"
         " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.3*u[0]*u[1] + 0.1*u[0]^3 - 0.2*u[1]^2*u[0] + 0.4*u[0];"
         " options { carleman_order = 2; carleman_form = paper; } }",
         false);
    both("gd d { param u[1] = 0.6; eta = 0.3; T = 3; loss = u[0]^2/2 + 0.2*u[0]^3;"
         " options { carleman_order = 2; carleman_form = paper; } }",
         false);
}

/* The table of F_1 at n = 10^9, s = 4, against the closed form evaluated
 * here: unary iteration over the contiguous slots L = 2n·s',
 * CCZ = 2·Σ_{d=1}^{abits−1} ⌈L/2^d⌉. */
static void test_shape_scale(void)
{
    ModelProblem m;
    model_init(&m);
    m.name = strdup("big");
    mpz_set_ui(m.n, 1000000000ul);
    m.q = 1;
    m.F[1].present = true;
    m.F[1].sparsity = 4;
    mpz_set(m.F[1].rows, m.n);
    mpz_set(m.F[1].cols, m.n);
    mpz_mul_ui(m.F[1].nnz, m.n, 4);
    m.F[1].max_abs = 0.01;
    m.F[0].present = true;
    m.F[0].norm2 = 0.1;
    m.F[0].max_abs = 0.01;
    m.u_norm = 10;
    mpz_set_ui(m.r, 100000000ul);
    m.T = 100, m.N = 2, m.P = 0, m.kappa0 = 202, m.eps = 1e-2, m.uploads = 1;
    EstimateOptions o = {.count_walk = true};
    Estimate e;
    char *err = NULL;
    bool ok = estimate_build(&m, NULL, &o, &e, &err);
    if (!ok)
        fprintf(stderr, "\n  %s\n", err), free(err);
    CU_ASSERT_FATAL(ok);
    unsigned q = 30, w = 2, abits = w + q + 1;
    mpz_t L, sum, nd;
    mpz_inits(L, sum, nd, NULL);
    mpz_mul_ui(L, m.n, 8);
    for (unsigned d = 1; d < abits; d++) {
        mpz_cdiv_q_2exp(nd, L, d);
        mpz_add(sum, sum, nd);
    }
    mpz_mul_ui(sum, sum, 2);
    CU_ASSERT(mpz_cmp(e.be.oracle_cost[1].qrom.ccz, sum) == 0);
    CU_ASSERT_EQUAL(e.be.qn, 30);
    ASSERT_CLOSE(e.be.alpha_l[1], 0.04, 1e-15);
    /* pairs: F_1 at 2 positions, F_0 at 2 */
    CU_ASSERT_EQUAL(e.be.npairs, 4);
    ASSERT_CLOSE(e.be.alpha_M, 2 + 2 * 0.04 + 2 * 0.1, 1e-14);
    /* the walk calls U_M and U_M^dg: at least 2 × 2 table passes per oracle call */
    mpz_mul_ui(nd, sum, 4);
    CU_ASSERT(mpz_cmp(e.walk.ccz, nd) > 0);
    mpz_clears(L, sum, nd, NULL);
    estimate_free(&e);
    model_free(&m);
}

static void test_refusals(void)
{
    ModelProblem m;
    model_init(&m);
    m.name = strdup("bad");
    mpz_set_ui(m.n, 10);
    m.q = 1;
    m.F[1].present = true;
    m.F[1].sparsity = 2;
    mpz_set_ui(m.F[1].rows, 10), mpz_set_ui(m.F[1].cols, 10), mpz_set_ui(m.F[1].nnz, 20);
    m.F[1].max_abs = 1e12; /* absurd entries: alpha beyond any clock */
    m.u_norm = 1;
    mpz_set_ui(m.r, 10);
    m.T = 1, m.N = 1, m.kappa0 = 1e8, m.eps = 1e-2, m.uploads = 1;
    EstimateOptions o = {0};
    Estimate e;
    char *err = NULL;
    CU_ASSERT(!estimate_build(&m, NULL, &o, &e, &err));
    CU_ASSERT(err && strstr(err, "clock bits"));
    free(err), err = NULL;
    estimate_free(&e);
    m.F[1].max_abs = 0.1;
    o.clock_bits = 3; /* below p0 */
    CU_ASSERT(!estimate_build(&m, NULL, &o, &e, &err));
    CU_ASSERT(err && strstr(err, "use at least"));
    free(err);
    estimate_free(&e);
    model_free(&m);
}

/* Writes F_ℓ of p as a Matrix Market file (column = Kronecker position of
 * the sorted multi-index), straight from the tensor. */
static void write_mtx(const GdProblem *p, unsigned l, const char *path)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    const Tensor *t = &p->F[l];
    unsigned long cols = 1;
    for (unsigned k = 0; k < l; k++)
        cols *= p->n;
    fprintf(f, "%%%%MatrixMarket matrix coordinate real general\n%u %lu %zu\n", p->n, cols, t->nnz);
    for (size_t e = 0; e < t->nnz; e++) {
        unsigned long c = 0;
        for (unsigned k = 0; k < l; k++)
            c = c * p->n + t->col[e * l + k];
        fprintf(f, "%u %lu %.17g\n", t->row[e] + 1, c + 1, t->val[e]);
    }
    fclose(f);
}

static void same_stats(const ModelProblem *a, const ModelProblem *b)
{
    CU_ASSERT(mpz_cmp(a->n, b->n) == 0);
    CU_ASSERT_EQUAL(a->q, b->q);
    for (unsigned l = 0; l <= a->q; l++) {
        const ModelTerm *x = &a->F[l], *y = &b->F[l];
        CU_ASSERT_EQUAL(x->present, y->present);
        if (!x->present || !y->present)
            continue;
        CU_ASSERT(mpz_cmp(x->nnz, y->nnz) == 0);
        CU_ASSERT_EQUAL(x->sparsity, y->sparsity);
        CU_ASSERT(mpz_cmp(x->rows, y->rows) == 0);
        CU_ASSERT(mpz_cmp(x->cols, y->cols) == 0);
        ASSERT_CLOSE(x->max_abs, y->max_abs, 1e-15);
        ASSERT_CLOSE(x->norm2, y->norm2, 1e-15);
    }
    ASSERT_CLOSE(a->u_norm, b->u_norm, 1e-15);
    CU_ASSERT_EQUAL(a->T, b->T);
    CU_ASSERT_EQUAL(a->N, b->N);
    ASSERT_CLOSE(a->kappa0, b->kappa0, 1e-15);
}

static void same_estimate(const ModelProblem *a, const ModelProblem *b)
{
    EstimateOptions o = {.count_walk = true};
    Estimate x, y;
    char *err = NULL;
    bool ok = estimate_build(a, NULL, &o, &x, &err) && estimate_build(b, NULL, &o, &y, &err);
    if (!ok)
        fprintf(stderr, "\n  %s\n", err), free(err);
    CU_ASSERT_FATAL(ok);
    CU_ASSERT(mpz_cmp(x.walk.ccz, y.walk.ccz) == 0);
    CU_ASSERT(mpz_cmp(x.walk.rotations, y.walk.rotations) == 0);
    CU_ASSERT(mpz_cmp(x.run.ccz, y.run.ccz) == 0);
    CU_ASSERT(mpz_cmp(x.run.t_count, y.run.t_count) == 0);
    CU_ASSERT_EQUAL(x.run.qubits_peak, y.run.qubits_peak);
    CU_ASSERT_EQUAL(x.p, y.p);
    ASSERT_CLOSE(x.be.alpha_M, y.be.alpha_M, 1e-15);
    estimate_free(&x);
    estimate_free(&y);
}

/* A model file against the statistics of the gd problem it describes:
 * (a) F_ℓ read from Matrix Market files written from the problem's tensors
 * give the statistics cbe_model_of computes from the tensors themselves
 * (both count through model_term_from_entries: this checks the file path —
 * writing, reading, 1-based indices, column keys, symmetric storage aside;
 * the counts themselves are checked by hand in tests/golden/model_mtx.ir);
 * (b) the same statistics written by shape (sparse/vector) give the same
 * model; both give the gd problem's shape estimate, count for count. */
static void test_model_file(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd("gd c { param u[3] = [0.5, -0.3, 0.2]; eta = 0.1; T = 2;"
                               " loss = 0.5*u[0]^2 + 0.7*u[1]^2 + 0.3*u[0]*u[1] + 0.1*u[0]^3 - 0.2*u[1]^2*u[2]"
                               " + 0.05*u[2]^3 + 0.4*u[0] - 0.1*u[2];"
                               " options { carleman_order = 2; carleman_form = paper; } }",
                               &ps);
    ModelProblem ref;
    char *err = NULL;
    CU_ASSERT_FATAL(cbe_model_of(p, &ref, &err));
    CU_ASSERT_FATAL(ref.q == 2 && ref.F[0].present && ref.F[1].present && ref.F[2].present);
    char dir[] = "/tmp/qgdc_model_XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    char path[3][96];
    for (unsigned l = 0; l < 3; l++) {
        snprintf(path[l], sizeof path[l], "%s/f%u.mtx", dir, l);
        write_mtx(p, l, path[l]);
    }
    char text[2048];
    snprintf(text, sizeof text,
             "model c { n = 3; F0 = mtx(\"%s\"); F1 = mtx(\"%s\"); F2 = mtx(\"%s\"); u_norm = %.17g; T = 2; }", path[0],
             path[1], path[2], ref.u_norm);
    ProblemSet pm;
    unit_compile_ok(text, &pm);
    CU_ASSERT_FATAL(pm.nmodel == 1);
    same_stats(pm.model[0], &ref);
    same_estimate(pm.model[0], &ref);
    /* by shape */
    gmp_snprintf(text, sizeof text,
                 "model c { n = 3; F0 = vector(norm = %.17g, max = %.17g, nnz = %Zd);"
                 " F1 = sparse(sparsity = %lu, max = %.17g, nnz = %Zd, rows = %Zd, cols = %Zd);"
                 " F2 = sparse(sparsity = %lu, max = %.17g, nnz = %Zd, rows = %Zd, cols = %Zd);"
                 " u_norm = %.17g; T = 2; }",
                 ref.F[0].norm2, ref.F[0].max_abs, ref.F[0].nnz, (unsigned long)ref.F[1].sparsity, ref.F[1].max_abs,
                 ref.F[1].nnz, ref.F[1].rows, ref.F[1].cols, (unsigned long)ref.F[2].sparsity, ref.F[2].max_abs,
                 ref.F[2].nnz, ref.F[2].rows, ref.F[2].cols, ref.u_norm);
    ProblemSet pz;
    unit_compile_ok(text, &pz);
    CU_ASSERT_FATAL(pz.nmodel == 1);
    same_stats(pz.model[0], &ref);
    same_estimate(pz.model[0], &ref);
    for (unsigned l = 0; l < 3; l++)
        remove(path[l]);
    rmdir(dir);
    problem_set_free(&pz);
    problem_set_free(&pm);
    model_free(&ref);
    problem_set_free(&ps);
}

/* Column statistics where the Kronecker position n^ℓ exceeds 64 bits
 * (n = 300, ℓ = 8): F_8 of this loss has the columns (0^8), (299^8),
 * (1^7 2) and (1^8), one entry each. */
static void test_model_of_wide_columns(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd("gd w { param u[300] = 0.01; eta = 0.1; T = 2;"
                                   " loss = sum(i in 0..299) (0.5 * u[i]^2) + 0.001 * u[0]^9 + 0.002 * u[299]^9"
                                   " + 0.001 * u[1]^8 * u[2];"
                                   " options { carleman_order = 2; carleman_form = paper; } }",
                                   &ps);
    ModelProblem m;
    char *err = NULL;
    CU_ASSERT_FATAL(cbe_model_of(p, &m, &err));
    CU_ASSERT_EQUAL_FATAL(m.q, 8);
    CU_ASSERT(mpz_cmp_ui(m.F[8].nnz, 4) == 0);
    CU_ASSERT(mpz_cmp_ui(m.F[8].cols, 4) == 0);
    CU_ASSERT(mpz_cmp_ui(m.F[8].rows, 4) == 0);
    CU_ASSERT_EQUAL(m.F[8].sparsity, 1);
    model_free(&m);
    problem_set_free(&ps);
}

/* Whole numbers beyond 2^53 are read exactly: n = 2^100 + 1, an nnz of
 * 2·10^30 + 7, a 'kept' written as 123456789012345678901. */
static void test_model_exact_sizes(void)
{
    ProblemSet ps;
    unit_compile_ok("model big { n = 2^100 + 1; F1 = sparse(sparsity = 3, max = 1, nnz = 2e30 + 7);"
                    " kept = 123456789012345678901; u_norm = 1; T = 10; }",
                    &ps);
    CU_ASSERT_FATAL(ps.nmodel == 1);
    const ModelProblem *m = ps.model[0];
    mpz_t want;
    mpz_init(want);
    mpz_ui_pow_ui(want, 2, 100);
    mpz_add_ui(want, want, 1);
    CU_ASSERT(mpz_cmp(m->n, want) == 0);
    mpz_set_str(want, "2000000000000000000000000000007", 10);
    CU_ASSERT(mpz_cmp(m->F[1].nnz, want) == 0);
    mpz_set_str(want, "123456789012345678901", 10);
    CU_ASSERT(mpz_cmp(m->r, want) == 0);
    CU_ASSERT(mpz_cmp(m->F[1].cols, m->n) == 0); /* min(nnz, n) */
    mpz_clear(want);
    problem_set_free(&ps);
}

void suite_carleman_be(void);
void suite_carleman_be(void)
{
    UNIT_SUITE("carleman_be", {"walk counts: built = shape (F_1)", test_walk_counts_linear},
               {"walk counts: built <= shape (F_2, a zero in F_0)", test_walk_counts_cubic},
               {"shape at n = 10^9 against the table formula", test_shape_scale},
               {"refusals", test_refusals}, {"model files: mtx and shape = the gd statistics", test_model_file},
               {"model files: exact whole numbers beyond 2^53", test_model_exact_sizes},
               {"statistics of columns beyond 64 bits (n^8)", test_model_of_wide_columns});
}
