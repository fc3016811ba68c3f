/* test_qsp.c — the QSVT solver: the filtered inverse, its QSP phases
 * (passes/qsp.h) and the assembled circuit (solver.h, qsolve.h).
 *
 * Independent checks:
 *   - the Chebyshev series against the target f it interpolates, on a
 *     dense grid: within the asked ε; f itself against its closed form
 *     (norm·a/x above the cut, ≤ the edge's share below a(1 − δ), |f| ≤ s);
 *   - the phases against the polynomial: ⟨0|U(x, Φ)|0⟩ multiplied out as
 *     2×2 matrices in long double (qsp_eval, no code shared with the phase
 *     finder's half-product) on 2001 points, real part within 1e-12;
 *   - the circuit's block against P(H/α) from LAPACK's eigen-decomposition
 *     of the encoded matrix: the kept amplitudes of the simulated circuit,
 *     dense (renormalised, with P(kept) = ‖P(H/α)b̂‖²) and sparse (projected,
 *     unnormalised), for every basis vector b̂ = e_i, within 1e-10;
 *   - qrun end to end with solver = qsvt: fidelity ≥ 0.99 with the
 *     classical filtered solution. */
#include "unit.h"

#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/resources.h"
#include "passes/qrun.h"
#include "passes/qsolve.h"
#include "passes/qsp.h"
#include "sim/exec.h"
#include "sim/sparse.h"
#include "support/util.h"

static void test_target_and_series(void)
{
    QspPoly p;
    char *err = NULL;
    double a = 0.05, eps = 1e-6;
    CU_ASSERT_FATAL(qsp_inverse_poly(a, QSP_DELTA, QSP_SCALE, eps, QSP_MAX_DEGREE, &p, &err));
    CU_ASSERT(p.degree % 2 == 1);
    double worst = 0, fmaxv = 0;
    for (int i = 0; i <= 20000; i++) {
        double x = -1 + 2.0 * i / 20000;
        double f = qsp_target(&p, x);
        worst = fmax(worst, fabs(qsp_poly_eval(&p, x) - f));
        fmaxv = fmax(fmaxv, fabs(f));
        if (fabs(x) >= a) /* 1/x above the cut, within the edge's share */
            CU_ASSERT(fabs(f - p.norm * a / x) <= eps / 4 * p.norm * a / fabs(x) + 1e-15);
        if (fabs(x) <= a * (1 - QSP_DELTA))
            CU_ASSERT(fabs(f) <= eps / 4 * p.norm * a / fmax(fabs(x), 1e-300) + 1e-15);
    }
    CU_ASSERT(worst <= eps);
    CU_ASSERT(fmaxv <= QSP_SCALE + 1e-12);
    /* the degree is within a factor 2 of the rule's estimate, proportional to 1/a */
    QspPoly q;
    CU_ASSERT_FATAL(qsp_inverse_poly(a / 2, QSP_DELTA, QSP_SCALE, eps, QSP_MAX_DEGREE, &q, &err));
    double ratio = (double)q.degree / p.degree;
    CU_ASSERT(ratio > 1.8 && ratio < 2.2);
    qsp_poly_free(&q);
    qsp_poly_free(&p);
}

static void test_phases_reproduce_polynomial(void)
{
    QspPoly p;
    char *err = NULL;
    CU_ASSERT_FATAL(qsp_inverse_poly(0.05, QSP_DELTA, QSP_SCALE, 1e-8, QSP_MAX_DEGREE, &p, &err));
    CU_ASSERT(p.degree > 1000);
    double *ph = xmalloc((p.degree + 1) * sizeof *ph);
    QspStats st;
    CU_ASSERT_FATAL(qsp_phases(p.cheb, p.degree, QSP_TOL, QSP_MAX_ITER, ph, &st, &err));
    for (unsigned j = 0; j <= p.degree; j++)
        CU_ASSERT_EQUAL(ph[j], ph[p.degree - j]); /* symmetric */
    double worst = 0, worst_im = 0;
    for (int i = 0; i <= 2000; i++) {
        double x = -1 + 2.0 * i / 2000;
        double complex u = qsp_eval(ph, p.degree, x);
        worst = fmax(worst, fabs(creal(u) - qsp_poly_eval(&p, x)));
        worst_im = fmax(worst_im, cabs(u));
    }
    CU_ASSERT(worst <= 1e-12);
    CU_ASSERT(worst_im <= 1 + 1e-12); /* a unitary's entry */
    free(ph);
    qsp_poly_free(&p);
}

static void test_phases_refuse_beyond_one(void)
{
    /* |P| ≥ 1 somewhere: no phases exist; the iteration says so */
    double c[2] = {1.2, 0};
    double ph[4];
    char *err = NULL;
    CU_ASSERT_FALSE(qsp_phases(c, 3, QSP_TOL, 60, ph, NULL, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
}

/* A symmetric 4×4 M (no dilation): the circuit's block on every e_i */
static void test_block_equals_polynomial(void)
{
    const double Md[16] = {2.0, 0.3, 0.0, -0.4, 0.3, 1.5, 0.2, 0.0, 0.0, 0.2, -1.1, 0.5, -0.4, 0.0, 0.5, 0.9};
    SpBuilder bld;
    sp_builder_init(&bld, 4, 4);
    for (size_t r = 0; r < 4; r++)
        for (size_t c = 0; c < 4; c++)
            if (Md[r * 4 + c] != 0)
                sp_push(&bld, r, c, Md[r * 4 + c]);
    SpMat M;
    sp_builder_finish(&bld, &M);
    for (size_t i = 0; i < 4; i++) {
        double b[4] = {0, 0, 0, 0};
        b[i] = 1;
        QSolve q;
        QSolveOptions o = {.kappa0 = 6, .precision = 0.01, .qsvt = true, .qsvt_eps = 1e-4};
        char *err = NULL;
        CU_ASSERT_FATAL(qsolve_build(&M, b, &o, &q, &err));
        CU_ASSERT_FATAL(!q.dil.dilated && q.qsvt);
        size_t n = (size_t)1 << q.s;
        /* P(H/α) e_i from the eigen-decomposition of the encoded H */
        double *H = xcalloc(n * n, sizeof *H), *w = xmalloc(n * sizeof *w);
        memcpy(H, q.dil.H, n * n * sizeof *H);
        CU_ASSERT_FATAL(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, H, (lapack_int)n, w) == 0);
        double *y = xcalloc(n, sizeof *y), yy = 0;
        for (size_t k = 0; k < n; k++) {
            double g = creal(qsp_eval(q.phases, q.poly->degree, w[k] / q.alpha));
            double vb = 0;
            for (size_t r = 0; r < n; r++)
                vb += H[r * n + k] * q.dil.b[r];
            for (size_t r = 0; r < n; r++)
                y[r] += g * vb * H[r * n + k];
        }
        for (size_t r = 0; r < n; r++)
            yy += y[r] * y[r];
        /* dense: renormalised kept state, and its probability */
        SimRunOptions so = {.seed = 1};
        SimRunResult rr = {0};
        StateVec *sv = sim_run_new(&q.c, &so, &rr, &err);
        CU_ASSERT_FATAL(sv != NULL);
        CU_ASSERT(fabs(rr.post_product - yy) <= 1e-10);
        double dev = 0;
        for (size_t r = 0; r < n; r++)
            dev = fmax(dev, cabs(sv->amp[q.sys + r] - y[r] / sqrt(yy)));
        CU_ASSERT(dev <= 1e-10);
        sim_destroy(sv);
        sim_run_result_free(&rr);
        /* sparse: projected, unnormalised */
        SparseState *ss = sparse_create(q.c.nqubits, 1u << 20, &err);
        CU_ASSERT_FATAL(ss != NULL);
        CU_ASSERT_FATAL(sparse_run_circuit(&q.c, ss, NULL, &err));
        double devs = 0;
        for (size_t r = 0; r < n; r++)
            devs = fmax(devs, cabs(sparse_get(ss, q.sys + r) - y[r]));
        CU_ASSERT(devs <= 1e-10);
        sparse_free(ss);
        free(H), free(w), free(y);
        qsolve_free(&q);
    }
    sp_free(&M);
}

/* δ = 0: the Chebyshev residual polynomial, against its closed-form bound */
static void test_optimal_polynomial(void)
{
    QspPoly p;
    char *err = NULL;
    double a = 0.01, eps = 1e-6;
    CU_ASSERT_FATAL(qsp_inverse_poly(a, 0, QSP_SCALE, eps, QSP_MAX_DEGREE, &p, &err));
    CU_ASSERT(p.optimal);
    CU_ASSERT(p.degree <= qsp_optimal_degree(a, QSP_SCALE, eps));
    /* degree ≈ ln(4s/ε)/a: the minimax rate */
    double rate = p.degree * a / log(4 * QSP_SCALE / eps);
    CU_ASSERT(rate > 0.9 && rate < 1.1);
    double worst_band = 0, worst_poly = 0, fmaxv = 0;
    for (int i = 0; i <= 20000; i++) {
        double x = -1 + 2.0 * i / 20000;
        double f = qsp_target(&p, x);
        if (fabs(x) >= a)
            worst_band = fmax(worst_band, fabs(f - p.norm * a / x));
        worst_poly = fmax(worst_poly, fabs(qsp_poly_eval(&p, x) - f));
        fmaxv = fmax(fmaxv, fabs(f));
    }
    CU_ASSERT(worst_band <= eps / 2);
    CU_ASSERT(worst_poly <= eps / 2 + 1e-12);
    CU_ASSERT(fmaxv <= QSP_SCALE + 1e-9);
    /* the edge finder: nothing below the cut gives δ = 0, something gives an edge clear of it */
    double lam[3] = {0.5, -0.3, 0.9};
    size_t inside = 9;
    double cut = 0;
    CU_ASSERT_EQUAL(qsp_edge_for(lam, 3, 0.2, &cut, &inside), 0);
    CU_ASSERT_EQUAL(inside, 0);
    CU_ASSERT(cut >= 0.2 && cut < 0.3); /* the band starts just under the least eigenvalue */
    double lam2[3] = {0.5, -0.15, 0.9};
    double d = qsp_edge_for(lam2, 3, 0.2, &cut, &inside);
    CU_ASSERT(cut >= 0.2 && cut < 0.5 && d > 0 && cut * (1 - d) > 0.15 && inside == 0);
    qsp_poly_free(&p);
}

/* The declared QSVT steps (counted, for degrees too large to build) cost
 * what the built steps count */
static void test_counted_equals_built(void)
{
    const double Md[4] = {1.0, 0.4, 0.4, -0.7};
    SpBuilder bld;
    sp_builder_init(&bld, 2, 2);
    for (size_t k = 0; k < 4; k++)
        sp_push(&bld, k / 2, k % 2, Md[k]);
    SpMat M;
    sp_builder_finish(&bld, &M);
    double b[2] = {0.6, 0.8};
    ResCounts rb, rc;
    res_init(&rb), res_init(&rc);
    for (int counted = 0; counted < 2; counted++) {
        QSolve q;
        QSolveOptions o = {.kappa0 = 4, .precision = 0.01, .qsvt = true, .qsvt_eps = 1e-5, .qsvt_counted = counted};
        char *err = NULL;
        CU_ASSERT_FATAL(qsolve_build(&M, b, &o, &q, &err));
        res_count(&q.c, counted ? &rc : &rb);
        qsolve_free(&q);
    }
    CU_ASSERT(mpz_cmp(rb.ccz, rc.ccz) == 0);
    CU_ASSERT(mpz_cmp(rb.rotations, rc.rotations) == 0);
    CU_ASSERT(mpz_cmp(rb.t_count, rc.t_count) == 0);
    CU_ASSERT(mpz_sgn(rb.rotations) > 0);
    res_clear(&rb), res_clear(&rc);
    sp_free(&M);
}

static const char *P1 = "gd p1 {\n"
                        "    param u[1] = 0.6;\n"
                        "    eta = 0.3;\n"
                        "    T = 2;\n"
                        "    loss = u[0]^2/2 + 0.2*u[0]^3;\n"
                        "    options { carleman_order = 2; solver = qsvt; algorithm = paper; }\n"
                        "}\n";

static void test_qrun_qsvt(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(P1, &ps);
    QRunOptions o;
    memset(&o, 0, sizeof o);
    qrun_options_for(p, &o);
    CU_ASSERT_EQUAL(o.solver, SOLVER_QSVT);
    o.simulate = true;
    QRun r;
    char *err = NULL;
    CU_ASSERT_FATAL(qrun_gd(p, &o, &r, &err));
    CU_ASSERT(r.qs.qsvt);
    CU_ASSERT(r.fid_qpe >= 0.99);
    CU_ASSERT(r.err_total <= r.budget);
    qrun_free(&r);
    problem_set_free(&ps);
}

void suite_qsp(void);
void suite_qsp(void)
{
    CU_pSuite s = CU_add_suite("qsp", NULL, NULL);
    CU_add_test(s, "filtered inverse: target and Chebyshev series", test_target_and_series);
    CU_add_test(s, "phases reproduce the polynomial (degree > 1000, 1e-12)", test_phases_reproduce_polynomial);
    CU_add_test(s, "phases refused beyond |P| = 1", test_phases_refuse_beyond_one);
    CU_add_test(s, "QSVT block equals P(H/alpha): dense and sparse simulators", test_block_equals_polynomial);
    CU_add_test(s, "optimal polynomial (no edge) and the edge finder", test_optimal_polynomial);
    CU_add_test(s, "declared QSVT steps count as the built ones", test_counted_equals_built);
    CU_add_test(s, "qrun with solver = qsvt", test_qrun_qsvt);
}
