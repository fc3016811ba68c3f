/* test_frontend.c — lexer, parser, polynomial expansion, symbolic
 * differentiation and problem-IR construction. Derivatives are checked
 * against central finite differences of an independent C evaluation of the
 * same loss, and small cases against hand-derived tensors. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "frontend/ast.h"
#include "frontend/data.h"
#include "frontend/poly.h"
#include "support/util.h"

/* ---- parser: the tree of a small text, as S-expressions ---- */

static char *parse_dump(const char *text, int *nerr)
{
    char *buf = NULL, *dbuf = NULL;
    size_t len = 0, dlen = 0;
    FILE *out = open_memstream(&buf, &len);
    FILE *dmem = open_memstream(&dbuf, &dlen);
    diag_set_stream(dmem);
    diag_reset();
    SrcFile *src = srcfile_from_string("t.qgd", text, strlen(text));
    ParseResult *pr = parse_qgd(src);
    *nerr = pr->nerrors;
    if (!pr->nerrors)
        ast_dump(&pr->prog, out);
    parse_result_free(pr);
    srcfile_free(src);
    fclose(out);
    fclose(dmem);
    free(dbuf);
    diag_set_stream(NULL);
    diag_reset();
    return buf;
}

static void expect_tree(const char *text, const char *tree)
{
    int nerr;
    char *got = parse_dump(text, &nerr);
    CU_ASSERT_EQUAL(nerr, 0);
    if (strcmp(got, tree) != 0)
        fprintf(stderr, "\n  text: %s\n  got:  %s  want: %s", text, got, tree);
    CU_ASSERT_STRING_EQUAL(got, tree);
    free(got);
}

static void test_precedence(void)
{
    expect_tree("const a = 1 + 2*3;", "(const a (+ 1 (* 2 3)))\n");
    expect_tree("const a = -2^2;", "(const a (neg (^ 2 2)))\n");
    expect_tree("const a = 2^3^2;", "(const a (^ 2 (^ 3 2)))\n");
    expect_tree("const a = 1 - 2 - 3;", "(const a (- (- 1 2) 3))\n");
    expect_tree("const a = 8/4/2;", "(const a (/ (/ 8 4) 2))\n");
    expect_tree("const a = 2**3;", "(const a (^ 2 3))\n");
    /* a sum extends over a product, not over a following '+' */
    expect_tree("const a = sum(i in 0..3) i*2 + 1;", "(const a (+ (sum i 0 3 (* i 2)) 1))\n");
    expect_tree("const a = 3*sum(i in 0..3) i*2;", "(const a (* 3 (sum i 0 3 (* i 2))))\n");
    expect_tree("const a = prod(i in 1..n) (i + 1);", "(const a (prod i 1 n (+ i 1)))\n");
}

static void test_numbers(void)
{
    expect_tree("const a = 1.5e-3 + .25 + 7E2;", "(const a (+ (+ 0.0015 0.25) 700))\n");
    expect_tree("const a = 1e3 - 2.5E+2;", "(const a (- 1000 250))\n");
}

static void test_statements(void)
{
    expect_tree("gd p { param u[2] = [1, 2]; eta = 0.1; update u[0] = u[0]; "
                "for i in 0..1 { update u[i] = 2; } options { shots = 5; } }",
                "(gd p\n"
                "  (param u [ 2 ] (list 1 2))\n"
                "  (set eta 0.1)\n"
                "  (update u [ 0 ] (index u 0))\n"
                "  (for i 0 1\n"
                "    (update u [ i ] 2)\n"
                "  )\n"
                "  (options \n"
                "    (set shots 5)\n"
                "  )\n"
                ")\n");
    expect_tree("const m[2, 2] = [[1, 2], [3, 4]];", "(const m [ 2 2 ] (list (list 1 2) (list 3 4)))\n");
    expect_tree("const v = [i^2 for i in 0..3];", "(const v (for i 0 3 (^ i 2)))\n");
    expect_tree("gd p { noise = gaussian(sigma = 0.1, seed = 3); }",
                "(gd p\n  (set noise (call gaussian (= sigma 0.1) (= seed 3)))\n)\n");
}

static void test_syntax_errors_counted(void)
{
    int nerr;
    char *t = parse_dump("gd p {\n eta = ;\n T = 3 3;\n loss = (1 + ;\n}\n", &nerr);
    free(t);
    CU_ASSERT_EQUAL(nerr, 3); /* every error in the file, not just the first */
    t = parse_dump("const a = 1", &nerr);
    free(t);
    CU_ASSERT_EQUAL(nerr, 1);
    t = parse_dump("", &nerr);
    free(t);
    CU_ASSERT_EQUAL(nerr, 0);
}

/* ---- polynomials ---- */

static void test_poly_algebra(void)
{
    Poly *x = poly_var(0), *y = poly_var(1);
    Poly *s = poly_copy(x);
    CU_ASSERT_EQUAL(poly_add_scaled(s, y, 1.0), POLY_OK); /* x + y */
    Poly *p;
    CU_ASSERT_EQUAL(poly_pow(s, 4, &p), POLY_OK);
    CU_ASSERT_EQUAL(poly_nterms(p), 5); /* binomial expansion */
    uint32_t k22[4] = {0, 0, 1, 1};
    Poly *probe = poly_new();
    poly_add_term(probe, k22, 4, 1.0);
    /* the coefficient of x^2 y^2 in (x+y)^4 is 6: evaluate at (1, 1) minus the others */
    double u[2] = {1.0, 1.0};
    ASSERT_CLOSE(poly_eval(p, u), 16.0, 1e-15);
    double v[2] = {0.3, -1.7};
    ASSERT_CLOSE(poly_eval(p, v), pow(0.3 - 1.7, 4), 1e-14);
    Poly *d = poly_diff(p, 0); /* 4 (x+y)^3 */
    ASSERT_CLOSE(poly_eval(d, v), 4 * pow(0.3 - 1.7, 3), 1e-14);
    double c;
    CU_ASSERT_FALSE(poly_is_const(p, &c));
    Poly *k = poly_const(2.5);
    CU_ASSERT_TRUE(poly_is_const(k, &c));
    ASSERT_CLOSE(c, 2.5, 0);
    poly_free(x);
    poly_free(y);
    poly_free(s);
    poly_free(p);
    poly_free(d);
    poly_free(k);
    poly_free(probe);
}

static void test_poly_limits(void)
{
    PolyLimits saved = poly_limits;
    poly_limits.max_terms = 10;
    Poly *s = poly_new();
    for (uint32_t i = 0; i < 5; i++) {
        Poly *v = poly_var(i);
        poly_add_scaled(s, v, 1.0);
        poly_free(v);
    }
    Poly *p;
    CU_ASSERT_EQUAL(poly_pow(s, 3, &p), POLY_TOO_MANY_TERMS); /* 35 terms */
    CU_ASSERT_PTR_NULL(p);
    poly_limits = saved;
    CU_ASSERT_EQUAL(poly_pow(s, 3, &p), POLY_OK);
    CU_ASSERT_EQUAL(poly_nterms(p), 35);
    poly_free(p);
    CU_ASSERT_EQUAL(poly_pow(s, 65, &p), POLY_DEGREE_TOO_HIGH);
    poly_free(s);
}

/* ---- differentiation against finite differences ---- */

typedef struct LossCase {
    const char *text;   /* the .qgd loss, over u[0..n-1] */
    unsigned n;
    double (*f)(const double *u); /* the same loss, written in C */
} LossCase;

static double l_quad_cubic(const double *u) { return (u[0] * u[0] + 2 * u[1] * u[1]) / 2 + 0.3 * u[0] * u[0] * u[1] - 0.1 * u[1] * u[1] * u[1]; }
static double l_prod3(const double *u) { return u[0] * u[1] * u[2] + 0.5 * pow(u[0] - u[2], 4) + sin(1.0) * u[1] * u[1] * u[1]; }
static double l_chain(const double *u)
{
    double s = 0;
    for (int i = 0; i < 8; i++)
        s += (i + 1) * pow(u[i] - 0.1 * i, 2) / 2;
    for (int i = 0; i < 7; i++)
        s += 0.2 * u[i] * u[i] * u[i + 1];
    return s;
}
static double l_quintic(const double *u) { return pow(u[0] + 2 * u[1] - u[0] * u[1], 3) / 3 + pow(u[1], 5) / 7; }
static double l_prodloop(const double *u)
{
    double p = 1;
    for (int i = 0; i < 4; i++)
        p *= (1 + u[i]);
    return p / 4;
}

static const LossCase loss_cases[] = {
    {"(u[0]^2 + 2*u[1]^2)/2 + 0.3*u[0]^2*u[1] - 0.1*u[1]^3", 2, l_quad_cubic},
    {"u[0]*u[1]*u[2] + 0.5*(u[0] - u[2])^4 + sin(1)*u[1]^3", 3, l_prod3},
    {"sum(i in 0..7) (i + 1)*(u[i] - 0.1*i)^2/2 + sum(i in 0..6) 0.2*u[i]^2*u[i+1]", 8, l_chain},
    {"(u[0] + 2*u[1] - u[0]*u[1])^3/3 + u[1]^5/7", 2, l_quintic},
    {"(prod(i in 0..3) (1 + u[i])) / 4", 4, l_prodloop},
};

static void test_gradient_vs_finite_differences(void)
{
    const double eta = 0.05, h = 1e-5;
    srand(12345);
    for (size_t c = 0; c < sizeof loss_cases / sizeof *loss_cases; c++) {
        const LossCase *lc = &loss_cases[c];
        char text[1024];
        snprintf(text, sizeof text, "gd p { param u[%u] = 0; eta = %g; T = 1; loss = %s; }", lc->n, eta, lc->text);
        ProblemSet ps;
        char *diag;
        int nerr = unit_compile(text, &ps, &diag);
        if (nerr)
            fprintf(stderr, "\n%s", diag);
        free(diag);
        CU_ASSERT_EQUAL_FATAL(nerr, 0);
        const GdProblem *p = ps.gd[0];
        for (int trial = 0; trial < 20; trial++) {
            double u[8], step[8], up[8], um[8];
            for (unsigned i = 0; i < lc->n; i++)
                u[i] = 2.0 * rand() / RAND_MAX - 1.0;
            gd_step(p, 0, u, step); /* u − η∇L */
            for (unsigned i = 0; i < lc->n; i++) {
                memcpy(up, u, sizeof u);
                memcpy(um, u, sizeof u);
                up[i] += h;
                um[i] -= h;
                double g = (lc->f(up) - lc->f(um)) / (2 * h);
                /* central differences: error O(h^2 f''') ~ 1e-9 here */
                ASSERT_CLOSE(step[i], u[i] - eta * g, 1e-8);
            }
        }
        problem_set_free(&ps);
    }
}

/* ---- hand-derived tensors ---- */

static const double *entry(const GdProblem *p, unsigned l, uint32_t row, const uint32_t *idx)
{
    const Tensor *t = &p->F[l];
    for (size_t k = 0; k < t->nnz; k++)
        if (t->row[k] == row && (l == 0 || !memcmp(t->col + k * l, idx, l * sizeof *idx)))
            return &t->val[k];
    return NULL;
}

static void test_hand_derived_loss(void)
{
    /* L = (u0^2 + 2u1^2)/2 + 0.3 u0^2 u1 − 0.1 u1^3 + 0.7 u0 + 4
     * ∇L = (u0 + 0.6 u0 u1 + 0.7, 2 u1 + 0.3 u0^2 − 0.3 u1^2) */
    ProblemSet ps;
    CU_ASSERT_EQUAL_FATAL(unit_compile("gd p { param u[2] = [0.5, -0.3]; eta = 0.1; T = 6;"
                                       " loss = (u[0]^2 + 2*u[1]^2)/2 + 0.3*u[0]^2*u[1] - 0.1*u[1]^3 + 0.7*u[0] + 4; }",
                                       &ps, NULL), 0);
    const GdProblem *p = ps.gd[0];
    CU_ASSERT_EQUAL(p->n, 2);
    CU_ASSERT_EQUAL(p->q, 2);
    CU_ASSERT_EQUAL(p->T, 6);
    CU_ASSERT_TRUE(p->from_loss);
    CU_ASSERT_EQUAL(p->F[0].nnz, 1);
    CU_ASSERT_EQUAL(p->F[1].nnz, 2);
    CU_ASSERT_EQUAL(p->F[2].nnz, 3);
    uint32_t i0[] = {0}, i1[] = {1}, i00[] = {0, 0}, i01[] = {0, 1}, i11[] = {1, 1};
    const double *v;
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 0, 0, NULL));
    ASSERT_CLOSE(*v, -0.07, 1e-15);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 1, 0, i0));
    ASSERT_CLOSE(*v, -0.1, 1e-15);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 1, 1, i1));
    ASSERT_CLOSE(*v, -0.2, 1e-15);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 2, 0, i01));
    ASSERT_CLOSE(*v, -0.06, 1e-15);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 2, 1, i00));
    ASSERT_CLOSE(*v, -0.03, 1e-15);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 2, 1, i11));
    ASSERT_CLOSE(*v, 0.03, 1e-15);
    ASSERT_CLOSE(p->u_in[0], 0.5, 0);
    ASSERT_CLOSE(p->u_in[1], -0.3, 0);
    CU_ASSERT_PTR_NULL(entry(p, 1, 0, i1)); /* no coupling in F_1 */
    problem_set_free(&ps);
}

static void test_hand_derived_update(void)
{
    /* u0 ← 0.9 u0 + 0.05 u1 − 0.1 u0 u1 + 0.2;  u1 ← u1 (kept fixed) */
    ProblemSet ps;
    CU_ASSERT_EQUAL_FATAL(unit_compile("gd p { param u[2] = 1; T = 2;"
                                       " update u[0] = 0.9*u[0] + 0.05*u[1] - 0.1*u[0]*u[1] + 0.2;"
                                       " update u[1] = u[1]; }",
                                       &ps, NULL), 0);
    const GdProblem *p = ps.gd[0];
    CU_ASSERT_FALSE(p->from_loss);
    CU_ASSERT_FALSE(p->has_eta);
    uint32_t i0[] = {0}, i1[] = {1}, i01[] = {0, 1};
    const double *v;
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 0, 0, NULL));
    ASSERT_CLOSE(*v, 0.2, 1e-15);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 1, 0, i0));
    ASSERT_CLOSE(*v, 0.9 - 1.0, 1e-15); /* F_1 = A − I */
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 1, 0, i1));
    ASSERT_CLOSE(*v, 0.05, 1e-15);
    CU_ASSERT_PTR_NULL(entry(p, 1, 1, i1)); /* identity row: F_1 entry is exactly 0 */
    CU_ASSERT_PTR_NOT_NULL_FATAL(v = entry(p, 2, 0, i01));
    ASSERT_CLOSE(*v, -0.1, 1e-15);
    CU_ASSERT_EQUAL(p->F[2].nnz, 1);
    double u[2] = {0.3, -0.6}, out[2];
    gd_step(p, 0, u, out);
    ASSERT_CLOSE(out[0], 0.9 * 0.3 + 0.05 * -0.6 - 0.1 * 0.3 * -0.6 + 0.2, 1e-15);
    ASSERT_CLOSE(out[1], -0.6, 0);
    problem_set_free(&ps);
}

static void test_loops_and_comprehensions(void)
{
    /* an update written with a for loop equals the same map written out */
    ProblemSet a, b;
    CU_ASSERT_EQUAL_FATAL(unit_compile("const n = 5; const w[n] = [1/(i+1) for i in 0..n-1];"
                                       "gd p { param u[n] = [0.1*i for i in 0..n-1]; T = 3;"
                                       " for i in 0..n-1 { update u[i] = u[i] - w[i]*u[i]^2; } }",
                                       &a, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(unit_compile("gd p { param u[5] = [0, 0.1, 0.2, 0.30000000000000004, 0.4]; T = 3;"
                                       " update u[0] = u[0] - u[0]^2; update u[1] = u[1] - u[1]^2/2;"
                                       " update u[2] = u[2] - u[2]^2/3; update u[3] = u[3] - u[3]^2/4;"
                                       " update u[4] = u[4] - u[4]^2/5; }",
                                       &b, NULL), 0);
    const GdProblem *p = a.gd[0], *q = b.gd[0];
    CU_ASSERT_EQUAL(p->n, q->n);
    for (uint32_t i = 0; i < p->n; i++)
        ASSERT_CLOSE(p->u_in[i], q->u_in[i], 1e-15);
    CU_ASSERT_EQUAL_FATAL(p->q, q->q);
    for (unsigned l = 0; l <= p->q; l++) {
        CU_ASSERT_EQUAL_FATAL(p->F[l].nnz, q->F[l].nnz);
        for (size_t k = 0; k < p->F[l].nnz; k++)
            ASSERT_CLOSE(p->F[l].val[k], q->F[l].val[k], 1e-15);
    }
    problem_set_free(&a);
    problem_set_free(&b);
}

static void test_noise(void)
{
    ProblemSet a, b, c;
    const char *fmt = "gd p { param u[5] = 0; eta = 0.1; T = 2000; loss = sum(i in 0..4) u[i]^2;"
                      " noise = gaussian(sigma = 0.25, seed = %d); }";
    char text[256];
    snprintf(text, sizeof text, fmt, 7);
    CU_ASSERT_EQUAL_FATAL(unit_compile(text, &a, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(unit_compile(text, &b, NULL), 0);
    snprintf(text, sizeof text, fmt, 8);
    CU_ASSERT_EQUAL_FATAL(unit_compile(text, &c, NULL), 0);
    size_t N = 2000 * 5;
    CU_ASSERT_EQUAL(memcmp(a.gd[0]->xi, b.gd[0]->xi, N * sizeof(double)), 0); /* reproducible */
    CU_ASSERT_NOT_EQUAL(memcmp(a.gd[0]->xi, c.gd[0]->xi, N * sizeof(double)), 0);
    double m = 0, s2 = 0;
    for (size_t k = 0; k < N; k++)
        m += a.gd[0]->xi[k];
    m /= (double)N;
    for (size_t k = 0; k < N; k++)
        s2 += (a.gd[0]->xi[k] - m) * (a.gd[0]->xi[k] - m);
    double sd = sqrt(s2 / (double)(N - 1));
    /* 10,000 draws: the mean's standard error is 0.0025, the sd's about 0.0018;
     * 4 standard errors leave a false-alarm rate below 1e-4 */
    CU_ASSERT(fabs(m) < 4 * 0.0025);
    CU_ASSERT(fabs(sd - 0.25) < 4 * 0.0018);
    /* noise enters the step additively */
    double u[5] = {0}, out[5];
    gd_step(a.gd[0], 3, u, out);
    for (int i = 0; i < 5; i++)
        ASSERT_CLOSE(out[i], a.gd[0]->xi[3 * 5 + i], 0);
    problem_set_free(&a);
    problem_set_free(&b);
    problem_set_free(&c);
    ProblemSet e;
    CU_ASSERT_EQUAL_FATAL(unit_compile("gd p { param u[2] = 0; eta = 0.1; T = 2; loss = u[0]^2;"
                                       " noise = [[0.1, 0.2], [0.3, 0.4]]; }", &e, NULL), 0);
    CU_ASSERT_EQUAL(e.gd[0]->noise, NOISE_EXPLICIT);
    ASSERT_CLOSE(e.gd[0]->xi[3], 0.4, 0);
    problem_set_free(&e);
}

static void test_errors_reported(void)
{
    static const struct { const char *text, *msg; } cases[] = {
        {"gd p { param u[1] = 0; eta = 0.1; T = 1; loss = 1/u[0]; }", "division by an expression in the parameters"},
        {"gd p { param u[1] = 0; eta = 0.1; T = 1; loss = u[0]^0.5; }", "whole exponent"},
        {"gd p { param u[1] = 0; eta = 0.1; T = 1; loss = exp(u[0]); }", "not a polynomial"},
        {"gd p { param u[1] = 0; eta = -1; T = 1; loss = u[0]^2; }", "must be positive"},
        {"gd p { param u[1] = 0; eta = 0.1; T = 0; loss = u[0]^2; }", "at least 1"},
        {"gd p { param u[2] = 0; eta = 0.1; T = 1; loss = u[2]^2; }", "out of range"},
        {"gd p { param u[1] = 0; eta = 0.1; T = 1; loss = v[0]^2; }", "unknown name 'v'"},
        {"gd p { param u[1] = 0; eta = 0.1; T = 1; loss = u[0]^2 + log(-1); }", "NaN"},
        {"gd p { param u[1] = 0; eta = 0.1; T = 1; loss = u[0]^2; options { kappa0 = 1; } }", "greater than 1"},
        {"gd p { param u[1] = 0; eta = 0.1; T = 1; loss = u[0]^2; options { carleman_oder = 2; } }", "did you mean 'carleman_order'"},
        {"model p { }", "does not set n"},
        {"const a = sum(i in 0..100000000000) i;", "more elements than"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ProblemSet ps;
        char *diag = NULL;
        int n = unit_compile(cases[k].text, &ps, &diag);
        CU_ASSERT(n > 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(diag ? diag : "", cases[k].msg));
        if (!diag || !strstr(diag, cases[k].msg))
            fprintf(stderr, "\n  case %zu: wanted '%s' in:\n%s", k, cases[k].msg, diag ? diag : "(none)");
        CU_ASSERT_EQUAL(ps.ngd, 0);
        free(diag);
    }
}

static void test_step_budget(void)
{
    SemaLimits saved = sema_limits;
    sema_limits.max_steps = 10000;
    ProblemSet ps;
    char *diag = NULL;
    /* 200 x 200 nested sum: 40,000 terms, over the budget: an error, not a hang */
    int n = unit_compile("const a = sum(i in 0..199) sum(j in 0..199) i*j;", &ps, &diag);
    CU_ASSERT(n > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(diag ? diag : "", "evaluation steps"));
    free(diag);
    sema_limits = saved;
}

/* ---- data files ---- */

static void test_csv(void)
{
    const char *text = "# header comment\n1, 2, 3\n\n4,5,6\n";
    SrcFile *f = srcfile_from_string("a.csv", text, strlen(text));
    Array a;
    CU_ASSERT_TRUE_FATAL(data_parse_csv(f, &a));
    CU_ASSERT_EQUAL(a.rank, 2);
    CU_ASSERT_EQUAL(a.dim[0], 2);
    CU_ASSERT_EQUAL(a.dim[1], 3);
    size_t idx[2] = {1, 2};
    ASSERT_CLOSE(array_get(&a, idx), 6, 0);
    array_free(&a);
    srcfile_free(f);
    const char *col = "1.5\n-2e-3\n";
    f = srcfile_from_string("b.csv", col, strlen(col));
    CU_ASSERT_TRUE_FATAL(data_parse_csv(f, &a));
    CU_ASSERT_EQUAL(a.rank, 1);
    CU_ASSERT_EQUAL(a.dim[0], 2);
    ASSERT_CLOSE(a.v[1], -2e-3, 0);
    array_free(&a);
    srcfile_free(f);
}

static void test_mtx(void)
{
    const char *text = "%%MatrixMarket matrix coordinate real symmetric\n% comment\n3 3 3\n1 1 2.0\n3 1 -1.5\n2 2 4\n";
    SrcFile *f = srcfile_from_string("a.mtx", text, strlen(text));
    Array a;
    CU_ASSERT_TRUE_FATAL(data_parse_mtx(f, &a));
    CU_ASSERT_EQUAL(a.nnz, 4); /* the off-diagonal entry mirrored */
    size_t i13[2] = {0, 2}, i31[2] = {2, 0}, i22[2] = {1, 1}, i12[2] = {0, 1};
    ASSERT_CLOSE(array_get(&a, i13), -1.5, 0);
    ASSERT_CLOSE(array_get(&a, i31), -1.5, 0);
    ASSERT_CLOSE(array_get(&a, i22), 4, 0);
    ASSERT_CLOSE(array_get(&a, i12), 0, 0);
    array_free(&a);
    srcfile_free(f);
    const char *dense = "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n";
    f = srcfile_from_string("d.mtx", dense, strlen(dense));
    CU_ASSERT_TRUE_FATAL(data_parse_mtx(f, &a));
    size_t i01[2] = {0, 1};
    ASSERT_CLOSE(array_get(&a, i01), 3, 0); /* column-major */
    array_free(&a);
    srcfile_free(f);
    char *diag = NULL;
    size_t len;
    FILE *mem = open_memstream(&diag, &len);
    diag_set_stream(mem);
    const char *bad = "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 1\n";
    f = srcfile_from_string("t.mtx", bad, strlen(bad));
    CU_ASSERT_FALSE(data_parse_mtx(f, &a));
    srcfile_free(f);
    fclose(mem);
    diag_set_stream(NULL);
    diag_reset();
    CU_ASSERT_PTR_NOT_NULL(strstr(diag, "t.mtx:5:1: error: file ends after 2 of the 3 entries"));
    free(diag);
}

static void test_fmt_double(void)
{
    char buf[40];
    CU_ASSERT_STRING_EQUAL(fmt_double(0.1, buf, sizeof buf), "0.1");
    CU_ASSERT_STRING_EQUAL(fmt_double(0.1 + 0.2, buf, sizeof buf), "0.30000000000000004");
    CU_ASSERT_STRING_EQUAL(fmt_double(-0.0, buf, sizeof buf), "0");
    CU_ASSERT_STRING_EQUAL(fmt_double(1e300, buf, sizeof buf), "1e+300");
    double x = 1.0 / 3.0;
    CU_ASSERT_EQUAL(strtod(fmt_double(x, buf, sizeof buf), NULL), x);
}

void suite_frontend(void);
void suite_frontend(void)
{
    UNIT_SUITE("parser", {"precedence", test_precedence}, {"numbers", test_numbers}, {"statements", test_statements},
               {"syntax errors counted", test_syntax_errors_counted});
    UNIT_SUITE("poly", {"algebra", test_poly_algebra}, {"limits", test_poly_limits});
    UNIT_SUITE("sema", {"gradient vs finite differences", test_gradient_vs_finite_differences},
               {"hand-derived loss", test_hand_derived_loss}, {"hand-derived update", test_hand_derived_update},
               {"loops and comprehensions", test_loops_and_comprehensions}, {"noise", test_noise},
               {"errors reported", test_errors_reported}, {"step budget", test_step_budget});
    UNIT_SUITE("data", {"csv", test_csv}, {"mtx", test_mtx}, {"fmt_double", test_fmt_double});
}
