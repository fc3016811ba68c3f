/* test_qsolve.c — the assembled quantum linear solver (passes/qsolve.h)
 * and the gradient-descent pipeline end to end (passes/qrun.h).
 *
 * Dense checks on a small case, every matrix independent of the circuit:
 *   - the dilation H against [[0, M'], [M'ᵀ, 0]] written out here;
 *   - the clock distribution after phase estimation against the closed
 *     form Σ_λ |⟨v_λ|b⟩|² · ½ Σ_± |a_j(±θ_λ/2π)|², θ_λ = arccos(λ/α), the
 *     spectrum from LAPACKE_dsyev and a_j(φ) = 2^−p Σ_k e^{2πik(φ − j/2^p)};
 *   - the post-selected state and its probability against the
 *     QPE-averaged filter g(λ) = Σ_j |a_j(θ_λ/2π)|² f(λ̃_j):
 *     x_q ∝ Σ_λ g(λ)⟨v_λ|b⟩ v_λ (1e-9) and P(kept) = ‖Σ_λ g(λ)⟨v_λ|b⟩ v_λ‖²
 *     (1e-9), with f(λ̃) = λ_min/λ̃ on |λ̃| ≥ λ_min, 0 elsewhere.
 * End to end (qrun_gd) on small dissipative problems with default
 * settings: fidelity of the simulated post-selected state with the
 * classical filtered solution ≥ 0.99, and the read-out u(T) within the
 * printed budget of the true gradient-descent u(T); each stage is checked
 * against the independent reference it names. Refusals: κ0 ≤ 1, too few
 * clock bits, a state over the memory budget (compile still succeeds). */
#include "unit.h"
#include "support/consts.h"

#include <complex.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "passes/carleman.h"
#include "passes/qrun.h"
#include "passes/qsolve.h"
#include "passes/reference.h"
#include "passes/unroll.h"
#include "sim/exec.h"
#include "support/util.h"


static const char *P1 = "gd p1 {\n"
                        "    param u[1] = 0.6;\n"
                        "    eta = 0.3;\n"
                        "    T = 1;\n"
                        "    loss = u[0]^2/2 + 0.2*u[0]^3;\n"
                        "    options { carleman_order = 2; }\n"
                        "}\n";

static void build_system(GdProblem *p, Carleman *cm, LinSystem *s)
{
    CU_ASSERT_FATAL(pass_carleman(p, cm, NULL));
    CU_ASSERT_FATAL(pass_unroll(cm, s, NULL));
}

static double _Complex qpe_amp(double phi, unsigned p, uint64_t j)
{
    uint64_t n = (uint64_t)1 << p;
    double _Complex a = 0;
    for (uint64_t k = 0; k < n; k++)
        a += cexp(I * (2 * QGD_PI) * (double)k * (phi - (double)j / (double)n));
    return a / (double)n;
}

static void test_dense_small_case(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(P1, &ps);
    Carleman cm;
    LinSystem s;
    build_system(p, &cm, &s);
    QSolve q;
    QSolveOptions o = {.kappa0 = 4, .clock_bits = 0, .precision = 0.01, .measure = false};
    char *err = NULL;
    CU_ASSERT_FATAL(qsolve_build(&s.M, s.rhs, &o, &q, &err));
    /* the dilation, written out */
    size_t dim = s.dim_sz, half = 1, n = q.dil.n;
    while (half < dim)
        half *= 2;
    CU_ASSERT_EQUAL(n, 2 * half);
    double *Mp = xcalloc(half * half, sizeof *Mp);
    double *Md = xcalloc(dim * dim, sizeof *Md);
    sp_to_dense(&s.M, Md);
    for (size_t r = 0; r < half; r++)
        for (size_t c = 0; c < half; c++)
            Mp[r * half + c] = r < dim && c < dim ? Md[r * dim + c] : (r == c ? 1 : 0);
    double maxd = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < n; c++) {
            double want = r < half && c >= half ? Mp[r * half + c - half]
                          : r >= half && c < half ? Mp[c * half + r - half] : 0;
            maxd = fmax(maxd, fabs(q.dil.H[r * n + c] - want));
        }
    CU_ASSERT(maxd == 0);
    /* spectrum of H */
    double *V = xmalloc(n * n * sizeof *V), *lam = xmalloc(n * sizeof *lam);
    memcpy(V, q.dil.H, n * n * sizeof *V);
    CU_ASSERT_FATAL(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, V, (lapack_int)n, lam) == 0);
    double bn = 0;
    for (size_t i = 0; i < n; i++)
        bn += q.dil.b[i] * q.dil.b[i];
    bn = sqrt(bn);
    double *beta = xcalloc(n, sizeof *beta); /* ⟨v_λ|b̂⟩ */
    for (size_t l = 0; l < n; l++)
        for (size_t i = 0; i < n; i++)
            beta[l] += V[i * n + l] * q.dil.b[i] / bn;
    unsigned pc = q.p;
    uint64_t nc = (uint64_t)1 << pc;

    /* (1) the clock distribution right after phase estimation */
    {
        Circuit c2;
        circuit_init(&c2);
        /* run the main block only up to the qpe call: a copy of the first two ops */
        StateVec *sv = sim_create((int)q.c.nqubits, NULL);
        Circuit *c = &q.c;
        Block keep = c->main;
        Block part = {keep.ops, 2, 2};
        c->main = part;
        CU_ASSERT_FATAL(sim_run(c, sv, NULL, NULL, NULL));
        c->main = keep;
        int cq[32];
        for (unsigned k = 0; k < pc; k++)
            cq[k] = (int)(q.clock + k);
        double *got = xmalloc(nc * sizeof *got);
        sim_probabilities(sv, cq, (int)pc, got);
        double maxe = 0;
        for (uint64_t j = 0; j < nc; j++) {
            double want = 0;
            for (size_t l = 0; l < n; l++) {
                double th = acos(fmax(-1, fmin(1, lam[l] / q.alpha)));
                double _Complex ap = qpe_amp(th / (2 * QGD_PI), pc, j), am = qpe_amp(-th / (2 * QGD_PI), pc, j);
                want += beta[l] * beta[l] * 0.5 * (creal(ap * conj(ap)) + creal(am * conj(am)));
            }
            maxe = fmax(maxe, fabs(got[j] - want));
        }
        ASSERT_CLOSE(maxe, 0, 1e-10);
        free(got);
        sim_destroy(sv);
        circuit_free(&c2);
    }

    /* (2) the post-selected state and its probability */
    {
        SimRunResult rr;
        memset(&rr, 0, sizeof rr);
        StateVec *sv = sim_run_new(&q.c, NULL, &rr, &err);
        CU_ASSERT_FATAL(sv != NULL);
        double *want = xcalloc(n, sizeof *want);
        for (size_t l = 0; l < n; l++) {
            double th = acos(fmax(-1, fmin(1, lam[l] / q.alpha))), g = 0;
            for (uint64_t j = 0; j < nc; j++) {
                double lt = invert_lambda(q.alpha, pc, j);
                double f = fabs(lt) >= q.lambda_min ? q.lambda_min / lt : 0;
                double _Complex a = qpe_amp(th / (2 * QGD_PI), pc, j);
                g += creal(a * conj(a)) * f;
            }
            for (size_t i = 0; i < n; i++)
                want[i] += g * beta[l] * V[i * n + l];
        }
        double pk = 0;
        for (size_t i = 0; i < n; i++)
            pk += want[i] * want[i];
        ASSERT_CLOSE(rr.post_product, pk, 1e-9);
        /* the state: sys = H index, anc = 1, everything else 0 */
        double _Complex z = 0;
        uint64_t anc = (uint64_t)1 << q.anc;
        for (size_t i = 0; i < n; i++)
            z += want[i] * sv->amp[i | anc];
        double _Complex ph = conj(z) / cabs(z);
        double maxe = 0, tot = 0;
        for (size_t i = 0; i < n; i++) {
            maxe = fmax(maxe, cabs(ph * sv->amp[i | anc] - want[i] / sqrt(pk)));
            tot += creal(sv->amp[i | anc] * conj(sv->amp[i | anc]));
        }
        ASSERT_CLOSE(maxe, 0, 1e-9);
        ASSERT_CLOSE(tot, 1, 1e-12); /* all of the kept state is in that slice */
        free(want);
        sim_destroy(sv);
        sim_run_result_free(&rr);
    }
    free(beta);
    free(V);
    free(lam);
    free(Mp);
    free(Md);
    qsolve_free(&q);
    lin_system_free(&s);
    carleman_free(&cm);
    problem_set_free(&ps);
}

/* End to end with default settings. */
static void check_run(const char *text, double min_fid)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(text, &ps);
    QRunOptions o;
    memset(&o, 0, sizeof o);
    o.simulate = true;
    QRun r;
    char *err = NULL;
    bool ok = qrun_gd(p, &o, &r, &err);
    if (!ok)
        fprintf(stderr, "\n  qrun: %s\n", err);
    CU_ASSERT_FATAL(ok);
    CU_ASSERT(r.fid_qpe >= min_fid);
    CU_ASSERT(r.err_total <= r.budget);
    /* each stage against its own independent reference */
    size_t T = p->T, n = p->n;
    double *traj = xmalloc((T + 1) * n * sizeof *traj);
    ref_true_iteration(p, traj);
    for (size_t i = 0; i < n; i++)
        ASSERT_CLOSE(r.u_true[i], traj[T * n + i], 0);
    Carleman cm;
    CU_ASSERT_FATAL(pass_carleman(p, &cm, NULL));
    double *uC = xmalloc((T + 1) * n * sizeof *uC);
    CU_ASSERT_FATAL(ref_carleman_iteration(&cm, uC, NULL, NULL));
    for (size_t i = 0; i < n; i++)
        ASSERT_CLOSE(r.u_carleman[i], uC[T * n + i], 1e-10);
    ASSERT_CLOSE(r.err_trunc, ref_max_abs_diff(uC + T * n, traj + T * n, n), 1e-10);
    ASSERT_CLOSE(r.err_total, ref_max_abs_diff(r.ro.u, traj + T * n, n), 0);
    CU_ASSERT(r.err_qpe > 0 && r.err_shot > 0 && r.shot_bound > 0);
    CU_ASSERT(r.post_product > 0 && r.post_product <= 1);
    CU_ASSERT(r.imag_residual < 1e-10);
    if (getenv("QGDC_TEST_VERBOSE"))
        fprintf(stderr, "\n  %s: qubits %d, fid %.6f, trunc %.2e filter %.2e qpe %.2e shot %.2e (3s %.2e) "
                        "total %.2e budget %.2e\n",
                p->name, r.sim_qubits, r.fid_qpe, r.err_trunc, r.err_filter, r.err_qpe, r.err_shot, r.shot_bound,
                r.err_total, r.budget);
    free(uC);
    free(traj);
    carleman_free(&cm);
    qrun_free(&r);
    problem_set_free(&ps);
}

static void test_run_one_parameter(void) { check_run(P1, 0.99); }

static void test_run_noise(void)
{
    check_run("gd sgd1 {\n"
              "    param u[1] = -0.5;\n"
              "    eta = 0.25;\n"
              "    T = 1;\n"
              "    loss = u[0]^2/2 + 0.1*u[0]^3;\n"
              "    noise = gaussian(sigma = 0.01, seed = 3);\n"
              "    options { carleman_order = 2; shots = 20000; }\n"
              "}\n",
              0.99);
}

static void test_refusals(void)
{
    ProblemSet ps;
    GdProblem *p = unit_compile_gd(P1, &ps);
    Carleman cm;
    LinSystem s;
    build_system(p, &cm, &s);
    QSolve q;
    char *err = NULL;
    QSolveOptions o = {.kappa0 = 1, .precision = 0.01};
    CU_ASSERT(!qsolve_build(&s.M, s.rhs, &o, &q, &err));
    CU_ASSERT(err && strstr(err, "kappa0"));
    free(err), err = NULL;
    qsolve_free(&q);
    o.kappa0 = 4;
    o.clock_bits = 2;
    CU_ASSERT(!qsolve_build(&s.M, s.rhs, &o, &q, &err));
    CU_ASSERT(err && strstr(err, "too few") && strstr(err, "at least"));
    free(err), err = NULL;
    qsolve_free(&q);
    /* a state over the memory budget: the run refuses, the build does not */
    QRunOptions ro;
    memset(&ro, 0, sizeof ro);
    ro.simulate = true;
    size_t saved = mem_budget();
    mem_set_budget(1 << 16);
    QRun r;
    CU_ASSERT(!qrun_gd(p, &ro, &r, &err));
    CU_ASSERT(err && strstr(err, "qubits"));
    free(err), err = NULL;
    qrun_free(&r);
    ro.simulate = false;
    CU_ASSERT(qrun_gd(p, &ro, &r, &err));
    CU_ASSERT(r.qs.c.nqubits > 10 && !r.simulated);
    qrun_free(&r);
    mem_set_budget(saved);
    lin_system_free(&s);
    carleman_free(&cm);
    problem_set_free(&ps);
}

void suite_qsolve(void);
void suite_qsolve(void)
{
    UNIT_SUITE("qsolve", {"dense small case: dilation, QPE clock, kept state", test_dense_small_case},
               {"run: one parameter", test_run_one_parameter}, {"run: SGD noise", test_run_noise},
               {"refusals", test_refusals});
}
