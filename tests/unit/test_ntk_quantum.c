/* test_ntk_quantum.c — NTK predictions through the quantum solver and the
 * Hadamard test (passes/ntk_quantum.h), against the classical sparse-NTK
 * predictor sign(yᵀK̃⁻¹k*) computed here with LAPACK from the same K̃.
 * Tolerances: the circuit's outcome difference P(0) − P(1) against
 * 2a⟨ŷ|x̂⟩/(1 + a²) from the classical solution within 0.01 + 10% (the
 * phase-estimation error at the default clock), and every prediction from
 * exact outcome probabilities equal to the classical one. */
#include "unit.h"

#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "passes/ntk_kernel.h"
#include "passes/ntk_quantum.h"
#include "support/util.h"

static const char *TINY = "ntk tiny {\n"
                          "    train = csv(\"ntk_small.csv\", classes = [3, 5], n = 8, seed = 2);\n"
                          "    test = csv(\"ntk_small_test.csv\", classes = [3, 5], n = 3, seed = 1);\n"
                          "    activation = relu;\n"
                          "    L = 4;\n"
                          "    kernel = sparse(s = 2, seed = 1, scale = 0.3);\n"
                          "}\n";

static void test_predictions(void)
{
    ProblemSet ps;
    char *d = NULL;
    int nerr = unit_compile(TINY, &ps, &d);
    if (nerr)
        fprintf(stderr, "%s", d ? d : "");
    free(d);
    CU_ASSERT_FATAL(nerr == 0 && ps.nntk == 1);
    const NtkProblem *p = ps.ntk[0];
    NtkQOptions o;
    memset(&o, 0, sizeof o);
    o.simulate = true;
    o.shots = 1000;
    NtkQRun r;
    char *err = NULL;
    bool ok = ntk_qrun(p, &o, &r, &err);
    if (!ok)
        fprintf(stderr, "\n  ntk_qrun: %s\n", err);
    CU_ASSERT_FATAL(ok);
    CU_ASSERT_EQUAL(r.ntests, 3);
    /* the classical predictor, independently */
    NtkSystem sys;
    CU_ASSERT_FATAL(ntk_system_build(p, p->kernel, p->s, p->sparse_seed, p->offdiag_scale, &sys, NULL));
    uint32_t n = sys.n;
    for (uint32_t t = 0; t < r.ntests; t++) {
        double *a = xmalloc((size_t)n * n * sizeof *a), *x = xmalloc(n * sizeof *x);
        memcpy(a, sys.Kt, (size_t)n * n * sizeof *a);
        memcpy(x, sys.kstar + (size_t)t * n, n * sizeof *x);
        lapack_int *piv = xmalloc(n * sizeof *piv);
        CU_ASSERT_FATAL(LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)n, 1, a, (lapack_int)n, piv, x, 1) == 0);
        double dot = 0;
        for (uint32_t i = 0; i < n; i++)
            dot += p->train.y[i] * x[i];
        int want = dot < 0 ? -1 : 1;
        CU_ASSERT_EQUAL(r.test[t].pred_sparse, want);
        CU_ASSERT_EQUAL(r.test[t].pred_quantum, want);
        double dp = r.test[t].diff_predicted;
        CU_ASSERT(fabs(r.test[t].diff - dp) <= 0.01 + 0.1 * fabs(dp));
        CU_ASSERT(r.test[t].p_kept > 0 && r.test[t].p_kept < 1);
        CU_ASSERT(r.test[t].count0 + r.test[t].count1 == 1000);
        free(a), free(x), free(piv);
    }
    CU_ASSERT_EQUAL(r.agree_sparse, r.ntests);
    ntk_system_free(&sys);
    ntk_qrun_free(&r);
    problem_set_free(&ps);
}

void suite_ntk_quantum(void);
void suite_ntk_quantum(void)
{
    UNIT_SUITE("ntk_quantum", {"quantum predictions equal the classical sparse-NTK ones", test_predictions});
}
