/* test_analyze.c — the analysis behind `qgdc analyze`: the structured
 * spectrum (block-triangular C) against LAPACK on the dense C, the
 * dissipation counts and verdicts on problems whose spectra are known. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "passes/analyze.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double *sorted_moduli(const Analysis *a)
{
    double *m = xmalloc(a->neig * sizeof *m);
    for (size_t k = 0; k < a->neig; k++)
        m[k] = hypot(a->eig_re[k], a->eig_im[k]);
    qsort(m, a->neig, sizeof *m, cmp_double);
    return m;
}

static void structured_vs_dense(const char *text, int form)
{
    ProblemSet ps;
    CU_ASSERT_EQUAL_FATAL(unit_compile(text, &ps, NULL), 0);
    AnalyzeOptions o = {.N = 3, .N_max = 1, .form = form};
    Analysis dense, structured;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(analyze_problem(ps.gd[0], &o, &dense, &err));
    size_t saved = analyze_eig_dense_max;
    analyze_eig_dense_max = 0; /* force the structured method */
    CU_ASSERT_TRUE_FATAL(analyze_problem(ps.gd[0], &o, &structured, &err));
    analyze_eig_dense_max = saved;
    CU_ASSERT_TRUE_FATAL(dense.eig_ok && structured.eig_ok);
    CU_ASSERT_PTR_NOT_NULL(strstr(structured.eig_method, "structured"));
    CU_ASSERT_EQUAL_FATAL(dense.neig, structured.neig);
    double *a = sorted_moduli(&dense), *b = sorted_moduli(&structured);
    for (size_t k = 0; k < dense.neig; k++)
        ASSERT_CLOSE(a[k], b[k], 1e-10); /* dgeev on a non-normal C: 1e-10 */
    CU_ASSERT_EQUAL(dense.n_plus, structured.n_plus);
    free(a);
    free(b);
    analysis_free(&dense);
    analysis_free(&structured);
    problem_set_free(&ps);
}

static void test_structured_spectrum(void)
{
    static const char *quad = "gd p { param u[2] = [0.5, -0.3]; eta = 0.1; T = 6;"
                              " loss = (u[0]^2 + 2*u[1]^2)/2 + 0.3*u[0]^2*u[1] - 0.1*u[1]^3 + 0.2*u[0]*u[1]; }";
    static const char *map = "gd p { param u[3] = 0.1; T = 4; update u[0] = 0.9*u[0] + 0.2*u[1] - u[2]^2;"
                             " update u[1] = -0.3*u[0] + 0.8*u[1] + u[0]*u[1]; update u[2] = 1.05*u[2] + 0.1*u[0]^2; }";
    structured_vs_dense(quad, FORM_EXACT);
    structured_vs_dense(quad, FORM_PAPER);
    structured_vs_dense(map, FORM_EXACT); /* complex eigenvalues of F_1 */
    structured_vs_dense(map, FORM_PAPER);
}

static void test_verdicts(void)
{
    /* diagonal linear maps: the spectrum of C is known exactly.
     * u ← 0.5u: μ = 0.5^j, all dissipative. u ← (0.5u0, 1.1u1): divergent
     * modes appear (|μ| = 1.1, 1.21, ...) */
    ProblemSet ps;
    CU_ASSERT_EQUAL_FATAL(unit_compile("gd a { param u[2] = 1; T = 5; update u[0] = 0.5*u[0]; update u[1] = 0.7*u[1]; }"
                                       "gd b { param u[2] = 1; T = 5; update u[0] = 0.5*u[0]; update u[1] = 1.1*u[1]; }"
                                       "gd c { param u[2] = 1; T = 5; update u[0] = 1.2*u[0]; update u[1] = 1.1*u[1]; }",
                                       &ps, NULL), 0);
    AnalyzeOptions o = {.N = 2, .N_max = 0, .form = FORM_EXACT};
    Analysis a;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(analyze_problem(ps.gd[0], &o, &a, &err));
    CU_ASSERT_EQUAL(a.n_plus, 6);
    CU_ASSERT_EQUAL(a.verdict, VERDICT_FULLY);
    ASSERT_CLOSE(a.fidelity_estimate, 1.0, 0);
    /* proxy: mean of |μ|^t over 0.5, 0.7, 0.25, 0.35, 0.35, 0.49 */
    double want = (pow(0.5, 3) + pow(0.7, 3) + pow(0.25, 3) + 2 * pow(0.35, 3) + pow(0.49, 3)) / 6;
    ASSERT_CLOSE(a.proxy[3], want, 1e-12);
    /* a linear map is exact at every order: the truncation error is rounding only */
    CU_ASSERT(a.trunc[0].max_err < 1e-14);
    analysis_free(&a);
    CU_ASSERT_TRUE_FATAL(analyze_problem(ps.gd[1], &o, &a, &err));
    /* μ: 0.5, 1.1 | 0.25, 0.55, 0.55, 1.21 → Δ+ = 4, Δ− = 2 */
    CU_ASSERT_EQUAL(a.n_plus, 4);
    CU_ASSERT_EQUAL(a.n_minus, 2);
    CU_ASSERT_EQUAL(a.verdict, VERDICT_ALMOST);
    analysis_free(&a);
    CU_ASSERT_TRUE_FATAL(analyze_problem(ps.gd[2], &o, &a, &err));
    CU_ASSERT_EQUAL(a.n_plus, 0);
    CU_ASSERT_EQUAL(a.verdict, VERDICT_NOT);
    /* ‖M‖ and κ(M) of the unrolled system are computed for this size */
    CU_ASSERT_TRUE(a.unrolled_ok);
    CU_ASSERT(a.kappa_M >= 1);
    analysis_free(&a);
    problem_set_free(&ps);
}

void suite_analyze(void);
void suite_analyze(void)
{
    UNIT_SUITE("analyze", {"structured spectrum = dense spectrum", test_structured_spectrum}, {"verdicts", test_verdicts});
}
