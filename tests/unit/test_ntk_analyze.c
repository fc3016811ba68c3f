/* test_ntk_analyze.c — the report of `qgdc analyze` on ntk problems against
 * computations done differently here: predictions by a Cholesky or
 * Bunch–Kaufman solve (not the eigendecomposition the pass uses),
 * condition numbers and norms from singular values (dgesvd), inverses by LU
 * (dgetrf/dgetri). Tolerances are stated per check. Then the theorems:
 * Gershgorin bounds κ from above; at L ≥ L_conv the paper's element bounds
 * (Cor. I.7, Lemma I.6) and condition-number bounds (Cor. I.10, II.6) hold. */
#include "unit.h"

#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ntk.h"
#include "passes/ntk_analyze.h"
#include "report/ntk.h"

static NtkProblem *compile_one(const char *text, ProblemSet *ps)
{
    char *diag = NULL;
    int ne = unit_compile(text, ps, &diag);
    if (ne)
        fprintf(stderr, "\n  unexpected errors:\n%s", diag ? diag : "");
    free(diag);
    CU_ASSERT_EQUAL(ne, 0);
    return ne || ps->nntk != 1 ? NULL : ps->ntk[0];
}

/* Singular values of a copy of the n × n matrix A, descending. */
static void svd(const double *A, uint32_t n, double *s)
{
    double *a = malloc((size_t)n * n * sizeof *a), *sup = malloc(n * sizeof *sup);
    memcpy(a, A, (size_t)n * n * sizeof *a);
    CU_ASSERT_EQUAL_FATAL(LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)n, (lapack_int)n, a, (lapack_int)n, s, NULL,
                                         1, NULL, 1, sup),
                          0);
    free(a);
    free(sup);
}

static double *lu_inverse(const double *A, uint32_t n)
{
    double *a = malloc((size_t)n * n * sizeof *a);
    lapack_int *piv = malloc(n * sizeof *piv);
    memcpy(a, A, (size_t)n * n * sizeof *a);
    CU_ASSERT_EQUAL_FATAL(LAPACKE_dgetrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)n, a, (lapack_int)n, piv), 0);
    CU_ASSERT_EQUAL_FATAL(LAPACKE_dgetri(LAPACK_ROW_MAJOR, (lapack_int)n, a, (lapack_int)n, piv), 0);
    free(piv);
    return a;
}

/* f = k*ᵀ A⁻¹ y by a direct solve: Cholesky when A is positive definite,
 * Bunch–Kaufman (dsysv) otherwise. */
static double *predict_direct(const NtkSystem *sys, const double *A, const double *y)
{
    uint32_t n = sys->n;
    double *a = malloc((size_t)n * n * sizeof *a), *v = malloc(n * sizeof *v), *f = malloc(sys->m * sizeof *f);
    memcpy(a, A, (size_t)n * n * sizeof *a);
    memcpy(v, y, n * sizeof *v);
    if (LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)n, 1, a, (lapack_int)n, v, 1) != 0) {
        lapack_int *piv = malloc(n * sizeof *piv);
        memcpy(a, A, (size_t)n * n * sizeof *a);
        memcpy(v, y, n * sizeof *v);
        CU_ASSERT_EQUAL_FATAL(LAPACKE_dsysv(LAPACK_ROW_MAJOR, 'U', (lapack_int)n, 1, a, (lapack_int)n, piv, v, 1), 0);
        free(piv);
    }
    for (uint32_t t = 0; t < sys->m; t++) {
        double acc = 0;
        for (uint32_t i = 0; i < n; i++)
            acc += sys->kstar[(size_t)t * n + i] * v[i];
        f[t] = acc;
    }
    free(a);
    free(v);
    return f;
}

/* Checks a report against direct computations on the same system. */
static void check_report(const NtkProblem *p, const NtkReport *r)
{
    NtkSystem sys;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(ntk_system_build(p, NTK_KERNEL_SPARSE, r->sparse_s, r->sparse_seed, r->sparse_scale, &sys, &err));
    uint32_t n = sys.n, m = sys.m;
    double *sK = malloc(n * sizeof *sK), *sS = malloc(n * sizeof *sS);
    svd(sys.K, n, sK);
    svd(sys.Kt, n, sS);
    const NtkApproxReport *ex = &r->approx[NTK_KERNEL_EXACT], *sp = &r->approx[NTK_KERNEL_SPARSE],
                          *dg = &r->approx[NTK_KERNEL_DIAGONAL];
    /* κ = σ_max/σ_min; eigen- and singular-value routes agree to 1e-9 relative (κ ≤ 1e4 here) */
    ASSERT_CLOSE(ex->kappa / (sK[0] / sK[n - 1]), 1.0, 1e-9);
    ASSERT_CLOSE(sp->kappa / (sS[0] / sS[n - 1]), 1.0, 1e-9);
    CU_ASSERT_EQUAL(dg->kappa, 1.0);
    /* Gershgorin: every eigenvalue lies in [1 − R, 1 + R] */
    for (int a = 0; a < 2; a++) {
        const NtkApproxReport *x = &r->approx[a];
        CU_ASSERT(x->lam_min >= 1 - x->gersh_radius - 1e-12 && x->lam_max <= 1 + x->gersh_radius + 1e-12);
        CU_ASSERT(x->kappa <= x->gersh_kappa * (1 + 1e-12));
    }
    /* ‖K̃⁻¹ − K⁻¹‖/‖K⁻¹‖ with LU inverses and singular values: 1e-8 relative */
    double *Ki = lu_inverse(sys.K, n), *Si = lu_inverse(sys.Kt, n), *D = malloc((size_t)n * n * sizeof *D);
    double *s = malloc(n * sizeof *s), *sKi = malloc(n * sizeof *sKi);
    svd(Ki, n, sKi);
    for (size_t k = 0; k < (size_t)n * n; k++)
        D[k] = Si[k] - Ki[k];
    svd(D, n, s);
    ASSERT_CLOSE(sp->inv_err, s[0] / sKi[0], 1e-8 * fmax(1, s[0] / sKi[0]));
    for (size_t k = 0; k < (size_t)n * n; k++)
        D[k] = (k % (n + 1) == 0 ? 1.0 : 0.0) - Ki[k];
    svd(D, n, s);
    ASSERT_CLOSE(dg->inv_err, s[0] / sKi[0], 1e-8 * fmax(1, s[0] / sKi[0]));
    /* Lemma II.1 first-order bound κ(K)‖K̃ − K‖/‖K‖ */
    for (size_t k = 0; k < (size_t)n * n; k++)
        D[k] = sys.Kt[k] - sys.K[k];
    svd(D, n, s);
    ASSERT_CLOSE(sp->inv_bound, (sK[0] / sK[n - 1]) * s[0] / sK[0], 1e-8);
    /* predictions by direct solves; accuracy and agreement recounted */
    double *fe = predict_direct(&sys, sys.K, p->train.y), *fs = predict_direct(&sys, sys.Kt, p->train.y);
    uint32_t ce = 0, cs = 0, cd = 0, agree_s = 0;
    for (uint32_t t = 0; t < m; t++) {
        double fd = 0;
        for (uint32_t i = 0; i < n; i++)
            fd += sys.kstar[(size_t)t * n + i] * p->train.y[i];
        ASSERT_CLOSE(ex->f[t], fe[t], 1e-9 * ex->kappa);
        ASSERT_CLOSE(sp->f[t], fs[t], 1e-9 * sp->kappa);
        ASSERT_CLOSE(dg->f[t], fd, 1e-12);
        ce += fe[t] * p->test.y[t] > 0; /* f = 0 is no prediction */
        cs += fs[t] * p->test.y[t] > 0;
        cd += fd * p->test.y[t] > 0;
        agree_s += (fs[t] > 0) == (fe[t] > 0);
    }
    CU_ASSERT_EQUAL(ex->correct, ce);
    CU_ASSERT_EQUAL(sp->correct, cs);
    CU_ASSERT_EQUAL(dg->correct, cd);
    CU_ASSERT_EQUAL(sp->agree, agree_s);
    CU_ASSERT_EQUAL(ex->agree, m);
    ASSERT_CLOSE(ex->accuracy, (double)ce / m, 1e-15);
    /* the largest off-diagonal element */
    double big = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            if (i != j)
                big = fmax(big, fabs(sys.K[(size_t)i * n + j]));
    CU_ASSERT_EQUAL(r->offdiag_max, big);
    CU_ASSERT_EQUAL(sp->row_nnz_max, sys.deg + 1);
    free(fe);
    free(fs);
    free(Ki);
    free(Si);
    free(D);
    free(s);
    free(sKi);
    free(sK);
    free(sS);
    ntk_system_free(&sys);
}

static const char *small(const char *act, const char *L, const char *kernel)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5]); test = csv(\"ntk_small_test.csv\", classes = [3, 5]);"
             " activation = %s; L = %s; kernel = %s; }",
             act, L, kernel);
    return buf;
}

static void test_against_direct(void)
{
    static const struct {
        const char *act, *L, *kernel;
    } cases[] = {
        {"relu", "4", "sparse(s = 4, seed = 1)"},         /* shallow: K̃ indefinite */
        {"relu", "ceil(L_conv / 10)", "sparse(s = 3, seed = 9, scale = 0.5)"},
        {"erf", "12", "exact"},                           /* sparse with defaults */
        {"erf", "30", "sparse(seed = 2)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ProblemSet ps;
        NtkProblem *p = compile_one(small(cases[k].act, cases[k].L, cases[k].kernel), &ps);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        NtkReport r;
        char *err = NULL;
        CU_ASSERT_TRUE_FATAL(ntk_analyze(p, &r, &err));
        CU_ASSERT_FALSE(r.approx[0].singular);
        CU_ASSERT_FALSE(r.approx[1].singular);
        check_report(p, &r);
        ntk_report_free(&r);
        problem_set_free(&ps);
    }
}

static void test_paper_bounds_at_lconv(void)
{
    /* L ≥ L_conv: |K_ij/K_11| ≤ 1/n² (Cor. I.7) and ≤ (δ/(δ_ij n))² or
     * (δ/n)² (Lemma I.6); κ(K), κ(K̃) ≤ (1 + 1/n)/(1 − 1/n) (Cor. I.10, II.6) */
    static const char *const texts[] = {
        "ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5]); test = csv(\"ntk_small_test.csv\", classes = [3, 5]);"
        " activation = relu; L = ceil(L_conv); kernel = sparse(s = 5); }",
        "ntk p { train = csv(\"ntk_small.csv\", classes = [3, 5]); test = csv(\"ntk_small_test.csv\", classes = [3, 5]);"
        " activation = erf; L = ceil(L_conv); }",
        "ntk p { train = idx(\"ntk_tiny-images.idx.gz\", \"ntk_tiny-labels.idx.gz\", classes = [0, 1]);"
        " test = idx(\"ntk_tiny-images.idx\", \"ntk_tiny-labels.idx\", classes = [2, 3]); activation = erf;"
        " L = ceil(L_conv); kernel = sparse(s = 2); }",
    };
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
        ProblemSet ps;
        NtkProblem *p = compile_one(texts[k], &ps);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        NtkReport r;
        char *err = NULL;
        CU_ASSERT_TRUE_FATAL(ntk_analyze(p, &r, &err));
        CU_ASSERT_TRUE(r.deep_enough);
        CU_ASSERT(r.offdiag_max <= r.offdiag_bound);
        CU_ASSERT_EQUAL(r.lemma16_violations, 0);
        CU_ASSERT(r.approx[0].kappa <= r.paper_kappa);
        CU_ASSERT(r.approx[1].kappa <= r.paper_kappa);
        CU_ASSERT(r.approx[1].inv_err < 1e-10);
        ntk_report_free(&r);
        problem_set_free(&ps);
    }
    /* and well below L_conv they fail on this data: the check can tell */
    ProblemSet ps;
    NtkProblem *p = compile_one(small("relu", "2", "exact"), &ps);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    NtkReport r;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(ntk_analyze(p, &r, &err));
    CU_ASSERT_FALSE(r.deep_enough);
    CU_ASSERT(r.offdiag_max > r.offdiag_bound);
    CU_ASSERT(r.lemma16_violations > 0);
    CU_ASSERT(r.approx[0].kappa > r.paper_kappa);
    ntk_report_free(&r);
    problem_set_free(&ps);
}

static void test_scale_zero_is_diagonal(void)
{
    ProblemSet ps;
    NtkProblem *p = compile_one(small("relu", "6", "sparse(s = 4, scale = 0)"), &ps);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    NtkReport r;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(ntk_analyze(p, &r, &err));
    const NtkApproxReport *sp = &r.approx[NTK_KERNEL_SPARSE], *dg = &r.approx[NTK_KERNEL_DIAGONAL];
    CU_ASSERT_EQUAL(sp->kappa, 1.0);
    CU_ASSERT_EQUAL(sp->row_nnz_max, 1);
    for (uint32_t t = 0; t < r.m; t++)
        ASSERT_CLOSE(sp->f[t], dg->f[t], 1e-13);
    ASSERT_CLOSE(sp->inv_err, dg->inv_err, 1e-12);
    ntk_report_free(&r);
    problem_set_free(&ps);
}

static void test_report_output(void)
{
    ProblemSet ps;
    NtkProblem *p = compile_one(small("erf", "9", "sparse(s = 2, seed = 3)"), &ps);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    NtkReport r;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(ntk_analyze(p, &r, &err));
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    ntk_report_print(&r, mem);
    JsonWriter w;
    json_init(&w, mem);
    ntk_report_json(&r, &w);
    json_finish(&w);
    fclose(mem);
    char acc[64];
    snprintf(acc, sizeof acc, "%.4f (%u/%u)", r.approx[1].accuracy, r.approx[1].correct, r.m);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, acc));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "sparse   *"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "2 off-diagonals per row, seed 3"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"kernels\""));
    free(buf);
    ntk_report_free(&r);
    problem_set_free(&ps);
}

static void test_underflow_undetermined(void)
{
    /* L = 3000 layers of ReLU: every off-diagonal and every k*_i underflows
     * to 0, so no prediction is possible; none may count as right */
    ProblemSet ps;
    NtkProblem *p = compile_one(small("relu", "3000", "exact"), &ps);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    NtkReport r;
    char *err = NULL;
    CU_ASSERT_TRUE_FATAL(ntk_analyze(p, &r, &err));
    CU_ASSERT_EQUAL(r.approx[0].undetermined, r.m);
    CU_ASSERT_EQUAL(r.approx[0].correct, 0);
    CU_ASSERT_EQUAL(r.approx[2].correct, 0);
    ntk_report_free(&r);
    problem_set_free(&ps);
}

void suite_ntk_analyze(void);
void suite_ntk_analyze(void)
{
    UNIT_SUITE("ntk analyze", {"against direct solves and SVD", test_against_direct},
               {"paper's bounds at L >= L_conv", test_paper_bounds_at_lconv},
               {"sparse with scale 0 is diagonal", test_scale_zero_is_diagonal},
               {"underflowed kernel: no predictions", test_underflow_undetermined}, {"report output", test_report_output});
}
