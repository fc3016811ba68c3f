/* Tests of the structured Carleman encoding and the estimate pass: the
 * counts of the built circuit against the counts from the shape alone
 * (opaque oracles with closed-form costs), refusals, and the shape at
 * n = 10^9 against an independent evaluation of the table formula. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/carleman_be.h"
#include "passes/estimate.h"
#include "unit.h"

static GdProblem *compile_one(const char *text, ProblemSet *ps)
{
    char *diag = NULL;
    int nerr = unit_compile(text, ps, &diag);
    if (nerr)
        fprintf(stderr, "%s", diag ? diag : "");
    free(diag);
    CU_ASSERT_EQUAL_FATAL(nerr, 0);
    CU_ASSERT_EQUAL_FATAL(ps->ngd, 1);
    return ps->gd[0];
}

/* explicit (built) and shape (counted) estimates of one problem */
static void both(const char *text, bool expect_equal_ccz)
{
    ProblemSet ps;
    GdProblem *p = compile_one(text, &ps);
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

void suite_carleman_be(void);
void suite_carleman_be(void)
{
    UNIT_SUITE("carleman_be", {"walk counts: built = shape (F_1)", test_walk_counts_linear},
               {"walk counts: built <= shape (F_2, a zero in F_0)", test_walk_counts_cubic},
               {"shape at n = 10^9 against the table formula", test_shape_scale},
               {"refusals", test_refusals});
}
